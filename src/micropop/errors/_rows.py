"""How error messages name the offending rows of a user's data: 1-based data rows,
with their ids and values, summarised after :data:`MAX_ROWS_SHOWN`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

#: How many offending rows an error message lists before summarising.
MAX_ROWS_SHOWN = 5


def describe_rows(rows: Sequence[Any], values: Iterable[Any] | None = None,
                  limit: int = MAX_ROWS_SHOWN) -> str:
    """Describe offending rows (and their values) for an error message.

    Parameters
    ----------
    rows : sequence
        Row labels or numbers, in order.
    values : iterable, optional
        The offending value of each row, in the same order.
    limit : int, default 5
        How many rows to show before summarising the rest.

    Returns
    -------
    str
        For example ``"rows 3, 7 (values: -1, 99) and 12 more"``.

    Examples
    --------
    >>> describe_rows([1, 2, 3, 4, 5, 6, 7], limit=2)
    'rows 1, 2 and 5 more'
    >>> describe_rows([4], ["abc"])
    'row 4 (value: abc)'
    """
    rows = list(rows)
    shown = rows[:limit]
    word = "row" if len(rows) == 1 else "rows"
    text = f"{word} " + ", ".join(str(r) for r in shown)
    if values is not None:
        vals = [str(v) for v, _ in zip(values, shown, strict=False)]
        vword = "value" if len(vals) == 1 else "values"
        text += f" ({vword}: " + ", ".join(vals) + ")"
    if len(rows) > limit:
        text += f" and {len(rows) - limit} more"
    return text


def data_rows(index: pd.Index, mask: Any, values: Iterable[Any] | None = None) -> str:
    """The rows of a user's frame flagged in ``mask``, for an error message.

    The one way micropop names rows of a DataFrame: 1-based data rows (the
    first row under the header is data row 1, whatever the index), followed
    by each row's id when the frame carries an index of its own (not the
    default ``0, 1, 2, ...``). Use :func:`describe_rows` only for lists that
    are not rows of a frame.

    Parameters
    ----------
    index : pandas.Index
        The index of the frame (or Series) whose rows are named.
    mask : array-like of bool
        One flag per row of ``index``.
    values : iterable, optional
        The offending values of the flagged rows, in order.

    Returns
    -------
    str
        The rows (at most :data:`MAX_ROWS_SHOWN` of them, then a count), e.g.
        ``"data rows 2, 4"``.

    Examples
    --------
    >>> data_rows(pd.RangeIndex(5), np.array([False, True, False, True, False]), [7, 9])
    'data rows 2, 4 (values: 7, 9)'
    >>> data_rows(pd.Index(["a", "b"]), np.array([False, True]))
    'data row 2 (id b)'
    """
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    plain = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
    rows: list[Any] = list(positions + 1)
    if not plain:
        rows[:MAX_ROWS_SHOWN] = [f"{p + 1} (id {index[p]})" for p in positions[:MAX_ROWS_SHOWN]]
    return "data " + describe_rows(rows, None if values is None else list(values))
