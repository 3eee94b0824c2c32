"""Reference table of dipole-portal upscattering cross sections from DarkNews (vegas).

Writes tests/data/upscattering/darknews_xsec.csv: nu_mu + target -> N + target through a transition
magnetic moment, per nucleus (DarkNews multiplies the p-el / n-el terms by Z / A - Z), in cm^2.

Convention mapping: DarkNews's `mu_tr_mu4` is the transition magnetic moment mu_tr; internally it sets
the dipole t_aj = mu_tr / 2 (DarkNews/model.py), which is d of Liu et al. arXiv:2412.15051 eq. (2).  We run mu_tr = 2 GeV^-1,
i.e. d = 1 GeV^-1, the default of `hnlreach xsec`.  DarkNews computes the two HNL helicities separately
("conserving" h = -1, "flipping" h = +1); the unpolarised cross section is their sum.  Dirac HNL (for
upscattering DarkNews gives the same number for a Majorana HNL; checked live in the tests).

Usage:  python scripts/reference/darknews_xsec.py   (about a minute on one core)
"""
from __future__ import annotations

import pathlib
import time

import DarkNews
from _darknews import helicity_xsecs, quiet, write_table
from DarkNews import model, pdg
from DarkNews.nuclear_tools import NuclearTarget

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "upscattering" / "darknews_xsec.csv"
TARGETS = ["C12", "O16", "Ar40", "Pb208", "H1"]  # H1 = free proton (DarkNews: only the p-el regime)
ENERGIES = [0.5, 1.0, 3.0]
MASSES = [0.1, 0.4, 0.7]
MU_TR = 2.0  # GeV^-1  -> d = 1 GeV^-1
VEGAS = dict(NINT=20, NEVAL=5000, NINT_warmup=10, NEVAL_warmup=2000)
SEED = 20240601
REGIMES = {"coherent": "coherent", "p-el": "proton", "n-el": "neutron"}


def darknews_xsec(target: str, regime: str, E: float, m: float, hnl_type="dirac", projectile=pdg.numu):
    """(helicity-conserving, helicity-flipping) total cross sections in cm^2 per nucleus."""
    bsm = model.GenericHNLModel(m4=m, mu_tr_mu4=MU_TR, HNLtype=hnl_type)
    return helicity_xsecs(bsm, NuclearTarget(target), regime, E, ["TMM_SQR"], SEED, VEGAS, projectile)


def main():
    quiet()
    rows = []
    t0 = time.time()
    for target in TARGETS:
        regimes = ["p-el"] if target == "H1" else list(REGIMES)
        for regime in regimes:
            for E in ENERGIES:
                for m in MASSES:
                    hc, hf = darknews_xsec(target, regime, E, m)
                    rows.append({"target": target, "component": REGIMES[regime], "E_nu_GeV": E, "m_N_GeV": m,
                                 "d_GeV^-1": MU_TR / 2, "sigma_hel_conserving_cm2": f"{hc:.6e}",
                                 "sigma_hel_flipping_cm2": f"{hf:.6e}", "sigma_cm2": f"{hc + hf:.6e}"})
    write_table(OUT, [
        f"DarkNews {DarkNews.__version__} UpscatteringProcess.total_xsec(diagrams=['TMM_SQR']), vegas {VEGAS}, "
        f"numpy seed {SEED}",
        f"nu_mu projectile, Dirac N4, mu_tr_mu4 = {MU_TR} GeV^-1 (d = mu_tr/2 = 1 GeV^-1); per nucleus, "
        "nucleon terms x Z or x (A-Z); H1 = free proton",
        "DarkNews 0.4.8 nuclear FF: Fourier-Bessel (de Vries 1987); nucleon: dipole F1/F2, "
        "neutron TMM term = 0 (overall Z^2 in its amplitude)"], rows)
    print(f"wrote {len(rows)} rows to {OUT} in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
