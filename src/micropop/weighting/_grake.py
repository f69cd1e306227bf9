"""The g-weights of calibration: R's ``regcalibrate`` (closed form) and ``grake`` (Newton).

For calibration variables ``x`` (C, q) and weights ``d`` (C,) per cell, a
working variance ``sigma2`` (C,; 1 without one) and bounds ``L <= g <= U``
(numbers, or one per cell), the g-weights are ``g = 1 + F(x eta / sigma2)``
where ``eta`` solves ``x' (d g) = T``. Unbounded linear calibration is solved
in closed form, ``eta = (x' D Sigma^-1 x)^-1 (T - x'd)``; the others by R's
Newton iteration with its step halving and stopping rule ``max |T -
achieved| / (1 + |T|) < epsilon``.
"""

from __future__ import annotations

import numpy as np

from micropop.errors import ConvergenceError
from micropop.weighting._projection import solve_gram

__all__ = ["Bound", "misfit", "rescale", "solve"]

#: A bound on the g-weights: one number, or one per cell.
Bound = float | np.ndarray

# R's grake rescales the weights when every target exceeds its sample total this many times.
_RESCALE_THRESHOLD = 20


def rescale(targets: np.ndarray, x: np.ndarray, d: np.ndarray) -> float:
    """R's grake rescaling factor (1 when not every target is 20 times its sample total)."""
    sample = x.T @ d
    with np.errstate(divide="ignore", invalid="ignore"):
        scales = targets / sample
    return float(np.mean(scales)) if np.min(scales) > _RESCALE_THRESHOLD else 1.0


def solve(x: np.ndarray, d: np.ndarray, targets: np.ndarray, method: str, lower: Bound,
          upper: Bound, max_iter: int, epsilon: float, labels: list[tuple[str, str]],
          replicate: int, generalised: bool = False,
          sigma2: np.ndarray | None = None) -> tuple[np.ndarray, int, float]:
    """g-weights per cell for weights ``d`` per cell, Newton steps and final misfit."""
    s2 = np.ones(x.shape[0]) if sigma2 is None else sigma2
    bounded = bool(np.isfinite(lower).any() or np.isfinite(upper).any())
    if method == "linear" and not bounded:
        gram = x.T @ (x * (d / s2)[:, None])
        g = 1 + (x @ solve_gram(gram, targets - x.T @ d, generalised)) / s2
        return g, 1, misfit(targets, x.T @ (d * g))
    scale = rescale(targets, x, d)
    d = d * scale
    sample = x.T @ d
    eta = np.zeros(x.shape[1])
    u = x @ eta / s2
    deriv = _derivative(method, u, lower, upper)
    previous = sample  # totals under the last finite g-weights (g = 1 to start)
    iteration = 1
    while True:
        gram = x.T @ (x * (d * deriv / s2)[:, None])
        step = solve_gram(gram, targets - sample - x.T @ (d * _fm1(method, u, lower, upper)),
                          generalised)
        eta = eta + step
        u = x @ eta / s2
        g, deriv = 1 + _fm1(method, u, lower, upper), _derivative(method, u, lower, upper)
        while iteration < max_iter and not (np.all(np.isfinite(g))
                                             and np.all(np.isfinite(deriv))):
            iteration += 1  # R's step halving
            step = step / 2
            eta = eta - step
            u = x @ eta / s2
            g, deriv = 1 + _fm1(method, u, lower, upper), _derivative(method, u, lower, upper)
        with np.errstate(over="ignore", invalid="ignore"):
            achieved = x.T @ (d * g)
        if not (np.isfinite(g).all() and np.isfinite(deriv).all() and np.isfinite(achieved).all()):
            _not_converged(method, targets, previous, labels, iteration, replicate, bounded,
                           diverged=True)
        worst = misfit(targets, achieved)
        if worst < epsilon:
            return g * scale, iteration, worst
        previous = achieved
        iteration += 1
        if iteration > max_iter:
            _not_converged(method, targets, achieved, labels, max_iter, replicate, bounded)


def misfit(targets: np.ndarray, achieved: np.ndarray) -> float:
    """R's grake criterion: the largest ``|T - achieved| / (1 + |T|)``."""
    return float(np.max(np.abs(targets - achieved) / (1 + np.abs(targets))))
def _fm1(method: str, u: np.ndarray, lower: Bound, upper: Bound) -> np.ndarray:
    """R's calfun ``Fm1``: ``g - 1`` for linear predictor ``u``."""
    g: np.ndarray  # np.clip's stubs give Any for float bounds
    if method == "linear":
        g = np.clip(u + 1, lower, upper)
        return g - 1
    if method == "raking":
        with np.errstate(over="ignore"):
            g = np.clip(np.exp(u), lower, upper)
            return g - 1
    a = (upper - lower) / ((upper - 1) * (1 - lower))
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(a * u)
        return (lower * (upper - 1) + upper * (1 - lower) * e) / (upper - 1 + (1 - lower) * e) - 1


def _derivative(method: str, u: np.ndarray, lower: Bound, upper: Bound) -> np.ndarray:
    """R's calfun ``dF``; for raking, exactly as R's ``cal.raking``: ``exp(u)`` where
    ``lower - 1 < u < upper - 1`` (R compares ``u``, not ``exp(u)``, with the bounds, which
    keeps Newton's steps going where a first step overshoots a bound)."""
    if method == "linear":
        return ((u < upper - 1) & (u > lower - 1)).astype(float)
    if method == "raking":
        with np.errstate(over="ignore"):
            e = np.exp(u)
        return np.where((u < upper - 1) & (u > lower - 1), e, 0.0)
    a = (upper - lower) / ((upper - 1) * (1 - lower))
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(a * u)
        denominator = upper - 1 + (1 - lower) * e
        return (upper * (1 - lower) * e * a / denominator
                - (lower * (upper - 1) + upper * (1 - lower) * e) * ((1 - lower) * e * a)
                / denominator ** 2)


def _not_converged(method: str, targets: np.ndarray, achieved: np.ndarray,
                   labels: list[tuple[str, str]], max_iter: int, replicate: int, bounded: bool,
                   diverged: bool = False) -> None:
    relative = np.abs(targets - achieved) / (1 + np.abs(targets))
    k = int(np.argmax(relative))
    margin, level = labels[k]
    where = "" if replicate == 0 else f" for replicate {replicate}"
    if diverged:
        raise ConvergenceError(
            f"calibration ({method}) diverged{where} after {max_iter} iterations, its "
            f"g-weights overflowing: at the last finite step, margin {margin!r} level "
            f"{level!r} reached {achieved[k]:,.6g} against {targets[k]:,.6g}",
            hint="these targets are out of reach of positive weights from these design "
                 "weights (check their unit and their consistency with the data)")
    raise ConvergenceError(
        f"calibration ({method}) did not converge{where} in {max_iter} iterations: margin "
        f"{margin!r} level {level!r} reaches {achieved[k]:,.6g} against {targets[k]:,.6g} "
        f"(largest relative residual {relative[k]:.3g})",
        hint=("the bounds may be too tight for these targets: widen them" if bounded else
              "raise max_iter, or check that the targets are consistent with the data"))
