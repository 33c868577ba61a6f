#include "VideoEncoder.h"

#include "FfmpegHandles.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
}

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <memory>
#include <stdexcept>

namespace neuroplayback {

namespace {
using ffmpeg::AvError;

void Check(int code, const std::string& what) {
  if (code < 0) {
    throw std::runtime_error(what + ": " + AvError(code));
  }
}

// RGB24 to YUV 4:2:0 (BT.601, limited range), chroma the mean of each 2x2 block (centre siting, as the
// stream says). FFmpeg 5's scaler has no fast path from RGB24 and took 27 % of an export's encoding CPU;
// this loop takes about half its time. Rows at `stride` bytes apart (negative: bottom-up).
void RgbToYuv420(const std::uint8_t* rgb, std::ptrdiff_t stride, int width, int height, AVFrame* picture) {
  for (int y = 0; y < height; y += 2) {
    const std::uint8_t* top = rgb + stride * y;
    const std::uint8_t* bottom = y + 1 < height ? top + stride : top;
    std::uint8_t* lumaTop = picture->data[0] + static_cast<std::ptrdiff_t>(picture->linesize[0]) * y;
    std::uint8_t* lumaBottom = y + 1 < height ? lumaTop + picture->linesize[0] : lumaTop;
    std::uint8_t* u = picture->data[1] + static_cast<std::ptrdiff_t>(picture->linesize[1]) * (y / 2);
    std::uint8_t* v = picture->data[2] + static_cast<std::ptrdiff_t>(picture->linesize[2]) * (y / 2);
    for (int x = 0; x < width; ++x) {  // 16.16 fixed point: 16 + 219 * (0.299 R + 0.587 G + 0.114 B) / 255
      lumaTop[x] = static_cast<std::uint8_t>(
        (16829 * top[3 * x] + 33039 * top[3 * x + 1] + 6416 * top[3 * x + 2] + (16 << 16) + (1 << 15)) >> 16);
      lumaBottom[x] = static_cast<std::uint8_t>(
        (16829 * bottom[3 * x] + 33039 * bottom[3 * x + 1] + 6416 * bottom[3 * x + 2] + (16 << 16) + (1 << 15)) >> 16);
    }
    for (int x = 0; x < width / 2; ++x) {  // the four pixels' sums, so 18 bits of fraction
      const int r = top[6 * x] + top[6 * x + 3] + bottom[6 * x] + bottom[6 * x + 3];
      const int g = top[6 * x + 1] + top[6 * x + 4] + bottom[6 * x + 1] + bottom[6 * x + 4];
      const int b = top[6 * x + 2] + top[6 * x + 5] + bottom[6 * x + 2] + bottom[6 * x + 5];
      u[x] = static_cast<std::uint8_t>((-9714 * r - 19070 * g + 28784 * b + (128 << 18) + (1 << 17)) >> 18);
      v[x] = static_cast<std::uint8_t>((28784 * r - 24103 * g - 4681 * b + (128 << 18) + (1 << 17)) >> 18);
    }
  }
}

struct FormatDeleter {
  void operator()(AVFormatContext* context) const {
    if (context->pb) {
      avio_closep(&context->pb);
    }
    avformat_free_context(context);
  }
};

// A movie segment: what one export worker encoded, joined with the others by JoinMovieSegments.
// Native byte order (written and read on one machine): a header, then one record per packet.
//   "NPSEG1\n" | int32 width, height, rate num, rate den, extradata size | extradata
//   per packet: int64 pts, dts, duration (in frames) | int32 flags, size | data
constexpr char SegmentMagic[8] = "NPSEG1\n";

struct SegmentHeader {
  std::int32_t Width = 0;
  std::int32_t Height = 0;
  std::int32_t RateNum = 0;
  std::int32_t RateDen = 0;
  std::vector<std::uint8_t> Extradata;
};

struct SegmentPacket {
  std::int64_t Pts = 0;
  std::int64_t Dts = 0;
  std::int64_t Duration = 0;
  std::int32_t Flags = 0;
  std::vector<std::uint8_t> Data;
};

template <typename T>
void Put(std::ofstream& out, T value) {
  out.write(reinterpret_cast<const char*>(&value), sizeof(value));
}

template <typename T>
bool Take(std::ifstream& in, T& value) {
  return static_cast<bool>(in.read(reinterpret_cast<char*>(&value), sizeof(value)));
}

class SegmentReader {
public:
  explicit SegmentReader(const std::string& path) : Path(path), In(path, std::ios::binary) {
    char magic[sizeof(SegmentMagic)] = {};
    std::int32_t extradataSize = 0;
    if (!In.read(magic, sizeof(magic)) || std::memcmp(magic, SegmentMagic, sizeof(magic)) != 0 ||
      !Take(In, Header.Width) || !Take(In, Header.Height) || !Take(In, Header.RateNum) ||
      !Take(In, Header.RateDen) || !Take(In, extradataSize) || extradataSize < 0 || extradataSize > (1 << 20)) {
      throw std::runtime_error(path + " is not a movie segment (or is truncated)");
    }
    Header.Extradata.resize(static_cast<std::size_t>(extradataSize));
    if (!In.read(reinterpret_cast<char*>(Header.Extradata.data()), extradataSize)) {
      throw std::runtime_error(path + " is truncated");
    }
  }

  const SegmentHeader& Info() const { return Header; }

  // The next packet; false at the end of the segment.
  bool Next(SegmentPacket& packet) {
    std::int32_t size = 0;
    if (!Take(In, packet.Pts)) {
      return false;
    }
    if (!Take(In, packet.Dts) || !Take(In, packet.Duration) || !Take(In, packet.Flags) || !Take(In, size) ||
      size < 0 || size > (1 << 28)) {
      throw std::runtime_error(Path + " is truncated or damaged");
    }
    packet.Data.resize(static_cast<std::size_t>(size));
    if (!In.read(reinterpret_cast<char*>(packet.Data.data()), size)) {
      throw std::runtime_error(Path + " is truncated");
    }
    return true;
  }

private:
  std::string Path;
  std::ifstream In;
  SegmentHeader Header;
};

} // namespace

struct VideoEncoder::Impl {
  Impl(const VideoEncoderSettings& options) : Settings(options), Rate(av_d2q(options.Fps, 1001000)) {
    const std::string& partialPath = options.PartialPath.empty() ? options.Output : options.PartialPath;
    if (!options.Segment) {
      AVFormatContext* raw = nullptr;
      // The container is chosen from the requested name, the bytes go to the partial file.
      Check(avformat_alloc_output_context2(&raw, nullptr, nullptr, options.Output.c_str()), "choose a container");
      Format.reset(raw);
      av_freep(&Format->url);
      Format->url = av_strdup(partialPath.c_str());
    }
    OpenCodec();
    if (options.Segment) {
      SegmentFile.open(partialPath, std::ios::binary | std::ios::trunc);
      if (!SegmentFile) {
        throw std::runtime_error("create " + partialPath + ": " + std::strerror(errno));
      }
      SegmentFile.write(SegmentMagic, sizeof(SegmentMagic));
      Put<std::int32_t>(SegmentFile, options.Width);
      Put<std::int32_t>(SegmentFile, options.Height);
      Put<std::int32_t>(SegmentFile, Rate.num);
      Put<std::int32_t>(SegmentFile, Rate.den);
      Put<std::int32_t>(SegmentFile, Codec->extradata_size);
      SegmentFile.write(reinterpret_cast<const char*>(Codec->extradata), Codec->extradata_size);
      Extradata.assign(Codec->extradata, Codec->extradata + Codec->extradata_size);
    } else {
      Stream = avformat_new_stream(Format.get(), nullptr);
      if (!Stream) {
        throw std::runtime_error("out of memory");
      }
      Check(avcodec_parameters_from_context(Stream->codecpar, Codec.get()), "codec parameters");
      Stream->time_base = Codec->time_base;
      Stream->avg_frame_rate = Rate;
      Check(avio_open(&Format->pb, partialPath.c_str(), AVIO_FLAG_WRITE), "create " + partialPath);
      AVDictionary* muxerOptions = nullptr;
      if (options.Faststart) {
        av_dict_set(&muxerOptions, "movflags", "+faststart", 0);
      }
      const int written = avformat_write_header(Format.get(), &muxerOptions);
      av_dict_free(&muxerOptions);
      Check(written, "write the header of " + options.Output);
    }

    Picture.reset(av_frame_alloc());
    Packet.reset(av_packet_alloc());
    Picture->format = AV_PIX_FMT_YUV420P;
    Picture->width = options.Width;
    Picture->height = options.Height;
    Check(av_frame_get_buffer(Picture.get(), 0), "frame buffer");
  }

  void OpenCodec() {
    const AVCodec* codec = avcodec_find_encoder_by_name(Settings.Codec == "h264" ? "libx264" : "mpeg4");
    if (!codec) {
      throw std::runtime_error("this FFmpeg has no " + Settings.Codec + " encoder");
    }
    Codec.reset(avcodec_alloc_context3(codec));
    if (!Codec) {
      throw std::runtime_error("out of memory");
    }
    Codec->width = Settings.Width;
    Codec->height = Settings.Height;
    Codec->pix_fmt = AV_PIX_FMT_YUV420P;
    // Said in the stream, as RgbToYuv420 makes it: unlabelled, players take HD video for BT.709.
    Codec->colorspace = AVCOL_SPC_SMPTE170M;
    Codec->color_range = AVCOL_RANGE_MPEG;
    Codec->color_primaries = AVCOL_PRI_BT709;  // sRGB's
    Codec->color_trc = AVCOL_TRC_IEC61966_2_1;
    Codec->chroma_sample_location = AVCHROMA_LOC_CENTER;
    // Variable frame rate needs a fine clock; constant rate uses one tick per frame.
    Codec->time_base = Settings.Vfr ? AVRational{ 1, 90000 } : av_inv_q(Rate);
    Codec->framerate = Rate;
    Codec->gop_size = Settings.Gop;
    Codec->thread_count = Settings.Threads;
    if (Settings.BFrames >= 0) {
      Codec->max_b_frames = Settings.BFrames;
    }
    if (Settings.Codec == "h264") {
      Check(av_opt_set(Codec->priv_data, "preset", Settings.Preset.c_str(), 0), "x264 preset '" + Settings.Preset + "'");
      Check(av_opt_set_int(Codec->priv_data, "crf", Settings.Crf, 0), "x264 crf");
    } else {
      // Constant quantiser: the default 200 kb/s would smear the stamp at large sizes.
      Codec->flags |= AV_CODEC_FLAG_QSCALE;
      Codec->global_quality = FF_QP2LAMBDA * 4;
    }
    // Segments are joined into MP4, which keeps the stream headers apart from the packets.
    const bool globalHeader =
      Settings.Segment || Settings.ChunkFrames > 0 || (Format->oformat->flags & AVFMT_GLOBALHEADER);
    if (globalHeader) {
      Codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    }
    Check(avcodec_open2(Codec.get(), codec, nullptr), "open the " + Settings.Codec + " encoder");
    if (!Extradata.empty() &&
      !std::equal(Extradata.begin(), Extradata.end(), Codec->extradata, Codec->extradata + Codec->extradata_size)) {
      throw std::runtime_error("the encoder's stream headers changed between chunks");
    }
    FramesInCodec = 0;
  }

  void Add(const std::uint8_t* rgb, std::int64_t frame, bool bottomUp) {
    if (Settings.ChunkFrames > 0 && frame % Settings.ChunkFrames == 0 && FramesInCodec > 0) {
      Flush();
      OpenCodec();
    }
    Check(av_frame_make_writable(Picture.get()), "frame buffer");
    const std::ptrdiff_t stride = 3 * static_cast<std::ptrdiff_t>(Settings.Width);
    // Rows bottom-up are read from the last with a negative stride.
    RgbToYuv420(bottomUp ? rgb + stride * (Settings.Height - 1) : rgb, bottomUp ? -stride : stride, Settings.Width,
      Settings.Height, Picture.get());
    if (Settings.Vfr) {
      const double jitter = 0.05 * static_cast<double>((7 * frame) % 10);
      Picture->pts = std::llround((static_cast<double>(frame + Settings.StartFrames) + jitter) / Settings.Fps * 90000.0);
    } else {
      Picture->pts = frame + Settings.StartFrames;
    }
    Check(avcodec_send_frame(Codec.get(), Picture.get()), "encode frame " + std::to_string(frame));
    ++FramesInCodec;
    Drain();
  }

  void Flush() {
    Check(avcodec_send_frame(Codec.get(), nullptr), "flush the encoder");
    Drain();
  }

  void Finish() {
    Flush();
    if (Settings.Segment) {
      SegmentFile.close();
      if (!SegmentFile) {
        throw std::runtime_error("write " + Settings.Output + ": " + std::strerror(errno));
      }
      return;
    }
    Check(av_write_trailer(Format.get()), "finish " + Settings.Output);
    Check(avio_closep(&Format->pb), "close " + Settings.Output);
  }

  void Drain() {
    for (;;) {
      const int received = avcodec_receive_packet(Codec.get(), Packet.get());
      if (received == AVERROR(EAGAIN) || received == AVERROR_EOF) {
        return;
      }
      Check(received, "encode");
      if (Settings.Segment) {
        Put<std::int64_t>(SegmentFile, Packet->pts);
        Put<std::int64_t>(SegmentFile, Packet->dts);
        Put<std::int64_t>(SegmentFile, Packet->duration);
        Put<std::int32_t>(SegmentFile, Packet->flags);
        Put<std::int32_t>(SegmentFile, Packet->size);
        SegmentFile.write(reinterpret_cast<const char*>(Packet->data), Packet->size);
        av_packet_unref(Packet.get());
        if (!SegmentFile) {
          throw std::runtime_error("write " + Settings.Output + ": " + std::strerror(errno));
        }
        continue;
      }
      av_packet_rescale_ts(Packet.get(), Codec->time_base, Stream->time_base);
      Packet->stream_index = Stream->index;
      Check(av_interleaved_write_frame(Format.get(), Packet.get()), "write " + Settings.Output);
    }
  }

  const VideoEncoderSettings Settings;
  const AVRational Rate;
  std::unique_ptr<AVFormatContext, FormatDeleter> Format;
  std::ofstream SegmentFile;
  std::vector<std::uint8_t> Extradata;  // the first chunk's stream headers; every chunk must repeat them
  AVStream* Stream = nullptr;
  ffmpeg::CodecPtr Codec;
  std::int64_t FramesInCodec = 0;
  ffmpeg::FramePtr Picture;
  ffmpeg::PacketPtr Packet;
};

void MakeEncodingRepeatable() {
#if defined(__GLIBC__)
  mallopt(M_PERTURB, 0x5a);  // fresh heap memory holds this byte, not what was freed there
  // Fixed (not adapted to the history), and high: an encoder's buffers come from the heap, whose memory
  // is kept between chunks (M_TRIM_THRESHOLD), instead of fresh zeroed pages every chunk (3.7 s of
  // system time for 1,801 frames at 640x480); only larger blocks come zeroed from mmap.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
#endif
}

void JoinMovieSegments(const std::vector<std::string>& segments, const std::string& output,
  const std::string& partialPath, bool faststart) {
  if (segments.empty()) {
    throw std::runtime_error("no movie segment to join");
  }
  av_log_set_level(AV_LOG_ERROR);
  SegmentReader first(segments.front());
  const SegmentHeader& header = first.Info();
  if (header.Width <= 0 || header.Height <= 0 || header.RateNum <= 0 || header.RateDen <= 0) {
    throw std::runtime_error(segments.front() + " has no valid frame size or rate");
  }
  AVFormatContext* raw = nullptr;
  Check(avformat_alloc_output_context2(&raw, nullptr, nullptr, output.c_str()), "choose a container");
  std::unique_ptr<AVFormatContext, FormatDeleter> format(raw);
  av_freep(&format->url);
  format->url = av_strdup(partialPath.c_str());
  AVStream* stream = avformat_new_stream(format.get(), nullptr);
  if (!stream) {
    throw std::runtime_error("out of memory");
  }
  const AVRational rate{ header.RateNum, header.RateDen };
  const AVRational frameTime = av_inv_q(rate);
  AVCodecParameters* parameters = stream->codecpar;
  parameters->codec_type = AVMEDIA_TYPE_VIDEO;
  parameters->codec_id = AV_CODEC_ID_H264;
  parameters->width = header.Width;
  parameters->height = header.Height;
  parameters->format = AV_PIX_FMT_YUV420P;
  parameters->extradata = static_cast<std::uint8_t*>(av_mallocz(header.Extradata.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  if (!parameters->extradata) {
    throw std::runtime_error("out of memory");
  }
  std::copy(header.Extradata.begin(), header.Extradata.end(), parameters->extradata);
  parameters->extradata_size = static_cast<int>(header.Extradata.size());
  stream->time_base = frameTime;
  stream->avg_frame_rate = rate;
  Check(avio_open(&format->pb, partialPath.c_str(), AVIO_FLAG_WRITE), "create " + partialPath);
  AVDictionary* muxerOptions = nullptr;
  if (faststart) {
    av_dict_set(&muxerOptions, "movflags", "+faststart", 0);
  }
  const int written = avformat_write_header(format.get(), &muxerOptions);
  av_dict_free(&muxerOptions);
  Check(written, "write the header of " + output);

  ffmpeg::PacketPtr packet(av_packet_alloc());
  std::int64_t nextFrame = 0;  // the first frame the next segment must start with
  for (std::size_t i = 0; i < segments.size(); ++i) {
    std::unique_ptr<SegmentReader> later;
    SegmentReader& segment = i == 0 ? first : *(later = std::make_unique<SegmentReader>(segments[i]));
    const SegmentHeader& info = segment.Info();
    if (info.Width != header.Width || info.Height != header.Height || info.RateNum != header.RateNum ||
      info.RateDen != header.RateDen || info.Extradata != header.Extradata) {
      throw std::runtime_error(segments[i] + " was encoded with other settings than " + segments.front());
    }
    SegmentPacket record;
    std::int64_t lowest = -1;
    std::int64_t highest = -1;
    std::int64_t count = 0;
    while (segment.Next(record)) {
      lowest = count == 0 ? record.Pts : std::min(lowest, record.Pts);
      highest = count == 0 ? record.Pts : std::max(highest, record.Pts);
      ++count;
      Check(av_new_packet(packet.get(), static_cast<int>(record.Data.size())), "packet");
      std::copy(record.Data.begin(), record.Data.end(), packet->data);
      packet->pts = record.Pts;
      packet->dts = record.Dts;
      packet->duration = record.Duration;
      packet->flags = record.Flags;
      packet->stream_index = stream->index;
      av_packet_rescale_ts(packet.get(), frameTime, stream->time_base);
      Check(av_write_frame(format.get(), packet.get()), "write " + output);
      av_packet_unref(packet.get());
    }
    if (count == 0 || lowest != nextFrame || highest - lowest + 1 != count) {
      throw std::runtime_error(segments[i] + " holds frames " + std::to_string(lowest) + " to " +
        std::to_string(highest) + " (" + std::to_string(count) + " packets) where frame " +
        std::to_string(nextFrame) + " comes next");
    }
    nextFrame = highest + 1;
  }
  Check(av_write_trailer(format.get()), "finish " + output);
  Check(avio_closep(&format->pb), "close " + output);
}

VideoEncoder::VideoEncoder(const VideoEncoderSettings& settings) {
  av_log_set_level(AV_LOG_ERROR);
  In = std::make_unique<Impl>(settings);
}

VideoEncoder::~VideoEncoder() = default;

void VideoEncoder::Add(const std::uint8_t* rgb, std::int64_t frame, bool bottomUp) { In->Add(rgb, frame, bottomUp); }

void VideoEncoder::Finish() { In->Finish(); }

} // namespace neuroplayback
