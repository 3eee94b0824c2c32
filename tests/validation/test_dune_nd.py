"""DUNE ND |U_mu|^2 against the published DUNE ND sensitivities, reduced statistics (full run:
`hnlreach reproduce dune-nd`, docs/validation/dune-nd/).  The asserted bands are the agreement reached;
the reasons for the factors beyond 2 are in the report: vs Ballett et al. arXiv:1905.00284 ours is 2.0-2.8x
weaker in the kaon region at 0.15-0.33 GeV (the same kaon nu flux to 3 %: a residual of ~4-8 in events not
explained) and 5-11x stronger in the charm region (their flux file's charm nu_mu is 30x below ours, plus the
D0/D+ semileptonic channels); vs Berryman et al. arXiv:1912.07622 (gaseous-argon MPD) within a factor ~3."""
import numpy as np
import pytest

import hnlreach
from hnlreach.outputs.published import load_published
from hnlreach.validation.compare import compare
from hnlreach.validation.dune_nd import dune_at_ballett_exposure

MASSES = [0.15, 0.3, 0.7, 1.2]


@pytest.fixture(scope="module")
def result():
    return hnlreach.limit(dune_at_ballett_exposure(), masses=MASSES, n_hnl=3000, jobs=1, progress="none",
                          refine=0, mixing="mu", majorana=True)


def _ratio(result, name):
    return np.asarray(compare(MASSES, result.lower, result.upper, load_published(name)).ratio_lower, float)


def test_against_ballett(result):
    r = _ratio(result, "DUNEND-Ballett2019")
    assert np.all((r[:2] > 1.5) & (r[:2] < 3.2)), r  # kaon region: ours weaker
    assert np.all((r[2:] > 0.10) & (r[2:] < 0.26)), r  # charm region: ours stronger (charm yield, D0, D+)


def test_against_berryman(result):
    r = _ratio(result, "DUNEMPD-Berryman2019")
    assert np.all((r > 0.2) & (r < 1.2)), r
