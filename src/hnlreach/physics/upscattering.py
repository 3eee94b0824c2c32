"""Neutrino upscattering nu_alpha A -> N A through the dipole portal (photon exchange).

Operator (Liu et al. arXiv:2412.15051 eq. 2): L = d nu-bar_alpha sigma_{mu nu} F^{mu nu} N + h.c., i.e. the vertex
2 d sigma^{mu nu} q_nu; tools written in terms of a transition magnetic moment use mu_tr = 2 d
(DarkNews 0.4.8: model.py sets its dipole t_aj = mu_tr/2, so its t_aj is our d).

Cross section (derived here; same structure as Magill et al. arXiv:1803.03262 sec. IV and
Brdar et al. arXiv:2007.15563 appendix; checked against explicit Dirac traces in the tests):

    dsigma/dQ^2 = alpha d^2 [W1 S - W2 Q^2 (Q^2 + m^2)(Q^2 - 2 m^2)] / (Q^4 (s - M^2)^2)
    S  = 4 Q^2 (k1.P)^2 - m^2 (m^2 + Q^2)(4 M^2 + Q^2),   k1.P = s - M^2 - (Q^2 + m^2)/2,

with P = p_in + p_out of the target, m the HNL mass, M the target mass, summed over the HNL
helicities (both are produced: the dipole flips chirality, so at m << E the HNL is dominantly
right-handed). The hadronic tensor is W1 P^mu P^nu + W2 (q^2 g^{mu nu} - q^mu q^nu):
  coherent (spin-0 nucleus): W1 = Z^2 F_Helm(Q^2)^2, W2 = 0;
  nucleon: W1 = F1^2 + tau F2^2, W2 = (F1 + F2)^2 = G_M^2, tau = Q^2/4M^2 (Rosenbluth structure).
In the limit m -> 0, M -> inf this is dsigma/dQ^2 = alpha mu_tr^2 Z^2 F^2/Q^2, the classic
neutrino magnetic-moment result (Vogel & Engel, Phys. Rev. D39 (1989) 3378).

Conventions (see also the tests):
* nu vs nu-bar: the photon couples to a pure vector (symmetric) hadronic tensor, so the
  antisymmetric (epsilon) part of the lepton tensor drops out and sigma(nu-bar) = sigma(nu).
* Dirac vs Majorana: for an incoming nu only the N-bar sigma F P_L nu term acts, for either
  nature, so sigma is the same for a given d (DarkNews 0.4.8 agrees); the Majorana factor 2
  appears only in the decay width N -> nu gamma.
* Incoherent nucleon terms: sum over Z free protons and A - Z free neutrons at rest (nucleon
  masses), no Pauli blocking, no Fermi motion, no (1 - F^2) overlap correction -- as DarkNews.
  Unlike DarkNews 0.4.8, whose TMM amplitude carries an overall Z^2 that makes the neutron term
  vanish, the neutron contributes here through its magnetic moment (F2^n(0) = -1.913).
* Kinematically closed (E_nu below threshold E_th = m + m^2/2M): sigma = 0 (not an error).
"""
from __future__ import annotations

import math

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics.constants import ALPHA_EM, GEV2_TO_CM2, M_NEUTRON, M_PROTON
from hnlreach.physics.kinematics import gauss_legendre
from hnlreach.physics.nuclei import (HBARC_GEV_FM, HELM_SKIN_FM, Nucleus, charge_form_factor,
                                     nucleon_dirac_pauli, nucleus)

COMPONENTS = ("coherent", "proton", "neutron")
N_NODES = 32  # Gauss-Legendre nodes in ln Q^2 (relative error < 1e-4 vs adaptive quadrature, see tests)
_CHUNK = 1024  # energies per vectorised block (keeps the (chunk, N_NODES) temporaries in cache)
# coherent integrand cut at q = 5.6 fm^-1 (Helm factor exp(-q^2 s^2) < e^-25; FB |F|^2 < 1e-6 there)
_Q2_CUT_COHERENT = (5.0 / HELM_SKIN_FM * HBARC_GEV_FM) ** 2


# --- input checks ------------------------------------------------------------------------------
M_MIN_GEV = 1e-6  # below ~1e-80 GeV, Q2_min = m^4 M^2 / (s Q2_max) underflows; 1 keV is far below any use
E_MAX_GEV = 1e7  # neutrino energies up to 10 PeV (atmospheric and beam fluxes end far below)


def _check_mass(m_N) -> float:
    from hnlreach.physics.decays import MASS_RANGE_GEV  # the range `hnlreach decay` enforces

    try:
        m = float(m_N)
    except (TypeError, ValueError):
        raise HNLInputError(f"HNL mass must be a number of GeV, got {m_N!r}") from None
    if not math.isfinite(m) or m <= 0.0:
        raise HNLInputError(f"HNL mass must be a positive number of GeV, got {m_N}")
    if not M_MIN_GEV <= m <= MASS_RANGE_GEV[1]:  # lighter than decays allow: m -> 0 is the magnetic-moment limit
        raise HNLInputError(f"HNL mass {m:g} GeV outside {M_MIN_GEV:g}-{MASS_RANGE_GEV[1]:g} GeV")
    return m


def _check_energy(E_nu) -> np.ndarray:
    try:
        E = np.asarray(E_nu, dtype=float)
    except (TypeError, ValueError):
        raise HNLInputError(f"neutrino energy must be a number of GeV, got {E_nu!r}") from None
    if not np.all(np.isfinite(E)) or np.any(E < 0.0) or np.any(E > E_MAX_GEV):
        raise HNLInputError(f"neutrino energy must be finite, non-negative and at most {E_MAX_GEV:g} GeV")
    return E


def _d2(d) -> float:
    """d^2 for a dipole coupling d [GeV^-1]: finite and small enough that sigma stays finite."""
    try:
        g = abs(float(d))
    except (TypeError, ValueError):
        raise HNLInputError(f"dipole coupling must be a number of GeV^-1, got {d!r}") from None
    if not math.isfinite(g) or g > 1e100:
        raise HNLInputError(f"dipole coupling d = {d} GeV^-1 out of range (|d| <= 1e100)")
    return g * g


def _check_component(component: str) -> tuple[str, ...]:
    if component == "total":
        return COMPONENTS
    if component not in COMPONENTS:
        raise HNLInputError(f"component must be one of {COMPONENTS + ('total',)}, got {component!r}")
    return (component,)


def _target(target) -> Nucleus:
    return target if isinstance(target, Nucleus) else nucleus(target)


# --- target description ------------------------------------------------------------------------
def target_mass(target, component: str) -> float:
    """Mass [GeV] of the body the neutrino scatters on in this component."""
    return {"coherent": _target(target).mass, "proton": M_PROTON, "neutron": M_NEUTRON}[component]


def multiplicity(target, component: str) -> int:
    """Number of scatterers per nucleus: 1 (coherent, 0 for a free proton), Z protons, A - Z neutrons."""
    t = _target(target)
    return {"coherent": 0 if t.is_nucleon else 1, "proton": t.Z, "neutron": t.N}[component]


_FF_GRID = 4096  # points of the tabulated nuclear form factor, uniform in q up to the cut
_FF_TABLES: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}


def coherent_form_factor(Q2, t: Nucleus, form_factor: str = "auto"):
    """Nuclear form factor, linearly interpolated in Q^2 on a fine grid uniform in q (0 beyond the cut).

    Interpolation error < 1e-6 (tested); it makes the Fourier-Bessel sum as cheap as a table look-up."""
    key = (t.name, form_factor)
    if key not in _FF_TABLES:
        q2 = (np.linspace(0.0, 1.0, _FF_GRID) * math.sqrt(_Q2_CUT_COHERENT)) ** 2
        _FF_TABLES[key] = (q2, charge_form_factor(q2, t, form_factor))
    q2, F = _FF_TABLES[key]
    return np.interp(Q2, q2, F, right=0.0)


def _structure(Q2, t: Nucleus, component: str, form_factor: str = "auto"):
    """Hadronic structure functions (W1, W2) per scatterer, see the module docstring."""
    if component == "coherent":
        return (t.Z * coherent_form_factor(Q2, t, form_factor)) ** 2, 0.0
    nucleon = component
    F1, F2 = nucleon_dirac_pauli(Q2, nucleon)
    M = target_mass(t, component)
    return F1 * F1 + Q2 / (4.0 * M * M) * F2 * F2, (F1 + F2) ** 2


# --- kinematics --------------------------------------------------------------------------------
def threshold_energy(m_N: float, M: float) -> float:
    """Lab neutrino energy at which nu + target(M) -> N + target opens: m + m^2/(2M)."""
    return m_N + m_N * m_N / (2.0 * M)


def q2_range(E_nu, m_N: float, M: float):
    """(Q2_min, Q2_max) of nu(E) + M at rest -> N(m) + M; NaN below threshold.

    Q2_max = 2 E1 (E3 + p3) - m^2 in the CM frame; Q2_min from Q2_min Q2_max = m^4 M^2 / s
    (numerically stable for m^2 << s).  Open for s > (m + M)^2 only: the Kallen function is also
    positive for s < (m - M)^2, which is unphysical here (nu N -> N_HNL N needs sqrt(s) >= m + M)."""
    E = np.asarray(E_nu, dtype=float)
    s = M * M + 2.0 * M * E
    lam = (s - (M + m_N) ** 2) * (s - (M - m_N) ** 2)
    open_ = (s > (M + m_N) ** 2) & (lam > 0.0)
    rs = np.sqrt(s)
    E1 = (s - M * M) / (2.0 * rs)
    E3 = (s + m_N * m_N - M * M) / (2.0 * rs)
    p3 = np.sqrt(np.where(open_, lam, 0.0)) / (2.0 * rs)
    q2max = 2.0 * E1 * (E3 + p3) - m_N * m_N
    with np.errstate(divide="ignore", invalid="ignore"):
        q2min = m_N ** 4 * M * M / (s * q2max)
    return np.where(open_, q2min, np.nan), np.where(open_, q2max, np.nan)


def lab_kinematics(E_nu, Q2, m_N: float, M: float):
    """HNL lab energy, momentum and cos(angle to the neutrino) for target M at rest.

    E_N = E - Q^2/2M (elastic recoil); cos theta from t = m^2 - 2 E (E_N - p_N cos theta)."""
    E = np.asarray(E_nu, dtype=float)
    Q2 = np.asarray(Q2, dtype=float)
    E_N = E - Q2 / (2.0 * M)
    p_N = np.sqrt(np.maximum(E_N * E_N - m_N * m_N, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        cos = np.where(p_N > 0, (E_N - (m_N * m_N + Q2) / (2.0 * E)) / p_N, 1.0)
    return E_N, p_N, np.clip(cos, -1.0, 1.0)


# --- differential cross section ----------------------------------------------------------------
def _dsigma_dQ2_gev(E, Q2, m, t: Nucleus, component: str, form_factor: str = "auto"):
    """dsigma/dQ^2 per scatterer for d = 1 GeV^-1, in GeV^-4; formula in the module docstring."""
    M = target_mass(t, component)
    sM = 2.0 * M * E  # s - M^2
    k1P = sM - 0.5 * (Q2 + m * m)
    S = 4.0 * Q2 * k1P * k1P - m * m * (m * m + Q2) * (4.0 * M * M + Q2)
    W1, W2 = _structure(Q2, t, component, form_factor)
    num = W1 * S - W2 * Q2 * (Q2 + m * m) * (Q2 - 2.0 * m * m)
    return ALPHA_EM * num / (Q2 * Q2 * sM * sM)


def dsigma_dQ2(E_nu, Q2, m_N, target, *, d=1.0, component="total", antineutrino=False, majorana=False,
               form_factor="auto"):
    """dsigma/dQ^2 [cm^2/GeV^2] per nucleus (nucleon terms times Z or A - Z); 0 outside the physical range.

    E_nu and Q2 broadcast.  `antineutrino` and `majorana` do not change the result (module docstring)."""
    m = _check_mass(m_N)
    E = _check_energy(E_nu)
    Q2 = np.asarray(Q2, dtype=float)
    t = _target(target)
    E, Q2 = np.broadcast_arrays(E, Q2)
    out = np.zeros(E.shape)
    for comp in _check_component(component):
        n = multiplicity(t, comp)
        if n == 0:
            continue
        lo, hi = q2_range(E, m, target_mass(t, comp))
        ok = (Q2 >= lo) & (Q2 <= hi) & (Q2 > 0)  # NaN bounds (closed) compare False
        q = np.where(ok, Q2, 1.0)
        e = np.where(ok, E, 1.0)
        out += np.where(ok, n * _dsigma_dQ2_gev(e, q, m, t, comp, form_factor), 0.0)
    return out * _d2(d) * GEV2_TO_CM2


def dsigma_dEN(E_nu, E_N, m_N, target, *, d=1.0, component="total", antineutrino=False, majorana=False):
    """dsigma/dE_N [cm^2/GeV] per nucleus, E_N the HNL lab energy (Q^2 = 2 M (E_nu - E_N) per component)."""
    E = _check_energy(E_nu)
    E_N = np.asarray(E_N, dtype=float)
    t = _target(target)
    out = 0.0
    for comp in _check_component(component):
        M = target_mass(t, comp)
        out = out + 2.0 * M * dsigma_dQ2(E, 2.0 * M * (E - E_N), m_N, t, d=d, component=comp)
    return np.asarray(out)


# --- total cross section -----------------------------------------------------------------------
def _log_q2_grid(E, m, M, component, n_nodes):
    """Gauss-Legendre nodes in y = ln Q^2: Q2 (n_E, n), weights incl. the Jacobian Q^2 dy, open mask."""
    lo, hi = q2_range(E, m, M)
    open_ = np.isfinite(lo)
    if component == "coherent":
        hi = np.minimum(hi, np.maximum(_Q2_CUT_COHERENT, lo))
    ylo = np.log(np.where(open_, lo, 1.0))
    yhi = np.log(np.where(open_, hi, 1.0))
    x, w = gauss_legendre(n_nodes)
    half = 0.5 * (yhi - ylo)[:, None]
    Q2 = np.exp(ylo[:, None] + half * (x[None, :] + 1.0))
    return Q2, w[None, :] * half * Q2, open_


def _sigma_component_gev(E, m, t: Nucleus, component, n_nodes, form_factor="auto"):
    """Total sigma per scatterer [GeV^-2] for d = 1, flat array of energies."""
    M = target_mass(t, component)
    out = np.zeros(E.shape)
    for i in range(0, E.size, _CHUNK):
        e = E[i:i + _CHUNK]
        Q2, wq, open_ = _log_q2_grid(e, m, M, component, n_nodes)
        e_safe = np.where(open_, e, 1.0)  # closed rows (e.g. E = 0: s - M^2 = 0) are masked below
        f = _dsigma_dQ2_gev(e_safe[:, None], Q2, m, t, component, form_factor)
        out[i:i + _CHUNK] = np.where(open_, np.sum(wq * f, axis=1), 0.0)
    return out


def dipole_xsec(E_nu, m_N, target, *, d=1.0, component="total", antineutrino=False, majorana=False,
                n_nodes=N_NODES, form_factor="auto"):
    """Total nu_alpha + target -> N + target cross section [cm^2] per nucleus, same shape as E_nu.

    component: 'coherent' | 'proton' | 'neutron' | 'total'; nucleon terms are summed over the Z protons
    or A - Z neutrons.  d in GeV^-1 (Liu et al. arXiv:2412.15051 convention, mu_tr = 2 d).  Zero below threshold.
    `antineutrino` and `majorana` leave sigma unchanged (module docstring).  form_factor: nuclear charge
    form factor of the coherent term, 'auto' (Fourier-Bessel if tabulated, else Helm) | 'helm' | 'fourier-bessel'."""
    m = _check_mass(m_N)
    E = _check_energy(E_nu)
    d2 = _d2(d)
    t = _target(target)
    flat = E.ravel()
    out = np.zeros(flat.shape)
    for comp in _check_component(component):
        n = multiplicity(t, comp)
        if n:
            out += n * _sigma_component_gev(flat, m, t, comp, n_nodes, form_factor)
    return (out * d2 * GEV2_TO_CM2).reshape(E.shape)


def dipole_xsec_components(E_nu, m_N, target, *, d=1.0, antineutrino=False, majorana=False):
    """{'coherent', 'proton', 'neutron', 'total'} -> sigma [cm^2] per nucleus."""
    out = {c: dipole_xsec(E_nu, m_N, target, d=d, component=c) for c in COMPONENTS}
    out["total"] = out["coherent"] + out["proton"] + out["neutron"]
    return out


# --- event sampling ----------------------------------------------------------------------------
def _sample_q2(E, m, t, component, sigma, rng, n_bins=32, dsigma=None):
    """Importance-sample ln Q^2 from a piecewise-constant fit of Q^2 dsigma/dQ^2; returns Q2, weight.

    sigma: the component's total cross section per scatterer (GeV^-2) at E.  weight = true density /
    sampling density, so E[weight] = 1 exactly (bias-free whatever the binning).  dsigma(E, Q2): the
    differential cross section per scatterer [GeV^-4] (default: the dipole one of this component)."""
    M = target_mass(t, component)
    if dsigma is None:
        def dsigma(e, q):
            return _dsigma_dQ2_gev(e, q, m, t, component)
    Q2 = np.empty(E.size)
    weight = np.empty(E.size)
    u = (np.arange(n_bins) + 0.5) / n_bins
    for i in range(0, E.size, _CHUNK):
        e = E[i:i + _CHUNK]
        eu, inv = np.unique(e, return_inverse=True)  # the bin fit once per distinct energy
        lo, hi = q2_range(eu, m, M)
        if component == "coherent":
            hi = np.minimum(hi, np.maximum(_Q2_CUT_COHERENT, lo))
        ylo, span = np.log(lo), np.log(hi / lo)
        yc = ylo[:, None] + span[:, None] * u[None, :]
        g = np.exp(yc) * dsigma(eu[:, None], np.exp(yc))
        g = np.maximum(g, 1e-3 * g.max(axis=1, keepdims=True))[inv]  # keep every bin reachable
        ylo, span = ylo[inv], span[inv]
        cdf = np.cumsum(g, axis=1)
        cdf /= cdf[:, -1:]
        k = np.minimum((cdf < rng.random(e.size)[:, None]).sum(axis=1), n_bins - 1)
        rows = np.arange(e.size)
        p_bin = cdf[rows, k] - np.where(k > 0, cdf[rows, np.maximum(k - 1, 0)], 0.0)
        q2 = np.exp(ylo + span * (k + rng.random(e.size)) / n_bins)
        density = p_bin * n_bins / span  # sampling density in y = ln Q^2
        Q2[i:i + _CHUNK] = q2
        weight[i:i + _CHUNK] = q2 * dsigma(e, q2) / (density * sigma[i:i + _CHUNK])
    return Q2, weight


def sample_upscattering(E_nu, m_N, target, component="total", rng=None, return_component=False, sigma=None):
    """HNL four-momenta (E, px, py, pz) for neutrinos of energies E_nu along +z, and weights.

    Q^2 is drawn from dsigma/dQ^2 (importance sampling in ln Q^2; mean weight 1), the component
    ('total': chosen per event in proportion to its sigma), azimuth uniform.  An event of energy
    E_nu represents sigma(E_nu) * weight.  Below threshold: zero four-momentum and weight 0.
    Returns (p4 of shape (n, 4), weight of shape (n,)); with return_component also the index
    into COMPONENTS of the process chosen per event (-1 below threshold): the recoil is then the
    nucleus (coherent) or the nucleon, at rest before, of mass ``target_mass(target, component)``.
    sigma: optional (3, n) cross sections per nucleus [cm^2] of COMPONENTS at E_nu used instead of
    the exact ones to pick the component and normalise the Q^2 weight (e.g. interpolated from a
    table): each event then represents sigma_c(E) / sigma_given_c(E) on average, so a caller whose
    rate uses the same sigma stays exactly unbiased."""
    m = _check_mass(m_N)
    E = _check_energy(E_nu).ravel()
    t = _target(target)
    rng = np.random.default_rng() if rng is None else rng
    comps = [c for c in _check_component(component) if multiplicity(t, c)]
    if sigma is not None:
        given = np.asarray(sigma, dtype=float).reshape(len(COMPONENTS), E.size) / GEV2_TO_CM2
        sig = np.stack([given[COMPONENTS.index(c)] for c in comps]) if comps else np.zeros((1, E.size))
    else:
        sig = np.stack([multiplicity(t, c) * _sigma_component_gev(E, m, t, c, N_NODES) for c in comps]) \
            if comps else np.zeros((1, E.size))
    tot = sig.sum(axis=0)
    which = (np.cumsum(sig, axis=0) / np.where(tot > 0, tot, 1.0) < rng.random(E.size)).sum(axis=0)
    p4 = np.zeros((E.size, 4))
    weight = np.zeros(E.size)
    for i, comp in enumerate(comps):
        sel = (which == i) & (tot > 0)
        if not np.any(sel):
            continue
        M = target_mass(t, comp)
        Q2, w = _sample_q2(E[sel], m, t, comp, sig[i, sel] / multiplicity(t, comp), rng)
        E_N, p_N, cos = lab_kinematics(E[sel], Q2, m, M)
        sin = np.sqrt(1.0 - cos * cos)
        phi = rng.uniform(0.0, 2.0 * np.pi, sel.sum())
        p4[sel] = np.column_stack([E_N, p_N * sin * np.cos(phi), p_N * sin * np.sin(phi), p_N * cos])
        weight[sel] = w
    if return_component:
        index = np.array([COMPONENTS.index(c) for c in comps] or [-1])
        return p4, weight, np.where(tot > 0, index[np.minimum(which, index.size - 1)], -1)
    return p4, weight


# --- dark-sector models: Z', Z, h' and dipole exchange with interference, per helicity ----------
# The amplitude is evaluated from the Feynman rules of the Lagrangian in hnlreach.models.dark_sector
# (Abdullahi et al. arXiv:2207.04137 sec. 2-3 for the model; Ballett et al. arXiv:1903.07589 for the light
# Z'), numerically with helicity spinors (hnlreach.physics.helicity_amplitudes), in the CM frame:
#   M = sum_X g_nu^X g_had^X (L_X . H_X)/(t - m_X^2)            X = Z', Z (vector, vertex i g gamma^mu)
#     + 2 i d e (L_sigma . H_gamma)/t                            dipole: vertex -2 d sigma^{mu nu} q_mu P_L
#     - S y (L_S H_S)/(t - m_h'^2)                               scalar h'
# with L the lepton currents ubar_N Gamma u_nu (nu) or vbar_nu Gamma' v_N (nu-bar, h.c. vertices) and the
# hadron currents: coherent (spin 0) Q_X F(Q^2) (p + p')^mu and 2 M_A y_A F(Q^2) (F the nuclear charge form
# factor for every mediator, as DarkNews), nucleons ubar' [F1 gamma^mu + i F2 sigma^{mu nu} q_nu/2M
# - G_A gamma^mu gamma5] u with F1, F2 from the proton/neutron EM form factors by isospin
# (DarkSector.nucleon_vector) and ubar' u F1^p(Q^2) y_N for h'.  dsigma/dQ^2 = |M|^2 / (16 pi (s - M^2)^2),
# target spins averaged.  The HNL helicity h = -1, +1 is defined in the CM frame (as DarkNews's
# 'conserving'/'flipping' for a neutrino).
G_AXIAL, M_AXIAL = 1.2754, 1.026  # nucleon axial charge (PDG 2022) and dipole axial mass [GeV] (Bernard et al. 2002)


def _cm_momenta(E, Q2, m, M):
    """Four-momenta k1, p2, k3, p4 (n, 4) in the CM frame, neutrino along +z, and the N polar angle."""
    s = M * M + 2.0 * M * E
    rs = np.sqrt(s)
    k = (s - M * M) / (2.0 * rs)
    E3 = (s + m * m - M * M) / (2.0 * rs)
    p3 = np.sqrt(np.maximum((s - (M + m) ** 2) * (s - (M - m) ** 2), 0.0)) / (2.0 * rs)
    cos = np.clip((2.0 * k * E3 - m * m - Q2) / (2.0 * k * np.maximum(p3, 1e-300)), -1.0, 1.0)
    sin = np.sqrt(1.0 - cos * cos)
    z = np.zeros_like(k)
    k1 = np.stack([k, z, z, k], -1)
    p2 = np.stack([np.sqrt(k * k + M * M), z, z, -k], -1)
    k3 = np.stack([E3, p3 * sin, z, p3 * cos], -1)
    p4 = np.stack([np.sqrt(p3 * p3 + M * M), -p3 * sin, z, -p3 * cos], -1)
    return k1, p2, k3, p4, np.arccos(cos), k, E3, p3


def _lepton_currents(k1, k3, theta, k, E3, p3, hel, antineutrino):
    """(vector, dipole, scalar) lepton currents for an HNL of helicity hel; see the block comment."""
    from hnlreach.physics import helicity_amplitudes as ha
    q_low = ha.lower(k1 - k3)
    sq = np.einsum("mvab,nm->nvab", ha.SIGMA_MUNU, q_low)  # sigma^{mu nu} q_mu, free index nu
    if not antineutrino:
        left = ha.bar(ha.u_helicity(E3, p3, theta, hel))
        right = ha.u_helicity(k, k, np.zeros_like(k), -1)
        chiral = ha.PL
    else:
        left = ha.bar(ha.v_helicity(k, k, np.zeros_like(k), +1))
        right = ha.v_helicity(E3, p3, theta, hel)
        chiral = ha.PR
    vec = ha.current(left, np.einsum("mab,bc->mac", ha.GAMMA, ha.PL), right)
    dip = np.einsum("na,nvab,bc,nc->nv", left, sq, chiral, right)
    sca = ha.scalar(left, chiral, right)
    return vec, dip, sca


def _couplings(model, a: int, j: int):
    return (model.zprime_vertex[a, j - 1], model.z_vertex[a, j - 1], model.scalar_vertex[a, j - 1],
            model.dipole_vertex[a, j - 1])


def _model_msq(E, Q2, model, a, j, t: Nucleus, component, hel, antineutrino, form_factor="auto"):
    """|M|^2 (target spins averaged) for nu_a -> N_j of helicity hel, flat arrays E, Q2."""
    from hnlreach.models.dark_sector import E_EM, M_Z
    from hnlreach.physics import helicity_amplitudes as ha
    m = model.mass(j)
    M = target_mass(t, component)
    k1, p2, k3, p4, theta, k, E3, p3 = _cm_momenta(E, Q2, m, M)
    Lv, Ld, Ls = _lepton_currents(k1, k3, theta, k, E3, p3, hel, antineutrino)
    V, C, S, d = _couplings(model, a, j)
    tt = -Q2
    mzp2 = model.mzprime ** 2 if model.mzprime is not None else np.inf
    mh2 = model.mhprime ** 2 if model.mhprime is not None else np.inf
    prop_zp = 0.0 if not V or not np.isfinite(mzp2) else V / (tt - mzp2)
    prop_z = C / (tt - M_Z ** 2)
    prop_h = 0.0 if not S or not np.isfinite(mh2) else -S / (tt - mh2)
    dip = 2j * d / tt  # the photon-hadron vertex carries e
    if component == "coherent":
        F = coherent_form_factor(Q2, t, form_factor)
        P = ha.lower(p2 + p4)
        charge = {X: t.Z * model.nucleon_vector(X, "proton")[0] + t.N * model.nucleon_vector(X, "neutron")[0]
                  for X in ("zprime", "z")}
        y_A = t.Z * model.nucleon_scalar("proton") + t.N * model.nucleon_scalar("neutron")
        LP = np.einsum("nm,nm->n", Lv, P)
        LdP = np.einsum("nm,nm->n", Ld, P)
        amp = F * ((prop_zp * charge["zprime"] + prop_z * charge["z"]) * LP + dip * E_EM * t.Z * LdP
                   + prop_h * y_A * 2.0 * M * Ls)
        return np.abs(amp) ** 2
    nucleon = component
    F1p, F2p = nucleon_dirac_pauli(Q2, "proton")
    F1n, F2n = nucleon_dirac_pauli(Q2, "neutron")
    GA = G_AXIAL / (1.0 + Q2 / M_AXIAL ** 2) ** 2
    q_low = ha.lower(p4 - p2)
    sq = np.einsum("mvab,nv->nmab", ha.SIGMA_MUNU, q_low)  # sigma^{mu nu} q_nu, free index mu
    g5 = np.einsum("mab,bc->mac", ha.GAMMA, ha.GAMMA5)
    total = 0.0
    for s2 in (1, -1):
        u2 = ha.u_spin(p2, M, s2)
        for s4 in (1, -1):
            ub4 = ha.bar(ha.u_spin(p4, M, s4))
            Jg = ha.current(ub4, ha.GAMMA, u2)
            Js = np.einsum("na,nmab,nb->nm", ub4, sq, u2) * (1j / (2.0 * M))
            J5 = ha.current(ub4, g5, u2)
            amp = 0.0
            for X, prop in (("zprime", prop_zp), ("z", prop_z), ("photon", None)):
                ap, an = model.nucleon_vector(X, nucleon)
                H = (ap * F1p + an * F1n)[:, None] * Jg + (ap * F2p + an * F2n)[:, None] * Js
                H = H - (model.nucleon_axial(X, nucleon) * GA)[..., None] * J5 if X != "photon" else H
                H = ha.lower(H)
                if X == "photon":
                    amp = amp + dip * np.einsum("nm,nm->n", Ld, H)
                else:
                    amp = amp + prop * np.einsum("nm,nm->n", Lv, H)
            amp = amp + prop_h * model.nucleon_scalar(nucleon) * F1p * ha.scalar(ub4, np.eye(4), u2) * Ls
            total = total + np.abs(amp) ** 2
    return 0.5 * total


def _model_dsigma_gev(E, Q2, model, a, j, t, component, hel, antineutrino, form_factor="auto"):
    M = target_mass(t, component)
    shape = np.broadcast(E, Q2).shape
    e, q = (np.broadcast_to(x, shape).ravel() for x in (E, Q2))
    helicities = (-1, 1) if hel is None else (hel,)
    msq = sum(_model_msq(e, q, model, a, j, t, component, h, antineutrino, form_factor) for h in helicities)
    return (msq / (16.0 * math.pi * (2.0 * M * e) ** 2)).reshape(shape)


def _model_args(model, flavour, hnl, helicity):
    from hnlreach.models.dark_sector import FLAVOURS, DarkSector
    if not isinstance(model, DarkSector):
        raise HNLInputError("model must be a hnlreach.models.DarkSector (see hnlreach.load_model)")
    if flavour not in FLAVOURS:
        raise HNLInputError(f"projectile flavour must be one of {FLAVOURS}, got {flavour!r}")
    model.mass(hnl)
    if helicity not in (None, -1, 1):
        raise HNLInputError(f"helicity must be -1, +1 or None (both), got {helicity!r}")
    return FLAVOURS.index(flavour), int(hnl)


def model_dsigma_dQ2(E_nu, Q2, model, target, *, flavour="mu", hnl=4, component="total", helicity=None,
                     antineutrino=False, form_factor="auto"):
    """dsigma/dQ^2 [cm^2/GeV^2] per nucleus of nu_flavour (or nu-bar) + target -> N_hnl + target in a
    dark-sector model (every mediator and their interference); helicity -1/+1 of N (CM frame) or None (sum)."""
    a, j = _model_args(model, flavour, hnl, helicity)
    E = _check_energy(E_nu)
    Q2 = np.asarray(Q2, dtype=float)
    t = _target(target)
    E, Q2 = np.broadcast_arrays(E, Q2)
    out = np.zeros(E.shape)
    m = model.mass(j)
    for comp in _check_component(component):
        n = multiplicity(t, comp)
        if n == 0:
            continue
        lo, hi = q2_range(E, m, target_mass(t, comp))
        ok = (Q2 >= lo) & (Q2 <= hi) & (Q2 > 0)
        q = np.where(ok, Q2, 1.0)
        e = np.where(ok, E, 1.0)
        out += np.where(ok, n * _model_dsigma_gev(e, q, model, a, j, t, comp, helicity, antineutrino, form_factor), 0.0)
    return out * GEV2_TO_CM2


def model_xsec(E_nu, model, target, *, flavour="mu", hnl=4, component="total", helicity=None, antineutrino=False,
               n_nodes=2 * N_NODES, form_factor="auto"):
    """Total nu_flavour (nu-bar) + target -> N_hnl + target cross section [cm^2] per nucleus in a dark-sector model.

    component 'coherent' | 'proton' | 'neutron' | 'total' (nucleon terms x Z or x (A - Z)); helicity of the
    HNL -1 | +1 | None (sum).  Zero below threshold.  Gauss-Legendre in ln Q^2 (n_nodes)."""
    a, j = _model_args(model, flavour, hnl, helicity)
    E = _check_energy(E_nu)
    t = _target(target)
    m = model.mass(j)
    flat = E.ravel()
    out = np.zeros(flat.shape)
    for comp in _check_component(component):
        n = multiplicity(t, comp)
        if not n:
            continue
        Q2, wq, open_ = _log_q2_grid(flat, m, target_mass(t, comp), comp, n_nodes)
        f = _model_dsigma_gev(flat[:, None], Q2, model, a, j, t, comp, helicity, antineutrino, form_factor)
        out += n * np.where(open_, np.sum(wq * f, axis=1), 0.0)
    return (out * GEV2_TO_CM2).reshape(E.shape)


def model_xsec_components(E_nu, model, target, *, flavour="mu", hnl=4, antineutrino=False):
    """{component: {'h-': sigma, 'h+': sigma, 'total': sigma}} [cm^2] per nucleus in a dark-sector model,
    components 'coherent', 'proton', 'neutron' and 'total' (what `hnlreach xsec --model` prints)."""
    out = {}
    for comp in COMPONENTS:
        hm, hp = (model_xsec(E_nu, model, target, flavour=flavour, hnl=hnl, component=comp, helicity=h,
                             antineutrino=antineutrino) for h in (-1, 1))
        out[comp] = {"h-": hm, "h+": hp, "total": hm + hp}
    out["total"] = {k: sum(out[c][k] for c in COMPONENTS) for k in ("h-", "h+", "total")}
    return out


def sample_model_upscattering(E_nu, model, target, *, flavour="mu", hnl=4, component="total", antineutrino=False,
                              rng=None):
    """HNL four-momenta for a dark-sector model: neutrinos of energies E_nu along +z upscatter to N_hnl.

    The component and the HNL helicity (CM frame) are chosen per event in proportion to their cross
    sections, Q^2 from dsigma/dQ^2 of that helicity (importance sampling, mean weight 1), azimuth uniform;
    an event of energy E_nu represents model_xsec(E_nu) * weight.  Returns (p4 (n, 4), weight (n,),
    helicity (n,) in {-1, +1} (0 below threshold), component index into COMPONENTS (-1 below threshold))."""
    a, j = _model_args(model, flavour, hnl, None)
    E = _check_energy(E_nu).ravel()
    t = _target(target)
    m = model.mass(j)
    rng = np.random.default_rng() if rng is None else rng
    cases = [(c, h) for c in _check_component(component) if multiplicity(t, c) for h in (-1, 1)]
    sig = []
    eu, inv = np.unique(E, return_inverse=True)  # cross sections once per distinct energy
    for c, h in cases:
        Q2, wq, open_ = _log_q2_grid(eu, m, target_mass(t, c), c, 2 * N_NODES)
        f = _model_dsigma_gev(eu[:, None], Q2, model, a, j, t, c, h, antineutrino)
        sig.append(np.where(open_, np.sum(wq * f, axis=1), 0.0)[inv])
    sig = np.array(sig) if sig else np.zeros((1, E.size))
    mult = np.array([multiplicity(t, c) for c, _ in cases] or [0])[:, None]
    tot = (mult * sig).sum(axis=0)
    which = (np.cumsum(mult * sig, axis=0) / np.where(tot > 0, tot, 1.0) < rng.random(E.size)).sum(axis=0)
    which = np.minimum(which, max(len(cases) - 1, 0))
    p4 = np.zeros((E.size, 4))
    weight = np.zeros(E.size)
    helicity = np.zeros(E.size, dtype=int)
    comp_index = np.full(E.size, -1)
    for k, (c, h) in enumerate(cases):
        sel = (which == k) & (tot > 0)
        if not np.any(sel):
            continue
        M = target_mass(t, c)

        def dsigma(e, q, c=c, h=h):
            return _model_dsigma_gev(e, q, model, a, j, t, c, h, antineutrino)
        Q2, w = _sample_q2(E[sel], m, t, c, sig[k, sel], rng, dsigma=dsigma)
        E_N, p_N, cos = lab_kinematics(E[sel], Q2, m, M)
        sin = np.sqrt(1.0 - cos * cos)
        phi = rng.uniform(0.0, 2.0 * np.pi, sel.sum())
        p4[sel] = np.column_stack([E_N, p_N * sin * np.cos(phi), p_N * sin * np.sin(phi), p_N * cos])
        weight[sel] = w
        helicity[sel] = h
        comp_index[sel] = COMPONENTS.index(c)
    return p4, weight, helicity, comp_index
