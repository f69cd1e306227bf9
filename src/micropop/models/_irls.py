"""Iteratively reweighted least squares, as R's ``glm.fit`` (run to full convergence).

Each step solves the weighted least squares of the working response on the
model matrix by the corrected semi-normal equations (Cholesky of the scaled
normal equations, refined on the residuals, so that the squared condition
number of the normal equations costs no digits); the deviance is halved back
(R's step-halving) when a step leaves the family's domain. The fit stops when
the relative change of the deviance and of the coefficients is below ``tol``.

Examples
--------
>>> import numpy as np
>>> from micropop.models._families import family_spec
>>> X = np.column_stack([np.ones(4), [0.0, 1.0, 2.0, 3.0]])
>>> fit = irls(X, np.array([1.0, 3.0, 5.0, 7.0]), np.ones(4), family_spec("gaussian"))
>>> fit.params.round(10).tolist(), fit.converged
([1.0, 2.0], True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from micropop.models._families import FamilySpec

__all__ = ["IRLSFit", "aliased_columns", "deviance", "irls", "moving_coefficients"]

#: A column is aliased when its weighted residual on the columns before it is
#: below this fraction of its norm (R's ``glm.fit`` uses 1e-7 in its QR).
RANK_TOL = 1e-7
#: Columns whose squared relative residual in the Gram matrix is below this are
#: checked by the QR (exact but slower); others cannot be aliased.
GRAM_SCREEN = 1e-9


@dataclass(frozen=True)
class IRLSFit:
    """The converged fit: coefficients, and what the variance needs at them."""

    params: np.ndarray
    eta: np.ndarray
    mu: np.ndarray
    working_weights: np.ndarray  # prior weight * (dmu/deta)**2 / V(mu)
    working_resid: np.ndarray  # (y - mu) * deta/dmu
    bread: np.ndarray  # (X' W X)^-1, R's cov.unscaled
    iterations: int
    converged: bool
    history: tuple[np.ndarray, ...]  # the coefficients of the last iterations


def aliased_columns(X: np.ndarray, weights: np.ndarray) -> list[int]:
    """Columns of ``X`` in the span of the columns before them (weighted), as R's pivoting.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.column_stack([np.ones(3), [1.0, 2.0, 3.0], [2.0, 4.0, 6.0]])
    >>> aliased_columns(X, np.ones(3))
    [2]
    """
    gram = X.T @ (weights[:, None] * X)
    if _gram_pivots(gram).min(initial=1.0) > GRAM_SCREEN:
        return []  # no column anywhere near the span of those before it
    root = np.sqrt(weights)[:, None] * X
    norms = np.linalg.norm(root, axis=0)
    # unpivoted QR: |R_jj| is the norm of column j's residual on the columns before it
    residual = np.abs(np.diag(np.linalg.qr(root, mode="r")))
    return [int(j) for j in np.flatnonzero((norms == 0) | (residual <= RANK_TOL * norms))]


def moving_coefficients(history: tuple[np.ndarray, ...], params: np.ndarray,
                        names: list[str]) -> str:
    """The coefficients still moving over the last iterations, named with their values.

    Those that changed by more than 1e-6 (relative) over ``history``; the
    largest one when none did. For the message of a fit that did not converge.

    Examples
    --------
    >>> import numpy as np
    >>> moving_coefficients((np.array([0.0, 5.0]), np.array([0.0, 9.0])), np.array([0.0, 9.0]),
    ...                     ["a", "b"])
    "'b' (9)"
    """
    steps = np.array(history) if history else np.array([params])
    moving = np.abs(steps[-1] - steps[0]) > 1e-6 * (1 + np.abs(steps[-1]))
    if not moving.any():
        moving = np.abs(params) == np.max(np.abs(params))
    return ", ".join(f"{names[j]!r} ({params[j]:.4g})" for j in np.flatnonzero(moving))


def _gram_pivots(gram: np.ndarray) -> np.ndarray:
    """Squared residual norm of each column on those before it, over its squared norm.

    From the Gram matrix scaled to a unit diagonal (the pivots of its
    Cholesky factorisation, in column order); a zero column gives 0.
    """
    diag = np.diag(gram).copy()
    p = len(diag)
    pivots = np.zeros(p)
    scale = np.where(diag > 0, 1 / np.sqrt(np.where(diag > 0, diag, 1.0)), 0.0)
    g = gram * scale[:, None] * scale[None, :]
    low = np.zeros((p, p))
    for j in range(p):
        d = g[j, j] - low[j, :j] @ low[j, :j]
        pivots[j] = d if diag[j] > 0 else 0.0
        if d > GRAM_SCREEN:
            low[j, j] = np.sqrt(d)
            low[j + 1:, j] = (g[j + 1:, j] - low[j + 1:, :j] @ low[j, :j]) / low[j, j]
    return pivots


def _wls(X: np.ndarray, z: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The weighted least squares coefficients of ``z`` on ``X`` and ``(X' W X)^-1``.

    The normal equations, scaled to a unit diagonal and solved by Cholesky,
    then refined twice on the residuals (the corrected semi-normal
    equations: as accurate as a QR decomposition of ``sqrt(w) X`` for the
    conditioning of models, at a fraction of its cost on many rows); a QR
    decomposition when the Cholesky factorisation fails.
    """
    wx = w[:, None] * X
    gram = X.T @ wx
    diag = np.sqrt(np.diag(gram))
    try:
        factor = np.linalg.cholesky(gram / diag[:, None] / diag[None, :])
    except np.linalg.LinAlgError:
        return _wls_qr(X, z, w)

    def solve(rhs: np.ndarray) -> np.ndarray:
        inner = np.linalg.solve(factor, rhs / diag)
        solved: np.ndarray = np.linalg.solve(factor.T, inner) / diag
        return solved

    beta = solve(wx.T @ z)
    for _ in range(2):
        beta = beta + solve(wx.T @ (z - X @ beta))
    inverse = np.linalg.inv(factor)
    bread = (inverse.T @ inverse) / diag[:, None] / diag[None, :]
    return beta, bread


def _wls_qr(X: np.ndarray, z: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    root = np.sqrt(w)
    q, r = np.linalg.qr(root[:, None] * X)
    beta = np.linalg.solve(r, q.T @ (root * z))
    r_inv = np.linalg.solve(r, np.eye(len(r)))
    return beta, r_inv @ r_inv.T


def deviance(spec: FamilySpec, y: np.ndarray, mu: np.ndarray, w: np.ndarray) -> float:
    """The family's deviance of ``y`` at ``mu`` with prior weights ``w`` (R's ``dev.resids``)."""
    with np.errstate(all="ignore"):
        return float(np.sum(spec.family.resid_dev(y, mu, var_weights=w) ** 2))


def _valid(spec: FamilySpec, eta: np.ndarray, mu: np.ndarray) -> bool:
    if not (np.all(np.isfinite(eta)) and np.all(np.isfinite(mu))):
        return False
    base = spec.name.removeprefix("quasi")
    if base == "binomial":
        return bool(np.all((mu > 0) & (mu < 1)))
    if base in ("poisson", "Gamma"):
        return bool(np.all(mu > 0))
    return True


def irls(X: np.ndarray, y: np.ndarray, prior: np.ndarray, spec: FamilySpec, *,
         max_iter: int = 50, tol: float = 1e-10, start: np.ndarray | None = None) -> IRLSFit:
    """Fit the GLM of ``y`` on ``X`` with prior weights ``prior`` by IRLS.

    Parameters
    ----------
    X : ndarray, shape (n, p)
        Full column rank (see :func:`aliased_columns`).
    y, prior : ndarray, shape (n,)
        Response and prior weights (the design weights).
    spec : FamilySpec
    max_iter : int, default 50
    tol : float, default 1e-10
        Convergence: relative change of the deviance and of the coefficients.
    start : ndarray, shape (p,), optional
        Starting coefficients (warm start); the family's starting means otherwise.

    Returns
    -------
    IRLSFit
        ``converged`` False when ``max_iter`` was reached.
    """
    family, link = spec.family, spec.family.link
    if start is None:
        mu = family.starting_mu(y)
        eta = link(mu)
    else:
        eta = X @ start
        mu = link.inverse(eta)
    dev = deviance(spec, y, mu, prior)
    beta = np.zeros(X.shape[1]) if start is None else np.asarray(start, dtype=float)
    history: list[np.ndarray] = []
    converged = False
    iteration = 0
    while iteration < max_iter:
        iteration += 1
        deriv = link.deriv(mu)  # d eta / d mu
        w = prior / (deriv**2 * family.variance(mu))
        z = eta + (y - mu) * deriv
        new_beta, _ = _wls(X, z, w)
        new_eta = X @ new_beta
        new_mu = link.inverse(new_eta)
        new_dev = deviance(spec, y, new_mu, prior)
        halvings = 0
        while (not _valid(spec, new_eta, new_mu) or not np.isfinite(new_dev)) and halvings < 30:
            new_beta = (new_beta + beta) / 2  # R's step-halving
            new_eta = X @ new_beta
            new_mu = link.inverse(new_eta)
            new_dev = deviance(spec, y, new_mu, prior)
            halvings += 1
        step = np.max(np.abs(new_beta - beta)) / (np.max(np.abs(new_beta)) + 0.1)
        change = abs(new_dev - dev) / (abs(new_dev) + 0.1)
        beta, eta, mu, dev = new_beta, new_eta, new_mu, new_dev
        history = (history + [beta])[-6:]
        if change < tol and step < tol:
            converged = True
            break
    deriv = link.deriv(mu)
    w = prior / (deriv**2 * family.variance(mu))
    _, bread = _wls(X, eta + (y - mu) * deriv, w)  # the bread at the final coefficients
    return IRLSFit(beta, eta, mu, w, (y - mu) * deriv, bread, iteration, converged,
                   tuple(history))
