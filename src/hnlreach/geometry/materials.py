"""Materials: composition by nucleus (mass fractions or atom counts) and density in g/cm^3.

Nuclei are named element symbol + mass number ("H1", "C12", "Ar40", "Pb208") or given as PDG
nuclear codes 100ZZZAAAI (1000060120).  Number densities use the AME2020 atomic masses of
hnlreach.physics.nuclei; a nuclide not tabulated there falls back to its mass number A in g/mol
(error < 0.1 % for A >= 12).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from hnlreach.errors import HNLInputError
from hnlreach.physics.nuclei import atomic_mass_u

AVOGADRO = 6.02214076e23  # 1/mol, exact (SI 2019)

ELEMENTS = ["H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi"]
Z_OF = {sym: z for z, sym in enumerate(ELEMENTS, start=1)}

_NAME_RE = re.compile(r"^([A-Z][a-z]?)(\d{1,3})$")


def nucleus_name(spec) -> str:
    """Canonical nucleus name ('C12') from a name or a PDG nuclear code (1000060120)."""
    if isinstance(spec, int) or (isinstance(spec, str) and spec.isdigit()):
        code = int(spec)
        if not 1000000000 <= code < 1100000000:
            raise HNLInputError(f"not a PDG nuclear code: {spec}")
        z, a = (code // 10000) % 1000, (code // 10) % 1000
        if not 1 <= z <= len(ELEMENTS) or a < z:
            raise HNLInputError(f"PDG nuclear code {spec} has unknown Z={z} or A={a}")
        return f"{ELEMENTS[z - 1]}{a}"
    m = _NAME_RE.match(str(spec).strip())
    if not m or m.group(1) not in Z_OF or int(m.group(2)) < Z_OF[m.group(1)]:
        raise HNLInputError(f"unknown nucleus {spec!r}: write element symbol + mass number, e.g. C12")
    return m.group(0)


def nucleus_za(name: str) -> tuple[int, int]:
    """(Z, A) of a nucleus name."""
    m = _NAME_RE.match(nucleus_name(name))
    return Z_OF[m.group(1)], int(m.group(2))


def atomic_mass(name: str) -> float:
    """Atomic mass in g/mol (AME2020 table of physics.nuclei where tabulated, else A)."""
    name = nucleus_name(name)
    u = atomic_mass_u(name)
    return float(nucleus_za(name)[1]) if u is None else u


@dataclass(frozen=True)
class Material:
    """A homogeneous medium: mass fractions per nucleus (normalised to 1) and density [g/cm^3]."""

    name: str
    density_g_cm3: float
    mass_fractions: dict = field(default_factory=dict)

    def __post_init__(self):
        rho = float(self.density_g_cm3)
        if not math.isfinite(rho) or rho < 0:
            raise HNLInputError(f"material {self.name}: density must be >= 0 g/cm^3, got {rho}")
        object.__setattr__(self, "density_g_cm3", rho)
        fr = {nucleus_name(k): float(v) for k, v in dict(self.mass_fractions).items()}
        if not fr or any(not math.isfinite(v) or v < 0 for v in fr.values()) or sum(fr.values()) <= 0:
            raise HNLInputError(f"material {self.name}: composition needs non-negative fractions")
        tot = sum(fr.values())
        object.__setattr__(self, "mass_fractions", {k: v / tot for k, v in fr.items()})

    @classmethod
    def from_atoms(cls, name: str, density_g_cm3: float, atoms: dict) -> Material:
        """Build from atom counts per molecule, e.g. water {'H1': 2, 'O16': 1}."""
        masses = {nucleus_name(k): float(v) * atomic_mass(k) for k, v in atoms.items()}
        return cls(name, density_g_cm3, masses)

    def number_densities(self) -> dict[str, float]:
        """Nucleus -> number density [1/cm^3]: rho w_i N_A / M_i."""
        return {k: self.density_g_cm3 * w * AVOGADRO / atomic_mass(k)
                for k, w in self.mass_fractions.items()}

    def nucleon_density(self) -> float:
        """Nucleons per cm^3 (sum of A n_i)."""
        return sum(n * nucleus_za(k)[1] for k, n in self.number_densities().items())


VACUUM = Material("VACUUM", 0.0, {"H1": 1.0})
