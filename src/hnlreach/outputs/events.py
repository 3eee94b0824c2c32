"""Event tables and files: a pandas DataFrame (one row per event, flat columns), Parquet and
HepMC3 writers and readers, the format chosen by the file extension.

Columns (units: GeV, metres):
- ``event`` (int), ``weight`` (expected events for the experiment's exposure at the coupling,
  selection and efficiency included: sum = ``hnlreach limit``'s N(g)), ``weight_nosel`` (the same
  before selection and efficiency: HNL decays into the signal channels inside the fiducial
  volume), ``efficiency`` (selection x efficiency of the event, 0 or eff; weight = weight_nosel x
  efficiency).  Unweighted files keep only selected events, all with the same ``weight``
  (= total / n; weight_nosel = weight / efficiency).
- ``source`` (meson/tau source or neutrino flux name), ``production`` (channel, e.g.
  ``D(s)+ -> mu+ N``, ``nu(mu) C12 -> N C12`` or ``nu(mu) p(C12) -> N p``; tau-chain kinematics are listed for the tau-
  channel, the record holds the actual charges), ``material`` (upscattering only),
  ``decay_channel`` (``N -> ...`` for N; N-bar events of a Dirac HNL carry the CP-conjugate ids),
  ``target_component`` (upscattering: ``coherent``, ``proton`` or ``neutron``; else empty).
- ``prod_x/y/z`` (production vertex), ``decay_x/y/z`` (decay vertex, drawn from the exponential
  decay law at the coupling inside the fiducial segment).
- for each slot of ``rates.events.SLOTS`` (N, parent, target, sib1..sib5, gparent, gsib, gsib2, d1..dK with
  K = ``rates.events.N_DECAY``, the most products of any decay channel, 6: 'N -> l- pi+ pi+ pi- pi0 pi0'):
  ``<slot>_pdg`` (0 = empty) and ``<slot>_E/_px/_py/_pz``.  The HNL is PDG 9900012 (-9900012 for
  a Dirac N-bar).  For upscattering the target is at rest: the nucleus (PDG 10LZZZAAAI) for
  coherent scattering, the struck proton (2212) or neutron (2112) otherwise (a free nucleon at
  rest, as the cross section of physics.upscattering assumes); sib1 is the same particle after
  the scattering, from four-momentum conservation, on its mass shell.
- decay tree of the unstable decay products (physics.unstable: pi0, eta, rho, omega, phi, K_S, K*,
  tau, ... decayed down to gamma, e, mu, nu, pi+-, K+-, K_L, p, n): ``d1_status..dK_status``
  (1 final, 2 decayed, 0 empty) and, for u1..uK (K = the sample's largest tree), ``u<i>_pdg``,
  ``u<i>_E/_px/_py/_pz``, ``u<i>_mother`` (1-based position of the mother in (d1, ..., dK, u1, ...),
  0 = empty slot) and ``u<i>_status``.  The final state of an event is every d/u slot with
  status 1.  Decays are prompt (at the HNL decay vertex; K_S and tau flight neglected).
Normalisation and model are in ``df.attrs["hnlreach"]`` (Parquet key-value metadata ``hnlreach``
as JSON; HepMC3 run-info attributes, one per key, plus ``hnlreach`` with the JSON).
HepMC3: one GenEvent per event, units GeV and mm (vertex time = c t in mm, production at t = 0);
vertices [gparent -> parent gsib (gsib2)], [parent (+ target) -> N sib1..sib5], [N -> d1..dK], then one
vertex [X -> its u products] per decayed d/u slot, in slot order, at the HNL decay point (for a dark-sector
cascade, rates.dark_events, the daughter HNL d1's at its own decay vertex d1_decay_x/y/z); status
4 for the incoming neutrino and target, 2 for decayed particles, 1 for final ones; event weights
``weight`` and ``weight_nosel``; event attributes source/production/material/decay_channel/
target_component/efficiency.  The HepMC3 ASCII text is written directly (vectorised; format notes
at write_hepmc), byte-identical to what pyhepmc's WriterAscii makes of the same GenEvents.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.rates.events import DECAY_SLOTS, GSIB_SLOTS, LABELS, N_DECAY, SIB_SLOTS, SLOTS

FORMATS = {".parquet": "parquet", ".pq": "parquet", ".hepmc": "hepmc", ".hepmc3": "hepmc"}
_COMP = ("E", "px", "py", "pz")
META_KEY = "hnlreach"


def file_format(path) -> str:
    """'parquet' or 'hepmc' from the file extension (HNLInputError otherwise)."""
    ext = Path(path).suffix.lower()
    if ext not in FORMATS:
        raise HNLInputError(f"unknown event file extension {ext or '(none)'!r} for {path}: "
                            f"use one of {', '.join(sorted(FORMATS))}")
    return FORMATS[ext]


def columns(n_u: int = 0) -> list[str]:
    """Column names of an event table with n_u u-slots (decay tree), in order."""
    cols = ["event", "weight", "weight_nosel", "efficiency", *LABELS,
            "prod_x", "prod_y", "prod_z", "decay_x", "decay_y", "decay_z"]
    for s in SLOTS:
        cols += [f"{s}_pdg"] + [f"{s}_{c}" for c in _COMP]
    cols += [f"{s}_status" for s in DECAY_SLOTS]
    for i in range(1, n_u + 1):
        cols += [f"u{i}_pdg"] + [f"u{i}_{c}" for c in _COMP] + [f"u{i}_mother", f"u{i}_status"]
    return cols


def n_u_slots(df) -> int:
    """Number of u-slots (decay-tree columns) of an event table."""
    n = 0
    while f"u{n + 1}_pdg" in df.columns:
        n += 1
    return n


def _tree_frame(tree: dict, n: int):
    """Columns d<j>_status and u<i>_* of rates.events.TREE_KEYS arrays."""
    import pandas as pd

    cols = {f"{s}_status": tree["d_status"][:, j] for j, s in enumerate(DECAY_SLOTS)}
    for i in range(tree["u_pdg"].shape[1]):
        u = f"u{i + 1}"
        cols[f"{u}_pdg"] = tree["u_pdg"][:, i]
        for c, comp in enumerate(_COMP):
            cols[f"{u}_{comp}"] = tree["u_p4"][:, i, c]
        cols[f"{u}_mother"] = tree["u_mother"][:, i]
        cols[f"{u}_status"] = tree["u_status"][:, i]
    return pd.DataFrame(cols, index=pd.RangeIndex(n))


def build_table(arrays: dict, meta: dict):
    """pandas DataFrame from ``rates.events.generate_event_arrays`` output (meta in .attrs): the
    float columns wrap ``arrays["float_block"]`` (no copy), the others are inserted in place."""
    import pandas as pd

    df = pd.DataFrame(arrays["float_block"], columns=list(arrays["float_columns"]), copy=False)
    n = len(df)
    df.insert(0, "event", np.arange(n, dtype=np.int64))
    at = df.columns.get_loc("efficiency") + 1
    for i, lab in enumerate(LABELS):
        df.insert(at + i, lab, pd.Categorical.from_codes(arrays["codes"][lab], categories=arrays["categories"][lab]))
    for s in SLOTS:
        df.insert(df.columns.get_loc(f"{s}_E"), f"{s}_pdg", arrays["rec"][f"{s}_pdg"].astype(np.int64))
    tree = arrays.get("tree")
    if tree is None:
        from hnlreach.rates.events import _merge_trees

        tree = _merge_trees([], n)
    df = pd.concat([df, _tree_frame(tree, n)], axis=1)
    df.attrs[META_KEY] = meta
    return df


def slot_p4(df, slot: str) -> np.ndarray:
    """(n, 4) four-momenta (E, px, py, pz) of a slot."""
    return np.column_stack([df[f"{slot}_{c}"].to_numpy() for c in _COMP])


# --- Parquet -----------------------------------------------------------------------------------
EXTRAS = {"parquet": ("pyarrow", "Parquet"), "hepmc-read": ("pyhepmc", "reading HepMC3")}


def require(what: str):
    """Import the optional package `what` needs (EXTRAS) or raise a one-line HNLInputError."""
    import importlib

    mod, use = EXTRAS[what]
    try:
        return importlib.import_module(mod)
    except ImportError:
        raise HNLInputError(f"{use} needs {mod}: pip install 'hnlreach[events]'") from None


def write_parquet(df, path) -> Path:
    require("parquet")
    import pyarrow as pa
    import pyarrow.parquet as pq

    from hnlreach.outputs.atomic import atomic_open

    table = pa.Table.from_pandas(df, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[META_KEY.encode()] = json.dumps(df.attrs.get(META_KEY, {})).encode()
    table = table.replace_schema_metadata(meta)
    with atomic_open(path, "wb") as fh:
        pq.write_table(table, fh, compression="zstd")
    return Path(path)


def read_parquet(path):
    require("parquet")
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    df = table.to_pandas()
    raw = (table.schema.metadata or {}).get(META_KEY.encode())
    df.attrs = {META_KEY: json.loads(raw) if raw else {}}
    return df


# --- HepMC3 ------------------------------------------------------------------------------------
# The HepMC3 ASCII format ("HepMC::Asciiv3"), written here directly, vectorised over events, as
# HepMC3's WriterAscii (src/WriterAscii.cc, HepMC 3.02) writes the GenEvent that the docstring
# describes (byte-identical to pyhepmc's writer: tested):
#   run info: "W <weight names joined by \|>", "T <tool name\|version\|description>",
#             "A <name> <value>" per run attribute (sorted by name);
#   event:    "E <number> <n vertices> <n particles>", "U GEV MM", "W <weights, %.22e>",
#             "A 0 <name> <value>" per event attribute (sorted by name), then the particles in
#             the order they were added (GenEvent::add_vertex: incoming not yet in the event, then
#             outgoing), "P <id> <parent> <pid> <px py pz e m, %.16e> <status>", where <parent> is
#             the production vertex id if that vertex has several incoming particles or a nonzero
#             position (its line "V <id> <status> [<sorted incoming ids>] @ <x y z t, %.16e>" is
#             written just before its first outgoing particle), else the single incoming
#             particle's id, 0 without production vertex; m is the momentum's signed mass
#             (FourVector::m: -sqrt(-m^2) if m^2 <= 0).
#   Strings are escaped (backslash -> \\, newline -> \|).
HEPMC_VERSION = "3.02.05"
_HEPMC_CHUNK = 50_000  # events formatted per block
_F16 = "%.16e"


def _escape(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace("\n", "\\|")


def _run_info_lines(meta) -> str:
    """Run-info block (weight names, tool, one attribute per metadata key + the JSON)."""
    attrs = {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in meta.items() if v is not None}
    attrs[META_KEY] = json.dumps(meta)
    lines = ["W " + _escape("weight\nweight_nosel"),
             _escape(f"T hnlreach\n{meta.get('version', '')}\nHNL events")]
    lines += [f"A {k} {_escape(attrs[k])}" for k in sorted(attrs)]
    return "\n".join(lines) + "\n"


def _signed_mass(p4: np.ndarray) -> np.ndarray:
    """HepMC3 FourVector::m of (px, py, pz, E) rows, same floating-point operations."""
    m2 = p4[:, 3] * p4[:, 3] - (p4[:, 0] * p4[:, 0] + p4[:, 1] * p4[:, 1] + p4[:, 2] * p4[:, 2])
    pos = m2 > 0.0
    return np.where(pos, np.sqrt(np.where(pos, m2, 0.0)), -np.sqrt(-np.where(pos, 0.0, m2)))


_TOPO_BITS = ("gparent", "gsib2", "target", *SIB_SLOTS, *DECAY_SLOTS)  # optional slots present
_EVENT_ATTRS = tuple(sorted((*LABELS, "efficiency")))


def _topology(key: int, tree: tuple = ()):
    """(format string, argument plan) of one event layout; key: bits of _TOPO_BITS, then
    production vertex at the origin, decay vertex at the origin; tree: u<i>_mother of the u slots."""
    has = {s: bool(key >> i & 1) for i, s in enumerate(_TOPO_BITS)}
    zero = {"prod": bool(key >> len(_TOPO_BITS) & 1), "decay": bool(key >> (len(_TOPO_BITS) + 1) & 1),
            "d1decay": False}
    cascade = bool(key >> (len(_TOPO_BITS) + 2) & 1)  # d1 (a daughter HNL) decays at its own vertex
    status = {"gparent": 2, "parent": 4 if has["target"] else 2, "gsib": 1, "gsib2": 1, "target": 4, "N": 2,
              **dict.fromkeys(SIB_SLOTS + DECAY_SLOTS, 1)}
    vertices = []  # (position name, incoming slots, outgoing slots), as write_hepmc's GenEvent
    if has["gparent"]:
        vertices.append(("prod", ["gparent"], ["parent", "gsib"] + ["gsib2"] * has["gsib2"]))
    vertices.append(("prod", ["parent"] + ["target"] * has["target"], ["N"] + [s for s in SIB_SLOTS if has[s]]))
    vertices.append(("decay", ["N"], [s for s in DECAY_SLOTS if has[s]]))
    position = [*DECAY_SLOTS] + [f"u{i + 1}" for i in range(len(tree))]
    children: dict = {}
    for i, mo in enumerate(tree):
        if mo:
            children.setdefault(int(mo), []).append(f"u{i + 1}")
            status[f"u{i + 1}"] = 1
    for mo in sorted(children):  # prompt decays of unstable products, at the HNL decay point
        status[position[mo - 1]] = 2
        vertices.append(("d1decay" if cascade and mo == 1 else "decay", [position[mo - 1]], children[mo]))
    pid, prod_vertex = {}, {}
    for iv, (_, ins, outs) in enumerate(vertices):
        for p in ins + outs:
            if p not in pid:
                pid[p] = len(pid) + 1
        for p in outs:
            prod_vertex[p] = iv
    fmt = [f"E %d {len(vertices)} {len(pid)}\nU GEV MM\nW %.22e %.22e\n"]
    fmt += [f"A 0 {a} %s\n" for a in _EVENT_ATTRS]
    plan = [("event",), ("weight",), ("weight_nosel",)] + [("attr", a) for a in _EVENT_ATTRS]
    written = set()
    for p in sorted(pid, key=pid.get):
        parent = 0
        if p in prod_vertex:
            iv = prod_vertex[p]
            where, ins, _ = vertices[iv]
            if len(ins) > 1 or not zero[where]:
                parent = -(iv + 1)
                if iv not in written:
                    written.add(iv)
                    ids = ",".join(str(i) for i in sorted(pid[q] for q in ins))
                    if zero[where]:
                        fmt.append(f"V {parent} 0 [{ids}]\n")
                    else:
                        fmt.append(f"V {parent} 0 [{ids}] @ {_F16} {_F16} {_F16} {_F16}\n")
                        plan.append(("vertex", where))
            else:
                parent = pid[ins[0]]
        fmt.append(f"P {pid[p]} {parent} %d {_F16} {_F16} {_F16} {_F16} {_F16} {status[p]}\n")
        plan.append(("particle", p))
    return "".join(fmt), plan


def _hepmc_columns(df, lo: int, hi: int) -> dict:
    """Per-event arrays of rows lo:hi that the event templates draw from."""
    d = df.iloc[lo:hi]
    col = {"event": d["event"].to_numpy(), "weight": d["weight"].to_numpy(),
           "weight_nosel": d["weight_nosel"].to_numpy()}
    for lab in LABELS:
        cat = d[lab].astype(str).astype("category") if d[lab].dtype.name != "category" else d[lab]
        names = np.array([_escape(c) for c in cat.cat.categories], dtype=object)
        col[lab] = names[cat.cat.codes.to_numpy()] if names.size else np.full(len(d), "", dtype=object)
    col["efficiency"] = np.array([repr(x) for x in d["efficiency"].to_numpy().tolist()], dtype=object)
    for s in SLOTS:
        p4 = np.column_stack([d[f"{s}_{c}"].to_numpy() for c in ("px", "py", "pz", "E")])
        col[s] = (d[f"{s}_pdg"].to_numpy(), p4, _signed_mass(p4))
    prod = np.column_stack([d["prod_x"], d["prod_y"], d["prod_z"]]) * 1e3  # m -> mm
    dxyz = np.column_stack([d["decay_x"], d["decay_y"], d["decay_z"]]) * 1e3
    pn = np.linalg.norm(np.column_stack([d["N_px"], d["N_py"], d["N_pz"]]), axis=1)
    ct = np.linalg.norm(dxyz - prod, axis=1) * d["N_E"].to_numpy() / np.maximum(pn, 1e-300)  # c t [mm]
    col["prod"] = np.column_stack([prod, np.zeros(len(d))])
    col["decay"] = np.column_stack([dxyz, ct])
    bits = [col[s][0] != 0 for s in _TOPO_BITS]
    bits += [~col["prod"].any(axis=1), ~col["decay"].any(axis=1)]
    if "d1_decay_x" in d.columns:  # dark-sector cascades (rates.dark_events): the daughter HNL's decay vertex
        x1 = np.column_stack([d["d1_decay_x"], d["d1_decay_y"], d["d1_decay_z"]]) * 1e3
        casc = np.all(np.isfinite(x1), axis=1)
        x1 = np.where(casc[:, None], x1, 0.0)
        p1 = np.linalg.norm(np.column_stack([d["d1_px"], d["d1_py"], d["d1_pz"]]), axis=1)
        ct1 = ct + np.linalg.norm(x1 - dxyz, axis=1) * d["d1_E"].to_numpy() / np.maximum(p1, 1e-300)
        col["d1decay"] = np.column_stack([x1, np.where(casc, ct1, 0.0)])
        bits.append(casc)
    col["key"] = sum(b.astype(np.int64) << i for i, b in enumerate(bits))
    n_u = n_u_slots(d)
    for i in range(1, n_u + 1):
        u = f"u{i}"
        p4 = np.column_stack([d[f"{u}_{c}"].to_numpy() for c in ("px", "py", "pz", "E")])
        col[u] = (d[f"{u}_pdg"].to_numpy(), p4, _signed_mass(p4))
    mothers = np.column_stack([d[f"u{i}_mother"].to_numpy() for i in range(1, n_u + 1)]) if n_u \
        else np.zeros((len(d), 0), dtype=np.int64)
    sigs, tree_id = np.unique(mothers, axis=0, return_inverse=True)
    col["tree_id"] = tree_id.reshape(-1)
    col["trees"] = [tuple(int(x) for x in row) for row in sigs]
    return col


def _format_events(col, cache: dict | None = None) -> str:
    """The event blocks of one chunk, in row order."""
    cache = {} if cache is None else cache
    keys = col["key"]
    out = np.empty(keys.size, dtype=object)
    combo = keys * max(len(col["trees"]), 1) + col["tree_id"]
    for c in np.unique(combo):
        rows = np.nonzero(combo == c)[0]
        tree = col["trees"][col["tree_id"][rows[0]]]
        tree = tree[:max([i + 1 for i, x in enumerate(tree) if x], default=0)]  # trailing empty slots
        ck = (int(keys[rows[0]]), tree)
        if ck not in cache:
            cache[ck] = _topology(*ck)
        fmt, plan = cache[ck]
        args = []
        for item in plan:
            if item[0] == "attr":
                args.append(col[item[1]][rows].tolist())
            elif item[0] == "vertex":
                args += col[item[1]][rows].T.tolist()
            elif item[0] == "particle":
                pdg, p4, m = col[item[1]]
                args += [pdg[rows].tolist(), *p4[rows].T.tolist(), m[rows].tolist()]
            else:
                args.append(col[item[0]][rows].tolist())
        out[rows] = list(map(fmt.__mod__, zip(*args)))
    return "".join(out.tolist())


def write_hepmc(df, path, workers: int | None = None) -> Path:
    """HepMC3 ASCII file (the module docstring's layout, format notes above), atomically.

    workers: processes formatting the text (float formatting is the cost, ~10-20 us per event
    and process); the output does not depend on it.  workers > 1 spawns processes, which
    re-import the calling script: call it under ``if __name__ == "__main__":`` (as any
    multiprocessing code).  Default 1."""
    import os
    from collections import deque

    from hnlreach.outputs.atomic import atomic_open

    meta = df.attrs.get(META_KEY, {})
    n = len(df)
    workers = 1 if workers is None else max(1, min(int(workers), os.cpu_count() or 1, -(-n // _HEPMC_CHUNK)))
    chunks = (_hepmc_columns(df, lo, min(n, lo + _HEPMC_CHUNK)) for lo in range(0, n, _HEPMC_CHUNK))
    with atomic_open(path, "w") as fh:
        fh.write(f"HepMC::Version {HEPMC_VERSION}\nHepMC::Asciiv3-START_EVENT_LISTING\n")
        if n:  # as WriterAscii: the run info precedes the first event
            fh.write(_run_info_lines(meta))
        if workers <= 1:
            cache: dict = {}
            for col in chunks:
                fh.write(_format_events(col, cache))
        else:  # spawned processes (no fork of a possibly threaded parent); at most 2 chunks each in flight
            import multiprocessing

            from hnlreach.procs import process_pool, stop_pool

            pool = process_pool(workers, mp_context=multiprocessing.get_context("spawn"))
            try:
                pending: deque = deque()
                for col in chunks:
                    pending.append(pool.submit(_format_events, col))
                    if len(pending) >= 2 * workers:
                        fh.write(pending.popleft().result())
                while pending:
                    fh.write(pending.popleft().result())
            except BaseException:
                stop_pool(pool)
                raise
            pool.shutdown(wait=True)
        fh.write("HepMC::Asciiv3-END_EVENT_LISTING\n\n")
    return Path(path)


def read_hepmc(path):
    """The event table back from a file written by write_hepmc (u slots up to the largest decay
    tree in the file: a table with trailing all-empty u slots comes back without them)."""
    require("hepmc-read")
    import pandas as pd
    import pyhepmc as hp

    from hnlreach.rates.dark import N_PDG

    rows = {c: [] for c in columns()}
    trees = []  # per event: list of (pdg, p4 (E, px, py, pz), mother, status) of the u slots
    meta = {}
    reader = hp.io.ReaderAscii(str(path))
    try:
        while True:
            ev = hp.GenEvent()
            reader.read_event(ev)
            if reader.failed():
                break
            if not meta and ev.run_info is not None and META_KEY in ev.run_info.attributes:
                meta = json.loads(ev.run_info.attributes[META_KEY].astype(str))
            slots = dict.fromkeys(SLOTS)
            hnl = next(p for p in ev.particles if abs(p.pid) in N_PDG.values())  # N4 (N5, N6 of a dark sector)
            v1, v2 = hnl.production_vertex, hnl.end_vertex
            ins = list(v1.particles_in)
            slots["parent"] = ins[0]
            slots["target"] = ins[1] if len(ins) > 1 else None
            sibs = [p for p in v1.particles_out if p.id != hnl.id]
            slots["N"] = hnl
            slots.update(zip(SIB_SLOTS, sibs))
            v0 = ins[0].production_vertex
            if v0 is not None and len(v0.particles_in):
                slots["gparent"] = v0.particles_in[0]
                slots.update(zip(GSIB_SLOTS, [p for p in v0.particles_out if p.id != ins[0].id]))
            for k, p in enumerate(v2.particles_out):
                slots[f"d{k + 1}"] = p
            # decay tree: decayed d/u slots in slot order, their products appended as u slots
            queue = [slots[s] for s in DECAY_SLOTS]
            status = [0 if p is None else 1 for p in queue]
            u, i = [], 0
            while i < len(queue):
                p = queue[i]
                i += 1
                if p is not None and p.end_vertex is not None and len(p.end_vertex.particles_out):
                    status[i - 1] = 2
                    for c in p.end_vertex.particles_out:
                        m = c.momentum
                        u.append([c.pid, (m.e, m.px, m.py, m.pz), i, 1])
                        queue.append(c)
                        status.append(1)
            for j, x in enumerate(u):
                x[3] = status[N_DECAY + j]
            for k, s in enumerate(DECAY_SLOTS):
                rows[f"{s}_status"].append(status[k])
            trees.append(u)
            rows["event"].append(ev.event_number)
            rows["weight"].append(ev.weight("weight"))
            rows["weight_nosel"].append(ev.weight("weight_nosel"))
            rows["efficiency"].append(float(ev.attributes["efficiency"].astype(str)))
            for lab in LABELS:
                rows[lab].append(ev.attributes[lab].astype(str) if lab in ev.attributes else "")
            for pre, v in (("prod", v1), ("decay", v2)):
                pos = v.position
                for ax in "xyz":
                    rows[f"{pre}_{ax}"].append(getattr(pos, ax) / 1e3)
            for s, p in slots.items():
                rows[f"{s}_pdg"].append(p.pid if p is not None else 0)
                m = p.momentum if p is not None else None
                for c, a in zip(_COMP, ("e", "px", "py", "pz")):
                    rows[f"{s}_{c}"].append(getattr(m, a) if m is not None else 0.0)
    finally:
        reader.close()
    n_u = max([len(t) for t in trees], default=0)
    for i in range(n_u):
        u = f"u{i + 1}"
        rows[f"{u}_pdg"] = [t[i][0] if i < len(t) else 0 for t in trees]
        for c, comp in enumerate(_COMP):
            rows[f"{u}_{comp}"] = [t[i][1][c] if i < len(t) else 0.0 for t in trees]
        rows[f"{u}_mother"] = [t[i][2] if i < len(t) else 0 for t in trees]
        rows[f"{u}_status"] = [t[i][3] if i < len(t) else 0 for t in trees]
    df = pd.DataFrame(rows)
    df["event"] = df["event"].astype(np.int64)
    for c in df.columns:
        if c.endswith(("_pdg", "_mother", "_status")):
            df[c] = df[c].astype(np.int64)
    for lab in LABELS:
        df[lab] = pd.Categorical(df[lab])
    df.attrs = {META_KEY: meta}
    return df


# --- dispatch ----------------------------------------------------------------------------------
def write_events(df, path, workers: int = 1) -> Path:
    """Write an event table; the format follows the extension (.parquet, .hepmc, .hepmc3);
    workers: processes for the HepMC3 text (write_hepmc)."""
    fmt = file_format(path)
    return write_parquet(df, path) if fmt == "parquet" else write_hepmc(df, path, workers=workers)


def read_events(path):
    """Read an event file written by write_events back into the same DataFrame."""
    fmt = file_format(path)
    if not Path(path).is_file():
        raise HNLInputError(f"no such event file: {path}")
    return read_parquet(path) if fmt == "parquet" else read_hepmc(path)


def generate_events(experiment, mass: float | None = None, *, mixing: str | None = None, dipole: str | None = None,
                    coupling: float | None = None, n: int = 10_000, majorana: bool | None = None,
                    unweighted: bool = False, seed: int = 1, model=None):
    """Events at one (mass, coupling) of an experiment (preset name, TOML path or Experiment) as a
    pandas DataFrame (columns: docs/events.md and this module's docstring; normalisation in
    df.attrs['hnlreach']).  The defaults are `hnlreach events`'s: the preset's model when neither
    mixing nor dipole is given, the preset's nature when majorana is None, seed 1.  model: a dark-sector
    model (file or DarkSector) instead of mass/coupling/flags: weighted events at its parameters, with
    the helicity and cascades recorded (hnlreach.rates.dark_events)."""
    from hnlreach.api import check_seed, resolve_model
    from hnlreach.experiments import Experiment, load_experiment
    from hnlreach.rates.events import generate_event_arrays

    exp = experiment if isinstance(experiment, Experiment) else load_experiment(str(experiment))
    if model is not None:
        from hnlreach.api import dark_flavour
        from hnlreach.models.dark_sector import DarkSector
        from hnlreach.models.files import load_model
        from hnlreach.rates.dark_events import generate_model_events

        given = [k for k, v in (("mass", mass), ("mixing", mixing), ("dipole", dipole), ("coupling", coupling),
                                ("majorana", majorana)) if v is not None] + (["unweighted"] if unweighted else [])
        if given:
            raise HNLInputError(f"{', '.join(given)} cannot be combined with a model (the model sets them)")
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise HNLInputError(f"number of events must be a positive integer, got {n!r}")
        model = model if isinstance(model, DarkSector) else load_model(model)
        return generate_model_events(exp.for_model(None, dark_flavour(exp)), model, n=int(n), seed=check_seed(seed))
    if mass is None or coupling is None:
        raise HNLInputError("give mass and coupling (or model=)")
    mixing, dipole, majorana = resolve_model(exp, mixing, dipole, majorana)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise HNLInputError(f"number of events must be a positive integer, got {n!r}")
    arrays, meta = generate_event_arrays(exp, mass, mixing=mixing, dipole=dipole,
                                         coupling=coupling, n=int(n), majorana=majorana,
                                         unweighted=unweighted, seed=check_seed(seed))
    from hnlreach import __version__

    meta["version"] = __version__
    return build_table(arrays, meta)
