"""Relativistic kinematics: two-body momenta, Lorentz boosts, two- and three-body phase-space sampling.

Four-vectors are NumPy arrays with last axis (E, px, py, pz) in GeV.  Everything is
vectorised; random numbers come from a ``numpy.random.Generator``.
Three-body sampling follows the Dalitz-plot construction of PDG Review "Kinematics"
(sec. 49.4.3.1): d Gamma ∝ |M|^2 d m12^2 d m23^2 is flat in (m12^2, m23^2) for constant |M|^2.
"""
from __future__ import annotations

import functools

from typing import Callable

import numpy as np

from hnlreach.physics.constants import kallen

__all__ = [
    "as_generator", "two_body_momentum", "isotropic_directions", "random_rotations",
    "boost", "boost_to_lab", "invariant_mass_sq", "sample_two_body", "sample_three_body",
    "dalitz_limits_m23sq", "three_body_width", "sample_n_body", "sample_recoil_and_system",
]


def as_generator(rng=None) -> np.random.Generator:
    """Return a Generator from None, an int seed or an existing Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def two_body_momentum(M, m1, m2):
    """Momentum of either daughter in the rest frame of M -> m1 m2 (PDG Kinematics eq. 49.17);
    0 below threshold.  Works on arrays (broadcasting)."""
    M = np.asarray(M, dtype=float)
    lam = kallen(M * M, np.asarray(m1, dtype=float) ** 2, np.asarray(m2, dtype=float) ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.sqrt(np.clip(lam, 0.0, None)) / (2.0 * M)
    return np.where(M > 0, p, 0.0)


def isotropic_directions(n: int, rng=None) -> np.ndarray:
    """n unit vectors uniformly distributed on the sphere, shape (n, 3)."""
    rng = as_generator(rng)
    cos_t = rng.uniform(-1.0, 1.0, n)
    phi = rng.uniform(0.0, 2.0 * np.pi, n)
    sin_t = np.sqrt(np.clip(1.0 - cos_t * cos_t, 0.0, None))
    return np.stack([sin_t * np.cos(phi), sin_t * np.sin(phi), cos_t], axis=-1)


def random_rotations(n: int, rng=None) -> np.ndarray:
    """n Haar-uniform rotation matrices (n, 3, 3) from normalised Gaussian quaternions."""
    rng = as_generator(rng)
    q = rng.standard_normal((n, 4))
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    w, x, y, z = q.T
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)], -1),
        np.stack([2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)], -1),
        np.stack([2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], -1),
    ], axis=-2)


def _random_frame_axes(n: int, rng):
    """First and third columns (x and z axes) of n Haar-uniform rotations, each (n, 3)."""
    q = rng.standard_normal((4, n))
    q /= np.sqrt(np.sum(q * q, axis=0))
    w, x, y, z = q
    ax = np.empty((n, 3))
    az = np.empty((n, 3))
    ax[:, 0], ax[:, 1], ax[:, 2] = 1 - 2 * (y * y + z * z), 2 * (x * y + z * w), 2 * (x * z - y * w)
    az[:, 0], az[:, 1], az[:, 2] = 2 * (x * z + y * w), 2 * (y * z - x * w), 1 - 2 * (x * x + y * y)
    return ax, az


def boost(p4, beta) -> np.ndarray:
    """Boost four-vectors p4 (..., 4) by velocities beta (..., 3) (general direction, broadcasting).

    A particle at rest is taken to move with velocity +beta afterwards (active boost):
    E' = gamma (E + beta.p),  p' = p + [(gamma - 1)/beta^2 (beta.p) + gamma E] beta.
    """
    p4 = np.asarray(p4, dtype=float)
    beta = np.asarray(beta, dtype=float)
    b2 = np.sum(beta * beta, axis=-1)
    if np.any(b2 >= 1.0):
        raise ValueError("boost velocity must satisfy |beta| < 1")
    gamma = 1.0 / np.sqrt(1.0 - b2)
    e = p4[..., 0]
    p = p4[..., 1:]
    bp = np.sum(beta * p, axis=-1)
    # (gamma - 1)/beta^2 = gamma^2/(gamma + 1): finite at beta -> 0
    coef = gamma * gamma / (gamma + 1.0) * bp + gamma * e
    e_new = gamma * (e + bp)
    p_new = p + coef[..., None] * beta
    return np.concatenate([e_new[..., None], p_new], axis=-1)


def boost_to_lab(p4_rest, parent_p4) -> np.ndarray:
    """Boost rest-frame products p4_rest (n, k, 4) or (n, 4) into the frame where the parent
    has four-momentum parent_p4 (n, 4)."""
    p4_rest = np.asarray(p4_rest, dtype=float)
    parent_p4 = np.asarray(parent_p4, dtype=float)
    beta = parent_p4[..., 1:] / parent_p4[..., :1]
    if p4_rest.ndim == parent_p4.ndim + 1:
        beta = beta[..., None, :]
    return boost(p4_rest, beta)


def invariant_mass_sq(*p4s) -> np.ndarray:
    """Invariant mass squared of the sum of the given four-vectors."""
    tot = np.sum(np.stack(np.broadcast_arrays(*p4s)), axis=0)
    return tot[..., 0] ** 2 - np.sum(tot[..., 1:] ** 2, axis=-1)


def _check_masses(M, masses):
    if not np.isfinite(M) or M <= 0 or any(m < 0 for m in masses):
        raise ValueError(f"invalid masses M={M}, daughters={masses}")
    if sum(masses) >= M:
        raise ValueError(f"decay {M} -> {masses} is kinematically closed")


def sample_two_body(M, m1: float, m2: float, n: int, rng=None) -> np.ndarray:
    """n isotropic two-body decays M -> m1 m2 in the parent rest frame, shape (n, 2, 4); M a scalar
    or an array of n parent masses (one per event)."""
    M = np.asarray(M, dtype=float)
    for extreme in ((M.min(), M.max()) if M.ndim else (float(M),)):
        _check_masses(extreme, (m1, m2))
    rng = as_generator(rng)
    p = np.asarray(two_body_momentum(M, m1, m2))
    e1 = (M * M + m1 * m1 - m2 * m2) / (2.0 * M)
    direc = isotropic_directions(n, rng) * p[..., None]
    out = np.empty((n, 2, 4))
    out[:, 0, 0] = e1
    out[:, 0, 1:] = direc
    out[:, 1, 0] = M - e1
    out[:, 1, 1:] = -direc
    return out


def dalitz_limits_m23sq(M, masses, m12sq):
    """Range of m23^2 at fixed m12^2 on the Dalitz plot (PDG Kinematics eq. 49.23)."""
    m1, m2, m3 = masses
    m12 = np.sqrt(m12sq)
    e2 = (m12sq - m1 * m1 + m2 * m2) / (2.0 * m12)  # E2* in the m12 rest frame
    e3 = (M * M - m12sq - m3 * m3) / (2.0 * m12)  # E3* in the m12 rest frame
    p2 = np.sqrt(np.clip(e2 * e2 - m2 * m2, 0.0, None))
    p3 = np.sqrt(np.clip(e3 * e3 - m3 * m3, 0.0, None))
    s = (e2 + e3) ** 2
    return s - (p2 + p3) ** 2, s - (p2 - p3) ** 2


def _dalitz_to_momenta(M, masses, m12sq, m23sq, rng) -> np.ndarray:
    """Rest-frame four-momenta (n, 3, 4) for Dalitz points, with a uniformly random orientation."""
    m1, m2, m3 = masses
    n = m12sq.shape[0]
    e1 = (M * M + m1 * m1 - m23sq) / (2.0 * M)
    e3 = (M * M + m3 * m3 - m12sq) / (2.0 * M)
    e2 = M - e1 - e3
    p1 = np.sqrt(np.maximum(e1 * e1 - m1 * m1, 0.0))
    p2 = np.sqrt(np.maximum(e2 * e2 - m2 * m2, 0.0))
    p3 = np.sqrt(np.maximum(e3 * e3 - m3 * m3, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        c13 = (p2 * p2 - p1 * p1 - p3 * p3) / (2.0 * p1 * p3)
    c13 = np.clip(np.nan_to_num(c13, nan=1.0), -1.0, 1.0)
    s13 = np.sqrt(1.0 - c13 * c13)
    # p1 along the rotated z axis, p3 in the rotated xz plane
    ax, az = _random_frame_axes(n, rng)
    v1 = az * p1[:, None]
    v3 = ax * (p3 * s13)[:, None] + az * (p3 * c13)[:, None]
    out = np.empty((n, 3, 4))
    out[:, 0, 0], out[:, 0, 1:] = e1, v1
    out[:, 2, 0], out[:, 2, 1:] = e3, v3
    out[:, 1, 0], out[:, 1, 1:] = e2, -(v1 + v3)
    return out


def _inside_dalitz(M, masses, m12sq, m23sq):
    """True where (m12^2, m23^2) is physical: E_i >= m_i and |cos theta_13| <= 1 in the M frame."""
    m1, m2, m3 = masses
    e1 = (M * M + m1 * m1 - m23sq) / (2.0 * M)
    e3 = (M * M + m3 * m3 - m12sq) / (2.0 * M)
    e2 = M - e1 - e3
    q1, q2, q3 = e1 * e1 - m1 * m1, e2 * e2 - m2 * m2, e3 * e3 - m3 * m3
    d = q2 - q1 - q3
    return (e1 >= m1) & (e2 >= m2) & (e3 >= m3) & (d * d <= 4.0 * q1 * q3)


def _uniform_dalitz_batch(M, masses, size, rng):
    """Uniform points in the Dalitz rectangle, keeping those inside the physical region."""
    m1, m2, m3 = masses
    x = rng.uniform((m1 + m2) ** 2, (M - m3) ** 2, size)
    y = rng.uniform((m2 + m3) ** 2, (M - m1) ** 2, size)
    inside = _inside_dalitz(M, masses, x, y)
    return x[inside], y[inside]


def _log23_dalitz_batch(M, masses, size, rng):
    """Points with ln m23^2 uniform and m12^2 uniform between its Dalitz limits at that m23^2, and
    the factor (proposal density)^-1 ∝ m23^2 (m12^2_max - m12^2_min) that makes them phase-space."""
    m1, m2, m3 = masses
    lo, hi = np.log((m2 + m3) ** 2), np.log((M - m1) ** 2)
    y = np.exp(rng.uniform(lo, hi, size))
    xlo, xhi = dalitz_limits_m23sq(M, (m3, m2, m1), y)
    x = xlo + (xhi - xlo) * rng.uniform(size=size)
    return x, y, y * (xhi - xlo)


def sample_three_body(M: float, masses, n: int, rng=None,
                      weight: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
                      return_weights: bool = False, return_dalitz: bool = False,
                      proposal: str = "uniform"):
    """n three-body decays M -> m1 m2 m3 in the parent rest frame, shape (n, 3, 4).

    Points are uniform in (m12^2, m23^2) inside the Dalitz region (phase space, PDG eq. 49.22)
    with a uniformly random overall orientation.  With ``weight(m12sq, m23sq)`` (a vectorised
    |M|^2, non-negative) events are unweighted by exact accept-reject: the running maximum is
    tracked and, whenever it grows, already accepted events are thinned so that every kept event
    was accepted with probability w / w_max(final).  With ``return_weights=True`` no rejection is
    done and (p4, w) is returned instead.  ``return_dalitz=True`` also returns (m12sq, m23sq).
    ``proposal="log23"`` draws ln m23^2 uniformly (importance sampling for |M|^2 ∝ 1/m23^2, e.g. a
    virtual photon) and folds the inverse proposal density into the weight; the accepted events are
    distributed exactly as |M|^2 times phase space either way.
    """
    masses = tuple(float(m) for m in masses)
    _check_masses(M, masses)
    if proposal not in ("uniform", "log23"):
        raise ValueError(f"unknown proposal {proposal!r}")
    if proposal == "log23" and (masses[1] + masses[2]) <= 0:
        raise ValueError("proposal 'log23' needs m2 + m3 > 0")
    rng = as_generator(rng)
    n = int(n)
    if n < 0:
        raise ValueError("n must be non-negative")
    if n == 0:
        empty = np.empty((0, 3, 4))
        extra = ([np.empty(0)] if return_weights else []) + ([(np.empty(0), np.empty(0))] if return_dalitz else [])
        return tuple([empty] + extra) if extra else empty

    if proposal == "log23" and (weight is None or return_weights):
        raise ValueError("proposal 'log23' is for accept-reject with a weight")
    if weight is None or return_weights:
        xs, ys, k = [], [], 0
        while k < n:
            x, y = _uniform_dalitz_batch(M, masses, int(1.3 * (n - k)) + 64, rng)
            xs.append(x)
            ys.append(y)
            k += x.size
        x = np.concatenate(xs)[:n]
        y = np.concatenate(ys)[:n]
        out = [_dalitz_to_momenta(M, masses, x, y, rng)]
        if return_weights:
            w = np.ones(n) if weight is None else np.asarray(weight(x, y), dtype=float)
            out.append(w)
        if return_dalitz:
            out.append((x, y))
        return out[0] if len(out) == 1 else tuple(out)

    # exact accept-reject with running maximum
    xs, ys = [], []
    wmax = 0.0
    k = 0
    n_batches = 0
    batch = min(max(2 * n, 1024), 20000)  # pilot batch; later batches sized by the efficiency
    while k < n:
        if proposal == "uniform":
            x, y = _uniform_dalitz_batch(M, masses, batch, rng)
            w = np.asarray(weight(x, y), dtype=float)
        else:
            x, y, jac = _log23_dalitz_batch(M, masses, batch, rng)
            w = np.asarray(weight(x, y), dtype=float) * jac
        if np.any(~np.isfinite(w)) or np.any(w < 0):
            raise ValueError("three-body weight must be finite and non-negative")
        if w.size and w.max() > wmax:
            new_max = 1.05 * w.max()  # headroom: fewer re-thinnings; exactness is kept anyway
            if wmax > 0 and k > 0:
                # thin the accepted events from p = w/wmax_old to p = w/wmax_new
                keep_p = wmax / new_max
                for i in range(len(xs)):
                    sel = rng.uniform(size=xs[i].size) < keep_p
                    xs[i], ys[i] = xs[i][sel], ys[i][sel]
                k = sum(a.size for a in xs)
            wmax = new_max
        n_batches += 1
        if wmax <= 0:
            if n_batches > 20:
                raise ValueError("three-body weight vanishes everywhere on the Dalitz plot")
            continue
        acc = rng.uniform(size=w.size) * wmax < w
        xs.append(x[acc])
        ys.append(y[acc])
        k += int(acc.sum())
        eff = max(acc.sum() / batch, 1e-4)  # accepted per rectangle point
        batch = int(min(max(1.2 * (n - k) / eff, 1024), 4e6))
    x = np.concatenate(xs)[:n]
    y = np.concatenate(ys)[:n]
    p4 = _dalitz_to_momenta(M, masses, x, y, rng)
    return (p4, (x, y)) if return_dalitz else p4


@functools.lru_cache(maxsize=32)
def gauss_legendre(n: int):
    """Gauss-Legendre nodes and weights on [-1, 1] (numpy leggauss), computed once per n and process."""
    x, w = np.polynomial.legendre.leggauss(n)
    x.flags.writeable = w.flags.writeable = False
    return x, w


def endpoint_nodes(lo, hi, n: int = 48):
    """Gauss-Legendre nodes x (shape (..., n)) and weights dx on [lo, hi] (arrays broadcast) after
    x = lo + (hi - lo)(1 - cos t)/2, t in [0, pi], which removes square-root end-point behaviour."""
    gx, gw = gauss_legendre(n)
    t = 0.5 * np.pi * (gx + 1.0)
    lo = np.asarray(lo, dtype=float)[..., None]
    span = np.asarray(hi, dtype=float)[..., None] - lo
    return lo + 0.5 * span * (1.0 - np.cos(t)), 0.5 * span * np.sin(t) * (0.5 * np.pi * gw)


def three_body_width(M: float, masses, msq: Callable[[np.ndarray, np.ndarray], np.ndarray],
                     n: int = 96, log_m23: bool = False) -> float:
    """Gamma = 1/((2 pi)^3 32 M^3) \\int |M|^2 dm12^2 dm23^2 (PDG Kinematics eq. 49.22), |M|^2 spin-averaged.

    Gauss-Legendre in m23^2 (in ln m23^2 if log_m23, for integrands peaked at threshold) and, at each
    m23^2, in m12^2 between its Dalitz limits.  msq(m12sq, m23sq) must be vectorised."""
    m1, m2, m3 = (float(m) for m in masses)
    _check_masses(M, (m1, m2, m3))
    x, w = gauss_legendre(n)
    lo, hi = (m2 + m3) ** 2, (M - m1) ** 2
    if log_m23 and lo > 0:
        a, b = np.log(lo), np.log(hi)
        y = np.exp(a + 0.5 * (b - a) * (x + 1.0))
        wy = 0.5 * (b - a) * w * y
    else:
        y = lo + 0.5 * (hi - lo) * (x + 1.0)
        wy = 0.5 * (hi - lo) * w
    # m12^2 limits at fixed m23^2: same formula with the roles of particles 1 and 3 exchanged
    xlo, xhi = dalitz_limits_m23sq(M, (m3, m2, m1), y)
    u = 0.5 * (x[None, :] + 1.0)
    X = xlo[:, None] + (xhi - xlo)[:, None] * u
    Y = np.broadcast_to(y[:, None], X.shape)
    inner = np.sum(0.5 * w[None, :] * np.asarray(msq(X, Y), dtype=float), axis=1) * (xhi - xlo)
    return float(np.sum(wy * inner) / ((2.0 * np.pi) ** 3 * 32.0 * M**3))


def sample_n_body(M, masses, n: int | None = None, rng=None) -> np.ndarray:
    """Flat n-body phase space M -> m_1 ... m_k (k >= 2) in the parent rest frame, shape (n, k, 4).

    M may be a scalar (then give n) or an array of n parent masses (one per event).  Raubold-Lynch
    / GENBOD construction (F. James, CERN 68-15; PDG Kinematics sec. 49.4.4): sorted uniforms give
    the intermediate invariant masses, the product of the two-body momenta is the weight, and
    events are accepted with probability weight / (its upper bound, as in ROOT's TGenPhaseSpace)."""
    rng = as_generator(rng)
    masses = np.asarray(masses, dtype=float)
    k = masses.size
    M = np.asarray(M, dtype=float)
    if M.ndim == 0:
        M = np.full(int(n), float(M))
    n = M.size
    if k < 2:
        raise ValueError("sample_n_body needs at least two daughters")
    if np.any(M <= masses.sum()):
        raise ValueError(f"decay {M.min()} -> {masses.tolist()} is kinematically closed")
    out = np.empty((n, k, 4))
    cum = np.cumsum(masses)
    todo = np.arange(n)
    # upper bound of the weight (TGenPhaseSpace::SetDecay), per event
    T = M - cum[-1]
    wmax = np.ones(n)
    emmax, emmin = T + masses[0], 0.0
    for i in range(1, k):
        emmin += masses[i - 1]
        emmax = emmax + masses[i]
        wmax = wmax * two_body_momentum(emmax, emmin, masses[i])
    rate = 1.0  # running acceptance estimate: later rounds give each pending event ~2/rate tries
    while todo.size:
        rep = int(min(np.ceil(2.0 / rate), max(1, 4 * n // todo.size), 10_000))
        cand = np.repeat(todo, rep)  # independent tries per event; the first accepted one is kept
        m = cand.size
        r = np.sort(rng.uniform(size=(m, k - 2)), axis=1) if k > 2 else np.zeros((m, 0))
        inv = np.empty((m, k))  # invariant mass of the subsystem of the first i+1 daughters
        inv[:, 0] = masses[0]
        inv[:, 1:k - 1] = cum[1:k - 1] + r * T[cand, None]
        inv[:, k - 1] = M[cand]
        pk = two_body_momentum(inv[:, 1:], inv[:, :-1], masses[None, 1:])  # (m, k-1)
        w = np.prod(pk, axis=1)
        acc = rng.uniform(size=m) * wmax[cand] < w
        rate = max(acc.mean(), 1e-4)
        first = np.zeros(m, dtype=bool)  # first accepted try of each event (tries are grouped by event)
        hit = acc.reshape(todo.size, rep)
        got = hit.any(axis=1)
        first[np.nonzero(got)[0] * rep + hit[got].argmax(axis=1)] = True
        sel, pk, inv = cand[first], pk[first], inv[first]
        todo = todo[~got]
        a = sel.size
        if a == 0:
            continue
        p4 = np.zeros((a, k, 4))
        # daughters 0 and 1 back to back in the rest frame of subsystem {0, 1}
        d = isotropic_directions(a, rng) * pk[:, 0, None]
        p4[:, 0, 0] = np.sqrt(pk[:, 0] ** 2 + masses[0] ** 2)
        p4[:, 0, 1:] = -d
        p4[:, 1, 0] = np.sqrt(pk[:, 0] ** 2 + masses[1] ** 2)
        p4[:, 1, 1:] = d
        for i in range(2, k):
            # subsystem {0..i-1} (mass inv[i-1]) recoils against daughter i in the frame of {0..i}
            q = isotropic_directions(a, rng) * pk[:, i - 1, None]
            e_sub = np.sqrt(pk[:, i - 1] ** 2 + inv[:, i - 1] ** 2)
            beta = -q / e_sub[:, None]
            p4[:, :i] = boost(p4[:, :i], beta[:, None, :])
            p4[:, i, 0] = np.sqrt(pk[:, i - 1] ** 2 + masses[i] ** 2)
            p4[:, i, 1:] = q
        out[sel] = p4
    return out


def sample_recoil_and_system(M: float, m_recoil: float, s, masses, rng, system: bool = True):
    """M -> recoil + X(s) isotropic in the rest frame of M, one X mass^2 s per event, and X -> masses by
    flat phase space (`sample_n_body`).  Returns (recoil (n, 4), daughters of X (n, k, 4) in the
    rest frame of M, or None when system=False)."""
    s = np.asarray(s, dtype=float)
    mx = np.sqrt(s)
    p = two_body_momentum(M, m_recoil, mx)
    d = isotropic_directions(s.size, rng) * p[:, None]
    recoil = np.column_stack([np.sqrt(m_recoil * m_recoil + p * p), d])
    if not system:
        return recoil, None
    p_x = np.column_stack([np.sqrt(s + p * p), -d])
    return recoil, boost_to_lab(sample_n_body(mx, masses, rng=rng), p_x)
