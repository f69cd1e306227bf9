""":func:`read_survey`: the file's format chosen by its extension, the options that
apply to it checked, the reader of that format run, then the file's own codebook and
the user's applied, and what was guessed reported in ``attrs["read_notes"]``.
Parquet files are read here; the other formats have a module each.
"""

from __future__ import annotations

import codecs
import difflib
import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np
import pandas as pd

from micropop.codebook import Codebook
from micropop.codebook._cells import listing
from micropop.errors import (
    EmptyFileError,
    FileEncodingError,
    OptionError,
    SurveyFileNotFoundError,
    UnreadableFileError,
    UnsupportedFormatError,
    check_number,
    check_option,
    row_origin,
)
from micropop.io._excel import read_excel
from micropop.io._frame import checked_frame
from micropop.io._labelled import read_labelled
from micropop.io._parquet import read_parquet
from micropop.io._partitioned import data_files, read_partitioned
from micropop.io._tables import Declared
from micropop.io._text import read_text

#: File formats by extension (lower case); ``.csv.gz``, ``.tsv.gz``, ``.txt.gz`` also read.
FORMATS = {".csv": "text", ".tsv": "text", ".txt": "text", ".parquet": "parquet",
           ".dta": "stata", ".sav": "spss", ".zsav": "spss", ".xlsx": "excel"}
#: The engines :func:`read_survey` reads with: in memory, or lazily with Dask.
ENGINES = ("pandas", "dask")
CodebookLike = Codebook | str | os.PathLike[str] | Mapping[str, Any]


@overload
def read_survey(path: str | os.PathLike[str], codebook: CodebookLike | None = ..., *,
                sep: str | None = ..., decimal: str | None = ..., encoding: str | None = ...,
                sheet: str | int | None = ..., skiprows: int = ...,
                return_codebook: Literal[False] = ..., engine: Literal["pandas"] = ...
                ) -> pd.DataFrame: ...


@overload
def read_survey(path: str | os.PathLike[str], codebook: CodebookLike | None = ..., *,
                sep: str | None = ..., decimal: str | None = ..., encoding: str | None = ...,
                sheet: str | int | None = ..., skiprows: int = ...,
                return_codebook: Literal[True], engine: Literal["pandas"] = ...
                ) -> tuple[pd.DataFrame, Codebook]: ...


@overload
def read_survey(path: str | os.PathLike[str], codebook: CodebookLike | None = ..., *,
                sep: str | None = ..., decimal: str | None = ..., encoding: str | None = ...,
                sheet: str | int | None = ..., skiprows: int = ...,
                return_codebook: Literal[False] = ..., engine: str) -> Any: ...


def read_survey(path: str | os.PathLike[str], codebook: CodebookLike | None = None, *,
                sep: str | None = None, decimal: str | None = None, encoding: str | None = None,
                sheet: str | int | None = None, skiprows: int = 0, return_codebook: bool = False,
                engine: str = "pandas") -> Any:
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

    engine : {"pandas", "dask"}, default "pandas"
        ``"dask"`` reads lazily, for data larger than memory (needs the extra
        ``pip install 'micropop[dask]'``): ``path`` is then a folder, a glob
        pattern such as ``"census/*.parquet"`` or one file, of Parquet or text
        files (not Stata, SPSS or Excel). Each file is one partition, read as
        above and checked against ``codebook`` when Dask computes it; errors
        name the file and its data row. The files must hold the same columns of
        the same types (Parquet schemas and text headers are checked before any
        data is read; :class:`~micropop.errors.PartitionError` names the file).
        Declared categorical columns have the codebook's categories in every
        partition; the id column's uniqueness is checked within each file.
        :func:`micropop.io.partition_files` gives the file of each partition.

    Returns
    -------
    pandas.DataFrame or (pandas.DataFrame, Codebook) or dask.dataframe.DataFrame
        One row per data row of the file, in order; column names are text.
        ``attrs["labels"]`` holds the variable labels (a dict column -> label)
        and ``attrs["read_notes"]`` the guesses made to read the file, one
        English sentence (str) each in a list: encoding, separator, decimal
        mark, header row, sheet, cells read as missing, ...
        ``attrs["row_origin"]`` says where each row was read (the file line
        of a text file, the sheet row of a workbook) and the codebook's id
        column, so that errors name rows ``data row 3 (file line 4; id R03)``
        (see :class:`micropop.errors.RowOrigin`).

        With ``engine="dask"``, a lazy ``dask.dataframe.DataFrame`` (no attrs:
        the read notes are not kept).

    Raises
    ------
    OptionError
        For an unknown ``engine`` or an option that does not apply.
    MissingDependencyError, PartitionError
        With ``engine="dask"``: dask is not installed; files whose columns or
        types differ.
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
    if check_option("engine", engine, ENGINES) == "dask":
        return _read_lazily(path, _as_codebook(codebook), sep=sep, decimal=decimal,
                            encoding=encoding, sheet=sheet, skiprows=skiprows,
                            return_codebook=return_codebook)
    path = _existing_file(path)
    kind = _format_of(path)
    skiprows = _check_options(path, kind, sep=sep, decimal=decimal, encoding=encoding,
                              sheet=sheet, skiprows=skiprows)
    user = _as_codebook(codebook)
    declared = Declared.of(user)
    if kind == "text":
        raw = read_text(path, declared, sep, decimal, encoding, skiprows)
    elif kind == "excel":
        raw = read_excel(path, declared, sheet, decimal, skiprows)
    else:
        raw = read_parquet(path) if kind == "parquet" else read_labelled(
            path, kind, declared.names, encoding)
        raw = checked_frame(path, raw)
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
    origin = row_origin(df)
    if origin is not None:  # a few rows marked, to tell a frame sorted since
        origin.marked(df).stamp(df)
    if not return_codebook:
        return df
    described = Codebook.from_frame(df)
    if in_force is None:
        return df, described
    return df, replace(in_force, variables={**described.variables, **in_force.variables})


def _read_lazily(path: str | os.PathLike[str], codebook: Codebook | None, *, sep: Any,
                 decimal: Any, encoding: Any, sheet: Any, skiprows: Any,
                 return_codebook: bool) -> Any:
    """``read_survey(..., engine="dask")``: the files checked, then read lazily."""
    if return_codebook:
        raise OptionError("return_codebook=True applies to engine='pandas'",
                          hint="read one of the files with engine='pandas' and "
                               "return_codebook=True to start a codebook for them all")
    files = data_files(path)
    kinds = {f: _format_of(f) for f in files}
    lazy = [f for f, k in kinds.items() if k not in ("text", "parquet")]
    if lazy:
        raise UnsupportedFormatError(
            f"engine='dask' reads Parquet and text (CSV) files, not {str(lazy[0])!r}",
            hint="read Stata, SPSS and Excel files with engine='pandas', or convert them to "
                 "Parquet first")
    if len(set(kinds.values())) > 1:
        text = [f.name for f, k in kinds.items() if k == "text"]
        parquet = [f.name for f, k in kinds.items() if k == "parquet"]
        raise UnsupportedFormatError(
            f"{os.fspath(path)!r} holds both Parquet files ({listing(parquet, 3)}) and text "
            f"files ({listing(text, 3)})",
            hint="give a glob pattern that names the files of one format, e.g. 'folder/*.parquet'")
    kind = kinds[files[0]]
    skip = _check_options(files[0], kind, sep=sep, decimal=decimal, encoding=encoding,
                          sheet=sheet, skiprows=skiprows)
    return read_partitioned(files, kind, codebook, sep=sep, decimal=decimal, encoding=encoding,
                            skiprows=skip)


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
    skip: int = check_number("skiprows", skiprows, low=0, integer=True)
    return skip


def _as_codebook(codebook: CodebookLike | None) -> Codebook | None:
    if codebook is None or isinstance(codebook, Codebook):
        return codebook
    if isinstance(codebook, Mapping):
        return Codebook.from_dict(codebook)
    return Codebook.from_file(codebook)
