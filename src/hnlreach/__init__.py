"""hnlreach: heavy-neutral-lepton reach of accelerator experiments.

Production, propagation, decay, detection and statistics, end to end.

    import hnlreach
    res = hnlreach.limit("charm")                      # excluded region (LimitResult)
    n = hnlreach.HNL(0.5, mixing="tau", coupling=1e-4) # width, ctau, branching ratios, decays
    df = hnlreach.generate_events("charm", 1.0, coupling=1e-6, n=1000)  # events (pandas)
    t = hnlreach.production_table("bebc", 1.0)         # channels each source uses after [production]

Same defaults and words as the `hnlreach` command (the preset's model and nature, seed 1).
"""
from hnlreach.errors import HNLInputError
from hnlreach.model import HNL

__all__ = ["DarkSector", "HNL", "HNLInputError", "LimitResult", "__version__", "generate_events", "limit", "load_model",
           "production_table", "read_events",
           "read_limit", "write_events"]
__version__ = "0.1.0"

_LAZY = {"generate_events": "hnlreach.outputs.events", "read_events": "hnlreach.outputs.events",
         "write_events": "hnlreach.outputs.events",
         "limit": "hnlreach.api", "load_model": "hnlreach.models", "DarkSector": "hnlreach.models", "LimitResult": "hnlreach.api", "read_limit": "hnlreach.api",
         "production_table": "hnlreach.api"}


def __getattr__(name):  # lazy exports: pandas/pyarrow are imported only when used
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'hnlreach' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
