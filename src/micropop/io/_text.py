"""Text files (CSV, TSV) from text to cells: the separator sniffed from the first lines,
quoted fields, lines with too few or too many fields refused naming the file lines,
and the cells read by Arrow when it reads them as the csv module would.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from micropop._bilingual import note as said
from micropop.codebook._cells import listing
from micropop.errors import (
    AmbiguousFormatError,
    DataFileError,
    EmptyFileError,
    HeaderError,
    UnreadableFileError,
)
from micropop.io._column import ARROW_TEXT
from micropop.io._encoding import decode_text, encoding_error
from micropop.io._frame import cells_to_frame
from micropop.io._tables import TITLE_ROWS, Cells, Declared, Raw, on_lines, unreadable

_SEPARATORS = (",", ";", "\t", "|")
#: Lines of a text file looked at to choose its separator.
_SAMPLE_LINES = 1000


def read_text(path: Path, declared: Declared, sep: str | None, decimal: str | None,
              encoding: str | None, skiprows: int, head: int | None = None) -> Raw:
    """The file read; with ``head``, only its lines in the first ``head`` bytes (of the
    text, once decompressed), for its column names."""
    zipped = path.suffix.lower() == ".gz"
    try:
        if head is not None:
            data = _first_bytes(path, head, gzip.open if zipped else open)
        else:
            data = gzip.decompress(path.read_bytes()) if zipped else path.read_bytes()
    except (OSError, EOFError, zlib.error) as err:
        if not zipped:
            raise
        raise unreadable(path, "gzip", err) from None
    if not data or data.isspace():
        raise EmptyFileError(f"{str(path)!r} is empty", hint="check that the export completed")
    text, notes, undecodable, utf8 = decode_text(path, data, encoding)
    if sep is None:
        if ".tsv" in (s.lower() for s in path.suffixes):
            sep = "\t"
            notes.append(said("Separator tab, as the .tsv extension says.",
                              "Séparateur tabulation, comme le dit l'extension .tsv."))
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
        raise encoding_error(path, None, undecodable, encoding or "utf-8") from None
    if undecodable is not None:
        raise encoding_error(path, cells, undecodable, encoding or "utf-8")
    df, decimal, more = cells_to_frame(path, cells, declared, decimal, sniff=True)
    return Raw(df, decimal=decimal, notes=(*notes, *more))


def _first_bytes(path: Path, size: int, opener: Any = open) -> bytes:
    """The first ``size`` bytes of the file up to the last line break among them (all of
    it when shorter)."""
    with opener(path, "rb") as stream:
        data: bytes = stream.read(size + 1)
    return data if len(data) <= size else data[:data.rfind(b"\n", 0, size) + 1]


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
    sample = list(zip(range(_SAMPLE_LINES + 1), _first_lines(text, skip), strict=False))
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
    dit = {c: "tabulation" if c == "\t" else f"« {c} »" for c in _SEPARATORS}
    if len(regular) == 1:
        sep = regular[0]
        return sep, said(f"Separator {shown[sep]}: it splits each of the first {len(split[sep])} "
                         f"lines into {split[sep][0]} fields.",
                         f"Séparateur {dit[sep]} : il découpe chacune des {len(split[sep])} "
                         f"premières lignes en {split[sep][0]} champs.")
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
        return sep, said(f"Separator {shown[sep]}: the only one found in the header line (the "
                         "lines do not all have its number of fields).",
                         f"Séparateur {dit[sep]} : le seul présent dans la ligne d'en-tête (les "
                         "lignes n'ont pas toutes son nombre de champs).")
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
    return ",", said("One column: no line holds any of the separators , ; tab |.",
                     "Une seule colonne : aucune ligne ne contient l'un des séparateurs "
                     "« , », « ; », tabulation, « | ».")


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
                ) -> Cells:
    """The records of a text file as cells, refusing lines with a wrong number of fields
    or a quoted field followed by other characters. Arrow's parser reads regular files;
    any irregularity sends the file to Python's strict parser, whose reading is the
    reference and which names the lines at fault."""
    return (_arrow_cells(path, text, sep, skip, utf8)
            or _csv_cells(path, text, sep, skip))


def _arrow_cells(path: Path, text: str, sep: str, skip: int, utf8: bytes | None = None
                 ) -> Cells | None:
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
    rows = table.num_rows - 1
    # one line per record, no blank line (Arrow skips them): the data rows follow the header
    regular = _count_lines(text, start=len(skipped), blank_end=True) == blanks + 1 + rows
    return Cells([c[0].as_py() for c in cells],
                 [pd.Series(pd.arrays.ArrowStringArray(c.slice(1).combine_chunks()),
                            dtype=ARROW_TEXT) for c in cells],
                 f"line {skip + blanks + 1}", lambda i: f"column {i + 1}",
                 [_names_line(skip + blanks + 1)],
                 lambda: _csv_cells(path, text, sep, skip).title_hint(),
                 lines=(skip + blanks + 2 + np.arange(rows)) if regular else
                 _data_lines(text, sep, skip, rows), unit="file line")


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


def _csv_cells(path: Path, text: str, sep: str, skip: int) -> Cells:
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
            f"{ncol} fields, but {on_lines(starts[bad])} {'has' if len(bad) == 1 else 'have'} "
            + (f"fewer ({listing(sorted(set(counts[bad].tolist())))})" if short.size else
               f"more, not empty ({listing(sorted(set(counts[bad].tolist())))})"),
            hint=_title_hint(counts, kept, starts, skip) or
            f"each line needs one field per column: check the separator (read with sep={sep!r}) "
            "and the quoting of fields that hold it, or fill in the missing fields")
    notes = [_names_line(skip + header_at + 1)]
    rows = [records[i] for i in rows_at]
    if long.size:
        for i in long:
            rows[i] = rows[i][:ncol]
        notes.append(said(f"{len(long)} lines end with empty fields beyond the {ncol} columns of "
                          "the header (a separator at the end of the line); these empty fields "
                          "were ignored.",
                          ("1 ligne se termine" if len(long) == 1 else
                           f"{len(long)} lignes se terminent")
                          + f" par des champs vides au-delà des {ncol} colonnes de l'en-tête "
                          "(un séparateur en fin de ligne) ; ces champs vides ont été ignorés."))
    columns = ([pd.Series(np.array(col, dtype=object), dtype=object)
                for col in zip(*rows, strict=True)]
               if rows else [pd.Series([], dtype=object) for _ in range(ncol)])
    starts = (skip + 1 + np.arange(len(records)) if _count_lines(text, skip) == len(records)
              else _record_lines(text, sep, skip))  # a record spans lines: found one by one
    return Cells(list(records[header_at]), columns, f"line {skip + header_at + 1}",
                 lambda i: f"column {i + 1}", notes,
                 lambda: _title_hint(counts, kept, _record_lines(text, sep, skip), skip,
                                     names=records),
                 lines=starts[rows_at], unit="file line")


def _names_line(line: int) -> str:
    """The note saying on which file line the column names were read."""
    return said(f"Column names read from line {line}.", f"Noms de colonnes lus à la ligne {line}.")


def _count_lines(text: str, skip: int = 0, start: int = 0, blank_end: bool = False) -> int:
    """The number of physical lines of ``text[start:]`` (as :func:`_lines` splits it) after
    the first ``skip``; with ``blank_end``, not counting the blank lines at its end."""
    stop = len(text)
    if blank_end:
        while stop > start and text[stop - 1] in "\r\n":
            stop -= 1
    ends = (text.count("\n", start, stop) + text.count("\r", start, stop)
            - text.count("\r\n", start, stop))
    last = stop > start and text[stop - 1] not in "\r\n"
    return max(ends + last - skip, 0)


def _data_lines(text: str, sep: str, skip: int, rows: int) -> np.ndarray | None:
    """The file line on which each data row starts (the records that are not blank, after
    the header), found one by one; None if they are not ``rows``."""
    reader = csv.reader(_lines(text, skip), delimiter=sep, strict=True)
    starts, end = [], skip
    try:
        for record in reader:
            if record:
                starts.append(end + 1)
            end = reader.line_num + skip
    except csv.Error:
        return None
    return np.array(starts[1:], dtype=np.intp) if len(starts) == rows + 1 else None


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
    for k in range(1, min(TITLE_ROWS, len(kept))):
        if (widths[k:] == common).all() and (names is None or all(
                f.strip() for f in names[kept[k]])):
            before = starts[kept[k]] - 1
            title = (f"line {skip + 1} looks" if before - skip == 1 else
                     f"lines {skip + 1} to {before} look")
            return f"{title} like a title above the column names: pass skiprows={before}"
    return None
