"""A dark-neutrino sector: read a model file, upscattering cross sections and HNL decays.

Run:  python examples/dark_sector.py
"""
from pathlib import Path

import hnlreach

HERE = Path(__file__).resolve().parent

for name in ("light_zprime.toml", "three_plus_two.txt"):
    model = hnlreach.load_model(HERE / "models" / name)
    print(f"{model.name}: HNL masses {model.masses} GeV ({model.nature})")
    for comp in ("coherent", "proton", "neutron"):
        sigma = model.xsec(1.0, "Ar40", component=comp)
        print(f"  nu_mu Ar40 -> N4 Ar40 at 1 GeV, {comp:8s}: {float(sigma):.3e} cm^2")
    for j in range(4, 4 + len(model.masses)):
        print(f"  N{j}: c tau = {model.ctau(j):.3e} m")
        for channel, br in list(model.branching_ratios(j).items())[:3]:
            print(f"    {channel:32s} {br:.3f}")
