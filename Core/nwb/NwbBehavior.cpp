// NWB behaviour: positions (SpatialSeries in Position), head direction (CompassDirection) and pose (ndx-pose).
#include "NwbImport.h"

#include "NwbReading.h"
#include "SessionError.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace neuroplayback {

using namespace nwb_io;

void NwbImport::ReadPosition(const std::string& where) {
  Series s = OpenSeries(File.Get(), where);
  const std::string unit = ShortUnits(s.Unit);
  std::unique_ptr<RowSource> xy = PlanarRows(s);
  std::array<double, 4> bounds{};
  const bool finite = EstimateExtent(*xy, bounds.data(), 32, 4096, Positions.empty() ? &PositionSamples : nullptr);
  PositionOverlay p;
  p.Name = BaseName(where);
  p.Samples = s.Stream(std::move(xy), CacheBytes);
  p.Color = Positions.empty() ? ParseColor("#ff0000", "") : CycleColor(Positions.size());
  p.TrailColor = p.Color;
  p.TrailSeconds = 2.0;
  if (!finite) {
    WarningList.push_back(where + "/data has no finite (x, y) in the blocks sampled for the arena's extent. How to fix: "
                                  "check the data (NaN marks a gap; an all-NaN position shows nothing).");
  } else if (Units.empty()) {
    Units = unit;
  }
  PositionBounds.push_back(finite ? bounds : std::array<double, 4>{ NAN, NAN, NAN, NAN });
  Positions.push_back(std::move(p));
}

void NwbImport::ReadHeading(const std::string& where) {
  Series s = OpenSeries(File.Get(), where);
  std::unique_ptr<RowSource> angle;
  if (s.Dims.size() == 1 || (s.Dims.size() == 2 && s.Dims[1] == 1)) {
    const std::string unit = Lower(s.Unit);
    double scale = 1.0;
    if (unit.rfind("deg", 0) == 0) {
      scale = Pi / 180.0;
    } else if (unit.rfind("rad", 0) != 0) {
      WarningList.push_back(where + "/data has unit '" + s.Unit + "', not radians or degrees: it is read as radians. "
        "How to fix: set the unit attribute of data to 'radians' or 'degrees'.");
    }
    angle = std::make_unique<AffineRows>(s.TakeValues(), s.Conversion * scale, s.Offset * scale);
  } else if (s.Dims.size() == 2 && s.Dims[1] == 2) {
    angle = std::make_unique<VectorAngleRows>(std::make_unique<AffineRows>(s.TakeValues(), s.Conversion, s.Offset));
  } else {
    throw SessionError(where + "/data has shape " + ShapeText(s.Dims) +
        "; a head direction must be angles (n,) or (n, 1), or direction vectors (n, 2).",
      "Write one angle per sample (unit 'radians' or 'degrees', 0 along +x, counter-clockwise) or (dx, dy) per sample.");
  }
  HeadDirectionOverlay h;
  h.Name = BaseName(where);
  h.Samples = s.Stream(std::move(angle), CacheBytes);
  h.Color = ParseColor("yellow", "");
  Headings.push_back(std::move(h));
}

void NwbImport::ReadPose(const std::string& where) {
  const hid_t file = File.Get();
  h5::Handle group = h5::OpenGroup(file, where);
  std::vector<std::string> series;
  for (const std::string& name : h5::ChildNames(group.Get())) {
    h5::Handle child = OpenObject(group.Get(), name);
    if (child.Valid() && IsGroup(child.Get()) &&
      (TypeOf(child.Get()) == "PoseEstimationSeries" || h5::Exists(child.Get(), "data"))) {
      series.push_back(name);
    }
  }
  if (series.empty()) {
    throw SessionError(where + " (PoseEstimation) has no PoseEstimationSeries.",
      "Add one PoseEstimationSeries per body part, each with data (n, 2) and timestamps.");
  }

  // The skeleton: nodes and edges on the PoseEstimation itself (ndx-pose 0.1), behind its `skeleton`
  // link (ndx-pose 0.2+), or the only Skeleton in the module's Skeletons.
  std::string skeletonWhere;
  h5::Handle skeleton;
  if (h5::Exists(group.Get(), "nodes")) {
    skeletonWhere = where;
    skeleton = OpenObject(file, where);
  } else if (h5::Exists(group.Get(), "skeleton")) {
    skeletonWhere = where + "/skeleton";
    skeleton = OpenObject(file, skeletonWhere);
  } else {
    std::vector<std::string> candidates;
    h5::Handle module = OpenObject(file, Parent(where));
    for (const std::string& name : module.Valid() ? h5::ChildNames(module.Get()) : std::vector<std::string>{}) {
      h5::Handle child = OpenObject(module.Get(), name);
      if (child.Valid() && IsGroup(child.Get()) && TypeOf(child.Get()) == "Skeletons") {
        for (const std::string& skeletonName : h5::ChildNames(child.Get())) {
          candidates.push_back(Child(Child(Parent(where), name), skeletonName));
        }
      }
    }
    if (candidates.size() == 1) {
      skeletonWhere = candidates.front();
      skeleton = OpenObject(file, skeletonWhere);
    } else if (candidates.size() > 1) {
      WarningList.push_back(where + " has no skeleton link and its module holds several skeletons (" + Join(candidates) +
        "): no skeleton is drawn. How to fix: link the PoseEstimation's skeleton to one of them.");
    }
  }
  std::vector<std::string> nodes;
  std::vector<std::int64_t> edgeEnds;
  if (!skeletonWhere.empty()) {
    if (!skeleton.Valid() || !IsGroup(skeleton.Get()) || !h5::Exists(skeleton.Get(), "nodes")) {
      WarningList.push_back(skeletonWhere + " is not a skeleton with nodes; no skeleton is drawn. How to fix: link a "
                                            "Skeleton with nodes (names) and edges (m, 2) node indices.");
    } else {
      h5::Handle nodeSet = h5::OpenDataset(skeleton.Get(), "nodes");
      nodes = h5::ReadStringDataset(nodeSet.Get());
      if (h5::Exists(skeleton.Get(), "edges")) {
        h5::Handle edges = h5::OpenDataset(skeleton.Get(), "edges");
        const std::vector<hsize_t> dims = h5::Shape(edges.Get());
        h5::Handle type(H5Dget_type(edges.Get()));
        if (dims.size() != 2 || dims[1] != 2 || H5Tget_class(type.Get()) != H5T_INTEGER) {
          WarningList.push_back(skeletonWhere + "/edges has shape " + ShapeText(dims) +
            "; it must be (m, 2) integer node indices. The skeleton is not drawn (the parts are). How to fix: write "
            "each edge as two indices into nodes.");
        } else {
          edgeEnds = h5::ReadAllInts(edges.Get());
          for (std::int64_t end : edgeEnds) {
            if (end < 0 || end >= static_cast<std::int64_t>(nodes.size())) {
              WarningList.push_back(skeletonWhere + "/edges refers to node " + std::to_string(end) + " but there are " +
                std::to_string(nodes.size()) + " nodes (" + Join(nodes) +
                "). The skeleton is not drawn (the parts are). How to fix: use indices 0 to n_nodes - 1.");
              edgeEnds.clear();
              break;
            }
          }
        }
      }
    }
  }

  // Parts in the skeleton's node order, then any series the skeleton does not name.
  std::vector<std::string> parts;
  for (const std::string& node : nodes) {
    if (std::find(series.begin(), series.end(), node) != series.end() &&
      std::find(parts.begin(), parts.end(), node) == parts.end()) {
      parts.push_back(node);
    }
  }
  for (const std::string& name : series) {
    if (std::find(parts.begin(), parts.end(), name) == parts.end()) {
      parts.push_back(name);
    }
  }

  std::vector<std::unique_ptr<RowSource>> columns;
  Series first;
  std::pair<double, double> firstEnds{ 0.0, 0.0 };
  std::string unit;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    Series s = OpenSeries(file, Child(where, parts[i]));
    if (i == 0) {
      unit = ShortUnits(s.Unit);
    } else {
      if (s.Rows != first.Rows) {
        throw SessionError(s.Where + " has " + std::to_string(s.Rows) + " samples but " + first.Where + " has " +
            std::to_string(first.Rows) + "; the parts of one PoseEstimation must share their samples.",
          "Write every PoseEstimationSeries on the same timestamps (NaN where a part was not tracked).");
      }
      if (s.TimesKey != first.TimesKey) {
        const std::pair<double, double> ends = Ends(*s.Times);
        if (ends != firstEnds) {
          throw SessionError(s.TimesWhere + " runs from " + Seconds(ends.first) + " to " + Seconds(ends.second) + " but " +
              first.TimesWhere + " from " + Seconds(firstEnds.first) + " to " + Seconds(firstEnds.second) +
              "; the parts of one PoseEstimation must share their timestamps.",
            "Write every PoseEstimationSeries on the same timestamps (link them to the first part's).");
        }
      }
    }
    columns.push_back(PlanarRows(s));
    if (i == 0) {
      first = std::move(s);
      firstEnds = Ends(*first.Times);
    }
  }
  std::unique_ptr<RowSource> stacked = std::make_unique<StackedRows>(std::move(columns));
  std::array<double, 4> bounds{};
  const bool finite = EstimateExtent(*stacked, bounds.data());

  BodypartOverlay b;
  b.Name = BaseName(where);
  b.Parts = parts;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    b.PartColors.push_back(CycleColor(i));
  }
  std::vector<std::string> dropped;
  for (std::size_t i = 0; i + 1 < edgeEnds.size(); i += 2) {
    const std::string& a = nodes[static_cast<std::size_t>(edgeEnds[i])];
    const std::string& c = nodes[static_cast<std::size_t>(edgeEnds[i + 1])];
    const auto from = std::find(parts.begin(), parts.end(), a);
    const auto to = std::find(parts.begin(), parts.end(), c);
    if (from == parts.end() || to == parts.end()) {
      dropped.push_back(a + "-" + c);
      continue;
    }
    std::pair<int, int> edge{ static_cast<int>(std::min(from - parts.begin(), to - parts.begin())),
      static_cast<int>(std::max(from - parts.begin(), to - parts.begin())) };
    if (edge.first != edge.second && std::find(b.Edges.begin(), b.Edges.end(), edge) == b.Edges.end()) {
      b.Edges.push_back(edge);
    }
  }
  if (!dropped.empty()) {
    WarningList.push_back(skeletonWhere + " has edges to nodes without a PoseEstimationSeries in " + where + " (" +
      Join(dropped) + "); those edges are not drawn. How to fix: add a PoseEstimationSeries named after each node.");
  }
  b.EdgeColor = ParseColor("white", "");
  b.SkeletonName = skeletonWhere.empty() ? "" : BaseName(skeletonWhere == where + "/skeleton" ? where : skeletonWhere);
  first.Where = where;
  b.Samples = first.Stream(std::move(stacked), CacheBytes);
  if (finite && Units.empty()) {
    Units = unit;
  }
  BodypartBounds.push_back(finite ? bounds : std::array<double, 4>{ NAN, NAN, NAN, NAN });
  Bodyparts.push_back(std::move(b));
}

} // namespace neuroplayback
