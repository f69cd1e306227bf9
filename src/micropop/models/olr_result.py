"""The result of :func:`micropop.models.olr`: a proportional-odds model with design-based SEs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from micropop.design._core import Design
from micropop.models._coef_table import coefficient_table
from micropop.models._olr_fit import LINK_OF_METHOD
from micropop.models.formula import ModelFrame
from micropop.models.term_tests import TermTest, wald_test
from micropop.result import Block, Result, Table

if TYPE_CHECKING:
    from micropop.models.result import GLMResult

__all__ = ["OLRResult"]


@dataclass(frozen=True, repr=False, eq=False)
class OLRResult(Result):
    """An ordinal (proportional odds) model fitted on a survey design (R's ``svyolr``).

    ``P(y <= k) = F(zeta_k - x'beta)``, ``F`` the logistic or normal
    distribution function: a positive coefficient moves the response towards
    its higher levels.

    Attributes
    ----------
    params : ndarray, shape (p + q,)
        The coefficients ``beta`` then the thresholds ``zeta`` (R's
        ``coef(fit)``).
    vcov : ndarray, shape (p + q, p + q)
        Their design-based covariance (linearised or replicate).
    df_resid : float
        Residual degrees of freedom, R's ``degf(design) - p``.
    method : str
        ``"logistic"`` or ``"probit"``.
    names : tuple of str
        The coefficients' names (the model matrix's columns, as R names
        them) then the thresholds' (``"low|mid"``, R's ``"(0,25]|(25,50]"``).
    n_coef : int
        ``p``, the number of coefficients before the thresholds.
    levels : tuple of str
        The response's levels, lowest first.
    n : int
        Rows used with a non-zero weight.
    rows : ndarray of bool
        The rows of the design's frame used by the fit.
    iterations : int
        Newton iterations of the full-sample fit.
    loglik : float
        The weighted log-likelihood ``sum w log P`` at the fit (design weights).
    model : ModelFrame or None
        The model frame (without the intercept column: the thresholds take
        its place), for tests of terms.
    design : SurveyDesign or ReplicateDesign or None
        The design the model was fitted on.

    Examples
    --------
    >>> from micropop import datasets
    >>> from micropop.design import SurveyDesign
    >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
    >>> fit = des.olr("frequency ~ hours_week + sex")
    >>> fit.names
    ('hours_week', 'sexmale', 'weekly|monthly', 'monthly|less_often')
    >>> list(fit.to_frame().columns)
    ['estimate', 'se', 't', 'p', 'ci_low', 'ci_high']
    """

    params: np.ndarray
    vcov: np.ndarray
    df_resid: float
    method: str
    names: tuple[str, ...]
    n_coef: int
    levels: tuple[str, ...]
    n: int
    rows: np.ndarray
    iterations: int
    loglik: float
    model: ModelFrame | None = None
    design: Design | None = None

    @property
    def se(self) -> np.ndarray:
        """Standard errors of the coefficients and thresholds, ``sqrt(diag(vcov))``."""
        return np.sqrt(np.diag(self.vcov))

    @property
    def link(self) -> str:
        """The link, as a GLM names it: ``"logit"`` (``method="logistic"``) or ``"probit"``."""
        return LINK_OF_METHOD[self.method]

    @property
    def coefficients(self) -> pd.Series:
        """The coefficients ``beta``, by name (R's ``coef(fit, intercepts = FALSE)``)."""
        return pd.Series(self.params[:self.n_coef], index=list(self.names[:self.n_coef]),
                         name="coefficient")

    @property
    def zeta(self) -> pd.Series:
        """The thresholds ``zeta``, named ``"lower|upper"`` (R's ``fit$zeta``)."""
        return pd.Series(self.params[self.n_coef:], index=list(self.names[self.n_coef:]),
                         name="threshold")

    def to_frame(self, exp: bool = False, level: float = 0.95) -> pd.DataFrame:
        """The table of coefficients then thresholds, as R's ``summary.svyolr`` and ``confint``.

        Parameters
        ----------
        exp : bool, default False
            Exponentiate the estimates and the interval limits (cumulative
            odds ratios under the logistic link); ``se`` is then the
            delta-method ``exp(b) * se``; ``t`` and ``p`` are unchanged.
        level : float, default 0.95
            Confidence level of the t intervals (``df_resid`` degrees of freedom).

        Returns
        -------
        DataFrame
            Indexed by ``term``: ``estimate``, ``se``, ``t``, ``p``,
            ``ci_low``, ``ci_high``.

        Examples
        --------
        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
        >>> fit = des.olr("frequency ~ hours_week")
        >>> fit.to_frame(exp=True).index.tolist()
        ['hours_week', 'weekly|monthly', 'monthly|less_often']
        """
        return coefficient_table(self.params, self.se, self.names, self.df_resid, exp, level)

    def wald_test(self, terms: str | Sequence[str], df: float | None = None) -> TermTest:
        """Test that the coefficients of ``terms`` are zero, as R's ``regTermTest`` on ``svyolr``.

        Parameters
        ----------
        terms : str or sequence of str
            A term as the model names it (``"sex"``), a list of them, or
            ``"~ sex + hours_week"`` (read safely, never evaluated).
        df : float, optional
            Denominator degrees of freedom: ``df_resid`` by default,
            ``math.inf`` for the chi-square form.

        Returns
        -------
        TermTest
            The Wald F, its ``df`` and ``ddf``, ``chisq`` and ``p``.

        Raises
        ------
        UnknownTermError
            A term that is not the model's (the closest one named).
        ModelError
            ``df`` not positive, or a singular covariance.

        Examples
        --------
        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
        >>> des.olr("frequency ~ hours_week + sex").wald_test("sex").df
        1
        """
        # the Wald test reads only model, names, params, vcov and df_resid, which this
        # result holds as GLMResult does (the thresholds belong to no term)
        return wald_test(cast("GLMResult", self), terms, method="Wald", df=df)

    def _title(self) -> str:
        return (f"Survey-weighted ordinal regression, proportional odds, {self.method} "
                f"({self.n} rows, residual df {self.df_resid:g})")

    def _blocks(self) -> list[Block]:
        return [Table(self.to_frame(), "{:.6g}"),
                f"Levels {' < '.join(self.levels)}; {self.iterations} Newton iterations"]
