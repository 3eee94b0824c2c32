"""Plug-ins from a user's own file: selection and sampler, signatures checked at load time."""
import numpy as np
import pytest
from cli_helpers import assert_one_line_error, run_cli

from hnlreach.errors import HNLInputError
from hnlreach.experiments import PRESET_DIR, load_experiment
from hnlreach.rates.engine import mixing_sample

TOY = (PRESET_DIR / "toy-dump.toml").read_text()
EFF = "[efficiency]\n"

PLUGIN = '''
import numpy as np

def upper_half(pdg, p4, vertices, *, experiment, y_min_m=0.0):
    """keep decays above y_min_m (a cut the vocabulary has no word for)"""
    assert experiment.name == "toy-dump"
    return vertices[:, 1] > y_min_m

def wrong(pdg, p4):
    return np.ones(len(pdg), bool)

def sampler(experiment, mass, *, mixing, dipole, majorana, n_hnl, rng, scale=1.0):
    from hnlreach.rates.engine import mixing_sample
    s = mixing_sample(experiment, mass, mixing, majorana, n_hnl, rng)
    s.weight = s.weight * scale
    return s
'''


def _setup(tmp_path, selection="", sampler=""):
    d = tmp_path / "user"
    d.mkdir(exist_ok=True)
    (d / "cuts.py").write_text(PLUGIN)
    p = d / "exp.toml"
    p.write_text(TOY.replace(EFF, selection + sampler + EFF))
    return p


def test_selection_plugin_from_user_file_removes_half(tmp_path):
    # the toy's decay volume is symmetric in y: a y > 0 cut keeps half the signal
    base = load_experiment(_setup(tmp_path))
    cut = load_experiment(_setup(tmp_path, 'plugin = "cuts.py:upper_half"\nplugin_parameters = { y_min_m = 0.0 }\n'))
    assert cut.selection.plugin is not None
    n0 = mixing_sample(base, 1.0, "mu", True, 20000, rng=3).n(1e-8)
    n1 = mixing_sample(cut, 1.0, "mu", True, 20000, rng=3).n(1e-8)
    assert n1 / n0 == pytest.approx(0.5, abs=0.05)
    # parameters reach the function: nothing is 2 m above the axis of a 3 m wide volume
    none = load_experiment(_setup(tmp_path, 'plugin = "cuts.py:upper_half"\nplugin_parameters = { y_min_m = 2.0 }\n'))
    assert mixing_sample(none, 1.0, "mu", True, 5000, rng=3).n(1e-8) == 0.0


def test_sampler_plugin_from_user_file(tmp_path):
    e = load_experiment(_setup(tmp_path, sampler='[sampler]\nfunction = "cuts.py:sampler"\nparameters = { scale = 2.0 }\n'))
    from hnlreach.rates.engine import build_sample

    a = build_sample(e, 1.0, mixing="mu", majorana=True, n_hnl=3000, rng=4).n(1e-8)
    b = mixing_sample(e, 1.0, "mu", True, 3000, rng=4).n(1e-8)
    assert a == pytest.approx(2 * b)


def test_argoneut_selection_is_a_plugin_loaded_like_a_users():
    e = load_experiment("argoneut")
    assert e.selection.plugin.func.__name__ == "select" and e.selection.plugin.keywords == {"overlap_cm": 0.4}


@pytest.mark.parametrize("sel,msg", [
    ('plugin = "cuts.py:wrong"\n', "selection.plugin: wrong(pdg, p4) cannot be called as function(pdg, p4, vertices, *, experiment, **parameters)"),
    ('plugin = "cuts.py:upper_half"\nplugin_parameters = { y_max_m = 1.0 }\n', "unexpected keyword argument 'y_max_m'"),
    ('plugin = "nothere.py:f"\n', "selection.plugin: plug-in file 'nothere.py' does not exist (resolved to"),
    ('plugin = "cuts.py:missing"\n', "selection.plugin: 'cuts.py' has no function 'missing'"),
    ('plugin = "no_such_module_xyz:f"\n', "selection.plugin: cannot import module 'no_such_module_xyz'"),
    ('plugin = "cuts.py"\n', "selection.plugin: expected 'path/to/file.py:function' or 'module:function'"),
    ('plugin_parameters = { a = 1 }\n', "selection.plugin_parameters: given without a plugin"),
])
def test_bad_plugins(tmp_path, sel, msg):
    p = _setup(tmp_path, sel)
    with pytest.raises(HNLInputError) as exc:
        load_experiment(p)
    assert str(exc.value).startswith(f"{p}: ") and msg in str(exc.value), str(exc.value)


def test_bad_sampler_plugin_cli(tmp_path):
    p = _setup(tmp_path, sampler='[sampler]\nfunction = "cuts.py:upper_half"\n')
    line = assert_one_line_error(run_cli("limit", str(p)))
    assert "sampler.function: upper_half(pdg, p4, vertices, *, experiment, y_min_m=0.0) cannot be called as function(experiment, mass" in line
