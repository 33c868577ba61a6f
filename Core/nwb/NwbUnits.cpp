// NWB units: every unit's spike times, one event type per unit, placed on the trajectory.
#include "NwbImport.h"

#include "NwbReading.h"
#include "SessionError.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace neuroplayback {

using namespace nwb_io;

void NwbImport::ReadUnits(const std::string& where) {
  h5::Handle group = h5::OpenGroup(File.Get(), where);
  const hid_t g = group.Get();
  if (!h5::Exists(g, "spike_times")) {
    WarningList.push_back(where + " has no spike_times column; it is skipped. How to fix: write spike_times and "
                                  "spike_times_index (a ragged column) to see the spikes.");
    return;
  }
  const std::string timesWhere = where + "/spike_times";
  h5::Handle spikes = h5::OpenDataset(g, "spike_times");
  const std::vector<hsize_t> dims = h5::Shape(spikes.Get());
  if (dims.size() != 1) {
    throw SessionError(timesWhere + " has shape " + ShapeText(dims) + "; it must be 1-D: every unit's spike times, one after another.",
      "Write spike_times as a ragged column: the times of all units concatenated, with spike_times_index.");
  }
  if (!h5::IsNumeric(spikes.Get())) {
    throw SessionError(timesWhere + " does not hold numbers (it is text or records).",
      "Write the spike times as float64 seconds.");
  }
  const auto total = static_cast<std::int64_t>(dims[0]);
  std::vector<std::int64_t> ends;
  if (h5::Exists(g, "spike_times_index")) {
    h5::Handle index = h5::OpenDataset(g, "spike_times_index");
    if (h5::Shape(index.Get()).size() != 1) {
      throw SessionError(where + "/spike_times_index has shape " + ShapeText(h5::Shape(index.Get())) + "; it must be 1-D (n_units,).",
        "Write one end offset into spike_times per unit (a VectorIndex).");
    }
    ends = h5::ReadAllInts(index.Get());
  } else {
    ends = { total }; // one unit without an index
  }
  for (std::size_t u = 0; u < ends.size(); ++u) {
    const std::int64_t begin = u ? ends[u - 1] : 0;
    if (ends[u] < begin || ends[u] > total) {
      throw SessionError(where + "/spike_times_index[" + std::to_string(u) + "] = " + std::to_string(ends[u]) +
          (ends[u] > total ? " is beyond the " + std::to_string(total) + " spike times."
                           : " is below the previous end offset (" + std::to_string(begin) + ")."),
        "spike_times_index holds each unit's end offset into spike_times: non-decreasing, the last equal to len(spike_times).");
    }
  }
  std::vector<std::int64_t> ids;
  if (h5::Exists(g, "id")) {
    h5::Handle id = h5::OpenDataset(g, "id");
    if (h5::Shape(id.Get()).size() == 1 && h5::Shape(id.Get())[0] == ends.size()) {
      ids = h5::ReadAllInts(id.Get());
    } else {
      WarningList.push_back(where + "/id does not have one value per unit (" + std::to_string(ends.size()) +
        "); units are numbered from 0 instead. How to fix: write one id per row of spike_times_index.");
    }
  }
  auto source = std::make_shared<h5::DatasetRows>(std::move(spikes), H5T_NATIVE_DOUBLE);
  EventOverlay e;
  e.Name = BaseName(where);
  e.Mode = EventMode::Decay;
  e.DecaySeconds = 0.5;
  for (std::size_t u = 0; u < ends.size(); ++u) {
    const std::int64_t begin = u ? ends[u - 1] : 0;
    const std::string id = std::to_string(ids.empty() ? static_cast<std::int64_t>(u) : ids[u]);
    EventType type;
    type.Name = "unit " + id;
    type.Color = CycleColor(u);
    if (ends[u] > begin) {
      try {
        type.Samples = std::make_unique<SampleStream>(where + " unit " + id,
          std::make_unique<SliceRows>(source, begin, ends[u] - begin), nullptr, SpikeBlockRows, 0,
          timesWhere + " of unit " + id + " (rows " + std::to_string(begin) + " to " + std::to_string(ends[u] - 1) + ")");
      } catch (const SessionError& error) {
        ErrorList.push_back(std::string(error.what()) + " (unit " + id + " is left out)");
        continue;
      }
    }
    e.Types.push_back(std::move(type));
  }
  if (!e.Types.empty()) {
    EventSets.push_back(std::move(e));
  }
}

} // namespace neuroplayback
