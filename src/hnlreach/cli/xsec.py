"""`hnlreach xsec`: upscattering cross section nu_alpha A -> N A on one nucleus (dipole, or a --model file)."""
from __future__ import annotations

import math

import click

from hnlreach.cli.common import model_options, reject_with_model, to_json
from hnlreach.errors import HNLInputError
from hnlreach.physics.constants import FLAVOURS


@click.command("xsec")
@model_options(mixing=False, dipole_metavar="e|mu|tau", model_file=True)
@click.option("--target", required=True, help="nucleus, e.g. C12, O16, Ar40, Pb208, or p (free proton)")
@click.option("--energy", type=float, required=True, help="neutrino energy in GeV")
@click.option("--antineutrino", is_flag=True, help="incoming antineutrino (same sigma for the dipole)")
@click.option("--flavour", default=None, metavar="e|mu|tau", help="with --model: incoming neutrino flavour (default mu)")
@click.option("--hnl", type=int, default=None, help="with --model: upscattered HNL, 4, 5 or 6 (default 4)")
@click.option("--json", "as_json", is_flag=True, help="print a JSON object")
def command(mass, dipole, majorana, coupling, model_file, target, energy, antineutrino, flavour, hnl, as_json):
    """Upscattering cross section per nucleus through the dipole d (GeV^-1; default 1), or through every
    mediator of a dark-sector --model FILE (Z', Z, h', transition moments, with their interference).

    Nucleon terms are summed over the Z protons and A - Z neutrons; below threshold sigma = 0."""
    from hnlreach.physics import upscattering as ups
    from hnlreach.physics.nuclei import nucleus

    if not math.isfinite(energy) or energy <= 0:
        raise HNLInputError(f"neutrino energy must be a positive number of GeV, got {energy}")
    from hnlreach.physics.decays import _check_mass

    if mass is not None:  # (--model files carry their masses)
        _check_mass(mass)  # the mass range `hnlreach decay` enforces
    if model_file is not None:
        return _model_command(model_file, mass, dipole, majorana, target, energy, antineutrino, flavour, hnl, as_json)
    if flavour is not None or hnl is not None:
        raise HNLInputError("--flavour and --hnl go with --model (for the dipole shortcut use --dipole e|mu|tau)")
    if dipole is None or dipole.strip().lower() not in FLAVOURS:
        raise HNLInputError("xsec needs --dipole e|mu|tau (the flavour of the incoming neutrino) or --model FILE")
    if not math.isfinite(coupling) or coupling < 0:
        raise HNLInputError(f"coupling d must be a non-negative number of GeV^-1, got {coupling}")
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
        **_process(mass, nuc, flavour, antineutrino, majorana),
    }
    if as_json:
        click.echo(to_json(out))
        return
    click.echo(f"{out['projectile']} + {nuc.name} -> N + {nuc.name}   E = {energy:g} GeV  m = {mass:g} GeV  "
               f"d = {coupling:g} GeV^-1")
    for c in ("coherent", "proton", "neutron", "total"):
        click.echo(f"  {c:9s} {out[c + '_cm2']:.4e} cm^2")


def _model_command(model_file, mass, dipole, majorana, target, energy, antineutrino, flavour, hnl, as_json):
    from hnlreach.models import load_model
    from hnlreach.physics import upscattering as ups
    from hnlreach.physics.nuclei import nucleus

    source = click.get_current_context().get_parameter_source("coupling")
    reject_with_model(model_file, mass=mass is not None, dipole=dipole, majorana=majorana,
                      coupling=source is not None and source.name != "DEFAULT")
    flavour = "mu" if flavour is None else flavour.strip().lower()
    hnl = 4 if hnl is None else hnl
    model = load_model(model_file)
    nuc = nucleus(target)
    sig = ups.model_xsec_components(energy, model, nuc, flavour=flavour, hnl=hnl, antineutrino=antineutrino)
    m = model.mass(hnl)
    out = {f"{c}_cm2": float(sig[c]["total"]) for c in (*ups.COMPONENTS, "total")}
    out["helicity_cm2"] = {c: {"h=-1": float(sig[c]["h-"]), "h=+1": float(sig[c]["h+"])} for c in sig}
    out.update({
        "model": model.name, "model_file": str(model_file), "hnl": f"N{hnl}", "mass_GeV": m, "energy_GeV": energy,
        **_process(m, nuc, flavour, antineutrino, model.majorana),
    })
    if as_json:
        click.echo(to_json(out))
        return
    click.echo(f"{out['projectile']} + {nuc.name} -> N{hnl} + {nuc.name}   E = {energy:g} GeV  m = {m:g} GeV  "
               f"model {model.name} ({model_file})")
    click.echo(f"  {'':9s} {'total':>11s} {'h=-1':>11s} {'h=+1':>11s}   (cm^2; HNL helicity in the CM frame)")
    for c in (*ups.COMPONENTS, "total"):
        click.echo(f"  {c:9s} {sig[c]['total']:.4e}  {sig[c]['h-']:.4e}  {sig[c]['h+']:.4e}")


def _process(mass, nuc, flavour, antineutrino, majorana) -> dict:
    """The output fields naming the process nu_flavour + target -> N + target (both model forms)."""
    from hnlreach.physics import upscattering as ups

    return {
        "projectile": ("anti-" if antineutrino else "") + f"nu_{flavour}",
        "nature": "Majorana" if majorana else "Dirac",
        "target": {"name": nuc.name, "Z": nuc.Z, "A": nuc.A, "mass_GeV": nuc.mass},
        "threshold_GeV": {c: ups.threshold_energy(mass, ups.target_mass(nuc, c))
                          for c in ups.COMPONENTS if ups.multiplicity(nuc, c)},
    }
