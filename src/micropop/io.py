"""Read survey microdata files into pandas, checked against a codebook.

:func:`read_survey` reads CSV/TSV (also gzipped, and French exports with ``;``
and decimal commas), Parquet, Stata ``.dta``, SPSS ``.sav``/``.zsav`` and Excel
``.xlsx``. A :class:`~micropop.codebook.Codebook` declares what each column
must hold; the rules it applies are described in :mod:`micropop.codebook`.

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
"""

from __future__ import annotations

import difflib
import gzip
import io
import os
import re
import warnings
import zipfile
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, overload

import pandas as pd
import pyarrow as pa
import pyreadstat

from micropop.codebook import Codebook, Variable, _bad_rows, _describe, _isin, _mask
from micropop.errors import (
    EmptyFileError,
    FileEncodingError,
    MicropopWarning,
    OptionError,
    SheetNotFoundError,
    SurveyFileNotFoundError,
    UnreadableFileError,
    UnsupportedFormatError,
)

__all__ = ["Codebook", "read_survey"]

#: File formats by extension (lower case); ``.csv.gz``, ``.tsv.gz``, ``.txt.gz`` also read.
FORMATS = {".csv": "text", ".tsv": "text", ".txt": "text", ".parquet": "parquet",
           ".dta": "stata", ".sav": "spss", ".zsav": "spss", ".xlsx": "excel"}
_SEPARATORS = (",", ";", "\t", "|")
_STATA_INTEGER_TYPES = ("int8", "int16", "int32", "int64")

CodebookLike = Codebook | str | os.PathLike[str] | Mapping[str, Any]


@dataclass(frozen=True)
class _Raw:
    """A file as read, before any codebook: the data, the file's own codebook
    (Stata/SPSS labels) and the decimal mark of numbers held as text."""

    data: pd.DataFrame
    codebook: Codebook | None = None
    decimal: str = "."


@overload
def read_survey(path: str | os.PathLike[str], codebook: CodebookLike | None = ..., *,
                sep: str | None = ..., decimal: str | None = ..., encoding: str | None = ...,
                sheet: str | int | None = ..., return_codebook: Literal[False] = ...
                ) -> pd.DataFrame: ...


@overload
def read_survey(path: str | os.PathLike[str], codebook: CodebookLike | None = ..., *,
                sep: str | None = ..., decimal: str | None = ..., encoding: str | None = ...,
                sheet: str | int | None = ..., return_codebook: Literal[True]
                ) -> tuple[pd.DataFrame, Codebook]: ...


def read_survey(path: str | os.PathLike[str], codebook: CodebookLike | None = None, *,
                sep: str | None = None, decimal: str | None = None, encoding: str | None = None,
                sheet: str | int | None = None, return_codebook: bool = False
                ) -> pd.DataFrame | tuple[pd.DataFrame, Codebook]:
    """Read a survey data file, applying and checking a codebook.

    Parameters
    ----------
    path : str or path-like
        ``.csv``, ``.tsv``, ``.txt`` (optionally ``.gz``), ``.parquet``, ``.dta``,
        ``.sav``, ``.zsav`` or ``.xlsx``; the extension is case-insensitive.
    codebook : Codebook, path or dict, optional
        Declarations to apply (see :mod:`micropop.codebook`). Declared columns
        of text files are read as text, so codes such as ``"01"`` keep their
        leading zero. Stata and SPSS files also bring their own labels.
    sep : str, optional
        Field separator of a text file. By default the most frequent of
        ``,`` ``;`` tab ``|`` in the header line (tab for ``.tsv``).
    decimal : str, optional
        Decimal mark. For a text file whose separator is not a comma, ``","``
        is assumed when some field is a number written like ``12,5``;
        otherwise ``"."``.
    encoding : str, optional
        Encoding of a text file (default UTF-8, with or without BOM), or of a
        Stata/SPSS file's strings. French exports are often ``"latin-1"``
        or ``"cp1252"``.
    sheet : str or int, optional
        Sheet of an Excel file, by name or 0-based index; the first by default.
    return_codebook : bool, default False
        Also return the codebook in force: the file's labels and ``codebook``
        merged, plus a description of undeclared columns. Write it with
        :meth:`Codebook.to_file` to start a codebook for the file.

    Returns
    -------
    pandas.DataFrame or (pandas.DataFrame, Codebook)
        One row per data row of the file, in order; variable labels in
        ``attrs["labels"]`` (a dict column -> label).

    Raises
    ------
    SurveyFileNotFoundError, UnsupportedFormatError, UnreadableFileError
        For a missing, unknown or corrupt file.
    EmptyFileError, FileEncodingError, SheetNotFoundError
        For a file without data rows, undecodable text or an unknown sheet.
    CodebookError, DataValidationError
        For a malformed codebook, or data that break it (the subclasses name
        the column and up to five offending data rows).

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
    """
    path = _existing_file(path)
    kind = _format_of(path)
    _check_options(path, kind, sep=sep, sheet=sheet)
    user = _as_codebook(codebook)
    declared = set(user.variables) if user else set()
    if kind == "text":
        raw = _read_text(path, declared, sep, decimal, encoding)
    elif kind == "parquet":
        raw = _read_parquet(path)
    elif kind == "excel":
        raw = _read_excel(path, declared, sheet)
    else:
        raw = _read_labelled(path, kind, declared, encoding)
    if raw.data.shape[0] == 0 or raw.data.shape[1] == 0:
        raise EmptyFileError(f"{str(path)!r} has no data rows (columns: {list(raw.data.columns)})",
                             hint="check that the file was exported completely")
    in_force = raw.codebook.merged(user) if raw.codebook and user else raw.codebook or user
    if in_force is None:
        df = raw.data.copy()
        df.attrs["labels"] = dict(df.attrs.get("labels", {}))
    else:
        df = in_force.apply(raw.data, source=str(path), decimal=decimal or raw.decimal)
    if not return_codebook:
        return df
    described = Codebook.from_frame(df)
    if in_force is None:
        return df, described
    return df, replace(in_force, variables={**described.variables, **in_force.variables})


# --- paths and formats ------------------------------------------------------


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


def _check_options(path: Path, kind: str, *, sep: str | None, sheet: str | int | None) -> None:
    if sep is not None and kind != "text":
        raise OptionError(f"sep= applies to text files, not to {path.name!r}",
                          hint="leave sep out for this file")
    if sheet is not None and kind != "excel":
        raise OptionError(f"sheet= applies to Excel files, not to {path.name!r}",
                          hint="leave sheet out for this file")


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


# --- text files -------------------------------------------------------------


def _read_text(path: Path, declared: Collection[str], sep: str | None, decimal: str | None,
               encoding: str | None) -> _Raw:
    data = path.read_bytes()
    if path.suffix.lower() == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as err:
            raise _unreadable(path, "gzip", err) from None
    if not data.strip():
        raise EmptyFileError(f"{str(path)!r} is empty", hint="check that the export completed")
    text, bad_bytes = _decode(path, data, encoding)
    sep = sep or ("\t" if ".tsv" in (s.lower() for s in path.suffixes) else _sniff_separator(text))
    decimal = decimal or _sniff_decimal(text, sep)
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, decimal=decimal,
                         dtype={name: str for name in declared})
    except pd.errors.ParserError as err:
        raise UnreadableFileError(
            f"{str(path)!r} is not a regular table: {str(err).strip()}",
            hint=f"check the separator (read with sep={sep!r}) and the quoting") from None
    if bad_bytes is not None:
        raise _encoding_error(path, df, bad_bytes, encoding or "utf-8")
    return _Raw(df, decimal=decimal)


def _decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, UnicodeDecodeError | None]:
    """Text of the file (undecodable bytes replaced) and the first decoding error."""
    try:
        return data.decode(encoding or "utf-8").removeprefix("\ufeff"), None
    except LookupError:
        raise FileEncodingError(f"unknown encoding {encoding!r} for {str(path)!r}",
                                hint="use e.g. 'utf-8', 'latin-1' or 'cp1252'") from None
    except UnicodeDecodeError as err:
        return data.decode(encoding or "utf-8", errors="replace").removeprefix("\ufeff"), err


def _encoding_error(path: Path, df: pd.DataFrame, err: UnicodeDecodeError,
                    encoding: str) -> FileEncodingError:
    """Name the column and data rows where undecodable bytes (shown as '\ufffd') fell."""
    line = err.object[:err.start].count(b"\n") + 1
    where = f"file line {line}"
    for name in df.columns:
        if "\ufffd" in str(name):
            where += f" (column {str(name)!r} of the header)"
            break
        bad = _mask(df[name].astype("string").str.contains("\ufffd", regex=False))
        if bad.any():
            where += f" (column {str(name)!r}, {_bad_rows(df[name], bad)})"
            break
    return FileEncodingError(
        f"{str(path)!r} is not valid {encoding}: byte {err.object[err.start:err.start + 1]!r} "
        f"at {where}",
        hint="pass the file's encoding, e.g. encoding='latin-1' (or 'cp1252' for Windows exports)")


def _sniff_separator(text: str) -> str:
    """The candidate separator most frequent in the header line, outside quotes
    (``,`` if none)."""
    header = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])
    best = max(_SEPARATORS, key=header.count)
    return best if header.count(best) else ","


def _sniff_decimal(text: str, sep: str) -> str:
    """``","`` when the separator is not a comma and a field is a number like 12,5."""
    if sep == ",":
        return "."
    s = re.escape(sep)
    body = text.split("\n", 1)[-1]
    pattern = rf'(?:^|{s})[ "]*-?\d+,\d+[ "]*(?={s}|\r?$)'
    return "," if re.search(pattern, body, flags=re.MULTILINE) else "."


# --- binary formats ---------------------------------------------------------


def _read_parquet(path: Path) -> _Raw:
    try:
        return _Raw(pd.read_parquet(path, engine="pyarrow"))
    except (pa.ArrowException, OSError, ValueError) as err:
        raise _unreadable(path, "Parquet", err) from None


def _read_excel(path: Path, declared: Collection[str], sheet: str | int | None) -> _Raw:
    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as err:
        raise _unreadable(path, "Excel (.xlsx)", err) from None
    with book:
        names = book.sheet_names
        if (isinstance(sheet, str) and sheet not in names) or (
                isinstance(sheet, int) and not 0 <= sheet < len(names)):
            raise SheetNotFoundError(f"{str(path)!r} has no sheet {sheet!r}",
                                     hint=f"its sheets are {', '.join(map(repr, names))}")
        df = pd.read_excel(book, sheet_name=sheet or 0, dtype={name: str for name in declared})
    return _Raw(df)


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
        complete = (_isin(values, labels) | values.isna().to_numpy()).all()
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
    described = _describe(name, values, description)
    if (meta.readstat_variable_types or {}).get(name) in _STATA_INTEGER_TYPES:
        return replace(described, type="integer")
    return described


def _tidy_code(code: Any) -> Any:
    """SPSS gives codes as floats: write 1.0 as 1."""
    return int(code) if isinstance(code, float) and code.is_integer() else code
