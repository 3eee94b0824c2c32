#!/usr/bin/env python3
"""Charm from the hadronic cascade of a 400 GeV proton in a thick copper dump (CHARM), with PYTHIA 8.

Output: the cascade-to-primary charm ratio R and charm-hadron spectra of the cascade in the
TabulatedSpectrum format (src/hnlreach/data/charm/pythia8_cascade_400GeV_Cu_*.csv).  Shapes and
R only: the total thick-target yield chi_cc = 4e-3 per POT stays the paper's (Boiarska et al. arXiv:2107.14685 eq. A2);
the presets split it as 1/(1+R) primary, R/(1+R) cascade.  Requires `pip install pythia8mc`;
users never need it (the tables are committed).

Model (all choices stated; PYTHIA 8.3, T. Sjostrand et al., arXiv:2203.11601):
1. Primary: p p inelastic at 400 GeV (SoftQCD:inelastic, fixed target, proton at rest).  The
   primary interaction point z0 ~ Exp(lambda_p) in the L = 1 m copper target.  Nuclear effects of
   p Cu on the secondaries (more stopping, higher multiplicity) are NOT modelled.
2. Secondaries that can make charm: p, n, pbar, nbar (as protons), pi+, K+, K0_L, K0_S (as pi+ for
   charm), pi-, K- (as pi-), lab energy > E_MIN = 20 GeV.  Each interacts in the remaining copper
   with P = 1 - exp(-(L - z0)/(lambda_h cos theta)) (decays in flight and energy loss neglected);
   --thick treats the interaction as certain (dump + iron shielding behind the target).
3. Charm per interaction relative to the primary one:
      P_cc(h, E) / P_cc(p, 400) = [sigma_cc(hN, E) / sigma_cc(pN, 400)] x [lambda_h / lambda_p]
   (per interaction: A sigma_cc(hN) / sigma_inel(hA), open charm ~ A^1, Lourenco & Wohri
   hep-ph/0609101; sigma_inel(hA) = A / (N_A rho lambda_h)).  sigma_cc(hN, E) is PYTHIA's own
   HardQCD:hardccbar sigmaGen (LO, massive charm) for p p and pi+- p at a grid of energies,
   interpolated in log E (only its energy and projectile dependence enters).
4. Spectra: the secondaries are resampled with probability proportional to their charm weight;
   for each, a PYTHIA hardccbar event (beam = the secondary's class, at the energy-bin centre) is
   shifted in rapidity by 0.5 ln(E / E_bin) along the beam axis (the fixed-target c.m. rapidity
   shift) and rotated to the secondary's direction.
5. Second generation: secondaries of the secondaries, from the same 400 GeV p p events scaled to
   the projectile energy (Feynman scaling of x_lab = E/E_beam and of p_T-preserving angles
   theta' = theta E/E'), for every interacting secondary; their charm is added like step 3.
   Further generations are below the printed size of the second and neglected.

Usage: python scripts/generate/charm_cascade.py [--events 20000] [--charm-events 40000] [--outdir DIR]
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

E_BEAM, E_MIN, L_TARGET_M = 400.0, 20.0, 1.0
# nuclear interaction lengths in copper [m]: protons/neutrons PDG (137.3 g/cm^2 / 8.96 g/cm^3);
# pions and kaons scaled by the absorption cross sections sigma_abs(p Cu) : (pi Cu) : (K Cu)
# ~ 1 : 0.83 : 0.76 measured at 60-280 GeV (A. S. Carroll et al., Phys. Lett. B 80 (1979) 319)
LAMBDA_M = {"p": 0.1532, "pi": 0.1532 / 0.83, "K": 0.1532 / 0.76}
# projectile classes: PDG id -> (charm beam id used in PYTHIA, interaction-length class)
PROJECTILE = {2212: (2212, "p"), -2212: (2212, "p"), 2112: (2212, "p"), -2112: (2212, "p"),
              211: (211, "pi"), -211: (-211, "pi"), 321: (211, "K"), -321: (-211, "K"),
              130: (211, "K"), 310: (211, "K")}
CHARM = {431: "D(s)+", -431: "D(s)-", 411: "D+", -411: "D-", 421: "D0", -421: "D~0"}
E_EDGES = np.array([20.0, 35.0, 60.0, 100.0, 170.0, 290.0, 400.0])
E_GRID = np.array([20.0, 30.0, 45.0, 70.0, 100.0, 150.0, 220.0, 300.0, 400.0])


def _pythia(lines):
    import pythia8mc

    py = pythia8mc.Pythia("", False)
    for line in ("Beams:frameType = 2", "Beams:idB = 2212", "Beams:eB = 0.", "Print:quiet = on", *lines):
        py.readString(line)
    if not py.init():
        raise SystemExit(f"PYTHIA initialisation failed: {lines}")
    return py


def sigma_cc_table(events: int, seed: int) -> dict[int, np.ndarray]:
    """PYTHIA hardccbar sigmaGen [mb] on E_GRID for p, pi+, pi- beams on protons (parton level off)."""
    out = {}
    for beam in (2212, 211, -211):
        sig = []
        for e in E_GRID:
            py = _pythia([f"Beams:idA = {beam}", f"Beams:eA = {e}", "HardQCD:hardccbar = on",
                          "PartonLevel:all = off", "HadronLevel:all = off",
                          "Random:setSeed = on", f"Random:seed = {seed}"])
            for _ in range(events):
                py.next()
            sig.append(py.infoPython().sigmaGen())
        out[beam] = np.array(sig)
    return out


def sigma_cc(table, beam: np.ndarray, energy: np.ndarray) -> np.ndarray:
    """sigma_cc(beam, E) interpolated in log E / log sigma on E_GRID."""
    out = np.zeros(len(energy))
    for b, sig in table.items():
        sel = beam == b
        out[sel] = np.exp(np.interp(np.log(energy[sel]), np.log(E_GRID), np.log(np.maximum(sig, 1e-30))))
    return out


def interaction(pid, energy, pz, z0, rng, thick: bool):
    """Probability to interact in the remaining copper and the interaction depth."""
    lam = np.array([LAMBDA_M[PROJECTILE[i][1]] for i in pid])
    cos = np.clip(pz / energy, 0.1, 1.0)
    remaining = np.maximum(L_TARGET_M - z0, 0.0) / cos  # path length to the back face
    p_int = np.ones_like(energy) if thick else 1.0 - np.exp(-remaining / lam)
    u = rng.random(len(energy))
    depth = -lam * np.log1p(-u * (p_int if not thick else 1.0 - 1e-12))  # truncated exponential
    return p_int, lam, z0 + depth * cos


def charm_weights(pid, energy, p_int, lam, table):
    """Charm per interaction of each secondary relative to the primary interaction (step 3)."""
    beam = np.array([PROJECTILE[i][0] for i in pid])
    s400 = sigma_cc(table, np.array([2212]), np.array([E_BEAM]))[0]
    return p_int * sigma_cc(table, beam, energy) / s400 * lam / LAMBDA_M["p"], beam


def rotation_to(direction: np.ndarray) -> np.ndarray:
    """Rotation matrices taking +z to each unit vector (Rodrigues), shape (n, 3, 3)."""
    z = np.array([0.0, 0.0, 1.0])
    v = np.cross(z, direction)
    s = np.linalg.norm(v, axis=1)
    c = direction[:, 2]
    k = np.zeros((len(direction), 3, 3))
    k[:, 0, 1], k[:, 0, 2], k[:, 1, 2] = -v[:, 2], v[:, 1], -v[:, 0]
    k[:, 1, 0], k[:, 2, 0], k[:, 2, 1] = v[:, 2], -v[:, 1], v[:, 0]
    f = np.where(s > 1e-12, (1 - c) / np.maximum(s, 1e-12) ** 2, 0.5)
    return np.eye(3) + k + (k @ k) * f[:, None, None]


def second_generation(sec, weight, z1, rows0, n0, rng):
    """Secondaries of interacting secondaries by Feynman scaling of the 400 GeV p p events
    (step 5): one random primary event per interacting secondary, energies x E/400."""
    # group the 400 GeV products by event (rows0 column 5, sorted)
    ev = rows0[:, 5].astype(int)
    starts = np.searchsorted(ev, np.arange(n0 + 1))
    pick = rng.integers(0, n0, len(sec))
    out = []
    for j, k in enumerate(pick):  # one scaled event per interacting secondary
        prod = rows0[starts[k]:starts[k + 1]]
        scale = sec[j, 1] / E_BEAM
        e = prod[:, 1] * scale
        keep = e > E_MIN
        if not keep.any():
            continue
        p = prod[keep, 2:5] * scale
        d = sec[j, 2:5] / np.linalg.norm(sec[j, 2:5])
        p = p @ rotation_to(d[None, :])[0].T
        n = keep.sum()
        out.append(np.column_stack([prod[keep, 0], e[keep], p, np.full(n, weight[j]), np.full(n, z1[j])]))
    return np.vstack(out) if out else np.zeros((0, 7))


def charm_spectra(sel, charm_events: int, seed: int):
    """Charm hadrons of the resampled secondaries (step 4): rows (id, px, py, pz)."""
    beam, energy, direction = sel
    ebin = np.clip(np.searchsorted(E_EDGES, energy) - 1, 0, len(E_EDGES) - 2)
    e_rep = np.sqrt(E_EDGES[:-1] * E_EDGES[1:])
    out = []
    for b in (2212, 211, -211):
        for k in range(len(e_rep)):
            idx = np.flatnonzero((beam == b) & (ebin == k))
            if len(idx) == 0:
                continue
            py = _pythia([f"Beams:idA = {b}", f"Beams:eA = {e_rep[k]}", "HardQCD:hardccbar = on",
                          "Random:setSeed = on", f"Random:seed = {seed + 7 * k + (b % 97)}",
                          *[f"{abs(p)}:mayDecay = off" for p in CHARM if p > 0]])
            rot = rotation_to(direction[idx])
            dy = 0.5 * np.log(energy[idx] / e_rep[k])
            for j in range(len(idx)):
                while not py.next():
                    pass
                for prt in py.event:
                    if prt.isFinal() and prt.id() in CHARM:
                        # boost along z by dy (E, pz) -> rotate to the secondary's direction
                        e, pz = prt.e(), prt.pz()
                        ch, sh = np.cosh(dy[j]), np.sinh(dy[j])
                        p = np.array([prt.px(), prt.py(), pz * ch + e * sh])
                        out.append((prt.id(), *(rot[j] @ p)))
    return np.array(out)


def write_tables(outdir, rows, header):
    """pythia8_cascade_400GeV_Cu_{species}.csv in the binning of charm_spectra.py."""
    sys.path.insert(0, os.path.dirname(__file__))
    from charm_spectra import write_species_tables

    def lines(name, count):
        return [f"{name} momentum spectrum from the hadronic cascade of 400 GeV protons in a thick "
                "copper dump (secondary p, n, pi, K interactions; primary collision excluded)",
                *header, f"{count} {name} in the table; shape only (weights are counts)"]
    write_species_tables(outdir, rows, E_BEAM, "pythia8_cascade_400GeV_Cu_{species}.csv", lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=20_000, help="primary 400 GeV p p events")
    ap.add_argument("--charm-events", type=int, default=40_000, help="secondary c cbar events for the spectra")
    ap.add_argument("--sigma-events", type=int, default=3000, help="events per sigma_cc grid point")
    ap.add_argument("--seed", type=int, default=2021)
    ap.add_argument("--thick", action="store_true", help="secondaries interact with certainty")
    ap.add_argument("--outdir", default="src/hnlreach/data/charm")
    ap.add_argument("--no-tables", action="store_true", help="print R only")
    a = ap.parse_args(argv)
    rng = np.random.default_rng(a.seed)
    t0 = time.perf_counter()

    table = sigma_cc_table(a.sigma_events, a.seed)
    for b, s in table.items():
        print(f"sigma_cc(beam {b}) [ub] at E = {E_GRID.tolist()}: {np.round(s * 1e3, 3).tolist()}", file=sys.stderr)

    # primary events: rows (id, E, px, py, pz, event)
    import pythia8mc  # noqa: F401  (fail early if missing)
    py = _pythia(["Beams:idA = 2212", f"Beams:eA = {E_BEAM}", "SoftQCD:inelastic = on",
                  "Random:setSeed = on", f"Random:seed = {a.seed}"])
    rows0, n0 = [], 0
    for _ in range(a.events):
        if not py.next():
            continue
        for prt in py.event:
            if prt.isFinal() and prt.id() in PROJECTILE and prt.e() > E_MIN:
                rows0.append((prt.id(), prt.e(), prt.px(), prt.py(), prt.pz(), n0))
        n0 += 1
    rows0 = np.array(rows0)
    print(f"{n0} primary events, {len(rows0) / n0:.2f} secondaries > {E_MIN:g} GeV per event "
          f"({time.perf_counter() - t0:.0f} s)", file=sys.stderr)

    # generation 1: the primary interacts at z0 ~ Exp(lambda_p) (P_int(1 m) = 0.9985, counted as 1)
    z0 = -LAMBDA_M["p"] * np.log1p(-rng.random(len(rows0)) * (1 - np.exp(-L_TARGET_M / LAMBDA_M["p"])))
    pid1 = rows0[:, 0].astype(int)
    p_int1, lam1, z1 = interaction(pid1, rows0[:, 1], rows0[:, 4], z0, rng, a.thick)
    w1 = np.full(len(rows0), 1.0 / n0)  # per primary interaction
    c1, beam1 = charm_weights(pid1, rows0[:, 1], p_int1, lam1, table)
    r1 = float(np.sum(w1 * c1))

    # generation 2 (Feynman-scaled), weight = parent weight x P_int(parent)
    sec = rows0[:, :5]
    g2 = second_generation(sec, w1 * p_int1, z1, rows0, n0, rng)
    pid2 = g2[:, 0].astype(int)
    p_int2, lam2, _ = interaction(pid2, g2[:, 1], g2[:, 4], g2[:, 6], rng, a.thick)
    c2, beam2 = charm_weights(pid2, g2[:, 1], p_int2, lam2, table)
    r2 = float(np.sum(g2[:, 5] * c2))
    R = r1 + r2
    kinds = {}
    for cls in ("p", "pi", "K"):
        m1 = np.array([PROJECTILE[i][1] == cls for i in pid1])
        kinds[cls] = float(np.sum((w1 * c1)[m1]))
    summary = (f"R = cascade/primary charm = {R:.3f} (generation 1: {r1:.3f} [p,n: {kinds['p']:.3f}, "
               f"pi: {kinds['pi']:.3f}, K: {kinds['K']:.3f}], generation 2: {r2:.3f}); "
               f"{'interaction certain' if a.thick else f'interaction in the remaining {L_TARGET_M:g} m Cu'}")
    print(summary, file=sys.stderr)
    if a.no_tables:
        return

    # charm spectra: resample secondaries of both generations by charm weight
    wt = np.concatenate([w1 * c1, g2[:, 5] * c2])
    beam = np.concatenate([beam1, beam2])
    energy = np.concatenate([rows0[:, 1], g2[:, 1]])
    mom = np.concatenate([rows0[:, 2:5], g2[:, 2:5]])
    pick = rng.choice(len(wt), size=a.charm_events, p=wt / wt.sum())
    direction = mom[pick] / np.linalg.norm(mom[pick], axis=1)[:, None]
    rows = charm_spectra((beam[pick], energy[pick], direction), a.charm_events, a.seed)
    mean_e = float(np.sum(wt * energy) / wt.sum())
    header = [
        f"generated by scripts/generate/charm_cascade.py: {n0} primary p p events (SoftQCD:inelastic, 400 GeV, "
        f"PYTHIA 8, arXiv:2203.11601), {a.charm_events} secondary c cbar events (HardQCD:hardccbar), seed {a.seed}",
        summary,
        f"charm-weighted mean energy of the charm-producing secondaries: {mean_e:.0f} GeV; "
        f"lambda_I(Cu) p/pi/K = {LAMBDA_M['p']:.3f}/{LAMBDA_M['pi']:.3f}/{LAMBDA_M['K']:.3f} m",
        "yields: chi_cc R/(1+R) f(c -> D) per POT in the presets (Boiarska et al. arXiv:2107.14685 eq. A2: chi_cc = 4e-3 thick target)",
    ]
    write_tables(a.outdir, rows, header)
    print(f"done in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
