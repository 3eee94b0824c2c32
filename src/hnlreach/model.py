"""The HNL model: mass, mixing |U_alpha|^2, dipole couplings d_alpha, Dirac or Majorana."""
from __future__ import annotations

import math
from dataclasses import InitVar, dataclass
from functools import cached_property

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics.constants import FLAVOURS, ctau_m

MASS_RANGE_GEV = (1e-3, 6.5)  # validity range of the decay physics (physics.decays.MASS_RANGE_GEV)


def flavour_pattern(spec: str) -> tuple[float, float, float]:
    """Parse 'e' | 'mu' | 'tau' | 'A:B:C' into weights normalised to sum 1 (e, mu, tau)."""
    if not isinstance(spec, str):
        raise HNLInputError(f"flavour pattern must be e, mu, tau or A:B:C, got {spec!r}")
    s = spec.strip().lower()
    if s in FLAVOURS:
        return tuple(1.0 if f == s else 0.0 for f in FLAVOURS)
    parts = s.split(":")
    if len(parts) != 3:
        raise HNLInputError(f"flavour pattern must be e, mu, tau or A:B:C, got {spec!r}")
    try:
        w = [float(p) for p in parts]
    except ValueError:
        raise HNLInputError(f"malformed flavour ratio {spec!r}: A:B:C must be numbers") from None
    if any(not math.isfinite(x) or x < 0 for x in w) or max(w) <= 0:
        raise HNLInputError(f"flavour ratio {spec!r} must be non-negative with a positive sum")
    w = [x / max(w) for x in w]  # scale first: 1e308:1e308:0 must not overflow to inf
    tot = sum(w)
    return tuple(x / tot for x in w)


def _couplings(values, what: str) -> tuple[float, float, float]:
    try:
        vals = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        raise HNLInputError(f"{what} must be three numbers (e, mu, tau), got {values!r}") from None
    if len(vals) != 3:
        raise HNLInputError(f"{what} needs three entries (e, mu, tau), got {len(vals)}")
    if any(not math.isfinite(v) for v in vals):
        raise HNLInputError(f"{what} must be finite, got {vals}")
    return vals


def _coupling_value(coupling) -> float:
    try:
        g = float(coupling)
    except (TypeError, ValueError):
        raise HNLInputError(f"coupling must be a number, got {coupling!r}") from None
    if not math.isfinite(g) or g < 0:
        raise HNLInputError(f"coupling must be a non-negative number, got {coupling!r}")
    return g


@dataclass(frozen=True)
class HNL:
    """A heavy neutral lepton.

    mass     -- GeV, 1 MeV <= m <= 6.5 GeV
    mixing   -- (|U_e|^2, |U_mu|^2, |U_tau|^2), or a pattern 'e' | 'mu' | 'tau' | 'A:B:C' with coupling=
    dipole   -- (d_e, d_mu, d_tau) in GeV^-1, or a pattern with coupling= (convention of Liu, Kamp,
                Arguelles arXiv:2412.15051 eq. (2): L > d nubar_L sigma_{mu nu} F^{mu nu} N + h.c., mu_tr = 2 d)
    majorana -- Majorana (True) or Dirac (False, the default, as `hnlreach decay`)
    coupling -- with a pattern: total |U|^2 spread over e:mu:tau as A:B:C, or d (default 1), as
                the CLI's --mixing/--dipole/--coupling:  HNL(0.5, mixing="tau", coupling=1e-4)
    dipole_normalisation -- "lagrangian" (default: decay widths from the same L as upscattering,
                Gamma(nu gamma) = d^2 m^3/(4 pi)) or "darknews" (DarkNews 0.4.8's widths, half as
                large for the same d; physics.dipole)
    """

    mass: float
    mixing: tuple[float, float, float] = (0.0, 0.0, 0.0)
    dipole: tuple[float, float, float] = (0.0, 0.0, 0.0)
    majorana: bool = False
    coupling: InitVar[float | None] = None
    dipole_normalisation: str = "lagrangian"

    def __post_init__(self, coupling=None):
        if isinstance(self.mixing, str) or isinstance(self.dipole, str):
            if isinstance(self.mixing, str) and isinstance(self.dipole, str):
                raise HNLInputError("give a mixing pattern or a dipole pattern, not both")
            g = 1.0 if coupling is None else _coupling_value(coupling)
            if isinstance(self.mixing, str):
                object.__setattr__(self, "mixing", tuple(g * w for w in flavour_pattern(self.mixing)))
            else:
                object.__setattr__(self, "dipole", tuple(g * w for w in flavour_pattern(self.dipole)))
        elif coupling is not None:
            raise HNLInputError("coupling= goes with a flavour pattern (e.g. mixing='tau'), not with "
                                "(e, mu, tau) tuples")
        try:
            m = float(self.mass)
        except (TypeError, ValueError):
            raise HNLInputError(f"HNL mass must be a number of GeV, got {self.mass!r}") from None
        if not math.isfinite(m) or m <= 0:
            raise HNLInputError(f"HNL mass must be a positive number of GeV, got {self.mass!r}")
        lo, hi = MASS_RANGE_GEV
        if not lo <= m <= hi:
            raise HNLInputError(f"HNL mass {m:g} GeV outside the supported range {lo:g}-{hi:g} GeV")
        object.__setattr__(self, "mass", m)
        mix = _couplings(self.mixing, "mixing |U|^2")
        if any(u < 0 for u in mix):
            raise HNLInputError(f"mixing |U|^2 must be non-negative, got {mix}")
        if sum(mix) > 1.0 + 1e-12:  # unitarity of the lepton mixing matrix: sum_alpha |U_alpha|^2 <= 1
            raise HNLInputError(f"mixing |U_e|^2 + |U_mu|^2 + |U_tau|^2 = {sum(mix):g} exceeds 1 (unitarity)")
        object.__setattr__(self, "mixing", mix)
        object.__setattr__(self, "dipole", _couplings(self.dipole, "dipole d"))
        from hnlreach.physics.dipole import check_normalisation

        check_normalisation(self.dipole_normalisation)

    @classmethod
    def from_pattern(cls, mass, *, mixing: str | None = None, dipole: str | None = None,
                     coupling: float = 1.0, majorana: bool = False,
                     dipole_normalisation: str = "lagrangian") -> "HNL":
        """Build from a CLI-style pattern: total |U|^2 = coupling spread as the pattern says,
        or dipole d = coupling on the given flavour(s)."""
        if (mixing is None) == (dipole is None):
            raise HNLInputError("give exactly one of a mixing pattern or a dipole flavour")
        g = _coupling_value(coupling)
        if mixing is not None:
            return cls(mass, mixing=tuple(g * w for w in flavour_pattern(mixing)), majorana=majorana)
        return cls(mass, dipole=tuple(g * w for w in flavour_pattern(dipole)), majorana=majorana,
                   dipole_normalisation=dipole_normalisation)

    # --- widths -----------------------------------------------------------------
    @cached_property
    def partial_widths(self) -> dict[str, float]:
        """Channel -> partial width [GeV]; mixing and dipole contributions summed per channel
        (their interference is neglected: it is suppressed by G_F m / d, Liu et al. arXiv:2412.15051 sec. II)."""
        from hnlreach.physics.decays import mixing_partial_widths
        from hnlreach.physics.dipole import dipole_partial_widths

        out: dict[str, float] = {}
        if any(self.mixing):
            for ch, w in mixing_partial_widths(self.mass, self.mixing, self.majorana).items():
                out[ch] = out.get(ch, 0.0) + w
        if any(self.dipole):
            with np.errstate(all="ignore"):  # huge d: overflow is reported below as a range error
                for ch, w in dipole_partial_widths(self.mass, self.dipole, self.majorana,
                                                   self.dipole_normalisation).items():
                    out[ch] = out.get(ch, 0.0) + w
        total = math.fsum(out.values())
        if not math.isfinite(total):  # e.g. d = 1e154 GeV^-1: d^2 m^3 overflows
            raise HNLInputError(f"couplings out of range: the total width overflows at m = {self.mass:g} GeV "
                                f"(mixing {self.mixing}, dipole {self.dipole} GeV^-1)")
        return {ch: w for ch, w in out.items() if w > 0.0}

    @property
    def width(self) -> float:
        """Total width [GeV]."""
        return float(sum(self.partial_widths.values()))

    @property
    def ctau(self) -> float:
        """Proper decay length c*tau [m]."""
        return ctau_m(self.width)

    @property
    def branching_ratios(self) -> dict[str, float]:
        """Channel -> branching ratio (sums to 1)."""
        tot = self.width
        if tot <= 0:
            return {}
        return {ch: w / tot for ch, w in sorted(self.partial_widths.items(), key=lambda kv: -kv[1])}

    # --- kinematics --------------------------------------------------------------
    def sample_decays(self, channel: str, n: int, rng: np.random.Generator | int | None = None,
                      momenta: np.ndarray | None = None, polarisation: float | None = None):
        """Sample n decays N -> channel; returns (pdg ids, four-momenta of shape (n, k, 4)).

        momenta: optional (n, 3) lab-frame HNL momenta; products are boosted to the lab.
        polarisation: optional HNL helicity (-1..1) along its momentum; spin-averaged if None.
        """
        from hnlreach.physics.decay_sampling import sample_decay

        if channel not in self.partial_widths:
            raise HNLInputError(f"channel {channel!r} is closed or unknown for this HNL")
        return sample_decay(self, channel, n, rng=rng, momenta=momenta, polarisation=polarisation)
