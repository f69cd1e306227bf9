"""The passes of a Dask design with replicate-weight columns: sums per domain cell.

Each row carries its own replicate weights, so the rows cannot be reduced to
a table per sampled unit as :mod:`micropop.partitioned.passes` does. A pass
here reduces each partition to one row per *cell* (a combination of the
call's domain and categorical columns, whether the row's numeric values are
all present, whether it is in the subset): for the full-sample weight and
each replicate weight (``1 + R`` columns), its sum and its sums times each
numeric variable (``1 + p`` columns). Memory is cells x R x p, whatever the
rows; a partition is read as one ``(rows, 1 + R)`` block, with no loop over
rows. The cross product of the replicate weights (R x R, per cell when asked)
gives R's degrees of freedom (the rank of the replicate weights).

Examples
--------
>>> import pandas as pd, dask.dataframe as dd
>>> df = pd.DataFrame({"w": [1.0, 2.0, 3.0], "r1": [0.0, 3.0, 3.0], "r2": [2.0, 0.0, 4.0],
...                    "g": ["a", "b", "a"], "y": [1.0, 2.0, 4.0]})
>>> plan = CellPlan(weights=("w", "r1", "r2"), keys=("g",), numeric=("y",))
>>> table = cell_table(dd.from_pandas(df, npartitions=2), plan)
>>> table[["g", "__n"]].to_dict("list"), cell_sums(table, plan)[:, :, 1].tolist()
({'g': ['a', 'b'], '__n': [2, 1]}, [[13.0, 12.0, 18.0], [4.0, 6.0, 0.0]])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from micropop.errors import WeightError
from micropop.partitioned.passes import (
    as_partitioned,
    compute,
    empty_partition,
    locate,
    where_text,
)
from micropop.variance.replicate import replicate_sums

__all__ = ["COMPLETE", "COUNT", "IN", "CellPlan", "Structure", "cell_grams", "cell_sums",
           "cell_table", "cross_product", "replicate_structure", "row_slices"]

#: Columns of the cell table: rows counted, numeric values all present, in the subset.
COUNT, COMPLETE, IN = "__n", "__complete", "__in"
#: A subset recorded as the combinations of its columns it keeps (column ``__keep``).
KEEP = "__keep"


@dataclass(frozen=True)
class Structure:
    """What the building pass learns: rows per partition, the replicate weights' rank.

    Parameters
    ----------
    rows : ndarray of int
        The rows of each partition.
    gram : ndarray, shape (R, R)
        The cross product of the replicate weights over every row, in units
        of ``2**(2 * exponent)``.
    exponent : int
        The power of two of the largest replicate weight.

    Examples
    --------
    >>> import numpy as np
    >>> Structure(np.array([2, 0]), np.eye(2), 3).rows.sum()
    np.int64(2)
    """

    rows: np.ndarray
    gram: np.ndarray
    exponent: int


def replicate_structure(ddf: Any, weights: str, replicates: tuple[str, ...]) -> Structure:
    """One pass: refuse bad weights (naming file and row), count rows, sum the cross product.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
    weights : str
        The full-sample weight column.
    replicates : tuple of str
        The replicate weight columns.

    Returns
    -------
    Structure

    Raises
    ------
    WeightError
        A weight or replicate weight missing, negative or infinite (naming the
        partition or file, the rows and values), or a column of them all zero.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> df = pd.DataFrame({"w": [1.0, 1.0], "r1": [0.0, 2.0], "r2": [2.0, 0.0]})
    >>> s = replicate_structure(dd.from_pandas(df, npartitions=2), "w", ("r1", "r2"))
    >>> s.rows.tolist(), s.exponent, s.gram.tolist()
    ([1, 1], 0, [[4.0, 0.0], [0.0, 4.0]])
    """
    columns = [weights, *replicates]
    n_rep = len(replicates)

    def summary(block: np.ndarray) -> tuple[int, int, np.ndarray, np.ndarray, np.ndarray]:
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(block) | (block < 0)
        rep = np.ascontiguousarray(block[:, 1:])
        if bad.any():  # refused after the pass; the cross product must not fail meanwhile
            rep[bad[:, 1:]] = 0.0
        top = int(np.frexp(rep.max(initial=0.0))[1]) if len(rep) else 0
        exponent = top if abs(top) > _SAFE else 0  # weights far from 1: in units 2**top
        return (len(block), exponent, bad.sum(axis=0), (block > 0).sum(axis=0),
                cross_product(rep, exponent))

    def partition(part: pd.DataFrame) -> tuple[int, int, np.ndarray, np.ndarray, np.ndarray]:
        # in slices of rows: a million rows of 80 replicate weights are 640 MB, and each
        # copy of them counts against a worker's memory
        slices = [summary(part.iloc[rows][columns].to_numpy(dtype=float, na_value=np.nan))
                  for rows in row_slices(len(part)) or [slice(0, 0)]]
        top = max(s[1] for s in slices)
        return (len(part), top, np.sum([s[2] for s in slices], axis=0),
                np.sum([s[3] for s in slices], axis=0),
                np.sum([np.ldexp(s[4], 2 * (s[1] - top)) for s in slices], axis=0))

    from dask.delayed import delayed

    run = delayed(partition, pure=True)
    with as_partitioned():
        delayed_parts = ddf[columns].to_delayed()
    parts = compute(*[run(part) for part in delayed_parts])
    bad = np.sum([p[2] for p in parts], axis=0) if parts else np.zeros(len(columns))
    if bad.any():
        c = int(np.flatnonzero(bad)[0])
        name = columns[c]
        found = locate(ddf, lambda part: _bad(part[name]), [name])
        role = "weights" if c == 0 else "replicate weights"
        raise WeightError(f"{role} column {name!r} has {int(bad[c])} missing, negative or "
                          f"infinite value(s): {where_text(ddf, found)}",
                          hint="fix or drop those rows before building the design; zero "
                               "weights are allowed")
    rows = np.array([p[0] for p in parts], dtype=np.int64)
    positive = np.sum([p[3] for p in parts], axis=0) if parts else np.zeros(len(columns))
    if rows.sum() and not positive.all():
        name = columns[int(np.flatnonzero(positive == 0)[0])]
        raise WeightError(f"every value of {'weights' if name == weights else 'replicate weights'}"
                          f" column {name!r} is zero",
                          hint="a zero weight leaves a row out, so no row would be left; "
                               "check that this is the right column")
    exponents = np.array([p[1] for p in parts], dtype=np.int64)
    top = int(exponents.max(initial=0))
    gram = np.zeros((n_rep, n_rep))
    for part, exponent in zip(parts, exponents, strict=True):
        gram += np.ldexp(part[4], 2 * (exponent - top))
    return Structure(rows, gram, top)


def _bad(series: pd.Series) -> np.ndarray:
    values = series.to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        flagged: np.ndarray = ~np.isfinite(values) | (values < 0)
    return flagged


@dataclass(frozen=True)
class CellPlan:
    """What one pass sums per cell.

    Parameters
    ----------
    weights : tuple of str
        The full-sample weight column, then the replicate weight columns.
    keys : tuple of str
        The cell columns (domains, categorical variables).
    numeric : tuple of str
        The variables summed times each weight.
    subsets : tuple
        The recorded subsets: (their columns, the table of the combinations
        of those columns with ``__keep``).
    grams : bool, default False
        Sum the cross product of the replicate weights per cell too.
    exponent : int, default 0
        The grams are in units of ``2**(2 * exponent)``.

    Examples
    --------
    >>> import pandas as pd
    >>> plan = CellPlan(("w", "r1"), keys=("g",))
    >>> keys, numbers = plan.cells(pd.DataFrame({"w": [1.0, 2.0], "r1": [2.0, 2.0],
    ...                                          "g": ["a", "a"]}))
    >>> keys["g"].tolist(), numbers.tolist()  # rows, then w and r1 times 1
    (['a'], [[2.0, 3.0, 4.0]])
    """

    weights: tuple[str, ...]
    keys: tuple[str, ...] = ()
    numeric: tuple[str, ...] = ()
    subsets: tuple[tuple[tuple[str, ...], pd.DataFrame], ...] = field(default=())
    grams: bool = False
    exponent: int = 0

    def inside(self, part: pd.DataFrame) -> np.ndarray:
        """The rows of a partition in every subset (their combination is kept).

        Parameters
        ----------
        part : pandas.DataFrame

        Returns
        -------
        ndarray of bool

        Examples
        --------
        >>> import pandas as pd
        >>> kept = pd.DataFrame({"g": ["a", "b"], "__keep": [True, False]})
        >>> CellPlan(("w",), subsets=((("g",), kept),)).inside(
        ...     pd.DataFrame({"g": ["b", "a"]})).tolist()
        [False, True]
        """
        inside = np.ones(len(part), dtype=bool)
        for columns, table in self.subsets:
            merged = part[list(columns)].merge(table, how="left", on=list(columns))
            inside &= merged[KEEP].fillna(False).to_numpy(dtype=bool)
        return inside

    @property
    def group(self) -> list[str]:
        """The columns that define a cell: the keys, ``__complete`` and ``__in``."""
        return [*self.keys, COMPLETE, IN]

    def cells(self, part: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
        """One partition reduced to its cells: their keys, and their row counts then sums.

        Parameters
        ----------
        part : pandas.DataFrame

        Returns
        -------
        tuple of (pandas.DataFrame, ndarray)
            The cells' :attr:`group` columns; per cell its rows, then each
            weight times 1 and times each numeric variable (weight-major), then
            the grams.

        Examples
        --------
        >>> import pandas as pd
        >>> part = pd.DataFrame({"w": [1.0, 2.0], "r1": [2.0, 0.0], "y": [1.0, None]})
        >>> keys, numbers = CellPlan(("w", "r1"), numeric=("y",)).cells(part)
        >>> keys["__complete"].tolist(), numbers.tolist()
        ([True, False], [[1.0, 1.0, 1.0, 2.0, 2.0], [1.0, 2.0, 0.0, 0.0, 0.0]])
        """
        values = np.ones((len(part), 1 + len(self.numeric)))
        complete = np.ones(len(part), dtype=bool)
        for j, name in enumerate(self.numeric):
            v = part[name].to_numpy(dtype=float, na_value=np.nan)
            complete &= ~np.isnan(v)
            values[:, 1 + j] = v
        values[~complete, 1:] = 0.0
        frame = part[list(self.keys)].assign(**{COMPLETE: complete, IN: self.inside(part)})
        codes, first = _cells_of(frame, self.group)
        n_cells = len(first)
        out = frame.iloc[first].reset_index(drop=True)
        counts = np.bincount(codes, minlength=n_cells).astype(np.int64)
        sums = np.zeros((len(self.weights), values.shape[1] * n_cells))
        grams = np.zeros((n_cells, (len(self.weights) - 1) ** 2))
        for rows in row_slices(len(part)) if n_cells else ():  # the weights a slice at a time
            block = part[list(self.weights)].iloc[rows].to_numpy(dtype=float, na_value=np.nan)
            sums += replicate_sums(block, values[rows], codes[rows], n_cells)  # (1+R, (1+p)C)
            if self.grams:
                grams += _grams(block[:, 1:], codes[rows], n_cells, self.exponent)
        by_cell = sums.reshape(len(self.weights), values.shape[1], n_cells).transpose(2, 0, 1)
        numbers = [counts[:, None].astype(float),
                   by_cell.reshape(n_cells, len(self.weights) * values.shape[1])]
        if self.grams:
            numbers.append(grams)
        return out, np.hstack(numbers)


#: Rows of replicate weights converted to one array at a time (about 80 MB for 80 columns).
_SLICE = 1 << 17


def row_slices(n: int, size: int = _SLICE) -> list[slice]:
    """``n`` rows as consecutive slices of at most ``size`` rows (none for no row).

    Parameters
    ----------
    n : int
        The number of rows.
    size : int, optional
        The longest slice.

    Returns
    -------
    list of slice

    Examples
    --------
    >>> row_slices(5, size=2)
    [slice(0, 2, None), slice(2, 4, None), slice(4, 5, None)]
    """
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def _cells_of(frame: pd.DataFrame, group: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's cell (missing keys a cell of their own) and each cell's first row."""
    codes = np.asarray(frame.groupby(group, dropna=False, observed=True, sort=False).ngroup(),
                       dtype=np.intp)
    first = np.full(int(codes.max()) + 1 if len(codes) else 0, len(codes), dtype=np.intp)
    np.minimum.at(first, codes, np.arange(len(codes)))
    return codes, first


def _grams(replicates: np.ndarray, codes: np.ndarray, n_cells: int,
           exponent: int) -> np.ndarray:
    """Cross products of the replicate weights per cell, flattened, (cells, R * R)."""
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n_cells + 1))
    out = np.empty((n_cells, replicates.shape[1] ** 2))
    for c in range(n_cells):
        out[c] = cross_product(replicates[order[bounds[c]:bounds[c + 1]]], exponent).ravel()
    return out


#: Replicate weights within 2**-SAFE .. 2**SAFE enter cross products unscaled.
_SAFE = 200


def cross_product(rows: np.ndarray, exponent: int = 0) -> np.ndarray:
    """``F'F`` of the rows ``F`` (n, R) over ``2**exponent``, by BLAS's symmetric rank-k update.

    numpy's ``F.T @ F`` of a tall matrix is an order of magnitude slower here.

    Parameters
    ----------
    rows : ndarray, shape (n, R)
    exponent : int, default 0

    Returns
    -------
    ndarray, shape (R, R)

    Examples
    --------
    >>> cross_product(np.array([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [[10.0, 14.0], [14.0, 20.0]]
    """
    from scipy.linalg.blas import dsyrk

    rows = np.ascontiguousarray(rows if exponent == 0 else np.ldexp(rows, -exponent))
    if rows.size == 0:
        return np.zeros((rows.shape[1], rows.shape[1]))
    upper = dsyrk(1.0, rows.T, trans=0)  # rows.T is Fortran-ordered: no copy
    full: np.ndarray = np.triu(upper) + np.triu(upper, 1).T
    return full


def _sum_names(n_weights: int, n_values: int) -> list[str]:
    return [f"__s{r}_{j}" for r in range(n_weights) for j in range(n_values)]


def _gram_names(n_rep: int) -> list[str]:
    return [f"__g{c}" for c in range(n_rep * n_rep)]


def cell_table(ddf: Any, plan: CellPlan) -> pd.DataFrame:
    """One pass: the cells of ``plan``, summed over the partitions, sorted by their keys.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
    plan : CellPlan

    Returns
    -------
    pandas.DataFrame
        One row per cell: the keys (their dtypes kept), ``__complete``,
        ``__in``, ``__n`` (data rows) and the sums (see :func:`cell_sums`,
        :func:`cell_grams`).

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> df = pd.DataFrame({"w": [1.0, 2.0], "r1": [2.0, 2.0], "r2": [0.0, 4.0]})
    >>> cell_table(dd.from_pandas(df, npartitions=2), CellPlan(("w", "r1", "r2")))["__n"].tolist()
    [2]
    """
    from dask.delayed import delayed

    empty = empty_partition(ddf)
    read = list(dict.fromkeys([*plan.weights, *plan.keys, *plan.numeric,
                               *(c for columns, _ in plan.subsets for c in columns)]))
    cells = delayed(plan.cells, pure=True)
    with as_partitioned():
        parts = [cells(part) for part in ddf[read].to_delayed()]
    combine = delayed(_combine, pure=True)
    while len(parts) > 1:  # a tree of sums, 8 at a time: no partition waits on all others
        parts = [combine(plan.group, *parts[i:i + _FAN_IN])
                 for i in range(0, len(parts), _FAN_IN)]
    ((keys, numbers),) = compute(parts[0]) if parts else (plan.cells(empty),)
    names = [*_sum_names(len(plan.weights), 1 + len(plan.numeric)),
             *(_gram_names(len(plan.weights) - 1) if plan.grams else [])]
    table = pd.concat([keys.reset_index(drop=True),
                       pd.DataFrame({COUNT: numbers[:, 0].astype(np.int64)}),
                       pd.DataFrame(numbers[:, 1:], columns=names)], axis=1)
    for name in plan.keys:
        if table[name].dtype != empty[name].dtype:
            table[name] = table[name].astype(empty[name].dtype)
    ordered: pd.DataFrame = table.sort_values(plan.group, kind="stable", na_position="last")
    return ordered.reset_index(drop=True)


#: How many partial tables one task of the tree adds up.
_FAN_IN = 8


def _combine(group: list[str], *parts: tuple[pd.DataFrame, np.ndarray]
             ) -> tuple[pd.DataFrame, np.ndarray]:
    """Partial cell tables (keys, counts and sums) added up by cell."""
    keys = pd.concat([k for k, _ in parts], ignore_index=True)
    numbers = np.vstack([n for _, n in parts])
    codes, first = _cells_of(keys, group)
    member = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                               shape=(len(first), len(codes)))
    return keys.iloc[first].reset_index(drop=True), np.asarray(member @ numbers)


def cell_sums(table: pd.DataFrame, plan: CellPlan) -> np.ndarray:
    """The sums of a cell table, (cells, 1 + R, 1 + p): weight r times value j (j = 0: 1).

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`cell_table`.
    plan : CellPlan

    Returns
    -------
    ndarray

    Examples
    --------
    >>> import pandas as pd
    >>> plan = CellPlan(("w", "r1"))
    >>> cell_sums(pd.DataFrame({"__s0_0": [2.0], "__s1_0": [3.0]}), plan).tolist()
    [[[2.0], [3.0]]]
    """
    n_values = 1 + len(plan.numeric)
    names = _sum_names(len(plan.weights), n_values)
    return table[names].to_numpy(dtype=float).reshape(len(table), len(plan.weights), n_values)


def cell_grams(table: pd.DataFrame, plan: CellPlan) -> np.ndarray:
    """The replicate weights' cross product of each cell, (cells, R, R).

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`cell_table` with ``plan.grams``.
    plan : CellPlan

    Returns
    -------
    ndarray

    Examples
    --------
    >>> import pandas as pd
    >>> cell_grams(pd.DataFrame({"__g0": [4.0]}), CellPlan(("w", "r1"), grams=True)).tolist()
    [[[4.0]]]
    """
    n_rep = len(plan.weights) - 1
    return table[_gram_names(n_rep)].to_numpy(dtype=float).reshape(len(table), n_rep, n_rep)
