"""Dark-sector model description and readers (hnlreach.models): DarkNews parameter files, TOML, couplings."""
import math

import pytest

import hnlreach
from hnlreach.errors import HNLInputError
from hnlreach.models import DarkSector, from_darknews_parameters, load_model, parse_darknews_text
from hnlreach.models.dark_sector import E_EM, nucleon_scalar_fraction
from hnlreach.physics.constants import ALPHA_EM

DN_FILE = """# a DarkNews-style parameter file (dn_gen --param-file)
experiment = "microboone"     # generator setting: accepted, ignored
neval = 1000
r = 2                          # helper variable used below
m4 = 0.1
m5 = r * m4 + 0.05
mzprime = 0.03
HNLtype = "majorana"
alphaD = 0.25
alpha_epsilon2 = 2e-10
Umu4 = 1e-3
Umu5 = sqrt_is_not_here = 0
"""


def test_darknews_file_expressions_and_names(tmp_path):
    text = DN_FILE.replace("Umu5 = sqrt_is_not_here = 0\n", "Umu5 = 2^-10 * abs(-1)\nUD5 = cos(PI)\n")
    f = tmp_path / "model.dat"
    f.write_text(text)
    m = load_model(f)
    assert m.masses == (0.1, 0.25) and m.majorana and m.mzprime == 0.03
    assert m.gD == pytest.approx(math.sqrt(4 * math.pi * 0.25))
    assert m.epsilon == pytest.approx(math.sqrt(2e-10 / ALPHA_EM))
    assert m.U[("mu", 5)] == pytest.approx(2 ** -10) and m.UD[5] == -1.0 and m.UD[4] == 1.0  # DarkNews default UD4
    assert hnlreach.load_model(f) == m


@pytest.mark.parametrize("text, words", [
    ("m4 = 0.1\nfoo = 3\n", "unknown DarkNews parameter"),
    ("m4 = 0.1\nUmu4 = bar\n", "used before"),
    ("m4 = 0.1 +\n", "cannot parse"),
    ("m4 = __import__('os')\n", "not a DarkNews"),
    ("m4 = -0.1\nmzprime = 1\n", "positive"),
    ("m4 = 0.3\nm5 = 0.2\nUmu4 = 1e-3\n", "increase"),
    ("m4 = 0.1\nUmu4 = 1\nc_mu4 = 1\n", "cannot be mixed"),
])
def test_bad_darknews_files_are_one_line_errors(tmp_path, text, words):
    f = tmp_path / "bad.txt"
    f.write_text(text)
    with pytest.raises(HNLInputError, match=words):
        load_model(f)


def test_toml_equals_darknews_file(tmp_path):
    f = tmp_path / "m.toml"
    f.write_text('name = "light Zprime"\nnature = "dirac"\nm4 = 0.1\nmzprime = 0.03\nepsilon = 1e-3\ngD = 1.0\n'
                 '[mixing]\nmu4 = 1e-3\nD4 = 1.0\n[dipole]\nmu4 = 2e-6\n')
    m = load_model(f)
    ref = from_darknews_parameters(dict(m4=0.1, mzprime=0.03, epsilon=1e-3, gD=1.0, Umu4=1e-3, UD4=1.0, mu_tr_mu4=2e-6))
    assert m.zprime_vertex.tolist() == ref.zprime_vertex.tolist() and m.dipole_vertex[1, 3] == 1e-6  # d = mu_tr/2
    f.write_text("m4 = 0.1\nwhatever = 1\n")
    with pytest.raises(HNLInputError, match="unknown model key"):
        load_model(f)
    f.write_text("m4 = 0.1\n[mixing]\nmu7 = 1\n")
    with pytest.raises(HNLInputError, match="unknown entry"):
        load_model(f)


def test_light_zprime_is_a_dark_photon():
    """m_Z' << m_Z: the Z' couples to e epsilon Q (vector only), by construction of the mixing."""
    m = DarkSector(m4=0.1, mzprime=1e-4, epsilon=1e-3, gD=1.0, U={("mu", 4): 1e-3}, UD={4: 1.0})
    for f, Q in (("u", 2 / 3), ("d", -1 / 3), ("e", -1.0), ("nu", 0.0)):
        gv, ga = m.zprime_fermion(f)
        assert gv == pytest.approx(E_EM * 1e-3 * Q, abs=1e-12) and abs(ga) < 1e-12
    assert m.nucleon_vector("zprime", "proton")[0] == pytest.approx(E_EM * 1e-3)
    assert abs(m.nucleon_vector("zprime", "neutron")[0]) < 1e-12
    # nu_mu - N4 vertex through the dark component of nu_mu: -gD U_D4^2 U_mu4
    assert m.zprime_vertex[1, 3] == pytest.approx(-1e-3, rel=1e-6)


def test_heavy_zprime_z_admixture_matches_darknews():
    """The Z-current admixture (m_Z'^2/m_Z^2 term) equals DarkNews's quark couplings (model.py), up to e."""
    dm = pytest.importorskip("DarkNews.model")
    par = dict(m4=0.1, mzprime=20.0, Umu4=1e-3, UD4=1.0, gD=1.0, epsilon=1e-2)
    dn, ours = dm.ThreePortalModel(**par), from_darknews_parameters(par)
    # ratio of the neutron to proton vector charge is convention-free (DarkNews's e differs by 1.8 %)
    r_dn = dn.dneutronV / dn.dprotonV
    r_ours = ours.nucleon_vector("zprime", "neutron")[0] / ours.nucleon_vector("zprime", "proton")[0]
    assert r_ours == pytest.approx(r_dn, rel=0.03)
    # Z-Z' mass mixing: the Z-current admixture delta = (s_W chi + epsilon_Z)/(1 - r) as DarkNews's tan(2 beta)
    # (the residual 1 % is s_W^2: MS-bar 0.2312 here, on-shell 0.2234 in DarkNews, in the proton weak charge)
    for mz in (0.03, 1.25, 20.0):
        par = dict(m4=0.1, mzprime=mz, Umu4=1e-3, UD4=1.0, gD=1.0, epsilon=1e-3, epsilonZ=1e-3)
        dn, ours = dm.ThreePortalModel(**par), from_darknews_parameters(par)
        r_ours = ours.nucleon_vector("zprime", "neutron")[0] / ours.nucleon_vector("zprime", "proton")[0]
        assert r_ours == pytest.approx(dn.dneutronV / dn.dprotonV, rel=0.02)
        gv, ga = ours.zprime_fermion("e")
        assert ga / gv == pytest.approx(dn.deA / dn.deV, rel=0.02)


def test_scalar_nucleon_coupling_matches_darknews():
    dm = pytest.importorskip("DarkNews.model")
    dn = dm.ThreePortalModel(m4=0.1, mhprime=0.05, theta=0.1, s_mu4=1e-2)
    assert nucleon_scalar_fraction() == pytest.approx(dn.fN_higgs, rel=1e-6)
    ours = from_darknews_parameters(dict(m4=0.1, mhprime=0.05, theta=0.1, s_mu4=1e-2))
    assert ours.nucleon_scalar("proton") == pytest.approx(dn.dprotonS, rel=1e-3)
    assert ours.scalar_vertex[1, 3] == 1e-2


def test_model_errors():
    with pytest.raises(HNLInputError):
        DarkSector(m4=0.1, nature="pseudo-dirac")
    with pytest.raises(HNLInputError, match="no mass"):
        DarkSector(m4=0.1, U={("mu", 5): 1e-3})
    with pytest.raises(HNLInputError, match="no N5"):
        DarkSector(m4=0.1).mass(5)
    with pytest.raises(HNLInputError, match="cannot read"):
        load_model("/nonexistent/model.txt")
    assert parse_darknews_text("m4 = 1e-1 # comment\n\nname = 'x'\n") == {"m4": 0.1, "name": "'x'".strip("'")}


def test_parser_agrees_with_darknews_assignment_parser(tmp_path):
    """Same values as DarkNews 0.4.8's own AssignmentParser on a file using its whole expression syntax."""
    ap = pytest.importorskip("DarkNews.AssignmentParser")
    text = ("# comment\nm4 = 0.140  # inline comment\nratio = 2.5\nm5 = ratio * m4\nmzprime = 1.25e0\n"
            "HNLtype = \"majorana\"\nalphaD = 0.25\nepsilon = 1e-2 * (1 + 2^-3) / 4\nUmu4 = exp(-5) * abs(-2)\n"
            "UD4 = cos(PI/3) + sin(0) - tan(0)\nUD5 = -sgn(-3) * round(1.4) + trunc(0.9)\ntheta = E - E\n"
            "nu_flavors = [\"nu_mu\", \"nu_e\"]\nnoHC = True\n")
    f = tmp_path / "model.txt"
    f.write_text(text)
    parser = ap.AssignmentParser({})
    parser.parse_file(file=str(f), comments="#")
    ours = parse_darknews_text(text)
    assert set(ours) == set(parser.parameters)
    for k, v in parser.parameters.items():
        assert ours[k] == (pytest.approx(v, rel=1e-15) if isinstance(v, float) else v), k


def test_example_models_and_script():
    """examples/models load; examples/dark_sector.py runs (public API only: tests/test_docs.py)."""
    import pathlib
    import subprocess
    import sys
    root = pathlib.Path(__file__).resolve().parents[2]
    lz = load_model(root / "examples" / "models" / "light_zprime.toml")
    assert lz.gD == pytest.approx(math.sqrt(math.pi)) and lz.U == {("mu", 4): 1e-3}
    m = load_model(root / "examples" / "models" / "three_plus_two.txt")
    assert m.masses == pytest.approx((0.15, 0.225)) and m.name == "three_plus_two"
    assert m.branching_ratios(5)["N5 -> N4 e+ e-"] > 0.9
    assert m.width(4) == pytest.approx(sum(m.partial_widths(4).values()))
    res = subprocess.run([sys.executable, str(root / "examples" / "dark_sector.py")], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert "N5 -> N4 e+ e-" in res.stdout
