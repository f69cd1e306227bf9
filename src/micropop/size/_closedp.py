"""Rcapture's ``closedp`` models for closed populations (M0, Mt, Mh, Mth with Chao,
Poisson, Darroch and Gamma heterogeneity, and the behavioural Mb, Mbh), fitted
side by side, and ``closedp.CI``'s interval for one of them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import gammaln

from micropop.errors import (
    CaptureRecaptureError,
    InvalidCountError,
    check_number,
)
from micropop.size._histories import (
    CaptureData,
    Counts,
    Freq,
    Table,
    capture_cells,
    frequency_counts,
)
from micropop.size._loglinear_terms import recaptured_count
from micropop.size._normal_mixture import NORMAL_ASSUMPTION, normal_estimate
from micropop.size._poisson_fit import Design, Fit, default_theta, with_heterogeneity
from micropop.size._size_interval import CLOSED_ASSUMPTIONS, fit_problem, size_estimate
from micropop.size.result import SizeEstimate

_HETERO_MODELS = (("Chao (LB)", "Chao"), ("Poisson2", "Poisson"), ("Darroch", "Darroch"),
                  ("Gamma3.5", "Gamma"))


def closedp_designs(table: Table) -> dict[str, Design]:
    """Rcapture's ``closedp.t`` models (M0, Mt, Mh*, Mth*) on capture histories."""
    t = len(table.lists)
    nbcap = table.patterns.sum(axis=1)
    offset = np.zeros(len(nbcap))
    y = table.counts

    def design(base: np.ndarray, names: list[str], kind: str | None = None) -> Design:
        return with_heterogeneity(y, base, names, offset, nbcap, t, kind,
                                  default_theta(kind, None))

    beta_t = [f"beta{j + 1}" for j in range(t)]
    designs = {"M0": design(nbcap[:, None], ["beta"]), "Mt": design(table.patterns, beta_t)}
    if t > 2:
        for label, kind in _HETERO_MODELS:
            designs[f"Mh {label}"] = design(nbcap[:, None], ["beta"], kind)
        for label, kind in _HETERO_MODELS:
            designs[f"Mth {label}"] = design(table.patterns, beta_t, kind)
    return designs


def behaviour_designs(table: Table) -> dict[str, Design]:
    """Models Mb and Mbh (behavioural response): not of the form N = n + exp(b0)."""
    t = len(table.lists)
    nbcap = table.patterns.sum(axis=1)
    before_first = np.argmax(table.patterns, axis=1)  # occasions before the first capture
    offset = np.zeros(len(nbcap))
    mb = np.column_stack([before_first, nbcap - 1])
    designs = {"Mb": with_heterogeneity(table.counts, mb, ["beta1", "beta2"], offset,
                                        nbcap, t, None, None)}
    if t > 2:
        mbh = np.column_stack([1 - table.patterns[:, 0], mb])
        designs["Mbh"] = with_heterogeneity(table.counts, mbh, ["eta", "beta1", "beta2"],
                                            offset, nbcap, t, None, None)
    return designs


def _behaviour_size(name: str, fit: Fit, t: int) -> tuple[float, float]:
    """N and its delta-method SE for Mb and Mbh, ported from Rcapture's closedp.t."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _behaviour_formula(name, np.exp(fit.coef), fit.cov, t)


def _behaviour_formula(name: str, e: np.ndarray, cov: np.ndarray,
                       t: int) -> tuple[float, float]:
    if name == "Mb":
        denom = 1 + e[2] - e[1]
        N = e[0] * (1 + e[2]) ** t / denom
        grad = N * np.array([1, e[1] / denom, t * e[2] / (1 + e[2]) - e[2] / denom])
    else:
        denom = 1 + e[3] - e[2]
        ratio = e[1] * e[2] / denom
        scale = e[0] * (1 + e[3]) ** (t - 1)
        N = scale * (1 + ratio)
        grad = scale * np.array([1 + ratio, ratio, ratio + e[1] * e[2] ** 2 / denom ** 2,
                                 (t - 1) * e[3] / (1 + e[3])
                                 - e[1] * e[2] * e[3] / denom ** 2])
    variance = float(grad @ cov @ grad - N)
    return float(N), math.sqrt(variance) if variance >= 0 else math.nan


def frequency_designs(f: np.ndarray, occasions: float) -> dict[str, Design]:
    """Rcapture's ``closedp.0`` models (M0, Mh*) on frequencies of capture."""
    observed = np.flatnonzero(f) + 1
    t = int(observed.max()) if math.isinf(occasions) else int(occasions)
    if t > MAX_OCCASIONS:
        raise InvalidCountError(
            f"people caught {t} times: at most {MAX_OCCASIONS} captures per person are "
            "modelled", hint="group the largest numbers of captures, or check the counts")
    if t < len(f) and f[t:].any():
        raise InvalidCountError(
            f"people caught more than occasions={t} times (counts has {len(f)} values)",
            hint="check occasions, or pass occasions=math.inf for captures in continuous time")
    nbcap = np.arange(t, 0, -1)
    by_captures = np.zeros(t)
    by_captures[: min(t, len(f))] = f[:t]
    y = by_captures[nbcap - 1]
    offset = (-gammaln(nbcap + 1.0) if math.isinf(occasions)
              else gammaln(t + 1.0) - gammaln(nbcap + 1.0) - gammaln(t - nbcap + 1.0))
    designs = {"M0": with_heterogeneity(y, nbcap[:, None], ["beta"], offset, nbcap, t,
                                        None, None)}
    if t > 2:
        for label, kind in _HETERO_MODELS:
            designs[f"Mh {label}"] = with_heterogeneity(
                y, nbcap[:, None], ["beta"], offset, nbcap, t, kind, default_theta(kind, None))
    return designs


#: Most capture occasions behind frequencies of capture (one model cell each).
MAX_OCCASIONS = 100


def _check_occasions(occasions: float) -> float:
    """A whole number of occasions from 2 to :data:`MAX_OCCASIONS`, or ``math.inf``."""
    value: float = check_number("occasions", occasions, low=2, allow_inf=True,
                         hint=f"give a whole number of occasions from 2 to {MAX_OCCASIONS}, "
                              "or math.inf for captures in continuous time")
    if math.isinf(value):
        return value
    return float(check_number("occasions", occasions, low=2, high=MAX_OCCASIONS, integer=True,
                              hint=f"give a whole number of occasions from 2 to "
                                   f"{MAX_OCCASIONS}, or math.inf for continuous time"))


def model_designs(histories: CaptureData | None, freq: Freq, counts: Counts | None,
             occasions: float | None) -> tuple[dict[str, Design], int, int, Table | None]:
    """All closedp designs, the number captured and the number of occasions."""
    if counts is not None:
        if histories is not None:
            raise CaptureRecaptureError("give capture histories or counts, not both",
                                        hint="counts are frequencies of capture f1, f2, ...")
        if occasions is None:
            raise CaptureRecaptureError(
                "counts of captures need the number of occasions",
                hint="pass occasions=t, or occasions=math.inf for continuous-time captures")
        f = frequency_counts(counts)
        designs = frequency_designs(f, _check_occasions(occasions))
        return designs, int(f.sum()), len(designs["M0"].y), None
    if histories is None:
        raise CaptureRecaptureError("no data", hint="pass capture histories or counts=")
    table = capture_cells(histories, freq)
    return closedp_designs(table), table.n, len(table.lists), table


def closedp(histories: CaptureData | None = None, freq: Freq = None, *,
            counts: Counts | None = None,
            occasions: float | None = None) -> pd.DataFrame:
    """Rcapture's standard closed-population models, one row per model.

    With capture histories, the models of ``closedp.t``: M0, Mt, Mh and Mth
    with Chao's lower bound, Poisson2, Darroch and Gamma3.5 heterogeneity,
    Mb and Mbh (only M0, Mt and Mb for two occasions). With frequencies of
    capture (``counts``), those of ``closedp.0``: M0 and the four Mh models.
    All are Poisson log-linear models of the capture-pattern counts (Rivest
    & Baillargeon 2007; Baillargeon & Rivest 2007, JSS 19(5)); negative
    ``eta`` of the Chao models are set to zero as Rcapture's ``neg=TRUE``.

    Parameters
    ----------
    histories : DataFrame, 2-D array or dict, optional
        Capture histories as :func:`loglinear`, one column per occasion.
    freq : str or array-like, optional
        Count of each history row (column name or array), as :func:`loglinear`.
    counts : sequence of int, optional
        Instead of histories: ``f1, f2, ...``, the numbers of people caught
        exactly 1, 2, ... times.
    occasions : int or float, optional
        Number of capture occasions behind ``counts`` (binomial model), or
        ``math.inf`` for captures in continuous time (Poisson counts, as
        Rcapture's ``t=Inf``). Required with ``counts``.

    Returns
    -------
    DataFrame
        Indexed by model name; columns ``estimate``, ``se``, ``deviance``,
        ``df``, ``AIC``, ``BIC``, ``converged``, ``estimable`` and ``info``
        (``"OK"`` or what happened, e.g. which Chao ``eta`` were set to
        zero). A model that gives no size has ``estimable`` False, NaN
        ``estimate`` and ``se``, and says why in ``info``: its estimate does
        not exist (the data put no upper bound on N under the model, e.g. no
        one on two lists; for Mb and Mbh, first captures that do not fall off
        over the occasions), or its fit did not converge. Rcapture prints a
        huge (or negative) number for such a model.

    Examples
    --------
    >>> import math
    >>> import micropop as mp
    >>> table = mp.size.closedp(counts=[1645, 183, 37, 13, 1, 1], occasions=math.inf)
    >>> table.loc["M0", ["estimate", "se"]].round(1).tolist()
    [7079.9, 365.8]
    """
    designs, n, t, table = model_designs(histories, freq, counts, occasions)
    rows = {}
    for name, design in designs.items():
        fit = design.fit()
        rows[name] = _closedp_row(fit, *design.size(fit, n), n)
    if table is not None:
        for name, design in behaviour_designs(table).items():
            fit = design.fit()
            rows[name] = _closedp_row(fit, _behaviour_size(name, fit, t),
                                      _removal_unbounded(table, 0 if name == "Mb" else 1), n)
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("model")


def _removal_unbounded(table: Table, first: int) -> bool:
    """True if Mb (``first=0``) or Mbh (``first=1``) has no finite size.

    Their first captures from occasion ``first + 1`` on follow a removal
    model, ``u_j ~ N p (1 - p)^j``; its fitted mean occasion equals the
    observed one, so ``p > 0`` (a finite, positive N) iff first captures
    come on average before the middle of those occasions (Seber 1982,
    removal method). Rcapture prints an infinite or negative N otherwise.
    """
    occasion = np.argmax(table.patterns, axis=1) - first
    kept = occasion >= 0
    counts, occasion = table.counts[kept], occasion[kept]
    span = len(table.lists) - 1 - first
    return bool(counts.sum() > 0 and 2 * float(counts @ occasion) >= span * counts.sum())


def _closedp_row(fit: Fit, size: tuple[float, float], unbounded: bool, n: int
                 ) -> dict[str, Any]:
    aic, bic = fit.criteria(n)
    problem = fit_problem(unbounded, fit, size)
    notes = [problem] if problem else []
    estimate, se = size if problem is None else (math.nan, math.nan)
    if problem is None and not math.isfinite(se):
        notes.append("no standard error (negative delta-method variance)")
        se = math.nan
    if fit.rank < len(fit.names):
        notes.append("design not of full rank")
    if fit.dropped:
        notes.append("set to zero: " + ", ".join(fit.dropped))
    return {"estimate": estimate, "se": se, "deviance": fit.deviance, "df": fit.df_resid,
            "AIC": aic, "BIC": bic, "converged": fit.converged, "estimable": problem is None,
            "info": "; ".join(notes) or "OK"}


def closedp_ci(histories: CaptureData | None = None, freq: Freq = None, *, model: str,
               counts: Counts | None = None, occasions: float | None = None,
               level: float = 0.95) -> SizeEstimate:
    """One of :func:`closedp`'s models with its profile-likelihood interval.

    As Rcapture's ``closedpCI.t`` / ``closedpCI.0``: ``model`` is a row name
    of :func:`closedp` other than Mb and Mbh (``"M0"``, ``"Mt"``,
    ``"Mh Chao (LB)"``, ``"Mth Poisson2"``, ...), or ``"Mh Normal"`` /
    ``"Mth Normal"`` (three occasions or more; ``"Mth Normal"`` needs capture
    histories): Rivest's (2011) normal mixing distribution, Rcapture's
    ``h="Normal"``, with Chao's (1987) log-normal interval instead of the
    profile one (as Rcapture; see :func:`loglinear` for its standard error).

    Parameters
    ----------
    histories : DataFrame, 2-D array or dict, optional
        Capture histories, one column per occasion, as :func:`closedp`.
    freq : str or array-like, optional
        Count of each history row, as :func:`closedp`.
    model : str
        Row name of the :func:`closedp` model to fit.
    counts : sequence of int, optional
        Instead of histories: the frequencies of capture ``f1, f2, ...``.
    occasions : int or float, optional
        Number of capture occasions behind ``counts`` (``math.inf``: continuous
        time), as :func:`closedp`.
    level : float, default 0.95
        Confidence level of the profile-likelihood interval.

    Returns
    -------
    SizeEstimate
        The Poisson estimate ``n + exp(b0)`` with its SE and the multinomial
        profile-likelihood interval; ``extra["profile_mle"]`` is the
        multinomial estimate Rcapture prints beside the interval.

    Raises
    ------
    UnboundedSizeError, CaptureConvergenceError
        As :func:`loglinear`: a model whose size the data do not bound, or a
        fit that does not converge, is refused rather than printed.

    Examples
    --------
    >>> import math
    >>> import micropop as mp
    >>> est = mp.size.closedp_ci(counts=[1645, 183, 37, 13, 1, 1], occasions=math.inf,
    ...                          model="Mh Chao (LB)")
    >>> round(est.ci_low, 1), round(est.ci_high)
    (8088.2, 10704)
    """
    designs, n, _, table = model_designs(histories, freq, counts, occasions)
    normal: dict[str, Design] = {}  # Rivest's (2011) normal mixture, 3 occasions or more
    if "Mh Chao (LB)" in designs:
        normal["Mh Normal"] = designs["M0"]
        if table is not None:
            normal["Mth Normal"] = designs["Mt"]
    if model not in designs and model not in normal:
        raise CaptureRecaptureError(
            f"no closedp model {model!r} with an interval for these data",
            hint=f"choose one of {', '.join([*designs, *normal])}")
    assumptions = (*CLOSED_ASSUMPTIONS,
                   "Captures of a person on different occasions are independent given "
                   "their catchability.",
                   _CLOSEDP_ASSUMPTIONS[model.split()[0]])
    inputs = {"model": model, "n_observed": n,
              "occasions": occasions if table is None else len(table.lists)}
    if model in normal:
        nbcap = (table.patterns.sum(axis=1) if table is not None
                 else np.arange(len(designs["M0"].y), 0, -1))
        return normal_estimate(normal[model], nbcap, n, level, method=f"closedp {model}",
                               assumptions=(*assumptions, NORMAL_ASSUMPTION),
                               inputs=inputs, extra={"model": model})
    recaptured = (recaptured_count(table) if table is not None
                  else float(designs["M0"].y[:-1].sum()))  # cells in nbcap order t, ..., 1
    return size_estimate(designs[model], n, level, method=f"closedp {model}",
                         assumptions=assumptions, inputs=inputs, extra={"model": model},
                         recaptured=recaptured)


_CLOSEDP_ASSUMPTIONS = {
    "M0": "Everyone has the same capture probability on every occasion.",
    "Mt": "Capture probabilities vary between occasions but not between people.",
    "Mh": "Capture probabilities vary between people (in the stated form) but not "
          "between occasions.",
    "Mth": "Capture probabilities vary between occasions and between people "
           "(in the stated form).",
}
