"""neurospatial's overlay dataclasses as this package's overlays (duck-typed; neurospatial is never imported).

Units that differ are converted: neurospatial's `trail_length` and `decay_frames` count animation frames
and become seconds at the session's mean frame rate (when the session is written); marker sizes in screen
points are dropped (ours are environment units, so the reader's default is used).
"""
import warnings
from collections.abc import Mapping

from ._neurospatial import _get
from ._overlays import BodypartOverlay, EventOverlay, HeadDirectionOverlay, PositionOverlay, TimeSeriesOverlay
from ._video import VideoOverlay


def _neurospatial_series_color(color):
    """neurospatial's time-series default, white, is drawn on a dark matplotlib dock; on ParaView's white
    chart it would vanish, so it is left to the reader's colour cycle."""
    return None if isinstance(color, str) and color.strip().lower() in ("white", "w", "#ffffff", "#fff") else color


def overlay_from_neurospatial(obj):
    """Our overlay for a neurospatial overlay dataclass, None if `obj` does not look like one."""
    cls = type(obj).__name__
    if hasattr(obj, "object_positions") and hasattr(obj, "animal_positions"):
        warnings.warn("ObjectVectorOverlay is not stored in sessions (neurospatial does not draw it either); "
                      "it is skipped.", stacklevel=3)
        return ()
    if hasattr(obj, "event_times"):
        overlay = EventOverlay(
            obj.event_times, event_positions=_get(obj, "event_positions"), positions=_get(obj, "positions"),
            position_times=_get(obj, "position_times"), interp=_get(obj, "interp", default="linear"),
            colors=_get(obj, "colors"), opacity=_get(obj, "opacity", default=0.7), markers=_get(obj, "markers"),
            decay_frames=_get(obj, "decay_frames"))
        return overlay
    if hasattr(obj, "source") and (hasattr(obj, "z_order") or hasattr(obj, "alpha") or "Video" in cls):
        source = obj.source
        if hasattr(source, "__fspath__"):
            source = str(source)
        return VideoOverlay(source, calibration=_get(obj, "calibration"), times=_get(obj, "times"),
                              alpha=_get(obj, "alpha", default=0.5), z_order=_get(obj, "z_order", default="above"),
                              crop=_get(obj, "crop"), downsample=_get(obj, "downsample", default=1),
                              interp=_get(obj, "interp", default="nearest"))
    data = _get(obj, "data")
    if isinstance(data, Mapping) or hasattr(obj, "skeleton"):
        return BodypartOverlay(data, times=_get(obj, "times"), skeleton=_get(obj, "skeleton"),
                                 colors=_get(obj, "colors"), interp=_get(obj, "interp", default="linear"))
    if hasattr(obj, "headings") or "HeadDirection" in cls:
        color = _get(obj, "color")
        if color == "hsv":  # neurospatial's default, not a colour (hue cycles with time in napari)
            color = None
        return HeadDirectionOverlay(_get(obj, "headings", "data"), times=_get(obj, "times"),
                                      color=color or "yellow", length=_get(obj, "length"), width=_get(obj, "width"),
                                      interp=_get(obj, "interp", default="linear"))
    if hasattr(obj, "window_seconds") and data is not None:
        return TimeSeriesOverlay(data, _get(obj, "times"), label=_get(obj, "label", default=""),
                                   color=_neurospatial_series_color(_get(obj, "color", default=None)),
                                   window_seconds=_get(obj, "window_seconds", default=2.0),
                                   linewidth=_get(obj, "linewidth"), group=_get(obj, "group"),
                                   normalize=bool(_get(obj, "normalize", default=False)), vmin=_get(obj, "vmin"),
                                   vmax=_get(obj, "vmax"), interp=_get(obj, "interp", default="linear"),
                                   update_mode=_get(obj, "update_mode", default="live"))
    if hasattr(obj, "positions") or (data is not None and "Position" in cls):
        overlay = PositionOverlay(_get(obj, "positions", "data"), times=_get(obj, "times"),
                                    color=_get(obj, "color", default="red"),
                                    interp=_get(obj, "interp", default="linear"))
        overlay._trail_frames = _get(obj, "trail_length")  # frames in neurospatial; seconds here
        return overlay
    return None
