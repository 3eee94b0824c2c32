"""Upper limits: published numbers, Helene's closed form, classical vs Bayesian, Cousins-Highland."""
import numpy as np
import pytest
from scipy import integrate, stats

from hnlreach.errors import HNLInputError
from hnlreach.statistics.limits import bayesian_limit, classical_limit, events_limit, upper_limit

# PDG RPP "Statistics" table of Poisson upper limits without background (classical = Bayesian
# flat prior for b = 0): n -> (90 %, 95 %).
PDG_NO_BACKGROUND = {0: (2.30, 3.00), 1: (3.89, 4.74), 2: (5.32, 6.30), 3: (6.68, 7.75), 4: (7.99, 9.15),
                     5: (9.27, 10.51), 10: (15.41, 16.96)}


@pytest.mark.parametrize("method", ["classical", "bayesian"])
def test_zero_events_no_background(method):
    assert upper_limit(0, 0.0, cl=0.90, method=method) == pytest.approx(2.3026, abs=1e-4)
    assert upper_limit(0, 0.0, cl=0.95, method=method) == pytest.approx(2.9957, abs=1e-4)


@pytest.mark.parametrize("n", sorted(PDG_NO_BACKGROUND))
def test_pdg_table_no_background(n):
    for cl, ref in zip((0.90, 0.95), PDG_NO_BACKGROUND[n]):
        assert classical_limit(n, 0.0, cl=cl) == pytest.approx(ref, abs=0.006)
        assert bayesian_limit(n, 0.0, cl=cl) == pytest.approx(ref, abs=0.006)


def test_classical_equals_bayesian_for_zero_background_only():
    n = np.arange(0, 15)
    np.testing.assert_allclose(classical_limit(n, 0.0), bayesian_limit(n, 0.0), rtol=1e-10)
    # with background they differ: classical subtracts b, Bayesian (Helene) does not go below the n=0 value
    assert classical_limit(1, 3.0) < bayesian_limit(1, 3.0)


def test_helene_zero_events_independent_of_background():
    """Helene: for n = 0 the flat-prior limit is -ln(1 - CL) whatever the known background."""
    for b in (0.0, 0.4, 1.0, 5.0, 20.0):
        assert bayesian_limit(0, b, cl=0.9) == pytest.approx(-np.log(0.1), rel=1e-9)
        assert bayesian_limit(0, b, cl=0.95) == pytest.approx(-np.log(0.05), rel=1e-9)


# Helene, NIM 212 (1983) 319, eq. for known background: 1-CL = sum_{k<=n} P(k|s+b) / sum_{k<=n} P(k|b).
# Values at 90 % CL evaluated from that formula (the printed table of the paper could not be
# consulted here); n=1, b=1 -> 3.27 is the value usually quoted. Independently re-derived by
# posterior integration in test_bayesian_by_direct_posterior_integration.
HELENE_90 = {(1, 1.0): 3.272, (2, 1.0): 4.443, (3, 2.0): 4.926, (1, 3.0): 2.839, (5, 0.5): 8.775}


@pytest.mark.parametrize("key", sorted(HELENE_90))
def test_helene_values_with_background(key):
    n, b = key
    assert bayesian_limit(n, b, cl=0.9) == pytest.approx(HELENE_90[key], abs=0.006)


@pytest.mark.parametrize("n,b,cl", [(1, 1.0, 0.9), (3, 2.5, 0.95), (6, 4.0, 0.9)])
def test_bayesian_by_direct_posterior_integration(n, b, cl):
    """Independent check: integrate the flat-prior posterior numerically."""
    s_up = bayesian_limit(n, b, cl=cl)
    post = lambda s: stats.poisson.pmf(n, s + b)
    num = integrate.quad(post, 0, s_up)[0]
    den = integrate.quad(post, 0, np.inf)[0]
    assert num / den == pytest.approx(cl, abs=1e-8)


def test_classical_definition():
    """P(n' <= n | s_up + b) = 1 - CL."""
    for n, b, cl in [(0, 0.0, 0.9), (2, 1.0, 0.9), (4, 0.5, 0.95)]:
        s = classical_limit(n, b, cl=cl)
        assert stats.poisson.cdf(n, s + b) == pytest.approx(1 - cl, rel=1e-9)
    assert classical_limit(0, 5.0) == 0.0  # Neyman interval empty for n << b


def test_cousins_highland_increases_with_systematic():
    for fn in (classical_limit, bayesian_limit):
        vals = [fn(0, 0.0, 0.0, s) for s in (0.0, 0.05, 0.1, 0.2, 0.3)]
        assert np.all(np.diff(vals) > 0)
    # first-order Cousins-Highland result for n = b = 0: s0 (1 + s0 sigma^2 / 2)
    s0 = -np.log(0.1)
    for sig in (0.05, 0.1):
        assert classical_limit(0, 0.0, 0.0, sig) == pytest.approx(s0 * (1 + s0 * sig**2 / 2), rel=2e-3)


def test_background_uncertainty_weakens_bayesian_limit_for_n_above_zero():
    # b0 = 3 so that the truncation of the prior at b = 0 (which raises its mean) is negligible
    vals = [bayesian_limit(2, 3.0, sb) for sb in (0.0, 0.2, 0.5, 1.0)]
    assert vals[0] == pytest.approx(bayesian_limit(2, 3.0), rel=1e-6)
    assert np.all(np.diff(vals) > 0)
    # n = 0: background factorises out of the posterior, so its uncertainty is irrelevant
    assert bayesian_limit(0, 0.4, 0.2) == pytest.approx(-np.log(0.1), rel=1e-9)


def test_bayesian_nuisance_by_quadrature():
    """Efficiency-smeared flat-prior posterior for n = 0 (ArgoNeuT-like: 21.2 % systematic)."""
    se = 0.212
    s_up = bayesian_limit(0, 0.4, 0.2, se, cl=0.9)
    g = lambda e: stats.norm.pdf(e, 1, se)
    num = integrate.quad(lambda e: g(e) * -np.expm1(-e * s_up) / e, 1e-6, 1 + 8 * se, points=[1])[0]
    den = integrate.quad(lambda e: g(e) / e, 1e-6, 1 + 8 * se, points=[1])[0]
    assert num / den == pytest.approx(0.9, abs=1e-3)
    # and with background uncertainty for n = 2
    n, b0, sb = 2, 1.0, 0.5
    s_up = bayesian_limit(n, b0, sb)
    like = lambda s: integrate.quad(lambda b: stats.poisson.pmf(n, s + b) * stats.norm.pdf(b, b0, sb), 0, b0 + 8 * sb)[0]
    num = integrate.quad(like, 0, s_up)[0]
    den = num + integrate.quad(like, s_up, 80)[0]
    assert num / den == pytest.approx(0.9, abs=1e-6)


def test_events_limit_helper():
    assert events_limit(0, 0.0, cl=0.9, method="classical") == pytest.approx(2.3026, abs=1e-4)
    assert events_limit(0, 0.4, 0.2, 0.212, 0.9, "bayesian") > events_limit(0, 0.4, 0.2, 0.0, 0.9, "bayesian")
    assert events_limit(None, 0.0, cl=0.95) == pytest.approx(2.9957, abs=1e-4)
    with pytest.raises(HNLInputError):
        events_limit(0, 5.0, method="classical")  # empty classical interval
    with pytest.raises(HNLInputError):
        events_limit(1.5)
    with pytest.raises(HNLInputError):
        events_limit(0, cl=1.2)
    with pytest.raises(HNLInputError):
        events_limit(0, method="cls")
    with pytest.raises(HNLInputError):
        events_limit(0, -1.0)
    with pytest.raises(HNLInputError):
        events_limit(0, 0.0, 0.0, 0.5, method="bayesian")
