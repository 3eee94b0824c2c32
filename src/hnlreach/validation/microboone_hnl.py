"""MicroBooNE N -> mu pi search (arXiv:1911.10545): preset ``microboone`` with ``--mixing mu`` against the
published 90 % CL |U_mu4|^2 limits, Dirac and Majorana, 260-385 MeV, 2.0e20 POT of the Booster beam.

Published numbers: the abstract's limits, (6.6 - 0.9) x 1e-7 (Dirac) and (4.7 - 0.7) x 1e-7 (Majorana),
the weakest at 260 MeV and the strongest at 385 MeV (the limit falls with the mass: more phase space for
K -> mu N's helicity-unsuppressed rate and for N -> mu pi).  The full curves were not retrievable here.

The K+ come from the Feynman-scaling production model (experiments/data/bnb/README.md).  Two
brackets are computed: focusing 'none' (the preset, conservative) and 'parallel' (an ideal horn), and
one physical factor the preset does not apply is estimated: MicroBooNE's dedicated trigger records the
detector after the 1.6 us neutrino spill, so an HNL is seen only if its delay behind light,
dt = (L/c)(E/p - 1), carries it past the end of the spill: for protons uniform over the spill the
acceptance is min(1, dt / 1.6 us) (ASSUMPTION on the trigger window, stated in the report).
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

# arXiv:1911.10545 abstract: |U_mu4|^2 90 % CL upper limits at the ends of the mass range
PUBLISHED = {"dirac": {0.26: 6.6e-7, 0.385: 0.9e-7}, "majorana": {0.26: 4.7e-7, 0.385: 0.7e-7}}
BASELINE_M = 470.0  # target to MicroBooNE (arXiv:1612.05824)
SPILL_S = 1.6e-6  # BNB spill length (arXiv:0806.1449)
C_M_S = 299_792_458.0
# agreement asserted by tests/validation/test_microboone_hnl.py: ours/published (timing-corrected, 'none')
RATIO_BAND = (0.1, 1.5)


def experiment(focusing: str = "none"):
    """The microboone preset as analysed for mass mixing, with the K+ focusing replaced."""
    from dataclasses import replace

    from hnlreach.experiments import load_experiment

    exp = load_experiment("microboone").for_model(mixing="mu")
    return replace(exp, sources=tuple(replace(s, focusing=focusing) for s in exp.sources))


def timing_acceptance(sample, mass: float, u2: float) -> float:
    """Event-weighted fraction of HNLs arriving after the end of the spill (module docstring), at
    coupling |U|^2 = u2 (the weights of ReweightableSample)."""
    if sample.power != 1:
        raise ValueError("expected a mixing sample (coupling |U|^2, weights ~ |U|^2)")
    terms = sample._terms(np.array([u2]))[0]
    e = np.hypot(sample.p, mass)
    dt = BASELINE_M / C_M_S * (e / sample.p - 1.0)
    f = np.clip(dt / SPILL_S, 0.0, 1.0)
    tot = terms.sum()
    return float((terms * f).sum() / tot) if tot > 0 else 0.0


def limits(masses, majorana: bool, focusing: str = "none", n_hnl: int = 20000, seed: int = 1):
    """(lower |U_mu|^2 boundary, timing-corrected lower boundary, timing acceptance) per mass.

    The corrected boundary solves N(U^2) x acceptance = N_limit; at the lower boundary N ~ U^4 (long
    lifetime), so it is the boundary / sqrt(acceptance) to the precision of that scaling; solved exactly
    here by bisection in log U^2."""
    from hnlreach.rates.engine import build_sample

    exp = experiment(focusing)
    n_lim = exp.statistics.events_limit()
    rng = np.random.default_rng(seed)
    out = []
    for m in masses:
        s = build_sample(exp, float(m), mixing="mu", majorana=majorana, n_hnl=n_hnl, rng=rng)
        lo = _lower(s, n_lim)
        acc = timing_acceptance(s, float(m), lo) if np.isfinite(lo) else np.nan
        lo_t = _lower(s, n_lim, lambda u2: timing_acceptance(s, float(m), u2)) if np.isfinite(lo) else np.nan
        out.append((lo, lo_t, acc))
    return np.array(out)


def _lower(sample, n_lim: float, factor=None) -> float:
    """Smallest |U|^2 with N >= n_lim (N rises as U^4 at small coupling), bisection in log U^2."""
    def n(u2):
        v = float(sample.n(np.array([u2]))[0])
        return v * (factor(u2) if factor is not None else 1.0)

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
    res = {(maj, foc): limits(masses, maj, foc, n_hnl) for maj in (False, True) for foc in ("none", "parallel")}
    elapsed = time.perf_counter() - t0
    rows = ["| model | mass [GeV] | published | ours (none) | ours/pub | acceptance after spill | ours x timing | "
            "ratio | ours (parallel) x timing | ratio |", "|---|---|---|---|---|---|---|---|---|---|"]
    ratios = {}
    for maj in (False, True):
        key = "majorana" if maj else "dirac"
        for m, pub in PUBLISHED[key].items():
            i = int(np.argmin(np.abs(masses - m)))
            lo, lo_t, acc = res[(maj, "none")][i]
            _, lo_tp, _ = res[(maj, "parallel")][i]
            ratios[(key, m)] = lo_t / pub
            rows.append(f"| {key} | {m:.3f} | {pub:.2e} | {lo:.2e} | {lo / pub:.3f} | {acc:.3f} | {lo_t:.2e} | "
                        f"{lo_t / pub:.2f} | {lo_tp:.2e} | {lo_tp / pub:.2f} |")
    full = ["| model | mass [GeV] | ours (none) | ours x timing | ours (parallel) x timing |", "|---|---|---|---|---|"]
    for maj in (False, True):
        for i, m in enumerate(masses):
            lo, lo_t, _ = res[(maj, "none")][i]
            full.append(f"| {'majorana' if maj else 'dirac'} | {m:.3f} | {lo:.3e} | {lo_t:.3e} | "
                        f"{res[(maj, 'parallel')][i][1]:.3e} |")
    lines = [
        "# MicroBooNE N -> mu pi search (arXiv:1911.10545): |U_mu4|^2, Dirac and Majorana", "",
        f"{'QUICK run (reduced statistics) - not the result.' if quick else 'Full run.'} Preset `microboone` "
        f"(`--mixing mu`, [analysis.mixing]: 2.0e20 POT, N -> mu- pi+ / mu+ pi- in the active TPC), "
        f"{len(masses)} masses x {n_hnl} HNLs, {elapsed:.0f} s.", "",
        "Published: the abstract's 90 % CL limits at 260 and 385 MeV (the paper's curves and its tables of "
        "efficiency, background and observed events could not be retrieved here).", "",
        "## Ours / published", "", *rows, "",
        "## All masses", "", *full, "",
        "## Why we differ", "",
        "* **Delayed trigger (the main factor).** The search triggers after the 1.6 us BNB spill; an HNL is "
        "recorded only if its delay behind light, dt = (L/c)(E/p - 1) at L = 470 m, carries it out of the spill. "
        "For protons uniform over the spill the acceptance is min(1, dt/1.6 us), a few per cent for these "
        "HNLs (column 'acceptance after spill'; ASSUMPTION on the trigger window: the paper's exact timing "
        "cut was not retrievable).  The preset does not apply it (it is a property of this trigger, not of "
        "the experiment); the 'ours x timing' columns do.",
        "* **Selection efficiency, background and observed events**: not retrievable; the preset counts every "
        "N -> mu pi decay in the active TPC (efficiency 1) with zero background (N > 2.30).  N ~ |U|^4 on "
        "the lower boundary, so a true efficiency eps (and a background-limited N_lim) raise our limit by "
        "(N_lim / 2.30 / eps)^(1/2): an efficiency of ~ 20-30 % alone is a factor ~ 2 in |U|^2.",
        "* **Kaon flux**: Feynman-scaling K+ production (MiniBooNE's model) without the horn: 'none' keeps the "
        "produced directions (conservative), 'parallel' is an ideal horn; MicroBooNE used the full BNB "
        "simulation (horn-focused K+).  The two brackets differ by the last column's ratio.",
        "* **Mass dependence**: the published limit tightens 7x from 260 to 385 MeV, ours ~ 2.6x: at 260 MeV "
        "N -> mu pi is 15 MeV above its threshold (m_mu + m_pi = 245 MeV), the muon and pion share little "
        "kinetic energy in the N frame and MicroBooNE's reconstruction of two short tracks loses efficiency, "
        "which our efficiency-1 count cannot follow; hence the smaller ratio at 260 MeV.",
        "* Dirac vs Majorana: Majorana N decays to both charge states (twice the visible rate and half the "
        "lifetime), the limit is ~ 1/sqrt(2) x Dirac's, as published (4.7/6.6 = 0.71, 0.7/0.9 = 0.78).", "",
    ]
    report = outdir / "microboone_hnl_report.md"
    atomic_write_text(report, "\n".join(lines))
    return [report]
