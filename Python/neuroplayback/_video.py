"""The behaviour video overlay: its calibration to the arena (calibrate_video) and how it is written."""
import warnings
from collections.abc import Mapping

import numpy as np

from . import SessionWriteError
from . import _arrays as arrays
from ._neurospatial import calibration_matrix
from ._validation import choice, fail, interp as check_interp, number, shape_text
from ._writing import (F8, _Plan, _RegularTimes, _check_overlap, _optional, _resolve_file, _sample_times, _write_rows,
                       _write_times)


class VideoCalibration:
    """Where the video's source pixels land in the environment: exactly one of a (3, 3) px_to_env
    affine (column, row, 1) -> (x, y, 1); a scale bar (two end pixels and its length); landmarks
    (k >= 3 pixel points and their environment points, fitted rigidly, by similarity or affinely);
    or cm per pixel. Pixel rows count down from the top-left corner; the reader flips y. Make one
    with calibrate_video(...)."""

    def __init__(self, method, attrs, datasets):
        self.method, self.attrs, self.datasets = method, attrs, datasets

    def __repr__(self):
        return f"VideoCalibration({self.method})"


def _points(value, name, rows=None):
    where = "calibrate_video"
    try:
        points = np.asarray(value, dtype=F8)
    except (TypeError, ValueError):
        points = np.zeros((0,))
    if points.ndim != 2 or points.shape[1] != 2 or (rows is not None and points.shape[0] != rows):
        need = f"({rows}, 2)" if rows else "(k, 2)"
        fail(f"{where}: {name} has shape {shape_text(points.shape)} but needs {need}.", "",
             f"Give {name} as {need} points (column, row) for pixels, (x, y) for the environment.")
    if not np.isfinite(points).all():
        fail(f"{where}: {name} has values that are not finite.", "", f"Give finite {name}.")
    return points


def _collinear(points):
    centred = points - points.mean(axis=0)
    s = np.linalg.svd(centred, compute_uv=False)
    return len(s) < 2 or s[0] == 0 or s[1] / s[0] < 1e-6


def calibrate_video(*, scale_bar=None, landmarks_px=None, landmarks_env=None, landmark_fit="similarity",
                    cm_per_px=None, px_to_env=None, env_origin=None):
    """A VideoCalibration from exactly one method (as neurospatial's calibrate_video, without the
    video file: the reader knows the frame size):
    - scale_bar=((x1, y1), (x2, y2), length): a bar of known length (environment units) between two pixels;
    - landmarks_px=(k, 2) + landmarks_env=(k, 2), landmark_fit='rigid' | 'similarity' | 'affine';
    - cm_per_px=float;
    - px_to_env=(3, 3) affine matrix.
    `env_origin` (x0, y0) is the environment point of the frame's bottom-left corner (scale bar and
    cm_per_px only)."""
    where = "calibrate_video"
    given = [name for name, value in (("scale_bar", scale_bar), ("landmarks", landmarks_px if landmarks_px is not None
                                                                               else landmarks_env),
                                      ("cm_per_px", cm_per_px), ("px_to_env", px_to_env)) if value is not None]
    if len(given) != 1:
        fail(f"{where}: {'no calibration method' if not given else 'more than one method (' + ', '.join(given) + ')'} "
             "was given.", "A video is placed by exactly one calibration.",
             "Give one of scale_bar=((x1, y1), (x2, y2), length), landmarks_px + landmarks_env, cm_per_px or px_to_env.")
    attrs, datasets = {}, {}
    if env_origin is not None:
        if given[0] not in ("scale_bar", "cm_per_px"):
            fail(f"{where}: env_origin is only used with scale_bar or cm_per_px.", "",
                 "Remove env_origin (landmarks and px_to_env carry their own offset).")
        attrs["env_origin"] = _points([env_origin], "env_origin", 1)[0]
    if given[0] == "scale_bar":
        try:
            p1, p2, length = scale_bar
        except (TypeError, ValueError):
            fail(f"{where}: scale_bar = {scale_bar!r} is not ((x1, y1), (x2, y2), length).", "",
                 "Give the bar's two end pixels and its length in environment units.")
        ends = _points([p1, p2], "scale_bar's end points", 2)
        if np.allclose(ends[0], ends[1]):
            fail(f"{where}: the scale bar's two ends are the same pixel.", "A bar needs a length in pixels.",
                 "Give the two ends of the bar in the video.")
        datasets["scale_bar_px"] = ends
        attrs["scale_bar_length"] = number(length, where, "the scale bar's length", positive=True)
        return VideoCalibration("scale_bar", attrs, datasets)
    if given[0] == "landmarks":
        if landmarks_px is None or landmarks_env is None:
            fail(f"{where}: only one of landmarks_px and landmarks_env is given.", "A landmark fit needs both.",
                 "Give landmarks_px (k, 2) pixels and landmarks_env (k, 2) environment points, row i the same landmark.")
        px, env = _points(landmarks_px, "landmarks_px"), _points(landmarks_env, "landmarks_env")
        if len(px) != len(env):
            fail(f"{where}: landmarks_px has {len(px)} points but landmarks_env has {len(env)}.", "",
                 "Give the same landmarks in both, in the same order.")
        if len(px) < 3:
            fail(f"{where}: {len(px)} landmarks are too few.", "A fit needs at least 3 points.", "Give 3 or more landmarks.")
        for name, points in (("landmarks_px", px), ("landmarks_env", env)):
            if _collinear(points):
                fail(f"{where}: {name} lie on one line.", "A line does not fix the image's placement.",
                     "Choose landmarks that span the arena (e.g. three or four corners).")
        datasets["landmarks_px"], datasets["landmarks_env"] = px, env
        attrs["landmark_fit"] = choice(landmark_fit, ("rigid", "similarity", "affine"), where, "landmark_fit")
        return VideoCalibration("landmarks", attrs, datasets)
    if given[0] == "cm_per_px":
        attrs["cm_per_px"] = number(cm_per_px, where, "cm_per_px", positive=True)
        return VideoCalibration("cm_per_px", attrs, datasets)
    matrix = np.asarray(px_to_env, dtype=F8) if not isinstance(px_to_env, str) else np.zeros(0)
    if matrix.shape == (2, 3):
        matrix = np.vstack([matrix, [0.0, 0.0, 1.0]])
    if matrix.shape != (3, 3) or not np.isfinite(matrix).all():
        fail(f"{where}: px_to_env has shape {shape_text(matrix.shape)} or non-finite values.", "",
             "Give a finite (3, 3) affine matrix from source pixel (column, row, 1) to (x, y, 1).")
    if not np.allclose(matrix[2], [0.0, 0.0, 1.0], atol=1e-9):
        fail(f"{where}: px_to_env's last row is {matrix[2].tolist()}, not [0, 0, 1].", "It must be an affine map.",
             "Use an affine matrix (no perspective).")
    if abs(np.linalg.det(matrix[:2, :2])) < 1e-12:
        fail(f"{where}: px_to_env is singular.", "It would squash the video to a line.",
             "Give a matrix whose 2x2 part has a non-zero determinant.")
    datasets["px_to_env"] = matrix
    return VideoCalibration("px_to_env", attrs, datasets)


def _as_calibration(value, where):
    if value is None or isinstance(value, VideoCalibration):
        return value
    try:
        if isinstance(value, Mapping):
            keys = dict(value)
            if "scale_bar_px" in keys:
                keys["scale_bar"] = (*np.asarray(keys.pop("scale_bar_px"), F8), keys.pop("scale_bar_length", None))
            if "kind" in keys:
                keys["landmark_fit"] = keys.pop("kind")
            return calibrate_video(**keys)
        matrix = calibration_matrix(value)  # neurospatial VideoCalibration (transform_px_to_cm.A)
        if matrix is not None:
            return calibrate_video(px_to_env=matrix)
        if hasattr(value, "shape") or isinstance(value, (list, tuple)):
            return calibrate_video(px_to_env=value)
    except TypeError as error:
        fail(f"{where}: calibration {value!r} could not be read ({error}).", "",
             "Give calibrate_video(...), a (3, 3) px_to_env matrix, or a dict of one method's values.")
    except SessionWriteError as error:
        raise SessionWriteError(f"{where}: {error.what}", error.why, error.fix) from None
    fail(f"{where}: calibration is a {type(value).__name__}, which is not a calibration.", "",
         "Give calibrate_video(...), a (3, 3) px_to_env matrix, a dict of one method's values, or neurospatial's "
         "VideoCalibration.")


class VideoOverlay:
    """The behaviour video on the arena. `source`: frames (n, H, W, 3) uint8 RGB stored in the
    session (a memmap or h5py dataset streams), or the path of a video file (MP4/H.264, anything
    FFmpeg reads; stored relative to the session's folder). Timing: `times` (n,) session time of each
    frame; or `time_offset` (session time of the first video frame) and `time_scale` (drift), plus `fps` for
    stored frames; with none of them, stored frames are one per session frame (as neurospatial).
    `calibration` places it (see calibrate_video; none = stretched over the arena); `crop`
    (x, y, w, h) and `downsample` cut the shown image; `alpha`, `z_order` 'above' / 'below' the field."""

    def __init__(self, source, calibration=None, times=None, alpha=0.5, z_order="above", crop=None, downsample=1,
                 interp="nearest", *, time_offset=None, time_scale=None, fps=None, name=None):
        self.source, self.calibration, self.times, self.alpha, self.z_order = source, calibration, times, alpha, z_order
        self.crop, self.downsample, self.interp = crop, downsample, interp
        self.time_offset, self.time_scale, self.fps, self.name = time_offset, time_scale, fps, name

    def _plans(self, ctx):
        return [_VideoPlan(self, self.name, self.name is not None)]


class _VideoPlan(_Plan):
    kind, base = "video", "video"

    def check(self, ctx):
        o, where = self.owner, self.where
        self.external = None
        self.frames = None
        if isinstance(o.source, (str, bytes)) or hasattr(o.source, "__fspath__"):
            self.external = _resolve_file(o.source, ctx.folder, where, "source")
            width = height = None
        else:
            frames = arrays.lazy(o.source)
            if len(frames.shape) != 4 or frames.shape[3] != 3 or np.dtype(frames.dtype) != np.uint8 or frames.shape[0] == 0:
                fail(f"{where}: source has shape {shape_text(frames.shape)} and dtype {frames.dtype}; stored frames must "
                     "be (n, H, W, 3) uint8 RGB with n >= 1.", "",
                     "Convert the frames to uint8 RGB (from OpenCV: frame[..., ::-1] for BGR), or give a video file path.")
            self.frames = frames
            height, width = int(frames.shape[1]), int(frames.shape[2])
        self.alpha = number(o.alpha, where, "alpha", low=0.0, high=1.0)
        self.z_order = choice(o.z_order, ("above", "below"), where, "z_order")
        if o.interp not in ("nearest", "linear"):
            check_interp(o.interp, where)
        if o.interp == "linear":
            warnings.warn(f"{where}: interp='linear' is not implemented for video (as in neurospatial); the nearest "
                          "frame is shown.", stacklevel=4)
        self.offset = _optional(o.time_offset, where, "time_offset")
        self.scale = _optional(o.time_scale, where, "time_scale", positive=True)
        self.fps = _optional(o.fps, where, "fps", positive=True)
        self.times = None
        if o.times is not None:
            if self.offset is not None or self.scale is not None:
                fail(f"{where}: both times and time_offset/time_scale are given.",
                     "Per-frame times already place every frame on the session clock.",
                     "Give times, or time_offset (and time_scale), not both.")
            n = self.frames.shape[0] if self.frames is not None else arrays.lazy(o.times).shape[0]
            self.times, _, _ = _sample_times(o.times, n, where, ctx, "the video")
        elif self.frames is not None:
            n = self.frames.shape[0]
            if self.fps is not None:
                start = self.offset or 0.0
                self.times = _RegularTimes(start, self.fps / (self.scale or 1.0), n)
                _check_overlap(start, start + (n - 1) * (self.scale or 1.0) / self.fps, where, ctx)
                self.offset = self.scale = None
            elif self.offset is not None or self.scale is not None:
                fail(f"{where}: stored frames with time_offset/time_scale need fps.",
                     "Stored frames carry no clock of their own.", "Give fps (frames per second of the video), or times.")
            else:
                self.times, _, _ = _sample_times(None, n, where, ctx, "the video")
        elif self.fps is not None:
            fail(f"{where}: fps is only used with stored frames.", "A video file has its own clock.",
                 "Remove fps; use time_offset and time_scale to put the file's clock on the session's.")
        self.calibration = _as_calibration(o.calibration, where)
        self.crop = None
        if o.crop is not None:
            try:
                crop = [number(c, where, "crop", integer=True) for c in o.crop]
            except TypeError:
                crop = []
            if len(crop) != 4 or crop[0] < 0 or crop[1] < 0 or crop[2] < 1 or crop[3] < 1:
                fail(f"{where}: crop = {o.crop!r} is not (x, y, w, h) whole pixels with w, h >= 1.", "",
                     "Give crop as (x, y, width, height) in source pixels, or None for the whole frame.")
            if width is not None and (crop[0] + crop[2] > width or crop[1] + crop[3] > height):
                fail(f"{where}: crop {tuple(crop)} reaches outside the {width} x {height} frame.", "",
                     "Keep the crop inside the frame.")
            self.crop = crop
        self.downsample = number(o.downsample, where, "downsample", integer=True, positive=True)
        if width is not None:
            shown = (self.crop[2], self.crop[3]) if self.crop else (width, height)
            if self.downsample > min(shown):
                fail(f"{where}: downsample = {self.downsample} leaves no whole pixel of the {shown[0]} x {shown[1]} image.",
                     "", "Use a smaller downsample factor.")

    def write(self, g, ctx, compression):
        g.attrs["alpha"] = F8.type(self.alpha)
        g.attrs["z_order"] = self.z_order
        if self.external:
            g.attrs["external_path"] = self.external
        if self.offset is not None:
            g.attrs["time_offset"] = F8.type(self.offset)
        if self.scale is not None:
            g.attrs["time_scale"] = F8.type(self.scale)
        if self.crop:
            g.attrs["crop"] = np.array(self.crop, dtype=np.int64)
        if self.downsample != 1:
            g.attrs["downsample"] = np.int64(self.downsample)
        if self.calibration is not None:
            for key, value in self.calibration.attrs.items():
                g.attrs[key] = value if isinstance(value, str) else np.asarray(value, dtype=F8)
            for key, value in self.calibration.datasets.items():
                g.create_dataset(key, data=np.asarray(value, dtype=F8))
        if self.times is not None:
            _write_times(g, "times", self.times)
        if self.frames is not None:
            _write_rows(g, "frames", self.frames, np.uint8, 1, compression=compression)
