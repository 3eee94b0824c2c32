"""Long-lived parents (K+-) decaying in flight in a beam line's decay region, and ideal focusing.

A parent produced at `origin` flies on a straight line (no magnetic field after the focusing
step) and may decay anywhere inside a cylinder around the beam axis, z_start <= z <= z_end,
r <= radius (target hall + decay pipe).  Leaving the cylinder (pipe wall, absorber) it is lost.
With decay length lambda = (p/m) c tau and exit distance L along its path, the decay probability
is the exponential law P = 1 - exp(-L/lambda) (L = 0 outside the region); the decay point is
drawn from the truncated exponential, t = -lambda ln(1 - u P), so every sampled parent decays
in the region with weight P.

Focusing: 'none' keeps the produced direction (unfocused); 'parallel' makes the parent move
along +z with its momentum magnitude (an ideal horn: the bracket's upper end).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics.kinematics import as_generator

FOCUSING = ("none", "parallel")


@dataclass(frozen=True)
class DecayRegion:
    """Cylinder around the z axis where a parent may decay: z_start..z_end [m], radius [m]."""

    z_end: float
    radius: float
    z_start: float = 0.0

    def __post_init__(self):
        if not (self.radius > 0 and self.z_end > self.z_start):
            raise HNLInputError(f"decay region needs radius > 0 and z_end > z_start, got {self}")

    def exit_distance(self, origins, directions) -> np.ndarray:
        """Path length (n,) from each origin along the unit direction until the parent leaves
        the cylinder; 0 for origins outside it."""
        o = np.atleast_2d(np.asarray(origins, dtype=float))
        d = np.atleast_2d(np.asarray(directions, dtype=float))
        o, d = np.broadcast_arrays(o, d)
        inside = ((o[:, 0] ** 2 + o[:, 1] ** 2 <= self.radius ** 2)
                  & (o[:, 2] >= self.z_start) & (o[:, 2] <= self.z_end))
        with np.errstate(divide="ignore", invalid="ignore"):
            t_z = np.where(d[:, 2] > 0, (self.z_end - o[:, 2]) / d[:, 2],
                           np.where(d[:, 2] < 0, (self.z_start - o[:, 2]) / d[:, 2], np.inf))
            # |o_T + t d_T|^2 = R^2, larger root (origin inside)
            a = d[:, 0] ** 2 + d[:, 1] ** 2
            b = o[:, 0] * d[:, 0] + o[:, 1] * d[:, 1]
            c = o[:, 0] ** 2 + o[:, 1] ** 2 - self.radius ** 2
            t_r = np.where(a > 0, (-b + np.sqrt(np.clip(b * b - a * c, 0.0, None))) / a, np.inf)
        return np.where(inside, np.clip(np.minimum(t_z, t_r), 0.0, None), 0.0)


def decay_length(parents, ctau: float) -> np.ndarray:
    """Lab decay length beta gamma c tau = (|p|/m) c tau [m] of parents (n, 4)."""
    p = np.linalg.norm(parents[:, 1:], axis=1)
    m = np.sqrt(np.clip(parents[:, 0] ** 2 - p * p, 1e-300, None))
    return p / m * ctau


def decay_points(parents, origins, region: DecayRegion, ctau: float, rng=None):
    """Decay points (n, 3) inside the region and their weights P = 1 - exp(-L/lambda) (n,)."""
    rng = as_generator(rng)
    p = np.linalg.norm(parents[:, 1:], axis=1)
    dirs = parents[:, 1:] / np.maximum(p, 1e-300)[:, None]
    L = region.exit_distance(origins, dirs)
    lam = decay_length(parents, ctau)
    prob = -np.expm1(-L / lam)
    t = -lam * np.log1p(-rng.uniform(size=p.size) * prob)
    return np.asarray(origins, dtype=float) + dirs * t[:, None], prob


def focus_parallel(parents) -> np.ndarray:
    """Ideal focusing: the same |p| (and energy) along +z."""
    out = np.array(parents, dtype=float, copy=True)
    out[:, 3] = np.linalg.norm(out[:, 1:], axis=1)
    out[:, 1:3] = 0.0
    return out


def source_parents(source, n: int, rng):
    """n parents of a source: (four-momenta (n, 4), decay points (n, 3), weights (n,)).

    Sources without a decay region decay at their site with weight 1 (same random draws as
    ``source.spectrum.sample``); with one, the parents are focused as the source says and decay
    in flight (``decay_points``)."""
    from hnlreach.physics.constants import HBAR_GEV_S, HBARC_GEV_M, LIFETIME_S

    if getattr(source, "beamline", None) is not None:  # sources.beamline: decays along the pipe
        parents, points = source.beamline.sample(n, rng)
        return parents, points, np.ones(n)
    parents = source.spectrum.sample(n, rng)
    if hasattr(source.spectrum, "points"):  # an extended source at rest (sources.decay_at_rest)
        origin = source.spectrum.points(source.site.position_m, n, rng)
    else:
        origin = np.broadcast_to(source.site.position_m, (n, 3))
    region = getattr(source, "decay_region", None)
    if region is None:
        return parents, origin, np.ones(n)
    if getattr(source, "focusing", "none") == "parallel":
        parents = focus_parallel(parents)
    key = {"K-": "K+", "pi-": "pi+"}.get(source.parent, source.parent)
    if key not in LIFETIME_S:
        raise HNLInputError(f"source {source.name!r}: no lifetime for parent {source.parent!r} "
                            "(decay in flight needs a long-lived parent)")
    ctau = LIFETIME_S[key] * HBARC_GEV_M / HBAR_GEV_S  # c tau = tau x c, c = (hbar c)/hbar
    points, w = decay_points(parents, origin, region, ctau, rng)
    return parents, points, w
