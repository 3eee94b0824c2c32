"""`hnlreach data`: the data files shipped with the package, by their `pkg:` name, with provenance."""
from __future__ import annotations

import click

from hnlreach.cli.common import to_json


@click.command("data")
@click.argument("folder", required=False)
@click.option("--json", "as_json", is_flag=True, help="print a JSON object reference -> provenance")
@click.option("--path", "show_path", is_flag=True, help="also print where each file is installed")
def command(folder, as_json, show_path):
    """List shipped data files (spectra, fluxes, efficiencies, published limits) as `pkg:FOLDER/FILE`
    references usable in any experiment TOML; FOLDER restricts the list (e.g. `charm`)."""
    from hnlreach.datafiles import shipped_data, shipped_path
    from hnlreach.errors import HNLInputError

    rows = shipped_data(folder)
    if folder is not None and not rows:
        folders = sorted({r.split("/")[0][4:] for r, _ in shipped_data()})
        raise HNLInputError(f"no shipped data folder {folder!r}; available: {', '.join(folders)}")
    if as_json:
        click.echo(to_json({r: ({"provenance": n, "path": str(shipped_path(r))} if show_path else n)
                           for r, n in rows}))
        return
    for ref, note in rows:
        click.echo(ref + (f"   [{shipped_path(ref)}]" if show_path else ""))
        if note:
            click.echo(f"    {note}")
