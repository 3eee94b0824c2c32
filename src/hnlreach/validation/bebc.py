"""BEBC WA66 beam dump re-analysed by Barouki, Marocco, Sarkar (SciPost Phys. 13 (2022) 118, arXiv:2208.00416):
preset ``bebc`` against the authors' own result files (their analysis code github.com/ryanbarouki/HNL_Dump,
shipped as BEBC-Barouki2022-*), mass by mass, for e mixing (Fig. 4) and tau mixing (Fig. 5); mu mixing
(not in the paper) is tabulated alone.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from hnlreach.validation.charm import contour
from hnlreach.validation.dump_presets import plot, readme_section, section

E_BAND = (0.2, 1.9)     # GeV: the published e curve from its first mass to below its D_s -> e N end point
TAU_BAND = (0.1, 1.4)   # GeV: the published tau curve below the tau -> pi N threshold region (see README)


def tau_pi_phase_space_ratio(m):
    """Their tau -> pi N rate over the correct one: sqrt(lambda + 1)/sqrt(lambda), with
    lambda = lambda(1, x, y) (x = (m_pi/m_tau)^2, y = (m/m_tau)^2): the analysis code's
    `l(x, y)` (src/branching_ratios.py, TAU_TO_PI_HNL) equals lambda + 1 instead of the Kallen function
    (Bondarenko et al. arXiv:1805.08567 eq. 3.3 has sqrt(lambda))."""
    from hnlreach.physics.constants import MASS, kallen

    x, y = (MASS["pi+"] / MASS["tau-"]) ** 2, (np.asarray(m, float) / MASS["tau-"]) ** 2
    lam = kallen(1.0, x, y)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(lam > 0, np.sqrt((lam + 1) / lam), np.nan)


def forward_hemisphere_gain(m, n: int = 400000, seed: int = 1) -> float:
    """Events (BEBC acceptance x decay probability ~ m/p) of D_s -> e N with N emitted only into the forward
    hemisphere of the D_s frame (cos theta in [0, 1] about the beam axis, as the analysis code's
    utils.get_two_body_momenta) over isotropic emission; D_s from the preset's x_F-p_T^2 spectrum."""
    from hnlreach.physics.constants import MASS
    from hnlreach.physics.kinematics import boost_to_lab, two_body_momentum
    from hnlreach.sources.spectra import XfPt2Spectrum

    rng = np.random.default_rng(seed)
    m_ds = MASS["D(s)+"]
    par = XfPt2Spectrum(m_ds, 400.0, 6.0, 0.93).sample(n, rng)
    ps = two_body_momentum(m_ds, m, 0.0)  # m_e neglected, as the analysis code
    out = []
    for lo in (-1.0, 0.0):
        c, phi = rng.uniform(lo, 1.0, n), rng.uniform(0.0, 2 * np.pi, n)
        s_ = np.sqrt(1 - c * c)
        p4_rest = np.column_stack([np.full(n, np.hypot(ps, m)), ps * s_ * np.cos(phi), ps * s_ * np.sin(phi), ps * c])
        p_lab = boost_to_lab(p4_rest, par)[:, 1:]
        p = np.linalg.norm(p_lab, axis=1)
        accepted = p_lab[:, 2] / p > np.cos(1.69 / 404.0)  # analysis code DETECTOR_OPENING_ANGLE
        out.append(np.mean(accepted * m / p))
    return out[1] / out[0]


def width_over_gamma0(masses, mixing):
    """Total width of a Majorana HNL over G_F^2 m^5/(192 pi^3) (|U|^2 = 1)."""
    from hnlreach import HNL

    from hnlreach.physics.constants import G_F

    g0 = lambda m: G_F ** 2 * m ** 5 / (192 * np.pi ** 3)
    return np.array([HNL(float(m), mixing=mixing, coupling=1.0, majorana=True).width / g0(m) for m in masses])


def reproduce(outdir: Path, quick: bool = False) -> list[Path]:
    from hnlreach.outputs.atomic import atomic_write_text
    from hnlreach.outputs.published import load_published

    outdir = Path(outdir)
    n_hnl = 5000 if quick else 100000
    m_e = np.unique(np.round(np.concatenate([np.geomspace(0.2, 1.9, 6 if quick else 16), [1.0, 1.5, 1.95]]), 4))
    m_tau = np.unique(np.round(np.concatenate([np.geomspace(0.1, 1.6, 6 if quick else 16), [1.0, 1.3, 1.5, 1.65]]), 4))
    t0 = time.perf_counter()
    res_e = contour("bebc", m_e, mixing="e", n_hnl=n_hnl)
    res_tau = contour("bebc", m_tau, mixing="tau", n_hnl=n_hnl)
    res_mu = contour("bebc", m_e, mixing="mu", n_hnl=n_hnl)
    elapsed = time.perf_counter() - t0
    pub_e, pub_e_up = load_published("BEBC-Barouki2022-Ue2"), load_published("BEBC-Barouki2022-Ue2-upper")
    pub_t, pub_t_up = load_published("BEBC-Barouki2022-Utau2"), load_published("BEBC-Barouki2022-Utau2-upper")
    figs = []
    for fname, label, masses, res, pubs, ylabel in (
            ("bebc_ue2.png", "e mixing", m_e, res_e, [pub_e, pub_e_up], "|U_e|^2"),
            ("bebc_utau2.png", "tau mixing", m_tau, res_tau, [pub_t, pub_t_up], "|U_tau|^2")):
        fig = outdir / fname
        plot(fig, [(f"BEBC, {label}, Majorana", masses, res, pubs, "C0")],
             f"BEBC WA66, 2.72e18 POT, {ylabel}, 90 % CL (Barouki et al. 2022)", ylabel=ylabel)
        figs.append(fig)
    text_e, _ = section("e mixing (Fig. 4)", m_e, res_e, pub_e, E_BAND, "|U_e|^2 (Majorana, 90 % CL)", upper=pub_e_up)
    text_t, _ = section("tau mixing (Fig. 5)", m_tau, res_tau, pub_t, TAU_BAND, "|U_tau|^2 (Majorana, 90 % CL)",
                        upper=pub_t_up)
    mu_rows = ["| m [GeV] | ours lower | ours upper |", "|---|---|---|"]
    for m, lo, hi in zip(m_e, res_mu.lower, res_mu.upper):
        f = (lambda v: "—" if v is None or not np.isfinite(v) else f"{v:.3e}")
        mu_rows.append(f"| {m:.3f} | {f(lo)} | {f(hi)} |")
    diag_m = np.array([0.3, 0.7, 1.0, 1.3, 1.5, 1.6])
    diag = ["| m [GeV] | D_s -> e N, forward-only / isotropic emission | tau -> pi N: analysis code / correct "
            "| our Gamma/Gamma_0, tau mixing | our Gamma/Gamma_0, e mixing |", "|---|---|---|---|---|"]
    for m, r, gt, ge in zip(diag_m, tau_pi_phase_space_ratio(diag_m), width_over_gamma0(diag_m, "tau"),
                            width_over_gamma0(diag_m, "e")):
        diag.append(f"| {m:.2f} | {forward_hemisphere_gain(m, 100000 if quick else 400000):.2f} | {r:.2f} | "
                    f"{gt:.2f} | {ge:.2f} |")
    lines = [
        "# BEBC WA66 beam dump, re-analysed by Barouki, Marocco, Sarkar (SciPost Phys. 13 (2022) 118, arXiv:2208.00416)", "",
        f"{'QUICK run (reduced statistics) — not the result.' if quick else 'Full run.'} "
        f"Preset `bebc`, {len(m_e)} + {len(m_tau)} + {len(m_e)} masses (e, tau, mu) x {n_hnl} HNLs, Majorana, "
        f"{elapsed:.0f} s.", "",
        "Published curves: the authors' own result files in their analysis code (github.com/ryanbarouki/HNL_Dump "
        "@83d0dd4, `upper_bound_data/`, `lower_bound_data/`), not a digitisation: `BEBC-Barouki2022-Ue2`, "
        "`-Ue2-upper`, `-Utau2`, `-Utau2-upper`.  Ratios are ours/published (< 1: ours excludes more below, "
        "less above).", "",
        text_e, text_t,
        "### mu mixing (not in the paper; ours only)", "", "\n".join(mu_rows), "",
        "### Diagnostics used below", "", "\n".join(diag), "",
        "Gamma_0 = G_F^2 m^5 / (192 pi^3).  The analysis code's total width (src/particles/hnl.py, Majorana x2) is "
        "about 4.0 Gamma_0 for tau mixing above 1 GeV (README below).", "",
        "## Why we differ, and assumptions", "",
        readme_section("bebc", "## Why we differ"), "",
    ]
    report = outdir / "bebc_report.md"
    atomic_write_text(report, "\n".join(lines))
    return figs + [report]
