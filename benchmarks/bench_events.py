"""Benchmark: 10^6 toy-dump events generated and written to Parquet and to HepMC3 (issue 8
target: 10^6 events written in < 60 s on 2 cores).

    python benchmarks/bench_events.py [--n 1000000]

Prints the wall time of generation, of the Parquet write and of the HepMC3 write (vectorised
text writer of hnlreach.outputs.events), file sizes, peak memory, and the ratio of each step of
the n-event run to a reference run of 10^4 events in the same process (a machine-independent
figure of merit: perfect linear scaling is n / 10^4).
"""
from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from itertools import pairwise
from pathlib import Path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    args = ap.parse_args()
    from hnlreach.outputs.events import generate_events, write_events

    def run(n, d, tag, seed):
        t = [time.perf_counter()]
        df = generate_events("toy-dump", 1.0, mixing="mu", coupling=1e-5, n=n, majorana=True, seed=seed)
        t.append(time.perf_counter())
        write_events(df, d / f"{tag}.parquet")
        t.append(time.perf_counter())
        write_events(df, d / f"{tag}.hepmc3")
        t.append(time.perf_counter())
        sizes = [(d / f"{tag}.{e}").stat().st_size / 1e6 for e in ("parquet", "hepmc3")]
        for e in ("parquet", "hepmc3"):
            (d / f"{tag}.{e}").unlink()
        return df, [b - a for a, b in pairwise(t)], sizes

    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        run(2000, d, "warm", 0)  # imports, particle tables
        _, ref, _ = run(10_000, d, "ref", 1)
        df, big, sizes = run(args.n, d, "big", 2)
    meta = df.attrs["hnlreach"]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(f"toy-dump, m = 1 GeV, |U_mu|^2 = 1e-5, Majorana; cpu_count={os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"  {args.n} events ({meta['n_hnl_generated']} HNLs generated), peak RSS {rss:.0f} MB:")
    for name, t_big, t_ref in zip(("generation", "Parquet write", "HepMC3 write"), big, ref):
        print(f"    {name:14s} {t_big:7.2f} s  ({1e6 * t_big / args.n:5.1f} us/event; "
              f"10^4 reference {t_ref:.3f} s, ratio {t_big / t_ref:.0f} x)")
    print(f"    generation + Parquet {big[0] + big[1]:.2f} s ({sizes[0]:.0f} MB); "
          f"generation + HepMC3 {big[0] + big[2]:.2f} s ({sizes[1]:.0f} MB)")
    print(f"  linear scaling would be {args.n / 1e4:.0f} x; "
          f"total ratio {sum(big) / sum(ref):.0f} x")


if __name__ == "__main__":
    main()
