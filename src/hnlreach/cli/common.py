"""Options and helpers shared by the sub-commands."""
from __future__ import annotations

import json
import math

import click

from hnlreach.errors import HNLInputError


def model_options(f):
    """--mass/--mixing/--dipole/--majorana|--dirac/--coupling, as in DESIGN.md's contracts."""
    f = click.option("--coupling", type=float, default=1.0, show_default=True,
                     help="total |U|^2 for --mixing, d in GeV^-1 for --dipole")(f)
    f = click.option("--majorana/--dirac", default=False, help="Majorana or Dirac HNL (default Dirac)")(f)
    f = click.option("--dipole", "dipole", default=None, metavar="e|mu|tau|A:B:C",
                     help="dipole-portal flavour(s)")(f)
    f = click.option("--mixing", "mixing", default=None, metavar="e|mu|tau|A:B:C",
                     help="mass-mixing flavour pattern")(f)
    f = click.option("--mass", type=float, required=True, help="HNL mass in GeV")(f)
    return f


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
