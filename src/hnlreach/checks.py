"""Input checks shared by the TOML loader, the CLI and the Python API.

Each check raises HNLInputError with a one-line message (for TOML inputs in the documented
``FILE: key.path: problem`` form) and is meant to run before any long work.
"""
from __future__ import annotations

import math
import os
import re
import socket
from pathlib import Path

import numpy as np

from hnlreach.errors import HNLInputError

def _prefix(where: str | None, key: str | None) -> str:
    return ": ".join(x for x in (where, key) if x) + ": " if (where or key) else ""


# --- names ------------------------------------------------------------------------------------
def check_decay_channels(names, where: str | None = None, key: str = "signal.channels") -> tuple[str, ...]:
    """Validate a list of HNL decay channel names ('N -> mu- pi+', ...): a non-empty list of
    strings, each a channel the model knows, no duplicates.  Returns them as a tuple.

    Errors read ``WHERE: KEY[i]: unknown decay channel 'N->nu e+ e-' (did you mean 'N -> nu e+ e-'?)``.
    Shared by the TOML loader, selections and the API (one list of names for the whole tool)."""
    if isinstance(names, str) or not hasattr(names, "__iter__"):
        raise HNLInputError(f"{_prefix(where, key)}expected a list of decay channel names, got {names!r}")
    names = list(names)
    if not names:
        raise HNLInputError(f"{_prefix(where, key)}is empty: give at least one decay channel, e.g. 'N -> mu- pi+'")
    for i, name in enumerate(names):
        if not isinstance(name, str):
            raise HNLInputError(f"{_prefix(where, key)}expected channel names, got {name!r} (item {i + 1})")
    from hnlreach.experiments.vocabulary import check_channels

    check_channels(names, where, key)  # known names, with a did-you-mean hint
    if len(set(names)) < len(names):
        twice = next(n for i, n in enumerate(names) if n in names[:i])
        raise HNLInputError(f"{_prefix(where, key)}channel {twice!r} listed twice")
    return tuple(names)


# --- numbers ----------------------------------------------------------------------------------
def check_count(n, what: str, maximum: float | None = None) -> int:
    """A positive integer (sample size), optionally with an upper bound."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        if isinstance(n, float) and math.isfinite(n) and n == int(n):
            n = int(n)
        else:
            raise HNLInputError(f"{what} must be a positive integer, got {n!r}")
    if n < 1:
        raise HNLInputError(f"{what} must be positive, got {n}")
    if maximum is not None and n > maximum:
        raise HNLInputError(f"{what} = {n} is larger than the maximum {maximum:.3g}")
    return int(n)


# --- memory -----------------------------------------------------------------------------------
def available_memory_bytes() -> float | None:
    """Memory available to new allocations: MemAvailable of /proc/meminfo (Linux), else the
    physical memory from sysconf; None if unknown."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024.0
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


MEMORY_FRACTION = 0.8  # at most this share of the available memory for one sample


def check_memory(n_items: float, bytes_per_item: float, what: str, hint: str = "") -> None:
    """Refuse a sample whose estimated size n_items x bytes_per_item exceeds MEMORY_FRACTION of
    the available memory (the work would end in MemoryError or the kernel's OOM killer)."""
    need = float(n_items) * float(bytes_per_item)
    avail = available_memory_bytes()
    if avail is None or need <= MEMORY_FRACTION * avail:
        return
    raise HNLInputError(f"{what} = {n_items:.4g} needs about {need / 1e9:.3g} GB of memory, "
                        f"more than the {avail / 1e9:.3g} GB available{('; ' + hint) if hint else ''}")


# --- schedulers -------------------------------------------------------------------------------
def check_scheduler(address, timeout: float = 2.0) -> None:
    """A Dask scheduler address 'tcp://HOST:PORT' (or HOST:PORT) that accepts a TCP connection
    within `timeout` seconds.  A distributed.Client object is accepted as is."""
    if not isinstance(address, str):
        return
    m = re.fullmatch(r"(?:(tcp|tls)://)?\[?([A-Za-z0-9_.\-:]+?)\]?:(\d{1,5})/?", address.strip())
    if not m or not 0 < int(m.group(3)) < 65536:
        raise HNLInputError(f"--scheduler {address!r}: expected tcp://HOST:PORT")
    host, port = m.group(2), int(m.group(3))
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        reason = "timed out" if isinstance(exc, socket.timeout) else (exc.strerror or str(exc))
        raise HNLInputError(f"--scheduler {address!r}: no scheduler reachable ({reason})") from None


# --- files ------------------------------------------------------------------------------------
def read_number_table(path, what: str, min_columns: int = 2, delimiter: str | None = None,
                      min_rows: int = 1) -> np.ndarray:
    """A text table of finite numbers ('#' comments) with at least `min_columns` columns and
    `min_rows` rows; one-line HNLInputError otherwise (binary, garbage, empty, NaN, one column)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise HNLInputError(f"{what} {p}: not a text file") from None
    except IsADirectoryError:
        raise HNLInputError(f"{what} {p}: is a directory") from None
    except OSError as exc:
        raise HNLInputError(f"{what} {p}: cannot read it ({exc.strerror})") from None
    rows = []
    for k, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        cells = line.split(delimiter) if delimiter else line.replace(",", " ").split()
        try:
            rows.append([float(c) for c in cells])
        except ValueError:
            raise HNLInputError(f"{what} {p}: line {k}: not numbers: {line[:40]!r}") from None
        if len(rows[-1]) != len(rows[0]):
            raise HNLInputError(f"{what} {p}: line {k}: {len(rows[-1])} columns, the first row has {len(rows[0])}")
    if len(rows) < min_rows:
        raise HNLInputError(f"{what} {p}: {'no data' if not rows else f'only {len(rows)} row(s)'}")
    a = np.array(rows, dtype=float)
    if a.shape[1] < min_columns:
        raise HNLInputError(f"{what} {p}: {a.shape[1]} column(s), expected at least {min_columns}")
    if not np.all(np.isfinite(a)):
        raise HNLInputError(f"{what} {p}: contains NaN or infinite values")
    return a


def check_overlay_file(path) -> np.ndarray:
    """A plot overlay file: two or more columns (mass in GeV, coupling), at least 2 rows, positive
    values (the plot is log-log)."""
    a = read_number_table(path, "--overlay", min_columns=2, min_rows=2)
    if np.any(a[:, :2] <= 0):
        raise HNLInputError(f"--overlay {path}: masses and couplings must be positive (log-log plot)")
    return a
