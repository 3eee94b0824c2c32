"""Reproductions of the source papers: `hnlreach reproduce PAPER` runs `PAPERS[PAPER]`.

Each module `hnlreach.validation.<module>` exposes `reproduce(outdir: Path, quick: bool) -> Report`:
it recomputes the paper's result with the package, writes the figure and a comparison table
against the published curve (hnlreach/data/published_limits), and returns what it wrote.
"""
from __future__ import annotations

# paper key -> (module in hnlreach.validation, one-line description)
PAPERS: dict[str, tuple[str, str]] = {}


def register(key: str, module: str, description: str) -> None:
    """Add a paper reproduction (called from this file only, to keep the list in one place)."""
    PAPERS[key] = (module, description)


register("argoneut-2021", "argoneut",
         "ArgoNeuT tau-coupled Dirac HNLs, 1.25e20 POT NuMI (arXiv:2106.13684, Fig. 5)")
register("charm-2021", "charm",
         "CHARM re-analysis, tau-mixing Majorana HNLs (Boiarska et al. arXiv:2107.14685, Fig. 6)")
register("nd280-dipole", "nd280_dipole",
         "ND280 and upgrade, dipole-portal HNLs (Liu, Kamp, Arguelles arXiv:2412.15051, Fig. 4)")
register("nd280-mixing-validation", "nd280_mixing",
         "ND280 |U_mu|^2 limit from K -> mu N (Liu et al. arXiv:2412.15051 supplemental Fig. 1)")
register("bnb-dipole", "bnb_dipole",
         "MiniBooNE / MicroBooNE dipole-portal HNLs: upscattering rate vs DarkNews, MiniBooNE vs Magill et al. arXiv:1803.03262")
register("ship-2018", "ship",
         "SHiP sensitivity, e/mu/tau mixing, 2e20 POT, charm production (arXiv:1811.00930)")
register("nutev-1999", "nutev",
         "NuTeV decay channel, |U_mu|^2, 800 GeV, 2.54e18 POT, charm production (hep-ex/9908011)")
register("na62-dump", "na62_dump",
         "NA62 beam-dump mode, |U_mu|^2, charm production, vs the 1e18 POT projection (arXiv:1801.04207)")
register("microboone-hnl", "microboone_hnl",
         "MicroBooNE HNL searches: N -> mu pi from BNB K+ in flight and at rest (arXiv:1911.10545); NuMI-absorber K+ at rest, "
         "N -> mu pi (arXiv:2207.03840), nu e+ e- / nu pi0 (arXiv:2310.07660)")
register("ps191", "ps191",
         "PS191 |U_e|^2, |U_mu|^2 vs the original limits (PLB 203 (1988) 332) and Arguelles, Foppiani, Hostert arXiv:2109.03831")
register("darknews", "darknews",
         "DarkNews 0.4.8 benchmarks side by side (light/heavy Z', scalar, dipole, 3+2): cross sections, widths, "
         "rates with and without decay probability, timings, and its defects (Abdullahi et al. arXiv:2207.04137)")
register("dune-nd", "dune_nd",
         "DUNE ND |U_mu|^2 sensitivity vs Ballett et al. arXiv:1905.00284 (and Berryman et al.), MINERvA dipole vs Kamp et al.")
register("bebc", "bebc",
         "BEBC WA66 beam dump re-analysis, e and tau mixing, 2.72e18 POT (Barouki, Marocco, Sarkar arXiv:2208.00416)")
