"""Variance engines for survey designs.

- :mod:`micropop.variance.linearization`: Taylor linearisation for stratified
  multistage designs (R's ``svyrecvar``).
- :mod:`micropop.variance.replicate`: replicate-weight variance (R's ``svrVar``).
- :mod:`micropop.variance.calibration`: the calibration term of linearised
  variances (the weighting steps' projections, R's ``postStrata``).

The design core (:mod:`micropop.design._core`) hands these engines sums per
stage unit or replicate estimates; they know nothing else of a design. The
replicate factors made from a design moved to :mod:`micropop.design.factors`
(``micropop.variance.replication`` still re-exports them).
"""

from micropop.variance.linearization import LONELY_PSU_POLICIES, Stage, linearized_vcov
from micropop.variance.replicate import replicate_sums, replicate_vcov

__all__ = ["LONELY_PSU_POLICIES", "Stage", "linearized_vcov", "replicate_sums",
           "replicate_vcov"]
