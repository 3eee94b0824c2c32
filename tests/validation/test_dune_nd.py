"""DUNE ND |U_mu|^2 against the published DUNE ND sensitivities, reduced statistics (full run:
`hnlreach reproduce dune-nd`, docs/validation/dune-nd/).  Compared at Ballett et al.'s conventions as their
code ran for arXiv:1905.00284 (FHC only, 1.323e22 POT; 6 x 2 x 4 m fiducial; their channel sum).  The asserted
bands are the agreement reached; the reasons for the factors beyond 2 are in the report: below the pi0
threshold ours is ~2.2x weaker (a hand calculation from their own flux file, volume, exposure and the
standard Gamma(N -> nu e e) gives our number: the difference is in their curve, unidentified); in the charm
region ours is ~10x stronger (their flux file's charm nu_mu is 30x below ours, plus the D0/D+ semileptonic
channels); vs Berryman et al. arXiv:1912.07622 (gaseous-argon MPD, a different detector) within ~3-10."""
import numpy as np
import pytest

import hnlreach
from hnlreach.outputs.published import load_published
from hnlreach.validation.compare import compare
from hnlreach.validation.dune_nd import dune_at_ballett_exposure

MASSES = [0.1, 0.15, 0.3, 0.7, 1.2]


@pytest.fixture(scope="module")
def result():
    return hnlreach.limit(dune_at_ballett_exposure(), masses=MASSES, n_hnl=3000, jobs=1, progress="none",
                          refine=0, mixing="mu", majorana=True)


def _ratio(result, name):
    return np.asarray(compare(MASSES, result.lower, result.upper, load_published(name)).ratio_lower, float)


def test_against_ballett(result):
    r = _ratio(result, "DUNEND-Ballett2019")
    assert 1.6 < r[0] < 2.9, r  # below the pi0 threshold (nu e e only): theirs 2.2x below their own inputs
    assert np.all((r[1:3] > 0.7) & (r[1:3] < 1.5)), r  # kaon region: like for like
    assert np.all((r[3:] > 0.05) & (r[3:] < 0.2)), r  # charm region: ours stronger (charm yield, D0, D+)


def test_ballett_conventions_matter():
    """Their exposure (FHC only, 1.323e22 POT) against the preset's 2.75e21 FHC + 2.75e21 RHC: the kaon-region
    boundary moves by sqrt(~3) in |U|^2 (long-lived regime, N ~ |U|^4)."""
    kw = dict(masses=[0.25], n_hnl=2000, jobs=1, progress="none", refine=0, mixing="mu", majorana=True)
    preset = hnlreach.limit(dune_at_ballett_exposure(like="preset"), **kw).lower[0]
    theirs = hnlreach.limit(dune_at_ballett_exposure(like="exposure"), **kw).lower[0]
    assert 1.5 < preset / theirs < 2.3, (preset, theirs)


def test_against_berryman():
    """The preset's own exposure and volume against Berryman et al.'s gaseous-argon MPD (a different detector,
    listed for scale): ours stronger where N -> nu pi0 counts, weaker below the pi0 threshold."""
    m = [0.1, 0.25, 1.0]
    res = hnlreach.limit(dune_at_ballett_exposure(like="preset"), masses=m, n_hnl=2000, jobs=1, progress="none",
                         refine=0, mixing="mu", majorana=True)
    r = np.asarray(compare(m, res.lower, res.upper, load_published("DUNEMPD-Berryman2019")).ratio_lower, float)
    assert 1.8 < r[0] < 4.5 and 0.1 < r[1] < 0.9 and 0.15 < r[2] < 1.0, r
