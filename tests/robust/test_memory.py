"""Memory runaways: impossible unweighting and huge samples stop early with a clear message."""
from __future__ import annotations

import time

import pytest

from hnlreach.errors import HNLInputError
from hnlreach.experiments import experiment_from_config, read_config


@pytest.fixture(scope="module")
def impossible(tmp_path_factory):
    """toy-dump with a track-energy cut no decay product can pass (1 PeV)."""
    cfg, path = read_config("toy-dump")
    cfg["selection"]["min_track_energy_GeV"] = 1e6
    return experiment_from_config(cfg, tmp_path_factory.mktemp("imp") / "impossible.toml")


@pytest.mark.parametrize("n", [1_000, 100_000])
def test_unweighted_impossible_selection_fails_fast_and_small(impossible, n):
    """Was: 11-13 GB and 338-1159 s.  The unweighting efficiency is estimated on the way (never
    above its optimistic estimate); n / efficiency pooled events that do not fit in memory stop
    the run: < 10 s and < 1 GB."""
    from hnlreach.rates.events import generate_event_arrays

    reset = _reset_peak_rss()
    t0 = time.perf_counter()
    with pytest.raises(HNLInputError, match="unweighting efficiency"):
        generate_event_arrays(impossible, 1.0, mixing="mu", coupling=1e-6, n=n, unweighted=True, seed=3)
    assert time.perf_counter() - t0 < 10.0
    if reset:  # peak resident memory of this whole process (pytest included)
        assert _peak_rss() < 1e9


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS counter of this process (Linux: clear_refs 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _peak_rss() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return float(line.split()[1]) * 1024.0
    raise AssertionError("no VmHWM")


def test_huge_samples_refused_before_work():
    from hnlreach.experiments import load_experiment
    from hnlreach.rates.engine import build_sample
    from hnlreach.rates.events import generate_event_arrays

    exp = load_experiment("toy-dump")
    t0 = time.perf_counter()
    with pytest.raises(HNLInputError, match="memory"):
        build_sample(exp, 1.0, mixing="mu", n_hnl=100_000_000_000)
    with pytest.raises(HNLInputError, match="memory"):
        generate_event_arrays(exp, 1.0, mixing="mu", coupling=1e-6, n=10 ** 15)
    assert time.perf_counter() - t0 < 2.0


def test_memory_check_uses_available_memory(monkeypatch):
    from hnlreach import checks

    monkeypatch.setattr(checks, "available_memory_bytes", lambda: 1e9)
    checks.check_memory(1e5, 1e3, "n")  # 0.1 GB of 1 GB: fine
    with pytest.raises(HNLInputError, match="needs about 2 GB"):
        checks.check_memory(2e6, 1e3, "n")
