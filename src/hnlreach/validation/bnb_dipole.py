"""Dipole-portal HNLs at the Booster Neutrino Beam: the `miniboone` and `microboone` presets.

Three checks, written by ``reproduce`` into a markdown report:

1. Upscattering rate, like for like with DarkNews 0.4.8: DarkNews's event rate (its
   ``w_event_rate``) counts every nu_mu A -> N A in its target mass, with neither the decay
   probability nor a branching ratio (its convention: the HNL is assumed to decay in the detector).
   We compute the same number, POT x N_targets x int phi_numu(E) sigma(E) dE, per nucleus and
   scattering component (``like_for_like``), with DarkNews's target masses and POT, and compare with
   its numbers (``DARKNEWS``, recorded from DarkNews GenLauncher runs).  The neutron term (our
   nucleon magnetic moment; DarkNews's amplitude has none) is reported separately.
2. The engine against that integral: the weighted interaction points of
   ``rates.engine.upscattering_hnls`` inside the MiniBooNE tank (a Sphere volume) must add up to
   POT x N_targets(tank) x int phi sigma dE (``engine_tank_rate``).
3. The MiniBooNE lower boundary on d_mu against Magill et al. arXiv:1803.03262 (their MiniBooNE
   constraint, shipped as published curve ``MiniBooNE-dipole``).
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from hnlreach.geometry.materials import AVOGADRO, atomic_mass

# DarkNews 0.4.8 GenLauncher(mu_tr_mu4 = 2e-6 (d = 1e-6 GeV^-1), m4, HNLtype="dirac",
# decay_product="photon", experiment=..., neval=20000, seed=1, include_nelastic=True): sum of
# w_event_rate per scattering regime / target.  Its target masses and exposures:
# include/detectors/miniboone_fhc.txt (818 t CH2, 18.75e20 POT), miniboone_fhc_dirt.txt (55626.5 t
# SiO2), microboone.txt (170 t Ar, 6.8e20 POT); fluxes MiniBooNE_FHC.dat, MicroBooNE_BNB_fullflux.txt.
D_REF = 1e-6
DARKNEWS = {
    ("miniboone_fhc", 0.05): {"C12 coherent": 96653.0, "C12 proton": 21501.4, "H1 proton": 7113.5},
    ("miniboone_fhc", 0.2): {"C12 coherent": 24260.8, "C12 proton": 8403.4, "H1 proton": 2782.5},
    ("miniboone_fhc", 0.5): {"C12 coherent": 1245.26, "C12 proton": 1650.93, "H1 proton": 545.42},
    # dirt: DarkNews's weights carry (L / r)^2, the flux moved from L to each point of its soil cone
    # (geom.miniboone_dirt_geometry, microboone_dirt_geometry); compared in ``dirt_equivalent``
    ("miniboone_fhc_dirt", 0.2): {"Si28 coherent": 4929239.8, "O16 coherent": 3622982.0,
                                   "Si28 proton": 911295.5, "O16 proton": 1022793.6},
    ("microboone_dirt", 0.2): {"Si28 coherent": 378703.5, "O16 coherent": 280135.1,
                               "Si28 proton": 69046.1, "O16 proton": 80795.6},
    ("microboone", 0.2): {"Ar40 coherent": 6106.6, "Ar40 proton": 958.8},
}
# (preset, DarkNews target mass [t], POT, {nucleus: mass fraction}); molar masses from geometry.materials
SETUPS = {
    "miniboone_fhc": ("miniboone", 818.0, 18.75e20, {"C12": 12 / 14, "H1": 2 / 14}),
    "miniboone_fhc_dirt": ("miniboone", 55626.5, 18.75e20, {"Si28": 28 / 60, "O16": 32 / 60}),
    "microboone": ("microboone", 170.0, 6.8e20, {"Ar40": 1.0}),
    "microboone_dirt": ("microboone", 8579.28, 6.8e20, {"Si28": 28 / 60, "O16": 32 / 60}),
}
SOIL_G_CM3 = 2.15
# DarkNews 0.4.8 soil cones (geom.py, cm -> m): apex at the target, baseline L, cone height a (apex to
# the base, which is b in radius), truncated at h = l_excluded from the apex (the decay region)
DIRT_CONES = {
    "miniboone_fhc_dirt": {"L": 541.0, "a": 474.0 + 53.8, "le": 53.8, "b": 10.275},
    "microboone_dirt": {"L": 470.0, "a": 400.0 + 62.41755, "le": 62.41755, "b": 2.87415},
}


def dirt_equivalent(setup: str, mass: float, d: float = D_REF):
    """Our upscatterings in DarkNews's soil, in our plane-wave convention: a soil cylinder of the cone's
    base radius b and length a - le (the engine's flux is uniform over the plane, so per metre it
    counts as many neutrinos as the cone from the target); and the ratio DarkNews / ours expected from
    its geometry for neutrinos from the target: (L/a)^2 (its (L/r)^2 rescaling integrated over the cone)
    x M_file / M_cone (the soil mass of its detector file over its cone's mass).
    Returns ({'nucleus component': events}, expected DarkNews / ours)."""
    c = DIRT_CONES[setup]
    _, tonnes, _, _ = SETUPS[setup]
    v_cyl = np.pi * c["b"] ** 2 * (c["a"] - c["le"])  # m^3
    v_cone = np.pi * c["b"] ** 2 / (3 * c["a"] ** 2) * (c["a"] ** 3 - c["le"] ** 3)
    ours = {k: v * (v_cyl * SOIL_G_CM3) / tonnes for k, v in like_for_like(setup, mass, d).items()}
    return ours, (c["L"] / c["a"]) ** 2 * tonnes / (v_cone * SOIL_G_CM3)


# the nu_mu flux file of each preset's neutrino mode (column 1), as DarkNews uses it
FLUX_FILES = {"miniboone": "miniboone_fhc_flux.dat", "microboone": "microboone_flux.dat"}


def _numu_flux(preset: str):
    """(E [GeV], phi_numu [/cm^2/POT/GeV]) of the shipped file, without the preset's POT-share normalisation."""
    from hnlreach.datafiles import shipped_path

    a = np.loadtxt(shipped_path(f"pkg:bnb/{FLUX_FILES[preset]}"), comments="#")
    return a[:, 0], np.clip(a[:, 1], 0.0, None)


def like_for_like(setup: str, mass: float, d: float = D_REF) -> dict[str, float]:
    """POT x N_nucleus x int phi_numu sigma_component dE [events] per 'nucleus component' (coherent,
    proton, neutron) for DarkNews's target masses and POT (the flux of our preset, the same file)."""
    from hnlreach.physics.upscattering import dipole_xsec_components

    preset, tonnes, pot, nuclei = SETUPS[setup]
    e, phi = _numu_flux(preset)
    out = {}
    for nuc, frac in nuclei.items():  # mass fraction of the nucleus
        n_targets = tonnes * 1e6 * frac / atomic_mass(nuc) * AVOGADRO
        for comp, sig in dipole_xsec_components(e, mass, nuc, d=d).items():
            if comp != "total":
                out[f"{nuc} {comp}"] = float(pot * n_targets * np.trapezoid(phi * np.asarray(sig), e))
    return out


def engine_tank_rate(mass: float = 0.2, d: float = D_REF, n: int = 20_000, seed: int = 3):
    """(engine, analytic, MC error): FHC nu_mu upscatterings inside the MiniBooNE tank from the engine's
    weighted interaction points, and POT x N_targets x int phi sigma dE for the tank upstream of the
    fiducial sphere's downstream face (where the engine samples)."""
    from hnlreach.experiments import load_experiment
    from hnlreach.physics.upscattering import dipole_xsec
    from hnlreach.rates.engine import upscattering_hnls

    exp = load_experiment("miniboone")
    w, _, _, _, hist = upscattering_hnls(exp, mass, "mu", n, np.random.default_rng(seed), flux_name="FHC numu")
    itank = [v.name for v in exp.world.volumes].index("tank")
    wt = np.where(hist["volume"] == itank, w, 0.0) * d * d
    tank = exp.world.volumes[itank]
    flux = next(f for f in exp.fluxes if f.name == "FHC numu")  # normalised to the FHC share of the POT
    e, phi = flux.energies, np.clip(flux.values, 0.0, None)
    rate_per_cm = sum(dens * dipole_xsec(e, mass, nuc, d=d)
                      for nuc, dens in tank.material.number_densities().items())  # [1/cm] per neutrino
    # the engine samples interactions only upstream of the fiducial volumes' downstream face (z = +5 m:
    # an HNL made further downstream cannot reach them): the tank minus its cap beyond z = 5 m (2.3 %)
    h = tank.radius - exp.fiducial["fiducial"].radius
    volume_m3 = tank.volume_m3 - np.pi * h * h * (3 * tank.radius - h) / 3
    analytic = exp.beam.pot * np.trapezoid(phi * rate_per_cm, e) * volume_m3 * 1e6
    return float(wt.sum()), float(analytic), float(np.sqrt(np.sum(wt ** 2)))


def miniboone_boundary(masses, n_hnl: int = 20_000, seed: int = 1, preset: str = "miniboone"):
    """Our lower boundary on d_mu at each mass (hnlreach.limit with the preset's defaults)."""
    import hnlreach

    r = hnlreach.limit(preset, masses=list(masses), n_hnl=n_hnl, seed=seed, jobs=1, progress="none", refine=0)
    return np.asarray(r.lower, dtype=float)


def _figure(path: Path, masses, curves: dict) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from hnlreach.outputs.atomic import atomic_open
    from hnlreach.outputs.published import load_published

    mib = load_published("MiniBooNE-dipole")
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.plot(mib.mass_GeV, mib.coupling, "k-", lw=1.5, label="MiniBooNE, Magill et al. arXiv:1803.03262 (95 % CL)")
    for (name, label), style in zip(curves, ("C0o-", "C1s--", "C2^:")):
        ax.plot(masses, curves[(name, label)], style, label=label)
    ax.set(xscale="log", yscale="log", xlabel=r"$m_N$ [GeV]", ylabel=r"$d_{\mu N}$ [GeV$^{-1}$] (excluded above)",
           xlim=(0.01, 1.0), ylim=(3e-8, 1e-4))
    ax.legend(fontsize=7)
    fig.tight_layout()
    with atomic_open(path, "wb") as fh:
        fig.savefig(fh, format="png", dpi=120)
    plt.close(fig)
    return path


def magill_boundary(masses):
    from hnlreach.outputs.published import load_published
    from hnlreach.validation.compare import contour_bounds

    return contour_bounds(load_published("MiniBooNE-dipole"), masses)[0]


COMPARE_MASSES = (0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7)


def reproduce(outdir: Path, quick: bool = False) -> list[Path]:
    from hnlreach.outputs.atomic import atomic_write_text

    t0 = time.perf_counter()
    lines = ["# Dipole-portal HNLs at the Booster Neutrino Beam (`miniboone`, `microboone`)", "",
             "Generated by `hnlreach reproduce bnb-dipole`" + (" --quick (smoke test)" if quick else "") + ".", "",
             f"## 1. Upscattering rate, like for like with DarkNews 0.4.8 (d = {D_REF:g} GeV^-1, nu_mu only)", "",
             "DarkNews's event rate has no decay probability and no branching ratio; ours below neither.", "",
             "| DarkNews experiment | m_N [GeV] | nucleus, component | DarkNews | ours | ours / DarkNews |", "|---|---|---|---|---|---|"]
    for (setup, m), ref in DARKNEWS.items():
        if setup in DIRT_CONES:
            continue
        ours = like_for_like(setup, m)
        for k, v in ref.items():
            lines.append(f"| {setup} | {m:g} | {k} | {v:.4g} | {ours[k]:.4g} | {ours[k] / v:.4f} |")
        extra = {k: v for k, v in ours.items() if k.endswith("neutron") and v > 0}
        for k, v in extra.items():
            lines.append(f"| {setup} | {m:g} | {k} (not in DarkNews) | -- | {v:.4g} | -- |")
    lines += ["", "### Soil upstream", "",
              "DarkNews fills a cone from the target through a disc of radius b at its base and weights each "
              "event by (L/r)^2 (the flux moved from L to the point).  Our engine's plane-wave flux over a "
              "cylinder of radius b counts as many neutrinos per metre; 'ours' is that cylinder over the "
              "cone's length.  Expected DarkNews / ours = (L/a)^2 x M_file / M_cone for neutrinos from the "
              "target: DarkNews's MiniBooNE dirt file gives 55626.5 t, while its own cone geometry holds "
              "125326 t (MicroBooNE: both 8579 t).", "",
              "| DarkNews experiment | nucleus, component | DarkNews | ours (cylinder) | DarkNews / ours | expected |",
              "|---|---|---|---|---|---|"]
    for (setup, m), ref in DARKNEWS.items():
        if setup not in DIRT_CONES:
            continue
        ours, expect = dirt_equivalent(setup, m)
        for k, v in ref.items():
            lines.append(f"| {setup} | {k} | {v:.4g} | {ours[k]:.4g} | {v / ours[k]:.3f} | {expect:.3f} |")
    eng, ana, err = engine_tank_rate(n=5_000 if quick else 40_000)
    lines += ["", "## 2. The engine's interaction points in the MiniBooNE tank (Sphere volume)", "",
              f"FHC nu_mu upscatterings in the 6.1 m oil sphere upstream of z = +5 m (the engine does not sample "
              f"interactions downstream of the fiducial volumes: the HNL could not reach them) at m = 0.2 GeV, d = {D_REF:g}: engine {eng:.4g} +- {err:.2g} (MC), "
              f"POT x N_targets x int phi sigma dE = {ana:.4g}; ratio {eng / ana:.3f}.", ""]
    masses = COMPARE_MASSES[1::2] if quick else COMPARE_MASSES
    ours = miniboone_boundary(masses, n_hnl=4_000 if quick else 20_000)
    ref = magill_boundary(masses)
    lines += ["## 3. MiniBooNE lower boundary on d_mu vs Magill et al. arXiv:1803.03262", "",
              "| m_N [GeV] | ours [GeV^-1] | Magill et al. [GeV^-1] | ours / Magill |", "|---|---|---|---|"]
    for m, a, b in zip(masses, ours, ref):
        lines.append(f"| {m:g} | {a:.3e} | {b:.3e} | {a / b:.2f} |")
    n_other = 4_000 if quick else 20_000
    curves = {("miniboone", "miniboone (this package), 95 % CL, efficiency 1"): ours,
              ("microboone", "microboone, 90 % CL on the 1g0p data, efficiency 7 %"): miniboone_boundary(masses, n_other, preset="microboone"),
              ("sbnd", "sbnd sensitivity (Asimov 90 % CL), efficiency 7 %"): miniboone_boundary(masses, n_other, preset="sbnd")}
    lines += ["", "| m_N [GeV] | " + " | ".join(k[0] for k in curves) + " |", "|---|" + "---|" * len(curves)]
    for i, m in enumerate(masses):
        lines.append(f"| {m:g} | " + " | ".join(f"{c[i]:.3e}" for c in curves.values()) + " |")
    fig = _figure(Path(outdir) / "bnb_dipole_limits.png", masses, curves)
    lines += ["", "![lower boundaries](bnb_dipole_limits.png)", "", f"Time: {time.perf_counter() - t0:.0f} s.", "",
              "Explanations and assumptions: docs/validation/bnb-dipole/README.md."]
    path = atomic_write_text(Path(outdir) / "bnb_dipole_report.md", "\n".join(lines) + "\n")
    return [path, fig]
