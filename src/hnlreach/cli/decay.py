"""`hnlreach decay`: total width, c*tau and branching ratios of an HNL (flags, or a --model file)."""
from __future__ import annotations

import click

from hnlreach.cli.common import model_options, reject_with_model, to_json
from hnlreach.errors import HNLInputError
from hnlreach.model import HNL


@click.command("decay")
@model_options(model_file=True)
@click.option("--dipole-normalisation", "dipole_normalisation", default="lagrangian", show_default=True,
              type=click.Choice(["lagrangian", "darknews"]),
              help="dipole widths from L = d nu-bar sigma F N (lagrangian) or DarkNews 0.4.8's (half as large)")
@click.option("--hnl", type=int, default=None, help="with --model: which HNL, 4, 5 or 6 (default 4)")
@click.option("--json", "as_json", is_flag=True, help="print a JSON object")
def command(mass, mixing, dipole, majorana, coupling, model_file, dipole_normalisation, hnl, as_json):
    """Width, c*tau and branching ratios of an HNL (coupling 1 by default), or of N4/N5/N6 of a
    dark-sector --model FILE (every channel: Z', h', gamma, off-shell l+ l-, mass mixing)."""
    ctx = click.get_current_context()
    if model_file is not None:
        source = ctx.get_parameter_source("coupling")
        reject_with_model(model_file, mass=mass is not None, mixing=mixing, dipole=dipole, majorana=majorana,
                          coupling=source is not None and source.name != "DEFAULT")
        given = ctx.get_parameter_source("dipole_normalisation")
        norm = dipole_normalisation if given is not None and given.name != "DEFAULT" else None
        return _model_command(model_file, 4 if hnl is None else hnl, norm, as_json)
    if hnl is not None:
        raise HNLInputError("--hnl goes with --model")
    hnl = HNL.from_pattern(mass, mixing=mixing, dipole=dipole, coupling=coupling, majorana=majorana,
                           dipole_normalisation=dipole_normalisation)
    out = {
        "mass_GeV": hnl.mass,
        "coupling": coupling,
        "model": {"mixing": list(hnl.mixing), "dipole": list(hnl.dipole),
                  "nature": "Majorana" if majorana else "Dirac",
                  "dipole_normalisation": dipole_normalisation},
        "width_GeV": hnl.width,
        "ctau_m": hnl.ctau,
        "branching_ratios": hnl.branching_ratios,
    }
    _show(out, as_json, out["model"]["nature"])


def _model_command(model_file, j, dipole_normalisation, as_json):
    import dataclasses

    from hnlreach.models import load_model
    from hnlreach.physics import dark_decays as dd

    model = load_model(model_file)
    if dipole_normalisation is not None:  # --dipole-normalisation given: overrides the file's
        model = dataclasses.replace(model, dipole_normalisation=dipole_normalisation)
    out = {
        "model": model.name, "model_file": str(model_file), "hnl": f"N{j}", "mass_GeV": model.mass(j),
        "nature": "Majorana" if model.majorana else "Dirac", "dipole_normalisation": model.dipole_normalisation,
        "width_GeV": model.width(j), "ctau_m": model.ctau(j), "branching_ratios": model.branching_ratios(j),
        "zprime_widths_GeV": dd.zprime_widths(model), "hprime_widths_GeV": dd.hprime_widths(model),
    }
    _show(out, as_json, out["nature"], prefix=f"N{j}: ", suffix=f"   model {model.name} ({model_file})", column=40)


def _show(out, as_json, nature, prefix="", suffix="", column=32):
    """Print the decay summary `out` (both model forms): JSON, or a header line and one line per channel."""
    if as_json:
        click.echo(to_json(out))
        return
    click.echo(f"{prefix}m = {out['mass_GeV']:g} GeV  ({nature})  width = {out['width_GeV']:.4e} GeV"
               f"  c*tau = {out['ctau_m']:.4e} m{suffix}")
    for ch, br in out["branching_ratios"].items():
        click.echo(f"  {ch:{column}s} {br:.4e}")
