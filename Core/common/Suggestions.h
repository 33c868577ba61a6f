#pragma once
// "Did you mean" hints for a misspelt name (an overlay, an attribute value, a file).
#include <cstddef>
#include <string>
#include <vector>

namespace neuroplayback {

// Levenshtein distance: the fewest single-character insertions, deletions and substitutions.
std::size_t EditDistance(const std::string& a, const std::string& b);
// The candidates close to `name` (within half the longer length, at least 2 edits), closest first.
std::vector<std::string> ClosestNames(const std::string& name, const std::vector<std::string>& candidates,
  std::size_t count = 2);

// " Did you mean 'a' or 'b'?" (with a leading space), or "" when nothing is close.
std::string DidYouMean(const std::string& name, const std::vector<std::string>& candidates);
// "a, b, c".
std::string JoinNames(const std::vector<std::string>& names);

} // namespace neuroplayback
