"""Trimming extreme weights, as R's ``trimWeights``."""

from __future__ import annotations

import numpy as np

from micropop.errors import InfeasibleBoundsError
from micropop.weighting._design import WeightingStep, weight_matrix, with_weights

__all__ = ["trim"]


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
        Bounds on the weights themselves (not on g-weights).
    strict : bool, default False
        Repeat until every weight is within the bounds.

    Returns
    -------
    SurveyDesign or ReplicateDesign
        A new design (the same weights if none is outside the bounds).

    Raises
    ------
    InfeasibleBoundsError
        ``lower > upper``, or bounds that cannot hold the total weight
        (``upper x rows < total`` or ``lower x rows > total``).

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"w": [1.0, 2.0, 3.0, 14.0]})
    >>> SurveyDesign(df, weights="w").trim(upper=8).weights.tolist()
    [3.0, 4.0, 5.0, 8.0]
    """
    lower, upper = float(lower), float(upper)
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
    rounds = 0
    while True:
        w = new[active]
        outside = (w < lower) | (w > upper)
        if not outside.any():
            break
        rounds += 1
        clipped = np.clip(w, lower, upper)
        inside_count = (~outside).sum(axis=0)
        share = np.divide((w - clipped).sum(axis=0), inside_count,
                          out=np.zeros(w.shape[1]), where=inside_count > 0)
        new[active] = np.where(outside, clipped, w + share)
        if not strict:
            break
    step = WeightingStep("trim", (), rounds, 0.0, weights[:, 0], None)
    return with_weights(design, new, step)
