"""Decays of the unstable products of HNL decays (pi0, eta, eta', rho, omega, phi, K_S, K*, J/psi,
tau, ...) down to particles that are stable at detector scale, recursively and vectorised.

Stable set (STABLE): gamma, e+-, mu+-, the neutrinos, pi+-, K+-, K_L, p, n (and the HNL).  mu, pi+-,
K+- and K_L decay after metres to kilometres in the lab: a detector sees them as tracks or
showers, so they are final.  Everything else with a mode table is decayed at the HNL decay vertex
(prompt): exact for the strong and electromagnetic decays; K_S (c tau = 2.68 cm) and tau
(87 um) fly, which is neglected here (the momenta are exact, only the secondary vertex is not
displaced).

Branching fractions: PDG 2024 (RPP, Phys. Rev. D 110 (2024) 030001), shipped in
``data/decays/pdg_decay_table.toml`` (the `particle` package has no branching fractions);
modes < 1e-3 omitted, the listed ones renormalised to 1.  Kinematics (the table's ``me``):
two-body isotropic in the parent rest frame; three-body omega/phi -> pi+ pi- pi0 with the P-wave
|M|^2 ∝ |p+ x p-|^2; eta -> pi+ pi- pi0 with the measured Dalitz-plot polynomial (KLOE-2, JHEP 05
(2016) 019); Dalitz decays P -> gamma e+ e- with the Kroll-Wada (Phys. Rev. 98 (1955) 1355)
|M|^2 ∝ (M^2 - q^2)^2 / q^2 [1 + cos^2 th + (4 m_e^2 / q^2) sin^2 th] (no transition form factor);
every other mode (eta -> 3 pi0, whose slope alpha = -0.03 is neglected, eta' -> pi pi eta, tau
decays, ...) flat phase space.  Parents are
decayed at their actual invariant mass sqrt(p^2) (a finite-width rho keeps its mass).

Particles neither stable nor in the table (D, D_s, B, eta_c, ...) and the unresolved part of a
table (J/psi -> hadrons, ``unresolved_br``) are left undecayed, status 1, and reported in
``DecayTree.unresolved``: a selection cannot see their products (``rates.selection`` warns).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics.kinematics import (
    as_generator, boost_to_lab, sample_n_body, sample_three_body, sample_two_body,
)

__all__ = ["STABLE", "DecayTree", "decay_table", "decay_to_stable", "is_stable", "has_decay_table",
           "unresolved_particles", "check_channels_seeable"]

STABLE = frozenset({22, 11, 12, 13, 14, 16, 211, 321, 130, 2212, 2112, 9900012})
"""|PDG id| of the particles that are final at detector scale (module docstring)."""


@dataclass(frozen=True)
class Mode:
    products: tuple[int, ...]
    masses: tuple[float, ...]
    br: float  # renormalised
    me: str


@dataclass(frozen=True)
class Table:
    pdg: int
    mass: float
    modes: tuple[Mode, ...]
    unresolved_br: float  # fraction left undecayed (e.g. J/psi -> hadrons)
    listed_br: float  # sum of the listed PDG branching fractions


@cache
def _names() -> dict[str, int]:
    """name -> PDG id of the `particle` table (one pass: Particle.from_name is ~0.1 s per call)."""
    from particle import Particle

    return {p.name: int(p.pdgid) for p in Particle.all()}


def _pdg_of(name: str) -> int:
    try:
        return _names()[name]
    except KeyError:
        raise HNLInputError(f"unknown particle {name!r} in the decay table") from None


@cache
def _mass_of(pdg: int) -> float:
    from particle import Particle

    if abs(pdg) in (12, 14, 16, 22):
        return 0.0
    return Particle.from_pdgid(pdg).mass / 1e3


@cache
def decay_table() -> dict[int, Table]:
    """|PDG id| -> Table, from the shipped PDG 2024 table (for particles; antiparticles decay into
    the charge conjugates)."""
    path = resources.files("hnlreach") / "data" / "decays" / "pdg_decay_table.toml"
    data = tomllib.loads(path.read_text())
    out = {}
    for entry in data["decay"]:
        pdg = _pdg_of(entry["parent"])
        listed = sum(m["br"] for m in entry["modes"])
        unres = float(entry.get("unresolved_br", 0.0))
        norm = listed + unres
        modes = tuple(Mode(tuple(_pdg_of(p) for p in m["products"]),
                           tuple(_mass_of(_pdg_of(p)) for p in m["products"]),
                           m["br"] / norm, m.get("me", "phase_space")) for m in entry["modes"])
        out[pdg] = Table(pdg, _mass_of(pdg), modes, unres / norm, listed)
    return out


def is_stable(pdg: int) -> bool:
    return abs(int(pdg)) in STABLE


def has_decay_table(pdg: int) -> bool:
    return abs(int(pdg)) in decay_table()


@cache
def _conjugate(pdg: int) -> int:
    from particle import InvalidParticle, Particle, ParticleNotFound

    try:
        return int(Particle.from_pdgid(pdg).invert().pdgid)
    except (ParticleNotFound, InvalidParticle):
        return -pdg


@cache
def _is_antiparticle_entry(pdg: int) -> bool:
    """True if pdg is the charge conjugate of a tabulated particle (decays into conjugates)."""
    tab = decay_table()
    return pdg not in tab and -pdg in tab


@cache
def unresolved_particles(pdg: int) -> frozenset[int]:
    """|PDG ids| in the decay chain of `pdg` (itself included) that end undecayed although not
    stable: no table, or a table with an unresolved fraction."""
    a = abs(int(pdg))
    if a in STABLE or a == 0:
        return frozenset()
    tab = decay_table().get(a)
    if tab is None:
        return frozenset({a})
    out = {a} if tab.unresolved_br > 0 else set()
    for m in tab.modes:
        for d in m.products:
            out |= unresolved_particles(d)
    return frozenset(out)


_warned: set = set()


@cache
def _channel_unresolved(channel: str) -> frozenset[int]:
    """unresolved_particles of every product of 'N -> products' (names via decay_sampling)."""
    from hnlreach.physics.decay_sampling import product_pdgid

    out: frozenset = frozenset()
    for p in str(channel).partition("->")[2].split():
        if p != "nu":
            out |= unresolved_particles(product_pdgid(p))
    return out


def check_channels_seeable(channels, sampled: bool, where: str = "") -> None:
    """The rule for channels whose products a selection cannot see (README, "Unstable products"):

    - an inclusive quark-level channel ('N -> nu hadrons', 'N -> mu- hadrons+') has no exclusive
      final state: with decay products sampled (an active selection, or event generation) it is
      an HNLInputError, before any Monte Carlo; without a selection it counts with BR x efficiency;
    - a channel of neutrinos only ('N -> nu nu nu') listed as signal gives a UserWarning, with or
      without a selection;
    - a channel with products that end undecayed although not stable (D, D_s, B, eta_c,
      J/psi -> hadrons: ``unresolved_particles``) gives a UserWarning once per particle: their products are
      invisible to the selection, so its acceptance for that channel is a lower bound.
    Products that are simply neutral (N -> nu pi0 -> nu gamma gamma) are seen correctly: they make
    no track, and a track selection rejects them as it should."""
    import warnings

    for ch in channels:
        prods = str(ch).partition("->")[2].split()
        if prods and all(p == "nu" for p in prods) and ch not in _warned:
            _warned.add(ch)
            warnings.warn(f"{where + ': ' if where else ''}signal channel {ch!r} is invisible (neutrinos only)",
                          UserWarning, stacklevel=2)
        if not sampled:
            continue
        if any(p.startswith("hadrons") for p in prods):
            raise HNLInputError(
                f"{where + ': ' if where else ''}signal channel {ch!r} is inclusive (a quark-level width with no "
                "exclusive final state): a selection or an event record cannot be applied to it; "
                "list exclusive channels instead, or drop the [selection]")
        bad = _channel_unresolved(ch)
        if not bad:
            continue
        from particle import Particle

        names = ", ".join(sorted(Particle.from_pdgid(a).name for a in bad))
        key = (where, names)  # once per particle (and experiment), not once per channel
        if key not in _warned:
            _warned.add(key)
            warnings.warn(f"{where + ': ' if where else ''}decay products of {names} (in {ch!r} and any other "
                          "signal channel with it) are not simulated (no PDG decay table shipped): the selection "
                          "does not see them", UserWarning, stacklevel=2)


# --- matrix elements (module docstring) --------------------------------------------------------
def _kroll_wada(M, m_e):
    """|M|^2 of P -> gamma e- e+ on the Dalitz plane, order (gamma, e-, e+): m12 = m(gamma e-), m23 = q^2."""
    def w(m12sq, q2):
        beta = np.sqrt(np.clip(1.0 - 4.0 * m_e * m_e / q2, 0.0, None))
        with np.errstate(divide="ignore", invalid="ignore"):
            cth = (1.0 - 2.0 * (m12sq - m_e * m_e) / (M * M - q2)) / np.where(beta > 0, beta, 1.0)
        c2 = np.clip(cth * cth, 0.0, 1.0)
        return (M * M - q2) ** 2 / q2 * (1.0 + c2 + 4.0 * m_e * m_e / q2 * (1.0 - c2))
    return w


def _p_wave_3pi(M, masses):
    """|p+ x p-|^2 in the parent rest frame, order (pi+, pi-, pi0): m12 = m(+-), m23 = m(-0)."""
    m1, m2, m3 = masses

    def w(m12sq, m23sq):
        e1 = (M * M + m1 * m1 - m23sq) / (2.0 * M)
        e3 = (M * M + m3 * m3 - m12sq) / (2.0 * M)
        e2 = M - e1 - e3
        q1, q2, q3 = e1 * e1 - m1 * m1, e2 * e2 - m2 * m2, e3 * e3 - m3 * m3
        dot = 0.5 * (q3 - q1 - q2)  # p+ . p- from p3 = -(p1 + p2)
        return np.clip(q1 * q2 - dot * dot, 0.0, None)
    return w


ETA_3PI = {"a": -1.095, "b": 0.145, "d": 0.081, "f": 0.141, "g": -0.044}
"""eta -> pi+ pi- pi0 Dalitz parameters, KLOE-2, JHEP 05 (2016) 019 (as in PDG 2024)."""


def _eta_3pi(M, masses):
    """|M|^2 = 1 + aY + bY^2 + dX^2 + fY^3 + gX^2Y, X = sqrt3 (T+ - T-)/Q, Y = 3 T0/Q - 1, order (pi+, pi-, pi0)."""
    m1, m2, m3 = masses
    Q = M - m1 - m2 - m3
    c = ETA_3PI

    def w(m12sq, m23sq):
        e1 = (M * M + m1 * m1 - m23sq) / (2.0 * M)
        e3 = (M * M + m3 * m3 - m12sq) / (2.0 * M)
        e2 = M - e1 - e3
        X = np.sqrt(3.0) * ((e1 - m1) - (e2 - m2)) / Q
        Y = 3.0 * (e3 - m3) / Q - 1.0
        return np.clip(1 + c["a"] * Y + c["b"] * Y * Y + c["d"] * X * X + c["f"] * Y**3 + c["g"] * X * X * Y, 0.0, None)
    return w


def _rest_frame(mode: Mode, M: np.ndarray, rng) -> np.ndarray:
    """Rest-frame daughters (n, k, 4) of parents with invariant masses M (n,)."""
    k = len(mode.products)
    n = M.size
    if mode.me == "mixing":
        out = np.zeros((n, 1, 4))
        out[:, 0, 0] = M
        return out
    if k == 2:
        return sample_two_body(M, *mode.masses, n, rng)
    if mode.me == "phase_space":
        return sample_n_body(M, mode.masses, rng=rng)
    # three-body with a matrix element: exact accept-reject per parent mass (narrow parents: one mass)
    out = np.empty((n, 3, 4))
    key = np.round(M, 9)
    for mk in np.unique(key):
        rows = np.nonzero(key == mk)[0]
        m0 = float(M[rows].mean())
        if mode.me == "kroll_wada":
            w, prop = _kroll_wada(m0, mode.masses[1]), "log23"
        elif mode.me == "p_wave_3pi":
            w, prop = _p_wave_3pi(m0, mode.masses), "uniform"
        elif mode.me == "eta_3pi":
            w, prop = _eta_3pi(m0, mode.masses), "uniform"
        else:
            raise HNLInputError(f"unknown matrix element {mode.me!r} in the decay table")
        out[rows] = sample_three_body(m0, mode.masses, rows.size, rng, weight=w, proposal=prop)
    return out


# --- the tree ----------------------------------------------------------------------------------
@dataclass
class DecayTree:
    """Decay products of n HNL decays after decaying the unstable ones, as padded columns.

    pdg (n, m), p4 (n, m, 4) lab four-momenta, mother (n, m) column index of the mother (-1 for
    the HNL's own products and empty slots), status (n, m): 1 final, 2 decayed, 0 empty.
    Columns 0..k-1 are the HNL decay products in channel order."""

    pdg: np.ndarray
    p4: np.ndarray
    mother: np.ndarray
    status: np.ndarray
    unresolved: set = field(default_factory=set)

    def final(self):
        """(pdg (n, f), p4 (n, f, 4)) of the final (status 1) particles, left-aligned, pdg 0 and
        zero four-momenta as padding."""
        fin = self.status == 1
        order = np.argsort(~fin, axis=1, kind="stable")
        f = int(fin.sum(axis=1).max()) if fin.size else 0
        order = order[:, :f]
        keep = np.take_along_axis(fin, order, axis=1)
        pdg = np.where(keep, np.take_along_axis(self.pdg, order, axis=1), 0)
        p4 = np.where(keep[..., None], np.take_along_axis(self.p4, order[..., None], axis=1), 0.0)
        return pdg, p4

    def compact(self) -> DecayTree:
        """The same tree with the empty slots of each row moved to the end (order kept, mothers
        re-indexed) and all-empty columns dropped."""
        full = self.status > 0
        order = np.argsort(~full, axis=1, kind="stable")
        m = int(full.sum(axis=1).max()) if full.size else 0
        n = self.pdg.shape[0]
        new_index = np.empty_like(order)
        np.put_along_axis(new_index, order, np.broadcast_to(np.arange(order.shape[1]), order.shape), axis=1)
        take = lambda a: np.take_along_axis(a, order[:, :m], axis=1)
        mother = take(self.mother)
        has = mother >= 0
        mother = np.where(has, np.take_along_axis(new_index, np.where(has, mother, 0), axis=1), -1)
        p4 = np.take_along_axis(self.p4, order[:, :m, None], axis=1)
        return DecayTree(take(self.pdg), p4.reshape(n, m, 4), mother, take(self.status), set(self.unresolved))


def decay_to_stable(pdg, p4, rng=None) -> DecayTree:
    """Decay every unstable particle among HNL decay products recursively (module docstring).

    pdg: (k,) or (n, k) ids; p4: (n, k, 4) lab four-momenta.  Vectorised: grouped by slot,
    species and mode."""
    rng = as_generator(rng)
    p4 = np.asarray(p4, dtype=float)
    n, k = p4.shape[:2]
    pdg = np.broadcast_to(np.asarray(pdg, dtype=np.int64), (n, k))
    cols_pdg = [pdg[:, j].copy() for j in range(k)]
    cols_p4 = [p4[:, j].copy() for j in range(k)]
    cols_mother = [np.full(n, -1, dtype=np.int64) for _ in range(k)]
    cols_status = [np.where(pdg[:, j] != 0, 1, 0) for j in range(k)]
    unresolved: set = set()
    tab = decay_table()
    todo = list(range(k))
    while todo:
        new = []
        for j in todo:
            ids = cols_pdg[j]
            for sp in np.unique(ids):
                a = abs(int(sp))
                if sp == 0 or a in STABLE:
                    continue
                t = tab.get(a)
                if t is None:
                    unresolved.add(a)
                    continue
                rows = np.nonzero(ids == sp)[0]
                anti = int(sp) < 0 and _is_antiparticle_entry(int(sp))
                probs = np.array([md.br for md in t.modes] + [t.unresolved_br])
                pick = rng.choice(probs.size, size=rows.size, p=probs / probs.sum())
                if t.unresolved_br > 0 and np.any(pick == len(t.modes)):
                    unresolved.add(a)
                used = [i for i in range(len(t.modes)) if np.any(pick == i)]
                if not used:
                    continue
                width = max(len(t.modes[i].products) for i in used)
                base = len(cols_pdg)
                for _ in range(width):
                    cols_pdg.append(np.zeros(n, dtype=np.int64))
                    cols_p4.append(np.zeros((n, 4)))
                    cols_mother.append(np.full(n, -1, dtype=np.int64))
                    cols_status.append(np.zeros(n, dtype=np.int64))
                for i in used:
                    md = t.modes[i]
                    r = rows[pick == i]
                    par = cols_p4[j][r]
                    M = np.sqrt(np.clip(par[:, 0] ** 2 - np.sum(par[:, 1:] ** 2, axis=1), 0.0, None))
                    if np.any(M <= sum(md.masses)) and md.me != "mixing":
                        raise HNLInputError(f"decay of PDG {int(sp)} below the threshold of mode {md.products}")
                    rest = _rest_frame(md, M, rng)
                    lab = boost_to_lab(rest, par)
                    if md.me == "mixing":
                        lab = par[:, None, :].copy()  # K0 -> K_S/K_L: same four-momentum
                    for c, d in enumerate(md.products):
                        col = base + c
                        cols_pdg[col][r] = _conjugate(d) if anti else d
                        cols_p4[col][r] = lab[:, c]
                        cols_mother[col][r] = j
                        cols_status[col][r] = 1
                    cols_status[j][r] = 2
                new.extend(range(base, base + width))
        todo = new
    return DecayTree(np.stack(cols_pdg, axis=1), np.stack(cols_p4, axis=1), np.stack(cols_mother, axis=1),
                     np.stack(cols_status, axis=1), unresolved)


if __name__ == "__main__":  # the table as sampled
    from particle import Particle

    for a, t in decay_table().items():
        print(f"{Particle.from_pdgid(a).name:12s} listed PDG BR sum {t.listed_br:.4f}"
              + (f", unresolved {t.unresolved_br:.4f}" if t.unresolved_br else ""))
        for md in t.modes:
            names = " ".join(Particle.from_pdgid(p).name for p in md.products)
            print(f"    {md.br:8.5f}  {names}  [{md.me}]")
