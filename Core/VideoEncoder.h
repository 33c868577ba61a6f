#pragma once
// Writes RGB frames to a video file with FFmpeg (H.264 through libx264, or MPEG-4 part 2), the
// container chosen from the output name (.mp4, .mov, .mkv, .avi). Used by neuroplayback-encode (movie
// export) and neuroplayback-make-video (test videos). No VTK here.
#include <cstdint>
#include <memory>
#include <string>

namespace neuroplayback {

struct VideoEncoderSettings {
  std::string Output;       // names the container
  std::string PartialPath;  // where the bytes go (renamed by the caller when done); "" = Output
  double Fps = 30.0;
  int Width = 640;          // even, for 4:2:0
  int Height = 480;
  int Gop = 60;             // keyframe interval, frames
  int BFrames = -1;         // -1: the encoder's default
  std::string Codec = "h264";  // h264 | mpeg4
  std::string Preset = "veryfast";
  int Crf = 23;
  bool Vfr = false;         // test videos only: jittered time stamps on a 90 kHz clock
  bool Faststart = false;   // the index at the front (MP4/MOV), for streaming
  int StartFrames = 0;      // test videos only: frame k stamped k + StartFrames (a container start time)
};

class VideoEncoder {
public:
  // Throws std::runtime_error naming what failed.
  explicit VideoEncoder(const VideoEncoderSettings& settings);
  ~VideoEncoder();
  VideoEncoder(const VideoEncoder&) = delete;
  VideoEncoder& operator=(const VideoEncoder&) = delete;

  // One frame of Width x Height RGB24, rows top-down, at position `frame` of the stream.
  void Add(const std::uint8_t* rgb, std::int64_t frame);
  // Flushes the encoder and closes the file.
  void Finish();

private:
  struct Impl;
  std::unique_ptr<Impl> In;
};

} // namespace neuroplayback
