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
  ``D(s)+ -> mu+ N`` or ``nu(mu) C12 -> N C12``; tau-chain kinematics are listed for the tau-
  channel, the record holds the actual charges), ``material`` (upscattering only),
  ``decay_channel`` (``N -> ...`` for N; N-bar events of a Dirac HNL carry the CP-conjugate ids).
- ``prod_x/y/z`` (production vertex), ``decay_x/y/z`` (decay vertex, drawn from the exponential
  decay law at the coupling inside the fiducial segment).
- for each slot of ``rates.events.SLOTS`` (N, parent, target, sib1, sib2, gparent, gsib, d1..d3):
  ``<slot>_pdg`` (0 = empty) and ``<slot>_E/_px/_py/_pz``.  The HNL is PDG 9900012 (-9900012 for
  a Dirac N-bar).  For upscattering the target nucleus is at rest and sib1 is the recoil,
  defined by four-momentum conservation (for scattering on a bound nucleon it is the nucleus
  + nucleon system, off its mass shell).
Normalisation and model are in ``df.attrs["hnlreach"]`` (Parquet key-value metadata ``hnlreach``
as JSON; HepMC3 run-info attributes, one per key, plus ``hnlreach`` with the JSON).
HepMC3: one GenEvent per event, units GeV and mm (vertex time = c t in mm, production at t = 0);
vertices [gparent -> parent gsib], [parent (+ target) -> N sib1 sib2], [N -> d1 d2 d3]; status
4 for the incoming neutrino and target, 2 for decayed particles, 1 for final ones; event weights
``weight`` and ``weight_nosel``; event attributes source/production/material/decay_channel/
efficiency.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.rates.events import LABELS, SLOTS

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


def columns() -> list[str]:
    """Column names of an event table, in order."""
    cols = ["event", "weight", "weight_nosel", "efficiency", *LABELS,
            "prod_x", "prod_y", "prod_z", "decay_x", "decay_y", "decay_z"]
    for s in SLOTS:
        cols += [f"{s}_pdg"] + [f"{s}_{c}" for c in _COMP]
    return cols


def build_table(arrays: dict, meta: dict):
    """pandas DataFrame from ``rates.events.generate_event_arrays`` output (meta in .attrs)."""
    import pandas as pd

    n = arrays["weight"].size
    data = {"event": np.arange(n, dtype=np.int64), "weight": arrays["weight"],
            "weight_nosel": arrays["weight_nosel"], "efficiency": arrays["efficiency"]}
    for lab in LABELS:
        data[lab] = pd.Categorical(arrays[lab].astype(str))
    for i, ax in enumerate("xyz"):
        data[f"prod_{ax}"] = arrays["prod_xyz"][:, i]
    for i, ax in enumerate("xyz"):
        data[f"decay_{ax}"] = arrays["decay_xyz"][:, i]
    rec = arrays["rec"]
    for s in SLOTS:
        data[f"{s}_pdg"] = rec[f"{s}_pdg"].astype(np.int64)
        for i, c in enumerate(_COMP):
            data[f"{s}_{c}"] = rec[f"{s}_p4"][:, i]
    df = pd.DataFrame(data)
    df.attrs[META_KEY] = meta
    return df


def slot_p4(df, slot: str) -> np.ndarray:
    """(n, 4) four-momenta (E, px, py, pz) of a slot."""
    return np.column_stack([df[f"{slot}_{c}"].to_numpy() for c in _COMP])


# --- Parquet -----------------------------------------------------------------------------------
def write_parquet(df, path) -> Path:
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
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    df = table.to_pandas()
    raw = (table.schema.metadata or {}).get(META_KEY.encode())
    df.attrs = {META_KEY: json.loads(raw) if raw else {}}
    return df


# --- HepMC3 ------------------------------------------------------------------------------------
def _run_info(meta):
    import pyhepmc as hp

    ri = hp.GenRunInfo()
    ri.weight_names = ["weight", "weight_nosel"]
    ri.tools = [hp.GenRunInfo.ToolInfo("hnlreach", meta.get("version", ""), "HNL events")]
    for k, v in meta.items():
        if v is not None:
            ri.attributes[k] = v if isinstance(v, str) else json.dumps(v)
    ri.attributes[META_KEY] = json.dumps(meta)
    return ri


def write_hepmc(df, path) -> Path:
    """One GenEvent per row (module docstring), atomically."""
    import pyhepmc as hp

    from hnlreach.outputs.atomic import atomic_path

    meta = df.attrs.get(META_KEY, {})
    ri = _run_info(meta)
    n = len(df)
    col = {c: df[c].to_numpy() for c in df.columns}
    pdg = {s: col[f"{s}_pdg"].tolist() for s in SLOTS}
    mom = {s: np.column_stack([col[f"{s}_{c}"] for c in ("px", "py", "pz", "E")]).tolist() for s in SLOTS}
    prod = (np.column_stack([col["prod_x"], col["prod_y"], col["prod_z"]]) * 1e3).tolist()
    dxyz = np.column_stack([col["decay_x"], col["decay_y"], col["decay_z"]]) * 1e3
    pn = np.linalg.norm(np.column_stack([col["N_px"], col["N_py"], col["N_pz"]]), axis=1)
    ct = np.linalg.norm(dxyz - np.array(prod).reshape(n, 3), axis=1) * col["N_E"] / np.maximum(pn, 1e-300)
    dec = np.column_stack([dxyz, ct]).tolist()
    w = np.column_stack([col["weight"], col["weight_nosel"]]).tolist()
    labels = {lab: df[lab].astype(str).tolist() for lab in LABELS}
    eff = [repr(float(x)) for x in col["efficiency"]]
    evno = col["event"].tolist()
    GenParticle, GenVertex = hp.GenParticle, hp.GenVertex
    with atomic_path(path) as tmp, hp.open(str(tmp), "w") as out:
        for i in range(n):
            ev = hp.GenEvent(hp.Units.GEV, hp.Units.MM)
            ev.run_info = ri
            ev.event_number = evno[i]
            x, y, z = prod[i]
            pos = (x, y, z, 0.0)
            parent = GenParticle(mom["parent"][i], pdg["parent"][i], 4 if pdg["target"][i] else 2)
            if pdg["gparent"][i]:
                v0 = GenVertex(pos)
                v0.add_particle_in(GenParticle(mom["gparent"][i], pdg["gparent"][i], 2))
                v0.add_particle_out(parent)
                v0.add_particle_out(GenParticle(mom["gsib"][i], pdg["gsib"][i], 1))
                ev.add_vertex(v0)
            v1 = GenVertex(pos)
            v1.add_particle_in(parent)
            if pdg["target"][i]:
                v1.add_particle_in(GenParticle(mom["target"][i], pdg["target"][i], 4))
            hnl = GenParticle(mom["N"][i], pdg["N"][i], 2)
            v1.add_particle_out(hnl)
            for s in ("sib1", "sib2"):
                if pdg[s][i]:
                    v1.add_particle_out(GenParticle(mom[s][i], pdg[s][i], 1))
            ev.add_vertex(v1)
            v2 = GenVertex(dec[i])
            v2.add_particle_in(hnl)
            for s in ("d1", "d2", "d3"):
                if pdg[s][i]:
                    v2.add_particle_out(GenParticle(mom[s][i], pdg[s][i], 1))
            ev.add_vertex(v2)
            ev.weights = w[i]
            for lab in LABELS:
                ev.attributes[lab] = labels[lab][i]
            ev.attributes["efficiency"] = eff[i]
            out.write(ev)
    return Path(path)


def read_hepmc(path):
    """The event table back from a file written by write_hepmc."""
    import pandas as pd
    import pyhepmc as hp

    from hnlreach.rates.events import HNL_PDG

    rows = {c: [] for c in columns()}
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
            hnl = next(p for p in ev.particles if abs(p.pid) == HNL_PDG)
            v1, v2 = hnl.production_vertex, hnl.end_vertex
            ins = list(v1.particles_in)
            slots["parent"] = ins[0]
            slots["target"] = ins[1] if len(ins) > 1 else None
            sibs = [p for p in v1.particles_out if p.id != hnl.id]
            slots["N"] = hnl
            slots["sib1"], slots["sib2"] = (sibs + [None, None])[:2]
            v0 = ins[0].production_vertex
            if v0 is not None and len(v0.particles_in):
                slots["gparent"] = v0.particles_in[0]
                slots["gsib"] = next(p for p in v0.particles_out if p.id != ins[0].id)
            for k, p in enumerate(v2.particles_out):
                slots[f"d{k + 1}"] = p
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
    df = pd.DataFrame(rows)
    df["event"] = df["event"].astype(np.int64)
    for s in SLOTS:
        df[f"{s}_pdg"] = df[f"{s}_pdg"].astype(np.int64)
    for lab in LABELS:
        df[lab] = pd.Categorical(df[lab])
    df.attrs = {META_KEY: meta}
    return df


# --- dispatch ----------------------------------------------------------------------------------
def write_events(df, path) -> Path:
    """Write an event table; the format follows the extension (.parquet, .hepmc, .hepmc3)."""
    fmt = file_format(path)
    return write_parquet(df, path) if fmt == "parquet" else write_hepmc(df, path)


def read_events(path):
    """Read an event file written by write_events back into the same DataFrame."""
    fmt = file_format(path)
    if not Path(path).is_file():
        raise HNLInputError(f"no such event file: {path}")
    return read_parquet(path) if fmt == "parquet" else read_hepmc(path)


def generate_events(experiment, mass: float, *, mixing: str | None = None, dipole: str | None = None,
                    coupling: float = 1.0, n: int = 10_000, majorana: bool = False,
                    unweighted: bool = False, seed=None):
    """Events at one (mass, coupling) of an experiment (preset name, TOML path or Experiment) as a
    pandas DataFrame (columns in the module docstring; normalisation in df.attrs['hnlreach'])."""
    from hnlreach.rates.events import generate_event_arrays

    arrays, meta = generate_event_arrays(experiment, mass, mixing=mixing, dipole=dipole,
                                         coupling=coupling, n=n, majorana=majorana,
                                         unweighted=unweighted, seed=seed)
    from hnlreach import __version__

    meta["version"] = __version__
    return build_table(arrays, meta)
