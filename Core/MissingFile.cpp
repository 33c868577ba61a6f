#include "MissingFile.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace neuroplayback {

namespace {

std::size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({ row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1) });
      diagonal = above;
    }
  }
  return row[b.size()];
}

} // namespace

std::vector<std::string> NearestNames(const std::string& folder, const std::string& name, std::size_t count) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  std::error_code error;
  std::size_t seen = 0;
  for (std::filesystem::directory_iterator it(folder, error), end; !error && it != end && seen < 10000;
       it.increment(error), ++seen) {
    const std::string candidate = it->path().filename().string();
    const std::size_t distance = EditDistance(name, candidate);
    if (distance <= std::max<std::size_t>(2, name.size() / 2)) {
      scored.emplace_back(distance, candidate);
    }
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> names;
  for (std::size_t i = 0; i < scored.size() && i < count; ++i) {
    names.push_back(scored[i].second);
  }
  return names;
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
