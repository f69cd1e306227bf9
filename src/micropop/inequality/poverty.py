"""Poverty measures: the at-risk-of-poverty threshold, rate and gap, S80/S20, a fixed-line rate.

See :mod:`micropop.inequality` for the conventions (laeken's estimators and
breakdown, convey's linearisation with kernel densities, replicate weights).
"""

from __future__ import annotations

from typing import Literal, overload

import numpy as np

from micropop.design import SurveyDesign, require_design
from micropop.errors import EmptyDomainError, ZeroIncomeError, check_option
from micropop.estimation import Estimate
from micropop.estimation._analysis import Analysis, means
from micropop.inequality._incomes import Floats, SortedIncomes
from micropop.inequality._influence import share_influence, threshold_influence
from micropop.inequality._inputs import By, fraction, parameter, require_spread, setup
from micropop.inequality._results import (
    finite_estimate,
    guarded,
    income_result,
    replicate_result,
    replicate_vcov,
    require_positive_line,
    result,
    vcov_with_threshold,
)

__all__ = ["arpt", "arpr", "rmpg", "poormed", "qsr", "poverty_rate"]

#: Definitions of the poor and of quantiles: laeken's (below, first share above the order)
#: or R convey's (at or below, first share reaching it).
RULES = ("laeken", "convey")
Rule = Literal["laeken", "convey"]


@guarded
def arpt(design: SurveyDesign, variable: str, percent: float = 0.6, order: float = 0.5,
         by: By = None, na_rm: bool = False) -> Estimate:
    """At-risk-of-poverty threshold: ``percent`` of the weighted median.

    As R laeken's ``arpt`` (median by laeken's ``weightedMedian``); the
    linearised SE is convey's ``svyarpt`` (kernel density at the quantile).
    With ``by=``, each domain gets its own threshold, as convey's
    ``svyby(..., svyarpt)``.

    Parameters
    ----------
    design : SurveyDesign
    variable : str
        Numeric income column.
    percent : float, default 0.6
        Fraction of the quantile, in (0, 1] (laeken's ``p``; not percent).
    order : float, default 0.5
        Order of the quantile, in (0, 1): 0.5 is the median.
    by : str or list of str, optional
        Domain columns, as for :func:`gini`.
    na_rm : bool, default False
        Leave out rows with a missing income, as for :func:`gini`.

    Returns
    -------
    Estimate
        Statistic ``"arpt"``, in income units.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"income": [500.0, 1000.0, 1500.0, 2000.0, 3000.0], "w": 1.0})
    >>> float(arpt(SurveyDesign(df, weights="w"), "income").estimate[0])
    900.0
    """
    if getattr(type(design), "engine", None) == "dask":
        from micropop.partitioned import inequality as partitioned
        return partitioned.arpt(design, variable, percent, order, by=by, na_rm=na_rm)
    require_design(design)
    percent = fraction("percent", percent)
    order = fraction("order", order, closed_top=False)
    data, everyone, s = setup(design, variable, by, na_rm, "the poverty threshold", False)
    if data.replicated:
        value = _threshold(s, percent, order, False)[0]
        vcov = replicate_vcov(data, "arpt", value, everyone, s,
                              lambda r, _: [_threshold(r, percent, order, False)[0]])
    else:
        require_spread(data, s, variable, "the poverty threshold")
        value, z = _threshold(s, percent, order)
        vcov = data.vcov(s.scatter(z)[:, None])
    return income_result(data, "arpt", variable, s, value, vcov)


@guarded
def arpr(design: SurveyDesign, variable: str, percent: float = 0.6, order: float = 0.5,
         by: By = None, na_rm: bool = False) -> Estimate:
    """At-risk-of-poverty rate: the share below :func:`arpt`'s threshold.

    As R laeken's ``arpr``: poor means strictly below ``percent`` times the
    weighted median; with ``by=``, every domain is measured against the
    threshold of the whole design (laeken's ``breakdown``, convey's
    ``svyby(..., svyarpr)``). To use a domain's own threshold, subset the
    design first. The linearised SE accounts for the estimated threshold
    (Osier 2009; convey's ``svyarpr``): the domain's kernel density at the
    threshold times the threshold's influence.

    Parameters
    ----------
    design : SurveyDesign
    variable : str
        Numeric income column.
    percent : float, default 0.6
        Fraction of the quantile, as for :func:`arpt`.
    order : float, default 0.5
        Order of the quantile, as for :func:`arpt`.
    by : str or list of str, optional
        Domain columns, as for :func:`gini`.
    na_rm : bool, default False
        Leave out rows with a missing income, as for :func:`gini`.

    Returns
    -------
    Estimate
        Statistic ``"arpr"``, a fraction.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"income": [500.0, 1000.0, 1500.0, 2000.0, 3000.0], "w": 1.0})
    >>> float(arpr(SurveyDesign(df, weights="w"), "income").estimate[0])
    0.2
    """
    if getattr(type(design), "engine", None) == "dask":
        from micropop.partitioned import inequality as partitioned
        return partitioned.arpr(design, variable, percent, order, by=by, na_rm=na_rm)
    require_design(design)
    percent = fraction("percent", percent)
    order = fraction("order", order, closed_top=False)
    data, everyone, s = setup(design, variable, by, na_rm, "the poverty rate", False)

    def rates(s: SortedIncomes, everyone: SortedIncomes) -> list[np.ndarray]:
        t = _line(s, everyone, percent, order, variable)
        return [s.sums(s.w * (s.x < t[s.segment])) / s.weight_total]

    if data.replicated:
        return replicate_result(data, "arpr", rates(s, everyone)[0], everyone, s, rates)
    require_spread(data, s, variable, "the poverty rate")
    line, z_line = _threshold(everyone, percent, order)
    require_positive_line(line, everyone.income, percent, order, variable)
    t = np.repeat(line, s.n_segments)
    poor = s.x < t[s.segment]
    n = s.weight_total
    rate = s.sums(s.w * poor) / n
    own = share_influence(poor, rate[s.segment], n[s.segment])
    slope = s.kernel_sums(t) / n
    return _result_with_threshold(data, "arpr", rate, s.scatter(own),
                                  everyone.scatter(z_line), slope)


@guarded
def rmpg(design: SurveyDesign, variable: str, percent: float = 0.6, order: float = 0.5,
         by: By = None, na_rm: bool = False, rule: Rule = "laeken") -> Estimate:
    """Relative median at-risk-of-poverty gap (Eurostat; laeken's ``rmpg``).

    ``(t - m) / t`` with ``t`` the threshold of :func:`arpt` and ``m`` the
    weighted median income of the poor (strictly below ``t``), as R laeken's
    ``rmpg``; with ``by=``, ``t`` is the whole design's (laeken's
    ``breakdown``). This is the poverty gap measure of the EU indicators
    (convey's ``svyrmpg``), not FGT(1). The linearised SE differentiates the
    median of the poor (``F(m) = F(t) / 2``) and the threshold, with kernel
    densities as convey.

    Parameters
    ----------
    design : SurveyDesign
    variable : str
        Numeric income column.
    percent : float, default 0.6
        Fraction of the quantile, as for :func:`arpt`.
    order : float, default 0.5
        Order of the quantile, as for :func:`arpt`.
    by : str or list of str, optional
        Domain columns, as for :func:`gini`.
    na_rm : bool, default False
        Leave out rows with a missing income, as for :func:`gini`.
    rule : {"laeken", "convey"}, default "laeken"
        ``"laeken"``: poor means strictly below ``t`` and quantiles are
        laeken's (the first income whose cumulative weight share exceeds the
        order). ``"convey"``: R convey's ``svyrmpg`` definitions, poor means
        at or below ``t`` and quantiles are the first income whose share
        reaches the order (convey's ``computeQuantiles``). They differ only
        when an income equals the threshold or a cumulative share equals
        the order exactly.

    Returns
    -------
    Estimate
        Statistic ``"rmpg"``, a fraction.

    Raises
    ------
    EmptyDomainError
        No one below the threshold in a domain.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"income": [300.0, 600.0, 1000.0, 1500.0, 2000.0, 3000.0],
    ...                    "w": 1.0})
    >>> round(float(rmpg(SurveyDesign(df, weights="w"), "income").estimate[0]), 4)
    0.3333
    """
    require_design(design)  # named in the refusal
    return _poor_median(design, variable, percent, order, by, na_rm, rule, "rmpg")


@guarded
def poormed(design: SurveyDesign, variable: str, percent: float = 0.6, order: float = 0.5,
            by: By = None, na_rm: bool = False, rule: Rule = "laeken") -> Estimate:
    """Median income of the poor, as R convey's ``svypoormed``.

    The weighted median of the incomes below the at-risk-of-poverty
    threshold ``t`` of :func:`arpt` (``t (1 - rmpg)``, laeken's ``rmpg``
    written in income units); with ``by=``, ``t`` is the whole design's. The
    linearised SE is convey's: the median of the poor solves
    ``F(m) = F(t) / 2``, differentiated with kernel densities (Osier 2009).

    Parameters
    ----------
    design : SurveyDesign
    variable : str
        Numeric income column.
    percent : float, default 0.6
        Fraction of the quantile, as for :func:`arpt`.
    order : float, default 0.5
        Order of the quantile, as for :func:`arpt`.
    by : str or list of str, optional
        Domain columns, as for :func:`gini`.
    na_rm : bool, default False
        Leave out rows with a missing income, as for :func:`gini`.
    rule : {"laeken", "convey"}, default "laeken"
        Who is poor and which quantile, as for :func:`rmpg`: ``"convey"``
        (at or below ``t``, convey's quantile rule) gives ``svypoormed``'s
        number, ``"laeken"`` the median behind laeken's ``rmpg``.

    Returns
    -------
    Estimate
        Statistic ``"poormed"``, in income units.

    Raises
    ------
    EmptyDomainError
        No one below the threshold in a domain.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"income": [300.0, 600.0, 1000.0, 1500.0, 2000.0, 3000.0],
    ...                    "w": 1.0})
    >>> float(poormed(SurveyDesign(df, weights="w"), "income").estimate[0])  # laeken: 600
    600.0
    """
    require_design(design)  # named in the refusal
    return _poor_median(design, variable, percent, order, by, na_rm, rule, "poormed")


def _poor_median(design: SurveyDesign, variable: str, percent: float, order: float, by: By,
                 na_rm: bool, rule: Rule, statistic: str) -> Estimate:
    """The median income of the poor (``"poormed"``) or the gap to the threshold it
    leaves (``"rmpg"``), with their linearised or replicate covariance."""
    require_design(design)
    percent = fraction("percent", percent)
    order = fraction("order", order, closed_top=False)
    check_option("rule", rule, list(RULES))
    reached = rule == "convey"
    what = "the poverty gap" if statistic == "rmpg" else "the median income of the poor"
    data, everyone, s = setup(design, variable, by, na_rm, what, False)
    if not data.replicated:
        require_spread(data, s, variable, what)
    line, z_line = _threshold(everyone, percent, order, not data.replicated, reached)
    require_positive_line(line, everyone.income, percent, order, variable)
    t = np.repeat(line, s.n_segments)
    poor = _poor(s, t, reached)
    n_poor = s.sums(poor.astype(float))
    if np.any(n_poor == 0):
        raise EmptyDomainError(
            f"no one is below the poverty threshold ({s.income(line)[0]:.6g}) of "
            f"{variable!r} in "
            f"domain {', '.join(data.domain_name(int(k)) for k in np.flatnonzero(n_poor == 0))}",
            hint=f"{what} needs poor people in every domain; drop those domains")
    median = s.take(poor).quantile(0.5, reached)
    if data.replicated:
        def values(s: SortedIncomes, everyone: SortedIncomes) -> list[np.ndarray]:
            t = _line(s, everyone, percent, order, variable, reached)
            poor = _poor(s, t, reached)
            empty = np.flatnonzero(s.sums(poor.astype(float)) == 0)
            if len(empty):
                raise EmptyDomainError(
                    f"a replicate leaves no one below the poverty threshold of {variable!r} "
                    f"in domain {data.domain_name(int(empty[0]) % data.n_domains)}",
                    hint=f"the replicate estimate of {what} needs poor people in every "
                         "replicate; use a linearised SE (the SurveyDesign) or larger domains")
            m = s.take(poor).quantile(0.5, reached)
            return [(t - m) / t if statistic == "rmpg" else m]

        if statistic == "rmpg":
            return replicate_result(data, "rmpg", (t - median) / t, everyone, s, values)
        vcov = replicate_vcov(data, statistic, median, everyone, s, values)
        return income_result(data, statistic, variable, s, median, vcov)
    assert z_line is not None  # computed with its influence when not replicated
    n = s.weight_total
    f_line, f_median = s.kernel_sums(t) / n, s.kernel_sums(median) / n
    # the median of the poor m solves N F(m) = N F(t) / 2
    own = (0.5 * poor - (s.x <= median[s.segment])) / (n * f_median)[s.segment]
    if statistic == "poormed":
        vcov = vcov_with_threshold(data, s.scatter(own), everyone.scatter(z_line),
                                    0.5 * f_line / f_median)
        return income_result(data, statistic, variable, s, median, vcov)
    slope = -0.5 * f_line / f_median / t + median / t**2
    return _result_with_threshold(data, "rmpg", (t - median) / t,
                                  s.scatter(-own / t[s.segment]), everyone.scatter(z_line),
                                  slope)


def _poor(s: SortedIncomes, t: np.ndarray, at_or_below: bool) -> np.ndarray:
    """Who is poor: below the threshold (laeken), or at or below it (convey)."""
    line = t[s.segment]
    return np.asarray(s.x <= line if at_or_below else s.x < line)


@guarded
def qsr(design: SurveyDesign, variable: str, by: By = None,
        na_rm: bool = False) -> Estimate:
    """Income quintile share ratio S80/S20, as R laeken's ``qsr``.

    The income of people above the 80th percentile over that of people at
    or below the 20th (laeken's ``quintileRatio`` and ``incQuintile``
    quantile rule). Linearised as convey's ``svyqsr``: each tail total is
    differentiated with its quantile (kernel densities).

    Parameters
    ----------
    design : SurveyDesign
    variable : str
        Numeric income column; incomes must be non-negative.
    by : str or list of str, optional
        Domain columns, as for :func:`gini`.
    na_rm : bool, default False
        Leave out rows with a missing income, as for :func:`gini`.

    Returns
    -------
    Estimate
        Statistic ``"qsr"``.

    Raises
    ------
    ZeroIncomeError
        The poorest 20 % have no income in a domain (the ratio is infinite).

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"income": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0],
    ...                    "w": 1.0})
    >>> float(qsr(SurveyDesign(df, weights="w"), "income").estimate[0])
    1.6666666666666667
    """
    require_design(design)
    data, everyone, s = setup(design, variable, by, na_rm, "the quintile share ratio", True)
    if not data.replicated:
        require_spread(data, s, variable, "the quintile share ratio")
    low_total, low_z = _total_below(s, 0.2, not data.replicated)
    high_total, high_z = _total_below(s, 0.8, not data.replicated)
    if np.any(low_total == 0):
        empty = [data.domain_name(int(k)) for k in np.flatnonzero(low_total == 0)]
        raise ZeroIncomeError(
            f"the poorest 20 % have no {variable!r} income in {', '.join(empty)}, so the "
            "quintile share ratio S80/S20 is infinite",
            hint="report top_share or lorenz instead, or leave out the zero incomes "
                 "(des.subset)")
    top = s.sums(s.w * s.x) - high_total
    ratio = top / low_total
    if data.replicated:
        def ratios(s: SortedIncomes, _: SortedIncomes) -> list[np.ndarray]:
            low, high = _total_below(s, 0.2, False)[0], _total_below(s, 0.8, False)[0]
            return [(s.sums(s.w * s.x) - high) / low]

        return replicate_result(data, "qsr", ratio, everyone, s, ratios)
    assert low_z is not None and high_z is not None  # influences when not replicated
    seg = s.segment
    z = ((s.x - high_z) - ratio[seg] * low_z) / low_total[seg]
    return result(data, "qsr", ratio, s.scatter(z))


@guarded
def poverty_rate(design: SurveyDesign, variable: str, line: float, by: By = None,
                 na_rm: bool = False) -> Estimate:
    """Share of people strictly below a fixed poverty line (a plain proportion).

    For a line set from outside the survey (an INSEE threshold, the
    minimum wage): the weighted mean of ``income < line`` with R
    ``survey``'s ``svymean`` SE. Poor means strictly below, as
    :func:`arpr`.

    Parameters
    ----------
    design : SurveyDesign
    variable : str
        Numeric income column.
    line : float
        The poverty line, in the income's units.
    by : str or list of str, optional
        Domain columns, as for :func:`gini`.
    na_rm : bool, default False
        Leave out rows with a missing income, as for :func:`gini`.

    Returns
    -------
    Estimate
        Statistic ``"poverty_rate"``, a fraction.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"income": [500.0, 900.0, 1200.0, 2000.0], "w": [1.0, 1.0, 2.0, 2.0]})
    >>> float(poverty_rate(SurveyDesign(df, weights="w"), "income", line=1026).estimate[0])
    0.3333333333333333
    """
    if getattr(type(design), "engine", None) == "dask":
        from micropop.partitioned import inequality as partitioned
        return partitioned.poverty_rate(design, variable, line, by=by, na_rm=na_rm)
    require_design(design)
    line = parameter("line", line, low=0, low_open=True,
                     hint="give the poverty line as a positive income, in the income's "
                          "units")
    data, _, _ = setup(design, variable, by, na_rm, "the poverty rate", False,
                       sort=False)
    below = data.with_columns((data.y < line).astype(float), [(variable, "")])
    rate, vcov = means(below)
    return finite_estimate(data, "poverty_rate", rate, vcov)


# --- the measures on sorted incomes: (estimate per domain, influence per sorted row) ----


@overload
def _threshold(s: SortedIncomes, percent: float, order: float, influence: Literal[True] = True,
               reached: bool = False) -> tuple[Floats, Floats]: ...


@overload
def _threshold(s: SortedIncomes, percent: float, order: float,
               influence: Literal[False], reached: bool = False) -> tuple[Floats, None]: ...


@overload
def _threshold(s: SortedIncomes, percent: float, order: float, influence: bool,
               reached: bool = False) -> tuple[Floats, Floats | None]: ...


def _threshold(s: SortedIncomes, percent: float, order: float, influence: bool = True,
               reached: bool = False) -> tuple[Floats, Floats | None]:
    """``percent`` times laeken's quantile of ``order`` (convey's with ``reached``);
    convey's ``svyarpt`` influence."""
    q = s.quantile(order, reached)
    if not influence:
        return percent * q, None
    density = s.kernel_sums(q) / s.weight_total
    seg = s.segment
    z = threshold_influence(s.x, q[seg], (s.weight_total * density)[seg], percent, order)
    return percent * q, z


@overload
def _total_below(s: SortedIncomes, alpha: float, influence: Literal[False],
                 ) -> tuple[Floats, None]: ...


@overload
def _total_below(s: SortedIncomes, alpha: float, influence: bool,
                 ) -> tuple[Floats, Floats | None]: ...


def _total_below(s: SortedIncomes, alpha: float, influence: bool,
                 ) -> tuple[Floats, Floats | None]:
    """Income total at or below laeken's alpha-quantile; convey's ``svyisq`` influence."""
    q = s.quantile(alpha)
    seg = s.segment
    below = s.x <= q[seg]
    if not influence:
        return s.sums(s.w * s.x * below), None
    density = s.kernel_sums(q) / s.weight_total
    slope = s.kernel_sums(q, times=s.x) / (s.weight_total * density)
    return s.sums(s.w * s.x * below), s.x * below - slope[seg] * (below - alpha)


def _line(s: SortedIncomes, everyone: SortedIncomes, percent: float, order: float,
          variable: str, reached: bool = False) -> np.ndarray:
    """The whole design's threshold for each segment of ``s`` (laeken's breakdown).

    ``everyone`` has one segment per copy (replicate) and ``s`` K per copy.
    """
    line = _threshold(everyone, percent, order, False, reached)[0]
    require_positive_line(line, everyone.income, percent, order, variable)
    return np.repeat(line, s.n_segments // everyone.n_segments)


def _result_with_threshold(data: Analysis, statistic: str, estimate: np.ndarray,
                           own: np.ndarray, line: np.ndarray, slope: np.ndarray) -> Estimate:
    """An Estimate whose domains share the whole design's threshold.

    The influence of domain k is its own rows' part ``own`` plus
    ``slope[k]`` times the threshold's influence ``line`` over every row.
    The engine gives the covariance of both parts by domain; the threshold's
    parts add up over domains (every row is in one).
    """
    return finite_estimate(data, statistic, estimate,
                           vcov_with_threshold(data, own, line, slope))
