"""`hnlreach limit EXPERIMENT`: excluded coupling interval(s) per mass (CSV mass_GeV,lower,upper).

One weighted HNL sample per mass (hnlreach.rates.engine), N(g) by analytic reweighting,
N_limit from the experiment's statistics (hnlreach.statistics.limits.events_limit), the
interval boundaries by root-finding N(g) = N_limit (hnlreach.scan).  Defaults (model, masses,
exposure, CL) are the preset's.
"""
from __future__ import annotations

import functools
import math

import click

from hnlreach.errors import HNLInputError


@functools.lru_cache(maxsize=4)
def _experiment(path: str):
    from hnlreach.experiments import load_experiment

    return load_experiment(path)


# coupling search ranges: |U|^2 <= 1; d in GeV^-1 (the scan extends them downwards if needed)
G_RANGE = {"mixing": (1e-16, 1.0), "dipole": (1e-12, 1e-1)}


def sample_at(mass: float, rng, *, path: str, mixing, dipole, majorana: bool, n_hnl: int):
    """Reweightable sample at one mass (top-level and picklable: runs in scan workers)."""
    from hnlreach.rates.engine import build_sample

    return build_sample(_experiment(path), float(mass), mixing=mixing, dipole=dipole,
                        majorana=majorana, n_hnl=n_hnl, rng=rng)


def resolve_model(exp, mixing, dipole, majorana):
    """Command-line model flags over the preset's defaults."""
    if mixing is not None and dipole is not None:
        raise HNLInputError("give --mixing or --dipole, not both")
    if mixing is None and dipole is None:
        mixing, dipole = exp.model.mixing, exp.model.dipole
    if mixing is None and dipole is None:
        raise HNLInputError(f"experiment {exp.name} has no default model: give --mixing or --dipole")
    if majorana is None:
        majorana = exp.model.majorana
    return mixing, dipole, majorana


def _check_overlays(overlays) -> None:
    """Fail before the scan if an overlay is neither a shipped curve nor a readable file."""
    import os

    from hnlreach.outputs.published import PUBLISHED

    for item in overlays:
        if item not in PUBLISHED and not os.path.isfile(item):
            raise HNLInputError(f"--overlay {item!r}: not a published curve ({', '.join(sorted(PUBLISHED))}) "
                                "nor a file")


@click.command("limit")
@click.argument("experiment")
@click.option("--mixing", default=None, metavar="e|mu|tau|A:B:C", help="mass-mixing flavour pattern")
@click.option("--dipole", default=None, metavar="e|mu|tau", help="dipole-portal flavour")
@click.option("--majorana/--dirac", default=None, help="HNL nature (default: the preset's)")
@click.option("--cl", type=float, default=None, help="confidence level (default: the preset's)")
@click.option("--masses", default=None, metavar="MIN:MAX:N", help="mass grid in GeV (see hnlreach.scan)")
@click.option("--out", "out", default=None, type=click.Path(dir_okay=False),
              help="CSV output file (+ JSON sidecar); default: CSV on stdout")
@click.option("--plot", "plot", default=None, type=click.Path(dir_okay=False), help="plot file (png/pdf)")
@click.option("--overlay", "overlays", multiple=True, metavar="NAME|FILE",
              help="published curve to draw on the plot (repeatable; names: hnlreach.outputs.published)")
@click.option("--seed", type=int, default=1, show_default=True, help="random seed (deterministic results)")
@click.option("--n-hnl", "n_hnl", type=int, default=None, help="HNLs per mass (default: the preset's)")
@click.option("--jobs", type=int, default=None, help="local worker processes (default: all cores)")
@click.option("--scheduler", default=None, metavar="ADDRESS", help="Dask scheduler address")
def command(experiment, mixing, dipole, majorana, cl, masses, out, plot, overlays, seed, n_hnl, jobs, scheduler):
    """Excluded coupling interval per HNL mass for EXPERIMENT (a preset name or a TOML file)."""
    from hnlreach.experiments import load_experiment
    from hnlreach.scan import parse_mass_grid, scan_masses

    exp = load_experiment(experiment)
    _check_overlays(overlays)
    mixing, dipole, majorana = resolve_model(exp, mixing, dipole, majorana)
    grid = parse_mass_grid(masses or exp.model.masses)
    if cl is not None and not (math.isfinite(cl) and 0 < cl < 1):
        raise HNLInputError(f"--cl must be between 0 and 1, got {cl}")
    n_hnl = exp.model.n_hnl if n_hnl is None else n_hnl
    if n_hnl < 1:
        raise HNLInputError(f"--n-hnl must be positive, got {n_hnl}")
    if jobs is not None and jobs < 1:
        raise HNLInputError(f"--jobs must be positive, got {jobs}")
    n_limit = exp.statistics.events_limit(cl)
    factory = functools.partial(sample_at, path=str(exp.path), mixing=mixing, dipole=dipole,
                                majorana=majorana, n_hnl=n_hnl)
    result = scan_masses(grid, factory, n_limit, G_RANGE["mixing" if mixing else "dipole"],
                         seed=seed, jobs=jobs, scheduler=scheduler)
    model = {"mixing": mixing, "dipole": dipole, "nature": "Majorana" if majorana else "Dirac"}
    from hnlreach.outputs import tables

    if out:
        tables.write_limit_outputs(out, result, model=model, experiment=exp.name,
                                   exposure={"pot": exp.beam.pot, "runs": [list(r) for r in exp.beam.runs]},
                                   cl=exp.statistics.cl if cl is None else cl,
                                   extra={"provenance": exp.provenance, "n_hnl": n_hnl,
                                          "statistics_method": exp.statistics.method})
    else:
        click.echo(tables.limit_csv_text(result.masses, result.lower, result.upper), nl=False)
    if plot:
        from hnlreach.outputs import plot as plotting

        label = "|U|^2" if mixing else "d [GeV^-1]"
        plotting.plot_exclusion(plot, result, coupling_label=label, label=exp.name, overlays=overlays,
                                title=f"{exp.name}: {mixing or dipole} {model['nature']}, "
                                      f"{100 * (exp.statistics.cl if cl is None else cl):g} % CL")
