"""Read survey microdata files into pandas, checked against a codebook.

:func:`read_survey` reads CSV/TSV (also gzipped, and French exports with ``;``
and decimal commas), Parquet, Stata ``.dta``, SPSS ``.sav``/``.zsav`` and Excel
``.xlsx``. A :class:`~micropop.codebook.Codebook` declares what each column
must hold; the rules it applies are described in :mod:`micropop.codebook`.

A file is read as it is written, or refused: nothing is renamed, padded,
rounded to infinity or turned into text without a word.

- Text files: the encoding is UTF-8 (with or without a byte-order mark; UTF-16
  with one). A file that is not valid UTF-8 is read as Windows-1252 only when
  every non-ASCII character it then holds is a usual letter or sign, and never
  when it also holds valid UTF-8 sequences. The separator is the one of ``,``
  ``;`` tab ``|`` that splits the header and the first 1000 lines into the same
  number of fields; the decimal mark is ``,`` only when numbers such as
  ``12,5`` are written with it and none with a point (``1,234`` alone could be
  a thousand: refused). Otherwise :class:`~micropop.errors.AmbiguousFormatError`
  asks for ``sep=``/``decimal=``. Lines with fewer (or more) fields than the
  header are refused, naming the file lines.
- Every file: the header must name each column once (a repeated name, a named
  column left unnamed, a title above the header or a first line of numbers is
  a :class:`~micropop.errors.HeaderError`; ``skiprows=`` skips title lines).
  Cells written ``NA``, ``NULL``, ``n/a``, ... and blank cells are missing.
  Columns whose cells are all numbers become numbers; a column of numbers with
  a few cells of text (``"n/a"``, ``"12,5"`` under a decimal point, ``"1 234"``)
  is refused naming the rows, and so are numbers that are infinite or too large
  or too small to be stored. A column with more text stays text.
- Every guess (encoding, separator, decimal mark, header row, sheet, missing
  markers, ...) is reported as an English sentence in ``df.attrs["read_notes"]``.

Stata and SPSS files carry their own codebook, which is applied first:

- variable labels become descriptions, kept in ``df.attrs["labels"]``;
- a variable whose every value has a value label becomes a categorical with
  the labels as categories, in the numeric order of their codes. It is
  *ordered* when SPSS declares its measure ``ordinal``; Stata has no measure
  level, so Stata variables are unordered unless a codebook declares them
  ``ordered``;
- a variable with labels on only some of its values (typically special codes
  such as 99 "ne sait pas" on an age) stays numeric, with a
  :class:`~micropop.errors.MicropopWarning` unless a codebook declares it;
- Stata ``int`` types become ``integer`` (nullable ``Int64``), other numbers
  ``numeric``;
- Stata missing values (``.``, ``.a`` to ``.z``) and SPSS user-missing values
  become NA, as the file declares them.

A user codebook is laid over the file's (see :meth:`Codebook.merged`).

Errors name the file, the column and the offending **data rows**, numbered
from 1 for the first row of data: in a CSV or spreadsheet with a header,
data row 3 is file line 4.

Examples
--------
>>> import tempfile, pathlib
>>> import micropop as mp
>>> path = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
>>> text = "id;region;hours\\n1;Île-de-France;12,5\\n2;Bretagne;3\\n"
>>> _ = path.write_bytes(text.encode("latin-1"))
>>> df = mp.read_survey(path, encoding="latin-1")
>>> df["hours"].tolist(), df["region"].tolist()
([12.5, 3.0], ['Île-de-France', 'Bretagne'])
>>> df.attrs["read_notes"][0]
"Separator ';': it splits each of the first 3 lines into 3 fields."
"""

from __future__ import annotations

import codecs
import concurrent.futures
import csv
import datetime
import difflib
import gzip
import io
import itertools
import os
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyreadstat
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from micropop.codebook import Codebook, Variable
from micropop.codebook._cells import as_mask, bad_rows, check_stored, code_key, isin_codes, listing
from micropop.codebook._variable import NUMERIC_TYPES, describe, level_pairs
from micropop.errors import (
    AmbiguousFormatError,
    DataFileError,
    EmptyFileError,
    FileEncodingError,
    HeaderError,
    InvalidDateError,
    MicropopWarning,
    NonNumericError,
    OptionError,
    SheetNotFoundError,
    SurveyFileNotFoundError,
    UnreadableFileError,
    UnsupportedFormatError,
    check_number,
    check_option,
    describe_rows,
)

__all__ = ["Codebook", "read_survey"]

#: File formats by extension (lower case); ``.csv.gz``, ``.tsv.gz``, ``.txt.gz`` also read.
FORMATS = {".csv": "text", ".tsv": "text", ".txt": "text", ".parquet": "parquet",
           ".dta": "stata", ".sav": "spss", ".zsav": "spss", ".xlsx": "excel"}
_SEPARATORS = (",", ";", "\t", "|")
_STATA_INTEGER_TYPES = ("int8", "int16", "int32", "int64")
#: Lines of a text file looked at to choose its separator.
_SAMPLE_LINES = 1000
#: Cells of a text table from which its columns are classified on several threads.
_THREADED_CELLS = 100_000
#: Rows looked at below a title for the row of column names.
_TITLE_ROWS = 20
#: Cell texts read as missing values (pandas' defaults), besides blank cells.
_NA_TEXTS = frozenset({"#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
                       "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a",
                       "nan", "null"})
_BOOLEANS = {"True": True, "TRUE": True, "true": True,
             "False": False, "FALSE": False, "false": False}
#: Characters a Windows-1252 (or Latin-1) text in a European language plausibly holds;
#: the others (e.g. '½', '¤', 'Š', '‚') are what UTF-8, Latin-9, DOS or Mac text gives
#: when misread as Windows-1252, so meeting them makes the encoding ambiguous.
_CP1252_USUAL = frozenset("ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝß"
                          "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿ"
                          "€…‘’“”•–—œŒ«»°\xa0§²³µ·×£©®¡¿ªº")
_BOMS = ((codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
         (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))
#: Text cells are handled as Arrow strings: vectorised trimming, matching and parsing.
_ARROW_TEXT = "string[pyarrow]"
#: Whole numbers above this size are not all exact as floats.
_EXACT_FLOAT = 2 ** 53
_INTEGER_TEXT = r"[+-]?\d+"
#: Every text pandas.to_numeric reads as a number matches this (case aside).
_NUMBER_TEXT = r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|inf|infinity|nan)"
_THOUSANDS = {",": r"[+-]?[1-9]\d{0,2}(?:,\d{3})+", ".": r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+"}
_GROUPED = r"[+-]?\d{1,3}(?:[ \u00a0\u202f']\d{3})+(?:[.,]\d+)?"
_UNITS = (r"[+-]?\d[\d .,\u00a0\u202f']*\s?(?:%|€|\$|£)"
          r"|(?:€|\$|£)\s?[+-]?\d[\d .,\u00a0\u202f']*")
#: Bytes of texts made only of digits, signs and points (masks over the 256 byte values),
#: and of texts with nothing to strip (printable ASCII, no space).
_NUMBER_CHARS = b"0123456789+-."
_NUMBER_BYTES = np.isin(np.arange(256), list(_NUMBER_CHARS))
_COMMA_TO_POINT = bytes.maketrans(b",", b".")
_PRINTABLE_BYTES = (np.arange(256) > 32) & (np.arange(256) < 127)

CodebookLike = Codebook | str | os.PathLike[str] | Mapping[str, Any]


@dataclass(frozen=True)
class _Raw:
    """A file as read, before any codebook: the data, the file's own codebook
    (Stata/SPSS labels), the decimal mark of numbers held as text and the
    sentences saying what was guessed to read it."""

    data: pd.DataFrame
    codebook: Codebook | None = None
    decimal: str = "."
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Declared:
    """What a user codebook tells the readers: the columns to keep as text, those
    that hold numbers, and per column the texts that are levels or missing codes
    (kept, not read as missing, when they look like ``NA``)."""

    names: frozenset[str] = frozenset()
    numeric: frozenset[str] = frozenset()
    texts: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, codebook: Codebook | None) -> _Declared:
        if codebook is None:
            return cls()
        texts = {}
        for name, var in codebook.variables.items():
            pairs = level_pairs(var.levels) if var.levels is not None else []
            items = [*(c for c, _ in pairs), *(lab for _, lab in pairs), *(var.missing or ())]
            texts[name] = frozenset(k for k in map(code_key, items) if k is not None)
        return cls(frozenset(codebook.variables),
                   frozenset(n for n, v in codebook.variables.items() if v.type in NUMERIC_TYPES),
                   texts)


@dataclass
class _Cells:
    """A table as cells, before names and types: the header cells, one object
    Series per column, where the header is (for messages) and how to name a
    column position ("column 3", "column C")."""

    header: list[Any]
    columns: list[pd.Series]
    where: str
    position: Callable[[int], str]
    notes: list[str] = field(default_factory=list)
    #: Says which rows to skip when the header looks like a title (computed on demand).
    title_hint: Callable[[], str | None] = lambda: None
    #: Every cell is text (a text file), so the checks for numbers, dates and
    #: booleans held as such (a spreadsheet) can be skipped.
    text_only: bool = True
    #: The header row could be a row of data (text, spreadsheet), not names a
    #: binary format stores as such.
    header_may_be_data: bool = True


@overload
def read_survey(path: str | os.PathLike[str], codebook: CodebookLike | None = ..., *,
                sep: str | None = ..., decimal: str | None = ..., encoding: str | None = ...,
                sheet: str | int | None = ..., skiprows: int = ...,
                return_codebook: Literal[False] = ...) -> pd.DataFrame: ...


@overload
def read_survey(path: str | os.PathLike[str], codebook: CodebookLike | None = ..., *,
                sep: str | None = ..., decimal: str | None = ..., encoding: str | None = ...,
                sheet: str | int | None = ..., skiprows: int = ...,
                return_codebook: Literal[True]) -> tuple[pd.DataFrame, Codebook]: ...


def read_survey(path: str | os.PathLike[str], codebook: CodebookLike | None = None, *,
                sep: str | None = None, decimal: str | None = None, encoding: str | None = None,
                sheet: str | int | None = None, skiprows: int = 0, return_codebook: bool = False
                ) -> pd.DataFrame | tuple[pd.DataFrame, Codebook]:
    """Read a survey data file, applying and checking a codebook.

    The file is read as it is written or refused (rules in :mod:`micropop.io`);
    what had to be guessed to read it is listed in ``attrs["read_notes"]``.

    Parameters
    ----------
    path : str or path-like
        ``.csv``, ``.tsv``, ``.txt`` (optionally ``.gz``), ``.parquet``, ``.dta``,
        ``.sav``, ``.zsav`` or ``.xlsx``; the extension is case-insensitive.
    codebook : Codebook, path or dict, optional
        Declarations to apply (see :mod:`micropop.codebook`). Declared columns
        of text and Excel files are read as text, so codes such as ``"01"``
        keep their leading zero. Stata and SPSS files also bring their own labels.
    sep : str, optional
        Field separator of a text file, one character. By default the one of
        ``,`` ``;`` tab ``|`` that splits the header and the first 1000 lines
        into the same number of fields (tab for ``.tsv``); when none or several
        do, :class:`~micropop.errors.AmbiguousFormatError` asks for it.
    decimal : {".", ","}, optional
        Decimal mark of numbers written as text. By default, in a text file,
        ``","`` when numbers such as ``12,5`` are written with a comma and none
        such as ``12.5`` with a point (a file with both, or with only
        ``1,234``-like numbers, is refused); ``"."`` otherwise.
    encoding : str, optional
        Encoding of a text file, or of a Stata/SPSS file's strings. By default
        UTF-8 (a byte-order mark, also UTF-16's, is honoured), or Windows-1252
        for a file that is not UTF-8 and reads as usual letters in it. French
        exports are often ``"cp1252"`` or ``"latin-1"``.
    sheet : str or int, optional
        Sheet of an Excel file, by name or 0-based index; the first by default.
    skiprows : int, default 0
        Lines of a text file (rows of a sheet) to skip above the column names,
        e.g. a title.
    return_codebook : bool, default False
        Also return the codebook in force: the file's labels and ``codebook``
        merged, plus a description of undeclared columns. Write it with
        :meth:`Codebook.to_file` to start a codebook for the file.

    Returns
    -------
    pandas.DataFrame or (pandas.DataFrame, Codebook)
        One row per data row of the file, in order; column names are text.
        ``attrs["labels"]`` holds the variable labels (a dict column -> label)
        and ``attrs["read_notes"]`` the guesses made to read the file, one
        English sentence (str) each in a list: encoding, separator, decimal
        mark, header row, sheet, cells read as missing, ...

    Raises
    ------
    SurveyFileNotFoundError, UnsupportedFormatError, UnreadableFileError
        For a missing, unknown or corrupt file, or a text file whose lines do
        not all hold one field per column.
    EmptyFileError, FileEncodingError, SheetNotFoundError
        For a file without data rows, undecodable text or an unknown sheet.
    HeaderError, AmbiguousFormatError
        For column names repeated or missing, a title read as the header, or a
        separator or decimal mark that cannot be told for sure.
    CodebookError, DataValidationError
        For a malformed codebook, or data that break it or that hold numbers
        mixed with a few cells of text (the subclasses name the column and up
        to five offending data rows).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import micropop as mp
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "survey.csv").write_text("id,sex,age\\n1,f,34\\n2,m,-1\\n")
    >>> cb = {"id": "id", "variables": {
    ...     "id": {"type": "integer"},
    ...     "sex": {"type": "categorical", "levels": {"f": "female", "m": "male"}},
    ...     "age": {"type": "integer", "range": [18, 99], "missing": {-1: "refused"}}}}
    >>> df = mp.read_survey(folder / "survey.csv", codebook=cb)
    >>> df.dtypes.astype(str).tolist()
    ['Int64', 'category', 'Int64']
    >>> df["age"].tolist()
    [34, <NA>]
    >>> df.attrs["read_notes"]  # doctest: +NORMALIZE_WHITESPACE
    ['Encoding UTF-8 (plain ASCII text).',
     "Separator ',': it splits each of the first 3 lines into 3 fields.",
     'Column names read from line 1.']
    """
    path = _existing_file(path)
    kind = _format_of(path)
    skiprows = _check_options(path, kind, sep=sep, decimal=decimal, encoding=encoding,
                              sheet=sheet, skiprows=skiprows)
    user = _as_codebook(codebook)
    declared = _Declared.of(user)
    if kind == "text":
        raw = _read_text(path, declared, sep, decimal, encoding, skiprows)
    elif kind == "excel":
        raw = _read_excel(path, declared, sheet, decimal, skiprows)
    else:
        raw = _read_parquet(path) if kind == "parquet" else _read_labelled(
            path, kind, declared.names, encoding)
        raw = _checked_frame(path, raw)
    if raw.data.shape[0] == 0 or raw.data.shape[1] == 0:
        raise EmptyFileError(f"{str(path)!r} has no data rows (columns: {list(raw.data.columns)})",
                             hint="check that the file was exported completely")
    in_force = raw.codebook.merged(user) if raw.codebook and user else raw.codebook or user
    if in_force is None:
        df = raw.data.copy()
        df.attrs["labels"] = dict(df.attrs.get("labels", {}))
    else:
        df = in_force.apply(raw.data, source=str(path), decimal=decimal or raw.decimal)
    df.attrs["read_notes"] = list(raw.notes)
    if not return_codebook:
        return df
    described = Codebook.from_frame(df)
    if in_force is None:
        return df, described
    return df, replace(in_force, variables={**described.variables, **in_force.variables})


# --- paths, formats and options ----------------------------------------------


def _existing_file(path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    if path.is_file():
        return path
    if path.is_dir():
        raise UnreadableFileError(f"{str(path)!r} is a folder, not a file",
                                  hint="give the path of the data file inside it")
    names = [p.name for p in path.parent.iterdir()] if path.parent.is_dir() else []
    close = difflib.get_close_matches(path.name, names, n=1)
    raise SurveyFileNotFoundError(
        f"survey file {str(path)!r} does not exist",
        hint=f"a file with a close name exists: {str(path.parent / close[0])!r}" if close else
             f"check the path (working directory: {os.getcwd()})")


def _format_of(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if len(suffixes) >= 2 and suffixes[-1] == ".gz" and FORMATS.get(suffixes[-2]) == "text":
        return "text"
    extension = suffixes[-1] if suffixes else ""
    kind = FORMATS.get(extension)
    if kind is None:
        raise UnsupportedFormatError(
            f"{str(path)!r}: micropop does not read {extension or 'extension-less'!r} files",
            hint=f"convert it to one of {', '.join(FORMATS)} (or .csv.gz); "
                 "save old .xls workbooks as .xlsx")
    return kind


def _check_options(path: Path, kind: str, *, sep: Any, decimal: Any, encoding: Any, sheet: Any,
                   skiprows: Any) -> int:
    """Refuse options that do not apply to this file or are not valid; return ``skiprows``."""
    applies = {"sep": ("text",), "sheet": ("excel",), "skiprows": ("text", "excel"),
               "encoding": ("text", "stata", "spss")}
    given = {"sep": sep is not None, "sheet": sheet is not None, "encoding": encoding is not None,
             "skiprows": not (isinstance(skiprows, (int, np.integer))
                              and not isinstance(skiprows, bool) and skiprows == 0)}
    for name, kinds in applies.items():
        if given[name] and kind not in kinds:
            files = {"text": "text files", "excel": "Excel files", "stata": "Stata and SPSS files"}
            where = " and ".join(files[k] for k in kinds if k in files)
            raise OptionError(f"{name}= applies to {where}, not to {path.name!r}",
                              hint=f"leave {name} out for this file")
    if sep is not None and not (isinstance(sep, str) and len(sep) == 1 and sep not in '"\r\n'):
        raise OptionError(f"sep={sep!r} is not a single character that can separate fields",
                          hint="give the one character between fields, e.g. sep=';' or sep='\\t'")
    if decimal is not None:
        check_option("decimal", decimal, [".", ","])
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except (LookupError, TypeError):
            raise FileEncodingError(f"unknown encoding {encoding!r} for {str(path)!r}",
                                    hint="use e.g. 'utf-8', 'latin-1' or 'cp1252'") from None
    if sheet is not None and (isinstance(sheet, bool) or not isinstance(sheet, (str, int))):
        raise OptionError(f"sheet={sheet!r} is neither a sheet name nor an index",
                          hint="give the sheet's name, or its 0-based position (sheet=0)")
    return check_number("skiprows", skiprows, low=0, integer=True)


def _as_codebook(codebook: CodebookLike | None) -> Codebook | None:
    if codebook is None or isinstance(codebook, Codebook):
        return codebook
    if isinstance(codebook, Mapping):
        return Codebook.from_dict(codebook)
    return Codebook.from_file(codebook)


def _unreadable(path: Path, what: str, err: Exception) -> UnreadableFileError:
    return UnreadableFileError(f"{str(path)!r} could not be read as {what}: {err}",
                               hint=f"check that the file is a complete {what} file, "
                                    "not renamed or truncated; re-export it if needed")


def _on_lines(lines: Sequence[int]) -> str:
    """``"file lines 3, 7 and 2 more"``."""
    return "file line" + describe_rows(list(lines))[3:]


# --- text files: bytes to text ------------------------------------------------


def _read_text(path: Path, declared: _Declared, sep: str | None, decimal: str | None,
               encoding: str | None, skiprows: int) -> _Raw:
    data = path.read_bytes()
    if path.suffix.lower() == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as err:
            raise _unreadable(path, "gzip", err) from None
    if not data or data.isspace():
        raise EmptyFileError(f"{str(path)!r} is empty", hint="check that the export completed")
    text, notes, undecodable, utf8 = _decode(path, data, encoding)
    if sep is None:
        if ".tsv" in (s.lower() for s in path.suffixes):
            sep = "\t"
            notes.append("Separator tab, as the .tsv extension says.")
        else:
            sep, note = _sniff_separator(path, text, skiprows)
            notes.append(note)
    else:
        _refuse_one_column(path, text, sep, skiprows)
    try:
        cells = _text_cells(path, text, sep, skiprows, utf8)
    except DataFileError:
        if undecodable is None:
            raise
        raise _encoding_error(path, None, undecodable, encoding or "utf-8") from None
    if undecodable is not None:
        raise _encoding_error(path, cells, undecodable, encoding or "utf-8")
    df, decimal, more = _frame(path, cells, declared, decimal, sniff=True)
    return _Raw(df, decimal=decimal, notes=(*notes, *more))


def _decode(path: Path, data: bytes, encoding: str | None
            ) -> tuple[str, list[str], UnicodeDecodeError | None, bytes | None]:
    """Text of the file (undecodable bytes replaced), what was guessed, the first
    decoding error, and the text's UTF-8 bytes when they are the file's (else None).
    A byte-order mark is honoured and removed."""
    if encoding is not None:
        notes = ([] if codecs.lookup(encoding).name.startswith("utf") else
                 _refuse_misread_utf8(path, data, encoding))
        try:
            text, err = data.decode(encoding), None
        except UnicodeDecodeError as error:
            text, err = data.decode(encoding, errors="replace"), error
        utf8 = None
        if err is None and codecs.lookup(encoding).name == "utf-8":
            utf8 = data.removeprefix(codecs.BOM_UTF8) if text.startswith("\ufeff") else data
        return _without_nul(path, text.removeprefix("\ufeff")), notes, err, utf8
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            note = f"Encoding {name} (the file starts with its byte-order mark)."
            try:
                text = data[len(bom):].decode(codec)
                return (_without_nul(path, text), [note], None,
                        data[len(bom):] if codec == "utf-8" else None)
            except UnicodeDecodeError as error:
                if codec != "utf-8":
                    raise FileEncodingError(
                        f"{str(path)!r} starts with a {name} byte-order mark but is not valid "
                        f"{name}: {error.reason} at byte {error.start + len(bom)}",
                        hint="export the file again as UTF-8 CSV") from None
                text = data[len(bom):].decode(codec, errors="replace")
                return _without_nul(path, text), [note], error, None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        fallback = _as_cp1252(data)
        if fallback is None:
            return _without_nul(path, data.decode("utf-8", errors="replace")), [], error, None
        line = data[:error.start].count(b"\n") + 1
        usual = "".join(sorted(set(re.findall(r"[^\x00-\x7f]", fallback))))
        note = (f"Encoding Windows-1252 (cp1252): the file is not valid UTF-8 (byte "
                f"{data[error.start:error.start + 1]!r} at line {line}), and read as "
                "Windows-1252 its non-ASCII characters are usual letters and signs "
                f"({usual[:30]}); "
                "pass encoding= if it is another one.")
        return _without_nul(path, fallback), [note], None, None
    plain = data.isascii()
    note = "Encoding UTF-8" + (" (plain ASCII text)." if plain else ".")
    return _without_nul(path, text), [note], None, data


def _as_cp1252(data: bytes) -> str | None:
    """The file read as Windows-1252 when that reading is unambiguous, else None: it
    must hold no valid UTF-8 multi-byte sequence, and only usual characters."""
    if re.search(r"[^\x00-\x7f\ufffd]", data.decode("utf-8", errors="replace")):
        return None  # part UTF-8, part something else
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None  # bytes undefined in Windows-1252
    return None if set(re.findall(r"[^\x00-\x7f]", text)) - _CP1252_USUAL else text


def _refuse_misread_utf8(path: Path, data: bytes, encoding: str) -> list[str]:
    """A file that is valid UTF-8 with non-ASCII text, for which another encoding is
    asked: refused when that reading has the marks of UTF-8 misread ('Ã©' for 'é',
    'â€™' for '’'); otherwise read as asked, with a note."""
    if data.isascii():
        return []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return []
    first = re.search(r"[^\x00-\x7f]+", text)
    assert first is not None
    word, line = first.group(), text.count("\n", 0, first.start()) + 1
    misread = data.decode(encoding, errors="replace")
    if re.search("^ï»¿|[ÃÂ][\x80-\xbf\u0152-\u2122]|â€|\ufffd", misread):
        raise FileEncodingError(
            f"{str(path)!r} is valid UTF-8, with {word!r} at line {line}, but "
            f"encoding={encoding!r} was asked, which would read it as "
            f"{word.encode('utf-8').decode(encoding, errors='replace')!r}",
            hint="leave encoding out: UTF-8 is read by default")
    return [f"The file would also read as UTF-8 ({word!r} at line {line}); it was read as "
            f"{encoding!r}, as asked."]


def _without_nul(path: Path, text: str) -> str:
    position = text.find("\x00")
    if position >= 0:
        raise FileEncodingError(
            f"{str(path)!r} holds NUL characters (the first at line "
            f"{text.count(chr(10), 0, position) + 1}): it is not text in the encoding read",
            hint="it looks like UTF-16 text without a byte-order mark or a binary file: pass "
                 "encoding='utf-16', or export the table again as CSV in UTF-8")
    return text


def _encoding_error(path: Path, cells: _Cells | None, err: UnicodeDecodeError,
                    encoding: str) -> FileEncodingError:
    """Name the file line, and the column and data rows, where undecodable bytes
    (shown as '\ufffd') fell."""
    line = err.object[:err.start].count(b"\n") + 1
    where = f"file line {line}"
    for i, name in enumerate(cells.header if cells else []):
        if "\ufffd" in str(name):
            where += f" (column {str(name).strip()!r} of the header)"
            break
        values = cells.columns[i].astype(str)  # type: ignore[union-attr]
        bad = as_mask(values.str.contains("\ufffd", regex=False))
        if bad.any():
            where += (f" (column {str(name).strip()!r}, "
                      f"{bad_rows(cells.columns[i], bad)})")  # type: ignore[union-attr]
            break
    return FileEncodingError(
        f"{str(path)!r} is not valid {encoding}: byte {err.object[err.start:err.start + 1]!r} "
        f"at {where}",
        hint="pass the file's encoding, e.g. encoding='cp1252' (Windows exports) or 'latin-1'")


# --- text files: text to cells ------------------------------------------------


def _lines(text: str, skip: int) -> Iterator[str]:
    """The physical lines of ``text`` (ending in \\n, \\r\\n or \\r) after the first ``skip``."""
    lines = iter(io.StringIO(text, newline=""))
    for _ in range(skip):
        next(lines, None)
    return lines


#: A physical line, as io.StringIO(newline="") splits them.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _first_lines(text: str, skip: int) -> Iterator[str]:
    """The lines of :func:`_lines`, found one by one: for reading only the first lines."""
    return itertools.islice((m.group() for m in _LINE.finditer(text)), skip, None)


def _sniff_separator(path: Path, text: str, skip: int) -> tuple[str, str]:
    """The separator that splits the header and the first lines into the same number
    (above one) of fields, and a sentence saying so; refuse when it is not clear."""
    sample = list(zip(range(_SAMPLE_LINES + 1), _first_lines(text, skip)))
    cut = len(sample) > _SAMPLE_LINES
    lines = [line for _, line in sample[:_SAMPLE_LINES]]
    counts: dict[str, list[int]] = {}
    sampled = "".join(lines)
    for candidate in _SEPARATORS:
        if candidate not in sampled:
            continue  # it splits no line: it would count one field each, which decides nothing
        try:
            rows = list(csv.reader(lines, delimiter=candidate))
        except csv.Error:
            continue
        rows = rows[:-1] if cut and len(rows) > 1 else rows
        counts[candidate] = [len(r) for r in rows if len(r) > 1 or (r and r[0].strip())]
    split = {c: n for c, n in counts.items() if n and n[0] > 1}
    regular = [c for c, n in split.items() if len(set(n)) == 1]
    shown = {c: "tab" if c == "\t" else repr(c) for c in _SEPARATORS}
    if len(regular) == 1:
        sep = regular[0]
        return sep, (f"Separator {shown[sep]}: it splits each of the first {len(split[sep])} lines "
                     f"into {split[sep][0]} fields.")
    if len(regular) > 1 or len(split) > 1:
        both = regular if len(regular) > 1 else list(split)
        how = ("each splits every line into the same number of fields" if len(regular) > 1 else
               "the header splits on each, and none splits every line evenly")
        raise AmbiguousFormatError(
            f"{str(path)!r}: the separator cannot be told: {how} "
            f"({', '.join(f'{shown[c]}: {split[c][0]} fields' for c in both)})",
            hint=f"pass the separator, e.g. sep={both[0]!r}")
    if split:
        sep = next(iter(split))
        return sep, (f"Separator {shown[sep]}: the only one found in the header line (the lines "
                     "do not all have its number of fields).")
    for candidate, n in counts.items():
        if len(n) > 2 and n[1] > 1 and len(set(n[1:])) == 1:
            raise HeaderError(
                f"{str(path)!r}: line {skip + 1} holds no separator, but the lines below split "
                f"into {n[1]} fields on {shown[candidate]}: it looks like a title, not column "
                "names",
                hint=f"pass skiprows={skip + 1} to start at the column names "
                     f"(and sep={candidate!r})")
        if any(k > 1 for k in n[1:]):
            raise AmbiguousFormatError(
                f"{str(path)!r}: the separator cannot be told: the header line holds none, but "
                f"other lines split on {shown[candidate]}",
                hint=f"pass sep={candidate!r} if it separates the fields; for a file of one "
                     "column, pass a separator it does not hold, e.g. sep='\\t'")
    return ",", "One column: no line holds any of the separators , ; tab |."


def _lines_fields(text: str, sep: str, skip: int) -> list[str]:
    """The fields of the first line read (the header), split on ``sep``."""
    try:
        return next(csv.reader(_first_lines(text, skip), delimiter=sep), [])
    except csv.Error:
        return []


def _refuse_one_column(path: Path, text: str, sep: str, skip: int) -> None:
    """``sep`` given reads the header as one column while one of the usual separators
    splits every line evenly: the separator is likely wrong, refuse."""
    if len(_lines_fields(text, sep, skip)) != 1:
        return
    try:
        sniffed, note = _sniff_separator(path, text, skip)
    except DataFileError:
        return
    if sniffed != sep and "splits each" in note:
        raise AmbiguousFormatError(
            f"{str(path)!r}: with sep={sep!r} the file has one column, but {note[0].lower()}"
            f"{note[1:].rstrip('.')}",
            hint=f"pass sep={sniffed!r} (or leave sep out)")


def _text_cells(path: Path, text: str, sep: str, skip: int, utf8: bytes | None = None
                ) -> _Cells:
    """The records of a text file as cells, refusing lines with a wrong number of fields
    or a quoted field followed by other characters. Arrow's parser reads regular files;
    any irregularity sends the file to Python's strict parser, whose reading is the
    reference and which names the lines at fault."""
    return (_arrow_cells(path, text, sep, skip, utf8)
            or _csv_cells(path, text, sep, skip))


def _arrow_cells(path: Path, text: str, sep: str, skip: int, utf8: bytes | None = None
                 ) -> _Cells | None:
    """The cells of a regular file, read by Arrow; None when anything is irregular.
    ``utf8``, when given, is ``text`` encoded in UTF-8 (the file's own bytes)."""
    lines = _first_lines(text, skip)
    skipped = "".join(itertools.islice(_first_lines(text, 0), skip))
    body = (text[len(skipped):].encode("utf-8") if utf8 is None else
            memoryview(utf8)[len(skipped.encode("utf-8")):])
    quotes = text.find('"', len(skipped)) >= 0
    if quotes and not _quoted_fields(body, sep):
        return None  # e.g. an unclosed quote, '"ab"c' or 'ab"c': for the strict parser
    header, blanks = [], 0
    for line in lines:
        if line.strip("\r\n"):
            header = next(csv.reader([line], delimiter=sep), [])
            break
        blanks += 1
    irregular: list[Any] = []

    def note(row: Any) -> str:
        irregular.append(row)
        return "skip"

    try:
        table = pa_csv.read_csv(
            pa.py_buffer(body),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True),
            # without quotes, a line break always ends a record
            parse_options=pa_csv.ParseOptions(delimiter=sep, quote_char='"', double_quote=True,
                                              escape_char=False, newlines_in_values=quotes,
                                              ignore_empty_lines=True, invalid_row_handler=note),
            convert_options=pa_csv.ConvertOptions(  # the bytes are UTF-8 text already
                column_types={f"f{i}": pa.string() for i in range(len(header))},
                check_utf8=False,
                strings_can_be_null=False, quoted_strings_can_be_null=False, null_values=[],
                true_values=[], false_values=[]))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, csv.Error):
        return None
    if irregular or not header or table.num_columns != len(header) or table.num_rows == 0:
        return None
    cells = [table.column(i) for i in range(table.num_columns)]
    return _Cells([c[0].as_py() for c in cells],
                  [pd.Series(pd.arrays.ArrowStringArray(c.slice(1).combine_chunks()),
                             dtype=_ARROW_TEXT) for c in cells],
                  f"line {skip + blanks + 1}", lambda i: f"column {i + 1}",
                  [f"Column names read from line {skip + blanks + 1}."],
                  lambda: _csv_cells(path, text, sep, skip).title_hint())


def _quoted_fields(body: bytes | memoryview, sep: str) -> bool:
    """Whether every double quote of the UTF-8 text ``body`` opens a whole field or
    closes it, or is doubled inside one: taken in order, the quotes pair up, each
    pair's first quote starting the text, a line (after \\n) or a field (after ``sep``)
    unless it just follows the last pair, and its second ending the text or coming
    before \\r, \\n or ``sep`` unless the next pair follows at once (a doubled quote).
    This is what removing every match of ``"(?:[^"]|"")*"`` at the start of a line or
    field and before ``sep``, \\r, \\n or the end leaves no quote of; read on the
    bytes at once."""
    data = np.frombuffer(body, dtype=np.uint8)
    quotes = np.flatnonzero(data == ord('"'))
    if quotes.size % 2:
        return False
    opens, closes = quotes[0::2], quotes[1::2]
    doubled = closes[:-1] + 1 == opens[1:]  # a doubled quote inside a field

    def sep_at(positions: np.ndarray) -> np.ndarray:
        found = (positions >= 0) & (positions + len(mark) <= len(data))
        for k, byte in enumerate(mark):
            found &= data[np.clip(positions + k, 0, len(data) - 1)] == byte
        return found

    mark = sep.encode("utf-8")
    before = data[np.maximum(opens - 1, 0)]
    opening = (opens == 0) | ((opens > 0) & (before == ord("\n"))) | sep_at(opens - len(mark))
    after = data[np.minimum(closes + 1, len(data) - 1)]
    closing = (closes == len(data) - 1) | ((closes < len(data) - 1) & (
        (after == ord("\r")) | (after == ord("\n")))) | sep_at(closes + 1)
    return bool((opening[1:] | doubled).all() and opening[:1].all()
                and (closing[:-1] | doubled).all() and closing[-1:].all())


def _csv_cells(path: Path, text: str, sep: str, skip: int) -> _Cells:
    """The records of a text file read by Python's strict parser, refusing lines with a
    wrong number of fields (named by file line) and irregular quoting."""
    reader = csv.reader(_lines(text, skip), delimiter=sep, strict=True)
    try:
        records = list(reader)
    except csv.Error as err:
        raise UnreadableFileError(
            f"{str(path)!r} is not a regular table: {err} (file line {reader.line_num + skip})",
            hint="check the quoting: a field that starts with a double quote must end with one, "
                 "and quotes inside it are doubled (\"\")") from None
    counts = np.fromiter(map(len, records), dtype=np.intp, count=len(records))
    blank = counts == 0
    first = np.flatnonzero(~blank)
    if first.size == 0:
        raise EmptyFileError(f"{str(path)!r} has no lines after the {skip} skipped",
                             hint="lower skiprows")
    ncol = counts[first[0]]
    kept = first
    header_at, rows_at = kept[0], kept[1:]
    row_counts = counts[rows_at]
    long = np.flatnonzero(row_counts > ncol)
    filled = [i for i in long if any(f.strip() for f in records[rows_at[i]][ncol:])]
    short = np.flatnonzero(row_counts < ncol)
    if short.size or filled:
        starts = _record_lines(text, sep, skip)
        bad = rows_at[short] if short.size else rows_at[filled]
        raise UnreadableFileError(
            f"{str(path)!r} is not a regular table: the header (line {starts[header_at]}) has "
            f"{ncol} fields, but {_on_lines(starts[bad])} {'has' if len(bad) == 1 else 'have'} "
            + (f"fewer ({listing(sorted(set(counts[bad].tolist())))})" if short.size else
               f"more, not empty ({listing(sorted(set(counts[bad].tolist())))})"),
            hint=_title_hint(counts, kept, starts, skip) or
            f"each line needs one field per column: check the separator (read with sep={sep!r}) "
            "and the quoting of fields that hold it, or fill in the missing fields")
    notes = [f"Column names read from line {skip + header_at + 1}."]
    rows = [records[i] for i in rows_at]
    if long.size:
        for i in long:
            rows[i] = rows[i][:ncol]
        notes.append(f"{len(long)} lines end with empty fields beyond the {ncol} columns of the "
                     "header (a separator at the end of the line); these empty fields were "
                     "ignored.")
    columns = ([pd.Series(np.array(col, dtype=object), dtype=object) for col in zip(*rows)]
               if rows else [pd.Series([], dtype=object) for _ in range(ncol)])
    return _Cells(list(records[header_at]), columns, f"line {skip + header_at + 1}",
                  lambda i: f"column {i + 1}", notes,
                  lambda: _title_hint(counts, kept, _record_lines(text, sep, skip), skip,
                                      names=records))


def _record_lines(text: str, sep: str, skip: int) -> np.ndarray:
    """The file line on which each record starts (for messages: a loop, on errors only)."""
    reader = csv.reader(_lines(text, skip), delimiter=sep, strict=True)
    starts, end = [], skip
    for _ in reader:
        starts.append(end + 1)
        end = reader.line_num + skip
    return np.array(starts, dtype=np.intp)


def _title_hint(counts: np.ndarray, kept: np.ndarray, starts: np.ndarray, skip: int,
                names: list[list[str]] | None = None) -> str | None:
    """``"pass skiprows=2 ..."`` when the first records look like a title above the column
    names: the records from some point on all have the same number of fields (and, if
    ``names`` is given, the first of them names every field), and that point is near the top."""
    widths = counts[kept]
    common = np.bincount(widths).argmax()
    if names is None and widths[0] >= common:
        return None  # the header is as wide as the rows: not a title
    for k in range(1, min(_TITLE_ROWS, len(kept))):
        if (widths[k:] == common).all() and (names is None or all(
                f.strip() for f in names[kept[k]])):
            before = starts[kept[k]] - 1
            title = (f"line {skip + 1} looks" if before - skip == 1 else
                     f"lines {skip + 1} to {before} look")
            return f"{title} like a title above the column names: pass skiprows={before}"
    return None


# --- cells to a frame: names, decimal mark, types -------------------------------


@dataclass
class _Column:
    """One column's cells, classified once: the stripped text of its text cells,
    which cells are missing (blank, or a marker such as ``NA``), which hold numbers
    as numbers (spreadsheets), and what each text cell reads as under each decimal
    mark (NaN when it is not a number). For Arrow text, ``chars`` marks the bytes
    its cells hold, so that texts made of others need not be looked for; a column
    with few distinct texts is classified once per distinct text (``distinct``:
    that classification and the position of each cell in it)."""

    values: pd.Series
    missing: np.ndarray
    marked: np.ndarray
    is_text: np.ndarray
    held: np.ndarray
    numbers_ok: dict[str, np.ndarray]
    chars: np.ndarray | None = None
    distinct: tuple[_Column, np.ndarray] | None = None
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
    def of(cls, values: pd.Series, keep: frozenset[str], text_only: bool) -> _Column:
        values = values.reset_index(drop=True)
        n = len(values)
        if not text_only:
            is_text = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=n)
            held = np.fromiter((isinstance(v, (int, float, np.number))
                                and not isinstance(v, (bool, np.bool_)) for v in values),
                               dtype=bool, count=n) & as_mask(values.notna())
            text = values.where(is_text).astype(object).astype(_ARROW_TEXT).str.strip()
            return cls._classified(values, text, is_text, held, keep, None)
        array = _arrow_strings(values)
        chars = _alphabet(array)
        if chars is not None and chars[~_NUMBER_BYTES].any():
            distinct = _distinct(array)
            if distinct is not None:
                cells, codes = distinct
                inner = cls.of(pd.Series(pd.arrays.ArrowStringArray(cells), dtype=_ARROW_TEXT),
                               keep, text_only)
                return inner._expanded(values, codes)
        text = values if values.dtype == _ARROW_TEXT else values.astype(_ARROW_TEXT)
        if chars is None or chars[~_PRINTABLE_BYTES].any():  # else nothing to strip
            text = text.str.strip()
        return cls._classified(values, text, np.ones(n, dtype=bool), np.zeros(n, dtype=bool),
                               keep, chars)

    @classmethod
    def _classified(cls, values: pd.Series, text: pd.Series, is_text: np.ndarray,
                    held: np.ndarray, keep: frozenset[str], chars: np.ndarray | None) -> _Column:
        markers = _NA_TEXTS - keep
        if chars is None or any(chars[list(m.encode())].all() for m in markers):
            marked = as_mask(text.isin(markers))
        else:
            marked = np.zeros(len(text), dtype=bool)
        missing = as_mask(values.isna()) | _blank(text) | marked
        candidates = _masked(text, missing)
        if chars is not None and chars[~_NUMBER_BYTES].any() and (
                marked.any() or chars[~_PRINTABLE_BYTES].any()):
            chars = _alphabet(_arrow_strings(candidates))  # e.g. numbers without NA or spaces
        commas = _contains(candidates, ",", chars)
        point = _as_numbers(candidates, chars, commas)
        parsed: dict[str, pd.Series | Callable[[], pd.Series]] = {".": point}
        if commas.any():
            dotted = _contains(candidates, ".", chars)
            if chars is not None:  # each comma becomes a point
                chars = chars.copy()
                chars[[ord("."), ord(",")]] = True, False
            parsed[","] = _as_numbers(_with_points(_masked(candidates, dotted)), chars)
            ok = {mark: held | as_mask(number.notna()) for mark, number in parsed.items()}
        else:  # the numbers without a point read the same under a decimal comma
            dotted = _dotted_numbers(candidates, chars, point)
            parsed[","] = lambda: point.mask(dotted)
            ok = {".": held | as_mask(point.notna())}
            ok[","] = held | (ok["."] & ~dotted)
        return cls(values, missing, marked, is_text, held, ok, chars, _text=text, _parsed=parsed)

    def _expanded(self, values: pd.Series, codes: np.ndarray) -> _Column:
        """The column whose cell ``i`` is this column's cell ``codes[i]``, its cells ``values``."""
        return _Column(values, self.missing[codes], self.marked[codes], self.is_text[codes],
                       self.held[codes], {mark: ok[codes] for mark, ok in self.numbers_ok.items()},
                       self.chars, distinct=(self, codes))

    def ok(self, decimal: str) -> np.ndarray:
        """Cells that are numbers under ``decimal``."""
        return self.numbers_ok[decimal]

    def bad(self, decimal: str) -> np.ndarray:
        """Cells that are neither missing nor numbers under ``decimal``."""
        return ~self.missing & ~self.numbers_ok[decimal]

    def test(self, test: Callable[[pd.Series], pd.Series], among: np.ndarray | None = None
             ) -> np.ndarray:
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

    def may_start(self, prefixes: Sequence[str], among: np.ndarray | None = None) -> np.ndarray:
        """Cells (of ``among``) whose stripped text starts with one of ``prefixes``."""
        found = np.zeros(len(self.values), dtype=bool)
        for prefix in prefixes:
            if self.chars is None or self.chars[list(prefix.encode())].all():
                found |= self.test(lambda text, prefix=prefix: _starts(text, prefix), among)
        return found


def _arrow_strings(values: pd.Series) -> pa.Array | None:
    """The cells of a column of Arrow strings as one Arrow array (None for other columns)."""
    if not (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"):
        return None
    array = values.array.__arrow_array__()
    if isinstance(array, pa.ChunkedArray):
        array = array.chunk(0) if array.num_chunks == 1 else array.combine_chunks()
    return array if pa.types.is_string(array.type) or pa.types.is_large_string(array.type) else None


def _alphabet(array: pa.Array | None) -> np.ndarray | None:
    """Which bytes the (non-null) strings of ``array`` hold: a mask over the 256 byte values
    (None without an array). Those of the first cells are counted, then the bytes left
    once these are deleted."""
    if array is None:
        return None
    if array.null_count:
        array = pc.drop_null(array)
    used = _string_bytes(array)
    head = np.bincount(np.frombuffer(used[:1 << 16], dtype=np.uint8), minlength=256).astype(bool)
    rest = used[1 << 16:].translate(None, bytes(np.flatnonzero(head).tolist()))
    return head | np.bincount(np.frombuffer(rest, dtype=np.uint8), minlength=256).astype(bool)


def _string_bytes(array: pa.Array) -> bytes:
    """The bytes of the strings of ``array``, end to end."""
    data = array.buffers()[2] if len(array) else None
    if data is None:
        return b""
    ends = _ends(array)
    return data.slice(int(ends[0]), int(ends[-1] - ends[0])).to_pybytes()


def _ends(array: pa.Array) -> np.ndarray:
    """Where the strings of ``array`` start in its bytes, and where the last ends."""
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    return np.frombuffer(array.buffers()[1], dtype=width)[array.offset:
                                                          array.offset + len(array) + 1]


def _distinct(array: pa.Array) -> tuple[pa.Array, np.ndarray] | None:
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
    array = _arrow_strings(text)
    if array is None:
        return text.str.replace(",", ".", regex=False)
    validity, offsets, data = array.buffers()
    if data is not None:
        data = pa.py_buffer(data.to_pybytes().translate(_COMMA_TO_POINT))
    return pd.Series(pd.arrays.ArrowStringArray(pa.Array.from_buffers(
        array.type, len(array), [validity, offsets, data], offset=array.offset)),
        dtype=text.dtype, index=text.index)


def _blank(text: pd.Series) -> np.ndarray:
    """Which cells are the empty text (NA cells are not)."""
    array = _arrow_strings(text)
    if array is None:
        return as_mask(text.eq(""))
    ends = _ends(array)
    blank = ends[1:] == ends[:-1]
    return blank & ~array.is_null().to_numpy(zero_copy_only=False) if array.null_count else blank


def _masked(text: pd.Series, mask: np.ndarray) -> pd.Series:
    """``text.mask(mask)``: NA where ``mask``; at once for Arrow text."""
    if not mask.any():
        return text
    array = _arrow_strings(text)
    if array is None:
        return text.mask(mask)
    return pd.Series(pd.arrays.ArrowStringArray(pc.if_else(mask, pa.scalar(None, array.type),
                                                           array)),
                     dtype=text.dtype, index=text.index)


def _starts(text: pd.Series, prefix: str) -> pd.Series:
    """``text.str.startswith(prefix)``, at once for Arrow text."""
    array = _arrow_strings(text)
    if array is None:
        return text.str.startswith(prefix)
    starts = pc.fill_null(pc.starts_with(array, prefix), False)
    return pd.Series(starts.to_numpy(zero_copy_only=False), copy=False)


def _dotted_numbers(text: pd.Series, chars: np.ndarray | None, numbers: pd.Series
                   ) -> np.ndarray:
    """Which cells hold a point, told for the cells read as ``numbers`` (not NaN): a text
    made of digits, signs and points that reads as a number with a fraction has one, so
    only those read as whole numbers are looked at."""
    if chars is None or chars[~_NUMBER_BYTES].any() or not chars[ord(".")]:
        return _contains(text, ".", chars)
    values = numbers.to_numpy(dtype="float64", na_value=np.nan)
    whole = values == np.floor(values)
    dotted = ~whole & ~np.isnan(values)
    if whole.any():
        dotted[whole] = _contains(text[whole], ".", chars)
    return dotted


def _contains(text: pd.Series, part: str, chars: np.ndarray | None) -> np.ndarray:
    """Which cells hold ``part`` (a character), NA cells not; none when ``chars`` says so."""
    if chars is not None and not chars[list(part.encode())].all():
        return np.zeros(len(text), dtype=bool)
    array = _arrow_strings(text)
    if array is None:
        return as_mask(text.str.contains(part, regex=False))
    return pc.fill_null(pc.match_substring(array, part), False).to_numpy(zero_copy_only=False)


def _as_numbers(text: pd.Series, chars: np.ndarray | None = None,
                commas: np.ndarray | None = None) -> pd.Series:
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
        maybe = as_mask(text.str.fullmatch(_NUMBER_TEXT, case=False))
    else:
        maybe = np.zeros(len(text), dtype=bool)
        if looked.any():
            maybe[looked] = as_mask(text[looked].str.fullmatch(_NUMBER_TEXT, case=False))
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


def _frame(path: Path, cells: _Cells, declared: _Declared, decimal: str | None, *,
           sniff: bool) -> tuple[pd.DataFrame, str, list[str]]:
    """The frame of named, typed columns, the decimal mark used and what was guessed."""
    notes = list(cells.notes)
    names, used = _column_names(path, cells, notes)
    # text cells are classified by Arrow, which lets other threads run (not a sheet's cells)
    threads = cells.text_only and bool(used) and (
        len(used) * len(cells.columns[used[0]]) >= _THREADED_CELLS)
    columns = dict(zip(names, _each(lambda i: _Column.of(
        cells.columns[used[i]], declared.texts.get(names[i], frozenset()), cells.text_only),
        range(len(used)), threads)))
    if decimal is None:
        decimal = _sniff_decimal(path, columns, declared, notes) if sniff else "."
    marked = [(name, int(col.marked.sum())) for name, col in columns.items() if col.marked.any()]
    if marked:
        words = sorted({str(w) for col in columns.values() for w in col.text[col.marked].unique()})
        notes.append(f"Cells written {listing(words, 6)} were read as missing values: "
                     + ", ".join(f"{n} in column {name!r}" for name, n in marked[:10])
                     + (f" and some in {len(marked) - 10} more columns" if len(marked) > 10 else "")
                     + ".")
    def typed(name: str) -> tuple[pd.Series, list[str]]:
        said: list[str] = []
        col = columns[name]
        return (_as_text(col) if name in declared.names else
                _typed(path, name, col, decimal, said)), said

    data = {}
    for name, (series, said) in zip(columns, _each(typed, list(columns), threads)):
        data[name] = series
        notes.extend(said)
    return pd.DataFrame(data), decimal, notes


def _each(function: Callable[[Any], Any], items: Sequence[Any], threads: bool) -> list[Any]:
    """``[function(item) for item in items]``, on a few threads if asked; the results, and
    the first error raised, are those of the items in order."""
    workers = min(len(items), os.cpu_count() or 1, 4)
    if not threads or workers < 2:
        return [function(item) for item in items]
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return list(pool.map(function, items))


def _header_text(cell: Any) -> str:
    """A header cell as a column name: text stripped; numbers and dates as text."""
    if isinstance(cell, str):
        return cell.strip()
    if cell is None or cell is pd.NaT or (isinstance(cell, float) and np.isnan(cell)):
        return ""
    if isinstance(cell, (float, np.floating)) and np.isfinite(cell) and float(cell).is_integer():
        return str(int(cell))
    if hasattr(cell, "isoformat"):
        stamp = pd.Timestamp(cell)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat()
    return str(cell)


def _column_names(path: Path, cells: _Cells, notes: list[str]) -> tuple[list[str], list[int]]:
    """Names of the columns kept and their positions; refuse a header that does not
    name each column holding data exactly once."""
    names = [_header_text(c) for c in cells.header]
    used = [i for i, name in enumerate(names)
            if name or not _Column.of(cells.columns[i], _NA_TEXTS, cells.text_only).missing.all()]
    named = [i for i in used if names[i]]
    if len(used) > 1 and 2 * len(named) < len(used):
        raise HeaderError(
            f"{str(path)!r}: the header ({cells.where}) names only {len(named)} of the "
            f"{len(used)} columns ({listing([names[i] for i in named], 5)}): it looks like a "
            "title, not the column names",
            hint=cells.title_hint() or "pass skiprows= to skip the lines above the column names")
    unnamed = [i for i in used if not names[i]]
    if unnamed:
        raise HeaderError(
            f"{str(path)!r}: {', '.join(cells.position(i) for i in unnamed[:5])} "
            f"{'has' if len(unnamed) == 1 else 'have'} no name in the header ({cells.where}) "
            f"but {'holds' if len(unnamed) == 1 else 'hold'} data",
            hint="name each column in the file, or delete the column; a first column without a "
                 "name is often the row numbers of a table saved by pandas (save with index=False)")
    positions: dict[str, list[int]] = {}
    for i in used:
        positions.setdefault(names[i], []).append(i)
    repeated = {name: where for name, where in positions.items() if len(where) > 1}
    if repeated:
        raise HeaderError(
            f"{str(path)!r}: the header ({cells.where}) gives several columns the same name: "
            + "; ".join(f"{name!r} ({', '.join(cells.position(i) for i in where)})"
                        for name, where in list(repeated.items())[:5]),
            hint="give each column its own name in the file (micropop does not rename "
                 "them, as pandas would to 'name.1')")
    if cells.header_may_be_data and used and all(
            re.fullmatch(_NUMBER_TEXT.replace(r"\.", "[.,]"), names[i], flags=re.IGNORECASE)
            for i in used):
        raise HeaderError(
            f"{str(path)!r}: the header ({cells.where}) holds numbers, not column names: "
            f"{listing([names[i] for i in used], 5)}",
            hint="add a row of column names at the top of the file, or pass skiprows= to reach it")
    kept = set(used)
    dropped = [cells.position(i) for i in range(len(names)) if i not in kept]
    if dropped:
        listed = ", ".join(dropped[:5]) + (" and more" if len(dropped) > 5 else "")
        notes.append(f"{listed[0].upper()}{listed[1:]} had "
                     f"neither a name nor data and {'was' if len(dropped) == 1 else 'were'} "
                     "left out.")
    changed = [(cells.header[i], names[i]) for i in used
               if not (isinstance(cells.header[i], str) and cells.header[i] == names[i])]
    if changed:
        notes.append("Column names were taken as text, without surrounding spaces: "
                     + ", ".join(f"{c!r} → {n!r}" for c, n in changed[:5])
                     + (f" and {len(changed) - 5} more" if len(changed) > 5 else "") + ".")
    return [names[i] for i in used], used


def _sniff_decimal(path: Path, columns: Mapping[str, _Column], declared: _Declared,
                   notes: list[str]) -> str:
    """``","`` when numbers are written with a decimal comma and none with a point;
    ``"."`` otherwise; refuse a file with both, or with only ``1,234``-like numbers.
    Only columns of numbers (with at most a few stray cells) or declared numeric are
    heard: a column of text does not tell the decimal mark."""
    evidence: dict[tuple[str, bool], tuple[str, int, str]] = {}
    for name, col in columns.items():
        for mark, other in ((".", ","), (",", ".")):
            if (mark, True) in evidence:
                continue  # only the first number surely written with this mark is shown
            cells = col.ok(mark) & ~col.ok(other)  # e.g. '12.5' for '.', '12,5' for ','
            if not cells.any():
                continue
            n_ok, n_bad = int(col.ok(mark).sum()), int(col.bad(mark).sum())
            if not (name in declared.numeric or n_bad == 0 or _mostly_numbers(n_ok, n_bad)):
                continue
            # strong evidence: not also a number with thousands separators ('1,234')
            grouped = [False] + ([True] if (mark, False) not in evidence else [])
            for outcome, row in _first_matches(col, cells, _THOUSANDS[mark], grouped).items():
                evidence.setdefault((mark, not outcome), (name, row + 1, str(col.text.iloc[row])))

    def example(mark: str, strong: bool) -> str:
        name, row, value = evidence[(mark, strong)]
        return f"{value!r} (column {name!r}, data row {row})"

    if (".", True) in evidence and (",", True) in evidence:
        raise AmbiguousFormatError(
            f"{str(path)!r}: numbers are written with a decimal point, e.g. "
            f"{example('.', True)}, and with a decimal comma, e.g. {example(',', True)}",
            hint="pass decimal='.' or decimal=',', and correct the cells written otherwise")
    if (",", True) in evidence:
        notes.append(f"Decimal mark ',': numbers such as {example(',', True)} are written with a "
                     "comma, and none with a point.")
        return ","
    if (",", False) in evidence and (".", True) not in evidence:
        raise AmbiguousFormatError(
            f"{str(path)!r}: the decimal mark cannot be told: numbers such as "
            f"{example(',', False)} may be decimals, or thousands with a separator",
            hint="pass decimal=',' if the comma is the decimal mark; if it separates thousands, "
                 "export the numbers without thousands separators")
    if evidence:
        notes.append(f"Decimal mark '.': numbers such as {example('.', ('.', True) in evidence)} "
                     "are written with a point.")
    return "."


def _first_matches(col: _Column, cells: np.ndarray, pattern: str, outcomes: Sequence[bool]
                   ) -> dict[bool, int]:
    """For each outcome asked, the position of the first of ``cells`` whose stripped text
    fullmatches ``pattern`` (True) or does not (False). The pattern is tried on runs of
    cells from the top, each longer than the last, not on the whole column."""
    positions = np.flatnonzero(cells)
    found: dict[bool, int] = {}
    start, size = 0, 256
    while start < len(positions) and len(found) < len(outcomes):
        run = positions[start:start + size]
        among = np.zeros(len(cells), dtype=bool)
        among[run] = True
        matched = col.test(lambda text: text.str.fullmatch(pattern), among)[run]
        for outcome in outcomes:
            hits = np.flatnonzero(matched == outcome)
            if outcome not in found and hits.size:
                found[outcome] = int(run[hits[0]])
        start, size = start + size, 4 * size
    return found


def _mostly_numbers(n_ok: int, n_bad: int) -> bool:
    """Whether a column of ``n_ok`` numbers and ``n_bad`` other cells is a column of
    numbers with at most a few stray cells (at least two numbers, and at most one
    cell in five of something else) rather than a column of text."""
    return n_ok >= 2 and n_bad <= max(1, n_ok // 4)


def _as_text(col: _Column) -> pd.Series:
    """A declared column as text cells (missing as NA), for its codebook to convert
    (made once per distinct text when the column has few)."""
    if col.distinct is not None:
        inner, codes = col.distinct
        return pd.Series(_as_text(inner).to_numpy()[codes], dtype=object)
    values = col.values.mask(col.missing).astype(object)
    held = ~col.missing & ~col.is_text
    if held.any():
        values[held] = values[held].map(str)
    return values


def _typed(path: Path, name: str, col: _Column, decimal: str, notes: list[str]) -> pd.Series:
    """An undeclared column as numbers, booleans or text, as its cells say; refuse a
    column of numbers with a few cells of something else."""
    where = f"{str(path)!r}: column {name!r}"
    present = ~col.missing
    if present.any() and _is_boolean(col, int(np.argmax(present))):  # else not all are
        flags = col.test(lambda text: text.isin(list(_BOOLEANS)))
        if not col.is_text.all():
            flags = flags | np.fromiter((isinstance(v, (bool, np.bool_)) for v in col.values),
                                        dtype=bool, count=len(col.values))
        if flags[present].all():
            truth = col.text.map(_BOOLEANS).where(col.is_text, col.values).mask(col.missing)
            return truth.astype(bool) if present.all() else truth.astype("boolean")
    bad = col.bad(decimal)
    if not bad.any():
        return _numbers(where, name, col, decimal, notes)
    n_ok = int(col.ok(decimal).sum())
    other = "," if decimal == "." else "."
    formatted = bad & col.ok(other)
    digits = col.test(lambda text: text.str.contains(r"\d", regex=True), among=bad)
    units = np.zeros(len(bad), dtype=bool)
    if digits.any():
        formatted |= col.test(lambda text: text.str.fullmatch(_GROUPED), among=digits)
        units = col.test(lambda text: text.str.fullmatch(_UNITS), among=digits)
        formatted |= units
    if _mostly_numbers(n_ok, int(bad.sum())) or (
            formatted.any() and _mostly_numbers(n_ok + int(formatted.sum()),
                                                int((bad & ~formatted).sum()))):
        if not formatted.any():
            raise NonNumericError(
                f"{where} holds numbers, but {_plural(int(bad.sum()), 'cell')} "
                f"{'holds' if bad.sum() == 1 else 'hold'} text: {bad_rows(col.values, bad)}",
                hint="correct these cells, or declare the column in a codebook: these texts under "
                     "`missing` if they stand for no answer, or `type: string` if it is text")
        marks = formatted & col.ok(other)
        ways = ([f"the decimal mark {other!r} (the file's is {decimal!r}) or {other!r} between "
                 "thousands"] if marks.any() else []) + (
            ["spaces between groups of digits"] if (formatted & ~marks & ~units).any() else []) + (
            ["a unit (%, €, $, £)"] if (units & ~marks).any() else [])
        raise NonNumericError(
            f"{where} holds {_plural(int(formatted.sum()), 'number')} written with "
            f"{' or '.join(ways)}: {bad_rows(col.values, formatted)}",
            hint="write the numbers without thousands separators or units"
                 + (f", or pass decimal={other!r} if it is the file's decimal mark"
                    if marks.any() else ""))
    values = _masked(col.values, col.missing)
    if col.is_text.all():
        return _as_python_text(values, name)
    dates = np.fromiter((isinstance(v, (datetime.date, datetime.time)) for v in col.values),
                        dtype=bool, count=len(col.values))
    if dates.any() and _mostly_numbers(int(dates.sum()), int((present & ~dates).sum())):
        stray = present & ~dates
        raise InvalidDateError(
            f"{where} holds dates, but {_plural(int(stray.sum()), 'cell')} "
            f"{'holds' if stray.sum() == 1 else 'hold'} something else: "
            f"{bad_rows(col.values, stray)}",
            hint="correct these cells, or declare the column in a codebook (`type: date`, these "
                 "texts under `missing`)")
    return values.infer_objects().rename(name)


def _is_boolean(col: _Column, row: int) -> bool:
    """Whether cell ``row`` is a boolean, or a text read as one (``"true"``, ...)."""
    if col.distinct is not None:
        inner, codes = col.distinct
        return _is_boolean(inner, int(codes[row]))
    return col.text.iloc[row] in _BOOLEANS or isinstance(col.values.iloc[row], (bool, np.bool_))


def _as_python_text(values: pd.Series, name: str) -> pd.Series:
    """The column pandas makes of the cells as Python objects (texts, NA): for Arrow
    text, pandas' Arrow-backed ``str`` column, built from the Arrow strings at once."""
    inferred = pd.Series(np.array(["text"], dtype=object)).dtype
    if _arrow_strings(values) is not None and isinstance(inferred, pd.StringDtype) and (
            inferred.storage == "pyarrow"):
        return pd.Series(pd.array(values.array.__arrow_array__(), dtype=inferred), name=name)
    return pd.Series(values.to_numpy(dtype=object), name=name)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _numbers(where: str, name: str, col: _Column, decimal: str, notes: list[str]) -> pd.Series:
    """A column whose cells are all numbers (or missing): int64 when they are whole and
    none is missing, float64 otherwise (Int64 when whole and too large for exact floats).
    Numbers that cannot be stored are refused; whole numbers too long to be exact keep
    the column as text, with a note."""
    present = ~col.missing
    n = len(col.values)
    if not present.any():
        return pd.Series(np.full(n, np.nan), name=name)
    from_text = present & ~col.held
    if col.held.any():
        mixed = col.values.astype(object).copy()
        mixed[from_text] = col.number(decimal)[from_text]
        numbers = pd.to_numeric(mixed[present])
        if from_text.any():
            first = int(np.flatnonzero(from_text)[0])
            notes.append(f"Column {name!r}: {_plural(int(from_text.sum()), 'cell')} held numbers "
                         f"as text (e.g. {col.text.iloc[first]!r}, data row {first + 1}), read as "
                         "numbers.")
    else:
        numbers = col.number(decimal) if present.all() else col.number(decimal)[present]
    large = as_mask(numbers.abs() >= _EXACT_FLOAT)
    if large.any():
        large = large & col.test(lambda text: text.str.fullmatch(_INTEGER_TEXT), present)[present]
    kind = numbers.dtype.kind
    if kind == "O" or (large.any() and (kind == "f" or (kind == "u" and not present.all()))):
        notes.append(f"Column {name!r} holds whole numbers too long to be stored exactly as "
                     f"numbers (e.g. {col.text[present][large].iloc[0]!r}); it was kept as text.")
        return pd.Series(col.values.mask(col.missing).to_numpy(dtype=object), name=name)
    full = np.full(n, np.nan)
    full[present] = numbers.to_numpy(dtype=float)
    full = pd.Series(full, name=name, copy=False)
    check_stored(full, col.values, where,
                  text=col.text if col.is_text.all() else col.text.where(col.is_text))
    whole = full.to_numpy() == np.floor(full.to_numpy())
    zeros = col.test(lambda text: text.str.fullmatch(r"[+-]?0\d+"),  # whole numbers only
                     among=col.may_start(["0", "+0", "-0"], among=whole))
    if zeros.any():
        first = int(np.flatnonzero(zeros)[0])
        notes.append(f"Column {name!r} holds whole numbers written with leading zeros (e.g. "
                     f"{col.text.iloc[first]!r}, data row {first + 1}), read as numbers; declare "
                     "it in a codebook (type categorical or string) to keep them as codes.")
    if kind in "iu":
        whole = numbers.to_numpy(dtype="int64" if kind == "i" else "uint64")
        if present.all():
            return pd.Series(whole, name=name)
        if large.any():
            out = pd.Series(pd.array([pd.NA] * n, dtype="Int64"), name=name)
            out[present] = whole
            return out
    return full


# --- binary formats ---------------------------------------------------------


def _read_parquet(path: Path) -> _Raw:
    try:
        df = pd.read_parquet(path, engine="pyarrow")
    except (pa.ArrowException, OSError, ValueError) as err:
        raise _unreadable(path, "Parquet", err) from None
    notes = []
    index = df.index
    if not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
            and index.name is None):
        kept = [n for n in index.names if n is not None]
        df = df.reset_index(level=[i for i, n in enumerate(index.names) if n is None], drop=True)
        df = df.reset_index() if kept else df
        notes.append(f"The row index stored in the file was made column(s) {listing(kept)}."
                     if kept else "The row labels stored in the file were dropped; rows are "
                     "numbered in file order.")
        df = df.reset_index(drop=True)
    return _Raw(df, notes=tuple(notes))


def _checked_frame(path: Path, raw: _Raw) -> _Raw:
    """A frame read from a binary file, refused if its columns are not named once each
    by text (non-text names, e.g. numbers, are turned to text and noted) or if it holds
    infinite numbers."""
    df, notes = raw.data, list(raw.notes)
    if isinstance(df.columns, pd.MultiIndex):
        raise HeaderError(f"{str(path)!r} has columns named on {df.columns.nlevels} levels "
                          f"(e.g. {df.columns[0]!r})",
                          hint="join the levels into one text name per column before saving")
    cells = _Cells(list(df.columns), [df[c] if not isinstance(df[c], pd.DataFrame) else
                                      df.iloc[:, i] for i, c in enumerate(df.columns)],
                   "the column names", lambda i: f"column {i + 1}", text_only=False,
                   header_may_be_data=False)
    names, used = _column_names(path, cells, notes)
    if len(used) < df.shape[1] or names != list(df.columns):
        df = df.iloc[:, used].set_axis(names, axis=1)
    for name in df.columns:
        if df[name].dtype.kind == "f":
            check_stored(df[name], df[name], f"{str(path)!r}: column {name!r}")
    return replace(raw, data=df, notes=tuple(notes))


def _read_excel(path: Path, declared: _Declared, sheet: str | int | None, decimal: str | None,
                skiprows: int) -> _Raw:
    """Read a sheet cell by cell (openpyxl, cached values of formulas): error cells such
    as ``#DIV/0!`` stay text, to be refused in a column of numbers, not made missing."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, OSError, ValueError, KeyError,
            TypeError) as err:
        raise _unreadable(path, "Excel (.xlsx)", err) from None
    try:
        names = book.sheetnames
        if (isinstance(sheet, str) and sheet not in names) or (
                isinstance(sheet, int) and not 0 <= sheet < len(names)):
            raise SheetNotFoundError(f"{str(path)!r} has no sheet {sheet!r}",
                                     hint=f"its sheets are {', '.join(map(repr, names))}")
        chosen = names[sheet] if isinstance(sheet, int) else sheet or names[0]
        rows = list(book[chosen].iter_rows(values_only=True))
    finally:
        book.close()
    width = max((len(r) for r in rows), default=0)
    grid = pd.DataFrame([(*r, *([None] * (width - len(r)))) for r in rows[skiprows:]],
                        columns=range(width), dtype=object)
    grid = grid.mask(grid.map(lambda v: isinstance(v, str) and not v.strip()))
    notes = [] if sheet is not None else [
        f"Sheet {chosen!r}, the first of {len(names)}: {listing(names, 5)}." if len(names) > 1
        else f"Sheet {chosen!r}, the only one."]
    filled = as_mask(grid.notna().any(axis=1)) if width else np.zeros(len(grid), dtype=bool)
    if not filled.any():
        raise EmptyFileError(f"{str(path)!r}: sheet {chosen!r} has no cells"
                             + (f" below its first {skiprows} rows" if skiprows else ""),
                             hint="choose the sheet with sheet=, or lower skiprows")
    top = int(np.flatnonzero(filled)[0])
    body = grid.iloc[top + 1:]
    empty = np.flatnonzero(~filled[top + 1:])
    if empty.size:
        notes.append("Empty rows of the sheet were left out: "
                     f"{describe_rows([skiprows + top + 2 + i for i in empty])}.")
        body = body[filled[top + 1:]]
    where = f"row {skiprows + top + 1} of sheet {chosen!r}"
    notes.append(f"Column names read from {where}.")

    def title_hint() -> str | None:
        used = grid.notna().any(axis=0).to_numpy()
        for r in range(top + 1, min(top + _TITLE_ROWS, len(grid))):
            if grid.iloc[r].notna().to_numpy()[used].all():
                return (f"rows {skiprows + top + 1} to {skiprows + r} look like a title above "
                        f"the column names: pass skiprows={skiprows + r}")
        return None

    cells = _Cells(list(grid.iloc[top]), [body[j].reset_index(drop=True) for j in grid.columns],
                   where, lambda i: f"column {get_column_letter(i + 1)}", notes, title_hint,
                   text_only=False)
    df, decimal, notes = _frame(path, cells, declared, decimal or ".", sniff=False)
    return _Raw(df, decimal=decimal, notes=tuple(notes))


def _read_labelled(path: Path, kind: str, declared: Collection[str], encoding: str | None) -> _Raw:
    """Read a Stata or SPSS file as raw codes, with the codebook its labels describe."""
    reader = pyreadstat.read_dta if kind == "stata" else pyreadstat.read_sav
    try:
        df, meta = reader(path, apply_value_formats=False, dates_as_pandas_datetime=True,
                          encoding=encoding)
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError) as err:
        raise _unreadable(path, "Stata" if kind == "stata" else "SPSS", err) from None
    variables = {name: _labelled_variable(path, name, df[name], meta, name in declared)
                 for name in df.columns}
    return _Raw(df, Codebook(variables, description=meta.file_label or None))


def _labelled_variable(path: Path, name: str, values: pd.Series, meta: Any,
                       declared: bool) -> Variable:
    """The declaration a Stata/SPSS file gives one column (rules in the module docs)."""
    description = (meta.column_names_to_labels or {}).get(name) or None
    labels = {_tidy_code(code): label
              for code, label in sorted((meta.variable_value_labels or {}).get(name, {}).items())}
    if labels:
        complete = (isin_codes(values, labels) | values.isna().to_numpy()).all()
        if complete and len(set(labels.values())) == len(labels):
            ordinal = (meta.variable_measure or {}).get(name) == "ordinal"
            return Variable(name, "ordered" if ordinal else "categorical",
                            description=description, levels=labels)
        if not declared:
            warnings.warn(MicropopWarning(
                f"{str(path)!r}: column {name!r} has value labels "
                f"({', '.join(f'{c}={v!r}' for c, v in list(labels.items())[:5])}) but not on "
                "every value (or with a label repeated), so it is not made categorical; "
                "declare it in a codebook (labelled codes under `missing` or `levels`)"),
                stacklevel=4)
    described = describe(name, values, description)
    if (meta.readstat_variable_types or {}).get(name) in _STATA_INTEGER_TYPES:
        return replace(described, type="integer")
    return described


def _tidy_code(code: Any) -> Any:
    """SPSS gives codes as floats: write 1.0 as 1."""
    return int(code) if isinstance(code, float) and code.is_integer() else code
