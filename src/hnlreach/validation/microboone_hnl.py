"""MicroBooNE N -> mu pi search (arXiv:1911.10545): preset ``microboone`` with ``--mixing mu`` against the
published 90 % CL |U_mu4|^2 limits, Dirac and Majorana, 260-385 MeV, 2.0e20 POT of the Booster beam.

Published numbers: the abstract's limits, (6.6 - 0.9) x 1e-7 (Dirac) and (4.7 - 0.7) x 1e-7 (Majorana),
the weakest at 260 MeV and the strongest at 385 MeV, and the Majorana curve as digitised by HNLimits.

The preset's [analysis.mixing] is the like-for-like count we can make: K+ from the Feynman-scaling
production model (experiments/data/bnb/README.md), N -> mu pi in the active TPC, the delayed trigger's
acceptance (HNLs arriving after the 1.6 us spill, detection.timing.arrival_after_spill), efficiency 1 otherwise,
zero background.  Two variants bracket it: without the timing acceptance (truth level) and with ideal
focusing of the kaons ('parallel').

Second part: MicroBooNE's NuMI searches with kaons decaying at rest in the NuMI absorber (N -> mu pi,
arXiv:2207.03840; N -> nu e+ e- and nu pi0, arXiv:2310.07660), preset ``microboone-numi``, against the papers'
curves as digitised by HNLimits.
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


# --- NuMI absorber: kaons decaying at rest (preset microboone-numi) ------------------------------------
# MicroBooNE's NuMI searches, 7.01e20 POT, 90 % CL |U_mu4|^2 (digitised curves: hnlreach/data/published_limits):
# arXiv:2207.03840 N -> mu pi (Majorana and Dirac), arXiv:2310.07660 N -> nu e+ e- (10-150 MeV) and
# N -> nu pi0 (150-245 MeV).
NUMI_SEARCHES = {
    # name: (channels, majorana, published curve, masses [GeV])
    "mu pi, Majorana (arXiv:2207.03840)": (("N -> mu- pi+", "N -> mu+ pi-"), True, "MicroBooNE2022-NuMI-mupi",
                                           (0.25, 0.28, 0.32, 0.36, 0.38)),
    "mu pi, Dirac (arXiv:2207.03840)": (("N -> mu- pi+", "N -> mu+ pi-"), False, "MicroBooNE2022-NuMI-mupi-dirac",
                                        (0.25, 0.28, 0.32, 0.36, 0.38)),
    "nu e+ e- (arXiv:2310.07660)": (("N -> nu e+ e-",), True, "MicroBooNE2023-NuMI-ee-pi0",
                                    (0.02, 0.05, 0.10, 0.14)),
    "nu pi0 (arXiv:2310.07660)": (("N -> nu pi0",), True, "MicroBooNE2023-NuMI-ee-pi0", (0.16, 0.20, 0.24)),
}
# agreement asserted by tests/experiments/test_microboone_numi.py: ours (preset, truth level) / published
NUMI_RATIO_BAND = (0.2, 2.5)


def numi_experiment(channels):
    """microboone-numi as analysed for |U_mu|^2, the signal restricted to one search's channels."""
    from hnlreach.experiments import load_experiment

    exp = load_experiment("microboone-numi").for_model(mixing="mu")
    return replace(exp, signal=replace(exp.signal, channels=tuple(channels)))


def numi_lower_boundaries(masses, channels, majorana: bool, n_hnl: int = 4000, seed: int = 1) -> np.ndarray:
    """Lower |U_mu|^2 boundary per mass for the NuMI-absorber K+ at rest, N decaying to `channels`."""
    from hnlreach.rates.engine import build_sample

    exp = numi_experiment(channels)
    n_lim = exp.statistics.events_limit()
    rng = np.random.default_rng(seed)
    return np.array([_lower_scan(build_sample(exp, float(m), mixing="mu", majorana=majorana, n_hnl=n_hnl,
                                              rng=rng), n_lim) for m in masses])


def _lower_scan(sample, n_lim: float) -> float:
    """Lower boundary when the excluded band may close below |U|^2 = 1e-3 (short-lived HNLs decay before
    reaching the detector): the first point of a log grid above N_lim, then bisection below it."""
    grid = np.logspace(-14, 0, 141)
    n = sample.n(grid)
    above = np.nonzero(n >= n_lim)[0]
    if above.size == 0 or above[0] == 0:
        return np.nan
    a, b = grid[above[0] - 1], grid[above[0]]
    for _ in range(40):
        c = np.sqrt(a * b)
        a, b = (c, b) if float(sample.n(np.array([c]))[0]) < n_lim else (a, c)
    return float(np.sqrt(a * b))


def published_at(name: str, masses) -> np.ndarray:
    """The published lower boundary interpolated in log |U|^2 at `masses` [GeV] (NaN outside its range).
    The e+e- / pi0 curve jumps at 150 MeV (channel change): each side is interpolated on its own."""
    from hnlreach.outputs.published import load_published

    c = load_published(name)
    m, u = c.mass_GeV, np.log(c.coupling)
    out = []
    for x in np.atleast_1d(masses):
        side = (m <= 0.1497) if x < 0.1497 else (m >= 0.1497)
        if "ee-pi0" not in name:
            side = np.ones_like(m, dtype=bool)
        ms, us = m[side], u[side]
        o = np.argsort(ms)
        # the end points of a digitisation may sit just inside the curve's range: 1 % of slack (end value)
        out.append(np.exp(np.interp(x, ms[o], us[o])) if 0.99 * ms.min() <= x <= 1.01 * ms.max() else np.nan)
    return np.array(out)


def numi_table(n_hnl: int = 4000):
    """Rows (search, mass, published, ours, ratio)."""
    rows = []
    for name, (channels, maj, curve, masses) in NUMI_SEARCHES.items():
        ours = numi_lower_boundaries(masses, channels, maj, n_hnl)
        for m, pub, lo in zip(masses, published_at(curve, masses), ours):
            rows.append((name, m, pub, lo, lo / pub))
    return rows


def reproduce(outdir: Path, quick: bool = False) -> list[Path]:
    from hnlreach.outputs.atomic import atomic_write_text

    outdir = Path(outdir)
    n_hnl = 4000 if quick else 40000
    masses = np.array([0.26, 0.30, 0.34, 0.385])
    t0 = time.perf_counter()
    res = {(maj, foc, tim): lower_boundaries(masses, maj, foc, tim, n_hnl)
           for maj in (False, True) for foc, tim in (("none", True), ("none", False), ("parallel", True))}
    elapsed = time.perf_counter() - t0
    n_numi = 2000 if quick else 20000
    numi_rows = numi_table(n_numi)
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
    full = ["| model | mass [GeV] | ours (preset) | truth level (no timing) | ideal focusing | published curve "
            "(Majorana, HNLimits digitisation) | ours / curve |", "|---|---|---|---|---|---|---|"]
    curve = published_at("MicroBooNE2019-BNB-mupi", masses)
    for maj in (False, True):
        for i, m in enumerate(masses):
            pub = f"{curve[i]:.3e} | {res[(maj, 'none', True)][i] / curve[i]:.2f}" if maj else "- | -"
            full.append(f"| {'majorana' if maj else 'dirac'} | {m:.3f} | {res[(maj, 'none', True)][i]:.3e} | "
                        f"{res[(maj, 'none', False)][i]:.3e} | {res[(maj, 'parallel', True)][i]:.3e} | {pub} |")
    lines = [
        "# MicroBooNE N -> mu pi search (arXiv:1911.10545): |U_mu4|^2, Dirac and Majorana", "",
        f"{'QUICK run (reduced statistics) - not the result.' if quick else 'Full run.'} Preset `microboone` "
        f"(`hnlreach limit microboone --mixing mu`: [analysis.mixing], 2.0e20 POT, N -> mu- pi+ / mu+ pi- in the "
        f"active TPC, delayed-trigger acceptance, efficiency 1 otherwise, zero background), {len(masses)} masses x "
        f"{n_hnl} HNLs, {elapsed:.0f} s.", "",
        "Published: the abstract's 90 % CL limits at 260 and 385 MeV, and the Majorana curve as digitised by "
        "HNLimits (hnlreach/data/published_limits; the paper's tables of efficiency, background and observed "
        "events could not be retrieved here).", "",
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
        *numi_section(numi_rows, n_numi),
    ]
    report = outdir / "microboone_hnl_report.md"
    atomic_write_text(report, "\n".join(lines))
    return [report]


def numi_section(rows, n_hnl: int) -> list[str]:
    """The report's section on MicroBooNE's NuMI-absorber searches."""
    table = ["| search | mass [GeV] | published | ours (truth level) | ours / published |", "|---|---|---|---|---|"]
    table += [f"| {n} | {m:.3f} | {p:.2e} | {o:.2e} | {r:.2f} |" for n, m, p, o, r in rows]
    return [
        "# MicroBooNE NuMI-absorber searches: kaons decaying at rest (arXiv:2207.03840, arXiv:2310.07660)", "",
        f"Preset `microboone-numi` (`hnlreach limit microboone-numi --mixing mu`): K+ decaying at rest in the NuMI "
        f"absorber 98 m from the TPC, 2.48e-3 per POT, 7.01e20 POT, K+ -> mu+ N, each search's decay channels in the "
        f"active TPC, efficiency 1, zero background (N > 2.30 at 90 % CL); {n_hnl} HNLs per mass.  Published: the "
        "papers' 90 % CL curves as digitised by HNLimits (hnlreach/data/published_limits).", "",
        *table, "",
        "## Why we differ", "",
        "* **K+ stop rate** (the normalisation, N ~ |U|^4 on the lower boundary, so a factor f in the rate moves "
        "the limit by f^-1/2): 2.48e-3 K+ at rest per POT = 0.10 protons reaching the absorber (ArgoNeuT "
        "arXiv:2106.13684) x 7.7e-3 stopping K+ per inelastic p p collision at 120 GeV (PYTHIA 8, with the Bethe "
        "range and the nuclear interaction length of aluminium) x 3.2 (G4NuMI's slow K+ off the NuMI target over "
        "PYTHIA's: nucleus and re-interactions in 2 interaction lengths).  The hadronic cascade in the absorber "
        "(several interaction lengths of aluminium and steel, which makes more slow kaons), the hadrons other than "
        "protons that reach it, and the K+ stopping in the target hall are not modelled: a LOWER estimate of the "
        "rate, by a factor we cannot quantify here; MicroBooNE's flux comes "
        "from its G4NuMI simulation of the absorber, which we could not retrieve.",
        "* **Selection, background, observed events** (not applied): the papers' efficiencies (typically 10-50 % "
        "for two-track and e+e- / pi0 topologies at these energies) and their non-zero backgrounds and observed "
        "counts raise their limits over our truth-level count by (N_lim / 2.30 / eps)^(1/2).  The two "
        "simplifications pull in opposite directions, which is why the ratios sit near 1: the agreement is not "
        "a validation of either factor separately.",
        "* **Timing**: the HNLs from rest are slow (beta = 0.1 at 380 MeV to 1.0 at 20 MeV) and arrive up to 3 us "
        "after light from 98 m; the searches' beam-window cuts (not retrievable) are not applied.",
        "* **Channel by channel**: ours is 1.3-1.8x weaker than published for nu e+ e- and within 20 % for nu pi0, "
        "but up to 2x stronger for mu pi near its threshold (250-280 MeV), where the muon and pion are slow and "
        "short and MicroBooNE's two-track selection loses efficiency that our count does not model; at 360 MeV "
        "the two agree.  The published nu e+ e- curve continues below our lowest mass (20 MeV), where HNLs from "
        "pi+ and from kaons decaying in flight (not in this preset) also contribute.",
        "* **Digitisation**: the curves are read off the papers' figures (~ 10-20 % in |U|^2); near the mu pi "
        "threshold (245-260 MeV) both curves rise steeply and a 1 % shift of the mass axis moves the published "
        "value by tens of per cent.",
        "* Dirac vs Majorana: Majorana N decays to both charge states, 1/sqrt(2) of Dirac's limit, as published.", "",
    ]
