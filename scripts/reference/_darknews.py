"""Shared pieces of the DarkNews reference scripts: quiet logging, the two-helicity upscattering
cross section, and the CSV writer with its '#' provenance header."""
from __future__ import annotations

import csv
import logging
import pathlib

from DarkNews import pdg, processes


def quiet():
    """Silence DarkNews's info logging."""
    logging.getLogger("logger").setLevel(logging.ERROR)
    logging.getLogger("prettyprinter").setLevel(logging.ERROR)


def helicity_xsecs(bsm, nuc, regime: str, E: float, diagrams: list[str], seed: int, vegas: dict,
                   projectile=pdg.numu) -> tuple[float, float]:
    """(helicity-conserving h = -1, helicity-flipping h = +1) total cross sections of projectile + nuc -> N4 + nuc,
    in cm^2 per nucleus (DarkNews UpscatteringProcess.total_xsec)."""
    out = []
    for hel in ("conserving", "flipping"):
        ups = processes.UpscatteringProcess(nu_projectile=projectile, nu_upscattered=pdg.neutrino4,
                                            nuclear_target=nuc, scattering_regime=regime,
                                            TheoryModel=bsm, helicity=hel)
        out.append(float(ups.total_xsec(E, diagrams=diagrams, seed=seed, **vegas)))
    return tuple(out)


def model_lines(models: dict) -> list[str]:
    """One provenance line per ThreePortalModel parameter set."""
    return [f"{name}: ThreePortalModel({', '.join(f'{k}={v}' for k, v in par.items())})"
            for name, par in models.items()]


def write_table(path: pathlib.Path, header: list[str], rows: list[dict]):
    """Write rows as CSV under '# '-prefixed header lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        for line in header:
            f.write(f"# {line}\n")
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
