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


def test_dirt_rate_differs_by_darknews_flux_rescaling():
    """DarkNews moves the 541 m flux to each dirt point with (L/r)^2 (<(L/r)^2> = 2.84 over its soil cone):
    the plain integral is 0.35 of its rate, uniformly over nuclei and components."""
    ours = bd.like_for_like("miniboone_fhc_dirt", 0.2)
    ratios = [ours[k] / v for k, v in bd.DARKNEWS[("miniboone_fhc_dirt", 0.2)].items()]
    assert np.allclose(ratios, 1 / 2.84, rtol=0.05)


def test_engine_interactions_in_the_sphere():
    eng, ana, err = bd.engine_tank_rate(n=6_000)
    assert abs(eng - ana) < 3 * err + 0.01 * ana


def test_miniboone_boundary_near_magill():
    """Measured agreement at 0.2 GeV: ours / Magill = 0.84 (report); asserted within a factor 1.5.
    Both count every decay in the fiducial volume (our efficiency = 1)."""
    ours = bd.miniboone_boundary([0.2], n_hnl=4_000)
    ref = bd.magill_boundary([0.2])
    assert 1 / 1.5 < ours[0] / ref[0] < 1.5
