"""The Rao-Scott adjusted likelihood-ratio test of association (``chisq(statistic="lrt")``).

The likelihood-ratio statistic of a two-way table, ``G^2 = 2 sum n_ij
log(n_ij / e_ij)`` (the weighted table scaled to the number of rows, as
Pearson's X^2 of R's ``svychisq``; ``e_ij`` the counts expected under
independence; empty cells add 0), has under the design the same asymptotic
distribution as X^2, a sum of chi-squares weighted by the generalised design
effects (Rao and Scott 1984). Its second-order correction is the one of
``svychisq(statistic="F")``: ``G^2 / tr(Delta)`` against F with ``d0 =
tr(Delta)^2 / tr(Delta^2)`` and ``d0 * nu`` degrees of freedom. This is the
"Likelihood ratio, design-based F" of Stata's ``svy: tabulate`` and samplics'
``LR-Adj``, whose F has the degrees of freedom of Pearson's.

R computes ``G^2`` as the deviance of ``anova(svyloglin(~a + b), svyloglin(~a * b))``
and the same ``Delta`` (its eigenvalues); its own F p-value there takes
``d0 = tr(Delta)^2 / sum(Delta * Delta)``, which differs from ``svychisq``'s
when ``Delta`` is not symmetric: micropop follows ``svychisq`` (and Stata).

Examples
--------
>>> import numpy as np
>>> table = np.array([[30.0, 10.0], [20.0, 40.0]])
>>> round(likelihood_ratio(table), 4)
17.2609
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["likelihood_ratio", "rao_scott_lrt"]


def likelihood_ratio(table: np.ndarray) -> float:
    """The likelihood-ratio statistic ``G^2`` of independence in a two-way table.

    Parameters
    ----------
    table : ndarray, shape (r, c)
        Counts (weighted, scaled to the sample size), every row and column
        total positive.

    Returns
    -------
    float
        ``2 sum n_ij log(n_ij / e_ij)`` over the cells with ``n_ij > 0``.

    Examples
    --------
    >>> import numpy as np
    >>> likelihood_ratio(np.array([[10.0, 10.0], [10.0, 10.0]]))
    0.0
    """
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    held = table > 0
    return float(2 * np.sum(table[held] * np.log(table[held] / expected[held])))


def rao_scott_lrt(table: np.ndarray, trace: float, trace2: float,
                  nu: float) -> tuple[float, float, float, float, float]:
    """The Rao-Scott second-order (F) test of ``G^2``.

    Parameters
    ----------
    table : ndarray, shape (r, c)
        The weighted table scaled to the number of rows.
    trace, trace2 : float
        ``tr(Delta)`` and ``tr(Delta^2)`` of R's generalised design effects.
    nu : float
        The design degrees of freedom.

    Returns
    -------
    tuple of float
        ``F = G^2 / tr(Delta)``, ``ndf = d0``, ``ddf = d0 * nu``, the p-value
        and ``G^2`` itself.

    Examples
    --------
    Without design effects (``Delta`` the identity of one contrast), F is
    ``G^2``:

    >>> import numpy as np
    >>> f, ndf, ddf, p, g2 = rao_scott_lrt(np.array([[30.0, 10.0], [20.0, 40.0]]),
    ...                                    1.0, 1.0, 99.0)
    >>> round(f, 4) == round(g2, 4), ndf, ddf
    (True, 1.0, 99.0)
    """
    g2 = likelihood_ratio(table)
    d0 = trace**2 / trace2
    value = g2 / trace
    return value, d0, d0 * nu, float(stats.f.sf(value, d0, d0 * nu)), g2
