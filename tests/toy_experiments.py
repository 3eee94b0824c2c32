"""Small upscattering experiments for tests: a numu flux table and a TOML around given geometry."""
from pathlib import Path

from hnlreach.experiments import load_experiment

_TEMPLATE = """
[experiment]
name = "{name}"
provenance = "test toy"
[beam]
particle = "p"
energy_GeV = 30.0
pot = {pot:g}
{materials}
[[production_sites]]
name = "target"
pot_fraction = 1.0
position_m = [0.0, 0.0, {source_z:g}]
[[fluxes]]
name = "numu"
flavour = "mu"
file = "flux.dat"
units = "per_cm2_per_pot_per_GeV"
[geometry]
volumes = [
{volumes}
]
fiducial = [ {fiducial} ]
[signal]
channels = {channels}
{extra}
[statistics]
observed = 0
cl = {cl:g}
method = "classical"
"""


def upscattering_toy(directory: Path, *, name: str, materials: str, volumes: str, fiducial: str,
                     channels: list[str], flux: str, pot: float = 1e21, cl: float = 0.95,
                     source_z: float = -280.0, extra: str = ""):
    """Write flux.dat (lines 'E_GeV phi') and exp.toml into `directory`; return the Experiment."""
    directory = Path(directory)
    (directory / "flux.dat").write_text(flux)
    toml = _TEMPLATE.format(name=name, pot=pot, materials=materials, source_z=source_z, volumes=volumes,
                            fiducial=fiducial, channels="[" + ", ".join(f'"{c}"' for c in channels) + "]",
                            extra=extra, cl=cl)
    (directory / "exp.toml").write_text(toml)
    return load_experiment(directory / "exp.toml")
