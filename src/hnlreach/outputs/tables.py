"""Limit tables: the ``hnlreach limit`` CSV (DESIGN.md contract) and its JSON sidecar.

CSV: header exactly ``mass_GeV,lower,upper``; one row per mass; lower/upper are the bounds of
the main (lowest-coupling) excluded interval, empty fields where nothing is excluded (never NaN).
Sidecar: same path with suffix ``.json`` — model, experiment, exposure, CL, seed, package
versions, and per mass all excluded islands and the engine's MC statistics.
"""
from __future__ import annotations

import json
import math
import os
import platform
from pathlib import Path
from typing import Any

import numpy as np

from hnlreach.outputs.atomic import atomic_write_text

CSV_HEADER = "mass_GeV,lower,upper"
SIDECAR_FORMAT = "hnlreach-limit/1"


def _fmt(x: float | None, spec: str) -> str:
    if x is None or not math.isfinite(float(x)):
        return ""
    return format(float(x), spec)


def limit_csv_text(masses, lower, upper) -> str:
    """CSV text for masses (GeV) and bounds; None or non-finite bounds become empty fields."""
    lines = [CSV_HEADER]
    for m, lo, hi in zip(masses, lower, upper):
        if lo is None or hi is None or not (math.isfinite(float(lo)) and math.isfinite(float(hi))):
            lo = hi = None
        lines.append(f"{_fmt(m, '.8g')},{_fmt(lo, '.6e')},{_fmt(hi, '.6e')}")
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


def _jsonable(obj: Any) -> Any:
    """Plain JSON types; NaN/inf -> None so the sidecar is strict JSON."""
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        x = float(obj)
        return x if math.isfinite(x) else None
    if isinstance(obj, (str, int, bool)) or obj is None:
        return obj
    return str(obj)


def sidecar_dict(result, *, model: dict | None = None, experiment: str | None = None,
                 exposure: Any = None, cl: float | None = None, extra: dict | None = None) -> dict:
    """Sidecar content for a ScanResult (hnlreach.scan)."""
    masses = []
    for r in result.results:
        masses.append({
            "mass_GeV": r.mass, "lower": r.lower, "upper": r.upper,
            "intervals": [list(iv) for iv in r.intervals],
            "open_lower": r.open_lower, "open_upper": r.open_upper,
            "seed_spawn_key": list(r.seed_spawn_key), "wall_seconds": r.seconds,
            "mc": r.stats,
        })
    out = {
        "format": SIDECAR_FORMAT,
        "model": model or {}, "experiment": experiment, "exposure": exposure, "cl": cl,
        "n_limit": result.n_limit, "seed": result.seed,
        "coupling_range": result.g_range, "versions": package_versions(),
        "masses": masses,
    }
    if extra:
        out.update(extra)
    return _jsonable(out)


def write_limit_outputs(csv_path: str | os.PathLike, result, *, model: dict | None = None,
                        experiment: str | None = None, exposure: Any = None, cl: float | None = None,
                        extra: dict | None = None) -> tuple[Path, Path]:
    """Write the CSV and its JSON sidecar atomically; returns (csv_path, json_path)."""
    csv_path = Path(csv_path)
    atomic_write_text(csv_path, limit_csv_text(result.masses, result.lower, result.upper))
    meta = sidecar_dict(result, model=model, experiment=experiment, exposure=exposure, cl=cl, extra=extra)
    meta["csv"] = csv_path.name
    json_path = sidecar_path(csv_path)
    atomic_write_text(json_path, json.dumps(meta, indent=1, allow_nan=False) + "\n")
    return csv_path, json_path


def read_limit_csv(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read a limit CSV back: masses, lower, upper (NaN where nothing is excluded)."""
    lines = Path(path).read_text().splitlines()
    if not lines or lines[0].strip() != CSV_HEADER:
        raise ValueError(f"{path}: not an hnlreach limit table (header {CSV_HEADER!r} expected)")
    rows = [ln.split(",") for ln in lines[1:] if ln.strip()]
    conv = lambda s: float(s) if s else np.nan
    arr = np.array([[conv(c) for c in r] for r in rows], dtype=float).reshape(-1, 3)
    return arr[:, 0], arr[:, 1], arr[:, 2]
