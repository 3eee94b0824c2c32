"""Decays of dark-sector HNLs (hnlreach.physics.dark_decays): analytic limits, narrow width, DarkNews.

DarkNews 0.4.8 comparisons are made where DarkNews is right: N -> nu h' (gamma_Ni_to_Nj_S), V -> l l
(gamma_V_to_ell_ell).  Not where it is not: its N -> nu Z' (gamma_Ni_to_Nj_V) lacks the longitudinal
m_N^2/m_Z'^2 enhancement (it is x = m_Z'^2/m_N^2 times the t -> b W form used here), its S -> l l has
beta^(3/2) for beta^3, its N -> nu gamma is half of the Lagrangian's (kept as dipole_normalisation="darknews").
"""
import math

import pytest

from hnlreach.errors import HNLInputError
from hnlreach.models import DarkSector, from_darknews_parameters
from hnlreach.physics import dark_decays as dd
from hnlreach.physics.dipole import gamma_nu_gamma, gamma_nu_ll
from hnlreach.physics.constants import ALPHA_EM, M_E

LIGHT = dict(m4=0.3, mzprime=0.03, Umu4=1e-3, UD4=1.0, gD=1.0, epsilon=1e-3)


def test_nu_gamma_from_the_lagrangian_and_kroll_wada():
    """Gamma(N -> nu gamma) = d^2 m^3/(4 pi) (Dirac); nu e e / nu gamma = the Kroll-Wada integral."""
    m = DarkSector(m4=0.1, mu_tr={("mu", 4): 2.0})  # d = 1 GeV^-1
    widths = dd.partial_widths(m)
    assert widths["N4 -> nu_mu gamma"] == pytest.approx(0.1 ** 3 / (4 * math.pi), rel=1e-12)
    assert widths["N4 -> nu_mu gamma"] == pytest.approx(gamma_nu_gamma(0.1, 1.0), rel=1e-12)  # the --dipole shortcut
    # Kroll-Wada integral from hnlreach.physics.dipole (ratio to its own photon width: convention-free)
    kw = gamma_nu_ll(0.1, M_E, 1.0) / gamma_nu_gamma(0.1, 1.0)
    assert widths["N4 -> nu_mu e+ e-"] / widths["N4 -> nu_mu gamma"] == pytest.approx(kw, rel=1e-4)
    # leading log, massless-lepton integrand: alpha/(3 pi) (2 ln(m / 2 m_e) - 4/3)
    assert kw == pytest.approx(ALPHA_EM / (3 * math.pi) * (2 * math.log(0.1 / (2 * M_E)) - 4 / 3), rel=0.05)
    dn = DarkSector(m4=0.1, mu_tr={("mu", 4): 2.0}, dipole_normalisation="darknews")
    for ch in ("N4 -> nu_mu gamma", "N4 -> nu_mu e+ e-"):  # every dipole width halved (hnlreach.physics.dipole)
        assert dd.partial_widths(dn)[ch] == pytest.approx(0.5 * widths[ch], rel=1e-9)
    with pytest.raises(HNLInputError):
        DarkSector(m4=0.1, dipole_normalisation="half")
    maj = DarkSector(m4=0.1, mu_tr={("mu", 4): 2.0}, nature="majorana")
    assert dd.total_width(maj) == pytest.approx(2 * dd.total_width(m), rel=1e-12)


def test_two_body_zprime_and_scalar():
    z = from_darknews_parameters(LIGHT)
    V, m, M = z.zprime_vertex[1, 3], 0.3, 0.03
    x = (M / m) ** 2  # t -> b W form: g^2 m^3/(32 pi M^2) (1 - x)^2 (1 + 2x)
    assert dd.partial_widths(z)["N4 -> nu_mu Z'"] == pytest.approx(V * V * m ** 3 / (32 * math.pi * M * M) * (1 - x) ** 2 * (1 + 2 * x))
    dr = pytest.importorskip("DarkNews.decay_rates")
    s = DarkSector(m4=0.3, mhprime=0.1, theta=0.1, s={("mu", 4): 1e-2})
    assert dd.partial_widths(s)["N4 -> nu_mu h'"] == pytest.approx(dr.gamma_Ni_to_Nj_S(1e-2, 0.3, 0.0, 0.1, HNLtype="dirac"), rel=1e-10)
    gv, ga = z.zprime_fermion("e")
    assert dd.zprime_widths(z)["Z' -> e+ e-"] == pytest.approx(dr.gamma_V_to_ell_ell(gv, 0.03, M_E), rel=1e-9)


def test_off_shell_tends_to_on_shell_times_branching_ratio():
    """Narrow-width limit: Gamma(N -> nu Z'* -> nu e e) (Gamma_Z' -> f Gamma_Z') -> Gamma(N -> nu Z') Gamma_ee / (f Gamma_Z')."""
    z = from_darknews_parameters(LIGHT)
    two = dd.partial_widths(z)["N4 -> nu_mu Z'"]
    wz = sum(dd.zprime_widths(z).values())
    for f in (1e-2, 1e-4):
        three = dd.gamma_three_body(z, 4, 1, "e", include=("Z'",), zprime_width=f * wz)
        assert three * f == pytest.approx(two * dd.zprime_widths(z)["Z' -> e+ e-"] / wz, rel=1e-4)
    assert "N4 -> nu_mu e+ e-" not in dd.partial_widths(z)  # on-shell Z' counted once, in the two-body channel


def test_heavy_zprime_contact_limit():
    """m_Z' >> m_N, massless leptons: Gamma = V^2 (gV^2 + gA^2) m^5 / (768 pi^3 m_Z'^4) (muon-decay form)."""
    h = from_darknews_parameters(dict(m4=1.0, mzprime=30.0, Umu4=1e-3, UD4=1.0, gD=1.0, epsilon=1e-2))
    gv, ga = h.zprime_fermion("e")
    V = h.zprime_vertex[1, 3]
    ref = V * V * (gv * gv + ga * ga) / (768 * math.pi ** 3 * 30.0 ** 4)
    assert dd.partial_widths(h)["N4 -> nu_mu e+ e-"] == pytest.approx(ref, rel=2e-3)  # O(m^2/m_Z'^2)


def test_cascade_and_total():
    """N5 -> N4 l l exists; the total width sums every channel, mixing ones included."""
    m = from_darknews_parameters(dict(m4=0.15, m5=0.4, mzprime=1.25, Umu4=1e-3, Umu5=1e-3, UD4=0.5, UD5=0.8,
                                      gD=1.0, epsilon=1e-2))
    w = dd.partial_widths(m, 5)
    assert w["N5 -> N4 e+ e-"] > 0 and any(k.endswith("(mixing)") for k in w)
    assert dd.total_width(m, 5) == pytest.approx(sum(w.values()))
    assert dd.ctau(m, 5) > 0
    with pytest.raises(HNLInputError):
        dd.partial_widths(m, 6)


def test_majorana_heavy_to_heavy():
    """Majorana N5 -> N4 X: both chiralities act; for m4 -> 0 they do not interfere, so the width is twice
    the Dirac one (Z' two-body, h' two-body and the off-shell Z' three-body)."""
    par = dict(m4=1e-4, m5=0.4, mzprime=0.1, mhprime=0.05, Umu4=1e-3, Umu5=1e-3, UD4=0.5, UD5=0.8, gD=1.0,
               epsilon=1e-3, s_45=1e-3)
    dirac = dd.partial_widths(from_darknews_parameters(par), 5)
    maj = dd.partial_widths(from_darknews_parameters(dict(par, HNLtype="majorana")), 5)
    for ch in ("N5 -> N4 Z'", "N5 -> N4 h'"):
        assert maj[ch] == pytest.approx(2 * dirac[ch], rel=1e-3)  # interference ~ m4 m5 / m_X^2
    heavy = dict(par, mzprime=1.25)
    d3 = dd.partial_widths(from_darknews_parameters(heavy), 5)["N5 -> N4 e+ e-"]
    m3 = dd.partial_widths(from_darknews_parameters(dict(heavy, HNLtype="majorana")), 5)["N5 -> N4 e+ e-"]
    assert m3 == pytest.approx(2 * d3, rel=1e-4)
    # with a massive daughter the chiralities interfere: no longer a factor 2
    m4 = dict(heavy, m4=0.2)
    r = (dd.partial_widths(from_darknews_parameters(dict(m4, HNLtype="majorana")), 5)["N5 -> N4 e+ e-"]
         / dd.partial_widths(from_darknews_parameters(m4), 5)["N5 -> N4 e+ e-"])
    assert abs(r - 2) > 0.05


def _dn_widths():
    import csv
    import pathlib
    path = pathlib.Path(__file__).resolve().parents[1] / "data" / "decays" / "darknews_dark_widths.csv"
    return {(r["model"], r["nature"]): float(r["width_nu_ee_GeV"])
            for r in csv.DictReader(line for line in path.open() if not line.startswith("#"))}


def test_nu_ee_widths_against_darknews_table():
    """DarkNews 0.4.8 FermionDileptonDecay (scripts/reference/darknews_dark_widths.py), where it is right:
    off-shell heavy Z' (after DarkNews's e = g s_W, 1.9 % high, as in the cross sections); off-shell h'
    (DarkNews's h'-electron coupling has an extra 1/sqrt(2): ours = 2 x DarkNews; its Majorana width is not
    doubled -- a DarkNews defect, ours is); mass mixing alone (Z diagram; the W does not give e+e- for U_mu)."""
    import sys
    import pathlib
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "scripts" / "reference"))
    from darknews_dark_widths import MODELS
    ref = _dn_widths()
    e_dn_over_e = 1.0191
    for nature in ("dirac", "majorana"):
        for name in ("heavy_zprime_m015", "heavy_zprime_m05"):
            w = dd.partial_widths(from_darknews_parameters(dict(MODELS[name], HNLtype=nature)))
            assert w["N4 -> nu_mu e+ e-"] * e_dn_over_e ** 2 == pytest.approx(ref[(name, nature)], rel=0.01)
        w = dd.partial_widths(from_darknews_parameters(dict(MODELS["scalar"], HNLtype=nature)))
        assert w["N4 -> nu_mu e+ e-"] == pytest.approx((2 if nature == "dirac" else 4) * ref[("scalar", nature)], rel=0.01)
        w = dd.partial_widths(from_darknews_parameters(dict(MODELS["mixing_only"], HNLtype=nature)))
        assert w["N4 -> nu e+ e- (mixing)"] == pytest.approx(ref[("mixing_only", nature)], rel=0.02)


def test_polarised_two_body_asymmetries():
    """Angular momentum along the decay axis: a left-handed nu with a photon can only go along the N spin
    (alpha = +1); with a Z', transverse (rate 2x) and longitudinal (rate 1) give alpha = (2x - 1)/(2x + 1),
    x = m_Z'^2/m_N^2; with h' (spin 0) the nu goes against the spin, alpha = -1."""
    assert dd.two_body_asymmetry(DarkSector(m4=0.1, mu_tr={("mu", 4): 2.0}), 4, 1, "gamma") == pytest.approx(1.0)
    z = from_darknews_parameters(LIGHT)
    x = (0.03 / 0.3) ** 2
    assert dd.two_body_asymmetry(z, 4, 1, "Z'") == pytest.approx((2 * x - 1) / (2 * x + 1), rel=1e-9)
    s = DarkSector(m4=0.3, mhprime=0.1, s={("mu", 4): 1e-2})
    assert dd.two_body_asymmetry(s, 4, 1, "h'") == pytest.approx(-1.0)


def test_off_shell_scalar_tends_to_on_shell_times_branching_ratio():
    """Narrow-width limit for the h': Gamma(N -> nu h'* -> nu e e) (Gamma_h' -> f Gamma_h') f -> Gamma(N -> nu h') BR(h' -> e e).
    (An electron Yukawa of 1e-3, so that m_h' Gamma_h' stays far above the rounding of q^2 near the pole.)"""
    s = DarkSector(m4=0.3, mhprime=0.1, s={("mu", 4): 1e-2}, generic={"deS": 1e-3})
    two = dd.partial_widths(s)["N4 -> nu_mu h'"]
    wh = dd.hprime_widths(s)
    tot = sum(wh.values())
    for f in (1e-2, 1e-4):
        three = dd.gamma_three_body(s, 4, 1, "e", include=("h'",), hprime_width=f * tot)
        assert three * f == pytest.approx(two * wh["h' -> e+ e-"] / tot, rel=1e-4)


def test_heavy_scalar_contact_limit():
    """m_h' >> m_N, massless leptons: <|M|^2> = 4 S^2 y^2 (p.k_nu)(k_l.k_l')/m_h'^4, which integrates like muon
    decay (<|M|^2> = 64 G^2 (..)(..) -> G^2 m^5/192 pi^3): Gamma = S^2 y^2 m^5 / (3072 pi^3 m_h'^4)."""
    S, M, m = 1e-2, 40.0, 1.0
    h = DarkSector(m4=m, mhprime=M, theta=0.3, s={("mu", 4): S})
    y = h.scalar_fermion("e")
    ref = S * S * y * y * m ** 5 / (3072 * math.pi ** 3 * M ** 4)
    assert dd.partial_widths(h)["N4 -> nu_mu e+ e-"] == pytest.approx(ref, rel=2e-3)  # O(m^2/M^2, m_e^2/m^2)
