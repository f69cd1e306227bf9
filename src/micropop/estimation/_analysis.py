"""Analysis variables and domains, shared by every estimator.

:func:`prepare` reads the columns of one call (categoricals become level
indicators), settles missing values (an error, or out of the domain under
``na_rm``) and encodes the ``by=`` domains; :class:`Analysis` then offers the
group sums by domain and the linearised covariance the estimators need.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple, SupportsIndex

import numpy as np
import pandas as pd
from scipy import special

from micropop.design._core import Design
from micropop.design.encode import as_columns, require_columns
from micropop.errors import (
    EmptyDomainError,
    InfiniteValueError,
    MissingColumnError,
    MissingValuesError,
    check_level,
    check_number,
    check_option,
    data_rows,
)
from micropop.estimation._columns import column_matrix, domains
from micropop.estimation.result import Estimate

__all__ = ["Analysis", "Scaled", "domain_degf", "means", "prepare", "scaled_means",
           "t_quantile"]

#: Weights and values within 2**-SAFE .. 2**SAFE are summed as they are: their
#: products, sums and squared sums stay far inside double precision. Beyond,
#: they are scaled by powers of two (exact) before summing.
_SAFE_EXPONENT = 200


class Scaled(NamedTuple):
    """Estimates with their covariance in units: ``estimate`` is in natural units,
    the covariance is ``vcov * outer(units, units)``; ``units`` None means 1."""

    estimate: np.ndarray
    vcov: np.ndarray
    units: np.ndarray | None


@dataclass(frozen=True, eq=False)
class Analysis:
    """Analysis columns and domains of one call, over all rows of the design.

    ``y`` holds p columns (categorical variables expanded to indicators);
    ``row_domain`` gives each row's domain (-1: outside every domain: out of
    the subset, missing under ``na_rm``); estimates are laid out variable-major,
    column ``j * K + k`` for column j in domain k. ``whole`` is True when every
    row is in the single domain, so plain sums will do.
    """

    design: Design
    y: np.ndarray
    labels: list[tuple[str, str]]
    weights: np.ndarray
    row_domain: np.ndarray
    domain_labels: list[str] | None
    whole: bool = False

    @property
    def n_domains(self) -> int:
        return 1 if self.domain_labels is None else len(self.domain_labels)

    def with_columns(self, y: np.ndarray, labels: list[tuple[str, str]]) -> Analysis:
        new = Analysis(self.design, y, labels, self.weights, self.row_domain,
                       self.domain_labels, self.whole)
        _ = self._row_scale  # computed once for all the analyses of these rows and weights
        for cached in ("_row_scale", "_slot", "_weighted"):  # the same rows and weights
            if cached in self.__dict__:
                new.__dict__[cached] = self.__dict__[cached]
        return new

    def domain_weight(self) -> np.ndarray:
        """Sum of weights per domain, shape (K,); empty domains raise.

        A sum beyond double precision is inf (the estimators scale the weights
        first); a domain is empty when none of its rows has a positive weight.
        """
        with np.errstate(over="ignore"):
            w = self.by_domain(self.weights)
        held = self.domain_counts(self.weights > 0)
        if np.any(held == 0):
            empty = [self.domain_name(k) for k in np.flatnonzero(held == 0)]
            raise EmptyDomainError(f"domain {', '.join(empty)} has no weight",
                                   hint="a mean needs rows with positive weights; check "
                                        "the subset, by= levels and missing values")
        return w

    def domain_sums(self, values: np.ndarray) -> np.ndarray:
        """Sums of (n, p) values by domain, flattened variable-major (p*K,)."""
        return np.concatenate([self.by_domain(values[:, j]) for j in range(values.shape[1])])

    def domain_counts(self, mask: np.ndarray | None = None) -> np.ndarray:
        """Data rows per domain (those in ``mask`` only, if given), shape (K,).

        A design whose rows stand for several data rows (its ``frequencies``,
        the Dask engine's per-unit table) counts those.
        """
        counts = self.design.frequencies
        if counts is None:
            return self.by_domain(None if mask is None else mask.astype(float))
        return self.by_domain(counts.astype(float) if mask is None else counts * mask)

    def by_domain(self, weights: np.ndarray | None) -> np.ndarray:
        """Sum of ``weights`` (or count of rows) per domain, shape (K,)."""
        if self.whole:
            return np.array([len(self.row_domain) if weights is None else weights.sum()],
                            dtype=float)
        sums = np.bincount(self._slot, weights=weights, minlength=self.n_domains + 1)
        return sums[1:]

    @cached_property
    def _slot(self) -> np.ndarray:
        """Each row's domain slot for ``bincount``: rows in no domain land in 0, dropped."""
        return self.row_domain + 1

    def expand(self, per_domain: np.ndarray) -> np.ndarray:
        """A per-domain array (K,) repeated for every column (p*K,)."""
        return np.tile(per_domain, self.y.shape[1])

    def per_row(self, flat: np.ndarray) -> np.ndarray:
        """A (p*K,) array read back for each row's domain, shape (n, p).

        Rows outside every domain get the value of domain 0; the variance
        engine leaves them out.
        """
        table = flat.reshape(self.y.shape[1], self.n_domains)
        if self.n_domains == 1:
            return np.broadcast_to(table[:, 0], (len(self.row_domain), table.shape[0]))
        return table[:, np.maximum(self.row_domain, 0)].T

    def vcov(self, values: np.ndarray) -> np.ndarray:
        """Linearised covariance of the domain totals of influence ``values`` (n, p).

        On a weighted design (post-stratified, raked, calibrated) the values
        are first replaced by their calibration residuals, as R's
        ``svyrecvar`` does with ``design$postStrata``.
        """
        return self.design.linearized_vcov(values, None if self.whole else self.row_domain,
                                           self.n_domains)

    def replicate_estimates(self, numerator: np.ndarray,
                            denominator: np.ndarray | None = None) -> np.ndarray:
        """``sum w_r u / sum w_r v`` by domain for each replicate weight, (R, p*K).

        ``denominator`` may be one column, shared by every numerator column.
        """
        scale = self.weight_scale()
        _, top_y, exponent = self.scaled(numerator, scale)
        reps = self._replicate_sums(top_y, scale)
        if denominator is not None:
            _, bottom_y, bottom_e = self.scaled(denominator, scale)
            times = numerator.shape[1] // denominator.shape[1]
            with np.errstate(divide="ignore", invalid="ignore"):
                reps = reps / _spread(self._replicate_sums(bottom_y, scale), times)
            self._check_replicates(reps)
            exponent = exponent - _spread(bottom_e, times)
        return np.ldexp(reps, exponent) if exponent.any() else reps

    def replicate_vcov(self, replicates: np.ndarray, estimate: np.ndarray) -> np.ndarray:
        """The design's replicate covariance of estimates (R's ``svrVar``)."""
        return self.design.replicate_vcov(replicates, estimate)

    @property
    def replicated(self) -> bool:
        """True for a replicate-weight design."""
        return self.design.is_replicate

    def ratio_of_sums(self, numerator: np.ndarray,
                      denominator: np.ndarray | None = None) -> Scaled:
        """Estimates ``sum w u / sum w v`` by domain (or ``sum w u``) and their covariance.

        Totals, means and ratios are all of this form; ``denominator`` may be
        one column, shared by every numerator column. The covariance is the
        linearised one (influence ``w (u - theta v) / sum w v``, as R) or, for
        a replicate design, that of the estimates recomputed with each
        replicate weight (R's ``svrVar``). The influence is formed without its
        divisor ``sum w v``, constant in each domain, which divides the
        covariance instead.

        Weights and values far from 1 (beyond 2**200) are first scaled by
        powers of two, per domain and column, so that no sum, product or
        square overflows or underflows: the estimates are those of the plain
        sums (exactly: powers of two scale exactly), the covariance comes in
        the units of :class:`Scaled`. An estimate beyond double precision
        raises :class:`InfiniteValueError`.
        """
        scale = self.weight_scale()
        top_w, top_y, top_e = self.scaled(numerator, scale)
        influence = top_w[:, None] * top_y
        top = self.domain_sums(influence)
        if denominator is None:
            theta, exponent = top, top_e
        else:
            bottom_w, bottom_y, bottom_e = self.scaled(denominator, scale)
            weighted = bottom_w[:, None] * bottom_y
            times = numerator.shape[1] // denominator.shape[1]
            bottom = _spread(self.domain_sums(weighted), times)
            theta = top / bottom
            exponent = top_e - _spread(bottom_e, times)
        scaling = scale is not None or top_y is not numerator or (
            denominator is not None and bottom_y is not denominator)
        if self.replicated:
            reps = self._replicate_sums(top_y, scale)
            if denominator is not None:
                with np.errstate(divide="ignore", invalid="ignore"):
                    reps = reps / _spread(self._replicate_sums(bottom_y, scale), times)
                self._check_replicates(reps)
            vcov, spread = self.design.replicate_vcov_scaled(reps, theta, scaled=scaling)
        elif denominator is None:
            influence, spread = _normalised(influence, scaling)
            vcov = self.vcov(influence)
        else:
            influence -= self.per_row(theta) * weighted
            influence, spread = _normalised(influence, scaling)
            vcov = self.vcov(influence) / np.outer(bottom, bottom)
        return self._in_units(theta, vcov, exponent, self._per_estimate(spread))

    def point_means(self, values: np.ndarray) -> np.ndarray:
        """Domain means of ``values`` (n, p) as (p*K,), without their covariance.

        Scaled as :meth:`ratio_of_sums` scales them (a sign or a zero is never
        lost to underflow); empty domains raise. For checks that need the means
        but not their variance (a ratio's denominator).
        """
        self.domain_weight()  # raises on a domain without weight
        scale = self.weight_scale()
        top_w, top_y, top_e = self.scaled(values, scale)
        ones = np.broadcast_to(1.0, (len(values), 1))
        bottom_w, bottom_y, bottom_e = self.scaled(ones, scale)
        times = values.shape[1]
        bottom = _spread(self.domain_sums(bottom_w[:, None] * bottom_y), times)
        with np.errstate(over="ignore"):
            ratio: np.ndarray = np.ldexp(self.domain_sums(top_w[:, None] * top_y) / bottom,
                                         top_e - _spread(bottom_e, times))
        return ratio

    def _per_estimate(self, spread: np.ndarray) -> np.ndarray:
        """Exponents per influence column (p,) or per estimate (p*K,) as (p*K,)."""
        k = self.n_domains
        return spread if len(spread) == len(self.labels) * k else np.repeat(spread, k)

    def weight_scale(self) -> np.ndarray | None:
        """Power-of-two exponent of each row's largest weight (full-sample or shipped
        replicate), (n,), or None when every weight is in the safe range (no scaling)."""
        return self._row_scale

    @cached_property
    def _row_scale(self) -> np.ndarray | None:
        weights = self.weights  # all the design's rows: if they are safe, any domain is
        # replicates held per row (shipped); those held per PSU are the weights times factors
        replicates = self.design.replicates_per_row
        if _safe(weights) and (replicates is None or _safe(replicates)):
            return None
        largest = weights if replicates is None else np.maximum(weights, replicates.max(axis=1))
        exponents: np.ndarray = np.frexp(largest)[1]
        return exponents.astype(np.int64)

    def domain_scale(self) -> np.ndarray | None:
        """The exponent of the largest weight of each row's domain, (n,), or None: the
        same for every row of a domain, for sums that need the weights' proportions."""
        rows = self._row_scale
        if rows is None:
            return None
        per_slot = _slot_max(np.where(self._weighted, rows, _NONE), self._slots,
                             self.n_domains + 1)
        scale: np.ndarray = per_slot[self._slots]
        return scale

    @cached_property
    def _weighted(self) -> np.ndarray:
        """Rows with a positive weight (full-sample or replicate), (n,)."""
        weighted = self.weights > 0
        replicates = self.design.replicates_per_row
        if replicates is not None:
            weighted = weighted | (replicates.max(axis=1) > 0)
        return weighted

    @cached_property
    def _slots(self) -> np.ndarray:
        """Each row's domain slot, 0 for rows in no domain, (n,)."""
        return np.broadcast_to(np.intp(1), len(self.row_domain)) if self.whole else self._slot

    def scaled(self, values: np.ndarray,
                scale: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Weights and ``values`` (n, p) scaled so that their products stay below 1.

        ``scale`` gives each row's weight exponent (see :meth:`weight_scale`).
        Returns ``w_s`` (n,), ``y_s`` (n, p) and exponents (p * K,) with
        ``w * y = w_s * y_s * 2**exponent`` of the row's column and domain:
        each weight over its row's power of two, each value times that power
        over the largest product of its column and domain. Unscaled (exponents
        0) when weights and values are in the safe range.
        """
        k = self.n_domains
        if scale is None and _safe(values[:1] if values.strides[0] == 0 else values):
            return self.weights, values, np.zeros(values.shape[1] * k, dtype=np.int64)
        if scale is None:
            scale = np.zeros(len(values), dtype=np.int64)
        slots = self._slots
        mantissa, exponent = np.frexp(values)
        exponent = exponent.astype(np.int64) + scale[:, None]  # of the row's w * y
        counted = self._weighted[:, None] & (mantissa != 0)
        per_column = np.stack([_slot_max(np.where(counted[:, j], exponent[:, j], _NONE),
                                         slots, k + 1) for j in range(values.shape[1])])
        shift = np.minimum(exponent - per_column[:, slots].T, 0)  # y_s <= 1
        return (np.ldexp(self.weights, -scale), np.ldexp(mantissa, shift),
                per_column[:, 1:].ravel())

    def _replicate_sums(self, values: np.ndarray, scale: np.ndarray | None) -> np.ndarray:
        """Replicate-weighted sums of scaled ``values`` by domain, (R, p*K)."""
        rows = None if self.whole else self.row_domain
        return self.design.replicate_sums(values, rows, self.n_domains, scale)

    def _check_replicates(self, reps: np.ndarray) -> None:
        """Refuse replicate ratios that divide by zero (a domain without weight in a replicate)."""
        self.refuse_empty_replicates(~np.isfinite(reps))

    def refuse_empty_replicates(self, bad: np.ndarray) -> None:
        """Refuse the replicate estimates flagged in ``bad`` (R, p * K): their domain has no
        weight under that replicate, so they divide by zero."""
        if bad.any():
            r, column = np.argwhere(bad)[0]
            raise EmptyDomainError(
                f"domain {self.domain_name(column % self.n_domains)} has no weight under "
                f"replicate {r + 1} ({self.design.replicate_names[r]!r}), so its replicate "
                "estimate divides by zero",
                hint="the domain is too small for these replicates (it lies in the PSUs a "
                     "replicate drops): merge it with another, or use a linearised design")

    def _in_units(self, theta: np.ndarray, vcov: np.ndarray, exponent: np.ndarray,
                  spread: np.ndarray) -> Scaled:
        """Estimates and covariance back in natural units, the covariance in units of
        powers of two near its standard errors when it does not fit a double.

        ``theta`` is in units ``2**exponent``, ``vcov`` in units
        ``2**(exponent + spread)`` (the influence values were scaled too).
        """
        if not exponent.any() and not spread.any():
            return Scaled(theta, vcov, None)
        with np.errstate(over="ignore"):
            estimate = np.ldexp(theta, exponent)
        if not np.isfinite(estimate).all():
            self.refuse_overflow(~np.isfinite(estimate), "estimate")
        theta_size = np.where(theta == 0, _NONE, np.frexp(theta)[1].astype(np.int64))
        deviation = np.sqrt(np.maximum(np.diag(vcov), 0))
        se_size = np.where(deviation == 0, _NONE,
                           np.frexp(deviation)[1].astype(np.int64) + spread)
        size = np.maximum(theta_size, se_size)
        # units at or below the sizes (1 for an estimate of 0 with no variance)
        shift = np.where(size == _NONE, -exponent, size - 1)
        relative = spread - shift
        vcov = np.ldexp(vcov, relative[:, None] + relative[None, :])
        with np.errstate(over="ignore"):
            units = np.ldexp(1.0, exponent + shift)
            se = units * np.sqrt(np.maximum(np.diag(vcov), 0))
        if not np.isfinite(se).all():
            self.refuse_overflow(~np.isfinite(se), "standard error")
        return Scaled(estimate, vcov, units)

    def refuse_overflow(self, bad: np.ndarray, what: str) -> None:
        """Refuse the estimates flagged in ``bad``: their ``what`` is beyond double range."""
        labels = list(self.index()[bad])[:5]
        raise InfiniteValueError(
            f"the {what} of {', '.join(map(repr, labels))} is beyond double precision "
            "(about 1.8e308)", hint="express the variable or the weights in a larger unit "
                                    "(thousands, millions)")

    def result(self, statistic: str, estimate: np.ndarray, vcov: np.ndarray,
               deff: np.ndarray | None, units: np.ndarray | None = None) -> Estimate:
        counts = np.tile(self.domain_counts().astype(np.int64), len(self.labels))
        return Estimate(statistic, self.index(), estimate, vcov, self.design.degf,
                        counts, deff, variance=self.variance_method, units=units)

    @property
    def variance_method(self) -> str:
        """How variances are estimated, for display."""
        return self.design.variance_method

    def index(self) -> pd.Index:
        has_level = any(level for _, level in self.labels)
        tuples = []
        for variable, level in self.labels:
            for k in range(self.n_domains):
                row = (variable,) + ((level,) if has_level else ())
                if self.domain_labels is not None:
                    row += (self.domain_labels[k],)
                tuples.append(row)
        names = ["variable"] + (["level"] if has_level else []) + (
            ["domain"] if self.domain_labels is not None else [])
        if len(names) == 1:
            return pd.Index([t[0] for t in tuples], name="variable")
        return pd.MultiIndex.from_tuples(tuples, names=names)

    def domain_name(self, k: SupportsIndex) -> str:
        return "(all rows)" if self.domain_labels is None else repr(self.domain_labels[k])


def prepare(design: Design, variables: list[str], by: str | Sequence[str] | None,
            na_rm: bool, numeric_only: bool = False) -> Analysis:
    """Check the columns, expand categoricals, settle missing values and domains.

    The one check of analysis variables: each is numeric (or categorical
    where levels are counted), with no infinite value in the design's rows
    (:class:`InfiniteValueError`, naming the rows); missing values raise
    :class:`MissingValuesError` unless ``na_rm``. A domain with no positive
    weight raises :class:`EmptyDomainError`.
    """
    frame = design.frame
    by_cols = as_columns(by, "by", distinct=True)
    check_option("na_rm", na_rm, [True, False])
    if not variables:
        raise MissingColumnError("no analysis variable given", hint="name one column or more")
    require_columns(frame, variables + by_cols)
    scope = design.scope  # None: every row
    blocks, labels, columns = [], [], []  # columns: (name, which rows miss it)
    for name in variables:
        column, levels, absent = column_matrix(frame[name], name, numeric_only)
        with np.errstate(over="ignore", invalid="ignore"):  # a finite sum has no inf
            infinite = (np.zeros(len(column), dtype=bool) if np.isfinite(column.sum())
                        else np.isinf(column).any(axis=1))
        if scope is not None:
            infinite &= scope
        if infinite.any():
            raise InfiniteValueError(
                f"column {name!r} has infinite values in "
                f"{data_rows(frame, infinite, frame[name][infinite])}",
                hint="an infinite value has no place in a sum: fix those rows, or set them "
                     "missing (NaN) and pass na_rm=True")
        blocks.append(column)
        labels += [(name, level) for level in levels]
        columns.append((name, absent))
    columns += [(name, frame[name].isna().to_numpy()) for name in by_cols]
    y = blocks[0] if len(blocks) == 1 else np.column_stack(blocks)

    incomplete, with_missing = None, []
    for name, absent in columns:
        if not absent.any():
            continue
        incomplete = absent if incomplete is None else incomplete | absent
        if (absent if scope is None else absent & scope).any():
            with_missing.append(name)
    if with_missing and not na_rm:
        bad = incomplete if scope is None else incomplete & scope
        raise MissingValuesError(
            f"{', '.join(map(repr, with_missing))} missing in {data_rows(frame, bad)}",
            hint="pass na_rm=True to leave those rows out of the domain (R's na.rm), "
                 "or impute them")
    keep = _kept(scope, incomplete)
    if keep is not None and not keep.any():
        raise EmptyDomainError(f"no row with {', '.join(map(repr, variables))} observed "
                               "in the design", hint="check the subset and missing values")
    weights = design.full_weights
    if not np.any(weights[keep] > 0 if keep is not None else weights > 0):
        raise EmptyDomainError("every row kept has a zero weight, so the domain has no "
                               "weight", hint="check the subset and missing values")
    if keep is not None:
        y = np.where(keep[:, None], y, 0.0)
    if not by_cols:
        if keep is None:
            every_row = np.broadcast_to(np.intp(0), len(frame))  # read-only, no memory
            return Analysis(design, y, labels, weights, every_row, None, whole=True)
        return Analysis(design, y, labels, weights, np.where(keep, 0, -1).astype(np.intp),
                        None)
    observed = weights != 0
    row_domain, domain_labels = domains(frame, by_cols,
                                        observed if keep is None else keep & observed)
    if keep is not None:
        row_domain = np.where(keep, row_domain, -1)
    return Analysis(design, y, labels, weights, row_domain, domain_labels)


def _kept(scope: np.ndarray | None, incomplete: np.ndarray | None) -> np.ndarray | None:
    """Rows of the scope without a missing value; None when that is every row."""
    if incomplete is None:
        keep = scope
    else:
        keep = ~incomplete if scope is None else scope & ~incomplete
    return None if keep is None or keep.all() else keep


def _safe(values: np.ndarray) -> bool:
    """True when every non-zero ``|value|`` lies in 2**-SAFE .. 2**SAFE (cheaply:
    the masked minimum only when there are zeros)."""
    if values.size == 0:
        return True
    high, low = values.max(), values.min()
    if low >= 0:  # the usual case (weights, counts, indicators): no copy of the values
        if low == 0:
            low = values.min(initial=np.inf, where=values != 0)
        return bool(np.frexp(high)[1] <= _SAFE_EXPONENT
                    and (low == np.inf or np.frexp(low)[1] >= -_SAFE_EXPONENT))
    magnitude = np.abs(values)
    if np.frexp(magnitude.max())[1] > _SAFE_EXPONENT:
        return False
    low = magnitude.min()
    if low == 0:
        low = magnitude.min(initial=np.inf, where=magnitude != 0)
    return bool(low == np.inf or np.frexp(low)[1] >= -_SAFE_EXPONENT)


def _normalised(values: np.ndarray, scaling: bool) -> tuple[np.ndarray, np.ndarray]:
    """Influence values (n, p) over a power of two near each column's largest, and
    those exponents (p,); unchanged (exponents 0) unless ``scaling``. Their squares
    then neither overflow nor underflow (a mean of 1e-300 has influence near 1e-300)."""
    if not scaling:
        return values, np.zeros(values.shape[1], dtype=np.int64)
    exponent = np.frexp(np.abs(values).max(axis=0, initial=0.0))[1].astype(np.int64)
    return np.ldexp(values, -exponent), exponent


def _spread(per_column: np.ndarray, times: int) -> np.ndarray:
    """Sums of a shared denominator column (..., K) repeated for p numerators (..., p*K)."""
    return per_column if times == 1 else np.tile(per_column, times)


def scaled_means(data: Analysis) -> Scaled:
    """Domain means of the columns of ``data.y`` and their covariance, in units."""
    data.domain_weight()  # raises on a domain without weight
    return data.ratio_of_sums(data.y, np.broadcast_to(1.0, (len(data.y), 1)))


def means(data: Analysis) -> tuple[np.ndarray, np.ndarray]:
    """Domain means of the columns of ``data.y`` and their covariance.

    Raises :class:`InfiniteValueError` when the covariance is beyond double
    precision (values near 1e200); :func:`scaled_means` gives it in units.
    """
    mean, vcov, units = scaled_means(data)
    if units is None:
        return mean, vcov
    return mean, Estimate("mean", data.index(), mean, vcov, 0, units=units).vcov


def _slot_max(exponents: np.ndarray, slots: np.ndarray, n_slots: int) -> np.ndarray:
    """Largest exponent in each slot (0 where none counts), (n_slots,)."""
    top = np.full(n_slots, _NONE)
    np.maximum.at(top, slots, exponents)
    return np.where(top == _NONE, 0, top)


#: An exponent that does not count (zero weights or values).
_NONE = np.iinfo(np.int64).min


def t_quantile(level: float, dof: np.ndarray) -> np.ndarray:
    """Two-sided Student t quantiles for the coverage ``level`` (normal where df is inf)."""
    check_number("level", level, low=0, high=1, low_open=True, high_open=True,
                 hint="give a level between 0 and 1, e.g. 0.95")
    check_level("level", level)
    tail = 0.5 + level / 2
    # scipy.stats' t.ppf and norm.ppf are these ufuncs behind argument checks
    # that cost more than the estimate itself on small data
    quantile: np.ndarray = np.where(np.isinf(dof), special.ndtri(tail),  # scipy is untyped
                                    special.stdtrit(np.where(np.isinf(dof), 1, dof), tail))
    return quantile


def domain_degf(data: Analysis) -> np.ndarray:
    """R's degf of each domain as a subset: its PSUs minus its strata.

    For a replicate design, R's rank of the domain's replicate weights minus one.
    """
    return data.design.domain_degf(data.row_domain, data.n_domains)
