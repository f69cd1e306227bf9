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
from collections.abc import Mapping
from typing import Any

import numpy as np

from micropop.design._core import Design
from micropop.design.encode import design_rows, require_design
from micropop.errors import (
    MarginTotalsError,
    MicropopWarning,
    OptionError,
    WeightingError,
    check_number,
    check_option,
)
from micropop.weighting._calibration_options import (
    aggregate_groups,
    check_bounds,
    check_reachable,
    group_means,
    working_variance,
)
from micropop.weighting._design import DesignT, WeightingStep, scaled, weight_matrix, with_weights
from micropop.weighting._grake import Bound, solve
from micropop.weighting._model import model_matrix, model_targets
from micropop.weighting._projection import GregProjection, group_sums
from micropop.weighting._stage_calibration import calibrate_within
from micropop.weighting.margins import (
    MET_RTOL,
    Margin,
    MarginSpec,
    check_carried,
    check_totals,
    parse_margins,
)

__all__ = ["CALIBRATION_METHODS", "calibrate", "check_consistent"]

#: Calibration functions (R's ``calfun``).
CALIBRATION_METHODS = ("linear", "raking", "logit")

# Calibration variables are collinear in the sample along an eigenvector of their
# (equilibrated) weighted cross-product whose eigenvalue is below this share of the largest.
_COLLINEAR_RTOL = 1e-12

# Targets are consistent along such a direction when they satisfy it to this relative tolerance.
_CONSISTENT_RTOL = 1e-6


def calibrate(design: DesignT, population: Mapping[Any, MarginSpec], method: str = "linear",
              bounds: tuple[Any, Any] | None = None, max_iter: int = 50,
              epsilon: float = 1e-7, *, variance: Any = None, bounds_const: bool = False,
              aggregate: int | None = None, stage: int | None = None) -> DesignT:
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
        (finite) for "logit". Either may also be per row: an array or Series
        with one number per row of ``design.data`` (R's ``bounds = list(lower
        = , upper = )``).
    max_iter : int, default 50
        Newton iterations (R's ``maxit``).
    epsilon : float, default 1e-7
        Tolerance on ``|T - achieved| / (1 + |T|)`` (R's ``epsilon``).
    variance : str or array-like, optional
        Working variance of each row (R's ``variance=`` as a vector): a
        column name, or one positive number per row of ``design.data``. The
        g-weights become ``1 + F(x' eta / variance)``: with a numeric total as
        only margin and ``variance`` that same column, the ratio estimator
        (R's ``calibrate(des, ~x - 1, pop, variance = x)``). Unbounded linear
        calibration also weights its variance regression by
        ``1 / variance``, as R's ``regcalibrate``; the other methods leave it
        out of the variance, as R's ``calibrate``.
    bounds_const : bool, default False
        ``bounds`` bound the calibrated weights themselves rather than the
        g-weights (R's ``bounds.const = TRUE``): ``low <= w_i <= high``, i.e.
        g-weights between ``low / d_i`` and ``high / d_i``. On replicate
        designs the same g-bounds hold in every replicate (R 4.1.1 ignores
        ``bounds.const`` there).
    aggregate : int, optional
        Keep one weight per sampled unit of this stage (R's
        ``aggregate.stage``; 1: the PSUs): each row's calibration variables
        (and working variance) are their means over its unit, so every row of
        a unit gets the same g-weight. Needs a design with stages whose design
        weights are constant within each unit of that stage. (Unlike R, the
        working variance is averaged for every method, not only unbounded
        linear calibration, so that the weights stay constant within units.)
    stage : int, optional
        Calibrate within each sampled unit of this stage (R's ``stage=``; 1:
        within each PSU of a multistage design) to that unit's own totals:
        ``population`` is then a list with one mapping of totals per unit, in
        the order the units first appear in the data (R's list of totals per
        cluster). Linear calibration only (R ignores ``stage`` otherwise),
        with ``variance`` allowed; the conditional weights within each unit
        (the design weight over the weight of stages 1 to ``stage``, from
        their fpc) meet its totals. Linearised variances use the residuals
        within each unit for the variance of the later stages only, as R's
        ``multistage``. 0 or None: calibrate the whole sample.

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
        ``stage`` on a replicate design, not below the design's number of
        stages, without the fpc of stages 1 to ``stage``, with another method,
        bounds or ``aggregate``, or with ``population`` not one mapping per
        unit.
        ``bounds`` not a pair of numbers (or arrays of per-row numbers),
        ``max_iter`` not a whole number of at least 1, ``epsilon`` not a
        positive number; ``variance`` not a positive finite number in every
        row; ``aggregate`` on a replicate design, beyond the design's stages,
        on a stage of single rows, or with per-row bounds varying within a
        unit.
    InfeasibleBoundsError
        Bounds that exclude 1 or are reversed (in any row, for per-row bounds;
        with ``bounds_const``, a design weight outside them), "logit" without
        finite bounds, or a margin level whose target needs weights outside
        the bounds of its rows.
    WeightingError
        ``aggregate`` on a stage whose units have varying design weights
        (names one such unit's rows).
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

    The ratio estimator: weights proportional to the design weights, scaled
    so that ``x`` reaches its total:

    >>> des = SurveyDesign(df, weights="w").calibrate({"x": 120}, variance="x")
    >>> [round(v, 6) for v in des.weights]
    [12.0, 12.0, 12.0, 12.0]
    """
    require_design(design)
    if method not in CALIBRATION_METHODS:
        raise WeightingError(f"method={method!r} is not a calibration function",
                             hint="use one of " + ", ".join(map(repr, CALIBRATION_METHODS)))
    max_iter = check_number("max_iter", max_iter, low=1, integer=True)
    epsilon = check_number("epsilon", epsilon, low=0, low_open=True)
    if stage is not None and check_number("stage", stage, low=0, integer=True) > 0:
        return calibrate_within(design, population, stage, method, bounds, bounds_const,
                                aggregate, variance)
    rows, weights = weight_matrix(design)
    active = rows & (weights[:, 0] > 0)
    check_option("bounds_const", bounds_const, (False, True))
    lower, upper = check_bounds(design, active, weights[:, 0], method, bounds, bounds_const)
    sigma2 = working_variance(design, active, variance)
    groups = aggregate_groups(design, active, weights[:, 0], aggregate)
    margins = parse_margins(design.frame, active, population)
    check_totals(margins)
    check_carried(margins, weights)
    cell, x, labels = model_matrix(margins, active)
    if sigma2 is not None or groups is not None or np.ndim(lower) > 0:
        cell, x, sigma2, lower, upper = _per_row(cell, x, active, groups, sigma2, lower, upper)
    targets = model_targets(margins)
    cell_weights = group_sums(cell, weights, x.shape[0])
    collinear = _check_consistent(x, cell_weights[:, 0], targets, labels)
    check_reachable(margins, weights[:, 0], _on_rows(lower, cell), _on_rows(upper, cell),
                    targets, x, cell_weights[:, 0])
    g = np.empty_like(cell_weights)
    iterations, misfit = 0, 0.0
    for c in range(cell_weights.shape[1]):
        g[:, c], steps, worst = solve(x, cell_weights[:, c], targets, method, lower, upper,
                                      max_iter, epsilon, labels, replicate=c,
                                      generalised=collinear, sigma2=sigma2)
        if c == 0:
            iterations, misfit = steps, worst
    new = scaled(weights, cell, g)
    # R's regcalibrate (linear, unbounded) regresses with the working variance; grake does not
    closed_form = method == "linear" and not (np.isfinite(lower).any()
                                              or np.isfinite(upper).any())
    projection = GregProjection(cell, x, g[:, 0], weights[:, 0], generalised=collinear,
                                variance=sigma2 if closed_form else None)
    step = WeightingStep(f"calibrate ({method})", tuple(margins), iterations, misfit,
                         weights[:, 0], projection)
    negative_ok = method == "linear" or bool(np.min(lower) < 0)
    if negative_ok:
        _warn_negative(design, new, method)
    return with_weights(design, new, step, rtol=max(epsilon, MET_RTOL), negative_ok=negative_ok)


def _per_row(cell: np.ndarray, x: np.ndarray, active: np.ndarray, groups: np.ndarray | None,
             sigma2: np.ndarray | None, lower: Bound, upper: Bound
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, Bound, Bound]:
    """One cell per active row (rows no longer share g-weights by their variables alone).

    With ``groups`` (``aggregate=``), each row's calibration variables and
    working variance are their means over its unit, as R's ``ave``.
    """
    x = x[cell[active]]
    if sigma2 is not None:
        sigma2 = sigma2[active]
    if groups is not None:
        x = group_means(groups[active], x)
        if sigma2 is not None:
            sigma2 = group_means(groups[active], sigma2[:, None])[:, 0]
    per_row = np.full(len(active), -1, dtype=np.intp)
    per_row[active] = np.arange(int(active.sum()))
    if np.ndim(lower) > 0:
        lower, upper = np.asarray(lower)[active], np.asarray(upper)[active]
        spread = np.column_stack([lower, upper])
        if groups is not None and not np.allclose(group_means(groups[active], spread), spread,
                                                  rtol=1e-12, atol=0):
            raise OptionError("aggregate= keeps one weight per unit, so the bounds must be the "
                              "same for every row of a unit; they vary within a unit here",
                              hint="give per-unit bounds (one value per unit, repeated on its "
                                   "rows), or bounds=(low, high)")
    return per_row, x, sigma2, lower, upper


def _on_rows(bound: Bound, cell: np.ndarray) -> Bound:
    """Per-cell bounds spread over the rows of the data (inf outside every cell)."""
    if np.ndim(bound) == 0:
        return bound
    out = np.full(len(cell), np.inf)
    out[cell >= 0] = np.asarray(bound)[cell[cell >= 0]]
    return out


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
    cell, x, labels = model_matrix(margins, active)
    d = np.bincount(cell[cell >= 0], weights=weights[cell >= 0], minlength=x.shape[0])
    return _check_consistent(x, d, model_targets(margins), labels)


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


