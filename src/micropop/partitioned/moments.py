"""Linear calibration to numeric totals on Dask: per-unit first and second moments, not cells.

Calibrating to the total of a numeric column (hours, income) with R's linear
``calibrate`` gives each row the weight ``d (1 + x' lambda)``: the fit reads
``X'DX`` and ``X'D``, an estimate ``sum d y + lambda' sum d x y``, and the
calibrated variance (GREG residuals summed per sampled unit) the same sums per
unit. So a pass needs, per sampled unit and cell, the weighted sums of the
values and the weighted sums of their squares and cross-products, not one
group per distinct value of the column (which would make the table as long as
the file).

A pass keeps those sums (``sum w a b`` for every pair of the analysis values and
the calibration columns), then each group is written as ``2 r`` rows at its
weighted mean plus and minus the axes of its weighted covariance
(:func:`~micropop.partitioned.spread.spread`): rows with the group's weight,
weighted sums and weighted cross-products, on which the in-memory ``calibrate``
and every linear estimator give the rows' numbers. Rows of weight 0 form their
own groups; a group of rows missing an analysis value keeps the moments of the
calibration columns only. Only when no post-stratification, calibration or raking
comes before the calibration (and none rakes after it): R's calibrated variance
divides the residuals of an earlier weighting by each row's g-weight, a function of
the row's own values that moments do not keep (the design then makes the column a cell).

Examples
--------
>>> import pandas as pd
>>> derived, sums = moment_sums("w", ["y"], ["hours"])
>>> sorted(sums)
['__bad:hours', '__mom:0:0', '__mom:0:1', '__mom:1:1', '__plain:hours', '__wsum:hours']
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np
import pandas as pd

from micropop.partitioned.pairs import ZERO, pair_sums
from micropop.partitioned.passes import COMPLETE, COUNT, WEIGHT, RowFunction
from micropop.partitioned.spread import spread

__all__ = ["bad_moments", "moment_sums", "spread_moments"]

_PRODUCT = "__mom:"
_WEIGHTED = "__wsum:"
_PLAIN = "__plain:"
_BAD = "__bad:"


def _values(name: str, part: pd.DataFrame) -> np.ndarray:
    values: np.ndarray = part[name].to_numpy(dtype=float, na_value=np.nan)
    return values


def _weighted(weight: str, name: str, part: pd.DataFrame) -> np.ndarray:
    w = part[weight].to_numpy(dtype=float)
    out: np.ndarray = np.nan_to_num(w * _values(name, part), nan=0.0)
    return out


def _product(weight: str, a: str, b: str, part: pd.DataFrame) -> np.ndarray:
    w = part[weight].to_numpy(dtype=float)
    out: np.ndarray = np.nan_to_num(w * _values(a, part) * _values(b, part), nan=0.0,
                                    posinf=0.0, neginf=0.0)
    return out


def _bad(name: str, part: pd.DataFrame) -> np.ndarray:
    bad: np.ndarray = ~np.isfinite(_values(name, part))
    return bad


def bad_moments(table: pd.DataFrame, moments: Sequence[str]) -> bool:
    """Whether rows of a moment pass miss a calibration value (or hold an infinite one).

    Parameters
    ----------
    table : pandas.DataFrame
        The per-unit table of a pass made with :func:`moment_sums`.
    moments : sequence of str
        The numeric calibration columns.

    Returns
    -------
    bool
        True when a counting pass must name the rows (the calibration refuses them).

    Examples
    --------
    >>> import pandas as pd
    >>> bad_moments(pd.DataFrame({"__bad:hours": [0, 1]}), ["hours"])
    True
    """
    return any(bool(table[_BAD + m].to_numpy().any()) for m in moments)


def _columns(values: Sequence[str], moments: Sequence[str]) -> list[str]:
    return list(dict.fromkeys([*values, *moments]))


def moment_sums(weight: str, values: Sequence[str], moments: Sequence[str]
                ) -> tuple[dict[str, RowFunction], dict[str, RowFunction]]:
    """What a moment pass adds: the zero-weight key and the sums of products.

    Parameters
    ----------
    weight : str
        The rows' weight column.
    values : sequence of str
        The analysis columns kept as weighted means.
    moments : sequence of str
        The numeric calibration columns.

    Returns
    -------
    tuple of (dict, dict)
        ``derived`` (the zero-weight key) and ``sums`` for
        :func:`~micropop.partitioned.passes.unit_table`: the weighted and plain
        sums of each calibration column, and ``sum w a b`` of every pair.

    Examples
    --------
    >>> derived, sums = moment_sums("w", [], ["hours", "age"])
    >>> list(derived), len(sums)
    (['__zero'], 9)
    """
    derived, plain = pair_sums(weight, moments)
    sums: dict[str, RowFunction] = dict(plain)
    sums.update({_WEIGHTED + m: partial(_weighted, weight, m) for m in moments})
    sums.update({_BAD + m: partial(_bad, m) for m in moments})
    columns = _columns(values, moments)
    sums.update({f"{_PRODUCT}{i}:{j}": partial(_product, weight, columns[i], columns[j])
                 for i in range(len(columns)) for j in range(i, len(columns))})
    return derived, sums


def spread_moments(table: pd.DataFrame, values: Sequence[str], moments: Sequence[str]
                   ) -> pd.DataFrame:
    """A moment pass's table with each group as rows of its weighted moments.

    Parameters
    ----------
    table : pandas.DataFrame
        The per-unit table of a pass made with :func:`moment_sums`.
    values : sequence of str
        Its analysis columns (weighted means, NaN in groups of incomplete rows).
    moments : sequence of str
        The numeric calibration columns.

    Returns
    -------
    pandas.DataFrame
        The calibration columns set to each group's weighted mean (the plain
        mean for rows of weight 0), each group spread on the axes of its
        weighted covariance, the helper columns and the zero-weight key dropped.

    Examples
    --------
    Two rows (w=1, hours=1) and (w=3, hours=3) in one group: written as two rows
    of weight 2 with the same weighted sum (10) and sum of squares (28).

    >>> import pandas as pd
    >>> derived, sums = moment_sums("w", [], ["hours"])
    >>> table = pd.DataFrame({"__zero": [False], "__complete": [True], "__w": [4.0],
    ...                       "__n": [2], "__plain:hours": [4.0], "__wsum:hours": [10.0],
    ...                       "__mom:0:0": [28.0]})
    >>> rows = spread_moments(table, [], ["hours"])
    >>> w, x = rows["__w"], rows["hours"]
    >>> round(float((w * x).sum()), 12), round(float((w * x**2).sum()), 12), len(rows)
    (10.0, 28.0, 2)
    """
    columns = _columns(values, moments)
    out = table.copy()
    weight = table[WEIGHT].to_numpy(dtype=float)
    count = table[COUNT].to_numpy(dtype=float)
    held = weight > 0
    for m in moments:  # every row has them (a calibration refuses missing ones)
        with np.errstate(invalid="ignore", divide="ignore"):
            weighted = table[_WEIGHTED + m].to_numpy() / weight
            plain = table[_PLAIN + m].to_numpy() / np.maximum(count, 1)
        out[m] = np.where(held, weighted, plain)
    means = out[columns].to_numpy(dtype=float)
    complete = table[COMPLETE].to_numpy(dtype=bool)
    usable = np.array([c in moments for c in columns])[None, :] | complete[:, None]
    squares = np.zeros((len(table), len(columns), len(columns)))
    for i in range(len(columns)):
        for j in range(i, len(columns)):
            raw = table[f"{_PRODUCT}{i}:{j}"].to_numpy(dtype=float)
            with np.errstate(invalid="ignore"):
                within = np.where(held & usable[:, i] & usable[:, j],
                                  raw - weight * means[:, i] * means[:, j], 0.0)
            if i == j:  # what is left of the raw sum by rounding is no spread
                within = np.where(within > 64 * np.finfo(float).eps * np.abs(raw), within, 0.0)
            squares[:, i, j] = squares[:, j, i] = within
    out = out.drop(columns=[c for c in out.columns
                            if str(c).startswith((_PRODUCT, _WEIGHTED, _PLAIN, _BAD)) or c == ZERO])
    return spread(out, columns, squares)
