"""Names an experiment TOML may use, and the ``[selection]`` table turned into a Selection.

* decay-channel names (``[signal] channels``, ``[efficiency] channels``, ``[selection.channels]``):
  every channel the decay physics knows (``physics.decays.channel_thresholds`` for each flavour,
  their charge conjugates, the dipole channels); anything else is an error, never dropped;
* particle species (``[selection.species.NAME]``): a `particle`-package name (``e-``, ``mu+``,
  ``pi+``, ``K+``, ``p``, ``gamma``, ...: that exact particle) or a family without charge
  (``e``, ``mu``, ``pi``, ``K``, ``proton``: both charges), or ``charged`` (every charged track).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache

from hnlreach.errors import HNLInputError

FAMILIES = {"e": 11, "mu": 13, "tau": 15, "pi": 211, "K": 321, "proton": 2212}
NEUTRINOS = {12, 14, 16}

# keys of one selection table (global or per channel); see experiments/README.md
CUT_KEYS = (
    "min_track_energy_GeV", "min_opening_angle_rad", "max_opening_angle_rad", "max_angle_to_beam_rad",
    "reach_volume", "min_tracks", "max_tracks", "visible",
    "min_pt_GeV", "max_pt_GeV", "min_invariant_mass_GeV", "max_invariant_mass_GeV",
    "min_transverse_mass_GeV", "max_transverse_mass_GeV", "species",
)
SPECIES_KEYS = ("min_energy_GeV", "max_energy_GeV", "min_momentum_GeV", "max_momentum_GeV",
                "min_angle_to_beam_rad", "max_angle_to_beam_rad", "min_count", "max_count")


@cache
def decay_channel_names() -> frozenset:
    """Every HNL decay-channel name the decay physics can produce (mixing and dipole)."""
    import numpy as np

    from hnlreach.physics.constants import FLAVOURS
    from hnlreach.physics.decays import (
        channel_thresholds,
        conjugate_channel,
        is_self_conjugate,
        unit_channel_widths,
    )
    from hnlreach.physics.dipole import DIPOLE_CHANNELS

    names = set(DIPOLE_CHANNELS)
    for fl in FLAVOURS:
        names.update(channel_thresholds(fl))
        names.update(unit_channel_widths(np.array([1.0]), fl))
    names.update({conjugate_channel(c) for c in names if not is_self_conjugate(c)})  # Majorana
    return frozenset(names)


def check_channels(names, where: str, key: str, allowed=None) -> None:
    """HNLInputError ``where: key: unknown decay channel 'X' (did you mean 'Y'?)`` for a name the
    decay physics does not know (or, with allowed, one outside that set)."""
    known = decay_channel_names() if allowed is None else allowed
    for n in names:
        if n not in known:
            norm = " ".join(n.replace("->", " -> ").split())  # spacing only: 'N->nu e+ e-'
            close = [norm] if norm in known else difflib.get_close_matches(n, sorted(known), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            what = "unknown decay channel" if allowed is None else "not one of signal.channels:"
            prefix = ": ".join(x for x in (where, key) if x)
            raise HNLInputError(f"{prefix}: {what} {n!r}{hint}")


def species_ids(name: str, where: str, key: str) -> tuple[frozenset | None, bool]:
    """(PDG ids, match |id|) of a species name; (None, False) for 'charged' (every track)."""
    if name == "charged":
        return None, False
    if name in ("nu", "nu_e", "nu_mu", "nu_tau", "N"):
        raise HNLInputError(f"{where}: {key}: {name!r} is invisible; cuts apply to visible products")
    if name in FAMILIES:
        return frozenset({FAMILIES[name]}), True
    from particle import Particle
    from particle.particle import ParticleNotFound

    try:
        pid = int(Particle.from_name(name).pdgid)
    except (ParticleNotFound, ValueError, TypeError):
        fams = ", ".join(FAMILIES)
        raise HNLInputError(f"{where}: {key}: unknown particle {name!r} (a particle-package name such as "
                            f"'e-', 'mu+', 'pi+', 'gamma', or a family: {fams}, or 'charged')") from None
    if abs(pid) in NEUTRINOS:
        raise HNLInputError(f"{where}: {key}: {name!r} is invisible; cuts apply to visible products")
    return frozenset({pid}), False


def build_selection(cfg: dict, world, signal_channels, where: str, base=None):
    """The Selection of a validated ``[selection]`` table, with one merged Selection per channel
    table (the channel's keys override the global ones; species tables merge by name)."""
    from hnlreach.experiments import Selection

    channels = cfg.get("channels", {})
    check_channels(channels, where, "selection.channels", frozenset(signal_channels))
    folder = base
    base = {k: v for k, v in cfg.items() if k != "channels"}
    per_channel = {}
    for ch, sub in channels.items():
        merged = {**base, **sub, "species": {**base.get("species", {}), **sub.get("species", {})}}
        per_channel[ch] = _one(merged, world, where, f'selection.channels."{ch}"', folder)
    sel = _one(base, world, where, "selection", folder)
    return Selection(**{**sel.__dict__, "channels": per_channel}) if per_channel else sel


def _one(c: dict, world, where: str, key: str, folder=None):
    from hnlreach.experiments import Selection, TrackCut

    reach = None
    if "reach_volume" in c:
        try:
            reach = world.get(c["reach_volume"])
        except (KeyError, HNLInputError):
            raise HNLInputError(f"{where}: {key}.reach_volume: no geometry volume {c['reach_volume']!r}") from None
    species = []
    for name, s in c.get("species", {}).items():
        ids, by_abs = species_ids(name, where, f"{key}.species.{name}")
        species.append(TrackCut(name, ids, by_abs, **{k: s.get(k) for k in SPECIES_KEYS if k in s}))
        _check_range(s, "energy_GeV", where, f"{key}.species.{name}")
        _check_range(s, "momentum_GeV", where, f"{key}.species.{name}")
        _check_range(s, "angle_to_beam_rad", where, f"{key}.species.{name}")
        _check_range(s, "count", where, f"{key}.species.{name}")
    for q in ("tracks", "pt_GeV", "invariant_mass_GeV", "transverse_mass_GeV"):
        _check_range(c, q, where, key)
    plugin = None
    if "plugin" in c:
        from pathlib import Path

        from hnlreach.plugins import load_selection_plugin

        plugin = load_selection_plugin(c["plugin"], c.get("plugin_parameters", {}), Path(folder or "."), where,
                                       f"{key}.plugin")
    elif "plugin_parameters" in c:
        raise HNLInputError(f"{where}: {key}.plugin_parameters: given without a plugin")
    if c.get("min_opening_angle_rad", 0.0) > c.get("max_opening_angle_rad", float("inf")):
        raise HNLInputError(f"{where}: {key}: min_opening_angle_rad > max_opening_angle_rad")
    return Selection(
        c.get("min_track_energy_GeV", 0.0), c.get("min_opening_angle_rad", 0.0),
        c.get("max_opening_angle_rad"), c.get("max_angle_to_beam_rad"), reach,
        c.get("max_hnl_angle_to_beam_rad"),
        min_tracks=c.get("min_tracks"), max_tracks=c.get("max_tracks"), visible=c.get("visible", "tracks"),
        min_pt_GeV=c.get("min_pt_GeV"), max_pt_GeV=c.get("max_pt_GeV"),
        min_invariant_mass_GeV=c.get("min_invariant_mass_GeV"), max_invariant_mass_GeV=c.get("max_invariant_mass_GeV"),
        min_transverse_mass_GeV=c.get("min_transverse_mass_GeV"),
        max_transverse_mass_GeV=c.get("max_transverse_mass_GeV"),
        species=tuple(species), plugin=plugin)


def _check_range(c: dict, q: str, where: str, key: str) -> None:
    lo, hi = c.get(f"min_{q}"), c.get(f"max_{q}")
    if lo is not None and hi is not None and lo > hi:
        raise HNLInputError(f"{where}: {key}: min_{q} = {lo} > max_{q} = {hi} (nothing passes)")


# --- production-channel selection ([production] include / exclude) ----------------------------
PRODUCTION_KINDS = ("leptonic", "semileptonic", "tau_hadronic", "tau_multihadron", "tau_leptonic", "tau_chain")


@dataclass(frozen=True)
class ProductionFilter:
    """Which production channels of the sources are used: a channel is kept if it matches an
    ``include`` entry (or include is empty) and no ``exclude`` entry.  An entry matches a channel
    by its name (``D+ -> e+ N``; a tau chain ``D(s)+ -> tau+ nu(tau), tau- -> pi- N``, or its tau
    leg ``tau- -> pi- N``), its parent (``D+``; a chain matches its meson and ``tau-``), or its
    kind (``leptonic`` = P -> l N, ``semileptonic`` = P -> P'/V l N, ``tau_hadronic`` = tau -> N +
    hadrons, one or more (``tau_multihadron`` = two or more only), ``tau_leptonic``,
    ``tau_chain`` = every chain)."""

    include: tuple = ()
    exclude: tuple = ()

    def keys(self, label: str, parent: str) -> set:
        from hnlreach.physics.production import CHANNELS

        keys = {label, parent}
        head, sep, leg = label.partition(", ")
        if sep:  # parent -> tau+ nu(tau), tau- -> X N
            keys |= {leg, "tau-", "tau_chain"}
            label = leg
        if label in CHANNELS:
            kind = CHANNELS[label].kind
            keys |= {kind, CHANNELS[label].parent} | ({"tau_hadronic"} if kind == "tau_multihadron" else set())
        return keys

    def allows(self, label: str, parent: str) -> bool:
        if not self.include and not self.exclude:
            return True
        k = self.keys(label, parent)
        return (not self.include or bool(k & set(self.include))) and not (k & set(self.exclude))


def build_production_filter(cfg: dict, source_parents, where: str) -> ProductionFilter | None:
    """The [production] table as a ProductionFilter (None without one); unknown names are errors."""
    if not cfg:
        return None
    from hnlreach.physics.production import CHANNELS

    chain_legs = [c for c, ch in CHANNELS.items() if ch.parent == "tau-"]
    known = (set(CHANNELS) | {ch.parent for ch in CHANNELS.values()} | set(PRODUCTION_KINDS)
             | set(source_parents) | {f"{p} -> tau+ nu(tau), {c}" for p in source_parents for c in chain_legs})
    for key in ("include", "exclude"):
        for n in cfg.get(key, ()):
            if n not in known:
                close = difflib.get_close_matches(n, sorted(known), n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise HNLInputError(f"{where}: production.{key}: unknown production channel, parent or kind "
                                    f"{n!r}{hint}; `hnlreach production --mass M --mixing e` lists channels")
    return ProductionFilter(tuple(cfg.get("include", ())), tuple(cfg.get("exclude", ())))
