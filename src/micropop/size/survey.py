"""How many people have a trait, from a general-population survey.

The count of people with a trait (micro-work in the last 12 months, at
least monthly, ...) is the weighted total of a 0/1 indicator, with the
engine's design-based interval (R's ``svytotal``). For rare traits, a
symmetric Wald interval can dip below zero; :func:`survey_count` then offers
the share's logit or Korn–Graubard interval (R's ``svyciprop``) times a
known population total. :func:`survey_circles` gives nested circles of
activity from one frequency question.

Examples
--------
>>> import micropop as mp
>>> pop = mp.datasets.load_population_survey()
>>> des = mp.SurveyDesign(pop, weights="weight", strata="region",
...                       psu=["commune_id", "household_id"], fpc=["fpc1", "fpc2"])
>>> round(mp.size.survey_count(des, "microwork_12m").estimate)
295985
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from micropop.design import SurveyDesign, design_rows, require_columns, require_design
from micropop.errors import IndicatorError, NestingError, SizeInputError, check_level
from micropop.size.result import Circles, SizeEstimate, at_least, checked_number

if TYPE_CHECKING:
    from micropop.estimation import Estimate

__all__ = ["survey_count", "survey_circles"]

CountCI = Literal["wald", "logit", "beta"]

_SHARE_METHOD = {"wald": "mean", "logit": "logit", "beta": "beta"}
_CI_NAMES = {"wald": "normal (Wald), design-based SE",
             "logit": "logit interval on the share (R's svyciprop) x population total",
             "beta": "Korn-Graubard (beta) interval on the share (R's svyciprop) "
                     "x population total"}
_SURVEY_ASSUMPTIONS = (
    "The survey is a probability sample of the population; the weights are inverse "
    "selection probabilities (adjusted for non-response, if at all, correctly).",
    "Respondents report the trait without error (no under- or over-reporting).",
)


def with_columns(design: SurveyDesign, columns: Mapping[str, np.ndarray]) -> SurveyDesign:
    """The same design (weights, stages, subset) with derived analysis columns added.

    ``columns`` hold one value per row of the design's full data (subset
    rows included), as the estimators read them.
    """
    index = design.frame.index  # the full data's labels: assign keeps the subset's rows
    return design.assign(**{name: pd.Series(values, index=index)
                            for name, values in columns.items()})


def check_indicator(design: SurveyDesign, column: str) -> None:
    """Raise :class:`IndicatorError` unless ``column`` holds 0/1 (or booleans) in the design.

    Missing values are left to the estimators (an error unless ``na_rm=True``).
    """
    require_columns(design.data, [column])
    series = design.data[column]
    if pd.api.types.is_bool_dtype(series):
        return
    numbers = pd.to_numeric(series, errors="coerce")
    bad = series.notna() & ~numbers.isin([0, 1])
    if bad.any():
        raise IndicatorError(
            f"column {column!r} is not a 0/1 indicator: "
            f"{design_rows(design, bad.to_numpy(), series[bad])}",
            hint="recode it to 1 (has the trait) and 0 (does not), e.g. "
                 "(df[col] == 'yes').astype(int), or use survey_circles for a categorical")


def survey_count(design: SurveyDesign, indicator: str, ci: CountCI = "wald",
                 population_total: float | Mapping[str, float] | None = None,
                 by: str | None = None, level: float = 0.95,
                 na_rm: bool = False) -> SizeEstimate:
    """Number of people with a trait: weighted total of a 0/1 indicator, with its interval.

    Without ``population_total``, the count is the Horvitz–Thompson total
    (R's ``svytotal``) with a normal interval (R's ``confint``). With a known
    population total ``N``, the count is ``p * N``, ``p`` the estimated share,
    and the interval is the share's interval times ``N`` (R's ``svyciprop``,
    t quantile with the design degrees of freedom): ``"logit"`` or
    ``"beta"`` (Korn–Graubard) stay positive and are the ones to use for a
    rare trait; ``"wald"`` is then ``p +/- t se`` (svyciprop's "mean").
    No interval goes below the respondents who have the trait (they exist):
    a lower limit under that count is raised to it.

    Parameters
    ----------
    design : SurveyDesign
        A general-population survey.
    indicator : str
        0/1 (or boolean) column: 1 for people with the trait.
    ci : {"wald", "logit", "beta"}
        Interval. "logit" and "beta" need ``population_total``.
    population_total : float or mapping, optional
        The known number of people in the population (e.g. a census count),
        treated as fixed: its own error is ignored. With ``by=``, a mapping
        from each domain to its population.
    by : str, optional
        Domain column: one count per domain, in the result's
        :attr:`~SizeEstimate.domains` (and rows of its ``to_frame()``); the
        result's own fields are then the count in the whole population, the
        sum of the domain counts, with a normal (Wald) interval from the
        design-based SE of that sum.
    level : float, default 0.95
        Coverage of the interval.
    na_rm : bool, default False
        Leave out rows whose indicator is missing (R's ``na.rm``); otherwise
        they raise :class:`~micropop.errors.MissingValuesError`.

    Returns
    -------
    SizeEstimate
        With ``by=``, one SizeEstimate with its domains (it used to be a dict
        of domain to SizeEstimate: indexing it by domain still works, with a
        ``DeprecationWarning``).

    Raises
    ------
    IndicatorError
        The column holds values other than 0/1 (the rows are named).
    SizeInputError
        "logit"/"beta" without a population total, or a total that is not a
        positive number (or misses a domain).
    MissingValuesError
        Missing indicator values and ``na_rm=False``.

    Examples
    --------
    >>> import micropop as mp
    >>> pop = mp.datasets.load_population_survey()
    >>> des = mp.SurveyDesign(pop, weights="weight", strata="region",
    ...                       psu=["commune_id", "household_id"], fpc=["fpc1", "fpc2"])
    >>> est = mp.size.survey_count(des, "microwork_12m", ci="beta",
    ...                            population_total=38_343_299)
    >>> [round(v, -2) for v in (est.estimate, est.ci_low, est.ci_high)]
    [287400.0, 241700.0, 339200.0]
    >>> by_sex = mp.size.survey_count(des, "microwork_12m", by="sex")
    >>> by_sex.to_frame()["estimate"].round(-2)
    sex
    female    160800.0
    male      135200.0
    Name: estimate, dtype: float64
    >>> round(by_sex.estimate) == round(by_sex.domains["female"].estimate
    ...                                 + by_sex.domains["male"].estimate)
    True
    """
    require_design(design)
    if ci not in _SHARE_METHOD:
        raise SizeInputError(f"ci={ci!r} is not an interval method",
                             hint="use 'wald', 'logit' or 'beta'")
    check_level("level", level)
    check_indicator(design, indicator)
    if by is not None:
        require_columns(design.data, [by])
    totals = _population_totals(population_total, by, ci)
    if totals is None:
        est = design.total(indicator, by=by, na_rm=na_rm)
        bounds = est.ci(level).to_numpy()
    else:
        est = design.proportion(indicator, category=None, ci=_SHARE_METHOD[ci], by=by,
                                level=level, na_rm=na_rm)
        bounds = est.ci().to_numpy()
    assert est.n is not None  # totals and proportions count their rows
    domains: list[str | None] = [str(label[-1]) for label in est.index] if by else [None]
    if totals is not None and set(domains) - set(totals):
        raise SizeInputError(f"population_total has no entry for domain "
                             f"{', '.join(sorted(str(d) for d in set(domains) - set(totals)))}",
                             hint=f"give the population of every level of {by!r}")
    scale = np.ones(len(domains)) if totals is None else np.array([totals[d] for d in domains])
    seen = _holders(design, indicator, by)
    results: dict[str | None, SizeEstimate] = {}
    for k, domain in enumerate(domains):
        n_total = None if totals is None else float(scale[k])
        low, high = at_least(bounds[k, 0] * scale[k], bounds[k, 1] * scale[k],
                             seen.get(domain, 0.0))
        results[domain] = SizeEstimate(
            estimate=est.estimate[k] * scale[k], se=est.se[k] * scale[k],
            ci_low=low, ci_high=high,
            ci_level=level, ci_method=_CI_NAMES[ci],
            method="survey total of an indicator" if totals is None
            else "survey share x known population total",
            assumptions=_count_assumptions(ci, n_total),
            inputs={"indicator": indicator, "domain": domain, "n": int(est.n[k]),
                    "population_total": n_total, "df": est.df})
    if by is None:
        return results[None]
    by_domain = {str(domain): result for domain, result in results.items()}
    return _over_domains(est, scale, by_domain, indicator, by, ci, totals, level,
                         sum(seen.values()))


def _over_domains(est: Estimate, scale: np.ndarray, domains: dict[str, SizeEstimate],
                  indicator: str, by: str, ci: str, totals: dict[str | None, float] | None,
                  level: float, seen: float) -> SizeEstimate:
    """The count in the whole population (the sum of the domain counts), with its domains."""
    whole = est.contrast(scale, names=["all"])
    ci_low, ci_high = whole.ci(level).to_numpy()[0]
    low, high = at_least(ci_low, ci_high, seen)
    n_total = None if totals is None else float(scale.sum())
    assert est.n is not None  # totals and proportions count their rows
    return SizeEstimate(
        estimate=whole.estimate[0], se=whole.se[0], ci_low=low, ci_high=high,
        ci_level=level, ci_method=_CI_NAMES["wald"] + ", of the sum of the domain counts",
        method=("survey total of an indicator" if totals is None
                else "survey share x known population total") + f", summed over {by}",
        assumptions=_count_assumptions(ci, n_total),
        inputs={"indicator": indicator, "domain": None, "n": int(est.n.sum()),
                "population_total": n_total, "df": est.df},
        by=by, domains=domains)


def _holders(design: SurveyDesign, indicator: str, by: str | None) -> dict[str | None, float]:
    """Respondents with the trait, per domain (None without by=): no interval goes below them."""
    data = design.data
    holders = pd.to_numeric(data[indicator], errors="coerce").eq(1)
    if by is None:
        return {None: float(holders.sum())}
    return {str(k): float(v) for k, v in holders.groupby(data[by].astype(str)).sum().items()}


def _population_totals(population_total: float | Mapping[str, float] | None,
                       by: str | None, ci: str) -> dict[str | None, float] | None:
    """Known totals keyed by domain (None without by=), validated."""
    if population_total is None:
        if ci != "wald":
            raise SizeInputError(
                f"ci={ci!r} gives an interval for the share, which needs the population "
                "total to become a count",
                hint="pass population_total= (a known count, e.g. a census figure), "
                     "or use ci='wald'")
        return None
    if by is None and isinstance(population_total, Mapping):
        raise SizeInputError("population_total is a mapping but by= is not given",
                             hint="give one number, or by= the domain column")
    if by is not None and not isinstance(population_total, Mapping):
        raise SizeInputError(f"with by={by!r}, population_total must map each domain to "
                             "its population", hint="pass a dict {domain: population}")
    totals: dict[str | None, float] = (  # a mapping exactly when by= is given (checked above)
        {key: value for key, value in population_total.items()}
        if isinstance(population_total, Mapping) else {None: population_total})
    names = {key: "population_total" if key is None else f"population_total[{key!r}]"
             for key in totals}
    return {key: checked_number(SizeInputError, names[key], value, low=0, low_open=True,
                                hint="give the known number of people in the population, a "
                                     "positive finite number")
            for key, value in totals.items()}


def _count_assumptions(ci: str, population_total: float | None) -> tuple[str, ...]:
    if population_total is None:
        return (*_SURVEY_ASSUMPTIONS,
                "The weighted total is close to normal (Wald interval); for a rare "
                "trait prefer ci='logit' or 'beta' with a known population total.")
    return (*_SURVEY_ASSUMPTIONS,
            f"The population total ({population_total:,.0f}) is known and fixed; "
            "its own error is ignored.")


def survey_circles(design: SurveyDesign, column: str,
                   levels_in_order: Sequence[object] | None = None,
                   circles: Mapping[str, Sequence[object]] | None = None,
                   ci: CountCI = "wald", population_total: float | None = None,
                   level: float = 0.95, na_rm: bool = False) -> Circles:
    """Nested circles of activity from one frequency question of a survey.

    Each circle counts the people whose answer is one of its levels, with
    :func:`survey_count`; an inner circle's levels must be among the outer
    circle's, so the circles nest (weekly inside at least monthly inside the
    last 12 months). They are never to be added up.

    Parameters
    ----------
    design : SurveyDesign
    column : str
        Categorical frequency column, e.g. ``"microwork_freq"``.
    levels_in_order : sequence, optional
        The levels of activity from least to most frequent, leaving out
        "none", e.g. ``["less_often", "monthly", "weekly"]``: circle *k* is
        "at least level *k*".
    circles : mapping of str to sequence, optional
        Explicit circles instead: name to the levels it holds, widest first.
    ci : {"wald", "logit", "beta"}
        Interval of each circle, as :func:`survey_count`.
    population_total : float, optional
        The known number of people in the population, as :func:`survey_count`.
    level : float, default 0.95
        Coverage of the intervals.
    na_rm : bool, default False
        Leave out rows where ``column`` is missing, as :func:`survey_count`.

    Returns
    -------
    Circles

    Raises
    ------
    NestingError
        A circle holds a level its outer circle does not.
    IndicatorError
        A level that the column does not have.

    Examples
    --------
    >>> import micropop as mp
    >>> pop = mp.datasets.load_population_survey()
    >>> des = mp.SurveyDesign(pop, weights="weight", strata="region",
    ...                       psu=["commune_id", "household_id"], fpc=["fpc1", "fpc2"])
    >>> c = mp.size.survey_circles(des, "microwork_freq",
    ...                            levels_in_order=["less_often", "monthly", "weekly"])
    >>> c.to_frame()["estimate"].round(-2).tolist()
    [296000.0, 50400.0, 16000.0]
    """
    require_design(design)
    definitions = circle_levels(design.data, column, levels_in_order, circles)
    values = design.frame[column]
    indicators = {f"{column}: {name}": values.isin(list(levels)).astype(float)
                  .where(values.notna()).to_numpy()
                  for name, levels in definitions.items()}
    augmented = with_columns(design, indicators)
    estimates = {name: survey_count(augmented, key, ci=ci, population_total=population_total,
                                    level=level, na_rm=na_rm)
                 for name, key in zip(definitions, indicators, strict=True)}
    words = {name: f"{column} in {{{', '.join(map(str, levels))}}}"
             for name, levels in definitions.items()}
    return Circles(estimates, words)


def circle_levels(data: pd.DataFrame, column: str,
                  levels_in_order: Sequence[object] | None,
                  circles: Mapping[str, Sequence[object]] | None
                  ) -> dict[str, tuple[object, ...]]:
    """Circle name -> levels, widest first, checked to exist and to nest."""
    require_columns(data, [column])
    if (levels_in_order is None) == (circles is None):
        raise SizeInputError("give either levels_in_order= or circles=",
                             hint="e.g. levels_in_order=['less_often', 'monthly', 'weekly']")
    if circles is not None and not isinstance(circles, Mapping):
        raise SizeInputError(f"circles must map circle names to levels, not "
                             f"{type(circles).__name__}",
                             hint="e.g. circles={'regular': ['monthly', 'weekly']}")
    if circles is None:
        assert levels_in_order is not None  # exactly one of the two is given (checked above)
        given = {"levels_in_order": levels_in_order}
    else:
        given = {f"circle {name!r}": levels for name, levels in circles.items()}
    if not given:
        raise SizeInputError("circles= is empty", hint="give at least one circle")
    for what, levels in given.items():
        if isinstance(levels, (str, bytes)) or not isinstance(levels, Iterable):
            raise SizeInputError(f"{what} must list one level or more, not {levels!r}",
                                 hint="give a list of levels, e.g. ['monthly', 'weekly']")
    lists = [list(levels) for levels in given.values()]
    for what, levels in zip(given, lists, strict=True):
        if not levels or len(set(map(str, levels))) < len(levels):
            raise SizeInputError(f"{what} must list distinct levels, one or more: {levels}",
                                 hint="give a list of levels, each once, e.g. "
                                      "['monthly', 'weekly']")
    if circles is not None:
        circles = dict(zip(circles, lists, strict=True))
    else:
        order = lists[0]
        circles = {f"at least {lev}": order[k:] for k, lev in enumerate(order)}
    series = data[column]
    known = (list(series.cat.categories) if isinstance(series.dtype, pd.CategoricalDtype)
             else list(series.dropna().unique()))
    definitions = {name: tuple(levels) for name, levels in circles.items()}
    unknown = sorted({str(v) for levels in definitions.values() for v in levels
                      if v not in known})
    if unknown:
        raise IndicatorError(f"column {column!r} has no level {', '.join(unknown)}",
                             hint=f"its levels are {', '.join(map(str, known))}")
    names = list(definitions)
    for outer, inner in itertools.pairwise(names):
        extra = [v for v in definitions[inner] if v not in definitions[outer]]
        if extra:
            raise NestingError(
                f"circle {inner!r} holds {', '.join(map(str, extra))}, which circle "
                f"{outer!r} does not: the circles would not nest",
                hint="list the circles widest first, each holding a subset of the "
                     "levels of the one before")
    return definitions
