"""Design-based estimators and their result.

Each estimator follows R ``survey``: the point estimate is a weighted sum and
its variance is the design variance of its influence values (Taylor
linearisation, :func:`micropop.variance.linearized_vcov`). Domains (``by=``,
:meth:`SurveyDesign.subset`, ``na_rm=True``) keep the full design, as R's
``svyby`` and ``subset`` do: rows outside the domain count as zeros.

Modules: :mod:`~micropop.estimation.result` (the :class:`Estimate`),
:mod:`~micropop.estimation.linear` (totals, means, ratios),
:mod:`~micropop.estimation.quantiles`, :mod:`~micropop.estimation.proportions`,
:mod:`~micropop.estimation.association` (tests of association, :class:`ChisqTest`, and
of goodness of fit, :class:`GoodnessOfFit`);
``_analysis`` prepares analysis variables and domains for all of them.

Examples
--------
>>> import pandas as pd
>>> from micropop.design import SurveyDesign
>>> df = pd.DataFrame({"y": [2.0, 4.0, 6.0, 8.0], "w": [1.0, 1.0, 2.0, 2.0],
...                    "g": ["a", "b", "a", "b"]})
>>> des = SurveyDesign(df, weights="w")
>>> est = des.mean("y", by="g")
>>> est.index.tolist()
[('y', 'a'), ('y', 'b')]
>>> est.estimate.round(4).tolist()
[4.6667, 6.6667]
"""

from micropop.estimation.association import (
                                             CHISQ_STATISTICS,
                                             ChisqTest,
                                             GoodnessOfFit,
                                             goodness_of_fit,
                                             survey_chisq,
)
from micropop.estimation.linear import survey_mean, survey_ratio, survey_total
from micropop.estimation.proportions import PROPORTION_METHODS, survey_proportion
from micropop.estimation.quantiles import QUANTILE_RULES, survey_quantile
from micropop.estimation.result import Estimate
from micropop.estimation.variances import survey_corr, survey_cov, survey_var

__all__ = ["CHISQ_STATISTICS", "ChisqTest", "Estimate", "GoodnessOfFit", "PROPORTION_METHODS",
           "QUANTILE_RULES", "goodness_of_fit", "survey_chisq", "survey_corr",
           "survey_cov", "survey_mean", "survey_proportion",
           "survey_quantile", "survey_ratio", "survey_total", "survey_var"]
