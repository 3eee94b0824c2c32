"""Neutrino upscattering nu A -> N_j A through a dark-sector model's full amplitude, for the engine.

``ModelUpscattering`` supplies the two callbacks of ``rates.engine.upscattering_hnls`` (``xsec`` and
``sampler``) for one (model, HNL N_j, projectile flavour, nu or nu-bar): the cross section of every
(scattering component, HNL helicity) is tabulated once on the engine's energy grid from
``physics.upscattering._model_dsigma_gev`` (Z', Z, h' and photon exchange with their interference,
Gauss-Legendre in ln Q^2, as ``model_xsec``), and the sampler

* picks the component and the helicity h = -1, +1 (CM frame, as DarkNews's conserving / flipping) in
  proportion to the tabulated sigma_{c,h}(E) (linear interpolation in E, the engine's own),
* draws t = ln Q^2 (normalised to [0, 1] between Q2_min(E) and Q2_max(E)) from the piecewise-constant
  density of the tabulated Q^2 dsigma/dQ^2 on the nearest grid energy (floored at 1e-3 of its maximum
  so every Q^2 is reachable),
* weights each event by dsigma_{c,h}/dQ^2 (exact, at its E and Q^2) / (sigma_{c,h}^table(E) q(Q^2)).

An event of energy E then represents sigma^table(E) x weight with E[weight | E] = sigma^exact(E) /
sigma^table(E): the engine's rate, which uses sigma^table, is unbiased for the exact cross section
whatever the table's resolution (the same construction as the dipole's ``sigma=`` option).
"""
from __future__ import annotations

import numpy as np

from hnlreach.physics import upscattering as ups
from hnlreach.physics.nuclei import nucleus

N_NODES = 32  # Gauss-Legendre nodes in ln Q^2 per energy (sigma: < 1e-3 relative vs 64 nodes, see tests)
N_ENERGY_GRID = 32  # energies of the engine's cross-section table for a model (geomspace over the flux)
_FLOOR = 1e-3


def couples(model, flavour: str, j: int) -> bool:
    """Whether nu_flavour can upscatter to N_j at all (a non-zero Z', Z, h' or dipole vertex)."""
    from hnlreach.models.dark_sector import FLAVOURS

    a = FLAVOURS.index(flavour)
    return any(float(c) != 0.0 for c in ups._couplings(model, a, j))


class ModelUpscattering:
    """xsec / sampler callbacks of rates.engine.upscattering_hnls for one (model, j, flavour, nu|nu-bar)."""

    def __init__(self, model, j: int, flavour: str, antineutrino: bool, n_nodes: int = N_NODES):
        from hnlreach.models.dark_sector import FLAVOURS

        self.model, self.j, self.flavour, self.anti, self.n_nodes = model, int(j), flavour, bool(antineutrino), n_nodes
        self.a = FLAVOURS.index(flavour)
        self.m = model.mass(j)
        self.tables: dict = {}  # nucleus -> (egrid, cases, sigma (cases, nE) per nucleus, row densities)

    def _cases(self, t):
        return [(c, h) for c in ups.COMPONENTS if ups.multiplicity(t, c) for h in (-1, 1)]

    def _table(self, nuc: str, egrid: np.ndarray):
        tab = self.tables.get(nuc)
        if tab is not None and tab[0].shape == egrid.shape and np.array_equal(tab[0], egrid):
            return tab
        t = nucleus(nuc)
        cases = self._cases(t)
        sig, dens = [], []
        for c, h in cases:
            Q2, wq, open_ = ups._log_q2_grid(egrid, self.m, ups.target_mass(t, c), c, self.n_nodes)
            e_safe = np.where(open_, egrid, 1.0)
            f = ups._model_dsigma_gev(e_safe[:, None], Q2, self.model, self.a, self.j, t, c, h, self.anti)
            f = np.where(open_[:, None], f, 0.0)
            sig.append(ups.multiplicity(t, c) * np.sum(wq * f, axis=1) * ups.GEV2_TO_CM2)
            g = np.where(open_[:, None], Q2 * f, 0.0)  # Q^2 dsigma/dQ^2: density in ln Q^2 at the nodes
            dens.append(np.maximum(g, _FLOOR * g.max(axis=1, keepdims=True)))
        tab = (egrid.copy(), cases, np.array(sig), np.array(dens))
        self.tables[nuc] = tab
        return tab

    # --- callbacks ---------------------------------------------------------------------------
    def xsec(self, E, m, nuc):
        """Total cross section [cm^2] per nucleus on the engine's energy grid E (tabulated here)."""
        E = np.asarray(E, dtype=float)
        return self._table(nuc, E)[2].sum(axis=0)

    def sampler(self, E, m, nuc, rng):
        """(p4 (n, 4) with the neutrino along +z, weight, component index, helicity) for energies E."""
        E = np.asarray(E, dtype=float).ravel()
        tab = self.tables.get(nuc)
        if tab is None:
            raise RuntimeError("ModelUpscattering.sampler called before xsec built the table")
        egrid, cases, sig, dens = tab
        t = nucleus(nuc)
        n = E.size
        s_case = np.array([np.interp(E, egrid, s) for s in sig])  # (cases, n), the engine's interpolation
        tot = s_case.sum(axis=0)
        cdf = np.cumsum(s_case, axis=0) / np.where(tot > 0, tot, 1.0)
        which = np.minimum((cdf < rng.random(n)).sum(axis=0), len(cases) - 1)
        row = np.clip(np.searchsorted(egrid, E), 0, egrid.size - 1)  # grid energy at or above E (open there)
        x, _ = ups.gauss_legendre(self.n_nodes)
        tn = 0.5 * (x + 1.0)  # nodes in [0, 1]
        edges = np.concatenate([[0.0], 0.5 * (tn[1:] + tn[:-1]), [1.0]])
        widths = np.diff(edges)
        p4 = np.zeros((n, 4))
        weight = np.zeros(n)
        comp = np.full(n, -1)
        hel = np.zeros(n, dtype=int)
        for k, (c, h) in enumerate(cases):
            sel = np.nonzero((which == k) & (tot > 0))[0]  # just below threshold: sigma_table > 0, weight 0
            if sel.size == 0:
                continue
            M = ups.target_mass(t, c)
            cell_p = dens[k][row[sel]] * widths[None, :]
            cell_p /= cell_p.sum(axis=1, keepdims=True)
            cc = np.cumsum(cell_p, axis=1)
            cell = np.minimum((cc < rng.random(sel.size)[:, None]).sum(axis=1), tn.size - 1)
            tt = edges[cell] + widths[cell] * rng.random(sel.size)
            q_t = cell_p[np.arange(sel.size), cell] / widths[cell]  # density in t
            with np.errstate(invalid="ignore", divide="ignore"):
                p4_k, w_k = self._draw(E[sel], s_case[k, sel], M, t, c, h, tt, q_t, rng)
            p4[sel], weight[sel] = p4_k, w_k
            comp[sel] = ups.COMPONENTS.index(c)
            hel[sel] = h
        return p4, weight, comp, hel

    def _draw(self, E, s_case, M, t, c, h, tt, q_t, rng):
        """Q^2 at normalised ln Q^2 = tt (density q_t), the event weight and the lab four-momentum."""
        lo, hi = ups.q2_range(E, self.m, M)
        if c == "coherent":
            hi = np.minimum(hi, np.maximum(ups._Q2_CUT_COHERENT, lo))
        span = np.log(hi / lo)
        Q2 = lo * np.exp(tt * span)
        ok = np.isfinite(lo) & np.isfinite(span)
        Q2 = np.where(ok, Q2, 1.0)
        dsig = ups.multiplicity(t, c) * ups._model_dsigma_gev(np.where(ok, E, 1.0), Q2, self.model, self.a,
                                                              self.j, t, c, h, self.anti) * ups.GEV2_TO_CM2
        q_Q2 = q_t / (span * Q2)
        w = np.where(ok, dsig / (s_case * q_Q2), 0.0)
        E_N, p_N, cos = ups.lab_kinematics(E, Q2, self.m, M)
        sin = np.sqrt(1.0 - cos * cos)
        phi = rng.uniform(0.0, 2.0 * np.pi, E.size)
        p4 = np.column_stack([E_N, p_N * sin * np.cos(phi), p_N * sin * np.sin(phi), p_N * cos])
        return np.where(ok[:, None], p4, 0.0), np.where(np.isfinite(w), w, 0.0)
