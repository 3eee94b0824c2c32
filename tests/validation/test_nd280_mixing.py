"""ND280 |U_mu|^2 validation (validation/nd280_mixing.py): T2K 2019 conventions and curves."""
import numpy as np
import pytest

from hnlreach.experiments import load_experiment
from hnlreach.validation import nd280_mixing as nm
from hnlreach.validation.compare import contour_bounds


def _csv(text):
    """(mass, lower) rows of a limit CSV printed on stdout (comment and header lines skipped)."""
    rows = [r for r in text.splitlines() if r and not r.startswith("#")][1:]
    return np.array([[float(x) for x in r.split(",")[:2]] for r in rows])


@pytest.fixture(scope="module")
def exp():
    return load_experiment("nd280")


def test_efficiency_files_follow_production_lepton():
    """K -> mu N closes at m_K - m_mu = 388 MeV: every efficiency used for U_mu production is a
    K_muN table that stops there, and the e+ e- nu one is the K -> mu N one (not K -> e N)."""
    from hnlreach.sources.neutrino_flux import DATA_DIR

    assert nm.CHANNEL_EFF["N -> nu e+ e-"] == "eff_T2K2019_K_muN_mueenu.csv"
    for f in set(nm.CHANNEL_EFF.values()) | set(nm.EFF_BY_PRODUCTION["mu"].values()):
        assert np.loadtxt(DATA_DIR / f, delimiter=",")[:, 0].max() < 389.0, f
    assert np.loadtxt(DATA_DIR / nm.EFF_BY_PRODUCTION["e"]["epi"], delimiter=",")[:, 0].max() > 400.0


def test_majorana_gains_sqrt2_in_long_lived_regime(exp):
    """N ∝ |U|^4 Gamma_vis, Gamma_vis(Majorana) = 2 Gamma_vis(Dirac): limit / sqrt(2)."""
    e = nm.hnl_entries(exp, 0.3, 4000, np.random.default_rng(1))
    dirac, maj = nm.limit(0.3, e)[0], nm.limit(0.3, e, majorana=True)[0]
    assert dirac / maj == pytest.approx(np.sqrt(2.0), rel=0.02)


def test_majorana_u_mu_only_within_two_of_t2k_profiled(exp):
    """Like for like: T2K's data-release limit profiled over U_e, U_tau (HNLimits), Majorana."""
    prof = nm.load_profiled()
    rng = np.random.default_rng(2)
    for m in (0.2, 0.3, 0.35):
        ours = nm.limit(m, nm.hnl_entries(exp, m, 6000, rng), majorana=True)[0]
        ref = contour_bounds(prof, [m])[0][0]
        # FHC K+ only (no RHC run, no K-: x ~1.16 in |U|^2, report), no background: ours must be
        # weaker; measured 1.7-2.0 (docs/validation/nd280-mixing-validation)
        assert 1.0 < ours / ref < 2.2, (m, ours, ref)


def test_marginalisation_is_stronger_and_matches_published(exp):
    """Bayesian marginalisation over U_e^2, U_tau^2 (T2K's method) beats the U_mu-only limit by
    a prior-volume factor, and lands within 2 of T2K's published (marginalised) curve."""
    from hnlreach.outputs.published import load_published

    pub = load_published("T2K2019")
    rng = np.random.default_rng(3)
    for m in (0.2, 0.35):
        C = nm.flavour_matrix(exp, m, 6000, rng)
        only = np.sqrt(2.303 / C[1, 1])
        marg = nm.marginalised_limit(C)
        assert marg < 0.6 * only
        ref = contour_bounds(pub, [m])[0][0]
        assert 0.5 < marg / ref < 2.0, (m, marg, ref)
    # no cross-flavour channels -> only the flat-prior erf quantile: N = 1.353 instead of 2.303
    C = np.zeros((2, 3))
    C[1, 1] = 1e18
    assert nm.marginalised_limit(C) == pytest.approx(np.sqrt(1.353 / 1e18), rel=0.01)


def test_cli_limit_equals_validation_like_for_like():
    """`hnlreach limit nd280 --mixing mu` runs the same engine path as the validation report's
    like-for-like table (engine_limits): identical boundaries for the same masses, N and seed,
    and (Majorana, U_mu only, FHC K+ only) weaker than T2K's profiled curve by less than 2.2 (the
    missing RHC run and K- flux alone account for ~1.16)."""
    from cli_helpers import run_cli

    res = run_cli("limit", "nd280", "--mixing", "mu", "--masses", "0.2:0.3:2", "--n-hnl", "6000",
                  "--seed", "3", "--jobs", "1")
    assert res.returncode == 0, res.stderr
    cli = _csv(res.stdout)
    ref = nm.engine_limits([0.2, 0.3], n_hnl=6000, seed=3)
    assert np.allclose(cli[:, 1], ref.lower, rtol=1e-5)
    prof = nm.load_profiled()
    for m, lo in zip(cli[:, 0], cli[:, 1]):
        assert 1.0 < lo / contour_bounds(prof, [m])[0][0] < 2.2  # measured 1.9 at 0.2 and 0.3 GeV


def test_k_mu3_adds_to_two_body_below_its_threshold(exp):
    """K+ -> pi0 mu+ N (open below m_K - m_pi0 - m_mu = 283 MeV) is in the engine's limit but not in
    T2K's two-body HNL flux: with it the limit is stronger at 200 MeV, identical above 283 MeV."""
    rng = np.random.default_rng(4)
    two = nm.limit(0.2, nm.hnl_entries(exp, 0.2, 8000, rng), majorana=True)[0]
    full = nm.engine_limits([0.2], n_hnl=8000, seed=4).lower[0]
    assert 0.80 < full / two < 1.0


def test_events_use_the_mixing_analysis_and_agree_with_the_engine():
    """`hnlreach events nd280 --mixing mu`: kaon parents (PDG 321) from the beamline source, decays
    in the T2K 2019 channels only, and the expected-event total of the engine's sample (same
    [analysis.mixing]: Majorana, per-channel efficiencies) within 4 combined MC errors."""
    from hnlreach.outputs.events import generate_events
    from hnlreach.rates.engine import build_sample

    df = generate_events("nd280", 0.3, mixing="mu", coupling=1e-8, n=400, majorana=True, seed=2)
    from hnlreach.outputs.events import META_KEY

    meta = df.attrs[META_KEY]
    assert set(df["parent_pdg"]) == {321}
    assert set(df["decay_channel"]) <= {"N -> mu- pi+", "N -> mu+ pi-", "N -> nu e+ e-",
                                        "N -> mu- e+ nu", "N -> mu+ e- nu"}
    s = build_sample(load_experiment("nd280"), 0.3, mixing="mu", majorana=True, n_hnl=20000, rng=3)
    n, err = s.n(np.array([1e-8]))[0], s.mc_error(np.array([1e-8]))[0]
    tot, tot_err = meta["total_expected_events"], meta["total_expected_events_mc_error"]
    assert abs(tot - n) < 4.0 * np.hypot(err, tot_err), (tot, tot_err, n, err)


def test_cli_u_e_within_two_of_t2k_profiled():
    """`hnlreach limit nd280 --mixing e` ([analysis."mixing e"], K -> e N efficiencies) against T2K's
    U_e^2 limit profiled over U_mu, U_tau (data release via HNLimits): weaker by 1-2.2, as for U_mu
    (FHC K+ flux only; no background, no RHC run)."""
    from cli_helpers import run_cli

    from hnlreach.outputs.published import load_published

    res = run_cli("limit", "nd280", "--mixing", "e", "--masses", "0.2:0.4:2", "--n-hnl", "6000",
                  "--seed", "3", "--jobs", "1")
    assert res.returncode == 0, res.stderr
    cli = _csv(res.stdout)
    prof = load_published("T2K2019-Ue-profiled")
    for m, lo in zip(cli[:, 0], cli[:, 1]):
        assert 1.0 < lo / contour_bounds(prof, [m])[0][0] < 2.2, (m, lo)  # measured 1.7-1.8


def test_upgrade_mixing_gains_at_least_the_exposure():
    """nd280-upgrade (2e22 POT, FHC share as in 2019; TPCs + HA-TPCs; Asimov zero background, the same
    N > 2.30): in the long-lived regime N ∝ POT x path length x |U|^4, so the |U_mu|^2 reach improves
    by at least sqrt(2e22 / 1.863e21) = 3.28 (more than that from the HA-TPCs)."""
    up = nm.engine_limits([0.3], n_hnl=6000, seed=5, experiment="nd280-upgrade").lower[0]
    now = nm.engine_limits([0.3], n_hnl=6000, seed=5).lower[0]
    assert now / up > 3.28 * 0.97
    assert now / up < 3.28 * 2.0
