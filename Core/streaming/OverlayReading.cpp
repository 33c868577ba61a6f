#include "OverlayReading.h"

#include "Hdf5.h"
#include "SessionError.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace neuroplayback::overlay_io {

std::string ShapeText(const std::vector<hsize_t>& dims) {
  std::string text = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    text += (i ? ", " : "") + std::to_string(dims[i]);
  }
  return text + (dims.size() == 1 ? ",)" : ")");
}

std::string Seconds(double t) {
  std::ostringstream text;
  text.precision(6);
  text << t;
  return text.str() + " s";
}

Interp ReadInterp(hid_t group, const std::string& where, Interp fallback) {
  const std::string text = h5::ReadStringAttribute(group, "interp").value_or("");
  if (text.empty()) {
    return fallback;
  }
  if (text == "linear") {
    return Interp::Linear;
  }
  if (text == "nearest") {
    return Interp::Nearest;
  }
  throw SessionError(where + " has interp = '" + text + "'.", "Set interp to 'linear' or 'nearest'.");
}

Rgba ReadColor(hid_t group, const std::string& where, const char* name, Rgba fallback) {
  const auto text = h5::ReadStringAttribute(group, name);
  return text ? ParseColor(*text, where + " attribute " + name) : fallback;
}

double ReadPositive(hid_t group, const std::string& where, const char* name, double fallback) {
  const auto value = h5::ReadDoubleAttribute(group, name);
  if (!value) {
    return fallback;
  }
  if (!std::isfinite(*value) || *value <= 0.0) {
    throw SessionError(where + " attribute " + name + " must be a positive number (it is " + std::to_string(*value) + ").",
      std::string("Set ") + name + " to a positive value, or remove it for the default.");
  }
  return *value;
}

std::int64_t ChunkRows(hid_t dataset, std::int64_t fallback) {
  std::int64_t rows = fallback;
  h5::Handle create(H5Dget_create_plist(dataset));
  if (H5Pget_layout(create.Get()) == H5D_CHUNKED) {
    std::vector<hsize_t> chunk(std::max<std::size_t>(1, h5::Shape(dataset).size()), 0);
    if (H5Pget_chunk(create.Get(), static_cast<int>(chunk.size()), chunk.data()) > 0 && chunk[0] > 0) {
      rows = static_cast<std::int64_t>(chunk[0]);
    }
  }
  return std::clamp<std::int64_t>(rows, 256, 65536);
}

std::unique_ptr<SampleStream> OpenSamples(hid_t group, const std::string& where, const char* valuesName,
  const std::vector<hsize_t>& tail, const std::string& tailText, std::size_t cacheBytes, const char* timesName) {
  const std::string timesWhere = where + "/" + timesName;
  if (!h5::Exists(group, timesName)) {
    throw SessionError(where + " has no '" + timesName + "' dataset.",
      "Write the sample times (n,) in seconds on the session clock, strictly increasing.");
  }
  h5::Handle times = h5::OpenUncachedDataset(group, timesName);
  const std::vector<hsize_t> timeDims = h5::Shape(times.Get());
  if (timeDims.size() != 1) {
    throw SessionError(timesWhere + " has shape " + ShapeText(timeDims) + "; it must be 1-D (n,).",
      "Write one time in seconds per sample.");
  }
  const hsize_t n = timeDims[0];
  if (n == 0) {
    throw SessionError(timesWhere + " is empty.", "Write at least one sample, or remove the overlay.");
  }
  if (!h5::IsNumeric(times.Get())) {
    throw SessionError(timesWhere + " does not hold numbers (it is text or records).",
      "Write the sample times as float64 seconds on the session clock.");
  }
  std::unique_ptr<RowSource> values;
  std::int64_t blockRows = 4096;
  if (valuesName) {
    if (!h5::Exists(group, valuesName)) {
      throw SessionError(where + " has no '" + valuesName + "' dataset.",
        std::string("Write ") + valuesName + " with shape " + tailText + ", one row per time.");
    }
    h5::Handle dataset = h5::OpenUncachedDataset(group, valuesName);
    const std::vector<hsize_t> dims = h5::Shape(dataset.Get());
    std::vector<hsize_t> expected{ n };
    expected.insert(expected.end(), tail.begin(), tail.end());
    if (dims != expected) {
      throw SessionError(where + "/" + valuesName + " has shape " + ShapeText(dims) + " but needs " + tailText +
          " with n = " + std::to_string(n) + " (the length of " + timesName + ").",
        std::string("Write one ") + valuesName + " row per time stamp, shaped " + tailText + ".");
    }
    if (!h5::IsNumeric(dataset.Get())) {
      throw SessionError(where + "/" + valuesName + " is not numeric.", "Store it as float64 (NaN marks a gap).");
    }
    blockRows = ChunkRows(dataset.Get());
    values = std::make_unique<h5::DatasetRows>(std::move(dataset), H5T_NATIVE_DOUBLE);
  }
  return std::make_unique<SampleStream>(where, std::make_unique<h5::DatasetRows>(std::move(times), H5T_NATIVE_DOUBLE),
    std::move(values), blockRows, cacheBytes, timesWhere);
}

} // namespace neuroplayback::overlay_io
