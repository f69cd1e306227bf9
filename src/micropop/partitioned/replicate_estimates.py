"""Estimates from the sums per cell of a Dask replicate design, and R's degf of cells.

:class:`~micropop.partitioned.replicates.PartitionedReplicateDesign` reduces
the rows to sums per domain cell of every weight (full-sample and replicates)
times 1 and times every numeric variable. :func:`linear_estimate` adds the
cells up per domain into the full-sample and replicate totals, means or
ratios, and takes their covariance from the in-memory design on the cells
(:meth:`~micropop.design.ReplicateDesign.replicate_vcov_scaled`, R's
``svrVar`` under the design's scale, rscales and mse). :class:`CellRank`
gives R's degrees of freedom (the rank of the rows' replicate weights) of any
set of cells from their cross products.

Examples
--------
>>> import numpy as np
>>> CellRank(np.eye(2)[None, :, :])(np.array([True]))
2
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from micropop.design.factors import gram_rank
from micropop.errors import DesignError, EmptyDomainError
from micropop.estimation import Estimate
from micropop.estimation._analysis import Analysis

__all__ = ["CellRank", "linear_estimate"]


class CellRank:
    """The rank of the replicate weights of the data rows behind a set of cells (R's degf).

    A table of cells keeps sums, not the rank of its rows' replicate weights:
    this gives it from the cross products of the replicate weights per cell
    (``grams``, shape (cells, R, R)), or from the ranks known for the whole
    design and its subset (``known``: pairs of a mask of cells and a rank).

    Parameters
    ----------
    grams : ndarray, optional
        Cross products per cell.
    known : sequence of (ndarray, int)
        Masks of cells whose rank is known.

    Examples
    --------
    >>> import numpy as np
    >>> grams = np.array([[[1.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 1.0]]])
    >>> rank = CellRank(grams)
    >>> rank(np.array([True, False])), rank(np.array([True, True]))
    (1, 2)
    """

    def __init__(self, grams: np.ndarray | None = None,
                 known: Sequence[tuple[np.ndarray, int]] = ()) -> None:
        self.grams = grams
        self.known = list(known)

    def __call__(self, rows: np.ndarray) -> int:
        rows = np.asarray(rows, dtype=bool)
        if self.grams is not None:
            return gram_rank(self.grams[rows].sum(axis=0))
        for mask, rank in self.known:
            if np.array_equal(rows, mask):
                return rank
        raise DesignError("the rank of these cells' replicate weights was not computed",
                          hint="report this: the Dask pass should have summed their cross "
                               "products")


def linear_estimate(statistic: str, data: Analysis, sums: np.ndarray, numeric: list[str],
                    denominator: str | None = None) -> Estimate:
    """A total, mean or ratio by domain from the sums per cell, with its replicate covariance.

    Parameters
    ----------
    statistic : {"total", "mean", "ratio"}
    data : Analysis
        The analysis of the call on the design of cells (its labels, domains
        and categorical indicators; for a ratio the denominator comes last).
    sums : ndarray, shape (cells, 1 + R, 1 + p)
        Each weight (full-sample, then replicates) times 1 and times each
        numeric variable, summed per cell.
    numeric : list of str
        The numeric variables of ``sums``; the other columns of ``data`` are
        constant within a cell (levels, booleans).
    denominator : str, optional
        The ratio's denominator.

    Returns
    -------
    Estimate
        As the in-memory estimator: same labels, ``n`` the data rows, ``df``
        the design's degrees of freedom.

    Raises
    ------
    EmptyDomainError
        A domain without weight (in the full sample or a replicate), a ratio's
        denominator total of zero.
    InfiniteValueError
        An estimate or standard error beyond double precision.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from micropop.design import ReplicateDesign
    >>> from micropop.estimation._analysis import prepare
    >>> cells = pd.DataFrame({"y": [0.0], "w": [3.0], "r1": [4.0], "r2": [2.0]})
    >>> des = ReplicateDesign(cells, weights="w", replicate_weights=["r1", "r2"], method="brr")
    >>> sums = np.array([[[3.0, 6.0], [4.0, 6.0], [2.0, 6.0]]])  # y = 1, 1, 4 on 3 rows
    >>> linear_estimate("mean", prepare(des, ["y"], None, False), sums, ["y"]).estimate
    array([2.])
    """
    per_cell = np.stack([sums[:, :, 1 + numeric.index(name)] if name in numeric
                         else data.y[:, j, None] * sums[:, :, 0]
                         for j, (name, _) in enumerate(data.labels)], axis=2)
    k = data.n_domains
    member = (data.row_domain[:, None] == np.arange(k)[None, :]).astype(float)
    per_cell[data.row_domain < 0] = 0.0  # cells in no domain (out of the subset, missing)
    with np.errstate(over="ignore", invalid="ignore"):
        totals = np.einsum("crp,ck->rpk", per_cell, member).reshape(sums.shape[1], -1)
        weight = np.where(data.row_domain[None, :] >= 0, sums[:, :, 0].T, 0.0) @ member
    if statistic == "total":
        return _result(data, statistic, totals)
    if statistic == "mean":
        data.domain_weight()  # refuses a domain without weight
        return _result(data, statistic, _divide(data, totals, np.tile(weight, (1, len(
            data.labels)))))
    x = totals[:, -k:]
    if np.any(x[0] == 0):
        zero = [data.domain_name(d) for d in np.flatnonzero(x[0] == 0)]
        raise EmptyDomainError(f"the total of {denominator!r} is zero in domain "
                               f"{', '.join(zero[:5])}",
                               hint="a ratio needs a non-zero denominator total")
    labels = [(f"{name}/{denominator}", "") for name, _ in data.labels[:-1]]
    data = data.with_columns(data.y[:, :-1], labels)
    return _result(data, statistic, _divide(data, totals[:, :-k], np.tile(x, (1, len(
        labels)))))


def _divide(data: Analysis, top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """Full-sample and replicate ratios; a replicate without weight in a domain is refused."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio: np.ndarray = top / bottom
    data.refuse_empty_replicates(bottom[1:] == 0)  # the in-memory estimators' refusal
    return ratio


def _result(data: Analysis, statistic: str, thetas: np.ndarray) -> Estimate:
    """The estimate (row 0 of ``thetas``) with the replicate covariance of rows 1..R."""
    estimate = thetas[0]
    with np.errstate(over="ignore", invalid="ignore"):
        vcov, exponent = data.design.replicate_vcov_scaled(thetas[1:], estimate)
        units = np.ldexp(1.0, exponent) if exponent.any() else None
    bad = ~np.isfinite(estimate) | ~np.isfinite(np.diag(vcov)) | (
        False if units is None else ~np.isfinite(units))
    if bad.any():
        data.refuse_overflow(bad, "estimate or standard error")
    return data.result(statistic, estimate, vcov, None, units)
