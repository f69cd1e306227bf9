"""Quantiles on a Dask design: a bracketing pass, then exact windows, as the in-memory median.

R's quantile rules read the weighted distribution function only near each
probability ``p`` (the rows around the threshold, the domain's total weight
and, for the interpolating rules, its largest value). So:

1. One pass over the rows with their final weights brackets each quantile:
   the global distribution function is a weighted mixture of the
   partitions', so the quantile at ``p`` lies between the smallest and the
   largest of the partitions' own quantiles at ``p``. The same pass brackets
   ``p - d`` and ``p + d`` for wider reaches ``d`` (:data:`REACH`), and keeps
   each domain's largest value.
2. One pass makes the per-unit table (as every estimator of the engine) in
   which the rows inside the brackets stay as they are (their values exact,
   in their order among the data) and the other rows of each sampled unit,
   cell and gap between brackets are summed into one row: their weight and
   the unit's share of the population below or above the window are kept,
   so the in-memory estimator on this table (its quantile rules, its Woodruff
   intervals through the mean of ``x <= q``, the weighting steps replayed)
   gives the numbers of the full data whenever every value it returns lies in
   a bracket.
3. A value outside its bracket (a Woodruff bound beyond the reach, a rule
   that reads a summed row) widens that variable and domain's brackets to the
   next reach and the table is made again; past the last reach the domain's
   rows are all kept. The result is the in-memory one, to the rounding of the
   sums of weights (exact where they are, as with equal or integer weights).

Examples
--------
>>> import pandas as pd, dask.dataframe as dd
>>> import micropop as mp
>>> df = pd.DataFrame({"psu": [1, 1, 2, 2, 3, 3, 4, 4], "w": 2.0,
...                    "y": [1.0, 5.0, 2.0, 7.0, 3.0, 8.0, 4.0, 6.0]})
>>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=3), weights="w", psu="psu")
>>> des.quantile("y", 0.5).estimate.tolist() == des.compute().quantile("y", 0.5).estimate.tolist()
True
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from micropop.design._core import Design
from micropop.design.encode import as_columns, require_columns
from micropop.errors import (
    DesignError,
    InMemoryOnlyError,
    NotNumericVariableError,
    check_number,
    check_option,
)
from micropop.estimation import Estimate
from micropop.estimation._analysis import prepare
from micropop.estimation.quantiles import QUANTILE_RULES, check_interval_type, probabilities
from micropop.partitioned.passes import compute, empty_partition

__all__ = ["EDGES", "REACH", "REFINE_ROWS", "ROW_ID", "SPREAD", "WINDOW_RULES", "numbered",
           "windowed_quantile"]

#: The column that numbers the rows (their order among all the data).
ROW_ID = "__row_id"
#: The rules that read the distribution function only near ``p`` (and the
#: domain's total weight, largest value and its weight): windows serve them.
WINDOW_RULES = ("math", "school", "hf1", "hf2", "hf4", "hf5", "hf6", "hf7", "hf8", "hf9")
#: How far (in probability) the brackets reach beyond each ``p``, widening in
#: turn; beyond the last, the domain's rows are all kept.
REACH = (0.002, 0.01, 0.04, 0.16, 0.5)
#: The first reach of a domain of ``n`` rows is the first at least ``SPREAD / sqrt(n)``:
#: about six standard errors of a share, so that the Woodruff bounds usually
#: fall inside at once. Domains smaller than ``(SPREAD / REACH[-2]) ** 2`` rows
#: are kept whole.
SPREAD = 3.0
#: Domains of more rows than this get their brackets narrowed by a weighted
#: histogram pass, on edges pooled from the partitions' quantiles at
#: ``EDGES`` probabilities: each bracket then holds about ``1 / EDGES`` of a
#: partition's share of the rows, however the partitions differ.
REFINE_ROWS = 2**16
EDGES = np.linspace(0, 1, 129)

_WEIGHT, _IN = "__weight", "__in"  # the columns of PartitionedDesign.weighted_rows
_BAND, _SUM = "__band", "__sum"


def windowed_quantile(numbered: Any, plain: Any, variables: str | Sequence[str],
                      quantiles: float | Sequence[float], by: str | Sequence[str] | None,
                      qrule: str, level: float, df: float | None, na_rm: bool,
                      interval_type: str) -> Estimate:
    """Quantiles of a Dask design with their intervals: the in-memory numbers, by windows.

    Parameters
    ----------
    numbered : PartitionedDesign
        The design whose rows carry their number among the data (:data:`ROW_ID`).
    plain : PartitionedDesign
        The same design without its replicate weights (whose rows' final
        full-sample weights bracket the quantiles).
    variables : str or list of str
        Numeric columns.
    quantiles : float or sequence of float
        Probabilities in [0, 1].
    by : str or list of str, optional
        Domain columns.
    qrule : str
        R's rule, one of :data:`WINDOW_RULES`.
    level : float
        Coverage of the intervals.
    df : float, optional
        Degrees of freedom of the intervals (default the design's).
    na_rm : bool
        Leave out rows with missing values.
    interval_type : str
        A Woodruff interval: "mean", "beta", "xlogit" or "asin".
        All as :func:`~micropop.estimation.survey_quantile`.

    Returns
    -------
    Estimate
        The in-memory estimator's.

    Raises
    ------
    InMemoryOnlyError
        ``qrule="hf3"`` or ``"shahvaish"`` (they read the rank or count of all
        the rows), ``interval_type="score"`` (it reads every row's value) or
        ``"quantile"`` (the replicates' own quantiles).

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> import micropop as mp
    >>> df = pd.DataFrame({"w": 1.0, "y": [float(v) for v in range(1, 41)]})
    >>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=4), weights="w")
    >>> des.quantile("y", [0.25, 0.5]).ci().to_numpy().tolist()  # as in memory
    [[5.0, 16.0], [14.0, 27.0]]
    """
    probs = probabilities(quantiles)
    check_option("qrule", qrule, QUANTILE_RULES)
    check_interval_type(interval_type, numbered.is_replicate)
    check_option("na_rm", na_rm, [True, False])
    if df is not None:
        check_number("df", df, low=0, low_open=True, allow_inf=True)
    _refuse_unbounded(qrule, interval_type)
    names = as_columns(variables, "variables", distinct=True)
    by_cols = as_columns(by, "by", distinct=True)
    ddf = plain.data
    empty = empty_partition(ddf)
    require_columns(empty, [*names, *by_cols])
    reserved = [c for c in empty.columns if str(c) == ROW_ID or str(c).startswith((_BAND, _SUM))]
    if reserved:
        raise DesignError(f"column {reserved[0]!r} is reserved by the Dask engine's quantiles",
                          hint="rename it")
    for name in names:
        dtype = empty[name].dtype
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            raise NotNumericVariableError(f"column {name!r} is {dtype}, not numbers: a "
                                          "quantile needs numeric values",
                                          hint="convert it to numbers first")
    windows = _bracket(plain, names, by_cols, probs)
    while True:
        bands = _Bands(names, by_cols, windows)
        design = _reduced(numbered, names, by_cols, na_rm, bands)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            est: Estimate = design.quantile(names, probs, by=by, qrule=qrule, level=level, df=df,
                                  na_rm=na_rm, interval_type=interval_type)
        if not windows.widen(_outside(est, design, names, by, by_cols, na_rm, len(probs),
                                      windows)):
            break
    for message in caught:
        warnings.warn(message.message, message.category, stacklevel=3)
    return est


def numbered(ddf: Any, starts: np.ndarray) -> Any:
    """``ddf`` with each row's number among all the data (:data:`ROW_ID`), lazily.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
    starts : ndarray of int
        The number of the first row of each partition.

    Returns
    -------
    dask.dataframe.DataFrame

    Examples
    --------
    >>> import numpy as np, pandas as pd, dask.dataframe as dd
    >>> ddf = dd.from_pandas(pd.DataFrame({"y": [5.0, 6.0, 7.0]}), npartitions=2)
    >>> numbered(ddf, np.array([0, 2])).compute()[ROW_ID].tolist()
    [0, 1, 2]
    """
    def number(part: pd.DataFrame, partition_info: dict[str, Any] | None = None
               ) -> pd.DataFrame:
        first = starts[0 if partition_info is None else partition_info["number"]]
        return part.assign(**{ROW_ID: first + np.arange(len(part), dtype=np.int64)})

    return ddf.map_partitions(number, meta=number(empty_partition(ddf)))


def _refuse_unbounded(qrule: str, interval_type: str) -> None:
    """The rules and intervals that read every row: in memory only."""
    hint = ("des.compute() gives the in-memory design when the data fit in memory; "
            "otherwise .compute() the columns and rows needed and build an in-memory design")
    if qrule not in WINDOW_RULES:
        raise InMemoryOnlyError(f"qrule={qrule!r} is not offered on a Dask design: it reads "
                                "the rank or the count of every row of the domain",
                                hint=f"use another rule ({', '.join(WINDOW_RULES)}), or {hint}")
    if interval_type in ("score", "quantile"):
        what = ("inverts a test over every row's value" if interval_type == "score"
                else "sorts the rows again under each replicate weight")
        raise InMemoryOnlyError(f"interval_type={interval_type!r} is not offered on a Dask "
                                f"design: it {what}",
                                hint="use a Woodruff interval ('mean', 'beta', 'xlogit', "
                                     f"'asin'), or {hint}")


# --- step 1: brackets ------------------------------------------------------------------


@dataclass
class _Windows:
    """Per variable and domain: brackets at each reach, the largest value, the reach used."""

    lows: dict[tuple[int, tuple[Any, ...]], np.ndarray]  # (P, len(REACH)) lower ends
    highs: dict[tuple[int, tuple[Any, ...]], np.ndarray]
    largest: dict[tuple[int, tuple[Any, ...]], float]
    rows: dict[tuple[int, tuple[Any, ...]], int]  # rows with a value and a weight
    edges: dict[tuple[int, tuple[Any, ...]], list[np.ndarray]]  # the partitions' quantiles
    reach: dict[tuple[int, tuple[Any, ...]], int] = field(default_factory=dict)

    def start(self) -> None:
        """The first reach of each domain, from its rows (see :data:`SPREAD`)."""
        for key, n in self.rows.items():
            self.reach[key] = int(np.searchsorted(REACH[:-1], SPREAD / np.sqrt(n)))

    def intervals(self, key: tuple[int, tuple[Any, ...]]) -> tuple[np.ndarray, np.ndarray]:
        """The merged closed intervals (sorted lower and upper ends) kept for ``key``."""
        reach = self.reach.get(key, 0)
        if reach >= len(REACH):
            return np.array([-np.inf]), np.array([np.inf])
        if key not in self.lows:  # no row of the domain in the design: none kept
            return np.array([np.inf]), np.array([-np.inf])
        lo = np.append(self.lows[key][:, reach], self.largest[key])
        hi = np.append(self.highs[key][:, reach], self.largest[key])
        order = np.argsort(lo, kind="stable")
        lo, hi = lo[order], np.maximum.accumulate(hi[order])
        start = np.ones(len(lo), dtype=bool)
        start[1:] = lo[1:] > hi[:-1]  # a new interval where it does not touch the last
        group = np.cumsum(start) - 1
        ends = np.zeros(group[-1] + 1)
        np.maximum.at(ends, group, hi)
        return lo[start], ends

    def widen(self, keys: set[tuple[int, tuple[Any, ...]]]) -> bool:
        """Reach further for ``keys``; False when there is none."""
        for key in keys:
            self.reach[key] = self.reach.get(key, 0) + 1
        return bool(keys)


def _bracket(plain: Any, names: list[str], by_cols: list[str], probs: np.ndarray) -> _Windows:
    """The bracketing pass: each partition's own quantiles, combined (min of the lower
    ends, max of the upper ends), and each domain's largest value."""
    from dask.delayed import delayed

    rows, _ = plain.weighted_rows([*names, *by_cols])
    reach = np.asarray(REACH)
    lower, upper = probs[:, None] - reach, probs[:, None] + reach  # (P, R)
    summarise = delayed(_partition_brackets)
    found = compute(*[summarise(part, names, by_cols, lower, upper)
                      for part in rows.to_delayed()])
    windows = _Windows({}, {}, {}, {}, {})
    for part in found:
        for key, (lo, hi, top, n, edges) in part.items():
            if key in windows.lows:
                windows.lows[key] = np.minimum(windows.lows[key], lo)
                windows.highs[key] = np.maximum(windows.highs[key], hi)
                windows.largest[key] = max(windows.largest[key], top)
                windows.rows[key] += n
                windows.edges[key].append(edges)
            else:
                windows.lows[key], windows.highs[key] = lo, hi
                windows.largest[key], windows.rows[key] = top, n
                windows.edges[key] = [edges]
    large = {key: np.unique(np.concatenate(edges)) for key, edges in windows.edges.items()
             if windows.rows[key] > REFINE_ROWS}
    if large:
        _refine(rows, names, by_cols, lower, upper, large, windows)
    windows.start()
    return windows


def _refine(rows: Any, names: list[str], by_cols: list[str], lower: np.ndarray,
            upper: np.ndarray, edges: dict[tuple[int, tuple[Any, ...]], np.ndarray],
            windows: _Windows) -> None:
    """The histogram pass: the weight at or below each edge, the brackets narrowed to
    the edges around each share (both brackets hold the quantile: their overlap too)."""
    from dask.delayed import delayed

    weigh = delayed(_partition_histogram)
    found = compute(*[weigh(part, names, by_cols, edges) for part in rows.to_delayed()])
    for key, at in edges.items():
        below = np.sum([part[key] for part in found if key in part], axis=0)
        cum = np.cumsum(below)[:len(at)]  # weight of the values <= each edge
        total = below.sum()
        first = np.searchsorted(cum, lower * total, side="left") - 1  # last edge below
        lo = np.where(lower <= 0, -np.inf, at[np.maximum(first, 0)])
        lo = np.where(first < 0, -np.inf, lo)
        last = np.searchsorted(cum, upper * total, side="left")  # first edge reaching
        hi = np.where((upper >= 1) | (last >= len(at)), np.inf,
                      at[np.minimum(last, len(at) - 1)])
        windows.lows[key] = np.maximum(windows.lows[key], lo)
        windows.highs[key] = np.minimum(windows.highs[key], hi)


def _partition_histogram(part: pd.DataFrame, names: list[str], by_cols: list[str],
                         edges: dict[tuple[int, tuple[Any, ...]], np.ndarray]
                         ) -> dict[tuple[int, tuple[Any, ...]], np.ndarray]:
    """One partition's weights between consecutive ``edges`` (bin i: (e[i-1], e[i]])."""
    w = part[_WEIGHT].to_numpy(dtype=float)
    keep = part[_IN].to_numpy(dtype=bool) & (w > 0)
    out = {}
    for key, index in _domain_rows(part, by_cols, keep).items():
        for j, name in enumerate(names):
            if (j, key) not in edges:
                continue
            y = part[name].to_numpy(dtype=float, na_value=np.nan)[index]
            held = ~np.isnan(y)
            at = edges[j, key]
            out[j, key] = np.bincount(np.searchsorted(at, y[held], side="left"),
                                      weights=w[index][held], minlength=len(at) + 1)
    return out


def _partition_brackets(part: pd.DataFrame, names: list[str], by_cols: list[str],
                        lower: np.ndarray, upper: np.ndarray
                        ) -> dict[tuple[int, tuple[Any, ...]],
                                  tuple[np.ndarray, np.ndarray, float, int, np.ndarray]]:
    """One partition's weighted quantiles (smallest value whose share reaches the
    probability) at ``lower`` and ``upper`` probabilities, per variable and domain."""
    w = part[_WEIGHT].to_numpy(dtype=float)
    keep = part[_IN].to_numpy(dtype=bool) & (w > 0)
    out = {}
    for key, index in _domain_rows(part, by_cols, keep).items():
        for j, name in enumerate(names):
            y = part[name].to_numpy(dtype=float, na_value=np.nan)[index]
            held = ~np.isnan(y)
            if not held.any():
                continue
            y, weight = y[held], w[index][held]
            order = np.argsort(y, kind="stable")
            y, cum = y[order], np.cumsum(weight[order])
            grid = y[np.minimum(np.searchsorted(cum, EDGES * cum[-1]), len(y) - 1)]
            out[j, key] = (_at(y, cum, lower, -np.inf), _at(y, cum, upper, np.inf),
                           float(y[-1]), len(y), grid)
    return out


def _at(y: np.ndarray, cum: np.ndarray, probs: np.ndarray, beyond: float) -> np.ndarray:
    """The smallest ``y`` whose cumulative weight reaches ``probs`` of the total
    (``beyond`` where the probability leaves (0, 1))."""
    position = np.minimum(np.searchsorted(cum, probs * cum[-1], side="left"), len(y) - 1)
    return np.where((probs <= 0) | (probs >= 1), beyond, y[position])


def _domain_rows(part: pd.DataFrame, by_cols: list[str],
                 keep: np.ndarray | None = None) -> dict[tuple[Any, ...], np.ndarray]:
    """Row positions of each domain (tuple of ``by`` values) among ``keep``."""
    rows = np.arange(len(part)) if keep is None else np.flatnonzero(keep)
    if not by_cols:
        return {(): rows}
    groups = part.iloc[rows].groupby(by_cols, dropna=True, observed=True, sort=False).indices
    return {key if isinstance(key, tuple) else (key,): rows[index]
            for key, index in groups.items()}


# --- step 2: the table with windows -------------------------------------------------


@dataclass(frozen=True)
class _Bands:
    """Each row's band per variable: its row number inside a window, else its gap."""

    names: list[str]
    by_cols: list[str]
    windows: _Windows

    def codes(self, part: pd.DataFrame) -> np.ndarray:
        """(variables, rows) codes: >= 0 the row number (kept), < 0 the gap (summed)."""
        n = len(part)
        gap = np.full((len(self.names), n), -1, dtype=np.int64)
        kept = np.zeros(n, dtype=bool)
        for key, rows in _domain_rows(part, self.by_cols).items():
            for j, name in enumerate(self.names):
                y = part[name].to_numpy(dtype=float, na_value=np.nan)[rows]
                lo, hi = self.windows.intervals((j, key))
                where = np.searchsorted(hi, y, side="left")  # NaN: past the last
                inside = (where < len(hi)) & (lo[np.minimum(where, len(lo) - 1)] <= y)
                kept[rows] |= inside
                gap[j, rows] = -1 - where
        gap[0] = np.where(kept, part[ROW_ID].to_numpy(dtype=np.int64), gap[0])
        gap[1:] = np.where(kept, 0, gap[1:])
        return gap

    def column(self, j: int, part: pd.DataFrame) -> np.ndarray:
        """The codes of variable ``j``."""
        codes: np.ndarray = self.codes(part)[j]
        return codes

    def functions(self) -> dict[str, Callable[[pd.DataFrame], np.ndarray]]:
        return {f"{_BAND}{j}": partial(self.column, j) for j in range(len(self.names))}


def _reduced(numbered: Any, names: list[str], by_cols: list[str], na_rm: bool,
             bands: _Bands) -> Any:
    """The in-memory design on the table with windows, the values of its rows exact."""
    derived = bands.functions()
    sums = {f"{_SUM}{j}": (lambda part, name=name: part[name].to_numpy(dtype=float,
                                                                        na_value=np.nan))
            for j, name in enumerate(names)}
    design: Any = numbered.unit_design(names, [*by_cols, *derived], na_rm=na_rm,
                                          check=[*names, *by_cols], sums=sums,
                                          derived=derived, order=f"{_BAND}0")
    frame, counts = design.frame, design.frequencies
    assert counts is not None
    exact = {}
    for j, name in enumerate(names):
        mean = frame[name].to_numpy(dtype=float)
        # a kept row is alone in its group: its value itself (a weighted mean
        # w y / w may differ from y in the last bit); a summed gap, its rows' mean
        value = np.where(np.isnan(mean), np.nan, frame[f"{_SUM}{j}"].to_numpy() / counts)
        exact[name] = value[design.rows]
    reduced: Design = design.assign(**exact)
    return reduced


# --- step 3: check ------------------------------------------------------------------------


def _outside(est: Estimate, design: Any, names: list[str], by: Any, by_cols: list[str],
             na_rm: bool, n_probs: int, windows: _Windows
             ) -> set[tuple[int, tuple[Any, ...]]]:
    """The (variable, domain) whose estimates or bounds fall outside their windows."""
    data = prepare(design, names, by, na_rm, numeric_only=True)
    k = data.n_domains
    if by_cols:
        first = np.unique(data.row_domain[data.row_domain >= 0], return_index=True)[1]
        positions = np.flatnonzero(data.row_domain >= 0)[first]
        frame = design.frame.iloc[positions]
        keys = [tuple(row) for row in frame[by_cols].itertuples(index=False, name=None)]
    else:
        keys = [()]
    values = np.column_stack([est.estimate, est.ci().to_numpy()])  # (V P K, 3)
    values = values.reshape(len(names), n_probs, k, 3)
    wrong = set()
    for j in range(len(names)):
        for d, key in enumerate(keys):
            lo, hi = windows.intervals((j, key))
            v = values[j, :, d].ravel()
            v = v[~np.isnan(v)]
            where = np.searchsorted(hi, v, side="left")
            inside = (where < len(hi)) & (lo[np.minimum(where, len(lo) - 1)] <= v)
            if not inside.all():
                wrong.add((j, key))
    return wrong
