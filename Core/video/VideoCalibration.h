#pragma once
// Where a behaviour video's pixels lie in environment coordinates: a 2-D affine map from source
// pixels to the arena, from one of four calibrations (as neurospatial's calibrate_* helpers), and
// the crop and downsample that cut the displayed image from the source frame. neurospatial ignored
// crop and downsample; here they are composed in (OutputPixelsToEnvironment), so a cropped or
// downsampled video still lands on the right part of the arena.
//
// Pixel coordinates are continuous: (0, 0) is the top-left corner of the image and (W, H) its
// bottom-right corner, y down; pixel (c, r) covers [c, c+1) x [r, r+1), its centre is
// (c + 0.5, r + 0.5). Environment coordinates have x right, y up.
//
// Session format (on the video overlay group, e.g. /overlays/video). Calibrations are always in
// SOURCE pixels (the original, uncropped, full-resolution frame). Give at most one method:
//   px_to_env       9 float64, shape (3, 3) (or (9,)), row-major: (column, row, 1) -> (x, y, 1).
//                   The last row must be 0 0 1; the 2x2 part must not be singular.
//   scale_bar_px    (2, 2) float64: two pixel points (column, row), one per row, the ends of a bar
//   + attr scale_bar_length  of this length in environment units (> 0). Maps
//                   x = s * c + x0, y = s * (H - r) + y0 with s = scale_bar_length / |p2 - p1|.
//   landmarks_px    (k, 2) float64 pixel points (column, row), k >= 3, not collinear, no repeats,
//   landmarks_env   (k, 2) float64 environment points, row i matching landmarks_px row i;
//   + attr landmark_fit (string, optional): "rigid" (rotation + translation), "similarity"
//                   (+ uniform scale; the default) or "affine" (least squares). Pixel y is flipped
//                   (y' = H - y) before the fit, as in the reference.
//   attr cm_per_px  (float64 > 0): x = s * c + x0, y = s * (H - r) + y0 with s = cm_per_px.
//   attr env_origin (2 float64, optional, scale_bar / cm_per_px only): (x0, y0), where the
//                   bottom-left corner of the frame, pixel point (0, H), lands; default (0, 0).
//   None of them: the frame (or the crop, when there is one) is stretched over the environment's
//   bounding box, row 0 at ymax, with a warning.
// The arrays (px_to_env, scale_bar_px, landmarks_px, landmarks_env) may each be a dataset or an
// attribute of the same shape; when both exist the dataset is used (a warning if they differ).
// How the displayed image is cut from the source frame (attributes, optional):
//   crop            4 numbers (x, y, w, h), whole source pixels: the source region
//                   [x, x + w) x [y, y + h), inside the frame, w and h >= 1; absent or all 0 = none.
//   downsample      integer >= 1 (default 1): output pixel (c', r') is the d x d source block whose
//                   top-left corner is (x + c' d, y + r' d), i.e. output point (c', r') is source
//                   point (x + c' d, y + r' d).
// Integers may be stored as integer or float types (float values must be whole numbers).
#include <hdf5.h>

#include <array>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace neuroplayback {

struct Point2 {
  double X = 0.0;
  double Y = 0.0;
};

// A 2-D affine map as a 3x3 row-major matrix whose last row is 0 0 1.
struct Affine2D {
  std::array<double, 9> M{ 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0 };

  Point2 Apply(double x, double y) const { return { M[0] * x + M[1] * y + M[2], M[3] * x + M[4] * y + M[5] }; }
  Point2 Apply(Point2 p) const { return Apply(p.X, p.Y); }
  // Throws SessionError (naming `where`) when the map is singular or not finite.
  Affine2D Inverse(const std::string& where = "The video calibration") const;
  // This map after `first`: Compose(first).Apply(p) == Apply(first.Apply(p)).
  Affine2D Compose(const Affine2D& first) const;
  // Of the 2x2 linear part; negative when the map mirrors, as pixel-to-arena maps normally do (rows
  // down, y up).
  double Determinant() const { return M[0] * M[4] - M[1] * M[3]; }
  // Environment units per source pixel: the mean length of the images of the unit pixel steps.
  double CmPerPixel() const;
  bool IsFinite() const;
  // Not finite, or the images of the two pixel axes are (nearly) parallel or zero.
  bool IsSingular() const;
};

enum class LandmarkFit { Rigid, Similarity, Affine };
const char* LandmarkFitName(LandmarkFit fit);

struct LandmarkResult {
  Affine2D PxToEnv;
  double RmsResidual = 0.0; // sqrt(mean |fit(px_i) - env_i|^2), environment units
  double MaxResidual = 0.0;
  std::size_t WorstLandmark = 0; // index of the largest residual
};

// Environment bounding box, in the order of Environment::Bounds(): xmin, xmax, ymin, ymax.
struct EnvironmentBounds {
  double XMin = 0.0;
  double XMax = 1.0;
  double YMin = 0.0;
  double YMax = 1.0;
};

// Every function below throws SessionError naming `where` on degenerate input.

// x = s * c + x0, y = s * (H - r) + y0 with s = length / |p2 - p1|.
Affine2D CalibrateFromScaleBar(Point2 p1, Point2 p2, double length, int frameHeight, Point2 envOrigin = {},
  const std::string& where = "The video calibration");
// Fits pixel landmarks (y flipped first) onto environment landmarks; needs >= 3 matching,
// non-collinear, distinct points. The caller decides whether the residual is too large.
LandmarkResult CalibrateFromLandmarks(const std::vector<Point2>& px, const std::vector<Point2>& env, LandmarkFit fit,
  int frameHeight, const std::string& where = "The video calibration");
// x = s * c + x0, y = s * (H - r) + y0 with s = cmPerPx.
Affine2D CalibrateFromCmPerPixel(double cmPerPx, int frameHeight, Point2 envOrigin = {},
  const std::string& where = "The video calibration");
// No calibration: the frame's corners go to the box's corners, row 0 at ymax (a non-uniform
// stretch). When the box has no height (or no width), pixels are kept square instead and the
// frame is centred on the box.
Affine2D FitToBounds(int frameWidth, int frameHeight, double xmin, double xmax, double ymin, double ymax,
  const std::string& where = "The video calibration");
// Output-image pixel coordinates (after crop and downsample) to environment coordinates: output
// point (c', r') is source point (cropX + c' * downsample, cropY + r' * downsample).
Affine2D OutputPixelsToEnvironment(const Affine2D& sourcePxToEnv, int cropX, int cropY, int downsample,
  const std::string& where = "The video calibration");

// A source-pixel region; Width = Height = 0 means the whole frame.
struct VideoCrop {
  int X = 0;
  int Y = 0;
  int Width = 0;
  int Height = 0;
  bool Empty() const { return Width == 0 && Height == 0; }
};

struct VideoCalibration {
  Affine2D SourcePxToEnv;
  // "px_to_env", "scale_bar", "landmarks (similarity)" (or rigid, affine), "cm_per_px" or
  // "fit to environment bounds".
  std::string Method;
  VideoCrop Crop;
  int Downsample = 1;
  double LandmarkRms = std::numeric_limits<double>::quiet_NaN(); // landmarks only
  std::vector<std::string> Warnings;

  bool Calibrated() const { return Method != "fit to environment bounds"; }
  // What the displayed (cropped, downsampled) image needs.
  Affine2D OutputPxToEnv() const;
};

// A landmark fit whose RMS residual is above this fraction of the arena's larger side is warned about.
constexpr double LandmarkResidualWarningFraction = 0.01;
// A calibrated image covering less than this fraction of the arena's bounding box is warned about.
constexpr double CoverageWarningFraction = 0.5;

// Where an image actor puts a displayed image of `height` rows whose VTK point (i, j) is the centre of
// displayed pixel (i, height - 1 - j) (VTK's rows go up): a rotation about z, then a scale, then a
// translation, as vtkProp3D composes Orientation, Scale and Position. An image has no shear, so an
// affine calibration loses its shear; ShearFraction says how much (of the larger scale).
struct ImagePlacement {
  double X = 0.0;
  double Y = 0.0;
  double AngleDegrees = 0.0;
  double ScaleX = 1.0;
  double ScaleY = 1.0;
  double ShearFraction = 0.0;
};
ImagePlacement PlaceImage(const Affine2D& outputPxToEnv, int height);
// What to tell the user when a drawn image loses that much shear.
std::string ShearWarning(double shearFraction);

// Reads the calibration, crop and downsample of a video overlay group (format above) for a source
// frame of frameWidth x frameHeight pixels. Throws SessionError naming `where` (e.g.
// "/overlays/video") when they are malformed; suspicious but usable ones give Warnings.
VideoCalibration LoadVideoCalibration(hid_t videoGroup, const std::string& where, int frameWidth, int frameHeight,
  const EnvironmentBounds& arena);

} // namespace neuroplayback
