"""Reading the weights of a design and building the re-weighted design."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from micropop.design._core import Design
from micropop.design.encode import design_rows
from micropop.errors import WeightingError
from micropop.variance.calibration import Projection
from micropop.weighting._projection import group_sums
from micropop.weighting.margins import MET_RTOL, Margin, check_met, furthest, worst_miss

__all__ = ["DesignT", "WeightingStep", "require_positive", "scaled", "weight_matrix",
           "with_weights"]

#: A design type: a weighting step returns a design of the kind it was given.
DesignT = TypeVar("DesignT", bound=Design)


@dataclass(frozen=True, eq=False)
class WeightingStep:
    """One weighting step, kept by the design it produced.

    Attributes
    ----------
    method : str
        ``"nonresponse"``, ``"poststratify"``, ``"rake"``, ``"calibrate
        (linear)"`` (or raking, logit) or ``"trim"``.
    margins : tuple of Margin
        The targets the step weighted to (empty for trimming and nonresponse).
    iterations : int
        Sweeps (raking), Newton steps (calibration), trimming rounds; 1 for
        one-shot adjustments.
    change : float
        Final change: raking, the largest change of a cell's weighted count in
        the last sweep; calibration, the largest relative misfit
        ``|target - achieved| / (1 + |target|)`` (R's grake criterion); 0 otherwise.
    before : ndarray
        Full-sample weights before the step.
    projection : object or None
        The step's term in linearised variances (see ``_projection``).

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"sex": ["f", "m", "m"], "w": 1.0})
    >>> des = SurveyDesign(df, weights="w").rake({"sex": {"f": 6, "m": 4}})
    >>> (step,) = des.weighting_steps
    >>> step.method, step.margins[0].name, step.before.tolist()
    ('rake', 'sex', [1.0, 1.0, 1.0])
    """

    method: str
    margins: tuple[Margin, ...]
    iterations: int
    change: float
    before: np.ndarray
    projection: Projection | None = None


def weight_matrix(design: Design, negative_ok: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The rows weighted and their weights: column 0 the full sample, then replicates.

    Returns ``rows`` (n,) bool (in the design's scope) and ``W`` (n, 1 + R),
    zero outside the scope, as R, where a subset's other rows weigh nothing.
    Raises WeightingError when no row in the scope has a positive weight, or,
    unless ``negative_ok`` (trimming), when a weight is negative (left by a
    linear calibration): scaling such weights has no meaning.
    """
    rows, weights = design.rows, _scoped(design)
    require_positive(design, weights[:, 0] > 0)
    negative = weights < 0
    if not negative_ok and negative.any():
        column = int(np.flatnonzero(negative.any(axis=0))[0])
        where = f" (replicate {column})" if column else ""
        bad = negative[:, column]
        raise WeightingError(f"the design has negative weights{where} in "
                             f"{design_rows(design, bad, weights[bad, column])}"
                             ", which weighting cannot scale",
                             hint="trim them first (des.trim(lower=0)), or calibrate with "
                                  "bounds or method='raking' so that no weight is negative")
    return rows, weights


def require_positive(design: Design, positive: np.ndarray) -> None:
    """Raise WeightingError when no row in the design's scope has a positive weight."""
    if not positive.any():
        raise WeightingError("the design has no row with a positive weight" +
                             (" in its subset" if design.scope is not None else "") +
                             ", so there is nothing to weight",
                             hint="check the weights column: rows of zero weight take no "
                                  "part in weighting")


def _scoped(design: Design) -> np.ndarray:
    """All weight columns (full sample, then replicates), zero outside the design's scope."""
    weights = design.weight_matrix(full_sample=True)
    return weights if design.scope is None else weights * design.rows[:, None]


def scaled(weights: np.ndarray, cell: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """``weights`` (n, k) times ``factors[cell]`` (C, k); rows with cell -1 unchanged."""
    inside = cell >= 0
    if inside.all():
        out: np.ndarray = weights * factors[cell]
        return out
    new = weights.copy()
    new[inside] *= factors[cell[inside]]
    return new


def with_weights(design: DesignT, weights: np.ndarray, step: WeightingStep, rtol: float = MET_RTOL,
                 negative_ok: bool = False,
                 preserved: tuple[str, np.ndarray, Sequence[str]] | None = None) -> DesignT:
    """A new design like ``design`` with the weights (n, 1 + R) of ``weight_matrix``.

    The weights are checked first, in every column (the sample's, then each
    replicate's): finite, non-negative unless ``negative_ok``, meeting every
    target of ``step.margins`` to ``rtol`` (:func:`~micropop.weighting.margins.check_met`),
    and, with ``preserved = (what, codes, labels)``, keeping the weighted total
    of every class of ``codes`` (nonresponse classes, trimming's total).
    Rows outside the scope keep their old weights (they stay out of every
    estimate); the step is appended to the design's weighting history
    (:meth:`micropop.design._core.Design.with_weights`).
    """
    _check_finite(design, weights, step.method, negative_ok)
    misses = [worst_miss(step.margins, weights)]
    if preserved is not None:
        what, codes, labels = preserved
        before = group_sums(codes, _scoped(design), len(labels))
        misses.append(furthest(what, labels, group_sums(codes, weights, len(labels)), before))
    check_met(misses, rtol, step.method)
    return design.with_weights(weights, step)


def _check_finite(design: Design, weights: np.ndarray, method: str, negative_ok: bool) -> None:
    """Raise WeightingError for non-finite (or, unless ``negative_ok``, negative) weights."""
    for bad, what, hint in ((~np.isfinite(weights), "non-finite",
                             "the targets are too large, or too far from the design weights, "
                             "for floating point: check their unit"),
                            (np.zeros_like(weights, dtype=bool) if negative_ok else weights < 0,
                             "negative", "report this: the step should not give negative "
                                         "weights")):
        if bad.any():
            column = int(np.flatnonzero(bad.any(axis=0))[0])
            where = f" (replicate {column})" if column else ""
            rows = bad[:, column]
            shown = design_rows(design, rows, weights[rows, column])
            raise WeightingError(f"{method} gave {what} weights{where} to {shown}", hint=hint)
