"""Decays of the HNLs of a dark-neutrino sector (hnlreach.models.DarkSector), from the same Lagrangian
as the upscattering (hnlreach.physics.upscattering.model_xsec).

Channels (N_j decays into a lighter neutral lepton a = nu_e, nu_mu, nu_tau or N_i):
  N_j -> a Z', N_j -> a h', N_j -> a gamma      two-body, when open (Z', h' then decay: zprime_widths, ...)
  N_j -> a l+ l-                                through Z' and h' (off-shell: below the two-body threshold)
                                                and gamma* (dipole), with their interference
  mass mixing (W, Z; |U_aj|^2)                  hnlreach.physics.decays (Bondarenko et al. arXiv:1805.08567)
A Z' (h') that can be produced on shell is counted in the two-body channel only (narrow-width
approximation; the off-shell formula tends to Gamma(N -> a Z') BR(Z' -> l l) as Gamma_Z' -> 0, tested).
Interference between the mixing (W, Z) amplitudes and the dark ones is neglected (each dominates where it
matters); so is N -> nu nu nu through the Z'.

Method: the amplitudes are evaluated from the Feynman rules with explicit spinors
(hnlreach.physics.helicity_amplitudes): vector  V ubar_a gamma^mu P_L u_N,  scalar  S ubar_a P_R u_N,
dipole -2 d ubar_a sigma^{mu nu} q_mu P_R u_N (Lagrangian in hnlreach.models.dark_sector; light daughters
are left-handed), lepton vertices gV gamma^mu - gA gamma^mu gamma5 (Z'), e Q gamma^mu (photon),
y (h'); propagators with Breit-Wigner widths.  Three-body phase space in (q^2 = m_ll^2, cos theta*):
    dGamma/dq^2 dcos = <|M|^2> P p* / (128 pi^3 m^2 sqrt(q^2))      (PDG kinematics review, eq. 49.22 form)
with P the daughter momentum in the N frame and p* the lepton momentum in the pair frame.
Majorana N: every N_j -> nu X channel doubles (nu and nu-bar final states); Majorana N_j -> N_i X uses
the Majorana vertices (_vertices).  Z' -> N_i N_j widths use Dirac vertices.

Known DarkNews 0.4.8 defects not reproduced here (docs/models.md): widths and decay lengths of the
selected channel only, the dipole Dalitz width 1/2 (Dirac) or 1/4 (Majorana) of Kroll-Wada, N -> nu l l
through mass mixing without the W diagram.
"""
from __future__ import annotations

import math

import numpy as np

from hnlreach.models.dark_sector import E_EM, FLAVOURS, DarkSector
from hnlreach.physics import helicity_amplitudes as ha
from hnlreach.physics.constants import LEPTON_MASS, ctau_m, kallen
from hnlreach.physics.decays import mixing_partial_widths
from hnlreach.physics.dipole import check_normalisation
from hnlreach.physics.kinematics import gauss_legendre

N_Q2, N_COS = 48, 8  # Gauss-Legendre nodes in q^2 (per segment) and in cos theta* (the integrand is quadratic in cos)
def _daughters(model: DarkSector, j: int):
    """(index into the 6 x 6 vertices, label, mass) of the lighter neutral leptons of N_j."""
    out = [(k, f"nu_{f}", 0.0) for k, f in enumerate(FLAVOURS)]
    out += [(i - 1, f"N{i}", model.mass(i)) for i in range(4, j)]
    return out


def _vertices(model, a, j, conjugate=False):
    """Chiral coefficients (on P_L, on P_R) of the N_j -> a vertices: vector gamma^mu, scalar 1, dipole
    -2 sigma^{mu nu} q_mu.  From X Nbar_j Gamma P_L a + h.c. (module docstring): the decay uses the h.c. term,
    V gamma^mu P_L, S P_R, d sigma P_R.  Majorana N_j -> N_i: the Majorana identities Nbar_j Gamma N_i =
    Nbar_i C Gamma^T C^-1 N_j add the other chirality: V (P_L - P_R), S (P_L + P_R), d (P_R - P_L)
    (Denner, Eck, Hahn, Kublbeck, Nucl. Phys. B387 (1992) 467).  Couplings are real.
    conjugate: the Majorana N_j -> nu-bar channel (a light daughter), the other chirality alone by the
    same identities: V (-P_R), S P_L, d (-P_L)."""
    V, S, d = model.zprime_vertex[a, j - 1], model.scalar_vertex[a, j - 1], model.dipole_vertex[a, j - 1]
    d *= math.sqrt(check_normalisation(model.dipole_normalisation))  # "darknews": every dipole width x 1/2
    if a >= 3 and model.majorana:
        return (V, -V), (S, S), (-d, d)
    if conjugate:
        if not model.majorana or a >= 3:
            raise ValueError("the conjugate (nu-bar) channel exists for a Majorana N_j and a light daughter only")
        return (0.0, -V), (S, 0.0), (-d, 0.0)
    return (V, 0.0), (0.0, S), (0.0, d)


def _matrix(c):
    return c[0] * ha.PL + c[1] * ha.PR


# --- widths of the mediators ----------------------------------------------------------------------
def _vector_to_pair(M, m1, m2, gL, gR):
    """Gamma(V -> f1 fbar2) for  V_mu fbar1 gamma^mu (gL P_L + gR P_R) f2; spin-averaged trace, -g + kk/M^2."""
    lam = kallen(M * M, m1 * m1, m2 * m2)
    if lam <= 0 or M <= m1 + m2:
        return 0.0
    p = math.sqrt(lam) / (2 * M)
    p1p2 = 0.5 * (M * M - m1 * m1 - m2 * m2)
    p1q = 0.5 * (M * M + m1 * m1 - m2 * m2)
    p2q = 0.5 * (M * M - m1 * m1 + m2 * m2)
    msq = ((gL * gL + gR * gR) * (2 * p1p2 + 4 * p1q * p2q / (M * M)) / 2 * 2
           + 12 * gL * gR * m1 * m2) / 3.0
    return msq * p / (8 * math.pi * M * M)


def zprime_widths(model: DarkSector) -> dict[str, float]:
    """Z' partial widths [GeV]: l+ l- (e, mu, tau), neutral-lepton pairs (hadrons not included: a Z' above
    2 m_pi has a hadronic width too, not computed here -- its branching ratios into leptons are then upper bounds)."""
    if model.mzprime is None:
        return {}
    M = model.mzprime
    out = {}
    for f in FLAVOURS:
        gv, ga = model.zprime_fermion(f)
        w = _vector_to_pair(M, LEPTON_MASS[f], LEPTON_MASS[f], gv + ga, gv - ga)
        if w > 0:
            out[f"Z' -> {f}+ {f}-"] = w
    masses = [0.0, 0.0, 0.0] + list(model.masses)
    labels = [f"nu_{f}" for f in FLAVOURS] + [f"N{4 + i}" for i in range(len(model.masses))]
    V = model.zprime_vertex
    for x in range(len(labels)):
        for y in range(x, len(labels)):
            c = V[x, y]
            if x < 3 and y < 3:
                continue  # light-light: SM-neutrino pairs through U_D^2 (~1e-6 g_D), left out
            w = _vector_to_pair(M, masses[x], masses[y], c, 0.0) * (1 if x == y else 2)
            if w > 0:
                out[f"Z' -> {labels[x]} {labels[y]}"] = w
    return out


def hprime_widths(model: DarkSector) -> dict[str, float]:
    """h' partial widths [GeV] into l+ l-: y^2 m/(8 pi) beta^3 (photons, hadrons not included)."""
    if model.mhprime is None:
        return {}
    M = model.mhprime
    out = {}
    for f in FLAVOURS:
        x = 1 - 4 * (LEPTON_MASS[f] / M) ** 2
        if x > 0:
            out[f"h' -> {f}+ {f}-"] = model.scalar_fermion(f) ** 2 * M / (8 * math.pi) * x ** 1.5
    return out


# --- two-body N_j -> a X ---------------------------------------------------------------------------
def _two_body(model, j, a, m_a, X):
    """Gamma(N_j -> a X), X = "Z'" | "h'" | "gamma", from the vertices with explicit spinors (N_j at rest,
    spin averaged; daughter helicities and X polarisations summed: -g + qq/M^2, -g for the photon)."""
    m = model.mass(j)
    cv, cs, cd = _vertices(model, a, j)
    M = {"Z'": model.mzprime, "h'": model.mhprime, "gamma": 0.0}[X]
    if M is None or m <= m_a + M:
        return 0.0
    p = math.sqrt(kallen(m * m, m_a * m_a, M * M)) / (2 * m)
    one = np.ones(1)
    P = np.array([[m, 0.0, 0.0, 0.0]])
    q = np.array([[math.sqrt(p * p + M * M), 0.0, 0.0, p]])
    total = 0.0
    for s in (1, -1):
        u = ha.u_spin(P, m, s)
        for h in (-1, 1):
            ub = ha.bar(ha.u_helicity(math.sqrt(p * p + m_a * m_a) * one, p * one, math.pi * one, h))
            total += _msq_two_body(X, ub, u, q, M, cv, cs, cd)
    return 0.5 * total * p / (8 * math.pi * m * m)


def _msq_two_body(X, ub, u, q, M, cv, cs, cd) -> float:
    """|M|^2 of N_j -> a X for one pair of spinors (ub of the daughter a, u of N_j), X polarisations
    summed (-g + qq/M^2 for the Z', -g for the photon); vertices of _vertices."""
    if X == "h'":
        return abs(ha.scalar(ub, _matrix(cs), u)[0]) ** 2
    if X == "Z'":
        J = ha.current(ub, np.einsum("mab,bc->mac", ha.GAMMA, _matrix(cv)), u)
    else:
        sq = np.einsum("mvab,nm->nvab", ha.SIGMA_MUNU, ha.lower(q))
        J = -2.0 * np.einsum("na,nvab,bc,nc->nv", ub, sq, _matrix(cd), u)
    msq = -np.real(ha.dot(J, np.conj(J)))[0]
    if X == "Z'":
        msq += abs(ha.dot(J, q)[0]) ** 2 / (M * M)
    return float(msq)


# --- three-body N_j -> a l+ l- -----------------------------------------------------------------------
def _segments(lo, hi, poles, photon):
    """q^2 segments [(a, b, pole or None)]: split at a Breit-Wigner pole inside (lo, hi), each side mapped
    with arctan about it; with the photon, the region below M^2/4 gets its own (log-mapped) segment."""
    inside = [(M2, MG) for M2, MG in poles if lo < M2 < hi]
    if not inside:
        return [(lo, hi, None)]
    M2, MG = inside[0]
    segs = [(lo, M2, (M2, MG)), (M2, hi, (M2, MG))]
    if photon and lo < M2 / 4:
        segs = [(lo, M2 / 4, None), (M2 / 4, M2, (M2, MG)), (M2, hi, (M2, MG))]
    return segs


def _direction(k):
    """(theta, phi) of the three-momenta of k (n, 4)."""
    r = np.sqrt(np.sum(k[:, 1:] ** 2, axis=1))
    cth = np.clip(k[:, 3] / np.where(r > 0, r, 1.0), -1.0, 1.0)
    return np.arccos(cth), np.arctan2(k[:, 2], k[:, 1])


def msq_three_body(model, j, a, lepton, ka, k2, k3, *, include=("Z'", "h'", "gamma"), zprime_width=None,
                   conjugate=False, q2=None, hprime_width=None):
    """|M|^2 of N_j(spin s) -> a(helicity h) l-(k2) l+(k3), N_j at rest with spin s = +1, -1 along +z, lepton
    spins summed: array (2, 2, n) over [s = +1, -1][h = -1, +1].  ka, k2, k3: (n, 4) in the N_j rest frame.

    Amplitude from the Lagrangian (module docstring): i M = J_N . L / propagator for each mediator X
    (Z' with -g + qq/M^2, h', gamma* for the dipole), summed coherently.  conjugate: the Majorana N_j -> nu-bar
    channel (vertices of _vertices(conjugate=True)); h is then the nu-bar helicity.  q2: the pair mass^2 if
    known (more precise than (k2 + k3)^2 next to a narrow pole)."""
    m = model.mass(j)
    m_a = 0.0 if a < 3 else model.mass(a + 1)
    ml = LEPTON_MASS[lepton]
    cv, cs, cd = _vertices(model, a, j, conjugate=conjugate)
    V, S, d = cv[0] or cv[1], cs[0] or cs[1], cd[0] or cd[1]  # non-zero tests only
    n = ka.shape[0]
    q = k2 + k3
    q2 = ha.dot(q, q) if q2 is None else q2
    pN = np.zeros((n, 4))
    pN[:, 0] = m
    th, ph = _direction(ka)
    Pa = np.sqrt(np.sum(ka[:, 1:] ** 2, axis=1))
    gv, ga = model.zprime_fermion(lepton) if model.mzprime is not None else (0.0, 0.0)
    y = model.scalar_fermion(lepton) if model.mhprime is not None else 0.0
    wz = _zprime_total(model) if zprime_width is None else zprime_width
    use_g = "gamma" in include and bool(d)
    use_z = "Z'" in include and bool(V) and model.mzprime is not None
    use_h = "h'" in include and bool(S) and model.mhprime is not None
    # lepton currents for the four lepton spin pairs
    g5 = np.einsum("mab,bc->mac", ha.GAMMA, ha.GAMMA5)
    leptons = []
    for s2 in (1, -1):
        ub2 = ha.bar(ha.u_spin(k2, ml, s2))
        for s3 in (1, -1):
            v3 = ha.u_spin(k3, ml, s3) @ ha.GAMMA5.T
            Lg = ha.current(ub2, ha.GAMMA, v3)
            L5 = ha.current(ub2, g5, v3) if use_z else None
            Ls = ha.scalar(ub2, np.eye(4), v3) if use_h else None
            leptons.append((Lg, L5, Ls))
    sq = np.einsum("mvab,nm->nvab", ha.SIGMA_MUNU, ha.lower(q)) if use_g else None
    vec_proj = np.einsum("mab,bc->mac", ha.GAMMA, _matrix(cv))
    if use_z:
        M2 = model.mzprime ** 2
        prop_z = 1.0 / (q2 - M2 + 1j * model.mzprime * wz)
    if use_h:
        wh = _hprime_total(model) if hprime_width is None else hprime_width
        prop_h = 1.0 / (q2 - model.mhprime ** 2 + 1j * model.mhprime * wh)
    out = np.zeros((2, 2, n))
    for i_s, s in enumerate((1, -1)):
        u = ha.u_spin(pN, m, s)
        for i_h, h in enumerate((-1, 1)):
            ub = ha.bar(ha.u_helicity(ka[:, 0], Pa, th, h, ph))
            Jv = ha.current(ub, vec_proj, u) if use_z else None
            Js = ha.scalar(ub, _matrix(cs), u) if use_h else None
            Jd = -2.0 * np.einsum("na,nvab,bc,nc->nv", ub, sq, _matrix(cd), u) if use_g else None
            for Lg, L5, Ls in leptons:
                amp = np.zeros(n, dtype=complex)
                if use_g:
                    amp = amp + (-E_EM) * ha.dot(Jd, Lg) / q2 * 1j
                if use_z:
                    L = gv * Lg - ga * L5
                    amp = amp + (ha.dot(Jv, L) - ha.dot(Jv, q) * ha.dot(L, q) / M2) * prop_z
                if use_h:
                    amp = amp - y * Js * Ls * prop_h
                out[i_s, i_h] += np.abs(amp) ** 2
    return out


def _pair_kinematics(m, m_a, ml, q2, cos, phi=None):
    """N_j rest frame, daughter a along -z, the l+ l- pair along +z; lepton l- at polar angle theta* (cos)
    and azimuth phi (default 0) in the pair frame.  Returns ka, k2 (l-), k3 (l+) (n, 4), P, p*."""
    rq = np.sqrt(q2)
    P = np.sqrt(np.maximum(kallen(m * m, m_a * m_a, q2), 0.0)) / (2 * m)
    ps = np.sqrt(np.maximum(q2 / 4 - ml * ml, 0.0))
    Eq = np.sqrt(P * P + q2)
    z = np.zeros_like(q2)
    ka = np.stack([np.sqrt(P * P + m_a * m_a), z, z, -P], -1)
    sin = np.sqrt(np.maximum(1 - cos * cos, 0.0))
    cph, sph = (np.ones_like(q2), z) if phi is None else (np.cos(phi), np.sin(phi))
    El = rq / 2
    gam, bg = Eq / rq, P / rq
    k2 = np.stack([gam * El + bg * ps * cos, ps * sin * cph, ps * sin * sph, bg * El + gam * ps * cos], -1)
    k3 = np.stack([gam * El - bg * ps * cos, -ps * sin * cph, -ps * sin * sph, bg * El - gam * ps * cos], -1)
    return ka, k2, k3, P, ps


def _phase_space_factor(m, q2, P, ps):
    """P p*/(128 pi^3 m^2 sqrt(q^2)): dGamma/dq^2 dcos(theta*) = <|M|^2> x this (orientations integrated)."""
    return P * ps / (128 * math.pi ** 3 * m * m * np.sqrt(q2))


def dgamma_three_body(model, j, a, lepton, q2, cos, *, include=("Z'", "h'", "gamma"), zprime_width=None,
                      conjugate=False, hprime_width=None):
    """<|M|^2> P p*/(128 pi^3 m^2 sqrt(q^2)) [GeV^-1] for N_j -> a l- l+ at (q^2, cos theta*) arrays (same shape)."""
    m = model.mass(j)
    m_a = 0.0 if a < 3 else model.mass(a + 1)
    q2 = np.asarray(q2, dtype=float).ravel()
    cos = np.asarray(cos, dtype=float).ravel()
    ka, k2, k3, P, ps = _pair_kinematics(m, m_a, LEPTON_MASS[lepton], q2, cos)
    msq = 0.5 * msq_three_body(model, j, a, lepton, ka, k2, k3, include=include, zprime_width=zprime_width,
                               conjugate=conjugate, q2=q2, hprime_width=hprime_width).sum(axis=(0, 1))
    return msq * _phase_space_factor(m, q2, P, ps)


def _zprime_total(model):
    return sum(zprime_widths(model).values())


def _hprime_total(model):
    return sum(hprime_widths(model).values())


def gamma_three_body(model, j, a, lepton, *, include=None, zprime_width=None, n_q2=N_Q2, hprime_width=None):
    """Gamma(N_j -> a l+ l-) [GeV] through the off-shell mediators (include: subset of Z', h', gamma;
    default: those not produced on shell, see module docstring)."""
    m = model.mass(j)
    m_a = 0.0 if a < 3 else model.mass(a + 1)
    ml = LEPTON_MASS[lepton]
    lo, hi = 4 * ml * ml, (m - m_a) ** 2
    if hi <= lo:
        return 0.0
    if include is None:
        include = tuple(X for X, M in (("Z'", model.mzprime), ("h'", model.mhprime), ("gamma", 0.0))
                        if M is None or X == "gamma" or M >= m - m_a)
    poles = []
    if "Z'" in include and model.mzprime is not None:
        wz = _zprime_total(model) if zprime_width is None else zprime_width
        poles.append((model.mzprime ** 2, model.mzprime * max(wz, 1e-300)))
    if "h'" in include and model.mhprime is not None:
        wh = _hprime_total(model) if hprime_width is None else hprime_width
        poles.append((model.mhprime ** 2, model.mhprime * max(wh, 1e-300)))
    x, w = gauss_legendre(n_q2)
    xc, wc = gauss_legendre(N_COS)
    total = 0.0
    for a_, b_, pole in _segments(lo, hi, poles, "gamma" in include and bool(model.dipole_vertex[a, j - 1])):
        if pole is not None:  # arctan map flattens the Breit-Wigner
            M2, MG = pole
            ta, tb = math.atan((a_ - M2) / MG), math.atan((b_ - M2) / MG)
            tt = 0.5 * (tb - ta) * (x + 1) + ta
            q2 = M2 + MG * np.tan(tt)
            wq = 0.5 * (tb - ta) * w * MG / np.cos(tt) ** 2
        elif a_ > 0 and b_ / a_ > 10:  # log map for the photon pole
            t = 0.5 * math.log(b_ / a_) * (x + 1) + math.log(a_)
            q2 = np.exp(t)
            wq = 0.5 * math.log(b_ / a_) * w * q2
        else:
            q2 = 0.5 * (b_ - a_) * (x + 1) + a_
            wq = 0.5 * (b_ - a_) * w
        Q2, C = np.meshgrid(q2, xc, indexing="ij")
        W = np.outer(wq, wc)
        f = dgamma_three_body(model, j, a, lepton, Q2, C, include=include, zprime_width=zprime_width,
                              hprime_width=hprime_width)
        total += float(np.sum(W.ravel() * f))
    return total


# --- all channels -------------------------------------------------------------------------------------
def partial_widths(model: DarkSector, j: int = 4) -> dict[str, float]:
    """Channel -> partial width [GeV] of N_j: dark channels (this module) + mass mixing (decays.py)."""
    m = model.mass(j)
    out: dict[str, float] = {}
    majorana_factor = 2.0 if model.majorana else 1.0

    def add(name, width):
        if width > 0:
            out[name] = out.get(name, 0.0) + width

    for a, label, m_a in _daughters(model, j):
        f = majorana_factor if a < 3 else 1.0
        add(f"N{j} -> {label} Z'", f * _two_body(model, j, a, m_a, "Z'"))
        add(f"N{j} -> {label} h'", f * _two_body(model, j, a, m_a, "h'"))
        add(f"N{j} -> {label} gamma", f * _two_body(model, j, a, m_a, "gamma"))
        for lep in FLAVOURS:
            add(f"N{j} -> {label} {lep}+ {lep}-", f * gamma_three_body(model, j, a, lep))
    mix = tuple(model.U.get((fl, j), 0.0) ** 2 for fl in FLAVOURS)
    if any(mix) and 1e-3 <= m <= 5.0:
        for name, w in mixing_partial_widths(m, mix, model.majorana).items():
            add(f"N{j}{name[1:]} (mixing)" if name.startswith("N ") else f"{name} (mixing)", w)
    return out


def total_width(model: DarkSector, j: int = 4) -> float:
    """Total width [GeV] of N_j: every channel of partial_widths."""
    return float(sum(partial_widths(model, j).values()))


def ctau(model: DarkSector, j: int = 4) -> float:
    """Proper decay length c tau [m] of N_j."""
    return ctau_m(total_width(model, j))


# --- polarised two-body decays ---------------------------------------------------------------------
def two_body_angular(model: DarkSector, j: int, a: int, X: str, *, conjugate=False):
    """(A, B), arrays over the daughter helicity h = -1, +1: |M|^2(N_j spin up -> a(h) X) = A_h + B_h cos(theta),
    theta the angle of a to the spin, normalised to sum(A) = 1; X = "Z'" | "h'" | "gamma".  From the spinor
    amplitudes of _two_body (daughter along +z and -z; the distribution is linear in cos theta: |d^(1/2)|^2)."""
    m = model.mass(j)
    m_a = 0.0 if a < 3 else model.mass(a + 1)
    cv, cs, cd = _vertices(model, a, j, conjugate=conjugate)
    M = {"Z'": model.mzprime, "h'": model.mhprime, "gamma": 0.0}[X]
    if M is None or m <= m_a + M:
        raise ValueError(f"N{j} -> {X} is closed")
    p = math.sqrt(kallen(m * m, m_a * m_a, M * M)) / (2 * m)
    one = np.ones(1)
    P = np.array([[m, 0.0, 0.0, 0.0]])
    u = ha.u_spin(P, m, +1)
    rate = np.zeros((2, 2))  # [theta = 0, pi][h]
    for i, theta in enumerate((0.0, math.pi)):
        q = np.array([[math.sqrt(p * p + M * M), 0.0, 0.0, -p * math.cos(theta)]])
        for k, h in enumerate((-1, 1)):
            ub = ha.bar(ha.u_helicity(math.sqrt(p * p + m_a * m_a) * one, p * one, theta * one, h))
            rate[i, k] = _msq_two_body(X, ub, u, q, M, cv, cs, cd)
    A, B = 0.5 * (rate[0] + rate[1]), 0.5 * (rate[0] - rate[1])
    return A / A.sum(), B / A.sum()


def two_body_asymmetry(model: DarkSector, j: int, a: int, X: str, *, conjugate=False) -> float:
    """alpha of dGamma/dcos(theta) = Gamma/2 (1 + alpha P cos(theta)) for N_j -> a X, theta the angle of the
    daughter a to the N_j spin (polarisation P) in the N_j rest frame; X = "Z'" | "h'" | "gamma".

    For a Majorana N_j and a light daughter the nu (conjugate=False) and nu-bar (conjugate=True) channels
    have opposite alpha (their sum is isotropic)."""
    return float(two_body_angular(model, j, a, X, conjugate=conjugate)[1].sum())
