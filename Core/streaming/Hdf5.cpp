#include "Hdf5.h"

#include "SessionError.h"

#include <algorithm>
#include <cstring>

namespace neuroplayback::h5 {

namespace {
TraceSink Sink = nullptr;

void Trace(hid_t loc, const std::string& name, const char* separator = "/") {
  if (Sink) {
    const std::string base = PathOf(loc);
    Sink(name.empty() ? base : (base == "/" && *separator == '/' ? "" : base) + separator + name);
  }
}

std::string DamagedFix() {
  return "Re-copy the file from its source or write it again; neuroplayback-validate and h5dump show "
         "the damage. The file was not modified.";
}
} // namespace

void SetTraceSink(TraceSink sink) { Sink = sink; }

void TraceFile(const std::string& path) {
  if (Sink) {
    Sink("file:" + path);
  }
}

std::string PathOf(hid_t object) {
  ErrorSilencer silence;
  const ssize_t length = H5Iget_name(object, nullptr, 0);
  if (length <= 0 || length > 4096) {
    return "";
  }
  std::string name(static_cast<std::size_t>(length), '\0');
  H5Iget_name(object, name.data(), name.size() + 1);
  return name;
}

std::string PathIn(hid_t loc, const std::string& name) {
  if (!name.empty() && name.front() == '/') {
    return name;
  }
  const std::string base = PathOf(loc);
  return base.empty() || base == "/" ? "/" + name : base + "/" + name;
}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    Close();
    Id = other.Id;
    other.Id = H5I_INVALID_HID;
  }
  return *this;
}

void Handle::Close() {
  if (Id < 0) {
    return;
  }
  switch (H5Iget_type(Id)) {
    case H5I_FILE: H5Fclose(Id); break;
    case H5I_GROUP: H5Gclose(Id); break;
    case H5I_DATASET: H5Dclose(Id); break;
    case H5I_ATTR: H5Aclose(Id); break;
    case H5I_DATASPACE: H5Sclose(Id); break;
    case H5I_DATATYPE: H5Tclose(Id); break;
    case H5I_GENPROP_LST: H5Pclose(Id); break;
    default: break;
  }
  Id = H5I_INVALID_HID;
}

ErrorSilencer::ErrorSilencer() {
  H5Eget_auto2(H5E_DEFAULT, &OldFunc, &OldData);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

ErrorSilencer::~ErrorSilencer() { H5Eset_auto2(H5E_DEFAULT, OldFunc, OldData); }

bool IsHdf5File(const std::string& path) {
  ErrorSilencer silence;
  return H5Fis_hdf5(path.c_str()) > 0;
}

bool Exists(hid_t loc, const std::string& path) {
  Trace(loc, path);
  ErrorSilencer silence;
  // Check each component so "a/b" does not fail when "a" is missing.
  std::string prefix;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::string part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    prefix += (prefix.empty() ? "" : "/") + part;
    if (H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0) {
      return false;
    }
    if (slash == std::string::npos) {
      break;
    }
    start = slash + 1;
  }
  return H5Oexists_by_name(loc, path.c_str(), H5P_DEFAULT) > 0;
}

bool HasAttribute(hid_t obj, const std::string& name) {
  Trace(obj, name, "@");
  ErrorSilencer silence;
  return H5Aexists(obj, name.c_str()) > 0;
}

std::vector<std::string> ChildNames(hid_t group) {
  Trace(group, "");
  ErrorSilencer silence;
  std::vector<std::string> names;
  H5G_info_t info{};
  const auto damaged = [&] {
    return SessionError("The group '" + PathOf(group) + "' cannot be listed: the file is damaged there.", DamagedFix());
  };
  if (H5Gget_info(group, &info) < 0 || info.nlinks > (1u << 20)) {
    throw damaged();
  }
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t len = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (len <= 0 || len > 4096) {
      throw damaged();
    }
    std::string name(static_cast<std::size_t>(len), '\0');
    H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size() + 1, H5P_DEFAULT);
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

namespace {
// Why an object could not be opened: missing (or of the wrong kind), or present but unreadable.
SessionError OpenFailure(hid_t loc, const std::string& path, const char* kind) {
  const std::string full = PathIn(loc, path);
  bool linked = false;
  {
    ErrorSilencer silence;
    linked = H5Lexists(loc, path.c_str(), H5P_DEFAULT) > 0;
  }
  H5O_type_t type = H5O_TYPE_UNKNOWN;
  if (linked) {
    ErrorSilencer silence;
#if H5_VERSION_GE(1, 12, 0)
    H5O_info2_t info{};
    const bool known = H5Oget_info_by_name3(loc, path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) >= 0;
#else
    H5O_info_t info{};
    const bool known = H5Oget_info_by_name2(loc, path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) >= 0;
#endif
    if (!known) {
      return SessionError("The " + std::string(kind) + " '" + full + "' cannot be read: the file is damaged there.",
        DamagedFix());
    }
    type = info.type;
  }
  const bool wrongKind = linked && type != (std::string(kind) == "group" ? H5O_TYPE_GROUP : H5O_TYPE_DATASET);
  if (linked && !wrongKind) {
    return SessionError("The " + std::string(kind) + " '" + full + "' cannot be opened: the file is damaged there.",
      DamagedFix());
  }
  return SessionError("The " + std::string(kind) + " '" + full + "' is " + (wrongKind ? "not a " + std::string(kind) : "missing") + ".",
    "Write it as described in docs/session-format-v1.md.");
}
} // namespace

Handle OpenGroup(hid_t loc, const std::string& path) {
  Trace(loc, path);
  ErrorSilencer silence;
  Handle group(H5Gopen2(loc, path.c_str(), H5P_DEFAULT));
  if (!group.Valid()) {
    throw OpenFailure(loc, path, "group");
  }
  return group;
}

Handle OpenDataset(hid_t loc, const std::string& path) {
  Trace(loc, path);
  ErrorSilencer silence;
  Handle dataset(H5Dopen2(loc, path.c_str(), H5P_DEFAULT));
  if (!dataset.Valid()) {
    throw OpenFailure(loc, path, "dataset");
  }
  return dataset;
}

std::optional<std::string> ReadStringAttribute(hid_t obj, const std::string& name) {
  if (!HasAttribute(obj, name)) {
    return std::nullopt;
  }
  ErrorSilencer silence;
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
  Handle fileType(H5Aget_type(attr.Get()));
  if (H5Tget_class(fileType.Get()) != H5T_STRING) {
    return std::nullopt;
  }
  Handle space(H5Aget_space(attr.Get()));
  if (H5Sget_simple_extent_npoints(space.Get()) != 1) {
    return std::nullopt;
  }
  if (H5Tis_variable_str(fileType.Get()) > 0) {
    Handle memType(H5Tcopy(H5T_C_S1));
    H5Tset_size(memType.Get(), H5T_VARIABLE);
    H5Tset_cset(memType.Get(), H5Tget_cset(fileType.Get()));
    char* value = nullptr;
    if (H5Aread(attr.Get(), memType.Get(), &value) < 0 || value == nullptr) {
      return std::nullopt;
    }
    std::string result(value);
    H5free_memory(value);
    return result;
  }
  const std::size_t size = H5Tget_size(fileType.Get());
  if (size == 0 || size > (1u << 20)) {
    return std::nullopt;
  }
  std::string buffer(size, '\0');
  Handle memType(H5Tcopy(fileType.Get()));
  if (H5Aread(attr.Get(), memType.Get(), buffer.data()) < 0) {
    return std::nullopt;
  }
  buffer.erase(std::find(buffer.begin(), buffer.end(), '\0'), buffer.end());
  return buffer;
}

namespace {
// The strings of an attribute or dataset of the given file type and space; `read(memType, buffer)`
// reads them all. Variable-length strings are copied out and their memory reclaimed.
template <typename Read>
std::vector<std::string> ReadStringValues(hid_t fileType, hid_t space, Read read) {
  std::vector<std::string> out;
  const hssize_t count = H5Sget_simple_extent_npoints(space);
  if (H5Tget_class(fileType) != H5T_STRING || count <= 0 || count > (1 << 24)) {
    return out; // more than 16 M strings is a damaged header, not text a session keeps
  }
  if (H5Tis_variable_str(fileType) > 0) {
    std::vector<char*> values(static_cast<std::size_t>(count), nullptr);
    Handle memType(H5Tcopy(H5T_C_S1));
    H5Tset_size(memType.Get(), H5T_VARIABLE);
    H5Tset_cset(memType.Get(), H5Tget_cset(fileType));
    if (read(memType.Get(), values.data()) >= 0) {
      for (char* value : values) {
        out.emplace_back(value ? value : "");
      }
      H5Dvlen_reclaim(memType.Get(), space, H5P_DEFAULT, values.data());
    }
    return out;
  }
  const std::size_t size = H5Tget_size(fileType);
  if (size == 0 || size * static_cast<std::uint64_t>(count) > MaxWholeReadBytes) {
    return out;
  }
  std::vector<char> buffer(size * static_cast<std::size_t>(count) + 1, '\0');
  if (read(fileType, buffer.data()) >= 0) {
    for (hssize_t i = 0; i < count; ++i) {
      const char* begin = buffer.data() + static_cast<std::size_t>(i) * size;
      out.emplace_back(begin, ::strnlen(begin, size));
    }
  }
  return out;
}
} // namespace

std::vector<std::string> ReadStringArrayAttribute(hid_t obj, const std::string& name) {
  if (!HasAttribute(obj, name)) {
    return {};
  }
  ErrorSilencer silence;
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
  Handle type(H5Aget_type(attr.Get()));
  Handle space(H5Aget_space(attr.Get()));
  return ReadStringValues(type.Get(), space.Get(),
    [&](hid_t memType, void* buffer) { return H5Aread(attr.Get(), memType, buffer); });
}

std::vector<std::string> ReadStringDataset(hid_t dataset) {
  Trace(dataset, "");
  ErrorSilencer silence;
  Handle type(H5Dget_type(dataset));
  Handle space(H5Dget_space(dataset));
  return ReadStringValues(type.Get(), space.Get(),
    [&](hid_t memType, void* buffer) { return H5Dread(dataset, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer); });
}

std::vector<std::string> ReadStrings(hid_t dataset, hsize_t first, hsize_t count) {
  Trace(dataset, "");
  ErrorSilencer silence;
  const std::vector<hsize_t> dims = Shape(dataset);
  if (dims.size() != 1 || count == 0 || first + count > dims[0]) {
    return {};
  }
  Handle type(H5Dget_type(dataset));
  Handle fileSpace(H5Dget_space(dataset));
  H5Sselect_hyperslab(fileSpace.Get(), H5S_SELECT_SET, &first, nullptr, &count, nullptr);
  Handle memSpace(H5Screate_simple(1, &count, nullptr));
  return ReadStringValues(type.Get(), memSpace.Get(), [&](hid_t memType, void* buffer) {
    return H5Dread(dataset, memType, memSpace.Get(), fileSpace.Get(), H5P_DEFAULT, buffer);
  });
}

bool IsNumeric(hid_t dataset) {
  Handle type(H5Dget_type(dataset));
  const H5T_class_t typeClass = type.Valid() ? H5Tget_class(type.Get()) : H5T_NO_CLASS;
  return typeClass == H5T_INTEGER || typeClass == H5T_FLOAT;
}

std::string ObjectKey(hid_t object) {
#if H5_VERSION_GE(1, 12, 0)
  H5O_info2_t info{};
  if (H5Oget_info3(object, &info, H5O_INFO_BASIC) < 0) {
    return "";
  }
  char* token = nullptr;
  if (H5Otoken_to_str(object, &info.token, &token) < 0 || !token) {
    return "";
  }
  std::string key = std::to_string(info.fileno) + ":" + token;
  H5free_memory(token);
  return key;
#else
  H5O_info_t info{};
  if (H5Oget_info2(object, &info, H5O_INFO_BASIC) < 0) {
    return "";
  }
  return std::to_string(info.fileno) + ":" + std::to_string(info.addr);
#endif
}

namespace {
template <typename T>
std::optional<T> ReadScalarAttribute(hid_t obj, const std::string& name, hid_t memType) {
  if (!HasAttribute(obj, name)) {
    return std::nullopt;
  }
  ErrorSilencer silence;
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
  Handle fileType(H5Aget_type(attr.Get()));
  const H5T_class_t typeClass = H5Tget_class(fileType.Get());
  if (typeClass != H5T_INTEGER && typeClass != H5T_FLOAT) {
    return std::nullopt;
  }
  Handle space(H5Aget_space(attr.Get()));
  if (H5Sget_simple_extent_npoints(space.Get()) != 1) {
    return std::nullopt;
  }
  T value{};
  if (H5Aread(attr.Get(), memType, &value) < 0) {
    return std::nullopt;
  }
  return value;
}
} // namespace

std::optional<double> ReadDoubleAttribute(hid_t obj, const std::string& name) {
  return ReadScalarAttribute<double>(obj, name, H5T_NATIVE_DOUBLE);
}

std::optional<std::int64_t> ReadIntAttribute(hid_t obj, const std::string& name) {
  return ReadScalarAttribute<std::int64_t>(obj, name, H5T_NATIVE_INT64);
}

std::vector<hsize_t> Shape(hid_t dataset) {
  Handle space(H5Dget_space(dataset));
  const int rank = H5Sget_simple_extent_ndims(space.Get());
  std::vector<hsize_t> dims(rank > 0 ? static_cast<std::size_t>(rank) : 0);
  if (rank > 0) {
    H5Sget_simple_extent_dims(space.Get(), dims.data(), nullptr);
  }
  return dims;
}

namespace {
hsize_t ElementCount(hid_t dataset) {
  hsize_t count = 1;
  for (hsize_t d : Shape(dataset)) {
    count *= d;
  }
  return count;
}

template <typename T>
std::vector<T> ReadAll(hid_t dataset, hid_t memType) {
  Trace(dataset, "");
  const hsize_t count = ElementCount(dataset);
  // The declared size against a fixed ceiling and against the bytes the dataset really has in the file
  // (compressed data rarely shrinks 1000-fold): a damaged header cannot make us allocate gigabytes.
  const hsize_t stored = H5Dget_storage_size(dataset);
  const hsize_t plausible = std::max<hsize_t>(hsize_t{ 64 } << 20, stored * 1000);
  if (count > MaxWholeReadBytes / sizeof(T) || count * sizeof(T) > plausible) {
    throw SessionError("The dataset '" + PathOf(dataset) + "' declares " + std::to_string(count) +
        " values, far more than the " + std::to_string(stored) + " bytes it has in the file: its header is damaged.",
      DamagedFix());
  }
  std::vector<T> values(count);
  ErrorSilencer silence;
  if (!values.empty() && H5Dread(dataset, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0) {
    throw SessionError("The dataset '" + PathOf(dataset) + "' could not be read as numbers: it holds another "
        "type, or the file is damaged there.",
      "Write it as numbers as described in docs/session-format-v1.md; if it already is, re-copy the file "
      "(neuroplayback-validate and h5dump show the damage).");
  }
  return values;
}
} // namespace

std::vector<double> ReadAllDoubles(hid_t dataset) { return ReadAll<double>(dataset, H5T_NATIVE_DOUBLE); }
std::vector<std::int64_t> ReadAllInts(hid_t dataset) { return ReadAll<std::int64_t>(dataset, H5T_NATIVE_INT64); }
std::vector<std::uint8_t> ReadAllBytes(hid_t dataset) { return ReadAll<std::uint8_t>(dataset, H5T_NATIVE_UINT8); }

void ReadRows(hid_t dataset, hsize_t first, hsize_t count, hid_t memType, void* out,
  const std::vector<ColumnRun>& columns) {
  Trace(dataset, "");
  const std::vector<hsize_t> dims = Shape(dataset);
  std::vector<hsize_t> start(dims.size(), 0);
  std::vector<hsize_t> extent = dims;
  start[0] = first;
  extent[0] = count;
  ErrorSilencer silence;
  Handle fileSpace(H5Dget_space(dataset));
  if (!columns.empty() && dims.size() == 2) {
    // Rows of the selected columns arrive packed, in file order: row by row, columns ascending.
    extent[1] = 0;
    for (const ColumnRun& run : columns) {
      const hsize_t runStart[2] = { first, static_cast<hsize_t>(run.First) };
      const hsize_t runCount[2] = { count, static_cast<hsize_t>(run.Count) };
      H5Sselect_hyperslab(fileSpace.Get(), extent[1] == 0 ? H5S_SELECT_SET : H5S_SELECT_OR, runStart, nullptr, runCount, nullptr);
      extent[1] += static_cast<hsize_t>(run.Count);
    }
  } else {
    H5Sselect_hyperslab(fileSpace.Get(), H5S_SELECT_SET, start.data(), nullptr, extent.data(), nullptr);
  }
  Handle memSpace(H5Screate_simple(static_cast<int>(extent.size()), extent.data(), nullptr));
  if (H5Dread(dataset, memType, memSpace.Get(), fileSpace.Get(), H5P_DEFAULT, out) < 0) {
    throw SessionError("Reading rows " + std::to_string(first) + ".." + std::to_string(first + count) +
        " of the dataset '" + PathOf(dataset) + "' failed: the file is truncated or damaged there.",
      DamagedFix());
  }
}

Handle OpenUncachedDataset(hid_t loc, const std::string& path) {
  Trace(loc, path);
  ErrorSilencer silence;
  Handle access(H5Pcreate(H5P_DATASET_ACCESS));
  H5Pset_chunk_cache(access.Get(), 0, 0, H5D_CHUNK_CACHE_W0_DEFAULT);
  Handle dataset(H5Dopen2(loc, path.c_str(), access.Get()));
  if (!dataset.Valid()) {
    throw OpenFailure(loc, path, "dataset");
  }
  return dataset;
}

DatasetRows::DatasetRows(Handle dataset, hid_t memType)
  : Dataset(std::move(dataset)), MemType(memType) {
  const std::vector<hsize_t> dims = Shape(Dataset.Get());
  Rows = dims.empty() ? 0 : static_cast<std::int64_t>(dims[0]);
  for (std::size_t i = 1; i < dims.size(); ++i) {
    Width *= static_cast<std::int64_t>(dims[i]);
  }
}

void DatasetRows::ReadRows(std::int64_t first, std::int64_t count, void* out) {
  h5::ReadRows(Dataset.Get(), static_cast<hsize_t>(first), static_cast<hsize_t>(count), MemType, out, ColumnRuns);
}

std::unique_ptr<RowSource> DatasetRows::Columns(const std::vector<ColumnRun>& runs) const {
  const std::int64_t width = SelectedColumns(runs, Width);
  if (width < 0 || Shape(Dataset.Get()).size() != 2 || !ColumnRuns.empty()) {
    return nullptr;
  }
  H5Iinc_ref(Dataset.Get()); // the slab shares the open dataset; each handle closes its own reference
  auto slab = std::make_unique<DatasetRows>(Handle(Dataset.Get()), MemType);
  slab->ColumnRuns = runs;
  slab->Width = width;
  return slab;
}

} // namespace neuroplayback::h5
