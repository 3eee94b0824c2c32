"""HNL decays through the charged current only: the assumption of the original CHARM analysis.

The CHARM collaboration (Bergsma et al., Phys. Lett. B 166 (1986) 473) computed HNL decays
with charged-current (CC) diagrams only (Boiarska et al. arXiv:2107.14685; sec. III B and Table I: e.g.
Gamma_CC(N_e -> e+ e- nu_e) has c = 1 instead of the CC+NC value 0.59).  This module keeps, of
the full model of `hnlreach.physics.decays`, exactly the CC-mediated widths:

- N -> l_a- l_b+ nu (b != a) and the multi-hadron / single-meson charged channels N -> l_a- X+
  (unchanged: they are pure CC);
- N -> nu l_a+ l_a- : replaced by its CC part alone, C_L = 1, C_R = 0 (arXiv:1805.08567 sec. 3.1,
  `decays_leptonic.three_body_width`), i.e. without the NC amplitude and the interference;
- all pure-NC channels (N -> nu nu nu, N -> nu l_b+ l_b- for b != a, N -> nu P0 / V0,
  N -> nu hadrons) are dropped.

Used only to reproduce the original CHARM e/mu limits for the rescaling comparison of Boiarska et al. arXiv:2107.14685
(eqs. 12, 14, 16 and Fig. 7); the physical model is `hnlreach.physics.decays`.
"""
from __future__ import annotations

from functools import cached_property

from hnlreach.model import HNL
from hnlreach.physics import decays
from hnlreach.physics.constants import LEPTON_MASS
from hnlreach.physics.decays_leptonic import three_body_width

_LEPTON = {"e": "e-", "mu": "mu-", "tau": "tau-"}


def is_charged_current(channel: str, flavour: str) -> bool:
    """True for the pure-CC channels N -> l_flavour- X+ of `decays.unit_channel_widths`."""
    products = channel.partition(" -> ")[2].split()
    return products[0] == _LEPTON[flavour]


def cc_only_unit_widths(mass: float, flavour: str) -> dict[str, float]:
    """Dirac CC-only partial widths [GeV] for |U_flavour|^2 = 1 at one mass (see module docstring)."""
    full = decays._unit_widths_at(decays._check_mass(mass), flavour)
    out = {ch: w for ch, w in full if w > 0.0 and is_charged_current(ch, flavour)}
    ml = LEPTON_MASS[flavour]
    same = f"N -> nu {_LEPTON[flavour][:-1]}+ {_LEPTON[flavour]}"
    w_cc = float(three_body_width(mass, ml, ml, 1.0, 0.0))  # CC amplitude only (Boiarska et al. arXiv:2107.14685 Table I: c = 1)
    if w_cc > 0.0:
        out[same] = w_cc
    return out


def cc_only_partial_widths(mass: float, mixing, majorana: bool) -> dict[str, float]:
    """Channel -> CC-only width [GeV] for (|U_e|^2, |U_mu|^2, |U_tau|^2); Majorana doubling as in
    `decays.mixing_partial_widths` (conjugate channels listed, self-conjugate ones x2)."""
    return decays.combine_flavours(mixing, lambda f: cc_only_unit_widths(mass, f), majorana)


class CCOnlyHNL(HNL):
    """An HNL whose decays go through the charged current only (mass mixing only)."""

    @cached_property
    def partial_widths(self) -> dict[str, float]:
        return {ch: w for ch, w in cc_only_partial_widths(self.mass, self.mixing, self.majorana).items()
                if w > 0.0}
