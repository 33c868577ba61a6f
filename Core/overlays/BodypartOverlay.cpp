// The bodyparts overlay (kind = bodyparts): pose keypoints and the skeleton joining them.
#include "Overlays.h"

#include "Hdf5.h"
#include "OverlayBuilding.h"
#include "OverlayReading.h"
#include "SessionError.h"
#include "Suggestions.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace neuroplayback {

using namespace overlay_io;

BodypartOverlay BodypartOverlay::Load(hid_t g, const std::string& name, double unit, std::size_t cacheBytes) {
  const std::string where = "/overlays/" + name;
  BodypartOverlay b;
  b.Name = name;
  b.Parts = h5::ReadStringArrayAttribute(g, "part_names");
  if (b.Parts.empty()) {
    throw SessionError(where + " has no part_names attribute.", "Write the body part names as a string array attribute.");
  }
  const auto parts = static_cast<hsize_t>(b.Parts.size());
  b.Samples = OpenSamples(g, where, "xy", { parts, 2 }, "(n, " + std::to_string(parts) + ", 2)", cacheBytes);
  b.Interpolation = ReadInterp(g, where, Interp::Linear);
  std::vector<std::string> colors = h5::ReadStringArrayAttribute(g, "part_colors");
  if (colors.empty()) {
    colors = h5::ReadStringArrayAttribute(g, "node_colors"); // the skeleton's own node colours
  }
  if (!colors.empty() && colors.size() != b.Parts.size()) {
    throw SessionError(where + " has " + std::to_string(colors.size()) + " part colours for " +
        std::to_string(b.Parts.size()) + " parts.",
      "Give one colour per entry of part_names, in the same order.");
  }
  for (std::size_t i = 0; i < b.Parts.size(); ++i) {
    b.PartColors.push_back(colors.empty() ? CycleColor(i) : ParseColor(colors[i], where + " colour of '" + b.Parts[i] + "'"));
  }
  if (h5::Exists(g, "skeleton_edges")) {
    h5::Handle edges = h5::OpenDataset(g, "skeleton_edges");
    const auto dims = h5::Shape(edges.Get());
    if (dims.size() != 2 || dims[1] != 2) {
      throw SessionError(where + "/skeleton_edges has shape " + ShapeText(dims) + "; it must be (n_edges, 2).",
        "Write each edge as a pair of part indices or part names.");
    }
    std::vector<std::int64_t> ends;
    h5::Handle type(H5Dget_type(edges.Get()));
    if (H5Tget_class(type.Get()) == H5T_STRING) {
      // Fixed-length names are refused, as before: the format writes variable-length UTF-8.
      const std::vector<std::string> names =
        H5Tis_variable_str(type.Get()) > 0 ? h5::ReadStringDataset(edges.Get()) : std::vector<std::string>{};
      if (names.size() != dims[0] * 2) {
        throw SessionError(where + "/skeleton_edges could not be read as strings.",
          "Write part names as variable-length UTF-8 strings, or part indices as integers.");
      }
      for (const std::string& part : names) {
        const auto found = std::find(b.Parts.begin(), b.Parts.end(), part);
        if (found == b.Parts.end()) {
          throw SessionError(where + "/skeleton_edges names the part '" + part + "', which is not in part_names (" +
              JoinNames(b.Parts) + ")." + DidYouMean(part, b.Parts),
            "Use the exact part names, or add the part to part_names and xy.");
        }
        ends.push_back(found - b.Parts.begin());
      }
    } else {
      ends = h5::ReadAllInts(edges.Get());
      for (std::int64_t end : ends) {
        if (end < 0 || end >= static_cast<std::int64_t>(parts)) {
          throw SessionError(where + "/skeleton_edges refers to part " + std::to_string(end) + " but there are only " +
              std::to_string(parts) + " parts (0 to " + std::to_string(parts - 1) + ": " + JoinNames(b.Parts) + ").",
            "Use part indices below n_parts, or write the edges as part names.");
        }
      }
    }
    for (std::size_t i = 0; i + 1 < ends.size(); i += 2) {
      std::pair<int, int> edge{ static_cast<int>(std::min(ends[i], ends[i + 1])), static_cast<int>(std::max(ends[i], ends[i + 1])) };
      if (edge.first != edge.second && std::find(b.Edges.begin(), b.Edges.end(), edge) == b.Edges.end()) {
        b.Edges.push_back(edge);
      }
    }
  }
  b.EdgeColor = ReadColor(g, where, "edge_color", ParseColor("white", ""));
  b.EdgeWidth = ReadPositive(g, where, "edge_width", 1.0);
  b.Size = ReadPositive(g, where, "size", 0.02 * unit);
  b.SkeletonName = h5::ReadStringAttribute(g, "skeleton_name").value_or("");
  return b;
}

void OverlaySet::BuildBodyparts(BodypartOverlay& b, const FrameClock& clock, OverlayFrame& out) {
  Scratch.resize(b.Parts.size() * 2);
  b.Samples->ValueAt(clock.Time, b.Interpolation, false, Scratch.data());
  for (std::size_t part = 0; part < b.Parts.size(); ++part) {
    const double* xy = &Scratch[2 * part];
    if (Finite2(xy)) {
      out.Bodyparts.Add(xy[0], xy[1], b.PartColors[part], b.Size, MarkerShape::Circle, static_cast<int>(part));
    }
  }
  for (const auto& [from, to] : b.Edges) {
    const double* a = &Scratch[2 * static_cast<std::size_t>(from)];
    const double* c = &Scratch[2 * static_cast<std::size_t>(to)];
    if (Finite2(a) && Finite2(c)) { // an edge with a missing end is skipped
      out.Skeleton.Add(a[0], a[1], b.EdgeColor);
      out.Skeleton.Add(c[0], c[1], b.EdgeColor);
      out.Skeleton.EndLine();
    }
  }
}

} // namespace neuroplayback
