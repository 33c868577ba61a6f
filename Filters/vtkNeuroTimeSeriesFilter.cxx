#include "vtkNeuroTimeSeriesFilter.h"

#include "Session.h"
#include "UpstreamSession.h"

#include <vtkDoubleArray.h>
#include <vtkFieldData.h>
#include <vtkInformation.h>
#include <vtkInformationVector.h>
#include <vtkMultiBlockDataSet.h>
#include <vtkObjectFactory.h>
#include <vtkStreamingDemandDrivenPipeline.h>
#include <vtkTable.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

struct vtkNeuroTimeSeriesFilter::Internals
{
  std::shared_ptr<neuroplayback::Session> Session; // shared with the reader; the one the hints describe
  std::vector<double> Window;                // seconds shown around the current time, per series
  neuroplayback::SeriesWindow Rows;          // reused between frames
  // Manual mode: the frame time the charts are pinned to (NaN until the first draw or a redraw request).
  double PinnedTime = std::numeric_limits<double>::quiet_NaN();
  bool RedrawRequested = false;
};

vtkStandardNewMacro(vtkNeuroTimeSeriesFilter);

vtkNeuroTimeSeriesFilter::vtkNeuroTimeSeriesFilter()
  : Internal(new Internals)
{
}

vtkNeuroTimeSeriesFilter::~vtkNeuroTimeSeriesFilter() = default;

int vtkNeuroTimeSeriesFilter::GetEffectiveUpdateMode()
{
  if (this->UpdateMode > 0)
  {
    return this->UpdateMode - 1;
  }
  int mode = 0;
  if (const auto& session = this->Internal->Session)
  {
    for (const neuroplayback::TimeSeries& series : session->Overlays().Series())
    {
      mode = std::max(mode, static_cast<int>(series.GetStyle().UpdateMode));
    }
  }
  return mode;
}

void vtkNeuroTimeSeriesFilter::RedrawCharts()
{
  this->Internal->RedrawRequested = true;
  this->Modified();
}

int vtkNeuroTimeSeriesFilter::FillInputPortInformation(int, vtkInformation* info)
{
  info->Set(vtkAlgorithm::INPUT_REQUIRED_DATA_TYPE(), "vtkDataObject");
  return 1;
}

int vtkNeuroTimeSeriesFilter::FillOutputPortInformation(int, vtkInformation* info)
{
  info->Set(vtkDataObject::DATA_TYPE_NAME(), "vtkMultiBlockDataSet");
  return 1;
}

int vtkNeuroTimeSeriesFilter::RequestInformation(vtkInformation*, vtkInformationVector** inputVector, vtkInformationVector*)
{
  std::shared_ptr<neuroplayback::Session> session =
    neuroplayback::UpstreamSession(this, inputVector, "NeuroPlayback Time Series");
  if (!session)
  {
    *this->Internal = Internals{};
    this->Describe(nullptr);
    return 0;
  }
  this->Describe(session);
  return 1;
}

void vtkNeuroTimeSeriesFilter::Describe(const std::shared_ptr<neuroplayback::Session>& session)
{
  Internals& in = *this->Internal;
  if (session && session == in.Session)
  {
    return;
  }
  in.Session = session;
  for (vtkAbstractArray* list : std::initializer_list<vtkAbstractArray*>{ this->ChartTitles, this->ChartRanges,
         this->SeriesNames, this->SeriesLabels, this->SeriesCharts, this->SeriesColors, this->SeriesLineWidths })
  {
    list->SetNumberOfTuples(0);
  }
  if (!session)
  {
    return;
  }
  neuroplayback::OverlaySet& overlays = session->Overlays();
  std::vector<neuroplayback::TimeSeries>& series = overlays.Series();
  in.Window.assign(series.size(), 2.0);
  std::vector<int> chartOf(series.size(), -1);
  const std::vector<neuroplayback::ChartGroup> charts = overlays.Charts();
  for (std::size_t c = 0; c < charts.size(); ++c)
  {
    this->ChartTitles->InsertNextValue(charts[c].Title);
    this->ChartRanges->InsertNextValue(charts[c].YMin);
    this->ChartRanges->InsertNextValue(charts[c].YMax);
    for (int member : charts[c].Members)
    {
      chartOf[static_cast<std::size_t>(member)] = static_cast<int>(c);
      in.Window[static_cast<std::size_t>(member)] = charts[c].WindowSeconds;
    }
  }
  for (std::size_t i = 0; i < series.size(); ++i)
  {
    const neuroplayback::TimeSeries& s = series[i];
    const neuroplayback::Rgba color = s.GetStyle().Color;
    this->SeriesNames->InsertNextValue(s.Name());
    this->SeriesLabels->InsertNextValue(s.Label());
    this->SeriesCharts->InsertNextValue(chartOf[i]);
    this->SeriesColors->InsertNextValue(color.R / 255.0);
    this->SeriesColors->InsertNextValue(color.G / 255.0);
    this->SeriesColors->InsertNextValue(color.B / 255.0);
    this->SeriesLineWidths->InsertNextValue(std::max(1, static_cast<int>(std::lround(s.GetStyle().LineWidth))));
  }
}

int vtkNeuroTimeSeriesFilter::RequestData(vtkInformation*, vtkInformationVector** inputVector, vtkInformationVector* outputVector)
{
  std::shared_ptr<neuroplayback::Session> session =
    neuroplayback::UpstreamSession(this, inputVector, "NeuroPlayback Time Series");
  if (!session)
  {
    return 0;
  }
  this->Describe(session);
  Internals& in = *this->Internal;
  vtkInformation* outInfo = outputVector->GetInformationObject(0);
  auto* output = vtkMultiBlockDataSet::GetData(outInfo);
  if (vtkStreamingDemandDrivenPipeline::GetUpdatePiece(outInfo) > 0)
  {
    output->Initialize(); // under MPI the charts come from piece 0 alone: ParaView gathers every rank's rows
    return 1;
  }
  double requested = session->Times().First();
  if (outInfo->Has(vtkStreamingDemandDrivenPipeline::UPDATE_TIME_STEP()))
  {
    requested = outInfo->Get(vtkStreamingDemandDrivenPipeline::UPDATE_TIME_STEP());
  }
  try
  {
    // The frame the field shows, so the chart's centre is the time the reader annotates.
    double frameTime = session->Times().TimeOf(session->Times().FrameAt(requested));
    if (this->GetEffectiveUpdateMode() == static_cast<int>(neuroplayback::ChartUpdateMode::Manual))
    {
      if (in.RedrawRequested || !std::isfinite(in.PinnedTime))
      {
        in.PinnedTime = frameTime;
      }
      frameTime = in.PinnedTime;
    }
    else
    {
      in.PinnedTime = std::numeric_limits<double>::quiet_NaN();
    }
    in.RedrawRequested = false;
    std::vector<neuroplayback::TimeSeries>& series = session->Overlays().Series();
    output->SetNumberOfBlocks(static_cast<unsigned int>(series.size()));
    for (std::size_t i = 0; i < series.size(); ++i)
    {
      neuroplayback::TimeSeries& s = series[i];
      const double half = 0.5 * (this->WindowSeconds > 0.0 ? this->WindowSeconds : in.Window[i]);
      double currentValue = std::numeric_limits<double>::quiet_NaN();
      in.Rows.Clear();
      if (!s.IsOff())
      {
        try
        {
          s.Window(frameTime - half, frameTime + half, this->MaxChartBuckets, in.Rows);
          currentValue = s.ValueAt(frameTime);
        }
        catch (const std::exception& error)
        {
          // A bad block of this series (e.g. unsorted times found while playing): it goes blank, the
          // other charts go on.
          s.TurnOff();
          in.Rows.Clear();
          vtkWarningMacro(<< "The time series '" << s.Name() << "' is turned off: " << error.what());
        }
      }
      vtkNew<vtkTable> table;
      vtkNew<vtkDoubleArray> times;
      times->SetName("Time");
      times->SetNumberOfTuples(static_cast<vtkIdType>(in.Rows.Times.size()));
      std::copy(in.Rows.Times.begin(), in.Rows.Times.end(), times->GetPointer(0));
      vtkNew<vtkDoubleArray> values;
      values->SetName(s.Name().c_str());
      values->SetNumberOfTuples(static_cast<vtkIdType>(in.Rows.Values.size()));
      std::copy(in.Rows.Values.begin(), in.Rows.Values.end(), values->GetPointer(0));
      table->AddColumn(times);
      table->AddColumn(values);
      // For scripts: the value at the frame time and whether the rows are an envelope.
      vtkNew<vtkDoubleArray> current;
      current->SetName("CurrentValue");
      current->InsertNextValue(currentValue);
      table->GetFieldData()->AddArray(current);
      vtkNew<vtkDoubleArray> bucket;
      bucket->SetName("SamplesPerRowPair");
      bucket->InsertNextValue(static_cast<double>(in.Rows.Bucket));
      table->GetFieldData()->AddArray(bucket);
      output->SetBlock(static_cast<unsigned int>(i), table);
      output->GetMetaData(static_cast<unsigned int>(i))->Set(vtkCompositeDataSet::NAME(), s.Name().c_str());
    }
    output->GetInformation()->Set(vtkDataObject::DATA_TIME_STEP(), frameTime);
  }
  catch (const std::exception& error)
  {
    vtkErrorMacro(<< error.what());
    return 0;
  }
  return 1;
}

vtkIdType vtkNeuroTimeSeriesFilter::GetRowsRead()
{
  vtkIdType rows = 0;
  if (this->Internal->Session)
  {
    for (const neuroplayback::TimeSeries& s : this->Internal->Session->Overlays().Series())
    {
      rows += s.RowsRead();
    }
  }
  return rows;
}

void vtkNeuroTimeSeriesFilter::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  os << indent << "MaxChartBuckets: " << this->MaxChartBuckets << "\n";
  os << indent << "WindowSeconds: " << this->WindowSeconds << "\n";
  os << indent << "UpdateMode: " << this->UpdateMode << "\n";
  os << indent << "LiveUpdateRate: " << this->LiveUpdateRate << "\n";
  os << indent << "Charts: " << this->ChartTitles->GetNumberOfValues() << ", series: "
     << this->SeriesNames->GetNumberOfValues() << "\n";
}
