"""Population margins: reading them, matching them to the sample, checking them.

A margin is the population count of every level of a categorical variable (or
of a cross of several: ``("sex", "age_band")``), or the population total of a
numeric variable. :func:`parse_margins` turns the user's specification
(a dict of level counts, a Series, a DataFrame of counts, a number) into
:class:`Margin` objects whose levels are matched, one to one, to the levels
found in the sample; every mismatch is an error that names the level, never a
silent collapse. :func:`sex_age_margins` and :func:`demo_margins`, which build
margins from the INSEE census, live in :mod:`micropop.reference.census` and are
importable from here too.

Examples
--------
>>> import pandas as pd
>>> from micropop.weighting.margins import sex_age_margins
>>> df = pd.DataFrame({"sex": ["female", "male"], "age_band": ["25-29", "30-34"]})
>>> margins = sex_age_margins(df)
>>> margins["sex"]["female"], margins["age_band"]["25-29"]
(4020276, 3834453)
"""

from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from micropop.design.encode import require_columns
from micropop.errors import (
    LevelNotInMarginError,
    LevelNotInSampleError,
    MarginLevelError,
    MicropopWarning,
    PopulationCountError,
    WeightingError,
    WeightingMissingError,
    data_rows,
)
from micropop.reference.census import demo_margins, sex_age_margins
from micropop.weighting._categorical import check_categorical
from micropop.weighting._projection import group_sums
from micropop.weighting._targets import (
    Miss,
    check_carried,
    check_met,
    check_totals,
    furthest,
    worst_miss,
)

__all__ = ["Margin", "Miss", "parse_margins", "cells", "check_totals", "check_observed",
           "check_categorical", "check_met", "check_carried", "worst_miss", "furthest",
           "class_codes", "level_label",
           "sex_age_margins", "demo_margins", "MarginSpec", "MET_RTOL"]

#: What a margin may be given as: level counts (dict, Series, DataFrame) or a total.
MarginSpec = Mapping[Any, float] | pd.Series | pd.DataFrame | float

#: A weighting step meets a target when ``|achieved - target| <= rtol (1 + |target|)``
#: (R's grake criterion), beyond the disagreement of the margins' totals; this ``rtol``
#: for steps solved exactly (post-stratification, linear calibration, nonresponse, trimming).
MET_RTOL = 1e-6


@dataclass(frozen=True, eq=False)
class Margin:
    """One population margin matched to the sample.

    Attributes
    ----------
    variables : tuple of str
        The column (or the crossed columns) the margin counts.
    levels : tuple of str or None
        Level labels (``"female"``, or ``"female.25-29"`` for a cross, in R's
        ``interaction`` style); None for a numeric total.
    targets : ndarray
        Population count of each level, or the one numeric total.
    codes : ndarray of intp or None
        Level index of every row of the data (-1: not in the margin, which
        only rows outside the design's scope may be).
    values : ndarray or None
        The numeric column (0 where outside the scope), for a numeric total.

    Examples
    --------
    >>> Margin(("sex",), ("f", "m"), np.array([6.0, 4.0]), np.array([0, 1, 1]), None).name
    'sex'
    """

    variables: tuple[str, ...]
    levels: tuple[str, ...] | None
    targets: np.ndarray
    codes: np.ndarray | None
    values: np.ndarray | None

    @property
    def name(self) -> str:
        """The margin's name: ``"sex"`` or ``"sex x age_band"``."""
        return " x ".join(self.variables)

    @property
    def categorical(self) -> bool:
        """True for level counts, False for the total of a numeric column."""
        return self.levels is not None

    @property
    def level_names(self) -> tuple[str, ...]:
        """The levels of a categorical margin (``levels``, never None there)."""
        assert self.levels is not None, f"margin {self.name!r} is a numeric total"
        return self.levels

    @property
    def level_codes(self) -> np.ndarray:
        """The level code of every row of a categorical margin (``codes``, never None there)."""
        assert self.codes is not None, f"margin {self.name!r} is a numeric total"
        return self.codes

    def achieved(self, weights: np.ndarray) -> np.ndarray:
        """Weighted counts of the levels (or the weighted total) under ``weights``.

        Parameters
        ----------
        weights : ndarray
            Weights (n,), or weight columns (n, k): the sample's, then replicates'.

        Returns
        -------
        ndarray
            (K,) for weights (n,), (K, k) for weight columns (n, k).

        Examples
        --------
        >>> m = Margin(("sex",), ("f", "m"), np.array([6.0, 4.0]), np.array([0, 1, 1]), None)
        >>> m.achieved(np.array([6.0, 2.0, 2.0])).tolist()
        [6.0, 4.0]
        """
        matrix = weights if weights.ndim == 2 else weights[:, None]
        if self.values is None:  # categorical
            out = group_sums(self.level_codes, matrix, len(self.level_names))
        else:
            out = (self.values @ matrix)[None, :]
        return out if weights.ndim == 2 else out[:, 0]

    def labels(self) -> list[str]:
        """Row labels for tables: the levels, or ``"(total)"`` for a total.

        Returns
        -------
        list of str

        Examples
        --------
        >>> Margin(("x",), None, np.array([9.0]), None, np.ones(3)).labels()
        ['(total)']
        """
        return list(self.level_names) if self.categorical else ["(total)"]


def parse_margins(frame: pd.DataFrame, rows: np.ndarray, spec: Mapping[Any, MarginSpec],
                  numeric: bool = True, partial: bool = False) -> list[Margin]:
    """Margins from a specification such as ``{"sex": {...}, "income": 4.1e8}``.

    The one reading of every margin, however it is given: levels are matched
    as text (:func:`level_label`: ``1``, ``1.0`` and ``"1"`` are one level,
    so a margin giving two of them, or a data column holding two of them, is
    refused), each level is counted once, counts are finite numbers above 0,
    and every level of the margin and of the sample has its match.

    Parameters
    ----------
    frame : DataFrame
        All rows of the design's data.
    rows : ndarray of bool
        Rows being weighted (in the design's scope, with a positive weight).
    spec : mapping
        Key: a column, or a tuple of columns for a cross. Value: level counts
        (a dict ``{level: count}``, a Series indexed by level, or a DataFrame
        with the key's columns and one count column, R's ``postStratify``
        style); or, when ``numeric``, a number: the population total of a
        numeric column.
    numeric : bool, default True
        Whether numeric totals are allowed (calibration) or not (raking,
        post-stratification).
    partial : bool, default False
        Drop population levels absent from the sample, with a warning (R's
        ``postStratify(partial=TRUE)``), instead of raising.

    Returns
    -------
    list of Margin
        One per key of ``spec``, in order.

    Raises
    ------
    MissingColumnError, WeightingMissingError, NotCategoricalError, MarginLevelError,
    LevelNotInSampleError, LevelNotInMarginError, PopulationCountError, WeightingError

    Examples
    --------
    >>> df = pd.DataFrame({"sex": ["f", "m", "m"], "x": [1.0, 2.0, 3.0]})
    >>> sex, x = parse_margins(df, np.ones(3, dtype=bool), {"sex": {"m": 4, "f": 6}, "x": 9})
    >>> sex.levels, sex.targets.tolist(), sex.codes.tolist(), x.categorical
    (('m', 'f'), [4.0, 6.0], [1, 0, 0], False)
    """
    if not isinstance(spec, Mapping) or not spec:
        raise WeightingError("margins must be a non-empty dict: column -> population counts",
                             hint="e.g. {'sex': {'female': 143000, 'male': 117000}}")
    margins = []
    for key, value in spec.items():
        variables = tuple(key) if isinstance(key, tuple) else (key,)
        if not variables:
            raise WeightingError("a margin names no column (an empty tuple or list)",
                                 hint="key each margin by a column, or a tuple of columns")
        require_columns(frame, list(variables))
        check_observed(frame, rows, variables)
        if isinstance(value, Real) and not isinstance(value, bool):
            if not numeric:
                raise WeightingError(f"margin {key!r} is a single number {value!r}; raking "
                                     "and post-stratification need a count per level",
                                     hint="give {level: count}, or use calibrate() for "
                                          "totals of numeric variables")
            margins.append(_numeric(frame, rows, variables, float(value)))
        else:
            margins.append(categorical(frame, rows, variables, value, partial))
    return margins


def categorical(frame: pd.DataFrame, rows: np.ndarray, variables: tuple[str, ...],
                population: MarginSpec, partial: bool = False) -> Margin:
    """A categorical margin (one column or a cross) matched to the sample's levels.

    With ``partial`` (R's ``postStratify(partial=TRUE)``), population levels
    absent from the sample are dropped instead of raising.
    """
    counts = _population_counts(population, variables)
    name = " x ".join(variables)
    check_categorical(frame, variables)
    combined, keys = _row_codes(frame, variables)
    sampled = {keys[int(code)] for code in np.unique(combined[rows & (combined >= 0)])}
    absent = [level for level in counts if level not in sampled]
    if absent and not partial:
        raise LevelNotInSampleError(
            f"margin {name!r}: level(s) {_quote(_shown(absent))} have population counts but no "
            "sampled row to carry them",
            hint="merge them with a neighbouring level in both the data and the margin "
                 "(poststratify(partial=True) ignores them, as R's partial=TRUE)")
    if absent:
        warnings.warn(f"margin {name!r}: population level(s) {_quote(_shown(absent))} absent "
                      "from the sample were ignored (partial=True, as R)", UserWarning,
                      stacklevel=4)
    kept = [level for level in counts if level not in absent]
    index = {level: k for k, level in enumerate(kept)}
    lookup = np.full(max(keys, default=-1) + 2, -1, dtype=np.intp)  # the last reads code -1
    for code, level in keys.items():
        lookup[code] = index.get(level, -1)
    codes = lookup[combined]
    unmatched = rows & (codes < 0)
    if unmatched.any():
        extra = [keys[int(code)] for code in pd.unique(combined[unmatched])]
        raise LevelNotInMarginError(
            f"margin {name!r} gives no population count for level(s) {_quote(_shown(extra))}, "
            f"held by {data_rows(frame, unmatched)}",
            hint="add their population counts to the margin, or recode those rows to a "
                 "level the margin counts")
    targets = np.array([counts[level] for level in kept], dtype=float)
    sampled_rows = int((rows & (codes >= 0)).sum())
    if targets.sum() < sampled_rows:
        warnings.warn(f"margin {name!r} counts a population of {targets.sum():,.6g}, fewer "
                      f"than the {sampled_rows} sampled rows it weights (a mean weight below "
                      "1): are these shares or percentages rather than counts? Give population "
                      "counts (share x population size)", MicropopWarning, stacklevel=4)
    return Margin(variables, tuple(_shown(kept)), targets, codes, None)


def cells(margins: Sequence[Margin]) -> tuple[np.ndarray, np.ndarray]:
    """Cells of the cross of categorical margins: a cell code per row and each cell's levels.

    Parameters
    ----------
    margins : sequence of Margin

    Returns
    -------
    cell : ndarray of intp
        Cell of each row (n,), -1 for rows outside some margin.
    levels : ndarray of intp
        (M, C): the level of margin m held by cell c; weighting works on the C cells.

    Examples
    --------
    >>> sex = Margin(("sex",), ("f", "m"), np.array([6.0, 4.0]), np.array([0, 1, 1]), None)
    >>> old = Margin(("old",), ("no", "yes"), np.array([5.0, 5.0]), np.array([0, 0, 1]), None)
    >>> [array.tolist() for array in cells([sex, old])]
    [[0, 1, 2], [[0, 1, 1], [0, 0, 1]]]
    """
    sizes = np.array([len(m.level_names) for m in margins], dtype=np.intp)
    radix = np.concatenate([[1], np.cumprod(sizes[:-1])]).astype(np.intp)
    combined = margins[0].level_codes.astype(np.intp)  # a copy, added to in place
    inside = margins[0].level_codes >= 0
    for margin, step in zip(margins[1:], radix[1:], strict=True):
        combined += margin.level_codes * step
        inside &= margin.level_codes >= 0
    every = bool(inside.all())
    used = np.bincount(combined if every else combined[inside],
                       minlength=int(np.prod(sizes))) > 0
    uniques = np.flatnonzero(used)
    number = (np.cumsum(used) - 1).astype(np.intp)  # dense number of each used combination
    cell = number[combined] if every else np.where(inside, number[np.where(inside, combined,
                                                                           0)], -1)
    levels = (uniques[None, :] // radix[:, None]) % sizes[:, None]
    return cell, levels.astype(np.intp)


# --- reading specifications ------------------------------------------------


def level_label(value: Any) -> str:
    """A level as the text it is matched by: the same for ``1``, ``1.0`` and ``"1"``.

    Whole numbers read without a decimal point, booleans as ``"True"`` and
    ``"False"``, text in Unicode NFC (so that an accented level typed one way
    matches the same level stored the other way).

    Parameters
    ----------
    value : object
        A level, from the data or from a margin.

    Returns
    -------
    str

    Examples
    --------
    >>> [level_label(v) for v in (1, 1.0, "1", 2.5, True)]
    ['1', '1', '1', '2.5', 'True']
    >>> level_label("e\\u0301") == "\\u00e9"  # e + combining accent: the one-character form
    True
    """
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    return str(value)


def _shown(levels: Sequence[tuple[str, ...]]) -> list[str]:
    """Level keys as labels: ``"female"``, or ``"female.25-29"`` for a cross (R's interaction)."""
    return [".".join(level) for level in levels]


def _population_counts(population: MarginSpec,
                       variables: tuple[str, ...]) -> dict[tuple[str, ...], float]:
    """Level (a tuple of labels, one per variable) -> count, each level once, counts checked."""
    name = " x ".join(variables)
    if isinstance(population, pd.DataFrame):
        missing = [v for v in variables if v not in population.columns]
        counts = [c for c in population.columns if c not in variables]
        if missing or len(counts) != 1:
            raise WeightingError(f"a population DataFrame for {variables} needs columns "
                                 f"{list(variables)} and one count column (got "
                                 f"{list(population.columns)})",
                                 hint="as R's postStratify: one row per level, e.g. "
                                      "columns ['stype', 'Freq']")
        keys = list(population[list(variables)].itertuples(index=False, name=None))
        values = list(population[counts[0]])
    elif isinstance(population, pd.Series):
        keys, values = list(population.index), list(population)
    elif isinstance(population, Mapping):
        keys, values = list(population.keys()), list(population.values())
    else:
        raise WeightingError(f"population counts for {name!r} must be a dict, Series or "
                             f"DataFrame, not {type(population).__name__}",
                             hint="e.g. {'female': 143000, 'male': 117000}")
    out: dict[tuple[str, ...], float] = {}
    given: dict[tuple[str, ...], Any] = {}
    bad = []
    for key, value in zip(keys, values, strict=True):
        parts = key if isinstance(key, tuple) else (key,)
        if len(parts) != len(variables):
            raise WeightingError(f"population level {key!r} does not name one level of each "
                                 f"of {list(variables)}",
                                 hint="key a cross by tuples, e.g. ('female', '25-29')")
        level = tuple(level_label(part) for part in parts)
        written = parts if len(parts) > 1 else parts[0]
        if level in out:
            raise MarginLevelError(f"margin {name!r} gives level {_shown([level])[0]!r} twice "
                                   f"(as {given[level]!r} and {written!r})",
                                   hint="give each level's population count once (levels "
                                        "match as text: 1, 1.0 and '1' are one level)")
        number = isinstance(value, (Real, Decimal)) and not isinstance(value, bool)
        count = float(value) if number else np.nan
        out[level], given[level] = count, written
        if not (np.isfinite(count) and count > 0):
            bad.append(f"{_shown([level])[0]!r} ({count:g})" if number else
                       f"{_shown([level])[0]!r} ({value!r})")
    if bad:
        raise PopulationCountError(f"margin {name!r} has zero, negative, missing or "
                                   f"non-numeric population counts for {', '.join(bad[:5])}",
                                   hint="population counts must be positive numbers; drop "
                                        "levels that do not exist in the population")
    if not np.isfinite(sum(out.values())):
        raise PopulationCountError(f"margin {name!r} adds up to more than a float can hold",
                                   hint="give counts of persons (or rescale the margins)")
    return out


def _row_codes(frame: pd.DataFrame,
               variables: tuple[str, ...]) -> tuple[np.ndarray, dict[int, tuple[str, ...]]]:
    """Integer code of each row's level (-1 if missing) and the level of each code in use.

    A level is a tuple of :func:`level_label` labels, one per variable. Only
    codes are computed per row; labels per distinct value, and levels per
    combination that occurs.
    """
    combined = np.zeros(len(frame), dtype=np.intp)  # + each column's codes times its radix
    missing = np.zeros(len(frame), dtype=bool)
    radix, uniques = 1, []
    for column in variables:
        series = frame[column]
        if isinstance(series.dtype, pd.CategoricalDtype):  # codes at hand
            codes, values = series.cat.codes.to_numpy(), series.cat.categories
        else:
            codes, values = pd.factorize(series)
        labels = [level_label(v) for v in values]
        if len(set(labels)) < len(labels):
            first: dict[str, Any] = {}
            for value, label in zip(values, labels, strict=True):
                if label in first:
                    one, other = repr(first[label]), repr(value)
                    if one == other:  # Unicode forms that print alike
                        one, other = ascii(first[label]), ascii(value)
                    raise MarginLevelError(
                        f"column {column!r} holds {one} and {other}, one level {label!r} once "
                        "read as text", hint="convert the column to one type (and one Unicode "
                        "form) first, so that each level is one value")
                first[label] = value
        codes = codes.astype(np.intp)
        missing |= codes < 0
        combined = combined + codes * radix
        radix *= max(len(values), 1)
        uniques.append(labels)
    if len(variables) > 1 and missing.any():
        combined = np.where(missing, -1, combined)
    keys: dict[int, tuple[str, ...]] = {}
    for code in np.unique(combined[combined >= 0]).tolist():
        rest, parts = code, []
        for labels in uniques:
            parts.append(labels[rest % len(labels)])
            rest //= len(labels)
        keys[code] = tuple(parts)
    return combined, keys


def class_codes(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Dense class code of each row (-1 if a column is missing) and each class's label.

    The classes of the cross of ``columns``, read as margins read levels (see
    :func:`level_label`), for nonresponse weighting classes.

    Parameters
    ----------
    frame : DataFrame
    columns : sequence of str

    Returns
    -------
    codes : ndarray of intp
        Class of each row, -1 where a column is missing.
    labels : list of str
        Label of each class (``"N"``, or ``"N.urban"`` for a cross, as R's ``interaction``).

    Examples
    --------
    >>> class_codes(pd.DataFrame({"region": ["N", "S", None, "N"]}), ["region"])
    (array([ 0,  1, -1,  0]), ['N', 'S'])
    """
    check_categorical(frame, columns)
    combined, keys = _row_codes(frame, tuple(columns))
    used = np.fromiter(keys, dtype=np.intp, count=len(keys))
    dense = np.full(max(keys, default=-1) + 2, -1, dtype=np.intp)
    dense[used] = np.arange(len(used))
    return dense[combined], _shown(list(keys.values()))


def check_observed(frame: pd.DataFrame, rows: np.ndarray, columns: Sequence[str],
                   what: str = "weighting variable",
                   hint: str = "impute them, give them a level of their own with its population "
                               "count, or drop those rows before weighting") -> None:
    """Raise WeightingMissingError naming the rows where a column is missing (within ``rows``).

    Parameters
    ----------
    frame : DataFrame
    rows : ndarray of bool
        The rows checked (those being weighted).
    columns : sequence of str
    what, hint : str, optional
        What the columns are, and what to do, in the message.

    Examples
    --------
    >>> check_observed(pd.DataFrame({"sex": ["f", None]}), np.ones(2, dtype=bool), ["sex"])
    Traceback (most recent call last):
    micropop.errors.WeightingMissingError: weighting variable 'sex' is missing in 1 row(s): ...
    """
    for column in columns:
        missing = frame[column].isna().to_numpy() & rows
        if missing.any():
            raise WeightingMissingError(
                f"{what} {column!r} is missing in {int(missing.sum())} row(s): "
                f"{data_rows(frame, missing)}", hint=hint)


# What pandas infers for a column that mixes text, numbers and True/False.
def _numeric(frame: pd.DataFrame, rows: np.ndarray, variables: tuple[str, ...],
             total: float) -> Margin:
    """A numeric total, refused when no non-negative weights can reach it."""
    (column,) = variables
    series = frame[column]
    if not pd.api.types.is_numeric_dtype(series) or isinstance(series.dtype,
                                                               pd.CategoricalDtype):
        raise WeightingError(f"column {column!r} is categorical; its margin needs a "
                             f"population count per level, not the single number {total:g}",
                             hint=f"give {{level: count}} for {column!r}")
    if not np.isfinite(total):
        raise PopulationCountError(f"the population total of {column!r} is {total}",
                                   hint="give a finite number")
    raw = series.to_numpy(dtype=float, na_value=np.nan)
    infinite = rows & np.isinf(raw)
    if infinite.any():
        raise WeightingError(f"numeric calibration variable {column!r} is infinite in "
                             f"{data_rows(frame, infinite, raw[infinite])}",
                             hint="fix or drop those rows before weighting")
    values = np.where(rows, raw, 0.0)
    low, high = float(values.min()), float(values.max())
    if (total > 0 and high <= 0) or (total <= 0 and low >= 0 and high > 0) or (
            total >= 0 and high <= 0 and low < 0) or (total < 0 and low >= 0):
        never = "positive" if total > 0 or (total == 0 and high <= 0) else "negative"
        raise PopulationCountError(
            f"the population total of {column!r} is {total:g}, but {column!r} is never "
            f"{never} in the sample (it runs from {low:g} to {high:g}), so no positive "
            "weights can reach that total",
            hint="check the sign and the unit of the total and of the column")
    return Margin(variables, None, np.array([total]), None, values)


def _quote(names: Sequence[Any], limit: int = 8) -> str:
    text = ", ".join(repr(str(n)) for n in names[:limit])
    return text + (f" and {len(names) - limit} more" if len(names) > limit else "")
