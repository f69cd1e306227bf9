"""Rcapture's model Mtb (``closedp.Mtb``) and the capture probabilities of the
:func:`~micropop.size.closedp` models (its ``parameters``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.special import expit, gammaln, xlogy

from micropop.errors import CaptureConvergenceError, CaptureRecaptureError, check_level
from micropop.size._closedp import behaviour_designs, closedp, model_designs
from micropop.size._histories import CaptureData, Counts, Freq, Table, capture_cells
from micropop.size._size_interval import CLOSED_ASSUMPTIONS
from micropop.size.capture import wald_interval
from micropop.size.result import SizeEstimate


def _mtb_cells(table: Table) -> tuple[np.ndarray, ...]:
    """Per cell and occasion: missed before the first capture, first capture, caught
    after it, missed after it (0/1 matrices of shape cells x occasions)."""
    patterns = table.patterns.astype(bool)
    occasion = np.arange(patterns.shape[1])
    first = np.argmax(patterns, axis=1)[:, None]
    after = occasion[None, :] > first
    return ((occasion[None, :] < first).astype(float), (occasion[None, :] == first).astype(float),
            (after & patterns).astype(float), (after & ~patterns).astype(float))


def _mtb_terms(params: np.ndarray, cells: tuple[np.ndarray, ...]
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log cell means and the logits of first capture ``a`` and recapture ``a + b``."""
    before, first, caught, missed = cells
    a, b = params[1:-1], params[-1]
    log_mu = (params[0] - before @ np.logaddexp(0, a) - first @ np.logaddexp(0, -a)
              - caught @ np.logaddexp(0, -(a + b)) - missed @ np.logaddexp(0, a + b))
    return log_mu, a, a + b


def _mtb_objective(params: np.ndarray, y: np.ndarray,
                   cells: tuple[np.ndarray, ...]) -> tuple[float, np.ndarray]:
    """Minus the Poisson log-likelihood (without ``log y!``) and its gradient."""
    log_mu, a, ab = _mtb_terms(params, cells)
    mu = np.exp(np.minimum(log_mu, 700.0))
    resid = y - mu
    before, first, caught, missed = cells
    p, c = expit(a), expit(ab)
    grad_a = (resid @ first) * (1 - p) - (resid @ before) * p
    grad_r = (resid @ caught) * (1 - c) - (resid @ missed) * c
    grad = np.concatenate([[resid.sum()], grad_a + grad_r, [grad_r.sum()]])
    return float(mu.sum() - y @ log_mu), -grad


def closedp_mtb(histories: CaptureData, freq: Freq = None, *,
                level: float = 0.95) -> SizeEstimate:
    """Model Mtb (time and behaviour effects), as Rcapture's ``closedp.Mtb``.

    Capture probabilities vary over occasions and change after the first
    capture. The probability of a first capture on occasion ``j`` is ``p_j`` and of a
    recapture ``c_j``, with ``logit c_j = logit p_j + b`` (one behavioural
    effect on the log-odds scale); the model is not log-linear and is fitted
    by maximising its Poisson likelihood in ``(log N, logit p_1..p_t, b)``.
    ``N`` is its own parameter (not ``n`` plus an unseen count), its
    standard error ``sqrt(N^2 var(log N) - N)`` as Rcapture's.

    Parameters
    ----------
    histories : DataFrame, 2-D array or dict
        Capture histories of at least 3 occasions, as :func:`closedp`.
    freq : str or array-like, optional
        Count of each history row, as :func:`closedp`.
    level : float, default 0.95
        Coverage of Chao's (1987) log-normal interval (micropop's addition:
        Rcapture gives none).

    Returns
    -------
    SizeEstimate
        ``extra`` holds ``deviance``, ``df`` (``2^t - 1 - (t + 2)``), ``AIC``,
        the first-capture probabilities ``p`` (``p1..pt``) and recapture
        probabilities ``c`` (``c2..ct``).

    Raises
    ------
    CaptureRecaptureError
        Fewer than 3 occasions (the model has as many parameters as cells).
    CaptureConvergenceError
        The likelihood has no interior maximum (Rcapture warns that this
        model "can be unstable" and prints whatever its optimiser reached).

    Examples
    --------
    >>> import pandas as pd
    >>> import micropop as mp
    >>> hare = pd.read_csv("tests/reference/rcapture/hare.csv")
    >>> est = mp.size.closedp_mtb(hare)
    >>> round(est.estimate, 1), round(est.se, 1), est.extra["df"]
    (71.7, 3.6, 55)
    """
    check_level("level", level)
    table = capture_cells(histories, freq)
    t = len(table.lists)
    if t < 3:
        raise CaptureRecaptureError(
            f"model Mtb needs at least 3 occasions, got {t}",
            hint="with 2 occasions its t + 2 parameters exceed the 3 observed cells")
    cells = _mtb_cells(table)
    y = table.counts
    start = np.concatenate([[math.log(table.n)], np.zeros(t + 1)])
    result = optimize.minimize(_mtb_objective, start, args=(y, cells), jac=True,
                               method="BFGS", options={"gtol": 1e-10, "maxiter": 2000})
    params = result.x
    step = 1e-6 * np.maximum(1.0, np.abs(params))
    hessian = np.array([(_mtb_objective(params + e, y, cells)[1]
                         - _mtb_objective(params - e, y, cells)[1]) / (2 * h)
                        for e, h in zip(np.diag(step), step, strict=True)])
    hessian = (hessian + hessian.T) / 2
    gradient = _mtb_objective(params, y, cells)[1]
    scale = max(1.0, float(table.n))
    finite = bool(np.all(np.isfinite(params)) and np.all(np.isfinite(hessian)))
    eigen = np.linalg.eigvalsh(hessian) if finite else np.zeros(1)
    if (not finite or eigen.min() <= 1e-9 * eigen.max()
            or np.max(np.abs(gradient)) > 1e-4 * scale):
        raise CaptureConvergenceError(
            "model Mtb has no interior maximum of its likelihood for these data",
            hint="Rcapture warns that Mtb can be unstable; use Mb, Mt or Mth (mp.size.closedp)")
    if np.max(np.abs(params[1:])) > 25:
        raise CaptureConvergenceError(
            "model Mtb reaches its maximum likelihood on the boundary (a capture "
            "probability of 0 or 1) for these data: no interior estimate",
            hint="use Mb, Mt or Mth (mp.size.closedp)")
    cov = np.linalg.inv(hessian)
    estimate = math.exp(params[0])
    variance = estimate ** 2 * cov[0, 0] - estimate
    if variance < 0:
        raise CaptureConvergenceError("model Mtb gives a negative variance",
                                      hint="use Mb, Mt or Mth (mp.size.closedp)")
    se = math.sqrt(variance)
    log_mu, a, ab = _mtb_terms(params, cells)
    loglik = float(y @ log_mu - np.exp(log_mu).sum() - gammaln(y + 1).sum())
    low, high = wald_interval(estimate, se, table.n, "lognormal", level)
    return SizeEstimate(
        estimate=estimate, se=se, ci_low=low, ci_high=high, ci_level=level,
        ci_method="log-normal (Chao 1987)", method="closedp Mtb",
        assumptions=(*CLOSED_ASSUMPTIONS,
                     "Capture probabilities vary over occasions, and after a first capture "
                     "their log-odds change by the same amount on every occasion."),
        inputs={"model": "Mtb", "n_observed": table.n, "occasions": t},
        extra={"model": "Mtb",
               "deviance": float(2 * np.sum(xlogy(y, y) - y * log_mu - y + np.exp(log_mu))),
               "df": len(y) - (t + 2), "AIC": -2 * loglik + 2 * (t + 2),
               "p": dict(zip([f"p{j + 1}" for j in range(t)], expit(a).tolist(), strict=True)),
               "c": dict(zip([f"c{j + 1}" for j in range(1, t)], expit(ab[1:]).tolist(),
                             strict=True))})


def capture_probabilities(histories: CaptureData | None = None, freq: Freq = None, *,
                          counts: Counts | None = None,
                          occasions: float | None = None) -> pd.DataFrame:
    """The capture probabilities of each :func:`closedp` model (Rcapture's parameters).

    As Rcapture defines them: M0, ``p = expit(beta)``; Mt, ``p_j`` per
    occasion; the Mh models, the mean probability ``sum(k f_k) / (t N)``;
    the Mth models, ``p_j = u_j / (N - u_1 - ... - u_(j-1))`` from the fitted
    first captures ``u_j``; Mb, ``p`` (first capture) and ``c`` (recapture)
    from its coefficients; Mbh, ``p = u_1 / N`` and ``c`` from the fitted
    count of people caught every time. Models that :func:`closedp` marks not
    estimable are left out (its ``info`` column says why).

    Parameters
    ----------
    histories : DataFrame, 2-D array or dict, optional
        Capture histories, as :func:`closedp`.
    freq : str or array-like, optional
        Count of each history row, as :func:`closedp`.
    counts : sequence of int, optional
        Instead of histories: the frequencies of capture ``f1, f2, ...``.
    occasions : int, optional
        Number of occasions behind ``counts`` (required with them; captures
        in continuous time, ``math.inf``, have rates, not probabilities).

    Returns
    -------
    DataFrame
        One row per model and parameter: columns ``model``, ``parameter``
        (``N``, ``p`` or ``p1..pt``, ``c``) and ``estimate``.

    Raises
    ------
    CaptureRecaptureError
        As :func:`closedp`, and for ``occasions=math.inf``.

    Examples
    --------
    >>> import micropop as mp
    >>> table = mp.size.capture_probabilities(counts=[9, 11, 6, 5, 2], occasions=11)
    >>> round(table.query("model == 'M0' and parameter == 'p'")["estimate"].item(), 3)
    0.199
    """
    if occasions is not None and math.isinf(occasions):
        raise CaptureRecaptureError(
            "captures in continuous time (occasions=math.inf) have no capture probabilities",
            hint="give the number of occasions")
    sizes = closedp(histories, freq, counts=counts, occasions=occasions)
    estimable = sizes["estimable"].to_dict()
    estimates = sizes["estimate"].astype(float).to_dict()
    designs, n, t, table = model_designs(histories, freq, counts, occasions)
    if table is not None:
        designs = {**designs, **behaviour_designs(table)}
    rows: list[tuple[str, str, float]] = []
    for model, design in designs.items():
        if not estimable[model]:
            continue
        size = estimates[model]
        rows.append((model, "N", size))
        fit = design.fit()
        coef = dict(zip(fit.names, fit.coef, strict=True))
        if model == "M0":
            rows.append((model, "p", float(expit(coef["beta"]))))
        elif model == "Mt":
            rows += [(model, f"p{j + 1}", float(expit(coef[f"beta{j + 1}"]))) for j in range(t)]
        elif model.startswith("Mh "):
            nbcap = np.arange(t, 0, -1) if table is None else table.patterns.sum(axis=1)
            rows.append((model, "p", float(design.y @ nbcap) / (t * size)))
        elif model.startswith("Mth ") or model == "Mbh":
            assert table is not None
            first = np.argmax(table.patterns, axis=1)
            fitted_first = np.bincount(first, weights=fit.mu, minlength=t)
            if model == "Mbh":
                p = fitted_first[0] / size
                c = (fit.mu[0] / (size * p)) ** (1 / (t - 1))  # the all-ones history
                rows += [(model, "p", float(p)), (model, "c", float(c))]
            else:
                remaining = size - np.concatenate([[0.0], np.cumsum(fitted_first)[:-1]])
                rows += [(model, f"p{j + 1}", float(fitted_first[j] / remaining[j]))
                         for j in range(t)]
        else:  # Mb
            p_first = 1 - math.exp(coef["beta1"]) / (1 + math.exp(coef["beta2"]))
            rows += [(model, "p", p_first), (model, "c", float(expit(coef["beta2"])))]
    return pd.DataFrame(rows, columns=["model", "parameter", "estimate"])
