#pragma once
// One question to the session reader through its Query / QueryResult properties, as the Python helpers
// ask it (the reader may run in a remote pvserver). Returns the answer's tab-separated fields.
#include <QString>
#include <QStringList>

#include <vtkSMPropertyHelper.h>
#include <vtkSMProxy.h>

#include <string>

inline QStringList pqNeuroAskReader(vtkSMProxy* reader, const std::string& query)
{
  static unsigned long nonce = 0; // a fresh nonce, so the same question twice reaches the reader
  vtkSMPropertyHelper(reader, "Query").Set(("#gui" + std::to_string(++nonce) + "\t" + query).c_str());
  reader->UpdateVTKObjects();
  reader->UpdatePropertyInformation(reader->GetProperty("QueryResult"));
  const char* answer = vtkSMPropertyHelper(reader, "QueryResult").GetAsString();
  const QStringList fields = QString::fromUtf8(answer ? answer : "").split('\t');
  vtkSMPropertyHelper(reader, "Query").Set("");
  reader->UpdateVTKObjects();
  return fields;
}
