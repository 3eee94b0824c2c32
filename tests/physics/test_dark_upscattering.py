"""Upscattering nu A -> N A in dark-sector models (hnlreach.physics.upscattering.model_xsec).

Checked against: the analytic dipole cross section (independent closed form), the spin-0 trace for a vector
mediator, helicity selection rules, CP, and DarkNews 0.4.8 (table from scripts/reference/darknews_dark_xsec.py,
vegas total_xsec; plus a live amplitude-level check).  Convention differences with DarkNews, all written in
docs/models.md: DarkNews's e in the Z' couplings is g s_W with g from G_F and on-shell s_W (1.8 % above
sqrt(4 pi alpha)), so its light-Z' cross sections are (e_DN/e)^2 = 1.038 x ours; DarkNews's neutron Z' term is
~0 (no neutron magnetic moment), ours has it; DarkNews's scalar neutron form factor is F1_EM^n.
"""
import csv
import math
import pathlib
import sys

import numpy as np
import pytest

from hnlreach.errors import HNLInputError
from hnlreach.models import DarkSector, from_darknews_parameters
from hnlreach.physics import upscattering as ups
from hnlreach.physics.constants import GEV2_TO_CM2

ROOT = pathlib.Path(__file__).resolve().parents[2]
TABLE = ROOT / "tests" / "data" / "upscattering" / "darknews_dark_xsec.csv"
sys.path.insert(0, str(ROOT / "scripts" / "reference"))
from darknews_dark_xsec import MODELS  # noqa: E402  (the parameters the table was made with)

E_DN_OVER_E = 1.0191  # DarkNews 0.4.8: dprotonV / (e epsilon) for m_Z' -> 0 (g_weak s_W with on-shell s_W)


def _rows():
    return list(csv.DictReader(line for line in TABLE.open() if not line.startswith("#")))


def test_dipole_model_equals_analytic_dipole():
    m = DarkSector(m4=0.1, mu_tr={("mu", 4): 2.0})  # d = 1 GeV^-1
    E = np.array([0.3, 1.0, 3.0])
    for comp in ("coherent", "proton", "neutron"):
        ref = ups.dipole_xsec(E, 0.1, "Ar40", d=1.0, component=comp)
        for anti in (False, True):
            assert ups.model_xsec(E, m, "Ar40", component=comp, antineutrino=anti) == pytest.approx(ref, rel=1e-6)


def test_vector_coherent_equals_spin0_trace():
    """sum_h |M|^2 = (g Q F)^2/(Q^2 + m_Z'^2)^2 * 2 [2 (k1.P)^2 - P^2 k1.k3] for a spin-0 nucleus."""
    m = from_darknews_parameters(dict(m4=0.1, mzprime=0.03, d_mu4=1e-3, dprotonV=3e-4, dneutronV=0.0))
    t = ups.nucleus("C12")
    M, mN = t.mass, 0.1
    for E in (0.5, 3.0):
        lo, _ = ups.q2_range(np.array([E]), mN, M)
        Q2 = np.geomspace(lo[0] * 1.01, 0.05, 5)
        kP = 2 * M * E - (mN ** 2 + Q2) / 2
        F = ups.coherent_form_factor(Q2, t)
        msq = (1e-3 * 6 * 3e-4 * F) ** 2 / (Q2 + 0.03 ** 2) ** 2 * 2 * (2 * kP ** 2 - (4 * M * M + Q2) * (mN ** 2 + Q2) / 2)
        ref = msq / (16 * math.pi * (2 * M * E) ** 2) * GEV2_TO_CM2
        assert ups.model_dsigma_dQ2(E, Q2, m, t, component="coherent") == pytest.approx(ref, rel=1e-9)


def test_helicity_selection_rules():
    """m_N -> 0: a vector (Z') keeps the neutrino's helicity, a scalar (h') and the dipole flip it."""
    E = np.array([2.0])
    vec = from_darknews_parameters(dict(m4=1e-3, mzprime=0.03, Umu4=1e-3, UD4=1.0, gD=1.0, epsilon=1e-3))
    sca = DarkSector(m4=1e-3, mhprime=0.05, theta=0.1, s={("mu", 4): 1e-2})
    for comp in ("coherent", "proton"):
        v = [ups.model_xsec(E, vec, "C12", component=comp, helicity=h) for h in (-1, 1)]
        s = [ups.model_xsec(E, sca, "C12", component=comp, helicity=h) for h in (-1, 1)]
        assert v[1] < 1e-4 * v[0] and s[0] < 1e-3 * s[1]  # wrong helicity ~ m_N^2 / Q^2
        assert ups.model_xsec(E, vec, "C12", component=comp) == pytest.approx(v[0] + v[1], rel=1e-12)


def test_cp_vector_antineutrino():
    """Vector exchange on a vector current: sigma(nu-bar -> N-bar, h) = sigma(nu -> N, -h) (CP)."""
    m = from_darknews_parameters(dict(m4=0.2, mzprime=1.25, Umu4=1e-3, UD4=1.0, gD=1.0, epsilon=1e-2))
    E = np.array([0.5, 2.0])
    for h in (-1, 1):
        a = ups.model_xsec(E, m, "C12", component="coherent", helicity=h)
        b = ups.model_xsec(E, m, "C12", component="coherent", helicity=-h, antineutrino=True)
        assert a == pytest.approx(b, rel=1e-9)


def test_threshold_and_errors():
    m = DarkSector(m4=0.5, mzprime=0.03, epsilon=1e-3, gD=1.0, U={("mu", 4): 1e-3}, UD={4: 1.0})
    assert ups.model_xsec(np.array([0.4, 0.52]), m, "C12", component="proton")[0] == 0.0
    with pytest.raises(HNLInputError):
        ups.model_xsec(1.0, m, "C12", flavour="x")
    with pytest.raises(HNLInputError):
        ups.model_xsec(1.0, m, "C12", hnl=5)
    with pytest.raises(HNLInputError):
        ups.model_xsec(1.0, m, "C12", helicity=0)
    with pytest.raises(HNLInputError):
        ups.model_xsec(1.0, "model.txt", "C12")


@pytest.mark.parametrize("row", [r for r in _rows() if r["component"] != "neutron"],
                         ids=lambda r: f"{r['model']}-{r['target']}-{r['component']}-{r['E_nu_GeV']}")
def test_matches_darknews_table(row):
    """Within 5 % of DarkNews (issue requirement) per helicity; and within 1 % once DarkNews's e is taken out."""
    m = from_darknews_parameters(MODELS[row["model"]])
    E = float(row["E_nu_GeV"])
    ours = [ups.model_xsec(E, m, row["target"], component=row["component"], helicity=h) for h in (-1, 1)]
    ref = [float(row["sigma_hel_conserving_cm2"]), float(row["sigma_hel_flipping_cm2"])]
    for a, b in zip(ours, ref):
        assert a == pytest.approx(b, rel=0.05)
    scale = 1.0 if row["model"] == "light_scalar" else E_DN_OVER_E ** 2
    tol = 0.01 if row["model"] != "heavy_zprime" else 0.03  # heavy Z': Z exchange on nucleons differs (docs)
    assert sum(ours) * scale == pytest.approx(float(row["sigma_cm2"]), rel=tol)


def test_live_darknews_amplitude_with_identical_couplings():
    """DarkNews's dsigma/dQ^2 (amplitudes.py) with the same couplings (generic model): equal to 0.5 %.

    DarkNews 0.4.8's UpscatteringProcess.diff_xsec_Q2 passes u = 2M^2 + m_N - s + Q^2 (m_N not squared);
    we call its amplitude with the correct u = 2M^2 + m_N^2 - s - t."""
    pytest.importorskip("DarkNews")
    from DarkNews import amplitudes, model, pdg, processes
    from DarkNews.nuclear_tools import NuclearTarget
    par = dict(m4=0.1, mzprime=0.03, d_mu4=1e-3, dprotonV=3e-4, dneutronV=0.0)
    dn, ours = model.GenericHNLModel(**par), from_darknews_parameters(par)
    for regime, comp in (("coherent", "coherent"), ("p-el", "proton")):
        for E in (0.5, 3.0):
            lo, hi = ups.q2_range(np.array([E]), 0.1, ups.target_mass(ups.nucleus("Ar40"), comp))
            Q2 = np.geomspace(lo[0] * 1.01, min(hi[0] * 0.9, 0.5), 4)
            ref = 0.0
            for hel in ("conserving", "flipping"):
                p = processes.UpscatteringProcess(nu_projectile=pdg.numu, nu_upscattered=pdg.neutrino4,
                                                  nuclear_target=NuclearTarget("Ar40"), scattering_regime=regime,
                                                  TheoryModel=dn, helicity=hel)
                s = 2 * E * p.MA + p.MA ** 2
                ref = ref + amplitudes.upscattering_dxsec_dQ2([s, -Q2, 2 * p.MA ** 2 + p.m_ups ** 2 - s + Q2], p,
                                                              diagrams=["total"]) * p.target_multiplicity
            assert ups.model_dsigma_dQ2(E, Q2, ours, "Ar40", component=comp) == pytest.approx(ref, rel=5e-3)


def test_model_sampling_reproduces_cross_sections():
    """sample_model_upscattering: mean weight 1, helicity and component fractions = their cross sections,
    weighted Q^2 spectrum = dsigma/dQ^2, on-shell HNLs; below threshold weight 0."""
    m = from_darknews_parameters(dict(m4=0.2, mzprime=0.03, Umu4=1e-3, UD4=1.0, gD=1.0, epsilon=1e-3,
                                      mhprime=0.05, theta=0.1, s_mu4=1e-3))
    rng = np.random.default_rng(7)
    E = np.full(20_000, 1.5)
    p4, w, hel, comp = ups.sample_model_upscattering(E, m, "C12", rng=rng)
    assert w.mean() == pytest.approx(1.0, abs=0.02)
    tot = ups.model_xsec(1.5, m, "C12")
    for h in (-1, 1):
        frac = ups.model_xsec(1.5, m, "C12", helicity=h) / tot
        assert np.mean(hel == h) == pytest.approx(float(frac), abs=0.01)
    frac_coh = ups.model_xsec(1.5, m, "C12", component="coherent") / tot
    assert np.mean(comp == 0) == pytest.approx(float(frac_coh), abs=0.01)
    mass2 = p4[:, 0] ** 2 - np.sum(p4[:, 1:] ** 2, axis=1)
    assert np.allclose(mass2, 0.04, rtol=1e-6)
    # weighted Q^2 histogram of the coherent events against the differential cross section
    coh = comp == 0
    Q2 = 2 * ups.nucleus("C12").mass * (1.5 - p4[coh, 0])
    edges = np.geomspace(Q2.min(), Q2.max(), 8)
    hist = np.histogram(Q2, edges, weights=w[coh])[0] / E.size * float(tot)
    x, wx = np.polynomial.legendre.leggauss(16)
    for lo, hi, h in zip(edges[:-1], edges[1:], hist):
        q = 0.5 * (hi - lo) * (x + 1) + lo
        ref = np.sum(0.5 * (hi - lo) * wx * ups.model_dsigma_dQ2(1.5, q, m, "C12", component="coherent"))
        assert h == pytest.approx(ref, rel=0.1)
    _, w0, h0, c0 = ups.sample_model_upscattering(np.array([0.1]), m, "C12", rng=rng)
    assert w0[0] == 0 and h0[0] == 0 and c0[0] == -1
