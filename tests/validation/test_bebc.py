"""Preset bebc (BEBC WA66 beam dump as re-analysed by Barouki, Marocco, Sarkar arXiv:2208.00416): the
normalisation from the analysis code's cited inputs, and reduced-statistics limits against the authors'
own result files (full run: `hnlreach reproduce bebc`, docs/validation/bebc/; reasons for every
difference: experiments/data/bebc/README.md)."""
import numpy as np
import pytest

from hnlreach.experiments import load_experiment
from hnlreach.outputs.published import load_published
from hnlreach.validation.bebc import forward_hemisphere_gain, tau_pi_phase_space_ratio
from hnlreach.validation.charm import contour


def test_bebc_normalisation_follows_the_analysis_code():
    """D+- per POT = 2 x 4.1e-4 / (Br(D+ -> e nu X) + 2 Br(D0 -> e nu X)) (prompt nu_e flux 4.1e-4 per POT,
    sigma(D0) = 2 sigma(D+)), D_s = 0.2 (D0 + D+); 2.72e18 POT; BEBC 404-405.85 m, 1.69 m radius; Majorana."""
    exp = load_experiment("bebc")
    y = {s.parent: s.yield_per_pot for s in exp.sources}
    d_plus = 2 * 4.1e-4 / (0.1607 + 2 * 0.0649)
    assert y["D+"] == pytest.approx(d_plus, rel=1e-3)
    assert y["D(s)+"] == pytest.approx(0.2 * 3 * d_plus, rel=1e-3)
    assert y["B+"] == pytest.approx(2 * 1.6e-7 * 0.408, rel=1e-3)
    assert exp.beam.pot == pytest.approx(2.72e18) and exp.beam.energy_GeV == 400.0
    (fid,) = exp.fiducial.values()
    lo, hi = fid.center[2] - fid.length / 2, fid.center[2] + fid.length / 2
    assert (lo, hi) == (pytest.approx(404.0), pytest.approx(405.85)) and fid.radius == pytest.approx(1.69)
    assert exp.model.majorana and exp.statistics.events_limit() == pytest.approx(2.303, rel=1e-3)
    assert list(exp.for_model(mixing="tau").signal.channels) == ["N -> nu e+ e-", "N -> nu mu+ mu-"]


def test_analysis_code_defects_used_in_the_report():
    """tau -> pi N with lambda + 1 instead of the Kallen function: 1.79x at 1.0 GeV, diverging at the
    threshold m_tau - m_pi; forward-only two-body emission gains events at low mass, not at high mass."""
    r = tau_pi_phase_space_ratio(np.array([0.5, 1.0, 1.6, 1.63]))
    assert r[1] == pytest.approx(1.79, abs=0.02) and r[0] < r[1] < r[2] < r[3] and r[3] > 15
    assert forward_hemisphere_gain(0.3, 100000) > 1.6 and forward_hemisphere_gain(1.5, 100000) < 1.0


def _line(name, masses):
    """A published single-boundary curve at `masses` (log-log interpolation, NaN outside its range)."""
    c = load_published(name)
    order = np.argsort(c.mass_GeV)
    x, y = np.log(c.mass_GeV[order]), np.log(c.coupling[order])
    return np.exp(np.interp(np.log(masses), x, y, left=np.nan, right=np.nan))


def _ratios(mixing, masses, lower, upper):
    res = contour("bebc", masses, mixing=mixing, n_hnl=6000)
    ours_lo = np.array([np.nan if v is None else v for v in res.lower], float)
    ours_up = np.array([np.nan if v is None else v for v in res.upper], float)
    return ours_lo / _line(lower, masses), ours_up / _line(upper, masses)


def test_bebc_e_mixing_reduced():
    """|U_e|^2 lower boundary ours/published at 0.3, 1.0, 1.5 GeV (full run 1.47, 0.99, 0.72: band reached
    0.71-1.58 over 0.2-1.9 GeV); the direction of the two known differences: weaker at 0.3 GeV (the analysis
    code's forward-only two-body emission), stronger at 1.5 GeV (its unbalanced decay products fail m_T)."""
    m = np.array([0.3, 1.0, 1.5])
    r, r_up = _ratios("e", m, "BEBC-Barouki2022-Ue2", "BEBC-Barouki2022-Ue2-upper")
    print(r, r_up)
    assert np.all((r > 1 / 1.6) & (r < 1.6))
    assert r[0] > 1.25 and 0.85 < r[1] < 1.15 and r[2] < 0.85
    assert np.all((r_up[1:] > 0.75) & (r_up[1:] < 1.25))  # upper boundary: full run 1.05, 0.82


def test_bebc_tau_mixing_reduced():
    """|U_tau|^2 at 0.6 and 1.0 GeV within x1.25 (full run 1.03, 1.00); at 1.6 GeV ours is > 2x weaker
    (full run 3.5: the analysis code's tau -> pi N phase space, 8.7x too large there) and the upper
    boundary at 1.3 GeV lower (full run 0.50: our width 5.9 Gamma_0 vs its 4.0)."""
    m = np.array([0.6, 1.0, 1.3, 1.6])
    r, r_up = _ratios("tau", m, "BEBC-Barouki2022-Utau2", "BEBC-Barouki2022-Utau2-upper")
    print(r, r_up)
    assert np.all((r[:2] > 0.8) & (r[:2] < 1.25))
    assert r[3] > 2.0
    assert 0.35 < r_up[2] < 0.7


def test_reproduce_bebc_is_registered_and_explains_differences():
    from hnlreach.validation import PAPERS
    from hnlreach.validation.dump_presets import readme_section

    assert PAPERS["bebc"][0] == "bebc" and "2208.00416" in PAPERS["bebc"][1]
    why = readme_section("bebc", "## Why we differ")
    for reason in ("forward hemisphere", "m_T", "Kallen", "4.0 Gamma_0"):
        assert reason in why, reason
