"""Quantiles with Woodruff intervals, as R's ``svyquantile``."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from micropop.design import as_columns
from micropop.errors import EmptyDomainError
from micropop.estimation._analysis import Analysis, domain_degf, means, prepare, t_quantile
from micropop.estimation.result import Estimate

if TYPE_CHECKING:
    from micropop.design import SurveyDesign

__all__ = ["QUANTILE_RULES", "survey_quantile"]

def survey_quantile(design: SurveyDesign, variables: str | Sequence[str],
                    quantiles: float | Sequence[float], by: str | Sequence[str] | None = None,
                    qrule: str = "math", conf_level: float = 0.95, df: float | None = None,
                    na_rm: bool = False) -> Estimate:
    """Population quantiles with Woodruff intervals, as R's ``svyquantile``.

    Follows R ``survey`` >= 4.1: the quantile is read off the weighted
    distribution function by ``qrule``; its interval is Woodruff's: a
    confidence interval for the share of the population at or below the
    estimate, ``svymean(x <= q)``, turned back into values by the same rule
    (R's ``interval.type="mean"``). As R, the interval uses Student t with the
    design degrees of freedom of the domain, and the standard error is the
    interval's width over twice that t quantile.

    Parameters
    ----------
    design : SurveyDesign
    variables : str or list of str
        Numeric columns.
    quantiles : float or sequence of float
        Probabilities in [0, 1].
    by : str or list of str, optional
        Domain columns (R's ``svyby(..., svyquantile)``); each domain's interval
        uses the degrees of freedom of its rows, as R's subsets do.
    qrule : str, default "math"
        R's rule: ``"math"`` (the smallest value whose weighted distribution
        function reaches p; same as ``"hf1"``), ``"school"`` (average of the
        two values at an exact tie; same as ``"hf2"``), ``"hf3"`` (at an exact
        tie, the value of even rank among the distinct values, else the next),
        the interpolating ``"hf4"`` .. ``"hf9"`` (Hyndman and Fan's types, for
        weights), or ``"shahvaish"`` (Shah and Vaish's step function, as R's
        ``qrule_shahvaish``).
    conf_level : float, default 0.95
        Coverage of the interval.
    df : float, optional
        Degrees of freedom for the interval; default the design's, as R
        (``np.inf`` for normal quantiles).
    na_rm : bool, default False
        As for :func:`survey_total`.

    Returns
    -------
    Estimate
        Index levels ``variable``, ``level`` (the probability) [, ``domain``];
        its :meth:`Estimate.ci` is the Woodruff interval. As in R, the
        covariance between quantiles is not estimated: :attr:`Estimate.vcov`
        holds the squared SEs on its diagonal and NaN elsewhere. A bound
        beyond the data (share interval outside [0, 1]) is NaN, as in R,
        with a warning.

    Notes
    -----
    R's step rules have a quirk we reproduce, so that numbers match: when the
    smallest value of a domain alone carries a share of the weight above
    ``p``, R ``survey`` 4.1 returns the *second* smallest value (its helper
    ``last()`` falls back to the first position, then the rule steps past
    it); "hf4" then extrapolates. This mostly touches the lower Woodruff
    bound in small domains.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"y": [float(v) for v in range(1, 41)], "w": 1.0})
    >>> est = SurveyDesign(df, weights="w").quantile("y", [0.25, 0.5])
    >>> est.estimate.tolist()
    [10.0, 20.0]
    >>> est.index.tolist()
    [('y', '0.25'), ('y', '0.5')]
    >>> est.ci().to_numpy().tolist()  # Woodruff intervals
    [[5.0, 16.0], [14.0, 27.0]]
    """
    probs = np.atleast_1d(np.asarray(quantiles, dtype=float))
    if probs.ndim != 1 or not np.all((probs >= 0) & (probs <= 1)):
        raise ValueError(f"quantiles must be probabilities between 0 and 1, not {quantiles}")
    if qrule not in QUANTILE_RULES:
        raise ValueError(f"qrule={qrule!r} is not a rule; use one of "
                         + ", ".join(map(repr, QUANTILE_RULES)))
    names = as_columns(variables)
    data = prepare(design, names, by, na_rm, numeric_only=True)
    k, n_p = data.n_domains, len(probs)
    columns = [_SortedColumn.build(data, j) for j in range(len(names))]

    estimate = np.stack([c.quantiles(np.broadcast_to(probs, (k, n_p)), qrule)
                         for c in columns])  # (variables, domains, probs)
    at_or_below = np.column_stack([
        data.y[:, j][:, None] <= estimate[j][np.maximum(data.row_domain, 0)]
        for j in range(len(names))]).astype(float)
    labels = [(name, _prob_label(p)) for name in names for p in probs]
    shares = data.with_columns(at_or_below, labels)
    share, share_vcov = means(shares)  # layout: (variable, prob) major, domain minor

    dof = np.tile(domain_degf(data) if df is None else np.full(k, float(df)), len(labels))
    t = t_quantile(conf_level, dof)
    half = t * np.sqrt(np.diag(share_vcov))
    bounds = np.empty((len(labels) * k, 2))
    for j, column in enumerate(columns):
        block = slice(j * n_p * k, (j + 1) * n_p * k)
        for side, p in enumerate((share - half, share + half)):
            shaped = p[block].reshape(n_p, k).T  # rows (domains) by probabilities
            inside = (shaped >= 0) & (shaped <= 1)
            values = column.quantiles(np.clip(shaped, 0, 1), qrule)
            bounds[block, side] = np.where(inside, values, np.nan).T.ravel()
    if np.isnan(bounds).any():
        warnings.warn("some quantile intervals reach beyond the data (the interval for the "
                      "share at or below the quantile leaves [0, 1]); those bounds are NaN, "
                      "as in R", UserWarning, stacklevel=3)
    se = (bounds[:, 1] - bounds[:, 0]) / (2 * t)
    vcov = np.full((len(se), len(se)), np.nan)
    np.fill_diagonal(vcov, se**2)
    point = np.concatenate([estimate[j].T.ravel() for j in range(len(names))])
    counts = np.tile(data.domain_counts().astype(np.int64), len(labels))
    return Estimate("quantile", shares.index(), point, vcov, design.degf, counts,
                    interval=bounds, interval_level=conf_level,
                    variance=data.variance_method)


#: Quantile rules of R's ``svyquantile`` (``qrule=``) available here.
QUANTILE_RULES = ("math", "school", "hf1", "hf2", "hf3", "hf4", "hf5", "hf6", "hf7", "hf8",
                  "hf9", "shahvaish")


def _prob_label(p: float) -> str:
    return repr(float(p)).rstrip("0").rstrip(".") if p not in (0, 1) else str(int(p))


@dataclass(frozen=True, eq=False)
class _SortedColumn:
    """One column's rows with positive weight, sorted by domain then by value.

    R's quantile rules read the weighted distribution function of each
    domain; here all domains are handled at once on sorted segments
    ``starts[k]:ends[k]``.
    """

    x: np.ndarray
    w: np.ndarray
    segment: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    cumw: np.ndarray
    running: np.ndarray
    before: np.ndarray

    @classmethod
    def build(cls, data: Analysis, column: int) -> _SortedColumn:
        rows = np.flatnonzero((data.row_domain >= 0) & (data.weights > 0))
        domain = data.row_domain[rows]
        counts = np.bincount(domain, minlength=data.n_domains)
        if np.any(counts == 0):
            empty = [data.domain_name(k) for k in np.flatnonzero(counts == 0)]
            raise EmptyDomainError(f"domain {', '.join(empty)} has no row with positive weight",
                                   hint="a quantile needs observed values in the domain")
        ends = np.cumsum(counts)
        starts = ends - counts
        x = data.y[rows, column]
        order = np.argsort(x)
        if np.any(x[order[1:]] == x[order[:-1]]):  # ties keep the row order, as R's order()
            order = np.argsort(x, kind="stable")
        if data.n_domains > 1:  # a stable sort of small integers is a radix sort
            small = np.int16 if data.n_domains < 2**15 else np.intp
            order = order[np.argsort(domain[order].astype(small), kind="stable")]
        w = data.weights[rows][order]
        segment = domain[order]
        # R accumulates in long double; segment sums from one running sum agree
        running = np.cumsum(w, dtype=np.longdouble)
        before = np.where(starts > 0, running[np.maximum(starts - 1, 0)], 0)
        cumw = (running - before[segment]).astype(float)
        return cls(x[order], w, segment, starts, ends, cumw, running, before)

    def quantiles(self, probs: np.ndarray, qrule: str) -> np.ndarray:
        """Quantiles by R's ``qrule`` for probabilities (K, P), shape (K, P)."""
        x, cumw = self.x, self.cumw
        starts, ends = self.starts[:, None], self.ends[:, None]
        total = cumw[self.ends - 1][:, None]
        if qrule in ("math", "school", "hf1", "hf2", "hf3", "hf4"):
            threshold = probs * total
            pos = _last_at_most(cumw, threshold, self.running,
                                self.before[:, None] + threshold, starts, ends)
            pos = np.maximum(pos, starts)  # R's last(): the first position when none qualifies
            nxt = np.minimum(pos + 1, ends - 1)
            low, up = x[pos], x[nxt]
            w_low = probs - cumw[pos] / total
            w_up = cumw[nxt] / total - probs
            if qrule in ("math", "hf1"):
                return np.where(w_low == 0, low, up)
            if qrule == "hf3":
                return self._nearest_even(probs, pos, total)
            if qrule in ("school", "hf2"):
                return np.where(w_low == 0, (low + up) / 2, up)
            gamma = w_low / (w_up + w_low)
            return low * (1 - gamma) + up * gamma
        if qrule == "shahvaish":
            return self._shah_vaish(probs)
        return _interpolate(self._plotting_positions(qrule), x, probs, self.segment,
                            starts, ends)

    def _nearest_even(self, probs: np.ndarray, pos: np.ndarray,
                      total: np.ndarray) -> np.ndarray:
        """R's "hf3" on the distinct values (R sums the weights of ties first).

        The last distinct value whose cumulative weight reaches no further
        than ``p`` (R's ``last()`` falls back to the first); at an exact tie
        with an even rank among distinct values, that value, else the next.
        """
        x, segment = self.x, self.segment
        new = np.ones(len(x), dtype=bool)
        new[1:] = (x[1:] != x[:-1]) | (segment[1:] != segment[:-1])
        group = np.cumsum(new) - 1
        group_first = np.flatnonzero(new)
        group_last = np.append(group_first[1:] - 1, len(x) - 1)
        starts, ends = self.starts[:, None], self.ends[:, None]
        at_end = group_last[group[pos]] == pos
        agg = np.where(at_end, pos, group_first[group[pos]] - 1)
        agg = np.where(agg < starts, group_last[group[starts]], agg)
        rank = group[agg] - group[starts] + 1
        nxt = np.minimum(agg + 1, ends - 1)
        w_low = probs - self.cumw[agg] / total
        return np.where((w_low == 0) & (rank % 2 == 0), x[agg], x[nxt])

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
        i = _last_at_most(pk, probs, key, target, starts, ends)
        return x[np.maximum(i, starts)]  # R's approx(rule=2): the first value below pk_1

    def _plotting_positions(self, qrule: str) -> np.ndarray:
        """R's ``pk`` of the interpolating rules hf5 .. hf9, per sorted row."""
        cumw, w, segment = self.cumw, self.w, self.segment
        first = np.zeros(len(cumw), dtype=bool)
        first[self.starts] = True
        previous = np.where(first, 0.0, np.concatenate([[0.0], cumw[:-1]]))
        last_w = w[self.ends - 1][segment]
        total = cumw[self.ends - 1][segment]
        if qrule == "hf5":
            return (cumw - w / 2) / total
        if qrule == "hf6":
            return cumw / (total + last_w)
        if qrule == "hf7":
            return previous / cumw[np.maximum(self.ends - 2, self.starts)][segment]
        if qrule == "hf8":
            return (previous * 1 / 3 + cumw * 2 / 3) / (total + last_w / 3)
        return (previous * 3 / 8 + cumw * 5 / 8) / (total + last_w / 4)  # hf9


def _last_at_most(values: np.ndarray, threshold: np.ndarray, key: np.ndarray,
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


def _interpolate(pk: np.ndarray, x: np.ndarray, probs: np.ndarray, segment: np.ndarray,
                 starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """R's ``approx(pk, x, p, rule=2)`` within each segment."""
    key = 2.0 * segment + pk  # pk is within [0, 1]: segments stay in order
    k = np.arange(len(starts))[:, None]
    i = _last_at_most(pk, probs, key, 2.0 * k + probs, starts, ends)
    i_safe = np.clip(i, starts, ends - 1)
    j = np.minimum(i_safe + 1, ends - 1)
    inner = x[i_safe] + (x[j] - x[i_safe]) * ((probs - pk[i_safe]) / (pk[j] - pk[i_safe]))
    out = np.where(probs == pk[i_safe], x[i_safe], inner)
    out = np.where(i < starts, x[starts], out)
    return np.where(i >= ends - 1, x[ends - 1], out)
