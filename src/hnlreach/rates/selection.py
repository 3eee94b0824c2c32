"""Selection of HNL decays: sample the decay products at given decay points, decay the unstable
ones down to stable particles (physics.unstable.decay_to_stable: pi0, eta, rho, omega, K_S, ...),
and apply the experiment's cuts on the charged final particles ('tracks') and its efficiency.
Padding slots of the final state carry PDG id 0 and zero four-momenta."""
from __future__ import annotations

from functools import cache

import numpy as np

from hnlreach.errors import HNLInputError
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
    uniq, inv = np.unique(pdg, return_inverse=True)
    charged = np.array([_charge(int(p)) != 0.0 and abs(int(p)) not in _INVISIBLE for p in uniq], dtype=bool)
    return charged[inv].reshape(pdg.shape)


def _angle(a, b):
    na = np.linalg.norm(a, axis=-1)
    nb = np.linalg.norm(b, axis=-1)
    c = np.sum(a * b, axis=-1) / np.maximum(na * nb, 1e-300)
    return np.arccos(np.clip(c, -1.0, 1.0))


def _range(ok, x, lo, hi, mask=None):
    """ok &= lo <= x <= hi (for every entry of mask along axis 1 if x is (n, k))."""
    for bound, good in ((lo, lambda v: v >= lo), (hi, lambda v: v <= hi)):
        if bound is None:
            continue
        ok &= good(x) if mask is None else np.all(~mask | good(x), axis=1)
    return ok


def passes(selection, pdg, p4, vertices, experiment=None) -> np.ndarray:
    """Boolean (n,) for decay products p4 (n, k, 4) with ids pdg ((k,) or (n, k)) at vertices (n, 3).

    Vocabulary (experiments/README.md, [selection]): number of tracks (charged products), every
    track's energy, per-species energy / momentum / angle to the beam (+z) / count, opening angle
    of the two most energetic tracks, p_T, invariant mass and transverse mass
    m_T = sqrt(m_vis^2 + p_T^2) + p_T of the visible system (p_T w.r.t. the beam axis), its angle
    to the beam, every track reaching a volume, and a plug-in."""
    n, k = p4.shape[:2]
    pdg = np.broadcast_to(np.asarray(pdg), (n, k))
    tracks = np.broadcast_to(track_mask(pdg), (n, k))
    ok = np.ones(n, dtype=bool)
    if not selection.active:
        return ok
    ntr = tracks.sum(axis=1)
    ok &= ntr >= (1 if selection.min_tracks is None else selection.min_tracks)
    ok = _range(ok, ntr, None, selection.max_tracks)
    e = p4[..., 0]
    if selection.min_track_energy_GeV > 0:
        ok &= np.all(~tracks | (e >= selection.min_track_energy_GeV), axis=1)
    if selection.species:
        pmag = np.linalg.norm(p4[..., 1:], axis=-1)
        theta = _angle(p4[..., 1:], np.array([0.0, 0.0, 1.0]))
        for c in selection.species:
            ids = np.abs(pdg) if c.by_abs else pdg
            m = tracks if c.pdg is None else np.isin(ids, list(c.pdg))
            ok = _range(ok, e, c.min_energy_GeV, c.max_energy_GeV, m)
            ok = _range(ok, pmag, c.min_momentum_GeV, c.max_momentum_GeV, m)
            ok = _range(ok, theta, c.min_angle_to_beam_rad, c.max_angle_to_beam_rad, m)
            ok = _range(ok, m.sum(axis=1), c.min_count, c.max_count)
    if selection.min_opening_angle_rad > 0 or selection.max_opening_angle_rad is not None:
        # the two most energetic tracks
        order = np.argsort(np.where(tracks, -e, np.inf), axis=1)
        rows = np.arange(n)
        two = ntr >= 2
        a = p4[rows, order[:, 0], 1:]
        b = p4[rows, order[:, 1], 1:]
        ang = _angle(a, b)
        ok &= two & (ang >= selection.min_opening_angle_rad)
        if selection.max_opening_angle_rad is not None:
            ok &= ang <= selection.max_opening_angle_rad
    vis = tracks if selection.visible == "tracks" else ~np.isin(np.abs(pdg), list(_INVISIBLE))
    ptot = np.sum(np.where(vis[..., None], p4, 0.0), axis=1)  # visible system (n, 4)
    if selection.max_angle_to_beam_rad is not None:
        ok &= _angle(ptot[:, 1:], np.array([0.0, 0.0, 1.0])) <= selection.max_angle_to_beam_rad
    pt = np.hypot(ptot[:, 1], ptot[:, 2])
    m_vis = np.sqrt(np.clip(ptot[:, 0] ** 2 - np.sum(ptot[:, 1:] ** 2, axis=1), 0.0, None))
    ok = _range(ok, pt, selection.min_pt_GeV, selection.max_pt_GeV)
    ok = _range(ok, m_vis, selection.min_invariant_mass_GeV, selection.max_invariant_mass_GeV)
    if selection.min_transverse_mass_GeV is not None or selection.max_transverse_mass_GeV is not None:
        m_t = np.sqrt(m_vis ** 2 + pt ** 2) + pt  # minimal parent mass for a massless invisible p_T balance
        ok = _range(ok, m_t, selection.min_transverse_mass_GeV, selection.max_transverse_mass_GeV)
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
    if selection.plugin is not None and ok.any():  # hnlreach.plugins: on the decays passing so far
        idx = np.nonzero(ok)[0]
        res = np.asarray(selection.plugin(pdg[idx], p4[idx], vertices[idx], experiment=experiment))
        if res.shape != idx.shape:
            raise HNLInputError(f"selection plug-in returned shape {res.shape}, expected ({idx.size},)")
        ok[idx] = res.astype(bool)
    return ok


def acceptance(experiment, hnl, channels_br: dict, p4_hnl, vertices, rng, decays: list | None = None,
               polarisation=None, owner=None) -> np.ndarray:
    """Per-HNL acceptance: sum_c BR_c x selection x efficiency, estimated by drawing ONE
    visible channel per HNL with probability BR_c / BR_vis (unbiased; weight BR_vis).

    owner: if given, vertices (m, 3) are decay points of m entries and owner (m,) the row of
    p4_hnl of each: one channel and one set of decay products per HNL, the selection applied at
    each of its entries (the strata of one line of flight; each entry's estimate stays unbiased,
    and the decay is sampled once per HNL instead of once per entry); the result is per entry.

    decays: if a list is given, the products are always sampled and one dict per drawn channel
    is appended to it: channel, index (HNLs), pdg (k,), p4 (m, k, 4) (the HNL's own products),
    tree (physics.unstable.DecayTree after decaying the unstable ones), selected (m,), efficiency (m,).
    polarisation: (n,) HNL polarisations passed to hnl.sample_decays (dark-sector HNLs, rates.dark); an HNL
    with ``weighted_decays`` returns importance weights (mean 1) that multiply the efficiency."""
    n = p4_hnl.shape[0]
    shared = owner is not None
    owner = np.arange(n) if owner is None else np.asarray(owner)
    out = np.zeros(owner.size)
    if n == 0 or owner.size == 0 or not channels_br:
        return out
    names = list(channels_br)
    br = np.array([channels_br[c] for c in names])
    br_vis = br.sum()
    pick = rng.choice(len(names), size=n, p=br / br_vis)
    energies = p4_hnl[:, 0]
    by_pick = np.argsort(pick[owner], kind="stable") if shared else None
    bounds = np.searchsorted(pick[owner][by_pick], np.arange(len(names) + 1)) if shared else None
    local = np.empty(n, dtype=int)
    for ic, ch in enumerate(names):
        idx = np.nonzero(pick == ic)[0]
        if idx.size == 0:
            continue
        ent = by_pick[bounds[ic]:bounds[ic + 1]] if shared else idx  # entries of these HNLs
        if ent.size == 0:
            continue
        local[idx] = np.arange(idx.size)
        loc = local[owner[ent]]  # row in idx of each entry
        eff = experiment.efficiency(hnl.mass, energies[idx], ch)
        sel = experiment.selection.for_channel(ch)
        if sel.active or decays is not None:
            kw = {} if polarisation is None else {"polarisation": np.asarray(polarisation)[idx]}
            if getattr(hnl, "weighted_decays", False):
                pdg, prod, wd = hnl.sample_decays(ch, idx.size, rng, momenta=p4_hnl[idx, 1:], return_weights=True, **kw)
                eff = eff * wd
            else:
                pdg, prod = hnl.sample_decays(ch, idx.size, rng, momenta=p4_hnl[idx, 1:], **kw)
            tree = decay_to_stable(pdg, prod, rng)  # the selection sees the stable final state
            f_pdg, f_p4 = tree.final()
            f_pdg = np.asarray(f_pdg)
            if shared:
                f_pdg, f_p4 = (f_pdg[loc] if f_pdg.ndim == 2 else f_pdg), f_p4[loc]
            ok = passes(sel, f_pdg, f_p4, vertices[ent], experiment)
            if decays is not None:
                decays.append({"channel": ch, "index": idx, "pdg": np.asarray(pdg),
                               "p4": np.asarray(prod), "tree": tree, "selected": ok, "efficiency": eff})
        else:
            ok = np.ones(ent.size, dtype=bool)
        out[ent] = br_vis * ok * np.broadcast_to(eff, idx.shape)[loc]
    cut = getattr(experiment.selection, "max_hnl_angle_to_beam_rad", None)
    if cut is not None:  # truth-level direction of the HNL itself (e.g. Liu et al. arXiv:2412.15051: cos theta_N > 0.992)
        out *= (_angle(p4_hnl[:, 1:], np.array([0.0, 0.0, 1.0])) <= cut)[owner]
    return out
