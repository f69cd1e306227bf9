"""Calibration's per-row options, as R's ``calibrate``: working variance, bounds, aggregation.

- ``variance``: the working variance ``sigma2_i`` of each row (R's
  ``variance=``, a vector): the g-weights become ``1 + F(x_i' eta /
  sigma2_i)``; ``variance`` proportional to ``x`` with ``x`` as only
  calibration variable gives the ratio estimator.
- ``bounds``: bounds on the g-weights, one pair, or one number per row for
  either (R's ``bounds = list(lower = , upper = )``); with
  ``bounds_const`` they bound the weights themselves (R's ``bounds.const =
  TRUE``: ``L / d_i <= g_i <= U / d_i``).
- ``aggregate``: the sampled units of a stage keep one weight (R's
  ``aggregate.stage``): the calibration variables (and working variance) of
  each row are replaced by their means over its unit, so every row of a unit
  gets the same g-weight.

Each check names the argument, rows or unit it refuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from micropop.design._core import Design
from micropop.design.encode import design_rows, require_columns
from micropop.errors import InfeasibleBoundsError, OptionError, WeightingError, check_number
from micropop.weighting._grake import Bound, rescale
from micropop.weighting._projection import group_sums
from micropop.weighting.margins import Margin

__all__ = ["aggregate_groups", "check_bounds", "check_reachable", "group_means",
           "working_variance"]

# Weights count as constant within an aggregated unit to this relative tolerance.
_CONSTANT_RTOL = 1e-9


def row_values(design: Design, rows: np.ndarray, value: Any, name: str) -> np.ndarray:
    """Finite numbers over all rows of the data (NaN outside the scope) from a column or array.

    A column name; a Series, aligned on the data's index; or an array with one
    value per row of the data or per row of the design's scope.
    """
    frame = design.frame
    scope = frame.index[rows]
    if isinstance(value, str):
        require_columns(frame, [value])
        values, shown = frame[value][rows], f"{name} (column {value!r})"
    elif isinstance(value, pd.Series):
        shown = name
        absent = ~scope.isin(value.index)
        if not value.index.is_unique or absent.any():
            raise OptionError(f"{name} is a Series whose index does not give one value to "
                              "each row of the design (repeated or missing labels)",
                              hint="give a Series with the index of des.data, an array in "
                                   "its row order, or a column name")
        values = value.reindex(scope)
    elif np.ndim(value) != 1 or len(value) not in (len(frame), len(scope)):
        given = f"={value!r}" if np.ndim(value) == 0 else f" (of shape {np.shape(value)})"
        raise OptionError(f"{name}{given} is neither a column name nor one number per row",
                          hint=f"give a column name, or {len(scope)} numbers (one per row "
                               "of des.data)")
    else:
        values, shown = pd.Series(np.asarray(value, dtype=object)), name
        values = (values[rows] if len(values) == len(frame) else values).set_axis(scope)
    numbers = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    bad = ~np.isfinite(numbers)
    if bad.any():
        raise OptionError(f"{shown} is not a finite number in "
                          f"{design_rows(design, bad, values[bad])}",
                          hint="give a number for every row of the design")
    out = np.full(len(frame), np.nan)
    out[rows] = numbers
    return out


def working_variance(design: Design, active: np.ndarray, variance: Any) -> np.ndarray | None:
    """R's ``variance=``: the working variance of each row (n,), 1 outside ``active``."""
    if variance is None:
        return None
    sigma2 = row_values(design, design.rows, variance, "variance")
    bad = active & ~(sigma2 > 0)
    if bad.any():
        raise OptionError("variance must be positive (a working variance, one per row), not "
                          f"{design_rows(design, bad, sigma2[bad])}",
                          hint="use a positive size variable, e.g. variance='x' for the ratio "
                               "estimator of x (drop or recode its zeros)")
    return np.where(active, sigma2, 1.0)


def _bound(design: Design, value: Any, which: str) -> Bound:
    if not isinstance(value, str) and np.ndim(value) == 1:
        per_row: np.ndarray = np.nan_to_num(
            row_values(design, design.rows, value, f"bounds[{which}]"),
            nan=np.inf * (1 if which == "1" else -1))
        return per_row
    number: float = check_number(f"bounds[{which}]", value, allow_inf=True)
    return number


def check_bounds(design: Design, active: np.ndarray, d: np.ndarray, method: str, bounds: Any,
                 bounds_const: bool) -> tuple[Bound, Bound]:
    """The bounds on the g-weights: numbers, or one per row of the data (n,).

    ``bounds`` is None or a pair whose elements are numbers or one number per
    row (an array or Series); with ``bounds_const`` they bound the weights and are
    divided by the design weights ``d`` (R's ``bounds.const``).
    """
    lower: Any
    upper: Any
    if bounds is None:
        lower, upper = -np.inf, np.inf
    else:
        if isinstance(bounds, (str, bytes, Mapping)) or not hasattr(bounds, "__len__") or len(
                bounds) != 2:
            raise OptionError(f"bounds={bounds!r} is not a pair (low, high)",
                              hint="give bounds on the g-weights such as bounds=(0.5, 2), or "
                                   "arrays of per-row bounds")
        lower, upper = _bound(design, bounds[0], "0"), _bound(design, bounds[1], "1")
    per_row = np.ndim(lower) > 0 or np.ndim(upper) > 0
    if bounds_const:
        with np.errstate(divide="ignore", invalid="ignore"):
            lower = np.where(d > 0, lower / d, lower)
            upper = np.where(d > 0, upper / d, upper)
        per_row = True
    what = "weights" if bounds_const else "g-weights"
    if method == "logit" and not (np.isfinite(lower).all() and np.isfinite(upper).all()):
        raise InfeasibleBoundsError("logit calibration needs finite bounds (R: 'Logit "
                                    "calibration requires finite bounds')",
                                    hint="pass bounds=(low, high) with low < 1 < high")
    if not per_row:
        if not lower < 1 < upper:
            raise InfeasibleBoundsError(f"bounds ({lower:g}, {upper:g}) on the g-weights must "
                                        "satisfy low < 1 < high",
                                        hint="g-weights start at 1 (the design weights); e.g. "
                                             "bounds=(0.5, 2)")
        return float(lower), float(upper)
    lower, upper = np.broadcast_to(lower, d.shape), np.broadcast_to(upper, d.shape)
    bad = active & ~((lower < 1) & (upper > 1))
    if bad.any():
        pairs = zip(lower[bad], upper[bad], strict=True)
        shown = design_rows(design, bad, d[bad] if bounds_const else
                            [f"({lo:g}, {hi:g})" for lo, hi in pairs])
        raise InfeasibleBoundsError(
            f"the bounds on the {what} must bracket every design weight (low < 1 < high on "
            f"the g-weights, which start at 1), not in {shown}",
            hint="widen the bounds of those rows" + (
                " to include their design weights" if bounds_const else ""))
    return lower.astype(float), upper.astype(float)


def check_reachable(margins: list[Margin], d: np.ndarray, lower: Bound, upper: Bound,
                    targets: np.ndarray, x: np.ndarray, d_cells: np.ndarray) -> None:
    """Raise when a level's target needs weights outside the bounds of its rows.

    With bounds ``L_i <= g_i <= U_i`` (numbers, or per row over the data), a
    level can reach at most ``sum d_i U_i`` and at least ``sum d_i L_i`` over
    its rows (after R's rescaling).
    """
    if not (np.isfinite(lower).any() or np.isfinite(upper).any()):
        return
    scale = rescale(targets, x, d_cells)
    positive = d > 0
    per_row = np.ndim(lower) > 0
    for margin in margins:
        if not margin.categorical:
            continue
        codes = np.where(positive, margin.level_codes, -1)
        size = len(margin.level_names)
        reach = []
        for bound in (lower, upper):
            on_rows = np.broadcast_to(bound, d.shape)[:, None]
            with np.errstate(invalid="ignore"):
                reach.append(scale * group_sums(codes, d[:, None] * on_rows, size)[:, 0])
        achieved = scale * margin.achieved(d)
        off = np.flatnonzero((margin.targets < reach[0]) | (margin.targets > reach[1]))
        if off.size:
            k = off[0]
            ratio = margin.targets[k] / achieved[k]
            shown = "the bounds given per row" if per_row else f"bounds ({lower:g}, {upper:g})"
            raise InfeasibleBoundsError(
                f"{shown} are infeasible: margin {margin.name!r} level "
                f"{margin.level_names[k]!r} needs its weights multiplied by {ratio:.4g} on "
                f"average, but its rows reach between {reach[0][k] / achieved[k]:.4g} and "
                f"{reach[1][k] / achieved[k]:.4g}",
                hint=f"widen the bounds to include {ratio:.4g}, or collapse that level with "
                     "a neighbour")


def aggregate_groups(design: Design, active: np.ndarray, d: np.ndarray,
                     aggregate: Any) -> np.ndarray | None:
    """R's ``aggregate.stage``: the unit of stage ``aggregate`` holding each row (n,), or None.

    Refused on replicate designs (no stages), beyond the design's stages, on a
    stage whose units are single rows, and when the design weights vary
    within a unit (R would then miss the targets).
    """
    if aggregate is None:
        return None
    stage = check_number("aggregate", aggregate, low=1, integer=True)
    stages = getattr(design, "stages", None)
    if design.is_replicate or stages is None:
        raise OptionError("aggregate= needs a design with sampling stages; a replicate design "
                          "has none",
                          hint="calibrate the SurveyDesign with aggregate=, then make its "
                               "replicates")
    if stage > len(stages):
        raise OptionError(f"aggregate={stage} is beyond the design's {len(stages)} stage(s)",
                          hint=f"give a stage from 1 to {len(stages)} (1: the PSUs)")
    groups: np.ndarray = np.where(active, stages[stage - 1].cluster, -1)
    if np.unique(groups[active]).size == int(active.sum()):
        raise OptionError(f"aggregate={stage}: the units of stage {stage} are single rows, "
                          "so there is nothing to aggregate",
                          hint="drop aggregate=, or give the stage of the clusters (psu=)")
    size = int(groups.max()) + 1
    low = np.full(size, np.inf)
    high = np.full(size, -np.inf)
    np.minimum.at(low, groups[active], d[active])
    np.maximum.at(high, groups[active], d[active])
    varying = np.flatnonzero(high - low > _CONSTANT_RTOL * high)
    if varying.size:
        rows = active & np.isin(groups, varying[:1])
        raise WeightingError(
            f"aggregate={stage} needs the design weights constant within each unit of stage "
            f"{stage}, but they vary in the unit of {design_rows(design, rows, d[rows])}",
            hint="calibrate without aggregate=, or aggregate at a stage whose units have "
                 "one weight")
    return groups


def group_means(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` (m, k) replaced by their mean over the rows of their group (R's ``ave``)."""
    size = int(groups.max()) + 1
    counts = np.bincount(groups, minlength=size).astype(float)
    means = group_sums(groups, values, size) / np.maximum(counts, 1)[:, None]
    out: np.ndarray = means[groups]
    return out
