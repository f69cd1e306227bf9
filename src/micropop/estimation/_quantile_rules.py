"""R's quantile rules on sorted columns: the engine of :mod:`~micropop.estimation.quantiles`.

A column's rows of positive weight are sorted by domain then value
(:class:`SortedColumn`, on the sorted-segments kernel of
:mod:`micropop.estimation._sorted`), or, for a large single-domain column and a
rule that reads only the order statistics around ``p``, sorted only near the
quantiles asked for (:class:`WindowedColumn`). Both give R's ``qrule``s
(``"math"``, ``"school"``, ``"hf1"`` .. ``"hf9"``, ``"shahvaish"``).

Examples
--------
>>> import numpy as np
>>> from micropop.estimation._quantile_rules import SortedColumn
>>> col = SortedColumn.by_domain(np.array([3.0, 1.0, 2.0, 4.0]), np.ones(4),
...                              np.zeros(4, dtype=np.intp), 1, str)
>>> half = np.array([[0.5]])
>>> col.quantiles(half, "math").tolist(), col.quantiles(half, "hf7").tolist()
([[2.0]], [[2.5]])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from micropop.errors import EmptyDomainError
from micropop.estimation._sorted import (
    SortedSegments,
    domain_sums,
    last_at_most,
    r_sum,
    segment_cumsum,
)

if TYPE_CHECKING:
    from micropop.estimation._analysis import Analysis

__all__ = ["LOCAL_RULES", "SortedColumn", "WindowedColumn", "column_for", "interpolate",
           "scaled_weights"]


@dataclass(frozen=True, eq=False)
class SortedColumn(SortedSegments):
    """One column's rows with positive weight, sorted by domain then by value.

    R's quantile rules read the weighted distribution function of each
    domain; here all domains are handled at once on sorted segments
    ``starts[k]:ends[k]`` (:class:`~micropop.estimation._sorted.SortedSegments`).
    ``cumw`` holds each domain's cumulative weights (long double sums from
    zero, as R's ``cumsum``, rounded to double), ``key`` one long double
    running sum over all domains (with ``key_before``, its value before each
    domain: the key of the searches) and ``total`` each domain's weight (R's
    ``sum()``, in row order).
    """

    cumw: np.ndarray
    key: np.ndarray
    key_before: np.ndarray
    total: np.ndarray

    @classmethod
    def build(cls, data: Analysis, column: int, qrule: str) -> SortedColumn:
        return cls.by_domain(data.y[:, column], scaled_weights(data, qrule), data.row_domain,
                             data.n_domains, data.domain_name)

    @classmethod
    def by_domain(cls, values: np.ndarray, weights: np.ndarray, row_domain: np.ndarray,
                  n_domains: int, describe: Callable[[int], str],
                  offset: float | np.longdouble = 0.0,
                  total: float | None = None) -> SortedColumn:
        """Sort ``values`` by segment (``row_domain``, -1: left out) and value.

        Rows without weight are left out. ``offset`` (the weight of rows
        before these, in one segment) and ``total`` (the segment's whole
        weight) make the rows a window of a larger sorted column.
        """
        rows = np.flatnonzero((row_domain >= 0) & (weights > 0))
        segments = SortedSegments.sort(values, weights, rows).split(row_domain, n_domains)
        counts = segments.ends - segments.starts
        if np.any(counts == 0):
            empty = [describe(int(k)) for k in np.flatnonzero(counts == 0)]
            raise EmptyDomainError(f"domain {', '.join(empty)} has no row with positive weight",
                                   hint="a quantile needs observed values in the domain")
        # R sums in long double, one value after another from zero: cumsum() over
        # each domain's sorted weights and, for the rules' total, sum() over its
        # rows in row order. One running sum over all domains orders the search.
        key = segments.cumsum(segments.w, offset=offset)
        if n_domains == 1:
            cumw = key.astype(float)
            totals = np.array([float(r_sum(weights[rows])) if total is None else total])
        else:
            cumw = segments.restarted_cumsum(segments.w).astype(float)
            totals = domain_sums(weights[rows], row_domain[rows], n_domains).astype(float)
        return cls(**segments.fields(), cumw=cumw, key=key, key_before=segments.before(key),
                   total=totals)

    def quantiles(self, probs: np.ndarray, qrule: str) -> np.ndarray:
        """Quantiles by R's ``qrule`` for probabilities (K, P), shape (K, P)."""
        x, cumw = self.x, self.cumw
        starts, ends = self.starts[:, None], self.ends[:, None]
        out: np.ndarray
        total = self.total[:, None]
        if qrule in ("math", "school", "hf1", "hf2", "hf3", "hf4"):
            threshold = probs * total
            pos = last_at_most(cumw, threshold, self.key, self.key_before[:, None] + threshold,
                               starts, ends)
            pos = np.maximum(pos, starts)  # R's last(): the first position when none qualifies
            nxt = np.minimum(pos + 1, ends - 1)
            low, up = x[pos], x[nxt]
            w_low = probs - cumw[pos] / total
            w_up = cumw[nxt] / total - probs
            if qrule in ("math", "hf1"):
                out = np.where(w_low == 0, low, up)
                return out
            if qrule == "hf3":
                return self._nearest_even(probs)
            if qrule in ("school", "hf2"):
                out = np.where(w_low == 0, low / 2 + up / 2, up)  # no overflow at 1e308
                return out
            gamma = w_low / (w_up + w_low)
            out = low * (1 - gamma) + up * gamma
            return out
        if qrule == "shahvaish":
            return self._shah_vaish(probs)
        return interpolate(self._plotting_positions(qrule), x, probs, self.segment,
                            starts, ends)

    def _nearest_even(self, probs: np.ndarray) -> np.ndarray:
        """R's "hf3": R's ``qs`` on the distinct values, their weights summed first.

        As R (``rowsum``, then ``cumsum`` and ``sum``), the tied weights are
        summed one after the other in double precision and the distinct
        values' weights cumulated in long double, each domain from zero. The
        last distinct value whose cumulative weight reaches no further than
        ``p`` (R's ``last()`` falls back to the first); at an exact tie with
        an even rank among distinct values, that value, else the next.
        """
        x, segment = self.x, self.segment
        new = np.ones(len(x), dtype=bool)
        new[1:] = (x[1:] != x[:-1]) | (segment[1:] != segment[:-1])
        first = np.flatnonzero(new)
        size = np.diff(np.append(first, len(x)))
        weight = segment_cumsum(self.w, size, np.float64)[first + size - 1]
        value, group_segment = x[first], segment[first]
        per_segment = np.bincount(group_segment, minlength=len(self.starts))
        cumw = segment_cumsum(weight, per_segment, np.longdouble).astype(float)
        ends = np.cumsum(per_segment)[:, None]
        starts = ends - per_segment[:, None]
        total = cumw[ends - 1]
        share = cumw / total[group_segment, 0]
        k = np.arange(len(per_segment))[:, None]
        pos = last_at_most(cumw, probs * total, group_segment + share, k + probs, starts, ends)
        pos = np.maximum(pos, starts)
        nxt = np.minimum(pos + 1, ends - 1)
        even = (pos - starts + 1) % 2 == 0
        nearest: np.ndarray = np.where((probs - cumw[pos] / total == 0) & even, value[pos],
                                       value[nxt])
        return nearest

    def _shah_vaish(self, probs: np.ndarray) -> np.ndarray:
        """R's "shahvaish": a step function at ``(S_i + 1/2 - w_i / 2) / (n + 1)``.

        ``S`` cumulates the weights over their domain mean and ``w_i`` is the
        raw weight, as R's ``qrule_shahvaish`` writes it; R's ``approx``
        sorts these positions, so a row whose position falls behind an
        earlier one's is read in position order, as here.
        """
        n = (self.ends - self.starts)[self.segment]
        mean_w = self.cumw[self.ends - 1][self.segment] / n
        pk = (self.cumw / mean_w + 0.5 - self.w / 2) / (n + 1)
        order = np.lexsort((pk, self.segment))
        pk, x = pk[order], self.x[order]
        starts, ends = self.starts[:, None], self.ends[:, None]
        span = pk.max() - pk.min() + 1  # lay the segments end to end for one search
        key = pk - pk.min() + self.segment * span
        target = probs - pk.min() + np.arange(len(self.starts))[:, None] * span
        i = last_at_most(pk, probs, key, target, starts, ends)
        steps: np.ndarray = x[np.maximum(i, starts)]  # approx(rule=2): first value below pk_1
        return steps

    def _plotting_positions(self, qrule: str) -> np.ndarray:
        """R's ``pk`` of the interpolating rules hf5 .. hf9, per sorted row."""
        cumw, w, segment = self.cumw, self.w, self.segment
        first = np.zeros(len(cumw), dtype=bool)
        first[self.starts] = True
        previous = np.where(first, 0.0, np.concatenate([[0.0], cumw[:-1]]))
        last_w = w[self.ends - 1][segment]
        total = cumw[self.ends - 1][segment]
        pk: np.ndarray
        if qrule == "hf5":
            pk = (cumw - w / 2) / total
        elif qrule == "hf6":
            pk = cumw / (total + last_w)
        elif qrule == "hf7":
            pk = previous / cumw[np.maximum(self.ends - 2, self.starts)][segment]
        elif qrule == "hf8":
            pk = (previous * 1 / 3 + cumw * 2 / 3) / (total + last_w / 3)
        else:  # hf9
            pk = (previous * 3 / 8 + cumw * 5 / 8) / (total + last_w / 4)
        return pk


def scaled_weights(data: Analysis, qrule: str) -> np.ndarray:
    """The weights over a power of two per domain, so that their sums stay finite
    (the quantiles are the same: powers of two scale exactly). Shah and Vaish's
    rule reads the weights' scale, as R's: its weights are left as they are."""
    scale = None if qrule == "shahvaish" else data.domain_scale()
    return data.weights if scale is None else np.ldexp(data.weights, -scale)


#: Rules that read only the two order statistics around ``p`` (a window will do).
LOCAL_RULES = ("math", "school", "hf1", "hf2", "hf4")


def column_for(data: Analysis, column: int, qrule: str) -> SortedColumn | WindowedColumn:
    """The column as the rule needs it: a window near each quantile when one suffices."""
    if data.n_domains == 1 and qrule in LOCAL_RULES:
        keep = (data.row_domain >= 0) & (data.weights > 0)
        if np.count_nonzero(keep) > WindowedColumn.MIN_ROWS:
            return WindowedColumn.build(data.y[:, column], scaled_weights(data, qrule), keep)
    return SortedColumn.build(data, column, qrule)


@dataclass(frozen=True, eq=False)
class WindowedColumn:
    """A large column (one domain) sorted only near the quantiles asked for.

    A strided sample brackets each quantile; the rows inside the bracket are
    sorted (stably, as R's ``order()``) after the weight of all rows below it,
    and the bracket widens until it holds the rows the rule reads. Each
    quantile is then the one the full sort gives (to the rounding of long
    double sums), for a few passes over the rows and the sort of a few per
    cent of them; a window serves every later quantile it holds, such as
    the Woodruff bounds of a median.
    """

    MIN_ROWS = 2**16
    #: About how many rows the strided sample that brackets the quantiles holds.
    SAMPLE_ROWS = 2**13

    x: np.ndarray
    w: np.ndarray
    total: float
    sample: np.ndarray
    sample_share: np.ndarray
    windows: list[tuple[SortedColumn, bool, bool]] = field(default_factory=list)

    @classmethod
    def build(cls, x: np.ndarray, w: np.ndarray, keep: np.ndarray) -> WindowedColumn:
        """From values and weights, of which the rows ``keep`` count."""
        if not keep.all():
            x, w = x[keep], w[keep]
        stride = len(x) // cls.SAMPLE_ROWS + 1
        sample_x, sample_w = x[::stride], w[::stride]
        order = np.argsort(sample_x)
        share = np.cumsum(sample_w[order])
        # long double, as R's sum(w); pairwise rather than R's row order, which
        # gives the same double whenever the sums are exact (equal or few distinct
        # weights, where ties at a threshold can happen) at a third of the cost
        total = float(np.sum(w, dtype=np.longdouble))
        return cls(x, w, total, sample_x[order], share / share[-1])

    def quantiles(self, probs: np.ndarray, qrule: str) -> np.ndarray:
        """As :meth:`SortedColumn.quantiles`, for probabilities (1, P)."""
        return np.array([[self._window(p).quantiles(np.array([[p]]), qrule)[0, 0]
                          for p in probs[0]]])

    def _window(self, p: float) -> SortedColumn:
        """Sorted rows around ``p`` that hold the two rows the rule reads at ``p``.

        That is the last row at or below the threshold (or the first row, R's
        ``last()`` fallback) and the next one.
        """
        threshold = p * self.total
        margin = 0.01
        while True:
            for window, from_first, to_last in self.windows:
                if ((from_first or window.cumw[0] <= threshold)
                        and (to_last or (len(window.x) > 1 and window.cumw[-1] > threshold))):
                    return window
            lo = self._sample_value(p - margin, -np.inf)
            hi = self._sample_value(p + margin, np.inf)
            below = self.x < lo
            rows = np.flatnonzero(~below & (self.x <= hi))
            if len(rows):  # summed as R's cumsum() (the same for equal weights)
                offset = np.sum(self.w[below], dtype=np.longdouble)
                window = SortedColumn.by_domain(self.x[rows], self.w[rows],
                                                np.zeros(len(rows), dtype=np.intp), 1, str,
                                                offset=offset, total=self.total)
                self.windows.append((window, offset == 0, hi == np.inf))
            margin *= 4

    def _sample_value(self, q: float, beyond: float) -> float:
        """The sample's value at share ``q`` (``beyond`` outside (0, 1))."""
        if not 0 < q < 1:
            return beyond
        position = min(int(np.searchsorted(self.sample_share, q)), len(self.sample) - 1)
        return float(self.sample[position])


def interpolate(pk: np.ndarray, x: np.ndarray, probs: np.ndarray, segment: np.ndarray,
                 starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """R's ``approx(pk, x, p, rule=2)`` within each segment."""
    key = 2.0 * segment + pk  # pk is within [0, 1]: segments stay in order
    k = np.arange(len(starts))[:, None]
    i = last_at_most(pk, probs, key, 2.0 * k + probs, starts, ends)
    i_safe = np.clip(i, starts, ends - 1)
    j = np.minimum(i_safe + 1, ends - 1)
    with np.errstate(over="ignore", invalid="ignore"):
        fraction = (probs - pk[i_safe]) / (pk[j] - pk[i_safe])
        inner = x[i_safe] + (x[j] - x[i_safe]) * fraction
    # values of opposite signs near 1.8e308: their difference overflows, not the blend
    inner = np.where(np.isfinite(inner), inner, x[i_safe] * (1 - fraction) + x[j] * fraction)
    out = np.where(probs == pk[i_safe], x[i_safe], inner)
    out = np.where(i < starts, x[starts], out)
    clipped: np.ndarray = np.where(i >= ends - 1, x[ends - 1], out)
    return clipped
