"""The formulas the inequality measures share between engines: values and influences.

Each function is the arithmetic of one measure on numbers any engine can
gather: per-row arrays (incomes, weights, cumulative weights) and per-domain
values spread on the rows (or scalars). The in-memory measures
(:mod:`micropop.inequality.concentration`, :mod:`micropop.inequality.poverty`)
call them on sorted segments, the Dask engine
(:mod:`micropop.partitioned.inequality`) on each sorted partition with the
totals of the partitions before it, so both engines compute the same numbers.

Examples
--------
>>> import numpy as np
>>> x, w = np.array([1.0, 2.0, 3.0]), np.ones(3)
>>> gini_value(np.array([3.0]), np.array([6.0]), np.array([np.sum(w * x * np.cumsum(w))]),
...            np.array([np.sum(w * w * x)])).tolist()
[0.2222222222222222]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["bandwidth", "gaussian_weights", "gini_influence", "gini_value",
           "share_influence", "threshold_influence"]

_SQRT_2PI = np.sqrt(2 * np.pi)

Values = npt.NDArray[np.float64] | float


def gini_value(n: np.ndarray, total: np.ndarray, wx_cum: np.ndarray,
               w_wx: np.ndarray) -> npt.NDArray[np.float64]:
    """laeken's ``giniCoeff``: ``(2 sum w x C - sum w^2 x) / (N X) - 1``.

    Parameters
    ----------
    n, total : ndarray
        The weight total ``N`` and income total ``X`` per domain.
    wx_cum : ndarray
        ``sum w x C`` with ``C`` the cumulative weight of the sorted incomes.
    w_wx : ndarray
        ``sum w^2 x``.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> import numpy as np
    >>> gini_value(np.array([2.0]), np.array([2.0]), np.array([3.0]), np.array([2.0])).tolist()
    [0.0]
    """
    value: npt.NDArray[np.float64] = np.asarray((2 * wx_cum - w_wx) / (n * total) - 1)
    return value


def gini_influence(x: np.ndarray, cum_w: np.ndarray, cum_wx: np.ndarray, n: Values,
                   total: Values, value: Values) -> np.ndarray:
    """The derivative of :func:`gini_value` in each row's weight (computed in place).

    ``2 (x C + X - C_wx) / (N X) - (G + 1) (1 / N + x / X)``, with ``C`` and
    ``C_wx`` the running sums of the weights and of ``w x`` up to the row
    (equal incomes in any order give the same values).

    Parameters
    ----------
    x, cum_w, cum_wx : ndarray
        Incomes of the sorted rows and their running sums.
    n, total, value : float or ndarray
        ``N``, ``X`` and the Gini of each row's domain.

    Returns
    -------
    ndarray
        One influence value per row.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([1.0, 3.0])
    >>> gini_influence(x, np.array([1.0, 2.0]), np.array([1.0, 4.0]), 2.0, 4.0, 0.25).tolist()
    [-0.1875, 0.1875]
    """
    z: np.ndarray = x * cum_w
    z += total
    z -= cum_wx
    z *= 2
    z /= n * total
    right = x / total
    right += 1 / n
    right *= value + 1
    z -= right
    return z


def threshold_influence(x: np.ndarray, q: Values, nd: Values, percent: float,
                        order: float) -> np.ndarray:
    """convey's ``svyarpt`` influence: ``-percent / (N f(q)) ((x <= q) - order)``.

    Parameters
    ----------
    x : ndarray
        Incomes.
    q : float or ndarray
        The quantile of each row's domain.
    nd : float or ndarray
        ``N f(q)``: the weight total times the kernel density at ``q``.
    percent, order : float
        The threshold's fraction of the quantile, and the quantile's order.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> import numpy as np
    >>> threshold_influence(np.array([1.0, 3.0]), 2.0, 0.5, 0.6, 0.5).tolist()
    [-0.6, 0.6]
    """
    z: np.ndarray = -percent / nd * ((x <= q) - order)
    return z


def share_influence(indicator: np.ndarray, share: Values, n: Values) -> np.ndarray:
    """The influence of a weighted share ``sum w I / N``: ``(I - share) / N``.

    Parameters
    ----------
    indicator : ndarray of bool or float
    share, n : float or ndarray
        The share and the weight total of each row's domain.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> import numpy as np
    >>> share_influence(np.array([True, False]), 0.5, 2.0).tolist()
    [0.25, -0.25]
    """
    z: np.ndarray = (indicator - share) / n
    return z


def bandwidth(variance: np.ndarray, n: np.ndarray) -> np.ndarray:
    """convey's ``h_fun``: the weighted population standard deviation over ``N**0.2``.

    Parameters
    ----------
    variance, n : ndarray
        Weighted population variance and weight total per domain.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> import numpy as np
    >>> bandwidth(np.array([4.0]), np.array([32.0])).tolist()
    [1.0]
    """
    h: np.ndarray = np.sqrt(variance) / n**0.2
    return h


def gaussian_weights(at: Values, x: np.ndarray, w: np.ndarray, h: Values) -> np.ndarray:
    """``w K((at - x) / h)`` with the Gaussian kernel K: summed and divided by ``h``,
    convey's kernel density (times ``N``).

    Parameters
    ----------
    at : float or ndarray
        Where the density is taken (per row: its domain's point).
    x, w : ndarray
        Incomes and weights.
    h : float or ndarray
        The bandwidth (per row: its domain's).

    Returns
    -------
    ndarray

    Examples
    --------
    >>> import numpy as np
    >>> round(float(gaussian_weights(0.0, np.array([0.0]), np.array([2.0]), 1.0)[0]), 6)
    0.797885
    """
    u = (at - x) / h
    kernel: np.ndarray = w * np.exp(-0.5 * u * u) / _SQRT_2PI
    return kernel
