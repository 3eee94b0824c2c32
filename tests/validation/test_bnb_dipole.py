"""BNB dipole-portal validation (hnlreach reproduce bnb-dipole): upscattering rates like for like with
DarkNews 0.4.8, the engine's interaction points in the MiniBooNE tank, and the MiniBooNE boundary
against Magill et al. arXiv:1803.03262."""
import numpy as np
import pytest

from hnlreach.validation import bnb_dipole as bd


@pytest.mark.parametrize("setup,mass", [("miniboone_fhc", 0.05), ("miniboone_fhc", 0.2), ("miniboone_fhc", 0.5),
                                        ("microboone", 0.2)])
def test_detector_rate_equals_darknews(setup, mass):
    """Same flux file, target mass and POT: the coherent and proton terms agree with DarkNews's event
    rate within its integration error (< 1 %)."""
    ours = bd.like_for_like(setup, mass)
    for k, v in bd.DARKNEWS[(setup, mass)].items():
        assert ours[k] == pytest.approx(v, rel=0.01), k


@pytest.mark.parametrize("setup", ["miniboone_fhc_dirt", "microboone_dirt"])
def test_dirt_rate_matches_darknews_geometry(setup):
    """DarkNews's soil cone with its (L/r)^2 flux rescaling equals our plane-wave soil cylinder up to
    (L/a)^2 x M_file / M_cone (0.466 for MiniBooNE, whose dirt file holds 44 % of its cone's soil; 1.033
    for MicroBooNE); measured within 2.5 % of it (DarkNews's neutrinos start along the decay pipe, not
    at the target), asserted within 5 %, uniformly over nuclei and components."""
    ours, expected = bd.dirt_equivalent(setup, 0.2)
    for k, v in bd.DARKNEWS[(setup, 0.2)].items():
        assert v / ours[k] == pytest.approx(expected, rel=0.05), k


def test_engine_interactions_in_the_sphere():
    eng, ana, err = bd.engine_tank_rate(n=6_000)
    assert abs(eng - ana) < 3 * err + 0.01 * ana


def test_miniboone_boundary_near_magill():
    """Measured at 0.2 GeV: ours / Magill = 0.56 (report; 0.56-0.68 from 0.02 to 0.3 GeV: ours at
    efficiency 1, which an e-like efficiency eps would move by eps^-1/4 for long-lived HNLs, and with
    both horn modes); asserted in 0.45-0.7."""
    ours = bd.miniboone_boundary([0.2], n_hnl=4_000)
    ref = bd.magill_boundary([0.2])
    assert 0.45 < ours[0] / ref[0] < 0.7
