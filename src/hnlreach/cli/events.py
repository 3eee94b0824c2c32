"""`hnlreach events EXPERIMENT`: weighted (or unweighted) HNL events at one (mass, coupling) for
detector simulation, written as Parquet or HepMC3 (by the --out extension).

Columns, weights and the HepMC3 layout: hnlreach.outputs.events; the physics:
hnlreach.rates.events (the engine's samples with decay points from the exponential law).
"""
from __future__ import annotations

import click

from hnlreach.errors import HNLInputError


@click.command("events")
@click.argument("experiment")
@click.option("--mass", type=float, default=None, help="HNL mass in GeV (not with --model)")
@click.option("--mixing", default=None, metavar="e|mu|tau|A:B:C", help="mass-mixing flavour pattern")
@click.option("--dipole", default=None, metavar="e|mu|tau", help="dipole-portal flavour (one flavour)")
@click.option("--coupling", type=float, default=None,
              help="total |U|^2 (--mixing) or d in GeV^-1 (--dipole); not with --model")
@click.option("--model", "model_file", default=None, metavar="FILE",
              help="dark-sector model (hnlreach TOML or DarkNews parameter file, docs/models.md): events at the "
                   "file's parameters, with the HNL helicity and cascades N5 -> N4 l l recorded")
@click.option("--majorana/--dirac", default=None, help="HNL nature (default: the preset's)")
@click.option("--n-events", "--n", "n", type=int, default=10_000, show_default=True,
              help="number of events written (--n is an alias)")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="output file: .parquet or .hepmc/.hepmc3")
@click.option("--unweighted", is_flag=True, help="accept-reject to equal weights (selected events only)")
@click.option("--seed", type=int, default=1, show_default=True, help="random seed, 0 <= seed < 2**32")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="processes formatting HepMC3 text (large files)")
def command(experiment, mass, mixing, dipole, coupling, model_file, majorana, n, out, unweighted, seed, workers):
    """Write HNL events (production vertex, N four-momentum, decay vertex and products, weights)
    of EXPERIMENT at one mass and coupling."""
    from hnlreach.api import check_seed, resolve_model
    from hnlreach.experiments import load_experiment
    from hnlreach.model import HNL
    from hnlreach.outputs import events as ev

    fmt = ev.file_format(out)  # bad extension: fail before any work
    if fmt == "parquet":
        ev.require("parquet")
    from hnlreach.outputs.atomic import check_output_path

    check_output_path(out, "--out")  # a directory, under a file, not writable: fail now
    if n < 1:
        raise HNLInputError(f"--n-events must be positive, got {n}")
    check_seed(seed)
    if model_file is not None:
        from hnlreach.cli.common import reject_with_model

        reject_with_model(model_file, mass=mass, mixing=mixing, dipole=dipole, coupling=coupling,
                          majorana=majorana is not None, unweighted=unweighted)
        df = ev.generate_events(experiment, model=model_file, n=n, seed=seed)
        path = ev.write_events(df, out, workers=workers)
        meta = df.attrs[ev.META_KEY]
        click.echo(f"{path}: {len(df)} events, {meta['total_expected_events']:.6g} "
                   f"+- {meta['total_expected_events_mc_error']:.2g} expected events ({meta['dark_sector']})", err=True)
        return
    if mass is None or coupling is None:
        raise HNLInputError("give --mass and --coupling (or --model FILE)")
    exp = load_experiment(experiment)
    mixing, dipole, majorana = resolve_model(exp, mixing, dipole, majorana)
    HNL.from_pattern(mass, mixing=mixing, dipole=dipole, coupling=coupling, majorana=majorana)  # mass, coupling
    df = ev.generate_events(exp, mass, mixing=mixing, dipole=dipole, coupling=coupling, n=n,
                            majorana=majorana, unweighted=unweighted, seed=seed)
    path = ev.write_events(df, out, workers=workers)
    meta = df.attrs[ev.META_KEY]
    click.echo(f"{path}: {len(df)} events, {meta['total_expected_events']:.6g} "
               f"+- {meta['total_expected_events_mc_error']:.2g} expected events at "
               f"{meta['coupling_meaning']} = {coupling:g}", err=True)
