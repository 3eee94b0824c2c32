"""Comparison of computed exclusion boundaries with published (digitised) curves, in log space."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hnlreach.outputs.published import PublishedCurve


def as_float_array(values) -> np.ndarray:
    """Boundaries as floats, None (nothing excluded) -> NaN, for plotting and ratios."""
    return np.array([np.nan if x is None else float(x) for x in values], dtype=float)


def contour_bounds(curve: PublishedCurve, masses) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper coupling of a published curve at each mass (NaN where it has none).

    'closed' contours: the extreme crossings of the polygon's edges with the vertical line at m
    (log-log linear interpolation along each edge; 'open' curves as if closed).  'lower' curves: the line is the lower bound.
    """
    m = np.log(np.atleast_1d(np.asarray(masses, dtype=float)))
    x, y = np.log(curve.mass_GeV), np.log(curve.coupling)
    if curve.kind in ("lower", "line"):
        order = np.argsort(x)
        lo = np.interp(m, x[order], y[order], left=np.nan, right=np.nan)
        return np.exp(lo), np.full_like(lo, np.nan)
    x0, y0 = x, y
    x1, y1 = np.roll(x, -1), np.roll(y, -1)
    xm = m[:, None]
    lo_x, hi_x = np.minimum(x0, x1), np.maximum(x0, x1)
    hit = (xm >= lo_x) & (xm <= hi_x) & (hi_x > lo_x)
    t = np.where(hi_x > lo_x, (xm - x0) / np.where(x1 != x0, x1 - x0, 1.0), 0.0)
    yc = np.where(hit, y0 + t * (y1 - y0), np.nan)
    with np.errstate(all="ignore"):
        lower = np.where(hit.any(axis=1), np.nanmin(np.where(hit, yc, np.inf), axis=1), np.nan)
        upper = np.where(hit.any(axis=1), np.nanmax(np.where(hit, yc, -np.inf), axis=1), np.nan)
    return np.exp(lower), np.exp(upper)


@dataclass
class Comparison:
    """Mass-by-mass ratios ours/published of the lower and upper boundaries."""

    masses: np.ndarray
    ours_lower: np.ndarray
    ours_upper: np.ndarray
    pub_lower: np.ndarray
    pub_upper: np.ndarray

    @property
    def ratio_lower(self):
        return self.ours_lower / self.pub_lower

    @property
    def ratio_upper(self):
        return self.ours_upper / self.pub_upper

    def markdown(self, coupling_label: str) -> str:
        """A table of boundaries and ratios (— where either side has no boundary)."""
        def f(v, fmt=".3e"):
            return "—" if not np.isfinite(v) else format(v, fmt)
        rows = ["| m [GeV] | ours lower | published lower | ratio | ours upper | published upper | ratio |",
                "|---|---|---|---|---|---|---|"]
        for i, m in enumerate(self.masses):
            rows.append(f"| {m:.3f} | {f(self.ours_lower[i])} | {f(self.pub_lower[i])} | "
                        f"{f(self.ratio_lower[i], '.2f')} | {f(self.ours_upper[i])} | "
                        f"{f(self.pub_upper[i])} | {f(self.ratio_upper[i], '.2f')} |")
        return f"Boundaries of the excluded region in {coupling_label}.\n\n" + "\n".join(rows) + "\n"


def compare(masses, lower, upper, curve: PublishedCurve) -> Comparison:
    """Compare our boundaries (None/NaN where nothing is excluded) with a published curve."""
    pl, pu = contour_bounds(curve, masses)
    return Comparison(np.asarray(masses, float), as_float_array(lower), as_float_array(upper), pl, pu)


def largest_excluded_mass(masses, lower) -> float:
    """Largest mass of the grid with an excluded interval (NaN if none)."""
    ok = [m for m, lo in zip(masses, lower) if lo is not None and np.isfinite(lo)]
    return max(ok) if ok else float("nan")


def published_mass_reach(curve: PublishedCurve) -> float:
    """Largest mass reached by a published exclusion curve."""
    return float(np.max(curve.mass_GeV))
