"""Replicate-weight variance, as R ``survey``'s ``svrVar``.

An estimate is recomputed with each set of replicate weights; its variance is
``scale * sum_r rscales_r (theta_r - centre)(theta_r - centre)'`` with the
centre the mean of the replicates, or the full-sample estimate when
``mse=True``.

Examples
--------
>>> import numpy as np
>>> from micropop.variance.replicate import replicate_vcov
>>> thetas = np.array([[1.0], [3.0]])
>>> float(replicate_vcov(thetas, np.array([2.5]), scale=0.5, rscales=np.ones(2))[0, 0])
1.0
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

__all__ = ["replicate_sums", "replicate_vcov", "replicate_vcov_scaled"]


def replicate_vcov(thetas: np.ndarray, estimate: np.ndarray, scale: float,
                   rscales: np.ndarray, mse: bool = False) -> np.ndarray:
    """Covariance of estimates from their replicates (R's ``svrVar``).

    Parameters
    ----------
    thetas : ndarray, shape (R, q)
        The estimates recomputed with each of R replicate weights.
    estimate : ndarray, shape (q,)
        The full-sample estimates (the centre when ``mse``).
    scale : float
        Overall multiplier (R's ``scale``).
    rscales : ndarray, shape (R,)
        Per-replicate multipliers (R's ``rscales``).
    mse : bool, default False
        Centre on the full-sample estimate instead of the replicates' mean
        (R's ``mse=TRUE``); the mean is over replicates with ``rscales > 0``.

    Returns
    -------
    ndarray, shape (q, q)

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.replicate import replicate_vcov
    >>> thetas = np.array([[1.0], [2.0], [3.0]])  # 3 replicates of one estimate
    >>> replicate_vcov(thetas, np.array([2.0]), scale=2 / 3, rscales=np.ones(3)).tolist()
    [[1.3333333333333333]]
    """
    vcov, exponent = replicate_vcov_scaled(thetas, estimate, scale, rscales, mse)
    return np.ldexp(vcov, exponent[:, None] + exponent[None, :]) if exponent.any() else vcov


def replicate_vcov_scaled(thetas: np.ndarray, estimate: np.ndarray, scale: float,
                          rscales: np.ndarray, mse: bool = False,
                          scaled: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """:func:`replicate_vcov` in units: the covariance is ``vcov * 2**(e_i + e_j)``.

    The deviations of each estimate's replicates are taken over a power of two
    near their largest (when ``scaled``) so that their squares neither
    overflow nor underflow; powers of two scale exactly.

    Parameters
    ----------
    thetas : ndarray, shape (R, q)
    estimate : ndarray, shape (q,)
    scale : float
    rscales : ndarray, shape (R,)
    mse : bool, default False
        The replicates and their scales, as in :func:`replicate_vcov`.
    scaled : bool, default True
        Scale each estimate's deviations by a power of two; else every
        exponent is 0 and ``vcov`` is :func:`replicate_vcov`'s result.

    Returns
    -------
    vcov : ndarray, shape (q, q)
        The covariance in units of ``2**(e_i + e_j)``.
    exponent : ndarray of int, shape (q,)
        The exponent ``e_i`` of each estimate.

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.replicate import replicate_vcov_scaled
    >>> thetas = np.array([[-2.0**600], [2.0**600]])
    >>> vcov, exponent = replicate_vcov_scaled(thetas, np.array([0.0]), 1.0, np.ones(2))
    >>> vcov.tolist(), exponent.tolist()  # the variance, 2**1201, overflows a float
    ([[0.5]], [601])
    """
    centre = estimate if mse else thetas[rscales > 0].mean(axis=0)
    deviations = (thetas - centre) * np.sqrt(rscales)[:, None]
    exponent = np.zeros(deviations.shape[1], dtype=np.int64)
    if scaled:
        exponent = np.frexp(np.abs(deviations).max(axis=0, initial=0.0))[1].astype(np.int64)
        deviations = np.ldexp(deviations, -exponent)
    return deviations.T @ deviations * scale, exponent


def replicate_sums(replicates: np.ndarray, values: np.ndarray,
                   row_domain: np.ndarray | None = None, n_domains: int = 1) -> np.ndarray:
    """Replicate-weighted sums of ``values`` by domain, shape (R, p * K).

    Column ``j * K + k`` sums column j of ``values`` over the rows of domain
    k (rows with domain -1 are left out), once per replicate weight column.
    The seam of replicate variances: a sum over rows, additive over any
    partition of them; the (R, p * K) table then gives the estimates of each
    replicate, and :func:`replicate_vcov` their covariance.

    Parameters
    ----------
    replicates : ndarray, shape (n, R)
        Replicate weights, one column per replicate.
    values : ndarray, shape (n, p)
        Values to sum (not yet weighted).
    row_domain : ndarray of int, shape (n,), optional
        Domain of each row, ``0 .. n_domains-1`` (-1: in no domain); None:
        every row in the one domain.
    n_domains : int, default 1
        Number of domains K.

    Returns
    -------
    ndarray, shape (R, p * K)
        Row r holds ``sum_i replicates[i, r] * values[i, j]`` over the rows i
        of domain k, in column ``j * K + k``.

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.replicate import replicate_sums
    >>> replicates = np.array([[0.0, 2.0], [2.0, 0.0], [1.0, 1.0]])
    >>> values = np.array([[1.0], [2.0], [4.0]])
    >>> replicate_sums(replicates, values).tolist()
    [[8.0], [6.0]]
    >>> replicate_sums(replicates, values, np.array([0, 1, 1]), 2).tolist()
    [[0.0, 8.0], [2.0, 4.0]]
    """
    if row_domain is None:
        sums: np.ndarray = replicates.T @ values
        return sums
    n, p = values.shape
    rows = np.flatnonzero(row_domain >= 0)
    cols = np.arange(p)[None, :] * n_domains + row_domain[rows, None]
    spread = sparse.csr_matrix((values[rows].ravel(), (np.repeat(rows, p), cols.ravel())),
                               shape=(n, p * n_domains))
    return np.asarray((spread.T @ replicates).T)
