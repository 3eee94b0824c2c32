"""DarkNews 0.4.8 event rate of a prompt light-Z' model at MicroBooNE (active TPC, 86.19 t of argon,
6.8e20 POT), per scattering regime, written to tests/data/rates/darknews_microboone_rate.csv.

DarkNews's convention: every upscattered HNL decays in the detector with the selected channel
(N4 -> nu_mu e+ e-, BR = 1 here), so its rate is the upscattering rate in the target mass.
Run:  python scripts/reference/darknews_microboone_rate.py   (about a minute)."""
from __future__ import annotations

import pathlib

from _darknews import quiet, write_table

MODEL = dict(m4=0.1, mzprime=0.03, epsilon=1e-3, gD=1.0, Umu4=1e-3, UD4=1.0, HNLtype="dirac")


def main():
    quiet()
    from DarkNews.GenLauncher import GenLauncher

    rows = []
    for seed in (1, 2):
        gen = GenLauncher(experiment="microboone_tpc", decay_product="e+e-", neval=100_000, seed=seed,
                          pandas=True, parquet=False, numpy=False, hepevt=False,
                          loglevel="ERROR", **MODEL)
        df = gen.run(loglevel="ERROR")
        w = df["w_event_rate"].to_numpy().ravel()
        regime = df["scattering_regime"].to_numpy().ravel()
        helicity = df["helicity"].to_numpy().ravel()
        for reg in sorted(set(regime)):
            for h in sorted(set(helicity)):
                sel = (regime == reg) & (helicity == h)
                rows.append({"seed": seed, "regime": reg, "helicity": h, "rate": float(w[sel].sum())})
    from DarkNews import const

    header = [f"darknews_e = {float(const.gweak * const.s2w ** 0.5)!r}  (DarkNews's e in the Z' couplings: gweak sqrt(s2w))","DarkNews 0.4.8 GenLauncher(experiment='microboone_tpc', decay_product='e+e-', neval=1e5), "
              "w_event_rate summed per scattering regime and helicity (events for 6.8e20 POT, 86.1906 t Ar40)",
              "model: " + ", ".join(f"{k}={v}" for k, v in MODEL.items()),
              "made by scripts/reference/darknews_microboone_rate.py"]
    write_table(pathlib.Path(__file__).resolve().parents[2] / "tests/data/rates/darknews_microboone_rate.csv",
                header, rows)


if __name__ == "__main__":
    main()
