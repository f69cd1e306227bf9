"""The weighted proportional-odds likelihood, maximised by Newton's method (R's ``polr``).

For a row with category ``k`` (0-based, of ``K``), covariates ``x`` and
weight ``w``, the model gives ``P = F(zeta_k - x'beta) - F(zeta_{k-1} - x'beta)``
(``zeta_{-1} = -inf``, ``zeta_{K-1} = +inf``) with ``F`` the logistic or
normal distribution function. The log-likelihood ``sum w log P`` is concave
in ``(beta, zeta)`` (both densities are log-concave): Newton's method with
the analytic gradient and Hessian, halving a step that leaves the thresholds
unordered or lowers the likelihood, converges from the marginal thresholds.

Examples
--------
>>> import numpy as np
>>> X = np.array([[0.0], [1.0], [2.0], [0.0], [1.0], [2.0], [1.0]])
>>> y = np.array([0, 1, 2, 1, 0, 2, 1])
>>> fit = newton(X, y, np.ones(7), 3, "logistic")
>>> fit.converged, bool(np.abs(fit.scores.sum(axis=0)).max() < 1e-9)
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

__all__ = ["OLRFit", "LINK_OF_METHOD", "METHODS", "derivatives", "loglik", "newton",
           "start_values"]

METHODS = ["logistic", "probit"]
#: Each method's link, as a GLM names it (``"logistic"`` is the logit link).
LINK_OF_METHOD = {"logistic": "logit", "probit": "probit"}


@dataclass(frozen=True)
class OLRFit:
    """The converged fit: ``(beta, zeta)``, the rows' scores and the information."""

    params: np.ndarray
    scores: np.ndarray  # (m, p + q): each row's gradient of w log P
    information: np.ndarray  # minus the Hessian of the log-likelihood
    loglik: float
    iterations: int
    converged: bool
    history: tuple[np.ndarray, ...]


def _cdf(method: str, x: np.ndarray) -> np.ndarray:
    out: np.ndarray = special.expit(x) if method == "logistic" else special.ndtr(x)
    return out


def _densities(method: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The density and its derivative at ``x``; 0 at +-inf."""
    finite = np.isfinite(x)
    z = np.where(finite, x, 0.0)
    if method == "logistic":
        p = special.expit(z)
        f = p * (1 - p)
        df = f * (1 - 2 * p)
    else:
        f = np.exp(-z * z / 2) / np.sqrt(2 * np.pi)
        df = -z * f
    return np.where(finite, f, 0.0), np.where(finite, df, 0.0)


def _probability(method: str, upper: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """``F(upper) - F(lower)``, from the nearer tail (no cancellation near 1)."""
    high = lower > 0
    with np.errstate(invalid="ignore"):
        out: np.ndarray = np.where(high, _cdf(method, -lower) - _cdf(method, -upper),
                                   _cdf(method, upper) - _cdf(method, lower))
    return out


def _bounds(params: np.ndarray, X: np.ndarray, y: np.ndarray, q: int
            ) -> tuple[np.ndarray, np.ndarray]:
    p = X.shape[1]
    cuts = np.concatenate([[-np.inf], params[p:p + q], [np.inf]])
    eta = X @ params[:p]
    return cuts[y + 1] - eta, cuts[y] - eta


def loglik(params: np.ndarray, X: np.ndarray, y: np.ndarray, w: np.ndarray, q: int,
           method: str) -> float:
    """``sum w log P``; ``-inf`` when the thresholds are not increasing."""
    zeta = params[X.shape[1]:]
    if np.any(np.diff(zeta) <= 0) or not np.all(np.isfinite(params)):
        return -np.inf
    upper, lower = _bounds(params, X, y, q)
    prob = _probability(method, upper, lower)
    used = w > 0
    if np.any(prob[used] <= 0):
        return -np.inf
    return float(np.sum(w[used] * np.log(prob[used])))


def derivatives(params: np.ndarray, X: np.ndarray, y: np.ndarray, w: np.ndarray, q: int,
                method: str) -> tuple[np.ndarray, np.ndarray]:
    """The rows' scores (m, p + q) and the information (minus the Hessian), at ``params``."""
    m, p = X.shape
    upper, lower = _bounds(params, X, y, q)
    prob = _probability(method, upper, lower)
    prob = np.where(w > 0, prob, 1.0)  # rows without weight count for nothing
    fu, dfu = _densities(method, upper)
    fl, dfl = _densities(method, lower)
    da, db = fu / prob, -fl / prob  # d log P / d upper, d log P / d lower
    daa = dfu / prob - da * da
    dbb = -dfl / prob - db * db
    dab = -da * db
    # the rows' thresholds: upper = zeta_y (none for the top level), lower = zeta_{y-1}
    U = np.zeros((m, q))
    L = np.zeros((m, q))
    top, bottom = y < q, y > 0
    U[np.flatnonzero(top), y[top]] = 1.0
    L[np.flatnonzero(bottom), y[bottom] - 1] = 1.0
    scores = np.concatenate([-X * (da + db)[:, None], U * da[:, None] + L * db[:, None]],
                            axis=1) * w[:, None]
    hessian = np.empty((p + q, p + q))
    hessian[:p, :p] = X.T @ (X * (w * (daa + 2 * dab + dbb))[:, None])
    cross = -(X.T @ (U * (w * (daa + dab))[:, None] + L * (w * (dab + dbb))[:, None]))
    hessian[:p, p:] = cross
    hessian[p:, :p] = cross.T
    hessian[p:, p:] = (U.T @ (U * (w * daa)[:, None]) + L.T @ (L * (w * dbb)[:, None])
                       + U.T @ (L * (w * dab)[:, None]) + L.T @ (U * (w * dab)[:, None]))
    return scores, -hessian


def start_values(y: np.ndarray, w: np.ndarray, p: int, q: int, method: str) -> np.ndarray:
    """No covariate effect, the thresholds at the weighted cumulative shares."""
    shares = np.bincount(y, weights=w, minlength=q + 1)
    cumulative = np.cumsum(shares)[:q] / shares.sum()
    quantile = special.logit if method == "logistic" else special.ndtri
    return np.concatenate([np.zeros(p), quantile(cumulative)])


def newton(X: np.ndarray, y: np.ndarray, w: np.ndarray, levels: int, method: str, *,
           start: np.ndarray | None = None, max_iter: int = 100, tol: float = 1e-10) -> OLRFit:
    """Maximise ``sum w log P`` over ``(beta, zeta)`` by Newton's method.

    Parameters
    ----------
    X : ndarray, shape (m, p)
        The covariates, without an intercept (full column rank with it).
    y : ndarray of int, shape (m,)
        The categories, ``0 .. levels - 1``, each with a positive weight.
    w : ndarray, shape (m,)
        The weights.
    levels : int
        The number of categories ``K`` (``q = K - 1`` thresholds).
    method : {"logistic", "probit"}
    start : ndarray, shape (p + q,), optional
        Starting ``(beta, zeta)`` (warm start); :func:`start_values` by default.
    max_iter : int, default 100
    tol : float, default 1e-10
        Convergence: the largest step relative to the largest parameter.

    Returns
    -------
    OLRFit
        ``converged`` False when ``max_iter`` was reached or the information
        became singular (a diverging fit).
    """
    p, q = X.shape[1], levels - 1
    scale = float(np.mean(w[w > 0]))
    w = w / scale  # the information of order m: the same fit, tidier numbers
    params = start_values(y, w, p, q, method) if start is None else np.array(start, dtype=float)
    value = loglik(params, X, y, w, q, method)
    if not np.isfinite(value):
        params = start_values(y, w, p, q, method)
        value = loglik(params, X, y, w, q, method)
    history: list[np.ndarray] = []
    converged = False
    iteration = 0
    while iteration < max_iter:
        iteration += 1
        scores, information = derivatives(params, X, y, w, q, method)
        try:
            step = np.linalg.solve(information, scores.sum(axis=0))
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(step)):
            break
        small = np.max(np.abs(step)) / (np.max(np.abs(params)) + 0.1) < tol
        factor = 1.0
        new_value = loglik(params + step, X, y, w, q, method)
        while not new_value >= value - 1e-12 * abs(value) and factor > 1e-10:
            factor /= 2  # step-halving: unordered thresholds or a lower likelihood
            new_value = loglik(params + factor * step, X, y, w, q, method)
        if not new_value >= value - 1e-12 * abs(value):
            converged = bool(small)  # no step raises the likelihood: at the top, or stuck
            break
        params, value = params + factor * step, new_value
        history = (history + [params])[-6:]
        if small and factor == 1.0:
            converged = True
            break
    scores, information = derivatives(params, X, y, w, q, method)
    return OLRFit(params, scores * scale, information * scale, value * scale, iteration,
                  converged, tuple(history))
