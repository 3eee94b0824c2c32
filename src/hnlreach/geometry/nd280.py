"""Reader for SIREN detector-model files (densities.dat + materials.dat) and their conversion
into the package's geometry format (TOML tables ``compositions``, ``volumes``, ``fiducial``).

SIREN format (README_densities / README_materials of the SIREN distribution, and
SIREN projects/detector/private/DetectorModel.cxx ParseGeometryObject):
``object box X Y Z  ALPHA BETA GAMMA  DX DY DZ  LABEL MATERIAL constant DENSITY`` with the
box centre [m], ZXZ Euler angles, FULL edge lengths [m] and density [g/cm^3]; objects listed
later take precedence where they overlap; ``detector X Y Z`` sets the detector origin;
``fiducial box ...`` a fiducial volume in detector coordinates.  Material blocks are
``NAME COUNT`` followed by ``PDGCODE WEIGHT`` lines, the weights being mass fractions
summing to 1 (the count is missing for two blocks of the upgrade file; we read until the
next blank line).
"""
from __future__ import annotations

from pathlib import Path

from hnlreach.errors import HNLInputError
from hnlreach.geometry.materials import nucleus_name


def _strip(line: str) -> str:
    return line.split("#", 1)[0].strip()


def parse_siren_materials(text: str) -> dict[str, dict[str, float]]:
    """Material name -> {nucleus: mass fraction}."""
    out: dict[str, dict[str, float]] = {}
    current = None
    for raw in text.splitlines():
        line = _strip(raw)
        if not line:
            current = None
            continue
        parts = line.split()
        if parts[0].isdigit() and current is not None:
            nuc = nucleus_name(int(parts[0]))
            out[current][nuc] = out[current].get(nuc, 0.0) + float(parts[1])
        elif not parts[0].isdigit():
            current = parts[0]
            out[current] = {}
        else:
            raise HNLInputError(f"SIREN materials: nucleus line outside a material block: {raw!r}")
    return out


def parse_siren_densities(text: str) -> dict:
    """{'volumes': [...], 'fiducial': [...], 'detector_origin_m': [x, y, z]} from densities.dat."""
    volumes, fiducial, origin = [], [], [0.0, 0.0, 0.0]
    for raw in text.splitlines():
        line = _strip(raw)
        if not line:
            continue
        p = line.split()
        if p[0] == "detector":
            origin = [float(x) for x in p[1:4]]
            continue
        kind = p[0]
        if kind not in ("object", "fiducial") or p[1] != "box":
            raise HNLInputError(f"SIREN densities: unsupported line {raw!r}")
        center = [float(x) for x in p[2:5]]
        euler = [float(x) for x in p[5:8]]
        size = [float(x) for x in p[8:11]]
        if any(euler):
            raise HNLInputError(f"SIREN densities: rotated boxes are not supported: {raw!r}")
        if kind == "fiducial":
            fiducial.append({"name": f"fiducial_{len(fiducial)}", "shape": "box",
                             "center_m": center, "size_m": size, "frame": "detector"})
            continue
        label, material, dist, dens = p[11], p[12], p[13], float(p[14])
        if dist != "constant":
            raise HNLInputError(f"SIREN densities: only constant densities supported: {raw!r}")
        volumes.append({"name": label, "shape": "box", "center_m": center, "size_m": size,
                        "composition": material, "density_g_cm3": dens})
    return {"volumes": volumes, "fiducial": fiducial, "detector_origin_m": origin}


def convert_siren(densities: str | Path, materials: str | Path, provenance: str) -> dict:
    """Geometry dictionary in the package format from a SIREN densities/materials pair.
    Only the compositions used by the volumes are kept."""
    dens = parse_siren_densities(Path(densities).read_text())
    mats = parse_siren_materials(Path(materials).read_text())
    used = sorted({v["composition"] for v in dens["volumes"]})
    missing = [m for m in used if m not in mats]
    if missing:
        raise HNLInputError(f"SIREN geometry uses undefined materials {missing}")
    fid = dens["fiducial"]
    o = dens["detector_origin_m"]
    for f in fid:  # detector coordinates -> geometry coordinates (no rotation in these files)
        f["center_m"] = [c + oo for c, oo in zip(f["center_m"], o)]
        f["frame"] = "geometry"
    return {
        "provenance": provenance,
        "detector_origin_m": o,
        "compositions": {m: {"mass_fractions": mats[m]} for m in used},
        "volumes": dens["volumes"],
        "fiducial": fid,
    }
