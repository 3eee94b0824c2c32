"""Scattering targets: nuclide table (Z, A, nuclear mass) and elastic form factors.

Masses: AME2020 atomic masses (W.J. Huang et al., Chin. Phys. C45 (2021) 030002; M. Wang et al.,
Chin. Phys. C45 (2021) 030003) minus Z electron masses plus the total electronic binding energy
(Lunney, Pearson, Thibault, Rev. Mod. Phys. 75 (2003) 1021, eq. A4; 0.57 MeV for Pb).

Nuclear charge form factor (`charge_form_factor`): the Fourier-Bessel fit of the measured charge
density (H. de Vries et al., At. Data Nucl. Data Tables 36 (1987) 495; data/nuclear/) where tabulated --
the same choice as DarkNews 0.4.8 -- otherwise Helm (R.H. Helm, Phys. Rev. 104 (1956) 1466) with the
parameters of Lewin & Smith, Astropart. Phys. 6 (1996) 87, eq. (4.7)-(4.11): c = 1.23 A^(1/3) - 0.60 fm,
a = 0.52 fm, s = 0.9 fm, R1^2 = c^2 + 7/3 pi^2 a^2 - 5 s^2.  Helm's A^(1/3) radius is poor for light
nuclei: it lowers the coherent sigma relative to FB by up to 14 % for C12 and 5 % for O16/Pb208 at
m_N = 0.4-0.7 GeV (< 2 % at 0.1 GeV), see tests/physics/test_upscattering.py.

Nucleon electromagnetic form factors: dipole Sachs form factors G_E^p = D, G_M^{p,n} = mu_{p,n} D,
D = (1 + Q^2/0.71 GeV^2)^-2, and the Galster parametrisation of G_E^n (S. Galster et al.,
Nucl. Phys. B32 (1971) 221); F1 = (G_E + tau G_M)/(1 + tau), F2 = (G_M - G_E)/(1 + tau), tau = Q^2/4M^2.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics.constants import HBARC_GEV_M, M_E, M_NEUTRON, M_PROTON

ATOMIC_MASS_UNIT_GEV = 0.93149410242  # CODATA 2018 u in GeV
HBARC_GEV_FM = HBARC_GEV_M * 1e15  # 0.19733 GeV fm

MU_PROTON = 2.7928473446  # proton magnetic moment in nuclear magnetons (CODATA 2018)
MU_NEUTRON = -1.91304276  # neutron magnetic moment in nuclear magnetons (CODATA 2018)
DIPOLE_MASS2_GEV2 = 0.71  # vector dipole mass^2 of the Sachs form factors [GeV^2]

# name -> (Z, A, AME2020 atomic mass in u)
_AME2020 = {
    "H1": (1, 1, 1.007825032), "Be9": (4, 9, 9.012183062), "C12": (6, 12, 12.0),
    "N14": (7, 14, 14.003074004), "O16": (8, 16, 15.994914619), "F19": (9, 19, 18.998403162),
    "Na23": (11, 23, 22.989769282), "Mg24": (12, 24, 23.985041689), "Al27": (13, 27, 26.981538408),
    "Si28": (14, 28, 27.976926534), "S32": (16, 32, 31.972071174), "Cl35": (17, 35, 34.968852694),
    "K39": (19, 39, 38.963706485), "Ar40": (18, 40, 39.962383122), "Ca40": (20, 40, 39.962590850),
    "Ti48": (22, 48, 47.947940677), "Fe56": (26, 56, 55.934935537), "Ni58": (28, 58, 57.935341650),
    "Cu63": (29, 63, 62.929597119), "Zn64": (30, 64, 63.929141776), "W184": (74, 184, 183.950933180),
    "Pb208": (82, 208, 207.976652005),
    # further isotopes of the shipped geometries' materials (listed after the most abundant one)
    "H2": (1, 2, 2.014101778), "Si29": (14, 29, 28.976494665), "Si30": (14, 30, 29.973770136),
    "Ti46": (22, 46, 45.952626356), "Ti47": (22, 47, 46.951757491), "Ti49": (22, 49, 48.947864391),
    "Ti50": (22, 50, 49.944785622), "Cr52": (24, 52, 51.940504713), "Fe54": (26, 54, 53.939608306),
    "Fe57": (26, 57, 56.935392134), "Fe58": (26, 58, 57.933274431), "Cu65": (29, 65, 64.927789476),
    "Zn66": (30, 66, 65.926033639), "Mo98": (42, 98, 97.905404820),
}
# element symbol -> its most abundant isotope (the first listed above), for geometries naming elements
ELEMENT_ALIASES: dict[str, str] = {}
for _name in _AME2020:
    ELEMENT_ALIASES.setdefault(_name.rstrip("0123456789"), _name)


def atomic_mass_u(name: str) -> float | None:
    """AME2020 atomic mass [u = g/mol] of a tabulated nuclide, None if not tabulated."""
    entry = _AME2020.get(name)
    return None if entry is None else entry[2]
FREE_PROTON_ALIASES = ("p", "proton")


@dataclass(frozen=True)
class Nucleus:
    """A scattering target: Z protons, A nucleons, nuclear mass in GeV."""

    name: str
    Z: int
    A: int
    mass: float

    @property
    def N(self) -> int:
        return self.A - self.Z

    @property
    def is_nucleon(self) -> bool:
        """True for a free proton (H1): no coherent nuclear term, only elastic scattering on the proton."""
        return self.A == 1


def electron_binding_energy(Z: int) -> float:
    """Total electronic binding energy [GeV] (Lunney et al. 2003, eq. A4)."""
    return (14.4381 * Z ** 2.39 + 1.55468e-6 * Z ** 5.35) * 1e-9


def _build_table() -> dict[str, Nucleus]:
    table = {name: Nucleus(name, Z, A, u * ATOMIC_MASS_UNIT_GEV - Z * M_E + electron_binding_energy(Z))
             for name, (Z, A, u) in _AME2020.items()}
    table["H1"] = Nucleus("H1", 1, 1, M_PROTON)  # bare proton (PDG mass)
    return table


NUCLEI: dict[str, Nucleus] = _build_table()


def nucleus(name: str) -> Nucleus:
    """Look a target up by nuclide ('C12', 'Pb208'), element symbol ('C' -> C12) or 'p'/'proton' (free proton)."""
    key = str(name).strip()
    if key in FREE_PROTON_ALIASES or key.lower() == "proton":  # 'P' stays an (unknown) element
        return NUCLEI["H1"]
    for cand in (key, ELEMENT_ALIASES.get(key)):
        if cand in NUCLEI:
            return NUCLEI[cand]
    lower = {k.lower(): v for k, v in NUCLEI.items()}
    if key.lower() in lower:
        return lower[key.lower()]
    raise HNLInputError(f"unknown target {name!r}; known: {', '.join(NUCLEI)}, p/proton")


def helm_radius_fm(A: int) -> float:
    """Helm diffraction radius R1 [fm] (Lewin & Smith 1996, eq. 4.11)."""
    c = 1.23 * A ** (1.0 / 3.0) - 0.60
    a, s = 0.52, 0.9
    return math.sqrt(c * c + (7.0 / 3.0) * math.pi ** 2 * a * a - 5.0 * s * s)


HELM_SKIN_FM = 0.9  # Helm surface thickness s [fm] (Lewin & Smith 1996)


def helm_form_factor(Q2, A: int):
    """Helm charge form factor F(Q^2), F(0) = 1: 3 j1(q R1)/(q R1) exp(-q^2 s^2/2) (Lewin & Smith eq. 4.7)."""
    q = np.sqrt(np.maximum(np.asarray(Q2, dtype=float), 0.0)) / HBARC_GEV_FM  # fm^-1
    x = q * helm_radius_fm(A)
    small = x < 1e-3
    xs = np.where(small, 1.0, x)
    j1_over_x = np.where(small, 1.0 / 3.0 - x * x / 30.0, (np.sin(xs) / xs - np.cos(xs)) / (xs * xs))
    return 3.0 * j1_over_x * np.exp(-0.5 * (q * HELM_SKIN_FM) ** 2)


def nucleon_sachs(Q2, nucleon: str):
    """(G_E, G_M) of 'proton' or 'neutron': dipole fit, Galster G_E^n (see module docstring)."""
    Q2 = np.asarray(Q2, dtype=float)
    D = 1.0 / (1.0 + Q2 / DIPOLE_MASS2_GEV2) ** 2
    if nucleon == "proton":
        return D, MU_PROTON * D
    tau = Q2 / (4.0 * M_NEUTRON ** 2)
    return -MU_NEUTRON * tau / (1.0 + 5.6 * tau) * D, MU_NEUTRON * D  # Galster 1971


def nucleon_dirac_pauli(Q2, nucleon: str):
    """Dirac and Pauli form factors (F1, F2) from the Sachs ones: F1(0) = charge, F2(0) = anomalous moment."""
    GE, GM = nucleon_sachs(Q2, nucleon)
    M = M_PROTON if nucleon == "proton" else M_NEUTRON
    tau = np.asarray(Q2, dtype=float) / (4.0 * M * M)
    return (GE + tau * GM) / (1.0 + tau), (GM - GE) / (1.0 + tau)


@lru_cache(maxsize=1)
def fourier_bessel_table() -> dict[str, tuple[float, np.ndarray]]:
    """nuclide -> (R [fm], FB coefficients a_n) from data/nuclear/fourier_bessel_charge.csv (de Vries 1987)."""
    text = resources.files("hnlreach").joinpath("data/nuclear/fourier_bessel_charge.csv").read_text()
    rows = [line.split(",") for line in text.splitlines() if line and not line.startswith(("#", "nuclide"))]
    return {r[0]: (float(r[1]), np.array([float(x) for x in r[2:]])) for r in rows}


def fourier_bessel_form_factor(Q2, name: str):
    """Charge form factor of a Fourier-Bessel density, F(0) = 1.

    int_0^R j0(n pi r/R) j0(q r) r^2 dr = (-1)^(n+1) R^3 j0(qR)/((n pi)^2 - (qR)^2); normalised at q = 0."""
    R, a = fourier_bessel_table()[name]
    n = np.arange(1, a.size + 1)
    x = np.sqrt(np.maximum(np.asarray(Q2, dtype=float), 0.0))[..., None] / HBARC_GEV_FM * R
    npi = n * np.pi
    den = npi * npi - x * x
    near = np.abs(den) < 1e-9 * npi * npi
    xs = np.where(x > 0, x, 1.0)
    j0 = np.where(x > 0, np.sin(xs) / xs, 1.0)
    # at x -> n pi: sin(x)/(x ((n pi)^2 - x^2)) -> -(-1)^n / (2 (n pi)^2)
    term = np.where(near, -((-1.0) ** n) / (2.0 * npi * npi), j0 / np.where(near, 1.0, den))
    sign = (-1.0) ** (n + 1)
    return np.sum(sign * a * term, axis=-1) / np.sum(sign * a / (npi * npi))


def charge_form_factor(Q2, nuc: Nucleus, model: str = "auto"):
    """Nuclear charge form factor F(Q^2) (F(0) = 1): 'fourier-bessel', 'helm', or 'auto' (FB if tabulated)."""
    if model == "auto":
        model = "fourier-bessel" if nuc.name in fourier_bessel_table() else "helm"
    if model == "fourier-bessel":
        if nuc.name not in fourier_bessel_table():
            raise HNLInputError(f"no Fourier-Bessel charge density tabulated for {nuc.name}")
        return fourier_bessel_form_factor(Q2, nuc.name)
    if model == "helm":
        return helm_form_factor(Q2, nuc.A)
    raise HNLInputError(f"form-factor model must be auto, fourier-bessel or helm, got {model!r}")
