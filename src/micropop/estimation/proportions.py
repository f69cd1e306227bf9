"""Proportions with intervals inside [0, 1], as R's ``svyciprop``."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from micropop._compat import level_was_category, renamed_keywords
from micropop.design._core import Design
from micropop.design.encode import require_design
from micropop.errors import (
    DegenerateReplicateError,
    DesignError,
    InvalidLevelError,
    MicropopWarning,
    NotNumericVariableError,
    OptionError,
    check_number,
    check_option,
)
from micropop.estimation._analysis import (
    Analysis,
    domain_degf,
    means,
    prepare,
    scaled_means,
    t_quantile,
)
from micropop.estimation.result import Estimate

__all__ = ["PROPORTION_METHODS", "survey_proportion"]

#: Interval methods of :func:`survey_proportion` (R's ``svyciprop``).
PROPORTION_METHODS = ("logit", "likelihood", "xlogit", "mean", "asin", "beta", "wilson")


@level_was_category
@renamed_keywords(conf_level="level")
def survey_proportion(design: Design, variable: str, category: Any = None,
                      ci: str = "logit", by: str | Sequence[str] | None = None,
                      level: float = 0.95, df: float | None = None,
                      na_rm: bool = False) -> Estimate:
    """A population proportion with an interval inside [0, 1], as R's ``svyciprop``.

    The proportion and its standard error are those of :func:`survey_mean`
    of the indicator ``variable == category``; the interval follows R's method:

    - ``"logit"`` / ``"xlogit"``: a t interval for ``log(p / (1 - p))``,
      transformed back; its SE by the delta method (R fits a logistic
      ``svyglm`` for "logit", which agrees to about 1e-11), except "logit"
      on a replicate design, where R's SE is that of the replicate logits
      (refused when a replicate's share is 0 or 1 while the estimate's is
      not: R's glm does not converge there);
    - ``"mean"``: ``p +/- t se``, which may leave [0, 1];
    - ``"asin"``: a t interval for ``asin(sqrt(p))``, transformed back as R
      does (``sin(bound)^2``);
    - ``"beta"``: Korn and Graubard's Clopper-Pearson interval with the
      effective sample size ``p (1 - p) / var``, adjusted by
      ``(t_{n-1} / t_df)^2`` as R;
    - ``"likelihood"``: R's profile-likelihood interval (Rao-Scott scaled
      chi-square, R's ``confint.svyglm(method="likelihood")``): the
      quasi-binomial deviance of the intercept (weights scaled to mean 1,
      fitted by R's IRLS), divided by the weighted variance of the residuals
      ``(y - p) / sqrt(p (1 - p))``, is profiled on R's grid (steps of a
      fifth of the profile's limit times the design SE of the logit, up to
      nine each way), interpolated by R's cubic spline ("fmm") and cut at
      ``t_df * sqrt(lambda)``, ``lambda`` the design effect of the logit
      against the weighted binomial model. Linearised designs only (R
      returns NA on replicate designs);
    - ``"wilson"`` (not in R): Wilson's score interval with the design
      effective sample size ``n_eff = p (1 - p) / var`` (Kish's ``n /
      deff``) in place of n and ``t_df`` in place of z, the variant Dean and
      Pagano (2015) evaluate for cluster samples [1]_.

    The t quantile uses the design degrees of freedom (R's default
    ``df = degf(design)``; with ``by=``, each domain's, as svyby's subsets):
    the ``df`` column of ``to_frame()`` shows the one each interval used.

    Parameters
    ----------
    design : SurveyDesign
    variable : str
        The column.
    category : optional
        The value counted as a success (a category, or True). Without it, the
        column must hold 0/1 (or booleans). A category matches the values
        equal to it; failing that, a category given as text matches numbers
        (and True/False) of the same value, and a number matches text that
        reads as that number: ``1``, ``1.0`` and ``"1"`` all count the 1s of a
        0/1 column, ``"true"`` the True of a boolean one (so a category typed
        on a command line works). A category that matches no row of the
        design is refused, naming the levels present, rather than estimated
        as 0.
    ci : {"logit", "likelihood", "xlogit", "mean", "asin", "beta", "wilson"}
        Interval method.
    by : str or list of str, optional
        Domain columns.
    level : float, default 0.95
        Coverage of the interval when ``category=`` is given (``category=None``
        for a 0/1 column); without ``category=``, ``level=`` still names the
        category, with a ``DeprecationWarning`` (see the note below).
        ``conf_level=``, the old name of the coverage, works with a warning.
    df : float, optional
        Degrees of freedom for the t quantile (``np.inf``: normal).
    na_rm : bool, default False
        Leave out rows with a missing ``variable`` (then, with ``by=``, the
        domain degrees of freedom count the observed rows; R counts all rows
        of the domain).

    Returns
    -------
    Estimate
        Statistic ``"proportion"``, index ``variable``, ``level`` [, ``domain``];
        :meth:`Estimate.ci` gives the method's interval.

    Raises
    ------
    DesignError
        ``ci="likelihood"`` on a replicate-weight design.
    NotNumericVariableError
        No ``category`` and a column that is not 0/1.
    InvalidLevelError
        A ``category`` that no row of the design holds.
    DegenerateReplicateError
        ``ci="logit"`` on replicate weights when a replicate's share is 0 or
        1 (its logit infinite) while the estimate's is not, naming the
        estimates and replicates; ``ci="xlogit"`` or ``"beta"`` hold.

    Warns
    -----
    DeprecationWarning
        ``level=`` without ``category=`` (it names the category for now), or
        ``conf_level=``.
    MicropopWarning
        Intervals that are NaN, naming the estimates: a proportion of 0 or 1
        with no variance, or a domain with 0 degrees of freedom (a single
        PSU), where R's interval is NaN too.

    Notes
    -----
    .. versionchanged:: 0.2.0
       The category is ``category=`` (still the second argument) and the
       coverage ``level=``, the package's one coverage keyword. During the
       transition ``level=`` keeps naming the category unless ``category=``
       is given, with a ``DeprecationWarning`` ("level= names the category
       here for now: write category=...; in a later release level= will be
       the coverage"); ``conf_level=`` is the coverage's deprecated name.

    References
    ----------
    .. [1] Dean, N. and Pagano, M. (2015). Evaluating confidence interval
       methods for binomial proportions in clustered surveys. *Journal of
       Survey Statistics and Methodology* 3(4), 484-503. Kish, L. (1965).
       *Survey Sampling*, Wiley (effective sample size ``n / deff``).

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"answer": ["yes"] * 30 + ["no"] * 10, "w": 1.0})
    >>> des = SurveyDesign(df, weights="w")
    >>> des.proportion("answer", "yes", ci="wilson").ci().round(3).to_numpy().tolist()
    [[0.591, 0.862]]
    >>> est = SurveyDesign(df, weights="w").proportion("answer", category="yes")
    >>> float(est.estimate[0])
    0.75
    >>> est.ci().round(3).to_numpy().tolist()
    [[0.587, 0.864]]
    """
    require_design(design)
    check_option("ci", ci, PROPORTION_METHODS)
    if not isinstance(variable, str):
        raise OptionError(f"variable={variable!r} is not a column name",
                          hint="name one column, e.g. variable='smoker'")
    if df is not None:
        df = check_number("df", df, low=0, low_open=True, allow_inf=True)
    if ci == "likelihood" and design.is_replicate:
        raise DesignError("ci='likelihood' profiles the linearised model; R returns NA for "
                          "it on replicate-weight designs",
                          hint="use ci='logit', 'xlogit' or 'beta' on a ReplicateDesign")
    data = prepare(design, [variable], None if by is None else by, na_rm)
    success, label = _success(design.frame[variable], variable, category, data)
    data = data.with_columns(success[:, None], [(variable, label)])
    p, vcov, units = scaled_means(data)
    vcov = means(data)[1] if units is not None else vcov  # a share's variance fits a double
    var = np.diag(vcov)
    design_dof = np.array([float(design.degf)]) if by is None else domain_degf(data)
    dof = design_dof if df is None else np.full(data.n_domains, float(df))
    t = t_quantile(level, dof)
    with np.errstate(divide="ignore", invalid="ignore"):
        if ci == "logit" and data.replicated:
            # R refits the logistic model with each replicate weight
            reps = _logit(data.replicate_estimates(data.y, np.ones_like(data.y)))
            _refuse_degenerate_replicates(reps, _logit(p), data.index())
            logit_var = np.diag(data.replicate_vcov(reps, _logit(p)))
        else:
            logit_var = var / (p * (1 - p)) ** 2
        if ci == "logit":
            centre, half = _logit(p), t * np.sqrt(logit_var)
            low, high = _expit(centre - half), _expit(centre + half)
        elif ci == "likelihood":
            low, high = _likelihood_interval(data, p, logit_var, dof, level)
        else:
            rows = (np.array([design.row_count]) if by is None
                    else data.domain_counts().astype(float))
            low, high = share_interval(ci, p, var, t, rows, design_dof, level)
    counts = data.domain_counts().astype(np.int64)
    warn_nan_intervals(data.index(), np.column_stack([low, high]), dof, "proportion",
                       "a share of 0 or 1 has no variance, so no interval")
    return Estimate("proportion", data.index(), p, vcov, design.degf, counts,
                    interval=np.column_stack([low, high]), interval_level=level,
                    variance=data.variance_method,
                    interval_df=np.broadcast_to(dof, p.shape))


def _refuse_degenerate_replicates(reps: np.ndarray, logit: np.ndarray, index: pd.Index) -> None:
    """Refuse ``ci="logit"`` where a replicate's share is 0 or 1 but the estimate's is not.

    R refits the logistic model with each replicate weight; a replicate
    share of 0 or 1 has an infinite logit, which R's glm approaches without
    converging (it warns and returns an arbitrary large coefficient), so no
    number is R's to reproduce. ``reps`` (R, K) are the replicate logits.
    """
    bad = ~np.isfinite(reps) & np.isfinite(logit)[None, :]
    if not bad.any():
        return
    labels = list(index[bad.any(axis=0)])
    replicates = np.flatnonzero(bad.any(axis=1)) + 1
    shown = ", ".join(map(repr, labels[:5])) + (f" and {len(labels) - 5} more"
                                                if len(labels) > 5 else "")
    numbers = ", ".join(map(str, replicates[:5])) + (f" and {len(replicates) - 5} more"
                                                     if len(replicates) > 5 else "")
    raise DegenerateReplicateError(
        f"ci='logit' on replicate weights refits the logit of each replicate, and the "
        f"proportion of {shown} is 0 or 1 in replicate(s) {numbers}: its logit is infinite "
        "(R's glm does not converge there)",
        hint="use ci='xlogit' or ci='beta' (the replicate variance of the proportion)")


def share_interval(method: str, p: np.ndarray, var: np.ndarray, t: np.ndarray,
                   rows: np.ndarray, design_dof: np.ndarray,
                   level: float) -> tuple[np.ndarray, np.ndarray]:
    """svyciprop's closed-form intervals for shares ``p`` with variances ``var``.

    ``method`` is "mean", "xlogit", "asin", "wilson" or "beta"; ``t`` is the
    quantile of the interval. "beta" (Korn and Graubard) adjusts the
    effective sample size with the domain's rows and the design's degrees of
    freedom ``design_dof``, as R does whatever ``df=`` says. Also the shares'
    intervals of R's ``svyquantile(interval.type=...)``.

    Examples
    --------
    >>> low, high = share_interval("mean", np.array([0.5]), np.array([0.01]),
    ...                            np.array([2.0]), np.array([100]), np.array([99]), 0.95)
    >>> float(low[0]), float(high[0])
    (0.3, 0.7)
    """
    if method == "mean":
        half = t * np.sqrt(var)
        return p - half, p + half
    if method == "xlogit":
        centre, half = _logit(p), t * np.sqrt(var) / (p * (1 - p))
        return _expit(centre - half), _expit(centre + half)
    if method == "asin":
        centre = np.arcsin(np.sqrt(p))
        half = t * np.sqrt(var) / (2 * np.sqrt(p * (1 - p)))
        return np.sin(centre - half) ** 2, np.sin(centre + half) ** 2
    if method == "wilson":
        n_eff = p * (1 - p) / var
        shrink = 1 + t**2 / n_eff
        centre = (p + t**2 / (2 * n_eff)) / shrink
        half = t / shrink * np.sqrt(p * (1 - p) / n_eff + t**2 / (4 * n_eff**2))
        return centre - half, centre + half
    alpha = 1 - level  # beta
    n_eff = p * (1 - p) / var * (stats.t.ppf(alpha / 2, rows - 1)
                                 / stats.t.ppf(alpha / 2, design_dof)) ** 2
    return (stats.beta.ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1),
            stats.beta.ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p)))


def warn_nan_intervals(index: pd.Index, bounds: np.ndarray, dof: np.ndarray,
                       what: str, edge: str) -> None:
    """Warn, naming the estimates, about interval bounds that are NaN (as R's).

    ``edge`` says why a bound is NaN in a domain with degrees of freedom.
    """
    missing = np.isnan(bounds).any(axis=1)
    if not missing.any():
        return
    labels = list(index[missing])
    shown = ", ".join(map(repr, labels[:5])) + (f" and {len(labels) - 5} more"
                                                if len(labels) > 5 else "")
    no_dof = ~(np.broadcast_to(dof, missing.shape)[missing] > 0)
    single = "its domain has 0 degrees of freedom (its rows lie in a single PSU)"
    reason = single if no_dof.all() else edge if not no_dof.any() else f"{single}, or {edge}"
    warnings.warn(MicropopWarning(
        f"the {what} interval of {shown} is NaN, as in R: {reason}"), stacklevel=4)


def _success(series: pd.Series, name: str, level: Any,
             data: Analysis) -> tuple[np.ndarray, str]:
    """The 0/1 indicator of success and its label."""
    observed = data.row_domain >= 0
    if level is not None:
        return np.where(observed, _matches(series, name, level, observed), False) \
            .astype(float), str(level)
    numbers = pd.to_numeric(series.where(observed), errors="coerce").to_numpy(dtype=float)
    if not np.isin(numbers[observed], (0.0, 1.0)).all():
        raise NotNumericVariableError(
            f"column {name!r} is not a 0/1 indicator",
            hint="name the success category: des.proportion(column, category=...)")
    return np.where(observed, numbers, 0.0), "1"


def _matches(series: pd.Series, name: str, level: Any, observed: np.ndarray) -> np.ndarray:
    """Rows whose value is ``level``: equal to it or, failing that, the same number
    or truth value written otherwise (``1``, ``1.0``, ``"1"``; ``True``, ``"true"``).

    A declared category of a categorical column that no row holds is a level
    like any other (its share is 0, as R's ``svymean`` of a factor gives); any
    other value that no row of the design holds raises :class:`InvalidLevelError`
    (a typo, or ``"1"`` for a column of text that never holds it).
    """
    if np.ndim(level) != 0 or isinstance(level, (dict, set)):
        raise OptionError(f"category={level!r} is not one value",
                          hint="give the one value counted as a success")
    if isinstance(series.dtype, pd.CategoricalDtype) and any(
            _same(category, level) for category in series.cat.categories):
        success: np.ndarray = (series == level).to_numpy(dtype=bool)
        return success
    present = pd.unique(series[observed].dropna())
    exact = [v for v in present if _same(v, level)]
    loose = exact or [v for v in present if _same(_as_number(v), _as_number(level))]
    if not loose:
        shown = ", ".join(repr(v.item() if isinstance(v, np.generic) else v)
                          for v in sorted(present, key=str)[:10])
        raise InvalidLevelError(
            f"level {level!r} is in no row of column {name!r} in the design"
            + (f" (levels present: {shown})" if len(present) else ""),
            hint="give one of the levels present")
    if len(loose) > 1 and not exact:
        raise InvalidLevelError(f"level {level!r} of column {name!r} could be any of "
                                f"{', '.join(repr(str(v)) for v in loose)}",
                                hint="give the level exactly as the data hold it")
    return series.isin(loose).to_numpy(dtype=bool)


def _same(value: Any, level: Any) -> bool:
    """``value == level`` as one truth value (never an array, never an error)."""
    if value is None or level is None:
        return False
    try:
        return bool(value == level)
    except (TypeError, ValueError):
        return False


def _as_number(value: Any) -> float | None:
    """A number, truth value or text as a float ("1", 1, 1.0, True -> 1.0), else None."""
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "false"):
            return float(text == "true")
        try:
            number = float(text)
        except ValueError:
            return None
        return number if np.isfinite(number) else None
    if isinstance(value, (int, float, np.integer, np.floating)) and np.isfinite(value):
        return float(value)
    return None


def _likelihood_interval(data: Analysis, p: np.ndarray, logit_var: np.ndarray,
                         dof: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """R's ``svyciprop(method="likelihood")``, domain by domain (<= 19 profile points each).

    R fits ``svyglm(y ~ 1, family=quasibinomial)`` with weights scaled to
    mean 1 over the domain's rows and profiles its deviance with
    ``MASSprofile_glm``, then ``confint_profile`` reads the spline of the
    profile at ``t_df * sqrt(lambda)``.
    """
    w, y = data.weights, data.y[:, 0]
    rows = data.domain_counts()  # R's nrow of the domain's design
    mean_w = data.by_domain(w) / rows
    scaled = np.where(data.row_domain >= 0, w / mean_w[np.maximum(data.row_domain, 0)], 0.0)
    beta0, previous, deviance = _logistic_fit(data, scaled, y)
    fitted = _expit(beta0)
    # R divides the deviance by svyvar of the residuals (y - mu) / sqrt(mu (1 - mu))
    resid = (y - data.per_row(fitted)[:, 0]) / np.sqrt(data.per_row(fitted * (1 - fitted))[:, 0])
    total_w = data.by_domain(w)
    centre = data.by_domain(w * resid) / total_w
    nonzero = data.domain_counts(w != 0)
    dispersion = (data.by_domain(w * (resid - data.per_row(centre)[:, 0]) ** 2) / total_w
                  * nonzero / (nonzero - 1))
    # lambda: design variance of the logit over glm's naive one (at R's last IRLS weights)
    lam = logit_var * rows * previous * (1 - previous)
    alpha = stats.norm.cdf(stats.t.ppf((1 - level) / 2, dof) * np.sqrt(lam)) / 2
    zmax = np.sqrt(stats.f.isf(alpha, 1, rows - 1))
    cutoff = stats.norm.ppf(2 * alpha)

    steps = np.arange(1, 10)
    low, high = np.full(len(p), np.nan), np.full(len(p), np.nan)
    for k in range(len(p)):  # one short profile per domain
        if not (0 < p[k] < 1 and np.isfinite(lam[k])):
            continue
        points, values = [beta0[k]], [0.0]
        for sign in (-1, 1):
            grid = beta0[k] + sign * steps * zmax[k] / 5 * np.sqrt(logit_var[k])
            gain = deviance(grid, k) - deviance(beta0[k], k)
            z = sign * np.sqrt(np.maximum(gain / dispersion[k], 0))
            reached = np.flatnonzero(np.abs(z) >= zmax[k])
            last = reached[0] + 1 if reached.size else len(steps)
            points += list(grid[:last])
            values += list(z[:last])
        x, z = np.array(points), np.array(values)
        order = np.argsort(x)
        grid = np.linspace(x.min(), x.max(), 3 * len(x))
        curve = _fmm_spline(x[order], z[order], grid)
        by_z = np.argsort(curve, kind="stable")
        bounds = np.interp([cutoff[k], -cutoff[k]], curve[by_z], grid[by_z],
                           left=np.nan, right=np.nan)
        low[k], high[k] = _expit(bounds)
    return low, high


def _logistic_fit(data: Analysis, scaled: np.ndarray,
                  y: np.ndarray) -> tuple[np.ndarray, np.ndarray, Callable[..., np.ndarray]]:
    """R's ``glm.fit`` of ``y ~ 1`` (quasibinomial, prior weights ``scaled``) by domain.

    Iteratively reweighted least squares from R's start
    ``(w y + 0.5) / (w + 1)``, stopping as R does (relative deviance change
    below 1e-8). Returns the intercept, the proportion at which R's last
    working weights were computed (R's ``naive.cov`` uses them, one step
    behind the fit) and the deviance as a function of the intercept.
    """
    success = data.by_domain(scaled * y)
    total = data.by_domain(scaled)

    def deviance(beta: np.ndarray, k: int | slice = slice(None)) -> np.ndarray:
        mu = _expit(beta)
        dev: np.ndarray = -2 * (success[k] * np.log(mu)
                                + (total[k] - success[k]) * np.log(1 - mu))
        return dev

    start = (scaled * y + 0.5) / (scaled + 1)
    devold = data.by_domain(-2 * scaled * (y * np.log(start) + (1 - y) * np.log(1 - start)))
    working = scaled * start * (1 - start)
    beta = (data.by_domain(working * (_logit(start) + (y - start) / (start * (1 - start))))
            / data.by_domain(working))
    variance = data.by_domain(working) / total  # mu (1 - mu) behind the working weights
    dev = deviance(beta)
    done = np.abs(dev - devold) / (np.abs(dev) + 0.1) < 1e-8
    for _ in range(24):  # R's maxit: 25 iterations in all
        if done.all():
            break
        mu = _expit(beta)
        variance = np.where(done, variance, mu * (1 - mu))
        beta = np.where(done, beta, beta + (success - total * mu) / (total * mu * (1 - mu)))
        devold, dev = dev, deviance(beta)
        done |= np.abs(dev - devold) / (np.abs(dev) + 0.1) < 1e-8
    previous = (1 - np.sqrt(np.maximum(1 - 4 * variance, 0))) / 2
    return beta, previous, deviance


def _fmm_spline(x: np.ndarray, y: np.ndarray, at: np.ndarray) -> np.ndarray:
    """R's ``spline(method="fmm")``: Forsythe, Malcolm and Moler's cubic spline.

    End conditions match the third derivatives of the cubics through the
    first and last four points (R's ``fmm_spline`` in ``splines.c``).
    """
    n = len(x)
    h = np.diff(x)
    slope = np.diff(y) / h
    b = np.empty(n)
    c = np.zeros(n)
    d = np.empty(n)
    d[:-1] = h
    b[1:-1] = 2 * (h[:-1] + h[1:])
    c[1:-1] = slope[1:] - slope[:-1]
    b[0], b[-1] = -h[0], -h[-1]
    if n > 3:
        c0 = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        cn = c[-2] / (x[-1] - x[-3]) - c[-3] / (x[-2] - x[-4])
        c[0] = c0 * h[0] ** 2 / (x[3] - x[0])
        c[-1] = -cn * h[-1] ** 2 / (x[-1] - x[-4])
    for i in range(1, n):  # tridiagonal elimination, at most 19 points
        ratio = d[i - 1] / b[i - 1]
        b[i] -= ratio * d[i - 1]
        c[i] -= ratio * c[i - 1]
    c[-1] /= b[-1]
    for i in range(n - 2, -1, -1):
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    lin = np.empty(n)
    lin[-1] = slope[-1] + h[-1] * (c[-2] + 2 * c[-1])
    lin[:-1] = slope - h * (c[1:] + 2 * c[:-1])
    cube = np.empty(n)
    cube[:-1] = (c[1:] - c[:-1]) / h
    cube[-1] = cube[-2]
    quad = 3 * c
    j = np.clip(np.searchsorted(x, at, side="right") - 1, 0, n - 1)
    dx = at - x[j]
    spline: np.ndarray = y[j] + dx * (lin[j] + dx * (quad[j] + dx * cube[j]))
    return spline


def _logit(p: np.ndarray) -> np.ndarray:
    logit: np.ndarray = np.log(p / (1 - p))
    return logit


def _expit(x: np.ndarray) -> np.ndarray:
    expit: np.ndarray = np.exp(x) / (1 + np.exp(x))
    return expit
