// neuroplayback-encode: encodes the frames of a movie export (export_movie in neuroplayback.paraview)
// with FFmpeg, H.264 in MP4. Three ways:
//
//   neuroplayback-encode --stdin --first F --count N --width W --height H --fps R --chunk K
//                        --output slice.npseg [--crf 18] [--bottom-up]
//     A worker's slice: N frames of raw RGB24 on standard input (rows bottom-up with --bottom-up),
//     numbered from F, encoded into a movie segment with a fresh encoder every K frames. With
//     --ring-fd FD --slots S the frames are in a ring of S frames in the memory file FD instead, and
//     standard input and output carry one byte per frame each way (FrameRing below).
//   neuroplayback-encode --output movie.mp4 --join slice0.npseg [--join slice1.npseg ...]
//     Joins segments, in order, into one MP4 (packets copied). Slices cut at multiples of K join into
//     the very file one worker encoding every frame makes.
//   neuroplayback-encode --frames PATTERN --count N --fps R --output movie.mp4 [--crf 18]
//                        [--codec h264|mpeg4] [--wait SECONDS]
//     Numbered binary PPM frames (P6; PATTERN such as /tmp/x/frame_%06d.ppm, from 0) in one encoder:
//     the previous export (NEUROPLAYBACK_EXPORT_ENCODE=frames). With --wait the frames may still be
//     being made: each is waited for (a writer renames it into place whole) until none has come for
//     SECONDS.
//
// The output is written as OUTPUT.partial and renamed when complete. Exit codes: 0 done, 1 failure
// (message on stderr), 2 usage.
#include "VideoEncoder.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

std::string FramePath(const std::string& pattern, long long index) {
  std::vector<char> text(pattern.size() + 32);
  std::snprintf(text.data(), text.size(), pattern.c_str(), index);
  return text.data();
}

// A binary PPM (P6, maxval 255): width, height and the RGB rows top-down.
std::vector<std::uint8_t> ReadPpm(const std::string& path, int& width, int& height) {
  std::ifstream in(path, std::ios::binary);
  std::string magic;
  int maxValue = 0;
  in >> magic >> width >> height >> maxValue;
  in.get(); // the single whitespace before the pixels
  if (!in || magic != "P6" || width <= 0 || height <= 0 || maxValue != 255 || width > 16384 || height > 16384) {
    throw std::runtime_error(path + " is not a binary 8-bit PPM frame (P6, maxval 255)");
  }
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
  in.read(reinterpret_cast<char*>(rgb.data()), static_cast<std::streamsize>(rgb.size()));
  if (!in) {
    throw std::runtime_error(path + " is truncated");
  }
  return rgb;
}

// Waits until `path` exists, for at most `seconds` (0: not at all); a missing frame is then an error.
void AwaitFrame(const std::string& path, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::error_code error;
  while (!std::filesystem::exists(path, error)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error(path + " did not appear" +
        (seconds > 0.0 ? " within " + std::to_string(static_cast<int>(seconds)) + " s" : std::string()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Reads exactly `size` bytes from standard input; false at its end.
bool ReadInput(std::uint8_t* data, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t got = ::read(STDIN_FILENO, data + done, size - done);
    if (got == 0) {
      return false;
    }
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw std::runtime_error(std::string("read the frames from standard input: ") + std::strerror(errno));
    }
    done += static_cast<std::size_t>(got);
  }
  return true;
}

// Frames shared with the worker in memory: a ring of `slots` frames in the memory file `fd`. Frame i
// is in slot i % slots; the worker writes one byte to standard input when it is there, and this writes
// one byte to standard output once it is encoded, which frees the slot. Two copies of every frame
// fewer than through a pipe, and the kernel moves bytes, not frames.
class FrameRing {
public:
  static constexpr std::size_t RingPadding = 4096;

  FrameRing(int fd, int slots, std::size_t frameBytes) : Slots(slots), FrameBytes(frameBytes) {
    if (slots < 1) {
      throw std::runtime_error("--slots must be 1 or more");
    }
    // A page beyond the last frame: the RGB converter reads a few bytes past a row's end.
    Size = FrameBytes * static_cast<std::size_t>(slots) + RingPadding;
    struct stat info {};
    if (::fstat(fd, &info) != 0 || static_cast<std::size_t>(info.st_size) < Size) {
      throw std::runtime_error("the frame ring (descriptor " + std::to_string(fd) + ") holds fewer than " +
        std::to_string(slots) + " frames and " + std::to_string(RingPadding) + " bytes");
    }
    void* mapped = ::mmap(nullptr, Size, PROT_READ, MAP_SHARED, fd, 0);
    if (mapped == MAP_FAILED) {
      throw std::runtime_error(std::string("map the frame ring: ") + std::strerror(errno));
    }
    Data = static_cast<const std::uint8_t*>(mapped);
  }
  ~FrameRing() { ::munmap(const_cast<std::uint8_t*>(Data), Size); }
  FrameRing(const FrameRing&) = delete;
  FrameRing& operator=(const FrameRing&) = delete;

  // The frame numbered `index` (from 0), once the worker says it is there; nullptr at the input's end.
  const std::uint8_t* Await(long long index) {
    std::uint8_t token = 0;
    if (!ReadInput(&token, 1)) {
      return nullptr;
    }
    return Data + FrameBytes * static_cast<std::size_t>(index % Slots);
  }
  // The frame's slot may be written again.
  static void Release() {
    const std::uint8_t token = 1;
    while (::write(STDOUT_FILENO, &token, 1) < 0) {
      if (errno != EINTR) {
        throw std::runtime_error(std::string("tell the worker a frame is done: ") + std::strerror(errno));
      }
    }
  }

private:
  int Slots;
  std::size_t FrameBytes;
  std::size_t Size = 0;
  const std::uint8_t* Data = nullptr;
};

// A worker's slice, from standard input (or a frame ring) to a movie segment.
void EncodeSlice(neuroplayback::VideoEncoderSettings settings, long long first, long long count, bool bottomUp,
  int ringFd, int slots) {
  if (settings.Width <= 0 || settings.Height <= 0 || settings.Width % 2 || settings.Height % 2) {
    throw std::runtime_error("frames are " + std::to_string(settings.Width) + "x" + std::to_string(settings.Height) +
      "; H.264 in 4:2:0 needs an even, positive width and height");
  }
  if (settings.ChunkFrames <= 0 || first % settings.ChunkFrames != 0) {
    throw std::runtime_error("a slice must start at a multiple of --chunk (" + std::to_string(settings.ChunkFrames) + ")");
  }
  settings.Segment = true;
  settings.Gop = settings.ChunkFrames;
  settings.Threads = 1;  // fixed, and repeatable (MakeEncodingRepeatable): the bytes depend on the frames only
  neuroplayback::MakeEncodingRepeatable();
  neuroplayback::VideoEncoder encoder(settings);
  const std::size_t frameBytes = static_cast<std::size_t>(settings.Width) * static_cast<std::size_t>(settings.Height) * 3;
  std::unique_ptr<FrameRing> ring = ringFd >= 0 ? std::make_unique<FrameRing>(ringFd, slots, frameBytes) : nullptr;
  std::vector<std::uint8_t> rgb(ring ? 0 : frameBytes);
  for (long long frame = first; frame < first + count; ++frame) {
    const std::uint8_t* pixels = ring ? ring->Await(frame - first) : (ReadInput(rgb.data(), rgb.size()) ? rgb.data() : nullptr);
    if (!pixels) {
      throw std::runtime_error("standard input ended after " + std::to_string(frame - first) + " of " +
        std::to_string(count) + " frames");
    }
    encoder.Add(pixels, frame, bottomUp);
    if (ring) {
      FrameRing::Release();
    }
  }
  encoder.Finish();
}

} // namespace

int main(int argc, char** argv) {
  std::string pattern;
  std::string output;
  long long count = 0;
  long long first = 0;
  double wait = 0.0;
  bool fromInput = false;
  int ringFd = -1;
  int slots = 4;
  bool bottomUp = false;
  std::vector<std::string> segments;
  neuroplayback::VideoEncoderSettings settings;
  settings.Crf = 18; // a movie of an arena: sharp edges and text
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--stdin" || flag == "--bottom-up") {
      (flag == "--stdin" ? fromInput : bottomUp) = true;
      continue;
    }
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    if (!value) {
      std::fprintf(stderr, "neuroplayback-encode: %s needs a value\n", flag.c_str());
      return 2;
    }
    ++i;
    if (flag == "--frames") {
      pattern = value;
    } else if (flag == "--count") {
      count = std::atoll(value);
    } else if (flag == "--fps") {
      settings.Fps = std::atof(value);
    } else if (flag == "--output") {
      output = value;
    } else if (flag == "--crf") {
      settings.Crf = std::atoi(value);
    } else if (flag == "--codec") {
      settings.Codec = value;
    } else if (flag == "--wait") {
      wait = std::max(0.0, std::atof(value));
    } else if (flag == "--first") {
      first = std::atoll(value);
    } else if (flag == "--width") {
      settings.Width = std::atoi(value);
    } else if (flag == "--height") {
      settings.Height = std::atoi(value);
    } else if (flag == "--ring-fd") {
      ringFd = std::atoi(value);
    } else if (flag == "--slots") {
      slots = std::atoi(value);
    } else if (flag == "--chunk") {
      settings.ChunkFrames = std::atoi(value);
    } else if (flag == "--join") {
      segments.push_back(value);
    } else {
      std::fprintf(stderr, "neuroplayback-encode: unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  const bool joining = !segments.empty();
  const bool usable = !output.empty() && (joining || ((fromInput || !pattern.empty()) && count > 0 && settings.Fps > 0.0));
  if (!usable || int(joining) + int(fromInput) + int(!pattern.empty()) != 1) {
    std::fprintf(stderr, "usage: neuroplayback-encode --stdin --first F --count N --width W --height H --fps R "
                         "--chunk K --output slice.npseg [--crf 18] [--bottom-up] [--ring-fd FD --slots S]\n"
                         "   or: neuroplayback-encode --output movie.mp4 --join slice.npseg [--join ...]\n"
                         "   or: neuroplayback-encode --frames PATTERN --count N --fps R --output movie.mp4 "
                         "[--crf 18] [--codec h264|mpeg4] [--wait SECONDS]\n");
    return 2;
  }
  const std::string partial = output + ".partial";
  try {
    if (joining || fromInput) {
      settings.Output = output;
      settings.PartialPath = partial;
      if (joining) {
        neuroplayback::JoinMovieSegments(segments, output, partial, true);
      } else {
        EncodeSlice(settings, first, count, bottomUp, ringFd, slots);
      }
      std::filesystem::rename(partial, output);
      return 0;
    }
    int width = 0;
    int height = 0;
    AwaitFrame(FramePath(pattern, 0), wait);
    std::vector<std::uint8_t> rgb = ReadPpm(FramePath(pattern, 0), width, height);
    if (width % 2 || height % 2) {
      throw std::runtime_error("frames are " + std::to_string(width) + "x" + std::to_string(height) +
        "; H.264 in 4:2:0 needs an even width and height");
    }
    settings.Output = output;
    settings.PartialPath = partial;
    settings.Width = width;
    settings.Height = height;
    settings.Gop = std::max(1, static_cast<int>(2.0 * settings.Fps));
    settings.Faststart = true;
    neuroplayback::VideoEncoder encoder(settings);
    for (long long frame = 0; frame < count; ++frame) {
      int w = 0;
      int h = 0;
      const std::string path = FramePath(pattern, frame);
      if (frame > 0) {
        AwaitFrame(path, wait);
        rgb = ReadPpm(path, w, h);
        if (w != width || h != height) {
          throw std::runtime_error(path + " has another size than the first frame");
        }
      }
      encoder.Add(rgb.data(), frame);
    }
    encoder.Finish();
    std::filesystem::rename(partial, output);
  } catch (const std::exception& error) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    std::fprintf(stderr, "neuroplayback-encode: error: %s\n", error.what());
    return 1;
  }
  return 0;
}
