"""Reading the weights of a design and building the re-weighted design."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from micropop.weighting.margins import Margin

__all__ = ["WeightingStep", "scaled", "weight_matrix", "with_weights"]


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
    """

    method: str
    margins: tuple[Margin, ...]
    iterations: int
    change: float
    before: np.ndarray
    projection: object | None = None


def weight_matrix(design) -> tuple[np.ndarray, np.ndarray]:
    """The rows weighted and their weights: column 0 the full sample, then replicates.

    Returns ``rows`` (n,) bool (in the design's scope) and ``W`` (n, 1 + R),
    zero outside the scope, as R, where a subset's other rows weigh nothing.
    """
    rows = design._rows
    weights = _all_weights(design)
    return rows, weights if design._scope is None else weights * rows[:, None]


def _all_weights(design) -> np.ndarray:
    if not hasattr(design, "_replicates"):
        return design._weights[:, None]
    reps = design._replicates
    return np.hstack([design._weights[:, None], reps if design._unit is None
                      else design._weights[:, None] * reps[design._unit]])


def scaled(weights: np.ndarray, cell: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """``weights`` (n, k) times ``factors[cell]`` (C, k); rows with cell -1 unchanged."""
    inside = cell >= 0
    if inside.all():
        return weights * factors[cell]
    new = weights.copy()
    new[inside] *= factors[cell[inside]]
    return new


def with_weights(design, weights: np.ndarray, step: WeightingStep):
    """A new design like ``design`` with the weights (n, 1 + R) of ``weight_matrix``.

    Rows outside the scope keep their old weights (they stay out of every
    estimate); the step is appended to the design's weighting history.
    """
    rows = design._rows
    if not rows.all():
        weights = np.where(rows[:, None], weights, _all_weights(design))
    full = np.ascontiguousarray(weights[:, 0])
    full.flags.writeable = False
    slots = {"_weights": full, "_weighting": design._weighting + (step,)}
    if weights.shape[1] > 1:
        reps = np.ascontiguousarray(weights[:, 1:])
        reps.flags.writeable = False
        slots.update(_replicates=reps, _unit=None)
    new = design._replace(**slots)
    if not np.array_equal(full == 0, design._weights == 0):
        object.__setattr__(new, "_degf", new._count_degf())  # rows with zero weight left
    return new
