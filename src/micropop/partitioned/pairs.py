"""Raked passes in pairs: each unit and cell as two rows that keep R's raking variance.

R's variance after ``rake`` centres each row's influence value ``x`` by
``w * mean(x / w)`` over the rows of a raking cell: it reads the rows' own
weights. Summing a unit's rows of one cell into one row of weight ``W`` and
weighted mean ``s`` keeps ``sum(x)`` but not ``sum(x / w)`` where the weights
differ: for an estimator linear in the values (totals, means, ratios,
proportions, contrasts) ``sum(x / w)`` follows from the *unweighted* sum of the
values, ``f u`` (``f`` rows of unweighted mean ``u``).

Grouping the rows by their weight keeps both but makes the table as large as
the distinct weights. Instead each such group becomes two rows ``A`` and ``B``
of ``f_A = ceil(f / 2)`` and ``f_B = f - f_A`` data rows, weights
``W_A = a W`` and ``W_B = (1 - a) W`` with ``a = f_A / f - 1/4``, and values

    y_A = u - 4 (f_B / f) (s - u),    y_B = u + 4 (f_A / f) (s - u),

the one solution of ``W_A y_A + W_B y_B = W s`` (weighted sums: estimates and
unit totals) and ``f_A y_A + f_B y_B = f u`` (what the raking sweeps read,
:class:`~micropop.weighting._projection.RakingProjection` with its data-row
counts). The table is at most twice the per-unit table, whatever the number
of rows, and the numbers are R's. Rows of weight 0 form their own groups
(R's sweeps count them but skip them in ``x / w``).

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"psu": [1], "__complete": [True], "__w": [4.0], "__n": [2],
...                       "y": [2.5], "__plain:y": [4.0]})
>>> pairs = split(table, ["y"])  # two rows (w=1, y=1) and (w=3, y=3): given back
>>> pairs[["__w", "__n", "y"]].to_dict("list")
{'__w': [1.0, 3.0], '__n': [1, 1], 'y': [1.0, 3.0]}
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np
import pandas as pd

from micropop.errors import InMemoryOnlyError
from micropop.partitioned.passes import COMPLETE, COUNT, WEIGHT, RowFunction

__all__ = ["ZERO", "pair_sums", "refuse_mixed_zeros", "split", "zero_counts"]

#: The key of rows of weight 0 (their own groups in paired passes).
ZERO = "__zero"
_PLAIN = "__plain:"
_ZEROS = "__zeros"


def _zero(weight: str, part: pd.DataFrame) -> np.ndarray:
    zero: np.ndarray = part[weight].to_numpy(dtype=float) == 0
    return zero


def _plain(name: str, part: pd.DataFrame) -> np.ndarray:
    values = part[name].to_numpy(dtype=float, na_value=np.nan)
    plain: np.ndarray = np.where(np.isnan(values), 0.0, values)
    return plain


def pair_sums(weight: str, values: Sequence[str]
              ) -> tuple[dict[str, RowFunction], dict[str, RowFunction]]:
    """What a paired pass adds: the zero-weight key, and the unweighted sums.

    Parameters
    ----------
    weight : str
        The rows' weight column.
    values : sequence of str
        The numeric columns kept as weighted means.

    Returns
    -------
    tuple of (dict, dict)
        ``derived`` (the :data:`ZERO` key) and ``sums`` (the unweighted sum
        of each value) for
        :func:`~micropop.partitioned.passes.unit_table`.

    Examples
    --------
    >>> derived, sums = pair_sums("w", ["y"])
    >>> sorted(derived), sorted(sums)
    (['__zero'], ['__plain:y'])
    """
    derived: dict[str, RowFunction] = {ZERO: partial(_zero, weight)}
    sums: dict[str, RowFunction] = {_PLAIN + name: partial(_plain, name) for name in values}
    return derived, sums


def split(table: pd.DataFrame, values: Sequence[str]) -> pd.DataFrame:
    """The per-unit table with each group of several weighted rows as two rows.

    Parameters
    ----------
    table : pandas.DataFrame
        A paired pass's table (:func:`pair_sums`'s columns summed).
    values : sequence of str
        Its weighted-mean columns.

    Returns
    -------
    pandas.DataFrame
        The table without the pair columns; a complete group of ``f >= 2``
        rows and weight ``W > 0`` is written as the rows ``A`` and ``B`` of the
        module's formulas, next to each other.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"__complete": [True, True], "__w": [2.0, 5.0], "__n": [1, 3],
    ...                       "y": [1.0, 2.0], "__plain:y": [1.0, 7.0]})
    >>> split(table, ["y"])["__n"].tolist()
    [1, 2, 1]
    """
    weight = table[WEIGHT].to_numpy(dtype=float)
    count = table[COUNT].to_numpy(dtype=np.int64)
    # every group of several rows is split: sums cannot tell weights that differ in
    # their 8th digit from equal ones, and splitting equal weights changes nothing
    cut = table[COMPLETE].to_numpy(dtype=bool) & (weight > 0) & (count >= 2)
    out = table.drop(columns=[c for c in table.columns
                              if str(c).startswith(_PLAIN)])
    if not cut.any():
        return out
    at = np.flatnonzero(cut)
    first = (count[at] + 1) // 2
    second = count[at] - first
    share = first / count[at] - 0.25
    lead = out.index.to_numpy()[at]
    # write rows A in place of the groups, rows B after them (then ordered, stably)
    head = out.copy()
    head.loc[lead, WEIGHT] = share * weight[at]
    head.loc[lead, COUNT] = first
    tail = out.loc[lead].copy()
    tail[WEIGHT] = weight[at] - share * weight[at]
    tail[COUNT] = second
    for name in values:
        s = table[name].to_numpy(dtype=float)[at]
        u = table[_PLAIN + name].to_numpy(dtype=float)[at] / count[at]
        head.loc[lead, name] = u - 4 * (second / count[at]) * (s - u)
        tail[name] = u + 4 * (first / count[at]) * (s - u)
    position = np.concatenate([np.arange(len(out)), at]).astype(float)
    position[len(out):] += 0.5
    joined = pd.concat([head, tail], ignore_index=True)
    return joined.iloc[np.argsort(position, kind="stable")].reset_index(drop=True)


def zero_counts(weight: str) -> dict[str, RowFunction]:
    """The sum of a pass that counts the rows of weight 0 of each group.

    Parameters
    ----------
    weight : str
        The rows' weight column.

    Returns
    -------
    dict
        ``sums`` for :func:`~micropop.partitioned.passes.unit_table`.

    Examples
    --------
    >>> list(zero_counts("w"))
    ['__zeros']
    """
    return {_ZEROS: partial(_zero, weight)}


def refuse_mixed_zeros(table: pd.DataFrame) -> pd.DataFrame:
    """Refuse groups that mix rows of weight 0 with weighted ones (after post-stratification).

    R's post-stratification gives each row of weight 0 ``psw`` 1 in its
    centring: a group of rows summed together loses how many of its rows had
    weight 0. The linear estimators' passes keep those rows apart (the
    :data:`ZERO` key); a pass that cannot (quantiles, inequality measures,
    design effects) is refused where a group mixes them.

    Parameters
    ----------
    table : pandas.DataFrame
        A pass's per-unit table, with the :func:`zero_counts` column or without.

    Returns
    -------
    pandas.DataFrame
        The table without that column.

    Raises
    ------
    InMemoryOnlyError
        A group holds rows of weight 0 and weighted rows.

    Examples
    --------
    >>> import pandas as pd
    >>> refuse_mixed_zeros(pd.DataFrame({"__w": [2.0], "__zeros": [0]})).columns.tolist()
    ['__w']
    """
    if _ZEROS not in table.columns:
        return table
    zeros = table[_ZEROS].to_numpy()
    if bool(np.any((zeros > 0) & (table[WEIGHT].to_numpy() > 0))):
        raise InMemoryOnlyError(
            "rows of weight 0 share a sampled unit and cell with weighted rows: after a "
            "post-stratification, R's variance counts each of them, which this Dask pass "
            "(quantiles, inequality measures or design effects) sums away",
            hint="drop the rows of weight 0 from the Dask frame, or estimate on an in-memory "
                 "design (des.compute(), or a subset of the rows)")
    return table.drop(columns=[_ZEROS])
