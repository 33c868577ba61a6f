"""Duck-typed reading of neurospatial objects (never imports neurospatial): environments and video
calibrations. Its overlay dataclasses become ours in _neurospatial_overlays.

An `Environment` is recognised by its attributes (bin_centers plus a layout, grid edges or hexagon
radius). Attribute names follow neurospatial 0.8.
"""
import math
import warnings
from collections.abc import Mapping

import numpy as np

from ._environment import GridEnvironment, HexagonalEnvironment, MeshEnvironment, TrackEnvironment, Environment
from ._validation import fail, shape_text

GRID_KINDS = {"grid", "mask", "polygon", "regulargrid", "maskedgrid", "imagemask", "shapelypolygon"}
HEX_KINDS = {"hexagonal", "hexagon"}
MESH_KINDS = {"mesh", "triangularmesh"}
TRACK_KINDS = {"graph", "track"}
KNOWN_KINDS = GRID_KINDS | HEX_KINDS | MESH_KINDS | TRACK_KINDS


def _edges(*objects):
    """grid_edges of the first object that has a non-empty one."""
    for obj in objects:
        edges = _get(obj, "grid_edges")
        if edges is not None and len(edges) > 0:
            return edges
    return None


def _get(obj, *names, default=None):
    """The first of `names` that `obj` has (properties that raise count as missing)."""
    for name in names:
        try:
            value = getattr(obj, name)
        except Exception:  # e.g. neurospatial's @check_fitted properties on an unfitted env
            continue
        if value is not None:
            return value
    return default


def looks_like_environment(obj):
    if isinstance(obj, Environment) or not hasattr(obj, "bin_centers"):
        return False
    return any(hasattr(obj, name) for name in ("layout", "layout_type", "grid_edges", "active_mask", "hex_radius_",
                                                "_layout_type_used"))


def _layout_kind(env):
    layout = _get(env, "layout")
    candidates = []
    if isinstance(layout, str):
        candidates.append(layout)
    elif layout is not None:
        candidates += [_get(layout, "layout_type"), _get(layout, "_layout_type_tag")]
    candidates += [_get(env, "_layout_type_used"), _get(env, "layout_type")]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.replace("_", "").lower() in KNOWN_KINDS:
            return candidate.replace("_", "").lower()
    # No name: guess from what is there.
    if _get(env, "hex_radius_", "hex_radius") is not None or _get(layout, "hex_radius_") is not None:
        return "hexagonal"
    if bool(_get(env, "is_linearized_track", "_is_linearized_track_env", default=False)):
        return "graph"
    edges = _edges(env, layout)
    if edges is not None and len(edges) == 2:
        return "grid"
    named = [c for c in candidates if isinstance(c, str)]
    fail(f"The environment's layout ({', '.join(named) or type(env).__name__}) is not one the format stores.",
         "A session file holds grid (regular, masked, image or polygon grids), hexagonal, triangle-mesh or "
         "linearised-track environments.",
         "Build the environment with one of those layouts, or describe it with grid_environment / "
         "hexagonal_environment / mesh_environment / track_environment.")


def environment_from_neurospatial(env, units=None):
    """Our Environment from a neurospatial Environment (or anything shaped like one)."""
    if isinstance(env, Environment):
        return env
    where = "The neurospatial environment"
    if _get(env, "_is_fitted") is False:
        fail(f"{where} is not fitted.", "Its bins are not built yet, so there is nothing to write.",
             "Create it with a factory such as Environment.from_samples(...) or from_polygon(...).")
    if _get(env, "coordinate_kind") == "polar":
        fail(f"{where} is polar (bin centres are distance and angle).",
             "A session is drawn in (x, y) environment coordinates.",
             "Write an allocentric (Cartesian) environment.")
    centers = np.asarray(_get(env, "bin_centers"), dtype=np.float64)
    if centers.ndim != 2 or centers.shape[1] != 2:
        fail(f"{where} has bin_centers of shape {shape_text(centers.shape)}; the format needs 2-D (n_bins, 2).",
             "Sessions are drawn on a plane.", "Use a 2-D environment (n_dims == 2).")
    units = units or _get(env, "units") or "cm"
    regions = _get(env, "regions")
    if regions is not None and hasattr(regions, "__len__") and len(regions) == 0:
        regions = None
    layout = _get(env, "layout")
    kind = _layout_kind(env)
    if kind in GRID_KINDS:
        edges = _edges(env, layout)
        mask = _get(env, "active_mask")
        if mask is None:
            mask = _get(layout, "active_mask")
        if edges is None or len(edges) != 2:
            fail(f"{where} is a grid without two grid_edges arrays.", "A grid is stored by its x and y bin edges.",
                 "Use a 2-D grid environment (grid_edges = (x_edges, y_edges)).")
        out = GridEnvironment(edges[0], edges[1], mask, units, regions)
        if out.bin_centers.shape != centers.shape or not np.allclose(out.bin_centers, centers, rtol=1e-6,
                                                                      atol=1e-9 * max(1.0, np.ptp(centers))):
            fail(f"{where}'s bin_centers do not match its grid_edges and active_mask.",
                 "Bins are numbered x-major over active_mask; a mismatch would put values in the wrong cells.",
                 "Rebuild the environment, or describe it with grid_environment(x_edges, y_edges, active_mask).")
        return out
    if kind in HEX_KINDS:
        radius = _get(env, "hex_radius_", "hex_radius")
        if radius is None:
            radius = _get(layout, "hex_radius_", "hex_radius")
        if radius is None:
            width = _get(env, "hexagon_width", default=_get(layout, "hexagon_width"))
            radius = None if width is None else float(width) / math.sqrt(3.0)
        if radius is None:
            fail(f"{where} is hexagonal but has no hex_radius_.", "Each hexagon is drawn from its radius.",
                 "Use a built HexagonalLayout, or hexagonal_environment(bin_centers, hex_radius).")
        orientation = _get(env, "hex_orientation_", "hex_orientation")
        if orientation is None:
            orientation = _get(layout, "hex_orientation_", "hex_orientation", default=0.0)
        return HexagonalEnvironment(centers, float(radius), float(orientation), units, regions)
    if kind in MESH_KINDS:
        vertices = _get(env, "vertices", default=_get(layout, "vertices"))
        triangles = _get(env, "triangles", default=_get(layout, "triangles"))
        if vertices is None or triangles is None:
            delaunay = _get(layout, "_full_delaunay_tri")
            active = _get(layout, "_active_original_simplex_indices")
            if delaunay is not None and active is not None:
                vertices = np.asarray(delaunay.points)
                triangles = np.asarray(delaunay.simplices)[np.asarray(active)]
        if vertices is None or triangles is None:
            fail(f"{where} is a triangle mesh without its vertices and triangles.",
                 "Each bin is drawn as its triangle.",
                 "Use a built TriangularMeshLayout, or mesh_environment(vertices, triangles).")
        return MeshEnvironment(vertices, triangles, units, regions, centers)
    return _track(env, layout, centers, units, regions, where)


def _track(env, layout, centers, units, regions, where):
    segments = _get(env, "bin_segments", default=_get(layout, "bin_segments"))
    linear = _get(env, "linear_bin_centers_", default=_get(layout, "linear_bin_centers_"))
    if segments is None:
        edges = _edges(env, layout)
        mask = _get(env, "active_mask")
        if mask is None:
            mask = _get(layout, "active_mask")
        to_nd = _get(layout, "linear_to_nd") or _get(env, "linear_to_nd")
        if edges is not None and len(edges) >= 1 and to_nd is not None:
            edges = np.asarray(edges[0], dtype=np.float64)
            active = np.ones(len(edges) - 1, bool) if mask is None else np.asarray(mask, bool).ravel()
            starts, stops = edges[:-1][active], edges[1:][active]
            if len(starts) == len(centers):
                segments = np.stack([np.asarray(to_nd(starts), np.float64), np.asarray(to_nd(stops), np.float64)], axis=1)
    if segments is None:
        if len(centers) < 2:
            fail(f"{where} is a track with a single bin and no bin edges.", "", "Give track_environment(bin_segments).")
        warnings.warn(f"{where} is a linearised track without bin edges in 2-D; each bin is drawn from half-way to "
                      "its neighbours' centres. Pass track_environment(bin_segments) for exact pieces of track.",
                      stacklevel=4)
        middle = (centers[:-1] + centers[1:]) / 2
        starts = np.vstack([centers[:1] - (middle[:1] - centers[:1]), middle])
        stops = np.vstack([middle, centers[-1:] + (centers[-1:] - middle[-1:])])
        segments = np.stack([starts, stops], axis=1)
    nodes = edges_list = None
    graph = None
    params = _get(env, "_layout_params_used")
    if not isinstance(params, Mapping) or "graph_definition" not in params:
        params = _get(layout, "_build_params_used", default={})
    if isinstance(params, Mapping):
        graph = params.get("graph_definition")
    graph = _get(env, "track_graph", default=graph)
    if graph is not None:
        try:
            names = list(graph.nodes)
            index = {name: i for i, name in enumerate(names)}
            nodes = np.array([np.asarray(graph.nodes[name]["pos"], dtype=np.float64)[:2] for name in names])
            edges_list = np.array([[index[a], index[b]] for a, b in list(graph.edges)[:]], dtype=np.int64).reshape(-1, 2)
        except Exception:  # a graph we cannot read: the track is still drawn from its bins
            nodes = edges_list = None
    if linear is not None and np.shape(linear) != (len(centers),):
        linear = None
    return TrackEnvironment(segments, linear, nodes, edges_list, units, regions, centers)


def calibration_matrix(calibration):
    """px_to_env of neurospatial's VideoCalibration (transform_px_to_cm.A), or None."""
    transform = _get(calibration, "transform_px_to_cm", "transform_px_to_env")
    matrix = _get(transform, "A") if transform is not None else None
    if matrix is None and transform is not None and hasattr(transform, "shape"):
        matrix = transform
    return None if matrix is None else np.asarray(matrix, dtype=np.float64)
