"""Direct numerical integration (no Monte Carlo) of the toy-dump signal for one two-body
production channel P -> l N, selection off: used to check the engine.

N = POT Y BR_prod BR_vis eff  ∫ dx_F dp_T^2 f(x_F, p_T^2) ∫ dΩ*/4π  P_decay(l1, l2, p)

with the parent azimuth integrated by rotating the whole event: the box acceptance is averaged
over the azimuth of the HNL direction at fixed polar angle, Ā(p, θ), tabulated on a fine
(ln p, θ) grid; Gauss-Legendre in x_F, u = exp(-b p_T^2) and cos θ*, midpoint rule in φ*.
"""
import numpy as np

from hnlreach.physics.constants import HBARC_GEV_M, MASS
from hnlreach.physics.kinematics import boost_to_lab, two_body_momentum


def _gl(n, a, b):
    x, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * (b - a) * x + 0.5 * (b + a), 0.5 * (b - a) * w


def azimuth_averaged_acceptance(box, lam_grid_inv_m, theta, n_phi=96):
    """Ā[i_lambda, i_theta] = <exp(-λ l1) - exp(-λ l2)>_φ for rays from the origin."""
    phi = (np.arange(n_phi) + 0.5) / n_phi * 2 * np.pi
    th, ph = np.meshgrid(theta, phi, indexing="ij")
    d = np.stack([np.sin(th) * np.cos(ph), np.sin(th) * np.sin(ph), np.cos(th)], -1).reshape(-1, 3)
    t_in, t_out = box.intersect(np.zeros_like(d), d)
    hit = t_out > np.maximum(t_in, 0)
    l1 = np.where(hit, np.maximum(t_in, 0), 0.0).reshape(th.shape)
    l2 = np.where(hit, t_out, 0.0).reshape(th.shape)
    out = np.empty((lam_grid_inv_m.size, theta.size))
    for i, lam in enumerate(lam_grid_inv_m):
        out[i] = np.mean(np.exp(-lam * l1) - np.exp(-lam * l2), axis=1)
    return out


def toy_quadrature(spectrum, parent, lepton, mass, width, box, n_xf=64, n_u=32, n_cos=64, n_phi=48):
    """∫ f ∫ dΩ*/4π P_decay for HNLs of total width `width` [GeV] (per parent)."""
    # tabulate Ā(p, θ)
    theta_max = np.arctan(np.hypot(*(0.5 * box.size[:2])) / (box.center[2] - 0.5 * box.size[2])) * 1.01
    theta = np.linspace(0.0, theta_max, 1201)
    p_grid = np.geomspace(0.05, 500.0, 241)
    lam = width * mass / (p_grid * HBARC_GEV_M)
    abar = azimuth_averaged_acceptance(box, lam, theta)

    # quadrature nodes
    xs_a, ws_a = _gl(n_xf // 2, -1.0, 0.0)
    xs_b, ws_b = _gl(n_xf // 2, 0.0, 1.0)
    xf, wxf = np.concatenate([xs_a, xs_b]), np.concatenate([ws_a, ws_b])
    u, wu = _gl(n_u, 0.0, 1.0)
    pt2 = -np.log(u) / spectrum.b
    cs, wcs = _gl(n_cos, -1.0, 1.0)
    ph = (np.arange(n_phi) + 0.5) / n_phi * 2 * np.pi
    # density: f dx_F dp_T^2 = 0.5 (n+1) (1-|x|)^n dx_F du
    wx = wxf * 0.5 * (spectrum.n + 1) * (1 - np.abs(xf)) ** spectrum.n
    parents = spectrum.to_lab(xf[:, None], pt2[None, :], 0.0)  # (n_xf, n_u, 4)
    pstar = float(two_body_momentum(MASS[parent], MASS[lepton], mass))
    C, P = np.meshgrid(cs, ph, indexing="ij")
    S = np.sqrt(1 - C * C)
    rest = np.zeros(C.shape + (4,))
    rest[..., 0] = np.sqrt(pstar ** 2 + mass ** 2)
    rest[..., 1], rest[..., 2], rest[..., 3] = pstar * S * np.cos(P), pstar * S * np.sin(P), pstar * C
    w_ang = (wcs[:, None] * np.full(n_phi, 2 * np.pi / n_phi)[None, :]) / (4 * np.pi)
    total = 0.0
    lp = np.log(p_grid)
    for i in range(xf.size):
        for j in range(u.size):
            lab = boost_to_lab(rest.reshape(-1, 4), np.broadcast_to(parents[i, j], (rest[..., 0].size, 4)))
            p = np.linalg.norm(lab[:, 1:], axis=1)
            th = np.arccos(np.clip(lab[:, 3] / p, -1, 1))
            # bilinear interpolation of Ā in (ln p, θ)
            fp = np.clip(np.interp(np.log(p), lp, np.arange(lp.size)), 0, lp.size - 1.000001)
            ft = np.interp(th, theta, np.arange(theta.size), right=theta.size - 1.0)
            ip, it = fp.astype(int), np.minimum(ft.astype(int), theta.size - 2)
            dp, dt = fp - ip, np.clip(ft - it, 0.0, 1.0)
            a = (abar[ip, it] * (1 - dp) * (1 - dt) + abar[ip + 1, it] * dp * (1 - dt)
                 + abar[ip, it + 1] * (1 - dp) * dt + abar[ip + 1, it + 1] * dp * dt)
            a = np.where(th > theta_max, 0.0, a)
            total += wx[i] * wu[j] * np.sum(a * w_ang.ravel())
    return total
