#pragma once
// Writes RGB frames to a video file with FFmpeg (H.264 through libx264, or MPEG-4 part 2), the
// container chosen from the output name (.mp4, .mov, .mkv, .avi). Used by neuroplayback-encode (movie
// export) and neuroplayback-make-video (test videos). No VTK here.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

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
  // A fresh encoder at every frame number that is a multiple of ChunkFrames (0: one encoder), with a
  // fixed thread count (0: FFmpeg's choice, which depends on the machine): the bytes of a chunk then
  // depend on its frames only, so a movie encoded in slices cut at chunk boundaries (movie export
  // workers) joins into the same file as one encoded whole.
  int ChunkFrames = 0;
  int Threads = 0;
  // Packets go to a movie segment file (see JoinMovieSegments) instead of a container.
  bool Segment = false;
};

// x264's macroblock-tree assembly reads memory it has not written: at some sizes (160x120, 320x240,
// 336x240 measured) the same frames encoded twice in one process gave other bytes, with the heap's
// history. This fills fresh heap memory with a fixed byte (glibc), so that a chunk encoded with one
// thread depends on its frames only. Process-wide: for a process that only encodes.
void MakeEncodingRepeatable();

// Joins movie segments, in order, into one container (named by `output`, bytes written to
// `partialPath`): packets are copied, not re-encoded. Throws std::runtime_error naming the segment
// that does not fit (other settings, a gap or overlap in the frame numbers, a damaged file).
void JoinMovieSegments(const std::vector<std::string>& segments, const std::string& output,
  const std::string& partialPath, bool faststart);

class VideoEncoder {
public:
  // Throws std::runtime_error naming what failed.
  explicit VideoEncoder(const VideoEncoderSettings& settings);
  ~VideoEncoder();
  VideoEncoder(const VideoEncoder&) = delete;
  VideoEncoder& operator=(const VideoEncoder&) = delete;

  // One frame of Width x Height RGB24, rows top-down (bottom-up: as OpenGL reads them), at position
  // `frame` of the stream.
  void Add(const std::uint8_t* rgb, std::int64_t frame, bool bottomUp = false);
  // Flushes the encoder and closes the file.
  void Finish();

private:
  struct Impl;
  std::unique_ptr<Impl> In;
};

} // namespace neuroplayback
