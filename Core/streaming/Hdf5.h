#pragma once
// Thin RAII and read helpers over the HDF5 C API. Everything here runs on the calling thread:
// the HDF5 that ParaView loads (OpenMPI flavour) is not thread-safe.
#include "RowSource.h"

#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace neuroplayback::h5 {

// Owns one hid_t and closes it with the matching H5*close.
class Handle {
public:
  Handle() = default;
  explicit Handle(hid_t id) : Id(id) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : Id(other.Id) { other.Id = H5I_INVALID_HID; }
  Handle& operator=(Handle&& other) noexcept;
  ~Handle() { Close(); }

  hid_t Get() const { return Id; }
  bool Valid() const { return Id >= 0; }
  void Close();

private:
  hid_t Id = H5I_INVALID_HID;
};

// Silences HDF5's automatic error stack printing while alive, then restores the previous handler,
// so ParaView's own HDF5 readers keep their settings.
class ErrorSilencer {
public:
  ErrorSilencer();
  ~ErrorSilencer();
  ErrorSilencer(const ErrorSilencer&) = delete;
  ErrorSilencer& operator=(const ErrorSilencer&) = delete;

private:
  H5E_auto2_t OldFunc = nullptr;
  void* OldData = nullptr;
};

// The damage probe (neuroplayback-probe) reads a file in a child process and reports where it stopped:
// with a sink set, every helper here first passes the full path of the object it is about to touch
// ("/overlays/position" or "/overlays/position@units" for an attribute). No sink in ParaView.
using TraceSink = void (*)(const std::string& object);
void SetTraceSink(TraceSink sink);
// Announces a file about to be opened (the probe lists the files a verdict depends on).
void TraceFile(const std::string& path);

// The full path of an object within its file ("/fields/posterior"), or "" when HDF5 cannot name it.
std::string PathOf(hid_t object);
// PathOf(loc) joined with a relative name, for messages.
std::string PathIn(hid_t loc, const std::string& name);

// Whole-dataset reads are for small datasets (edges, masks, regions, skeletons): a declared size above
// this, or 1000 times the bytes stored in the file (and over 64 MB), is a damaged header, refused with a
// message naming the dataset instead of an allocation failure.
constexpr std::uint64_t MaxWholeReadBytes = 1ull << 30;

bool IsHdf5File(const std::string& path);
bool Exists(hid_t loc, const std::string& path);
bool HasAttribute(hid_t obj, const std::string& name);
// Child names of a group, in name order. Throws SessionError naming the group when HDF5 cannot list it
// (a damaged group index), rather than reporting it empty.
std::vector<std::string> ChildNames(hid_t group);

// Throw SessionError naming the full path: "missing" when no such link exists, "damaged" when it
// exists but HDF5 cannot open it.
Handle OpenGroup(hid_t loc, const std::string& path);
Handle OpenDataset(hid_t loc, const std::string& path);

std::optional<std::string> ReadStringAttribute(hid_t obj, const std::string& name);
std::optional<double> ReadDoubleAttribute(hid_t obj, const std::string& name);
std::optional<std::int64_t> ReadIntAttribute(hid_t obj, const std::string& name);
// Every string of a string-array attribute (variable or fixed length); empty when absent or not strings.
std::vector<std::string> ReadStringArrayAttribute(hid_t obj, const std::string& name);
// Every string of a string dataset, in C order; empty when it is not strings or cannot be read.
std::vector<std::string> ReadStringDataset(hid_t dataset);
// Strings [first, first + count) of a 1-D string dataset, read on demand; empty when it is not strings.
std::vector<std::string> ReadStrings(hid_t dataset, hsize_t first, hsize_t count);
// The identity of an object within the open files (the same for every link to it), for cycle checks.
std::string ObjectKey(hid_t object);

// True when a dataset holds numbers (integers or floats), not text or compound records.
bool IsNumeric(hid_t dataset);

// Dimensions of a dataset.
std::vector<hsize_t> Shape(hid_t dataset);

// Reads a whole (small) dataset converted to double / int64. Callers check the shape first.
std::vector<double> ReadAllDoubles(hid_t dataset);
std::vector<std::int64_t> ReadAllInts(hid_t dataset);
std::vector<std::uint8_t> ReadAllBytes(hid_t dataset);

// Reads rows [first, first + count) of a dataset (any rank) as the given memory type; of a 2-D dataset,
// only the given runs of columns when there are some (one hyperslab selection).
void ReadRows(hid_t dataset, hsize_t first, hsize_t count, hid_t memType, void* out,
  const std::vector<ColumnRun>& columns = {});

// Opens a dataset with HDF5's own chunk cache off: the streams cache whole blocks themselves.
// Throws SessionError naming the path when it is missing.
Handle OpenUncachedDataset(hid_t loc, const std::string& path);

// The rows of a dataset along its first dimension; a row is every value of the other dimensions.
// Reads run on the caller's thread.
class DatasetRows : public RowSource {
public:
  DatasetRows(Handle dataset, hid_t memType);
  void ReadRows(std::int64_t first, std::int64_t count, void* out) override;
  std::int64_t RowCount() const override { return Rows; }
  std::int64_t RowWidth() const override { return Width; }
  // A 2-D dataset's columns, read as one hyperslab selection (the same dataset, shared).
  std::unique_ptr<RowSource> Columns(const std::vector<ColumnRun>& runs) const override;

private:
  Handle Dataset;
  hid_t MemType;
  std::int64_t Rows = 0;
  std::int64_t Width = 1;
  std::vector<ColumnRun> ColumnRuns; // empty: every column
};

} // namespace neuroplayback::h5
