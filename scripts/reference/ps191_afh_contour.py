"""The PS191 |U_mu|^2 limit of Argueelles, Foppiani, Hostert (arXiv:2109.03831) from their own event grid.

Their code (github.com/mhostert/HNL-DIF, commit db9eb4718f5570c43461f219b3d6044990ca7ad6, the
"submission version") tabulates PS191 event numbers in `limits_computed/PS191_minimal_Umu4.dat`: rows
m_N [GeV], |U_mu|^2, tau_0 [s], events, on a 100 x 50 grid (Dirac HNL, U_mu only, N -> nu e+ e-
(neutral current), efficiency 0.3, 0.89e19 POT; `hnl_apps/hnl_tools.get_event_rate`).  Their Fig.
(main_plots.ipynb, 'ours PS191') draws the contour events = 2.3; this script finds it column by column
(the first |U_mu|^2 crossing 2.3 events, log-log interpolation between grid points) and writes
src/hnlreach/data/published_limits/PS191_AFH2021_Umu2_nuee.dat.

Usage: python scripts/reference/ps191_afh_contour.py PS191_minimal_Umu4.dat
(the file: `git show db9eb47:limits_computed/PS191_minimal_Umu4.dat` in a clone of HNL-DIF).
"""
import sys
from pathlib import Path

import numpy as np

LEVEL = 2.3
OUT = Path(__file__).resolve().parents[2] / "src/hnlreach/data/published_limits/PS191_AFH2021_Umu2_nuee.dat"


def lower_boundary(m, u, n, level=LEVEL):
    """[(m, |U|^2 at the first crossing of `level` events)] for every mass column that crosses it."""
    out = []
    for mm in np.unique(m):
        s = m == mm
        o = np.argsort(u[s])
        uu, nn = u[s][o], n[s][o]
        above = np.nonzero(nn > level)[0]
        if above.size == 0 or above[0] == 0:
            continue
        i = above[0]
        x0, x1, y0, y1 = np.log(uu[i - 1]), np.log(uu[i]), np.log(max(nn[i - 1], 1e-300)), np.log(nn[i])
        out.append((mm, float(np.exp(x0 + (np.log(level) - y0) * (x1 - x0) / (y1 - y0)))))
    return np.array(out)


def main(path):
    m, u, _, n = np.loadtxt(path)
    curve = lower_boundary(m, u, n)
    header = ("PS191 90 % CL limit on |U_mu|^2 (lower boundary, excluded above), Dirac HNL, U_mu only, N -> nu e+ e- only\n"
              "(neutral current), efficiency 0.3, 0.89e19 POT: the 'ours PS191' curve of Argueelles, Foppiani, Hostert,\n"
              "arXiv:2109.03831, = the 2.3-event contour of their grid limits_computed/PS191_minimal_Umu4.dat\n"
              "(github.com/mhostert/HNL-DIF @ db9eb4718f5570c43461f219b3d6044990ca7ad6), found by\n"
              "scripts/reference/ps191_afh_contour.py\n"
              "m_N [GeV]  |U_mu|^2")
    np.savetxt(OUT, curve, fmt="%.6e", header=header)
    print(f"wrote {OUT} ({len(curve)} masses)")


if __name__ == "__main__":
    main(sys.argv[1])
