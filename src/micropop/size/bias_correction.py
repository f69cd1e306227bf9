"""Bias-corrected closed-population estimators, as Rcapture's ``closedp.bc``.

Log-linear estimators of the size are biased upwards in small samples. Rivest
& Lévesque (2001) remove most of that bias by fitting the same model to counts
moved by small constants (``delta``) before the fit; for models Mt and Mh
Chao the corrected estimators have closed forms (Seber 1982; Chao 1989).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from scipy import optimize

from micropop.errors import (
    CaptureConvergenceError,
    CaptureRecaptureError,
    UnboundedSizeError,
    check_level,
    check_option,
)
from micropop.size._closedp import MAX_OCCASIONS, closedp_designs, frequency_designs
from micropop.size._histories import (
    CaptureData,
    Counts,
    Freq,
    Table,
    capture_cells,
    frequency_counts,
)
from micropop.size._poisson_fit import Design
from micropop.size._size_interval import CLOSED_ASSUMPTIONS
from micropop.size.capture import wald_interval
from micropop.size.result import SizeEstimate

#: The models :func:`closedp_bc` corrects (Rcapture's ``m`` and ``h``, as closedp row names).
BC_MODELS = ("M0", "Mt", "Mh Chao (LB)", "Mh Poisson2", "Mh Darroch", "Mh Gamma3.5",
             "Mth Chao (LB)", "Mth Poisson2", "Mth Darroch", "Mb", "Mbh")
_HISTORY_ONLY = ("Mt", "Mth Chao (LB)", "Mth Poisson2", "Mth Darroch", "Mb", "Mbh")


def _poisson2(k: float) -> float:
    return float(2.0 ** k - 1)


def _darroch(k: float) -> float:
    return float(k ** 2 / 2)


def _gamma35(k: float) -> float:
    return math.log(3.5) - math.log(3.5 + k)


_HETERO_FORMS = {"Poisson2": _poisson2, "Darroch": _darroch, "Gamma3.5": _gamma35}


def _mh_delta(label: str) -> tuple[float, float, float]:
    """Rivest & Lévesque's (2001) shifts of ``f1, f2, f3`` for model Mh with form ``h``."""
    h = _HETERO_FORMS[label]
    cc = (h(2) - 2 * h(1)) / (h(3) - 2 * h(2) + h(1))
    return -(1 + cc) / 2, 1 + cc, (1 - cc) / 2


def _mth_delta(label: str, t: int) -> tuple[float, float, float]:
    """Shifts of the cells caught once, twice and three times for model Mth."""
    if label == "Chao (LB)":
        return (t - 2) / (2 * t), 2 / (t * (t - 1)), 0.0
    if label == "Poisson2":
        return (2 * t - 5) / (4 * t), 3 / (t * (t - 1)), 3 / (2 * t * (t - 1) * (t - 2))
    return (t - 3) / (2 * t), 4 / (t * (t - 1)), 0.0  # Darroch


def _shifted_fit(design: Design, nbcap: np.ndarray, delta: tuple[float, float, float],
                 n: int, model: str) -> tuple[float, float]:
    """Fit ``design`` to its counts shifted by ``delta`` (by number of captures), floored at 0."""
    shift = np.select([nbcap == 1, nbcap == 2, nbcap == 3], delta, 0.0)
    shifted = dataclasses.replace(design, y=np.maximum(design.y + shift, 0.0), chao=False)
    fit = shifted.fit()
    (estimate, se), unbounded = shifted.size(fit, n)
    if unbounded or not fit.converged or not math.isfinite(estimate):
        raise CaptureConvergenceError(
            f"the bias-corrected {model} model gives no size: "
            + ("the shifted counts put no upper bound on it" if unbounded
               else "its fit did not converge"),
            hint="use the uncorrected model (mp.size.closedp) or a simpler one")
    return estimate, se


def _mt_size(table: Table) -> tuple[float, float]:
    """Model Mt: Chapman's form for two occasions (Seber 1982, p. 60), else the root of
    ``prod(1 - n_j'/N') = 1 - n'/N'`` with ``n_j' = n_j + (t+2)/(2t)``, ``n' = n + t/2``,
    ``N = N' - t/2`` (Seber 1982, pp. 131-133; Rivest & Lévesque 2001)."""
    t = len(table.lists)
    n = float(table.n)
    caught = table.patterns.T @ table.counts
    if t == 2:
        both = caught.sum() - n
        estimate = (caught[0] + 1) * (caught[1] + 1) / (both + 1) - 1
        variance = ((caught[0] + 1) * (caught[1] + 1) * (caught[0] - both) * (caught[1] - both)
                    / ((both + 2) * (both + 1) ** 2))
        return float(estimate), math.sqrt(variance)
    shifted = caught + (t + 2) / (2 * t)
    total = n + t / 2

    def gap(size: float) -> float:
        return float(np.prod(1 - shifted / size) - (1 - total / size))

    high = 2 * total
    while gap(high) >= 0:
        high *= 2
        if high > 1e15:
            raise UnboundedSizeError("the bias-corrected Mt equation has no finite root",
                                     hint="the lists hardly overlap; use more lists")
    root = optimize.brentq(gap, total, high, xtol=1e-13 * total, maxiter=500)
    information = 1 / (root - total) + (t - 1) / root - float(np.sum(1 / (root - shifted)))
    if information <= 0:
        raise CaptureConvergenceError("the bias-corrected Mt estimate has no variance",
                                      hint="use the uncorrected model (mp.size.closedp)")
    return root - t / 2, 1 / math.sqrt(information)


def _chao_size(f: np.ndarray, n: int, t: int) -> tuple[float, float]:
    """Chao's bias-corrected lower bound for ``t`` occasions (Chao 1989; Rcapture)."""
    f1, f2 = float(f[0]), float(f[1])
    a = (t - 1) / t
    unseen = a * f1 * (f1 - 1) / (2 * (f2 + 1))
    variance = unseen + (a ** 2 * f1 * (f1 - 1) * (f1 ** 2 + 4 * f1 * f2 + 3 * f1 - 6 * f2 - 6)
                         / (4 * (f2 + 1) ** 2 * (f2 + 2)))
    return n + unseen, math.sqrt(max(variance, 0.0))


def _removal_size(table: Table, model: str) -> tuple[float, float]:
    """Mb and Mbh as a removal model of first captures ``u_j = a b^(j-1)`` (Mbh leaves
    out ``u_1``), with the shifts ``+2, -1, -1`` on the first three, and
    ``N = a / (1 - b)`` (plus ``u_1`` for Mbh)."""
    t = len(table.lists)
    first = np.bincount(np.argmax(table.patterns, axis=1), weights=table.counts, minlength=t)
    kept = first[1:] if model == "Mbh" else first
    y = np.maximum(kept + np.concatenate([[2.0, -1.0, -1.0], np.zeros(len(kept) - 3)]), 0.0)
    occasion = np.arange(len(kept), dtype=float)
    design = Design(y=y, X=np.column_stack([np.ones(len(y)), occasion]),
                    names=("(Intercept)", "beta"), offset=np.zeros(len(y)), n_fixed=2)
    fit = design.fit()
    ratio = math.exp(fit.coef[1])
    if not fit.converged or ratio >= 1:
        raise UnboundedSizeError(
            f"the bias-corrected {model} model gives no size: first captures do not fall "
            "off over the occasions", hint="model Mb needs fewer new captures over time")
    estimate = math.exp(fit.coef[0]) / (1 - ratio)
    grad = estimate * np.array([1.0, ratio / (1 - ratio)])
    variance = float(grad @ fit.cov @ grad - estimate)
    if variance < 0:
        raise CaptureConvergenceError(f"the bias-corrected {model} model has no variance",
                                      hint="use the uncorrected model (mp.size.closedp)")
    return estimate + (float(first[0]) if model == "Mbh" else 0.0), math.sqrt(variance)


def _minimum_occasions(model: str) -> int:
    if model == "Mbh":
        return 4
    return 2 if model in ("M0", "Mt") else 3


def closedp_bc(histories: CaptureData | None = None, freq: Freq = None, *, model: str,
               counts: Counts | None = None, occasions: int | None = None,
               level: float = 0.95) -> SizeEstimate:
    """A closed-population model with Rcapture's bias correction (``closedp.bc``).

    Rivest & Lévesque (2001): the model is fitted to counts shifted by small
    constants (by number of captures for M0, Mh and Mth; the first captures
    for Mb and Mbh), which removes most of the small-sample bias of the
    log-linear estimators; Mt (Seber 1982, with Rivest & Lévesque's
    correction) and Mh Chao (Chao 1989) have closed forms.

    Parameters
    ----------
    histories : DataFrame, 2-D array or dict, optional
        Capture histories, one column per occasion, as :func:`closedp`.
    freq : str or array-like, optional
        Count of each history row, as :func:`closedp`.
    model : str
        One of ``"M0"``, ``"Mt"``, ``"Mh Chao (LB)"``, ``"Mh Poisson2"``,
        ``"Mh Darroch"``, ``"Mh Gamma3.5"``, ``"Mth Chao (LB)"``,
        ``"Mth Poisson2"``, ``"Mth Darroch"``, ``"Mb"``, ``"Mbh"`` (the
        :func:`closedp` row names; Rcapture corrects no Mth Gamma). Mh, Mth
        and Mb need 3 occasions, Mbh 4.
    counts : sequence of int, optional
        Instead of histories, for M0 and the Mh models: the frequencies of
        capture ``f1, f2, ...``.
    occasions : int, optional
        Number of occasions behind ``counts`` (required with them; a whole
        number, not ``math.inf``).
    level : float, default 0.95
        Coverage of the interval. Rcapture gives none: micropop adds Chao's
        (1987) log-normal interval around the corrected estimate.

    Returns
    -------
    SizeEstimate
        The corrected size and its standard error (Rcapture's formulas).

    Raises
    ------
    CaptureRecaptureError, OptionError
        An unknown model, too few occasions for it, counts for a model that
        needs histories, or bad data (as :func:`closedp`).
    UnboundedSizeError, CaptureConvergenceError
        The corrected model gives no finite size (e.g. Mb with first captures
        that do not fall off), or its fit does not converge.

    Examples
    --------
    >>> import pandas as pd
    >>> import micropop as mp
    >>> seber = pd.DataFrame({"c1": [1, 1, 0], "c2": [1, 0, 1], "freq": [167, 781, 254]})
    >>> est = mp.size.closedp_bc(seber, freq="freq", model="M0")
    >>> round(est.estimate, 1), round(est.se, 1)
    (2794.5, 162.8)
    """
    check_option("model", model, list(BC_MODELS))
    check_level("level", level)
    table: Table | None = None
    if counts is not None:
        if histories is not None:
            raise CaptureRecaptureError("give capture histories or counts, not both",
                                        hint="counts are frequencies of capture f1, f2, ...")
        if model in _HISTORY_ONLY:
            raise CaptureRecaptureError(
                f"model {model!r} needs capture histories, not frequencies of capture",
                hint="pass the histories, or choose M0 or an Mh model")
        if occasions is None or isinstance(occasions, bool) or not (
                isinstance(occasions, (int, np.integer))
                or (isinstance(occasions, float) and occasions.is_integer())):
            raise CaptureRecaptureError(
                f"occasions={occasions!r}: the bias correction needs the whole number of "
                "occasions behind counts", hint="pass occasions=t (continuous time, "
                                                "math.inf, has no correction in Rcapture)")
        t = int(occasions)
        if not 2 <= t <= MAX_OCCASIONS:
            raise CaptureRecaptureError(f"occasions={t} is outside 2 to {MAX_OCCASIONS}",
                                        hint="give the number of capture occasions")
        f = frequency_counts(counts)
        if len(f) > t and f[t:].any():
            raise CaptureRecaptureError(f"people caught more than occasions={t} times",
                                        hint="check occasions and counts")
        n = int(f.sum())
    else:
        if histories is None:
            raise CaptureRecaptureError("no data", hint="pass capture histories or counts=")
        table = capture_cells(histories, freq)
        t, n = len(table.lists), table.n
        nbcap = table.patterns.sum(axis=1)
        f = np.bincount(nbcap, weights=table.counts, minlength=t + 1)[1:]
    if t < _minimum_occasions(model):
        raise CaptureRecaptureError(
            f"the bias correction of {model} needs at least {_minimum_occasions(model)} "
            f"occasions, got {t}", hint="with 2 occasions only M0 and Mt are corrected")
    padded = np.zeros(t)
    padded[: min(t, len(f))] = f[:t]
    estimate, se = _corrected(model, table, padded, n, t)
    low, high = wald_interval(estimate, se, n, "lognormal", level)
    return SizeEstimate(
        estimate=estimate, se=se, ci_low=low, ci_high=high, ci_level=level,
        ci_method="log-normal (Chao 1987)", method=f"closedp.bc {model}",
        assumptions=(*CLOSED_ASSUMPTIONS, f"Capture probabilities follow model {model}."),
        inputs={"model": model, "n_observed": n, "occasions": t},
        extra={"model": model})


def _corrected(model: str, table: Table | None, f: np.ndarray, n: int,
               t: int) -> tuple[float, float]:
    if model == "Mh Chao (LB)":
        return _chao_size(f, n, t)
    if model in ("M0",) or model.startswith("Mh "):
        designs = frequency_designs(f, t)
        delta = (-0.5, 1.0, 0.0) if model == "M0" else _mh_delta(model.split(" ", 1)[1])
        return _shifted_fit(designs[model], np.arange(t, 0, -1), delta, n, model)
    assert table is not None  # the other models were refused without histories
    if model == "Mt":
        return _mt_size(table)
    if model in ("Mb", "Mbh"):
        return _removal_size(table, model)
    design = closedp_designs(table)[model]
    return _shifted_fit(design, table.patterns.sum(axis=1),
                        _mth_delta(model.split(" ", 1)[1], t), n, model)
