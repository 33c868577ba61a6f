"""A 2-rank MPI pvbatch (mpiexec), and pvpython connected to a 2-rank MPI pvserver: each rank reads only
its slab of the field's bins, and the composited picture and the fetched values equal one process's, for
a grid with a translucent video and every overlay (the sample) and for hexagons whose cells straddle the
slabs. pvpython connected to a 1-rank pvserver draws what one process does. The same file is the MPI
script (--worker FOLDER HEXES) and the client (--client PORT FOLDER HEXES PREFIX)."""
import json
import os
import shutil
import subprocess
import sys
import unittest

import numpy as np
from paraview import servermanager, simple
from paraview.vtk.util.numpy_support import vtk_to_numpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import session_factory as sf  # noqa: E402
from pv_support import output_folder, png_pixels, start_pvserver  # noqa: E402
from neuroplayback.paraview import open_session, overlay_data, show_session, show_videos  # noqa: E402

SAMPLE = os.path.join(os.environ.get("NEUROPLAYBACK_SOURCE_DIR", "."), "Data", "sample.nsp")
SIZE = [480, 360]


def render(path, t, image, videos=False):
    """videos: "overlays" (drawn by the overlay display, as show_session does), "filters" (the Video
    filters' own displays) or False."""
    """The session shown as a user would, at time t: a screenshot and the field's (cell centre, value)."""
    reader = open_session(path)
    view = simple.CreateRenderView()
    view.ViewSize = SIZE
    show_session(reader, view, time_series=False, video=videos == "overlays")
    if videos == "filters":
        show_videos(reader, view)
    simple.GetAnimationScene().AnimationTime = t
    simple.Render(view)
    simple.SaveScreenshot(image, view, ImageResolution=SIZE)
    reader.UpdatePipeline(t)
    centres = simple.CellCenters(Input=reader)
    data = servermanager.Fetch(centres)
    xy = np.round(vtk_to_numpy(data.GetPoints().GetData())[:, :2], 6)
    values = vtk_to_numpy(data.GetPointData().GetArray(reader.CellData.keys()[0]))
    field = {}
    for (x, y), value in zip(map(tuple, xy), values):
        values_here = field.setdefault("%.6f %.6f" % (x, y), [])
        value = "nan" if np.isnan(value) else float(value)
        if value not in values_here:
            values_here.append(value)
    reader.UpdatePropertyInformation()
    read = list(reader.GetProperty("FieldPieceInfo"))
    position = overlay_data(reader, "Position", t)
    positions = vtk_to_numpy(position.GetPoints().GetData()).tolist() if position and position.GetNumberOfPoints() else None
    for source in list(simple.GetSources().values()):
        simple.Delete(source)
    simple.Delete(view)
    return field, read, positions


def cases(hexes):
    """(session, time, videos) rendered in one process and under MPI: the sample's video drawn by the
    overlay display and by the Video filter's own display, and hexagons with every overlay."""
    return [(SAMPLE, 4.2, "overlays"), (hexes, 2.3, False), (SAMPLE, 1.5, "filters")]


class MpiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = output_folder("np-mpi-")
        cls.hexes = sf.write_session(os.path.join(cls.folder, "hexes.nsp"),
                                     environment=sf.hexagonal_environment(n=6, radius=5.0), n_frames=50)
        sf.add_all_overlays(cls.hexes, sf.hexagonal_environment(n=6, radius=5.0), n_frames=50)
        cls.cases = cases(cls.hexes)
        cls.builtin = []
        for k, (path, t, videos) in enumerate(cls.cases):
            cls.builtin.append(json.loads(json.dumps(render(path, t, os.path.join(cls.folder, "builtin-%d.png" % k), videos))))
        mpiexec = shutil.which("mpiexec")
        if not mpiexec:
            raise RuntimeError("mpiexec is missing: run scripts/install-deps.sh (it installs openmpi-bin).")
        # pvpython is itself an MPI singleton: its OMPI_/PMIX_ variables would make mpiexec think it runs
        # inside this job. Root (CI containers) needs OpenMPI's explicit consent.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OMPI_", "PMIX_", "OPAL_", "PRTE_"))}
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        cls.log = os.path.join(cls.folder, "pvbatch.log")
        with open(cls.log, "w") as log:
            subprocess.run([mpiexec, "--oversubscribe", "-np", "2", shutil.which("pvbatch"), "--force-offscreen-rendering",
                            os.path.abspath(__file__), "--worker", cls.folder, cls.hexes],
                           stdout=log, stderr=subprocess.STDOUT, env=env, timeout=240, check=False)
        with open(os.path.join(cls.folder, "mpi.json")) as results:
            cls.mpi = json.load(results)
        cls.client = cls.run_client("client", [mpiexec, "--oversubscribe", "-np", "2"], env)
        cls.single = cls.run_client("single", [], env)

    @classmethod
    def run_client(cls, prefix, launcher, env):
        """A pvserver on loopback, and pvpython connected to it. With 2 ranks the client renders nothing
        itself (the slabs make ParaView render on the server and send the picture); with 1 the pieces
        travel to the client, which renders them."""
        server, port = start_pvserver(os.path.join(cls.folder, prefix + "-pvserver.log"),
                                      ["--force-offscreen-rendering"], launcher=launcher, env=env)
        try:
            with open(os.path.join(cls.folder, prefix + ".log"), "w") as log:
                subprocess.run([shutil.which("pvpython"), "--force-offscreen-rendering", os.path.abspath(__file__),
                                "--client", str(port), cls.folder, cls.hexes, prefix],
                               stdout=log, stderr=subprocess.STDOUT, env=env, timeout=240, check=False)
        finally:
            server.kill()
            server.wait()
        with open(os.path.join(cls.folder, prefix + ".json")) as results:
            return json.load(results)

    def test_two_ranks_draw_and_fetch_what_one_process_does(self):
        self.assertEqual(self.mpi["ranks"], 2, "see " + self.log)
        self.compare(self.mpi, "mpi")

    def test_a_client_of_two_server_ranks_sees_what_one_process_does(self):
        self.assertEqual(self.client["ranks"], 2, "see client.log and client-pvserver.log in " + self.folder)
        self.compare(self.client, "client")

    def test_a_client_of_one_server_draws_what_one_process_does(self):
        """The pieces cross the socket (flattened on the server, restored on the client) and the client
        draws them: the same pixels and values as one process."""
        self.assertEqual(self.single["ranks"], 1, "see single.log and single-pvserver.log in " + self.folder)
        for k, (path, t, videos) in enumerate(self.cases):
            with self.subTest(session=os.path.basename(path)):
                field, read, positions = self.single["cases"][k]
                one_field, one_read, one_positions = self.builtin[k]
                self.assertEqual(read, one_read)
                self.assertEqual(field, one_field)
                self.assertEqual(positions, one_positions)
                image = os.path.join(self.folder, "single-%d.png" % k)
                builtin = os.path.join(self.folder, "builtin-%d.png" % k)
                differing = np.abs(png_pixels(image) - png_pixels(builtin)).max(axis=1)
                self.assertEqual(int((differing > 0).sum()), 0, "%s differs from %s" % (image, builtin))

    def compare(self, results, prefix):
        for k, (path, t, videos) in enumerate(self.cases):
            with self.subTest(session=os.path.basename(path), run=prefix):
                field, read, positions = results["cases"][k]
                one_field, one_read, one_positions = self.builtin[k]
                # Rank 0 read only its slab; one process read every bin.
                self.assertEqual(one_read[0], one_read[1])
                self.assertLess(read[0], read[1])
                self.assertGreater(read[0], 0)
                # Every bin arrives once, or twice with one value where a hexagon straddles the slabs.
                self.assertEqual(sorted(set(field) - set(one_field)), [])
                self.assertEqual(sorted(set(one_field) - set(field)), [])
                self.assertEqual(field, one_field)
                self.assertEqual(positions, one_positions)
                # The composited picture is one process's, the translucent video and regions included. Known
                # gap: 130-200 pixels on one-pixel lines (outlines, trails, a ring's edge) land a pixel apart.
                image = os.path.join(self.folder, "%s-%d.png" % (prefix, k))
                builtin = os.path.join(self.folder, "builtin-%d.png" % k)
                differing = np.abs(png_pixels(image) - png_pixels(builtin)).max(axis=1)
                self.assertLessEqual(int((differing > 8).sum()), 0.005 * len(differing),
                                     "%s differs from %s" % (image, builtin))


def run_worker(folder, hexes, prefix="mpi"):
    """Inside `mpiexec -np 2 pvbatch`, or a client of the MPI pvserver: the same renders and values, written
    for the test to compare."""
    results = [render(path, t, os.path.join(folder, "%s-%d.png" % (prefix, k)), videos)
               for k, (path, t, videos) in enumerate(cases(hexes))]
    ranks = servermanager.ActiveConnection.GetNumberOfDataPartitions()
    with open(os.path.join(folder, prefix + ".json"), "w") as out:
        json.dump({"ranks": ranks, "cases": results}, out)


if __name__ == "__main__":
    if "--worker" in sys.argv:
        run_worker(sys.argv[sys.argv.index("--worker") + 1], sys.argv[sys.argv.index("--worker") + 2])
    elif "--client" in sys.argv:
        at = sys.argv.index("--client")
        simple.Connect("localhost", int(sys.argv[at + 1]))
        run_worker(sys.argv[at + 2], sys.argv[at + 3], prefix=sys.argv[at + 4])
    else:
        unittest.main()
