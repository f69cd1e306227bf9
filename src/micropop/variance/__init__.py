"""Variance engines for survey designs.

- :mod:`micropop.variance.linearization`: Taylor linearisation for stratified
  multistage designs (R's ``svyrecvar``).
- :mod:`micropop.variance.replicate`: replicate-weight variance (R's ``svrVar``).
- :mod:`micropop.variance.replication`: replicate weights made from a design
  (jackknives, BRR and Fay with R's Hadamard matrices, bootstraps), per PSU.
"""

from micropop.variance.linearization import LONELY_PSU_POLICIES, Stage, linearized_vcov
from micropop.variance.replicate import replicate_sums, replicate_vcov

__all__ = ["LONELY_PSU_POLICIES", "Stage", "linearized_vcov", "replicate_sums",
           "replicate_vcov"]
