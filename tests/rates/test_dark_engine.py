"""Dark-sector models in the engine: upscattering sampler, factorisation in one parameter, limits,
cascades counted once, events with helicity and cascade records (hnlreach.rates.dark, dark_events)."""
from __future__ import annotations

import numpy as np
import pytest

import hnlreach
from hnlreach.errors import HNLInputError
from hnlreach.experiments import load_experiment
from hnlreach.models.dark_sector import DarkSector
from hnlreach.rates import dark, dark_events

LIGHT = DarkSector(m4=0.1, mzprime=0.03, epsilon=1e-3, gD=1.0, U={("mu", 4): 1e-3}, UD={4: 1.0}, name="light Z'")
# 3+2: N5 -> N4 e+ e- (heavy Z' off shell, ~1 cm), N4 long-lived (~30 km)
CASCADE = DarkSector(m4=0.1, m5=0.2, mzprime=1.25, epsilon=1e-2, gD=1.0, U={("mu", 4): 1e-3, ("mu", 5): 1e-3},
                     UD={4: 1.0, 5: 1.0}, name="3+2")


@pytest.fixture(scope="module")
def miniboone():
    return load_experiment("miniboone")


def test_sampler_reproduces_model_xsec():
    """Sum of sampler weights x tabulated sigma = the exact model_xsec, per helicity (importance weights)."""
    from hnlreach.physics.upscattering import model_xsec
    from hnlreach.rates.dark_upscattering import ModelUpscattering

    u = ModelUpscattering(LIGHT, 4, "mu", False)
    egrid = np.geomspace(0.2, 3.0, 16)
    tab = u.xsec(egrid, 0.1, "C12")
    E = np.full(40_000, 0.8)
    p4, w, comp, hel = u.sampler(E, 0.1, "C12", np.random.default_rng(1))
    s_tab = np.interp(0.8, egrid, tab)
    for h in (-1, 1):
        exact = model_xsec(np.array([0.8]), LIGHT, "C12", helicity=h)[0]
        est = s_tab * np.sum(w * (hel == h)) / E.size
        err = s_tab * np.std(w * (hel == h)) / np.sqrt(E.size)
        assert abs(est - exact) < 4 * err + 2e-3 * exact
    # on shell: E_N^2 - p^2 = m^2, energy below the neutrino's
    assert np.allclose(p4[:, 0] ** 2 - np.sum(p4[:, 1:] ** 2, axis=1), 0.01, rtol=1e-6)
    assert np.all(p4[:, 0] < 0.8)


def test_scaling_derived_from_the_model():
    """sigma ∝ (eps gD U_D4^2 U_mu4)^2: Umu4^2, UD4^4; Gamma(N4 -> nu Z') ∝ gD^2 U_D4^4 U_mu4^2 while the
    mass-mixing widths do not depend on U_D4; m_Z' and epsilon (Z-exchange interference) do not factorise."""
    s = dark.coupling_scaling(LIGHT, "Umu4")
    assert s.production == 2 and s.widths["N4 -> nu_mu Z'"] == 2 and set(s.widths.values()) == {2}
    s = dark.coupling_scaling(LIGHT, "UD4")
    assert s.production == 4 and s.widths["N4 -> nu_mu Z'"] == 4
    assert s.widths["N4 -> nu e+ e- (mixing)"] == 0
    s = dark.coupling_scaling(LIGHT, "Umu4,UD4")  # both scaled at a fixed ratio: (Umu4 UD4^2)^2
    assert s.production == 6 and s.widths["N4 -> nu_mu Z'"] == 6 and s.widths["N4 -> nu e+ e- (mixing)"] == 2
    for bad, what in (("mzprime", "mass"), ("epsilon", "not a power"), ("Ue4", "non-zero"), ("Ux4", "unknown")):
        with pytest.raises(HNLInputError, match=what):
            dark.coupling_scaling(LIGHT, bad)


def test_reweighting_equals_a_new_sample(miniboone, tmp_path):
    """N(y) of one sample at y0 = a sample built at y (same seed; Umu4 scales every width alike, so the
    random streams coincide) and, for UD4 (branching ratios change), within the MC error."""
    s0 = dark.dark_sample(miniboone, LIGHT, parameter="Umu4", n_hnl=3000, rng=5)
    y = 3e-4
    s1 = dark.dark_sample(miniboone, dark.with_parameter(LIGHT, "Umu4", y), parameter="Umu4", n_hnl=3000, rng=5)
    assert s0.n(np.array([y]))[0] == pytest.approx(s1.n(np.array([y]))[0], rel=1e-9)
    assert s0.n(np.array([1e-3]))[0] == pytest.approx(s0.n(np.array([2e-3]))[0] / 4, rel=1e-6)  # prompt: ∝ y^2
    from hnlreach.cache import _load, _save

    _save(tmp_path / "s.npz", s0)  # the disk cache of precision scans keeps the reweighting in y
    g = np.array([1e-5, 3e-4, 1e-2])
    assert np.array_equal(_load(tmp_path / "s.npz").n(g), s0.n(g))
    d0 = dark.dark_sample(miniboone, LIGHT, parameter="UD4", n_hnl=3000, rng=6)
    d1 = dark.dark_sample(miniboone, dark.with_parameter(LIGHT, "UD4", 0.3), parameter="UD4", n_hnl=3000, rng=7)
    a, b = d0.n(np.array([0.3]))[0], d1.n(np.array([0.3]))[0]
    err = np.hypot(d0.mc_error(np.array([0.3]))[0], d1.mc_error(np.array([0.3]))[0])
    assert abs(a - b) < 4 * err


def test_limit_api_and_errors(miniboone):
    res = hnlreach.limit(miniboone, model=LIGHT, coupling_parameter="Umu4", masses="0.05:0.3:2", n_hnl=3000,
                         refine=0, precision=0, jobs=1, progress="none")
    assert res.coupling.text == "model parameter Umu4"
    assert np.all(res.lower > 1e-6) and np.all(res.lower < 1e-3)
    assert res.model["scaling"].startswith("sigma(nu A -> N4 A) ∝ Umu4^2")
    assert res.lower[1] > res.lower[0]  # heavier N4: smaller cross section
    with pytest.raises(HNLInputError, match="coupling parameter"):
        hnlreach.api.plan_limit(miniboone, model=LIGHT)
    with pytest.raises(HNLInputError, match="cannot be combined"):
        hnlreach.api.plan_limit(miniboone, model=LIGHT, coupling_parameter="Umu4", dipole="mu")
    with pytest.raises(HNLInputError, match="is a mass"):
        hnlreach.api.plan_limit(miniboone, model=CASCADE, coupling_parameter="Umu4,m5", masses="0.05:0.15:2")


def test_cascade_events_counted_once_and_sum_to_rate(miniboone):
    """Sum of event weights (decay points drawn) = cascade_rate (analytic last step), independent seeds;
    each upscattered HNL appears in at most one event; cascade records N5 -> N4 (d1, decayed) -> u-slots."""
    rate = dark_events.cascade_rate(miniboone, CASCADE, n_hnl=4000, rng=11)
    arrays, meta = dark_events.event_arrays(miniboone, CASCADE, n=10 ** 6, seed=12, n_hnl=4000)
    total, err = meta["total_expected_events"], meta["total_expected_events_mc_error"]
    assert abs(total - rate["total"]) < 4 * np.hypot(err, rate["mc_error"])
    ex = arrays["extra"]
    for j in (4, 5):  # one record per (upscattering, outcome): the direct decay or the cascade
        for cas in (0, 1):
            key = ex["upscattering"][(ex["hnl"] == j) & (ex["cascade"] == cas)]
            assert np.unique(key).size == key.size
    # the outcomes of one upscattering are exclusive: their probabilities add up to at most 1 (DarkNews 0.4.8
    # counts an N5 once per decay channel); here N5 decays almost surely, mostly into N4 e+ e- in the tank
    assert 0.5 < rate["max_probability"] <= 1.0 + 1e-9
    assert rate["cascade"][5] > 0 and ex["cascade"].sum() > 0
    c = ex["cascade"] == 1
    rec, tree = arrays["rec"], arrays["tree"]
    assert np.all(np.abs(rec["N_pdg"][c]) == 9900014) and np.all(rec["d1_pdg"][c] == np.sign(rec["N_pdg"][c]) * 9900012)
    assert np.all(tree["d_status"][c, 0] == 2) and np.all(tree["u_mother"][c, 0] == 1)
    assert np.all(np.isfinite(ex["d1_decay_xyz"][c])) and np.all(np.isnan(ex["d1_decay_xyz"][~c]))
    assert set(np.unique(ex["helicity"])) <= {-1, 1}


def test_events_cli_model(tmp_path):
    import sys

    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parents[1]))
    from cli_helpers import assert_one_line_error, run_cli

    from hnlreach.outputs.events import read_events

    model = tmp_path / "lz.toml"
    model.write_text('name = "lz"\nm4 = 0.1\nmzprime = 0.03\nepsilon = 1e-3\ngD = 1.0\n[mixing]\nmu4 = 1e-3\nD4 = 1.0\n')
    out = tmp_path / "ev.parquet"
    r = run_cli("events", "miniboone", "--model", str(model), "--n", "200", "--out", str(out))
    assert r.returncode == 0, r.stderr
    df = read_events(out)
    assert len(df) == 200 and {"helicity", "upscattering", "cascade"} <= set(df.columns)
    assert set(df.decay_channel.unique()) == {"N -> nu e+ e-"}
    msg = assert_one_line_error(run_cli("limit", "miniboone", "--model", str(model), "--coupling-parameter", "mzprime"))
    assert "mass" in msg


def test_cascade_hepmc_round_trip(tmp_path, miniboone):
    """A cascade N5 -> N4 e+ e-, N4 -> nu e+ e- in HepMC3: the N4 decay is its own vertex (at d1_decay), and
    the file reads back with N = N5, d1 = N4 decayed, its products in the u slots."""
    pytest.importorskip("pyhepmc")
    from hnlreach.outputs.events import read_events, write_events

    df = dark_events.generate_model_events(miniboone, CASCADE, n=200, seed=4)
    df = df[df.cascade == 1].reset_index(drop=True)
    df["event"] = np.arange(len(df))
    path = write_events(df, tmp_path / "c.hepmc3")
    back = read_events(path)
    assert len(back) == len(df) > 0
    for col in ("N_pdg", "d1_pdg", "d1_status", "u1_pdg", "u1_mother"):
        assert np.array_equal(back[col].to_numpy(), df[col].to_numpy()), col
    text = path.read_text()
    x = f"{1e3 * df.d1_decay_x[0]:.16e}"
    assert x in text  # the N4 decay vertex position, in mm


def test_cascade_reweighting_equals_cascade_rate(miniboone):
    """The factorised sample of a 3+2 model (direct N4, N5 decays and N5 -> N4 cascades, N5 decay points from a
    y-independent proposal), evaluated at Umu4 = Umu5 = 1e-4, = cascade_rate of the model at that point."""
    s = dark.model_sample(miniboone, CASCADE, parameter="Umu4,Umu5", n_hnl=4000, rng=21)
    assert [p.info.get("hnl") or p.info.get("cascade") for p in s.parts] == ["N4", "N5", "N5 -> N4"]
    y = np.array([1e-4])
    direct = dark_events.cascade_rate(miniboone, dark.scale_parameters(CASCADE, "Umu4,Umu5", 0.1), n_hnl=4000, rng=22)
    assert abs(s.n(y)[0] - direct["total"]) < 4 * np.hypot(s.mc_error(y)[0], direct["mc_error"])
    casc = s.parts[2]
    assert abs(casc.n(y)[0] - direct["cascade"][5]) < 0.3 * direct["cascade"][5]
