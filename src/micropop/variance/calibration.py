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

__all__ = ["Projection", "calibrated_influence", "within_stage"]


class Projection(Protocol):
    """The residuals of one weighting model: what its variance term needs.

    Any object with a ``residuals`` method fits (a structural protocol: no
    need to inherit from it); :mod:`micropop.weighting` makes one per
    post-stratification, raking or calibration step.

    Examples
    --------
    >>> import numpy as np
    >>> class Centre:  # the residuals of a model with a constant only
    ...     def residuals(self, x):
    ...         return x - x.mean(axis=0)
    >>> Centre().residuals(np.array([[1.0], [3.0]])).tolist()
    [[-1.0], [1.0]]
    """

    def residuals(self, x: np.ndarray) -> np.ndarray:
        """Influence values (n, q) with the weighting model projected out (n, q).

        Parameters
        ----------
        x : ndarray, shape (n, q)
            Influence values, one row per row of the design (every row, also
            those outside a subset), one column per statistic.

        Returns
        -------
        ndarray, shape (n, q)
            The residuals of each column from the weighting model.

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"sex": ["f", "f", "m"], "w": 1.0})
        >>> des = SurveyDesign(df, weights="w").poststratify("sex", {"f": 4, "m": 2})
        >>> (projection,) = des.calibration_projections
        >>> projection.residuals(np.array([[1.0], [3.0], [5.0]])).tolist()
        [[-1.0], [1.0], [0.0]]
        """
        ...


def calibrated_influence(projections: Sequence[Projection], values: np.ndarray,
                         row_domain: np.ndarray, n_domains: int
                         ) -> tuple[np.ndarray, np.ndarray | None, int]:
    """Influence values with the calibration of ``projections`` projected out.

    Domains are spread into columns first (column ``j * K + k``: statistic j
    in domain k, zero elsewhere), because the calibration residuals of a
    domain statistic reach rows outside the domain, as in R where a domain is
    a subset that keeps every row.

    Parameters
    ----------
    projections : sequence of Projection
        The weighting steps' projections, applied in order.
    values : ndarray, shape (n, p)
        Influence values, one row per row of the design.
    row_domain : ndarray of int, shape (n,)
        Domain of each row, ``0 .. n_domains-1`` (-1: in no domain).
    n_domains : int
        Number of domains K.

    Returns
    -------
    values : ndarray, shape (n, p * K) or (n, p)
        The residuals, domains spread into columns (``values`` itself
        without projections).
    row_domain : ndarray or None
        None after a projection (every row now in the one domain), else
        ``row_domain``.
    n_domains : int
        1 after a projection, else ``n_domains``.

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.calibration import calibrated_influence
    >>> class Centre:
    ...     def residuals(self, x):
    ...         return x - x.mean(axis=0)
    >>> x, row_domain, n_domains = calibrated_influence(
    ...     [Centre()], np.array([[2.0], [4.0], [6.0]]), np.array([0, 1, 1]), 2)
    >>> np.round(x, 3).tolist(), row_domain, n_domains
    ([[1.333, -3.333], [-0.667, 0.667], [-0.667, 2.667]], None, 1)
    """
    if not projections:
        return values, row_domain, n_domains
    n, p = values.shape
    if n_domains == 1:  # one domain: no spreading, rows outside it are zero
        x = np.where((row_domain >= 0)[:, None], values, 0.0)
    else:
        x = np.zeros((n, p * n_domains))
        rows = np.flatnonzero(row_domain >= 0)
        x[rows[:, None], np.arange(p)[None, :] * n_domains + row_domain[rows, None]] = \
            values[rows]
    for projection in projections:
        x = projection.residuals(x)
    return x, None, 1


def within_stage(projections: Sequence[Projection], values: np.ndarray,
                 stage: int) -> np.ndarray:
    """Influence values with the calibrations *within* the units of ``stage`` projected out.

    A calibration within the sampled units of a stage (R's ``calibrate(...,
    stage = k)``) leaves the variance of stages 1 to k alone; R's
    ``multistage`` replaces the values by their residuals within each unit
    before the variance of the next stage. Such a projection has an integer
    ``stage`` and a ``within_residuals(x)`` method; the others are skipped.

    Parameters
    ----------
    projections : sequence of Projection
        The weighting steps' projections, in order.
    values : ndarray, shape (n, p)
        Influence values after :func:`calibrated_influence` (and the
        calibrations within earlier stages).
    stage : int
        The stage whose units' calibrations apply (1: within the PSUs).

    Returns
    -------
    ndarray, shape (n, p)
        ``values`` with those calibrations projected out (itself if none).

    Examples
    --------
    >>> import numpy as np
    >>> class WithinFirst:  # centre within the PSUs 0, 0, 1, 1
    ...     stage = 1
    ...     def residuals(self, x):
    ...         return x
    ...     def within_residuals(self, x):
    ...         return x - np.repeat([x[:2].mean(), x[2:].mean()], 2)[:, None]
    >>> within_stage([WithinFirst()], np.array([[1.0], [3.0], [2.0], [6.0]]), 1).ravel().tolist()
    [-1.0, 1.0, -2.0, 2.0]
    >>> within_stage([WithinFirst()], np.array([[1.0], [3.0]]), 2).ravel().tolist()
    [1.0, 3.0]
    """
    for projection in projections:
        if getattr(projection, "stage", 0) == stage:
            values = projection.within_residuals(values)  # type: ignore[attr-defined]
    return values
