"""No NaN in physics: nucleon dipole cross-section threshold, extreme inputs as range errors, and
dense grids of cross-section and decay points (fixed seed) over the whole mass range."""
from __future__ import annotations

import numpy as np
import pytest

from hnlreach.errors import HNLInputError
from hnlreach.physics import upscattering as ups
from hnlreach.physics.constants import FLAVOURS, M_PROTON
from hnlreach.physics.decays import MASS_RANGE_GEV, combine_flavours, unit_channel_widths

TARGETS = ("p", "C12", "O16", "Ar40", "Fe56", "Pb208")


def test_nucleon_threshold_no_nan_below_it():
    """m_N = 2 GeV > 2 M_p: s < (m - M)^2 made the Kallen function positive (lam > 0) below
    threshold and sigma NaN (xsec --dipole mu --mass 2 --target C12 --energy 0.05).  The physical
    threshold is s = (m + M)^2, i.e. E_th = m + m^2/(2M) (nu N -> N_HNL N)."""
    m = 2.0
    E = np.array([0.05, 0.5, 1.0, 2.0, 4.0])
    lo, hi = ups.q2_range(E, m, M_PROTON)
    assert np.all(np.isnan(lo) & np.isnan(hi))  # all below E_th = 4.13 GeV: closed
    for comp in ("proton", "neutron"):
        s = ups.dipole_xsec(E, m, "C12", component=comp)
        assert np.all(s == 0.0), comp
    coh = ups.dipole_xsec(E, m, "C12", component="coherent")  # heavier target: lower threshold
    e_coh = ups.threshold_energy(m, ups.target_mass("C12", "coherent"))
    assert np.all(np.isfinite(coh)) and np.all((coh > 0) == (E > e_coh))
    e_th = ups.threshold_energy(m, M_PROTON)
    assert e_th == pytest.approx(m + m * m / (2 * M_PROTON))
    s = ups.dipole_xsec(np.array([0.999 * e_th, 1.01 * e_th, 2 * e_th]), m, "p", component="proton")
    assert s[0] == 0.0 and s[1] > 0.0 and s[2] > s[1]


def test_xsec_grid_has_no_nan():
    """1e5 (mass, energy, target) points: 1 MeV to the top of the mass range, 1 MeV to 10 TeV
    neutrinos (log-uniform, fixed seed), every target; finite, >= 0, 0 below threshold."""
    rng = np.random.default_rng(20251206)
    n_mass, n_e = 40, 420
    count = 0
    for target in TARGETS:
        for m in np.exp(rng.uniform(np.log(MASS_RANGE_GEV[0]), np.log(MASS_RANGE_GEV[1]), n_mass)):
            E = np.exp(rng.uniform(np.log(1e-3), np.log(1e4), n_e))
            comps = ups.dipole_xsec_components(E, m, target)
            for comp, s in comps.items():
                assert np.all(np.isfinite(s)) and np.all(s >= 0), (target, m, comp)
            nuc = ups._target(target)
            e_min = min(ups.threshold_energy(m, ups.target_mass(nuc, c)) for c in ups.COMPONENTS
                        if ups.multiplicity(nuc, c))
            assert np.all(comps["total"][E < e_min] == 0.0)
            count += E.size
    assert count >= 100_000


def test_decay_grid_has_no_nan():
    """1e5 (mass, flavour pattern) points, 1 MeV to the top of the mass range: widths finite and
    >= 0, total > 0, branching ratios sum to 1 (Dirac and Majorana).  The widths are linear in the
    pattern, so the per-mass work is done once (unit widths) and combined per pattern."""
    rng = np.random.default_rng(7)
    masses = np.exp(rng.uniform(np.log(MASS_RANGE_GEV[0]), np.log(MASS_RANGE_GEV[1]), 2000))
    masses[:2] = MASS_RANGE_GEV
    unit = {fl: unit_channel_widths(masses, fl) for fl in FLAVOURS}
    for fl in FLAVOURS:
        for ch, w in unit[fl].items():
            assert np.all(np.isfinite(w)) and np.all(w >= 0), (fl, ch)
    names = sorted(set().union(*unit.values()))
    # (flavour, channel, mass) unit-width cube; patterns combine it linearly
    cube = np.array([[unit[fl].get(ch, np.zeros_like(masses)) for ch in names] for fl in FLAVOURS])
    patterns = rng.dirichlet([0.3, 0.3, 0.3], size=50)
    patterns[:3] = np.eye(3)
    widths = np.einsum("pf,fcm->pcm", patterns, cube)  # (pattern, channel, mass): 1e5 points
    total = widths.sum(axis=1)
    assert widths.shape[0] * widths.shape[2] >= 100_000
    assert np.all(np.isfinite(widths)) and np.all(widths >= 0) and np.all(total > 0)
    assert np.allclose((widths / total[:, None, :]).sum(axis=1), 1.0, rtol=1e-12)
    # the public API agrees at a few points (Majorana convention included)
    from hnlreach.model import HNL

    for k in range(5):
        i, p = rng.integers(masses.size), patterns[rng.integers(len(patterns))]
        for majorana in (False, True):
            hnl = HNL(masses[i], mixing=tuple(1e-6 * p), majorana=majorana)
            ref = combine_flavours(tuple(1e-6 * p), lambda fl: {c: float(w[i]) for c, w in unit[fl].items()}, majorana)
            assert hnl.width == pytest.approx(sum(ref.values()), rel=1e-9)
            assert sum(hnl.branching_ratios.values()) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("call", [
    lambda: __import__("hnlreach.model", fromlist=["HNL"]).HNL(1e300, mixing=(1e-6, 0, 0)).width,
    lambda: __import__("hnlreach.model", fromlist=["HNL"]).HNL(0.5, mixing=(1e300, 0, 0)).width,
    lambda: __import__("hnlreach.model", fromlist=["HNL"]).HNL(0.5, mixing=(0.7, 0.7, 0)).width,
    lambda: __import__("hnlreach.model", fromlist=["HNL"]).HNL(0.5, dipole=(1e154, 0, 0)).width,
    lambda: __import__("hnlreach.model", fromlist=["HNL"]).HNL(0.5, dipole=(1e300, 0, 0)).branching_ratios,
    lambda: __import__("hnlreach.model", fromlist=["HNL"]).HNL("heavy"),
    lambda: __import__("hnlreach.model", fromlist=["HNL"]).HNL(0.5, mixing=None),
    lambda: __import__("hnlreach.model", fromlist=["flavour_pattern"]).flavour_pattern(None),
    lambda: ups.dipole_xsec(1.0, 1e300, "C12"),
    lambda: ups.dipole_xsec(1e300, 0.1, "C12"),
    lambda: ups.dipole_xsec(10.0, 0.1, "C12", d=1e300),
    lambda: ups.dipole_xsec("x", 0.1, "C12"),
    lambda: ups.dsigma_dQ2(10.0, 0.1, 0.1, "C12", d=1e300),
    lambda: __import__("hnlreach.physics.production", fromlist=["x"]).production_branching_ratios(1e300),
    lambda: __import__("hnlreach.physics.production", fromlist=["x"]).production_branching_ratios(0.5, None),
], ids=["mass-1e300", "mixing-1e300", "mixing-sum-above-1", "dipole-1e154", "dipole-1e300", "mass-text",
        "mixing-none", "pattern-none", "xsec-mass-1e300", "xsec-energy-1e300", "xsec-d-1e300", "xsec-energy-text",
        "dsigma-d-1e300", "production-mass-1e300", "production-mixing-none"])
def test_extreme_inputs_are_range_errors(call):
    """Range errors (HNLInputError, a ValueError), never NaN/inf, OverflowError or TypeError."""
    with pytest.raises(HNLInputError):
        call()


def test_huge_flavour_ratio_does_not_overflow():
    """`decay --mixing 1e308:1e308:0` gave a zero width (the sum overflowed to inf)."""
    from hnlreach.model import HNL, flavour_pattern

    assert flavour_pattern("1e308:1e308:0") == pytest.approx((0.5, 0.5, 0.0))
    a = HNL.from_pattern(1.0, mixing="1e308:1e308:0", coupling=1e-6)
    b = HNL.from_pattern(1.0, mixing="1:1:0", coupling=1e-6)
    assert a.width == b.width > 0
