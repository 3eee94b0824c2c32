"""Disk cache of per-mass reweightable samples, so that re-plotting, changing the CL or the
precision target does not resimulate.

A sample is stored under a key made of: the experiment's content hash (its TOML file and every
file it references, ``experiment_hash``), the model and sampler options, the mass (exact float64
bits), the seed, the round of the precision loop (scan._run_task_precise), the number of HNLs,
the package version and CACHE_VERSION (bumped when the engine's output changes for the same
inputs).  Samples are written atomically (hnlreach.outputs.atomic) as .npz files under
``$XDG_CACHE_HOME/hnlreach/samples`` (default ~/.cache/hnlreach); a file that cannot be read is
recomputed.  Only ``ReweightableSample`` objects are cached.
"""
from __future__ import annotations

import functools
import hashlib
import io
import os
import re
from pathlib import Path

import numpy as np

CACHE_VERSION = 1
_ARRAYS = ("weight", "p", "l1", "l2", "acceptance")


def cache_dir() -> Path:
    """$XDG_CACHE_HOME/hnlreach, or ~/.cache/hnlreach."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hnlreach"


@functools.lru_cache(maxsize=32)
def experiment_hash(path: str) -> str:
    """SHA-256 of an experiment TOML and of every file it names (quoted strings that resolve to
    files next to it, recursively for referenced TOML files)."""
    h = hashlib.sha256()
    seen = set()

    def add(p: Path):
        p = p.resolve()
        if p in seen or not p.is_file():
            return
        seen.add(p)
        data = p.read_bytes()
        h.update(p.name.encode() + b"\0" + data)
        if p.suffix == ".toml":
            for ref in re.findall(rb'"([^"\n]+)"', data):
                try:
                    add(p.parent / ref.decode())
                except (OSError, UnicodeDecodeError, ValueError):
                    continue

    add(Path(path))
    return h.hexdigest()


def object_hash(obj) -> str:
    """SHA-256 of an in-memory object's pickle (an Experiment given as an object rather than a
    file: the file's hash alone would not see its changes); plug-in functions pickle by name."""
    import pickle

    return hashlib.sha256(pickle.dumps(obj, protocol=4)).hexdigest()


def _save(path: Path, sample) -> None:
    from hnlreach.outputs.atomic import atomic_write_bytes

    buf = io.BytesIO()
    extra = {} if sample.hnl_index is None else {"hnl_index": sample.hnl_index}
    if getattr(sample, "group_acceptance", None) is not None:  # rates.dark.DarkSample: its reweighting fields
        extra.update(y0=sample.y0, width_powers=np.asarray(sample.width_powers, dtype=float),
                     width_fractions=np.asarray(sample.width_fractions, dtype=float),
                     group_acceptance=sample.group_acceptance)
    np.savez(buf, mass=sample.mass, width1=sample.width1, power=sample.power, n_generated=sample.n_generated,
             **{a: getattr(sample, a) for a in _ARRAYS}, **extra)
    atomic_write_bytes(path, buf.getvalue())


def _load(path: Path):
    from hnlreach.rates.engine import ReweightableSample

    with np.load(path) as z:
        args = (float(z["mass"]), float(z["width1"]), float(z["power"]) if "y0" in z.files else int(z["power"]),
                *(z[a] for a in _ARRAYS), int(z["n_generated"]), {"cached": True},
                z["hnl_index"] if "hnl_index" in z.files else None)
        if "group_acceptance" in z.files:
            from hnlreach.rates.dark import DarkSample

            return DarkSample(*args, float(z["y0"]), tuple(z["width_powers"]), tuple(z["width_fractions"]),
                              z["group_acceptance"])
        return ReweightableSample(*args)


class CachedFactory:
    """A scan factory (mass, rng, n_hnl=...) -> sample whose samples in precision scans are read
    from / written to the disk cache.  key: what identifies the sample besides (mass, seed,
    round, n) -- experiment hash, model, options.  Picklable (runs in scan workers)."""

    def __init__(self, factory, key: str, directory: str | os.PathLike | None = None):
        from hnlreach import __version__

        self.factory, self.directory = factory, Path(directory) if directory is not None else cache_dir()
        self.key = f"{key}|hnlreach {__version__}|cache {CACHE_VERSION}"
        self.keywords = getattr(factory, "keywords", {})  # n_hnl for scan_masses' n_start

    def __call__(self, mass, rng, **kw):
        return self.factory(mass, rng, **kw)

    def path(self, mass: float, seed: int, round_: int, n: int) -> Path:
        bits = int(np.float64(mass).view(np.uint64))
        digest = hashlib.sha256(f"{self.key}|{bits}|{seed}|{round_}|{n}".encode()).hexdigest()
        return self.directory / "samples" / digest[:2] / f"{digest}.npz"

    def cached_sample(self, mass: float, seed: int, round_: int, n: int, rng):
        """The sample of (mass, seed, round, n): from the cache, else computed with rng and stored."""
        from hnlreach.rates.engine import ReweightableSample

        path = self.path(mass, seed, round_, n)
        if path.is_file():
            try:
                return _load(path)
            except (OSError, ValueError, KeyError, EOFError):
                pass  # unreadable (e.g. written by another version): recompute
        sample = self.factory(mass, rng, n_hnl=n)
        if isinstance(sample, ReweightableSample):
            try:
                _save(path, sample)
            except OSError:
                pass  # a read-only or full cache directory never stops a scan
        return sample


def max_cache_bytes() -> int:
    """Size cap of the sample cache: $HNLREACH_CACHE_MAX_GB (default 2 GB)."""
    try:
        gb = float(os.environ.get("HNLREACH_CACHE_MAX_GB", "2"))
    except ValueError:
        gb = 2.0
    return int(max(gb, 0.0) * 1e9)


def prune(directory=None, max_bytes: int | None = None) -> int:
    """Delete the least recently written samples until the cache holds at most max_bytes;
    returns the number of files removed.  Called once per scan, before it writes."""
    root = (Path(directory) if directory is not None else cache_dir()) / "samples"
    max_bytes = max_cache_bytes() if max_bytes is None else max_bytes
    try:
        files = [(st.st_mtime, st.st_size, f) for f in root.glob("*/*.npz") for st in [f.stat()]]
    except OSError:
        return 0
    total, removed = sum(size for _, size, _ in files), 0
    for _, size, f in sorted(files):
        if total <= max_bytes:
            break
        try:
            f.unlink()
            total, removed = total - size, removed + 1
        except OSError:
            pass
    return removed


def cached_factory(factory, experiment_path: str, directory=None, **model) -> CachedFactory:
    """CachedFactory keyed by the experiment's content hash and the model/options given; the
    cache is first pruned to its size cap (max_cache_bytes)."""
    opts = ",".join(f"{k}={model[k]!r}" for k in sorted(model))
    prune(directory)
    return CachedFactory(factory, f"{experiment_hash(str(experiment_path))}|{opts}", directory)
