"""Preset icarus (BNB, 600 m): flux = DarkNews 0.4.8's ICARUS flux definition, detector numbers,
supported models, and a tiny dipole sensitivity run."""
import numpy as np
import pytest

from hnlreach.errors import HNLInputError
from hnlreach.experiments import load_experiment


def _integral(f):
    return float(np.sum(np.clip(f.values, 0.0, None)) * np.diff(f.energies).mean())  # 50 MeV bin centres


def test_flux_is_darknews_icarus_flux():
    """DarkNews 0.4.8 include/detectors/icarus.txt: MicroBooNE's flux x 47^2/60^2 (1/L^2 from the
    target), all four flavours; nu_mu 7.38e-10 x 0.6136 = 4.53e-10 /cm^2/POT."""
    ic = {f.name: f for f in load_experiment("icarus").fluxes}
    ub = {f.name: f for f in load_experiment("microboone").fluxes}
    assert sorted(ic) == ["nue", "nuebar", "numu", "numubar"]
    for k in ic:
        assert np.allclose(ic[k].values, ub[k].values * (47.0 / 60.0) ** 2, rtol=1e-6)
    assert _integral(ic["numu"]) == pytest.approx(4.53e-10, rel=0.01)


def test_detector_numbers():
    """Two T600 modules: four TPC active volumes of 1.5 x 3.16 x 17.95 m, 475 t of argon (DarkNews: 476 t),
    inside two 3.6 x 3.9 x 19.6 m cryostats (768 t; the T600 holds 760 t), 600 m from the target; the
    dipole portal and mass mixing from the BNB K+ and pi+ (no tau source: tests/experiments/test_bnb_mixing_presets.py)."""
    ex = load_experiment("icarus")
    active = sum(v.volume_m3 for v in ex.fiducial.values()) * 1.3954
    assert active == pytest.approx(476.0, rel=0.01)
    cryo = [v for v in ex.world.volumes if v.name.startswith("cryostat")]
    assert sum(v.volume_m3 for v in cryo) * 1.3954 == pytest.approx(760.0, rel=0.02)
    for v in ex.fiducial.values():  # every TPC inside a cryostat
        assert any(np.all(np.abs(v.center - c.center) + 0.5 * np.asarray(v.size) <= 0.5 * np.asarray(c.size) + 1e-9)
                   for c in cryo)
    assert ex.sites["target"].position_m[2] == -600.0
    assert set(ex.supported_models()) == {"dipole e", "dipole mu", "mixing e", "mixing mu"}
    with pytest.raises(HNLInputError, match="supports: mixing e, mixing mu, dipole e, dipole mu"):
        ex.check_model(mixing="tau")


def test_tiny_dipole_sensitivity():
    """`hnlreach limit icarus --dipole mu` runs: a lower boundary at 0.1 GeV in the range of the other
    BNB liquid-argon presets (SBND's sensitivity 3.1e-7 GeV^-1 at 0.108 GeV with this efficiency)."""
    import hnlreach

    r = hnlreach.limit("icarus", dipole="mu", masses=[0.1], n_hnl=1500, jobs=1, progress="none",
                       refine=0, precision=None, cache=False).to_dataframe()
    assert 5e-8 < r.lower[0] < 1e-6
