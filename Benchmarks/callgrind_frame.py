"""Main-thread instructions of played frames on the cue's direct path (the view's own time, update and
render), for callgrind: 5 warm-up frames, then 10 frames with instrumentation on.

    PV_PLUGIN_PATH=build/lib/paraview-5.11/plugins/NeuroPlayback scripts/with-xvfb.sh \
        valgrind --tool=callgrind --instr-atstart=no --separate-threads=yes --callgrind-out-file=cg.out \
        pvpython Benchmarks/callgrind_frame.py Data/sample.nsp --field "Neuro Field"

--field: the field display's type ("Neuro Field", "Surface") or "hidden"; --no-selection turns the
display's selection sub-display off. Thread 1 (cg.out-01) is the main thread, the others llvmpipe's.
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Python"))
from paraview import simple  # noqa: E402

from neuroplayback.paraview import open_session, show_session  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("session")
    parser.add_argument("--field", default="Neuro Field")
    parser.add_argument("--no-selection", action="store_true")
    parser.add_argument("--video", action="store_true")
    args = parser.parse_args()
    reader = open_session(args.session)
    view = simple.CreateRenderView()
    view.ViewSize = [844, 292]
    show_session(reader, view, time_series=False, video=args.video)
    display = simple.GetDisplayProperties(reader, view)
    if args.field == "hidden":
        display.Visibility = 0
    else:
        display.Representation = args.field
    if args.no_selection:
        display.SelectionVisibility = 0
    simple.Render(view)
    view_object = view.GetClientSideObject()
    simple.GetTimeKeeper().GetClientSideObject().RemoveView(view.SMProxy)
    state = {"t": 1.0}

    def frame():
        state["t"] += 0.04
        view_object.SetViewTime(state["t"])
        view_object.Update()
        view.SMProxy.StillRender()

    for _ in range(5):
        frame()
    subprocess.call(["callgrind_control", "-i", "on", str(os.getpid())], stdout=subprocess.DEVNULL)
    for _ in range(10):
        frame()
    subprocess.call(["callgrind_control", "-i", "off", str(os.getpid())], stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
