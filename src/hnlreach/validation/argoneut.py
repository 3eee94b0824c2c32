"""`hnlreach reproduce argoneut-2021`: ArgoNeuT tau-coupled Dirac HNL limit (seed 000, Fig. 5).

Runs the `argoneut` preset twice (our exclusive tau -> N X branching ratios, and seed 000's
inclusive Br = 0.9 |U|^2 K(m_N)), computes the +-1 sigma band of the expected limit
(statistics.expected.expected_limit_band), and writes a Fig. 5-like plot, the mass-by-mass
comparison with the published contour (validation.compare) and a markdown report.
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from hnlreach.outputs.plot import figure
from hnlreach.validation.compare import as_float_array

PRESET = "argoneut"
PUBLISHED = "ArgoNeuT2021"
CHARM = "CHARM-Boiarska2021"


def run_limits(masses, *, tau_inclusive_fraction: float = 0.0, n_hnl: int | None = None,
               n_limits=(None,), seed: int = 1, jobs: int | None = 2, mixing: str = "tau"):
    """Excluded intervals for the ArgoNeuT preset at each N_limit in n_limits (None: the
    preset's observed limit); one sample per mass is shared by all N_limits.
    Returns {n_limit: (lower list, upper list)}."""
    from hnlreach.experiments import load_experiment
    from hnlreach.scan import per_mass_seeds

    exp = load_experiment(PRESET)
    n_hnl = n_hnl or exp.model.n_hnl
    limits = [exp.statistics.events_limit() if n is None else float(n) for n in n_limits]
    task = functools.partial(_one_mass, mixing=mixing, n_hnl=n_hnl, limits=tuple(limits),
                             tau_inclusive_fraction=tau_inclusive_fraction)
    seeds = per_mass_seeds(seed, len(masses))
    args = list(zip([float(m) for m in masses], seeds))
    if jobs and jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            rows = list(pool.map(task, args))
    else:
        rows = [task(a) for a in args]
    return {n: ([r[i][0] for r in rows], [r[i][1] for r in rows]) for i, n in enumerate(limits)}


def _one_mass(arg, *, mixing, n_hnl, limits, tau_inclusive_fraction):
    from hnlreach.detection.argoneut import sample
    from hnlreach.experiments import load_experiment
    from hnlreach.scan import find_excluded_intervals

    mass, seed_seq = arg
    exp = load_experiment(PRESET)
    s = sample(exp, mass, mixing=mixing, n_hnl=n_hnl, rng=np.random.default_rng(seed_seq),
               tau_inclusive_fraction=tau_inclusive_fraction)
    out = []
    for n_lim in limits:
        iv, _, _ = find_excluded_intervals(s.n, n_lim, (1e-16, 1.0))
        out.append((iv[0][0], iv[0][1]) if iv else (None, None))
    return out




def _branches(curve, jump_GeV: float = 0.3):
    """Digitised points in file order, broken (NaN) where the digitiser jumped between branches."""
    m, g = curve.mass_GeV.astype(float), curve.coupling.astype(float)
    cut = np.flatnonzero(np.abs(np.diff(m)) > jump_GeV) + 1
    return np.insert(m, cut, np.nan), np.insert(g, cut, np.nan)


def _plot(path, masses, ours, band, inclusive, published, charm):
    with figure(path, figsize=(6.4, 4.8), dpi=150) as (fig, ax):
        lo, hi = as_float_array(ours[0]), as_float_array(ours[1])
        ok = np.isfinite(lo)
        ax.fill_between(masses, lo, hi, where=ok, color="0.75", alpha=0.6, lw=0)
        ax.plot(masses, lo, "k-", lw=1.6, label="hnlreach (exclusive tau -> N X), 90 % CL")
        ax.plot(masses, hi, "k-", lw=1.6)
        for lim in band:
            ax.plot(masses, as_float_array(lim[0]), "k--", lw=0.9)
            ax.plot(masses, as_float_array(lim[1]), "k--", lw=0.9)
        ax.plot([], [], "k--", lw=0.9, label="expected +-1 sigma (hnlreach)")
        ax.plot(masses, as_float_array(inclusive[0]), color="C1", lw=1.2, label="hnlreach, seed-000 tau model 0.9 K(m)")
        ax.plot(masses, as_float_array(inclusive[1]), color="C1", lw=1.2)
        ax.plot(*_branches(published), color="C3", lw=1.4, label="ArgoNeuT 2021 (published)")
        ax.plot(*_branches(charm), color="purple", lw=1.2, label="CHARM re-analysis (Majorana!), Boiarska et al.")
        ax.set_xscale("linear")
        ax.set_yscale("log")
        ax.set_xlim(0.2, 1.7)
        ax.set_ylim(1e-5, 1.0)
        ax.set_xlabel("m_N [GeV]")
        ax.set_ylabel("|U_tau|^2")
        ax.set_title("ArgoNeuT, 1.25e20 POT, tau mixing, Dirac (DELPHI not available)", fontsize="small")
        ax.legend(fontsize="x-small", frameon=False, loc="lower left")
        ax.grid(True, which="major", alpha=0.3)
    return Path(path)


def reproduce(outdir: Path, quick: bool = False) -> list[Path]:
    """Write argoneut_fig5.png, argoneut_limits.csv, argoneut_comparison.md; return the paths."""
    from hnlreach.experiments import load_experiment
    from hnlreach.outputs.published import load_published
    from hnlreach.scan import parse_mass_grid
    from hnlreach.statistics.expected import expected_limit_band
    from hnlreach.validation.compare import compare, largest_excluded_mass

    outdir = Path(outdir)
    exp = load_experiment(PRESET)
    st = exp.statistics
    masses = parse_mass_grid("lin:0.25:1.05:9" if quick else exp.model.masses)
    n_hnl = 5000 if quick else exp.model.n_hnl
    band_n = expected_limit_band(st.background, st.background_sigma, st.signal_syst, st.cl, st.method)
    n_obs = st.events_limit()
    res = run_limits(masses, n_hnl=n_hnl, n_limits=(n_obs, *band_n))
    incl = run_limits(masses, n_hnl=n_hnl, tau_inclusive_fraction=0.9, n_limits=(n_obs,))[n_obs]
    ours = res[n_obs]
    band = [res[float(band_n[0])], res[float(band_n[2])]]
    pub = load_published(PUBLISHED)
    charm = load_published(CHARM)

    written = [_plot(outdir / "argoneut_fig5.png", masses, ours, band, incl, pub, charm)]
    csv = outdir / "argoneut_limits.csv"
    with open(csv, "w") as fh:
        fh.write("mass_GeV,lower,upper,lower_expected_minus1sigma,lower_expected_plus1sigma,"
                 "lower_seed000_tau_model,upper_seed000_tau_model\n")
        for i, m in enumerate(masses):
            vals = [ours[0][i], ours[1][i], band[0][0][i], band[1][0][i], incl[0][i], incl[1][i]]
            fh.write(f"{m:.4f}," + ",".join("" if v is None else f"{v:.4e}" for v in vals) + "\n")
    written.append(csv)
    c_excl = compare(masses, *ours, pub)
    c_incl = compare(masses, *incl, pub)
    report = outdir / "argoneut_comparison.md"
    report.write_text(_report(masses, c_excl, c_incl, largest_excluded_mass(masses, ours[0]),
                              largest_excluded_mass(masses, incl[0]), band_n, n_obs, n_hnl, quick))
    written.append(report)
    return written


def _report(masses, c_excl, c_incl, reach, reach_incl, band_n, n_obs, n_hnl, quick) -> str:
    from hnlreach.outputs.published import load_published
    from hnlreach.validation.compare import published_mass_reach

    pub_reach = published_mass_reach(load_published(PUBLISHED))
    sel = (masses >= 0.3 - 1e-9) & (masses <= 0.9 + 1e-9)
    r_ex = c_excl.ratio_lower[sel]
    r_in = c_incl.ratio_lower[sel]
    head = "# ArgoNeuT 2021 reproduction (tau mixing, Dirac, 90 % CL)\n\n"
    if quick:
        head += "**Quick mode (few masses, few HNLs): a smoke test, not the result.**\n\n"
    return head + f"""Written by `hnlreach reproduce argoneut-2021` (hnlreach.validation.argoneut) from the `argoneut`
preset; {n_hnl} weighted HNLs per mass.  N_limit = {n_obs:.3f} (Bayesian, uniform prior, 0 observed,
b = 0.4 +- 0.2, 21.2 % signal systematic); expected +-1 sigma band: N_limit at the 16/50/84 %
quantiles of n ~ Poisson(b) = {band_n[0]:.3f} / {band_n[1]:.3f} / {band_n[2]:.3f} (P(n = 0) = e^-0.4 = 0.67, so the
-1 sigma and median edges coincide with the observed limit).

## Summary

| quantity | exclusive tau -> N X (default) | seed 000's 0.9 K(m) model | published |
|---|---|---|---|
| lower-boundary ratio ours/published, 0.3-0.9 GeV (min .. max) | {np.nanmin(r_ex):.2f} .. {np.nanmax(r_ex):.2f} | {np.nanmin(r_in):.2f} .. {np.nanmax(r_in):.2f} | 1 |
| largest excluded mass [GeV] (grid) | {reach:.3f} | {reach_incl:.3f} | {pub_reach:.3f} |

## Default (exclusive tau -> N X branching ratios)

{c_excl.markdown("|U_tau|^2")}
## With seed 000's inclusive tau -> N X model (Br = 0.9 |U|^2 K(m_N), m_X = m_pi)

{c_incl.markdown("|U_tau|^2")}
{_ASSUMPTIONS}
"""


_ASSUMPTIONS = """## What is modelled (and what is assumed)

- **Beam and exposure** (seed 000): 120 GeV protons, 1.25e20 POT in reverse-horn-current mode; 87 %
  interact in the target (z = 0), 10 % in the absorber 715 m downstream.
- **Taus**: 2.1e-7 tau+ + 3.0e-7 tau- per interacting proton (seed 000, from Coloma et al.
  arXiv:2007.03701), produced as D_s (94 %) and D+ (6 %) -> tau nu with PDG 2020 branching ratios
  (5.48 %, 1.20e-3) and fragmentation ratio f(D+)/f(D_s) = 3.0 (Lisovyi et al.), each charge
  with its own yield.  Charm momenta: PYTHIA 8 p p -> c cbar at 120 GeV for each charge
  (hnlreach/data/charm, generated by scripts/generate/charm_spectra.py), as in the paper, which
  also used PYTHIA 8.  (With the (1 - |x_F|)^6 exp(-p_T^2/GeV^2) parametrisation instead, the
  lower-boundary ratios change by less than ~20 %: 0.20/0.45/0.92 at 0.3/0.5/0.7 GeV.)
- **tau -> N X**: our exclusive channels (pi, K, rho, K*, l nu) by default; seed 000's inclusive
  0.9 |U|^2 K(m) as the variant (our sum is 0.76/0.69/0.54/0.19 of theirs at 0.3/0.5/0.8/1.2 GeV).
- **Geometry**: TPC 47 x 40 x 90 cm^3 with its front face 1033 m from the target on the beam axis;
  63 cm cavern upstream; ASSUMED 20 cm LAr + 1 cm steel around the TPC, MINOS-ND (4.8 m x 3.8 m
  planes, 2.54 cm steel + 1 cm scintillator per 5.94 cm, MINOS NIM arXiv:0805.3170) 1.0 m downstream
  of the TPC with the beam 1.49 m from its centre.
- **Selection** (hnlreach.detection.argoneut): the paper's cuts on the sampled mu+ mu- pair: two-track
  (fiducial volume, opening angle <= 10 deg, tracks >= 5 cm) or double-MIP (muons closer than one
  wire pitch, 4 mm, over their first 5 cm; all tracks < 15 deg to the beam); cavern decays double-MIP
  only; both muons reach the MINOS-ND front face with range for >= 1 m in it (minimum-ionisation
  dE/dx, PDG).  Times the paper's 62 % reconstruction plateau (its statement "around 60-65 % ... above
  E_N ~ 10 GeV"), labelled as such; no factor is tuned to the published curve.  Fig. 4 of the paper
  is not available as numbers (no HEPData record found), so the curves could not be compared
  directly; our TPC efficiency at m_N = 0.45 GeV is 0.01/0.24/0.47/0.57/0.58 at E_N = 2/4/6/10/20 GeV,
  qualitatively like Fig. 4 (flat ~0.6 above ~10 GeV, falling below because the muons must reach the
  MINOS-ND).
- **Not modelled**: the supplement's K+- production (needs the G4NuMI horn-focusing and
  decay-in-flight simulation; no published kaon-parent HNL flux was available to us) - only its
  D(s) part could be done with this preset (`hnlreach limit argoneut --mixing e|mu`); DELPHI's
  curve is not shipped (no digitised numbers available), the CHARM curve shown is the Boiarska et al.
  re-analysis for a *Majorana* HNL.

## Why the results differ from the published contour

- *Mass reach*: it is set by the tau -> N X production model.  Our exclusive channels (pi, K,
  rho, K*, l nu) fall faster with m_N than seed 000's inclusive Br = 0.9 |U|^2 K(m_N) (m_X = m_pi):
  rho and K* close at m_tau - m_rho = 1.0 GeV and the three-body leptonic modes earlier, so at
  0.8-0.95 GeV our production is 0.5-0.3 of the paper's.  With the paper's own tau model (second
  table) the contour reaches 0.95 +- 0.03 GeV (published: 0.988 GeV; near the tip max_g N(g) is
  close to N_limit, so the last excluded grid mass moves with the Monte Carlo seed).  The
  inclusive model ignores that multi-hadron tau decays (e.g. tau -> 3 pi nu) cannot turn into N + pi
  with the pi kinematics; the exclusive sum is the better physics, the inclusive one the paper's.
- *Lower boundary below ~0.65 GeV is stronger than published*, by a factor that grows towards the
  2 m_mu threshold (ratio ~0.2 at 0.3 GeV, ~0.4 at 0.5 GeV, ~0.9 at 0.7 GeV), for both tau models and
  both charm spectra.  At the lower boundary the lifetime is long, so the event rate is
  production x acceptance x Gamma(N -> nu mu mu): the total width cancels, and the change of the
  charm spectrum moves the ratios by < 20 %.  The mass dependence therefore points at
  Gamma(N -> nu mu mu) near threshold (NC only for tau mixing): ours is the exact three-body width
  with muon masses (arXiv:1805.08567, checked against its closed C1-C4 form to 2e-6 and against
  EventCalc lifetimes to 1 %), whose phase-space suppression relative to the massless formula is
  0.057/0.40/0.62 at 0.3/0.5/0.7 GeV.  A width that falls ~25x/5x/1.4x faster towards threshold
  than ours (as the ratios require) would reproduce the published boundary; the paper cites
  Gorbunov-Shaposhnikov 0705.1729 for its widths, whose code we could not inspect.  The
  low-energy efficiency (Fig. 4 is published only as a figure) is the other input that could
  differ at low mass; ours is modelled from the paper's cuts (above).
- *Upper boundary is ~6x lower than published* at every mass.  It is set by absorber HNLs that
  must survive 318 m: |U|^2_upper x Gamma_1 m / p ~ ln(N_0/N_limit)/318 m, so it scales with the
  HNL momenta in the far tail and inversely with the total width.  A factor 6 needs the paper's HNLs
  to be ~6x more boosted in that tail or its total width ~6x smaller than Bondarenko et al.'s (ours
  agrees with EventCalc to 1 % for tau mixing at 0.3-1 GeV); we have not identified which.
"""
