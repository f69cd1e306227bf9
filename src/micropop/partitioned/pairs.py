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

from micropop.partitioned.passes import COMPLETE, COUNT, WEIGHT, RowFunction

__all__ = ["ZERO", "pair_sums", "split"]

#: The key of rows of weight 0 (their own groups in paired passes).
ZERO = "__zero"
_PLAIN = "__plain:"


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
