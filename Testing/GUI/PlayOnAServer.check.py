"""Judges PlayOnAServer.xml's play as PlayClocksAgree's: the same checks, the reader on a pvserver."""
import os
import runpy
import sys

runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "PlayClocksAgree.check.py"), run_name="__main__")
