"""Heterogeneous catchability with a normal mixing distribution (Rivest 2011), as
Rcapture's ``closedpCI.t`` / ``closedpCI.0`` with ``h="Normal"``.

A person with catchability ``a ~ N(0, sigma^2)`` on the log-odds scale is
caught ``k`` times with probability proportional to ``exp(k a)``; the
log-linear model of the observed cells is

    log mu_w = offset_w + x_w' beta + phi(k_w),
    phi(k) = log( E[exp(k a) C(a)] / E[C(a)] ),

where ``C(a) = 1 / (1 + sum_w exp(offset_w + x_w' beta - beta_0 + k_w a))`` is
the probability of being caught by no list given ``a`` (Rivest 2011, eq. 3 and
p. 7). The expectations are taken by 20-point Gauss–Hermite quadrature (as
Rcapture), and the model is fitted by minimising the Poisson deviance over
``beta`` and ``sigma``, from the coefficients of Darroch's model and
``sigma = 0.2``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import optimize
from scipy.special import gammaln, logsumexp, xlogy

from micropop.errors import CaptureConvergenceError
from micropop.size._poisson_fit import Design, with_heterogeneity
from micropop.size.capture import wald_interval
from micropop.size.result import SizeEstimate

_NODES, _WEIGHTS = np.polynomial.hermite.hermgauss(20)
_LOG_WEIGHTS = np.log(_WEIGHTS)


def _means(params: np.ndarray, design: Design, nbcap: np.ndarray) -> np.ndarray:
    """Fitted cell means of the normal model at ``params`` (``beta``, then ``sigma``)."""
    beta, sigma = params[:-1], params[-1]
    eta = design.offset + design.X @ beta
    slopes = sigma * math.sqrt(2.0) * _NODES  # the quadrature points of a
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        log_missed = -np.logaddexp(0.0, logsumexp((eta - beta[0])[:, None]
                                                  + np.outer(nbcap, slopes), axis=0))
        ks = np.arange(1, int(nbcap.max()) + 1)
        phi = (logsumexp(_LOG_WEIGHTS + log_missed + np.outer(ks, slopes), axis=1)
               - logsumexp(_LOG_WEIGHTS + log_missed))
        mu: np.ndarray = np.exp(np.minimum(eta + phi[nbcap.astype(int) - 1], 700.0))
        return mu


def _deviance(params: np.ndarray, design: Design, nbcap: np.ndarray) -> float:
    """The Poisson deviance at ``params``; ``inf`` where it overflows (a step too far)."""
    y = design.y
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        mu = _means(params, design, nbcap)
        value = float(2 * np.sum(xlogy(y, y) - xlogy(y, mu) - (y - mu)))
    return value if math.isfinite(value) else math.inf


def _hessian(f: Any, x: np.ndarray, step: float = 1e-4) -> np.ndarray:
    """Central second differences of ``f`` at ``x`` (error of order ``step**2``)."""
    p = len(x)
    steps = np.eye(p) * step
    out = np.empty((p, p))
    for i in range(p):
        for j in range(i, p):
            out[i, j] = out[j, i] = (f(x + steps[i] + steps[j]) - f(x + steps[i] - steps[j])
                                     - f(x - steps[i] + steps[j])
                                     + f(x - steps[i] - steps[j])) / (4 * step * step)
    return out


def _gradient(f: Any, x: np.ndarray, step: float = 1e-6) -> np.ndarray:
    steps = np.eye(len(x)) * step
    return np.array([(f(x + s) - f(x - s)) / (2 * step) for s in steps])


def fit_normal(design: Design, nbcap: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Deviance-minimising ``(beta, sigma)``, the Hessian of the deviance there, and the
    rank of Darroch's model (Rcapture counts its columns in the AIC).

    BFGS from Darroch's coefficients and ``sigma = 0.2``, then at most 20 Newton
    steps on numerical derivatives until the step is below ``1e-9``.
    """
    darroch = with_heterogeneity(design.y, design.X[:, 1:], list(design.names[1:]),
                                 design.offset, nbcap, int(nbcap.max()), "Darroch", None)
    start = darroch.fit()
    if not start.converged:
        raise CaptureConvergenceError(
            "Darroch's model, which gives the normal model its starting values, did not "
            "converge", hint="fit a simpler model (fewer interactions)")

    def objective(params: np.ndarray) -> float:
        return _deviance(params, design, nbcap)

    x = np.append(start.coef[:-1], 0.2)
    with np.errstate(invalid="ignore", over="ignore"):  # steps too far give inf: refused below
        x = optimize.minimize(objective, x, method="BFGS", options={"gtol": 1e-8}).x
        for _ in range(20):
            hessian = _hessian(objective, x)
            try:
                step = np.linalg.solve(hessian, _gradient(objective, x))
            except np.linalg.LinAlgError:
                break
            x = x - step
            if not np.all(np.isfinite(x)) or np.max(np.abs(step)) < 1e-9:
                break
        hessian = _hessian(objective, x)
    finite = bool(np.all(np.isfinite(x)) and np.isfinite(objective(x))
                  and np.all(np.isfinite(hessian)))
    eigen = np.linalg.eigvalsh(hessian) if finite else np.zeros(1)
    if not (finite and eigen.min() > 1e-9 * eigen.max()):
        raise CaptureConvergenceError(
            "the normal heterogeneity model did not converge (no minimum of its deviance)",
            hint="the data may show no heterogeneity (sigma near 0); fit the model without "
                 "heterogeneity, or with heterogeneity='Darroch'")
    return x, hessian, start.rank


def normal_estimate(design: Design, nbcap: np.ndarray, n: int, level: float, *,
                    method: str, assumptions: tuple[str, ...], inputs: dict[str, Any],
                    extra: dict[str, Any]) -> SizeEstimate:
    """The size under the normal model with Chao's (1987) log-normal interval.

    The standard error uses the inverse observed information (twice the
    inverse Hessian of the deviance). Rcapture inverts the Hessian of the
    deviance itself, which halves the variance of the intercept; its standard
    error and interval are kept in ``extra["se_rcapture"]`` and
    ``extra["ci_rcapture"]``.
    """
    params, hessian, rank = fit_normal(design, nbcap)
    unseen = math.exp(params[0])
    cov = 2 * np.linalg.inv(hessian)
    estimate = n + unseen
    se = math.sqrt(unseen + unseen ** 2 * cov[0, 0])
    se_rcapture = math.sqrt(unseen + unseen ** 2 * cov[0, 0] / 2)
    low, high = wald_interval(estimate, se, n, "lognormal", level)
    mu = _means(params, design, nbcap)
    loglik = float(np.sum(xlogy(design.y, mu) - mu - gammaln(design.y + 1)))
    aic = -2 * loglik + 2 * rank
    names = (*design.names, "sigma")
    return SizeEstimate(
        estimate=estimate, se=se, ci_low=low, ci_high=high, ci_level=level,
        ci_method="log-normal (Chao 1987)", method=method, assumptions=assumptions,
        inputs=inputs,
        extra={**extra, "deviance": _deviance(params, design, nbcap),
               "df": len(design.y) - len(params), "AIC": aic,
               "BIC": aic + (math.log(n) - 2) * rank, "sigma": abs(float(params[-1])),
               "coefficients": dict(zip(names, params.tolist(), strict=True)),
               "fitted": mu, "se_rcapture": se_rcapture,
               "ci_rcapture": wald_interval(estimate, se_rcapture, n, "lognormal", level)})


NORMAL_ASSUMPTION = ("Catchability varies between people as a normal distribution on the "
                     "log-odds scale (Rivest 2011), the same on every list.")
