"""PS191 (Bernardi et al., PLB 166 (1986) 479; PLB 203 (1988) 332) and its re-evaluation by Argüelles,
Foppiani, Hostert (arXiv:2109.03831): preset ``ps191`` against

(a) the original PS191 limits on |U_e|^2 and |U_mu|^2 (HNLimits digitisations), with the preset as
    shipped (Dirac, every two-track channel, efficiency 0.3, pi+ and K+ sources);
(b) Argüelles et al.'s own PS191 simulation ('ours PS191' of their paper: U_mu only, N -> nu e+ e-
    only, Dirac, efficiency 0.3, HNLs from K+ -> mu+ N, 0.89e19 POT), run like for like;
(c) their rescaled original limit: PS191's |U_e U_mu| limit from N -> nu e e through the W, turned
    into a U_mu-only limit through the Z by dividing by sqrt(g_L^2 + g_R^2) (g_L = -1/2 + s_W^2,
    g_R = s_W^2: the neutral-current N -> nu_mu e e width over the charged-current one; their
    HNL-DIF plot_tools.get_PS191_limit), compared with the same like-for-like run.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

AFH_POT = 0.89e19  # Argüelles et al.'s PS191 exposure (HNL-DIF exp.py); PS191's paper: 0.86e19
AFH_CHANNELS = ["N -> nu e+ e-"]
AFH_PRODUCTION = ["K+ -> mu+ N"]  # their HNL flux: the K+ nu_mu flux x Shrock's factor (two-body)
# Reference masses of the ratio tables [GeV]
MASSES_E = (0.02, 0.03, 0.05, 0.08, 0.12, 0.16, 0.2, 0.25, 0.3, 0.35)
MASSES_MU = (0.03, 0.05, 0.08, 0.13, 0.16, 0.2, 0.25, 0.3, 0.33)
MASSES_AFH = (0.03, 0.05, 0.08, 0.12, 0.16, 0.2, 0.25, 0.3, 0.35)


def sin2_theta_w() -> float:
    from hnlreach.physics.constants import SIN2_THETA_W

    return float(SIN2_THETA_W)


def nc_over_cc() -> float:
    """Gamma(N -> nu_mu e+ e-, Z only) / Gamma(N -> nu_e e+ e-, W only) for the same |U|^2:
    g_L^2 + g_R^2 = 1/4 (1 - 4 s_W^2 + 8 s_W^4) (Bondarenko et al. arXiv:1805.08567 sec. 3.1.2, C1 of
    N -> nu_alpha l_beta l_beta for alpha != beta, over C1 = 1 of the W diagram alone)."""
    s2 = sin2_theta_w()
    return 0.25 * (1.0 - 4.0 * s2 + 8.0 * s2 * s2)


def afh_rescaled_curve(masses) -> np.ndarray:
    """Argüelles et al.'s rescaled PS191 |U_mu|^2 limit (N -> nu e e through the Z): the smaller of
    PS191's |U_e U_mu| limits from K and pi decays over sqrt(nc_over_cc()); NaN outside both."""
    from hnlreach.outputs.published import load_published

    m = np.log(np.asarray(masses, float))
    best = np.full(m.shape, np.inf)
    for name in ("PS191-1988-UeUmu-K", "PS191-1988-UeUmu-pi"):
        c = load_published(name)
        o = np.argsort(c.mass_GeV)
        y = np.exp(np.interp(m, np.log(c.mass_GeV[o]), np.log(c.coupling[o]), left=np.nan, right=np.nan))
        best = np.fmin(best, np.where(np.isfinite(y), y, np.inf))
    return np.where(np.isfinite(best), best / np.sqrt(nc_over_cc()), np.nan)


def afh_experiment():
    """The preset as Argüelles et al. analysed PS191: N -> nu e+ e- only, HNLs from K+ -> mu+ N only,
    0.89e19 POT (everything else: the preset's geometry, flux, efficiency 0.3, N > 2.3)."""
    from hnlreach.experiments import experiment_from_config, read_config

    cfg, path = read_config("ps191")
    cfg["signal"]["channels"] = list(AFH_CHANNELS)
    cfg["production"] = {"include": list(AFH_PRODUCTION)}
    cfg["beam"]["runs"] = [{"mode": "FHC", "pot": AFH_POT}]
    cfg.pop("analysis", None)
    return experiment_from_config(cfg, path)


def collimation_factor(masses) -> np.ndarray:
    """p*_N / p*_nu of K+ -> mu+ N vs K+ -> mu+ nu (two-body momenta, PDG Kinematics eq. 49.17): the
    expected ours / Argüelles et al. in |U|^2 from the HNL's collimation gain (p*_nu / p*_N)^2 in flux,
    which their E_N = E_nu mapping omits (N ~ |U|^4 in the long-lifetime regime)."""
    from hnlreach.physics.constants import LEPTON_MASS, MASS, kallen

    m = np.asarray(masses, float)
    mk, ml = MASS["K+"], LEPTON_MASS["mu"]
    return np.sqrt(np.clip(kallen(mk**2, ml**2, m * m), 0.0, None) / kallen(mk**2, ml**2, 0.0))


@dataclass
class Curve:
    masses: np.ndarray
    lower: np.ndarray  # NaN where nothing is excluded


def run(experiment, masses, mixing: str, majorana: bool = False, n_hnl: int = 20_000, seed: int = 1) -> Curve:
    """Lower boundary of the excluded |U|^2 interval at each mass (the engine through hnlreach.limit)."""
    import hnlreach

    res = hnlreach.limit(experiment, mixing=mixing, majorana=majorana, masses=list(map(float, masses)),
                         n_hnl=n_hnl, seed=seed, jobs=1, progress="none", refine=0, precision=None, cache=False)
    df = res.to_dataframe()
    return Curve(df["mass_GeV"].to_numpy(float), df["lower"].to_numpy(float))


def published_at(name: str, masses) -> np.ndarray:
    from hnlreach.outputs.published import load_published
    from hnlreach.validation.compare import contour_bounds

    return contour_bounds(load_published(name), masses)[0]


def ratios(curve: Curve, published) -> np.ndarray:
    return curve.lower / np.asarray(published, float)


def table(curve: Curve, published, label: str, factor=None) -> str:
    """Markdown rows: mass, ours, published, ratio (and ratio / factor with a factor column)."""
    r = ratios(curve, published)
    def f(v, fmt=".3e"):
        return "—" if not np.isfinite(v) else format(v, fmt)
    extra = factor is not None
    rows = [f"| m [GeV] | ours | {label} | ours / published |" + (" p*_N / p*_nu | ratio / that |" if extra else ""),
            "|---|---|---|---|" + ("---|---|" if extra else "")]
    for i, (m, o, p, x) in enumerate(zip(curve.masses, curve.lower, published, r)):
        row = f"| {m:.3f} | {f(o)} | {f(p)} | {f(x, '.2f')} |"
        if extra:
            row += f" {factor[i]:.2f} | {f(x / factor[i], '.2f')} |"
        rows.append(row)
    return "\n".join(rows)


def summary(r) -> str:
    r = np.asarray(r, float)
    r = r[np.isfinite(r)]
    return "no overlap" if r.size == 0 else f"{r.min():.2f} .. {r.max():.2f} (median {np.median(r):.2f}, {r.size} masses)"


def flux_check(n: int = 1_000_000, rng=7) -> str:
    """Markdown: nu_mu flux by parent re-derived from the sampled pi+ / K+ over the input tables, and
    the tables' sum over PS191's published total nu_mu flux."""
    from hnlreach.experiments import load_experiment
    from hnlreach.sources.neutrino_flux import interpolate_flux
    from hnlreach.validation.nd280_mixing import rederived_nu_flux

    exp = load_experiment("ps191")
    out = ["| E_nu [GeV] | K+: re-derived / input | pi+: re-derived / input |", "|---|---|---|"]
    edges = np.array([0.1, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0])
    cols = []
    for src in ("K+ in flight", "pi+ in flight"):
        e, v = input_table(src)
        ours = rederived_nu_flux(exp, edges, n, rng, source=src)
        ref = np.array([np.mean(interpolate_flux(np.linspace(a, b, 200), e, v)) for a, b in zip(edges[:-1], edges[1:])])
        with np.errstate(all="ignore"):
            cols.append(ours / ref)
    for a, b, k, p in zip(edges[:-1], edges[1:], *cols):
        out.append(f"| {a:.2f}-{b:.2f} | {k:.3f} | {p:.3f} |")
    tot = published_total_check()
    return "\n".join(out) + (f"\n\nAbove 4 GeV the pi+ column is Monte Carlo noise of this check (0.3 % of the pi+ flux, "
                              f"a few sampled pions).  Below 0.3 GeV the K+ kernel cannot follow (forward two-body "
                              f"decays give E_nu >= p* = 236 MeV), as for nd280.\n\nSum of the two tables over PS191's "
                              f"published total nu_mu flux, 0.1-7.9 GeV: {tot:.3f} (shape: data/ps191/README.md).")


def input_table(source: str):
    """(E_nu, flux) of the preset's nu_mu flux table for a beamline source."""
    name = {"K+ in flight": "numu_from_Kplus.dat", "pi+ in flight": "numu_from_piplus.dat"}[source]
    return _ps191_table(name)


def _ps191_table(name: str):
    from importlib import resources

    a = np.loadtxt(resources.files("hnlreach") / "experiments" / "data" / "ps191" / name)
    return a[:, 0], a[:, 1]


PUBLISHED_TOTAL_NORM = 1.0 / (0.89e19 * 6e2 * 3e2 * 0.2)  # per 0.2 GeV through 6 x 3 m^2 for 0.89e19 POT


def published_total_check() -> float:
    """(pi+ table + K+ table) / PS191's published total nu_mu flux, integrated over the published range."""
    e, t = _ps191_table("numu_total_published.dat")
    ek, k = _ps191_table("numu_from_Kplus.dat")
    ep, p = _ps191_table("numu_from_piplus.dat")
    x = np.linspace(e.min(), e.max(), 2000)
    ours = np.interp(x, ek, k) + np.interp(x, ep, p)
    return float(np.trapezoid(ours, x) / np.trapezoid(np.interp(x, e, t) * PUBLISHED_TOTAL_NORM, x))


def reproduce(outdir: Path, quick: bool = False) -> list[Path]:
    from hnlreach.experiments import load_experiment
    from hnlreach.outputs.atomic import atomic_write_text

    outdir = Path(outdir)
    n_hnl = 4000 if quick else 40_000
    t0 = time.perf_counter()
    preset = load_experiment("ps191")
    ue = run(preset.for_model(mixing="e"), MASSES_E, "e", n_hnl=n_hnl)
    umu = run(preset, MASSES_MU, "mu", n_hnl=n_hnl)
    ue_maj = run(preset.for_model(mixing="e"), MASSES_E, "e", majorana=True, n_hnl=n_hnl)
    afh = run(afh_experiment(), MASSES_AFH, "mu", n_hnl=n_hnl)
    elapsed = time.perf_counter() - t0
    pub_e = published_at("PS191-1988-Ue2", MASSES_E)
    pub_mu = published_at("PS191-1988-Umu2", MASSES_MU)
    pub_afh = published_at("PS191-AFH2021", MASSES_AFH)
    pub_resc = afh_rescaled_curve(MASSES_AFH)

    fig = outdir / "ps191_limits.png"
    _plot(fig, ue, umu, afh, ue_maj)
    lines = [
        "# PS191 (Bernardi et al. 1986, 1988) and its re-evaluation (Argüelles, Foppiani, Hostert arXiv:2109.03831)", "",
        f"{'QUICK run (reduced statistics) — not the result.' if quick else 'Full run.'} Preset `ps191`, "
        f"{n_hnl} HNLs per mass, {elapsed:.0f} s.  `hnlreach limit ps191 --mixing e|mu` runs the same preset.", "",
        "## Source: the PS191 nu_mu flux by parent", "",
        "pi+ and K+ are reconstructed from the nu_mu flux tables by parent that Argüelles et al. used "
        "(sources/beamline.py, the T2K ND280 method; data/ps191/README.md).  Re-derived from the sampled parents:", "",
        flux_check(), "",
        "## (a) Original PS191 limits, preset as shipped (Dirac, all two-track channels, efficiency 0.3)", "",
        f"|U_e|^2: ours / PS191 1988 = {summary(ratios(ue, pub_e))}", "",
        table(ue, pub_e, "PS191 1988"), "",
        f"|U_e|^2, Majorana: ours / PS191 1988 = {summary(ratios(ue_maj, pub_e))}", "",
        table(ue_maj, pub_e, "PS191 1988"), "",
        f"|U_mu|^2: ours / PS191 1988 = {summary(ratios(umu, pub_mu))}", "",
        table(umu, pub_mu, "PS191 1988"), "",
        "## (b) Argüelles et al.'s own PS191 simulation, like for like", "",
        "U_mu only, N -> nu e+ e- only (through the Z), Dirac, HNLs from K+ -> mu+ N, efficiency 0.3, "
        f"{AFH_POT:.2e} POT, N > 2.3.", "",
        f"ours / Argüelles et al. = {summary(ratios(afh, pub_afh))}; divided by the collimation factor "
        f"p*_N / p*_nu (README): {summary(ratios(afh, pub_afh) / collimation_factor(MASSES_AFH))}", "",
        table(afh, pub_afh, "Argüelles et al.", collimation_factor(MASSES_AFH)), "",
        "## (c) Argüelles et al.'s rescaling of the original limit (same run as (b))", "",
        f"PS191's |U_e U_mu| limit / sqrt(g_L^2 + g_R^2) = / {np.sqrt(nc_over_cc()):.3f} (s_W^2 = {sin2_theta_w():.4f}).", "",
        f"ours / rescaled PS191 = {summary(ratios(afh, pub_resc))}", "",
        table(afh, pub_resc, "rescaled PS191"), "",
        _readme_section(), "",
    ]
    report = outdir / "ps191_report.md"
    atomic_write_text(report, "\n".join(lines))
    return [fig, report]


def _readme_section() -> str:
    from importlib import resources

    text = (resources.files("hnlreach") / "experiments" / "data" / "ps191" / "README.md").read_text()
    return text[text.index("## Source model"):].strip()


def _plot(path, ue, umu, afh, ue_maj):
    from matplotlib.ticker import NullFormatter

    from hnlreach.outputs.plot import figure
    from hnlreach.outputs.published import load_published

    with figure(path, figsize=(11, 4.6), dpi=110) as (fig, ax):
        ax.remove()
        a1, a2 = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
        for a, curves, pubs, lab in (
                (a1, [(ue, "ours, Dirac", "C0"), (ue_maj, "ours, Majorana", "C2")], ["PS191-1988-Ue2"], "|U_e|^2"),
                (a2, [(umu, "ours, all channels", "C0"), (afh, "ours, nu e e only (as Argüelles et al.)", "C1")],
                 ["PS191-1988-Umu2", "PS191-AFH2021"], "|U_mu|^2")):
            for c, label, col in curves:
                ok = np.isfinite(c.lower)
                a.plot(c.masses[ok], c.lower[ok], "o-", color=col, label=f"hnlreach: {label}")
            for name, style in zip(pubs, (":", "--")):
                p = load_published(name)
                o = np.argsort(p.mass_GeV)
                a.plot(p.mass_GeV[o], p.coupling[o], style, color="k", label=p.description)
            if a is a2:
                m = np.geomspace(0.012, 0.36, 80)
                a.plot(m, afh_rescaled_curve(m), "-.", color="grey", label="PS191 rescaled to NC (Argüelles et al.)")
            a.set(xscale="log", yscale="log", xlabel="m_N [GeV]", ylabel=lab, title=f"PS191, {lab}, 90 % CL")
            a.xaxis.set_minor_formatter(NullFormatter())
            a.legend(fontsize=6)
