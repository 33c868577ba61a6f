"""Judges the play recorded by PlayOnlyInsideTrials.xml: 30 frames at ~10 Hz, trials at frames 5-10 and
20-24, played at 0.5x inside the trials only."""
import json
import sys

import numpy as np

times = np.cumsum(np.r_[0.0, 0.1 + 0.04 * np.sin(np.arange(29))])
plays = [json.loads(line) for line in open(sys.argv[1])]
assert len(plays) == 1, f"expected one play, got {plays}"
p = plays[0]
print(p)
assert p["last_frame"] == 24, "playback must end at the end of the last trial"
inside = ((times[10] - times[5]) + (times[24] - times[20])) / 0.5
assert p["seconds_played"] < inside + 1.0, f"the gaps must be jumped: {p['seconds_played']:.2f} s for {inside:.2f} s of trials"
assert p["frames_shown"] <= 11, "frames between the trials must not be shown"
assert p["every_frame"] == 1, "the toolbar's Every frame must reach the cue"
assert p["frames_skipped"] == 0, "jumping a gap is not skipping"
assert p["frames_shown"] >= 9, "every frame of both trials must be shown"
print("ok")
