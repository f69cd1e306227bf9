"""Earnings and living standards: shares below thresholds, with design-based intervals.

The DiPLab questions: how many micro-workers earn nothing, or less than 5,
10, 20, 50 EUR a month; how many earn less per hour than the minimum wage;
how many live below the national poverty line. Each answer is the share of a
0/1 indicator derived from the data, estimated by the engine (R's ``svymean``
of the indicator for the estimate and SE, ``svyciprop`` for the interval,
``"logit"`` by default), so it comes with the design's standard error and an
interval inside [0, 1]. Inequality measures (Gini, ARPR, ...) live in
:mod:`micropop.inequality`.

Conventions, stated once:

- thresholds are strict: "below 5 EUR" means ``earnings < 5``; "earning
  nothing" means ``earnings == 0``;
- hourly earnings = monthly earnings / (weekly hours x 52 / 12), a month being
  52/12 weeks (as the legal 151.67 hours = 35 x 52 / 12); rows with zero hours
  have no hourly rate: an error unless ``zero_hours="exclude"`` leaves them out;
- the minimum wage is the gross hourly SMIC in force on 1 January of the year
  (:func:`micropop.reference.minimum_wage`, also importable from here);
- the standard of living is the household income divided by its consumption
  units on the OECD-modified scale (1 for the first person, 0.5 per other
  person aged 14 or more, 0.3 per child under 14), compared with INSEE's
  poverty line (60 % of the median standard of living) of the chosen year
  (:func:`micropop.reference.poverty_line`, also importable from here);
- missing values are an error that counts them; ``na_rm=True`` leaves those
  rows out of the domain, as R's ``na.rm`` (the design is kept).

The derived indicators are added with :meth:`SurveyDesign.assign` (the
design's rows, weights and variance structure unchanged).

Examples
--------
>>> import micropop as mp
>>> from micropop import earnings
>>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
>>> est = earnings.earnings_shares(des)
>>> est.to_frame()[["estimate", "se"]].round(3)  # doctest: +NORMALIZE_WHITESPACE
                     estimate     se
variable
earnings_month = 0      0.120  0.010
earnings_month < 5      0.411  0.016
earnings_month < 10     0.563  0.016
earnings_month < 20     0.705  0.015
earnings_month < 50     0.883  0.010
>>> round(float(earnings.below_poverty_line(des, year=2016).estimate[0]), 3)
0.22
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from micropop._compat import renamed_keywords
from micropop.design import design_rows, require_columns, require_design
from micropop.errors import (
    EarningsError,
    MissingValuesError,
    NegativeEarningsError,
    NotNumericVariableError,
    OptionError,
    ZeroHoursError,
    check_number,
    check_option,
    data_rows,
)
from micropop.estimation import Estimate
from micropop.reference.income import poverty_line
from micropop.reference.wages import minimum_wage

if TYPE_CHECKING:
    from micropop.design import ReplicateDesign, SurveyDesign

__all__ = ["EARNINGS_THRESHOLDS", "WEEKS_PER_MONTH", "below_minimum_wage",
           "below_poverty_line", "earnings_shares", "hourly_earnings", "hourly_quantile",
           "minimum_wage", "oecd_consumption_units", "poverty_line", "standard_of_living"]

#: Monthly earnings thresholds of the DiPLab report, in EUR.
EARNINGS_THRESHOLDS = (5.0, 10.0, 20.0, 50.0)

#: Weeks in a month: 52 / 12 (hourly = monthly / (weekly hours x 52 / 12)).
WEEKS_PER_MONTH = 52 / 12

_HOURS_IN_A_WEEK = 168.0

Columns = str | Sequence[str] | None


# --- derived values -------------------------------------------------------------


def _values(design: SurveyDesign | ReplicateDesign, column: str, na_rm: bool,
            negative: str | None = None, whole: bool = False,
            at_least: tuple[float, str] | None = None,
            at_most: tuple[float, str] | None = None) -> np.ndarray:
    """A numeric column over the design's rows, checked (the one check of every column).

    Text, categories and booleans are refused; missing values are counted
    (an error unless ``na_rm``); infinite values are refused; so are negative
    ones if ``negative`` says why, fractional ones if ``whole``, and values
    below ``at_least`` or above ``at_most`` (``(limit, hint)``). Every message
    names the column and rows.
    """
    check_option("na_rm", na_rm, [True, False])
    if pd.api.types.is_list_like(column):
        raise OptionError(f"{column!r} is not one column", hint="name one column")
    data = design.data
    require_columns(data, [column])
    series = data[column]
    if (not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)
            or isinstance(series.dtype, pd.CategoricalDtype)):
        raise NotNumericVariableError(f"column {column!r} is {series.dtype}, not numeric",
                                      hint="convert it with pd.to_numeric")
    values = series.to_numpy(dtype=float, na_value=np.nan)
    missing = np.isnan(values)
    if missing.any() and not na_rm:
        raise MissingValuesError(
            f"column {column!r} has {int(missing.sum())} missing value(s), in "
            f"{design_rows(design, missing)}",
            hint="pass na_rm=True to leave those rows out of the domain (R's na.rm), "
                 "or impute them")

    def refuse(bad: np.ndarray, what: str, error: type[EarningsError], hint: str) -> None:
        if bad.any():  # what: "{} negative value(s)", the count filled in
            raise error(f"column {column!r} has {what.format(int(bad.sum()))} in "
                        f"{design_rows(design, bad, values[bad])}", hint=hint)

    refuse(np.isinf(values), "{} infinite value(s)", EarningsError,
           "fix those values (an overflow or a division by zero upstream?) or drop the rows")
    if negative is not None:
        refuse(values < 0, "{} negative value(s)", NegativeEarningsError,
               f"{negative}: fix or drop those rows")
    if whole:
        refuse(~missing & (values != np.floor(values)), "{} fractional value(s)", EarningsError,
               "it counts persons: give whole numbers")
    if at_least is not None:
        refuse(values < at_least[0], "{} value(s) below " + f"{at_least[0]:g}", EarningsError,
               at_least[1])
    if at_most is not None:
        refuse(values > at_most[0], "{} value(s) above " + f"{at_most[0]:g}", EarningsError,
               at_most[1])
    return values


def _indicator(condition: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """0/1 where observed, NaN elsewhere."""
    return np.where(observed, condition.astype(float), np.nan)


def _shares(design: SurveyDesign | ReplicateDesign, indicators: Mapping[str, np.ndarray],
            by: Columns, ci: str, level: float, na_rm: bool) -> Estimate:
    """Proportions of 0/1 indicators: joint covariance from the mean, intervals per share."""
    derived = design.assign(**indicators)
    names = list(indicators)
    means = derived.mean(names, by=by, na_rm=na_rm)
    shares = [derived.proportion(name, category=None, ci=ci, by=by, level=level, na_rm=na_rm)
              for name in names]
    intervals = np.vstack([share.ci().to_numpy() for share in shares])
    dfs = [share.interval_df for share in shares if share.interval_df is not None]
    return Estimate("proportion", means.index, means.estimate, means.vcov, means.df,
                    means.n, interval=intervals, interval_level=level,
                    variance=means.variance,
                    interval_df=np.concatenate(dfs) if len(dfs) == len(shares) else None)


def hourly_earnings(design: SurveyDesign | ReplicateDesign, earnings: str = "earnings_month",
                    hours: str = "hours_week",
                    zero_hours: Literal["error", "exclude"] = "error",
                    na_rm: bool = False) -> pd.Series:
    """Hourly earnings: monthly earnings / (weekly hours x 52 / 12).

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    earnings : str, default "earnings_month"
        Monthly earnings (EUR).
    hours : str, default "hours_week"
        Hours worked per week.
    zero_hours : {"error", "exclude"}
        Rows with zero hours have no hourly rate: raise (default, counting
        them), or give them NaN (then leave them out with ``na_rm=True``).
    na_rm : bool, default False
        Allow missing earnings or hours (NaN in the result).

    Returns
    -------
    pandas.Series
        Aligned with ``design.data``, named ``"hourly_earnings"``.

    Raises
    ------
    ZeroHoursError, NegativeEarningsError, MissingValuesError

    Examples
    --------
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> round(float(hourly_earnings(des).median()), 2)
    1.17
    """
    require_design(design)
    check_option("zero_hours", zero_hours, ["error", "exclude"])
    pay = _values(design, earnings, na_rm, negative="earnings cannot be negative")
    time = _values(design, hours, na_rm, negative="hours cannot be negative",
                   at_most=(_HOURS_IN_A_WEEK, "a week has 168 hours: give hours per week"))
    zero = time == 0
    if zero.any() and zero_hours == "error":
        paid = int((pay[zero] > 0).sum())
        raise ZeroHoursError(
            f"column {hours!r} is 0 in {int(zero.sum())} row(s) ({design_rows(design, zero)}), "
            f"{paid} of them with earnings above 0: their hourly earnings are undefined",
            hint="pass zero_hours='exclude' to leave them out (and na_rm=True in the "
                 "estimators), or fix the hours")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rate = np.where(zero, np.nan, pay / (time * WEEKS_PER_MONTH))
    overflow = np.isinf(rate)
    if overflow.any():
        raise EarningsError(
            f"{int(overflow.sum())} hourly rate(s) of {earnings!r} / {hours!r} overflow, in "
            f"{design_rows(design, overflow, pay[overflow])} (earnings)",
            hint="check the hours of those rows (near zero?) and the units of the earnings")
    return pd.Series(rate, index=design.data.index, name="hourly_earnings")


def oecd_consumption_units(household_size: pd.Series | np.ndarray | Sequence[float],
                           children_under14: pd.Series | np.ndarray | Sequence[float]
                           ) -> np.ndarray:
    """Consumption units on the OECD-modified scale (as INSEE).

    1 for the first person, 0.5 for each other person aged 14 or more, 0.3
    for each child under 14: ``1 + 0.5 (size - 1 - children) + 0.3 children``.

    Parameters
    ----------
    household_size : array-like
        Persons in the household (at least one aged 14 or more).
    children_under14 : array-like
        Of whom children under 14.

    Returns
    -------
    ndarray
        NaN where an input is missing.

    Raises
    ------
    EarningsError
        Households without a person aged 14 or more, negative, fractional or
        infinite counts, or inputs of different lengths (rows named as 1-based
        data rows, with a Series' own labels as ids).

    Examples
    --------
    >>> oecd_consumption_units([1, 2, 4], [0, 0, 2]).tolist()
    [1.0, 1.5, 2.1]
    """
    size = pd.Series(household_size)
    children = pd.Series(children_under14)
    if len(size) != len(children):
        raise EarningsError(f"household_size has {len(size)} values and children_under14 "
                            f"{len(children)}", hint="give one of each per household")
    # rows are named as data rows, with the Series' labels as ids
    index = (household_size if isinstance(household_size, pd.Series)
             else pd.RangeIndex(len(size)))
    return _units(_counts(size, "household_size", index),
                  _counts(children, "children_under14", index),
                  lambda bad: data_rows(index, bad))


def _units(size: np.ndarray, children: np.ndarray,
           rows: Callable[[np.ndarray], str]) -> np.ndarray:
    """OECD units of counts of persons; ``rows(mask)`` names the households refused."""
    bad = (size - children < 1) | (children < 0)
    if bad.any():
        raise EarningsError(
            f"{int(bad.sum())} household(s) without a person aged 14 or more, or with a "
            f"negative count, in {rows(bad)}",
            hint="household_size counts every person, children included")
    units: np.ndarray = 1 + 0.5 * (size - 1 - children) + 0.3 * children
    return units


def _counts(values: pd.Series, name: str, index: pd.Index | pd.Series) -> np.ndarray:
    """Counts of persons as floats: NaN where missing; text, inf or fractions refused."""
    if pd.api.types.is_bool_dtype(values):
        numbers = np.full(len(values), np.nan)  # True is no count
    else:
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        if values.dtype == object:  # True and False among numbers are no counts either
            flags = values.map(lambda v: isinstance(v, (bool, np.bool_))).to_numpy(bool)
            numbers = np.where(flags, np.nan, numbers)
    given = values.notna().to_numpy()
    with np.errstate(invalid="ignore"):
        bad = given & ~(np.isfinite(numbers) & (numbers == np.floor(numbers)))
    if bad.any():
        raise EarningsError(f"{name} has {int(bad.sum())} value(s) that are not whole numbers, "
                            f"in {data_rows(index, bad, values[bad])}",
                            hint="give counts of persons")
    return numbers


def standard_of_living(design: SurveyDesign | ReplicateDesign,
                       income: str = "hh_income_month",
                       household_size: str = "household_size",
                       children_under14: str = "children_under14",
                       na_rm: bool = False) -> pd.Series:
    """Household income per consumption unit (OECD-modified scale), EUR per month.

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    income : str, default "hh_income_month"
        Monthly disposable income of the household.
    household_size, children_under14 : str
        Columns counting the household's persons and children under 14.
    na_rm : bool, default False
        Allow missing values (NaN in the result).

    Returns
    -------
    pandas.Series
        Aligned with ``design.data``, named ``"standard_of_living"``.

    Examples
    --------
    >>> import micropop as mp
    >>> df = mp.datasets.load_worker_survey()
    >>> des = mp.SurveyDesign(df, weights="weight")
    >>> bool(np.allclose(standard_of_living(des), df["income_per_cu"], atol=0.01))
    True
    """
    require_design(design)
    money = _values(design, income, na_rm)
    size = _values(design, household_size, na_rm, negative="a household size is positive",
                   whole=True, at_least=(1, "a household counts its respondent: give sizes "
                                            "of 1 or more"))
    children = _values(design, children_under14, na_rm,
                       negative="a count of children is not negative", whole=True)
    units = _units(size, children, lambda bad: design_rows(design, bad))  # NaN counts: NaN
    return pd.Series(money / units, index=design.data.index, name="standard_of_living")


# --- shares ------------------------------------------------------------------------


@renamed_keywords(conf_level="level")
def earnings_shares(design: SurveyDesign | ReplicateDesign, earnings: str = "earnings_month",
                    thresholds: Sequence[float] = EARNINGS_THRESHOLDS, by: Columns = None,
                    ci: str = "logit", level: float = 0.95,
                    na_rm: bool = False) -> Estimate:
    """Shares earning nothing and earning less than each threshold (strictly).

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    earnings : str, default "earnings_month"
        Monthly earnings (EUR); negative values are refused.
    thresholds : sequence of float, default (5, 10, 20, 50)
        Monthly amounts; "below 5" is ``earnings < 5``.
    by : str or list of str, optional
        Domain columns (R's ``svyby``).
    ci : {"logit", "xlogit", "mean", "asin", "beta"}
        Interval method, as R's ``svyciprop``.
    level : float, default 0.95
        Coverage of the intervals (``conf_level=`` is its deprecated old name).
    na_rm : bool, default False
        Leave out rows with missing earnings (otherwise they raise, counted).

    Returns
    -------
    Estimate
        Statistic ``"proportion"``, one row per indicator (``"earnings_month
        = 0"``, ``"earnings_month < 5"``, ...) [and domain], with the full
        covariance between them; :meth:`Estimate.ci` gives the ``ci`` interval.

    Raises
    ------
    NegativeEarningsError, MissingValuesError

    Examples
    --------
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> est = earnings_shares(des, thresholds=[5], by="frequency")
    >>> est.to_frame()["estimate"].round(3).tolist()
    [0.018, 0.09, 0.246, 0.038, 0.344, 0.833]
    """
    require_design(design)
    limits = _thresholds(thresholds)
    pay = _values(design, earnings, na_rm, negative="earnings cannot be negative")
    observed = ~np.isnan(pay)
    indicators = {f"{earnings} = 0": _indicator(pay == 0, observed)}
    for t in limits:
        indicators[f"{earnings} < {np.format_float_positional(t, trim='-')}"] = _indicator(
            pay < t, observed)
    return _shares(design, indicators, by, ci, level, na_rm)


def _thresholds(thresholds: Sequence[float]) -> list[float]:
    """Monthly amounts: positive finite numbers, each given once."""
    items = [thresholds] if np.ndim(thresholds) == 0 else list(thresholds)
    limits = [check_number("thresholds", t, low=0, low_open=True,
                           hint="give positive monthly amounts, e.g. [5, 10, 20, 50]")
              for t in items]
    repeated = sorted({t for t in limits if limits.count(t) > 1})
    if repeated:
        raise OptionError(f"thresholds lists {', '.join(f'{t:g}' for t in repeated)} more "
                          "than once", hint="give each threshold once")
    return limits


@renamed_keywords(conf_level="level")
def below_minimum_wage(design: SurveyDesign | ReplicateDesign, year: int = 2019,
                       earnings: str = "earnings_month", hours: str = "hours_week",
                       zero_hours: Literal["error", "exclude"] = "error", by: Columns = None,
                       ci: str = "logit", level: float = 0.95,
                       na_rm: bool = False) -> Estimate:
    """Share whose hourly earnings are below the gross hourly SMIC of ``year``.

    Hourly earnings as :func:`hourly_earnings`; the SMIC from
    :func:`minimum_wage` (gross: before the employee's social contributions).

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    year : int, default 2019
        Year of the survey (the SMIC in force on 1 January).
    earnings : str, default "earnings_month"
        Monthly earnings (EUR), as :func:`hourly_earnings`.
    hours : str, default "hours_week"
        Hours worked per week, as :func:`hourly_earnings`.
    zero_hours : {"error", "exclude"}
        As :func:`hourly_earnings`; rows excluded for zero hours are left out
        of the domain.
    by : str or list of str, optional
        Domain columns, as :func:`earnings_shares`.
    ci : {"logit", "xlogit", "mean", "asin", "beta"}
        Interval method, as :func:`earnings_shares`.
    level : float, default 0.95
        Coverage of the interval (``conf_level=`` is its deprecated old name).
    na_rm : bool, default False
        Leave out rows with missing earnings or hours (otherwise they raise).

    Returns
    -------
    Estimate
        One row, labelled ``"hourly earnings < SMIC <year> (<amount>)"``.

    Raises
    ------
    ReferenceYearError, ZeroHoursError, NegativeEarningsError, MissingValuesError

    Examples
    --------
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> est = below_minimum_wage(des, year=2019)
    >>> est.index[0], round(float(est.estimate[0]), 3)
    ('hourly earnings < SMIC 2019 (10.03)', 0.996)
    """
    require_design(design)
    smic = minimum_wage(year)
    rate = hourly_earnings(design, earnings, hours, zero_hours, na_rm).to_numpy()
    observed = ~np.isnan(rate)
    name = f"hourly earnings < SMIC {year} ({smic:g})"
    return _shares(design, {name: _indicator(rate < smic, observed)}, by, ci, level,
                   na_rm or zero_hours == "exclude")


@renamed_keywords(conf_level="level")
def hourly_quantile(design: SurveyDesign | ReplicateDesign,
                    quantiles: float | Sequence[float] = 0.5,
                    earnings: str = "earnings_month", hours: str = "hours_week",
                    zero_hours: Literal["error", "exclude"] = "error", by: Columns = None,
                    level: float = 0.95, na_rm: bool = False) -> Estimate:
    """Quantiles of hourly earnings with Woodruff intervals (engine, R's ``svyquantile``).

    Hourly earnings as :func:`hourly_earnings`; quantiles and intervals as
    :meth:`SurveyDesign.quantile` (rule ``"math"``).

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    quantiles : float or sequence of float, default 0.5
        Probabilities in [0, 1].
    earnings : str, default "earnings_month"
        Monthly earnings (EUR), as :func:`hourly_earnings`.
    hours : str, default "hours_week"
        Hours worked per week, as :func:`hourly_earnings`.
    zero_hours : {"error", "exclude"}
        As :func:`hourly_earnings`; rows excluded for zero hours are left out.
    by : str or list of str, optional
        Domain columns (R's ``svyby``).
    level : float, default 0.95
        Coverage of the intervals (``conf_level=`` is its deprecated old name).
    na_rm : bool, default False
        Leave out rows with missing earnings or hours (otherwise they raise).

    Returns
    -------
    Estimate
        Indexed by ``"hourly_earnings"`` and the quantile.

    Examples
    --------
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> round(float(hourly_quantile(des, 0.5).estimate[0]), 2)
    1.16
    """
    require_design(design)
    rate = hourly_earnings(design, earnings, hours, zero_hours, na_rm)
    derived = design.assign(hourly_earnings=rate)
    return derived.quantile("hourly_earnings", quantiles, by=by, level=level,
                            na_rm=na_rm or zero_hours == "exclude")


@renamed_keywords(conf_level="level")
def below_poverty_line(design: SurveyDesign | ReplicateDesign, year: int = 2016,
                       income: str = "hh_income_month",
                       household_size: str = "household_size",
                       children_under14: str = "children_under14", by: Columns = None,
                       ci: str = "logit", level: float = 0.95,
                       na_rm: bool = False) -> Estimate:
    """Share living below INSEE's poverty line of ``year`` (standard of living < line).

    The standard of living is :func:`standard_of_living` (OECD-modified
    consumption units); the line is :func:`poverty_line` (60 % of the
    median, ERFS). The DiPLab report used 2016 (1,026 EUR a month).

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    year : int, default 2016
        A year of ``insee_poverty_2015_2019``.
    income, household_size, children_under14 : str
        Columns, as :func:`standard_of_living`.
    by : str or list of str, optional
        Domain columns (R's ``svyby``).
    ci : {"logit", "xlogit", "mean", "asin", "beta"}
        Interval of the share, as R's ``svyciprop``.
    level : float, default 0.95
        Its coverage; ``conf_level=``, the old name, still works with a warning.
    na_rm : bool, default False
        Leave out rows with a missing income or household count (otherwise
        they raise, counted).

    Returns
    -------
    Estimate
        One row, labelled ``"standard of living < <line> (INSEE <year>)"``.

    Raises
    ------
    ReferenceYearError
        A year not in the table (the message lists the years available).
    MissingValuesError
        Missing incomes or household counts without ``na_rm=True`` (counted).

    Examples
    --------
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> est = below_poverty_line(des, year=2016)
    >>> est.ci().round(3).to_numpy().tolist()
    [[0.195, 0.247]]
    """
    require_design(design)
    line = poverty_line(year)
    living = standard_of_living(design, income, household_size, children_under14,
                                na_rm).to_numpy()
    name = f"standard of living < {line:g} (INSEE {year})"
    return _shares(design, {name: _indicator(living < line, ~np.isnan(living))}, by, ci,
                   level, na_rm)
