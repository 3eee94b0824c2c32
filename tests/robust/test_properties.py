"""Property-based tests (Hypothesis) of the public API and the experiment loader: any input gives
either a physical result (finite, non-negative, BRs summing to 1) or HNLInputError -- never
NaN/inf, another exception type, or a silent wrong answer."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hnlreach.errors import HNLInputError
from hnlreach.experiments import experiment_from_config, preset_paths
from hnlreach.model import HNL, flavour_pattern
from hnlreach.physics import upscattering as ups
from hnlreach.physics.decays import MASS_RANGE_GEV
from hnlreach.physics.production import production_branching_ratios
from hnlreach.scan import parse_mass_grid

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])  # CI reproducible
any_float = st.floats(allow_nan=True, allow_infinity=True)
masses = st.floats(MASS_RANGE_GEV[0], MASS_RANGE_GEV[1])
patterns = st.tuples(*[st.one_of(st.just(0.0), st.floats(1e-6, 1.0))] * 3).filter(lambda p: 0 < sum(p) <= 1)


def _finite_nonneg(values):
    return all(math.isfinite(v) and v >= 0 for v in values)


@SETTINGS
@given(m=masses, u=patterns, majorana=st.booleans(), scale=st.floats(1e-14, 1.0))
def test_widths_and_brs_physical(m, u, majorana, scale):
    hnl = HNL(m, mixing=tuple(scale * x for x in u), majorana=majorana)
    assert _finite_nonneg(hnl.partial_widths.values())
    assert 0 < hnl.width < m
    assert sum(hnl.branching_ratios.values()) == pytest.approx(1.0, rel=1e-12)
    # widths scale linearly with the mixing (one Lagrangian, |U|^2 an overall factor)
    assert HNL(m, mixing=tuple(0.5 * scale * x for x in u), majorana=majorana).width == pytest.approx(0.5 * hnl.width, rel=1e-12)


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])  # 3-body dipole widths: slow
@given(m=masses, d=st.floats(1e-12, 1e-1), flavour=st.sampled_from(("e", "mu", "tau")), majorana=st.booleans())
def test_dipole_widths_physical(m, d, flavour, majorana):
    hnl = HNL.from_pattern(m, dipole=flavour, coupling=d, majorana=majorana)
    assert _finite_nonneg(hnl.partial_widths.values()) and hnl.width > 0
    assert sum(hnl.branching_ratios.values()) == pytest.approx(1.0, rel=1e-12)


@SETTINGS
@given(m=any_float, mix=st.tuples(any_float, any_float, any_float), d=st.tuples(any_float, any_float, any_float),
       majorana=st.booleans())
def test_hnl_any_input(m, mix, d, majorana):
    try:
        hnl = HNL(m, mixing=mix, dipole=d, majorana=majorana)
        width, brs = hnl.width, hnl.branching_ratios
    except HNLInputError:
        return
    assert math.isfinite(width) and width >= 0
    assert _finite_nonneg(brs.values())
    assert sum(mix) <= 1 + 1e-12


@SETTINGS
@given(spec=st.one_of(st.text(max_size=30), st.builds(lambda a, b, c: f"{a}:{b}:{c}", any_float, any_float, any_float)))
def test_flavour_pattern_any_text(spec):
    try:
        p = flavour_pattern(spec)
    except HNLInputError:
        return
    assert len(p) == 3 and _finite_nonneg(p) and sum(p) == pytest.approx(1.0)


@SETTINGS
@given(m=any_float, u=st.tuples(any_float, any_float, any_float))
def test_production_any_input(m, u):
    try:
        brs = production_branching_ratios(m, u)
    except HNLInputError:
        return
    assert _finite_nonneg(brs.values())
    assert m <= MASS_RANGE_GEV[1] and sum(u) <= 1 + 1e-9


@SETTINGS
@given(m=masses, u=patterns)
def test_production_physical(m, u):
    brs = production_branching_ratios(m, u)
    assert _finite_nonneg(brs.values())  # per unit |U|^2 a BR may exceed 1 (helicity unsuppression)
    half = production_branching_ratios(m, tuple(0.5 * x for x in u))
    assert half.keys() == brs.keys() and all(half[k] == pytest.approx(0.5 * v, rel=1e-12) for k, v in brs.items())


@SETTINGS
@given(E=any_float, m=any_float, d=any_float, target=st.sampled_from(("p", "C12", "Ar40", "Pb208")),
       comp=st.sampled_from(("coherent", "proton", "neutron", "total")))
def test_xsec_any_input(E, m, d, target, comp):
    try:
        s = ups.dipole_xsec(E, m, target, d=d, component=comp)
    except HNLInputError:
        return
    assert np.all(np.isfinite(s)) and np.all(s >= 0)


@SETTINGS
@given(text=st.one_of(st.text(max_size=20),
                      st.builds(lambda a, b, n: f"{a}:{b}:{n}", any_float, any_float, st.integers(-5, 50))))
def test_mass_grid_any_text(text):
    try:
        grid = parse_mass_grid(text)
    except HNLInputError:
        return
    assert grid.size >= 1 and np.all(np.isfinite(grid))
    assert np.all((grid >= MASS_RANGE_GEV[0]) & (grid <= MASS_RANGE_GEV[1]))


# --- the experiment loader -----------------------------------------------------------------------
TOY = preset_paths()["toy-dump"].read_text()
NUMBER = re.compile(r"(?<![\w.\-])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w.])")
SLOTS = [m.span() for m in NUMBER.finditer(TOY)]
TOML_NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10 ** 20, 10 ** 20))


def _toml_number(x) -> str:
    if isinstance(x, float):
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return repr(x)
    return str(x)


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.integers(0, len(SLOTS) - 1), TOML_NUMBERS), min_size=1, max_size=4))
def test_loader_random_numbers(tmp_path_factory, changes):
    """Any number of toy-dump replaced by any number (NaN, inf, negative, huge): the loader
    returns an experiment or raises HNLInputError naming the file."""
    import tomllib

    text = TOY
    for k, value in sorted(dict(changes).items(), reverse=True):
        a, b = SLOTS[k]
        text = text[:a] + _toml_number(value) + text[b:]
    path = tmp_path_factory.mktemp("toml") / "fuzz.toml"
    try:
        cfg = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    try:
        exp = experiment_from_config(cfg, path)
    except HNLInputError as exc:
        assert str(exc).startswith(f"{path}: "), str(exc)
        assert "\n" not in str(exc)
        return
    assert exp.beam.pot > 0
    assert all(0 <= s.pot_fraction <= 1 for s in exp.sites.values())
    assert all(math.isfinite(s.yield_per_pot) and s.yield_per_pot >= 0 for s in exp.sources)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(drop=st.lists(st.integers(0, TOY.count("\n")), min_size=1, max_size=3))
def test_loader_dropped_lines(tmp_path_factory, drop):
    """toy-dump with random lines removed: an experiment or a one-line HNLInputError."""
    import tomllib

    lines = TOY.splitlines()
    text = "\n".join(ln for i, ln in enumerate(lines) if i not in set(drop))
    try:
        cfg = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    try:
        experiment_from_config(cfg, tmp_path_factory.mktemp("toml") / "drop.toml")
    except HNLInputError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(data=st.binary(min_size=1, max_size=200))
def test_loader_binary_file(tmp_path_factory, data):
    from hnlreach.experiments import load_experiment

    path = tmp_path_factory.mktemp("bin") / "x.toml"
    path.write_bytes(data)
    with pytest.raises(HNLInputError):
        load_experiment(path)
