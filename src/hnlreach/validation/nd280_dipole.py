"""Liu, Kamp, Arguelles, arXiv:2412.15051: dipole-portal HNLs at ND280 and its upgrade.

nu_mu / nu_mu-bar of both beam modes upscatter (nu A -> N A, dipole d_muN, Dirac) in every
material of the geometry and the bedrock (rates.engine.build_sample: one sample per flux,
merged); N -> nu e+ e- (gamma*) in the TPC fiducial volumes with e+e- kinematics sampled; cuts
opening angle < 90 deg and cos theta_N > 0.992; T2K 2019 e+e- efficiency.  2019 data: 95 % CL with
zero events (N > 3.0); T2K + T2K-II: Asimov 95 % CL with background scaled by POT x TPC volume.
`reproduce` writes Fig. 4 (constraint + sensitivity + MiniBooNE constraint of Magill et al. + Liu et al.'s (arXiv:2412.15051) curves), Fig. 3
(median decay length with the analytic estimate), Fig. 2 (vertices) and a markdown report; the
difference from Liu et al. arXiv:2412.15051 is explained by re-running with the authors' own analysis choices
(``liu2024_emulation``, a diagnostic: dense TPC gas, POT, per-TPC files, cuts).
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from hnlreach.physics.constants import HBARC_GEV_M

LIU2024_WINDOW_2019_GEV = (0.390, 0.743)  # Liu et al. arXiv:2412.15051 abstract (beyond MINERvA)
LIU2024_WINDOW_UPGRADE_GEV = (0.148, 0.860)


def dipole_normalisation_of(experiment) -> str:
    """"darknews" for the emulation of Liu et al.'s analysis (the authors ran DarkNews 0.4.8, whose dipole widths are
    half of the Lagrangian's for the same d -- physics.dipole), "lagrangian" for a physical preset."""
    return "darknews" if "liu2024-emulation" in getattr(experiment, "name", "") else "lagrangian"


def dipole_sample(experiment, mass: float, n_hnl: int = 40_000, rng=None, majorana: bool = False):
    """The engine's sample (``rates.engine.build_sample``, all nu_mu / nu_mu-bar fluxes of both
    beam modes merged) -- identical to what ``hnlreach limit <preset> --dipole mu`` uses; the
    emulation of Liu et al.'s analysis takes DarkNews's dipole widths (``dipole_normalisation_of``)."""
    from hnlreach.rates.engine import build_sample

    return build_sample(experiment, float(mass), dipole="mu", majorana=majorana, n_hnl=n_hnl, rng=rng,
                        dipole_normalisation=dipole_normalisation_of(experiment))


@functools.cache
def _experiment(name: str):
    from hnlreach.experiments import load_experiment

    if name.startswith("liu2024-emulation"):
        return liu2024_emulation(upgrade=name.endswith("upgrade"))
    return load_experiment(name)


def br_ee(mass: float) -> float:
    """BR(N -> nu e+ e-) of the dipole-only Dirac HNL (coupling-independent)."""
    from hnlreach.rates.engine import reference_hnl

    return float(reference_hnl(mass, dipole="mu").branching_ratios.get("N -> nu e+ e-", 0.0))


# Liu et al.'s (arXiv:2412.15051) own analysis choices, read in the authors' public code (github.com/mingshauliu/Dipole-HNL-T2K,
# commit 4782ab8) and reproduced by `liu2024_emulation` -- NOT physics, the explanation of the difference:
LIU2024_POT_PER_MODE = 3.6e21  # stats/STATS_NU.py and STATS_NUBAR.py: POT['ND280NU'] for the nu_mu and nu_mu-bar files
LIU2024_POT_PER_MODE_UPGRADE = 2.6098758621e22  # stats/STATS_NU+.py, STATS_NUBAR+.py: POT['ND280+']
LIU2024_TPC_FILES = 3  # the 2019 contour sums three per-TPC files (OGTPC1-3) that agree with each other
LIU2024_COS_THETA_N = 0.999  # stats/STATS_NU.py apply_cuts (the text says 0.992); no opening-angle cut there
SIREN_GAS_DENSITY_G_CM3 = 1.855  # SIREN ND280UPGRD-v1 densities.dat: every TPC gas box (1000x the real gas)
LIU2024_FLUXES = ("FHC numu", "RHC numubar")  # flux tags PLUS_numu and MINUS_numubar of their SIREN runs


EMULATION_STEPS = ("pot", "tpc_files", "cuts", "gas")


def liu2024_emulation(upgrade: bool = False, steps=EMULATION_STEPS):
    """DIAGNOSTIC, not physics: the nd280 (or nd280-upgrade) preset with Liu et al.'s (arXiv:2412.15051) analysis choices
    as found in the authors' code, each switched on by a step: 'pot' 3.6e21 POT (2.61e22 upgrade)
    for each of the FHC nu_mu and RHC nu_mu-bar fluxes (no wrong-sign fluxes); 'tpc_files' (2019)
    the sum of three per-TPC files (x3); 'cuts' cos theta_N > 0.999 and no opening-angle cut; 'gas'
    TPC gas at 1.855 g/cm^3 (the SIREN upgrade file's value).  The signal stays N -> nu e+ e- with
    its branching ratio.  Every emulation also takes DarkNews 0.4.8's dipole widths (Gamma(N -> nu
    gamma) = d^2 m^3/(8 pi), `dipole_normalisation_of`), as the authors' code did."""
    from hnlreach.experiments import experiment_from_config, read_config

    cfg, path = read_config("nd280-upgrade" if upgrade else "nd280")
    cfg["experiment"]["name"] += "-liu2024-emulation-" + "-".join(steps)
    if "pot" in steps:
        pot = LIU2024_POT_PER_MODE_UPGRADE if upgrade else LIU2024_POT_PER_MODE
        cfg["beam"]["runs"] = [{"mode": "FHC", "pot": pot}, {"mode": "RHC", "pot": pot}]
        cfg["fluxes"] = [dict(f, normalisation=0.5) for f in cfg["fluxes"] if f["name"] in LIU2024_FLUXES]
    if "tpc_files" in steps and not upgrade:
        cfg["beam"]["runs"] = [dict(r, pot=r["pot"] * LIU2024_TPC_FILES) for r in cfg["beam"]["runs"]]
    if "cuts" in steps:
        sel = cfg["selection"]
        sel.pop("max_opening_angle_rad", None)
        sel["max_hnl_angle_to_beam_rad"] = float(np.arccos(LIU2024_COS_THETA_N))
    if "gas" in steps and upgrade:  # the preset restores the real gas density over the file's; undo that
        cfg["materials"]["TPC_GAS"]["density_g_cm3"] = SIREN_GAS_DENSITY_G_CM3
    elif "gas" in steps:  # dense copies of the geometry's own GAS boxes, with the upgrade preset's mixture
        gas = read_config("nd280-upgrade")[0]["materials"]["TPC_GAS"]
        cfg.setdefault("materials", {})["SIREN_TPC_GAS"] = dict(gas, density_g_cm3=SIREN_GAS_DENSITY_G_CM3)
        cfg["geometry"]["volumes"] = [
            {"name": f"siren_{v.name}", "shape": "box", "center_m": v.center.tolist(), "size_m": v.size.tolist(),
             "material": "SIREN_TPC_GAS"}
            for v in _experiment("nd280").world.volumes if v.material.name == "GAS"]
    return experiment_from_config(cfg, path)


def emulation_breakdown(mass: float, d: float, n_hnl: int = 40_000, rng=None) -> list[tuple[str, float, float]]:
    """Expected 2019 events at (mass, d) as Liu et al.'s (arXiv:2412.15051) choices are switched on one after the other:
    rows (steps switched on, N, MC error)."""
    from hnlreach.physics.kinematics import as_generator

    rng = as_generator(rng)
    rows = []
    for i in range(len(EMULATION_STEPS) + 1):
        steps = EMULATION_STEPS[:i]
        exp = liu2024_emulation(False, steps) if steps else _experiment("nd280")
        s = dipole_sample(exp, mass, n_hnl, rng)
        label = "darknews widths+" + "+".join(steps) if steps else "physical (nd280 preset)"
        rows.append((label, float(s.n(d)), float(s.mc_error(d))))
    return rows


def _expected(mass, rng, *, name: str, n_hnl: int):
    return dipole_sample(_experiment(name), mass, n_hnl, rng)


def contour(name: str, masses, n_hnl: int = 40_000, seed: int = 1, jobs: int | None = 1, n_limit=None):
    """Excluded d_muN interval per mass for an experiment preset name or TOML path, or for
    'liu2024-emulation' / 'liu2024-emulation-upgrade' (``liu2024_emulation``) (scan.ScanResult)."""
    from hnlreach.scan import scan_masses

    exp = _experiment(str(name))
    n_lim = exp.statistics.events_limit() if n_limit is None else n_limit
    return scan_masses(masses, functools.partial(_expected, name=str(name), n_hnl=n_hnl),
                       n_lim, (1e-10, 1e-2), seed=seed, jobs=jobs, quiet=True)


def decomposition(experiment, mass: float, d: float, n_hnl: int = 100_000, rng=None) -> list[tuple]:
    """Expected events at (mass, d) split by the material the HNL was produced in:
    rows (material, upscatterings, decays in the fiducial volumes (all channels, no cuts),
    selected N -> nu e+ e- events, MC error of the decays, MC error of the selected events),
    sorted by decays; all fluxes of the preset summed.  Upscatterings and decays count the
    neutrinos the sampler generates: those that can reach a fiducial volume within the
    selection's angular cut (rates.interaction_points)."""
    from hnlreach.physics.kinematics import as_generator
    from hnlreach.rates.engine import (
        _allocate, _entries, _flux_integral, dipole_fluxes, reference_hnl, segment_decay_probability,
        signal_channels, upscattering_hnls,
    )
    from hnlreach.rates.selection import acceptance

    rng = as_generator(rng)
    hnl = reference_hnl(mass, dipole="mu")
    fluxes = dipole_fluxes(experiment, "mu")
    alloc = _allocate(n_hnl, np.array([_flux_integral(f) for f in fluxes]))
    vols = experiment.world.volumes
    rows: dict = {}
    for f, k in zip(fluxes, alloc):
        w, pts, p4, _, hist = upscattering_hnls(experiment, mass, "mu", int(k), rng, flux_name=f.name)
        mat = np.array([vols[v].material.name if v >= 0 else "none" for v in hist["volume"]])
        idx, l1, l2, points = _entries(experiment, w, pts, p4, 1, rng)
        lam = d * d * hnl.width * mass / (np.linalg.norm(p4[idx, 1:], axis=1) * HBARC_GEV_M)
        dec = d * d * w[idx] * segment_decay_probability(lam, l1, l2)
        sel = dec * acceptance(experiment, hnl, signal_channels(experiment, hnl), p4[idx], points, rng)
        dec_h = np.bincount(idx, dec, minlength=w.size)  # per HNL (its entries are correlated)
        sel_h = np.bincount(idx, sel, minlength=w.size)
        for name in np.unique(mat):
            r = rows.setdefault(name, np.zeros(5))
            m_ = mat == name
            r += (d * d * w[m_].sum(), dec_h[m_].sum(), sel_h[m_].sum(), np.sum(dec_h[m_] ** 2), np.sum(sel_h[m_] ** 2))
    return sorted(((k, *v[:3], np.sqrt(v[3]), np.sqrt(v[4])) for k, v in rows.items()), key=lambda r: -r[2])


def median_decay_length(sample, d: float) -> float:
    """Weighted median lab decay length beta gamma c tau [m] of the HNLs reaching the fiducial
    volume (weights x acceptance), at coupling d."""
    lam_len = sample.p / sample.mass * HBARC_GEV_M / (sample.width1 * d * d)
    w = sample.weight * sample.acceptance
    if w.sum() <= 0:
        return float("nan")
    o = np.argsort(lam_len)
    c = np.cumsum(w[o])
    return float(lam_len[o][np.searchsorted(c, 0.5 * c[-1])])


def analytic_decay_length(mass: float, d: float, experiment) -> float:
    """beta gamma c tau at the flux-averaged nu_mu energy (E_N ~ E_nu for coherent upscattering)."""
    from hnlreach.model import HNL

    fl = experiment.fluxes[0]
    E = np.trapezoid(fl.energies * fl.values, fl.energies) / np.trapezoid(fl.values, fl.energies)
    E = max(E, mass * 1.0001)
    hnl = HNL(mass, dipole=(0.0, d, 0.0))
    return float(np.sqrt(E * E - mass * mass) / mass * hnl.ctau)


def beyond_minerva(masses, lower, minerva) -> list[tuple[float, float]]:
    """Mass range where our lower boundary lies below MINERvA's (Kamp et al. 2206.07100), i.e.
    where ND280 excludes couplings MINERvA allows ('world-leading' in Liu et al.'s (arXiv:2412.15051) sense, ignoring
    the other experiments); MINERvA's line ends at 847 MeV, above which any limit counts."""
    from hnlreach.validation.compare import contour_bounds

    ref = contour_bounds(minerva, masses)[0]
    lo = np.array([np.nan if v is None else v for v in lower], dtype=float)
    ok = np.isfinite(lo) & (~np.isfinite(ref) | (lo < ref))
    ok &= np.asarray(masses) > 0.1  # MINERvA's line is the relevant competitor only above ~100 MeV
    return _ranges(np.asarray(masses), ok)


def _ranges(masses, ok) -> list[tuple[float, float]]:
    """Contiguous runs of grid masses where ok is true, as (first, last) pairs."""
    out, start = [], None
    for i, flag in enumerate(ok):
        if flag and start is None:
            start = i
        if start is not None and (not flag or i == len(ok) - 1):
            end = i if flag else i - 1
            out.append((float(masses[start]), float(masses[end])))
            start = None
    return out


def reproduce(outdir: Path, quick: bool = False) -> list[Path]:
    """Constraint (2019 data) and sensitivity (upgrade) contours, the same with Liu et al.'s (arXiv:2412.15051) own
    analysis choices (``liu2024_emulation``), the event decomposition at the seed's reference point,
    figures and report."""
    import time

    from hnlreach.experiments import load_experiment
    from hnlreach.outputs.atomic import atomic_write_text
    from hnlreach.outputs.published import load_published

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    n_m, n_hnl = (12, 8_000) if quick else (40, 40_000)
    masses = np.geomspace(0.02, 1.0, n_m)
    t0 = time.perf_counter()
    exps = {k: load_experiment(k) for k in ("nd280", "nd280-upgrade")}
    res = {k: contour(k, masses, n_hnl, jobs=None) for k in exps}
    elapsed = time.perf_counter() - t0
    for k in EMULATIONS:
        res[k] = contour(k, masses, n_hnl // 2, jobs=None)
    files = []
    keys = list(res)
    # union of all excluded intervals per mass (two production regions can give two intervals)
    bounds = {k: (np.array([min((a for a, _ in x.intervals), default=np.nan) for x in r.results], dtype=float),
                  np.array([max((b for _, b in x.intervals), default=np.nan) for x in r.results], dtype=float))
              for k, r in res.items()}
    f = lambda v: "" if not np.isfinite(v) else f"{v:.4e}"  # noqa: E731
    lines = ["m_GeV," + ",".join(f"d_lower_{k},d_upper_{k}" for k in keys)]
    for i, m in enumerate(masses):
        lines.append(f"{m:.5f}," + ",".join(f"{f(bounds[k][0][i])},{f(bounds[k][1][i])}" for k in keys))
    files.append(atomic_write_text(outdir / "nd280_dipole_contours.csv", "\n".join(lines) + "\n"))
    mib = load_published("MiniBooNE-dipole")
    minerva = load_published("MINERvA-dipole")
    seed = {k: load_published(v) for k, v in LIU2024_CURVES.items()}
    decomp = decomposition(exps["nd280"], 0.5, REFERENCE_D, 8_000 if quick else 200_000, np.random.default_rng(5))
    files += _plots(outdir, masses, bounds, mib, minerva, seed, exps)
    window = window_check(exps["nd280"], 4_000 if quick else 60_000)
    files.append(_report(outdir, masses, bounds, minerva, seed, elapsed, quick, exps, decomp, window))
    return files


REFERENCE_D = 3.87e-7  # GeV^-1, Liu et al. arXiv:2412.15051 Fig. 2
EMULATIONS = ("liu2024-emulation", "liu2024-emulation-upgrade")
LIU2024_CURVES = {"nd280": "ND280-dipole-Liu2024", "nd280-upgrade": "ND280-upgrade-dipole-Liu2024"}


def window_check(experiment, n_hnl: int, mass: float = 0.1, d: float = 6e-7) -> tuple:
    """(N, error) with the full transverse reach and (N, error) with the neutrinos restricted to the
    fiducial rectangle + 2 m (``[signal] outer_margin_m = 2``), at (mass, d)."""
    from dataclasses import replace

    full = dipole_sample(experiment, mass, n_hnl, np.random.default_rng(7))
    narrow_exp = replace(experiment, signal=replace(experiment.signal, outer_margin_m=2.0))
    narrow = dipole_sample(narrow_exp, mass, n_hnl, np.random.default_rng(8))
    return tuple(float(x) for x in (full.n(d), full.mc_error(d), narrow.n(d), narrow.mc_error(d)))


def _interp_log(masses, values, m):
    ok = np.isfinite(values)
    if ok.sum() < 2:
        return float("nan")
    return float(np.exp(np.interp(np.log(m), np.log(masses[ok]), np.log(values[ok]), left=np.nan, right=np.nan)))


def _plots(outdir, masses, bounds, mib, minerva, seed, exps):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    files = []
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    for k, style, lab in (("nd280", "-", "ND280 2019 data, 95% CL (this work)"),
                          ("nd280-upgrade", "--", "T2K + T2K-II upgrade, Asimov 95% CL (this work)"),
                          ("liu2024-emulation", ":", "2019, Liu et al.'s (arXiv:2412.15051) analysis choices (emulation)"),
                          ("liu2024-emulation-upgrade", "-.", "upgrade, Liu et al.'s (arXiv:2412.15051) analysis choices (emulation)")):
        lo, up = bounds[k]
        ok = np.isfinite(lo)
        if ok.any():
            x = np.concatenate([masses[ok], masses[ok][::-1]])
            y = np.concatenate([lo[ok], up[ok][::-1]])
            if k == "nd280":
                ax.fill(x, y, color="tab:red", alpha=0.35, label=lab)
            else:
                ax.plot(x, y, ("r" if "emulation" not in k else "k") + style, lw=1.2, label=lab)
    for k, style in (("nd280", "-"), ("nd280-upgrade", "--")):
        c = seed[k]
        ax.plot(c.mass_GeV, c.coupling, style, color="tab:orange", lw=2, alpha=0.8, label=f"Liu et al. arXiv:2412.15051 Fig. 4: {c.description.split(',')[0]}")
    ax.plot(mib.mass_GeV, mib.coupling, color="tab:green", lw=1.2, label="MiniBooNE 95 % CL constraint (Magill et al. arXiv:1803.03262)")
    ax.plot(minerva.mass_GeV, minerva.coupling, "b-", lw=1.2, label="MINERvA (Kamp et al. 2206.07100)")
    ax.set(xscale="log", yscale="log", xlabel=r"$m_N$ [GeV]", ylabel=r"$d_{\mu N}$ [GeV$^{-1}$] (Liu et al. arXiv:2412.15051 eq. 2)",
           xlim=(0.01, 1.2), ylim=(3e-8, 1e-3))
    ax.legend(fontsize=6)
    fig.tight_layout()
    p = outdir / "nd280_dipole_fig4.png"
    fig.savefig(p, dpi=130)
    plt.close(fig)
    files.append(p)

    # Fig. 3: median decay length over the (m, d) plane, with the analytic estimate
    exp = exps["nd280"]
    ms = np.geomspace(0.02, 1.0, 8)
    ds = np.geomspace(1e-8, 1e-5, 7)
    rng = np.random.default_rng(3)
    med = np.full((ds.size, ms.size), np.nan)
    for j, m in enumerate(ms):
        s = dipole_sample(exp, m, 4000, rng)
        for i, d in enumerate(ds):
            med[i, j] = median_decay_length(s, d)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    pc = ax.pcolormesh(ms, ds, np.log10(med), shading="nearest", cmap="viridis")
    fig.colorbar(pc, label=r"log$_{10}$ median decay length [m]")
    mm = np.geomspace(0.02, 1.0, 60)
    for L in (1.0, 10.0, 100.0):
        # analytic: d such that beta gamma c tau = L at the mean flux energy
        dd = [np.sqrt(analytic_decay_length(m, 1.0, exp) / L) for m in mm]
        ax.plot(mm, dd, "w--", lw=1)
        ax.text(mm[-1], dd[-1], f"{L:g} m", color="w", fontsize=7)
    ax.set(xscale="log", yscale="log", xlabel=r"$m_N$ [GeV]", ylabel=r"$d_{\mu N}$ [GeV$^{-1}$]")
    fig.tight_layout()
    p = outdir / "nd280_dipole_fig3.png"
    fig.savefig(p, dpi=130)
    plt.close(fig)
    files.append(p)

    # Fig. 2: upscattering vertices of HNLs entering the TPC fiducial volumes (d = 3.87e-7)
    from hnlreach.rates.engine import upscattering_hnls
    from hnlreach.geometry.volumes import ray_interval

    fig, axes = plt.subplots(2, 3, figsize=(11, 5.5), sharey=True)
    for row, key in enumerate(("nd280-upgrade", "nd280")):
        e = exps[key]
        for col, m in enumerate((0.1, 0.3, 0.6)):
            w, pts, p4, info, _ = upscattering_hnls(e, m, "mu", 60_000, np.random.default_rng(col), flux_name="FHC numu")
            from hnlreach.model import HNL
            lam = 1.0 / (np.linalg.norm(p4[:, 1:], axis=1) / m * HNL(m, dipole=(0, 3.87e-7, 0)).ctau)
            dirs = p4[:, 1:] / np.linalg.norm(p4[:, 1:], axis=1)[:, None]
            prob = np.zeros(w.size)
            for name in e.signal.fiducial:
                l1, l2 = ray_interval(e.fiducial[name], pts, dirs)
                prob += np.where(l2 > l1, np.exp(-lam * l1) - np.exp(-lam * l2), 0.0)
            ax = axes[row, col]
            sel = (pts[:, 2] > -6) & (prob > 0)
            ax.hist2d(pts[sel, 2], pts[sel, 1], bins=(90, 60), range=((-6, 4), (-3, 3)),
                      weights=(w * prob)[sel], cmap="Reds", cmin=1e-300)
            ax.set_title(f"{key}, m = {m} GeV", fontsize=8)
            ax.set_xlabel("z [m]")
        axes[row, 0].set_ylabel("y [m]")
    fig.tight_layout()
    p = outdir / "nd280_dipole_fig2.png"
    fig.savefig(p, dpi=110)
    plt.close(fig)
    files.append(p)
    return files


def _report(outdir, masses, bounds, minerva, seed, elapsed, quick, exps, decomp, window):
    from hnlreach.outputs.atomic import atomic_write_text
    from hnlreach.validation.compare import contour_bounds

    f = lambda v: "—" if not np.isfinite(v) else f"{v:.3e}"  # noqa: E731
    r = lambda a, b: "—" if not (np.isfinite(a) and np.isfinite(b)) else f"{a / b:.2f}"  # noqa: E731

    def mev(w):
        ws = [w] if isinstance(w, tuple) else w
        ws = [x for x in ws if np.isfinite(x[0])]
        return ", ".join(f"{a * 1e3:.0f}–{b * 1e3:.0f} MeV" for a, b in ws) or "none"

    pub = {k: contour_bounds(c, masses)[0] for k, c in seed.items()}
    lower = {**{k: v[0] for k, v in bounds.items()}, **{"published " + k: v for k, v in pub.items()}}
    bey = {k: beyond_minerva(masses, v, minerva) for k, v in lower.items()}
    d500 = {k: _interp_log(masses, v, 0.5) for k, v in lower.items()}
    mv500 = float(contour_bounds(minerva, [0.5])[0][0])
    b05 = br_ee(0.5)
    n_lim19 = exps["nd280"].statistics.events_limit()
    tot = [sum(x[i] for x in decomp) for i in (1, 2, 3)]
    tot_err = [float(np.sqrt(sum(x[i] ** 2 for x in decomp))) for i in (4, 5)]
    drows = [f"| {x[0]} | {x[1]:.3g} | {x[2]:.3g} ± {x[4]:.2g} ({100 * x[2] / max(tot[1], 1e-300):.1f} %) | "
             f"{x[3]:.3g} ± {x[5]:.2g} |" for x in decomp if x[2] > 1e-3 * tot[1]]
    brk = emulation_breakdown(0.5, d500["published nd280"], 8_000 if quick else 60_000, np.random.default_rng(11))
    brows = [f"| {name} | {n:.3g} ± {e:.2g} | {n / brk[0][1]:.3g} |" for name, n, e in brk]

    def ratios(key, ref):
        lo, p_ = bounds[key][0], pub[ref]
        ok = np.isfinite(lo) & np.isfinite(p_)
        q = lo[ok] / p_[ok]
        return (f"{q.min():.2f}–{q.max():.2f} (median {np.median(q):.2f}) over "
                f"{masses[ok].min() * 1e3:.0f}–{masses[ok].max() * 1e3:.0f} MeV") if ok.any() else "—"

    rows = ["| m [GeV] | 2019 lower | 2019 upper | 2019 emulation | Liu et al. arXiv:2412.15051 2019 | emul./seed | ours/seed | "
            "upgrade lower | upgrade emulation | Liu et al. arXiv:2412.15051 upgrade | emul./seed | MINERvA |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    mv = contour_bounds(minerva, masses)[0]
    e19, eup = bounds["liu2024-emulation"][0], bounds["liu2024-emulation-upgrade"][0]
    for i, m in enumerate(masses):
        rows.append(f"| {m:.4f} | {f(bounds['nd280'][0][i])} | {f(bounds['nd280'][1][i])} | {f(e19[i])} | "
                    f"{f(pub['nd280'][i])} | {r(e19[i], pub['nd280'][i])} | {r(bounds['nd280'][0][i], pub['nd280'][i])} | "
                    f"{f(bounds['nd280-upgrade'][0][i])} | {f(eup[i])} | {f(pub['nd280-upgrade'][i])} | "
                    f"{r(eup[i], pub['nd280-upgrade'][i])} | {f(mv[i])} |")
    text = f"""# ND280 dipole-portal HNLs (arXiv:2412.15051) — reproduction

{'**quick run (reduced statistics): not the result**' if quick else ''}

Exposure: 2019 data {exps['nd280'].beam.pot:.3e} POT (12.34e20 FHC + 6.29e20 RHC; all four nu_mu /
nu_mu-bar fluxes, each with its run's POT, summed by `rates.engine.build_sample` — the same sample
as `hnlreach limit nd280 --dipole mu`), upgrade {exps['nd280-upgrade'].beam.pot:.3e} POT.
Run time of the two main contours ({len(masses)} masses): {elapsed:.0f} s.
Liu et al.'s (arXiv:2412.15051) curves: the numbers the authors plotted in Fig. 4 (`data/published_limits/ND280*_Liu2024_*`,
from their public repository), d on the same axis as ours (Liu et al. arXiv:2412.15051 eq. 2; see below).

## Result

| quantity | this work (physics) | Liu et al.'s (arXiv:2412.15051) choices (emulation) | Liu et al. (published curve) |
|---|---|---|---|
| 2019: below MINERvA (Kamp et al.) | {mev(bey['nd280'])} | {mev(bey['liu2024-emulation'])} | {mev(bey['published nd280'])} (abstract: world-leading 390–743 MeV) |
| upgrade: below MINERvA | {mev(bey['nd280-upgrade'])} | {mev(bey['liu2024-emulation-upgrade'])} | {mev(bey['published nd280-upgrade'])} (abstract: 148–860 MeV) |
| d lower boundary at 500 MeV, 2019 [GeV^-1] | {f(d500['nd280'])} | {f(d500['liu2024-emulation'])} | {f(d500['published nd280'])} |
| d lower boundary at 500 MeV, upgrade [GeV^-1] | {f(d500['nd280-upgrade'])} | {f(d500['liu2024-emulation-upgrade'])} | {f(d500['published nd280-upgrade'])} |
| lower boundary / published, 2019 | {ratios('nd280', 'nd280')} | {ratios('liu2024-emulation', 'nd280')} | 1 |
| lower boundary / published, upgrade | {ratios('nd280-upgrade', 'nd280-upgrade')} | {ratios('liu2024-emulation-upgrade', 'nd280-upgrade')} | 1 |

MINERvA at 500 MeV: {mv500:.3e} GeV^-1. "Below MINERvA" compares with MINERvA only (the abstract's
windows are world-leading against all limits of Fig. 4, e.g. NOMAD at high mass).

**The physical result is much weaker than Liu et al.'s (arXiv:2412.15051)**: at 500 MeV the 2019 data constrain only
d > {f(d500['nd280'])} GeV^-1 (in-gas upscattering, short decay length), and at the seed's
reference point (500 MeV, d = {REFERENCE_D:g}) we expect {tot[2]:.3g} ± {tot_err[1]:.2g} events against
N_limit = {n_lim19:.2f}. **The published curve is reproduced** ({ratios('liu2024-emulation', 'nd280')}) when our
engine is given the choices found in the authors' analysis code (github.com/mingshauliu/Dipole-HNL-T2K,
commit 4782ab8), none of which is in the paper's text:

1. **TPC gas density 1.855 g/cm^3** instead of 1.855e-3 (Ar:CF4:iC4H10 at 1 atm): SIREN's
   ND280UPGRD-v1 detector file gives every TPC gas box 1.855 (a kg/m^3 -> g/cm^3 slip; the later
   ND280-v1 file has 0.001855), and the authors' per-TPC detector files ('OGTPC1-3') were built from it.
   Evidence: their event tables at short decay length (e.g. 1.2e4 events at m = 616 MeV,
   mu_tr = 1e-5) scale as d^2 (production where the decay happens) and match in-gas upscattering at
   1000x the gas density; with the real gas our engine gives 1e-4–1e-2 of their count at
   d >~ 1e-6 above 300 MeV.
2. **3.6e21 POT for each of the FHC nu_mu and RHC nu_mu-bar files** (`POT['ND280NU']` in
   stats/STATS_NU.py and STATS_NUBAR.py) instead of the 12.34e20 + 6.29e20 POT of the 2019 data the
   paper quotes (upgrade: 2.61e22 per mode instead of 2e22 in total).
3. **x3 from the per-TPC files**: the 2019 signal is the sum of three files OGTPC1-3 whose event
   counts agree with each other to ~1 % at every grid point (also where TPC1, behind the P0D, and TPC2,
   behind FGD1, must differ), and each agrees with our three-TPC total (0.7–1.4 at 8 points).
4. **cos theta_N > 0.999 and no opening-angle cut** in stats/STATS_NU.py (the text: cos > 0.992,
   opening angle < 90 deg) — this one makes theirs *weaker*.
5. Kept as in the paper: BR(N -> nu e+ e-) weighting, T2K e+e- efficiency, zero background, N > 3;
   their plotted d is DarkNews's mu_tr / 2 (stats/TPC_Extract.ipynb: "convert d = mu/2"), i.e. the
   seed's eq. 2 d, the axis we use (DarkNews vertex t = mu_tr/2 = d, physics/dipole.py).

Events at 500 MeV and the published 2019 boundary d = {d500['published nd280']:.3g} GeV^-1 as the
authors' choices are switched on one after the other (N_limit = {n_lim19:.2f}):

| choices switched on | events | x physical |
|---|---|---|
{chr(10).join(brows)}

For the upgrade the same emulation (dense gas as in the SIREN file, 2.61e22 POT per mode, the cuts;
our placeholder background) gives {ratios('liu2024-emulation-upgrade', 'nd280-upgrade')}; its per-TPC
files do not agree with each other the same way (two files ~2.6x below the other three), and its
background treatment is in a notebook not in the repository, so no further factor is applied.

## Where the events come from (2019 preset, m = 0.5 GeV, d = {REFERENCE_D:g} GeV^-1)

BR(N -> nu e+ e-) = {b05:.4f} (our QED ratio); N_limit = {n_lim19:.2f}.
Totals: {tot[0]:.3g} upscatterings in the simulated world, **{tot[1]:.3g} ± {tot_err[0]:.2g} HNL decays (all channels)
in the three TPC fiducial volumes, {tot[2]:.3g} ± {tot_err[1]:.2g} selected N -> nu e+ e- events** (x BR_ee x cuts x
T2K efficiency: selected / decays = {tot[2] / max(tot[1], 1e-300):.2e} = BR_ee {b05:.4f} x
{tot[2] / max(tot[1], 1e-300) / b05:.3f}).

| production material | upscatterings | decays in TPC FV (share) | selected e+e- events |
|---|---|---|---|
{chr(10).join(drows)}

## Checks
- Flux units: the release is per 50 MeV per 1e21 POT per cm^2; we store per GeV per POT
  (x 1/0.05/1e21; tests/sources/test_neutrino_flux.py checks the integral; SIREN's T2K_NEAR flux
  applies the same 2e-16 to m^2).
- Decay in flight: the engine integrates the exact exponential over each fiducial segment. Depth: we
  sample upscattering over the whole world (295 m of rock up to the target), more than the seed's
  "three decay lengths". Fiducial volumes: Liu et al.'s (arXiv:2412.15051) Table I rows are swapped
  (data/nd280/README.md); the TPC FV is 1.70 x 1.96 x 0.56 m, as in the authors' code.
- Interaction points (rates/interaction_points.py): transverse positions from nested windows around
  the TPCs out to the angular reach of the cos theta_N cut over the full depth, depth ∝ interaction
  rate x (uniform + one log-distance component per TPC entry plane) plus geometric components for
  the gas, neutrino energy ∝ flux x cross section x E^j; all weights exact. Window check at 100 MeV,
  d = 6e-7: {window[0]:.3g} ± {window[1]:.2g} events with the full reach, {window[2]:.3g} ± {window[3]:.2g}
  with the neutrinos restricted to the fiducial rectangle + 2 m.
- BR(N -> nu e+ e-) from the QED ratio (physics/dipole.py): 0.58 % at 100 MeV, {100 * b05:.2f} % at 500 MeV
  (seed: "~0.7 %" at 100 MeV from arXiv:2109.03831).
- Efficiency: T2K 2019 e+e- nu efficiency vs mass (data/nd280/eff_ee_dipole.csv), held constant
  outside 140–490 MeV, as the seed (who assumes the mixing-HNL efficiency).
- Upgrade background: PLACEHOLDER B_2019 = 0.5 events scaled by 10.735 (POT) x 1.262 (volume) = 6.78;
  Asimov N_limit = {exps['nd280-upgrade'].statistics.events_limit():.2f}.
- Upgrade TPC gas density corrected from 1.855 to 0.001855 g/cm^3 (data/nd280/README.md).

## Boundaries (d in GeV^-1, Liu et al. arXiv:2412.15051 eq. 2)

{chr(10).join(rows)}
"""
    return atomic_write_text(Path(outdir) / "nd280_dipole_report.md", text)
