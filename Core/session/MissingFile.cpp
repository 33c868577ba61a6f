#include "MissingFile.h"

#include "Suggestions.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace neuroplayback {

std::vector<std::string> NearestNames(const std::string& folder, const std::string& name, std::size_t count) {
  std::vector<std::string> entries;
  std::error_code error;
  for (std::filesystem::directory_iterator it(folder, error), end; !error && it != end && entries.size() < 10000;
       it.increment(error)) {
    entries.push_back(it->path().filename().string());
  }
  std::sort(entries.begin(), entries.end()); // ties in distance come out in name order
  return ClosestNames(name, entries, count);
}

std::string DescribeMissingFile(const std::string& path) {
  std::error_code error;
  std::filesystem::path full = std::filesystem::absolute(path, error);
  if (error) {
    full = path;
  }
  const std::filesystem::path folder = full.parent_path();
  std::string message = "'" + full.string() + "' does not exist";
  if (!std::filesystem::is_directory(folder, error)) {
    // The deepest folder that does exist says where the path went wrong.
    std::filesystem::path existing = folder;
    while (!existing.empty() && existing != existing.root_path() && !std::filesystem::is_directory(existing, error)) {
      existing = existing.parent_path();
    }
    return message + ": its folder '" + folder.string() + "' does not exist either (the deepest folder that does is '" +
      existing.string() + "').";
  }
  const std::vector<std::string> nearest = NearestNames(folder.string(), full.filename().string());
  if (nearest.empty()) {
    return message + " (its folder exists but has no file with a similar name).";
  }
  message += "; in its folder the closest names are ";
  for (std::size_t i = 0; i < nearest.size(); ++i) {
    message += (i ? ", '" : "'") + nearest[i] + "'";
  }
  return message + ".";
}

} // namespace neuroplayback
