// Small 2-D helpers shared by the synthetic session generator.
#pragma once

#include <cmath>
#include <limits>

namespace neuroplayback::generate {

constexpr double kPi = 3.14159265358979323846;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A point or vector in environment coordinates (cm, y up).
struct Vec2 {
  double x = 0.0;
  double y = 0.0;
};

inline Vec2 operator+(Vec2 a, Vec2 b) { return {a.x + b.x, a.y + b.y}; }
inline Vec2 operator-(Vec2 a, Vec2 b) { return {a.x - b.x, a.y - b.y}; }
inline Vec2 operator*(double s, Vec2 v) { return {s * v.x, s * v.y}; }

inline double squaredDistance(Vec2 a, Vec2 b) {
  const double dx = a.x - b.x;
  const double dy = a.y - b.y;
  return dx * dx + dy * dy;
}

inline double length(Vec2 v) { return std::sqrt(v.x * v.x + v.y * v.y); }

// Linear interpolation; NaN in either end propagates, which is how tracking gaps survive resampling.
inline Vec2 lerp(Vec2 a, Vec2 b, double t) { return {a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)}; }

inline Vec2 missingPoint() { return {kNaN, kNaN}; }

}  // namespace neuroplayback::generate
