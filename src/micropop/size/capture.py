"""Two-list and frequency-of-capture estimators of population size.

Lincoln–Petersen and Chapman (with Seber's variances), Schnabel's estimator
for k occasions, Chao's lower bound and Zelterman's estimator from the
numbers of people caught once, twice, ... Every function returns a
:class:`~micropop.size.SizeEstimate`.

Examples
--------
>>> import micropop as mp
>>> est = mp.size.chapman(n1=1278, n2=1069, m=36)
>>> round(est.estimate)
36986
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from scipy import stats

from micropop.errors import (
    CaptureRecaptureError,
    InconsistentCountsError,
    InvalidCountError,
    NoRecaptureError,
    check_level,
    check_number,
    check_option,
)
from micropop.size._histories import (
    CaptureData,
    Counts,
    Freq,
    capture_cells,
    check_counts,
    frequency_counts,
)
from micropop.size._poisson_fit import Design
from micropop.size._size_interval import CLOSED_ASSUMPTIONS, profile_interval
from micropop.size.result import SizeEstimate, at_least

__all__ = ["lincoln_petersen", "chapman", "two_list_counts", "schnabel",
           "chao_lower_bound", "zelterman"]

TwoListCI = Literal["normal", "lognormal", "profile"]

_TWO_LIST_ASSUMPTIONS = (
    *CLOSED_ASSUMPTIONS,
    "The two lists are independent: being on one does not change the chance of being "
    "on the other.",
    "Within at least one list everyone has the same chance of being listed "
    "(or catchability is unrelated between the lists).",
)
_CI_NAMES = {"normal": "normal (Wald)", "lognormal": "log-normal (Chao 1987)",
             "profile": "profile likelihood (multinomial, Cormack 1992)"}


def _z(level: float) -> float:
    return float(stats.norm.ppf(0.5 + check_level("level", level) / 2))


def wald_interval(estimate: float, se: float, observed: float, ci: str,
                   level: float) -> tuple[float, float]:
    """Normal interval truncated at ``observed``, or Chao's (1987) log-normal one.

    Chao's interval never goes below the ``observed`` people seen; the normal
    one is truncated there (as Rcapture's intervals are).
    """
    z = _z(level)
    if ci == "normal":
        return at_least(estimate - z * se, estimate + z * se, observed)
    check_option("ci", ci, sorted(_CI_NAMES))
    unseen = estimate - observed
    if unseen <= 0:
        return observed, observed
    c = math.exp(z * math.sqrt(math.log1p(se ** 2 / unseen ** 2)))
    return observed + unseen / c, observed + unseen * c


def _two_list_design(n1: int, n2: int, m: int) -> Design:
    """Model Mt on the 2x2 table (both lists, first only, second only)."""
    patterns = np.array([[1, 1], [1, 0], [0, 1]], dtype=float)
    return Design(y=np.array([m, n1 - m, n2 - m], dtype=float),
                  X=np.column_stack([np.ones(3), patterns]),
                  names=("(Intercept)", "list1", "list2"), offset=np.zeros(3), n_fixed=3)


def _check_two_lists(n1: int, n2: int, m: int) -> tuple[int, int, int]:
    """The one check of two-list counts; returns them as Python ints (no int64 overflow)."""
    values = check_counts(np.array([n1, n2, m], dtype=object), "n1, n2 and m",
                          ["n1", "n2", "m"])
    n1, n2, m = (int(v) for v in values)
    for name, n in (("n1", n1), ("n2", n2)):
        if m > n:
            raise InconsistentCountsError(
                f"m = {m} people on both lists but {name} = {n} on list "
                f"{name[-1]}: the overlap cannot exceed a list",
                hint="check which count is the overlap (m) and which are the list sizes")
    return n1, n2, m


def _two_list(n1: int, n2: int, m: int, estimate: float, variance: float, ci: str,
              level: float, method: str) -> SizeEstimate:
    observed = n1 + n2 - m
    se = math.sqrt(variance)
    if ci == "profile":
        _, low, high = profile_interval(_two_list_design(n1, n2, m), observed,
                                        max(estimate, observed + 1.0), level,
                                        unbounded=m == 0)
    else:
        low, high = wald_interval(estimate, se, observed, ci, level)
    return SizeEstimate(estimate=estimate, se=se, ci_low=low, ci_high=high, ci_level=level,
                        ci_method=_CI_NAMES[ci], method=method,
                        assumptions=_TWO_LIST_ASSUMPTIONS,
                        inputs={"n1": n1, "n2": n2, "m": m, "n_observed": observed})


def lincoln_petersen(n1: int, n2: int, m: int, ci: TwoListCI = "normal",
                     level: float = 0.95) -> SizeEstimate:
    """Lincoln–Petersen estimate ``N = n1 n2 / m`` from two lists.

    Variance ``n1 n2 (n1 - m)(n2 - m) / m^3`` (Seber 1982, p. 60).

    Parameters
    ----------
    n1, n2 : int
        Number of people on the first and on the second list.
    m : int
        Number on both lists (recaptures); must be positive.
    ci : {"normal", "lognormal", "profile"}
        Normal (Wald) interval, truncated below at the ``n1 + n2 - m``
        people seen (as Rcapture's intervals); Chao's (1987) log-normal
        interval, which never falls below them and is better with few
        recaptures; or the profile-likelihood interval of the
        multinomial model of independent lists for the 2x2 table with its
        unobserved cell (Cormack 1992).
    level : float, default 0.95

    Returns
    -------
    SizeEstimate

    Raises
    ------
    NoRecaptureError
        If ``m == 0`` (use :func:`chapman`).
    InvalidCountError, InconsistentCountsError
        Counts that are not non-negative whole numbers, or an overlap larger
        than a list.

    Examples
    --------
    >>> import micropop as mp
    >>> est = mp.size.lincoln_petersen(948, 421, 167)
    >>> round(est.estimate, 1), round(est.se, 1)
    (2389.9, 130.4)
    """
    n1, n2, m = _check_two_lists(n1, n2, m)
    if m == 0:
        raise NoRecaptureError(
            f"no one is on both lists (m = 0), so n1 n2 / m = {n1} x {n2} / 0 is infinite",
            hint="use mp.size.chapman(n1, n2, m), which is defined for m = 0, and read "
                 "its interval: with no overlap the data say little about the size")
    estimate = n1 * n2 / m
    variance = n1 * n2 * (n1 - m) * (n2 - m) / m ** 3
    return _two_list(n1, n2, m, estimate, variance, ci, level, "Lincoln-Petersen")


def chapman(n1: int, n2: int, m: int, ci: TwoListCI = "normal",
            level: float = 0.95) -> SizeEstimate:
    """Chapman's nearly unbiased two-list estimate, with Seber's variance.

    ``N = (n1 + 1)(n2 + 1) / (m + 1) - 1`` and
    ``var = (n1 + 1)(n2 + 1)(n1 - m)(n2 - m) / ((m + 1)^2 (m + 2))``
    (Chapman 1951; Seber 1970). Defined for ``m = 0``. Parameters as
    :func:`lincoln_petersen`; the profile interval is the same likelihood's
    (it does not depend on the point estimator) and has no upper limit
    (``inf``) when ``m = 0``. Every interval starts at the ``n1 + n2 - m``
    people seen or above.

    Parameters
    ----------
    n1, n2 : int
        Number of people on the first and on the second list; both positive.
    m : int
        Number on both lists (recaptures); may be 0.
    ci : {"normal", "lognormal", "profile"}
        As :func:`lincoln_petersen`.
    level : float, default 0.95
        Coverage of the interval.

    Returns
    -------
    SizeEstimate

    Raises
    ------
    NoRecaptureError
        A list with no one on it (``n1 = 0`` or ``n2 = 0``).

    Examples
    --------
    >>> import micropop as mp
    >>> est = mp.size.chapman(60, 50, 20, ci="lognormal")
    >>> round(est.estimate, 2), round(est.ci_low, 1), round(est.ci_high, 1)
    (147.14, 119.7, 199.9)
    """
    n1, n2, m = _check_two_lists(n1, n2, m)
    for name, n in (("n1", n1), ("n2", n2)):
        if n == 0:
            raise NoRecaptureError(
                f"list {name[-1]} is empty ({name} = 0): one list alone says nothing about "
                "the people on neither", hint="capture–recapture needs two lists with people "
                                              "on each")
    estimate = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    variance = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    return _two_list(n1, n2, m, estimate, variance, ci, level, "Chapman")


def two_list_counts(histories: CaptureData, freq: Freq = None) -> tuple[int, int, int]:
    """``(n1, n2, m)`` from two-list capture histories, for :func:`chapman` and friends.

    Parameters
    ----------
    histories : DataFrame, 2-D array or dict
        Capture histories with two lists, in any form accepted by
        :func:`~micropop.size.capture_table`.
    freq : str or array-like, optional
        As :func:`~micropop.size.capture_table`.

    Returns
    -------
    tuple of int
        ``n1`` and ``n2``, the people on each list, and ``m``, those on both.

    Examples
    --------
    >>> import micropop as mp
    >>> mp.size.two_list_counts({"survey": [1, 2, 3, 4], "roster": [3, 4, 5]})
    (4, 3, 2)
    """
    table = capture_cells(histories, freq)
    if len(table.lists) != 2:
        raise InconsistentCountsError(
            f"two-list estimators need exactly 2 lists, got {len(table.lists)} "
            f"({', '.join(table.lists)})",
            hint="select two list columns, or use mp.size.loglinear for more lists")
    both, first, second = table.counts.astype(int)
    return int(both + first), int(both + second), int(both)


def schnabel(histories: CaptureData, freq: Freq = None,
             ci: Literal["inverse", "normal", "lognormal"] = "inverse",
             level: float = 0.95) -> SizeEstimate:
    """Schnabel's estimate for k capture occasions (columns in time order).

    ``N = sum C_t M_t / sum R_t``, with ``C_t`` caught at occasion t,
    ``M_t`` distinct people caught before t and ``R_t`` recaptures at t.
    Variance of ``1/N``: ``sum R_t / (sum C_t M_t)^2`` (Seber 1982, p. 139);
    the SE of N is its delta-method transform.

    Parameters
    ----------
    histories : DataFrame, 2-D array or dict
        Capture histories, one list per occasion in time order, in any form
        accepted by :func:`~micropop.size.capture_table`.
    freq : str or array-like, optional
        As :func:`~micropop.size.capture_table`.
    ci : {"inverse", "normal", "lognormal"}
        ``"inverse"`` (the textbook interval): a normal interval for ``1/N``,
        inverted and truncated below at the people seen. Or as
        :func:`lincoln_petersen`.
    level : float, default 0.95

    Returns
    -------
    SizeEstimate
        With the captures and recaptures of each occasion in ``inputs``.

    Raises
    ------
    NoRecaptureError
        No one caught twice.
    CaptureRecaptureError
        An estimate below the number of people seen (too many recaptures for
        the model: it is refused rather than truncated).

    Examples
    --------
    >>> import pandas as pd
    >>> import micropop as mp
    >>> hare = pd.read_csv("tests/reference/rcapture/hare.csv")
    >>> round(mp.size.schnabel(hare).estimate, 1)
    76.7
    """
    table = capture_cells(histories, freq)
    caught = table.patterns.astype(bool)
    before = np.cumsum(caught, axis=1) - caught > 0
    c = table.counts @ caught
    recaptured = table.counts @ (caught & before)
    marked = table.counts @ before
    cm, r = float(c @ marked), float(recaptured.sum())
    if r == 0:
        raise NoRecaptureError(
            f"no one was caught twice across the {len(table.lists)} occasions",
            hint="the Schnabel estimate needs recaptures; see mp.size.chao_lower_bound")
    estimate = cm / r
    if estimate < table.n:
        raise CaptureRecaptureError(
            f"Schnabel's estimate {estimate:,.1f} is below the {table.n:,} people seen: the "
            f"{recaptured.sum():,.0f} recaptures are too many for equal catchability",
            hint="people caught once are more likely to be caught again (or catchability "
                 "varies): compare mp.size.closedp's models Mb and Mh")
    se = estimate ** 2 * math.sqrt(r) / cm
    if ci == "inverse":
        half = _z(level) * math.sqrt(r) / cm
        low, high = at_least(1 / (r / cm + half),
                             1 / (r / cm - half) if r / cm > half else math.inf, table.n)
    else:
        low, high = wald_interval(estimate, se, table.n, ci, level)
    return SizeEstimate(
        estimate=estimate, se=se, ci_low=low, ci_high=high, ci_level=level,
        ci_method="normal on 1/N, inverted" if ci == "inverse" else _CI_NAMES[ci],
        method="Schnabel",
        assumptions=(*CLOSED_ASSUMPTIONS,
                     "Everyone has the same capture probability on a given occasion.",
                     "Being caught once does not change the chance of being caught again."),
        inputs={"occasions": table.lists, "n_observed": table.n,
                "captures": c.astype(int).tolist(), "recaptures": recaptured.astype(int).tolist()})


def chao_lower_bound(counts: Counts, occasions: int | None = None, bias_corrected: bool = False,
                     ci: Literal["lognormal", "normal"] = "lognormal",
                     level: float = 0.95) -> SizeEstimate:
    """Chao's (1987) lower bound ``S + f1^2 / (2 f2)`` under heterogeneous catchability.

    Parameters
    ----------
    counts : sequence of int
        ``f1, f2, ...``: people caught exactly once, twice, ...
    occasions : int, optional
        Number of occasions t (2 or more); multiplies the correction by ``(t - 1) / t``
        (Chao 1987). Leave out for continuous-time captures (Rcapture's
        ``t=Inf``, under which this equals its log-linear "Mh LB" model).
    bias_corrected : bool, default False
        Use ``f1 (f1 - 1) / (2 (f2 + 1))`` (Chao 2005), defined when ``f2 = 0``.
    ci : {"lognormal", "normal"}
        Chao's (1987) log-normal interval (default) or a normal one, truncated
        below at the people seen.
    level : float, default 0.95

    Returns
    -------
    SizeEstimate
        SE from Chao's (1987) variance (or its bias-corrected form).

    Examples
    --------
    >>> import micropop as mp
    >>> est = mp.size.chao_lower_bound([1645, 183, 37, 13, 1, 1])
    >>> round(est.estimate, 1), round(est.se, 1)
    (9273.5, 662.6)
    """
    f = frequency_counts(counts)
    s, f1, f2 = float(f.sum()), float(f[0]), float(f[1])
    if occasions is not None:
        occasions = check_number("occasions", occasions, low=2, integer=True,
                                 hint="give the whole number of capture occasions (2 or "
                                      "more), or leave it out for continuous time")
        if len(f) > occasions and f[occasions:].any():
            raise InvalidCountError(
                f"people caught more than occasions={occasions} times (counts has "
                f"{len(f)} values)", hint="check occasions, or leave it out")
    k = 1.0 if occasions is None else (occasions - 1) / occasions
    if bias_corrected:
        unseen = k * f1 * (f1 - 1) / (2 * (f2 + 1))
        variance = (k * f1 * (f1 - 1) / (2 * (f2 + 1))
                    + k ** 2 * f1 * (2 * f1 - 1) ** 2 / (4 * (f2 + 1) ** 2)
                    + k ** 2 * f1 ** 2 * f2 * (f1 - 1) ** 2 / (4 * (f2 + 1) ** 4))
    else:
        if f2 == 0:
            raise NoRecaptureError(
                "no one was caught exactly twice (f2 = 0), so f1^2 / (2 f2) is infinite",
                hint="use bias_corrected=True (Chao 2005), which is defined for f2 = 0")
        r = f1 / f2
        unseen = k * f1 ** 2 / (2 * f2)
        variance = f2 * (k ** 2 * r ** 4 / 4 + k ** 2 * r ** 3 + k * r ** 2 / 2)
    estimate, se = s + unseen, math.sqrt(variance)
    low, high = wald_interval(estimate, se, s, ci, level)
    return SizeEstimate(
        estimate=estimate, se=se, ci_low=low, ci_high=high, ci_level=level,
        ci_method=_CI_NAMES[ci],
        method="Chao lower bound" + (" (bias-corrected)" if bias_corrected else ""),
        assumptions=(*CLOSED_ASSUMPTIONS,
                     "A lower bound: valid when catchability varies between people, it "
                     "estimates at least how many there are.",
                     "Captures of a person are independent given their catchability."),
        inputs={"f1": int(f1), "f2": int(f2), "n_observed": int(s), "occasions": occasions})


def zelterman(counts: Counts, ci: Literal["lognormal", "normal"] = "lognormal",
              level: float = 0.95) -> SizeEstimate:
    """Zelterman's (1988) estimate ``S / (1 - exp(-2 f2 / f1))``.

    Each person's number of captures is taken as Poisson; the rate is
    estimated locally from ``f1`` and ``f2`` only, which makes it robust to
    heterogeneity among the often-caught. SE by conditioning (Böhning 2008):
    ``var = S p0 / (1 - p0)^2 + S^2 p0^2 / (1 - p0)^4 * lambda^2 (1/f1 + 1/f2)``,
    with ``lambda = 2 f2 / f1`` and ``p0 = exp(-lambda)``.

    Parameters
    ----------
    counts : sequence of int
        ``f1, f2, ...``: people caught exactly once, twice, ...
    ci : {"lognormal", "normal"}
    level : float, default 0.95

    Returns
    -------
    SizeEstimate

    Examples
    --------
    >>> import micropop as mp
    >>> round(mp.size.zelterman([1645, 183, 37, 13, 1, 1]).estimate, 1)
    9424.6
    """
    f = frequency_counts(counts)
    s, f1, f2 = float(f.sum()), float(f[0]), float(f[1])
    if f1 == 0 or f2 == 0:
        raise NoRecaptureError(
            f"Zelterman's estimator needs people caught once and twice (f1 = {f1:.0f}, "
            f"f2 = {f2:.0f})", hint="use mp.size.chao_lower_bound(counts, bias_corrected=True)")
    lam = 2 * f2 / f1
    p0 = math.exp(-lam)
    estimate = s / (1 - p0)
    variance = (s * p0 / (1 - p0) ** 2
                + s ** 2 * p0 ** 2 / (1 - p0) ** 4 * lam ** 2 * (1 / f1 + 1 / f2))
    se = math.sqrt(variance)
    low, high = wald_interval(estimate, se, s, ci, level)
    return SizeEstimate(
        estimate=estimate, se=se, ci_low=low, ci_high=high, ci_level=level,
        ci_method=_CI_NAMES[ci], method="Zelterman",
        assumptions=(*CLOSED_ASSUMPTIONS,
                     "Among people caught once or twice, the number of captures is Poisson "
                     "with a common rate (heterogeneity elsewhere is allowed)."),
        inputs={"f1": int(f1), "f2": int(f2), "n_observed": int(s)})
