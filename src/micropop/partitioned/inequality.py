"""Inequality measures on a Dask design: Gini, poverty threshold and rate, linearised.

``mp.gini(des, "income")``, ``mp.arpt`` and ``mp.arpr`` on a
:class:`~micropop.partitioned.design.PartitionedDesign` come here. The rows
(:meth:`PartitionedDesign.weighted_rows`: final weights, subset flag) of
every domain are sorted by income with Dask's sort (a shuffle), and then
read partition by partition in that order, in stages of one graph computed
at once:

1. each partition's sums per domain (weights in long double, ``w x``, the
   Gini's ``sum w x C`` from its own running sums): the running sums of the
   partitions before each one give every row its exact cumulative weight;
2. the quantile (laeken's: the smallest income whose cumulative weight share
   exceeds the order) and the weighted variance behind convey's bandwidth;
3. the kernel sums at the quantile and at the threshold, and the weight
   below the threshold;
4. each row's influence value (the formulas of
   :mod:`micropop.inequality._influence`, shared with the in-memory engine),
   times its weight, summed per sampled unit and cell.

Those sums join the per-unit table of :meth:`PartitionedDesign.unit_design`
(the same units, cells and replayed weighting steps), whose in-memory design
gives the linearised variance with the same code as in memory (calibration
projections of the weighting steps included). Equal incomes may land in any
order: the measures and their influence values do not depend on it.

Replicate-weight designs are refused (:class:`~micropop.errors.InMemoryOnlyError`).

Examples
--------
>>> import pandas as pd, dask.dataframe as dd
>>> import micropop as mp
>>> df = pd.DataFrame({"income": [1.0, 2.0, 3.0, 4.0, 10.0, 20.0], "w": 1.0})
>>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=3), weights="w")
>>> round(float(gini(des, "income").estimate[0]), 6)  # as in memory
0.444444
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from micropop.design._core import Design
from micropop.design.encode import as_columns, require_columns
from micropop.errors import (
    EmptyDomainError,
    InMemoryOnlyError,
    NotNumericVariableError,
    OptionError,
    check_option,
)
from micropop.estimation import Estimate
from micropop.estimation._analysis import Analysis, prepare
from micropop.estimation._sorted import segment_cumsum
from micropop.inequality._influence import (
    bandwidth,
    gaussian_weights,
    gini_influence,
    gini_value,
    share_influence,
    threshold_influence,
)
from micropop.inequality._inputs import (
    By,
    fraction,
    negative_incomes,
    require_bandwidth,
    require_income,
)
from micropop.inequality._results import (
    finite_estimate,
    guarded,
    require_positive_line,
    vcov_with_threshold,
)
from micropop.partitioned._dask import require_dask
from micropop.partitioned.passes import COMPLETE, ROW, compute, empty_partition, locate, where_text

__all__ = ["arpr", "arpt", "gini"]

_X, _W, _D, _IN = "__x", "__weight", "__d", "__in"


@guarded
def gini(design: Any, variable: str, by: By = None, na_rm: bool = False) -> Estimate:
    """The Gini coefficient on a Dask design (:func:`micropop.inequality.gini`).

    Parameters
    ----------
    design : PartitionedDesign
    variable : str
        Numeric income column; incomes must be non-negative.
    by : str or list of str, optional
        Domain columns.
    na_rm : bool, default False
        Leave out rows with a missing income.

    Returns
    -------
    Estimate
        Statistic ``"gini"``, as in memory.

    Raises
    ------
    NegativeIncomeError
        Negative incomes, naming the partition (file) and row.
    ZeroIncomeError
        Incomes all zero in a domain.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> import micropop as mp
    >>> df = pd.DataFrame({"income": [1.0, 2.0, 3.0, 4.0, 10.0, 20.0],
    ...                    "sex": ["f", "m", "f", "m", "f", "m"], "w": 1.0})
    >>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=2), weights="w")
    >>> gini(des, "income", by="sex").estimate.round(4).tolist()
    [0.4286, 0.4615]
    """
    run = _Run.start(design, variable, by, na_rm, "the Gini coefficient", True)
    totals = run.totals()
    require_income(run.data, totals.domain.wx, variable, "the Gini coefficient")
    value = totals.gini

    def influence(rows: _Rows) -> list[np.ndarray]:
        d = rows.domain
        cum_w, cum_wx = rows.running()
        return [rows.w * gini_influence(rows.x, cum_w, cum_wx, totals.domain.n[d],
                                        totals.domain.wx[d], value[d])]

    values = run.influence_sums(influence)
    return finite_estimate(run.data, "gini", value, run.data.vcov(values))


@guarded
def arpt(design: Any, variable: str, percent: float = 0.6, order: float = 0.5,
         by: By = None, na_rm: bool = False) -> Estimate:
    """The at-risk-of-poverty threshold on a Dask design (:func:`micropop.inequality.arpt`).

    Parameters
    ----------
    design : PartitionedDesign
    variable : str
        Numeric income column.
    percent : float, default 0.6
        Fraction of the quantile, in (0, 1].
    order : float, default 0.5
        Order of the quantile, in (0, 1).
    by : str or list of str, optional
        Domain columns: each domain's own threshold.
    na_rm : bool, default False
        Leave out rows with a missing income.

    Returns
    -------
    Estimate
        Statistic ``"arpt"``, in income units, as in memory.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> import micropop as mp
    >>> df = pd.DataFrame({"income": [500.0, 1000.0, 1500.0, 2000.0, 3000.0], "w": 1.0})
    >>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=2), weights="w")
    >>> float(arpt(des, "income").estimate[0])
    900.0
    """
    percent = fraction("percent", percent)
    order = fraction("order", order, closed_top=False)
    run = _Run.start(design, variable, by, na_rm, "the poverty threshold", False)
    totals = run.totals()
    q = run.quantiles(totals.domain, order)
    require_bandwidth(run.data, q.h, variable, "the poverty threshold")
    density = run.kernel_sums(q, totals.domain, q.q, domain_level=True)

    def influence(rows: _Rows) -> list[np.ndarray]:
        d = rows.domain
        nd = (totals.domain.n * density)[d]
        return [rows.w * threshold_influence(rows.x, q.q[d], nd, percent, order)]

    values = run.influence_sums(influence)
    return finite_estimate(run.data, "arpt", percent * q.q, run.data.vcov(values))


@guarded
def arpr(design: Any, variable: str, percent: float = 0.6, order: float = 0.5,
         by: By = None, na_rm: bool = False) -> Estimate:
    """The at-risk-of-poverty rate on a Dask design (:func:`micropop.inequality.arpr`).

    Poor means strictly below the whole design's threshold (with ``by=``
    too, as laeken's ``breakdown``); the SE accounts for the estimated
    threshold, as in memory.

    Parameters
    ----------
    design : PartitionedDesign
    variable : str
        Numeric income column.
    percent : float, default 0.6
        Fraction of the quantile, in (0, 1].
    order : float, default 0.5
        Order of the quantile, in (0, 1).
    by : str or list of str, optional
        Domain columns.
    na_rm : bool, default False
        Leave out rows with a missing income.

    Returns
    -------
    Estimate
        Statistic ``"arpr"``, a fraction, as in memory.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> import micropop as mp
    >>> df = pd.DataFrame({"income": [500.0, 1000.0, 1500.0, 2000.0, 3000.0], "w": 1.0})
    >>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=2), weights="w")
    >>> float(arpr(des, "income").estimate[0])
    0.2
    """
    percent = fraction("percent", percent)
    order = fraction("order", order, closed_top=False)
    run = _Run.start(design, variable, by, na_rm, "the poverty rate", False)
    totals = run.totals()
    whole = run.quantiles(totals.everyone, order, everyone=True)
    mine = run.quantiles(totals.domain, order)
    require_bandwidth(run.data, mine.h, variable, "the poverty rate")
    line = percent * whole.q
    require_positive_line(line, lambda v: v, percent, order, variable)
    t = np.repeat(line, run.n_domains)
    density = run.kernel_sums(whole, totals.everyone, whole.q, domain_level=False)
    slope = run.kernel_sums(mine, totals.domain, t, domain_level=True)  # f(t) per domain
    poor = run.poor_weights(t)
    n = totals.domain.n
    rate = poor / n
    nd = float((totals.everyone.n * density)[0])

    def influence(rows: _Rows) -> list[np.ndarray]:
        d = rows.domain
        own = share_influence(rows.x < t[d], rate[d], n[d])
        return [rows.w * own, rows.w * threshold_influence(rows.x, whole.q[0], nd, percent,
                                                           order)]

    values = run.influence_sums(influence)
    return finite_estimate(run.data, "arpr", rate,
                           vcov_with_threshold(run.data, values[:, 0], values[:, 1], slope))


# --- the rows of one sorted partition ----------------------------------------------------


@dataclass(frozen=True)
class _Rows:
    """One sorted partition's incomes, weights, domains and group keys."""

    x: np.ndarray
    w: np.ndarray
    domain: np.ndarray
    n_domains: int
    keys: pd.DataFrame
    before: _Before | None = None  # the running sums of the partitions before this one

    @classmethod
    def of(cls, part: pd.DataFrame, n_domains: int, keys: list[str],
           before: _Before | None = None, everyone: bool = False) -> _Rows:
        """The partition's rows by domain (or all in one, ``everyone``)."""
        domain = (np.zeros(len(part), dtype=np.intp) if everyone
                  else part[_D].to_numpy(dtype=np.intp))
        return cls(part[_X].to_numpy(dtype=float), part[_W].to_numpy(dtype=float),
                   domain, 1 if everyone else n_domains, part[keys], before)

    def local(self, values: np.ndarray, dtype: Any = np.longdouble) -> np.ndarray:
        """Running sums of ``values`` within each domain of this partition, per row."""
        order = np.argsort(self.domain, kind="stable")  # incomes stay sorted within domains
        counts = np.bincount(self.domain, minlength=self.n_domains)
        out = np.empty(len(values), dtype=dtype)
        out[order] = segment_cumsum(values[order], counts, dtype)
        return out

    def cumulative_weight(self) -> np.ndarray:
        """Each row's cumulative weight in its domain, partitions before included.

        Summed in long double and rounded to double, as the in-memory running sums.
        """
        assert self.before is not None
        cum: np.ndarray = (self.before.w[self.domain] + self.local(self.w)).astype(float)
        return cum

    def running(self) -> tuple[np.ndarray, np.ndarray]:
        """Each row's cumulative weight and ``w x`` in its domain, partitions before included."""
        assert self.before is not None
        cum_wx = self.before.wx[self.domain] + self.local(self.w * self.x, float)
        return self.cumulative_weight(), cum_wx

    def sums(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.domain, weights=values, minlength=self.n_domains)


@dataclass(frozen=True)
class _Before:
    """Sums of the partitions before one, per domain: weights (long double) and ``w x``."""

    w: np.ndarray
    wx: np.ndarray


@dataclass(frozen=True)
class _Level:
    """Totals per domain (or of everyone): weight, income, their partition running sums."""

    n: np.ndarray
    wx: np.ndarray
    n_exact: np.ndarray      # long double weight total
    before: list[_Before]    # one per partition


@dataclass(frozen=True)
class _Totals:
    domain: _Level
    everyone: _Level
    gini: np.ndarray


@dataclass(frozen=True)
class _Quantile:
    q: np.ndarray
    h: np.ndarray


def _first_sums(part: pd.DataFrame, k: int, keys: list[str]) -> dict[str, Any]:
    """Stage 1 on one partition: per domain and for everyone."""
    out = {}
    for name in ("domain", "everyone"):
        r = _Rows.of(part, k, keys, everyone=name == "everyone")
        wx = r.w * r.x
        cum_w = r.local(r.w)
        w = np.zeros(r.n_domains, dtype=np.longdouble)
        np.add.at(w, r.domain, r.w.astype(np.longdouble))  # in row order, as R's sum
        out[name] = (w, r.sums(wx),
                     r.sums(wx * cum_w.astype(float)), r.sums(r.w * wx))
    return out


def _level(stats: list[dict[str, Any]], name: str) -> tuple[_Level, np.ndarray]:
    """The totals of a level from every partition's stage-1 sums (and its Gini)."""
    w = np.array([s[name][0] for s in stats], dtype=np.longdouble)
    wx = np.array([s[name][1] for s in stats])
    own = np.array([s[name][2] for s in stats])
    w_wx = np.array([s[name][3] for s in stats])
    k = w.shape[1]
    before_w = np.cumsum(np.vstack([np.zeros((1, k), dtype=np.longdouble), w]), axis=0)
    before_wx = np.cumsum(np.vstack([np.zeros((1, k)), wx]), axis=0)
    n_exact = before_w[-1]
    n, total = n_exact.astype(float), before_wx[-1]
    level = _Level(n, total, n_exact,
                   [_Before(before_w[p], before_wx[p]) for p in range(len(stats))])
    # sum w x C over the partitions: their own C plus the weight before them
    wx_cum = np.sum(own + before_w[:-1].astype(float) * wx, axis=0)
    return level, gini_value(n, total, wx_cum, np.sum(w_wx, axis=0))


@dataclass
class _Run:
    """One measure's passes over the sorted rows of a Dask design."""

    data: Analysis
    table: Design
    parts: list[Any]   # the sorted partitions, dask.delayed
    keys: list[str]    # the per-unit table's group columns
    totals_: _Totals | None = None

    @property
    def n_domains(self) -> int:
        return self.data.n_domains

    @classmethod
    def start(cls, design: Any, variable: str, by: By, na_rm: bool, measure: str,
              nonnegative: bool) -> _Run:
        """Check the column, build the per-unit table and sort the rows of the domains."""
        require_dask(measure)
        if pd.api.types.is_list_like(variable):
            raise OptionError(f"variable={variable!r} is not one column",
                              hint=f"{measure} is computed on one income column: name it")
        check_option("na_rm", na_rm, [True, False])
        if design.is_replicate:
            raise InMemoryOnlyError(
                f"{measure} with replicate weights is not offered on a Dask design yet",
                hint="use the linearised SE (the design before replicate()), or an "
                     "in-memory design (des.compute(), or a subset of the rows)")
        by_cols = as_columns(by, "by", distinct=True)
        empty = empty_partition(design.data)
        require_columns(empty, [variable, *by_cols])
        if pd.api.types.is_bool_dtype(empty[variable]):
            raise NotNumericVariableError(f"income column {variable!r} holds True/False, not "
                                          "amounts", hint="give incomes as numbers")
        table = design.unit_design([variable], by_cols, na_rm=na_rm, check=[variable, *by_cols])
        data = prepare(table, [variable], by, na_rm, numeric_only=True)
        if data.n_domains == 0:
            raise EmptyDomainError(f"no row with a weight and an observed {variable!r} in "
                                   f"any domain of {by!r}",
                                   hint="check the weights, the subset and missing values")
        data.domain_weight()
        columns = list(table.frame.columns)
        keys = columns[:columns.index(COMPLETE)] + ([ROW] if ROW in columns else [])
        rows, _ = design.weighted_rows([variable, *by_cols])
        if ROW in keys:  # rows that are their own units: their global row number
            (lengths,) = compute(rows.map_partitions(len))
            rows = _numbered(rows, np.concatenate([[0], np.cumsum(lengths)])[:-1])
        rows = _with_domains(rows, table, data, by_cols, variable)
        inside = rows[_D] >= 0
        if nonnegative:
            _refuse_negative(rows, variable, measure)
        kept = rows[inside][list(dict.fromkeys([_X, _W, _D, *keys]))]
        # sorted once and kept (on the workers, spilled to disk by a cluster if need be):
        # every stage reads the same partitions
        ordered = kept.sort_values(_X).persist()
        return cls(data, table, list(ordered.to_delayed()), keys)

    # --- the stages -------------------------------------------------------------------

    def _map(self, stage: Callable[..., Any], *args: Any, level: _Level | None = None
             ) -> list[Any]:
        """``stage(partition, n_domains, keys, *args[, before])`` on every sorted partition."""
        from dask.delayed import delayed
        return [delayed(stage)(part, self.n_domains, self.keys, *args,
                               *(() if level is None else (level.before[p],)))
                for p, part in enumerate(self.parts)]

    def totals(self) -> _Totals:
        if self.totals_ is None:
            (stats,) = compute(self._map(_first_sums))
            domain, gini = _level(stats, "domain")
            everyone, _ = _level(stats, "everyone")
            self.totals_ = _Totals(domain, everyone, gini)
        return self.totals_

    def quantiles(self, level: _Level, order: float, everyone: bool = False) -> _Quantile:
        """laeken's quantile of ``order`` per domain (or of everyone) and the bandwidth."""
        mean = level.wx / level.n
        (stats,) = compute(self._map(_quantile_sums, order, level.n, mean, everyone,
                                     level=level))
        q = np.min([s[0] for s in stats], axis=0)
        variance = np.sum([s[1] for s in stats], axis=0) / level.n
        return _Quantile(q, bandwidth(variance, level.n))

    def kernel_sums(self, q: _Quantile, level: _Level, at: np.ndarray,
                    domain_level: bool) -> np.ndarray:
        """convey's kernel density at ``at`` per domain (or of everyone)."""
        (stats,) = compute(self._map(_kernel_sums, at, q.h, not domain_level))
        density: np.ndarray = np.sum(stats, axis=0) / q.h / level.n
        return density

    def poor_weights(self, t: np.ndarray) -> np.ndarray:
        (stats,) = compute(self._map(_poor_sums, t))
        poor: np.ndarray = np.sum(stats, axis=0)
        return poor

    def influence_sums(self, influence: Callable[[_Rows], list[np.ndarray]]) -> np.ndarray:
        """Weighted influence values summed per unit and cell, on the per-unit table's rows."""
        from dask.delayed import delayed
        parts = self._map(_unit_sums, influence, level=self.totals().domain)
        (sums,) = compute(delayed(_combine)(parts, self.keys))
        frame = self.table.frame
        target = frame.loc[frame[COMPLETE].to_numpy(dtype=bool), self.keys]
        joined = target.reset_index().merge(sums, how="left", on=self.keys,
                                            validate="one_to_one")
        values = np.zeros((len(frame), sums.shape[1] - len(self.keys)))
        columns = [c for c in sums.columns if c not in self.keys]
        values[joined["index"].to_numpy()] = joined[columns].fillna(0.0).to_numpy()
        return values


def _quantile_sums(part: pd.DataFrame, k: int, keys: list[str], order: float, n: np.ndarray,
                   mean: np.ndarray, everyone: bool, before: _Before
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Stage 2: the smallest income whose cumulative weight share exceeds ``order``
    (laeken's quantile: the smallest over the partitions), and ``sum w (x - mean)^2``."""
    r = _Rows.of(part, k, keys, before, everyone)
    d = r.domain
    above = r.cumulative_weight() / n[d] > order
    first = np.full(r.n_domains, np.inf)
    np.minimum.at(first, d[above], r.x[above])
    return first, r.sums(r.w * (r.x - mean[d]) ** 2)


def _kernel_sums(part: pd.DataFrame, k: int, keys: list[str], at: np.ndarray, h: np.ndarray,
                 everyone: bool) -> np.ndarray:
    """Stage 3: the kernel weights at ``at`` summed per domain (or for everyone)."""
    r = _Rows.of(part, k, keys, everyone=everyone)
    return r.sums(gaussian_weights(at[r.domain], r.x, r.w, h[r.domain]))


def _poor_sums(part: pd.DataFrame, k: int, keys: list[str], t: np.ndarray) -> np.ndarray:
    """Stage 3: the weight below the threshold ``t`` per domain."""
    r = _Rows.of(part, k, keys)
    return r.sums(r.w * (r.x < t[r.domain]))


def _unit_sums(part: pd.DataFrame, k: int, keys: list[str],
               influence: Callable[[_Rows], list[np.ndarray]], before: _Before
               ) -> pd.DataFrame:
    """Stage 4: weighted influence values summed per group of the per-unit table."""
    rows = _Rows.of(part, k, keys, before)
    values = influence(rows)
    frame = rows.keys.reset_index(drop=True).assign(
        **{f"__z{j}": v for j, v in enumerate(values)})
    out: pd.DataFrame = frame.groupby(keys, dropna=False, observed=True, sort=False).sum()
    return out.reset_index()


def _combine(parts: list[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    frame = pd.concat(parts, ignore_index=True)
    out: pd.DataFrame = frame.groupby(keys, dropna=False, observed=True, sort=False).sum()
    return out.reset_index()


def _numbered(rows: Any, offsets: np.ndarray) -> Any:
    """``__row``: each row's number among all rows, as the per-unit table's."""
    def number(part: pd.DataFrame, partition_info: dict[str, Any] | None = None
               ) -> pd.DataFrame:
        start = 0 if partition_info is None else int(offsets[partition_info["number"]])
        return part.assign(**{ROW: start + np.arange(len(part), dtype=np.int64)})

    meta = empty_partition(rows).assign(**{ROW: pd.Series(dtype=np.int64)})
    return rows.map_partitions(number, meta=meta)


def _with_domains(rows: Any, table: Design, data: Analysis, by_cols: list[str],
                  variable: str) -> Any:
    """``__x`` (the income) and ``__d``: each row's domain (-1: outside every domain)."""
    codes = np.asarray(data.row_domain)
    if by_cols:
        frame = table.frame
        mapping = frame.loc[codes >= 0, by_cols].assign(**{_D: codes[codes >= 0]})
        mapping = mapping.drop_duplicates(by_cols)
    else:
        mapping = None

    def domains(part: pd.DataFrame) -> pd.DataFrame:
        x = part[variable].to_numpy(dtype=float, na_value=np.nan)
        inside = part[_IN].to_numpy(dtype=bool) & ~np.isnan(x)
        if mapping is None:
            d = np.zeros(len(part), dtype=np.int64)
        else:
            found = part[by_cols].merge(mapping, how="left", on=by_cols)
            d = found[_D].fillna(-1).to_numpy(dtype=np.int64)
        out = part.assign(**{_X: x, _D: np.where(inside, d, -1)})
        out.attrs = {}  # metadata (a codebook) would be copied by every later step
        return out

    meta = domains(empty_partition(rows))
    return rows.map_partitions(domains, meta=meta)


def _refuse_negative(rows: Any, variable: str, measure: str) -> None:
    """Negative incomes in a domain, refused naming the partition (file) and row."""
    def bad(part: pd.DataFrame) -> np.ndarray:
        return np.asarray((part[_D].to_numpy() >= 0) & (part[_X].to_numpy() < 0))

    (count,) = compute(rows.map_partitions(lambda p: pd.Series([int(bad(p).sum())])).sum())
    if count:
        found = locate(rows, bad, [variable])
        raise negative_incomes(measure, variable, int(count), where_text(rows, found))
