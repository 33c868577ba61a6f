"""Writes a ParaView state file of a session shown as show_session does, in a layout the GUI shows, for
GUI tests that start from a saved state: make_gui_state.py SESSION STATE.pvsm (run by pvpython)."""
import sys

from paraview import simple

from neuroplayback.paraview import open_session, show_session

reader = open_session(sys.argv[1])
view = simple.CreateRenderView()
simple.CreateLayout("Session").AssignView(0, view)
show_session(reader, view)
simple.SaveState(sys.argv[2])
