"""Judges the play recorded by PlaySlowMotionShowsEveryFrame.xml: 30 frames at ~10 Hz played at 0.5x."""
import json
import sys

plays = [json.loads(line) for line in open(sys.argv[1])]
assert len(plays) == 1, f"expected one play, got {plays}"
p = plays[0]
print(p)
assert p["speed"] == 0.5, "the toolbar's speed must reach the cue"
assert p["last_frame"] == 29, "playback must end on the last frame"
assert p["frames_skipped"] == 0, "nothing may be skipped when the renderer keeps up"
assert p["frames_shown"] == 29, "every frame after the first must be shown once"
assert 5.0 <= p["seconds_played"] <= 6.5, "2.9 s of data at 0.5x must take about 5.8 s"
print("ok")
