"""Design-based regression: generalised linear models on survey designs, as R's ``svyglm``.

:func:`glm` fits a model from a response and a model matrix (or a
:class:`~micropop.models.formula.ModelFrame`) with design-based variances;
:class:`GLMResult` holds the fit; :func:`anova` makes analysis of deviance
tables of fits (:class:`AnovaTable`). :func:`olr` fits an ordinal (proportional
odds) model, as R's ``svyolr``; :class:`OLRResult` holds it.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from micropop.design import SurveyDesign
>>> from micropop.models import glm
>>> df = pd.DataFrame({"y": [1.0, 3.0, 2.0, 6.0], "x": [0.0, 1.0, 1.0, 3.0], "w": 2.0})
>>> X = pd.DataFrame({"(Intercept)": 1.0, "x": df["x"]})
>>> glm(SurveyDesign(df, weights="w"), df["y"], X).params.round(6).tolist()
[0.894737, 1.684211]
"""

from __future__ import annotations

from micropop.models.anova import AnovaTable, anova
from micropop.models.formula import ModelFrame, model_frame
from micropop.models.glm import glm
from micropop.models.olr import olr
from micropop.models.olr_result import OLRResult
from micropop.models.result import GLMResult
from micropop.models.ttest import TTest, ttest

__all__ = ["AnovaTable", "GLMResult", "anova", "glm", "ModelFrame", "model_frame", "OLRResult",
           "olr", "TTest", "ttest"]
