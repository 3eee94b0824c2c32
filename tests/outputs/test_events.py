"""Event generation (issue 8): weights sum to the engine's N(g), decay points follow the
exponential law inside the fiducial segment, four-momentum and charge conservation at every
HepMC3 vertex, exact file round trips, unweighting."""
import numpy as np
import pandas as pd
import pytest

from hnlreach.errors import HNLInputError
from hnlreach.experiments import load_experiment
from hnlreach.outputs.events import generate_events, read_events, slot_p4, write_events
from hnlreach.rates.engine import mixing_sample, upscattering_sample
from toy_experiments import upscattering_toy

MASS = 1.0

@pytest.fixture(scope="module")
def toy():
    return load_experiment("toy-dump")


@pytest.fixture(scope="module")
def dipole_toy(tmp_path_factory):
    """1-3 GeV numu on a CH slab in front of a gas box."""
    return upscattering_toy(
        tmp_path_factory.mktemp("dip"), name="toy-dipole", flux="0.5 1e-9\n1.5 2e-9\n3.0 0.5e-9\n",
        materials="""[materials.ch]
density_g_cm3 = 1.0
atoms = { C12 = 1, H1 = 1 }
[materials.gas]
density_g_cm3 = 0.0018
mass_fractions = { Ar40 = 1.0 }""",
        volumes="""  { name = "slab", shape = "box", center_m = [0.0, 0.0, -1.0], size_m = [4.0, 4.0, 2.0], material = "ch" },
  { name = "tpc", shape = "box", center_m = [0.0, 0.0, 1.0], size_m = [2.0, 2.0, 2.0], material = "gas" },""",
        fiducial='{ name = "fid", shape = "box", center_m = [0.0, 0.0, 1.0], size_m = [2.0, 2.0, 2.0] }',
        channels=["N -> nu e+ e-", "N -> nu gamma"], extra="[model]\ndipole = \"mu\"")


@pytest.fixture(scope="module")
def tau_events(toy):
    # tau mixing: D_s -> tau -> N chains and D_s -> tau N, Dirac (N and N-bar records)
    return generate_events(toy, MASS, mixing="tau", coupling=1e-4, n=3000, majorana=False, seed=5)


@pytest.fixture(scope="module")
def dipole_events(dipole_toy):
    return generate_events(dipole_toy, 0.1, dipole="mu", coupling=1e-6, n=3000, seed=3)


def _check_total(df, expected, err_expected):
    meta = df.attrs["hnlreach"]
    tot, err = meta["total_expected_events"], meta["total_expected_events_mc_error"]
    assert abs(tot - expected) < 3.5 * np.hypot(err, err_expected), (tot, expected, err, err_expected)
    return tot


@pytest.mark.parametrize("u2", [1e-8, 1e-5, 3e-4])
def test_sum_of_weights_equals_engine_n_mixing(toy, u2):
    """Σ weights = ReweightableSample.n(g) of `hnlreach limit` (long lifetime, near the
    maximum, exponential fall) within the Monte Carlo errors of both."""
    s = mixing_sample(toy, MASS, "mu", True, 300_000, rng=11)
    df = generate_events(toy, MASS, mixing="mu", coupling=u2, n=20_000, majorana=True, seed=2)
    tot = _check_total(df, float(s.n(u2)), float(s.mc_error(u2)))
    assert len(df) == 20_000
    # the written subsample is an unbiased estimate of the same total
    assert df.weight.sum() == pytest.approx(tot, rel=0.1)
    assert np.all(df.weight <= df.weight_nosel * (1 + 1e-12))
    assert np.allclose(df.weight, df.weight_nosel * df.efficiency)


def test_sum_of_weights_equals_engine_n_dipole(dipole_toy, dipole_events):
    s = upscattering_sample(dipole_toy, 0.1, "mu", False, 200_000, rng=4)
    tot = _check_total(dipole_events, float(s.n(1e-6)), float(s.mc_error(1e-6)))
    assert tot > 0
    assert set(dipole_events.material.astype(str)) <= {"ch", "gas"}
    assert "C12" in " ".join(dipole_events.production.astype(str).unique())


def test_upscattering_recoil_on_shell_per_component(dipole_events):
    """Coherent events recoil the nucleus, nucleon events the struck proton/neutron: the recoil
    has the target's PDG id and mass (on shell) and p(nu) + p(target) = p(N) + p(recoil)."""
    from hnlreach.physics.constants import M_NEUTRON, M_PROTON
    from hnlreach.physics.nuclei import nucleus

    df = dipole_events
    comp = df.target_component.astype(str).to_numpy()
    assert set(comp) == {"coherent", "proton", "neutron"}
    t, r = slot_p4(df, "target"), slot_p4(df, "sib1")
    lhs = slot_p4(df, "parent") + t
    rhs = slot_p4(df, "N") + r
    assert np.allclose(lhs, rhs, rtol=1e-12, atol=1e-12 * lhs[:, :1])
    assert np.all(df.sib1_pdg == df.target_pdg) and np.all(t[:, 1:] == 0)
    mass_r = np.sqrt(np.maximum(r[:, 0] ** 2 - np.sum(r[:, 1:] ** 2, axis=1), 0))
    assert np.allclose(mass_r, t[:, 0], rtol=1e-9)
    for c, pdg, mass in (("proton", 2212, M_PROTON), ("neutron", 2112, M_NEUTRON)):
        sel = comp == c
        assert np.all(df.target_pdg[sel] == pdg) and np.allclose(t[sel, 0], mass, rtol=1e-12)
        assert all(f" {c[0]}(" in x for x in df.production[sel].astype(str))
    coh = comp == "coherent"
    assert np.all(df.target_pdg[coh] > 1_000_000_000)
    names = df.production[coh].astype(str).str.split().str[1].to_numpy()
    assert np.allclose(t[coh, 0], [nucleus(x).mass for x in names], rtol=1e-12)
    # nucleon recoils take a larger share of the energy at the same Q^2 scale: T = Q^2 / 2M
    q2 = 2 * t[:, 0] * (r[:, 0] - t[:, 0])
    assert np.median(q2[~coh]) > np.median(q2[coh])


def test_sample_upscattering_reports_component():
    """return_component: the chosen process per event, in proportion to the partial cross
    sections; the default return is unchanged."""
    from hnlreach.physics import upscattering as ups

    rng = np.random.default_rng(1)
    E = np.full(40_000, 2.0)
    p4, w = ups.sample_upscattering(E[:10], 0.1, "C12", rng=rng)
    assert p4.shape == (10, 4) and w.shape == (10,)
    p4, w, comp = ups.sample_upscattering(E, 0.1, "C12", rng=rng, return_component=True)
    sig = ups.dipole_xsec_components(2.0, 0.1, "C12")
    for i, c in enumerate(ups.COMPONENTS):
        frac = np.mean(comp == i)
        expect = float(sig[c] / sig["total"])
        assert abs(frac - expect) < 4 * np.sqrt(expect * (1 - expect) / E.size) + 1e-9, (c, frac, expect)
    _, w0, c0 = ups.sample_upscattering(np.array([0.05, 2.0]), 0.1, "C12", rng=rng, return_component=True)
    assert c0[0] == -1 and w0[0] == 0 and c0[1] >= 0  # below threshold: no process
    _, _, ch = ups.sample_upscattering(E[:100], 0.1, "H1", rng=rng, return_component=True)
    assert np.all(ch == ups.COMPONENTS.index("proton"))  # free proton: no coherent term


def _segment(toy, df):
    from hnlreach.geometry.volumes import ray_interval

    p = slot_p4(df, "N")[:, 1:]
    d = p / np.linalg.norm(p, axis=1)[:, None]
    o = df[["prod_x", "prod_y", "prod_z"]].to_numpy()
    l1, l2 = ray_interval(toy.fiducial["decay_volume"], o, d)
    t = np.linalg.norm(df[["decay_x", "decay_y", "decay_z"]].to_numpy() - o, axis=1)
    return l1, l2, t


@pytest.mark.parametrize("u2", [1e-9, 2e-3])
def test_decay_points_follow_the_exponential_law(toy, u2):
    """The conditional CDF of the decay distance inside [l1, l2] is uniform (KS test), at a long
    lifetime (uniform) and a short one (decays piled up at the entrance)."""
    from scipy.stats import kstest

    from hnlreach.model import HNL

    df = generate_events(toy, MASS, mixing="mu", coupling=u2, n=4000, majorana=True, seed=9)
    l1, l2, t = _segment(toy, df)
    assert np.all(t >= l1 - 1e-9) and np.all(t <= l2 + 1e-9)
    hnl = HNL.from_pattern(MASS, mixing="mu", coupling=u2, majorana=True)
    lam = MASS / (np.linalg.norm(slot_p4(df, "N")[:, 1:], axis=1) * hnl.ctau)
    u = -np.expm1(-lam * (t - l1)) / -np.expm1(-lam * (l2 - l1))
    assert kstest(u, "uniform").pvalue > 1e-3
    # mean position in the segment vs the truncated-exponential expectation 1/x - 1/(e^x - 1)
    frac = (t - l1) / (l2 - l1)
    x = lam * (l2 - l1)
    expect = np.where(x > 1e-6, 1 / x - 1 / np.expm1(np.maximum(x, 1e-6)), 0.5 - x / 12)
    assert abs(frac.mean() - expect.mean()) < 4 * frac.std() / np.sqrt(frac.size)
    assert abs(frac.mean() - 0.5) < 0.02 if u2 < 1e-6 else frac.mean() < 0.4


def _charge(pid):
    from particle import Particle

    if abs(pid) >= 1_000_000_000:
        return (abs(pid) // 10_000) % 1000 * np.sign(pid)
    if abs(pid) == 9900012:
        return 0
    return Particle.from_pdgid(pid).charge


def _lepton_number(pid):
    a = abs(pid)
    if a in (11, 12, 13, 14, 15, 16, 9900012):
        return 1 if pid > 0 else -1
    return 0


@pytest.mark.parametrize("which", ["tau", "dipole"])
def test_hepmc_conserves_four_momentum_and_charge(tmp_path, tau_events, dipole_events, which):
    """Every vertex of the HepMC3 file, read back with pyhepmc: Σp_in = Σp_out (four-momentum)
    and charge conservation; Dirac: lepton number conserved at every vertex."""
    import pyhepmc

    df = tau_events if which == "tau" else dipole_events
    path = write_events(df, tmp_path / "ev.hepmc3")
    n_vertices, chains = 0, 0
    with pyhepmc.open(str(path)) as f:
        for ev in f:
            assert ev.momentum_unit == pyhepmc.Units.GEV and ev.length_unit == pyhepmc.Units.MM
            for v in ev.vertices:
                pin = sum((np.array([p.momentum.e, p.momentum.px, p.momentum.py, p.momentum.pz])
                           for p in v.particles_in), np.zeros(4))
                pout = sum((np.array([p.momentum.e, p.momentum.px, p.momentum.py, p.momentum.pz])
                            for p in v.particles_out), np.zeros(4))
                assert np.allclose(pin, pout, rtol=1e-10, atol=1e-10 * pin[0]), (ev.event_number, pin, pout)
                assert sum(_charge(p.pid) for p in v.particles_in) == sum(_charge(p.pid) for p in v.particles_out)
                assert sum(_lepton_number(p.pid) for p in v.particles_in) == \
                    sum(_lepton_number(p.pid) for p in v.particles_out), [p.pid for p in v.particles_out]
                n_vertices += 1
            chains += len(ev.vertices) == 3
    assert n_vertices >= 2 * len(df)
    if which == "tau":
        assert chains > 0  # D_s -> tau nu, tau -> N X chains present


def write_hepmc_pyhepmc(df, path):
    """Reference: the same events built as pyhepmc GenEvents and written by HepMC3's WriterAscii
    (the layout of outputs.events' docstring; one Python GenEvent per event, slow)."""
    import json

    import pyhepmc as hp

    from hnlreach.outputs.events import META_KEY
    from hnlreach.rates.events import DECAY_SLOTS, LABELS, SIB_SLOTS, SLOTS

    meta = df.attrs.get(META_KEY, {})
    ri = hp.GenRunInfo()
    ri.weight_names = ["weight", "weight_nosel"]
    ri.tools = [hp.GenRunInfo.ToolInfo("hnlreach", meta.get("version", ""), "HNL events")]
    for k, v in meta.items():
        if v is not None:
            ri.attributes[k] = v if isinstance(v, str) else json.dumps(v)
    ri.attributes[META_KEY] = json.dumps(meta)
    n = len(df)
    col = {c: df[c].to_numpy() for c in df.columns}
    pdg = {s: col[f"{s}_pdg"].tolist() for s in SLOTS}
    mom = {s: np.column_stack([col[f"{s}_{c}"] for c in ("px", "py", "pz", "E")]).tolist() for s in SLOTS}
    prod = np.column_stack([col["prod_x"], col["prod_y"], col["prod_z"]]) * 1e3
    dxyz = np.column_stack([col["decay_x"], col["decay_y"], col["decay_z"]]) * 1e3
    pn = np.linalg.norm(np.column_stack([col["N_px"], col["N_py"], col["N_pz"]]), axis=1)
    ct = np.linalg.norm(dxyz - prod, axis=1) * col["N_E"] / np.maximum(pn, 1e-300)
    dec = np.column_stack([dxyz, ct]).tolist()
    prod = prod.tolist()
    labels = {lab: df[lab].astype(str).tolist() for lab in LABELS}
    from hnlreach.outputs.events import n_u_slots

    n_u = n_u_slots(df)
    with hp.open(str(path), "w") as out:
        for i in range(n):
            ev = hp.GenEvent(hp.Units.GEV, hp.Units.MM)
            ev.run_info = ri
            ev.event_number = int(col["event"][i])
            pos = (*prod[i], 0.0)
            parent = hp.GenParticle(mom["parent"][i], pdg["parent"][i], 4 if pdg["target"][i] else 2)
            if pdg["gparent"][i]:
                v0 = hp.GenVertex(pos)
                v0.add_particle_in(hp.GenParticle(mom["gparent"][i], pdg["gparent"][i], 2))
                v0.add_particle_out(parent)
                v0.add_particle_out(hp.GenParticle(mom["gsib"][i], pdg["gsib"][i], 1))
                if pdg["gsib2"][i]:
                    v0.add_particle_out(hp.GenParticle(mom["gsib2"][i], pdg["gsib2"][i], 1))
                ev.add_vertex(v0)
            v1 = hp.GenVertex(pos)
            v1.add_particle_in(parent)
            if pdg["target"][i]:
                v1.add_particle_in(hp.GenParticle(mom["target"][i], pdg["target"][i], 4))
            hnl = hp.GenParticle(mom["N"][i], pdg["N"][i], 2)
            v1.add_particle_out(hnl)
            for s in SIB_SLOTS:
                if pdg[s][i]:
                    v1.add_particle_out(hp.GenParticle(mom[s][i], pdg[s][i], 1))
            ev.add_vertex(v1)
            v2 = hp.GenVertex(dec[i])
            v2.add_particle_in(hnl)
            position = []  # d1, ..., dK, u1, ... (decay tree: u<k>_mother = 1-based position)
            for s in DECAY_SLOTS:
                p = hp.GenParticle(mom[s][i], pdg[s][i], int(col[f"{s}_status"][i])) if pdg[s][i] else None
                if p is not None:
                    v2.add_particle_out(p)
                position.append(p)
            ev.add_vertex(v2)
            children = {}
            for k in range(1, n_u + 1):
                if col[f"u{k}_pdg"][i]:
                    p = hp.GenParticle([float(col[f"u{k}_{c}"][i]) for c in ("px", "py", "pz", "E")],
                                       int(col[f"u{k}_pdg"][i]), int(col[f"u{k}_status"][i]))
                    children.setdefault(int(col[f"u{k}_mother"][i]), []).append(p)
                else:
                    p = None
                position.append(p)
            for mo in sorted(children):
                v = hp.GenVertex(dec[i])
                v.add_particle_in(position[mo - 1])
                for p in children[mo]:
                    v.add_particle_out(p)
                ev.add_vertex(v)
            ev.weights = [float(col["weight"][i]), float(col["weight_nosel"][i])]
            for lab in LABELS:
                ev.attributes[lab] = labels[lab][i]
            ev.attributes["efficiency"] = repr(float(col["efficiency"][i]))
            out.write(ev)


@pytest.mark.parametrize("which", ["tau", "dipole", "offaxis"])
def test_hepmc_text_identical_to_pyhepmc_writer(tmp_path, tau_events, dipole_events, which):
    """The vectorised HepMC3 writer produces byte for byte what HepMC3's own WriterAscii
    (through pyhepmc) writes for the same GenEvents: chains, 2- and 3-body decays, nuclear
    and nucleon targets, production vertices at and away from the origin."""
    from hnlreach.outputs.events import write_hepmc

    df = {"tau": tau_events, "dipole": dipole_events}.get(which, tau_events).iloc[:400].copy()
    df.attrs = (dipole_events if which == "dipole" else tau_events).attrs
    if which == "offaxis":  # production vertices away from the origin: explicit V lines
        df["prod_x"] += 0.25
    if which == "dipole":
        assert set(df.target_component.astype(str)) == {"coherent", "proton", "neutron"}
    write_hepmc_pyhepmc(df, tmp_path / "ref.hepmc3")
    write_hepmc(df, tmp_path / "new.hepmc3")
    ref = (tmp_path / "ref.hepmc3").read_text().splitlines()
    new = (tmp_path / "new.hepmc3").read_text().splitlines()
    assert len(new) == len(ref)
    bad = [(a, b) for a, b in zip(ref, new) if a != b]
    assert not bad, bad[:3]


def test_hepmc_parallel_writer_same_bytes(tmp_path, tau_events, monkeypatch):
    """Formatting chunks in worker processes writes the same file as one process."""
    from hnlreach.outputs import events as ev

    monkeypatch.setattr(ev, "_HEPMC_CHUNK", 300)
    ev.write_hepmc(tau_events, tmp_path / "one.hepmc3", workers=1)
    ev.write_hepmc(tau_events, tmp_path / "two.hepmc3", workers=2)
    assert (tmp_path / "one.hepmc3").read_bytes() == (tmp_path / "two.hepmc3").read_bytes()


@pytest.mark.parametrize("ext", [".parquet", ".hepmc3"])
def test_file_round_trip(tmp_path, tau_events, ext):
    df = tau_events.iloc[:500].copy()
    df.attrs = tau_events.attrs
    back = read_events(write_events(df, tmp_path / f"ev{ext}"))
    assert back.attrs == df.attrs
    if ext == ".parquet":
        pd.testing.assert_frame_equal(back, df)
    else:  # HepMC3 stores mm: positions equal to rounding
        pd.testing.assert_frame_equal(back, df, check_categorical=False, check_exact=False, rtol=1e-13)


def test_unweighted_events(toy):
    df = generate_events(toy, MASS, mixing="mu", coupling=1e-5, n=2000, majorana=True, unweighted=True, seed=4)
    meta = df.attrs["hnlreach"]
    assert len(df) == 2000 and meta["unweighted"]
    assert np.allclose(df.weight, meta["weight_per_event"])
    assert df.weight.sum() == pytest.approx(meta["total_expected_events"])
    assert np.all(df.efficiency > 0)
    # the unweighted sample reproduces the weighted distributions (N energy)
    w = generate_events(toy, MASS, mixing="mu", coupling=1e-5, n=20_000, majorana=True, seed=5)
    assert np.average(df.N_E) == pytest.approx(np.average(w.N_E, weights=w.weight), rel=0.06)


def test_impossible_and_bad_inputs(toy):
    with pytest.raises(HNLInputError, match="kinematic limit"):
        generate_events(toy, 2.5, mixing="mu", coupling=1e-6, n=10)
    with pytest.raises(HNLInputError):
        generate_events(toy, 1.0, mixing="mu", coupling=-1.0, n=10)
    with pytest.raises(HNLInputError):
        generate_events(toy, 1.0, mixing="mu", coupling=1e-6, n=0)
    with pytest.raises(HNLInputError, match="extension"):
        read_events("events.csv")
