"""pvpython: every layout kind with every overlay drawn on top, as show_session styles it, compared
with baseline images (Testing/Baselines/Overlays-<layout>.png)."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from paraview import simple

import session_factory as sf
from image_compare import assert_matches_baseline
from neuroplayback.paraview import open_session, overlay_problems, show_session

BASELINES = os.path.join(os.environ.get("NEUROPLAYBACK_SOURCE_DIR", "."), "Testing", "Baselines")
LAYOUTS = {
    "grid": lambda: sf.grid_environment(nx=20, ny=15, dx=2.0, dy=2.0, inactive=((0, 0), (19, 14), (10, 7))),
    "hexagonal": lambda: sf.hexagonal_environment(n=9, radius=2.0),
    "mesh": sf.mesh_environment,
    "track": lambda: sf.track_environment(n=12, length=60.0),
}


class OverlayScreenshotTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="np-screens-")

    def test_every_layout_with_every_overlay(self):
        for layout, make in LAYOUTS.items():
            with self.subTest(layout=layout):
                environment = make()
                path = sf.write_session(os.path.join(self.folder, f"{layout}.nsp"), environment=environment,
                                        n_frames=50, rate=10.0)
                sf.add_all_overlays(path, environment)
                reader = open_session(path)
                self.assertEqual(overlay_problems(reader), ([], []))
                view = simple.CreateRenderView()
                view.ViewSize = [400, 320]
                view.OrientationAxesVisibility = 0
                show_session(reader, view)
                simple.GetTimeKeeper().Time = 3.0
                simple.Render(view)
                image = os.path.join(self.folder, f"Overlays-{layout}.png")
                simple.SaveScreenshot(image, view, ImageResolution=[400, 320])
                simple.Delete(view)
                simple.Delete(reader)
                assert_matches_baseline(self, image, os.path.join(BASELINES, f"Overlays-{layout}.png"))


if __name__ == "__main__":
    unittest.main()
