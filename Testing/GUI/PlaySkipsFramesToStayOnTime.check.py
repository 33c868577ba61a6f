"""Judges the play recorded by PlaySkipsFramesToStayOnTime.xml: 3 s of 500 Hz data played at 1x."""
import json
import sys

plays = [json.loads(line) for line in open(sys.argv[1])]
assert len(plays) == 1, f"expected one play, got {plays}"
p = plays[0]
print(p)
assert p["last_frame"] == 1499, "playback must end on the last frame"
assert p["frames_skipped"] > 0 and p["skipped_percent"] > 50, "500 Hz cannot be shown frame by frame"
assert 2.5 <= p["seconds_played"] <= 3.6, "3 s of data at 1x must take about 3 s"
assert abs(p["achieved_speed"] - 1.0) < 0.1, "data time must follow the wall clock"
# Lag is bounded by the display interval (render latency plus one data frame), not growing.
assert p["lag_p99_ms"] <= 2.0 * p["display_interval_p50_ms"] + 10.0, "lag must stay within two display intervals"
print("ok")
