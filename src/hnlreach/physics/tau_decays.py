"""tau- -> N + hadrons for any m_N by crossing the measured tau hadronic mass spectra.

In tau- -> nu_tau H- the hadronic system H of invariant mass squared s couples through the V-A
current; for a spin-1 (vector or axial) H the lepton side gives (Tsai, PRD 4 (1971) 2821;
Braaten, Narison, Pich, NPB 373 (1992) 581)

    dGamma/ds = (G_F^2 |V|^2 m_tau^3 / 16 pi) v(s) K_1(s, 0),   K_1(s, 0) = (1 - x)^2 (1 + 2x),  x = s/m_tau^2.

Replacing nu_tau by a massive N changes only the lepton trace (tau -> N W*(s) with the hadronic
tensor -g + q q/s, derived in the test-suite; the narrow-resonance limit is Bondarenko et al.
arXiv:1805.08567 sec. 2.2 tau -> V N):

    K_1(s, y) = lambda^1/2(1, x, y) [(1 - y)^2 + x (1 + y) - 2 x^2],   y = m_N^2/m_tau^2,
    (spin 0: K_0 = lambda^1/2 [(1 - y)^2 - x (1 + y)]).

So Gamma(tau -> N H)/|U_tau|^2 = BR(tau -> nu H) Gamma_tau int rho_H(s) K_1(s, y) ds / int rho_H K_1(s, 0) ds
over s < (m_tau - m_N)^2, where rho_H(s) is the measured mass shape of class H (its spectral
function) and BR(tau -> nu H) its PDG 2022 branching fraction; the CKM element and the hadronic
normalisation cancel.  The spin-0 parts of multi-hadron states (scalar K pi, pi(1300)) are a few
per cent of their class and are neglected (they use the same normalisation).

Line shapes (each normalised, so only its s-dependence matters):
  pi- pi0           Kuhn-Santamaria pion form factor (rho(770) + rho(1450), beta = -0.145, p-wave
                    energy-dependent widths), Z. Phys. C 48 (1990) 445, times the p-wave factor beta_pi^3
  3 pi              Kuhn-Santamaria a1(1260) (m = 1.251, Gamma = 0.599 GeV) with the running width
                    g(s) of their eq. (3.16): |BW_a1|^2 g(s)/s
  K pi              K*(892)- p-wave Breit-Wigner (PDG mass and width) times (2 p*/sqrt s)^3
  K K0              rho(1450) p-wave tail times (2 p*/sqrt s)^3
  n >= 3 hadrons    resonance Breit-Wigner |BW|^2 times the n-body phase space, interpolated between its
                    non-relativistic threshold form (sqrt s - sum m)^{(3n-5)/2} and its massless form s^{n-2}:
                    s^{n-2} (1 - sqrt(s_th/s))^{(3n-5)/2}; resonances: 4 pi, eta pi pi: rho(1450);
                    5 pi: a1(1640); K K pi: a1(1260); K pi pi: K1(1270) + K1(1400) (incoherent, equal).
tau- -> pi- N and K- N (spin 0, delta-function spectra) and the leptonic modes are in
`hnlreach.physics.production` (1805.08567 sec. 2.2).  With them, sum_X BR(tau -> N X)/|U_tau|^2 =
0.995 at m_N -> 0 (the PDG classes below plus the computed pi, K, e, mu modes).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from hnlreach.physics.constants import MASS, kallen
from hnlreach.physics.kinematics import endpoint_nodes

M_TAU = MASS["tau-"]
N_NODES = 160  # Gauss-Legendre nodes of the s integrals (here and in `decays_crossed`)


def _p_star(s, m1, m2):
    """Momentum of either daughter in the rest frame of mass sqrt(s) -> m1 m2."""
    return np.sqrt(np.clip(kallen(s, m1 * m1, m2 * m2), 0.0, None)) / (2.0 * np.sqrt(s))


def _bw_pwave(s, mass, width, m1, m2):
    """Breit-Wigner M^2/(M^2 - s - i sqrt(s) Gamma(s)), Gamma(s) = Gamma (M/sqrt s)(p*(s)/p*(M^2))^3
    (p-wave energy-dependent width, Kuhn-Santamaria 1990 eq. (3.7))."""
    p_ratio = _p_star(s, m1, m2) / _p_star(mass * mass, m1, m2)
    g = width * (mass / np.sqrt(s)) * p_ratio**3
    return mass * mass / (mass * mass - s - 1j * np.sqrt(s) * g)


def _bw_fixed(s, mass, width):
    """Fixed-width relativistic Breit-Wigner M^2/(M^2 - s - i M Gamma)."""
    return mass * mass / (mass * mass - s - 1j * mass * width)


M_PI, M_PI0, M_K, M_K0, M_ETA = MASS["pi+"], MASS["pi0"], MASS["K+"], MASS["K0"], MASS["eta"]


# --- line shapes ---------------------------------------------------------------------------------
KS_RHO = (0.773, 0.145)       # Kuhn-Santamaria Z. Phys. C 48 (1990) 445, Table 1
KS_RHO_PRIME = (1.370, 0.510)
KS_BETA = -0.145
KS_A1 = (1.251, 0.599)


def pion_form_factor_ks(s):
    """F_pi(s) of Kuhn-Santamaria (1990) eq. (3.6): [BW_rho + beta BW_rho'] / (1 + beta)."""
    bw1 = _bw_pwave(s, *KS_RHO, M_PI, M_PI0)
    bw2 = _bw_pwave(s, *KS_RHO_PRIME, M_PI, M_PI0)
    return (bw1 + KS_BETA * bw2) / (1.0 + KS_BETA)


def shape_two_pion(s):
    """tau -> pi pi0 nu vector spectral function shape beta^3 |F_pi|^2 (v(s) = beta^3 |F|^2 / 12)."""
    beta = 2.0 * _p_star(s, M_PI, M_PI0) / np.sqrt(s)
    return beta**3 * np.abs(pion_form_factor_ks(s)) ** 2


def a1_running_width_g(s, s_threshold: float = 9.0 * M_PI**2):
    """g(s) of Kuhn-Santamaria (1990) eq. (3.16): the a1 -> rho pi -> 3 pi phase-space integral
    (below s_b = (m_rho + m_pi)^2 their threshold expansion in s - 9 m_pi^2, here in s - s_threshold
    so that pi- pi0 pi0 opens at its own threshold, and scaled to join the high branch continuously
    at s_b -- the published pieces differ by 5 % there; a jump would make the widths kink)."""
    s = np.asarray(s, dtype=float)
    s_b = (KS_RHO[0] + M_PI) ** 2

    def low(t):
        x = t - s_threshold
        return 4.1 * x**3 * (1.0 - 3.3 * x + 5.8 * x * x)

    def high(t):
        return 1.623 * t + 10.38 - 9.32 / t + 0.65 / (t * t)

    return np.where(s > s_b, high(s), np.clip(low(s), 0.0, None) * high(s_b) / low(s_b))


def shape_three_pion(s, a1=KS_A1, s_threshold: float = 9.0 * M_PI**2):
    """3 pi axial spectral shape |BW_a1|^2 g(s)/s, Gamma_a1(s) = Gamma g(s)/g(m^2) (KS 1990)."""
    m, w = a1
    g = a1_running_width_g(s, s_threshold)
    width = w * g / a1_running_width_g(m * m, s_threshold)
    bw = m * m / (m * m - s - 1j * m * width)
    return np.abs(bw) ** 2 * g / s


def _three_pion(masses, a1=KS_A1):
    th = sum(masses) ** 2
    return lambda s: shape_three_pion(s, a1, th)


def _two_body_pwave(resonance, m1, m2, pwave_width=True):
    mass, width = resonance

    def shape(s):
        bw = _bw_pwave(s, mass, width, m1, m2) if pwave_width else _bw_fixed(s, mass, width)
        return (2.0 * _p_star(s, m1, m2) / np.sqrt(s)) ** 3 * np.abs(bw) ** 2
    return shape


def _multi_body(resonances, masses):
    """|BW|^2 (incoherent sum, equal weights) times the interpolated n-body phase space."""
    n = len(masses)
    root_th = sum(masses)

    def shape(s):
        ps = s ** (n - 2) * np.clip(1.0 - root_th / np.sqrt(s), 0.0, None) ** (1.5 * n - 2.5)
        bw = sum(np.abs(_bw_fixed(s, m, w)) ** 2 for m, w in resonances) / len(resonances)
        return ps * bw
    return shape


# PDG 2022 resonance parameters [GeV]
K_STAR_CH = (0.89167, 0.0514)
RHO_1450 = (1.465, 0.400)
A1_1260 = (1.230, 0.420)
A1_1640 = (1.655, 0.254)
K1_1270 = (1.253, 0.090)
K1_1400 = (1.403, 0.174)


@dataclass(frozen=True)
class TauHadronicClass:
    """One hadronic final state H of tau- -> nu_tau H: products (names), PDG 2022 BR(tau- -> nu H),
    the current (V or A; strange or not: for the documentation) and the line shape rho_H(s)."""

    products: tuple[str, ...]
    br_pdg: float
    current: str
    shape: object
    note: str = ""

    @property
    def name(self) -> str:
        return f"tau- -> {' '.join(self.products)} N"

    @property
    def s_threshold(self) -> float:
        return sum(MASS[p] for p in self.products) ** 2


# PDG 2022 (R.L. Workman et al., PTEP 2022, 083C01) tau- branching fractions ("ex K0": K0 -> pi pi
# counted in the K0 modes).  Sum 52.6 %; with pi, K, e, mu computed: 99.5 %.
TAU_HADRONIC_CLASSES = (
    TauHadronicClass(("pi-", "pi0"), 0.2549, "V", shape_two_pion, "rho(770) KS form factor"),
    TauHadronicClass(("pi-", "pi-", "pi+"), 0.0902, "A", _three_pion([M_PI] * 3), "ex K0; a1(1260) KS"),
    TauHadronicClass(("pi-", "pi0", "pi0"), 0.0926, "A", _three_pion([M_PI, M_PI0, M_PI0]), "ex K0; a1(1260) KS"),
    TauHadronicClass(("pi-", "pi-", "pi+", "pi0"), 0.0449, "V",
                     _multi_body([RHO_1450], [M_PI, M_PI, M_PI, M_PI0]), "ex K0, incl. omega pi"),
    TauHadronicClass(("pi-", "pi0", "pi0", "pi0"), 0.0104, "V",
                     _multi_body([RHO_1450], [M_PI, M_PI0, M_PI0, M_PI0]), "ex K0"),
    TauHadronicClass(("pi-", "pi-", "pi+", "pi0", "pi0"), 0.0050, "A",
                     _multi_body([A1_1640], [M_PI, M_PI, M_PI, M_PI0, M_PI0]), "ex K0"),
    TauHadronicClass(("pi-", "pi-", "pi-", "pi+", "pi+"), 0.00082, "A",
                     _multi_body([A1_1640], [M_PI] * 5), "3h- 2h+ ex K0"),
    TauHadronicClass(("eta", "pi-", "pi0"), 0.00139, "V",
                     _multi_body([RHO_1450], [M_ETA, M_PI, M_PI0]), ""),
    TauHadronicClass(("K-", "K0"), 0.00148, "V", _two_body_pwave(RHO_1450, M_K, M_K0, False), ""),
    TauHadronicClass(("K-", "K+", "pi-"), 0.00144, "A", _multi_body([A1_1260], [M_K, M_K, M_PI]), ""),
    TauHadronicClass(("K-", "K0", "pi0"), 0.00150, "A", _multi_body([A1_1260], [M_K, M_K0, M_PI0]), ""),
    TauHadronicClass(("K0", "K~0", "pi-"), 0.00155, "A", _multi_body([A1_1260], [M_K0, M_K0, M_PI]), ""),
    TauHadronicClass(("K-", "pi0"), 0.00433, "V(s)", _two_body_pwave(K_STAR_CH, M_K, M_PI0), "K*(892)"),
    TauHadronicClass(("K~0", "pi-"), 0.00838, "V(s)", _two_body_pwave(K_STAR_CH, M_K0, M_PI), "K*(892)"),
    TauHadronicClass(("K-", "pi-", "pi+"), 0.00293, "A(s)",
                     _multi_body([K1_1270, K1_1400], [M_K, M_PI, M_PI]), "ex K0"),
    TauHadronicClass(("K-", "pi0", "pi0"), 0.00065, "A(s)",
                     _multi_body([K1_1270, K1_1400], [M_K, M_PI0, M_PI0]), "ex K0"),
    TauHadronicClass(("K~0", "pi-", "pi0"), 0.00382, "A(s)",
                     _multi_body([K1_1270, K1_1400], [M_K0, M_PI, M_PI0]), ""),
)
CLASSES_BY_NAME = {c.name: c for c in TAU_HADRONIC_CLASSES}


# --- crossing ------------------------------------------------------------------------------------
def kinematic_factor_spin1(s, mass, parent_mass: float = M_TAU):
    """K_1(s, m_N) = lambda^1/2(1, x, y)[(1 - y)^2 + x(1 + y) - 2 x^2] (module docstring), x = s/M^2 and
    y = m_N^2/M^2 for parent mass M (tau; `decays_crossed` uses it with M = m_N and the lepton as recoil)."""
    parent_mass = np.asarray(parent_mass, dtype=float)
    x = np.asarray(s, dtype=float) / parent_mass**2
    y = (np.asarray(mass, dtype=float) / parent_mass) ** 2
    lam = np.sqrt(np.clip(kallen(1.0, x, y), 0.0, None))
    return lam * np.clip((1.0 - y) ** 2 + x * (1.0 + y) - 2.0 * x * x, 0.0, None)


def kinematic_factor_spin0(s, mass):
    """K_0(s, m_N) = lambda^1/2(1, x, y)[(1 - y)^2 - x(1 + y)] (module docstring)."""
    x = np.asarray(s, dtype=float) / M_TAU**2
    y = (np.asarray(mass, dtype=float) / M_TAU) ** 2
    lam = np.sqrt(np.clip(kallen(1.0, x, y), 0.0, None))
    return lam * np.clip((1.0 - y) ** 2 - x * (1.0 + y), 0.0, None)


def crossed_integral(shape, s_threshold: float, mass):
    """int_{s_th}^{(m_tau - m_N)^2} rho(s) K_1(s, m_N) ds, vectorised over mass (0 when closed)."""
    mass = np.asarray(mass, dtype=float)
    hi = (M_TAU - mass) ** 2
    open_ = hi > s_threshold
    s, w = endpoint_nodes(np.full_like(hi, s_threshold), np.where(open_, hi, s_threshold * 1.0001), N_NODES)
    val = np.sum(shape(s) * kinematic_factor_spin1(s, mass[..., None]) * w, axis=-1)
    return np.where(open_, val, 0.0)


@lru_cache(maxsize=None)
def _massless_integral(name: str) -> float:
    c = CLASSES_BY_NAME[name]
    return float(crossed_integral(c.shape, c.s_threshold, 0.0))


def suppression(name: str, mass):
    """Gamma(tau -> N H)/(|U_tau|^2 Gamma(tau -> nu H)) for hadronic class `name` (vectorised)."""
    c = CLASSES_BY_NAME[name]
    return crossed_integral(c.shape, c.s_threshold, mass) / _massless_integral(name)


def width(name: str, mass, tau_width: float):
    """Gamma(tau- -> H N)/|U_tau|^2 [GeV] = BR_PDG(tau -> nu H) Gamma_tau x suppression."""
    return CLASSES_BY_NAME[name].br_pdg * tau_width * suppression(name, mass)


def sample_s(name: str, mass: float, n: int, rng) -> np.ndarray:
    """n values of the hadronic mass squared s from rho_H(s) K_1(s, m_N) (inverse CDF on a fine grid)."""
    c = CLASSES_BY_NAME[name]
    return sample_inverse_cdf(lambda s: c.shape(s) * kinematic_factor_spin1(s, mass),
                              c.s_threshold, (M_TAU - mass) ** 2, n, rng)


def sample_inverse_cdf(pdf, lo: float, hi: float, n: int, rng) -> np.ndarray:
    """n values of s in [lo, hi] from pdf(s): trapezoid CDF on a 4001-point grid dense at both ends."""
    grid = lo + (hi - lo) * 0.5 * (1.0 - np.cos(np.linspace(0.0, math.pi, 4001)))
    p = pdf(grid)
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (p[1:] + p[:-1]) * np.diff(grid))])
    return np.interp(rng.uniform(size=n) * cdf[-1], cdf, grid)
