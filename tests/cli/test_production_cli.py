"""`hnlreach production`: the DESIGN.md contract, and one-line errors with exit status 2."""
import json

import pytest
from cli_helpers import assert_one_line_error, run_cli

from hnlreach.physics.production import CHANNELS, channel_branching_ratio



def test_json_contract_mu_mixing():
    res = run_cli("production", "--mass", "0.2", "--mixing", "mu", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["mass_GeV"] == 0.2
    ch = out["channels"]
    assert ch["K+ -> mu+ N"] == pytest.approx(float(channel_branching_ratio("K+ -> mu+ N", 0.2)), rel=1e-12)
    assert "pi+ -> mu+ N" not in ch  # closed: m_pi - m_mu = 0.034 GeV
    assert all(CHANNELS[k].flavour == "mu" and " -> " in k and k.endswith("N") for k in ch)
    assert all(v > 0 for v in ch.values())


def test_pattern_is_normalised():
    a = json.loads(run_cli("production", "--mass", "0.3", "--mixing", "1:1:2", "--json").stdout)["channels"]
    e = json.loads(run_cli("production", "--mass", "0.3", "--mixing", "e", "--json").stdout)["channels"]
    assert a["K+ -> pi0 e+ N"] == pytest.approx(0.25 * e["K+ -> pi0 e+ N"], rel=1e-12)
    assert "tau- -> pi- N" in a and "tau- -> pi- N" not in e


def test_plain_table():
    res = run_cli("production", "--mass", "0.5", "--mixing", "tau")
    assert res.returncode == 0, res.stderr
    assert "tau- -> pi- pi0 N" in res.stdout


@pytest.mark.parametrize("args", [("--mass", "-1", "--mixing", "e"), ("--mass", "0.1", "--mixing", "x"),
                                  ("--mass", "nan", "--mixing", "e"), ("--mass", "0.1")])
def test_bad_input_exit_2(args):
    assert_one_line_error(run_cli("production", *args))


# --- `hnlreach production --experiment`: the channels a preset's sources use after [production] ---------
def _main(argv, capsys) -> tuple[int, str, str]:
    """`hnlreach ARGV` in-process (hnlreach.cli.main, as tests/robust/test_fuzz_cli.py): (status, stdout, stderr)."""
    from hnlreach.cli import main

    capsys.readouterr()
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def _general(mass, mixing):
    """The general command's channels (in-process: the same code path as `hnlreach production --json`)."""
    from hnlreach.model import flavour_pattern
    from hnlreach.physics.production import production_branching_ratios

    return production_branching_ratios(mass, flavour_pattern(mixing))


def test_experiment_bebc_kept_and_removed(capsys):
    """bebc: [production] include = leptonic + three tau legs; e mixing (the preset's default) at 1 GeV."""
    code, text, err = _main(["production", "--mass", "1.0", "--experiment", "bebc", "--json"], capsys)
    assert code == 0, err
    out = json.loads(text)
    assert out["experiment"] == "bebc" and out["mixing"] == {"e": 1.0, "mu": 0.0, "tau": 0.0}
    assert "leptonic" in out["production_filter"]["include"]
    src = {s["name"]: s for s in out["sources"]}
    assert set(src) == {"Dplus", "Ds", "Bplus"} and src["Dplus"]["parent"] == "D+"
    assert src["Dplus"]["yield_per_pot"] > 0
    general = _general(1.0, "e")
    for s in src.values():
        direct_kept = {c for c in s["kept"] if ", " not in c}
        direct_removed = {c for c in s["removed"] if ", " not in c}
        assert direct_kept and direct_kept.isdisjoint(direct_removed)
        # the filter only splits the parent's open channels: together they are the general command's
        assert direct_kept | direct_removed == {c for c in general if CHANNELS[c].parent == s["parent"]}
        assert all(CHANNELS[c].kind == "leptonic" for c in direct_kept)  # include = leptonic (+ tau legs)
        assert all(CHANNELS[c].kind == "semileptonic" for c in direct_removed)
        for c in direct_kept | direct_removed:  # same BR as `hnlreach production`
            assert {**s["kept"], **s["removed"]}[c] == pytest.approx(general[c], rel=1e-12), c
    assert src["Dplus"]["kept"] == {"D+ -> e+ N": pytest.approx(general["D+ -> e+ N"], rel=1e-12)}
    assert "D+ -> K~0 e+ N" in src["Dplus"]["removed"]
    # e mixing: the D_s -> tau chain's leg tau -> nu(tau) e- N is not in the include list
    assert "D(s)+ -> tau+ nu(tau), tau- -> nu(tau) e- N" in src["Ds"]["removed"]
    assert not any(", " in c for c in src["Ds"]["kept"])


def test_experiment_plain_table_matches_general_command():
    res = run_cli("production", "--mass", "1.0", "--experiment", "charm-original")
    assert res.returncode == 0, res.stderr
    text = res.stdout
    assert "[production]: exclude = D(s)+" in text and "removed by [production]:" in text
    ds = text.split("source 'Ds_plus':")[1].split("source ")[0]
    assert "kept: none" in ds and "D(s)+ -> e+ N" in ds  # exclude = ["D(s)+"] removes its channels
    general = _general(1.0, "e")
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("D+ -> e+ N "))
    assert line.split()[-1] == f"{general['D+ -> e+ N']:.4e}"  # the general command's number, same format


def test_experiment_user_toml_filter(tmp_path, capsys):
    """A user's TOML (the toy dump + [production] exclude = semileptonic): the filter moves channels."""
    from hnlreach.experiments import PRESET_DIR

    p = tmp_path / "mine.toml"
    p.write_text((PRESET_DIR / "toy-dump.toml").read_text() + '\n[production]\nexclude = ["semileptonic"]\n')
    code, text, err = _main(["production", "--mass", "0.5", "--mixing", "mu", "--experiment", str(p), "--json"], capsys)
    assert code == 0, err
    out = json.loads(text)
    d0 = next(s for s in out["sources"] if s["parent"] == "D0")
    general = _general(0.5, "mu")
    assert d0["kept"] == {}  # D0 has only semileptonic channels
    assert d0["removed"] == pytest.approx({c: b for c, b in general.items() if CHANNELS[c].parent == "D0"}, rel=1e-12)
    assert d0["removed"]


@pytest.mark.parametrize("args,words", [
    (("--experiment", "no-such-preset"), "unknown experiment 'no-such-preset'"),
    (("--experiment", "microboone"), "give --mixing"),  # a dipole-portal preset: no default mixing
    (("--experiment", "km3net-atmospheric", "--mixing", "mu"), "cannot produce HNLs with mixing mu"),
    (("--experiment", "missing.toml"), "does not exist"),
    (("--experiment", "bebc", "--mixing", "x"), "flavour pattern must be"),
    (("--experiment", "bebc", "--mass", "9"), "outside the supported range"),
])
def test_experiment_bad_input_exit_2(args, words, capsys):
    code, out, err = _main(["production", "--mass", "1.0", *args], capsys)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, (out, err)
    assert err.startswith("hnlreach: error:") and words in err


def test_experiment_bad_name_subprocess():
    assert "unknown experiment 'nope'" in assert_one_line_error(run_cli("production", "--mass", "1", "--experiment", "nope"))
