#include "Intervals.h"

#include "OverlayReading.h"
#include "SessionError.h"

#include <cmath>
#include <sstream>

namespace neuroplayback {

namespace {
// Earlier intervals looked at when the latest one before t has already ended (overlaps are rare).
constexpr std::int64_t kLookBack = 8;
} // namespace

std::string StringColumn::LabelOf(std::int64_t index) {
  const std::vector<std::string> text = h5::ReadStrings(Dataset.Get(), static_cast<hsize_t>(index), 1);
  return text.empty() ? std::string() : text.front();
}

std::string RaggedStringColumn::LabelOf(std::int64_t index) {
  std::int64_t bounds[2] = { 0, 0 };
  if (index > 0) {
    h5::ReadRows(Index.Get(), static_cast<hsize_t>(index - 1), 2, H5T_NATIVE_INT64, bounds);
  } else {
    h5::ReadRows(Index.Get(), 0, 1, H5T_NATIVE_INT64, &bounds[1]);
  }
  if (bounds[1] <= bounds[0]) {
    return "";
  }
  std::string joined;
  for (const std::string& part :
    h5::ReadStrings(Values.Get(), static_cast<hsize_t>(bounds[0]), static_cast<hsize_t>(bounds[1] - bounds[0]))) {
    joined += (joined.empty() ? "" : ", ") + part;
  }
  return joined;
}

double IntervalOverlay::StopOf(std::int64_t index) {
  const double start = Samples->TimeOf(index);
  const double stop = *Samples->Row(index);
  if (!std::isfinite(stop) || stop < start) {
    std::ostringstream text;
    text.precision(10);
    text << Samples->Where() << " interval " << index << " stops at " << stop << " s, ";
    text << (std::isfinite(stop) ? "before it starts (" : "not a finite time (start ") << start << " s).";
    throw SessionError(text.str(), "Write a finite stop_time >= start_time for every interval.");
  }
  return stop;
}

std::int64_t IntervalOverlay::IndexAt(double t) {
  if (!Samples || !std::isfinite(t)) {
    return -1;
  }
  const std::int64_t latest = Samples->LastAtOrBefore(t);
  for (std::int64_t i = latest; i >= 0 && i > latest - kLookBack; --i) {
    if (t <= StopOf(i)) {
      return i;
    }
  }
  return -1;
}

std::string IntervalOverlay::LabelOf(std::int64_t index) {
  if (!Labels || index < 0 || index >= Count()) {
    return "";
  }
  if (index != CachedLabelIndex) {
    CachedLabel = Labels->LabelOf(index);
    CachedLabelIndex = index;
  }
  return CachedLabel;
}

std::string IntervalOverlay::Describe(double t) {
  const std::int64_t index = IndexAt(t);
  if (index < 0) {
    return "";
  }
  std::ostringstream text;
  text.setf(std::ios::fixed);
  text.precision(2);
  text << (Label.empty() ? Name : Label) << " " << (index + 1) << "/" << Count() << " [" << Samples->TimeOf(index)
       << ", " << StopOf(index) << " s]";
  const std::string label = LabelOf(index);
  if (!label.empty()) {
    text << " " << label;
  }
  return text.str();
}

IntervalOverlay IntervalOverlay::Load(hid_t group, const std::string& name, std::size_t cacheBytes) {
  using namespace overlay_io;
  const std::string where = "/overlays/" + name;
  IntervalOverlay overlay;
  overlay.Name = name;
  overlay.Label = h5::ReadStringAttribute(group, "label").value_or(name);
  overlay.Color = ReadColor(group, where, "color", ParseColor("white", ""));
  overlay.Samples = OpenSamples(group, where, "stop_time", {}, "(n,)", cacheBytes, "start_time");
  if (h5::Exists(group, "labels")) {
    h5::Handle labels = h5::OpenDataset(group, "labels");
    const std::vector<hsize_t> dims = h5::Shape(labels.Get());
    h5::Handle type(H5Dget_type(labels.Get()));
    if (dims.size() != 1 || static_cast<std::int64_t>(dims[0]) != overlay.Count() ||
      H5Tget_class(type.Get()) != H5T_STRING) {
      throw SessionError(where + "/labels has shape " + ShapeText(dims) + (H5Tget_class(type.Get()) != H5T_STRING ? " and is not text" : "") +
          "; it must be " + std::to_string(overlay.Count()) + " strings, one per interval.",
        "Write one label string per interval, or remove labels.");
    }
    overlay.Labels = std::make_unique<StringColumn>(std::move(labels));
  }
  overlay.StopOf(0);
  overlay.StopOf(overlay.Count() - 1);
  return overlay;
}

} // namespace neuroplayback
