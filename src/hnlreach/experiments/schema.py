"""The experiment TOML schema and its validator (documented in experiments/README.md).

A schema node is a dict  key -> Field.  Units are part of the key (``energy_GeV``,
``center_m``, ``density_g_cm3``), so a value written with the wrong unit is an unknown key and
is reported with the expected spelling.  Every error is one line: ``file: key.path: problem``.
"""
from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from hnlreach.errors import HNLInputError


@dataclass(frozen=True)
class Field:
    kind: str  # str | float | nonneg | pos | fraction | int | count | bool | vec3 | strlist
    #            | floatdict | params | table | tables | choice
    required: bool = False
    sub: dict | None = None  # schema of a table / array of tables
    choices: tuple = ()
    open_keys: bool = False  # table with arbitrary keys, each value validated by `sub`


def _f(kind, required=False, **kw):
    return Field(kind, required, **kw)


VOLUME = {
    "name": _f("str", True), "shape": _f("choice", True, choices=("box", "cylinder", "sphere")),
    "center_m": _f("vec3", True), "size_m": _f("vec3"), "radius_m": _f("pos"),
    "length_m": _f("pos"), "axis": _f("vec3"), "material": _f("str"),
    "composition": _f("str"), "density_g_cm3": _f("nonneg"), "frame": _f("choice", choices=("geometry", "detector")),
}

SPECTRUM = {
    "kind": _f("choice", True, choices=("xf_pt2", "table", "at_rest")),
    "n": _f("float"), "b_GeV2": _f("pos"), "file": _f("str"),
    "half_size_m": _f("vec3"),  # at_rest: decay points uniform in a box around the site (sources.decay_at_rest)
}

# long-lived parents decaying in flight (sources.decay_in_flight): cylinder around the beam axis
# (experiment coordinates; DecayRegion checks z_end_m > z_start_m)
DECAY_IN_FLIGHT = {"z_end_m": _f("float", True), "radius_m": _f("pos", True), "z_start_m": _f("float")}

# per-species requirements ([selection.species.NAME]; names: experiments/vocabulary.py)
SPECIES = {
    "min_energy_GeV": _f("nonneg"), "max_energy_GeV": _f("nonneg"),
    "min_momentum_GeV": _f("nonneg"), "max_momentum_GeV": _f("nonneg"),
    "min_angle_to_beam_rad": _f("nonneg"), "max_angle_to_beam_rad": _f("nonneg"),
    "min_count": _f("int"), "max_count": _f("int"),
}

# one selection (global [selection] or one [selection.channels."N -> ..."] table)
CUTS = {
    "min_track_energy_GeV": _f("nonneg"), "min_opening_angle_rad": _f("nonneg"),
    "max_opening_angle_rad": _f("nonneg"), "max_angle_to_beam_rad": _f("nonneg"),
    "reach_volume": _f("str"), "min_tracks": _f("int"), "max_tracks": _f("int"),
    "visible": _f("choice", choices=("tracks", "all")),
    "min_pt_GeV": _f("nonneg"), "max_pt_GeV": _f("nonneg"),
    "min_invariant_mass_GeV": _f("nonneg"), "max_invariant_mass_GeV": _f("nonneg"),
    "min_transverse_mass_GeV": _f("nonneg"), "max_transverse_mass_GeV": _f("nonneg"),
    "species": _f("table", open_keys=True, sub=SPECIES),
    "plugin": _f("str"), "plugin_parameters": _f("params"),
}

# mesons decaying in flight along a beamline, reconstructed from a nu flux by parent (sources.beamline)
BEAMLINE_SOURCE = {
    "name": _f("str", True), "parent": _f("str", True), "reference": _f("str"),
    "nu_flux": _f("table", True, sub={
        "file": _f("str", True), "column": _f("count"), "normalisation": _f("nonneg"),
        "units": _f("choice", True, choices=("per_cm2_per_pot_per_GeV", "per_cm2_per_pot_per_bin")),
        "lepton": _f("choice", choices=("mu",)),  # nu_e from K: three-body (sources.beamline)
        "max_energy_GeV": _f("pos"),  # use the table up to this energy (where the parent dominates the flux)
        "min_energy_GeV": _f("nonneg"),  # ... and from this energy on
    }),
    "decay_pipe": _f("table", True, sub={
        "target_m": _f("vec3", True), "axis": _f("vec3"), "decay_start_m": _f("nonneg"),
        "decay_end_m": _f("pos", True),
    }),
    "reference_m": _f("vec3"),
}

SCHEMA = {
    "experiment": _f("table", True, sub={
        "name": _f("str", True), "description": _f("str"), "provenance": _f("str", True),
        "references": _f("strlist"),
    }),
    "model": _f("table", sub={
        "mixing": _f("str"), "dipole": _f("str"), "majorana": _f("bool"), "masses": _f("str"),
        "n_hnl": _f("count"),
    }),
    "beam": _f("table", True, sub={
        "particle": _f("str", True), "energy_GeV": _f("pos", True), "pot": _f("nonneg"),
        "runs": _f("tables", sub={"mode": _f("str", True), "pot": _f("nonneg", True)}),
    }),
    "materials": _f("table", open_keys=True, sub={
        "density_g_cm3": _f("nonneg", True), "mass_fractions": _f("floatdict"),
        "atoms": _f("floatdict"),
    }),
    "production_sites": _f("tables", True, sub={
        "name": _f("str", True), "pot_fraction": _f("fraction", True),
        "position_m": _f("vec3", True), "material": _f("str"),
    }),
    "sources": _f("tables", sub={
        "name": _f("str", True), "parent": _f("str", True), "site": _f("str", True),
        "yield_per_pot": _f("nonneg", True), "charge_conjugates": _f("bool"),
        "tau_chain": _f("bool"), "tau_branching_ratio": _f("fraction"),
        "spectrum": _f("table", True, sub=SPECTRUM), "reference": _f("str"),
        "decay_in_flight": _f("table", sub=DECAY_IN_FLIGHT),
        "focusing": _f("choice", choices=("none", "parallel")),
    }),
    "production": _f("table", sub={"include": _f("strlist"), "exclude": _f("strlist")}),
    "fluxes": _f("tables", sub={
        "name": _f("str", True), "flavour": _f("choice", True, choices=("e", "mu", "tau")),
        "antineutrino": _f("bool"), "file": _f("str", True), "column": _f("count"),
        "normalisation": _f("nonneg"),
        "units": _f("choice", True, choices=("per_cm2_per_pot_per_GeV", "per_cm2_per_pot_per_bin")),
        "direction": _f("vec3"), "reference": _f("str"),
    }),
    "geometry": _f("table", True, sub={
        "file": _f("str"), "volumes": _f("tables", sub=VOLUME),
        "fiducial": _f("tables", sub=VOLUME),
    }),
    "signal": _f("table", True, sub={
        "channels": _f("strlist", True), "fiducial": _f("strlist"), "strata": _f("count"),
        "transverse_margin_m": _f("nonneg"), "outer_margin_m": _f("nonneg"),
    }),
    "selection": _f("table", sub={**CUTS, "max_hnl_angle_to_beam_rad": _f("nonneg"),
                                  "channels": _f("table", open_keys=True, sub=CUTS)}),
    "efficiency": _f("table", sub={
        "constant": _f("fraction"), "table": _f("str"),
        "by": _f("choice", choices=("mass", "energy")),
        "channels": _f("floatdict"),
        # delayed trigger: only HNLs arriving after the spill (detection.timing.arrival_after_spill)
        "arrival_after_spill": _f("table", sub={"baseline_m": _f("pos", True), "spill_ns": _f("pos", True),
                                                 "window_start_ns": _f("nonneg"), "window_end_ns": _f("pos")}),
        "channel_tables": _f("tables", sub={
            "channels": _f("strlist", True), "file": _f("str", True),
            "x_unit": _f("choice", choices=("GeV", "MeV")), "outside": _f("choice", choices=("zero", "hold")),
        }),
    }),
    "sampler": _f("table", sub={"function": _f("str", True), "parameters": _f("params"),
                                "models": _f("strlist")}),
    "beamline_sources": _f("tables", sub=BEAMLINE_SOURCE),
    "statistics": _f("table", True, sub={
        "observed": _f("int"), "expected": _f("bool"), "background": _f("nonneg"),
        "background_sigma": _f("nonneg"), "signal_syst": _f("nonneg"),
        "cl": _f("fraction", True),
        "method": _f("choice", True, choices=("classical", "bayesian", "asymptotic", "fixed")),
        "n_limit": _f("pos"),
    }),
}


# each sub-table is optional: a missing one keeps the top-level table (Experiment.for_model)
_ANALYSIS = {"majorana": _f("bool"), "masses": _f("str"), "n_hnl": _f("count"), "pot": _f("pos"),
             **{k: replace(SCHEMA[k], required=False) for k in ("signal", "selection", "efficiency", "statistics")}}
# [analysis.mixing] / [analysis.dipole] / [analysis."mixing e"] ...: replacements used when the model is of that class
# ("mixing e" etc.: for that single flavour only, over "mixing")
SCHEMA["analysis"] = _f("table", sub={k: _f("table", sub=_ANALYSIS) for k in (
    "mixing", "dipole", "mixing e", "mixing mu", "mixing tau", "dipole e", "dipole mu", "dipole tau")})


class _Ctx:
    def __init__(self, where: str):
        self.where = where

    def fail(self, path: str, msg: str):
        raise HNLInputError(f"{self.where}: {path}: {msg}")


def _num(ctx, path, v, check: Callable[[float], bool], what: str):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        ctx.fail(path, f"expected a number ({what}), got {type(v).__name__} {v!r}")
    if not math.isfinite(v) or not check(v):
        ctx.fail(path, f"must be {what}, got {v!r}")
    return float(v)


def _value(ctx: _Ctx, path: str, f: Field, v: Any):
    k = f.kind
    if k == "str":
        if not isinstance(v, str) or not v.strip():
            ctx.fail(path, f"expected a non-empty string, got {v!r}")
        return v
    if k == "choice":
        if v not in f.choices:
            ctx.fail(path, f"must be one of {', '.join(f.choices)}; got {v!r}")
        return v
    if k == "bool":
        if not isinstance(v, bool):
            ctx.fail(path, f"expected true or false, got {v!r}")
        return v
    if k == "float":
        return _num(ctx, path, v, lambda x: True, "finite")
    if k == "nonneg":
        return _num(ctx, path, v, lambda x: x >= 0, ">= 0")
    if k == "pos":
        return _num(ctx, path, v, lambda x: x > 0, "> 0")
    if k == "fraction":
        return _num(ctx, path, v, lambda x: 0 <= x <= 1, "between 0 and 1")
    if k in ("int", "count"):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0 or (k == "count" and v == 0):
            ctx.fail(path, f"expected a {'positive' if k == 'count' else 'non-negative'} integer, got {v!r}")
        return v
    if k == "vec3":
        if not isinstance(v, list) or len(v) != 3:
            ctx.fail(path, f"expected [x, y, z], got {v!r}")
        return [_num(ctx, f"{path}[{i}]", x, lambda x: True, "finite") for i, x in enumerate(v)]
    if k == "strlist":
        if not isinstance(v, list) or not all(isinstance(s, str) for s in v):
            ctx.fail(path, f"expected a list of strings, got {v!r}")
        return v
    if k == "floatdict":
        if not isinstance(v, dict) or not v:
            ctx.fail(path, f"expected a table of numbers, got {v!r}")
        return {kk: _num(ctx, f"{path}.{kk}", x, lambda x: x >= 0, ">= 0") for kk, x in v.items()}
    if k == "params":  # keyword arguments of a plug-in: numbers, strings, booleans
        if not isinstance(v, dict):
            ctx.fail(path, f"expected a table of parameters, got {v!r}")
        for kk, x in v.items():
            if not (isinstance(x, (str, bool, int)) or (isinstance(x, float) and math.isfinite(x))):
                ctx.fail(f"{path}.{kk}", f"expected a number, string or boolean, got {x!r}")
        return dict(v)
    if k == "table":
        if not isinstance(v, dict):
            ctx.fail(path, f"expected a table, got {type(v).__name__}")
        if f.open_keys:
            return {kk: _table(ctx, _join(path, kk), f.sub, vv) for kk, vv in v.items()}
        return _table(ctx, path, f.sub, v)
    if k == "tables":
        if not isinstance(v, list) or not all(isinstance(t, dict) for t in v):
            ctx.fail(path, "expected an array of tables ([[...]])")
        return [_table(ctx, f"{path}[{i}]", f.sub, t) for i, t in enumerate(v)]
    raise AssertionError(k)


def _join(path: str, key: str) -> str:
    """TOML key path: `analysis."mixing tau".signal` (keys that are not bare TOML keys are quoted)."""
    k = key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else '"' + key.replace('"', '\\"') + '"'
    return f"{path}.{k}".lstrip(".")


def _table(ctx: _Ctx, path: str, schema: dict, data: dict) -> dict:
    if not isinstance(data, dict):
        ctx.fail(path, f"expected a table, got {type(data).__name__}")
    out = {}
    for key, v in data.items():
        if key not in schema:
            close = difflib.get_close_matches(key, schema, n=1, cutoff=0.5)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            ctx.fail(_join(path, key), f"unknown key{hint}")
        out[key] = _value(ctx, _join(path, key), schema[key], v)
    for key, f in schema.items():
        if f.required and key not in data:
            ctx.fail(_join(path, key), "missing required field")
    return out


def validate(data: dict, where: str) -> dict:
    """Validate a parsed experiment TOML against SCHEMA; returns it (numbers as floats)."""
    ctx = _Ctx(where)
    out = _table(ctx, "", SCHEMA, data)
    beam = out["beam"]
    if "pot" not in beam and "runs" not in beam:
        ctx.fail("beam", "give the exposure as pot = N or [[beam.runs]] with pot")
    for i, vol in enumerate(out["geometry"].get("volumes", []) + out["geometry"].get("fiducial", [])):
        _check_volume(ctx, f"geometry volume {vol['name']!r}", vol)
    return out


def _check_volume(ctx, path, vol):
    if vol["shape"] == "box" and "size_m" not in vol:
        ctx.fail(path, "a box needs size_m = [dx, dy, dz] (full lengths)")
    if vol["shape"] == "cylinder" and not ("radius_m" in vol and "length_m" in vol):
        ctx.fail(path, "a cylinder needs radius_m and length_m (and optionally axis)")
    if vol["shape"] == "sphere" and "radius_m" not in vol:
        ctx.fail(path, "a sphere needs radius_m")


def validate_geometry_file(data: dict, where: str) -> dict:
    """Validate a geometry data file (experiments/data/...): compositions, volumes, fiducial."""
    ctx = _Ctx(where)
    schema = {
        "provenance": _f("str", True), "detector_origin_m": _f("vec3"),
        "compositions": _f("table", open_keys=True, sub={"mass_fractions": _f("floatdict", True)}),
        "volumes": _f("tables", True, sub=VOLUME), "fiducial": _f("tables", sub=VOLUME),
    }
    out = _table(ctx, "", schema, data)
    for vol in out["volumes"] + out.get("fiducial", []):
        _check_volume(ctx, f"volume {vol['name']!r}", vol)
    return out
