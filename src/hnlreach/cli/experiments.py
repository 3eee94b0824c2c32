"""`hnlreach experiments`: the available experiment presets and their provenance."""
from __future__ import annotations

import click

from hnlreach.cli.common import to_json


@click.command("experiments")
@click.option("--json", "as_json", is_flag=True, help="print a JSON object name -> provenance")
def command(as_json):
    """List the experiment presets (name and provenance)."""
    from hnlreach.experiments import list_experiments

    presets = list_experiments()
    if as_json:
        click.echo(to_json(dict(presets)))
        return
    for name, prov in presets:
        click.echo(f"{name}\n    {prov}")
