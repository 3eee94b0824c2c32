"""`hnlreach experiments`: the available experiment presets, their default model, the models each
supports and their provenance."""
from __future__ import annotations

import click

from hnlreach.cli.common import to_json


def _defaults(name: str) -> str:
    """'tau mixing, Majorana, masses 0.1:1.75:24, 90 % CL': what `hnlreach limit NAME` runs."""
    from hnlreach.experiments import read_config

    cfg, _ = read_config(name)
    model, stats = cfg.get("model", {}), cfg.get("statistics", {})
    parts = []
    if model.get("mixing"):
        parts.append(f"{model['mixing']} mixing")
    elif model.get("dipole"):
        parts.append(f"{model['dipole']} dipole")
    parts.append("Majorana" if model.get("majorana") else "Dirac")
    if model.get("masses"):
        parts.append(f"masses {model['masses']} GeV")
    if stats.get("method") == "fixed":
        parts.append(f"N > {stats.get('n_limit'):g}")
    elif stats.get("cl"):
        parts.append(f"{100 * stats['cl']:g} % CL")
    return ", ".join(parts)


@click.command("experiments")
@click.option("--json", "as_json", is_flag=True,
              help="print a JSON object name -> {provenance, models}")
def command(as_json):
    """List the experiment presets (name, what `hnlreach limit NAME` runs by default, the models
    it supports, provenance)."""
    from hnlreach.experiments import list_experiments, supported_models

    presets = list_experiments()
    models = {name: supported_models(name) for name, _ in presets}
    if as_json:
        click.echo(to_json({name: {"provenance": prov, "models": models[name]} for name, prov in presets}))
        return
    for name, prov in presets:
        try:
            default = _defaults(name)
        except (OSError, ValueError, KeyError, TypeError):
            default = ""
        click.echo(f"{name}" + (f"  [default: {default}]" if default else "")
                   + f"\n    models: {', '.join(models[name]) or 'none'}\n    {prov}")
