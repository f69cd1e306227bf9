"""Quantiles with Woodruff, score or replicate intervals, as R's ``svyquantile``."""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from micropop.design._core import Design
from micropop.design.encode import as_columns, require_design
from micropop.errors import (DesignError, EmptyDomainError, OptionError,
                             QuantileIntervalError, check_number, check_option)
from micropop.estimation._sorted import (SortedSegments, domain_sums, last_at_most, r_sum,
                                        segment_cumsum)
from micropop.estimation._analysis import Analysis, domain_degf, means, prepare, t_quantile
from micropop.estimation.proportions import share_interval, warn_nan_intervals
from micropop.estimation.result import Estimate


__all__ = ["QUANTILE_INTERVALS", "QUANTILE_RULES", "survey_quantile"]


def survey_quantile(design: Design, variables: str | Sequence[str],
                    quantiles: float | Sequence[float], by: str | Sequence[str] | None = None,
                    qrule: str = "math", conf_level: float = 0.95, df: float | None = None,
                    na_rm: bool = False, interval_type: str = "mean") -> Estimate:
    """Population quantiles with their intervals, as R's ``svyquantile``.

    Follows R ``survey`` >= 4.1: the quantile is read off the weighted
    distribution function by ``qrule``. Its interval is, by default,
    Woodruff's: a confidence interval for the share of the population at or
    below the estimate, ``svymean(x <= q)``, turned back into values by the
    same rule (R's ``interval.type="mean"``). As R, the interval uses Student
    t with the design degrees of freedom of the domain, and the standard error
    is the interval's width over twice that t quantile.

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
    interval_type : str, default "mean"
        R's ``interval.type``. Woodruff intervals differ in the interval for
        the share ``s`` at or below the estimate: ``"mean"`` (``s +/- t se``),
        ``"xlogit"`` (a t interval for ``log(s / (1 - s))``, transformed
        back), ``"asin"`` (for ``asin(sqrt(s))``, back as ``sin(bound)^2``) or
        ``"beta"`` (Korn and Graubard's, as ``ci="beta"`` of
        :func:`survey_proportion`). ``"score"`` is Francisco and Fuller's test
        inversion (R's ``ffullerCI``: the values where the t statistic of the
        share above them reaches ``+/- t``, found by R's ``uniroot``, then read
        off by the rule at the *unweighted* share of rows at or below them, as
        R does); linearised designs only. ``"quantile"`` takes the variance of
        the quantile recomputed with every replicate weight (R's ``repCI``:
        ``q +/- t se``); replicate-weight designs only.

    Returns
    -------
    Estimate
        Index levels ``variable``, ``level`` (the probability) [, ``domain``];
        its :meth:`Estimate.ci` is the chosen interval. As in R, the
        covariance between quantiles is not estimated: :attr:`Estimate.vcov`
        holds the squared SEs on its diagonal and NaN elsewhere. A Woodruff
        bound beyond the data (share interval outside [0, 1]) is NaN, as in R,
        with a warning. "shahvaish", not monotone in p, can give a reversed
        interval, as R; R then reports a negative SE, here its absolute value.

    Raises
    ------
    OptionError
        An unknown ``qrule`` or ``interval_type``.
    DesignError
        ``interval_type="score"`` on a replicate-weight design, or
        ``"quantile"`` on a linearised one (R's methods do not offer them).
    QuantileIntervalError
        ``"score"`` where R's ``uniroot`` stops: the statistic does not change
        sign over the data.

    Notes
    -----
    R's step rules have a quirk we reproduce, so that numbers match: when the
    smallest value of a domain alone carries a share of the weight above
    ``p``, R ``survey`` 4.1 returns the *second* smallest value (its helper
    ``last()`` falls back to the first position, then the rule steps past
    it); "hf4" then extrapolates. This mostly touches the lower Woodruff
    bound in small domains.

    Over 65,536 rows without ``by=``, the rules that read two order
    statistics ("math", "school", "hf1", "hf2", "hf4") sort the rows only
    near each quantile asked for: the same numbers, several times faster.

    On a replicate-weight design R 4.1's ``svyquantile`` passes no
    ``interval.type`` on to its Woodruff helper, so it returns the "mean"
    interval whatever "beta", "xlogit" or "asin" asks; here they give the
    interval asked for (R's ``woodruffCI(..., method=)`` on the replicate
    variance of the share).

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
    >>> score = SurveyDesign(df, weights="w").quantile("y", 0.5, interval_type="score")
    >>> score.ci().to_numpy().tolist()  # Francisco and Fuller's, as R
    [[14.0, 26.0]]
    """
    require_design(design)
    probs = _probabilities(quantiles)
    check_option("qrule", qrule, QUANTILE_RULES)
    _check_interval_type(design, interval_type)
    if df is not None:
        df = check_number("df", df, low=0, low_open=True, allow_inf=True)
    names = as_columns(variables, "variables", distinct=True)
    data = prepare(design, names, by, na_rm, numeric_only=True)
    columns = [_column(data, j, qrule) for j in range(len(names))]
    k = data.n_domains
    estimate = np.stack([c.quantiles(np.broadcast_to(probs, (k, len(probs))), qrule)
                         for c in columns])  # (variables, domains, probs)
    labels = [(name, probability_label(p)) for name in names for p in probs]
    data = dataclasses.replace(data, labels=labels)
    # R's degf(design), of each domain's subset with by= (or na_rm)
    design_dof = np.array([float(design.degf)]) if data.whole else domain_degf(data)
    dof = np.tile(design_dof if df is None else np.full(k, float(df)), len(labels))
    t = t_quantile(conf_level, dof)
    if interval_type == "quantile":
        bounds = _replicate_interval(data, probs, qrule, estimate, t)
    elif interval_type == "score":
        bounds = _score_interval(data, columns, probs, qrule, t)
    else:
        bounds = _woodruff_interval(data, columns, qrule, estimate, t, interval_type,
                                    conf_level, design_dof)
    if np.isnan(bounds).any():
        warn_nan_intervals(data.index(), bounds, dof, "quantile",
                           "the interval for the share at or below the quantile reaches "
                           "beyond the data (outside [0, 1])")
    se = (bounds[:, 1] - bounds[:, 0]) / (2 * t)
    vcov = np.full((len(se), len(se)), np.nan)
    np.fill_diagonal(vcov, se**2)
    counts = np.tile(data.domain_counts().astype(np.int64), len(labels))
    return Estimate("quantile", data.index(), _flat(estimate), vcov, design.degf, counts,
                    interval=bounds, interval_level=conf_level,
                    variance=data.variance_method)


#: Quantile rules of R's ``svyquantile`` (``qrule=``) available here.
QUANTILE_RULES = ("math", "school", "hf1", "hf2", "hf3", "hf4", "hf5", "hf6", "hf7", "hf8",
                  "hf9", "shahvaish")

#: Interval types of R's ``svyquantile`` (``interval.type=``).
QUANTILE_INTERVALS = ("mean", "beta", "xlogit", "asin", "score", "quantile")


def _probabilities(quantiles: object) -> np.ndarray:
    """The probabilities asked for, checked: numbers in [0, 1], one at least."""
    listed = (list(quantiles) if isinstance(quantiles, (Sequence, np.ndarray))
              and not isinstance(quantiles, str) else [quantiles])
    if not listed:
        raise OptionError("quantiles=[] asks for no quantile",
                          hint="give probabilities between 0 and 1, e.g. [0.25, 0.5, 0.75]")
    if any(np.ndim(q) != 0 for q in listed):
        raise OptionError(f"quantiles={quantiles!r} is not a list of probabilities",
                          hint="give probabilities between 0 and 1, e.g. [0.25, 0.5, 0.75]")
    return np.array([check_number("quantiles", q, low=0, high=1,
                                  hint="give probabilities between 0 and 1, e.g. 0.5")
                     for q in listed], dtype=float)


def _check_interval_type(design: Design, interval_type: str) -> None:
    check_option("interval_type", interval_type, QUANTILE_INTERVALS)
    replicated = design.is_replicate
    if interval_type == "score" and replicated:
        raise DesignError("interval_type='score' inverts a linearised score test; R's "
                          "svyquantile does not offer it on replicate-weight designs",
                          hint="use interval_type='quantile' (replicate quantiles) or a "
                               "Woodruff interval ('mean', 'xlogit', 'asin', 'beta')")
    if interval_type == "quantile" and not replicated:
        raise DesignError("interval_type='quantile' recomputes the quantile with each "
                          "replicate weight, and this design has none",
                          hint="make replicates first (des.replicate('jk1'), 'bootstrap', "
                               "...), or use 'mean', 'xlogit', 'asin', 'beta' or 'score'")


def _flat(per_domain: np.ndarray) -> np.ndarray:
    """(variables, domains, probs) values in the estimates' order (variable, prob, domain)."""
    return per_domain.transpose(0, 2, 1).ravel()


def _woodruff_interval(data: Analysis, columns: list[_SortedColumn | _WindowedColumn],
                       qrule: str, estimate: np.ndarray, t: np.ndarray, interval_type: str,
                       conf_level: float, design_dof: np.ndarray) -> np.ndarray:
    """R's ``woodruffCI``: an interval for ``svymean(x <= q)`` read back by the rule."""
    per_row = (slice(None) if data.n_domains == 1  # estimate (domains, probs) by row
               else np.maximum(data.row_domain, 0))
    at_or_below = np.column_stack([data.y[:, j][:, None] <= estimate[j][per_row]
                                   for j in range(len(columns))]).astype(float)
    shares = data.with_columns(at_or_below, data.labels)
    share, share_vcov = means(shares)
    low, high = _share_interval(interval_type, share, np.diag(share_vcov), t, shares,
                                conf_level, design_dof)
    low = np.where(low < 0, np.nan, low)  # R: NaN below 0 (lower) or above 1 (upper)
    high = np.where(high > 1, np.nan, high)
    return _read_back(columns, (low, high), data.n_domains, qrule)


def _share_interval(interval_type: str, share: np.ndarray, var: np.ndarray, t: np.ndarray,
                    data: Analysis, conf_level: float,
                    design_dof: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R's interval for the share at or below the quantile (``woodruffCI``'s ``method``).

    ``design_dof``: R's ``degf(design)`` by domain, which "beta" uses whatever ``df``.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return share_interval(interval_type, share, var, t, data.expand(data.domain_counts()),
                              data.expand(design_dof), conf_level)


def _read_back(columns: list[_SortedColumn | _WindowedColumn],
               shares: tuple[np.ndarray, np.ndarray], n_domains: int, qrule: str) -> np.ndarray:
    """Bounds (rows, 2) read off by the rule at (variable, prob, domain)-ordered shares.

    A NaN share (a bound R leaves out) stays NaN.
    """
    bounds = np.empty((len(shares[0]), 2))
    width = len(shares[0]) // len(columns)
    for j, column in enumerate(columns):
        block = slice(j * width, (j + 1) * width)
        for side, p in enumerate(shares):
            shaped = p[block].reshape(-1, n_domains).T  # rows (domains) by probabilities
            values = column.quantiles(np.nan_to_num(shaped, nan=0.5), qrule)
            bounds[block, side] = np.where(np.isnan(shaped), np.nan, values).T.ravel()
    return bounds


def _replicate_interval(data: Analysis, probs: np.ndarray, qrule: str,
                        estimate: np.ndarray, t: np.ndarray) -> np.ndarray:
    """R's ``repCI``: ``q +/- t se``, se from the quantile of every replicate weight."""
    design, k, n_p = data.design, data.n_domains, len(probs)
    weights = np.where(design.rows[:, None], design.weight_matrix(), 0.0)  # (n, R)
    if qrule != "shahvaish" and data.weight_scale() is not None:
        # each replicate over a power of two near its largest weight: sums stay finite
        # (Shah and Vaish's rule reads the weights' scale, as R's: left as it is)
        weights = np.ldexp(weights, -np.frexp(weights.max(axis=0))[1])
    n_rep = weights.shape[1]
    reps = np.empty((n_rep, len(data.labels) * k))
    for r in range(n_rep):  # as R's apply: each replicate's cumulative weights from zero

        def describe(d: int, r: int = r) -> str:
            return f"{data.domain_name(d)} under replicate weight {r + 1}"

        per_variable = [
            _SortedColumn.sort(data.y[:, j], weights[:, r], data.row_domain, k, describe)
            .quantiles(np.broadcast_to(probs, (k, n_p)), qrule)
            for j in range(data.y.shape[1])]
        reps[r] = _flat(np.stack(per_variable))
    point = _flat(estimate)
    half = t * np.sqrt(np.diag(data.replicate_vcov(reps, point)))
    return np.column_stack([point - half, point + half])


def _score_interval(data: Analysis, columns: list[_SortedColumn | _WindowedColumn],
                    probs: np.ndarray, qrule: str, t: np.ndarray) -> np.ndarray:
    """R's ``ffullerCI``: invert the t statistic of the share above a value.

    For each quantile and side, R's ``uniroot`` (over the data less a
    hundredth of the IQR at each end, tolerance ``1 / (100 sqrt(n))``) finds
    where ``svymean(x > theta) - (1 - p)`` over its SE reaches ``t`` (lower)
    or ``-t`` (upper); the bound is the rule's value at the unweighted share
    of the domain's rows at or below that root. All the root searches run
    together, one design variance per step.
    """
    k, n_p, n_v = data.n_domains, len(probs), len(columns)
    variable = np.tile(np.repeat(np.arange(n_v), n_p * k), 2)
    domain = np.tile(np.arange(k), 2 * n_v * n_p)
    prob = np.tile(np.repeat(probs, k), 2 * n_v)
    limit = np.concatenate([t, -t])
    member = data.row_domain[:, None] == np.arange(k)  # (n, K): rows of each domain
    rows = member.sum(axis=0)
    ends = np.array([[_r_iqr_ends(data.y[member[:, d], j]) for d in range(k)]
                     for j in range(n_v)])  # (V, K, 2)
    lower, upper = ends[variable, domain, 0], ends[variable, domain, 1]

    def score(theta: np.ndarray, which: np.ndarray) -> np.ndarray:
        u = (data.y[:, variable[which]] > theta) - (1 - prob[which])
        mean, vcov = means(data.with_columns(u, [("score", "")] * len(which)))
        at = np.arange(len(which)) * k + domain[which]
        with np.errstate(divide="ignore", invalid="ignore"):
            return mean[at] / np.sqrt(np.diag(vcov)[at]) - limit[which]

    everything = np.arange(len(limit))
    f_lower, f_upper = score(lower, everything), score(upper, everything)
    stuck = np.isnan(f_lower) | np.isnan(f_upper) | (np.sign(f_lower) * np.sign(f_upper) > 0)
    if stuck.any():
        i = int(np.flatnonzero(stuck)[0])
        raise QuantileIntervalError(
            f"the score interval of {data.labels[variable[i] * n_p][0]!r} at p={prob[i]:g} in "
            f"{data.domain_name(domain[i])} has no root: the test statistic does not change "
            "sign over the data (R's uniroot stops here)",
            hint="use interval_type='mean', 'xlogit', 'asin' or 'beta'")
    root = _zeroin(score, lower, upper, f_lower, f_upper, 1 / (100 * np.sqrt(rows[domain])))
    below = ((data.y[:, variable] <= root) & member[:, domain]).sum(axis=0) / rows[domain]
    half = len(t)
    return _read_back(columns, (below[:half], below[half:]), k, qrule)


def _r_iqr_ends(x: np.ndarray) -> tuple[float, float]:
    """R's ``ffullerCI`` search interval: ``min(x) + IQR(x)/100``, ``max(x) - IQR(x)/100``."""
    x = np.sort(x)
    index = (len(x) - 1) * np.array([0.25, 0.75])  # R's quantile type 7, 0-based
    lo, hi = np.floor(index).astype(int), np.ceil(index).astype(int)
    h = index - lo
    q = np.where(h > 0, (1 - h) * x[lo] + h * x[hi], x[lo])
    iqr = q[1] - q[0]
    return x[0] + iqr / 100, x[-1] - iqr / 100


def _zeroin(f: Callable[[np.ndarray, np.ndarray], np.ndarray], a: np.ndarray,
            b: np.ndarray, fa: np.ndarray, fb: np.ndarray, tol: np.ndarray,
            maxiter: int = 1000) -> np.ndarray:
    """R's ``uniroot`` (its C ``R_zeroin2``, Brent's method) on many problems at once.

    ``f(theta, which)`` evaluates problems ``which`` at ``theta``; each
    problem takes exactly R's steps, so the roots are R's to the last bit.
    """
    eps = np.finfo(float).eps
    c, fc = a.copy(), fa.copy()
    root = np.where(fa == 0, a, np.where(fb == 0, b, np.nan))
    live = np.isnan(root)
    for _ in range(maxiter + 1):
        if not live.any():  # every problem solved at an end point
            break
        swap = live & (np.abs(fc) < np.abs(fb))  # b is the best approximation
        a, b, c = np.where(swap, b, a), np.where(swap, c, b), np.where(swap, b, c)
        fa, fb, fc = np.where(swap, fb, fa), np.where(swap, fc, fb), np.where(swap, fb, fc)
        prev_step = b - a
        tol_act = 2 * eps * np.abs(b) + tol / 2
        new_step = (c - b) / 2
        found = live & ((np.abs(new_step) <= tol_act) | (fb == 0))
        root[found] = b[found]
        live &= ~found
        if not live.any():
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            cb = c - b
            linear = a == c  # two points: secant; three: inverse quadratic
            q0, t1, t2 = fa / fc, np.where(linear, fb / fa, fb / fc), fb / fa
            p = np.where(linear, cb * t1, t2 * (cb * q0 * (q0 - t1) - (b - a) * (t1 - 1.0)))
            q = np.where(linear, 1.0 - t1, (q0 - 1.0) * (t1 - 1.0) * (t2 - 1.0))
            q, p = np.where(p > 0, -q, q), np.abs(p)
            accept = ((np.abs(prev_step) >= tol_act) & (np.abs(fa) > np.abs(fb))
                      & (p < (0.75 * cb * q - np.abs(tol_act * q) / 2))
                      & (p < np.abs(prev_step * q / 2)))
            new_step = np.where(accept, p / q, new_step)
        new_step = np.where(np.abs(new_step) < tol_act,
                            np.where(new_step > 0, tol_act, -tol_act), new_step)
        which = np.flatnonzero(live)
        a, fa = np.where(live, b, a), np.where(live, fb, fa)
        b = np.where(live, b + new_step, b)
        values = f(b[which], which)
        if np.isnan(values).any():
            raise QuantileIntervalError("the score statistic of a quantile interval is NaN "
                                        "(a domain without variance); R's uniroot stops here",
                                        hint="use interval_type='mean' or 'beta'")
        fb[which] = np.clip(values, -np.finfo(float).max, np.finfo(float).max)
        flip = live & (((fb > 0) & (fc > 0)) | ((fb < 0) & (fc < 0)))
        c, fc = np.where(flip, a, c), np.where(flip, fa, fc)
    if live.any():
        warnings.warn(f"R's uniroot did not converge in {maxiter} iterations for a score "
                      "interval; its last step is used, as R does", UserWarning, stacklevel=4)
        root[live] = b[live]
    return root


def probability_label(p: float) -> str:
    """A probability as an estimate's label: ``"0.25"``, ``"0.5"``, ``"0"``, ``"1"``."""
    return repr(float(p)).rstrip("0").rstrip(".") if p not in (0, 1) else str(int(p))


@dataclass(frozen=True, eq=False)
class _SortedColumn(SortedSegments):
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
    def build(cls, data: Analysis, column: int, qrule: str) -> _SortedColumn:
        return cls.sort(data.y[:, column], _scaled_weights(data, qrule), data.row_domain,
                        data.n_domains, data.domain_name)

    @classmethod
    def sort(cls, values: np.ndarray, weights: np.ndarray, row_domain: np.ndarray,
             n_domains: int, describe: Callable[[int], str], offset: float = 0.0,
             total: float | None = None) -> _SortedColumn:
        """Sort ``values`` by segment (``row_domain``, -1: left out) and value.

        Rows without weight are left out. ``offset`` (the weight of rows
        before these, in one segment) and ``total`` (the segment's whole
        weight) make the rows a window of a larger sorted column.
        """
        rows = np.flatnonzero((row_domain >= 0) & (weights > 0))
        segments = SortedSegments.sort(values, weights, rows).split(row_domain, n_domains)
        counts = segments.ends - segments.starts
        if np.any(counts == 0):
            empty = [describe(k) for k in np.flatnonzero(counts == 0)]
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
                return np.where(w_low == 0, low, up)
            if qrule == "hf3":
                return self._nearest_even(probs)
            if qrule in ("school", "hf2"):
                return np.where(w_low == 0, low / 2 + up / 2, up)  # no overflow at 1e308
            gamma = w_low / (w_up + w_low)
            return low * (1 - gamma) + up * gamma
        if qrule == "shahvaish":
            return self._shah_vaish(probs)
        return _interpolate(self._plotting_positions(qrule), x, probs, self.segment,
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
        return np.where((probs - cumw[pos] / total == 0) & even, value[pos], value[nxt])

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


def _scaled_weights(data: Analysis, qrule: str) -> np.ndarray:
    """The weights over a power of two per domain, so that their sums stay finite
    (the quantiles are the same: powers of two scale exactly). Shah and Vaish's
    rule reads the weights' scale, as R's: its weights are left as they are."""
    scale = None if qrule == "shahvaish" else data.domain_scale()
    return data.weights if scale is None else np.ldexp(data.weights, -scale)


#: Rules that read only the two order statistics around ``p`` (a window will do).
_LOCAL_RULES = ("math", "school", "hf1", "hf2", "hf4")


def _column(data: Analysis, column: int, qrule: str) -> _SortedColumn | _WindowedColumn:
    """The column as the rule needs it: a window near each quantile when one suffices."""
    if data.n_domains == 1 and qrule in _LOCAL_RULES:
        keep = (data.row_domain >= 0) & (data.weights > 0)
        if np.count_nonzero(keep) > _WindowedColumn.MIN_ROWS:
            return _WindowedColumn.build(data.y[:, column], _scaled_weights(data, qrule), keep)
    return _SortedColumn.build(data, column, qrule)


@dataclass(frozen=True, eq=False)
class _WindowedColumn:
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
    windows: list[tuple[_SortedColumn, bool, bool]] = field(default_factory=list)

    @classmethod
    def build(cls, x: np.ndarray, w: np.ndarray, keep: np.ndarray) -> _WindowedColumn:
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
        """As :meth:`_SortedColumn.quantiles`, for probabilities (1, P)."""
        return np.array([[self._window(p).quantiles(np.array([[p]]), qrule)[0, 0]
                          for p in probs[0]]])

    def _window(self, p: float) -> _SortedColumn:
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
                window = _SortedColumn.sort(self.x[rows], self.w[rows],
                                            np.zeros(len(rows), dtype=np.intp), 1, str,
                                            offset=offset, total=self.total)
                self.windows.append((window, offset == 0, hi == np.inf))
            margin *= 4

    def _sample_value(self, q: float, beyond: float) -> float:
        """The sample's value at share ``q`` (``beyond`` outside (0, 1))."""
        if not 0 < q < 1:
            return beyond
        return self.sample[min(np.searchsorted(self.sample_share, q), len(self.sample) - 1)]


def _interpolate(pk: np.ndarray, x: np.ndarray, probs: np.ndarray, segment: np.ndarray,
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
    return np.where(i >= ends - 1, x[ends - 1], out)
