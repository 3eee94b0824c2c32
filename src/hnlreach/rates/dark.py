"""Dark-sector models (hnlreach.models.DarkSector) in the engine: rates, reweightable samples, limits.

Upscattering nu A -> N_j A through the model's full amplitude (rates.dark_upscattering, every flux whose
flavour couples to N_j, in every material along the line of sight: rates.engine.upscattering_hnls), then
the decay of N_j in the fiducial volumes with the model's total width (physics.dark_decays: every channel),
signal = the model's channels that give the preset's signal final states, with the preset's selection
and efficiency.

Signal channels.  A model channel is mapped to the preset's channel vocabulary by its visible final state
(``decay_table``): N_j -> a l+ l- (off-shell Z'/h'/gamma*), N_j -> a Z'(-> l+ l-), N_j -> a h'(-> l+ l-) and
N -> nu l+ l- by mass mixing all give ``N -> nu l+ l-`` (a = nu_alpha or a lighter N_i, both unseen),
N_j -> a gamma gives ``N -> nu gamma``, other mass-mixing channels keep their names (``N -> nu pi0``, ...).
Z' -> neutral-lepton pairs are invisible (in the total width only).

Decay kinematics (``DarkHNL.sample_decays``): polarised, from physics.dark_decay_sampling.sample_dark_decay
(the amplitudes of the widths, for the N_j spin state): each upscattered N_j decays with the helicity it was
produced with (``upscattered_polarisation``: CM helicity -> lab longitudinal polarisation), and a cascade's
N_i with the daughter helicity of the N_j decay (``cascade_products``).  Selections on decay-product
energies and angles therefore see the polarised distributions; a kinematics-blind selection gets the same
rate as unpolarised decays (widths do not depend on the spin).  The sampler's grid-correction weights
(mean 1) multiply the selection (rates.selection.acceptance).

Factorisation (``coupling_scaling``).  At fixed masses every amplitude is a product of couplings, so for one
model parameter y (the contour's y-axis; or several, 'Umu4,UD4', scaled together at fixed ratios, y the first) the rate and each partial width are monomials in y when y enters
every contributing amplitude with the same power: sigma(y) = sigma(y0) (y/y0)^a and Gamma_c(y) =
Gamma_c(y0) (y/y0)^(b_c).  The exponents are measured from the model itself (cross sections per flavour,
nu / nu-bar, component and helicity, and every partial width, at y0, 2 y0 and y0 / 3) and each must be the
same monomial at both points (relative 1e-3, SCALING_RTOL); otherwise the factorisation does not hold for y (e.g. y = m_Z',
or y = epsilon when Z and Z' exchange interfere) and HNLInputError says so.  Then, for one weighted sample
at y0,

    N(y) = (y/y0)^a sum_i w_i sum_k acc_ik (y/y0)^(b_k) Gamma_k(y0) / Gamma(y) x P_i(Gamma(y)),
    Gamma(y) = sum_k Gamma_k(y0) (y/y0)^(b_k)

(k: groups of channels with the same exponent; acc_ik: branching ratio at y0 x selection x efficiency of
the visible channels of group k for entry i; P_i the decay probability in its fiducial segment).
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics.kinematics import as_generator
from hnlreach.rates.engine import ReweightableSample, segment_decay_probability

N_PDG = {4: 9900012, 5: 9900014, 6: 9900016}  # N4, N5, N6 (PYTHIA 8's nu_R ids)
NU_PDG = {"nu_e": 12, "nu_mu": 14, "nu_tau": 16}
MASS_PARAMETERS = ("m4", "m5", "m6", "mzprime", "mhprime")
_LEPTONS = ("e", "mu", "tau")


# --- model parameters ---------------------------------------------------------------------------
def _pair_key(name: str, prefix: str):
    rest = name[len(prefix):]
    if len(rest) < 2 or rest[-1] not in "456":
        return None
    a = rest[:-1]
    return (a, int(rest[-1])) if a in _LEPTONS + ("4", "5", "6") else None


def _locate(name: str):
    """(where, key) of a model parameter: ('field', attr) | ('U'|'mu_tr'|'s', (a, j)) | ('UD', j)."""
    if name in ("gD", "epsilon", "epsilonZ", "theta") + MASS_PARAMETERS:
        return "field", name
    if name.startswith("UD") and name[2:] in ("4", "5", "6"):
        return "UD", int(name[2:])
    for prefix, what in (("mu_tr_", "mu_tr"), ("s_", "s"), ("U", "U")):
        if name.startswith(prefix):
            key = _pair_key(name, prefix)
            if key is not None and (what != "U" or key[0] in _LEPTONS):
                return what, key
    raise HNLInputError(f"unknown model parameter {name!r}: use a DarkNews name such as Umu4, UD4, gD, epsilon, "
                        f"mu_tr_mu4, s_mu4, epsilonZ, theta, or a mass {', '.join(MASS_PARAMETERS)}")


def get_parameter(model, name: str) -> float:
    """Value of a model parameter by its DarkNews name (0 if unset)."""
    where, key = _locate(name)
    if where == "field":
        v = getattr(model, key)
        return float("nan") if v is None else float(v)
    return float(getattr(model, where).get(key, 0.0))


def darknews_names(model) -> dict:
    """The model's parameters under DarkNews's names (for sidecars and event metadata)."""
    out = {k: getattr(model, k) for k in ("m4", "m5", "m6", "mzprime", "mhprime", "epsilon", "gD", "epsilonZ",
                                         "theta") if getattr(model, k) is not None}
    out["HNLtype"] = model.nature
    out.update({f"U{a}{j}": v for (a, j), v in model.U.items()})
    out.update({f"UD{j}": v for j, v in model.UD.items()})
    out.update({f"mu_tr_{a}{j}": v for (a, j), v in model.mu_tr.items()})
    out.update({f"s_{a}{j}": v for (a, j), v in model.s.items()})
    out.update(dict(model.generic))
    return out


def coupling_names(parameter: str) -> list[str]:
    """The parameters of a coupling axis 'A' or 'A,B,...' (B, ... scaled with A: fixed ratios B/A); checked."""
    names = [x.strip() for x in str(parameter).split(",") if x.strip()]
    if not names or len(set(names)) != len(names):
        raise HNLInputError(f"coupling parameter {parameter!r}: give a name or distinct names A,B (B/A fixed)")
    for x in names:
        if _locate(x)[1] in MASS_PARAMETERS:
            raise HNLInputError(f"{x} is a mass: the rate does not factorise in it (the kinematics change); "
                                "scan it as the x-axis (mass parameter) instead")
    return names


def scale_parameters(model, parameter: str, factor: float):
    """A copy of the model with every parameter of the coupling axis multiplied by factor."""
    for x in coupling_names(parameter):
        model = with_parameter(model, x, get_parameter(model, x) * factor)
    return model


def with_parameter(model, name: str, value: float):
    """A copy of the model with one parameter (DarkNews name) set to value."""
    where, key = _locate(name)
    if where == "field":
        return dataclasses.replace(model, **{key: float(value)})
    d = dict(getattr(model, where))
    d[key] = float(value)
    return dataclasses.replace(model, **{where: d})


# --- decays in the preset's channel vocabulary ------------------------------------------------------
@dataclass(frozen=True)
class SubChannel:
    """One model decay channel (or its visible part) of N_j, under the preset's channel name."""

    preset: str | None  # 'N -> nu e+ e-', 'N -> nu gamma', ... (None: invisible)
    model_channel: str  # physics.dark_decays.partial_widths name
    width: float  # [GeV] (x BR(X -> l l) for N -> a X)
    kind: str  # 'three' | 'two' | 'gamma' | 'mixing' | 'invisible'
    daughter: str = ""  # nu_e, nu_mu, nu_tau, N4, N5
    mediator: str = ""  # Z' | h' (kind 'two')
    lepton: str = ""


def _daughter_index(label: str) -> int:
    return {"nu_e": 0, "nu_mu": 1, "nu_tau": 2}.get(label, int(label[1:]) - 1 if label.startswith("N") else -1)


def decay_table(model, j: int = 4) -> list[SubChannel]:
    """Every decay channel of N_j with its width, mapped to the preset vocabulary (module docstring);
    their widths sum to physics.dark_decays.total_width (SubChannel.model_channel groups them back)."""
    from hnlreach.physics import dark_decays as dd

    med = {"Z'": dd.zprime_widths(model), "h'": dd.hprime_widths(model)}
    med_tot = {X: sum(w.values()) for X, w in med.items()}
    out = []
    for name, w in dd.partial_widths(model, j).items():
        rest = name.split("->", 1)[1].strip()
        if rest.endswith("(mixing)"):
            out.append(SubChannel("N -> " + rest[:-len("(mixing)")].strip(), name, w, "mixing"))
            continue
        tok = rest.split()
        label = tok[0]
        if tok[1:] == ["gamma"]:
            out.append(SubChannel("N -> nu gamma", name, w, "gamma", label))
        elif tok[1] in ("Z'", "h'"):
            X = tok[1]
            vis = 0.0
            for ch, wx in med[X].items():
                prods = ch.split("->", 1)[1].split()
                lep = prods[0][:-1]
                if lep in _LEPTONS and prods == [f"{lep}+", f"{lep}-"] and med_tot[X] > 0:
                    br = wx / med_tot[X]
                    out.append(SubChannel(f"N -> nu {lep}+ {lep}-", name, w * br, "two", label, X, lep))
                    vis += br
            if vis < 1.0:
                out.append(SubChannel(None, name, w * (1.0 - vis), "invisible", label, X))
        else:
            lep = tok[1][:-1]
            out.append(SubChannel(f"N -> nu {lep}+ {lep}-", name, w, "three", label, lepton=lep))
    return out


def model_channel_widths(table) -> dict:
    """model channel -> partial width [GeV] from a decay_table."""
    out: dict = {}
    for s in table:
        out[s.model_channel] = out.get(s.model_channel, 0.0) + s.width
    return out


class DarkHNL:
    """N_j of a dark-sector model as the engine's HNL: mass, total width, branching ratios under the
    preset's channel names, decay sampling (``rates.selection.acceptance`` interface)."""

    def __init__(self, model, j: int = 4, subchannels=None):
        self.model, self.j = model, int(j)
        self.mass = float(model.mass(j))
        self.majorana = model.majorana
        self.subchannels = decay_table(model, j) if subchannels is None else list(subchannels)
        self.width = float(sum(s.width for s in self.subchannels))
        pw: dict = {}
        for s in self.subchannels:
            key = s.preset or f"{s.model_channel} (invisible)"
            pw[key] = pw.get(key, 0.0) + s.width
        self.partial_widths = {k: v for k, v in pw.items() if v > 0}
        self.mixing = tuple(model.U.get((f, j), 0.0) ** 2 for f in _LEPTONS)
        self.dipole = (0.0, 0.0, 0.0)
        self._tables: dict = {}

    @property
    def ctau(self) -> float:
        from hnlreach.physics.constants import ctau_m

        return ctau_m(self.width)

    @property
    def branching_ratios(self) -> dict:
        return {k: v / self.width for k, v in self.partial_widths.items()} if self.width > 0 else {}

    # --- kinematics --------------------------------------------------------------------------
    weighted_decays = True  # sample_decays(..., return_weights=True): grid-correction weights (mean 1)

    def sampler_channels(self, s: SubChannel) -> list[str]:
        """The physics.dark_decay_sampling.decay_channels names of a sub-channel (an invisible N -> a X: every
        X decay that is not l+ l-)."""
        if s.kind == "two":
            return [f"{s.model_channel}(-> {s.lepton}+ {s.lepton}-)"]
        if s.kind == "invisible":
            own = [c for c in self.model_widths() if c.startswith(s.model_channel + "(")
                   and not any(c.endswith(f"(-> {x}+ {x}-)") for x in _LEPTONS)]
            return own or [s.model_channel]
        return [s.model_channel]

    def sample_subchannel(self, s: SubChannel, p_N, polarisation, rng):
        """DarkDecays (physics.dark_decay_sampling) of N_j with lab four-momenta p_N (n, 4) into one sub-channel,
        products reordered as the preset channel's (a, l+, l-) where the sampler has (a, l-, l+)."""
        from hnlreach.physics.dark_decay_sampling import sample_dark_decay

        out = sample_dark_decay(self.model, self.j, polarisation, p_N, rng, channels=self.sampler_channels(s))
        if s.kind in ("three", "two"):
            out = dataclasses.replace(out, momenta=out.momenta[:, [0, 2, 1]], pdg=out.pdg[:, [0, 2, 1]])
        return out

    def sample_decays(self, channel: str, n: int, rng=None, momenta=None, polarisation=None, return_weights=False):
        """(pdg ids (k,), p4 (n, k, 4)[, weights (n,)]) of n decays into a preset channel: a model sub-channel
        drawn in proportion to its width, kinematics from physics.dark_decay_sampling.sample_dark_decay for the
        polarisation (None or 0: unpolarised; (n,) or scalar: the N_j longitudinal polarisation along its lab
        momentum, for a Dirac N-bar the CP image's, i.e. minus its own).  weights: the sampler's correction of
        its (q^2, cos) grid to the exact density, mean 1 (the selection multiplies by them)."""
        from hnlreach.physics.dark_decay_sampling import sample_dark_decay
        from hnlreach.physics.decay_sampling import channel_products

        rng = as_generator(rng)
        subs = [s for s in self.subchannels if s.preset == channel and s.width > 0]
        if not subs:
            raise HNLInputError(f"channel {channel!r} is closed or unknown for N{self.j}")
        n = int(n)
        k = len(channel_products(channel))
        if momenta is None:
            p_N = np.zeros((n, 4))
            p_N[:, 0] = self.mass
        else:
            momenta = np.asarray(momenta, dtype=float)
            p_N = np.concatenate([np.sqrt(self.mass ** 2 + np.sum(momenta ** 2, axis=1))[:, None], momenta], axis=1)
        pol = 0.0 if polarisation is None else polarisation
        names = [c for s in subs for c in self.sampler_channels(s)]
        kinds = [s.kind for s in subs for _ in self.sampler_channels(s)]
        out = sample_dark_decay(self.model, self.j, pol, p_N, rng, channels=names)
        p4 = out.momenta[:, :k].copy()
        dark3 = np.array([x in ("three", "two") for x in kinds])[out.channel] if n else np.zeros(0, bool)
        if k == 3:  # sampler order (a, l-, l+) -> the preset's (nu, l+, l-)
            p4[dark3] = out.momenta[dark3][:, [0, 2, 1]]
        w = np.array([s.width for s in subs])
        pdg = self._pdg(subs[int(np.argmax(w))], channel)
        if return_weights:
            br = w.sum() / sum(self.model_widths().values())
            return pdg, p4, out.weights / br
        return pdg, p4

    def model_widths(self) -> dict:
        """physics.dark_decay_sampling.decay_channels of N_j (cached): the sampler's normalisation."""
        if "_dc" not in self._tables:
            from hnlreach.physics.dark_decay_sampling import decay_channels

            self._tables["_dc"] = decay_channels(self.model, self.j)
        return self._tables["_dc"]

    def _pdg(self, sub: SubChannel, channel: str) -> np.ndarray:
        from hnlreach.physics.decay_sampling import channel_products, product_pdgid

        if sub.kind == "mixing":
            from hnlreach.model import HNL

            return HNL(self.mass, mixing=self.mixing, majorana=self.majorana).sample_decays(channel, 0)[0]
        d = NU_PDG.get(sub.daughter) or N_PDG[int(sub.daughter[1:])]
        return np.array([d if p == "nu" else product_pdgid(p) for p in channel_products(channel)], dtype=int)


# --- factorisation in one parameter -----------------------------------------------------------------
SCALING_POINTS = (2.0, 1.0 / 3.0)
SCALING_RTOL = 1e-3  # a monomial to 0.1 %: far below the MC error (e.g. the Z exchange next to a light Z')


@dataclass(frozen=True)
class Scaling:
    """How the rate and the widths of N_j scale with one model parameter y around y0 (coupling_scaling)."""

    parameter: str
    y0: float
    production: float  # sigma ∝ y^production
    widths: dict  # model channel -> exponent b_c (Gamma_c ∝ y^b_c)
    visible: dict  # (model channel, preset channel) -> exponent b of that visible sub-channel's width

    def describe(self, j: int = 4) -> str:
        """One line: 'sigma(nu A -> N4 A) ∝ Umu4^2; Gamma(N4 -> nu_mu Z') ∝ Umu4^2, ...'."""
        names = coupling_names(self.parameter)
        sym = names[0] if len(names) == 1 else "y"

        def pw(b):
            return "const" if b == 0 else f"{sym}^{b:g}"
        parts = [f"sigma(nu A -> N{j} A) ∝ {pw(self.production)}"]
        if len(names) > 1:
            parts.insert(0, f"y = {names[0]} with {', '.join(f'{x}/{names[0]}' for x in names[1:])} fixed")
        parts += [f"Gamma({c}) ∝ {pw(b)}" for c, b in self.widths.items()]
        return "; ".join(parts)


def merge_scalings(a: Scaling, b: Scaling) -> Scaling:
    """The exponents of two Scalings of one HNL (e.g. at both ends of a mass scan: channels open at either)."""
    if a.production != b.production and a.production and b.production:
        raise HNLInputError(f"the cross section scales as {a.parameter}^{a.production:g} at one end of the scan and "
                            f"^{b.production:g} at the other: no single factorisation")
    return Scaling(a.parameter, a.y0, a.production or b.production, {**b.widths, **a.widths}, {**b.visible, **a.visible})


def _monomial(v0, vs, what, parameter):
    """Exponent b with v(l y0) = l^b v(y0) at both SCALING_POINTS, or HNLInputError."""
    if v0 == 0:
        if any(v != 0 for v in vs):
            raise HNLInputError(f"{what} vanishes at the model's {parameter} but not elsewhere: the rate does "
                                f"not factorise in {parameter}")
        return None
    b = math.log(vs[0] / v0) / math.log(SCALING_POINTS[0]) if vs[0] > 0 else float("nan")
    b = round(b * 4) / 4 if abs(b * 4 - round(b * 4)) < 4 * SCALING_RTOL else b
    pred = v0 * SCALING_POINTS[1] ** b
    if not (math.isfinite(b) and abs(vs[1] - pred) <= SCALING_RTOL * abs(pred) + 1e-300):
        raise HNLInputError(
            f"{what} is not a power of {parameter} (x{SCALING_POINTS[0]:g}: x{vs[0] / v0:.6g}, "
            f"x{SCALING_POINTS[1]:.4g}: x{vs[1] / v0:.6g}): the rate does not factorise in {parameter} "
            "(amplitudes with different powers of it interfere, or it is a mass); scan it as the x-axis instead")
    return b


def coupling_scaling(model, parameter: str, j: int = 4, flavours=_LEPTONS) -> Scaling:
    """Measure the exponents of sigma(nu A -> N_j A) and of every partial width of N_j in `parameter`
    (module docstring); HNLInputError if the factorisation does not hold."""
    from hnlreach.physics import upscattering as ups
    from hnlreach.rates.dark_upscattering import couples

    names = coupling_names(parameter)
    for x in names:
        v = get_parameter(model, x)
        if not (math.isfinite(v) and v != 0.0):
            raise HNLInputError(f"the model sets {x} = 0: give it a non-zero reference value in the model file")
    y0 = get_parameter(model, names[0])
    others = [scale_parameters(model, parameter, lam) for lam in SCALING_POINTS]
    m = model.mass(j)
    E = np.array([2.0 * m + 1.0])
    prod = set()
    for fl in flavours:
        if not any(couples(x, fl, j) for x in [model] + others):
            continue
        for anti in (False, True):
            for comp in ("coherent", "proton"):
                for h in (-1, 1):
                    v = [float(ups.model_xsec(E, x, "C12", flavour=fl, hnl=j, component=comp, helicity=h,
                                              antineutrino=anti, n_nodes=16)[0]) for x in [model] + others]
                    b = _monomial(v[0], v[1:], f"sigma(nu_{fl} C12 -> N{j}, {comp}, h = {h:+d})", parameter)
                    if b is not None:
                        prod.add(b)
    if len(prod) > 1:
        raise HNLInputError(f"the cross sections scale with different powers of {parameter} ({sorted(prod)}): "
                            "no single factorisation")
    # no flavour upscatters to N_j (a daughter of a cascade only): production exponent 0, unused
    tabs = [decay_table(x, j) for x in [model] + others]
    pws = [model_channel_widths(t) for t in tabs]
    widths = {c: _monomial(w0, [p.get(c, 0.0) for p in pws[1:]], f"Gamma({c})", parameter)
              for c, w0 in pws[0].items()}
    visible = {}
    for i, s in enumerate(tabs[0]):
        if s.preset is None:
            continue
        b = _monomial(s.width, [t[i].width for t in tabs[1:]], f"Gamma({s.model_channel} -> {s.preset[5:]})", parameter)
        if b is not None:
            visible[(s.model_channel, s.preset)] = b
    return Scaling(parameter, y0, prod.pop() if prod else 0.0, {c: b for c, b in widths.items() if b is not None},
                   visible)


# --- reweightable sample ------------------------------------------------------------------------------
@dataclass
class DarkSample(ReweightableSample):
    """ReweightableSample in one model parameter y (module docstring): ``weight`` per entry at y0;
    ``group_acceptance`` (groups, entries) and the groups' width exponents and fractions of Gamma(y0)."""

    y0: float = 1.0
    width_powers: tuple = ()
    width_fractions: tuple = ()  # Gamma_k(y0) / Gamma(y0), k over width_powers (invisible channels included)
    group_acceptance: np.ndarray | None = None

    def _terms(self, g):
        from hnlreach.physics.constants import HBARC_GEV_M

        r = np.asarray(g, dtype=float) / self.y0
        b = np.array(self.width_powers, dtype=float)
        f = np.array(self.width_fractions, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            rb = np.where(r[:, None] > 0, r[:, None] ** b[None, :], (b[None, :] == 0).astype(float))
            wf = rb @ f  # Gamma(y) / Gamma(y0)
            vis = (rb / np.where(wf > 0, wf, 1.0)[:, None]) @ self.group_acceptance  # (n_g, entries)
            lam0 = self.width1 * self.mass / (self.p * HBARC_GEV_M)
            prod = np.where(r > 0, r ** self.power, 0.0)
            return prod[:, None] * self.weight[None, :] * vis * segment_decay_probability(
                wf[:, None] * lam0[None, :], self.l1, self.l2)

    def n(self, g):
        return self._reduce(g, lambda t: t.sum(axis=1))

    @property
    def stats(self) -> dict:
        out = super().stats
        out.update({"parameter_reference": float(self.y0), "width_powers": [float(b) for b in self.width_powers]})
        return out

    @classmethod
    def merge(cls, samples):
        s0 = samples[0]
        base = ReweightableSample.merge([ReweightableSample(s.mass, s.width1, s.power, s.weight, s.p, s.l1, s.l2,
                                                           s.acceptance, s.n_generated, s.info, s.hnl_index)
                                         for s in samples])
        return cls(base.mass, base.width1, base.power, base.weight, base.p, base.l1, base.l2, base.acceptance,
                   base.n_generated, base.info, base.hnl_index, s0.y0, s0.width_powers, s0.width_fractions,
                   np.concatenate([s.group_acceptance for s in samples], axis=1))


def rates_couples(model, flavour: str, j: int) -> bool:
    """Whether nu_flavour upscatters to N_j (rates.dark_upscattering.couples)."""
    from hnlreach.rates.dark_upscattering import couples

    return couples(model, flavour, j)


def fluxes_for(experiment, model, j: int) -> list:
    """The experiment's fluxes whose flavour couples to N_j (HNLInputError if none)."""
    from hnlreach.rates.dark_upscattering import couples

    out = [f for f in experiment.fluxes if couples(model, f.flavour, j)]
    if not out:
        raise HNLInputError(f"no neutrino flux of experiment {experiment.name} upscatters to N{j} in this model "
                            "(no Z', Z, h' or dipole vertex between its flavours and N{j})".replace("N{j}", f"N{j}"))
    return out


def model_hnls(experiment, model, j: int, n_hnl: int, rng, margin_m=None):
    """Weighted N_j from every coupled flux: (weights, points, p4, [(flux, history, size)]), n_hnl split by
    flux integral x cross section at the flux's mean energy (engine._allocate)."""
    from hnlreach.rates import engine
    from hnlreach.rates.dark_upscattering import N_ENERGY_GRID, ModelUpscattering

    fluxes = fluxes_for(experiment, model, j)
    ups_by = [ModelUpscattering(model, j, f.flavour, f.antineutrino) for f in fluxes]
    alloc = engine._allocate(int(n_hnl), np.array([engine._flux_integral(f) for f in fluxes])) \
        if len(fluxes) > 1 else [int(n_hnl)]
    ws, ps, p4s, parts = [], [], [], []
    for f, u, k in zip(fluxes, ups_by, alloc):
        w, pts, p4, info, hist = engine.upscattering_hnls(experiment, model.mass(j), f.flavour, int(k), rng,
                                                          flux_name=f.name, margin_m=margin_m, xsec=u.xsec,
                                                          sampler=u.sampler, n_energy_grid=N_ENERGY_GRID)
        ws.append(w), ps.append(pts), p4s.append(p4), parts.append((f, hist, w.size))
    return np.concatenate(ws), np.concatenate(ps), np.concatenate(p4s), parts


def longitudinal_polarisation(helicity, p4, frame_p4, mass: float) -> np.ndarray:
    """Lab longitudinal polarisation of spin-1/2 particles (mass, lab four-momenta p4 (n, 4)) in helicity states
    `helicity` (n,) defined in the frame F moving with four-momentum frame_p4 (n, 4): the spin four-vector
    s_F = h (|p_F|, E_F p_F/|p_F|) / m boosted to the lab and projected on the lab helicity vector,
    P = h cos(omega), omega the Wigner rotation angle (e.g. Leader, Spin in particle physics, sec. 2.3).  The
    transverse part h sin(omega) is dropped (it leaves energies and angles to the N direction unchanged)."""
    from hnlreach.physics.kinematics import boost_to_lab

    h = np.asarray(helicity, dtype=float)
    p4 = np.asarray(p4, dtype=float)
    frame_p4 = np.asarray(frame_p4, dtype=float)
    inv = frame_p4 * np.array([1.0, -1.0, -1.0, -1.0])
    pf = boost_to_lab(p4, inv)  # in F
    rf = np.linalg.norm(pf[:, 1:], axis=1)
    rl = np.linalg.norm(p4[:, 1:], axis=1)
    ok = (rf > 0) & (rl > 0)
    sf = np.concatenate([rf[:, None], pf[:, :1] * pf[:, 1:] / np.where(ok, rf, 1.0)[:, None]], axis=1) / mass
    sl = boost_to_lab(sf, frame_p4)
    hl = np.concatenate([rl[:, None], p4[:, :1] * p4[:, 1:] / np.where(ok, rl, 1.0)[:, None]], axis=1) / mass
    cos_w = np.sum(sl[:, 1:] * hl[:, 1:], axis=1) - sl[:, 0] * hl[:, 0]
    return np.where(ok, h * np.clip(cos_w, -1.0, 1.0), h)


def upscattered_polarisation(model, j: int, p4, parts) -> np.ndarray:
    """Per upscattered N_j (model_hnls order): the polarisation its decays are sampled with
    (DarkHNL.sample_decays).  The helicity h = +-1 of the upscattering is defined in the nu-target CM frame
    (physics.upscattering), moved to the lab by longitudinal_polarisation with the CM four-momentum
    (E_nu + M, E_nu n_beam) (M: the nucleus for coherent, the nucleon for elastic scattering); for a Dirac N-bar
    (from a nu-bar) the CP image's, minus its own (physics.dark_decay_sampling, anti)."""
    from hnlreach.physics import upscattering as ups
    from hnlreach.physics.nuclei import nucleus

    out = []
    p4 = np.asarray(p4, dtype=float)
    off = 0
    for f, hist, size in parts:
        h = np.asarray(hist.get("helicity", np.zeros(size)), dtype=float)
        if size == 0:
            continue
        E = np.asarray(hist["E_nu"], dtype=float)
        M = np.zeros(size)
        for i_n, nuc in enumerate(hist["nuclei"]):
            for i_c, comp in enumerate(ups.COMPONENTS):
                sel = (hist["nucleus"] == i_n) & (hist["component"] == i_c)
                if sel.any():
                    M[sel] = ups.target_mass(nucleus(nuc), comp)
        frame = np.concatenate([(E + M)[:, None], E[:, None] * np.asarray(hist["direction"])[None, :]], axis=1)
        pol = longitudinal_polarisation(h, p4[off:off + size], frame, model.mass(j))
        pol = np.where(M > 0, pol, h)
        if f.antineutrino and not model.majorana:
            pol = -pol
        out.append(pol)
        off += size
    return np.concatenate(out) if out else np.zeros(0)


def _groups(hnl: DarkHNL, scaling: Scaling | None):
    """Width groups: exponents (tuple), fractions of Gamma(y0), and each preset channel's group."""
    if scaling is None:
        return (0.0,), (1.0,), {}
    w_by = {}
    for c, w in model_channel_widths(hnl.subchannels).items():
        b = scaling.widths[c]
        w_by[b] = w_by.get(b, 0.0) + w
    powers = tuple(sorted(w_by))
    tot = sum(w_by.values())
    return powers, tuple(w_by[b] / tot for b in powers), scaling.visible


def _covers(scaling: Scaling, hnl: DarkHNL) -> bool:
    """Whether a Scaling measured at another mass knows every channel of this HNL."""
    return all(s.model_channel in scaling.widths and (s.preset is None or (s.model_channel, s.preset) in scaling.visible)
               for s in hnl.subchannels if s.width > 0)


def _scaling_for(model, parameter, j, scaling, hnl):
    """The Scaling of N_j: the given one (a dict j -> Scaling, or one for N4) if it knows every channel of this
    HNL at this mass, else measured here."""
    if parameter is None:
        return None
    sc = scaling.get(j) if isinstance(scaling, dict) else (scaling if j == 4 else None)
    if sc is None or not _covers(sc, hnl):
        sc = coupling_scaling(model, parameter, j)  # channels opened at this mass: measure here
    return sc


def _acceptance_groups(experiment, model, j, hnl, scaling, p4, points, rng, pol=None):
    """(width powers, fractions, acceptance (groups, entries)) of the visible decays of N_j at points, decaying
    with polarisations pol (upscattered_polarisation; None: unpolarised)."""
    from hnlreach.rates import engine
    from hnlreach.rates.selection import acceptance

    powers, fracs, vis_power = _groups(hnl, scaling)
    chans = engine.signal_channels(experiment, hnl)
    acc = np.zeros((len(powers), p4.shape[0]))
    for k, b in enumerate(powers):  # each group's visible sub-channels, with their own kinematics
        subs = [x for x in hnl.subchannels if x.preset in chans and x.width > 0
                and vis_power.get((x.model_channel, x.preset), 0.0) == b]
        if subs and p4.shape[0]:
            part = DarkHNL(model, j, subs)
            brs = {c: w / hnl.width for c, w in part.partial_widths.items()}
            acc[k] = acceptance(experiment, part, brs, p4, points, rng, polarisation=pol)
    return powers, fracs, acc


def _direct(experiment, model, j, hnl, scaling, w, pts, p4, rng, strata, n_hnl, info, pol=None) -> DarkSample:
    """DarkSample of the visible decays of N_j (weights w, from pts, p4, polarisations pol) in the fiducial
    volumes."""
    from hnlreach.rates import engine

    y0 = scaling.y0 if scaling else 1.0
    a = scaling.production if scaling else 0.0
    idx, l1, l2, points = engine._entries(experiment, w, pts, p4, strata, rng)
    powers, fracs, acc = _acceptance_groups(experiment, model, j, hnl, scaling, p4[idx], points, rng,
                                            None if pol is None else pol[idx])
    tot = acc.sum(axis=0)
    keep = np.nonzero(tot > 0)[0]
    keep = keep[np.argsort(idx[keep], kind="stable")]
    return DarkSample(hnl.mass, hnl.width, a, w[idx][keep], np.linalg.norm(p4[idx, 1:], axis=1)[keep], l1[keep],
                      l2[keep], tot[keep], int(n_hnl), info, idx[keep], y0, powers, fracs, acc[:, keep])


def dark_sample(experiment, model, *, parameter: str | None = None, j: int = 4, n_hnl: int = 20_000, rng=None,
                strata: int | None = None, scaling=None) -> DarkSample:
    """One weighted sample of the visible decays of N_j (upscattered here) in the fiducial volumes,
    reweightable in `parameter` (None: at the model point only, g = y0 = 1 formally).  For models with
    several HNLs use model_sample (it adds the cascades)."""
    rng = as_generator(rng)
    hnl = DarkHNL(model, j)
    scaling = _scaling_for(model, parameter, j, scaling, hnl)
    strata = experiment.signal.strata if strata is None else strata
    w, pts, p4, parts = model_hnls(experiment, model, j, n_hnl, rng)
    info = {"mass": hnl.mass, "hnl": f"N{j}", "fluxes": [f.name for f, _, _ in parts], "n_hnl": int(n_hnl)}
    pol = upscattered_polarisation(model, j, p4, parts)
    live = np.flatnonzero((w > 0) & np.any(p4[:, 1:] != 0, axis=1))
    return _direct(experiment, model, j, hnl, scaling, w[live], pts[live], p4[live], rng, strata, n_hnl, info,
                   pol[live])


# --- cascades N_j -> N_i X -> visible, reweightable ------------------------------------------------------
@dataclass
class CascadeSample:
    """N_j -> N_i X, then N_i -> visible in a fiducial volume (rates.dark_events docstring), reweightable in y.

    Per entry: the N_j decay distance s was drawn from q(s) = 1/2 uniform on [0, end] + 1/2 the exponential
    law of N_j at y0 truncated to [0, end] (``q``); at y the entry carries
    (y/y0)^a w x lambda_j(y) exp(-lambda_j(y) s) / q(s) x Gamma_c(y) / (pi_c Gamma_j(y)) x P_i(y) x vis_i(y),
    c the N_j -> N_i sub-channel drawn with probability pi_c (Gamma_c(y0) / sum), lambda = 1 / decay length,
    P_i the N_i decay probability in its fiducial segment and vis_i its visible fraction x selection
    (groups as DarkSample).  Entries whose N_j decay is itself visible inside a fiducial volume are left out
    (they are the direct events)."""

    y0: float
    power: float  # production exponent a of N_j
    weight: np.ndarray
    lam_j0: np.ndarray  # 1/decay length of N_j at y0 [1/m]
    s: np.ndarray
    q: np.ndarray
    j_powers: tuple
    j_fracs: tuple
    chan_power: np.ndarray  # exponent of the drawn sub-channel's width
    casc_frac0: float  # sum_c Gamma_c(y0) / Gamma_j(y0) over the cascade sub-channels
    lam_i0: np.ndarray
    l1: np.ndarray
    l2: np.ndarray
    i_powers: tuple
    i_fracs: tuple
    group_acceptance: np.ndarray
    hnl_index: np.ndarray
    n_generated: int = 0
    info: dict = field(default_factory=dict)

    def _terms(self, g):
        r = np.asarray(g, dtype=float) / self.y0

        def wf(powers, fracs):
            b = np.array(powers, dtype=float)
            rb = np.where(r[:, None] > 0, np.abs(r[:, None]) ** b[None, :], (b[None, :] == 0).astype(float))
            return rb, rb @ np.array(fracs, dtype=float)

        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            _, wj = wf(self.j_powers, self.j_fracs)
            lam_j = wj[:, None] * self.lam_j0[None, :]
            dens = lam_j * np.exp(-lam_j * self.s[None, :]) / self.q[None, :]
            brc = r[:, None] ** self.chan_power[None, :] * self.casc_frac0 / wj[:, None]
            rb_i, wi = wf(self.i_powers, self.i_fracs)
            vis = (rb_i / np.where(wi > 0, wi, 1.0)[:, None]) @ self.group_acceptance
            p_i = segment_decay_probability(wi[:, None] * self.lam_i0[None, :], self.l1, self.l2)
            out = (r ** self.power)[:, None] * self.weight[None, :] * dens * brc * vis * p_i
        return np.where(np.isfinite(out), out, 0.0)

    def _reduce(self, g, fn):
        return ReweightableSample._reduce(self, g, fn)

    @property
    def p(self):  # entries, for ReweightableSample._reduce's chunking
        return self.weight

    def n(self, g):
        return self._reduce(g, lambda t: t.sum(axis=1))


def cascade_products(top: DarkHNL, subs: list, p4, pol, rng):
    """Decays N_j -> N_i X of entries with lab four-momenta p4 (n, 4), polarisations pol (n,), each into its
    sub-channel subs[e]: (products (n, 3, 4) lab, N_i first, then as the preset channel; pdg (n, 3); the N_i
    polarisation for its own decay).  The sampler gives the N_i helicity in the N_j rest frame; it is moved to
    the lab by longitudinal_polarisation (the Wigner rotation of the N_j-rest -> lab boost; its transverse part
    dropped)."""
    n = len(subs)
    prods = np.zeros((n, 3, 4))
    pdg = np.zeros((n, 3), dtype=int)
    hel = np.zeros(n)
    for s in {id(x): x for x in subs}.values():
        m = np.fromiter((x is s for x in subs), bool, n)
        if m.any():
            out = top.sample_subchannel(s, p4[m], pol[m], rng)
            prods[m], pdg[m], hel[m] = out.momenta, out.pdg, out.daughter_helicity
    child_mass = np.array([top.model.mass(int(x.daughter[1:])) for x in subs]) if n else np.zeros(0)
    pol_i = np.zeros(n)
    for mi in np.unique(child_mass):
        m = child_mass == mi
        pol_i[m] = longitudinal_polarisation(hel[m], prods[m, 0], p4[m], float(mi))
    return prods, pdg, pol_i


def _cascades(experiment, model, j, top, scaling_j, w, pts, p4, rng, parameter, scaling, pol=None):
    """CascadeSample of N_j -> N_i X -> visible (one per daughter N_i), or [] if N_j has no such channel; N_j
    decays with polarisations pol, N_i with the daughter helicity of that decay (cascade_products)."""
    from hnlreach.rates import engine
    from hnlreach.rates.dark_events import _far_end, _lam

    subs = [x for x in top.subchannels if x.daughter.startswith("N") and x.width > 0]
    if not subs or not w.size:
        return []
    y0 = scaling_j.y0 if scaling_j else 1.0
    pn = np.linalg.norm(p4[:, 1:], axis=1)
    dirs = p4[:, 1:] / pn[:, None]
    end = _far_end(experiment, pts, dirs)
    live = np.nonzero(end > 0)[0]
    lam0 = _lam(top, p4[live])
    u = rng.uniform(size=live.size)
    half = rng.uniform(size=live.size) < 0.5
    s_exp = engine.sample_decay_distance(lam0, np.zeros(live.size), end[live], u)
    s = np.where(half, u * end[live], s_exp)
    p_end = -np.expm1(-lam0 * end[live])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        q_exp = np.where(p_end > 0, lam0 * np.exp(-lam0 * s) / p_end, 1.0 / end[live])
    q = 0.5 / end[live] + 0.5 * q_exp
    widths = np.array([x.width for x in subs])
    pick = rng.choice(len(subs), size=live.size, p=widths / widths.sum())
    vertex = pts[live] + dirs[live] * s[:, None]
    inside = np.zeros(live.size, dtype=bool)
    for idx, l1, l2 in engine.fiducial_intervals(experiment, pts[live], dirs[live]):
        inside[idx] |= (s[idx] >= l1) & (s[idx] < l2)
    chans = engine.signal_channels(experiment, top)
    _, _, vis_j = _groups(top, scaling_j)
    out = []
    for i_hnl in sorted({int(x.daughter[1:]) for x in subs}):
        child = DarkHNL(model, i_hnl)
        sc_i = _scaling_for(model, parameter, i_hnl, scaling, child)
        ks = [k for k, x in enumerate(subs) if int(x.daughter[1:]) == i_hnl]
        sel = np.nonzero(np.isin(pick, ks) & ~(inside & np.isin(pick, [k for k in ks if subs[k].preset in chans])))[0]
        if sel.size == 0:
            continue
        pol_j = np.zeros(p4.shape[0]) if pol is None else pol
        prods, _, pol_i = cascade_products(top, [subs[k] for k in pick[sel]], p4[live[sel]], pol_j[live[sel]], rng)
        p4_i = prods[:, 0]
        idx, l1, l2, points = engine._entries(experiment, np.ones(sel.size), vertex[sel], p4_i, 1, rng)
        powers_i, fracs_i, acc = _acceptance_groups(experiment, model, i_hnl, child, sc_i, p4_i[idx], points, rng,
                                                    pol_i[idx])
        keep = np.nonzero(acc.sum(axis=0) > 0)[0]
        e = sel[idx[keep]]  # index into live
        chan_power = np.array([_sub_power(scaling_j, subs[k]) for k in pick[e]])
        out.append(CascadeSample(
            y0, scaling_j.production if scaling_j else 0.0, w[live[e]], lam0[e], s[e], q[e],
            *_groups(top, scaling_j)[:2], chan_power, float(widths.sum() / top.width),
            _lam(child, p4_i[idx[keep]]), l1[keep], l2[keep], powers_i, fracs_i, acc[:, keep], live[e],
            int(w.size), {"cascade": f"N{j} -> N{i_hnl}"}))
    return out


def _sub_power(scaling, sub) -> float:
    """Width exponent of one N_j sub-channel (its model channel's; visible ones by their own entry)."""
    if scaling is None:
        return 0.0
    return scaling.visible.get((sub.model_channel, sub.preset), scaling.widths.get(sub.model_channel, 0.0))


@dataclass
class SumSample:
    """Sum of reweightable parts (direct decays of every N_j, cascades): n, mc_error (parts independent),
    max_contribution, stats; merge part by part."""

    parts: list

    def n(self, g):
        return sum(p.n(g) for p in self.parts)

    def mc_error(self, g):
        return np.sqrt(sum(p._reduce(g, lambda t: np.sum(t * t, axis=1)) for p in self.parts))

    def max_contribution(self, g):
        return np.max([p._reduce(g, lambda t: t.max(axis=1, initial=0.0)) for p in self.parts], axis=0)

    @property
    def stats(self) -> dict:
        return {"n_entries": int(sum(p.weight.size for p in self.parts)),
                "parts": [p.info.get("hnl") or p.info.get("cascade") for p in self.parts]}

    @classmethod
    def merge(cls, samples):
        out = []
        for parts in zip(*(s.parts for s in samples)):
            if isinstance(parts[0], DarkSample):
                out.append(DarkSample.merge(list(parts)))
            else:
                out.append(dataclasses.replace(parts[0], **{
                    k: np.concatenate([getattr(p, k) for p in parts], axis=-1)
                    for k in ("weight", "lam_j0", "s", "q", "chan_power", "lam_i0", "l1", "l2", "group_acceptance",
                              "hnl_index")}))
        return cls(out)


def model_sample(experiment, model, *, parameter: str | None = None, n_hnl: int = 20_000, rng=None,
                 strata: int | None = None, scaling=None):
    """The reweightable signal of a model: one HNL -> DarkSample; several -> SumSample of the direct decays of
    every upscattered N_j and of the cascades N_j -> N_i -> visible (counted once: rates.dark_events)."""
    rng = as_generator(rng)
    if len(model.masses) == 1:
        return dark_sample(experiment, model, parameter=parameter, n_hnl=n_hnl, rng=rng, strata=strata,
                           scaling=scaling)
    strata = experiment.signal.strata if strata is None else strata
    parts = []
    for j in range(4, 4 + len(model.masses)):
        try:
            fluxes_for(experiment, model, j)
        except HNLInputError:
            continue
        top = DarkHNL(model, j)
        sc = _scaling_for(model, parameter, j, scaling, top)
        w, pts, p4, fl = model_hnls(experiment, model, j, n_hnl, rng)
        pol = upscattered_polarisation(model, j, p4, fl)
        live = np.flatnonzero((w > 0) & np.any(p4[:, 1:] != 0, axis=1))
        w, pts, p4, pol = w[live], pts[live], p4[live], pol[live]
        info = {"mass": top.mass, "hnl": f"N{j}", "fluxes": [f.name for f, _, _ in fl], "n_hnl": int(n_hnl)}
        parts.append(_direct(experiment, model, j, top, sc, w, pts, p4, rng, strata, n_hnl, info, pol))
        parts += _cascades(experiment, model, j, top, sc, w, pts, p4, rng, parameter, scaling, pol)
    if not parts:
        raise HNLInputError(f"no neutrino flux of experiment {experiment.name} upscatters to any HNL of the model")
    return SumSample(parts)


def dark_sample_at(mass: float, rng, *, experiment, model, parameter, mass_parameter="m4", n_hnl=20_000,
                   scaling=None):
    """dark_sample at one value of the mass parameter (top-level and picklable: runs in scan workers)."""
    from hnlreach.api import _experiment, _interned
    from pathlib import Path

    exp = _experiment(str(experiment)) if isinstance(experiment, (str, Path)) else _interned(experiment)
    return model_sample(exp, with_parameter(model, mass_parameter, float(mass)), parameter=parameter,
                        n_hnl=n_hnl, rng=rng, scaling=scaling)
