"""Ordinal regression (proportional odds) on a survey design, as R's ``svyolr``.

The response is an ordered categorical with ``K >= 3`` levels; the model is
``P(y <= k) = F(zeta_k - x'beta)`` with ``F`` the logistic (``"logistic"``)
or normal (``"probit"``) distribution function, thresholds
``zeta_1 < ... < zeta_{K-1}`` in place of the intercept (R's ``MASS::polr``).

- The fit maximises the design-weighted log-likelihood ``sum w log P`` by
  Newton's method with the analytic gradient and Hessian (R's ``svyolr``
  uses optim's BFGS, which stops near 1e-6; this runs to convergence).
- Linearised designs: the influence of each row, its score times the
  inverse Hessian, goes through the design's own linearisation
  (:meth:`~micropop.design.SurveyDesign.linearized_vcov`: strata, clusters,
  fpc, lonely PSUs, calibration), as R's ``svyolr.survey.design2``.
- Replicate designs: the model refitted with each replicate weight
  (warm-started) and the design's replicate variance, as R's
  ``svyolr.svyrep.design``.

Residual degrees of freedom ``degf - p`` (R's ``df.residual``), ``p`` the
number of coefficients (thresholds not counted).

Examples
--------
>>> from micropop import datasets
>>> from micropop.design import SurveyDesign
>>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
>>> fit = olr(des, "frequency ~ hours_week")
>>> fit.levels
('weekly', 'monthly', 'less_often')
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from micropop.design._core import Design
from micropop.design.encode import require_design
from micropop.errors import (
    FormulaError,
    ModelConvergenceError,
    OptionError,
    OrdinalResponseError,
    RankDeficientError,
    ResidualDfError,
    check_number,
    check_option,
)
from micropop.models._inputs import (
    ModelInputs,
    design_degf,
    design_vcov,
    model_inputs,
    replicate_vcov,
)
from micropop.models._irls import aliased_columns, moving_coefficients
from micropop.models._olr_fit import LINK_OF_METHOD, METHODS, OLRFit, newton
from micropop.models.formula import ModelFrame, model_frame
from micropop.models.olr_result import OLRResult

__all__ = ["olr", "METHOD_OF_LINK"]

#: The links an ordinal model may be asked for (as a GLM names them), and the ``method``
#: of :func:`olr` for each: ``{"logit": "logistic", "probit": "probit"}``.
METHOD_OF_LINK = {link: method for method, link in LINK_OF_METHOD.items()}


def olr(design: Design, formula: str | ModelFrame, *, method: str = "logistic",
        na_rm: bool = False, rows: Any = None, max_iter: int = 100, tol: float = 1e-10,
        start: Any = None) -> OLRResult:
    """Fit a proportional-odds model on a survey design, as R's ``svyolr``.

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
        A subset design fits the model on its domain, keeping the whole
        design for the variance, as R's ``subset``.
    formula : str or ModelFrame
        ``"response ~ terms"`` on the design's columns in R's spelling, the
        response an ordered categorical column (pandas' ordered
        ``Categorical``, or ``type: ordered`` in the codebook) with 3 or more
        levels; or a :class:`~micropop.models.formula.ModelFrame` made by
        ``model_frame(design.data, formula, ordinal=True)``. The model has no
        intercept column: the thresholds take its place.
    method : {"logistic", "probit"}
        The link: proportional odds (logistic) or ordered probit.
    na_rm : bool, default False
        Leave out the rows with a missing value in a column the model uses
        (R's ``na.omit``); by default they are refused, named.
    rows : array of bool, optional
        One flag per row of the design's data: fit on those rows only (a
        domain), keeping the whole design for the variance.
    max_iter : int, default 100
        Newton iterations allowed.
    tol : float, default 1e-10
        Convergence: the largest Newton step relative to the largest parameter.
    start : array-like, optional
        Starting coefficients then thresholds.

    Returns
    -------
    OLRResult

    Raises
    ------
    OrdinalResponseError
        A response that is not an ordered categorical, that has fewer than 3
        levels, or a level without any row (with a non-zero weight).
    OptionError
        An unknown method (the choices listed), ``rows`` or ``start`` of the
        wrong length.
    FormulaError
        A formula without its intercept (``- 1``: the thresholds need it).
    MissingValuesError
        Missing values and ``na_rm=False``, naming the columns and rows.
    RankDeficientError
        Columns that are combinations of the others (or constant).
    ResidualDfError
        No residual degrees of freedom left.
    ModelConvergenceError
        No convergence (e.g. a covariate that separates the levels), naming
        the coefficients still moving.

    Examples
    --------
    Do the weekly workers put in more hours? (the levels run from weekly to
    less often: a negative coefficient moves towards weekly work).

    >>> from micropop import datasets
    >>> from micropop.design import SurveyDesign
    >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
    >>> fit = olr(des, "frequency ~ hours_week + sex")
    >>> fit.coefficients.round(3).tolist()
    [-2.586, 0.09]
    >>> bool(fit.wald_test("hours_week").p < 0.001)
    True
    """
    require_design(design)
    method = check_option("method", method, METHODS)
    max_iter = check_number("max_iter", max_iter, low=1, integer=True)
    tol = check_number("tol", tol, low=0.0, low_open=True)
    frame = _frame(design, formula, na_rm)
    X = frame.X.drop(columns="(Intercept)")
    model = replace(frame, X=X, terms={t: c for t, c in frame.terms.items() if t != "(Intercept)"})
    held, y, x = frame.rows, frame.y, X.to_numpy()
    if rows is not None:
        mask = np.asarray(rows, dtype=bool).ravel()
        if len(mask) != len(held):
            raise OptionError(f"rows has {len(mask)} entries for {len(held)} rows of the data",
                              hint="give one flag per row of the design's data")
        y, x, held = y[mask[held]], x[mask[held]], held & mask
    data = model_inputs(design, y, x, list(X.columns), held)
    codes = data.y.astype(np.intp)
    weights = design.full_weights[data.used]
    levels = frame.response_levels
    _check_levels(codes, weights, levels, frame.response, "")
    _check_rank(data, weights)
    pc, q = data.X.shape[1], len(levels) - 1
    df_resid = design_degf(design, data.used) - pc
    if df_resid <= 0:
        raise ResidualDfError(
            f"{pc} coefficients for a design with {df_resid + pc:g} degrees of freedom leave "
            "no residual degrees of freedom", hint="fit fewer terms or use a design with more "
                                                   "PSUs")
    start_values = None if start is None else np.asarray(start, dtype=float).ravel()
    if start_values is not None and start_values.shape != (pc + q,):
        raise OptionError(f"start has {start_values.size} values for {pc} coefficients and {q} "
                          "thresholds", hint="give the coefficients then the thresholds")
    fit = newton(data.X, codes, weights, len(levels), method, start=start_values,
                 max_iter=max_iter, tol=tol)
    names = [*data.names, *(f"{a}|{b}" for a, b in zip(levels[:-1], levels[1:], strict=True))]
    if not fit.converged:
        raise ModelConvergenceError(
            f"the ordinal model did not converge after {fit.iterations} Newton iterations; "
            f"coefficients still moving: {moving_coefficients(fit.history, fit.params, names)}",
            hint="a covariate may separate the levels: drop or merge it, merge sparse "
                 "levels, or raise max_iter")
    if design.is_replicate:
        vcov = _replicate_vcov(design, data, codes, fit, levels, frame.response, method,
                               max_iter, tol)
    else:
        vcov = design_vcov(design, data.used, fit.scores @ np.linalg.inv(fit.information))
    return OLRResult(params=fit.params, vcov=vcov, df_resid=float(df_resid), method=method,
                     names=tuple(names), n_coef=pc, levels=levels,
                     n=int(np.count_nonzero(weights)), rows=data.used,
                     iterations=fit.iterations, loglik=fit.loglik, model=model, design=design)


def _frame(design: Design, formula: str | ModelFrame, na_rm: bool) -> ModelFrame:
    """The model frame, with an ordered response and an intercept."""
    if isinstance(formula, str):
        frame = model_frame(design.data, formula, na_rm=na_rm, ordinal=True)
    elif isinstance(formula, ModelFrame):
        frame = formula
        if not frame.response_levels:
            raise OrdinalResponseError(
                f"the model frame of {frame.formula!r} has no ordered response",
                hint="make it with model_frame(data, formula, ordinal=True), or pass the formula")
    else:
        raise OptionError(f"olr() needs a formula or a ModelFrame, not {type(formula).__name__}",
                          hint="e.g. olr(des, 'frequency ~ sex + hours_week')")
    if "(Intercept)" not in frame.X.columns:
        raise FormulaError(f"formula {frame.formula!r} has no intercept; an ordinal model's "
                           "thresholds take its place", hint="remove '- 1' or '+ 0'")
    return frame


def _check_levels(codes: np.ndarray, weights: np.ndarray, levels: tuple[str, ...],
                  response: str, where: str) -> None:
    """Refuse a level of the response that no row (with a positive weight) has."""
    counts = np.bincount(codes[weights > 0], minlength=len(levels))
    empty = [levels[k] for k in np.flatnonzero(counts == 0)]
    if empty:
        raise OrdinalResponseError(
            f"{where}the level{'s' if len(empty) > 1 else ''} {', '.join(map(repr, empty))} of "
            f"the response {response!r} {'have' if len(empty) > 1 else 'has'} no row: a "
            "threshold next to an empty level has no finite estimate (R's polr keeps the "
            "level and its optimiser stops anywhere)",
            hint=f"drop the level (data[{response!r}].cat.remove_unused_categories()) or merge "
                 "it with a neighbour")


def _check_rank(data: ModelInputs, weights: np.ndarray) -> None:
    """Refuse covariates that are constant or combinations of the others (with the intercept)."""
    with_intercept = np.column_stack([np.ones(len(weights)), data.X])
    aliased = [j - 1 for j in aliased_columns(with_intercept, weights / weights.max()) if j > 0]
    if aliased:
        cols = [data.names[j] for j in aliased]
        raise RankDeficientError(
            f"column{'s' if len(cols) > 1 else ''} {', '.join(map(repr, cols))} of the model "
            "matrix are constant or linear combinations of the columns before them (aliased; "
            "R's svyolr drops them with a warning)", hint="drop those terms or merge levels")


def _replicate_vcov(design: Design, data: ModelInputs, codes: np.ndarray, fit: OLRFit,
                    levels: tuple[str, ...], response: str, method: str, max_iter: int,
                    tol: float) -> np.ndarray:
    """R's ``svyolr.svyrep.design``: refit with each replicate weight, warm-started."""
    def refit(r: int, w: np.ndarray) -> tuple[np.ndarray, bool]:
        _check_levels(codes, w, levels, response, f"in replicate {r + 1}, ")
        again = newton(data.X, codes, w, len(levels), method, start=fit.params,
                       max_iter=max_iter, tol=tol)
        return again.params, again.converged

    return replicate_vcov(design, data.used, fit.params, refit, "the ordinal model")
