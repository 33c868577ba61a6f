#pragma once
// Frame-accurate video decoding (FFmpeg) for the behaviour video of a session: Frame(k) is exactly
// the k-th displayed frame, in sequential playback at any speed, stepping backward or scrubbing.
//
// Frames are identified by presentation time stamps from a frame table built at open (from the MP4
// index without reading the file; one demux-only pass for other containers), never by counting
// from an uncertain position. A miss seeks to the keyframe at or before the frame and decodes
// forward; a frame a little ahead of the decoder is reached by decoding on without a seek. Decoded
// frames (RGB24, cropped and downsampled) live in an LRU cache bounded in bytes, and a background
// thread decodes ahead in the current playback direction. Requests from the caller take priority
// over that thread. No FFmpeg types here.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace neuroplayback {

struct VideoDecoderOptions {
  // Crop in source pixels, applied first. A width or height of 0 means "to the right/bottom edge".
  // Even offsets keep 4:2:0 chroma aligned.
  int CropX = 0;
  int CropY = 0;
  int CropWidth = 0;
  int CropHeight = 0;
  // Integer factor >= 1 applied after the crop (area average); the output is floor(crop / factor).
  int Downsample = 1;
  // Decoded-frame cache (least recently used frames go first), in bytes of RGB output.
  std::size_t CacheBytes = std::size_t{ 256 } << 20;
  // Frames decoded ahead by the background thread in the playback direction (0 = no thread).
  int ReadAheadFrames = 16;
};

struct VideoStats {
  std::int64_t Seeks = 0;         // demuxer seeks (each one restarts decoding at a keyframe)
  std::int64_t FramesDecoded = 0; // frames that came out of the decoder, read-ahead included
  std::int64_t CacheHits = 0;     // Frame() calls answered from the cache
  std::int64_t CacheMisses = 0;   // Frame() calls that had to decode
  bool FrameTableFromIndex = false; // MP4 index + ctts used at open; false: one pass over the packets
};

// A stretch of the video that is damaged, in video seconds (frame 0 at 0).
struct VideoDamage {
  double From = 0.0;
  double To = 0.0;
  bool Missing = false;        // no frames there (a hole in the file, or the file cut short)
  bool WhileDecoding = false;  // found while decoding frames (else when the file was opened)
};

class VideoDecoder {
public:
  // Opens the file, builds the frame table and decodes frame 0. Throws SessionError (missing file,
  // not a video, corrupt or truncated file, no video stream, bad crop or downsample).
  explicit VideoDecoder(const std::string& path, VideoDecoderOptions options = {});
  ~VideoDecoder();
  VideoDecoder(const VideoDecoder&) = delete;
  VideoDecoder& operator=(const VideoDecoder&) = delete;

  const std::string& Path() const;
  int Width() const;  // output size, after crop and downsample
  int Height() const;
  int SourceWidth() const;
  int SourceHeight() const;
  std::int64_t FrameCount() const;
  double FrameRate() const; // average over the file (frames - 1) / span
  // Presentation time of a frame in seconds, frame 0 at 0. The index is clamped to the frames.
  double FrameTime(std::int64_t frame) const;
  // The nearest frame (ties go to the earlier frame); -1 before frame 0, after the last frame, and
  // where the nearest frame is more than one (average) frame interval away: a hole in the video.
  std::int64_t FrameAtTime(double seconds) const;
  // Damage found so far: holes and a cut-short end when the file was opened, frames FFmpeg decoded
  // with errors since (FFmpeg does not print its line per broken block for them). Spans that
  // touch are merged. Safe from any thread.
  std::vector<VideoDamage> Damage() const;

  // The frame as RGB24, rows top to bottom, Width() * Height() * 3 bytes; the shared_ptr keeps it
  // alive after it leaves the cache. Throws SessionError for an index out of range or a frame that
  // cannot be decoded (corrupt data). Safe to call from one thread at a time.
  std::shared_ptr<const std::vector<std::uint8_t>> Frame(std::int64_t frame);

  VideoStats Stats() const; // since open

private:
  struct Impl;
  std::unique_ptr<Impl> Internal;
};

} // namespace neuroplayback
