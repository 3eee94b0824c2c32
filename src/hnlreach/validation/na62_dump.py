"""NA62 in beam-dump mode: preset ``na62-dump`` (1.4e17 POT, the 2021 sample) and, for comparison with
the published projection of Drewes, Hajer, Klaric, Lanfranchi (arXiv:1801.04207, 1e18 POT, |U_mu|^2),
the same preset at 1e18 POT.  The signal is proportional to the POT, so the 1e18 POT limit is the
1.4e17 POT sample with the event threshold scaled by 1.4e17/1e18 (exact, no new sampling).
"""
from __future__ import annotations

import functools
import time
from pathlib import Path

import numpy as np

from hnlreach.validation.charm import _experiment, _sample
from hnlreach.validation.dump_presets import plot, readme_section, section

PROJECTION_POT = 1.0e18  # arXiv:1801.04207
# the final states of NA62's dump-mode HNL search (proceedings arXiv:2605.02415): h+- l-+ with
# h = pi, pi pi0, pi 2pi0, K and l = e, mu
HL_CHANNELS = tuple(f"N -> {l}{q} {h}" for l in ("e", "mu") for q, h in (
    ("-", "pi+"), ("+", "pi-"), ("-", "pi+ pi0"), ("+", "pi- pi0"), ("-", "pi+ pi0 pi0"), ("+", "pi- pi0 pi0"),
    ("-", "K+"), ("+", "K-")))
BAND = (0.3, 1.8)  # GeV: charm region (the projection's D_s -> l N edge at ~1.9 GeV)


def contour_at_pot(masses, pot: float, *, mixing="mu", majorana=True, n_hnl=20000, seed=1):
    """Excluded |U|^2 per mass for preset na62-dump rescaled to `pot` protons on target."""
    from hnlreach.scan import scan_masses

    exp = _experiment("na62-dump")
    n_limit = exp.statistics.events_limit() * exp.beam.pot / pot
    factory = functools.partial(_sample, name="na62-dump", mixing=mixing, majorana=majorana, n_hnl=n_hnl)
    return scan_masses(masses, factory, n_limit, (1e-14, 1.0), seed=seed, jobs=1, quiet=True)


def contour_hl(masses, pot: float, *, mixing="mu", majorana=True, n_hnl=20000, seed=1):
    """As contour_at_pot, with the signal restricted to HL_CHANNELS (the h l final states of NA62's search)."""
    from dataclasses import replace

    from hnlreach.rates.engine import build_sample
    from hnlreach.scan import scan_masses

    exp = _experiment("na62-dump")
    hl = replace(exp, signal=replace(exp.signal, channels=HL_CHANNELS))
    n_limit = exp.statistics.events_limit() * exp.beam.pot / pot

    def factory(mass, rng):
        return build_sample(hl, float(mass), mixing=mixing, majorana=majorana, n_hnl=n_hnl, rng=rng)

    return scan_masses(masses, factory, n_limit, (1e-14, 1.0), seed=seed, jobs=1, quiet=True)


def reproduce(outdir: Path, quick: bool = False) -> list[Path]:
    from hnlreach.outputs.atomic import atomic_write_text
    from hnlreach.outputs.published import load_published

    outdir = Path(outdir)
    n_hnl = 4000 if quick else 40000
    masses = np.unique(np.concatenate([np.geomspace(0.3, 2.0, 8 if quick else 22), [1.0, 1.5, 1.8]]))
    exp = _experiment("na62-dump")
    t0 = time.perf_counter()
    proj = contour_at_pot(masses, PROJECTION_POT, n_hnl=n_hnl)
    data = contour_at_pot(masses, exp.beam.pot, n_hnl=n_hnl)
    hl = contour_hl(masses, exp.beam.pot, n_hnl=n_hnl)
    elapsed = time.perf_counter() - t0
    pub = load_published("NA62dump-Drewes2018")
    upper = load_published("NA62dump-Drewes2018-upper")
    fig = outdir / "na62dump_umu2.png"
    plot(fig, [("NA62 dump, 1e18 POT (charm only)", masses, proj, [pub, upper], "C3"),
               (f"NA62 dump, {exp.beam.pot:.2g} POT (2021 sample)", masses, data, [], "C0")],
         "NA62 beam-dump mode, Majorana, |U_mu|^2, 90 % CL", ylabel="|U_mu|^2")
    text_p, _ = section("1e18 POT against the Drewes et al. projection", masses, proj, pub, BAND,
                        "|U_mu|^2 (Majorana, 90 % CL, 1e18 POT)", upper=upper)
    fmt = lambda v: "—" if v is None else format(v, ".3e")  # noqa: E731
    rows = ["| m [GeV] | lower | upper | lower, h l only | upper, h l only | ratio of lower |", "|---|---|---|---|---|---|"]
    for m, lo, hi, lo2, hi2 in zip(masses, data.lower, data.upper, hl.lower, hl.upper):
        r = f"{lo2 / lo:.2f}" if lo is not None and lo2 is not None else "—"
        rows.append(f"| {m:.3f} | {fmt(lo)} | {fmt(hi)} | {fmt(lo2)} | {fmt(hi2)} | {r} |")
    lines = [
        "# NA62 in beam-dump mode: HNLs, |U_mu|^2", "",
        f"{'QUICK run (reduced statistics) — not the result.' if quick else 'Full run.'} "
        f"Preset `na62-dump`, {len(masses)} masses x {n_hnl} HNLs, Majorana, {elapsed:.0f} s.", "",
        "Published curve: the NA62 dump-mode projection for 1e18 POT of Drewes, Hajer, Klaric, "
        "Lanfranchi (arXiv:1801.04207), digitised by HNLimits (`NA62dump-Drewes2018`, lower boundary; "
        "`-upper` near the mass reach).  NA62's own dump-mode HNL search (h+- l-+ final states, 0.15-2 GeV, "
        "no event observed) has been presented in conference proceedings (J. L. Schubert for NA62, "
        "arXiv:2605.02415, May 2026), but its exclusion curve and exposure were not available to us as "
        "numbers (no digitisation or HEPData record found): below, the preset's expected exclusion for the "
        "2021 sample with every two-track final state and with that search's h l final states only.", "",
        text_p,
        f"### The 2021 sample ({exp.beam.pot:.2g} POT): expected 90 % CL exclusion, zero background", "",
        "All two-track final states (the preset) and the h+- l-+ final states of NA62's search "
        "(h = pi, pi pi0, pi 2pi0, K; l = e, mu: `na62_dump.HL_CHANNELS`).", "",
        *rows, "",
        "## Why we differ, and assumptions", "",
        readme_section("na62-dump", "## Why we differ"), "",
    ]
    report = outdir / "na62dump_report.md"
    atomic_write_text(report, "\n".join(lines))
    return [fig, report]
