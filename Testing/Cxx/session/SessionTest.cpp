// Opens real session files through the real HDF5 library.
#include "ColorRange.h"
#include "Session.h"
#include "SessionError.h"

#include <gtest/gtest.h>

#include <hdf5.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

using neuroplayback::Session;
using neuroplayback::SessionError;

namespace {

std::string TempPath(const std::string& name) {
  return (::testing::TempDir().empty() ? std::string("/tmp/") : ::testing::TempDir()) + name;
}

std::string OpenError(const std::string& path) {
  try {
    Session::Open(path);
  } catch (const SessionError& error) {
    return error.what();
  }
  return "";
}

} // namespace

TEST(Session, OpensTheBundledSample) {
  auto session = Session::Open(NEUROPLAYBACK_SAMPLE);
  EXPECT_GT(session->FrameCount(), 100);
  EXPECT_GT(session->Env().BinCount, 0);
  ASSERT_FALSE(session->Fields().empty());
  auto& field = session->Field(session->DefaultFieldIndex());
  EXPECT_EQ(field.FrameCount(), session->FrameCount());
  EXPECT_EQ(field.BinCount(), session->Env().BinCount);
  // Frame times are increasing and map back to their frames.
  auto& times = session->Times();
  for (std::int64_t frame : { std::int64_t{ 0 }, session->FrameCount() / 2, session->FrameCount() - 1 }) {
    EXPECT_EQ(times.FrameAt(times.TimeOf(frame)), frame);
  }
  const auto range = neuroplayback::EstimateRange(field);
  EXPECT_LT(range.Min, range.Max);
  EXPECT_FALSE(session->OverlayGroups().empty());
}

TEST(Session, ASlabOfBinsReadsOnlyThoseBins) {
  // One MPI rank's piece of the field: the same values as the whole frame's bins, read as a hyperslab.
  auto session = Session::Open(NEUROPLAYBACK_SAMPLE);
  auto& field = session->Field(session->DefaultFieldIndex());
  const std::int64_t bins = field.BinCount();
  const std::int64_t first = bins / 3;
  const std::int64_t count = bins / 2;
  // Two runs, as a slab of hexagons would have: [first, first + count) and the last 3 bins.
  std::unique_ptr<neuroplayback::FieldStream> slab = field.Slab({ { first, count }, { bins - 3, 3 } });
  ASSERT_TRUE(slab);
  EXPECT_EQ(slab->BinCount(), count + 3);
  EXPECT_EQ(slab->FrameCount(), field.FrameCount());
  for (std::int64_t frame : { std::int64_t{ 0 }, std::int64_t{ 17 }, field.FrameCount() - 1, std::int64_t{ 5 } }) {
    const std::size_t size = field.ValueSize();
    std::vector<unsigned char> whole(static_cast<std::size_t>(bins) * size);
    std::memcpy(whole.data(), field.Frame(frame), whole.size());
    const auto* part = static_cast<const unsigned char*>(slab->Frame(frame));
    EXPECT_EQ(std::memcmp(part, whole.data() + static_cast<std::size_t>(first) * size, static_cast<std::size_t>(count) * size), 0)
      << "frame " << frame;
    EXPECT_EQ(std::memcmp(part + static_cast<std::size_t>(count) * size, whole.data() + static_cast<std::size_t>(bins - 3) * size, 3 * size), 0)
      << "frame " << frame;
  }
  EXPECT_FALSE(field.Slab({ { bins - 1, 2 } })) << "a run past the last bin";
  EXPECT_FALSE(field.Slab({ { 0, 0 } }));
  EXPECT_FALSE(field.Slab({ { 5, 2 }, { 0, 1 } })) << "runs out of order";
}

TEST(Session, RejectsAMissingFile) {
  const std::string message = OpenError("/nonexistent/session.nsp");
  EXPECT_NE(message.find("does not exist"), std::string::npos) << message;
  EXPECT_NE(message.find("folder '/nonexistent' does not exist either"), std::string::npos) << message;
}

TEST(Session, AMistypedNameSuggestsTheClosestFiles) {
  const std::string real = TempPath("rat12-day3.nsp");
  std::ofstream(real) << "x";
  std::ofstream(TempPath("unrelated-notes.txt")) << "x";
  const std::string message = OpenError(TempPath("rat12-day2.nsp"));
  EXPECT_NE(message.find("closest names are 'rat12-day3.nsp'"), std::string::npos) << message;
  EXPECT_EQ(message.find("unrelated-notes"), std::string::npos) << message;
  EXPECT_NE(message.find("How to fix"), std::string::npos) << message;
}

TEST(Session, RejectsANonHdf5File) {
  const std::string path = TempPath("not-hdf5.nsp");
  std::ofstream(path) << "this is a text file, not a session\n";
  const std::string message = OpenError(path);
  EXPECT_NE(message.find("not an HDF5 file"), std::string::npos) << message;
  std::remove(path.c_str());
}

TEST(Session, RejectsATruncatedFile) {
  const std::string path = TempPath("truncated.nsp");
  {
    std::ifstream in(NEUROPLAYBACK_SAMPLE, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(path, std::ios::binary) << bytes.substr(0, bytes.size() / 3);
  }
  const std::string message = OpenError(path);
  EXPECT_FALSE(message.empty());
  std::remove(path.c_str());
}

TEST(Session, RejectsHdf5ThatIsNotASession) {
  const std::string path = TempPath("plain.h5");
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Fclose(file);
  EXPECT_FALSE(Session::LooksLikeSession(path));
  const std::string message = OpenError(path);
  EXPECT_NE(message.find("not a NeuroPlayback session"), std::string::npos) << message;
  std::remove(path.c_str());
}

TEST(Session, NeverWritesToTheFile) {
  std::ifstream before(NEUROPLAYBACK_SAMPLE, std::ios::binary);
  const std::string original((std::istreambuf_iterator<char>(before)), std::istreambuf_iterator<char>());
  {
    auto session = Session::Open(NEUROPLAYBACK_SAMPLE);
    auto& field = session->Field(0);
    field.Frame(0);
    field.Frame(field.FrameCount() - 1);
  }
  std::ifstream after(NEUROPLAYBACK_SAMPLE, std::ios::binary);
  const std::string reread((std::istreambuf_iterator<char>(after)), std::istreambuf_iterator<char>());
  EXPECT_EQ(original, reread);
}
