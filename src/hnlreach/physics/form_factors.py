"""Hadronic form factors of semileptonic meson decays P -> P' l nu and P -> V l nu.

Conventions (Richman & Burchat, Rev. Mod. Phys. 67 (1995) 893, eqs. (47)-(53)):
  <P'(k)| V^mu |P(p)> = f+(q^2) [(p+k)^mu - (M^2-m^2)/q^2 q^mu] + f0(q^2) (M^2-m^2)/q^2 q^mu,
  <V(k,eps)| V^mu - A^mu |P(p)> in terms of V, A0, A1, A2 (Wirbel-Stech-Bauer).
Each entry carries the product |V_CKM| f(0) (the measured quantity) and the q^2 shape;
the helicity amplitudes built from them are in `hnlreach.physics.production`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hnlreach.physics.constants import MASS

M_PI_CH = MASS["pi+"]


class PseudoscalarFormFactors:
    """P -> P' form factors: form(q2, M, m) -> (|V| f+(q^2), |V| f0(q^2)) for parent mass M and
    daughter mass m (subclasses)."""


class VectorFormFactors:
    """P -> V form factors: form(q2, M, m) -> (|V| V, |V| A0, |V| A1, |V| A2) (subclasses)."""


@dataclass(frozen=True)
class PseudoscalarFF(PseudoscalarFormFactors):
    """f+ and f0 for P -> P'; `norm` = |V_CKM| f+(0)."""

    norm: float
    kind: str  # "kl3" (PDG quadratic/linear expansion) or "pole" (modified pole for f+)
    a: float  # kl3: lambda'_+ ; pole: f+ pole mass [GeV]
    b: float  # kl3: lambda''_+ ; pole: f0 pole mass [GeV]
    c: float = 0.0  # kl3: lambda_0 ; pole: Becirevic-Kaidalov alpha
    source: str = ""

    def __call__(self, q2, M=None, m=None):
        """(|V| f+(q^2), |V| f0(q^2)) as arrays (M, m unused: the shape is in q^2 alone)."""
        q2 = np.asarray(q2, dtype=float)
        if self.kind == "kl3":
            t = q2 / M_PI_CH**2  # PDG expansion variable t/m_pi+^2
            fp = 1.0 + self.a * t + 0.5 * self.b * t * t
            f0 = 1.0 + self.c * t
        else:
            # Becirevic-Kaidalov modified pole, hep-ph/9904490 eq. (9): 1/[(1-x)(1-alpha x)]
            x = q2 / self.a**2
            fp = 1.0 / ((1.0 - x) * (1.0 - self.c * x))
            f0 = 1.0 / (1.0 - q2 / self.b**2)
        return self.norm * fp, self.norm * f0


@dataclass(frozen=True)
class VectorFF(VectorFormFactors):
    """V, A0, A1, A2 for P -> V as single poles; `norm` = |V_CKM| A1(0), ratios r_V = V(0)/A1(0),
    r_2 = A2(0)/A1(0); A0(0) from the q^2 = 0 constraint A0(0) = [(M+m)A1(0) - (M-m)A2(0)]/(2m)."""

    norm: float
    r_v: float
    r_2: float
    pole_vector: float
    pole_axial: float
    pole_pseudoscalar: float
    source: str = ""

    def __call__(self, q2, M, m):
        """(|V| V, |V| A0, |V| A1, |V| A2) at q^2 for parent mass M and vector mass m."""
        q2 = np.asarray(q2, dtype=float)
        a1_0 = self.norm
        a2_0 = self.r_2 * a1_0
        v_0 = self.r_v * a1_0
        a0_0 = ((M + m) * a1_0 - (M - m) * a2_0) / (2.0 * m)
        pa = 1.0 / (1.0 - q2 / self.pole_axial**2)
        return (v_0 / (1.0 - q2 / self.pole_vector**2), a0_0 / (1.0 - q2 / self.pole_pseudoscalar**2),
                a1_0 * pa, a2_0 * pa)


# K0 -> pi-: |V_us| f+(0) = 0.21654 (Moulson, arXiv:1704.04104, eq. 4); shapes: PDG 2022 K_L
# listings, K_l3 form factors (quadratic fit lambda'_+ = 24.82e-3, lambda''_+ = 1.64e-3;
# K_mu3 linear lambda_0 = 13.38e-3).
KL3 = PseudoscalarFF(0.21654, "kl3", 24.82e-3, 1.64e-3, 13.38e-3,
                     "Moulson 1704.04104; PDG 2022 K_l3 form-factor fits")

# D -> K: |V_cs| f+(0) = 0.7180 (HFLAV 2019, arXiv:1909.12524, sec. 7.3); D -> pi:
# |V_cd| f+(0) = 0.1436 (PDG 2022 average, D0 -> pi- l+ nu). f+: modified pole at D_s* / D*
# with alpha = 0.30 (K), 0.21 (pi) from CLEO-c, PRD 80 (2009) 032005; f0: single pole at the
# lowest scalar resonance D_s0*(2317) / D0*(2300) (Richman-Burchat eq. (55)).
D_TO_K = PseudoscalarFF(0.7180, "pole", MASS["D(s)*+"], 2.3178, 0.30,
                        source="HFLAV 2019; CLEO-c 2009 modified pole")
D_TO_PI = PseudoscalarFF(0.1436, "pole", MASS["D*(2010)+"], 2.343, 0.21,
                         source="PDG 2022; CLEO-c 2009 modified pole")

# D -> K*: BESIII, PRD 94 (2016) 032001 (D+ -> K- pi+ e+ nu): r_V = 1.411, r_2 = 0.788 with
# poles m_V = 2.1 GeV, m_A = 2.5 GeV; A1(0) = 0.573 (same paper) times |V_cs| = 0.975.
D_TO_KSTAR = VectorFF(0.573 * 0.975, 1.411, 0.788, 2.1, 2.5, MASS["D(s)+"],
                      "BESIII PRD 94 (2016) 032001")


# --- heavy-meson form factors (B, B_s, B_c, D_s) ----------------------------------------------
def _recoil(q2, M, m):
    """w = v.v' = (M^2 + m^2 - q^2) / (2 M m), the CLN conformal variable
    z = (sqrt(w+1) - sqrt2)/(sqrt(w+1) + sqrt2) (Caprini, Lellouch, Neubert, hep-ph/9712417) and
    r = 2 sqrt(M m)/(M + m)."""
    w = (M * M + m * m - np.asarray(q2, dtype=float)) / (2.0 * M * m)
    a = np.sqrt(w + 1.0)
    return w, (a - np.sqrt(2.0)) / (a + np.sqrt(2.0)), 2.0 * np.sqrt(M * m) / (M + m)


def _cln_slope(z, rho2, c2, d2, c3, d3):
    """CLN shape 1 - 8 rho^2 z + (c2 rho^2 - d2) z^2 - (c3 rho^2 - d3) z^3 (hep-ph/9712417)."""
    return 1.0 - 8.0 * rho2 * z + (c2 * rho2 - d2) * z * z - (c3 * rho2 - d3) * z**3


@dataclass(frozen=True)
class CLNPseudoscalar(PseudoscalarFormFactors):
    """B -> D in the CLN parametrisation (hep-ph/9712417): V1(w) = V1(1)[1 - 8 rho^2 z +
    (51 rho^2 - 10) z^2 - (252 rho^2 - 84) z^3], the scalar S1(w) = V1(w) 1.0036 [1 - 0.0068 (w-1)
    + 0.0017 (w-1)^2 - 0.0013 (w-1)^3] (CLN, as used by Fajfer, Kamenik, Nisandzic arXiv:1203.2654
    sec. 2); f+ = V1 / r, f0 = r (w+1)/2 S1 with r = 2 sqrt(M m)/(M + m).  `norm` = eta_EW |V_cb| V1(1)."""

    norm: float
    rho2: float
    source: str = ""

    def __call__(self, q2, M, m):
        w, z, rr = _recoil(q2, M, m)
        v1 = self.norm * _cln_slope(z, self.rho2, 51.0, 10.0, 252.0, 84.0)
        s1 = v1 * 1.0036 * np.polynomial.polynomial.polyval(w - 1.0, (1.0, -0.0068, 0.0017, -0.0013))
        return v1 / rr, rr * 0.5 * (w + 1.0) * s1


@dataclass(frozen=True)
class CLNVector(VectorFormFactors):
    """B -> D* in the CLN parametrisation (hep-ph/9712417): h_A1(w) = h_A1(1)[1 - 8 rho^2 z +
    (53 rho^2 - 15) z^2 - (231 rho^2 - 91) z^3], R1(w) = R1(1) - 0.12 (w-1) + 0.05 (w-1)^2,
    R2(w) = R2(1) + 0.11 (w-1) - 0.06 (w-1)^2, R0(w) = R0(1) - 0.11 (w-1) + 0.01 (w-1)^2;
    A1 = (w+1)/2 r h_A1, V = R1 h_A1 / r, A2 = R2 h_A1 / r, A0 = R0 h_A1 / r, r = 2 sqrt(Mm)/(M+m)
    (Fajfer, Kamenik, Nisandzic arXiv:1203.2654 eqs. (6)-(9)).  `norm` = eta_EW |V_cb| h_A1(1)."""

    norm: float
    rho2: float
    r1: float
    r2: float
    r0: float
    source: str = ""

    def __call__(self, q2, M, m):
        w, z, rr = _recoil(q2, M, m)
        ha1 = self.norm * _cln_slope(z, self.rho2, 53.0, 15.0, 231.0, 91.0)
        v, a2, a0 = (np.polynomial.polynomial.polyval(w - 1.0, coeffs) * ha1 / rr for coeffs in (
            (self.r1, -0.12, 0.05), (self.r2, 0.11, -0.06), (self.r0, -0.11, 0.01)))
        return v, a0, 0.5 * (w + 1.0) * rr * ha1, a2


@dataclass(frozen=True)
class Poles:
    """One form factor as a sum of poles: sum_k c_k / (1 - q^2/m_k^2)^n_k; terms = ((c, m, n), ...)."""

    terms: tuple

    def __call__(self, q2):
        q2 = np.asarray(q2, dtype=float)
        return sum(c / (1.0 - q2 / (m * m)) ** n for c, m, n in self.terms)


@dataclass(frozen=True)
class QuadraticPole:
    """One form factor f(0) / (1 - x - delta x^2), x = q^2 / M_fit^2 (the B_c form-factor fits
    tabulated in arXiv:1805.08567 appendix C)."""

    f0: float
    mass: float
    delta: float

    def __call__(self, q2):
        x = np.asarray(q2, dtype=float) / self.mass**2
        return self.f0 / (1.0 - x - self.delta * x * x)


@dataclass(frozen=True)
class ShapePseudoscalar(PseudoscalarFormFactors):
    """f+ and f0 from shape functions of q^2, times `ckm` = |V_CKM|."""

    ckm: float
    fplus: object
    fzero: object
    source: str = ""

    def __call__(self, q2, M=None, m=None):
        return self.ckm * self.fplus(q2), self.ckm * self.fzero(q2)


@dataclass(frozen=True)
class ShapeVector(VectorFormFactors):
    """V, A0, A1, A2 from shape functions of q^2, times `ckm` = |V_CKM|."""

    ckm: float
    v: object
    a0: object
    a1: object
    a2: object
    source: str = ""

    def __call__(self, q2, M=None, m=None):
        return tuple(self.ckm * f(q2) for f in (self.v, self.a0, self.a1, self.a2))


def _bsz_z(q2, M, m):
    """BSZ conformal variable z(q^2) = (sqrt(t+ - q^2) - sqrt(t+ - t0)) / (sqrt(t+ - q^2) + sqrt(t+ - t0)),
    t+- = (M +- m)^2, t0 = t+ (1 - sqrt(1 - t-/t+)) (Bharucha, Straub, Zwicky arXiv:1503.05534 sec. 3.2)."""
    tp, tm = (M + m) ** 2, (M - m) ** 2
    t0 = tp * (1.0 - np.sqrt(1.0 - tm / tp))
    a, b = np.sqrt(np.clip(tp - np.asarray(q2, dtype=float), 0.0, None)), np.sqrt(tp - t0)
    return (a - b) / (a + b)


@dataclass(frozen=True)
class BSZVector(VectorFormFactors):
    """P -> V in the BSZ parametrisation (arXiv:1503.05534 sec. 3.2): F(q^2) = [1 - q^2/m_R^2]^-1
    sum_k a_k [z(q^2) - z(0)]^k for F = V, A0, A1, A12; coeffs = {"V": (a0, a1, a2), ...}; poles =
    (m_R of A0, of V, of A1 and A12).  a0 of A12 from A0(0) (the q^2 = 0 relation, their eq. (16)),
    A2 from A12 (A12 = [(M+m)^2 (M^2-m^2-q^2) A1 - lambda A2] / [16 M m^2 (M+m)], their sec. 2).
    `ckm` multiplies every form factor."""

    ckm: float
    coeffs: dict
    poles: tuple
    source: str = ""

    def _series(self, name, q2, dz, a0=None):
        a = list(self.coeffs[name])
        if a0 is not None:
            a[0] = a0
        pole = self.poles[{"A0": 0, "V": 1, "A1": 2, "A12": 2}[name]]
        return sum(c * dz**k for k, c in enumerate(a)) / (1.0 - q2 / pole**2)

    def __call__(self, q2, M, m):
        q2 = np.asarray(q2, dtype=float)
        dz = _bsz_z(q2, M, m) - _bsz_z(0.0, M, m)
        v, a0, a1 = (self._series(f, q2, dz) for f in ("V", "A0", "A1"))
        a12 = self._series("A12", q2, dz, self.coeffs["A0"][0] * (M * M - m * m) / (8.0 * M * m))
        lam = (M * M - m * m - q2) ** 2 - 4.0 * m * m * q2  # Kallen lambda(M^2, m^2, q^2)
        num = (M + m) ** 2 * (M * M - m * m - q2) * a1 - 16.0 * M * m * m * (M + m) * a12
        a2 = np.where(lam > 1e-9, num / np.where(lam > 1e-9, lam, 1.0), 0.0)  # enters H_0 as lambda A2
        return tuple(self.ckm * f for f in (v, a0, a1, a2))
