"""The R-style methods of a design: a thin facade over estimation and weighting.

``des.mean("y")`` is :func:`micropop.estimation.survey_mean` (``des, "y"``),
``des.rake({...})`` is :func:`micropop.weighting.rake`, and so on: each method
imports its function when called, because those layers sit above the design
core (:mod:`micropop.design._core`) and import it, never this module. Each
method's docstring is its function's (parameters, returns, errors, notes),
assembled by :func:`~micropop.design._method_docs.documented_as`, with an
example of the method on the demo data.

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
from micropop.design._method_docs import documented_as
from micropop.design.encode import Columns

if TYPE_CHECKING:
    from micropop.estimation import ChisqTest, Estimate
    from micropop.models import GLMResult, OLRResult, TTest
    from micropop.weighting import WeightSummary
    from micropop.weighting.margins import MarginSpec

__all__ = ["DesignMethods"]


class DesignMethods(Design):
    """A design with its estimators (R's ``svymean``, ``svytotal``...) and weighting
    steps as methods: the base of :class:`~micropop.design.SurveyDesign` and
    :class:`~micropop.design.ReplicateDesign`."""

    __slots__ = ()

    @documented_as("micropop.estimation.linear.survey_total")
    def total(self, variables: str | Sequence[str], by: Columns = None,
              deff: bool | Literal["replace"] = False, na_rm: bool = False) -> Estimate:
        """Estimated population totals, as R's ``svytotal`` (``svyby`` with ``by=``).

        Examples
        --------
        How many adults did micro-work in the last 12 months, from the
        stratified two-stage population survey (communes, then households):

        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(datasets.load_population_survey(), weights="weight",
        ...                    strata="region", psu=["commune_id", "household_id"],
        ...                    fpc=["fpc1", "fpc2"])
        >>> des.total("microwork_12m").to_frame()[["estimate", "se"]].round(0)
        ... # doctest: +NORMALIZE_WHITESPACE
                       estimate       se
        variable
        microwork_12m  295985.0  30169.0
        """
        from micropop.estimation import survey_total
        return survey_total(self, variables, by=by, deff=deff, na_rm=na_rm)

    @documented_as("micropop.estimation.linear.survey_mean")
    def mean(self, variables: str | Sequence[str], by: Columns = None,
             deff: bool | Literal["replace"] = False, na_rm: bool = False) -> Estimate:
        """Estimated population means or shares, as R's ``svymean`` (``svyby`` with ``by=``).

        Examples
        --------
        Mean monthly earnings of the micro-workers by sex, with design effects:

        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
        >>> est = des.mean("earnings_month", by="sex", deff=True)
        >>> est.to_frame()[["estimate", "se", "deff"]].round(3)
        ... # doctest: +NORMALIZE_WHITESPACE
                               estimate     se   deff
        variable       domain
        earnings_month female    19.964  1.469  1.068
                       male      22.323  1.831  0.965
        """
        from micropop.estimation import survey_mean
        return survey_mean(self, variables, by=by, deff=deff, na_rm=na_rm)

    @documented_as("micropop.estimation.linear.survey_ratio")
    def ratio(self, numerator: str | Sequence[str], denominator: str, by: Columns = None,
              deff: bool | Literal["replace"] = False, na_rm: bool = False) -> Estimate:
        """Estimated ratios of population totals, as R's ``svyratio``.

        Examples
        --------
        Earnings per hour of micro-work, total monthly earnings over total
        weekly hours:

        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
        >>> des.ratio("earnings_month", "hours_week").to_frame()[["estimate", "se"]].round(3)
        ... # doctest: +NORMALIZE_WHITESPACE
                                   estimate     se
        variable
        earnings_month/hours_week       7.0  0.272
        """
        from micropop.estimation import survey_ratio
        return survey_ratio(self, numerator, denominator, by=by, deff=deff, na_rm=na_rm)

    @renamed_keywords(conf_level="level")
    @documented_as("micropop.estimation.quantiles.survey_quantile")
    def quantile(self, variables: str | Sequence[str], quantiles: float | Sequence[float],
                 by: Columns = None, qrule: str = "math", level: float = 0.95,
                 df: float | None = None, na_rm: bool = False,
                 interval_type: str = "mean") -> Estimate:
        """Quantiles with their intervals, as R's ``svyquantile`` (Woodruff's by default).

        Examples
        --------
        Quartiles of monthly earnings, with their 95 % Woodruff intervals:

        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
        >>> est = des.quantile("earnings_month", [0.25, 0.5, 0.75])
        >>> est.to_frame()[["estimate", "ci_low", "ci_high"]].round(2)
        ... # doctest: +NORMALIZE_WHITESPACE
                              estimate  ci_low  ci_high
        variable       level
        earnings_month 0.25       2.05    1.74     2.45
                       0.5        7.53    6.47     8.61
                       0.75      24.47   21.87    28.17
        """
        from micropop.estimation import survey_quantile
        return survey_quantile(self, variables, quantiles, by=by, qrule=qrule,
                               level=level, df=df, na_rm=na_rm,
                               interval_type=interval_type)

    @level_was_category
    @renamed_keywords(conf_level="level")
    @documented_as("micropop.estimation.proportions.survey_proportion")
    def proportion(self, variable: str, category: object = None, ci: str = "logit",
                   by: Columns = None, level: float = 0.95, df: float | None = None,
                   na_rm: bool = False) -> Estimate:
        """A proportion with an interval inside [0, 1], as R's ``svyciprop``.

        Examples
        --------
        The share of women among the micro-workers of each age group, with
        logit intervals:

        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
        >>> est = des.proportion("sex", "female", by="age_group")
        >>> est.to_frame()[["estimate", "ci_low", "ci_high"]].round(3)
        ... # doctest: +NORMALIZE_WHITESPACE
                                estimate  ci_low  ci_high
        variable level  domain
        sex      female 18-24      0.499   0.410    0.588
                        25-44      0.589   0.549    0.627
                        45-64      0.517   0.450    0.584
                        65-74      0.555   0.321    0.768
        """
        from micropop.estimation import survey_proportion
        return survey_proportion(self, variable, category=category, ci=ci, by=by,
                                 level=level, df=df, na_rm=na_rm)

    @documented_as("micropop.estimation.association.survey_chisq")
    def chisq(self, rows: str, cols: str, statistic: str = "F",
              na_rm: bool = False) -> ChisqTest:
        """Test of association of two categorical columns, as R's ``svychisq``.

        Examples
        --------
        Do women and men work on the platforms for the same reasons?

        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
        >>> test = des.chisq("sex", "main_motive")
        >>> test.statistic_name, round(test.statistic, 3), round(test.p_value, 3)
        ('F', 1.104, 0.356)
        """
        from micropop.estimation import survey_chisq
        return survey_chisq(self, rows, cols, statistic=statistic, na_rm=na_rm)

    @documented_as("micropop.estimation.variances.survey_var")
    def var(self, variables: str | Sequence[str], by: Columns = None,
            na_rm: bool = False) -> Estimate:
        """Estimated population variances with their SEs, as R's ``svyvar``.

        Examples
        --------
        How much do monthly earnings vary among micro-workers, by sex?

        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
        >>> des.var("earnings_month", by="sex").to_frame()[["estimate", "se"]].round(1)
        ... # doctest: +NORMALIZE_WHITESPACE
                               estimate     se
        variable       domain
        earnings_month female    1137.1  214.3
                       male      1530.4  462.8
        """
        from micropop.estimation import survey_var
        return survey_var(self, variables, by=by, na_rm=na_rm)

    @documented_as("micropop.estimation.variances.survey_cov")
    def cov(self, variables: Sequence[str], by: Columns = None,
            na_rm: bool = False) -> Estimate:
        """The estimated population covariance matrix with SEs, as R's ``svyvar``.

        Examples
        --------
        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
        >>> est = des.cov(["earnings_month", "hours_week"])
        >>> est.to_frame()[["estimate", "se"]].round(2)
        ... # doctest: +NORMALIZE_WHITESPACE
                                       estimate      se
        variable       variable2
        earnings_month earnings_month   1309.76  236.50
                       hours_week         95.70   13.56
        hours_week     earnings_month     95.70   13.56
                       hours_week         13.80    1.68
        """
        from micropop.estimation import survey_cov
        return survey_cov(self, variables, by=by, na_rm=na_rm)

    @documented_as("micropop.estimation.variances.survey_corr")
    def corr(self, variables: Sequence[str], by: Columns = None,
             na_rm: bool = False) -> Estimate:
        """Estimated population correlations with design-based SEs.

        Examples
        --------
        Do those who work more hours earn more? A correlation and its
        interval:

        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
        >>> est = des.corr(["earnings_month", "hours_week"])
        >>> est.to_frame()[["estimate", "se", "ci_low", "ci_high"]].round(3)
        ... # doctest: +NORMALIZE_WHITESPACE
                                   estimate     se  ci_low  ci_high
        variable       variable2
        earnings_month hours_week     0.712  0.022   0.669    0.755
        """
        from micropop.estimation import survey_corr
        return survey_corr(self, variables, by=by, na_rm=na_rm)

    # --- regression (micropop.models) ----------------------------------------

    @documented_as("micropop.models.glm.glm")
    def glm(self, y: Any, X: Any = None, family: str = "gaussian", link: str | None = None,
            *, names: Sequence[str] | None = None, rows: Any = None, na_rm: bool = False,
            max_iter: int = 50, tol: float = 1e-10,
            start: Sequence[float] | np.ndarray | None = None) -> GLMResult:
        """A generalised linear model with design-based standard errors, as R's ``svyglm``.

        Examples
        --------
        Do men earn more per month on the platforms than women, hours being
        equal? (log earnings; linearised standard errors): no, 1 % more, p = 0.87.

        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
        >>> fit = des.glm("log1p(earnings_month) ~ hours_week + sex")
        >>> fit.to_frame()[["estimate", "se", "p"]].round(4)
        ... # doctest: +NORMALIZE_WHITESPACE
                     estimate      se       p
        term
        (Intercept)    1.3881  0.0610  0.0000
        hours_week     0.2629  0.0197  0.0000
        sexmale        0.0107  0.0654  0.8701
        """
        from micropop.models import glm
        return glm(self, y, X, family=family, link=link, names=names, rows=rows, na_rm=na_rm,
                   max_iter=max_iter, tol=tol, start=start)

    @documented_as("micropop.models.olr.olr")
    def olr(self, formula: Any, *, method: str = "logistic", na_rm: bool = False,
            rows: Any = None, max_iter: int = 100, tol: float = 1e-10,
            start: Any = None) -> OLRResult:
        """An ordinal (proportional odds) model with design-based SEs, as R's ``svyolr``.

        Examples
        --------
        How often do they work on the platforms (weekly < monthly < less
        often), hours and sex being equal? More hours, more often (a negative
        coefficient moves towards the lower levels: weekly work).

        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
        >>> des.olr("frequency ~ hours_week + sex").to_frame()[["estimate", "se"]].round(3)
        ... # doctest: +NORMALIZE_WHITESPACE
                            estimate     se
        term
        hours_week            -2.586  0.230
        sexmale                0.090  0.173
        weekly|monthly        -7.911  0.596
        monthly|less_often    -2.377  0.213
        """
        from micropop.models import olr
        return olr(self, formula, method=method, na_rm=na_rm, rows=rows, max_iter=max_iter,
                   tol=tol, start=start)

    @documented_as("micropop.models.ttest.ttest")
    def ttest(self, y: str, group: str | None = None, mu: float = 0.0, level: float = 0.95,
              na_rm: bool = False) -> TTest:
        """A design-based t-test of a mean or a difference in means, as R's ``svyttest``.

        Examples
        --------
        Do women and men earn the same per month on the platforms?

        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
        >>> test = des.ttest("earnings_month", "sex")
        >>> test.to_frame()[["estimate", "se", "t", "df", "p"]].round(3)
        ... # doctest: +NORMALIZE_WHITESPACE
                                       estimate     se      t     df      p
        test
        earnings_month: male - female     2.359  2.347  1.005  998.0  0.315
        """
        from micropop.models import ttest
        return ttest(self, y, group, mu=mu, level=level, na_rm=na_rm)

    # --- weighting (micropop.weighting) -------------------------------------

    @documented_as("micropop.weighting.nonresponse.adjust_nonresponse")
    def adjust_nonresponse(self, responded: str | np.ndarray | pd.Series,
                           by: Columns = None) -> Self:
        """Weighting-class nonresponse adjustment; returns the respondents.

        Examples
        --------
        One micro-worker in ten did not answer; the others carry their weight,
        within each sex:

        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> df = datasets.load_worker_survey()
        >>> df["answered"] = df["id"] % 10 != 0
        >>> des = SurveyDesign(df, weights="weight").adjust_nonresponse("answered", by="sex")
        >>> len(des.data), des.total("sex").estimate.round(2).tolist()
        (900, [149296.82, 116829.18])
        """
        from micropop.weighting import adjust_nonresponse
        return adjust_nonresponse(self, responded, by=by)

    @documented_as("micropop.weighting.rake.poststratify")
    def poststratify(self, strata: str | Sequence[str], population: MarginSpec,
                     partial: bool = False) -> Self:
        """Post-stratify to population counts, as R's ``postStratify``.

        Examples
        --------
        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
        >>> des.total("sex").estimate.tolist()
        [149296.82, 116829.18]
        >>> des = des.poststratify("sex", {"female": 150000, "male": 116126})
        >>> des.total("sex").estimate.round(6).tolist()
        [150000.0, 116126.0]
        """
        from micropop.weighting import poststratify
        return poststratify(self, strata, population, partial=partial)

    @documented_as("micropop.weighting.rake.rake")
    def rake(self, margins: Mapping[Any, MarginSpec], max_iter: int = 100,
             epsilon: float = 1e-7, *, on_nonconvergence: str = "raise") -> Self:
        """Rake the weights to population margins, as R's ``rake``.

        Examples
        --------
        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
        >>> des = des.rake({"sex": {"female": 150000, "male": 116126},
        ...                 "age_group": {"18-24": 40000, "25-44": 170000,
        ...                               "45-64": 52000, "65-74": 4126}})
        >>> des.total("age_group").estimate.round(6).tolist()
        [40000.0, 170000.0, 52000.0, 4126.0]
        """
        from micropop.weighting import rake
        return rake(self, margins, max_iter=max_iter, epsilon=epsilon,
                    on_nonconvergence=on_nonconvergence)

    @documented_as("micropop.weighting.calibrate.calibrate")
    def calibrate(self, population: Mapping[Any, MarginSpec], method: str = "linear",
                  bounds: tuple[Any, Any] | None = None, max_iter: int = 50,
                  epsilon: float = 1e-7, *, variance: Any = None, bounds_const: bool = False,
                  aggregate: int | None = None, stage: int | None = None) -> Self:
        """Calibrate the weights to population totals, as R's ``calibrate``.

        Examples
        --------
        Calibrated to the count of each sex and to a total of 800,000 hours
        of micro-work a week:

        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
        >>> des = des.calibrate({"sex": {"female": 150000, "male": 116126},
        ...                      "hours_week": 800000})
        >>> des.total("hours_week").estimate.round(6).tolist()
        [800000.0]
        >>> round(float(des.mean("earnings_month").estimate[0]), 2)
        21.04
        """
        from micropop.weighting import calibrate
        return calibrate(self, population, method=method, bounds=bounds, max_iter=max_iter,
                         epsilon=epsilon, variance=variance, bounds_const=bounds_const,
                         aggregate=aggregate, stage=stage)

    @documented_as("micropop.weighting.trim.trim")
    def trim(self, lower: float = -np.inf, upper: float = np.inf, strict: bool = False) -> Self:
        """Trim extreme weights, sharing the excess out, as R's ``trimWeights``.

        Examples
        --------
        22 micro-workers weigh more than 400; trimmed, the total stays:

        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
        >>> int((des.weights > 400).sum())
        22
        >>> trimmed = des.trim(upper=400)
        >>> float(trimmed.weights.max()), round(float(trimmed.weights.sum()), 6)
        (400.0, 266126.0)
        """
        from micropop.weighting import trim
        return trim(self, lower=lower, upper=upper, strict=strict)

    @documented_as("micropop.weighting.diagnostics.weight_summary")
    def weight_summary(self) -> WeightSummary:
        """Weight diagnostics: spread, Kish deff, margins reached, convergence.

        Examples
        --------
        >>> from micropop import datasets
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
        >>> summary = des.rake({"sex": {"female": 150000, "male": 116126}}).weight_summary()
        >>> summary.statistics[["n", "deff_kish", "n_effective"]].round(3).tolist()
        [1000.0, 1.043, 959.226]
        """
        from micropop.weighting import weight_summary
        return weight_summary(self)
