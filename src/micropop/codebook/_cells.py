"""Cell-level helpers of the codebook: codes matched on their text, masks, the
rows that break a rule, numbers parsed from text, and the fragments of messages
(listings, suggestions) every codebook and reader error is made of.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.api.types import (
    is_bool_dtype,
    is_numeric_dtype,
    is_string_dtype,
)

from micropop.errors import (
    MAX_ROWS_SHOWN,
    CodebookError,
    NonNumericError,
    OutOfRangeError,
    data_rows,
)


def code_key(value: Any) -> str | None:
    """Canonical text of one value: ``11``, ``11.0`` and ``" 11"`` all give ``"11"``."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    text = str(value).strip()
    return text or None


def code_keys(values: pd.Series) -> pd.Series:
    """:func:`code_key` of every value: vectorised for text, else once per distinct value."""
    if is_string_dtype(values) and not isinstance(values.dtype, pd.CategoricalDtype):
        return stripped_text(values)
    codes, uniques = pd.factorize(values)
    texts = np.array([code_key(u) for u in uniques] + [None], dtype=object)
    return pd.Series(texts[codes], index=values.index, dtype=object)


def isin_codes(values: pd.Series, codes: Any) -> np.ndarray:
    """Mask of the values equal to one of ``codes``: by number in a numeric column
    (so -1, -1.0 and "-1" match -1), by :func:`code_key` text otherwise."""
    if is_numeric_dtype(values) and not is_bool_dtype(values):
        candidates = pd.Series([c for c in codes if not isinstance(c, bool)], dtype=object)
        return as_mask(values.isin(pd.to_numeric(candidates, errors="coerce").dropna()))
    return as_mask(code_keys(values).isin({code_key(c) for c in codes}))


def _show(value: Any) -> str:
    """A value as an error message shows it: text quoted, numbers bare."""
    return repr(value) if isinstance(value, str) else str(value)


def as_mask(condition: pd.Series) -> npt.NDArray[np.bool_]:
    """A boolean Series (possibly nullable) as a plain mask, NA counting as False."""
    return np.asarray(condition.fillna(False), dtype=bool)


#: The respondent ids (by position) of the frame a codebook is being applied to, for
#: the rows its checks name; set by :func:`naming_ids` while the codebook checks it.
_IDS: contextvars.ContextVar[pd.Series | None] = contextvars.ContextVar("ids", default=None)


@contextlib.contextmanager
def naming_ids(ids: pd.Series | None) -> Iterator[None]:
    """While in this block, :func:`bad_rows` names rows with these respondent ids."""
    token = _IDS.set(ids)
    try:
        yield
    finally:
        _IDS.reset(token)


def bad_rows(values: pd.Series, mask: np.ndarray) -> str:
    """``"data rows 3, 7 (values: ...)"`` for the rows flagged in ``mask`` (with their ids
    when the frame has an index of its own, and their file lines and respondent ids when
    read from a file), as every other error names rows (:func:`micropop.errors.data_rows`)."""
    shown = values.iloc[np.flatnonzero(mask)[:MAX_ROWS_SHOWN]]
    return data_rows(values, mask, [_show(v) for v in shown], ids=_IDS.get())


def stripped_text(values: pd.Series) -> pd.Series:
    """Values as stripped text, blank text becoming NA."""
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def check_stored(numbers: pd.Series, values: pd.Series, where: str,
                 text: pd.Series | None = None) -> None:
    """Refuse numbers that are not what their cells say: infinite (``inf``, or
    ``1e400`` too large for a float), or 0 read from a text with a non-zero digit
    (``1e-400``, too small). ``text`` is the cells' text (NaN where not text)."""
    numbers = pd.Series(numbers, copy=False).astype("float64")
    bad = np.isinf(numbers.to_numpy())
    zero = as_mask(numbers.eq(0))
    if text is not None and zero.any():
        texts = text[zero]
        written = as_mask(texts.notna())
        bad[zero] = written & ~as_mask(texts.astype("string[pyarrow]").str.fullmatch(
            r"[+-]?0*[.,]?0*(?:[eE][+-]?\d+)?"))
    if bad.any():
        raise OutOfRangeError(
            f"{where} holds {counted(int(bad.sum()), 'number')} that cannot be stored as a "
            f"finite number (infinite, or too large or too small): {bad_rows(values, bad)}",
            hint="correct these cells (leave a cell empty for a missing value)")


def check_code(variable: str, what: str, value: Any) -> None:
    """A level code or label, or a missing code, must be a text or a finite number."""
    if isinstance(value, str):
        if value.strip():
            return
        problem = "is blank"
    elif isinstance(value, (bool, np.bool_)) or value is None:
        problem = "is not a text or a number"
    elif isinstance(value, (int, np.integer)):
        return
    elif isinstance(value, (float, np.floating)):
        if np.isfinite(value):
            return
        problem = "is not a finite number"
    else:
        problem = f"is a {type(value).__name__}, not a text or a number"
    raise CodebookError(f"variable {variable!r}: {what} {value!r} {problem}",
                        hint="quote it in YAML ('yes', 'no', 'null', '.nan', dates are read as "
                             "other things than text); write each code as a text or a number")


def parse_numbers(values: pd.Series, where: str, kind: str, decimal: str
                   ) -> tuple[pd.Series, pd.Series]:
    """The numbers a column of text (or of text and numbers) holds, and the text of
    each cell; refuse a cell that is not a number. Whole numbers stay exact (Int64);
    under ``decimal=','`` a cell with a point is not a number."""
    held = np.zeros(len(values), dtype=bool)
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        held = np.fromiter((isinstance(v, (int, float, np.number))
                            and not isinstance(v, (bool, np.bool_)) for v in values),
                           dtype=bool, count=len(values)) & as_mask(values.notna())
    text = stripped_text(values)
    present = as_mask(text.notna()) & ~held
    cells = text[present]
    if decimal != ".":  # on the text as Arrow holds it, before making Python strings
        dotted = as_mask(cells.str.contains(".", regex=False))
        cells = cells.str.replace(decimal, ".", regex=False).astype(object).mask(dotted)
    else:
        cells = cells.astype(object)
    parsed = pd.to_numeric(cells, errors="coerce")
    bad = np.zeros(len(values), dtype=bool)
    bad[present] = as_mask(parsed.isna())
    if bad.any():
        raise NonNumericError(
            f"{where} is declared {kind} but holds text that is not a number in "
            f"{counted(int(bad.sum()), 'cell')}: {bad_rows(values, bad)}",
            hint="correct these cells, declare them under `missing` in the codebook, or "
                 + ("pass decimal=',' if numbers are written like 12,5" if decimal == "." else
                    f"pass decimal='.' if numbers are written like 12.5 (decimal={decimal!r} "
                    "was used)"))
    if parsed.dtype.kind == "i" and not held.any():  # whole numbers: exact, even above 2**53
        numbers = pd.Series(pd.array([pd.NA] * len(values), dtype="Int64"), index=values.index)
        numbers[present] = parsed.to_numpy()
    else:
        if parsed.dtype.kind == "O":  # whole numbers beyond 64 bits: as floats (maybe inf)
            parsed = pd.to_numeric(cells + "e0")
        numbers = pd.Series(np.nan, index=values.index)
        numbers[present] = parsed.to_numpy(dtype="float64")
        if held.any():
            numbers[held] = pd.to_numeric(values[held]).to_numpy(dtype="float64")
    return numbers, text.where(present)


def short(value: Any, width: int = 40) -> str:
    """``repr(value)``, cut to ``width`` characters."""
    text = repr(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def suggest(word: str, choices: Sequence[str]) -> str:
    """``" (did you mean 'range'?)"`` when ``word`` looks like a typo of a choice."""
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def repeated_codes(items: Sequence[Any]) -> list[str | None]:
    """Canonical texts that occur more than once among ``items`` (None, for blanks, first)."""
    return sorted((k for k, n in Counter(code_key(x) for x in items).items() if n > 1),
                  key=lambda k: (k is not None, k or ""))


def counted(n: int, noun: str) -> str:
    """``"1 value"``, ``"3 values"``."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def listing(names: Sequence[Any], limit: int = 20) -> str:
    """``"'a', 'b', 'c'"``, cut after ``limit`` names."""
    text = ", ".join(repr(n) for n in names[:limit])
    return text + (f", ... ({len(names)} in all)" if len(names) > limit else "")


def from_json_key(code: Any) -> Any:
    """Mapping keys read back from JSON are text; turn ``"11"`` back into ``11``."""
    if isinstance(code, str) and re.fullmatch("-?[0-9]+", code) and str(int(code)) == code:
        return int(code)
    return code
