"""HNLs from charm made by cosmic-ray protons in the atmosphere, decaying in a deep detector
(Boiarska et al. arXiv:2107.14685 appendix B, eqs. B1, B3, B6, B7: KM3NeT as an "atmospheric beam dump").

A reweightable sample (`rates.engine.ReweightableSample`, N(g) vectorised in g = |U|^2), so the
normal scan / `hnlreach limit` machinery applies (preset ``km3net-atmospheric``, via its
``[sampler]`` table).  Per sampled primary proton (energy E_p log-uniform, zenith cos(theta)
uniform, flux eq. B1 through the detector's horizontal area S over the live time T):

1. c cbar pairs per collision sigma(pp -> c cbar X)/sigma_pp,total (eq. B3, `sources.cosmic_rays`);
   D_s per pair 2 f(c -> D_s); Br(D_s -> tau nu) (both charges, prompt decays).  Only the primary's
   first collision is counted (as in eq. B3); charm from later collisions is neglected.
2. D_s kinematics in the pp centre of mass from (1 - |x_F|)^n exp(-b p_T^2) (NA27 shape, as in
   the `charm` preset), boosted with the proton's energy; then D_s -> tau nu, tau -> N X (or
   D_s -> tau N) with the engine's decay kinematics (`sources.meson_decays`).  The N keeps the
   primary's direction (collinear approximation, angles ~ p_T/E << 1); Ns going backwards in
   the lab are dropped.
3. Production point: first-interaction slant depth X ~ exponential with the proton-air
   interaction length lambda_p, in an isothermal exponential atmosphere (scale height H,
   X_0 = 1030 g/cm^2 at sea level); flat Earth, so l = h / cos(theta).
4. Decay between the top and the bottom of the detector, along the slant path:
   l1 = l + depth / cos(theta), l2 = l + (depth + height) / cos(theta) (eq. B7 with l1, l2 made
   slant; at the lower bound N ∝ S cos(theta) x height / cos(theta) = detector volume, as in B6).
5. Acceptance: Br(N -> visible signal channels) x efficiency constant; N energies below
   min_hnl_energy_GeV (two-track resolution of KM3NeT, Boiarska et al. arXiv:2107.14685 appendix B) are dropped.
"""
from __future__ import annotations

import math

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics.constants import MASS, M_PROTON
from hnlreach.physics.kinematics import as_generator

YEAR_S = 3.15576e7  # Julian year [s]
SEA_LEVEL_DEPTH_G_CM2 = 1030.0


def _xf_pt2_lab(mass, e_beam, xf, pt2, phi):
    """Lab four-momenta of a hadron with CM x_F, p_T^2 from a proton of lab energy e_beam on a
    nucleon at rest (the boost of `sources.spectra.XfPt2Spectrum.to_lab`, per-event beam energy)."""
    rs = np.sqrt(2.0 * M_PROTON ** 2 + 2.0 * e_beam * M_PROTON)
    pl = 0.5 * xf * rs
    e_cm = np.sqrt(mass ** 2 + pt2 + pl * pl)
    gamma = (e_beam + M_PROTON) / rs
    betagamma = np.sqrt(e_beam ** 2 - M_PROTON ** 2) / rs
    pt = np.sqrt(pt2)
    return np.column_stack([gamma * e_cm + betagamma * pl, pt * np.cos(phi), pt * np.sin(phi),
                            gamma * pl + betagamma * e_cm])


class _DsSource:
    """Minimal source record for `rates.engine.production_channels` (parent, tau chain, BR)."""

    def __init__(self, br_tau):
        self.parent, self.tau_chain, self.tau_branching_ratio = "D(s)+", True, br_tau


def atmospheric_sample(experiment, mass: float, *, mixing=None, dipole=None, majorana=False,
                       n_hnl: int = 100_000, rng=None, live_time_s: float = 5 * YEAR_S,
                       f_ds: float = 0.088, br_ds_tau: float = 0.0543, xf_n: float = 4.9,
                       pt2_b_GeV2: float = 1.0, e_min_GeV: float = 100.0, e_max_GeV: float = 1e8,
                       cos_min: float = 0.1, lambda_p_g_cm2: float = 90.0,
                       scale_height_m: float = 6400.0, min_hnl_energy_GeV: float = 0.0,
                       detector: str | None = None):
    """Reweightable sample of atmospheric HNLs decaying in the experiment's fiducial box (module
    docstring).  The box gives the horizontal area S (x-y size), the depth of its top face
    below sea level (-z_top) and its height (z size)."""
    from hnlreach.model import flavour_pattern
    from hnlreach.rates.engine import ReweightableSample, production_channels, reference_hnl, signal_channels
    from hnlreach.sources.cosmic_rays import charm_fraction, proton_flux
    from hnlreach.sources.meson_decays import hnl_momenta_from_chain, hnl_momenta_from_parents

    if mixing is None or dipole is not None:
        raise HNLInputError(f"{experiment.name}: the atmospheric source is implemented for mass mixing only")
    if not (0.0 < cos_min < 1.0 and 0.0 < e_min_GeV < e_max_GeV and live_time_s > 0):
        raise HNLInputError(f"{experiment.name}: sampler parameters need 0 < cos_min < 1, 0 < e_min < e_max, live_time > 0")
    rng = as_generator(rng)
    hnl = reference_hnl(mass, mixing=mixing, majorana=majorana)
    name = detector or experiment.signal.fiducial[0]
    box = experiment.fiducial[name]
    if not hasattr(box, "size"):
        raise HNLInputError(f"{experiment.name}: fiducial volume {name!r} must be a box")
    area_cm2 = box.size[0] * box.size[1] * 1e4
    depth, height = -(box.center[2] + 0.5 * box.size[2]), box.size[2]
    if depth < 0:
        raise HNLInputError(f"{experiment.name}: detector {name!r} must lie below sea level (z < 0)")

    chans = production_channels(_DsSource(br_ds_tau), mass, flavour_pattern(mixing))
    info = {"mass": mass, "n_hnl": int(n_hnl), "channels": sorted(chans)}
    empty = ReweightableSample(hnl.mass, hnl.width, 1, *(np.zeros(0),) * 5, int(n_hnl), info)
    if not chans or not signal_channels(experiment, hnl):
        return empty
    n = int(n_hnl)
    # primaries: log-uniform energy, uniform cos(zenith); weight = D_s per unit... (see docstring)
    log_span = math.log(e_max_GeV / e_min_GeV)
    e_p = e_min_GeV * np.exp(rng.uniform(size=n) * log_span)
    cos_t = rng.uniform(cos_min, 1.0, size=n)
    w = (proton_flux(e_p) * e_p * log_span * 2.0 * math.pi * (1.0 - cos_min) * cos_t * area_cm2 * live_time_s
         * charm_fraction(e_p) * 2.0 * f_ds / n)
    # D_s kinematics (x_F, p_T^2) and the decay to N, one channel per event drawn ∝ BR
    xf = (1.0 - rng.uniform(size=n) ** (1.0 / (xf_n + 1.0))) * rng.choice([-1.0, 1.0], n)
    ds = _xf_pt2_lab(MASS["D(s)+"], e_p, xf, rng.exponential(1.0 / pt2_b_GeV2, n), rng.uniform(0, 2 * np.pi, n))
    names = list(chans)
    br = np.array([chans[c][1] for c in names])
    pick = rng.choice(len(names), size=n, p=br / br.sum())
    w = w * br.sum()
    p4 = np.zeros((n, 4))
    for ic, c in enumerate(names):
        idx = np.nonzero(pick == ic)[0]
        if idx.size:
            kind = chans[c][0]
            p4[idx] = (hnl_momenta_from_parents(c, mass, ds[idx], rng) if kind == "direct"
                       else hnl_momenta_from_chain(kind, mass, ds[idx], rng))
    p = np.linalg.norm(p4[:, 1:], axis=1)
    # production altitude: slant depth ~ Exp(lambda_p) -> vertical depth -> height (isothermal)
    x_vert = rng.exponential(lambda_p_g_cm2, n) * cos_t
    in_air = x_vert < SEA_LEVEL_DEPTH_G_CM2
    h = scale_height_m * np.log(SEA_LEVEL_DEPTH_G_CM2 / np.where(in_air, x_vert, SEA_LEVEL_DEPTH_G_CM2))
    l1 = (h + depth) / cos_t
    l2 = (h + depth + height) / cos_t
    keep = in_air & (p4[:, 3] > 0) & (p4[:, 0] >= min_hnl_energy_GeV)
    br_vis = sum(signal_channels(experiment, hnl).values())
    acc = np.full(int(keep.sum()), br_vis * experiment.efficiency.constant)
    info.update({"n_ds_per_unit_weight": float(w.sum() / br.sum()), "area_cm2": area_cm2,
                 "depth_m": float(depth), "height_m": float(height)})
    return ReweightableSample(hnl.mass, hnl.width, 1, w[keep], p[keep], l1[keep], l2[keep], acc, n, info)


def number_of_ds(live_time_s: float = 5 * YEAR_S, area_cm2: float = 1e10, f_ds: float = 0.088,
                 e_min_GeV: float = 100.0, e_max_GeV: float = 1e8, cos_min: float = 0.0) -> float:
    """D_s (both charges) made by primaries crossing a horizontal area S from above (flux x cos),
    by quadrature: 2 f_Ds x N_cc with N_cc of Boiarska et al. arXiv:2107.14685 eq. (B3) weighted by cos(theta)
    (the paper quotes N_Ds ~ 5e10 'in the direction of KM3NeT' and N_cc ~ 1e12 for 2 pi)."""
    from scipy.integrate import quad

    from hnlreach.sources.cosmic_rays import charm_fraction, proton_flux

    f = lambda le: float(proton_flux(math.exp(le)) * math.exp(le) * charm_fraction(math.exp(le)))  # noqa: E731
    integral = quad(f, math.log(e_min_GeV), math.log(e_max_GeV), limit=200)[0]
    solid = math.pi * (1.0 - cos_min ** 2)  # ∫ cos(theta) dOmega over cos in [cos_min, 1]
    return 2.0 * f_ds * integral * solid * area_cm2 * live_time_s
