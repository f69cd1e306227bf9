"""One column's cells classified once (:class:`Column`): missing markers, blank cells,
and what each text cell reads as under each decimal mark, vectorised over Arrow
strings, with shortcuts from the bytes the cells hold and their distinct texts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from micropop.codebook._cells import as_mask

#: Cell texts read as missing values (pandas' defaults), besides blank cells.
NA_TEXTS = frozenset({"#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
                      "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a",
                      "nan", "null"})
#: Text cells are handled as Arrow strings: vectorised trimming, matching and parsing.
ARROW_TEXT: Final = "string[pyarrow]"
#: Every text pandas.to_numeric reads as a number matches this (case aside).
NUMBER_TEXT = r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|inf|infinity|nan)"
#: Bytes of texts made only of digits, signs and points (masks over the 256 byte values),
#: and of texts with nothing to strip (printable ASCII, no space).
_NUMBER_CHARS = b"0123456789+-."
_NUMBER_BYTES = np.isin(np.arange(256), list(_NUMBER_CHARS))
_COMMA_TO_POINT = bytes.maketrans(b",", b".")
_PRINTABLE_BYTES = (np.arange(256) > 32) & (np.arange(256) < 127)
#: A boolean mask over cells (or over the 256 byte values).
Mask = npt.NDArray[np.bool_]


@dataclass
class Column:
    """One column's cells, classified once: the stripped text of its text cells,
    which cells are missing (blank, or a marker such as ``NA``), which hold numbers
    as numbers (spreadsheets), and what each text cell reads as under each decimal
    mark (NaN when it is not a number). For Arrow text, ``chars`` marks the bytes
    its cells hold, so that texts made of others need not be looked for; a column
    with few distinct texts is classified once per distinct text (``distinct``:
    that classification and the position of each cell in it)."""

    values: pd.Series
    missing: Mask
    marked: Mask
    is_text: Mask
    held: Mask
    numbers_ok: dict[str, Mask]
    chars: Mask | None = None
    distinct: tuple[Column, npt.NDArray[np.intp]] | None = None
    #: The stripped texts, and the numbers under each decimal mark or how to get them
    #: (made, or expanded from ``distinct``, when first asked).
    _text: pd.Series | None = None
    _parsed: dict[str, pd.Series | Callable[[], pd.Series]] = field(default_factory=dict)

    @property
    def text(self) -> pd.Series:
        if self._text is None:
            assert self.distinct is not None
            inner, codes = self.distinct
            self._text = inner.text.take(codes).reset_index(drop=True)
        return self._text

    def number(self, decimal: str) -> pd.Series:
        """What each cell reads as under the decimal mark (NaN where not a number)."""
        number = self._parsed.get(decimal)
        if number is None:
            assert self.distinct is not None
            inner, codes = self.distinct
            number = inner.number(decimal).take(codes).reset_index(drop=True)
        elif not isinstance(number, pd.Series):
            number = number()
        self._parsed[decimal] = number
        return number

    @classmethod
    def of(cls, values: pd.Series, keep: frozenset[str], text_only: bool) -> Column:
        values = values.reset_index(drop=True)
        n = len(values)
        if not text_only:
            is_text = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=n)
            held = np.fromiter((isinstance(v, (int, float, np.number))
                                and not isinstance(v, (bool, np.bool_)) for v in values),
                               dtype=bool, count=n) & as_mask(values.notna())
            text = values.where(is_text).astype(object).astype(ARROW_TEXT).str.strip()
            return cls._classified(values, text, is_text, held, keep, None)
        array = arrow_strings(values)
        chars = _alphabet(array)
        if chars is not None and chars[~_NUMBER_BYTES].any():
            distinct = _distinct(array)
            if distinct is not None:
                cells, codes = distinct
                inner = cls.of(pd.Series(pd.arrays.ArrowStringArray(cells), dtype=ARROW_TEXT),
                               keep, text_only)
                return inner.expanded(values, codes)
        text = values if values.dtype == ARROW_TEXT else values.astype(ARROW_TEXT)
        if chars is None or chars[~_PRINTABLE_BYTES].any():  # else nothing to strip
            text = text.str.strip()
        return cls._classified(values, text, np.ones(n, dtype=bool), np.zeros(n, dtype=bool),
                               keep, chars)

    @classmethod
    def _classified(cls, values: pd.Series, text: pd.Series, is_text: Mask,
                    held: Mask, keep: frozenset[str], chars: Mask | None) -> Column:
        markers = NA_TEXTS - keep
        if chars is None or any(chars[list(m.encode())].all() for m in markers):
            marked = as_mask(text.isin(markers))
        else:
            marked = np.zeros(len(text), dtype=bool)
        missing = as_mask(values.isna()) | _blank(text) | marked
        candidates = masked(text, missing)
        if chars is not None and chars[~_NUMBER_BYTES].any() and (
                marked.any() or chars[~_PRINTABLE_BYTES].any()):
            chars = _alphabet(arrow_strings(candidates))  # e.g. numbers without NA or spaces
        commas = _contains(candidates, ",", chars)
        point = _as_numbers(candidates, chars, commas)
        parsed: dict[str, pd.Series | Callable[[], pd.Series]] = {".": point}
        if commas.any():
            dotted = _contains(candidates, ".", chars)
            if chars is not None:  # each comma becomes a point
                chars = chars.copy()
                chars[[ord("."), ord(",")]] = True, False
            comma = _as_numbers(_with_points(masked(candidates, dotted)), chars)
            parsed[","] = comma
            ok = {".": held | as_mask(point.notna()), ",": held | as_mask(comma.notna())}
        else:  # the numbers without a point read the same under a decimal comma
            dotted = _dotted_numbers(candidates, chars, point)
            parsed[","] = lambda: point.mask(dotted)
            ok = {".": held | as_mask(point.notna())}
            ok[","] = held | (ok["."] & ~dotted)
        return cls(values, missing, marked, is_text, held, ok, chars, _text=text, _parsed=parsed)

    def expanded(self, values: pd.Series, codes: npt.NDArray[np.intp]) -> Column:
        """The column whose cell ``i`` is this column's cell ``codes[i]``, its cells ``values``."""
        return Column(values, self.missing[codes], self.marked[codes], self.is_text[codes],
                      self.held[codes], {mark: ok[codes] for mark, ok in self.numbers_ok.items()},
                      self.chars, distinct=(self, codes))

    def ok(self, decimal: str) -> Mask:
        """Cells that are numbers under ``decimal``."""
        return self.numbers_ok[decimal]

    def bad(self, decimal: str) -> Mask:
        """Cells that are neither missing nor numbers under ``decimal``."""
        return ~self.missing & ~self.numbers_ok[decimal]

    def test(self, test: Callable[[pd.Series], pd.Series], among: Mask | None = None
             ) -> Mask:
        """A vectorised test of the stripped text (e.g. ``lambda t: t.str.fullmatch(...)``),
        as a mask over the cells, False outside ``among`` (a mask) when given; run once
        per distinct text when the column has few."""
        if self.distinct is not None:
            inner, codes = self.distinct
            result = inner.test(test)[codes]
            return result if among is None else result & among
        if among is None:
            return as_mask(test(self.text))
        result = np.zeros(len(self.values), dtype=bool)
        if among.any():
            result[among] = as_mask(test(self.text[among]))
        return result

    def may_start(self, prefixes: Sequence[str], among: Mask | None = None) -> Mask:
        """Cells (of ``among``) whose stripped text starts with one of ``prefixes``."""
        found = np.zeros(len(self.values), dtype=bool)
        for prefix in prefixes:
            if self.chars is None or self.chars[list(prefix.encode())].all():
                found |= self.test(partial(_starts, prefix=prefix), among)
        return found


def arrow_strings(values: pd.Series) -> pa.Array | None:
    """The cells of a column of Arrow strings as one Arrow array (None for other columns)."""
    if not (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"):
        return None
    array = values.array.__arrow_array__()
    if isinstance(array, pa.ChunkedArray):
        array = array.chunk(0) if array.num_chunks == 1 else array.combine_chunks()
    return array if pa.types.is_string(array.type) or pa.types.is_large_string(array.type) else None


def _alphabet(array: pa.Array | None) -> Mask | None:
    """Which bytes the (non-null) strings of ``array`` hold: a mask over the 256 byte values
    (None without an array). Those of the first cells are counted, then the bytes left
    once these are deleted."""
    if array is None:
        return None
    if array.null_count:
        array = pc.drop_null(array)
    used = _string_bytes(array)
    head: Mask = np.bincount(np.frombuffer(used[:1 << 16], dtype=np.uint8),
                             minlength=256).astype(bool)
    rest = used[1 << 16:].translate(None, bytes(np.flatnonzero(head).tolist()))
    tail: Mask = np.bincount(np.frombuffer(rest, dtype=np.uint8), minlength=256).astype(bool)
    return head | tail


def _string_bytes(array: pa.Array) -> bytes:
    """The bytes of the strings of ``array``, end to end."""
    data = array.buffers()[2] if len(array) else None
    if data is None:
        return b""
    ends = _ends(array)
    held: bytes = data.slice(int(ends[0]), int(ends[-1] - ends[0])).to_pybytes()
    return held


def _ends(array: pa.Array) -> np.ndarray:
    """Where the strings of ``array`` start in its bytes, and where the last ends."""
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    return np.frombuffer(array.buffers()[1], dtype=width)[array.offset:
                                                          array.offset + len(array) + 1]


def _distinct(array: pa.Array) -> tuple[pa.Array, npt.NDArray[np.intp]] | None:
    """The distinct strings of a long array without nulls and the position of each of its
    strings among them, when they are few (at most one in two, judged first on the first
    thousand); None otherwise."""
    sample = 1000
    if len(array) < 2 * sample or array.null_count or (
            pc.count_distinct(array.slice(0, sample)).as_py() > sample // 2):
        return None
    encoded = pc.dictionary_encode(array)
    if 2 * len(encoded.dictionary) > len(array):
        return None
    return encoded.dictionary, encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp)


def _with_points(text: pd.Series) -> pd.Series:
    """``text.str.replace(",", ".", regex=False)``; for Arrow text, byte for byte."""
    array = arrow_strings(text)
    if array is None:
        return text.str.replace(",", ".", regex=False)
    validity, offsets, data = array.buffers()
    if data is not None:
        data = pa.py_buffer(data.to_pybytes().translate(_COMMA_TO_POINT))
    return pd.Series(pd.arrays.ArrowStringArray(pa.Array.from_buffers(
        array.type, len(array), [validity, offsets, data], offset=array.offset)),
        dtype=text.dtype, index=text.index)


def _blank(text: pd.Series) -> Mask:
    """Which cells are the empty text (NA cells are not)."""
    array = arrow_strings(text)
    if array is None:
        return as_mask(text.eq(""))
    ends = _ends(array)
    blank: Mask = ends[1:] == ends[:-1]
    if not array.null_count:
        return blank
    null: Mask = array.is_null().to_numpy(zero_copy_only=False)
    return blank & ~null


def masked(text: pd.Series, mask: Mask) -> pd.Series:
    """``text.mask(mask)``: NA where ``mask``; at once for Arrow text."""
    if not mask.any():
        return text
    array = arrow_strings(text)
    if array is None:
        return text.mask(mask)
    return pd.Series(pd.arrays.ArrowStringArray(pc.if_else(mask, pa.scalar(None, array.type),
                                                           array)),
                     dtype=text.dtype, index=text.index)


def _starts(text: pd.Series, prefix: str) -> pd.Series:
    """``text.str.startswith(prefix)``, at once for Arrow text."""
    array = arrow_strings(text)
    if array is None:
        return text.str.startswith(prefix)
    starts = pc.fill_null(pc.starts_with(array, prefix), False)
    return pd.Series(starts.to_numpy(zero_copy_only=False), copy=False)


def _dotted_numbers(text: pd.Series, chars: Mask | None, numbers: pd.Series
                   ) -> Mask:
    """Which cells hold a point, told for the cells read as ``numbers`` (not NaN): a text
    made of digits, signs and points that reads as a number with a fraction has one, so
    only those read as whole numbers are looked at."""
    if chars is None or chars[~_NUMBER_BYTES].any() or not chars[ord(".")]:
        return _contains(text, ".", chars)
    values: npt.NDArray[np.float64] = numbers.to_numpy(dtype="float64", na_value=np.nan)
    whole: Mask = values == np.floor(values)
    dotted: Mask = ~whole & ~np.isnan(values)
    if whole.any():
        dotted[whole] = _contains(text[whole], ".", chars)
    return dotted


def _contains(text: pd.Series, part: str, chars: Mask | None) -> Mask:
    """Which cells hold ``part`` (a character), NA cells not; none when ``chars`` says so."""
    if chars is not None and not chars[list(part.encode())].all():
        return np.zeros(len(text), dtype=bool)
    array = arrow_strings(text)
    if array is None:
        return as_mask(text.str.contains(part, regex=False))
    found: Mask = pc.fill_null(pc.match_substring(array, part), False).to_numpy(
        zero_copy_only=False)
    return found


def _as_numbers(text: pd.Series, chars: Mask | None = None,
                commas: Mask | None = None) -> pd.Series:
    """The number each stripped text cell reads as, as :func:`pandas.to_numeric` reads
    it, NA where it is not one: nullable Int64 when all cells are whole numbers (exact),
    float64 otherwise. Vectorised with Arrow; the slow parser only sees the cells that
    start like a number when some cells are not numbers. ``chars``, when known, marks
    every byte of the cells: cells made of digits, signs and points are numbers exactly
    when Arrow parses them all, so that they need no pattern. ``commas``, when known,
    marks the cells with a comma: they are not numbers."""
    if chars is not None and not chars[~_NUMBER_BYTES].any():
        numbers = _cast_numbers(text)
        if numbers is not None:
            return numbers
    present = as_mask(text.notna())
    looked = present if commas is None else present & ~commas
    if looked.all():
        maybe = as_mask(text.str.fullmatch(NUMBER_TEXT, case=False))
    else:
        maybe = np.zeros(len(text), dtype=bool)
        if looked.any():
            maybe[looked] = as_mask(text[looked].str.fullmatch(NUMBER_TEXT, case=False))
    if (maybe == present).all():
        numbers = _cast_numbers(text)
        if numbers is not None:
            return numbers
    numbers = pd.Series(np.nan, index=text.index)
    if maybe.any():
        numbers[maybe] = pd.to_numeric(text[maybe].astype(object), errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan)
    return numbers


def _cast_numbers(text: pd.Series) -> pd.Series | None:
    """The cells (NA aside) cast by Arrow to whole numbers (Int64), else to float64; None
    when some cell is neither. Arrow is slow to refuse many cells, so a column that is
    not of whole numbers is first told on its first cells."""
    array = pa.array(text.array) if len(text) else pa.array([], type=pa.string())
    for target in (pa.int64(), pa.float64()):
        try:
            if target == pa.int64():
                pc.cast(pc.drop_null(array.slice(0, 100)), target)
            return pd.Series(pc.cast(array, target).to_pandas(
                types_mapper={pa.int64(): pd.Int64Dtype()}.get), index=text.index)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    return None
