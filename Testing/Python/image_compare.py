"""Compares a rendered PNG with a baseline the way VTK's regression tests do (vtkImageDifference).
Set NEUROPLAYBACK_UPDATE_BASELINES=1 to (re)write the baselines instead, then look at them."""
import os
import shutil

from vtkmodules.vtkImagingCore import vtkImageDifference
from vtkmodules.vtkIOImage import vtkPNGReader

THRESHOLD = 15.0  # the same --test-threshold the GUI tests use


def image_error(image, baseline):
    readers = []
    for path in (image, baseline):
        reader = vtkPNGReader()
        reader.SetFileName(path)
        reader.Update()
        readers.append(reader)
    difference = vtkImageDifference()
    difference.SetInputConnection(readers[0].GetOutputPort())
    difference.SetImageConnection(readers[1].GetOutputPort())
    difference.Update()
    return difference.GetThresholdedError()


def assert_matches_baseline(test, image, baseline):
    if os.environ.get("NEUROPLAYBACK_UPDATE_BASELINES") or not os.path.exists(baseline):
        shutil.copyfile(image, baseline)
        if not os.environ.get("NEUROPLAYBACK_UPDATE_BASELINES"):
            test.fail(f"No baseline yet: wrote {baseline} from {image}; look at it and commit it.")
        return
    error = image_error(image, baseline)
    test.assertLessEqual(error, THRESHOLD, f"{image} differs from {baseline} (error {error:.1f})")
