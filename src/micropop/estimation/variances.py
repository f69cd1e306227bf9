"""Population variances, covariances and correlations, as R's ``svyvar``.

R's ``svyvar`` estimates the population covariance of numeric variables as the
design-weighted mean of ``(x_i - xbar_i)(x_j - xbar_j) n / (n - 1)`` (``n``
the sampled rows), and gives it the variance of that mean:

- on a linearised design, the influence of each row is that of a mean of the
  products, the means ``xbar`` held fixed (their own influence cancels: the
  derivative of the covariance in ``xbar`` is a weighted sum of deviations,
  zero), so :func:`~micropop.estimation.survey_var` is :func:`~micropop.estimation.survey_mean` of
  the products, exactly as R's ``svyvar.survey.design``; ``n`` counts the rows
  of the domain with a non-zero weight, **including** rows left out for a
  missing value under ``na_rm`` (R counts them before dropping them);
- on a replicate design, the covariance recomputed with each replicate weight,
  means included (R's ``svyvar.svyrep.design``), ``n`` the rows of the domain
  without a missing value.

Correlations (R's ``survey`` has no ``svycorr``, up to its current version)
are ``r = s_xy / sqrt(s_xx s_yy)`` of those covariances. Their variance is the
linearisation of ``r`` through the covariances' influence values: with the
gradient ``(1 / sqrt(s_xx s_yy), -r / (2 s_xx), -r / (2 s_yy))`` of ``r`` in
``(s_xy, s_xx, s_yy)``, ``var r = g' V g`` (``V`` R's covariance of the
``svyvar`` matrix), the delta method; on a replicate design ``r`` is
recomputed from each replicate's covariances and goes through the replicate
variance (R's ``svrVar``).

Examples
--------
>>> import pandas as pd
>>> from micropop.design import SurveyDesign
>>> df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [2.0, 1.0, 4.0, 3.0], "w": 1.0})
>>> des = SurveyDesign(df, weights="w")
>>> round(float(des.var("x").estimate[0]), 4)
1.6667
>>> round(float(des.corr(["x", "y"]).estimate[0]), 4)
0.6
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from micropop.design._core import Design
from micropop.design.encode import as_columns, require_design
from micropop.errors import (
    ConstantVariableError,
    EmptyDomainError,
    InfiniteValueError,
    OptionError,
)
from micropop.estimation._analysis import Analysis, prepare, scaled_means
from micropop.estimation._columns import domains
from micropop.estimation.result import Estimate

__all__ = ["survey_corr", "survey_cov", "survey_var"]


class _Covariances(NamedTuple):
    """Every pair's covariance by domain (pair-major: ``m * K + k``, pair ``m = i * p + j``),
    with its covariance (in ``units``) and, on a replicate design, the replicate estimates."""

    data: Analysis
    names: list[str]
    estimate: np.ndarray
    vcov: np.ndarray
    units: np.ndarray | None
    replicates: np.ndarray | None


def survey_var(design: Design, variables: str | Sequence[str],
               by: str | Sequence[str] | None = None, na_rm: bool = False) -> Estimate:
    """Population variances with their standard errors, as R's ``svyvar``.

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    variables : str or list of str
        Numeric columns. With several, rows missing any of them are left
        out together under ``na_rm`` (R's ``svyvar`` of a formula).
    by : str or list of str, optional
        Domain columns: one variance per domain, keeping the full design
        (R's ``svyby(..., svyvar)``).
    na_rm : bool, default False
        Leave out rows with a missing value; without it they are refused.

    Returns
    -------
    Estimate
        Statistic ``"variance"``, indexed by ``variable`` [, ``domain``]:
        the diagonal of R's ``svyvar`` matrix (what R prints), with its SEs.
        :func:`~micropop.estimation.survey_cov` gives the whole matrix.

    Raises
    ------
    NotNumericVariableError, MissingValuesError, InfiniteValueError
        A column that is not numeric, missing values without ``na_rm``,
        infinite values (or squared deviations beyond double precision).
    EmptyDomainError
        A domain without weight, or with a single sampled row (``n - 1 = 0``).

    Notes
    -----
    See :mod:`micropop.estimation.variances` for the estimator and R's two
    counts of ``n`` under ``na_rm``.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 6.0], "w": 2.0})
    >>> est = SurveyDesign(df, weights="w").var("y")
    >>> round(float(est.estimate[0]), 4), round(float(est.se[0]), 4)
    (4.6667, 2.6943)
    """
    parts = _covariances(design, variables, by, na_rm)
    p, k = len(parts.names), parts.data.n_domains
    keep = np.concatenate([np.arange(k) + (i * p + i) * k for i in range(p)])
    units = None if parts.units is None else parts.units[keep]
    return Estimate("variance", _index(parts, [(i, i) for i in range(p)], single=True),
                    parts.estimate[keep], parts.vcov[np.ix_(keep, keep)], design.degf,
                    _counts(parts.data, p), variance=parts.data.variance_method, units=units)


def survey_cov(design: Design, variables: Sequence[str],
               by: str | Sequence[str] | None = None, na_rm: bool = False) -> Estimate:
    """The population covariance matrix with standard errors, as R's ``svyvar``.

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    variables : list of str
        Two numeric columns or more.
    by : str or list of str, optional
        Domain columns (R's ``svyby``).
    na_rm : bool, default False
        Leave out the rows missing any of the variables.

    Returns
    -------
    Estimate
        Statistic ``"covariance"``, one row per entry of the matrix (all
        ``p * p``, as R's ``print(svyvar(...), covariance=TRUE)``), indexed
        by ``variable``, ``variable2`` [, ``domain``]; ``vcov`` is R's
        ``attr(, "var")``. ``est.estimate.reshape(p, p)`` is the matrix when
        there is no domain.

    Raises
    ------
    OptionError
        Fewer than two variables.
    NotNumericVariableError, MissingValuesError, InfiniteValueError, EmptyDomainError
        As :func:`~micropop.estimation.survey_var`.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [2.0, 1.0, 4.0, 3.0], "w": 1.0})
    >>> SurveyDesign(df, weights="w").cov(["x", "y"]).estimate.reshape(2, 2).round(4)
    array([[1.6667, 1.    ],
           [1.    , 1.6667]])
    """
    parts = _covariances(design, _several(variables), by, na_rm)
    p = len(parts.names)
    return Estimate("covariance", _index(parts, [(i, j) for i in range(p) for j in range(p)]),
                    parts.estimate, parts.vcov, design.degf, _counts(parts.data, p * p),
                    variance=parts.data.variance_method, units=parts.units)


def survey_corr(design: Design, variables: Sequence[str],
                by: str | Sequence[str] | None = None, na_rm: bool = False) -> Estimate:
    """Population correlations with design-based standard errors.

    R's ``survey`` has no ``svycorr``: the correlation is that of
    :func:`~micropop.estimation.survey_cov`'s matrix, and its variance the linearisation of
    ``r = s_xy / sqrt(s_xx s_yy)`` through the covariances' influence values
    (the delta method on R's ``svyvar`` covariance), or, on a replicate
    design, ``r`` recomputed with each replicate weight.

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    variables : list of str
        Two numeric columns or more.
    by : str or list of str, optional
        Domain columns (R's ``svyby``).
    na_rm : bool, default False
        Leave out the rows missing any of the variables.

    Returns
    -------
    Estimate
        Statistic ``"correlation"``, one row per pair ``i < j`` in the
        order of ``variables``, indexed by ``variable``, ``variable2``
        [, ``domain``]. Intervals are estimate +/- quantile * se, as for
        any estimate (they may leave [-1, 1] in small samples).

    Raises
    ------
    ConstantVariableError
        A variable with no variance in a domain: its correlations are 0 / 0.
    OptionError, NotNumericVariableError, MissingValuesError, InfiniteValueError,
    EmptyDomainError
        As :func:`~micropop.estimation.survey_cov`.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 5.0], "y": [2.0, 1.0, 4.0, 3.0, 6.0],
    ...                    "w": [1.0, 2.0, 1.0, 2.0, 1.0]})
    >>> est = SurveyDesign(df, weights="w").corr(["x", "y"])
    >>> est.to_frame()[["estimate", "se"]].round(4)  # doctest: +NORMALIZE_WHITESPACE
                       estimate      se
    variable variable2
    x        y           0.7977  0.1186
    """
    parts = _covariances(design, _several(variables), by, na_rm)
    p, k = len(parts.names), parts.data.n_domains
    pairs = [(i, j) for i in range(p) for j in range(i + 1, p)]
    cov = parts.estimate.reshape(p, p, k)
    variances = np.stack([cov[i, i] for i in range(p)])  # (p, K)
    if np.any(variances <= 0):
        i, d = np.argwhere(variances <= 0)[0]
        raise ConstantVariableError(
            f"{parts.names[i]!r} takes a single value in domain {parts.data.domain_name(d)}, "
            "so its correlations are undefined (0 / 0)",
            hint="leave that variable out, or that domain (by=, subset)")
    r = np.concatenate([cov[i, j] / np.sqrt(variances[i] * variances[j]) for i, j in pairs])
    if parts.replicates is not None:
        reps = parts.replicates.reshape(-1, p, p, k)
        with np.errstate(divide="ignore", invalid="ignore"):
            rep_r = np.concatenate([reps[:, i, j] / np.sqrt(reps[:, i, i] * reps[:, j, j])
                                    for i, j in pairs], axis=1)
        if not np.isfinite(rep_r).all():
            raise ConstantVariableError(
                "a variable takes a single value in a domain under one of the replicate "
                "weights, so a replicate correlation is undefined",
                hint="the domain is too small for these replicates: merge it with another, "
                     "or use a linearised design")
        vcov = parts.data.replicate_vcov(rep_r, r)
    else:
        gradient = np.zeros((len(pairs) * k, p * p * k))
        for m, (i, j) in enumerate(pairs):
            rows = m * k + np.arange(k)
            scale = np.sqrt(variances[i] * variances[j])
            r_m = r[rows]
            gradient[rows, (i * p + j) * k + np.arange(k)] = 1 / scale
            gradient[rows, (i * p + i) * k + np.arange(k)] = -r_m / (2 * variances[i])
            gradient[rows, (j * p + j) * k + np.arange(k)] = -r_m / (2 * variances[j])
        covariance = Estimate("covariance", pd.RangeIndex(len(parts.estimate)), parts.estimate,
                              parts.vcov, design.degf, units=parts.units).vcov
        vcov = gradient @ covariance @ gradient.T
    return Estimate("correlation", _index(parts, pairs), r, vcov, design.degf,
                    _counts(parts.data, len(pairs)), variance=parts.data.variance_method)


def _several(variables: Sequence[str]) -> list[str]:
    names = as_columns(variables, "variables", distinct=True)
    if len(names) < 2:
        raise OptionError(f"variables={variables!r} names {len(names)} column; a covariance "
                          "or correlation needs two or more",
                          hint="name two columns or more, e.g. ['api00', 'api99'], or use "
                               "var() for one variable's variance")
    return names


def _covariances(design: Design, variables: str | Sequence[str],
                 by: str | Sequence[str] | None, na_rm: bool) -> _Covariances:
    """R's ``svyvar`` matrix of every domain, with its covariance."""
    require_design(design)
    names = as_columns(variables, "variables", distinct=True)
    data = prepare(design, names, by, na_rm, numeric_only=True)
    data.domain_weight()  # raises on a domain without weight
    p, k = len(names), data.n_domains
    n = (data.domain_counts().astype(float) if data.replicated
         else _sampled_rows(data, as_columns(by, "by", distinct=True)))
    if np.any(n < 2):
        d = int(np.flatnonzero(n < 2)[0])
        raise EmptyDomainError(f"domain {data.domain_name(d)} has {int(n[d])} sampled row: "
                               "a variance needs two or more (R's n / (n - 1))",
                               hint="merge that domain with another, or leave it out")
    xbar = data.point_means(data.y)  # (p*K,)
    inside = (data.row_domain >= 0)[:, None]
    with np.errstate(over="ignore", invalid="ignore"):
        deviation = np.where(inside, data.y - data.per_row(xbar), 0.0)
        factor = (n / (n - 1))[np.maximum(data.row_domain, 0)]
        products = np.column_stack([deviation[:, i] * deviation[:, j] * factor
                                    for i in range(p) for j in range(p)])
    if not np.isfinite(products).all():
        raise InfiniteValueError(
            f"squared deviations of {', '.join(map(repr, names))} are beyond double "
            "precision (values beyond about 1e154)",
            hint="express the variables in a larger unit (thousands, millions)")
    labels = [(f"{a}:{b}", "") for a in names for b in names]
    pairs = data.with_columns(products, labels)
    if not data.replicated:
        estimate, vcov, units = scaled_means(pairs)
        return _Covariances(data, names, estimate, vcov, units, None)
    ones = np.broadcast_to(1.0, (len(products), 1))
    estimate = pairs.point_means(products)
    shifts = data.replicate_estimates(data.y, ones) - xbar  # (R, p*K): xbar_r - xbar
    factor_k = n / (n - 1)
    correction = np.concatenate([shifts[:, i * k:(i + 1) * k] * shifts[:, j * k:(j + 1) * k]
                                 * factor_k for i in range(p) for j in range(p)], axis=1)
    # mean_r((x - xbar)(y - ybar)) - (xbar_r - xbar)(ybar_r - ybar) = mean_r of the
    # deviations from the replicate's own means, as R recentres each replicate
    replicates = pairs.replicate_estimates(products, ones) - correction
    vcov = data.replicate_vcov(replicates, estimate)
    return _Covariances(data, names, estimate, vcov, None, replicates)


def _sampled_rows(data: Analysis, by_cols: list[str]) -> np.ndarray:
    """R's ``n`` of ``svyvar.survey.design`` per domain: rows of the domain with a
    non-zero weight, those missing an analysis variable included (R counts them on
    the design before ``na.rm`` leaves them out)."""
    design = data.design
    sampled = design.full_weights != 0
    if design.scope is not None:
        sampled = sampled & design.scope
    if not by_cols:
        return np.array([float(sampled.sum())])
    row_domain, labels = domains(design.frame, by_cols, sampled)
    counts = np.bincount(row_domain[sampled & (row_domain >= 0)], minlength=len(labels))
    per_label = dict(zip(labels, counts, strict=True))
    assert data.domain_labels is not None
    return np.array([float(per_label[label]) for label in data.domain_labels])


def _counts(data: Analysis, times: int) -> np.ndarray:
    """Rows behind each estimate (without missing values), repeated per variable or pair."""
    return np.tile(data.domain_counts().astype(np.int64), times)


def _index(parts: _Covariances, pairs: list[tuple[int, int]], single: bool = False) -> pd.Index:
    domain_labels = parts.data.domain_labels
    names = parts.names
    rows = []
    for i, j in pairs:
        head = (names[i],) if single else (names[i], names[j])
        for k in range(parts.data.n_domains):
            rows.append(head + ((domain_labels[k],) if domain_labels is not None else ()))
    levels = ["variable"] + ([] if single else ["variable2"]) + (
        ["domain"] if domain_labels is not None else [])
    if len(levels) == 1:
        return pd.Index([row[0] for row in rows], name="variable")
    return pd.MultiIndex.from_tuples(rows, names=levels)
