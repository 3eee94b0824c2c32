"""Event records of decay channels with four to six products (N -> l- pi+ pi+ pi- pi0 pi0, ...): the d
slots reach the largest multiplicity of the channel tables; the products add up to the HNL at its decay
vertex; the pi0 trees below d4..d6 point at the right mothers; HepMC3 round trip."""
import numpy as np
import pandas as pd
import pytest

from hnlreach.model import HNL
from hnlreach.physics.decay_sampling import product_mass, product_pdgid
from hnlreach.physics.decays import unit_channel_widths
from hnlreach.physics.dipole import DIPOLE_CHANNELS
from hnlreach.rates.events import DECAY_SLOTS, N_DECAY, conjugate_pdg, max_decay_products

MASS = 1.5


def _n_products(channel: str) -> int:
    return len(channel.partition("->")[2].split())


# open mu-mixing channels at MASS with 4, 5 and 6 products, of comparable BR (1.6e-4, 1.2e-3, 1.0e-4)
MULTI = ["N -> mu- K+ K- pi+", "N -> mu- pi+ pi0 pi0 pi0", "N -> mu- pi+ pi+ pi- pi0 pi0", "N -> mu- pi+ pi+ pi+ pi- pi-"]


def test_decay_slots_cover_every_channel():
    """N_DECAY = the most products of any sampled channel (mixing at the top of the mass range, every
    flavour, Majorana conjugates; dipole): 6, the five-pion channels."""
    names = list(DIPOLE_CHANNELS)
    for f in ("e", "mu", "tau"):
        names += list(HNL.from_pattern(6.5, mixing=f, coupling=1.0, majorana=True).branching_ratios)
        names += list(unit_channel_widths(6.5, f))
    most = max(_n_products(c) for c in names if "hadrons" not in c)
    assert max_decay_products() == N_DECAY == len(DECAY_SLOTS) == most == 6
    assert "N -> mu- pi+ pi+ pi- pi0 pi0" in names


@pytest.fixture(scope="module")
def multi_events(tmp_path_factory):
    import sys
    from pathlib import Path

    from hnlreach.outputs.events import generate_events

    sys.path.insert(0, str(Path(__file__).parent))
    from test_unstable_products import _toy

    exp = _toy(tmp_path_factory.mktemp("multi"), MULTI)
    return generate_events(exp, MASS, mixing="mu", coupling=1e-6, n=400, majorana=False, seed=3)


def test_products_add_up_to_the_hnl(multi_events):
    from hnlreach.outputs.events import slot_p4

    df = multi_events
    pdg = np.column_stack([df[f"{s}_pdg"] for s in DECAY_SLOTS])
    k = (pdg != 0).sum(axis=1)
    chans = df.decay_channel.astype(str).to_numpy()
    assert np.all(k == [_n_products(c) for c in chans])  # every product recorded, none dropped
    assert set(chans) == set(MULTI) and {4, 5, 6} <= set(k.tolist())
    N = slot_p4(df, "N")
    tot = sum(slot_p4(df, s) for s in DECAY_SLOTS)
    assert np.all(np.abs(tot - N) <= 1e-9 * N[:, :1])
    p4 = np.stack([slot_p4(df, s) for s in DECAY_SLOTS], axis=1)
    m2 = p4[..., 0] ** 2 - np.sum(p4[..., 1:] ** 2, axis=-1)
    for c in np.unique(chans):  # each slot holds the product of the channel name, on its mass shell
        rows = chans == c
        names = c.partition("->")[2].split()
        ids = np.array([product_pdgid(x) for x in names])
        bar = df.N_pdg.to_numpy()[rows] < 0  # N-bar: the CP image
        assert np.all(pdg[rows, :len(names)] == np.where(bar[:, None], [conjugate_pdg(i) for i in ids], ids))
        want = np.array([product_mass(x) ** 2 for x in names])
        assert np.allclose(m2[rows, :len(names)], want, atol=1e-7 * MASS**2)
    # the pi0 (d4..d6 too) decay, charged pions and muons are final
    status = np.column_stack([df[f"{s}_status"] for s in DECAY_SLOTS])
    assert np.all(status[pdg == 111] == 2) and np.all(status[np.isin(np.abs(pdg), (13, 211))] == 1)
    assert np.all((status == 0) == (pdg == 0))
    n_u = max(int(c[1:].split("_")[0]) for c in df.columns if c.startswith("u") and c.endswith("_pdg"))
    mother = np.column_stack([df[f"u{i}_mother"] for i in range(1, n_u + 1)])
    u_p4 = np.stack([slot_p4(df, f"u{i}") for i in range(1, n_u + 1)], axis=1)
    for j in (3, 4, 5):  # their photons (u slots) add up to them and point at them
        rows = np.nonzero(status[:, j] == 2)[0]
        assert rows.size
        kids = mother[rows] == j + 1
        assert np.all(kids.sum(axis=1) >= 2)
        got = np.sum(np.where(kids[:, :, None], u_p4[rows], 0.0), axis=1)
        assert np.all(np.abs(got - p4[rows, j]) <= 1e-9 * p4[rows, j, :1])


def test_unweighted_multi_body_events(tmp_path):
    """--unweighted keeps 4-, 5- and 6-body events whole (accept-reject over the same records)."""
    import sys
    from pathlib import Path

    from hnlreach.outputs.events import generate_events, slot_p4

    sys.path.insert(0, str(Path(__file__).parent))
    from test_unstable_products import _toy

    df = generate_events(_toy(tmp_path, MULTI), MASS, mixing="mu", coupling=1e-6, n=200, majorana=False, seed=5,
                         unweighted=True)
    k = df.decay_channel.astype(str).map(_n_products).to_numpy()
    assert {4, 5, 6} <= set(k.tolist()) and df.weight.nunique() == 1 and np.all(df.efficiency > 0)
    assert np.all((np.column_stack([df[f"{s}_pdg"] for s in DECAY_SLOTS]) != 0).sum(axis=1) == k)
    N = slot_p4(df, "N")
    assert np.all(np.abs(sum(slot_p4(df, s) for s in DECAY_SLOTS) - N) <= 1e-9 * N[:, :1])


def test_hepmc_round_trip_of_six_body_events(tmp_path, multi_events):
    """Five- and six-body events: four-momentum at every vertex, the text WriterAscii makes of the same
    GenEvents, read back to the same table."""
    import sys
    from pathlib import Path

    import pyhepmc

    from hnlreach.outputs.events import columns, n_u_slots, read_events, write_events

    six = multi_events.decay_channel.astype(str).map(_n_products).to_numpy() >= 5
    df = multi_events[six].iloc[:60].reset_index(drop=True)
    df.attrs = multi_events.attrs
    path = write_events(df, tmp_path / "ev.hepmc3")
    with pyhepmc.open(str(path)) as f:
        n_out = []
        for ev in f:
            hnl = next(p for p in ev.particles if abs(p.pid) == 9900012)
            n_out.append(len(hnl.end_vertex.particles_out))
            for v in ev.vertices:
                pin = sum(np.array(p.momentum) for p in v.particles_in)
                pout = sum(np.array(p.momentum) for p in v.particles_out)
                assert np.allclose(pin, pout, rtol=1e-10, atol=1e-10 * abs(pin[3]))
    assert max(n_out) == 6 and min(n_out) == 5
    sys.path.insert(0, str(Path(__file__).parents[1] / "outputs"))
    from test_events import write_hepmc_pyhepmc  # the GenEvents built one by one through pyhepmc

    write_hepmc_pyhepmc(df, tmp_path / "ref.hepmc3")
    assert (tmp_path / "ref.hepmc3").read_text() == path.read_text()
    back = read_events(path)
    pd.testing.assert_frame_equal(back, df[columns(n_u_slots(back))], check_categorical=False, check_exact=False,
                                  rtol=1e-13)


def test_ship_preset_writes_multi_hadron_events(tmp_path):
    """The `hnlreach events ship --mass 1.5 --coupling 1e-8 --mixing mu` run that had no event record."""
    from cli_helpers import run_cli

    from hnlreach.outputs.events import read_events, slot_p4

    out = tmp_path / "ev.parquet"
    res = run_cli("events", "ship", "--mass", "1.5", "--coupling", "1e-8", "--mixing", "mu", "--n-events", "200",
                  "--out", str(out))
    assert res.returncode == 0, res.stderr
    df = read_events(out)
    pdg = np.column_stack([df[f"{s}_pdg"] for s in DECAY_SLOTS])
    assert len(df) == 200 and (pdg != 0).sum(axis=1).max() >= 4
    N = slot_p4(df, "N")
    assert np.all(np.abs(sum(slot_p4(df, s) for s in DECAY_SLOTS) - N) <= 1e-9 * N[:, :1])


def test_b_to_d_tau_nu_chain_records_the_hadron(tmp_path):
    """B+ -> D~0 tau+ nu_tau, tau -> N X: gsib is the nu_tau (massless), gsib2 the hadron on its mass shell
    (it used to be the D + nu system under the nu_tau's id); gparent = parent + gsib + gsib2; HepMC3 keeps
    the three-body vertex and reads it back."""
    from importlib import resources

    from hnlreach.experiments import load_experiment
    from hnlreach.outputs.events import generate_events, read_events, slot_p4, write_events

    text = (resources.files("hnlreach") / "experiments" / "toy-dump.toml").read_text()
    text = text.replace('parent = "D(s)+"', 'parent = "B+"').replace('name = "toy-dump"', 'name = "toy-b"')
    text += '\n[production]\ninclude = ["tau_chain"]\n'
    path = tmp_path / "toy.toml"
    path.write_text(text.replace("../data/", str(resources.files("hnlreach") / "experiments" / "data") + "/"))
    df = generate_events(load_experiment(path), 1.0, mixing="tau", coupling=1e-4, n=300, majorana=True, seed=4)
    chain = df.gparent_pdg.to_numpy() != 0
    assert np.all(chain) and set(np.abs(df.gparent_pdg[chain])) == {521}
    semi = chain & (df.gsib2_pdg.to_numpy() != 0)
    assert semi.sum() > 0.9 * chain.sum()  # B -> D(*) tau nu: 99.4 % of the B+ -> tau channels
    assert set(np.abs(df.gsib2_pdg[semi])) <= {421, 423, 111, 113}
    gp, pa, nu, x = (slot_p4(df, s)[chain] for s in ("gparent", "parent", "gsib", "gsib2"))
    assert np.all(np.abs(gp - pa - nu - x) <= 1e-9 * gp[:, :1])
    msq = lambda p: p[:, 0] ** 2 - np.sum(p[:, 1:] ** 2, axis=1)  # noqa: E731
    assert np.all(np.abs(msq(nu)) <= 1e-9 * nu[:, 0] ** 2) and np.all(np.abs(df.gsib_pdg[chain]) == 16)
    mass = {abs(product_pdgid(x)): product_mass(x) for x in ("D~0", "D*(2007)~0", "pi0")}
    fixed = semi & np.isin(np.abs(df.gsib2_pdg), list(mass))  # (a rho0 has its line shape)
    want = np.array([mass[abs(i)] for i in df.gsib2_pdg[fixed]])
    assert fixed.sum() > 0.9 * semi.sum()
    assert np.allclose(np.sqrt(msq(slot_p4(df, "gsib2")[fixed])), want, rtol=1e-6)
    sub = df[chain].iloc[:40].reset_index(drop=True)
    sub.attrs = df.attrs
    back = read_events(write_events(sub, tmp_path / "b.hepmc3"))
    for s in ("gparent", "gsib", "gsib2"):
        assert np.array_equal(back[f"{s}_pdg"], sub[f"{s}_pdg"])
        assert np.allclose(slot_p4(back, s), slot_p4(sub, s), rtol=1e-13, atol=0)
