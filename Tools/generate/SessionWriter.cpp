#include "SessionWriter.h"

#include "TimeSeries.h"

#include "DeterministicRandom.h"
#include "FieldGenerators.h"
#include "Hdf5Writer.h"
#include "ProgressReporter.h"
#include "SyntheticAnimal.h"
#include "SyntheticEnvironment.h"
#include "TopViewRenderer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <vector>

#ifndef NEUROPLAYBACK_VERSION
#define NEUROPLAYBACK_VERSION "unknown"
#endif

namespace neuroplayback::generate {
namespace {

constexpr double kSessionStart = 0.0;  // s, session clock time of frame 0
constexpr double kFrameJitter = 0.1;   // explicit times deviate up to +-10% of a frame interval
constexpr double kPoseRateLimit = 60.0;   // Hz, bodyparts and head direction
constexpr double kSpeedRateLimit = 500.0; // Hz
constexpr hsize_t kTimeChunk = 65536;     // samples per chunk of every time dataset (spec)
constexpr hsize_t kFieldChunkTarget = 1u << 20;  // bytes: gives 16 rows for 10,000 float32 bins
constexpr hsize_t kFieldChunkLimit = 4u << 20;   // bytes: the format's upper bound for one chunk
constexpr hsize_t kSampleChunkTarget = 512u << 10;  // bytes per overlay sample chunk
constexpr hsize_t kVideoFlushBytes = 1u << 20;

// ---- chunk sizes (the spec's "Chunking" section) ----

hsize_t largestPowerOfTwoAtMost(hsize_t value) {
  hsize_t power = 1;
  while (power * 2 <= value) {
    power *= 2;
  }
  return power;
}

// Field chunks are (c, n_bins): the largest power-of-two c with a chunk <= 1 MiB, so chunks land
// in the 64 KiB..4 MiB window (only sessions with fewer frames than c get smaller chunks).
hsize_t fieldChunkRows(hsize_t frameCount, hsize_t rowBytes) {
  return std::min(frameCount, largestPowerOfTwoAtMost(std::max<hsize_t>(1, kFieldChunkTarget / rowBytes)));
}

// Overlay samples: 4,096..65,536 per chunk, as many as fit in 512 KiB.
hsize_t sampleChunkRows(hsize_t sampleCount, hsize_t bytesPerSample) {
  const hsize_t rows = std::clamp<hsize_t>(largestPowerOfTwoAtMost(kSampleChunkTarget / bytesPerSample), 4096, 65536);
  return std::max<hsize_t>(1, std::min(sampleCount, rows));
}

hsize_t timeChunkRows(hsize_t sampleCount) { return std::max<hsize_t>(1, std::min(sampleCount, kTimeChunk)); }

template <typename T>
hid_t nativeType() {
  if constexpr (std::is_same_v<T, float>) {
    return H5T_NATIVE_FLOAT;
  } else if constexpr (std::is_same_v<T, double>) {
    return H5T_NATIVE_DOUBLE;
  } else if constexpr (std::is_same_v<T, std::int32_t>) {
    return H5T_NATIVE_INT32;
  } else {
    static_assert(std::is_same_v<T, std::uint8_t>, "no HDF5 memory type for this element type");
    return H5T_NATIVE_UINT8;
  }
}

// Streams rows into a pre-sized chunked dataset, buffering exactly one flush (a whole number of
// chunks) so every write covers whole chunks and memory does not grow with the session.
template <typename T>
class ChunkedAppender {
 public:
  ChunkedAppender() = default;
  ChunkedAppender(h5::Handle dataset, std::string name, hsize_t totalRows, std::size_t valuesPerRow,
                  hsize_t rowsPerFlush)
      : dataset_(std::move(dataset)),
        name_(std::move(name)),
        totalRows_(totalRows),
        valuesPerRow_(valuesPerRow),
        rowsPerFlush_(std::max<hsize_t>(1, std::min(rowsPerFlush, totalRows))) {
    if (totalRows_ > 0) {
      buffer_.resize(rowsPerFlush_ * valuesPerRow_);
    }
  }

  // Space for the next row's values.
  T* appendRow() {
    if (bufferedRows_ == rowsPerFlush_) {
      flush();
    }
    if (flushedRows_ + bufferedRows_ >= totalRows_) {
      throw std::logic_error("more rows than pre-sized for dataset '" + name_ + "'");
    }
    return buffer_.data() + (bufferedRows_++) * valuesPerRow_;
  }

  void append(T value) { *appendRow() = value; }

  h5::Handle& dataset() { return dataset_; }

  // Writes what is left and checks the dataset was filled exactly (both passes agreed).
  void finish() {
    flush();
    if (flushedRows_ != totalRows_) {
      throw std::logic_error("dataset '" + name_ + "' got " + std::to_string(flushedRows_) + " of " +
                             std::to_string(totalRows_) + " rows");
    }
    buffer_ = {};
    dataset_.close();
  }

 private:
  void flush() {
    if (bufferedRows_ == 0) {
      return;
    }
    h5::writeRows(dataset_.get(), nativeType<T>(), flushedRows_, bufferedRows_, buffer_.data());
    flushedRows_ += bufferedRows_;
    bufferedRows_ = 0;
  }

  h5::Handle dataset_;
  std::string name_;
  hsize_t totalRows_ = 0;
  std::size_t valuesPerRow_ = 1;
  hsize_t rowsPerFlush_ = 1;
  hsize_t flushedRows_ = 0;
  hsize_t bufferedRows_ = 0;
  std::vector<T> buffer_;
};

// (n,) float64 times: chunks of 65,536, never compressed, so a bisection probe reads few bytes.
ChunkedAppender<double> createTimes(hid_t group, const std::string& name, hsize_t count) {
  h5::DatasetStorage storage;
  if (count > 0) {
    storage.chunk = {timeChunkRows(count)};
  }
  return ChunkedAppender<double>(h5::createDataset(group, name, H5T_IEEE_F64LE, {count}, storage), name, count, 1,
                                 timeChunkRows(count));
}

// (n, ...) overlay samples chunked along time, compressed when asked.
template <typename T>
ChunkedAppender<T> createSamples(hid_t group, const std::string& name, hid_t fileType, std::vector<hsize_t> dims,
                                 int gzipLevel) {
  std::size_t valuesPerRow = 1;
  for (std::size_t axis = 1; axis < dims.size(); ++axis) {
    valuesPerRow *= dims[axis];
  }
  const hsize_t rows = sampleChunkRows(dims[0], valuesPerRow * sizeof(T));
  h5::DatasetStorage storage;
  if (dims[0] > 0) {
    storage.chunk = dims;
    storage.chunk[0] = rows;
    storage.gzipLevel = gzipLevel;
  }
  return ChunkedAppender<T>(h5::createDataset(group, name, fileType, dims, storage), name, dims[0], valuesPerRow,
                            rows);
}

// Small, non-temporal arrays (environment geometry, calibration) are written whole.
template <typename T>
void writeSmallDataset(hid_t group, const std::string& name, hid_t fileType, const std::vector<hsize_t>& dims,
                       const T* data) {
  h5::Handle dataset = h5::createDataset(group, name, fileType, dims);
  hsize_t total = 1;
  for (hsize_t dim : dims) {
    total *= dim;
  }
  if (total > 0) {
    h5::writeWholeDataset(dataset.get(), nativeType<T>(), data);
  }
  dataset.close();
}

// /overlays/<name>/summary/level_k: [t_first, min, max] per bucket (docs/session-format-v1.md).
void writeSummary(hid_t overlays, const std::string& name, SummaryBuilder& builder) {
  std::vector<std::int64_t> buckets;
  const std::vector<std::vector<double>> levels = builder.Finish(buckets);
  if (levels.empty()) {
    return;
  }
  h5::Handle series(H5Gopen2(overlays, name.c_str(), H5P_DEFAULT), H5Gclose, "open " + name);
  h5::Handle summary = h5::createGroup(series.get(), "summary");
  for (std::size_t k = 0; k < levels.size(); ++k) {
    const std::string levelName = "level_" + std::to_string(k);
    writeSmallDataset(summary.get(), levelName, H5T_IEEE_F64LE, {levels[k].size() / 3, 3}, levels[k].data());
    h5::Handle dataset(H5Dopen2(summary.get(), levelName.c_str(), H5P_DEFAULT), H5Dclose, "open " + levelName);
    h5::writeInt64Attribute(dataset.get(), "samples_per_bucket", buckets[k]);
  }
}

std::vector<double> flatten(const std::vector<Vec2>& points) {
  std::vector<double> values;
  values.reserve(points.size() * 2);
  for (const Vec2& point : points) {
    values.push_back(point.x);
    values.push_back(point.y);
  }
  return values;
}

// ---- time ----

class FrameClock {
 public:
  FrameClock(FrameTimeMode mode, double frameRate, std::int64_t frameCount, std::uint64_t seed)
      : mode_(mode),
        frameRate_(frameRate),
        frameCount_(frameCount),
        jitterKey_(streamKey(seed, RandomStreamId::FrameJitter)) {}

  double time(std::int64_t frame) const {
    // Same expression a reader uses for regular times: start + i / rate.
    const double nominal = kSessionStart + static_cast<double>(frame) / frameRate_;
    // First and last frames stay on the nominal clock, so the session spans exactly
    // (n - 1) / rate and every resampled overlay fits inside it.
    if (mode_ == FrameTimeMode::Regular || frame == 0 || frame == frameCount_ - 1) {
      return nominal;
    }
    // |jitter| < half an interval keeps the times strictly increasing.
    const double unit = hashedUnitInterval(jitterKey_, static_cast<std::uint64_t>(frame));
    return nominal + (2.0 * unit - 1.0) * kFrameJitter / frameRate_;
  }

  double lastTime() const { return time(frameCount_ - 1); }

 private:
  FrameTimeMode mode_;
  double frameRate_;
  std::int64_t frameCount_;
  std::uint64_t jitterKey_;
};

// start + j / rate for j in [0, count), all inside [start, lastFrameTime]; overlays sampled at
// their own rate are interpolated between the two frames around each of these times.
class ResampledStream {
 public:
  ResampledStream(double rate, double lastFrameTime) : rate_(rate) {
    count_ = static_cast<std::int64_t>(std::floor((lastFrameTime - kSessionStart) * rate_)) + 1;
    while (count_ > 1 && time(count_ - 1) > lastFrameTime) {
      --count_;
    }
    while (time(count_) <= lastFrameTime) {
      ++count_;
    }
  }

  std::int64_t count() const { return count_; }
  double time(std::int64_t index) const { return kSessionStart + static_cast<double>(index) / rate_; }

  // Calls emit(index, sample) for every sample time in (before.time, after.time].
  template <typename Emit>
  void emitUpTo(const AnimalSample& before, const AnimalSample& after, Emit&& emit) {
    while (next_ < count_ && time(next_) <= after.time) {
      emit(next_, interpolateSample(before, after, time(next_)));
      ++next_;
    }
  }

 private:
  double rate_;
  std::int64_t count_ = 0;
  std::int64_t next_ = 0;
};

// One frame of the animal, with tracking dropped inside the tracking-loss window.
class FrameSource {
 public:
  FrameSource(const SyntheticEnvironment& environment, const GeneratorOptions& options, const FrameClock& clock)
      : simulator_(environment, options.frameRate, options.seed),
        clock_(clock),
        trackingLoss_(TrackingLossWindow::forSession(options.frameCount, options.frameRate)) {}

  AnimalSample frame(std::int64_t index) {
    AnimalSample sample = simulator_.nextFrame(clock_.time(index));
    sample.tracked = !trackingLoss_.contains(index);
    return sample;
  }

 private:
  AnimalSimulator simulator_;
  const FrameClock& clock_;
  TrackingLossWindow trackingLoss_;
};

// Pass 1: spike counts decide the size of each unit's datasets, so they can be created
// pre-sized and chunked exactly like the others. Same seeds => same spikes as pass 2.
std::vector<hsize_t> countSpikesPerUnit(const SyntheticEnvironment& environment, const GeneratorOptions& options,
                                        const FrameClock& clock) {
  FrameSource frames(environment, options, clock);
  SpikeGenerator spikes(environment.binCenters, options.unitCount, options.seed);
  std::vector<hsize_t> counts(static_cast<std::size_t>(options.unitCount), 0);
  AnimalSample previous = frames.frame(0);
  for (std::int64_t index = 1; index < options.frameCount; ++index) {
    const AnimalSample current = frames.frame(index);
    spikes.advance(previous, current, [&](std::size_t unit, double, double) { ++counts[unit]; });
    previous = current;
  }
  return counts;
}

// ---- fields ----

class FieldOutput {
 public:
  FieldOutput(std::unique_ptr<FieldGenerator> generator, h5::Handle dataset, FieldValueType valueType,
              std::size_t binCount, hsize_t blockRows, double nanFraction, std::uint64_t seed,
              std::uint64_t fieldIndex)
      : generator_(std::move(generator)),
        dataset_(std::move(dataset)),
        valueType_(valueType),
        binCount_(binCount),
        nanRandom_(seed, RandomStreamId::FieldNanMask, fieldIndex),
        nanProbability_(nanFraction),
        scratch_(binCount) {
    const std::size_t blockValues = blockRows * binCount;
    if (valueType_ == FieldValueType::Float32) {
      blockFloat_.resize(blockValues);
    } else {
      blockDouble_.resize(blockValues);
    }
    nextNanIndex_ = nanProbability_ > 0.0 ? nanRandom_.geometricGap(nanProbability_)
                                          : std::numeric_limits<std::uint64_t>::max();
  }

  FieldGenerator& generator() { return *generator_; }
  h5::Handle& dataset() { return dataset_; }
  bool hasFiniteValues() const { return minimum_ <= maximum_; }
  double minimum() const { return minimum_; }
  double maximum() const { return maximum_; }

  void computeFrame(const AnimalSample& frame, double frameInterval, std::int64_t frameIndex, hsize_t rowInBlock) {
    generator_->computeFrame(frame, frameInterval, scratch_.data());
    // NaNs are placed by geometric gaps over the flattened (frame, bin) index: one random draw
    // per NaN instead of one per value.
    const auto rowStart = static_cast<std::uint64_t>(frameIndex) * binCount_;
    while (nextNanIndex_ < rowStart + binCount_) {
      scratch_[nextNanIndex_ - rowStart] = kNaN;
      nextNanIndex_ += 1 + nanRandom_.geometricGap(nanProbability_);
    }
    if (valueType_ == FieldValueType::Float32) {
      storeRow(blockFloat_.data() + rowInBlock * binCount_);
    } else {
      storeRow(blockDouble_.data() + rowInBlock * binCount_);
    }
  }

  void writeBlock(hsize_t firstFrame, hsize_t rows) {
    if (valueType_ == FieldValueType::Float32) {
      h5::writeRows(dataset_.get(), nativeType<float>(), firstFrame, rows, blockFloat_.data());
    } else {
      h5::writeRows(dataset_.get(), nativeType<double>(), firstFrame, rows, blockDouble_.data());
    }
  }

 private:
  // Range of the values as stored (after rounding to float32), NaN skipped by the comparisons.
  template <typename T>
  void storeRow(T* out) {
    double low = minimum_;
    double high = maximum_;
    for (std::size_t bin = 0; bin < binCount_; ++bin) {
      const T value = static_cast<T>(scratch_[bin]);
      out[bin] = value;
      low = value < low ? value : low;
      high = value > high ? value : high;
    }
    minimum_ = low;
    maximum_ = high;
  }

  std::unique_ptr<FieldGenerator> generator_;
  h5::Handle dataset_;
  FieldValueType valueType_;
  std::size_t binCount_;
  RandomStream nanRandom_;
  double nanProbability_;
  std::uint64_t nextNanIndex_ = 0;
  std::vector<double> scratch_;
  std::vector<float> blockFloat_;
  std::vector<double> blockDouble_;
  double minimum_ = std::numeric_limits<double>::infinity();
  double maximum_ = -std::numeric_limits<double>::infinity();
};

SyntheticEnvironment buildEnvironment(const GeneratorOptions& options) {
  switch (options.layout) {
    case LayoutKind::Grid:
      return buildGridEnvironment(options.gridCellsX, options.gridCellsY);
    case LayoutKind::Hexagonal:
      return buildHexagonalEnvironment(options.effectiveBinSize());
    case LayoutKind::Mesh:
      return buildMeshEnvironment(options.effectiveBinSize(), options.seed);
    case LayoutKind::Track:
      return buildTrackEnvironment(options.effectiveBinSize());
  }
  throw std::logic_error("unknown layout");
}

void writeEnvironment(hid_t file, const SyntheticEnvironment& environment) {
  h5::Handle group = h5::createGroup(file, "environment");
  const hid_t g = group.get();
  const auto binCount = static_cast<hsize_t>(environment.binCenters.size());
  h5::writeStringAttribute(g, "layout", layoutName(environment.layout));
  h5::writeStringAttribute(g, "units", environment.units);
  h5::writeInt64Attribute(g, "n_bins", static_cast<std::int64_t>(binCount));
  const std::vector<double> centers = flatten(environment.binCenters);
  writeSmallDataset(g, "bin_centers", H5T_IEEE_F64LE, {binCount, 2}, centers.data());

  switch (environment.layout) {
    case LayoutKind::Grid: {
      const GridLayout& grid = environment.grid;
      writeSmallDataset(g, "x_edges", H5T_IEEE_F64LE, {grid.xEdges.size()}, grid.xEdges.data());
      writeSmallDataset(g, "y_edges", H5T_IEEE_F64LE, {grid.yEdges.size()}, grid.yEdges.data());
      writeSmallDataset(g, "active_mask", H5T_STD_U8LE,
                        {static_cast<hsize_t>(grid.cellsX), static_cast<hsize_t>(grid.cellsY)},
                        grid.activeMask.data());
      break;
    }
    case LayoutKind::Hexagonal:
      h5::writeFloat64Attribute(g, "hex_radius", environment.hexagonal.radius);
      h5::writeFloat64Attribute(g, "hex_orientation", environment.hexagonal.orientation);
      break;
    case LayoutKind::Mesh: {
      const MeshLayout& mesh = environment.mesh;
      const std::vector<double> vertices = flatten(mesh.vertices);
      writeSmallDataset(g, "vertices", H5T_IEEE_F64LE, {mesh.vertices.size(), 2}, vertices.data());
      std::vector<std::int32_t> triangles;
      for (const auto& triangle : mesh.triangles) {
        triangles.insert(triangles.end(), triangle.begin(), triangle.end());
      }
      writeSmallDataset(g, "triangles", H5T_STD_I32LE, {mesh.triangles.size(), 3}, triangles.data());
      break;
    }
    case LayoutKind::Track: {
      const TrackLayout& track = environment.track;
      std::vector<double> segments;
      for (const auto& segment : track.binSegments) {
        segments.insert(segments.end(), {segment[0].x, segment[0].y, segment[1].x, segment[1].y});
      }
      writeSmallDataset(g, "bin_segments", H5T_IEEE_F64LE, {track.binSegments.size(), 2, 2}, segments.data());
      writeSmallDataset(g, "linear_position", H5T_IEEE_F64LE, {track.linearPosition.size()},
                        track.linearPosition.data());
      const std::vector<double> nodes = flatten(track.nodes);
      writeSmallDataset(g, "track_nodes", H5T_IEEE_F64LE, {track.nodes.size(), 2}, nodes.data());
      std::vector<std::int32_t> edges;
      for (const auto& edge : track.edges) {
        edges.insert(edges.end(), edge.begin(), edge.end());
      }
      writeSmallDataset(g, "track_edges", H5T_STD_I32LE, {track.edges.size(), 2}, edges.data());
      break;
    }
  }

  h5::Handle regions = h5::createGroup(g, "regions");
  for (const Region& region : environment.regions) {
    h5::Handle regionGroup = h5::createGroup(regions.get(), region.name);
    h5::writeStringAttribute(regionGroup.get(), "kind", region.kind);
    const std::vector<double> coords = flatten(region.coords);
    writeSmallDataset(regionGroup.get(), "coords", H5T_IEEE_F64LE, {region.coords.size(), 2}, coords.data());
  }
}

std::string sessionTitle(const GeneratorOptions& options, std::size_t binCount) {
  char text[256];
  std::snprintf(text, sizeof(text), "Synthetic %s session: %lld frames at %g Hz, %zu bins, seed %llu",
                layoutName(options.layout), static_cast<long long>(options.frameCount), options.frameRate, binCount,
                static_cast<unsigned long long>(options.seed));
  return text;
}

// Everything the main pass writes to, created up front with final sizes.
struct OverlayWriters {
  ChunkedAppender<double> positionTimes;
  ChunkedAppender<double> positionXy;
  ChunkedAppender<double> poseTimes;
  ChunkedAppender<double> bodypartXy;
  ChunkedAppender<double> headDirectionTimes;
  ChunkedAppender<double> headDirectionAngle;
  ChunkedAppender<double> speedTimes;
  ChunkedAppender<double> speedValues;
  SummaryBuilder speedSummary;  // min/max levels for wide chart windows
  std::vector<ChunkedAppender<double>> spikeTimes;
  std::vector<ChunkedAppender<double>> spikeXy;
  ChunkedAppender<double> videoTimes;
  ChunkedAppender<std::uint8_t> videoFrames;
};

}  // namespace

GenerationSummary writeSyntheticSession(const GeneratorOptions& options, const std::string& path) {
  const SyntheticEnvironment environment = buildEnvironment(options);
  const std::size_t binCount = environment.binCenters.size();
  const hsize_t valueBytes = options.valueType == FieldValueType::Float32 ? 4 : 8;
  const hsize_t rowBytes = binCount * valueBytes;
  if (rowBytes > kFieldChunkLimit) {
    throw UsageError("this environment has " + std::to_string(binCount) + " bins; one frame is " +
                     std::to_string(rowBytes) + " bytes, over the format's 4 MiB chunk limit " +
                     "(use a coarser --grid/--bin-size, or --dtype float32)");
  }
  if (options.compressionLevel > 0 && !h5::deflateAvailable()) {
    throw std::runtime_error("--compression needs the HDF5 deflate filter, which this HDF5 library lacks");
  }

  const auto frameCount = static_cast<hsize_t>(options.frameCount);
  const FrameClock clock(options.timeMode, options.frameRate, options.frameCount, options.seed);
  const double lastFrameTime = clock.lastTime();
  ResampledStream poseStream(std::min(options.frameRate, kPoseRateLimit), lastFrameTime);
  ResampledStream speedStream(std::min(options.frameRate, kSpeedRateLimit), lastFrameTime);
  ResampledStream videoStream(options.videoFps, lastFrameTime);
  const BinNeighbourIndex bins(environment.binCenters, 4.0);
  const int gzip = options.compressionLevel;

  ProgressReporter progress(!options.quiet, options.frameCount);
  const std::vector<hsize_t> spikeCounts = countSpikesPerUnit(environment, options, clock);

  h5::Handle file = h5::createFile(path);
  const hid_t root = file.get();
  h5::writeStringAttribute(root, "format", "neuroplayback-session");
  h5::writeInt32Attribute(root, "format_version", 1);
  h5::writeStringAttribute(root, "title", sessionTitle(options, binCount));
  h5::writeStringAttribute(root, "created_by", "neuroplayback-generate " NEUROPLAYBACK_VERSION);
  h5::writeStringAttribute(root, "generator_settings", options.describeSettings());

  writeEnvironment(root, environment);

  // /time
  h5::Handle timeGroup = h5::createGroup(root, "time");
  ChunkedAppender<double> frameTimes;
  const bool explicitTimes = options.timeMode == FrameTimeMode::Explicit;
  if (explicitTimes) {
    frameTimes = createTimes(timeGroup.get(), "frame_times", frameCount);
  } else {
    h5::writeFloat64Attribute(timeGroup.get(), "start", kSessionStart);
    h5::writeFloat64Attribute(timeGroup.get(), "rate", options.frameRate);
    h5::writeInt64Attribute(timeGroup.get(), "n_frames", options.frameCount);
  }

  // /fields
  h5::Handle fieldsGroup = h5::createGroup(root, "fields");
  const hsize_t blockRows = fieldChunkRows(frameCount, rowBytes);
  std::vector<FieldOutput> fields;
  {
    auto generators = makeFieldGenerators(options.fieldCount, bins, options.frameRate, options.seed, options.unitCount);
    h5::writeStringAttribute(fieldsGroup.get(), "default", generators.front()->name());
    for (std::size_t index = 0; index < generators.size(); ++index) {
      h5::DatasetStorage storage{{blockRows, binCount}, gzip};
      h5::Handle dataset = h5::createDataset(fieldsGroup.get(), generators[index]->name(),
                                             valueBytes == 4 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE,
                                             {frameCount, binCount}, storage);
      h5::writeStringAttribute(dataset.get(), "label", generators[index]->label());
      h5::writeStringAttribute(dataset.get(), "colormap", generators[index]->colormap());
      fields.emplace_back(std::move(generators[index]), std::move(dataset), options.valueType, binCount, blockRows,
                          options.nanFraction, options.seed, index);
    }
  }

  // /overlays
  h5::Handle overlaysGroup = h5::createGroup(root, "overlays");
  const hid_t overlays = overlaysGroup.get();
  OverlayWriters out;
  {
    h5::Handle group = h5::createGroup(overlays, "position");
    h5::writeStringAttribute(group.get(), "kind", "position");
    h5::writeStringAttribute(group.get(), "interp", "linear");
    h5::writeStringAttribute(group.get(), "color", "#ff3030");
    h5::writeFloat64Attribute(group.get(), "size", 3.0);
    h5::writeFloat64Attribute(group.get(), "trail_seconds", 2.0);
    out.positionTimes = createTimes(group.get(), "times", frameCount);
    out.positionXy = createSamples<double>(group.get(), "xy", H5T_IEEE_F64LE, {frameCount, 2}, gzip);
  }
  const auto poseCount = static_cast<hsize_t>(poseStream.count());
  {
    h5::Handle group = h5::createGroup(overlays, "bodyparts");
    h5::writeStringAttribute(group.get(), "kind", "bodyparts");
    h5::writeStringAttribute(group.get(), "interp", "linear");
    const auto& names = BodypartPoser::partNames();
    const auto& colors = BodypartPoser::partColors();
    h5::writeStringArrayAttribute(group.get(), "part_names", std::vector<std::string>(names.begin(), names.end()));
    h5::writeStringArrayAttribute(group.get(), "part_colors", std::vector<std::string>(colors.begin(), colors.end()));
    h5::writeStringAttribute(group.get(), "skeleton_name", "rat");
    h5::writeStringAttribute(group.get(), "edge_color", "#e0e0e0");
    h5::writeFloat64Attribute(group.get(), "edge_width", 1.5);
    h5::writeFloat64Attribute(group.get(), "size", 2.0);
    std::vector<std::int32_t> edges;
    for (const auto& edge : BodypartPoser::skeletonEdges()) {
      edges.insert(edges.end(), edge.begin(), edge.end());
    }
    writeSmallDataset(group.get(), "skeleton_edges", H5T_STD_I32LE, {BodypartPoser::skeletonEdges().size(), 2},
                      edges.data());
    out.poseTimes = createTimes(group.get(), "times", poseCount);
    out.bodypartXy = createSamples<double>(group.get(), "xy", H5T_IEEE_F64LE,
                                           {poseCount, BodypartPoser::kPartCount, 2}, gzip);
  }
  {
    h5::Handle group = h5::createGroup(overlays, "head_direction");
    h5::writeStringAttribute(group.get(), "kind", "head_direction");
    h5::writeStringAttribute(group.get(), "interp", "linear");
    h5::writeStringAttribute(group.get(), "color", "#ffd000");
    h5::writeFloat64Attribute(group.get(), "length", 8.0);
    h5::writeFloat64Attribute(group.get(), "width", 2.0);
    h5::writeStringAttribute(group.get(), "anchor", "position");
    out.headDirectionTimes = createTimes(group.get(), "times", poseCount);
    out.headDirectionAngle = createSamples<double>(group.get(), "angle", H5T_IEEE_F64LE, {poseCount}, gzip);
  }
  SpikeGenerator spikes(environment.binCenters, options.unitCount, options.seed);
  std::uint64_t totalSpikes = 0;
  if (options.unitCount > 0) {
    h5::Handle group = h5::createGroup(overlays, "spikes");
    h5::writeStringAttribute(group.get(), "kind", "events");
    h5::writeStringAttribute(group.get(), "mode", "decay");
    h5::writeFloat64Attribute(group.get(), "decay_seconds", 0.5);
    h5::writeFloat64Attribute(group.get(), "size", 4.0);
    h5::writeFloat64Attribute(group.get(), "opacity", 0.8);
    for (std::size_t unit = 0; unit < spikes.units().size(); ++unit) {
      const PlaceUnit& placeUnit = spikes.units()[unit];
      h5::Handle unitGroup = h5::createGroup(group.get(), placeUnit.name);
      h5::writeStringAttribute(unitGroup.get(), "color", placeUnit.color);
      h5::writeStringAttribute(unitGroup.get(), "marker", "o");
      out.spikeTimes.push_back(createTimes(unitGroup.get(), "times", spikeCounts[unit]));
      out.spikeXy.push_back(
          createSamples<double>(unitGroup.get(), "xy", H5T_IEEE_F64LE, {spikeCounts[unit], 2}, gzip));
      totalSpikes += spikeCounts[unit];
    }
  }
  const auto speedCount = static_cast<hsize_t>(speedStream.count());
  {
    h5::Handle group = h5::createGroup(overlays, "speed");
    h5::writeStringAttribute(group.get(), "kind", "timeseries");
    h5::writeStringAttribute(group.get(), "interp", "linear");
    h5::writeStringAttribute(group.get(), "label", "Speed (cm/s)");
    h5::writeStringAttribute(group.get(), "color", "#30a0ff");
    h5::writeFloat64Attribute(group.get(), "window_seconds", 2.0);
    h5::writeInt32Attribute(group.get(), "normalize", 0);
    out.speedTimes = createTimes(group.get(), "times", speedCount);
    out.speedValues = createSamples<double>(group.get(), "values", H5T_IEEE_F64LE, {speedCount}, gzip);
  }
  {
    // Trials (kind intervals): one every kTrialPeriod seconds, kTrialLength long, alternating left and
    // right; 1,800 rows at 2 h, written whole.
    constexpr double kTrialPeriod = 4.0;
    constexpr double kTrialLength = 2.5;
    std::vector<double> starts;
    std::vector<double> stops;
    std::vector<std::string> labels;
    for (double start = kSessionStart + 0.5; start + kTrialLength <= lastFrameTime; start += kTrialPeriod) {
      starts.push_back(start);
      stops.push_back(start + kTrialLength);
      labels.push_back(labels.size() % 2 == 0 ? "left" : "right");
    }
    if (!starts.empty()) {
      h5::Handle group = h5::createGroup(overlays, "trials");
      h5::writeStringAttribute(group.get(), "kind", "intervals");
      h5::writeStringAttribute(group.get(), "label", "trial");
      writeSmallDataset(group.get(), "start_time", H5T_IEEE_F64LE, {starts.size()}, starts.data());
      writeSmallDataset(group.get(), "stop_time", H5T_IEEE_F64LE, {stops.size()}, stops.data());
      h5::writeStringDataset(group.get(), "labels", labels);
    }
  }
  std::unique_ptr<TopViewRenderer> renderer;
  const auto videoCount = static_cast<hsize_t>(videoStream.count());
  if (options.writeVideo) {
    renderer = std::make_unique<TopViewRenderer>(environment, options.videoWidth, options.videoHeight);
    h5::Handle group = h5::createGroup(overlays, "video");
    h5::writeStringAttribute(group.get(), "kind", "video");
    h5::writeStringAttribute(group.get(), "interp", "nearest");
    h5::writeFloat64Attribute(group.get(), "alpha", 0.5);
    h5::writeStringAttribute(group.get(), "z_order", "below");
    // The spec lists px_to_env among the style attrs but with a dataset-like shape; write both
    // (identical values) so either reading works.
    const std::array<double, 9> calibration = renderer->pixelToEnvironment();
    writeSmallDataset(group.get(), "px_to_env", H5T_IEEE_F64LE, {3, 3}, calibration.data());
    h5::writeFloat64ArrayAttribute(group.get(), "px_to_env", {3, 3}, calibration.data());
    const auto height = static_cast<hsize_t>(options.videoHeight);
    const auto width = static_cast<hsize_t>(options.videoWidth);
    h5::DatasetStorage storage;
    if (videoCount > 0) {
      storage.chunk = {1, height, width, 3};  // one frame per chunk
      storage.gzipLevel = gzip;
    }
    out.videoTimes = createTimes(group.get(), "times", videoCount);
    out.videoFrames = ChunkedAppender<std::uint8_t>(
        h5::createDataset(group.get(), "frames", H5T_STD_U8LE, {videoCount, height, width, 3}, storage), "frames",
        videoCount, renderer->frameBytes(), std::max<hsize_t>(1, kVideoFlushBytes / renderer->frameBytes()));
  }

  // Pass 2: one frame at a time, fields written a chunk-sized block of frames at a time.
  FrameSource frames(environment, options, clock);
  BodypartPoser poser(options.seed);
  AnimalSample previous;
  for (hsize_t blockStart = 0; blockStart < frameCount; blockStart += blockRows) {
    const hsize_t rows = std::min(blockRows, frameCount - blockStart);
    for (hsize_t row = 0; row < rows; ++row) {
      const auto index = static_cast<std::int64_t>(blockStart + row);
      const AnimalSample current = frames.frame(index);
      const AnimalSample& before = index > 0 ? previous : current;
      if (index > 0) {
        spikes.advance(previous, current, [&](std::size_t unit, double spikeTime, double fraction) {
          const Vec2 where = lerp(previous.trackedPosition(), current.trackedPosition(), fraction);
          out.spikeTimes[unit].append(spikeTime);
          double* xy = out.spikeXy[unit].appendRow();
          xy[0] = where.x;
          xy[1] = where.y;
          for (FieldOutput& field : fields) {
            field.generator().recordSpike(unit, where);
          }
        });
      }
      if (explicitTimes) {
        frameTimes.append(current.time);
      }
      out.positionTimes.append(current.time);
      double* positionXy = out.positionXy.appendRow();
      positionXy[0] = current.trackedPosition().x;
      positionXy[1] = current.trackedPosition().y;

      poseStream.emitUpTo(before, current, [&](std::int64_t, const AnimalSample& sample) {
        out.poseTimes.append(sample.time);
        poser.pose(sample, out.bodypartXy.appendRow());
        out.headDirectionTimes.append(sample.time);
        out.headDirectionAngle.append(sample.tracked ? sample.heading() : kNaN);
      });
      speedStream.emitUpTo(before, current, [&](std::int64_t, const AnimalSample& sample) {
        out.speedTimes.append(sample.time);
        const double speed = sample.tracked ? sample.speed() : kNaN;
        out.speedValues.append(speed);
        out.speedSummary.Add(sample.time, speed);
      });
      if (renderer) {
        // The camera still sees the animal while the tracker has lost it.
        videoStream.emitUpTo(before, current, [&](std::int64_t videoFrame, const AnimalSample& sample) {
          out.videoTimes.append(sample.time);
          renderer->render(static_cast<std::uint64_t>(videoFrame), sample.position, out.videoFrames.appendRow());
        });
      }

      const double frameInterval = index > 0 ? current.time - previous.time : 0.0;
      for (FieldOutput& field : fields) {
        field.computeFrame(current, frameInterval, index, row);
      }
      previous = current;
    }
    for (FieldOutput& field : fields) {
      field.writeBlock(blockStart, rows);
    }
    progress.update(static_cast<std::int64_t>(blockStart + rows));
  }

  if (explicitTimes) {
    frameTimes.finish();
  }
  out.positionTimes.finish();
  out.positionXy.finish();
  out.poseTimes.finish();
  out.bodypartXy.finish();
  out.headDirectionTimes.finish();
  out.headDirectionAngle.finish();
  out.speedTimes.finish();
  out.speedValues.finish();
  writeSummary(overlays, "speed", out.speedSummary);
  for (std::size_t unit = 0; unit < out.spikeTimes.size(); ++unit) {
    out.spikeTimes[unit].finish();
    out.spikeXy[unit].finish();
  }
  if (renderer) {
    out.videoTimes.finish();
    out.videoFrames.finish();
  }
  for (FieldOutput& field : fields) {
    if (options.writeValueRange && field.hasFiniteValues()) {
      h5::writeFloat64Attribute(field.dataset().get(), "vmin", field.minimum());
      h5::writeFloat64Attribute(field.dataset().get(), "vmax", field.maximum());
    }
    field.dataset().close();
  }
  overlaysGroup.close();
  fieldsGroup.close();
  timeGroup.close();
  file.close();

  const double seconds = progress.elapsedSeconds();
  char summaryText[256];
  std::snprintf(summaryText, sizeof(summaryText), "wrote %lld frames x %zu bins in %.1f s (%.0f frames/s)",
                static_cast<long long>(options.frameCount), binCount, seconds,
                seconds > 0.0 ? static_cast<double>(options.frameCount) / seconds : 0.0);
  progress.finish(summaryText);

  GenerationSummary summary;
  summary.frameCount = options.frameCount;
  summary.binCount = binCount;
  summary.fieldCount = fields.size();
  summary.spikeCount = totalSpikes;
  summary.videoFrameCount = options.writeVideo ? static_cast<std::int64_t>(videoCount) : 0;
  return summary;
}

}  // namespace neuroplayback::generate
