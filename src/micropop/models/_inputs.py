"""The response, model matrix and rows of a GLM, checked and aligned with a design's frame.

:func:`model_inputs` accepts ``y`` and ``X`` over every row of the design's
frame, over the design's rows (a subset's), or over the rows of a ``rows``
mask (a :class:`~micropop.models.formula.ModelFrame`'s), and returns them over
the rows used: in the design, in ``rows``, with a non-zero weight or not.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from micropop.design import SurveyDesign
>>> des = SurveyDesign(pd.DataFrame({"w": [1.0, 2.0, 3.0]}), weights="w")
>>> data = model_inputs(des, np.array([1.0, 2.0, 3.0]), np.ones((3, 1)), ["(Intercept)"], None)
>>> data.used.tolist(), data.names
([True, True, True], ['(Intercept)'])
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from micropop.design._core import Design
from micropop.errors import (
    EmptyDomainError,
    InfiniteValueError,
    MicropopWarning,
    MissingValuesError,
    NotNumericVariableError,
    OptionError,
    data_rows,
)

__all__ = ["ModelInputs", "design_degf", "design_vcov", "model_inputs", "replicate_vcov"]


@dataclass(frozen=True)
class ModelInputs:
    """``y`` (m,) and ``X`` (m, p) over the rows used; ``used`` (n,) over the design's frame."""

    y: np.ndarray
    X: np.ndarray
    names: list[str]
    used: np.ndarray


def _column_names(X: Any, names: Sequence[str] | None, p: int) -> list[str]:
    if names is not None:
        out = [str(name) for name in names]
    elif isinstance(X, pd.DataFrame):
        out = [str(name) for name in X.columns]
    else:
        out = [f"x{j}" for j in range(p)]
    if len(out) != p:
        raise OptionError(f"names has {len(out)} entries for {p} columns of X",
                          hint="give one name per column")
    if len(set(out)) != len(out):
        repeated = sorted({name for name in out if out.count(name) > 1})
        raise OptionError(f"X has repeated column names {', '.join(map(repr, repeated))}",
                          hint="name every column once")
    return out


def _numeric(values: Any, what: str) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise NotNumericVariableError(f"{what} holds values that are not numbers",
                                      hint="encode categories as 0/1 columns") from None
    return array


def _over_frame(design: Design, rows: Any, m: int) -> np.ndarray:
    """The mask over the design's frame of the rows ``y`` and ``X`` (m of them) hold."""
    n_frame = len(design.frame)
    scope = design.rows
    if rows is None:
        if m == n_frame:
            return np.ones(n_frame, dtype=bool)
        if m == int(scope.sum()):
            return scope.copy()
        raise OptionError(f"y has {m} rows, the design {n_frame} (and {int(scope.sum())} in "
                          "its subset)", hint="give one value per row of the design's data")
    mask = np.asarray(rows, dtype=bool).ravel()
    if len(mask) == n_frame:
        return mask
    if len(mask) == int(scope.sum()):
        full = np.zeros(n_frame, dtype=bool)
        full[scope] = mask
        return full
    raise OptionError(f"rows has {len(mask)} entries, the design {n_frame} rows",
                      hint="give one flag per row of the design's data")


def model_inputs(design: Design, y: Any, X: Any, names: Sequence[str] | None,
                 rows: Any) -> ModelInputs:
    """Check ``y`` and ``X`` and align them with the design (see the module's docstring).

    Raises
    ------
    OptionError
        Shapes that match neither the design's rows nor ``rows``.
    MissingValuesError, InfiniteValueError
        NaN or inf in the response or a column, naming them and the data rows.
    EmptyDomainError
        No row used with a non-zero weight.
    """
    y_values = _numeric(y, "the response").ravel()
    X_values = _numeric(X, "X")
    if X_values.ndim == 1:
        X_values = X_values[:, None]
    if X_values.ndim != 2 or len(X_values) != len(y_values):
        raise OptionError(f"X has shape {X_values.shape} for {len(y_values)} responses",
                          hint="give X one row per response")
    column_names = _column_names(X, names, X_values.shape[1])
    held = _over_frame(design, rows, len(y_values))
    if int(held.sum()) != len(y_values):
        if len(y_values) != len(held):
            raise OptionError(f"y has {len(y_values)} rows for {int(held.sum())} rows flagged",
                              hint="give y and X over the rows flagged, or over every row")
        y_values, X_values = y_values[held], X_values[held]
    frame = design.frame
    used = held & design.rows
    in_design = design.rows[held]  # rows of y (and X) that the design holds
    if not in_design.all():
        y_values, X_values = y_values[in_design], X_values[in_design]
    X_values = np.asfortranarray(X_values)  # column products are the fit's inner loops
    for label, bad_of in (("missing", np.isnan), ("infinite", np.isinf)):
        bad_y = bad_of(y_values)
        bad_x = bad_of(X_values)
        if bad_y.any() or bad_x.any():
            which = (["the response"] if bad_y.any() else []) + [
                repr(column_names[j]) for j in np.flatnonzero(bad_x.any(axis=0))]
            mask = np.zeros(len(frame), dtype=bool)
            mask[used] = bad_y | bad_x.any(axis=1)
            error = MissingValuesError if label == "missing" else InfiniteValueError
            raise error(f"{label} values in {', '.join(which)}: {data_rows(frame, mask)}",
                        hint="leave those rows out (rows= or the formula's na_rm=True) "
                             "or fix them")
    if not np.any(design.full_weights[used] > 0):
        raise EmptyDomainError("no row used by the model has a non-zero weight",
                               hint="check the subset and the rows given")
    return ModelInputs(y_values, X_values, column_names, used)


def design_degf(design: Design, used: np.ndarray) -> float:
    """R's ``degf`` of the design a model uses.

    A linearised design without the rows left out (R's svyglm and svyolr
    drop the rows with missing values first); a replicate design with them
    (R's ``svyglm.svyrep.design`` counts its degf before dropping them).
    """
    if design.is_replicate:
        used = design.rows
    if used.all():
        return float(design.degf)
    return float(design.domain_degf(np.where(used, 0, -1).astype(np.intp), 1)[0])


def design_vcov(design: Design, used: np.ndarray, influence: np.ndarray) -> np.ndarray:
    """The design covariance of a model's influence functions (R's ``svy.varcoef``).

    ``influence`` (m, p) holds them for the rows used (``used``, over the
    design's frame); the other rows count as zeros, in a domain of the
    whole design.
    """
    if used.all():
        full, row_domain = influence, None
    else:
        full = np.zeros((len(used), influence.shape[1]), order="F")
        full[used] = influence
        row_domain = np.where(used, 0, -1).astype(np.intp)
    vcov: np.ndarray = design.linearized_vcov(full, row_domain, 1)
    symmetric: np.ndarray = (vcov + vcov.T) / 2
    return symmetric


def replicate_vcov(design: Design, used: np.ndarray, params: np.ndarray,
                   refit: Callable[[int, np.ndarray], tuple[np.ndarray, bool]],
                   model: str) -> np.ndarray:
    """The replicate variance of a model refitted with each replicate weight.

    ``refit(r, weights)`` fits the model with replicate ``r``'s weights of
    the rows used (warm-started from ``params``) and returns its parameters
    and whether it converged; the fits that did not are kept, with a
    warning naming them (as R does).
    """
    weights = design.weight_matrix(np.flatnonzero(used))
    thetas = np.empty((weights.shape[1], len(params)))
    failed = []
    for r in range(weights.shape[1]):
        thetas[r], converged = refit(r, weights[:, r])
        if not converged:
            failed.append(r + 1)
    if failed:
        warnings.warn(MicropopWarning(
            f"{model} did not converge for replicate{'s' if len(failed) > 1 else ''} "
            f"{', '.join(map(str, failed[:10]))} (kept, as R does)"), stacklevel=4)
    vcov: np.ndarray = design.replicate_vcov(thetas, params)
    return vcov
