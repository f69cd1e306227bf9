"""Codebooks: declare the variables of a survey file, then check and convert data.

A codebook says, for each variable, its ``type`` (``numeric``, ``integer``,
``categorical``, ``ordered``, ``string`` or ``date``), its allowed ``levels``,
its valid ``range``, the ``missing`` codes that stand for non-response, and a
``description``. It is written in YAML or JSON::

    dataset: worker_survey            # optional
    description: "Synthetic demo"     # optional
    id: id                            # optional: respondent id, must be unique
    variables:
      sex:
        type: categorical
        levels: [female, male]        # list: the data hold the labels
      region_code:
        type: categorical
        levels: {11: "Île-de-France", 24: "Centre-Val de Loire"}  # codes -> labels
      education:
        type: ordered                 # order = order of the levels as written
        levels: [below_bac, bac, bac+2, above_bac+2]
      age:
        type: integer
        range: [18, 99]               # inclusive; either end may be null
        missing: {-1: refused, 999: "ne sait pas"}   # or a list [-1, 999]
        description: Age in years
      interview_date:
        type: date
        format: "%Y-%m-%d"            # optional; ISO 8601 when absent

Rules applied by :meth:`Codebook.apply`, column by column:

1. ``missing`` codes become NA first (in numeric columns they are matched by
   value, also once text is parsed, so ``"-1.0"`` is the code ``-1``). A code
   declared missing is never a level.
2. The values are converted to the declared type: ``numeric`` gives float64,
   ``integer`` gives nullable ``Int64``, ``categorical``/``ordered`` give a
   :class:`pandas.Categorical` whose categories are the levels in the order
   written (the labels, for a mapping), ``string`` gives the ``string`` dtype
   and ``date`` gives ``datetime64``. Text that does not convert is an error,
   never a silent NA. Blank text counts as missing.
3. Levels and range are checked.

Codes and levels are matched on their text, so ``11``, ``11.0`` and ``"11"``
are the same code, while ``"01"`` and ``1`` are not. A mapping ``{code: label}``
accepts cells holding either the code or the label.

Errors name offending **data rows**, numbered from 1 for the first row of data
(in a CSV or spreadsheet with a header, data row 3 is file line 4).

Examples
--------
>>> import pandas as pd
>>> import micropop as mp
>>> cb = mp.Codebook.from_dict({"variables": {
...     "sex": {"type": "categorical", "levels": {1: "female", 2: "male"}},
...     "age": {"type": "integer", "range": [18, 99], "missing": {999: "ne sait pas"}},
... }})
>>> df = cb.apply(pd.DataFrame({"sex": [1, 2, 2], "age": [34, 999, 51]}))
>>> df["sex"].tolist(), df["age"].tolist()
(['female', 'male', 'male'], [34, <NA>, 51])
"""

from __future__ import annotations

import difflib
import json
import json.decoder
import json.scanner
import os
import re
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd
import yaml
from pandas.api.types import (
    is_bool_dtype,
    is_datetime64_any_dtype,
    is_numeric_dtype,
    is_string_dtype,
)

from micropop.errors import (
    MAX_ROWS_SHOWN,
    CodebookError,
    DataValidationError,
    DuplicateIdError,
    InvalidDateError,
    InvalidLevelError,
    MicropopWarning,
    MissingColumnError,
    NonIntegerError,
    NonNumericError,
    OptionError,
    OutOfRangeError,
    SurveyFileNotFoundError,
    check_number,
    data_rows,
)

__all__ = ["Codebook", "Variable", "TYPES"]

#: The variable types a codebook may declare.
TYPES = ("numeric", "integer", "categorical", "ordered", "string", "date")
_NUMERIC = ("numeric", "integer")
_CATEGORICAL = ("categorical", "ordered")
_VARIABLE_KEYS = ("type", "description", "label", "levels", "range", "missing", "format")
_CODEBOOK_KEYS = ("dataset", "description", "id", "variables")
_FILE_SUFFIXES = (".yaml", ".yml", ".json")


# --- small helpers ----------------------------------------------------------


def _key(value: Any) -> str | None:
    """Canonical text of one value: ``11``, ``11.0`` and ``" 11"`` all give ``"11"``."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    text = str(value).strip()
    return text or None


def _keys(values: pd.Series) -> pd.Series:
    """:func:`_key` of every value: vectorised for text, else once per distinct value."""
    if is_string_dtype(values) and not isinstance(values.dtype, pd.CategoricalDtype):
        return _text(values)
    codes, uniques = pd.factorize(values)
    texts = np.array([_key(u) for u in uniques] + [None], dtype=object)
    return pd.Series(texts[codes], index=values.index, dtype=object)


def _isin(values: pd.Series, codes: Any) -> np.ndarray:
    """Mask of the values equal to one of ``codes``: by number in a numeric column
    (so -1, -1.0 and "-1" match -1), by :func:`_key` text otherwise."""
    if is_numeric_dtype(values) and not is_bool_dtype(values):
        candidates = pd.Series([c for c in codes if not isinstance(c, bool)], dtype=object)
        return _mask(values.isin(pd.to_numeric(candidates, errors="coerce").dropna()))
    return _mask(_keys(values).isin({_key(c) for c in codes}))


def _show(value: Any) -> str:
    """A value as an error message shows it: text quoted, numbers bare."""
    return repr(value) if isinstance(value, str) else str(value)


def _mask(condition: pd.Series) -> np.ndarray:
    """A boolean Series (possibly nullable) as a plain mask, NA counting as False."""
    return np.asarray(condition.fillna(False), dtype=bool)


def _bad_rows(values: pd.Series, mask: np.ndarray) -> str:
    """``"data rows 3, 7 (values: ...)"`` for the rows flagged in ``mask`` (with their ids
    when the frame has an index of its own), as every other error names rows."""
    shown = values.iloc[np.flatnonzero(mask)[:MAX_ROWS_SHOWN]]
    return data_rows(values.index, mask, [_show(v) for v in shown])


def _text(values: pd.Series) -> pd.Series:
    """Values as stripped text, blank text becoming NA."""
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def _check_stored(numbers: pd.Series, values: pd.Series, where: str,
                  text: pd.Series | None = None) -> None:
    """Refuse numbers that are not what their cells say: infinite (``inf``, or
    ``1e400`` too large for a float), or 0 read from a text with a non-zero digit
    (``1e-400``, too small). ``text`` is the cells' text (NaN where not text)."""
    numbers = pd.Series(numbers, copy=False).astype("float64")
    bad = np.isinf(numbers.to_numpy())
    zero = _mask(numbers.eq(0))
    if text is not None and zero.any():
        texts = text[zero]
        written = _mask(texts.notna())
        bad[zero] = written & ~_mask(texts.astype("string[pyarrow]").str.fullmatch(
            r"[+-]?0*[.,]?0*(?:[eE][+-]?\d+)?"))
    if bad.any():
        raise OutOfRangeError(
            f"{where} holds {_count(int(bad.sum()), 'number')} that cannot be stored as a "
            f"finite number (infinite, or too large or too small): {_bad_rows(values, bad)}",
            hint="correct these cells (leave a cell empty for a missing value)")


def _check_code(variable: str, what: str, value: Any) -> None:
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


def _parse_numbers(values: pd.Series, where: str, kind: str, decimal: str
                   ) -> tuple[pd.Series, pd.Series]:
    """The numbers a column of text (or of text and numbers) holds, and the text of
    each cell; refuse a cell that is not a number. Whole numbers stay exact (Int64);
    under ``decimal=','`` a cell with a point is not a number."""
    held = np.zeros(len(values), dtype=bool)
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        held = np.fromiter((isinstance(v, (int, float, np.number))
                            and not isinstance(v, (bool, np.bool_)) for v in values),
                           dtype=bool, count=len(values)) & _mask(values.notna())
    text = _text(values)
    present = _mask(text.notna()) & ~held
    cells = text[present]
    if decimal != ".":  # on the text as Arrow holds it, before making Python strings
        dotted = _mask(cells.str.contains(".", regex=False))
        cells = cells.str.replace(decimal, ".", regex=False).astype(object).mask(dotted)
    else:
        cells = cells.astype(object)
    parsed = pd.to_numeric(cells, errors="coerce")
    bad = np.zeros(len(values), dtype=bool)
    bad[present] = _mask(parsed.isna())
    if bad.any():
        raise NonNumericError(
            f"{where} is declared {kind} but holds text that is not a number in "
            f"{_count(int(bad.sum()), 'cell')}: {_bad_rows(values, bad)}",
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


def _short(value: Any, width: int = 40) -> str:
    """``repr(value)``, cut to ``width`` characters."""
    text = repr(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def _suggest(word: str, choices: Sequence[str]) -> str:
    """``" (did you mean 'range'?)"`` when ``word`` looks like a typo of a choice."""
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _repeated(items: Sequence[Any]) -> list[str]:
    """Canonical texts that occur more than once among ``items``."""
    return sorted(k for k, n in Counter(_key(x) for x in items).items() if n > 1)


def _count(n: int, noun: str) -> str:
    """``"1 value"``, ``"3 values"``."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _listing(names: Sequence[Any], limit: int = 20) -> str:
    """``"'a', 'b', 'c'"``, cut after ``limit`` names."""
    text = ", ".join(repr(n) for n in names[:limit])
    return text + (f", ... ({len(names)} in all)" if len(names) > limit else "")


def _from_json_key(code: Any) -> Any:
    """Mapping keys read back from JSON are text; turn ``"11"`` back into ``11``."""
    if isinstance(code, str) and re.fullmatch("-?[0-9]+", code) and str(int(code)) == code:
        return int(code)
    return code


# --- one variable -----------------------------------------------------------


@dataclass(frozen=True)
class Variable:
    """The declaration of one variable of a codebook.

    Parameters
    ----------
    name : str
        Column name in the data.
    type : {"numeric", "integer", "categorical", "ordered", "string", "date"}
        Declared type.
    description : str, optional
        Human-readable label of the variable (a Stata/SPSS variable label).
    levels : tuple or dict, optional
        Allowed levels, in order: a tuple of labels (the data hold the labels)
        or a dict ``{code: label}`` (the data hold codes, or labels).
    range : tuple, optional
        Inclusive ``(min, max)``; either end may be None.
    missing : tuple or dict, optional
        Codes that become NA, as a tuple or a dict ``{code: reason}``.
    format : str, optional
        ``strftime`` format of a ``date`` variable held as text.

    Examples
    --------
    >>> from micropop.codebook import Variable
    >>> v = Variable("education", "ordered", levels=("bac", "bac+2"), missing=(99,))
    >>> v.categories
    ('bac', 'bac+2')
    """

    name: str
    type: str
    description: str | None = None
    levels: tuple[Any, ...] | dict[Any, Any] | None = None
    range: tuple[Any, Any] | None = None
    missing: tuple[Any, ...] | dict[Any, Any] | None = None
    format: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise CodebookError(f"variable name {self.name!r} is not a text",
                                hint="name each variable by its column name, as text")
        for key in ("description", "format"):
            if getattr(self, key) is not None and not isinstance(getattr(self, key), str):
                self._fail(f"`{key}` {getattr(self, key)!r} is not a text",
                           "quote it in YAML (numbers, dates, yes/no are read otherwise)")
        if not isinstance(self.type, str) or self.type not in TYPES:
            self._fail(f"unknown type {self.type!r}{_suggest(str(self.type), TYPES)}",
                       f"use one of {', '.join(TYPES)}")
        if self.levels is not None:
            if self.type not in _CATEGORICAL:
                self._fail(f"levels are given but the type is {self.type!r}",
                           "declare the type categorical or ordered, or remove the levels")
            self._check_levels()
        if self.missing is not None:
            self._check_missing()
        if self.range is not None:
            if self.type not in (*_NUMERIC, "date"):
                self._fail(f"a range is given but the type is {self.type!r}",
                           "ranges apply to numeric, integer and date variables")
            low, high = self._bounds()
            if low is not None and high is not None and low > high:
                self._fail(f"range [{self.range[0]}, {self.range[1]}] has its minimum above "
                           "its maximum", "write the range as [min, max]")
        if self.format is not None and self.type != "date":
            self._fail(f"a format is given but the type is {self.type!r}",
                       "formats apply to date variables only")

    def _fail(self, problem: str, hint: str) -> NoReturn:
        raise CodebookError(f"variable {self.name!r}: {problem}", hint=hint)

    def _check_levels(self) -> None:
        pairs = self._pairs()
        if not pairs:
            self._fail("levels are empty", "list the levels, or remove the key")
        checks = [("label", [label for _, label in pairs])]
        if isinstance(self.levels, Mapping):
            checks.insert(0, ("code", [code for code, _ in pairs]))
        for what, items in checks:
            for item in items:
                _check_code(self.name, what, item)
            repeated = _repeated(items)
            if repeated:
                self._fail(f"{what}s repeated in levels: {_listing(repeated)}",
                           f"give each {what} once; recode the data first to merge levels")
        owner: dict[str, int] = {}
        for i, (code, label) in enumerate(pairs):
            for text in {_key(code), _key(label)}:
                if owner.setdefault(text, i) != i:  # type: ignore[arg-type]
                    other = pairs[owner[text]]  # type: ignore[index]
                    self._fail(f"{text!r} names two levels: {other[0]!r}: {other[1]!r} and "
                               f"{code!r}: {label!r}",
                               "a label must not be the code of another level; give labels "
                               "that are not codes")

    def _check_missing(self) -> None:
        codes = list(self.missing or ())
        for code in codes:
            _check_code(self.name, "missing code", code)
        if self.levels is None:
            return
        pairs = self._pairs()
        for code in codes:
            hit = [(c, lab) for c, lab in pairs if _key(code) in (_key(c), _key(lab))]
            if len(hit) > 1:
                self._fail(f"missing code {code!r} matches two levels: "
                           + " and ".join(f"{c!r}: {lab!r}" for c, lab in hit),
                           "declare missing the code of one level")
        if not self._kept_pairs():
            self._fail("every level is declared missing",
                       "remove from `missing` the codes of the levels the data may hold")

    def _pairs(self) -> list[tuple[Any, Any]]:
        """``(code, label)`` of each level; for a list of levels, code = label."""
        if isinstance(self.levels, Mapping):
            return list(self.levels.items())
        return [(level, level) for level in self.levels or ()]

    def _bounds(self) -> tuple[Any, Any]:
        """The range as comparable values (timestamps for a date); refuse ends that
        are not finite numbers (dates, for a date): text, booleans, NaN, infinity."""
        assert self.range is not None
        advice = "write the range as [min, max], with null for an open end"
        bounds = []
        for end in self.range:
            if end is None:
                bounds.append(None)
                continue
            try:
                if self.type == "date":
                    if isinstance(end, (bool, int, float, np.number)):
                        raise TypeError(end)
                    bounds.append(pd.Timestamp(end))
                else:
                    bounds.append(check_number("range end", end))
            except (TypeError, ValueError, OverflowError, OptionError,
                    pd.errors.OutOfBoundsDatetime):
                self._fail(f"range {_short(list(self.range), 60)} does not hold "
                           f"{'dates' if self.type == 'date' else 'numbers'}: {_short(end)} is not "
                           f"{'a date' if self.type == 'date' else 'a finite number'}", advice)
        if any(b is pd.NaT for b in bounds):
            self._fail(f"range {list(self.range)} does not hold dates", advice)
        return bounds[0], bounds[1]

    @property
    def categories(self) -> tuple[Any, ...]:
        """The labels of the levels, in order, without those declared missing."""
        return tuple(label for _, label in self._kept_pairs())

    def _kept_pairs(self) -> list[tuple[Any, Any]]:
        drop = {_key(code) for code in self.missing or ()}
        return [(code, label) for code, label in self._pairs()
                if _key(code) not in drop and _key(label) not in drop]

    def _missing_codes(self) -> tuple[Any, ...]:
        """The missing codes, with the code and label of each level they name (so
        that a level declared missing by its label is missing by its code too)."""
        drop = {_key(code) for code in self.missing or ()}
        named = [item for code, label in self._pairs() if drop & {_key(code), _key(label)}
                 for item in (code, label)] if self.levels is not None else []
        return (*(self.missing or ()), *named)

    def to_dict(self) -> dict[str, Any]:
        """The declaration as written in a codebook file (lists, dicts, no None)."""
        out: dict[str, Any] = {"type": self.type}
        for name in ("description", "levels", "range", "missing", "format"):
            value = getattr(self, name)
            if value is not None:
                out[name] = dict(value) if isinstance(value, Mapping) else (
                    list(value) if isinstance(value, tuple) else value)
        return out

    # --- conversion of one column -------------------------------------------

    def convert(self, values: pd.Series, source: str = "data", decimal: str = ".") -> pd.Series:
        """Apply this declaration to a column: missing codes, type, levels, range.

        Parameters
        ----------
        values : pandas.Series
            The column as read.
        source : str, default "data"
            Name of the data (a file name) used in error messages.
        decimal : str, default "."
            Decimal mark of numbers held as text.

        Returns
        -------
        pandas.Series
            The converted column, same index and length.

        Raises
        ------
        NonNumericError, NonIntegerError, InvalidDateError, InvalidLevelError, OutOfRangeError
            Naming the offending data rows and their values.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.codebook import Variable
        >>> Variable("x", "numeric", missing=(-1,)).convert(
        ...     pd.Series(["12,5", "-1"]), decimal=",").tolist()
        [12.5, nan]
        """
        where = f"{source}: column {self.name!r}"
        if self.missing:
            values = values.mask(_isin(values, self._missing_codes()))
        if self.type in _NUMERIC:
            out = self._to_number(values, where, decimal)
        elif self.type in _CATEGORICAL:
            return self._to_categorical(values, where)
        elif self.type == "date":
            out = self._to_date(values, where)
        else:
            return values.astype("string")
        if self.range is not None:
            self._check_range(out, where)
        return out

    def _to_number(self, values: pd.Series, where: str, decimal: str) -> pd.Series:
        text = None
        if is_numeric_dtype(values) and not is_bool_dtype(values):
            numbers = values
        else:
            numbers, text = _parse_numbers(values, where, self.type, decimal)
            numbers = numbers.mask(_isin(numbers, self.missing or ()))
        _check_stored(numbers, values, where, text=text)
        if self.type == "numeric":
            return numbers.astype("float64")
        fractional = _mask(numbers.notna() & (numbers != np.floor(numbers)))
        if fractional.any():
            raise NonIntegerError(
                f"{where} is declared integer but holds {_count(fractional.sum(), 'value')} with a "
                f"fractional part: {_bad_rows(values, fractional)}",
                hint="correct these values or declare the variable numeric")
        huge = _mask(numbers.abs() >= 2.0 ** 63)
        if huge.any():
            raise OutOfRangeError(
                f"{where} is declared integer but holds {_count(huge.sum(), 'value')} too large "
                f"for a whole number (64 bits): {_bad_rows(values, huge)}",
                hint="declare the variable numeric, or string if it holds codes")
        return numbers.astype("Int64")

    def _to_date(self, values: pd.Series, where: str) -> pd.Series:
        if is_datetime64_any_dtype(values):
            return values
        text = _text(values)
        dates = pd.to_datetime(text, format=self.format or "ISO8601", errors="coerce")
        bad = _mask(text.notna() & dates.isna())
        if bad.any():
            raise InvalidDateError(
                f"{where} holds {_count(bad.sum(), 'value')} that are not dates in the format "
                f"{self.format or 'ISO 8601 (YYYY-MM-DD)'}: {_bad_rows(values, bad)}",
                hint="correct these values, or set `format` in the codebook (e.g. '%d/%m/%Y')")
        return dates

    def _to_categorical(self, values: pd.Series, where: str) -> pd.Series:
        if self.levels is None:
            if self.type == "ordered":
                raise CodebookError(f"{where} is declared ordered but no levels are given",
                                    hint="list the levels in order in the codebook")
            return values.astype("category")
        pairs = self._kept_pairs()
        lookup = {_key(label): i for i, (_, label) in enumerate(pairs)}
        lookup.update({_key(code): i for i, (code, _) in enumerate(pairs)})
        keys = _keys(values)
        at, distinct = pd.factorize(keys)  # each distinct key looked up once; NA at -1
        codes = np.array([lookup.get(key, -1) for key in distinct] + [-1], dtype=int)[at]
        bad = (at >= 0) & (codes < 0)
        if bad.any():
            allowed = ", ".join(f"{c}={lab}" if c != lab else str(lab) for c, lab in pairs[:10])
            allowed += f", ... ({len(pairs)} levels)" if len(pairs) > 10 else ""
            raise InvalidLevelError(
                f"{where} holds {_count(bad.sum(), 'value')} outside its levels ({allowed}): "
                f"{_bad_rows(values, bad)}",
                hint="correct these values, add the levels to the codebook, "
                     "or declare them under `missing`")
        categorical = pd.Categorical.from_codes(
            codes, categories=[lab for _, lab in pairs],
            ordered=self.type == "ordered")
        return pd.Series(categorical, index=values.index, name=values.name)

    def _check_range(self, values: pd.Series, where: str) -> None:
        low, high = self._bounds()
        outside = pd.Series(False, index=values.index)
        if low is not None:
            outside |= values < low
        if high is not None:
            outside |= values > high
        bad = _mask(outside)
        if bad.any():
            first, last = self.range or (None, None)
            shown = f"[{'-inf' if first is None else first}, {'inf' if last is None else last}]"
            raise OutOfRangeError(
                f"{where} holds {_count(bad.sum(), 'value')} outside the range {shown}: "
                f"{_bad_rows(values, bad)}",
                hint="correct these values, widen `range` in the codebook, or declare "
                     "non-response codes under `missing`")


def _parse_variable(name: str, spec: Any) -> Variable:
    """Build a :class:`Variable` from its codebook entry, rejecting unknown keys."""
    if not isinstance(spec, Mapping):
        raise CodebookError(f"variable {name!r}: entry must be a mapping, got {spec!r}",
                            hint=f"write for example `{name}: {{type: numeric}}`")
    unknown = [k for k in spec if k not in _VARIABLE_KEYS]
    if unknown:
        raise CodebookError(
            f"variable {name!r}: unknown key {unknown[0]!r}"
            f"{_suggest(str(unknown[0]), _VARIABLE_KEYS)}",
            hint=f"the keys of a variable are {', '.join(_VARIABLE_KEYS)}")
    if "type" not in spec:
        raise CodebookError(f"variable {name!r}: no type",
                            hint=f"add `type:` with one of {', '.join(TYPES)}")
    if "label" in spec and "description" in spec:
        raise CodebookError(f"variable {name!r}: both `label` and `description` are given",
                            hint="`label` is another name for `description`; keep one")
    fields: dict[str, Any] = {"description": spec.get("description", spec.get("label"))}
    for key in ("levels", "missing"):
        value = spec.get(key)
        if isinstance(value, Mapping):
            if _repeated(list(value)):
                raise CodebookError(f"variable {name!r}: codes repeated in {key}: "
                                    f"{_listing(_repeated(list(value)))}",
                                    hint="give each code once (11 and '11' are the same code)")
            fields[key] = {_from_json_key(code): label for code, label in value.items()}
        elif isinstance(value, (list, tuple)):
            fields[key] = tuple(value)
        elif value is not None:
            raise CodebookError(f"variable {name!r}: `{key}` must be a list or a mapping, "
                                f"got {value!r}", hint=f"write for example `{key}: [{value}]`")
    rng = spec.get("range")
    if rng is not None and not (isinstance(rng, (list, tuple)) and len(rng) == 2):
        raise CodebookError(f"variable {name!r}: range must be [min, max], got {rng!r}",
                            hint="write null for an open end, e.g. [0, null]")
    return Variable(name=name, type=spec["type"], range=None if rng is None else tuple(rng),
                    format=spec.get("format"), **fields)


# --- reading codebook files: a key given twice is an error ---------------------


class _RepeatedKey(Exception):
    """A mapping of a codebook file gives a key twice (lines: where, 1-based)."""

    def __init__(self, key: Any, lines: tuple[int, int]) -> None:
        super().__init__(key)
        self.key, self.lines = key, lines


class _UniqueKeyLoader(yaml.SafeLoader):
    """The safe YAML loader, refusing a key given twice in one mapping (where the
    plain loader keeps the last silently). Keys merged with ``<<`` may be overridden."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key, line = self.construct_object(key_node, deep=True), key_node.start_mark.line + 1
            try:
                if key in seen:
                    raise _RepeatedKey(key, (seen[key], line))
                seen[key] = line
            except TypeError:
                continue  # an unhashable key: the base loader reports it
        return super().construct_mapping(node, deep=deep)


def _load_json(text: str) -> Any:
    """``json.loads``, refusing a key given twice in one object, with its lines."""

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        for key in keys:
            if keys.count(key) > 1:
                raise _RepeatedKey(key, (0, 0))
        return dict(pairs)

    decoder = json.JSONDecoder(object_pairs_hook=unique)
    parse_object = decoder.parse_object

    def located(s_and_end: tuple[str, int], *args: Any) -> Any:
        try:
            return parse_object(s_and_end, *args)
        except _RepeatedKey as err:
            if err.lines == (0, 0):
                lines = _json_key_lines(*s_and_end, err.key)
                err.lines = (lines[0], lines[1])
            raise

    decoder.parse_object = located  # type: ignore[assignment]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder.decode(text)


def _json_key_lines(text: str, start: int, key: str) -> list[int]:
    """Lines on which ``key`` is a key of the JSON object whose body starts at ``start``."""
    depth, i, lines = 0, start, []
    while i < len(text):
        char = text[i]
        if char == '"':
            value, end = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
            if depth == 0 and value == key and text[end:].lstrip().startswith(":"):
                lines.append(text.count("\n", 0, i) + 1)
            i = end
            continue
        if char in "{[":
            depth += 1
        elif char in "}]":
            if depth == 0:
                break
            depth -= 1
        i += 1
    return lines


# --- the codebook -----------------------------------------------------------


@dataclass(frozen=True)
class Codebook:
    """Declared variables of a survey data set; checks and converts data.

    Build one with :meth:`from_file`, :meth:`from_dict` or :meth:`from_frame`;
    :func:`micropop.read_survey` (``return_codebook=True``) returns the one
    drawn from a Stata or SPSS file's labels. See :mod:`micropop.codebook`
    for the file format and the rules :meth:`apply` follows.

    Parameters
    ----------
    variables : mapping of str to Variable
        The declared variables, in order.
    dataset, description : str, optional
        Name and description of the data set.
    id : str, optional
        Respondent id column; its values must be present and unique.

    Examples
    --------
    >>> import micropop as mp
    >>> cb = mp.Codebook.from_dict({"id": "id", "variables": {
    ...     "id": {"type": "integer"},
    ...     "education": {"type": "ordered", "levels": ["bac", "bac+2"]}}})
    >>> cb
    Codebook(2 variables: id, education; id='id')
    >>> cb.to_dict()["variables"]["education"]
    {'type': 'ordered', 'levels': ['bac', 'bac+2']}
    """

    variables: Mapping[str, Variable]
    dataset: str | None = None
    description: str | None = None
    id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "variables", dict(self.variables))

    def __repr__(self) -> str:
        names = list(self.variables)
        shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
        extra = "".join(f"; {k}={getattr(self, k)!r}" for k in ("dataset", "id")
                        if getattr(self, k) is not None)
        return f"Codebook({len(names)} variables: {shown}{extra})"

    # --- building -----------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Codebook:
        """Build a codebook from its dict form (as read from YAML or JSON).

        Parameters
        ----------
        data : mapping
            With keys ``variables`` (required), ``dataset``, ``description``, ``id``.

        Returns
        -------
        Codebook

        Raises
        ------
        CodebookError
            On a missing ``variables`` key, an unknown key, an unknown type, a
            range whose minimum exceeds its maximum, repeated levels or labels.

        Examples
        --------
        >>> import micropop as mp
        >>> mp.Codebook.from_dict({"variables": {"age": {"type": "integer", "rnage": [0, 1]}}})
        Traceback (most recent call last):
        ...
        micropop.errors.CodebookError: variable 'age': unknown key 'rnage' (did you mean 'range'?). ...
        """
        if not isinstance(data, Mapping):
            raise CodebookError(f"a codebook must be a mapping, got {type(data).__name__}",
                                hint="start the codebook with a `variables:` key")
        unknown = [k for k in data if k not in _CODEBOOK_KEYS]
        if unknown:
            raise CodebookError(
                f"unknown codebook key {unknown[0]!r}{_suggest(str(unknown[0]), _CODEBOOK_KEYS)}",
                hint=f"the top-level keys are {', '.join(_CODEBOOK_KEYS)}")
        variables = data.get("variables")
        if not isinstance(variables, Mapping) or not variables:
            raise CodebookError("the codebook declares no `variables`",
                                hint="add a `variables:` mapping from column names to declarations")
        for key in ("dataset", "description", "id"):
            if data.get(key) is not None and not isinstance(data[key], str):
                raise CodebookError(f"`{key}` {data[key]!r} is not a text",
                                    hint="quote it in YAML (numbers, dates, yes/no are read "
                                         "otherwise)")
        for name in variables:
            if not isinstance(name, str):
                raise CodebookError(
                    f"variable name {name!r} is not a text (but {type(name).__name__})",
                    hint="quote column names in YAML, e.g. '2019': {type: numeric} (numbers, "
                         "dates, yes/no and null are read as other things than text)")
        return cls(variables={n: _parse_variable(n, s) for n, s in variables.items()},
                   dataset=data.get("dataset"), description=data.get("description"),
                   id=data.get("id"))

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Codebook:
        """Read a codebook from a YAML (``.yaml``, ``.yml``) or JSON (``.json``) file.

        Parameters
        ----------
        path : str or path-like

        Returns
        -------
        Codebook

        Raises
        ------
        SurveyFileNotFoundError
            If the file does not exist.
        CodebookError
            If it cannot be parsed or is malformed; the message names the file.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> import micropop as mp
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "codebook.yaml"
        >>> _ = path.write_text("variables:\\n  age: {type: integer, range: [18, 99]}\\n")
        >>> mp.Codebook.from_file(path).variables["age"].range
        (18, 99)
        """
        path = Path(path)
        if not path.is_file():
            raise SurveyFileNotFoundError(f"codebook file {str(path)!r} does not exist",
                                          hint=f"check the path (working directory: {os.getcwd()})")
        suffix = path.suffix.lower()
        if suffix not in _FILE_SUFFIXES:
            raise CodebookError(f"codebook file {str(path)!r} has extension {suffix or '(none)'!r}",
                                hint="write codebooks as .yaml, .yml or .json")
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise CodebookError(
                f"codebook file {str(path)!r} is not valid UTF-8: byte "
                f"{raw[err.start:err.start + 1]!r} at line {raw.count(10, 0, err.start) + 1} "
                f"(byte {err.start})",
                hint="save the codebook as UTF-8 text (most editors offer it under 'Save as')"
            ) from None
        try:
            data = (_load_json(text) if suffix == ".json" else
                    yaml.load(text, Loader=_UniqueKeyLoader))
        except _RepeatedKey as err:
            raise CodebookError(f"codebook file {str(path)!r} declares the key {err.key!r} twice "
                                f"in one mapping (lines {err.lines[0]} and {err.lines[1]})",
                                hint="keep one of them: the second would silently replace "
                                     "the first") from None
        except json.JSONDecodeError as err:
            raise CodebookError(f"codebook file {str(path)!r} is not valid JSON at line "
                                f"{err.lineno}, column {err.colno}: {err.msg}",
                                hint="fix the syntax at the line shown") from None
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            raise CodebookError(f"codebook file {str(path)!r} is not valid YAML{where}: "
                                f"{getattr(err, 'problem', None) or err}",
                                hint="fix the syntax at the line shown") from None
        try:
            return cls.from_dict(data)
        except CodebookError as err:
            raise CodebookError(f"codebook file {str(path)!r}: {err.message}",
                                hint=err.hint) from None

    @classmethod
    def from_frame(cls, df: pd.DataFrame) -> Codebook:
        """Describe the columns of a DataFrame as a codebook, to start one from data.

        Types come from the dtypes (categories become levels, in order) and
        descriptions from ``df.attrs["labels"]``. Nothing is checked.

        Parameters
        ----------
        df : pandas.DataFrame

        Returns
        -------
        Codebook

        Examples
        --------
        >>> import pandas as pd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"n": [1, 2], "x": [0.5, 1.0], "s": pd.Categorical(["a", "b"])})
        >>> {n: v.type for n, v in mp.Codebook.from_frame(df).variables.items()}
        {'n': 'integer', 'x': 'numeric', 's': 'categorical'}
        """
        labels = df.attrs.get("labels", {})
        return cls({str(name): _describe(str(name), df[name], labels.get(name))
                    for name in df.columns})

    # --- writing ------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The codebook as plain dicts and lists, as written to YAML or JSON.

        Returns
        -------
        dict

        Examples
        --------
        >>> import micropop as mp
        >>> d = {"id": "id", "variables": {"id": {"type": "integer"}}}
        >>> mp.Codebook.from_dict(d).to_dict() == d
        True
        """
        out: dict[str, Any] = {k: getattr(self, k) for k in ("dataset", "description", "id")
                               if getattr(self, k) is not None}
        out["variables"] = {name: var.to_dict() for name, var in self.variables.items()}
        return out

    def to_file(self, path: str | os.PathLike[str]) -> Path:
        """Write the codebook as YAML (``.yaml``, ``.yml``) or JSON (``.json``), in UTF-8.

        Parameters
        ----------
        path : str or path-like

        Returns
        -------
        pathlib.Path
            The path written.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> import micropop as mp
        >>> cb = mp.Codebook.from_dict({"variables": {"region": {
        ...     "type": "categorical", "levels": {11: "Île-de-France"}}}})
        >>> path = cb.to_file(pathlib.Path(tempfile.mkdtemp()) / "cb.json")
        >>> mp.Codebook.from_file(path) == cb
        True
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in _FILE_SUFFIXES:
            raise CodebookError(f"cannot write a codebook to {str(path)!r}",
                                hint="use the extension .yaml, .yml or .json")
        data = self.to_dict()
        if suffix == ".json":
            text = json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
        else:
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    # --- checking data ------------------------------------------------------

    def apply(self, df: pd.DataFrame, *, source: str = "data", decimal: str = ".") -> pd.DataFrame:
        """Check a DataFrame against the codebook and convert its declared columns.

        Missing codes become NA, then each declared column is converted to its
        type and its levels and range are checked; the id column must have
        unique, non-missing values. Undeclared columns are kept as they are,
        with a :class:`~micropop.errors.MicropopWarning` naming them. Variable
        descriptions are stored in ``attrs["labels"]``.

        Parameters
        ----------
        df : pandas.DataFrame
            The data; not modified.
        source : str, default "data"
            Name of the data (a file name) for error messages.
        decimal : str, default "."
            Decimal mark of numbers held as text (``","`` for ``12,5``).

        Returns
        -------
        pandas.DataFrame
            A new DataFrame with the same rows, in the same order.

        Raises
        ------
        MissingColumnError
            If a declared column (or the id column) is absent.
        NonNumericError, NonIntegerError, InvalidDateError, InvalidLevelError, OutOfRangeError
            Naming the column and up to five offending data rows (1-based) with their values.
        DuplicateIdError
            If the id column repeats a value.

        Examples
        --------
        >>> import pandas as pd
        >>> import micropop as mp
        >>> cb = mp.Codebook.from_dict({"variables": {"age": {"type": "integer",
        ...                                                   "range": [18, 99]}}})
        >>> cb.apply(pd.DataFrame({"age": ["34", "abc"]}), source="survey.csv")
        Traceback (most recent call last):
        ...
        micropop.errors.NonNumericError: survey.csv: column 'age' ... data row 2 (value: 'abc'). ...
        """
        columns = [str(c) for c in df.columns]
        repeated = list(df.columns[df.columns.duplicated()].unique())
        if repeated:
            raise DataValidationError(
                f"{source}: several columns are named {_listing(repeated)}",
                hint="give each column its own name before applying the codebook")
        absent = [n for n in dict.fromkeys([*self.variables, *([self.id] if self.id else [])])
                  if n not in df.columns]
        if absent:
            numbers = [c for c in df.columns if not isinstance(c, str) and str(c) in absent]
            raise MissingColumnError(
                f"{source}: {_count(len(absent), 'column')} of the codebook not in the data: "
                + ", ".join(f"{n!r}{_suggest(n, columns)}" for n in absent),
                hint=(f"the data name columns by {type(numbers[0]).__name__} labels such as "
                      f"{numbers[0]!r}, not text: rename them, e.g. "
                      "df.columns = df.columns.astype(str)") if numbers else
                     f"the data have columns {_listing(columns)}; fix the names in the "
                     "codebook or remove these entries")
        undeclared = [c for c in df.columns if c not in self.variables]
        if undeclared:
            warnings.warn(MicropopWarning(
                f"{source}: {_count(len(undeclared), 'column')} not in the codebook, kept as "
                f"read: {_listing(undeclared)}"), stacklevel=2)
        out = df.copy(deep=False)  # the declared columns are replaced, the others shared
        for name, variable in self.variables.items():
            out[name] = variable.convert(df[name], source=source, decimal=decimal)
        if self.id:
            self._check_id(out[self.id], source)
        labels = {n: v.description for n, v in self.variables.items() if v.description}
        out.attrs["labels"] = {**df.attrs.get("labels", {}), **labels}
        return out

    def validate(self, df: pd.DataFrame, *, source: str = "data", decimal: str = ".") -> None:
        """Check a DataFrame against the codebook, as :meth:`apply` does, keeping nothing.

        Examples
        --------
        >>> import pandas as pd
        >>> import micropop as mp
        >>> cb = mp.Codebook.from_dict({"variables": {"sex": {
        ...     "type": "categorical", "levels": ["female", "male"]}}})
        >>> cb.validate(pd.DataFrame({"sex": ["female", "Male"]}))
        Traceback (most recent call last):
        ...
        micropop.errors.InvalidLevelError: data: column 'sex' ... data row 2 (value: 'Male'). ...
        """
        self.apply(df, source=source, decimal=decimal)

    def _check_id(self, ids: pd.Series, source: str) -> None:
        where = f"{source}: id column {self.id!r}"
        absent = _mask(ids.isna())
        if absent.any():
            raise DataValidationError(
                f"{where} has {_count(absent.sum(), 'missing id')}: {_bad_rows(ids, absent)}",
                hint="give every respondent an id")
        repeated = ids.duplicated(keep=False).to_numpy()
        if repeated.any():
            raise DuplicateIdError(
                f"{where} repeats {_count(ids[repeated].nunique(), 'id')}: "
                f"{_bad_rows(ids, repeated)}",
                hint="remove duplicated respondents or fix their ids")

    def merged(self, other: Codebook) -> Codebook:
        """This codebook with the declarations of ``other`` laid over it.

        Used to lay a user's codebook over the one drawn from a Stata or SPSS
        file: a variable ``other`` declares replaces the file's, keeping the
        file's description when it has none. A categorical declared without
        levels takes the file's value labels; declared with a list of labels
        (to set their order, e.g. ``type: ordered``), it maps the file's codes
        to those labels.

        Parameters
        ----------
        other : Codebook

        Returns
        -------
        Codebook

        Examples
        --------
        >>> import micropop as mp
        >>> from_file = mp.Codebook.from_dict({"variables": {"edu": {
        ...     "type": "categorical", "levels": {1: "bac+2", 2: "bac"}}}})
        >>> mine = mp.Codebook.from_dict({"variables": {"edu": {
        ...     "type": "ordered", "levels": ["bac", "bac+2"]}}})
        >>> from_file.merged(mine).variables["edu"].levels
        {2: 'bac', 1: 'bac+2'}
        """
        variables = dict(self.variables)
        for name, mine in other.variables.items():
            variables[name] = _merge_variable(variables[name], mine) if name in variables else mine
        return Codebook(variables, dataset=other.dataset or self.dataset,
                        description=other.description or self.description, id=other.id or self.id)


def _merge_variable(base: Variable, mine: Variable) -> Variable:
    levels = mine.levels
    if mine.type in _CATEGORICAL and isinstance(base.levels, Mapping):
        if levels is None:
            levels = base.levels
        elif isinstance(levels, tuple):
            code_of = {_key(label): code for code, label in base.levels.items()}
            unknown = [lab for lab in levels if _key(lab) not in code_of]
            if unknown:
                raise CodebookError(
                    f"variable {mine.name!r}: levels {_listing(unknown)} are not among the value "
                    f"labels of the file ({_listing(list(base.levels.values()))})",
                    hint="spell the levels as the file labels them, "
                         "or give a mapping {code: label}")
            levels = {code_of[_key(lab)]: lab for lab in levels}
    return replace(mine, levels=levels, description=mine.description or base.description)


def _describe(name: str, values: pd.Series, description: str | None) -> Variable:
    """The declaration that matches a column's dtype."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return Variable(name, "ordered" if values.cat.ordered else "categorical",
                        description=description, levels=tuple(values.cat.categories))
    if is_datetime64_any_dtype(values):
        kind = "date"
    elif pd.api.types.is_integer_dtype(values):
        kind = "integer"
    elif is_bool_dtype(values):
        kind = "categorical"
    elif is_numeric_dtype(values):
        kind = "numeric"
    else:
        kind = "string"
    return Variable(name, kind, description=description)
