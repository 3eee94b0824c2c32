"""Read a dark-sector model: hnlreach's TOML (docs/models.md) or a DarkNews parameter file.

DarkNews parameter files (``dn_gen --param-file``, DarkNews 0.4.8 AssignmentParser.py): one assignment
``name = expression`` per line, ``#`` comments; an expression is a number, a quoted string, a list
``[a, b]``, True/False/None, or arithmetic (+ - * / ^, parentheses) of numbers, PI, E and names
assigned on earlier lines, with sin cos tan exp abs trunc round sgn sum.  We evaluate it with our own
restricted evaluator (no eval).  A name that is neither a DarkNews parameter nor used by a later line
is an error (HNLInputError); generator settings (experiment, neval, ...) are accepted and ignored.
As DarkNews does, a file with three-portal parameters takes DarkNews's defaults for the rest
(m4 = 0.15, mzprime = 1.25, gD = 1, epsilon = 1e-3, Umu4 = 1e-3, UD4 = UD5 = UD6 = 1, Dirac).
"""
from __future__ import annotations

import ast
import dataclasses
import math
import operator
import pathlib
import tomllib

from hnlreach.errors import HNLInputError
from hnlreach.models.dark_sector import FLAVOURS, HNLS, DarkSector
from hnlreach.physics.constants import ALPHA_EM, SIN2_THETA_W

_LEPTONS = FLAVOURS + ("4", "5", "6")
_PAIRS = [f"{a}{j}" for a in _LEPTONS for j in HNLS if not (a.isdigit() and int(a) > j)]
THREE_PORTAL = ({"gD", "alphaD", "epsilon", "epsilon2", "chi", "alpha_epsilon2", "epsilonZ", "theta"}
                | {f"U{a}{j}" for a in FLAVOURS + ("D",) for j in HNLS})
COMMON = ({"name", "m4", "m5", "m6", "mzprime", "mhprime", "HNLtype"}
          | {f"mu_tr_{p}" for p in _PAIRS} | {f"s_{p}" for p in _PAIRS})
GENERIC = ({f"{c}_{p}" for c in "cd" for p in _PAIRS}
           | {f"{c}{f}{k}" for c in "cd" for f in ("e", "u", "d") for k in "VA"}
           | {f"d{f}{k}" for f in ("e", "u", "d") for k in "SP"}
           | {f"{c}{n}{k}" for c in "cd" for n in ("proton", "neutron") for k in "VA"}
           | {f"d{n}{k}" for n in ("proton", "neutron") for k in "SP"})
GENERATOR = {"decay_product", "experiment", "nopelastic", "nocoh", "include_nelastic", "noHC", "noHF",
             "nu_flavors", "sample_geometry", "make_summary_plots", "enforce_prompt", "loglevel", "verbose",
             "logfile", "neval", "nint", "neval_warmup", "nint_warmup", "seed", "pandas", "parquet", "numpy",
             "hepevt", "hepevt_legacy", "hepmc2", "hepmc3", "hep_unweight", "unweighted_hep_events", "sparse",
             "print_to_float32", "path"}
DARKNEWS_DEFAULTS = {"m4": 0.150, "mzprime": 1.25, "HNLtype": "dirac", "gD": 1.0, "epsilon": 1e-3,
                     "Umu4": 1e-3, "UD4": 1.0, "UD5": 1.0, "UD6": 1.0}

_FUNCS = {"sin": math.sin, "cos": math.cos, "tan": math.tan, "exp": math.exp, "abs": abs, "trunc": int,
          "round": round, "sgn": lambda a: -1 if a < -1e-100 else (1 if a > 1e-100 else 0), "sum": sum,
          "list": lambda *a: list(a), "str": str}
_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.Pow: operator.pow}


def _evaluate(node, names, where):
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str)):
        return node.value
    if isinstance(node, ast.Name):
        low = node.id.lower()
        if low in ("pi", "e", "true", "false", "none"):
            return {"pi": math.pi, "e": math.e, "true": True, "false": False, "none": None}[low]
        if node.id not in names:
            raise HNLInputError(f"{where}: {node.id!r} is used before it is assigned")
        return names[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        a, b = _evaluate(node.left, names, where), _evaluate(node.right, names, where)
        try:
            return _BINOPS[type(node.op)](a, b)
        except (TypeError, ZeroDivisionError, OverflowError) as exc:
            raise HNLInputError(f"{where}: {exc}") from None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _evaluate(node.operand, names, where)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.List):
        return [_evaluate(x, names, where) for x in node.elts]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS and not node.keywords:
        try:
            return _FUNCS[node.func.id](*[_evaluate(x, names, where) for x in node.args])
        except (TypeError, ValueError, OverflowError) as exc:
            raise HNLInputError(f"{where}: {exc}") from None
    raise HNLInputError(f"{where}: not a DarkNews parameter expression")


def parse_darknews_text(text: str, source: str = "<string>") -> dict:
    """name -> value of every assignment of a DarkNews parameter file, in order."""
    names: dict = {}
    used: set = set()
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{source}:{n}"
        name, eq, expr = line.partition("=")
        name = name.strip()
        if not eq or not name.isidentifier() or name.startswith("_"):
            raise HNLInputError(f"{where}: expected 'name = value', got {raw.strip()!r}")
        if name.lower() in ("pi", "e", "true", "false", "none") or name in _FUNCS:
            raise HNLInputError(f"{where}: {name!r} cannot be assigned")
        try:
            tree = ast.parse(expr.strip().replace("^", "**"), mode="eval")
        except SyntaxError:
            raise HNLInputError(f"{where}: cannot parse {expr.strip()!r}") from None
        used |= {x.id for x in ast.walk(tree) if isinstance(x, ast.Name)}
        names[name] = _evaluate(tree.body, names, where)
    unknown = [k for k in names if k not in COMMON | THREE_PORTAL | GENERIC | GENERATOR and k not in used]
    if unknown:
        raise HNLInputError(f"{source}: unknown DarkNews parameter(s) {', '.join(unknown)}")
    return names


def from_darknews_parameters(params: dict, *, darknews_defaults: bool = True, dipole_normalisation="lagrangian") -> DarkSector:
    """A DarkSector from DarkNews parameter names (GenLauncher / model.py keywords)."""
    p = {k: v for k, v in params.items() if k in COMMON | THREE_PORTAL | GENERIC}
    three = any(k in THREE_PORTAL for k in p)
    generic = {k: p[k] for k in GENERIC if k in p}
    if three and generic:
        raise HNLInputError("three-portal and generic DarkNews parameters cannot be mixed (as in DarkNews)")
    if three and darknews_defaults:
        p = {**DARKNEWS_DEFAULTS, **p}
    elif darknews_defaults:
        p = {"m4": DARKNEWS_DEFAULTS["m4"], "HNLtype": "dirac", "mzprime": DARKNEWS_DEFAULTS["mzprime"], **p}
    cw = math.sqrt(1.0 - SIN2_THETA_W)
    kinetic = [k for k in ("chi", "epsilon2", "alpha_epsilon2") if p.get(k) is not None]
    epsilon = float(p.get("epsilon") or 0.0)
    if "chi" in kinetic:  # DarkNews order of precedence: chi, epsilon2, alpha_epsilon2, epsilon
        epsilon = float(p["chi"]) * cw
    elif "epsilon2" in kinetic:
        epsilon = math.sqrt(float(p["epsilon2"]))
    elif "alpha_epsilon2" in kinetic:
        epsilon = math.sqrt(float(p["alpha_epsilon2"]) / ALPHA_EM)
    gD = float(p["gD"]) if p.get("gD") is not None else 0.0
    if p.get("alphaD") is not None:
        gD = math.sqrt(4.0 * math.pi * float(p["alphaD"]))

    def pairs(prefix):
        out = {}
        for pair in _PAIRS:
            v = p.get(f"{prefix}{pair}")
            if v:
                out[(pair[:-1], int(pair[-1]))] = float(v)
        return out

    U = {(a, j): float(p[f"U{a}{j}"]) for a in FLAVOURS for j in HNLS if p.get(f"U{a}{j}")}
    UD = {j: float(p[f"UD{j}"]) for j in HNLS if p.get(f"UD{j}")}
    try:
        return DarkSector(m4=p["m4"], m5=p.get("m5"), m6=p.get("m6"), nature=p.get("HNLtype", "dirac"),
                          mzprime=p.get("mzprime") if (three or generic) else None, mhprime=p.get("mhprime"),
                          epsilon=epsilon, gD=gD, epsilonZ=float(p.get("epsilonZ") or 0.0),
                          theta=float(p.get("theta") or 0.0), U={k: v for k, v in U.items() if int(k[1]) - 4 < _n(p)},
                          UD={k: v for k, v in UD.items() if k - 4 < _n(p)}, mu_tr=pairs("mu_tr_"), s=pairs("s_"),
                          generic=generic, dipole_normalisation=dipole_normalisation, name=str(p.get("name") or "dark sector"))
    except KeyError as exc:
        raise HNLInputError(f"model has no {exc.args[0]}") from None


def _n(p) -> int:
    return 1 + (p.get("m5") is not None) + (p.get("m6") is not None)


_TOML_TABLES = {"mixing": "U", "dipole": "mu_tr_", "scalar": "s_"}
_TOML_TOP = {"name", "nature", "m4", "m5", "m6", "mzprime", "mhprime", "epsilon", "chi", "alpha_epsilon2",
             "gD", "alphaD", "epsilonZ", "theta", "dipole_normalisation", "mixing", "dipole", "scalar", "generic"}


def from_toml(data: dict, source: str = "<toml>") -> DarkSector:
    """A DarkSector from hnlreach's TOML layout (docs/models.md); no DarkNews defaults."""
    data = data.get("model", data)
    unknown = sorted(set(data) - _TOML_TOP)
    if unknown:
        raise HNLInputError(f"{source}: unknown model key(s) {', '.join(unknown)}")
    flat = {k: v for k, v in data.items() if k not in _TOML_TABLES and k not in ("generic", "nature", "dipole_normalisation")}
    flat["HNLtype"] = data.get("nature", "dirac")
    for table, prefix in _TOML_TABLES.items():
        for key, v in data.get(table, {}).items():
            name = prefix + key
            if name not in THREE_PORTAL | COMMON:
                raise HNLInputError(f"{source}: unknown entry {key!r} in [{table}]")
            flat[name] = v
    for key, v in data.get("generic", {}).items():
        if key not in GENERIC:
            raise HNLInputError(f"{source}: unknown DarkNews generic coupling {key!r}")
        flat[key] = v
    if "m4" not in flat:
        raise HNLInputError(f"{source}: the model needs m4")
    return from_darknews_parameters(flat, darknews_defaults=False, dipole_normalisation=data.get("dipole_normalisation", "lagrangian"))


def load_model(path) -> DarkSector:
    """Read a dark-sector model file: hnlreach TOML (``*.toml``) or a DarkNews parameter file (anything else)."""
    p = pathlib.Path(path)
    try:
        text = p.read_text()
    except OSError as exc:
        raise HNLInputError(f"cannot read model file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise HNLInputError(f"model file {path} is not text") from None
    if p.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise HNLInputError(f"{path}: invalid TOML: {exc}") from None
        model = from_toml(data, str(path))
    else:
        model = from_darknews_parameters(parse_darknews_text(text, str(path)))
    return model if model.name != "dark sector" else dataclasses.replace(model, name=p.stem)
