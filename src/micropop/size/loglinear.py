"""Log-linear multiple-systems estimation, as R's ``Rcapture``.

The observed capture histories of ``k`` lists fill the ``2^k - 1`` cells of
an incomplete contingency table (the all-zero cell, people on no list, is
unobserved). A Poisson log-linear model is fitted to the observed cells and
the unobserved count is ``exp(intercept)``, so ``N = n + exp(intercept)``
(Fienberg 1972; Cormack 1989; Rivest & Baillargeon 2007). The standard error
is Rcapture's, ``sqrt(exp(b0) + exp(2 b0) var(b0))``, and the interval the
multinomial profile-likelihood interval of Cormack (1992), as ``closedpCI``.

Models are fitted by iteratively reweighted least squares in numpy (checked
against statsmodels' GLM in the tests), which makes a search over all 1,024
hierarchical models of five lists take well under a second.

Examples
--------
>>> import pandas as pd
>>> import micropop as mp
>>> hist = pd.DataFrame({"a": [1, 1, 0, 1, 0, 0], "b": [1, 0, 1, 1, 1, 0],
...                      "c": [0, 1, 1, 1, 0, 1]})
>>> freq = [30, 20, 25, 10, 60, 50]
>>> est = mp.size.loglinear(hist, freq=freq)
>>> round(est.estimate, 1), est.ci_low < est.estimate < est.ci_high
(250.3, True)
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.special import gammaln, xlogy

from micropop.errors import (
    CaptureConvergenceError,
    CaptureRecaptureError,
    EmptyCapturePatternError,
    InvalidCountError,
    NonBinaryHistoryError,
    MAX_ROWS_SHOWN,
    OptionError,
    TooFewListsError,
    UnboundedSizeError,
    UnknownListError,
    check_level,
    check_number,
    check_option,
    data_rows,
    describe_rows,
)
from micropop.size.result import SizeEstimate

__all__ = ["loglinear", "model_search", "closedp", "closedp_ci", "capture_table"]

CaptureData = pd.DataFrame | np.ndarray | Mapping[Hashable, Iterable[Hashable]]
Freq = str | Sequence[float] | np.ndarray | pd.Series | None
Counts = Sequence[float] | np.ndarray

CLOSED_ASSUMPTIONS = (
    "The population is closed over the capture period: no one enters or leaves.",
    "Every person on a list is matched without error across lists.",
)
_LOGLINEAR_ASSUMPTION = (
    "Dependence between lists is fully described by the interactions in the model; "
    "interactions left out (and the highest-order one, which the data cannot show) are zero."
)
_HETEROGENEITY = ("Chao", "LB", "Poisson", "Darroch", "Gamma")


# --- input: capture histories ------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Table:
    """Counts of the ``2^k - 1`` observable capture histories.

    Rows follow Rcapture's ``histpos.t`` order: from all ones down to
    ``0...01``.
    """

    lists: tuple[str, ...]
    patterns: np.ndarray  # (2^k - 1, k) of 0/1
    counts: np.ndarray    # (2^k - 1,) of float (integer-valued)

    @property
    def n(self) -> int:
        """Number of distinct people captured at least once."""
        return int(self.counts.sum())


def _all_patterns(k: int) -> np.ndarray:
    codes = np.arange(2 ** k - 1, 0, -1)
    return (codes[:, None] >> np.arange(k - 1, -1, -1)) & 1


#: Most lists (occasions) a capture table may hold: ``2^15 - 1`` = 32,767 cells.
MAX_LISTS = 15
#: Largest count accepted: whole numbers above ``2^53`` are not exact in floating point.
MAX_COUNT = 2 ** 53


def _check_counts(values: Sequence[float] | np.ndarray, what: str,
                  labels: Sequence[Hashable] | pd.Index) -> np.ndarray:
    """The one check of counts: non-negative whole numbers up to :data:`MAX_COUNT`.

    Text, ``True``/``False``, NaN, infinities, negative and fractional values
    are refused, naming them and their values: as data rows when ``labels`` is
    the index of the user's table (counts aligned with its rows), else by
    their names (``["n1", "n2", "m"]``).
    """
    raw = np.asarray(values)
    if raw.ndim == 0:
        raw = raw.reshape(1)
    raw = raw.ravel()
    if raw.dtype == bool:
        is_bool = np.ones(len(raw), dtype=bool)
    elif raw.dtype == object:
        is_bool = np.fromiter((isinstance(v, (bool, np.bool_)) for v in raw), bool, len(raw))
    else:
        is_bool = np.zeros(len(raw), dtype=bool)
    numbers = pd.to_numeric(pd.Series(raw, dtype=object if raw.dtype == object else None),
                            errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = (is_bool | ~np.isfinite(numbers) | (numbers < 0)
               | (numbers != np.round(numbers)) | (numbers > MAX_COUNT))
    if bad.any():
        where = (data_rows(labels, bad, raw[bad]) if isinstance(labels, pd.Index)
                 else describe_rows(np.asarray(labels, dtype=object)[bad], raw[bad]))
        raise InvalidCountError(
            f"{what} must be non-negative whole numbers: {where}",
            hint="give counts of people, e.g. 0, 3, 12 (not text, True/False, missing "
                 f"values or numbers above {MAX_COUNT:,})")
    return numbers


def _from_ids(sources: Mapping[Hashable, Iterable[Hashable]]) -> pd.DataFrame:
    names = [str(name) for name in sources]
    if len(names) < 2:
        raise TooFewListsError(
            f"capture–recapture needs at least 2 lists, got {len(names)} "
            f"({', '.join(names) or 'none'})", hint="give the ids on each of two lists or more")
    _check_list_names(names)
    parts = []
    for name, ids in zip(names, sources.values()):
        if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
            raise CaptureRecaptureError(
                f"list {name!r} is {type(ids).__name__} {ids!r}, not a collection of ids",
                hint="give each list as a list of the ids of the people on it")
        series = pd.Series(list(ids), dtype=object)
        missing = series.isna().to_numpy()
        if missing.any():
            raise CaptureRecaptureError(
                f"list {name!r} has missing ids at positions "
                + ", ".join(str(i + 1) for i in np.flatnonzero(missing)[:MAX_ROWS_SHOWN]),
                hint="drop or fill the missing ids: a person without an id cannot be "
                     "matched across lists")
        parts.append(series)
    lengths = [len(part) for part in parts]
    try:
        codes, uniques = pd.factorize(pd.concat(parts, ignore_index=True))
    except TypeError as err:  # unhashable ids
        raise CaptureRecaptureError(f"the ids cannot be matched across lists ({err})",
                                    hint="use ids of one type: numbers or text") from None
    wide = np.zeros((len(uniques), len(names)), dtype=np.int64)
    wide[codes, np.repeat(np.arange(len(names)), lengths)] = 1  # an id twice on a list: once
    return pd.DataFrame(wide, columns=names)


def _check_list_names(names: Sequence[str]) -> None:
    """Refuse lists whose names (as text) repeat: their terms and columns would be ambiguous."""
    seen = pd.Index(names)
    if seen.has_duplicates:
        twice = sorted(set(seen[seen.duplicated()]))
        raise CaptureRecaptureError(
            f"list names must differ, but {', '.join(map(repr, twice))} is used more than "
            "once (names are compared as text, so 1 and '1' are the same)",
            hint="rename the lists so that each has its own name")
    if len(names) > MAX_LISTS:
        raise CaptureRecaptureError(
            f"{len(names)} lists give {2 ** min(len(names), 64) - 1:,} possible capture "
            f"histories; at most {MAX_LISTS} lists are supported",
            hint="merge occasions into fewer periods (as Rcapture's periodhist), or select "
                 "the list columns and leave ids and other variables out")


def capture_table(data: CaptureData, freq: Freq = None) -> pd.DataFrame:
    """Counts of every observable capture history, from any accepted input.

    Rows with the same history are added up (as Rcapture's ``histfreq.t``), so
    the input may hold one row per person, one row per pattern with its count,
    or a mixture. An id repeated within one list of a dict is one person on
    that list.

    Parameters
    ----------
    data : DataFrame, 2-D array or dict
        Either 0/1 capture histories, one column per list (or occasion) and
        one row per person (or per pattern, with ``freq``), or a dict of id
        lists per source, ``{"wave1": [ids], "wave2": [ids]}``. At most
        :data:`MAX_LISTS` (15) lists, each with its own name.
    freq : str or array-like, optional
        Number of people with each row's history: the name of a column of
        ``data`` or an array aligned with its rows; non-negative whole
        numbers.

    Returns
    -------
    DataFrame
        One row per possible history except the all-zero one (``2^k - 1``
        rows, Rcapture's order), the list columns and ``freq``.

    Raises
    ------
    TooFewListsError, NonBinaryHistoryError, InvalidCountError, EmptyCapturePatternError
        Fewer than 2 lists, values other than 0/1 in a history (rows named),
        counts that are not non-negative whole numbers, or a count on the
        all-zero history (people on no list are what the models estimate;
        Rcapture drops such rows silently, micropop refuses them).
    CaptureRecaptureError
        Two lists with the same name, more than 15 lists, or no one captured.

    Examples
    --------
    >>> from micropop.size import capture_table
    >>> capture_table({"a": [1, 2, 3], "b": [3, 4]})
       a  b  freq
    0  1  1     1
    1  1  0     2
    2  0  1     1
    """
    table = _table(data, freq)
    frame = pd.DataFrame(table.patterns, columns=list(table.lists))
    frame["freq"] = table.counts.astype(np.int64)
    return frame


def _table(data: CaptureData, freq: Freq = None) -> _Table:
    """Normalise every accepted input form to a :class:`_Table` (the one check of histories)."""
    if isinstance(data, Mapping):
        if freq is not None:
            raise CaptureRecaptureError("freq cannot be combined with a dict of id lists",
                                        hint="each id counts once; drop freq")
        frame = _from_ids(data)
    elif isinstance(data, pd.DataFrame):
        frame = data
    else:
        array = np.asarray(data, dtype=object) if not isinstance(data, np.ndarray) else data
        if array.ndim != 2:
            raise CaptureRecaptureError(
                f"capture histories must be a table (2-D), not {type(data).__name__} of "
                f"shape {array.shape}",
                hint="pass a DataFrame with one 0/1 column per list")
        frame = pd.DataFrame(array, columns=[f"c{j + 1}" for j in range(array.shape[1])])
    if isinstance(freq, str):
        if freq not in frame.columns:
            raise CaptureRecaptureError(f"no column {freq!r} for freq in the capture histories",
                                        hint=f"columns are {list(map(str, frame.columns))}")
        if list(frame.columns).count(freq) > 1:
            raise CaptureRecaptureError(f"freq column {freq!r} appears more than once",
                                        hint="rename the columns so that each is unique")
        weights = frame[freq].to_numpy()
        frame = frame.drop(columns=freq)
    elif freq is None:
        weights = np.ones(len(frame))
    else:
        weights = np.asarray(freq, dtype=object if isinstance(freq, list) else None).ravel()
        if len(weights) != len(frame):
            raise CaptureRecaptureError(
                f"freq has {len(weights)} values for {len(frame)} capture histories",
                hint="give one count per row of the histories")
    lists = tuple(str(c) for c in frame.columns)
    if len(lists) < 2:
        raise TooFewListsError(
            f"capture–recapture needs at least 2 lists, got {len(lists)} ({', '.join(lists)})",
            hint="add the other list(s) as 0/1 columns, one per list")
    _check_list_names(lists)
    weights = _check_counts(weights, "freq", frame.index)
    values = frame.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float,
                                                                   na_value=np.nan)
    for j, name in enumerate(lists):
        bad = ~np.isin(values[:, j], (0.0, 1.0))
        if bad.any():
            raise NonBinaryHistoryError(
                f"capture-history column {name!r} must hold only 0 and 1: "
                + data_rows(frame.index, bad, frame.iloc[bad.nonzero()[0], j]),
                hint="code 1 for 'on this list' and 0 otherwise; keep ids and other "
                     "variables out of the histories (select the list columns)")
    bits = values.astype(np.int64)
    k = len(lists)
    codes = bits @ (1 << np.arange(k - 1, -1, -1))
    empty = (codes == 0) & (weights > 0)
    if empty.any():
        raise EmptyCapturePatternError(
            "capture histories with no capture at all (all zeros) in "
            + data_rows(frame.index, empty),
            hint="drop them: the people on no list are what the model estimates")
    counts = np.bincount(codes, weights=weights, minlength=2 ** k)[:0:-1]
    _check_total(counts.sum())
    return _Table(lists=lists, patterns=_all_patterns(k), counts=counts)


def _check_total(total: float) -> None:
    """Refuse an empty capture (no one seen) or a total too large to count exactly."""
    if total == 0:
        raise InvalidCountError("no one was captured: every count is 0",
                                hint="give the capture histories of the people seen")
    if total > MAX_COUNT:
        raise InvalidCountError(f"{total:,.0f} people captured in all, more than "
                                f"{MAX_COUNT:,} can be counted exactly",
                                hint="check the counts (a column of ids or amounts taken "
                                     "for frequencies?)")


def _frequency_counts(counts: Counts) -> np.ndarray:
    """Validate frequencies of capture ``f1, f2, ...`` (people caught 1, 2, ... times)."""
    values = np.asarray(counts, dtype=object if isinstance(counts, list) else None).ravel()
    labels = [f"f{i}" for i in range(1, len(values) + 1)]
    values = _check_counts(values, "frequencies of capture", labels)
    if len(values) < 2:
        raise InvalidCountError(
            f"need the frequencies of at least 1 and 2 captures (f1, f2), got {len(values)}",
            hint="give counts[0] = people caught once, counts[1] = caught twice, ...")
    _check_total(values.sum())
    return values


# --- fitting -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Fit:
    """A Poisson log-linear fit (the columns kept after any Chao correction)."""

    names: tuple[str, ...]
    coef: np.ndarray
    cov: np.ndarray
    mu: np.ndarray
    deviance: float
    loglik: float
    rank: int
    df_resid: int
    converged: bool
    dropped: tuple[str, ...] = ()
    columns: tuple[int, ...] = ()  # columns of the design kept in the fit

    def criteria(self, n: int) -> tuple[float, float]:
        """AIC and BIC as Rcapture: ``BIC = AIC + (log n - 2) rank``, n people captured."""
        aic = -2 * self.loglik + 2 * self.rank
        return aic, aic + (math.log(n) - 2) * self.rank

    def size(self, n: float) -> tuple[float, float]:
        """``N = n + exp(b0)`` and its standard error (Rcapture's formula); inf if it overflows."""
        with np.errstate(over="ignore", invalid="ignore"):
            unseen = np.exp(np.float64(self.coef[0]))
            return float(n + unseen), float(np.sqrt(unseen + unseen ** 2 * self.cov[0, 0]))


def _deviance(y: np.ndarray, mu: np.ndarray) -> float:
    """Poisson deviance ``2 sum(y log(y / mu) - (y - mu))``, each term computed without
    cancellation (``y log1p(r) - y r mu / mu`` with ``r = (y - mu) / mu``), so that it stays
    accurate to a fraction of a unit even for counts of 1e15."""
    diff = y - mu
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = diff / mu
        log_ratio = np.where(np.abs(ratio) < 0.5, np.log1p(ratio), np.log(y / mu))
        terms = np.where(y > 0, y * log_ratio - diff, mu)
    return float(2 * np.sum(terms))


#: Iterations allowed to one log-linear fit (R's glm stops at 25; Rcapture asks 200).
MAX_ITER = 100


def _irls(y: np.ndarray, X: np.ndarray, offset: np.ndarray, names: Sequence[str],
          tol: float = 1e-12, max_iter: int = MAX_ITER) -> _Fit:
    """Poisson GLM with log link by iteratively reweighted least squares.

    Starts as R's ``glm`` (``mu = y + 0.1``) and stops when the relative
    change in deviance is below ``tol`` (or within its rounding error, as in
    a saturated model whose deviance is 0), or after ``max_iter`` iterations
    (each with at most 30 halvings of a step that raises the deviance, as R's
    ``glm2``)
    with ``converged=False``. Fitted means are kept within
    ``[eps, exp(700)]`` (R's ``poisson()$linkinv`` keeps them above eps), so
    a diverging fit never produces NaN.
    """
    mu = y + 0.1
    eta = np.log(mu)
    dev = _deviance(y, mu)
    converged = False
    coef = np.zeros(X.shape[1])
    noise = 64 * np.finfo(float).eps * (dev + len(y))  # rounding in the deviance
    rank = 0
    for iteration in range(max_iter):
        sw = np.sqrt(mu)
        z = eta - offset + (y - mu) / mu
        try:
            step, _, rank, _ = np.linalg.lstsq(X * sw[:, None], z * sw, rcond=None)
        except np.linalg.LinAlgError:
            converged = False
            break
        for _halving in range(30):  # step-halving when the deviance rises (as glm2)
            eta = offset + X @ step
            mu = np.clip(np.exp(np.minimum(eta, 700.0)), np.finfo(float).eps, None)
            dev_new = _deviance(y, mu)
            if iteration == 0 or dev_new <= dev + noise:
                break
            step = (coef + step) / 2
        coef = step
        converged = bool(abs(dev_new - dev) <= max(tol * (abs(dev_new) + 0.1), noise))
        dev = dev_new
        if converged:
            break
    info = X.T @ (X * mu[:, None])
    try:
        cov = np.linalg.pinv(info)
    except np.linalg.LinAlgError:
        cov = np.full_like(info, np.nan)
        converged = False
    loglik = float(np.sum(xlogy(y, mu) - mu - gammaln(y + 1)))
    converged = converged and bool(np.all(np.isfinite(coef)) and np.isfinite(dev))
    return _Fit(names=tuple(names), coef=coef, cov=cov, mu=mu,
                deviance=dev, loglik=loglik, rank=int(rank), df_resid=len(y) - int(rank),
                converged=converged, columns=tuple(range(X.shape[1])))


def _size_status(X: np.ndarray, y: np.ndarray) -> Literal["finite", "all seen", "undetermined"]:
    """Whether the data determine a finite size ``n + exp(b0)`` under the model.

    A Poisson log-linear likelihood with zero cells may have no maximum: its
    supremum is approached along directions of recession ``d`` (``X d <= 0``
    on every cell, ``= 0`` on every cell with a count; Haberman 1974), which
    send some zero cells' means to 0 (the extended MLE; Fienberg & Rinaldo
    2012). The cell means then converge, but the unobserved count
    ``exp(b0)`` is determined only if the intercept is identified by the
    cells left with positive means (``e_0`` in the row space of their
    design): ``"finite"``; or if every direction that empties the other
    cells lowers ``b0``, which drives the unobserved count to 0: ``"all
    seen"``, ``N = n`` (as with everyone on both of two lists; an iterative
    fit stops short of that limit). Otherwise moving along such a direction
    with ``d_0 >= 0`` never lowers the likelihood and leaves the size
    undetermined or unbounded above: no one on two lists, an interaction
    absorbing the only overlap, or an interaction of every list. Decided
    exactly by two small linear programmes, run only when the cells with a
    count do not identify the intercept.
    """
    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1.0
    Xs = X / scale  # the intercept column (ones) is unchanged, so d_0 is too
    positive = y > 0
    if _identifies_intercept(Xs[positive]):
        return "finite"
    zero = Xs[~positive]
    p, z = X.shape[1], len(zero)
    pushable = np.zeros(z, dtype=bool)
    if z:  # which zero cells some direction of recession empties: max sum t, X_Z d + t <= 0
        result = optimize.linprog(
            np.concatenate([np.zeros(p), -np.ones(z)]),
            A_ub=np.hstack([zero, np.eye(z)]), b_ub=np.zeros(z),
            A_eq=np.hstack([Xs[positive], np.zeros((int(positive.sum()), z))]),
            b_eq=np.zeros(int(positive.sum())),
            bounds=[(None, None)] * p + [(0.0, 1.0)] * z, method="highs")
        if result.status == 0:
            pushable = result.x[p:] > 0.5
    face = np.vstack([Xs[positive], zero[~pushable]])
    if _identifies_intercept(face):
        return "finite"
    if not pushable.any():
        return "undetermined"  # b0 moves freely along the face's null space
    # the largest d_0 among directions emptying every pushable cell at rate >= 1
    result = optimize.linprog(
        -np.eye(p)[0], A_ub=zero[pushable], b_ub=-np.ones(int(pushable.sum())),
        A_eq=face, b_eq=np.zeros(len(face)), bounds=[(None, 1.0)] + [(None, None)] * (p - 1),
        method="highs")
    return "all seen" if result.status == 0 and -result.fun < -1e-7 else "undetermined"


def _identifies_intercept(rows: np.ndarray) -> bool:
    """True if ``e_0`` is in the row space of ``rows`` (the intercept is a contrast of them)."""
    if not len(rows):
        return False
    coef, *_ = np.linalg.lstsq(rows.T, np.eye(rows.shape[1])[0], rcond=None)
    return bool(np.linalg.norm(rows.T @ coef - np.eye(rows.shape[1])[0]) < 1e-8)


@dataclasses.dataclass(frozen=True)
class _Design:
    """Response, design matrix (intercept first) and offset of one model."""

    y: np.ndarray
    X: np.ndarray
    names: tuple[str, ...]
    offset: np.ndarray
    n_fixed: int  # leading columns (with intercept) that Chao's correction never drops
    chao: bool = False

    def fit(self, y: np.ndarray | None = None) -> _Fit:
        """Fit, dropping negative Chao ``eta`` terms one at a time as Rcapture (``neg=TRUE``).

        At most one refit per ``eta`` column, each bounded by :data:`MAX_ITER`.
        """
        y = self.y if y is None else y
        keep = list(range(self.X.shape[1]))
        fit = _irls(y, self.X, self.offset, self.names)
        while self.chao:
            eta = fit.coef[self.n_fixed:]
            negative = np.flatnonzero(eta < 0)
            if not negative.size:
                break
            del keep[self.n_fixed + negative[0]]
            fit = _irls(y, self.X[:, keep], self.offset, [self.names[i] for i in keep])
        dropped = tuple(name for name in self.names if name not in fit.names)
        return dataclasses.replace(fit, dropped=dropped, columns=tuple(keep))

    def size(self, fit: _Fit, n: float) -> tuple[tuple[float, float], bool]:
        """The size and SE of a fit of this design, and whether the data leave it undetermined.

        See :func:`_size_status`; when every person is estimated to have been
        seen the size is ``n`` with SE 0 (the limit the iterations approach).
        """
        status = _size_status(self.X[:, list(fit.columns)], self.y)
        if status == "all seen":
            return (float(n), 0.0), False
        return fit.size(n), status == "undetermined"

    def augmented(self) -> _Design:
        """The design completed with the unobserved cell (intercept only, offset 0)."""
        zero_row = np.zeros((1, self.X.shape[1]))
        zero_row[0, 0] = 1.0
        return _Design(y=np.append(self.y, 0.0), X=np.vstack([self.X, zero_row]),
                       names=self.names, offset=np.append(self.offset, 0.0),
                       n_fixed=self.n_fixed, chao=self.chao)


def _heterogeneity(nbcap: np.ndarray, kind: str, theta: float | None,
                   t: int) -> tuple[np.ndarray, list[str]]:
    """Rcapture's heterogeneity columns, a function of the number of captures."""
    if kind in ("Chao", "LB"):
        cols = np.column_stack([np.maximum(nbcap - j + 1, 0) for j in range(3, t + 1)])
        return cols.reshape(len(nbcap), -1), [f"eta{j}" for j in range(3, t + 1)]
    if kind == "Poisson":
        return (theta ** nbcap - 1)[:, None], ["tau"]
    if kind == "Darroch":
        return (nbcap ** 2 / 2)[:, None], ["tau"]
    if kind == "Gamma":
        return (np.log(theta) - np.log(theta + nbcap))[:, None], ["tau"]
    raise OptionError(f"heterogeneity={kind!r} is not one of the choices",
                      hint="use one of " + ", ".join(map(repr, (*_HETEROGENEITY, None))))


def _check_heterogeneity(kind: str | None, theta: float | None, t: int) -> float | None:
    """Validate a heterogeneity form and its parameter; return the parameter to use."""
    if kind is None:
        return None
    check_option("heterogeneity", kind, list(_HETEROGENEITY))
    if t < 3:
        raise CaptureRecaptureError(
            f"heterogeneity={kind!r} needs at least 3 lists, got {t}",
            hint="with 2 lists catchability that varies between people cannot be told "
                 "apart from dependence between the lists (Rcapture refuses too)")
    if theta is not None:
        if kind not in ("Poisson", "Gamma"):
            raise OptionError(f"theta={theta!r} has no meaning for heterogeneity={kind!r}",
                              hint="theta is the parameter of the Poisson and Gamma forms")
        check_number("theta", theta, low=0, low_open=True)
        with np.errstate(over="ignore"):
            if kind == "Poisson" and not np.isfinite(np.float64(theta) ** t):
                raise OptionError(f"theta={theta!r} is too large for {t} lists "
                                  f"(theta^{t} overflows)", hint="use a theta near 2")
    return _default_theta(kind, theta)


def _default_theta(kind: str | None, theta: float | None) -> float | None:
    if theta is not None:
        return theta
    return {"Poisson": 2.0, "Gamma": 3.5}.get(kind or "")


def _heterogeneity_label(kind: str | None, theta: float | None) -> str:
    if kind is None:
        return ""
    if kind in ("Chao", "LB"):
        return "Chao (LB)"
    return f"{kind}{theta:g}" if kind in ("Poisson", "Gamma") else kind


def _with_heterogeneity(y: np.ndarray, base: np.ndarray, names: list[str],
                        offset: np.ndarray, nbcap: np.ndarray, t: int,
                        kind: str | None, theta: float | None) -> _Design:
    X = np.column_stack([np.ones(len(y)), base])
    names = ["(Intercept)", *names]
    n_fixed = X.shape[1]
    if kind is not None:
        extra, extra_names = _heterogeneity(nbcap, kind, theta, t)
        X = np.column_stack([X, extra])
        names += extra_names
    return _Design(y=y, X=X.astype(float), names=tuple(names), offset=offset,
                   n_fixed=n_fixed, chao=kind in ("Chao", "LB"))


# --- profile likelihood ------------------------------------------------------------


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


def _profile_interval(design: _Design, n: int, n_hat: float, level: float,
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


def _root(f, a: float, b: float) -> float:
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


# --- hierarchical log-linear models ---------------------------------------------------


def _parse_terms(terms: Iterable[str], lists: tuple[str, ...]) -> list[tuple[int, ...]]:
    """Interaction terms ``"a:b"`` as sorted index tuples, closed under hierarchy."""
    index = {name: j for j, name in enumerate(lists)}
    wanted: set[tuple[int, ...]] = set()
    for term in terms:
        parts = [p.strip() for p in str(term).split(":")]
        unknown = [p for p in parts if p not in index]
        if unknown:
            raise UnknownListError(
                f"model term {term!r} names {', '.join(map(repr, unknown))}, not a list "
                f"of the data", hint=f"the lists are {', '.join(lists)}")
        members = tuple(sorted({index[p] for p in parts}))
        if len(members) < 2:
            continue  # main effects are always in the model
        if len(members) == len(lists):
            raise CaptureRecaptureError(
                f"model term {term!r} is the interaction of all {len(lists)} lists, which the "
                "unobserved cell makes inestimable", hint="use interactions of fewer lists")
        for order in range(2, len(members) + 1):
            wanted.update(itertools.combinations(members, order))
    return sorted(wanted, key=lambda m: (len(m), m))


def _interaction_columns(patterns: np.ndarray,
                         terms: Sequence[tuple[int, ...]]) -> np.ndarray:
    if not terms:
        return np.empty((len(patterns), 0))
    return np.column_stack([patterns[:, list(m)].prod(axis=1) for m in terms])


def _term_name(term: tuple[int, ...], lists: tuple[str, ...]) -> str:
    return ":".join(lists[j] for j in term)


def _loglinear_design(table: _Table, terms: Sequence[tuple[int, ...]],
                      heterogeneity: str | None, theta: float | None) -> _Design:
    base = np.column_stack([table.patterns, _interaction_columns(table.patterns, terms)])
    names = [*table.lists, *(_term_name(m, table.lists) for m in terms)]
    nbcap = table.patterns.sum(axis=1)
    return _with_heterogeneity(table.counts, base, names, np.zeros(len(table.counts)),
                               nbcap, len(table.lists), heterogeneity, theta)


def _model_label(terms: Sequence[tuple[int, ...]], lists: tuple[str, ...]) -> str:
    return " + ".join(_term_name(m, lists) for m in terms) or "independence"


def _coefficients(fit: _Fit) -> pd.DataFrame:
    return pd.DataFrame({"estimate": fit.coef, "se": np.sqrt(np.diag(fit.cov))},
                        index=pd.Index(fit.names, name="term"))


def _recaptured(table: _Table) -> float:
    """People on more than one list (caught more than once)."""
    return float(table.counts[table.patterns.sum(axis=1) >= 2].sum())


def _fit_problem(unbounded: bool, fit: _Fit, size: tuple[float, float]) -> str | None:
    """Why a fitted model gives no population size, in words (None when it gives one)."""
    if unbounded:
        return "not estimable: the data put no upper bound on the size under this model"
    if not fit.converged:
        return f"did not converge in {MAX_ITER} iterations"
    if not math.isfinite(size[0]):
        return "not estimable: the size overflows"
    return None


def _checked_size(design: _Design, fit: _Fit, n: int, recaptured: float,
                  model: str) -> tuple[float, float]:
    """The size and SE of one model, or a named refusal when the model gives none."""
    size, unbounded = design.size(fit, n)
    problem = _fit_problem(unbounded, fit, size)
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


def _size_estimate(design: _Design, n: int, level: float, method: str,
                   assumptions: tuple[str, ...], inputs: dict, extra: dict,
                   recaptured: float) -> SizeEstimate:
    fit = design.fit()
    estimate, se = _checked_size(design, fit, n, recaptured, extra["model"])
    n_max, low, high = _profile_interval(design, n, estimate, level)
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


def loglinear(histories: CaptureData, terms: Iterable[str] = (), freq: Freq = None, *,
              heterogeneity: str | None = None, theta: float | None = None,
              level: float = 0.95) -> SizeEstimate:
    """Population size from a hierarchical log-linear model of k lists.

    The model always holds the main effect of every list (model Mt); add
    interactions with ``terms`` (``"c1:c2"``, using the list names; lower
    order terms are added as the hierarchy requires). As Rcapture's
    ``closedpCI.t(X, mX = ~ . + c1:c2)``.

    Parameters
    ----------
    histories : DataFrame, 2-D array or dict
        Capture histories (see :func:`capture_table` for the accepted forms).
    terms : iterable of str
        Interactions between lists, e.g. ``["wave1:wave2"]``.
    freq : str or array-like, optional
        Count of each history row (column name or array).
    heterogeneity : {"Chao", "LB", "Poisson", "Darroch", "Gamma"}, optional
        Add Rcapture's column(s) for heterogeneous catchability, a function of
        the number of captures (Rivest 2011).
    theta : float, optional
        Parameter of the Poisson (default 2) or Gamma (default 3.5) form.
    level : float, default 0.95
        Coverage of the profile-likelihood interval.

    Returns
    -------
    SizeEstimate
        ``extra`` holds the deviance, df, AIC, BIC, coefficients, fitted
        values and the multinomial profile maximum ``profile_mle``. When the
        fit puts everyone among the people seen (a boundary of the model)
        the estimate is ``n`` with SE 0.

    Raises
    ------
    UnboundedSizeError
        The data put no upper bound on the size under this model (or leave
        it undetermined): no one on two lists, or an interaction absorbing
        the only overlap. Rcapture prints a huge number instead. A
        :class:`~micropop.errors.NoRecaptureError`.
    CaptureConvergenceError
        The fit or its profile interval did not converge, the estimate lies
        outside its own profile interval, or beyond 1e12 (numerically
        unreliable).
    CaptureRecaptureError, OptionError
        Bad histories, terms, heterogeneity (it needs 3 lists) or theta.

    Examples
    --------
    >>> import pandas as pd
    >>> import micropop as mp
    >>> hiv = pd.read_csv("tests/reference/rcapture/HIV.csv")
    >>> est = mp.size.loglinear(hiv, terms=["c1:c2"], freq="freq")
    >>> round(est.estimate, 1), round(est.se, 1)
    (12318.5, 1188.7)
    """
    table = _table(histories, freq)
    theta = _check_heterogeneity(heterogeneity, theta, len(table.lists))
    parsed = _parse_terms(terms, table.lists)
    design = _loglinear_design(table, parsed, heterogeneity, theta)
    label = _model_label(parsed, table.lists)
    hetero = _heterogeneity_label(heterogeneity, theta)
    assumptions = (*CLOSED_ASSUMPTIONS, _LOGLINEAR_ASSUMPTION)
    if heterogeneity is not None:
        assumptions += (f"Heterogeneous catchability follows the {hetero} form in the "
                        "number of lists a person is on.",)
    return _size_estimate(
        design, table.n, level, method="log-linear MSE", assumptions=assumptions,
        inputs={"lists": table.lists, "terms": tuple(_term_name(m, table.lists) for m in parsed),
                "heterogeneity": hetero or None, "n_observed": table.n},
        extra={"model": label + (f" + h={hetero}" if hetero else "")},
        recaptured=_recaptured(table))


#: Largest number of lists searched exhaustively by default (1,024 models of 5 lists).
EXHAUSTIVE_LISTS = 5
#: Most lists an exhaustive search accepts on request (32,768 models of 6 lists).
MAX_EXHAUSTIVE_LISTS = 6
#: Most lists any search accepts (a stepwise search of 10 lists fits about 1,000 models).
MAX_SEARCH_LISTS = 10


def model_search(histories: CaptureData, freq: Freq = None, max_order: int = 2,
                 criterion: str = "AIC",
                 search: Literal["auto", "exhaustive", "stepwise"] = "auto") -> pd.DataFrame:
    """Search the hierarchical log-linear models up to two-way interactions.

    For ``k`` lists these are the main-effects model plus every subset of
    the ``k(k-1)/2`` pairwise interactions (1,024 models for 5 lists), as
    Rcapture's ``closedpMS.t(X, maxorder = 2)``. With 2 lists the only
    interaction is that of every list, which the unobserved cell makes
    inestimable: only the independence model is fitted.

    The number of models doubles with each pair (2 million for 7 lists), so
    the search is bounded: ``search="auto"`` fits every model up to
    :data:`EXHAUSTIVE_LISTS` (5) lists and beyond searches stepwise. The
    stepwise search starts from the independence model and, at each step,
    moves to the best model by ``criterion`` among those that add or drop one
    interaction and give a size, until none improves on the current one (at
    most ``k(k-1)`` steps of ``k(k-1)/2`` fits each); it finds a good model,
    not necessarily the best. Rcapture stops instead (``stopiflong``) from 7
    lists.

    Parameters
    ----------
    histories, freq
        As :func:`loglinear`.
    max_order : {1, 2}
        1 fits the independence model only; 2 adds pairwise interactions.
    criterion : {"AIC", "BIC"}
        Sort key (smallest first). BIC is Rcapture's: ``AIC + (log n - 2) rank``
        with ``n`` the number of people captured.
    search : {"auto", "exhaustive", "stepwise"}, default "auto"
        ``"exhaustive"`` fits every model (refused beyond
        :data:`MAX_EXHAUSTIVE_LISTS`, 6 lists: 32,768 models);
        ``"stepwise"`` as above at any number of lists.

    Returns
    -------
    DataFrame
        One row per model fitted: ``model``, ``terms`` (tuple, to pass to
        :func:`loglinear`), ``estimate``, ``se``, ``deviance``, ``df``,
        ``AIC``, ``BIC``, ``converged``, ``estimable`` and ``info``. A model
        whose size has no finite estimate (the data put no upper bound on
        it, e.g. an interaction absorbing the only overlap between two
        lists) or whose fit did not converge has ``estimable`` False, NaN
        ``estimate`` and ``se`` and the reason in ``info``; Rcapture prints a
        huge number instead. Sorted with the estimable models first, then by
        ``criterion``, so the first row is the best model that gives a size.
        ``attrs["search"]`` says how the models were searched and
        ``attrs["models_fitted"]`` how many were fitted.

    Raises
    ------
    OptionError
        ``search="exhaustive"`` with more than 6 lists, any search of
        interactions with more than :data:`MAX_SEARCH_LISTS` (10) lists, or
        an unknown option.

    Examples
    --------
    >>> import pandas as pd
    >>> import micropop as mp
    >>> hiv = pd.read_csv("tests/reference/rcapture/HIV.csv")
    >>> table = mp.size.model_search(hiv, freq="freq")
    >>> len(table), table["AIC"].is_monotonic_increasing, table.attrs["search"]
    (64, True, 'exhaustive')
    """
    check_option("criterion", criterion, ["AIC", "BIC"])
    check_option("max_order", max_order, [1, 2])
    check_option("search", search, ["auto", "exhaustive", "stepwise"])
    table = _table(histories, freq)
    k = len(table.lists)
    pairs = (list(itertools.combinations(range(k), 2)) if max_order == 2 and k > 2 else [])
    if k > MAX_SEARCH_LISTS and pairs:
        raise OptionError(
            f"a search over the {len(pairs)} interactions of {k} lists is too long to run "
            f"(at most {MAX_SEARCH_LISTS} lists)",
            hint="choose the interactions with mp.size.loglinear(terms=...), merge lists into "
                 "fewer sources, or pass max_order=1")
    if search == "exhaustive" and k > MAX_EXHAUSTIVE_LISTS and pairs:
        raise OptionError(
            f"search='exhaustive' over {k} lists means {2 ** len(pairs):,} models",
            hint=f"use search='stepwise' (or 'auto'), or at most {MAX_EXHAUSTIVE_LISTS} lists")
    if search == "auto":
        search = "exhaustive" if k <= EXHAUSTIVE_LISTS else "stepwise"
    full = _loglinear_design(table, pairs, None, None)
    n_main = 1 + k
    rows: dict[frozenset, dict] = {}

    def fit(chosen: frozenset) -> dict:
        if chosen not in rows:
            ordered = [p for p in pairs if p in chosen]
            columns = list(range(n_main)) + [n_main + pairs.index(p) for p in ordered]
            design = dataclasses.replace(full, X=full.X[:, columns],
                                         names=tuple(full.names[c] for c in columns))
            result = design.fit()
            size, unbounded = design.size(result, table.n)
            problem = _fit_problem(unbounded, result, size)
            aic, bic = result.criteria(table.n)
            rows[chosen] = {
                "model": _model_label(ordered, table.lists),
                "terms": tuple(_term_name(m, table.lists) for m in ordered),
                "estimate": size[0] if problem is None else math.nan,
                "se": size[1] if problem is None else math.nan,
                "deviance": result.deviance, "df": result.df_resid, "AIC": aic, "BIC": bic,
                "converged": result.converged, "estimable": problem is None,
                "info": problem or "OK"}
        return rows[chosen]

    if search == "exhaustive":
        for mask in itertools.product((False, True), repeat=len(pairs)):
            fit(frozenset(p for p, keep in zip(pairs, mask) if keep))
    else:
        current = frozenset()
        fit(current)
        for _ in range(2 * len(pairs) + 1):  # each move strictly improves the criterion
            moves = [current ^ {p} for p in pairs]
            better = [m for m in moves if fit(m)["estimable"]
                      and fit(m)[criterion] < fit(current)[criterion] - 1e-9]
            if not better:
                break
            current = min(better, key=lambda m: rows[m][criterion])
    result = pd.DataFrame(list(rows.values()))
    result = result.sort_values(["estimable", criterion], ascending=[False, True],
                                kind="stable").reset_index(drop=True)
    result.attrs["search"] = search
    result.attrs["models_fitted"] = len(result)
    return result


# --- Rcapture's closedp models -------------------------------------------------------

_HETERO_MODELS = (("Chao (LB)", "Chao"), ("Poisson2", "Poisson"), ("Darroch", "Darroch"),
                  ("Gamma3.5", "Gamma"))


def _closedp_designs(table: _Table) -> dict[str, _Design]:
    """Rcapture's ``closedp.t`` models (M0, Mt, Mh*, Mth*) on capture histories."""
    t = len(table.lists)
    nbcap = table.patterns.sum(axis=1)
    offset = np.zeros(len(nbcap))
    y = table.counts

    def design(base: np.ndarray, names: list[str], kind: str | None = None) -> _Design:
        return _with_heterogeneity(y, base, names, offset, nbcap, t, kind,
                                   _default_theta(kind, None))

    beta_t = [f"beta{j + 1}" for j in range(t)]
    designs = {"M0": design(nbcap[:, None], ["beta"]), "Mt": design(table.patterns, beta_t)}
    if t > 2:
        for label, kind in _HETERO_MODELS:
            designs[f"Mh {label}"] = design(nbcap[:, None], ["beta"], kind)
        for label, kind in _HETERO_MODELS:
            designs[f"Mth {label}"] = design(table.patterns, beta_t, kind)
    return designs


def _behaviour_designs(table: _Table) -> dict[str, _Design]:
    """Models Mb and Mbh (behavioural response): not of the form N = n + exp(b0)."""
    t = len(table.lists)
    nbcap = table.patterns.sum(axis=1)
    before_first = np.argmax(table.patterns, axis=1)  # occasions before the first capture
    offset = np.zeros(len(nbcap))
    mb = np.column_stack([before_first, nbcap - 1])
    designs = {"Mb": _with_heterogeneity(table.counts, mb, ["beta1", "beta2"], offset,
                                         nbcap, t, None, None)}
    if t > 2:
        mbh = np.column_stack([1 - table.patterns[:, 0], mb])
        designs["Mbh"] = _with_heterogeneity(table.counts, mbh, ["eta", "beta1", "beta2"],
                                             offset, nbcap, t, None, None)
    return designs


def _behaviour_size(name: str, fit: _Fit, t: int) -> tuple[float, float]:
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


def _frequency_designs(f: np.ndarray, occasions: float) -> dict[str, _Design]:
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
    designs = {"M0": _with_heterogeneity(y, nbcap[:, None], ["beta"], offset, nbcap, t,
                                         None, None)}
    if t > 2:
        for label, kind in _HETERO_MODELS:
            designs[f"Mh {label}"] = _with_heterogeneity(
                y, nbcap[:, None], ["beta"], offset, nbcap, t, kind, _default_theta(kind, None))
    return designs


#: Most capture occasions behind frequencies of capture (one model cell each).
MAX_OCCASIONS = 100


def _check_occasions(occasions: float) -> float:
    """A whole number of occasions from 2 to :data:`MAX_OCCASIONS`, or ``math.inf``."""
    value = check_number("occasions", occasions, low=2, allow_inf=True,
                         hint=f"give a whole number of occasions from 2 to {MAX_OCCASIONS}, "
                              "or math.inf for captures in continuous time")
    if math.isinf(value):
        return value
    return float(check_number("occasions", occasions, low=2, high=MAX_OCCASIONS, integer=True,
                              hint=f"give a whole number of occasions from 2 to "
                                   f"{MAX_OCCASIONS}, or math.inf for continuous time"))


def _designs(histories: CaptureData | None, freq: Freq, counts: Counts | None,
             occasions: float | None) -> tuple[dict[str, _Design], int, int, _Table | None]:
    """All closedp designs, the number captured and the number of occasions."""
    if counts is not None:
        if histories is not None:
            raise CaptureRecaptureError("give capture histories or counts, not both",
                                        hint="counts are frequencies of capture f1, f2, ...")
        if occasions is None:
            raise CaptureRecaptureError(
                "counts of captures need the number of occasions",
                hint="pass occasions=t, or occasions=math.inf for continuous-time captures")
        f = _frequency_counts(counts)
        designs = _frequency_designs(f, _check_occasions(occasions))
        return designs, int(f.sum()), len(designs["M0"].y), None
    if histories is None:
        raise CaptureRecaptureError("no data", hint="pass capture histories or counts=")
    table = _table(histories, freq)
    return _closedp_designs(table), table.n, len(table.lists), table


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
    histories, freq
        Capture histories as :func:`loglinear`, one column per occasion.
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
    designs, n, t, table = _designs(histories, freq, counts, occasions)
    rows = {}
    for name, design in designs.items():
        fit = design.fit()
        rows[name] = _closedp_row(fit, *design.size(fit, n), n)
    if table is not None:
        for name, design in _behaviour_designs(table).items():
            fit = design.fit()
            rows[name] = _closedp_row(fit, _behaviour_size(name, fit, t),
                                      _removal_unbounded(table, 0 if name == "Mb" else 1), n)
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("model")


def _removal_unbounded(table: _Table, first: int) -> bool:
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


def _closedp_row(fit: _Fit, size: tuple[float, float], unbounded: bool, n: int) -> dict:
    aic, bic = fit.criteria(n)
    problem = _fit_problem(unbounded, fit, size)
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
    ``"Mh Chao (LB)"``, ``"Mth Poisson2"``, ...). Other parameters are those
    of :func:`closedp`.

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
    designs, n, _, table = _designs(histories, freq, counts, occasions)
    if model not in designs:
        raise CaptureRecaptureError(
            f"no closedp model {model!r} with a profile interval for these data",
            hint=f"choose one of {', '.join(designs)}")
    assumptions = (*CLOSED_ASSUMPTIONS,
                   "Captures of a person on different occasions are independent given "
                   "their catchability.",
                   _CLOSEDP_ASSUMPTIONS[model.split()[0]])
    inputs = {"model": model, "n_observed": n,
              "occasions": occasions if table is None else len(table.lists)}
    recaptured = (_recaptured(table) if table is not None
                  else float(designs["M0"].y[:-1].sum()))  # cells in nbcap order t, ..., 1
    return _size_estimate(designs[model], n, level, method=f"closedp {model}",
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
