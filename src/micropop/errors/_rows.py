"""How error messages name the offending rows of a user's data: 1-based data rows,
with their ids, the file lines they were read from (:mod:`micropop.errors._origin`)
and their values, summarised after :data:`MAX_ROWS_SHOWN`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from micropop.errors._origin import RowOrigin, row_origin

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


def data_rows(rows: pd.Index | pd.Series | pd.DataFrame, mask: Any,
              values: Iterable[Any] | None = None, *, ids: pd.Series | None = None) -> str:
    """The rows of a user's frame flagged in ``mask``, for an error message.

    The one way micropop names rows of a DataFrame: 1-based data rows (the
    first row under the header is data row 1, whatever the index), followed
    by each row's id when the frame carries an index of its own (not the
    default ``0, 1, 2, ...``); then, for a frame read by
    :func:`micropop.read_survey` (see :class:`RowOrigin`), the file line or
    sheet row of each, and its respondent id when the codebook declares an id
    column. Rows of such a frame that kept their labels (a subset
    ``df[df.age >= 18]``) are named by their data row in the file. Use
    :func:`describe_rows` only for lists that are not rows of a frame.

    Parameters
    ----------
    rows : pandas.DataFrame, Series or Index
        The frame (or column, or index) whose rows are named. A frame or
        column brings its :class:`RowOrigin`; a frame also its id column.
    mask : array-like of bool
        One flag per row of ``rows``.
    values : iterable, optional
        The offending values of the flagged rows, in order.
    ids : pandas.Series, optional
        The respondent ids of ``rows``, by position, when ``rows`` is a column
        that does not hold them (the codebook's checks pass them).

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
    >>> df = pd.DataFrame({"ident": ["R01", "R02", "R03"], "age": [30, -1, 40]})
    >>> RowOrigin.of_lines([2, 3, 4], "file line").with_id("ident").stamp(df)
    >>> data_rows(df, df["age"] < 0, [-1])
    'data row 2 (file line 3; ident R02; value: -1)'
    """
    index = rows if isinstance(rows, pd.Index) else rows.index
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    shown = positions[:MAX_ROWS_SHOWN]
    plain = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
    origin = row_origin(rows)
    read_at = None if origin is None else origin.positions(index)
    if read_at is not None and origin is not None and not isinstance(rows, pd.Index) \
            and not origin.follows(rows, read_at):
        read_at = None  # re-ordered since read: no line rather than a wrong one
    if read_at is not None:  # rows of a file (some of them): named as the file's data rows
        numbers = [f"{p + 1}" for p in read_at[shown]]
    else:
        numbers = [f"{p + 1}" if plain else f"{p + 1} (id {index[p]})" for p in shown]
    word = "data row" if len(positions) == 1 else "data rows"
    details = [] if origin is None else _where_read(origin, rows, read_at, shown, ids)
    if values is not None:
        vals = [str(v) for v, _ in zip(values, shown, strict=False)]
        details.append(("value: " if len(vals) == 1 else "values: ") + ", ".join(vals))
    text = f"{word} " + ", ".join(numbers) + (f" ({'; '.join(details)})" if details else "")
    if len(positions) > MAX_ROWS_SHOWN:
        text += f" and {len(positions) - MAX_ROWS_SHOWN} more"
    return text


def _where_read(origin: RowOrigin, rows: object, read_at: np.ndarray | None, shown: np.ndarray,
                ids: pd.Series | None) -> list[str]:
    """``["file lines 4, 18", "ident R03, R17"]`` for the rows at positions ``shown``
    (``read_at``: where each row of ``rows`` was read, if known)."""
    if shown.size == 0:
        return []
    details = []
    lines = None if read_at is None else origin.lines_of(read_at[shown])
    if lines is not None and origin.unit is not None:
        details.append(f"{origin.unit}{'s' if len(shown) > 1 else ''} "
                       + ", ".join(map(str, lines.tolist())))
    if origin.id is not None and not (isinstance(rows, pd.Series) and rows.name == origin.id):
        if isinstance(rows, pd.DataFrame) and origin.id in rows.columns:
            ids = rows[origin.id]
        if ids is not None and len(ids) == len(rows):  # type: ignore[arg-type]
            details.append(f"{origin.id} " + ", ".join(map(_id_text, ids.iloc[shown])))
    return details


def _id_text(value: Any) -> str:
    """An id as text, quoted when it holds a line break or other unprintable character."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return "(none)"
    text = str(value)
    return text if text.isprintable() else repr(text)
