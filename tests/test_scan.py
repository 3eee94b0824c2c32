"""Scans: boundaries of an analytic toy N(g), islands, no exclusion, mass grids, parallel determinism."""
import sys

import numpy as np
import pytest
from scipy.special import lambertw

from hnlreach.errors import HNLInputError
from hnlreach.scan import find_excluded_intervals, parse_mass_grid, per_mass_seeds, scan_masses


class Toy:
    """N(g) = A x^4 exp(-x), x = g/g0: rises like g^4, exponential cut-off (a long-/short-lifetime toy)."""

    def __init__(self, A, g0, A2=0.0, g1=1.0):
        self.A, self.g0, self.A2, self.g1 = A, g0, A2, g1
        self.stats = {"n_events": 1000, "A": A}

    def n(self, g):
        x, y = np.asarray(g) / self.g0, np.asarray(g) / self.g1
        return self.A * x**4 * np.exp(-x) + self.A2 * y**4 * np.exp(-y)


def toy_bounds(A, g0, n_limit):
    """Closed form: x^4 e^-x = L/A  ->  x = -4 W_k(-(L/A)^(1/4) / 4), k = 0 (lower), -1 (upper)."""
    z = -((n_limit / A) ** 0.25) / 4
    return g0 * (-4 * lambertw(z, 0).real), g0 * (-4 * lambertw(z, -1).real)


def toy_events(mass, rng):
    """Engine stand-in: mass-dependent normalisation with a seed-dependent 'MC' fluctuation."""
    A = 1e6 * mass * (1.0 + 0.01 * rng.standard_normal())
    return Toy(A, g0=1e-3 / mass)


@pytest.mark.parametrize("A,n_limit", [(1e6, 2.3), (1e3, 3.0), (50.0, 2.3)])
def test_boundaries_match_closed_form(A, n_limit):
    toy = Toy(A, 1e-4)
    (iv,), open_lo, open_hi = find_excluded_intervals(toy.n, n_limit, (1e-12, 1.0))
    lo, hi = toy_bounds(A, 1e-4, n_limit)
    assert iv[0] == pytest.approx(lo, rel=1e-6) and iv[1] == pytest.approx(hi, rel=1e-6)
    assert not open_lo and not open_hi


def test_islands():
    # two bumps many decades apart, both above N_limit -> two islands, each matching its closed form
    toy = Toy(1e4, 1e-6, A2=1e3, g1=1e-2)
    ivs, _, _ = find_excluded_intervals(toy.n, 2.3, (1e-12, 10.0))
    assert len(ivs) == 2
    for iv, (A, g0) in zip(ivs, [(1e4, 1e-6), (1e3, 1e-2)]):
        lo, hi = toy_bounds(A, g0, 2.3)
        assert iv[0] == pytest.approx(lo, rel=1e-4) and iv[1] == pytest.approx(hi, rel=1e-4)


def test_no_exclusion():
    # max of A x^4 e^-x is A (4/e)^4 at x = 4: just below N_limit
    toy = Toy(2.3 / (4 / np.e) ** 4 * 0.99, 1e-3)
    assert find_excluded_intervals(toy.n, 2.3, (1e-9, 1.0)) == ([], False, False)


def test_open_edges_and_lower_extension():
    toy = Toy(1e6, 1e-4)
    lo, hi = toy_bounds(1e6, 1e-4, 2.3)
    (iv,), open_lo, open_hi = find_excluded_intervals(toy.n, 2.3, (lo * 3, hi / 3))  # starts inside
    assert iv[0] == pytest.approx(lo, rel=1e-6) and not open_lo  # lower edge extended downwards
    assert iv[1] == pytest.approx(hi / 3) and open_hi  # upper edge never extended: flagged open


def test_bad_inputs():
    toy = Toy(1e6, 1e-4)
    with pytest.raises(HNLInputError):
        find_excluded_intervals(toy.n, 0.0, (1e-9, 1.0))
    with pytest.raises(HNLInputError):
        find_excluded_intervals(toy.n, 2.3, (1.0, 1e-9))


def test_mass_grids():
    np.testing.assert_allclose(parse_mass_grid("0.1:1:3"), [0.1, np.sqrt(0.1), 1.0])  # ratio 10 > 3: log
    np.testing.assert_allclose(parse_mass_grid("0.2:0.4:3"), [0.2, 0.3, 0.4])  # ratio 2: linear
    np.testing.assert_allclose(parse_mass_grid("lin:0.1:1:3"), [0.1, 0.55, 1.0])
    np.testing.assert_allclose(parse_mass_grid("log:0.2:0.8:3"), [0.2, 0.4, 0.8])
    np.testing.assert_allclose(parse_mass_grid("0.3"), [0.3])
    np.testing.assert_allclose(parse_mass_grid("0.3, 0.5"), [0.3, 0.5])
    np.testing.assert_allclose(parse_mass_grid("0.1:1:1"), [0.1])
    assert parse_mass_grid("0.01:5:50").size == 50
    for bad in ["1:0.1:10", "0.1:0.1:5", "0.1:1:0", "a:1:3", "0.1:1:x", "0.1:1", "0.1:10:5", "1e-4:1:5",
                "-1:1:3", "nan:1:3", "", "log:0.3", "0.1:1:2.5"]:
        with pytest.raises(HNLInputError) as exc:
            parse_mass_grid(bad)
        assert "\n" not in str(exc.value)


def test_per_mass_seeds_deterministic_and_independent():
    a, b = per_mass_seeds(7, 5), per_mass_seeds(7, 5)
    draws = [np.random.default_rng(s).random() for s in a]
    assert draws == [np.random.default_rng(s).random() for s in b]
    assert len(set(draws)) == 5
    # the stream of mass i does not depend on how many masses follow it
    assert np.random.default_rng(per_mass_seeds(7, 9)[2]).random() == draws[2]


def _rows(res):
    return [(r.mass, tuple(r.intervals), r.seed_spawn_key) for r in res.results]


def test_scan_serial_vs_processes_deterministic():
    masses = parse_mass_grid("0.1:1:6")
    r1 = scan_masses(masses, toy_events, 2.3, (1e-12, 1.0), seed=3, jobs=1, quiet=True)
    r2 = scan_masses(masses, toy_events, 2.3, (1e-12, 1.0), seed=3, jobs=2, quiet=True)
    assert _rows(r1) == _rows(r2)
    assert r1.results[0].stats["n_events"] == 1000
    r3 = scan_masses(masses, toy_events, 2.3, (1e-12, 1.0), seed=4, jobs=1, quiet=True)
    assert _rows(r3) != _rows(r1)  # the seed matters
    # every mass is excluded between its closed-form bounds (up to the 1 % seed-dependent normalisation)
    for m, r in zip(masses, r1.results):
        lo, hi = toy_bounds(1e6 * m, 1e-3 / m, 2.3)
        assert r.lower == pytest.approx(lo, rel=0.01) and r.upper == pytest.approx(hi, rel=0.01)


def test_scan_is_quiet_when_not_a_tty(capsys):
    scan_masses([0.5], toy_events, 2.3, (1e-12, 1.0), jobs=1)
    assert capsys.readouterr().err == ""


def test_dask_local_cluster_matches_process_pool():
    distributed = pytest.importorskip("distributed")
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import this test module
    masses = parse_mass_grid("0.1:1:4")
    ref = scan_masses(masses, toy_events, 2.3, (1e-12, 1.0), seed=11, jobs=2, quiet=True)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        res = scan_masses(masses, toy_events, 2.3, (1e-12, 1.0), seed=11, scheduler=client, quiet=True)
        res_addr = scan_masses(masses[:2], toy_events, 2.3, (1e-12, 1.0), seed=11, scheduler=cluster.scheduler_address,
                               quiet=True)
    assert _rows(res) == _rows(ref)
    # masses[:2] with seed 11 share children 0, 1 with the 4-mass scan
    assert _rows(res_addr) == _rows(ref)[:2]


def test_progress_line_only_on_a_tty(monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    scan_masses([0.5, 0.6], toy_events, 2.3, (1e-12, 1.0), jobs=1)
    err = capsys.readouterr().err
    assert "scan 2/2 masses" in err and err.endswith("\n")
    scan_masses([0.5], toy_events, 2.3, (1e-12, 1.0), jobs=1, quiet=True)
    assert capsys.readouterr().err == ""


def _failing_events(mass, rng):
    raise HNLInputError(f"no production channel open at {mass} GeV")


def test_engine_error_propagates_from_workers():
    with pytest.raises(HNLInputError, match="no production channel"):
        scan_masses([0.5, 0.6, 0.7], _failing_events, 2.3, (1e-12, 1.0), jobs=2, quiet=True)
