"""Per-event records at one coupling from the engine's weighted HNLs (issue 8: events for
detector simulation).

The HNLs, their weights and production histories come from the engine
(``engine.produce(keep_events=True)`` for meson/tau sources, ``engine.upscattering_hnls`` for
ν A -> N A); the fiducial segments from ``engine._entries``; decay products, selection and
efficiency from ``selection.acceptance(decays=...)``.  What is added here is the one step a
reweightable sample does not need: the decay point, drawn from the exponential decay law at
coupling G *conditioned on decaying inside the fiducial segment* (``engine.sample_decay_distance``),
with the probability to decay there, ``engine.segment_decay_probability``, in the weight.
Hence, per fiducial entry e of an HNL of weight w (per unit g^k):

    weight_nosel_e = G^k w P_e(G) BR_vis,  efficiency_e = selected x eff,  weight_e = weight_nosel_e x efficiency_e

and E[sum_e weight_e] = ReweightableSample.n(G) (what ``hnlreach limit`` compares with N_limit).
Weighted output: exactly n events drawn uniformly (without replacement) from a pool of M >= n
entries, weights scaled by M/n.  Unweighted output: accept-reject on ``weight`` against the pool
maximum; every kept event carries weight = sum(pool weights) / n.
Text labels (LABELS) are carried as int32 codes (``arrays["codes"]``) into ``arrays["categories"]``.
"""
from __future__ import annotations

from functools import cache

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics.constants import HBARC_GEV_M
from hnlreach.physics.kinematics import as_generator

HNL_PDG = 9900012  # heavy neutrino id of PYTHIA 8 (nu_Re); N-bar = -9900012 for a Dirac HNL


def max_decay_products() -> int:
    """Most products of an HNL decay channel with sampled kinematics: the mass-mixing channels of every
    flavour (physics.decays.channel_thresholds, e.g. 'N -> mu- pi+ pi+ pi- pi0 pi0') and the dipole ones
    (physics.dipole.DIPOLE_CHANNELS); inclusive channels ('... hadrons') have no products to record."""
    from hnlreach.physics.constants import FLAVOURS
    from hnlreach.physics.decays import channel_thresholds
    from hnlreach.physics.dipole import DIPOLE_CHANNELS

    names = [*DIPOLE_CHANNELS, *(c for f in FLAVOURS for c in channel_thresholds(f))]
    prods = [c.partition("->")[2].split() for c in names]
    return max(len(p) for p in prods if not any(x.startswith("hadrons") for x in p))


# production siblings: up to five (tau -> N + five pions); decay products: max_decay_products()
SIB_SLOTS = ("sib1", "sib2", "sib3", "sib4", "sib5")
DECAY_SLOTS = tuple(f"d{i + 1}" for i in range(max_decay_products()))
N_DECAY = len(DECAY_SLOTS)
GSIB_SLOTS = ("gsib", "gsib2")
SLOTS = ("N", "parent", "target", *SIB_SLOTS, "gparent", *GSIB_SLOTS, *DECAY_SLOTS)
"""Particle slots of an event record: the HNL; its mother (meson, tau or neutrino) and, for
upscattering, the target at rest (the nucleus for coherent scattering, the struck proton or neutron
otherwise: ``target_component``); the other products of the N's production vertex (sib1..sib5;
the recoil, on its mass shell, for upscattering); for the tau chain the tau's mother (gparent), the
nu_tau (gsib) and, for a semileptonic parent -> X tau nu (B -> D tau nu, ...), the hadron X (gsib2);
the decay products d1..dK (K = N_DECAY) in the order of the channel name.  pdg 0 = empty."""
LABELS = ("source", "production", "material", "decay_channel", "target_component")
"""Text labels of an event, stored as integer codes into per-label category lists."""
_MAX_HNL_PER_BATCH = 2_000_000
_MAX_BATCHES = 200
_MAX_POOL = 30_000_000  # entries kept in memory for unweighting (also capped by the available memory)
# peak memory per written or pooled event (measured: ~1.2 kB, toy-dump, 49 float columns; d4..d6, gsib2 add ~180 B)
BYTES_PER_EVENT = 2_000


@cache
def _pdgid(name: str) -> int:
    """physics.decay_sampling.product_pdgid, cached (the particle package's name look-up is slow)."""
    from hnlreach.physics.decay_sampling import product_pdgid

    return product_pdgid(name)


@cache
def conjugate_pdg(pdg: int) -> int:
    """PDG id of the antiparticle (self-conjugate particles and nuclei unchanged)."""
    pdg = int(pdg)
    if pdg == 0 or abs(pdg) >= 1_000_000_000:
        return pdg
    if abs(pdg) == HNL_PDG:
        return -pdg
    from particle import InvalidParticle, Particle, ParticleNotFound

    try:
        return int(Particle.from_pdgid(pdg).invert().pdgid)
    except (ParticleNotFound, InvalidParticle):  # not in the PDG table: PDG convention, id -> -id
        return -pdg


def _conj(pdg: np.ndarray, flip: np.ndarray) -> np.ndarray:
    """pdg ids with the antiparticle where flip is true (vectorised over unique ids)."""
    pdg = np.asarray(pdg, dtype=np.int64)
    out = pdg.copy()
    if flip.any():
        uniq, inv = np.unique(pdg[flip], return_inverse=True)
        out[flip] = np.array([conjugate_pdg(int(u)) for u in uniq], dtype=np.int64)[inv]
    return out


def nucleus_pdg(name: str) -> int:
    """PDG nuclear code 10LZZZAAAI (free proton: 2212)."""
    from hnlreach.physics.nuclei import nucleus

    nuc = nucleus(name)
    if nuc.Z == 1 and nuc.A == 1:
        return 2212
    return 1_000_000_000 + 10_000 * nuc.Z + 10 * nuc.A


class _Vocab(dict):
    """Category list of one label: string -> integer code, in order of first use."""

    def code(self, text: str) -> int:
        return self.setdefault(text, len(self))


def _empty_record(m: int) -> dict:
    rec = {}
    for s in SLOTS:
        rec[f"{s}_pdg"] = np.zeros(m, dtype=np.int64)
        rec[f"{s}_p4"] = np.zeros((m, 4))
    return rec


def _empty_codes(m: int, vocab) -> dict:
    return {lab: np.full(m, vocab[lab].code(""), dtype=np.int32) for lab in LABELS}


# --- production records ------------------------------------------------------------------------
def _mixing_records(experiment, labels, history, idx, majorana, rng, vocab):
    """Production slots and label codes for the HNLs idx of a `produce(keep_events=True)` call."""
    m = idx.size
    rec = _empty_record(m)
    codes = _empty_codes(m, vocab)
    sizes = np.array([lab[2] for lab in labels])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    which = np.searchsorted(np.cumsum(sizes), idx, side="right")
    local = idx - starts[which]
    src_by_name = {s.name: s for s in experiment.sources}
    conj = np.zeros(m, dtype=bool)
    n_sign = np.ones(m, dtype=np.int64)
    order = np.argsort(which, kind="stable")
    bounds = np.searchsorted(which[order], np.arange(len(labels) + 1))
    for j, (lab, h) in enumerate(zip(labels, history)):
        sel = order[bounds[j]:bounds[j + 1]]
        if sel.size == 0:
            continue
        src = src_by_name[lab[0]]
        k = local[sel]
        codes["source"][sel] = vocab["source"].code(lab[0])
        codes["production"][sel] = vocab["production"].code(lab[1])
        names = h["names"]
        chain = h["grandmother"] is not None
        rec["parent_p4"][sel] = h["mother"][k]
        # chain: the tau from parent+ is a tau+, its decay is the CP image of the listed tau- channel
        rec["parent_pdg"][sel] = -15 if chain else _pdgid(src.parent)
        sibs = [i for i, nm in enumerate(names) if nm != "N"]
        for slot, i in zip(SIB_SLOTS, sibs):
            pid = _pdgid(names[i])
            rec[f"{slot}_pdg"][sel] = conjugate_pdg(pid) if chain else pid
            rec[f"{slot}_p4"][sel] = h["products"][k, i]
        if chain:
            n_sign[sel] = -1
            rec["gparent_pdg"][sel] = _pdgid(src.parent)
            rec["gparent_p4"][sel] = h["grandmother"][k]
            gs = h["grand_siblings"]
            rec["gsib_pdg"][sel] = 16  # P+ -> (X) tau+ nu_tau
            rec["gsib_p4"][sel] = gs["nu"][k]
            rec["gsib2_pdg"][sel] = gs["x_pdg"][k]
            rec["gsib2_p4"][sel] = gs["x"][k]
        if src.charge_conjugates:  # the yield counts both charges: half are the CP images
            conj[sel] = rng.uniform(size=sel.size) < 0.5
    for s in ("parent", *SIB_SLOTS, "gparent", *GSIB_SLOTS):
        rec[f"{s}_pdg"] = _conj(rec[f"{s}_pdg"], conj)
    n_sign = np.where(conj, -n_sign, n_sign)
    rec["N_pdg"][:] = HNL_PDG if majorana else HNL_PDG * n_sign
    return rec, codes


def _upscattering_records_all(experiment, history, idx, majorana, vocab):
    """_upscattering_records over the per-flux parts of _upscattering_all_fluxes."""
    bounds = np.cumsum([0, *history["sizes"]])
    m = idx.size
    rec = _empty_record(m)
    codes = _empty_codes(m, vocab)
    for j, h in enumerate(history["parts"]):
        sel = np.nonzero((idx >= bounds[j]) & (idx < bounds[j + 1]))[0]
        if sel.size == 0:
            continue
        r, c = _upscattering_records(experiment, h, idx[sel] - bounds[j], majorana, vocab)
        for k in rec:
            rec[k][sel] = r[k]
        for k in codes:
            codes[k][sel] = c[k]
    return rec, codes


def _upscattering_records(experiment, history, idx, majorana, vocab):
    """Production slots for upscattering HNLs idx: nu + T(rest) -> N + T, T the nucleus (coherent)
    or the struck nucleon (free, at rest, as in physics.upscattering), from the sampled component;
    the recoil T follows from four-momentum conservation in _batch and is on its mass shell."""
    from hnlreach.physics.upscattering import COMPONENTS, target_mass

    m = idx.size
    rec = _empty_record(m)
    flux = history["flux"]
    nu = {"e": 12, "mu": 14, "tau": 16}[flux.flavour] * (-1 if flux.antineutrino else 1)
    E = history["E_nu"][idx]
    rec["parent_pdg"][:] = nu
    rec["parent_p4"][:, 0] = E
    rec["parent_p4"][:, 1:] = E[:, None] * history["direction"][None, :]
    nuclei = history["nuclei"]
    comp = history.get("component", np.full(len(history["E_nu"]), -1))[idx]  # -1: unknown -> nucleus
    # (nucleus, component) -> one row of the look-up tables
    row = history["nucleus"][idx] * 3 + np.maximum(comp, 0)
    pdg_tab = np.zeros(3 * len(nuclei), dtype=np.int64)
    mass_tab = np.zeros(3 * len(nuclei))
    prod_code = np.zeros((2, 3 * len(nuclei)), dtype=np.int32)  # [unknown?, row]
    comp_code = np.zeros((2, 3), dtype=np.int32)
    nu_name = f"{'anti-' if flux.antineutrino else ''}nu({flux.flavour})"
    for i, x in enumerate(nuclei):
        for c, cname in enumerate(COMPONENTS):
            r = 3 * i + c
            pdg_tab[r] = {"coherent": nucleus_pdg(x), "proton": 2212, "neutron": 2112}[cname]
            mass_tab[r] = target_mass(x, cname)
            t = {"coherent": x, "proton": f"p({x})", "neutron": f"n({x})"}[cname]
            prod_code[0, r] = vocab["production"].code(f"{nu_name} {t} -> N {t.split('(')[0]}")
            prod_code[1, r] = vocab["production"].code(f"{nu_name} {x} -> N {x}")
    for c, cname in enumerate(COMPONENTS):
        comp_code[0, c], comp_code[1, c] = vocab["target_component"].code(cname), vocab["target_component"].code("")
    unknown = (comp < 0).astype(int)
    rec["target_pdg"][:] = pdg_tab[row]
    rec["target_p4"][:, 0] = mass_tab[row]
    rec["sib1_pdg"][:] = rec["target_pdg"]
    codes = _empty_codes(m, vocab)
    vol_code = np.array([vocab["material"].code(v.material.name) for v in experiment.world.volumes], dtype=np.int32)
    codes["material"] = vol_code[history["volume"][idx]]
    codes["production"] = prod_code[unknown, row]
    codes["target_component"] = comp_code[unknown, np.maximum(comp, 0)]
    codes["source"][:] = vocab["source"].code(flux.name)
    rec["N_pdg"][:] = HNL_PDG if majorana else HNL_PDG * np.sign(nu)
    return rec, codes


def _upscattering_all_fluxes(ctx, n_hnl, rng):
    """engine.upscattering_hnls for every flux of the dipole flavour (n_hnl split evenly; the
    weights add), with the histories merged (nucleus/volume indices per HNL, flux per HNL)."""
    from hnlreach.physics.constants import FLAVOURS
    from hnlreach.rates import engine

    exp, fl = ctx["experiment"], ctx["dipole"].strip().lower()
    names = [f.name for f in exp.fluxes if fl not in FLAVOURS or f.flavour == fl] or [None]
    parts = [engine.upscattering_hnls(exp, ctx["mass"], ctx["dipole"], max(1, n_hnl // len(names)), rng,
                                      flux_name=nm) for nm in names]
    w = np.concatenate([x[0] for x in parts])
    o = np.concatenate([x[1] for x in parts])
    p4 = np.concatenate([x[2] for x in parts])
    hist = {"parts": [x[4] for x in parts], "sizes": [x[0].size for x in parts]}
    return w, o, p4, hist


# --- decays of the unstable decay products -------------------------------------------------------
TREE_KEYS = ("u_pdg", "u_p4", "u_mother", "u_status", "d_status")
"""Decay tree below the HNL's products (physics.unstable.DecayTree), per event: the products of
decayed particles in slots u1..uK (K = the sample's maximum), ``u_pdg`` (n, K) (0 = empty),
``u_p4`` (n, K, 4), ``u_mother`` (n, K): 1-based position of the mother in (d1, ..., d<N_DECAY>, u1, ...,
uK), 0 = empty; ``u_status`` and ``d_status`` ((n, N_DECAY) for the d slots): 1 final, 2 decayed, 0 empty."""


def _tree_columns(tree, k: int, anti: np.ndarray) -> dict:
    """TREE_KEYS arrays of one channel's DecayTree (k HNL products; CP image where anti)."""
    t = tree.compact()
    n = t.pdg.shape[0]
    d_status = np.zeros((n, N_DECAY), dtype=np.int64)
    d_status[:, :k] = t.status[:, :k]
    u_mother = np.where(t.mother[:, k:] >= 0, t.mother[:, k:] + 1, 0)  # column -> 1-based position
    u_mother = np.where(u_mother > k, u_mother + (N_DECAY - k), u_mother)  # u columns sit after every d slot
    u_pdg = t.pdg[:, k:]
    if anti.any():
        u_pdg = u_pdg.copy()
        u_pdg[anti] = _conj(u_pdg[anti], np.ones(u_pdg[anti].shape, dtype=bool))
    return {"u_pdg": u_pdg, "u_p4": t.p4[:, k:], "u_mother": u_mother, "u_status": t.status[:, k:],
            "d_status": d_status}


def _merge_trees(trees, m: int, width: int = 0) -> dict:
    """TREE_KEYS arrays for m entries from per-channel ones [(rows, arrays)], padded to the widest
    (at least `width` u slots)."""
    K = max([width] + [t["u_pdg"].shape[1] for _, t in trees])
    out = {"u_pdg": np.zeros((m, K), dtype=np.int64), "u_p4": np.zeros((m, K, 4)),
           "u_mother": np.zeros((m, K), dtype=np.int64), "u_status": np.zeros((m, K), dtype=np.int64),
           "d_status": np.zeros((m, N_DECAY), dtype=np.int64)}
    for k, t in trees:
        for key, v in t.items():
            out[key][k, :v.shape[1]] = v
    return out


# --- one batch of complete events ----------------------------------------------------------------
def _batch(ctx, n_hnl, rng) -> dict | None:
    """Complete event records for the fiducial entries of n_hnl produced HNLs (weights for a
    sample of n_hnl: the caller rescales when combining batches)."""
    from hnlreach.rates import engine
    from hnlreach.rates.selection import acceptance

    exp, hnl_g, gk, vocab = ctx["experiment"], ctx["hnl_g"], ctx["gk"], ctx["vocab"]
    if ctx["kind"] == "mixing":
        w, o, p4, labels, history = engine.produce(exp, ctx["mass"], ctx["pattern"], n_hnl, rng,
                                                   keep_events=True)
        if w.size == 0:
            return None
    else:
        w, o, p4, history = _upscattering_all_fluxes(ctx, n_hnl, rng)
        if w.size == 0:
            return None
    idx, l1, l2, _ = engine._entries(exp, w, o, p4, 1, rng)
    pn = np.linalg.norm(p4[idx, 1:], axis=1)
    lam = hnl_g.width * hnl_g.mass / (pn * HBARC_GEV_M)  # 1/decay length at G [1/m]
    prob = engine.segment_decay_probability(lam, l1, l2)
    live = (prob > 0) & (w[idx] > 0)  # directed HNLs without a kinematic solution carry weight 0
    idx, l1, l2, lam, prob, pn = idx[live], l1[live], l2[live], lam[live], prob[live], pn[live]
    m = idx.size
    out = {"n_hnl": int(w.size), "m": m}
    if m == 0:
        return out
    dist = engine.sample_decay_distance(lam, l1, l2, rng.uniform(size=m))
    dirs = p4[idx, 1:] / pn[:, None]
    decay_xyz = o[idx] + dirs * dist[:, None]
    decays: list = []
    acc = acceptance(exp, hnl_g, ctx["channels"], p4[idx], decay_xyz, rng, decays=decays)
    if ctx["kind"] == "mixing":
        rec, codes = _mixing_records(exp, labels, history, idx, ctx["majorana"], rng, vocab)
    else:
        rec, codes = _upscattering_records_all(exp, history, idx, ctx["majorana"], vocab)
    del history
    # the N four-momentum is the engine's (identical to the production record's)
    rec["N_p4"] = p4[idx]
    if ctx["kind"] != "mixing":  # recoil by four-momentum conservation
        rec["sib1_p4"] = rec["parent_p4"] + rec["target_p4"] - rec["N_p4"]
    eff = np.zeros(m)
    anti = rec["N_pdg"] < 0
    trees: list = []
    for d in decays:
        k = d["index"]
        codes["decay_channel"][k] = vocab["decay_channel"].code(d["channel"])
        eff[k] = d["selected"] * d["efficiency"]
        pdg = np.broadcast_to(d["pdg"], (k.size, d["pdg"].size))
        if pdg.shape[1] > len(DECAY_SLOTS):
            raise HNLInputError(f"channel {d['channel']!r} has more than {len(DECAY_SLOTS)} products: no event record")
        for j in range(pdg.shape[1]):
            rec[f"d{j + 1}_pdg"][k] = _conj(pdg[:, j], anti[k])  # N-bar decays: CP image
            rec[f"d{j + 1}_p4"][k] = d["p4"][:, j]
        trees.append((k, _tree_columns(d["tree"], pdg.shape[1], anti[k])))
    w_nosel = gk * w[idx] * prob * ctx["br_vis"]
    weight = gk * w[idx] * prob * acc
    out.update(rec=rec, codes=codes, tree=_merge_trees(trees, m), prod_xyz=o[idx], decay_xyz=decay_xyz, weight_nosel=w_nosel,
               weight=weight,
               efficiency=np.where(w_nosel > 0, weight / np.where(w_nosel > 0, w_nosel, 1), 0.0))
    return out


FLOAT_COLUMNS = ("weight", "weight_nosel", "efficiency", "prod_x", "prod_y", "prod_z", "decay_x", "decay_y",
                 "decay_z", *(f"{s}_{c}" for s in SLOTS for c in ("E", "px", "py", "pz")))
"""Floating-point columns of an event table, in table order: ``arrays["float_block"]`` holds them
as one Fortran-ordered (n, len(FLOAT_COLUMNS)) array (the table wraps it without a copy)."""
_BLOCK_OF = {"weight": (0, 1), "weight_nosel": (1, 2), "efficiency": (2, 3), "prod_xyz": (3, 6),
             "decay_xyz": (6, 9), **{f"{s}_p4": (9 + 4 * i, 13 + 4 * i) for i, s in enumerate(SLOTS)}}


def _gather(batches, chosen, n_total_hnl):
    """The pool entries `chosen` (sorted indices into the batches concatenated), each batch's
    weights scaled by n_hnl(batch) / n_total_hnl, written straight into the float block; batches
    are emptied as they are used (peak memory: the pool plus one copy of the chosen events)."""
    keep = [b for b in batches if b["m"] > 0]
    bounds = np.cumsum([0, *(b["m"] for b in keep)])
    cut = np.searchsorted(chosen, bounds)
    n = chosen.size
    block = np.empty((n, len(FLOAT_COLUMNS)), order="F")
    K = max([b["tree"]["u_pdg"].shape[1] for b in keep], default=0)
    out = {"float_block": block, "float_columns": FLOAT_COLUMNS, "rec": {}, "codes": {},
           "tree": _merge_trees([], n, K)}
    for k, (lo, hi) in _BLOCK_OF.items():
        view = block[:, lo:hi]
        (out["rec"] if k.endswith("_p4") else out)[k] = view[:, 0] if hi - lo == 1 else view
    for j, b in enumerate(keep):
        sel = chosen[cut[j]:cut[j + 1]] - bounds[j]
        rows = slice(cut[j], cut[j + 1])
        for k in ("prod_xyz", "decay_xyz", "efficiency"):
            out[k][rows] = b[k][sel]
        scale = b["n_hnl"] / n_total_hnl
        out["weight"][rows] = b["weight"][sel] * scale
        out["weight_nosel"][rows] = b["weight_nosel"][sel] * scale
        for k, v in b["rec"].items():
            if k.endswith("_p4"):
                out["rec"][k][rows] = v[sel]
            else:
                out["rec"].setdefault(k, np.empty(n, dtype=v.dtype))[rows] = v[sel]
        for k, v in b["codes"].items():
            out["codes"].setdefault(k, np.empty(n, dtype=v.dtype))[rows] = v[sel]
        for k, v in b["tree"].items():
            out["tree"][k][rows, :v.shape[1]] = v[sel]
        b.clear()
    return out


def _pool_weights(batches, n_total_hnl):
    """weight of every pool entry (batches concatenated), rescaled to the whole sample."""
    return np.concatenate([b["weight"] * (b["n_hnl"] / n_total_hnl) for b in batches if b["m"] > 0])


# --- public --------------------------------------------------------------------------------------
def generate_event_arrays(experiment, mass: float, *, mixing: str | None = None, dipole: str | None = None,
                          coupling: float = 1.0, n: int = 10_000, majorana: bool = False,
                          unweighted: bool = False, seed=None, pilot_hnl: int | None = None):
    """n events at (mass, coupling): (columns dict of arrays, metadata dict).  See the module
    docstring for the weights; ``hnlreach.outputs.events`` turns them into a table/file."""
    from hnlreach.model import HNL, flavour_pattern
    from hnlreach.rates import engine

    if isinstance(experiment, (str, bytes)) or hasattr(experiment, "__fspath__"):
        from hnlreach.experiments import load_experiment

        experiment = load_experiment(experiment)
    experiment = engine.analysed_for(experiment, mixing, dipole)  # this model class's selection
    try:
        n = int(n)
    except (TypeError, ValueError):
        raise HNLInputError(f"number of events must be an integer, got {n!r}") from None
    if n < 1:
        raise HNLInputError(f"number of events must be positive, got {n}")
    if not (np.isfinite(coupling) and coupling > 0):
        raise HNLInputError(f"coupling must be positive and finite, got {coupling}")
    from hnlreach.api import check_seed
    from hnlreach.checks import available_memory_bytes, check_memory, MEMORY_FRACTION

    check_memory(n, BYTES_PER_EVENT, "number of events", "ask for fewer events (--n)")
    avail = available_memory_bytes()
    max_pool = _MAX_POOL if avail is None else min(_MAX_POOL, MEMORY_FRACTION * avail / BYTES_PER_EVENT)
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        check_seed(seed)
    rng = as_generator(seed)
    hnl_g = HNL.from_pattern(mass, mixing=mixing, dipole=dipole, coupling=coupling, majorana=majorana)
    kind = "mixing" if mixing is not None else "dipole"
    if kind == "mixing" and not experiment.sources:
        raise HNLInputError(f"experiment {experiment.name} has no meson/tau sources for mass mixing")
    power = 1 if kind == "mixing" else 2
    chans = engine.signal_channels(experiment, hnl_g)
    if not chans:
        raise HNLInputError(f"no signal channel of {experiment.name} is open at m = {mass:g} GeV")
    from hnlreach.physics.unstable import check_channels_seeable

    check_channels_seeable(chans, True, experiment.name)  # products are always sampled for a record
    ctx = {"experiment": experiment, "hnl_g": hnl_g, "gk": float(coupling) ** power, "kind": kind,
           "mass": float(mass), "pattern": flavour_pattern(mixing) if mixing else None, "dipole": dipole,
           "majorana": majorana, "channels": chans, "br_vis": float(sum(chans.values())),
           "vocab": {lab: _Vocab() for lab in LABELS}}

    batches, n_hnl_total, n_hnl_next = [], 0, int(pilot_hnl or min(max(4 * n, 20_000), 200_000))
    while True:
        b = _batch(ctx, n_hnl_next, rng)
        if b is None:
            what = "source" if kind == "mixing" else "neutrino flux energy"
            raise HNLInputError(f"m = {mass:g} GeV is above the kinematic limit of every {what} of "
                                f"{experiment.name}: no HNL is produced")
        batches.append(b)
        n_hnl_total += b["n_hnl"]
        m_pool = sum(x["m"] for x in batches)
        if m_pool == 0:
            if len(batches) >= 5:
                raise HNLInputError(
                    f"no HNL decays inside the fiducial volume of {experiment.name} at m = {mass:g} GeV, "
                    f"coupling {coupling:g} (after {n_hnl_total} HNLs): it decays before reaching it, "
                    "or none points at it")
            n_hnl_next = min(4 * n_hnl_next, _MAX_HNL_PER_BATCH)
            continue
        if not unweighted:
            if m_pool >= n:
                break
            need_hnl = 1.1 * (n - m_pool) * n_hnl_total / m_pool
        else:  # expected number kept by accept-reject: sum(w) / max(w)
            pool_w = _pool_weights(batches, n_hnl_total)
            w_max = pool_w.max()
            expected_kept = pool_w.sum() / w_max if w_max > 0 else 0.0
            if expected_kept >= n:
                kept = np.nonzero(rng.uniform(size=m_pool) * w_max < pool_w)[0]
                if kept.size >= n:
                    break
            per_hnl = max(expected_kept, 1.0) / n_hnl_total
            need_hnl = max(1.2 * (n - expected_kept) / per_hnl, 0.1 * n_hnl_total)
            # efficiency from the sample so far, optimistic: sum(w)/max(w) only falls as max(w) grows,
            # and fewer than 3 kept is read as 3 (the 95 % CL upper limit for none seen)
            need_pool = n * m_pool / max(expected_kept, 3.0)
            if need_pool > max_pool:
                raise HNLInputError(
                    f"--unweighted: unweighting efficiency about {expected_kept / m_pool:.2g} ({expected_kept:.3g} "
                    f"kept of {m_pool} events in the selection) at m = {mass:g} GeV: {n} events would need "
                    f"~{need_pool:.3g} pooled events (~{need_pool * BYTES_PER_EVENT / 1e9:.3g} GB); ask for "
                    "fewer or weighted events")
            need_hnl = min(need_hnl, 8.0 * n_hnl_total)  # grow geometrically: re-estimate often
        if len(batches) >= _MAX_BATCHES:
            raise HNLInputError(f"could not reach {n} events with positive weight after {n_hnl_total} "
                                "HNLs (selection too tight at this point?)")
        n_hnl_next = int(min(_MAX_HNL_PER_BATCH, max(10_000, need_hnl)))

    pool_w = _pool_weights(batches, n_hnl_total)
    total = float(pool_w.sum())
    mc_error = float(np.sqrt(np.sum(pool_w ** 2)))
    total_nosel = float(sum(b["weight_nosel"].sum() * b["n_hnl"] / n_hnl_total for b in batches if b["m"]))
    del pool_w
    if unweighted:
        out = _gather(batches, np.sort(rng.permutation(kept)[:n]), n_hnl_total)
        w_evt = total / n
        out["weight_nosel"][:] = w_evt / out["efficiency"]  # views into the float block
        out["weight"][:] = w_evt
    else:
        out = _gather(batches, np.sort(rng.choice(m_pool, size=n, replace=False)), n_hnl_total)
        out["weight"] *= m_pool / n
        out["weight_nosel"] *= m_pool / n
    out["categories"] = {lab: list(ctx["vocab"][lab]) for lab in LABELS}
    meta = {
        "generator": "hnlreach", "experiment": experiment.name, "experiment_file": str(experiment.path),
        "provenance": experiment.provenance, "mass_GeV": float(mass),
        "model": "mixing" if kind == "mixing" else "dipole", "pattern": mixing if mixing else dipole,
        "nature": "Majorana" if majorana else "Dirac", "coupling": float(coupling),
        "coupling_meaning": "total |U|^2" if kind == "mixing" else "d [GeV^-1]",
        "width_GeV": float(hnl_g.width), "ctau_m": float(hnl_g.ctau), "pot": float(experiment.beam.pot),
        "unweighted": bool(unweighted), "n_events": int(n),
        "total_expected_events": total, "total_expected_events_mc_error": mc_error,
        "total_expected_decays_nosel": total_nosel,
        "weight_per_event": total / n if unweighted else None,
        "unweighting_efficiency": (kept.size / m_pool) if unweighted else None,
        "n_hnl_generated": int(n_hnl_total), "n_pool_entries": int(m_pool),
        "seed": seed if isinstance(seed, (int, type(None))) else str(seed),
        "units": "GeV, metres (HepMC3: GeV, mm)",
    }
    return out, meta
