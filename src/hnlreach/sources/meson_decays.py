"""HNL four-momenta from meson and tau decays, boosted from arrays of parent momenta.

Two-body channels: fixed rest-frame momentum, isotropic.  Three-body channels: Dalitz points
sampled with the matrix element behind the widths of `hnlreach.physics.production`
(P -> P' l N: full |M|^2; tau -> l nu N: V-A |M|^2; P -> V l N: exact q^2 spectrum, lepton angle
in the (l N) frame taken flat; tau -> N + hadrons: the hadronic mass squared s drawn from the
crossed spectrum of `hnlreach.physics.tau_decays`, then tau -> N X(s) two-body and X -> hadrons by
flat phase space, isotropic).  Parents are unpolarised; in the chain D_s -> tau nu -> N X the
tau is fully polarised, but its polarisation is neglected here (it changes the N angular
distribution in the tau frame, not the rates).
"""
from __future__ import annotations

from functools import cache

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics import production as prod
from hnlreach.physics.constants import LEPTON_MASS, MASS
from hnlreach.physics.form_factors import VectorFormFactors
from hnlreach.physics.kinematics import (
    as_generator, boost_to_lab, dalitz_limits_m23sq, isotropic_directions, sample_recoil_and_system,
    sample_three_body, sample_two_body, two_body_momentum,
)

__all__ = ["sample_channel_rest_frame", "hnl_momenta_rest_frame", "hnl_momenta_from_parents", "hnl_momenta_from_chain",
           "tau_from_parent", "tau_production", "chain_branching_ratio"]


def _channel_and_mass(channel: str, mass: float):
    c = prod.get_channel(channel)
    m = prod._check_mass(mass)
    if m >= c.threshold:
        raise HNLInputError(f"{channel} is closed for m_N = {m:g} GeV (threshold {c.threshold:.4f} GeV)")
    return c, m


def sample_channel_rest_frame(channel: str, mass: float, n: int, rng=None):
    """n decays of `channel` in the parent rest frame: (four-momenta (n, k, 4), product names in
    that order).  Orders: two-body as in the channel name; semileptonic (N, l, X); tau -> l nu~ N
    as (N, l, nu~); tau -> nu_tau l N as (l, nu_tau, N); tau -> hadrons N as in the channel name."""
    c, m = _channel_and_mass(channel, mass)
    return _sample_rest_frame(c, m, n, as_generator(rng))


def _sample_rest_frame(c, m: float, n: int, rng):
    """sample_channel_rest_frame for a Channel object and an HNL mass m >= 0 (m = 0: the SM
    neutrino in place of N, used for the tau-producing decays of the tau chain)."""
    M = MASS[c.parent]
    if len(c.products) == 2:
        others = [MASS[p] for p in c.products if p != "N"]
        return sample_two_body(M, others[0], m, n, rng), (c.products[0], "N")
    p = c.params
    if c.kind == "tau_multihadron":
        return _tau_multihadron(c, m, n, rng), c.products
    if c.kind == "tau_leptonic":
        ml = LEPTON_MASS[p["lepton"]]
        if p["via_tau"]:  # |M|^2 ~ (p_tau.p_nu~)(p_N.p_l)
            w = lambda x, y: prod.muon_decay_matrix_element(M, m, ml, 0.0, x)  # noqa: E731
            return sample_three_body(M, (m, ml, 0.0), n, rng, weight=w), c.products
        # |M|^2 ~ (p_tau.p_N)(p_l.p_nu_tau)
        w = lambda x, y: prod.muon_decay_matrix_element(M, ml, 0.0, m, x)  # noqa: E731
        return sample_three_body(M, (ml, 0.0, m), n, rng, weight=w), c.products
    # semileptonic, order (N, l, X): m12^2 = q^2, m23^2 = (p_l + p_X)^2
    ml, mx = LEPTON_MASS[p["lepton"]], MASS[p["daughter"]]
    masses = (m, ml, mx)
    if isinstance(p["form"], VectorFormFactors):
        def w(q2, s_lx):  # exact dGamma/dq^2, flat in s_lx at fixed q^2
            lo, hi = dalitz_limits_m23sq(M, masses, q2)
            dg = prod.semileptonic_dgamma_dq2(c.parent, p["daughter"], p["form"], ml, m, q2)
            return dg / np.maximum(hi - lo, 1e-300)
    else:
        def w(q2, s_lx):
            return prod.semileptonic_matrix_element(c.parent, p["daughter"], p["form"], ml, m, s_lx, q2)
    names = ("N", c.products[1], c.products[0])
    return sample_three_body(M, masses, n, rng, weight=w), names


def _tau_multihadron(c, m: float, n: int, rng, hnl_only: bool = False) -> np.ndarray:
    """(n, k+1, 4) tau-rest-frame momenta of tau -> h_1..h_k N: s from the crossed spectrum,
    N recoiling two-body against X(s), X -> hadrons by flat phase space (GENBOD).
    hnl_only: (n, 4) N momenta only (the hadrons' phase space is not needed for a rate)."""
    from hnlreach.physics import tau_decays

    M = MASS[c.parent]
    name = c.params["class"]
    masses = [MASS[h] for h in tau_decays.CLASSES_BY_NAME[name].products]
    s = np.maximum(tau_decays.sample_s(name, m, n, rng), sum(masses) ** 2 * (1.0 + 1e-12))
    p_n, had = sample_recoil_and_system(M, m, s, masses, rng, system=not hnl_only)
    return p_n if hnl_only else np.concatenate([had, p_n[:, None, :]], axis=1)


def hnl_momenta_rest_frame(channel: str, mass: float, n: int, rng=None) -> np.ndarray:
    """n HNL four-momenta (n, 4) in the parent rest frame for a production channel."""
    c, m = _channel_and_mass(channel, mass)
    if c.kind == "tau_multihadron":
        return _tau_multihadron(c, m, n, as_generator(rng), hnl_only=True)
    p4, names = sample_channel_rest_frame(channel, mass, n, rng)
    return p4[:, names.index("N")]


def _check_parents(parent_p4) -> np.ndarray:
    p4 = np.asarray(parent_p4, dtype=float)
    if p4.ndim != 2 or p4.shape[1] != 4:
        raise HNLInputError(f"parent four-momenta must have shape (n, 4), got {p4.shape}")
    if not np.all(np.isfinite(p4)):
        raise HNLInputError("parent four-momenta contain non-finite values")
    return p4


def hnl_momenta_from_parents(channel: str, mass: float, parent_p4, rng=None) -> np.ndarray:
    """Lab-frame HNL four-momenta (n, 4): one decay `channel` per parent four-momentum (n, 4)."""
    p4 = _check_parents(parent_p4)
    rest = hnl_momenta_rest_frame(channel, mass, p4.shape[0], rng)
    return boost_to_lab(rest, p4)


@cache
def tau_production(parent: str) -> tuple:
    """SM decays parent+ -> tau+ X feeding the tau chain, as ((Channel, BR), ...): the two-body
    P+ -> tau+ nu and the semileptonic P -> X tau+ nu (B -> D(*), B_s -> D_s(*), B_c -> J/psi, eta_c,
    B -> pi, rho), each the `... tau+ N` production channel at m_N = 0 (N -> massless nu_tau).
    Missing: B -> D** tau nu and non-resonant modes (~20 % of b -> c tau nu, HFLAV 2019)."""
    out = tuple((c, float(c.branching_ratio(0.0))) for c in prod.CHANNELS.values()
                if c.parent == parent and c.flavour == "tau" and c.kind in ("leptonic", "semileptonic"))
    if not out:
        raise HNLInputError(f"{parent} has no tau decay: it cannot feed a tau chain")
    return out


@cache
def _pdgid(name: str) -> int:
    """physics.decay_sampling.product_pdgid, cached (the particle package's name look-up is slow)."""
    from hnlreach.physics.decay_sampling import product_pdgid

    return product_pdgid(name)


def tau_from_parent(parent_p4, rng=None, parent: str = "D(s)+", siblings: bool = False):
    """Lab four-momenta (n, 4) of the tau from parent+ -> tau+ X: the decays of `tau_production`
    chosen in proportion to their BRs, each sampled with its own matrix element.  siblings: also
    return the tau's siblings, {"nu": nu_tau (n, 4), "x_pdg": (n,) PDG id of the hadron of a
    semileptonic decay (0 for P+ -> tau+ nu), "x": its four-momentum (n, 4)} (the same draws)."""
    p4 = _check_parents(parent_p4)
    rng = as_generator(rng)
    chans = tau_production(parent)
    n = p4.shape[0]
    br = np.array([b for _, b in chans])
    pick = np.zeros(n, dtype=int) if br.size == 1 else rng.choice(br.size, size=n, p=br / br.sum())
    out = np.empty((n, 4))
    sib = {"nu": np.empty((n, 4)), "x_pdg": np.zeros(n, dtype=np.int64), "x": np.zeros((n, 4))}
    for i, (c, _) in enumerate(chans):
        sel = np.flatnonzero(pick == i)
        if sel.size == 0:
            continue
        rest, names = _sample_rest_frame(c, 0.0, sel.size, rng)
        if not siblings:
            out[sel] = boost_to_lab(rest[:, names.index("tau+")], p4[sel])
            continue
        lab = boost_to_lab(rest, p4[sel])
        out[sel] = lab[:, names.index("tau+")]
        sib["nu"][sel] = lab[:, names.index("N")]  # the massless N is the nu_tau
        x = [j for j, nm in enumerate(names) if nm not in ("tau+", "N")]
        if x:
            sib["x_pdg"][sel] = _pdgid(names[x[0]])
            sib["x"][sel] = lab[:, x[0]]
    return (out, sib) if siblings else out


def hnl_momenta_from_chain(tau_channel: str, mass: float, parent_p4, rng=None,
                           parent: str = "D(s)+", return_tau: bool = False):
    """HNL four-momenta (n, 4) from the chain parent -> tau X, tau -> N X' (tau_channel is a
    `tau- -> ...` channel; tau+ kinematics are identical by CP).  Tau polarisation neglected."""
    if not tau_channel.startswith("tau-"):
        raise HNLInputError(f"chain needs a tau- channel, got {tau_channel!r}")
    rng = as_generator(rng)
    tau = tau_from_parent(parent_p4, rng, parent)
    hnl = hnl_momenta_from_parents(tau_channel, mass, tau, rng)
    return (hnl, tau) if return_tau else hnl


def chain_branching_ratio(tau_channel: str, mass, parent: str = "D(s)+"):
    """BR(parent -> tau X) [SM, own formulas at m = 0, summed over `tau_production`] x BR(tau -> N X')
    per unit |U|^2 (vectorised)."""
    br_tau = sum(b for _, b in tau_production(parent))
    return br_tau * prod.channel_branching_ratio(tau_channel, mass)
