// The guarded first open: the real neuroplayback-probe child and the real HDF5 library, on files damaged
// the way a failed copy damages them (HDF5 1.10.8 crashes on the first, spins forever on the second).
#include "Hdf5.h"
#include "SessionError.h"
#include "SessionProbe.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <utime.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using neuroplayback::ProbeVerdict;
using neuroplayback::SessionProbe;

namespace {

std::string TempPath(const std::string& name) {
  return (::testing::TempDir().empty() ? std::string("/tmp/") : ::testing::TempDir()) + "probe-" + name;
}

std::vector<char> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return { std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>() };
}

void WriteBytes(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// The bundled sample with one byte of the global heap (variable-length attribute strings) flipped.
std::string SampleWithFlippedHeapByte() {
  const std::string path = TempPath("flipped-heap.nsp");
  std::vector<char> bytes = ReadBytes(NEUROPLAYBACK_SAMPLE);
  bytes.at(3606) = static_cast<char>(~bytes.at(3606));
  WriteBytes(path, bytes);
  return path;
}

// An uncompressed generated session with its second 4 KB page zeroed.
std::string SessionWithZeroedPage() {
  const std::string clean = TempPath("uncompressed.nsp");
  const std::string command = std::string(NEUROPLAYBACK_GENERATE) + " --output '" + clean +
    "' --force --quiet --frames 60 --rate 30 --compression 0 --grid 10 10";
  EXPECT_EQ(std::system(command.c_str()), 0);
  std::vector<char> bytes = ReadBytes(clean);
  EXPECT_GT(bytes.size(), 8192u);
  std::fill(bytes.begin() + 4096, bytes.begin() + 8192, '\0');
  const std::string path = TempPath("zeroed-page.nsp");
  WriteBytes(path, bytes);
  return path;
}

} // namespace

TEST(SessionProbe, ReadsTheSampleCleanly) {
  const ProbeVerdict verdict = SessionProbe::Run(NEUROPLAYBACK_PROBE, NEUROPLAYBACK_SAMPLE, "", 60.0);
  EXPECT_EQ(verdict.Result, ProbeVerdict::Outcome::Readable) << verdict.Detail;
  EXPECT_FALSE(verdict.Damaged());
  ASSERT_FALSE(verdict.Files.empty());
  EXPECT_EQ(verdict.Files.front(), NEUROPLAYBACK_SAMPLE);
}

TEST(SessionProbe, ACrashInsideHdf5RefusesTheFileAndSaysWhere) {
  const std::string path = SampleWithFlippedHeapByte();
  const std::vector<char> before = ReadBytes(path);
  const ProbeVerdict verdict = SessionProbe::Run(NEUROPLAYBACK_PROBE, path, "", 60.0);
  // Crashed on a signal; under a sanitizer the runtime catches it and exits with its own code instead.
  EXPECT_TRUE(verdict.Damaged()) << verdict.Detail;
  EXPECT_NE(verdict.Result, ProbeVerdict::Outcome::TimedOut);
  EXPECT_NE(verdict.LastObject.find("/overlays/"), std::string::npos) << verdict.LastObject;
  const std::string message = verdict.Message(path);
  EXPECT_NE(message.find("'" + path + "' is damaged"), std::string::npos) << message;
  EXPECT_NE(message.find(verdict.LastObject), std::string::npos) << message;
  EXPECT_NE(message.find("How to fix"), std::string::npos) << message;
  EXPECT_EQ(ReadBytes(path), before); // never modified
}

TEST(SessionProbe, AHangInsideHdf5IsStoppedAtTheTimeLimit) {
  const std::string path = SessionWithZeroedPage();
  const ProbeVerdict verdict = SessionProbe::Run(NEUROPLAYBACK_PROBE, path, "", 2.0);
  EXPECT_EQ(verdict.Result, ProbeVerdict::Outcome::TimedOut);
  EXPECT_LT(verdict.Seconds, 10.0);
  const std::string message = verdict.Message(path);
  EXPECT_NE(message.find("did not finish within 2 s"), std::string::npos) << message;
  EXPECT_NE(message.find("NEUROPLAYBACK_PROBE_TIMEOUT"), std::string::npos) << message;
}

TEST(SessionProbe, AFileRefusedWithAClearMessageIsLeftToTheReader) {
  const std::string path = TempPath("not-hdf5.nsp");
  WriteBytes(path, std::vector<char>(100, 'x'));
  const ProbeVerdict verdict = SessionProbe::Run(NEUROPLAYBACK_PROBE, path, "", 60.0);
  EXPECT_EQ(verdict.Result, ProbeVerdict::Outcome::Readable); // the reader's own open explains it
}

TEST(SessionProbe, VerdictsAreCachedUntilTheFileChanges) {
  SessionProbe::ClearCache();
  const std::string path = SampleWithFlippedHeapByte();
  const ProbeVerdict first = SessionProbe::Check(NEUROPLAYBACK_PROBE, path, "", 60.0);
  EXPECT_TRUE(first.Damaged());
  EXPECT_GT(first.Seconds, 0.0);
  const ProbeVerdict again = SessionProbe::Check(NEUROPLAYBACK_PROBE, path, "", 60.0);
  EXPECT_EQ(again.Result, first.Result);
  EXPECT_EQ(again.Seconds, 0.0); // from the cache, no child started
  WriteBytes(path, ReadBytes(NEUROPLAYBACK_SAMPLE)); // repaired: a new size or time stamp
  utimbuf stamp{ 1000000000, 1000000000 };
  utime(path.c_str(), &stamp);
  const ProbeVerdict repaired = SessionProbe::Check(NEUROPLAYBACK_PROBE, path, "", 60.0);
  EXPECT_EQ(repaired.Result, ProbeVerdict::Outcome::Readable);
}

TEST(SessionProbe, AMissingProbeProgramIsReportedAsUnavailable) {
  const ProbeVerdict verdict = SessionProbe::Run("/nonexistent/neuroplayback-probe", NEUROPLAYBACK_SAMPLE, "", 5.0);
  EXPECT_EQ(verdict.Result, ProbeVerdict::Outcome::Unavailable);
  EXPECT_FALSE(verdict.Damaged());
}

// A whole-dataset read (edges, masks, regions) never allocates what a damaged header declares: a
// dataset of 200 M doubles with nothing stored is refused by name instead of asking for 1.6 GB.
TEST(BoundedReads, AWholeDatasetLargerThanItsStorageIsRefusedByName) {
  const std::string path = TempPath("declared-huge.h5");
  {
    const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hsize_t dims[1] = { 200000000 };
    const hsize_t chunk[1] = { 1024 };
    const hid_t space = H5Screate_simple(1, dims, nullptr);
    const hid_t create = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(create, 1, chunk);
    const hid_t dataset = H5Dcreate2(file, "edges", H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, create, H5P_DEFAULT);
    H5Dclose(dataset);
    H5Pclose(create);
    H5Sclose(space);
    H5Fclose(file);
  }
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  neuroplayback::h5::Handle dataset = neuroplayback::h5::OpenDataset(file, "edges");
  std::string message;
  try {
    neuroplayback::h5::ReadAllDoubles(dataset.Get());
  } catch (const neuroplayback::SessionError& error) {
    message = error.what();
  }
  dataset.Close();
  H5Fclose(file);
  EXPECT_NE(message.find("'/edges' declares 200000000 values"), std::string::npos) << message;
  EXPECT_NE(message.find("damaged"), std::string::npos) << message;
}
