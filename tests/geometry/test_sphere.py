"""Sphere volume: ray intersections against the analytic chord, containment, and its use in a preset."""
import numpy as np
import pytest

from hnlreach.errors import HNLInputError
from hnlreach.geometry.volumes import Sphere, World


def test_chord_length_matches_analytic():
    s = Sphere("s", [1.0, -2.0, 3.0], 2.5)
    rng = np.random.default_rng(0)
    b = rng.uniform(0.0, 3.0, 500)  # impact parameters; > 2.5 misses
    o = np.column_stack([1.0 + b, np.full(b.size, -2.0), np.full(b.size, -10.0)])
    t_in, t_out = s.intersect(o, [0.0, 0.0, 1.0])
    hit = b < 2.5
    assert np.allclose((t_out - t_in)[hit], 2 * np.sqrt(2.5 ** 2 - b[hit] ** 2))
    assert np.allclose(t_in[hit], 13.0 - np.sqrt(2.5 ** 2 - b[hit] ** 2))
    assert np.all(np.isinf(t_in[~hit])) and np.all(t_out[~hit] < t_in[~hit])


def test_inside_origin_and_contains():
    s = Sphere("s", [0.0, 0.0, 0.0], 1.0)
    t_in, t_out = s.intersect([[0.2, 0.0, 0.0]], [[1.0, 0.0, 0.0]])
    assert np.isclose(t_in[0], -1.2) and np.isclose(t_out[0], 0.8)
    pts = np.random.default_rng(1).uniform(-1, 1, (200_000, 3))
    assert abs(s.contains(pts).mean() * 8.0 - s.volume_m3) < 0.02  # MC volume 4/3 pi
    with pytest.raises(HNLInputError):
        Sphere("bad", [0, 0, 0], 0.0)


def test_world_trace_through_sphere_in_box():
    from hnlreach.geometry.materials import Material
    from hnlreach.geometry.volumes import Box

    oil = Material("oil", 0.845, {"C12": 12 / 14, "H1": 2 / 14})
    w = World([Box("hall", [0, 0, 0], [20, 20, 20]), Sphere("tank", [0, 0, 0], 6.1, oil)])
    seg = w.trace([[0.0, 0.0, -10.0]], [0.0, 0.0, 1.0])
    parts = seg.for_ray(0)
    assert [p[0] for p in parts] == ["hall", "tank", "hall"]
    assert np.isclose(parts[1][3] - parts[1][2], 12.2)


def test_sphere_in_a_preset_geometry():
    from hnlreach.experiments import load_experiment

    exp = load_experiment("miniboone")
    tank = exp.world.get("tank")
    assert isinstance(tank, Sphere) and tank.radius == 6.1
    # 12.2 m sphere of CH2 at 0.845 g/cm^3: 803 t (MiniBooNE quotes 818 t of oil, arXiv:0806.4201)
    assert tank.volume_m3 * 0.845 == pytest.approx(803.1, rel=1e-3)
