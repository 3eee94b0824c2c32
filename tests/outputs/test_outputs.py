"""Outputs: CSV format, JSON sidecar, atomic writes, exclusion plot with overlays."""
import json
import os
import sys
import types
import warnings

import numpy as np
import pytest

from hnlreach.errors import HNLInputError
from hnlreach.outputs.atomic import atomic_open, atomic_write_text
from hnlreach.outputs.published import available_published, load_published
from hnlreach.outputs.tables import CSV_HEADER, read_limit_csv, sidecar_path


def _result(upper_open=False):
    """Three masses: one interval, nothing, two islands (the higher one open at the cap if asked)."""
    from hnlreach.api import LimitResult
    from hnlreach.outputs.coupling import Coupling

    return LimitResult(experiment="toy-dump", coupling=Coupling.parse("|U_tau|^2"),
                       model={"mixing": "tau", "dipole": None, "nature": "Dirac"}, cl=0.9, n_limit=2.3,
                       masses=np.array([0.1, 0.2, 0.3]),
                       intervals=[[(1e-8, 1e-4)], [], [(2e-9, 3e-5), (1e-3, 1.0 if upper_open else 2e-3)]],
                       open_lower=np.array([False, False, False]),
                       open_upper=np.array([False, False, upper_open]),
                       mc=[{"n_hnl": 100000, "rel_mc_error": 0.01}, {"n_hnl": 100000, "rel_mc_error": float("nan")}, {}],
                       seed=5, exposure={"pot": 1e20}, coupling_range=(1e-16, 1.0))


def test_csv_format(tmp_path):
    csv, js = _result().to_csv(tmp_path / "lim.csv")
    lines = csv.read_text().splitlines()
    assert lines[0] == "# coupling: |U_tau|^2" and lines[1].startswith("#")
    assert lines[2] == CSV_HEADER == "mass_GeV,lower,upper,lower_open,upper_open,n_intervals"
    assert lines[3] == "0.1,1.000000e-08,1.000000e-04,0,0,1"
    assert lines[4] == "0.2,,,0,0,0"  # empty fields, never NaN
    assert lines[5] == "0.3,2.000000e-09,3.000000e-05,0,0,2"  # main (lowest-coupling) interval; 2 islands
    assert "nan" not in csv.read_text().lower()
    t = read_limit_csv(csv)
    assert t["masses"].tolist() == [0.1, 0.2, 0.3] and np.isnan(t["lower"][1]) and t["upper"][2] == 3e-5
    assert t["coupling"] == "|U_tau|^2" and t["n_intervals"].tolist() == [1, 0, 2]


def test_open_upper_flag_only_on_the_interval_that_reaches_the_cap(tmp_path):
    res = _result(upper_open=True)
    (csv, _) = res.to_csv(tmp_path / "lim.csv")
    assert csv.read_text().splitlines()[5].endswith(",0,0,2")  # the main interval is closed
    res.intervals[2] = [(2e-9, 1.0)]
    (csv, _) = res.to_csv(tmp_path / "lim.csv")
    assert csv.read_text().splitlines()[5] == "0.3,2.000000e-09,1.000000e+00,0,1,1"


def test_sidecar(tmp_path):
    csv, js = _result().to_csv(tmp_path / "lim.csv")
    assert js == tmp_path / "lim.json" == sidecar_path(csv)
    meta = json.loads(js.read_text())  # strict JSON (NaN would be rejected by allow_nan=False on write)
    assert meta["experiment"] == "toy-dump" and meta["cl"] == 0.9 and meta["seed"] == 5
    assert meta["coupling"] == "|U_tau|^2" and meta["exposure"] == {"pot": 1e20}
    assert set(meta["versions"]) == {"python", "numpy", "scipy", "hnlreach"}
    assert meta["masses"][2]["intervals"] == [[2e-9, 3e-5], [1e-3, 2e-3]]
    assert meta["masses"][1]["lower"] is None and meta["masses"][1]["mc"]["rel_mc_error"] is None
    assert meta["masses"][0]["mc"]["n_hnl"] == 100000


def test_atomic_write_leaves_no_temp_files(tmp_path):
    target = tmp_path / "sub" / "out.txt"
    atomic_write_text(target, "first\n")
    assert target.read_text() == "first\n"
    with pytest.raises(RuntimeError):
        with atomic_open(target) as fh:
            fh.write("half-writ")
            raise RuntimeError("crash mid-write")
    assert target.read_text() == "first\n"  # previous content untouched
    assert os.listdir(target.parent) == ["out.txt"]  # no temporary file left
    atomic_write_text(target, "second\n")
    assert os.listdir(target.parent) == ["out.txt"] and target.read_text() == "second\n"
    assert (target.stat().st_mode & 0o777) == (0o666 & ~_umask())


def _umask():
    m = os.umask(0)
    os.umask(m)
    return m


def test_published_curves_load():
    names = available_published()
    assert len(names) >= 23  # 14 + SHiP (6), NuTeV, NA62 dump projection (2)
    for name in names:  # every registered file exists and holds positive masses and couplings
        c = load_published(name)
        assert len(c.mass_GeV) >= 5 and np.all(c.mass_GeV > 0) and np.all(c.coupling > 0)
    nd = load_published("ND280-dipole-Liu2024")  # Liu et al. arXiv:2412.15051 Fig. 4, MeV -> GeV, d rising above ~200 MeV
    assert nd.kind == "lower" and 0.009 < nd.mass_GeV.min() < 0.011 and nd.mass_GeV.max() > 1.0
    assert 6e-7 < np.interp(0.5, nd.mass_GeV, nd.coupling) < 1e-6
    argo = load_published("ArgoNeuT2021")
    # ArgoNeuT arXiv:2106.13684: excludes tau-mixing HNLs for m_N = 280-970 MeV
    assert 0.2 < argo.mass_GeV.min() < 0.3 and 0.9 < argo.mass_GeV.max() < 1.05
    t2k = load_published("T2K2019")  # file in MeV -> GeV
    assert 0.1 < t2k.mass_GeV.min() < 0.2 and t2k.kind == "lower"
    assert np.all(argo.coupling > 0) and np.all(argo.coupling < 1)
    with pytest.raises(HNLInputError):
        load_published("NoSuchExperiment")


def test_argoneut_curve_on_the_log_mass_axis():
    """The shipped ArgoNeuT contour is the reference digitisation with its masses moved from a linear
    reading between the 0.2 and 1.0 GeV ticks onto Fig. 5's log axis (published_limits README); the
    end points of that interval are fixed, the middle moves down (0.66 -> 0.5 GeV), and the contour
    ends at ~0.97 GeV, the paper's 280-970 MeV."""
    raw, cor = load_published("ArgoNeuT2021-linear-mass-digitisation"), load_published("ArgoNeuT2021")
    np.testing.assert_allclose(cor.mass_GeV, 0.2 * 5 ** ((raw.mass_GeV - 0.2) / 0.8), rtol=1e-5)
    np.testing.assert_allclose(cor.coupling, raw.coupling, rtol=1e-5)
    assert 0.2 * 5 ** ((0.656 - 0.2) / 0.8) == pytest.approx(0.5, abs=0.005)
    assert np.all(cor.mass_GeV <= raw.mass_GeV + 1e-9) and 0.96 < cor.mass_GeV.max() < 0.99
    delphi = load_published("DELPHI1997")  # excluded above a line falling with mass
    assert delphi.kind == "lower" and np.all(np.diff(delphi.mass_GeV) > 0)
    assert np.interp(1.0, delphi.mass_GeV, delphi.coupling) == pytest.approx(3e-3, rel=0.3)
    charm = load_published("CHARM-Orloff2002")
    assert charm.mass_GeV.max() == pytest.approx(0.28, abs=0.01) and charm.coupling.min() < 1e-4


def test_plot(tmp_path):
    out = _result().plot(tmp_path / "p.png", overlays=["ArgoNeuT2021", "DELPHI1997"], title="toy")
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    assert sorted(os.listdir(tmp_path)) == ["p.png"]
    _result(upper_open=True).plot(tmp_path / "p.pdf")
    assert (tmp_path / "p.pdf").read_bytes()[:4] == b"%PDF"


def test_plot_hnlimits_overlay(tmp_path, monkeypatch):
    """HNLimits reads its index online; offline the overlay is skipped with a warning, else drawn."""
    import pandas as pd

    from hnlreach.outputs import plot

    fake = types.ModuleType("HNLimits.hnl_tools")

    class Limits:
        def __init__(self, flavor, nature):
            self.limits = pd.DataFrame({"m4": [np.array([0.1, 1.0])], "ualpha4": [np.array([1e-6, 1e-8])],
                                        "m4_top": [None], "ualpha4_top": [None]}, index=["fake"])

    fake.Limits = Limits
    monkeypatch.setitem(sys.modules, "HNLimits", types.ModuleType("HNLimits"))
    monkeypatch.setitem(sys.modules, "HNLimits.hnl_tools", fake)
    curves = plot.hnlimits_curves("tau")
    assert curves[0][0] == "fake" and curves[0][2].tolist() == [1e-6, 1e-8]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plot.plot_limit(_result(), tmp_path / "a.png", hnlimits=True)

    class Offline:
        def __init__(self, flavor, nature):
            raise OSError("urlopen error: Name or service not known")

    fake.Limits = Offline
    with pytest.warns(RuntimeWarning, match="hnlimits overlay skipped"):
        plot.plot_limit(_result(), tmp_path / "b.png", hnlimits="tau")
    assert (tmp_path / "b.png").exists()
