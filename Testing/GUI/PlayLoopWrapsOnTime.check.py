"""Judges the looping play of PlayLoopWrapsOnTime.xml: 7 s of wall time over a 3 s session at 1x."""
import json
import sys

plays = [json.loads(line) for line in open(sys.argv[1])]
assert len(plays) == 1, f"expected one play, got {plays}"
p = plays[0]
print(p)
assert 6.0 <= p["seconds_played"] <= 8.0, "the play lasts the 7 s asked for"
# Before the fix, after a wrap the clock counted from Play, not the wrap: the play alternated between
# the first and last frames and data time ran away from the wall clock.
assert abs(p["achieved_speed"] - 1.0) < 0.1, "data time follows the wall clock across wraps"
assert p["lag_p99_ms"] <= 2.0 * p["display_interval_p50_ms"] + 10.0, "lag stays within two display intervals"
assert p["frames_shown"] > 20, "the arena keeps playing after each wrap"
assert p["clock_samples"] >= p["frames_shown"] - 1 and p["arena_clock_mismatches"] == 0, \
    "the annotation shows the toolbar's frame after every drawn frame"
# Live charts redraw at most 10 times a second: their cursor trails by at most 0.1 s of data or one
# display interval, whichever is longer, plus a frame.
assert p["chart_lag_max_s"] <= max(0.1, 2 * p["display_interval_p50_ms"] / 1000.0) + 0.05, "charts keep up"
# ParaView's interactor would draw a chart a second time 40 ms after each redraw: once is enough.
assert p["chart_redraws"] >= 20 and p["chart_renders"] <= p["chart_redraws"] + 1, \
    f"each chart redraw draws the chart once ({p['chart_renders']} renders for {p['chart_redraws']} redraws)"
assert p["clocks_agree_after_stop"], "stopped, the toolbar, annotation and charts show one frame"
print("ok")
