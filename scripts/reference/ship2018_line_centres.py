#!/usr/bin/env python3
"""Read the e and mu lower boundaries of SHiP's 2018 sensitivity figure pixel by pixel, as a check of the
digitisation near the mu curve's first point (docs/validation/ship-2018, data/ship/README.md).

The figure (SHiP collaboration, arXiv:1811.00930: e, mu, tau sensitivities on a linear mass axis) is the
image HNLimits digitised: src/HNLimits/include/data/SHiP/Screen Shot 2022-03-11 at 10.42.55 AM.png of
github.com/mhostert/Heavy-Neutrino-Limits @8bcc041 (MIT).  Its axes are calibrated with HNLimits' own
WebPlotDigitizer project (wpd_project.tar/wpd.json in the same folder): 1 GeV at pixel column 642.20,
5 GeV at 1674.31 (linear); 1e-10 at pixel row 965.59, 1e-6 at row 256.12 (logarithmic).

For each mass the script prints, per colour (blue: alpha = e, red: alpha = mu), the rows the line covers
and the |U|^2 of its centre and of its two edges: a drawn line ~15 px thick spans +-11 % in |U|^2.  Where
the red line is drawn over the blue one only the uncovered edge of the blue line is seen.

Usage: python scripts/reference/ship2018_line_centres.py --figure PNG
"""
from __future__ import annotations

import argparse

import numpy as np

X_CAL = ((642.1998, 1.0), (1674.3067, 5.0))  # (pixel column, m_N [GeV]), linear axis (HNLimits wpd.json)
Y_CAL = ((965.5933, 1e-10), (256.1154, 1e-6))  # (pixel row, |U|^2), logarithmic axis (HNLimits wpd.json)
MASSES = (0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.59, 0.62, 0.66, 0.70, 0.74, 0.80, 0.90, 1.00, 1.20)


def column(m: float) -> int:
    (c0, m0), (c1, m1) = X_CAL
    return int(round(c0 + (m - m0) * (c1 - c0) / (m1 - m0)))


def coupling(row: float) -> float:
    (r0, u0), (r1, u1) = Y_CAL
    return float(u0 * (u1 / u0) ** ((row - r0) / (r1 - r0)))


def masks(img: np.ndarray) -> dict[str, np.ndarray]:
    r, g, b = img[:, :, 0], img[:, :, 1], img[:, :, 2]
    return {"e (blue)": (b > 0.5) & (r < 0.3) & (g < 0.4), "mu (red)": (r > 0.5) & (g < 0.45) & (b < 0.45)}


def band(mask: np.ndarray, col: int, rows=(100, 1000)) -> tuple[int, int] | None:
    """First and last row of the colour in the 3-pixel-wide column strip (inside the frame)."""
    hit = np.flatnonzero(mask[rows[0]:rows[1], col - 1:col + 2].any(axis=1)) + rows[0]
    return (int(hit.min()), int(hit.max())) if hit.size else None


def centre_row(bnd: tuple[int, int], other: tuple[int, int] | None, width: float) -> tuple[float, bool]:
    """Row of the line's centre; where the line is narrower than `width` and touches the other colour's band,
    it is partly covered: its centre is half a line width from its uncovered edge."""
    if other is None or bnd[1] - bnd[0] + 1 >= 0.7 * width or min(abs(bnd[0] - other[1]), abs(bnd[1] - other[0])) > 2:
        return 0.5 * (bnd[0] + bnd[1]), False
    if bnd[0] >= other[1] - 2:  # below the other band: the lower edge is free
        return bnd[1] - 0.5 * (width - 1), True
    return bnd[0] + 0.5 * (width - 1), True


def main() -> None:
    import matplotlib.image as mpimg

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--figure", required=True, help="the HNLimits screenshot of the SHiP 2018 figure (PNG)")
    img = mpimg.imread(ap.parse_args().figure)[:, :, :3]
    ms = list(masks(img).items())
    bands = {m: [band(mask, column(m)) for _, mask in ms] for m in MASSES}
    # the full line width of each colour: median thickness where it is 10 px or more (uncovered)
    widths = [float(np.median([b[i][1] - b[i][0] + 1 for b in bands.values() if b[i] and b[i][1] - b[i][0] >= 9]))
              for i in range(len(ms))]
    print(f"line widths [px]: " + ", ".join(f"{k} {w:.0f}" for (k, _), w in zip(ms, widths)))
    print("| m [GeV] | " + " | ".join(f"{k} rows | centre | edges" for k, _ in ms) + " | mu/e (centres) |")
    print("|---|" + "---|---|---|" * len(ms) + "---|")
    for m in MASSES:
        cells, centres = [], []
        for i in range(len(ms)):
            bnd, other = bands[m][i], bands[m][1 - i]
            if bnd is None:
                cells.append("— | — | —")
                centres.append(np.nan)
                continue
            row, covered = centre_row(bnd, other, widths[i])
            centres.append(coupling(row))
            mark = " (partly covered)" if covered else ""
            cells.append(f"{bnd[0]}-{bnd[1]} | {coupling(row):.2e}{mark} | {coupling(bnd[1]):.2e}..{coupling(bnd[0]):.2e}")
        print(f"| {m:.2f} | " + " | ".join(cells) + f" | {centres[1] / centres[0]:.2f} |")


if __name__ == "__main__":
    main()
