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
"""
from __future__ import annotations

from functools import cache

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics.constants import HBARC_GEV_M
from hnlreach.physics.kinematics import as_generator

HNL_PDG = 9900012  # heavy neutrino id of PYTHIA 8 (nu_Re); N-bar = -9900012 for a Dirac HNL
SLOTS = ("N", "parent", "target", "sib1", "sib2", "gparent", "gsib", "d1", "d2", "d3")
"""Particle slots of an event record: the HNL; its mother (meson, tau or neutrino) and, for
upscattering, the target nucleus at rest; the other products of the N's production vertex (sib1,
sib2; the recoil for upscattering); for the D_s -> tau chain the tau's mother and the nu_tau
(gparent, gsib); the decay products d1..d3 in the order of the channel name.  pdg 0 = empty."""
LABELS = ("source", "production", "material", "decay_channel")
_MAX_HNL_PER_BATCH = 2_000_000
_MAX_BATCHES = 200
_MAX_POOL = 30_000_000  # entries kept in memory for unweighting


@cache
def conjugate_pdg(pdg: int) -> int:
    """PDG id of the antiparticle (self-conjugate particles and nuclei unchanged)."""
    pdg = int(pdg)
    if pdg == 0 or abs(pdg) >= 1_000_000_000:
        return pdg
    if abs(pdg) == HNL_PDG:
        return -pdg
    from particle import Particle

    try:
        return int(Particle.from_pdgid(pdg).invert().pdgid)
    except Exception:  # unknown to the table: treat as its own antiparticle only if neutral
        return -pdg


def _conj(pdg: np.ndarray, flip: np.ndarray) -> np.ndarray:
    """pdg ids with the antiparticle where flip is true (vectorised over unique ids)."""
    pdg = np.asarray(pdg, dtype=np.int64)
    out = pdg.copy()
    if flip.any():
        uniq = np.unique(pdg[flip])
        table = {int(u): conjugate_pdg(int(u)) for u in uniq}
        out[flip] = np.vectorize(table.get, otypes=[np.int64])(pdg[flip])
    return out


def nucleus_pdg(name: str) -> int:
    """PDG nuclear code 10LZZZAAAI (free proton: 2212)."""
    from hnlreach.physics.nuclei import nucleus

    nuc = nucleus(name)
    if nuc.Z == 1 and nuc.A == 1:
        return 2212
    return 1_000_000_000 + 10_000 * nuc.Z + 10 * nuc.A


def _empty_record(m: int) -> dict:
    rec = {}
    for s in SLOTS:
        rec[f"{s}_pdg"] = np.zeros(m, dtype=np.int64)
        rec[f"{s}_p4"] = np.zeros((m, 4))
    return rec


# --- production records ------------------------------------------------------------------------
def _mixing_records(experiment, labels, history, idx, majorana, rng):
    """Production slots for the HNLs idx of a `produce(keep_events=True)` call."""
    from hnlreach.physics.decay_sampling import product_pdgid

    m = idx.size
    rec = _empty_record(m)
    sizes = np.array([lab[2] for lab in labels])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    which = np.searchsorted(np.cumsum(sizes), idx, side="right")
    local = idx - starts[which]
    src_by_name = {s.name: s for s in experiment.sources}
    conj = np.zeros(m, dtype=bool)
    n_sign = np.ones(m, dtype=np.int64)
    source = np.empty(m, dtype=object)
    production = np.empty(m, dtype=object)
    for j, (lab, h) in enumerate(zip(labels, history)):
        sel = np.nonzero(which == j)[0]
        if sel.size == 0:
            continue
        src = src_by_name[lab[0]]
        k = local[sel]
        source[sel], production[sel] = lab[0], lab[1]
        names = h["names"]
        chain = h["grandmother"] is not None
        rec["N_p4"][sel] = h["products"][k, names.index("N")]
        rec["parent_p4"][sel] = h["mother"][k]
        # chain: the tau from parent+ is a tau+, its decay is the CP image of the listed tau- channel
        mother = -15 if chain else product_pdgid(src.parent)
        rec["parent_pdg"][sel] = mother
        sibs = [i for i, nm in enumerate(names) if nm != "N"]
        for slot, i in zip(("sib1", "sib2"), sibs):
            pid = product_pdgid(names[i])
            rec[f"{slot}_pdg"][sel] = conjugate_pdg(pid) if chain else pid
            rec[f"{slot}_p4"][sel] = h["products"][k, i]
        if chain:
            n_sign[sel] = -1
            rec["gparent_pdg"][sel] = product_pdgid(src.parent)
            rec["gparent_p4"][sel] = h["grandmother"][k]
            rec["gsib_pdg"][sel] = 16  # P+ -> tau+ nu_tau
            rec["gsib_p4"][sel] = h["grandmother"][k] - h["mother"][k]
        if src.charge_conjugates:  # the yield counts both charges: half are the CP images
            conj[sel] = rng.uniform(size=sel.size) < 0.5
    for s in ("parent", "sib1", "sib2", "gparent", "gsib"):
        rec[f"{s}_pdg"] = _conj(rec[f"{s}_pdg"], conj)
    n_sign = np.where(conj, -n_sign, n_sign)
    rec["N_pdg"][:] = HNL_PDG if majorana else HNL_PDG * n_sign
    material = np.full(m, "", dtype=object)
    return rec, source, production, material


def _upscattering_records_all(experiment, history, idx, majorana, mass):
    """_upscattering_records over the per-flux parts of _upscattering_all_fluxes."""
    bounds = np.cumsum([0, *history["sizes"]])
    m = idx.size
    rec = _empty_record(m)
    source, production, material = (np.empty(m, dtype=object) for _ in range(3))
    for j, h in enumerate(history["parts"]):
        sel = np.nonzero((idx >= bounds[j]) & (idx < bounds[j + 1]))[0]
        if sel.size == 0:
            continue
        r, s_, p_, m_ = _upscattering_records(experiment, h, idx[sel] - bounds[j], majorana, mass)
        for k in rec:
            rec[k][sel] = r[k]
        source[sel], production[sel], material[sel] = s_, p_, m_
    return rec, source, production, material


def _upscattering_records(experiment, history, idx, majorana, mass):
    """Production slots for upscattering HNLs idx: nu + A(rest) -> N + A' (A' by conservation)."""
    from hnlreach.physics.nuclei import nucleus

    m = idx.size
    rec = _empty_record(m)
    flux = history["flux"]
    nu = {"e": 12, "mu": 14, "tau": 16}[flux.flavour] * (-1 if flux.antineutrino else 1)
    E = history["E_nu"][idx]
    rec["parent_pdg"][:] = nu
    rec["parent_p4"][:, 0] = E
    rec["parent_p4"][:, 1:] = E[:, None] * history["direction"][None, :]
    nuc_idx = history["nucleus"][idx]
    names = np.array(history["nuclei"], dtype=object)[nuc_idx]
    pdg_of = {nm: nucleus_pdg(nm) for nm in history["nuclei"]}
    mass_of = {nm: nucleus(nm).mass for nm in history["nuclei"]}
    rec["target_pdg"][:] = [pdg_of[x] for x in names]
    rec["target_p4"][:, 0] = [mass_of[x] for x in names]
    rec["sib1_pdg"][:] = rec["target_pdg"]
    vols = experiment.world.volumes
    material = np.array([vols[v].material.name for v in history["volume"][idx]], dtype=object)
    production = np.array([f"{'anti-' if flux.antineutrino else ''}nu({flux.flavour}) {x} -> N {x}"
                           for x in names], dtype=object)
    source = np.full(m, flux.name, dtype=object)
    rec["N_pdg"][:] = HNL_PDG if majorana else HNL_PDG * np.sign(nu)
    return rec, source, production, material


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


# --- one batch of complete events ----------------------------------------------------------------
def _batch(ctx, n_hnl, rng) -> dict | None:
    """Complete event records for the fiducial entries of n_hnl produced HNLs (weights for a
    sample of n_hnl: the caller rescales when combining batches)."""
    from hnlreach.rates import engine
    from hnlreach.rates.selection import acceptance

    exp, hnl_g, gk = ctx["experiment"], ctx["hnl_g"], ctx["gk"]
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
    live = prob > 0
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
        rec, source, production, material = _mixing_records(exp, labels, history, idx, ctx["majorana"], rng)
    else:
        rec, source, production, material = _upscattering_records_all(exp, history, idx, ctx["majorana"], ctx["mass"])
    # the N four-momentum is the engine's (identical to the production record's)
    rec["N_p4"] = p4[idx]
    if ctx["kind"] != "mixing":  # recoil by four-momentum conservation
        rec["sib1_p4"] = rec["parent_p4"] + rec["target_p4"] - rec["N_p4"]
    decay_channel = np.empty(m, dtype=object)
    eff = np.zeros(m)
    anti = rec["N_pdg"] < 0
    for d in decays:
        k = d["index"]
        decay_channel[k] = d["channel"]
        eff[k] = d["selected"] * d["efficiency"]
        pdg = np.broadcast_to(d["pdg"], (k.size, d["pdg"].size))
        if pdg.shape[1] > 3:
            raise HNLInputError(f"channel {d['channel']!r} has more than 3 products: no event record")
        for j in range(pdg.shape[1]):
            rec[f"d{j + 1}_pdg"][k] = _conj(pdg[:, j], anti[k])  # N-bar decays: CP image
            rec[f"d{j + 1}_p4"][k] = d["p4"][:, j]
    w_nosel = gk * w[idx] * prob * ctx["br_vis"]
    out.update(rec=rec, source=source, production=production, material=material,
               decay_channel=decay_channel, prod_xyz=o[idx].copy(), decay_xyz=decay_xyz,
               weight_nosel=w_nosel, weight=gk * w[idx] * prob * acc,
               efficiency=np.where(w_nosel > 0, gk * w[idx] * prob * acc / np.where(w_nosel > 0, w_nosel, 1), 0.0))
    return out


def _concat(batches, n_total_hnl):
    """Merge batches, each reweighted by n_hnl(batch) / n_total_hnl."""
    keep = [b for b in batches if b["m"] > 0]
    scale = np.concatenate([np.full(b["m"], b["n_hnl"] / n_total_hnl) for b in keep])
    cat = lambda f: np.concatenate([f(b) for b in keep])  # noqa: E731
    out = {k: cat(lambda b, k=k: b[k]) for k in ("source", "production", "material", "decay_channel",
                                                   "prod_xyz", "decay_xyz", "efficiency")}
    out["weight"] = cat(lambda b: b["weight"]) * scale
    out["weight_nosel"] = cat(lambda b: b["weight_nosel"]) * scale
    out["rec"] = {k: cat(lambda b, k=k: b["rec"][k]) for k in keep[0]["rec"]}
    return out


def _take(pool, sel):
    out = {k: (v[sel] if isinstance(v, np.ndarray) else v) for k, v in pool.items() if k != "rec"}
    out["rec"] = {k: v[sel] for k, v in pool["rec"].items()}
    return out


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
    if (mixing is None) == (dipole is None):
        raise HNLInputError("give exactly one of a mixing pattern or a dipole flavour")
    try:
        n = int(n)
    except (TypeError, ValueError):
        raise HNLInputError(f"number of events must be an integer, got {n!r}") from None
    if n < 1:
        raise HNLInputError(f"number of events must be positive, got {n}")
    if not (np.isfinite(coupling) and coupling > 0):
        raise HNLInputError(f"coupling must be positive and finite, got {coupling}")
    rng = as_generator(seed)
    hnl_g = HNL.from_pattern(mass, mixing=mixing, dipole=dipole, coupling=coupling, majorana=majorana)
    kind = "mixing" if mixing is not None else "dipole"
    if kind == "mixing" and not experiment.sources:
        raise HNLInputError(f"experiment {experiment.name} has no meson/tau sources for mass mixing")
    power = 1 if kind == "mixing" else 2
    chans = engine.signal_channels(experiment, hnl_g)
    if not chans:
        raise HNLInputError(f"no signal channel of {experiment.name} is open at m = {mass:g} GeV")
    ctx = {"experiment": experiment, "hnl_g": hnl_g, "gk": float(coupling) ** power, "kind": kind,
           "mass": float(mass), "pattern": flavour_pattern(mixing) if mixing else None, "dipole": dipole,
           "majorana": majorana, "channels": chans, "br_vis": float(sum(chans.values()))}

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
                pool = _concat(batches, n_hnl_total)
                break
            need_hnl = 1.1 * (n - m_pool) * n_hnl_total / m_pool
        else:  # expected number kept by accept-reject: sum(w) / max(w)
            pool = _concat(batches, n_hnl_total)
            w_max = pool["weight"].max()
            expected_kept = pool["weight"].sum() / w_max if w_max > 0 else 0.0
            if expected_kept >= n:
                kept = np.nonzero(rng.uniform(size=m_pool) * w_max < pool["weight"])[0]
                if kept.size >= n:
                    break
            per_hnl = max(expected_kept, 1.0) / n_hnl_total
            need_hnl = max(1.2 * (n - expected_kept) / per_hnl, 0.1 * n_hnl_total)
            if m_pool > _MAX_POOL:
                raise HNLInputError(f"unweighting efficiency too low ({expected_kept:.3g} kept of {m_pool} "
                                    "events): ask for weighted events")
        if len(batches) >= _MAX_BATCHES:
            raise HNLInputError(f"could not reach {n} events with positive weight after {n_hnl_total} "
                                "HNLs (selection too tight at this point?)")
        n_hnl_next = int(min(_MAX_HNL_PER_BATCH, max(10_000, need_hnl)))

    total = float(pool["weight"].sum())
    total_nosel = float(pool["weight_nosel"].sum())
    m_pool = pool["weight"].size
    if unweighted:
        chosen = rng.permutation(kept)[:n]
        out = _take(pool, np.sort(chosen))
        w_evt = total / n
        out["weight_nosel"] = w_evt / out["efficiency"]
        out["weight"] = np.full(n, w_evt)
    else:
        chosen = np.sort(rng.choice(m_pool, size=n, replace=False))
        out = _take(pool, chosen)
        out["weight"] = out["weight"] * (m_pool / n)
        out["weight_nosel"] = out["weight_nosel"] * (m_pool / n)
    mc_error = float(np.sqrt(np.sum(pool["weight"] ** 2)))
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
