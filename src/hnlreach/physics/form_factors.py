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


@dataclass(frozen=True)
class PseudoscalarFF:
    """f+ and f0 for P -> P'; `norm` = |V_CKM| f+(0)."""

    norm: float
    kind: str  # "kl3" (PDG quadratic/linear expansion) or "pole" (modified pole for f+)
    a: float  # kl3: lambda'_+ ; pole: f+ pole mass [GeV]
    b: float  # kl3: lambda''_+ ; pole: f0 pole mass [GeV]
    c: float = 0.0  # kl3: lambda_0 ; pole: Becirevic-Kaidalov alpha
    source: str = ""

    def __call__(self, q2):
        """(|V| f+(q^2), |V| f0(q^2)) as arrays."""
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
class VectorFF:
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
