"""`hnlreach xsec`: dipole-portal upscattering cross section nu_alpha A -> N A on one nucleus."""
from __future__ import annotations

import math

import click

from hnlreach.cli.common import model_options, to_json
from hnlreach.errors import HNLInputError
from hnlreach.physics.constants import FLAVOURS


@click.command("xsec")
@model_options(mixing=False, dipole_metavar="e|mu|tau")
@click.option("--target", required=True, help="nucleus, e.g. C12, O16, Ar40, Pb208, or p (free proton)")
@click.option("--energy", type=float, required=True, help="neutrino energy in GeV")
@click.option("--antineutrino", is_flag=True, help="incoming antineutrino (same sigma for the dipole)")
@click.option("--json", "as_json", is_flag=True, help="print a JSON object")
def command(mass, dipole, majorana, coupling, target, energy, antineutrino, as_json):
    """Upscattering cross section per nucleus through the dipole d (GeV^-1; default 1).

    Nucleon terms are summed over the Z protons and A - Z neutrons; below threshold sigma = 0."""
    from hnlreach.physics import upscattering as ups
    from hnlreach.physics.nuclei import nucleus

    if dipole is None or dipole.strip().lower() not in FLAVOURS:
        raise HNLInputError("xsec needs --dipole e|mu|tau (the flavour of the incoming neutrino)")
    if not math.isfinite(coupling) or coupling < 0:
        raise HNLInputError(f"coupling d must be a non-negative number of GeV^-1, got {coupling}")
    if not math.isfinite(energy) or energy <= 0:
        raise HNLInputError(f"neutrino energy must be a positive number of GeV, got {energy}")
    nuc = nucleus(target)
    sig = ups.dipole_xsec_components(energy, mass, nuc, d=coupling, antineutrino=antineutrino,
                                     majorana=majorana)
    flavour = dipole.strip().lower()
    out = {
        "coherent_cm2": float(sig["coherent"]),
        "proton_cm2": float(sig["proton"]),
        "neutron_cm2": float(sig["neutron"]),
        "total_cm2": float(sig["total"]),
        "mass_GeV": mass,
        "energy_GeV": energy,
        "coupling": coupling,
        "projectile": ("anti-" if antineutrino else "") + f"nu_{flavour}",
        "nature": "Majorana" if majorana else "Dirac",
        "target": {"name": nuc.name, "Z": nuc.Z, "A": nuc.A, "mass_GeV": nuc.mass},
        "threshold_GeV": {c: ups.threshold_energy(mass, ups.target_mass(nuc, c))
                          for c in ups.COMPONENTS if ups.multiplicity(nuc, c)},
    }
    if as_json:
        click.echo(to_json(out))
        return
    click.echo(f"{out['projectile']} + {nuc.name} -> N + {nuc.name}   E = {energy:g} GeV  m = {mass:g} GeV  "
               f"d = {coupling:g} GeV^-1")
    for c in ("coherent", "proton", "neutron", "total"):
        click.echo(f"  {c:9s} {out[c + '_cm2']:.4e} cm^2")
