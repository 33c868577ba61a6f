#pragma once
// Helpers shared by the core tests that write small HDF5 files and check SessionError messages.
#include "SessionError.h"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <limits>
#include <string>
#include <vector>

namespace test_support {

inline const double NaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double Pi = 3.14159265358979323846;

// The SessionError message of f(), or "" when it does not throw one.
template <typename F>
std::string ErrorOf(F&& f) {
  try {
    f();
  } catch (const neuroplayback::SessionError& error) {
    return error.what();
  }
  return "";
}

inline std::string TempPath(const std::string& name) {
  return (::testing::TempDir().empty() ? std::string("/tmp/") : ::testing::TempDir()) + name;
}

// A dataspace: scalar for no dimensions.
inline hid_t Space(const std::vector<hsize_t>& dims) {
  return dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
}

// Variable-length UTF-8, as h5py writes str.
inline void WriteStringAttribute(hid_t loc, const char* name, const std::string& value) {
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attr = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  const char* data = value.c_str();
  H5Awrite(attr, type, &data);
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
}

} // namespace test_support

// Expects a non-empty SessionError message that contains every given part.
#define EXPECT_MENTIONS(message, ...)                                                                   \
  do {                                                                                                  \
    const std::string text_ = (message);                                                                \
    EXPECT_FALSE(text_.empty()) << "no SessionError was thrown";                                        \
    for (const char* part_ : { __VA_ARGS__ }) {                                                         \
      EXPECT_NE(text_.find(part_), std::string::npos) << "'" << part_ << "' is not in: " << text_;      \
    }                                                                                                   \
  } while (0)
