"""Renders a session at a few times to PNGs (pvpython). Usage: render_session.py SESSION OUTDIR"""
import os
import sys

from paraview import simple

from neuroplayback.paraview import frame_arena, open_session, overlay_problems, session_info, show_session

session_path, out_dir = sys.argv[1], sys.argv[2]
reader = open_session(session_path)
info = session_info(reader)
print(f"{os.path.basename(session_path)}: {info['frames']} frames, {info['time_range'][0]:.3f}-"
      f"{info['time_range'][1]:.3f} s at {info['rate_hz']:.1f} Hz, {info['layout']} layout, "
      f"field '{info['field']}', colour range {info['color_range'][0]:.4g}..{info['color_range'][1]:.4g}")
view = simple.GetActiveViewOrCreate("RenderView")
view.ViewSize = [1280, 800]
view.OrientationAxesVisibility = 0
show_session(reader, view)  # the field, every overlay, the scale bar and the time/frame annotation
layout = simple.GetLayout(view)  # the arena and, under it, the time-series charts
layout.SetSize(1280, 800)
frame_arena(view, reader)  # the arena fitted to its part of the layout, clear of the legends
for message in sum(overlay_problems(reader), []):
    print("overlay:", message)
scene = simple.GetAnimationScene()
start, end = info["time_range"]
for i in range(6):
    t = start + (end - start) * i / 5.0
    scene.AnimationTime = t
    simple.Render(view)
    path = os.path.join(out_dir, f"frame_{i}.png")
    simple.SaveScreenshot(path, layout, ImageResolution=[1280, 800])
    print("wrote", path)
