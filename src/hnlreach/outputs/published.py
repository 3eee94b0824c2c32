"""Published limit curves shipped in hnlreach/data/published_limits (provenance in its README)."""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from hnlreach.errors import HNLInputError

# name -> (file, mass unit in GeV, coupling label, kind, CL, description)
# kind: 'closed' = closed contour around the excluded (or preferred) region (drawn closed);
#       'lower' = only the lower boundary of an excluded region (excluded above the line);
#       'open' = a boundary as digitised, whose region is not closed inside the figure (drawn as given,
#                never closed by a straight line from its last to its first point).
# A digitised figure's frame is not a boundary: FRAMES lists the frame lines a curve runs along
# (segments on them, including the closing one, are not drawn).
PUBLISHED = {
    "ArgoNeuT2021": ("ArgoNeuT2021_Utau2_90CL_logmass.dat", 1.0, "|U_tau|^2", "open", 0.90,
                     "ArgoNeuT 2021, tau mixing, Dirac (arXiv:2106.13684 Fig. 5)"),
    # the reference digitisation as shipped: masses read on a linear axis (wrong, see README)
    "ArgoNeuT2021-linear-mass-digitisation": ("ArgoNeuT2021_Utau2_90CL.dat", 1.0, "|U_tau|^2", "open", 0.90,
                                              "ArgoNeuT 2021 as digitised with a linear mass axis (wrong)"),
    "DELPHI1997": ("DELPHI1997_Utau2_ArgoNeuT2021fig5.dat", 1.0, "|U_tau|^2", "lower", 0.95,
                   "DELPHI 1997, tau mixing (Z. Phys. C 74, 57), as drawn in arXiv:2106.13684 Fig. 5"),
    "CHARM-Orloff2002": ("CHARM_Orloff2002_Utau2_ArgoNeuT2021fig5.dat", 1.0, "|U_tau|^2", "closed", 0.90,
                         "CHARM, tau mixing (Orloff et al., hep-ph/0208075), as drawn in arXiv:2106.13684 Fig. 5"),
    "CHARM-Boiarska2021": ("CHARM_Boiarska2021_Utau2_90CL.dat", 1.0, "|U_tau|^2", "closed", 0.90,
                           "CHARM re-analysis, tau mixing, Majorana (arXiv:2107.14685 Fig. 6)"),
    "T2K2019": ("T2K2019_Umu2_90CL.dat", 1e-3, "|U_mu|^2", "lower", 0.90,
                "T2K ND280 2019 (arXiv:1902.07598)"),
    "T2K2019-profiled": ("T2K2019_Umu2_90CL_profiled.dat", 1e-3, "|U_mu|^2", "lower", 0.90,
                         "T2K ND280 2019, U_mu^2 profiled over U_e^2, U_tau^2 (data release, HNLimits)"),
    "T2K2019-Ue-profiled": ("T2K2019_Ue2_90CL_profiled.dat", 1e-3, "|U_e|^2", "lower", 0.90,
                            "T2K ND280 2019, U_e^2 profiled over U_mu^2, U_tau^2 (data release, HNLimits)"),
    "ND280-Arguelles2021": ("ND280_lowmass_Arguelles2021_Umu2_90CL.dat", 1e-3, "|U_mu|^2", "open", 0.90,
                            "ND280 low mass, Arguelles et al. (arXiv:2109.03831)"),
    "ND280-Arguelles2021-projection": ("ND280_lowmass_Arguelles2021_Umu2_projection.dat", 1e-3, "|U_mu|^2",
                                       "open", 0.90, "T2K(+II) projection, Arguelles et al. (arXiv:2109.03831)"),
    # a constraint (excluded above the line), not a preferred region: Magill et al. derive constraints
    # "utilizing data from ... MiniBooNE" (abstract); the file is one line from 1 MeV to the frame
    # (d = 1e-3 at 0.98 GeV), never closed, and its header reads "d at 95%CL from MiniBooNE data"
    "MiniBooNE-dipole": ("MiniBooNE_Magill2018_dmu_95CL.dat", 1.0, "d_mu [GeV^-1]", "lower", 0.95,
                         "MiniBooNE data, 95 % CL constraint on the dipole portal (Magill et al., arXiv:1803.03262)"),
    "MINERvA-dipole": ("MINERvA_Kamp2022_dmu_95CL.dat", 1e-3, "d_mu [GeV^-1]", "lower", 0.95,
                       "MINERvA nu-e sidebands, dipole portal (Kamp et al., arXiv:2206.07100)"),
    "ND280-dipole-Liu2024": ("ND280_Liu2024_dmu_95CL.dat", 1e-3, "d_mu [GeV^-1]", "lower", 0.95,
                             "ND280 2019 data, dipole portal (Liu et al., arXiv:2412.15051 Fig. 4)"),
    "ND280-upgrade-dipole-Liu2024": ("ND280upgrade_Liu2024_dmu_95CL.dat", 1e-3, "d_mu [GeV^-1]", "lower", 0.95,
                                     "T2K + T2K-II sensitivity, dipole portal (Liu et al., arXiv:2412.15051 Fig. 4)"),
    "SHiP2018-Ue2": ("SHiP2018_Ue2_lower.dat", 1.0, "|U_e|^2", "lower", 0.90,
                     "SHiP sensitivity, e mixing, Majorana, 2e20 POT, lower boundary (arXiv:1811.00930)"),
    "SHiP2018-Umu2": ("SHiP2018_Umu2_lower.dat", 1.0, "|U_mu|^2", "lower", 0.90,
                      "SHiP sensitivity, mu mixing, Majorana, 2e20 POT, lower boundary (arXiv:1811.00930)"),
    "SHiP2018-Utau2": ("SHiP2018_Utau2_lower.dat", 1.0, "|U_tau|^2", "lower", 0.90,
                       "SHiP sensitivity, tau mixing, Majorana, 2e20 POT, lower boundary (arXiv:1811.00930)"),
    "SHiP2018-Ue2-upper": ("SHiP2018_Ue2_upper.dat", 1.0, "|U_e|^2", "open", 0.90,
                           "SHiP sensitivity, e mixing, upper boundary 2.9-5.8 GeV (arXiv:1811.00930)"),
    "SHiP2018-Umu2-upper": ("SHiP2018_Umu2_upper.dat", 1.0, "|U_mu|^2", "open", 0.90,
                            "SHiP sensitivity, mu mixing, upper boundary 2.9-5.8 GeV (arXiv:1811.00930)"),
    "SHiP2018-Utau2-upper": ("SHiP2018_Utau2_upper.dat", 1.0, "|U_tau|^2", "open", 0.90,
                             "SHiP sensitivity, tau mixing, upper boundary 3.4-4.6 GeV (arXiv:1811.00930)"),
    "NuTeV1999": ("NuTeV1999_Umu2_90CL.dat", 1.0, "|U_mu|^2", "closed", 0.90,
                  "NuTeV decay channel, |U_mu|^2, 90 % CL (Vaitaitis et al., hep-ex/9908011)"),
    "DUNEND-Ballett2019": ("DUNEND_Ballett2019_Umu2_lower.dat", 1.0, "|U_mu|^2", "lower", 0.90,
                           "DUNE ND-LAr sensitivity, |U_mu|^2, lower boundary (Ballett et al. arXiv:1905.00284)"),
    "DUNEND-Ballett2019-upper": ("DUNEND_Ballett2019_Umu2_upper.dat", 1.0, "|U_mu|^2", "open", 0.90,
                                 "DUNE ND-LAr sensitivity, |U_mu|^2, upper boundary (Ballett et al. arXiv:1905.00284)"),
    "DUNEMPD-Berryman2019": ("DUNEMPD_Berryman2019_Umu2_lower.dat", 1.0, "|U_mu|^2", "lower", 0.90,
                             "DUNE MPD (gaseous argon) sensitivity, |U_mu|^2, lower boundary (Berryman et al. arXiv:1912.07622)"),
    "DUNEMPD-Berryman2019-upper": ("DUNEMPD_Berryman2019_Umu2_upper.dat", 1.0, "|U_mu|^2", "open", 0.90,
                                   "DUNE MPD sensitivity, |U_mu|^2, upper boundary (Berryman et al. arXiv:1912.07622)"),
    "MicroBooNE2019-BNB-mupi": ("MicroBooNE2019_BNB_mupi_Umu2_majorana.dat", 1e-3, "|U_mu|^2", "lower", 0.90,
                                "MicroBooNE BNB, N -> mu pi, Majorana (arXiv:1911.10545)"),
    "MicroBooNE2022-NuMI-mupi": ("MicroBooNE2022_NuMI_mupi_Umu2_majorana.dat", 1e-3, "|U_mu|^2", "lower", 0.90,
                                 "MicroBooNE NuMI absorber, N -> mu pi, Majorana (arXiv:2207.03840)"),
    "MicroBooNE2022-NuMI-mupi-dirac": ("MicroBooNE2022_NuMI_mupi_Umu2_dirac.dat", 1e-3, "|U_mu|^2", "lower", 0.90,
                                       "MicroBooNE NuMI absorber, N -> mu pi, Dirac (arXiv:2207.03840)"),
    "MicroBooNE2023-NuMI-ee-pi0": ("MicroBooNE2023_NuMI_ee_pi0_Umu2.dat", 1e-3, "|U_mu|^2", "lower", 0.90,
                                   "MicroBooNE NuMI, N -> nu e+ e- / nu pi0 (arXiv:2310.07660)"),
    "NA62dump-Drewes2018": ("NA62dump_Drewes2018_Umu2_lower.dat", 1.0, "|U_mu|^2", "lower", 0.90,
                            "NA62 beam-dump projection, 1e18 POT, |U_mu|^2 (Drewes et al. arXiv:1801.04207)"),
    "PS191-1988-Ue2": ("PS191_1988_Ue2_lower.dat", 1.0, "|U_e|^2", "lower", 0.90,
                       "PS191 1988, |U_e|^2 (Bernardi et al., PLB 203 (1988) 332; HNLimits digitisation)"),
    "PS191-1988-Umu2": ("PS191_1988_Umu2_lower.dat", 1.0, "|U_mu|^2", "lower", 0.90,
                        "PS191 1988, |U_mu|^2 (Bernardi et al., PLB 203 (1988) 332; HNLimits digitisation)"),
    "PS191-1988-UeUmu-K": ("PS191_1988_UeUmu_K.dat", 1e-3, "|U_e U_mu|", "lower", 0.90,
                           "PS191 1988, |U_e U_mu| from K decays (digitised by Arguelles et al. arXiv:2109.03831)"),
    "PS191-1988-UeUmu-pi": ("PS191_1988_UeUmu_pi.dat", 1e-3, "|U_e U_mu|", "lower", 0.90,
                            "PS191 1988, |U_e U_mu| from pi decays (digitised by Arguelles et al. arXiv:2109.03831)"),
    "PS191-AFH2021": ("PS191_AFH2021_Umu2_nuee.dat", 1.0, "|U_mu|^2", "lower", 0.90,
                      "PS191 re-evaluated, |U_mu|^2, N -> nu e e, Dirac (Arguelles, Foppiani, Hostert arXiv:2109.03831)"),
    "BEBC-Barouki2022-Ue2": ("BEBC_Barouki2022_Ue2_lower.dat", 1.0, "|U_e|^2", "lower", 0.90,
                             "BEBC WA66 re-analysis, e mixing, Majorana, lower boundary (Barouki et al. arXiv:2208.00416 Fig. 4)"),
    "BEBC-Barouki2022-Ue2-upper": ("BEBC_Barouki2022_Ue2_upper.dat", 1.0, "|U_e|^2", "open", 0.90,
                                   "BEBC WA66 re-analysis, e mixing, upper boundary 0.5-1.96 GeV (arXiv:2208.00416 Fig. 4)"),
    "BEBC-Barouki2022-Utau2": ("BEBC_Barouki2022_Utau2_lower.dat", 1.0, "|U_tau|^2", "lower", 0.90,
                               "BEBC WA66 re-analysis, tau mixing, Majorana, lower boundary (Barouki et al. arXiv:2208.00416 Fig. 5)"),
    "BEBC-Barouki2022-Utau2-upper": ("BEBC_Barouki2022_Utau2_upper.dat", 1.0, "|U_tau|^2", "open", 0.90,
                                     "BEBC WA66 re-analysis, tau mixing, upper boundary 1.0-1.65 GeV (arXiv:2208.00416 Fig. 5)"),
    "NA62dump-Drewes2018-upper": ("NA62dump_Drewes2018_Umu2_upper.dat", 1.0, "|U_mu|^2", "open", 0.90,
                                  "NA62 beam-dump projection, upper boundary 1.2-2.2 GeV (arXiv:1801.04207)"),
}


# frame lines of the digitised figure that a curve runs along: mass_min / mass_max [GeV], coupling_min / coupling_max
FRAMES = {
    # arXiv:2107.14685 Fig. 6 is drawn from m = 0.1 GeV up to U^2 = 5.2e-3: the left and top edges are the frame
    "CHARM-Boiarska2021": {"mass_min": 0.100394639, "coupling_max": 5.15658643e-3},
    # arXiv:2106.13684 Fig. 5 starts at m = 0.2 GeV and ends at |U|^2 = 1
    "CHARM-Orloff2002": {"mass_min": 0.20149, "coupling_max": 1.0},
    # the MiniBooNE line ends on the top of the figure (d = 1e-3 GeV^-1) at 0.98 GeV
    "MiniBooNE-dipole": {"coupling_max": 1e-3},
}

# curves digitised as separate branches in one file: indices of the points that start a new branch
# (the line from the previous point is not part of the curve).  ArgoNeuT Fig. 5: the lower branch
# from the top left to the tip (points 0-52), then the upper branch from the top left to the tip.
BREAKS = {"ArgoNeuT2021": (53,), "ArgoNeuT2021-linear-mass-digitisation": (53,)}


@dataclass(frozen=True)
class PublishedCurve:
    name: str
    mass_GeV: np.ndarray
    coupling: np.ndarray
    coupling_label: str
    kind: str
    cl: float
    description: str
    frame: dict | None = None
    breaks: tuple = ()


def available_published() -> list[str]:
    """Names of the shipped published curves."""
    return sorted(PUBLISHED)


def _data_dir() -> Path:
    return Path(str(resources.files("hnlreach") / "data" / "published_limits"))


def load_published(name: str) -> PublishedCurve:
    """Load a shipped curve by name (see PUBLISHED), masses in GeV, points in file order."""
    if name not in PUBLISHED:
        raise HNLInputError(f"unknown published curve {name!r}; available: {', '.join(available_published())}")
    fname, unit, label, kind, cl, desc = PUBLISHED[name]
    data = np.loadtxt(_data_dir() / fname, comments="#", ndmin=2)
    return PublishedCurve(name, data[:, 0] * unit, data[:, 1], label, kind, cl, desc, FRAMES.get(name),
                          BREAKS.get(name, ()))
