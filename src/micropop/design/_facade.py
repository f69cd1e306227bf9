"""The R-style methods of a design: a thin facade over estimation and weighting.

``des.mean("y")`` is :func:`micropop.estimation.survey_mean` (``des, "y"``),
``des.rake({...})`` is :func:`micropop.weighting.rake`, and so on: each method
imports its function when called, because those layers sit above the design
core (:mod:`micropop.design._core`) and import it, never this module.

Examples
--------
>>> import pandas as pd
>>> from micropop.design import SurveyDesign
>>> des = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 3.0], "w": [10.0, 10.0, 20.0]}),
...                    weights="w")
>>> float(des.mean("y").estimate[0])
2.25
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Self

import numpy as np
import pandas as pd

from micropop._compat import level_was_category, renamed_keywords
from micropop.design._core import Design
from micropop.design.encode import Columns

if TYPE_CHECKING:
    from micropop.estimation import ChisqTest, Estimate
    from micropop.weighting import WeightSummary
    from micropop.weighting.margins import MarginSpec

__all__ = ["DesignMethods"]


class DesignMethods(Design):
    """A design with its estimators (R's ``svymean``, ``svytotal``...) and weighting
    steps as methods: the base of :class:`~micropop.design.SurveyDesign` and
    :class:`~micropop.design.ReplicateDesign`."""

    __slots__ = ()

    def total(self, variables: str | Sequence[str], by: Columns = None,
              deff: bool | Literal["replace"] = False, na_rm: bool = False) -> Estimate:
        """Estimated population totals (R's ``svytotal``, ``svyby``).

        See :func:`micropop.estimation.survey_total`.

        Parameters
        ----------
        variables : str or list of str
            Columns to total (a categorical one gives a total per level).
        by : str or list of str, optional
            Domain columns (R's ``svyby``).
        deff : bool or "replace", default False
            Add the design effect (against sampling without replacement, or
            with it for "replace").
        na_rm : bool, default False
            Leave out rows with missing values (else they are refused).

        Returns
        -------
        Estimate
            One total per variable (and level, and domain), with its SE.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0], "w": [10.0, 10.0, 20.0]})
        >>> float(SurveyDesign(df, weights="w").total("y").estimate[0])
        90.0
        """
        from micropop.estimation import survey_total
        return survey_total(self, variables, by=by, deff=deff, na_rm=na_rm)

    def mean(self, variables: str | Sequence[str], by: Columns = None,
             deff: bool | Literal["replace"] = False, na_rm: bool = False) -> Estimate:
        """Estimated population means (R's ``svymean``, ``svyby``).

        See :func:`micropop.estimation.survey_mean`.

        Parameters
        ----------
        variables : str or list of str
            Columns to average; a categorical column gives the share of each level.
        by : str or list of str, optional
            Columns whose combinations are the domains.
        deff : bool or "replace", default False
            Also give the design effect, as R's ``deff=``.
        na_rm : bool, default False
            Drop the rows missing a value instead of raising.

        Returns
        -------
        Estimate
            The means (or shares) with their standard errors.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0], "w": [10.0, 10.0, 20.0]})
        >>> float(SurveyDesign(df, weights="w").mean("y").estimate[0])
        2.25
        """
        from micropop.estimation import survey_mean
        return survey_mean(self, variables, by=by, deff=deff, na_rm=na_rm)

    def ratio(self, numerator: str | Sequence[str], denominator: str, by: Columns = None,
              deff: bool | Literal["replace"] = False, na_rm: bool = False) -> Estimate:
        """Estimated ratios of population totals (R's ``svyratio``).

        See :func:`micropop.estimation.survey_ratio`.

        Parameters
        ----------
        numerator : str or list of str
            Numeric column(s) whose total is divided.
        denominator : str
            Numeric column whose total divides.
        by : str or list of str, optional
            Domain columns, one ratio per domain.
        deff : bool or "replace", default False
            Include design effects.
        na_rm : bool, default False
            Skip rows with a missing numerator or denominator.

        Returns
        -------
        Estimate
            One ratio per numerator (and domain).

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0], "x": [2.0, 2.0, 2.0],
        ...                    "w": [10.0, 10.0, 20.0]})
        >>> float(SurveyDesign(df, weights="w").ratio("y", "x").estimate[0])
        1.125
        """
        from micropop.estimation import survey_ratio
        return survey_ratio(self, numerator, denominator, by=by, deff=deff, na_rm=na_rm)

    @renamed_keywords(conf_level="level")
    def quantile(self, variables: str | Sequence[str], quantiles: float | Sequence[float],
                 by: Columns = None, qrule: str = "math", level: float = 0.95,
                 df: float | None = None, na_rm: bool = False,
                 interval_type: str = "mean") -> Estimate:
        """Quantiles with their intervals (R's ``svyquantile``: qrule "math", Woodruff).

        ``interval_type`` is R's ``interval.type``: "mean" (Woodruff, the
        default), "xlogit", "asin", "beta", "score" (linearised designs) or
        "quantile" (replicate designs).

        See :func:`micropop.estimation.survey_quantile`.

        Parameters
        ----------
        variables : str or list of str
            Numeric columns.
        quantiles : float or list of float
            Probabilities in [0, 1].
        by : str or list of str, optional
            Domains.
        qrule : str, default "math"
            R's ``qrule`` ("math", "school", "hf1" to "hf9").
        level : float, default 0.95
            Coverage of the intervals (``conf_level=`` is its deprecated old name).
        df : float, optional
            Degrees of freedom of the intervals; default the design's.
        na_rm : bool, default False
            Ignore missing values.
        interval_type : str, default "mean"
            How the interval is made, as above.

        Returns
        -------
        Estimate
            The quantiles, with intervals (``ci_low``, ``ci_high``) and SEs.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"y": [float(v) for v in range(1, 41)], "w": 2.0})
        >>> float(SurveyDesign(df, weights="w").quantile("y", 0.5).estimate[0])
        20.0
        """
        from micropop.estimation import survey_quantile
        return survey_quantile(self, variables, quantiles, by=by, qrule=qrule,
                               level=level, df=df, na_rm=na_rm,
                               interval_type=interval_type)

    @level_was_category
    @renamed_keywords(conf_level="level")
    def proportion(self, variable: str, category: object = None, ci: str = "logit",
                   by: Columns = None, level: float = 0.95, df: float | None = None,
                   na_rm: bool = False) -> Estimate:
        """A proportion with an interval inside [0, 1] (R's ``svyciprop``).

        See :func:`micropop.estimation.survey_proportion`.

        Parameters
        ----------
        variable : str
            A logical, 0/1 or categorical column.
        category : object, optional
            The value counted as a success (needed unless the column is 0/1 or
            logical).
        ci : str, default "logit"
            Interval method, as R's ``svyciprop``: "logit", "likelihood", "xlogit",
            "mean", "asin", "beta" or "wilson".
        by : str or list of str, optional
            One proportion per domain.
        level : float, default 0.95
            Interval coverage when ``category=`` is given (``category=None`` for
            a 0/1 column). Without ``category=``, ``level=`` still names the
            category, with a ``DeprecationWarning``; ``conf_level=`` is the
            coverage's deprecated name.
        df : float, optional
            Degrees of freedom; default the design's.
        na_rm : bool, default False
            Skip missing values.

        Returns
        -------
        Estimate
            The proportion with its interval.

        Notes
        -----
        .. versionchanged:: 0.2.0
           ``category=`` names the category and ``level=`` the coverage; see
           :func:`micropop.estimation.survey_proportion` for the transition.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"smoker": [True] * 8 + [False] * 32, "w": 2.0})
        >>> float(SurveyDesign(df, weights="w").proportion("smoker", True).estimate[0])
        0.2
        """
        from micropop.estimation import survey_proportion
        return survey_proportion(self, variable, category=category, ci=ci, by=by,
                                 level=level, df=df, na_rm=na_rm)

    def chisq(self, rows: str, cols: str, statistic: str = "F",
              na_rm: bool = False) -> ChisqTest:
        """Test of association of two categorical columns (R's ``svychisq``).

        Rao and Scott's second-order F by default; ``statistic`` is one of
        ``"F"``, ``"Chisq"``, ``"Wald"``, ``"adjWald"``, ``"lincom"`` (Pearson's
        X^2 against its exact asymptotic distribution, by Davies' algorithm) and
        ``"saddlepoint"`` (the same by a saddlepoint approximation). See
        :func:`micropop.estimation.survey_chisq`.

        Parameters
        ----------
        rows, cols : str
            The two categorical columns of the table.
        statistic : str, default "F"
            One of those above.
        na_rm : bool, default False
            Leave out rows missing either column.

        Returns
        -------
        ChisqTest
            The statistic, its degrees of freedom and p-value.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"a": list("xxyy") * 10, "b": list("pqpp") * 10, "w": 1.0})
        >>> test = SurveyDesign(df, weights="w").chisq("a", "b")
        >>> test.statistic_name, round(test.p_value, 4)
        ('F', 0.0005)
        """
        from micropop.estimation import survey_chisq
        return survey_chisq(self, rows, cols, statistic=statistic, na_rm=na_rm)

    # --- weighting (micropop.weighting) -------------------------------------

    def adjust_nonresponse(self, responded: str | np.ndarray | pd.Series,
                           by: Columns = None) -> Self:
        """Weighting-class nonresponse adjustment; returns the respondents.

        See :func:`micropop.weighting.adjust_nonresponse`.

        Parameters
        ----------
        responded : str, ndarray or Series
            A boolean column name or mask: True for respondents.
        by : str or list of str, optional
            Weighting classes (default one class).

        Returns
        -------
        SurveyDesign or ReplicateDesign
            The respondents, weighted up to their class totals.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"r": [True, False, True, True], "w": 10.0})
        >>> SurveyDesign(df, weights="w").adjust_nonresponse("r").weights.round(4).tolist()
        [13.3333, 13.3333, 13.3333]
        """
        from micropop.weighting import adjust_nonresponse
        return adjust_nonresponse(self, responded, by=by)

    def poststratify(self, strata: str | Sequence[str], population: MarginSpec,
                     partial: bool = False) -> Self:
        """Post-stratify to population counts (R's ``postStratify``).

        See :func:`micropop.weighting.poststratify`.

        Parameters
        ----------
        strata : str or list of str
            Post-strata columns.
        population : mapping, Series or DataFrame
            Population count of each post-stratum.
        partial : bool, default False
            Ignore population strata the sample lacks (R's ``partial=TRUE``).

        Returns
        -------
        SurveyDesign or ReplicateDesign
            The same kind of design, post-stratified.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"g": ["a", "b", "b"], "w": 1.0})
        >>> SurveyDesign(df, weights="w").poststratify("g", {"a": 5, "b": 8}).weights.tolist()
        [5.0, 4.0, 4.0]
        """
        from micropop.weighting import poststratify
        return poststratify(self, strata, population, partial=partial)

    def rake(self, margins: Mapping[Any, MarginSpec], max_iter: int = 100,
             epsilon: float = 1e-7) -> Self:
        """Rake the weights to population margins (R's ``rake``).

        See :func:`micropop.weighting.rake`.

        Parameters
        ----------
        margins : mapping
            Column (or tuple of columns) to its population counts.
        max_iter : int, default 100
            Sweeps at most.
        epsilon : float, default 1e-7
            Convergence tolerance.

        Returns
        -------
        SurveyDesign or ReplicateDesign
            The raked design.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"sex": ["f", "m", "m"], "w": 1.0})
        >>> SurveyDesign(df, weights="w").rake({"sex": {"f": 6, "m": 4}}).weights.tolist()
        [6.0, 2.0, 2.0]
        """
        from micropop.weighting import rake
        return rake(self, margins, max_iter=max_iter, epsilon=epsilon)

    def calibrate(self, population: Mapping[Any, MarginSpec], method: str = "linear",
                  bounds: tuple[float, float] | None = None, max_iter: int = 50,
                  epsilon: float = 1e-7) -> Self:
        """Calibrate the weights to population totals (R's ``calibrate``).

        See :func:`micropop.weighting.calibrate`.

        Parameters
        ----------
        population : mapping
            Column to a population total (numeric) or counts by level.
        method : str, default "linear"
            "linear", "raking" or "logit" (R's ``calfun``).
        bounds : tuple of float, optional
            Bounds on the weight ratios g (needed for "logit").
        max_iter : int, default 50
            Newton steps at most.
        epsilon : float, default 1e-7
            Tolerance on the relative misfit.

        Returns
        -------
        SurveyDesign or ReplicateDesign
            The calibrated design.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"sex": ["f", "m", "m"], "x": [1.0, 1.0, 3.0], "w": 1.0})
        >>> des = SurveyDesign(df, weights="w").calibrate({"sex": {"f": 5, "m": 5}, "x": 15})
        >>> [round(v, 6) for v in des.weights]
        [5.0, 2.5, 2.5]
        """
        from micropop.weighting import calibrate
        return calibrate(self, population, method=method, bounds=bounds, max_iter=max_iter,
                         epsilon=epsilon)

    def trim(self, lower: float = -np.inf, upper: float = np.inf, strict: bool = False) -> Self:
        """Trim extreme weights, spreading the excess (R's ``trimWeights``).

        See :func:`micropop.weighting.trim`.

        Parameters
        ----------
        lower, upper : float, optional
            Bounds on the weights (default none).
        strict : bool, default False
            Repeat until every weight is within the bounds.

        Returns
        -------
        SurveyDesign or ReplicateDesign
            The trimmed design.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"w": [1.0, 1.0, 10.0]})
        >>> SurveyDesign(df, weights="w").trim(upper=6).weights.tolist()
        [3.0, 3.0, 6.0]
        """
        from micropop.weighting import trim
        return trim(self, lower=lower, upper=upper, strict=strict)

    def weight_summary(self) -> WeightSummary:
        """Weight diagnostics: spread, Kish deff, margins reached, convergence.

        See :func:`micropop.weighting.weight_summary`.

        Returns
        -------
        WeightSummary
            The diagnostics, ``to_frame()`` for a table.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"w": [1.0, 3.0]})
        >>> float(SurveyDesign(df, weights="w").weight_summary().statistics["deff_kish"])
        1.25
        """
        from micropop.weighting import weight_summary
        return weight_summary(self)
