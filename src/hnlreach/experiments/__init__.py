"""Experiments as data: TOML presets in this folder (schema in README.md), loaded into dataclasses.

    load_experiment("toy-dump")            # a preset by name
    load_experiment("path/to/my.toml")     # or any file following the schema
    list_experiments()                     # [(name, provenance), ...]
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

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

    def __call__(self, mass: float, energies: np.ndarray, channel: str) -> np.ndarray:
        e = np.full(np.shape(energies), self.constant * self.channels.get(channel, 1.0))
        if self.table_x is not None:
            x = mass if self.by == "mass" else np.asarray(energies)
            e = e * np.interp(x, self.table_x, self.table_eff, left=0.0, right=0.0)
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


# --- loading ---------------------------------------------------------------------------------
def preset_paths() -> dict[str, Path]:
    return {p.stem: p for p in sorted(PRESET_DIR.glob("*.toml"))}


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise HNLInputError(f"{path}: malformed TOML: {exc}") from None
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


def load_experiment(name_or_path: str | Path) -> Experiment:
    """Load and validate a preset or an experiment TOML file."""
    path = resolve(name_or_path)
    return experiment_from_config(_read_toml(path), path)


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
        if "atoms" in m:
            out[name] = Material.from_atoms(name, m["density_g_cm3"], m["atoms"])
        else:
            out[name] = Material(name, m["density_g_cm3"], m["mass_fractions"])
    return out


def _volume(v, materials, compositions, where, origin=(0.0, 0.0, 0.0)):
    from hnlreach.geometry.materials import VACUUM, Material
    from hnlreach.geometry.volumes import Box, Cylinder

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
    if v["shape"] == "box":
        return Box(v["name"], center, v["size_m"], mat)
    return Cylinder(v["name"], center, v["radius_m"], v["length_m"], v.get("axis", [0.0, 0.0, 1.0]), mat)


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


def _data(value, base, where, key):
    from hnlreach.datafiles import resolve_data_path

    return resolve_data_path(value, base, where, key)


def _spectrum(s, parent, beam, base, where, key="spectrum"):
    from hnlreach.physics.constants import MASS
    from hnlreach.sources.spectra import TabulatedSpectrum, XfPt2Spectrum

    if parent not in MASS:
        raise HNLInputError(f"{where}: {key.rsplit('.', 1)[0]}.parent: unknown parent particle {parent!r}")
    spec = s["spectrum"]
    if spec["kind"] == "xf_pt2":
        if "n" not in spec or "b_GeV2" not in spec:
            raise HNLInputError(f"{where}: {key}: spectrum kind xf_pt2 needs n and b_GeV2")
        return XfPt2Spectrum(MASS[parent], beam["energy_GeV"], spec["n"], spec["b_GeV2"])
    if "file" not in spec:
        raise HNLInputError(f"{where}: {key}: spectrum kind table needs file")
    path = _data(spec["file"], base, where, f"{key}.file")
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
    path = _data(f["file"], base, where, f"{key}.file")
    try:
        a = np.loadtxt(path, comments="#", ndmin=2)
    except (OSError, ValueError) as exc:
        raise HNLInputError(f"{where}: {key}.file: cannot read {path}: {exc}") from None
    col = f.get("column", 1)
    if col >= a.shape[1]:
        raise HNLInputError(f"{where}: {key}.column: column {col} not in {path}")
    e, v = a[:, 0], a[:, col] * f.get("normalisation", 1.0)
    if f["units"] == "per_cm2_per_pot_per_bin":
        v = v / np.gradient(e)
    return Flux(f["name"], f["flavour"], f.get("antineutrino", False), e, v,
                np.asarray(f.get("direction", [0.0, 0.0, 1.0]), dtype=float))


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

    production = build_production_filter(cfg.get("production", {}), {s["parent"] for s in cfg.get("sources", [])},
                                         where)
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
        world = load_geometry(_data(geo["file"], base, where, "geometry.file"), materials)
    else:
        world = World([])
    for v in geo.get("volumes", []):
        world.volumes.append(_volume(v, materials, {}, where, world.origin))
    World(world.volumes)  # re-check names
    for v in geo.get("fiducial", []):
        world.fiducial[v["name"]] = _volume(v, materials, {}, where, world.origin)
    if not world.fiducial:
        raise HNLInputError(f"{where}: geometry: no fiducial volume defined")

    sig = cfg["signal"]
    fid_names = tuple(sig.get("fiducial", list(world.fiducial)))
    for n in fid_names:
        if n not in world.fiducial:
            raise HNLInputError(f"{where}: signal.fiducial: no fiducial volume {n!r}")
    signal = Signal(tuple(sig["channels"]), fid_names, sig.get("strata", 1),
                    float(sig.get("transverse_margin_m", 2.0)), sig.get("outer_margin_m"))

    from hnlreach.experiments.vocabulary import build_selection, check_channels

    check_channels(signal.channels, where, "signal.channels")
    selection = build_selection(cfg.get("selection", {}), world, signal.channels, where, base)

    eff = cfg.get("efficiency", {})
    tx = te = None
    if "table" in eff:
        path = _data(eff["table"], base, where, "efficiency.table")
        try:
            a = np.loadtxt(path, delimiter=",", comments="#", ndmin=2)
        except (OSError, ValueError) as exc:
            raise HNLInputError(f"{where}: efficiency.table: cannot read {path}: {exc}") from None
        tx, te = a[:, 0], a[:, 1]
    check_channels(eff.get("channels", {}), where, "efficiency.channels", frozenset(signal.channels))
    efficiency = Efficiency(eff.get("constant", 1.0), tx, te, eff.get("by", "mass"), eff.get("channels", {}))

    st = cfg["statistics"]
    expected = st.get("expected", False)
    if expected and "observed" in st:
        raise HNLInputError(f"{where}: statistics: give observed or expected = true, not both")
    if st["method"] == "fixed" and "n_limit" not in st:
        raise HNLInputError(f"{where}: statistics: method 'fixed' needs n_limit")
    if not 0.0 < st["cl"] < 1.0:
        raise HNLInputError(f"{where}: statistics.cl must be between 0 and 1 (exclusive)")
    statistics = Statistics(None if expected else st.get("observed", 0), st.get("background", 0.0),
                            st.get("background_sigma", 0.0), st.get("signal_syst", 0.0), st["cl"],
                            st["method"], st.get("n_limit"))

    md = cfg.get("model", {})
    if md.get("mixing") and md.get("dipole"):
        raise HNLInputError(f"{where}: model: give mixing or dipole, not both")
    model = ModelDefaults(md.get("mixing"), md.get("dipole"), md.get("majorana", False),
                          md.get("masses", "0.1:1.9:20"), md.get("n_hnl", 100_000))
    if model.masses:
        from hnlreach.scan import parse_mass_grid

        parse_mass_grid(model.masses)  # validate early
    sampler = _sampler(cfg["sampler"], where, base) if "sampler" in cfg else None
    if not sources and not fluxes and sampler is None:
        raise HNLInputError(f"{where}: no sources and no fluxes: nothing produces HNLs")
    return Experiment(exp["name"], exp.get("description", ""), exp["provenance"],
                      tuple(exp.get("references", ())), model, beam, sites, tuple(sources), fluxes,
                      world, world.fiducial, signal, selection, efficiency, statistics, path, sampler)


def _sampler(cfg: dict, where: str, base: Path):
    """[sampler] function = "path/file.py:function" or "module:function", parameters = {...}: a
    dedicated sample builder (e.g. an atmospheric source) called instead of the beam-dump engine,
    with the parameters as keyword arguments (hnlreach.plugins, signature checked here)."""
    from hnlreach.plugins import load_sampler_plugin

    return load_sampler_plugin(cfg["function"], cfg.get("parameters", {}), base, where)
