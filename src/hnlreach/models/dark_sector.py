"""A dark-neutrino sector: up to three HNLs N4, N5, N6 with a dark Z', a dark scalar h', mass mixing
and transition magnetic moments (the model space of DarkNews, Abdullahi et al. arXiv:2207.04137 sec. 2).

Lagrangian (our conventions; each coupling below is the coefficient of the operator shown):

    L > Z'_mu [ sum_f fbar gamma^mu (gV_f - gA_f gamma5) f  +  sum_{a,j} V_aj Nbar_j gamma^mu P_L nu_a ]
      + Z_mu  [ (SM neutral current)                   +  sum_{a,j} C_aj Nbar_j gamma^mu P_L nu_a ]
      + h'   [ sum_f y_f fbar f                        +  sum_{a,j} S_aj Nbar_j P_L nu_a ]
      + sum_{a,j} d_aj Nbar_j sigma_{mu nu} P_L nu_a F^{mu nu}  + h.c.

a runs over the light flavours e, mu, tau and the HNLs 4, 5, 6 (index 0..5), j over 4, 5, 6.

Three-portal model (DarkNews's ``ThreePortalModel``; Ballett, Pascoli, Ross-Lonergan arXiv:1807.10973 and
Ballett, Hostert, Pascoli arXiv:1903.07589 for the light Z'):
* kinetic mixing chi of U(1)_D with hypercharge, epsilon = chi c_W the photon-like coupling; Z-Z' mass
  mixing epsilon_Z (off-diagonal -(s_W chi + epsilon_Z) m_Z^2 of the neutral-boson mass matrix).  To first
  order in chi and epsilon_Z the Z' picks up a Z admixture delta = (s_W chi + epsilon_Z)/(1 - m_Z'^2/m_Z^2)
  and couples to a chiral fermion with  g' chi Y + delta (g/c_W)(T3 - Q s_W^2)  (derived here; for
  m_Z' -> 0 it is e epsilon Q, the dark photon; it equals DarkNews 0.4.8's quark couplings, model.py).
* one dark flavour nu_D charged under U(1)_D (coupling g_D, left-handed current), mixing U_Di into the HNLs;
  the light state nu_a has a dark component U_Da = -sum_j U_aj U_Dj (unitarity, leading order), so
  V_aj = (g_D - (g/2c_W)(delta - s_W chi)) U_Da U_Dj  and  C_aj = (-(g/2c_W) - delta g_D) U_Da U_Dj
  (the active-current overlap is -U_Da U_Dj by orthogonality of the mixing-matrix columns).
* h' mixes with the Higgs by theta: y_f = sin(theta) m_f / v; nucleons y_N = sin(theta) f_N m_N / v with
  f_N = 2/9 + 7/9 sum_q f_Tq (Shifman, Vainshtein, Zakharov 1978) and f_Tq from sigma_piN = 58 MeV,
  sigma_0 = 55 MeV, z = 1.49 (Ellis, Olive, Savage arXiv:0801.3656 eqs. 12-14; the inputs DarkNews uses).
  DarkNews 0.4.8 puts an extra 1/sqrt(2) in the charged-lepton coupling; we use the SM m_f / v.

Transition moments: mu_tr is the transition magnetic moment, d = mu_tr / 2 the dipole coupling above
(Liu et al. arXiv:2412.15051 eq. 2; DarkNews's t_aj = mu_tr/2).  The N -> nu gamma width follows from
the same Lagrangian, Gamma = d^2 m^3 / (4 pi) for a Dirac HNL; ``dipole_normalisation="darknews"``
selects DarkNews's d^2 m^3 / (8 pi) instead: every dipole width halved, the upscattering unchanged
(hnlreach.physics.dipole; an explicit option, not the default).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics.constants import ALPHA_EM, G_F, M_NEUTRON, M_PROTON, M_Z, QUARK_MASS, SIN2_THETA_W

FLAVOURS = ("e", "mu", "tau")
HNLS = (4, 5, 6)
LABELS = FLAVOURS + ("4", "5", "6")  # row/column labels of the 6 x 6 vertex matrices
E_EM = math.sqrt(4.0 * math.pi * ALPHA_EM)
G_OVER_CW = math.sqrt(8.0 * G_F * M_Z ** 2 / math.sqrt(2.0))  # g / c_W from G_F: SM Z exchange at low energy
# g / c_W = e / (s_W c_W) inside the Z' couplings, so that a massless Z' couples exactly to e epsilon Q
G_OVER_CW_EM = E_EM / math.sqrt(SIN2_THETA_W * (1.0 - SIN2_THETA_W))
VEV = 1.0 / math.sqrt(math.sqrt(2.0) * G_F)  # 246.2 GeV
M_NUCLEON = 0.5 * (M_PROTON + M_NEUTRON)
# fermion: (electric charge Q, weak isospin T3 of the left-handed component)
FERMIONS = {"e": (-1.0, -0.5), "mu": (-1.0, -0.5), "tau": (-1.0, -0.5), "nu": (0.0, 0.5),
            "u": (2.0 / 3.0, 0.5), "d": (-1.0 / 3.0, -0.5), "s": (-1.0 / 3.0, -0.5)}
SIGMA_PIN, SIGMA_0, Z_ISO = 0.058, 0.055, 1.49  # GeV, GeV, -- (Ellis, Olive, Savage arXiv:0801.3656)


def _index(label) -> int:
    key = str(label)
    if key not in LABELS:
        raise HNLInputError(f"unknown lepton label {label!r}; known: {', '.join(LABELS)}")
    return LABELS.index(key)


def _symmetric(m: np.ndarray) -> np.ndarray:
    """Fill the transposed entries of a vertex matrix given on one side (a, j) only."""
    return m + m.T - np.diag(np.diag(m))


def nucleon_scalar_fraction() -> float:
    """f_N = 2/9 + 7/9 (f_Tu + f_Td + f_Ts) (SVZ 1978; f_Tq from Ellis, Olive, Savage arXiv:0801.3656 eqs. 12-14)."""
    mu, md, ms = QUARK_MASS["u"], QUARK_MASS["d"], QUARK_MASS["s"]
    y = 1.0 - SIGMA_0 / SIGMA_PIN
    bd_over_bu = (2.0 + (Z_ISO - 1.0) * y) / (2.0 * Z_ISO - (Z_ISO - 1.0) * y)
    f_u = 2.0 * SIGMA_PIN / (M_NUCLEON * (1.0 + md / mu) * (1.0 + bd_over_bu))
    f_d = 2.0 * SIGMA_PIN / (M_NUCLEON * (1.0 + mu / md) * (1.0 + 1.0 / bd_over_bu))
    f_s = SIGMA_PIN * (ms / md) * y / (M_NUCLEON * (1.0 + mu / md))
    return 2.0 / 9.0 + 7.0 / 9.0 * (f_u + f_d + f_s)


def _finite(name, value, *, positive=False, allow_none=False):
    if value is None and allow_none:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise HNLInputError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(v) or (positive and v <= 0.0):
        raise HNLInputError(f"{name} must be a {'positive ' if positive else ''}finite number, got {value!r}")
    return v


@dataclass(frozen=True)
class DarkSector:
    """Parameters of a dark-neutrino sector (GeV units; names as DarkNews's where one exists).

    m4, m5, m6      HNL masses (m5, m6 None for fewer HNLs; m4 < m5 < m6)
    nature          'dirac' | 'majorana'  (DarkNews: HNLtype)
    mzprime         Z' mass (None: no Z');  mhprime: h' mass (None: no h')
    epsilon         kinetic mixing, normalised to the photon (the Z' couples to e epsilon Q for m_Z' << m_Z)
    gD              U(1)_D gauge coupling (alpha_D = gD^2 / 4 pi);  epsilonZ: Z-Z' mass mixing
    theta           h'-Higgs mixing angle
    U               {('mu', 4): U_mu4, ...} active-heavy mixing;  UD: {4: U_D4, ...} dark-heavy mixing
    mu_tr           {('mu', 4): mu_tr_mu4, (4, 5): mu_tr_45, ...} transition magnetic moments [GeV^-1], d = mu_tr/2
    s               {('mu', 4): s_mu4, ...} h' couplings to the neutral leptons
    generic         DarkNews 'generic model' couplings given directly (c_mu4, d_mu4, duV, dprotonV, ...);
                    they replace the three-portal derivation of the couplings they name
    dipole_normalisation  'lagrangian' (Gamma(N -> nu gamma) = d^2 m^3/4pi, Dirac) | 'darknews' (d^2 m^3/8pi)
    """

    m4: float
    m5: float | None = None
    m6: float | None = None
    nature: str = "dirac"
    mzprime: float | None = None
    mhprime: float | None = None
    epsilon: float = 0.0
    gD: float = 0.0
    epsilonZ: float = 0.0
    theta: float = 0.0
    U: dict = field(default_factory=dict)
    UD: dict = field(default_factory=dict)
    mu_tr: dict = field(default_factory=dict)
    s: dict = field(default_factory=dict)
    generic: dict = field(default_factory=dict)
    dipole_normalisation: str = "lagrangian"
    name: str = "dark sector"

    def __post_init__(self):
        masses = [_finite("m4", self.m4, positive=True)]
        for k in ("m5", "m6"):
            v = _finite(k, getattr(self, k), positive=True, allow_none=True)
            if v is not None:
                masses.append(v)
        if self.m6 is not None and self.m5 is None:
            raise HNLInputError("m6 is given without m5")
        if any(b <= a for a, b in zip(masses, masses[1:])):
            raise HNLInputError(f"HNL masses must increase, m4 < m5 < m6; got {masses}")
        nature = str(self.nature).lower()
        if nature not in ("dirac", "majorana"):
            raise HNLInputError(f"HNL nature must be dirac or majorana, got {self.nature!r}")
        object.__setattr__(self, "nature", nature)
        from hnlreach.physics.dipole import check_normalisation
        check_normalisation(self.dipole_normalisation)
        for k in ("mzprime", "mhprime"):
            _finite(k, getattr(self, k), positive=True, allow_none=True)
        for k in ("epsilon", "gD", "epsilonZ", "theta"):
            _finite(k, getattr(self, k))
        for what in ("U", "mu_tr", "s"):
            for (a, j), v in getattr(self, what).items():
                _index(a)
                if int(j) not in HNLS:
                    raise HNLInputError(f"{what}: HNL index must be 4, 5 or 6, got {j!r}")
                if int(j) - 4 >= len(masses) and v:
                    raise HNLInputError(f"{what}[{a}, {j}] = {v} couples N{j}, which has no mass")
                _finite(f"{what}[{a}, {j}]", v)
        for j, v in self.UD.items():
            if int(j) not in HNLS:
                raise HNLInputError(f"UD: HNL index must be 4, 5 or 6, got {j!r}")
            _finite(f"UD{j}", v)
        if self.mzprime is not None and self.mzprime > 0.5 * M_Z and (self.epsilon or self.epsilonZ):
            raise HNLInputError("the Z-Z' mixing is treated to first order: m_Z' must be below m_Z / 2")

    # --- spectrum -------------------------------------------------------------------------------
    @property
    def masses(self) -> tuple[float, ...]:
        """HNL masses (m4[, m5[, m6]])."""
        return tuple(m for m in (self.m4, self.m5, self.m6) if m is not None)

    @property
    def majorana(self) -> bool:
        return self.nature == "majorana"

    def mass(self, j: int) -> float:
        if int(j) - 4 not in range(len(self.masses)):
            raise HNLInputError(f"the model has no N{j} (HNLs: {', '.join(f'N{4 + i}' for i in range(len(self.masses)))})")
        return self.masses[int(j) - 4]

    @property
    def alphaD(self) -> float:
        return self.gD ** 2 / (4.0 * math.pi)

    @property
    def chi(self) -> float:
        """Kinetic mixing with hypercharge, chi = epsilon / c_W."""
        return self.epsilon / math.sqrt(1.0 - SIN2_THETA_W)

    @property
    def delta(self) -> float:
        """Z admixture of the Z' (first order): (s_W chi + epsilon_Z) / (1 - m_Z'^2/m_Z^2)."""
        if self.mzprime is None:
            return 0.0
        return (math.sqrt(SIN2_THETA_W) * self.chi + self.epsilonZ) / (1.0 - (self.mzprime / M_Z) ** 2)

    # --- mixing matrices ------------------------------------------------------------------------
    def _mixing(self, what):
        m = np.zeros((6, 6))
        for (a, j), v in getattr(self, what).items():
            m[_index(a), int(j) - 1] = float(v)
        return m

    @cached_property
    def dark_mixing(self) -> np.ndarray:
        """U_D over [e, mu, tau, 4, 5, 6]: heavy entries as given, light ones -sum_j U_aj U_Dj (unitarity)."""
        ud = np.zeros(6)
        for j, v in self.UD.items():
            ud[int(j) - 1] = float(v)
        U = self._mixing("U")
        ud[:3] = -U[:3, 3:] @ ud[3:]
        return ud

    # --- vertices: 6 x 6, [a, j] = coefficient of  X Nbar_j Gamma nu_a  --------------------------
    def _generic_matrix(self, prefix):
        m = np.zeros((6, 6))
        found = False
        for a in LABELS:
            for j in HNLS:
                keys = [f"{prefix}_{a}{j}"] + ([f"{prefix}_{j}{a}"] if a in "456" else [])
                for k in keys:
                    if k in self.generic:
                        m[_index(a), j - 1] = m[j - 1, _index(a)] = float(self.generic[k])
                        found = True
        return m if found else None

    @cached_property
    def zprime_vertex(self) -> np.ndarray:
        """V_aj of Z'_mu Nbar_j gamma^mu P_L nu_a (module docstring)."""
        gen = self._generic_matrix("d")
        if gen is not None:
            return gen
        ud = self.dark_mixing
        nu_z = 0.5 * G_OVER_CW_EM * (self.delta - math.sqrt(SIN2_THETA_W) * self.chi)
        v = (self.gD - nu_z) * np.outer(ud, ud)
        v[:3, :3] = 0.0
        return v

    @cached_property
    def z_vertex(self) -> np.ndarray:
        """C_aj of Z_mu Nbar_j gamma^mu P_L nu_a (SM Z through the mixing; module docstring)."""
        gen = self._generic_matrix("c")
        if gen is not None:
            return gen
        ud = self.dark_mixing
        c = (-0.5 * G_OVER_CW - self.delta * self.gD) * np.outer(ud, ud)
        c[:3, :3] = 0.0
        return c

    @cached_property
    def scalar_vertex(self) -> np.ndarray:
        """S_aj of h' Nbar_j P_L nu_a (given: s_aj)."""
        return _symmetric(self._mixing("s"))

    @cached_property
    def dipole_vertex(self) -> np.ndarray:
        """d_aj = mu_tr_aj / 2 [GeV^-1] of Nbar_j sigma_{mu nu} P_L nu_a F^{mu nu}."""
        return _symmetric(0.5 * self._mixing("mu_tr"))

    # --- couplings to SM fermions ---------------------------------------------------------------
    def zprime_fermion(self, f: str) -> tuple[float, float]:
        """(gV, gA) of Z'_mu fbar gamma^mu (gV - gA gamma5) f, first order in chi, epsilon_Z (docstring)."""
        if f not in FERMIONS:
            raise HNLInputError(f"unknown fermion {f!r}")
        for k in (f"d{f}V", f"d{f}A"):
            if k in self.generic:
                return float(self.generic.get(f"d{f}V", 0.0)), float(self.generic.get(f"d{f}A", 0.0))
        Q, T3 = FERMIONS[f]
        gp_chi = E_EM / math.sqrt(1.0 - SIN2_THETA_W) * self.chi  # g' chi
        gv = gp_chi * (Q - 0.5 * T3) + self.delta * G_OVER_CW_EM * (0.5 * T3 - Q * SIN2_THETA_W)
        ga = 0.5 * T3 * (self.delta * G_OVER_CW_EM - gp_chi)
        return gv, ga

    @staticmethod
    def z_fermion(f: str) -> tuple[float, float]:
        """(gV, gA) of the SM Z: (g/c_W)(T3/2 - Q s_W^2), (g/c_W) T3/2 (sign convention of zprime_fermion)."""
        Q, T3 = FERMIONS[f]
        return G_OVER_CW * (0.5 * T3 - Q * SIN2_THETA_W), G_OVER_CW * 0.5 * T3

    def scalar_fermion(self, f: str) -> float:
        """y_f of h' fbar f: sin(theta) m_f / v (leptons, quarks); see module docstring."""
        if f"d{f}S" in self.generic:
            return float(self.generic[f"d{f}S"])
        from hnlreach.physics.constants import LEPTON_MASS
        m = LEPTON_MASS.get(f, QUARK_MASS.get(f))
        if m is None:
            raise HNLInputError(f"unknown fermion {f!r}")
        return math.sin(self.theta) * m / VEV

    def nucleon_vector(self, boson: str, nucleon: str) -> tuple[float, float]:
        """(a_p, a_n): the nucleon's vector current is a_p J_p + a_n J_n, J the proton/neutron EM form factors.

        Isospin (no strangeness): u in p = 2 F^p + F^n, d in p = F^p + 2 F^n, so a coupling (g_u, g_d)
        gives the proton (2g_u + g_d) F^p + (g_u + 2g_d) F^n and the neutron the mirror image."""
        if boson == "photon":
            return (E_EM, 0.0) if nucleon == "proton" else (0.0, E_EM)
        key = f"d{nucleon}V" if boson == "zprime" else f"c{nucleon}V"
        cu = (self.zprime_fermion if boson == "zprime" else self.z_fermion)("u")[0]
        cd = (self.zprime_fermion if boson == "zprime" else self.z_fermion)("d")[0]
        a, b = 2.0 * cu + cd, cu + 2.0 * cd
        if key in self.generic:  # DarkNews generic: the nucleon charge only, times its EM form factors
            return (float(self.generic[key]), 0.0) if nucleon == "proton" else (0.0, float(self.generic[key]))
        return (a, b) if nucleon == "proton" else (b, a)

    def nucleon_axial(self, boson: str, nucleon: str) -> float:
        """Isovector axial coupling times tau3: (g_Au - g_Ad)/2 * tau3 (multiplies g_A G_A(Q^2)); isoscalar neglected."""
        if boson == "photon":
            return 0.0
        fn = self.zprime_fermion if boson == "zprime" else self.z_fermion
        return 0.5 * (fn("u")[1] - fn("d")[1]) * (1.0 if nucleon == "proton" else -1.0)

    def nucleon_scalar(self, nucleon: str) -> float:
        """y_N of h' Nbar N: sin(theta) f_N m_N / v (module docstring)."""
        key = f"d{nucleon}S"
        if key in self.generic:
            return float(self.generic[key])
        return math.sin(self.theta) * nucleon_scalar_fraction() * M_NUCLEON / VEV

    # --- physics of the model (thin front-ends to hnlreach.physics) -----------------------------
    def xsec(self, E_nu, target, *, flavour="mu", hnl=4, component="total", helicity=None, antineutrino=False):
        """Upscattering nu_flavour (nu-bar) + target -> N_hnl + target [cm^2 per nucleus]; component
        'coherent' | 'proton' | 'neutron' | 'total'; HNL helicity -1 | +1 | None (sum).
        See hnlreach.physics.upscattering.model_xsec."""
        from hnlreach.physics.upscattering import model_xsec
        return model_xsec(E_nu, self, target, flavour=flavour, hnl=hnl, component=component, helicity=helicity,
                          antineutrino=antineutrino)

    def partial_widths(self, hnl: int = 4) -> dict[str, float]:
        """Channel -> partial width [GeV] of N_hnl (hnlreach.physics.dark_decays.partial_widths)."""
        from hnlreach.physics.dark_decays import partial_widths
        return partial_widths(self, hnl)

    def width(self, hnl: int = 4) -> float:
        """Total width [GeV] of N_hnl, every channel included."""
        return float(sum(self.partial_widths(hnl).values()))

    def ctau(self, hnl: int = 4) -> float:
        """Proper decay length c tau [m] of N_hnl."""
        from hnlreach.physics.constants import ctau_m
        return ctau_m(self.width(hnl))

    def branching_ratios(self, hnl: int = 4) -> dict[str, float]:
        """Channel -> branching ratio of N_hnl, largest first."""
        w = self.partial_widths(hnl)
        tot = sum(w.values())
        return {k: v / tot for k, v in sorted(w.items(), key=lambda kv: -kv[1])} if tot else {}
