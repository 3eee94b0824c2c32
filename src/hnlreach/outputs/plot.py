"""Exclusion plot in the (mass, coupling) plane: filled excluded region, optional overlays.

matplotlib (Agg backend) is imported only when a plot is made. Overlays: curves shipped in
hnlreach/data/published_limits (by name, see hnlreach.outputs.published) or any two-column
file (mass in GeV, coupling), and existing limits from the `HNLimits` package (PyPI
``hnlimits``; optional). HNLimits 1.2.0 reads its index of limits from an online Google sheet,
so that overlay only works with network access; without it (or without the package) a warning
is issued and the plot is made without it.
"""
from __future__ import annotations

import os
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable

import numpy as np

from hnlreach.outputs.atomic import atomic_open
from hnlreach.outputs.published import PUBLISHED, load_published


def _islands(result):
    """masses and, per island rank k, arrays (lo_k, hi_k) with NaN where that island is absent."""
    if isinstance(result, tuple):  # (masses, lower, upper) e.g. from read_limit_csv
        masses, lo, hi = (np.asarray(a, dtype=float) for a in result)
        return masses, [(lo, hi)]
    masses = np.asarray(result.masses, dtype=float)
    k_max = max((len(r.intervals) for r in result.results), default=0)
    ranks = []
    for k in range(max(k_max, 1)):
        lo = np.array([r.intervals[k][0] if len(r.intervals) > k else np.nan for r in result.results])
        hi = np.array([r.intervals[k][1] if len(r.intervals) > k else np.nan for r in result.results])
        ranks.append((lo, hi))
    return masses, ranks


def hnlimits_curves(flavour: str, nature: str = "dirac") -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Existing limits on |U_flavour|^2 from the HNLimits package: [(label, mass_GeV, |U|^2), ...].

    Raises RuntimeError if the package or its (online) index is unavailable.
    """
    try:
        from HNLimits.hnl_tools import Limits
    except ImportError as exc:
        raise RuntimeError("HNLimits is not installed (pip install hnlimits)") from exc
    try:
        lim = Limits(flavor=flavour, nature=nature)
    except Exception as exc:  # network errors, sheet format changes
        raise RuntimeError(f"HNLimits could not load its limits index: {exc}") from exc
    out = []
    for name, row in lim.limits.iterrows():
        for suffix in ("", "_top"):
            m, u = row.get(f"m4{suffix}"), row.get(f"ualpha4{suffix}")
            if m is not None and u is not None and np.size(m) > 1:
                out.append((str(name), np.asarray(m, dtype=float), np.asarray(u, dtype=float)))
    return out


@contextmanager
def figure(path: str | os.PathLike, *, figsize=(6.4, 4.8), dpi: int = 150):
    """Yield (fig, ax) on the Agg backend; on exit save to `path` atomically (format from the
    suffix: png, pdf, svg) and close the figure."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize)
    try:
        yield fig, ax
        fmt = Path(path).suffix.lstrip(".").lower() or "png"
        with atomic_open(path, "wb") as fh:
            fig.savefig(fh, format=fmt, dpi=dpi, bbox_inches="tight")
    finally:
        plt.close(fig)


def plot_exclusion(path: str | os.PathLike, result, *, coupling_label: str = "coupling",
                   title: str | None = None, label: str = "hnlreach", overlays: Iterable[str] = (),
                   hnlimits: str | None = None, hnl_nature: str = "dirac", color: str = "C3",
                   dpi: int = 150) -> Path:
    """Save a log-log exclusion plot of a ScanResult (or a (masses, lower, upper) tuple) to `path`.

    overlays: names from hnlreach.outputs.published.PUBLISHED or paths of two-column files
    (mass [GeV], coupling). hnlimits: 'e', 'mu' or 'tau' to add existing limits from HNLimits.
    The image format follows the file suffix (png, pdf, svg); the file is written atomically.
    """
    masses, ranks = _islands(result)
    with figure(path, dpi=dpi) as (_, ax):
        for k, (lo, hi) in enumerate(ranks):
            ok = np.isfinite(lo) & np.isfinite(hi)
            if not ok.any():
                continue
            ax.fill_between(masses, np.where(ok, lo, np.nan), np.where(ok, hi, np.nan), where=ok,
                            color=color, alpha=0.35, lw=0, label=f"{label} excluded" if k == 0 else None)
            ax.plot(masses, np.where(ok, lo, np.nan), color=color, lw=1.2)
            ax.plot(masses, np.where(ok, hi, np.nan), color=color, lw=1.2)
            if ok.sum() == 1:  # a single excluded mass: show the interval as a bar
                i = int(np.flatnonzero(ok)[0])
                ax.plot([masses[i]] * 2, [lo[i], hi[i]], color=color, lw=3)
        for i, item in enumerate(overlays):
            m, g, name, kind = _overlay_data(item)
            ax.plot(m, g, lw=1.3, ls="--" if kind == "line" else "-", color=f"C{i % 10}", label=name)
        if hnlimits:
            try:
                for name, m, u in hnlimits_curves(hnlimits, hnl_nature):
                    ax.plot(m, u, lw=0.8, color="0.55")
                ax.plot([], [], lw=0.8, color="0.55", label="existing limits (HNLimits)")
            except RuntimeError as exc:
                warnings.warn(f"hnlimits overlay skipped: {exc}", RuntimeWarning, stacklevel=2)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("HNL mass [GeV]")
        ax.set_ylabel(coupling_label)
        if title:
            ax.set_title(title)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize="small", frameon=False)
        ax.grid(True, which="major", alpha=0.3)
    return Path(path)


def _overlay_data(item: str):
    if item in PUBLISHED:
        c = load_published(item)
        m, g, name, kind = c.mass_GeV, c.coupling, c.description, c.kind
    else:
        data = np.loadtxt(item, comments="#", ndmin=2)
        m, g, name, kind = data[:, 0], data[:, 1], Path(item).stem, "closed"
    if kind == "line":
        order = np.argsort(m)
        m, g = m[order], g[order]
    elif m.size > 2 and (m[0], g[0]) != (m[-1], g[-1]):  # close the contour
        m, g = np.append(m, m[0]), np.append(g, g[0])
    return m, g, name, kind
