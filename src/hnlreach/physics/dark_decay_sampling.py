"""Polarised decays of the HNLs of a dark-neutrino sector: kinematics sampled from the same amplitudes as
the widths of hnlreach.physics.dark_decays, for the helicity each HNL was produced with.

For the engine (one call per HNL species and batch):

    out = sample_dark_decay(model, j, helicity, p_N, rng=None, channels=None, anti=False)

    model     hnlreach.models.DarkSector;  j: 4, 5 or 6 (the decaying N_j)
    helicity  (n,) or scalar in [-1, 1]: the N_j polarisation along its lab momentum (+1, -1: helicity
              states from upscattering, model_xsec(helicity=...); 0: unpolarised)
    p_N       (n, 4) lab four-momenta of N_j [GeV]
    channels  names of decay_channels(model, j) to sample (default: all); e.g. visible_channels(model, j)
    anti      N-bar of a Dirac sector: the CP image (pdg codes conjugated, helicity reversed; real couplings)
    returns DarkDecays: channels (tuple of names), channel (n,) index into it, momenta (n, 3, 4) lab
              four-momenta of [neutral daughter a, second, third product] (zeros where absent), pdg (n, 3)
              (0 where absent), daughter_helicity (n,) (N_i daughters: helicity in the N_j rest frame, +-1;
              0 for light neutrinos), weights (n,) with mean sum(Gamma_selected) / Gamma_total.

Channels (decay_channels) are those of dark_decays.partial_widths with a two-body Z' or h' resolved into its
decays: "N4 -> nu_mu Z'(-> e+ e-)", "N4 -> nu_mu Z'(-> N4 N4)" (Z' left undecayed, PDG 32), ...  Each event
gets a channel with probability Gamma_c / sum(Gamma_selected).

Distributions (N_j rest frame, spin along the lab momentum, density matrix diag((1+P)/2, (1-P)/2)):
* three-body N_j -> a l- l+ (off-shell Z', h', gamma*): dGamma = |M_s|^2 dPhi_3 / 2m with |M_s|^2 of
  dark_decays.msq_three_body (explicit spinors; the spin projector (1 + gamma5 sslash)/2 of the N_j is the
  spinor u(p, s)); (q^2, cos theta*) from a grid of the spin-averaged density (weights correct the grid to
  the exact density), the orientation by accept-reject on |M_s|^2 / <|M|^2> <= 2 (exact);
* N_j -> a Z'/h' with Z'/h' -> l- l+: the same amplitude at q^2 = M^2 (narrow width), so the Z' spin
  correlations are kept;
* two-body N_j -> a gamma, a Z'(undecayed): dGamma/dcos = Gamma/2 (1 + alpha P cos theta_a), alpha from
  the helicity amplitudes (dark_decays.two_body_angular), sampled exactly;
* Majorana N_j -> light nu X: nu and nu-bar each with probability 1/2 (equal widths, CP), each with its own
  amplitude (the nu-bar one has the other chirality; their angular terms cancel in the sum);
* mass-mixing channels ("... (mixing)"): hnlreach.physics.decay_sampling.sample_decay (spin-averaged
  three-body matrix elements; two-body polarised where it has an analysing power).
The daughter N_i helicity is defined in the N_j rest frame; its lab helicity differs by a Wigner rotation
(small when the daughter's rest-frame momentum is along the boost).  PDG codes: N4, N5, N6 = 9900012,
9900014, 9900016 (PYTHIA 8's nu_R), Z' 32, h' 35.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.models.dark_sector import FLAVOURS, DarkSector
from hnlreach.physics import dark_decays as dd
from hnlreach.physics.constants import LEPTON_MASS, kallen
from hnlreach.physics.kinematics import as_generator, boost_to_lab, gauss_legendre

__all__ = ["DarkDecays", "sample_dark_decay", "decay_channels", "visible_channels", "polarised_dgamma_dcos"]

NU_PDG = {"e": 12, "mu": 14, "tau": 16}
N_PDG = {4: 9900012, 5: 9900014, 6: 9900016}
LEPTON_PDG = {"e": 11, "mu": 13, "tau": 15}
X_PDG = {"Z'": 32, "h'": 35, "gamma": 22}
N_T, N_C = 48, 16  # grid cells in the mapped q^2 variable (per segment) and in cos theta*


@dataclass(frozen=True)
class DarkDecays:
    """Sampled decays (see module docstring)."""
    channels: tuple
    channel: np.ndarray
    momenta: np.ndarray
    pdg: np.ndarray
    daughter_helicity: np.ndarray
    weights: np.ndarray


# --- channel list ---------------------------------------------------------------------------------
_RE = re.compile(r"^N(\d) -> (nu_e|nu_mu|nu_tau|N\d) (Z'|h'|gamma|(e|mu|tau)\+ (e|mu|tau)-)$")


def _parse(name):
    """Dark channel name -> (a index 0..5, X or lepton flavour, kind 'two'|'three'); None for mixing channels."""
    m = _RE.match(name)
    if m is None:
        return None
    label = m.group(2)
    a = FLAVOURS.index(label[3:]) if label.startswith("nu_") else int(label[1:]) - 1
    if m.group(4):
        return a, m.group(4), "three"
    return a, m.group(3), "two"


def decay_channels(model: DarkSector, j: int = 4) -> dict[str, float]:
    """Channel -> partial width [GeV] of N_j, with N_j -> a Z'/h' split by the Z'/h' decays (module docstring);
    the widths add up to dark_decays.total_width."""
    out = {}
    for name, w in dd.partial_widths(model, j).items():
        p = _parse(name)
        if p is not None and p[2] == "two" and p[1] in ("Z'", "h'"):
            sub = dd.zprime_widths(model) if p[1] == "Z'" else dd.hprime_widths(model)
            tot = sum(sub.values())
            if tot <= 0:
                out[name] = w
                continue
            for sname, sw in sub.items():
                out[f"{name}({sname[3:].strip()})"] = w * sw / tot
        else:
            out[name] = w
    return out


def visible_channels(model: DarkSector, j: int = 4) -> list[str]:
    """Channels of decay_channels with a charged lepton or a photon in the final state."""
    return [c for c in decay_channels(model, j)
            if "gamma" in c or re.search(r"(e|mu|tau)[+-]", c) or "pi" in c]


# --- two-body angular distributions ---------------------------------------------------------------
def polarised_dgamma_dcos(model, j, channel, polarisation, cos):
    """dGamma/dcos(theta_a) [GeV] of a two-body channel ("N4 -> nu_mu gamma", ...) for N_j polarisation P,
    theta_a the angle of the neutral daughter to the spin axis; the Majorana nu and nu-bar states summed."""
    p = _parse(channel.split("(")[0])
    if p is None or p[2] != "two":
        raise HNLInputError(f"{channel!r} is not a two-body dark channel")
    a, X, _ = p
    width = dd.partial_widths(model, j)[channel.split("(")[0]]
    cos = np.asarray(cos, dtype=float)
    conjs = (False, True) if (model.majorana and a < 3) else (False,)
    out = 0.0
    for conj in conjs:
        A, B = dd.two_body_angular(model, j, a, X, conjugate=conj)
        out = out + width / len(conjs) * 0.5 * (1.0 + (B.sum() / A.sum()) * polarisation * cos)
    return out


# --- geometry helpers ------------------------------------------------------------------------------
def _frames(p_N):
    """Rotation matrices (n, 3, 3) taking +z to the direction of p_N (+z for a particle at rest)."""
    p = p_N[:, 1:]
    r = np.linalg.norm(p, axis=1)
    z = np.where(r[:, None] > 0, p / np.where(r > 0, r, 1.0)[:, None], np.array([0.0, 0.0, 1.0]))
    helper = np.where(np.abs(z[:, :1]) < 0.9, np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]))
    x = np.cross(helper, z)
    x /= np.linalg.norm(x, axis=1)[:, None]
    y = np.cross(z, x)
    return np.stack([x, y, z], axis=-1)


def _rotate(R, p4):
    """Apply rotations R (n, 3, 3) to four-vectors p4 (n, 4)."""
    out = p4.copy()
    out[:, 1:] = np.einsum("nij,nj->ni", R, p4[:, 1:])
    return out


def _random_rotations(n, rng):
    """Haar-uniform rotation matrices (n, 3, 3)."""
    q = rng.standard_normal((n, 4))
    q /= np.linalg.norm(q, axis=1)[:, None]
    w, x, y, z = q.T
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)], -1),
        np.stack([2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)], -1),
        np.stack([2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], -1)], axis=-2)


# --- three-body (and Z'/h' -> l l at q^2 = M^2) ---------------------------------------------------------
def _grid(model, j, a, lepton, include, conj, q2_fixed):
    """Cells of the spin-averaged density in (t, cos theta*): (t_lo, t_hi, map, c_lo, c_hi, density), map
    t -> (q^2, dq^2/dt).  q2_fixed: a single q^2 (narrow-width Z'/h'), cos only."""
    m = model.mass(j)
    m_a = 0.0 if a < 3 else model.mass(a + 1)
    ml = LEPTON_MASS[lepton]
    ce = np.linspace(-1.0, 1.0, N_C + 1)
    if q2_fixed is not None:
        segs = [(0.0, 1.0, lambda t: (np.full_like(t, q2_fixed), np.ones_like(t)))]
    else:
        lo, hi = 4 * ml * ml, (m - m_a) ** 2
        poles = []
        if "Z'" in include and model.mzprime is not None:
            poles.append((model.mzprime ** 2, model.mzprime * max(dd._zprime_total(model), 1e-300)))
        segs = []
        for a_, b_, pole in dd._segments(lo, hi, poles, "gamma" in include and bool(model.dipole_vertex[a, j - 1])):
            if pole is not None:
                M2, MG = pole
                segs.append((math.atan((a_ - M2) / MG), math.atan((b_ - M2) / MG),
                             lambda t, M2=M2, MG=MG: (M2 + MG * np.tan(t), MG / np.cos(t) ** 2)))
            elif a_ > 0 and b_ / a_ > 10:
                segs.append((math.log(a_), math.log(b_), lambda t: (np.exp(t), np.exp(t))))
            else:
                segs.append((a_, b_, lambda t: (t, np.ones_like(t))))
    cells = []
    for ta, tb, tmap in segs:
        nt = 1 if q2_fixed is not None else N_T
        te = np.linspace(ta, tb, nt + 1)
        tc, cc = np.meshgrid(0.5 * (te[1:] + te[:-1]), 0.5 * (ce[1:] + ce[:-1]), indexing="ij")
        q2, jac = tmap(tc.ravel())
        f = _density(model, j, a, lepton, include, conj, q2, cc.ravel()) * jac
        for k, (i_t, i_c) in enumerate(np.ndindex(nt, N_C)):
            cells.append((te[i_t], te[i_t + 1], tmap, ce[i_c], ce[i_c + 1], f[k]))
    return cells


def _density(model, j, a, lepton, include, conj, q2, cos):
    """Spin-averaged dGamma/dq^2 dcos (or its cos shape at fixed q^2) for one of nu / nu-bar."""
    return dd.dgamma_three_body(model, j, a, lepton, q2, cos, include=include, conjugate=conj)


def _sample_three_body(model, j, a, lepton, include, conj, pol, rng, q2_fixed=None):
    """Rest-frame (spin along +z) momenta ka, k2 (l-), k3 (l+) (n, 4), the daughter helicity (n,) and the
    grid-correction weights (n,) (mean 1)."""
    n = pol.shape[0]
    m = model.mass(j)
    m_a = 0.0 if a < 3 else model.mass(a + 1)
    ml = LEPTON_MASS[lepton]
    cells = _grid(model, j, a, lepton, include, conj, q2_fixed)
    area = np.array([(c[1] - c[0]) * (c[4] - c[3]) for c in cells])
    dens = np.array([c[5] for c in cells])
    prob = np.maximum(dens, 0.0) * area
    total = prob.sum()
    if not total > 0:
        raise HNLInputError(f"N{j} -> {lepton}+ {lepton}- has no phase space to sample")
    k = rng.choice(len(cells), size=n, p=prob / total)
    u1, u2 = rng.random(n), rng.random(n)
    t = np.empty(n)
    q2 = np.empty(n)
    jac = np.empty(n)
    cos = np.empty(n)
    for idx in np.unique(k):
        sel = k == idx
        ta, tb, tmap, ca, cb, _ = cells[idx]
        t[sel] = ta + (tb - ta) * u1[sel]
        q2[sel], jac[sel] = tmap(t[sel])
        cos[sel] = ca + (cb - ca) * u2[sel]
    f = _density(model, j, a, lepton, include, conj, q2, cos) * jac
    g = dens[k] / total  # sampling density per unit (t, cos) (piecewise constant)
    weights = f / g  # divided by the exact integral (_integral) by the caller
    ka0, k20, k30, _, _ = dd._pair_kinematics(m, m_a, ml, q2, cos)
    # orientation: accept-reject on |M_s|^2 / <|M|^2>
    ka, k2, k3 = ka0.copy(), k20.copy(), k30.copy()
    hel = np.zeros(n, dtype=int)
    todo = np.arange(n)
    for _ in range(200):
        R = _random_rotations(todo.size, rng)
        ra, r2, r3 = _rotate(R, ka0[todo]), _rotate(R, k20[todo]), _rotate(R, k30[todo])
        msq = dd.msq_three_body(model, j, a, lepton, ra, r2, r3, include=include, conjugate=conj, q2=q2[todo])
        p = pol[todo][None, :]
        per_h = 0.5 * (1 + p) * msq[0] + 0.5 * (1 - p) * msq[1]  # (2 h, n)
        avg = 0.5 * msq.sum(axis=(0, 1))
        ratio = per_h.sum(axis=0) / np.where(avg > 0, avg, 1.0)
        ok = rng.random(todo.size) * 2.0 <= ratio
        acc = todo[ok]
        ka[acc], k2[acc], k3[acc] = ra[ok], r2[ok], r3[ok]
        ph = per_h[1, ok] / np.where(per_h[:, ok].sum(axis=0) > 0, per_h[:, ok].sum(axis=0), 1.0)
        hel[acc] = np.where(rng.random(acc.size) < ph, 1, -1)
        todo = todo[~ok]
        if todo.size == 0:
            break
    return ka, k2, k3, hel, weights


def _integral(model, j, a, lepton, include, conj, q2_fixed):
    """Exact (Gauss-Legendre) integral of _density over the sampled region."""
    if q2_fixed is None:
        return dd.gamma_three_body(model, j, a, lepton, include=include)  # nu and nu-bar alike (CP)
    x, wx = gauss_legendre(32)
    return float(np.sum(wx * _density(model, j, a, lepton, include, conj, np.full(32, q2_fixed), x)))


# --- two-body --------------------------------------------------------------------------------------
def _sample_two_body(model, j, a, X, conj, pol, rng):
    """Rest-frame momenta of a and X (spin along +z), daughter helicity."""
    n = pol.shape[0]
    m = model.mass(j)
    m_a = 0.0 if a < 3 else model.mass(a + 1)
    M = {"Z'": model.mzprime, "h'": model.mhprime, "gamma": 0.0}[X]
    A, B = dd.two_body_angular(model, j, a, X, conjugate=conj)
    alpha = B.sum() / A.sum()
    k = alpha * pol
    u = rng.random(n)
    small = np.abs(k) < 1e-9
    ks = np.where(small, 1.0, k)
    disc = np.maximum(1.0 - 2.0 * ks * (1.0 - 0.5 * ks - 2.0 * u), 0.0)
    cos = np.where(small, 2 * u - 1, (-1.0 + np.sqrt(disc)) / ks)
    cos = np.clip(cos, -1.0, 1.0)
    phi = 2 * math.pi * rng.random(n)
    p = math.sqrt(kallen(m * m, m_a * m_a, M * M)) / (2 * m)
    sin = np.sqrt(1 - cos * cos)
    d = np.stack([sin * np.cos(phi), sin * np.sin(phi), cos], -1) * p
    ka = np.concatenate([np.sqrt(p * p + m_a * m_a) * np.ones((n, 1)), d], -1)
    kx = np.concatenate([np.sqrt(p * p + M * M) * np.ones((n, 1)), -d], -1)
    rate_h = A[None, :] + B[None, :] * (pol * cos)[:, None]  # (n, 2) over h = -1, +1
    p_plus = rate_h[:, 1] / np.where(rate_h.sum(1) > 0, rate_h.sum(1), 1.0)
    hel = np.where(rng.random(n) < p_plus, 1, -1)
    return ka, kx, hel


# --- the sampler ----------------------------------------------------------------------------------
def _mixing_hnl(model, j):
    from hnlreach.model import HNL
    mix = tuple(model.U.get((f, j), 0.0) ** 2 for f in FLAVOURS)
    return HNL(model.mass(j), mixing=mix, majorana=model.majorana)


def sample_dark_decay(model: DarkSector, j: int, helicity, p_N, rng=None, channels=None, anti: bool = False):
    """Sample the decays of N_j with lab four-momenta p_N (n, 4) and polarisation `helicity` along them
    (module docstring).  Returns DarkDecays."""
    rng = as_generator(rng)
    p_N = np.asarray(p_N, dtype=float)
    if p_N.ndim != 2 or p_N.shape[1] != 4 or not np.all(np.isfinite(p_N)):
        raise HNLInputError(f"p_N must be a finite (n, 4) array of four-momenta, got shape {p_N.shape}")
    n = p_N.shape[0]
    pol = np.broadcast_to(np.asarray(helicity, dtype=float), (n,)).copy()
    if np.any(~np.isfinite(pol)) or np.any(np.abs(pol) > 1):
        raise HNLInputError("helicity must be in [-1, 1] (a number or one per HNL)")
    if anti:
        if model.majorana:
            raise HNLInputError("anti=True is for the N-bar of a Dirac sector; a Majorana N is its own antiparticle")
        pol = -pol
    allc = decay_channels(model, j)
    total = sum(allc.values())
    names = tuple(allc) if channels is None else tuple(channels)
    unknown = [c for c in names if c not in allc]
    if unknown:
        raise HNLInputError(f"N{j} has no decay channel {unknown[0]!r}; channels: {', '.join(allc)}")
    if not names or total <= 0:
        raise HNLInputError(f"no decay channel selected for N{j}")
    widths = np.array([allc[c] for c in names])
    br = widths.sum() / total
    which = rng.choice(len(names), size=n, p=widths / widths.sum())
    rest = np.zeros((n, 3, 4))
    pdg = np.zeros((n, 3), dtype=int)
    dhel = np.zeros(n, dtype=int)
    weights = np.full(n, br)
    m = model.mass(j)
    for ic in np.unique(which):
        sel = np.flatnonzero(which == ic)
        name = names[ic]
        base, _, sub = name.partition("(")
        parsed = _parse(base)
        if parsed is None:  # mass mixing
            prods = base.split("->")[1].replace("(mixing)", "").split()
            chan = "N -> " + " ".join(prods)
            two = len(prods) == 2
            from hnlreach.physics.decay_sampling import product_pdgid, sample_decay
            hnl = _mixing_hnl(model, j)
            ids, p4 = sample_decay(hnl, chan, sel.size, rng, polarisation=pol[sel] if two else None)
            k = min(p4.shape[1], 3)
            rest[sel, :k] = p4[:, :k]
            pdg[sel, :k] = ids[:k]
            continue
        a, X, kind = parsed
        conj = np.zeros(sel.size, dtype=bool)
        if model.majorana and a < 3:
            conj = rng.random(sel.size) < 0.5
        for c in (False, True):
            s2 = sel[conj == c]
            if s2.size == 0:
                continue
            nu_sign = -1 if c else 1
            pdg_a = nu_sign * NU_PDG[FLAVOURS[a]] if a < 3 else N_PDG[a + 1]
            if kind == "three" or sub:
                if kind == "three":
                    lep, q2f = X, None
                    inc = tuple(x for x, M in (("Z'", model.mzprime), ("h'", model.mhprime), ("gamma", 0.0))
                                if M is None or x == "gamma" or M >= m - (0.0 if a < 3 else model.mass(a + 1)))
                else:
                    mm = re.match(r"-> (e|mu|tau)\+ (e|mu|tau)-\)", sub.strip())
                    if mm is None:  # Z' -> neutral leptons: Z' left undecayed
                        ka, kx, h = _sample_two_body(model, j, a, X, c, pol[s2], rng)
                        rest[s2, 0], rest[s2, 1] = ka, kx
                        pdg[s2, 0], pdg[s2, 1], dhel[s2] = pdg_a, X_PDG[X], h * (a >= 3)
                        continue
                    lep, inc = mm.group(1), (X,)
                    q2f = (model.mzprime if X == "Z'" else model.mhprime) ** 2
                ka, k2, k3, h, w = _sample_three_body(model, j, a, lep, inc, c, pol[s2], rng, q2f)
                weights[s2] *= w / _integral(model, j, a, lep, inc, c, q2f)
                rest[s2, 0], rest[s2, 1], rest[s2, 2] = ka, k2, k3
                pdg[s2] = np.array([pdg_a, LEPTON_PDG[lep], -LEPTON_PDG[lep]])
                dhel[s2] = h * (a >= 3)
            else:
                ka, kx, h = _sample_two_body(model, j, a, X, c, pol[s2], rng)
                rest[s2, 0], rest[s2, 1] = ka, kx
                pdg[s2, 0], pdg[s2, 1], dhel[s2] = pdg_a, X_PDG[X], h * (a >= 3)
    # spin axis (+z of the rest frame) -> the lab momentum direction, then boost
    R = _frames(p_N)
    for k in range(3):
        rest[:, k] = _rotate(R, rest[:, k])
    lab = boost_to_lab(rest, p_N)
    lab[pdg == 0] = 0.0
    if anti:
        pdg = np.where((np.abs(pdg) == 22) | (np.abs(pdg) == 32) | (np.abs(pdg) == 35), pdg, -pdg)
    return DarkDecays(names, which, lab, pdg, dhel, weights)
