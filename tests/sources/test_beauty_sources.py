"""B-hadron sources: the tau chain from B and B_c decays, and the shipped PYTHIA 8 spectra."""
import numpy as np
import pytest

from hnlreach.physics.constants import M_TAU, MASS
from hnlreach.sources.meson_decays import tau_from_parent, tau_production


def test_bc_tau_chain_mixes_two_and_three_body_decays_by_branching_ratio():
    """B_c+ -> tau+ nu (two-body: one tau energy) and B_c+ -> (J/psi, eta_c) tau+ nu (three-body, lower
    energies) are drawn in proportion to their BRs (2.20 % : 0.56 %)."""
    M = MASS["B(c)+"]
    n = 40000
    at_rest = np.tile([M, 0.0, 0.0, 0.0], (n, 1))
    tau = tau_from_parent(at_rest, np.random.default_rng(5), "B(c)+")
    assert np.sqrt(tau[:, 0] ** 2 - np.sum(tau[:, 1:] ** 2, axis=1)) == pytest.approx(M_TAU, rel=1e-9)
    e_two_body = (M * M + M_TAU**2) / (2 * M)
    two_body = np.isclose(tau[:, 0], e_two_body, rtol=1e-9, atol=0.0)
    chans = tau_production("B(c)+")
    expect = sum(b for c, b in chans if c.kind == "leptonic") / sum(b for _, b in chans)
    assert 0.75 < expect < 0.85
    assert two_body.mean() == pytest.approx(expect, abs=4 * np.sqrt(expect * (1 - expect) / n))
    assert np.all(tau[~two_body, 0] < e_two_body)


def test_b0_tau_chain_energies_stay_inside_each_dalitz_region():
    """B0 -> (D, D*, pi, rho) tau+ nu: the tau energy ends at (M^2 + m_tau^2 - m_X^2)/(2M) of each
    daughter; only b -> u decays (pi, rho: 1.8 % of them) reach above the B0 -> D- tau nu end point."""
    M = MASS["B0"]
    n = 20000
    tau = tau_from_parent(np.tile([M, 0.0, 0.0, 0.0], (n, 1)), np.random.default_rng(6), "B0")
    end = {x: (M * M + M_TAU**2 - MASS[x] ** 2) / (2 * M) for x in ("pi-", "D-", "D*(2010)-")}
    br = {c.params["daughter"]: b for c, b in tau_production("B0")}
    share_u = (br["pi-"] + br["rho(770)-"]) / sum(br.values())
    assert tau[:, 0].min() >= M_TAU - 1e-12 and tau[:, 0].max() <= end["pi-"] + 1e-9
    assert 0.0 < np.mean(tau[:, 0] > end["D-"]) < share_u
    assert np.mean(tau[:, 0] > end["D*(2010)-"]) < share_u + br["D-"] / sum(br.values())



DATA = __import__("pathlib").Path(__import__("hnlreach").__file__).parent / "data"


@pytest.mark.parametrize("energy", [120, 400, 800])
def test_shipped_b_spectra_load_and_harden_with_beam_energy(energy):
    """Every shipped B-hadron table reads through TabulatedSpectrum; B+ and B0 spectra from the same
    b bbar events agree (isospin), and <p> grows with the beam energy."""
    from hnlreach.sources.spectra import TabulatedSpectrum

    mean_p = {}
    for e in (120, 400, 800):
        s = TabulatedSpectrum.from_csv(DATA / "beauty" / f"pythia8_pp_{e}GeV_Bplus.csv", MASS["B+"])
        p4 = s.sample(4000, np.random.default_rng(e))
        assert np.sqrt(p4[:, 0] ** 2 - np.sum(p4[:, 1:] ** 2, axis=1)) == pytest.approx(MASS["B+"], rel=1e-6)
        mean_p[e] = np.linalg.norm(p4[:, 1:], axis=1).mean()
    assert mean_p[120] < mean_p[400] < mean_p[800]
    b0 = TabulatedSpectrum.from_csv(DATA / "beauty" / f"pythia8_pp_{energy}GeV_B0.csv", MASS["B0"])
    p_b0 = np.linalg.norm(b0.sample(4000, np.random.default_rng(1))[:, 1:], axis=1).mean()
    assert p_b0 == pytest.approx(mean_p[energy], rel=0.05)  # measured: within 1 %
    for f in (DATA / "beauty").glob(f"pythia8_pp_{energy}GeV_*.csv"):
        TabulatedSpectrum.from_csv(f, MASS["B0"])


def test_charm_spectra_at_800_gev_load():
    from hnlreach.sources.spectra import TabulatedSpectrum

    for sp in ("Dsplus", "Dsminus", "Dplus", "Dminus", "D0", "Dbar0"):
        s = TabulatedSpectrum.from_csv(DATA / "charm" / f"pythia8_pp_800GeV_{sp}.csv", MASS["D0"])
        assert s.counts.sum() > 1000
