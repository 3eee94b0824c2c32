"""HNL production in meson and tau decays: widths and branching ratios as functions of m_N.

Formulas (all per unit |U_alpha|^2, alpha = the flavour of the charged lepton / tau involved):
- P -> l N: Shrock, PRD 24 (1981) 1232; Bondarenko et al. arXiv:1805.08567 sec. 2.1 (leptonic
  two-body width with the factor [y_N^2 + y_l^2 - (y_N^2 - y_l^2)^2] lambda^1/2(1, y_N^2, y_l^2)).
- P -> P' l N and P -> V l N: helicity amplitudes of Richman & Burchat, RMP 67 (1995) 893,
  eqs. (47)-(53), with the lepton tensor integrated for two massive leptons (see
  `_lepton_factors`); reduces to 1805.08567 appendix C for P' and to the SM K_l3/D_l3 rates.
- tau -> P N (P = pi, K): 1805.08567 sec. 2.2; tau -> N + hadrons (pi pi0, 3 pi, 4 pi, K pi, ...):
  crossing of the measured tau hadronic mass spectra (`hnlreach.physics.tau_decays`), which
  replaces the narrow rho and K* of 1805.08567; tau -> l nu N: the muon-decay integral I(x, y, z)
  of 1805.08567 sec. 2.2 / Gorbunov-Shaposhnikov 0705.1729 sec. 3.
Branching ratios use the PDG parent lifetimes (constants.LIFETIME_S).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics import form_factors as ff
from hnlreach.physics import tau_decays
from hnlreach.physics.kinematics import endpoint_nodes
from hnlreach.physics.production_semileptonic import SEMILEPTONIC_HEAVY
from hnlreach.physics.constants import (
    F_PSEUDOSCALAR, F_VECTOR, FLAVOURS, G_F, HBAR_GEV_S, LEPTON_MASS, LIFETIME_S, MASS, V_CKM,
    kallen,
)

# Short-distance electroweak correction of semileptonic kaon decays (Sirlin, NPB 196 (1982) 83),
# and the K+ pi0 isospin-breaking correction delta_SU2 = 2.52 % (FlaviaNet, arXiv:1005.2323 sec. 3.2)
S_EW = 1.0232
DELTA_SU2_KPLUS = 0.0252

def _sqrt_kallen(a, b, c):
    return np.sqrt(np.clip(kallen(a, b, c), 0.0, None))


def parent_width(parent: str) -> float:
    """Total width [GeV] of a parent from its PDG lifetime."""
    key = {"tau+": "tau-", "K-": "K+", "pi-": "pi+"}.get(parent, parent)
    return HBAR_GEV_S / LIFETIME_S[key]


# --- two-body leptonic P+ -> l+ N -------------------------------------------------------
def leptonic_width(parent: str, m_lepton: float, mass, ckm: float):
    """Gamma(P+ -> l+ N) / |U|^2 [GeV] (Shrock 1981; arXiv:1805.08567 sec. 2.1):
    G_F^2 f^2 m_P^3 |V|^2 / (8 pi) [y_N^2 + y_l^2 - (y_N^2 - y_l^2)^2] lambda^1/2(1, y_N^2, y_l^2)."""
    mass = np.asarray(mass, dtype=float)
    M = MASS[parent]
    a, b = (m_lepton / M) ** 2, (mass / M) ** 2
    shape = (a + b - (a - b) ** 2) * _sqrt_kallen(1.0, a, b)
    shape = np.where(mass + m_lepton < M, shape, 0.0)
    return G_F**2 * F_PSEUDOSCALAR[parent] ** 2 * M**3 * ckm**2 / (8.0 * np.pi) * shape


# --- tau -> h N --------------------------------------------------------------------------
def tau_pseudoscalar_width(meson: str, mass, ckm: float):
    """Gamma(tau -> P N) / |U_tau|^2 (arXiv:1805.08567 sec. 2.2):
    G_F^2 f^2 |V|^2 m_tau^3/(16 pi) [(1 - y_N^2)^2 - y_P^2 (1 + y_N^2)] lambda^1/2(1, y_P^2, y_N^2)."""
    mass = np.asarray(mass, dtype=float)
    M = LEPTON_MASS["tau"]
    yn, yh = (mass / M) ** 2, (MASS[meson] / M) ** 2
    shape = ((1.0 - yn) ** 2 - yh * (1.0 + yn)) * _sqrt_kallen(1.0, yh, yn)
    shape = np.where(mass + MASS[meson] < M, shape, 0.0)
    return G_F**2 * F_PSEUDOSCALAR[meson] ** 2 * ckm**2 * M**3 / (16.0 * np.pi) * shape


def tau_vector_width(meson: str, mass, ckm: float):
    """Gamma(tau -> V N) / |U_tau|^2 (arXiv:1805.08567 sec. 2.2, g_V = f_V m_V):
    G_F^2 f_V^2 |V|^2 m_tau^3/(16 pi) [(1-y_N^2)^2 + y_V^2 (1 + y_N^2) - 2 y_V^4] lambda^1/2."""
    mass = np.asarray(mass, dtype=float)
    M = LEPTON_MASS["tau"]
    yn, yv = (mass / M) ** 2, (MASS[meson] / M) ** 2
    shape = ((1.0 - yn) ** 2 + yv * (1.0 + yn) - 2.0 * yv * yv) * _sqrt_kallen(1.0, yv, yn)
    shape = np.where(mass + MASS[meson] < M, shape, 0.0)
    return G_F**2 * F_VECTOR[meson] ** 2 * ckm**2 * M**3 / (16.0 * np.pi) * shape


# --- three-body helpers -----------------------------------------------------------------
def _q2_grid(lo, hi):
    """Nodes (..., 48) and weights for integrating over q^2 in [lo, hi] (arrays broadcast)."""
    return endpoint_nodes(lo, hi, 48)


def muon_decay_integral(x, y, z):
    """I(x, y, z) = 12 int ds/s (s - x^2 - y^2)(1 + z^2 - s) lambda^1/2(s, x^2, y^2) lambda^1/2(1, s, z^2)
    over ((x+y)^2, (1-z)^2); I(0,0,0) = 1 (arXiv:1805.08567 sec. 2.2; 0705.1729 sec. 3).
    x, y: masses (in units of the parent mass) of the pair whose momenta are contracted together."""
    x, y, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, y, z)))
    open_ = x + y + z < 1.0
    lo = np.where(open_, (x + y) ** 2, 0.0)
    hi = np.where(open_, (1.0 - z) ** 2, 1.0)
    s, w = _q2_grid(lo, hi)
    xx, yy, zz = x[..., None] ** 2, y[..., None] ** 2, z[..., None] ** 2
    f = (s - xx - yy) * (1.0 + zz - s) * _sqrt_kallen(s, xx, yy) * _sqrt_kallen(1.0, s, zz) / s
    return np.where(open_, 12.0 * np.sum(f * w, axis=-1), 0.0)


def tau_leptonic_width(m_lepton: float, mass, via_tau: bool):
    """Gamma(tau- -> l- nu_l~ N) / |U_tau|^2 if via_tau, else Gamma(tau- -> nu_tau l- N) / |U_l|^2:
    G_F^2 m_tau^5/(192 pi^3) I(x, y, z) with the contracted pair (l, N) resp. (l, nu_tau)
    (arXiv:1805.08567 sec. 2.2; |M|^2 = 64 G_F^2 (p_tau.p_z)(p_a.p_b))."""
    mass = np.asarray(mass, dtype=float)
    M = LEPTON_MASS["tau"]
    yl, yn = m_lepton / M, mass / M
    I = muon_decay_integral(yl, yn, 0.0) if via_tau else muon_decay_integral(yl, 0.0, yn)
    return G_F**2 * M**5 / (192.0 * np.pi**3) * I


def _lepton_factors(q2, m1, m2):
    """Lepton-tensor weights for P -> X (l N) with two massive leptons (derived from
    int dPhi_2 [2(H.p1)(H.p2) - H^2 p1.p2] = q^2/3 [sum_spatial |H|^2 w_T + 3 |H_t|^2 w_S]):
    w_T = 1 - (m1^2+m2^2)/(2q^2) - (m1^2-m2^2)^2/(2q^4), w_S = (m1^2+m2^2)/(2q^2) - (m1^2-m2^2)^2/(2q^4)."""
    s, d = m1 * m1 + m2 * m2, (m1 * m1 - m2 * m2) ** 2
    return 1.0 - s / (2 * q2) - d / (2 * q2 * q2), s / (2 * q2) - d / (2 * q2 * q2)


def semileptonic_dgamma_dq2(parent: str, daughter: str, form: ff.PseudoscalarFormFactors | ff.VectorFormFactors,
                            m_lepton: float, mass, q2, isospin: float = 1.0):
    """dGamma/dq^2 / |U|^2 [GeV^-1] for P -> P'/V l N (Richman-Burchat RMP 67 eqs. (47)-(53) for the
    helicity amplitudes; lepton masses via `_lepton_factors`):
    G_F^2 C^2 |p'| |p_l*| / (16 pi^3 M^2 sqrt(q^2)) * q^2/3 [sum |H_{+,-,0}|^2 w_T + 3 |H_t|^2 w_S]."""
    M, m = MASS[parent], MASS[daughter]
    q2 = np.asarray(q2, dtype=float)
    mass = np.asarray(mass, dtype=float)
    p_had = _sqrt_kallen(M * M, m * m, q2) / (2 * M)
    p_lep = _sqrt_kallen(q2, m_lepton**2, mass**2) / (2 * np.sqrt(q2))
    if isinstance(form, ff.PseudoscalarFormFactors):
        fp, f0 = form(q2, M, m)
        h_spatial = (2 * M * p_had * fp) ** 2 / q2  # |H_0|^2
        h_t = (f0 * (M * M - m * m)) ** 2 / q2
    else:
        v, a0, a1, a2 = form(q2, M, m)
        hpm = [(M + m) * a1 - s * 2 * M * p_had * v / (M + m) for s in (1.0, -1.0)]
        h0 = ((M * M - m * m - q2) * (M + m) * a1 - 4 * M * M * p_had**2 * a2 / (M + m)) / (
            2 * m * np.sqrt(q2))
        h_spatial = hpm[0] ** 2 + hpm[1] ** 2 + h0**2
        h_t = (2 * M * p_had * a0) ** 2 / q2
    w_t, w_s = _lepton_factors(q2, m_lepton, mass)
    x = q2 / 3.0 * (h_spatial * w_t + 3.0 * h_t * w_s)
    return G_F**2 * isospin * p_had * p_lep * x / (16 * np.pi**3 * M * M * np.sqrt(q2))


def semileptonic_width(parent: str, daughter: str, form, m_lepton: float, mass,
                       isospin: float = 1.0, correction: float = 1.0):
    """Gamma(P -> P'/V l N) / |U|^2 [GeV], vectorised over mass (48-point Gauss-Legendre in q^2)."""
    mass = np.asarray(mass, dtype=float)
    M, m = MASS[parent], MASS[daughter]
    open_ = mass + m_lepton + m < M
    lo = np.where(open_, (m_lepton + mass) ** 2, 0.25 * (M - m) ** 2)
    hi = np.full_like(lo, (M - m) ** 2)
    q2, w = _q2_grid(lo, hi)
    dg = semileptonic_dgamma_dq2(parent, daughter, form, m_lepton, mass[..., None], q2, isospin)
    return np.where(open_, correction * np.sum(dg * w, axis=-1), 0.0)


# --- matrix elements on the Dalitz plot (for event sampling) ------------------------------
def semileptonic_matrix_element(parent: str, daughter: str, form: ff.PseudoscalarFormFactors,
                                m_lepton: float, mass: float, m12sq, m23sq):
    """|M|^2 (up to a constant) of P -> P'(1) l(2) N(3) at Dalitz point m12^2 = (p_P'+p_l)^2,
    m23^2 = (p_l+p_N)^2 = q^2:  2(H.p_l)(H.p_N) - H^2 (p_l.p_N), H = f+ (p+k) + f- q.
    Integrates to `semileptonic_dgamma_dq2` (pseudoscalar daughters only)."""
    M, m = MASS[parent], MASS[daughter]
    ml2, mn2 = m_lepton**2, mass**2
    q2 = np.asarray(m23sq, dtype=float)
    m13sq = M * M + m * m + ml2 + mn2 - m12sq - q2
    fp, f0 = form(q2, M, m)
    fm = (f0 - fp) * (M * M - m * m) / q2
    kp1 = 0.5 * (m12sq - m * m - ml2)
    kp2 = 0.5 * (m13sq - m * m - mn2)
    p1p2 = 0.5 * (q2 - ml2 - mn2)
    c = fp + fm  # H = 2 f+ k + (f+ + f-) q
    h_p1 = 2 * fp * kp1 + c * (ml2 + p1p2)
    h_p2 = 2 * fp * kp2 + c * (mn2 + p1p2)
    h2 = 4 * fp * fp * m * m + 4 * fp * c * (kp1 + kp2) + c * c * q2
    return np.clip(2 * h_p1 * h_p2 - h2 * p1p2, 0.0, None)


def muon_decay_matrix_element(M: float, m_a: float, m_b: float, m_z: float, s_ab):
    """|M|^2 / (16 G_F^2) = (M^2 + m_z^2 - s_ab)(s_ab - m_a^2 - m_b^2) for l -> a b z with the V-A
    structure (p_l.p_z)(p_a.p_b), s_ab = (p_a + p_b)^2 (integrates to `muon_decay_integral`)."""
    s_ab = np.asarray(s_ab, dtype=float)
    return np.clip((M * M + m_z * m_z - s_ab) * (s_ab - m_a * m_a - m_b * m_b), 0.0, None)


# --- channel registry ---------------------------------------------------------------------
@dataclass(frozen=True)
class Channel:
    """One production channel `parent -> products`; `products` lists the N last-but-not-necessarily
    in the order used for sampling (see sources.meson_decays); `flavour` is the alpha of |U_alpha|^2."""

    name: str
    parent: str
    products: tuple[str, ...]
    flavour: str
    kind: str  # leptonic | semileptonic | tau_hadronic | tau_multihadron | tau_leptonic
    params: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def threshold(self) -> float:
        """Largest open HNL mass: parent mass minus the other products' masses [GeV]."""
        return MASS[self.parent] - sum(MASS[p] for p in self.products if p != "N")

    def width(self, mass):
        """Partial width / |U_flavour|^2 [GeV], vectorised over mass."""
        p = self.params
        if self.kind == "leptonic":
            return leptonic_width(p["meson"], LEPTON_MASS[self.params["lepton"]], mass, p["ckm"])
        if self.kind == "tau_hadronic":
            return tau_pseudoscalar_width(p["meson"], mass, p["ckm"])
        if self.kind == "tau_multihadron":
            return tau_decays.width(p["class"], mass, parent_width("tau-"))
        if self.kind == "tau_leptonic":
            return tau_leptonic_width(LEPTON_MASS[p["lepton"]], mass, p["via_tau"])
        return semileptonic_width(p["meson"], p["daughter"], p["form"], LEPTON_MASS[p["lepton"]],
                                  mass, p["isospin"], p.get("correction", 1.0))

    def branching_ratio(self, mass):
        """BR(parent -> products) / |U_flavour|^2, vectorised over mass."""
        return self.width(mass) / parent_width(self.parent)


def _build_channels() -> dict[str, Channel]:
    ch: dict[str, Channel] = {}

    def add(c: Channel):
        ch[c.name] = c

    # P+ -> l+ N (two-body)
    for meson, ckm in (("pi+", V_CKM["u", "d"]), ("K+", V_CKM["u", "s"]), ("D+", V_CKM["c", "d"]),
                       ("D(s)+", V_CKM["c", "s"]), ("B+", V_CKM["u", "b"]), ("B(c)+", V_CKM["c", "b"])):
        for fl in FLAVOURS:
            if LEPTON_MASS[fl] < MASS[meson]:
                add(Channel(f"{meson} -> {fl}+ N", meson, (f"{fl}+", "N"), fl, "leptonic",
                            {"meson": meson, "lepton": fl, "ckm": ckm}))
    # semileptonic P -> P'/V l N; isospin = squared Clebsch of the quark current
    kplus_corr = S_EW * (1.0 + DELTA_SU2_KPLUS) ** 2
    semi = [
        ("K+", "pi0", ff.KL3, 0.5, kplus_corr, "+"),
        ("K(L)0", "pi-", ff.KL3, 0.5, S_EW, "+"),  # K_L = (K0 - K0bar)/sqrt2
        ("K(L)0", "pi+", ff.KL3, 0.5, S_EW, "-"),
        ("D0", "K-", ff.D_TO_K, 1.0, 1.0, "+"),
        ("D+", "K~0", ff.D_TO_K, 1.0, 1.0, "+"),
        ("D0", "pi-", ff.D_TO_PI, 1.0, 1.0, "+"),
        ("D+", "pi0", ff.D_TO_PI, 0.5, 1.0, "+"),
        ("D0", "K*(892)-", ff.D_TO_KSTAR, 1.0, 1.0, "+"),
        ("D+", "K*(892)~0", ff.D_TO_KSTAR, 1.0, 1.0, "+"),
        *SEMILEPTONIC_HEAVY,
    ]
    for parent, daughter, form, iso, corr, charge in semi:
        for fl in FLAVOURS:
            if LEPTON_MASS[fl] + MASS[daughter] < MASS[parent]:
                add(Channel(f"{parent} -> {daughter} {fl}{charge} N", parent,
                            (daughter, f"{fl}{charge}", "N"), fl, "semileptonic",
                            {"meson": parent, "daughter": daughter, "form": form, "lepton": fl,
                             "isospin": iso, "correction": corr}))
    # tau- -> P- N (pseudoscalar, two-body)
    for meson, name, ckm in (("pi+", "pi-", V_CKM["u", "d"]), ("K+", "K-", V_CKM["u", "s"])):
        add(Channel(f"tau- -> {name} N", "tau-", (name, "N"), "tau", "tau_hadronic",
                    {"meson": meson, "ckm": ckm}))
    # tau- -> hadrons N by crossing the measured spectra (tau_decays)
    for cls in tau_decays.TAU_HADRONIC_CLASSES:
        add(Channel(cls.name, "tau-", (*cls.products, "N"), "tau", "tau_multihadron", {"class": cls.name}))
    # tau- -> l- nu_l~ N (|U_tau|^2, N replaces nu_tau) and tau- -> nu_tau l- N (|U_l|^2)
    for fl, nubar in (("e", "nu(e)~"), ("mu", "nu(mu)~")):
        add(Channel(f"tau- -> {fl}- {nubar} N", "tau-", ("N", f"{fl}-", nubar), "tau",
                    "tau_leptonic", {"lepton": fl, "via_tau": True}))
        add(Channel(f"tau- -> nu(tau) {fl}- N", "tau-", (f"{fl}-", "nu(tau)", "N"), fl,
                    "tau_leptonic", {"lepton": fl, "via_tau": False}))
    return ch


CHANNELS: dict[str, Channel] = _build_channels()
PARENTS = frozenset(c.parent for c in CHANNELS.values())  # every name a source may use as parent


def get_channel(name: str) -> Channel:
    """Look up a production channel by name; HNLInputError if unknown."""
    try:
        return CHANNELS[name]
    except KeyError:
        raise HNLInputError(f"unknown production channel {name!r}") from None


def channel_branching_ratio(name: str, mass):
    """BR(channel) per unit |U_flavour|^2 as a function of mass (array in, array out)."""
    return get_channel(name).branching_ratio(mass)


def _check_mass(mass) -> float:
    try:
        m = float(mass)
    except (TypeError, ValueError):
        raise HNLInputError(f"HNL mass must be a number, got {mass!r}") from None
    if not np.isfinite(m) or m <= 0:
        raise HNLInputError(f"HNL mass must be a positive number of GeV, got {mass!r}")
    from hnlreach.physics.decays import MASS_RANGE_GEV  # the range `hnlreach decay` enforces

    if m > MASS_RANGE_GEV[1]:  # lighter masses are fine here (m -> 0 limits are used in tests)
        raise HNLInputError(f"HNL mass {m:g} GeV above the supported range (<= {MASS_RANGE_GEV[1]:g} GeV)")
    return m


def production_branching_ratios(mass: float, mixing=(1.0, 0.0, 0.0)) -> dict[str, float]:
    """Channel -> BR(parent -> ... N) for the given (|U_e|^2, |U_mu|^2, |U_tau|^2); open channels only,
    sorted by parent then decreasing BR."""
    m = _check_mass(mass)
    try:
        mix = tuple(float(u) for u in mixing)
    except (TypeError, ValueError):
        raise HNLInputError(f"mixing must be three numbers (e, mu, tau), got {mixing!r}") from None
    if len(mix) != 3 or any(not np.isfinite(u) or u < 0 for u in mix):
        raise HNLInputError(f"mixing must be three non-negative numbers (e, mu, tau), got {mixing!r}")
    if sum(mix) > 1.0 + 1e-9:  # unitarity of the lepton mixing matrix (a pattern per unit |U|^2 sums to 1)
        raise HNLInputError(f"mixing |U_e|^2 + |U_mu|^2 + |U_tau|^2 = {sum(mix):g} exceeds 1 (unitarity)")
    u2 = dict(zip(FLAVOURS, mix))
    out = {}
    for name, c in CHANNELS.items():
        if u2[c.flavour] == 0.0 or m >= c.threshold:
            continue
        br = float(u2[c.flavour] * c.branching_ratio(m))
        if br > 0.0:
            out[name] = br
    return dict(sorted(out.items(), key=lambda kv: (CHANNELS[kv[0]].parent, -kv[1])))
