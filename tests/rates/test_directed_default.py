"""Directed HNL directions (sources/directed.py) as the default importance sampling of meson/tau
sources (rates.engine.produce): same N(g) as the decay's own directions within MC error, a
smaller error where the detector is small and far (CHARM, 0.35 GeV)."""
import numpy as np
import pytest

from hnlreach.experiments import load_experiment
from hnlreach.rates.engine import mixing_sample


@pytest.fixture(scope="module")
def charm():
    return load_experiment("charm")


@pytest.mark.parametrize("mass", [0.35, 1.2])
def test_directed_and_natural_directions_agree(charm, mass):
    g = np.array([1e-9, 1e-6, 1e-5, 1e-4])
    d = mixing_sample(charm, mass, "tau", True, 20_000, rng=1, directed=True)
    n = mixing_sample(charm, mass, "tau", True, 40_000, rng=2, directed=False)
    nd, nn = d.n(g), n.n(g)
    err = np.hypot(d.mc_error(g), n.mc_error(g))
    live = nn > 0
    assert live.sum() >= 3
    assert np.all(np.abs(nd - nn)[live] < 3.5 * err[live]), (nd, nn, err)


def test_directed_default_reduces_the_error_far_off_axis(charm):
    g = np.array([1e-9])
    auto = mixing_sample(charm, 0.35, "tau", True, 8_000, rng=3)
    nat = mixing_sample(charm, 0.35, "tau", True, 8_000, rng=3, directed=False)
    assert auto.mc_error(g)[0] / auto.n(g)[0] < 0.5 * nat.mc_error(g)[0] / nat.n(g)[0]
