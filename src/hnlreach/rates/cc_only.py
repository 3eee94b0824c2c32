"""Sample builder for presets that assume charged-current-only HNL decays (original CHARM analysis).

Used through a preset's ``[sampler] function = "hnlreach.rates.cc_only:mixing_sample_cc_only"``:
the beam-dump engine (`rates.engine.mixing_sample`) with the HNL's widths, branching ratios and
decays taken from `physics.decays_cc_only.CCOnlyHNL` (Boiarska et al. arXiv:2107.14685 sec. III B, Table I "CC").
"""
from __future__ import annotations

from hnlreach.errors import HNLInputError


def mixing_sample_cc_only(experiment, mass: float, *, mixing=None, dipole=None, majorana=False,
                          n_hnl: int = 100_000, rng=None):
    """`rates.engine.mixing_sample` for an HNL decaying through the charged current only."""
    from hnlreach.physics.decays_cc_only import CCOnlyHNL
    from hnlreach.rates.engine import mixing_sample

    if mixing is None or dipole is not None:
        raise HNLInputError(f"experiment {experiment.name} assumes mass mixing only (CC-only decays): give --mixing")
    hnl = CCOnlyHNL.from_pattern(mass, mixing=mixing, coupling=1.0, majorana=majorana)
    return mixing_sample(experiment, mass, mixing, majorana, n_hnl, rng, hnl=hnl)
