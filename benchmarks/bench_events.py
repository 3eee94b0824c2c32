"""Benchmark: 10^6 toy-dump events generated and written to Parquet (target: < 60 s on 2 cores).

    python benchmarks/bench_events.py [--n 1000000] [--hepmc N_HEPMC]

Prints the wall time of generation, of the Parquet write, and of a HepMC3 write of --hepmc
events (pyhepmc builds one GenEvent per event in Python: ~time per event is printed), and the
ratio of the full 10^6 run to a reference run of 10^4 events in this process (a
machine-independent figure of merit: perfect linear scaling is 100 x).
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--hepmc", type=int, default=20_000)
    args = ap.parse_args()
    from hnlreach.outputs.events import generate_events, write_events

    def run(n, out, seed):
        t0 = time.perf_counter()
        df = generate_events("toy-dump", 1.0, mixing="mu", coupling=1e-5, n=n, majorana=True, seed=seed)
        t1 = time.perf_counter()
        write_events(df, out)
        t2 = time.perf_counter()
        return df, t1 - t0, t2 - t1

    with tempfile.TemporaryDirectory() as d:
        run(2000, Path(d) / "warm.parquet", 0)  # imports, particle tables
        _, g_ref, w_ref = run(10_000, Path(d) / "ref.parquet", 1)
        df, g, w = run(args.n, Path(d) / "big.parquet", 2)
        size = (Path(d) / "big.parquet").stat().st_size / 1e6
        sub = df.iloc[:args.hepmc].copy()
        sub.attrs = df.attrs
        t0 = time.perf_counter()
        write_events(sub, Path(d) / "sub.hepmc3")
        t_h = time.perf_counter() - t0
    meta = df.attrs["hnlreach"]
    print(f"toy-dump, m = 1 GeV, |U_mu|^2 = 1e-5, Majorana; cpu_count={os.cpu_count()}")
    print(f"  {args.n} events: generation {g:.2f} s + Parquet write {w:.2f} s = {g + w:.2f} s "
          f"({size:.0f} MB; {meta['n_hnl_generated']} HNLs generated)")
    print(f"  reference 10^4 events: {g_ref + w_ref:.3f} s; ratio {(g + w) / (g_ref + w_ref):.1f} x "
          f"(linear scaling: {args.n / 1e4:.0f} x)")
    print(f"  HepMC3 write of {args.hepmc} events: {t_h:.2f} s = {1e6 * t_h / args.hepmc:.0f} us/event "
          f"(10^6 events: ~{t_h * 1e6 / args.hepmc:.0f} s)")


if __name__ == "__main__":
    main()
