#include "Hdf5Writer.h"

#include <utility>

namespace neuroplayback::generate::h5 {
namespace {

struct ErrorStackSummary {
  std::string outermost;
  std::string innermost;
};

herr_t collectErrorDescription(unsigned depth, const H5E_error2_t* error, void* clientData) {
  auto* summary = static_cast<ErrorStackSummary*>(clientData);
  const std::string description =
      std::string(error->func_name ? error->func_name : "?") + ": " + (error->desc ? error->desc : "");
  if (depth == 0) {
    summary->outermost = description;
  }
  summary->innermost = description;
  return 0;
}

[[noreturn]] void failWithHdf5Stack(const std::string& whatFailed) {
  ErrorStackSummary summary;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collectErrorDescription, &summary);
  H5Eclear2(H5E_DEFAULT);
  std::string message = whatFailed;
  if (!summary.innermost.empty()) {
    message += " (HDF5: " + summary.innermost;
    if (summary.outermost != summary.innermost) {
      message += "; via " + summary.outermost;
    }
    message += ")";
  }
  throw Hdf5Error(message);
}

hid_t checkedId(hid_t id, const std::string& whatFailed) {
  if (id < 0) {
    failWithHdf5Stack(whatFailed);
  }
  return id;
}

void checkedStatus(herr_t status, const std::string& whatFailed) {
  if (status < 0) {
    failWithHdf5Stack(whatFailed);
  }
}

// Modification times in object headers would make two runs with the same seed differ.
void disableTimestamps(hid_t objectCreationList) {
  checkedStatus(H5Pset_obj_track_times(objectCreationList, 0), "cannot disable HDF5 object timestamps");
}

Handle utf8StringType() {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "cannot create string type");
  checkedStatus(H5Tset_size(type.get(), H5T_VARIABLE), "cannot make string type variable-length");
  checkedStatus(H5Tset_cset(type.get(), H5T_CSET_UTF8), "cannot make string type UTF-8");
  return type;
}

void writeScalarAttribute(hid_t object, const std::string& name, hid_t fileType, hid_t memoryType,
                          const void* value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "cannot create scalar dataspace");
  Handle attribute(H5Acreate2(object, name.c_str(), fileType, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                   "cannot create attribute '" + name + "'");
  checkedStatus(H5Awrite(attribute.get(), memoryType, value), "cannot write attribute '" + name + "'");
}

}  // namespace

Handle::Handle(hid_t id, Closer closer, const std::string& whatFailed) : id_(checkedId(id, whatFailed)), closer_(closer) {}

Handle::~Handle() {
  if (id_ >= 0 && closer_ != nullptr) {
    closer_(id_);
  }
}

Handle::Handle(Handle&& other) noexcept
    : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(std::exchange(other.closer_, nullptr)) {}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    if (id_ >= 0 && closer_ != nullptr) {
      closer_(id_);
    }
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
    closer_ = std::exchange(other.closer_, nullptr);
  }
  return *this;
}

void Handle::close() {
  if (id_ >= 0 && closer_ != nullptr) {
    const hid_t id = std::exchange(id_, H5I_INVALID_HID);
    checkedStatus(closer_(id), "cannot close HDF5 object (data may not have been flushed)");
  }
}

void silenceDefaultErrorPrinting() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

bool deflateAvailable() { return H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0; }

Handle createFile(const std::string& path) {
  Handle creation(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "cannot create file-creation property list");
  disableTimestamps(creation.get());  // the root group's header
  return Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, creation.get(), H5P_DEFAULT), H5Fclose,
                "cannot create HDF5 file '" + path + "'");
}

Handle createGroup(hid_t parent, const std::string& name) {
  Handle creation(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, "cannot create group-creation property list");
  disableTimestamps(creation.get());
  return Handle(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, creation.get(), H5P_DEFAULT), H5Gclose,
                "cannot create group '" + name + "'");
}

void writeStringAttribute(hid_t object, const std::string& name, const std::string& value) {
  const Handle type = utf8StringType();
  const char* text = value.c_str();
  writeScalarAttribute(object, name, type.get(), type.get(), &text);
}

void writeStringArrayAttribute(hid_t object, const std::string& name, const std::vector<std::string>& values) {
  const Handle type = utf8StringType();
  const hsize_t count = values.size();
  Handle space(H5Screate_simple(1, &count, nullptr), H5Sclose, "cannot create attribute dataspace");
  std::vector<const char*> texts;
  texts.reserve(values.size());
  for (const std::string& value : values) {
    texts.push_back(value.c_str());
  }
  Handle attribute(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                   "cannot create attribute '" + name + "'");
  checkedStatus(H5Awrite(attribute.get(), type.get(), texts.data()), "cannot write attribute '" + name + "'");
}

void writeStringDataset(hid_t group, const std::string& name, const std::vector<std::string>& values) {
  const Handle type = utf8StringType();
  const hsize_t count = values.size();
  Handle space(H5Screate_simple(1, &count, nullptr), H5Sclose, "cannot create dataspace for '" + name + "'");
  std::vector<const char*> texts;
  texts.reserve(values.size());
  for (const std::string& value : values) {
    texts.push_back(value.c_str());
  }
  Handle creation(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "cannot create dataset '" + name + "'");
  disableTimestamps(creation.get());
  Handle dataset(H5Dcreate2(group, name.c_str(), type.get(), space.get(), H5P_DEFAULT, creation.get(), H5P_DEFAULT),
                 H5Dclose, "cannot create dataset '" + name + "'");
  if (count > 0) {
    checkedStatus(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data()),
                  "cannot write dataset '" + name + "'");
  }
}

void writeFloat64Attribute(hid_t object, const std::string& name, double value) {
  writeScalarAttribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void writeInt64Attribute(hid_t object, const std::string& name, std::int64_t value) {
  writeScalarAttribute(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void writeInt32Attribute(hid_t object, const std::string& name, std::int32_t value) {
  writeScalarAttribute(object, name, H5T_STD_I32LE, H5T_NATIVE_INT32, &value);
}

void writeFloat64ArrayAttribute(hid_t object, const std::string& name, const std::vector<hsize_t>& dims,
                                const double* data) {
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose,
               "cannot create attribute dataspace");
  Handle attribute(H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                   "cannot create attribute '" + name + "'");
  checkedStatus(H5Awrite(attribute.get(), H5T_NATIVE_DOUBLE, data), "cannot write attribute '" + name + "'");
}

Handle createDataset(hid_t parent, const std::string& name, hid_t fileType, const std::vector<hsize_t>& dims,
                     const DatasetStorage& storage) {
  const std::string what = "cannot create dataset '" + name + "'";
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, what);
  Handle creation(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, what);
  disableTimestamps(creation.get());
  // An explicit zero fill value makes HDF5 initialise the unused tail of edge chunks, so no
  // uninitialised memory reaches the file and repeated runs stay byte-identical.
  const unsigned char zeros[16] = {};
  checkedStatus(H5Pset_fill_value(creation.get(), fileType, zeros), what);
  Handle access(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose, what);
  if (!storage.chunk.empty()) {
    checkedStatus(H5Pset_chunk(creation.get(), static_cast<int>(storage.chunk.size()), storage.chunk.data()), what);
    if (storage.gzipLevel > 0) {
      checkedStatus(H5Pset_shuffle(creation.get()), what);
      checkedStatus(H5Pset_deflate(creation.get(), static_cast<unsigned>(storage.gzipLevel)), what);
    }
    // The generator always writes whole chunks, so a chunk cache would only double the memory
    // held per dataset (it matters with ~50 streamed datasets open at once).
    checkedStatus(H5Pset_chunk_cache(access.get(), H5D_CHUNK_CACHE_NSLOTS_DEFAULT, 0, H5D_CHUNK_CACHE_W0_DEFAULT),
                  what);
  }
  return Handle(H5Dcreate2(parent, name.c_str(), fileType, space.get(), H5P_DEFAULT, creation.get(), access.get()),
                H5Dclose, what);
}

void writeWholeDataset(hid_t dataset, hid_t memoryType, const void* data) {
  checkedStatus(H5Dwrite(dataset, memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "cannot write dataset");
}

void writeRows(hid_t dataset, hid_t memoryType, hsize_t firstRow, hsize_t rowCount, const void* data) {
  if (rowCount == 0) {
    return;
  }
  Handle fileSpace(H5Dget_space(dataset), H5Sclose, "cannot get dataset dataspace");
  const int rank = H5Sget_simple_extent_ndims(fileSpace.get());
  if (rank < 1) {
    throw Hdf5Error("cannot write rows into a scalar dataset");
  }
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(fileSpace.get(), dims.data(), nullptr);
  std::vector<hsize_t> start(dims.size(), 0);
  std::vector<hsize_t> count = dims;
  start[0] = firstRow;
  count[0] = rowCount;
  checkedStatus(H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
                "cannot select rows " + std::to_string(firstRow) + "+" + std::to_string(rowCount));
  Handle memorySpace(H5Screate_simple(rank, count.data(), nullptr), H5Sclose, "cannot create memory dataspace");
  checkedStatus(H5Dwrite(dataset, memoryType, memorySpace.get(), fileSpace.get(), H5P_DEFAULT, data),
                "cannot write rows " + std::to_string(firstRow) + "+" + std::to_string(rowCount));
}

}  // namespace neuroplayback::generate::h5
