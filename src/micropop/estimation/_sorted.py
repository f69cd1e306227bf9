"""Sorted segments: weighted values sorted within domains, with long double running sums.

The kernel that the quantile rules (:mod:`micropop.estimation._quantile_rules`)
and the inequality measures (:mod:`micropop.inequality`) read their weighted
distribution functions from. The rows of every domain are sorted by value and
the domains laid end to end as *segments* ``starts[k]:ends[k]``; a block of
replicate weights is more copies of the same segments
(:meth:`SortedSegments.stacked`). Everything is vectorised over the segments:
no loop over rows or domains.

Running sums follow R: long double, one value after the other. Two are
offered, as the callers need them: :meth:`SortedSegments.cumsum` runs once
over all segments (fast; a segment's sums are read off by subtracting what
came before it, :meth:`SortedSegments.within`), and
:meth:`SortedSegments.restarted_cumsum` starts each segment from zero, as
R's ``cumsum`` on a domain does, bit for bit. :func:`last_at_most` finds, in
every segment at once, the last row whose running sum stays at or below a
threshold: the lookup of every quantile rule.

Examples
--------
>>> import numpy as np
>>> x = np.array([3.0, 1.0, 2.0, 5.0, 4.0])
>>> w = np.array([1.0, 2.0, 1.0, 1.0, 3.0])
>>> domain = np.array([0, 1, 0, 1, 1])
>>> s = SortedSegments.sort(x, w).split(domain, 2)
>>> s.x.tolist(), s.starts.tolist(), s.ends.tolist()
([2.0, 3.0, 1.0, 4.0, 5.0], [0, 2], [2, 5])
>>> s.restarted_cumsum(s.w).astype(float).tolist()
[1.0, 2.0, 2.0, 5.0, 6.0]
>>> cum = s.within(s.cumsum(s.w))
>>> last_at_most(cum, np.array([1.5, 5.0]), s.cumsum(s.w), np.array([1.5, 7.0]),
...              s.starts, s.ends).tolist()  # last row with cumulative weight <= threshold
[0, 3]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt

__all__ = ["SortedSegments", "domain_sums", "last_at_most", "r_cumsum", "r_sum",
           "segment_cumsum"]

_S = TypeVar("_S", bound="SortedSegments")


@dataclass(frozen=True, eq=False)
class SortedSegments:
    """Rows sorted by value within segments, the segments laid end to end.

    Attributes
    ----------
    rows : ndarray of int
        Position of each sorted row among the ``n_rows`` input rows.
    x, w : ndarray of float
        The values, sorted within each segment, and their weights.
    segment : ndarray of int
        The segment of each sorted row (non-decreasing).
    starts, ends : ndarray of int
        Each segment's slice ``starts[k]:ends[k]`` of the sorted rows.
    n_rows : int
        The number of input rows (:meth:`scatter` returns that many values).
    """

    rows: np.ndarray
    x: np.ndarray
    w: np.ndarray
    segment: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    n_rows: int

    @classmethod
    def sort(cls, values: np.ndarray, weights: np.ndarray, rows: np.ndarray | None = None,
             ties: Literal["row order", "any"] = "row order") -> SortedSegments:
        """The rows ``rows`` (default all) as one segment sorted by value.

        ``ties="row order"`` keeps equal values in their row order, as R's
        ``order()`` (a stable sort, run only when values repeat); ``"any"``
        leaves them in the order of numpy's default sort (faster when values
        repeat; deterministic, but unspecified).
        """
        x = values if rows is None else values[rows]
        order = np.argsort(x)
        if ties == "row order":
            ranked = x[order]
            if np.any(ranked[1:] == ranked[:-1]):
                order = np.argsort(x, kind="stable")
        if rows is not None:
            order = rows[order]
        n = len(order)
        # np.take: the same gather as values[order], faster on long columns
        return SortedSegments(order, np.take(values, order), np.take(weights, order),
                              np.zeros(n, dtype=np.intp), np.array([0]), np.array([n]),
                              len(values))

    def fields(self) -> dict[str, Any]:
        """The kernel's fields by name, to build a subclass that adds its own."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(SortedSegments)}

    @property
    def n_segments(self) -> int:
        return len(self.starts)

    def split(self: _S, row_domain: np.ndarray, n_domains: int) -> _S:
        """The same rows, one segment per domain ``row_domain[rows]`` (0 .. n_domains - 1).

        A stable sort of the domain codes (a radix sort of small integers)
        keeps the rows of each domain sorted by value.
        """
        if n_domains == 1:
            return self
        small = np.int16 if n_domains < 2**15 else np.intp
        order = np.argsort(row_domain[self.rows].astype(small), kind="stable")
        rows = self.rows[order]
        segment = row_domain[rows]
        counts = np.bincount(segment, minlength=n_domains)
        ends = np.cumsum(counts)
        return dataclasses.replace(self, rows=rows, x=self.x[order], w=self.w[order],
                                   segment=segment, starts=ends - counts, ends=ends)

    def take(self: _S, mask: np.ndarray) -> _S:
        """The rows in ``mask`` (still sorted), in as many segments."""
        segment = self.segment[mask]
        counts = np.bincount(segment, minlength=self.n_segments)
        ends = np.cumsum(counts)
        return dataclasses.replace(self, rows=self.rows[mask], x=self.x[mask],
                                   w=self.w[mask], segment=segment, starts=ends - counts,
                                   ends=ends)

    def stacked(self: _S, weights: np.ndarray) -> _S:
        """The segments again for each column of ``weights`` (sorted rows, (n, m)).

        Copy ``j`` holds segments ``j K`` to ``j K + K - 1`` (K the segments),
        weighted by column ``j``: a block of replicates in one pass.
        """
        n, m = weights.shape
        copies = np.arange(m)
        offsets = (copies * n)[:, None]
        return dataclasses.replace(
            self, rows=np.tile(self.rows, m), x=np.tile(self.x, m), w=weights.T.ravel(),
            segment=(copies[:, None] * self.n_segments + self.segment).ravel(),
            starts=(offsets + self.starts).ravel(), ends=(offsets + self.ends).ravel())

    def spread(self, values: np.ndarray) -> np.ndarray:
        """Per-segment ``values`` on each sorted row (``values[segment]``).

        With a single segment, its one value (a numpy scalar, which
        broadcasts with the same results): no row-length copy.
        """
        spread: np.ndarray = values[0] if self.n_segments == 1 else values[self.segment]
        return spread

    def sums(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` (sorted rows) per segment."""
        return np.bincount(self.segment, weights=values, minlength=self.n_segments)

    def cumsum(self, values: np.ndarray, dtype: npt.DTypeLike = np.longdouble,
               offset: float | np.longdouble = 0.0) -> np.ndarray:
        """One running sum of ``values`` over all segments in turn, from ``offset``.

        In ``dtype`` (long double, as R's ``cumsum``, by default), one value
        after the other. Increasing with positive values, it orders a search
        over all segments at once (:func:`last_at_most`).
        """
        if offset == 0:
            return np.cumsum(values, dtype=dtype)
        start = np.array([offset], dtype=dtype)
        return np.cumsum(np.concatenate([start, values.astype(dtype, copy=False)]))[1:]

    def before(self, key: np.ndarray) -> np.ndarray:
        """The running sum ``key`` (:meth:`cumsum`) before each segment's first row."""
        return np.where(self.starts > 0, key[np.maximum(self.starts - 1, 0)], 0)

    def within(self, key: np.ndarray) -> np.ndarray:
        """Each segment's running sums (inclusive), in double, from a running ``key``."""
        if self.n_segments == 1 and self.starts[0] == 0:
            return key.astype(float, copy=False)
        since_start: np.ndarray = key - self.before(key)[self.segment]
        return since_start.astype(float, copy=False)

    def running(self, values: np.ndarray,
                dtype: npt.DTypeLike = np.longdouble) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`within` sums of ``values`` and their running :meth:`cumsum` key."""
        key = self.cumsum(values, dtype)
        return self.within(key), key

    def running_double(self, values: np.ndarray) -> np.ndarray:
        """``running(values)[0]`` (long double sums within segments, in double).

        The same numbers; on a single segment, block by block
        (:func:`r_cumsum`), without the long double key.
        """
        if self.n_segments == 1 and self.starts[0] == 0:
            return r_cumsum(values)
        return self.running(values)[0]

    def restarted_cumsum(self, values: np.ndarray,
                         dtype: npt.DTypeLike = np.longdouble) -> np.ndarray:
        """Running sums of ``values`` in ``dtype``, each segment from zero (R's ``cumsum``)."""
        return segment_cumsum(values, self.ends - self.starts, dtype)

    def previous(self, cum: np.ndarray) -> np.ndarray:
        """Running sums shifted by one row within segments (0 on each first row)."""
        out = np.empty_like(cum)
        out[1:] = cum[:-1]
        out[self.starts] = 0.0
        return out

    def scatter(self, z: np.ndarray) -> np.ndarray:
        """Values per sorted row times their weight, back on the ``n_rows`` input rows."""
        out = np.zeros(self.n_rows)
        out[self.rows] = self.w * z
        return out


def domain_sums(values: np.ndarray, domain: np.ndarray, n_domains: int) -> np.ndarray:
    """R's ``sum()`` of each domain's ``values``, in long double and row order.

    ``domain`` (0 .. n_domains - 1) is each value's domain; every domain must
    hold a value. Each sum runs one value after the other from zero, as R's.
    """
    if n_domains == 1:
        return np.array([r_sum(values)])
    small = np.int16 if n_domains < 2**15 else np.intp
    grouped = values[np.argsort(domain.astype(small), kind="stable")]
    counts = np.bincount(domain, minlength=n_domains)
    return segment_cumsum(grouped, counts, np.longdouble)[np.cumsum(counts) - 1]


def r_sum(values: np.ndarray, block: int = 8192) -> np.longdouble:
    """R's ``sum()`` of doubles: long double, one value after the other from zero.

    numpy's sums go pairwise; a cumulative sum is sequential, here block by
    block to keep the long double buffer small.
    """
    total = np.longdouble(0)
    for _, running in _running_blocks(values, block):
        total = running[-1]
    return total


def r_cumsum(values: np.ndarray, block: int = 65536) -> np.ndarray:
    """R's ``cumsum()`` of doubles: long double running sums, each rounded to double.

    The same numbers as ``np.cumsum(values, dtype=np.longdouble).astype(float)``,
    block by block: no long double array as long as ``values``.
    """
    out = np.empty(len(values))
    for start, running in _running_blocks(values, block):
        out[start:start + len(running)] = running
    return out


def _running_blocks(values: np.ndarray, block: int) -> Iterator[tuple[int, np.ndarray]]:
    """(start, long double running sums of ``values[start:start + block]``), carried over."""
    buffer = np.empty(block + 1, dtype=np.longdouble)
    total = np.longdouble(0)
    for start in range(0, len(values), block):
        chunk = values[start:start + block]
        buffer[0], buffer[1:len(chunk) + 1] = total, chunk
        running = np.cumsum(buffer[:len(chunk) + 1], out=buffer[:len(chunk) + 1])[1:]
        total = running[-1]
        yield start, running


def segment_cumsum(values: np.ndarray, counts: np.ndarray,
                   dtype: npt.DTypeLike) -> np.ndarray:
    """Cumulative sums in ``dtype`` restarting at each run of ``counts`` values.

    Each run is summed one value after the other from zero, as R's
    ``cumsum`` and ``rowsum`` do (numpy's reductions sum pairwise). Runs of
    similar length are laid side by side and cumulated down the columns.
    """
    out = np.empty(len(values), dtype=dtype)
    starts = np.cumsum(counts) - counts
    size_class = np.ceil(np.log2(np.maximum(counts, 1))).astype(int)
    for c in np.unique(size_class):
        runs = np.flatnonzero(size_class == c)
        index = starts[runs] + np.arange(int(counts[runs].max()))[:, None]
        valid = index < (starts + counts)[runs]
        block = np.where(valid, values[np.where(valid, index, 0)], 0).astype(dtype)
        out[index[valid]] = np.cumsum(block, axis=0)[valid]
    return out


def last_at_most(values: np.ndarray, threshold: np.ndarray, key: np.ndarray,
                 target: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Last index of each segment with ``values <= threshold`` (start - 1 if none).

    ``key`` is a globally sorted stand-in for ``values`` (segments laid end to
    end) and ``target`` the matching stand-in for ``threshold``: a binary
    search on them lands within a step of the answer, which exact
    comparisons on ``values`` then settle.
    """
    pos = np.clip(np.searchsorted(key, target, side="right") - 1, starts - 1, ends - 1)
    for _ in range(2):
        nxt = np.minimum(pos + 1, ends - 1)
        pos = np.where((pos < ends - 1) & (values[nxt] <= threshold), nxt, pos)
        pos = np.where((pos >= starts) & (values[np.maximum(pos, 0)] > threshold), pos - 1, pos)
    return pos
