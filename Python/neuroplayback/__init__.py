"""NeuroPlayback Python helpers.

`neuroplayback.paraview` (for pvpython) opens sessions with clear exceptions and shows them styled.
"""

__version__ = "0.1.0"


class SessionError(RuntimeError):
    """A session file could not be read; the message says what is wrong and how to fix it."""
