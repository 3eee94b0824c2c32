"""Shared steps of the beam-dump preset reproductions (ship, nutev, na62-dump): run a preset's
contour, compare it mass by mass with a shipped published curve, plot, and write markdown.
"""
from __future__ import annotations

from importlib import resources

import numpy as np

from hnlreach.outputs.plot import figure
from hnlreach.validation.compare import as_float_array, compare, largest_excluded_mass


def readme_section(folder: str, start: str) -> str:
    """The explanatory part of experiments/data/<folder>/README.md under the heading `start`."""
    text = (resources.files("hnlreach") / "experiments" / "data" / folder / "README.md").read_text()
    return text[text.index(start):].partition("\n")[2].strip()  # without the heading line itself


def ratio_summary(masses, ratio, band) -> str:
    """'a .. b (median c)' of the finite ratios with band[0] <= m <= band[1], or 'no overlap'."""
    m = np.asarray(masses)
    r = np.asarray(ratio, float)
    sel = (m >= band[0]) & (m <= band[1]) & np.isfinite(r)
    if not sel.any():
        return "no overlap"
    return f"{np.min(r[sel]):.2f} .. {np.max(r[sel]):.2f} (median {np.median(r[sel]):.2f}, {sel.sum()} masses)"


def section(title: str, masses, result, published, band, label: str, upper=None,
            extra_band=None) -> tuple[str, object]:
    """Markdown block: reach, ratio summary in `band` (and in `extra_band` = (name, band) if given), the
    mass-by-mass table.  `upper`: an optional separate published upper-boundary curve ('line' files hold
    one boundary each)."""
    cmp = compare(masses, result.lower, result.upper, published)
    if upper is not None:  # a single upper-boundary line: log-log interpolation inside its mass range
        x, y = np.log(upper.mass_GeV), np.log(upper.coupling)
        order = np.argsort(x)
        cmp.pub_upper = np.exp(np.interp(np.log(masses), x[order], y[order], left=np.nan, right=np.nan))
    reach = largest_excluded_mass(masses, result.lower)
    lines = [f"### {title}", "",
             f"- largest excluded mass of the grid: {reach:.3f} GeV",
             f"- lower boundary ours/published, {band[0]:g}-{band[1]:g} GeV: "
             f"{ratio_summary(masses, cmp.ratio_lower, band)}"]
    if extra_band is not None:
        name, b = extra_band
        lines.append(f"- lower boundary ours/published, {name} {b[0]:g}-{b[1]:g} GeV: "
                     f"{ratio_summary(masses, cmp.ratio_lower, b)}")
    lines += ["", cmp.markdown(label)]
    return "\n".join(lines), cmp


def plot(path, panels, title: str, ylabel: str = "|U|^2"):
    """panels: list of (label, masses, result, [published curves], colour)."""
    with figure(path, figsize=(6.6, 4.8), dpi=120) as (fig, ax):
        for label, masses, res, pubs, colour in panels:
            lo, hi = as_float_array(res.lower), as_float_array(res.upper)
            ok = np.isfinite(lo)
            ax.plot(np.asarray(masses)[ok], lo[ok], "-", color=colour, label=f"hnlreach: {label}")
            hi_ok = ok & (hi < 0.99)
            if hi_ok.any():
                ax.plot(np.asarray(masses)[hi_ok], hi[hi_ok], "--", color=colour, lw=1)
            for pub in pubs:
                if pub.kind == "closed":
                    ax.plot(np.append(pub.mass_GeV, pub.mass_GeV[0]), np.append(pub.coupling, pub.coupling[0]),
                            ":", color=colour, lw=1.5, label=f"published: {pub.description}")
                else:
                    order = np.arange(len(pub.mass_GeV))
                    ax.plot(pub.mass_GeV[order], pub.coupling[order], ":", color=colour, lw=1.5,
                            label=f"published: {pub.description}")
        ax.set(xscale="log", yscale="log", xlabel="m_N [GeV]", ylabel=ylabel, title=title)
        ax.legend(fontsize=6, loc="upper right")
