"""Trimming extreme weights, as R's ``trimWeights``."""

from __future__ import annotations

import numpy as np

from micropop.design.encode import design_rows, require_design
from micropop.errors import (
    ConvergenceError,
    InfeasibleBoundsError,
    WeightingError,
    check_number,
    check_option,
)
from micropop.weighting._design import DesignT, WeightingStep, weight_matrix, with_weights

__all__ = ["trim"]

# strict=True repeats until no weight is outside the bounds by more than this share of the
# mean weight (the repeats converge geometrically, not always in finitely many steps) ...
_STRICT_RTOL = 1e-12
# ... within this many rounds.
_MAX_ROUNDS = 10_000


def trim(design: DesignT, lower: float = -np.inf, upper: float = np.inf,
         strict: bool = False) -> DesignT:
    """Trim weights to ``[lower, upper]``, sharing the excess out (R's ``trimWeights``).

    As R: weights outside the bounds are set to the bound, and the total
    trimmed off (or added) is spread equally, as the same amount added to
    every weight that was inside, which keeps the total weight. That can push
    a weight past a bound again; ``strict=True`` repeats until none is
    outside. Linearised variances keep any earlier calibration term, as R
    does. On a replicate design each replicate weight column is trimmed the
    same way, among the rows that replicate keeps (R's ``trimWeights`` method
    for replicate designs leaves the sampling weights untrimmed, survey 4.1.1,
    and lifts the zero weights of the rows a replicate drops to ``lower``;
    micropop trims both, and a row a replicate drops stays at zero).

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    lower, upper : float
        Bounds on the weights themselves (not on g-weights); ``-inf`` and
        ``inf`` (the defaults) for none. NaN and text are refused.
    strict : bool, default False
        Repeat until every weight is within the bounds (to a relative
        ``1e-12`` of the mean weight).

    Returns
    -------
    SurveyDesign or ReplicateDesign
        A new design (the same weights if none is outside the bounds).

    Raises
    ------
    InfeasibleBoundsError
        ``lower > upper``, bounds that cannot hold the total weight
        (``upper x rows < total`` or ``lower x rows > total``, in the sample
        or in a replicate), or every weight outside them (none left to take
        the excess; R divides by zero).
    WeightingError
        Without ``strict``, the excess shared out pushed a weight below zero.
    OptionError
        A bound that is not a number (NaN, text), or ``strict`` not a boolean.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"w": [1.0, 2.0, 3.0, 14.0]})
    >>> SurveyDesign(df, weights="w").trim(upper=8).weights.tolist()
    [3.0, 4.0, 5.0, 8.0]
    """
    require_design(design)
    lower = check_number("lower", lower, allow_inf=True)
    upper = check_number("upper", upper, allow_inf=True)
    check_option("strict", strict, (False, True))
    rows, weights = weight_matrix(design, negative_ok=True)
    active = rows & (weights[:, 0] != 0)  # negative weights (linear calibration) take part
    live = active[:, None] & (weights != 0)  # each column's own sample (a replicate drops rows)
    n = live.sum(axis=0)
    total = weights.sum(axis=0, where=live)
    infeasible = (lower > upper) | (upper * n < total) | (lower * n > total)
    if infeasible.any():
        column = int(np.flatnonzero(infeasible)[0])
        where = f" of replicate {column}" if column else ""
        raise InfeasibleBoundsError(
            f"trimming bounds ({lower:g}, {upper:g}) cannot hold the total weight{where} "
            f"{total[column]:,.6g} of its {n[column]} rows (mean weight "
            f"{total[column] / n[column]:,.6g})", hint="choose lower <= mean weight <= upper")
    new = weights.copy()
    slack = _STRICT_RTOL * total / n if strict else np.zeros_like(total)
    rounds = 0
    while True:
        outside = live & ((new < lower - slack) | (new > upper + slack))
        if not outside.any():
            break
        if rounds == _MAX_ROUNDS:
            raise ConvergenceError(f"trimming to ({lower:g}, {upper:g}) did not settle in "
                                   f"{_MAX_ROUNDS} rounds", hint="widen the bounds")
        rounds += 1
        clipped = np.clip(new, lower, upper)
        inside = live & ~outside
        inside_count = inside.sum(axis=0)
        excess = (new - clipped).sum(axis=0, where=outside)
        stuck = (inside_count == 0) & (excess != 0)
        if stuck.any():
            column = int(np.flatnonzero(stuck)[0])
            where = f" of replicate {column}" if column else ""
            raise InfeasibleBoundsError(
                f"every weight{where} lies outside the trimming bounds ({lower:g}, {upper:g}), "
                "so none is left to take up the weight trimmed off",
                hint="widen the bounds so that some weights lie within them")
        share = np.divide(excess, inside_count, out=np.zeros(len(excess)),
                          where=inside_count > 0)
        new = np.where(outside, clipped, np.where(inside, new + share, new))
        if not strict:
            break
    negative = active[:, None] & (new < 0)
    if negative.any():
        column = int(np.flatnonzero(negative.any(axis=0))[0])
        where = f" (replicate {column})" if column else ""
        bad = negative[:, column]
        raise WeightingError(
            f"trimming to lower={lower:g} shared the weight it added out of the other weights "
            f"(as R's trimWeights), which left negative weights{where} in "
            f"{design_rows(design, bad, new[bad, column])}",
            hint="use strict=True to repeat until every weight is within the bounds, or a "
                 "lower bound further below the mean weight")
    step = WeightingStep("trim", (), rounds, 0.0, weights[:, 0], None)
    return with_weights(design, new, step,
                        preserved=("total weight", np.where(active, 0, -1), ["(all rows)"]))
