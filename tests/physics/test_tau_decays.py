"""tau- -> N + hadrons by crossing the tau hadronic spectra (hnlreach.physics.tau_decays)."""
import numpy as np
import pytest

from hnlreach.physics import production as pr
from hnlreach.physics import tau_decays as td
from hnlreach.physics.constants import M_TAU, MASS

# --- explicit Dirac matrices (Dirac representation) -------------------------------------------
_I2, _Z2 = np.eye(2), np.zeros((2, 2))
_SIG = [np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]])]
GAMMA = [np.block([[_I2, _Z2], [_Z2, -_I2]]).astype(complex)] + [
    np.block([[_Z2, s], [-s, _Z2]]).astype(complex) for s in _SIG]
G5 = 1j * GAMMA[0] @ GAMMA[1] @ GAMMA[2] @ GAMMA[3]
METRIC = np.diag([1.0, -1.0, -1.0, -1.0])


def slash(p):
    return sum(METRIC[i, i] * p[i] * GAMMA[i] for i in range(4))


def lepton_tensor(p, M, k, m):
    """L^{mu nu} = Tr[(k/ + m) g^mu (1 - g5) (p/ + M) (1 + g5) g^nu] for tau(p) -> N(k) W*."""
    a = (slash(k) + m * np.eye(4))
    b = (slash(p) + M * np.eye(4))
    return np.array([[np.trace(a @ GAMMA[mu] @ (np.eye(4) - G5) @ b @ (np.eye(4) + G5) @ GAMMA[nu])
                      for nu in range(4)] for mu in range(4)])


def two_body(M, m1, m2):
    p = np.sqrt(max((M**2 - (m1 + m2) ** 2) * (M**2 - (m1 - m2) ** 2), 0)) / (2 * M)
    return np.array([np.sqrt(m1**2 + p**2), 0, 0, p]), np.array([np.sqrt(m2**2 + p**2), 0, 0, -p]), p


@pytest.mark.parametrize("s,mn", [(0.3, 0.0), (0.6, 0.4), (1.2, 0.3), (0.2, 1.1), (1.5, 0.05)])
def test_crossed_kinematic_factors_from_explicit_trace(s, mn):
    """sum|M|^2 x two-body phase space for tau -> N W*(s) with the spin-1 hadronic tensor
    -g + q q/s (spin 0: q q) is proportional to K_1 (K_0) with one constant for every (s, m_N)."""
    k, q, pstar = two_body(M_TAU, mn, np.sqrt(s))
    p = np.array([M_TAU, 0, 0, 0])
    L = lepton_tensor(p, M_TAU, k, mn)
    ql = METRIC @ q
    spin1 = np.einsum("mn,mn->", L, -METRIC + np.outer(ql, ql) / s).real
    spin0 = np.einsum("mn,m,n->", L, ql, ql).real
    # dGamma/ds ~ |M|^2 p*/M^2 with the spin-1 spectral weight (q q - s g) v(s) = s (-g + q q/s) v(s),
    # spin 0: f^2 q q; K = lambda^1/2 [...] with lambda^1/2 = 2 p*/M; the trace gives 4 M^4 [...]
    x1 = s * spin1 * pstar / (td.kinematic_factor_spin1(s, mn) * M_TAU**5)
    x0 = spin0 * pstar / (td.kinematic_factor_spin0(s, mn) * M_TAU**5)
    assert x1 == pytest.approx(2.0, rel=1e-9)
    assert x0 == pytest.approx(2.0, rel=1e-9)


def test_kinematic_factor_limits():
    """K_1(s, 0) = Tsai's (1 - x)^2 (1 + 2x); narrow resonance: 1805.08567's tau -> V N shape."""
    s = np.linspace(0.01, 3.0, 50)
    x = s / M_TAU**2
    np.testing.assert_allclose(td.kinematic_factor_spin1(s, 0.0), (1 - x) ** 2 * (1 + 2 * x), rtol=1e-12)
    m_rho, mn = MASS["rho(770)+"], np.array([0.1, 0.5, 0.9])
    narrow = pr.tau_vector_width("rho(770)+", mn, 1.0) / pr.tau_vector_width("rho(770)+", 0.0, 1.0)
    crossed = td.kinematic_factor_spin1(m_rho**2, mn) / td.kinematic_factor_spin1(m_rho**2, 0.0)
    np.testing.assert_allclose(crossed, narrow, rtol=1e-12)
    narrow_pi = pr.tau_pseudoscalar_width("pi+", mn, 1.0) / pr.tau_pseudoscalar_width("pi+", 0.0, 1.0)
    s_pi = MASS["pi+"] ** 2
    np.testing.assert_allclose(td.kinematic_factor_spin0(s_pi, mn) / td.kinematic_factor_spin0(s_pi, 0.0),
                               narrow_pi, rtol=1e-12)


def tau_sum(m):
    brs = pr.production_branching_ratios(m, (0.0, 0.0, 1.0))
    return sum(v for k, v in brs.items() if k.startswith("tau-"))


def test_sum_rule_every_tau_decay_has_a_nu_tau():
    """sum BR(tau- -> N X)/|U_tau|^2 -> 1 at m_N = 1 MeV (measured: 0.992; the rest is rare modes)."""
    assert tau_sum(1e-3) == pytest.approx(1.0, abs=0.03)


from tau_spectra_fits import M_PI, _shape_3pi_cleo, _shape_pipi_belle  # noqa: E402


def independent_estimate(m):
    """sum BR(tau -> N X) with the two dominant spectra from other fits of tau data (Belle GS pi pi0,
    CLEO a1); smaller classes and pi, K, l nu as in the package."""
    other = {("pi-", "pi0"): _shape_pipi_belle,
             ("pi-", "pi-", "pi+"): _shape_3pi_cleo([M_PI] * 3),
             ("pi-", "pi0", "pi0"): _shape_3pi_cleo([M_PI, MASS["pi0"], MASS["pi0"]])}
    total = 0.0
    for name, c in pr.CHANNELS.items():
        if c.parent != "tau-" or c.flavour != "tau":
            continue
        if c.kind == "tau_multihadron":
            cl = td.CLASSES_BY_NAME[name]
            sh = other.get(cl.products, cl.shape)
            total += cl.br_pdg * float(td.crossed_integral(sh, cl.s_threshold, m) / td.crossed_integral(sh, cl.s_threshold, 0.0))
        else:
            total += float(c.branching_ratio(m))
    return total


@pytest.mark.parametrize("m,ours", [(0.3, 0.801), (0.5, 0.565), (0.7, 0.334), (1.0, 0.0908), (1.2, 0.0265)])
def test_tau_sum_vs_independent_estimate(m, ours):
    """Ours vs an estimate from other tau-data fits (Belle GS pi pi0, CLEO a1): 0.801/0.797,
    0.565/0.558, 0.334/0.332, 0.0908/0.0887, 0.0265/0.0264 at 0.3, 0.5, 0.7, 1.0, 1.2 GeV
    (before the crossing: 0.627, 0.482, 0.321, 0.075, 0.0255)."""
    assert tau_sum(m) == pytest.approx(ours, rel=0.01)
    assert tau_sum(m) == pytest.approx(independent_estimate(m), rel=0.15)


def test_sampled_hadronic_mass_follows_crossed_spectrum():
    """Sampled events of tau -> pi- pi0 N: four-momentum conserved, m(pi pi0)^2 distributed as
    rho(s) K_1(s, m_N) (Kolmogorov distance < 2 %), N energy = two-body at that s."""
    from hnlreach.sources.meson_decays import sample_channel_rest_frame

    m, n = 0.5, 20000
    p4, names = sample_channel_rest_frame("tau- -> pi- pi0 N", m, n, np.random.default_rng(4))
    assert names == ("pi-", "pi0", "N")
    np.testing.assert_allclose(p4.sum(axis=1), np.tile([M_TAU, 0, 0, 0], (n, 1)), atol=1e-9)
    had = p4[:, 0] + p4[:, 1]
    s = had[:, 0] ** 2 - np.sum(had[:, 1:] ** 2, axis=1)
    np.testing.assert_allclose(p4[:, 2, 0], (M_TAU**2 + m**2 - s) / (2 * M_TAU), rtol=1e-9)
    cl = td.CLASSES_BY_NAME["tau- -> pi- pi0 N"]
    grid = np.linspace(cl.s_threshold, (M_TAU - m) ** 2, 3001)
    pdf = cl.shape(grid) * td.kinematic_factor_spin1(grid, m)
    cdf = np.concatenate([[0], np.cumsum(0.5 * (pdf[1:] + pdf[:-1]) * np.diff(grid))])
    cdf /= cdf[-1]
    emp = np.searchsorted(np.sort(s), grid) / n
    assert np.max(np.abs(emp - cdf)) < 0.02
    # five-body: every hadron on shell
    p5, names5 = sample_channel_rest_frame("tau- -> pi- pi- pi+ pi0 pi0 N", 0.2, 2000, np.random.default_rng(5))
    m2 = p5[..., 0] ** 2 - np.sum(p5[..., 1:] ** 2, axis=-1)
    np.testing.assert_allclose(np.sqrt(np.clip(m2, 0, None)), [[MASS[h] if h != "N" else 0.2 for h in names5]] * 2000,
                               atol=1e-6)
