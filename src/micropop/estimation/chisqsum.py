"""Distribution of a linear combination of chi-squares, as R ``survey``'s ``pchisqsum``.

Pearson's X^2 of a survey table is asymptotically ``sum_j a_j chi2_{df_j}``
with the generalised design effects as the coefficients ``a_j`` (Rao and
Scott 1984); R's ``svychisq(statistic="lincom")`` and ``"saddlepoint"``
refer X^2 to that distribution, or to its F analogue ``sum_j a_j
chi2_{df_j} / (chi2_ddf / ddf)`` when the design has finite degrees of
freedom (R's ``pFsum``). Three methods, as R:

- ``"satterthwaite"``: a scaled chi-square (F) with the first two moments;
- ``"saddlepoint"``: Kuonen's (1999) saddlepoint approximation, with R's
  root finder (Brent's ``zeroin``, tolerance 1e-8) and R's fallback to
  Satterthwaite where the saddlepoint is too close to zero;
- ``"integration"``: Davies' (1980) algorithm AS 155, which numerically
  inverts the characteristic function with a bounded absolute error: 1e-7
  (then 1e-5) with at most 10,000 terms for :func:`pfsum`, exactly as R asks of
  ``CompQuadForm::davies``; 1e-9 for :func:`pchisqsum`, where R uses
  Farebrother's series, as accurate, for positive coefficients.

Examples
--------
>>> from micropop.estimation.chisqsum import pchisqsum
>>> round(float(pchisqsum(3.0, [1, 1], [1.0, 1.0], lower_tail=False)), 6)
0.22313
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from micropop.errors import ChisqSumAccuracyError, ChisqSumError

__all__ = ["CHISQSUM_METHODS", "pchisqsum", "pfsum"]

#: Methods of :func:`pchisqsum` and :func:`pfsum` (R's ``method=``).
CHISQSUM_METHODS = ("saddlepoint", "integration", "satterthwaite")

#: Davies' (error bound, limit on terms and calls) tried in turn: R's ``pFsum``
#: asks ``CompQuadForm::davies`` for 1e-7 and retries at 1e-5 (``lim`` 10,000).
_PFSUM_ATTEMPTS = ((1e-7, 10_000), (1e-5, 10_000))
#: For ``pchisqsum`` R uses Farebrother's series (error below 1e-10) when every
#: coefficient is positive and Davies at 1e-7 otherwise; Davies at 1e-9 with more
#: terms comes close to the former, then 1e-7.
_PCHISQSUM_ATTEMPTS = ((1e-9, 10_000_000), (1e-7, 10_000_000))


def pchisqsum(x: ArrayLike, df: ArrayLike, a: ArrayLike, lower_tail: bool = True,
              method: str = "satterthwaite") -> np.ndarray:
    """Distribution function of ``sum_j a_j chi2_{df_j}``, as R's ``pchisqsum``.

    Parameters
    ----------
    x : float or array_like
        Quantiles (finite numbers).
    df : int or array_like of int
        Degrees of freedom of each chi-square (whole numbers >= 1), one per
        coefficient or a single value for all.
    a : array_like
        Coefficients; at least one positive. Negative coefficients are
        accepted by ``"saddlepoint"`` and ``"integration"`` (as R).
    lower_tail : bool, default True
        ``P(Q <= x)``; ``False`` gives ``P(Q > x)``.
    method : {"satterthwaite", "saddlepoint", "integration"}, default "satterthwaite"
        As R (whose default is also ``"satterthwaite"``). ``"saddlepoint"``
        falls back to Satterthwaite where the saddlepoint is within 1e-4 of
        zero (``x`` near the mean), as R does. ``"integration"`` is Davies'
        algorithm with absolute error at most 1e-9 (1e-7 where that would take
        more than ten million terms); R uses it at 1e-7 when a coefficient is
        <= 0 and Farebrother's series (error below 1e-10) otherwise.

    Returns
    -------
    ndarray
        Probabilities, of the shape of ``x``.

    Raises
    ------
    ChisqSumError
        A non-finite ``x``, ``df`` and ``a`` of different lengths, ``df`` not
        whole numbers >= 1, no positive coefficient, an unknown method, or
        ``"satterthwaite"`` with a coefficient <= 0.
    ChisqSumAccuracyError
        Davies' algorithm failing even at R's fallback accuracy 1e-5.

    Notes
    -----
    For ``x <= 0`` with no negative coefficient, ``"saddlepoint"`` returns
    the exact tail (``P(Q > x) = 1``) where R's root finder stops with an error.

    Examples
    --------
    >>> from micropop.estimation.chisqsum import pchisqsum
    >>> pchisqsum([1.0, 5.0], [1, 2], [2.0, 0.5], lower_tail=False,
    ...           method="saddlepoint").round(4).tolist()
    [0.7461, 0.1709]
    """
    method = _method(method)
    x, (coef, dfs) = _quantiles(x), _coefficients(df, a)
    lam = np.repeat(coef, dfs)
    if method == "satterthwaite":
        return _satterthwaite(x, lam, np.inf, lower_tail)
    if method == "integration":
        upper = _each(x, lambda q: _davies_upper(q, coef, dfs, _PCHISQSUM_ATTEMPTS))
        return _tail(upper, lower_tail)
    upper = _each(x, lambda q: _saddle(q, lam))
    return _or_satterthwaite(_tail(upper, lower_tail), x, lam, np.inf, lower_tail)


def pfsum(x: ArrayLike, df: ArrayLike, a: ArrayLike, ddf: float = np.inf,
          lower_tail: bool = True, method: str = "saddlepoint") -> np.ndarray:
    """Distribution function of ``sum_j a_j chi2_{df_j} / (chi2_ddf / ddf)``, as R's ``pFsum``.

    The chi-square sum of :func:`pchisqsum` over an independent chi-square
    with ``ddf`` degrees of freedom divided by ``ddf``: the reference
    distribution of Pearson's X^2 in a design with ``ddf`` degrees of freedom.

    Parameters
    ----------
    x : float or array_like
        Quantiles of the ratio.
    df : int or array_like of int
        Degrees of freedom of the chi-squares of the numerator, as :func:`pchisqsum`.
    a : array_like
        Their coefficients, as :func:`pchisqsum`.
    ddf : float, default inf
        Denominator degrees of freedom (>= 1, or ``inf`` for :func:`pchisqsum`).
        As R, a finite ``ddf`` counts as ``floor(ddf)`` chi-squares each
        with coefficient ``-x / ddf`` in the saddlepoint and the integration
        (a ``ddf`` within 1e-9 of a whole number as that number).
    lower_tail : bool, default True
        ``P(F <= x)``; ``False`` gives the upper tail.
    method : {"saddlepoint", "integration", "satterthwaite"}, default "saddlepoint"
        As R (whose default is also ``"saddlepoint"``). With ``ddf=inf`` the
        method is passed on to :func:`pchisqsum` (R's ``pFsum`` drops it there
        and always uses Satterthwaite). ``"integration"`` is Davies' algorithm
        at accuracy 1e-7, then 1e-5 if that fails, as R.

    Returns
    -------
    ndarray
        ``P(F <= x)``, or ``P(F > x)`` with ``lower_tail=False``, for each ``x``.

    Raises
    ------
    ChisqSumError
        As :func:`pchisqsum`, and ``ddf`` below 1 or not a number.
    ChisqSumAccuracyError
        Davies' algorithm failing at both accuracies.

    Notes
    -----
    R 4.2's ``pFsum`` stops with "invalid 'times' argument" for saddlepoint
    with any ``df > 1``; here each coefficient is repeated ``df`` times, which
    is what it computes whenever it runs.

    Examples
    --------
    >>> from micropop.estimation.chisqsum import pfsum
    >>> pfsum(4.0, [1, 1], [1.5, 0.5], ddf=30, lower_tail=False).round(4).tolist()
    0.1515
    """
    if not (isinstance(ddf, (int, float, np.integer, np.floating)) and ddf >= 1):
        raise ChisqSumError(f"ddf={ddf!r} is not a number of degrees of freedom",
                            hint="pass ddf >= 1, or ddf=numpy.inf for pchisqsum")
    if np.isinf(ddf):
        return pchisqsum(x, df, a, lower_tail=lower_tail, method=method)
    method = _method(method)
    x, (coef, dfs) = _quantiles(x), _coefficients(df, a)
    lam = np.repeat(coef, dfs)
    if method == "satterthwaite":
        return _satterthwaite(x, lam, float(ddf), lower_tail)
    whole = _whole(float(ddf))
    if method == "integration":
        counts = np.append(dfs, whole)
        upper = _each(x, lambda q: _davies_upper(0.0, np.append(coef, -q / ddf), counts,
                                                 _PFSUM_ATTEMPTS))
        return _tail(upper, lower_tail)
    upper = _each(x, lambda q: _saddle(0.0, np.append(lam, np.full(whole, -q / ddf))))
    return _or_satterthwaite(_tail(upper, lower_tail), x, lam, float(ddf), lower_tail)


# --- arguments -----------------------------------------------------------------


def _method(method: str) -> str:
    if method not in CHISQSUM_METHODS:
        raise ChisqSumError(f"method={method!r} is not a method",
                            hint="use one of " + ", ".join(map(repr, CHISQSUM_METHODS)))
    return method


def _quantiles(x: ArrayLike) -> np.ndarray:
    values = np.array(x, dtype=float)
    if not np.isfinite(values).all():
        raise ChisqSumError(f"x has {np.count_nonzero(~np.isfinite(values))} missing or "
                            "infinite value(s)", hint="pass finite quantiles")
    return values


def _coefficients(df: ArrayLike, a: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """The coefficients and their degrees of freedom (integers, one per coefficient)."""
    coef = np.atleast_1d(np.asarray(a, dtype=float))
    dfs = np.atleast_1d(np.asarray(df, dtype=float))
    if coef.ndim != 1 or dfs.ndim != 1 or (len(dfs) not in (1, len(coef))):
        raise ChisqSumError(f"df has {dfs.size} value(s) and a has {coef.size}",
                            hint="give one degree of freedom per coefficient, or a single one")
    if not (np.isfinite(dfs).all() and (dfs >= 1).all() and (dfs == np.round(dfs)).all()):
        raise ChisqSumError(f"df={dfs.tolist()} are not all whole numbers >= 1",
                            hint="pass positive integer degrees of freedom")
    if not np.isfinite(coef).all() or not (coef > 0).any():
        raise ChisqSumError(f"a={coef.tolist()} needs finite values, at least one positive",
                            hint="pass the coefficients (e.g. design effects) as numbers")
    return coef, np.broadcast_to(dfs, coef.shape).astype(int)


def _whole(ddf: float) -> int:
    """The number of chi-squares in ``chi2_ddf``: R's ``rep(-x/ddf, ddf)`` and
    ``as.integer(ddf)`` truncate; a ``ddf`` within 1e-9 (relative) of a whole
    number counts as that number, as rounding in computing it (``d0 * nu``)
    must not drop a chi-square."""
    nearest = round(ddf)
    return nearest if abs(ddf - nearest) <= 1e-9 * ddf else math.floor(ddf)


def _each(x: np.ndarray, upper: Callable[[float], float]) -> np.ndarray:
    """``upper`` at every quantile (each needs its own root or integration)."""
    return np.array([upper(float(q)) for q in x.ravel()]).reshape(x.shape)


def _tail(upper: np.ndarray, lower_tail: bool) -> np.ndarray:
    return np.asarray(1.0 - upper) if lower_tail else upper


def _or_satterthwaite(p: np.ndarray, x: np.ndarray, lam: np.ndarray, ddf: float,
                      lower_tail: bool) -> np.ndarray:
    """Satterthwaite's value where the saddlepoint gave none (R's fallback)."""
    missing = np.isnan(p)
    if missing.any():
        p[missing] = _satterthwaite(x[missing], lam, ddf, lower_tail)
    return p


# --- Satterthwaite ------------------------------------------------------------------


def _satterthwaite(x: np.ndarray, lam: np.ndarray, ddf: float,
                   lower_tail: bool) -> np.ndarray:
    """The scaled chi-square (F when ``ddf`` is finite) with Q's first two moments."""
    if (lam <= 0).any():
        raise ChisqSumError("Satterthwaite's approximation needs positive coefficients",
                            hint="use method='saddlepoint' or 'integration'")
    ratio = np.mean(lam**2) / np.mean(lam) ** 2
    scale, ndf = np.mean(lam) * ratio, len(lam) / ratio
    if np.isinf(ddf):
        dist = stats.chi2(ndf, scale=scale)
    else:
        dist = stats.f(ndf, ddf, scale=scale * ndf)
    probability: np.ndarray = dist.cdf(x) if lower_tail else dist.sf(x)  # scipy is untyped
    return probability


# --- saddlepoint (Kuonen 1999), as R survey's saddle() -------------------------------


def _saddle(x: float, lam: np.ndarray) -> float:
    """``P(sum lam_j chi2_1 > x)`` by Lugannani and Rice's formula; NaN near the mean."""
    negative = (lam < 0).any()
    if x <= 0 and not negative:
        return 1.0
    scale = lam.max()
    lam, x = lam / scale, x / scale

    def slope(z: float) -> float:  # K'(z) - x, K the cumulant generating function
        return math.fsum(lam / (1.0 - 2.0 * z * lam)) - x

    if negative:
        low: float = np.max(1.0 / (2.0 * lam[lam < 0])) * 0.99999
    elif x > math.fsum(lam):
        low = -0.01
    else:
        low = -len(lam) / (2.0 * x)
    high = np.min(1.0 / (2.0 * lam[lam > 0])) * 0.99999
    zeta = _zeroin(slope, float(low), float(high), tol=1e-8)
    if abs(zeta) < 1e-4:
        return np.nan
    cumulant = -math.fsum(np.log(1.0 - 2.0 * zeta * lam)) / 2.0
    w = math.copysign(math.sqrt(2.0 * (zeta * x - cumulant)), zeta)
    v = zeta * math.sqrt(2.0 * math.fsum(lam**2 / (1.0 - 2.0 * zeta * lam) ** 2))
    return float(stats.norm.sf(w + math.log(v / w) / w))


def _zeroin(f: Callable[[float], float], a: float, b: float, tol: float,
            maxiter: int = 1000) -> float:
    """Brent's (1973) root finder, step for step as R's ``uniroot``.

    Keeps the root bracketed by ``b`` (best so far) and ``c``; tries inverse
    quadratic (or secant) interpolation and falls back to bisection when the
    step would leave the bracket or shrink too slowly.
    """
    fa, fb = f(a), f(b)
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    if np.sign(fa) * np.sign(fb) > 0:
        raise ChisqSumError("the saddlepoint equation has no root in its interval",
                            hint="use method='integration'")
    c, fc = a, fa
    eps = np.finfo(float).eps
    for _ in range(maxiter + 1):
        previous = b - a
        if abs(fc) < abs(fb):  # b must be the best approximation
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2.0 * eps * abs(b) + tol / 2.0
        step = (c - b) / 2.0
        if abs(step) <= tol_act or fb == 0.0:
            return b
        if abs(previous) >= tol_act and abs(fa) > abs(fb):
            cb = c - b
            if a == c:  # secant
                t1 = fb / fa
                p, q = cb * t1, 1.0 - t1
            else:  # inverse quadratic interpolation
                q, t1, t2 = fa / fc, fb / fc, fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if p < 0.75 * cb * q - abs(tol_act * q) / 2.0 and p < abs(previous * q / 2.0):
                step = p / q
        if abs(step) < tol_act:
            step = tol_act if step > 0 else -tol_act
        a, fa = b, fb
        b += step
        fb = f(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    return b  # R warns "_NOT_ converged" and returns the last iterate


# --- Davies (1980), algorithm AS 155 --------------------------------------------------


def _davies_upper(c: float, lam: np.ndarray, n: np.ndarray,
                  attempts: tuple[tuple[float, int], ...]) -> float:
    """``P(sum lam_j chi2_{n_j} > c)`` by Davies' algorithm, trying each
    (accuracy, limit) in turn until one succeeds."""
    for acc, limit in attempts:
        value, fault = _Davies(lam, n.astype(float), limit).lower(c, acc)
        if fault in (0, 2):  # 2: round-off possibly significant, accepted by R
            return 1.0 - value
    raise ChisqSumAccuracyError(
        f"Davies' algorithm did not reach accuracy {acc:g} within {limit} terms "
        f"(fault {fault})", hint="use method='saddlepoint'")


class _Davies:
    """One evaluation of Davies' algorithm for central chi-squares (no normal term).

    The distribution function is ``1/2 - (1/pi) int_0^inf Im[phi(u) e^{-iuc}] / u du``
    (Gil-Pelaez) with ``phi`` the characteristic function, computed by the
    trapezoidal rule at step ``2 pi / range`` up to a truncation point, both
    chosen from Davies' bounds on the discretisation and truncation errors;
    a convergence factor ``exp(-tau^2 u^2 / 2)`` (an added normal term whose
    effect is integrated out separately) shortens the integration when the
    characteristic function decays slowly.
    """

    _LOG2_OVER_8 = 0.0866  # Davies' constant, rounded as in AS 155
    _CHUNK = 1 << 16  # terms of the integral computed at once

    def __init__(self, lam: np.ndarray, n: np.ndarray, limit: int) -> None:
        self.lam, self.n, self.limit = lam, n, limit  # limit: calls to the bounds, terms
        self.sigsq = 0.0  # variance of the convergence factor's normal term
        self.calls = 0
        self.lmax, self.lmin = max(lam.max(), 0.0), min(lam.min(), 0.0)
        self.mean = float(np.sum(lam * n))
        self.by_size = np.argsort(-np.abs(lam), kind="stable")
        self.failed = False
        self.integral = self.error_sum = 0.0

    def _count(self) -> None:
        self.calls += 1
        if self.calls > self.limit:
            raise _DaviesLimit

    @staticmethod
    def _exp(x: np.ndarray | float) -> np.ndarray | float:
        return np.where(np.asarray(x) < -50.0, 0.0, np.exp(x))

    def _tail_bound(self, u: float) -> tuple[float, float]:
        """Chernoff bound on a tail with the moment generating function at ``u``,
        and the cut-off point it applies to."""
        self._count()
        x = 2.0 * u * self.lam
        y = 1.0 - x
        cut = u * self.sigsq + np.sum(self.lam * self.n / y)
        exponent = u * u * self.sigsq + np.sum(self.n * (x * x / y + np.log1p(-x) + x))
        return float(self._exp(-0.5 * exponent)), float(cut)

    def _cutoff(self, accx: float, u2: float) -> tuple[float, float]:
        """A point beyond which the tail (upper if ``u2 > 0``) has probability
        below ``accx``; returns it and the final ``u``."""
        u1, c1 = 0.0, self.mean
        rb = 2.0 * (self.lmax if u2 > 0 else self.lmin)
        while True:
            bound, c2 = self._tail_bound(u2 / (1.0 + u2 * rb))
            if bound <= accx:
                break
            u1, c1, u2 = u2, c2, 2.0 * u2
        while (c1 - self.mean) / (c2 - self.mean) < 0.9:
            u = (u1 + u2) / 2.0
            bound, cut = self._tail_bound(u / (1.0 + u * rb))
            if bound > accx:
                u1, c1 = u, cut
            else:
                u2, c2 = u, cut
        return c2, u2

    def _truncation(self, u: float, tausq: float) -> float:
        """Bound on the integration error from truncating at ``u``."""
        self._count()
        sum2 = (self.sigsq + tausq) * u * u
        x = (2.0 * u * self.lam) ** 2
        big = x > 1.0
        prod1 = 2.0 * sum2 + np.sum(self.n[~big] * np.log1p(x[~big]))
        prod2 = prod1 + np.sum(self.n[big] * np.log(x[big]))
        prod3 = prod1 + np.sum(self.n[big] * np.log1p(x[big]))
        s = np.sum(self.n[big])
        bound_x = self._exp(-0.25 * prod2) / np.pi
        bound_y = float(self._exp(-0.25 * prod3) / np.pi)
        err1 = 1.0 if s == 0 else bound_x * 2.0 / s
        err1 = min(err1, 2.5 * bound_y if prod3 > 1.0 else 1.0)
        half = 0.5 * sum2
        return float(min(err1, 1.0 if half <= bound_y else bound_y / half))

    def _find_u(self, ut: float, accx: float) -> float:
        """A truncation point ``u`` with error below ``accx`` (and not much smaller)."""
        u = ut / 4.0
        if self._truncation(u, 0.0) > accx:
            while self._truncation(ut, 0.0) > accx:
                ut *= 4.0
        else:
            ut = u
            u /= 4.0
            while self._truncation(u, 0.0) <= accx:
                ut, u = u, u / 4.0
        for divisor in (2.0, 1.4, 1.2, 1.1):
            if self._truncation(ut / divisor, 0.0) <= accx:
                ut /= divisor
        return ut

    def _integrate(self, c: float, nterm: int, step: float, tausq: float,
                   main: bool) -> None:
        """Add ``nterm + 1`` midpoint terms at ``step`` to the integral and the
        sum of absolute values (the round-off check); the auxiliary
        integration weights each term by ``1 - exp(-tausq u^2 / 2)``."""
        for start in range(0, nterm + 1, self._CHUNK):
            u = (np.arange(start, min(start + self._CHUNK, nterm + 1)) + 0.5) * step
            x = 2.0 * u[:, None] * self.lam[None, :]
            angle = self.n * np.arctan(x)
            theta = -2.0 * u * c + angle.sum(axis=1)
            absolute = np.abs(2.0 * u * c) + np.abs(angle).sum(axis=1)
            log_modulus = (-0.5 * self.sigsq * u * u
                           - 0.25 * (self.n * np.log1p(x * x)).sum(axis=1))
            term = step / np.pi * self._exp(log_modulus) / u
            if not main:
                term = term * (1.0 - self._exp(-0.5 * tausq * u * u))
            self.integral += float(np.sum(np.sin(0.5 * theta) * term))
            self.error_sum += float(np.sum(0.5 * absolute * term))

    def _factor_error(self, x: float) -> float:
        """Coefficient of ``tau^2`` in the error the convergence factor causes at ``x``."""
        self._count()
        axl, sign = abs(x), (1.0 if x > 0 else -1.0)
        total = 0.0
        for j in range(len(self.lam) - 1, -1, -1):  # smallest |lambda| first
            t = self.by_size[j]
            if self.lam[t] * sign > 0.0:
                lj = abs(self.lam[t])
                axl1, axl2 = axl - lj * self.n[t], lj / self._LOG2_OVER_8
                if axl1 > axl2:
                    axl = axl1
                else:
                    axl = min(axl, axl2)
                    total = (axl - axl1) / lj + float(np.sum(self.n[self.by_size[:j]]))
                    break
        if total > 100.0:
            self.failed = True
            return 1.0
        return float(2.0 ** (total / 4.0) / (np.pi * axl * axl))

    def lower(self, c: float, acc: float) -> tuple[float, int]:
        """``P(Q < c)`` and Davies' fault code (0 fine, 1 accuracy not reached,
        2 round-off possibly significant, 4 integration parameters not found)."""
        try:
            return self._lower(c, acc)
        except _DaviesLimit:
            return np.nan, 4

    def _lower(self, c: float, acc: float) -> tuple[float, int]:
        sd = math.sqrt(float(np.sum(self.lam**2 * 2.0 * self.n)))
        largest = max(self.lmax, -self.lmin)
        limit = float(self.limit)
        acc1 = acc
        utx = self._find_u(16.0 / sd, 0.5 * acc1)
        if c != 0.0 and largest > 0.07 * sd:
            tausq = 0.25 * acc1 / self._factor_error(c)
            if self.failed:
                self.failed = False
            elif self._truncation(utx, tausq) < 0.2 * acc1:
                self.sigsq += tausq
                utx = self._find_u(utx, 0.25 * acc1)
        acc1 *= 0.5
        up, un = 4.5 / sd, -4.5 / sd
        while True:  # the range of the distribution; outside it the answer is 0 or 1
            cut, up = self._cutoff(acc1, up)
            d1 = cut - c
            if d1 < 0.0:
                return 1.0, 0
            cut, un = self._cutoff(acc1, un)
            d2 = c - cut
            if d2 < 0.0:
                return 0.0, 0
            step = 2.0 * np.pi / max(d1, d2)
            nterms, nterms_aux = utx / step, 3.0 / math.sqrt(acc1)
            if not nterms > 1.5 * nterms_aux:
                break
            if nterms_aux > limit:
                return np.nan, 1
            n_aux = math.floor(nterms_aux + 0.5)
            step_aux = utx / n_aux
            x = 2.0 * np.pi / step_aux
            if x <= abs(c):
                break
            tausq = 0.33 * acc1 / (1.1 * (self._factor_error(c - x)
                                          + self._factor_error(c + x)))
            if self.failed:
                break
            acc1 *= 0.67
            self._integrate(c, n_aux, step_aux, tausq, main=False)
            limit -= nterms_aux
            self.sigsq += tausq
            utx = self._find_u(utx, 0.25 * acc1)
            acc1 *= 0.75
        if nterms > limit:
            return np.nan, 1
        self._integrate(c, math.floor(nterms + 0.5), step, 0.0, main=True)
        value = 0.5 - self.integral
        bumped = self.error_sum + acc / 10.0
        roundoff = any(r * bumped == r * self.error_sum for r in (1, 2, 4, 8))
        return value, 2 if roundoff else 0


class _DaviesLimit(Exception):
    """Davies' algorithm called its bounds more than its limit allows (fault 4)."""
