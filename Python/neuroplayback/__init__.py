"""NeuroPlayback Python helpers.

`neuroplayback.paraview` (for pvpython) opens sessions with clear exceptions and shows them styled.
`neuroplayback.writer` (plain python3 + numpy + h5py) writes session files from numpy arrays:

    from neuroplayback import write_session, grid_environment, PositionOverlay
    write_session("session.nsp", grid_environment(x_edges, y_edges), fields, frame_times=times,
                  overlays=[PositionOverlay(xy, times=t)])

The writer's names are loaded on first use, so `import neuroplayback` needs neither ParaView, numpy nor h5py.
"""

__version__ = "0.1.0"


class SessionError(RuntimeError):
    """A session file could not be read; the message says what is wrong and how to fix it."""


class SessionWriteError(ValueError):
    """A session could not be written from the arguments given. The message says what is wrong, why
    it matters and how to fix it (also as the attributes `what`, `why` and `fix`)."""

    def __init__(self, what, why="", fix=""):
        self.what, self.why, self.fix = what, why, fix
        text = what
        if why:
            text += " " + why
        if fix:
            text += " How to fix: " + fix
        super().__init__(text)


def _writer():
    import importlib
    return importlib.import_module(__name__ + ".writer")


def __getattr__(name):
    # The writer imports numpy and h5py: only when one of its names (or the module) is asked for.
    if name == "__all__":  # `from neuroplayback import *` asks for the writer's names too
        return ["SessionError", "SessionWriteError", *_writer().__all__]
    if name.startswith("__"):
        raise AttributeError(f"module 'neuroplayback' has no attribute '{name}'")
    writer = _writer()
    if name == "writer":
        return writer
    if name in writer.__all__:
        return getattr(writer, name)
    raise AttributeError(f"module 'neuroplayback' has no attribute '{name}'")


def __dir__():
    try:
        writer = _writer()
    except ImportError:  # no numpy/h5py: the writer's names are not available
        return sorted(globals())
    return sorted(set(globals()) | set(writer.__all__))
