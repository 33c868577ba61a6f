// An NWB file opened on its own as a session: the behaviour clock, a placeholder occupancy field and
// the overlays; and the message when it holds nothing to show.
#include "NwbImport.h"
#include "NwbTestFile.h"
#include "Session.h"
#include "SessionError.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

using namespace neuroplayback;
using namespace nwb_test_support;

TEST_F(NwbFile, OpeningOneWithNothingSupportedSaysSo) {
  H5Gclose(Group(File, "acquisition/ElectricalSeries", "ElectricalSeries"));
  Close();
  EXPECT_MENTIONS(ErrorOf([&] { Session::Open(Path); }), "has no Position");
}

TEST_F(NwbFile, OpensAsASessionWithAPlaceholderFieldOnTheBehaviourClock) {
  const hid_t position = Group(Behavior, "Position", "Position");
  std::vector<double> xy;
  for (int i = 0; i < 50; ++i) {
    xy.insert(xy.end(), { static_cast<double>(i), 2.0 * i });
  }
  RateSeries(position, "p", xy, 2, 3.0, 25.0, 1.0, 0.0, "cm");
  H5Gclose(position);
  Close();
  EXPECT_TRUE(LooksLikeNwb(Path));
  EXPECT_TRUE(Session::LooksLikeSession(Path));
  std::unique_ptr<Session> session = Session::Open(Path);
  EXPECT_EQ(session->FrameCount(), 50);
  EXPECT_TRUE(session->Times().IsRegular());
  EXPECT_DOUBLE_EQ(session->Times().First(), 3.0);
  EXPECT_DOUBLE_EQ(session->Times().Rate(), 25.0);
  ASSERT_EQ(session->Fields().size(), 1u);
  // The field is where the animal spent its time, the same map at every frame; it sums to 1.
  EXPECT_EQ(session->Fields()[0].Name, Session::NwbOccupancyField);
  EXPECT_EQ(session->Field(0).BinCount(), session->Env().BinCount);
  const auto* last = static_cast<const double*>(session->Field(0).Frame(49));
  const std::vector<double> occupancy(last, last + session->Env().BinCount);
  EXPECT_NEAR(std::accumulate(occupancy.begin(), occupancy.end(), 0.0), 1.0, 1e-12);
  const auto* first = static_cast<const double*>(session->Field(0).Frame(0));
  EXPECT_TRUE(std::equal(occupancy.begin(), occupancy.end(), first));
  EXPECT_EQ(session->Env().Units, "cm");
  EXPECT_EQ(session->Overlays().Positions().size(), 1u);
  EXPECT_EQ(session->NwbPath(), Path);
}
