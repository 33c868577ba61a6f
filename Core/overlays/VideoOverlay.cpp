#include "VideoOverlay.h"

#include "OverlayReading.h"
#include "SessionError.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace neuroplayback {

using namespace overlay_io;

namespace {
// Crops and block-averages a stored RGB frame as the calibration's crop and downsample say.
void CutFrame(const std::vector<std::uint8_t>& source, int width, const VideoCrop& crop, int factor, int outWidth,
  int outHeight, std::vector<std::uint8_t>& out) {
  out.assign(static_cast<std::size_t>(outWidth) * static_cast<std::size_t>(outHeight) * 3, 0);
  const int area = factor * factor;
  for (int r = 0; r < outHeight; ++r) {
    for (int c = 0; c < outWidth; ++c) {
      for (int k = 0; k < 3; ++k) {
        int sum = 0;
        for (int dr = 0; dr < factor; ++dr) {
          const std::size_t row = static_cast<std::size_t>(crop.Y + r * factor + dr);
          for (int dc = 0; dc < factor; ++dc) {
            sum += source[(row * static_cast<std::size_t>(width) + static_cast<std::size_t>(crop.X + c * factor + dc)) * 3 +
              static_cast<std::size_t>(k)];
          }
        }
        out[(static_cast<std::size_t>(r) * static_cast<std::size_t>(outWidth) + static_cast<std::size_t>(c)) * 3 +
          static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(sum / area);
      }
    }
  }
}
} // namespace

std::unique_ptr<VideoOverlay> VideoOverlay::Load(hid_t group, const std::string& name,
  const std::string& sessionDirectory, const EnvironmentBounds& arena, std::size_t cacheBytes) {
  try {
    return LoadUnnamed(group, name, sessionDirectory, arena, cacheBytes);
  } catch (const SessionError& error) {
    // The decoder's messages name the file; say which overlay it is too.
    const std::string where = "/overlays/" + name;
    if (error.Problem.rfind(where, 0) == 0) {
      throw;
    }
    throw SessionError(where + ": " + error.Problem, error.Fix);
  }
}

std::unique_ptr<VideoOverlay> VideoOverlay::LoadUnnamed(hid_t group, const std::string& name,
  const std::string& sessionDirectory, const EnvironmentBounds& arena, std::size_t cacheBytes) {
  const std::string where = "/overlays/" + name;
  auto video = std::make_unique<VideoOverlay>();
  video->OverlayName = name;
  video->Opacity = h5::ReadDoubleAttribute(group, "alpha").value_or(0.5);
  if (!(video->Opacity >= 0.0 && video->Opacity <= 1.0)) {
    throw SessionError(where + " has alpha = " + std::to_string(video->Opacity) + ".", "Set alpha between 0 and 1.");
  }
  const std::string order = h5::ReadStringAttribute(group, "z_order").value_or("above");
  if (order != "above" && order != "below") {
    throw SessionError(where + " has z_order = '" + order + "'.", "Set z_order to 'above' or 'below' (the field).");
  }
  video->DrawBelow = order == "below";
  video->TimeOffset = h5::ReadDoubleAttribute(group, "time_offset").value_or(0.0);
  video->TimeScale = ReadPositive(group, where, "time_scale", 1.0);
  if (!std::isfinite(video->TimeOffset)) {
    throw SessionError(where + " has a non-finite time_offset.", "Set time_offset to the session time of the video's first frame, in seconds.");
  }

  const auto external = h5::ReadStringAttribute(group, "external_path");
  const bool stored = h5::Exists(group, "frames");
  if (external && stored) {
    throw SessionError(where + " has both stored frames and external_path = '" + *external + "'.",
      "Keep one video source: remove the frames dataset or the external_path attribute.");
  }
  int sourceWidth = 0;
  int sourceHeight = 0;
  if (external) {
    std::filesystem::path path(*external);
    if (path.is_relative() && !sessionDirectory.empty()) {
      path = std::filesystem::path(sessionDirectory) / path;
    }
    video->SourceText = path.string();
    VideoDecoderOptions whole;
    whole.CacheBytes = cacheBytes;
    video->Decoder = std::make_unique<VideoDecoder>(video->SourceText, whole);
    sourceWidth = video->Decoder->SourceWidth();
    sourceHeight = video->Decoder->SourceHeight();
  } else if (stored) {
    video->SourceText = "in file";
    video->StoredFrames = h5::OpenUncachedDataset(group, "frames");
    const std::vector<hsize_t> dims = h5::Shape(video->StoredFrames.Get());
    h5::Handle type(H5Dget_type(video->StoredFrames.Get()));
    if (dims.size() != 4 || dims[3] != 3 || dims[0] == 0 || H5Tget_class(type.Get()) != H5T_INTEGER || H5Tget_size(type.Get()) != 1) {
      throw SessionError(where + "/frames has shape " + ShapeText(dims) + "; it must be (n, H, W, 3) uint8 RGB with n >= 1.",
        "Store the frames as uint8 RGB, one frame per row (convert BGR from OpenCV to RGB first).");
    }
    sourceHeight = static_cast<int>(dims[1]);
    sourceWidth = static_cast<int>(dims[2]);
    video->StoredWidth = sourceWidth;
    video->StoredHeight = sourceHeight;
    video->Frames = static_cast<std::int64_t>(dims[0]);
  } else {
    throw SessionError(where + " has neither a frames dataset nor an external_path attribute.",
      "Store frames (n, H, W, 3) uint8 with times (n,), or set external_path to the video file (relative to the session file).");
  }

  video->Registration = LoadVideoCalibration(group, where, sourceWidth, sourceHeight, arena);
  const VideoCrop& crop = video->Registration.Crop;
  const int factor = video->Registration.Downsample;
  const int cutWidth = crop.Empty() ? sourceWidth : crop.Width;
  const int cutHeight = crop.Empty() ? sourceHeight : crop.Height;
  video->OutputWidth = cutWidth / factor;
  video->OutputHeight = cutHeight / factor;
  if (external && (!crop.Empty() || factor != 1)) {
    // The calibration asks for a cut: reopen so the decoder produces the displayed image itself.
    VideoDecoderOptions options;
    options.CropX = crop.X;
    options.CropY = crop.Y;
    options.CropWidth = crop.Empty() ? 0 : crop.Width;
    options.CropHeight = crop.Empty() ? 0 : crop.Height;
    options.Downsample = factor;
    options.CacheBytes = cacheBytes;
    video->Decoder = std::make_unique<VideoDecoder>(video->SourceText, options);
  }
  if (external) {
    video->Frames = video->Decoder->FrameCount();
    video->OutputWidth = video->Decoder->Width();
    video->OutputHeight = video->Decoder->Height();
  }

  if (h5::Exists(group, "times")) {
    video->Times = OpenSamples(group, where, nullptr, {}, "(n,)", 1u << 20);
    if (video->Times->Count() != video->Frames) {
      throw SessionError(where + "/times has " + std::to_string(video->Times->Count()) + " entries but the video has " +
          std::to_string(video->Frames) + " frames.",
        "Give one session time per video frame, or remove times and set time_offset (and time_scale for drift).");
    }
  } else if (stored) {
    throw SessionError(where + " stores frames but no times.", "Write times (n,): the session time of each frame, in seconds.");
  }
  return video;
}

std::int64_t VideoOverlay::FrameAt(double t) {
  if (Times) {
    if (t < Times->First() || t > Times->Last()) {
      return -1;
    }
    const std::int64_t before = std::max<std::int64_t>(0, Times->LastAtOrBefore(t));
    const std::int64_t after = std::min(before + 1, Times->Count() - 1);
    // Nearest; ties go to the earlier frame (as the overlays' nearest alignment).
    const std::int64_t nearest = (Times->TimeOf(after) - t < t - Times->TimeOf(before)) ? after : before;
    const double interval = Times->Count() > 1 ? (Times->Last() - Times->First()) / static_cast<double>(Times->Count() - 1) : 0.0;
    if (interval > 0.0 && std::abs(Times->TimeOf(nearest) - t) > interval + 1e-9) {
      return -1; // a hole in the video: nothing rather than a frame from far away
    }
    return nearest;
  }
  return Decoder ? Decoder->FrameAtTime((t - TimeOffset) / TimeScale) : -1;
}

std::vector<std::string> VideoOverlay::DamageMessages(bool foundWhileDecoding) const {
  std::vector<std::string> messages;
  if (!Decoder) {
    return messages;
  }
  // Video seconds to session seconds: through the frames' own times when given, else offset and scale.
  auto sessionTime = [this](double videoSeconds) {
    if (!Times) {
      return TimeOffset + TimeScale * videoSeconds;
    }
    // The frame at or before that video time (past the last frame, counted at the average rate).
    std::int64_t frame = 0;
    const std::int64_t last = Decoder->FrameCount() - 1;
    if (videoSeconds > Decoder->FrameTime(last)) {
      frame = last + std::llround((videoSeconds - Decoder->FrameTime(last)) * Decoder->FrameRate());
    } else {
      std::int64_t high = last;
      while (frame < high) {
        const std::int64_t middle = (frame + high + 1) / 2;
        if (Decoder->FrameTime(middle) <= videoSeconds) {
          frame = middle;
        } else {
          high = middle - 1;
        }
      }
    }
    return Times->TimeOf(std::min(frame, Times->Count() - 1));
  };
  auto seconds = [](double value) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.2f s", value);
    return std::string(text);
  };
  const std::string fix = " How to fix: re-copy the video from where it was recorded, or re-encode it from the original "
                          "(e.g. ffmpeg -i IN -c:v libx264 -crf 18 OUT.mp4).";
  for (const VideoDamage& span : Decoder->Damage()) {
    if (span.WhileDecoding != foundWhileDecoding) {
      continue;
    }
    const std::string where = "The video '" + OverlayName + "' (" + SourceText + ")";
    const std::string from = seconds(sessionTime(span.From));
    const std::string to = seconds(sessionTime(span.To));
    if (span.Missing) {
      messages.push_back(where + " has no frames from " + from + " to " + to +
        " of the session: the file is damaged there or was cut short; nothing is shown there." + fix);
    } else {
      messages.push_back(where + " is damaged from " + from + " to " + to +
        " of the session: frames there show wrong blocks, or nothing where they cannot be decoded." + fix);
    }
  }
  return messages;
}

std::shared_ptr<const std::vector<std::uint8_t>> VideoOverlay::Image(std::int64_t frame) {
  if (frame < 0 || frame >= Frames) {
    return nullptr;
  }
  if (frame == CachedFrame && CachedImage) {
    return CachedImage;
  }
  if (Decoder) {
    CachedImage = Decoder->Frame(frame);
  } else {
    // Stored frames are read on this (the main) thread: the HDF5 ParaView loads is not thread-safe.
    std::vector<std::uint8_t> source(static_cast<std::size_t>(StoredWidth) * static_cast<std::size_t>(StoredHeight) * 3);
    h5::ReadRows(StoredFrames.Get(), static_cast<hsize_t>(frame), 1, H5T_NATIVE_UINT8, source.data());
    auto image = std::make_shared<std::vector<std::uint8_t>>();
    if (Registration.Crop.Empty() && Registration.Downsample == 1) {
      *image = std::move(source);
    } else {
      VideoCrop crop = Registration.Crop;
      if (crop.Empty()) {
        crop.Width = StoredWidth;
        crop.Height = StoredHeight;
      }
      CutFrame(source, StoredWidth, crop, Registration.Downsample, OutputWidth, OutputHeight, *image);
    }
    CachedImage = std::move(image);
  }
  CachedFrame = frame;
  return CachedImage;
}

} // namespace neuroplayback
