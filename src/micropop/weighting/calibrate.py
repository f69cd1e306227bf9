"""Calibration (generalised raking, GREG) to population totals, as R's ``calibrate``.

The calibrated weights are ``w_i = d_i g_i`` with ``g_i = 1 + F(x_i' eta)``,
where ``x_i`` holds the calibration variables (level indicators of the
categorical margins, numeric columns) and ``eta`` solves ``sum_i d_i g_i x_i =
T``, the population totals. The calibration function ``F`` is R's ``calfun``:

- ``"linear"``: ``g = 1 + u`` (GREG; truncated at the bounds when given);
- ``"raking"``: ``g = exp(u)`` (multiplicative; the raking ratio solution);
- ``"logit"``: ``g`` between ``L`` and ``U`` on a logistic curve (needs
  finite bounds).

Unbounded linear calibration is solved in closed form (R's
``regcalibrate``); the others by R's Newton iteration (``grake``), with its
stopping rule ``max |T - achieved| / (1 + |T|) < epsilon``. As in R, when
every population total is more than 20 times its sample total the weights are
first scaled up by the mean ratio, and bounds then apply to the g-weights
relative to the scaled weights. Rows that share every calibration variable
share their g-weight, so with categorical margins only, the computation runs
on the cells of their cross.

Calibration variables that are linearly dependent in the sample (a margin
given twice, a cross beside its own margin, a numeric column that is constant)
are solved with a generalised inverse, as R's ``grake`` does with
``MASS::ginv``, only when their targets obey the same dependency; otherwise
the margins are named and refused (R's linear calibration stops on the
singular system; its other methods fail to converge). Whatever the method,
the weights returned meet every target, in every replicate, or the call
raises.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from micropop.design._core import Design
from micropop.design.encode import design_rows, require_design
from micropop.errors import (
    ConvergenceError,
    InfeasibleBoundsError,
    MarginTotalsError,
    MicropopWarning,
    OptionError,
    WeightingError,
    check_number,
)
from micropop.weighting._design import DesignT, WeightingStep, scaled, weight_matrix, with_weights
from micropop.weighting._projection import GregProjection, group_sums, solve_gram
from micropop.weighting.margins import (
    MET_RTOL,
    Margin,
    MarginSpec,
    cells,
    check_carried,
    check_totals,
    parse_margins,
)

__all__ = ["CALIBRATION_METHODS", "calibrate", "check_consistent"]

#: Calibration functions (R's ``calfun``).
CALIBRATION_METHODS = ("linear", "raking", "logit")

# R's grake rescales the weights when every target exceeds its sample total this many times.
_RESCALE_THRESHOLD = 20

# Calibration variables are collinear in the sample along an eigenvector of their
# (equilibrated) weighted cross-product whose eigenvalue is below this share of the largest.
_COLLINEAR_RTOL = 1e-12

# Targets are consistent along such a direction when they satisfy it to this relative tolerance.
_CONSISTENT_RTOL = 1e-6


def calibrate(design: DesignT, population: Mapping[Any, MarginSpec], method: str = "linear",
              bounds: tuple[float, float] | None = None, max_iter: int = 50,
              epsilon: float = 1e-7) -> DesignT:
    """Calibrate the weights to population totals (R's ``calibrate``).

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    population : dict
        ``{"sex": {"female": 143000, "male": 117000}, "hh_income": 4.1e8}``:
        level counts for a categorical column (a dict, Series or R-style
        DataFrame; a tuple key calibrates to a cross), a number for the total
        of a numeric column. The categorical margins must count the same
        population; they play the role of R's intercept and factor columns
        (R's ``~sex + hh_income`` with totals ``(Intercept)``, ``sexmale``,
        ``hh_income``). Without a categorical margin there is no intercept.
    method : {"linear", "raking", "logit"}
        The calibration function (R's ``calfun``).
    bounds : (float, float), optional
        Lower and upper bounds on the g-weights (R's ``bounds``); required
        (finite) for "logit".
    max_iter : int, default 50
        Newton iterations (R's ``maxit``).
    epsilon : float, default 1e-7
        Tolerance on ``|T - achieved| / (1 + |T|)`` (R's ``epsilon``).

    Returns
    -------
    SurveyDesign or ReplicateDesign
        A new design. Linearised variances use the residuals of the
        calibration regression, as R (``greg_calibration`` in
        ``design$postStrata``); a replicate design has each replicate
        calibrated to the same totals, as R's ``calibrate`` on ``svrep``.

    Raises
    ------
    MarginTotalsError
        Margins whose calibration variables are collinear in the sample and
        whose targets contradict that (e.g. two margins on the same column
        with different counts, a constant numeric column whose total is not
        that constant times the population): names the margins.
    OptionError
        ``bounds`` not a pair of numbers, ``max_iter`` not a whole number of
        at least 1, ``epsilon`` not a positive number.
    InfeasibleBoundsError
        Bounds that exclude 1 or are reversed, "logit" without finite bounds,
        or a margin level whose target needs g-weights outside them.
    ConvergenceError
        Newton's method did not reach the totals in ``max_iter`` iterations
        (for the full sample or a replicate; R stops for the first and only
        warns for the second): names the margin and level furthest off.
    LevelNotInSampleError, LevelNotInMarginError, PopulationCountError,
    WeightingMissingError, NotCategoricalError, MarginLevelError

    Warns
    -----
    MicropopWarning
        Linear calibration (or bounds below 0) gave negative weights, as R's
        ``calibrate`` can: the count, and how to avoid them.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"sex": ["f", "f", "m", "m"], "x": [1.0, 2.0, 3.0, 4.0],
    ...                    "w": 10.0})
    >>> des = SurveyDesign(df, weights="w").calibrate({"sex": {"f": 25, "m": 15}, "x": 90})
    >>> [round(v, 6) for v in des.weights]
    [12.5, 12.5, 7.5, 7.5]
    """
    require_design(design)
    if method not in CALIBRATION_METHODS:
        raise WeightingError(f"method={method!r} is not a calibration function",
                             hint="use one of " + ", ".join(map(repr, CALIBRATION_METHODS)))
    max_iter = check_number("max_iter", max_iter, low=1, integer=True)
    epsilon = check_number("epsilon", epsilon, low=0, low_open=True)
    lower, upper = _check_bounds(method, bounds)
    rows, weights = weight_matrix(design)
    active = rows & (weights[:, 0] > 0)
    margins = parse_margins(design.frame, active, population)
    check_totals(margins)
    check_carried(margins, weights)
    cell, x, labels = _model(margins, active)
    targets = _targets(margins)
    cell_weights = group_sums(cell, weights, x.shape[0])
    collinear = _check_consistent(x, cell_weights[:, 0], targets, labels)
    _check_reachable(margins, weights[:, 0], lower, upper, targets, x, cell_weights[:, 0])
    g = np.empty_like(cell_weights)
    iterations, misfit = 0, 0.0
    for c in range(cell_weights.shape[1]):
        g[:, c], steps, worst = _solve(x, cell_weights[:, c], targets, method, lower, upper,
                                       max_iter, epsilon, labels, replicate=c,
                                       generalised=collinear)
        if c == 0:
            iterations, misfit = steps, worst
    new = scaled(weights, cell, g)
    projection = GregProjection(cell, x, g[:, 0], weights[:, 0], generalised=collinear)
    step = WeightingStep(f"calibrate ({method})", tuple(margins), iterations, misfit,
                         weights[:, 0], projection)
    negative_ok = method == "linear" or lower < 0
    if negative_ok:
        _warn_negative(design, new, method)
    return with_weights(design, new, step, rtol=max(epsilon, MET_RTOL), negative_ok=negative_ok)


def _targets(margins: list[Margin]) -> np.ndarray:
    """The totals of the calibration variables of :func:`_model`, in its column order."""
    return np.concatenate([m.targets if k == 0 or not m.categorical else m.targets[1:]
                           for k, m in _indexed(margins)])


def check_consistent(margins: list[Margin], active: np.ndarray, weights: np.ndarray) -> bool:
    """Raise MarginTotalsError if collinear margins have contradicting targets.

    For raking and post-stratification, whose margins are categorical.

    Parameters
    ----------
    margins : list of Margin
        The parsed margins (:func:`~micropop.weighting.margins.parse_margins`).
    active : ndarray of bool, shape (n,)
        The rows weighted.
    weights : ndarray, shape (n,)
        The design weights.

    Returns
    -------
    bool
        Whether the margins are collinear (with consistent targets).

    Raises
    ------
    MarginTotalsError
        Collinear margins whose targets contradict each other.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.weighting.margins import parse_margins
    >>> df = pd.DataFrame({"sex": ["f", "m"], "sex2": ["f", "m"]})
    >>> rows = np.ones(2, dtype=bool)
    >>> margins = parse_margins(df, rows, {"sex": {"f": 3, "m": 2}, "sex2": {"f": 3, "m": 2}})
    >>> check_consistent(margins, rows, np.ones(2))
    True
    >>> margins = parse_margins(df, rows, {"sex": {"f": 3, "m": 2}, "sex2": {"f": 4, "m": 1}})
    >>> check_consistent(margins, rows, np.ones(2))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    micropop.errors.MarginTotalsError: ...
    """
    cell, x, labels = _model(margins, active)
    d = np.bincount(cell[cell >= 0], weights=weights[cell >= 0], minlength=x.shape[0])
    return _check_consistent(x, d, _targets(margins), labels)


def _check_consistent(x: np.ndarray, d: np.ndarray, targets: np.ndarray,
                      labels: list[tuple[str, str]]) -> bool:
    """Whether the calibration variables are collinear on the sample; raise if the targets
    break a dependency that holds in every row (no weights could meet them)."""
    gram = x.T @ (x * d[:, None])
    scale = np.sqrt(np.diag(gram))
    scale[scale == 0] = 1.0
    values, vectors = np.linalg.eigh(gram / np.outer(scale, scale))
    null = values <= _COLLINEAR_RTOL * max(values.max(initial=0.0), 1.0)
    if not null.any():
        return False
    t = targets / scale
    for u in vectors[:, null].T:
        if abs(u @ t) > _CONSISTENT_RTOL * (np.abs(u) @ np.abs(t)):
            involved = np.abs(u) > 1e-6 * np.abs(u).max()
            names = list(dict.fromkeys(labels[j][0] for j in np.flatnonzero(involved)))
            shown = ", ".join(repr(n) for n in names)
            raise MarginTotalsError(
                f"the targets of margins {shown} contradict each other: in the sample their "
                "calibration variables are linearly dependent (a margin given twice, a cross "
                "beside its own margin, a numeric column that is constant or a sum of "
                "others), so no weights can meet targets that break that dependency",
                hint="drop the redundant margin, or take their targets from the same "
                     "population so that they agree")
    return True


def _warn_negative(design: Design, weights: np.ndarray, method: str) -> None:
    """Warn, as a count and with the way out, when calibration gave negative weights."""
    negative = weights < 0
    if not negative.any():
        return
    rows = np.flatnonzero(negative[:, 0])
    replicates = int(negative[:, 1:].any(axis=0).sum())
    where = (f" in {design_rows(design, negative[:, 0], weights[rows, 0])}"
             if rows.size else "")
    extra = f" (and in {replicates} replicate(s))" if replicates else ""
    warnings.warn(f"calibration ({method}) gave {rows.size} negative weight(s){where}{extra}, "
                  "as R's calibrate can; estimates remain unbiased but a negative weight "
                  "cannot be read as a number of persons. To keep weights positive, give "
                  "bounds=(low, high) with low >= 0, or use method='raking' or 'logit'",
                  MicropopWarning, stacklevel=3)


def _indexed(margins: list[Margin]) -> Iterator[tuple[int, Margin]]:
    """Margins with the rank of each among the categorical ones (-1 for numeric)."""
    k = 0
    for margin in margins:
        yield (k if margin.categorical else -1), margin
        k += margin.categorical


def _model(margins: list[Margin],
           active: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[tuple[str, str]]]:
    """Cell of each row, calibration variables per cell (C, q) and column labels.

    The first categorical margin gives one indicator per level (it spans R's
    intercept); later ones drop their first level (R's treatment contrasts),
    so the columns are linearly independent when the margins are.
    """
    categorical = [m for m in margins if m.categorical]
    per_margin: np.ndarray | list[np.ndarray]
    if len(categorical) == len(margins):
        cell, levels = cells(margins)
        per_margin = levels
    else:
        cell = np.where(active, np.arange(len(active)), -1).astype(np.intp)
        per_margin = [m.level_codes for m in categorical]
    blocks: list[np.ndarray] = []
    labels: list[tuple[str, str]] = []
    k = 0
    for rank, margin in _indexed(margins):
        if margin.values is None:  # categorical
            codes = per_margin[k]
            k += 1
            names = margin.level_names
            keep = range(len(names)) if rank == 0 else range(1, len(names))
            blocks += [(codes == level).astype(float) for level in keep]
            labels += [(margin.name, names[level]) for level in keep]
        else:
            blocks.append(margin.values)
            labels.append((margin.name, "(total)"))
    return cell, np.column_stack(blocks), labels


def _check_bounds(method: str, bounds: Any) -> tuple[float, float]:
    if bounds is None:
        lower, upper = -np.inf, np.inf
    else:
        if isinstance(bounds, (str, bytes, Mapping)) or not hasattr(bounds, "__len__") or len(
                bounds) != 2:
            raise OptionError(f"bounds={bounds!r} is not a pair (low, high)",
                              hint="give bounds on the g-weights such as bounds=(0.5, 2)")
        lower = check_number("bounds[0]", bounds[0], allow_inf=True)
        upper = check_number("bounds[1]", bounds[1], allow_inf=True)
    if method == "logit" and not (np.isfinite(lower) and np.isfinite(upper)):
        raise InfeasibleBoundsError("logit calibration needs finite bounds (R: 'Logit "
                                    "calibration requires finite bounds')",
                                    hint="pass bounds=(low, high) with low < 1 < high")
    if not lower < 1 < upper:
        raise InfeasibleBoundsError(f"bounds ({lower:g}, {upper:g}) on the g-weights must "
                                    "satisfy low < 1 < high",
                                    hint="g-weights start at 1 (the design weights); e.g. "
                                         "bounds=(0.5, 2)")
    return lower, upper


def _rescale(targets: np.ndarray, x: np.ndarray, d: np.ndarray) -> float:
    """R's grake rescaling factor (1 when not every target is 20 times its sample total)."""
    sample = x.T @ d
    with np.errstate(divide="ignore", invalid="ignore"):
        scales = targets / sample
    return float(np.mean(scales)) if np.min(scales) > _RESCALE_THRESHOLD else 1.0


def _check_reachable(margins: list[Margin], d: np.ndarray, lower: float, upper: float,
                     targets: np.ndarray, x: np.ndarray, d_cells: np.ndarray) -> None:
    """Raise when a level's target needs a mean g-weight outside the bounds."""
    if not (np.isfinite(lower) or np.isfinite(upper)):
        return
    scale = _rescale(targets, x, d_cells)
    for margin in margins:
        if not margin.categorical:
            continue
        ratio = margin.targets / (scale * margin.achieved(d))
        off = np.flatnonzero((ratio < lower) | (ratio > upper))
        if off.size:
            k = off[0]
            raise InfeasibleBoundsError(
                f"bounds ({lower:g}, {upper:g}) are infeasible: margin {margin.name!r} level "
                f"{margin.level_names[k]!r} needs its weights multiplied by {ratio[k]:.4g} on "
                "average", hint=f"widen the bounds to include {ratio[k]:.4g}, or collapse "
                                "that level with a neighbour")


def _solve(x: np.ndarray, d: np.ndarray, targets: np.ndarray, method: str, lower: float,
           upper: float, max_iter: int, epsilon: float, labels: list[tuple[str, str]],
           replicate: int, generalised: bool = False) -> tuple[np.ndarray, int, float]:
    """g-weights per cell for weights ``d`` per cell: R's regcalibrate or grake."""
    if method == "linear" and not (np.isfinite(lower) or np.isfinite(upper)):
        gram = x.T @ (x * d[:, None])
        g = 1 + x @ solve_gram(gram, targets - x.T @ d, generalised)
        return g, 1, _misfit(targets, x.T @ (d * g))
    scale = _rescale(targets, x, d)
    d = d * scale
    sample = x.T @ d
    eta = np.zeros(x.shape[1])
    u = x @ eta
    deriv = _derivative(method, u, lower, upper)
    previous = sample  # totals under the last finite g-weights (g = 1 to start)
    bounded = bool(np.isfinite(lower) or np.isfinite(upper))
    iteration = 1
    while True:
        gram = x.T @ (x * (d * deriv)[:, None])
        step = solve_gram(gram, targets - sample - x.T @ (d * _fm1(method, u, lower, upper)),
                          generalised)
        eta = eta + step
        u = x @ eta
        g, deriv = 1 + _fm1(method, u, lower, upper), _derivative(method, u, lower, upper)
        while iteration < max_iter and not (np.all(np.isfinite(g))
                                             and np.all(np.isfinite(deriv))):
            iteration += 1  # R's step halving
            step = step / 2
            eta = eta - step
            u = x @ eta
            g, deriv = 1 + _fm1(method, u, lower, upper), _derivative(method, u, lower, upper)
        with np.errstate(over="ignore", invalid="ignore"):
            achieved = x.T @ (d * g)
        if not (np.isfinite(g).all() and np.isfinite(deriv).all() and np.isfinite(achieved).all()):
            _not_converged(method, targets, previous, labels, iteration, replicate, bounded,
                           diverged=True)
        worst = _misfit(targets, achieved)
        if worst < epsilon:
            return g * scale, iteration, worst
        previous = achieved
        iteration += 1
        if iteration > max_iter:
            _not_converged(method, targets, achieved, labels, max_iter, replicate, bounded)


def _misfit(targets: np.ndarray, achieved: np.ndarray) -> float:
    """R's grake criterion: the largest ``|T - achieved| / (1 + |T|)``."""
    return float(np.max(np.abs(targets - achieved) / (1 + np.abs(targets))))


def _fm1(method: str, u: np.ndarray, lower: float, upper: float) -> np.ndarray:
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


def _derivative(method: str, u: np.ndarray, lower: float, upper: float) -> np.ndarray:
    """R's calfun ``dF`` (for raking, exp(u) where the bounds do not bind)."""
    if method == "linear":
        return ((u < upper - 1) & (u > lower - 1)).astype(float)
    if method == "raking":
        with np.errstate(over="ignore"):
            e = np.exp(u)
        return np.where((e < upper) & (e > lower), e, 0.0)
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
