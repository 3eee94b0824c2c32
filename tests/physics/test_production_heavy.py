"""B, B_s, B_c and D_s semileptonic HNL production: SM limits against measured rates, lepton-mass
structure (R(D), R(D*)), thresholds, an independent matrix element (HNLCalc) and the summed B+ / B0
production compared with HNLCalc, which implements Bondarenko et al. arXiv:1805.08567."""
import dataclasses

import numpy as np
import pytest

from hnlreach.errors import HNLInputError
from hnlreach.physics import form_factors as ff
from hnlreach.physics import production as prod
from hnlreach.physics import production_semileptonic as sl
from hnlreach.physics.constants import LEPTON_MASS, LIFETIME_S, M_MU, M_TAU, MASS, V_CKM

SM = 1e-7  # m_N -> 0 [GeV]


def br(name, m):
    return float(prod.CHANNELS[name].branching_ratio(np.array([m]))[0])


# PDG 2022 averages (l = e or mu) and their form-factor-limited tolerance: the CLN inputs are HFLAV's
# fits to these very spectra, so agreement within the B+/B0 isospin spread (~5 %) is expected.
@pytest.mark.parametrize("name, pdg, tol", [
    ("B0 -> D- mu+ N", 2.24e-2, 0.08),  # ours 2.08 %: B0/B+ = lifetime ratio 1.08, data 1.03-1.05
    ("B+ -> D~0 mu+ N", 2.35e-2, 0.08),
    ("B0 -> D*(2010)- mu+ N", 4.97e-2, 0.08),
    ("B+ -> D*(2007)~0 mu+ N", 5.58e-2, 0.08),
    ("B0 -> pi- mu+ N", 1.50e-4, 0.20),  # LCSR f+(0) = 0.258 with |V_ub| = 3.82e-3: +14 %
    ("B0 -> rho(770)- mu+ N", 2.94e-4, 0.30),  # LCSR rho form factors: +28 % (known V_ub/LCSR tension)
    ("D(s)+ -> eta e+ N", 2.26e-2, 0.01),  # normalised to these rates; the shapes are the physics
    ("D(s)+ -> eta'(958) e+ N", 0.80e-2, 0.01),
    ("D(s)+ -> K0 e+ N", 3.4e-3, 0.01),
    ("D(s)+ -> K*(892)0 e+ N", 2.15e-3, 0.01),
    ("D(s)+ -> phi(1020) e+ N", 2.34e-2, 0.15),  # BaBar form factors, not normalised: +12 %
])
def test_sm_limit_reproduces_measured_branching_ratios(name, pdg, tol):
    assert br(name, SM) == pytest.approx(pdg, rel=tol)


def test_lepton_universality_ratios_match_sm_predictions():
    """R(D) = 0.299, R(D*) = 0.258 (HFLAV 2019 SM averages): the helicity-0 and timelike amplitudes
    (f0, A0), which grow with the HNL mass, are right."""
    r_d = br("B0 -> D- tau+ N", SM) / br("B0 -> D- mu+ N", SM)
    r_dstar = br("B0 -> D*(2010)- tau+ N", SM) / br("B0 -> D*(2010)- mu+ N", SM)
    assert r_d == pytest.approx(0.299, rel=0.04)
    assert r_dstar == pytest.approx(0.258, rel=0.05)


def test_bc_to_jpsi_normalised_to_lattice_rate():
    """Gamma(B_c -> J/psi mu nu)/|V_cb|^2 = 1.73e13 s^-1 (HPQCD arXiv:2007.06956)."""
    expect = 1.73e13 * V_CKM["c", "b"] ** 2 * LIFETIME_S["B(c)+"]
    assert br("B(c)+ -> J/psi(1S) mu+ N", SM) == pytest.approx(expect, rel=0.01)


def test_charged_lepton_and_hnl_masses_enter_symmetrically():
    """The spin-summed V-A lepton tensor integrated over angles is symmetric in (m_l, m_N):
    B -> D tau N at m_N = m_mu equals B -> D mu N at m_N = m_tau."""
    for d in ("D-", "D*(2010)-"):
        a = prod.CHANNELS[f"B0 -> {d} tau+ N"].width(np.array([M_MU]))
        b = prod.CHANNELS[f"B0 -> {d} mu+ N"].width(np.array([M_TAU]))
        assert a == pytest.approx(b, rel=1e-9)


def test_thresholds_and_mass_range_reach_the_bc_end():
    c = prod.CHANNELS["B(c)+ -> J/psi(1S) mu+ N"]
    assert c.threshold == pytest.approx(MASS["B(c)+"] - MASS["J/psi(1S)"] - M_MU)
    w = c.width(np.array([c.threshold - 1e-3, c.threshold + 1e-3]))
    assert 0.0 < w[0] < 1e-6 * c.width(np.array([1.0]))[0] and w[1] == 0.0
    top = max(ch.threshold for ch in prod.CHANNELS.values())
    assert top == pytest.approx(MASS["B(c)+"] - LEPTON_MASS["e"])  # B_c -> e N: 6.27 GeV
    brs = prod.production_branching_ratios(6.2, (1.0, 0.0, 0.0))
    assert list(brs) == ["B(c)+ -> e+ N"]


def test_every_b_parent_has_semileptonic_channels():
    for parent, n in (("B+", 4), ("B0", 4), ("B(s)0", 4), ("B(c)+", 2), ("D(s)+", 5)):
        names = {c.params["daughter"] for c in prod.CHANNELS.values()
                 if c.parent == parent and c.kind == "semileptonic" and c.flavour == "mu"}
        assert len(names) == n, (parent, names)


# HNLCalc (github.com/laroccod/HNLCalc, commit a873844), dGamma/dq^2 [GeV^-3] for B_c+ -> X mu+ N
# with |U_mu| = 1, its dBR/dq^2 dE integrated over E and divided by its tau(B_c) = 0.507 ps;
# (m_N, q^2) -> value.  Same form factors (1805.08567 app. C, unscaled J/psi; eta_c pole at 6.4 GeV).
HNLCALC_JPSI = {(1.0, 4.0): 3.20222e-15, (2.0, 6.3): 8.53410e-16, (2.0, 8.2): 1.28580e-15,
                (2.5, 9.0): 3.96674e-16}
HNLCALC_ETAC = {(1.0, 4.0): 1.42221e-15, (2.0, 6.3): 4.25682e-16, (2.0, 8.2): 4.92618e-16,
                (2.5, 9.0): 1.88073e-16}


def test_helicity_amplitudes_match_hnlcalc_matrix_element():
    """Richman-Burchat helicity amplitudes with two massive leptons vs HNLCalc's explicit |M|^2
    (a different derivation) with identical form factors: 0.3 %, over q^2 and m_N."""
    jpsi = dataclasses.replace(sl.BC_TO_JPSI, ckm=V_CKM["c", "b"])
    etac = ff.ShapePseudoscalar(V_CKM["c", "b"], ff.Poles(((0.76, 6.4, 1),)),
                                ff.Poles(((0.76, MASS["B(c)+"], 1),)))
    for form, daughter, ref in ((jpsi, "J/psi(1S)", HNLCALC_JPSI), (etac, "eta(c)(1S)", HNLCALC_ETAC)):
        for (m, q2), val in ref.items():
            ours = prod.semileptonic_dgamma_dq2("B(c)+", daughter, form, M_MU, m, q2)
            assert float(ours) == pytest.approx(val, rel=3e-3), (daughter, m, q2)


# Sum over channels of BR(B -> X mu+ N)/|U_mu|^2 in HNLCalc (same commit; its Monte-Carlo integration,
# 4000 points per channel, ~1 %), which implements arXiv:1805.08567 (formulas and form-factor table of
# its appendix C; B+: D0bar, D*0bar, pi0, eta, eta', rho0, omega, mu N; B0: D-, D*-, pi-, rho-).
HNLCALC_SUM = {("B+", 2.0): 1.4384e-2, ("B+", 2.5): 3.6984e-3,
               ("B0", 2.0): 1.3344e-2, ("B0", 2.5): 3.2722e-3}


@pytest.mark.parametrize("parent, m", list(HNLCALC_SUM))
def test_total_b_production_agrees_with_hnlcalc_and_1805_08567(parent, m):
    """Ours: B+ 1.314e-2 (2.0 GeV), 3.28e-3 (2.5); B0 1.210e-2, 2.96e-3: 9-11 % below.  The difference
    is the B -> D* normalisation: the 1805.08567 pole form factors give BR(B0 -> D*- mu nu) = 5.9 %
    at m_N -> 0 (PDG 4.97 %), ours (HFLAV CLN) 4.9 %; B -> D is 18 % low there, ours 5 %."""
    brs = prod.production_branching_ratios(m, (0.0, 1.0, 0.0))
    ours = sum(v for k, v in brs.items() if prod.CHANNELS[k].parent == parent)
    assert ours == pytest.approx(HNLCALC_SUM[parent, m], rel=0.30)
    assert ours == pytest.approx(HNLCALC_SUM[parent, m], rel=0.15)  # what we actually see


def test_unknown_parent_is_an_error(tmp_path):
    from hnlreach.experiments import load_experiment

    text = (prod.__file__.rsplit("/physics/", 1)[0] + "/experiments/toy-dump.toml")
    src = open(text).read()
    assert 'parent = "D0"' in src
    (tmp_path / "a.toml").write_text(src.replace('parent = "D0"', 'parent = "B0"'))
    exp = load_experiment(tmp_path / "a.toml")
    assert any(s.parent == "B0" for s in exp.sources)
    (tmp_path / "b.toml").write_text(src.replace('parent = "D0"', 'parent = "eta"'))
    with pytest.raises(HNLInputError, match="unknown parent particle 'eta'"):
        load_experiment(tmp_path / "b.toml")


def test_b0_source_has_direct_and_tau_chain_channels():
    from hnlreach.rates.engine import production_channels

    class Src:
        parent, tau_chain, tau_branching_ratio = "B0", True, None

    ch = production_channels(Src, 1.0, (0.0, 0.0, 1.0))
    assert "B0 -> D- tau+ N" in ch and "B0 -> D*(2010)- tau+ N" in ch
    chain = {k: v for k, v in ch.items() if k.startswith("B0 -> tau+ nu(tau), ")}
    assert "B0 -> tau+ nu(tau), tau- -> pi- N" in chain
    # the chain BR is BR(B0 -> D(*) tau nu, ours 1.85 %, HFLAV R(D(*)) x PDG: 1.9 %) x BR(tau -> pi N)
    from hnlreach.sources.meson_decays import tau_production

    assert sum(b for _, b in tau_production("B0")) == pytest.approx(0.0186, rel=0.03)
    with pytest.raises(HNLInputError):
        tau_production("K+")


# --- B_s -> K and B_s -> K* (b -> u with an s spectator) ---------------------------------------
def test_bs_to_k_normalised_to_lhcb_rate():
    """BR(B_s -> K- mu+ nu) = (1.06 +- 0.09) x 1e-4 (LHCb arXiv:2012.05143) at m_N -> 0; the unscaled
    Ball-Zwicky B -> pi form factors would give 1.57e-4 (SU(3) breaking and the LCSR B -> pi excess,
    +14 % in B0 -> pi- mu+ nu above)."""
    assert br("B(s)0 -> K- mu+ N", SM) == pytest.approx(1.06e-4, rel=0.01)
    unscaled = dataclasses.replace(sl.BS_TO_K, ckm=V_CKM["u", "b"])
    full = prod.semileptonic_width("B(s)0", "K-", unscaled, M_MU, np.array([SM]))[0]
    assert full / prod.parent_width("B(s)0") == pytest.approx(1.57e-4, rel=0.02)


def test_bs_to_k_is_b_to_pi_with_su3_kinematics():
    """Same b -> u current and B* pole as B -> pi: for massless leptons dGamma/dq^2 = G_F^2 |V f+|^2
    p^3 / (24 pi^3), so the ratio of the two spectra over p_K^3 / p_pi^3 is the constant
    (scale of the B_s -> K form factors)^2 at every q^2."""
    q2 = np.linspace(0.5, 22.0, 12)
    r = [prod.semileptonic_dgamma_dq2(p, d, f, 0.0, 0.0, q2)
         for p, d, f in (("B(s)0", "K-", sl.BS_TO_K), ("B0", "pi-", sl.B_TO_PI))]
    p3 = [(np.sqrt(np.clip((M * M + m * m - q2) ** 2 / (4 * M * M) - m * m, 0, None))) ** 3
          for M, m in ((MASS["B(s)0"], MASS["K-"]), (MASS["B0"], MASS["pi-"]))]
    assert r[0] / r[1] / (p3[0] / p3[1]) == pytest.approx(np.full(q2.size, sl._K_BSK**2), rel=1e-6)


def test_bsz_bs_to_kstar_form_factors():
    """BSZ (arXiv:1503.05534) B_s -> K* at q^2 = 0: the exact relation A0(0) = [(M+m) A1(0) - (M-m) A2(0)]/(2m)
    holds with A2 rebuilt from A12; V, A0, A1 agree with the older LCSR of Ball & Zwicky (hep-ph/0412079
    Table 8: V(0) = 0.311, A0(0) = 0.360, A1(0) = 0.231) within their ~15 % errors."""
    M, m = MASS["B(s)0"], MASS["K*(892)-"]
    v, a0, a1, a2 = (x / V_CKM["u", "b"] for x in sl.BS_TO_KSTAR(np.array([0.0]), M, m))
    assert a0[0] == pytest.approx(((M + m) * a1[0] - (M - m) * a2[0]) / (2 * m), rel=1e-9)
    assert (v[0], a0[0], a1[0]) == pytest.approx((0.311, 0.360, 0.231), rel=0.15)
    # SU(3): B_s -> K* l nu and B -> rho l nu share the current; SM rates within 30 %
    assert br("B(s)0 -> K*(892)- mu+ N", SM) / br("B0 -> rho(770)- mu+ N", SM) == pytest.approx(1.0, abs=0.3)


@pytest.mark.parametrize("daughter", ["K-", "K*(892)-"])
@pytest.mark.parametrize("lepton", ["e", "mu", "tau"])
def test_bs_to_light_meson_phase_space_closes(daughter, lepton):
    """Gamma -> 0 continuously at m_N = M(B_s) - M(K(*)) - m_l, zero above; positive below."""
    c = prod.CHANNELS[f"B(s)0 -> {daughter} {lepton}+ N"]
    edge = MASS["B(s)0"] - MASS[daughter] - LEPTON_MASS[lepton]
    assert c.threshold == pytest.approx(edge)
    w = c.width(np.array([0.5 * edge, edge - 1e-3, edge - 1e-4, edge + 1e-4]))
    assert w[0] > 0 and w[3] == 0.0
    assert 0.0 < w[2] < w[1] < 1e-3 * w[0]
