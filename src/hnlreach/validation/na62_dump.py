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
BAND = (0.3, 1.8)  # GeV: charm region (the projection's D_s -> l N edge at ~1.9 GeV)


def contour_at_pot(masses, pot: float, *, mixing="mu", majorana=True, n_hnl=20000, seed=1):
    """Excluded |U|^2 per mass for preset na62-dump rescaled to `pot` protons on target."""
    from hnlreach.scan import scan_masses

    exp = _experiment("na62-dump")
    n_limit = exp.statistics.events_limit() * exp.beam.pot / pot
    factory = functools.partial(_sample, name="na62-dump", mixing=mixing, majorana=majorana, n_hnl=n_hnl)
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
    elapsed = time.perf_counter() - t0
    pub = load_published("NA62dump-Drewes2018")
    upper = load_published("NA62dump-Drewes2018-upper")
    fig = outdir / "na62dump_umu2.png"
    plot(fig, [("NA62 dump, 1e18 POT (charm only)", masses, proj, [pub, upper], "C3"),
               (f"NA62 dump, {exp.beam.pot:.2g} POT (2021 sample)", masses, data, [], "C0")],
         "NA62 beam-dump mode, Majorana, |U_mu|^2, 90 % CL", ylabel="|U_mu|^2")
    text_p, _ = section("1e18 POT against the Drewes et al. projection", masses, proj, pub, BAND,
                        "|U_mu|^2 (Majorana, 90 % CL, 1e18 POT)", upper=upper)
    rows = ["| m [GeV] | lower | upper |", "|---|---|---|"]
    for m, lo, hi in zip(masses, data.lower, data.upper):
        rows.append(f"| {m:.3f} | {'—' if lo is None else format(lo, '.3e')} | {'—' if hi is None else format(hi, '.3e')} |")
    lines = [
        "# NA62 in beam-dump mode: HNLs, |U_mu|^2", "",
        f"{'QUICK run (reduced statistics) — not the result.' if quick else 'Full run.'} "
        f"Preset `na62-dump`, {len(masses)} masses x {n_hnl} HNLs, Majorana, {elapsed:.0f} s.", "",
        "Published curve: the NA62 dump-mode projection for 1e18 POT of Drewes, Hajer, Klaric, "
        "Lanfranchi (arXiv:1801.04207), digitised by HNLimits (`NA62dump-Drewes2018`, lower boundary; "
        "`-upper` near the mass reach).  A published NA62 HNL result from the 1.4e17 POT dump sample was "
        "not available to us; its expected exclusion from the preset is tabulated below.", "",
        text_p,
        f"### The 2021 sample ({exp.beam.pot:.2g} POT): expected 90 % CL exclusion, zero background", "",
        *rows, "",
        "## Why we differ, and assumptions", "",
        readme_section("na62-dump", "## Why we differ"), "",
    ]
    report = outdir / "na62dump_report.md"
    atomic_write_text(report, "\n".join(lines))
    return [fig, report]
