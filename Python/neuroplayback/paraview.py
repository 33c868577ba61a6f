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
    attach_playback(reader)
    return reader


STATISTICS = ("frames_shown", "frames_skipped", "skipped_percent", "display_fps", "lag_p50_ms",
              "lag_p99_ms", "lag_max_ms", "achieved_speed", "display_interval_p50_ms",
              "seconds_played", "cue_cpu_ms_per_frame")


def playback_cue(scene=None):
    """The scene's NeuroPlayback cue, or None."""
    scene = scene or _simple().GetAnimationScene()
    for cue in scene.Cues:
        if cue.GetXMLName() == "NeuroPlaybackCue":
            return cue
    return None


def attach_playback(reader, scene=None):
    """Makes the scene's Play follow the wall clock for this session (one cue per scene).

    open_session does this already; the GUI does it when a session is opened.
    """
    from paraview import servermanager
    scene = scene or _simple().GetAnimationScene()
    cue = playback_cue(scene)
    if cue is None:
        cue = servermanager._getPyProxy(
            servermanager.ProxyManager().SMProxyManager.NewProxy("animation", "NeuroPlaybackCue"))
        cue.AnimationScene = scene
        servermanager.vtkSMParaViewPipelineController().RegisterAnimationProxy(cue.SMProxy)
        scene.Cues.append(cue)
    cue.Session = reader
    return cue


def playback_statistics(cue=None):
    """Statistics of the current or last play as a dict (see STATISTICS)."""
    cue = cue or playback_cue()
    cue.UpdatePropertyInformation()
    return dict(zip(STATISTICS, cue.GetPropertyValue("StatisticsInfo")))


def play(seconds=0.0, speed=None, every_frame=None, loop=None, reverse=False, scene=None):
    """Plays through ParaView's own scene (scene.Play()) for `seconds` of wall time (0: to the end)
    and returns the statistics. `speed` is data seconds per wall second."""
    scene = scene or _simple().GetAnimationScene()
    cue = playback_cue(scene)
    if cue is None:
        raise SessionError("No session is attached to the animation scene. "
                           "How to fix: open one with open_session(path) or attach_playback(reader).")
    if speed is not None:
        # The cue judges the speed and explains a refusal; a refused speed leaves the old one in use.
        cue.Speed = speed
        cue.UpdatePropertyInformation()
        if cue.GetPropertyValue("SpeedInfo") != speed:
            cue.Speed = cue.GetPropertyValue("SpeedInfo")
            raise SessionError(cue.GetPropertyValue("LastError"))
    if every_frame is not None:
        cue.ShowEveryFrame = 1 if every_frame else 0
    if loop is not None:
        scene.Loop = 1 if loop else 0
    cue.PlayForSeconds = float(seconds)
    try:
        if reverse:
            scene.Reverse()
        else:
            scene.Play()
    finally:
        cue.PlayForSeconds = 0.0
    return playback_statistics(cue)


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


# The reader's output ports after the field (port 0), in order.
OVERLAY_PORTS = ("Position", "Trails", "Bodyparts", "Skeleton", "Head Direction", "Events", "Regions",
                 "Scale Bar", "Annotation")


def display_hints(reader):
    """{port: [(property, value), ...]}: how the reader says each port should look (file style + defaults)."""
    reader.UpdatePropertyInformation()
    hints = {}
    for line in (reader.GetPropertyValue("DisplayHints") or "").splitlines():
        port, name, value = line.split("\t")
        hints.setdefault(int(port), []).append((name, value))
    return hints


def overlay_problems(reader):
    """(errors, warnings) about the session's overlays, one message each."""
    reader.UpdatePropertyInformation()
    split = lambda name: [m for m in (reader.GetPropertyValue(name) or "").split("\n") if m]
    return split("OverlayErrors"), split("OverlayWarnings")


def _marker_shapes():
    from paraview import servermanager
    proxy = servermanager.ProxyManager().SMProxyManager.NewProxy("neuroplayback_glyphs", "NeuroMarkerShapes")
    return servermanager._getPyProxy(proxy)


def _set_from_text(target, prop, text, separator=None):
    """Sets one property from text: an enumeration entry, strings, or numbers. Vector values are
    split at separator (whitespace when None, for numbers only)."""
    from paraview import servermanager
    current = target.GetProperty(prop)
    if current is None:
        return
    if isinstance(current, (servermanager.EnumerationProperty, servermanager.ProxyProperty)) or \
            isinstance(current.SMProperty, servermanager.vtkSMStringVectorProperty):
        target.SetPropertyWithName(prop, text.split(separator) if separator and separator in text else text)
        return
    numbers = [float(v) for v in text.split(separator)]
    if isinstance(current.SMProperty, (servermanager.vtkSMIntVectorProperty, servermanager.vtkSMIdTypeVectorProperty)):
        numbers = [int(v) for v in numbers]
    target.SetPropertyWithName(prop, numbers[0] if len(numbers) == 1 else numbers)


def apply_display_hints(display, hints):
    """Sets display properties from (property, value) text pairs, as the GUI does on open."""
    for name, value in hints:
        if name == "GlyphType" and value == "NeuroMarkerShapes":
            display.GlyphType = _marker_shapes()
            continue
        target, prop = display, name
        if "." in name:
            first, prop = name.split(".", 1)
            target = getattr(display, first)
        if prop == "ColorArrayName":
            display.ColorArrayName = value.split(",") if value else [None, ""]
            continue
        _set_from_text(target, prop, value)


def time_series(reader):
    """The NeuroPlayback Time Series filter on this session (created once, then reused)."""
    simple = _simple()
    for proxy in simple.GetSources().values():
        if proxy.GetXMLName() == "NeuroTimeSeries" and proxy.Input.GetAddressAsString("") == reader.GetAddressAsString(""):
            return proxy
    return simple.NeuroPlaybackTimeSeries(registrationName="Time Series", Input=reader)


def chart_hints(series):
    """[{"view": [(property, text)], "display": [...]}] per time-series chart, in layout order; vector
    values in the text are separated by "|"."""
    series.UpdatePipelineInformation()
    charts = []
    for line in (series.GetPropertyValue("ChartHints") or "").splitlines():
        chart, target, name, value = line.split("\t")
        while len(charts) <= int(chart):
            charts.append({"view": [], "display": []})
        charts[int(chart)][target].append((name, value))
    return charts


def show_time_series(reader, render_view=None, fraction=0.62):
    """Shows the time series in line charts under the render view, one chart per group (or per
    ungrouped series), each scrolling with the current time and marking it. Returns [(view, display)]."""
    simple = _simple()
    series = time_series(reader)
    charts = chart_hints(series)
    if not charts:
        simple.Delete(series)
        return []
    render_view = render_view or simple.GetActiveViewOrCreate("RenderView")
    layout = simple.GetLayout(render_view)
    if layout is None:
        layout = simple.CreateLayout()
        layout.AssignView(0, render_view)
    cell = layout.SplitVertical(layout.GetViewLocation(render_view), fraction) + 1
    shown = []
    for index, hints in enumerate(charts):
        if index < len(charts) - 1:
            cell = layout.SplitVertical(cell, 1.0 / (len(charts) - index))
        view = simple.CreateView("XYChartView")
        layout.AssignView(cell, view)
        cell += 1
        display = simple.Show(series, view)
        for name, text in hints["display"]:
            _set_from_text(display, name, text, "|")
        for name, text in hints["view"]:
            _set_from_text(view, name, text, "|")
        shown.append((view, display))
    simple.SetActiveView(render_view)
    return shown


def show_overlays(reader, view=None):
    """Shows every overlay port styled as the file says; returns {port name: display}."""
    simple = _simple()
    view = view or simple.GetActiveViewOrCreate("RenderView")
    hints = display_hints(reader)
    displays = {}
    for port, name in enumerate(OVERLAY_PORTS, start=1):
        display = simple.Show(simple.OutputPort(reader, port), view)
        apply_display_hints(display, hints.get(port, []))
        displays[name] = display
    return displays


def show_video(reader, view=None):
    """Shows the session's first video on the arena (frame-accurate, calibrated, with its alpha,
    above or below the field) through the NeuroPlayback Video filter; returns its display or None."""
    reader.UpdatePropertyInformation()
    if not reader.GetPropertyValue("VideoCountInfo"):
        return None
    simple = _simple()
    view = view or simple.GetActiveViewOrCreate("RenderView")
    video = simple.NeuroPlaybackVideo(registrationName="Video", Input=reader)
    video.UpdatePipelineInformation()
    display = simple.Show(video, view)
    hints = [tuple(line.split("\t")[1:]) for line in (video.GetPropertyValue("DisplayHints") or "").splitlines()]
    apply_display_hints(display, hints)
    return display


def show_session(reader, view=None, time_series=True, video=True):
    """Shows the field in a 2-D render view with the fixed colour range, every overlay and (unless video
    is False) the video on the arena and, unless time_series is False, the time series in line charts
    under it.

    Returns the field's display; show_overlays() and show_time_series() give the others.
    """
    simple = _simple()
    view = view or simple.GetActiveViewOrCreate("RenderView")
    display = simple.Show(reader, view)
    display.Representation = "Surface"  # honours hidden (inactive) grid cells
    display.Ambient, display.Diffuse = 1.0, 0.0  # unlit: a bin shows exactly its colour-map colour
    apply_fixed_color_range(display, reader)
    show_overlays(reader, view)
    if video:
        show_video(reader, view)
    view.InteractionMode = "2D"
    simple.ResetCamera(view)
    if time_series:
        show_time_series(reader, view)
    return display


def cache_statistics(reader):
    """Field cache counters: requests, hits, block reads from disk, frames read."""
    reader.UpdatePropertyInformation()
    keys = ("requests", "hits", "block_reads", "frames_read")
    return dict(zip(keys, (int(v) for v in reader.GetPropertyValue("CacheStatisticsInfo"))))
