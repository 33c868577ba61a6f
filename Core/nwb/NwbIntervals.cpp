// NWB intervals: TimeIntervals tables (trials, epochs...) as interval overlays.
#include "NwbImport.h"

#include "NwbReading.h"
#include "SessionError.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace neuroplayback {

using namespace nwb_io;

void NwbImport::ReadIntervals(const std::string& where) {
  using namespace overlay_io;
  h5::Handle group = h5::OpenGroup(File.Get(), where);
  const hid_t g = group.Get();
  IntervalOverlay intervals;
  intervals.Name = BaseName(where);
  intervals.Label = intervals.Name;
  intervals.Color = ParseColor("white", "");
  intervals.Samples = OpenSamples(g, where, "stop_time", {}, "(n,)", CacheBytes, "start_time");
  const auto count = static_cast<hsize_t>(intervals.Count());
  auto text = [&](const std::string& name) {
    if (!h5::Exists(g, name)) {
      return false;
    }
    h5::Handle dataset = h5::OpenDataset(g, name);
    h5::Handle type(H5Dget_type(dataset.Get()));
    return H5Tget_class(type.Get()) == H5T_STRING && h5::Shape(dataset.Get()).size() == 1;
  };
  // Labels: the ragged tags column, else the first other text column in colnames order.
  std::vector<std::string> columns{ "tags" };
  for (const std::string& name : h5::ReadStringArrayAttribute(g, "colnames")) {
    if (name != "tags" && name != "start_time" && name != "stop_time") {
      columns.push_back(name);
    }
  }
  for (const std::string& name : columns) {
    if (!text(name)) {
      continue;
    }
    if (h5::Exists(g, name + "_index")) {
      h5::Handle index = h5::OpenDataset(g, name + "_index");
      const std::vector<hsize_t> dims = h5::Shape(index.Get());
      if (dims.size() != 1 || dims[0] != count) {
        WarningList.push_back(where + "/" + name + "_index has shape " + ShapeText(dims) + " for " + std::to_string(count) +
          " intervals; the labels are not shown. How to fix: write one end offset per interval.");
        continue;
      }
      intervals.Labels = std::make_unique<RaggedStringColumn>(h5::OpenDataset(g, name), std::move(index));
    } else {
      h5::Handle dataset = h5::OpenDataset(g, name);
      if (h5::Shape(dataset.Get())[0] != count) {
        WarningList.push_back(where + "/" + name + " has " + std::to_string(h5::Shape(dataset.Get())[0]) + " values for " +
          std::to_string(count) + " intervals; the labels are not shown. How to fix: write one per interval.");
        continue;
      }
      intervals.Labels = std::make_unique<StringColumn>(std::move(dataset));
    }
    break;
  }
  intervals.StopOf(0);
  intervals.StopOf(intervals.Count() - 1);

  // Their starts as events too: a marker where the animal was when each one began.
  EventOverlay starts;
  starts.Name = intervals.Name + "_start";
  starts.Mode = EventMode::Decay;
  starts.DecaySeconds = 1.0;
  EventType type;
  type.Name = intervals.Name;
  type.Color = ParseColor("white", "");
  type.Marker = MarkerShape::Diamond;
  type.Samples = OpenSamples(g, where, nullptr, {}, "", CacheBytes, "start_time");
  starts.Types.push_back(std::move(type));
  IntervalSets.push_back(std::move(intervals));
  EventSets.push_back(std::move(starts));
}

} // namespace neuroplayback
