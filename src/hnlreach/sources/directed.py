"""Directed (importance-sampled) decays: HNL directions forced into a cone around a distant detector.

For a small detector far from the production point (ArgoNeuT: 0.2 m^2 at 318-1033 m) almost no
isotropically decayed HNL hits it.  Instead, for a parent of lab four-momentum P decaying
isotropically in its rest frame into an N of rest-frame momentum p*, we draw the N's lab
direction n uniformly in a cone of solid angle dOmega around the detector and solve for the lab
momentum along n; the weight is the probability density of that direction,

    w = dOmega/(4 pi) x sum_solutions dOmega*/dOmega_lab,
    dOmega*/dOmega_lab = p^2 / (gamma p* |p - beta E cos(theta)|)

(standard two-body Jacobian, e.g. Byckling & Kajantie, "Particle Kinematics" (1973) sec. III.4;
theta = angle between n and the parent velocity, E, p the N's lab energy and momentum).  Where
two lab momenta solve the kinematics (beta > beta*), one is picked at random and the weight is
doubled.  Unbiased for any observable of N restricted to the cone (checked against isotropic
sampling in tests/experiments/test_argoneut.py).
Rest-frame isotropy holds for unpolarised parents (the tau polarisation in D_s -> tau nu is
neglected, as in sources/meson_decays.py).
"""
from __future__ import annotations

import functools

import numpy as np

from hnlreach.physics.kinematics import as_generator


def cone_directions(axis, half_angle, n: int, rng):
    """n unit vectors uniform in the cone of half-angle (scalar or (n,)) around axis (n, 3) or (3,);
    returns (directions (n, 3), solid angle (n,))."""
    axis = np.broadcast_to(np.asarray(axis, dtype=float), (n, 3))
    axis = axis / np.linalg.norm(axis, axis=1, keepdims=True)
    cmin = np.cos(np.broadcast_to(np.asarray(half_angle, dtype=float), (n,)))
    c = 1.0 - rng.uniform(size=n) * (1.0 - cmin)
    s = np.sqrt(np.clip(1.0 - c * c, 0.0, None))
    phi = rng.uniform(0.0, 2.0 * np.pi, n)
    helper = np.where(np.abs(axis[:, :1]) < 0.9, [[1.0, 0.0, 0.0]], [[0.0, 1.0, 0.0]])
    e1 = np.cross(helper, axis)
    e1 /= np.linalg.norm(e1, axis=1, keepdims=True)
    e2 = np.cross(axis, e1)
    d = c[:, None] * axis + s[:, None] * (np.cos(phi)[:, None] * e1 + np.sin(phi)[:, None] * e2)
    return d, 2.0 * np.pi * (1.0 - cmin)


def lab_momenta_along(parent_p4, m: float, p_star, directions, rng):
    """Lab four-momenta (n, 4) of a daughter of mass m and rest-frame momentum p_star (n,) emitted
    along the given lab directions (n, 3), and the density dOmega*/dOmega_lab summed over the
    kinematic solutions (0 where no solution; one solution picked at random when there are two)."""
    P = np.asarray(parent_p4, dtype=float)
    E_P = P[:, 0]
    Pvec = P[:, 1:]
    Pabs = np.linalg.norm(Pvec, axis=1)
    M = np.sqrt(np.clip(E_P ** 2 - Pabs ** 2, 0.0, None))
    p_star = np.asarray(p_star, dtype=float)
    e_star = np.sqrt(p_star ** 2 + m * m)
    cos_t = np.sum(directions * Pvec, axis=1) / np.maximum(Pabs, 1e-300)
    # E_P E - |P| cos p = M e*   with E = sqrt(p^2 + m^2):  a p^2 - 2 b p + c = 0
    b_ = Pabs * cos_t
    a = E_P ** 2 - b_ ** 2
    bb = M * e_star * b_
    cc = E_P ** 2 * m * m - (M * e_star) ** 2
    disc = bb * bb - a * cc
    ok = disc >= 0
    sq = np.sqrt(np.where(ok, disc, 0.0))
    p1 = (bb + sq) / a
    p2 = (bb - sq) / a
    # a root is physical if p >= 0 and M e* + |P| cos p >= 0 (before squaring: E_P E = M e* + b p)
    good1 = ok & (p1 >= 0) & (M * e_star + b_ * p1 >= 0)
    good2 = ok & (p2 >= 0) & (M * e_star + b_ * p2 >= 0) & (sq > 0)
    n_sol = good1.astype(int) + good2.astype(int)
    pick2 = good2 & (~good1 | (rng.uniform(size=P.shape[0]) < 0.5))
    p = np.where(pick2, p2, np.where(good1, p1, 0.0))
    E = np.sqrt(p * p + m * m)
    gamma = E_P / np.maximum(M, 1e-300)
    beta = Pabs / E_P
    jac = p * p / (gamma * np.maximum(p_star, 1e-300) * np.maximum(np.abs(p - beta * E * cos_t), 1e-300))
    density = np.where(n_sol > 0, jac * n_sol, 0.0)
    out = np.empty((P.shape[0], 4))
    out[:, 0] = E
    out[:, 1:] = directions * p[:, None]
    return out, density


def target_cone(origins, volumes):
    """Axis (n, 3) and half-angle (n,) of the narrowest cone around the direction to the centre
    of the volumes' bounding box that contains all its corners, seen from each origin (full
    sphere if the origin is inside the bounding box)."""
    corners = []
    for v in volumes:
        if hasattr(v, "size"):
            ext = 0.5 * v.size
        elif hasattr(v, "axis"):  # cylinder: its exact bounding box, L/2 |a_i| + r sqrt(1 - a_i^2)
            ext = 0.5 * v.length * np.abs(v.axis) + v.radius * np.sqrt(np.clip(1.0 - v.axis ** 2, 0.0, None))
        else:
            ext = np.full(3, max(v.radius, 0.5 * getattr(v, "length", 0.0)))
        for sx in (-1, 1):
            for sy in (-1, 1):
                for sz in (-1, 1):
                    corners.append(v.center + ext * np.array([sx, sy, sz]))
    corners = np.array(corners)
    lo, hi = corners.min(axis=0), corners.max(axis=0)
    box = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
    o = np.atleast_2d(np.asarray(origins, dtype=float))
    if o.shape[0] > 1 and np.all(o == o[0]):  # one production point (a target): one cone
        axis, half = target_cone(o[:1], volumes)
        return np.repeat(axis, o.shape[0], axis=0), np.repeat(half, o.shape[0])
    axis = 0.5 * (lo + hi) - o
    axis_u = axis / np.maximum(np.linalg.norm(axis, axis=1, keepdims=True), 1e-300)
    to_c = box[None, :, :] - o[:, None, :]
    cos_c = np.sum(to_c * axis_u[:, None, :], axis=2) / np.maximum(np.linalg.norm(to_c, axis=2), 1e-300)
    half = np.arccos(np.clip(cos_c.min(axis=1), -1.0, 1.0))
    inside = np.all((o >= lo) & (o <= hi), axis=1)
    half = np.where(inside | (half > 0.5 * np.pi), np.pi, half)
    axis = np.where(inside[:, None], [[0.0, 0.0, 1.0]], axis)
    return axis, half


def directed_hnls(channel_kind: str, channel: str, mass: float, parents, origins, volumes, rng,
                  parent: str):
    """HNL lab four-momenta forced into the cone around `volumes`, with their direction weights.

    channel_kind 'direct': parent -> ... N (channel); otherwise channel_kind is the tau- channel
    of the chain parent -> tau nu, tau -> N X (the tau itself is sampled without bias)."""
    from hnlreach.sources.meson_decays import hnl_momenta_rest_frame, tau_from_parent

    rng = as_generator(rng)
    mother = parents
    if channel_kind != "direct":
        mother, channel = tau_from_parent(parents, rng, parent), channel_kind
    n = mother.shape[0]
    p_star = np.linalg.norm(hnl_momenta_rest_frame(channel, mass, n, rng)[:, 1:], axis=1)
    axis, half = target_cone(origins, volumes)
    dirs, d_omega = cone_directions(axis, half, n, rng)
    p4, dens = lab_momenta_along(mother, mass, p_star, dirs, rng)
    return p4, d_omega / (4.0 * np.pi) * dens


def aimed_hnls(channel_kind: str, channel: str, mass: float, parents, origins, volumes, rng, parent: str,
               tries: int = 64):
    """HNL lab four-momenta aimed at `volumes` by multiple tries, with their weights.

    Each parent (or the tau of parent -> tau nu) decays once in its rest frame (|p*| from the
    channel); the N's rest-frame direction is drawn `tries` times isotropically, each try boosted
    to the lab, and one of the h tries whose direction lies in the cone around the volumes
    (``target_cone``) is kept at random, with weight h / tries (0 if h = 0).  Unbiased for every
    observable of N restricted to the cone: E[(h / K) g(kept)] = E[(1/K) sum_hits g] = E[g 1_cone]
    (rest-frame isotropy of unpolarised decays), and the weights are at most 1 -- unlike the
    cone-uniform ``directed_hnls``, whose weight dOmega*/dOmega_lab diverges at the edge of the
    kinematically allowed cone."""
    rng = as_generator(rng)
    mother, p_star = aim_inputs(channel_kind, channel, mass, parents, rng, parent)
    axis, half = target_cone(origins, volumes)
    return aim(mother, mass, p_star, axis, half, tries, rng)


def aim_inputs(channel_kind: str, channel: str, mass: float, parents, rng, parent: str):
    """The mothers (parents, or the taus of parent -> tau nu) and the N's rest-frame momenta |p*|
    of one channel, as ``aim`` takes them (so that the aiming of many channels is one call)."""
    from hnlreach.sources.meson_decays import hnl_momenta_rest_frame, tau_from_parent

    mother = parents
    if channel_kind != "direct":
        mother, channel = tau_from_parent(parents, rng, parent), channel_kind
    p_star = np.linalg.norm(hnl_momenta_rest_frame(channel, mass, mother.shape[0], rng)[:, 1:], axis=1)
    return mother, p_star


def aim(mother, mass: float, p_star, axis, half, tries: int, rng):
    """aimed_hnls for given mothers (n, 4), rest-frame momenta |p*| (n,) and cones (axis (n, 3),
    half-angle (n,)): (four-momenta (n, 4), weights hits / tries), in blocks of bounded memory."""
    n, k = mother.shape[0], int(tries)
    axis = axis / np.linalg.norm(axis, axis=1, keepdims=True)
    out, w = np.empty((n, 4)), np.empty(n)
    step = max(1, _AIM_BLOCK // k)  # (parents x tries) per block: bounded memory
    for i in range(0, n, step):
        sl = slice(i, i + step)
        out[sl], w[sl] = _aim_block(mother[sl], mass, p_star[sl], axis[sl], half[sl], k, rng)
    return out, w


_AIM_BLOCK = 1 << 16  # tries boosted at once in aim (2048 HNLs x 32 tries: the arrays stay in cache)


@functools.cache
def _fibonacci_sphere(k: int) -> np.ndarray:
    """k directions (k, 3) spread evenly over the sphere (spherical Fibonacci lattice: z = 1 - (2j+1)/k,
    azimuth j x golden angle; Gonzalez, Math. Geosci. 42 (2010) 49)."""
    j = np.arange(k)
    z = 1.0 - (2.0 * j + 1.0) / k
    phi = j * np.pi * (3.0 - np.sqrt(5.0))
    r = np.sqrt(1.0 - z * z)
    return np.column_stack([r * np.cos(phi), r * np.sin(phi), z])


def _random_rotations(n, rng) -> np.ndarray:
    """n Haar-uniform rotation matrices (n, 3, 3), from uniform unit quaternions (normalised
    4-d Gaussians; Shoemake, Graphics Gems III (1992) 124)."""
    q = rng.normal(size=(n, 4))
    w, x, y, z = (q / np.linalg.norm(q, axis=1, keepdims=True)).T
    return np.stack([np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)], -1),
                     np.stack([2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)], -1),
                     np.stack([2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], -1)], 1)


def _aim_block(mother, mass, p_star, axis, half, k, rng):
    """aimed_hnls for one block of mothers: (four-momenta (n, 4), weights hits / k).  The k
    rest-frame directions of a mother are a spherical Fibonacci lattice turned by a random
    rotation R of its own: each direction is uniform on the sphere (unbiased hit count) and
    together they are stratified (a smaller spread of hits / k than k independent ones).  The lab
    momentum p = p* u + (gamma^2/(gamma+1) p* (u.b) + gamma E*) b needs only the scalars u.b and
    u.axis per try (lattice . R^T b, lattice . R^T axis); the full vector is built for the kept try.
    Mothers at rest: a direction uniform in the cone, weight its share of the sphere (1 - cos half) / 2."""
    n = mother.shape[0]
    pabs = np.linalg.norm(mother[:, 1:], axis=1)
    bhat = np.where((pabs > 0)[:, None], mother[:, 1:] / np.maximum(pabs, 1e-300)[:, None], axis)  # at rest: any axis
    beta = pabs / mother[:, 0]
    gamma = 1.0 / np.sqrt(1.0 - beta * beta)
    e_star = np.sqrt(p_star * p_star + mass * mass)
    lattice = _fibonacci_sphere(int(k))
    rot = _random_rotations(n, rng)
    c = np.einsum("nji,nj->ni", rot, bhat) @ lattice.T  # u.b = v.(R^T b) for u = R v
    u_axis = np.einsum("nji,nj->ni", rot, axis) @ lattice.T
    ps, g, b = p_star[:, None], gamma[:, None], beta[:, None]
    a_b = np.sum(bhat * axis, axis=1)[:, None]
    coef = g * g / (g + 1.0) * ps * b * c + g * e_star[:, None]  # along bhat, times beta
    along = ps * u_axis + coef * b * a_b  # p . axis
    p2 = ps * ps + 2.0 * coef * b * ps * c + (coef * b) ** 2  # |p|^2
    hit = (along >= 0) & (along * along >= (np.cos(half) ** 2)[:, None] * p2)
    h = hit.sum(axis=1)
    # the j-th hit of each mother, j uniform in 0..h-1
    pick = np.minimum((rng.uniform(size=n) * h).astype(int), np.maximum(h - 1, 0))
    col = np.argmax(np.cumsum(hit, axis=1) > pick[:, None], axis=1)
    r = np.arange(n)
    u = np.einsum("nij,nj->ni", rot, lattice[col])
    ck = c[r, col]
    pk = p_star[:, None] * u + ((gamma * gamma / (gamma + 1.0) * p_star * beta * ck + gamma * e_star) * beta)[:, None] * bhat
    out = np.empty((n, 4))
    out[:, 0] = gamma * (e_star + beta * p_star * ck)
    out[:, 1:] = pk
    w = h / k
    rest = np.flatnonzero(pabs == 0)
    if rest.size:  # at rest the lab direction is the isotropic rest-frame one: exact cone, weight its share
        d, _ = cone_directions(axis[rest], half[rest], rest.size, rng)
        out[rest, 0], out[rest, 1:] = e_star[rest], p_star[rest, None] * d
        w[rest] = 0.5 * (1.0 - np.cos(half[rest]))
    return out, w
