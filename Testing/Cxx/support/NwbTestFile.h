#pragma once
// Small NWB files written with the HDF5 C API in the layout pynwb writes, for the nwb and session tests:
// groups with their neurodata_type, datasets, a SpatialSeries on a rate clock, and a file fixture.
#include "Hdf5TestSupport.h"

#include <gtest/gtest.h>

#include <hdf5.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace nwb_test_support {

using namespace test_support;  // Space, TempPath, WriteStringAttribute

inline hid_t Group(hid_t loc, const char* name, const char* type = nullptr, const char* ns = "core") {
  const hid_t group = H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (type) {
    WriteStringAttribute(group, "neurodata_type", type);
    WriteStringAttribute(group, "namespace", ns);
  }
  return group;
}

inline hid_t Doubles(hid_t loc, const char* name, const std::vector<hsize_t>& dims, const std::vector<double>& values) {
  const hid_t space = Space(dims);
  const hid_t dataset = H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Sclose(space);
  return dataset;
}

inline void Ints(hid_t loc, const char* name, const std::vector<std::int64_t>& values) {
  const hid_t space = Space({ values.size() });
  const hid_t dataset = H5Dcreate2(loc, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(dataset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(dataset);
  H5Sclose(space);
}

inline void Strings(hid_t loc, const char* name, const std::vector<std::string>& values) {
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  const hid_t space = Space({ values.size() });
  const hid_t dataset = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  std::vector<const char*> pointers;
  for (const std::string& value : values) {
    pointers.push_back(value.c_str());
  }
  H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data());
  H5Dclose(dataset);
  H5Sclose(space);
  H5Tclose(type);
}

inline void DoubleAttribute(hid_t loc, const char* name, double value) {
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attr = H5Acreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(attr, H5T_NATIVE_DOUBLE, &value);
  H5Aclose(attr);
  H5Sclose(space);
}

// A SpatialSeries on a rate clock: data (rows x width) with conversion and offset.
inline void RateSeries(hid_t loc, const char* name, const std::vector<double>& data, hsize_t width, double start, double rate,
  double conversion = 1.0, double offset = 0.0, const char* unit = "meters") {
  const hid_t series = Group(loc, name, "SpatialSeries");
  const hsize_t rows = data.size() / width;
  const hid_t values = Doubles(series, "data", width == 1 ? std::vector<hsize_t>{ rows } : std::vector<hsize_t>{ rows, width }, data);
  DoubleAttribute(values, "conversion", conversion);
  DoubleAttribute(values, "offset", offset);
  WriteStringAttribute(values, "unit", unit);
  H5Dclose(values);
  const hid_t startTime = Doubles(series, "starting_time", {}, { start });
  DoubleAttribute(startTime, "rate", rate);
  H5Dclose(startTime);
  H5Gclose(series);
}

// An NWB file removed after the test; File is open for writing until Close().
class NwbFile : public ::testing::Test {
protected:
  void SetUp() override {
    Path = TempPath(std::string("nwb-") + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".nwb");
    File = H5Fcreate(Path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    ASSERT_GE(File, 0);
    WriteStringAttribute(File, "neurodata_type", "NWBFile");
    WriteStringAttribute(File, "namespace", "core");
    WriteStringAttribute(File, "nwb_version", "2.6.0");
    H5Gclose(Group(File, "acquisition"));
    H5Gclose(Group(File, "intervals"));
    const hid_t processing = Group(File, "processing");
    Behavior = Group(processing, "behavior", "ProcessingModule");
    H5Gclose(processing);
  }

  void Close() {
    if (Behavior >= 0) {
      H5Gclose(Behavior);
      Behavior = -1;
    }
    if (File >= 0) {
      H5Fclose(File);
      File = -1;
    }
  }

  void TearDown() override {
    Close();
    std::remove(Path.c_str());
  }

  std::string Path;
  hid_t File = -1;
  hid_t Behavior = -1;
};


} // namespace nwb_test_support
