"""Benchmark: contours at a controlled Monte Carlo precision (issue "Contours at the speed limit").

    python benchmarks/bench_speed.py [nd280] [charm] [ship] [--precision 0.03] [--jobs 2] [--check-jobs]

Scenarios (each exactly what `hnlreach limit ... --precision P --no-cache --jobs J` runs, through
hnlreach.api.plan_limit / scan_plan, including the bisection of the mass reach):
  nd280  `hnlreach limit nd280 --dipole mu`: the preset's 40 masses
  charm  `hnlreach limit charm`: the preset's 24 masses
  ship   `hnlreach limit ship --mixing mu --masses 0.3:5.0:40`: the SHiP preset, 40 masses
For each: wall time, CPU time (this process + workers), the idle-equivalent wall time, peak
memory (largest process), the median / max relative MC error of the boundary couplings, and
ratios to references measured in the same process:
  * the physical floor: the exponentials the reweighting needs -- one exp per sample entry per
    coupling evaluated by the root finder (grid + refinement), timed as a bare NumPy np.exp;
  * DarkNews: the time of one total cross section (vegas, one energy, one helicity) -- a
    point-by-point tool needs at least one per (mass, coupling, energy) point.
The machine may be shared (load average printed): the idle-equivalent wall time is the CPU
time of the start-up (imports, experiment, process pool: this process's CPU before the scan)
plus, per scan round (the grid, then each bisection of the mass reach), the makespan of the
masses' own CPU times (MassResult.cpu_seconds) on J workers taking them in order, as
concurrent.futures does -- what the run takes when every worker has a core to itself.
--check-jobs: also run with --jobs 1 and check that the results are identical.
"""
from __future__ import annotations

import argparse
import heapq
import math
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

SCENARIOS = {  # name -> (experiment, plan_limit keywords)
    "nd280": ("nd280", {"dipole": "mu"}),
    "charm": ("charm", {}),
    "ship": ("ship", {"mixing": "mu", "masses": "0.3:5.0:40"}),
}


def makespan(cpu: list[float], jobs: int) -> float:
    """Time for `jobs` workers taking tasks of the given durations in order (each the next free)."""
    free = [0.0] * max(1, jobs)
    for c in cpu:
        t = heapq.heappop(free)
        heapq.heappush(free, t + c)
    return max(free)


def exp_floor(result, g_range, points_per_decade: int = 16, per_boundary: int = 40) -> float:
    """Seconds of np.exp over (entries x couplings evaluated): the reweighting's floor."""
    n_exp = 0
    for r in result.results:
        entries = int(r.stats.get("n_entries", 0))
        n_g = points_per_decade * math.log10(g_range[1] / g_range[0]) + 1
        n_g += per_boundary * sum(len(iv) for iv in r.intervals)
        n_exp += 2 * entries * int(n_g)  # exp(-lam l1) and expm1(-lam (l2 - l1))
    x = np.random.default_rng(0).uniform(-5.0, 0.0, 1 << 20)
    t1 = float("inf")
    for _ in range(7):  # best of 7 (shared machine)
        t0 = time.perf_counter()
        np.exp(x)
        t1 = min(t1, time.perf_counter() - t0)
    return t1 * n_exp / x.size


def darknews_point() -> float | None:
    """Seconds of one DarkNews total cross section (C12 coherent, 1 GeV, m_N = 0.4 GeV, one helicity)."""
    try:
        import logging

        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts" / "reference"))
        import darknews_xsec as ref

        logging.getLogger("logger").setLevel(logging.ERROR)
        t0 = time.perf_counter()
        ref.darknews_xsec("C12", "coherent", 1.0, 0.4)
        return (time.perf_counter() - t0) / 2  # two helicities
    except Exception:  # DarkNews missing or failing: no comparison
        return None


def run(name: str, precision: float, jobs: int, t_darknews, check_jobs: bool = False) -> dict:
    from hnlreach.api import G_RANGE, plan_limit, scan_plan

    c_start = time.process_time()
    experiment, kw = SCENARIOS[name]
    plan = plan_limit(experiment, precision=precision, jobs=jobs, cache=False, **kw)
    c_self, c_kids = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = scan_plan(plan, progress="none")
    wall = time.perf_counter() - t0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - c_self + (kids.ru_utime + kids.ru_stime) - (c_kids.ru_utime + c_kids.ru_stime)
    startup = c_self - c_start + STARTUP_CPU[0]
    rounds = {}
    for r, sd in zip(res.results, res.seeds):
        rounds.setdefault(sd[0], []).append((sd[1], r.cpu_seconds))
    spans = [makespan([c for _, c in sorted(v)], jobs) for _, v in sorted(rounds.items())]
    idle = startup + sum(spans)
    errs = np.array([e for r in res.results for e in r.stats.get("rel_coupling_error_at_boundaries", [])
                     if e is not None])
    g_range = G_RANGE["mixing" if plan.mixing else "dipole"]
    floor = exp_floor(res, g_range)
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, kids.ru_maxrss) / 1024.0  # MB (Linux: KB)
    out = {"name": name, "masses": len(res.masses), "wall": wall, "cpu": cpu, "idle": idle, "peak_MB": peak,
           "median": float(np.median(errs)) if errs.size else float("nan"),
           "max": float(errs.max()) if errs.size else float("nan"), "n_boundaries": int(errs.size),
           "n_hnl": int(sum(r.stats.get("n_hnl", 0) for r in res.results)),
           "met": sum(bool(r.stats.get("precision_met")) for r in res.results), "floor": floor}
    line = (f"{name}: {len(plan.grid)} masses + {int(res.refined.sum())} for the mass reach, {out['n_hnl']:.3g} HNLs "
            f"in all; wall {wall:.1f} s, CPU {cpu:.1f} s (jobs={jobs}, load {os.getloadavg()[0]:.1f}); idle-equivalent "
            f"wall {idle:.1f} s (start-up {startup:.1f} s CPU, grid {spans[0]:.1f} s, mass-reach rounds "
            f"{' + '.join(f'{x:.1f}' for x in spans[1:]) or '-'} s); boundary-coupling MC error median "
            f"{out['median']:.3f}, max {out['max']:.3f} over {errs.size} boundaries ({out['met']}/{len(res.masses)} "
            f"masses met {precision}); peak memory {peak:.0f} MB; exp floor {floor:.2f} s (idle/floor "
            f"{idle / max(floor, 1e-9):.0f})")
    if t_darknews:
        line += (f"; DarkNews total_xsec one point {t_darknews:.2f} s: the whole contour costs "
                 f"{idle / t_darknews:.1f} DarkNews points")
    print(line, flush=True)
    if check_jobs:
        import dataclasses

        one = scan_plan(dataclasses.replace(plan, jobs=1), progress="none")
        same = ([r.intervals for r in one.results] == [r.intervals for r in res.results]
                and [r.stats for r in one.results] == [r.stats for r in res.results])
        print(f"{name}: --jobs 1 and --jobs {jobs} give {'identical' if same else 'DIFFERENT'} results", flush=True)
        out["jobs_invariant"] = same
    return out


STARTUP_CPU = [0.0]  # CPU of the imports before main() (interpreter + numpy + hnlreach)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenarios", nargs="*", default=list(SCENARIOS))
    ap.add_argument("--precision", type=float, default=0.03)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-darknews", action="store_true")
    ap.add_argument("--check-jobs", action="store_true")
    args = ap.parse_args()
    if len(args.scenarios) > 1:  # one process per scenario: peak memory and caches of its own
        import subprocess

        for name in args.scenarios:
            cmd = [sys.executable, __file__, name, "--precision", str(args.precision), "--jobs", str(args.jobs)]
            cmd += (["--no-darknews"] if args.no_darknews else []) + (["--check-jobs"] if args.check_jobs else [])
            subprocess.run(cmd, check=True)
        return
    t_dn = None if args.no_darknews else darknews_point()
    c0 = time.process_time()
    import hnlreach.api  # noqa: F401  (imports counted in the start-up)
    import hnlreach.rates.engine  # noqa: F401

    STARTUP_CPU[0] = time.process_time() - c0 + START_CPU
    for name in args.scenarios:
        if name not in SCENARIOS:
            raise SystemExit(f"unknown scenario {name!r}: {', '.join(SCENARIOS)}")
        run(name, args.precision, args.jobs, t_dn, args.check_jobs)


START_CPU = time.process_time()  # interpreter and numpy start-up, before main()

if __name__ == "__main__":
    main()
