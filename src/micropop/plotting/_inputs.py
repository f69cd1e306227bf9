"""The checks of the numbers a figure is given: finite, present, in the expected shape.

A figure draws the numbers of a result; these checks refuse, naming the
column and rows, what it could not draw faithfully (NaN, an infinity, a
missing column), instead of a point silently left out.

Examples
--------
>>> import pandas as pd
>>> drawable(pd.DataFrame({"estimate": [1.0, 2.0]}), ["estimate"], "the table", "fix it")
   estimate
0       1.0
1       2.0
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from micropop.errors import FigureInputError, describe_rows, not_found

__all__ = ["row_name", "drawable", "interval_table", "level_values", "one_curve"]


def row_name(key: object) -> str:
    """A row label as errors quote it (the parts of a tuple joined by " / ")."""
    return repr(" / ".join(map(str, key)) if isinstance(key, tuple) else str(key))



def drawable(table: pd.DataFrame, columns: Sequence[str], what: str, hint: str,
             open_above: Sequence[str] = ()) -> pd.DataFrame:
    """``table`` if it has rows and every value of ``columns`` is a finite number.

    The one check of the numbers a figure draws: a missing column, no rows,
    text, NaN or an infinity raise :class:`FigureInputError` naming the column
    and the rows (by label), instead of a point silently left out. Columns
    in ``open_above`` may hold ``+inf`` (an interval open upwards, drawn as an
    arrow).
    """
    missing = [c for c in columns if c not in table.columns]
    if missing:
        message, listing = not_found(missing, table.columns, what)
        raise FigureInputError(message, hint=f"{hint} ({listing})")
    if table.empty:
        raise FigureInputError(f"{what} has no rows", hint=hint)
    for column in columns:
        values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float,
                                                                         na_value=np.nan)
        bad = ~np.isfinite(values)
        if column in open_above:
            bad &= values != np.inf
        if bad.any():
            rows = describe_rows([row_name(k) for k in table.index[bad]],
                                 table[column][bad].tolist())
            raise FigureInputError(f"{what}: {column} is not a finite number in {rows}",
                                   hint="a figure draws finite numbers only: leave those rows "
                                        "out or fix them (" + hint + ")")
    return table


def interval_table(estimate: object, what: str, hint: str,
                   rows: Callable[[pd.DataFrame], pd.DataFrame] | None = None) -> pd.DataFrame:
    """``estimate``, ``ci_low``, ``ci_high`` of an Estimate (or a table that has them).

    Only the rows ``rows(table)`` picks (all by default) are drawn, so only
    they are checked to be finite.
    """
    table = estimate if isinstance(estimate, pd.DataFrame) else getattr(
        estimate, "to_frame", lambda: None)()
    if not isinstance(table, pd.DataFrame):
        raise FigureInputError(f"{what} must be an Estimate or a table, not "
                               f"{type(estimate).__name__}", hint=hint)
    if rows is not None:
        table = rows(drawable(table, [], what, hint))
    return drawable(table, ["estimate", "ci_low", "ci_high"], what, hint)


def level_values(table: pd.DataFrame, what: str, hint: str) -> list[float]:
    """The probabilities (or shares) in the ``level`` of an Estimate's index, as floats."""
    names = list(table.index.names)
    if "level" not in names:
        raise FigureInputError(f"{what} has no 'level' in its index (the probabilities)",
                               hint=hint)
    try:
        levels = [float(v) for v in table.index.get_level_values("level")]
    except (TypeError, ValueError):
        levels = [np.nan]
    if not all(0 <= v <= 1 for v in levels):
        raise FigureInputError(f"{what} has levels that are not probabilities", hint=hint)
    return levels


def one_curve(table: pd.DataFrame, function: str) -> pd.DataFrame:
    """``table`` if it has no domains (one curve, one row per probability)."""
    if "domain" in table.index.names:
        raise FigureInputError(f"{function} draws one curve, the estimate has domains",
                               hint="estimate it without by=, or draw one figure per domain "
                                    "with design.subset(...)")
    return table
