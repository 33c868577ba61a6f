#pragma once
// What to tell a user whose file is not where they said: the full path, whether its folder exists,
// and the names in that folder closest to the one typed.
#include <string>
#include <vector>

namespace neuroplayback {

// The entries of `folder` whose names are closest to `name` (ClosestNames: edit distance, at most
// `count`, closest first, unrelated names left out).
std::vector<std::string> NearestNames(const std::string& folder, const std::string& name, std::size_t count = 3);

// "'/abs/path' does not exist: ..." with the folder's state and the nearest names; the fix follows.
std::string DescribeMissingFile(const std::string& path);

} // namespace neuroplayback
