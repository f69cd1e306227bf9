"""The inequality measures' inputs: the income column checked and sorted, parameters checked.

:func:`setup` turns a design, an income column and ``by=`` into the
analysis (domains, weights: :mod:`micropop.estimation._analysis`) and the
sorted incomes (:class:`~micropop.inequality._incomes.SortedIncomes`),
refusing what the measures cannot use, naming the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Literal, overload

import numpy as np
import pandas as pd

from micropop.design import SurveyDesign, design_rows
from micropop.errors import (
    EmptyDomainError,
    InequalityError,
    InequalityParameterError,
    MissingValuesError,
    NegativeIncomeError,
    NotNumericVariableError,
    OptionError,
    ZeroIncomeError,
    check_number,
    check_option,
)
from micropop.estimation._analysis import Analysis, prepare
from micropop.inequality._incomes import SortedIncomes, exponent, refuse_vanishing

By = str | Sequence[str] | None


@overload
def setup(design: SurveyDesign, variable: str, by: By, na_rm: bool, measure: str,
          nonnegative: bool,
          sort: Literal[True] = True) -> tuple[Analysis, SortedIncomes, SortedIncomes]: ...


@overload
def setup(design: SurveyDesign, variable: str, by: By, na_rm: bool, measure: str,
          nonnegative: bool, sort: Literal[False]) -> tuple[Analysis, None, None]: ...


def setup(design: SurveyDesign, variable: str, by: By, na_rm: bool, measure: str,
          nonnegative: bool,
          sort: bool = True) -> tuple[Analysis, SortedIncomes | None, SortedIncomes | None]:
    """Check the income column and sort it: (analysis, all rows, rows by domain).

    With ``sort=False`` (a plain proportion) nothing is sorted: (analysis, None, None).
    """
    if pd.api.types.is_list_like(variable):
        raise OptionError(f"variable={variable!r} is not one column",
                          hint=f"{measure} is computed on one income column: name it")
    check_option("na_rm", na_rm, [True, False])
    _refuse_missing(design, variable, na_rm)
    data = prepare(design, [variable], by, na_rm, numeric_only=True)
    if pd.api.types.is_bool_dtype(design.frame[variable]):
        raise NotNumericVariableError(f"income column {variable!r} holds True/False, not "
                                      "amounts", hint="give incomes as numbers")
    if data.n_domains == 0:  # by= found no row with a weight and an observed income
        raise EmptyDomainError(f"no row with a weight and an observed {variable!r} in any "
                               f"domain of {by!r}",
                               hint="check the weights, the subset and missing values")
    data.domain_weight()  # raises on a domain without weight
    x = data.y[:, 0]
    _check_incomes(design, data, x, variable, measure, nonnegative)
    refuse_vanishing(design, data.row_domain >= 0, data.weights, "weights",
                     hint="check the weights column")
    if not sort:  # a plain proportion: the engine's mean on the weights scaled as SortedIncomes's
        weights = data.weights
        scaled = np.ldexp(weights, -exponent(weights[data.row_domain >= 0]))
        return replace(data, weights=scaled), None, None
    everyone = SortedIncomes.build(x, data.weights, data.row_domain)
    return data, everyone, everyone.split(data.row_domain, data.n_domains)


def require_spread(data: Analysis, s: SortedIncomes, variable: str, measure: str) -> None:
    """A kernel density needs incomes that vary within each domain (bandwidth > 0)."""
    require_bandwidth(data, s.bandwidth, variable, measure)


def require_bandwidth(data: Analysis, h: np.ndarray, variable: str, measure: str) -> None:
    """:func:`require_spread` on the bandwidths ``h`` of the domains, however computed."""
    flat = h == 0
    if np.any(flat):
        names = ", ".join(data.domain_name(int(k)) for k in np.flatnonzero(flat))
        raise InequalityError(
            f"{variable!r} takes a single value in {names}, so the kernel density in "
            f"the standard error of {measure} is undefined",
            hint="check the column; a measure of spread needs incomes that differ")


def _refuse_missing(design: SurveyDesign, variable: str, na_rm: bool) -> None:
    frame = design.data
    if na_rm or variable not in frame:
        return  # the engine reports absent columns
    missing = frame[variable].isna()
    if missing.any():
        raise MissingValuesError(
            f"income column {variable!r} has {int(missing.sum())} missing values, in "
            f"{design_rows(design, missing.to_numpy())}",
            hint="pass na_rm=True to leave those rows out explicitly (as R's na.rm=TRUE), "
                 "or impute them")


def _check_incomes(design: SurveyDesign, data: Analysis, x: np.ndarray, variable: str,
                   measure: str, nonnegative: bool) -> None:
    """Incomes of the rows in a domain: non-negative if ``nonnegative`` and not so small
    that their products vanish (the engine's ``prepare`` has refused infinite ones)."""
    inside = data.row_domain >= 0
    refuse_vanishing(design, inside, x, f"values of {variable!r}",
                     hint="set them to 0, or give the incomes in other units")
    negative = (x < 0) & inside
    if nonnegative and negative.any():
        raise negative_incomes(measure, variable, int(negative.sum()),
                               design_rows(design, negative, x[negative]))


def negative_incomes(measure: str, variable: str, count: int, where: str) -> NegativeIncomeError:
    """The refusal of ``count`` negative incomes, found ``where`` (rows, or files and rows)."""
    return NegativeIncomeError(
        f"{measure} needs non-negative incomes, but {variable!r} has {count} negative "
        f"values, in {where}",
        hint="set them to zero if they are losses to ignore, or leave those rows out "
             "with des.subset")


def require_positive_total(data: Analysis, s: SortedIncomes, variable: str, measure: str) -> None:
    """Incomes not all zero in any domain (the measure would be 0/0)."""
    require_income(data, s.sums(s.w * s.x), variable, measure)


def require_income(data: Analysis, total: np.ndarray, variable: str, measure: str) -> None:
    """:func:`require_positive_total` on the income totals of the domains."""
    if np.any(total == 0):
        empty = [data.domain_name(int(k)) for k in np.flatnonzero(total == 0)]
        raise ZeroIncomeError(
            f"{variable!r} is zero for everyone in {', '.join(empty)}, so {measure} is "
            "undefined (0/0)", hint="check the column, or leave those domains out")


def parameter(name: str, value: object, *, low: float | None = None, high: float | None = None,
              low_open: bool = False, high_open: bool = False, hint: str | None = None) -> float:
    """:func:`~micropop.errors.check_number`, raising :class:`InequalityParameterError`."""
    try:
        # float(): check_number returns a float already when no integer is asked for
        return float(check_number(name, value, low=low, high=high, low_open=low_open,
                                  high_open=high_open, hint=hint))
    except OptionError as err:
        raise InequalityParameterError(err.message, hint=err.hint) from None


def fraction(name: str, value: object, closed_top: bool = True) -> float:
    """A share, percent or order: a number in (0, 1] (or (0, 1) if not ``closed_top``)."""
    interval = "(0, 1]" if closed_top else "(0, 1)"
    return parameter(name, value, low=0, high=1, low_open=True, high_open=not closed_top,
                     hint=f"give {name} as a fraction in {interval}, e.g. 0.6 for 60 % "
                          "(laeken's percent scale is not used)")
