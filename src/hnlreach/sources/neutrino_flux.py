"""T2K ND280 neutrino flux tables shipped with the package (experiments/data/nd280, README there).

- `nd280_flux(mode, species)`: the T2K 2016 flux release (FHC = +250 kA, RHC = -250 kA), per
  species numu / numubar / nue / nuebar, as (E [GeV], dPhi/dE [nu / cm^2 / POT / GeV]).
- `nd280_kaon_numu_flux()`: the FHC nu_mu flux from K+ decays (digitised from T2K, PRD 87 (2013)
  012001, as used by arXiv:2109.03831), same units.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from hnlreach.errors import HNLInputError

DATA_DIR = Path(__file__).resolve().parents[1] / "experiments" / "data" / "nd280"
SPECIES = ("numu", "numubar", "nue", "nuebar")
MODES = ("FHC", "RHC")
BIN_GEV = 0.05  # width of the published energy bins


@cache
def _table(mode: str) -> np.ndarray:
    return np.loadtxt(DATA_DIR / f"flux_{mode}.dat")


def nd280_flux(mode: str = "FHC", species: str = "numu") -> tuple[np.ndarray, np.ndarray]:
    """(E [GeV] at bin centres, dPhi/dE [nu/cm^2/POT/GeV]) of the T2K 2016 ND280 flux release."""
    if mode not in MODES:
        raise HNLInputError(f"T2K beam mode must be one of {', '.join(MODES)}, got {mode!r}")
    if species not in SPECIES:
        raise HNLInputError(f"neutrino species must be one of {', '.join(SPECIES)}, got {species!r}")
    a = _table(mode)
    return a[:, 0].copy(), a[:, 1 + SPECIES.index(species)].copy()


@cache
def _kaon_table() -> np.ndarray:
    a = np.loadtxt(DATA_DIR / "numu_from_Kplus_FHC.dat", comments="#")
    return a[np.argsort(a[:, 0])]


def nd280_kaon_numu_flux() -> tuple[np.ndarray, np.ndarray]:
    """(E [GeV], dPhi/dE [nu/cm^2/POT/GeV]) of FHC nu_mu from K+ at ND280 (digitised; the file is
    per 50 MeV per 1e21 POT)."""
    a = _kaon_table()
    return a[:, 0].copy(), a[:, 1] / BIN_GEV / 1e21


def interpolate_flux(energies, table_e, table_v) -> np.ndarray:
    """dPhi/dE at `energies`, log-linear between table points, zero outside the table."""
    e = np.asarray(energies, dtype=float)
    v = np.clip(table_v, 1e-300, None)
    out = np.exp(np.interp(e, table_e, np.log(v)))
    return np.where((e >= table_e[0]) & (e <= table_e[-1]), out, 0.0)
