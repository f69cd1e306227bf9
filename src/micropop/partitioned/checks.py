"""The Dask engine's refusals: bad rows found during a pass, named by file and row.

Each check is a cheap pass (counts); only when it finds something does a
second pass (:func:`~micropop.partitioned.passes.locate`) find the first rows
to name in the message.

Examples
--------
>>> import pandas as pd, dask.dataframe as dd
>>> ddf = dd.from_pandas(pd.DataFrame({"w": [1.0, -2.0, 3.0]}), npartitions=2)
>>> check_weights(ddf, "w", "w")
Traceback (most recent call last):
...
micropop.errors.WeightError: weights column 'w' has 1 missing, negative or infinite value(s): ...
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from micropop.design.encode import require_columns
from micropop.errors import (
    DesignError,
    InfiniteValueError,
    MissingValuesError,
    PartitionError,
    WeightError,
)
from micropop.partitioned.passes import (
    COMPLETE,
    RowFunction,
    compute,
    empty_partition,
    locate,
    where_text,
)

__all__ = ["check_design_columns", "check_weights", "refuse_bad_values", "refuse_crossing",
           "suspect_table"]


def check_weights(ddf: Any, column: str, source: str, probs: bool = False) -> np.ndarray:
    """Refuse missing, negative or infinite weights; return the rows of each partition.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
    column : str
        The weight column to test.
    source : str
        The user's column, for the message.
    probs : bool, default False
        ``source`` holds selection probabilities: each must be in (0, 1].

    Returns
    -------
    ndarray of int
        The number of rows of each partition.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> check_weights(dd.from_pandas(pd.DataFrame({"w": [1.0, 2.0, 3.0]}), npartitions=2),
    ...               "w", "w").tolist()
    [2, 1]
    """
    tested = source if probs else column

    def bad(part: pd.DataFrame) -> np.ndarray:
        values = part[tested].to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            flagged: np.ndarray = (~np.isfinite(values) | (values <= 0) | (values > 1)
                                   if probs else ~np.isfinite(values) | (values < 0))
        return flagged

    lengths, n_bad = compute(ddf.map_partitions(len, meta=(None, np.int64)),
                             ddf.map_partitions(lambda part: int(bad(part).sum()),
                                                meta=(None, np.int64)).sum())
    if int(n_bad):
        found = locate(ddf, bad, [source])
        what = ("missing values or values outside (0, 1]" if probs
                else "missing, negative or infinite value(s)")
        raise WeightError(f"{'probs' if probs else 'weights'} column {source!r} has "
                          f"{int(n_bad)} {what}: {where_text(ddf, found)}",
                          hint="give selection probabilities in (0, 1], or the weights as "
                               "weights=" if probs else
                               "fix or drop those rows before building the design")
    return np.asarray(lengths, dtype=np.int64)


def check_design_columns(ddf: Any, keys: Sequence[str]) -> None:
    """Refuse missing values in the strata, PSU and fpc columns, naming file and row.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
    keys : sequence of str

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> ddf = dd.from_pandas(pd.DataFrame({"psu": [1.0, None], "w": 1.0}), npartitions=2)
    >>> check_design_columns(ddf, ["psu"])
    Traceback (most recent call last):
    ...
    micropop.errors.DesignError: design columns 'psu' have 1 row(s) with a missing value: ...
    """
    keys = list(keys)
    if not keys:
        return
    (n_null,) = compute(ddf[keys].isna().any(axis=1).sum())
    if int(n_null):
        found = locate(ddf, lambda part: part[keys].isna().any(axis=1).to_numpy(), keys)
        raise DesignError(f"design columns {', '.join(map(repr, keys))} have {int(n_null)} "
                          f"row(s) with a missing value: {where_text(ddf, found)}",
                          hint="every row needs its stratum, PSU and fpc")


def refuse_crossing(ddf: Any, table: pd.DataFrame, psu: str, stratum: str) -> None:
    """Refuse a PSU found in two strata (without nest=True), naming the files.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
    table : pandas.DataFrame
        The structure pass's per-unit table.
    psu, stratum : str
        The first-stage columns.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> df = pd.DataFrame({"h": [1, 1, 2], "psu": [7, 8, 7], "w": 1.0})
    >>> refuse_crossing(dd.from_pandas(df, npartitions=3), df, "psu", "h")
    Traceback (most recent call last):
    ...
    micropop.errors.PartitionError: PSU 7 of column 'psu' is in 2 strata of 'h' (in h 1: ...
    """
    per_psu = table.groupby(psu, dropna=False, observed=True)[stratum].nunique()
    crossing = per_psu[per_psu > 1]
    if crossing.empty:
        return
    unit = crossing.index[0]
    unit = unit.item() if isinstance(unit, np.generic) else unit
    strata = sorted(table.loc[table[psu] == unit, stratum].unique().tolist(), key=str)
    places = []
    for value in strata[:5]:  # the first row of the PSU in each of its strata
        def in_stratum(part: pd.DataFrame, value: Any = value) -> np.ndarray:
            mask = (part[psu] == unit) & (part[stratum] == value)
            flagged: np.ndarray = mask.to_numpy(dtype=bool, na_value=False)
            return flagged
        places.append(f"in {stratum} {value}: {where_text(ddf, locate(ddf, in_stratum, [], 1))}")
    raise PartitionError(
        f"PSU {unit!r} of column {psu!r} is in {len(strata)} strata of {stratum!r} "
        f"({'; '.join(places)}); {len(crossing)} PSU(s) cross strata",
        hint="PSU ids repeated in different strata are different PSUs: pass nest=True; "
             "otherwise fix the stratum of those rows")


def refuse_bad_values(ddf: Any, numeric: Sequence[str], other: Sequence[str],
                      na_rm: bool, within: RowFunction | None = None) -> None:
    """Refuse missing (without ``na_rm``) or infinite analysis values, naming file and row.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
    numeric : sequence of str
        Numeric analysis columns (tested for missing and infinite values).
    other : sequence of str
        Other analysis columns (tested for missing values).
    na_rm : bool
        Missing values are allowed (the estimator leaves their rows out).
    within : function, optional
        A partition to the mask of the rows to test (a subset's); default all.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> ddf = dd.from_pandas(pd.DataFrame({"y": [1.0, None, 3.0]}), npartitions=2)
    >>> refuse_bad_values(ddf, ["y"], [], na_rm=False)
    Traceback (most recent call last):
    ...
    micropop.errors.MissingValuesError: column 'y' has 1 missing value(s): partition 1: row 2 ...
    >>> refuse_bad_values(ddf, ["y"], [], na_rm=True)
    """
    columns = list(dict.fromkeys([*numeric, *other]))
    if not columns:
        return
    require_columns(empty_partition(ddf), columns)
    if within is not None:
        _refuse_within(ddf, numeric, columns, na_rm, within)
        return
    tests = {}
    if not na_rm:
        tests["missing"] = ddf[columns].isna().sum()
    floats = [c for c in numeric if pd.api.types.is_float_dtype(ddf.dtypes[c])]
    if floats:
        tests["infinite"] = ddf[floats].map_partitions(
            lambda p: pd.DataFrame(np.isinf(p.to_numpy(dtype=float, na_value=np.nan)),
                                   columns=p.columns, index=p.index)).sum()
    if not tests:
        return
    _raise_first(ddf, dict(zip(tests, compute(*tests.values()), strict=True)))


def _refuse_within(ddf: Any, numeric: Sequence[str], columns: list[str], na_rm: bool,
                   within: RowFunction) -> None:
    """:func:`refuse_bad_values` on the rows ``within`` keeps."""
    floats = [c for c in numeric if pd.api.types.is_float_dtype(ddf.dtypes[c])]

    def counts(part: pd.DataFrame) -> pd.DataFrame:
        keep = np.asarray(within(part), dtype=bool)
        out = {f"missing {c}": [int((keep & part[c].isna().to_numpy()).sum())]
               for c in (() if na_rm else columns)}
        out.update({f"infinite {c}": [int((keep & _infinite(c)(part)).sum())] for c in floats})
        return pd.DataFrame(out, dtype=np.int64)

    (found,) = compute(ddf.map_partitions(counts, meta=counts(empty_partition(ddf))).sum())
    results: dict[str, dict[str, int]] = {}
    for label, count in found.items():
        kind, name = str(label).split(" ", 1)
        results.setdefault(kind, {})[name] = int(count)
    _raise_first(ddf, {kind: pd.Series(c) for kind, c in results.items()}, within)


def _raise_first(ddf: Any, results: dict[str, Any], within: RowFunction | None = None) -> None:
    """Raise for the first column with missing or infinite values (``within``'s rows)."""
    for kind, counts in results.items():
        bad = [c for c in counts.index if int(counts[c])]
        if not bad:
            continue
        name = bad[0]
        test = _missing(name) if kind == "missing" else _infinite(name)
        found = locate(ddf, test if within is None else _both(test, within), [name])
        if kind == "missing":
            raise MissingValuesError(
                f"column {name!r} has {int(counts[name])} missing value(s): "
                f"{where_text(ddf, found)}",
                hint="pass na_rm=True to leave those rows out (keeping the design), or "
                     "fill them in")
        raise InfiniteValueError(f"column {name!r} has {int(counts[name])} infinite "
                                 f"value(s): {where_text(ddf, found)}",
                                 hint="replace them (e.g. with NaN and na_rm=True)")


def _missing(name: str) -> RowFunction:
    return lambda part: part[name].isna().to_numpy()


def _infinite(name: str) -> RowFunction:
    return lambda part: np.isinf(part[name].to_numpy(dtype=float, na_value=np.nan))


def _both(test: RowFunction, within: RowFunction) -> RowFunction:
    return lambda part: np.asarray(test(part), dtype=bool) & np.asarray(within(part), dtype=bool)


def suspect_table(table: pd.DataFrame, means: list[str], cells: list[str], na_rm: bool) -> bool:
    """Whether a per-unit table shows missing (without ``na_rm``) or infinite values.

    Parameters
    ----------
    table : pandas.DataFrame
        A pass's per-unit table.
    means : list of str
        Its weighted-mean columns.
    cells : list of str
        Its cell columns whose missing values are refused without ``na_rm``.
    na_rm : bool

    Returns
    -------
    bool
        True when a counting pass must name the rows (missing or infinite values).

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"__complete": [True], "g": ["a"], "y": [float("inf")]})
    >>> suspect_table(table, ["y"], ["g"], na_rm=False)
    True
    """
    complete = table[COMPLETE].to_numpy()
    if not na_rm and (not complete.all() or bool(table[cells].isna().to_numpy().any())):
        return True
    values = table.loc[complete, means].to_numpy(dtype=float)
    return not bool(np.isfinite(values).all())
