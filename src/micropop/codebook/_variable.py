"""One variable of a codebook: its declaration (:class:`Variable`), how an entry of a
codebook file becomes one, how a user's declaration is laid over a file's, and the
declaration that describes a column's dtype.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, NoReturn

import numpy as np
import pandas as pd
from pandas.api.types import (
    is_bool_dtype,
    is_datetime64_any_dtype,
    is_numeric_dtype,
)

from micropop.codebook._cells import (
    as_mask,
    bad_rows,
    check_code,
    check_stored,
    code_key,
    code_keys,
    counted,
    from_json_key,
    isin_codes,
    listing,
    parse_numbers,
    repeated_codes,
    short,
    stripped_text,
    suggest,
)
from micropop.errors import (
    CodebookError,
    InvalidDateError,
    InvalidLevelError,
    NonIntegerError,
    OptionError,
    OutOfRangeError,
    check_number,
)

#: The variable types a codebook may declare.
TYPES = ("numeric", "integer", "categorical", "ordered", "string", "date")
NUMERIC_TYPES = ("numeric", "integer")
_CATEGORICAL = ("categorical", "ordered")
_VARIABLE_KEYS = ("type", "description", "label", "levels", "range", "missing", "format",
                  "value_labels")


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
    value_labels : dict, optional
        Labels for people of a categorical variable's levels, by language:
        ``{"fr": {"above_bac+2": "Bac+3 ou plus"}, "en": {...}}`` (a level
        named by its code or its label). The data keep their levels; reports
        and figures show these labels.

    Examples
    --------
    >>> from micropop.codebook import Variable
    >>> v = Variable("education", "ordered", levels=("bac", "bac+2"), missing=(99,))
    >>> v.categories
    ('bac', 'bac+2')
    >>> Variable("edu", "ordered", levels={1: "bac"},
    ...          value_labels={"fr": {1: "Baccalauréat"}}).people_labels()
    {'fr': {'bac': 'Baccalauréat'}}
    """

    name: str
    type: str
    description: str | None = None
    levels: tuple[Any, ...] | dict[Any, Any] | None = None
    range: tuple[Any, Any] | None = None
    missing: tuple[Any, ...] | dict[Any, Any] | None = None
    format: str | None = None
    value_labels: dict[str, dict[Any, str]] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise CodebookError(f"variable name {self.name!r} is not a text",
                                hint="name each variable by its column name, as text")
        for key in ("description", "format"):
            if getattr(self, key) is not None and not isinstance(getattr(self, key), str):
                self._fail(f"`{key}` {getattr(self, key)!r} is not a text",
                           "quote it in YAML (numbers, dates, yes/no are read otherwise)")
        if not isinstance(self.type, str) or self.type not in TYPES:
            self._fail(f"unknown type {self.type!r}{suggest(str(self.type), TYPES)}",
                       f"use one of {', '.join(TYPES)}")
        if self.levels is not None:
            if self.type not in _CATEGORICAL:
                self._fail(f"levels are given but the type is {self.type!r}",
                           "declare the type categorical or ordered, or remove the levels")
            self._check_levels()
        if self.missing is not None:
            self._check_missing()
        if self.range is not None:
            if self.type not in (*NUMERIC_TYPES, "date"):
                self._fail(f"a range is given but the type is {self.type!r}",
                           "ranges apply to numeric, integer and date variables")
            low, high = self._bounds()
            if low is not None and high is not None and low > high:
                self._fail(f"range [{self.range[0]}, {self.range[1]}] has its minimum above "
                           "its maximum", "write the range as [min, max]")
        if self.format is not None and self.type != "date":
            self._fail(f"a format is given but the type is {self.type!r}",
                       "formats apply to date variables only")
        if self.value_labels is not None:
            self.people_labels()  # checks them

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
                check_code(self.name, what, item)
            repeated = repeated_codes(items)
            if repeated:
                self._fail(f"{what}s repeated in levels: {listing(repeated)}",
                           f"give each {what} once; recode the data first to merge levels")
        owner: dict[str, int] = {}
        for i, (code, label) in enumerate(pairs):
            for text in {code_key(code), code_key(label)}:
                if owner.setdefault(text, i) != i:  # type: ignore[arg-type]
                    other = pairs[owner[text]]  # type: ignore[index]
                    self._fail(f"{text!r} names two levels: {other[0]!r}: {other[1]!r} and "
                               f"{code!r}: {label!r}",
                               "a label must not be the code of another level; give labels "
                               "that are not codes")

    def people_labels(self) -> dict[str, dict[Any, str]]:
        """The value labels by language, keyed by the levels as the data hold them.

        Returns
        -------
        dict
            ``{language: {level: label}}``; empty without value labels.

        Raises
        ------
        CodebookError
            The value labels are not ``{language: {level: text}}``, or name a
            level the variable does not have.

        Examples
        --------
        >>> Variable("sex", "categorical", levels=("f", "m"),
        ...          value_labels={"en": {"f": "women"}}).people_labels()
        {'en': {'f': 'women'}}
        """
        labels = self.value_labels or {}
        advice = 'write value_labels: {fr: {code: "libellé"}, en: {code: "label"}}'
        if not isinstance(labels, Mapping):
            self._fail(f"value_labels {short(labels)} is not a mapping", advice)
        if labels and self.type not in _CATEGORICAL:
            self._fail(f"value_labels are given but the type is {self.type!r}",
                       "value labels apply to categorical and ordered variables")
        levels = {}
        for code, label in self._pairs():
            levels[code_key(code)] = label
            levels[code_key(label)] = label
        out: dict[str, dict[Any, str]] = {}
        for lang, names in labels.items():
            if not isinstance(lang, str) or not isinstance(names, Mapping):
                self._fail(f"value_labels {short(lang)}: is not a language with its labels",
                           advice)
            out[lang] = {}
            for code, text in names.items():
                if not isinstance(text, str):
                    self._fail(f"value_labels {lang}: {short(code)} is {short(text)}, not a text",
                               "quote the label in YAML")
                if self.levels is not None and code_key(code) not in levels:
                    self._fail(f"value_labels {lang}: {short(code)} is not a level"
                               f"{suggest(str(code), [str(v) for v in levels.values()])}",
                               "name each level by its code or its label")
                out[lang][levels.get(code_key(code), code)] = text
        return out

    def _check_missing(self) -> None:
        codes = list(self.missing or ())
        for code in codes:
            check_code(self.name, "missing code", code)
        if self.levels is None:
            return
        pairs = self._pairs()
        for code in codes:
            hit = [(c, lab) for c, lab in pairs if code_key(code) in (code_key(c), code_key(lab))]
            if len(hit) > 1:
                self._fail(f"missing code {code!r} matches two levels: "
                           + " and ".join(f"{c!r}: {lab!r}" for c, lab in hit),
                           "declare missing the code of one level")
        if not self._kept_pairs():
            self._fail("every level is declared missing",
                       "remove from `missing` the codes of the levels the data may hold")

    def _pairs(self) -> list[tuple[Any, Any]]:
        """``(code, label)`` of each level; for a list of levels, code = label."""
        return level_pairs(self.levels)

    def _bounds(self) -> tuple[Any, Any]:
        """The range as comparable values (timestamps for a date); refuse ends that
        are not finite numbers (dates, for a date): text, booleans, NaN, infinity."""
        assert self.range is not None
        advice = "write the range as [min, max], with null for an open end"
        bounds: list[Any] = []  # Timestamp (or NaT), number or None
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
                self._fail(f"range {short(list(self.range), 60)} does not hold "
                           f"{'dates' if self.type == 'date' else 'numbers'}: {short(end)} is not "
                           f"{'a date' if self.type == 'date' else 'a finite number'}", advice)
        if any(b is pd.NaT for b in bounds):
            self._fail(f"range {list(self.range)} does not hold dates", advice)
        return bounds[0], bounds[1]

    @property
    def categories(self) -> tuple[Any, ...]:
        """The labels of the levels, in order, without those declared missing."""
        return tuple(label for _, label in self._kept_pairs())

    def _kept_pairs(self) -> list[tuple[Any, Any]]:
        drop = {code_key(code) for code in self.missing or ()}
        return [(code, label) for code, label in self._pairs()
                if code_key(code) not in drop and code_key(label) not in drop]

    def _missing_codes(self) -> tuple[Any, ...]:
        """The missing codes, with the code and label of each level they name (so
        that a level declared missing by its label is missing by its code too)."""
        drop = {code_key(code) for code in self.missing or ()}
        named = [item for code, label in self._pairs() if drop & {code_key(code), code_key(label)}
                 for item in (code, label)] if self.levels is not None else []
        return (*(self.missing or ()), *named)

    def to_dict(self) -> dict[str, Any]:
        """The declaration as written in a codebook file (lists, dicts, no None).

        Returns
        -------
        dict
            ``type`` and every declared field, as :meth:`Codebook.from_dict` reads it.

        Examples
        --------
        >>> from micropop.codebook import Variable
        >>> Variable("age", "integer", range=(15, 99), missing=(-1,)).to_dict()
        {'type': 'integer', 'range': [15, 99], 'missing': [-1]}
        """
        out: dict[str, Any] = {"type": self.type}
        for name in ("description", "levels", "range", "missing", "format", "value_labels"):
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
            values = values.mask(isin_codes(values, self._missing_codes()))
        if self.type in NUMERIC_TYPES:
            out = self._to_number(values, where, decimal)
        elif self.type in _CATEGORICAL:
            return self._to_categorical(values, where)
        elif self.type == "date":
            out = self._to_date(values, where)
        else:
            return values.astype("string")
        if self.range is not None:
            out.attrs = {**values.attrs, **out.attrs}  # rows named as read (file lines)
            self._check_range(out, where)
        return out

    def _to_number(self, values: pd.Series, where: str, decimal: str) -> pd.Series:
        text = None
        if is_numeric_dtype(values) and not is_bool_dtype(values):
            numbers = values
        else:
            numbers, text = parse_numbers(values, where, self.type, decimal)
            numbers = numbers.mask(isin_codes(numbers, self.missing or ()))
        check_stored(numbers, values, where, text=text)
        if self.type == "numeric":
            return numbers.astype("float64")
        fractional = as_mask(numbers.notna() & (numbers != np.floor(numbers)))
        if fractional.any():
            raise NonIntegerError(
                f"{where} is declared integer but holds {counted(fractional.sum(), 'value')} "
                f"with a fractional part: {bad_rows(values, fractional)}",
                hint="correct these values or declare the variable numeric")
        huge = as_mask(numbers.abs() >= 2.0 ** 63)
        if huge.any():
            raise OutOfRangeError(
                f"{where} is declared integer but holds {counted(huge.sum(), 'value')} too large "
                f"for a whole number (64 bits): {bad_rows(values, huge)}",
                hint="declare the variable numeric, or string if it holds codes")
        return numbers.astype("Int64")

    def _to_date(self, values: pd.Series, where: str) -> pd.Series:
        if is_datetime64_any_dtype(values):
            return values
        text = stripped_text(values)
        dates = pd.to_datetime(text, format=self.format or "ISO8601", errors="coerce")
        bad = as_mask(text.notna() & dates.isna())
        if bad.any():
            raise InvalidDateError(
                f"{where} holds {counted(bad.sum(), 'value')} that are not dates in the format "
                f"{self.format or 'ISO 8601 (YYYY-MM-DD)'}: {bad_rows(values, bad)}",
                hint="correct these values, or set `format` in the codebook (e.g. '%d/%m/%Y')")
        return dates

    def _to_categorical(self, values: pd.Series, where: str) -> pd.Series:
        if self.levels is None:
            if self.type == "ordered":
                raise CodebookError(f"{where} is declared ordered but no levels are given",
                                    hint="list the levels in order in the codebook")
            return values.astype("category")
        pairs = self._kept_pairs()
        lookup = {code_key(label): i for i, (_, label) in enumerate(pairs)}
        lookup.update({code_key(code): i for i, (code, _) in enumerate(pairs)})
        keys = code_keys(values)
        at, distinct = pd.factorize(keys)  # each distinct key looked up once; NA at -1
        codes = np.array([lookup.get(key, -1) for key in distinct] + [-1], dtype=int)[at]
        bad = (at >= 0) & (codes < 0)
        if bad.any():
            allowed = ", ".join(f"{c}={lab}" if c != lab else str(lab) for c, lab in pairs[:10])
            allowed += f", ... ({len(pairs)} levels)" if len(pairs) > 10 else ""
            raise InvalidLevelError(
                f"{where} holds {counted(bad.sum(), 'value')} outside its levels ({allowed}): "
                f"{bad_rows(values, bad)}",
                hint="correct these values, add the levels to the codebook, "
                     "or declare them under `missing`")
        categorical = pd.Categorical.from_codes(  # type: ignore[call-overload]  # stubs
            codes, categories=[lab for _, lab in pairs],  # want an Index; pandas takes a list
            ordered=self.type == "ordered")
        return pd.Series(categorical, index=values.index, name=values.name)

    def _check_range(self, values: pd.Series, where: str) -> None:
        low, high = self._bounds()
        outside = pd.Series(False, index=values.index)
        if low is not None:
            outside |= values < low
        if high is not None:
            outside |= values > high
        bad = as_mask(outside)
        if bad.any():
            first, last = self.range or (None, None)
            shown = f"[{'-inf' if first is None else first}, {'inf' if last is None else last}]"
            raise OutOfRangeError(
                f"{where} holds {counted(bad.sum(), 'value')} outside the range {shown}: "
                f"{bad_rows(values, bad)}",
                hint="correct these values, widen `range` in the codebook, or declare "
                     "non-response codes under `missing`")


def level_pairs(levels: Mapping[Any, Any] | Sequence[Any] | None) -> list[tuple[Any, Any]]:
    """``(code, label)`` of each level of a variable; for a list of levels, code = label.

    Examples
    --------
    >>> level_pairs({1: "female", 2: "male"}), level_pairs(("low", "high"))
    ([(1, 'female'), (2, 'male')], [('low', 'low'), ('high', 'high')])
    """
    if isinstance(levels, Mapping):
        return list(levels.items())
    return [(level, level) for level in levels or ()]


def parse_variable(name: str, spec: Any) -> Variable:
    """Build a :class:`Variable` from its codebook entry, rejecting unknown keys."""
    if not isinstance(spec, Mapping):
        raise CodebookError(f"variable {name!r}: entry must be a mapping, got {spec!r}",
                            hint=f"write for example `{name}: {{type: numeric}}`")
    unknown = [k for k in spec if k not in _VARIABLE_KEYS]
    if unknown:
        raise CodebookError(
            f"variable {name!r}: unknown key {unknown[0]!r}"
            f"{suggest(str(unknown[0]), _VARIABLE_KEYS)}",
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
            if repeated_codes(list(value)):
                raise CodebookError(f"variable {name!r}: codes repeated in {key}: "
                                    f"{listing(repeated_codes(list(value)))}",
                                    hint="give each code once (11 and '11' are the same code)")
            fields[key] = {from_json_key(code): label for code, label in value.items()}
        elif isinstance(value, (list, tuple)):
            fields[key] = tuple(value)
        elif value is not None:
            raise CodebookError(f"variable {name!r}: `{key}` must be a list or a mapping, "
                                f"got {value!r}", hint=f"write for example `{key}: [{value}]`")
    rng = spec.get("range")
    if rng is not None and not (isinstance(rng, (list, tuple)) and len(rng) == 2):
        raise CodebookError(f"variable {name!r}: range must be [min, max], got {rng!r}",
                            hint="write null for an open end, e.g. [0, null]")
    labels = spec.get("value_labels")
    if isinstance(labels, Mapping):
        labels = {lang: ({from_json_key(code): text for code, text in names.items()}
                         if isinstance(names, Mapping) else names)
                  for lang, names in labels.items()}
    return Variable(name=name, type=spec["type"], range=None if rng is None else tuple(rng),
                    format=spec.get("format"), value_labels=labels, **fields)


def merge_variable(base: Variable, mine: Variable) -> Variable:
    levels = mine.levels
    if mine.type in _CATEGORICAL and isinstance(base.levels, Mapping):
        if levels is None:
            levels = base.levels
        elif isinstance(levels, tuple):
            code_of = {code_key(label): code for code, label in base.levels.items()}
            unknown = [lab for lab in levels if code_key(lab) not in code_of]
            if unknown:
                raise CodebookError(
                    f"variable {mine.name!r}: levels {listing(unknown)} are not among the value "
                    f"labels of the file ({listing(list(base.levels.values()))})",
                    hint="spell the levels as the file labels them, "
                         "or give a mapping {code: label}")
            levels = {code_of[code_key(lab)]: lab for lab in levels}
    return replace(mine, levels=levels, description=mine.description or base.description,
                   value_labels=mine.value_labels or base.value_labels)


def describe(name: str, values: pd.Series, description: str | None) -> Variable:
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
