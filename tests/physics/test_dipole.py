"""Tests of the dipole-portal widths (hnlreach.physics.dipole) against DarkNews 0.4.8 and QED limits."""
import math

import numpy as np
import pytest

from hnlreach.errors import HNLInputError
from hnlreach.physics.constants import ALPHA_EM, M_E, M_MU
from hnlreach.physics.dipole import (
    dgamma_nu_ll_dq2, dipole_msq_nu_ll, dipole_partial_widths, gamma_nu_gamma, gamma_nu_ll,
)
from hnlreach.physics.kinematics import three_body_width


def _darknews_model(mass, d, majorana=False):
    model = pytest.importorskip("DarkNews.model")
    # DarkNews parameter mu_tr = 2 d (its vertex t_a4 = mu_tr/2 = d)
    return model.GenericHNLModel(m4=mass, mu_tr_mu4=2.0 * d, HNLtype="majorana" if majorana else "dirac",
                                 Umu4=0.0, epsilon=0.0, gD=0.0, mzprime=None)


@pytest.mark.parametrize("majorana", [False, True])
@pytest.mark.parametrize("mass", [0.01, 0.1, 0.4, 1.5])
def test_nu_gamma_matches_darknews(mass, majorana):
    processes = pytest.importorskip("DarkNews.processes")
    pdg = pytest.importorskip("DarkNews.pdg")
    d = 3e-7
    ref = processes.FermionSinglePhotonDecay(pdg.neutrino4, pdg.nulight, _darknews_model(mass, d, majorana)).total_width()
    ours = dipole_partial_widths(mass, (0.0, d, 0.0), majorana, normalisation="darknews")["N -> nu gamma"]
    assert ours == pytest.approx(ref, rel=0.01)
    lagrangian = dipole_partial_widths(mass, (0.0, d, 0.0), majorana)["N -> nu gamma"]
    assert lagrangian == pytest.approx(2 * ref, rel=0.01)  # the self-consistent default is 2x DarkNews


@pytest.mark.parametrize("mass,lepton", [(0.1, "e"), (0.5, "mu")])
def test_nu_ll_is_twice_darknews_dilepton_width(mass, lepton):
    """DarkNews 0.4.8 uses dij = Tih/2 = d/2 in its TMM dilepton amplitude (a second halving, see
    dipole.py docstring), so its nu l l width is exactly 1/2 of ours in the "darknews" normalisation
    (1/4 of the default); vegas noise ~1 %."""
    processes = pytest.importorskip("DarkNews.processes")
    pdg = pytest.importorskip("DarkNews.pdg")
    np.random.seed(11)
    lm, lp = (pdg.electron, pdg.positron) if lepton == "e" else (pdg.muon, pdg.antimuon)
    dk = processes.FermionDileptonDecay(pdg.neutrino4, pdg.nulight, lm, lp, _darknews_model(mass, 1.0))
    ref = dk.total_width()
    ours = dipole_partial_widths(mass, (0.0, 1.0, 0.0), normalisation="darknews")[f"N -> nu {lepton}+ {lepton}-"]
    print(f"m={mass}: ours/DarkNews = {ours / ref:.4f}")
    assert ours / ref == pytest.approx(2.0, rel=0.03)


def test_branching_ratio_ee_at_100_MeV():
    """Argüelles, Foppiani, Hostert arXiv:2109.03831: BR(N -> nu e+ e-) ~ 0.7 % at 100 MeV."""
    w = dipole_partial_widths(0.1, (0.0, 1e-6, 0.0))
    br = w["N -> nu e+ e-"] / sum(w.values())
    print(f"BR(N -> nu e+ e-) at 100 MeV = {100 * br:.3f} %")
    assert 0.005 < br < 0.009
    # leading-log QED estimate: alpha/(3 pi) [ln(m^2/m_e^2) - 5/3 - 4/3]
    approx = ALPHA_EM / (3 * math.pi) * (math.log(0.1**2 / M_E**2) - 5 / 3 - 4 / 3)
    assert br == pytest.approx(approx, rel=0.01)


def test_majorana_is_twice_dirac_and_flavour_sum():
    for m in (0.05, 0.3, 2.0):
        dirac = dipole_partial_widths(m, (1e-6, 2e-6, 0.0), False)
        major = dipole_partial_widths(m, (1e-6, 2e-6, 0.0), True)
        assert dirac.keys() == major.keys()
        for ch in dirac:
            assert major[ch] == pytest.approx(2 * dirac[ch], rel=1e-12)
        # widths depend on sum_alpha |d_alpha|^2 only
        same = dipole_partial_widths(m, (0.0, 0.0, math.sqrt(5) * 1e-6), False)
        for ch in dirac:
            assert same[ch] == pytest.approx(dirac[ch], rel=1e-12)


def test_nu_gamma_scaling():
    assert gamma_nu_gamma(0.2, 1.0) == pytest.approx(0.2**3 / (4 * math.pi), rel=1e-14)
    assert gamma_nu_gamma(0.2, 1.0, normalisation="darknews") == pytest.approx(0.2**3 / (8 * math.pi), rel=1e-14)
    with pytest.raises(HNLInputError):
        gamma_nu_gamma(0.2, 1.0, normalisation="other")
    w1 = dipole_partial_widths(0.1, (0, 1e-6, 0))["N -> nu gamma"]
    w2 = dipole_partial_widths(0.2, (0, 2e-6, 0))["N -> nu gamma"]
    assert w2 / w1 == pytest.approx(32.0, rel=1e-12)


def test_thresholds_exact():
    eps = 1e-9
    below = dipole_partial_widths(2 * M_E - eps, (0, 1, 0))
    above = dipole_partial_widths(2 * M_E + eps, (0, 1, 0))
    assert "N -> nu e+ e-" not in below and "N -> nu e+ e-" in above
    below = dipole_partial_widths(2 * M_MU - eps, (0, 1, 0))
    above = dipole_partial_widths(2 * M_MU + 1e-6, (0, 1, 0))
    assert "N -> nu mu+ mu-" not in below and "N -> nu mu+ mu-" in above
    # the width vanishes continuously at threshold (beta^3-like)
    assert above["N -> nu mu+ mu-"] < 1e-12 * above["N -> nu gamma"]
    assert gamma_nu_ll(2 * M_MU, M_MU) == 0.0


@pytest.mark.parametrize("mass,ml", [(0.1, M_E), (0.3, M_MU), (1.0, M_E), (3.0, M_MU)])
def test_full_matrix_element_integrates_to_kroll_wada_width(mass, ml):
    """The Dalitz |M|^2 (independent trace calculation) integrates to the factorised dGamma/dq^2."""
    full = three_body_width(mass, (0.0, ml, ml), lambda s, q2: dipole_msq_nu_ll(mass, ml, s, q2), n=160,
                            log_m23=True)
    assert full == pytest.approx(gamma_nu_ll(mass, ml), rel=2e-4)


def test_photon_limit_of_matrix_element():
    """q^2 -> 0: dGamma/dq^2 -> Gamma_gamma * alpha/(3 pi q^2) (equivalent-photon limit)."""
    m, q2 = 2.0, 1e-4  # x = 2.5e-5, 4 m_e^2/q^2 = 0.01
    ratio = dgamma_nu_ll_dq2(q2, m, M_E) / (gamma_nu_gamma(m, 1.0) * ALPHA_EM / (3 * math.pi * q2))
    assert ratio == pytest.approx(1.0, rel=1e-3)


def test_bad_input():
    with pytest.raises(HNLInputError):
        dipole_partial_widths(-1.0, (0, 1, 0))
    with pytest.raises(HNLInputError):
        dipole_partial_widths(0.1, (0, float("nan"), 0))
    with pytest.raises(HNLInputError):
        dipole_partial_widths(0.1, (0, 1))
