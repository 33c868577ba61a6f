#pragma once
// Errors raised while reading a session: each says what is wrong and how to fix it.
#include <stdexcept>
#include <string>

namespace neuroplayback {

class SessionError : public std::runtime_error {
public:
  SessionError(const std::string& problem, const std::string& fix)
    : std::runtime_error(problem + (fix.empty() ? std::string() : " How to fix: " + fix))
    , Problem(problem)
    , Fix(fix) {}

  const std::string Problem;
  const std::string Fix;
};

} // namespace neuroplayback
