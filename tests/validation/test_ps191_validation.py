"""The agreement of docs/validation/ps191 (full run: `hnlreach reproduce ps191`), asserted with small
samples: like for like with Argüelles, Foppiani, Hostert's own PS191 simulation; the factors to the
original PS191 limits and to their rescaling, each with its physical reason
(src/hnlreach/experiments/data/ps191/README.md)."""
import numpy as np
import pytest

from hnlreach.experiments import load_experiment
from hnlreach.validation import ps191 as v

N_HNL = 4000


@pytest.fixture(scope="module")
def afh():
    masses = (0.03, 0.08, 0.16, 0.25, 0.35)
    return v.run(v.afh_experiment(), masses, "mu", n_hnl=N_HNL)


def test_like_for_like_with_arguelles_et_al(afh):
    """Same model (U_mu, N -> nu e e through the Z, Dirac, K+ -> mu+ N, eff 0.3, 0.89e19 POT, N > 2.3):
    ours / theirs = 1 within 10 % where their E_N = E_nu mapping holds (m <= 0.08 GeV), and above it
    follows the collimation gain they omit, p*_N / p*_nu (0.70 at 0.25 GeV, 0.35 at 0.35 GeV), within 25 %."""
    r = v.ratios(afh, v.published_at("PS191-AFH2021", afh.masses))
    assert np.all(np.abs(r[:2] - 1.0) < 0.10), r
    assert r[-1] < 0.4  # a factor beyond 2: the collimation gain (README 'Why we differ')
    corrected = r / v.collimation_factor(afh.masses)
    assert np.all((corrected > 0.75) & (corrected < 1.25)), corrected


def test_rescaled_original_is_about_seven_times_stronger(afh):
    """Their rescaling of PS191's |U_e U_mu| limit to the Z (/ sqrt(g_L^2 + g_R^2) = / 0.355) is 6-9 x
    stronger than the simulation at 0.03-0.16 GeV: the original normalisation (README, reason 1;
    'PS191 ~7 times weaker' in the re-evaluation)."""
    assert np.sqrt(v.nc_over_cc()) == pytest.approx(0.3546, abs=0.002)
    r = v.ratios(afh, v.afh_rescaled_curve(afh.masses))
    assert np.all((r[:3] > 5.0) & (r[:3] < 9.5)), r


def test_preset_against_the_original_limits():
    """Preset as shipped (Dirac, all channels, eff 0.3) vs PS191 1988: |U_e|^2 weaker by 3-9 x (the
    normalisation, x 1.3 from the Z in N -> nu e e; README reasons 1-3), below 1 only at the pion end
    point (reason 4); |U_mu|^2 at 0.13 GeV ~4 x STRONGER (N -> nu e e through the Z, absent from the
    original, reason 2), 1.3-4 x weaker above."""
    exp = load_experiment("ps191")
    me = np.array([0.03, 0.08, 0.12, 0.2, 0.3])
    ue = v.run(exp.for_model(mixing="e"), me, "e", n_hnl=N_HNL)
    r = v.ratios(ue, v.published_at("PS191-1988-Ue2", me))
    assert np.all((r[[0, 1, 3, 4]] > 3.0) & (r[[0, 1, 3, 4]] < 9.0)), r
    assert 0.5 < r[2] < 1.0, r
    mm = np.array([0.13, 0.2, 0.3])
    umu = v.run(exp, mm, "mu", n_hnl=N_HNL)
    r = v.ratios(umu, v.published_at("PS191-1988-Umu2", mm))
    assert r[0] < 0.4 and np.all((r[1:] > 1.3) & (r[1:] < 4.5)), r


def test_reproduce_quick_writes_the_report(tmp_path):
    """`hnlreach reproduce ps191 --quick` writes the figure and a report with the three comparisons."""
    files = v.reproduce(tmp_path, quick=True)
    assert [f.name for f in files] == ["ps191_limits.png", "ps191_report.md"]
    text = files[1].read_text()
    for part in ("## (a) Original PS191 limits", "## (b) Argüelles et al.'s own PS191 simulation",
                 "## (c) Argüelles et al.'s rescaling", "## Why we differ", "QUICK run"):
        assert part in text


def test_neutral_current_factor_is_the_engines():
    """The explanation's numbers come from the decay widths the engine uses: at 20 MeV (electron mass
    negligible) Gamma(N -> nu e e) for U_mu alone (Z only) / for U_e alone (W + Z) =
    (1 - 4 s^2 + 8 s^4) / (1 + 4 s^2 + 8 s^4), i.e. nc_over_cc() / 0.59 (README reason 2)."""
    from hnlreach.physics.decays import mixing_partial_widths

    mu = mixing_partial_widths(0.02, (0.0, 1.0, 0.0), False)["N -> nu e+ e-"]
    e = mixing_partial_widths(0.02, (1.0, 0.0, 0.0), False)["N -> nu e+ e-"]
    s2 = v.sin2_theta_w()
    w_plus_z = 0.25 * (1 + 4 * s2 + 8 * s2 * s2)
    assert w_plus_z == pytest.approx(0.59, abs=0.005)
    assert mu / e == pytest.approx(v.nc_over_cc() / w_plus_z, rel=0.02)
