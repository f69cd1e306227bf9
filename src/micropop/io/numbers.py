"""Numbers written for people: thousands separators, a decimal comma or point.

Counts typed in a spreadsheet come as ``150 000`` (a space, a no-break space
U+00A0 or the narrow no-break space U+202F that French typography and Excel
use), ``150.000`` or ``150,000`` (a mark between thousands), ``12,5`` or
``12.5`` (a decimal mark). :func:`parse_numbers` reads such cells when what
they mean is certain, and says which it cannot read:

- groups of three digits separated by spaces are thousands; a ``,`` or ``.``
  after them is the decimal mark (``150 000,5``);
- a number with both marks uses the last as the decimal mark and the other
  between thousands (``1.500.000,5``, ``1,500,000.5``);
- a single mark followed by exactly three digits (``150.000``, ``1,500``) may be
  either: it is read with the decimal mark given (or seen unambiguously in
  another cell of the same column), and left unread (``ambiguous``) otherwise.

Examples
--------
>>> values, ambiguous = parse_numbers(["150 000", "150\\u202f000", "12,5", "1.500"])
>>> values.tolist(), ambiguous.tolist()
([150000.0, 150000.0, 12.5, 1500.0], [False, False, False, False])
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from micropop.errors import check_option

__all__ = ["SPACES", "parse_numbers"]

#: The spaces that separate groups of thousands: space, no-break space, narrow no-break space.
SPACES = " \u00a0\u202f"

_PLAIN = re.compile(r"[+-]?\d+")
_SPACED = re.compile(rf"([+-]?\d{{1,3}}(?:[{SPACES}]\d{{3}})+)(?:([.,])(\d+))?")
_ONE_MARK = re.compile(r"([+-]?\d+)([.,])(\d+)")
_GROUPED = {mark: re.compile(rf"([+-]?\d{{1,3}}(?:{re.escape(mark)}\d{{3}})+)"
                             rf"(?:({re.escape(other)})(\d+))?")
            for mark, other in ((".", ","), (",", "."))}


def _read(text: str, decimal: str | None) -> tuple[float | None, str | None]:
    """(value, None) when ``text`` is a number for certain; (None, mark) when it has one
    mark that could be either; (None, None) when it is not a number."""
    text = text.strip()
    if _PLAIN.fullmatch(text):
        return float(text), None
    spaced = _SPACED.fullmatch(text)
    if spaced:
        whole = re.sub(f"[{SPACES}]", "", spaced.group(1))
        return float(whole + ("." + spaced.group(3) if spaced.group(2) else "")), None
    one = _ONE_MARK.fullmatch(text)
    if one:
        whole, mark, fraction = one.groups()
        digits = whole.lstrip("+-")
        if len(fraction) != 3 or len(digits) > 3 or digits.startswith("0"):
            return (float(f"{whole}.{fraction}"), None) if decimal in (None, mark) else (
                None, None)
        if decimal is None:
            return None, mark
        return float(f"{whole}.{fraction}" if decimal == mark else whole + fraction), None
    for mark, pattern in _GROUPED.items():
        grouped = pattern.fullmatch(text)
        if grouped and decimal != mark:
            whole = grouped.group(1).replace(mark, "")
            return float(whole + ("." + grouped.group(3) if grouped.group(2) else "")), None
    return None, None


def parse_numbers(cells: Sequence[object], decimal: str | None = None
                  ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """The number each cell stands for, reading thousands separators and decimal marks.

    Parameters
    ----------
    cells : sequence
        Text cells (numbers are taken as they are; missing cells give NaN).
    decimal : {None, ".", ","}
        The decimal mark when known. By default, the one that the cells of
        certain meaning use (``12,5``), when they use only one.

    Returns
    -------
    values : numpy.ndarray of float
        NaN where a cell is missing, not a number, or ambiguous.
    ambiguous : numpy.ndarray of bool
        The cells such as ``150.000`` that may be a decimal or thousands, with no
        decimal mark known to tell.

    Examples
    --------
    >>> values, ambiguous = parse_numbers(["150.000", "2 500,75"])
    >>> values.tolist(), ambiguous.tolist()  # the comma of 2 500,75 is the decimal mark
    ([150000.0, 2500.75], [False, False])
    >>> values, ambiguous = parse_numbers(["150.000", "12"])
    >>> ambiguous.tolist()
    [True, False]
    >>> parse_numbers(["1,500"], decimal=",")[0].tolist(), parse_numbers(["x"])[0].tolist()
    ([1.5], [nan])
    """
    if decimal is not None:
        check_option("decimal", decimal, [".", ","])
    texts: list[str | None] = []
    values = np.full(len(cells), np.nan)
    for i, cell in enumerate(cells):
        if isinstance(cell, (int, float, np.number)) and not isinstance(cell, (bool, np.bool_)):
            values[i] = float(cell)
            texts.append(None)
        else:
            texts.append(cell if isinstance(cell, str) else None)
    if decimal is None:  # the decimal mark of the cells that say it for certain
        seen = {mark for text in texts if text is not None
                for mark in _decimal_marks(text)}
        decimal = seen.pop() if len(seen) == 1 else None
    ambiguous = np.zeros(len(cells), dtype=bool)
    for i, text in enumerate(texts):
        if text is not None:
            value, mark = _read(text, decimal)
            values[i] = np.nan if value is None else value
            ambiguous[i] = mark is not None
    return values, ambiguous


def _decimal_marks(text: str) -> list[str]:
    """The decimal mark ``text`` uses for certain (none when it has none or may not)."""
    text = text.strip()
    spaced = _SPACED.fullmatch(text)
    if spaced:
        return [spaced.group(2)] if spaced.group(2) else []
    one = _ONE_MARK.fullmatch(text)
    if one:
        whole, mark, fraction = one.groups()
        digits = whole.lstrip("+-")
        return [mark] if len(fraction) != 3 or len(digits) > 3 or digits.startswith(
            "0") else []
    for pattern in _GROUPED.values():
        grouped = pattern.fullmatch(text)
        if grouped and grouped.group(2):
            return [grouped.group(2)]
    return []
