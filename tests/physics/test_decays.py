"""Physics checks of the mass-mixing HNL decay widths (arXiv:1805.08567 sec. 3)."""
import math

import numpy as np
import pytest

from hnlreach.errors import HNLInputError
from hnlreach.physics import decays as D
from hnlreach.physics import decays_hadronic as H
from hnlreach.physics import decays_leptonic as L
from hnlreach.physics.constants import G_F, LEPTON_MASS, M_E, SIN2_THETA_W

PATTERNS = [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 1), (0.2, 0.5, 0.3), (0, 1, 1), (1e-7, 0, 3e-9)]
MASSES = np.concatenate([np.geomspace(1e-3, 5.0, 40), [0.1396, 0.4937, 0.7753, 1.0, 1.25, 1.5, 1.7769, 2.0]])


@pytest.mark.parametrize("majorana", [False, True])
@pytest.mark.parametrize("mixing", PATTERNS)
def test_branching_ratios_sum_to_one_and_widths_are_physical(mixing, majorana):
    for m in MASSES:
        widths = D.mixing_partial_widths(float(m), mixing, majorana)
        vals = np.array(list(widths.values()))
        assert np.all(np.isfinite(vals)) and np.all(vals > 0)
        total = vals.sum()
        assert total > 0
        assert math.isclose(sum(w / total for w in widths.values()), 1.0, rel_tol=1e-12)


def test_widths_scale_linearly_with_mixing():
    a = D.mixing_partial_widths(1.3, (1.0, 0.0, 0.0), False)
    b = D.mixing_partial_widths(1.3, (0.0, 1.0, 0.0), False)
    ab = D.mixing_partial_widths(1.3, (2e-6, 3e-6, 0.0), False)
    for ch in set(a) | set(b):
        assert ab[ch] == pytest.approx(2e-6 * a.get(ch, 0) + 3e-6 * b.get(ch, 0), rel=1e-12)


# --- massless limit: Boiarska et al. arXiv:2107.14685 Table I, Gamma = c G_F^2 m^5/(192 pi^3) ------------------------------
def _c(width, mass):
    return width / (G_F**2 * mass**5 / (192 * math.pi**3))


def test_table_I_coefficients_massless():
    s2 = SIN2_THETA_W
    c_nc = _c(L.three_body_width(1.0, 0.0, 0.0, *L.leptonic_couplings("tau", "e")), 1.0)
    c_int = _c(L.three_body_width(1.0, 0.0, 0.0, *L.leptonic_couplings("e", "e")), 1.0)
    c_cc = _c(L.three_body_width(1.0, 0.0, 0.0, 1.0, 0.0), 1.0)
    assert c_nc == pytest.approx(0.25 * (1 - 4 * s2 + 8 * s2**2), rel=1e-9)
    assert c_nc == pytest.approx(0.13, abs=0.006)
    assert c_int == pytest.approx(0.25 * (1 + 4 * s2 + 8 * s2**2), rel=1e-9)
    assert c_int == pytest.approx(0.59, abs=0.005)
    assert c_cc == pytest.approx(1.0, rel=1e-9)
    # the mu mu channel (NC only) is the same for e and tau mixing
    assert _c(L.three_body_width(1.0, 0, 0, *L.leptonic_couplings("e", "mu")), 1.0) == pytest.approx(c_nc, rel=1e-12)
    # eq. (9): Gamma(N_e -> e e nu)/Gamma(N_e -> e mu nu) ~ 0.59 ; eq. (10): Gamma(N_tau -> ee nu)/Gamma(N_e -> ee nu) ~ 0.22
    assert c_int / c_cc == pytest.approx(0.59, abs=0.005)
    assert c_nc / c_int == pytest.approx(0.22, abs=0.01)


def test_table_I_from_public_api_at_large_mass():
    m = 5.0  # m_e/m = 1e-4: electron-mass effects ~1e-7
    we = D.mixing_partial_widths(m, (1, 0, 0), False)
    wt = D.mixing_partial_widths(m, (0, 0, 1), False)
    assert _c(we["N -> nu e+ e-"], m) == pytest.approx(0.25 * (1 + 4 * SIN2_THETA_W + 8 * SIN2_THETA_W**2), rel=1e-5)
    assert _c(wt["N -> nu e+ e-"], m) == pytest.approx(0.25 * (1 - 4 * SIN2_THETA_W + 8 * SIN2_THETA_W**2), rel=1e-5)
    # e mu nu: muon mass correction ~ -8 (m_mu/m)^2
    assert _c(we["N -> e- mu+ nu"], m) == pytest.approx(1 - 8 * (LEPTON_MASS["mu"] / m) ** 2, rel=2e-3)
    assert we["N -> nu mu+ mu-"] == pytest.approx(wt["N -> nu mu+ mu-"], rel=1e-12)


def test_massive_nc_formula_matches_paper_closed_form():
    """Dalitz quadrature vs the closed-form NC width of arXiv:1805.08567 sec. 3.1.2 (C1..C4)."""
    for x in [1e-3, 0.05, 0.2, 0.4, 0.49]:
        sq = math.sqrt(1 - 4 * x * x)
        lg = math.log((1 - 3 * x * x - (1 - x * x) * sq) / (x * x * (1 + sq)))
        f1 = (1 - 14 * x**2 - 2 * x**4 - 12 * x**6) * sq + 12 * x**4 * (x**4 - 1) * lg
        f2 = x**2 * (2 + 10 * x**2 - 12 * x**4) * sq + 6 * x**4 * (1 - 2 * x**2 + 2 * x**4) * lg
        for alpha in ("e", "tau"):
            cl, cr = L.leptonic_couplings(alpha, "e")
            exact = (cl**2 + cr**2) * f1 + 4 * cl * cr * f2
            got = _c(L.three_body_width(1.0, x, x, cl, cr), 1.0)
            assert got == pytest.approx(exact, rel=2e-6, abs=1e-12)


def test_phase_space_I_against_adaptive_quadrature_and_symmetry():
    from scipy.integrate import quad

    def ref(x, y, z):
        lam = lambda a, b, c: a * a + b * b + c * c - 2 * (a * b + a * c + b * c)
        f = lambda s: (s - x * x - y * y) * (1 + z * z - s) * math.sqrt(max(lam(s, x * x, y * y), 0)) \
            * math.sqrt(max(lam(1, s, z * z), 0)) / s
        return 12 * quad(f, (x + y) ** 2, (1 - z) ** 2, epsabs=0, epsrel=1e-10, limit=200)[0]

    for x, y, z in [(0.0, 0.0, 0.0), (5e-4, 0.0, 0.1), (0.3, 0.2, 0.1), (0.6, 0.05, 0.3), (0.0, 0.89, 0.1)]:
        assert L.phase_space_I(x, y, z) == pytest.approx(ref(x, y, z), rel=1e-6, abs=1e-14)
        assert L.phase_space_I(x, y, z) == pytest.approx(L.phase_space_I(z, x, y), rel=1e-9, abs=1e-14)
    assert L.phase_space_I(0.5, 0.3, 0.2) == 0.0


def _gamma_matrices():
    i2 = np.eye(2)
    sig = [np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]])]
    g0 = np.block([[i2, 0 * i2], [0 * i2, -i2]]).astype(complex)
    gs = [np.block([[0 * i2, s], [-s, 0 * i2]]).astype(complex) for s in sig]
    g = [g0] + gs
    g5 = 1j * g[0] @ g[1] @ g[2] @ g[3]
    return g, g5


def test_squared_amplitude_with_dirac_matrices():
    """sum|M|^2 of the module docstring (incl. the sign of the C_L C_R m1 m2 term) from explicit traces."""
    g, g5 = _gamma_matrices()
    one = np.eye(4)
    pl, pr = (one - g5) / 2, (one + g5) / 2
    metric = np.diag([1.0, -1, -1, -1])
    slash = lambda p: sum(metric[m, m] * p[m] * g[m] for m in range(4))
    dot = lambda a, b: a @ metric @ b
    rng = np.random.default_rng(1)
    mN, m1, m2 = 1.0, 0.23, 0.17
    for cl, cr in [(0.7, 0.0), (0.0, 0.4), (-0.27, 0.23), (0.73, 0.23)]:
        # random three-body point in the N rest frame
        while True:
            e1, e2 = rng.uniform(m1, mN), rng.uniform(m2, mN)
            k1, k2 = math.sqrt(e1**2 - m1**2), math.sqrt(e2**2 - m2**2)
            enu = mN - e1 - e2
            if enu <= 0:
                continue
            c12 = (enu**2 - k1**2 - k2**2) / (2 * k1 * k2)
            if abs(c12) < 1:
                break
        p1 = np.array([e1, 0, 0, k1])
        p2 = np.array([e2, k2 * math.sqrt(1 - c12**2), 0, k2 * c12])
        pN = np.array([mN, 0, 0, 0])
        pnu = pN - p1 - p2
        amp2 = 0.0
        for mu in range(4):
            for nu in range(4):
                t1 = np.trace(slash(pnu) @ g[mu] @ pl @ (slash(pN) + mN * one) @ pr @ g[nu])
                gam_mu = g[mu] @ (cl * pl + cr * pr)
                gam_nu_bar = (cl * pr + cr * pl) @ g[nu]
                t2 = np.trace((slash(p1) + m1 * one) @ gam_mu @ (slash(p2) - m2 * one) @ gam_nu_bar)
                amp2 += metric[mu, mu] * metric[nu, nu] * t1 * t2
        amp2 *= 8 * G_F**2  # (4 G_F/sqrt2)^2
        expected = 128 * G_F**2 * (cl**2 * dot(pN, p2) * dot(pnu, p1) + cr**2 * dot(pN, p1) * dot(pnu, p2)
                                   + cl * cr * m1 * m2 * dot(pN, pnu))
        assert amp2.real == pytest.approx(expected, rel=1e-10)


def test_leptonic_couplings():
    s2 = SIN2_THETA_W
    assert L.leptonic_couplings("e", "e") == pytest.approx((0.5 + s2, s2))
    assert L.leptonic_couplings("mu", "e") == pytest.approx((-0.5 + s2, s2))
    assert D.leptonic_couplings is L.leptonic_couplings


def test_invisible_only_below_ee_threshold():
    m = 1.0e-3  # < 2 m_e
    for mix in [(1, 0, 0), (0.3, 0.2, 0.5)]:
        w = D.mixing_partial_widths(m, mix, False)
        assert list(w) == ["N -> nu nu nu"]
        assert w["N -> nu nu nu"] == pytest.approx(sum(mix) * G_F**2 * m**5 / (192 * math.pi**3), rel=1e-12)


# --- Majorana vs Dirac ----------------------------------------------------------------------------------
@pytest.mark.parametrize("mixing", PATTERNS[:5])
def test_majorana_is_twice_dirac(mixing):
    for m in [0.05, 0.3, 0.9, 1.3, 2.2, 4.5]:
        dirac = D.mixing_partial_widths(m, mixing, False)
        maj = D.mixing_partial_widths(m, mixing, True)
        assert sum(maj.values()) == pytest.approx(2 * sum(dirac.values()), rel=1e-12)
        for ch, w in dirac.items():
            if D.is_self_conjugate(ch):
                assert maj[ch] == pytest.approx(2 * w, rel=1e-12)
            else:
                cc = D.conjugate_channel(ch)
                assert cc not in dirac
                assert maj[ch] == pytest.approx(w, rel=1e-12) and maj[cc] == pytest.approx(w, rel=1e-12)
    assert D.conjugate_channel("N -> mu- pi+") == "N -> mu+ pi-"
    assert D.conjugate_channel("N -> e- mu+ nu") == "N -> e+ mu- nu"
    assert D.conjugate_channel("N -> tau- D(s)*+") == "N -> tau+ D(s)*-"


def test_total_width_unit_matches_partial_widths():
    ms = np.array([0.02, 0.4, 1.1, 1.9, 3.3])
    for fl, mix in zip(("e", "mu", "tau"), [(1, 0, 0), (0, 1, 0), (0, 0, 1)]):
        for maj in (False, True):
            vec = D.total_width_unit(ms, fl, maj)
            ref = [sum(D.mixing_partial_widths(m, mix, maj).values()) for m in ms]
            assert vec == pytest.approx(ref, rel=1e-12)


# --- thresholds and continuity ----------------------------------------------------------------------------
@pytest.mark.parametrize("flavour", ["e", "mu", "tau"])
def test_every_channel_closed_below_and_open_above_threshold(flavour):
    for ch, th in D.channel_thresholds(flavour).items():
        if th >= 5.0 or th == 0.0:
            continue
        below = D.unit_channel_widths(th * (1 - 1e-7), flavour)[ch][0]
        assert below == 0.0, ch
        if ch in (D.NU_HADRONS, D.charged_hadrons_channel(flavour)):
            continue  # the multi-hadron remainder switches on with the hand-over weight
        above = D.unit_channel_widths(th * (1 + 1e-3), flavour)[ch][0]
        assert above > 0.0, ch


@pytest.mark.parametrize("flavour", ["e", "mu", "tau"])
def test_total_width_continuous_through_handover(flavour):
    lo, hi = D.HANDOVER_GEV
    grid = np.concatenate([np.linspace(lo - 0.05, hi + 0.05, 2001), [lo, hi, lo - 1e-6, hi - 1e-6]])
    w0 = D.total_width_unit(grid, flavour)
    w1 = D.total_width_unit(grid + 1e-6, flavour)
    assert np.max(np.abs(w1 / w0 - 1)) < 1e-3


@pytest.mark.parametrize("flavour", ["e", "mu", "tau"])
def test_total_width_has_no_jumps_anywhere(flavour):
    """Two-body thresholds open like sqrt(m - m_th), so use a tiny step: a true jump would survive it."""
    grid = np.concatenate([np.geomspace(1e-3, 4.99, 3000), np.array(D.HANDOVER_GEV),
                           np.array([t for t in D.channel_thresholds(flavour).values() if 1e-3 <= t < 4.99])])
    w0 = D.total_width_unit(grid, flavour)
    w1 = D.total_width_unit(grid * (1 + 1e-10), flavour)
    assert np.max(np.abs(w1 / w0 - 1)) < 1e-4


def test_handover_makes_hadronic_width_inclusive_above_window():
    """Above the window the heavy-quark CC and the NC hadronic widths are the QCD-corrected quark
    widths wherever these exceed the exclusive sums by more than the smoothing scale (and the
    remainder is never negative)."""
    m = np.array([1.6, 2.5, 4.0, 6.0])
    for fl in ("e", "mu", "tau"):
        u = D.unit_channel_widths(m, fl)
        qcd = 1 + H.delta_qcd(m)
        incl_nc = H.inclusive_neutral_quarks(m) * qcd
        leptonic = {D.INVISIBLE, "N -> nu e+ e-", "N -> nu mu+ mu-", "N -> nu tau+ tau-"}
        had_nc = sum(v for k, v in u.items() if k.split()[2] == "nu" and k not in leptonic)
        big = incl_nc > 1.5 * (had_nc - u[D.NU_HADRONS])
        assert np.all(np.abs(had_nc[big] / incl_nc[big] - 1) < D.SMOOTH_EPS**2), (fl, had_nc / incl_nc)
        assert np.all(u[D.NU_HADRONS] >= 0) and np.all(u[D.charged_hadrons_channel(fl)] >= 0)
    x = np.linspace(-3, 3, 61)
    pos = D.smooth_positive_part(x, 1.0)
    assert np.all(pos >= np.maximum(x, 0)) and np.max(pos - np.maximum(x, 0)) == pytest.approx(D.SMOOTH_EPS / 2)
    assert D.handover_weight(0.99) == 0.0 and D.handover_weight(1.51) == 1.0


def test_alpha_s_and_qcd_correction():
    # PDG: alpha_s(m_tau) = 0.312 - 0.332 ; the series 1 + a + 5.2 a^2 + 26.4 a^3 (a = alpha_s/pi)
    assert 0.30 < H.alpha_s(1.777) < 0.34
    assert H.alpha_s(4.18) == pytest.approx(0.225, abs=0.01)
    a = H.alpha_s(2.0) / math.pi
    assert H.delta_qcd(2.0) == pytest.approx(a + 5.2 * a**2 + 26.4 * a**3, rel=1e-12)


# --- two-body channels ---------------------------------------------------------------------------------------
def test_pion_channels_light_lepton_limit():
    """Gamma(N -> e pi)/Gamma(N -> nu pi0) -> 2 |V_ud|^2 for m_e -> 0, m_pi << m_N."""
    m = 4.0
    w = D.unit_channel_widths(m, "e")
    from hnlreach.physics.constants import V_CKM
    assert w["N -> e- pi+"][0] / w["N -> nu pi0"][0] == pytest.approx(2 * V_CKM[("u", "d")] ** 2, rel=2e-3)


# --- input validation and speed ------------------------------------------------------------------------------
@pytest.mark.parametrize("mass,mixing", [(-1.0, (1, 0, 0)), (0.0, (1, 0, 0)), (7.0, (1, 0, 0)),
                                         (float("nan"), (1, 0, 0)), (1.0, (-1, 0, 0)),
                                         (1.0, (float("inf"), 0, 0)), (1.0, (1, 0)), ("abc", (1, 0, 0))])
def test_bad_input_raises(mass, mixing):
    with pytest.raises(HNLInputError):
        D.mixing_partial_widths(mass, mixing, False)


def test_bad_input_vectorised():
    with pytest.raises(HNLInputError):
        D.total_width_unit(np.array([0.5, 7.0]), "e")
    with pytest.raises(HNLInputError):
        D.total_width_unit(np.array([0.5]), "x")


def test_electron_mass_constant_consistent():
    assert D.channel_thresholds("e")["N -> nu e+ e-"] == pytest.approx(2 * M_E)
