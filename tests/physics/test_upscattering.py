"""Dipole-portal upscattering nu_alpha A -> N A (hnlreach.physics.upscattering, .nuclei).

Conventions, as compared with DarkNews 0.4.8 (reference table: scripts/reference/darknews_xsec.py ->
tests/data/upscattering/darknews_xsec.csv; live points below):
* coupling: seed-001 d (L = d nu-bar sigma F N + h.c.); DarkNews takes mu_tr_mu4 = mu_tr and uses
  t_aj = mu_tr/2 = d internally, so the table is run at mu_tr = 2 GeV^-1 <=> d = 1 GeV^-1;
* helicity: DarkNews gives the helicity-conserving and -flipping HNL separately; we compare the sum
  (our dsigma/dQ^2 is summed over the HNL spin);
* Dirac vs Majorana: identical upscattering for a given d (only N-bar sigma F P_L nu acts on an
  incoming nu); DarkNews agrees (live check).  nu-bar: identical (pure vector hadronic tensor);
  DarkNews agrees (live check), and the explicit-trace test below checks it independently;
* coherent: spin-0 nucleus here, DarkNews treats the nucleus as a Dirac fermion with F2 = 0 -- the
  difference (the q^2 g^{mu nu} term) is < 1e-4; both use the de Vries (1987) Fourier-Bessel charge
  form factor, so the coherent terms agree at the vegas precision (~0.1 %).  With the Helm form factor
  instead the coherent sigma differs by up to -68 %/+44 % close to threshold (C12, Ar40 at m = 0.7 GeV),
  where only the diffractive tail of F(Q^2) contributes; at m = 0.1 GeV Helm and FB agree to < 3 %;
* nucleon terms: same dipole Sachs form factors (G_E^p = D, G_M = mu D); agreement ~0.05 % (the rest
  is mu_p = 2.79285 vs DarkNews's 2.792).  DarkNews 0.4.8 multiplies its TMM amplitude by the target
  charge Z^2, so its neutron term vanishes; ours keeps the neutron's magnetic moment (F2^n(0) = -1.913),
  so the neutron column is not compared (we check that it is zero in DarkNews and positive here).
* Requirement of issue 3: coherent within 10 %, nucleon within 20 %; we assert 1 %.
"""
import csv
import math
import pathlib

import numpy as np
import pytest

from hnlreach.errors import HNLInputError
from hnlreach.physics import upscattering as ups
from hnlreach.physics.constants import ALPHA_EM, GEV2_TO_CM2, M_PROTON
from hnlreach.physics.nuclei import (NUCLEI, Nucleus, charge_form_factor, helm_form_factor,
                                     nucleon_dirac_pauli, nucleus)

TABLE = pathlib.Path(__file__).resolve().parents[1] / "data" / "upscattering" / "darknews_xsec.csv"


def _table():
    with TABLE.open() as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


# --- against DarkNews ---------------------------------------------------------------------------
@pytest.mark.parametrize("row", _table(), ids=lambda r: f"{r['target']}-{r['component']}-E{r['E_nu_GeV']}-m{r['m_N_GeV']}")
def test_total_xsec_matches_darknews_table(row):
    E, m, ref = float(row["E_nu_GeV"]), float(row["m_N_GeV"]), float(row["sigma_cm2"])
    target = "p" if row["target"] == "H1" else row["target"]
    ours = float(ups.dipole_xsec(E, m, target, d=float(row["d_GeV^-1"]), component=row["component"]))
    if row["component"] == "neutron":
        assert ref == 0.0  # DarkNews 0.4.8: overall Z^2 kills the neutron TMM term (docstring)
        assert ours > 0.0 or E < ups.threshold_energy(m, ups.target_mass(target, "neutron"))
    elif ref == 0.0:
        assert ours == 0.0  # kinematically closed in both
    else:
        assert ours == pytest.approx(ref, rel=0.01)


def test_live_darknews_points():
    """Two live DarkNews vegas runs (about 5 s): Pb208 coherent (nu, nu-bar, Dirac, Majorana), free proton."""
    pytest.importorskip("DarkNews")
    import sys
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "scripts" / "reference"))
    import darknews_xsec as ref
    from DarkNews import pdg

    ours = float(ups.dipole_xsec(1.0, 0.4, "Pb208", component="coherent"))
    for kw in ({}, {"projectile": pdg.numubar}, {"hnl_type": "majorana"}):
        hc, hf = ref.darknews_xsec("Pb208", "coherent", 1.0, 0.4, **kw)
        assert ours == pytest.approx(hc + hf, rel=0.01), kw
        assert hc < 0.2 * hf  # the dipole dominantly flips the helicity
    hc, hf = ref.darknews_xsec("H1", "p-el", 3.0, 0.7)
    assert float(ups.dipole_xsec(3.0, 0.7, "p", component="proton")) == pytest.approx(hc + hf, rel=0.01)


# --- the matrix element, independently from explicit Dirac matrices -----------------------------
_I2, _Z2 = np.eye(2), np.zeros((2, 2))
_SIG = [np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]])]
GAMMA = [np.block([[_I2, _Z2], [_Z2, -_I2]]).astype(complex)] + \
        [np.block([[_Z2, s], [-s, _Z2]]).astype(complex) for s in _SIG]
G5 = 1j * GAMMA[0] @ GAMMA[1] @ GAMMA[2] @ GAMMA[3]
METRIC = np.diag([1.0, -1.0, -1.0, -1.0])
ONE = np.eye(4)


def _slash(p):
    return sum(METRIC[i, i] * p[i] * GAMMA[i] for i in range(4))


def _sigma(mu, nu):
    return 0.5j * (GAMMA[mu] @ GAMMA[nu] - GAMMA[nu] @ GAMMA[mu])


def _sigma_q(q):
    """sigma^{mu nu} q_nu for mu = 0..3."""
    return [sum(_sigma(mu, nu) * METRIC[nu, nu] * q[nu] for nu in range(4)) for mu in range(4)]


def _bar(G):
    return GAMMA[0] @ G.conj().T @ GAMMA[0]


def _contract(L, H):
    return np.einsum("ab,cd,ac,bd->", L, H, METRIC, METRIC)


def _msq_traces(E, Q2, m, M, target, antineutrino):
    """sum |M|^2 for d = 1 from traces (ours: 2 d sigma q P_L; hadron: e(F1 gamma + i F2/2M sigma q))."""
    E_N = E - Q2 / (2 * M)
    p_N = math.sqrt(E_N ** 2 - m ** 2)
    cos = (E_N - (m * m + Q2) / (2 * E)) / p_N
    k1 = np.array([E, 0, 0, E])
    k2 = np.array([M, 0, 0, 0])
    k3 = np.array([E_N, p_N * math.sqrt(1 - cos ** 2), 0, p_N * cos])
    k4 = k1 + k2 - k3
    assert k4 @ METRIC @ k4 == pytest.approx(M * M, rel=1e-9)
    q = k1 - k3
    t = q @ METRIC @ q
    PL, PR = (ONE - G5) / 2, (ONE + G5) / 2
    Gam = [2.0 * s for s in _sigma_q(q)]
    if antineutrino:  # vbar(k1) P_R Gamma v(k3)
        L = np.array([[np.trace(PR @ Gam[a] @ (_slash(k3) - m * ONE) @ _bar(Gam[b]) @ PL @ _slash(k1))
                       for b in range(4)] for a in range(4)])
    else:  # ubar(k3) Gamma P_L u(k1)
        L = np.array([[np.trace((_slash(k3) + m * ONE) @ Gam[a] @ PL @ _slash(k1) @ _bar(Gam[b]))
                       for b in range(4)] for a in range(4)])
    e = math.sqrt(4 * math.pi * ALPHA_EM)
    if target == "nucleus":  # spin 0, charge Z = 1, F = 1
        P = k2 + k4
        H = e * e * np.outer(P, P)
    else:
        F1, F2 = (float(x) for x in nucleon_dirac_pauli(Q2, target))
        J = [e * (F1 * GAMMA[mu] + 0.5j * F2 / M * s) for mu, s in enumerate(_sigma_q(q))]
        H = 0.5 * np.array([[np.trace((_slash(k4) + M * ONE) @ J[a] @ (_slash(k2) + M * ONE) @ _bar(J[b]))
                             for b in range(4)] for a in range(4)])
    val = _contract(L, H) / t ** 2
    assert abs(val.imag) < 1e-9 * abs(val.real)
    return val.real


@pytest.mark.parametrize("target", ["proton", "neutron", "nucleus"])
@pytest.mark.parametrize("antineutrino", [False, True])
def test_matrix_element_equals_explicit_dirac_traces(target, antineutrino):
    M = {"proton": M_PROTON, "neutron": ups.target_mass("C12", "neutron"), "nucleus": 5.0}[target]
    for E, m, frac in [(1.0, 0.3, 0.2), (3.0, 0.7, 0.5), (0.8, 0.05, 0.01), (2.0, 0.4, 0.9)]:
        lo, hi = (float(x) for x in ups.q2_range(E, m, M))
        Q2 = lo * (hi / lo) ** frac
        if target == "nucleus":  # stay below the form-factor cut of the coherent term
            Q2 = min(Q2, max(lo, 0.5 * ups._Q2_CUT_COHERENT))
        msq = _msq_traces(E, Q2, m, M, target, antineutrino)
        expected = msq / (16 * math.pi * (2 * M * E) ** 2)  # dsigma/dt = |M|^2 / (16 pi (s - M^2)^2)
        if target == "nucleus":  # the coherent formula for a Z = 1 nucleus of mass M, form factor divided out
            fake = Nucleus("C12", 1, 12, M)
            ours = ups._dsigma_dQ2_gev(E, Q2, m, fake, "coherent") / float(ups.coherent_form_factor(Q2, fake)) ** 2
        else:
            ours = ups._dsigma_dQ2_gev(E, Q2, m, nucleus("C12"), target)
        assert float(ours) == pytest.approx(expected, rel=1e-9), (E, m, Q2)


# --- limits and symmetries ----------------------------------------------------------------------
def test_magnetic_moment_limit_vogel_engel():
    """m -> 0: dsigma/dQ^2 -> alpha mu_tr^2 Z^2 F^2 (1/Q^2 - 1/(2 M E)), mu_tr = 2 d (Vogel & Engel 1989)."""
    d, E, Q2, m = 1e-6, 1.0, 1e-3, 1e-4
    t = nucleus("Pb208")
    M = t.mass
    F = float(ups.coherent_form_factor(Q2, t))
    ref = ALPHA_EM * (2 * d) ** 2 * t.Z ** 2 * F ** 2 * (1 / Q2 - 1 / (2 * M * E))
    ours = float(ups.dsigma_dQ2(E, Q2, m, "Pb208", d=d, component="coherent")) / GEV2_TO_CM2
    assert ours == pytest.approx(ref, rel=1e-4)


def test_coherent_scales_as_Z_squared_at_low_Q2():
    E, m, Q2 = 1.0, 0.01, 2e-5  # F(Q^2) ~ 1 for every nucleus
    per_Z2 = [float(ups.dsigma_dQ2(E, Q2, m, n, component="coherent")) / nucleus(n).Z ** 2
              for n in ("C12", "O16", "Ar40", "Pb208")]
    assert max(per_Z2) / min(per_Z2) == pytest.approx(1.0, abs=0.01)
    # but the total coherent sigma grows slower than Z^2 because of the form factor
    s = [float(ups.dipole_xsec(1.0, 0.4, n, component="coherent")) / nucleus(n).Z ** 2 for n in ("C12", "Pb208")]
    assert s[1] < 0.5 * s[0]


def test_cross_section_is_proportional_to_d_squared():
    E = np.array([0.6, 1.0, 3.0, 10.0])
    ref = ups.dipole_xsec(E, 0.3, "Ar40")
    for d in (3.7e-7, 2.0):
        assert np.allclose(ups.dipole_xsec(E, 0.3, "Ar40", d=d), d * d * ref, rtol=1e-12)


@pytest.mark.parametrize("component", ["coherent", "proton", "neutron"])
def test_vanishes_at_threshold(component):
    m = 0.4
    E_th = ups.threshold_energy(m, ups.target_mass("O16", component))
    E = E_th * np.array([0.9, 1 - 1e-9, 1 + 1e-7, 1 + 1e-4, 1 + 1e-2, 1.5])
    s = ups.dipole_xsec(E, m, "O16", component=component)
    assert s[0] == 0.0 and s[1] == 0.0
    assert 0.0 < s[2] < 1e-3 * s[-1]
    assert np.all(np.diff(s[2:]) > 0)


def test_nu_nubar_and_dirac_majorana_give_the_same_sigma():
    E = np.array([0.7, 2.0])
    ref = ups.dipole_xsec(E, 0.2, "Fe56")
    for kw in ({"antineutrino": True}, {"majorana": True}, {"antineutrino": True, "majorana": True}):
        assert np.array_equal(ups.dipole_xsec(E, 0.2, "Fe56", **kw), ref)


def test_total_is_sum_of_components_and_free_proton_has_no_coherent_term():
    E = np.array([1.0, 5.0])
    parts = [ups.dipole_xsec(E, 0.2, "Cu63", component=c) for c in ups.COMPONENTS]
    assert np.allclose(ups.dipole_xsec(E, 0.2, "Cu63"), sum(parts), rtol=1e-14)
    assert np.all(ups.dipole_xsec(E, 0.2, "p", component="coherent") == 0)
    assert np.all(ups.dipole_xsec(E, 0.2, "p", component="neutron") == 0)
    # per-nucleon proton term independent of the nucleus (free nucleons, no Pauli blocking)
    assert np.allclose(ups.dipole_xsec(E, 0.2, "Pb208", component="proton") / 82,
                       ups.dipole_xsec(E, 0.2, "p", component="proton"), rtol=1e-12)


# --- numerics -----------------------------------------------------------------------------------
@pytest.mark.parametrize("target,component,E,m", [("Pb208", "coherent", 1.0, 0.01), ("C12", "coherent", 3.0, 0.7),
                                                  ("p", "proton", 10.0, 0.1), ("Ar40", "neutron", 1.0, 0.4),
                                                  ("Pb208", "coherent", 20.0, 0.05)])
def test_gauss_legendre_matches_adaptive_quadrature(target, component, E, m):
    from scipy.integrate import quad
    M = ups.target_mass(target, component)
    lo, hi = (float(x) for x in ups.q2_range(E, m, M))
    f = lambda y: math.exp(y) * float(ups.dsigma_dQ2(E, math.exp(y), m, target, component=component))
    ref, _ = quad(f, math.log(lo), math.log(hi), limit=500, epsrel=1e-9, points=None)
    assert float(ups.dipole_xsec(E, m, target, component=component)) == pytest.approx(ref, rel=1e-4)


def test_dsigma_dEN_integrates_to_sigma():
    from scipy.integrate import quad
    E, m = 2.0, 0.3
    for comp in ("coherent", "proton"):
        M = ups.target_mass("O16", comp)
        lo, hi = (float(x) for x in ups.q2_range(E, m, M))
        val, _ = quad(lambda x: float(ups.dsigma_dEN(E, x, m, "O16", component=comp)),
                      E - hi / (2 * M), E - lo / (2 * M), limit=400, points=[E - 0.1 / (2 * M)])
        assert val == pytest.approx(float(ups.dipole_xsec(E, m, "O16", component=comp)), rel=1e-3)


def test_vectorised_over_1e5_energies():
    """10^5 energies in one call: finite, non-negative, zero below threshold (timing: benchmarks/bench_xsec.py)."""
    E = np.random.default_rng(1).uniform(0.2, 10.0, 100_000)
    s = ups.dipole_xsec(E, 0.4, "C12", component="coherent")
    assert s.shape == E.shape and np.all(np.isfinite(s)) and np.all(s >= 0)
    below = E < ups.threshold_energy(0.4, ups.target_mass("C12", "coherent"))
    assert below.any() and np.all(s[below] == 0) and np.all(s[~below] > 0)


# --- sampling -----------------------------------------------------------------------------------
def test_sampled_kinematics_follow_dsigma_dQ2():
    rng = np.random.default_rng(7)
    E_nu, m = 2.0, 0.3
    n = 100_000
    p4, w = ups.sample_upscattering(np.full(n, E_nu), m, "Ar40", component="total", rng=rng)
    assert np.mean(w) == pytest.approx(1.0, abs=0.01)
    # on shell, energy below E_nu, forward
    mass2 = p4[:, 0] ** 2 - np.sum(p4[:, 1:] ** 2, axis=1)
    assert np.allclose(mass2, m * m, rtol=1e-6)
    assert np.all(p4[:, 0] <= E_nu) and np.all(p4[:, 0] >= m)
    # Q^2 = -(k1 - pN)^2 reproduces the per-component distribution: fraction of weight at Q^2 < 0.05 GeV^2
    k1 = np.array([E_nu, 0, 0, E_nu])
    q = k1 - p4
    Q2 = -(q[:, 0] ** 2 - np.sum(q[:, 1:] ** 2, axis=1))
    cut = 0.05
    frac_mc = np.sum(w[Q2 < cut]) / np.sum(w)
    tot = float(ups.dipole_xsec(E_nu, m, "Ar40"))
    from scipy.integrate import quad
    frac = 0.0
    for comp in ups.COMPONENTS:
        lo, hi = (float(x) for x in ups.q2_range(E_nu, m, ups.target_mass("Ar40", comp)))
        if lo < cut:
            frac += quad(lambda y: math.exp(y) * float(ups.dsigma_dQ2(E_nu, math.exp(y), m, "Ar40", component=comp)),
                         math.log(lo), math.log(min(cut, hi)), limit=200)[0]
    assert frac_mc == pytest.approx(frac / tot, abs=0.01)


def test_sampling_below_threshold_gives_zero_weight():
    p4, w = ups.sample_upscattering(np.array([0.2, 1.0]), 0.3, "C12", rng=np.random.default_rng(0))
    assert w[0] == 0 and np.all(p4[0] == 0) and w[1] > 0


# --- form factors and nucleus table -------------------------------------------------------------
@pytest.mark.parametrize("name,r_rms", [("C12", 2.4702), ("O16", 2.6991), ("Ar40", 3.4274), ("Pb208", 5.5012)])
# (the de Vries 1987 FB fit of O16 has r_rms = 2.737 fm, 1.4 % above the 2013 compilation)
def test_fourier_bessel_charge_radius(name, r_rms):
    """-6 dF/dq^2 at 0 = <r^2>; reference rms charge radii: Angeli & Marinova, ADNDT 99 (2013) 69."""
    t = nucleus(name)
    q2 = np.random.default_rng(3).uniform(0.0, 1.6, 20_000) ** 2
    assert np.max(np.abs(ups.coherent_form_factor(q2, t) - charge_form_factor(q2, t))) < 1e-5  # tabulation
    hbarc_fm = 0.1973269804
    q2 = 1e-6  # GeV^2
    slope = (1.0 - float(charge_form_factor(q2, t))) / (q2 / hbarc_fm ** 2)
    assert math.sqrt(6 * slope) == pytest.approx(r_rms, rel=0.015)
    assert float(charge_form_factor(0.0, t)) == pytest.approx(1.0, abs=1e-12)
    assert float(helm_form_factor(0.0, t.A)) == pytest.approx(1.0, abs=1e-12)


def test_nucleon_form_factors_at_zero():
    F1p, F2p = nucleon_dirac_pauli(0.0, "proton")
    F1n, F2n = nucleon_dirac_pauli(0.0, "neutron")
    assert (F1p, F1n) == (1.0, 0.0)
    assert F2p == pytest.approx(1.7928, abs=1e-4) and F2n == pytest.approx(-1.9130, abs=1e-4)


def test_nucleus_table_matches_darknews_masses():
    dn = pytest.importorskip("DarkNews.nuclear_tools")
    for name, t in NUCLEI.items():
        assert t.mass == pytest.approx(dn.elements_dic[name]["nuclear_mass"], rel=1e-7)
        assert (t.Z, t.A) == (dn.elements_dic[name]["Z"], dn.elements_dic[name]["A"])
    assert nucleus("p") is nucleus("H1") and nucleus("C") is nucleus("C12") and nucleus("pb208").Z == 82


# --- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs", [dict(m_N=-0.1), dict(m_N=0.0), dict(m_N=float("nan")), dict(E_nu=-1.0),
                                    dict(E_nu=[1.0, float("inf")]), dict(target="Xe999"), dict(target="n"),
                                    dict(component="quark"), dict(d=float("nan"))])
def test_bad_input_raises(kwargs):
    args = dict(E_nu=1.0, m_N=0.1, target="C12")
    args.update(kwargs)
    with pytest.raises(HNLInputError):
        ups.dipole_xsec(args.pop("E_nu"), args.pop("m_N"), args.pop("target"), **args)
