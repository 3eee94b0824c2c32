"""NuTeV decay-channel search (Vaitaitis et al., hep-ex/9908011): preset ``nutev`` against the published
|U_mu|^2 contour (HNLimits digitisation), mass by mass, for a Dirac (the paper's) and a Majorana HNL.

Two comparison bands: 0.21-0.385 GeV, where the HNLs come from K+ -> mu+ N (pi0) of the SSQT-focused kaons
(reconstructed from NuTeV's nu_mu flux, sources.beamline), and 0.4-1.75 GeV (charm).
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from hnlreach.validation.charm import contour
from hnlreach.validation.dump_presets import plot, readme_section, section

BAND = (0.4, 1.75)  # GeV: charm: above K -> mu N (closes at 0.388 GeV), below the contour's closing tip
KAON_BAND = (0.21, 0.385)  # GeV: from the published curve's lowest mass to just below m_K - m_mu


def reproduce(outdir: Path, quick: bool = False) -> list[Path]:
    from hnlreach.outputs.atomic import atomic_write_text
    from hnlreach.outputs.published import load_published

    outdir = Path(outdir)
    n_hnl = 6000 if quick else 60000
    masses = np.unique(np.concatenate([np.geomspace(0.3, 2.0, 8 if quick else 22), [1.0, 1.5, 1.75, 1.8],
                                       np.linspace(*KAON_BAND, 4 if quick else 8)]))
    t0 = time.perf_counter()
    dirac = contour("nutev", masses, majorana=False, n_hnl=n_hnl)
    majorana = contour("nutev", masses, majorana=True, n_hnl=n_hnl)
    elapsed = time.perf_counter() - t0
    pub = load_published("NuTeV1999")
    fig = outdir / "nutev1999_umu2.png"
    plot(fig, [("NuTeV, Dirac (K+ and charm)", masses, dirac, [pub], "C0"),
               ("NuTeV, Majorana", masses, majorana, [], "C3")],
         "NuTeV decay channel, 2.54e18 POT, |U_mu|^2, 90 % CL", ylabel="|U_mu|^2")
    text_d, cmp_d = section("Dirac HNL (the paper's assumption)", masses, dirac, pub, BAND, "|U_mu|^2 (Dirac, 90 % CL)",
                            extra_band=("kaon region", KAON_BAND))
    text_m, cmp_m = section("Majorana HNL", masses, majorana, pub, BAND, "|U_mu|^2 (Majorana, 90 % CL)",
                            extra_band=("kaon region", KAON_BAND))
    lines = [
        "# NuTeV decay-channel HNL search (Vaitaitis et al., PRL 83 (1999) 4943, hep-ex/9908011)", "",
        f"{'QUICK run (reduced statistics) — not the result.' if quick else 'Full run.'} "
        f"Preset `nutev`, {len(masses)} masses x {n_hnl} HNLs, Dirac and Majorana, {elapsed:.0f} s.", "",
        "Published curve: the |U_mu|^2 contour digitised by HNLimits (`NuTeV1999`); its upper edge is "
        "a closure of the digitisation (see below), only the lower boundary is NuTeV's measurement.", "",
        text_d, text_m,
        "## Why we differ, and assumptions", "",
        readme_section("nutev", "## Why we differ"), "",
    ]
    report = outdir / "nutev1999_report.md"
    atomic_write_text(report, "\n".join(lines))
    return [fig, report]
