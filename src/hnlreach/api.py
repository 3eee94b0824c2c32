"""``hnlreach.limit``: the excluded coupling region of an experiment, and its result object.

    import hnlreach
    res = hnlreach.limit("charm")                 # the preset's model, CL, mass grid, sample size; seed 1
    res.masses, res.lower, res.upper, res.intervals
    res.to_csv("charm.csv"); res.plot("charm.png", overlays=["CHARM-Boiarska2021"])
    print(res.summary())

``hnlreach limit`` is a thin layer over this module: same options, same defaults, same files.
One weighted HNL sample per mass (hnlreach.rates.engine), N(g) by analytic reweighting, N_limit
from the experiment's statistics (hnlreach.statistics.limits.events_limit), interval boundaries
by root-finding N(g) = N_limit (hnlreach.scan).  Where an excluded and a non-excluded grid mass
are neighbours the mass interval is cut into 2**refine parts or more (hnlreach.scan.tip_schedule:
two or three masses per round, ceil(refine / 2) rounds), so that the contour's tip (the mass
reach) is resolved and the contour closes there.
"""
from __future__ import annotations

import functools
import math
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.outputs.coupling import Coupling

__all__ = ["limit", "LimitResult", "read_limit", "resolve_model", "check_seed", "production_table"]

# coupling search ranges: |U|^2 <= 1; d in GeV^-1 (the scan extends them downwards if needed)
G_RANGE = {"mixing": (1e-16, 1.0), "dipole": (1e-12, 1e-1)}
SEED_MAX = 2**32  # numpy seeds: 0 <= seed < 2**32
REFINE_STEPS = 5  # mass reach resolved to 2**-5 of the grid step (scan.tip_schedule: 3 rounds)
PRECISION = 0.03  # target relative MC error of the boundary couplings (hnlreach.scan.Precision)
FLAVOURS = ("e", "mu", "tau")


# --- inputs ------------------------------------------------------------------------------------
def check_seed(seed) -> int:
    """The seed as an int in [0, 2**32) (HNLInputError otherwise)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise HNLInputError(f"seed must be an integer, got {seed!r}")
    if not 0 <= int(seed) < SEED_MAX:
        raise HNLInputError(f"seed must satisfy 0 <= seed < 2**32, got {seed}")
    return int(seed)


def _single_flavour(spec: str, what: str) -> str:
    """A dipole flavour: 'e', 'mu', 'tau' (or a pattern with one non-zero entry, e.g. '0:1:0')."""
    from hnlreach.model import flavour_pattern

    w = flavour_pattern(spec)
    nz = [f for f, x in zip(FLAVOURS, w) if x > 0]
    if len(nz) != 1:
        raise HNLInputError(f"{what} {spec!r}: dipole production (neutrino upscattering) is computed for "
                            "one neutrino flavour; give e, mu or tau")
    return nz[0]


def resolve_model(exp, mixing=None, dipole=None, majorana=None):
    """Model flags over the preset's defaults: (mixing, dipole, majorana), checked before any work."""
    from hnlreach.model import flavour_pattern

    if mixing is not None and dipole is not None:
        raise HNLInputError("give --mixing or --dipole, not both")
    if mixing is None and dipole is None:
        mixing, dipole = exp.model.mixing, exp.model.dipole
    if mixing is None and dipole is None:
        raise HNLInputError(f"experiment {exp.name} has no default model: give --mixing or --dipole")
    if hasattr(exp, "check_model"):  # one line listing the models the preset supports
        exp.check_model(mixing, dipole)
    if majorana is None:  # [analysis.mixing|dipole] may set this model class's nature
        majorana = exp.for_model(mixing, dipole).model.majorana if hasattr(exp, "for_model") else exp.model.majorana
    if mixing is not None:
        flavour_pattern(mixing)
        if exp.sampler is None and not exp.sources:
            raise HNLInputError(f"experiment {exp.name} has no meson/tau sources for mass mixing: use --dipole")
    else:
        dipole = _single_flavour(dipole, "--dipole")
        if exp.sampler is None:
            from hnlreach.rates.engine import dipole_fluxes

            dipole_fluxes(exp, dipole)  # HNLInputError if no flux of that flavour
    return mixing, dipole, bool(majorana)


def _grid(masses, exp) -> np.ndarray:
    from hnlreach.scan import _check_masses, parse_mass_grid

    if masses is None:
        return parse_mass_grid(exp.model.masses)
    if isinstance(masses, str):
        return parse_mass_grid(masses)
    try:
        arr = np.unique(np.asarray(masses, dtype=float).ravel())
    except (TypeError, ValueError):
        raise HNLInputError(f"masses must be a grid string MIN:MAX:N or numbers, got {masses!r}") from None
    if arr.size == 0 or not np.all(np.isfinite(arr)):
        raise HNLInputError(f"masses must be finite numbers, got {masses!r}")
    _check_masses(arr, str(masses))
    return arr


@functools.lru_cache(maxsize=4)
def _experiment(path: str):
    from hnlreach.experiments import load_experiment

    return load_experiment(path)


_INTERNED: dict = {}


def _interned(experiment):
    """One Experiment object per content in this process (each task unpickles a fresh copy): the
    per-process caches keyed by object (geometry.raytable) then hit."""
    from hnlreach.cache import object_hash

    key = object_hash(experiment)
    if key not in _INTERNED:
        if len(_INTERNED) >= 4:
            _INTERNED.pop(next(iter(_INTERNED)))
        _INTERNED[key] = experiment
    return _INTERNED[key]


def sample_at(mass: float, rng, *, experiment, mixing, dipole, majorana: bool, n_hnl: int):
    """Reweightable sample at one mass (top-level and picklable: runs in scan workers).
    experiment: a preset name or TOML path (loaded once per worker) or an Experiment object."""
    from hnlreach.rates.engine import build_sample

    exp = _experiment(str(experiment)) if isinstance(experiment, (str, Path)) else _interned(experiment)
    return build_sample(exp, float(mass), mixing=mixing, dipole=dipole, majorana=majorana, n_hnl=n_hnl, rng=rng)


@dataclass
class LimitPlan:
    """Everything checked before a scan starts (hnlreach.api.plan_limit)."""

    exp: Any
    mixing: str | None
    dipole: str | None
    majorana: bool
    cl: float
    n_limit: float
    grid: np.ndarray
    n_hnl: int
    seed: int
    jobs: int | None
    scheduler: Any
    refine: int
    precision: float | None = None
    cache: bool = False
    in_memory: bool = False  # exp was given as an Experiment object (it may differ from its file)
    dark: Any = None  # a dark-sector model scan (DarkPlan), else None

    @property
    def coupling(self) -> Coupling:
        if self.dark is not None:
            return Coupling.parameter(self.dark.parameter)
        return Coupling.from_model(self.mixing, self.dipole)


@dataclass
class DarkPlan:
    """A dark-sector model scan (hnlreach.rates.dark): the model at its file's values, the x-axis
    (mass parameter, set to each grid value) and the y-axis (coupling parameter) with its scaling."""

    model: Any
    parameter: str
    mass_parameter: str
    scaling: Any  # rates.dark.Scaling (one HNL) or {j: Scaling}
    g_range: tuple

    @property
    def g_reference(self) -> float:
        return (self.scaling[4] if isinstance(self.scaling, dict) else self.scaling).y0

    def describe(self) -> str:
        if isinstance(self.scaling, dict):
            return " | ".join(sc.describe(j) for j, sc in self.scaling.items())
        return self.scaling.describe()


# upper ends of the scanned range of a model parameter (physical or perturbative caps)
PARAMETER_CAPS = {"U": 1.0, "UD": 1.0, "gD": math.sqrt(4.0 * math.pi), "epsilon": 1.0, "epsilonZ": 1.0,
                  "theta": 0.5 * math.pi, "mu_tr": 1.0, "s": math.sqrt(4.0 * math.pi)}


def _dark_plan(exp, model, coupling_parameter, mass_parameter, grid):
    """Load and check a model scan before any work: the parameters exist, the model at the lowest and
    highest grid value factorises in the coupling parameter (rates.dark.coupling_scaling)."""
    from hnlreach.models.files import load_model
    from hnlreach.models.dark_sector import DarkSector
    from hnlreach.rates import dark

    model = model if isinstance(model, DarkSector) else load_model(model)
    if coupling_parameter is None:
        raise HNLInputError("a model scan needs the coupling parameter of the y-axis: --coupling-parameter NAME "
                            "(e.g. Umu4, UD4, gD, epsilon, mu_tr_mu4)")
    mass_parameter = mass_parameter or "m4"
    if mass_parameter not in dark.MASS_PARAMETERS:
        raise HNLInputError(f"--mass-parameter must be one of {', '.join(dark.MASS_PARAMETERS)}, got {mass_parameter!r}")
    ends = [dark.with_parameter(model, mass_parameter, float(x)) for x in (grid[0], grid[-1])]
    hnls = range(4, 4 + len(model.masses))
    scalings = [{j: dark.coupling_scaling(m, coupling_parameter, j) for j in hnls} for m in ends]
    both = {j: dark.merge_scalings(scalings[0][j], scalings[1][j]) for j in hnls}  # channels open at either end
    scaling = both if len(model.masses) > 1 else both[4]
    for m in ends:
        tops = [j for j in hnls if any(dark.rates_couples(m, f.flavour, j) for f in exp.fluxes)]
        if not tops:
            dark.fluxes_for(exp, m, 4)  # the error message
        seen = {c for j in hnls for c, w in dark.DarkHNL(m, j).partial_widths.items() if w > 0}
        if not seen & set(exp.signal.channels):
            raise HNLInputError(f"no HNL of the model decays into the signal channels of {exp.name} "
                                f"({', '.join(exp.signal.channels)}) at {mass_parameter} = {getattr(m, mass_parameter):g} "
                                f"GeV; their channels: {', '.join(sorted(seen))}")
    y0 = abs(scalings[0][4].y0)
    hi = math.inf
    for name in dark.coupling_names(coupling_parameter):  # every scaled parameter within its cap
        where, _ = dark._locate(name)
        v = abs(dark.get_parameter(model, name))
        cap = PARAMETER_CAPS.get(where if where != "field" else name, 1e3 * v)
        hi = min(hi, (cap if v <= cap else 100.0 * v) * y0 / v)
    return DarkPlan(model, coupling_parameter, mass_parameter, scaling, (min(1e-8 * y0, 1e-3 * hi), hi))


def plan_limit(experiment, *, mixing=None, dipole=None, model=None, majorana=None, cl=None, masses=None,
               n_hnl=None, seed=1, jobs=None, scheduler=None, refine=REFINE_STEPS, precision=PRECISION,
               cache=True, coupling_parameter=None, mass_parameter=None) -> LimitPlan:
    """Check every input of :func:`limit` (HNLInputError with a one-line message) without scanning."""
    from hnlreach.experiments import Experiment, load_experiment

    exp = experiment if isinstance(experiment, Experiment) else load_experiment(str(experiment))
    dark = None
    if model is not None:
        given = [k for k, v in (("mixing", mixing), ("dipole", dipole), ("majorana", majorana)) if v is not None]
        if given:
            raise HNLInputError(f"{', '.join(given)} cannot be combined with a model file (the model sets them)")
        dipole = dark_flavour(exp)  # upscattering: the preset's [analysis.dipole] selection and statistics
        exp = exp.for_model(None, dipole)
        grid = _grid(masses, exp)
        dark = _dark_plan(exp, model, coupling_parameter, mass_parameter, grid)
        majorana = dark.model.majorana
    elif coupling_parameter is not None or mass_parameter is not None:
        raise HNLInputError("--coupling-parameter and --mass-parameter go with --model FILE")
    else:
        mixing, dipole, majorana = resolve_model(exp, mixing, dipole, majorana)
        exp = exp.for_model(mixing, dipole)  # [analysis.mixing|dipole]: masses, n_hnl, statistics, efficiencies
        grid = _grid(masses, exp)
    st = exp.statistics
    if cl is not None:
        if isinstance(cl, bool) or not isinstance(cl, (int, float)) or not (math.isfinite(cl) and 0 < cl < 1):
            raise HNLInputError(f"--cl must be between 0 and 1, got {cl}")
        if st.method == "fixed" and not math.isclose(cl, st.cl):
            raise HNLInputError(f"--cl {cl:g}: experiment {exp.name} uses a fixed signal threshold N > "
                                f"{st.n_limit:g} (statistics.method = 'fixed'), its CL cannot be changed")
    cl = st.cl if cl is None else float(cl)
    n_hnl = exp.model.n_hnl if n_hnl is None else n_hnl
    if isinstance(n_hnl, bool) or not isinstance(n_hnl, (int, np.integer)) or n_hnl < 1:
        raise HNLInputError(f"--n-hnl must be a positive integer, got {n_hnl}")
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, (int, np.integer)) or jobs < 1):
        raise HNLInputError(f"--jobs must be a positive integer, got {jobs}")
    if isinstance(refine, bool) or not isinstance(refine, (int, np.integer)) or not 0 <= refine <= 20:
        raise HNLInputError(f"--refine must be an integer between 0 and 20, got {refine}")
    if precision is not None and (isinstance(precision, bool) or not isinstance(precision, (int, float))
                                  or not (math.isfinite(precision) and precision >= 0)):
        raise HNLInputError(f"--precision must be a non-negative relative error, got {precision}")
    from hnlreach.checks import check_memory, check_scheduler
    from hnlreach.rates.engine import BYTES_PER_HNL

    parallel = 1 if scheduler is not None else min(jobs or os.cpu_count() or 1, grid.size)
    check_memory(n_hnl * parallel, BYTES_PER_HNL, "--n-hnl x parallel jobs", "lower --n-hnl or --jobs")
    check_scheduler(scheduler)  # malformed or unreachable: fail in ~2 s, not after a 30 s timeout
    n_limit = st.events_limit(cl)
    return LimitPlan(exp, mixing, dipole, majorana, cl, float(n_limit), grid, int(n_hnl), check_seed(seed),
                     None if jobs is None else int(jobs), scheduler, int(refine),
                     float(precision) if precision else None, bool(cache),
                     isinstance(experiment, Experiment), dark)


def dark_flavour(exp) -> str:
    """The flux flavour whose [analysis.dipole] (upscattering) analysis a dark-sector model uses."""
    from hnlreach.physics.constants import FLAVOURS

    for fl in FLAVOURS:
        if any(f.flavour == fl for f in exp.fluxes):
            return "mu" if any(f.flavour == "mu" for f in exp.fluxes) else fl
    raise HNLInputError(f"experiment {exp.name} has no neutrino flux: dark-sector models are produced by upscattering")


# --- production channels of an experiment --------------------------------------------------------
def production_table(experiment, mass: float, mixing=None) -> dict:
    """The production channels an experiment uses at one HNL mass (``hnlreach production --experiment``).

    experiment: a preset name, a TOML file or an Experiment; mixing: a flavour pattern (default: the
    preset's).  Per source (name, parent, site, yield per POT): ``kept`` = channel -> BR per unit total
    |U|^2 as the engine uses them (rates.engine.production_channels, the [production] filter applied),
    ``removed`` = the open channels that filter drops.  BRs of direct channels equal
    physics.production.production_branching_ratios (``hnlreach production``)."""
    from dataclasses import replace

    from hnlreach.experiments import Experiment, load_experiment
    from hnlreach.model import HNL, flavour_pattern
    from hnlreach.rates.engine import production_channels

    exp = experiment if isinstance(experiment, Experiment) else load_experiment(str(experiment))
    HNL(mass)  # the mass check of `hnlreach production` / `hnlreach decay`
    if mixing is None:
        mixing = exp.model.mixing
        if mixing is None:
            raise HNLInputError(f"experiment {exp.name} has no default mixing pattern (its model is the dipole "
                                "portal, made by upscattering): give --mixing")
    pattern = flavour_pattern(mixing)
    exp.check_model(mixing, None)  # one line listing the models the preset can produce
    rows = []
    for src in exp.sources:
        kept = production_channels(src, mass, pattern)
        every = production_channels(replace(src, production=None), mass, pattern)  # the same, unfiltered
        rows.append({"name": src.name, "parent": src.parent, "site": src.site.name,
                     "yield_per_pot": float(src.yield_per_pot),
                     "kept": {c: float(br) for c, (_, br) in kept.items()},
                     "removed": {c: float(br) for c, (_, br) in every.items() if c not in kept}})
    filters = {s.production for s in exp.sources if s.production is not None}
    flt = next(iter(filters), None)
    return {"experiment": exp.name, "mass_GeV": float(mass), "mixing": dict(zip(FLAVOURS, map(float, pattern))),
            "production_filter": None if flt is None else {"include": list(flt.include), "exclude": list(flt.exclude)},
            "sampler": exp.sampler is not None, "sources": rows}


# --- progress ----------------------------------------------------------------------------------
class _Feedback:
    """Per-mass feedback on stderr: a tqdm bar with ETA ('bar'), one line per mass ('lines'),
    nothing ('none'), or a user callback(mass_result)."""

    def __init__(self, mode, total: int, coupling: Coupling):
        self.callback = mode if callable(mode) else None
        if mode is None or mode is True or mode == "auto":
            mode = "bar" if sys.stderr.isatty() else "lines"
        elif mode is False:
            mode = "none"
        if not self.callback and mode not in ("bar", "lines", "none"):
            raise HNLInputError(f"progress must be 'auto', 'bar', 'lines', 'none', a bool or a callable, got {mode!r}")
        self.mode = "callback" if self.callback else mode
        self.total, self.done, self.coupling, self.bar = total, 0, coupling, None
        if self.mode == "bar":
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="mass", desc="hnlreach limit", file=sys.stderr, leave=True,
                             dynamic_ncols=True)

    def add(self, n: int) -> None:
        self.total += n
        if self.bar is not None:
            self.bar.total = self.total
            self.bar.refresh()

    def __call__(self, r) -> None:
        self.done += 1
        if self.callback:
            self.callback(r)
        elif self.bar is not None:
            self.bar.update(1)
        elif self.mode == "lines":
            if r.intervals:
                lo, hi = r.intervals[0]
                what = (f"{self.coupling.symbol} {'<' if r.open_lower else ''}{lo:.3g} .. "
                        f"{hi:.3g}{' (scan edge, open)' if r.open_upper and len(r.intervals) == 1 else ''}")
                if len(r.intervals) > 1:
                    what += f" (+{len(r.intervals) - 1} more interval(s))"
            else:
                what = "nothing excluded"
            sys.stderr.write(f"hnlreach: mass {self.done}/{self.total}  m = {r.mass:.4g} GeV: {what}  "
                             f"[{r.seconds:.1f} s]\n")
            sys.stderr.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# --- the scan ----------------------------------------------------------------------------------
def limit(experiment, *, mixing: str | None = None, dipole: str | None = None, model=None,
          majorana: bool | None = None, cl: float | None = None, masses=None, n_hnl: int | None = None,
          seed: int = 1, jobs: int | None = None, scheduler=None, progress=None,
          refine: int = REFINE_STEPS, precision: float | None = PRECISION, cache: bool = True,
          coupling_parameter: str | None = None, mass_parameter: str | None = None) -> "LimitResult":
    """Excluded coupling interval(s) per HNL mass for `experiment` (preset name, TOML path or
    Experiment).

    mixing: 'e' | 'mu' | 'tau' | 'A:B:C' (|U|^2 spread over e:mu:tau); dipole: 'e' | 'mu' | 'tau'
    (d in GeV^-1); neither: the preset's model.  model: a dark-sector model (file path or
    hnlreach.models.DarkSector, docs/models.md): the scan is over mass_parameter (default 'm4', values
    from masses) x coupling_parameter (a DarkNews name, e.g. 'Umu4'; required), all other parameters at the
    file's values; the rate must factorise in coupling_parameter (hnlreach.rates.dark.coupling_scaling,
    HNLInputError otherwise).  majorana: True/False, None = the preset's.  cl: confidence level, None = the
    preset's (a preset with a fixed event threshold rejects a different CL).  masses: 'MIN:MAX:N'
    (see hnlreach.scan.parse_mass_grid), a list of GeV, or None = the preset's grid.  n_hnl: HNLs
    per mass (None = the preset's).  seed: 0 <= seed < 2**32 (1, as the CLI).  jobs: local
    processes (None = all cores); scheduler: Dask address or Client.  progress: 'auto' (a bar
    with ETA on a terminal, one line per mass otherwise), 'bar', 'lines', 'none'/False or a
    callable(hnlreach.scan.MassResult).  refine: the mass where the exclusion
    starts or ends between two grid masses is resolved to 2**-refine of the grid step, in
    ceil(refine / 2) rounds (hnlreach.scan.tip_schedule; 0: grid only).  precision: target relative MC error of
    every boundary coupling; each mass's sample grows from n_hnl until it is met (hnlreach.scan,
    capped at 16 x n_hnl); 0 or None: one sample of n_hnl.  cache: reuse and store the per-mass
    samples of precision scans on disk (hnlreach.cache, $XDG_CACHE_HOME/hnlreach).

    Bad input raises HNLInputError before any scan. Returns a LimitResult.
    """
    return run_limit(plan_limit(experiment, mixing=mixing, dipole=dipole, model=model, majorana=majorana,
                                cl=cl, masses=masses, n_hnl=n_hnl, seed=seed, jobs=jobs,
                                scheduler=scheduler, refine=refine, precision=precision, cache=cache,
                                coupling_parameter=coupling_parameter, mass_parameter=mass_parameter),
                     progress=progress)


def scan_plan(plan: LimitPlan, progress=None):
    """The scan of a checked plan: the grid, then the refinement of the mass reach (scan.tip_schedule)
    (hnlreach.scan.scan_adaptive, tips only); an hnlreach.scan.ScanResult."""
    from hnlreach.scan import scan_adaptive, tip_schedule

    exp, kind = plan.exp, "mixing" if plan.mixing else "dipole"
    g_range = G_RANGE[kind] if plan.dark is None else plan.dark.g_range
    # an Experiment object goes to the workers as it is (pickled), a preset by its path
    where = exp if plan.in_memory else str(exp.path)
    if plan.dark is None:
        factory = functools.partial(sample_at, experiment=where, mixing=plan.mixing, dipole=plan.dipole,
                                    majorana=plan.majorana, n_hnl=plan.n_hnl)
    else:
        from hnlreach.rates.dark import dark_sample_at

        d = plan.dark
        factory = functools.partial(dark_sample_at, experiment=where, model=d.model, parameter=d.parameter,
                                    mass_parameter=d.mass_parameter, n_hnl=plan.n_hnl, scaling=d.scaling)
    if plan.precision and plan.cache:  # samples of (mass, seed, round) reused across runs
        from hnlreach.cache import cached_factory, object_hash

        extra = {"object": object_hash(exp)} if plan.in_memory else {}
        if plan.dark is not None:
            extra.update(model=object_hash(plan.dark.model), parameter=plan.dark.parameter,
                         mass_parameter=plan.dark.mass_parameter, sample="DarkSample")
        factory = cached_factory(factory, exp.path, mixing=plan.mixing, dipole=plan.dipole, majorana=plan.majorana,
                                 **extra)
    feedback = progress if isinstance(progress, _Feedback) else _Feedback(progress, len(plan.grid), plan.coupling)
    try:
        return scan_adaptive(plan.grid, factory, plan.n_limit, g_range, bend=None, tip_parts=tip_schedule(plan.refine),
                             max_masses=len(plan.grid) * (1 + plan.refine), seed=plan.seed, on_new=feedback.add,
                             jobs=plan.jobs, scheduler=plan.scheduler, progress=feedback, precision=plan.precision)
    finally:
        feedback.close()


def run_limit(plan: LimitPlan, progress=None) -> "LimitResult":
    """Run a checked plan (plan_limit): the grid scan, then the refinement of the mass reach."""
    from hnlreach.outputs.tables import package_versions

    t0 = time.perf_counter()
    exp, kind = plan.exp, "mixing" if plan.mixing else "dipole"
    g_range = G_RANGE[kind] if plan.dark is None else plan.dark.g_range
    scan = scan_plan(plan, progress)
    results = scan.results
    return LimitResult(
        experiment=exp.name, coupling=plan.coupling,
        model=_model_record(plan),
        cl=plan.cl, n_limit=plan.n_limit,
        masses=np.array([r.mass for r in results]),
        intervals=[[tuple(map(float, iv)) for iv in r.intervals] for r in results],
        open_lower=np.array([r.open_lower for r in results], dtype=bool),
        open_upper=np.array([r.open_upper for r in results], dtype=bool),
        mc=[dict(r.stats) for r in results], refined=scan.refined, seeds=scan.seeds,
        mass_seconds=np.array([r.seconds for r in results]),
        seed=plan.seed, n_hnl=plan.n_hnl, coupling_range=g_range,
        exposure={"pot": exp.beam.pot, "runs": [list(r) for r in exp.beam.runs]},
        provenance=exp.provenance, statistics_method=exp.statistics.method,
        versions=package_versions(), seconds=time.perf_counter() - t0,
        jobs=plan.jobs if plan.scheduler is None else None)


def _model_record(plan) -> dict:
    """The sidecar's model entry: the flags, or the dark-sector model with its scan axes and scaling."""
    rec = {"mixing": plan.mixing, "dipole": plan.dipole, "nature": "Majorana" if plan.majorana else "Dirac"}
    if plan.dark is not None:
        d = plan.dark
        from hnlreach.rates.dark import darknews_names

        rec = {"nature": rec["nature"], "dark_sector": d.model.name, "parameters": darknews_names(d.model),
               "mass_parameter": d.mass_parameter, "coupling_parameter": d.parameter,
               "coupling_reference": d.g_reference, "scaling": d.describe()}
    return rec


# --- the result --------------------------------------------------------------------------------
@dataclass
class LimitResult:
    """Excluded coupling intervals per mass, with everything needed to judge them.

    masses [GeV] ascending; intervals[i]: every excluded (lo, hi) at masses[i], ascending (the
    first is the *main* interval); open_lower[i] / open_upper[i]: the lowest interval's lower /
    the highest interval's upper end is the edge of the scanned coupling range (the cap |U|^2 = 1,
    d = 0.1 GeV^-1), not a limit; mc[i]: the engine's MC statistics (``rel_mc_error_at_boundaries``:
    relative MC error of N at each interval end); refined[i]: mass added by the refinement of the
    mass reach.  lower/upper: the main interval, NaN where nothing is excluded.
    """

    experiment: str
    coupling: Coupling
    model: dict
    cl: float
    n_limit: float
    masses: np.ndarray
    intervals: list
    open_lower: np.ndarray
    open_upper: np.ndarray
    mc: list = field(default_factory=list)
    refined: np.ndarray | None = None
    seeds: list = field(default_factory=list)
    mass_seconds: np.ndarray | None = None
    seed: int | None = None
    n_hnl: int | None = None
    coupling_range: tuple | None = None
    exposure: Any = None
    provenance: str = ""
    statistics_method: str = ""
    versions: dict = field(default_factory=dict)
    seconds: float = 0.0
    jobs: int | None = None

    def __post_init__(self):
        n = len(self.masses)
        self.masses = np.asarray(self.masses, dtype=float)
        if self.refined is None:
            self.refined = np.zeros(n, dtype=bool)
        if self.mass_seconds is None:
            self.mass_seconds = np.zeros(n)
        if not self.mc:
            self.mc = [{} for _ in range(n)]
        if not self.seeds:
            self.seeds = [None] * n

    # ---- views
    @property
    def lower(self) -> np.ndarray:
        """Lower bound of the main interval per mass (NaN: nothing excluded)."""
        return np.array([iv[0][0] if iv else np.nan for iv in self.intervals])

    @property
    def upper(self) -> np.ndarray:
        """Upper bound of the main interval per mass (NaN: nothing excluded)."""
        return np.array([iv[0][1] if iv else np.nan for iv in self.intervals])

    @property
    def n_intervals(self) -> np.ndarray:
        return np.array([len(iv) for iv in self.intervals], dtype=int)

    @property
    def excluded(self) -> np.ndarray:
        return self.n_intervals > 0

    def main_open(self, i: int) -> tuple[bool, bool]:
        """(lower open, upper open) of the main interval at mass i."""
        ivs = self.intervals[i]
        if not ivs:
            return False, False
        return bool(self.open_lower[i]), bool(self.open_upper[i] and len(ivs) == 1)

    def boundary_errors(self, key: str = "rel_mc_error_at_boundaries") -> list[tuple[float, str, float]]:
        """(mass, 'lower'|'upper', relative MC error) at every closed interval end: of N (default) or,
        with key='rel_coupling_error_at_boundaries', of the boundary coupling itself."""
        out = []
        for i, m in enumerate(self.masses):
            errs = self.mc[i].get(key) if self.mc[i] else None
            ivs = self.intervals[i]
            if not errs or len(errs) != 2 * len(ivs):
                continue
            for k, e in enumerate(errs):
                first, last = k == 0, k == len(errs) - 1
                if (first and self.open_lower[i]) or (last and self.open_upper[i]) or e is None:
                    continue
                if math.isfinite(e):
                    out.append((float(m), "lower" if k % 2 == 0 else "upper", float(e)))
        return out

    # ---- outputs
    def to_dataframe(self):
        """pandas DataFrame with the CSV's columns (NaN where nothing is excluded)."""
        import pandas as pd

        flags = [self.main_open(i) for i in range(len(self.masses))]
        return pd.DataFrame({"mass_GeV": self.masses, "lower": self.lower, "upper": self.upper,
                             "lower_open": [f[0] for f in flags], "upper_open": [f[1] for f in flags],
                             "n_intervals": self.n_intervals, "refined": self.refined})

    def to_csv(self, path, sidecar: bool = True) -> list[Path]:
        """Write the CSV (format: hnlreach.outputs.tables) and, by default, its JSON sidecar
        (F.csv -> F.json) atomically; returns the paths written."""
        from hnlreach.outputs import tables
        from hnlreach.outputs.atomic import atomic_write_text

        if sidecar:
            return [p for p in tables.write_limit_outputs(path, self) if p is not None]  # no sidecar by a device
        return [atomic_write_text(path, tables.limit_csv_text(self))]

    def to_csv_text(self) -> str:
        from hnlreach.outputs import tables

        return tables.limit_csv_text(self)

    def to_json(self, path) -> Path:
        """Write everything (all intervals, open flags, MC statistics, provenance) as JSON."""
        from hnlreach.outputs import tables

        return tables.write_json(path, self)

    def plot(self, path=None, overlays: Sequence[str] = (), *, title: str | None = None, style: str | None = None):
        """Exclusion plot (hnlreach.outputs.plot.plot_limit): saved to `path` (format from the
        suffix) and the path returned, or, without a path, the matplotlib Figure.  overlays:
        published-curve names (hnlreach.outputs.published) or files (header format there)."""
        from hnlreach.outputs.plot import plot_limit

        return plot_limit(self, path, overlays=overlays, title=title, style=style)

    def title(self) -> str:
        parts = [self.coupling.mathtext.split(" [")[0], self.model.get("nature", "")]
        if math.isfinite(self.cl):
            parts.append(f"{100 * self.cl:g} % CL")
        return f"{self.experiment}: " + ", ".join(p for p in parts if p)

    def summary(self, files: Sequence = ()) -> str:
        """A few lines: files written, excluded mass range, strongest limit, open edges, MC
        precision reached, time taken."""
        c = self.coupling
        n_grid, n_ref = int((~self.refined).sum()), int(self.refined.sum())
        lines = [f"hnlreach limit {self.experiment}: {c.text}, {self.model.get('nature', '')}, "
                 f"{100 * self.cl:g} % CL (N > {self.n_limit:.3g}); {n_grid} masses"
                 + (f" + {n_ref} to resolve the mass reach" if n_ref else "")
                 + (f", {self.n_hnl} HNLs per mass" if self.n_hnl else "")
                 + (f", seed {self.seed}" if self.seed is not None else "")]
        if files:
            lines.append("  wrote " + ", ".join(str(f) for f in files))
        ex = self.excluded
        if not ex.any():
            lines.append("  nothing excluded at any mass")
        else:
            m_ex = self.masses[ex]
            edges = []
            if ex[0]:
                edges.append(f"the lowest mass scanned ({self.masses[0]:.4g} GeV) is excluded: the region continues below")
            if ex[-1]:
                edges.append(f"the highest mass scanned ({self.masses[-1]:.4g} GeV) is excluded: the region continues above")
            gaps = int(np.sum(ex[1:] & ~ex[:-1])) + int(ex[0]) > 1
            lines.append(f"  excluded: {m_ex.min():.4g}-{m_ex.max():.4g} GeV"
                         + (" (with gaps)" if gaps else "") + ("; " + "; ".join(edges) if edges else ""))
            lo = self.lower
            i = int(np.nanargmin(np.where(ex, lo, np.nan)))
            opn = " (open: beyond the scanned range)" if self.open_lower[i] else ""
            lines.append(f"  strongest limit: {c.symbol} < {lo[i]:.3g}{opn} at {self.masses[i]:.4g} GeV")
            op = [self.masses[k] for k in range(len(self.masses)) if self.main_open(k)[1]]
            if op:
                cap = self.coupling_range[1] if self.coupling_range else float("nan")
                lines.append(f"  upper boundary open (scan cap {c.symbol} = {cap:g}, not a limit) at "
                             f"{min(op):.4g}-{max(op):.4g} GeV")
        for key, what, warn in (("rel_mc_error_at_boundaries", "of N at the boundaries", None),
                                ("rel_coupling_error_at_boundaries", f"of the boundary {c.symbol}", 0.1)):
            errs = self.boundary_errors(key)
            if not errs:
                continue
            e = np.array([x[2] for x in errs])
            worst = errs[int(np.argmax(e))]
            lines.append(f"  MC precision: relative error {what}: median {100 * np.median(e):.2g} %, "
                         f"worst {100 * worst[2]:.2g} % ({worst[1]} boundary at {worst[0]:.4g} GeV)"
                         + ("; raise n_hnl (--n-hnl) for a smoother contour" if warn and worst[2] > warn else ""))
        if self.seconds:
            lines.append(f"  time: {self.seconds:.1f} s")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<LimitResult {self.experiment} {self.coupling.text} {self.model.get('nature', '')} "
                f"{100 * self.cl:g}% CL, {len(self.masses)} masses>")

    # ---- reading back
    @classmethod
    def from_dict(cls, meta: dict) -> "LimitResult":
        """From a sidecar dict (hnlreach.outputs.tables.sidecar_dict)."""
        ms = meta["masses"]
        return cls(
            experiment=meta.get("experiment") or "", coupling=Coupling.parse(meta["coupling"]),
            model=meta.get("model") or {}, cl=float(meta.get("cl") or float("nan")),
            n_limit=float(meta.get("n_limit") or float("nan")),
            masses=np.array([m["mass_GeV"] for m in ms], dtype=float),
            intervals=[[tuple(iv) for iv in m["intervals"]] for m in ms],
            open_lower=np.array([bool(m.get("open_lower")) for m in ms]),
            open_upper=np.array([bool(m.get("open_upper")) for m in ms]),
            mc=[m.get("mc") or {} for m in ms], refined=np.array([bool(m.get("refined")) for m in ms]),
            seeds=[m.get("seed") for m in ms], mass_seconds=np.array([m.get("wall_seconds") or 0.0 for m in ms]),
            seed=meta.get("seed"), n_hnl=meta.get("n_hnl"),
            coupling_range=tuple(meta["coupling_range"]) if meta.get("coupling_range") else None,
            exposure=meta.get("exposure"), provenance=meta.get("provenance") or "",
            statistics_method=meta.get("statistics_method") or "", versions=meta.get("versions") or {},
            seconds=float(meta.get("seconds") or 0.0))


def read_limit(path) -> LimitResult:
    """A saved limit (CSV or JSON sidecar) as a LimitResult.  A CSV with its sidecar next to it
    is read from the sidecar (all intervals); a CSV alone gives the main interval per mass."""
    from hnlreach.outputs import tables

    p = Path(path)
    if not p.is_file():
        raise HNLInputError(f"no such file: {path}")
    if p.suffix.lower() == ".json":
        return LimitResult.from_dict(tables.read_sidecar(p))
    side = tables.sidecar_path(p)
    if side.is_file():
        meta = tables.read_sidecar(side)
        if meta.get("csv") == p.name:
            return LimitResult.from_dict(meta)
    t = tables.read_limit_csv(p)
    if t["coupling"] is None:
        raise HNLInputError(f"{path}: no '# coupling:' line; cannot tell which coupling the table is on")
    ivs = [[(lo, hi)] if np.isfinite(lo) and np.isfinite(hi) else [] for lo, hi in zip(t["lower"], t["upper"])]
    return LimitResult(experiment=p.stem, coupling=Coupling.parse(t["coupling"]), model={}, cl=float("nan"),
                       n_limit=float("nan"), masses=t["masses"], intervals=ivs,
                       open_lower=t["lower_open"], open_upper=t["upper_open"])
