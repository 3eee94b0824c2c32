"""The [selection] vocabulary: each cut removes an analytically known fraction of sampled decays,
and every bad input is a one-line error (exit 2)."""
import numpy as np
import pytest
from cli_helpers import assert_one_line_error, run_cli

from hnlreach.errors import HNLInputError
from hnlreach.experiments import PRESET_DIR, Selection, TrackCut, load_experiment
from hnlreach.geometry.volumes import Box
from hnlreach.physics.constants import MASS
from hnlreach.rates.engine import fiducial_intervals
from hnlreach.rates.selection import passes

N = 200_000
M_E, M_PI = MASS["e-"], MASS["pi+"]
TOY = (PRESET_DIR / "toy-dump.toml").read_text()


def two_body(M, m1, m2, n=N, P=0.0, seed=1):
    """n isotropic decays M -> 1 2 in the rest frame, boosted along +z to momentum P: (p4 (n, 2, 4), cos theta*)."""
    rng = np.random.default_rng(seed)
    ps = np.sqrt((M**2 - (m1 + m2) ** 2) * (M**2 - (m1 - m2) ** 2)) / (2 * M)
    c = rng.uniform(-1, 1, n)
    phi = rng.uniform(0, 2 * np.pi, n)
    s = np.sqrt(1 - c**2)
    d = np.column_stack([s * np.cos(phi), s * np.sin(phi), c])
    out = np.zeros((n, 2, 4))
    for j, (m, sign) in enumerate(((m1, 1), (m2, -1))):
        out[:, j, 0] = np.sqrt(ps**2 + m**2)
        out[:, j, 1:] = sign * ps * d
    E = np.sqrt(P**2 + M**2)
    g, gb = E / M, P / M
    e, pz = out[..., 0].copy(), out[..., 3].copy()
    out[..., 0], out[..., 3] = g * e + gb * pz, gb * e + g * pz
    return out, c, ps


def frac(sel, pdg, p4):
    return passes(sel, np.array(pdg), p4, np.zeros((p4.shape[0], 3))).mean()


def close(measured, expected):
    assert abs(measured - expected) < 4 * np.sqrt(expected * (1 - expected) / N) + 1e-12, (measured, expected)


def test_species_energy_cut_flat_lab_spectrum():
    # isotropic two-body decay boosted along z: the lab energy is uniform in [E-, E+]
    M, P = 1.0, 10.0
    p4, _, ps = two_body(M, M_E, M_PI, P=P)
    g, gb = np.hypot(P, M) / M, P / M
    es = np.hypot(ps, M_E)
    lo, hi = g * es - gb * ps, g * es + gb * ps
    ec = lo + 0.3 * (hi - lo)
    close(frac(Selection(species=(TrackCut("e-", frozenset({11}), min_energy_GeV=ec),)), [11, 211], p4), 0.7)
    close(frac(Selection(species=(TrackCut("e-", frozenset({11}), max_energy_GeV=ec),)), [11, 211], p4), 0.3)
    # the same momentum threshold (p monotonic in E)
    pc = np.sqrt(ec**2 - M_E**2)
    close(frac(Selection(species=(TrackCut("e-", frozenset({11}), min_momentum_GeV=pc),)), [11, 211], p4), 0.7)
    # a cut on another species does not touch the electron; 'e' (both charges) and 'charged' do
    assert frac(Selection(species=(TrackCut("e+", frozenset({-11}), min_energy_GeV=ec),)), [11, 211], p4) == 1.0
    close(frac(Selection(species=(TrackCut("e", frozenset({11}), True, min_energy_GeV=ec),)), [-11, 211], p4), 0.7)
    assert frac(Selection(species=(TrackCut("charged", None, min_energy_GeV=hi + 1),)), [11, 211], p4) == 0.0


def test_species_angle_to_beam_isotropic():
    p4, c, _ = two_body(1.0, M_E, M_PI)  # at rest: isotropic
    tc = 1.0
    close(frac(Selection(species=(TrackCut("e-", frozenset({11}), max_angle_to_beam_rad=tc),)), [11, 211], p4),
          (1 - np.cos(tc)) / 2)
    close(frac(Selection(species=(TrackCut("pi+", frozenset({211}), min_angle_to_beam_rad=tc),)), [11, 211], p4),
          (1 + np.cos(tc)) / 2)


def test_transverse_momentum_and_transverse_mass():
    # M -> e nu, boosted along z (p_T is boost invariant): p_T = p* sin theta*
    M = 1.0
    p4, _, ps = two_body(M, M_E, 0.0, P=20.0)
    s = 0.6
    close(frac(Selection(max_pt_GeV=s * ps), [11, 12], p4), 1 - np.sqrt(1 - s**2))
    close(frac(Selection(min_pt_GeV=s * ps), [11, 12], p4), np.sqrt(1 - s**2))
    # m_T = sqrt(m_e^2 + p_T^2) + p_T > X  <=>  p_T > (X^2 - m_e^2) / (2 X); the edge is m_T <= M
    X = 0.8 * M
    s = (X**2 - M_E**2) / (2 * X) / ps
    close(frac(Selection(min_transverse_mass_GeV=X), [11, 12], p4), np.sqrt(1 - s**2))
    assert frac(Selection(max_transverse_mass_GeV=M * (1 + 1e-9)), [11, 12], p4) == 1.0


def test_invariant_mass_and_visible_system():
    # parents of mass uniform in [0.5, 1.5] GeV -> e- gamma: m(tracks) = m_e, m(all visible) = M
    rng = np.random.default_rng(3)
    masses = rng.uniform(0.5, 1.5, N)
    p4 = np.concatenate([two_body(m, M_E, 0.0, n=1, P=5.0, seed=i)[0] for i, m in enumerate(masses[:20_000])])
    kept = frac(Selection(min_invariant_mass_GeV=0.8, visible="all"), [11, 22], p4)
    assert abs(kept - 0.7) < 4 * np.sqrt(0.21 / 20_000)
    assert frac(Selection(min_invariant_mass_GeV=0.8), [11, 22], p4) == 0.0  # tracks only: m = m_e
    assert frac(Selection(max_invariant_mass_GeV=2 * M_E), [11, 22], p4) == 1.0


def test_track_counting():
    # 0, 1, 2 and 3 tracks (gamma and neutrinos are not tracks)
    pdg = np.array([[22, 22, 12], [11, 22, 12], [11, -11, 12], [211, -211, 211]])
    p4 = np.tile(np.array([10.0, 0, 0, 9.0]), (4, 3, 1))
    sel = lambda **k: passes(Selection(**k), pdg, p4, np.zeros((4, 3))).tolist()  # noqa: E731
    assert sel(min_tracks=2) == [False, False, True, True]
    assert sel(min_tracks=0, max_tracks=1) == [True, True, False, False]
    assert sel(min_tracks=2, max_tracks=2) == [False, False, True, False]
    assert sel(max_tracks=5) == [False, True, True, True]  # any cut: at least one track by default
    mu = TrackCut("pi", frozenset({211}), True, min_count=2)
    assert sel(species=(mu,)) == [False, False, False, True]


def test_opening_angle_back_to_back_at_rest():
    p4, _, _ = two_body(1.0, M_E, M_E)
    assert frac(Selection(min_opening_angle_rad=3.14), [11, -11], p4) == 1.0
    assert frac(Selection(max_opening_angle_rad=3.1), [11, -11], p4) == 0.0


def test_fiducial_union_never_double_counts():
    class Exp:  # two boxes overlapping over 120-130 m on the axis, and a disjoint third one
        fiducial = {"a": Box("a", [0, 0, 115], [2, 2, 30]), "b": Box("b", [0, 0, 135], [2, 2, 30]),
                    "c": Box("c", [0, 0, 200], [2, 2, 10])}
        signal = type("S", (), {"fiducial": ("a", "b", "c")})
    o = np.zeros((3, 3))
    d = np.array([[0, 0, 1.0], [0.0, 0.0, 1.0], [1.0, 0, 0]])
    groups = fiducial_intervals(Exp, o, d)
    length = np.zeros(3)
    for i, a, b in groups:
        np.add.at(length, i, b - a)
    assert length.tolist() == pytest.approx([60.0, 60.0, 0.0])  # 100-150 and 195-205, not 70
    Exp.signal.fiducial = ("a", "c")  # disjoint: one group per volume
    assert len(fiducial_intervals(Exp, o, d)) == 2


def _toy(tmp_path, old, new):
    assert old in TOY
    p = tmp_path / "exp.toml"
    p.write_text(TOY.replace(old, new))
    return p


SEL = "[selection]                  # on the charged decay products\n"
EFF = "[efficiency]\n"  # sub-tables of [selection] go just before it


def test_per_channel_selection_and_vocabulary_in_toml(tmp_path):
    p = _toy(tmp_path, EFF, 'min_tracks = 2\n[selection.species.mu]\nmin_energy_GeV = 3.0\n'
             '[selection.channels."N -> mu- pi+"]\nmax_invariant_mass_GeV = 0.5\n'
             '[selection.channels."N -> mu- pi+".species.mu]\nmin_energy_GeV = 1.0\n'
             '[selection.channels."N -> mu- pi+".species.pi]\nmin_energy_GeV = 2.0\n' + EFF)
    e = load_experiment(p)
    g = e.selection
    assert g.min_tracks == 2 and g.species[0].min_energy_GeV == 3.0 and g.reach_volume.name == "calorimeter"
    c = g.for_channel("N -> mu- pi+")
    assert c.max_invariant_mass_GeV == 0.5 and c.min_tracks == 2 and c.reach_volume is g.reach_volume
    assert {s.species: s.min_energy_GeV for s in c.species} == {"mu": 1.0, "pi": 2.0}
    assert g.for_channel("N -> nu e+ e-") is g
    # in the engine: N -> mu- pi+ at 1 GeV has m_vis = 1 GeV > 0.5: that channel never passes
    from hnlreach.rates.engine import reference_hnl, signal_channels
    from hnlreach.rates.selection import acceptance

    hnl = reference_hnl(1.0, mixing="mu", majorana=True)
    rng = np.random.default_rng(2)
    p4 = np.tile([30.0, 0, 0, np.sqrt(899.0)], (4000, 1))
    decays = []
    acceptance(e, hnl, signal_channels(e, hnl), p4, np.tile([0, 0, 110.0], (4000, 1)), rng, decays)
    by = {d["channel"]: d["selected"].mean() for d in decays}
    assert by["N -> mu- pi+"] == 0.0 and by["N -> mu+ pi-"] > 0.3


BAD = [
    ('"N -> mu- pi+", "N -> mu+ pi-",', '"N -> mu- pion+", "N -> mu+ pi-",',
     "signal.channels: unknown decay channel 'N -> mu- pion+' (did you mean 'N -> mu- pi+'?)"),
    (EFF, "[selection.species.electron]\nmin_energy_GeV = 1.0\n" + EFF,
     "selection.species.electron: unknown particle 'electron'"),
    (EFF, '[selection.species."nu(mu)~"]\nmin_energy_GeV = 1.0\n' + EFF, "selection.species.nu(mu)~: 'nu(mu)~' is invisible"),
    (EFF, "[selection.species.nu]\nmin_energy_GeV = 1.0\n" + EFF, "selection.species.nu: 'nu' is invisible"),
    (EFF, '[selection.channels."N -> nu gamma"]\nmin_tracks = 0\n' + EFF,
     "selection.channels: not one of signal.channels: 'N -> nu gamma'"),
    ("constant = 0.8\n", 'constant = 0.8\nchannels = { "N -> e- pion+" = 0.5 }\n',
     "efficiency.channels: not one of signal.channels: 'N -> e- pion+' (did you mean 'N -> e- pi+'?)"),
    (SEL, SEL + "min_pt_GeV = 1.0\nmax_pt_GeV = 0.5\n", "selection: min_pt_GeV = 1.0 > max_pt_GeV = 0.5"),
    (EFF, "[selection.species.mu]\nmin_energy = 1.0\n" + EFF,
     "selection.species.mu.min_energy: unknown key (did you mean 'min_energy_GeV'?)"),
    ('reach_volume = "calorimeter"', 'reach_volume = "calorimetre"',
     "selection.reach_volume: no geometry volume 'calorimetre'"),
    (SEL, SEL + 'visible = "everything"\n', "selection.visible: must be one of tracks, all"),
]


@pytest.mark.parametrize("old,new,msg", BAD)
def test_bad_selection_inputs(tmp_path, old, new, msg):
    p = _toy(tmp_path, old, new)
    with pytest.raises(HNLInputError) as exc:
        load_experiment(p)
    assert str(exc.value) == f"{p}: {msg}" or (str(exc.value).startswith(f"{p}: {msg}")), str(exc.value)


@pytest.mark.parametrize("case", [0, 1, 3])
def test_bad_selection_inputs_cli(tmp_path, case):
    old, new, msg = BAD[case]
    line = assert_one_line_error(run_cli("limit", str(_toy(tmp_path, old, new))))
    assert msg in line


def test_every_channel_the_physics_produces_is_a_known_name():
    """The names accepted in [signal] channels cover every channel an HNL can decay to (else a
    preset could not ask for it), and no name the physics never produces (e.g. 'N -> nu e- e+')."""
    from hnlreach.experiments.vocabulary import decay_channel_names
    from hnlreach.model import HNL

    known = decay_channel_names()
    seen = set()
    for m in (0.01, 0.3, 1.0, 3.0, 4.9):
        for mix in ("e", "mu", "tau"):
            for maj in (True, False):
                seen |= set(HNL.from_pattern(m, mixing=mix, majorana=maj).branching_ratios)
        seen |= set(HNL.from_pattern(m, dipole="mu").branching_ratios)
    assert seen <= known, seen - known
    assert "N -> nu e- e+" not in known and "N -> mu+ pi-" in known
