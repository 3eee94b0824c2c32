"""Experiments as data: TOML presets in this folder (schema in README.md), loaded into dataclasses.

    load_experiment("toy-dump")            # a preset by name
    load_experiment("path/to/my.toml")     # or any file following the schema
    list_experiments()                     # [(name, provenance), ...]
    supported_models("nd280")              # ['mixing e', 'mixing mu', 'dipole mu']
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hnlreach.datafiles import resolve_data_path
from hnlreach.errors import HNLInputError

PRESET_DIR = Path(__file__).resolve().parent


# --- dataclasses -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Beam:
    particle: str
    energy_GeV: float
    runs: tuple  # ((mode, pot), ...)

    @property
    def pot(self) -> float:
        return float(sum(p for _, p in self.runs))


@dataclass(frozen=True)
class Site:
    name: str
    pot_fraction: float
    position_m: np.ndarray
    material: object = None


@dataclass(frozen=True)
class Source:
    """Parents produced at a site: beam.pot x site.pot_fraction x yield_per_pot of them decay with
    the decay physics of `parent`.  charge_conjugates only labels events: true = the yield is
    parent + antiparticle (half of the event records get the conjugate charges; rates are equal
    by CP), false = every parent has the named charge.  The rate is the same either way."""

    name: str
    parent: str
    site: Site
    yield_per_pot: float
    spectrum: object
    charge_conjugates: bool = True
    tau_chain: bool = False
    reference: str = ""
    tau_branching_ratio: float | None = None  # BR(parent -> tau nu) for the chain; None: SM formula
    decay_region: object = None  # sources.decay_in_flight.DecayRegion: decays in flight; None: at the site
    focusing: str = "none"  # with a decay region: 'none' (produced direction) or 'parallel' (ideal horn)
    production: object = None  # experiments.vocabulary.ProductionFilter of [production]; None: every channel
    beamline: object = None  # sources.beamline.ParentSpectrum: parents reconstructed from a nu flux by parent


@dataclass(frozen=True)
class Flux:
    """Neutrino flux table: energies [GeV] and dPhi/dE [nu / cm^2 / POT / GeV] along `direction`."""

    name: str
    flavour: str
    antineutrino: bool
    energies: np.ndarray
    values: np.ndarray
    direction: np.ndarray


@dataclass(frozen=True)
class Signal:
    channels: tuple
    fiducial: tuple
    strata: int = 1
    transverse_margin_m: float = 2.0  # upscattering: neutrino window beyond the fiducial volumes
    outer_margin_m: float | None = None  # upscattering: optional cap of the outermost window (default: angular reach)


@dataclass(frozen=True)
class TrackCut:
    """Requirements on every visible decay product of one species (experiments/vocabulary.py):
    pdg None = every charged track; by_abs: match |PDG id| (both charges); None = no cut."""

    species: str
    pdg: frozenset | None = None
    by_abs: bool = False
    min_energy_GeV: float | None = None
    max_energy_GeV: float | None = None
    min_momentum_GeV: float | None = None
    max_momentum_GeV: float | None = None
    min_angle_to_beam_rad: float | None = None
    max_angle_to_beam_rad: float | None = None
    min_count: int | None = None
    max_count: int | None = None


@dataclass(frozen=True)
class Selection:
    """Cuts on the visible decay products (rates/selection.py; keys in experiments/README.md);
    None = no cut.  'Tracks' are the charged products; the visible system is the tracks
    (visible = "tracks") or every product but neutrinos (visible = "all")."""

    min_track_energy_GeV: float = 0.0
    min_opening_angle_rad: float = 0.0
    max_opening_angle_rad: float | None = None
    max_angle_to_beam_rad: float | None = None
    reach_volume: object = None
    max_hnl_angle_to_beam_rad: float | None = None  # cut on the decaying HNL's own direction
    min_tracks: int | None = None  # None: at least one track once any other cut is set
    max_tracks: int | None = None
    visible: str = "tracks"
    min_pt_GeV: float | None = None  # visible system, w.r.t. the beam axis (+z)
    max_pt_GeV: float | None = None
    min_invariant_mass_GeV: float | None = None
    max_invariant_mass_GeV: float | None = None
    min_transverse_mass_GeV: float | None = None  # sqrt(m_vis^2 + p_T^2) + p_T
    max_transverse_mass_GeV: float | None = None
    species: tuple = ()  # TrackCut per species
    channels: dict = field(default_factory=dict)  # decay channel -> its own Selection
    plugin: object = None  # callable(pdg, p4, vertices, **parameters) -> bool (n,) [selection] plugin

    @property
    def active(self) -> bool:
        return bool(self.min_track_energy_GeV or self.min_opening_angle_rad or self.species
                    or self.reach_volume is not None or self.plugin is not None
                    or any(getattr(self, k) is not None for k in (
                        "max_opening_angle_rad", "max_angle_to_beam_rad", "min_tracks", "max_tracks",
                        "min_pt_GeV", "max_pt_GeV", "min_invariant_mass_GeV", "max_invariant_mass_GeV",
                        "min_transverse_mass_GeV", "max_transverse_mass_GeV")))

    def for_channel(self, channel: str) -> Selection:
        """The selection applied to decays into channel (its own table, else this one)."""
        return self.channels.get(channel, self)


@dataclass(frozen=True)
class Efficiency:
    """eff = constant x table(mass or HNL energy) x per-channel factor."""

    constant: float = 1.0
    table_x: np.ndarray | None = None
    table_eff: np.ndarray | None = None
    by: str = "mass"
    channels: dict = field(default_factory=dict)
    channel_tables: dict = field(default_factory=dict)  # channel -> (mass [GeV], eff, hold ends)
    arrival_after_spill: tuple | None = None  # (baseline [m], spill [s], window start, end [s] or None): detection.timing

    def __call__(self, mass: float, energies: np.ndarray, channel: str) -> np.ndarray:
        e = np.full(np.shape(energies), self.constant * self.channels.get(channel, 1.0))
        if self.arrival_after_spill is not None:
            from hnlreach.detection.timing import arrival_after_spill

            e = e * arrival_after_spill(mass, energies, *self.arrival_after_spill)
        if self.table_x is not None:
            x = mass if self.by == "mass" else np.asarray(energies)
            e = e * np.interp(x, self.table_x, self.table_eff, left=0.0, right=0.0)
        if channel in self.channel_tables:
            x, y, hold = self.channel_tables[channel]
            e = e * np.interp(mass, x, y, left=y[0] if hold else 0.0, right=y[-1] if hold else 0.0)
        return e


@dataclass(frozen=True)
class Statistics:
    observed: int | None
    background: float
    background_sigma: float
    signal_syst: float
    cl: float
    method: str
    n_limit: float | None = None

    def events_limit(self, cl: float | None = None) -> float:
        """N_limit the expected signal is compared with (statistics.limits.events_limit)."""
        if self.method == "fixed":
            return float(self.n_limit)
        from hnlreach.statistics.limits import events_limit

        return events_limit(self.observed, self.background, self.background_sigma,
                            self.signal_syst, self.cl if cl is None else cl, self.method)


@dataclass(frozen=True)
class ModelDefaults:
    mixing: str | None = None
    dipole: str | None = None
    majorana: bool = False
    masses: str = "0.1:1.9:20"
    n_hnl: int = 100_000


@dataclass(frozen=True)
class Experiment:
    name: str
    description: str
    provenance: str
    references: tuple
    model: ModelDefaults
    beam: Beam
    sites: dict
    sources: tuple
    fluxes: tuple
    world: object  # hnlreach.geometry.volumes.World
    fiducial: dict
    signal: Signal
    selection: Selection
    efficiency: Efficiency
    statistics: Statistics
    path: Path
    sampler: object = None  # [sampler]: callable(experiment, mass, *, mixing, dipole, majorana, n_hnl, rng)
    analyses: dict = field(default_factory=dict)  # [analysis.mixing|dipole]: field -> replacement
    sampler_models: tuple = ()  # [sampler] models = ["mixing tau", ...]: what a dedicated sampler computes

    def for_model(self, mixing=None, dipole=None) -> "Experiment":
        """The experiment as analysed for a model class: [analysis."mixing e"] (one flavour), else
        [analysis.mixing] (or the dipole ones) replace [model] defaults, [signal], [selection], [efficiency], [statistics] (unchanged without one)."""
        from dataclasses import replace

        kind = "mixing" if mixing is not None else "dipole" if dipole is not None else None
        flavour = str(mixing if mixing is not None else dipole).strip().lower()
        for key in (f"{kind} {flavour}", kind):  # a single flavour's section first
            if key in self.analyses:
                return replace(self, analyses={}, **self.analyses[key])
        return self

    def supported_models(self) -> list[str]:
        """Models this preset can produce: 'mixing e', 'dipole mu', ... (see `check_model`)."""
        from hnlreach.physics.constants import FLAVOURS

        out = []
        kinds = [f"mixing {fl}" for fl in FLAVOURS if _source_makes(self.sources, fl)]
        kinds += [f"dipole {fl}" for fl in FLAVOURS if any(f.flavour == fl for f in self.fluxes)]
        if self.sampler is not None:  # a dedicated sampler: what it declares, else the preset's model
            kinds = list(self.sampler_models) or (
                [f"mixing {self.model.mixing}"] if self.model.mixing else []) + (
                [f"dipole {self.model.dipole}"] if self.model.dipole else []) + kinds
        for k in kinds:
            if k not in out:
                out.append(k)
        return out

    def check_model(self, mixing=None, dipole=None) -> None:
        """HNLInputError (one line, listing the supported models) if the preset cannot produce
        the model: a mixing pattern needs a source making N with one of its non-zero flavours,
        a dipole flavour a neutrino flux of that flavour."""
        from hnlreach.model import flavour_pattern
        from hnlreach.physics.constants import FLAVOURS

        supported = self.supported_models()
        if mixing is not None:
            pattern = flavour_pattern(mixing)
            ok = any(f"mixing {fl}" in supported for fl, u in zip(FLAVOURS, pattern) if u > 0)
            what = f"mixing {mixing} (no meson/tau source makes such HNLs)"
        else:
            fl = str(dipole).strip().lower()
            ok = (f"dipole {fl}" in supported if fl in FLAVOURS
                  else any(k.startswith("dipole") for k in supported))
            what = f"dipole {dipole} (no neutrino flux of that flavour to upscatter)"
        if not ok:
            raise HNLInputError(f"experiment {self.name} cannot produce HNLs with {what}; it supports: "
                                f"{', '.join(supported) or 'no model'}")


# --- loading ---------------------------------------------------------------------------------
def preset_paths() -> dict[str, Path]:
    return {p.stem: p for p in sorted(PRESET_DIR.glob("*.toml"))}


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise HNLInputError(f"{path}: malformed TOML: {exc}") from None
    except UnicodeDecodeError:
        raise HNLInputError(f"{path}: not a text (TOML) file") from None
    except OSError as exc:
        raise HNLInputError(f"cannot read {path}: {exc.strerror}") from None


def resolve(name_or_path: str | Path) -> Path:
    """Path of a preset name or of an experiment file; HNLInputError if neither exists."""
    s = str(name_or_path)
    presets = preset_paths()
    if s in presets:
        return presets[s]
    p = Path(s)
    if p.suffix == ".toml" or p.exists():
        if not p.is_file():
            raise HNLInputError(f"experiment file {s} does not exist")
        return p
    raise HNLInputError(f"unknown experiment {s!r}; available: {', '.join(presets) or 'none'}")


def list_experiments() -> list[tuple[str, str]]:
    """(name, provenance) of every preset."""
    out = []
    for name, path in preset_paths().items():
        exp = _read_toml(path).get("experiment", {})
        out.append((name, str(exp.get("provenance", ""))))
    return out


def supported_models(name_or_path: str | Path) -> list[str]:
    """Models a preset can produce, e.g. ['mixing e', 'mixing mu', 'dipole mu'] (Experiment.supported_models)."""
    return load_experiment(name_or_path).supported_models()


def load_experiment(name_or_path: str | Path) -> Experiment:
    """Load and validate a preset or an experiment TOML file."""
    return experiment_from_config(*read_config(name_or_path))


def read_config(name_or_path: str | Path) -> tuple[dict, Path]:
    """The parsed TOML of a preset or experiment file (to modify and pass to experiment_from_config)."""
    path = resolve(name_or_path)
    return _read_toml(path), path


def experiment_from_config(cfg: dict, path: Path) -> Experiment:
    """Validate and build an experiment from a parsed configuration; relative data files resolve
    against path's folder."""
    from hnlreach.experiments.schema import validate

    return _build(validate(cfg, str(path)), Path(path))


def _materials(cfg, where):
    from hnlreach.geometry.materials import Material

    out = {}
    for name, m in cfg.get("materials", {}).items():
        if ("mass_fractions" in m) == ("atoms" in m):
            raise HNLInputError(f"{where}: materials.{name}: give exactly one of mass_fractions or atoms")
        try:
            if "atoms" in m:
                out[name] = Material.from_atoms(name, m["density_g_cm3"], m["atoms"])
            else:
                out[name] = Material(name, m["density_g_cm3"], m["mass_fractions"])
        except HNLInputError as exc:
            raise HNLInputError(f"{where}: materials.{name}: {exc}") from None
    return out


def _volume(v, materials, compositions, where, origin=(0.0, 0.0, 0.0)):
    from hnlreach.geometry.materials import VACUUM, Material
    from hnlreach.geometry.volumes import Box, Cylinder, Sphere

    if "material" in v:
        if v["material"] not in materials:
            raise HNLInputError(f"{where}: volume {v['name']!r}: unknown material {v['material']!r}")
        mat = materials[v["material"]]
    elif "composition" in v:
        if v["composition"] not in compositions or "density_g_cm3" not in v:
            raise HNLInputError(f"{where}: volume {v['name']!r}: unknown composition "
                                f"{v['composition']!r} or missing density_g_cm3")
        mat = Material(v["composition"], v["density_g_cm3"], compositions[v["composition"]])
    else:
        mat = VACUUM
    center = np.asarray(v["center_m"], dtype=float)
    if v.get("frame") == "detector":
        center = center + np.asarray(origin, dtype=float)
    try:
        if v["shape"] == "box":
            return Box(v["name"], center, v["size_m"], mat)
        if v["shape"] == "sphere":
            return Sphere(v["name"], center, v["radius_m"], mat)
        return Cylinder(v["name"], center, v["radius_m"], v["length_m"], v.get("axis", [0.0, 0.0, 1.0]), mat)
    except HNLInputError as exc:
        raise HNLInputError(f"{where}: {exc}") from None


def load_geometry(path: str | Path, materials: dict | None = None):
    """World from a geometry data file (experiments/data/...: compositions, volumes, fiducial)."""
    from hnlreach.experiments.schema import validate_geometry_file
    from hnlreach.geometry.volumes import World

    path = Path(path)
    g = validate_geometry_file(_read_toml(path), str(path))
    comps = {k: v["mass_fractions"] for k, v in g.get("compositions", {}).items()}
    origin = g.get("detector_origin_m", [0.0, 0.0, 0.0])
    vols = [_volume(v, materials or {}, comps, str(path), origin) for v in g["volumes"]]
    fid = {v["name"]: _volume(v, {}, {}, str(path), origin) for v in g.get("fiducial", [])}
    return World(vols, fid, np.asarray(origin, dtype=float))


def _spectrum(s, parent, beam, base, where, key="spectrum"):
    from hnlreach.physics.constants import MASS
    from hnlreach.physics.production import PARENTS
    from hnlreach.sources.spectra import TabulatedSpectrum, XfPt2Spectrum

    if parent not in PARENTS:
        raise HNLInputError(f"{where}: {key.rsplit('.', 1)[0]}.parent: unknown parent particle {parent!r} "
                            f"(parents with HNL production channels: {', '.join(sorted(PARENTS))})")
    spec = s["spectrum"]
    if spec["kind"] == "at_rest":  # stopped parents (sources.decay_at_rest)
        from hnlreach.sources.decay_at_rest import AtRestSpectrum

        try:
            return AtRestSpectrum(MASS[parent], tuple(spec.get("half_size_m", (0.0, 0.0, 0.0))))
        except HNLInputError as exc:
            raise HNLInputError(f"{where}: {key}: {exc}") from None
    if spec["kind"] == "xf_pt2":
        if "n" not in spec or "b_GeV2" not in spec:
            raise HNLInputError(f"{where}: {key}: spectrum kind xf_pt2 needs n and b_GeV2")
        try:
            return XfPt2Spectrum(MASS[parent], beam["energy_GeV"], spec["n"], spec["b_GeV2"])
        except HNLInputError as exc:
            raise HNLInputError(f"{where}: {key}: {exc}") from None
    if "file" not in spec:
        raise HNLInputError(f"{where}: {key}: spectrum kind table needs file")
    path = resolve_data_path(spec["file"], base, where, f"{key}.file")
    try:
        return TabulatedSpectrum.from_csv(path, MASS[parent])
    except HNLInputError as exc:
        raise HNLInputError(f"{where}: {key}.file: {exc} (resolved to {path})") from None


def _decay_region(s, where):
    """The source's decay_in_flight table as a DecayRegion (None without one)."""
    if "decay_in_flight" not in s:
        if "focusing" in s:
            raise HNLInputError(f"{where}: focusing needs decay_in_flight (parents decaying in flight)")
        return None
    from hnlreach.sources.decay_in_flight import DecayRegion

    d = s["decay_in_flight"]
    try:
        return DecayRegion(d["z_end_m"], d["radius_m"], d.get("z_start_m", 0.0))
    except HNLInputError as exc:
        raise HNLInputError(f"{where}: {exc}") from None


def _flux(f, base, where, key="fluxes"):
    from hnlreach.checks import read_number_table

    path = resolve_data_path(f["file"], base, where, f"{key}.file")
    try:
        a = read_number_table(path, "file", min_columns=2, min_rows=2)
    except HNLInputError as exc:
        raise HNLInputError(f"{where}: {key}.file: {str(exc).partition(': ')[2]}") from None
    col = f.get("column", 1)
    if col >= a.shape[1]:
        raise HNLInputError(f"{where}: {key}.column: column {col} not in {path} ({a.shape[1]} columns)")
    e, v = a[:, 0], a[:, col] * f.get("normalisation", 1.0)
    if np.any(e <= 0) or np.any(np.diff(e) <= 0):
        raise HNLInputError(f"{where}: {key}.file: energies must be positive and strictly increasing "
                            "(no duplicates)")
    if np.any(v < 0) or not np.any(v > 0):
        raise HNLInputError(f"{where}: {key}.file: flux values must be >= 0 and not all zero")
    if f["units"] == "per_cm2_per_pot_per_bin":
        v = v / np.gradient(e)
    direction = np.asarray(f.get("direction", [0.0, 0.0, 1.0]), dtype=float)
    if not np.linalg.norm(direction) > 0:
        raise HNLInputError(f"{where}: {key}.direction: must be a non-zero vector")
    return Flux(f["name"], f["flavour"], f.get("antineutrino", False), e, v, direction)


def _source_makes(sources, flavour: str) -> bool:
    """True if some source's parent has a production channel mixing with `flavour` (directly or,
    with the tau chain, through the tau) at some HNL mass."""
    from hnlreach.physics import production as prod

    for src in sources:
        keep = getattr(src, "production", None)  # the [production] include / exclude
        for name, c in prod.CHANNELS.items():
            if c.flavour != flavour:
                continue
            if c.parent == src.parent and (keep is None or keep.allows(name, src.parent)):
                return True
            chain = f"{src.parent} -> tau+ nu(tau), {name}"
            if src.tau_chain and c.parent == "tau-" and (keep is None or keep.allows(chain, src.parent)):
                return True
    return False


def _beamline_sources(cfg, base, beam_cfg, where, fiducial_center, production=None):
    """[[beamline_sources]]: parents reconstructed from a nu flux by parent (sources.beamline)."""
    from dataclasses import replace

    from hnlreach.sources.beamline import DecayPipe, reconstruct_parents

    out = []
    for i, b in enumerate(cfg.get("beamline_sources", [])):
        w = f"{where}: beamline source {b['name']!r}"
        if b["parent"] not in ("K+", "K-", "pi+", "pi-"):
            raise HNLInputError(f"{w}: parent must be K+, K-, pi+ or pi-, got {b['parent']!r}")
        f = dict(b["nu_flux"], name=b["name"], flavour=b["nu_flux"].get("lepton", "mu"))
        cuts = ("min_energy_GeV", "max_energy_GeV")
        flux = _flux({k: v for k, v in f.items() if k not in ("lepton", *cuts)}, base, where,
                     f"beamline_sources[{i}].nu_flux")
        if any(k in f for k in cuts):  # a total flux used where one parent makes it (BNB nu_mu from pi+
            # below 2 GeV, NuTeV nu_mu from K+ above the pi/K minimum)
            keep = (flux.energies >= f.get("min_energy_GeV", 0.0)) & (flux.energies <= f.get("max_energy_GeV", np.inf))
            if keep.sum() < 3:
                raise HNLInputError(f"{w}: nu_flux.min_energy_GeV / max_energy_GeV keep fewer than 3 flux points")
            flux = replace(flux, energies=flux.energies[keep], values=flux.values[keep])
        d = b["decay_pipe"]
        try:
            pipe = DecayPipe(d["target_m"], d.get("axis", [0.0, 0.0, 1.0]), d.get("decay_start_m", 0.0),
                             d["decay_end_m"])
            ref = b.get("reference_m", fiducial_center)
            spec = reconstruct_parents(b["parent"], flux.energies, flux.values, pipe, ref, flux.flavour)
        except HNLInputError as exc:
            raise HNLInputError(f"{w}: {exc}") from None
        site = Site(b["name"], 1.0, pipe.target_m)
        out.append(Source(b["name"], b["parent"], site, spec.per_pot, None, False, False,
                          b.get("reference", ""), production=production, beamline=spec))
    return out


def _signal(sig, world, where):
    from hnlreach.checks import check_decay_channels

    check_decay_channels(sig["channels"], where, "signal.channels")  # non-empty, strings, known, no repeats
    fid_names = tuple(sig.get("fiducial", list(world.fiducial)))
    if not fid_names:
        raise HNLInputError(f"{where}: signal.fiducial: is empty: name at least one fiducial volume")
    for n in fid_names:
        if n not in world.fiducial:
            raise HNLInputError(f"{where}: signal.fiducial: no fiducial volume {n!r}")
    return Signal(tuple(sig["channels"]), fid_names, sig.get("strata", 1),
                  float(sig.get("transverse_margin_m", 2.0)), sig.get("outer_margin_m"))


def _selection(sel, world, channels, where, base):
    from hnlreach.experiments.vocabulary import build_selection

    return build_selection(sel, world, channels, where, base)


def _efficiency(eff, base, where, channels=()):
    from hnlreach.experiments.vocabulary import check_channels

    tx = te = None
    if "table" in eff:
        path = resolve_data_path(eff["table"], base, where, "efficiency.table")
        tx, te = _efficiency_table(path, eff.get("by", "mass"), where)
    check_channels(eff.get("channels", {}), where, "efficiency.channels", frozenset(channels))
    for name, factor in eff.get("channels", {}).items():
        if factor > 1:
            raise HNLInputError(f"{where}: efficiency.channels.{name!r}: an efficiency must be <= 1, got {factor}")
    tables = {}
    for i, t in enumerate(eff.get("channel_tables", [])):
        path = resolve_data_path(t["file"], base, where, f"efficiency.channel_tables[{i}].file")
        a = np.column_stack(_efficiency_table(path, "x", where, f"efficiency.channel_tables[{i}].file"))
        check_channels(t["channels"], where, f"efficiency.channel_tables[{i}].channels", frozenset(channels))
        scale = 1e-3 if t.get("x_unit", "GeV") == "MeV" else 1.0
        for ch in t["channels"]:
            tables[ch] = (a[:, 0] * scale, a[:, 1], t.get("outside", "zero") == "hold")
    arrival = None
    if "arrival_after_spill" in eff:
        a = eff["arrival_after_spill"]
        arrival = (float(a["baseline_m"]), float(a["spill_ns"]) * 1e-9,
                   None if "window_start_ns" not in a else float(a["window_start_ns"]) * 1e-9,
                   None if "window_end_ns" not in a else float(a["window_end_ns"]) * 1e-9)
        if arrival[2] is not None and arrival[3] is not None and arrival[3] <= arrival[2]:
            raise HNLInputError(f"{where}: efficiency.arrival_after_spill: window_end_ns must exceed window_start_ns")
    return Efficiency(eff.get("constant", 1.0), tx, te, eff.get("by", "mass"), eff.get("channels", {}), tables,
                      arrival)


def _statistics(st, where):
    expected = st.get("expected", False)
    if expected and "observed" in st:
        raise HNLInputError(f"{where}: statistics: give observed or expected = true, not both")
    if st["method"] == "fixed" and "n_limit" not in st:
        raise HNLInputError(f"{where}: statistics: method 'fixed' needs n_limit")
    if not 0.0 < st["cl"] < 1.0:
        raise HNLInputError(f"{where}: statistics.cl must be between 0 and 1 (exclusive)")
    return Statistics(None if expected else st.get("observed", 0), st.get("background", 0.0),
                      st.get("background_sigma", 0.0), st.get("signal_syst", 0.0), st["cl"],
                      st["method"], st.get("n_limit"))


def _analyses(cfg, model, world, base, where, signal):
    """[analysis.mixing] / [analysis.dipole]: per-model-class replacements (Experiment.for_model)."""
    from dataclasses import replace

    out = {}
    for kind, a in cfg.get("analysis", {}).items():
        w = f"{where}: analysis.{kind}" if " " not in kind else f"{where}: analysis.\"{kind}\""
        rep = {}
        channels = signal.channels
        if "signal" in a:
            from hnlreach.experiments.vocabulary import check_channels

            rep["signal"] = _signal(a["signal"], world, w)
            channels = rep["signal"].channels
            check_channels(channels, w, "signal.channels")
        if "selection" in a:
            rep["selection"] = _selection(a["selection"], world, channels, w, base)
        if "efficiency" in a:
            rep["efficiency"] = _efficiency(a["efficiency"], base, w, channels)
        if "statistics" in a:
            rep["statistics"] = _statistics(a["statistics"], w)
        if "pot" in a:  # the analysis's own exposure (one run of the preset's first beam mode)
            b = cfg["beam"]
            mode = b["runs"][0]["mode"] if b.get("runs") else "default"
            rep["beam"] = Beam(b["particle"], b["energy_GeV"], ((mode, a["pot"]),))
        md = {k: a[k] for k in ("majorana", "masses", "n_hnl") if k in a}
        if md:
            if "masses" in md:
                from hnlreach.scan import parse_mass_grid

                parse_mass_grid(md["masses"])
            rep["model"] = replace(model, **md)
        out[kind] = rep
    return out


def _build(cfg: dict, path: Path) -> Experiment:
    from hnlreach.geometry.volumes import World

    where = str(path)
    base = path.parent
    exp = cfg["experiment"]
    beam_cfg = cfg["beam"]
    runs = tuple((r["mode"], r["pot"]) for r in beam_cfg.get("runs", ()))
    if "pot" in beam_cfg:
        runs = runs + (("default", beam_cfg["pot"]),) if not runs else runs
    beam = Beam(beam_cfg["particle"], beam_cfg["energy_GeV"], runs)
    if beam.pot <= 0 and "sampler" not in cfg:  # a dedicated sampler sets its own exposure
        raise HNLInputError(f"{where}: beam.pot: the exposure must be > 0 protons on target")

    materials = _materials(cfg, where)
    sites = {}
    for s in cfg["production_sites"]:
        if s.get("material") is not None and s["material"] not in materials:
            raise HNLInputError(f"{where}: production site {s['name']!r}: unknown material {s['material']!r}")
        sites[s["name"]] = Site(s["name"], s["pot_fraction"], np.asarray(s["position_m"], dtype=float),
                                materials.get(s.get("material")))
    if sum(s.pot_fraction for s in sites.values()) > 1.0 + 1e-9:
        raise HNLInputError(f"{where}: production_sites: pot_fraction values sum to more than 1")

    from hnlreach.experiments.vocabulary import build_production_filter

    parents = {s["parent"] for s in cfg.get("sources", []) + cfg.get("beamline_sources", [])}
    production = build_production_filter(cfg.get("production", {}), parents, where)
    sources = []
    for i, s in enumerate(cfg.get("sources", [])):
        if s["site"] not in sites:
            raise HNLInputError(f"{where}: source {s['name']!r}: unknown production site {s['site']!r}")
        sources.append(Source(s["name"], s["parent"], sites[s["site"]], s["yield_per_pot"],
                              _spectrum(s, s["parent"], beam_cfg, base, where, f"sources[{i}].spectrum"),
                              s.get("charge_conjugates", True), s.get("tau_chain", False),
                              s.get("reference", ""), s.get("tau_branching_ratio"),
                              _decay_region(s, f"{where}: source {s['name']!r}"), s.get("focusing", "none"),
                              production))
    fluxes = tuple(_flux(f, base, where, f"fluxes[{i}]") for i, f in enumerate(cfg.get("fluxes", [])))

    geo = cfg["geometry"]
    if "file" in geo:
        world = load_geometry(resolve_data_path(geo["file"], base, where, "geometry.file"), materials)
    else:
        world = World([])
    for v in geo.get("volumes", []):
        world.volumes.append(_volume(v, materials, {}, where, world.origin))
    World(world.volumes)  # re-check names
    for v in geo.get("fiducial", []):
        world.fiducial[v["name"]] = _volume(v, materials, {}, where, world.origin)
    if not world.fiducial:
        raise HNLInputError(f"{where}: geometry: no fiducial volume defined")

    signal = _signal(cfg["signal"], world, where)

    from hnlreach.experiments.vocabulary import check_channels

    check_channels(signal.channels, where, "signal.channels")
    selection = _selection(cfg.get("selection", {}), world, signal.channels, where, base)
    efficiency = _efficiency(cfg.get("efficiency", {}), base, where, signal.channels)
    statistics = _statistics(cfg["statistics"], where)

    md = cfg.get("model", {})
    if md.get("mixing") and md.get("dipole"):
        raise HNLInputError(f"{where}: model: give mixing or dipole, not both")
    model = ModelDefaults(md.get("mixing"), md.get("dipole"), md.get("majorana", False),
                          md.get("masses", "0.1:1.9:20"), md.get("n_hnl", 100_000))
    if model.masses:
        from hnlreach.scan import parse_mass_grid

        try:
            parse_mass_grid(model.masses)  # validate early
        except HNLInputError as exc:
            raise HNLInputError(f"{where}: model.masses: {exc}") from None
    sampler = _sampler(cfg["sampler"], where, base) if "sampler" in cfg else None
    fids = [world.fiducial[n] for n in signal.fiducial]
    lo = np.min([v.center - _half_extent(v) for v in fids], axis=0)
    hi = np.max([v.center + _half_extent(v) for v in fids], axis=0)
    sources += _beamline_sources(cfg, base, beam_cfg, where, 0.5 * (lo + hi), production)
    if not sources and not fluxes and sampler is None:
        raise HNLInputError(f"{where}: no sources and no fluxes: nothing produces HNLs")
    analyses = _analyses(cfg, model, world, base, where, signal)
    return Experiment(exp["name"], exp.get("description", ""), exp["provenance"],
                      tuple(exp.get("references", ())), model, beam, sites, tuple(sources), fluxes,
                      world, world.fiducial, signal, selection, efficiency, statistics, path, sampler,
                      analyses, tuple(cfg.get("sampler", {}).get("models", ())))


def _half_extent(v):
    """Half extent (3,) of a box or cylinder's bounding box (cylinders: conservative)."""
    if hasattr(v, "size"):
        return 0.5 * np.asarray(v.size, dtype=float)
    return np.full(3, max(v.radius, 0.5 * v.length))


def _efficiency_table(path: Path, by: str, where: str, key: str = "efficiency.table"):
    """Two-column efficiency table (x = mass or energy in GeV, strictly increasing; 0 <= eff <= 1)."""
    from hnlreach.checks import read_number_table

    try:
        a = read_number_table(path, "file", min_columns=2)
    except HNLInputError as exc:
        raise HNLInputError(f"{where}: {key}: {str(exc).partition(': ')[2]}") from None
    x, e = a[:, 0], a[:, 1]
    if np.any(np.diff(x) <= 0):
        raise HNLInputError(f"{where}: {key}: the {by} column must be strictly increasing")
    if np.any(e < 0) or np.any(e > 1):
        raise HNLInputError(f"{where}: {key}: efficiencies must lie in [0, 1]")
    return x, e


def _sampler(cfg: dict, where: str, base: Path):
    """[sampler] function = "path/file.py:function" or "module:function", parameters = {...}: a
    dedicated sample builder (e.g. an atmospheric source) called instead of the beam-dump engine,
    with the parameters as keyword arguments (hnlreach.plugins, signature checked here)."""
    from hnlreach.plugins import load_sampler_plugin

    return load_sampler_plugin(cfg["function"], cfg.get("parameters", {}), base, where)
