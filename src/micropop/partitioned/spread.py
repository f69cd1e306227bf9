"""Design effects on Dask: each cell of the per-unit table spread to keep its rows' variance.

A design effect compares the design variance with the simple-random-sampling
one, which needs the weighted variance of the rows themselves, lost when a
cell's rows are summed. A second pass gives each cell's weighted sums of
squares and cross-products of the numeric columns about their cell means
(computed about the overall means, so that no precision is lost); each cell
is then written as ``2 r`` rows (``r`` the rank of its covariance) at
``mean +/- sqrt(r * lambda_k) * v_k`` (``lambda_k, v_k`` the eigenpairs of the
weighted covariance), each with a ``2 r``-th of the cell's weight. Those rows
have the cell's weight, weighted sums and weighted covariance, so every linear
estimate, every unit's influence total and every weighted variance is that of
the rows: the in-memory design effect is then the rows' one.

Examples
--------
>>> import pandas as pd
>>> cells = pd.DataFrame({"g": ["a"], "__w": [4.0], "__n": [4], "y": [2.0]})
>>> spread(cells, ["y"], np.array([[[8.0]]]))[["g", "__w", "__n", "y"]].to_dict("list")
{'g': ['a', 'a'], '__w': [2.0, 2.0], '__n': [2, 2], 'y': [0.5857864376269049, 3.414213562373095]}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from micropop.errors import InMemoryOnlyError
from micropop.partitioned.passes import COMPLETE, COUNT, ROW, WEIGHT, RowFunction, unit_table

__all__ = ["cell_squares", "spread"]

#: Eigenvalues below this share of the largest (of the cell) are zero: rounding.
_RANK_TOL = 1e-12


def spread(table: pd.DataFrame, means: Sequence[str], squares: np.ndarray) -> pd.DataFrame:
    """The per-unit table with each cell as rows of its weighted mean and covariance.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per unit and cell: ``__w``, ``__n`` and the weighted means ``means``.
    means : sequence of str
        The numeric columns.
    squares : ndarray, shape (cells, p, p)
        Each cell's weighted sums of squares and cross-products of ``means``
        about the cell means (``sum w (y - m)(y - m)'``).

    Returns
    -------
    pandas.DataFrame
        The rows: a cell of zero spread stays one row; another becomes ``2 r``
        rows sharing its weight equally and its count as evenly as integers do
        (some rows may count no data row).

    Examples
    --------
    Two cells of two variables: the first spread on its two axes (four rows),
    the second, of one row, kept.

    >>> cells = pd.DataFrame({"__w": [8.0, 1.0], "__n": [5, 1], "y": [1.0, 2.0],
    ...                       "x": [0.0, 3.0]})
    >>> rows = spread(cells, ["y", "x"], np.array([[[8.0, 0.0], [0.0, 2.0]], np.zeros((2, 2))]))
    >>> rows["__n"].tolist(), float((rows["__w"] * rows["y"]).sum())
    ([2, 1, 1, 1, 1], 10.0)
    """
    means = list(means)
    weight = table[WEIGHT].to_numpy(dtype=float)
    values = table[means].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        covariance = squares / np.where(weight > 0, weight, np.nan)[:, None, None]
    covariance = np.nan_to_num(covariance)
    eigenvalues, eigenvectors = np.linalg.eigh((covariance + covariance.transpose(0, 2, 1)) / 2)
    largest = np.maximum(eigenvalues.max(axis=1, initial=0.0), 0.0)
    single = table[COUNT].to_numpy() <= 1  # one row has no spread (only rounding)
    kept = (eigenvalues > _RANK_TOL * largest[:, None]) & ~single[:, None]
    rank = kept.sum(axis=1)
    copies = np.where(rank > 0, 2 * rank, 1)
    rows = np.repeat(np.arange(len(table)), copies)
    out = table.iloc[rows].reset_index(drop=True)
    start = np.repeat(np.cumsum(copies) - copies, copies)
    position = np.arange(len(rows)) - start  # 0 .. 2r - 1 within the cell
    share = copies[rows]
    new_values = values[rows].copy()
    spread_rows = rank[rows] > 0
    if spread_rows.any():
        cell = rows[spread_rows]
        pos = position[spread_rows]
        # the k-th kept eigenpair of the cell (kept ones are the largest, at the end)
        k = eigenvalues.shape[1] - rank[cell] + pos // 2
        sign = np.where(pos % 2 == 0, -1.0, 1.0)
        scale = np.sqrt(rank[cell] * np.maximum(eigenvalues[cell, k], 0.0))
        new_values[spread_rows] += (sign * scale)[:, None] * eigenvectors[cell, :, k]
    out[means] = new_values
    out[WEIGHT] = weight[rows] / share
    counts = table[COUNT].to_numpy(dtype=np.int64)[rows]
    out[COUNT] = counts // share + (position < counts % share)
    return out


def cell_squares(rows: Any, table: pd.DataFrame, keys: Sequence[str], means: Sequence[str],
                 offsets: np.ndarray | None, weights: str) -> np.ndarray:
    """A second pass: each cell's weighted sums of squares and cross-products about its means.

    Parameters
    ----------
    rows : dask.dataframe.DataFrame
        The rows of the first pass.
    table : pandas.DataFrame
        The first pass's per-unit table (its cells and weighted means).
    keys : sequence of str
        The cells' columns.
    means : sequence of str
        The numeric columns.
    offsets : ndarray of int, optional
        As :func:`~micropop.partitioned.passes.unit_table`.
    weights : str
        The rows' weight column.

    Returns
    -------
    ndarray, shape (len(table), p, p)
        ``sum w (y - m)(y - m)'`` per cell (zero for cells of incomplete rows).

    Raises
    ------
    InMemoryOnlyError
        Rows of zero weight: a design effect counts the rows of non-zero weight,
        which the table does not tell apart.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> df = pd.DataFrame({"g": ["a", "a", "b"], "w": [1.0, 3.0, 2.0], "y": [1.0, 5.0, 4.0]})
    >>> ddf = dd.from_pandas(df, npartitions=2)
    >>> table = unit_table(ddf, weights="w", keys=["g"], means=["y"])
    >>> cell_squares(ddf, table, ["g"], ["y"], None, "w").ravel().tolist()
    [12.0, 0.0]
    """
    means = list(means)
    complete = table[COMPLETE].to_numpy(dtype=bool)
    weight = table[WEIGHT].to_numpy(dtype=float)
    values = np.where(complete[:, None], table[means].to_numpy(dtype=float), 0.0)
    held = complete & (weight > 0)
    centre = (weight[held, None] * values[held]).sum(axis=0) / max(weight[held].sum(), 1e-300)
    pairs = [(i, j) for i in range(len(means)) for j in range(i, len(means))]
    sums: dict[str, RowFunction] = {f"__sq{i}_{j}": _product(weights, means[i], means[j],
                                                            centre[i], centre[j])
                                    for i, j in pairs}
    sums["__zero"] = lambda part: part[weights].to_numpy(dtype=float) == 0
    second = unit_table(rows, weights=weights, keys=keys, sums=sums, offsets=offsets)
    if second["__zero"].sum() > 0:
        raise InMemoryOnlyError(
            "design effects on a Dask design with rows of zero weight are not offered: the "
            "per-unit table does not tell them apart", hint="estimate without deff=, or on "
                                                            "an in-memory design (des.compute())")
    on = [*keys, COMPLETE] + ([ROW] if offsets is not None else [])
    aligned = table[on].merge(second, how="left", on=on)
    deviation = values - centre
    squares = np.zeros((len(table), len(means), len(means)))
    for i, j in pairs:
        about_centre = aligned[f"__sq{i}_{j}"].to_numpy(dtype=float)
        within = about_centre - weight * deviation[:, i] * deviation[:, j]
        squares[:, i, j] = squares[:, j, i] = np.where(complete, within, 0.0)
    # what is left of a cell's own (m - centre)^2 by rounding is no spread
    noise = 64 * np.finfo(float).eps * weight * (deviation**2).sum(axis=1)
    diagonal = np.einsum("cii->ci", squares)
    squares[(diagonal <= noise[:, None]).all(axis=1)] = 0.0
    return squares


def _product(weights: str, a: str, b: str, centre_a: float, centre_b: float) -> RowFunction:
    def product(part: pd.DataFrame) -> np.ndarray:
        w = part[weights].to_numpy(dtype=float)
        x = part[a].to_numpy(dtype=float, na_value=np.nan) - centre_a
        y = part[b].to_numpy(dtype=float, na_value=np.nan) - centre_b
        result: np.ndarray = np.nan_to_num(w * x * y, nan=0.0, posinf=0.0, neginf=0.0)
        return result
    return product
