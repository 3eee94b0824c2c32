"""Experiment TOML loading and validation: presets, one-line errors."""
from pathlib import Path

import pytest

from hnlreach.errors import HNLInputError
from hnlreach.experiments import PRESET_DIR, list_experiments, load_experiment

TOY = (PRESET_DIR / "toy-dump.toml").read_text()


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "exp.toml"
    p.write_text(text)
    return p


def _error(tmp_path, text) -> str:
    with pytest.raises(HNLInputError) as exc:
        load_experiment(_write(tmp_path, text))
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


def test_toy_dump_loads():
    e = load_experiment("toy-dump")
    assert e.beam.pot == 1e18 and e.beam.energy_GeV == 400.0
    assert [s.parent for s in e.sources] == ["D(s)+", "D+", "D0"]
    assert e.statistics.events_limit() == pytest.approx(2.302585, rel=1e-5)
    assert "decay_volume" in e.fiducial and e.selection.reach_volume.name == "calorimeter"
    names = dict(list_experiments())
    assert "toy-dump" in names and "Lourenco" in names["toy-dump"]


def test_unknown_experiment():
    with pytest.raises(HNLInputError, match="unknown experiment 'no-such'.*toy-dump"):
        load_experiment("no-such")


def test_malformed_toml(tmp_path):
    msg = _error(tmp_path, TOY.replace('energy_GeV = 400.0', 'energy_GeV = = 400'))
    assert "malformed TOML" in msg and "exp.toml" in msg and "line" in msg


def test_unknown_key_suggests_unit(tmp_path):
    msg = _error(tmp_path, TOY.replace("energy_GeV = 400.0", "energy = 400.0"))
    assert "beam.energy: unknown key (did you mean 'energy_GeV'?)" in msg


def test_missing_field(tmp_path):
    msg = _error(tmp_path, TOY.replace('particle = "p"\n', ""))
    assert "beam.particle: missing required field" in msg


def test_wrong_type(tmp_path):
    msg = _error(tmp_path, TOY.replace("pot = 1.0e18", 'pot = "lots"'))
    assert "beam.pot" in msg and "expected a number" in msg


def test_negative_pot(tmp_path):
    msg = _error(tmp_path, TOY.replace("pot = 1.0e18", "pot = -1.0e18"))
    assert "beam.pot: must be >= 0" in msg


def test_bad_references(tmp_path):
    msg = _error(tmp_path, TOY.replace('site = "target"\nyield_per_pot = 6.416e-4',
                                       'site = "absorber"\nyield_per_pot = 6.416e-4'))
    assert "unknown production site 'absorber'" in msg
    msg = _error(tmp_path, TOY.replace('material = "iron"', 'material = "unobtainium"'))
    assert "unknown material 'unobtainium'" in msg
    msg = _error(tmp_path, TOY.replace("cl = 0.9", "cl = 1.5"))
    assert "statistics.cl" in msg


def test_bad_default_mass_grid(tmp_path):
    msg = _error(tmp_path, TOY.replace('masses = "0.2:1.8:20"', 'masses = "1.8:0.2:20"'))
    assert "mass grid" in msg


def test_experiment_path_is_its_own_toml():
    """Experiment.path is the TOML file (workers reload it from there), also with an efficiency table."""
    from hnlreach.experiments import load_experiment, preset_paths

    for name in ("nd280", "charm"):
        assert load_experiment(name).path == preset_paths()[name]
