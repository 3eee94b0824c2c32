"""Convert the NuMI (MINERvA, NOvA ND) and LBNF (DUNE ND) neutrino fluxes redistributed by DarkNews 0.4.8
(`DarkNews/include/fluxes/*.dat`: columns E [GeV], nue, numu, nutau, nuebar, numubar, nutaubar in
nu / cm^2 / POT / GeV) into the package's layout (E, numu, numubar, nue, nuebar; values unchanged).

Run once from the repository root: python scripts/convert/numi_lbnf_fluxes.py
Provenance of each release: src/hnlreach/experiments/data/numi/README.md.
"""
from pathlib import Path

import numpy as np

import DarkNews

SRC = Path(DarkNews.__file__).parent / "include" / "fluxes"
DST = Path(__file__).resolve().parents[2] / "src" / "hnlreach" / "experiments" / "data" / "numi"

FILES = {  # package file: (DarkNews file, header describing the release)
    "minerva_le_fhc_flux.dat": ("NUMI_FHC_LE.dat", "NuMI low-energy (LE) neutrino mode at MINERvA, MINERvA PRD 94 (2016) 092005, "
                                "arXiv:1607.00704 (ancillary flux files)"),
    "minerva_me_fhc_flux.dat": ("NUMI_FHC_ME.dat", "NuMI medium-energy (ME) neutrino mode at MINERvA, MINERvA ME flux "
                                "(Zazueta et al., PRD 107 (2023) 012001, arXiv:2209.05540 and its data release)"),
    "minerva_me_rhc_flux.dat": ("NUMI_RHC_ME.dat", "NuMI medium-energy (ME) antineutrino mode at MINERvA, MINERvA ME flux "
                                "(Zazueta et al., PRD 107 (2023) 012001, arXiv:2209.05540 and its data release)"),
    "nova_nd_fhc_flux.dat": ("NOvA_FHC.dat", "NuMI ME neutrino mode at the NOvA near detector (14.6 mrad off axis), NOvA public "
                             "flux release (Fermilab public document NOvA-doc 8, as cited by DarkNews)"),
    "nova_nd_rhc_flux.dat": ("NOvA_RHC.dat", "NuMI ME antineutrino mode at the NOvA near detector, NOvA public flux release "
                             "(Fermilab public document NOvA-doc 8, as cited by DarkNews)"),
    "dune_nd_fhc_flux.dat": ("DUNE_ND_FHC.dat", "LBNF neutrino mode at the DUNE near detector (574 m), DUNE ND CDR "
                             "arXiv:2103.04797 (1.2 MW, 120 GeV, 2.2 m graphite target)"),
    "dune_nd_rhc_flux.dat": ("DUNE_ND_RHC.dat", "LBNF antineutrino mode at the DUNE near detector (574 m), DUNE ND CDR "
                             "arXiv:2103.04797"),
}


def main():
    DST.mkdir(parents=True, exist_ok=True)
    for out, (name, what) in FILES.items():
        a = np.loadtxt(SRC / name)
        a = a[a[:, 0] > 0]  # the NuMI/NOvA files start with an E = 0 row of zeros: dropped (energies must be > 0)
        e, nue, numu, nuebar, numubar = a[:, 0], a[:, 1], a[:, 2], a[:, 4], a[:, 5]
        integral = np.trapezoid(numu, e)
        mean = np.trapezoid(numu * e, e) / integral
        head = [f"{what};",
                f"as redistributed in the DarkNews 0.4.8 package data (include/fluxes/{name}), values unchanged,",
                "columns reordered (scripts/convert/numi_lbnf_fluxes.py). Units nu/cm^2/POT/GeV at the listed energies.",
                f"Integral numu {integral:.4g} /cm^2/POT, mean E {mean:.3g} GeV.",
                "columns: E_nu [GeV], numu, numubar, nue, nuebar"]
        body = np.column_stack([e, numu, numubar, nue, nuebar])
        np.savetxt(DST / out, body, fmt="%.6e", header="\n".join(head))
        print(out, f"{integral:.4g}", f"{mean:.3g}")


if __name__ == "__main__":
    main()
