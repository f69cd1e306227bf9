"""Fitting Poisson log-linear models to the observed cells: a model's design matrix
(:class:`Design`), iteratively reweighted least squares in numpy, whether the data
identify the size, and the heterogeneity columns of Rcapture's Chao, Poisson,
Darroch and Gamma models.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
from scipy import optimize
from scipy.special import gammaln, xlogy

from micropop.errors import (
    CaptureRecaptureError,
    OptionError,
    check_number,
    check_option,
)

_HETEROGENEITY = ("Chao", "LB", "Poisson", "Darroch", "Gamma", "Normal")


@dataclasses.dataclass(frozen=True)
class Fit:
    """A Poisson log-linear fit (the columns kept after any Chao correction)."""

    names: tuple[str, ...]
    coef: np.ndarray
    cov: np.ndarray
    mu: np.ndarray
    deviance: float
    loglik: float
    rank: int
    df_resid: int
    converged: bool
    dropped: tuple[str, ...] = ()
    columns: tuple[int, ...] = ()  # columns of the design kept in the fit

    def criteria(self, n: int) -> tuple[float, float]:
        """AIC and BIC as Rcapture: ``BIC = AIC + (log n - 2) rank``, n people captured."""
        aic = -2 * self.loglik + 2 * self.rank
        return aic, aic + (math.log(n) - 2) * self.rank

    def size(self, n: float) -> tuple[float, float]:
        """``N = n + exp(b0)`` and its standard error (Rcapture's formula); inf if it overflows."""
        with np.errstate(over="ignore", invalid="ignore"):
            unseen = np.exp(np.float64(self.coef[0]))
            return float(n + unseen), float(np.sqrt(unseen + unseen ** 2 * self.cov[0, 0]))


def _deviance(y: np.ndarray, mu: np.ndarray) -> float:
    """Poisson deviance ``2 sum(y log(y / mu) - (y - mu))``, each term computed without
    cancellation (``y log1p(r) - y r mu / mu`` with ``r = (y - mu) / mu``), so that it stays
    accurate to a fraction of a unit even for counts of 1e15."""
    diff = y - mu
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = diff / mu
        log_ratio = np.where(np.abs(ratio) < 0.5, np.log1p(ratio), np.log(y / mu))
        terms = np.where(y > 0, y * log_ratio - diff, mu)
    return float(2 * np.sum(terms))


#: Iterations allowed to one log-linear fit (R's glm stops at 25; Rcapture asks 200).
MAX_ITER = 100


def _irls(y: np.ndarray, X: np.ndarray, offset: np.ndarray, names: Sequence[str],
          tol: float = 1e-12, max_iter: int = MAX_ITER) -> Fit:
    """Poisson GLM with log link by iteratively reweighted least squares.

    Starts as R's ``glm`` (``mu = y + 0.1``) and stops when the relative
    change in deviance is below ``tol`` (or within its rounding error, as in
    a saturated model whose deviance is 0), or after ``max_iter`` iterations
    (each with at most 30 halvings of a step that raises the deviance, as R's
    ``glm2``)
    with ``converged=False``. Fitted means are kept within
    ``[eps, exp(700)]`` (R's ``poisson()$linkinv`` keeps them above eps), so
    a diverging fit never produces NaN.
    """
    mu = y + 0.1
    eta = np.log(mu)
    dev = _deviance(y, mu)
    converged = False
    coef = np.zeros(X.shape[1])
    noise = 64 * np.finfo(float).eps * (dev + len(y))  # rounding in the deviance
    rank = 0
    for iteration in range(max_iter):
        sw = np.sqrt(mu)
        z = eta - offset + (y - mu) / mu
        try:
            step, _, rank, _ = np.linalg.lstsq(X * sw[:, None], z * sw, rcond=None)
        except np.linalg.LinAlgError:
            converged = False
            break
        for _halving in range(30):  # step-halving when the deviance rises (as glm2)
            eta = offset + X @ step
            mu = np.clip(np.exp(np.minimum(eta, 700.0)), np.finfo(float).eps, None)
            dev_new = _deviance(y, mu)
            if iteration == 0 or dev_new <= dev + noise:
                break
            step = (coef + step) / 2
        coef = step
        converged = bool(abs(dev_new - dev) <= max(tol * (abs(dev_new) + 0.1), noise))
        dev = dev_new
        if converged:
            break
    info = X.T @ (X * mu[:, None])
    try:
        cov = np.linalg.pinv(info)
    except np.linalg.LinAlgError:
        cov = np.full_like(info, np.nan)
        converged = False
    loglik = float(np.sum(xlogy(y, mu) - mu - gammaln(y + 1)))
    converged = converged and bool(np.all(np.isfinite(coef)) and np.isfinite(dev))
    return Fit(names=tuple(names), coef=coef, cov=cov, mu=mu,
               deviance=dev, loglik=loglik, rank=int(rank), df_resid=len(y) - int(rank),
               converged=converged, columns=tuple(range(X.shape[1])))


def _size_status(X: np.ndarray, y: np.ndarray) -> Literal["finite", "all seen", "undetermined"]:
    """Whether the data determine a finite size ``n + exp(b0)`` under the model.

    A Poisson log-linear likelihood with zero cells may have no maximum: its
    supremum is approached along directions of recession ``d`` (``X d <= 0``
    on every cell, ``= 0`` on every cell with a count; Haberman 1974), which
    send some zero cells' means to 0 (the extended MLE; Fienberg & Rinaldo
    2012). The cell means then converge, but the unobserved count
    ``exp(b0)`` is determined only if the intercept is identified by the
    cells left with positive means (``e_0`` in the row space of their
    design): ``"finite"``; or if every direction that empties the other
    cells lowers ``b0``, which drives the unobserved count to 0: ``"all
    seen"``, ``N = n`` (as with everyone on both of two lists; an iterative
    fit stops short of that limit). Otherwise moving along such a direction
    with ``d_0 >= 0`` never lowers the likelihood and leaves the size
    undetermined or unbounded above: no one on two lists, an interaction
    absorbing the only overlap, or an interaction of every list. Decided
    exactly by two small linear programmes, run only when the cells with a
    count do not identify the intercept.
    """
    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1.0
    Xs = X / scale  # the intercept column (ones) is unchanged, so d_0 is too
    positive = y > 0
    if _identifies_intercept(Xs[positive]):
        return "finite"
    zero = Xs[~positive]
    p, z = X.shape[1], len(zero)
    pushable = np.zeros(z, dtype=bool)
    if z:  # which zero cells some direction of recession empties: max sum t, X_Z d + t <= 0
        result = optimize.linprog(
            np.concatenate([np.zeros(p), -np.ones(z)]),
            A_ub=np.hstack([zero, np.eye(z)]), b_ub=np.zeros(z),
            A_eq=np.hstack([Xs[positive], np.zeros((int(positive.sum()), z))]),
            b_eq=np.zeros(int(positive.sum())),
            bounds=[(None, None)] * p + [(0.0, 1.0)] * z, method="highs")
        if result.status == 0:
            pushable = result.x[p:] > 0.5
    face = np.vstack([Xs[positive], zero[~pushable]])
    if _identifies_intercept(face):
        return "finite"
    if not pushable.any():
        return "undetermined"  # b0 moves freely along the face's null space
    # the largest d_0 among directions emptying every pushable cell at rate >= 1
    result = optimize.linprog(
        -np.eye(p)[0], A_ub=zero[pushable], b_ub=-np.ones(int(pushable.sum())),
        A_eq=face, b_eq=np.zeros(len(face)), bounds=[(None, 1.0)] + [(None, None)] * (p - 1),
        method="highs")
    return "all seen" if result.status == 0 and -result.fun < -1e-7 else "undetermined"


def _identifies_intercept(rows: np.ndarray) -> bool:
    """True if ``e_0`` is in the row space of ``rows`` (the intercept is a contrast of them)."""
    if not len(rows):
        return False
    coef, *_ = np.linalg.lstsq(rows.T, np.eye(rows.shape[1])[0], rcond=None)
    return bool(np.linalg.norm(rows.T @ coef - np.eye(rows.shape[1])[0]) < 1e-8)


@dataclasses.dataclass(frozen=True)
class Design:
    """Response, design matrix (intercept first) and offset of one model."""

    y: np.ndarray
    X: np.ndarray
    names: tuple[str, ...]
    offset: np.ndarray
    n_fixed: int  # leading columns (with intercept) that Chao's correction never drops
    chao: bool = False

    def fit(self, y: np.ndarray | None = None) -> Fit:
        """Fit, dropping negative Chao ``eta`` terms one at a time as Rcapture (``neg=TRUE``).

        At most one refit per ``eta`` column, each bounded by :data:`MAX_ITER`.
        """
        y = self.y if y is None else y
        keep = list(range(self.X.shape[1]))
        fit = _irls(y, self.X, self.offset, self.names)
        while self.chao:
            eta = fit.coef[self.n_fixed:]
            negative = np.flatnonzero(eta < 0)
            if not negative.size:
                break
            del keep[self.n_fixed + negative[0]]
            fit = _irls(y, self.X[:, keep], self.offset, [self.names[i] for i in keep])
        dropped = tuple(name for name in self.names if name not in fit.names)
        return dataclasses.replace(fit, dropped=dropped, columns=tuple(keep))

    def size(self, fit: Fit, n: float) -> tuple[tuple[float, float], bool]:
        """The size and SE of a fit of this design, and whether the data leave it undetermined.

        See :func:`_size_status`; when every person is estimated to have been
        seen the size is ``n`` with SE 0 (the limit the iterations approach).
        """
        status = _size_status(self.X[:, list(fit.columns)], self.y)
        if status == "all seen":
            return (float(n), 0.0), False
        return fit.size(n), status == "undetermined"

    def augmented(self) -> Design:
        """The design completed with the unobserved cell (intercept only, offset 0)."""
        zero_row = np.zeros((1, self.X.shape[1]))
        zero_row[0, 0] = 1.0
        return Design(y=np.append(self.y, 0.0), X=np.vstack([self.X, zero_row]),
                      names=self.names, offset=np.append(self.offset, 0.0),
                      n_fixed=self.n_fixed, chao=self.chao)


def _heterogeneity(nbcap: np.ndarray, kind: str, theta: float | None,
                   t: int) -> tuple[np.ndarray, list[str]]:
    """Rcapture's heterogeneity columns, a function of the number of captures."""
    if kind in ("Chao", "LB"):
        cols = np.column_stack([np.maximum(nbcap - j + 1, 0) for j in range(3, t + 1)])
        return cols.reshape(len(nbcap), -1), [f"eta{j}" for j in range(3, t + 1)]
    if kind == "Poisson":
        return (theta ** nbcap - 1)[:, None], ["tau"]
    if kind == "Darroch":
        return (nbcap ** 2 / 2)[:, None], ["tau"]
    if kind == "Gamma":
        assert theta is not None  # default_theta gives the Gamma form its parameter
        return (np.log(theta) - np.log(theta + nbcap))[:, None], ["tau"]
    raise OptionError(f"heterogeneity={kind!r} is not one of the choices",
                      hint="use one of " + ", ".join(map(repr, (*_HETEROGENEITY, None))))


def check_heterogeneity(kind: str | None, theta: float | None, t: int) -> float | None:
    """Validate a heterogeneity form and its parameter; return the parameter to use."""
    if kind is None:
        return None
    check_option("heterogeneity", kind, list(_HETEROGENEITY))
    if t < 3:
        raise CaptureRecaptureError(
            f"heterogeneity={kind!r} needs at least 3 lists, got {t}",
            hint="with 2 lists catchability that varies between people cannot be told "
                 "apart from dependence between the lists (Rcapture refuses too)")
    if theta is not None:
        if kind not in ("Poisson", "Gamma"):
            raise OptionError(f"theta={theta!r} has no meaning for heterogeneity={kind!r}",
                              hint="theta is the parameter of the Poisson and Gamma forms")
        check_number("theta", theta, low=0, low_open=True)
        with np.errstate(over="ignore"):
            if kind == "Poisson" and not np.isfinite(np.float64(theta) ** t):
                raise OptionError(f"theta={theta!r} is too large for {t} lists "
                                  f"(theta^{t} overflows)", hint="use a theta near 2")
    return default_theta(kind, theta)


def default_theta(kind: str | None, theta: float | None) -> float | None:
    if theta is not None:
        return theta
    return {"Poisson": 2.0, "Gamma": 3.5}.get(kind or "")


def heterogeneity_label(kind: str | None, theta: float | None) -> str:
    if kind is None:
        return ""
    if kind in ("Chao", "LB"):
        return "Chao (LB)"
    return f"{kind}{theta:g}" if kind in ("Poisson", "Gamma") else kind


def with_heterogeneity(y: np.ndarray, base: np.ndarray, names: list[str],
                       offset: np.ndarray, nbcap: np.ndarray, t: int,
                       kind: str | None, theta: float | None) -> Design:
    X = np.column_stack([np.ones(len(y)), base])
    names = ["(Intercept)", *names]
    n_fixed = X.shape[1]
    if kind is not None:
        extra, extra_names = _heterogeneity(nbcap, kind, theta, t)
        X = np.column_stack([X, extra])
        names += extra_names
    return Design(y=y, X=X.astype(float), names=tuple(names), offset=offset,
                  n_fixed=n_fixed, chao=kind in ("Chao", "LB"))
