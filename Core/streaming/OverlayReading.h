#pragma once
// Attribute and dataset readers shared by the overlay loaders (Overlays, TimeSeries, video). Each
// throws SessionError naming the overlay and the fix.
#include "Color.h"
#include "SampleStream.h"

#include <hdf5.h>

#include <memory>
#include <string>
#include <vector>

namespace neuroplayback::overlay_io {

std::string ShapeText(const std::vector<hsize_t>& dims);
std::string Seconds(double t);
Interp ReadInterp(hid_t group, const std::string& where, Interp fallback);
Rgba ReadColor(hid_t group, const std::string& where, const char* name, Rgba fallback);
double ReadPositive(hid_t group, const std::string& where, const char* name, double fallback);
// Rows per chunk along the first dimension of a chunked dataset, clamped to a block size the
// streams read well; fallback when it is not chunked.
std::int64_t ChunkRows(hid_t dataset, std::int64_t fallback = 4096);
// Opens the times (`times`, or timesName) and, when valuesName is given, the values dataset,
// checking that the values are (n, tail...) with n = len(times).
std::unique_ptr<SampleStream> OpenSamples(hid_t group, const std::string& where, const char* valuesName,
  const std::vector<hsize_t>& tail, const std::string& tailText, std::size_t cacheBytes,
  const char* timesName = "times");

} // namespace neuroplayback::overlay_io
