"""Options and helpers shared by the sub-commands."""
from __future__ import annotations

import json
import math

import click

from hnlreach.errors import HNLInputError


def model_options(f=None, *, mixing: bool = True, dipole_metavar: str = "e|mu|tau|A:B:C", model_file: bool = False):
    """--mass/--mixing/--dipole/--majorana|--dirac/--coupling, as in DESIGN.md's contracts.
    The nature defaults to Dirac, as hnlreach.HNL (these commands take no experiment preset).
    mixing=False: no --mixing option (a command that only knows the dipole).
    model_file=True: also --model FILE (a dark-sector model, hnlreach.load_model); --mass is then optional."""
    def deco(f):
        if model_file:
            f = click.option("--model", "model_file", default=None, metavar="FILE",
                             help="dark-sector model: hnlreach TOML or DarkNews parameter file (docs/models.md)")(f)
        f = click.option("--coupling", type=float, default=1.0, show_default=True,
                         help="total |U|^2 for --mixing, d in GeV^-1 for --dipole" if mixing
                         else "d in GeV^-1")(f)
        f = click.option("--majorana/--dirac", default=False,
                         help="Majorana or Dirac HNL (default Dirac, as hnlreach.HNL)")(f)
        f = click.option("--dipole", "dipole", default=None, metavar=dipole_metavar,
                         help="dipole-portal flavour(s)")(f)
        if mixing:
            f = click.option("--mixing", "mixing", default=None, metavar="e|mu|tau|A:B:C",
                             help="mass-mixing flavour pattern")(f)
        f = click.option("--mass", type=float, required=not model_file,
                         help="HNL mass in GeV" + (" (not with --model)" if model_file else ""))(f)
        return f
    return deco(f) if f is not None else deco


def reject_with_model(model_file, **given):
    """--model FILE carries the masses and couplings: the shortcut flags cannot be combined with it."""
    bad = [f"--{k.replace('_', '-')}" for k, v in given.items() if v]
    if model_file is not None and bad:
        raise HNLInputError(f"{', '.join(bad)} cannot be combined with --model (the model file sets them)")


def feedback_options(f):
    """--quiet / --verbose for commands with progress and a closing summary on stderr."""
    f = click.option("--verbose", "-v", is_flag=True, help="one line per finished mass, also on a terminal")(f)
    f = click.option("--quiet", "-q", is_flag=True, help="no progress and no summary on stderr")(f)
    return f


def progress_mode(quiet: bool, verbose: bool) -> str:
    """hnlreach.limit's progress= for the flags: a bar on a terminal, lines otherwise."""
    if quiet and verbose:
        raise HNLInputError("give --quiet or --verbose, not both")
    return "none" if quiet else "lines" if verbose else "auto"


def to_json(obj) -> str:
    """JSON text; infinities become null and a NaN is refused (never a silent NaN in output)."""
    def clean(x):
        if isinstance(x, float):
            if math.isnan(x):
                raise HNLInputError("internal error: result contains NaN")
            return x if math.isfinite(x) else None
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [clean(v) for v in x]
        return x
    return json.dumps(clean(obj), indent=2)
