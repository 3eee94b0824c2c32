"""Importance sampling of neutrino interaction points for upscattering (exact weights).

The expected number of upscatterings seen through any observable f is

    POT ∫ dE φ(E) ∫ dx dy ∫ dz r(x, y, z; E) f,     r = Σ_nuclei n σ(E)  [1/cm]

for neutrinos travelling along the flux axis z (flux frame; φ uniform over the plane).  Points are
drawn from q(x, y) p(z | x, y) and carry the weight 1/(q p) x r, so the estimate is unbiased for
every f -- in particular for every coupling (DESIGN.md, "The speed idea").

* Transverse: a mixture of nested rectangles around the fiducial volumes' bounding rectangle: the
  rectangle itself, the rectangle enlarged by ``margin`` and others geometrically wider (ratio
  <= 3) up to ``reach``, all clipped to the world's bounding rectangle (no material outside it,
  so nothing is lost).  A quarter of the rays go to each of the two innermost windows.  Azimuths
  are then aimed at the fiducial volumes (``aim_azimuths``).  A mixture of nested uniform windows approximates
  the ~1/r transverse density of long-lived HNLs made far upstream.
* Depth: along each ray z is drawn from a mixture whose components have density ∝ w(z) g(z) on a
  range: w = r (the interaction probability at the ray's energy: thin dense layers are found, a
  long rock is not oversampled by its air gaps) or w = 1 where there is material (so that gas near
  and inside the fiducial volumes, which matters at short lifetimes, is not starved); g uniform,
  or ∝ 1/(z_f - z + s0) upstream of a fiducial entry plane z_f (log-uniform in the distance from
  s0 = 1 mm to the whole depth: short-lived HNLs must be made just upstream of *each* fiducial
  volume).  Components: rate x uniform (0.2); per entry plane rate x log (0.4) and w = 1 x log
  (0.2); w = 1 x uniform inside each fiducial volume's depth range (0.2).  Each component is
  normalised per ray (I_c = ∫ w g_c dz), components with I_c = 0 are dropped for that ray, so
  p(z | ray) = Σ_c α_c w_c(z) g_c(z) / I_c and the weight carries r(z)/p(z).
* Angular reach: if the selection keeps only HNLs within θ_max of the beam axis, a ray at
  transverse distance ρ outside the fiducial rectangle can only contribute from a depth
  u >= ρ / tan θ_max upstream of the most downstream fiducial face; its depth range is truncated
  there (exact: the selected signal is zero elsewhere).  The same θ_max sets ``reach``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_S0_M = 1e-3  # log-component offset [m]: resolves decay lengths down to ~1 mm


def bounding_box(volume, rot=None) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi) of a box, cylinder or sphere's exact bounding box in the frame whose axes are the
    columns of rot (world frame if rot is None)."""
    rot = np.eye(3) if rot is None else rot
    from hnlreach.geometry.volumes import Sphere

    if isinstance(volume, Sphere):
        ext = np.full(3, float(volume.radius))
    elif hasattr(volume, "size"):  # box, possibly rotated
        axes = np.eye(3) if volume.rotation is None else volume.rotation
        half = 0.5 * np.asarray(volume.size) * axes  # columns: half-edge vectors in the world
        ext = np.abs(rot.T @ half).sum(axis=1)
    else:  # cylinder: |a_i| L/2 + R sqrt(1 - a_i^2) along each frame axis i
        a = rot.T @ volume.axis
        ext = np.abs(a) * 0.5 * volume.length + volume.radius * np.sqrt(np.clip(1.0 - a * a, 0.0, None))
    c = rot.T @ volume.center
    return c - ext, c + ext


@dataclass
class Windows:
    """Mixture of nested uniform rectangles (flux-frame x, y): lo, hi (J, 2), weights beta (J,)."""

    lo: np.ndarray
    hi: np.ndarray
    beta: np.ndarray

    @property
    def areas(self) -> np.ndarray:
        return np.prod(self.hi - self.lo, axis=1)

    def sample(self, n: int, rng) -> np.ndarray:
        j = rng.choice(self.beta.size, size=n, p=self.beta)
        return rng.uniform(self.lo[j], self.hi[j])

    def density(self, xy) -> np.ndarray:
        """q(x, y) [1/m^2]."""
        inside = np.all((xy[:, None, :] >= self.lo) & (xy[:, None, :] <= self.hi), axis=2)
        return inside @ (self.beta / self.areas)


def transverse_windows(fid_lo, fid_hi, world_lo, world_hi, margin: float, reach: float) -> Windows:
    """Nested windows: the fiducial rectangle + margin (weight 1/2) and geometrically wider ones
    (ratio <= 3) up to + reach (sharing the other 1/2), all clipped to the world rectangle."""
    margins = [margin]
    if reach > margin:
        k = int(np.ceil(np.log(reach / max(margin, 1e-3)) / np.log(3.0)))
        margins += list(max(margin, 1e-3) * (reach / max(margin, 1e-3)) ** (np.arange(1, k + 1) / k))
    lo = np.array([np.maximum(fid_lo - m, world_lo) for m in margins])
    hi = np.array([np.minimum(fid_hi + m, world_hi) for m in margins])
    keep = [0] + [j for j in range(1, len(margins)) if not (np.allclose(lo[j], lo[j - 1]) and
                                                          np.allclose(hi[j], hi[j - 1]))]
    lo, hi = lo[keep], hi[keep]
    beta = np.full(len(keep), 0.5 / max(len(keep) - 1, 1))
    beta[0] = 0.5 if len(keep) > 1 else 1.0
    if margin > 0:  # the fiducial rectangle itself takes half of the innermost window's share:
        exact_lo, exact_hi = np.maximum(fid_lo, world_lo), np.minimum(fid_hi, world_hi)
        if np.all(exact_hi > exact_lo):  # short-lived HNLs made in the fiducial gas
            lo, hi = np.vstack([exact_lo, lo]), np.vstack([exact_hi, hi])
            beta = np.r_[0.5 * beta[0], 0.5 * beta[0], beta[1:]]
    return Windows(lo, hi, beta)


def aim_azimuths(p4, xy, lo, hi, rng) -> np.ndarray:
    """Azimuths of the HNLs (about the flux axis; p4 in the flux frame, modified in place) redrawn
    uniformly in the range that can reach the fiducial rectangle [lo, hi]; returns the weights
    delta_phi / (2 pi).

    Seen across the beam, an HNL made at transverse position r moves along a straight line from r
    in the direction of its azimuth, whatever its polar angle; it can enter the fiducial volumes
    only if that line crosses the disc around the rectangle (centre c, radius a = half-diagonal),
    i.e. within asin(a / |c - r|) of the direction to c.  The azimuth is uniform in the process
    (no azimuthal dependence for an unpolarised beam along the axis), so drawing it in that range
    with weight delta_phi / (2 pi) is exact for every observable that needs the HNL in the
    fiducial volumes, and saves the HNLs made far off axis that would point away."""
    c = 0.5 * (np.asarray(lo, float) + np.asarray(hi, float))
    a = 0.5 * float(np.hypot(*(np.asarray(hi, float) - np.asarray(lo, float))))
    to_c = c - xy
    dist = np.hypot(to_c[:, 0], to_c[:, 1])
    far = dist > a
    half = np.where(far, np.arcsin(np.clip(a / np.where(far, dist, 1.0), 0.0, 1.0)), np.pi)
    pt = np.hypot(p4[:, 1], p4[:, 2])
    rows = np.flatnonzero(far & (pt > 0))
    phi = np.arctan2(to_c[rows, 1], to_c[rows, 0]) + half[rows] * (2.0 * rng.uniform(size=rows.size) - 1.0)
    p4[rows, 1] = pt[rows] * np.cos(phi)
    p4[rows, 2] = pt[rows] * np.sin(phi)
    return np.where(far & (pt > 0), half / np.pi, 1.0)


def distance_outside(xy, lo, hi) -> np.ndarray:
    """Euclidean distance of points (n, 2) from the rectangle [lo, hi] (0 inside)."""
    d = np.maximum(np.maximum(lo - xy, xy - hi), 0.0)
    return np.hypot(d[:, 0], d[:, 1])


def _component_masses(edges, weight, lower, upper, plane):
    """Per-segment weight x ΔG of one depth component (plane None: uniform, else log-distance
    upstream of the plane) restricted to lower <= t <= upper; also the clipped segment ends."""
    dg, a, b = _segment_measure(edges, lower, upper, plane)
    return weight * dg, a, b


def _segment_measure(edges, lower, upper, plane):
    """ΔG per segment of a depth component restricted to lower <= t <= upper (G(t) = t, or
    -ln(plane - t + s0)), and the clipped segment ends: one log per edge, not per segment."""
    t = np.minimum(np.maximum(edges, lower[:, None]), upper[:, None])
    a, b = t[:, :-1], t[:, 1:]
    if plane is None:
        return b - a, a, b
    g = -np.log(plane - t + _S0_M)
    return g[:, 1:] - g[:, :-1], a, b


def _components(t_hi, volumes):
    """Depth components (mixture weight, plane or None, lower, upper, rate-weighted?) for rays with
    upper ends t_hi and fiducial (entry, exit) distances ``volumes``."""
    zero = np.zeros_like(t_hi)
    vols = sorted(set((float(a), float(b)) for a, b in volumes))
    planes = sorted(set(a for a, _ in vols))
    out = [(0.2, None, zero, t_hi, True)]
    for c in planes:  # short-lived HNLs from dense layers, and from gas / air, upstream of c
        out.append((0.4 / len(planes), c, zero, np.minimum(t_hi, c), True))
        out.append((0.2 / len(planes), c, zero, np.minimum(t_hi, c), False))
    for a, b in vols:  # production inside the fiducial volume itself (gas)
        out.append((0.2 / len(vols), None, np.minimum(t_hi, a), np.minimum(t_hi, b), False))
    return out


def sample_depths(edges, rate, t_hi, volumes, rng):
    """Interaction distances t along rays (trace parameter, metres) from the mixture of the module
    docstring: each component has density ∝ w(t) g_c(t) on its range, with w the interaction rate
    r (rate-weighted components) or 1 where r > 0 (geometric components: low-density media near
    the fiducial volumes are not starved).

    edges (n, K+1), rate (n, K) [1/cm]: the traced segments and their interaction rates;
    t_hi (n,): upper end of each ray's allowed range; volumes: (entry, exit) distances of the
    fiducial volumes along the rays.  Returns (t, segment index k, r/p [cm^-1 m]; 0 where a ray
    has no material in range)."""
    n = edges.shape[0]
    present = (rate > 0).astype(float)
    comps = _components(t_hi, volumes)
    alpha = np.array([c[0] for c in comps])
    wts = [rate if c[4] else present for c in comps]
    measures = {}  # the rate-weighted and geometric components of a plane share their ΔG
    for c in comps:
        key = (c[1], c[2].tobytes(), c[3].tobytes())
        if key not in measures:
            measures[key] = _segment_measure(edges, c[2], c[3], c[1])[0]
    integral = np.stack([np.sum(w * measures[(c[1], c[2].tobytes(), c[3].tobytes())], axis=1)
                         for c, w in zip(comps, wts)])
    live = integral > 0
    a_eff = alpha[:, None] * live
    norm = a_eff.sum(axis=0)
    ok = norm > 0
    a_eff = np.where(ok, a_eff / np.where(ok, norm, 1.0), 0.0)
    choice = np.minimum((np.cumsum(a_eff, axis=0) < rng.uniform(size=n)[None, :]).sum(axis=0), len(comps) - 1)
    t = np.zeros(n)
    k = np.zeros(n, dtype=int)
    for ic, ((_, c, lower, upper, _), w) in enumerate(zip(comps, wts)):
        rows = np.nonzero(ok & (choice == ic))[0]
        if rows.size == 0:
            continue
        mass, a, b = _component_masses(edges[rows], w[rows], lower[rows], upper[rows], c)
        cdf = np.cumsum(mass, axis=1)
        kk = np.minimum((cdf < rng.uniform(size=rows.size)[:, None] * cdf[:, -1:]).sum(axis=1), mass.shape[1] - 1)
        ar, br = a[np.arange(rows.size), kk], b[np.arange(rows.size), kk]
        v = rng.uniform(size=rows.size)
        if c is None:
            tt = ar + v * (br - ar)
        else:  # invert G(t) = -ln(c - t + s0) within the segment
            tt = c + _S0_M - (c - ar + _S0_M) * ((c - br + _S0_M) / (c - ar + _S0_M)) ** v
        t[rows] = np.clip(tt, ar, br)
        k[rows] = kk
    # p(t) = Σ_c α_c w_c(t) g_c(t) / I_c over the components whose range contains t
    r_t = rate[np.arange(n), k]
    p = np.zeros(n)
    for ic, (_, c, lower, upper, by_rate) in enumerate(comps):
        inside = (t >= lower) & (t <= upper) & live[ic]
        g = 1.0 if c is None else 1.0 / (c - np.minimum(t, c) + _S0_M)
        w_t = r_t if by_rate else (r_t > 0).astype(float)
        p += np.where(inside, a_eff[ic] * w_t * g / np.where(live[ic], integral[ic], 1.0), 0.0)
    r_over_p = np.where(ok & (p > 0), r_t / np.where(p > 0, p, 1.0), 0.0)
    return t, k, r_over_p


def sample_energies(energies, values, n: int, rng, sigma_shape, sub_bins: int = 4):
    """Neutrino energies from a mixture concentrated where upscattering happens and where HNLs
    live longest: q ∝ φ σ E^j (j = 0, 1, 2; weights 0.45, 0.25, 0.2) plus φ itself (0.1, so every
    energy with flux is reachable), piecewise constant on sub-bins of the table.

    φ is the tabulated dPhi/dE read as in the rest of the engine (trapezoid area of each table bin,
    uniform within it); sigma_shape(E) is any non-negative cross-section shape (it only steers the
    sampling).  Returns (E, φ(E)/q(E) [per cm^2 per POT]) -- the estimator is exact whatever the
    shape."""
    from hnlreach.errors import HNLInputError

    e, v = np.asarray(energies, dtype=float), np.clip(np.asarray(values, dtype=float), 0.0, None)
    per_bin = 0.5 * (v[1:] + v[:-1]) * np.diff(e)
    if per_bin.sum() <= 0:
        raise HNLInputError("neutrino flux is empty")
    frac = (np.arange(sub_bins + 1) / sub_bins)
    edges = (e[:-1, None] + np.diff(e)[:, None] * frac[None, :])  # (bins, sub_bins + 1)
    lo, hi = edges[:, :-1].ravel(), edges[:, 1:].ravel()
    mid = 0.5 * (lo + hi)
    phi_sub = np.repeat(per_bin / sub_bins, sub_bins)  # flux in each sub-bin (uniform within a bin)
    sig = np.clip(np.asarray(sigma_shape(mid), dtype=float), 0.0, None)
    prob = 0.1 * phi_sub / phi_sub.sum()
    for j, a in ((0, 0.45), (1, 0.25), (2, 0.2)):
        c = phi_sub * sig * mid ** j
        prob += a * (c / c.sum() if c.sum() > 0 else phi_sub / phi_sub.sum())
    prob /= prob.sum()
    k = rng.choice(prob.size, size=n, p=prob)
    E = rng.uniform(lo[k], hi[k])
    return E, phi_sub[k] / prob[k]
