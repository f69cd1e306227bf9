"""Predictions of a survey GLM with design-based standard errors (R's ``predict.svyglm``).

On the link scale the prediction at a row ``x`` of the model matrix is
``eta = x b`` with variance ``x V x'`` (``V`` the design-based covariance of
the coefficients); on the response scale it is ``mu = linkinv(eta)`` with the
delta-method variance ``(dmu/deta)^2 x V x'``, exactly as survey's
``predict.svyglm(se.fit = TRUE)``; ``vcov=True`` keeps the full covariance
of the predictions (R's ``vcov = TRUE``).

Intervals are R's ``confint()`` of those predictions: Wald intervals with
normal quantiles, symmetric on the scale predicted. For intervals that stay
in the response's range (a probability in [0, 1]), predict on the link scale
and transform the limits with the inverse link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, overload

import numpy as np
import pandas as pd
from scipy import stats

from micropop.errors import (
    FormulaError,
    MissingValuesError,
    NonNumericError,
    OptionError,
    OutOfRangeError,
    check_number,
    data_rows,
    missing_columns,
)
from micropop.models._families import family_spec
from micropop.models.formula import model_matrix
from micropop.models.predict_terms import TermPredictions, predict_terms
from micropop.result import Result

if TYPE_CHECKING:
    from micropop.models.result import GLMResult

__all__ = ["Prediction", "predict"]


@dataclass(frozen=True, repr=False, eq=False)
class Prediction(Result):
    """Predictions of a survey GLM with their standard errors (R's ``svystat`` of ``predict``).

    Attributes
    ----------
    estimate : ndarray, shape (m,)
        The predictions (linear predictor or mean).
    se : ndarray, shape (m,)
        Their design-based standard errors (NaN when ``se=False``).
    vcov : ndarray, shape (m, m) or None
        Their full covariance when asked for (``vcov=True``).
    index : pandas.Index
        The rows predicted (the new data's index, or the fitted rows').
    type : str
        ``"link"`` or ``"response"``.
    level : float
        Confidence level of the intervals of :meth:`to_frame`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> from micropop.models import glm
    >>> df = pd.DataFrame({"y": [0, 1, 0, 1, 1, 1, 0, 1], "x": [0.0, 1, 2, 1, 3, 2, 1, 4],
    ...                    "w": 2.0})
    >>> fit = glm(SurveyDesign(df, weights="w"), "y ~ x", family="quasibinomial")
    >>> pred = fit.predict(pd.DataFrame({"x": [0.0, 5.0]}), type="response")
    >>> list(pred.to_frame().columns)
    ['estimate', 'se', 'ci_low', 'ci_high']
    >>> bool(((pred.estimate > 0) & (pred.estimate < 1)).all())
    True
    """

    estimate: np.ndarray
    se: np.ndarray
    vcov: np.ndarray | None
    index: pd.Index
    type: str
    level: float = 0.95

    def to_frame(self) -> pd.DataFrame:
        """The predictions with their standard errors and Wald intervals (R's ``confint``).

        Returns
        -------
        DataFrame
            Indexed as the rows predicted: ``estimate``, ``se``, ``ci_low``,
            ``ci_high`` (normal quantiles, on the scale predicted).

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> pred = Prediction(np.array([1.0]), np.array([0.5]), None, pd.RangeIndex(1), "link")
        >>> pred.to_frame().round(4).values.tolist()
        [[1.0, 0.5, 0.02, 1.98]]
        """
        half = stats.norm.ppf((1 + self.level) / 2) * self.se
        return pd.DataFrame({"estimate": self.estimate, "se": self.se,
                             "ci_low": self.estimate - half, "ci_high": self.estimate + half},
                            index=self.index)

    def _title(self) -> str:
        scale = "linear predictor" if self.type == "link" else "mean response"
        return f"Predictions of a survey GLM ({scale}, {len(self.estimate)} rows)"


@overload
def predict(fit: GLMResult, newdata: pd.DataFrame | None = None,
            type: Literal["link", "response"] = "link", se: bool = True, vcov: bool = False,
            level: float = 0.95) -> Prediction: ...
@overload
def predict(fit: GLMResult, newdata: pd.DataFrame | None = None, *,
            type: Literal["terms"], se: bool = True, vcov: bool = False,
            level: float = 0.95) -> TermPredictions: ...
def predict(fit: GLMResult, newdata: pd.DataFrame | None = None,
            type: Literal["link", "response", "terms"] = "link", se: bool = True,
            vcov: bool = False, level: float = 0.95) -> Prediction | TermPredictions:
    """Predict from a survey GLM, as R's ``predict.svyglm(se.fit = TRUE)``.

    Parameters
    ----------
    fit : GLMResult
        A fit of :func:`micropop.models.glm`.
    newdata : pandas.DataFrame, optional
        Rows to predict, with the columns the formula uses (coded with the
        fit's factor levels); for a fit given a model matrix, a model matrix
        with the same column names. By default the rows the model was fitted on.
    type : {"link", "response", "terms"}, default "link"
        The scale: the linear predictor, or the mean (inverse link); or
        ``"terms"``: each term's centred contribution to the linear predictor
        (R's ``type = "terms"``, by :func:`~micropop.models.predict_terms.predict_terms`).
    se : bool, default True
        Compute the standard errors.
    vcov : bool, default False
        Keep the full covariance of the predictions.
    level : float, default 0.95
        Confidence level of the intervals of :meth:`Prediction.to_frame`.

    Returns
    -------
    Prediction or TermPredictions
        A TermPredictions with ``type="terms"``.

    Raises
    ------
    OptionError
        An unknown ``type``, or no ``newdata`` for a fit given a model matrix,
        or ``vcov=True`` with ``type="terms"``.
    MissingColumnError, MissingValuesError, InvalidLevelError, FormulaError
        The new data lack a column, have missing values or a level the fit
        did not see (see :func:`micropop.models.formula.model_matrix`).
    OutOfRangeError
        Values so large that the linear predictor or its variance overflows.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> from micropop.models import glm
    >>> df = pd.DataFrame({"pay": [3.0, 4, 2, 6, 5, 8, 7], "hours": [1.0, 2, 1, 4, 3, 5, 6]})
    >>> fit = glm(SurveyDesign(df.assign(w=1.5), weights="w"), "pay ~ hours")
    >>> pred = predict(fit, pd.DataFrame({"hours": [2.5]}))
    >>> bool(np.isclose(pred.estimate[0], fit.params[0] + 2.5 * fit.params[1]))
    True
    """
    if type == "terms":
        if vcov:
            raise OptionError("vcov=True is for type='link' or 'response'",
                              hint="R's type='terms' gives standard errors only")
        return predict_terms(fit, newdata, se=se, level=level)
    if type not in ("link", "response"):
        raise OptionError(f"unknown prediction type {type!r}",
                          hint="choose 'link', 'response' or 'terms'")
    level = check_number("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    X = _matrix(fit, newdata)
    matrix = X.to_numpy(dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        eta = matrix @ fit.params
        full = matrix @ fit.vcov @ matrix.T if se and vcov else None
        var = (np.einsum("ij,ij->i", matrix @ fit.vcov, matrix) if full is None
               else np.diag(full)) if se else np.zeros(len(eta))
    overflow = ~(np.isfinite(eta) & np.isfinite(var))
    if overflow.any():
        raise OutOfRangeError(f"the linear predictor or its variance overflows at "
                              f"{data_rows(X, overflow)}: values too large for floating point",
                              hint="check those rows' values (units, typos)")
    if not se:
        var = np.full(len(eta), np.nan)
    estimate = eta
    if type == "response":
        link = family_spec(fit.family, fit.link).family.link
        with np.errstate(over="ignore", invalid="ignore"):
            estimate = np.asarray(link.inverse(eta), dtype=float)
            d = np.asarray(link.inverse_deriv(eta), dtype=float)
        # far in a tail (exp overflowing) the mean is flat: its derivative is 0, not inf/inf
        d = np.where(np.isnan(d) & np.isfinite(estimate), 0.0, d)
        if not np.isfinite(estimate).all():
            raise OutOfRangeError(f"the mean overflows at {data_rows(X, ~np.isfinite(estimate))} "
                                  f"(the inverse {fit.link} link of a linear predictor as large "
                                  f"as {np.max(np.abs(eta)):.6g})",
                                  hint="predict on the link scale (type='link'), or check those "
                                       "rows' values")
        var = d * d * var
        full = None if full is None else d[:, None] * full * d[None, :]
    return Prediction(estimate, np.sqrt(var), full, X.index, type, level)


def _matrix(fit: GLMResult, newdata: pd.DataFrame | None) -> pd.DataFrame:
    """The model matrix of the rows to predict, columns as ``fit.names``."""
    if fit.model is not None:
        return fit.model.X if newdata is None else model_matrix(fit.model, newdata)
    if newdata is None:
        raise OptionError("this fit was given a model matrix, not a formula, so it cannot "
                          "rebuild the rows it was fitted on",
                          hint="pass newdata: a model matrix with the columns "
                               + ", ".join(map(repr, fit.names[:10])))
    if not isinstance(newdata, pd.DataFrame):
        raise FormulaError(f"new data must be a pandas DataFrame, not {type(newdata).__name__}",
                           hint="pass a model matrix with the fit's column names")
    names = list(fit.names)
    missing_columns(names, newdata.columns, "model matrix", where="the new data")
    X = newdata[names]
    wrong = [c for c in names if not pd.api.types.is_numeric_dtype(X[c])]
    if wrong:
        raise NonNumericError(f"column {wrong[0]!r} of the new model matrix holds "
                              f"{X[wrong[0]].dtype} values, not numbers",
                              hint="code the new data as the fit's model matrix")
    values = X.to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(values).all(axis=1)
    if bad.any():
        raise MissingValuesError(f"the new model matrix has missing or infinite values at "
                                 f"{data_rows(newdata, bad)}",
                                 hint="fill them in or leave those rows out")
    return X.astype(float)
