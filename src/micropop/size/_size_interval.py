"""From a fitted log-linear model to a :class:`~micropop.size.result.SizeEstimate`:
Rcapture's standard error and the multinomial profile-likelihood interval of
Cormack (1992), as ``closedpCI``, with the assumptions the estimate rests on.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.special import gammaln, xlogy

from micropop.errors import (
    CaptureConvergenceError,
    UnboundedSizeError,
    check_level,
)
from micropop.size._poisson_fit import MAX_ITER, Design, Fit
from micropop.size.result import SizeEstimate

CLOSED_ASSUMPTIONS = (
    "The population is closed over the capture period: no one enters or leaves.",
    "Every person on a list is matched without error across lists.",
)


def _log_factorial_excess(x: float) -> float:
    """``log x! - x log x + x``, without the cancellation of its terms for large ``x``.

    Stirling's series beyond 50 (error below 1e-13), the terms themselves below.
    """
    if x < 50:
        return float(gammaln(x + 1) - xlogy(x, x) + x)
    return float(0.5 * math.log(2 * math.pi * x) + 1 / (12 * x) - 1 / (360 * x ** 3)
                 + 1 / (1260 * x ** 5))


def _cormack_correction(n0: float, n: float) -> float:
    """Turns the Poisson likelihood of the completed table into the multinomial one.

    ``n0 log n0 - N log N + log N! - log n0!`` with ``N = n0 + n``, written as
    differences of :func:`_log_factorial_excess` so that it keeps its
    precision at any size (its terms are ~N log N, it is ~log N).
    """
    return _log_factorial_excess(n0 + n) - _log_factorial_excess(n0)  # - n, a constant


#: Largest size at which the profile likelihood is evaluated: beyond it the deviance of the
#: unobserved cell loses the precision (~0.01) an interval needs.
PROFILE_LIMIT = 1e12


def profile_interval(design: Design, n: int, n_hat: float, level: float,
                     unbounded: bool = False) -> tuple[float, float, float]:
    """Multinomial profile-likelihood interval for N (Cormack 1992), as Rcapture's closedpCI.

    The likelihood is the multinomial one of the ``2^k`` cell counts,
    including the unobserved cell ``N - n``, profiled over the log-linear
    parameters. Returns the profile maximum and the two limits; the upper
    limit is ``inf`` if the likelihood stays above the cut-off up to
    ``1000 N`` (or up to :data:`PROFILE_LIMIT`, beyond which it cannot be
    evaluated precisely; larger estimates are refused). With ``unbounded``
    (the data put no upper bound on N, e.g. no recapture) the profile never
    stops rising: the maximum and the upper
    limit are ``inf`` and the cut-off is taken from the profile at
    ``1000 n_hat`` (so the lower limit errs low). Every search is bounded:
    at most 500 evaluations for the maximum, 7 steps out and 200 for each
    limit.
    """
    check_level("level", level)
    if n_hat > PROFILE_LIMIT:
        raise CaptureConvergenceError(
            f"the estimate {n_hat:,.0f} is beyond {PROFILE_LIMIT:,.0f}, where the profile "
            "likelihood can no longer be computed precisely enough for an interval",
            hint="the data say almost nothing about the size (very few recaptures); "
                 "use another interval (ci='lognormal'), or more overlapping lists")
    full = design.augmented()
    base = full.y.copy()

    def loglik(N: float) -> float:
        y = base.copy()
        y[-1] = N - n
        fit = full.fit(y)
        if not (fit.converged and math.isfinite(fit.deviance)):
            raise CaptureConvergenceError(
                f"the profile likelihood at N = {N:,.1f} did not converge in {MAX_ITER} "
                "iterations", hint="the counts may be extreme; fit a simpler model or read "
                                   "the estimate with its standard error")
        return _cormack_correction(N - n, n) - fit.deviance / 2

    chi2 = stats.chi2.ppf(level, 1) / 2
    if unbounded:
        far = min(1000 * n_hat, PROFILE_LIMIT)
        cut = loglik(far) - chi2
        low = n if loglik(n) >= cut else _root(lambda N: loglik(N) - cut, n, far)
        return math.inf, low, math.inf
    res = optimize.minimize_scalar(lambda N: -loglik(N), bounds=(n, 3 * n_hat),
                                   method="bounded", options={"xatol": 1e-6 * n_hat})
    n_max, l_max = float(res.x), -float(res.fun)
    cut = l_max - chi2
    low = n if loglik(n) >= cut else _root(lambda N: loglik(N) - cut, n, n_max)
    high_end = 3 * n_hat
    while loglik(high_end) > cut:  # at most 7 steps: 3 n_hat * 3^6 > 1000 n_hat
        if high_end > 1000 * n_hat or high_end * 3 > PROFILE_LIMIT:
            return n_max, low, math.inf
        high_end *= 3
    return n_max, low, _root(lambda N: loglik(N) - cut, n_max, high_end)


def _root(f: Callable[[float], float], a: float, b: float) -> float:
    """Brent's root of ``f`` on ``[a, b]``, or :class:`CaptureConvergenceError` by name."""
    root, result = optimize.brentq(f, a, b, xtol=1e-8 * b, maxiter=200, full_output=True,
                                   disp=False)
    if not result.converged:
        raise CaptureConvergenceError(
            f"the profile-likelihood interval did not converge between {a:,.1f} and {b:,.1f} "
            f"in {result.iterations} iterations",
            hint="the counts may be extreme; read the estimate with its standard error, "
                 "or merge sparse lists")
    return float(root)


def _coefficients(fit: Fit) -> pd.DataFrame:
    return pd.DataFrame({"estimate": fit.coef, "se": np.sqrt(np.diag(fit.cov))},
                        index=pd.Index(fit.names, name="term"))


def fit_problem(unbounded: bool, fit: Fit, size: tuple[float, float]) -> str | None:
    """Why a fitted model gives no population size, in words (None when it gives one)."""
    if unbounded:
        return "not estimable: the data put no upper bound on the size under this model"
    if not fit.converged:
        return f"did not converge in {MAX_ITER} iterations"
    if not math.isfinite(size[0]):
        return "not estimable: the size overflows"
    return None


def _checked_size(design: Design, fit: Fit, n: int, recaptured: float,
                  model: str) -> tuple[float, float]:
    """The size and SE of one model, or a named refusal when the model gives none."""
    size, unbounded = design.size(fit, n)
    problem = fit_problem(unbounded, fit, size)
    if problem is None:
        return size
    if problem.startswith("not estimable: the data"):
        hint = ("with no one on two lists the lists say nothing about the people on none; "
                "mp.size.chapman gives a number, but its profile interval (ci='profile') has "
                "no upper limit" if recaptured == 0 else
                "leave out the interaction (or heterogeneity) terms that absorb the overlap, "
                "or merge sparse lists")
        raise UnboundedSizeError(
            f"the {model} model puts no upper bound on the population size: its estimate "
            f"does not exist ({recaptured:,.0f} of the {n:,} people captured are on more "
            "than one list)", hint=hint)
    raise CaptureConvergenceError(
        f"the {model} model gives no population size: {problem}",
        hint="check the counts for extreme values, or fit a simpler model")


def size_estimate(design: Design, n: int, level: float, method: str,
                  assumptions: tuple[str, ...], inputs: dict[str, Any], extra: dict[str, Any],
                  recaptured: float) -> SizeEstimate:
    fit = design.fit()
    estimate, se = _checked_size(design, fit, n, recaptured, extra["model"])
    n_max, low, high = profile_interval(design, n, estimate, level)
    slack = 1e-6 * estimate
    if not low - slack <= estimate <= high + slack:
        raise CaptureConvergenceError(
            f"the {extra['model']} model gives {estimate:,.1f} but its profile-likelihood "
            f"interval is [{low:,.1f}, {high:,.1f}]: the fit is numerically unreliable "
            "(extreme counts or coefficients)",
            hint="fit a simpler model (fewer interactions, no heterogeneity), or check the "
                 "counts for a typing error")
    aic, bic = fit.criteria(n)
    return SizeEstimate(
        estimate=estimate, se=se, ci_low=low, ci_high=high, ci_level=level,
        ci_method="profile likelihood (multinomial, Cormack 1992)", method=method,
        assumptions=assumptions, inputs=inputs,
        extra={**extra, "deviance": fit.deviance, "df": fit.df_resid, "AIC": aic,
               "BIC": bic, "converged": fit.converged, "eta_set_to_zero": fit.dropped,
               "profile_mle": n_max, "coefficients": _coefficients(fit),
               "fitted": fit.mu})
