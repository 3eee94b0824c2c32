"""Gorbunov-Shaposhnikov 2007 widths (diagnostic model, physics.decays_gs2007): massless limits,
thresholds, agreement/disagreement with the default physics where GS's formulas coincide/differ."""
import math

import numpy as np
import pytest

from hnlreach.errors import HNLInputError
from hnlreach.model import HNL
from hnlreach.physics import decays_gs2007 as gs
from hnlreach.physics.constants import G_F, M_MU, MASS, SIN2_THETA_W
from hnlreach.physics.decays_leptonic import neutral_current_width


def unit(m):
    return G_F**2 * m**5 / (192 * math.pi**3)


def test_nc_coefficients_massless_limit():
    """GS: massless Gamma(nu_a l_b l_b) = G_F^2 M^5/(192 pi^3) C1 with C1 = (1 - 4s^2 + 8s^4)/4 (b != a),
    C3 = (1 + 4s^2 + 8s^4)/4 (b = a); invisible sum = G_F^2 M^5/(192 pi^3)."""
    s = SIN2_THETA_W
    c1, c2 = gs.nc_coefficients(False)
    c3, c4 = gs.nc_coefficients(True)
    assert c1 == pytest.approx((1 - 4 * s + 8 * s * s) / 4) and c1 == pytest.approx(0.1257, abs=2e-4)
    assert c3 == pytest.approx((1 + 4 * s + 8 * s * s) / 4)
    assert c2 < 0 < c4
    m = 1.0
    assert gs.width_nu_ll(m, 1e-6, False)[()] / unit(m) == pytest.approx(c1, rel=1e-6)
    assert gs.width_nu_ll(m, 1e-6, True)[()] / unit(m) == pytest.approx(c3, rel=1e-6)
    assert gs.width_invisible(m) == pytest.approx(unit(m))


@pytest.mark.parametrize("same", [False, True])
def test_nu_ll_equals_exact_three_body_width(same):
    """GS's closed form with the log threshold function = our numerical three-body integral
    (arXiv:1805.08567) at every mass, including right above 2 m_mu."""
    masses = np.array([0.2115, 0.22, 0.25, 0.3, 0.5, 0.8, 1.2])
    ours = neutral_current_width(masses, "mu" if same else "tau", "mu")
    ratio = gs.width_nu_ll(masses, M_MU, same) / ours
    assert np.allclose(ratio, 1.0, rtol=1e-5)


def test_threshold_behaviour():
    """Closed below 2 m_mu, continuous through it, and strongly phase-space suppressed near it."""
    m_th = 2 * M_MU
    assert gs.width_nu_ll(0.99 * m_th, M_MU, False)[()] == 0.0
    w = gs.width_nu_ll(np.array([1.0005 * m_th, 1.01 * m_th, 0.3]), M_MU, False)
    assert 0 < w[0] < w[1] < w[2]
    assert w[0] / w[2] < 1e-4
    # at 0.3 GeV the muon masses suppress the width to ~6 % of the massless one
    supp = w[2] / (unit(0.3) * gs.nc_coefficients(False)[0])
    assert 0.04 < supp < 0.08
    assert gs.width_nu_rho0(np.array([0.99, 1.01]) * MASS["rho(770)0"])[0] == 0.0


def test_two_body_differences_from_default():
    """GS nu eta uses f_eta = 1.2 f_pi (width (0.156/0.0817)^2 = 3.65x ours); nu pi0 agrees to the
    f_pi rounding; GS's nu rho0 has no (1 - 2 s^2)^2 Z factor: ~2.7x our narrow rho0, ~2.3x our
    finite-width nu pi+ pi-."""
    m = 1.0
    g = gs.GS2007HNL(m, mixing=(0, 0, 1)).partial_widths
    o = HNL(m, mixing=(0, 0, 1)).partial_widths
    assert g["N -> nu eta"] / o["N -> nu eta"] == pytest.approx((0.156 / 0.0817) ** 2, rel=1e-6)
    assert g["N -> nu pi0"] / o["N -> nu pi0"] == pytest.approx((0.130 / 0.1302) ** 2, rel=1e-6)
    # ours: the finite-width rho (N -> nu pi+ pi-, crossed tau spectrum) -- at 1 GeV ~1.2x the narrow one
    assert 2.0 < g["N -> nu rho(770)0"] / o["N -> nu pi+ pi-"] < 2.9
    assert "N -> nu omega(782)" not in g


def test_tau_mixing_total_width_vs_default():
    """Below the eta threshold GS and the default model have the same channels and widths (tau
    mixing); above it GS is larger (eta, rho0)."""
    for m in (0.3, 0.5):
        assert gs.GS2007HNL(m, mixing=(0, 0, 1)).width == pytest.approx(HNL(m, mixing=(0, 0, 1)).width, rel=5e-3)
    r = gs.GS2007HNL(0.9, mixing=(0, 0, 1)).width / HNL(0.9, mixing=(0, 0, 1)).width
    assert 1.15 < r < 1.4


def test_majorana_doubles_and_charged_channels():
    d = gs.GS2007HNL(0.8, mixing=(0, 1e-6, 0))
    mj = gs.GS2007HNL(0.8, mixing=(0, 1e-6, 0), majorana=True)
    assert mj.width == pytest.approx(2 * d.width)
    assert mj.partial_widths["N -> mu+ pi-"] == pytest.approx(d.partial_widths["N -> mu- pi+"])
    # charged pion channel: same formula as the default model up to f_pi, |V_ud|
    assert d.partial_widths["N -> mu- pi+"] == pytest.approx(HNL(0.8, mixing=(0, 1e-6, 0)).partial_widths["N -> mu- pi+"], rel=0.01)


def test_bad_input():
    with pytest.raises(HNLInputError):
        gs.gs2007_unit_widths(2.0, "tau")
    with pytest.raises(HNLInputError):
        gs.gs2007_unit_widths(0.5, "x")
    with pytest.raises(HNLInputError):
        _ = gs.GS2007HNL(0.5, dipole=(0, 1e-6, 0)).partial_widths
