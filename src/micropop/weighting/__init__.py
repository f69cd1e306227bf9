"""Weighting a sample to its population, with variances that know it, as R ``survey``.

Each function takes a design and returns a new one (they are also methods of
:class:`~micropop.design.SurveyDesign` and
:class:`~micropop.design.ReplicateDesign`):

- :func:`adjust_nonresponse`: weighting-class adjustment, respondents kept;
- :func:`poststratify`: R's ``postStratify`` (one variable or a cross);
- :func:`rake`: R's ``rake``, iterative proportional fitting to margins;
- :func:`calibrate`: R's ``calibrate`` (linear/GREG, raking, logit; bounds);
- :func:`trim`: R's ``trimWeights``;
- :func:`weight_summary`: spread of the weights, margins reached, convergence.

Linearised variances of every estimator on the new design use the
calibration residuals R keeps in ``design$postStrata``; replicate designs have
every replicate re-weighted. Margins come as dicts of level counts (a number
for a numeric total in :func:`calibrate`); :func:`sex_age_margins` builds them
from the INSEE census (:mod:`micropop.reference.census`).

Examples
--------
>>> import pandas as pd
>>> from micropop.design import SurveyDesign
>>> df = pd.DataFrame({"sex": ["f", "f", "m", "m"], "y": [1.0, 2.0, 3.0, 5.0], "w": 1.0})
>>> des = SurveyDesign(df, weights="w").rake({"sex": {"f": 60, "m": 40}})
>>> float(des.total("y").estimate[0])
250.0
"""

from micropop.reference.census import demo_margins, sex_age_margins
from micropop.weighting._design import WeightingStep
from micropop.weighting.calibrate import CALIBRATION_METHODS, calibrate
from micropop.weighting.diagnostics import WeightSummary, weight_summary
from micropop.weighting.nonresponse import adjust_nonresponse
from micropop.weighting.rake import poststratify, rake
from micropop.weighting.trim import trim

__all__ = ["CALIBRATION_METHODS", "WeightSummary", "WeightingStep", "adjust_nonresponse",
           "calibrate", "demo_margins", "poststratify", "rake", "sex_age_margins", "trim",
           "weight_summary"]
