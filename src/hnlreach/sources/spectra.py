"""Parent-particle spectra at a production site: parametrisations and tables.

Every spectrum samples lab-frame four-momenta (n, 4) of the parent (beam along +z) and, for
quadrature cross-checks, exposes its normalised density in its own variables.

``XfPt2Spectrum``: d^2 sigma / dx_F dp_T^2 ∝ (1 - |x_F|)^n exp(-b p_T^2), the standard
parametrisation of open-charm hadro-production at fixed target (E769, E653, NA27; compiled
in C. Lourenço and H.K. Wöhri, Phys. Rept. 433 (2006) 127, hep-ph/0609101, sec. 6), with
x_F = 2 p_L* / sqrt(s) in the nucleon-nucleon centre-of-mass frame.

``TabulatedSpectrum``: a 2D histogram in (p, theta) of parent momenta, sampled piecewise
uniformly inside the bins (tables shipped in experiments/data with their provenance).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics.constants import M_PROTON
from hnlreach.physics.kinematics import as_generator


def _four_momenta(p, cos_t, phi, mass):
    sin_t = np.sqrt(np.clip(1.0 - cos_t * cos_t, 0.0, None))
    out = np.empty((np.size(p), 4))
    out[:, 0] = np.sqrt(p * p + mass * mass)
    out[:, 1] = p * sin_t * np.cos(phi)
    out[:, 2] = p * sin_t * np.sin(phi)
    out[:, 3] = p * cos_t
    return out


@dataclass(frozen=True)
class XfPt2Spectrum:
    """(1 - |x_F|)^n exp(-b p_T^2) for a hadron of mass ``mass`` [GeV] from a beam of energy
    ``beam_energy`` [GeV] on nucleons at rest; b in GeV^-2."""

    mass: float
    beam_energy: float
    n: float = 6.0
    b: float = 1.0
    beam_mass: float = M_PROTON

    def __post_init__(self):
        if not (self.mass > 0 and self.beam_energy > self.beam_mass and self.n > -1 and self.b > 0):
            raise HNLInputError(f"invalid x_F-p_T^2 spectrum parameters {self}")

    @property
    def sqrt_s(self) -> float:
        return math.sqrt(2.0 * self.beam_mass ** 2 + 2.0 * self.beam_energy * self.beam_mass)

    def density(self, xf, pt2):
        """Normalised density in (x_F, p_T^2) on [-1, 1] x [0, inf)."""
        xf = np.asarray(xf, dtype=float)
        return 0.5 * (self.n + 1.0) * np.clip(1.0 - np.abs(xf), 0.0, None) ** self.n \
            * self.b * np.exp(-self.b * np.asarray(pt2, dtype=float))

    def to_lab(self, xf, pt2, phi):
        """Lab four-momenta (n, 4) for CM-frame x_F, p_T^2 and azimuth phi."""
        xf, pt2, phi = (np.asarray(a, dtype=float) for a in np.broadcast_arrays(xf, pt2, phi))
        rs = self.sqrt_s
        pl = 0.5 * xf * rs
        e_cm = np.sqrt(self.mass ** 2 + pt2 + pl * pl)
        p_beam = math.sqrt(self.beam_energy ** 2 - self.beam_mass ** 2)
        gamma, betagamma = (self.beam_energy + self.beam_mass) / rs, p_beam / rs
        pt = np.sqrt(pt2)
        out = np.empty(xf.shape + (4,))
        out[..., 0] = gamma * e_cm + betagamma * pl
        out[..., 1] = pt * np.cos(phi)
        out[..., 2] = pt * np.sin(phi)
        out[..., 3] = gamma * pl + betagamma * e_cm
        return out

    def sample(self, n: int, rng=None) -> np.ndarray:
        """n lab four-momenta: |x_F| = 1 - U^(1/(n+1)) with a random sign, p_T^2 exponential."""
        rng = as_generator(rng)
        xf = (1.0 - rng.uniform(size=n) ** (1.0 / (self.n + 1.0))) * rng.choice([-1.0, 1.0], n)
        pt2 = rng.exponential(1.0 / self.b, n)
        return self.to_lab(xf, pt2, rng.uniform(0.0, 2.0 * np.pi, n))


@dataclass(frozen=True)
class TabulatedSpectrum:
    """Histogram of parent momenta: counts (n_p, n_theta) on p_edges [GeV] x theta_edges [rad]."""

    mass: float
    p_edges: np.ndarray
    theta_edges: np.ndarray
    counts: np.ndarray

    def __post_init__(self):
        pe, te, c = (np.asarray(a, dtype=float) for a in (self.p_edges, self.theta_edges, self.counts))
        if c.shape != (pe.size - 1, te.size - 1) or np.any(np.diff(pe) <= 0) or np.any(np.diff(te) <= 0):
            raise HNLInputError("spectrum table: counts must be (n_p, n_theta) on increasing edges")
        if not np.all(np.isfinite(c)) or np.any(c < 0) or c.sum() <= 0 or pe[0] < 0 or te[0] < 0 or te[-1] > np.pi:
            raise HNLInputError("spectrum table: counts must be >= 0 with positive sum, p >= 0, "
                                "0 <= theta <= pi")
        object.__setattr__(self, "p_edges", pe)
        object.__setattr__(self, "theta_edges", te)
        object.__setattr__(self, "counts", c)

    @classmethod
    def from_csv(cls, path: str | Path, mass: float) -> TabulatedSpectrum:
        """CSV with header p_lo,p_hi,theta_lo,theta_hi,weight (one row per non-empty bin)."""
        try:
            with open(path) as fh:
                rows = [ln for ln in fh if ln.strip() and not ln.lstrip().startswith("#")]
            if rows and rows[0].lstrip().startswith("p_lo"):
                rows = rows[1:]  # header line (after any '#' provenance lines)
            a = np.loadtxt(rows, delimiter=",", ndmin=2)
        except (OSError, ValueError) as exc:
            raise HNLInputError(f"cannot read spectrum table {path}: {exc}") from None
        if a.shape[1] != 5:
            raise HNLInputError(f"spectrum table {path}: expected 5 columns p_lo,p_hi,theta_lo,theta_hi,weight")
        if not np.all(np.isfinite(a)):
            raise HNLInputError(f"spectrum table {path}: contains NaN or infinite values")
        if np.any(a[:, 1] <= a[:, 0]) or np.any(a[:, 3] <= a[:, 2]):
            raise HNLInputError(f"spectrum table {path}: every bin needs p_lo < p_hi and theta_lo < theta_hi")
        if np.any(a[:, 4] < 0):
            raise HNLInputError(f"spectrum table {path}: weights must be >= 0")
        pe = np.unique(np.concatenate([a[:, 0], a[:, 1]]))
        te = np.unique(np.concatenate([a[:, 2], a[:, 3]]))
        counts = np.zeros((pe.size - 1, te.size - 1))
        ip = np.searchsorted(pe, a[:, 0])
        it = np.searchsorted(te, a[:, 2])
        if np.any(pe[ip + 1] != a[:, 1]) or np.any(te[it + 1] != a[:, 3]):
            raise HNLInputError(f"spectrum table {path}: bins overlap (each bin must span adjacent edges of one grid)")
        np.add.at(counts, (ip, it), a[:, 4])
        return cls(mass, pe, te, counts)

    def sample(self, n: int, rng=None) -> np.ndarray:
        rng = as_generator(rng)
        prob = self.counts.ravel() / self.counts.sum()
        return self._in_bins(rng.choice(prob.size, size=n, p=prob), rng)

    def _tilt_tables(self, powers):
        """Per power k: the bin probabilities of the |p|^k-tilted spectrum f(p) p^k / <p^k> (f
        uniform in p inside a bin) and the normalisation <p^k> (momenta in units of the top edge,
        so that large k do not overflow)."""
        lo, hi = self.p_edges[:-1] / self.p_edges[-1], self.p_edges[1:] / self.p_edges[-1]
        f = self.counts.sum(axis=1) / self.counts.sum()
        out = []
        for k in powers:
            mean = (hi ** (k + 1) - lo ** (k + 1)) / ((k + 1) * (hi - lo))  # bin mean of p^k
            norm = float(np.sum(f * mean))
            out.append((f * mean / norm, norm))
        return out

    def sample_tilted(self, n: int, rng, components, cone=None):
        """n four-momenta drawn with large |p| and, optionally, directions towards a detector
        favoured, and their weights (importance sampling: mean 1, every observable unbiased).

        components: (k, share, pt) triples; each draws |p| from the |p|^k-tilted spectrum
        f_k(p) = f(p) p^k / <p^k> (inside a bin by the inverse CDF of p^k) and either the table's
        direction in that momentum bin (pt None) or a direction uniform in the cone around
        cone = (axis (3,), half-angle) widened to half-angle + pt / |p| (pt [GeV]: the
        transverse momentum the decay chain gives the HNL, so that a parent outside the
        detector's cone can still send it there); the remaining share 1 - sum (> 0) is the table
        itself (defensive mixture).  The weight is f / q with q the mixture density at the drawn
        point -- at most 1 / remaining share; 0 for a cone direction where the table has no
        parents (Owen and Zhou, JASA 95 (2000) 135)."""
        from hnlreach.sources.directed import cone_directions

        ks = [float(c[0]) for c in components]
        shares = np.array([float(c[1]) for c in components])
        pts = [c[2] for c in components]
        s0 = 1.0 - shares.sum()
        if not (0.0 < s0 <= 1.0 and np.all(shares >= 0)) or (cone is None and any(x is not None for x in pts)):
            raise HNLInputError(f"tilt shares must be >= 0 and sum below 1 (a cone for directed ones), got {components}")
        tables = self._tilt_tables(ks)
        ks, shares, pts = [0.0] + ks, np.r_[s0, shares], [None] + pts
        comp = rng.choice(shares.size, size=int(n), p=shares / shares.sum())
        f_bin = self.counts / self.counts.sum()
        out = np.empty((int(n), 4))
        for j in range(shares.size):
            sel = np.flatnonzero(comp == j)
            if not sel.size:
                continue
            if j == 0:  # the table itself
                out[sel] = self._in_bins(rng.choice(f_bin.size, size=sel.size, p=f_bin.ravel()), rng)
                continue
            ip = rng.choice(f_bin.shape[0], size=sel.size, p=tables[j - 1][0])
            lo, hi, k1 = self.p_edges[ip] / self.p_edges[-1], self.p_edges[ip + 1] / self.p_edges[-1], ks[j] + 1.0
            p = (lo ** k1 + rng.uniform(size=sel.size) * (hi ** k1 - lo ** k1)) ** (1.0 / k1) * self.p_edges[-1]
            p = np.clip(p, self.p_edges[ip], self.p_edges[ip + 1])
            if pts[j] is None:  # the table's direction in this momentum bin
                it = self._theta_bins(ip, rng)
                c_lo, c_hi = np.cos(self.theta_edges[it]), np.cos(self.theta_edges[it + 1])
                out[sel] = _four_momenta(p, rng.uniform(c_hi, c_lo), rng.uniform(0.0, 2.0 * np.pi, sel.size), self.mass)
                continue
            dirs, _ = cone_directions(cone[0], np.minimum(cone[1] + pts[j] / p, np.pi), sel.size, rng)
            out[sel, 0] = np.sqrt(p * p + self.mass ** 2)
            out[sel, 1:] = dirs * p[:, None]
        return out, self._tilt_weights(out, ks, tables, shares, pts, cone)

    def _theta_bins(self, ip, rng):
        """A theta bin for each momentum bin ip, from the table's theta distribution in that bin."""
        cdf = np.cumsum(self.counts, axis=1)
        cdf = cdf / np.maximum(cdf[:, -1:], 1e-300)
        u = rng.uniform(size=ip.size)
        return np.minimum((cdf[ip] < u[:, None]).sum(axis=1), self.theta_edges.size - 2)

    def _tilt_weights(self, p4, ks, tables, shares, pts, cone):
        """f / q at four-momenta p4 for the mixture of ``sample_tilted``."""
        pabs = np.linalg.norm(p4[:, 1:], axis=1)
        theta = np.arccos(np.clip(p4[:, 3] / np.maximum(pabs, 1e-300), -1.0, 1.0))
        ip = np.clip(np.searchsorted(self.p_edges, pabs, side="right") - 1, 0, self.p_edges.size - 2)
        it = np.searchsorted(self.theta_edges, theta, side="right") - 1
        in_table = (it >= 0) & (it < self.theta_edges.size - 1)
        it = np.clip(it, 0, self.theta_edges.size - 2)
        x = pabs / self.p_edges[-1]
        ratio = [np.ones(pabs.size)] + [x ** k / t[1] for k, t in zip(ks[1:], tables)]  # f_k / f at |p|
        f_bin = self.counts / self.counts.sum()
        f_dir = None
        q_over_f = np.zeros(pabs.size)
        for j in range(shares.size):
            if pts[j] is None:
                q_over_f += shares[j] * ratio[j]
                continue
            if f_dir is None:  # the table's direction density in the momentum bin, f(Omega | p)
                axis = np.asarray(cone[0], dtype=float) / np.linalg.norm(cone[0])
                angle = np.arccos(np.clip(p4[:, 1:] @ axis / np.maximum(pabs, 1e-300), -1.0, 1.0))
                c_lo, c_hi = np.cos(self.theta_edges[:-1]), np.cos(self.theta_edges[1:])
                f_dir = f_bin[ip, it] / np.maximum(f_bin.sum(axis=1)[ip], 1e-300) / (2.0 * np.pi * (c_lo - c_hi))[it]
            half = np.minimum(cone[1] + pts[j] / np.maximum(pabs, 1e-300), np.pi)
            cone_q = shares[j] * ratio[j] * (angle <= half) / (2.0 * np.pi * (1.0 - np.cos(half)))
            with np.errstate(divide="ignore"):
                q_over_f += np.where(f_dir > 0, cone_q / np.where(f_dir > 0, f_dir, 1.0), np.where(cone_q > 0, np.inf, 0.0))
        w = np.where(in_table, 1.0 / q_over_f, 0.0)
        return np.where(np.isfinite(w), w, 0.0)

    def _in_bins(self, idx, rng) -> np.ndarray:
        """Four-momenta uniform in p and in solid angle inside the flat bins idx."""
        n = idx.size
        ip, it = np.unravel_index(idx, self.counts.shape)
        p = rng.uniform(self.p_edges[ip], self.p_edges[ip + 1])
        # uniform in solid angle inside the theta bin
        c_lo, c_hi = np.cos(self.theta_edges[it]), np.cos(self.theta_edges[it + 1])
        cos_t = rng.uniform(c_hi, c_lo)
        return _four_momenta(p, cos_t, rng.uniform(0.0, 2.0 * np.pi, n), self.mass)
