/**
 * @class vtkNeuroTimeSeriesFilter
 * @brief The session's time series around the current time, for ParaView line charts.
 *
 * Input: a vtkNeuroSessionReader, or a filter downstream of one (the session comes with the pipeline
 * information, vtkNeuroSessionHandle). Output: a vtkMultiBlockDataSet with one vtkTable per
 * series (block name = the overlay's name), columns "Time" and the values. ParaView's chart draws its
 * current-time marker for an X column named "Time". Each table holds the window of its chart
 * (window_seconds, centred on the frame time) streamed from disk; a window with more than twice
 * MaxChartBuckets samples is a min/max envelope from the file's multi-resolution summary.
 * The Chart* and Series* information says how to lay the charts out (one per group, then one per
 * ungrouped series) and how to draw each series.
 */
#ifndef vtkNeuroTimeSeriesFilter_h
#define vtkNeuroTimeSeriesFilter_h

#include "NeuroPlaybackFiltersModule.h"
#include "vtkDataObjectAlgorithm.h"
#include "vtkDoubleArray.h"
#include "vtkIntArray.h"
#include "vtkNew.h"
#include "vtkStringArray.h"

#include <memory>
#include <string>

namespace neuroplayback
{
class Session;
}

class NEUROPLAYBACKFILTERS_EXPORT vtkNeuroTimeSeriesFilter : public vtkDataObjectAlgorithm
{
public:
  static vtkNeuroTimeSeriesFilter* New();
  vtkTypeMacro(vtkNeuroTimeSeriesFilter, vtkDataObjectAlgorithm)
  void PrintSelf(ostream& os, vtkIndent indent) override;

  /// Windows with more samples than twice this are drawn as a min/max envelope of this many buckets.
  vtkSetClampMacro(MaxChartBuckets, int, 16, 100000);
  vtkGetMacro(MaxChartBuckets, int);
  /// Seconds of data each chart shows around the current time; 0 (default) uses each chart's
  /// window_seconds from the file. Wide windows cost about the same (min/max envelope).
  vtkSetClampMacro(WindowSeconds, double, 0.0, 1e7);
  vtkGetMacro(WindowSeconds, double);

  /// When the charts redraw while playing: 0 as the session file says (each series' update_mode; the
  /// most restrictive wins, live when absent), 1 live, 2 on pause, 3 manual.
  vtkSetClampMacro(UpdateMode, int, 0, 3);
  vtkGetMacro(UpdateMode, int);
  /// The mode in use: 0 live, 1 on pause, 2 manual (the playback cue reads it).
  int GetEffectiveUpdateMode();
  /// Live mode's ceiling on chart redraws per wall second while playing.
  vtkSetClampMacro(LiveUpdateRate, double, 0.1, 120.0);
  vtkGetMacro(LiveUpdateRate, double);
  /// Manual mode: the charts show the window around the time current when this was last called
  /// (the first frame drawn until then).
  void RedrawCharts();

  /// The charts, in layout order (valid after UpdateInformation; empty without time series): each one's
  /// title, and its value axis range as (min, max) pairs.
  vtkStringArray* GetChartTitles() { return this->ChartTitles; }
  vtkDoubleArray* GetChartRanges() { return this->ChartRanges; }
  /// The series, in output block order: name (the block's), label, the chart it is drawn in, its colour
  /// as r, g, b in [0, 1] and its line width in whole pixels.
  vtkStringArray* GetSeriesNames() { return this->SeriesNames; }
  vtkStringArray* GetSeriesLabels() { return this->SeriesLabels; }
  vtkIntArray* GetSeriesCharts() { return this->SeriesCharts; }
  vtkDoubleArray* GetSeriesColors() { return this->SeriesColors; }
  vtkIntArray* GetSeriesLineWidths() { return this->SeriesLineWidths; }
  /// Rows read from disk by the time series so far (to check that windows stream).
  vtkIdType GetRowsRead();

protected:
  vtkNeuroTimeSeriesFilter();
  ~vtkNeuroTimeSeriesFilter() override;

  int FillInputPortInformation(int port, vtkInformation* info) override;
  int FillOutputPortInformation(int port, vtkInformation* info) override;
  int RequestInformation(vtkInformation*, vtkInformationVector**, vtkInformationVector*) override;
  int RequestData(vtkInformation*, vtkInformationVector**, vtkInformationVector*) override;

private:
  vtkNeuroTimeSeriesFilter(const vtkNeuroTimeSeriesFilter&) = delete;
  void operator=(const vtkNeuroTimeSeriesFilter&) = delete;
  // Learns a session's series and chart layout (the Chart* and Series* arrays), once per session.
  void Describe(const std::shared_ptr<neuroplayback::Session>& session);

  int MaxChartBuckets = 1024;
  double WindowSeconds = 0.0;
  int UpdateMode = 0;
  double LiveUpdateRate = 10.0;
  vtkNew<vtkStringArray> ChartTitles;
  vtkNew<vtkDoubleArray> ChartRanges;
  vtkNew<vtkStringArray> SeriesNames;
  vtkNew<vtkStringArray> SeriesLabels;
  vtkNew<vtkIntArray> SeriesCharts;
  vtkNew<vtkDoubleArray> SeriesColors;
  vtkNew<vtkIntArray> SeriesLineWidths;

  struct Internals;
  std::unique_ptr<Internals> Internal;
};

#endif
