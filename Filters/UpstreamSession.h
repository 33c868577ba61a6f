#pragma once
// The session the reader upstream hands down the pipeline (vtkNeuroSessionHandle in the input's
// information), or null: with an error naming the filter and the fix when the input is no session,
// quietly when the reader could not open its file (the reader has said why).
#include <memory>

class vtkAlgorithm;
class vtkInformationVector;
namespace neuroplayback
{
class Session;
std::shared_ptr<Session> UpstreamSession(vtkAlgorithm* filter, vtkInformationVector** inputVector, const char* label);
}
