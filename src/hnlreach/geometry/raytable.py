"""Parallel rays through a world, traced once per process and reused (mass-independent work).

Upscattering rays all travel along one flux axis.  When every volume is a box whose edges are
parallel to the axes of the flux frame, the sequence of segments (volumes and distances) along a
ray depends only on which cell of the transverse grid -- spanned by all box edges projected on
the plane across the beam -- the ray crosses.  ``RayTable`` traces one ray per cell once (with
``World.trace``, so the segments are exactly those of a direct trace) and answers later queries
by a table look-up.  Other worlds (cylinders, tilted boxes, or grids with too many cells) fall
back to a direct trace.  Either way, segments of zero length are dropped and rays are returned in
groups of similar segment count, so that downstream per-segment work is not padded to the
longest ray.

Tables are cached per process in ``_TABLES`` (keyed by the world object, the flux frame and the
traced range): safe in pool workers, each of which builds its own.
"""
from __future__ import annotations

import numpy as np

_MAX_CELLS = 200_000
_TABLES: dict = {}
_BUCKETS = (4, 8, 16, 32, 64, 128, 256, 512)


def _compress(edges: np.ndarray, labels: np.ndarray, length: float):
    """Drop zero-length segments: (edges (n, W+1), labels (n, W), counts (n,)), rows padded
    with zero-length segments at `length` labelled -1 (W: the largest count)."""
    keep = np.diff(edges, axis=1) > 0
    counts = keep.sum(axis=1)
    width = max(int(counts.max()) if counts.size else 0, 1)
    pos = np.cumsum(keep, axis=1) - 1
    rows = np.nonzero(keep)
    out_e = np.full((edges.shape[0], width + 1), float(length))
    out_l = np.full((edges.shape[0], width), -1, dtype=np.int32)
    out_e[:, 0] = edges[:, 0]
    out_e[rows[0], pos[rows] + 1] = edges[:, 1:][rows]
    out_l[rows[0], pos[rows]] = labels[rows]
    return out_e, out_l, counts


def _aligned(world, rot) -> bool:
    """Every volume is a box with edges along the flux-frame axes (rot columns)."""
    for v in world.volumes:
        if not hasattr(v, "size"):
            return False
        axes = np.eye(3) if v.rotation is None else v.rotation
        m = np.abs(rot.T @ axes)
        if not np.all((np.abs(m) < 1e-12) | (np.abs(m - 1.0) < 1e-12)):
            return False
    return True


class RayTable:
    """Segments of rays (flux-frame start (x, y, z0), direction rot[:, 2], range [0, length])."""

    def __init__(self, world, rot, z0: float, length: float):
        from hnlreach.rates.interaction_points import bounding_box

        self.world, self.rot, self.z0, self.length = world, np.asarray(rot, float), float(z0), float(length)
        self.cells = None
        if not world.volumes or not _aligned(world, self.rot):
            return
        boxes = [bounding_box(v, self.rot) for v in world.volumes]
        self.xs = np.unique([b[k][0] for b in boxes for k in (0, 1)])
        self.ys = np.unique([b[k][1] for b in boxes for k in (0, 1)])
        if (self.xs.size + 1) * (self.ys.size + 1) > _MAX_CELLS:
            return
        cx, cy = self._representatives(self.xs), self._representatives(self.ys)
        gx, gy = np.meshgrid(cx, cy, indexing="ij")
        xy = np.column_stack([gx.ravel(), gy.ravel()])
        seg = self._trace(xy)
        self.cells = _compress(seg.edges, seg.volume, self.length)

    @staticmethod
    def _representatives(edges):
        """A point inside each interval of the partition by `edges` (outer ones extended by 1 m)."""
        return np.r_[edges[0] - 1.0, 0.5 * (edges[1:] + edges[:-1]), edges[-1] + 1.0]

    def _trace(self, xy):
        starts = np.column_stack([xy, np.full(xy.shape[0], self.z0)]) @ self.rot.T
        return self.world.trace(starts, self.rot[:, 2], 0.0, self.length)

    def groups(self, xy, chunk: int = 8192):
        """Yield (rows, edges (r, K+1), labels (r, K)) for the rays starting at flux-frame xy
        (n, 2), grouped by segment count (K padded with zero-length, label -1 segments)."""
        xy = np.asarray(xy, dtype=float)
        n = xy.shape[0]
        for i in range(0, n, chunk if self.cells is None else max(n, 1)):
            rows = np.arange(i, min(n, i + chunk)) if self.cells is None else np.arange(n)
            if self.cells is not None:
                ix = np.searchsorted(self.xs, xy[rows, 0], side="right")
                iy = np.searchsorted(self.ys, xy[rows, 1], side="right")
                cell = ix * (self.ys.size + 1) + iy
                all_e, all_l, k = self.cells[0], self.cells[1], self.cells[2][cell]
            else:
                seg = self._trace(xy[rows])
                all_e, all_l, k = _compress(seg.edges, seg.volume, self.length)
                cell = np.arange(rows.size)
            bucket = np.searchsorted(_BUCKETS, k)
            for b in np.unique(bucket):
                sel = np.flatnonzero(bucket == b)
                for j in range(0, sel.size, chunk):
                    part = sel[j:j + chunk]
                    width = max(int(k[part].max()), 1)
                    c = cell[part]
                    yield rows[part], all_e[c, :width + 1], all_l[c, :width]


def ray_table(world, rot, z0: float, length: float) -> RayTable:
    """The per-process cached RayTable of a world for one flux frame and range."""
    key = (id(world), tuple(np.round(np.asarray(rot, float).ravel(), 12)), float(z0), float(length))
    hit = _TABLES.get(key)
    if hit is None or hit.world is not world:
        hit = _TABLES[key] = RayTable(world, rot, z0, length)
    return hit
