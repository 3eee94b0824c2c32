"""Cached parallel-ray tables (geometry/raytable.py) give the segments of a direct trace."""
import numpy as np

from hnlreach.experiments import load_experiment
from hnlreach.geometry.raytable import RayTable, ray_table
from hnlreach.geometry.volumes import rotation_matrix


def _column(edges, labels, world):
    """Path length per volume along each ray [m] (volume -1 dropped)."""
    out = np.zeros((edges.shape[0], len(world.volumes)))
    lengths = np.diff(edges, axis=1)
    for i in range(edges.shape[0]):
        ok = labels[i] >= 0
        np.add.at(out[i], labels[i][ok], lengths[i][ok])
    return out


def test_table_matches_direct_trace_on_nd280():
    world = load_experiment("nd280").world
    rot = rotation_matrix([0.0, 0.0, 1.0])
    table = ray_table(world, rot, -292.0, 300.0)
    assert table.cells is not None  # axis-aligned boxes: tabulated
    assert ray_table(world, rot, -292.0, 300.0) is table  # cached per process
    rng = np.random.default_rng(5)
    xy = rng.uniform(-14.0, 14.0, size=(3000, 2))
    starts = np.column_stack([xy, np.full(3000, -292.0)]) @ rot.T
    direct = world.trace(starts, rot[:, 2], 0.0, 300.0)
    ref = _column(direct.edges, direct.volume, world)
    seen = np.zeros(3000, dtype=bool)
    for rows, edges, labels in table.groups(xy, chunk=700):
        assert not seen[rows].any()
        seen[rows] = True
        assert np.all(np.diff(edges, axis=1) >= 0) and np.allclose(edges[:, -1], 300.0)
        assert edges.shape[1] < direct.edges.shape[1]  # zero-length segments dropped
        np.testing.assert_allclose(_column(edges, labels, world), ref[rows], atol=1e-9)
    assert seen.all()


def test_tilted_world_falls_back_to_direct_trace():
    world = load_experiment("nd280").world
    rot = rotation_matrix([0.1, 0.0, 1.0])
    table = RayTable(world, rot, -292.0, 300.0)
    assert table.cells is None
    xy = np.random.default_rng(1).uniform(-5.0, 5.0, size=(200, 2))
    starts = np.column_stack([xy, np.full(200, -292.0)]) @ rot.T
    direct = world.trace(starts, rot[:, 2], 0.0, 300.0)
    for rows, edges, labels in table.groups(xy):
        np.testing.assert_allclose(_column(edges, labels, world), _column(direct.edges, direct.volume, world)[rows],
                                   atol=1e-9)
