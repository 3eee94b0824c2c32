"""Upper limits on a Poisson signal mean s, with background b and nuisance parameters.

Model: n ~ Poisson(eps * s + b), eps = signal efficiency factor (nominal 1, relative Gaussian
uncertainty `signal_syst`), b = background (Gaussian uncertainty `background_sigma`); both
nuisance priors are Gaussians truncated at 0.

Methods
- ``classical``: Neyman upper limit, s such that P(n' <= n | s + b) = 1 - CL (PDG RPP,
  "Statistics", Poisson upper limits). With nuisances, the Poisson probability is averaged over
  their priors before the inversion (Cousins & Highland, NIM A320 (1992) 331, hybrid method).
  With known b the limit is gammainccinv(n+1, 1-CL) - b, which can be <= 0 when n << b:
  then the limit is reported as 0 (an empty confidence interval).
- ``bayesian``: uniform prior in s >= 0 (Helene, NIM 212 (1983) 319),
  1 - CL = Q(n+1, s_up + b) / Q(n+1, b) for known b (Q = regularised upper incomplete gamma,
  P(n' <= n | mu) = Q(n+1, mu)); with nuisances the likelihood is integrated over their priors
  (Cousins & Highland) and the posterior in s is integrated analytically:
  int_S^inf Poisson(n | eps s + b) ds = Q(n+1, eps S + b) / eps.

``n`` may be non-integer: the gamma-function form is the continuous extension used for Asimov
data (n_A = b); see hnlreach.statistics.expected.

Note on signal_syst in the Bayesian method: with a flat prior in s, a Gaussian efficiency prior
that reaches eps = 0 makes the posterior improper (logarithmic divergence of int G(eps)/eps,
Heinrich et al., physics/0409129). The divergence is weighted by G(0) ~ exp(-1/(2 sigma^2));
we integrate eps over [max(0, 1 - 7 sigma), 1 + 7 sigma] with Gauss-Legendre nodes (never at
eps = 0) and refuse signal_syst > MAX_BAYES_SIGNAL_SYST, where the truncation would matter.
"""
from __future__ import annotations

import numpy as np

from hnlreach.errors import HNLInputError

METHODS = ("classical", "bayesian")
MAX_BAYES_SIGNAL_SYST = 0.3
_N_NODES = 48
_N_SIGMA = 7.0


def _check(n, background, background_sigma, signal_syst, cl, method=None):
    if not (0.0 < cl < 1.0):
        raise HNLInputError(f"confidence level must be in (0, 1), got {cl}")
    if np.any(np.asarray(n, dtype=float) < 0) or np.any(~np.isfinite(np.asarray(n, dtype=float))):
        raise HNLInputError(f"observed events must be finite and >= 0, got {n}")
    if np.any(np.asarray(background, dtype=float) < 0) or not np.all(np.isfinite(background)):
        raise HNLInputError(f"background must be finite and >= 0, got {background}")
    if background_sigma < 0 or signal_syst < 0 or not np.isfinite(background_sigma + signal_syst):
        raise HNLInputError("background_sigma and signal_syst must be finite and >= 0")
    if method is not None and method not in METHODS:
        raise HNLInputError(f"unknown limit method {method!r}; choose one of {', '.join(METHODS)}")
    if method == "bayesian" and signal_syst > MAX_BAYES_SIGNAL_SYST:
        raise HNLInputError(
            f"signal_syst {signal_syst} > {MAX_BAYES_SIGNAL_SYST}: the flat-prior Bayesian limit is ill-defined "
            "(efficiency prior reaches 0); use method='classical' (Cousins-Highland)")


def truncated_gauss_nodes(mean: float, sigma: float, n_nodes: int = _N_NODES) -> tuple[np.ndarray, np.ndarray]:
    """Quadrature nodes and normalised weights for a Gaussian(mean, sigma) truncated at 0.

    Gauss-Legendre on [max(0, mean - 7 sigma), mean + 7 sigma]; a single node if sigma == 0.
    """
    if sigma == 0.0:
        return np.array([float(mean)]), np.array([1.0])
    lo, hi = max(0.0, mean - _N_SIGMA * sigma), mean + _N_SIGMA * sigma
    from hnlreach.physics.kinematics import gauss_legendre

    x, w = gauss_legendre(n_nodes)
    x = 0.5 * (hi - lo) * x + 0.5 * (hi + lo)
    w = w * np.exp(-0.5 * ((x - mean) / sigma) ** 2)
    return x, w / w.sum()


def _q(n, mu):
    """P(n' <= n | mu) = Q(n+1, mu), continuous in n."""
    from scipy.special import gammaincc

    return gammaincc(np.asarray(n, dtype=float) + 1.0, mu)


def _solve_increasing(f, target: float) -> float:
    """Root of the increasing function f(S) = target for S >= 0 (bracket by doubling, then brentq)."""
    from scipy.optimize import brentq

    hi = 1.0
    while f(hi) < target:
        hi *= 2.0
        if hi > 1e9:
            raise HNLInputError("upper limit did not converge (signal > 1e9 events)")
    return brentq(lambda s: f(s) - target, 0.0, hi, xtol=1e-12, rtol=1e-12)


def classical_limit(n, background=0.0, background_sigma: float = 0.0, signal_syst: float = 0.0,
                    cl: float = 0.9):
    """Classical (Neyman) upper limit on s, PDG RPP "Statistics"; nuisances by Cousins-Highland.

    Known b: s_up = max(0, gammainccinv(n+1, 1-CL) - b). 0 events, b = 0: 2.303 (90 %), 2.996 (95 %).
    Vectorised over n and background when there are no nuisances.
    """
    _check(n, background, background_sigma, signal_syst, cl)
    if background_sigma == 0.0 and signal_syst == 0.0:
        from scipy.special import gammainccinv

        mu = gammainccinv(np.asarray(n, dtype=float) + 1.0, 1.0 - cl)
        out = np.maximum(mu - np.asarray(background, dtype=float), 0.0)
        return float(out) if out.ndim == 0 else out
    return _vectorised(_classical_nuisance, n, background, background_sigma, signal_syst, cl)


def _classical_nuisance(n, b0, sb, se, cl):
    b, wb = truncated_gauss_nodes(b0, sb)
    e, we = truncated_gauss_nodes(1.0, se)
    w = np.outer(we, wb)
    p0 = float(np.sum(w * _q(n, b[None, :])))  # P(n' <= n | s = 0), averaged
    if p0 <= 1.0 - cl:
        return 0.0  # empty Neyman interval: no s >= 0 is allowed
    # the averaged P(n' <= n | s) decreases in s: solve 1 - P = CL as an increasing function
    return _solve_increasing(lambda s: 1.0 - float(np.sum(w * _q(n, e[:, None] * s + b[None, :]))), cl)


def bayesian_limit(n, background=0.0, background_sigma: float = 0.0, signal_syst: float = 0.0,
                   cl: float = 0.9):
    """Bayesian upper limit with a uniform prior in s >= 0 (Helene, NIM 212 (1983) 319).

    Known b (Helene's closed form): Q(n+1, s_up + b) = (1 - CL) Q(n+1, b), so n = 0 gives
    -ln(1 - CL) = 2.303 (90 %) for any b. Uncertain b and efficiency: likelihood integrated over
    their truncated-Gaussian priors (Cousins-Highland). Vectorised over n and background when
    there are no nuisances.
    """
    _check(n, background, background_sigma, signal_syst, cl, "bayesian")
    if background_sigma == 0.0 and signal_syst == 0.0:
        from scipy.special import gammainccinv

        n_arr = np.asarray(n, dtype=float)
        b = np.asarray(background, dtype=float)
        out = gammainccinv(n_arr + 1.0, (1.0 - cl) * _q(n_arr, b)) - b
        out = np.maximum(out, 0.0)
        return float(out) if out.ndim == 0 else out
    return _vectorised(_bayesian_nuisance, n, background, background_sigma, signal_syst, cl)


def _bayesian_nuisance(n, b0, sb, se, cl):
    b, wb = truncated_gauss_nodes(b0, sb)
    e, we = truncated_gauss_nodes(1.0, se)
    w = np.outer(we / e, wb)  # the 1/eps from integrating the Poisson likelihood over s
    qb = _q(n, b)[None, :]
    norm = float(np.sum(w * qb))
    return _solve_increasing(lambda s: float(np.sum(w * (qb - _q(n, e[:, None] * s + b[None, :])))) / norm, cl)


def _vectorised(fn, n, background, sb, se, cl):
    n_arr, b_arr = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(background, dtype=float))
    out = np.array([fn(float(ni), float(bi), sb, se, cl) for ni, bi in zip(n_arr.ravel(), b_arr.ravel())])
    out = out.reshape(n_arr.shape)
    return float(out) if out.ndim == 0 else out


def upper_limit(n, background=0.0, background_sigma: float = 0.0, signal_syst: float = 0.0,
                cl: float = 0.9, method: str = "bayesian"):
    """Upper limit on the signal mean by `method` ('classical' or 'bayesian')."""
    _check(n, background, background_sigma, signal_syst, cl, method)
    fn = classical_limit if method == "classical" else bayesian_limit
    return fn(n, background, background_sigma, signal_syst, cl)


def events_limit(observed: int | None = 0, background: float = 0.0, background_sigma: float = 0.0,
                 signal_syst: float = 0.0, cl: float = 0.9, method: str = "bayesian") -> float:
    """N_limit: the expected signal events the engine solves N(g) = N_limit against.

    `observed` = number of observed events; ``None`` means *expected* (sensitivity): the
    exact-Poisson Asimov limit, i.e. the same method evaluated at n_A = background
    (hnlreach.statistics.expected.asimov_limit). method: 'classical' or 'bayesian', or
    'asymptotic' (only with observed=None: Cowan et al. arXiv:1007.1727 Asimov formula).
    Raises HNLInputError if the limit is not positive (classical with n far below b).
    """
    from hnlreach.statistics import expected

    if observed is not None:
        obs = float(observed)
        if obs != int(obs):
            raise HNLInputError(f"observed events must be an integer, got {observed}")
        if method == "asymptotic":
            raise HNLInputError("method 'asymptotic' gives expected limits only (observed=None)")
        value = upper_limit(obs, background, background_sigma, signal_syst, cl, method)
    elif method == "asymptotic":
        value = expected.asymptotic_exclusion_limit(background, background_sigma, cl)
    else:
        value = expected.asimov_limit(background, background_sigma, signal_syst, cl, method)
    if not value > 0.0:
        raise HNLInputError(
            f"the {method} upper limit is empty for n={observed}, b={background}; use method='bayesian'")
    return float(value)
