"""Expected limits: Poisson pseudo-experiment bands, Asimov (exact Poisson and asymptotic)."""
import numpy as np
import pytest
from scipy import stats

from hnlreach.statistics.expected import (asimov_discovery_significance, asimov_limit,
                                          asymptotic_exclusion_limit, expected_limit_band)
from hnlreach.statistics.limits import bayesian_limit, classical_limit


@pytest.mark.parametrize("method", ["classical", "bayesian"])
def test_zero_background_band_is_the_n0_limit(method):
    band = expected_limit_band(0.0, cl=0.9, method=method)
    np.testing.assert_allclose(band, 2.302585, rtol=1e-6)
    assert asimov_limit(0.0, cl=0.9, method=method) == pytest.approx(2.302585, rel=1e-6)
    assert asimov_limit(0.0, cl=0.95, method=method) == pytest.approx(2.995732, rel=1e-6)


def test_band_ordering_and_quantiles():
    b = 3.0
    lo, med, hi = expected_limit_band(b, method="bayesian")
    assert lo < med < hi
    # n ~ Poisson(3): 16 % quantile n=1, median n=3, 84 % quantile n=5
    assert stats.poisson.ppf([0.1587, 0.5, 0.8413], b).tolist() == [1, 3, 5]
    np.testing.assert_allclose([lo, med, hi], bayesian_limit(np.array([1.0, 3.0, 5.0]), b), rtol=1e-10)
    # an uncertain background broadens the n distribution and weakens the per-n limit
    lo2, med2, hi2 = expected_limit_band(b, 1.5, method="bayesian")
    assert lo2 < med2 < hi2 and hi2 > hi


def test_band_with_uncertain_background_uses_marginal_n_distribution():
    b, sb = 2.0, 1.0
    band = expected_limit_band(b, sb, method="classical", quantiles=(0.5,))
    # marginal P(n) by brute-force Monte Carlo (independent of the quadrature)
    rng = np.random.default_rng(1)
    bs = rng.normal(b, sb, 400_000)
    bs = bs[bs >= 0]
    n_med = np.median(rng.poisson(bs))
    assert band[0] == pytest.approx(classical_limit(n_med, b, sb), rel=1e-9)


def test_asimov_exact_poisson_between_band_edges():
    for b in (0.5, 2.0, 10.0):
        lo, med, hi = expected_limit_band(b)
        assert lo <= asimov_limit(b) <= hi


def test_asymptotic_exclusion_known_values():
    # b -> 0: q_A = 2 s  -> s = z^2 / 2 (fails at small counts: 0.82, not 2.30)
    assert asymptotic_exclusion_limit(0.0, cl=0.9) == pytest.approx(stats.norm.ppf(0.9) ** 2 / 2, rel=1e-9)
    # large b: s ~ z sqrt(b) (1 + O(s/b)); exact root of 2(s - b ln(1+s/b)) = z^2
    b, z = 1e4, stats.norm.ppf(0.95)
    s = asymptotic_exclusion_limit(b, cl=0.95)
    assert 2 * (s - b * np.log1p(s / b)) == pytest.approx(z**2, rel=1e-9)
    assert s == pytest.approx(z * np.sqrt(b), rel=0.02)
    # background uncertainty weakens the expected limit: sigma_b -> s ~ z sqrt(b + sigma^2) at large b
    s_unc = asymptotic_exclusion_limit(b, 100.0, cl=0.95)
    assert s_unc == pytest.approx(z * np.sqrt(b + 100.0**2), rel=0.03)


def test_discovery_significance_cowan():
    # Cowan et al. 1007.1727 eq. 97 for known b
    s, b = 10.0, 100.0
    z = np.sqrt(2 * ((s + b) * np.log(1 + s / b) - s))
    assert asimov_discovery_significance(s, b) == pytest.approx(z, rel=1e-12)
    assert asimov_discovery_significance(s, b, 1e-6) == pytest.approx(z, rel=1e-6)
    # s << b with uncertainty: Z ~ s / sqrt(b + sigma^2)
    assert asimov_discovery_significance(1.0, 1e4, 50.0) == pytest.approx(1 / np.sqrt(1e4 + 2500), rel=0.01)
