#pragma once
// The behaviour video of a session (/overlays/<name>, kind video), registered to the arena: frames
// stored in the file (uint8 RGB) or an external file decoded frame-accurately by FFmpeg
// (VideoDecoder), mapped to session time, and the affine map from the displayed image's pixels to
// environment coordinates (VideoCalibration, crop and downsample composed in).
#include "Hdf5.h"
#include "SampleStream.h"
#include "VideoCalibration.h"
#include "VideoDecoder.h"

#include <hdf5.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace neuroplayback {

class VideoOverlay {
public:
  // Reads the overlay; sessionDirectory resolves a relative external_path. Throws SessionError for a
  // missing or unreadable video, bad times or a bad calibration; usable oddities go to Warnings().
  static std::unique_ptr<VideoOverlay> Load(hid_t group, const std::string& name, const std::string& sessionDirectory,
    const EnvironmentBounds& arena, std::size_t cacheBytes);

  const std::string& Name() const { return OverlayName; }
  int Width() const { return OutputWidth; }   // displayed image, after crop and downsample
  int Height() const { return OutputHeight; }
  std::int64_t FrameCount() const { return Frames; }
  double Alpha() const { return Opacity; }
  bool Below() const { return DrawBelow; }  // under the field (seen where it is transparent)
  const VideoCalibration& Calibration() const { return Registration; }
  const std::vector<std::string>& Warnings() const { return Registration.Warnings; }
  // "in file" or the external file's path.
  const std::string& Source() const { return SourceText; }

  // The video frame shown at session time t: the nearest one; -1 outside the video and in a hole
  // (the nearest frame more than one average frame interval away).
  std::int64_t FrameAt(double t);
  // One message per damaged stretch of an external video (session seconds, what is wrong, the fix):
  // those found when it was opened, or those found since while decoding.
  std::vector<std::string> DamageMessages(bool foundWhileDecoding) const;
  // The displayed image of a frame, RGB rows top to bottom (Width() * Height() * 3 bytes).
  std::shared_ptr<const std::vector<std::uint8_t>> Image(std::int64_t frame);

private:
  static std::unique_ptr<VideoOverlay> LoadUnnamed(hid_t group, const std::string& name,
    const std::string& sessionDirectory, const EnvironmentBounds& arena, std::size_t cacheBytes);

  std::string OverlayName;
  std::string SourceText;
  int OutputWidth = 0;
  int OutputHeight = 0;
  int StoredWidth = 0;   // stored frames: the source frame size
  int StoredHeight = 0;
  std::int64_t Frames = 0;
  double Opacity = 0.5;
  bool DrawBelow = false;
  double TimeOffset = 0.0; // session time of video time 0 (external files without times)
  double TimeScale = 1.0;  // session seconds per video second (clock drift)
  VideoCalibration Registration;
  std::unique_ptr<VideoDecoder> Decoder;  // external file
  h5::Handle StoredFrames;                // (n, H, W, 3) uint8 in the file
  std::unique_ptr<SampleStream> Times;    // session time of each video frame, when given
  std::int64_t CachedFrame = -1;
  std::shared_ptr<const std::vector<std::uint8_t>> CachedImage;
};

} // namespace neuroplayback
