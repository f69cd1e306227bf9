"""Iteratively reweighted least squares, as R's ``glm.fit`` (run to full convergence).

Each step solves the weighted least squares of the working response on the
model matrix (R's step) for the change of the coefficients, by a Cholesky
factorisation of the normal equations scaled to a unit diagonal: the step's
own rounding only slows the last iteration, the root (the score equal to
zero) is computed from the residuals at full precision; the step is halved
back (R's step-halving) when it leaves the family's domain. The fit stops when
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

__all__ = ["IRLSFit", "aliased_columns", "deviance", "gram", "irls", "moving_coefficients"]

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
    if _gram_pivots(gram(X, weights)).min(initial=1.0) > GRAM_SCREEN:
        return []  # no column anywhere near the span of those before it
    root = np.sqrt(weights)[:, None] * X
    norms = np.linalg.norm(root, axis=0)
    # unpivoted QR: |R_jj| is the norm of column j's residual on the columns before it
    residual = np.zeros(X.shape[1])  # columns past the number of rows are aliased
    diagonal = np.abs(np.diag(np.linalg.qr(root, mode="r")))
    residual[:len(diagonal)] = diagonal
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


#: Rows per block of the Gram matrix ``X' W X``: a block of ``X`` and its
#: weighted copy stay in cache, which is about three times faster on a
#: million rows than one product over all of them.
GRAM_BLOCK = 4096


def gram(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``X' diag(w) X``, summed over blocks of rows (``X`` best in Fortran order).

    Examples
    --------
    >>> import numpy as np
    >>> gram(np.array([[1.0, 2.0], [1.0, 3.0]]), np.array([1.0, 2.0])).tolist()
    [[3.0, 8.0], [8.0, 22.0]]
    """
    total = np.zeros((X.shape[1], X.shape[1]))
    for first in range(0, len(X), GRAM_BLOCK):
        block = X[first:first + GRAM_BLOCK]
        total += block.T @ (w[first:first + GRAM_BLOCK, None] * block)
    return total


class _Normal:
    """The normal equations ``X' W X``, scaled to a unit diagonal and factorised.

    ``solve`` gives ``(X' W X)^-1 r`` and ``inverse`` the whole inverse (R's
    ``cov.unscaled``); a QR decomposition of ``sqrt(w) X`` replaces the
    Cholesky factorisation when the latter fails (``factor`` is None).
    """

    def __init__(self, X: np.ndarray, w: np.ndarray) -> None:
        self.X, self.w = X, w
        matrix = gram(X, w)
        self.diag = np.sqrt(np.diag(matrix))
        try:
            self.factor: np.ndarray | None = np.linalg.cholesky(
                matrix / self.diag[:, None] / self.diag[None, :])
        except np.linalg.LinAlgError:
            self.factor = None

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        if self.factor is None:
            product: np.ndarray = self.inverse() @ rhs
            return product
        inner = np.linalg.solve(self.factor, rhs / self.diag)
        solved: np.ndarray = np.linalg.solve(self.factor.T, inner) / self.diag
        return solved

    def inverse(self) -> np.ndarray:
        if self.factor is None:
            r = np.linalg.qr(np.sqrt(self.w)[:, None] * self.X, mode="r")
            r_inv = np.linalg.solve(r, np.eye(len(r)))
            return r_inv @ r_inv.T
        inverse = np.linalg.inv(self.factor)
        bread: np.ndarray = (inverse.T @ inverse) / self.diag[:, None] / self.diag[None, :]
        return bread


def deviance(spec: FamilySpec, y: np.ndarray, mu: np.ndarray, w: np.ndarray) -> float:
    """The family's deviance of ``y`` at ``mu`` with prior weights ``w`` (R's ``dev.resids``)."""
    with np.errstate(all="ignore"):
        return float(spec.family.deviance(y, mu, var_weights=w))


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
    X = np.asfortranarray(X)
    if start is None:
        mu = family.starting_mu(y)
        eta = link(mu)
        beta = np.zeros(X.shape[1])
        fitted = np.zeros(len(y))  # X @ beta, which eta equals after the first step
    else:
        beta = np.asarray(start, dtype=float)
        eta = fitted = X @ beta
        mu = link.inverse(eta)
    dev = deviance(spec, y, mu, prior)
    history: list[np.ndarray] = []
    converged = False
    iteration = 0
    while iteration < max_iter:
        iteration += 1
        deriv = link.deriv(mu)  # d eta / d mu
        w = prior / (deriv**2 * family.variance(mu))
        # R's weighted least squares of the working response eta + (y - mu) deta/dmu,
        # solved for the step from beta: the root does not depend on the solver's digits
        working = eta - fitted + (y - mu) * deriv
        new_beta = beta + _Normal(X, w).solve(X.T @ (w * working))
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
        fitted = eta
        history = (history + [beta])[-6:]
        if change < tol and step < tol:
            converged = True
            break
    deriv = link.deriv(mu)
    w = prior / (deriv**2 * family.variance(mu))
    bread = _Normal(X, w).inverse()  # the bread at the final coefficients
    return IRLSFit(beta, eta, mu, w, (y - mu) * deriv, bread, iteration, converged,
                   tuple(history))
