"""Limit tables: the ``hnlreach limit`` CSV and its JSON sidecar, written and read back.

CSV (``LimitResult.to_csv``)::

    # coupling: |U_tau|^2
    # hnlreach limit charm: Majorana, 90 % CL, N > 2.303; *_open = 1: that bound lies beyond the scanned coupling range (not a limit)
    mass_GeV,lower,upper,lower_open,upper_open,n_intervals
    0.1,3.371866e-04,1.000000e+00,0,1,1
    1.75,,,0,0,0

One row per mass (grid masses and the masses added to resolve the mass reach, ascending).
``lower``/``upper`` bound the main (lowest-coupling) excluded interval, empty where nothing is
excluded (never NaN); ``lower_open``/``upper_open`` = 1 where that bound is the edge of the
scanned coupling range (e.g. the cap |U|^2 = 1), i.e. the true boundary lies beyond it: the
value is written but it is NOT a limit.  ``n_intervals``: number of excluded islands at that mass
(all of them are in the sidecar).  Comment lines start with ``#`` (``pandas.read_csv(path,
comment="#")`` reads the table).

Sidecar (``F.csv`` -> ``F.json``, format ``hnlreach-limit/2``): coupling, model, experiment,
exposure, CL, N_limit, seed, versions, timings and per mass every interval, the open flags and
the engine's MC statistics (``mc.rel_mc_error_at_boundaries``: relative MC error of N at each
interval end, in the order of the flattened intervals).
"""
from __future__ import annotations

import json
import math
import os
import platform
from pathlib import Path
from typing import Any

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.outputs.atomic import atomic_write_text

CSV_HEADER = "mass_GeV,lower,upper,lower_open,upper_open,n_intervals"
SIDECAR_FORMAT = "hnlreach-limit/2"
COUPLING_PREFIX = "# coupling:"


def _fmt(x: float | None, spec: str) -> str:
    if x is None or not math.isfinite(float(x)):
        return ""
    return format(float(x), spec)


def limit_csv_text(result) -> str:
    """CSV text of a LimitResult (format in the module docstring)."""
    lines = [f"{COUPLING_PREFIX} {result.coupling.text}",
             f"# hnlreach limit {result.experiment}: {result.model.get('nature', '')}, "
             f"{100 * result.cl:g} % CL, N > {result.n_limit:.4g}; *_open = 1: that bound lies beyond "
             "the scanned coupling range (not a limit)",
             CSV_HEADER]
    for i, m in enumerate(result.masses):
        ivs = result.intervals[i]
        lo, hi = (ivs[0] if ivs else (None, None))
        lo_open, hi_open = result.main_open(i)
        lines.append(f"{_fmt(m, '.8g')},{_fmt(lo, '.6e')},{_fmt(hi, '.6e')},"
                     f"{int(lo_open)},{int(hi_open)},{len(ivs)}")
    return "\n".join(lines) + "\n"


def sidecar_path(csv_path: str | os.PathLike) -> Path:
    """JSON sidecar next to the CSV: F.csv -> F.json (F.json.csv -> F.json.json never collides)."""
    p = Path(csv_path)
    return p.with_suffix(".json") if p.suffix.lower() != ".json" else p.with_name(p.name + ".meta.json")


def package_versions() -> dict[str, str]:
    """Versions of python, numpy, scipy and hnlreach (for the sidecar)."""
    import scipy

    import hnlreach

    return {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
            "hnlreach": hnlreach.__version__}


def jsonable(obj: Any) -> Any:
    """Plain JSON types; NaN/inf -> None so the sidecar is strict JSON."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return jsonable(obj.tolist())
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        x = float(obj)
        return x if math.isfinite(x) else None
    if isinstance(obj, (str, int)) or obj is None:
        return obj
    return str(obj)


def sidecar_dict(result) -> dict:
    """Sidecar content of a LimitResult."""
    masses = []
    for i, m in enumerate(result.masses):
        ivs = result.intervals[i]
        masses.append({
            "mass_GeV": float(m), "lower": ivs[0][0] if ivs else None, "upper": ivs[0][1] if ivs else None,
            "intervals": [list(iv) for iv in ivs],
            "open_lower": bool(result.open_lower[i]), "open_upper": bool(result.open_upper[i]),
            "refined": bool(result.refined[i]), "seed": result.seeds[i], "wall_seconds": float(result.mass_seconds[i]),
            "mc": result.mc[i],
        })
    out = {
        "format": SIDECAR_FORMAT, "coupling": result.coupling.text,
        "model": result.model, "experiment": result.experiment, "exposure": result.exposure, "cl": result.cl,
        "n_limit": result.n_limit, "seed": result.seed, "n_hnl": result.n_hnl,
        "coupling_range": list(result.coupling_range) if result.coupling_range else None,
        "statistics_method": result.statistics_method, "provenance": result.provenance,
        "versions": result.versions or package_versions(), "seconds": result.seconds,
        "masses": masses,
    }
    return jsonable(out)


def write_json(path: str | os.PathLike, result, csv_name: str | None = None,
               csv_sha256: str | None = None) -> Path:
    """Write the sidecar of a LimitResult atomically."""
    meta = sidecar_dict(result)
    if csv_name:
        meta["csv"] = csv_name
    if csv_sha256:
        meta["csv_sha256"] = csv_sha256  # detects a CSV/sidecar mismatch
    return atomic_write_text(path, json.dumps(meta, indent=1, allow_nan=False) + "\n")


def write_limit_outputs(csv_path: str | os.PathLike, result) -> tuple[Path, Path | None]:
    """Write the CSV and its JSON sidecar atomically and together (outputs.atomic.commit_group);
    returns (csv_path, json_path).  A device or FIFO (e.g. /dev/null, /dev/stdout) gets the CSV
    written directly and no sidecar (json_path None): nothing is ever created next to a device."""
    import hashlib

    from hnlreach.outputs.atomic import commit_group, special_file

    csv_path = Path(csv_path)
    text = limit_csv_text(result)
    if special_file(csv_path):
        atomic_write_text(csv_path, text)
        return csv_path, None
    with commit_group():
        atomic_write_text(csv_path, text)
        json_path = write_json(sidecar_path(csv_path), result, csv_name=csv_path.name,
                               csv_sha256=hashlib.sha256(text.encode()).hexdigest())
    return csv_path, json_path


# --- reading back --------------------------------------------------------------------------------
def read_limit_csv(path: str | os.PathLike) -> dict:
    """Read a limit CSV: {'coupling': text or None, 'masses', 'lower', 'upper' (NaN where nothing
    is excluded), 'lower_open', 'upper_open' (bool), 'n_intervals'} (HNLInputError if malformed)."""
    try:
        lines = Path(path).read_text().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise HNLInputError(f"cannot read {path}: {exc}") from None
    coupling = None
    body = []
    for ln in lines:
        if ln.startswith(COUPLING_PREFIX):
            coupling = ln[len(COUPLING_PREFIX):].strip()
        elif ln.strip() and not ln.startswith("#"):
            body.append(ln)
    if not body or body[0].strip() != CSV_HEADER:
        raise HNLInputError(f"{path}: not an hnlreach limit table (header {CSV_HEADER!r} expected)")
    conv = lambda s: float(s) if s.strip() else np.nan
    try:
        rows = [[conv(c) for c in ln.split(",")] for ln in body[1:]]
        arr = np.array(rows, dtype=float).reshape(-1, 6)
    except ValueError:
        raise HNLInputError(f"{path}: malformed row in the limit table") from None
    return {"coupling": coupling, "masses": arr[:, 0], "lower": arr[:, 1], "upper": arr[:, 2],
            "lower_open": arr[:, 3] > 0, "upper_open": arr[:, 4] > 0, "n_intervals": arr[:, 5].astype(int)}


def read_sidecar(path: str | os.PathLike) -> dict:
    """Read a sidecar (HNLInputError if it is not one)."""
    try:
        meta = json.loads(Path(path).read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HNLInputError(f"cannot read {path} as an hnlreach limit sidecar: {exc}") from None
    if not isinstance(meta, dict) or meta.get("format") != SIDECAR_FORMAT:
        raise HNLInputError(f"{path}: not an hnlreach limit sidecar (format {SIDECAR_FORMAT!r} expected)")
    return meta
