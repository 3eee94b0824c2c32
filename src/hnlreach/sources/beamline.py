"""Mesons decaying in flight along a neutrino beamline, reconstructed from the published nu flux by parent.

The method (generalised from the T2K ND280 HNL analysis, arXiv:1902.07598, and Liu et al.'s (arXiv:2412.15051)
supplement): a collaboration's flux-by-parent release gives dPhi_nu/dE at the detector from the
decays of one parent species P (e.g. nu_mu from K+ -> mu+ nu and K+ -> pi0 mu+ nu, T2K PRD 87
(2013) 012001; MiniBooNE arXiv:0806.1449).  The same parents make HNLs through P -> l N and P -> P' l N, so
the parents' momentum spectrum is reconstructed from that flux and the HNLs are produced from it:

* Parents move along the beam axis (ideal focusing; the horn-focused parents' angular spread is
  neglected) from the target and decay in the decay region s0 <= s <= s1 (distance along the
  axis); the decay point follows the exponential law with decay length (p/m) c tau, truncated to
  the region (parents counted are the ones decaying in it).
* Forward model (point-detector estimator of beam-line flux codes, e.g. the NuMI/BNB flux
  simulations' "weight to location"): a parent of Lorentz factor gamma decaying at distance L
  from the reference point, at angle theta to its direction, gives there
      dPhi = BR / (4 pi L^2) x dOmega*/dOmega,  dOmega*/dOmega = 1/(gamma^2 (1 - beta cos theta)^2),
  with E_nu = p*/(gamma (1 - beta cos theta)) (massless daughter, PDG Kinematics sec. 49.4); BR is
  the sum of the parent's nu modes (`nu_modes`: P -> l nu and, for kaons, K_l3), all with the
  two-body p* (`effective_two_body` says why).
* The decays per POT in momentum bins, n_j, solve Phi_i = sum_j K_ij n_j (K from the formula
  above, averaged over decay points and momenta inside a bin) by Richardson-Lucy iterations
  (multiplicative, keeps n_j >= 0; Lucy 1974, AJ 79, 745), started from a flat spectrum.

Limit of validity: the nu flux fixes the parents' momenta but not their angular spread.  Daughters
with rest-frame momentum p* fly within ~ p*/p of the parent's line; nu (p* = 236 MeV for K) and
light HNLs are spread far wider than the horn-focused parents' divergence, but an HNL near the
kinematic end point (p* -> 0) follows its parent, and ideal focusing then overestimates its flux
(docs/validation/nd280-mixing-validation: ours/T2K drops below 1 within ~ 40 MeV of the end point).

Sampled parents then decay isotropically in their rest frame; `engine.produce` forces each HNL
towards the fiducial volumes (`sources.directed`) with its exact two- or three-body kinematics.
The nu branching ratios are the SM widths of `physics.production` at m_N -> 0 (the same Lagrangian
that gives the HNL channels).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics.constants import HBAR_GEV_S, HBARC_GEV_M, LEPTON_MASS, LIFETIME_S, MASS
from hnlreach.physics.kinematics import as_generator

_CONJ = {"K-": "K+", "pi-": "pi+"}


def ctau_m(parent: str) -> float:
    """c tau [m] of a long-lived parent (PDG lifetime)."""
    key = _CONJ.get(parent, parent)
    if key not in LIFETIME_S:
        raise HNLInputError(f"no lifetime for parent {parent!r}: a beamline source needs a long-lived parent")
    return LIFETIME_S[key] * HBARC_GEV_M / HBAR_GEV_S


def nu_branching_ratio(parent: str, lepton: str = "mu") -> float:
    """BR(P+ -> l+ nu) in the SM: Shrock's width at m_N = 0 over the PDG total width."""
    from hnlreach.physics.constants import V_CKM
    from hnlreach.physics.production import leptonic_width

    key = _CONJ.get(parent, parent)
    ckm = {"pi+": V_CKM["u", "d"], "K+": V_CKM["u", "s"]}
    if key not in ckm:
        raise HNLInputError(f"a beamline source's parent must be pi+- or K+-, got {parent!r}")
    width = leptonic_width(key, LEPTON_MASS[lepton], 0.0, ckm[key])
    return float(width * LIFETIME_S[key] / HBAR_GEV_S)


@dataclass(frozen=True)
class DecayPipe:
    """Target position, unit beam axis, decay region [s0, s1] along the axis [m] (experiment frame)."""

    target_m: np.ndarray
    axis: np.ndarray
    decay_start_m: float
    decay_end_m: float

    def __post_init__(self):
        a = np.asarray(self.axis, dtype=float)
        if not (np.linalg.norm(a) > 0 and self.decay_end_m > self.decay_start_m >= 0.0):
            raise HNLInputError(f"decay pipe needs a non-zero axis and 0 <= decay_start_m < decay_end_m, got {self}")
        object.__setattr__(self, "axis", a / np.linalg.norm(a))
        object.__setattr__(self, "target_m", np.asarray(self.target_m, dtype=float))

    def decay_distances(self, p, mass: float, ctau: float, u):
        """Distances s along the axis from the target, truncated exponential at uniforms u."""
        lam = np.asarray(p) / mass * ctau
        prob = -np.expm1(-(self.decay_end_m - self.decay_start_m) / lam)
        return self.decay_start_m - lam * np.log1p(-np.asarray(u) * prob)


def _kernel_terms(p, parent_mass, p_star, s, pipe: DecayPipe, reference):
    """E_nu and dOmega*/dOmega / (4 pi L^2) [1/m^2] for parents of momentum p decaying at axial
    distance s (broadcast arrays), seen from `reference`."""
    pos = pipe.target_m + s[..., None] * pipe.axis
    r = np.asarray(reference, dtype=float) - pos
    L = np.linalg.norm(r, axis=-1)
    cos_t = (r @ pipe.axis) / L
    E = np.hypot(p, parent_mass)
    gamma, beta = E / parent_mass, p / E
    one_m = 1.0 - beta * cos_t
    return p_star / (gamma * one_m), 1.0 / (gamma * one_m) ** 2 / (4.0 * np.pi * L * L)


@dataclass
class ParentSpectrum:
    """Parents decaying in the pipe per POT, in momentum bins (edges [GeV], decays (n_bins,))."""

    parent: str
    edges: np.ndarray
    decays: np.ndarray
    pipe: DecayPipe
    reference: np.ndarray  # where the nu flux it reproduces is given [m]

    @property
    def per_pot(self) -> float:
        return float(self.decays.sum())

    def sample(self, n: int, rng=None):
        """n parents: (four-momenta (n, 4) along the axis, decay points (n, 3)); each one stands
        for per_pot / n decays per POT."""
        rng = as_generator(rng)
        pr = self.decays / self.decays.sum()
        k = rng.choice(pr.size, size=n, p=pr)
        p = np.exp(rng.uniform(np.log(self.edges[k]), np.log(self.edges[k + 1])))
        # within a bin: log-uniform (the reconstruction's bin average uses the same density)
        m = MASS[self.parent]
        s = self.pipe.decay_distances(p, m, ctau_m(self.parent), rng.uniform(size=n))
        p4 = np.empty((n, 4))
        p4[:, 0] = np.hypot(p, m)
        p4[:, 1:] = p[:, None] * self.pipe.axis
        return p4, self.pipe.target_m + s[:, None] * self.pipe.axis


_M_NU = 1e-5  # GeV: the production channels at a negligible N mass are the SM nu modes


def nu_modes(parent: str, lepton: str = "mu", n_quantiles: int = 32):
    """The parent's decays into a nu of flavour `lepton`: [(channel, BR, rest-frame nu momenta)],
    the momenta as n_quantiles equal-probability values for three-body modes (K_l3: matrix element of
    physics.production, 20000 decays drawn with a fixed seed), one value for two-body ones."""
    from hnlreach.physics import production as prod
    from hnlreach.sources.meson_decays import hnl_momenta_rest_frame

    key = _CONJ.get(parent, parent)
    if key not in ("K+", "pi+"):
        raise HNLInputError(f"a beamline source's parent must be pi+- or K+-, got {parent!r}")
    out = []
    for name, c in prod.CHANNELS.items():
        if c.parent != key or c.flavour != lepton:
            continue
        br = float(prod.channel_branching_ratio(name, _M_NU))
        if br <= 1e-4:  # K -> e nu (1.6e-5), pi -> e nu (1.2e-4): negligible next to the others
            continue
        p = np.sort(np.linalg.norm(hnl_momenta_rest_frame(name, _M_NU, 20_000, np.random.default_rng(12345))[:, 1:],
                                   axis=1))
        if len(c.products) == 2:
            out.append((name, br, p[:1]))
        else:
            q = (np.arange(n_quantiles) + 0.5) / n_quantiles
            out.append((name, br, np.quantile(p, q)))
    if not out:
        raise HNLInputError(f"{parent} has no decay into a {lepton} neutrino")
    return out


def _response(parent: str, lepton: str, pipe: DecayPipe, reference, p_edges, e_edges,
              n_sub: int = 8, n_s: int = 24):
    """K[i, j]: nu flux [per cm^2] in energy bin i per parent decaying in the pipe from momentum
    bin j (log-uniform in the bin, decay point from the truncated exponential), summed over the
    parent's nu modes."""
    m = MASS[_CONJ.get(parent, parent)]
    ctau = ctau_m(parent)
    lo, hi = np.log(p_edges[:-1]), np.log(p_edges[1:])
    u_p = (np.arange(n_sub) + 0.5) / n_sub
    p = np.exp(lo[:, None] + (hi - lo)[:, None] * u_p[None, :])  # (nb, n_sub)
    u_s = (np.arange(n_s) + 0.5) / n_s
    s = pipe.decay_distances(p[..., None], m, ctau, u_s[None, None, :])  # (nb, n_sub, n_s)
    K = np.zeros((e_edges.size - 1, p_edges.size - 1))
    jb = np.broadcast_to(np.arange(p_edges.size - 1)[:, None, None], s.shape)
    p_star, br = effective_two_body(parent, lepton)
    E, f = _kernel_terms(p[..., None], m, p_star, s, pipe, reference)
    f = f * br * 1e-4 / (n_sub * n_s)  # per m^2 -> per cm^2, averaged
    ib = np.digitize(E, e_edges) - 1
    ok = (ib >= 0) & (ib < e_edges.size - 1)
    np.add.at(K, (ib[ok], jb[ok]), f[ok])
    return K


def effective_two_body(parent: str, lepton: str = "mu"):
    """(p*, BR) of the kernel: every nu mode of the parent (`nu_modes`) counted with the two-body
    momentum p* of P -> l nu.  Why not the three-body K_l3 kinematics: a kaon's K_mu3 nu (3.3 % of
    its decays, 5 % of its nu_mu) are softer than its K_mu2 ones, so low-energy flux can come from
    slow kaons (K_mu2) or from fast ones (K_mu3); the flux alone cannot tell them apart and the
    unfolding then drifts (tested: a known kaon population is not recovered).  With the K_mu3 nu
    counted at two-body momentum the kaon number is right (BR sum) and the spectrum well defined;
    the price is a slightly too soft kaon spectrum.  Modes dominated by three-body decays
    (nu_e from K: K_e3 is 3000x K_e2) are refused."""
    modes = nu_modes(parent, lepton)
    two = [(p[0], br) for name, br, p in modes if p.size == 1]
    total = sum(br for _, br, _ in modes)
    if not two or two[0][1] < 0.5 * total:
        raise HNLInputError(f"the {lepton} neutrinos of {parent} come mostly from three-body decays: "
                            "a flux by parent of them cannot be unfolded into parents (use nu_mu)")
    return two[0][0], total


def reconstruct_parents(parent: str, energies, flux, pipe: DecayPipe, reference, lepton: str = "mu",
                        n_bins: int = 80, iterations: int = 400) -> ParentSpectrum:
    """Parents decaying in the pipe per POT by momentum, reproducing the nu flux by parent
    `flux` [nu / cm^2 / POT / GeV] at `energies` [GeV] seen at `reference` (module docstring)."""
    from hnlreach.sources.neutrino_flux import interpolate_flux

    e_t = np.asarray(energies, dtype=float)
    v_t = np.clip(np.asarray(flux, dtype=float), 0.0, None)
    if e_t.ndim != 1 or e_t.size < 3 or not np.all(np.diff(e_t) > 0) or not np.any(v_t > 0):
        raise HNLInputError("flux by parent needs >= 3 increasing energies with a positive flux")
    m = MASS[_CONJ.get(parent, parent)]
    p_star, _ = effective_two_body(parent, lepton)
    e_edges = np.geomspace(max(e_t[0], 1e-3), e_t[-1], n_bins + 1)
    fine = np.geomspace(e_edges[0], e_edges[-1], 20 * n_bins + 1)
    phi_f = interpolate_flux(fine, e_t, v_t)
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (phi_f[1:] + phi_f[:-1]) * np.diff(fine))])
    target = np.diff(np.interp(e_edges, fine, cum))  # nu / cm^2 / POT per energy bin
    # momentum range: the two-body forward E_nu = p* (E + p) / m spans the energy range (a parent whose
    # two-body nu fall outside it would be constrained by its three-body nu only)
    x = np.array([e_edges[0], e_edges[-1]]) * m / p_star  # E + p
    p_lo, p_hi = np.maximum((x * x - m * m) / (2.0 * x), 1e-3 * m)
    p_edges = np.geomspace(p_lo, p_hi, n_bins + 1)
    K = _response(parent, lepton, pipe, reference, p_edges, e_edges)
    col = K.sum(axis=0)
    live = col > 0
    n = np.where(live, target.sum() / np.maximum(col, 1e-300) / live.sum(), 0.0)
    for _ in range(iterations):  # Richardson-Lucy
        pred = K @ n
        ratio = np.divide(target, pred, out=np.zeros_like(target), where=pred > 0)
        n = np.where(live, n * (K.T @ ratio) / np.maximum(col, 1e-300), 0.0)
    return ParentSpectrum(parent, p_edges, n, pipe, np.asarray(reference, dtype=float))


def point_flux(parents, points, reference, mass: float, p_star, rng=None):
    """Energies and flux per decay [per cm^2] at `reference` of a daughter of mass `mass` and
    rest-frame momentum p_star emitted towards it by parents (n, 4) decaying at points (n, 3):
    dOmega*/dOmega / (4 pi L^2) summed over kinematic solutions (sources.directed)."""
    from hnlreach.sources.directed import lab_momenta_along

    rng = as_generator(rng)
    r = np.asarray(reference, dtype=float) - points
    L = np.linalg.norm(r, axis=1)
    p4, dens = lab_momenta_along(parents, mass, np.broadcast_to(p_star, (len(L),)), r / L[:, None], rng)
    return p4[:, 0], dens / (4.0 * np.pi * L * L) * 1e-4


