"""Precision-driven scans (scan.scan_masses(precision=...)): samples grow until the boundary
couplings meet the target, the achieved error is reported per boundary, seeds depend on
(seed, mass, round) only, and results do not depend on the number of worker processes."""
import functools

import numpy as np
import pytest

from hnlreach.rates.engine import ReweightableSample
from hnlreach.scan import Precision, boundary_coupling_errors, mass_seed, scan_masses


def toy_sample(mass, rng, n_hnl=1000):
    """A reweightable sample with an exact expectation: HNLs of unit mass scale, momenta
    exponential (mean 10 GeV), decay volume 100..130 m, weights 1e11/n per unit g (bounds near
    g ~ 1e-6 and 1e-2)."""
    p = rng.exponential(10.0, n_hnl) + 0.1
    return ReweightableSample(mass, 2e-14 * mass ** 5, 1, np.full(n_hnl, 1e11 / n_hnl), p,
                              np.full(n_hnl, 100.0), np.full(n_hnl, 130.0), np.full(n_hnl, 0.5),
                              n_hnl, {}, np.arange(n_hnl))


def test_boundary_errors_translate_n_error_through_the_slope():
    from hnlreach.scan import find_excluded_intervals

    ev = toy_sample(1.0, np.random.default_rng(1), 4000)
    (iv,), _, _ = find_excluded_intervals(ev.n, 2.3, (1e-12, 1.0))
    g = np.array(iv)
    assert 1e-8 < g[0] < 1e-5 and 1e-3 < g[1] < 1.0
    errs = boundary_coupling_errors(ev, [iv], False, False)
    slope = np.abs(np.log(ev.n(g * 1.001)) - np.log(ev.n(g / 1.001))) / (2 * np.log(1.001))
    sig, t_max = ev.mc_error(g), ev.max_contribution(g)
    conservative = np.sqrt(sig ** 2 + t_max ** 4 / sig ** 2)  # + the largest HNL, by its variance share
    np.testing.assert_allclose(errs, conservative / ev.n(g) / slope, rtol=1e-3)
    assert conservative[0] < 1.01 * sig[0]  # long lifetime: thousands of similar HNLs
    assert conservative[1] > 1.2 * sig[1]  # deep in the exponential: the fastest few dominate
    assert slope[0] == pytest.approx(2.0, rel=0.01)  # long lifetime: N ∝ g^2
    assert slope[1] > 3.0  # exponential cut-off: the coupling error is smaller than N's
    assert boundary_coupling_errors(ev, [iv], False, True)[1] is None  # open end


def test_precision_is_met_and_reported():
    f = functools.partial(toy_sample, n_hnl=200)
    r = scan_masses([0.8, 1.0], f, 2.3, (1e-12, 1.0), seed=3, jobs=1, precision=Precision(0.03, 200, max_factor=1024))
    for x in r.results:
        errs = x.stats["rel_coupling_error_at_boundaries"]
        assert len(errs) == 2 and all(e is not None and e <= 0.03 for e in errs)
        assert x.stats["precision_met"] and x.stats["n_hnl"] > 200
    coarse = scan_masses([0.8, 1.0], f, 2.3, (1e-12, 1.0), seed=3, jobs=1, precision=0.2)
    assert all(x.stats["n_hnl"] < y.stats["n_hnl"] for x, y in zip(coarse.results, r.results))


def test_caps_stop_the_growth():
    f = functools.partial(toy_sample, n_hnl=100)
    r = scan_masses([1.0], f, 2.3, (1e-12, 1.0), seed=1, jobs=1,
                    precision=Precision(1e-5, n_start=100, max_factor=8))
    assert r.results[0].stats["n_hnl"] == 800 and not r.results[0].stats["precision_met"]


def test_seeds_depend_on_seed_mass_round_only():
    a, b = mass_seed(1, 0.5, 0), mass_seed(1, 0.5, 0)
    assert a.generate_state(4).tolist() == b.generate_state(4).tolist()
    assert a.generate_state(4).tolist() != mass_seed(1, 0.5, 1).generate_state(4).tolist()
    assert a.generate_state(4).tolist() != mass_seed(2, 0.5, 0).generate_state(4).tolist()
    f = functools.partial(toy_sample, n_hnl=300)
    one = scan_masses([0.5, 0.9], f, 2.3, (1e-12, 1.0), seed=7, jobs=1, precision=0.02)
    sub = scan_masses([0.9], f, 2.3, (1e-12, 1.0), seed=7, jobs=1, precision=0.02)
    assert one.results[1].intervals == sub.results[0].intervals  # independent of the grid


def test_identical_whatever_jobs():
    f = functools.partial(toy_sample, n_hnl=300)
    kw = dict(seed=5, precision=0.02)
    a = scan_masses([0.6, 0.8, 1.0], f, 2.3, (1e-12, 1.0), jobs=1, **kw)
    b = scan_masses([0.6, 0.8, 1.0], f, 2.3, (1e-12, 1.0), jobs=2, **kw)
    assert [x.intervals for x in a.results] == [x.intervals for x in b.results]
    assert [x.stats for x in a.results] == [x.stats for x in b.results]


class Closing:
    """N(g) = A(m) x^4 e^-x with A falling through N_limit at m = 1: the contour closes there."""

    def __init__(self, mass):
        self.A, self.g0 = 1e4 * (1.0 - mass) if mass < 1.0 else 0.0, 1e-3
        self.stats = {}

    def n(self, g):
        x = np.asarray(g) / self.g0
        return self.A * x ** 4 * np.exp(-x)


def closing_events(mass, rng):
    return Closing(mass)


def test_adaptive_grid_resolves_the_tip():
    from hnlreach.scan import refine_masses, scan_adaptive

    grid = np.geomspace(0.1, 2.0, 8)
    base = scan_masses(grid, closing_events, 2.3, (1e-9, 1.0), jobs=1)
    new = refine_masses(base)
    assert new.size and all(0.7 < m < 1.3 for m in new)  # between the last excluding mass and the next
    r = scan_adaptive(grid, closing_events, 2.3, (1e-9, 1.0), rounds=4, jobs=1)
    assert np.all(np.diff(r.masses) > 0) and r.masses.size <= 16
    last = max(m for m, lo in zip(r.masses, r.lower) if lo is not None)
    first_open = min(m for m, lo in zip(r.masses, r.lower) if lo is None and m > last)
    assert first_open / last < 1.2  # the tip is bracketed 4x finer than the initial grid
    assert last < 1.0 < first_open + 1e-12


def test_tip_schedule_resolves_the_reach_in_fewer_rounds():
    """Several masses per tip and round: at least the resolution of `refine` bisections
    (2**refine parts of the grid step) in ceil(refine / 2) rounds; refine_masses cuts a tip interval
    into equal parts in ln m."""
    from hnlreach.scan import refine_masses, scan_adaptive, tip_schedule

    for refine in range(9):
        parts = tip_schedule(refine)
        assert len(parts) == (refine + 1) // 2 and np.prod(parts, dtype=float) >= 2 ** refine
    assert tip_schedule(5) == [4, 3, 3]
    grid = np.geomspace(0.1, 2.0, 8)
    base = scan_masses(grid, closing_events, 2.3, (1e-9, 1.0), jobs=1)
    new = refine_masses(base, tip_parts=3)
    lo, hi = max(m for m in grid if m < 1.0), min(m for m in grid if m > 1.0)
    assert np.allclose(new, np.exp(np.log(lo) + np.array([1, 2]) / 3 * np.log(hi / lo)))
    r = scan_adaptive(grid, closing_events, 2.3, (1e-9, 1.0), tip_parts=tip_schedule(5), jobs=1, max_masses=40)
    last = max(m for m, x in zip(r.masses, r.lower) if x is not None)
    first_open = min(m for m, x in zip(r.masses, r.lower) if x is None and m > last)
    assert np.log(first_open / last) <= np.log(hi / lo) / 32 + 1e-12 and last < 1.0 < first_open + 1e-12


def test_real_engine_identical_whatever_jobs():
    """CHARM and the ND280 dipole through the engine (directed pilot, tilted parents, ray tables,
    memoised cross sections: all per-process caches): same intervals and errors with 1 or 2 workers."""
    from hnlreach.api import G_RANGE, sample_at

    for path, mixing, dipole, majorana, masses in (("charm", "tau", None, True, [0.5, 1.2]),
                                                   ("nd280", None, "mu", False, [0.1, 0.4])):
        f = functools.partial(sample_at, experiment=path, mixing=mixing, dipole=dipole, majorana=majorana, n_hnl=1500)
        g = G_RANGE["mixing" if mixing else "dipole"]
        kw = dict(seed=4, precision=Precision(0.2, 1500, max_factor=2))
        a = scan_masses(masses, f, 2.3, g, jobs=1, **kw)
        b = scan_masses(masses, f, 2.3, g, jobs=2, **kw)
        assert [x.intervals for x in a.results] == [x.intervals for x in b.results]
        assert [x.stats for x in a.results] == [x.stats for x in b.results]
        assert all(x.intervals for x in a.results)


def test_series_evaluation_of_n_matches_the_exact_sum():
    """ReweightableSample.n: long-lifetime entries through the power series, the rest exact --
    equal to the direct sum to 1e-12 over 20 decades, also where the regimes meet."""
    s = toy_sample(1.0, np.random.default_rng(3), 5000)
    g = np.geomspace(1e-14, 1e6, 401)
    exact = s._reduce(g, lambda t: t.sum(axis=1))
    fast = s.n(g)
    live = exact > 1e-300
    assert live.sum() > 250
    np.testing.assert_allclose(fast[live], exact[live], rtol=1e-12)
    assert np.all(fast[~live] < 1e-290)
