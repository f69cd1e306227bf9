"""The stages of the Dask inequality measures, on one sorted partition at a time.

:mod:`micropop.partitioned.inequality` sorts the rows of the domains by income
and runs these functions on each sorted partition (``dask.delayed``), each
stage given what the previous ones found: the running sums of the partitions
before it (:class:`Before`), the quantiles, the bandwidths. Columns: ``__x``
the income, ``__weight`` the final weight, ``__d`` the domain (0 to K-1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from micropop.estimation._sorted import segment_cumsum
from micropop.inequality._influence import gaussian_weights, gini_value

__all__ = ["Before", "Level", "Quantile", "Rows", "Totals", "combine", "first_sums",
           "kernel_stage", "level_totals", "poor_sums", "quantile_sums", "unit_sums"]

X, W, D = "__x", "__weight", "__d"


@dataclass(frozen=True)
class Rows:
    """One sorted partition's incomes, weights, domains and group keys."""

    x: np.ndarray
    w: np.ndarray
    domain: np.ndarray
    n_domains: int
    keys: pd.DataFrame
    before: Before | None = None  # the running sums of the partitions before this one

    @classmethod
    def of(cls, part: pd.DataFrame, n_domains: int, keys: list[str],
           before: Before | None = None, everyone: bool = False) -> Rows:
        """The partition's rows by domain (or all in one, ``everyone``)."""
        domain = (np.zeros(len(part), dtype=np.intp) if everyone
                  else part[D].to_numpy(dtype=np.intp))
        return cls(part[X].to_numpy(dtype=float), part[W].to_numpy(dtype=float),
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
class Before:
    """Sums of the partitions before one, per domain: weights (long double) and ``w x``."""

    w: np.ndarray
    wx: np.ndarray


@dataclass(frozen=True)
class Level:
    """Totals per domain (or of everyone): weight, income, their partition running sums."""

    n: np.ndarray
    wx: np.ndarray
    n_exact: np.ndarray      # long double weight total
    before: list[Before]    # one per partition


@dataclass(frozen=True)
class Totals:
    domain: Level
    everyone: Level
    gini: np.ndarray
    negative: int  # incomes below zero in the domains


@dataclass(frozen=True)
class Quantile:
    q: np.ndarray
    h: np.ndarray


def first_sums(part: pd.DataFrame, k: int, keys: list[str]) -> dict[str, Any]:
    """Stage 1 on one partition: sums per domain and for everyone, negative incomes."""
    out: dict[str, Any] = {}
    for name in ("domain", "everyone"):
        r = Rows.of(part, k, keys, everyone=name == "everyone")
        wx = r.w * r.x
        cum_w = r.local(r.w)
        w = np.zeros(r.n_domains, dtype=np.longdouble)
        np.add.at(w, r.domain, r.w.astype(np.longdouble))  # in row order, as R's sum
        out[name] = (w, r.sums(wx),
                     r.sums(wx * cum_w.astype(float)), r.sums(r.w * wx))
    out["negative"] = int(np.count_nonzero(part[X].to_numpy(dtype=float) < 0))
    return out


def level_totals(stats: list[dict[str, Any]], name: str) -> tuple[Level, np.ndarray]:
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
    level = Level(n, total, n_exact,
                   [Before(before_w[p], before_wx[p]) for p in range(len(stats))])
    # sum w x C over the partitions: their own C plus the weight before them
    wx_cum = np.sum(own + before_w[:-1].astype(float) * wx, axis=0)
    return level, gini_value(n, total, wx_cum, np.sum(w_wx, axis=0))


def quantile_sums(part: pd.DataFrame, k: int, keys: list[str], order: float, n: np.ndarray,
                   mean: np.ndarray, everyone: bool, before: Before
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Stage 2: the smallest income whose cumulative weight share exceeds ``order``
    (laeken's quantile: the smallest over the partitions), and ``sum w (x - mean)^2``."""
    r = Rows.of(part, k, keys, before, everyone)
    d = r.domain
    above = r.cumulative_weight() / n[d] > order
    first = np.full(r.n_domains, np.inf)
    np.minimum.at(first, d[above], r.x[above])
    return first, r.sums(r.w * (r.x - mean[d]) ** 2)


def kernel_stage(part: pd.DataFrame, k: int, keys: list[str], at: np.ndarray, h: np.ndarray,
                 everyone: bool) -> np.ndarray:
    """Stage 3: the kernel weights at ``at`` summed per domain (or for everyone)."""
    r = Rows.of(part, k, keys, everyone=everyone)
    return r.sums(gaussian_weights(at[r.domain], r.x, r.w, h[r.domain]))


def poor_sums(part: pd.DataFrame, k: int, keys: list[str], t: np.ndarray) -> np.ndarray:
    """Stage 3: the weight below the threshold ``t`` per domain."""
    r = Rows.of(part, k, keys)
    return r.sums(r.w * (r.x < t[r.domain]))


def unit_sums(part: pd.DataFrame, k: int, keys: list[str],
               influence: Callable[[Rows], list[np.ndarray]], before: Before
               ) -> pd.DataFrame:
    """Stage 4: weighted influence values summed per group of the per-unit table."""
    rows = Rows.of(part, k, keys, before)
    values = influence(rows)
    frame = rows.keys.reset_index(drop=True).assign(
        **{f"__z{j}": v for j, v in enumerate(values)})
    out: pd.DataFrame = frame.groupby(keys, dropna=False, observed=True, sort=False).sum()
    return out.reset_index()


def combine(parts: list[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    frame = pd.concat(parts, ignore_index=True)
    out: pd.DataFrame = frame.groupby(keys, dropna=False, observed=True, sort=False).sum()
    return out.reset_index()
