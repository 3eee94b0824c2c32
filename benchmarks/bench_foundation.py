#!/usr/bin/env python3
"""Foundation benchmarks: decay widths, decay sampling and CLI start-up.

Prints wall times and ratios to reference operations run in the same process
(issue 2: `hnlreach decay --mass 1.0 --mixing tau --json` answers in about a second).
"""
from __future__ import annotations

import subprocess
import sys

import numpy as np
from timing import best_of




def main():
    from hnlreach import HNL
    from hnlreach.physics.decays import mixing_partial_widths

    # reference: the bare interpreter start-up, and drawing 3e6 uniform random numbers
    t_python = best_of(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True))
    rng = np.random.default_rng(0)
    t_rng = best_of(lambda: rng.random(3_000_000))

    t_cli = best_of(lambda: subprocess.run([sys.executable, "-m", "hnlreach.cli", "decay", "--mass", "1.0",
                                          "--mixing", "tau", "--json"], check=True, capture_output=True))
    masses = iter(np.linspace(0.01, 4.9, 1000))
    t_width = best_of(lambda: mixing_partial_widths(next(masses), (1.0, 1.0, 1.0), True), repeat=20)
    hnl = HNL(1.0, mixing=(1.0, 0, 0))
    hnl.sample_decays("N -> nu e+ e-", 1000, rng=0)
    t_sample = best_of(lambda: hnl.sample_decays("N -> nu e+ e-", 1_000_000, rng=0), repeat=1)

    print(f"hnlreach decay --mass 1.0 --mixing tau --json : {t_cli:.3f} s "
          f"({t_cli / t_python:.1f} x bare python start-up {t_python:.3f} s)")
    print(f"mixing_partial_widths, new mass, 3 flavours, Majorana : {1e3 * t_width:.2f} ms")
    print(f"10^6 decays N -> nu e+ e- (mixing matrix element) : {t_sample:.2f} s "
          f"({t_sample / t_rng:.0f} x drawing 3e6 uniforms {t_rng * 1e3:.1f} ms)")


if __name__ == "__main__":
    main()
