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

    def quantile(self, variables: str | Sequence[str], quantiles: float | Sequence[float],
                 by: Columns = None, qrule: str = "math", conf_level: float = 0.95,
                 df: float | None = None, na_rm: bool = False,
                 interval_type: str = "mean") -> Estimate:
        """Quantiles with their intervals (R's ``svyquantile``: qrule "math", Woodruff).

        ``interval_type`` is R's ``interval.type``: "mean" (Woodruff, the
        default), "xlogit", "asin", "beta", "score" (linearised designs) or
        "quantile" (replicate designs).

        See :func:`micropop.estimation.survey_quantile`.

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
                               conf_level=conf_level, df=df, na_rm=na_rm,
                               interval_type=interval_type)

    def proportion(self, variable: str, level: object = None, ci: str = "logit",
                   by: Columns = None, conf_level: float = 0.95, df: float | None = None,
                   na_rm: bool = False) -> Estimate:
        """A proportion with an interval inside [0, 1] (R's ``svyciprop``).

        See :func:`micropop.estimation.survey_proportion`.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"smoker": [True] * 8 + [False] * 32, "w": 2.0})
        >>> float(SurveyDesign(df, weights="w").proportion("smoker", level=True).estimate[0])
        0.2
        """
        from micropop.estimation import survey_proportion
        return survey_proportion(self, variable, level=level, ci=ci, by=by,
                                 conf_level=conf_level, df=df, na_rm=na_rm)

    def chisq(self, rows: str, cols: str, statistic: str = "F",
              na_rm: bool = False) -> ChisqTest:
        """Test of association of two categorical columns (R's ``svychisq``).

        Rao and Scott's second-order F by default; ``statistic`` is one of
        ``"F"``, ``"Chisq"``, ``"Wald"``, ``"adjWald"``, ``"lincom"`` (Pearson's
        X^2 against its exact asymptotic distribution, by Davies' algorithm) and
        ``"saddlepoint"`` (the same by a saddlepoint approximation). See
        :func:`micropop.estimation.survey_chisq`.

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
