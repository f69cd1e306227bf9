"""What the readers pass on: a file as read (:class:`Raw`), what a user codebook tells
them (:class:`Declared`), a table as cells before names and types (:class:`Cells`),
and the wording shared by their messages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from micropop.codebook import Codebook
from micropop.codebook._cells import code_key
from micropop.codebook._variable import NUMERIC_TYPES, level_pairs
from micropop.errors import (
    RowOrigin,
    UnreadableFileError,
    describe_rows,
)

#: Rows looked at below a title for the row of column names.
TITLE_ROWS = 20


@dataclass(frozen=True)
class Raw:
    """A file as read, before any codebook: the data, the file's own codebook
    (Stata/SPSS labels), the decimal mark of numbers held as text and the
    sentences saying what was guessed to read it."""

    data: pd.DataFrame
    codebook: Codebook | None = None
    decimal: str = "."
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Declared:
    """What a user codebook tells the readers: the columns to keep as text, those
    that hold numbers, and per column the texts that are levels or missing codes
    (kept, not read as missing, when they look like ``NA``)."""

    names: frozenset[str] = frozenset()
    numeric: frozenset[str] = frozenset()
    texts: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, codebook: Codebook | None) -> Declared:
        if codebook is None:
            return cls()
        texts = {}
        for name, var in codebook.variables.items():
            pairs = level_pairs(var.levels) if var.levels is not None else []
            items = [*(c for c, _ in pairs), *(lab for _, lab in pairs), *(var.missing or ())]
            texts[name] = frozenset(k for k in map(code_key, items) if k is not None)
        return cls(frozenset(codebook.variables),
                   frozenset(n for n, v in codebook.variables.items() if v.type in NUMERIC_TYPES),
                   texts)


@dataclass
class Cells:
    """A table as cells, before names and types: the header cells, one object
    Series per column, where the header is (for messages) and how to name a
    column position ("column 3", "column C")."""

    header: list[Any]
    columns: list[pd.Series]
    where: str
    position: Callable[[int], str]
    notes: list[str] = field(default_factory=list)
    #: Says which rows to skip when the header looks like a title (computed on demand).
    title_hint: Callable[[], str | None] = lambda: None
    #: Every cell is text (a text file), so the checks for numbers, dates and
    #: booleans held as such (a spreadsheet) can be skipped.
    text_only: bool = True
    #: The header row could be a row of data (text, spreadsheet), not names a
    #: binary format stores as such.
    header_may_be_data: bool = True
    #: The file line (or sheet row, see ``unit``) of each data row; None when unknown.
    lines: np.ndarray | None = None
    #: What ``lines`` counts: "file line" or "sheet row".
    unit: str | None = None

    def __post_init__(self) -> None:
        """Every column knows where its rows were read (:class:`RowOrigin` in its attrs),
        so that the errors raised while typing the cells name their lines."""
        origin = self.origin()
        for column in self.columns:
            origin.stamp(column)

    def origin(self) -> RowOrigin:
        """Where the data rows were read."""
        rows = len(self.columns[0]) if self.columns else 0
        lines = self.lines if self.lines is not None and len(self.lines) == rows else None
        return RowOrigin.of_lines(lines, self.unit, rows=rows)


def unreadable(path: Path, what: str, err: Exception) -> UnreadableFileError:
    return UnreadableFileError(f"{str(path)!r} could not be read as {what}: {err}",
                               hint=f"check that the file is a complete {what} file, "
                                    "not renamed or truncated; re-export it if needed")


def on_lines(lines: Iterable[int]) -> str:
    """``"file lines 3, 7 and 2 more"``."""
    return "file line" + describe_rows(list(lines))[3:]
