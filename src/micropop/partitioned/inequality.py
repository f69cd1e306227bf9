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
0.5
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
from micropop.estimation._analysis import Analysis, means, prepare
from micropop.inequality._influence import (
    bandwidth,
    gini_influence,
    share_influence,
    threshold_influence,
)
from micropop.inequality._inputs import (
    By,
    fraction,
    negative_incomes,
    parameter,
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
from micropop.partitioned._stages import (
    D,
    Level,
    Quantile,
    Rows,
    Totals,
    W,
    X,
    combine,
    first_sums,
    kernel_stage,
    level_totals,
    poor_sums,
    quantile_sums,
    unit_sums,
)
from micropop.partitioned.passes import (
    COMPLETE,
    ROW,
    as_partitioned,
    compute,
    empty_partition,
    locate,
    where_text,
)

__all__ = ["arpr", "arpt", "gini", "poverty_rate"]

_IN = "__in"


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
    run = _Run.start(design, variable, by, na_rm, "the Gini coefficient")
    totals = run.totals()
    if totals.negative:
        _refuse_negative(run.rows, variable, "the Gini coefficient", totals.negative)
    require_income(run.data, totals.domain.wx, variable, "the Gini coefficient")
    value = totals.gini

    def influence(rows: Rows) -> list[np.ndarray]:
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
    run = _Run.start(design, variable, by, na_rm, "the poverty threshold")
    totals = run.totals()
    q = run.quantiles(totals.domain, order)
    require_bandwidth(run.data, q.h, variable, "the poverty threshold")
    density = run.kernel_sums(q, totals.domain, q.q, domain_level=True)

    def influence(rows: Rows) -> list[np.ndarray]:
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
    run = _Run.start(design, variable, by, na_rm, "the poverty rate")
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

    def influence(rows: Rows) -> list[np.ndarray]:
        d = rows.domain
        own = share_influence(rows.x < t[d], rate[d], n[d])
        return [rows.w * own, rows.w * threshold_influence(rows.x, whole.q[0], nd, percent,
                                                           order)]

    values = run.influence_sums(influence)
    return finite_estimate(run.data, "arpr", rate,
                           vcov_with_threshold(run.data, values[:, 0], values[:, 1], slope))


@guarded
def poverty_rate(design: Any, variable: str, line: float, by: By = None,
                 na_rm: bool = False) -> Estimate:
    """The share below a fixed line on a Dask design (:func:`micropop.inequality.poverty_rate`).

    A plain proportion: one pass reduces ``variable < line`` to weighted
    means per sampled unit and cell, as the Dask design's :meth:`mean`.

    Parameters
    ----------
    design : PartitionedDesign
    variable : str
        Numeric income column.
    line : float
        The poverty line, a positive income.
    by : str or list of str, optional
        Domain columns.
    na_rm : bool, default False
        Leave out rows with a missing income.

    Returns
    -------
    Estimate
        Statistic ``"poverty_rate"``, a fraction, as in memory.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> import micropop as mp
    >>> df = pd.DataFrame({"income": [500.0, 900.0, 1200.0, 2000.0], "w": [1.0, 1.0, 2.0, 2.0]})
    >>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=2), weights="w")
    >>> float(poverty_rate(des, "income", line=1026).estimate[0])
    0.3333333333333333
    """
    line = parameter("line", line, low=0, low_open=True,
                     hint="give the poverty line as a positive income, in the income's units")
    by_cols = _income_column(design, variable, by, na_rm, "the poverty rate")

    def below(part: pd.DataFrame) -> np.ndarray:
        x = part[variable].to_numpy(dtype=float, na_value=np.nan)
        return np.where(np.isnan(x), np.nan, x < line)

    table = design.unit_design([variable], by_cols, na_rm=na_rm, check=[variable, *by_cols],
                               derived={variable: below})
    data = prepare(table, [variable], by, na_rm, numeric_only=True)
    rate, vcov = means(data)
    return finite_estimate(data, "poverty_rate", rate, vcov)


def _income_column(design: Any, variable: str, by: By, na_rm: bool, measure: str) -> list[str]:
    """The checks of the arguments before any pass; the ``by`` columns."""
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
    return by_cols


@dataclass
class _Run:
    """One measure's passes over the sorted rows of a Dask design."""

    data: Analysis
    table: Design
    parts: list[Any]   # the sorted partitions, dask.delayed
    keys: list[str]    # the per-unit table's group columns
    rows: Any          # the rows with their domains, unsorted (to name rows in a refusal)
    totals_: Totals | None = None

    @property
    def n_domains(self) -> int:
        return self.data.n_domains

    @classmethod
    def start(cls, design: Any, variable: str, by: By, na_rm: bool, measure: str,
              ) -> _Run:
        """Check the column, build the per-unit table and sort the rows of the domains."""
        by_cols = _income_column(design, variable, by, na_rm, measure)
        table = design.unit_design([variable], by_cols, na_rm=na_rm, check=[variable, *by_cols],
                                   rows_apart=True)  # the influence of each row: not linear
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
        inside = rows[D] >= 0
        kept = rows[inside][list(dict.fromkeys([X, W, D, *keys]))]
        # sorted once and kept (on the workers, spilled to disk by a cluster if need be):
        # every stage reads the same partitions
        with as_partitioned():
            ordered = kept.sort_values(X).persist()
            parts = list(ordered.to_delayed())
        return cls(data, table, parts, keys, rows)

    # --- the stages -------------------------------------------------------------------

    def _map(self, stage: Callable[..., Any], *args: Any, level: Level | None = None
             ) -> list[Any]:
        """``stage(partition, n_domains, keys, *args[, before])`` on every sorted partition."""
        from dask.delayed import delayed
        return [delayed(stage)(part, self.n_domains, self.keys, *args,
                               *(() if level is None else (level.before[p],)))
                for p, part in enumerate(self.parts)]

    def totals(self) -> Totals:
        if self.totals_ is None:
            (stats,) = compute(self._map(first_sums))
            domain, gini = level_totals(stats, "domain")
            everyone, _ = level_totals(stats, "everyone")
            self.totals_ = Totals(domain, everyone, gini,
                                  sum(s["negative"] for s in stats))
        return self.totals_

    def quantiles(self, level: Level, order: float, everyone: bool = False) -> Quantile:
        """laeken's quantile of ``order`` per domain (or of everyone) and the bandwidth."""
        mean = level.wx / level.n
        (stats,) = compute(self._map(quantile_sums, order, level.n, mean, everyone,
                                     level=level))
        q = np.min([s[0] for s in stats], axis=0)
        variance = np.sum([s[1] for s in stats], axis=0) / level.n
        return Quantile(q, bandwidth(variance, level.n))

    def kernel_sums(self, q: Quantile, level: Level, at: np.ndarray,
                    domain_level: bool) -> np.ndarray:
        """convey's kernel density at ``at`` per domain (or of everyone)."""
        (stats,) = compute(self._map(kernel_stage, at, q.h, not domain_level))
        density: np.ndarray = np.sum(stats, axis=0) / q.h / level.n
        return density

    def poor_weights(self, t: np.ndarray) -> np.ndarray:
        (stats,) = compute(self._map(poor_sums, t))
        poor: np.ndarray = np.sum(stats, axis=0)
        return poor

    def influence_sums(self, influence: Callable[[Rows], list[np.ndarray]]) -> np.ndarray:
        """Weighted influence values summed per unit and cell, on the per-unit table's rows."""
        from dask.delayed import delayed
        parts = self._map(unit_sums, influence, level=self.totals().domain)
        (sums,) = compute(delayed(combine)(parts, self.keys))
        frame = self.table.frame
        target = frame.loc[frame[COMPLETE].to_numpy(dtype=bool), self.keys]
        joined = target.reset_index().merge(sums, how="left", on=self.keys,
                                            validate="one_to_one")
        values = np.zeros((len(frame), sums.shape[1] - len(self.keys)))
        columns = [c for c in sums.columns if c not in self.keys]
        values[joined["index"].to_numpy()] = joined[columns].fillna(0.0).to_numpy()
        return values


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
        mapping = frame.loc[codes >= 0, by_cols].assign(**{D: codes[codes >= 0]})
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
            d = found[D].fillna(-1).to_numpy(dtype=np.int64)
        out = part.assign(**{X: x, D: np.where(inside, d, -1)})
        out.attrs = {}  # metadata (a codebook) would be copied by every later step
        return out

    meta = domains(empty_partition(rows))
    return rows.map_partitions(domains, meta=meta)


def _refuse_negative(rows: Any, variable: str, measure: str, count: int) -> None:
    """``count`` negative incomes in the domains, refused naming the partition (file) and row."""
    def bad(part: pd.DataFrame) -> np.ndarray:
        return np.asarray((part[D].to_numpy() >= 0) & (part[X].to_numpy() < 0))

    found = locate(rows, bad, [variable])
    raise negative_incomes(measure, variable, count, where_text(rows, found))
