"""`hnlreach production`: branching ratios of mesons and taus into an HNL per unit |U|^2; with
--experiment, the channels an experiment's sources use after its [production] filter
(hnlreach.api.production_table)."""
from __future__ import annotations

import click

from hnlreach.cli.common import to_json


@click.command("production")
@click.option("--mass", type=float, required=True, help="HNL mass in GeV")
@click.option("--mixing", default=None, metavar="e|mu|tau|A:B:C",
              help="mixing pattern; normalised so that |U_e|^2 + |U_mu|^2 + |U_tau|^2 = 1 "
                   "(with --experiment: default the preset's)")
@click.option("--experiment", default=None, metavar="NAME|FILE.toml",
              help="list per source of this experiment (a preset name or a TOML file, as `hnlreach limit`) "
                   "the channels its [production] include/exclude keeps and those it removes")
@click.option("--json", "as_json", is_flag=True, help="print a JSON object")
def command(mass, mixing, experiment, as_json):
    """BR(parent -> ... N) per unit |U|^2 for every open production channel, or, with --experiment,
    for the channels each source of that experiment uses."""
    from hnlreach.errors import HNLInputError
    from hnlreach.model import HNL, flavour_pattern
    from hnlreach.physics.production import production_branching_ratios

    if experiment is not None:
        from hnlreach.api import production_table

        _print_experiment(production_table(experiment, mass, mixing), as_json)
        return
    if mixing is None:
        raise HNLInputError("give --mixing e|mu|tau|A:B:C (or --experiment NAME for its sources and default model)")
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


def _print_experiment(t: dict, as_json: bool) -> None:
    if as_json:
        click.echo(to_json(t))
        return
    flt = t["production_filter"]
    click.echo(f"{t['experiment']}: m = {t['mass_GeV']:g} GeV, |U_e|^2:|U_mu|^2:|U_tau|^2 = "
               + ":".join(f"{u:g}" for u in t["mixing"].values()) + "  (BR per unit |U|^2)")
    if flt is None:
        click.echo("[production]: none (every open channel of each source is used)")
    else:
        click.echo("[production]: " + "; ".join(f"{k} = {', '.join(v)}" for k, v in flt.items() if v))
    if t["sampler"]:
        click.echo("(rates come from the preset's [sampler], which uses the channels below)" if t["sources"]
                   else "no [[sources]]: the preset's [sampler] makes the HNLs")
    w = max((len(c) for s in t["sources"] for c in (*s["kept"], *s["removed"])), default=0)
    for s in t["sources"]:
        click.echo(f"source {s['name']!r}: parent {s['parent']}, site {s['site']}, "
                   f"{s['yield_per_pot']:.4g} per POT")
        click.echo("  kept:" if s["kept"] else "  kept: none" if s["removed"] else "  no open channel at this mass")
        for ch, br in s["kept"].items():
            click.echo(f"    {ch:{w}s}   {br:.4e}")
        if s["removed"]:
            click.echo("  removed by [production]:")
        for ch, br in s["removed"].items():
            click.echo(f"    {ch:{w}s}   {br:.4e}")
