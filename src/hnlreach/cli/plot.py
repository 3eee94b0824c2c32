"""`hnlreach plot FILE.csv|FILE.json --out F.png`: redraw a saved limit without rerunning it."""
from __future__ import annotations

import click


@click.command("plot")
@click.argument("result", required=False, type=click.Path(dir_okay=False))
@click.option("--out", "out", default=None, type=click.Path(dir_okay=False), help="image file (.png, .pdf, .svg, ...)")
@click.option("--overlay", "overlays", multiple=True, metavar="NAME|FILE",
              help="published curve or file (repeatable; header format: hnlreach.outputs.plot)")
@click.option("--title", default=None, help="plot title (default: experiment, coupling, nature, CL)")
@click.option("--style", default=None, type=click.Choice(["mplhep"]), help="plot style (needs mplhep)")
@click.option("--list", "list_curves", is_flag=True, help="list the shipped published curves and exit")
def command(result, out, overlays, title, style, list_curves):
    """Plot a limit saved by `hnlreach limit --out` (its CSV, which reads the JSON sidecar next to
    it if present, or the sidecar itself), with overlays."""
    from hnlreach.errors import HNLInputError

    if list_curves:
        from hnlreach.outputs.published import PUBLISHED

        for name, (_, _, label, kind, cl, desc) in sorted(PUBLISHED.items()):
            click.echo(f"{name:32s} {label:15s} {kind:7s} {100 * cl:g} % CL  {desc}")
        return
    if result is None or out is None:
        raise HNLInputError("give a saved limit (F.csv or F.json) and --out F.png")
    from hnlreach.api import read_limit
    from hnlreach.outputs.plot import check_plot_path, load_overlay

    check_plot_path(out)
    res = read_limit(result)
    for item in overlays:
        load_overlay(item, res.coupling)
    path = res.plot(out, overlays=overlays, title=title, style=style)
    click.echo(f"hnlreach: wrote {path}", err=True)
