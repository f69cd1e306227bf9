"""The exception and warning classes of micropop, by the area that raises them.

Every error a user can trigger with bad input is a :class:`MicropopError`
subclass; they are all importable from :mod:`micropop.errors`, which is also
their ``__module__``.
"""

from __future__ import annotations


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


class OptionError(MicropopError, ValueError):
    """An argument takes one of a fixed set of values (or a range) and was given another."""


class UnknownLabelError(MicropopError, KeyError):
    """A label that is not one of a result's rows."""


# --- user expressions (micropop.expressions, SurveyDesign.subset) ------------


class ExpressionError(MicropopError, ValueError):
    """A condition written as text (``des.subset("age >= 18")``) that the safe grammar refuses.

    The message names the offending part and its character position: code
    (attribute access, calls, ``@`` variables), an unknown column, a value of
    the wrong kind or outside a column's levels. The hint lists what is allowed.
    """


class FormulaError(MicropopError, ValueError):
    """A model formula (``"y ~ sex + log(hours)"``) that the safe grammar refuses or cannot code.

    The message names the offending part and its character position (code,
    an unknown function, a term the grammar does not read), or the term and
    columns that cannot be coded (a factor with one level, columns aliased
    with earlier ones, a response with more than two levels). The hint says
    what is allowed or what to do.
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


class HeaderError(DataFileError, ValueError):
    """The header does not name every column once.

    A name repeated or missing, a title row read as the header, or a line of
    data where the column names should be.
    """


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


# --- designs and estimation ------------------------------------------------


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


class DegenerateReplicateError(MicropopError, ValueError):
    """A replicate estimate is at a boundary (a share of 0 or 1) the method cannot use."""


class NotNumericVariableError(MicropopError, TypeError):
    """An analysis variable is not numeric where a number is needed."""


class ConstantVariableError(MicropopError, ValueError):
    """A variable takes one value in a domain, so its correlations are undefined."""


class GroupLevelsError(MicropopError, ValueError):
    """A two-sample test's group column does not hold exactly two levels."""


class MissingValuesError(MicropopError, ValueError):
    """An analysis variable has missing values and ``na_rm`` is False."""


class InfiniteValueError(MicropopError, ValueError):
    """An analysis variable, or an estimate, is infinite.

    The variable holds infinite values, or the estimate (or its covariance) is
    beyond the range of double precision (about 1.8e308).
    """


# --- population size -------------------------------------------------------


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


class ConfigError(MicropopError, ValueError):
    """An analysis configuration (``micropop report --config``) is invalid; names the key."""


class ReportOutputError(MicropopError, OSError):
    """The report's output folder cannot be written or replaced (a file, foreign files in it)."""


class FigureInputError(MicropopError, ValueError):
    """A figure was given input it cannot draw faithfully (a missing column, NaN or inf)."""


# --- distributions of linear combinations of chi-squares (estimation.chisqsum) ---


class ChisqSumError(MicropopError, ValueError):
    """Bad input to :mod:`micropop.estimation.chisqsum`.

    A missing quantile, coefficients and degrees of freedom of different
    lengths, no positive coefficient, a bad ``ddf``.
    """


class ChisqSumAccuracyError(ChisqSumError):
    """Davies' algorithm could not reach the accuracy R asks of it (``ifault`` 1 or 4)."""


# --- quantile intervals ------------------------------------------------------


class QuantileIntervalError(MicropopError, ValueError):
    """A quantile interval cannot be computed where R stops too (a score test without a root)."""


# --- regression models (micropop.models) ---------------------------------------


class ModelError(MicropopError, ValueError):
    """A regression model (:func:`micropop.models.glm`) that cannot be fitted as asked."""


class ResponseSupportError(ModelError):
    """A response outside its family's support (negative counts, a share outside [0, 1])."""


class ModelConvergenceError(ModelError):
    """The fit did not converge (perfect separation, or too few iterations); names the terms."""


class RankDeficientError(ModelError):
    """Columns of the model matrix that are linear combinations of the others (aliased)."""


class ResidualDfError(ModelError):
    """No residual degrees of freedom: the design has fewer PSUs than the model coefficients."""


class OrdinalResponseError(ModelError):
    """An ordinal model's response that is not an ordered categorical with 3 or more levels."""


class UnknownTermError(ModelError, KeyError):
    """A term to test (``fit.wald_test("sex")``) that is not one of the model's terms."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return Exception.__str__(self)


class NotNestedError(ModelError):
    """Two fits compared by ``anova(m0, m1)`` that are not nested, or not on one design and rows."""


# --- the Dask engine (micropop.partitioned) ---------------------------------------


class MissingDependencyError(MicropopError, ImportError):
    """An optional dependency is not installed (``engine="dask"`` without dask); names the extra."""


class PartitionError(MicropopError, ValueError):
    """Partitioned data (a Dask frame, a folder of files) that disagrees with itself.

    A column missing from some files or of another type in one of them, NaN
    or negative weights found during a pass, a PSU in two strata; the message
    names the file (or partition) and the row.
    """


class InMemoryOnlyError(MicropopError, TypeError):
    """A feature asked of a Dask design that only in-memory designs offer; says how to get it."""


class SchedulerError(MicropopError, RuntimeError):
    """The Dask scheduler failed during a pass; nothing was written."""


# Every class is documented, shown in tracebacks and pickled as micropop.errors.<name>:
# the module users import it from.
for _class in list(globals().values()):
    if isinstance(_class, type) and _class.__module__ == __name__:
        _class.__module__ = "micropop.errors"
del _class

