"""Exceptions raised by micropop.

Every error a user can trigger with bad input is a :class:`MicropopError`
subclass. Messages name what is wrong (the file, the column, the offending
rows or levels) and end with what to do about it, in the ``hint`` attribute.

Examples
--------
>>> from micropop.errors import MicropopError, describe_rows
>>> try:
...     raise MicropopError("column 'age' has 2 negative values", hint="fix the data")
... except MicropopError as err:
...     print(err)
column 'age' has 2 negative values. Fix the data.
>>> describe_rows([3, 7, 9], ["-1", "-4", "x"])
'rows 3, 7, 9 (values: -1, -4, x)'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "MicropopError",
    "DataFileError",
    "SurveyFileNotFoundError",
    "UnsupportedFormatError",
    "UnreadableFileError",
    "EmptyFileError",
    "FileEncodingError",
    "SheetNotFoundError",
    "CodebookError",
    "DataValidationError",
    "MissingColumnError",
    "InvalidLevelError",
    "OutOfRangeError",
    "NonNumericError",
    "DuplicateIdError",
    "NonIntegerError",
    "InvalidDateError",
    "MicropopWarning",
    "DatasetNotFoundError",
    "describe_rows",
    "data_rows",
    "MAX_ROWS_SHOWN",
]

#: How many offending rows an error message lists before summarising.
MAX_ROWS_SHOWN = 5


class MicropopError(Exception):
    """Base class of every error micropop raises on bad input.

    Parameters
    ----------
    message : str
        What is wrong, naming the file, column, rows or levels involved.
    hint : str, optional
        What the user can do about it; appended to the message.
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        text = message.rstrip(".") + "."
        if hint:
            text += " " + hint[0].upper() + hint[1:].rstrip(".") + "."
        super().__init__(text)


# --- arguments -------------------------------------------------------------

__all__ += ["OptionError", "UnknownLabelError", "check_option", "check_level", "check_number"]


class OptionError(MicropopError, ValueError):
    """An argument takes one of a fixed set of values (or a range) and was given another."""


class UnknownLabelError(MicropopError, KeyError):
    """A label that is not one of a result's rows."""


def check_level(name: str, level: float) -> float:
    """Return ``level`` if it is a coverage strictly between 0 and 1, else raise :class:`OptionError`.

    Examples
    --------
    >>> check_level("conf_level", 0.9)
    0.9
    >>> check_level("conf_level", 95)
    Traceback (most recent call last):
    ...
    micropop.errors.OptionError: conf_level=95 is not a coverage. Give a level between 0 and 1, e.g. 0.95.
    >>> check_level("conf_level", "0.95")
    Traceback (most recent call last):
    ...
    micropop.errors.OptionError: conf_level='0.95' is not a number. Give a level between 0 and 1, e.g. 0.95.
    """
    hint = "give a level between 0 and 1, e.g. 0.95"
    level = check_number(name, level, hint=hint)  # text, True/False and NaN refused by name
    if not 0 < level < 1:
        raise OptionError(f"{name}={level:g} is not a coverage", hint=hint)
    return level


def check_option(name: str, value: Any, choices: Sequence[Any]) -> Any:
    """Return ``value`` if it is one of ``choices``, else raise :class:`OptionError`.

    Parameters
    ----------
    name : str
        The argument, as the user wrote it (e.g. ``"ci"``).
    value : object
    choices : sequence
        The accepted values, listed in the message.

    Examples
    --------
    >>> check_option("ci", "logit", ["logit", "wilson"])
    'logit'
    >>> check_option("ci", "exact", ["logit", "wilson"])
    Traceback (most recent call last):
    ...
    micropop.errors.OptionError: ci='exact' is not one of the choices. Use one of 'logit', 'wilson'.
    """
    if value not in choices:
        raise OptionError(f"{name}={value!r} is not one of the choices",
                          hint="use one of " + ", ".join(map(repr, choices)))
    return value


def check_number(name: str, value: Any, *, low: float | None = None, high: float | None = None,
                 low_open: bool = False, high_open: bool = False, integer: bool = False,
                 allow_inf: bool = False, hint: str | None = None) -> Any:
    """Return ``value`` as a float (or int) if it is a real number in range, else raise :class:`OptionError`.

    The one check of every scalar numeric argument (bounds, scales, counts of
    replicates, poverty lines, tolerances): booleans, text, ``None``, NaN and
    (unless ``allow_inf``) infinities are refused by name instead of being
    silently converted or treated as "no limit".

    Parameters
    ----------
    name : str
        The argument, as the user wrote it (e.g. ``"replicates"``).
    value : object
    low, high : float, optional
        Limits of the accepted range (inclusive unless ``low_open``/``high_open``).
    integer : bool, default False
        Require a whole number (``3`` or ``3.0``, not ``2.5``); an int is returned.
    allow_inf : bool, default False
        Accept ``-inf``/``inf`` (still subject to the limits).
    hint : str, optional
        What to do instead; a hint built from the range is used otherwise.

    Examples
    --------
    >>> check_number("replicates", 50.0, low=2, integer=True)
    50
    >>> check_number("scale", float("nan"), low=0, low_open=True)
    Traceback (most recent call last):
    ...
    micropop.errors.OptionError: scale=nan is not a number. Give a number above 0.
    >>> check_number("replicates", 2.5, low=2, integer=True)
    Traceback (most recent call last):
    ...
    micropop.errors.OptionError: replicates=2.5 is not a whole number. Give a whole number of at least 2.
    """
    if isinstance(value, np.generic):
        value = value.item()  # the message shows 0.5, not np.float64(0.5)
    kind = "whole number" if integer else "number"
    parts = []
    if low is not None:
        parts.append(f"above {low:g}" if low_open else f"of at least {low:g}")
    if high is not None:
        parts.append(f"below {high:g}" if high_open else f"of at most {high:g}")
    advice = hint or (f"give a {kind} " + " and ".join(parts) if parts else f"give a finite {kind}")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise OptionError(f"{name}={value!r} is not a number", hint=advice)
    try:
        number = float(value)
    except OverflowError:  # an int beyond double range, e.g. 10**400
        raise OptionError(f"{name}={value!r} is too large", hint=advice) from None
    if np.isnan(number) or (np.isinf(number) and not allow_inf):
        raise OptionError(f"{name}={value!r} is not a number" if np.isnan(number)
                          else f"{name}={value!r} is not finite", hint=advice)
    if integer and np.isfinite(number) and number != np.floor(number):
        raise OptionError(f"{name}={value!r} is not a whole number", hint=advice)
    if ((low is not None and (number < low or (low_open and number == low)))
            or (high is not None and (number > high or (high_open and number == high)))):
        raise OptionError(f"{name}={value!r} is out of range", hint=advice)
    return int(number) if integer and np.isfinite(number) else number


# --- user expressions (micropop.expressions, SurveyDesign.subset) ------------

__all__ += ["ExpressionError"]


class ExpressionError(MicropopError, ValueError):
    """A condition written as text (``des.subset("age >= 18")``) that the safe grammar refuses.

    The message names the offending part and its character position: code
    (attribute access, calls, ``@`` variables), an unknown column, a value of
    the wrong kind or outside a column's levels. The hint lists what is allowed.
    """


# --- reading files ---------------------------------------------------------


class DataFileError(MicropopError):
    """A survey file could not be read as data."""


class SurveyFileNotFoundError(DataFileError, FileNotFoundError):
    """The path given does not exist."""


class UnsupportedFormatError(DataFileError, ValueError):
    """The file extension is not one micropop reads."""


class UnreadableFileError(DataFileError):
    """The file exists but is corrupt or not in the format its extension says."""


class EmptyFileError(DataFileError):
    """The file holds no rows (or no columns)."""


class FileEncodingError(DataFileError, UnicodeError):
    """Bytes in a text file could not be decoded with the chosen encoding."""


class SheetNotFoundError(DataFileError, LookupError):
    """The spreadsheet has no sheet with the name or index asked for."""


__all__ += ["HeaderError", "AmbiguousFormatError"]


class HeaderError(DataFileError, ValueError):
    """The header does not name every column once: a name repeated or missing, a title
    row read as the header, or a line of data where the column names should be."""


class AmbiguousFormatError(DataFileError, ValueError):
    """The separator or decimal mark of a text file cannot be told with certainty."""


# --- codebooks and validation ----------------------------------------------


class CodebookError(MicropopError, ValueError):
    """A codebook is malformed (unknown type, bad range, unreadable YAML/JSON)."""


class DataValidationError(MicropopError, ValueError):
    """The data do not satisfy the codebook or a declared constraint."""


class MissingColumnError(DataValidationError, KeyError):
    """A column declared in the codebook (or asked for) is absent from the data."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return Exception.__str__(self)


class InvalidLevelError(DataValidationError):
    """A categorical column holds values outside its allowed levels."""


class OutOfRangeError(DataValidationError):
    """A numeric column holds values outside its valid range."""


class NonNumericError(DataValidationError):
    """A numeric column holds text that is not a number."""


class DuplicateIdError(DataValidationError):
    """The declared respondent id column has repeated values."""


class NonIntegerError(NonNumericError):
    """A column declared ``integer`` holds numbers with a fractional part."""


class InvalidDateError(DataValidationError):
    """A column declared ``date`` holds text that is not a date in the declared format."""


class MicropopWarning(UserWarning):
    """Something the user should know about, that does not stop the computation.

    For example: columns of a data file that its codebook does not declare.
    """


# --- packaged data ---------------------------------------------------------


class DatasetNotFoundError(MicropopError, KeyError):
    """An unknown name was asked of :mod:`micropop.datasets`."""

    def __str__(self) -> str:
        return Exception.__str__(self)


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
        vals = [str(v) for v, _ in zip(values, shown)]
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

    Examples
    --------
    >>> data_rows(pd.RangeIndex(5), np.array([False, True, False, True, False]), [7, 9])
    'data rows 2, 4 (values: 7, 9)'
    >>> data_rows(pd.Index(["a", "b"]), np.array([False, True]))
    'data row 2 (id b)'
    """
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    plain = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
    rows: list = list(positions + 1)
    if not plain:
        rows[:MAX_ROWS_SHOWN] = [f"{p + 1} (id {index[p]})" for p in positions[:MAX_ROWS_SHOWN]]
    return "data " + describe_rows(rows, None if values is None else list(values))


# --- designs and estimation ------------------------------------------------

__all__ += [
    "DesignError",
    "NotADesignError",
    "WeightError",
    "LonelyPSUError",
    "EmptyDomainError",
    "NotNumericVariableError",
    "MissingValuesError",
    "InfiniteValueError",
]


class DesignError(MicropopError, ValueError):
    """A survey design is inconsistent (strata, PSUs or fpc)."""


class NotADesignError(DesignError, TypeError):
    """Something else (a DataFrame, None, text) given where a survey design is expected."""


class WeightError(DesignError):
    """Sampling weights are missing, negative or infinite."""


class LonelyPSUError(DesignError):
    """A stratum holds a single PSU and the lonely-PSU policy is ``"fail"``."""


class EmptyDomainError(MicropopError, ValueError):
    """A domain (subset, ``by=`` level) holds no sampled row or no weight."""


class NotNumericVariableError(MicropopError, TypeError):
    """An analysis variable is not numeric where a number is needed."""


class MissingValuesError(MicropopError, ValueError):
    """An analysis variable has missing values and ``na_rm`` is False."""


class InfiniteValueError(MicropopError, ValueError):
    """An analysis variable holds infinite values, or an estimate (or its covariance)
    is beyond the range of double precision (about 1.8e308)."""


# --- population size -------------------------------------------------------

__all__ += [
    "CaptureRecaptureError",
    "NoRecaptureError",
    "InconsistentCountsError",
    "EmptyCapturePatternError",
    "InvalidCountError",
    "NonBinaryHistoryError",
    "TooFewListsError",
    "UnknownListError",
    "UnboundedSizeError",
    "CaptureConvergenceError",
]


class CaptureRecaptureError(MicropopError, ValueError):
    """Capture–recapture input that no estimator can use."""


class NoRecaptureError(CaptureRecaptureError):
    """No one is on both lists, so Lincoln–Petersen divides by zero."""


class InconsistentCountsError(CaptureRecaptureError):
    """Counts contradict each other (more recaptures than captures)."""


class EmptyCapturePatternError(CaptureRecaptureError):
    """A capture history with no capture at all (all zeros) carries a count."""


class InvalidCountError(CaptureRecaptureError):
    """A count or frequency is negative, fractional or missing."""


class NonBinaryHistoryError(CaptureRecaptureError):
    """A capture-history column holds values other than 0 and 1."""


class TooFewListsError(CaptureRecaptureError):
    """Fewer than two lists (capture occasions) were given."""


class UnknownListError(CaptureRecaptureError, KeyError):
    """A model term names a list that is not in the data."""

    def __str__(self) -> str:
        return Exception.__str__(self)


class UnboundedSizeError(NoRecaptureError):
    """The data put no upper bound on the size under the model: its estimate does not exist.

    No recapture the model can use (e.g. no one on two lists, or the only overlap
    absorbed by an interaction term): the likelihood keeps growing as the size grows.
    """


class CaptureConvergenceError(CaptureRecaptureError):
    """A capture–recapture model or interval did not converge within its iterations."""


# --- inequality ------------------------------------------------------------

__all__ += [
    "InequalityError",
    "NegativeIncomeError",
    "ZeroIncomeError",
    "InequalityParameterError",
]


class InequalityError(MicropopError, ValueError):
    """Income data or parameters that an inequality or poverty measure cannot use."""


class NegativeIncomeError(InequalityError):
    """Negative incomes given to a measure that needs non-negative ones (Gini, QSR, ...)."""


class ZeroIncomeError(InequalityError):
    """Incomes are all zero where a measure divides by their total (Gini, QSR, Lorenz)."""


class InequalityParameterError(InequalityError, OptionError):
    """A share, percent or poverty line outside its range (fractions, not percent).

    Also an :class:`OptionError`, as every other bad scalar argument.
    """


# --- size from surveys and platforms -------------------------------------

__all__ += [
    "SizeInputError",
    "IndicatorError",
    "MultiplicityError",
    "NestingError",
    "PlatformFigureError",
]


class SizeInputError(MicropopError, ValueError):
    """Survey or platform input that a population-size estimator cannot use."""


class IndicatorError(SizeInputError):
    """A trait indicator holds values other than 0 and 1 (or a level is unknown)."""


class MultiplicityError(SizeInputError):
    """The multiplicity (platforms per person) is absent, below 1 or not a number."""


class NestingError(SizeInputError):
    """Circles defined so that an inner one would not sit inside the outer one."""


class PlatformFigureError(SizeInputError):
    """Platform figures without a source or status, negative, or not numbers."""


# --- profiles ---

__all__ += [
    "ProfileError",
    "ReferenceLevelError",
    "ReferenceYearError",
    "EarningsError",
    "NegativeEarningsError",
    "ZeroHoursError",
]


class ProfileError(MicropopError, ValueError):
    """A reference population or profile request that cannot be compared with the survey."""


class ReferenceLevelError(ProfileError):
    """Reference levels that are not the survey's (or survey levels the reference lacks)."""


class ReferenceYearError(ProfileError, KeyError):
    """A year asked of a reference table (poverty line, minimum wage) that it does not hold."""

    def __str__(self) -> str:
        return Exception.__str__(self)


class EarningsError(MicropopError, ValueError):
    """Earnings, hours or household data that an earnings indicator cannot use."""


class NegativeEarningsError(EarningsError):
    """Negative earnings, hours, incomes or household counts."""


class ZeroHoursError(EarningsError):
    """Hourly earnings asked for rows with zero weekly hours (the rate is undefined)."""


# --- weighting -------------------------------------------------------------

__all__ += [
    "WeightingError",
    "MarginLevelError",
    "LevelNotInSampleError",
    "LevelNotInMarginError",
    "MarginTotalsError",
    "PopulationCountError",
    "NotCategoricalError",
    "WeightingMissingError",
    "ConvergenceError",
    "InfeasibleBoundsError",
]


class WeightingError(MicropopError, ValueError):
    """Margins, population counts or options that weighting cannot use."""


class MarginLevelError(WeightingError):
    """The levels of a margin and of the sample do not match."""


class LevelNotInSampleError(MarginLevelError):
    """A margin level has a population count but no sampled row (nothing to weight up)."""


class LevelNotInMarginError(MarginLevelError):
    """Sampled rows hold a level that the population margin does not count."""


class MarginTotalsError(WeightingError):
    """Categorical margins add up to different population totals."""


class PopulationCountError(WeightingError):
    """A population count or total is negative, zero, missing or not a number."""


class NotCategoricalError(WeightingError, TypeError):
    """A margin expects a categorical variable and the column is continuous."""


class WeightingMissingError(WeightingError):
    """A weighting variable (margin, class, response indicator) has missing values."""


class ConvergenceError(WeightingError):
    """Raking or calibration did not reach its targets within the iterations allowed."""


class InfeasibleBoundsError(WeightingError):
    """Bounds on the weights (or g-weights) that no solution can satisfy."""


# --- report configuration ----------------------------------------------------

__all__ += ["ConfigError", "ReportOutputError", "FigureInputError"]


class ConfigError(MicropopError, ValueError):
    """An analysis configuration (``micropop report --config``) is invalid: the message names the key."""


class ReportOutputError(MicropopError, OSError):
    """The report's output folder cannot be written or replaced (a file, foreign files in it)."""


class FigureInputError(MicropopError, ValueError):
    """A figure was given input it cannot draw faithfully (a missing column, NaN or inf)."""


# --- distributions of linear combinations of chi-squares (estimation.chisqsum) ---

__all__ += ["ChisqSumError", "ChisqSumAccuracyError"]


class ChisqSumError(MicropopError, ValueError):
    """Bad input to :mod:`micropop.estimation.chisqsum`: a missing quantile, coefficients
    and degrees of freedom of different lengths, no positive coefficient, bad ``ddf``."""


class ChisqSumAccuracyError(ChisqSumError):
    """Davies' algorithm could not reach the accuracy R asks of it (``ifault`` 1 or 4)."""


# --- quantile intervals ------------------------------------------------------

__all__ += ["QuantileIntervalError"]


class QuantileIntervalError(MicropopError, ValueError):
    """A quantile interval cannot be computed where R stops too (a score test without a root)."""
