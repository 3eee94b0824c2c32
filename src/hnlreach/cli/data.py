"""`hnlreach data`: the data folders shipped with the package; `hnlreach data FOLDER` (or --all):
their files by `pkg:` name, with provenance."""
from __future__ import annotations

import click

from hnlreach.cli.common import to_json


@click.command("data")
@click.argument("folder", required=False)
@click.option("--all", "show_all", is_flag=True, help="list the files of every folder")
@click.option("--json", "as_json", is_flag=True,
              help="print a JSON object: folder -> {files, description}; with FOLDER or --all: reference -> provenance")
@click.option("--path", "show_path", is_flag=True, help="also print where each file is installed")
def command(folder, show_all, as_json, show_path):
    """Shipped data (spectra, fluxes, efficiencies, published limits): one line per folder; with
    FOLDER (e.g. `charm`) or --all, the files as `pkg:FOLDER/FILE` references usable in any
    experiment TOML, with their provenance."""
    from hnlreach.datafiles import shipped_data, shipped_folders, shipped_path
    from hnlreach.errors import HNLInputError

    if folder is not None and show_all:
        raise HNLInputError("give FOLDER or --all, not both")
    if folder is None and not show_all:
        folders = shipped_folders()
        if as_json:
            click.echo(to_json({f: {"files": n, "description": d} for f, n, d in folders}))
            return
        w = max(len(f) for f, _, _ in folders)
        for f, n, d in folders:
            click.echo(f"{f:{w}s}  {n:3d} file{'s' if n != 1 else ' '}  {d}")
        click.echo("(`hnlreach data FOLDER` lists a folder's files, `hnlreach data --all` every file)")
        return
    rows = shipped_data(folder)
    if folder is not None and not rows:
        folders = [f for f, _, _ in shipped_folders()]
        raise HNLInputError(f"no shipped data folder {folder!r}; available: {', '.join(folders)}")
    if as_json:
        click.echo(to_json({r: ({"provenance": n, "path": str(shipped_path(r))} if show_path else n)
                           for r, n in rows}))
        return
    for ref, note in rows:
        click.echo(ref + (f"   [{shipped_path(ref)}]" if show_path else ""))
        if note:
            click.echo(f"    {note}")
