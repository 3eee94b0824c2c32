"""Which coupling a limit is on: mixing |U_alpha|^2 or dipole d_alpha, its flavour pattern and unit.

One description for CSV headers (``|U_tau|^2``, ``d_mu [GeV^-1]``), plot labels (mathtext) and
the check that an overlay shows the same coupling as the plot.  Text forms understood by
:meth:`Coupling.parse`: ``|U_tau|^2``, ``|U|^2 (e:mu:tau = 1:1:0)``, ``d_mu [GeV^-1]``,
``mixing:tau``, ``mixing:1:1:0``, ``dipole:mu``; a dark-sector model parameter (``hnlreach limit --model F
--coupling-parameter Umu4``): ``model parameter Umu4``, ``model parameter mu_tr_mu4 [GeV^-1]``, ``parameter:Umu4``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from hnlreach.errors import HNLInputError

FLAVOURS = ("e", "mu", "tau")
_TEX = {"e": "e", "mu": r"\mu", "tau": r"\tau"}


def _pattern(spec: str) -> tuple[float, float, float]:
    from hnlreach.model import flavour_pattern

    return tuple(round(x, 12) for x in flavour_pattern(spec))


_RATIO = r"([0-9.e+-]+:[0-9.e+-]+:[0-9.e+-]+)"
_FORMS = (  # (kind, regex whose group 1 is a flavour or an e:mu:tau ratio), on the lower-cased text
    ("mixing", r"^\|u_?(e|mu|tau)\|\^?2$"),
    ("mixing", r"^\|u\|\^?2\(e:mu:tau=" + _RATIO + r"\)$"),
    ("dipole", r"^d_?(e|mu|tau)(?:\[gev\^-1\]|\[1/gev\])?$"),
    ("dipole", r"^d\(e:mu:tau=" + _RATIO + r"\)(?:\[gev\^-1\])?$"),
)


@dataclass(frozen=True)
class Coupling:
    """kind: 'mixing' (|U|^2, dimensionless) or 'dipole' (d, GeV^-1); pattern: e:mu:tau weights
    normalised to sum 1 (as hnlreach.model.flavour_pattern)."""

    kind: str
    pattern: tuple[float, float, float]
    name: str = ""  # kind 'parameter': the model parameter's DarkNews name (Umu4, gD, mu_tr_mu4, ...)

    @classmethod
    def parameter(cls, name: str) -> "Coupling":
        """A dark-sector model parameter as the coupling axis (rates.dark)."""
        return cls("parameter", (0.0, 0.0, 0.0), str(name))

    @classmethod
    def from_model(cls, mixing: str | None = None, dipole: str | None = None) -> "Coupling":
        """From the model flags (a mixing pattern or a dipole flavour)."""
        if (mixing is None) == (dipole is None):
            raise HNLInputError("give exactly one of a mixing pattern or a dipole flavour")
        return cls("mixing", _pattern(mixing)) if mixing is not None else cls("dipole", _pattern(dipole))

    @classmethod
    def parse(cls, text: str) -> "Coupling":
        """From any of the text forms in the module docstring (HNLInputError if not understood)."""
        s = str(text).strip()
        m = re.match(r"^(?:model\s*parameter\s+|parameter:)([A-Za-z_][A-Za-z0-9_,]*)(\s*\[GeV\^-1\])?$", s)
        if m:
            return cls.parameter(m.group(1))
        low = s.lower().replace(" ", "")
        m = re.match(r"^(mixing|dipole):(.+)$", low)
        if m:
            return cls(m.group(1), _pattern(m.group(2)))
        for kind, pat in _FORMS:
            m = re.match(pat, low)
            if m:
                return cls(kind, _pattern(m.group(1)))
        raise HNLInputError(f"coupling {text!r} not understood: write e.g. |U_tau|^2, d_mu [GeV^-1], "
                            "mixing:1:1:0 or dipole:mu")

    @property
    def flavour(self) -> str | None:
        """'e', 'mu' or 'tau' for a single-flavour coupling, else None."""
        nz = [f for f, w in zip(FLAVOURS, self.pattern) if w > 0]
        return nz[0] if len(nz) == 1 else None

    @property
    def unit(self) -> str:
        if self.kind == "parameter":
            return "GeV^-1" if self.name.startswith("mu_tr_") else ""
        return "" if self.kind == "mixing" else "GeV^-1"

    def _ratio(self) -> str:
        return ":".join(f"{w:g}" for w in self.pattern)

    @property
    def text(self) -> str:
        """Plain-text name with unit, e.g. '|U_tau|^2' or 'd_mu [GeV^-1]' (CSV header, JSON)."""
        f = self.flavour
        if self.kind == "parameter":
            return f"model parameter {self.name}" + (" [GeV^-1]" if self.unit else "")
        if self.kind == "mixing":
            return f"|U_{f}|^2" if f else f"|U|^2 (e:mu:tau = {self._ratio()})"
        return f"d_{f} [GeV^-1]" if f else f"d (e:mu:tau = {self._ratio()}) [GeV^-1]"

    @property
    def symbol(self) -> str:
        """Plain-text symbol without unit: '|U_tau|^2', 'd_mu'."""
        f = self.flavour
        if self.kind == "parameter":
            return self.name
        if self.kind == "mixing":
            return f"|U_{f}|^2" if f else "|U|^2"
        return f"d_{f}" if f else "d"

    @property
    def mathtext(self) -> str:
        """Matplotlib mathtext axis label with flavour and unit."""
        f = self.flavour
        if self.kind == "parameter":
            return self.name.replace("_", r"\_") + (r" [GeV$^{-1}$]" if self.unit else "")
        ratio = r" ($e{:}\mu{:}\tau$ = " + self._ratio() + ")"
        if self.kind == "mixing":
            return rf"$|U_{{{_TEX[f]}}}|^2$" if f else r"$\sum_\alpha |U_\alpha|^2$" + ratio
        return (rf"$d_{{{_TEX[f]}}}$ [GeV$^{{-1}}$]" if f
                else r"$d$" + ratio + r" [GeV$^{-1}$]")

    @property
    def cap_text(self) -> str:
        """Symbol used in the 'scan cap' legend, e.g. '|U|^2 = 1' in mathtext."""
        if self.kind == "parameter":
            return self.name.replace("_", r"\_")
        return r"$|U|^2$" if self.kind == "mixing" else r"$d$"

    def same_as(self, other: "Coupling") -> bool:
        return self.kind == other.kind and self.name == other.name and all(
            abs(a - b) < 1e-9 for a, b in zip(self.pattern, other.pattern))
