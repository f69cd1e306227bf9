"""Generalised linear models on a survey design, as R's ``svyglm``.

The coefficients solve the design-weighted estimating equations (R's
``glm`` with the design weights as prior weights, fitted by IRLS); their
variance is the design's:

- linearised designs: the influence of each row, ``x_i w_i r_i`` (score:
  the working residual times the working weight) times the inverse
  information ``(X' W X)^-1`` (the "bread"), goes through the design's own
  linearisation (:meth:`~micropop.design.SurveyDesign.linearized_vcov`), so
  that every stage, fpc, lonely-PSU policy and calibration (raked,
  post-stratified, calibrated weights: their residuals) applies, as R's
  ``svy.varcoef``;
- replicate designs: the coefficients refitted with each replicate weight
  (warm-started from the full fit), and the design's replicate variance, as
  R's ``svyglm.svyrep.design``.

Residual degrees of freedom ``degf + 1 - p`` (R's ``df.residual``, with
``degf`` that of the rows used); t-based p-values and intervals.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from micropop.design import SurveyDesign
>>> df = pd.DataFrame({"y": [1.0, 2.0, 2.5, 4.0, 5.5, 6.0], "x": [0.0, 1, 2, 3, 4, 5],
...                    "h": [1, 1, 1, 2, 2, 2], "w": [1.0, 2, 1, 2, 1, 2]})
>>> des = SurveyDesign(df, weights="w", strata="h")
>>> X = pd.DataFrame({"(Intercept)": 1.0, "x": df["x"]})
>>> fit = glm(des, df["y"], X)
>>> fit.params.round(4).tolist(), fit.df_resid
([0.8974, 1.0385], 3.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from micropop.design._core import Design
from micropop.design.encode import require_design
from micropop.errors import (
    ModelConvergenceError,
    OptionError,
    RankDeficientError,
    ResidualDfError,
    check_number,
)
from micropop.models._families import FamilySpec, check_support, family_spec
from micropop.models._inputs import (
    ModelInputs,
    design_degf,
    design_vcov,
    model_inputs,
    replicate_vcov,
)
from micropop.models._irls import IRLSFit, aliased_columns, irls, moving_coefficients
from micropop.models.formula import ModelFrame, model_frame
from micropop.models.result import GLMResult

__all__ = ["glm"]

#: Fitted probabilities this close to 0 or 1 mean a separated (diverging) logistic fit.
SEPARATION_EPS = 1e-10


def glm(design: Design, y: Any, X: Any = None, family: str = "gaussian",
        link: str | None = None, *, names: Sequence[str] | None = None,
        rows: Any = None, na_rm: bool = False, max_iter: int = 50, tol: float = 1e-10,
        start: Sequence[float] | np.ndarray | None = None) -> GLMResult:
    """Fit a generalised linear model on a survey design, as R's ``svyglm``.

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
        A subset design fits the model on its domain, keeping the whole
        design for the variance, as R's ``subset``.
    y : str, array-like or ModelFrame
        A model formula on the design's columns in R's spelling
        (``"api00 ~ ell + meals"``, ``"regular ~ sex * C(age_group, treatment)"``,
        ``"log(earnings) ~ hours - 1"``), read safely and coded as R's
        ``model.matrix`` by :func:`~micropop.models.formula.model_frame`; or
        the response, one value per row of the design's data (all rows of
        its frame, or those of its subset, or those flagged in ``rows``); or
        an object with ``y``, ``X`` and ``rows`` (a
        :class:`~micropop.models.formula.ModelFrame`), with ``X`` left out.
    X : DataFrame or array, shape (m, p)
        The model matrix (its columns named as R names them, e.g.
        ``"(Intercept)"``, ``"stypeH"``, ``"ell:meals"``).
    family : str, default "gaussian"
        ``"gaussian"``, ``"binomial"``, ``"quasibinomial"``, ``"poisson"``,
        ``"quasipoisson"`` or ``"Gamma"``.
    link : str, optional
        ``"identity"``, ``"logit"``, ``"probit"``, ``"log"``, ``"cloglog"``
        or ``"inverse"``; the family's canonical link by default.
    names : sequence of str, optional
        Column names of ``X`` (default: its columns, or ``x0, x1, ...``).
    rows : array of bool, optional
        The rows of the design's data that ``y`` and ``X`` hold (the others
        are left out of the fit, as R's ``na.action`` drops them).
    na_rm : bool, default False
        With a formula: leave out the rows with a missing value in a column
        the model uses (R's ``na.omit``); by default they are refused, named.
    max_iter : int, default 50
        Iterations of IRLS allowed.
    tol : float, default 1e-10
        Convergence: relative change of the deviance and of the coefficients.
    start : array-like, optional
        Starting coefficients.

    Returns
    -------
    GLMResult

    Raises
    ------
    OptionError
        An unknown family or link (listing the choices), shapes that do not match.
    ResponseSupportError
        A response outside the family's support, naming the rows.
    MissingValuesError, InfiniteValueError
        NaN or inf in the response or X, naming the columns and rows.
    RankDeficientError
        Columns of X that are linear combinations of the columns before them.
    ResidualDfError
        No residual degrees of freedom (as many coefficients as PSUs minus strata, or more).
    ModelConvergenceError
        Perfect separation or no convergence, naming the iterations and coefficients.

    Examples
    --------
    A logistic model on a stratified design:

    >>> import numpy as np, pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"y": [0.0, 1, 0, 1, 1, 0, 1, 1], "x": [1.0, 2, 3, 1, 2, 3, 4, 5],
    ...                    "h": [1, 1, 1, 1, 2, 2, 2, 2], "w": 3.0})
    >>> des = SurveyDesign(df, weights="w", strata="h")
    >>> X = pd.DataFrame({"(Intercept)": 1.0, "x": df["x"]})
    >>> fit = glm(des, df["y"], X, family="quasibinomial")
    >>> fit.family, fit.link, fit.to_frame().index.tolist()
    ('quasibinomial', 'logit', ['(Intercept)', 'x'])

    The same model from a formula:

    >>> glm(des, "y ~ x", family="quasibinomial").params.round(6).tolist() == (
    ...     fit.params.round(6).tolist())
    True
    """
    require_design(design)
    spec = family_spec(family, link)
    max_iter = check_number("max_iter", max_iter, low=1, integer=True)
    tol = check_number("tol", tol, low=0.0, low_open=True)
    if isinstance(y, str):
        if X is not None:
            raise OptionError("glm() was given a formula and a model matrix X",
                              hint="give the formula alone, or a response and X")
        y = model_frame(design.data, y, na_rm=na_rm)
    model = y if isinstance(y, ModelFrame) else None
    if X is None and hasattr(y, "X"):
        y, X, rows = y.y, y.X, y.rows if rows is None else rows
    data = model_inputs(design, y, X, names, rows)
    frame_rows = design.frame.index[data.used]
    check_support(spec, data.y, frame_rows)
    weights = design.full_weights[data.used]
    scale = _weight_mean(design)
    prior = weights / scale
    aliased = aliased_columns(data.X, prior)
    if aliased:
        cols = [data.names[j] for j in aliased]
        raise RankDeficientError(
            f"column{'s' if len(cols) > 1 else ''} {', '.join(map(repr, cols))} of the model "
            "matrix are linear combinations of the columns before them (aliased; R would "
            "report NA coefficients)", hint="drop those terms or merge levels")
    p = data.X.shape[1]
    df_resid = design_degf(design, data.used) + 1 - p
    if df_resid <= 0:
        raise ResidualDfError(
            f"{p} coefficients for a design with {df_resid + p - 1:g} degrees of freedom "
            "leave no residual degrees of freedom", hint="fit fewer terms or use a design "
            "with more PSUs")
    start_values = None if start is None else np.asarray(start, dtype=float)
    if start_values is not None and start_values.shape != (p,):
        raise OptionError(f"start has {start_values.size} values for {p} coefficients",
                          hint="give one per column of X")
    fit = irls(data.X, data.y, prior, spec, max_iter=max_iter, tol=tol, start=start_values)
    _check_converged(fit, spec, data, max_iter)
    if design.is_replicate:
        vcov = _replicate_vcov(design, data, spec, fit, max_iter, tol)
    else:
        vcov = _linearized_vcov(design, data, fit)
    return GLMResult(
        params=fit.params, vcov=vcov, df_resid=float(df_resid),
        dispersion=_dispersion(design, data, spec, fit, scale, weights),
        family=spec.name, link=spec.link_name, names=tuple(data.names),
        n=int(np.count_nonzero(weights)), fitted=fit.mu, linear_predictor=fit.eta,
        rows=data.used, iterations=fit.iterations, model=model, design=design,
        y=data.y, X=data.X, prior_weights=prior, naive_cov=fit.bread)


def _weight_mean(design: Design) -> float:
    """R's rescaling of the prior weights: their mean over the design's rows.

    R's subset of a calibrated design keeps every row, those outside the
    domain with a zero weight; that of another drops them. The mean follows:
    it scales the deviance and R's ``naive.cov`` (the likelihood ratio test),
    not the coefficients or their design-based covariance.
    """
    weights = design.full_weights
    if design.calibration_projections:
        return float(np.sum(weights[design.rows])) / weights.size
    return float(np.mean(weights[design.rows]))


def _check_converged(fit: IRLSFit, spec: FamilySpec, data: ModelInputs, max_iter: int) -> None:
    separated = (spec.name.removeprefix("quasi") == "binomial"
                 and bool(np.any((fit.mu < SEPARATION_EPS) | (fit.mu > 1 - SEPARATION_EPS))))
    if fit.converged and not separated:
        return
    terms = moving_coefficients(fit.history, fit.params, data.names)
    if separated:
        raise ModelConvergenceError(
            f"perfect separation: fitted probabilities of 0 or 1 after {fit.iterations} "
            f"iterations, coefficients diverging: {terms}",
            hint="drop or merge the levels that predict the outcome perfectly")
    raise ModelConvergenceError(
        f"no convergence after {max_iter} iterations; coefficients still moving: {terms}",
        hint="raise max_iter, rescale the covariates, or give start values")


def _linearized_vcov(design: Design, data: ModelInputs, fit: IRLSFit) -> np.ndarray:
    """R's ``svy.varcoef``: the design covariance of the influence ``estfun %*% bread``."""
    scores = data.X * (fit.working_resid * fit.working_weights)[:, None]
    # scores @ bread, written for numpy's fast product of a Fortran-ordered matrix
    return design_vcov(design, data.used, (fit.bread.T @ scores.T).T)


def _replicate_vcov(design: Design, data: ModelInputs, spec: FamilySpec, fit: IRLSFit,
                    max_iter: int, tol: float) -> np.ndarray:
    """R's ``svyglm.svyrep.design``: refit with each replicate weight, warm-started."""
    def refit(r: int, w: np.ndarray) -> tuple[np.ndarray, bool]:
        aliased = aliased_columns(data.X, w)
        if aliased:
            cols = ", ".join(repr(data.names[j]) for j in aliased)
            raise RankDeficientError(
                f"replicate {r + 1} cannot estimate {cols}: on the rows it keeps, the "
                "column is zero or a combination of the columns before it (R gives NA "
                "variances)", hint="merge the sparse levels or use a linearised design")
        again = irls(data.X, data.y, w / w.sum(), spec, max_iter=max_iter, tol=tol,
                     start=fit.params)
        return again.params, again.converged

    return replicate_vcov(design, data.used, fit.params, refit, "the fit")


def _dispersion(design: Design, data: ModelInputs, spec: FamilySpec, fit: IRLSFit,
                scale: float, weights: np.ndarray) -> float:
    """R's summary.svyglm: the design variance (svyvar) of R's Pearson residuals.

    R's ``residuals.svyglm`` divides the prior weights (the weights over
    their mean on the design's rows) by the weights over their mean on the
    rows used: 1 unless rows were left out (``rows``); a calibrated design
    keeps those rows with a zero weight in the second mean.
    ``residuals.svrepglm`` divides them by the weights over their sum on the
    rows used, which multiplies the squared residuals by that sum over the
    mean; ``summary.svrepglm`` then takes their weighted mean square (not
    centred, no ``n / (n - 1)``): R's dispersion of a replicate design, kept
    as R computes it.
    """
    if design.is_replicate:
        factor = weights.sum() / scale
    elif design.calibration_projections:  # rows left out keep a zero weight in R's mean
        factor = weights.sum() / float(np.sum(design.full_weights[design.rows]))
    else:
        factor = float(np.mean(weights)) / scale
    pearson = (data.y - fit.mu) / np.sqrt(spec.family.variance(fit.mu)) * np.sqrt(factor)
    n = int(np.count_nonzero(weights))
    total = weights.sum()
    if design.is_replicate:
        return float(np.sum(weights * pearson**2) / total)
    centred = pearson - np.sum(weights * pearson) / total
    return float(np.sum(weights * centred**2) / total * n / (n - 1))
