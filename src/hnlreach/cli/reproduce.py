"""`hnlreach reproduce PAPER`: the paper's figure and a comparison table against its published curve."""
from __future__ import annotations

import importlib
from pathlib import Path

import click

from hnlreach.errors import HNLInputError
from hnlreach.validation import PAPERS


@click.command("reproduce")
@click.argument("paper", required=False)
@click.option("--out", "outdir", default="reproduce", show_default=True, type=click.Path(file_okay=False),
              help="output directory")
@click.option("--quick", is_flag=True, help="fewer masses and HNLs (a smoke test, not the result)")
def command(paper, outdir, quick):
    """Reproduce PAPER's result (no PAPER: list the available reproductions)."""
    if paper is None:
        for key, (_, desc) in PAPERS.items():
            click.echo(f"{key:28s} {desc}")
        return
    if paper not in PAPERS:
        raise HNLInputError(f"unknown paper {paper!r}; available: {', '.join(PAPERS)}")
    module = importlib.import_module(f"hnlreach.validation.{PAPERS[paper][0]}")
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    for path in module.reproduce(out, quick=quick):
        click.echo(f"wrote {path}")
