"""Polarised dark-sector decays in the engine (rates.dark: DarkHNL.sample_decays, upscattered_polarisation,
cascade_products): selections on decay kinematics see the helicity-dependent distributions, kinematics-blind
ones the same rate.

Analytic references (N rest frame, theta the angle of the light neutrino to the N spin):
* Dirac N -> nu_L gamma through a transition dipole: dGamma/dcos = Gamma/2 (1 + P cos theta) (angular momentum
  along the nu direction: lambda_nu - lambda_gamma = -1/2 + 1 = +1/2), so the photon is backward to the spin;
* N -> nu_L Z' through a left-chiral current: alpha_nu = -(m^2 - 2 M^2) / (m^2 + 2 M^2), as b in t -> b W
  (Jezabek, Kuhn, Nucl. Phys. B320 (1989) 20).
A cut E_X(lab) > gamma E*_X (X = gamma, or the e+ e- pair from the Z') keeps cos theta*_X > 0, i.e. the fraction
int_{-1}^{0} (1 + alpha_nu P c) / 2 dc = 1/2 - alpha_nu P / 4 of the decays.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from hnlreach.experiments import Selection, load_experiment, preset_paths
from hnlreach.models.dark_sector import DarkSector
from hnlreach.rates import dark
from hnlreach.rates.dark_events import _last_entries
from hnlreach.rates.selection import acceptance

DIPOLE = DarkSector(m4=0.15, mu_tr={("mu", 4): 1e-6}, nature="dirac")
ZPRIME = DarkSector(m4=0.1, mzprime=0.03, epsilon=1e-3, gD=1.0, U={("mu", 4): 1e-3}, UD={4: 1.0})


def _alpha_nu_zprime(m, M):
    return -(m * m - 2 * M * M) / (m * m + 2 * M * M)


def _forward_cut(pdgs, e_star, mass):
    """Plug-in cut: energy of the products with |pdg| in pdgs > gamma E*, gamma = E_N / m from all products."""
    def cut(pdg, p4, vertices, experiment=None):
        pdg = np.broadcast_to(pdg, p4.shape[:2])
        e_x = np.sum(np.where(np.isin(np.abs(pdg), pdgs), p4[..., 0], 0.0), axis=1)
        return e_x > p4[..., 0].sum(axis=1) / mass * e_star
    return cut


class _Exp:
    """What selection.acceptance asks of an experiment: a selection and an efficiency (1)."""

    def __init__(self, plugin):
        self.selection = Selection(min_tracks=0, plugin=plugin)

    def efficiency(self, mass, energies, channel):
        return np.ones(np.size(energies))


def _fraction(model, channel, cut, pol, n=20_000, seed=1):
    hnl = dark.DarkHNL(model)
    rng = np.random.default_rng(seed)
    d = np.array([0.3, -0.2, 1.0]) / np.linalg.norm([0.3, -0.2, 1.0])  # not along z: the spin axis is p_N
    p3 = np.tile(1.5 * d, (n, 1))
    p4 = np.concatenate([np.sqrt(hnl.mass ** 2 + 1.5 ** 2) * np.ones((n, 1)), p3], axis=1)
    br = hnl.branching_ratios[channel]
    acc = acceptance(_Exp(cut), hnl, {channel: br}, p4, np.zeros((n, 3)), rng, polarisation=np.full(n, pol))
    return acc.mean() / br, acc.std() / br / np.sqrt(n)


@pytest.mark.parametrize("pol", [1.0, -1.0, 0.0])
def test_dipole_photon_forward_fraction(pol):
    m = DIPOLE.m4
    f, err = _fraction(DIPOLE, "N -> nu gamma", _forward_cut([22], m / 2, m), pol)
    assert abs(f - (0.5 - pol / 4)) < 4 * err + 1e-3, (f, err)


@pytest.mark.parametrize("pol", [1.0, -1.0])
def test_zprime_pair_forward_fraction_and_blind_rate(pol):
    m, M = ZPRIME.m4, ZPRIME.mzprime
    f, err = _fraction(ZPRIME, "N -> nu e+ e-", _forward_cut([11], (m * m + M * M) / (2 * m), m), pol, n=8000)
    assert abs(f - (0.5 - _alpha_nu_zprime(m, M) * pol / 4)) < 4 * err + 2e-3, (f, err)
    # kinematics-blind selection (everything passes, products still sampled): the branching ratio, whatever P
    f, err = _fraction(ZPRIME, "N -> nu e+ e-", lambda pdg, p4, v, experiment=None: np.ones(len(p4), bool), pol,
                       n=8000, seed=2)
    assert abs(f - 1.0) < 4 * err + 1e-3, (f, err)


def test_longitudinal_polarisation_limits():
    """Same frame: h; a boost that reverses the momentum reverses the helicity; a boost along the momentum
    keeps it; a heavy-target CM (coherent scattering) is almost the lab."""
    m = 0.2
    h = np.array([1.0, -1.0, 1.0])
    p_f = np.array([[np.hypot(m, 0.1), 0.0, 0.0, 0.1]] * 3)  # in F, along +z
    rest = np.array([[1.0, 0.0, 0.0, 0.0]] * 3)
    assert np.allclose(dark.longitudinal_polarisation(h, p_f, rest, m), h)
    for bz, sign in ((-0.9, -1.0), (0.9, 1.0)):  # F moving along -z / +z in the lab, faster than the N in F
        g = 1 / np.sqrt(1 - bz * bz)
        frame = np.array([[g, 0.0, 0.0, g * bz]] * 3)
        e, pz = p_f[0, 0], p_f[0, 3]
        lab = np.array([[g * (e + bz * pz), 0.0, 0.0, g * (pz + bz * e)]] * 3)
        assert np.allclose(dark.longitudinal_polarisation(h, lab, frame, m), sign * h)
    # transverse N (90 degrees in F), F slow: |P| = cos(Wigner angle) close to 1, and < 1
    lab_t = np.array([[np.hypot(m, 0.5), 0.5, 0.0, 0.0]])
    frame = np.array([[12.0, 0.0, 0.0, 0.5]])  # nu (0.5 GeV) on carbon
    p = dark.longitudinal_polarisation(np.array([1.0]), lab_t, frame, m)
    assert 0.99 < p[0] < 1.0


def test_engine_forward_fraction_follows_upscattering_helicity():
    """Through the engine (MicroBooNE, light Z', prompt N4 -> nu Z'(-> e+ e-)): the decays use the helicity of
    the upscattering; the rate with the forward-pair cut / the kinematics-blind rate = 1/2 - alpha_nu <P> / 4,
    <P> the rate-weighted lab polarisation; unpolarised decays would give 1/2."""
    txt = preset_paths()["microboone"].read_text()
    exp = load_experiment(str(preset_paths()["microboone"]))
    m, M = ZPRIME.m4, ZPRIME.mzprime
    rng = np.random.default_rng(5)
    w, o, p4, parts = dark.model_hnls(exp, ZPRIME, 4, 12_000, rng)
    pol = dark.upscattered_polarisation(ZPRIME, 4, p4, parts)
    assert txt and pol.size == w.size and np.all(np.abs(pol) <= 1)
    hnl = dark.DarkHNL(ZPRIME)

    def rate(cut, polarisation=pol):
        e = dataclasses.replace(exp, selection=Selection(min_tracks=0, plugin=cut),
                                signal=dataclasses.replace(exp.signal, channels=("N -> nu e+ e-",)))
        idx, wp, _, acc, _ = _last_entries(e, hnl, w, o, p4, rng, explicit=False, pol=polarisation)
        return wp * acc, idx

    everything = lambda pdg, p4_, v, experiment=None: np.ones(len(p4_), bool)  # noqa: E731
    blind, idx = rate(everything)
    unpolarised, _ = rate(everything, None)  # kinematics-blind: the same total as unpolarised decays
    assert abs(blind.sum() - unpolarised.sum()) < 3 * np.sqrt(np.sum((blind - unpolarised) ** 2)) + 1e-3 * blind.sum()
    fwd, _ = rate(_forward_cut([11], (m * m + M * M) / (2 * m), m))
    p_mean = np.sum(blind * pol[idx]) / blind.sum()
    assert p_mean < -0.3  # mostly helicity-conserving (left-handed) at these energies
    pred = 0.5 - _alpha_nu_zprime(m, M) * p_mean / 4
    ratio = fwd.sum() / blind.sum()
    err = np.sqrt(np.sum(fwd ** 2)) / blind.sum()
    print(f"<P> = {p_mean:.3f}, forward fraction {ratio:.4f} +- {err:.4f}, predicted {pred:.4f}, {idx.size} entries")
    assert abs(ratio - pred) < 4 * err + 0.01, (ratio, pred, err)
    assert abs(ratio - 0.5) > 5 * err  # visibly polarised
