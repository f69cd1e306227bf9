"""Survey designs: the sample, its weights and how it was drawn.

A :class:`SurveyDesign` is built once from a DataFrame and column names, as R's
``svydesign``; it encodes strata and sampling units as integer codes so that
every estimate afterwards is a handful of group sums (variances by Taylor
linearisation). A :class:`ReplicateDesign` carries replicate weights instead,
shipped with the data (R's ``svrepdesign``) or made by
:meth:`SurveyDesign.replicate` (R's ``as.svrepdesign``). Both offer the same
estimators and :meth:`~SurveyDesign.subset`.

The package, from the bottom up:

- :mod:`~micropop.design._core`: the immutable container and the internal API
  the other layers read a design through (weights, rows, unit sums,
  replicate sums, degrees of freedom, calibration projections), with its
  variance steps declared in :mod:`~micropop.design._variance`;
- :mod:`~micropop.design.encode`: column, label and weight checks, and the
  encoding of strata, PSUs and fpc;
- :mod:`~micropop.design.factors`: replicate factors made from a design
  (jackknives, BRR, Fay, bootstraps);
- :mod:`~micropop.design._facade`: the R-style methods (``des.mean``,
  ``des.rake``...), calling :mod:`micropop.estimation` and :mod:`micropop.weighting`;
- :mod:`~micropop.design.survey` (:class:`SurveyDesign`) and
  :mod:`~micropop.design.replicate` (:class:`ReplicateDesign`).

Examples
--------
>>> import pandas as pd
>>> from micropop.design import SurveyDesign
>>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [10, 10, 20, 20],
...                    "region": ["a", "a", "b", "b"]})
>>> des = SurveyDesign(df, weights="w", strata="region")
>>> des
SurveyDesign(4 rows, 2 strata, 4 PSUs, 1 stage, weights='w', lonely_psu='fail')
>>> float(des.total("y").estimate[0])
170.0
"""

# importable from here for the package's layers (the user's API is __all__)
from micropop.design._core import Design as Design
from micropop.design.encode import Columns as Columns
from micropop.design.encode import as_columns as as_columns
from micropop.design.encode import check_labels as check_labels
from micropop.design.encode import check_weights as check_weights
from micropop.design.encode import data_rows as data_rows
from micropop.design.encode import design_rows as design_rows
from micropop.design.encode import require_columns as require_columns
from micropop.design.encode import require_design as require_design
from micropop.design.replicate import REPLICATE_METHODS, ReplicateDesign
from micropop.design.survey import SurveyDesign
from micropop.design.twophase import TWOPHASE_METHODS, TwoPhaseDesign

__all__ = ["REPLICATE_METHODS", "TWOPHASE_METHODS", "ReplicateDesign", "SurveyDesign",
           "TwoPhaseDesign"]
