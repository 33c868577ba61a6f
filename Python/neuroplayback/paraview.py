"""pvpython helpers: open a session with a Python exception on bad input, and show it styled.

    from neuroplayback.paraview import open_session, show_session
    reader = open_session("Data/sample.nsp")
    display = show_session(reader)
"""
import os

from . import SessionError


def _simple():
    from paraview import simple  # imported lazily so the package imports under plain python3
    return simple


def ensure_plugin():
    """Loads the NeuroPlayback plugin unless PV_PLUGIN_PATH already did."""
    simple = _simple()
    if hasattr(simple, "NeuroPlaybackSession"):
        return
    from paraview import servermanager
    if servermanager.ProxyManager().GetPrototypeProxy("sources", "NeuroSessionReader") is not None:
        return
    for folder in os.environ.get("PV_PLUGIN_PATH", "").split(os.pathsep):
        candidate = os.path.join(folder, "NeuroPlayback.so")
        if folder and os.path.exists(candidate):
            simple.LoadPlugin(candidate, remote=False)
            return
    simple.LoadDistributedPlugin("NeuroPlayback", remote=False)


def time_range(reader):
    """First and last frame time of the session."""
    reader.UpdatePropertyInformation()
    return tuple(reader.GetPropertyValue("TimeRange"))


def last_error(reader):
    reader.UpdatePropertyInformation()
    return reader.GetPropertyValue("LastError") or ""


def open_session(path, exact_color_range=False, cache_size_mb=None):
    """Opens a session file and returns the reader proxy.

    Raises SessionError (naming the problem and the fix) when the file cannot be read, and
    FileNotFoundError when it does not exist. Never modifies the file.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"Session file not found: {path}. Check the path.")
    ensure_plugin()
    simple = _simple()
    # Through paraview.simple, so the pipeline controller registers it with the TimeKeeper
    # and the animation scene follows the session's time range.
    options = {"ExactColorRange": 1 if exact_color_range else 0}
    if cache_size_mb is not None:
        options["CacheSizeMB"] = int(cache_size_mb)
    reader = simple.NeuroPlaybackSession(registrationName=os.path.basename(path), FileName=path, **options)
    reader.UpdatePipelineInformation()
    message = last_error(reader)
    if not message:
        reader.UpdatePipeline(time_range(reader)[0])
        message = last_error(reader)
    if message:
        simple.Delete(reader)
        raise SessionError(message)
    simple.GetAnimationScene().UpdateAnimationUsingDataTimeSteps()
    return reader


def session_info(reader):
    """Frame count, time range, rate, layout, units, default field and colour range."""
    reader.UpdatePropertyInformation()
    return {
        "frames": int(reader.GetPropertyValue("NumberOfFramesInfo")),
        "time_range": time_range(reader),
        "rate_hz": float(reader.GetPropertyValue("FrameRateInfo")),
        "layout": reader.GetPropertyValue("LayoutName"),
        "units": reader.GetPropertyValue("Units"),
        "field": reader.GetPropertyValue("DefaultFieldName"),
        "color_range": tuple(reader.GetPropertyValue("ColorRangeInfo")),
    }


def apply_fixed_color_range(display, reader):
    """Colours by the default field with the session-wide range, kept fixed while time changes."""
    simple = _simple()
    info = session_info(reader)
    simple.ColorBy(display, ("CELLS", info["field"]))
    lut = simple.GetColorTransferFunction(info["field"])
    lut.ApplyPreset("Viridis (matplotlib)", True)
    lut.AutomaticRescaleRangeMode = "Never"
    lut.RescaleTransferFunction(*info["color_range"])
    lut.NanColor = [0.6, 0.6, 0.6]
    simple.GetOpacityTransferFunction(info["field"]).RescaleTransferFunction(*info["color_range"])
    display.SetScalarBarVisibility(simple.GetActiveViewOrCreate("RenderView"), True)
    return lut


def show_session(reader, view=None):
    """Shows the field in a 2-D render view with the fixed colour range; returns the display."""
    simple = _simple()
    view = view or simple.GetActiveViewOrCreate("RenderView")
    display = simple.Show(reader, view)
    display.Representation = "Surface"  # honours hidden (inactive) grid cells
    display.Ambient, display.Diffuse = 1.0, 0.0  # unlit: a bin shows exactly its colour-map colour
    apply_fixed_color_range(display, reader)
    view.InteractionMode = "2D"
    simple.ResetCamera(view)
    return display


def cache_statistics(reader):
    """Field cache counters: requests, hits, block reads from disk, frames read."""
    reader.UpdatePropertyInformation()
    keys = ("requests", "hits", "block_reads", "frames_read")
    return dict(zip(keys, (int(v) for v in reader.GetPropertyValue("CacheStatisticsInfo"))))
