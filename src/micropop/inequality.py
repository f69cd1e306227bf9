"""Inequality and poverty measures with design-based standard errors.

Point estimates follow R ``laeken`` (Alfons & Templ), the reference of
Eurostat's EU-SILC indicators: the same weighted quantile rule
(``weightedQuantile``: the first value whose cumulative weight share
*exceeds* p), the same Gini formula (``giniCoeff``), "poor" meaning strictly
below the threshold (``weightedRate``), and, with ``by=``, the threshold of
the whole design for the poverty rate and gap (laeken's ``breakdown``).
laeken reports Gini, poverty rate and gap in percent; micropop returns
fractions (0.2649, not 26.49).

Standard errors are Taylor-linearised, as R ``convey`` (Osier 2009; Deville
1999): each measure's influence value for every row is handed to the design
variance engine (:mod:`micropop.variance`), so strata, clusters, fpc,
lonely-PSU policies and domains all work. Where a quantile enters a measure,
its derivative uses convey's Gaussian kernel density with convey's bandwidth
``h = sd / N**0.2`` (``h_fun``: the weighted population standard deviation of
the domain over its weight total to the power 1/5). Because ``N`` is the
weight total, not the sample size, those SEs (arpt, arpr, qsr, rmpg) move
if every weight is multiplied by a constant ``c`` (the bandwidth by
``c**-0.2``: slightly for a factor 7, 1e60-fold for 1e300, as in convey); the
Gini, Lorenz, top-share and fixed-line poverty-rate SEs do not.

Incomes must be finite (infinite ones are refused, naming the rows). Incomes
and weights are divided by powers of two (exactly) before any sum, the
largest of each brought near ``2**100``, so every estimate, and the SEs
without a kernel, are the same for weights of any scale (1e-300 or 1e300)
and incomes of any size. What double precision cannot hold is refused,
naming it: values more than about 1e330 times smaller than the largest of
their column, a variance beyond its range (a threshold in incomes near 1e300).
A poverty threshold must be a positive income (``arpr``, ``rmpg``).

On a replicate-weight design (:class:`~micropop.design.ReplicateDesign`, or
:meth:`SurveyDesign.replicate`) every measure is recomputed with each
replicate's weights (R ``survey``'s ``withReplicates``) and the variance is
the design's own (scale, rscales, mse: R's ``svrVar``). The replicates are
stacked as extra sorted segments, so the incomes are sorted once and a block
of replicates is computed in one vectorised pass.

Each function sorts the incomes once and then works on sorted segments (one
per domain), with no loop over rows or domains.

Examples
--------
>>> import pandas as pd
>>> from micropop.design import SurveyDesign
>>> from micropop.inequality import gini
>>> df = pd.DataFrame({"income": [0.0, 10.0, 20.0, 30.0, 40.0, 100.0],
...                    "w": [2.0, 1.0, 1.0, 1.0, 1.0, 1.0]})
>>> round(float(gini(SurveyDesign(df, weights="w"), "income").estimate[0]), 6)
0.571429
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, wraps

import numpy as np
import pandas as pd

from micropop.design import SurveyDesign, design_rows, require_design
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
from micropop.estimation import Estimate
from micropop.estimation._analysis import Analysis, means, prepare
from micropop.estimation._sorted import SortedSegments, last_at_most
from micropop.estimation.quantiles import probability_label

__all__ = ["gini", "lorenz", "arpt", "arpr", "qsr", "top_share", "rmpg", "poverty_rate"]

By = str | Sequence[str] | None

_SQRT_2PI = np.sqrt(2 * np.pi)
_BLOCK = 2_000_000  # rows x replicates computed in one stacked pass


# --- public measures ------------------------------------------------------------


def _guarded(measure: Callable[..., Estimate]) -> Callable[..., Estimate]:
    """Compute without floating-point warnings: a non-finite result is refused instead.

    Overflow or 0/0 on the way (an S80/S20 of 1e300, a variance beyond double
    precision) ends in :func:`_estimate`, which raises naming the domain.
    """
    @wraps(measure)
    def guarded(*args: object, **kwargs: object) -> Estimate:
        with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
            return measure(*args, **kwargs)
    return guarded


@_guarded
def gini(design: SurveyDesign, variable: str, by: By = None,
         na_rm: bool = False) -> Estimate:
    """Gini coefficient, as R laeken's ``gini`` (a fraction, not percent).

    ``G = (2 sum w_i x_i C_i - sum w_i^2 x_i) / (N X) - 1`` with incomes
    sorted, ``C_i`` the cumulative weight, ``N`` the weight total and ``X``
    the income total (laeken's ``giniCoeff``). The linearised SE uses the
    exact derivative of that estimator in each weight (the influence
    function of convey's ``svygini``, adapted to laeken's formula).

    Parameters
    ----------
    design : SurveyDesign
    variable : str
        Numeric income column; incomes must be non-negative.
    by : str or list of str, optional
        Domain columns: one Gini per domain, keeping the full design.
    na_rm : bool, default False
        Leave out rows with a missing income (as R's ``na.rm``); without it,
        missing incomes raise :class:`~micropop.errors.MissingValuesError`.

    Returns
    -------
    Estimate
        Statistic ``"gini"``.

    Raises
    ------
    NegativeIncomeError
        Negative incomes (counted and listed).
    ZeroIncomeError
        Incomes all zero in a domain.
    InequalityError
        Infinite incomes, or incomes or weights too far apart for double
        precision (rows named).

    Notes
    -----
    Equal incomes, or a domain of one row, give a Gini of 0 with an SE of 0:
    the linearised variance, like every replicate, sees no inequality to vary.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"income": [1.0, 2.0, 3.0, 4.0, 10.0, 20.0],
    ...                    "sex": ["f", "m", "f", "m", "f", "m"]})
    >>> des = SurveyDesign(df.assign(w=1.0), weights="w")
    >>> gini(des, "income", by="sex").to_frame()[["estimate", "se"]].round(4)
                     estimate      se
    variable domain                  
    income   f         0.4286  0.1242
             m         0.4615  0.1088
    """
    require_design(design)
    data, everyone, s = _setup(design, variable, by, na_rm, "the Gini coefficient", True)
    _require_positive_total(data, s, variable, "the Gini coefficient")
    value, z = _gini(s)
    if data.replicated:
        return _replicate_result(data, "gini", value, everyone, s,
                                 lambda r, _: [_gini(r, False)[0]])
    return _result(data, "gini", value, s.scatter(z))


@_guarded
def lorenz(design: SurveyDesign, variable: str,
           shares: Sequence[float] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
           by: By = None, na_rm: bool = False) -> Estimate:
    """Lorenz curve ordinates: the income share of the poorest ``p`` of people.

    As R convey's ``svylorenz``: the ordinate at ``p`` sums the incomes of
    the poorest units up to a weight ``p N``, taking the fraction needed of
    the unit that crosses it; the linearised SE is Kovacevic and Binder's
    (1997), as convey.

    Parameters
    ----------
    design : SurveyDesign
    variable : str
        Numeric income column; incomes must be non-negative.
    shares : sequence of float, default 0.1, ..., 0.9
        Population shares, each strictly between 0 and 1.
    by, na_rm
        As for :func:`gini`.

    Returns
    -------
    Estimate
        Statistic ``"lorenz"``, index ``variable``, ``level`` (the share)
        [, ``domain``]; :meth:`Estimate.ci` gives the intervals.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"income": [1.0, 2.0, 3.0, 4.0], "w": 1.0})
    >>> est = lorenz(SurveyDesign(df, weights="w"), "income", shares=[0.25, 0.5])
    >>> est.estimate.round(4).tolist()
    [0.1, 0.3]
    """
    require_design(design)
    probs = _shares(shares)
    data, everyone, s = _setup(design, variable, by, na_rm, "the Lorenz curve", True)
    _require_positive_total(data, s, variable, "the Lorenz curve")
    labels = [(variable, probability_label(p)) for p in probs]
    if data.replicated:
        return _replicate_result(
            data.with_columns(np.zeros((len(data.y), len(probs))), labels), "lorenz",
            np.concatenate([_lorenz(s, p, False)[0] for p in probs]), everyone, s,
            lambda r, _: [_lorenz(r, p, False)[0] for p in probs])
    fits = [_lorenz(s, p) for p in probs]
    values = np.column_stack([s.scatter(z) for _, z in fits])
    return _result(data.with_columns(values, labels), "lorenz",
                   np.concatenate([value for value, _ in fits]), values)


@_guarded
def top_share(design: SurveyDesign, variable: str, share: float = 0.1, by: By = None,
              na_rm: bool = False) -> Estimate:
    """Income share of the richest ``share`` of people (top 10 % by default).

    Defined as ``1 - L(1 - share)`` with the Lorenz ordinate of
    :func:`lorenz` (R convey's ``svylorenz``), so both agree; linearised as
    that ordinate.

    Parameters
    ----------
    design : SurveyDesign
    variable : str
        Numeric income column; incomes must be non-negative.
    share : float, default 0.1
        Share of the population at the top, strictly between 0 and 1.
    by, na_rm
        As for :func:`gini`.

    Returns
    -------
    Estimate
        Statistic ``"top_share"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"income": [1.0, 1.0, 1.0, 1.0, 6.0], "w": 1.0})
    >>> float(top_share(SurveyDesign(df, weights="w"), "income", 0.2).estimate[0])
    0.6
    """
    require_design(design)
    share = _fraction("share", share, closed_top=False)
    data, everyone, s = _setup(design, variable, by, na_rm, "the top income share", True)
    _require_positive_total(data, s, variable, "the top income share")
    if data.replicated:
        return _replicate_result(data, "top_share", 1.0 - _lorenz(s, 1.0 - share, False)[0],
                                 everyone, s,
                                 lambda r, _: [1.0 - _lorenz(r, 1.0 - share, False)[0]])
    value, z = _lorenz(s, 1.0 - share)
    return _result(data, "top_share", 1.0 - value, -s.scatter(z))


@_guarded
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
    by, na_rm
        As for :func:`gini`.

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
    require_design(design)
    percent = _fraction("percent", percent)
    order = _fraction("order", order, closed_top=False)
    data, everyone, s = _setup(design, variable, by, na_rm, "the poverty threshold", False)
    if data.replicated:
        value = _threshold(s, percent, order, False)[0]
        vcov = _replicate_vcov(data, "arpt", value, everyone, s,
                               lambda r, _: [_threshold(r, percent, order, False)[0]])
    else:
        _require_spread(data, s, variable, "the poverty threshold")
        value, z = _threshold(s, percent, order)
        vcov = data.vcov(s.scatter(z)[:, None])
    return _income_result(data, "arpt", variable, s, value, vcov)


@_guarded
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
    percent, order
        As for :func:`arpt`.
    by, na_rm
        As for :func:`gini`.

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
    require_design(design)
    percent = _fraction("percent", percent)
    order = _fraction("order", order, closed_top=False)
    data, everyone, s = _setup(design, variable, by, na_rm, "the poverty rate", False)

    def rates(s: _Sorted, everyone: _Sorted) -> list[np.ndarray]:
        t = _line(s, everyone, percent, order, variable)
        return [s.sums(s.w * (s.x < t[s.segment])) / s.weight_total]

    if data.replicated:
        return _replicate_result(data, "arpr", rates(s, everyone)[0], everyone, s, rates)
    _require_spread(data, s, variable, "the poverty rate")
    line, z_line = _threshold(everyone, percent, order)
    _require_positive_line(everyone, line, percent, order, variable)
    t = np.repeat(line, s.n_segments)
    poor = s.x < t[s.segment]
    n = s.weight_total
    rate = s.sums(s.w * poor) / n
    own = (poor - rate[s.segment]) / n[s.segment]
    slope = s.kernel_sums(t) / n
    return _result_with_threshold(data, "arpr", rate, s.scatter(own),
                                  everyone.scatter(z_line), slope)


@_guarded
def rmpg(design: SurveyDesign, variable: str, percent: float = 0.6, order: float = 0.5,
         by: By = None, na_rm: bool = False) -> Estimate:
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
    percent, order
        As for :func:`arpt`.
    by, na_rm
        As for :func:`gini`.

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
    require_design(design)
    percent = _fraction("percent", percent)
    order = _fraction("order", order, closed_top=False)
    data, everyone, s = _setup(design, variable, by, na_rm, "the poverty gap", False)
    if not data.replicated:
        _require_spread(data, s, variable, "the poverty gap")
    line, z_line = _threshold(everyone, percent, order, not data.replicated)
    _require_positive_line(everyone, line, percent, order, variable)
    t = np.repeat(line, s.n_segments)
    poor = s.x < t[s.segment]
    n_poor = s.sums(poor.astype(float))
    if np.any(n_poor == 0):
        raise EmptyDomainError(
            f"no one is below the poverty threshold ({s.income(line)[0]:.6g}) of "
            f"{variable!r} in "
            f"domain {', '.join(data.domain_name(k) for k in np.flatnonzero(n_poor == 0))}",
            hint="the poverty gap needs poor people in every domain; drop those domains")
    median = s.take(poor).quantile(0.5)
    if data.replicated:
        def gaps(s: _Sorted, everyone: _Sorted) -> list[np.ndarray]:
            t = _line(s, everyone, percent, order, variable)
            poor = s.x < t[s.segment]
            empty = np.flatnonzero(s.sums(poor.astype(float)) == 0)
            if len(empty):
                raise EmptyDomainError(
                    f"a replicate leaves no one below the poverty threshold of {variable!r} "
                    f"in domain {data.domain_name(int(empty[0]) % data.n_domains)}",
                    hint="the replicate poverty gap needs poor people in every replicate; "
                         "use a linearised SE (the SurveyDesign) or larger domains")
            return [(t - s.take(poor).quantile(0.5)) / t]

        return _replicate_result(data, "rmpg", (t - median) / t, everyone, s, gaps)
    n = s.weight_total
    f_line, f_median = s.kernel_sums(t) / n, s.kernel_sums(median) / n
    # the median of the poor m solves N F(m) = N F(t) / 2
    own = (0.5 * poor - (s.x <= median[s.segment])) / (n * f_median)[s.segment]
    slope = -0.5 * f_line / f_median / t + median / t**2
    return _result_with_threshold(data, "rmpg", (t - median) / t,
                                  s.scatter(-own / t[s.segment]), everyone.scatter(z_line),
                                  slope)


@_guarded
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
    by, na_rm
        As for :func:`gini`.

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
    data, everyone, s = _setup(design, variable, by, na_rm, "the quintile share ratio", True)
    if not data.replicated:
        _require_spread(data, s, variable, "the quintile share ratio")
    low_total, low_z = _total_below(s, 0.2, not data.replicated)
    high_total, high_z = _total_below(s, 0.8, not data.replicated)
    if np.any(low_total == 0):
        empty = [data.domain_name(k) for k in np.flatnonzero(low_total == 0)]
        raise ZeroIncomeError(
            f"the poorest 20 % have no {variable!r} income in {', '.join(empty)}, so the "
            "quintile share ratio S80/S20 is infinite",
            hint="report top_share or lorenz instead, or leave out the zero incomes "
                 "(des.subset)")
    top = s.sums(s.w * s.x) - high_total
    ratio = top / low_total
    if data.replicated:
        def ratios(s: _Sorted, _: _Sorted) -> list[np.ndarray]:
            low, high = _total_below(s, 0.2, False)[0], _total_below(s, 0.8, False)[0]
            return [(s.sums(s.w * s.x) - high) / low]

        return _replicate_result(data, "qsr", ratio, everyone, s, ratios)
    seg = s.segment
    z = ((s.x - high_z) - ratio[seg] * low_z) / low_total[seg]
    return _result(data, "qsr", ratio, s.scatter(z))


@_guarded
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
    by, na_rm
        As for :func:`gini`.

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
    require_design(design)
    line = _parameter("line", line, low=0, low_open=True,
                      hint="give the poverty line as a positive income, in the income's "
                           "units")
    data, _, _ = _setup(design, variable, by, na_rm, "the poverty rate", False,
                        sort=False)
    below = data.with_columns((data.y < line).astype(float), [(variable, "")])
    rate, vcov = means(below)
    return _estimate(data, "poverty_rate", rate, vcov)


# --- sorted incomes --------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Sorted(SortedSegments):
    """Rows of each domain sorted by income, domains laid end to end.

    The sorted-segments kernel (:class:`~micropop.estimation._sorted.SortedSegments`:
    ``rows`` gives the position of each sorted row in the design's rows,
    ``segment`` its domain, ``starts``/``ends`` each domain's slice) on
    incomes and weights scaled by powers of two. Measures are computed on
    these arrays and their per-row influence values scattered back with
    :meth:`scatter`.
    """

    income_exp: int = 0
    weight_exp: int = 0

    @classmethod
    def build(cls, x: np.ndarray, w: np.ndarray, row_domain: np.ndarray) -> _Sorted:
        """All rows in some domain (``row_domain >= 0``) as one sorted segment.

        Incomes and weights are divided by powers of two (exactly,
        :func:`_exponent`): sums of products of incomes and weights of any
        scale (1e-300, 1e300) neither overflow nor underflow.
        ``income_exp`` and ``weight_exp`` record those powers.
        """
        inside = row_domain >= 0
        rows = None if inside.all() else np.flatnonzero(inside)
        # equal incomes in any order: the measures are symmetric in them
        s = SortedSegments.sort(x, w, rows, ties="any")
        income_exp, weight_exp = _exponent(s.x), _exponent(s.w)
        return cls(**{**s.fields(), "x": np.ldexp(s.x, -income_exp),
                      "w": np.ldexp(s.w, -weight_exp)},
                   income_exp=income_exp, weight_exp=weight_exp)

    def income(self, values: np.ndarray) -> np.ndarray:
        """Values computed in the scaled incomes (a threshold, its influence) in income units."""
        return np.ldexp(values, self.income_exp)

    def stacked(self, weights: np.ndarray) -> _Sorted:
        """The segments again for each column of ``weights`` (sorted rows, (n, m)).

        ``weights`` are the design's (replicate) weights, scaled here as in
        :meth:`build`; copy ``j`` holds segments ``j K`` to ``j K + K - 1``
        (:meth:`SortedSegments.stacked`).
        """
        return super().stacked(np.ldexp(weights, -self.weight_exp))

    @cached_property
    def cumulative_weight(self) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`running` sums of the weights (long double, as R's ``cumsum``)."""
        return self.running(self.w)

    @cached_property
    def weight_total(self) -> np.ndarray:
        return self.sums(self.w)

    @cached_property
    def bandwidth(self) -> np.ndarray:
        """convey's ``h_fun`` per domain: weighted population sd over N**0.2.

        ``N`` is the design's weight total (not the scaled one): convey's
        bandwidth, hence the SEs that use it, depend on the scale of the weights.
        """
        n = self.weight_total
        mean = self.sums(self.w * self.x) / n
        variance = self.sums(self.w * (self.x - mean[self.segment]) ** 2) / n
        return np.sqrt(variance) / n**0.2 / np.exp2(self.weight_exp / 5)

    def kernel_sums(self, at: np.ndarray, times: np.ndarray | None = None) -> np.ndarray:
        """``sum w K((at - x) / h) [* times] / h`` per domain, Gaussian K.

        Divided by the weight total, this is convey's ``densfun`` (``"F"``);
        with ``times=x`` it is its ``"big_s"``.
        """
        h = self.bandwidth
        u = (at[self.segment] - self.x) / h[self.segment]
        kernel = self.w * np.exp(-0.5 * u * u) / _SQRT_2PI
        return self.sums(kernel if times is None else kernel * times) / h

    def quantile(self, p: float) -> np.ndarray:
        """laeken's ``weightedQuantile`` per domain, for p in (0, 1).

        The first value whose cumulative weight share ``cumsum(w) / sum(w)``
        exceeds p (so never an average of two values: laeken's tie branch
        cannot be reached).
        """
        cum, key = self.cumulative_weight
        total = cum[self.ends - 1]
        share = cum / total[self.segment]
        before = key[self.starts] - self.w[self.starts]
        last = last_at_most(share, np.full(self.n_segments, p), key, before + p * total,
                            self.starts, self.ends)
        return self.x[np.minimum(last + 1, self.ends - 1)]

    def scatter(self, z: np.ndarray) -> np.ndarray:
        """Influence values (sorted rows) as weighted values on the design's rows."""
        out = np.zeros(self.n_rows)
        out[self.rows] = self.w * z
        return out


# --- the measures on sorted incomes: (estimate per domain, influence per sorted row) ----


#: Incomes and weights are scaled so that the largest lies in [2**99, 2**100): products
#: of three of them stay finite, and small values keep their precision.
_TARGET_EXPONENT = 100


def _exponent(values: np.ndarray) -> int:
    """The power of two to divide ``values`` by to bring the largest into [2**99, 2**100).

    Always the same target, so that multiplying the values by a power of two
    changes nothing after scaling (the results are the same bit for bit).
    """
    top = float(np.max(np.abs(values), initial=0.0))
    return int(np.frexp(top)[1]) - _TARGET_EXPONENT if top > 0 else 0


def _refuse_vanishing(design: SurveyDesign, inside: np.ndarray, values: np.ndarray,
                      what: str, hint: str) -> None:
    """Non-zero values that scaling (:func:`_exponent`) would leave subnormal or zero."""
    scaled = np.ldexp(values, -_exponent(values[inside]))
    lost = inside & (values != 0) & (np.abs(scaled) < np.finfo(float).tiny)
    if lost.any():
        raise InequalityError(
            f"{int(lost.sum())} {what} are too small next to the largest one "
            f"({np.max(np.abs(values[inside])):.3g}) for double precision, in "
            f"{design_rows(design, lost, values[lost])}", hint=hint)


def _gini(s: _Sorted, influence: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """laeken's ``giniCoeff`` and (if ``influence``) its derivative in each weight."""
    wx = s.w * s.x
    n, total = s.weight_total, s.sums(wx)
    cum_w = s.cumulative_weight[0]
    value = (2 * s.sums(wx * cum_w) - s.sums(s.w * wx)) / (n * total) - 1
    if not influence:
        return value, None
    cum_wx = s.running(wx, float)[0]
    seg = s.segment
    z = (2 * (s.x * cum_w + total[seg] - cum_wx) / (n * total)[seg]
         - (value + 1)[seg] * (1 / n[seg] + s.x / total[seg]))
    return value, z


def _threshold(s: _Sorted, percent: float, order: float,
               influence: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """``percent`` times laeken's quantile of ``order``; convey's ``svyarpt`` influence."""
    q = s.quantile(order)
    if not influence:
        return percent * q, None
    density = s.kernel_sums(q) / s.weight_total
    seg = s.segment
    z = -percent / (s.weight_total * density)[seg] * ((s.x <= q[seg]) - order)
    return percent * q, z


def _total_below(s: _Sorted, alpha: float,
                 influence: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Income total at or below laeken's alpha-quantile; convey's ``svyisq`` influence."""
    q = s.quantile(alpha)
    seg = s.segment
    below = s.x <= q[seg]
    if not influence:
        return s.sums(s.w * s.x * below), None
    density = s.kernel_sums(q) / s.weight_total
    slope = s.kernel_sums(q, times=s.x) / (s.weight_total * density)
    return s.sums(s.w * s.x * below), s.x * below - slope[seg] * (below - alpha)


def _lorenz(s: _Sorted, p: float,
            influence: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """convey's ``svylorenz`` ordinate at p and its influence (Kovacevic-Binder)."""
    wx = s.w * s.x
    n, total = s.weight_total, s.sums(wx)
    cum, key = s.cumulative_weight
    before = s.previous(cum)                         # weight of the poorer rows
    target = p * n
    # the crossing row: the last whose poorer rows weigh less than p N
    k = last_at_most(before, np.nextafter(target, -np.inf), key - s.w,
                     key[s.starts] - s.w[s.starts] + target, s.starts, s.ends)
    taken = target - before[k]
    value = (s.previous(s.running(wx, float)[0])[k] + taken * s.x[k]) / total
    if not influence:
        return value, None
    lower = np.where(k > s.starts, s.x[np.maximum(k - 1, 0)], 0.0)
    q = lower + (s.x[k] - lower) * taken / s.w[k]
    seg = s.segment
    z = ((s.x - q[seg]) * (s.x <= q[seg]) + p * q[seg] - s.x * value[seg]) / total[seg]
    return value, z


# --- shared steps ----------------------------------------------------------------------


def _setup(design: SurveyDesign, variable: str, by: By, na_rm: bool, measure: str,
           nonnegative: bool,
           sort: bool = True) -> tuple[Analysis, _Sorted | None, _Sorted | None]:
    """Check the income column and sort it: (analysis, all rows, rows by domain)."""
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
    _refuse_vanishing(design, data.row_domain >= 0, data.weights, "weights",
                      hint="check the weights column")
    if not sort:  # a plain proportion: the engine's mean on the weights scaled as _Sorted's
        weights = data.weights
        scaled = np.ldexp(weights, -_exponent(weights[data.row_domain >= 0]))
        return replace(data, weights=scaled), None, None
    everyone = _Sorted.build(x, data.weights, data.row_domain)
    return data, everyone, everyone.split(data.row_domain, data.n_domains)


def _line(s: _Sorted, everyone: _Sorted, percent: float, order: float,
          variable: str) -> np.ndarray:
    """The whole design's threshold for each segment of ``s`` (laeken's breakdown).

    ``everyone`` has one segment per copy (replicate) and ``s`` K per copy.
    """
    line = _threshold(everyone, percent, order, False)[0]
    _require_positive_line(everyone, line, percent, order, variable)
    return np.repeat(line, s.n_segments // everyone.n_segments)


def _require_positive_line(everyone: _Sorted, line: np.ndarray, percent: float, order: float,
                           variable: str) -> None:
    """A poverty threshold must be a positive income (one per copy of ``everyone``).

    laeken would count those below a threshold of 0 (no one, when most
    incomes are 0) or below a negative one: a rate of 0 % that means nothing.
    """
    bad = np.flatnonzero(~(line > 0))
    if len(bad):
        where = " (in a replicate)" if len(line) > 1 else ""
        raise InequalityError(
            f"the poverty threshold{where}, {percent:g} times the weighted quantile "
            f"{order:g} of {variable!r}, is {float(everyone.income(line[bad[0]])):.6g}: not a "
            "positive income, so a share below it is no poverty rate",
            hint="check the incomes (are half of them zero or negative?), or restrict the "
                 "design to the people with an income (des.subset)")


def _replicate_result(data: Analysis, statistic: str, estimate: np.ndarray,
                      everyone: _Sorted, s: _Sorted,
                      values: Callable[[_Sorted, _Sorted], list[np.ndarray]]) -> Estimate:
    """An Estimate whose covariance comes from the design's replicate weights."""
    return _estimate(data, statistic, estimate,
                     _replicate_vcov(data, statistic, estimate, everyone, s, values))


def _replicate_vcov(data: Analysis, statistic: str, estimate: np.ndarray,
                    everyone: _Sorted, s: _Sorted,
                    values: Callable[[_Sorted, _Sorted], list[np.ndarray]]) -> np.ndarray:
    """The covariance of the estimates from the design's replicate weights.

    ``values(by_domain, everyone)`` computes the measure on sorted segments
    (a list of per-segment arrays, one per statistic column); it is applied
    to blocks of replicates stacked as segments (:meth:`_Sorted.stacked`),
    and the replicate estimates go to the design's variance (R's
    ``withReplicates``/``svrVar``).
    """
    design = data.design
    n_rep = design.n_replicates
    k = s.n_segments
    block = max(1, _BLOCK // max(len(s.rows), 1))
    thetas = np.empty((n_rep, len(estimate)))
    for start in range(0, n_rep, block):
        cols = np.arange(start, min(start + block, n_rep))
        by_domain = s.stacked(design.weight_matrix(s.rows, cols))
        whole = by_domain if s is everyone else everyone.stacked(
            design.weight_matrix(everyone.rows, cols))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            parts = values(by_domain, whole)
        thetas[cols] = np.hstack([part.reshape(len(cols), k) for part in parts])
    undefined = ~np.isfinite(thetas)
    if undefined.any():
        replicate, column = np.argwhere(undefined)[0]
        domain = data.domain_name(int(column) % k)
        raise InequalityError(
            f"{int(undefined.any(axis=1).sum())} of the {n_rep} replicates leave {statistic} "
            f"undefined (first: replicate {replicate + 1}, in {domain}): a replicate without "
            "weight, income or poor people in the domain",
            hint="use the linearised SE (a SurveyDesign) or larger domains; a jackknife "
                 "that deletes a domain's only PSU cannot vary it")
    return data.replicate_vcov(thetas, estimate)


def _require_spread(data: Analysis, s: _Sorted, variable: str, measure: str) -> None:
    """A kernel density needs incomes that vary within each domain (bandwidth > 0)."""
    flat = s.bandwidth == 0
    if np.any(flat):
        names = ", ".join(data.domain_name(k) for k in np.flatnonzero(flat))
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
    _refuse_vanishing(design, inside, x, f"values of {variable!r}",
                      hint="set them to 0, or give the incomes in other units")
    negative = (x < 0) & inside
    if nonnegative and negative.any():
        raise NegativeIncomeError(
            f"{measure} needs non-negative incomes, but {variable!r} has "
            f"{int(negative.sum())} negative values, in "
            f"{design_rows(design, negative, x[negative])}",
            hint="set them to zero if they are losses to ignore, or leave those rows out "
                 "with des.subset")


def _require_positive_total(data: Analysis, s: _Sorted, variable: str, measure: str) -> None:
    total = s.sums(s.w * s.x)
    if np.any(total == 0):
        empty = [data.domain_name(k) for k in np.flatnonzero(total == 0)]
        raise ZeroIncomeError(
            f"{variable!r} is zero for everyone in {', '.join(empty)}, so {measure} is "
            "undefined (0/0)", hint="check the column, or leave those domains out")


def _parameter(name: str, value: object, **limits: object) -> float:
    """:func:`~micropop.errors.check_number`, raising :class:`InequalityParameterError`."""
    try:
        return check_number(name, value, **limits)
    except OptionError as err:
        raise InequalityParameterError(err.message, hint=err.hint) from None


def _fraction(name: str, value: object, closed_top: bool = True) -> float:
    """A share, percent or order: a number in (0, 1] (or (0, 1) if not ``closed_top``)."""
    interval = "(0, 1]" if closed_top else "(0, 1)"
    return _parameter(name, value, low=0, high=1, low_open=True, high_open=not closed_top,
                      hint=f"give {name} as a fraction in {interval}, e.g. 0.6 for 60 % "
                           "(laeken's percent scale is not used)")


def _shares(shares: object) -> np.ndarray:
    """Lorenz shares: a non-empty list of distinct fractions in (0, 1)."""
    items = [shares] if np.ndim(shares) == 0 else list(shares)
    probs = np.array([_fraction("shares", p, closed_top=False) for p in items])
    if len(probs) == 0:
        raise InequalityParameterError("shares is empty",
                                       hint="give one population share or more, e.g. [0.5]")
    repeated = pd.unique(probs[pd.Series(probs).duplicated().to_numpy()])
    if len(repeated):
        raise InequalityParameterError(
            f"shares lists {', '.join(f'{p:g}' for p in repeated)} more than once",
            hint="give each population share once")
    return probs


def _estimate(data: Analysis, statistic: str, estimate: np.ndarray,
              vcov: np.ndarray) -> Estimate:
    """The Estimate, once its values and covariance are checked finite.

    Scaling (:meth:`_Sorted.build`) keeps every sum finite, but a ratio can
    itself be huge (S80/S20 when the poorest hold 1e-300 of the income) and
    its variance beyond double precision: that is refused, naming the domain.
    """
    variances = np.diag(vcov) if vcov.ndim == 2 else vcov
    bad = ~np.isfinite(estimate) | ~np.isfinite(variances)
    if np.any(bad):
        k = int(np.flatnonzero(bad)[0])
        variable = data.labels[k // data.n_domains][0]
        raise InequalityError(
            f"{statistic} of {variable!r} in {data.domain_name(k % data.n_domains)} is "
            f"{estimate[k]:.6g} with a variance beyond double precision",
            hint="check the incomes: values hundreds of orders of magnitude apart (1e-300 "
                 "next to 1) leave the measure numerically meaningless")
    return data.result(statistic, estimate, vcov, None)


def _result(data: Analysis, statistic: str, estimate: np.ndarray,
            values: np.ndarray) -> Estimate:
    """An Estimate from per-domain estimates and weighted influence values."""
    values = values.reshape(len(values), -1)
    return _estimate(data, statistic, estimate, data.vcov(values))


def _income_result(data: Analysis, statistic: str, variable: str, s: _Sorted,
                   estimate: np.ndarray, vcov: np.ndarray) -> Estimate:
    """An Estimate in income units from one computed on the scaled incomes of ``s``.

    Its variance is in income units squared: incomes beyond about 1e150 (or
    below 1e-150) put it outside double precision, which is refused rather
    than returned as an infinite (or zero) standard error.
    """
    with np.errstate(over="ignore", under="ignore"):
        variance = np.ldexp(vcov, 2 * s.income_exp)
    scaled, unscaled = np.abs(np.diag(vcov)), np.abs(np.diag(variance))
    if not np.all(np.isfinite(variance)) or np.any(
            (scaled > 0) & (unscaled < np.finfo(float).tiny)):
        largest = float(s.income(np.max(np.abs(s.x), initial=0.0)))
        raise InequalityError(
            f"the variance of the {statistic} estimate of {variable!r}, in income units "
            f"squared, is beyond double precision (largest income {largest:.3g})",
            hint="give the incomes in other units (thousands, millions, cents) and convert "
                 "the threshold back")
    return _estimate(data, statistic, s.income(estimate), variance)


def _result_with_threshold(data: Analysis, statistic: str, estimate: np.ndarray,
                           own: np.ndarray, line: np.ndarray, slope: np.ndarray) -> Estimate:
    """An Estimate whose domains share the whole design's threshold.

    The influence of domain k is its own rows' part ``own`` plus
    ``slope[k]`` times the threshold's influence ``line`` over every row.
    The engine gives the covariance of both parts by domain; the threshold's
    parts add up over domains (every row is in one).
    """
    k = data.n_domains
    vcov = data.vcov(np.column_stack([own, line]))
    combine = np.hstack([np.eye(k), np.outer(slope, np.ones(k))])
    return _estimate(data, statistic, estimate, combine @ vcov @ combine.T)
