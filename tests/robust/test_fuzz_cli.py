"""CLI fuzz corpus: every bad input ends with exit status 2, exactly one line on stderr (no
traceback, no warning before it), nothing on stdout, and no file created or changed.

The cases are the failures of the robustness campaign (issue "fail loud, lose nothing"); they run
in-process (hnlreach.cli.main) to keep the suite fast.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from hnlreach.cli import main
from hnlreach.experiments import preset_paths

TOY = preset_paths()["toy-dump"].read_text()
SPECTRUM = "p_lo,p_hi,theta_lo,theta_hi,weight\n0,10,0,0.1,1.0\n10,20,0,0.1,2.0\n"


def _sub(old: str, new: str):
    def f(text):
        assert old in text, old
        return text.replace(old, new, 1)
    return f


def _flux(table: str, direction: str = "[0.0, 0.0, 1.0]"):
    """toy-dump plus a neutrino flux table (the loader reads it whatever the model)."""
    block = ('\n[[fluxes]]\nname = "numu"\nflavour = "mu"\nfile = "flux.dat"\n'
             f'units = "per_cm2_per_pot_per_GeV"\ndirection = {direction}\n')
    return lambda text: text.replace("\n[geometry]", block + "\n[geometry]", 1), {"flux.dat": table}


def _spectrum(table: str):
    return (_sub('spectrum = { kind = "xf_pt2", n = 6.0, b_GeV2 = 1.0 }\n\n[[sources]]\nname = "Dplus"',
                 'spectrum = { kind = "table", file = "spec.csv" }\n\n[[sources]]\nname = "Dplus"'),
            {"spec.csv": table})


def _eff(table: str):
    return _sub("[efficiency]\nconstant = 0.8", '[efficiency]\nconstant = 0.8\ntable = "eff.csv"'), {"eff.csv": table}


CHANNELS = 'channels = [\n    "N -> nu e+ e-", "N -> nu mu+ mu-",'
# (id, transformation of the toy-dump TOML, extra files, text the message must contain)
TOML_CASES = [
    ("channel-unknown", _sub(CHANNELS, 'channels = [\n    "N -> foo bar", "N -> nu mu+ mu-",'), {}, "signal.channels"),
    ("channel-malformed", _sub(CHANNELS, 'channels = [\n    "N->nu e+ e-", "N -> nu mu+ mu-",'), {}, "did you mean 'N -> nu e+ e-'"),
    ("channel-not-string", _sub(CHANNELS, 'channels = [\n    3, "N -> nu mu+ mu-",'), {}, "signal.channels"),
    ("channels-empty", lambda t: re.sub(r"channels = \[.*?\]\n", "channels = []\n", t, count=1, flags=re.S), {},
     "signal.channels"),
    ("fiducial-empty", _sub("strata = 2", "strata = 2\nfiducial = []"), {}, "signal.fiducial"),
    ("fiducial-unknown", _sub("strata = 2", 'strata = 2\nfiducial = ["nowhere"]'), {}, "signal.fiducial"),
    ("pot-zero", _sub("pot = 1.0e18", "pot = 0.0"), {}, "beam.pot"),
    ("eff-nan", *_eff("0.1,0.5\n1.0,nan\n"), "efficiency.table"),
    ("eff-above-1", *_eff("0.1,0.5\n1.0,1.5\n"), "efficiency.table"),
    ("eff-negative", *_eff("0.1,0.5\n1.0,-0.1\n"), "efficiency.table"),
    ("eff-one-column", *_eff("0.1\n1.0\n"), "efficiency.table"),
    ("eff-unsorted", *_eff("1.0,0.5\n0.1,0.4\n"), "efficiency.table"),
    ("eff-channel-unknown", _sub("[efficiency]\nconstant = 0.8",
                                 '[efficiency]\nconstant = 0.8\nchannels = { "N -> foo" = 0.5 }'), {}, "efficiency.channels"),
    ("eff-channel-not-signal", _sub("[efficiency]\nconstant = 0.8",
                                    '[efficiency]\nconstant = 0.8\nchannels = { "N -> nu gamma" = 0.5 }'), {}, "efficiency.channels"),
    ("eff-channel-above-1", _sub("[efficiency]\nconstant = 0.8",
                                 '[efficiency]\nconstant = 0.8\nchannels = { "N -> mu- pi+" = 1.5 }'), {}, "efficiency.channels"),
    ("spectrum-nan", *_spectrum("p_lo,p_hi,theta_lo,theta_hi,weight\n0,10,0,0.1,nan\n"), "spectrum"),
    ("spectrum-reversed", *_spectrum("p_lo,p_hi,theta_lo,theta_hi,weight\n10,0,0,0.1,1.0\n"), "spectrum"),
    ("spectrum-negative", *_spectrum("p_lo,p_hi,theta_lo,theta_hi,weight\n0,10,0,0.1,-1.0\n"), "spectrum"),
    ("flux-nan", *_flux("1.0 1e-10\n2.0 nan\n"), "fluxes[0]"),
    ("flux-inf", *_flux("1.0 1e-10\n2.0 inf\n"), "fluxes[0]"),
    ("flux-empty", *_flux("# nothing\n"), "fluxes[0]"),
    ("flux-duplicate-energy", *_flux("1.0 1e-10\n1.0 2e-10\n2.0 1e-10\n"), "fluxes[0]"),
    ("flux-zero-direction", *_flux("1.0 1e-10\n2.0 1e-10\n", "[0.0, 0.0, 0.0]"), "fluxes[0].direction"),
    ("sampler-signature", lambda t: t + '\n[sampler]\nfunction = "hnlreach.physics.kinematics:as_generator"\n', {},
     "sampler.function"),
    ("sampler-missing", lambda t: t + '\n[sampler]\nfunction = "hnlreach.nothing:here"\n', {}, "sampler.function"),
    ("box-zero-size", _sub("size_m = [3.0, 3.0, 30.0]", "size_m = [0.0, 3.0, 30.0]"), {}, "decay_volume"),
]

# (id, argv, files to create); '{d}' is the temporary directory
CLI_CASES = [
    ("masses-empty", ["limit", "toy-dump", "--masses", ""], {}),
    ("masses-out-of-range", ["limit", "toy-dump", "--masses", "0:9:3"], {}),
    ("seed-negative", ["limit", "toy-dump", "--seed", "-1", "--masses", "1"], {}),
    ("seed-huge", ["limit", "toy-dump", "--seed", str(2 ** 64), "--masses", "1"], {}),
    ("jobs-zero", ["limit", "toy-dump", "--jobs", "0", "--masses", "1"], {}),
    ("n-hnl-huge", ["limit", "toy-dump", "--n-hnl", "100000000000", "--masses", "1"], {}),
    ("scheduler-malformed", ["limit", "toy-dump", "--masses", "1", "--n-hnl", "100", "--scheduler", "no address"], {}),
    ("scheduler-unreachable", ["limit", "toy-dump", "--masses", "1", "--n-hnl", "100", "--scheduler", "tcp://127.0.0.1:9"], {}),
    ("out-under-file", ["limit", "toy-dump", "--masses", "1", "--out", "{d}/afile/x.csv"], {"afile": "x"}),
    ("out-is-dir", ["limit", "toy-dump", "--masses", "1", "--out", "{d}/adir"], {"adir/keep": "x"}),
    ("plot-under-file", ["limit", "toy-dump", "--masses", "1", "--plot", "{d}/afile/x.png"], {"afile": "x"}),
    ("overlay-garbage", ["limit", "toy-dump", "--masses", "1", "--overlay", "{d}/garbage.txt"], {"garbage.txt": "hello world\n"}),
    ("overlay-empty", ["limit", "toy-dump", "--masses", "1", "--overlay", "{d}/empty.txt"], {"empty.txt": ""}),
    ("overlay-one-column", ["limit", "toy-dump", "--masses", "1", "--overlay", "{d}/one.txt"], {"one.txt": "0.1\n0.2\n"}),
    ("overlay-binary", ["limit", "toy-dump", "--masses", "1", "--overlay", "{d}/bin.txt"], {"bin.txt": b"\x89PNG\xff\xfe\x00"}),
    ("experiment-binary", ["limit", "{d}/bin.toml", "--masses", "1"], {"bin.toml": b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x01"}),
    ("experiment-missing", ["limit", "{d}/nope.toml"], {}),
    ("decay-mixing-above-1", ["decay", "--mixing", "mu", "--mass", "1", "--coupling", "2"], {}),
    ("decay-mass-huge", ["decay", "--mixing", "mu", "--mass", "1e300"], {}),
    ("decay-dipole-huge", ["decay", "--dipole", "mu", "--mass", "0.5", "--coupling", "1e154"], {}),
    ("decay-pattern-bad", ["decay", "--mixing", "1:nan:0", "--mass", "1"], {}),
    ("production-mass-high", ["production", "--mass", "100", "--mixing", "mu"], {}),
    ("production-mass-low", ["production", "--mass", "1e-5", "--mixing", "mu"], {}),
    ("xsec-mass-huge", ["xsec", "--dipole", "mu", "--mass", "1e300", "--target", "C12", "--energy", "1"], {}),
    ("xsec-mass-low", ["xsec", "--dipole", "mu", "--mass", "1e-6", "--target", "C12", "--energy", "1"], {}),
    ("xsec-coupling-huge", ["xsec", "--dipole", "mu", "--mass", "1", "--coupling", "1e300", "--target", "C12",
                            "--energy", "10"], {}),
    ("xsec-target-unknown", ["xsec", "--dipole", "mu", "--mass", "1", "--target", "Xx99", "--energy", "10"], {}),
    ("events-n-huge", ["events", "toy-dump", "--mass", "1", "--mixing", "mu", "--coupling", "1e-6",
                       "--n", "1000000000000000", "--out", "{d}/e.parquet"], {}),
    ("events-seed-negative", ["events", "toy-dump", "--mass", "1", "--mixing", "mu", "--coupling", "1e-6",
                              "--seed", "-1", "--out", "{d}/e.parquet"], {}),
    ("events-out-under-file", ["events", "toy-dump", "--mass", "1", "--mixing", "mu", "--coupling", "1e-6",
                               "--out", "{d}/afile/e.parquet"], {"afile": "x"}),
    ("events-mixing-above-1", ["events", "toy-dump", "--mass", "1", "--mixing", "mu", "--coupling", "1.5",
                               "--out", "{d}/e.parquet"], {}),
]


def _write(d: Path, files: dict):
    for name, content in files.items():
        p = d / name
        p.parent.mkdir(parents=True, exist_ok=True)
        (p.write_bytes if isinstance(content, bytes) else p.write_text)(content)


def _snapshot(d: Path) -> dict:
    out = {}
    for root, dirs, files in os.walk(d):
        for name in dirs + files:
            p = Path(root) / name
            st = p.stat()
            digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            out[str(p.relative_to(d))] = (st.st_mtime_ns, digest)
    return out


def _run_bad(argv, d: Path, capsys, monkeypatch) -> str:
    monkeypatch.chdir(d)
    before = _snapshot(d)
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    assert exc.value.code == 2, (argv, out, err)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("hnlreach: error: "), err
    assert "Traceback" not in err
    assert _snapshot(d) == before, "a file was created or changed"
    return lines[0]


@pytest.mark.parametrize("case", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_bad_cli_input(case, tmp_path, capsys, monkeypatch):
    _, argv, files = case
    _write(tmp_path, files)
    _run_bad([a.replace("{d}", str(tmp_path)) for a in argv], tmp_path, capsys, monkeypatch)


@pytest.mark.parametrize("case", TOML_CASES, ids=[c[0] for c in TOML_CASES])
def test_bad_experiment_file(case, tmp_path, capsys, monkeypatch):
    """Each error names the file and the key (FILE: key.path: problem)."""
    _, transform, files, key = case
    _write(tmp_path, files)
    (tmp_path / "bad.toml").write_text(transform(TOY))
    line = _run_bad(["limit", "bad.toml", "--masses", "1", "--n-hnl", "1000", "--jobs", "1"], tmp_path,
                    capsys, monkeypatch)
    assert "bad.toml: " in line and key in line, line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_read_only_output_dir(tmp_path, capsys, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        _run_bad(["limit", "toy-dump", "--masses", "1", "--out", str(ro / "x.csv")], tmp_path, capsys, monkeypatch)
    finally:
        ro.chmod(0o755)


def test_read_only_output_dir_is_refused_before_work(tmp_path, monkeypatch):
    """As root too: check_output_path refuses a directory it cannot write (os.access stand-in)."""
    from hnlreach.errors import HNLInputError
    from hnlreach.outputs.atomic import check_output_path

    monkeypatch.setattr(os, "access", lambda *a, **k: False)
    with pytest.raises(HNLInputError, match="not writable"):
        check_output_path(tmp_path / "x.csv", "--out")


def test_fiducial_out_of_neutrino_beam_reach(tmp_path, capsys, monkeypatch):
    """Upscattering: a fiducial volume 900 m off the beam, with no material within the transverse
    margin of it, is refused with a one-line error naming the file (was a numpy traceback)."""
    from toy_experiments import upscattering_toy

    upscattering_toy(  # the loader accepts it: the reach is checked when the sample is built
        tmp_path, name="off-axis", flux="0.9 1e-10\n1.1 1e-10\n", pot=1e20, cl=0.9, source_z=-300.0,
        materials="[materials.iron]\ndensity_g_cm3 = 7.874\nmass_fractions = { Fe56 = 1.0 }",
        volumes='  { name = "slab", shape = "box", center_m = [0.0, 0.0, -25.5], size_m = [20.0, 20.0, 49.0], material = "iron" }',
        fiducial='{ name = "fid", shape = "box", center_m = [900.0, 0.0, 2.5], size_m = [3.0, 3.0, 5.0] }',
        channels=["N -> nu gamma"])
    line = _run_bad(["limit", "exp.toml", "--dipole", "mu", "--masses", "0.1", "--n-hnl", "2000", "--jobs", "1"], tmp_path,
                    capsys, monkeypatch)
    assert "exp.toml: geometry.fiducial" in line and "reach" in line


def test_warning_never_printed_before_an_error(capsys, monkeypatch):
    """A warning raised while a command runs is shown only if the command succeeds: a failing
    command prints its one error line and nothing else."""
    import warnings

    import hnlreach.cli as cli_mod
    from hnlreach.errors import HNLInputError

    def warn_then(fail):
        def run(**kwargs):
            warnings.warn("signal channel 'N -> nu nu nu' is invisible (neutrinos only)", UserWarning)
            if fail:
                raise HNLInputError("x.toml: efficiency.table: efficiencies must lie in [0, 1]")
        return run

    monkeypatch.setattr(cli_mod.cli, "main", warn_then(True))
    with pytest.raises(SystemExit) as exc:
        main(["limit", "x"])
    assert exc.value.code == 2
    assert capsys.readouterr().err == "hnlreach: error: x.toml: efficiency.table: efficiencies must lie in [0, 1]\n"
    monkeypatch.setattr(cli_mod.cli, "main", warn_then(False))
    main(["limit", "x"])
    assert capsys.readouterr().err == "hnlreach: warning: signal channel 'N -> nu nu nu' is invisible (neutrinos only)\n"
