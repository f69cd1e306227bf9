"""Quantiles with Woodruff, score or replicate intervals, as R's ``svyquantile``."""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from micropop._compat import renamed_keywords
from micropop.design._core import Design
from micropop.design.encode import as_columns, require_design
from micropop.errors import (
    DesignError,
    OptionError,
    QuantileIntervalError,
    check_number,
    check_option,
)
from micropop.estimation._analysis import Analysis, domain_degf, means, prepare, t_quantile
from micropop.estimation._quantile_rules import (
    LOCAL_RULES,
    SortedColumn,
    WindowedColumn,
    column_for,
)
from micropop.estimation.proportions import share_interval, warn_nan_intervals
from micropop.estimation.result import Estimate

__all__ = ["QUANTILE_INTERVALS", "QUANTILE_RULES", "survey_quantile"]

# the names the golden tests patch, from before the rules moved to _quantile_rules
_LOCAL_RULES, _WindowedColumn = LOCAL_RULES, WindowedColumn


@renamed_keywords(conf_level="level")
def survey_quantile(design: Design, variables: str | Sequence[str],
                    quantiles: float | Sequence[float], by: str | Sequence[str] | None = None,
                    qrule: str = "math", level: float = 0.95, df: float | None = None,
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
    level : float, default 0.95
        Coverage of the interval (``conf_level=`` is its deprecated old name).
    df : float, optional
        Degrees of freedom for the interval; default the design's, as R
        (``np.inf`` for normal quantiles).
    na_rm : bool, default False
        Leave out rows with a missing value in any of ``variables`` (or
        ``by``), keeping the full design as R's ``na.rm=TRUE``; without it,
        missing values are refused.
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
    probs = probabilities(quantiles)
    check_option("qrule", qrule, QUANTILE_RULES)
    check_interval_type(interval_type, design.is_replicate)
    if df is not None:
        df = check_number("df", df, low=0, low_open=True, allow_inf=True)
    names = as_columns(variables, "variables", distinct=True)
    data = prepare(design, names, by, na_rm, numeric_only=True)
    columns = [column_for(data, j, qrule) for j in range(len(names))]
    k = data.n_domains
    estimate = np.stack([c.quantiles(np.broadcast_to(probs, (k, len(probs))), qrule)
                         for c in columns])  # (variables, domains, probs)
    labels = [(name, probability_label(p)) for name in names for p in probs]
    data = dataclasses.replace(data, labels=labels)
    # R's degf(design), of each domain's subset with by= (or na_rm)
    design_dof = np.array([float(design.degf)]) if data.whole else domain_degf(data)
    dof = np.tile(design_dof if df is None else np.full(k, float(df)), len(labels))
    t = t_quantile(level, dof)
    if interval_type == "quantile":
        bounds = _replicate_interval(data, probs, qrule, estimate, t)
    elif interval_type == "score":
        bounds = _score_interval(data, columns, probs, qrule, t)
    else:
        bounds = _woodruff_interval(data, columns, qrule, estimate, t, interval_type,
                                    level, design_dof)
    if np.isnan(bounds).any():
        warn_nan_intervals(data.index(), bounds, dof, "quantile",
                           "the interval for the share at or below the quantile reaches "
                           "beyond the data (outside [0, 1])")
    se = (bounds[:, 1] - bounds[:, 0]) / (2 * t)
    with np.errstate(over="ignore"):
        beyond = np.isfinite(se) & ~np.isfinite(se**2)
    if beyond.any():  # the variance the Estimate holds would be inf
        data.refuse_overflow(beyond, "variance (an interval of 1e154 or more)")
    vcov = np.full((len(se), len(se)), np.nan)
    np.fill_diagonal(vcov, se**2)
    counts = np.tile(data.domain_counts().astype(np.int64), len(labels))
    return Estimate("quantile", data.index(), _flat(estimate), vcov, design.degf, counts,
                    interval=bounds, interval_level=level,
                    variance=data.variance_method, interval_df=dof)


#: Quantile rules of R's ``svyquantile`` (``qrule=``) available here.
QUANTILE_RULES = ("math", "school", "hf1", "hf2", "hf3", "hf4", "hf5", "hf6", "hf7", "hf8",
                  "hf9", "shahvaish")

#: Interval types of R's ``svyquantile`` (``interval.type=``).
QUANTILE_INTERVALS = ("mean", "beta", "xlogit", "asin", "score", "quantile")


def probabilities(quantiles: object) -> np.ndarray:
    """The probabilities asked for, checked: numbers in [0, 1], one at least (OptionError)."""
    listed: list[Any] = (list(quantiles) if isinstance(quantiles, (Sequence, np.ndarray))
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


def check_interval_type(interval_type: str, replicated: bool) -> None:
    """Refuse an unknown ``interval_type``, or one R does not offer on this kind of design."""
    check_option("interval_type", interval_type, QUANTILE_INTERVALS)
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


def _woodruff_interval(data: Analysis, columns: list[SortedColumn | WindowedColumn],
                       qrule: str, estimate: np.ndarray, t: np.ndarray, interval_type: str,
                       level: float, design_dof: np.ndarray) -> np.ndarray:
    """R's ``woodruffCI``: an interval for ``svymean(x <= q)`` read back by the rule."""
    per_row = (slice(None) if data.n_domains == 1  # estimate (domains, probs) by row
               else np.maximum(data.row_domain, 0))
    at_or_below = np.column_stack([data.y[:, j][:, None] <= estimate[j][per_row]
                                   for j in range(len(columns))]).astype(float)
    shares = data.with_columns(at_or_below, data.labels)
    share, share_vcov = means(shares)
    low, high = _share_interval(interval_type, share, np.diag(share_vcov), t, shares,
                                level, design_dof)
    low = np.where(low < 0, np.nan, low)  # R: NaN below 0 (lower) or above 1 (upper)
    high = np.where(high > 1, np.nan, high)
    return _read_back(columns, (low, high), data.n_domains, qrule)


def _share_interval(interval_type: str, share: np.ndarray, var: np.ndarray, t: np.ndarray,
                    data: Analysis, level: float,
                    design_dof: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R's interval for the share at or below the quantile (``woodruffCI``'s ``method``).

    ``design_dof``: R's ``degf(design)`` by domain, which "beta" uses whatever ``df``.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return share_interval(interval_type, share, var, t, data.expand(data.domain_counts()),
                              data.expand(design_dof), level)


def _read_back(columns: list[SortedColumn | WindowedColumn],
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
            SortedColumn.by_domain(data.y[:, j], weights[:, r], data.row_domain, k, describe)
            .quantiles(np.broadcast_to(probs, (k, n_p)), qrule)
            for j in range(data.y.shape[1])]
        reps[r] = _flat(np.stack(per_variable))
    point = _flat(estimate)
    half = t * np.sqrt(np.diag(data.replicate_vcov(reps, point)))
    return np.column_stack([point - half, point + half])


def _score_interval(data: Analysis, columns: list[SortedColumn | WindowedColumn],
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
            z: np.ndarray = mean[at] / np.sqrt(np.diag(vcov)[at]) - limit[which]
        return z

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
