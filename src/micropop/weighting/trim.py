"""Trimming extreme weights, as R's ``trimWeights``."""

from __future__ import annotations

import numpy as np

from micropop.errors import (ConvergenceError, InfeasibleBoundsError, WeightingError,
                             check_number, check_option, describe_rows)
from micropop.weighting._design import WeightingStep, weight_matrix, with_weights

__all__ = ["trim"]

# strict=True repeats until no weight is outside the bounds by more than this share of the
# mean weight (the repeats converge geometrically, not always in finitely many steps) ...
_STRICT_RTOL = 1e-12
# ... within this many rounds.
_MAX_ROUNDS = 10_000


def trim(design, lower: float = -np.inf, upper: float = np.inf, strict: bool = False):
    """Trim weights to ``[lower, upper]``, sharing the excess out (R's ``trimWeights``).

    As R: weights outside the bounds are set to the bound, and the total
    trimmed off (or added) is spread equally, as the same amount added to
    every weight that was inside, which keeps the total weight. That can push
    a weight past a bound again; ``strict=True`` repeats until none is
    outside. Linearised variances keep any earlier calibration term, as R
    does. On a replicate design each replicate weight column is trimmed the
    same way (R's ``trimWeights`` method for replicate designs leaves the
    sampling weights untrimmed, survey 4.1.1; micropop trims both).

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
        (``upper x rows < total`` or ``lower x rows > total``), or every
        weight outside them (none left to take the excess; R divides by zero).
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
    lower = check_number("lower", lower, allow_inf=True)
    upper = check_number("upper", upper, allow_inf=True)
    check_option("strict", strict, (False, True))
    rows, weights = weight_matrix(design)
    active = rows & (weights[:, 0] > 0)
    n = int(active.sum())
    total = weights[active].sum(axis=0)
    if lower > upper or np.any(upper * n < total) or np.any(lower * n > total):
        raise InfeasibleBoundsError(
            f"trimming bounds ({lower:g}, {upper:g}) cannot hold the total weight "
            f"{total[0]:,.6g} of {n} rows (mean weight {total[0] / n:,.6g})",
            hint="choose lower <= mean weight <= upper")
    new = weights.copy()
    slack = _STRICT_RTOL * total / n if strict else np.zeros_like(total)
    rounds = 0
    while True:
        w = new[active]
        outside = (w < lower - slack) | (w > upper + slack)
        if not outside.any():
            break
        if rounds == _MAX_ROUNDS:
            raise ConvergenceError(f"trimming to ({lower:g}, {upper:g}) did not settle in "
                                   f"{_MAX_ROUNDS} rounds", hint="widen the bounds")
        rounds += 1
        clipped = np.clip(w, lower, upper)
        inside_count = (~outside).sum(axis=0)
        excess = (w - clipped).sum(axis=0)
        stuck = (inside_count == 0) & (excess != 0)
        if stuck.any():
            column = int(np.flatnonzero(stuck)[0])
            where = f" in replicate {column}" if column else ""
            raise InfeasibleBoundsError(
                f"every weight{where} lies outside the trimming bounds ({lower:g}, {upper:g}), "
                "so none is left to take up the weight trimmed off",
                hint="widen the bounds so that some weights lie within them")
        share = np.divide(excess, inside_count, out=np.zeros(w.shape[1]),
                          where=inside_count > 0)
        new[active] = np.where(outside, clipped, w + share)
        if not strict:
            break
    negative = active[:, None] & (new < 0)
    if negative.any():
        column = int(np.flatnonzero(negative.any(axis=0))[0])
        where = f" (replicate {column})" if column else ""
        bad = np.flatnonzero(negative[:, column])
        raise WeightingError(
            f"trimming to lower={lower:g} shared the weight it added out of the other weights "
            f"(as R's trimWeights), which left negative weights{where} in "
            f"{describe_rows(list(design._data.index[bad]), new[bad, column])}",
            hint="use strict=True to repeat until every weight is within the bounds, or a "
                 "lower bound further below the mean weight")
    step = WeightingStep("trim", (), rounds, 0.0, weights[:, 0], None)
    return with_weights(design, new, step,
                        preserved=("total weight", np.where(active, 0, -1), ["(all rows)"]))
