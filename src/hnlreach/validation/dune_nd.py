"""DUNE ND HNL sensitivity (preset ``dune-nd``) against the published DUNE ND curves, and the minerva
preset's dipole reach against MINERvA's published constraint.

* |U_mu|^2, Majorana, 90 % CL, zero background: Ballett, Boschi, Pascoli arXiv:1905.00284 (ND-LAr, the
  preset's 6 x 2 x 3 m fiducial volume; their code's detector card: 5 years x 1.1e21 POT shared between the
  horn modes, so the comparison runs at 5.5e21 POT) and, for scale, Berryman et al. arXiv:1912.07622 (the
  gaseous-argon multi-purpose detector, a different detector).  A second run keeps only the K and D_s
  parents (Ballett et al.'s production: two-body K -> mu N and D_s -> mu N) to measure what the D0 / D+
  semileptonic channels add.
* d_mu (dipole), Dirac: the minerva preset against Kamp et al. arXiv:2206.07100 (MINERvA nu-e sidebands).
"""
from __future__ import annotations

import copy
import time
from pathlib import Path

import numpy as np

from hnlreach.validation.dump_presets import plot, section

KAON_BAND = (0.14, 0.34)
CHARM_BAND = (0.45, 1.80)
SUBPI0_BAND = (0.05, 0.135)
BALLETT_POT = 5.5e21  # the preset's convention at Ballett et al.'s 2021 card (5 years x 1.1e21 POT, FHC + RHC)
# Ballett et al.'s exposure as their code ran for the paper (github.com/tboschi/NuShock, config/ND_Full_2 at
# the paper's revision, Sep-Dec 2019): POT/s 2.205e14 x 1e7 s x 6 years = 1.323e22 POT, applied to each of
# the FHC nu_mu and FHC nu_mu-bar flux files (NuM_0, NuM_B: the latter is FHC's wrong-sign component, 12 % of
# nu_mu), i.e. FHC only; RHC never enters.
BALLETT_FHC_POT = 2.205e14 * 1.0e7 * 6
# their LArTPC: 7 x 3 x 5 m with 0.5 m removed from every side -> 6 x 2 x 4 m fiducial from 574.5 m
BALLETT_FIDUCIAL = {"name": "nd_lar_fv", "shape": "box", "center_m": [0.0, 0.0, 576.5], "size_m": [6.0, 2.0, 4.0]}
# their summed channels (NuShock DecayRates::ExpALL): nu e e, nu e mu, nu mu mu, e pi, mu pi, nu pi0
BALLETT_CHANNELS = ["N -> nu e+ e-", "N -> nu mu+ mu-", "N -> mu- e+ nu", "N -> mu+ e- nu", "N -> e- mu+ nu",
                    "N -> e+ mu- nu", "N -> mu- pi+", "N -> mu+ pi-", "N -> e- pi+", "N -> e+ pi-", "N -> nu pi0"]


def dune_at_ballett_exposure(ds_only: bool = False, like: str = "full"):
    """The dune-nd preset at Ballett et al.'s conventions.

    like = "preset": the preset's FHC + RHC at 5.5e21 POT (half per horn mode), 6 x 2 x 3 m;
    "exposure": + their exposure (FHC only, 1.323e22 POT); "full": + their 6 x 2 x 4 m fiducial volume and
    their channel list.  ds_only: K and D_s parents only."""
    from hnlreach.experiments import experiment_from_config, read_config

    cfg, path = read_config("dune-nd")
    cfg = copy.deepcopy(cfg)
    if like == "preset":
        for run in cfg["beam"]["runs"]:
            run["pot"] = BALLETT_POT / len(cfg["beam"]["runs"])
    else:  # FHC only: the focused K+ at its full flux, the defocused K- at its full G4NuMI yield
        cfg["beam"]["runs"] = [{"mode": "FHC", "pot": BALLETT_FHC_POT}]
        cfg["beamline_sources"] = [s for s in cfg["beamline_sources"] if "FHC" in s["name"]]
        for s in cfg["beamline_sources"]:
            s["nu_flux"]["normalisation"] = 1.0
        cfg["sources"] = [s for s in cfg["sources"] if s["name"] != "Kplus_RHC"]
        for s in cfg["sources"]:
            if s["name"] == "Kminus_FHC":
                s["yield_per_pot"] *= 2.0  # the preset's 0.5 horn-mode share undone
        cfg["fluxes"] = [dict(f, normalisation=1.0) for f in cfg["fluxes"] if f["name"].startswith("FHC")]
    if like == "full":
        cfg["geometry"]["fiducial"] = [dict(BALLETT_FIDUCIAL)]
        cfg["analysis"]["mixing"]["signal"]["channels"] = list(BALLETT_CHANNELS)
    if ds_only:
        cfg["sources"] = [s for s in cfg["sources"] if s["parent"] in ("K+", "D(s)+")]
    return experiment_from_config(cfg, path)


def _limit(exp, masses, n_hnl, **model):
    import hnlreach

    return hnlreach.limit(exp, masses=list(masses), n_hnl=n_hnl, jobs=1, progress="none", refine=0, **model)


FACTOR_MASSES = (0.06, 0.10, 0.13, 0.16, 0.25, 0.32, 0.7, 1.2)
LIKES = (("preset", "the preset's convention: 2.75e21 FHC + 2.75e21 RHC POT, 6 x 2 x 3 m, all visible channels"),
         ("exposure", "+ Ballett et al.'s exposure: FHC only, 1.323e22 POT"),
         ("full", "+ their 6 x 2 x 4 m fiducial volume and their channel list (like for like)"))


def factor_table(n_hnl: int) -> str:
    """Markdown: ours/published lower boundary at FACTOR_MASSES, one convention of Ballett et al. at a time."""
    from hnlreach.outputs.published import load_published
    from hnlreach.validation.compare import compare

    pub = load_published("DUNEND-Ballett2019")
    rows = []
    for like, what in LIKES:
        res = _limit(dune_at_ballett_exposure(like=like), FACTOR_MASSES, n_hnl, mixing="mu", majorana=True)
        r = np.asarray(compare(FACTOR_MASSES, res.lower, res.upper, pub).ratio_lower, float)
        rows.append(f"| {what} | " + " | ".join(f"{x:.2f}" for x in r) + " |")
    head = "| lower boundary ours/published at m [GeV] = | " + " | ".join(f"{m:g}" for m in FACTOR_MASSES) + " |"
    return "\n".join([head, "|---" * (len(FACTOR_MASSES) + 1) + "|", *rows])


def reproduce(outdir: Path, quick: bool = False) -> list[Path]:
    from hnlreach.outputs.atomic import atomic_write_text
    from hnlreach.outputs.published import load_published
    from hnlreach.validation.dump_presets import ratio_summary
    from hnlreach.validation.compare import compare

    outdir = Path(outdir)
    n_hnl = 4000 if quick else 20000
    masses = np.geomspace(0.05, 1.85, 10 if quick else 30)
    t0 = time.perf_counter()
    full = _limit(dune_at_ballett_exposure(), masses, n_hnl, mixing="mu", majorana=True)
    ds = _limit(dune_at_ballett_exposure(ds_only=True), masses, n_hnl, mixing="mu", majorana=True)
    preset = _limit(dune_at_ballett_exposure(like="preset"), masses, n_hnl, mixing="mu", majorana=True)
    factors = factor_table(4000)
    t_mix = time.perf_counter() - t0
    ballett, berryman = load_published("DUNEND-Ballett2019"), load_published("DUNEMPD-Berryman2019")
    fig = outdir / "dune_nd_umu2.png"
    plot(fig, [("dune-nd, Ballett et al.'s conventions (K, D, D_s, tau)", masses, full, [ballett], "C0"),
               ("K and D_s only", masses, ds, [], "C1"),
               ("preset's exposure and volume", masses, preset, [berryman], "C3")],
         "DUNE ND, |U_mu|^2, Majorana, 90 % CL", ylabel="|U_mu|^2")
    blocks = []
    uppers = {ballett.name: load_published("DUNEND-Ballett2019-upper"),
              berryman.name: load_published("DUNEMPD-Berryman2019-upper")}
    for title, res, pub in [("All parents vs Ballett et al. arXiv:1905.00284", full, ballett),
                            ("K and D_s only (Ballett et al.'s parents) vs Ballett et al.", ds, ballett),
                            ("The preset's convention (2.75e21 FHC + 2.75e21 RHC POT, 6 x 2 x 3 m) vs Berryman et al. "
                             "arXiv:1912.07622 (gaseous-argon MPD)", preset, berryman)]:
        text, _ = section(title, masses, res, pub, KAON_BAND, "|U_mu|^2", upper=uppers[pub.name],
                          extra_band=("charm region", CHARM_BAND))
        r = compare(masses, res.lower, res.upper, pub).ratio_lower
        head, _, table = text.partition("\n\nBoundaries")  # the sub-pi0 summary goes with the others
        blocks.append(f"{head}\n- lower boundary ours/published, below the pi0 threshold {SUBPI0_BAND[0]:g}-"
                      f"{SUBPI0_BAND[1]:g} GeV: {ratio_summary(masses, r, SUBPI0_BAND)}\n\nBoundaries{table}")

    t0 = time.perf_counter()
    dmasses = np.geomspace(0.02, 0.8, 8 if quick else 20)
    minerva = _limit("minerva", dmasses, n_hnl, dipole="mu", majorana=False)
    t_dip = time.perf_counter() - t0
    kamp = load_published("MINERvA-dipole")
    text_d, _ = section("minerva dipole (d_mu, Dirac, 95 % CL) vs Kamp et al. arXiv:2206.07100", dmasses, minerva,
                        kamp, (0.02, 0.8), "d_mu [GeV^-1]")
    fig_d = outdir / "minerva_dmu.png"
    plot(fig_d, [("minerva, LE + ME", dmasses, minerva, [kamp], "C0")], "MINERvA, d_mu, Dirac, 95 % CL",
         ylabel="d_mu [GeV^-1]")

    lines = [
        "# DUNE ND HNL sensitivity and MINERvA dipole reach", "",
        f"{'QUICK run (reduced statistics) -- not the result.' if quick else 'Full run.'} "
        f"dune-nd |U_mu|^2: {len(masses)} masses x {n_hnl} HNLs, three times, and the factor table at 4000 HNLs "
        f"({t_mix:.0f} s); minerva d_mu: {len(dmasses)} masses ({t_dip:.0f} s).", "",
        "Like for like with Ballett et al. (their conventions as their code ran for the paper, "
        "github.com/tboschi/NuShock, 2019): FHC only, 1.323e22 POT; ND-LAr 6 x 2 x 4 m fiducial volume from "
        "574.5 m; the channels nu e e, nu e mu, nu mu mu, e pi, mu pi, nu pi0 summed; Majorana, 90 % CL, zero "
        "background, efficiency 1.  Our physics is unchanged (the preset's own exposure and volume are in the "
        "first row of the factor table).", "",
        "## Factor by factor (4000 HNLs per mass)", "", factors, "",
        *blocks, "", text_d, "", WHY, ""]
    report = outdir / "dune_nd_report.md"
    atomic_write_text(report, "\n".join(lines))
    return [fig, fig_d, report]


WHY = """## Why we differ

**Conventions (the factor table).**  The preset's own convention (FHC + RHC, 5.5e21 POT in all, the 6 x 2 x 3 m
fiducial volume of Ballett et al.'s 2021 detector card) left ours 2.1-2.6x weaker in the kaon region and 4-5x
below the pi0 threshold.  Their code as it ran for the paper (github.com/tboschi/NuShock, `config/ND_Full_2`
and `app/FullSensitivity.cpp` at its Sep-Dec 2019 revisions; read, not copied) uses other conventions:
(1) exposure: `POT/s 2.205e14 x 1e7 s x Years 6` = 1.323e22 POT, applied in full to each of the FHC nu_mu and
FHC nu_mu-bar flux files (`NuM_0.root`, `NuM_B.root`; the latter is FHC's wrong-sign component, 12 % of nu_mu:
the "RHC" slot of their engine holds FHC's nu_mu-bar), i.e. 1.323e22 POT of FHC and no RHC.  The preset's
2.75e21 FHC + 2.75e21 RHC POT (RHC's focused K- nu flux is 0.6x FHC's K+) is ~(1 + 0.6) x 2.75e21 = 4.4e21
FHC-equivalent POT of kaons: x3 in events, measured x1.7-2.0 in |U|^2 (row 2).  (2) fiducial volume: their ND-LAr
is 7 x 3 x 5 m with 0.5 m cut from every face, 6 x 2 x 4 m from 574.5 m (the 2021 card's 3 m length came
later): x4/3 in events, x1.15 in |U|^2.  (3) their channel sum (`DecayRates::ExpALL`: nu e e, nu e mu, nu mu mu,
e pi, mu pi, nu pi0; we also count nu pi pi, l pi pi0, nu eta, nu omega): no change below 0.4 GeV.
(4) statistics: they require 2.44 events (Feldman-Cousins, n = b = 0), ours 2.30: ours 1.03x stronger in
|U|^2, left in.  With (1)-(3) (row 3, the tables below): **kaon region 0.15-0.33 GeV: 0.87-1.26.**
**The kaon flux is the same**: their `NuM_0.root` kaon nu_mu at the ND is 3.76e-9 /cm^2/POT (0-20 GeV),
ours 3.66e-9 (3 %, bin by bin below 13 GeV); their `NuM_B.root` adds 0.64e-9 of K- nu_mu-bar.  Their HNL
flux is the nu flux by parent times Gamma(K -> mu N)/Gamma(K -> mu nu) at the same energy and direction; ours
decays the kaons with two-body kinematics, so heavier HNLs (smaller momentum in the kaon frame: 0.166 vs
0.236 GeV at 0.25 GeV) are more collimated into the detector: a hand calculation with their method and
their inputs (1/p-weighted kaon flux x ratio x 12 m^2 x 4 m x Gamma_visible) gives |U|^2 1.5-1.7x above
their curve at 0.2-0.25 GeV where our Monte Carlo gives 1.1-1.25x; we attribute this ~1.4 in |U|^2 to the
collimation (below 0.13 GeV, where p* is within 5 % of the neutrino's, hand calculation and Monte Carlo agree
to 5 %).
**Below the pi0 threshold (0.05-0.135 GeV) ours stays 2.0-2.4x weaker (4-6x in events), not explained on
our side**: only N -> nu e+ e- is visible there (NC only for U_mu).  Our Gamma(N -> nu e e) is
G_F^2 m^5 / (192 pi^3) (1/4 - s_W^2 + 2 s_W^4) x 2 (Majorana) to 0.1 %, and their code's three-body integral
(`DecayRates::NeutrinoLeptonAA`, `Amplitude::M2_WW`, `dGammad2_3B`) reduces to the same expression; their HNL
production ratios (`Neutrino::ProductionScale`) are the standard helicity-summed ones; mu+ -> e+ nu_e N from
their flux file's muon-parent nu_mu-bar adds < 10 % at 0.06 GeV and nothing above 0.1 GeV.  The hand
calculation from their inputs gives |U|^2 = 5.6e-7, 1.03e-7, 4.1e-8 at 0.06, 0.10, 0.13 GeV (our Monte
Carlo: 5.8e-7, 1.03e-7, 3.9e-8) against their published 2.5e-7, 4.7e-8, 1.9e-8: their curve is 2.1-2.3x
below what their own flux, volume, exposure and standard widths give, i.e. the difference is on their side
and unidentified.  One candidate in their code: run without a module flag (as their README's example
`Sensitivity -d config/ND_Full_2 ...`), their `Detector` takes the union of ND-LAr and the MPD behind it
(area max(12, 26) m^2, length 4 + 5.2 m), x5 in events = x2.2 in |U|^2, which is the sub-pi0 residual; but it
would act at every mass and leave their kaon region 1.4x weaker than their own inputs (their nu pi0 width is
the standard one, half of l pi's amplitude squared, f_pi = 130.2 MeV), so it does not explain both regions.
**Charm region (0.45-1.8 GeV): ours 8-20x stronger (ratio 0.05-0.12; 0.09-0.12 above 0.65 GeV).**  The same flux file's charm nu_mu at
the ND is 3.4e-18 /cm^2/POT; our D_s -> mu nu alone gives 1.0e-16 (E < 20 GeV; D_s yield fixed by the tau yields
of Coloma et al. arXiv:2007.03701): their charm production is ~30x lower, i.e. sqrt(30) = 5.5 in |U|^2 in the
long-lived regime.  The "K and D_s only" run (their parents) removes the D0 / D+ -> K(*) mu N channels,
which dominate at 0.5-1.2 GeV (f(D0) + f(D+) ~ 10 f(D_s)).
**Upper boundary (short-lived HNLs, 0.4-1.6 GeV): ours ~10x higher than Ballett et al.'s.**  Only the
fastest HNLs survive the 574 m at large couplings (the boundary grows with their momentum): their flux files
stop at E = 20 GeV, our PYTHIA charm gives HNLs up to ~100 GeV, and their charm rate is 30x lower (the boundary
also grows with the log of the rate).
**Berryman et al.** model a different detector (the gaseous-argon MPD, a ~2.7x larger decay volume behind
ND-LAr) with their own exposure: listed for scale against the preset's own exposure and volume; ours is
0.17-0.65x theirs in the kaon region (we count N -> nu pi0), 0.3-0.8x in the charm region, 2.5-3.8x weaker
below the pi0 threshold (as against Ballett et al.).
**MINERvA (dipole)**: 0.7 below 0.15 GeV; above, Kamp et al.'s constraint weakens faster with the mass
than ours (0.13-0.3 at 0.3-0.8 GeV): their fit uses the energy spectrum of the high-dE/dx sidebands of the
nu-e analyses (counts not retrievable here), ours a stand-in background and the E theta^2 cut alone.
"""
