"""microboone mass mixing: the BNB K+ sources against MicroBooNE's nu_mu-from-K+ flux and the production model;
tiny-sample limits; the trigger window; the N -> mu pi reproduction's agreement (arXiv:1911.10545)."""
import importlib.util
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import hnlreach
from hnlreach.experiments import load_experiment
from hnlreach.sources.beamline import effective_two_body, point_flux
from hnlreach.sources.decay_in_flight import source_parents

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def exp():
    return load_experiment("microboone")


def _script():
    path = ROOT / "scripts/generate/bnb_kaon_feynman_scaling.py"
    spec = importlib.util.spec_from_file_location("bnb_kaon_fs", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _numu_from_kplus():
    """MicroBooNE's nu_mu-from-K+ flux by parent (E [GeV], nu / cm^2 / POT / GeV)."""
    from hnlreach.datafiles import shipped_path

    return np.loadtxt(shipped_path("pkg:bnb/microboone_numu_by_parent.dat"), usecols=(0, 1), unpack=True)


def _binned(e, v, edges):
    out = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        x = np.linspace(lo, hi, 201)
        out.append(np.trapezoid(np.interp(x, e, v), x))
    return np.array(out)


def _kaon_numu(src, edges, n=200_000, seed=7):
    """nu_mu per cm^2 per POT at MicroBooNE (point estimator at the TPC centre) in `edges` from a K+ source."""
    p_star, br = effective_two_body("K+", "mu")
    rng = np.random.default_rng(seed)
    par, pts, w = source_parents(src, n, rng)
    e, dens = point_flux(par, pts, [0.0, 0.0, 0.0], 0.0, p_star, rng)
    return np.histogram(e, edges, weights=src.yield_per_pot / n * w * br * dens)[0]


def test_feynman_scaling_table_reproduces_its_parametrisation():
    """The unfocused K+ table (feynman_scaling_Kplus.csv) vs the parametrisation integrated over
    0 < theta < 1.6 rad: yield per POT to 0.2 %, dN/dp within 10 % in every 0.5 GeV bin holding > 2 %."""
    from hnlreach.datafiles import shipped_path
    from hnlreach.physics.constants import MASS
    from hnlreach.sources.spectra import TabulatedSpectrum

    fs = _script()
    spec = TabulatedSpectrum.from_csv(shipped_path("pkg:bnb/feynman_scaling_Kplus.csv"), MASS["K+"])
    edges = np.arange(0.1, 7.7, 0.5)
    t = np.linspace(0.0, 1.6, 801)
    model = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        p = np.linspace(lo, hi, 41)
        P, T = np.meshgrid(p, t, indexing="ij")
        f = fs.d2sigma_dp_domega(P, T) * 2 * np.pi * np.sin(T)
        model.append(np.trapezoid(np.trapezoid(f, t, axis=1), p) * fs.P_INT / fs.SIGMA_INEL_MB)
    model = np.array(model)
    assert spec.counts.sum() == pytest.approx(model.sum(), rel=2e-3)
    p4 = spec.sample(200_000, np.random.default_rng(5))
    got = np.histogram(np.linalg.norm(p4[:, 1:], axis=1), edges)[0] / 200_000 * spec.counts.sum()
    big = model > 0.02 * model.sum()
    assert np.allclose(got[big], model[big], rtol=0.10)


def test_kaon_sources_reproduce_microboone_numu_from_kplus(exp):
    """The preset's K+ in flight (unfocused) re-derive MicroBooNE's nu_mu-from-K+ flux (analysis code's BNB
    flux by parent) within 10 % in every 0.5 GeV bin of 0.5-5 GeV and 5 % integrated above 0.3 GeV; the
    K+ at rest make its 236 MeV line (K_mu2 at 470 m) to 2 %; the whole is 1.6-1.8x the unfocused
    Feynman-scaling K+ (the horn), 2x above 3 GeV where K+ make > 95 % of the BNB nu_mu."""
    from hnlreach.physics import production as prod

    e, v = _numu_from_kplus()
    fly = next(s for s in exp.sources if s.parent == "K+" and s.decay_region is not None)
    rest = next(s for s in exp.sources if s.parent == "K+" and s.decay_region is None)
    edges = np.arange(0.5, 5.01, 0.5)
    ours = _kaon_numu(fly, edges)
    ref = _binned(e, v, edges)
    assert np.allclose(ours, ref, rtol=0.10)
    wide = np.array([0.3, 9.0])
    assert _kaon_numu(fly, wide)[0] == pytest.approx(_binned(e, v, wide)[0], rel=0.05)
    line = rest.yield_per_pot * float(prod.channel_branching_ratio("K+ -> mu+ N", 1e-5)) / (4 * np.pi * 47000.0 ** 2)
    x = np.linspace(0.20, 0.26, 601)
    under = np.trapezoid(np.interp(x, e, v) - np.interp(x, [0.2, 0.26], np.interp([0.2, 0.26], e, v)), x)
    assert line == pytest.approx(under, rel=0.02)
    unfocused = replace(fly, yield_per_pot=5.41064e-2, spectrum=_feynman_scaling_spectrum())
    high = np.array([3.0, 9.0])
    assert _kaon_numu(unfocused, high)[0] / _binned(e, v, high)[0] == pytest.approx(0.5, abs=0.1)
    total = _binned(e, v, np.array([0.02, 9.9]))[0] / _kaon_numu(unfocused, np.array([0.02, 9.9]))[0]
    assert 1.6 < total < 1.8
    numu = next(f for f in exp.fluxes if f.name == "numu")
    assert _binned(e, v, high)[0] > 0.95 * _binned(numu.energies, numu.values, high)[0]


def _feynman_scaling_spectrum():
    from hnlreach.datafiles import shipped_path
    from hnlreach.physics.constants import MASS
    from hnlreach.sources.spectra import TabulatedSpectrum

    return TabulatedSpectrum.from_csv(shipped_path("pkg:bnb/feynman_scaling_Kplus.csv"), MASS["K+"])


def test_pion_source_rederives_its_nu_flux(exp):
    """pi+ rebuilt from the nu_mu flux below 2 GeV (sources.beamline): the nu_mu flux re-derived from the
    sampled pions reproduces the input within 10 % bin by bin (0.05-1.5 GeV) and in the integral to 2 GeV
    (the last 0.5 GeV below the cut is lower: no pions above it feed that bin)."""
    from hnlreach.sources.neutrino_flux import interpolate_flux

    src = next(s for s in exp.sources if s.parent == "pi+")
    rng = np.random.default_rng(3)
    p4, pts = src.beamline.sample(100_000, rng)
    p_star, br = effective_two_body("pi+", "mu")
    e, f = point_flux(p4, pts, src.beamline.reference, 0.0, p_star, rng)
    edges = np.array([0.05, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0])
    ours = np.histogram(e, bins=edges, weights=f * br * src.yield_per_pot / 1e5)[0] / np.diff(edges)
    numu = next(fl for fl in exp.fluxes if fl.name == "numu")
    ref = np.array([np.mean(interpolate_flux(np.linspace(a, b, 200), numu.energies, numu.values))
                    for a, b in zip(edges[:-1], edges[1:])])
    assert np.allclose(ours[:-1], ref[:-1], rtol=0.10)
    assert (ours * np.diff(edges)).sum() == pytest.approx((ref * np.diff(edges)).sum(), rel=0.10)


def test_tiny_sample_limits_and_models(exp):
    assert {"mixing e", "mixing mu", "dipole mu"} <= set(exp.supported_models())
    r = hnlreach.limit("microboone", mixing="mu", masses=[0.3], n_hnl=20000, precision=None, refine=0,
                       jobs=1, progress="none", cache=False)
    lo = float(r.lower[0])
    assert 5e-8 < lo < 2e-7  # the preset's 9.6e-8 (report), below MicroBooNE's published ~3e-7 (Dirac) at 300 MeV
    with pytest.raises(hnlreach.errors.HNLInputError, match="supports"):
        hnlreach.limit("microboone", mixing="tau", masses=[0.3], n_hnl=100, progress="none")


def test_mu_pi_reproduction_agreement_at_260_mev():
    """Ours (the preset: trigger window and fiducial volume of the analysis code, efficiency 1 otherwise) /
    published within RATIO_BAND at 260 MeV (a factor ~5, docs/validation/microboone-hnl: the K+ at rest and
    the near-threshold efficiency); the window keeps 5-15 % of the HNLs decaying in the TPC; the K+ at rest
    make more than half of the events; Majorana / Dirac ~ 1/sqrt(2) as published (0.71); `hnlreach.limit`
    gives the report's number."""
    from hnlreach.validation.microboone_hnl import PUBLISHED, RATIO_BAND, lower_boundaries

    n = 30_000
    d, truth, no_rest = (lower_boundaries([0.26], False, v, n_hnl=n)[0] for v in ("preset", "truth", "no_rest"))
    assert RATIO_BAND[0.26][0] < d / PUBLISHED["dirac"][0.26] < RATIO_BAND[0.26][1]
    assert 0.05 < (truth / d) ** 2 < 0.15
    assert (no_rest / d) ** 2 > 2.0
    assert lower_boundaries([0.26], True, n_hnl=n)[0] / d == pytest.approx(2 ** -0.5, rel=0.08)
    r = hnlreach.limit("microboone", mixing="mu", masses=[0.26], n_hnl=n, precision=None, refine=0,
                       jobs=1, progress="none", cache=False)
    assert float(r.lower[0]) == pytest.approx(d, rel=0.05)


def test_mu_pi_reproduction_agreement_at_385_mev():
    """Ours / published within RATIO_BAND at 385 MeV (100000 HNLs: the window keeps a rare tail of slow HNLs,
    ~10 % MC spread); the window keeps 2-6 % of the HNLs decaying in the TPC; the ideally aligned kaons (the
    flux by parent unfolded along the pipe axis) give a limit > 3x stronger (HNLs near the end point follow
    their kaon)."""
    from hnlreach.validation.microboone_hnl import PUBLISHED, RATIO_BAND, lower_boundaries

    d, truth, aligned = (lower_boundaries([0.385], False, v, n_hnl=100_000)[0] for v in ("preset", "truth", "aligned"))
    assert RATIO_BAND[0.385][0] < d / PUBLISHED["dirac"][0.385] < RATIO_BAND[0.385][1]
    assert 0.02 < (truth / d) ** 2 < 0.06
    assert d / aligned > 3.0


def test_arrival_after_spill():
    """dt = (L/c)(E/p - 1): 0 for a massless particle, (L/c)(1/beta - 1) otherwise; capped at one spill;
    a window [a, b] after light from the spill's start keeps |[0, T] & [a - dt, b - dt]| / T."""
    from hnlreach.detection.timing import arrival_after_spill

    L, T = 470.0, 1.6e-6
    assert arrival_after_spill(0.0, np.array([1.0]), L, T)[0] == pytest.approx(0.0, abs=1e-12)
    m, e = 0.3, 1.0
    beta = np.sqrt(1 - (m / e) ** 2)
    dt = L / 299_792_458.0 * (1 / beta - 1)
    assert arrival_after_spill(m, np.array([e]), L, T)[0] == pytest.approx(dt / T, rel=1e-12)
    assert arrival_after_spill(m, np.array([0.3001]), L, T)[0] == 1.0  # very slow: always after the spill
    a, b = 1.71875e-6, 2.34375e-6  # MicroBooNE's HNL window (microboone.toml)
    assert arrival_after_spill(m, np.array([e]), L, T, a, b)[0] == pytest.approx(max(0.0, dt - (a - T)) / T, rel=1e-9)
    e_mid = m / np.sqrt(1 - (1 / (1 + 2.0e-6 * 299_792_458.0 / L)) ** 2)  # dt = 2 us: t0 in [0, 0.34 us]
    assert arrival_after_spill(m, np.array([e_mid]), L, T, a, b)[0] == pytest.approx(0.34375e-6 / T, rel=1e-6)
    assert arrival_after_spill(m, np.array([0.3001]), L, T, a, b)[0] == 0.0  # far too slow: after the window


def test_mixing_events_vertices():
    """Events of the K+ source: kaons decay inside the target hall + 50 m pipe (z from -470 to -420 m,
    r < 0.91 m), N -> mu pi decays inside the active TPC, parents are K+."""
    df = hnlreach.generate_events("microboone", 0.3, mixing="mu", coupling=1e-7, n=200, seed=3)
    k = df[df["parent_pdg"] == 321]
    assert len(k) > 150
    assert k["prod_z"].between(-470.0, -420.0).all()
    assert (np.hypot(k["prod_x"], k["prod_y"]) <= 0.91 + 1e-9).all()
    assert (df["decay_x"].abs() <= 1.28).all() and (df["decay_y"].abs() <= 1.165).all()
    assert (df["decay_z"].abs() <= 5.185).all()
    assert set(df["decay_channel"]) <= {"N -> mu- pi+", "N -> mu+ pi-"}


def test_cli_limit_mixing_and_unsupported_model(tmp_path):
    """`hnlreach limit microboone --mixing mu` writes a contour; `--mixing tau` is a one-line error naming
    the supported models."""
    from cli_helpers import assert_one_line_error, run_cli

    out = tmp_path / "ub.csv"
    res = run_cli("limit", "microboone", "--mixing", "mu", "--masses", "0.3,0.35", "--n-hnl", "30000",
                  "--precision", "0", "--no-cache", "--out", str(out))
    assert res.returncode == 0, res.stderr
    rows = [r.split(",") for r in out.read_text().splitlines() if r[:1].isdigit()]
    assert [float(r[0]) for r in rows] == pytest.approx([0.3, 0.35])
    assert all(3e-8 < float(r[1]) < 3e-7 for r in rows)
    line = assert_one_line_error(run_cli("limit", "microboone", "--mixing", "tau"))
    assert "supports: mixing e, mixing mu, dipole e, dipole mu" in line


def test_trigger_window_must_close_after_it_opens(tmp_path):
    """A trigger window ending before it starts is a one-line input error naming the key."""
    from hnlreach.experiments import load_experiment as load

    src = (ROOT / "src/hnlreach/experiments/microboone.toml").read_text()
    bad = tmp_path / "ub.toml"
    bad.write_text(src.replace("window_end_ns = 2343.75", "window_end_ns = 1000.0", 1))
    with pytest.raises(hnlreach.errors.HNLInputError, match="window_end_ns must exceed window_start_ns") as e:
        load(str(bad)).for_model(mixing="mu")
    assert "\n" not in str(e.value)
