// Video-to-arena calibration: the reference's formulas (neurospatial calibrate_*), landmark fits
// recovering known transforms, crop and downsample composed in (the reference ignored them), and the
// session-file format with its errors and warnings.
#include "Hdf5TestSupport.h"
#include "SessionError.h"
#include "VideoCalibration.h"

#include <gtest/gtest.h>

#include <hdf5.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

using neuroplayback::Affine2D;
using neuroplayback::EnvironmentBounds;
using neuroplayback::LandmarkFit;
using neuroplayback::Point2;
using neuroplayback::SessionError;
using neuroplayback::VideoCalibration;

namespace {

using namespace test_support;  // ErrorOf, Space, TempPath, WriteStringAttribute, NaN, Pi

#define EXPECT_POINT_NEAR(actual, expected, tolerance)                                                  \
  do {                                                                                                  \
    const Point2 a_ = (actual);                                                                         \
    const Point2 e_ = (expected);                                                                       \
    EXPECT_NEAR(a_.X, e_.X, tolerance);                                                                 \
    EXPECT_NEAR(a_.Y, e_.Y, tolerance);                                                                 \
  } while (0)

void ExpectMapNear(const Affine2D& actual, const Affine2D& expected, double tolerance) {
  for (std::size_t i = 0; i < 9; ++i) {
    EXPECT_NEAR(actual.M[i], expected.M[i], tolerance) << "entry " << i;
  }
}

Affine2D Matrix(std::array<double, 9> m) {
  Affine2D a;
  a.M = m;
  return a;
}

// Pixel rows down -> up, as the reference flips before fitting.
Affine2D Flip(int height) { return Matrix({ 1, 0, 0, 0, -1, static_cast<double>(height), 0, 0, 1 }); }

// Rotation by angle, uniform scale, translation, after the y flip: a known pixel-to-arena map.
Affine2D Known(double angle, double scale, double tx, double ty, int height) {
  const double c = std::cos(angle) * scale;
  const double s = std::sin(angle) * scale;
  return Matrix({ c, -s, tx, s, c, ty, 0, 0, 1 }).Compose(Flip(height));
}

const int W = 640;
const int H = 480;
const std::vector<Point2> PixelLandmarks{ { 50, 40 }, { 600, 70 }, { 580, 430 }, { 90, 450 }, { 300, 200 } };
const Point2 HeldOut{ 333.3, 111.1 };

std::vector<Point2> MapAll(const Affine2D& map, const std::vector<Point2>& points) {
  std::vector<Point2> out;
  for (const Point2& p : points) {
    out.push_back(map.Apply(p));
  }
  return out;
}

void WriteDataset(hid_t loc, const char* name, const std::vector<hsize_t>& dims, const std::vector<double>& values) {
  const hid_t space = Space(dims);
  const hid_t dataset = H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(dataset);
  H5Sclose(space);
}

void WriteAttribute(hid_t loc, const char* name, const std::vector<hsize_t>& dims, const std::vector<double>& values) {
  const hid_t space = Space(dims);
  const hid_t attr = H5Acreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(attr, H5T_NATIVE_DOUBLE, values.data());
  H5Aclose(attr);
  H5Sclose(space);
}

void WriteIntAttribute(hid_t loc, const char* name, const std::vector<hsize_t>& dims, const std::vector<int>& values) {
  const hid_t space = Space(dims);
  const hid_t attr = H5Acreate2(loc, name, H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(attr, H5T_NATIVE_INT, values.data());
  H5Aclose(attr);
  H5Sclose(space);
}

std::vector<double> Flatten(const std::vector<Point2>& points) {
  std::vector<double> out;
  for (const Point2& p : points) {
    out.push_back(p.X);
    out.push_back(p.Y);
  }
  return out;
}

bool AnyWarningMentions(const VideoCalibration& calibration, const std::string& part) {
  for (const std::string& warning : calibration.Warnings) {
    if (warning.find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

} // namespace

// ---- Affine2D ----

TEST(VideoCalibration, AffineComposeInverseAndScale) {
  const Affine2D a = Matrix({ 2, 1, 3, -1, 4, 5, 0, 0, 1 });
  const Affine2D b = Matrix({ 0.5, 0, -1, 0.25, 2, 7, 0, 0, 1 });
  const Point2 p{ 3.5, -2.25 };
  EXPECT_POINT_NEAR(a.Compose(b).Apply(p), a.Apply(b.Apply(p)), 1e-12);
  EXPECT_DOUBLE_EQ(a.Determinant(), 9.0);
  ExpectMapNear(a.Compose(a.Inverse()), Affine2D{}, 1e-12);
  ExpectMapNear(a.Inverse().Compose(a), Affine2D{}, 1e-12);
  EXPECT_DOUBLE_EQ(Matrix({ 0.2, 0, 0, 0, -0.2, 96, 0, 0, 1 }).CmPerPixel(), 0.2);
  EXPECT_DOUBLE_EQ(Matrix({ 3, 0, 0, 4, 2, 0, 0, 0, 1 }).CmPerPixel(), 3.5); // column norms 5 and 2
  EXPECT_MENTIONS(ErrorOf([] { Matrix({ 1, 2, 0, 2, 4, 0, 0, 0, 1 }).Inverse("/overlays/video"); }), "/overlays/video",
    "singular");
  EXPECT_MENTIONS(ErrorOf([] { Matrix({ NaN, 0, 0, 0, 1, 0, 0, 0, 1 }).Inverse("/overlays/video"); }), "not finite");
}

// ---- The reference's formulas ----

TEST(VideoCalibration, ScaleBarFollowsTheReferenceFormula) {
  // Bar from (100, 200) to (400, 600): 500 px for 50 cm, s = 0.1 cm/px.
  const Affine2D map = neuroplayback::CalibrateFromScaleBar({ 100, 200 }, { 400, 600 }, 50.0, H);
  for (const Point2 p : { Point2{ 0, 0 }, Point2{ 640, 480 }, Point2{ 12.5, 300.25 } }) {
    EXPECT_POINT_NEAR(map.Apply(p), (Point2{ 0.1 * p.X, 0.1 * (H - p.Y) }), 1e-12);
  }
  EXPECT_DOUBLE_EQ(map.CmPerPixel(), 0.1);
  EXPECT_LT(map.Determinant(), 0.0); // rows down, y up: a mirror
  // env_origin is where the frame's bottom-left corner lands.
  const Affine2D shifted = neuroplayback::CalibrateFromScaleBar({ 100, 200 }, { 400, 600 }, 50.0, H, { -20, 7 });
  EXPECT_POINT_NEAR(shifted.Apply(0, H), (Point2{ -20, 7 }), 1e-12);
  EXPECT_POINT_NEAR(shifted.Apply(10, 10), (Point2{ 1 - 20, 47 + 7 }), 1e-12);
}

TEST(VideoCalibration, CmPerPixelAgreesWithTheScaleBar) {
  const Affine2D fromScale = neuroplayback::CalibrateFromCmPerPixel(0.25, H, { 3, 4 });
  const Affine2D fromBar = neuroplayback::CalibrateFromScaleBar({ 10, 10 }, { 10, 90 }, 20.0, H, { 3, 4 });
  ExpectMapNear(fromScale, fromBar, 1e-12);
  EXPECT_POINT_NEAR(fromScale.Apply(40, 80), (Point2{ 0.25 * 40 + 3, 0.25 * (H - 80) + 4 }), 1e-12);
  EXPECT_DOUBLE_EQ(fromScale.CmPerPixel(), 0.25);
}

// ---- Landmark fits ----

TEST(VideoCalibration, SimilarityFitRecoversRotationScaleAndTranslation) {
  const double angle = 0.3;
  const Affine2D truth = Known(angle, 0.17, -12.0, 33.0, H);
  const auto result = neuroplayback::CalibrateFromLandmarks(
    PixelLandmarks, MapAll(truth, PixelLandmarks), LandmarkFit::Similarity, H);
  ExpectMapNear(result.PxToEnv, truth, 1e-9);
  for (const Point2& p : PixelLandmarks) {
    EXPECT_POINT_NEAR(result.PxToEnv.Apply(p), truth.Apply(p), 1e-9);
  }
  EXPECT_POINT_NEAR(result.PxToEnv.Apply(HeldOut), truth.Apply(HeldOut), 1e-9);
  // Undo the flip to read back the rotation and scale.
  const Affine2D rotationScale = result.PxToEnv.Compose(Flip(H).Inverse());
  EXPECT_NEAR(std::atan2(rotationScale.M[3], rotationScale.M[0]), angle, 1e-9);
  EXPECT_NEAR(result.PxToEnv.CmPerPixel(), 0.17, 1e-12);
  EXPECT_LT(result.RmsResidual, 1e-9);
}

TEST(VideoCalibration, RigidFitRecoversRotationAndTranslation) {
  const double angle = -2.0; // more than 90 degrees, clockwise
  const Affine2D truth = Known(angle, 1.0, 400.0, -50.0, H);
  const auto result =
    neuroplayback::CalibrateFromLandmarks(PixelLandmarks, MapAll(truth, PixelLandmarks), LandmarkFit::Rigid, H);
  ExpectMapNear(result.PxToEnv, truth, 1e-9);
  EXPECT_POINT_NEAR(result.PxToEnv.Apply(HeldOut), truth.Apply(HeldOut), 1e-9);
  const Affine2D rotation = result.PxToEnv.Compose(Flip(H).Inverse());
  EXPECT_NEAR(std::atan2(rotation.M[3], rotation.M[0]), angle, 1e-9);
  EXPECT_NEAR(result.PxToEnv.Determinant(), -1.0, 1e-12);
  // Rigid keeps the pixel scale: landmarks at another scale leave a residual to warn about.
  const Affine2D scaled = Known(angle, 0.5, 400.0, -50.0, H);
  const auto misfit =
    neuroplayback::CalibrateFromLandmarks(PixelLandmarks, MapAll(scaled, PixelLandmarks), LandmarkFit::Rigid, H);
  EXPECT_GT(misfit.RmsResidual, 10.0);
  EXPECT_GE(misfit.MaxResidual, misfit.RmsResidual);
}

TEST(VideoCalibration, AffineFitRecoversAShear) {
  const Affine2D truth = Matrix({ 0.21, 0.04, -30.0, -0.03, -0.26, 140.0, 0, 0, 1 }); // sheared, mirrored, unequal axes
  const auto result =
    neuroplayback::CalibrateFromLandmarks(PixelLandmarks, MapAll(truth, PixelLandmarks), LandmarkFit::Affine, H);
  ExpectMapNear(result.PxToEnv, truth, 1e-9);
  EXPECT_POINT_NEAR(result.PxToEnv.Apply(HeldOut), truth.Apply(HeldOut), 1e-9);
  EXPECT_LT(result.RmsResidual, 1e-9);
  // A similarity cannot follow the shear: it fits with a visible residual.
  const auto similarity =
    neuroplayback::CalibrateFromLandmarks(PixelLandmarks, MapAll(truth, PixelLandmarks), LandmarkFit::Similarity, H);
  EXPECT_GT(similarity.RmsResidual, 1.0);
}

TEST(VideoCalibration, ThreeLandmarksAreEnoughForEachFit) {
  const std::vector<Point2> px(PixelLandmarks.begin(), PixelLandmarks.begin() + 3);
  for (const LandmarkFit fit : { LandmarkFit::Rigid, LandmarkFit::Similarity, LandmarkFit::Affine }) {
    const Affine2D truth = Known(1.0, fit == LandmarkFit::Rigid ? 1.0 : 0.3, 5.0, 6.0, H);
    SCOPED_TRACE(neuroplayback::LandmarkFitName(fit));
    const auto result = neuroplayback::CalibrateFromLandmarks(px, MapAll(truth, px), fit, H);
    EXPECT_POINT_NEAR(result.PxToEnv.Apply(HeldOut), truth.Apply(HeldOut), 1e-9);
  }
}

TEST(VideoCalibration, NoisyLandmarksGiveASensibleResidual) {
  const Affine2D truth = Known(0.7, 0.2, 10.0, 20.0, H);
  std::mt19937 random(42);
  std::uniform_real_distribution<double> column(0.0, W);
  std::uniform_real_distribution<double> row(0.0, H);
  std::normal_distribution<double> noise(0.0, 0.3); // cm, per coordinate
  std::vector<Point2> px;
  std::vector<Point2> env;
  for (int i = 0; i < 60; ++i) {
    px.push_back({ column(random), row(random) });
    const Point2 exact = truth.Apply(px.back());
    env.push_back({ exact.X + noise(random), exact.Y + noise(random) });
  }
  for (const LandmarkFit fit : { LandmarkFit::Similarity, LandmarkFit::Affine }) {
    const auto result = neuroplayback::CalibrateFromLandmarks(px, env, fit, H);
    // Two noisy coordinates per point: RMS about sqrt(2) * 0.3.
    EXPECT_GT(result.RmsResidual, 0.7 * std::sqrt(2.0) * 0.3);
    EXPECT_LT(result.RmsResidual, 1.3 * std::sqrt(2.0) * 0.3);
    EXPECT_GE(result.MaxResidual, result.RmsResidual);
    EXPECT_POINT_NEAR(result.PxToEnv.Apply(HeldOut), truth.Apply(HeldOut), 0.3);
  }
}

// ---- Crop, downsample and no calibration ----

TEST(VideoCalibration, CropAndDownsampleLandOnTheSourceBlocks) {
  const Affine2D source = Known(0.4, 0.15, -8.0, 3.0, H);
  const int cropX = 100;
  const int cropY = 60;
  const int d = 4;
  const Affine2D output = neuroplayback::OutputPixelsToEnvironment(source, cropX, cropY, d);
  for (int c = 0; c < 3; ++c) {
    for (int r = 0; r < 3; ++r) {
      const double oc = c * 37;
      const double orow = r * 23;
      // Centre of output pixel (c', r') = centre of its d x d source block.
      EXPECT_POINT_NEAR(output.Apply(oc + 0.5, orow + 0.5),
        source.Apply(cropX + oc * d + 0.5 * d, cropY + orow * d + 0.5 * d), 1e-9);
    }
  }
  EXPECT_POINT_NEAR(output.Apply(0, 0), source.Apply(cropX, cropY), 1e-9);
  EXPECT_NEAR(output.CmPerPixel(), 4 * 0.15, 1e-12);
  VideoCalibration calibration;
  calibration.SourcePxToEnv = source;
  calibration.Crop = { cropX, cropY, 400, 300 };
  calibration.Downsample = d;
  ExpectMapNear(calibration.OutputPxToEnv(), output, 1e-12);
  // No crop, no downsample: output pixels are source pixels.
  ExpectMapNear(neuroplayback::OutputPixelsToEnvironment(source, 0, 0, 1), source, 0.0);
}

TEST(VideoCalibration, FitToBoundsMapsTheCorners) {
  const Affine2D map = neuroplayback::FitToBounds(W, H, -10, 90, 5, 55);
  EXPECT_POINT_NEAR(map.Apply(0, 0), (Point2{ -10, 55 }), 1e-12); // row 0 at ymax
  EXPECT_POINT_NEAR(map.Apply(W, 0), (Point2{ 90, 55 }), 1e-12);
  EXPECT_POINT_NEAR(map.Apply(0, H), (Point2{ -10, 5 }), 1e-12);
  EXPECT_POINT_NEAR(map.Apply(W, H), (Point2{ 90, 5 }), 1e-12);
  // A box with no height (a straight track): square pixels, frame centred on it.
  const Affine2D flat = neuroplayback::FitToBounds(W, H, 0, 64, 10, 10);
  EXPECT_POINT_NEAR(flat.Apply(W / 2, H / 2), (Point2{ 32, 10 }), 1e-12);
  EXPECT_NEAR(flat.M[0], -flat.M[4], 1e-15);
}

// An image actor's Orientation, Scale and Position (PlaceImage) put VTK image point (i, j) where the
// calibration puts the centre of displayed pixel (i, H - 1 - j).
TEST(VideoCalibration, ImagePlacementPutsEachPixelWhereTheCalibrationSays) {
  constexpr int Rows = 36;
  const double angle = 0.3;
  Affine2D map; // rotation by 0.3 rad, 0.5 cm per pixel, rows down (a mirror), then a shift
  map.M = { 0.5 * std::cos(angle), 0.5 * std::sin(angle), 12.0, 0.5 * std::sin(angle), -0.5 * std::cos(angle), 40.0,
    0.0, 0.0, 1.0 };
  const neuroplayback::ImagePlacement placed = neuroplayback::PlaceImage(map, Rows);
  EXPECT_NEAR(placed.ShearFraction, 0.0, 1e-12);
  const double turn = placed.AngleDegrees * Pi / 180.0;
  for (const auto& [i, j] : { std::pair{ 0, 0 }, std::pair{ 47, 0 }, std::pair{ 0, 35 }, std::pair{ 20, 11 } }) {
    const double x = placed.ScaleX * i;
    const double y = placed.ScaleY * j;
    const Point2 actor{ std::cos(turn) * x - std::sin(turn) * y + placed.X, std::sin(turn) * x + std::cos(turn) * y + placed.Y };
    EXPECT_POINT_NEAR(actor, map.Apply(i + 0.5, Rows - 0.5 - j), 1e-9);
  }
  Affine2D sheared = map;
  sheared.M[1] += 0.1;
  EXPECT_GT(neuroplayback::PlaceImage(sheared, Rows).ShearFraction, 0.1);
}

TEST(VideoCalibration, DegenerateInputNamesTheProblem) {
  using neuroplayback::CalibrateFromLandmarks;
  const std::string where = "/overlays/video";
  const Affine2D truth = Known(0.3, 0.2, 0, 0, H);
  const std::vector<Point2> two{ { 0, 0 }, { 10, 10 } };
  EXPECT_MENTIONS(ErrorOf([&] { CalibrateFromLandmarks(two, MapAll(truth, two), LandmarkFit::Similarity, H, where); }),
    "/overlays/video", "only 2 landmarks", "at least 3");
  EXPECT_MENTIONS(ErrorOf([&] {
    CalibrateFromLandmarks(PixelLandmarks, MapAll(truth, two), LandmarkFit::Similarity, H, where);
  }), "landmarks_px has 5 points but landmarks_env has 2");
  const std::vector<Point2> collinear{ { 0, 0 }, { 10, 10 }, { 20, 20 }, { 35, 35 } };
  EXPECT_MENTIONS(ErrorOf([&] {
    CalibrateFromLandmarks(collinear, MapAll(truth, collinear), LandmarkFit::Affine, H, where);
  }), "/overlays/video", "landmarks_px", "collinear");
  const std::vector<Point2> lineInArena{ { 0, 0 }, { 1, 1 }, { 2, 2 }, { 3, 3 }, { 4, 4 } };
  EXPECT_MENTIONS(ErrorOf([&] {
    CalibrateFromLandmarks(PixelLandmarks, lineInArena, LandmarkFit::Affine, H, where);
  }), "landmarks_env", "collinear");
  const std::vector<Point2> repeated{ { 50, 40 }, { 600, 70 }, { 50, 40 }, { 90, 450 } };
  EXPECT_MENTIONS(ErrorOf([&] {
    CalibrateFromLandmarks(repeated, MapAll(truth, repeated), LandmarkFit::Similarity, H, where);
  }), "landmarks 0 and 2", "same point", "repeated");
  std::vector<Point2> withNaN = PixelLandmarks;
  withNaN[3].Y = NaN;
  EXPECT_MENTIONS(ErrorOf([&] {
    CalibrateFromLandmarks(withNaN, MapAll(truth, PixelLandmarks), LandmarkFit::Rigid, H, where);
  }), "landmark 3 is not finite");
  EXPECT_MENTIONS(ErrorOf([&] { neuroplayback::CalibrateFromScaleBar({ 5, 5 }, { 5, 5 }, 10.0, H, {}, where); }),
    "/overlays/video", "zero length");
  EXPECT_MENTIONS(ErrorOf([&] { neuroplayback::CalibrateFromScaleBar({ 5, 5 }, { 50, 5 }, -10.0, H, {}, where); }),
    "scale_bar_length must be a positive length");
  EXPECT_MENTIONS(ErrorOf([&] { neuroplayback::CalibrateFromScaleBar({ 5, 5 }, { 50, 5 }, 0.0, H, {}, where); }),
    "scale_bar_length must be a positive length");
  EXPECT_MENTIONS(ErrorOf([&] { neuroplayback::CalibrateFromScaleBar({ NaN, 5 }, { 50, 5 }, 1.0, H, {}, where); }),
    "not finite");
  EXPECT_MENTIONS(ErrorOf([&] { neuroplayback::CalibrateFromCmPerPixel(-0.1, H, {}, where); }), "/overlays/video",
    "cm_per_px must be a positive scale");
  EXPECT_MENTIONS(ErrorOf([&] { neuroplayback::CalibrateFromCmPerPixel(0.0, H, {}, where); }), "cm_per_px");
  EXPECT_MENTIONS(ErrorOf([&] { neuroplayback::CalibrateFromCmPerPixel(NaN, H, {}, where); }), "cm_per_px");
  EXPECT_MENTIONS(ErrorOf([&] { neuroplayback::CalibrateFromCmPerPixel(0.1, H, { NaN, 0 }, where); }), "env_origin");
  EXPECT_MENTIONS(ErrorOf([&] { neuroplayback::CalibrateFromCmPerPixel(0.1, 0, {}, where); }), "frame height");
  EXPECT_MENTIONS(ErrorOf([&] { neuroplayback::OutputPixelsToEnvironment(truth, 0, 0, 0, where); }), "/overlays/video",
    "downsample = 0");
  EXPECT_MENTIONS(ErrorOf([&] { neuroplayback::OutputPixelsToEnvironment(truth, -1, 0, 1, where); }), "outside the frame");
  EXPECT_MENTIONS(ErrorOf([&] {
    neuroplayback::OutputPixelsToEnvironment(Matrix({ 1, 1, 0, 1, 1, 0, 0, 0, 1 }), 0, 0, 1, where);
  }), "singular");
  EXPECT_MENTIONS(ErrorOf([&] { neuroplayback::FitToBounds(W, H, 0, 0, 5, 5, where); }), "bounds", "empty");
  EXPECT_MENTIONS(ErrorOf([&] { neuroplayback::FitToBounds(W, H, 0, NaN, 0, 1, where); }), "not finite");
  EXPECT_MENTIONS(ErrorOf([&] { neuroplayback::FitToBounds(0, H, 0, 1, 0, 1, where); }), "0 x 480");
}

// ---- Reading the session file ----

namespace {

class VideoCalibrationFile : public ::testing::Test {
protected:
  void SetUp() override {
    Path = TempPath(std::string("video-calibration-") +
      ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".h5");
    File = H5Fcreate(Path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    Overlays = H5Gcreate2(File, "overlays", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    Group = H5Gcreate2(Overlays, "video", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    ASSERT_GE(Group, 0);
    WriteStringAttribute(Group, "kind", "video");
  }

  void TearDown() override {
    H5Gclose(Group);
    H5Gclose(Overlays);
    H5Fclose(File);
    std::remove(Path.c_str());
  }

  VideoCalibration Load() { return neuroplayback::LoadVideoCalibration(Group, "/overlays/video", W, H, Arena); }
  std::string LoadError() {
    return ErrorOf([this] { Load(); });
  }

  // What the generator writes: the arena plus a 5 cm margin fitted into the frame, square pixels.
  static Affine2D GeneratorMap() {
    const double s = 110.0 / H;
    return Matrix({ s, 0, 50 - 0.5 * W * s, 0, -s, 50 + 0.5 * H * s, 0, 0, 1 });
  }

  std::string Path;
  hid_t File = H5I_INVALID_HID;
  hid_t Overlays = H5I_INVALID_HID;
  hid_t Group = H5I_INVALID_HID;
  EnvironmentBounds Arena{ 0, 100, 0, 100 };
};

} // namespace

TEST_F(VideoCalibrationFile, PxToEnvDatasetAsTheGeneratorWritesIt) {
  const Affine2D map = GeneratorMap();
  WriteDataset(Group, "px_to_env", { 3, 3 }, { map.M.begin(), map.M.end() });
  WriteAttribute(Group, "px_to_env", { 3, 3 }, { map.M.begin(), map.M.end() });
  const VideoCalibration calibration = Load();
  EXPECT_EQ(calibration.Method, "px_to_env");
  EXPECT_TRUE(calibration.Calibrated());
  ExpectMapNear(calibration.SourcePxToEnv, map, 0.0);
  EXPECT_TRUE(calibration.Crop.Empty());
  EXPECT_EQ(calibration.Downsample, 1);
  EXPECT_TRUE(calibration.Warnings.empty()) << calibration.Warnings.front();
}

TEST_F(VideoCalibrationFile, PxToEnvAsAnAttributeOnly) {
  const Affine2D map = GeneratorMap();
  WriteAttribute(Group, "px_to_env", { 9 }, { map.M.begin(), map.M.end() });
  const VideoCalibration calibration = Load();
  EXPECT_EQ(calibration.Method, "px_to_env");
  ExpectMapNear(calibration.SourcePxToEnv, map, 0.0);
}

TEST_F(VideoCalibrationFile, PxToEnvDatasetWinsOverADifferentAttribute) {
  const Affine2D map = GeneratorMap();
  WriteDataset(Group, "px_to_env", { 3, 3 }, { map.M.begin(), map.M.end() });
  WriteAttribute(Group, "px_to_env", { 3, 3 }, { 1, 0, 0, 0, 1, 0, 0, 0, 1 });
  const VideoCalibration calibration = Load();
  ExpectMapNear(calibration.SourcePxToEnv, map, 0.0);
  EXPECT_TRUE(AnyWarningMentions(calibration, "differ; the dataset is used"));
}

TEST_F(VideoCalibrationFile, ScaleBarWithOrigin) {
  WriteDataset(Group, "scale_bar_px", { 2, 2 }, { 100, 200, 400, 600 });
  WriteAttribute(Group, "scale_bar_length", {}, { 50.0 });
  WriteAttribute(Group, "env_origin", { 2 }, { 10.0, 20.0 });
  const VideoCalibration calibration = Load();
  EXPECT_EQ(calibration.Method, "scale_bar");
  ExpectMapNear(calibration.SourcePxToEnv,
    neuroplayback::CalibrateFromScaleBar({ 100, 200 }, { 400, 600 }, 50.0, H, { 10, 20 }), 0.0);
  EXPECT_POINT_NEAR(calibration.SourcePxToEnv.Apply(0, H), (Point2{ 10, 20 }), 1e-12);
}

TEST_F(VideoCalibrationFile, LandmarksDefaultToSimilarity) {
  const Affine2D truth = Known(0.25, 0.18, 10, 5, H);
  WriteDataset(Group, "landmarks_px", { 5, 2 }, Flatten(PixelLandmarks));
  WriteDataset(Group, "landmarks_env", { 5, 2 }, Flatten(MapAll(truth, PixelLandmarks)));
  const VideoCalibration calibration = Load();
  EXPECT_EQ(calibration.Method, "landmarks (similarity)");
  ExpectMapNear(calibration.SourcePxToEnv, truth, 1e-9);
  EXPECT_LT(calibration.LandmarkRms, 1e-9);
  EXPECT_FALSE(AnyWarningMentions(calibration, "landmark fit is off"));
}

TEST_F(VideoCalibrationFile, LandmarkFitRigidAndAffine) {
  const Affine2D sheared = Matrix({ 0.21, 0.04, -30.0, -0.03, -0.26, 140.0, 0, 0, 1 });
  WriteDataset(Group, "landmarks_px", { 5, 2 }, Flatten(PixelLandmarks));
  WriteDataset(Group, "landmarks_env", { 5, 2 }, Flatten(MapAll(sheared, PixelLandmarks)));
  WriteStringAttribute(Group, "landmark_fit", "affine");
  const VideoCalibration affine = Load();
  EXPECT_EQ(affine.Method, "landmarks (affine)");
  ExpectMapNear(affine.SourcePxToEnv, sheared, 1e-9);
  H5Adelete(Group, "landmark_fit");
  WriteStringAttribute(Group, "landmark_fit", "rigid");
  const VideoCalibration rigid = Load();
  EXPECT_EQ(rigid.Method, "landmarks (rigid)");
  // Pixels are not centimetres here: a rigid fit is far off, and that is said.
  EXPECT_TRUE(AnyWarningMentions(rigid, "rigid landmark fit is off by")) << rigid.Warnings.size();
  EXPECT_TRUE(AnyWarningMentions(rigid, "landmark_fit = affine"));
}

TEST_F(VideoCalibrationFile, SwappedLandmarksAreWarnedAbout) {
  const Affine2D truth = Known(0.0, 0.15, 2, 2, H);
  std::vector<Point2> env = MapAll(truth, PixelLandmarks);
  std::swap(env[1], env[2]);
  WriteDataset(Group, "landmarks_px", { 5, 2 }, Flatten(PixelLandmarks));
  WriteDataset(Group, "landmarks_env", { 5, 2 }, Flatten(env));
  const VideoCalibration calibration = Load();
  EXPECT_GT(calibration.LandmarkRms, 1.0);
  EXPECT_TRUE(AnyWarningMentions(calibration, "/overlays/video: the similarity landmark fit is off by"));
  EXPECT_TRUE(AnyWarningMentions(calibration, "same order"));
}

TEST_F(VideoCalibrationFile, CmPerPixelWithOrigin) {
  WriteAttribute(Group, "cm_per_px", {}, { 0.2 });
  WriteAttribute(Group, "env_origin", { 2 }, { -14.0, -2.0 });
  const VideoCalibration calibration = Load();
  EXPECT_EQ(calibration.Method, "cm_per_px");
  ExpectMapNear(calibration.SourcePxToEnv, neuroplayback::CalibrateFromCmPerPixel(0.2, H, { -14, -2 }), 0.0);
  EXPECT_TRUE(calibration.Warnings.empty()) << calibration.Warnings.front();
}

TEST_F(VideoCalibrationFile, NoCalibrationStretchesOverTheArenaWithAWarning) {
  const VideoCalibration calibration = Load();
  EXPECT_EQ(calibration.Method, "fit to environment bounds");
  EXPECT_FALSE(calibration.Calibrated());
  EXPECT_POINT_NEAR(calibration.SourcePxToEnv.Apply(0, 0), (Point2{ 0, 100 }), 1e-12);
  EXPECT_POINT_NEAR(calibration.SourcePxToEnv.Apply(W, H), (Point2{ 100, 0 }), 1e-12);
  ASSERT_EQ(calibration.Warnings.size(), 1u);
  EXPECT_EQ(calibration.Warnings[0],
    "/overlays/video: no calibration: the video is stretched over the arena's bounds; add px_to_env, "
    "scale_bar_px + scale_bar_length, landmarks_px + landmarks_env, or cm_per_px.");
}

TEST_F(VideoCalibrationFile, NoCalibrationStretchesTheCrop) {
  WriteIntAttribute(Group, "crop", { 4 }, { 100, 50, 400, 300 });
  WriteIntAttribute(Group, "downsample", {}, { 2 });
  const VideoCalibration calibration = Load();
  EXPECT_POINT_NEAR(calibration.SourcePxToEnv.Apply(100, 50), (Point2{ 0, 100 }), 1e-12);
  EXPECT_POINT_NEAR(calibration.SourcePxToEnv.Apply(500, 350), (Point2{ 100, 0 }), 1e-12);
  // The 200 x 150 output image spans the arena.
  EXPECT_POINT_NEAR(calibration.OutputPxToEnv().Apply(200, 150), (Point2{ 100, 0 }), 1e-12);
}

TEST_F(VideoCalibrationFile, CropAndDownsampleAreRead) {
  WriteAttribute(Group, "cm_per_px", {}, { 0.2 });
  WriteAttribute(Group, "crop", { 4 }, { 40.0, 20.0, 560.0, 440.0 });
  WriteAttribute(Group, "downsample", {}, { 2.0 });
  const VideoCalibration calibration = Load();
  EXPECT_EQ(calibration.Crop.X, 40);
  EXPECT_EQ(calibration.Crop.Y, 20);
  EXPECT_EQ(calibration.Crop.Width, 560);
  EXPECT_EQ(calibration.Crop.Height, 440);
  EXPECT_EQ(calibration.Downsample, 2);
  // Output pixel (3, 4)'s centre is the centre of source block [46, 48) x [28, 30).
  EXPECT_POINT_NEAR(calibration.OutputPxToEnv().Apply(3.5, 4.5), calibration.SourcePxToEnv.Apply(47, 29), 1e-12);
}

TEST_F(VideoCalibrationFile, ZeroCropMeansTheWholeFrame) {
  WriteAttribute(Group, "cm_per_px", {}, { 0.2 });
  WriteIntAttribute(Group, "crop", { 4 }, { 0, 0, 0, 0 });
  EXPECT_TRUE(Load().Crop.Empty());
}

TEST_F(VideoCalibrationFile, ASmallImageIsWarnedAbout) {
  WriteAttribute(Group, "cm_per_px", {}, { 0.1 }); // 64 x 48 cm of a 100 x 100 cm arena
  const VideoCalibration calibration = Load();
  EXPECT_TRUE(AnyWarningMentions(calibration, "covers only 31% of the arena's bounding box")) <<
    (calibration.Warnings.empty() ? "" : calibration.Warnings.front());
}

TEST_F(VideoCalibrationFile, AnImageOffTheArenaIsWarnedAbout) {
  WriteAttribute(Group, "cm_per_px", {}, { 0.2 });
  WriteAttribute(Group, "env_origin", { 2 }, { 500.0, 500.0 });
  const VideoCalibration calibration = Load();
  EXPECT_TRUE(AnyWarningMentions(calibration, "misses the arena")) <<
    (calibration.Warnings.empty() ? "" : calibration.Warnings.front());
}

TEST_F(VideoCalibrationFile, EnvOriginWithPxToEnvIsIgnoredWithAWarning) {
  const Affine2D map = GeneratorMap();
  WriteDataset(Group, "px_to_env", { 3, 3 }, { map.M.begin(), map.M.end() });
  WriteAttribute(Group, "env_origin", { 2 }, { 1.0, 2.0 });
  const VideoCalibration calibration = Load();
  ExpectMapNear(calibration.SourcePxToEnv, map, 0.0);
  EXPECT_TRUE(AnyWarningMentions(calibration, "env_origin is only used with"));
}

TEST_F(VideoCalibrationFile, SingularPxToEnv) {
  WriteDataset(Group, "px_to_env", { 3, 3 }, { 0.2, 0.4, 0, 0.1, 0.2, 0, 0, 0, 1 });
  EXPECT_MENTIONS(LoadError(), "/overlays/video", "px_to_env", "singular");
}

TEST_F(VideoCalibrationFile, PxToEnvWithABadLastRow) {
  WriteDataset(Group, "px_to_env", { 3, 3 }, { 0.2, 0, 0, 0, -0.2, 96, 0, 0.001, 1 });
  EXPECT_MENTIONS(LoadError(), "/overlays/video", "last row", "not (0, 0, 1)");
}

TEST_F(VideoCalibrationFile, PxToEnvWithNaN) {
  WriteDataset(Group, "px_to_env", { 3, 3 }, { 0.2, 0, NaN, 0, -0.2, 96, 0, 0, 1 });
  EXPECT_MENTIONS(LoadError(), "/overlays/video", "px_to_env", "not finite");
}

TEST_F(VideoCalibrationFile, PxToEnvOfTheWrongShape) {
  WriteDataset(Group, "px_to_env", { 2, 3 }, { 0.2, 0, 0, 0, -0.2, 96 });
  EXPECT_MENTIONS(LoadError(), "/overlays/video", "px_to_env has shape (2, 3)", "(3, 3)");
}

TEST_F(VideoCalibrationFile, TwoMethodsAtOnce) {
  const Affine2D map = GeneratorMap();
  WriteDataset(Group, "px_to_env", { 3, 3 }, { map.M.begin(), map.M.end() });
  WriteAttribute(Group, "cm_per_px", {}, { 0.2 });
  EXPECT_MENTIONS(LoadError(), "/overlays/video has more than one calibration: px_to_env and cm_per_px",
    "Give exactly one of");
}

TEST_F(VideoCalibrationFile, ScaleBarWithoutLength) {
  WriteDataset(Group, "scale_bar_px", { 2, 2 }, { 100, 200, 400, 600 });
  EXPECT_MENTIONS(LoadError(), "/overlays/video", "scale_bar_px but no scale_bar_length");
}

TEST_F(VideoCalibrationFile, ZeroLengthScaleBar) {
  WriteDataset(Group, "scale_bar_px", { 2, 2 }, { 100, 200, 100, 200 });
  WriteAttribute(Group, "scale_bar_length", {}, { 50.0 });
  EXPECT_MENTIONS(LoadError(), "/overlays/video", "zero length");
}

TEST_F(VideoCalibrationFile, LandmarksWithoutTheirEnvironmentPoints) {
  WriteDataset(Group, "landmarks_px", { 5, 2 }, Flatten(PixelLandmarks));
  EXPECT_MENTIONS(LoadError(), "/overlays/video", "landmarks_px but no landmarks_env");
}

TEST_F(VideoCalibrationFile, TwoLandmarks) {
  WriteDataset(Group, "landmarks_px", { 2, 2 }, { 0, 0, 10, 10 });
  WriteDataset(Group, "landmarks_env", { 2, 2 }, { 0, 0, 1, 1 });
  EXPECT_MENTIONS(LoadError(), "/overlays/video", "only 2 landmarks");
}

TEST_F(VideoCalibrationFile, CollinearLandmarks) {
  WriteDataset(Group, "landmarks_px", { 3, 2 }, { 0, 0, 10, 10, 20, 20 });
  WriteDataset(Group, "landmarks_env", { 3, 2 }, { 0, 0, 1, 0, 0, 1 });
  EXPECT_MENTIONS(LoadError(), "/overlays/video", "collinear");
}

TEST_F(VideoCalibrationFile, LandmarksOfTheWrongShape) {
  WriteDataset(Group, "landmarks_px", { 6 }, { 0, 0, 10, 10, 20, 0 });
  WriteDataset(Group, "landmarks_env", { 3, 2 }, { 0, 0, 1, 0, 0, 1 });
  EXPECT_MENTIONS(LoadError(), "/overlays/video/landmarks_px has shape (6,)", "(k, 2)");
}

TEST_F(VideoCalibrationFile, UnknownLandmarkFit) {
  WriteDataset(Group, "landmarks_px", { 5, 2 }, Flatten(PixelLandmarks));
  WriteDataset(Group, "landmarks_env", { 5, 2 }, Flatten(PixelLandmarks));
  WriteStringAttribute(Group, "landmark_fit", "similarty");
  EXPECT_MENTIONS(LoadError(), "/overlays/video", "landmark_fit = 'similarty'", "Did you mean 'similarity'",
    "rigid, similarity (the default) or affine");
}

TEST_F(VideoCalibrationFile, NegativeCmPerPixel) {
  WriteAttribute(Group, "cm_per_px", {}, { -0.2 });
  EXPECT_MENTIONS(LoadError(), "/overlays/video", "cm_per_px must be a positive scale");
}

TEST_F(VideoCalibrationFile, CropOutsideTheFrame) {
  WriteAttribute(Group, "cm_per_px", {}, { 0.2 });
  WriteIntAttribute(Group, "crop", { 4 }, { 600, 400, 100, 100 });
  EXPECT_MENTIONS(LoadError(), "/overlays/video", "crop (600, 400, 100, 100) reaches outside the 640 x 480 frame");
}

TEST_F(VideoCalibrationFile, CropOfTheWrongSize) {
  WriteIntAttribute(Group, "crop", { 3 }, { 0, 0, 100 });
  EXPECT_MENTIONS(LoadError(), "/overlays/video", "crop has 3 values");
}

TEST_F(VideoCalibrationFile, CropOfPartPixels) {
  WriteAttribute(Group, "crop", { 4 }, { 0.5, 0, 100, 100 });
  EXPECT_MENTIONS(LoadError(), "/overlays/video", "crop x = 0.5 is not a whole number");
}

TEST_F(VideoCalibrationFile, DownsampleZero) {
  WriteIntAttribute(Group, "downsample", {}, { 0 });
  EXPECT_MENTIONS(LoadError(), "/overlays/video", "downsample = 0", "1 or more");
}

TEST_F(VideoCalibrationFile, DownsampleNotWhole) {
  WriteAttribute(Group, "downsample", {}, { 1.5 });
  EXPECT_MENTIONS(LoadError(), "/overlays/video", "downsample = 1.5 is not a whole number");
}

TEST_F(VideoCalibrationFile, DownsampleLargerThanTheImage) {
  WriteIntAttribute(Group, "crop", { 4 }, { 0, 0, 8, 8 });
  WriteIntAttribute(Group, "downsample", {}, { 16 });
  EXPECT_MENTIONS(LoadError(), "/overlays/video", "leaves no whole pixel");
}
