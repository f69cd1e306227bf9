"""Capture histories as the incomplete contingency table of log-linear estimation:
histories per person, list memberships per id, or counts per pattern, checked
(binary, counts whole and finite, lists named once) and tabulated over the
``2^k - 1`` observable patterns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from micropop.errors import (
    MAX_ROWS_SHOWN,
    CaptureRecaptureError,
    EmptyCapturePatternError,
    InvalidCountError,
    NonBinaryHistoryError,
    TooFewListsError,
    columns_listing,
    data_rows,
    describe_rows,
    suggestions,
)

CaptureData = pd.DataFrame | np.ndarray | Mapping[Hashable, Iterable[Hashable]]
Freq = str | Sequence[float] | np.ndarray | pd.Series | None
Counts = Sequence[float] | np.ndarray


@dataclasses.dataclass(frozen=True)
class Table:
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


def check_counts(values: Sequence[float] | np.ndarray, what: str,
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
    for name, ids in zip(names, sources.values(), strict=True):
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
    table = capture_cells(data, freq)
    frame = pd.DataFrame(table.patterns, columns=list(table.lists))
    frame["freq"] = table.counts.astype(np.int64)
    return frame


def capture_cells(data: CaptureData, freq: Freq = None) -> Table:
    """Normalise every accepted input form to a :class:`Table` (the one check of histories)."""
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
            raise CaptureRecaptureError(f"no column {freq!r} for freq in the capture histories"
                                        + suggestions([freq], frame.columns),
                                        hint=f"they have {columns_listing(frame.columns)}")
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
    weights = check_counts(weights, "freq", frame.index)
    values = frame.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float,
                                                                   na_value=np.nan)
    for j, name in enumerate(lists):
        bad = ~np.isin(values[:, j], (0.0, 1.0))
        if bad.any():
            raise NonBinaryHistoryError(
                f"capture-history column {name!r} must hold only 0 and 1: "
                + data_rows(frame, bad, frame.iloc[bad.nonzero()[0], j]),
                hint="code 1 for 'on this list' and 0 otherwise; keep ids and other "
                     "variables out of the histories (select the list columns)")
    bits = values.astype(np.int64)
    k = len(lists)
    codes = bits @ (1 << np.arange(k - 1, -1, -1))
    empty = (codes == 0) & (weights > 0)
    if empty.any():
        raise EmptyCapturePatternError(
            "capture histories with no capture at all (all zeros) in "
            + data_rows(frame, empty),
            hint="drop them: the people on no list are what the model estimates")
    counts = np.bincount(codes, weights=weights, minlength=2 ** k)[:0:-1]
    _check_total(counts.sum())
    return Table(lists=lists, patterns=_all_patterns(k), counts=counts)


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


def frequency_counts(counts: Counts) -> np.ndarray:
    """Validate frequencies of capture ``f1, f2, ...`` (people caught 1, 2, ... times)."""
    values = np.asarray(counts, dtype=object if isinstance(counts, list) else None).ravel()
    labels = [f"f{i}" for i in range(1, len(values) + 1)]
    values = check_counts(values, "frequencies of capture", labels)
    if len(values) < 2:
        raise InvalidCountError(
            f"need the frequencies of at least 1 and 2 captures (f1, f2), got {len(values)}",
            hint="give counts[0] = people caught once, counts[1] = caught twice, ...")
    _check_total(values.sum())
    return values
