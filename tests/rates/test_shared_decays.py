"""One decay per HNL selected at each of its fiducial entries (rates.selection.acceptance with
``owner``) against a decay drawn per entry: the same acceptance-weighted N(g) on the SHiP preset
(ten 5 m boxes x 2 strata per line of flight, tracks required through the spectrometer) at two
masses, for a long-lived and a short-lived coupling, within the MC error of the difference."""
import numpy as np
import pytest

from hnlreach.experiments import load_experiment
from hnlreach.model import flavour_pattern
from hnlreach.rates.engine import _entries, produce, reference_hnl, signal_channels
from hnlreach.rates.selection import acceptance


@pytest.mark.parametrize("mass", [1.0, 3.0])
def test_shared_decay_gives_the_same_acceptance(mass):
    exp = load_experiment("ship")
    rng = np.random.default_rng(11)
    hnl = reference_hnl(mass, mixing="mu")
    w, o, p4, _ = produce(exp, mass, flavour_pattern("mu"), 4000, rng)
    live = np.flatnonzero((w > 0) & np.any(p4[:, 1:] != 0, axis=1))
    w, o, p4 = w[live], o[live], p4[live]
    idx, l1, l2, points = _entries(exp, w, o, p4, exp.signal.strata, rng)
    assert idx.size > 4 * np.unique(idx).size  # several entries per line of flight
    chans = signal_channels(exp, hnl)
    rows, owner = np.unique(idx, return_inverse=True)
    shared = acceptance(exp, hnl, chans, p4[rows], points, rng, owner=owner)
    each = acceptance(exp, hnl, chans, p4[idx], points, rng)
    pabs = np.linalg.norm(p4[idx, 1:], axis=1)
    # decay lengths: far beyond the vessel (lower boundary) and ~ its length (upper boundary)
    for length_m in (1e6, 30.0):
        lam = 1.0 / (length_m * pabs / pabs.mean())
        prob = np.exp(-lam * l1) - np.exp(-lam * l2)
        per_hnl = [np.bincount(owner, w[idx] * a * prob, minlength=rows.size) for a in (shared, each)]
        n = [x.sum() for x in per_hnl]
        err = np.sqrt(sum(rows.size * x.var() for x in per_hnl))
        assert n[0] > 0 and abs(n[0] - n[1]) < 4 * err, (mass, length_m, n, err)
        assert err < 0.2 * n[1]  # the comparison has power
