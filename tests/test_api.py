"""hnlreach.limit / generate_events / HNL: one tool with the CLI (same defaults, same files), honest
open edges, the mass reach resolved, saved results redrawn, bad input refused before any scan."""
import json
import math
import time

import numpy as np
import pandas as pd
import pytest
from cli_helpers import assert_one_line_error, run_cli

import hnlreach
from hnlreach.errors import HNLInputError

# a small CHARM scan: 0.2 GeV (excluded up to the |U|^2 = 1 cap), 1.0, 1.4 and 1.75 GeV (beyond the reach)
# (precision 10 %: the sample-growing loop runs, cheaply)
SMALL = dict(masses="0.2,1.0,1.4,1.75", n_hnl=6000, jobs=1, refine=3, precision=0.1)
SMALL_CLI = ["--masses", "0.2,1.0,1.4,1.75", "--n-hnl", "6000", "--jobs", "1", "--refine", "3", "--precision", "0.1"]


@pytest.fixture(scope="module")
def charm():
    return hnlreach.limit("charm", progress="none", **SMALL)


def test_api_equals_cli_csv(charm, tmp_path):
    """Same call, same defaults (preset's tau mixing, Majorana, 90 % CL, seed 1): identical CSV text."""
    out = tmp_path / "c.csv"
    res = run_cli("limit", "charm", *SMALL_CLI, "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert out.read_text() == charm.to_csv_text()
    (api_csv, api_json) = charm.to_csv(tmp_path / "api.csv")
    assert api_csv.read_text() == out.read_text()
    side = json.loads((tmp_path / "c.json").read_text())
    assert side["model"] == {"mixing": "tau", "dipole": None, "nature": "Majorana"} and side["seed"] == 1
    assert side["cl"] == 0.9 and side["n_limit"] == pytest.approx(-math.log(0.1))
    assert charm.model["nature"] == "Majorana" and charm.coupling.text == "|U_tau|^2"


def test_open_flags_and_mass_reach(charm):
    """0.2 GeV: excluded up to the scan cap |U|^2 = 1, flagged open (not a limit); 1.75 GeV: nothing;
    the refinement (refine 3: two rounds of two masses, scan.tip_schedule) adds masses between 1.4 and
    1.75 GeV and the last excluded one closes the contour."""
    df = charm.to_dataframe()
    row = df[np.isclose(df.mass_GeV, 0.2)].iloc[0]
    assert row.upper == 1.0 and row.upper_open and not row.lower_open and row.n_intervals == 1
    row = df[np.isclose(df.mass_GeV, 1.0)].iloc[0]
    assert 1e-7 < row.lower < row.upper < 1e-1 and not row.upper_open
    assert df[np.isclose(df.mass_GeV, 1.75)].iloc[0].n_intervals == 0
    ref = df[df.refined]
    assert len(ref) == 4 and ((ref.mass_GeV > 1.4) & (ref.mass_GeV < 1.75)).all()
    reach = df[df.n_intervals > 0].mass_GeV.max()
    beyond = df[(df.mass_GeV > reach)].mass_GeV.min()
    assert 1.4 < reach < beyond and np.log(beyond / reach) <= np.log(1.75 / 1.4) / 9 + 1e-12  # 3 x 3 parts
    text = charm.summary()
    for word in ("excluded:", "strongest limit", "open", "MC precision"):
        assert word in text


def test_mc_error_of_the_boundaries(charm):
    """Lower boundary: near the long-lifetime limit N ~ g^2 (production x decay probability,
    g = |U|^2), so the boundary's relative error is N's divided by d ln N / d ln g, which lies
    between ~1.7 (the decay probability starting to saturate at 1 GeV) and 2; upper boundary: N
    falls exponentially with g, so the boundary is far better known than N there."""
    i = int(np.flatnonzero(np.isclose(charm.masses, 1.0))[0])
    n_err, g_err = charm.mc[i]["rel_mc_error_at_boundaries"], charm.mc[i]["rel_coupling_error_at_boundaries"]
    assert 0.5 <= g_err[0] / n_err[0] <= 0.6
    assert g_err[1] < n_err[1] / 5


def test_cli_summary_on_redirected_stderr(tmp_path):
    """stderr not a terminal: one line per mass and the closing summary naming the files."""
    res = run_cli("limit", "charm", *SMALL_CLI, "--out", str(tmp_path / "c.csv"))
    err = res.stderr
    assert res.returncode == 0 and "Traceback" not in err
    assert err.count("hnlreach: mass ") == 4 + 4
    assert "wrote " in err and "c.csv" in err and "c.json" in err
    assert "excluded: 0.2-" in err and "strongest limit: |U_tau|^2 <" in err and "MC precision" in err
    quiet = run_cli("limit", "charm", *SMALL_CLI, "--out", str(tmp_path / "q.csv"), "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_plot_round_trip(charm, tmp_path):
    """hnlreach plot redraws a saved CSV (with its sidecar) or the sidecar alone; overlays checked."""
    charm.to_csv(tmp_path / "c.csv")
    for src in ("c.csv", "c.json"):
        res = run_cli("plot", str(tmp_path / src), "--overlay", "CHARM-Boiarska2021", "--out", str(tmp_path / "r.png"))
        assert res.returncode == 0, res.stderr
        assert (tmp_path / "r.png").read_bytes()[:4] == b"\x89PNG"
    back = hnlreach.read_limit(tmp_path / "c.csv")
    np.testing.assert_array_equal(back.masses, charm.masses)
    assert back.intervals == charm.intervals and (back.open_upper == charm.open_upper).all()
    (tmp_path / "c.json").unlink()  # the CSV alone: main interval and open flags
    alone = hnlreach.read_limit(tmp_path / "c.csv")
    np.testing.assert_allclose(alone.upper, charm.upper, rtol=1e-6)
    assert (alone.open_upper == [charm.main_open(i)[1] for i in range(len(charm.masses))]).all()
    assert_one_line_error(run_cli("plot", str(tmp_path / "c.csv"), "--overlay", "T2K2019", "--out", str(tmp_path / "x.png")))


def test_overlay_checks(charm, tmp_path):
    """Another coupling, a file in MeV without a header, |U|^2 > 1: one-line errors; a header fixes units."""
    with pytest.raises(HNLInputError, match="is on d_mu"):
        charm.plot(tmp_path / "a.png", overlays=["MiniBooNE-dipole"])
    f = tmp_path / "mev.dat"
    f.write_text("300 1e-5\n1000 1e-6\n")
    with pytest.raises(HNLInputError, match="mass_unit"):
        charm.plot(tmp_path / "a.png", overlays=[str(f)])
    f.write_text("# coupling: |U_mu|^2\n# mass_unit: MeV\n300 1e-5\n1000 1e-6\n")
    with pytest.raises(HNLInputError, match="is on .U_mu"):
        charm.plot(tmp_path / "a.png", overlays=[str(f)])
    f.write_text("# coupling: |U_tau|^2\n# mass_unit: MeV\n# kind: lower\n300 1e-5\n1000 1e-6\n")
    charm.plot(tmp_path / "a.png", overlays=[str(f)])
    from hnlreach.outputs.plot import load_overlay

    ov = load_overlay(str(f), charm.coupling)
    assert ov.mass_GeV.tolist() == [0.3, 1.0] and ov.kind == "lower"


def test_published_frames_are_not_boundaries():
    """CHARM (Boiarska et al.) Fig. 6 is cut by the figure's frame at m = 0.1 GeV and U^2 = 5.2e-3:
    those segments (and the closing one) are not drawn, the rest is."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from hnlreach.outputs.plot import _draw_overlay, load_overlay

    ov = load_overlay("CHARM-Boiarska2021")
    fig, ax = plt.subplots()
    _draw_overlay(ax, ov, "C0")
    pts = np.concatenate([ln.get_xydata() for ln in ax.get_lines()])
    segs = [ln.get_xydata() for ln in ax.get_lines()]
    plt.close(fig)
    top = 5.15658643e-3
    for s in segs:
        for a, b in zip(s[:-1], s[1:]):
            assert not (np.isclose(a[1], top) and np.isclose(b[1], top))  # no segment along the top frame
            assert not (np.isclose(a[0], 0.100394639) and np.isclose(b[0], 0.100394639))
    assert len(pts) >= 40


@pytest.mark.parametrize("args, words", [
    (["limit", "charm", "--plot", "x.txt"], "unknown image format"),
    (["limit", "charm", "--seed", "-1"], "seed"),
    (["limit", "charm", "--seed", str(2**32)], "seed"),
    (["limit", "km3net-atmospheric", "--cl", "0.95"], "fixed signal threshold"),
    (["limit", "charm", "--plot", "p.png", "--overlay", "T2K2019"], "is on |U_mu|^2"),
    (["limit", "charm", "--plot", "p.png", "--overlay", "no-such-curve"], "not a published curve"),
    (["limit", "nd280", "--dipole", "1:1:0"], "one neutrino flavour"),
    (["limit", "charm", "--dipole", "mu"], "no neutrino flux"),
    (["limit", "charm", "--overlay", "CHARM-Boiarska2021"], "need --plot"),
    (["limit", "charm", "--n-hnl", "0"], "--n-hnl"),
    (["events", "charm", "--mass", "1", "--coupling", "1e-6", "--seed", "-3", "--out", "e.parquet"], "seed"),
    (["events", "nd280", "--mass", "0.1", "--dipole", "1:1:0", "--coupling", "1e-6", "--out", "e.parquet"],
     "one neutrino flavour"),
    (["production", "--mass", "7", "--mixing", "tau"], "outside the supported range"),
    (["xsec", "--mass", "0.1", "--mixing", "mu", "--target", "C12", "--energy", "1"], "No such option"),
])
def test_bad_input_refused_before_any_scan(tmp_path, args, words):
    out = tmp_path / "never.csv"
    extra = ["--out", str(out)] if args[0] == "limit" else []
    args = [str(tmp_path / a) if a.endswith((".txt", ".png", ".parquet")) else a for a in args]
    t0 = time.perf_counter()
    line = assert_one_line_error(run_cli(*args, *extra))
    assert words in line
    assert not out.exists() and time.perf_counter() - t0 < 30  # failed before the scan wrote anything
    assert "--mixing" not in run_cli("xsec", "--help").stdout


def test_limit_api_rejects_bad_input():
    for kw, word in [(dict(model="dark.toml"), "no neutrino flux"), (dict(seed=-1), "seed"), (dict(seed=1.5), "seed"),
                     (dict(cl=1.2), "--cl"), (dict(masses="2:1:3"), "mass grid"), (dict(progress="loud"), "progress")]:
        with pytest.raises(HNLInputError, match=word):
            hnlreach.limit("charm", **{"masses": "1.0", "n_hnl": 100, "jobs": 1, **kw})


def test_generate_events_equals_cli(tmp_path):
    """Same arguments, same defaults (preset's tau mixing and Majorana nature, seed 1): same events."""
    pytest.importorskip("pyarrow")
    out = tmp_path / "e.parquet"
    res = run_cli("events", "charm", "--mass", "1.0", "--coupling", "1e-6", "--n-events", "200", "--out", str(out))
    assert res.returncode == 0, res.stderr
    cli = hnlreach.read_events(out)
    api = hnlreach.generate_events("charm", 1.0, coupling=1e-6, n=200)
    pd.testing.assert_frame_equal(cli.reset_index(drop=True), api.reset_index(drop=True))
    assert cli.attrs["hnlreach"]["total_expected_events"] == api.attrs["hnlreach"]["total_expected_events"]
    dirac = hnlreach.generate_events("charm", 1.0, mixing="tau", coupling=1e-6, n=200, majorana=False)
    # a Majorana HNL decays through twice the channels into the same visible final states: same
    # production, twice the width, so at this long lifetime ~2x the Dirac events
    ratio = api.attrs["hnlreach"]["total_expected_events"] / dirac.attrs["hnlreach"]["total_expected_events"]
    assert 1.6 < ratio < 2.4


def test_hnl_pattern_form_equals_tuple_form():
    a = hnlreach.HNL(0.5, mixing="tau", coupling=1e-4, majorana=True)
    assert a == hnlreach.HNL(0.5, mixing=(0, 0, 1e-4), majorana=True)
    assert a.ctau == pytest.approx(hnlreach.HNL.from_pattern(0.5, mixing="tau", coupling=1e-4, majorana=True).ctau)
    assert hnlreach.HNL(0.5, mixing="1:1:0", coupling=2e-4).mixing == pytest.approx((1e-4, 1e-4, 0))
    assert hnlreach.HNL(0.1, dipole="mu", coupling=1e-6).dipole == (0.0, 1e-6, 0.0)
    with pytest.raises(HNLInputError):
        hnlreach.HNL(0.5, mixing=(0, 0, 1e-4), coupling=1e-4)
    with pytest.raises(HNLInputError):
        hnlreach.HNL(0.5, mixing="tau", coupling=-1)


def test_limit_uses_an_in_memory_experiment(tmp_path):
    """An Experiment object given to limit() is the one scanned (not its file reloaded in the
    workers): 100 x the protons on target scales every event weight by 100, so in the long-lifetime
    regime (N ~ |U|^4: production x decay) the lower boundary moves down by exactly sqrt(100)."""
    from dataclasses import replace

    from hnlreach.cache import object_hash
    from hnlreach.experiments import load_experiment

    exp = load_experiment("toy-dump")
    more = replace(exp, beam=replace(exp.beam, runs=tuple((m, 100 * p) for m, p in exp.beam.runs)))
    kw = dict(masses="0.5", n_hnl=2000, jobs=1, refine=0, precision=0.2, progress="none")
    base, scaled = hnlreach.limit(exp, **kw), hnlreach.limit(more, **kw)
    assert base.intervals[0] and scaled.intervals[0]
    assert scaled.intervals[0][0][0] / base.intervals[0][0][0] == pytest.approx(0.1, rel=0.02)
    assert hnlreach.limit("toy-dump", **kw).intervals == base.intervals  # the file = its unmodified object
    assert object_hash(more) != object_hash(exp)
