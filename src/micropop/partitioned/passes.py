"""One pass over the partitions: rows reduced to a table per sampled unit and cell.

Every estimate on a Dask design is this reduction: the rows are grouped by
their sampled unit (the design's strata, PSU and fpc columns) and by the
cells of the call (domains, levels of categorical variables, subset and
weighting cells); each group keeps the sum of the weights ``__w``, the count
of rows ``__n`` and, for each numeric analysis column, the weighted mean
(stored as the weighted sum, divided at the end). A design built on that table
gives, for every estimator linear in the weighted sums (totals, means,
ratios, proportions, domains, contrasts, Rao-Scott tests), the same estimates
and the same per-unit influence totals as the rows themselves, so the
in-memory variance code applies to it unchanged.

:func:`locate` finds the rows behind a refusal, naming the file (or
partition) and the row in it.

Examples
--------
>>> import pandas as pd
>>> import dask.dataframe as dd
>>> df = pd.DataFrame({"psu": [1, 1, 2, 2], "w": [1.0, 3.0, 2.0, 2.0],
...                    "y": [1.0, 5.0, 2.0, 4.0]})
>>> table = unit_table(dd.from_pandas(df, npartitions=2), weights="w", keys=["psu"],
...                    means=["y"])
>>> table[["psu", "__w", "__n", "y"]].to_dict("list")
{'psu': [1, 2], '__w': [4.0, 4.0], '__n': [2, 2], 'y': [4.0, 3.0]}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from micropop.errors import MicropopError, SchedulerError, describe_rows
from micropop.partitioned._dask import require_dask

__all__ = ["COMPLETE", "COUNT", "ROW", "ROW_BASE", "ROW_WEIGHT", "WEIGHT", "RowFunction",
           "as_partitioned", "compute",
           "empty_partition", "locate", "partition_name", "remember_files", "remembered_files",
           "unit_table",
           "where_text"]

#: Columns of the per-unit table: the sum of weights, the count of rows, whether
#: every analysis value of the cell's rows is present, the row number (unclustered).
WEIGHT, COUNT, COMPLETE, ROW = "__w", "__n", "__complete", "__row"
#: The columns of a Dask design's rows that hold their full-sample weight (replaced by
#: the final weight in ``weighted_rows``) and their design weight (never replaced).
ROW_WEIGHT, ROW_BASE = "__weight", "__base"

#: A function of one partition (a pandas DataFrame) giving one value per row.
RowFunction = Callable[[pd.DataFrame], Any]

_FILES: dict[str, list[str]] = {}


def remember_files(ddf: Any, files: Sequence[str]) -> None:
    """Record the file of each partition of ``ddf``, for messages (see :func:`partition_name`).

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
    files : sequence of str
        One file per partition, in order.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> ddf = dd.from_pandas(pd.DataFrame({"w": [1.0, 2.0]}), npartitions=2)
    >>> remember_files(ddf, ["a.parquet", "b.parquet"])
    >>> partition_name(ddf, 1)
    "partition 2 (file 'b.parquet')"
    """
    if len(files) == ddf.npartitions:
        _FILES[_token(ddf)] = [str(f) for f in files]


def remembered_files(ddf: Any) -> list[str] | None:
    """The files :func:`remember_files` recorded for ``ddf``, or None.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame

    Returns
    -------
    list of str or None
        One file per partition, in order.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> ddf = dd.from_pandas(pd.DataFrame({"w": [3.0, 4.0]}), npartitions=2)
    >>> remembered_files(ddf) is None
    True
    >>> remember_files(ddf, ["c.parquet", "d.parquet"])
    >>> remembered_files(ddf)
    ['c.parquet', 'd.parquet']
    """
    files = _FILES.get(_token(ddf))
    return None if files is None or len(files) != ddf.npartitions else list(files)


def partition_name(ddf: Any, number: int) -> str:
    """``"partition 3 (file 'x.parquet')"``: a partition (0-based ``number``) for messages.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
    number : int

    Returns
    -------
    str

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> partition_name(dd.from_pandas(pd.DataFrame({"w": [1.0]}), npartitions=1), 0)
    'partition 1'
    """
    files = _FILES.get(_token(ddf))
    text = f"partition {number + 1}"
    return text if files is None else f"{text} (file {files[number]!r})"


def _token(ddf: Any) -> str:
    from dask.base import tokenize
    return str(tokenize(ddf))


def as_partitioned() -> Any:
    """The dask configuration every pass runs in: the partitions as the frame has them.

    When a pass reads few of the columns of Parquet files, dask's optimiser
    ("tuning") reads several files in one partition; a partition's number then
    differs between passes that read different columns, while the engine
    numbers rows (designs whose rows are their own PSUs, quantiles) and names
    files by partition. Every pass (and every graph the engine optimises) turns
    that tuning off.

    Returns
    -------
    dask.config.set
        A context manager.

    Examples
    --------
    >>> import dask
    >>> with as_partitioned():
    ...     dask.config.get("optimization.tune.active")
    False
    """
    require_dask()
    import dask
    return dask.config.set({"optimization.tune.active": False})


def compute(*collections: Any) -> Any:
    """``dask.compute`` on the active scheduler, a failure as a SchedulerError.

    A failure that is not micropop's own refusal (a worker lost, a file gone)
    becomes a SchedulerError; a pass writes nothing, so nothing is left half-written.

    Parameters
    ----------
    *collections
        Dask collections.

    Returns
    -------
    tuple
        Their computed values.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> ddf = dd.from_pandas(pd.DataFrame({"w": [1.0, 2.0]}), npartitions=2)
    >>> compute(ddf["w"].sum())
    (np.float64(3.0),)
    """
    require_dask()
    from dask.base import compute as dask_compute
    try:
        with as_partitioned():
            return cast(Any, dask_compute)(*collections)
    except MicropopError:
        raise
    except Exception as err:  # a worker lost, a file gone, memory exhausted...
        raise SchedulerError(f"the Dask pass failed: {type(err).__name__}: {err}",
                             hint="nothing was written; check the cluster (workers, memory) "
                                  "and the files, then run it again") from err


@dataclass(frozen=True)
class _Plan:
    """What one pass computes per row before the groups are summed."""

    weights: str
    keys: list[str]
    means: list[str]
    sums: Mapping[str, RowFunction] = field(default_factory=dict)
    derived: Mapping[str, RowFunction] = field(default_factory=dict)
    offsets: np.ndarray | None = None  # first global row of each partition (unclustered)

    def rows(self, part: pd.DataFrame, partition_info: dict[str, Any] | None = None
             ) -> pd.DataFrame:
        """The columns to sum, for one partition."""
        if self.derived:
            part = part.assign(**{name: fn(part) for name, fn in self.derived.items()})
        w = part[self.weights].to_numpy(dtype=float, na_value=np.nan)
        out: dict[str, Any] = {key: part[key] for key in self.keys}
        complete = np.ones(len(part), dtype=bool)
        values = {}
        for name in self.means:
            v = part[name].to_numpy(dtype=float, na_value=np.nan)
            complete &= ~np.isnan(v)
            values[name] = v
        for name, v in values.items():
            out[name] = np.where(complete, w * np.where(np.isnan(v), 0.0, v), 0.0)
        for name, fn in self.sums.items():
            out[name] = np.asarray(fn(part), dtype=float)
        out[WEIGHT] = w
        out[COUNT] = np.ones(len(part), dtype=np.int64)
        out[COMPLETE] = complete
        if self.offsets is not None:
            number = 0 if partition_info is None else partition_info["number"]
            out[ROW] = self.offsets[number] + np.arange(len(part), dtype=np.int64)
        return pd.DataFrame(out, index=part.index)

    def summed(self, rows: pd.DataFrame) -> pd.DataFrame:
        """One partition's rows summed per group (indexed by the group columns)."""
        return rows.groupby(self.group, dropna=False, observed=True, sort=False).sum()

    @property
    def group(self) -> list[str]:
        return self.keys + [COMPLETE] + ([ROW] if self.offsets is not None else [])


def _partition_sums(part: pd.DataFrame, plan: _Plan,
                    partition_info: dict[str, Any] | None = None) -> pd.DataFrame:
    return plan.summed(plan.rows(part, partition_info))


def _summed(table: pd.DataFrame) -> pd.DataFrame:
    """A partition's table, already summed per group (the reduction's first step)."""
    return table


def _combine(tables: pd.DataFrame) -> pd.DataFrame:
    """Partial per-group sums (stacked) summed again per group."""
    if not isinstance(tables.index, pd.MultiIndex):
        return tables.groupby(level=0, dropna=False, observed=True, sort=False).sum()
    return tables.groupby(level=list(range(tables.index.nlevels)), dropna=False,
                          observed=True, sort=False).sum()


def unit_table(ddf: Any, *, weights: str, keys: Sequence[str], means: Sequence[str] = (),
               sums: Mapping[str, RowFunction] | None = None,
               derived: Mapping[str, RowFunction] | None = None,
               offsets: np.ndarray | None = None) -> pd.DataFrame:
    """The per-unit table of one pass: sums of weights and weighted means per group.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
    weights : str
        The weight column (validated when the design was built).
    keys : sequence of str
        Columns that define a group (unit and cell columns); missing values
        form their own group.
    means : sequence of str
        Numeric columns whose weighted mean per group is kept (NaN for a
        group of rows missing one of them: ``__complete`` is False there).
    sums : mapping of str to function, optional
        Row values (unweighted) summed per group under their name.
    derived : mapping of str to function, optional
        Columns computed per partition before the pass (usable in ``keys``
        and ``means``).
    offsets : ndarray of int, optional
        The first global row of each partition: each row becomes its own group
        (``__row``), for designs whose rows are their own PSUs.

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted by the keys (by ``__row`` with ``offsets``): the keys,
        ``__complete``,
        ``__row`` (with ``offsets``), ``__w``, ``__n``, the means and the sums.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> df = pd.DataFrame({"h": ["a", "a", "b"], "w": [1.0, 3.0, 2.0], "y": [1.0, None, 4.0]})
    >>> unit_table(dd.from_pandas(df, npartitions=2), weights="w", keys=["h"],
    ...            means=["y"])[["h", "__complete", "__w", "y"]].to_dict("list")
    ... # doctest: +NORMALIZE_WHITESPACE
    {'h': ['a', 'a', 'b'], '__complete': [False, True, True], '__w': [3.0, 1.0, 2.0],
     'y': [nan, 1.0, 4.0]}
    """
    require_dask()
    plan = _Plan(weights, list(keys), list(means), dict(sums or {}), dict(derived or {}),
                 offsets)
    meta = plan.summed(plan.rows(_meta(ddf, plan)))
    # one table per partition, then a tree of sums to one table: no shuffle, and the
    # tables' size is that of the units and cells, not of the rows
    partial = ddf.map_partitions(_partition_sums, plan, meta=meta)
    reduced = partial.reduction(_summed, aggregate=_combine, combine=_combine, meta=meta,
                                split_every=8)
    (table,) = compute(reduced)
    table = table.reset_index()
    for name in plan.means:
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = table[name].to_numpy() / table[WEIGHT].to_numpy()
        held = table[WEIGHT].to_numpy() != 0
        table[name] = np.where(table[COMPLETE].to_numpy(), np.where(held, mean, 0.0), np.nan)
    # units in the order the in-memory design reads them: by their keys, or (each row
    # its own unit) in the order of the rows, as BRR pairs and bootstrap draws depend on it
    order = [ROW] if offsets is not None else plan.group
    ordered: pd.DataFrame = table.sort_values(order, kind="stable", na_position="last")
    return ordered.reset_index(drop=True)


def empty_partition(ddf: Any) -> pd.DataFrame:
    """A partition of no rows with the columns and dtypes of ``ddf`` (categories included).

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> empty_partition(dd.from_pandas(pd.DataFrame({"w": [1.0]}), npartitions=1)).dtypes.tolist()
    [dtype('float64')]
    """
    return pd.DataFrame({name: pd.Series(dtype=dtype)
                         for name, dtype in cast(pd.Series, ddf.dtypes).items()})


def _meta(ddf: Any, plan: _Plan) -> pd.DataFrame:
    """An empty partition with the right dtypes, the derived columns added."""
    meta = empty_partition(ddf)
    if plan.derived:
        meta = meta.assign(**{name: fn(meta) for name, fn in plan.derived.items()})
    return meta


def locate(ddf: Any, bad: RowFunction, columns: Sequence[str], limit: int = 5
           ) -> list[tuple[int, list[int], list[str]]]:
    """Where ``bad`` holds: ``(partition, 1-based rows in it, values of the first column)``.

    A second pass, run only to word a refusal: the first partitions holding
    such rows, at most ``limit`` rows in all.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
    bad : function
        A partition to a boolean mask of its rows.
    columns : sequence of str
        The column whose values the message shows (the first one).
    limit : int, default 5

    Returns
    -------
    list of tuple

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> ddf = dd.from_pandas(pd.DataFrame({"w": [1.0, -1.0, 2.0, -3.0]}), npartitions=2)
    >>> locate(ddf, lambda part: part["w"] < 0, ["w"])
    [(0, [2], ['-1.0']), (1, [2], ['-3.0'])]
    """
    def rows(part: pd.DataFrame, partition_info: dict[str, Any] | None = None
             ) -> pd.DataFrame:
        mask = np.asarray(bad(part), dtype=bool)
        where = np.flatnonzero(mask)[:limit]
        values = (part[columns[0]].to_numpy()[where] if columns else np.full(len(where), ""))
        number = 0 if partition_info is None else partition_info["number"]
        return pd.DataFrame({"partition": np.full(len(where), number, dtype=np.int64),
                             "row": where.astype(np.int64) + 1,
                             "value": [str(v) for v in values]})

    meta = pd.DataFrame({"partition": pd.Series(dtype=np.int64),
                         "row": pd.Series(dtype=np.int64), "value": pd.Series(dtype=object)})
    (found,) = compute(ddf.map_partitions(rows, meta=meta))
    found = found.sort_values(["partition", "row"]).head(limit)
    out = []
    for number, group in found.groupby("partition", sort=True):
        out.append((int(number), group["row"].tolist(), group["value"].tolist()))
    return out


def where_text(ddf: Any, found: list[tuple[int, list[int], list[str]]]) -> str:
    """``"partition 2 (file 'b.parquet'): rows 3, 7 (values: nan, -1)"`` for messages.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
    found : list of tuple
        What :func:`locate` found.

    Returns
    -------
    str

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> ddf = dd.from_pandas(pd.DataFrame({"w": [1.0, -1.0]}), npartitions=2)
    >>> where_text(ddf, [(1, [1], ["-1.0"])])
    'partition 2: row 1 (value: -1.0)'
    """
    return "; ".join(f"{partition_name(ddf, number)}: "
                     f"{describe_rows(rows, values if any(values) else None)}"
                     for number, rows, values in found)
