"""MicroBooNE N -> mu pi search (arXiv:1911.10545): preset ``microboone`` with ``--mixing mu`` against the
published 90 % CL |U_mu4|^2 limits, Dirac and Majorana, 260-385 MeV, 2.0e20 POT of the Booster beam.

Published numbers: the abstract's limits, (6.6 - 0.9) x 1e-7 (Dirac) and (4.7 - 0.7) x 1e-7 (Majorana),
the weakest at 260 MeV and the strongest at 385 MeV.  The full curves were not retrievable here.

The preset's [analysis.mixing] is the like-for-like count we can make: K+ from the Feynman-scaling
production model (experiments/data/bnb/README.md), N -> mu pi in the active TPC, the delayed trigger's
acceptance (HNLs arriving after the 1.6 us spill, detection.timing.arrival_after_spill), efficiency 1 otherwise,
zero background.  Two variants bracket it: without the timing acceptance (truth level) and with ideal
focusing of the kaons ('parallel').
"""
from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np

# arXiv:1911.10545 abstract: |U_mu4|^2 90 % CL upper limits at the ends of the mass range
PUBLISHED = {"dirac": {0.26: 6.6e-7, 0.385: 0.9e-7}, "majorana": {0.26: 4.7e-7, 0.385: 0.7e-7}}
# agreement asserted by tests/experiments/test_microboone_mixing.py: ours (the preset) / published
RATIO_BAND = (0.1, 1.5)


def experiment(focusing: str = "none", timing: bool = True):
    """The microboone preset as analysed for mass mixing, the K+ focusing replaced, with or without the
    delayed-trigger acceptance."""
    from hnlreach.experiments import load_experiment

    exp = load_experiment("microboone").for_model(mixing="mu")
    exp = replace(exp, sources=tuple(replace(s, focusing=focusing) if s.decay_region is not None else s
                                     for s in exp.sources))
    if not timing:
        exp = replace(exp, efficiency=replace(exp.efficiency, arrival_after_spill=None))
    return exp


def lower_boundaries(masses, majorana: bool, focusing: str = "none", timing: bool = True,
                     n_hnl: int = 20000, seed: int = 1) -> np.ndarray:
    """Lower |U_mu|^2 boundary per mass (N = N_limit; N ~ U^4 there), bisection in log U^2."""
    from hnlreach.rates.engine import build_sample

    exp = experiment(focusing, timing)
    n_lim = exp.statistics.events_limit()
    rng = np.random.default_rng(seed)
    out = []
    for m in masses:
        s = build_sample(exp, float(m), mixing="mu", majorana=majorana, n_hnl=n_hnl, rng=rng)
        out.append(_lower(s, n_lim))
    return np.array(out)


def _lower(sample, n_lim: float) -> float:
    def n(u2):
        return float(sample.n(np.array([u2]))[0])

    a, b = 1e-14, 1e-3
    if n(b) < n_lim:
        return np.nan
    for _ in range(60):
        c = np.sqrt(a * b)
        a, b = (c, b) if n(c) < n_lim else (a, c)
    return float(np.sqrt(a * b))


def reproduce(outdir: Path, quick: bool = False) -> list[Path]:
    from hnlreach.outputs.atomic import atomic_write_text

    outdir = Path(outdir)
    n_hnl = 4000 if quick else 40000
    masses = np.array([0.26, 0.30, 0.34, 0.385])
    t0 = time.perf_counter()
    res = {(maj, foc, tim): lower_boundaries(masses, maj, foc, tim, n_hnl)
           for maj in (False, True) for foc, tim in (("none", True), ("none", False), ("parallel", True))}
    elapsed = time.perf_counter() - t0
    rows = ["| model | mass [GeV] | published | ours (preset) | ours / published | timing acceptance "
            "(ours / truth-level)^-2 | ideal focusing / published |", "|---|---|---|---|---|---|---|"]
    for maj in (False, True):
        key = "majorana" if maj else "dirac"
        for m, pub in PUBLISHED[key].items():
            i = int(np.argmin(np.abs(masses - m)))
            lo, lo_truth, lo_par = (res[(maj, f, t)][i] for f, t in (("none", True), ("none", False),
                                                                       ("parallel", True)))
            rows.append(f"| {key} | {m:.3f} | {pub:.2e} | {lo:.2e} | {lo / pub:.2f} | {(lo_truth / lo) ** 2:.3f} | "
                        f"{lo_par / pub:.2f} |")
    full = ["| model | mass [GeV] | ours (preset) | truth level (no timing) | ideal focusing |",
            "|---|---|---|---|---|"]
    for maj in (False, True):
        for i, m in enumerate(masses):
            full.append(f"| {'majorana' if maj else 'dirac'} | {m:.3f} | {res[(maj, 'none', True)][i]:.3e} | "
                        f"{res[(maj, 'none', False)][i]:.3e} | {res[(maj, 'parallel', True)][i]:.3e} |")
    lines = [
        "# MicroBooNE N -> mu pi search (arXiv:1911.10545): |U_mu4|^2, Dirac and Majorana", "",
        f"{'QUICK run (reduced statistics) - not the result.' if quick else 'Full run.'} Preset `microboone` "
        f"(`hnlreach limit microboone --mixing mu`: [analysis.mixing], 2.0e20 POT, N -> mu- pi+ / mu+ pi- in the "
        f"active TPC, delayed-trigger acceptance, efficiency 1 otherwise, zero background), {len(masses)} masses x "
        f"{n_hnl} HNLs, {elapsed:.0f} s.", "",
        "Published: the abstract's 90 % CL limits at 260 and 385 MeV (the paper's curves and its tables of "
        "efficiency, background and observed events could not be retrieved here).", "",
        "## Ours / published (lower boundary of the excluded |U_mu|^2)", "", *rows, "",
        "## All masses", "", *full, "",
        "## Why we differ", "",
        "* **Delayed trigger** (in the preset): the data were recorded \"with a dedicated trigger configured to "
        "detect HNL decays that occur after the neutrino spill reaches the detector\" (abstract).  An HNL counts "
        "only if its delay behind light, dt = (L/c)(E/p - 1) at L = 470 m, carries it past the end of the "
        "1.6 us spill; for protons uniform over the spill the acceptance is min(1, dt/1.6 us): 9-11 % of the "
        "HNLs that decay in the TPC at these masses (column 'timing acceptance'), a factor ~3 in |U|^2.  The "
        "exact trigger window is an ASSUMPTION (the paper's timing cut was not retrievable).",
        "* **Selection efficiency, background and observed events** (not applied): not retrievable; the preset "
        "counts every N -> mu pi decay after the spill with zero background (N > 2.30).  N ~ |U|^4 on the "
        "lower boundary, so a true efficiency eps (and a background-limited N_lim) raise our limit by "
        "(N_lim / 2.30 / eps)^(1/2): the remaining factor 2-4 means eps x 2.30 / N_lim ~ 0.06-0.3, e.g. an "
        "efficiency of ~ 10-30 % with a few background events.",
        "* **Mass dependence**: the published limit tightens 7x from 260 to 385 MeV, ours ~ 3x: at 260 MeV "
        "N -> mu pi is 15 MeV above its threshold (m_mu + m_pi = 245 MeV), the muon and pion share little "
        "kinetic energy in the N frame and MicroBooNE's reconstruction of two short tracks loses efficiency, "
        "which our efficiency-1 count cannot follow; hence the smaller ratio at 260 MeV.",
        "* **Kaon flux**: Feynman-scaling K+ production (MiniBooNE's model) without the horn: conservative by "
        "~2 in the nu_mu flux above 3 GeV (data/bnb/README.md), i.e. our limit is ~sqrt 2 too weak from this "
        "alone; ideal focusing ('parallel', last column) overshoots, most near the K -> mu N end point (385 MeV: "
        "the HNL then follows its kaon, and perfectly aligned kaons all point at the detector).",
        "* Dirac vs Majorana: Majorana N decays to both charge states (twice the visible rate and half the "
        "lifetime), the limit is ~ 1/sqrt(2) x Dirac's, as published (4.7/6.6 = 0.71, 0.7/0.9 = 0.78).", "",
        "## Not reproduced", "",
        "MicroBooNE's NuMI searches with kaons decaying at rest in the NuMI absorber, ~100 m away (N -> nu e+ e- / "
        "nu pi0, arXiv:2310.07660; N -> mu pi, arXiv:2207.03840) need the number of K+ stopping in the absorber "
        "per POT that MicroBooNE takes from its NuMI beam simulation, and the published curves; neither could be "
        "retrieved here.  The source type exists (`spectrum = { kind = \"at_rest\" }`, sources/decay_at_rest.py, "
        "tested for the monoenergetic HNL and the rate normalisation); a preset needs that stop rate.", "",
    ]
    report = outdir / "microboone_hnl_report.md"
    atomic_write_text(report, "\n".join(lines))
    return [report]
