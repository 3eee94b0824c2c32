"""Exclusion plot in the (mass, coupling) plane: the excluded region, honest edges, overlays.

- Closed boundaries are solid lines; a boundary that is only the edge of the scanned range
  (the cap |U|^2 = 1, d = 0.1 GeV^-1, or the first/last grid mass while still excluded) is drawn
  dashed and named so in the legend: it is not a limit.  Where the exclusion ends between two
  masses (the mass reach, resolved by hnlreach.api, several masses per round) the contour is closed.
- Axis labels in mathtext with flavour and unit ($|U_\\tau|^2$, $d_\\mu$ [GeV$^{-1}$]); the legend
  below the axes; only major ticks labelled.
- Overlays: shipped published curves (by name, hnlreach.outputs.published) or two-column files
  (mass, coupling) with optional header lines ``# key: value``::

      # coupling: |U_tau|^2        (or d_mu [GeV^-1], mixing:1:1:0, dipole:mu)
      # mass_unit: MeV             (GeV, MeV or keV; default GeV)
      # kind: lower                (closed | lower | open; default open)
      # label: My experiment 2025

  Each overlay is checked against the plot: another coupling (flavour, mixing vs dipole) is a
  one-line HNLInputError, as are masses outside 0.1 MeV - 100 GeV (a file in MeV read as GeV)
  or |U|^2 > 1.  'lower' curves (only the lower boundary of an excluded region) and 'open'
  curves are drawn as given, never closed; a digitised figure's frame is not drawn.
- Existing limits from the `HNLimits` package (PyPI ``hnlimits``, optional; it reads its index
  online, so without network or package a warning is issued and the plot is made without them).
- ``style="mplhep"`` uses mplhep's ROOT style if mplhep is installed.

matplotlib (Agg backend) is imported only when a plot is made.
"""
from __future__ import annotations

import os
import warnings
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.outputs.atomic import atomic_open
from hnlreach.outputs.coupling import Coupling

PLOT_FORMATS = ("png", "pdf", "svg", "eps", "ps", "jpg", "jpeg", "tif", "tiff")
MASS_UNITS = {"gev": 1.0, "mev": 1e-3, "kev": 1e-6}
OVERLAY_KINDS = ("closed", "lower", "open")
_PLAUSIBLE_MASS_GEV = (1e-4, 100.0)


def check_plot_path(path) -> str:
    """The image format from the suffix of `path` (HNLInputError if not one of PLOT_FORMATS)."""
    ext = Path(str(path)).suffix.lstrip(".").lower()
    if ext not in PLOT_FORMATS:
        raise HNLInputError(f"plot file {path}: unknown image format {('.' + ext) if ext else '(no suffix)'}; "
                            f"use one of {', '.join('.' + f for f in PLOT_FORMATS)}")
    return ext


@dataclass
class Overlay:
    label: str
    mass_GeV: np.ndarray
    coupling: np.ndarray
    kind: str
    frame: dict | None = None
    coupling_kind: Coupling | None = None
    breaks: tuple = ()


def load_overlay(item: str, coupling: Coupling | None = None) -> Overlay:
    """A published curve name or a file, checked against the plot's coupling (see module doc)."""
    from hnlreach.outputs.published import PUBLISHED, load_published

    if item in PUBLISHED:
        c = load_published(item)
        ov = Overlay(c.description, c.mass_GeV, c.coupling, c.kind, c.frame, Coupling.parse(c.coupling_label),
                     c.breaks)
    elif os.path.isfile(item):
        ov = _read_overlay_file(item)
    else:
        raise HNLInputError(f"overlay {item!r}: not a published curve ({', '.join(sorted(PUBLISHED))}) nor a file")
    if coupling is not None and ov.coupling_kind is not None and not ov.coupling_kind.same_as(coupling):
        raise HNLInputError(f"overlay {item!r} is on {ov.coupling_kind.text}, the plot shows {coupling.text}")
    if ov.coupling_kind is None:
        ov.coupling_kind = coupling
    return ov


def _read_overlay_file(path: str) -> Overlay:
    header, rows = {}, []
    try:
        lines = Path(path).read_text().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise HNLInputError(f"overlay {path}: cannot read it ({exc})") from None
    for ln in lines:
        s = ln.strip()
        if s.startswith("#"):
            key, sep, val = s.lstrip("#").partition(":")
            if sep and key.strip().lower() in ("coupling", "mass_unit", "kind", "label"):
                header[key.strip().lower()] = val.strip()
        elif s:
            rows.append(s.replace(",", " ").split())
    try:
        data = np.array(rows, dtype=float)
    except ValueError:
        raise HNLInputError(f"overlay {path}: expected two numeric columns (mass, coupling)") from None
    if data.ndim != 2 or data.shape[0] < 2 or data.shape[1] < 2:
        raise HNLInputError(f"overlay {path}: expected at least two rows of two columns (mass, coupling)")
    unit = header.get("mass_unit", "GeV")
    if unit.lower() not in MASS_UNITS:
        raise HNLInputError(f"overlay {path}: mass_unit {unit!r} not one of GeV, MeV, keV")
    kind = header.get("kind", "open").lower()
    if kind not in OVERLAY_KINDS:
        raise HNLInputError(f"overlay {path}: kind {kind!r} not one of {', '.join(OVERLAY_KINDS)}")
    m, g = data[:, 0] * MASS_UNITS[unit.lower()], data[:, 1]
    if not (np.all(np.isfinite(data[:, :2])) and np.all(m > 0) and np.all(g > 0)):
        raise HNLInputError(f"overlay {path}: masses and couplings must be positive finite numbers")
    lo, hi = _PLAUSIBLE_MASS_GEV
    if m.min() < lo or m.max() > hi:
        raise HNLInputError(f"overlay {path}: masses {m.min():g}-{m.max():g} GeV are not HNL masses in {unit}; "
                            "state the unit in a header line '# mass_unit: MeV'")
    cpl = Coupling.parse(header["coupling"]) if "coupling" in header else None
    if cpl is not None and cpl.kind == "mixing" and g.max() > 1.0:
        raise HNLInputError(f"overlay {path}: |U|^2 up to {g.max():g} > 1")
    return Overlay(header.get("label", Path(path).stem), m, g, kind, None, cpl)


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


def _style(style):
    if style is None:
        return nullcontext()
    if style != "mplhep":
        raise HNLInputError(f"plot style {style!r}: only 'mplhep' is known")
    try:
        import mplhep
    except ImportError:
        raise HNLInputError("plot style 'mplhep' needs mplhep: pip install mplhep") from None
    import matplotlib.pyplot as plt

    return plt.style.context(mplhep.style.ROOT)


@contextmanager
def figure(path: str | os.PathLike | None, *, figsize=(6.4, 4.8), dpi: int = 150, style=None):
    """Yield (fig, ax) on the Agg backend; on exit save to `path` atomically (format from the
    suffix) and close the figure.  path None: the figure is left open (returned by the caller)."""
    import matplotlib

    if path is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    with _style(style):
        fig, ax = plt.subplots(figsize=figsize)
        try:
            yield fig, ax
            if path is not None:
                fmt = check_plot_path(path)
                with atomic_open(path, "wb") as fh:
                    fig.savefig(fh, format=fmt, dpi=dpi, bbox_inches="tight")
        finally:
            if path is not None:
                plt.close(fig)


# --- the excluded region ----------------------------------------------------------------------
def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) index pairs (inclusive) of consecutive True entries."""
    out, i, n = [], 0, len(mask)
    while i < n:
        if mask[i]:
            j = i
            while j + 1 < n and mask[j + 1]:
                j += 1
            out.append((i, j))
            i = j + 1
        else:
            i += 1
    return out


def _draw_polyline(ax, x, y, is_open, color, lw):
    """Segments i -> i+1, solid where both ends are closed boundaries, dashed otherwise."""
    for k in range(len(x) - 1):
        op = is_open[k] or is_open[k + 1]
        ax.plot(x[k:k + 2], y[k:k + 2], color=color, lw=lw * (0.7 if op else 1.0),
                ls=(0, (4, 3)) if op else "-", alpha=0.8 if op else 1.0, solid_capstyle="butt")


def draw_region(ax, result, color="C3", label="excluded") -> bool:
    """Fill and outline every excluded island of a LimitResult; returns True if an edge is open."""
    masses = np.asarray(result.masses, dtype=float)
    n_iv = np.array([len(iv) for iv in result.intervals])
    any_open = False
    for k in range(int(n_iv.max(initial=0))):
        have = n_iv > k
        lo = np.array([iv[k][0] if len(iv) > k else np.nan for iv in result.intervals])
        hi = np.array([iv[k][1] if len(iv) > k else np.nan for iv in result.intervals])
        lo_open = np.array([k == 0 and bool(result.open_lower[i]) for i in range(len(masses))])
        hi_open = np.array([k == n_iv[i] - 1 and bool(result.open_upper[i]) for i in range(len(masses))])
        for s, e in _runs(have):
            sl = slice(s, e + 1)
            x = masses[sl]
            if s == e:  # one excluded mass: a bar
                ax.plot([x[0]] * 2, [lo[s], hi[s]], color=color, lw=3, solid_capstyle="butt")
            else:
                ax.fill_between(x, lo[sl], hi[sl], color=color, alpha=0.3, lw=0,
                                label=label if k == 0 and s == _runs(have)[0][0] else None)
            _draw_polyline(ax, x, lo[sl], lo_open[sl], color, 1.4)
            _draw_polyline(ax, x, hi[sl], hi_open[sl], color, 1.4)
            any_open |= bool(lo_open[sl].any() or hi_open[sl].any())
            for i, edge in ((s, s == 0), (e, e == len(masses) - 1)):  # ends: mass reach or grid edge
                ax.plot([masses[i]] * 2, [lo[i], hi[i]], color=color, lw=0.9 if edge else 1.4,
                        ls=(0, (4, 3)) if edge else "-", alpha=0.8 if edge else 1.0)
                any_open |= edge
    return any_open


def _draw_overlay(ax, ov: Overlay, color):
    m, g = np.asarray(ov.mass_GeV, float), np.asarray(ov.coupling, float)
    if ov.kind == "lower":
        order = np.argsort(m, kind="stable")
        ax.plot(m[order], g[order], color=color, lw=1.3, ls="--", label=f"{ov.label} (excluded above)")
        return
    closed = ov.kind == "closed"
    if closed:
        m, g = np.append(m, m[0]), np.append(g, g[0])
    keep = np.ones(len(m) - 1, dtype=bool)  # segment k: point k -> k+1
    for b in ov.breaks:  # separately digitised branches
        keep[b - 1] = False
    if ov.frame:
        def on(a, b, key, vals):
            ref = ov.frame.get(key)
            return ref is not None and np.isclose(vals[a], ref, rtol=2e-3) and np.isclose(vals[b], ref, rtol=2e-3)

        for k in range(len(m) - 1):
            if any(on(k, k + 1, key, v) for key, v in (("mass_min", m), ("mass_max", m),
                                                        ("coupling_min", g), ("coupling_max", g))):
                keep[k] = False
    first = True
    for s, e in _runs(keep):
        ax.plot(m[s:e + 2], g[s:e + 2], color=color, lw=1.3, label=ov.label if first else None)
        first = False


def _log_axes(ax):
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    lo, hi = ax.get_xlim()
    if hi / lo < 10 ** 2.5:  # narrow mass range: label 1, 2, 5 x 10^n in plain numbers
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_locator(LogLocator(base=10, subs=np.arange(2, 10) * 1.0, numticks=100))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_minor_locator(LogLocator(base=10, subs=np.arange(2, 10) * 1.0, numticks=100))
    ax.yaxis.set_minor_formatter(NullFormatter())


def plot_limit(result, path=None, *, overlays: Iterable[str] = (), title: str | None = None,
               label: str | None = None, color: str = "C3", hnlimits: bool | str = False,
               style: str | None = None, dpi: int = 150):
    """Log-log exclusion plot of a LimitResult (hnlreach.api).  path: file (format from its
    suffix, written atomically; the path is returned) or None (the open Figure is returned).
    overlays: published-curve names or files (module docstring); each is checked against the
    result's coupling before anything is drawn.  hnlimits: True (the plot's flavour) or 'e',
    'mu', 'tau' to add the existing limits of the HNLimits package (mixing only)."""
    if path is not None:
        check_plot_path(path)
    coupling = result.coupling
    loaded = [load_overlay(str(o), coupling) for o in overlays]
    with figure(path, dpi=dpi, style=style) as (fig, ax):
        any_open = draw_region(ax, result, color=color, label=f"{label or result.experiment} excluded")
        for i, ov in enumerate(loaded):
            _draw_overlay(ax, ov, f"C{i % 10}" if f"C{i % 10}" != color else "C9")
        if hnlimits:
            flavour = coupling.flavour if hnlimits is True else str(hnlimits)
            try:
                if coupling.kind != "mixing" or flavour not in ("e", "mu", "tau"):
                    raise RuntimeError(f"HNLimits has mixing limits per flavour, the plot shows {coupling.text}")
                nature = (result.model or {}).get("nature", "Dirac").lower()
                for _, m, u in hnlimits_curves(flavour, nature):
                    ax.plot(m, u, lw=0.8, color="0.55")
                ax.plot([], [], lw=0.8, color="0.55", label="existing limits (HNLimits)")
            except RuntimeError as exc:
                warnings.warn(f"hnlimits overlay skipped: {exc}", RuntimeWarning, stacklevel=2)
        if any_open:
            cap = result.coupling_range[1] if getattr(result, "coupling_range", None) else None
            unit = r" GeV$^{-1}$" if coupling.kind == "dipole" else ""
            what = f"{coupling.cap_text} = {cap:g}{unit}" if cap else "scan range"
            ax.plot([], [], color=color, lw=1.0, ls=(0, (4, 3)),
                    label=f"edge of the scan ({what}, first/last mass): not a limit")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("HNL mass $m_N$ [GeV]")
        ax.set_ylabel(coupling.mathtext)
        ax.set_title(title if title is not None else result.title(), fontsize="medium")
        ax.grid(True, which="major", alpha=0.3)
        _log_axes(ax)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize="small", frameon=False)
    return Path(path) if path is not None else fig
