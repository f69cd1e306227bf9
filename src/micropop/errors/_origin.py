"""Where the rows of a user's frame came from: the file line (or sheet row) of each
data row as read, and the respondent id column a codebook declares.

:func:`micropop.read_survey` stores a :class:`RowOrigin` in the frame's
``attrs["row_origin"]`` (a small dict of plain values, so that pandas copies it
cheaply with the frame, into a design, a subset or a column, and it can be
saved with the frame); :func:`micropop.errors.data_rows` reads it to name rows
``data row 3 (file line 4; id_repondant R0003)``.

Examples
--------
>>> import numpy as np
>>> origin = RowOrigin.of_lines([2, 3, 5, 6], "file line")
>>> origin.to_attr()["lines"]
'0:2,2:5'
>>> RowOrigin.from_attr(origin.to_attr()).lines_of(np.array([1, 2]))
array([3, 5])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

#: The key of a frame's ``attrs`` holding its :class:`RowOrigin` (as a dict).
ORIGIN_KEY = "row_origin"
#: What a row's place in its file is called, by kind of file.
UNITS = ("file line", "sheet row")


@dataclass(frozen=True)
class RowOrigin:
    """Where each data row of a frame read from a file came from.

    Parameters
    ----------
    rows : int
        The number of data rows read.
    unit : {"file line", "sheet row"} or None
        What a row's place in the file is called; None when the file has no
        lines (Stata, SPSS, Parquet) or they could not be told.
    starts : tuple of (int, int)
        ``(row, line)`` pairs: data row ``row`` (0-based) is on ``line`` and
        the rows after it on the following lines, up to the next pair.
    id : str, optional
        The respondent id column the codebook declares.
    key : str, optional
        A column whose values at a few rows (``marks``) check that a frame
        still holds its rows in the order read: the id column, else the first.
    marks : tuple of (int, str)
        ``(row, text)``: the text of ``key`` at a few data rows as read.

    Examples
    --------
    >>> RowOrigin(rows=3, unit="sheet row", starts=((0, 5),)).lines_of(np.arange(3))
    array([5, 6, 7])
    """

    rows: int
    unit: str | None = None
    starts: tuple[tuple[int, int], ...] = ()
    id: str | None = None
    key: str | None = None
    marks: tuple[tuple[int, str], ...] = ()

    @classmethod
    def of_lines(cls, lines: Sequence[int] | np.ndarray | None, unit: str | None,
                 rows: int | None = None) -> RowOrigin:
        """The origin of rows read from the given lines (None: lines unknown).

        Parameters
        ----------
        lines : sequence of int or None
            The line (or sheet row) of each data row, in order.
        unit : {"file line", "sheet row"} or None
            What a line is called.
        rows : int, optional
            The number of rows, when ``lines`` is None.

        Returns
        -------
        RowOrigin

        Examples
        --------
        >>> RowOrigin.of_lines([4, 5, 6], "file line").starts
        ((0, 4),)
        >>> RowOrigin.of_lines(None, None, rows=2).rows
        2
        """
        if lines is None or unit is None:
            return cls(rows=int(rows or 0))
        at = np.asarray(lines, dtype=np.int64)
        if at.size == 0:
            return cls(rows=0, unit=unit)
        jumps = np.flatnonzero(np.diff(at) != 1) + 1
        firsts = np.concatenate([[0], jumps])
        return cls(rows=int(at.size), unit=unit,
                   starts=tuple((int(r), int(at[r])) for r in firsts))

    def with_id(self, column: str | None) -> RowOrigin:
        """This origin with the respondent id column ``column``.

        Parameters
        ----------
        column : str or None
            The id column the codebook declares.

        Returns
        -------
        RowOrigin

        Examples
        --------
        >>> RowOrigin(rows=2).with_id("ident").id
        'ident'
        """
        return replace(self, id=column)

    def marked(self, frame: pd.DataFrame) -> RowOrigin:
        """This origin with marks of its rows in ``frame``, the frame as read.

        Parameters
        ----------
        frame : pandas.DataFrame
            The frame read, every row in file order.

        Returns
        -------
        RowOrigin

        Examples
        --------
        >>> df = pd.DataFrame({"n": ["a", "b", "c"]})
        >>> RowOrigin(rows=3).marked(df).marks
        ((0, 'a'), (1, 'b'), (2, 'c'))
        """
        key = self.id if self.id in frame.columns else (
            frame.columns[0] if len(frame.columns) else None)
        if key is None or len(frame) != self.rows or not isinstance(key, str):
            return self
        column = frame[key]
        if isinstance(column, pd.DataFrame):  # a name given twice: nothing to check with
            return self
        at = sorted({int(p) for p in np.linspace(0, self.rows - 1, min(self.rows, 9))})
        return replace(self, key=key, marks=tuple((p, _text(column.iloc[p])) for p in at))

    def follows(self, frame: pd.DataFrame | pd.Series, read_at: np.ndarray) -> bool:
        """Whether the rows of ``frame`` are those read at ``read_at``, as far as the marks tell.

        Parameters
        ----------
        frame : pandas.DataFrame or Series
            The frame (or its key column) whose rows are named.
        read_at : numpy.ndarray
            The 0-based position in the file as read of each row of ``frame``, as
            :meth:`positions` gives them.

        Returns
        -------
        bool
            False when a marked row holds another value (e.g. after a sort);
            True when it cannot be told (no key column).

        Examples
        --------
        >>> df = pd.DataFrame({"n": ["a", "b", "c"]})
        >>> origin = RowOrigin(rows=3).marked(df)
        >>> origin.follows(df, np.arange(3)), origin.follows(df.iloc[::-1], np.arange(3))
        (True, False)
        """
        if self.key is None:
            return True
        if isinstance(frame, pd.DataFrame):
            if self.key not in frame.columns or isinstance(frame[self.key], pd.DataFrame):
                return True
            column = frame[self.key]
        elif frame.name == self.key:
            column = frame
        else:
            return True
        for p, text in self.marks:
            where = np.flatnonzero(read_at == p)
            if where.size and _text(column.iloc[where[0]]) != text:
                return False
        return True

    def lines_of(self, positions: np.ndarray) -> np.ndarray | None:
        """The line of each data row at ``positions`` (0-based), or None without lines.

        Parameters
        ----------
        positions : numpy.ndarray
            Places of data rows in the file (0-based).

        Returns
        -------
        numpy.ndarray or None

        Examples
        --------
        >>> RowOrigin.of_lines([2, 3, 9], "file line").lines_of(np.array([0, 2]))
        array([2, 9])
        """
        if self.unit is None or not self.starts:
            return None
        rows = np.array([r for r, _ in self.starts], dtype=np.int64)
        lines = np.array([line for _, line in self.starts], dtype=np.int64)
        pos = np.asarray(positions, dtype=np.int64)
        k = np.searchsorted(rows, pos, side="right") - 1
        return lines[k] + pos - rows[k]

    def positions(self, index: pd.Index) -> np.ndarray | None:
        """Where the rows labelled ``index`` were read (0-based), or None when unknown.

        The rows of the frame as read (index ``0 .. rows - 1``), or some of them
        keeping their labels and order (a subset); a frame re-numbered from 0
        with fewer or more rows (``reset_index`` after a subset), a named index
        (``set_index``) or labels out of order cannot be followed.

        Parameters
        ----------
        index : pandas.Index
            The index of the frame whose rows are named.

        Returns
        -------
        numpy.ndarray or None

        Examples
        --------
        >>> origin = RowOrigin(rows=5)
        >>> origin.positions(pd.Index([1, 4])).tolist()
        [1, 4]
        >>> origin.positions(pd.Index([4, 1])) is None
        True
        >>> origin.positions(pd.RangeIndex(3)) is None
        True
        """
        if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
            return np.arange(len(index)) if len(index) == self.rows else None
        if (not pd.api.types.is_integer_dtype(index.dtype) or index.name is not None
                or not index.is_monotonic_increasing or not index.is_unique):
            return None
        labels = index.to_numpy(dtype=np.int64)
        if labels.size and (labels.min() < 0 or labels.max() >= self.rows):
            return None
        return labels

    def to_attr(self) -> dict[str, Any]:
        """The origin as plain values, for ``attrs`` (see :func:`from_attr`).

        Returns
        -------
        dict

        Examples
        --------
        >>> RowOrigin.of_lines([7], "sheet row").to_attr()["lines"]
        '0:7'
        """
        return {"rows": self.rows, "unit": self.unit,
                "lines": ",".join(f"{r}:{line}" for r, line in self.starts), "id": self.id,
                "key": self.key, "marks": [[p, text] for p, text in self.marks]}

    @classmethod
    def from_attr(cls, value: object) -> RowOrigin | None:
        """The origin stored by :meth:`to_attr`; None for anything else.

        Parameters
        ----------
        value : object
            What ``attrs["row_origin"]`` holds.

        Returns
        -------
        RowOrigin or None

        Examples
        --------
        >>> RowOrigin.from_attr({"rows": 2, "unit": "file line", "lines": "0:3"}).starts
        ((0, 3),)
        >>> RowOrigin.from_attr("anything") is None
        True
        """
        if not isinstance(value, Mapping):
            return None
        try:
            unit = value.get("unit")
            ident = value.get("id")
            starts = tuple((int(r), int(line)) for r, line in (
                pair.split(":") for pair in str(value.get("lines") or "").split(",") if pair))
            key = value.get("key")
            marks = tuple((int(p), str(text)) for p, text in value.get("marks") or ())
            origin = cls(rows=int(value["rows"]), unit=unit if unit in UNITS else None,
                         starts=starts, id=ident if isinstance(ident, str) else None,
                         key=key if isinstance(key, str) else None, marks=marks)
        except (KeyError, TypeError, ValueError):
            return None
        return origin

    def stamp(self, frame: pd.DataFrame | pd.Series) -> None:
        """Store this origin in ``frame.attrs`` (in place).

        Parameters
        ----------
        frame : pandas.DataFrame or Series
            The frame read (or one of its columns).

        Examples
        --------
        >>> df = pd.DataFrame({"a": [1, 2]})
        >>> RowOrigin(rows=2).stamp(df)
        >>> row_origin(df) == RowOrigin(rows=2)
        True
        """
        frame.attrs[ORIGIN_KEY] = self.to_attr()


def _text(value: Any) -> str:
    """A cell as the text a mark compares."""
    return "" if value is None or (not isinstance(value, str) and bool(pd.isna(value))) else str(
        value)


def row_origin(obj: object) -> RowOrigin | None:
    """The :class:`RowOrigin` a frame or column carries in its ``attrs``, if any.

    Parameters
    ----------
    obj : DataFrame, Series or anything
        What may carry it.

    Returns
    -------
    RowOrigin or None

    Examples
    --------
    >>> row_origin(pd.DataFrame({"a": [1]})) is None
    True
    """
    attrs = getattr(obj, "attrs", None)
    return RowOrigin.from_attr(attrs.get(ORIGIN_KEY)) if isinstance(attrs, Mapping) else None
