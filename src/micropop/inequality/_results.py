"""The inequality measures' results: influence values or replicates to a checked Estimate.

Linearised SEs hand the per-row influence values to the design's variance
engine (``Analysis.vcov``); replicate SEs recompute a measure on blocks of
replicate weights stacked as sorted segments (R ``survey``'s
``withReplicates``). Either way the estimate and its variance are checked
finite (:func:`finite_estimate`), and measures run under :func:`guarded`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import numpy as np

from micropop.errors import InequalityError
from micropop.estimation import Estimate
from micropop.estimation._analysis import Analysis
from micropop.inequality._incomes import SortedIncomes

_BLOCK = 2_000_000  # rows x replicates computed in one stacked pass


def guarded(measure: Callable[..., Estimate]) -> Callable[..., Estimate]:
    """Compute without floating-point warnings: a non-finite result is refused instead.

    Overflow or 0/0 on the way (an S80/S20 of 1e300, a variance beyond double
    precision) ends in :func:`finite_estimate`, which raises naming the domain.
    """
    @wraps(measure)
    def guarded(*args: object, **kwargs: object) -> Estimate:
        with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
            return measure(*args, **kwargs)
    return guarded


def replicate_result(data: Analysis, statistic: str, estimate: np.ndarray,
                     everyone: SortedIncomes, s: SortedIncomes,
                     values: Callable[[SortedIncomes, SortedIncomes], list[np.ndarray]],
                     ) -> Estimate:
    """An Estimate whose covariance comes from the design's replicate weights."""
    return finite_estimate(data, statistic, estimate,
                           replicate_vcov(data, statistic, estimate, everyone, s, values))


def replicate_vcov(data: Analysis, statistic: str, estimate: np.ndarray,
                   everyone: SortedIncomes, s: SortedIncomes,
                   values: Callable[[SortedIncomes, SortedIncomes], list[np.ndarray]],
                   ) -> np.ndarray:
    """The covariance of the estimates from the design's replicate weights.

    ``values(by_domain, everyone)`` computes the measure on sorted segments
    (a list of per-segment arrays, one per statistic column); it is applied
    to blocks of replicates stacked as segments (:meth:`SortedIncomes.stacked`),
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


def finite_estimate(data: Analysis, statistic: str, estimate: np.ndarray,
                    vcov: np.ndarray) -> Estimate:
    """The Estimate, once its values and covariance are checked finite.

    Scaling (:meth:`SortedIncomes.build`) keeps every sum finite, but a ratio can
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


def result(data: Analysis, statistic: str, estimate: np.ndarray,
           values: np.ndarray) -> Estimate:
    """An Estimate from per-domain estimates and weighted influence values."""
    values = values.reshape(len(values), -1)
    return finite_estimate(data, statistic, estimate, data.vcov(values))


def income_result(data: Analysis, statistic: str, variable: str, s: SortedIncomes,
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
    return finite_estimate(data, statistic, s.income(estimate), variance)


def vcov_with_threshold(data: Analysis, own: np.ndarray, line: np.ndarray,
                        slope: np.ndarray) -> np.ndarray:
    """The covariance of domains that share the whole design's threshold.

    The influence of domain k is its own rows' part ``own`` plus
    ``slope[k]`` times the threshold's influence ``line`` over every row.
    The engine gives the covariance of both parts by domain; the threshold's
    parts add up over domains (every row is in one).
    """
    k = data.n_domains
    vcov = data.vcov(np.column_stack([own, line]))
    combine = np.hstack([np.eye(k), np.outer(slope, np.ones(k))])
    out: np.ndarray = combine @ vcov @ combine.T
    return out


def require_positive_line(line: np.ndarray, income: Callable[[np.ndarray], np.ndarray],
                          percent: float, order: float, variable: str) -> None:
    """A poverty threshold must be a positive income (one per copy: replicates).

    laeken would count those below a threshold of 0 (no one, when most
    incomes are 0) or below a negative one: a rate of 0 % that means nothing.
    ``income`` turns a computed threshold into income units, for the message.
    """
    bad = np.flatnonzero(~(line > 0))
    if len(bad):
        where = " (in a replicate)" if len(line) > 1 else ""
        raise InequalityError(
            f"the poverty threshold{where}, {percent:g} times the weighted quantile "
            f"{order:g} of {variable!r}, is {float(income(line[bad[0]])):.6g}: not a "
            "positive income, so a share below it is no poverty rate",
            hint="check the incomes (are half of them zero or negative?), or restrict the "
                 "design to the people with an income (des.subset)")
