"""Volumes (boxes, cylinders, spheres), vectorised ray intersections and a world of nested volumes.

Rays are arrays: origins (n, 3) and directions (n, 3) in metres (directions are normalised
here, so the ray parameter t is a distance in metres).  ``intersect`` returns the entry and
exit parameters (t_in, t_out) of the infinite line; a miss has t_in = +inf, t_out = -inf.
Boxes: slab method (Kay & Kajiya, SIGGRAPH 1986); cylinders: quadratic for the mantle plus the
two end-cap slabs; spheres: the quadratic |o + t d - c|^2 = R^2.

A ``World`` holds volumes in priority order: where volumes overlap, the one listed LATER wins
(the convention of the SIREN detector files, where a detector part is listed after the hall or
rock it sits in).  ``World.trace`` returns, along every ray, the ordered segments
(volume, start, end) with their materials.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.geometry.materials import VACUUM, Material

_EPS = 1e-12


def _rays(origins, directions):
    o = np.atleast_2d(np.asarray(origins, dtype=float))
    d = np.atleast_2d(np.asarray(directions, dtype=float))
    o, d = np.broadcast_arrays(o, d)
    norm = np.linalg.norm(d, axis=-1, keepdims=True)
    if np.any(norm == 0) or not np.all(np.isfinite(norm)):
        raise HNLInputError("ray directions must be finite and non-zero")
    return o, d / norm


def _vec3(v, what):
    a = np.asarray(v, dtype=float).reshape(-1)
    if a.shape != (3,) or not np.all(np.isfinite(a)):
        raise HNLInputError(f"{what} must be three finite numbers, got {v!r}")
    return a


def rotation_matrix(axis) -> np.ndarray:
    """Rotation taking the local z axis onto the unit vector ``axis`` (columns = local axes in
    world coordinates)."""
    z = _vec3(axis, "axis")
    z = z / np.linalg.norm(z)
    helper = np.array([1.0, 0.0, 0.0]) if abs(z[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    x = np.cross(helper, z)
    x /= np.linalg.norm(x)
    y = np.cross(z, x)
    return np.stack([x, y, z], axis=1)


@dataclass(frozen=True, eq=False)
class Box:
    """Rectangular box: centre [m], full edge lengths size=(dx, dy, dz) [m], optional rotation
    (3x3 matrix whose columns are the box axes in world coordinates)."""

    name: str
    center: np.ndarray
    size: np.ndarray
    material: Material = VACUUM
    rotation: np.ndarray | None = None

    def __post_init__(self):
        object.__setattr__(self, "center", _vec3(self.center, f"{self.name}: center"))
        size = _vec3(self.size, f"{self.name}: size")
        if np.any(size <= 0):
            raise HNLInputError(f"volume {self.name}: box sizes must be positive, got {size}")
        object.__setattr__(self, "size", size)
        if self.rotation is not None:
            r = np.asarray(self.rotation, dtype=float)
            if r.shape != (3, 3) or not np.allclose(r.T @ r, np.eye(3), atol=1e-9):
                raise HNLInputError(f"volume {self.name}: rotation must be an orthogonal 3x3 matrix")
            object.__setattr__(self, "rotation", r)

    def _local(self, o, d):
        o = o - self.center
        if self.rotation is not None:
            o, d = o @ self.rotation, d @ self.rotation
        return o, d

    def intersect(self, origins, directions):
        """Entry and exit distances (t_in, t_out) along each ray (slab method)."""
        o, d = self._local(*_rays(origins, directions))
        half = 0.5 * self.size
        with np.errstate(divide="ignore", invalid="ignore"):
            inv = 1.0 / d
            ta = (-half - o) * inv
            tb = (half - o) * inv
        # rays parallel to a slab: inside it -> (-inf, inf), outside -> (inf, inf): empty
        par = d == 0.0
        inside = np.abs(o) <= half
        ta = np.where(par, np.where(inside, -np.inf, np.inf), ta)
        tb = np.where(par, np.inf, tb)
        t_in = np.max(np.minimum(ta, tb), axis=-1)
        t_out = np.min(np.maximum(ta, tb), axis=-1)
        miss = t_out <= t_in
        return np.where(miss, np.inf, t_in), np.where(miss, -np.inf, t_out)

    def contains(self, points) -> np.ndarray:
        p = np.atleast_2d(np.asarray(points, dtype=float)) - self.center
        if self.rotation is not None:
            p = p @ self.rotation
        return np.all(np.abs(p) <= 0.5 * self.size + _EPS, axis=-1)

    @property
    def volume_m3(self) -> float:
        return float(np.prod(self.size))


@dataclass(frozen=True, eq=False)
class Cylinder:
    """Solid cylinder: centre [m], radius [m], full length [m] along the unit vector ``axis``."""

    name: str
    center: np.ndarray
    radius: float
    length: float
    axis: np.ndarray = field(default_factory=lambda: np.array([0.0, 0.0, 1.0]))
    material: Material = VACUUM

    def __post_init__(self):
        object.__setattr__(self, "center", _vec3(self.center, f"{self.name}: center"))
        ax = _vec3(self.axis, f"{self.name}: axis")
        if np.linalg.norm(ax) == 0:
            raise HNLInputError(f"volume {self.name}: cylinder axis must be non-zero")
        object.__setattr__(self, "axis", ax / np.linalg.norm(ax))
        if not (self.radius > 0 and self.length > 0):
            raise HNLInputError(f"volume {self.name}: radius and length must be positive")

    def intersect(self, origins, directions):
        """Entry and exit distances: quadratic for the mantle, slab for the end caps."""
        o, d = _rays(origins, directions)
        o = o - self.center
        oa = o @ self.axis
        da = d @ self.axis
        op = o - oa[:, None] * self.axis
        dp = d - da[:, None] * self.axis
        a = np.sum(dp * dp, axis=-1)
        b = np.sum(op * dp, axis=-1)
        c = np.sum(op * op, axis=-1) - self.radius ** 2
        disc = b * b - a * c
        with np.errstate(divide="ignore", invalid="ignore"):
            sq = np.sqrt(np.where(disc > 0, disc, 0.0))
            r_in = np.where(a > 0, (-b - sq) / a, np.where(c <= 0, -np.inf, np.inf))
            r_out = np.where(a > 0, (-b + sq) / a, np.where(c <= 0, np.inf, -np.inf))
            r_in = np.where((a > 0) & (disc <= 0), np.inf, r_in)
            r_out = np.where((a > 0) & (disc <= 0), -np.inf, r_out)
            h = 0.5 * self.length
            za = (-h - oa) / da
            zb = (h - oa) / da
        par = da == 0.0
        inside = np.abs(oa) <= h
        za = np.where(par, np.where(inside, -np.inf, np.inf), za)
        zb = np.where(par, np.inf, zb)
        t_in = np.maximum(r_in, np.minimum(za, zb))
        t_out = np.minimum(r_out, np.maximum(za, zb))
        miss = t_out <= t_in
        return np.where(miss, np.inf, t_in), np.where(miss, -np.inf, t_out)

    def contains(self, points) -> np.ndarray:
        p = np.atleast_2d(np.asarray(points, dtype=float)) - self.center
        pa = p @ self.axis
        pr = p - pa[:, None] * self.axis
        return (np.abs(pa) <= 0.5 * self.length + _EPS) & \
               (np.sum(pr * pr, axis=-1) <= self.radius ** 2 + _EPS)

    @property
    def volume_m3(self) -> float:
        return float(np.pi * self.radius ** 2 * self.length)


@dataclass(frozen=True, eq=False)
class Sphere:
    """Solid sphere: centre [m], radius [m] (e.g. the MiniBooNE tank).  ``length`` (= 2 radius)
    and ``axis`` make its bounding box computable like a cylinder's."""

    name: str
    center: np.ndarray
    radius: float
    material: Material = VACUUM

    def __post_init__(self):
        object.__setattr__(self, "center", _vec3(self.center, f"{self.name}: center"))
        if not (np.isfinite(self.radius) and self.radius > 0):
            raise HNLInputError(f"volume {self.name}: sphere radius must be positive, got {self.radius!r}")

    @property
    def length(self) -> float:
        return 2.0 * float(self.radius)

    @property
    def axis(self) -> np.ndarray:
        return np.array([0.0, 0.0, 1.0])

    def intersect(self, origins, directions):
        """Entry and exit distances: roots of t^2 + 2 b t + c = 0 (unit d), b = d.(o - c),
        c = |o - c|^2 - R^2."""
        o, d = _rays(origins, directions)
        oc = o - self.center
        b = np.sum(oc * d, axis=-1)
        c = np.sum(oc * oc, axis=-1) - self.radius ** 2
        disc = b * b - c
        sq = np.sqrt(np.where(disc > 0, disc, 0.0))
        miss = disc <= 0
        return np.where(miss, np.inf, -b - sq), np.where(miss, -np.inf, -b + sq)

    def contains(self, points) -> np.ndarray:
        p = np.atleast_2d(np.asarray(points, dtype=float)) - self.center
        return np.sum(p * p, axis=-1) <= self.radius ** 2 + _EPS

    @property
    def volume_m3(self) -> float:
        return float(4.0 / 3.0 * np.pi * self.radius ** 3)


def ray_interval(volume, origins, directions, t_min=0.0, t_max=np.inf):
    """Entry/exit (l1, l2) of each ray's forward part [t_min, t_max] in a volume; l1 = l2 = 0 on
    a miss (so exp(-l1/L) - exp(-l2/L) = 0)."""
    t_in, t_out = volume.intersect(origins, directions)
    l1 = np.maximum(t_in, t_min)
    l2 = np.minimum(t_out, t_max)
    hit = l2 > l1
    return np.where(hit, l1, 0.0), np.where(hit, l2, 0.0)


@dataclass
class Segments:
    """Ordered segments along n rays: edges (n, K+1) sorted distances and volume (n, K) indices
    into world.volumes (-1: outside every volume).  Zero-length segments may occur."""

    world: World
    edges: np.ndarray
    volume: np.ndarray

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.edges, axis=-1)

    def column_density(self) -> dict[str, np.ndarray]:
        """Nucleus -> column density along each ray [nuclei/cm^2]."""
        out: dict[str, np.ndarray] = {}
        lengths_cm = self.lengths * 100.0
        for iv, vol in enumerate(self.world.volumes):
            sel = self.volume == iv
            if not sel.any():
                continue
            path = np.sum(np.where(sel, lengths_cm, 0.0), axis=-1)
            for nuc, dens in vol.material.number_densities().items():
                out[nuc] = out.get(nuc, 0.0) + path * dens
        return out

    def for_ray(self, i: int) -> list[tuple[str, str, float, float]]:
        """(volume name, material name, start, end) of ray i, adjacent equal volumes merged."""
        out = []
        for k in range(self.volume.shape[1]):
            a, b, v = self.edges[i, k], self.edges[i, k + 1], self.volume[i, k]
            if b <= a or v < 0:
                continue
            vol = self.world.volumes[v]
            if out and out[-1][0] == vol.name and abs(out[-1][3] - a) < 1e-12:
                out[-1] = (vol.name, vol.material.name, out[-1][2], b)
            else:
                out.append((vol.name, vol.material.name, float(a), float(b)))
        return out


@dataclass
class World:
    """Volumes in priority order (later ones win where they overlap) plus named fiducial
    volumes (not part of the material description)."""

    volumes: list
    fiducial: dict = field(default_factory=dict)
    origin: np.ndarray = field(default_factory=lambda: np.zeros(3))

    def __post_init__(self):
        names = [v.name for v in self.volumes]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise HNLInputError(f"duplicate volume names in geometry: {sorted(dup)}")

    def get(self, name: str):
        for v in self.volumes:
            if v.name == name:
                return v
        if name in self.fiducial:
            return self.fiducial[name]
        raise HNLInputError(f"no volume called {name!r} in this geometry")

    def trace(self, origins, directions, t_min=0.0, t_max=np.inf) -> Segments:
        """Ordered segments of each ray within [t_min, t_max] (t_max finite or the last exit)."""
        o, d = _rays(origins, directions)
        n, nv = o.shape[0], len(self.volumes)
        tin = np.empty((n, nv))
        tout = np.empty((n, nv))
        for iv, vol in enumerate(self.volumes):  # loop over volumes, vectorised over rays
            tin[:, iv], tout[:, iv] = vol.intersect(o, d)
        hit = tout > tin
        lo = np.clip(np.where(hit, tin, t_min), t_min, t_max)
        hi = np.clip(np.where(hit, tout, t_min), t_min, t_max)
        last = np.full((n, 1), t_max) if np.isfinite(t_max) else np.max(hi, axis=1, keepdims=True)
        edges = np.concatenate([np.full((n, 1), float(t_min)), lo, hi, last], axis=1)
        edges = np.sort(np.where(np.isfinite(edges), edges, t_min), axis=1)
        mids = 0.5 * (edges[:, 1:] + edges[:, :-1])
        label = np.full(mids.shape, -1, dtype=np.int32)
        for iv in range(nv):
            rows = np.nonzero(hit[:, iv])[0]
            if rows.size == 0:
                continue
            m = mids[rows]
            inside = (tin[rows, iv, None] <= m) & (m < tout[rows, iv, None])
            label[rows] = np.where(inside, iv, label[rows])
        return Segments(self, edges, label)
