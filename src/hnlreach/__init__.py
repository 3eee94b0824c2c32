"""hnlreach: heavy-neutral-lepton reach of accelerator experiments.

Production, propagation, decay, detection and statistics, end to end.
"""
from hnlreach.errors import HNLInputError
from hnlreach.model import HNL

__all__ = ["HNL", "HNLInputError", "__version__"]
__version__ = "0.1.0"
