"""Selection cuts on decay products and efficiency tables, on hand-made events."""
import numpy as np
import pytest

from hnlreach.experiments import Efficiency, Selection
from hnlreach.geometry.volumes import Box
from hnlreach.rates.selection import passes, track_mask

PDG = np.array([14, 13, -13])  # nu_mu mu- mu+


def _event(p_mu1, p_mu2):
    def p4(p):
        p = np.asarray(p, float)
        return np.concatenate([[np.sqrt(p @ p + 0.10566 ** 2)], p])
    return np.stack([np.array([1.0, 0, 0, 1.0]), p4(p_mu1), p4(p_mu2)])


def test_track_mask_excludes_neutrinos_and_neutrals():
    assert track_mask([14, 13, -13, 22, 111, 211]).tolist() == [False, True, True, False, False, True]


def test_energy_opening_angle_and_reach_cuts():
    ev = np.stack([_event([0.1, 0, 5], [-0.1, 0, 5]),    # 40 mrad opening, forward
                   _event([0.05, 0, 0.5], [-0.1, 0, 5]),  # one soft track (E ~ 0.51 GeV)
                   _event([3, 0, 5], [-0.1, 0, 5])])     # wide angle: misses the calorimeter
    vtx = np.zeros((3, 3))
    calo = Box("calo", [0, 0, 10], [2, 2, 1])
    assert passes(Selection(min_track_energy_GeV=1.0), PDG, ev, vtx).tolist() == [True, False, True]
    assert passes(Selection(reach_volume=calo), PDG, ev, vtx).tolist() == [True, True, False]
    sel = Selection(min_opening_angle_rad=0.03, max_opening_angle_rad=0.05)
    assert passes(sel, PDG, ev, vtx).tolist() == [True, False, False]
    # a vertex beside the calorimeter: the same forward tracks miss it
    assert not passes(Selection(reach_volume=calo), PDG, ev[:1], np.array([[5.0, 0, 0]]))[0]


def test_efficiency_tables():
    eff = Efficiency(0.5, np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 0.5]), "energy",
                     {"N -> nu e+ e-": 0.5})
    e = eff(0.3, np.array([0.5, 1.5, 3.0]), "N -> nu e+ e-")
    assert e == pytest.approx([0.125, 0.1875, 0.0])
    by_mass = Efficiency(1.0, np.array([0.1, 0.3]), np.array([0.2, 0.4]), "mass")
    assert by_mass(0.2, np.ones(2), "N -> mu- pi+") == pytest.approx([0.3, 0.3])
