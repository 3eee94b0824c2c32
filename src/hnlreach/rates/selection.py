"""Selection of HNL decays: sample the decay products at given decay points, decay the unstable
ones down to stable particles (physics.unstable.decay_to_stable: pi0, eta, rho, omega, K_S, ...),
and apply the experiment's cuts on the charged final particles ('tracks') and its efficiency.
Padding slots of the final state carry PDG id 0 and zero four-momenta."""
from __future__ import annotations

from functools import cache

import numpy as np

from hnlreach.physics.unstable import decay_to_stable

_INVISIBLE = {12, 14, 16}


@cache
def _charge(pdgid: int) -> float:
    from particle import InvalidParticle, Particle, ParticleNotFound

    try:
        return float(Particle.from_pdgid(int(pdgid)).charge)
    except (ParticleNotFound, InvalidParticle):  # unknown to the table: neutral, not a track
        return 0.0


def track_mask(pdg) -> np.ndarray:
    """True for charged (track-forming) products; pdg is (k,) or (n, k)."""
    pdg = np.asarray(pdg)
    uniq = np.unique(pdg)
    charged = {int(p): _charge(int(p)) != 0.0 and abs(int(p)) not in _INVISIBLE for p in uniq}
    return np.vectorize(lambda p: charged[int(p)], otypes=[bool])(pdg)


def _angle(a, b):
    na = np.linalg.norm(a, axis=-1)
    nb = np.linalg.norm(b, axis=-1)
    c = np.sum(a * b, axis=-1) / np.maximum(na * nb, 1e-300)
    return np.arccos(np.clip(c, -1.0, 1.0))


def passes(selection, pdg, p4, vertices) -> np.ndarray:
    """Boolean (n,) for decay products p4 (n, k, 4) with ids pdg ((k,) or (n, k)) at vertices (n, 3)."""
    n, k = p4.shape[:2]
    tracks = np.broadcast_to(track_mask(pdg), (n, k))
    ok = np.ones(n, dtype=bool)
    if not selection.active:
        return ok
    ok &= tracks.any(axis=1)
    e = p4[..., 0]
    if selection.min_track_energy_GeV > 0:
        ok &= np.all(~tracks | (e >= selection.min_track_energy_GeV), axis=1)
    if selection.min_opening_angle_rad > 0 or selection.max_opening_angle_rad is not None:
        # the two most energetic tracks
        order = np.argsort(np.where(tracks, -e, np.inf), axis=1)
        rows = np.arange(n)
        two = tracks.sum(axis=1) >= 2
        a = p4[rows, order[:, 0], 1:]
        b = p4[rows, order[:, 1], 1:]
        ang = _angle(a, b)
        ok &= two & (ang >= selection.min_opening_angle_rad)
        if selection.max_opening_angle_rad is not None:
            ok &= ang <= selection.max_opening_angle_rad
    if selection.max_angle_to_beam_rad is not None:
        ptot = np.sum(np.where(tracks[..., None], p4[..., 1:], 0.0), axis=1)
        ok &= _angle(ptot, np.array([0.0, 0.0, 1.0])) <= selection.max_angle_to_beam_rad
    if selection.reach_volume is not None:
        vol = selection.reach_volume
        for j in range(k):  # loop over product slots, vectorised over events
            sel = tracks[:, j] & ok
            if not sel.any():
                continue
            t_in, t_out = vol.intersect(vertices[sel], p4[sel, j, 1:])
            hit = (t_out > np.maximum(t_in, 0.0))
            idx = np.nonzero(sel)[0]
            ok[idx[~hit]] = False
    return ok


def acceptance(experiment, hnl, channels_br: dict, p4_hnl, vertices, rng, decays: list | None = None) -> np.ndarray:
    """Per-HNL acceptance: sum_c BR_c x selection x efficiency, estimated by drawing ONE
    visible channel per HNL with probability BR_c / BR_vis (unbiased; weight BR_vis).

    decays: if a list is given, the products are always sampled and one dict per drawn channel
    is appended to it: channel, index (HNLs), pdg (k,), p4 (m, k, 4) (the HNL's own products),
    tree (physics.unstable.DecayTree after decaying the unstable ones), selected (m,), efficiency (m,)."""
    n = p4_hnl.shape[0]
    out = np.zeros(n)
    if n == 0 or not channels_br:
        return out
    names = list(channels_br)
    br = np.array([channels_br[c] for c in names])
    br_vis = br.sum()
    pick = rng.choice(len(names), size=n, p=br / br_vis)
    energies = p4_hnl[:, 0]
    for ic, ch in enumerate(names):
        idx = np.nonzero(pick == ic)[0]
        if idx.size == 0:
            continue
        eff = experiment.efficiency(hnl.mass, energies[idx], ch)
        if experiment.selection.active or decays is not None:
            pdg, prod = hnl.sample_decays(ch, idx.size, rng, momenta=p4_hnl[idx, 1:])
            tree = decay_to_stable(pdg, prod, rng)  # the selection sees the stable final state
            ok = passes(experiment.selection, *tree.final(), vertices[idx])
            if decays is not None:
                decays.append({"channel": ch, "index": idx, "pdg": np.asarray(pdg),
                               "p4": np.asarray(prod), "tree": tree, "selected": ok, "efficiency": eff})
        else:
            ok = np.ones(idx.size, dtype=bool)
        out[idx] = br_vis * ok * eff
    cut = getattr(experiment.selection, "max_hnl_angle_to_beam_rad", None)
    if cut is not None:  # truth-level direction of the HNL itself (e.g. seed 001: cos theta_N > 0.992)
        out *= _angle(p4_hnl[:, 1:], np.array([0.0, 0.0, 1.0])) <= cut
    return out
