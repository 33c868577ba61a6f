"""Judges PlayClocksAgree.xml's play: the clocks on screen agree while playing and once stopped."""
import json
import sys

plays = [json.loads(line) for line in open(sys.argv[1])]
assert len(plays) == 1, f"expected one play, got {plays}"
p = plays[0]
print(p)
assert p["last_frame"] == 59, "the play ends on the last frame"
assert p["direct"] == 1 and p["clock_samples"] > 0 and p["arena_clock_mismatches"] == 0, \
    "after every drawn frame the annotation shows the toolbar's frame"
assert p["clocks_agree_after_stop"], "stopped, the toolbar, annotation and chart cursors show one frame"
print("ok")
