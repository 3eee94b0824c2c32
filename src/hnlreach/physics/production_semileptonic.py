"""Semileptonic production channels of B, B_s, B_c and D_s mesons: P -> P'/V l N.

The widths come from `production.semileptonic_width` (Richman-Burchat helicity amplitudes with two
massive leptons); this module holds the channel list and its form factors, each with its source:
- B -> D, B -> D* (and B_s -> D_s(*)): CLN parametrisation (Caprini, Lellouch, Neubert,
  hep-ph/9712417) with HFLAV's fits to the measured B -> D(*) l nu spectra: eta_EW G(1)|V_cb| =
  41.21e-3, rho^2 = 1.128 (HFLAV evaluation quoted by the PDG, |V_cb| measurements from B -> D l nu);
  eta_EW F(1)|V_cb| = 35.27e-3, rho^2 = 1.122, R1(1) = 1.270, R2(1) = 0.852 (HFLAV 2019,
  arXiv:1909.12524, B -> D* l nu CLN average), and the HQET value R0(1) = 1.14 (Fajfer, Kamenik,
  Nisandzic, arXiv:1203.2654).  B_s -> D_s(*) uses the same functions (heavy-quark and SU(3) symmetry; the
  lattice B_s -> D_s form factors agree with B -> D within errors, HPQCD arXiv:1906.00701).
- B -> pi, B -> rho: light-cone sum rules of Ball & Zwicky (hep-ph/0406232 Table 8 for pi,
  hep-ph/0412079 Table 8 for rho), with |V_ub| = 3.82e-3.
- B_s -> K: the B -> pi shapes of Ball & Zwicky (same b -> u current and B* pole; SU(3) for the
  spectator), normalised to LHCb's BR(B_s -> K- mu+ nu) = 1.06e-4 (arXiv:2012.05143).
- B_s -> K*: Bharucha, Straub, Zwicky arXiv:1503.05534, LCSR + lattice combined fit (their
  ancillary file BsKstar_LCSR-Lattice.json, as distributed in flav-io/flavio, data/arXiv-1503-05534v2).
- B_c -> eta_c, J/psi: the fits tabulated in Bondarenko et al. arXiv:1805.08567 appendix C
  (single pole at M(B_c*) = 6.332 GeV from lattice QCD, Dowdall et al. arXiv:1207.5149, for eta_c).
- B_c -> J/psi normalised to lattice QCD (HPQCD arXiv:2007.06956).
- D_s -> eta, eta', K0, K*0, phi: BaBar and BESIII form factors and PDG 2022 rates (cited per entry).
Each entry: (parent, daughter, form factors, isospin factor, correction, charge of the lepton).
"""
from __future__ import annotations

from hnlreach.physics import form_factors as ff
from hnlreach.physics.constants import MASS, V_CKM

# --- b -> c ---------------------------------------------------------------------------------
B_TO_D = ff.CLNPseudoscalar(41.21e-3, 1.128, "CLN; HFLAV evaluation (PDG)")
B_TO_DSTAR = ff.CLNVector(35.27e-3, 1.122, 1.270, 0.852, 1.14,
                          "CLN; HFLAV 2019 arXiv:1909.12524; R0(1): arXiv:1203.2654")

M_BC_STAR = 6.332  # B_c* mass [GeV], lattice QCD (HPQCD, Dowdall et al. arXiv:1207.5149)
BC_TO_ETAC = ff.ShapePseudoscalar(
    V_CKM["c", "b"], ff.Poles(((0.76, M_BC_STAR, 1),)), ff.Poles(((0.76, MASS["B(c)+"], 1),)),
    "arXiv:1805.08567 appendix C")
# B_c -> J/psi: shapes of 1805.08567 appendix C, scaled by 0.6693 so that the rate equals the lattice
# Gamma(B_c -> J/psi mu nu)/|V_cb|^2 = 1.73e13 s^-1 (HPQCD, Harrison et al. arXiv:2007.06956); the
# unscaled fit gives 2.2 times that rate (see tests/physics/test_production_heavy.py)
_K_JPSI = 0.6693
BC_TO_JPSI = ff.ShapeVector(
    _K_JPSI * V_CKM["c", "b"], ff.QuadraticPole(0.96, 5.65, 0.0013), ff.QuadraticPole(0.68, 8.20, 1.40),
    ff.QuadraticPole(0.68, 5.91, 0.052), ff.QuadraticPole(-0.004, 5.67, -0.004),
    "arXiv:1805.08567 appendix C shapes; HPQCD arXiv:2007.06956 rate")

# --- b -> u: Ball-Zwicky LCSR fits, F = r1/(1 - q^2/m1^2) + r2/(1 - q^2/m_fit^2) etc. -------------
_M_BSTAR = 5.32  # pole masses used by Ball & Zwicky [GeV]
_M_B = 5.28
B_TO_PI = ff.ShapePseudoscalar(
    V_CKM["u", "b"], ff.Poles(((0.744, _M_BSTAR, 1), (-0.486, 40.73**0.5, 1))),
    ff.Poles(((0.258, 33.81**0.5, 1),)), "Ball-Zwicky hep-ph/0406232 Table 8")
B_TO_RHO = ff.ShapeVector(
    V_CKM["u", "b"],
    ff.Poles(((1.045, _M_BSTAR, 1), (-0.721, 38.34**0.5, 1))),
    ff.Poles(((1.527, _M_B, 1), (-1.220, 33.36**0.5, 1))),
    ff.Poles(((0.240, 37.51**0.5, 1),)),
    ff.Poles(((0.009, 40.82**0.5, 1), (0.212, 40.82**0.5, 2))),
    "Ball-Zwicky hep-ph/0412079 Table 8")
# B_s -> K (b -> u, spectator s): the Ball-Zwicky B -> pi f+ and f0 shapes above (SU(3)), scaled by
# 0.8209 so that BR(B_s -> K- mu+ nu) = 1.06e-4 (LHCb, PRL 126 (2021) 081804, arXiv:2012.05143: (1.06 +-
# 0.05 +- 0.08) x 1e-4); the unscaled B -> pi form factors give 1.57e-4 (tests/physics/test_production_heavy.py)
_K_BSK = 0.8209
BS_TO_K = ff.ShapePseudoscalar(_K_BSK * V_CKM["u", "b"], B_TO_PI.fplus, B_TO_PI.fzero,
                               "Ball-Zwicky hep-ph/0406232 Table 8 shapes; LHCb arXiv:2012.05143 rate")
# B_s -> K*: BSZ arXiv:1503.05534, LCSR + lattice fit, central values a_0, a_1, a_2 (ancillary
# BsKstar_LCSR-Lattice.json, flav-io/flavio flavio/physics/data/arXiv-1503-05534v2, commit 2591f8c);
# poles m_R = 5.279 (A0: B), 5.324 (V: B*), 5.716 GeV (A1, A12: B_1) (their Table 3, b -> u)
BS_TO_KSTAR = ff.BSZVector(
    V_CKM["u", "b"],
    {"A0": (0.362963, -0.362957, 8.02781), "A1": (0.223059, 0.239792, 1.76787),
     "A12": (0.265392, 1.11596, 3.42926), "V": (0.278079, -0.819609, 5.07652)},
    (5.279, 5.324, 5.716), "Bharucha-Straub-Zwicky arXiv:1503.05534 (LCSR + lattice)")

# --- D_s -> P: single poles at the vector / scalar c s~ (c d~) states (f+: D_s*, D*; f0: D_s0*(2317),
# D0*(2300)), |V| f+(0) set so that BR(D_s+ -> P e+ nu) equals the PDG 2022 average (eta 2.26 %,
# eta' 0.80 %, K0 0.34 %); BESIII's own fits (PRL 122 (2019) 121801, 061801; other shapes) give
# |V_cs| f+(0) = 0.446 (eta), 0.477 (eta'), |V_cd| f+(0) = 0.159 (K0), 7-14 % lower.
DS_TO_ETA = ff.PseudoscalarFF(0.4810, "pole", MASS["D(s)*+"], 2.3178, 0.0, "PDG 2022 BR; pole shape")
DS_TO_ETAPRIME = ff.PseudoscalarFF(0.5513, "pole", MASS["D(s)*+"], 2.3178, 0.0, "PDG 2022 BR; pole shape")
DS_TO_K0 = ff.PseudoscalarFF(0.1720, "pole", MASS["D*(2010)+"], 2.343, 0.0, "PDG 2022 BR; pole shape")
# D_s -> phi: BaBar PRD 78 (2008) 051101: A1(0) = 0.607, r_V = 1.849, r_2 = 0.763, m_V = 2.1 GeV,
# m_A = 2.28 GeV
DS_TO_PHI = ff.VectorFF(0.607 * V_CKM["c", "s"], 1.849, 0.763, 2.1, 2.28, MASS["D(s)+"],
                        "BaBar PRD 78 (2008) 051101")
# D_s -> K*0: BESIII PRL 122 (2019) 061801: r_V = 1.67, r_2 = 0.77 (poles at D*+ and D1(2420));
# |V_cd| A1(0) = 0.1298 set so that BR(D_s+ -> K*0 e+ nu) = 2.15e-3 (PDG 2022); see tests.
DS_TO_KSTAR0 = ff.VectorFF(0.1298, 1.67, 0.77, MASS["D*(2010)+"], 2.421, MASS["D+"],
                           "BESIII PRL 122 (2019) 061801")


def _run(parent, isospin, *daughters):
    """Entries (parent, daughter, form factors, isospin, correction 1, lepton charge +)."""
    return [(parent, daughter, form, isospin, 1.0, "+") for daughter, form in daughters]


SEMILEPTONIC_HEAVY = [
    *_run("B+", 1.0, ("D~0", B_TO_D), ("D*(2007)~0", B_TO_DSTAR)),
    *_run("B0", 1.0, ("D-", B_TO_D), ("D*(2010)-", B_TO_DSTAR)),
    *_run("B(s)0", 1.0, ("D(s)-", B_TO_D), ("D(s)*-", B_TO_DSTAR)),
    *_run("B(s)0", 1.0, ("K-", BS_TO_K), ("K*(892)-", BS_TO_KSTAR)),
    *_run("B(c)+", 1.0, ("eta(c)(1S)", BC_TO_ETAC), ("J/psi(1S)", BC_TO_JPSI)),
    *_run("B+", 0.5, ("pi0", B_TO_PI), ("rho(770)0", B_TO_RHO)),  # pi0, rho0 = (u u~ - d d~)/sqrt2
    *_run("B0", 1.0, ("pi-", B_TO_PI), ("rho(770)-", B_TO_RHO)),
    *_run("D(s)+", 1.0, ("eta", DS_TO_ETA), ("eta'(958)", DS_TO_ETAPRIME), ("phi(1020)", DS_TO_PHI),
          ("K0", DS_TO_K0), ("K*(892)0", DS_TO_KSTAR0)),
]
