"""Environments (what a bin is) and regions, as the format's /environment describes them."""
from dataclasses import dataclass
from typing import Optional

import numpy as np

from ._validation import check_name, fail, number, shape_text

MAX_BINS = 10_000_000
MAX_GRID_CELLS = 100_000_000


def _points(value, where, name, count=None):
    """An (n, 2) float64 array of finite points."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        array = None
    if array is None or array.ndim != 2 or array.shape[1] != 2 or (count is not None and array.shape[0] != count):
        shape = shape_text(np.shape(value))
        need = f"({count}, 2)" if count is not None else "(n, 2)"
        fail(f"{where}: {name} has shape {shape} but needs {need}.", "", f"Give {name} as {need} (x, y) points.")
    if not np.isfinite(array).all():
        index = int(np.argmax(~np.isfinite(array).all(axis=1)))
        fail(f"{where}: {name}[{index}] = {array[index].tolist()} is not finite.",
             "The environment's geometry is drawn as is; a NaN or infinite point cannot be drawn.",
             f"Give finite coordinates in {name}.")
    return array


def _check_units(units, where):
    if not isinstance(units, str) or not units:
        fail(f"{where}: units = {units!r} is not a unit name.", "It labels the scale bar.", "Give units such as 'cm'.")
    return units


@dataclass
class Region:
    """A named region drawn over the arena: kind 'polygon' (vertices in order, not closed) or 'point'."""
    name: str
    kind: str
    coords: np.ndarray

    def __post_init__(self):
        where = f"Region {self.name!r}"
        check_name(self.name, where, "region name")
        if self.kind not in ("polygon", "point"):
            fail(f"{where}: kind = {self.kind!r} is not 'polygon' or 'point'.", "The format stores only these two kinds.",
                 "Use polygon_region(name, vertices) or point_region(name, (x, y)).")
        coords = np.asarray(self.coords, dtype=np.float64)
        if self.kind == "point" and coords.shape == (2,):
            coords = coords[None, :]
        coords = _points(coords, where, "coords")
        if self.kind == "point" and len(coords) != 1:
            fail(f"{where}: a point region has {len(coords)} points.", "", "Give exactly one (x, y) point.")
        if self.kind == "polygon":
            if len(coords) > 3 and np.array_equal(coords[0], coords[-1]):
                coords = coords[:-1]  # the format stores polygons open; shapely closes them
            if len(coords) < 3:
                fail(f"{where}: a polygon region has {len(coords)} vertices.", "A polygon needs at least 3.",
                     "Give the polygon's vertices in order (at least 3), or use point_region for a point.")
        self.coords = coords


def polygon_region(name, vertices):
    return Region(name, "polygon", vertices)


def point_region(name, point):
    return Region(name, "point", point)


def _region_coords(data):
    """Coordinates of a region's data: an array, or a shapely Polygon / Point (duck-typed: no shapely import)."""
    exterior = getattr(data, "exterior", None)
    if exterior is not None:  # shapely Polygon: its outer ring (holes are not drawn)
        return np.asarray(exterior.coords, dtype=np.float64)[:, :2]
    if hasattr(data, "coords") and not isinstance(data, np.ndarray):  # shapely Point
        return np.asarray(data.coords, dtype=np.float64)[:, :2]
    return data


def _as_region(name, value, where):
    if isinstance(value, Region):
        return value if value.name == name else Region(name, value.kind, value.coords)
    if hasattr(value, "kind") and hasattr(value, "data"):  # neurospatial Region(name, kind, data, metadata)
        return Region(name, value.kind, _region_coords(value.data))
    try:
        coords = np.asarray(_region_coords(value), dtype=np.float64)
    except (TypeError, ValueError):
        fail(f"{where}: region {name!r} is a {type(value).__name__}, not coordinates.", "",
             "Give a region as (x, y) for a point or (n, 2) polygon vertices, or as a Region.")
    kind = "point" if coords.shape in ((2,), (1, 2)) else "polygon"
    return Region(name, kind, coords)


def as_regions(regions, where="regions"):
    """Regions from None, a list of Region, a dict name -> Region / coordinates, or neurospatial's
    Regions (a mapping name -> Region with kind 'point' / 'polygon' and data; shapely polygons welcome)."""
    if regions is None:
        return ()
    if hasattr(regions, "items") and callable(regions.items):
        out = tuple(_as_region(name, value, where) for name, value in regions.items())
    else:
        out = []
        for index, region in enumerate(regions):
            if isinstance(region, Region):
                out.append(region)
            elif hasattr(region, "name") and hasattr(region, "kind") and hasattr(region, "data"):
                out.append(_as_region(region.name, region, where))
            else:
                fail(f"{where}[{index}] is a {type(region).__name__}, not a Region.", "",
                     "Give regions as Region objects (polygon_region / point_region) or a dict name -> coordinates.")
        out = tuple(out)
    names = [r.name for r in out]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        fail(f"{where}: the region names {duplicates} are used more than once.", "Each region is a group named by it.",
             "Give every region its own name.")
    return out


class Environment:
    """Base of the four layout kinds. `bin_centers` is (n_bins, 2); `n_bins` its length."""
    layout = None

    @property
    def n_bins(self):
        return len(self.bin_centers)

    def _check_common(self, where):
        self.units = _check_units(self.units, where)
        self.regions = as_regions(self.regions, f"{where}.regions")
        if not 0 < self.n_bins <= MAX_BINS:
            fail(f"{where}: the environment has {self.n_bins} bins.", f"The format allows 1 to {MAX_BINS:,} bins.",
                 "Use coarser bins, or check the bin centres.")

    def bounds(self):
        return self.bin_centers.min(axis=0), self.bin_centers.max(axis=0)

    def _write(self, group, regions=None):
        """Writes /environment; `regions` (default: the environment's own) go to /environment/regions."""
        group.attrs["layout"] = self.layout
        group.attrs["units"] = self.units
        group.attrs["n_bins"] = np.int64(self.n_bins)
        group.create_dataset("bin_centers", data=self.bin_centers)
        self._write_layout(group)
        regions = self.regions if regions is None else regions
        if regions:
            parent = group.create_group("regions")
            for region in regions:
                sub = parent.create_group(region.name)
                sub.attrs["kind"] = region.kind
                sub.create_dataset("coords", data=region.coords)


@dataclass
class GridEnvironment(Environment):
    """A (masked) regular grid: neurospatial RegularGrid / MaskedGrid / ImageMask / ShapelyPolygon.
    `active_mask` is (n_x, n_y), x-major; active bin k is its k-th True entry in C order."""
    x_edges: np.ndarray
    y_edges: np.ndarray
    active_mask: Optional[np.ndarray] = None
    units: str = "cm"
    regions: object = None
    layout = "grid"

    def __post_init__(self):
        where = "GridEnvironment"
        self.x_edges = self._edges(self.x_edges, where, "x_edges")
        self.y_edges = self._edges(self.y_edges, where, "y_edges")
        shape = (len(self.x_edges) - 1, len(self.y_edges) - 1)
        if shape[0] * shape[1] > MAX_GRID_CELLS:
            fail(f"{where}: the grid has {shape[0]} x {shape[1]} cells.", f"The format allows {MAX_GRID_CELLS:,} cells.",
                 "Use coarser bins.")
        if self.active_mask is None:
            mask = np.ones(shape, dtype=bool)
        else:
            mask = np.asarray(self.active_mask)
            if mask.shape != shape:
                hint = (" It looks transposed: an image mask has rows = y, so pass mask.T."
                        if mask.shape == shape[::-1] else "")
                fail(f"{where}: active_mask has shape {shape_text(mask.shape)} but the edges give (n_x, n_y) = "
                     f"{shape_text(shape)}.{hint}", "Active bins are numbered x-major over the (n_x, n_y) mask, "
                     "as neurospatial's active_mask.", "Give a boolean mask of shape (len(x_edges) - 1, len(y_edges) - 1).")
            if mask.dtype.kind not in "biu" or (mask.dtype.kind != "b" and not np.isin(mask, (0, 1)).all()):
                fail(f"{where}: active_mask must hold booleans or 0/1.", "", "Give a boolean array (True = active bin).")
            mask = mask.astype(bool)
        if not mask.any():
            fail(f"{where}: active_mask has no active bin.", "A session shows values on active bins only.",
                 "Mark at least one bin active.")
        self.active_mask = mask
        ix, iy = np.nonzero(mask)  # C order: x-major, as neurospatial numbers active bins
        x_mid = (self.x_edges[:-1] + self.x_edges[1:]) / 2
        y_mid = (self.y_edges[:-1] + self.y_edges[1:]) / 2
        self.bin_centers = np.stack([x_mid[ix], y_mid[iy]], axis=1)
        self._check_common(where)

    @staticmethod
    def _edges(value, where, name):
        edges = np.asarray(value, dtype=np.float64)
        if edges.ndim != 1 or len(edges) < 2:
            fail(f"{where}: {name} has shape {shape_text(edges.shape)}; it needs at least 2 edges (n + 1,).", "",
                 "Give the n + 1 bin edges along the axis as a 1-D array.")
        if not np.isfinite(edges).all():
            fail(f"{where}: {name} has values that are not finite.", "", f"Give finite {name}.")
        steps = np.diff(edges)
        if (steps <= 0).any():
            index = int(np.argmax(steps <= 0)) + 1
            fail(f"{where}: {name} is not strictly increasing at index {index}.", "", f"Give increasing {name}.")
        if not np.allclose(steps, steps.mean(), rtol=1e-6, atol=1e-9 * (edges[-1] - edges[0])):
            fail(f"{where}: {name} is not uniformly spaced (steps from {steps.min():g} to {steps.max():g}).",
                 "The reader draws a grid as an image with one spacing per axis.",
                 "Give uniform edges, e.g. np.linspace(start, stop, n + 1).")
        return edges

    def _write_layout(self, group):
        group.create_dataset("x_edges", data=self.x_edges)
        group.create_dataset("y_edges", data=self.y_edges)
        group.create_dataset("active_mask", data=self.active_mask.astype(np.uint8))


@dataclass
class HexagonalEnvironment(Environment):
    """Regular hexagons around `bin_centers`: `hex_radius` centre-to-vertex, `hex_orientation` radians
    (0 = point-up, as neurospatial)."""
    bin_centers: np.ndarray
    hex_radius: float
    hex_orientation: float = 0.0
    units: str = "cm"
    regions: object = None
    layout = "hexagonal"

    def __post_init__(self):
        where = "HexagonalEnvironment"
        self.bin_centers = _points(self.bin_centers, where, "bin_centers")
        self.hex_radius = number(self.hex_radius, where, "hex_radius", positive=True)
        self.hex_orientation = number(self.hex_orientation, where, "hex_orientation")
        self._check_common(where)

    def _write_layout(self, group):
        group.attrs["hex_radius"] = np.float64(self.hex_radius)
        group.attrs["hex_orientation"] = np.float64(self.hex_orientation)


@dataclass
class MeshEnvironment(Environment):
    """A triangle mesh: triangle k is bin k; bin centres default to the triangles' centroids."""
    vertices: np.ndarray
    triangles: np.ndarray
    units: str = "cm"
    regions: object = None
    bin_centers: Optional[np.ndarray] = None
    layout = "mesh"

    def __post_init__(self):
        where = "MeshEnvironment"
        self.vertices = _points(self.vertices, where, "vertices")
        triangles = np.asarray(self.triangles)
        if triangles.ndim != 2 or triangles.shape[1] != 3 or triangles.dtype.kind not in "iu":
            fail(f"{where}: triangles has shape {shape_text(triangles.shape)} and dtype {triangles.dtype}; "
                 "it needs (n_bins, 3) integers.", "", "Give three vertex indices per triangle (bin).")
        if len(triangles) and (triangles.min() < 0 or triangles.max() >= len(self.vertices)):
            bad = int(triangles.max() if triangles.max() >= len(self.vertices) else triangles.min())
            fail(f"{where}: triangles refers to vertex {bad} but there are {len(self.vertices)} vertices.",
                 "", "Use vertex indices from 0 to n_vertices - 1.")
        self.triangles = triangles.astype(np.int64)
        if self.bin_centers is None:
            self.bin_centers = self.vertices[self.triangles].mean(axis=1)
        else:
            self.bin_centers = _points(self.bin_centers, where, "bin_centers", count=len(self.triangles))
        self._check_common(where)

    def _write_layout(self, group):
        group.create_dataset("vertices", data=self.vertices)
        group.create_dataset("triangles", data=self.triangles)


@dataclass
class TrackEnvironment(Environment):
    """A 1-D linearised track: bin k covers the straight piece `bin_segments[k]` = [[x0, y0], [x1, y1]].
    Optional: `linear_position` (n_bins,), and the track graph as `track_nodes` (n, 2) + `track_edges` (m, 2)."""
    bin_segments: np.ndarray
    linear_position: Optional[np.ndarray] = None
    track_nodes: Optional[np.ndarray] = None
    track_edges: Optional[np.ndarray] = None
    units: str = "cm"
    regions: object = None
    bin_centers: Optional[np.ndarray] = None
    layout = "track"

    def __post_init__(self):
        where = "TrackEnvironment"
        segments = np.asarray(self.bin_segments, dtype=np.float64)
        if segments.ndim != 3 or segments.shape[1:] != (2, 2):
            fail(f"{where}: bin_segments has shape {shape_text(segments.shape)} but needs (n_bins, 2, 2).", "",
                 "Give each bin's start and end point: bin_segments[k] = [[x0, y0], [x1, y1]].")
        if not np.isfinite(segments).all():
            fail(f"{where}: bin_segments has values that are not finite.", "", "Give finite segment end points.")
        self.bin_segments = segments
        n = len(segments)
        if self.bin_centers is None:
            self.bin_centers = segments.mean(axis=1)
        else:
            self.bin_centers = _points(self.bin_centers, where, "bin_centers", count=n)
        if self.linear_position is not None:
            linear = np.asarray(self.linear_position, dtype=np.float64)
            if linear.shape != (n,) or not np.isfinite(linear).all():
                fail(f"{where}: linear_position has shape {shape_text(linear.shape)}; it needs ({n},) finite values.",
                     "", "Give one linearised position per bin, or leave it out.")
            self.linear_position = linear
        if (self.track_nodes is None) != (self.track_edges is None):
            fail(f"{where}: only one of track_nodes and track_edges is given.", "The graph needs both.",
                 "Give both track_nodes (n, 2) and track_edges (m, 2), or neither.")
        if self.track_nodes is not None:
            self.track_nodes = _points(self.track_nodes, where, "track_nodes")
            edges = np.asarray(self.track_edges)
            if edges.ndim != 2 or edges.shape[1] != 2 or edges.dtype.kind not in "iu":
                fail(f"{where}: track_edges has shape {shape_text(edges.shape)}; it needs (m, 2) integer node indices.",
                     "", "Give each edge as two indices into track_nodes.")
            if len(edges) and (edges.min() < 0 or edges.max() >= len(self.track_nodes)):
                fail(f"{where}: track_edges refers to a node outside 0..{len(self.track_nodes) - 1}.", "",
                     "Use indices into track_nodes.")
            self.track_edges = edges.astype(np.int64)
        self._check_common(where)

    def _write_layout(self, group):
        group.create_dataset("bin_segments", data=self.bin_segments)
        if self.linear_position is not None:
            group.create_dataset("linear_position", data=self.linear_position)
        if self.track_nodes is not None:
            group.create_dataset("track_nodes", data=self.track_nodes)
            group.create_dataset("track_edges", data=self.track_edges)


def grid_environment(x_edges, y_edges, active_mask=None, units="cm", regions=None):
    """A grid from its bin edges and (n_x, n_y) active mask (default: every bin active)."""
    return GridEnvironment(x_edges, y_edges, active_mask, units, regions)


def hexagonal_environment(bin_centers, hex_radius, hex_orientation=0.0, units="cm", regions=None):
    return HexagonalEnvironment(bin_centers, hex_radius, hex_orientation, units, regions)


def mesh_environment(vertices, triangles, units="cm", regions=None, bin_centers=None):
    return MeshEnvironment(vertices, triangles, units, regions, bin_centers)


def track_environment(bin_segments, linear_position=None, track_nodes=None, track_edges=None, units="cm",
                      regions=None, bin_centers=None):
    return TrackEnvironment(bin_segments, linear_position, track_nodes, track_edges, units, regions, bin_centers)
