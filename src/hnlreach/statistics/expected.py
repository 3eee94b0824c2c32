"""Expected (median) limits, their ±1σ bands, and Asimov sensitivities.

Three notions, all for the background-only hypothesis:
- ``expected_limit_band``: quantiles of the per-n upper limit over pseudo-observations
  n ~ Poisson(b) (b itself drawn from its truncated-Gaussian prior), computed exactly over the
  discrete distribution of n (no MC). The limit is non-decreasing in n, so its q-quantile is the
  limit at the q-quantile of n. For b = 0 every quantile is the n = 0 limit (2.30 at 90 %).
- ``asimov_limit``: the same limit evaluated on the Asimov data set n_A = b (continuous
  extension in n), "the analysis observes exactly the predicted background" (Liu et al. arXiv:2412.15051).
  This is what ``events_limit(observed=None)`` and hence ``hnlreach limit`` use for sensitivities.
- ``asymptotic_exclusion_limit``: Cowan, Cranmer, Gross, Vitells, arXiv:1007.1727, Asimov
  median of the profile-likelihood-ratio test statistic q_s with data n_A = b (sec. 5), CLs+b,
  s such that sqrt(q_s,A) = Phi^-1(CL); background uncertainty as a Gaussian constraint term
  profiled in closed form. Known b: q_A = 2 (s - b ln(1 + s/b)); b -> 0 gives s = Z^2/2
  (0.82 at 90 %) — the asymptotic formula fails at small counts, hence not the default.
"""
from __future__ import annotations

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.statistics.limits import _check, truncated_gauss_nodes, upper_limit

ONE_SIGMA_QUANTILES = (0.15865525393145707, 0.5, 0.8413447460685429)


def n_distribution(background: float, background_sigma: float = 0.0, tail: float = 1e-9):
    """P(n) for n ~ Poisson(b), b ~ truncated Gaussian(background, background_sigma); n = 0..n_max."""
    from scipy.stats import poisson

    b, wb = truncated_gauss_nodes(background, background_sigma)
    n_max = int(poisson.isf(tail, max(b.max(), 1e-12))) + 1
    n = np.arange(n_max + 1)
    p = (wb[None, :] * poisson.pmf(n[:, None], b[None, :])).sum(axis=1)
    return n, p


def expected_limit_band(background: float, background_sigma: float = 0.0, signal_syst: float = 0.0,
                        cl: float = 0.9, method: str = "bayesian",
                        quantiles=ONE_SIGMA_QUANTILES) -> np.ndarray:
    """Quantiles of the upper limit under background only (default: -1σ, median, +1σ).

    Exact discrete computation over n ~ Poisson(b); returns an array like `quantiles`.
    """
    _check(0, background, background_sigma, signal_syst, cl, method)
    q = np.asarray(quantiles, dtype=float)
    if np.any((q <= 0) | (q >= 1)):
        raise HNLInputError("quantiles must be in (0, 1)")
    n, p = n_distribution(background, background_sigma)
    cdf = np.cumsum(p)
    n_q = n[np.minimum(np.searchsorted(cdf, q * cdf[-1] - 1e-12), n.size - 1)]
    uniq = np.unique(n_q)
    lims = dict(zip(uniq.tolist(), np.atleast_1d(
        upper_limit(uniq.astype(float), background, background_sigma, signal_syst, cl, method)).tolist()))
    return np.array([lims[k] for k in n_q.tolist()])


def asimov_limit(background: float, background_sigma: float = 0.0, signal_syst: float = 0.0,
                 cl: float = 0.9, method: str = "bayesian") -> float:
    """Upper limit for the Asimov data set n_A = background (continuous in n); b = 0 gives 2.30 at 90 %."""
    return float(upper_limit(float(background), background, background_sigma, signal_syst, cl, method))


def _profiled_background(n: float, s: float, b0: float, sigma: float) -> float:
    """b maximising Poisson(n | s + b) * Gauss(b0 | b, sigma), b >= 0 (root of a quadratic in t = s + b)."""
    if sigma == 0.0:
        return b0
    c = sigma**2 - s - b0
    t = 0.5 * (-c + np.sqrt(c * c + 4.0 * n * sigma**2))
    return max(t - s, 0.0)


def _nll(n: float, s: float, b: float, b0: float, sigma: float) -> float:
    """-ln L(s, b) up to constants: Poisson(n | s + b) times the Gaussian constraint on b."""
    mu = s + b
    val = mu - (n * np.log(mu) if n > 0 else 0.0)
    if sigma > 0:
        val += 0.5 * ((b - b0) / sigma) ** 2
    return val


def asimov_q_exclusion(s: float, background: float, background_sigma: float = 0.0) -> float:
    """q_s on Asimov background-only data (n_A = b0), b profiled (Cowan et al. 1007.1727, eq. 14, sec. 5)."""
    b0, sig = float(background), float(background_sigma)
    bb = _profiled_background(b0, s, b0, sig)
    q = 2.0 * (_nll(b0, s, bb, b0, sig) - _nll(b0, 0.0, b0, b0, sig))
    return max(q, 0.0)


def asymptotic_exclusion_limit(background: float, background_sigma: float = 0.0, cl: float = 0.9) -> float:
    """Median expected upper limit from the Asimov formula: sqrt(q_s,A) = Phi^-1(CL) (CLs+b)."""
    from scipy.optimize import brentq
    from scipy.stats import norm

    _check(0, background, background_sigma, 0.0, cl)
    z2 = norm.ppf(cl) ** 2
    hi = 1.0
    while asimov_q_exclusion(hi, background, background_sigma) < z2:
        hi *= 2.0
        if hi > 1e12:
            raise HNLInputError("asymptotic limit did not converge")
    return brentq(lambda s: asimov_q_exclusion(s, background, background_sigma) - z2, 0.0, hi,
                  xtol=1e-12, rtol=1e-12)


def asimov_discovery_significance(signal: float, background: float, background_sigma: float = 0.0) -> float:
    """Median discovery significance Z_0 on Asimov data n_A = s + b (Cowan et al. 1007.1727, eq. 97
    for known b: sqrt(2((s+b) ln(1+s/b) - s)); with a Gaussian-constrained, profiled b otherwise)."""
    s, b0, sig = float(signal), float(background), float(background_sigma)
    if b0 <= 0:
        raise HNLInputError("discovery significance needs background > 0")
    n = s + b0
    bb = _profiled_background(n, 0.0, b0, sig)
    q0 = 2.0 * (_nll(n, 0.0, bb, b0, sig) - _nll(n, s, b0, b0, sig))
    return float(np.sqrt(max(q0, 0.0)))
