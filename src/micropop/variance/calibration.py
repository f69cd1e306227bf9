"""The calibration term of linearised variances, as R keeps it in ``design$postStrata``.

After weighting (post-stratification, raking, calibration), R's ``svyrecvar``
replaces the influence values of the rows by their residuals from each
weighting model before taking their design variance. A weighting step leaves
a *projection*, an object with a ``residuals(x)`` method (the three kinds R
knows live in :mod:`micropop.weighting`); :func:`calibrated_influence`
applies them in order. The variance engines know nothing else of weighting.

Examples
--------
>>> import numpy as np
>>> from micropop.variance.calibration import calibrated_influence
>>> class Centre:  # the residuals of a model with a constant only
...     def residuals(self, x):
...         return x - x.mean(axis=0)
>>> x, row_domain, n_domains = calibrated_influence(
...     [Centre()], np.array([[1.0], [2.0], [6.0]]), np.zeros(3, dtype=np.intp), 1)
>>> x.ravel().tolist(), row_domain, n_domains
([-2.0, -1.0, 3.0], None, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

__all__ = ["Projection", "calibrated_influence"]


class Projection(Protocol):
    """The residuals of one weighting model: what its variance term needs."""

    def residuals(self, x: np.ndarray) -> np.ndarray:
        """Influence values (n, q) with the weighting model projected out (n, q)."""
        ...


def calibrated_influence(projections: Sequence[Projection], values: np.ndarray,
                         row_domain: np.ndarray, n_domains: int
                         ) -> tuple[np.ndarray, np.ndarray | None, int]:
    """Influence values with the calibration of ``projections`` projected out.

    Domains are spread into columns first (column ``j * K + k``: statistic j
    in domain k, zero elsewhere), because the calibration residuals of a
    domain statistic reach rows outside the domain, as in R where a domain is
    a subset that keeps every row. Returns the values, ``row_domain`` and
    ``n_domains`` to give the variance engine (unchanged without projections).
    """
    if not projections:
        return values, row_domain, n_domains
    n, p = values.shape
    x = np.zeros((n, p * n_domains))
    rows = np.flatnonzero(row_domain >= 0)
    x[rows[:, None], np.arange(p)[None, :] * n_domains + row_domain[rows, None]] = values[rows]
    for projection in projections:
        x = projection.residuals(x)
    return x, None, 1
