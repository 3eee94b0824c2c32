"""hnlreach: heavy-neutral-lepton reach of accelerator experiments.

Production, propagation, decay, detection and statistics, end to end.
"""
from hnlreach.errors import HNLInputError
from hnlreach.model import HNL

__all__ = ["HNL", "HNLInputError", "__version__", "generate_events", "read_events"]
__version__ = "0.1.0"

_LAZY = {"generate_events": "hnlreach.outputs.events", "read_events": "hnlreach.outputs.events"}


def __getattr__(name):  # lazy exports: pandas/pyarrow are imported only when used
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'hnlreach' has no attribute {name!r}")
