#pragma once
// The open session of the vtkNeuroSessionReader upstream of a filter (same process), or null with
// an error naming the filter and the fix.
class vtkAlgorithm;
namespace neuroplayback
{
class Session;
neuroplayback::Session* UpstreamSession(vtkAlgorithm* filter, const char* label);
}
