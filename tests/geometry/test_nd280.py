"""The converted ND280 geometries: loadable, in sync with the SIREN source, and hand-checked rays."""
from pathlib import Path

import pytest

from hnlreach.experiments import PRESET_DIR, load_geometry
from hnlreach.geometry.nd280 import convert_siren

DATA = PRESET_DIR / "data" / "nd280"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "nd280_geometry"


@pytest.fixture(scope="module")
def nd280():
    return load_geometry(DATA / "nd280-v1.toml")


@pytest.fixture(scope="module")
def upgrade():
    return load_geometry(DATA / "nd280-upgrade-v1.toml")


def _segments_at(world, z):
    seg = world.trace([[0.0, 0.0, -300.0]], [[0.0, 0.0, 1.0]])
    out = seg.for_ray(0)
    for name, mat, a, b in out:
        if a <= z + 300.0 < b:
            return name, mat
    return None


def test_on_axis_ray_hand_checks(nd280):
    seg = nd280.trace([[0.0, 0.0, -300.0]], [[0.0, 0.0, 1.0]])
    got = seg.for_ray(0)
    # rock: box centred at z=-142, 300 m long -> starts at z=-292; the hall (z in +-18.5) wins after
    assert got[0][:2] == ("surr_earth", "ROCK")
    assert got[0][2] == pytest.approx(300 - 292) and got[0][3] == pytest.approx(300 - 18.5)
    assert got[1][:2] == ("det_hall", "AIR")
    assert got[1][3] == pytest.approx(300 - 3.8)  # UA1 yoke/chamber face at z = -7.6/2
    # coil (Al) between the chambers: z in [-3.7, -3.5] and [3.5, 3.7], 0.4 m in total
    lengths = {}
    for name, mat, a, b in got:
        lengths[mat] = lengths.get(mat, 0.0) + b - a
    assert lengths["ALUM"] == pytest.approx(0.4)
    assert lengths["ROCK"] == pytest.approx(273.5)
    # 14 lead plates of 4.5 mm in the P0D ECALs
    assert lengths["LEAD"] == pytest.approx(14 * 0.0045)
    # the third TPC's gas (centre z = 2.355, 0.97 m long) is on the axis
    assert _segments_at(nd280, 2.355) == ("new_TPC_gas_3", "GAS")
    assert _segments_at(nd280, 2.355 + 0.49) == ("old_TPC_shell_3", "old_TPC_padding")


def test_transverse_ray_through_tpc3(nd280):
    seg = nd280.trace([[-20.0, 0.0, 2.355]], [[1.0, 0.0, 0.0]])
    got = seg.for_ray(0)
    names = [g[0] for g in got]
    # ... hall, yoke, chamber, coil, chamber, side ECAL, TPC shell, gas, shell, side ECAL, ...
    assert "new_TPC_gas_3" in names and names.count("UA1_yoke") == 2
    gas = next(g for g in got if g[0] == "new_TPC_gas_3")
    assert gas[3] - gas[2] == pytest.approx(2.47)
    yoke = sum(b - a for n, m, a, b in got if n == "UA1_yoke")
    assert yoke == pytest.approx(5.6 - 3.5)


def test_column_density_of_rock(nd280):
    seg = nd280.trace([[0.0, 0.0, -300.0]], [[0.0, 0.0, 1.0]])
    col = seg.column_density()
    # 273.5 m of SiO2-like rock at 2.9 g/cm^3, oxygen mass fraction 0.5325651
    o16_rock = 27350 * 2.9 * 0.5325651 * 6.02214076e23 / 15.994915
    assert col["O16"][0] > o16_rock
    assert col["O16"][0] == pytest.approx(o16_rock, rel=0.01)  # the rest is detector/air


def test_upgrade_has_hatpcs_and_fiducial(upgrade):
    assert _segments_at(upgrade, -2.205)[0] == "sFGD_cubes"
    seg = upgrade.trace([[0.0, 0.74, -10.0]], [[0.0, 0.0, 1.0]])
    names = [g[0] for g in seg.for_ray(0)]
    assert "new_TPC_gas_top" in names
    assert "fiducial_0" in upgrade.fiducial


@pytest.mark.skipif(not SHARED.exists(), reason="developer data ../shared not available")
@pytest.mark.parametrize("src,dst", [("ND280-v1", "nd280-v1.toml"), ("ND280UPGRD-v1", "nd280-upgrade-v1.toml")])
def test_converted_files_in_sync_with_source(src, dst):
    import tomllib

    fresh = convert_siren(SHARED / src / "densities.dat", SHARED / src / "materials.dat", "x")
    shipped = tomllib.loads((DATA / dst).read_text())
    assert fresh["volumes"] == shipped["volumes"]
    assert fresh["compositions"] == shipped["compositions"]
    assert "SIREN" in shipped["provenance"]
