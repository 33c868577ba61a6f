"""Checks shared by the writer: each failure is a SessionWriteError saying what is wrong, why it
matters and how to fix it (neurospatial's WHAT / WHY / HOW style)."""
import difflib
import math
import numbers

import numpy as np

from . import SessionWriteError

# The colour names the reader knows (Core/common/Color.cpp), plus matplotlib's one-letter and tab10 names.
NAMED_COLORS = {
    "white": "#ffffff", "black": "#000000", "red": "#ff0000", "green": "#008000", "lime": "#00ff00",
    "blue": "#0000ff", "cyan": "#00ffff", "magenta": "#ff00ff", "yellow": "#ffff00", "orange": "#ffa500",
    "purple": "#800080", "gray": "#808080", "grey": "#808080", "pink": "#ffc0cb", "brown": "#a52a2a",
    "gold": "#ffd700", "lightgray": "#d3d3d3", "darkgray": "#a9a9a9",
    "w": "#ffffff", "k": "#000000", "r": "#ff0000", "g": "#008000", "b": "#0000ff", "c": "#00bfbf",
    "m": "#bf00bf", "y": "#bfbf00",
}
TAB10 = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
         "#17becf")
for _index, _name in enumerate(("blue", "orange", "green", "red", "purple", "brown", "pink", "gray", "olive", "cyan")):
    NAMED_COLORS["tab:" + _name] = TAB10[_index]

MARKERS = ("o", "s", "^", "v", "d", "D", "+", "x", "*", "circle", "square", "triangle", "triangle_up",
           "triangle_down", "diamond", "plus", "cross", "star")
INTERPOLATIONS = ("linear", "nearest")


def fail(what, why="", fix=""):
    raise SessionWriteError(what, why, fix)


def did_you_mean(name, candidates):
    close = difflib.get_close_matches(str(name), [str(c) for c in candidates], n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def names_text(names):
    names = list(names)
    return ", ".join(f"'{n}'" for n in names) if names else "none"


def check_name(name, where, what="name"):
    """A name used as an HDF5 group or dataset name."""
    if not isinstance(name, str) or not name or name in (".", "..") or "/" in name:
        fail(f"{where}: the {what} {name!r} cannot name an HDF5 object.",
             "It becomes a group or dataset name in the session file.",
             "Use a non-empty string without '/', e.g. 'position' or 'unit_01'.")
    return name


def number(value, where, name, positive=False, non_negative=False, low=None, high=None, integer=False):
    """A finite real number (optionally positive, in [low, high], whole)."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if ok:
        value = float(value)
        ok = math.isfinite(value)
    if not ok:
        fail(f"{where}: {name} = {value!r} is not a finite number.", "",
             f"Give {name} as a finite real number.")
    if integer and value != math.floor(value):
        fail(f"{where}: {name} = {value!r} is not a whole number.", "", f"Give {name} as an integer.")
    if positive and not value > 0:
        fail(f"{where}: {name} = {value!r} must be greater than 0.", "", f"Give a positive {name}.")
    if non_negative and value < 0:
        fail(f"{where}: {name} = {value!r} must not be negative.", "", f"Give {name} >= 0.")
    if low is not None and high is not None and not low <= value <= high:
        fail(f"{where}: {name} = {value!r} is outside [{low}, {high}].", "", f"Give {name} between {low} and {high}.")
    return int(value) if integer else value


def choice(value, allowed, where, name):
    if value not in allowed:
        fail(f"{where}: {name} = {value!r} is not one of {names_text(allowed)}.{did_you_mean(value, allowed)}",
             "", f"Set {name} to one of {names_text(allowed)}.")
    return value


def color(value, where, name="color"):
    """Normalises a colour to '#rrggbb' or '#rrggbbaa' (what the reader parses)."""
    if isinstance(value, str):
        lower = value.strip().lower()
        if lower in NAMED_COLORS:
            return NAMED_COLORS[lower]
        if lower.startswith("#") and len(lower) in (7, 9) and all(c in "0123456789abcdef" for c in lower[1:]):
            return lower
        if lower.startswith("#") and len(lower) == 4 and all(c in "0123456789abcdef" for c in lower[1:]):
            return "#" + "".join(c * 2 for c in lower[1:])
        fail(f"{where}: {name} = {value!r} is not a colour.{did_you_mean(lower, NAMED_COLORS)}",
             "The reader draws overlays in colours it can parse.",
             "Use '#rrggbb', '#rrggbbaa', a basic name ('red', 'cyan', 'white', ...), 'tab:blue'-style names, "
             "or an (r, g, b[, a]) tuple of floats in [0, 1].")
    if isinstance(value, (tuple, list, np.ndarray)) and len(value) in (3, 4):
        try:
            channels = [float(c) for c in value]
        except (TypeError, ValueError):
            channels = []
        if len(channels) == len(value) and all(0.0 <= c <= 1.0 for c in channels):
            text = "#" + "".join(f"{round(c * 255):02x}" for c in channels)
            return text[:7] if len(channels) == 3 or text.endswith("ff") else text
    fail(f"{where}: {name} = {value!r} is not a colour.",
         "The reader draws overlays in colours it can parse.",
         "Use '#rrggbb', '#rrggbbaa', a basic name ('red', 'cyan', ...) or an (r, g, b[, a]) tuple of floats in [0, 1].")


def marker(value, where, name="marker"):
    if value not in MARKERS:
        fail(f"{where}: {name} = {value!r} is not a marker.{did_you_mean(value, MARKERS)}", "",
             "Use one of 'o' (circle), 's' (square), '^', 'v', 'd' (diamond), '+', 'x', '*'.")
    return value


def interp(value, where):
    return choice(value, INTERPOLATIONS, where, "interp")


def shape_text(shape):
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
