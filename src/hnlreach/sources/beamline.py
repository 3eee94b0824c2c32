"""Mesons decaying in flight along a neutrino beamline, reconstructed from the published nu flux by parent.

The method (generalised from the T2K ND280 HNL analysis, arXiv:1902.07598, and seed 003's
supplement): a collaboration's flux-by-parent release gives dPhi_nu/dE at the detector from the
two-body decays P -> l nu of one parent species P (e.g. nu_mu from K+, T2K PRD 87 (2013) 012001;
MiniBooNE arXiv:0806.1449).  The same parents make HNLs through P -> l N and P -> P' l N, so
the parents' momentum spectrum is reconstructed from that flux and the HNLs are produced from it:

* Parents move along the beam axis (ideal focusing; the horn-focused parents' angular spread is
  neglected) from the target and decay in the decay region s0 <= s <= s1 (distance along the
  axis); the decay point follows the exponential law with decay length (p/m) c tau, truncated to
  the region (parents counted are the ones decaying in it).
* Forward model (point-detector estimator of beam-line flux codes, e.g. the NuMI/BNB flux
  simulations' "weight to location"): a parent of Lorentz factor gamma decaying at distance L
  from the reference point, at angle theta to its direction, gives there
      dPhi = BR(P -> l nu) / (4 pi L^2) x dOmega*/dOmega,  dOmega*/dOmega = 1/(gamma^2 (1 - beta cos theta)^2),
  with E_nu = p*/(gamma (1 - beta cos theta)) (massless two-body kinematics, PDG Kinematics sec. 49.4).
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
BR(P -> mu nu) is the SM width ratio of `physics.production` (the same Lagrangian that gives the
HNL channels), so the HNL/nu ratio is Shrock's.  The flux by parent may also hold the three-body
K_mu3 neutrinos (5 % of the K+ -> nu_mu); they are treated as two-body ones (a 5 % excess of
reconstructed kaons, concentrated at low E_nu).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics.constants import HBAR_GEV_S, HBARC_GEV_M, LEPTON_MASS, LIFETIME_S, MASS, kallen
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


def _response(parent: str, lepton: str, pipe: DecayPipe, reference, p_edges, e_edges,
              n_sub: int = 8, n_s: int = 24):
    """K[i, j]: nu flux [per cm^2] in energy bin i per parent decaying in the pipe from momentum
    bin j (log-uniform in the bin, decay point from the truncated exponential)."""
    m = MASS[_CONJ.get(parent, parent)]
    p_star = np.sqrt(kallen(m * m, LEPTON_MASS[lepton] ** 2, 0.0)) / (2.0 * m)
    br = nu_branching_ratio(parent, lepton)
    ctau = ctau_m(parent)
    lo, hi = np.log(p_edges[:-1]), np.log(p_edges[1:])
    u_p = (np.arange(n_sub) + 0.5) / n_sub
    p = np.exp(lo[:, None] + (hi - lo)[:, None] * u_p[None, :])  # (nb, n_sub)
    u_s = (np.arange(n_s) + 0.5) / n_s
    s = pipe.decay_distances(p[..., None], m, ctau, u_s[None, None, :])  # (nb, n_sub, n_s)
    E, f = _kernel_terms(p[..., None], m, p_star, s, pipe, reference)
    f = f * br * 1e-4 / (n_sub * n_s)  # per m^2 -> per cm^2, averaged
    K = np.zeros((e_edges.size - 1, p_edges.size - 1))
    ib = np.digitize(E, e_edges) - 1
    ok = (ib >= 0) & (ib < e_edges.size - 1)
    jb = np.broadcast_to(np.arange(p_edges.size - 1)[:, None, None], E.shape)
    np.add.at(K, (ib[ok], jb[ok]), f[ok])
    return K


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
    p_star = np.sqrt(kallen(m * m, LEPTON_MASS[lepton] ** 2, 0.0)) / (2.0 * m)
    e_edges = np.geomspace(max(e_t[0], 1e-3), e_t[-1], n_bins + 1)
    fine = np.geomspace(e_edges[0], e_edges[-1], 20 * n_bins + 1)
    phi_f = interpolate_flux(fine, e_t, v_t)
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (phi_f[1:] + phi_f[:-1]) * np.diff(fine))])
    target = np.diff(np.interp(e_edges, fine, cum))  # nu / cm^2 / POT per energy bin
    # forward E_nu ~ p (E + p) / m x p*/p: momentum range covering the energy range
    p_edges = np.geomspace(e_edges[0] * m / (2 * p_star), e_edges[-1] * m / (2 * p_star) * 1.2, n_bins + 1)
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

