"""Width, lifetime and branching ratios of an HNL, and sampled decay kinematics.

    python examples/hnl_decays.py

The model is written as on the command line (`hnlreach decay --mass 0.5 --mixing tau
--coupling 1e-4 --majorana`); widths from Bondarenko et al. arXiv:1805.08567.
"""
from __future__ import annotations

import numpy as np

import hnlreach


def main():
    n = hnlreach.HNL(0.5, mixing="tau", coupling=1e-4, majorana=True)
    print(f"m = {n.mass} GeV, width = {n.width:.3e} GeV, c tau = {n.ctau:.3g} m")
    for channel, br in list(n.branching_ratios.items())[:6]:
        print(f"  {channel:28s} {br:.3f}")
    pdg, p4 = n.sample_decays("N -> nu mu+ mu-", 10_000, rng=1)  # (n, 3, 4) in the N rest frame
    mass_mumu = np.sqrt(np.maximum((p4[:, 1] + p4[:, 2])[:, 0] ** 2
                                   - np.sum((p4[:, 1] + p4[:, 2])[:, 1:] ** 2, axis=1), 0))
    print(f"N -> nu mu+ mu-: mean m(mu mu) = {mass_mumu.mean():.3f} GeV (threshold {2 * 0.10566:.3f} GeV)")


if __name__ == "__main__":
    main()
