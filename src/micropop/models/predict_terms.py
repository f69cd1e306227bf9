"""Each term's contribution to the linear predictor, as R's ``predict.svyglm(type="terms")``.

For a model with an intercept, the columns of the model matrix are centred
at their (unweighted) means over the fitted rows, as R's ``predterms``
(and ``predict.lm``) centre them; a term's contribution at a row ``x`` is
``(x_T - mean_T) b_T`` over the term's columns ``T``, with the design-based
standard error ``sqrt((x_T - mean_T) V_TT (x_T - mean_T)')``. The linear
predictor is the sum of the contributions plus :attr:`TermPredictions.constant`
(``mean b``). Without an intercept nothing is centred and the constant is 0.

R predicts the fitted rows only (``newdata`` is ignored there); here new
data may be given, centred at the fitted rows' means, as ``predict.lm``.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from micropop.design import SurveyDesign
>>> from micropop.models import glm
>>> df = pd.DataFrame({"y": [1.0, 3, 2, 6, 5, 8, 7, 9], "x": [0.0, 1, 1, 3, 2, 4, 3, 5],
...                    "g": list("abababab"), "w": 1.0})
>>> fit = glm(SurveyDesign(df, weights="w"), "y ~ x + g")
>>> parts = predict_terms(fit)
>>> list(parts.estimate.columns)
['x', 'g']
>>> bool(np.allclose(parts.estimate.sum(axis=1) + parts.constant, fit.linear_predictor))
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from micropop.errors import ModelError, check_number
from micropop.models.formula import model_matrix
from micropop.result import Block, Result, Table

if TYPE_CHECKING:
    from micropop.models.result import GLMResult

__all__ = ["TermPredictions", "predict_terms"]

INTERCEPT = "(Intercept)"


@dataclass(frozen=True, repr=False, eq=False)
class TermPredictions(Result):
    """The terms' contributions to the linear predictor (R's ``predict(type="terms")``).

    Attributes
    ----------
    estimate : pandas.DataFrame
        One row per row predicted, one column per term: the centred contributions.
    se : pandas.DataFrame or None
        Their design-based standard errors (None when ``se=False``).
    constant : float
        R's ``attr(, "constant")``: the linear predictor at the columns'
        means (0 without an intercept).
    level : float
        Confidence level of the intervals of :meth:`to_frame`.

    Examples
    --------
    >>> parts = TermPredictions(pd.DataFrame({"x": [-1.0, 1.0]}),
    ...                         pd.DataFrame({"x": [0.5, 0.5]}), constant=2.0)
    >>> parts.to_frame().index.tolist()
    [(0, 'x'), (1, 'x')]
    """

    estimate: pd.DataFrame
    se: pd.DataFrame | None
    constant: float
    level: float = 0.95

    def to_frame(self) -> pd.DataFrame:
        """The contributions in long form, one row per (row, term), with normal intervals.

        Returns
        -------
        DataFrame
            Indexed by ``row`` and ``term``: ``estimate``, ``se``,
            ``ci_low``, ``ci_high`` (NaN without standard errors).

        Examples
        --------
        >>> parts = TermPredictions(pd.DataFrame({"x": [-1.0]}), pd.DataFrame({"x": [0.5]}),
        ...                         constant=0.0)
        >>> parts.to_frame().round(3).iloc[0].tolist()
        [-1.0, 0.5, -1.98, -0.02]
        """
        long = self.estimate.stack()
        se = (self.se.stack() if self.se is not None
              else pd.Series(np.nan, index=long.index))
        half = stats.norm.ppf((1 + self.level) / 2) * se.to_numpy(dtype=float)
        index = pd.MultiIndex.from_tuples(list(long.index), names=["row", "term"])
        values = long.to_numpy(dtype=float)
        return pd.DataFrame({"estimate": values, "se": se.to_numpy(dtype=float),
                             "ci_low": values - half, "ci_high": values + half}, index=index)

    def _title(self) -> str:
        return (f"Term contributions to the linear predictor ({len(self.estimate)} rows, "
                f"{self.estimate.shape[1]} terms)")

    def _blocks(self) -> list[Block]:
        return [f"Constant (the linear predictor at the means): {self.constant:.6g}",
                Table(self.to_frame(), "{:.6g}")]


def predict_terms(fit: GLMResult, newdata: pd.DataFrame | None = None, se: bool = True,
                  level: float = 0.95) -> TermPredictions:
    """Each term's centred contribution to the linear predictor, as R's ``predterms``.

    Parameters
    ----------
    fit : GLMResult
        A fit of :func:`micropop.models.glm` from a formula.
    newdata : pandas.DataFrame, optional
        Rows to predict (the fitted rows by default, as R), centred at the
        fitted rows' column means.
    se : bool, default True
        Compute the standard errors (``sqrt`` of ``x_T V_TT x_T'``).
    level : float, default 0.95
        Confidence level of the intervals of :meth:`TermPredictions.to_frame`.

    Returns
    -------
    TermPredictions

    Raises
    ------
    ModelError
        A fit made from a model matrix (no terms), or a model with no term
        besides the intercept.
    MissingColumnError, MissingValuesError, InvalidLevelError
        New data that cannot be coded as the fit's model matrix.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> from micropop.models import glm
    >>> df = pd.DataFrame({"y": [1.0, 3, 2, 6, 5, 8], "x": [0.0, 1, 1, 3, 2, 4], "w": 1.0})
    >>> fit = glm(SurveyDesign(df, weights="w"), "y ~ x")
    >>> parts = predict_terms(fit, pd.DataFrame({"x": [df["x"].mean()]}))
    >>> float(parts.estimate.iloc[0, 0]), bool(np.isclose(parts.constant, fit.params @ [1, 11 / 6]))
    (0.0, True)
    """
    level = check_number("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    if fit.model is None:
        raise ModelError("this fit was given a model matrix, not a formula: it has no terms "
                         "to predict", hint="fit the model from a formula")
    terms = {t: cols for t, cols in fit.model.terms.items() if t != INTERCEPT}
    if not terms:
        raise ModelError("the model has no term besides the intercept",
                         hint="predict with type='link'")
    fitted = fit.model.X
    X = fitted if newdata is None else model_matrix(fit.model, newdata)
    names = list(fit.names)
    centre = (fitted.to_numpy(dtype=float).mean(axis=0) if INTERCEPT in fit.model.terms
              else np.zeros(len(names)))
    matrix = X[names].to_numpy(dtype=float) - centre
    estimate = pd.DataFrame(index=X.index, columns=list(terms), dtype=float)
    errors = estimate.copy() if se else None
    for label, cols in terms.items():
        index = [names.index(c) for c in cols]
        part = matrix[:, index]
        estimate[label] = part @ fit.params[index]
        if errors is not None:
            errors[label] = np.sqrt(np.einsum("ij,ij->i",
                                              part @ fit.vcov[np.ix_(index, index)], part))
    constant = float(centre @ fit.params) if INTERCEPT in fit.model.terms else 0.0
    return TermPredictions(estimate, errors, constant, level)
