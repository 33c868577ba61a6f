#include "VideoEncoder.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <cmath>
#include <memory>
#include <stdexcept>

namespace neuroplayback {

namespace {
std::string AvError(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof(text));
  return text;
}

void Check(int code, const std::string& what) {
  if (code < 0) {
    throw std::runtime_error(what + ": " + AvError(code));
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

} // namespace

struct VideoEncoder::Impl {
  Impl(const VideoEncoderSettings& options) : Settings(options) {
    const std::string& partialPath = options.PartialPath.empty() ? options.Output : options.PartialPath;
    AVFormatContext* raw = nullptr;
    // The container is chosen from the requested name, the bytes go to the partial file.
    Check(avformat_alloc_output_context2(&raw, nullptr, nullptr, options.Output.c_str()), "choose a container");
    Format.reset(raw);
    av_freep(&Format->url);
    Format->url = av_strdup(partialPath.c_str());

    const AVCodec* codec = avcodec_find_encoder_by_name(options.Codec == "h264" ? "libx264" : "mpeg4");
    if (!codec) {
      throw std::runtime_error("this FFmpeg has no " + options.Codec + " encoder");
    }
    Stream = avformat_new_stream(Format.get(), nullptr);
    Codec.reset(avcodec_alloc_context3(codec));
    if (!Stream || !Codec) {
      throw std::runtime_error("out of memory");
    }
    const AVRational rate = av_d2q(options.Fps, 1001000);
    Codec->width = options.Width;
    Codec->height = options.Height;
    Codec->pix_fmt = AV_PIX_FMT_YUV420P;
    // Variable frame rate needs a fine clock; constant rate uses one tick per frame.
    Codec->time_base = options.Vfr ? AVRational{ 1, 90000 } : av_inv_q(rate);
    Codec->framerate = rate;
    Codec->gop_size = options.Gop;
    Codec->thread_count = 0;
    if (options.BFrames >= 0) {
      Codec->max_b_frames = options.BFrames;
    }
    if (options.Codec == "h264") {
      Check(av_opt_set(Codec->priv_data, "preset", options.Preset.c_str(), 0), "x264 preset '" + options.Preset + "'");
      Check(av_opt_set_int(Codec->priv_data, "crf", options.Crf, 0), "x264 crf");
    } else {
      // Constant quantiser: the default 200 kb/s would smear the stamp at large sizes.
      Codec->flags |= AV_CODEC_FLAG_QSCALE;
      Codec->global_quality = FF_QP2LAMBDA * 4;
    }
    if (Format->oformat->flags & AVFMT_GLOBALHEADER) {
      Codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    }
    Check(avcodec_open2(Codec.get(), codec, nullptr), "open the " + options.Codec + " encoder");
    Check(avcodec_parameters_from_context(Stream->codecpar, Codec.get()), "codec parameters");
    Stream->time_base = Codec->time_base;
    Stream->avg_frame_rate = rate;

    Check(avio_open(&Format->pb, partialPath.c_str(), AVIO_FLAG_WRITE), "create " + partialPath);
    AVDictionary* muxerOptions = nullptr;
    if (options.Faststart) {
      av_dict_set(&muxerOptions, "movflags", "+faststart", 0);
    }
    const int written = avformat_write_header(Format.get(), &muxerOptions);
    av_dict_free(&muxerOptions);
    Check(written, "write the header of " + options.Output);

    Picture.reset(av_frame_alloc());
    Packet.reset(av_packet_alloc());
    Picture->format = AV_PIX_FMT_YUV420P;
    Picture->width = options.Width;
    Picture->height = options.Height;
    Check(av_frame_get_buffer(Picture.get(), 0), "frame buffer");
    Converter = sws_getContext(options.Width, options.Height, AV_PIX_FMT_RGB24, options.Width, options.Height,
      AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr, nullptr);
    if (!Converter) {
      throw std::runtime_error("no RGB to YUV converter");
    }
  }
  ~Impl() { sws_freeContext(Converter); }

  void Add(const std::uint8_t* rgb, std::int64_t frame) {
    Check(av_frame_make_writable(Picture.get()), "frame buffer");
    const std::uint8_t* source[1] = { rgb };
    const int sourceStride[1] = { 3 * Settings.Width };
    sws_scale(Converter, source, sourceStride, 0, Settings.Height, Picture->data, Picture->linesize);
    if (Settings.Vfr) {
      const double jitter = 0.05 * static_cast<double>((7 * frame) % 10);
      Picture->pts = std::llround((static_cast<double>(frame + Settings.StartFrames) + jitter) / Settings.Fps * 90000.0);
    } else {
      Picture->pts = frame + Settings.StartFrames;
    }
    Check(avcodec_send_frame(Codec.get(), Picture.get()), "encode frame " + std::to_string(frame));
    Drain();
  }

  void Finish() {
    Check(avcodec_send_frame(Codec.get(), nullptr), "flush the encoder");
    Drain();
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
      av_packet_rescale_ts(Packet.get(), Codec->time_base, Stream->time_base);
      Packet->stream_index = Stream->index;
      Check(av_interleaved_write_frame(Format.get(), Packet.get()), "write " + Settings.Output);
    }
  }

  struct CodecDeleter {
    void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
  };
  struct FrameDeleter {
    void operator()(AVFrame* f) const { av_frame_free(&f); }
  };
  struct PacketDeleter {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
  };

  const VideoEncoderSettings Settings;
  std::unique_ptr<AVFormatContext, FormatDeleter> Format;
  AVStream* Stream = nullptr;
  std::unique_ptr<AVCodecContext, CodecDeleter> Codec;
  std::unique_ptr<AVFrame, FrameDeleter> Picture;
  std::unique_ptr<AVPacket, PacketDeleter> Packet;
  SwsContext* Converter = nullptr;
};

VideoEncoder::VideoEncoder(const VideoEncoderSettings& settings) {
  av_log_set_level(AV_LOG_ERROR);
  In = std::make_unique<Impl>(settings);
}

VideoEncoder::~VideoEncoder() = default;

void VideoEncoder::Add(const std::uint8_t* rgb, std::int64_t frame) { In->Add(rgb, frame); }

void VideoEncoder::Finish() { In->Finish(); }

} // namespace neuroplayback
