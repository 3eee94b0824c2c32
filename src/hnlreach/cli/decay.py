"""`hnlreach decay`: total width, c*tau and branching ratios of an HNL."""
from __future__ import annotations

import click

from hnlreach.cli.common import model_options, to_json
from hnlreach.model import HNL


@click.command("decay")
@model_options
@click.option("--dipole-normalisation", "dipole_normalisation", default="lagrangian", show_default=True,
              type=click.Choice(["lagrangian", "darknews"]),
              help="dipole widths from L = d nu-bar sigma F N (lagrangian) or DarkNews 0.4.8's (half as large)")
@click.option("--json", "as_json", is_flag=True, help="print a JSON object")
def command(mass, mixing, dipole, majorana, coupling, dipole_normalisation, as_json):
    """Width, c*tau and branching ratios of an HNL (coupling 1 by default)."""
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
    if as_json:
        click.echo(to_json(out))
        return
    click.echo(f"m = {hnl.mass:g} GeV  ({out['model']['nature']})  width = {hnl.width:.4e} GeV"
               f"  c*tau = {hnl.ctau:.4e} m")
    for ch, br in out["branching_ratios"].items():
        click.echo(f"  {ch:32s} {br:.4e}")
