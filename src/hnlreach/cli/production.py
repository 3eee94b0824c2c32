"""`hnlreach production`: branching ratios of mesons and taus into an HNL per unit |U|^2."""
from __future__ import annotations

import click

from hnlreach.cli.common import to_json


@click.command("production")
@click.option("--mass", type=float, required=True, help="HNL mass in GeV")
@click.option("--mixing", required=True, metavar="e|mu|tau|A:B:C",
              help="mixing pattern; normalised so that |U_e|^2 + |U_mu|^2 + |U_tau|^2 = 1")
@click.option("--json", "as_json", is_flag=True, help="print a JSON object")
def command(mass, mixing, as_json):
    """BR(parent -> ... N) per unit |U|^2 for every open production channel."""
    from hnlreach.model import HNL, flavour_pattern
    from hnlreach.physics.production import production_branching_ratios

    HNL(mass)  # the same mass check as `hnlreach decay` (HNLInputError outside the supported range)
    pattern = flavour_pattern(mixing)
    channels = production_branching_ratios(mass, pattern)
    out = {"mass_GeV": float(mass), "mixing": dict(zip(("e", "mu", "tau"), pattern)),
           "channels": channels}
    if as_json:
        click.echo(to_json(out))
        return
    click.echo(f"m = {mass:g} GeV, |U_e|^2:|U_mu|^2:|U_tau|^2 = "
               + ":".join(f"{u:g}" for u in pattern) + "  (BR per unit |U|^2)")
    if not channels:
        click.echo("  no open production channel")
    for ch, br in channels.items():
        click.echo(f"  {ch:32s} {br:.4e}")
