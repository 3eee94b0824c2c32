"""Parents decaying at rest: stopped mesons in a beam dump or hadron absorber (e.g. K+ stopping in the
NuMI absorber, seen by MicroBooNE from 100 m at a large angle; J. Spitz, PRD 85 (2012) 093020 for the
kaon decay-at-rest source).

A stopped K+ (or pi+) decays isotropically at rest, so a two-body decay P -> l N gives a
monoenergetic HNL, |p_N| = lambda^(1/2)(m_P^2, m_l^2, m_N^2) / (2 m_P) (PDG Kinematics eq. 49.17),
and three-body decays a fixed spectrum; the engine samples both from the production matrix elements
(sources.meson_decays) boosted by a zero velocity.  The stop rate is the source's yield_per_pot (the
number of parents decaying at rest per POT, a physical input the preset cites).

The decay points are the site (a point source) or, with `half_size_m`, uniform in a box around it (an
extended absorber: the spread of distances to a detector is then part of the sample).
[[sources]] ... spectrum = { kind = "at_rest", half_size_m = [hx, hy, hz] }
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics.kinematics import as_generator


@dataclass(frozen=True)
class AtRestSpectrum:
    """Parents of mass `mass` [GeV] at rest; decay points uniform in a box of half sizes half_size_m
    [m] around the site (zeros: at the site)."""

    mass: float
    half_size_m: tuple = (0.0, 0.0, 0.0)

    def __post_init__(self):
        h = np.asarray(self.half_size_m, dtype=float)
        if not (self.mass > 0 and h.shape == (3,) and np.all(np.isfinite(h)) and np.all(h >= 0)):
            raise HNLInputError(f"at-rest source needs a positive parent mass and three half sizes >= 0 [m], "
                                f"got mass {self.mass}, half_size_m {self.half_size_m}")

    def sample(self, n: int, rng=None) -> np.ndarray:
        """n four-momenta (m, 0, 0, 0)."""
        out = np.zeros((int(n), 4))
        out[:, 0] = self.mass
        return out

    def points(self, site, n: int, rng=None) -> np.ndarray:
        """Decay points (n, 3) around the site position."""
        h = np.asarray(self.half_size_m, dtype=float)
        site = np.asarray(site, dtype=float)
        if not np.any(h > 0):
            return np.broadcast_to(site, (int(n), 3))
        return site + as_generator(rng).uniform(-1.0, 1.0, (int(n), 3)) * h


def two_body_momentum(m_parent: float, m1: float, m2: float) -> float:
    """|p| of either daughter of a two-body decay at rest (PDG Kinematics eq. 49.17)."""
    a, b, c = m_parent ** 2, m1 ** 2, m2 ** 2
    lam = a * a + b * b + c * c - 2.0 * (a * b + a * c + b * c)
    return float(np.sqrt(max(lam, 0.0)) / (2.0 * m_parent))
