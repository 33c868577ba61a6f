#include "VideoDecoder.h"

#include "BlockCache.h"
#include "FfmpegHandles.h"
#include "SessionError.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <cstdarg>
#include <limits>
#include <mutex>
#include <thread>
#include <tuple>

namespace neuroplayback {

namespace {

namespace fs = std::filesystem;
using RgbFrame = std::shared_ptr<const std::vector<std::uint8_t>>;

// Continuing to decode forward beats a seek unless it costs this many frames more than decoding
// from the target's keyframe (a seek also flushes the decoder's reordering pipeline).
constexpr std::int64_t kSeekPenaltyFrames = 4;
// Corrupt packets or frames tolerated in one decode before giving up on the request.
constexpr int kMaxDecodeErrors = 64;
// Consecutive demuxer errors treated as the end of the file.
constexpr int kMaxReadErrors = 16;
// Keyframes to step back when a seek lands after the target (then the start of the file).
constexpr int kMaxSeekRetries = 6;
// Damage this close to a known stretch joins it: one message per damaged area, however it was sampled.
constexpr double kDamageJoinSeconds = 1.0;
// Largest playback step (frames per request) still treated as playback rather than a jump.
constexpr std::int64_t kMaxStride = 64;

// FFmpeg's decoder prints a line per broken macroblock of a damaged video; our decoders (their opaque
// points here) are quiet instead, and the damage is reported once per stretch (VideoDecoder::Damage).
// Stateless, so any number of decoders, and copies of this code in several modules, can share it.
// The demuxer's parser (a context of FFmpeg's own) complains too, so messages are also dropped while
// this thread reads packets for us (QuietScope).
const char kQuietDecoder = 0;
thread_local int QuietDepth = 0;

struct QuietScope {
  QuietScope() { ++QuietDepth; }
  ~QuietScope() { --QuietDepth; }
  QuietScope(const QuietScope&) = delete;
  QuietScope& operator=(const QuietScope&) = delete;
};

void QuietOurDecoders(void* context, int level, const char* format, va_list arguments) {
  if (level > AV_LOG_FATAL &&
      (QuietDepth > 0 || (context && *static_cast<const AVClass**>(context) == avcodec_get_class() &&
                            static_cast<const AVCodecContext*>(context)->opaque == &kQuietDecoder))) {
    return;
  }
  av_log_default_callback(context, level, format, arguments);
}

using ffmpeg::AvError;

struct FormatCloser {
  void operator()(AVFormatContext* context) const { avformat_close_input(&context); }
};

// ---------------------------------------------------------------------------------------------
// MP4/MOV composition offsets. FFmpeg's mov demuxer keeps the sample table as index entries, but
// their timestamps are decode times (DTS): with B-frames the presentation time is DTS plus the
// sample's composition offset from the 'ctts' box, which FFmpeg does not expose (and discarded
// streams never reach av_read_frame). So the box is read here, from the moov atom only.

std::uint32_t Be32(const unsigned char* p) {
  return (std::uint32_t{ p[0] } << 24) | (std::uint32_t{ p[1] } << 16) | (std::uint32_t{ p[2] } << 8) | p[3];
}
std::uint64_t Be64(const unsigned char* p) { return (std::uint64_t{ Be32(p) } << 32) | Be32(p + 4); }
constexpr std::uint32_t Tag(const char (&s)[5]) {
  return (std::uint32_t(std::uint8_t(s[0])) << 24) | (std::uint32_t(std::uint8_t(s[1])) << 16) |
    (std::uint32_t(std::uint8_t(s[2])) << 8) | std::uint32_t(std::uint8_t(s[3]));
}

// Calls visit(type, payload, payloadSize) for each box in [data, data + size); false when malformed.
template <typename Visit>
bool ForEachBox(const unsigned char* data, std::size_t size, Visit&& visit) {
  std::size_t pos = 0;
  while (pos + 8 <= size) {
    std::uint64_t boxSize = Be32(data + pos);
    std::size_t header = 8;
    if (boxSize == 1) {
      if (pos + 16 > size) {
        return false;
      }
      boxSize = Be64(data + pos + 8);
      header = 16;
    } else if (boxSize == 0) {
      boxSize = size - pos;
    }
    if (boxSize < header || boxSize > size - pos) {
      return false;
    }
    if (!visit(Be32(data + pos + 4), data + pos + header, static_cast<std::size_t>(boxSize) - header)) {
      return false;
    }
    pos += static_cast<std::size_t>(boxSize);
  }
  return true;
}

struct Mp4TrackTiming {
  bool Found = false;
  bool Fragmented = false;          // mvex: samples live in moof boxes, not in this table
  std::int64_t SampleCount = -1;    // stsz / stz2
  std::vector<std::pair<std::uint32_t, std::int32_t>> Offsets; // ctts runs (count, offset)
};

bool ParseTrak(const unsigned char* data, std::size_t size, int trackId, Mp4TrackTiming& out) {
  long id = -1;
  std::int64_t samples = -1;
  std::vector<std::pair<std::uint32_t, std::int32_t>> offsets;
  auto stbl = [&](std::uint32_t type, const unsigned char* p, std::size_t n) {
    if (type == Tag("ctts")) {
      if (n < 8 || (n - 8) / 8 < Be32(p + 4)) {
        return false;
      }
      const std::uint32_t entries = Be32(p + 4);
      offsets.reserve(entries);
      for (std::uint32_t i = 0; i < entries; ++i) {
        // FFmpeg reads the offset as signed in both box versions; so do we.
        offsets.emplace_back(Be32(p + 8 + 8 * std::size_t{ i }),
          static_cast<std::int32_t>(Be32(p + 12 + 8 * std::size_t{ i })));
      }
    } else if ((type == Tag("stsz") || type == Tag("stz2")) && n >= 12) {
      samples = Be32(p + 8);
    }
    return true;
  };
  auto minf = [&](std::uint32_t type, const unsigned char* p, std::size_t n) {
    return type == Tag("stbl") ? ForEachBox(p, n, stbl) : true;
  };
  auto mdia = [&](std::uint32_t type, const unsigned char* p, std::size_t n) {
    return type == Tag("minf") ? ForEachBox(p, n, minf) : true;
  };
  auto trak = [&](std::uint32_t type, const unsigned char* p, std::size_t n) {
    if (type == Tag("tkhd")) {
      const std::size_t at = (n > 0 && p[0] == 1) ? 20 : 12;
      if (n < at + 4) {
        return false;
      }
      id = static_cast<long>(Be32(p + at));
    } else if (type == Tag("mdia")) {
      return ForEachBox(p, n, mdia);
    }
    return true;
  };
  if (!ForEachBox(data, size, trak)) {
    return false;
  }
  if (id == trackId) {
    out.Found = true;
    out.SampleCount = samples;
    out.Offsets = std::move(offsets);
  }
  return true;
}

// Finds the moov box (wherever it is in the file) and reads the timing of one track.
bool ReadMp4TrackTiming(const std::string& path, int trackId, Mp4TrackTiming& out) {
  std::ifstream file(path, std::ios::binary);
  std::error_code error;
  const std::uint64_t fileSize = fs::file_size(path, error);
  if (!file || error) {
    return false;
  }
  std::uint64_t pos = 0;
  for (int boxes = 0; boxes < 100000 && pos + 8 <= fileSize; ++boxes) {
    unsigned char header[16] = {};
    file.seekg(static_cast<std::streamoff>(pos));
    file.read(reinterpret_cast<char*>(header), static_cast<std::streamsize>(std::min<std::uint64_t>(16, fileSize - pos)));
    if (!file && !file.eof()) {
      return false;
    }
    file.clear();
    std::uint64_t boxSize = Be32(header);
    std::uint64_t headerSize = 8;
    if (boxSize == 1) {
      boxSize = Be64(header + 8);
      headerSize = 16;
    } else if (boxSize == 0) {
      boxSize = fileSize - pos;
    }
    if (boxSize < headerSize || boxSize > fileSize - pos) {
      return false;
    }
    if (Be32(header + 4) == Tag("moov")) {
      if (boxSize > (std::uint64_t{ 1 } << 30)) {
        return false;
      }
      std::vector<unsigned char> moov(static_cast<std::size_t>(boxSize - headerSize));
      file.seekg(static_cast<std::streamoff>(pos + headerSize));
      file.read(reinterpret_cast<char*>(moov.data()), static_cast<std::streamsize>(moov.size()));
      if (!file) {
        return false;
      }
      return ForEachBox(moov.data(), moov.size(), [&](std::uint32_t type, const unsigned char* p, std::size_t n) {
        if (type == Tag("mvex")) {
          out.Fragmented = true;
        } else if (type == Tag("trak")) {
          return ParseTrak(p, n, trackId, out);
        }
        return true;
      }) && out.Found;
    }
    pos += boxSize;
  }
  return false;
}

// One video packet of the file, as the frame table needs it.
struct PacketTimes {
  std::int64_t Pts = 0;
  std::int64_t Dts = AV_NOPTS_VALUE;
  bool Key = false;
  bool Discard = false; // decoded but never shown (MP4 edit lists)
  bool NoPts = false;   // the container gave only a decode time (AVI)
};

// AVI stores decode order only. With B-frames, libavformat gives a B-frame its decode time as
// presentation time and leaves reference frames (I, P) without one. For codecs that reorder by one
// reference frame (MPEG-1/2, MPEG-4 part 2), the presentation slots follow from decode order: a B-frame
// shows in the previous packet's slot, a reference frame in the slot before the next reference frame
// (the last slot for the last one). Returns the presentation times (packets' decode times permuted), or
// nothing when the stream is not such a case.
std::vector<std::int64_t> PresentationFromDecodeOrder(const std::vector<PacketTimes>& packets, AVCodecID codec) {
  if (codec != AV_CODEC_ID_MPEG4 && codec != AV_CODEC_ID_MPEG1VIDEO && codec != AV_CODEC_ID_MPEG2VIDEO) {
    return {};
  }
  const bool anyReference = std::any_of(packets.begin(), packets.end(), [](const PacketTimes& p) { return p.NoPts; });
  const bool anyB = std::any_of(packets.begin(), packets.end(), [](const PacketTimes& p) { return !p.NoPts; });
  if (!anyReference || !anyB || !packets.front().NoPts) {
    return {};
  }
  std::vector<std::int64_t> shown(packets.size());
  std::size_t nextReference = packets.size();
  for (std::size_t i = packets.size(); i-- > 0;) {
    if (packets[i].Dts == AV_NOPTS_VALUE) {
      return {};
    }
    if (packets[i].NoPts) {
      shown[i] = packets[nextReference == packets.size() ? packets.size() - 1 : nextReference - 1].Dts;
      nextReference = i;
    } else {
      shown[i] = packets[i - 1].Dts; // i > 0: the first packet is a reference frame
    }
  }
  std::vector<std::int64_t> decode(packets.size());
  std::transform(packets.begin(), packets.end(), decode.begin(), [](const PacketTimes& p) { return p.Dts; });
  std::vector<std::int64_t> sortedShown = shown;
  std::sort(decode.begin(), decode.end());
  std::sort(sortedShown.begin(), sortedShown.end());
  return sortedShown == decode ? shown : std::vector<std::int64_t>{};
}

} // namespace

// ---------------------------------------------------------------------------------------------

struct VideoDecoder::Impl {
  // Frames to convert and cache while decoding: From..To, every Stride-th counting back from To.
  struct Wanted {
    std::int64_t From = 0;
    std::int64_t To = 0;
    std::int64_t Stride = 1;
    bool Contains(std::int64_t i) const { return i >= From && i <= To && (To - i) % Stride == 0; }
  };

  Impl(const std::string& path, const VideoDecoderOptions& options);
  ~Impl();

  [[noreturn]] void Fail(const std::string& problem, const std::string& fix) const {
    throw SessionError("Video file '" + Path + "': " + problem, fix);
  }
  void OpenFormat();
  void BuildFrameTable();
  bool ReadMp4Index(std::vector<PacketTimes>& packets);
  bool MatchesDemuxer(const std::vector<std::int64_t>& dts, const std::vector<std::int64_t>& pts, std::int64_t seekTo,
    std::int64_t maxPackets);
  void ScanPackets(std::vector<PacketTimes>& packets, bool reopen);
  void OpenCodec();

  std::int64_t IndexOfPts(std::int64_t pts) const;
  std::size_t KeyAtOrBefore(std::int64_t frame) const; // position in KeyPts
  std::int64_t FirstFrameAtOrAfter(std::int64_t pts) const;
  bool NeedSeek(std::int64_t first) const;
  void SeekTo(std::int64_t first, int stepsBack);
  RgbFrame DecodeRange(std::int64_t first, std::int64_t last, const Wanted& wanted, bool abortable);
  RgbFrame Convert(AVFrame* frame);

  RgbFrame Cached(std::int64_t frame, bool touch);
  void Store(std::int64_t frame, const RgbFrame& rgb);

  void Request(std::int64_t frame);
  void WorkerLoop();
  void ReadAhead(std::int64_t frame, std::int64_t stride);

  // Fixed at open.
  std::string Path;
  VideoDecoderOptions Options;
  int SourceW = 0;
  int SourceH = 0;
  int CropX = 0;
  int CropY = 0;
  int CropW = 0;
  int CropH = 0;
  int OutW = 0;
  int OutH = 0;
  std::size_t FrameBytes = 0;
  std::int64_t CacheFrames = 2;
  std::int64_t ReadAheadFrames = 0;
  AVRational TimeBase{ 1, 1 };
  double AverageRate = 0.0;
  bool FromIndex = false;           // frame table from the MP4 index, the file was not scanned
  std::vector<std::int64_t> Pts;    // presentation order
  std::vector<double> Times;        // seconds, frame 0 at 0
  std::vector<std::int64_t> KeyPts; // keyframes, ascending
  // Decode-order stamps (AVI with B-frames): each packet's presentation time by its decode time, given
  // to the packet before decoding so that frames come out with their own time. Empty otherwise.
  std::vector<std::pair<std::int64_t, std::int64_t>> ShownByDts;

  // The decoder: one thread at a time (DecoderMutex).
  std::mutex DecoderMutex;
  std::unique_ptr<AVFormatContext, FormatCloser> Format;
  ffmpeg::CodecPtr Codec;
  ffmpeg::PacketPtr Packet;
  ffmpeg::FramePtr Picture;
  ffmpeg::ScalerPtr Scaler;
  int ScalerFormat = -1;
  int ScalerSpace = -1;
  int ScalerRange = -1;
  int StreamIndex = -1;
  bool Positioned = false;      // a seek happened and the decoder has not reached the end since
  bool WaitingForKey = false;   // after a seek, packets before the first keyframe are dropped
  bool Draining = false;        // end of file: the decoder was told to flush, frames may remain
  bool PacketPending = false;   // Packet was refused (EAGAIN) and must be sent again
  int SeekStepsBack = 0;
  bool SeekFromStart = false;
  std::int64_t AcceptFromPts = std::numeric_limits<std::int64_t>::min();
  std::int64_t DecodedUpTo = -1; // last frame that came out of the decoder since the seek
  // Highest time stamp of a packet sent with its non-reference frames discarded since the seek: a
  // read-ahead that stopped early may have skipped frames a later request wants (it then seeks).
  std::int64_t DiscardedUpToPts = std::numeric_limits<std::int64_t>::min();

  // Decoded frames (CacheMutex; taken after DecoderMutex when both are needed).
  mutable std::mutex CacheMutex;
  BlockCache<RgbFrame> Cache{ 2 };

  // Read-ahead (WorkMutex).
  std::mutex WorkMutex;
  std::condition_variable WorkSignal;
  std::int64_t LastRequest = -1;
  std::int64_t Stride = 0; // frames per request and direction; 0 after a jump
  std::atomic<std::uint64_t> Generation{ 0 }; // counts requests, so stale read-ahead plans are dropped
  bool Pending = false;
  bool Stopping = false;
  std::atomic<int> MainWaiting{ 0 };
  std::atomic<bool> StopFlag{ false };
  std::thread Worker;

  // Damage: found at open (holes, cut short) and while decoding (NoteDamage).
  void FindHolesAndCutEnd();
  void NoteDamage(double seconds, bool missing, bool whileDecoding);
  mutable std::mutex DamageMutex;
  std::vector<VideoDamage> DamageSpans;

  std::atomic<std::int64_t> Seeks{ 0 };
  std::atomic<std::int64_t> FramesDecoded{ 0 };
  std::atomic<std::int64_t> CacheHits{ 0 };
  std::atomic<std::int64_t> CacheMisses{ 0 };
};

VideoDecoder::Impl::Impl(const std::string& path, const VideoDecoderOptions& options) : Path(path), Options(options) {
  std::error_code error;
  if (!fs::exists(path, error)) {
    throw SessionError("Video file '" + path + "' not found.",
      "Check external_path, which is relative to the session file, and that the video was copied along with it.");
  }
  if (!fs::is_regular_file(path, error)) {
    Fail("is not a regular file.", "Point external_path at the video file itself.");
  }
  if (options.Downsample < 1) {
    Fail("downsample = " + std::to_string(options.Downsample) + " is not allowed.",
      "Use an integer >= 1 (1 = full resolution, 2 = half width and height, ...).");
  }
  OpenFormat();
  const AVCodecParameters* parameters = Format->streams[StreamIndex]->codecpar;
  SourceW = parameters->width;
  SourceH = parameters->height;
  if (SourceW <= 0 || SourceH <= 0) {
    Fail("the video stream has no frame size; the file is corrupt or truncated.",
      "Check that the file plays in a media player; re-export it as MP4 (H.264) if not.");
  }

  CropX = options.CropX;
  CropY = options.CropY;
  CropW = options.CropWidth > 0 ? options.CropWidth : SourceW - CropX;
  CropH = options.CropHeight > 0 ? options.CropHeight : SourceH - CropY;
  if (CropX < 0 || CropY < 0 || options.CropWidth < 0 || options.CropHeight < 0 || CropW <= 0 || CropH <= 0 ||
      CropX + CropW > SourceW || CropY + CropH > SourceH) {
    Fail("the crop (x " + std::to_string(options.CropX) + ", y " + std::to_string(options.CropY) + ", width " +
        std::to_string(options.CropWidth) + ", height " + std::to_string(options.CropHeight) + ") lies outside the " +
        std::to_string(SourceW) + " x " + std::to_string(SourceH) + " frame.",
      "Use 0 <= x, x + width <= " + std::to_string(SourceW) + ", 0 <= y, y + height <= " + std::to_string(SourceH) +
        " in source pixels (width or height 0 = to the edge).");
  }
  OutW = CropW / options.Downsample;
  OutH = CropH / options.Downsample;
  if (OutW < 1 || OutH < 1) {
    Fail("downsampling the " + std::to_string(CropW) + " x " + std::to_string(CropH) + " crop by " +
        std::to_string(options.Downsample) + " leaves no pixels.",
      "Use a downsample factor of at most " + std::to_string(std::min(CropW, CropH)) + ".");
  }
  FrameBytes = static_cast<std::size_t>(OutW) * static_cast<std::size_t>(OutH) * 3;
  CacheFrames = std::max<std::int64_t>(2, static_cast<std::int64_t>(options.CacheBytes / FrameBytes));
  Cache = BlockCache<RgbFrame>(static_cast<std::size_t>(CacheFrames));
  // Read-ahead never evicts what it just decoded: it uses at most half the cache.
  ReadAheadFrames = std::clamp<std::int64_t>(options.ReadAheadFrames, 0, CacheFrames / 2);

  BuildFrameTable();
  FindHolesAndCutEnd();
  OpenCodec();

  // Decode frame 0 now: a file that opens but does not decode fails here, with the file named.
  {
    std::lock_guard<std::mutex> decoder(DecoderMutex);
    DecodeRange(0, 0, Wanted{ 0, 0, 1 }, false);
  }
  Seeks = 0;
  FramesDecoded = 0;
  if (ReadAheadFrames > 0) {
    Worker = std::thread([this] { WorkerLoop(); });
  }
}

VideoDecoder::Impl::~Impl() {
  {
    std::lock_guard<std::mutex> work(WorkMutex);
    Stopping = true;
    StopFlag = true;
  }
  WorkSignal.notify_all();
  if (Worker.joinable()) {
    Worker.join();
  }
}

void VideoDecoder::Impl::OpenFormat() {
  static std::once_flag installed;
  std::call_once(installed, [] { av_log_set_callback(QuietOurDecoders); });
  QuietScope quiet; // a damaged file is reported as its holes and cut end
  Format.reset();
  AVFormatContext* raw = nullptr;
  const int opened = avformat_open_input(&raw, Path.c_str(), nullptr, nullptr);
  if (opened < 0) {
    Fail("cannot be read as a video (" + AvError(opened) + "): it is not a video, or it is corrupt or truncated.",
      "Check that the file is complete (the copy finished) and plays in a media player; re-export it as MP4 "
      "(H.264) if needed.");
  }
  Format.reset(raw);
  const int found = avformat_find_stream_info(Format.get(), nullptr);
  if (found < 0) {
    Fail("cannot be read as a video (" + AvError(found) + "): it is corrupt or truncated.",
      "Check that the file plays in a media player; re-export it as MP4 (H.264) if not.");
  }
  const AVCodec* codec = nullptr;
  StreamIndex = av_find_best_stream(Format.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (StreamIndex == AVERROR_STREAM_NOT_FOUND) {
    Fail("has no video stream (" + std::string(Format->iformat->name) + " file).",
      "Point external_path at the video itself, not at an audio or data file.");
  }
  if (StreamIndex < 0 || !codec) {
    const AVCodecDescriptor* descriptor = StreamIndex >= 0
      ? avcodec_descriptor_get(Format->streams[StreamIndex]->codecpar->codec_id)
      : nullptr;
    Fail(std::string("uses a video codec this FFmpeg cannot decode (") + (descriptor ? descriptor->name : "unknown") +
        ").",
      "Re-encode the video as H.264, e.g. ffmpeg -i IN -c:v libx264 -crf 18 OUT.mp4.");
  }
  // Only the video is demuxed: the other streams' samples are not even read (MP4).
  for (unsigned i = 0; i < Format->nb_streams; ++i) {
    Format->streams[i]->discard = static_cast<int>(i) == StreamIndex ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
  }
  TimeBase = Format->streams[StreamIndex]->time_base;
}

void VideoDecoder::Impl::BuildFrameTable() {
  std::vector<PacketTimes> packets;
  const bool mp4 = std::strstr(Format->iformat->name, "mov") != nullptr;
  FromIndex = mp4 && ReadMp4Index(packets);
  if (!FromIndex) {
    packets.clear();
    ScanPackets(packets, mp4);
    const std::vector<std::int64_t> shown =
      packets.empty() ? std::vector<std::int64_t>{} : PresentationFromDecodeOrder(packets, Format->streams[StreamIndex]->codecpar->codec_id);
    for (std::size_t i = 0; i < shown.size(); ++i) {
      packets[i].Pts = shown[i];
      ShownByDts.emplace_back(packets[i].Dts, shown[i]);
    }
    std::sort(ShownByDts.begin(), ShownByDts.end());
  }
  for (const PacketTimes& packet : packets) {
    if (packet.Key) {
      KeyPts.push_back(packet.Pts);
    }
    if (!packet.Discard) {
      Pts.push_back(packet.Pts);
    }
  }
  std::sort(Pts.begin(), Pts.end());
  Pts.erase(std::unique(Pts.begin(), Pts.end()), Pts.end());
  std::sort(KeyPts.begin(), KeyPts.end());
  KeyPts.erase(std::unique(KeyPts.begin(), KeyPts.end()), KeyPts.end());
  if (Pts.empty() || KeyPts.empty()) {
    Fail(Pts.empty() ? "has no video frames." : "has no keyframe, so no frame can be decoded on its own.",
      "Check that the file plays in a media player; re-export it as MP4 (H.264) if not.");
  }
  const double seconds = av_q2d(TimeBase);
  Times.resize(Pts.size());
  for (std::size_t i = 0; i < Pts.size(); ++i) {
    Times[i] = static_cast<double>(Pts[i] - Pts[0]) * seconds;
  }
  if (Pts.size() > 1 && Times.back() > 0.0) {
    AverageRate = static_cast<double>(Pts.size() - 1) / Times.back();
  } else {
    const AVStream* stream = Format->streams[StreamIndex];
    AverageRate = stream->avg_frame_rate.num > 0 ? av_q2d(stream->avg_frame_rate)
                                                 : (stream->r_frame_rate.num > 0 ? av_q2d(stream->r_frame_rate) : 0.0);
  }
}

// MP4/MOV: the frame table from the demuxer's index (decode times, keyframe flags) plus the ctts
// composition offsets, without reading any sample. Checked against the packets the demuxer really
// gives at the start and at the end of the file; on any doubt the caller scans instead.
bool VideoDecoder::Impl::ReadMp4Index(std::vector<PacketTimes>& packets) {
  AVStream* stream = Format->streams[StreamIndex];
  const int count = avformat_index_get_entries_count(stream);
  if (count <= 0) {
    return false;
  }
  std::vector<std::int64_t> dts(static_cast<std::size_t>(count));
  packets.resize(static_cast<std::size_t>(count));
  const std::int64_t fileSize = avio_size(Format->pb);
  std::int64_t end = 0;
  for (int i = 0; i < count; ++i) {
    const AVIndexEntry* entry = avformat_index_get_entry(stream, i);
    dts[static_cast<std::size_t>(i)] = entry->timestamp;
    packets[static_cast<std::size_t>(i)].Key = (entry->flags & AVINDEX_KEYFRAME) != 0;
    packets[static_cast<std::size_t>(i)].Discard = (entry->flags & AVINDEX_DISCARD_FRAME) != 0;
    end = std::max(end, entry->pos + entry->size);
    if (i > 0 && dts[static_cast<std::size_t>(i)] <= dts[static_cast<std::size_t>(i) - 1]) {
      return false;
    }
  }
  if (fileSize > 0 && end > fileSize) {
    Fail("is truncated: its index refers to " + std::to_string(end - fileSize) + " bytes past the end of the file (" +
        std::to_string(fileSize) + " bytes).",
      "Copy the complete file again (the copy or the recording was cut short).");
  }
  Mp4TrackTiming timing;
  if (!ReadMp4TrackTiming(Path, stream->id, timing) || timing.Fragmented || timing.SampleCount != count) {
    return false;
  }
  // As FFmpeg: negative offsets shift all decode times down (dts_shift), the last two runs excepted.
  std::int64_t shift = 0;
  for (std::size_t i = 0; i + 2 < timing.Offsets.size(); ++i) {
    shift = std::max<std::int64_t>(shift, -std::int64_t{ timing.Offsets[i].second });
  }
  std::vector<std::int64_t> pts(static_cast<std::size_t>(count));
  std::size_t run = 0;
  std::uint32_t used = 0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    while (run < timing.Offsets.size() && used >= timing.Offsets[run].first) {
      ++run;
      used = 0;
    }
    const bool hasOffset = run < timing.Offsets.size();
    pts[i] = dts[i] + (hasOffset ? shift + timing.Offsets[run].second : 0);
    used += hasOffset ? 1 : 0;
    packets[i].Pts = pts[i];
  }
  // The start and the last keyframe interval, compared with what the demuxer says.
  std::int64_t lastKey = 0;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    if (packets[i].Key) {
      lastKey = static_cast<std::int64_t>(i);
    }
  }
  const std::int64_t tail = count - lastKey;
  return MatchesDemuxer(dts, pts, pts.front(), std::min<std::int64_t>(count, 64)) &&
    MatchesDemuxer(dts, pts, pts[static_cast<std::size_t>(lastKey)], tail + 16);
}

// Seeks to seekTo and reads up to maxPackets video packets: true when each has the dts and pts the
// table gives it.
bool VideoDecoder::Impl::MatchesDemuxer(const std::vector<std::int64_t>& dts, const std::vector<std::int64_t>& pts,
  std::int64_t seekTo, std::int64_t maxPackets) {
  QuietScope quiet;
  if (av_seek_frame(Format.get(), StreamIndex, seekTo, AVSEEK_FLAG_BACKWARD) < 0) {
    return false;
  }
  ffmpeg::PacketPtr packet(av_packet_alloc());
  std::int64_t checked = 0;
  int errors = 0;
  while (checked < maxPackets && errors < kMaxReadErrors) {
    const int read = av_read_frame(Format.get(), packet.get());
    if (read == AVERROR_EOF) {
      break;
    }
    if (read < 0) {
      ++errors;
      continue;
    }
    if (packet->stream_index == StreamIndex) {
      const auto found = std::lower_bound(dts.begin(), dts.end(), packet->dts);
      if (found == dts.end() || *found != packet->dts || pts[static_cast<std::size_t>(found - dts.begin())] != packet->pts) {
        av_packet_unref(packet.get());
        return false;
      }
      ++checked;
    }
    av_packet_unref(packet.get());
  }
  return checked > 0;
}

// Any container: one pass over the packets, no decoding. Right after OpenFormat() the demuxer is
// at the start (packets read while probing are queued); otherwise it is reopened.
void VideoDecoder::Impl::ScanPackets(std::vector<PacketTimes>& packets, bool reopen) {
  QuietScope quiet; // damage found here is reported as holes
  if (reopen) {
    OpenFormat();
  }
  ffmpeg::PacketPtr packet(av_packet_alloc());
  int errors = 0;
  for (;;) {
    const int read = av_read_frame(Format.get(), packet.get());
    if (read == AVERROR_EOF) {
      break;
    }
    if (read < 0) {
      if (++errors > kMaxReadErrors) {
        break; // a damaged tail: keep the frames before it
      }
      continue;
    }
    errors = 0;
    if (packet->stream_index == StreamIndex) {
      PacketTimes times;
      times.Pts = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
      times.Dts = packet->dts;
      times.NoPts = packet->pts == AV_NOPTS_VALUE;
      times.Key = (packet->flags & AV_PKT_FLAG_KEY) != 0;
      times.Discard = (packet->flags & AV_PKT_FLAG_DISCARD) != 0;
      if (times.Pts == AV_NOPTS_VALUE) {
        av_packet_unref(packet.get());
        Fail("has video packets without time stamps, so frames cannot be told apart.",
          "Remux or re-encode it as MP4 (H.264), e.g. ffmpeg -i IN -c:v libx264 -crf 18 OUT.mp4.");
      }
      packets.push_back(times);
    }
    av_packet_unref(packet.get());
  }
}

void VideoDecoder::Impl::OpenCodec() {
  const AVStream* stream = Format->streams[StreamIndex];
  const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
  Codec.reset(avcodec_alloc_context3(codec));
  if (Codec) {
    Codec->opaque = const_cast<char*>(&kQuietDecoder);
  }
  Packet.reset(av_packet_alloc());
  Picture.reset(av_frame_alloc());
  if (!codec || !Codec || !Packet || !Picture) {
    Fail("has a video codec this FFmpeg cannot decode.", "Re-encode the video as H.264.");
  }
  int result = avcodec_parameters_to_context(Codec.get(), stream->codecpar);
  Codec->pkt_timebase = stream->time_base;
  // One decoding thread: frame threads add latency to every seek (random access on a 640 x 480
  // H.264 file went from 14 to 21 ms with 2 threads on 2 cores), and the read-ahead thread already
  // keeps a second core busy during playback.
  Codec->thread_count = 1;
  if (result >= 0) {
    result = avcodec_open2(Codec.get(), codec, nullptr);
  }
  if (result < 0) {
    Fail("cannot be decoded (" + AvError(result) + "): the video stream is corrupt or unsupported.",
      "Check that the file plays in a media player; re-export it as MP4 (H.264) if not.");
  }
}

// Holes in the frame table (a gap of more than three average frame intervals: a damaged stretch the
// demuxer skipped) and an end before the one the container's header gives (the file cut short).
void VideoDecoder::Impl::FindHolesAndCutEnd() {
  if (Times.size() < 2 || AverageRate <= 0.0) {
    return;
  }
  const double interval = 1.0 / AverageRate;
  for (std::size_t i = 1; i < Times.size(); ++i) {
    if (Times[i] - Times[i - 1] > 3.0 * interval) {
      DamageSpans.push_back(VideoDamage{ Times[i - 1] + interval, Times[i] - interval, true, false });
    }
  }
  const AVStream* stream = Format->streams[StreamIndex];
  double declared = -1.0;
  if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0) {
    declared = static_cast<double>(stream->duration) * av_q2d(stream->time_base);
  } else if (Format->duration != AV_NOPTS_VALUE && Format->duration > 0 && Format->nb_streams == 1) {
    declared = static_cast<double>(Format->duration) / AV_TIME_BASE;
  }
  // Containers differ on whether that length counts from 0 or from their first time stamp (a start
  // time): the video's end is compared as counted from 0, so a start time is never taken for a cut.
  const double end = Times.back() + interval;
  const double start = std::max(0.0, static_cast<double>(Pts.front()) * av_q2d(TimeBase));
  if (declared > start + end + std::max(2.0 * interval, 0.1)) {
    DamageSpans.push_back(VideoDamage{ end, declared - start - interval, true, false });
  }
}

void VideoDecoder::Impl::NoteDamage(double seconds, bool missing, bool whileDecoding) {
  const double near = kDamageJoinSeconds;
  std::lock_guard<std::mutex> lock(DamageMutex);
  for (VideoDamage& span : DamageSpans) {
    if (span.Missing == missing && span.WhileDecoding == whileDecoding && seconds >= span.From - near &&
        seconds <= span.To + near) {
      span.From = std::min(span.From, seconds);
      span.To = std::max(span.To, seconds);
      return;
    }
  }
  if (DamageSpans.size() < 1000) {
    DamageSpans.push_back(VideoDamage{ seconds, seconds, missing, whileDecoding });
  }
}

std::int64_t VideoDecoder::Impl::IndexOfPts(std::int64_t pts) const {
  const auto found = std::lower_bound(Pts.begin(), Pts.end(), pts);
  if (found != Pts.end() && *found == pts) {
    return found - Pts.begin();
  }
  return -1;
}

std::int64_t VideoDecoder::Impl::FirstFrameAtOrAfter(std::int64_t pts) const {
  return std::lower_bound(Pts.begin(), Pts.end(), pts) - Pts.begin();
}

std::size_t VideoDecoder::Impl::KeyAtOrBefore(std::int64_t frame) const {
  const auto after = std::upper_bound(KeyPts.begin(), KeyPts.end(), Pts[static_cast<std::size_t>(frame)]);
  return after == KeyPts.begin() ? 0 : static_cast<std::size_t>(after - KeyPts.begin()) - 1;
}

bool VideoDecoder::Impl::NeedSeek(std::int64_t first) const {
  if (!Positioned || DecodedUpTo >= first || Pts[static_cast<std::size_t>(first)] <= DiscardedUpToPts) {
    return true;
  }
  const std::int64_t key = FirstFrameAtOrAfter(KeyPts[KeyAtOrBefore(first)]);
  return first - DecodedUpTo > std::max<std::int64_t>(0, first - key) + kSeekPenaltyFrames;
}

// Seeks to the keyframe at or before `first`, stepsBack keyframes earlier (a retry after the
// demuxer landed too late), or to the start of the file when there are not that many.
void VideoDecoder::Impl::SeekTo(std::int64_t first, int stepsBack) {
  const std::size_t key = KeyAtOrBefore(first);
  SeekFromStart = static_cast<std::size_t>(stepsBack) > key || stepsBack >= kMaxSeekRetries;
  // Far before any time stamp: every demuxer then goes to its first keyframe.
  const std::int64_t target = SeekFromStart ? Pts.front() - (std::int64_t{ 1 } << 40)
                                            : KeyPts[key - static_cast<std::size_t>(stepsBack)];
  avcodec_flush_buffers(Codec.get());
  av_packet_unref(Packet.get());
  ++Seeks;
  int sought = av_seek_frame(Format.get(), StreamIndex, target, AVSEEK_FLAG_BACKWARD);
  if (sought < 0) {
    sought = avformat_seek_file(Format.get(), StreamIndex, std::numeric_limits<std::int64_t>::min(), target, target, 0);
  }
  if (sought < 0) {
    Positioned = false;
    Fail("cannot seek to frame " + std::to_string(first) + " (" + AvError(sought) + ").",
      "The file's index may be damaged: remux it, e.g. ffmpeg -i IN -c copy OUT.mp4.");
  }
  Positioned = true;
  WaitingForKey = true;
  Draining = false;
  PacketPending = false;
  SeekStepsBack = stepsBack;
  AcceptFromPts = std::numeric_limits<std::int64_t>::min();
  DiscardedUpToPts = std::numeric_limits<std::int64_t>::min();
  DecodedUpTo = SeekFromStart ? -1 : FirstFrameAtOrAfter(target) - 1;
}

// Decodes forward until frame `last` comes out, seeking first unless `first` (<= last) is just
// ahead of the decoder. Frames in `wanted` are converted and cached on the way. Returns the RGB of
// `last`, or nullptr when abortable and the caller's thread or the destructor needs the decoder.
RgbFrame VideoDecoder::Impl::DecodeRange(std::int64_t first, std::int64_t last, const Wanted& wanted, bool abortable) {
  QuietScope quiet;
  if (NeedSeek(first)) {
    SeekTo(first, 0);
  }
  const std::int64_t firstPts = Pts[static_cast<std::size_t>(first)];
  const std::int64_t keepPts = Pts[static_cast<std::size_t>(std::clamp<std::int64_t>(wanted.From, 0, first))];
  const std::int64_t maxPackets = 2 * static_cast<std::int64_t>(Pts.size()) + 1024;
  std::int64_t packets = 0;
  int errors = 0;
  int readErrors = 0;
  int refusals = 0;
  RgbFrame result;
  auto fail = [&](const std::string& problem) {
    Positioned = false;
    NoteDamage(Times[static_cast<std::size_t>(last)], false, true);
    Fail("frame " + std::to_string(last) + " of " + std::to_string(Pts.size()) + " cannot be decoded: " + problem,
      "The file is damaged around " + std::to_string(Times[static_cast<std::size_t>(last)]) +
        " s: re-copy it, or re-encode it, e.g. ffmpeg -i IN -c:v libx264 -crf 18 OUT.mp4.");
  };
  for (;;) {
    // Everything the decoder has ready, in presentation order.
    for (;;) {
      const int received = avcodec_receive_frame(Codec.get(), Picture.get());
      if (received == AVERROR(EAGAIN)) {
        break;
      }
      if (received == AVERROR_EOF) {
        Positioned = false; // drained: the next request seeks, which also resets the decoder
        fail("the file ends before it (" + std::to_string(DecodedUpTo + 1) + " frames decoded).");
      }
      if (received < 0) {
        if (++errors > kMaxDecodeErrors) {
          fail("too many decoding errors (" + AvError(received) + ").");
        }
        continue;
      }
      ++FramesDecoded;
      const std::int64_t pts = Picture->best_effort_timestamp;
      const std::int64_t index = IndexOfPts(pts);
      if (index < 0 || pts < AcceptFromPts || index <= DecodedUpTo) {
        av_frame_unref(Picture.get()); // not in the table, before the keyframe we started from, or repeated
        continue;
      }
      DecodedUpTo = index;
      if (Picture->decode_error_flags != 0 || (Picture->flags & AV_FRAME_FLAG_CORRUPT)) {
        NoteDamage(Times[static_cast<std::size_t>(index)], false, true);
      }
      if (wanted.Contains(index)) {
        RgbFrame rgb = Cached(index, index == last);
        if (!rgb) {
          rgb = Convert(Picture.get());
          Store(index, rgb);
        }
        if (index == last) {
          result = rgb;
        }
      }
      av_frame_unref(Picture.get());
      if (index >= last) {
        if (!result) {
          fail("the decoder skipped it (corrupt data before it).");
        }
        return result;
      }
      if (abortable && (MainWaiting.load() > 0 || StopFlag.load())) {
        return nullptr;
      }
    }

    if (Draining) {
      fail("the decoder stopped before it.");
    }
    if (abortable && (MainWaiting.load() > 0 || StopFlag.load())) {
      return nullptr;
    }
    if (!PacketPending) {
      if (++packets > maxPackets) {
        fail("no such frame after reading the whole file.");
      }
      const int read = av_read_frame(Format.get(), Packet.get());
      if (read < 0 && read != AVERROR_EOF && ++readErrors <= kMaxReadErrors) {
        continue;
      }
      if (read < 0 && WaitingForKey && !SeekFromStart) {
        // The demuxer landed after the last keyframe before the frame (MPEG-TS seeks by time stamps
        // that are not the keyframe's): step back a keyframe.
        SeekTo(first, SeekStepsBack + 1);
        continue;
      }
      if (read < 0) {
        avcodec_send_packet(Codec.get(), nullptr); // end of file: let the decoder give its last frames
        Draining = true;
        continue;
      }
      readErrors = 0;
      if (Packet->stream_index != StreamIndex) {
        av_packet_unref(Packet.get());
        continue;
      }
      if (!ShownByDts.empty()) {
        const auto found = std::lower_bound(ShownByDts.begin(), ShownByDts.end(),
          std::make_pair(Packet->dts, std::numeric_limits<std::int64_t>::min()));
        if (found != ShownByDts.end() && found->first == Packet->dts) {
          Packet->pts = found->second;
        }
      }
      if (WaitingForKey) {
        if (!(Packet->flags & AV_PKT_FLAG_KEY)) {
          av_packet_unref(Packet.get());
          continue;
        }
        const std::int64_t keyPts = Packet->pts != AV_NOPTS_VALUE ? Packet->pts : Packet->dts;
        if (keyPts != AV_NOPTS_VALUE && keyPts > firstPts && !SeekFromStart) {
          // The demuxer went to a later keyframe (its index is in decode time): step back.
          av_packet_unref(Packet.get());
          SeekTo(first, SeekStepsBack + 1);
          continue;
        }
        WaitingForKey = false;
        // Frames shown before this keyframe (open GOP) would need the previous one: dropped,
        // except at the very start where nothing earlier exists.
        if (keyPts != AV_NOPTS_VALUE && keyPts <= firstPts) {
          AcceptFromPts = keyPts;
          DecodedUpTo = FirstFrameAtOrAfter(keyPts) - 1;
        }
      }
      // Reference-free frames before the ones we keep need not be decoded at all.
      const std::int64_t packetPts = Packet->pts != AV_NOPTS_VALUE ? Packet->pts : Packet->dts;
      Codec->skip_frame = packetPts != AV_NOPTS_VALUE && packetPts < keepPts ? AVDISCARD_NONREF : AVDISCARD_DEFAULT;
      if (Codec->skip_frame == AVDISCARD_NONREF) {
        DiscardedUpToPts = std::max(DiscardedUpToPts, packetPts);
      }
    }
    const int sent = avcodec_send_packet(Codec.get(), Packet.get());
    if (sent == AVERROR(EAGAIN)) {
      // Take frames out first, then send it again (the API guarantees a frame is then ready).
      if (++refusals > kMaxDecodeErrors) {
        fail("the decoder neither takes data nor gives frames.");
      }
      PacketPending = true;
      continue;
    }
    PacketPending = false;
    av_packet_unref(Packet.get());
    if (sent < 0 && ++errors > kMaxDecodeErrors) {
      fail("too many corrupt packets (" + AvError(sent) + ").");
    }
  }
}

RgbFrame VideoDecoder::Impl::Convert(AVFrame* frame) {
  if (frame->width != SourceW || frame->height != SourceH) {
    Positioned = false;
    Fail("the frame size changes inside the video (" + std::to_string(SourceW) + " x " + std::to_string(SourceH) +
        " at the start, " + std::to_string(frame->width) + " x " + std::to_string(frame->height) + " later).",
      "Re-encode the video at one size, e.g. ffmpeg -i IN -vf scale=W:H -c:v libx264 OUT.mp4.");
  }
  frame->crop_left = static_cast<std::size_t>(CropX);
  frame->crop_top = static_cast<std::size_t>(CropY);
  frame->crop_right = static_cast<std::size_t>(SourceW - CropX - CropW);
  frame->crop_bottom = static_cast<std::size_t>(SourceH - CropY - CropH);
  if (av_frame_apply_cropping(frame, AV_FRAME_CROP_UNALIGNED) < 0) {
    Fail("frames cannot be cropped.", "Use a crop with even x and y.");
  }
  const int space = frame->colorspace == AVCOL_SPC_UNSPECIFIED ? -1 : static_cast<int>(frame->colorspace);
  const int range = frame->color_range == AVCOL_RANGE_JPEG ? 1 : 0;
  if (!Scaler || ScalerFormat != frame->format || ScalerSpace != space || ScalerRange != range) {
    // Area averaging for the integer downsample. Without it, SWS_BILINEAR only upsamples the chroma
    // and takes swscale's unscaled YUV-to-RGB path (0.1 ms for 640 x 480; SWS_ACCURATE_RND would
    // make that 0.9 ms, more than decoding a frame).
    const int flags = Options.Downsample > 1 ? SWS_AREA : SWS_BILINEAR;
    Scaler.reset(sws_getContext(CropW, CropH, static_cast<AVPixelFormat>(frame->format), OutW, OutH, AV_PIX_FMT_RGB24,
      flags, nullptr, nullptr, nullptr));
    if (!Scaler) {
      const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame->format));
      Fail("has a pixel format that cannot be converted to RGB (" + std::string(name ? name : "unknown") + ").",
        "Re-encode the video as H.264 in yuv420p.");
    }
    // Unlabelled video: BT.709 from HD up, BT.601 below (what players assume).
    const int matrix = space >= 0 ? space : (SourceH >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601);
    sws_setColorspaceDetails(Scaler.get(), sws_getCoefficients(matrix), range, sws_getCoefficients(SWS_CS_DEFAULT), 1,
      0, 1 << 16, 1 << 16);
    ScalerFormat = frame->format;
    ScalerSpace = space;
    ScalerRange = range;
  }
  auto rgb = std::make_shared<std::vector<std::uint8_t>>(FrameBytes);
  std::uint8_t* planes[4] = { rgb->data(), nullptr, nullptr, nullptr };
  int strides[4] = { OutW * 3, 0, 0, 0 };
  sws_scale(Scaler.get(), frame->data, frame->linesize, 0, CropH, planes, strides);
  return rgb;
}

RgbFrame VideoDecoder::Impl::Cached(std::int64_t frame, bool touch) {
  std::lock_guard<std::mutex> cache(CacheMutex);
  if (touch) {
    RgbFrame* found = Cache.Find(frame);
    return found ? *found : nullptr;
  }
  const RgbFrame* found = Cache.Peek(frame);
  return found ? *found : nullptr;
}

void VideoDecoder::Impl::Store(std::int64_t frame, const RgbFrame& rgb) {
  std::lock_guard<std::mutex> cache(CacheMutex);
  Cache.Insert(frame, rgb);
}

// The caller's request: remembers the playback direction and speed and wakes the read-ahead.
void VideoDecoder::Impl::Request(std::int64_t frame) {
  {
    std::lock_guard<std::mutex> work(WorkMutex);
    if (LastRequest >= 0 && frame != LastRequest) {
      const std::int64_t step = frame - LastRequest;
      Stride = std::abs(step) <= kMaxStride ? step : 0; // a long jump is a seek, not playback
    }
    LastRequest = frame;
    Pending = true;
    ++Generation;
  }
  WorkSignal.notify_one();
}

void VideoDecoder::Impl::WorkerLoop() {
  std::unique_lock<std::mutex> work(WorkMutex);
  for (;;) {
    WorkSignal.wait(work, [this] { return Stopping || (Pending && MainWaiting.load() == 0); });
    if (Stopping) {
      return;
    }
    Pending = false;
    const std::int64_t frame = LastRequest;
    const std::int64_t stride = Stride;
    work.unlock();
    try {
      ReadAhead(frame, stride);
    } catch (const std::exception&) {
      // The caller's own request for that frame reports the problem; read-ahead just stops.
    }
    work.lock();
  }
}

void VideoDecoder::Impl::ReadAhead(std::int64_t frame, std::int64_t stride) {
  if (stride == 0 || frame < 0) {
    return;
  }
  const std::uint64_t generation = Generation.load();
  const std::int64_t step = std::abs(stride);
  const std::int64_t count = static_cast<std::int64_t>(Pts.size());
  std::int64_t low = -1;
  std::int64_t high = -1;
  for (std::int64_t i = 1; i <= ReadAheadFrames; ++i) {
    const std::int64_t target = stride > 0 ? frame + i * step : frame - i * step;
    if (target < 0 || target >= count) {
      break;
    }
    if (!Cached(target, false)) {
      low = low < 0 ? target : std::min(low, target);
      high = std::max(high, target);
    }
  }
  if (low < 0 || MainWaiting.load() > 0) {
    return;
  }
  std::unique_lock<std::mutex> decoder(DecoderMutex);
  Wanted wanted{ low, high, step };
  std::int64_t first = low;
  if (stride < 0) {
    // Backward: the frames from the keyframe up are decoded anyway, and the next steps need them.
    const std::int64_t key = FirstFrameAtOrAfter(KeyPts[KeyAtOrBefore(low)]);
    wanted.From = std::max(std::min(key, low), high - (CacheFrames / 2 - 1) * step);
    first = std::min(wanted.From, low);
  }
  // The caller may have asked for other frames while this thread waited for the decoder.
  if (MainWaiting.load() == 0 && !StopFlag.load() && Generation.load() == generation) {
    DecodeRange(first, high, wanted, true);
  }
}

// ---------------------------------------------------------------------------------------------

VideoDecoder::VideoDecoder(const std::string& path, VideoDecoderOptions options)
  : Internal(std::make_unique<Impl>(path, options)) {}

VideoDecoder::~VideoDecoder() = default;

const std::string& VideoDecoder::Path() const { return Internal->Path; }
int VideoDecoder::Width() const { return Internal->OutW; }
int VideoDecoder::Height() const { return Internal->OutH; }
int VideoDecoder::SourceWidth() const { return Internal->SourceW; }
int VideoDecoder::SourceHeight() const { return Internal->SourceH; }
std::int64_t VideoDecoder::FrameCount() const { return static_cast<std::int64_t>(Internal->Pts.size()); }
double VideoDecoder::FrameRate() const { return Internal->AverageRate; }

double VideoDecoder::FrameTime(std::int64_t frame) const {
  const std::vector<double>& times = Internal->Times;
  return times[static_cast<std::size_t>(std::clamp<std::int64_t>(frame, 0, static_cast<std::int64_t>(times.size()) - 1))];
}

std::int64_t VideoDecoder::FrameAtTime(double seconds) const {
  const std::vector<double>& times = Internal->Times;
  const std::size_t n = times.size();
  if (n == 0 || !std::isfinite(seconds)) {
    return -1;
  }
  // The video spans its first to its last frame's time (to a nanosecond, below any container's clock):
  // nothing is shown outside it, as with a video's explicit `times` (docs/session-format-v1.md). A video
  // of one frame lasts one frame interval.
  const double single = n == 1 && Internal->AverageRate > 0.0 ? 1.0 / Internal->AverageRate : 0.0;
  if (seconds < times[0] - 1e-9 || seconds > times[n - 1] + single + 1e-9) {
    return -1;
  }
  const auto after = std::upper_bound(times.begin(), times.end(), seconds);
  if (after == times.begin()) {
    return 0;
  }
  const auto i = static_cast<std::size_t>(after - times.begin()) - 1;
  if (i + 1 >= n) {
    return static_cast<std::int64_t>(n) - 1;
  }
  // Ties (to a nanosecond, below any container's clock) go to the earlier frame.
  const bool later = (times[i + 1] - seconds) < (seconds - times[i]) - 1e-9;
  const std::size_t nearest = later ? i + 1 : i;
  // Inside a hole, nothing rather than a frame from far away.
  if (Internal->AverageRate > 0.0 && std::abs(times[nearest] - seconds) > 1.0 / Internal->AverageRate + 1e-9) {
    return -1;
  }
  return static_cast<std::int64_t>(nearest);
}

std::vector<VideoDamage> VideoDecoder::Damage() const {
  std::vector<VideoDamage> spans;
  {
    std::lock_guard<std::mutex> lock(Internal->DamageMutex);
    spans = Internal->DamageSpans;
  }
  std::sort(spans.begin(), spans.end(), [](const VideoDamage& a, const VideoDamage& b) {
    return std::tie(a.WhileDecoding, a.Missing, a.From) < std::tie(b.WhileDecoding, b.Missing, b.From);
  });
  std::vector<VideoDamage> merged;
  for (const VideoDamage& span : spans) {
    if (!merged.empty() && merged.back().WhileDecoding == span.WhileDecoding && merged.back().Missing == span.Missing &&
        span.From <= merged.back().To + kDamageJoinSeconds) {
      merged.back().To = std::max(merged.back().To, span.To);
    } else {
      merged.push_back(span);
    }
  }
  return merged;
}

std::shared_ptr<const std::vector<std::uint8_t>> VideoDecoder::Frame(std::int64_t frame) {
  Impl& in = *Internal;
  const auto count = static_cast<std::int64_t>(in.Pts.size());
  if (frame < 0 || frame >= count) {
    throw SessionError("Video file '" + in.Path + "': frame " + std::to_string(frame) + " does not exist (the video has " +
        std::to_string(count) + " frames, 0 to " + std::to_string(count - 1) + ").",
      "Ask for a frame in that range; FrameAtTime() maps a time to a frame and returns -1 outside the video.");
  }
  if (RgbFrame hit = in.Cached(frame, true)) {
    ++in.CacheHits;
    in.Request(frame);
    return hit;
  }
  ++in.CacheMisses;
  RgbFrame result;
  {
    ++in.MainWaiting; // the read-ahead thread yields the decoder at its next frame or packet
    in.Request(frame);
    std::unique_lock<std::mutex> decoder(in.DecoderMutex);
    --in.MainWaiting;
    result = in.Cached(frame, true);
    if (!result) {
      std::int64_t stride = 0;
      {
        std::lock_guard<std::mutex> work(in.WorkMutex);
        stride = in.Stride;
      }
      // Forward playback has passed the frames before this one; otherwise (a jump, stepping
      // back) the frames just before it are the likely next requests and cost no extra decoding.
      Impl::Wanted wanted{ frame, frame, 1 };
      if (stride <= 0) {
        wanted.From = std::max<std::int64_t>(0, frame - in.ReadAheadFrames);
      }
      result = in.DecodeRange(frame, frame, wanted, false);
    }
  }
  in.Request(frame); // let the read-ahead continue from here
  return result;
}

VideoStats VideoDecoder::Stats() const {
  VideoStats stats;
  stats.Seeks = Internal->Seeks.load();
  stats.FramesDecoded = Internal->FramesDecoded.load();
  stats.CacheHits = Internal->CacheHits.load();
  stats.CacheMisses = Internal->CacheMisses.load();
  stats.FrameTableFromIndex = Internal->FromIndex;
  return stats;
}

} // namespace neuroplayback
