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

KAON_BAND = (0.10, 0.36)
CHARM_BAND = (0.45, 1.80)
BALLETT_POT = 5.5e21  # 5 years x 1.1e21 POT (arXiv:1905.00284; their detector card), FHC and RHC halves


def dune_at_ballett_exposure(ds_only: bool = False):
    """The dune-nd preset with Ballett et al.'s 5.5e21 POT (half per horn mode); ds_only: K and D_s parents."""
    from hnlreach.experiments import experiment_from_config, read_config

    cfg, path = read_config("dune-nd")
    cfg = copy.deepcopy(cfg)
    for run in cfg["beam"]["runs"]:
        run["pot"] = BALLETT_POT / len(cfg["beam"]["runs"])
    if ds_only:
        cfg["sources"] = [s for s in cfg["sources"] if s["parent"] in ("K+", "D(s)+")]
    return experiment_from_config(cfg, path)


def _limit(exp, masses, n_hnl, **model):
    import hnlreach

    return hnlreach.limit(exp, masses=list(masses), n_hnl=n_hnl, jobs=1, progress="none", refine=0, **model)


def reproduce(outdir: Path, quick: bool = False) -> list[Path]:
    from hnlreach.outputs.atomic import atomic_write_text
    from hnlreach.outputs.published import load_published

    outdir = Path(outdir)
    n_hnl = 4000 if quick else 20000
    masses = np.geomspace(0.05, 1.85, 10 if quick else 30)
    t0 = time.perf_counter()
    full = _limit(dune_at_ballett_exposure(), masses, n_hnl, mixing="mu", majorana=True)
    ds = _limit(dune_at_ballett_exposure(ds_only=True), masses, n_hnl, mixing="mu", majorana=True)
    t_mix = time.perf_counter() - t0
    ballett, berryman = load_published("DUNEND-Ballett2019"), load_published("DUNEMPD-Berryman2019")
    fig = outdir / "dune_nd_umu2.png"
    plot(fig, [("dune-nd, 5.5e21 POT (K, D, D_s, tau)", masses, full, [ballett], "C0"),
               ("K and D_s only", masses, ds, [berryman], "C3")],
         "DUNE ND, |U_mu|^2, Majorana, 90 % CL", ylabel="|U_mu|^2")
    blocks = []
    uppers = {ballett.name: load_published("DUNEND-Ballett2019-upper"),
              berryman.name: load_published("DUNEMPD-Berryman2019-upper")}
    for title, res, pub in [("All parents vs Ballett et al. arXiv:1905.00284", full, ballett),
                            ("K and D_s only (Ballett et al.'s parents) vs Ballett et al.", ds, ballett),
                            ("All parents vs Berryman et al. arXiv:1912.07622 (gaseous-argon MPD)", full, berryman)]:
        for band in (KAON_BAND, CHARM_BAND):
            text, _ = section(f"{title}, {band[0]}-{band[1]} GeV", masses, res, pub, band, "|U_mu|^2",
                              upper=uppers[pub.name])
            blocks.append(text)

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
        f"dune-nd |U_mu|^2: {len(masses)} masses x {n_hnl} HNLs, twice ({t_mix:.0f} s); minerva d_mu: "
        f"{len(dmasses)} masses ({t_dip:.0f} s).", "",
        "Like for like with Ballett et al.: ND-LAr 6 x 2 x 3 m fiducial volume at 574.5 m, 5.5e21 POT (half per "
        "horn mode), Majorana, 90 % CL, zero background.  Ours: efficiency 1 for the two-track channels.", "",
        *blocks, "", text_d, "", WHY, ""]
    report = outdir / "dune_nd_report.md"
    atomic_write_text(report, "\n".join(lines))
    return [fig, fig_d, report]


WHY = """## Why we differ

**Kaon region (0.15-0.33 GeV): ours 2.0-2.8x weaker than Ballett et al.** (1.1 at 0.37 GeV)  Their code's DUNE flux by parent
(github.com/tboschi/NuShock, `data/NuM_0.root`, nu / cm^2 / POT / GeV at 1 m, divided by 574.5^2; read for
this comparison only, not shipped: no licence) gives a nu_mu flux from kaons at the ND of 3.76e-9 /cm^2/POT
(0-20 GeV), ours (the upper bound of data/numi/README.md) 3.66e-9: the kaons agree to 3 % integrated and
bin by bin below 13 GeV (their total flux is an older beam design with 2-4x more flux above 4 GeV than
the DUNE ND CDR's; weighted by 1/E, as the decay probability of a long-lived HNL, theirs is 1.28x ours).
So the residual, a factor ~4-6 in events (N ~ |U|^4), is not the kaon flux.  N -> nu pi0 matters: it is
70 % of the width at 0.25 GeV and counted here (pi0 -> gamma gamma is visible in argon; ASSUMPTION
background-free); without it our boundary was 5x weaker.  Candidates left: their selection of channels
and efficiencies, the HNL polarisation in production and decay (their paper's subject), and the
exposure reading (5 years x 1.1e21 POT shared by the horn modes, from their detector card).
**Below the pi0 threshold (0.05-0.135 GeV) ours is 4.3-5.3x weaker** (up to 2.7x vs Berryman et al.): only
N -> nu e+ e- is visible there (BR ~5 %, NC only for U_mu); not explained.
**Charm region (0.45-1.8 GeV): ours 5-11x stronger (ratio 0.09-0.18).**  The same flux file's charm nu_mu at the ND is
3.4e-18 /cm^2/POT; our D_s -> mu nu alone gives 1.0e-16 (E < 20 GeV; D_s yield fixed by the tau yields of
Coloma et al. arXiv:2007.03701): their charm production is ~30x lower, i.e. sqrt(30) = 5.5 in |U|^2 in the
long-lived regime.  The "K and D_s only" run (their parents) removes the D0 / D+ -> K(*) mu N channels,
which dominate at 0.5-1.2 GeV (f(D0) + f(D+) ~ 10 f(D_s)): ratio 0.18-0.30 instead of 0.09-0.18.
**Upper boundary (short-lived HNLs, 0.4-1.6 GeV): ours 8.5-10.6x higher than Ballett et al.'s.**  Only the
fastest HNLs survive the 574 m at large couplings (the boundary grows with their momentum): their flux files
stop at E = 20 GeV, our PYTHIA charm gives HNLs up to ~100 GeV, and their charm rate is 30x lower (the boundary
also grows with the log of the rate).
**Berryman et al.** model a different detector (the gaseous-argon MPD, a ~2.7x larger decay volume behind
ND-LAr) with their own exposure: listed for scale; ours is 0.18-2.7x theirs (stronger in the kaon
region, where we count N -> nu pi0).
**MINERvA (dipole)**: 0.7 below 0.15 GeV; above, Kamp et al.'s constraint weakens faster with the mass
than ours (0.13-0.3 at 0.3-0.8 GeV): their fit uses the energy spectrum of the high-dE/dx sidebands of the
nu-e analyses (counts not retrievable here), ours a stand-in background and the E theta^2 cut alone.
"""
