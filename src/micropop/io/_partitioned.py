"""Survey data in many files, read lazily with Dask (``read_survey(..., engine="dask")``).

One partition per file, read by the in-memory reader and checked against the
codebook when Dask computes it, so that an error names the file and its data row.
Before any data is read, the files are checked to hold the same columns of the same
types: the schemas of Parquet files (their footers) or the header of text files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from micropop.codebook import Codebook
from micropop.codebook._cells import listing
from micropop.errors import (
    DataFileError,
    EmptyFileError,
    PartitionError,
    SurveyFileNotFoundError,
    UnreadableFileError,
    row_origin,
)
from micropop.io._frame import checked_frame
from micropop.io._parquet import read_parquet, without_index
from micropop.io._tables import Declared, Raw, unreadable
from micropop.io._text import read_text
from micropop.partitioned._dask import is_dask_frame

if TYPE_CHECKING:
    import pyarrow.parquet as pq

__all__ = ["data_files", "partition_files", "read_partitioned"]

#: Bytes of a text file read before its data, for its column names.
_HEAD_BYTES = 1 << 16


def data_files(path: str | os.PathLike[str]) -> list[Path]:
    """The files a folder, a glob pattern or a file names, in natural order
    (``part.2`` before ``part.10``); names starting with ``_`` or ``.`` in a folder
    (``_SUCCESS``, ``_metadata``, ``.crc``) are not data."""
    text = os.fspath(path)
    where = Path(text)
    if where.is_file():
        return [where]
    if where.is_dir():
        found = [p for p in where.iterdir() if not p.name.startswith(("_", "."))]
        folders = sorted(p.name for p in found if p.is_dir())
        if folders:
            raise UnreadableFileError(
                f"folder {text!r} holds folders ({listing(folders, 5)}), not only data files",
                hint=f"give a glob pattern naming the files, e.g. "
                     f"{str(where / '*' / '*.parquet')!r} (folder names such as year=2020 "
                     "are not read as columns: keep such a column in the files)")
        if not found:
            raise SurveyFileNotFoundError(f"folder {text!r} holds no data file",
                                          hint="check the path")
    elif any(c in text for c in "*?["):
        found = [p for p in (Path(p) for p in _glob(text)) if p.is_file()]
        if not found:
            raise SurveyFileNotFoundError(f"no file matches {text!r}",
                                          hint=f"check the pattern (working directory: "
                                               f"{os.getcwd()})")
    else:
        raise SurveyFileNotFoundError(f"{text!r} is neither a file, a folder nor a glob pattern",
                                      hint=f"check the path (working directory: {os.getcwd()})")
    return sorted(found, key=_natural)


def _glob(pattern: str) -> list[str]:
    import glob  # noqa: PLC0415 (used by this function only)

    return glob.glob(pattern)


def _natural(path: Path) -> list[Any]:
    return [(0, int(p), "") if p.isdigit() else (1, 0, p)
            for p in re.split(r"(\d+)", str(path)) if p]


def read_partitioned(files: Sequence[Path], kind: str, codebook: Codebook | None, *,
                     sep: str | None, decimal: str | None, encoding: str | None,
                     skiprows: int) -> Any:
    """The files as a lazy ``dask.dataframe.DataFrame``, one partition per file."""
    from micropop.partitioned._dask import require_dask  # noqa: PLC0415 (dask only if asked)

    dd = require_dask()
    from micropop.partitioned.passes import remember_files  # noqa: PLC0415 (dask installed)

    reader = _FileReader(kind, codebook, sep, decimal, encoding, skiprows, str(files[0]))
    meta = _parquet_meta(files, reader) if kind == "parquet" else _text_meta(files, reader)
    reader = replace(reader, meta=meta)
    names = [str(f) for f in files]
    import dask  # noqa: PLC0415 (installed with dask.dataframe)

    with dask.config.set({"dataframe.convert-string": False}):  # text as the reader types it
        ddf = dd.from_map(reader, names, meta=meta, label="read-survey", enforce_metadata=False)
    remember_files(ddf, names)
    return ddf


def partition_files(ddf: Any) -> list[str] | None:
    """The file each partition of a Dask frame was read from, or None if unknown.

    A frame returned by ``read_survey(path, engine="dask")`` has one partition
    per file: partition ``i`` holds the data rows of file ``i``, in order, so that
    an error found in a partition can name the file and the data row. Frames
    derived from it (a column selected, rows filtered, ``persist()``) are other
    frames (a design built on it carries the files for its messages).

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        A frame returned by :func:`micropop.read_survey` with ``engine="dask"``.

    Returns
    -------
    list of str or None
        The paths, in partition order; None for a frame not read that way.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> import micropop as mp
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for k in range(2):
    ...     pd.DataFrame({"w": [1.0, 2.0]}).to_parquet(folder / f"part{k}.parquet")
    >>> ddf = mp.read_survey(folder, engine="dask")
    >>> [pathlib.Path(f).name for f in mp.io.partition_files(ddf)]
    ['part0.parquet', 'part1.parquet']
    >>> mp.io.partition_files(pd.DataFrame()) is None
    True
    """
    if not is_dask_frame(ddf):
        return None
    from micropop.partitioned.passes import remembered_files  # noqa: PLC0415 (dask installed)

    return remembered_files(ddf)


@dataclass(frozen=True)
class _FileReader:
    """Reads one file as a partition: the in-memory reader, the codebook, then the
    columns made those of ``meta`` (refusing what cannot be)."""

    kind: str
    codebook: Codebook | None
    sep: str | None
    decimal: str | None
    encoding: str | None
    skiprows: int
    first: str
    meta: pd.DataFrame | None = None

    def __call__(self, name: str) -> pd.DataFrame:
        path = Path(name)
        raw = self.raw(path)
        df = self.applied(raw.data, path, raw.decimal, quiet=True)
        return df if self.meta is None else _conformed(df, self.meta, path, self.first)

    def raw(self, path: Path, head: int | None = None) -> Raw:
        if self.kind == "text":
            return read_text(path, Declared.of(self.codebook), self.sep, self.decimal,
                             self.encoding, self.skiprows, head)
        return checked_frame(path, read_parquet(path))

    def applied(self, df: pd.DataFrame, path: Path, decimal: str, quiet: bool) -> pd.DataFrame:
        """``df`` with the codebook applied (undeclared columns warned about unless
        ``quiet``: once for the files, not once per file) and its rows' origin marked."""
        book = self.codebook
        if book is not None:
            declared = [c for c in df.columns if c in book.variables or c == book.id]
            source, mark = str(path), self.decimal or decimal
            wanted = [*book.variables, *([book.id] if book.id else [])]
            if not quiet or len(declared) == df.shape[1] or any(
                    n not in df.columns for n in wanted):
                df = book.apply(df, source=source, decimal=mark)
            else:
                done = book.apply(df[declared], source=source, decimal=mark)
                df = df.copy(deep=False)
                for column in declared:
                    df[column] = done[column]
                df.attrs = dict(done.attrs)
        origin = row_origin(df)
        if origin is not None:
            origin.marked(df).stamp(df)
        return df


def _parquet_meta(files: Sequence[Path], reader: _FileReader) -> pd.DataFrame:
    """The empty frame every file reads as, from the files' footers; refuse a file
    whose columns or types differ from the first's."""
    import pyarrow.parquet as pq  # noqa: PLC0415 (not loaded by import micropop)

    empties, nullable, rows = [], set(), 0
    for path in files:
        try:
            metadata = pq.read_metadata(path)
            table = metadata.schema.to_arrow_schema().empty_table()
        except (pa.ArrowException, OSError, ValueError) as err:
            raise unreadable(path, "Parquet", err) from None
        nullable |= _with_nulls(metadata)
        rows += metadata.num_rows
        empty, _ = without_index(table.to_pandas())
        empties.append(checked_frame(path, Raw(empty)).data)
    if rows == 0:
        raise _no_rows(files)
    first = empties[0]
    for path, empty in zip(files[1:], empties[1:], strict=True):
        _same_columns(path, list(empty.columns), list(first.columns), files[0])
        for name in first.columns:
            mine, theirs = empty[name].dtype, first[name].dtype
            if mine != theirs and not (isinstance(mine, pd.CategoricalDtype)
                                       and isinstance(theirs, pd.CategoricalDtype)):
                raise PartitionError(
                    f"{str(path)!r}: column {name!r} is stored as {mine}, but as {theirs} "
                    f"in {str(files[0])!r}",
                    hint="write every file with the same column types (e.g. cast the column "
                         "before writing the file again)")
    first = first.copy()
    for name in nullable & set(first.columns):  # Arrow reads whole numbers (booleans) with
        kind = first[name].dtype.kind             # missing values as floats (objects)
        if kind in "iub":
            first[name] = first[name].astype("float64" if kind in "iu" else object)
    meta = reader.applied(first, files[0], ".", quiet=False).iloc[:0]
    book = reader.codebook
    loose = [c for c in meta.columns if isinstance(meta[c].dtype, pd.CategoricalDtype)
             and (book is None or c not in book.variables)]
    if loose:  # categories of columns the codebook does not declare: each file its own
        from dask.dataframe.utils import clear_known_categories  # noqa: PLC0415

        meta = clear_known_categories(meta, cols=loose)  # type: ignore[no-untyped-call]
    return meta


def _with_nulls(metadata: pq.FileMetaData) -> set[str]:
    """The columns of a Parquet file that hold (or may hold: no statistics) missing values."""
    found: set[str] = set()
    for g in range(metadata.num_row_groups):
        group = metadata.row_group(g)
        for c in range(group.num_columns):
            chunk = group.column(c)
            stats = chunk.statistics
            if stats is None or not stats.has_null_count or stats.null_count > 0:
                found.add(chunk.path_in_schema)
    return found


def _text_meta(files: Sequence[Path], reader: _FileReader) -> pd.DataFrame:
    """The empty frame of the first file holding data rows; refuse a file whose column
    names (read from its first lines) differ from the first's."""
    heads: list[list[str]] = []
    for path in files:
        try:
            heads.append(list(reader.raw(path, head=_HEAD_BYTES).data.columns))
        except DataFileError:  # its first lines alone do not read: the whole file, then
            heads.append(list(reader.raw(path).data.columns))
    for path, names in zip(files[1:], heads[1:], strict=True):
        _same_columns(path, names, heads[0], files[0])
    for path in files:
        raw = reader.raw(path)
        if raw.data.shape[0]:
            return reader.applied(raw.data, path, raw.decimal, quiet=False).iloc[:0]
    raise _no_rows(files)


def _no_rows(files: Sequence[Path]) -> EmptyFileError:
    """The error for files without a single data row between them."""
    hint = "check that the files were exported completely"
    if len(files) == 1:
        return EmptyFileError(f"{str(files[0])!r} has no data rows", hint=hint)
    return EmptyFileError(f"none of the {len(files)} files holds a data row (the first: "
                          f"{str(files[0])!r})", hint=hint)


def _same_columns(path: Path, names: list[str], first: list[str], first_path: Path) -> None:
    missing = [n for n in first if n not in names]
    extra = [n for n in names if n not in first]
    if missing or extra:
        said = "; ".join(part for part in (
            f"it lacks column(s) {listing(missing, 5)}" if missing else "",
            f"it has column(s) {listing(extra, 5)} that the first file has not" if extra else "")
            if part)
        raise PartitionError(
            f"{str(path)!r} does not hold the columns of {str(first_path)!r}: {said}",
            hint="every file must hold the same columns: write the missing ones (empty if need "
                 "be) or leave this file out of the pattern")


def _conformed(df: pd.DataFrame, meta: pd.DataFrame, path: Path, first: str) -> pd.DataFrame:
    """``df`` with the columns of ``meta``, in its order and of its types; refuse what
    cannot be cast without changing a value."""
    if list(df.columns) != list(meta.columns):
        _same_columns(path, [str(c) for c in df.columns], list(meta.columns), Path(first))
        df = df[list(meta.columns)]
    changed = [c for c in meta.columns if not _same_type(df[c].dtype, meta[c].dtype)]
    if not changed:
        return df
    df = df.copy(deep=False)
    for name in changed:
        df[name] = _cast(df[name], meta[name].dtype, path, first)
    return df


def _same_type(mine: Any, theirs: Any) -> bool:
    if isinstance(theirs, pd.CategoricalDtype) and isinstance(mine, pd.CategoricalDtype) and (
            theirs.categories is not None and "__UNKNOWN_CATEGORIES__" in theirs.categories):
        return bool(mine.ordered == theirs.ordered)
    return bool(mine == theirs)


def _cast(column: pd.Series, dtype: Any, path: Path, first: str) -> pd.Series:
    """``column`` as ``dtype`` when no value changes (no rows, all missing, whole
    numbers as floats, any values as objects), else a :class:`PartitionError`."""
    try:
        if len(column) == 0 or bool(column.isna().all()) or pd.api.types.is_object_dtype(dtype):
            return column.astype(dtype)
        numbers = (pd.api.types.is_numeric_dtype(column.dtype)
                   and not pd.api.types.is_bool_dtype(column.dtype)
                   and pd.api.types.is_numeric_dtype(dtype)
                   and not pd.api.types.is_bool_dtype(dtype))
        if numbers:
            cast = column.astype(dtype)
            before = column.to_numpy(dtype="float64", na_value=np.nan)
            after = cast.to_numpy(dtype="float64", na_value=np.nan)
            if np.array_equal(before, after, equal_nan=True):
                return cast
    except (TypeError, ValueError):
        pass
    raise PartitionError(
        f"{str(path)!r}: column {column.name!r} reads as {column.dtype}, but as {dtype} in "
        f"{first!r}",
        hint=f"declare the column's type in the codebook (e.g. {column.name!r}: "
             "{type: numeric} or {type: string}) so that every file reads it alike")
