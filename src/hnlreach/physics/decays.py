"""HNL partial widths for mass mixing (Bondarenko, Boyarsky, Gorbunov, Ruchayskiy, arXiv:1805.08567 sec. 3).

Channels (names use the `particle` package; l = e, mu, tau; Dirac HNL, i.e. N -> l^- ...):
  invisible        N -> nu nu nu                        (summed over the neutrino flavours)
  leptonic CC      N -> l_a- l_b+ nu       (a != b)     from |U_a|^2
  leptonic NC      N -> nu l+ l-                        (CC interference included for mixing flavour = l)
  single meson     N -> l- P+ (pi, K, D, D_s, B, B_c), N -> l- V+ (D*, D_s*), N -> nu P0, N -> nu V0
                   (omega, phi, J/psi; kappa convention in `decays_hadronic`)
  light hadrons    N -> l- H+ for every tau hadronic class H (pi+ pi0 -- the finite-width rho --,
                   3 pi, 4 pi, K pi, K pi pi, ...) and N -> nu pi+ pi-, by crossing the measured tau
                   spectra (`decays_crossed`)
  multi-hadron     N -> l- hadrons+, N -> nu hadrons    (continuum, see below)

'N -> l- hadrons+' = the perturbative u dbar, u sbar continuum above s ~ 2-3 GeV^2 (smoothly
replacing the tau spectra, `decays_crossed`) + the heavy-quark remainder; 'N -> nu hadrons' = the
neutral remainder:

    remainder = w(m) * pos(Gamma_incl - sum Gamma_exclusive),   pos(x) = (x + sqrt(x^2 + (eps Gamma_incl)^2))/2

with Gamma_incl the quark-level width (heavy CC pairs c dbar, c sbar, u bbar, c bbar; all NC q qbar)
times (1 + Delta_QCD(alpha_s(m_N))) (1805.08567 sec. 3.2.2) and the sum over the exclusive channels
of the same quarks.  w rises with a C2 smoothstep from HANDOVER_GEV[0] to HANDOVER_GEV[1] (below
~1 GeV the quark picture is meaningless; the paper places the transition at 1-2 GeV).  pos() is a
smooth positive part (eps = SMOOTH_EPS): where the exclusive sum exceeds the inclusive width (single
mesons just above their thresholds) the remainder is ~0 without the kinks of max(x, 0) (at 2.36,
2.57, 2.88 GeV for tau mixing); elsewhere it differs from max(x, 0) by < eps^2/4 of Gamma_incl.
Every width is smooth in the mass except at physical thresholds (test on a fine grid).

Majorana HNL: every channel with a charged final state is listed again with all charges
conjugated (same width); neutral final states keep one name with twice the width.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics import decays_crossed as crossed
from hnlreach.physics import decays_hadronic as had
from hnlreach.physics import decays_leptonic as lep
from hnlreach.physics.constants import FLAVOURS, LEPTON_MASS, MASS, QUARK_MASS
from hnlreach.physics.decays_leptonic import leptonic_couplings  # noqa: F401  (public re-export)

MASS_RANGE_GEV = (1e-3, 6.5)  # to above the B_c -> l N end point (6.27 GeV)
HANDOVER_GEV = (1.0, 1.5)
SMOOTH_EPS = 0.2

_LEPTON_NAME = {"e": "e-", "mu": "mu-", "tau": "tau-"}
_ANTILEPTON_NAME = {"e": "e+", "mu": "mu+", "tau": "tau+"}

INVISIBLE = "N -> nu nu nu"
NU_HADRONS = "N -> nu hadrons"


def charged_hadrons_channel(flavour: str) -> str:
    """Name of the multi-hadron charged-current channel, e.g. 'N -> e- hadrons+'."""
    return f"N -> {_LEPTON_NAME[flavour]} hadrons+"


def handover_weight(mass):
    """w(m): 0 below HANDOVER_GEV[0], 1 above HANDOVER_GEV[1], C2 smoothstep in between."""
    lo, hi = HANDOVER_GEV
    return crossed.smoothstep2((np.asarray(mass, dtype=float) - lo) / (hi - lo))


def smooth_positive_part(x, scale):
    """(x + sqrt(x^2 + (SMOOTH_EPS scale)^2))/2: a C-infinity max(x, 0) (module docstring)."""
    e = SMOOTH_EPS * np.asarray(scale, dtype=float)
    return 0.5 * (x + np.sqrt(x * x + e * e))


def unit_channel_widths(mass, flavour: str) -> dict[str, np.ndarray]:
    """Dirac partial widths [GeV] for |U_flavour|^2 = 1 (others 0), vectorised over mass.

    Returns every channel of the model (zero where closed)."""
    if flavour not in FLAVOURS:
        raise HNLInputError(f"unknown mixing flavour {flavour!r}: use e, mu or tau")
    mass = np.atleast_1d(np.asarray(mass, dtype=float))
    out: dict[str, np.ndarray] = {INVISIBLE: lep.invisible_width(mass)}
    lep_a = _LEPTON_NAME[flavour]
    for beta in FLAVOURS:
        out[f"N -> nu {_ANTILEPTON_NAME[beta]} {_LEPTON_NAME[beta]}"] = lep.neutral_current_width(mass, flavour, beta)
        if beta != flavour:
            out[f"N -> {lep_a} {_ANTILEPTON_NAME[beta]} nu"] = lep.charged_current_width(mass, flavour, beta)
    charged = had.exclusive_charged(mass, flavour)
    neutral = had.exclusive_neutral(mass)
    out.update(charged)
    out.update(crossed.charged_widths(mass, flavour))
    out.update(neutral)
    out[crossed.NU_PIPI] = crossed.nu_pipi_width(mass, had.KAPPA_RHO0)
    w = handover_weight(mass)
    qcd = 1.0 + had.delta_qcd(np.maximum(mass, HANDOVER_GEV[0]))
    heavy_excl = sum(v for k, v in charged.items() if k.split()[-1] not in ("pi+", "K+"))
    incl_heavy = had.inclusive_charged_quarks(mass, flavour, heavy_only=True) * qcd
    incl_nc = had.inclusive_neutral_quarks(mass) * qcd
    nc_excl = sum(neutral.values()) + out[crossed.NU_PIPI]
    out[charged_hadrons_channel(flavour)] = (
        crossed.light_continuum_width(mass, LEPTON_MASS[flavour])
        + np.where(w > 0, w * smooth_positive_part(incl_heavy - heavy_excl, incl_heavy), 0.0))
    out[NU_HADRONS] = np.where(w > 0, w * smooth_positive_part(incl_nc - nc_excl, incl_nc), 0.0)
    return out


def channel_thresholds(flavour: str) -> dict[str, float]:
    """Kinematic threshold [GeV] of every channel of `unit_channel_widths` (multi-hadron
    channels: the start of the hand-over window)."""
    ml = LEPTON_MASS
    th = {INVISIBLE: 0.0}
    for beta in FLAVOURS:
        th[f"N -> nu {_ANTILEPTON_NAME[beta]} {_LEPTON_NAME[beta]}"] = 2.0 * ml[beta]
        if beta != flavour:
            th[f"N -> {_LEPTON_NAME[flavour]} {_ANTILEPTON_NAME[beta]} nu"] = ml[flavour] + ml[beta]
    for h in list(had.CHARGED_PSEUDOSCALARS) + list(had.CHARGED_VECTORS):
        th[f"N -> {_LEPTON_NAME[flavour]} {h}"] = ml[flavour] + MASS[h]
    for h in list(had.NEUTRAL_PSEUDOSCALARS) + list(had.NEUTRAL_VECTOR_KAPPA):
        th[f"N -> nu {h}"] = MASS[h]
    th.update(crossed.charged_thresholds(flavour))
    th[crossed.NU_PIPI] = 2.0 * MASS["pi+"]
    th[charged_hadrons_channel(flavour)] = min(HANDOVER_GEV[0], ml[flavour] + math.sqrt(crossed.LIGHT_WINDOW_S[0]))
    th[NU_HADRONS] = HANDOVER_GEV[0]
    return th


def conjugate_channel(channel: str) -> str:
    """Charge-conjugate channel name: 'N -> mu- pi+' -> 'N -> mu+ pi-', 'K0' <-> 'K~0'."""
    head, _, products = channel.partition(" -> ")
    swap = {"+": "-", "-": "+"}
    neutral = {"K0": "K~0", "K~0": "K0"}
    conj = [neutral[p] if p in neutral else p[:-1] + swap[p[-1]] if p[-1] in swap else p
            for p in products.split()]
    return f"{head} -> {' '.join(conj)}"


def is_self_conjugate(channel: str) -> bool:
    """True for channels whose final state is neutral in every particle or a l+ l- pair
    (those are not split for a Majorana HNL)."""
    products = channel.partition(" -> ")[2].split()
    charges = sorted(p[-1] for p in products if p[-1] in "+-")
    return not charges or (len(charges) == 2 and products[0] == "nu")


@lru_cache(maxsize=4096)
def _unit_widths_at(mass: float, flavour: str) -> tuple[tuple[str, float], ...]:
    res = unit_channel_widths(np.array([mass]), flavour)
    return tuple((ch, float(w[0])) for ch, w in res.items())


def _check_mass(mass) -> float:
    try:
        m = float(mass)
    except (TypeError, ValueError):
        raise HNLInputError(f"HNL mass must be a number of GeV, got {mass!r}") from None
    lo, hi = MASS_RANGE_GEV
    if not math.isfinite(m) or not lo <= m <= hi:
        raise HNLInputError(f"HNL mass {mass!r} GeV outside the supported range {lo:g}-{hi:g} GeV")
    return m


def mixing_partial_widths(mass: float, mixing: tuple[float, float, float], majorana: bool) -> dict[str, float]:
    """Channel -> partial width [GeV] of an HNL with (|U_e|^2, |U_mu|^2, |U_tau|^2) = mixing.

    Widths add incoherently over the mixing flavour (the final neutrino flavours differ).
    Only open channels (width > 0) are returned.  Majorana: conjugate channels listed separately
    with the Dirac width, self-conjugate ones doubled (total = 2 x Dirac).
    """
    m = _check_mass(mass)
    try:
        mix = tuple(float(u) for u in mixing)
    except (TypeError, ValueError):
        raise HNLInputError(f"mixing must be three numbers (|U_e|^2, |U_mu|^2, |U_tau|^2), got {mixing!r}") from None
    if len(mix) != 3 or any(not math.isfinite(u) or u < 0 for u in mix):
        raise HNLInputError(f"mixing must be three non-negative finite numbers, got {mixing!r}")
    return combine_flavours(mix, lambda flavour: dict(_unit_widths_at(m, flavour)), majorana)


def combine_flavours(mixing, unit_widths, majorana: bool) -> dict[str, float]:
    """Sum_alpha |U_alpha|^2 x unit_widths(alpha) (channel -> Dirac width at |U_alpha|^2 = 1;
    different final neutrino flavours add incoherently), then the Majorana convention:
    charge-conjugate channels listed with the same width, self-conjugate ones doubled."""
    out: dict[str, float] = {}
    for flavour, u2 in zip(FLAVOURS, mixing):
        if u2 > 0.0:
            for ch, w in unit_widths(flavour).items():
                if w > 0.0:
                    out[ch] = out.get(ch, 0.0) + u2 * w
    if majorana:
        for ch, w in list(out.items()):
            if is_self_conjugate(ch):
                out[ch] = 2.0 * w
            else:
                cc = conjugate_channel(ch)
                out[cc] = out.get(cc, 0.0) + w
    return out


def total_width_unit(mass, flavour: str, majorana: bool = False) -> np.ndarray:
    """Total width [GeV] for |U_flavour|^2 = 1, vectorised over an array of masses."""
    m = np.asarray(mass, dtype=float)
    if np.any(~np.isfinite(m)) or np.any(m < MASS_RANGE_GEV[0]) or np.any(m > MASS_RANGE_GEV[1]):
        raise HNLInputError(f"HNL masses must lie in {MASS_RANGE_GEV[0]:g}-{MASS_RANGE_GEV[1]:g} GeV")
    total = sum(unit_channel_widths(m.ravel(), flavour).values()).reshape(m.shape)
    return 2.0 * total if majorana else total
