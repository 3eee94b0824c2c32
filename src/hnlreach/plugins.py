"""Plug-ins: user functions an experiment TOML names for what its vocabulary cannot express.

A plug-in is named ``"path/to/file.py:function"`` (a Python file, relative to the TOML's folder
or absolute) or ``"package.module:function"`` (anything importable, e.g. a shipped one such as
``hnlreach.detection.argoneut:select``).  Its signature is checked when the experiment is loaded:

* selection plug-in (``[selection] plugin``, ``plugin_parameters``)::

      def select(pdg, p4, vertices, *, experiment, **parameters) -> bool array (n,)

  pdg (n, k) PDG ids, p4 (n, k, 4) lab four-momenta [GeV] (E, px, py, pz) of the decay products
  (after unstable ones have decayed), vertices (n, 3) decay points [m]; called after the
  vocabulary's cuts, on the decays that passed them (rates/selection.py).
* sampler plug-in (``[sampler] function``, ``parameters``): replaces the beam-dump engine::

      def sample(experiment, mass, *, mixing, dipole, majorana, n_hnl, rng, **parameters)
          -> hnlreach.rates.engine.ReweightableSample
"""
from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import inspect
import sys
from pathlib import Path

from hnlreach.errors import HNLInputError

SELECTION_SIGNATURE = "function(pdg, p4, vertices, *, experiment, **parameters)"
SAMPLER_SIGNATURE = "function(experiment, mass, *, mixing, dipole, majorana, n_hnl, rng, **parameters)"


def _import(spec: str, base: Path, where: str, key: str):
    target, sep, name = spec.rpartition(":")
    if not sep or not target or not name.isidentifier():
        raise HNLInputError(f"{where}: {key}: expected 'path/to/file.py:function' or 'module:function', got {spec!r}")
    if target.endswith(".py"):
        from hnlreach.datafiles import resolve_data_path

        path = resolve_data_path(target, base, where, key, what="plug-in file").resolve()
        modname = "hnlreach_plugin_" + hashlib.sha1(str(path).encode()).hexdigest()[:12]
        if modname not in sys.modules:
            mspec = importlib.util.spec_from_file_location(modname, path)
            module = importlib.util.module_from_spec(mspec)
            try:
                mspec.loader.exec_module(module)
            except Exception as exc:  # the user's module failed to import: one line, with the cause
                raise HNLInputError(f"{where}: {key}: cannot load {path}: {type(exc).__name__}: {exc}") from None
            sys.modules[modname] = module
        module = sys.modules[modname]
    else:
        try:
            module = importlib.import_module(target)
        except ImportError as exc:
            raise HNLInputError(f"{where}: {key}: cannot import module {target!r}: {exc}") from None
    func = getattr(module, name, None)
    if not callable(func):
        raise HNLInputError(f"{where}: {key}: {target!r} has no function {name!r}")
    return func


def _check(func, args: tuple, kwargs: dict, expected: str, where: str, key: str):
    try:
        inspect.signature(func).bind(*args, **kwargs)
    except TypeError as exc:
        sig = f"{func.__name__}{inspect.signature(func)}"
        raise HNLInputError(f"{where}: {key}: {sig} cannot be called as {expected} ({exc})") from None
    except ValueError:  # no signature available (builtin): accept
        pass


def load_selection_plugin(spec: str, parameters: dict, base: Path, where: str, key: str = "selection.plugin"):
    """The selection plug-in as a callable(pdg, p4, vertices, *, experiment) with its parameters bound."""
    func = _import(spec, base, where, key)
    _check(func, (None, None, None), {"experiment": None, **parameters}, SELECTION_SIGNATURE, where, key)
    return functools.partial(func, **parameters)


def load_sampler_plugin(spec: str, parameters: dict, base: Path, where: str, key: str = "sampler.function"):
    """The sampler plug-in as a callable(experiment, mass, *, mixing, ...) with its parameters bound."""
    func = _import(spec, base, where, key)
    kw = dict.fromkeys(("mixing", "dipole", "majorana", "n_hnl", "rng"))
    _check(func, (None, None), {**kw, **parameters}, SAMPLER_SIGNATURE, where, key)
    return functools.partial(func, **parameters)
