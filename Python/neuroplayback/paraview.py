"""pvpython helpers: open a session with a Python exception on bad input, and show it styled.

    from neuroplayback.paraview import open_session, show_session
    reader = open_session("Data/sample.nsp")
    display = show_session(reader)
"""
import functools
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


def _text(value):
    """A string property's value as str: text from a damaged file may not be UTF-8, which ParaView
    hands to Python as bytes; the reader escapes such bytes, and this is the guard behind it."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="backslashreplace")
    return value or ""


def last_error(reader):
    reader.UpdatePropertyInformation()
    return _text(reader.GetPropertyValue("LastError"))


def _describe_missing_file(path):
    """As the reader says it (Core/session/MissingFile.cpp): the full path, whether its folder exists, and the
    closest names in that folder."""
    import difflib
    full = os.path.abspath(path)
    folder, name = os.path.split(full)
    message = f"Session file not found: '{full}' does not exist"
    if not os.path.isdir(folder):
        existing = folder
        while existing and existing != os.path.dirname(existing) and not os.path.isdir(existing):
            existing = os.path.dirname(existing)
        message += f": its folder '{folder}' does not exist either (the deepest folder that does is '{existing}')."
    else:
        nearest = difflib.get_close_matches(name, sorted(os.listdir(folder))[:10000], n=3, cutoff=0.6)
        if nearest:
            message += "; in its folder the closest names are " + ", ".join(f"'{n}'" for n in nearest) + "."
        else:
            message += " (its folder exists but has no file with a similar name)."
    return message + " How to fix: correct the file name."


def open_session(path, exact_color_range=False, cache_size_mb=None, nwb=None):
    """Opens a session file and returns the reader proxy.

    nwb: an NWB file whose behaviour is shown beside the session's overlays (instead of the session's
    own nwb_path attribute). Raises SessionError (naming the problem and the fix) when the file cannot be
    read, and FileNotFoundError when it does not exist. Never modifies either file.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(_describe_missing_file(path))
    ensure_plugin()
    simple = _simple()
    # Through paraview.simple, so the pipeline controller registers it with the TimeKeeper
    # and the animation scene follows the session's time range.
    options = {"ExactColorRange": 1 if exact_color_range else 0}
    if cache_size_mb is not None:
        options["CacheSizeMB"] = int(cache_size_mb)
    if nwb is not None:
        options["NWBFile"] = os.fspath(nwb)
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
              "seconds_played", "cue_cpu_ms_per_frame", "lag_last_ms", "chart_redraws")


def playback_cue(scene=None):
    """The scene's NeuroPlayback cue, or None. A cue loaded from a state file is given its scene here
    (the link is not saved: the scene lists the cue, and a cycle crashed the GUI's state loading)."""
    scene = scene or _simple().GetAnimationScene()
    for cue in scene.Cues:
        if cue.GetXMLName() == "NeuroPlaybackCue":
            _link_scene(cue, scene)
            return cue
    return None


def _link_scene(cue, scene):
    """Gives the cue the scene whose play loop it drives (an internal property, not saved in state)."""
    link = cue.SMProxy.GetProperty("Scene")
    if link.GetNumberOfProxies() == 0 or link.GetProxy(0) != scene.SMProxy:
        link.SetProxy(0, scene.SMProxy)
        cue.SMProxy.UpdateVTKObjects()


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
        _link_scene(cue, scene)
        servermanager.vtkSMParaViewPipelineController().RegisterAnimationProxy(cue.SMProxy)
        scene.Cues.append(cue)
    cue.Session = reader
    return cue


def _attached_cue(scene):
    """The scene's cue, or SessionError saying how to attach one."""
    cue = playback_cue(scene)
    if cue is None:
        raise SessionError("No session is attached to the animation scene. "
                           "How to fix: open one with open_session(path) or attach_playback(reader).")
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
    cue = _attached_cue(scene)
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


def save_movie(path, speed=1.0, frame_rate=30, time_range=None, frame_window=None, progress=True, view=None,
               scene=None, **save_options):
    """Saves a movie (or image series) of the session through ParaView's SaveAnimation, with the data
    speed stated in the call: each movie frame advances `speed` data seconds / `frame_rate` (never every
    500 Hz frame). `time_range=(t0, t1)` (data seconds) or `frame_window=(first, last)` (movie frames)
    saves a part; by default the whole session. Prints progress unless progress=False. Other keyword
    arguments go to SaveAnimation (ImageResolution, Quality, ...). Returns the number of frames written."""
    simple = _simple()
    scene = scene or simple.GetAnimationScene()
    cue = _attached_cue(scene)
    if time_range is not None and frame_window is not None:
        raise SessionError("save_movie got both time_range and frame_window. How to fix: give one of them.")
    old = (cue.MovieSpeed, list(cue.MovieTimeRange))
    cue.MovieSpeed = speed
    cue.UpdateVTKObjects()
    if time_range is not None:
        cue.MovieTimeRange = [float(time_range[0]), float(time_range[1])]
    elif frame_window is not None:
        step = float(speed) / float(frame_rate)
        first = float(scene.StartTime)
        cue.MovieTimeRange = [first + int(frame_window[0]) * step, first + int(frame_window[1]) * step]
    else:
        cue.MovieTimeRange = [0.0, -1.0]
    scene_object = scene.GetClientSideObject()
    state = {"shown": -1}

    def report(*_):
        cue.UpdatePropertyInformation()
        done, total = cue.GetPropertyValue("MovieProgressInfo")
        percent = int(100 * done / total) if total else 0
        if progress and percent // 10 != state["shown"] // 10:
            state["shown"] = percent
            print(f"Saving {os.path.basename(str(path))}: frame {done} of {total} ({percent}%)", flush=True)

    tag = scene_object.AddObserver("AnimationCueTickEvent", report)
    try:
        simple.SaveAnimation(str(path), view or simple.GetActiveView(), FrameRate=int(frame_rate), **save_options)
    finally:
        scene_object.RemoveObserver(tag)
        cue.MovieSpeed, cue.MovieTimeRange = old
    cue.UpdatePropertyInformation()
    return int(cue.GetPropertyValue("MovieProgressInfo")[1])


def export_movie(path, reader=None, start=None, stop=None, fps=30, speed=1.0, size=(1280, 720), workers=None,
                 progress=True, crf=18, epoch=None):
    """Exports the arena of `reader`'s session (the only session when omitted) as a movie, rendered by
    `workers` pvbatch processes in parallel, each on a contiguous part (None: one per core, at most 4,
    and no more than one per 150 frames: automatic_workers). Movie frame i shows data time
    start + i * speed / fps (whole session by default). With epoch="trials", only the intervals of that
    interval overlay inside [start, stop] are exported, one after the other, each sampled from its start.
    `path` ending in .mp4 (or .mkv, .mov) gives one H.264 video (neuroplayback-encode, FFmpeg); ending in
    .png, a numbered sequence path_000000.png... A failure or Ctrl+C leaves nothing under the target name.
    Returns the number of frames."""
    simple = _simple()
    if reader is None:
        readers = [s for s in simple.GetSources().values() if s.GetXMLName() == "NeuroSessionReader"]
        if len(readers) != 1:
            raise SessionError(f"export_movie found {len(readers)} open sessions. How to fix: pass reader=.")
        reader = readers[0]
    if not (float(fps) > 0 and float(speed) > 0):
        raise SessionError(f"export_movie: fps ({fps}) and speed ({speed}) must be positive. How to fix: e.g. "
                           "fps=30, speed=1.0.")
    first, last = time_range(reader)
    start = first if start is None else float(start)
    stop = last if stop is None else float(stop)
    from ._movie import automatic_workers, export, frame_times
    if epoch:
        answer = _ask(reader, "RequestEpochsBetween", epoch, start, stop).GetEpochs()
        spans = list(zip(answer[0::2], answer[1::2]))
        times = [t for a, b in spans for t in frame_times(a, b, fps, speed)]
    else:
        times = frame_times(start, stop, fps, speed)
    if workers is None:
        workers = automatic_workers(len(times))
    nwb = reader.GetPropertyValue("NWBFileName") or None  # the workers show it too
    return export(str(reader.GetPropertyValue("FileName")), path, times, fps, speed, size, workers, progress, crf,
                  nwb=nwb)


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


# The field of an NWB file opened on its own (NaN everywhere; Session::NwbPlaceholderField).
NWB_PLACEHOLDER_FIELD = "no_field"

# How the field is drawn: NeuroPlayback's own "Neuro Field" (the bins built once, a colour texture per
# frame), or ParaView's "Surface" (the previous design, kept for side-by-side measurements).
FIELD_REPRESENTATION = os.environ.get("NEUROPLAYBACK_FIELD_REPRESENTATION") or "Neuro Field"


# The colour legend's tick and range labels: three significant digits, one notation.
LEGEND_LABEL_FORMAT = "%.3g"


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
    # An NWB file opened on its own has only a NaN placeholder field: no colour legend for it.
    view = simple.GetActiveViewOrCreate("RenderView")
    display.SetScalarBarVisibility(view, info["field"] != NWB_PLACEHOLDER_FIELD)
    bar = simple.GetScalarBar(lut, view)
    # One notation for the ticks and the range ends (ParaView's default mixes "6.6e-02" with "0.04").
    bar.AutomaticLabelFormat, bar.LabelFormat, bar.RangeLabelFormat = 0, LEGEND_LABEL_FORMAT, LEGEND_LABEL_FORMAT
    return lut


# The reader's output ports: the field, every overlay (one named block each), the time annotation.
FIELD_PORT, OVERLAY_PORT, ANNOTATION_PORT = 0, 1, 2
# The blocks of the Overlays output, in order (a session has only those it uses), and the property-name
# prefix of each on the overlay display (display.PositionVisibility, display.HeadDirectionSize, ...).
OVERLAYS = ("Position", "Trails", "Bodyparts", "Skeleton", "Head Direction", "Events", "Regions", "Scale Bar", "Video")


def overlay_property(name, control):
    """The overlay display's property for one overlay and control ("Visibility", "Size", "Opacity"; the
    video has no size): overlay_property("Head Direction", "Size") == "HeadDirectionSize"."""
    if name not in OVERLAYS:
        raise SessionError(f"There is no overlay named {name!r}. How to fix: use one of {', '.join(OVERLAYS)}.")
    return name.replace(" ", "") + control


def overlay_data(reader, name, time=None):
    """One overlay's polydata (points with Color, Size, Marker, Heading... as the reader makes them) at
    `time` (default: the current time), brought to this process; None when the session has no such
    overlay. "Video" gives a multiblock of one image per video, whose pixels are there only while an
    overlay display draws the video (the reader decodes it only then)."""
    from paraview import servermanager
    overlay_property(name, "")  # checks the name
    if time is not None:
        reader.UpdatePipeline(time)
    else:
        reader.UpdatePipeline(_simple().GetAnimationScene().TimeKeeper.Time)
    # Under MPI every rank holds the overlays (each draws its slab of the arena): take rank 0's.
    blocks = servermanager.Fetch(reader, 0, idx=OVERLAY_PORT)
    for index in range(blocks.GetNumberOfBlocks()):
        if blocks.HasMetaData(index) and blocks.GetMetaData(index).Get(blocks.NAME()) == name:
            return blocks.GetBlock(index)
    return None


# The time annotation's style when ParaView's own text display draws it (no font file was found for the
# overlay display's): top left, lines starting under the time rather than centred.
ANNOTATION_STYLE = (("WindowLocation", "Upper Left Corner"), ("FontSize", "16"), ("Justification", "Left"))


def display_hints(reader):
    """{port: [(property, value), ...]}: how a port's ParaView display is styled when NeuroPlayback's own
    display does not draw it (only the time annotation's, ANNOTATION_PORT)."""
    return {ANNOTATION_PORT: list(ANNOTATION_STYLE)}


def overlay_problems(reader):
    """(errors, warnings) about the session's overlays, one message each."""
    reader.UpdatePropertyInformation()
    split = lambda name: [m for m in _text(reader.GetPropertyValue(name)).split("\n") if m]
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
        if proxy.GetXMLName() == "NeuroTimeSeries" and _same_proxy(proxy.Input, reader):
            return proxy
    return simple.NeuroPlaybackTimeSeries(registrationName="Time Series", Input=reader)


def _number(value):
    return format(value, ".10g")


def chart_hints(series):
    """[{"view": [(property, text)], "display": [...]}] per time-series chart, in layout order, from the
    filter's chart and series information; vector values in the text are separated by "|"."""
    series.UpdatePipelineInformation()
    def value(name):
        got = series.GetPropertyValue(name)
        if got is None:
            return []
        return [got] if isinstance(got, (str, int, float)) else list(got)  # one element comes back bare
    titles, ranges = value("ChartTitlesInfo"), value("ChartRangesInfo")
    names, labels, colors = value("SeriesNamesInfo"), value("SeriesLabelsInfo"), value("SeriesColorsInfo")
    chart_of, widths = value("SeriesChartsInfo"), value("SeriesLineWidthsInfo")
    charts = []
    for index, title in enumerate(titles):
        members = [i for i, chart in enumerate(chart_of) if chart == index]
        # ParaView names a column of a multiblock's table "column (block)".
        keys = [f"{names[i]} ({names[i]})" for i in members]
        charts.append({
            "view": [("ChartTitle", title), ("BottomAxisTitle", "Time (s)"), ("LeftAxisUseCustomRange", "1"),
                     ("LeftAxisRangeMinimum", _number(ranges[2 * index])),
                     ("LeftAxisRangeMaximum", _number(ranges[2 * index + 1])),
                     ("ShowLegend", "1" if len(members) > 1 else "0")],
            "display": [("UseIndexForXAxis", "0"), ("XArrayName", "Time"),
                        ("CompositeDataSetIndex", "|".join(str(i + 1) for i in members)),
                        ("SeriesVisibility", "|".join(f"{key}|1" for key in keys)),
                        ("SeriesColor", "|".join(key + "|" + "|".join(_number(c) for c in colors[3 * i:3 * i + 3])
                                                 for key, i in zip(keys, members))),
                        ("SeriesLabel", "|".join(f"{key}|{labels[i]}" for key, i in zip(keys, members))),
                        ("SeriesLineThickness", "|".join(f"{key}|{widths[i]}" for key, i in zip(keys, members)))]})
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
    """Shows every overlay and the time annotation in one NeuroPlayback overlay display, styled as the
    file says; returns {"Overlays": display}. Per-overlay controls are properties of that display:
    PositionVisibility, TrailsSize, EventsOpacity, AnnotationVisibility, ... Only when no font file was
    found for the annotation is the reader's Annotation output shown with ParaView's text display, as
    {"Annotation": display} too."""
    simple = _simple()
    view = view or simple.GetActiveViewOrCreate("RenderView")
    display = simple.Show(simple.OutputPort(reader, OVERLAY_PORT), view)
    displays = {"Overlays": display}
    display.UpdatePropertyInformation()
    if not display.GetPropertyValue("AnnotationFontInfo"):
        text = simple.Show(simple.OutputPort(reader, ANNOTATION_PORT), view)
        apply_display_hints(text, display_hints(reader).get(ANNOTATION_PORT, []))
        displays["Annotation"] = text
    return displays


def apply_arena_view_settings(view):
    """A flat 2-D arena needs no anti-aliasing pass, no depth peeling, no level-of-detail switching and no
    orientation axes: each costs software rendering milliseconds per frame for nothing useful."""
    view.UseFXAA = 0
    view.DepthPeeling = 0
    view.LODThreshold = 1e9
    view.OrientationAxesVisibility = 0


def show_video(reader, view=None):
    """Shows the session's videos through one NeuroPlayback Video filter display each (show_session draws
    them in the overlay display instead; this is for a video in a view of its own, or its own display);
    returns the first video's display, or None when the session has no video (show_videos() returns them
    all)."""
    displays = show_videos(reader, view)
    return displays[0] if displays else None


def show_videos(reader, view=None):
    """Every video of the session on the arena, one NeuroPlayback Video filter display each; the overlay
    display in that view stops drawing them. Returns their displays."""
    reader.UpdatePropertyInformation()
    count = int(reader.GetPropertyValue("VideoCountInfo") or 0)
    simple = _simple()
    view = view or simple.GetActiveViewOrCreate("RenderView")
    displays = []
    for index in range(count):
        video = simple.NeuroPlaybackVideo(registrationName="Video" if index == 0 else f"Video {index + 1}",
                                          Input=reader, VideoIndex=index)
        video.UpdatePipelineInformation()
        display = simple.Show(video, view)
        style_video(display, video, view)
        displays.append(display)
    return displays


def _same_proxy(a, b):
    return a is not None and b is not None and a.GetAddressAsString("") == b.GetAddressAsString("")


def _session_reader(source):
    """The NeuroPlayback reader upstream of a filter, or None."""
    while source is not None and source.GetXMLName() != "NeuroSessionReader":
        source = source.Input if source.GetProperty("Input") is not None else None
        source = source[0] if isinstance(source, list) else source
    return source


def style_video(display, video, view=None):
    """Draws a NeuroPlayback Video filter's image on the arena: true colours, placed by the calibration
    (Position, Orientation, Scale) with the overlay's alpha, as the filter's Display* information says.
    With the view, the session's overlay display there stops drawing the videos (not twice)."""
    video.UpdatePipelineInformation()
    display.Representation = "Neuro Video"
    display.ColorArrayName = ["POINTS", "RGB"]
    display.MapScalars = 0
    display.Opacity = video.GetPropertyValue("DisplayOpacityInfo")
    display.Position = list(video.GetPropertyValue("DisplayPositionInfo"))
    display.Orientation = list(video.GetPropertyValue("DisplayOrientationInfo"))
    display.Scale = list(video.GetPropertyValue("DisplayScaleInfo"))
    reader = _session_reader(video)
    if view is not None and reader is not None:
        simple = _simple()
        overlays = simple.servermanager.GetRepresentation(simple.OutputPort(reader, OVERLAY_PORT), view)
        if overlays is not None and overlays.GetProperty("VideoVisibility") is not None:
            overlays.VideoVisibility = 0


def _video_filter_displays():
    """NEUROPLAYBACK_VIDEO_DISPLAY=filter: show_session draws the video through the Video filter's own
    display, as before the overlay display drew it (kept to compare the two, benchmarks §32)."""
    return os.environ.get("NEUROPLAYBACK_VIDEO_DISPLAY", "") == "filter"


def show_session(reader, view=None, time_series=True, video=True, frame=True):
    """Shows the field in a 2-D render view with the fixed colour range, every overlay and (unless video
    is False) the video on the arena, all drawn by one overlay display, and, unless time_series is
    False, the time series in line charts under it; then fits the view to the arena (frame_arena) unless
    frame is False.

    Returns the field's display; show_overlays() and show_time_series() give the others.
    """
    simple = _simple()
    view = view or simple.GetActiveViewOrCreate("RenderView")
    display = simple.Show(reader, view)
    display.Representation = FIELD_REPRESENTATION  # both honour hidden (inactive) grid cells
    display.Ambient, display.Diffuse = 1.0, 0.0  # unlit: a bin shows exactly its colour-map colour
    apply_fixed_color_range(display, reader)
    overlays = show_overlays(reader, view)["Overlays"]
    if not video:
        overlays.VideoVisibility = 0
    elif _video_filter_displays():
        show_videos(reader, view)
    apply_arena_view_settings(view)
    view.InteractionMode = "2D"
    if time_series:
        show_time_series(reader, view)
    if frame:
        frame_arena(view, reader)
    return display


def _has_consumer(reader, xml_name):
    return any(proxy.GetXMLName() == xml_name and proxy.GetProperty("Input") is not None and
               _same_proxy(proxy.Input, reader) for proxy in _simple().GetSources().values())


def style_opened_session(reader, view):
    """What the GUI runs when ParaView first shows a session's field in a render view (File > Open, then
    Apply): show_session, without a second Time Series filter when the session already has one (the user
    may have removed the charts on purpose), and with the video left to a Video filter the session
    already has (a saved state from before the overlay display drew it). The GUI frames the arena
    itself, and again whenever the view changes size (Plugin/pqNeuroArenaFraming): not framed and
    rendered here a first time for nothing."""
    return show_session(reader, view, time_series=not _has_consumer(reader, "NeuroTimeSeries"),
                        video=not _has_consumer(reader, "NeuroVideo"), frame=False)


def frame_arena(view, reader):
    """Fits the render view to the arena and its scale bar on screen, with room for the annotation and
    the legends (ParaView's Reset Camera fits a bounding sphere, which leaves a flat arena a third of
    the view). Call it again after resizing the view."""
    simple = _simple()
    simple.ResetCamera(view)  # ParaView's reset first: clipping range and display
    width, height = view.ViewSize
    overlays = simple.servermanager.GetRepresentation(simple.OutputPort(reader, 1), view)
    font = overlays.GetPropertyValue("AnnotationFontSize") if overlays and overlays.GetProperty("AnnotationFontSize") else 16
    bounds = _ask(reader, "RequestArenaFrame", float(width), float(height), float(font)).GetBounds()
    view.SMProxy.ResetCamera(list(bounds), True)
    simple.Render(view)


def cache_statistics(reader):
    """Field cache counters: requests, hits, block reads from disk, frames read."""
    reader.UpdatePropertyInformation()
    keys = ("requests", "hits", "block_reads", "frames_read")
    return dict(zip(keys, (int(v) for v in reader.GetPropertyValue("CacheStatisticsInfo"))))


# ---- Questions to the open session (answered by the reader without a pipeline update) ----

@functools.lru_cache(maxsize=None)
def _information_class():
    """vtkNeuroSessionInformation: the reader module wrapped for Python sits beside the loaded plugin, in
    python/neuroplayback_modules (found there, or wherever PYTHONPATH already points)."""
    import sys
    from paraview.modules.vtkRemotingCore import vtkPVPluginTracker
    tracker = vtkPVPluginTracker.GetInstance()
    for index in range(tracker.GetNumberOfPlugins()):
        if tracker.GetPluginName(index) == "NeuroPlayback" and tracker.GetPluginLoaded(index):
            folder = os.path.join(os.path.dirname(tracker.GetPluginFileName(index)), "python")
            if folder not in sys.path:
                sys.path.append(folder)
    try:
        from neuroplayback_modules.NeuroPlaybackReaders import vtkNeuroSessionInformation
    except ImportError as error:
        raise SessionError(f"The NeuroPlayback plugin's Python module was not found ({error}). How to fix: load "
                           "the plugin first (open_session does), from a build with Python wrapping.") from None
    return vtkNeuroSessionInformation


def _ask(reader, request, *arguments):
    """Asks the open session one typed question (vtkNeuroSessionInformation.<request>(*arguments)),
    wherever the reader runs, and returns the answered information object. Raises SessionError with the
    reader's message (the problem and its fix) when it cannot answer."""
    info = _information_class()()
    getattr(info, request)(*arguments)
    reader.GatherInformation(info)
    if info.GetProblem():
        raise SessionError(_text(info.GetProblem()))
    return info


def fields(reader):
    """{field name: (min, max)}: every field of the session with the colour range in use."""
    info = _ask(reader, "RequestFields")
    ranges = info.GetFieldRanges()
    return {name: (ranges[2 * i], ranges[2 * i + 1]) for i, name in enumerate(info.GetFieldNames())}


def estimate_color_range(reader, field=None, frames=1000, percentiles=(1.0, 99.0), seed=0, apply=False):
    """Colour range from the given percentiles of `frames` random frames (read through the field
    cache, so it costs about the same at 3.6 M frames as at 3,600). Returns
    {"range": (low, high), "seconds": ..., "source": ...}. With apply=True the field's colour map
    is rescaled to it (and kept fixed)."""
    low, high = percentiles
    if not 0 <= int(seed) < 2 ** 31:
        raise SessionError(f"estimate_color_range: seed {seed} is out of range. How to fix: pass 0 <= seed < 2**31.")
    info = _ask(reader, "RequestColorRange", field or "", max(0, min(int(frames), 2 ** 31 - 1)), float(low),
                float(high), int(seed))
    result = {"range": (info.GetRangeMin(), info.GetRangeMax()), "seconds": info.GetRangeSeconds(),
              "source": info.GetRangeSource()}
    if apply:
        simple = _simple()
        name = field or session_info(reader)["field"]
        lut = simple.GetColorTransferFunction(name)
        lut.AutomaticRescaleRangeMode = "Never"
        lut.RescaleTransferFunction(*result["range"])
        simple.GetOpacityTransferFunction(name).RescaleTransferFunction(*result["range"])
    return result


# ---- Jumping between events and intervals, and playing only inside epochs ----

def _navigate(reader, direction, target, overlay, scene):
    scene = scene or _simple().GetAnimationScene()
    info = _ask(reader, "RequestNeighbour", 1 if direction == "next" else -1, target == "interval", overlay or "",
                float(scene.AnimationTime))
    if not info.GetNeighbourFound():
        return None
    hit = {"time": info.GetNeighbourFrameTime(), "event_time": info.GetNeighbourEventTime(),
           "overlay": info.GetNeighbourOverlay(), "frame": int(info.GetNeighbourFrame())}
    scene.AnimationTime = hit["time"]
    return hit


def next_event(reader, overlay=None, scene=None):
    """Moves the scene to the frame of the first event after the current frame (in `overlay`, or in
    any events overlay) and returns {"time", "event_time", "overlay", "frame"}; None when there is none."""
    return _navigate(reader, "next", "event", overlay, scene)


def previous_event(reader, overlay=None, scene=None):
    """Moves the scene to the frame of the last event before the current frame; None when there is none."""
    return _navigate(reader, "previous", "event", overlay, scene)


def next_interval(reader, overlay=None, scene=None):
    """Moves the scene to the start of the next interval (trial, epoch) of an interval overlay."""
    return _navigate(reader, "next", "interval", overlay, scene)


def previous_interval(reader, overlay=None, scene=None):
    """Moves the scene to the start of the previous interval (the one on screen counts once it has begun)."""
    return _navigate(reader, "previous", "interval", overlay, scene)


def play_epochs(overlay, seconds=0.0, scene=None, **play_options):
    """Plays only inside the intervals of the interval overlay `overlay` (e.g. "trials"), jumping the
    gaps between them, and returns the statistics; the other options are play()'s."""
    scene = scene or _simple().GetAnimationScene()
    cue = _attached_cue(scene)
    cue.EpochOverlay = overlay
    try:
        stats = play(seconds=seconds, scene=scene, **play_options)
        cue.UpdatePropertyInformation()
        message = cue.GetPropertyValue("LastError")
        if message:
            raise SessionError(message)
        return stats
    finally:
        cue.EpochOverlay = ""


# ---- Large sessions: recommended settings ----

def recommended_settings(reader):
    """Settings that keep a long session (millions of frames) smooth, as {name: (value, why)}.
    apply_recommended_settings() applies them."""
    info = session_info(reader)
    frames = max(info["frames"], 1)
    return {
        "CacheSizeMB": (128, "Each field keeps at most this much in memory; more does not make playback "
                             "faster because reads are sequential and read ahead."),
        "ExactColorRange": (0, "An exact range reads every frame once; the estimate from random frames "
                               "(estimate_color_range) costs well under a second at any length."),
        "PlayMode": ("Snap To TimeSteps", "The NeuroPlayback cue drives ParaView's play loop in this mode; "
                                          "Real Time hands playback back to ParaView and ignores frame times."),
        "ShowEveryFrame": (0 if frames > 100_000 else 1,
                           "At long sessions the wall clock must win: skip frames rather than drift behind."),
        "LODThreshold": (1e9, "Level of detail swaps geometry while interacting; the field is small, keep it exact."),
        "UseFXAA": (0, "Anti-aliasing costs a full-screen pass per frame on software rendering."),
        "DepthPeeling": (0, "The arena's layers sit at fixed heights, drawn in order: peeling them costs a "
                            "dozen passes per frame and changes nothing visible."),
        "OrientationAxesVisibility": (0, "A 2-D arena needs no orientation axes."),
        "SaveAnimationFrameRate": (30, "Save Animation samples data time at speed / frame rate, never every frame."),
    }


def apply_recommended_settings(reader, view=None, scene=None):
    """Applies recommended_settings() to the reader, the render view and the playback cue; returns them."""
    simple = _simple()
    settings = recommended_settings(reader)
    view = view or simple.GetActiveViewOrCreate("RenderView")
    scene = scene or simple.GetAnimationScene()
    if int(reader.CacheSizeMB) != settings["CacheSizeMB"][0]:
        reader.CacheSizeMB = settings["CacheSizeMB"][0]
    if int(reader.ExactColorRange):
        reader.ExactColorRange = 0
    scene.PlayMode = settings["PlayMode"][0]
    view.LODThreshold = settings["LODThreshold"][0]
    view.UseFXAA = settings["UseFXAA"][0]
    view.DepthPeeling = settings["DepthPeeling"][0]
    view.OrientationAxesVisibility = settings["OrientationAxesVisibility"][0]
    cue = playback_cue(scene) or attach_playback(reader, scene)
    cue.ShowEveryFrame = settings["ShowEveryFrame"][0]
    cue.DefaultOutputFrameRate = settings["SaveAnimationFrameRate"][0]
    return settings


# ---- One call to open and lay out a session ----

class SessionHandles(dict):
    """What show() made, by name (also as attributes): reader, view, field, overlays, charts, video (the
    display drawing the video: the overlay display, with VideoVisibility and VideoOpacity), cue."""
    __getattr__ = dict.__getitem__


def show(session, time_series=True, video=True, recommended=True, view=None):
    """Opens `session` (a path, or a reader already open), shows the field, every overlay, the video and
    the time-series charts laid out under the render view, attaches wall-clock playback, and returns
    SessionHandles(reader=, view=, field=, overlays=, charts=, video=, cue=)."""
    simple = _simple()
    reader = open_session(session) if isinstance(session, (str, os.PathLike)) else session
    view = view or simple.GetActiveViewOrCreate("RenderView")
    if recommended:
        apply_recommended_settings(reader, view)
    field = show_session(reader, view, time_series=False, video=video)
    overlays = {"Overlays": simple.GetDisplayProperties(simple.OutputPort(reader, OVERLAY_PORT), view)}
    # The display that draws the video: the overlay display (VideoVisibility, VideoOpacity), or the Video
    # filter's own display (NEUROPLAYBACK_VIDEO_DISPLAY=filter).
    reader.UpdatePropertyInformation()
    video_display = None
    if video and int(reader.GetPropertyValue("VideoCountInfo") or 0):
        filters = [d for d in view.Representations if d.GetXMLName() == "UniformGridRepresentation"
                   and d.Input.GetXMLName() == "NeuroVideo" and _same_proxy(_session_reader(d.Input), reader)]
        video_display = filters[0] if filters else overlays["Overlays"]
    charts = show_time_series(reader, view) if time_series else []
    simple.SetActiveView(view)
    simple.Render(view)
    return SessionHandles(reader=reader, view=view, field=field, overlays=overlays, charts=charts,
                          video=video_display, cue=attach_playback(reader))


# ---- Several fields side by side ----

def compare_fields(items, color_range=None, overlays=True, layout=None):
    """Shows several fields side by side in linked render views with one shared colour scale and one
    time. `items` are (reader, field name) pairs, or readers (their default field), or the field names
    of the first reader given as ("reader", [names]). The colour range is the union of the fields'
    ranges unless given. Returns SessionHandles(views=, displays=, lut=, range=)."""
    simple = _simple()
    pairs = []
    for item in items:
        reader, name = item if isinstance(item, tuple) else (item, None)
        pairs.append((reader, name or session_info(reader)["field"]))
    if not pairs:
        raise SessionError("compare_fields() needs at least one field. How to fix: pass (reader, field) pairs.")
    for reader, name in pairs:
        known = fields(reader)
        if name not in known:
            raise SessionError(f"The session has no field named {name!r}; it has {', '.join(sorted(known))}. "
                               "How to fix: pass one of those names.")
    if color_range is None:
        ranges = [fields(reader)[name] for reader, name in pairs]
        color_range = (min(r[0] for r in ranges), max(r[1] for r in ranges))
    lut = simple.GetColorTransferFunction("NeuroPlaybackCompare")
    lut.ApplyPreset("Viridis (matplotlib)", True)
    lut.AutomaticRescaleRangeMode = "Never"
    lut.RescaleTransferFunction(*color_range)
    lut.NanColor = [0.6, 0.6, 0.6]
    layout = layout or simple.CreateLayout("Compare fields")
    views, displays, links = [], [], []
    cell = 0
    for index, (reader, name) in enumerate(pairs):
        view = simple.CreateView("RenderView")
        if index < len(pairs) - 1:
            left = layout.SplitHorizontal(cell, 1.0 / (len(pairs) - index))
            layout.AssignView(left, view)
            cell = left + 1
        else:
            layout.AssignView(cell, view)
        display = simple.Show(reader, view)
        display.Representation = FIELD_REPRESENTATION
        display.Ambient, display.Diffuse = 1.0, 0.0
        simple.ColorBy(display, ("CELLS", name))
        display.LookupTable = lut
        display.SetScalarBarVisibility(view, index == len(pairs) - 1)
        title = simple.Text(registrationName=f"Title {index + 1}", Text=name)
        title_display = simple.Show(title, view)
        title_display.WindowLocation = "Upper Right Corner"
        title_display.FontSize = 14
        if overlays:
            shown = show_overlays(reader, view)
            shown["Overlays"].AnnotationVisibility = 1 if index == 0 else 0  # one time readout is enough
            if "Annotation" in shown:
                shown["Annotation"].Visibility = 1 if index == 0 else 0
        view.InteractionMode = "2D"
        view.OrientationAxesVisibility = 0
        simple.ResetCamera(view)
        if views:
            links.append(f"NeuroPlaybackCompare{id(layout)}-{index}")
            simple.AddCameraLink(views[0], view, links[-1])
        views.append(view)
        displays.append(display)
    bar = simple.GetScalarBar(lut, views[-1])
    bar.Title = " | ".join(dict.fromkeys(name for _, name in pairs))
    bar.ComponentTitle = ""
    bar.AutomaticLabelFormat = 0  # one notation for the ticks and the range ends, as show_session's legend
    bar.LabelFormat = bar.RangeLabelFormat = LEGEND_LABEL_FORMAT
    simple.SetActiveView(views[0])
    return SessionHandles(views=views, displays=displays, lut=lut, range=tuple(color_range), layout=layout,
                          links=links)


def compare_session_fields(reader):
    """Every field of the session side by side (compare_fields on all of them), as the GUI's Compare
    fields button does: one colour scale, linked cameras, one time, in a new layout tab."""
    default = session_info(reader)["field"]
    names = sorted((name for name in fields(reader) if name != NWB_PLACEHOLDER_FIELD), key=lambda n: n != default)
    if len(names) < 2:
        raise SessionError(f"This session has {'one field (' + names[0] + ')' if names else 'no field'}: "
                           "nothing to compare. How to fix: write the session with two or more fields (e.g. "
                           "fields={'posterior': ..., 'likelihood': ...}), or compare fields of several sessions "
                           "with compare_fields([(reader_a, 'posterior'), (reader_b, 'posterior')]).")
    handles = compare_fields([(reader, name) for name in names])
    # The view with the colour legend is made active: its display's colour map is the shared one.
    _simple().SetActiveView(handles.views[-1])
    return handles


def close_comparison(handles):
    """Removes what compare_fields() made: camera links, views, titles and the layout."""
    simple = _simple()
    for link in handles.links:
        simple.RemoveCameraLink(link)
    for view in handles.views:
        for source, display in list(simple.GetRepresentations().items()):
            if source[1] == view.GetGlobalIDAsString() and source[0].GetXMLName() == "TextSource":
                simple.Delete(source[0])
        simple.Delete(view)
    simple.RemoveLayout(handles.layout)
