"""Replicate weight factors made from a design: moved to :mod:`micropop.design.factors`.

Kept so that ``from micropop.variance.replication import hadamard`` (and the
other names) still works.

Examples
--------
>>> from micropop.variance.replication import hadamard
>>> hadamard(3).shape
(4, 4)
"""

from micropop.design.factors import (
                                     JackknifeRank,
                                     bootstrap_factors,
                                     brr_factors,
                                     factor_rank,
                                     hadamard,
                                     jk1_factors,
                                     jkn_factors,
)

__all__ = ["JackknifeRank", "bootstrap_factors", "brr_factors", "factor_rank", "hadamard",
           "jk1_factors", "jkn_factors"]
