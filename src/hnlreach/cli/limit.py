"""`hnlreach limit EXPERIMENT`: excluded coupling interval(s) per mass — a thin layer over
hnlreach.limit (hnlreach.api): same options, same defaults (the preset's model, nature, CL, mass
grid and sample size; seed 1), same files (CSV + JSON sidecar: hnlreach.outputs.tables; plot:
hnlreach.outputs.plot).  Every option is checked before the scan; a summary goes to stderr.
"""
from __future__ import annotations

import sys

import click

from hnlreach.cli.common import feedback_options, progress_mode


@click.command("limit")
@click.argument("experiment")
@click.option("--mixing", default=None, metavar="e|mu|tau|A:B:C", help="mass-mixing flavour pattern")
@click.option("--dipole", default=None, metavar="e|mu|tau", help="dipole-portal flavour (one flavour)")
@click.option("--majorana/--dirac", default=None, help="HNL nature (default: the preset's)")
@click.option("--model", "model_file", default=None, metavar="FILE",
              help="dark-sector model: hnlreach TOML or DarkNews parameter file (docs/models.md)")
@click.option("--coupling-parameter", default=None, metavar="NAME",
              help="with --model: the model parameter on the y-axis (DarkNews name, e.g. Umu4, UD4, gD, epsilon)")
@click.option("--mass-parameter", default=None, metavar="NAME",
              help="with --model: the parameter --masses sets (m4 (default), mzprime, mhprime)")
@click.option("--cl", type=float, default=None, help="confidence level (default: the preset's)")
@click.option("--masses", default=None, metavar="MIN:MAX:N", help="mass grid in GeV, log-spaced if MAX/MIN > 3 (log:/lin: prefix or M1,M2,... to choose; default: the preset's)")
@click.option("--n-hnl", "n_hnl", type=int, default=None, help="HNLs per mass (default: the preset's)")
@click.option("--seed", type=int, default=1, show_default=True, help="random seed, 0 <= seed < 2**32")
@click.option("--refine", type=int, default=5, show_default=True,
              help="resolve the mass where the exclusion starts or ends to 2**-REFINE of the grid step, "
                   "with two or three masses per round (0: grid only)")
@click.option("--out", "out", default=None, type=click.Path(dir_okay=False),
              help="CSV output file (+ JSON sidecar F.json); default: CSV on stdout")
@click.option("--plot", "plot", default=None, type=click.Path(dir_okay=False),
              help="plot file (.png, .pdf, .svg, ...)")
@click.option("--overlay", "overlays", multiple=True, metavar="NAME|FILE",
              help="published curve or file to draw on the plot (repeatable; `hnlreach plot --list`)")
@click.option("--style", default=None, type=click.Choice(["mplhep"]), help="plot style (needs mplhep)")
@click.option("--jobs", type=int, default=None, help="local worker processes (default: all cores)")
@click.option("--scheduler", default=None, metavar="ADDRESS", help="Dask scheduler address")
@click.option("--precision", type=float, default=0.03, show_default=True,
              help="target relative MC error of the boundary couplings: each mass's sample grows from "
                   "--n-hnl until it is met (0: one sample of --n-hnl)")
@click.option("--no-cache", "no_cache", is_flag=True, default=False,
              help="do not read or write the per-mass sample cache ($XDG_CACHE_HOME/hnlreach)")
@feedback_options
def command(experiment, mixing, dipole, majorana, model_file, coupling_parameter, mass_parameter, cl, masses, n_hnl, seed, refine, out, plot, overlays, style,
            jobs, scheduler, precision, no_cache, quiet, verbose):
    """Excluded coupling interval per HNL mass for EXPERIMENT (a preset name or a TOML file)."""
    from hnlreach import api
    from hnlreach.outputs.atomic import check_output_path, commit_group
    from hnlreach.outputs.plot import check_plot_path, load_overlay

    plan = api.plan_limit(experiment, mixing=mixing, dipole=dipole, majorana=majorana, cl=cl, masses=masses,
                          n_hnl=n_hnl, seed=seed, jobs=jobs, scheduler=scheduler, refine=refine,
                          precision=precision, cache=not no_cache, model=model_file,
                          coupling_parameter=coupling_parameter, mass_parameter=mass_parameter)
    if out:
        check_output_path(out, "--out")  # a directory, under a file, not writable: fail now
    if plot:
        check_plot_path(plot)
        check_output_path(plot, "--plot")
    elif overlays or style:
        raise click.UsageError("--overlay and --style need --plot FILE")
    for item in overlays:  # unknown name, unreadable file, other coupling or unit: fail now
        load_overlay(item, plan.coupling)
    if style:
        from hnlreach.outputs.plot import _style

        _style(style)
    result = api.run_limit(plan, progress=progress_mode(quiet, verbose))
    files = []
    with commit_group():  # CSV, sidecar and plot appear together (hnlreach.outputs.atomic)
        if out:
            files += result.to_csv(out)
        if plot:
            files.append(result.plot(plot, overlays=overlays, style=style))
    if not out:
        click.echo(result.to_csv_text(), nl=False)
    if not quiet:
        click.echo(result.summary(files=files), err=True)
        sys.stderr.flush()
