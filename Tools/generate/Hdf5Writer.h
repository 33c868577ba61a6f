// Thin RAII layer over the HDF5 C API: just what the generator needs to write a session file.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace neuroplayback::generate::h5 {

class Hdf5Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Owns one hid_t and closes it with the matching H5*close function.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);

  Handle() = default;
  Handle(hid_t id, Closer closer, const std::string& whatFailed);
  ~Handle();
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  // Closes now and reports a failure (destructors cannot), e.g. the final flush of a file.
  void close();

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// HDF5 prints its error stack to stderr by default; we report our own one-line messages instead.
void silenceDefaultErrorPrinting();
bool deflateAvailable();

Handle createFile(const std::string& path);
Handle createGroup(hid_t parent, const std::string& name);

void writeStringAttribute(hid_t object, const std::string& name, const std::string& value);
void writeStringArrayAttribute(hid_t object, const std::string& name, const std::vector<std::string>& values);
void writeFloat64Attribute(hid_t object, const std::string& name, double value);
// A 1-D dataset of variable-length UTF-8 strings (as h5py writes a list of str).
void writeStringDataset(hid_t group, const std::string& name, const std::vector<std::string>& values);
void writeInt64Attribute(hid_t object, const std::string& name, std::int64_t value);
void writeInt32Attribute(hid_t object, const std::string& name, std::int32_t value);
// A float64 attribute of any shape, e.g. a (3, 3) matrix; data in C order.
void writeFloat64ArrayAttribute(hid_t object, const std::string& name, const std::vector<hsize_t>& dims,
                                const double* data);

struct DatasetStorage {
  std::vector<hsize_t> chunk;  // empty: contiguous (small, non-temporal datasets)
  int gzipLevel = 0;           // 0: no filters; > 0: shuffle + deflate
};

Handle createDataset(hid_t parent, const std::string& name, hid_t fileType, const std::vector<hsize_t>& dims,
                     const DatasetStorage& storage = {});

void writeWholeDataset(hid_t dataset, hid_t memoryType, const void* data);
// Writes rows [firstRow, firstRow + rowCount) along dimension 0, all of every other dimension.
void writeRows(hid_t dataset, hid_t memoryType, hsize_t firstRow, hsize_t rowCount, const void* data);

}  // namespace neuroplayback::generate::h5
