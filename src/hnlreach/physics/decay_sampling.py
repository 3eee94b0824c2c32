"""Sample HNL decay kinematics for every visible channel, in the HNL rest frame or boosted to the lab.

Matrix elements (spin-averaged unless a polarisation is given):
- N -> nu l+ l- (mixing): V-A contact interaction, NC + CC with interference,
  sum|M|^2 = 128 G_F^2 |U|^2 [C_L^2 (p_N.p_l+)(p_nu.p_l-) + C_R^2 (p_N.p_l-)(p_nu.p_l+) + C_L C_R m_l^2 (p_N.p_nu)]
  (arXiv:1805.08567 sec. 3.1, couplings from `decays_leptonic.leptonic_couplings`; the same
  operator as the widths of `physics.decays`), summed incoherently over the mixing flavours;
- N -> l_a l_b nu (CC, a != b): the C_L = 1, C_R = 0 case, |M|^2 ∝ (p_N.p_b)(p_a.p_nu);
- N -> nu l+ l- (dipole, via gamma*): `dipole.dipole_msq_nu_ll`, added incoherently to the mixing one;
- N -> nu nu nu: flat phase space (the V-A matrix element is not used: the final state is invisible);
- two-body channels: isotropic;
- N -> l- H+ (light hadrons crossed from tau decays) and N -> nu pi+ pi-: hadronic mass^2 s drawn from
  the crossed spectrum of `decays_crossed`, l recoiling two-body against H(s) isotropically, H ->
  hadrons by flat phase space (the same construction as tau -> N + hadrons in production);
- other channels with hadrons and three or more products and any other product list of names the
  `particle` package knows: flat n-body phase space (kinematics.sample_n_body), no matrix element.
Majorana HNLs: self-conjugate channels (nu l+ l-) use the CP-symmetrised |M|^2 (l+ <-> l-);
charged channels are each the Dirac (or charge-conjugated Dirac) matrix element.

Polarisation (HNL helicity P along its flight direction, or along +z without `momenta`) is
implemented for two-body channels with a known analysing power a, dGamma/dcos(theta) ∝ 1 + a P cos(theta)
for the first product listed:
- N -> l- P+ (Dirac, and Majorana N -> l- P+): a = -2 m p (m^2 - m_l^2)/[(m^2 - m_l^2)^2 - m_P^2 (m^2 + m_l^2)]
  (helicity amplitudes of u-bar_l [m(1+g5) - m_l(1-g5)] u_N, whose sum reproduces the width of
  arXiv:1805.08567 sec. 3.2.1); a -> -a for the conjugate N -> l+ P- ;
- N -> nu P0: a = -1 for a Dirac HNL (left-handed nu against the spin), 0 for Majorana (nu and nu-bar
  summed); N -> nu gamma: a = +1 (Dirac; the nu goes along the spin, since a real photon has helicity
  +-1 -- dark_decays.two_body_asymmetry from the spinor amplitudes; DarkNews 0.4.8's
  `diff_gamma_Ni_to_Nj_gamma` 1 - h cos theta is the photon's angle), 0 for Majorana.
Other channels with a polarisation raise HNLInputError rather than silently ignoring it.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics.constants import G_F, LEPTON_MASS, MASS, PDGID
from hnlreach.physics.kinematics import (
    as_generator, boost_to_lab, sample_n_body, sample_recoil_and_system, sample_three_body, sample_two_body,
    two_body_momentum,
)

__all__ = ["sample_decay", "channel_products", "product_pdgid", "product_mass",
           "mixing_msq_nu_ll", "cc_msq", "analysing_power"]

_LEPTONS = {"e-": "e", "e+": "e", "mu-": "mu", "mu+": "mu", "tau-": "tau", "tau+": "tau"}
_NU_PDG = {"e": 12, "mu": 14, "tau": 16}
_INCLUSIVE = ("hadrons",)


def channel_products(channel: str) -> list[str]:
    """Product names of 'N -> a b c'."""
    head, sep, tail = str(channel).partition("->")
    if not sep or head.strip() != "N" or not tail.split():
        raise HNLInputError(f"malformed decay channel {channel!r}: expected 'N -> products'")
    prods = tail.split()
    if any(p.startswith(_INCLUSIVE) for p in prods):
        raise HNLInputError(f"channel {channel!r} is inclusive: its final state has no kinematics to sample")
    return prods


def _base_name(name: str) -> str:
    """Name of the charge-conjugate with positive/negative charge as listed in constants.PDGID."""
    for a, b in (("+", "-"), ("-", "+")):
        if name.endswith(a):
            alt = name[:-1] + b
            if alt in PDGID:
                return alt
    return name


@lru_cache(maxsize=None)
def product_pdgid(name: str) -> int:
    """PDG id of a product name ('nu' handled by the caller); memoised (particle's from_name
    scans its whole table, ~0.5 s a call)."""
    if name in PDGID:
        return PDGID[name]
    alt = _base_name(name)
    if alt in PDGID:
        return -PDGID[alt]
    try:
        from particle import Particle

        return int(Particle.from_name(name).pdgid)
    except Exception:  # particle raises its own error types
        raise HNLInputError(f"unknown particle {name!r} in decay channel") from None


@lru_cache(maxsize=None)
def product_mass(name: str) -> float:
    """Mass [GeV] of a product name (memoised)."""
    if name in MASS:
        return MASS[name]
    alt = _base_name(name)
    if alt in MASS:
        return MASS[alt]
    try:
        from particle import Particle

        return Particle.from_name(name).mass / 1e3
    except Exception:
        raise HNLInputError(f"unknown particle {name!r} in decay channel") from None


def _mdot(M, ml2, s_minus, s_plus, q2):
    """Invariants of N(M) -> nu l- l+ from s_- = m^2(nu l-), s_+ = m^2(nu l+), q2 = m^2(l- l+)."""
    M2 = M * M
    return dict(
        pN_lp=0.5 * (M2 + ml2 - s_minus),  # (p_N - p_l+)^2 = s_-
        pN_lm=0.5 * (M2 + ml2 - s_plus),
        pnu_lm=0.5 * (s_minus - ml2),
        pnu_lp=0.5 * (s_plus - ml2),
        pN_pnu=0.5 * (M2 - q2),
    )


def mixing_msq_nu_ll(mass, beta, mixing, s_minus, q2, majorana=False):
    """Spin-averaged |M|^2 of N -> nu l_beta- l_beta+ by mass mixing, summed over mixing flavours
    (formula in the module docstring); x2 for Majorana so that it integrates to the listed width."""
    from hnlreach.physics.decays_leptonic import leptonic_couplings

    ml = LEPTON_MASS[beta]
    ml2 = ml * ml
    s_plus = mass * mass + 2.0 * ml2 - q2 - s_minus
    k = _mdot(mass, ml2, s_minus, s_plus, q2)
    total = 0.0
    for alpha, u2 in zip(("e", "mu", "tau"), mixing):
        if u2 == 0.0:
            continue
        cl, cr = leptonic_couplings(alpha, beta)
        a = k["pN_lp"] * k["pnu_lm"]
        b = k["pN_lm"] * k["pnu_lp"]
        if majorana:  # CP-symmetrised: nu l- l+ and nubar l+ l- summed (x2 overall)
            main = (cl * cl + cr * cr) * (a + b)
            inter = 2.0 * cl * cr * ml2 * k["pN_pnu"]
        else:
            main = cl * cl * a + cr * cr * b
            inter = cl * cr * ml2 * k["pN_pnu"]
        total = total + u2 * (main + inter)
    return 64.0 * G_F**2 * total  # 128 G_F^2 spin-summed, / 2 for the N spin average


def cc_msq(mass, m_a, m_b, u2, s_a_nu):
    """Spin-averaged |M|^2 of N -> l_a l_b nu_b (CC, mixing |U_a|^2 = u2): 64 G_F^2 u2 (p_N.p_b)(p_a.p_nu)."""
    pN_pb = 0.5 * (mass * mass + m_b * m_b - s_a_nu)  # (p_N - p_b)^2 = (p_a + p_nu)^2
    pa_pnu = 0.5 * (s_a_nu - m_a * m_a)
    return 64.0 * G_F**2 * u2 * pN_pb * pa_pnu


def analysing_power(hnl, products: list[str]) -> float | None:
    """Analysing power a of the first product in a two-body channel (module docstring), or None."""
    m = hnl.mass
    first, second = products
    if first == "nu" and second == "gamma":  # transverse photon: J_z = +1/2 needs the nu along the spin
        return 0.0 if hnl.majorana else 1.0
    if first == "nu" and second in ("pi0", "eta", "eta'(958)", "eta(c)(1S)"):
        return 0.0 if hnl.majorana else -1.0
    if first in _LEPTONS and second[-1] in "+-" and product_pdgid(_base_name(second)) in (211, 321, 411, 431, 521, 541):
        ml, mp = LEPTON_MASS[_LEPTONS[first]], product_mass(second)
        p = float(two_body_momentum(m, ml, mp))
        a = -2.0 * m * p * (m * m - ml * ml) / ((m * m - ml * ml) ** 2 - mp * mp * (m * m + ml * ml))
        return a if first.endswith("-") else -a
    return None


def _neutrino_pdg(hnl, products):
    """PDG id for 'nu' in the channel (flavour of the dominant contribution; + for nu, - for nubar)."""
    prods = [p for p in products if p != "nu"]
    charged = [p for p in prods if p in _LEPTONS]
    if len(products) == 3 and len(charged) == 2 and _LEPTONS[charged[0]] != _LEPTONS[charged[1]]:
        beta = charged[1]  # CC: N -> l_a l_b nu_b, nu_b for l_b+ and nubar_b for l_b-
        return _NU_PDG[_LEPTONS[beta]] * (1 if beta.endswith("+") else -1)
    weights = [u + d * d for u, d in zip(hnl.mixing, hnl.dipole)]
    if not any(weights):
        return 12
    return _NU_PDG[("e", "mu", "tau")[int(np.argmax(weights))]]


def _pdg_ids(hnl, products):
    ids = []
    for p in products:
        if p == "nu":
            ids.append(_neutrino_pdg(hnl, products))
        else:
            ids.append(product_pdgid(p))
    return np.array(ids, dtype=int)


def _polarised_directions(n, a_times_p, axes, rng):
    """Unit vectors with dN/dcos ∝ 1 + a P cos(theta) around per-event axes (n, 3)."""
    u = rng.uniform(size=n)
    ap = np.broadcast_to(np.asarray(a_times_p, dtype=float), (n,))
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(np.abs(ap) > 1e-9, (-1.0 + np.sqrt((1.0 - ap) ** 2 + 4.0 * ap * u)) / ap, 2.0 * u - 1.0)
    c = np.clip(c, -1.0, 1.0)
    phi = rng.uniform(0.0, 2.0 * np.pi, n)
    # orthonormal frame around each axis
    helper = np.where(np.abs(axes[:, 2:3]) < 0.9, np.array([0.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0]))
    e1 = np.cross(axes, helper)
    e1 /= np.linalg.norm(e1, axis=1, keepdims=True)
    e2 = np.cross(axes, e1)
    s = np.sqrt(1.0 - c * c)
    return c[:, None] * axes + (s * np.cos(phi))[:, None] * e1 + (s * np.sin(phi))[:, None] * e2


def _two_body(hnl, products, n, rng, polarisation, axes):
    m1, m2 = (product_mass(p) if p != "nu" else 0.0 for p in products)
    if polarisation is None:
        return sample_two_body(hnl.mass, m1, m2, n, rng)
    a = analysing_power(hnl, products)
    if a is None:
        raise HNLInputError(f"polarised decay not implemented for {' '.join(products)!r}; pass polarisation=None")
    p = float(two_body_momentum(hnl.mass, m1, m2))
    d = _polarised_directions(n, a * np.asarray(polarisation, dtype=float), axes, rng) * p
    out = np.empty((n, 2, 4))
    e1 = (hnl.mass**2 + m1 * m1 - m2 * m2) / (2.0 * hnl.mass)
    out[:, 0, 0], out[:, 0, 1:] = e1, d
    out[:, 1, 0], out[:, 1, 1:] = hnl.mass - e1, -d
    return out


def _phase_space(hnl, products, n, rng):
    """Flat n-body phase space (kinematics.sample_n_body), products in channel order."""
    masses = [0.0 if p == "nu" else product_mass(p) for p in products]
    return sample_n_body(hnl.mass, masses, n, rng)


def _three_body(hnl, products, n, rng):
    """Rest-frame three-body decays; returns four-momenta ordered as `products`."""
    M = hnl.mass
    prods = list(products)
    n_nu = prods.count("nu")
    charged = [p for p in prods if p in _LEPTONS]
    if n_nu == 3:  # N -> nu nu nu: flat phase space (invisible; documented simplification)
        return sample_three_body(M, (0.0, 0.0, 0.0), n, rng)
    if n_nu != 1 or len(charged) != 2:  # multi-hadron channel: flat phase space (module docstring)
        return _phase_space(hnl, prods, n, rng)
    fa, fb = _LEPTONS[charged[0]], _LEPTONS[charged[1]]
    if fa == fb:  # N -> nu l+ l-: internal order (nu, l-, l+), m12 = m(nu l-), m23 = m(l- l+)
        lm = next(p for p in charged if p.endswith("-"))
        lp = next(p for p in charged if p.endswith("+"))
        ml = LEPTON_MASS[fa]
        mix = hnl.mixing
        d2 = sum(d * d for d in hnl.dipole)
        from hnlreach.physics.dipole import dipole_msq_nu_ll

        def weight(s_minus, q2):
            w = 0.0
            if any(mix):
                w = mixing_msq_nu_ll(M, fa, mix, s_minus, q2, hnl.majorana)
            if d2 > 0:
                w = w + dipole_msq_nu_ll(M, ml, s_minus, q2, d2, hnl.majorana,
                                         getattr(hnl, "dipole_normalisation", "lagrangian"))
            return w

        p4 = sample_three_body(M, (0.0, ml, ml), n, rng, weight=weight,
                               proposal="log23" if d2 > 0 else "uniform")
        order = {"nu": 0, lm: 1, lp: 2}
    else:  # CC N -> l_a l_b nu_b: internal order (l_a, nu, l_b), m12 = m(l_a nu)
        ma, mb = LEPTON_MASS[fa], LEPTON_MASS[fb]
        u_a = dict(zip(("e", "mu", "tau"), hnl.mixing))[fa]
        if u_a <= 0:
            raise HNLInputError(f"channel 'N -> {' '.join(prods)}' needs mixing with {fa}")
        p4 = sample_three_body(M, (ma, 0.0, mb), n, rng,
                               weight=lambda x, y: cc_msq(M, ma, mb, 1.0, x))
        order = {charged[0]: 0, "nu": 1, charged[1]: 2}
    return p4[:, [order[p] for p in prods], :]


@lru_cache(maxsize=512)
def _crossed_class(channel: str):
    from hnlreach.physics.decays_crossed import class_of_channel

    return class_of_channel(channel)


def _lepton_hadrons(mass: float, crossed_class, masses, n: int, rng) -> np.ndarray:
    """(n, k, 4) rest-frame momenta of N -> l h_1 .. h_{k-1}: s from the crossed spectrum, l recoiling
    two-body against the hadronic system, which decays by flat phase space (GENBOD)."""
    from hnlreach.physics.decays_crossed import sample_s

    name, m_l = crossed_class
    s = sample_s(name, mass, m_l, n, rng)
    s = np.clip(s, sum(masses[1:]) ** 2 * (1 + 1e-12), (mass - m_l) ** 2)
    lep, had = sample_recoil_and_system(mass, m_l, s, masses[1:], rng)
    return np.concatenate([lep[:, None, :], had], axis=1)


def sample_decay(hnl, channel: str, n: int, rng=None, momenta=None, polarisation=None):
    """Sample n decays of `hnl` into `channel`.

    Returns (pdg_ids (k,), p4 (n, k, 4)) with products in the order of the channel name.
    rng: None, int seed or np.random.Generator.  momenta: optional (n, 3) HNL lab momenta [GeV];
    products are then boosted to the lab.  polarisation: HNL helicity in [-1, 1] (scalar or (n,)),
    along its momentum (or +z in the rest frame); supported channels in the module docstring.
    """
    rng = as_generator(rng)
    try:
        n = int(n)
    except (TypeError, ValueError):
        raise HNLInputError(f"number of decays must be an integer, got {n!r}") from None
    if n < 0:
        raise HNLInputError(f"number of decays must be non-negative, got {n}")
    products = channel_products(channel)
    masses = [0.0 if p == "nu" else product_mass(p) for p in products]
    if sum(masses) >= hnl.mass:
        raise HNLInputError(f"channel {channel!r} is closed for m = {hnl.mass:g} GeV")
    if momenta is not None:
        momenta = np.asarray(momenta, dtype=float)
        if momenta.shape != (n, 3) or not np.all(np.isfinite(momenta)):
            raise HNLInputError(f"momenta must be a finite array of shape ({n}, 3), got {momenta.shape}")
    if polarisation is not None:
        pol = np.asarray(polarisation, dtype=float)
        if pol.shape not in ((), (n,)) or np.any(~np.isfinite(pol)) or np.any(np.abs(pol) > 1):
            raise HNLInputError("polarisation must be a number (or n numbers) in [-1, 1]")

    crossed_class = _crossed_class(channel)
    if crossed_class is not None:
        if polarisation is not None:
            raise HNLInputError(f"polarised decay not implemented for {channel!r}; pass polarisation=None")
        p4 = _lepton_hadrons(hnl.mass, crossed_class, masses, n, rng)
    elif len(products) == 2:
        if momenta is not None:
            pabs = np.linalg.norm(momenta, axis=1, keepdims=True)
            axes = np.where(pabs > 0, momenta / np.where(pabs > 0, pabs, 1.0), np.array([0.0, 0.0, 1.0]))
        else:
            axes = np.broadcast_to(np.array([0.0, 0.0, 1.0]), (n, 3))
        p4 = _two_body(hnl, products, n, rng, polarisation, axes)
    elif len(products) == 3:
        if polarisation is not None:
            raise HNLInputError("polarised three-body decays are not implemented; pass polarisation=None")
        p4 = _three_body(hnl, products, n, rng)
    else:
        if polarisation is not None:
            raise HNLInputError(f"polarised {len(products)}-body decays are not implemented; pass polarisation=None")
        p4 = _phase_space(hnl, products, n, rng)

    if momenta is not None:
        e = np.sqrt(hnl.mass**2 + np.sum(momenta**2, axis=1))
        p4 = boost_to_lab(p4, np.concatenate([e[:, None], momenta], axis=1))
    return _pdg_ids(hnl, products), p4

