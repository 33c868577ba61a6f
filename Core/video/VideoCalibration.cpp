#include "VideoCalibration.h"

#include "Hdf5.h"
#include "OverlayReading.h"
#include "SessionError.h"
#include "Suggestions.h"

#include <Eigen/Dense>
#include <Eigen/Geometry>

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

namespace neuroplayback {

using overlay_io::ShapeText;

namespace {

// Relative size below which the pixel axes' images count as parallel (a singular map).
constexpr double SingularTolerance = 1e-12;
// Ratio of the singular values of centred landmarks below which they are collinear (the reference's).
constexpr double CollinearTolerance = 1e-6;
// Fraction of a point set's extent within which two landmarks are the same point.
constexpr double RepeatTolerance = 1e-9;

std::string Num(double value) {
  std::ostringstream text;
  text.precision(6);
  text << value;
  return text.str();
}

std::string PointText(Point2 p) { return "(" + Num(p.X) + ", " + Num(p.Y) + ")"; }

bool Finite(Point2 p) { return std::isfinite(p.X) && std::isfinite(p.Y); }

void CheckFrameHeight(int frameHeight, const std::string& where) {
  if (frameHeight < 1) {
    throw SessionError(where + ": the video frame height is " + std::to_string(frameHeight) + " pixels.",
      "Give the source frame's real size (at least 1 x 1 pixel).");
  }
}

void CheckOrigin(Point2 origin, const std::string& where) {
  if (!Finite(origin)) {
    throw SessionError(where + ": env_origin " + PointText(origin) + " is not finite.",
      "Set env_origin to the environment point (x0, y0) of the frame's bottom-left corner, or remove it for (0, 0).");
  }
}

// x = s * c + x0, y = s * (H - r) + y0: scale after flipping pixel rows to point up.
Affine2D ScaleAndFlip(double s, int frameHeight, Point2 origin) {
  Affine2D a;
  a.M = { s, 0.0, origin.X, 0.0, -s, s * frameHeight + origin.Y, 0.0, 0.0, 1.0 };
  return a;
}

Affine2D Translation(double dx, double dy) {
  Affine2D a;
  a.M[2] = dx;
  a.M[5] = dy;
  return a;
}

void ThrowIfSingular(const Affine2D& map, const std::string& where, const std::string& what, const std::string& fix) {
  if (map.IsSingular()) {
    throw SessionError(where + ": " + what + " is singular or not finite: it would squash the video onto a line or a point.",
      fix);
  }
}

// The first pair of (nearly) equal points, if any.
std::optional<std::pair<std::size_t, std::size_t>> FindRepeat(const std::vector<Point2>& points) {
  double extent = 0.0;
  for (const Point2& p : points) {
    for (const Point2& q : points) {
      extent = std::max({ extent, std::fabs(p.X - q.X), std::fabs(p.Y - q.Y) });
    }
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    for (std::size_t j = i + 1; j < points.size(); ++j) {
      if (std::hypot(points[i].X - points[j].X, points[i].Y - points[j].Y) <= RepeatTolerance * extent) {
        return std::make_pair(i, j);
      }
    }
  }
  return std::nullopt;
}

// Smallest over largest singular value of the centred points: 0 when they lie on a line.
double Spread(const Eigen::Matrix2Xd& points) {
  const Eigen::Matrix2Xd centred = points.colwise() - points.rowwise().mean();
  const Eigen::Vector2d singular = Eigen::JacobiSVD<Eigen::MatrixXd>(centred.transpose()).singularValues();
  return singular(0) > 0.0 ? singular(1) / singular(0) : 0.0;
}

Affine2D FromEigen(const Eigen::Matrix3d& m) {
  Affine2D a;
  a.M = { m(0, 0), m(0, 1), m(0, 2), m(1, 0), m(1, 1), m(1, 2), 0.0, 0.0, 1.0 };
  return a;
}

// ---- HDF5 reading ----

struct Numbers {
  std::vector<double> Values;
  std::vector<hsize_t> Shape;
};

bool IsNumeric(hid_t type) {
  const H5T_class_t typeClass = H5Tget_class(type);
  return typeClass == H5T_INTEGER || typeClass == H5T_FLOAT;
}

// A numeric attribute of any shape (h5::ReadDoubleAttribute reads scalars only).
std::optional<Numbers> ReadNumericAttribute(hid_t obj, const std::string& name, const std::string& where) {
  if (!h5::HasAttribute(obj, name)) {
    return std::nullopt;
  }
  h5::ErrorSilencer silence;
  h5::Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
  h5::Handle type(H5Aget_type(attr.Get()));
  if (!IsNumeric(type.Get())) {
    throw SessionError(where + ": attribute " + name + " is not numeric.", "Store " + name + " as float64 numbers.");
  }
  h5::Handle space(H5Aget_space(attr.Get()));
  Numbers out;
  const int rank = H5Sget_simple_extent_ndims(space.Get());
  out.Shape.resize(rank > 0 ? static_cast<std::size_t>(rank) : 0);
  if (rank > 0) {
    H5Sget_simple_extent_dims(space.Get(), out.Shape.data(), nullptr);
  }
  const hssize_t count = H5Sget_simple_extent_npoints(space.Get());
  out.Values.resize(count > 0 ? static_cast<std::size_t>(count) : 0);
  if (!out.Values.empty() && H5Aread(attr.Get(), H5T_NATIVE_DOUBLE, out.Values.data()) < 0) {
    throw SessionError(where + ": attribute " + name + " could not be read.", "Rewrite it as float64 numbers.");
  }
  return out;
}

// An array stored as a dataset or as an attribute; the dataset wins, with a warning if they differ.
std::optional<Numbers> ReadArray(hid_t group, const std::string& name, const std::string& where,
  std::vector<std::string>& warnings) {
  std::optional<Numbers> attribute = ReadNumericAttribute(group, name, where);
  if (!h5::Exists(group, name)) {
    return attribute;
  }
  h5::Handle dataset;
  try {
    dataset = h5::OpenDataset(group, name);
  } catch (const SessionError&) {
    throw SessionError(where + "/" + name + " is not a dataset.", "Write " + name + " as a float64 dataset.");
  }
  h5::Handle type(H5Dget_type(dataset.Get()));
  if (!IsNumeric(type.Get())) {
    throw SessionError(where + "/" + name + " is not numeric.", "Store " + name + " as float64.");
  }
  Numbers out{ h5::ReadAllDoubles(dataset.Get()), h5::Shape(dataset.Get()) };
  if (attribute && attribute->Values != out.Values) {
    bool same = attribute->Values.size() == out.Values.size();
    for (std::size_t i = 0; same && i < out.Values.size(); ++i) {
      same = std::fabs(out.Values[i] - attribute->Values[i]) <= 1e-12 * std::max(1.0, std::fabs(out.Values[i]));
    }
    if (!same) {
      warnings.push_back(where + ": the dataset " + name + " and the attribute " + name +
        " differ; the dataset is used. How to fix: remove one of them, or write the same values to both.");
    }
  }
  return out;
}

bool Present(hid_t group, const std::string& name) { return h5::HasAttribute(group, name) || h5::Exists(group, name); }

// A single-number attribute; nullopt when absent.
std::optional<double> ReadScalar(hid_t group, const std::string& name, const std::string& where) {
  if (!h5::HasAttribute(group, name)) {
    if (h5::Exists(group, name)) {
      throw SessionError(where + "/" + name + " is a dataset, but " + name + " must be an attribute.",
        "Write " + name + " as a single-number attribute of " + where + ".");
    }
    return std::nullopt;
  }
  const std::optional<double> value = h5::ReadDoubleAttribute(group, name);
  if (!value) {
    throw SessionError(where + ": attribute " + name + " is not a single number.",
      "Write " + name + " as one float64 (or integer) value.");
  }
  return value;
}

std::vector<Point2> PointsOf(const Numbers& numbers) {
  std::vector<Point2> points;
  for (std::size_t i = 0; i + 1 < numbers.Values.size(); i += 2) {
    points.push_back({ numbers.Values[i], numbers.Values[i + 1] });
  }
  return points;
}

// (k, 2) points, k >= 1.
std::vector<Point2> ReadPoints(hid_t group, const std::string& name, const std::string& where,
  std::vector<std::string>& warnings) {
  const std::optional<Numbers> numbers = ReadArray(group, name, where, warnings);
  if (!numbers || numbers->Shape.size() != 2 || numbers->Shape[1] != 2 || numbers->Shape[0] == 0) {
    throw SessionError(where + "/" + name + " has shape " + (numbers ? ShapeText(numbers->Shape) : "()") +
        "; it must be (k, 2).",
      "Write one point per row: (column, row) for pixel points, (x, y) for environment points.");
  }
  return PointsOf(*numbers);
}

int WholeNumber(double value, const std::string& name, const std::string& where, const std::string& fix) {
  if (!std::isfinite(value) || value != std::floor(value) || std::fabs(value) > 1e9) {
    throw SessionError(where + ": " + name + " = " + Num(value) + " is not a whole number of pixels.", fix);
  }
  return static_cast<int>(value);
}

LandmarkFit ParseLandmarkFit(hid_t group, const std::string& where) {
  if (!h5::HasAttribute(group, "landmark_fit")) {
    return LandmarkFit::Similarity;
  }
  const std::optional<std::string> text = h5::ReadStringAttribute(group, "landmark_fit");
  const std::vector<std::string> names{ "rigid", "similarity", "affine" };
  for (std::size_t i = 0; text && i < names.size(); ++i) {
    if (*text == names[i]) {
      return static_cast<LandmarkFit>(i);
    }
  }
  std::string hint;
  if (text) {
    const std::vector<std::string> close = ClosestNames(*text, names, 1);
    hint = close.empty() ? "" : " Did you mean '" + close[0] + "'?";
  }
  throw SessionError(where + ": landmark_fit = " + (text ? "'" + *text + "'" : std::string("(not a string)")) +
      " is not a known fit." + hint,
    "Set landmark_fit to rigid, similarity (the default) or affine.");
}

// Area of a convex polygon clipped to a box (Sutherland-Hodgman, one box side at a time).
double ClippedArea(std::vector<Point2> polygon, const EnvironmentBounds& box) {
  auto clip = [&polygon](auto inside, auto cross) {
    std::vector<Point2> out;
    for (std::size_t i = 0; i < polygon.size(); ++i) {
      const Point2 a = polygon[i];
      const Point2 b = polygon[(i + 1) % polygon.size()];
      if (inside(a)) {
        out.push_back(a);
      }
      if (inside(a) != inside(b)) {
        out.push_back(cross(a, b));
      }
    }
    polygon = std::move(out);
  };
  auto atX = [](double x) {
    return [x](Point2 a, Point2 b) { return Point2{ x, a.Y + (b.Y - a.Y) * (x - a.X) / (b.X - a.X) }; };
  };
  auto atY = [](double y) {
    return [y](Point2 a, Point2 b) { return Point2{ a.X + (b.X - a.X) * (y - a.Y) / (b.Y - a.Y), y }; };
  };
  clip([&](Point2 p) { return p.X >= box.XMin; }, atX(box.XMin));
  clip([&](Point2 p) { return p.X <= box.XMax; }, atX(box.XMax));
  clip([&](Point2 p) { return p.Y >= box.YMin; }, atY(box.YMin));
  clip([&](Point2 p) { return p.Y <= box.YMax; }, atY(box.YMax));
  double twiceArea = 0.0;
  for (std::size_t i = 0; i < polygon.size(); ++i) {
    const Point2 a = polygon[i];
    const Point2 b = polygon[(i + 1) % polygon.size()];
    twiceArea += a.X * b.Y - b.X * a.Y;
  }
  return 0.5 * std::fabs(twiceArea);
}

std::string BoxText(const EnvironmentBounds& box) {
  return "x " + Num(box.XMin) + ".." + Num(box.XMax) + ", y " + Num(box.YMin) + ".." + Num(box.YMax);
}

const char* const MethodList = "px_to_env, scale_bar_px + scale_bar_length, landmarks_px + landmarks_env, or cm_per_px";

} // namespace

// ---- Affine2D ----

Affine2D Affine2D::Inverse(const std::string& where) const {
  ThrowIfSingular(*this, where, "the pixel-to-environment map", "Check the calibration: its 2x2 part must map the "
    "pixel axes to two non-parallel directions (non-zero determinant).");
  const double det = Determinant();
  Affine2D inverse;
  const double a = M[4] / det;
  const double b = -M[1] / det;
  const double c = -M[3] / det;
  const double d = M[0] / det;
  inverse.M = { a, b, -(a * M[2] + b * M[5]), c, d, -(c * M[2] + d * M[5]), 0.0, 0.0, 1.0 };
  return inverse;
}

Affine2D Affine2D::Compose(const Affine2D& first) const {
  Affine2D out;
  for (int row = 0; row < 2; ++row) {
    for (int col = 0; col < 3; ++col) {
      double sum = M[static_cast<std::size_t>(3 * row + 2)] * (col == 2 ? 1.0 : 0.0);
      for (int k = 0; k < 2; ++k) {
        sum += M[static_cast<std::size_t>(3 * row + k)] * first.M[static_cast<std::size_t>(3 * k + col)];
      }
      out.M[static_cast<std::size_t>(3 * row + col)] = sum;
    }
  }
  return out;
}

double Affine2D::CmPerPixel() const { return 0.5 * (std::hypot(M[0], M[3]) + std::hypot(M[1], M[4])); }

bool Affine2D::IsFinite() const {
  return std::all_of(M.begin(), M.end(), [](double v) { return std::isfinite(v); });
}

bool Affine2D::IsSingular() const {
  const double columnX = std::hypot(M[0], M[3]);
  const double columnY = std::hypot(M[1], M[4]);
  return !IsFinite() || !(columnX > 0.0) || !(columnY > 0.0) ||
    std::fabs(Determinant()) <= SingularTolerance * columnX * columnY;
}

const char* LandmarkFitName(LandmarkFit fit) {
  switch (fit) {
    case LandmarkFit::Rigid: return "rigid";
    case LandmarkFit::Similarity: return "similarity";
    case LandmarkFit::Affine: return "affine";
  }
  return "unknown";
}

// ---- Calibrations ----

Affine2D CalibrateFromScaleBar(Point2 p1, Point2 p2, double length, int frameHeight, Point2 envOrigin,
  const std::string& where) {
  CheckFrameHeight(frameHeight, where);
  CheckOrigin(envOrigin, where);
  if (!Finite(p1) || !Finite(p2)) {
    throw SessionError(where + ": the scale bar ends " + PointText(p1) + " and " + PointText(p2) + " are not finite.",
      "Write scale_bar_px as the two pixel points (column, row) at the ends of the bar.");
  }
  if (!std::isfinite(length) || length <= 0.0) {
    throw SessionError(where + ": scale_bar_length must be a positive length (it is " + Num(length) + ").",
      "Set scale_bar_length to the bar's real length in environment units (e.g. cm).");
  }
  const double pixels = std::hypot(p2.X - p1.X, p2.Y - p1.Y);
  if (!(pixels > 0.0)) {
    throw SessionError(where + ": the scale bar has zero length: both ends are at pixel " + PointText(p1) + ".",
      "Write scale_bar_px as two different pixel points, the two ends of the bar.");
  }
  return ScaleAndFlip(length / pixels, frameHeight, envOrigin);
}

Affine2D CalibrateFromCmPerPixel(double cmPerPx, int frameHeight, Point2 envOrigin, const std::string& where) {
  CheckFrameHeight(frameHeight, where);
  CheckOrigin(envOrigin, where);
  if (!std::isfinite(cmPerPx) || cmPerPx <= 0.0) {
    throw SessionError(where + ": cm_per_px must be a positive scale (it is " + Num(cmPerPx) + ").",
      "Set cm_per_px to the environment units per source pixel, e.g. 0.25.");
  }
  return ScaleAndFlip(cmPerPx, frameHeight, envOrigin);
}

LandmarkResult CalibrateFromLandmarks(const std::vector<Point2>& px, const std::vector<Point2>& env, LandmarkFit fit,
  int frameHeight, const std::string& where) {
  CheckFrameHeight(frameHeight, where);
  const std::string fix = "Give at least 3 landmarks that are not on one line, each seen at one pixel point "
    "(landmarks_px, (k, 2) column, row) and known in the environment (landmarks_env, (k, 2) x, y), in the same order.";
  if (px.size() != env.size()) {
    throw SessionError(where + ": landmarks_px has " + std::to_string(px.size()) + " points but landmarks_env has " +
        std::to_string(env.size()) + ".", fix);
  }
  if (px.size() < 3) {
    throw SessionError(where + ": only " + std::to_string(px.size()) + " landmarks; a fit needs at least 3.", fix);
  }
  for (std::size_t i = 0; i < px.size(); ++i) {
    if (!Finite(px[i]) || !Finite(env[i])) {
      throw SessionError(where + ": landmark " + std::to_string(i) + " is not finite (pixel " + PointText(px[i]) +
          ", environment " + PointText(env[i]) + ").", fix);
    }
  }
  for (const auto& [points, name] : { std::make_pair(&px, "landmarks_px"), std::make_pair(&env, "landmarks_env") }) {
    if (const auto repeat = FindRepeat(*points)) {
      throw SessionError(where + ": landmarks " + std::to_string(repeat->first) + " and " +
          std::to_string(repeat->second) + " of " + name + " are the same point " +
          PointText((*points)[repeat->first]) + " (repeated landmarks).", fix);
    }
  }
  // Flip pixel rows so both point sets are right-handed, as the reference does before fitting.
  Affine2D flip;
  flip.M = { 1.0, 0.0, 0.0, 0.0, -1.0, static_cast<double>(frameHeight), 0.0, 0.0, 1.0 };
  const auto count = static_cast<Eigen::Index>(px.size());
  Eigen::Matrix2Xd source(2, count);
  Eigen::Matrix2Xd target(2, count);
  for (Eigen::Index i = 0; i < count; ++i) {
    const Point2 flipped = flip.Apply(px[static_cast<std::size_t>(i)]);
    source.col(i) << flipped.X, flipped.Y;
    target.col(i) << env[static_cast<std::size_t>(i)].X, env[static_cast<std::size_t>(i)].Y;
  }
  if (Spread(source) < CollinearTolerance) {
    throw SessionError(where + ": the pixel landmarks (landmarks_px) are collinear: they lie on one line, "
        "so they fix no direction across it.", fix);
  }
  if (Spread(target) < CollinearTolerance) {
    throw SessionError(where + ": the environment landmarks (landmarks_env) are collinear: they lie on one line, "
        "so no non-singular map fits them.", fix);
  }
  Eigen::Matrix3d fitted = Eigen::Matrix3d::Identity();
  if (fit == LandmarkFit::Affine) {
    // Least squares on centred points, so large coordinates do not hurt the conditioning.
    const Eigen::Vector2d sourceMean = source.rowwise().mean();
    const Eigen::Vector2d targetMean = target.rowwise().mean();
    const Eigen::MatrixXd a = (source.colwise() - sourceMean).transpose();
    const Eigen::MatrixXd b = (target.colwise() - targetMean).transpose();
    const Eigen::Matrix2d linear = a.colPivHouseholderQr().solve(b).transpose();
    fitted.topLeftCorner<2, 2>() = linear;
    fitted.topRightCorner<2, 1>() = targetMean - linear * sourceMean;
  } else {
    // Dynamic-size inputs: GCC 12 warns falsely (-Wstringop-overread) inside umeyama for 2 x N.
    const Eigen::MatrixXd transform =
      Eigen::umeyama(Eigen::MatrixXd(source), Eigen::MatrixXd(target), fit == LandmarkFit::Similarity);
    fitted = transform;
  }
  LandmarkResult result;
  result.PxToEnv = FromEigen(fitted).Compose(flip);
  ThrowIfSingular(result.PxToEnv, where, std::string("the ") + LandmarkFitName(fit) + " landmark fit", fix);
  double sumSquares = 0.0;
  for (std::size_t i = 0; i < px.size(); ++i) {
    const Point2 mapped = result.PxToEnv.Apply(px[i]);
    const double residual = std::hypot(mapped.X - env[i].X, mapped.Y - env[i].Y);
    sumSquares += residual * residual;
    if (residual > result.MaxResidual) {
      result.MaxResidual = residual;
      result.WorstLandmark = i;
    }
  }
  result.RmsResidual = std::sqrt(sumSquares / static_cast<double>(px.size()));
  return result;
}

Affine2D FitToBounds(int frameWidth, int frameHeight, double xmin, double xmax, double ymin, double ymax,
  const std::string& where) {
  if (frameWidth < 1 || frameHeight < 1) {
    throw SessionError(where + ": the video frame is " + std::to_string(frameWidth) + " x " +
        std::to_string(frameHeight) + " pixels.", "Give the real frame size (at least 1 x 1 pixel).");
  }
  const double width = xmax - xmin;
  const double height = ymax - ymin;
  if (!std::isfinite(width) || !std::isfinite(height) || width < 0.0 || height < 0.0 || (width == 0.0 && height == 0.0)) {
    throw SessionError(where + ": the environment's bounds (" + BoxText({ xmin, xmax, ymin, ymax }) +
        ") are empty or not finite, so the video cannot be stretched over them.",
      "Calibrate the video (px_to_env, scale_bar_px + scale_bar_length, landmarks_px + landmarks_env, or cm_per_px).");
  }
  const double w = static_cast<double>(frameWidth);
  const double h = static_cast<double>(frameHeight);
  double sx = width / w;
  double sy = height / h;
  // A box with no height (a straight track) or width: keep pixels square, centre the frame on it.
  if (height == 0.0) {
    sy = sx;
  } else if (width == 0.0) {
    sx = sy;
  }
  Affine2D a;
  a.M = { sx, 0.0, 0.5 * (xmin + xmax) - 0.5 * sx * w, 0.0, -sy, 0.5 * (ymin + ymax) + 0.5 * sy * h, 0.0, 0.0, 1.0 };
  return a;
}

Affine2D OutputPixelsToEnvironment(const Affine2D& sourcePxToEnv, int cropX, int cropY, int downsample,
  const std::string& where) {
  if (downsample < 1) {
    throw SessionError(where + ": downsample = " + std::to_string(downsample) + "; it must be 1 or more.",
      "Set downsample to the integer factor the source frame is reduced by (1 = full resolution).");
  }
  if (cropX < 0 || cropY < 0) {
    throw SessionError(where + ": the crop starts at pixel (" + std::to_string(cropX) + ", " + std::to_string(cropY) +
        "), outside the frame.", "Give crop x and y as source pixels inside the frame (0 or more).");
  }
  ThrowIfSingular(sourcePxToEnv, where, "the pixel-to-environment map",
    "Check the calibration: it must map the pixel axes to two non-parallel directions.");
  const double d = static_cast<double>(downsample);
  Affine2D outputToSource;
  outputToSource.M = { d, 0.0, static_cast<double>(cropX), 0.0, d, static_cast<double>(cropY), 0.0, 0.0, 1.0 };
  return sourcePxToEnv.Compose(outputToSource);
}

Affine2D VideoCalibration::OutputPxToEnv() const {
  return OutputPixelsToEnvironment(SourcePxToEnv, Crop.X, Crop.Y, Downsample);
}

ImagePlacement PlaceImage(const Affine2D& outputPxToEnv, int height) {
  // Image point (i, j) is the centre of displayed pixel (i, H - 1 - j): pixel point (i + 0.5, H - 0.5 - j).
  const double* m = outputPxToEnv.M.data();
  const double h = static_cast<double>(height);
  const double a = m[0], b = -m[1], c = m[3], d = -m[4]; // the linear part with the row flip
  ImagePlacement out;
  out.X = m[0] * 0.5 + m[1] * (h - 0.5) + m[2];
  out.Y = m[3] * 0.5 + m[4] * (h - 0.5) + m[5];
  // Rotation, then an upper-triangular scale (QR): what is left over is the shear.
  const double angle = std::atan2(c, a);
  out.ScaleX = std::hypot(a, c);
  out.ScaleY = -std::sin(angle) * b + std::cos(angle) * d;
  const double shear = std::cos(angle) * b + std::sin(angle) * d;
  const double larger = std::max(std::abs(out.ScaleX), std::abs(out.ScaleY));
  out.ShearFraction = larger > 0.0 ? std::abs(shear) / larger : 0.0;
  out.AngleDegrees = angle * 180.0 / 3.14159265358979323846;
  return out;
}

std::string ShearWarning(double shearFraction) {
  std::ostringstream text;
  text << "The video's calibration is sheared by " << std::round(shearFraction * 1000.0) / 10.0
       << " % (an affine landmark fit); ParaView draws images without shear, so the video is shown without it "
          "and its corners may sit off their landmarks. Fit with method 'similarity' (rotation and scale only), "
          "or check the landmark coordinates.";
  return text.str();
}

// ---- Loading ----

VideoCalibration LoadVideoCalibration(hid_t group, const std::string& where, int frameWidth, int frameHeight,
  const EnvironmentBounds& arena) {
  VideoCalibration out;
  if (frameWidth < 1 || frameHeight < 1) {
    throw SessionError(where + ": the video frame is " + std::to_string(frameWidth) + " x " +
        std::to_string(frameHeight) + " pixels.", "Check the video's frames (n, H, W, 3) or its external file.");
  }
  const std::string frameText = std::to_string(frameWidth) + " x " + std::to_string(frameHeight);

  // Crop and downsample: how the displayed image is cut from the source frame.
  if (const std::optional<Numbers> crop = ReadNumericAttribute(group, "crop", where)) {
    const std::string fix = "Write crop as 4 whole source pixels (x, y, w, h) inside the " + frameText +
      " frame, w and h at least 1; remove it (or write 0 0 0 0) to show the whole frame.";
    if (crop->Values.size() != 4) {
      throw SessionError(where + ": crop has " + std::to_string(crop->Values.size()) + " values; it needs 4 (x, y, w, h).", fix);
    }
    const int x = WholeNumber(crop->Values[0], "crop x", where, fix);
    const int y = WholeNumber(crop->Values[1], "crop y", where, fix);
    const int w = WholeNumber(crop->Values[2], "crop w", where, fix);
    const int h = WholeNumber(crop->Values[3], "crop h", where, fix);
    const std::string cropText = "(" + std::to_string(x) + ", " + std::to_string(y) + ", " + std::to_string(w) + ", " +
      std::to_string(h) + ")";
    if (x != 0 || y != 0 || w != 0 || h != 0) {
      if (w < 1 || h < 1) {
        throw SessionError(where + ": crop " + cropText + " has no width or height.", fix);
      }
      if (x < 0 || y < 0 || x + w > frameWidth || y + h > frameHeight) {
        throw SessionError(where + ": crop " + cropText + " reaches outside the " + frameText + " frame.", fix);
      }
      out.Crop = { x, y, w, h };
    }
  }
  if (const std::optional<double> downsample = ReadScalar(group, "downsample", where)) {
    const std::string fix = "Set downsample to a whole factor of 1 or more (1 = full resolution).";
    out.Downsample = WholeNumber(*downsample, "downsample", where, fix);
    if (out.Downsample < 1) {
      throw SessionError(where + ": downsample = " + std::to_string(out.Downsample) + "; it must be 1 or more.", fix);
    }
    const int shownWidth = out.Crop.Empty() ? frameWidth : out.Crop.Width;
    const int shownHeight = out.Crop.Empty() ? frameHeight : out.Crop.Height;
    if (out.Downsample > shownWidth || out.Downsample > shownHeight) {
      throw SessionError(where + ": downsample = " + std::to_string(out.Downsample) + " leaves no whole pixel of the " +
          std::to_string(shownWidth) + " x " + std::to_string(shownHeight) + " image.", fix);
    }
  }

  // Which calibration: exactly one, or none.
  std::vector<std::string> methods;
  const bool hasMatrix = Present(group, "px_to_env");
  const bool hasScaleBar = Present(group, "scale_bar_px") || Present(group, "scale_bar_length");
  const bool hasLandmarks = Present(group, "landmarks_px") || Present(group, "landmarks_env");
  const bool hasScale = Present(group, "cm_per_px");
  if (hasMatrix) {
    methods.push_back("px_to_env");
  }
  if (hasScaleBar) {
    methods.push_back("scale_bar_px + scale_bar_length");
  }
  if (hasLandmarks) {
    methods.push_back("landmarks_px + landmarks_env");
  }
  if (hasScale) {
    methods.push_back("cm_per_px");
  }
  if (methods.size() > 1) {
    std::string names;
    for (std::size_t i = 0; i < methods.size(); ++i) {
      names += (i == 0 ? "" : i + 1 == methods.size() ? " and " : ", ") + methods[i];
    }
    throw SessionError(where + " has more than one calibration: " + names + ".",
      std::string("Give exactly one of ") + MethodList + "; remove the others.");
  }
  std::optional<Point2> origin;
  if (const std::optional<Numbers> values = ReadNumericAttribute(group, "env_origin", where)) {
    if (values->Values.size() != 2) {
      throw SessionError(where + ": env_origin has " + std::to_string(values->Values.size()) + " values; it needs 2 (x0, y0).",
        "Write env_origin as the environment point (x0, y0) of the frame's bottom-left corner.");
    }
    origin = Point2{ values->Values[0], values->Values[1] };
    if (!hasScaleBar && !hasScale) {
      out.Warnings.push_back(where + ": env_origin is only used with scale_bar_px or cm_per_px; it is ignored. "
        "How to fix: remove it (px_to_env and landmarks carry their own offset).");
    }
  }
  if (h5::HasAttribute(group, "landmark_fit") && !hasLandmarks) {
    out.Warnings.push_back(where + ": landmark_fit is set but there are no landmarks; it is ignored. "
      "How to fix: remove it, or add landmarks_px and landmarks_env.");
  }

  if (hasMatrix) {
    const Numbers matrix = *ReadArray(group, "px_to_env", where, out.Warnings);
    const bool shapeOk = matrix.Shape == std::vector<hsize_t>{ 3, 3 } || matrix.Shape == std::vector<hsize_t>{ 9 };
    const std::string fix = "Write px_to_env as a (3, 3) float64 row-major affine from source pixel (column, row, 1) "
      "to (x, y, 1), last row 0 0 1.";
    if (!shapeOk) {
      throw SessionError(where + ": px_to_env has shape " + ShapeText(matrix.Shape) + "; it must be (3, 3).", fix);
    }
    std::copy(matrix.Values.begin(), matrix.Values.end(), out.SourcePxToEnv.M.begin());
    if (!out.SourcePxToEnv.IsFinite()) {
      throw SessionError(where + ": px_to_env has values that are not finite (NaN or infinite).", fix);
    }
    const auto& m = out.SourcePxToEnv.M;
    if (std::fabs(m[6]) > 1e-9 || std::fabs(m[7]) > 1e-9 || std::fabs(m[8] - 1.0) > 1e-9) {
      throw SessionError(where + ": px_to_env's last row is (" + Num(m[6]) + ", " + Num(m[7]) + ", " + Num(m[8]) +
          "), not (0, 0, 1): it is not an affine map.", fix);
    }
    out.SourcePxToEnv.M[6] = out.SourcePxToEnv.M[7] = 0.0;
    out.SourcePxToEnv.M[8] = 1.0;
    ThrowIfSingular(out.SourcePxToEnv, where, "px_to_env", fix + " Its 2x2 part must have a non-zero determinant.");
    out.Method = "px_to_env";
  } else if (hasScaleBar) {
    if (!Present(group, "scale_bar_px") || !Present(group, "scale_bar_length")) {
      throw SessionError(where + " has " + (Present(group, "scale_bar_px") ? "scale_bar_px but no scale_bar_length" :
          "scale_bar_length but no scale_bar_px") + ": a scale bar needs both.",
        "Write scale_bar_px (2, 2), the bar's two end pixels (column, row), and the attribute scale_bar_length, "
        "its length in environment units.");
    }
    const Numbers ends = *ReadArray(group, "scale_bar_px", where, out.Warnings);
    if (ends.Shape != std::vector<hsize_t>{ 2, 2 }) {
      throw SessionError(where + ": scale_bar_px has shape " + ShapeText(ends.Shape) + "; it must be (2, 2).",
        "Write the bar's two end pixels (column, row), one per row.");
    }
    const std::vector<Point2> points = PointsOf(ends);
    const double length = *ReadScalar(group, "scale_bar_length", where);
    out.SourcePxToEnv = CalibrateFromScaleBar(points[0], points[1], length, frameHeight, origin.value_or(Point2{}), where);
    out.Method = "scale_bar";
  } else if (hasLandmarks) {
    if (!Present(group, "landmarks_px") || !Present(group, "landmarks_env")) {
      throw SessionError(where + " has " + (Present(group, "landmarks_px") ? "landmarks_px but no landmarks_env" :
          "landmarks_env but no landmarks_px") + ": a landmark fit needs both.",
        "Write landmarks_px (k, 2) pixel points (column, row) and landmarks_env (k, 2) environment points (x, y), "
        "row i of each the same landmark.");
    }
    const LandmarkFit fit = ParseLandmarkFit(group, where);
    const std::vector<Point2> px = ReadPoints(group, "landmarks_px", where, out.Warnings);
    const std::vector<Point2> env = ReadPoints(group, "landmarks_env", where, out.Warnings);
    const LandmarkResult result = CalibrateFromLandmarks(px, env, fit, frameHeight, where);
    out.SourcePxToEnv = result.PxToEnv;
    out.LandmarkRms = result.RmsResidual;
    out.Method = std::string("landmarks (") + LandmarkFitName(fit) + ")";
    const double size = std::max(arena.XMax - arena.XMin, arena.YMax - arena.YMin);
    if (std::isfinite(size) && size > 0.0 && result.RmsResidual > LandmarkResidualWarningFraction * size) {
      out.Warnings.push_back(where + ": the " + LandmarkFitName(fit) + " landmark fit is off by " +
        Num(result.RmsResidual) + " environment units (RMS; worst: landmark " + std::to_string(result.WorstLandmark) +
        ", off by " + Num(result.MaxResidual) + "), more than " + Num(100.0 * LandmarkResidualWarningFraction) +
        "% of the arena's size (" + Num(size) + "), so the video may be misplaced. How to fix: check that "
        "landmarks_px and landmarks_env list the same landmarks in the same order, pixel rows counted down from the "
        "top" + (fit == LandmarkFit::Affine ? std::string(".") : "; if the camera view is skewed, try landmark_fit = affine."));
    }
  } else if (hasScale) {
    const double scale = *ReadScalar(group, "cm_per_px", where);
    out.SourcePxToEnv = CalibrateFromCmPerPixel(scale, frameHeight, origin.value_or(Point2{}), where);
    out.Method = "cm_per_px";
  } else {
    // The displayed image (the crop, when there is one) is what fills the arena's box.
    const VideoCrop shown = out.Crop.Empty() ? VideoCrop{ 0, 0, frameWidth, frameHeight } : out.Crop;
    out.SourcePxToEnv = FitToBounds(shown.Width, shown.Height, arena.XMin, arena.XMax, arena.YMin, arena.YMax, where)
                          .Compose(Translation(-shown.X, -shown.Y));
    out.Method = "fit to environment bounds";
    out.Warnings.push_back(where + ": no calibration: the video is stretched over the arena's bounds; add " + MethodList +
      ".");
    return out;
  }

  // Coverage: how much of the arena's box the displayed image covers.
  const double boxArea = (arena.XMax - arena.XMin) * (arena.YMax - arena.YMin);
  if (std::isfinite(boxArea) && boxArea > 0.0) {
    const VideoCrop shown = out.Crop.Empty() ? VideoCrop{ 0, 0, frameWidth, frameHeight } : out.Crop;
    const double x0 = shown.X;
    const double y0 = shown.Y;
    const double x1 = shown.X + shown.Width;
    const double y1 = shown.Y + shown.Height;
    std::vector<Point2> corners;
    for (const Point2 p : { Point2{ x0, y0 }, Point2{ x1, y0 }, Point2{ x1, y1 }, Point2{ x0, y1 } }) {
      corners.push_back(out.SourcePxToEnv.Apply(p));
    }
    double xmin = corners[0].X;
    double xmax = xmin;
    double ymin = corners[0].Y;
    double ymax = ymin;
    for (const Point2& p : corners) {
      xmin = std::min(xmin, p.X);
      xmax = std::max(xmax, p.X);
      ymin = std::min(ymin, p.Y);
      ymax = std::max(ymax, p.Y);
    }
    const std::string image = std::string(out.Crop.Empty() ? "video frame" : "cropped video") + " (" +
      BoxText({ xmin, xmax, ymin, ymax }) + ")";
    const double covered = ClippedArea(corners, arena) / boxArea;
    const std::string fix = " How to fix: check that the calibration (" + out.Method + ") is in source pixels and "
      "environment units, with pixel rows counted down from the top.";
    if (covered <= 1e-9) {
      out.Warnings.push_back(where + ": the calibrated " + image + " misses the arena (" + BoxText(arena) +
        ") entirely." + fix);
    } else if (covered < CoverageWarningFraction) {
      out.Warnings.push_back(where + ": the calibrated " + image + " covers only " + Num(std::round(100.0 * covered)) +
        "% of the arena's bounding box (" + BoxText(arena) + ")." + fix);
    }
  }
  return out;
}

} // namespace neuroplayback
