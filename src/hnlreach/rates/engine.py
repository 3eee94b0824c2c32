"""Weighted HNL samples and analytic coupling reweighting (DESIGN.md, "The speed idea").

For a fixed mass and flavour pattern every weight factorises in the coupling g: production
∝ g^k and total width Γ = g^k Γ_1 (k = 1 for mixing with g = |U|^2, k = 2 for the dipole with
g = d), with branching ratios independent of g.  One weighted sample per (experiment, mass)
therefore gives, for every g,

    N(g) = g^k sum_i w_i a_i [exp(-λ_i l1_i) - exp(-λ_i l2_i)],   λ_i = g^k Γ_1 m / (p_i ħc)

(w_i: HNLs per unit g^k including the exposure; (l1, l2): entry/exit of the fiducial
volume along the HNL's line of flight; a_i: visible branching ratio x selection x efficiency,
evaluated with decay products sampled once at a decay point inside the segment).  Each fiducial
segment can be split into ``strata`` sub-segments with their own decay point, which makes
position-dependent cuts exact up to the stratum size also at short lifetimes.

Samples: ``mixing_sample`` (meson / tau decays at production sites) and ``upscattering_sample``
(ν A -> N A through the dipole, interaction points along the line of sight through every
material, importance-sampled in energy, transverse position and depth: rates/interaction_points.py).  ``simulate_at_coupling`` is the independent check:
decay positions drawn explicitly at one coupling.
"""
from __future__ import annotations

import functools

from dataclasses import dataclass, field

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics.constants import FLAVOURS, HBARC_GEV_M
from hnlreach.physics.kinematics import as_generator

_SERIES_X = 1e-3  # lambda l2 below which n(g) uses the series (next term < x^4/5! = 1e-14)
_SERIES_TERMS = 4
_CHUNK = 1 << 21  # (couplings x entries) evaluated per block
_RAY_CHUNK = 8192  # rays traced per block in upscattering_hnls


def segment_decay_probability(lam, l1, l2):
    """Probability exp(-λ l1) - exp(-λ l2) to decay between l1 and l2 (λ = 1/decay length)."""
    return np.exp(-lam * l1) * -np.expm1(-lam * (l2 - l1))


def sample_decay_distance(lam, l1, l2, u):
    """Inverse CDF of the exponential decay law truncated to [l1, l2] at uniforms u: the decay
    point of an HNL known to decay in the segment (uniform in the limit λ (l2 - l1) -> 0)."""
    x = lam * (l2 - l1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = -np.log1p(u * np.expm1(-x)) / lam
    return l1 + np.where(x > 1e-9, t, u * (l2 - l1))


@dataclass
class ReweightableSample:
    """Decay-volume entries of one weighted HNL sample at one mass; see module docstring."""

    mass: float
    width1: float  # total width at g = 1 [GeV]
    power: int  # production and width ∝ g**power
    weight: np.ndarray  # HNLs per unit g**power (exposure included)
    p: np.ndarray  # |p| [GeV]
    l1: np.ndarray  # [m]
    l2: np.ndarray  # [m]
    acceptance: np.ndarray  # BR_vis x selection x efficiency
    n_generated: int = 0
    info: dict = field(default_factory=dict)
    hnl_index: np.ndarray | None = None  # optional: producing HNL of each entry (non-decreasing)

    def _terms(self, g):
        """(n_g, n_entries) contributions to N at couplings g (1D array)."""
        gk = np.asarray(g, dtype=float) ** self.power
        lam_per_gk = self.width1 * self.mass / (self.p * HBARC_GEV_M)  # 1/m at g = 1
        wa = self.weight * self.acceptance
        lam = gk[:, None] * lam_per_gk[None, :]
        return gk[:, None] * wa[None, :] * segment_decay_probability(lam, self.l1, self.l2)

    def _reduce(self, g, fn):
        g = np.asarray(g, dtype=float)
        flat = g.ravel()
        if np.any(~np.isfinite(flat)) or np.any(flat < 0):
            raise HNLInputError("couplings must be finite and non-negative")
        out = np.zeros(flat.size)
        step = max(1, _CHUNK // max(self.p.size, 1))
        for i in range(0, flat.size, step):
            out[i:i + step] = fn(self._terms(flat[i:i + step]))
        return out.reshape(g.shape)

    @property
    def stats(self) -> dict:
        """Monte Carlo statistics (for the limit sidecar)."""
        return {"n_generated": int(self.n_generated), "n_entries": int(self.p.size),
                "sum_weights": float(np.sum(self.weight)), "power": self.power,
                "width_at_unit_coupling_GeV": float(self.width1)}

    def n(self, g):
        """Expected signal events at coupling(s) g (vectorised).  Entries whose decay probability
        is in the long-lifetime regime at g (lambda l2 < _SERIES_X) are summed through the power
        series of exp(-lambda l1) - exp(-lambda l2) (moments accumulated once per sample,
        truncation < 1e-14 relative), the others exactly."""
        g = np.asarray(g, dtype=float)
        flat = g.ravel()
        if flat.size < 4 or self.p.size < 1024:
            return self._reduce(g, lambda t: t.sum(axis=1))
        if np.any(~np.isfinite(flat)) or np.any(flat < 0):
            raise HNLInputError("couplings must be finite and non-negative")
        x, moments, lam, wa, l1, l2 = self._series()
        out = np.empty(flat.size)
        for i, gi in enumerate(flat):
            gk = gi ** self.power
            k = int(np.searchsorted(x, _SERIES_X / gk, side="left")) if gk > 0 else x.size
            series = 0.0
            if k > 0:
                powers = (-1.0) ** np.arange(_SERIES_TERMS) * gk ** np.arange(1, _SERIES_TERMS + 1)
                series = float(powers @ moments[:, k - 1])
            exact = 0.0
            if k < x.size:
                exact = float(np.sum(wa[k:] * segment_decay_probability(gk * lam[k:], l1[k:], l2[k:])))
            out[i] = gk * (series + exact)
        return out.reshape(g.shape)

    def _series(self):
        """Entries sorted by lambda l2 at g = 1 and the cumulative moments
        M_j = sum w a lambda^j (l2^j - l1^j) / j!, j = 1.._SERIES_TERMS (cached on the sample)."""
        cache = self.__dict__.get("_series_cache")
        if cache is None:
            from math import factorial

            lam = self.width1 * self.mass / (self.p * HBARC_GEV_M)
            x = lam * self.l2
            order = np.argsort(x, kind="stable")
            lam, l1, l2 = lam[order], self.l1[order], self.l2[order]
            wa = (self.weight * self.acceptance)[order]
            moments = np.array([np.cumsum(wa * lam ** j * (l2 ** j - l1 ** j)) / factorial(j)
                                for j in range(1, _SERIES_TERMS + 1)])
            cache = self.__dict__["_series_cache"] = (x[order], moments, lam, wa, l1, l2)
        return cache

    def mc_error(self, g):
        """Monte Carlo error of n(g): sqrt(sum of squared contributions of the generated HNLs);
        with ``hnl_index`` the entries of one HNL (several fiducial volumes, strata) are summed
        first, since they are correlated."""
        if self.hnl_index is None or self.hnl_index.size == 0:
            return self._reduce(g, lambda t: np.sqrt(np.sum(t * t, axis=1)))
        starts = np.flatnonzero(np.r_[True, np.diff(self.hnl_index) != 0])
        return self._reduce(g, lambda t: np.sqrt(np.sum(np.add.reduceat(t, starts, axis=1) ** 2, axis=1)))

    def max_contribution(self, g):
        """Largest contribution of one generated HNL to n(g) (its entries summed)."""
        if self.hnl_index is None or self.hnl_index.size == 0:
            return self._reduce(g, lambda t: t.max(axis=1, initial=0.0))
        starts = np.flatnonzero(np.r_[True, np.diff(self.hnl_index) != 0])
        return self._reduce(g, lambda t: np.add.reduceat(t, starts, axis=1).max(axis=1, initial=0.0))

    @classmethod
    def merge(cls, samples: list[ReweightableSample]) -> ReweightableSample:
        s0 = samples[0]
        if any(s.mass != s0.mass or s.power != s0.power or s.width1 != s0.width1 for s in samples):
            raise ValueError("can only merge samples of the same mass, model and coupling power")
        cat = lambda a: np.concatenate([getattr(s, a) for s in samples])
        index = None
        if all(s.hnl_index is not None for s in samples):  # keep HNLs of different parts apart
            offsets = np.cumsum([0] + [int(s.hnl_index.max()) + 1 if s.hnl_index.size else 0 for s in samples])
            index = np.concatenate([s.hnl_index + o for s, o in zip(samples, offsets)])
        return cls(s0.mass, s0.width1, s0.power, cat("weight"), cat("p"), cat("l1"), cat("l2"),
                   cat("acceptance"), sum(s.n_generated for s in samples),
                   {"parts": [s.info for s in samples]}, index)


# --- model helpers ---------------------------------------------------------------------------
def reference_hnl(mass: float, *, mixing=None, dipole=None, majorana=False, dipole_normalisation="lagrangian"):
    """The HNL at unit coupling for a mixing pattern ('mu', '1:1:0') or a dipole flavour."""
    from hnlreach.model import HNL

    return HNL.from_pattern(mass, mixing=mixing, dipole=dipole, coupling=1.0, majorana=majorana,
                            dipole_normalisation=dipole_normalisation)


def signal_channels(experiment, hnl) -> dict[str, float]:
    """Open signal channels of the experiment with their branching ratios (g-independent).
    Channels a selection cannot see: an error or a warning (physics.unstable.check_channels_seeable)."""
    from hnlreach.physics.unstable import check_channels_seeable

    brs = hnl.branching_ratios
    out = {c: brs[c] for c in experiment.signal.channels if brs.get(c, 0.0) > 0.0}
    sel = getattr(experiment, "selection", None)
    check_channels_seeable(out, bool(sel is not None and sel.active), getattr(experiment, "name", ""))
    return out


# --- production at sites (meson and tau decays) ----------------------------------------------
@functools.lru_cache(maxsize=256)
def _production_branching_ratios(mass: float, pattern: tuple) -> dict[str, float]:
    """physics.production.production_branching_ratios, once per (mass, pattern) and process
    (every source and every round of a mass shares it).  Do not modify the returned dict."""
    from hnlreach.physics import production as prod

    return prod.production_branching_ratios(mass, pattern)


def production_channels(source, mass: float, pattern) -> dict[str, tuple[str, float]]:
    """Channel -> (kind, BR per unit total |U|^2) for a source: its parent's channels, plus the
    tau chain parent -> tau nu, tau -> N X if the source has tau_chain; only those the
    experiment's [production] table allows (source.production)."""
    from hnlreach.physics import production as prod
    from hnlreach.sources.meson_decays import chain_branching_ratio

    brs = _production_branching_ratios(float(mass), tuple(float(u) for u in pattern))
    out = {c: ("direct", br) for c, br in brs.items() if prod.CHANNELS[c].parent == source.parent}
    if source.tau_chain:
        u2 = dict(zip(FLAVOURS, pattern))
        for c in brs:
            ch = prod.CHANNELS[c]
            if ch.parent == "tau-":
                br_chain = float(chain_branching_ratio(c, mass, parent=source.parent))
                if getattr(source, "tau_branching_ratio", None) is not None:  # measured BR(parent -> tau nu)
                    br_chain = source.tau_branching_ratio * float(prod.channel_branching_ratio(c, mass))
                out[f"{source.parent} -> tau+ nu(tau), {c}"] = (c, br_chain * u2[ch.flavour])
    keep = getattr(source, "production", None)  # the experiment's [production] include / exclude
    return {c: v for c, v in out.items() if v[1] > 0.0 and (keep is None or keep.allows(c, source.parent))}


def _allocate(n_total: int, rates: np.ndarray) -> np.ndarray:
    """Split n_total HNLs over parts: half in proportion to rate, half equally (so that small
    parts keep a usable sample); at least 1 each (detection.argoneut, validation.nd280_dipole)."""
    frac = 0.5 * rates / rates.sum() + 0.5 / rates.size
    return np.maximum(1, np.round(n_total * frac).astype(int))


def _allocate_channels(n_total: int, rates: np.ndarray) -> np.ndarray:
    """Split n_total HNLs over production channels (and fluxes): half in proportion to rate, half in proportion
    to its square root (small channels keep a usable sample, while channels that cannot matter --
    tau -> 5 pi N at 1e-12 of the rate -- no longer take 1/(2 x channels) of it); at least 1 each."""
    share = rates / rates.sum()
    frac = 0.5 * share + 0.5 * np.sqrt(share) / np.sqrt(share).sum()
    return np.maximum(1, np.round(n_total * frac).astype(int))


def _production_history(kind: str, channel: str, mass: float, parents, rng, parent: str) -> dict:
    """Full production kinematics of one channel (for event records): every product of the
    decay that made the N (names, lab four-momenta (n, k, 4)), its mother's four-momentum and,
    for the tau chain, the original parent's.  Same draws as hnl_momenta_from_parents/_chain."""
    from hnlreach.physics.kinematics import boost_to_lab
    from hnlreach.sources.meson_decays import sample_channel_rest_frame, tau_from_parent

    grand, grand_sib = None, None
    mother = parents
    if kind != "direct":  # parent -> tau+ nu_tau (X), tau -> N X' (tau- kinematics, CP)
        grand, channel = parents, kind
        mother, grand_sib = tau_from_parent(parents, rng, parent, siblings=True)
    rest, names = sample_channel_rest_frame(channel, mass, mother.shape[0], rng)
    return {"channel": channel, "names": tuple(names), "products": boost_to_lab(rest, mother),
            "mother": mother, "grandmother": grand, "grand_siblings": grand_sib}


AIM_TRIES = 32  # rest-frame directions (a rotated Fibonacci lattice) tried per HNL aimed at the fiducial volumes (sources.directed.aimed_hnls)


TILT_POOL = 8  # candidate parents per sampled one in tilted_parents' resampling fallback (0: no tilt)
TILT_POWER = 2.0
# tilted_parents for tabulated spectra: (power k of the |p|^k tilt, share, pt) components; pt
# None: the table's directions, else directions in a cone around the fiducial volumes widened by
# pt / |p| (pt [GeV]: the HNL's transverse momentum to its parent, ~0.2 near a threshold, ~1 at
# most for D, D_s and tau decays).  The rest of the sample (1 - sum of shares) is the natural
# spectrum.  The powers span the momenta that carry the upper boundary at any mass (k = 64:
# SHiP, where it lies at the end of the spectrum, 300-360 GeV for 400 GeV protons).
TILT_COMPONENTS = tuple((k, 0.1, pt) for k in (0.0, 4.0, 16.0, 64.0) for pt in (0.2, 1.0))


def tilted_parents(src, n: int, rng, pool: int | None = None, power: float | None = None, targets=None):
    """n parents of a source with large momenta (and directions towards ``targets``, the fiducial
    volumes) favoured, with exact importance weights: (four-momenta, decay points, weights) as
    sources.decay_in_flight.source_parents.

    Short-lived HNLs reach a distant detector only from the fastest parents, so the
    high-coupling boundary is carried by the far tail of the parent spectrum, and only parents
    flying towards the detector can send a fast HNL into it.  A tabulated spectrum decaying at
    its site is sampled from a defensive mixture of the natural spectrum, |p|^k tilts and
    directions in a cone around them (``TabulatedSpectrum.sample_tilted``,
    TILT_COMPONENTS).  Other sources use importance
    resampling: pool x n candidates from the source, n of them picked with probabilities
    pi_j = 1/(2M) + |p_j|^k / (2 sum |p|^k) (M = pool x n, k = power), each with weight
    w_j / (M pi_j); unbiased since E[g(x_j) / (M pi_j)] = (1/M) sum_j g(x_j) (defensive
    mixture: Hesterberg, Technometrics 37 (1995) 185)."""
    from hnlreach.sources.decay_in_flight import source_parents
    from hnlreach.sources.directed import target_cone

    spectrum = getattr(src, "spectrum", None)
    if (hasattr(spectrum, "sample_tilted") and getattr(src, "decay_region", None) is None
            and getattr(src, "beamline", None) is None and pool is None and power is None):
        site = np.asarray(src.site.position_m, dtype=float)
        comps, cone = TILT_COMPONENTS, None
        if targets:
            axis, half = target_cone(site[None, :], targets)
            cone = (axis[0], float(half[0]))
        else:
            comps = tuple((k, share, None) for k, share, _ in comps)  # no detector: momenta only
        parents, w = spectrum.sample_tilted(int(n), rng, comps, cone)
        return parents, np.broadcast_to(site, (int(n), 3)), w
    pool = TILT_POOL if pool is None else pool
    power = TILT_POWER if power is None else power
    m = int(pool) * int(n)
    parents, origin, w_src = source_parents(src, m, rng)
    h = np.linalg.norm(parents[:, 1:], axis=1) ** power * (w_src > 0)
    pi = 0.5 / m + (0.5 * h / h.sum() if h.sum() > 0 else np.full(m, 0.5 / m))  # all at rest: no tilt
    pi = pi / pi.sum()
    k = rng.choice(m, size=int(n), p=pi)
    return parents[k], np.asarray(origin)[k], w_src[k] / (m * pi[k])


def produce(experiment, mass: float, pattern, n_hnl: int, rng, only_channels=None, sources=None,
            keep_events: bool = False, directed: bool | None = None):
    """Weighted HNLs from all sources: (weights per unit |U|^2, origins (n, 3), p4 (n, 4), labels).

    keep_events: also return, as a fifth element, the production history of each label's block
    of HNLs (list of ``_production_history`` dicts, in label order) for event records.
    directed: HNL directions aimed at the fiducial volumes (importance sampling,
    sources.directed.aimed_hnls: AIM_TRIES rest-frame directions per HNL, one that points at them
    kept with weight hits / tries, so every estimate is unchanged on average and its variance
    never larger than with one natural direction; parents decaying in flight: cone-uniform
    directions, sources.directed.directed_hnls); None (default) or True: whenever the
    signal has fiducial volumes, never with keep_events (the event records need every decay
    product); False: the decay's own direction.  Parents of tabulated spectra are drawn by
    ``tilted_parents`` (fast and detector-bound parents favoured), except with keep_events."""
    from hnlreach.sources.decay_in_flight import source_parents
    from hnlreach.sources.directed import aim, aim_inputs, directed_hnls, target_cone
    from hnlreach.sources.meson_decays import (
        hnl_momenta_from_chain,
        hnl_momenta_from_parents,
    )

    todo = []
    for src in experiment.sources:
        if sources is not None and src.name not in sources:
            continue
        site = src.site
        n_parents = experiment.beam.pot * site.pot_fraction * src.yield_per_pot
        for ch, (kind, br) in production_channels(src, mass, pattern).items():
            if only_channels is not None and ch not in only_channels:
                continue
            todo.append((src, ch, kind, n_parents * br))
    if not todo:
        empty = (np.zeros(0), np.zeros((0, 3)), np.zeros((0, 4)), [])
        return (*empty, []) if keep_events else empty
    alloc = _allocate_channels(n_hnl, np.array([t[3] for t in todo]))
    ws, os_, ps, labels, history = [], [], [], [], []
    targets = [experiment.fiducial[f] for f in experiment.signal.fiducial]
    tilted = {}  # parents of every channel of a source drawn at once (same distribution, one call)
    if not keep_events and TILT_POOL:
        for (src, ch, kind, rate), n in zip(todo, alloc):
            if getattr(src, "beamline", None) is None:
                tilted[id(src)] = (src, tilted.get(id(src), (src, 0))[1] + int(n))
        tilted = {key: [tilted_parents(src, n, rng, targets=targets), 0] for key, (src, n) in tilted.items()}
    aimed, cones = [], {}  # channels aimed at the fiducial volumes: one aim() call for all of them
    for (src, ch, kind, rate), n in zip(todo, alloc):
        beamline = getattr(src, "beamline", None)
        if id(src) in tilted:  # high momenta favoured (short lifetimes), weights exact
            drawn, start = tilted[id(src)]
            parents, origin, w_src = (np.asarray(x)[start:start + n] for x in drawn)
            tilted[id(src)][1] = start + n
        else:
            parents, origin, w_src = source_parents(src, n, rng)  # decay points: site or in flight
        if beamline is not None or (keep_events and _two_body_in_flight(src, kind, ch)):
            # distant detector: directions forced into it (event records: two-body, the lepton is P - N)
            p4, w_dir = directed_hnls(kind, ch, mass, parents, origin, targets, rng, src.parent)
            w_src = w_src * w_dir
            none = ~(w_dir > 0)  # no kinematic solution along the drawn direction: weight 0
            p4[none] = [mass + 1e-12, 0.0, 0.0, 1e-6]
            if keep_events:  # two-body: the lepton is P - N; otherwise only the N is recorded
                from hnlreach.physics import production as prod

                prods = prod.CHANNELS[ch].products if kind == "direct" else ()
                if len(prods) == 2:
                    names = tuple(prods)
                    both = np.stack([parents - p4 if nm != "N" else p4 for nm in names], axis=1)
                else:
                    names, both = ("N",), p4[:, None, :]
                history.append({"channel": ch, "names": names, "products": both,
                                "mother": parents, "grandmother": None})
        elif keep_events:
            h = _production_history(kind, ch, mass, parents, rng, src.parent)
            p4 = h["products"][:, h["names"].index("N")]
            history.append(h)
        elif directed is not False and targets and getattr(src, "decay_region", None) is not None:
            # parents decaying in flight: cone-uniform directions, both kinematic branches alike
            # (slow, late HNLs -- e.g. a timing selection -- keep a share of the sample)
            p4, w_dir = directed_hnls(kind, ch, mass, parents, origin, targets, rng, src.parent)
            w_src = w_src * w_dir
        elif directed is not False and targets:
            mother, p_star = aim_inputs(kind, ch, mass, parents, rng, src.parent)
            o = np.asarray(origin, dtype=float)
            if o.ndim == 2 and o.shape[0] and np.all(o == o[0]):  # one production point: one cone
                key = o[0].tobytes()
                if key not in cones:
                    cones[key] = tuple(x[0] for x in target_cone(o[:1], targets))
                axis, half = np.broadcast_to(cones[key][0], (o.shape[0], 3)), np.full(o.shape[0], cones[key][1])
            else:
                axis, half = target_cone(o, targets)
            aimed.append((len(ps), mother, p_star, axis, half))
            p4 = None  # filled below, with w_src multiplied by the direction weights
        elif kind == "direct":
            p4 = hnl_momenta_from_parents(ch, mass, parents, rng)
        else:
            p4 = hnl_momenta_from_chain(kind, mass, parents, rng, parent=src.parent)
        ws.append(rate / n * w_src)
        os_.append(origin)
        ps.append(p4)
        labels.append((src.name, ch, int(n), rate))
    if aimed:  # sources.directed.aimed_hnls for every aimed channel at once (same estimator)
        mother, p_star, axis, half = (np.concatenate([a[j] for a in aimed]) for j in range(1, 5))
        p4, w_dir = aim(mother, mass, p_star, axis, half, AIM_TRIES, rng)
        start = 0
        for i, mother, *_ in aimed:
            stop = start + mother.shape[0]
            ps[i], ws[i] = p4[start:stop], ws[i] * w_dir[start:stop]
            start = stop
    out = np.concatenate(ws), np.concatenate(os_), np.concatenate(ps), labels
    return (*out, history) if keep_events else out


def _two_body_in_flight(src, kind: str, ch: str) -> bool:
    """A source decaying in flight (decay_in_flight) and a two-body channel P -> l N: its event records
    keep every product with directed HNLs (the lepton is P - N), as for the beamline sources."""
    from hnlreach.physics import production as prod

    return (getattr(src, "decay_region", None) is not None and kind == "direct"
            and len(prod.CHANNELS[ch].products) == 2)


# --- decay-volume entries ----------------------------------------------------------------------
def fiducial_intervals(experiment, origins, dirs) -> list:
    """[(index, l1, l2), ...]: the HNL line-of-flight intervals inside the union of the signal's
    fiducial volumes.  Volumes that overlap along a ray are merged there (one group), so a decay
    point is never counted twice; without any overlap: one group per volume, in signal order."""
    from hnlreach.geometry.volumes import ray_interval

    ivs = [ray_interval(experiment.fiducial[name], origins, dirs) for name in experiment.signal.fiducial]
    if not ivs:
        return []
    a = np.column_stack([i[0] for i in ivs])
    b = np.column_stack([i[1] for i in ivs])
    hit = b > a
    a, b = np.where(hit, a, np.inf), np.where(hit, b, np.inf)
    order = np.argsort(a, axis=1)
    sa, sb = np.take_along_axis(a, order, 1), np.take_along_axis(b, order, 1)
    overlap = sa[:, 1:] < np.maximum.accumulate(sb, axis=1)[:, :-1] - 1e-7  # touching faces: disjoint
    if not overlap.any():  # disjoint volumes: volume by volume (the historical entry order)
        idx = [np.nonzero(hit[:, j])[0] for j in range(a.shape[1])]
        return [(i, a[i, j], b[i, j]) for j, i in enumerate(idx)]
    # sweep over the sorted intervals of each ray, merging those that overlap (vectorised over rays)
    out_i, out_a, out_b = [], [], []
    cur_a, cur_b = sa[:, 0].copy(), sb[:, 0].copy()
    for j in range(1, sa.shape[1]):
        new = np.isfinite(sa[:, j]) & (sa[:, j] > cur_b)  # a gap: close the current interval
        emit = np.nonzero(new & np.isfinite(cur_a))[0]
        out_i.append(emit), out_a.append(cur_a[emit]), out_b.append(cur_b[emit])
        cur_a = np.where(new, sa[:, j], cur_a)
        cur_b = np.where(new, sb[:, j], np.where(np.isfinite(sa[:, j]), np.maximum(cur_b, sb[:, j]), cur_b))
    emit = np.nonzero(np.isfinite(cur_a))[0]
    out_i.append(emit), out_a.append(cur_a[emit]), out_b.append(cur_b[emit])
    return [(np.concatenate(out_i), np.concatenate(out_a), np.concatenate(out_b))]


def _entries(experiment, weights, origins, p4, strata: int, rng):
    """Split each HNL's fiducial segments (union of the fiducial volumes) into strata:
    (index, l1, l2, decay point) per entry."""
    pvec = p4[:, 1:]
    pnorm = np.linalg.norm(pvec, axis=1)
    dirs = pvec / np.maximum(pnorm, 1e-300)[:, None]
    idx, a, b = [], [], []
    for hit, l1, l2 in fiducial_intervals(experiment, origins, dirs):
        for k in range(strata):
            idx.append(hit)
            a.append(l1 + (l2 - l1) * k / strata)
            b.append(l1 + (l2 - l1) * (k + 1) / strata)
    if not idx:
        return np.zeros(0, int), np.zeros(0), np.zeros(0), np.zeros((0, 3))
    idx, a, b = np.concatenate(idx), np.concatenate(a), np.concatenate(b)
    at = a + (b - a) * rng.uniform(size=a.size)  # representative decay point in the stratum
    points = origins[idx] + dirs[idx] * at[:, None]
    return idx, a, b, points


def _reweightable(experiment, hnl, power, weights, origins, p4, rng, strata, info, n_generated,
                  share_decays: bool = False):
    """share_decays: one decay per HNL, selected at each of its entries (rates.selection.acceptance
    ``owner``): cheaper where decays cost more than production (meson sources: SHiP's ten boxes x
    strata), but its entries are then correlated -- a larger error per HNL where production is
    the expensive part (upscattering)."""
    from hnlreach.rates.selection import acceptance

    chans = signal_channels(experiment, hnl)
    live = np.flatnonzero((weights > 0) & np.any(p4[:, 1:] != 0, axis=1))  # directed: no solution -> 0
    if live.size < weights.size:
        weights, origins, p4 = weights[live], origins[live], p4[live]
    idx, l1, l2, points = _entries(experiment, weights, origins, p4, strata, rng)
    if share_decays:  # one decay per HNL, selected at each entry
        rows, owner = np.unique(idx, return_inverse=True)
        acc = acceptance(experiment, hnl, chans, p4[rows], points, rng, owner=owner)
    else:
        acc = acceptance(experiment, hnl, chans, p4[idx], points, rng)
    keep = np.nonzero(acc > 0)[0]
    keep = keep[np.argsort(idx[keep], kind="stable")]  # entries of one HNL together (mc_error)
    return ReweightableSample(hnl.mass, hnl.width, power, weights[idx][keep],
                              np.linalg.norm(p4[idx, 1:], axis=1)[keep], l1[keep], l2[keep],
                              acc[keep], n_generated, info, idx[keep])


def mixing_sample(experiment, mass: float, mixing: str, majorana: bool = False,
                  n_hnl: int = 100_000, rng=None, strata: int | None = None,
                  only_channels=None, sources=None, hnl=None, directed: bool | None = None) -> ReweightableSample:
    """One weighted sample for an HNL with mass mixing (coupling g = total |U|^2 spread as the
    pattern says) at an experiment with meson/tau sources.  hnl: optional HNL-like object at unit
    coupling whose widths, branching ratios and decays replace the reference model's (e.g.
    physics.decays_cc_only.CCOnlyHNL); production always follows the mixing pattern.  directed:
    HNL directions aimed at the fiducial volumes (``produce``; None: the default, aimed)."""
    from hnlreach.model import flavour_pattern

    rng = as_generator(rng)
    if n_hnl < 1:
        raise HNLInputError(f"number of HNLs per mass must be positive, got {n_hnl}")
    hnl = reference_hnl(mass, mixing=mixing, majorana=majorana) if hnl is None else hnl
    pattern = flavour_pattern(mixing)
    w, o, p4, labels = produce(experiment, mass, pattern, n_hnl, rng, only_channels, sources, directed=directed)
    strata = experiment.signal.strata if strata is None else strata
    info = {"mass": mass, "channels": labels, "n_hnl": int(w.size)}
    if w.size == 0:
        return ReweightableSample(hnl.mass, hnl.width, 1, *(np.zeros(0),) * 5, 0, info)
    return _reweightable(experiment, hnl, 1, w, o, p4, rng, strata, info, w.size, share_decays=True)


# --- upscattering (dipole portal) ------------------------------------------------------------
def _sample_flux_energies(flux, n, rng):
    """Energies from a tabulated dPhi/dE (trapezoid bins, uniform within a bin); returns
    (E, Phi_total per cm^2 per POT)."""
    e, v = flux.energies, np.clip(flux.values, 0.0, None)
    per_bin = 0.5 * (v[1:] + v[:-1]) * np.diff(e)
    tot = per_bin.sum()
    if tot <= 0:
        raise HNLInputError(f"flux {flux.name} is empty")
    k = rng.choice(per_bin.size, size=n, p=per_bin / tot)
    return rng.uniform(e[k], e[k + 1]), tot


def upscattering_sample(experiment, mass: float, dipole: str, majorana: bool = False,
                        n_hnl: int = 100_000, rng=None, strata: int | None = None,
                        flux_name: str | None = None, margin_m: float | None = None,
                        xsec=None, sampler=None, n_energy_grid: int = 64,
                        dipole_normalisation: str = "lagrangian") -> ReweightableSample:
    """One weighted sample of HNLs from ν A -> N A (dipole, g = d) at every material of the
    geometry along the line of sight.  flux_name None: every flux of the coupled flavour
    (``dipole_fluxes``), n_hnl split over them by ``_allocate_channels`` and the samples merged (each
    flux's weights carry its own normalisation, so the merged N(d) is their sum).

    Neutrinos travel along the flux direction; interaction points are importance-sampled by
    ``rates.interaction_points`` (transverse: nested windows around the fiducial volumes from
    margin_m -- default the preset's ``[signal] transverse_margin_m``, 2 m -- out to the angular
    reach of the selection or ``outer_margin_m``; depth: mixture of rate-weighted and geometric
    components, uniform and log-distance upstream of each fiducial entry plane; energy ∝ flux x
    cross section x E^j); the weight carries POT x phi(E)/q(E) x n_nucleus sigma(E) / (q(x, y) p(z)),
    so that N(d) is unbiased for every d.  ``xsec(E, m, nucleus, d=1)`` [cm^2] and
    ``sampler(E, m, nucleus, rng=...)`` default to physics.upscattering.dipole_xsec /
    sample_upscattering.  dipole_normalisation: the decay widths' convention (model.HNL)."""
    rng = as_generator(rng)
    hnl = reference_hnl(mass, dipole=dipole, majorana=majorana, dipole_normalisation=dipole_normalisation)
    strata = experiment.signal.strata if strata is None else strata
    if flux_name is None:  # every flux of the coupled flavour (each carries its own exposure share)
        fluxes = dipole_fluxes(experiment, dipole)
        if len(fluxes) > 1:
            alloc = _allocate_channels(int(n_hnl), np.array([_flux_integral(f) for f in fluxes]))
            parts = [upscattering_sample(experiment, mass, dipole, majorana, int(k), rng, strata, f.name,
                                         margin_m, xsec, sampler, n_energy_grid, dipole_normalisation)
                     for f, k in zip(fluxes, alloc)]
            return ReweightableSample.merge(parts)
    w, points, p4, info, _ = upscattering_hnls(experiment, mass, dipole, n_hnl, rng, flux_name,
                                               margin_m, xsec, sampler, n_energy_grid)
    n = int(n_hnl)
    if w.size == 0:
        return ReweightableSample(hnl.mass, hnl.width, 2, *(np.zeros(0),) * 5, n, info)
    return _reweightable(experiment, hnl, 2, w, points, p4, rng, strata, info, n)


def dipole_fluxes(experiment, dipole: str) -> list:
    """The experiment's neutrino fluxes that a dipole coupling to flavour `dipole` upscatters
    (all of them for a pattern that is not a single flavour)."""
    fl = dipole.strip().lower()
    fluxes = [f for f in experiment.fluxes if fl not in FLAVOURS or f.flavour == fl]
    if not fluxes:
        raise HNLInputError(f"experiment {experiment.name} has no neutrino flux for dipole flavour {dipole!r}")
    return fluxes


def _flux_integral(flux) -> float:
    """Integrated flux [per cm^2 per POT] of a tabulated dPhi/dE (trapezoid rule)."""
    v = np.clip(flux.values, 0.0, None)
    return float(np.sum(0.5 * (v[1:] + v[:-1]) * np.diff(flux.energies)))


@functools.lru_cache(maxsize=64)
def _dipole_xsec_table(mass: float, nuclei: tuple, e_lo: float, e_hi: float, n: int) -> np.ndarray:
    """physics.upscattering.dipole_xsec (d = 1) [cm^2] per nucleus and component on geomspace(e_lo, e_hi, n):
    computed once per (mass, energy grid) and process, shared by fluxes with the same range."""
    from hnlreach.physics import upscattering as ups

    egrid = np.geomspace(e_lo, e_hi, n)
    out = np.array([[np.asarray(ups.dipole_xsec(egrid, mass, nuc, d=1.0, component=c), dtype=float)
                     for c in ups.COMPONENTS] for nuc in nuclei])
    out.flags.writeable = False
    return out  # (nuclei, COMPONENTS, n)


_DENSITIES: dict = {}  # per process: (id(world), nuclei) -> (world, densities)


def _number_densities(world, nuclei: tuple) -> np.ndarray:
    """(volumes, nuclei) number densities [1/cm^3] of a world's materials, once per world and
    process (mass-independent; ND280 has 129 volumes)."""
    key = (id(world), nuclei)
    hit = _DENSITIES.get(key)
    if hit is None or hit[0] is not world:
        dens = np.array([[nd.get(nuc, 0.0) for nuc in nuclei]
                         for nd in (v.material.number_densities() for v in world.volumes)])
        dens.flags.writeable = False
        if len(_DENSITIES) > 16:
            _DENSITIES.clear()
        hit = _DENSITIES[key] = (world, dens)
    return hit[1]


def _interp_rows(x, xp, table):
    """np.interp of every row of table (k, m) at x (n,) -> (n, k); flat beyond the ends."""
    x = np.clip(x, xp[0], xp[-1])
    j = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, xp.size - 2)
    f = (x - xp[j]) / (xp[j + 1] - xp[j])
    return table[:, j].T * (1.0 - f)[:, None] + table[:, j + 1].T * f[:, None]


def upscattering_hnls(experiment, mass: float, dipole: str, n_hnl: int = 100_000, rng=None,
                      flux_name: str | None = None, margin_m: float | None = None, xsec=None, sampler=None,
                      n_energy_grid: int = 64):
    """The weighted HNLs of ``upscattering_sample`` before the decay volume: (weights per unit
    d^2, interaction points (n, 3), HNL p4 (n, 4), info, per-HNL history dict with the neutrino
    energy ``E_nu``, flux ``direction``, ``nuclei`` names and ``nucleus`` index into them,
    world ``volume`` index, scattering ``component`` (index into physics.upscattering.COMPONENTS,
    -1 if a custom sampler returns only (p4, weight)), HNL ``helicity`` (0 unless the sampler returns it
    fourth, as rates.dark_upscattering does)); only HNLs with positive weight are returned."""
    from hnlreach.geometry.raytable import ray_table
    from hnlreach.geometry.volumes import rotation_matrix
    from hnlreach.rates import interaction_points as ip

    rng = as_generator(rng)
    from hnlreach.physics import upscattering as ups

    default_xsec, default_sampler = xsec is None, sampler is None
    if xsec is None or sampler is None:
        xsec = xsec or (lambda E, m, t: ups.dipole_xsec(E, m, t, d=1.0))
        sampler = sampler or (lambda E, m, t, rng: ups.sample_upscattering(E, m, t, rng=rng,
                                                                           return_component=True))
    fl = dipole.strip().lower()
    fluxes = [f for f in experiment.fluxes if (flux_name is None or f.name == flux_name)
              and (fl not in FLAVOURS or f.flavour == fl)]
    if not fluxes:
        raise HNLInputError(f"experiment {experiment.name} has no neutrino flux for dipole flavour {dipole!r}")
    flux = fluxes[0]
    rot = rotation_matrix(flux.direction)
    zhat = rot[:, 2]
    vols = experiment.world.volumes

    # flux-frame boxes: fiducial volumes (entry planes, most downstream face) and the world
    fid = np.array([ip.bounding_box(experiment.fiducial[name], rot) for name in experiment.signal.fiducial])
    f_lo, f_hi = fid[:, 0].min(axis=0), fid[:, 1].max(axis=0)
    z_ref = f_hi[2]
    dense = [ip.bounding_box(v, rot) for v in vols if v.material.density_g_cm3 > 0]
    n = int(n_hnl)
    if not dense:  # no material: no upscattering
        empty = np.zeros(0, dtype=int)
        return (np.zeros(0), np.zeros((0, 3)), np.zeros((0, 4)), {"mass": mass, "flux": flux.name, "n_hnl": n},
                {"E_nu": np.zeros(0), "direction": zhat, "flux": flux, "nuclei": [], "nucleus": empty,
                 "volume": empty, "component": empty})
    w_lo, w_hi = np.min([b[0] for b in dense], axis=0), np.max([b[1] for b in dense], axis=0)
    z_min = min(w_lo[2], f_lo[2])
    length = z_ref - z_min
    if margin_m is None:
        margin_m = getattr(experiment.signal, "transverse_margin_m", 2.0)
    # angular reach: the selection's cut on the HNL direction (to the world z axis), widened by
    # the flux axis' tilt; None if no cut
    cut = getattr(experiment.selection, "max_hnl_angle_to_beam_rad", None)
    theta = None if cut is None else cut + np.arccos(np.clip(zhat[2], -1.0, 1.0))
    tan_t = np.tan(theta) if theta is not None and theta < 0.5 * np.pi else None
    outer = getattr(experiment.signal, "outer_margin_m", None)
    reach = outer if outer is not None else (tan_t * length if tan_t is not None
                                             else float(np.max(np.abs(np.r_[w_lo[:2] - f_lo[:2], w_hi[:2] - f_hi[:2]]))))
    windows = ip.transverse_windows(f_lo[:2], f_hi[:2], w_lo[:2], w_hi[:2], margin_m, reach)
    if np.any(windows.hi[0] <= windows.lo[0]):  # no material within the margin, transverse to the beam
        raise HNLInputError(
            f"{getattr(experiment, 'path', experiment.name)}: geometry.fiducial: the fiducial volumes lie "
            f"outside the reach of neutrino flux {flux.name!r}: no detector material within "
            f"transverse_margin_m = {margin_m:g} m of them, transverse to the flux direction")
    fid_ranges = fid[:, :, 2] - z_min  # fiducial (entry, exit) planes along the rays

    # cross sections per nucleus on an energy grid over the flux table
    nuclei = sorted({nuc for v in vols for nuc in v.material.mass_fractions})
    egrid = np.geomspace(max(flux.energies.min(), 1e-3), flux.energies.max() * 1.0001, n_energy_grid)
    comp_grid = None
    if default_xsec:  # the same table for every flux with the same energy range (memoised)
        comp_grid = _dipole_xsec_table(float(mass), tuple(nuclei), float(egrid[0]), float(egrid[-1]), egrid.size)
        sig_grid = comp_grid.sum(axis=1)
    else:
        sig_grid = np.array([np.asarray(xsec(egrid, mass, nuc), dtype=float) for nuc in nuclei])
    peak = sig_grid.max(axis=1, keepdims=True)
    shape = np.sum(np.divide(sig_grid, peak, out=np.zeros_like(sig_grid), where=peak > 0), axis=0)
    E, phi_over_q = ip.sample_energies(flux.energies, flux.values, n, rng,
                                       lambda x: np.interp(x, egrid, shape, left=0.0, right=shape[-1]))
    xy = windows.sample(n, rng)
    inv_q_cm2 = 1e4 / windows.density(xy)
    t_hi = np.full(n, length)
    if tan_t is not None:  # exact truncation: the HNL cannot reach a fiducial volume from closer
        t_hi = np.clip(length - ip.distance_outside(xy, f_lo[:2], f_hi[:2]) / tan_t, 0.0, None)
    starts = np.column_stack([xy, np.full(n, z_min)]) @ rot.T

    # interaction rate per volume [1/cm per d^2]
    dens_vn = _number_densities(experiment.world, tuple(nuclei))
    t = np.zeros(n)
    vol_idx = np.full(n, -1)
    r_over_p = np.zeros(n)
    sig = _interp_rows(E, egrid, sig_grid)  # (n, nuclei)
    # rays traced once per process (geometry/raytable.py), in groups of similar segment count
    for sl, edges, labels in ray_table(experiment.world, rot, z_min, length).groups(xy, _RAY_CHUNK):
        rate_v = np.column_stack([sig[sl] @ dens_vn.T, np.zeros(sl.size)])  # column -1: outside
        rate_seg = rate_v[np.arange(sl.size)[:, None], labels]
        t[sl], k, r_over_p[sl] = ip.sample_depths(edges, rate_seg, t_hi[sl], fid_ranges, rng)
        vol_idx[sl] = labels[np.arange(k.size), k]
    points = starts + zhat * t[:, None]
    rate = np.where(vol_idx[:, None] >= 0, dens_vn[vol_idx] * sig, 0.0)
    tot_rate = rate.sum(axis=1)
    # POT x phi/q(E) x 1/q(x, y) x (r / p) x 100 (dz in m -> cm) / n, per unit d^2
    w = experiment.beam.pot * phi_over_q * inv_q_cm2 * r_over_p * 100.0 / n
    w = np.where(tot_rate > 0, w, 0.0)
    live = np.nonzero(tot_rate > 0)[0]
    which = np.full(n, -1)
    if live.size:
        cdf = np.cumsum(rate[live], axis=1) / tot_rate[live, None]
        which[live] = (cdf < rng.uniform(size=live.size)[:, None]).sum(axis=1)
    p4 = np.zeros((n, 4))
    w_q = np.zeros(n)
    comp = np.full(n, -1)  # physics.upscattering.COMPONENTS index, if the sampler reports it
    hel = np.zeros(n, dtype=int)  # HNL helicity (CM frame), if the sampler reports it (dark-sector models)
    for j, nuc in enumerate(nuclei):
        sel = np.nonzero(which == j)[0]
        if sel.size == 0:
            continue
        if default_sampler and comp_grid is not None:  # sigma of the rate's own table: exact weights
            p4_j, wq_j, *c_j = ups.sample_upscattering(E[sel], mass, nuc, rng=rng, return_component=True,
                                                       sigma=_interp_rows(E[sel], egrid, comp_grid[j]).T)
        else:
            p4_j, wq_j, *c_j = sampler(E[sel], mass, nuc, rng)
        if c_j:
            comp[sel] = c_j[0]
        if len(c_j) > 1:
            hel[sel] = c_j[1]
        p4[sel] = p4_j
        w_q[sel] = wq_j
    w_q = w_q * ip.aim_azimuths(p4, xy, f_lo[:2], f_hi[:2], rng)  # towards the fiducial volumes
    p4[:, 1:] = p4[:, 1:] @ rot.T  # sampler frame (nu along +z) -> flux direction
    w = w * w_q
    good = (w > 0) & (p4[:, 0] > 0)
    info = {"mass": mass, "flux": flux.name, "n_hnl": n, "depth_m": float(length),
            "window_half_widths_m": [[float(x) for x in 0.5 * (h - lo)] for lo, h in zip(windows.lo, windows.hi)]}
    history = {"E_nu": E[good], "direction": zhat, "flux": flux, "nuclei": nuclei,
               "nucleus": which[good], "volume": vol_idx[good], "component": comp[good], "helicity": hel[good]}
    return w[good], points[good], p4[good], info, history


# --- independent check: explicit decay positions at one coupling ------------------------------
def simulate_at_coupling(experiment, hnl_at_g, weights, origins, p4, coupling_factor: float, rng):
    """Expected events (and MC error) at ONE coupling by sampling each HNL's decay distance
    from its exponential law and applying the selection at the actual decay point.

    hnl_at_g: the HNL at that coupling (its width and BRs); weights: HNLs per unit g^k;
    coupling_factor: g^k (the production factor)."""
    from hnlreach.geometry.volumes import ray_interval
    from hnlreach.rates.selection import acceptance

    rng = as_generator(rng)
    pvec = p4[:, 1:]
    pn = np.linalg.norm(pvec, axis=1)
    dirs = pvec / pn[:, None]
    decay_length = pn / hnl_at_g.mass * hnl_at_g.ctau  # beta gamma c tau [m]
    dist = rng.exponential(decay_length)
    inside = np.zeros(pn.size, dtype=bool)
    for name in experiment.signal.fiducial:
        l1, l2 = ray_interval(experiment.fiducial[name], origins, dirs)
        inside |= (dist >= l1) & (dist < l2) & (l2 > l1)
    idx = np.nonzero(inside)[0]
    points = origins[idx] + dirs[idx] * dist[idx, None]
    acc = acceptance(experiment, hnl_at_g, signal_channels(experiment, hnl_at_g), p4[idx], points, rng)
    contrib = coupling_factor * weights[idx] * acc
    return float(contrib.sum()), float(np.sqrt(np.sum(contrib ** 2)))


# --- one sample per mass, for scans ------------------------------------------------------------
BYTES_PER_HNL = 1_000  # peak memory per produced HNL of one sample (measured: 0.3 kB toy-dump, 0.6 kB nd280)


def analysed_for(experiment, mixing=None, dipole=None):
    """The experiment as analysed for this model class ([analysis.mixing|dipole], Experiment.for_model),
    after checking that it can produce the model (Experiment.check_model); other objects as they are."""
    if hasattr(experiment, "for_model"):
        if (mixing is None) != (dipole is None):
            experiment.check_model(mixing, dipole)
        experiment = experiment.for_model(mixing, dipole)
    return experiment


def build_sample(experiment, mass: float, *, mixing: str | None = None, dipole: str | None = None,
                 majorana: bool = False, n_hnl: int = 100_000, rng=None,
                 dipole_normalisation: str = "lagrangian") -> ReweightableSample:
    """The reweightable sample of an experiment at one mass: meson/tau sources for mixing,
    neutrino upscattering (and sources, if any, are ignored) for the dipole (decay widths in
    the given dipole normalisation, model.HNL)."""
    experiment_name = getattr(experiment, "name", "?")
    from hnlreach.checks import check_count, check_memory

    n_hnl = check_count(n_hnl, "n_hnl")
    check_memory(n_hnl, BYTES_PER_HNL, "n_hnl", "lower --n-hnl")
    experiment = analysed_for(experiment, mixing, dipole)
    if getattr(experiment, "sampler", None) is not None:  # [sampler] table: a dedicated calculation
        return experiment.sampler(experiment, mass, mixing=mixing, dipole=dipole, majorana=majorana,
                                  n_hnl=n_hnl, rng=rng)
    if (mixing is None) == (dipole is None):
        raise HNLInputError("give exactly one of a mixing pattern or a dipole flavour")
    if mixing is not None:
        if not experiment.sources:
            raise HNLInputError(f"experiment {experiment_name} has no meson/tau sources for mass mixing")
        return mixing_sample(experiment, mass, mixing, majorana, n_hnl, rng)
    return upscattering_sample(experiment, mass, dipole, majorana, n_hnl, rng,
                               dipole_normalisation=dipole_normalisation)
