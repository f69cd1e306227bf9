"""The result of :func:`micropop.models.glm`: coefficients with their design-based variance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, overload

import numpy as np
import pandas as pd

from micropop.design._core import Design
from micropop.models._coef_table import coefficient_table
from micropop.models.anova import AnovaTable, anova
from micropop.models.formula import ModelFrame
from micropop.models.predict import Prediction, predict
from micropop.models.predict_terms import TermPredictions
from micropop.models.term_tests import TermTest, wald_test
from micropop.result import Block, Result, Table

__all__ = ["GLMResult"]


@dataclass(frozen=True, repr=False, eq=False)
class GLMResult(Result):
    """A generalised linear model fitted on a survey design (R's ``svyglm``).

    Attributes
    ----------
    params : ndarray, shape (p,)
        The coefficients.
    vcov : ndarray, shape (p, p)
        Their design-based covariance (linearised or replicate).
    df_resid : float
        Residual degrees of freedom, R's ``degf(design) + 1 - p``: those of
        the t statistics, p-values and intervals.
    dispersion : float
        R's ``summary.svyglm`` dispersion: the design variance of the Pearson
        residuals (reported; the covariance does not use it).
    family, link : str
        As R names them.
    names : tuple of str
        The coefficients' names (the columns of the model matrix).
    n : int
        Rows used with a non-zero weight.
    fitted, linear_predictor : ndarray
        The fitted means and the linear predictor of the rows used.
    rows : ndarray of bool
        The rows of the design's frame used by the fit.
    iterations : int
        IRLS iterations of the full-sample fit.
    model : ModelFrame or None
        The formula's model frame the fit was made from (its terms, factor
        levels and coding, for tests of terms and predictions), None when
        the fit was given a response and a model matrix.
    design : SurveyDesign or ReplicateDesign or None
        The design the model was fitted on (for refits, e.g. the likelihood
        ratio test of terms).
    y, X : ndarray or None
        The response and the model matrix of the rows used.
    prior_weights : ndarray or None
        The prior weights of the rows used: the design weights over their
        mean, as R's ``svyglm`` gives them to ``glm``.
    naive_cov : ndarray or None
        R's ``naive.cov``: the inverse of the information ``X' W X`` with the
        working weights at the final coefficients (``summary.glm``'s
        ``cov.unscaled``), ignoring the design.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> from micropop.models import glm
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 2.5, 4.0, 5.5, 6.0], "x": [0.0, 1, 2, 3, 4, 5],
    ...                    "w": [1.0, 2, 1, 2, 1, 2]})
    >>> fit = glm(SurveyDesign(df, weights="w"), df["y"], df[["x"]].assign(c=1.0))
    >>> list(fit.to_frame().columns)
    ['estimate', 'se', 't', 'p', 'ci_low', 'ci_high']
    """

    params: np.ndarray
    vcov: np.ndarray
    df_resid: float
    dispersion: float
    family: str
    link: str
    names: tuple[str, ...]
    n: int
    fitted: np.ndarray
    linear_predictor: np.ndarray
    rows: np.ndarray
    iterations: int
    model: ModelFrame | None = None
    design: Design | None = None
    y: np.ndarray | None = None
    X: np.ndarray | None = None
    prior_weights: np.ndarray | None = None
    naive_cov: np.ndarray | None = None

    @property
    def se(self) -> np.ndarray:
        """Standard errors of the coefficients, ``sqrt(diag(vcov))``."""
        return np.sqrt(np.diag(self.vcov))

    def to_frame(self, exp: bool = False, level: float = 0.95) -> pd.DataFrame:
        """The coefficient table, as R's ``summary.svyglm`` and ``confint``.

        Parameters
        ----------
        exp : bool, default False
            Exponentiate the estimates and the interval limits (odds ratios
            under a logit link, rate ratios under a log link); ``se`` is then
            the delta-method ``exp(b) * se``; ``t`` and ``p`` are unchanged.
        level : float, default 0.95
            Confidence level of the t intervals (``df_resid`` degrees of freedom).

        Returns
        -------
        DataFrame
            Indexed by ``term``: ``estimate``, ``se``, ``t``, ``p``,
            ``ci_low``, ``ci_high``.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> from micropop.models import glm
        >>> df = pd.DataFrame({"y": [0.0, 1, 0, 1, 1, 1], "x": [0.0, 1, 2, 1, 3, 2], "w": 1.0})
        >>> X = df[["x"]].assign(**{"(Intercept)": 1.0})[["(Intercept)", "x"]]
        >>> fit = glm(SurveyDesign(df, weights="w"), df["y"], X, family="quasibinomial")
        >>> table = fit.to_frame(exp=True)
        >>> bool(np.isclose(table.loc["x", "estimate"], np.exp(fit.params[1])))
        True
        """
        return coefficient_table(self.params, self.se, self.names, self.df_resid, exp, level)

    def wald_test(self, terms: str | Sequence[str], method: str = "Wald",
                  df: float | None = None) -> TermTest:
        """Test that the coefficients of ``terms`` are zero, as R's ``regTermTest``.

        Parameters
        ----------
        terms : str or sequence of str
            A term as the model names it (``"stype"``, ``"ell:meals"``), a
            list of them, or ``"~ stype + ell"`` (read safely, never evaluated).
        method : {"Wald", "LRT"}
            The design-based Wald test, or the Rao-Scott working likelihood
            ratio test (the model refitted without the terms).
        df : float, optional
            Denominator degrees of freedom: ``df_resid`` by default,
            ``math.inf`` for the chi-square form.

        Returns
        -------
        TermTest
            The Wald F (``statistic``), ``df``, ``ddf``, ``chisq`` and ``p``
            (with ``method="LRT"``: the likelihood ratio ``chisq`` and the
            eigenvalues ``lambdas`` of its p-value).

        Raises
        ------
        UnknownTermError
            A term that is not the model's (the closest one named).
        OptionError
            An unknown method.
        ModelError
            ``df`` not positive, or a singular covariance.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> from micropop.models import glm
        >>> df = pd.DataFrame({"y": [1.0, 3, 2, 6, 5, 8], "x": [0.0, 1, 1, 3, 2, 4], "w": 1.0})
        >>> glm(SurveyDesign(df, weights="w"), "y ~ x").wald_test("x").df
        1
        """
        return wald_test(self, terms, method=method, df=df)

    def anova(self, other: GLMResult | None = None, method: str = "LRT",
              test: str = "F") -> AnovaTable:
        """Analysis of deviance table, as R's ``anova(fit)`` or ``anova(fit, other)``.

        Parameters
        ----------
        other : GLMResult, optional
            A fit nested in this one or nesting it (same design object, rows,
            response and family): test the terms the larger adds. Without it,
            the sequential table of the terms in formula order.
        method : {"LRT", "Wald"}, default "LRT"
            Rao-Scott working likelihood ratio (R's default) or Wald tests.
        test : {"F", "Chisq"}, default "F"
            The F form (the models' residual df) or the chi-square form.

        Returns
        -------
        AnovaTable
            Made by :func:`micropop.models.anova.anova`.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> from micropop.models import glm
        >>> df = pd.DataFrame({"y": [1.0, 3, 2, 6, 5, 8, 7, 9], "x": [0.0, 1, 1, 3, 2, 4, 3, 5],
        ...                    "z": [1.0, 0, 2, 1, 0, 2, 1, 0], "w": 1.0})
        >>> fit = glm(SurveyDesign(df, weights="w"), "y ~ x + z")
        >>> fit.anova(method="Wald").to_frame().index.tolist()
        ['x', 'z']
        """
        return anova(self, other, method=method, test=test)

    @overload
    def predict(self, newdata: pd.DataFrame | None = None,
                type: Literal["link", "response"] = "link", se: bool = True,
                vcov: bool = False, level: float = 0.95) -> Prediction: ...
    @overload
    def predict(self, newdata: pd.DataFrame | None = None, *, type: Literal["terms"],
                se: bool = True, vcov: bool = False,
                level: float = 0.95) -> TermPredictions: ...
    def predict(self, newdata: pd.DataFrame | None = None,
                type: Literal["link", "response", "terms"] = "link", se: bool = True,
                vcov: bool = False, level: float = 0.95) -> Prediction | TermPredictions:
        """Predictions with design-based standard errors, as R's ``predict.svyglm(se.fit = TRUE)``.

        Parameters
        ----------
        newdata : pandas.DataFrame, optional
            The rows to predict (the columns the formula uses, or the model
            matrix's columns for a fit given one); the fitted rows by default.
        type : {"link", "response", "terms"}, default "link"
            Predict the linear predictor, or the mean (delta-method SEs), or
            each term's centred contribution (R's ``type = "terms"``).
        se : bool, default True
            Compute the standard errors.
        vcov : bool, default False
            Keep the predictions' full covariance.
        level : float, default 0.95
            Confidence level of the intervals (normal quantiles, as R's ``confint``).

        Returns
        -------
        Prediction or TermPredictions
            The predictions (:func:`micropop.models.predict.predict` computes
            them); with ``type="terms"`` a TermPredictions.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> from micropop.models import glm
        >>> df = pd.DataFrame({"y": [1.0, 2, 2.5, 4, 5.5, 6], "x": [0.0, 1, 2, 3, 4, 5], "w": 1.0})
        >>> glm(SurveyDesign(df, weights="w"), "y ~ x").predict(df.head(2)).estimate.round(3)
        array([0.857, 1.914])
        """
        return predict(self, newdata, type=type, se=se, vcov=vcov, level=level)

    def _title(self) -> str:
        return (f"Survey-weighted GLM, {self.family} family, {self.link} link "
                f"({self.n} rows, residual df {self.df_resid:g})")

    def _blocks(self) -> list[Block]:
        return [Table(self.to_frame(), "{:.6g}"),
                f"Dispersion {self.dispersion:.6g}; {self.iterations} IRLS iterations"]
