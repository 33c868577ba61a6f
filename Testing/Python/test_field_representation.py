"""pvpython: the "Neuro Field" display (the bins built once, a colour texture per frame) draws what
ParaView's Surface display draws, pixel for pixel, on every layout, and follows every colour-map edit a
user makes (preset, range, log scale, NaN colour, opacity, solid colour, another array), and selecting on it
names the same bins as selecting on Surface."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from paraview import simple
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkIOImage import vtkPNGReader

import numpy as np
import session_factory as sf
from pv_support import delete_pipeline
from neuroplayback.paraview import open_session, show_session

def turned_hexagons(angle=0.3):
    """Hexagons turned by `angle` (radians), their lattice with them: hex_orientation and the centres."""
    environment = sf.hexagonal_environment(n=9, radius=2.0)
    c, s = np.cos(angle), np.sin(angle)
    environment["bin_centers"] = environment["bin_centers"] @ np.array([[c, s], [-s, c]])
    environment["hex_orientation"] = angle
    return environment


LAYOUTS = {
    "grid": lambda: sf.grid_environment(nx=20, ny=15, dx=2.0, dy=2.0, inactive=((0, 0), (19, 14), (10, 7))),
    "hexagonal": lambda: sf.hexagonal_environment(n=9, radius=2.0),
    "turned hexagons": turned_hexagons,
    "mesh": sf.mesh_environment,
    "track": lambda: sf.track_environment(n=12, length=60.0),
}


def pixels(path):
    reader = vtkPNGReader()
    reader.SetFileName(path)
    reader.Update()
    image = reader.GetOutput()
    width, height, _ = image.GetDimensions()
    return vtk_to_numpy(image.GetPointData().GetScalars()).reshape(height, width, -1)[:, :, :3].astype(int)


def len_bins(reader):
    data = simple.servermanager.Fetch(reader)
    return data.GetNumberOfCells()


class FieldRepresentationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="np-field-")

    def setUp(self):
        self.count = 0

    def tearDown(self):
        delete_pipeline()
        lut = simple.GetColorTransferFunction("posterior")  # as show_session left it, for the next test
        lut.UseLogScale, lut.UseAboveRangeColor = 0, 0
        lut.ApplyPreset("Viridis (matplotlib)", True)

    def shoot(self, view, display, representation):
        display.Representation = representation
        simple.Render(view)
        self.count += 1
        path = os.path.join(self.folder, f"{self._testMethodName}-{self.count}-{representation.replace(' ', '')}.png")
        simple.SaveScreenshot(path, view, ImageResolution=[400, 320])
        return pixels(path)

    def assert_same_as_surface(self, view, display, what):
        ours = self.shoot(view, display, "Neuro Field")
        surface = self.shoot(view, display, "Surface")
        differing = np.count_nonzero(np.abs(ours - surface).max(axis=2) > 2)
        self.assertLessEqual(differing, 40, f"{what}: {differing} pixels differ from the Surface display")
        return ours

    def open(self, layout, **kwargs):
        environment = LAYOUTS[layout]()
        name = f"{self._testMethodName}-{layout.replace(' ', '-')}.nsp"
        path = sf.write_session(os.path.join(self.folder, name), environment=environment, n_frames=50,
                                rate=10.0, **kwargs)
        reader = open_session(path)
        view = simple.CreateRenderView()
        view.ViewSize = [400, 320]
        display = show_session(reader, view, time_series=False, video=False)
        simple.Hide(simple.OutputPort(reader, 1), view)  # the field alone
        simple.GetTimeKeeper().Time = 2.0
        return reader, view, display

    def test_show_session_picks_it_and_it_draws_what_surface_draws(self):
        for layout in LAYOUTS:
            with self.subTest(layout=layout):
                reader, view, display = self.open(layout)
                self.assertEqual(display.Representation, "Neuro Field")
                self.assertTrue(display.IsScalarBarVisible(view))
                # Frame 20 holds 20 + bin / 1000: spread the colours over the bins.
                simple.GetColorTransferFunction("posterior").RescaleTransferFunction(20.0, 20.0 + len_bins(reader) / 1000)
                ours = self.assert_same_as_surface(view, display, layout)
                # Something was drawn in more than one colour (not an empty or solid view).
                self.assertGreater(len(np.unique(ours.reshape(-1, 3), axis=0)), 4, layout)
                # A grid and hexagons on their lattice are drawn as one quad; the others as their cells.
                display.Representation = "Neuro Field"
                simple.Render(view)
                drawn = str(display.GetClientSideObject().GetActiveRepresentation())
                quad = layout in ("grid", "hexagonal", "turned hexagons")
                self.assertEqual("Cells drawn: 1\n" in drawn, quad, f"{layout}: {drawn}")

    def test_new_frames_and_colour_map_edits(self):
        reader, view, display = self.open("grid")
        lut = simple.GetColorTransferFunction("posterior")
        before = self.assert_same_as_surface(view, display, "frame at 2 s")
        simple.GetTimeKeeper().Time = 4.0
        after = self.assert_same_as_surface(view, display, "frame at 4 s")
        self.assertTrue(np.any(before != after), "a new frame must change the picture")
        lut.ApplyPreset("Cool to Warm", True)
        self.assert_same_as_surface(view, display, "preset")
        lut.RescaleTransferFunction(20.0, 20.2)  # frame 20 (2 s at 10 Hz): 20 + bin / 1000
        self.assert_same_as_surface(view, display, "range")
        lut.RescaleTransferFunction(19.0, 60.0)
        lut.UseLogScale = 1
        self.assert_same_as_surface(view, display, "log scale")
        lut.UseLogScale = 0
        lut.UseAboveRangeColor = 1
        lut.AboveRangeColor = [1.0, 0.0, 1.0]
        lut.RescaleTransferFunction(20.0, 20.1)
        clipped = self.assert_same_as_surface(view, display, "above-range colour")
        self.assertTrue(np.any(np.all(clipped == [255, 0, 255], axis=2)), "the above-range colour is drawn")
        display.Opacity = 0.5
        self.assert_same_as_surface(view, display, "opacity")
        display.Opacity = 1.0
        simple.ColorBy(display, None)
        display.AmbientColor = display.DiffuseColor = [0.9, 0.5, 0.1]
        solid = self.assert_same_as_surface(view, display, "solid colour")
        self.assertTrue(np.any(np.all(np.abs(solid - [230, 128, 26]) <= 2, axis=2)), "the solid colour is drawn")

    def test_nan_bins_take_the_nan_colour(self):
        values = sf.frame_values(50, 20 * 15 - 3)
        values[:, ::7] = np.nan
        reader, view, display = self.open("grid", fields={"posterior": values})
        lut = simple.GetColorTransferFunction("posterior")
        lut.NanColor = [1.0, 0.0, 0.0]
        ours = self.assert_same_as_surface(view, display, "NaN bins")
        self.assertTrue(np.any(np.all(ours == [255, 0, 0], axis=2)), "NaN bins are drawn in the NaN colour")

    def selected(self, reader, view, kind, rectangle):
        select = simple.SelectSurfaceCells if kind == "cells" else simple.SelectSurfacePoints
        select(Rectangle=rectangle, View=view)
        extracted = simple.ExtractSelection(Input=reader)
        data = simple.servermanager.Fetch(extracted)
        attributes = data.GetCellData() if kind == "cells" else data.GetPointData()
        ids = attributes.GetArray("vtkOriginalCellIds" if kind == "cells" else "vtkOriginalPointIds")
        simple.Delete(extracted)
        return sorted(vtk_to_numpy(ids).tolist()) if ids else []

    def test_selecting_bins_names_the_bins_surface_names(self):
        # The whole view, a box, and one pixel (a pick): cells and points, on every layout.
        rectangles = ([0, 0, 399, 319], [100, 100, 180, 160], [200, 150, 200, 150])
        for layout in LAYOUTS:
            with self.subTest(layout=layout):
                reader, view, display = self.open(layout)
                for kind in ("cells", "points"):
                    for rectangle in rectangles:
                        display.Representation = "Neuro Field"
                        simple.Render(view)
                        ours = self.selected(reader, view, kind, rectangle)
                        if kind == "cells" and layout == "grid" and rectangle == rectangles[2]:
                            # The drawn selection: ParaView's highlight over the picked bin.
                            picture = self.shoot(view, display, "Neuro Field")
                            self.assertTrue(np.any(np.all(picture == [255, 0, 255], axis=2)), "the highlight is drawn")
                        simple.ClearSelection(reader)
                        display.Representation = "Surface"
                        simple.Render(view)
                        surface = self.selected(reader, view, kind, rectangle)
                        simple.ClearSelection(reader)
                        self.assertEqual(ours, surface, f"{kind} in {rectangle}")
                        if layout != "track":  # a track's lines are thinner than the box
                            self.assertTrue(ours, f"{kind} in {rectangle}: nothing selected")
                    if layout == "grid" and kind == "cells":
                        everything = self.selected(reader, view, kind, rectangles[0])
                        simple.ClearSelection(reader)
                        self.assertEqual(len(everything), 20 * 15 - 3, "every active bin, no hidden one")
                        self.assertFalse({0, 299, 150} & set(everything), "inactive bins are never selected")
                delete_pipeline()


if __name__ == "__main__":
    unittest.main()
