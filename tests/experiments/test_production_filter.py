"""[production] include / exclude: which production channels of the sources are used."""
import copy

import pytest
from cli_helpers import assert_one_line_error, run_cli

from hnlreach.errors import HNLInputError
from hnlreach.experiments import experiment_from_config, read_config
from hnlreach.rates.engine import production_channels


def _channels(cfg, path, mass=1.0, pattern=(1.0, 0.0, 0.0)):
    e = experiment_from_config(cfg, path)
    return {c for s in e.sources for c in production_channels(s, mass, pattern)}


@pytest.fixture(scope="module")
def original():
    return read_config("charm-original")


def test_charm_original_excludes_ds_and_can_switch_it_back(original):
    cfg, path = original
    assert cfg["production"] == {"exclude": ["D(s)+"]}
    without = _channels(cfg, path)
    assert without == {"D+ -> e+ N", "D+ -> K~0 e+ N", "D+ -> pi0 e+ N", "D0 -> K- e+ N", "D0 -> pi- e+ N"}
    full = copy.deepcopy(cfg)
    del full["production"]
    ds_semileptonic = {"D(s)+ -> eta e+ N", "D(s)+ -> eta'(958) e+ N", "D(s)+ -> K0 e+ N",
                       "D(s)+ -> K*(892)0 e+ N"}  # D(s)+ -> phi e+ N is closed at 1 GeV
    assert _channels(full, path) - without == {"D(s)+ -> e+ N", "D(s)+ -> tau+ nu(tau), tau- -> nu(tau) e- N",
                                               *ds_semileptonic}
    # tau mixing: the D_s -> tau -> N chains are what the exclusion removes
    assert not any("tau" in c for c in _channels(cfg, path, 1.0, (0, 0, 1.0)))
    assert any(c.startswith("D(s)+ -> tau+ nu(tau), tau- -> ") for c in _channels(full, path, 1.0, (0, 0, 1.0)))


@pytest.mark.parametrize("prod,expected", [
    ({"include": ["leptonic"]}, {"D(s)+ -> e+ N", "D+ -> e+ N"}),           # two-body P -> l N only
    ({"include": ["D+"], "exclude": ["semileptonic"]}, {"D+ -> e+ N"}),
    ({"include": ["D0 -> K- e+ N"]}, {"D0 -> K- e+ N"}),
    ({"exclude": ["leptonic", "D0"]}, {"D+ -> K~0 e+ N", "D+ -> pi0 e+ N",
                                       "D(s)+ -> tau+ nu(tau), tau- -> nu(tau) e- N",  # tau_leptonic
                                       "D(s)+ -> eta e+ N", "D(s)+ -> eta'(958) e+ N", "D(s)+ -> K0 e+ N",
                                       "D(s)+ -> K*(892)0 e+ N"}),
])
def test_include_exclude_by_parent_channel_and_kind(original, prod, expected):
    cfg = copy.deepcopy(original[0])
    cfg["production"] = prod
    assert _channels(cfg, original[1]) == expected


def test_tau_chain_legs(original):
    cfg = copy.deepcopy(original[0])
    cfg["production"] = {"include": ["tau- -> pi- N"]}
    assert _channels(cfg, original[1], 1.0, (0, 0, 1.0)) == {"D(s)+ -> tau+ nu(tau), tau- -> pi- N"}
    cfg["production"] = {"exclude": ["tau_chain"]}
    assert _channels(cfg, original[1], 0.1, (0, 0, 1.0)) == {"D(s)+ -> tau+ N"}


def test_unknown_names_are_errors(original, tmp_path):
    cfg = copy.deepcopy(original[0])
    cfg["production"] = {"include": ["D+ -> e N"]}
    with pytest.raises(HNLInputError, match=r"production.include: unknown production channel, parent or kind "
                                            r"'D\+ -> e N' \(did you mean 'D\+ -> e\+ N'\?\)"):
        experiment_from_config(cfg, original[1])
    text = original[1].read_text().replace('exclude = ["D(s)+"]', 'exclude = ["Ds+"]')
    (tmp_path / "x.toml").write_text(text.replace('"pkg:', '"pkg:'))
    line = assert_one_line_error(run_cli("limit", str(tmp_path / "x.toml")))
    assert "production.exclude: unknown production channel, parent or kind 'Ds+'" in line


def test_tau_hadronic_kind_covers_multihadron_channels():
    """`tau_hadronic` names every tau -> N + hadrons channel, one hadron or several;
    `tau_multihadron` only those with two or more."""
    from hnlreach.experiments.vocabulary import ProductionFilter

    one, many = "tau- -> pi- N", "tau- -> pi- pi0 N"
    f = ProductionFilter(exclude=("tau_hadronic",))
    assert not f.allows(one, "tau-") and not f.allows(many, "tau-")
    g = ProductionFilter(exclude=("tau_multihadron",))
    assert g.allows(one, "tau-") and not g.allows(many, "tau-")
    assert g.allows("tau- -> e- nu(e)~ N", "tau-")
