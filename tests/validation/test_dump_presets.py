"""Presets ship, nutev, na62-dump: normalisations from their cited inputs, reduced-statistics limits
against the published curves (full runs: `hnlreach reproduce ship-2018 | nutev-1999 | na62-dump`,
reports in docs/validation/), and physics limits (kinematic reach, Dirac vs Majorana)."""
import numpy as np
import pytest

from hnlreach.experiments import load_experiment
from hnlreach.outputs.published import load_published
from hnlreach.validation import na62_dump
from hnlreach.validation.charm import contour
from hnlreach.validation.compare import compare

N_A = 6.02214076e23
FRAG = {"D0": 0.632, "D+": 0.207, "D(s)+": 0.088}  # arXiv:1811.00930


def sigma_inel_mb(a, lambda_i):
    """sigma_inel(p A) [mb] from the PDG nuclear interaction length [g/cm^2]."""
    return a / (N_A * lambda_i) * 1e27


def yields_by_parent(exp):
    out = {}
    for s in exp.sources:
        out[s.parent] = out.get(s.parent, 0.0) + s.yield_per_pot
    return out


@pytest.mark.parametrize("name, x_cc", [
    # SHiP: 18.1 ub x A(Mo) / sigma_inel(p Mo), times the cascade enhancement 2.3
    ("ship", 18.1e-3 * 95.95 / sigma_inel_mb(95.95, 152.2) * 2.3),
    # NA62 dump: 18.1 ub x A(Cu) / sigma_inel(p Cu), times 1 + R, R = 0.545 (Cu cascade model)
    ("na62-dump", 18.1e-3 * 63.546 / sigma_inel_mb(63.546, 137.3) * 1.545),
])
def test_400GeV_charm_yields_follow_cited_inputs(name, x_cc):
    """Both charges of each D species: 2 X_cc f(c -> D), X_cc from sigma_cc, A and sigma_inel."""
    y = yields_by_parent(load_experiment(name))
    for parent, f in FRAG.items():
        assert y[parent] == pytest.approx(2 * x_cc * f, rel=2e-3)
    if name == "ship":  # the paper's X_cc = 1.7e-3 per primary interaction
        assert x_cc / 2.3 == pytest.approx(1.7e-3, rel=0.05)


def test_ship_beauty_yields_follow_cited_inputs():
    """Both charges of each B species: 2 X_bb x 1.7 (cascade) x f(b -> B), X_bb = 1.6e-7 per primary
    interaction (arXiv:1811.00930), f from HFLAV (B+, B0, B_s) and LHCb (B_c); the implied sigma_bb per
    nucleon at 400 GeV lies between the E789 data scaled down with PYTHIA (0.70 nb) and 3 nb."""
    x_bb, cascade = 1.6e-7, 1.7
    frag = {"B+": 0.408, "B0": 0.408, "B(s)0": 0.100, "B(c)+": 3.78e-3 * (0.408 + 0.408)}
    y = yields_by_parent(load_experiment("ship"))
    for parent, f in frag.items():
        assert y[parent] == pytest.approx(2 * x_bb * cascade * f, rel=2e-3)
    sigma_bb_nb = x_bb * sigma_inel_mb(95.95, 152.2) / 95.95 * 1e6
    assert 0.70 < sigma_bb_nb < 3.0
    assert y["B+"] / y["D0"] < 1e-3  # b bbar / c cbar ~ 4e-5 at 400 GeV


def test_ship_b_tau_chains_and_bs_light_channels():
    """Every B source feeds the tau chain (B -> tau X, tau -> N X; BR(B -> tau X) from the package's own
    widths at m_N = 0); with X_bb/X_cc ~ 1e-4 these chains are < 1e-3 of SHiP's tau-mixing HNLs below
    1.6 GeV (D_s -> tau nu dominates).  B_s -> K(*) l N: 2 % of the mu-mixing HNLs at 3 GeV, 0.2 % at 4."""
    from hnlreach.physics.production import channel_branching_ratio
    from hnlreach.rates.engine import production_channels
    from hnlreach.sources.meson_decays import tau_production

    exp = load_experiment("ship")
    b_sources = [s for s in exp.sources if s.parent.startswith("B")]
    assert len(b_sources) == 8 and all(s.tau_chain and s.tau_branching_ratio is None for s in b_sources)

    def shares(m, pattern, pick):
        tot = part = 0.0
        for s in exp.sources:
            for c, (kind, b) in production_channels(s, m, pattern).items():
                tot += s.yield_per_pot * b
                part += s.yield_per_pot * b * pick(s, c, kind)
        return part / tot

    bplus = next(s for s in b_sources if s.parent == "B+")
    ch = production_channels(bplus, 1.0, (0.0, 0.0, 1.0))["B+ -> tau+ nu(tau), tau- -> pi- N"]
    expect = sum(b for _, b in tau_production("B+")) * channel_branching_ratio("tau- -> pi- N", 1.0)
    assert ch[1] == pytest.approx(float(expect), rel=1e-9)
    for m in (0.5, 1.0, 1.5):
        chain = shares(m, (0.0, 0.0, 1.0), lambda s, c, k: s.parent != "D(s)+" and k != "direct")
        assert 1e-5 < chain < 1e-3
    light = [shares(m, (0.0, 1.0, 0.0), lambda s, c, k: s.parent == "B(s)0" and (" K-" in c or "K*(892)-" in c))
             for m in (3.0, 4.0)]
    assert 0.01 < light[0] < 0.04 and 0.001 < light[1] < 0.005


def test_ship_vessel_is_fairship_2018_frustum():
    """The preset's decay region is FairShip's 2018 baseline (the SHiP analysis code; z from the target front,
    FairShip z of the target front -72.285 m): the tank's outer walls point to z = +10 m (x) and -5 m (y) and
    reach half-widths 2.5 + d and 5 + d (d = 0.365 m) at z = 107.865 m, the vacuum lies 0.369 m inside them
    (veto.cxx design 6), i.e. 1.46 x 4.25 m^2 at the tank entrance (47.5 m); the fiducial region runs from
    1 m behind the veto station (53.605 m) to tracking station T1 (98.265 m), 5 cm inside the vacuum
    (ShipAna.py isInFiducial); tracks must be inside the 5 x 10 m^2 tank at the magnet centre, 102.965 m.
    Box cross-sections are the vacuum's at each box centre; the boxes tile the region without gaps."""
    exp = load_experiment("ship")
    d, wall, z6 = 0.365, 0.369, 107.865
    half_x = lambda z: (2.5 + d) * (z - 10.0) / (z6 - 10.0) - wall
    half_y = lambda z: (5.0 + d) * (z + 5.0) / (z6 + 5.0) - wall
    assert 2 * half_x(47.5) == pytest.approx(1.5, abs=0.05) and 2 * half_y(47.5) == pytest.approx(4.3, abs=0.1)
    assert half_x(z6) == pytest.approx(2.5, abs=5e-3) and half_y(z6) == pytest.approx(5.0, abs=5e-3)
    boxes = sorted(exp.fiducial.values(), key=lambda b: b.center[2])
    lo = [b.center[2] - b.size[2] / 2 for b in boxes]
    hi = [b.center[2] + b.size[2] / 2 for b in boxes]
    assert lo[0] == pytest.approx(-19.68 + 1.0 + 72.285, abs=2e-3)
    assert hi[-1] == pytest.approx(25.98 + 72.285, abs=2e-3)
    assert np.allclose(lo[1:], hi[:-1], atol=2e-3)
    for b in boxes:
        z = b.center[2]
        assert b.size[0] / 2 == pytest.approx(half_x(z) - 0.05, abs=1e-3)
        assert b.size[1] / 2 == pytest.approx(half_y(z) - 0.05, abs=1e-3)
    spec = exp.world.get("spectrometer")
    assert spec.center[2] == pytest.approx(30.68 + 72.285, abs=1e-3)
    assert spec.size[:2] == pytest.approx([5.0, 10.0], abs=1e-3)
    assert exp.selection.reach_volume is spec


def test_ship_beauty_region_reduced():
    """SHiP e and mu mixing at 2.5, 3.5 and 4.0 GeV, where only B mesons produce HNLs (D_s -> l N is closed):
    full run at the neighbouring 2.55 and 3.57 GeV: e 1.14, 1.22, mu 1.11, 1.22 (ours weaker: the quark-level
    l/nu + hadrons decays are not counted, B_c yield, data/ship/README.md).  8000 HNLs: MC error ~3 %; 3.5 GeV was
    1.44 before N -> l D(s)(*), l D(*), nu J/psi joined the signal list: the band excludes that."""
    m = np.array([2.5, 3.5, 4.0])
    for mx in ("mu", "e"):
        r, _ = _ratios("ship", f"SHiP2018-U{mx}2", m, 8000, mixing=mx)
        print(mx, r)
        assert 1.0 < r[0] < 1.35
        assert 1.05 < r[1] < 1.35
        assert 1.1 < r[2] < 1.45  # the band's end, B_c-dominated: full run 1.31 (e), 1.30 (mu); 1.52 before


def test_nutev_yield_from_interpolated_cross_section():
    """sigma_cc(800 GeV) from a power law in sqrt(s) through 18.1 ub (400 GeV) and 49.1 ub (920 GeV);
    BeO: first-interaction shares of Be and O."""
    s = lambda e: np.sqrt(2 * 0.938 * e + 2 * 0.938 ** 2)
    sig = 18.1 * (s(800) / s(400)) ** (np.log(49.1 / 18.1) / np.log(s(920) / s(400)))
    assert 30 < sig < 50  # E653 / E743 at 800 GeV
    sbe, so = sigma_inel_mb(9.012, 77.8), sigma_inel_mb(15.999, 90.2)
    x = (sbe * sig * 1e-3 * 9.012 / sbe + so * sig * 1e-3 * 15.999 / so) / (sbe + so)
    exp = load_experiment("nutev")
    for parent, f in FRAG.items():
        assert yields_by_parent(exp)[parent] == pytest.approx(2 * x * f, rel=3e-3)
    assert exp.beam.energy_GeV == 800 and exp.beam.pot == pytest.approx(2.54e18)
    assert exp.model.majorana is False


def _ratios(name, published, masses, n_hnl, **kw):
    res = contour(name, masses, n_hnl=n_hnl, **kw)
    return compare(masses, res.lower, res.upper, load_published(published)).ratio_lower, res


def test_ship_charm_region_reduced():
    """SHiP mu and e mixing at 1.0 and 1.5 GeV: full run 0.94-0.95 / 1.02-1.05; MC error at 4000 HNLs is a
    few %, the band leaves room for it and stays inside the issue's x1.5."""
    m = np.array([1.0, 1.5])
    for mx in ("mu", "e"):
        r, _ = _ratios("ship", f"SHiP2018-U{mx}2", m, 4000, mixing=mx)
        print(mx, r)
        assert np.all((r > 0.6) & (r < 1.3))


def test_nutev_reduced_and_dirac_vs_majorana():
    """NuTeV |U_mu|^2 at 1.0 GeV (Dirac, full run 1.04); no charm HNL above D_s -> mu N (1.86 GeV);
    Majorana/Dirac lower boundary = 1/sqrt(2) in the long-lifetime limit (N ~ |U|^4 Gamma, Gamma x2)."""
    m = np.array([1.0, 1.95])
    r, dirac = _ratios("nutev", "NuTeV1999", m, 60000)
    print(r)
    assert 0.7 < r[0] < 1.4
    assert dirac.lower[1] is None
    maj = contour("nutev", m[:1], majorana=True, n_hnl=60000)
    assert maj.lower[0] / dirac.lower[0] == pytest.approx(2 ** -0.5, rel=0.1)


def test_na62_dump_projection_reduced():
    """1e18 POT by the exact threshold rescaling, against the Drewes et al. projection at 1.0 GeV (full
    run 0.89); the 1.4e17 POT limit is sqrt(1e18/1.4e17) higher in the long-lifetime regime."""
    m = np.array([1.0])
    proj = na62_dump.contour_at_pot(m, 1e18, n_hnl=6000)
    data = na62_dump.contour_at_pot(m, 1.4e17, n_hnl=6000)
    r = compare(m, proj.lower, proj.upper, load_published("NA62dump-Drewes2018")).ratio_lower
    print(r)
    assert 0.65 < r[0] < 1.3
    assert data.lower[0] / proj.lower[0] == pytest.approx(np.sqrt(1e18 / 1.4e17), rel=0.05)
    # NA62's dump-mode HNL search (arXiv:2605.02415) selects h+- l-+ only: a subset of the two-track
    # channels, so a weaker boundary; at 1 GeV the three- to five-pion and nu l l channels are ~40 %
    # of the visible width (full run: x1.27)
    hl = na62_dump.contour_hl(m, 1.4e17, n_hnl=6000)
    assert 1.05 < hl.lower[0] / data.lower[0] < 1.6


def test_nutev_kaon_region_reduced():
    """NuTeV below m_K - m_mu (0.388 GeV): K+ -> mu+ N (pi0) of the focused kaons, reconstructed from the nu_mu
    flux above the pi/K minimum (149 GeV).  The kaons: ~5e-4 K+ decays per POT above 157 GeV.  The step at
    0.388 GeV of the published curve is reproduced (lower boundary x > 5 from 0.33 to 0.40 GeV, 15-20 in the full run); at 0.33 GeV
    ours is stronger (full run 0.34-0.42, median 0.37 over 0.21-0.385 GeV; data/nutev/README.md says why):
    the test asserts the agreement reached, x1/5 .. x1/1.5 (seeds 1-4 at 20000 HNLs: 0.33-0.44)."""
    exp = load_experiment("nutev")
    (k,) = [s for s in exp.sources if s.beamline is not None]
    assert k.parent == "K+" and 3e-4 < k.yield_per_pot < 8e-4
    # the slowest kaon whose forward K_mu2 nu (E_nu = p* (E_K + p_K) / m_K, p* = 235.5 MeV) reaches 149.37 GeV
    x = 149.37 * 0.493677 / 0.2355
    assert k.beamline.edges[0] == pytest.approx((x * x - 0.493677 ** 2) / (2 * x), rel=0.01)
    m = np.array([0.33, 0.40])
    r, res = _ratios("nutev", "NuTeV1999", m, 20000)
    print(r, res.lower)
    assert 1 / 5 < r[0] < 1 / 1.5
    assert res.lower[1] / res.lower[0] > 5


def test_ship_low_mass_reduced():
    """SHiP below 0.6 GeV (charm; no efficiency applied, data/ship/README.md): e at 0.3 and 0.59 GeV and mu at
    0.59 GeV, the digitised mu curve's first point, within x1.5 and below 1 (full run 0.82, 0.88, 0.77).
    e and mu mixing differ only through the muon mass (N -> mu pi has 25 % less width than e pi at 0.4 GeV,
    10 % at 0.59 GeV): ours mu/e falls with mass (full run 1.24 at 0.3 GeV, 1.05 at 0.59 GeV), whereas the
    published curves open a 20 % mu/e gap at 0.59 GeV that is closed again by 0.74 GeV."""
    from hnlreach.validation.compare import contour_bounds

    m = np.array([0.3, 0.59])
    # 16000 HNLs: MC error ~1.5 % per boundary (0.3 GeV e sits 19 % inside the band)
    r_e, e = _ratios("ship", "SHiP2018-Ue2", m, 16000, mixing="e")
    r_mu, mu = _ratios("ship", "SHiP2018-Umu2", m, 16000, mixing="mu")
    mu_e = np.asarray(mu.lower, float) / np.asarray(e.lower, float)
    print(r_e, r_mu, mu_e)
    assert np.all((r_e > 1 / 1.5) & (r_e < 1.0))
    assert 1 / 1.5 < r_mu[1] < 1.0
    assert mu_e[1] == pytest.approx(1.0, abs=0.12)  # 16000 HNLs: 1.09 (full run 1.05)
    assert mu_e[0] > mu_e[1] + 0.08
    pub_mu, _ = contour_bounds(load_published("SHiP2018-Umu2"), m[1:])
    pub_e, _ = contour_bounds(load_published("SHiP2018-Ue2"), m[1:])
    assert pub_mu[0] / pub_e[0] > 1.15


def test_nutev_kaon_hnls_are_collimated_charm_ones_not():
    """The kaon-region difference (data/nutev/README.md): HNLs from 150-400 GeV kaons carry 100-200 GeV, so
    the two tracks of a 0.3 GeV HNL open by ~2 m_N / E_N ~ 3-5 mrad, those of a 1 GeV HNL from charm
    (tens of GeV) by tens of mrad.  A 5 mrad minimum opening angle must raise the 0.3 GeV lower boundary
    several-fold (full run x6) and leave 1.0 GeV within a few %."""
    from dataclasses import replace

    from hnlreach.rates.engine import build_sample
    from hnlreach.scan import scan_masses

    exp = load_experiment("nutev")
    cut = replace(exp, selection=replace(exp.selection, min_opening_angle_rad=0.005))

    def lower(e, m, n):
        res = scan_masses(np.array([m]), lambda mass, rng: build_sample(
            e, float(mass), mixing="mu", majorana=False, n_hnl=n, rng=rng), e.statistics.events_limit(),
            (1e-14, 1.0), seed=1, jobs=1, quiet=True)
        return res.lower[0]

    assert lower(cut, 0.30, 20000) / lower(exp, 0.30, 20000) > 3
    assert lower(cut, 1.0, 60000) / lower(exp, 1.0, 60000) == pytest.approx(1.0, abs=0.05)


def test_beamline_flux_energy_window(tmp_path):
    """nu_flux.min_energy_GeV keeps the table from that energy on (NuTeV: the K+ peak above 149 GeV): the
    slowest reconstructed kaon follows the cut; a window with fewer than 3 flux points is a one-line error."""
    from importlib import resources

    from hnlreach.errors import HNLInputError

    text = (resources.files("hnlreach") / "experiments" / "nutev.toml").read_text()
    assert "min_energy_GeV = 149.0" in text
    higher = tmp_path / "nutev_200.toml"
    higher.write_text(text.replace("min_energy_GeV = 149.0", "min_energy_GeV = 200.0"))
    (k,) = [s for s in load_experiment(higher).sources if s.beamline is not None]
    x = 200.0 * 0.493677 / 0.2355  # p_K whose forward K_mu2 nu reaches the cut: p* (E_K + p_K) / m_K
    assert k.beamline.edges[0] == pytest.approx((x * x - 0.493677 ** 2) / (2 * x), rel=0.02)
    bad = tmp_path / "nutev_bad.toml"
    bad.write_text(text.replace("min_energy_GeV = 149.0", "min_energy_GeV = 399.0"))
    with pytest.raises(HNLInputError, match="min_energy_GeV / max_energy_GeV keep fewer than 3 flux points"):
        load_experiment(bad)
