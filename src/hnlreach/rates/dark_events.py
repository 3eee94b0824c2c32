"""Dark-sector models at one model point: the expected signal with cascades through the geometry, and
event records (``hnlreach events --model``).

Every HNL N_j the fluxes upscatter to (rates.dark.model_hnls: every j with a vertex to a flux flavour) is
followed through the geometry, once per upscattering:

* direct: N_j decays into a signal channel inside a fiducial segment of its line of flight, with
  probability exp(-l1/L_j) - exp(-l2/L_j) (L_j = beta gamma c tau_j, tau_j from the total width: every
  channel) x BR_vis(N_j), the decay point drawn from the exponential law inside the segment;
* cascade (j >= 5): N_j -> N_i X (X = l+ l-, Z', h', gamma, any channel with a lighter HNL), the N_j decay
  point drawn from its exponential law along the line of flight, up to the far end of the fiducial
  volumes (an N_i made beyond it is not followed), weight x BR(N_j -> N_i X) x P(decay before that end);
  the N_i momentum from the decay kinematics; then N_i flies from there and decays in a fiducial segment
  into a signal channel with its own decay probability (its lifetime from its total width).  A cascade
  whose N_j decay is itself visible inside a fiducial volume is the direct event already (the N_j decay is
  the one seen): it is not counted again, so each upscattering gives at most one event and the rate
  counts the upscattering once (DarkNews 0.4.8 counts an N5 once per decay channel).  One level of
  cascade (N6 -> N5 -> N4 stops at N5's direct decays).

``cascade_rate`` sums the weights with the analytic decay probability of the last step; ``event_arrays``
draws the last decay point explicitly (engine.sample_decay_distance) and keeps the full record, so the
sum of its weights estimates the same number (tested).  Event columns added to the standard ones
(rates.events, outputs.events): ``hnl`` (j of the upscattered HNL), ``helicity`` (its helicity from the
upscattering, CM frame, -1/+1), ``upscattering`` (index of the upscattered HNL in the sample: unique per
event), ``cascade`` (1 if the seen decay is the N_i's; every decay is polarised: N_j with its upscattering
helicity, a cascade's N_i with the daughter helicity of the N_j decay, rates.dark; the ``efficiency`` column
includes the polarised sampler's grid-correction weight, mean 1), ``d1_decay_x/y/z`` (the N_i decay vertex of a
cascade, NaN otherwise; the N slot is N_j, d1 its daughter N_i with status 2 and u1.. its decay products
with mother 1).  HepMC3 files (outputs.events) put the N_i decay vertex at d1_decay_x/y/z.
"""
from __future__ import annotations

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics.constants import HBARC_GEV_M
from hnlreach.physics.kinematics import as_generator


def _lam(hnl, p4):
    """1/decay length [1/m] of HNLs with four-momenta p4 (n, 4)."""
    pn = np.linalg.norm(p4[:, 1:], axis=1)
    return hnl.width * hnl.mass / (np.maximum(pn, 1e-300) * HBARC_GEV_M)


def _last_entries(experiment, hnl, w, origins, p4, rng, explicit: bool, pol=None):
    """Visible decays of HNLs (weights w, from origins, p4) in the fiducial segments: (index, weight x P_seg,
    decay points, acceptance, decays list).  explicit: decay points drawn from the exponential law inside the
    segment (else a uniform representative point, as the engine's strata = 1).  pol: the HNLs' polarisations
    (rates.dark.upscattered_polarisation / cascade_products; None: unpolarised decays)."""
    from hnlreach.rates import engine
    from hnlreach.rates.selection import acceptance

    idx, l1, l2, points = engine._entries(experiment, w, origins, p4, 1, rng)
    lam = _lam(hnl, p4[idx])
    prob = engine.segment_decay_probability(lam, l1, l2)
    if explicit and idx.size:
        pn = np.linalg.norm(p4[idx, 1:], axis=1)
        dist = engine.sample_decay_distance(lam, l1, l2, rng.uniform(size=idx.size))
        points = origins[idx] + p4[idx, 1:] / pn[:, None] * dist[:, None]
    chans = engine.signal_channels(experiment, hnl)
    decays: list = []
    acc = acceptance(experiment, hnl, chans, p4[idx], points, rng, decays=decays if explicit else None,
                     polarisation=None if pol is None else pol[idx]) if chans else np.zeros(idx.size)
    return idx, w[idx] * prob, points, acc, decays


def _far_end(experiment, origins, dirs):
    """Distance along each ray to the far end of the fiducial volumes (0 if the ray misses them all)."""
    from hnlreach.rates.engine import fiducial_intervals

    end = np.zeros(origins.shape[0])
    for idx, _, l2 in fiducial_intervals(experiment, origins, dirs):
        end[idx] = np.maximum(end[idx], l2)
    return end


def _cascade(experiment, model, j, w, origins, p4, rng, explicit, pol=None):
    """N_j -> N_i X -> ...: the N_i that reach a visible decay (module docstring).  Returns a list of dicts
    per (sub-channel): index into the N_j sample, N_j decay point, N_i p4, the N_j decay products, and the
    N_i last-step entries."""
    from hnlreach.rates import engine
    from hnlreach.rates.dark import DarkHNL, cascade_products

    top = DarkHNL(model, j)
    pol = np.zeros(w.size) if pol is None else pol
    subs = [s for s in top.subchannels if s.daughter.startswith("N") and s.width > 0]
    if not subs or top.width <= 0:
        return []
    pn = np.linalg.norm(p4[:, 1:], axis=1)
    dirs = p4[:, 1:] / pn[:, None]
    end = _far_end(experiment, origins, dirs)
    lam = _lam(top, p4)
    p_before = -np.expm1(-lam * end)  # N_j decays before the far end
    live = np.nonzero(p_before > 0)[0]
    if live.size == 0:
        return []
    widths = np.array([s.width for s in subs])
    pick = rng.choice(len(subs), size=live.size, p=widths / widths.sum())
    br_casc = widths.sum() / top.width
    dist = engine.sample_decay_distance(lam[live], np.zeros(live.size), end[live], rng.uniform(size=live.size))
    vertex = origins[live] + dirs[live] * dist[:, None]
    # a visible N_j decay inside a fiducial volume is a direct event: not a cascade
    inside = np.zeros(live.size, dtype=bool)
    for idx, l1, l2 in engine.fiducial_intervals(experiment, origins[live], dirs[live]):
        inside[idx] |= (dist[idx] >= l1) & (dist[idx] < l2)
    chans = engine.signal_channels(experiment, top)
    out = []
    for k, s in enumerate(subs):
        sel = np.nonzero((pick == k) & ~(inside & (s.preset in chans)))[0]
        if sel.size == 0:
            continue
        i = live[sel]
        prods, _, pol_i = cascade_products(top, [s] * sel.size, p4[i], pol[i], rng)
        child = DarkHNL(model, int(s.daughter[1:]))
        w_c = w[i] * p_before[i] * br_casc
        last = _last_entries(experiment, child, w_c, vertex[sel], prods[:, 0], rng, explicit, pol_i)
        out.append({"sub": s, "index": i, "vertex": vertex[sel], "products": prods, "child": child, "last": last,
                    "top": top})
    return out


def _tops(model):
    return list(range(4, 4 + len(model.masses)))


def _upscattered(experiment, model, n_hnl, rng):
    """(j, weights, origins, four-momenta, parts) of the HNLs N_j the experiment's fluxes can make."""
    from hnlreach.rates.dark import fluxes_for, model_hnls

    for j in _tops(model):
        try:
            fluxes_for(experiment, model, j)
        except HNLInputError:
            continue
        yield (j, *model_hnls(experiment, model, j, n_hnl, rng))


def cascade_rate(experiment, model, *, n_hnl: int = 20_000, rng=None) -> dict:
    """Expected signal events at the model point (direct + cascade, module docstring) with MC errors:
    {'total', 'mc_error', 'direct': {j: N}, 'cascade': {j: N}, 'max_probability'}: the last is the largest,
    over the upscattered HNLs, of the summed probabilities of all their counted outcomes (direct visible
    decay in a fiducial volume, every cascade) before selection: at most 1 when each is counted once."""
    from hnlreach.rates.dark import DarkHNL, upscattered_polarisation

    rng = as_generator(rng)
    out = {"direct": {}, "cascade": {}}
    per_hnl = []
    for j, w, o, p4, parts in _upscattered(experiment, model, n_hnl, rng):
        pol = upscattered_polarisation(model, j, p4, parts)
        contrib = np.zeros(w.size)
        prob = np.zeros(w.size)
        top = DarkHNL(model, j)
        idx, wp, _, acc, _ = _last_entries(experiment, top, w, o, p4, rng, explicit=False, pol=pol)
        np.add.at(contrib, idx, wp * acc)
        np.add.at(prob, idx, wp * sum(engine_signal(experiment, top).values()) / w[idx])
        out["direct"][j] = float(np.sum(wp * acc))
        casc = 0.0
        for c in _cascade(experiment, model, j, w, o, p4, rng, explicit=False, pol=pol):
            li, lw, _, lacc, _ = c["last"]
            np.add.at(contrib, c["index"][li], lw * lacc)
            br_i = sum(engine_signal(experiment, c["child"]).values())
            np.add.at(prob, c["index"][li], lw * br_i / w[c["index"][li]])
            casc += float(np.sum(lw * lacc))
        out["cascade"][j] = casc
        out["max_probability"] = max(out.get("max_probability", 0.0), float(prob.max(initial=0.0)))
        per_hnl.append(contrib)
    if not per_hnl:
        raise HNLInputError(f"no neutrino flux of experiment {experiment.name} upscatters to any HNL of the model")
    allc = np.concatenate(per_hnl)
    out["total"] = float(allc.sum())
    out["mc_error"] = float(np.sqrt(np.sum(allc ** 2)))
    return out


# --- event records ---------------------------------------------------------------------------------
def _record_block(experiment, model, j, w, o, p4, parts, rng, vocab):
    """Records (rates.events layout + extra columns) of the direct and cascade events of one N_j sample."""
    from hnlreach.rates import events as ev
    from hnlreach.rates.dark import N_PDG, DarkHNL, upscattered_polarisation

    pol = upscattered_polarisation(model, j, p4, parts)
    hist = {"parts": [h for _, h, _ in parts], "sizes": [s for _, _, s in parts]}
    hel_all = np.concatenate([h["helicity"] for _, h, _ in parts]) if parts else np.zeros(0, int)
    blocks = []

    def block(up_idx, weight, w_nosel, prod_xyz, decay_xyz, decays, m, cascade=None):
        rec, codes = ev._upscattering_records_all(experiment, hist, up_idx, False, vocab)
        rec["N_p4"] = p4[up_idx]
        rec["N_pdg"][:] = N_PDG[j] * np.where(rec["parent_pdg"] < 0, -1, 1) if not model.majorana else N_PDG[j]
        rec["sib1_p4"] = rec["parent_p4"] + rec["target_p4"] - rec["N_p4"]
        eff = np.zeros(m)
        trees = []
        d1_decay = np.full((m, 3), np.nan)
        for d in decays:
            k = d["index"]
            codes["decay_channel"][k] = vocab["decay_channel"].code(
                d["channel"] if cascade is None else f"N{j} -> {cascade['sub'].daughter} ..., {d['channel']}")
            eff[k] = d["selected"] * d["efficiency"]
            anti = rec["N_pdg"][k] < 0  # N-bar (Dirac, from a nu-bar): CP images of the products
            pdg = ev._conj(np.broadcast_to(d["pdg"], (k.size, d["pdg"].size)), np.broadcast_to(
                anti[:, None], (k.size, d["pdg"].size)))
            tree = ev._tree_columns(d["tree"], pdg.shape[1], anti)
            if cascade is None:
                for i in range(pdg.shape[1]):
                    rec[f"d{i + 1}_pdg"][k] = pdg[:, i]
                    rec[f"d{i + 1}_p4"][k] = d["p4"][:, i]
            else:  # N slot N_j, d1..: its products (d1 = N_i, decayed), u1..: the N_i products (mother 1)
                prods = cascade["products"][k]
                names = cascade["pdg"]
                for i in range(prods.shape[1]):
                    rec[f"d{i + 1}_pdg"][k] = np.where(anti, ev.conjugate_pdg(names[i]), names[i])
                    rec[f"d{i + 1}_p4"][k] = prods[:, i]
                kk = pdg.shape[1]
                u_pdg = np.concatenate([pdg, tree["u_pdg"]], axis=1)
                u_p4 = np.concatenate([d["p4"], tree["u_p4"]], axis=1)
                # mothers of the N_i tree: its d slot j -> u_j (position D + j), its u_i -> u_(kk + i)
                mo, D = tree["u_mother"], ev.N_DECAY
                u_mother = np.concatenate([np.ones((k.size, kk), dtype=np.int64),
                                           np.where(mo > D, mo + kk, np.where(mo > 0, mo + D, 0))], axis=1)
                u_status = np.concatenate([tree["d_status"][:, :kk], tree["u_status"]], axis=1)
                d_status = np.zeros((k.size, D), dtype=np.int64)
                d_status[:, :prods.shape[1]] = 1
                d_status[:, 0] = 2
                tree = {"u_pdg": u_pdg, "u_p4": u_p4, "u_mother": u_mother, "u_status": u_status, "d_status": d_status}
                d1_decay[k] = cascade["last_points"][k]
            trees.append((k, tree))
        weight_sel = weight * eff
        return {"rec": rec, "codes": codes, "tree": ev._merge_trees(trees, m), "prod_xyz": prod_xyz,
                "decay_xyz": decay_xyz, "weight": weight_sel, "weight_nosel": w_nosel, "efficiency": eff,
                "extra": {"hnl": np.full(m, j), "helicity": hel_all[up_idx], "upscattering": up_idx,
                          "cascade": np.full(m, 0 if cascade is None else 1), "d1_decay_xyz": d1_decay}}

    top = DarkHNL(model, j)
    idx, wp, points, acc, decays = _last_entries(experiment, top, w, o, p4, rng, explicit=True, pol=pol)
    br = sum(engine_signal(experiment, top).values())
    if idx.size:
        blocks.append(block(idx, wp * br, wp * br, o[idx], points, decays, idx.size))
    for c in _cascade(experiment, model, j, w, o, p4, rng, explicit=True, pol=pol):
        li, lw, lpts, lacc, ldec = c["last"]
        if li.size == 0:
            continue
        s = c["sub"]
        from hnlreach.physics.decay_sampling import product_pdgid

        names = [N_PDG[int(s.daughter[1:])]] + ([22] if s.kind == "gamma" else
                                                [product_pdgid(f"{s.lepton}+"), product_pdgid(f"{s.lepton}-")])
        br_c = sum(engine_signal(experiment, c["child"]).values())
        casc = {"sub": s, "products": c["products"][li], "pdg": names, "last_points": lpts}
        blocks.append(block(c["index"][li], lw * br_c, lw * br_c, o[c["index"][li]], c["vertex"][li], ldec, li.size,
                            casc))
    return blocks


def engine_signal(experiment, hnl):
    from hnlreach.rates.engine import signal_channels

    return signal_channels(experiment, hnl)


def event_arrays(experiment, model, *, n: int = 10_000, seed=1, n_hnl: int | None = None):
    """Weighted events of a dark-sector model (module docstring): (arrays for outputs.events.build_table plus
    ``extra`` columns, metadata).  Sum of weights = the expected signal (cascade_rate)."""
    from hnlreach.rates import events as ev
    from hnlreach.rates.dark import darknews_names
    from hnlreach.physics.dark_decays import ctau

    rng = as_generator(seed)
    n = int(n)
    if n < 1:
        raise HNLInputError(f"number of events must be positive, got {n}")
    vocab = {lab: ev._Vocab() for lab in ev.LABELS}
    n_hnl = int(n_hnl or min(max(4 * n, 20_000), 200_000))
    blocks = []
    for j, w, o, p4, parts in _upscattered(experiment, model, n_hnl, rng):
        blocks += _record_block(experiment, model, j, w, o, p4, parts, rng, vocab)
    m_pool = sum(b["weight"].size for b in blocks)
    if m_pool == 0:
        raise HNLInputError(f"no HNL of the model decays into a signal channel inside the fiducial volume of "
                            f"{experiment.name} (after {n_hnl} upscattered HNLs per HNL)")
    cat = {}
    for key in ("prod_xyz", "decay_xyz", "weight", "weight_nosel", "efficiency"):
        cat[key] = np.concatenate([b[key] for b in blocks])
    total = float(cat["weight"].sum())
    mc_error = float(np.sqrt(np.sum(cat["weight"] ** 2)))
    chosen = np.sort(rng.choice(m_pool, size=min(n, m_pool), replace=False))
    scale = m_pool / chosen.size
    K = max(b["tree"]["u_pdg"].shape[1] for b in blocks)
    tree = ev._merge_trees([], m_pool, K)
    off = 0
    for b in blocks:
        mb = b["weight"].size
        for key, v in b["tree"].items():
            tree[key][off:off + mb, :v.shape[1]] = v
        off += mb
    rec = {k: np.concatenate([b["rec"][k] for b in blocks])[chosen] for k in blocks[0]["rec"]}
    codes = {k: np.concatenate([b["codes"][k] for b in blocks])[chosen] for k in blocks[0]["codes"]}
    extra = {k: np.concatenate([b["extra"][k] for b in blocks])[chosen] for k in blocks[0]["extra"]}
    block = np.empty((chosen.size, len(ev.FLOAT_COLUMNS)), order="F")
    for k, (lo, hi) in ev._BLOCK_OF.items():
        src = rec[k] if k.endswith("_p4") else cat[k][chosen]
        block[:, lo:hi] = src if hi - lo > 1 else src[:, None]
    block[:, ev._BLOCK_OF["weight"][0]] *= scale
    block[:, ev._BLOCK_OF["weight_nosel"][0]] *= scale
    arrays = {"float_block": block, "float_columns": ev.FLOAT_COLUMNS,
              "rec": {k: v for k, v in rec.items() if k.endswith("_pdg")}, "codes": codes,
              "tree": {k: v[chosen] for k, v in tree.items()}, "categories": {lab: list(vocab[lab]) for lab in ev.LABELS},
              "extra": extra}
    meta = {"generator": "hnlreach", "experiment": experiment.name, "experiment_file": str(experiment.path),
            "provenance": experiment.provenance, "model": "dark sector", "dark_sector": model.name,
            "parameters": darknews_names(model), "nature": "Majorana" if model.majorana else "Dirac",
            "mass_GeV": float(model.m4), "ctau_m": {f"N{j}": float(ctau(model, j)) for j in _tops(model)},
            "coupling": None, "coupling_meaning": "model point (file)", "pot": float(experiment.beam.pot),
            "unweighted": False, "n_events": int(chosen.size), "total_expected_events": total,
            "total_expected_events_mc_error": mc_error, "total_expected_decays_nosel": float(cat["weight_nosel"].sum()),
            "n_hnl_generated": n_hnl, "n_pool_entries": int(m_pool),
            "seed": seed if isinstance(seed, (int, type(None))) else str(seed), "units": "GeV, metres (HepMC3: GeV, mm)"}
    return arrays, meta


def generate_model_events(experiment, model, *, n: int = 10_000, seed: int = 1):
    """pandas DataFrame of dark-sector events (outputs.events columns + the extra ones of this module)."""
    import pandas as pd

    from hnlreach import __version__
    from hnlreach.outputs.events import build_table

    arrays, meta = event_arrays(experiment, model, n=n, seed=seed)
    meta["version"] = __version__
    df = build_table(arrays, meta)
    extra = arrays["extra"]
    cols = {k: v for k, v in extra.items() if k != "d1_decay_xyz"}
    for i, c in enumerate("xyz"):
        cols[f"d1_decay_{c}"] = extra["d1_decay_xyz"][:, i]
    out = pd.concat([df, pd.DataFrame(cols, index=df.index)], axis=1)
    out.attrs = df.attrs
    return out
