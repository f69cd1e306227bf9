"""From cells to a frame: column names checked (each named once, no title or row of
numbers above them), the decimal mark sniffed, and each column typed (numbers,
booleans, text), refusing a column of numbers with a few cells of text.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from micropop._bilingual import french_listing, french_rows
from micropop._bilingual import note as said
from micropop.codebook._cells import as_mask, bad_rows, check_stored, listing
from micropop.errors import (
    AmbiguousFormatError,
    HeaderError,
    InvalidDateError,
    NonNumericError,
    data_rows,
)
from micropop.io._column import NA_TEXTS, NUMBER_TEXT, Column, arrow_strings, masked
from micropop.io._tables import Cells, Declared, Raw

#: Cells of a text table from which its columns are classified on several threads.
_THREADED_CELLS = 100_000
_BOOLEANS = {"True": True, "TRUE": True, "true": True,
             "False": False, "FALSE": False, "false": False}
#: Whole numbers above this size are not all exact as floats.
_EXACT_FLOAT = 2 ** 53
_INTEGER_TEXT = r"[+-]?\d+"
_THOUSANDS = {",": r"[+-]?[1-9]\d{0,2}(?:,\d{3})+", ".": r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+"}
_GROUPED = r"[+-]?\d{1,3}(?:[ \u00a0\u202f']\d{3})+(?:[.,]\d+)?"
_UNITS = (r"[+-]?\d[\d .,\u00a0\u202f']*\s?(?:%|€|\$|£)"
          r"|(?:€|\$|£)\s?[+-]?\d[\d .,\u00a0\u202f']*")


def cells_to_frame(path: Path, cells: Cells, declared: Declared, decimal: str | None, *,
                   sniff: bool) -> tuple[pd.DataFrame, str, list[str]]:
    """The frame of named, typed columns, the decimal mark used and what was guessed."""
    notes = list(cells.notes)
    names, used = _column_names(path, cells, notes)
    # text cells are classified by Arrow, which lets other threads run (not a sheet's cells)
    threads = cells.text_only and bool(used) and (
        len(used) * len(cells.columns[used[0]]) >= _THREADED_CELLS)
    columns = dict(zip(names, _each(lambda i: Column.of(
        cells.columns[used[i]], declared.texts.get(names[i], frozenset()), cells.text_only),
        range(len(used)), threads), strict=True))
    if decimal is None:
        decimal = _sniff_decimal(path, columns, declared, notes) if sniff else "."
    marked = [(name, int(col.marked.sum())) for name, col in columns.items() if col.marked.any()]
    if marked:
        words = sorted({str(w) for col in columns.values() for w in col.text[col.marked].unique()})
        more = len(marked) - 10
        notes.append(said(
            f"Cells written {listing(words, 6)} were read as missing values: "
            + ", ".join(f"{n} in column {name!r}" for name, n in marked[:10])
            + (f" and some in {more} more columns" if more > 0 else "") + ".",
            f"Les cellules écrites {french_listing(listing(words, 6))} ont été lues comme "
            "valeurs manquantes : "
            + ", ".join(f"{n} dans la colonne {name!r}" for name, n in marked[:10])
            + (f" et d'autres dans {more} colonnes de plus" if more > 0 else "") + "."))
    def typed(name: str) -> tuple[pd.Series, list[str]]:
        told: list[str] = []
        col = columns[name]
        return (_as_text(col) if name in declared.names else
                _typed(path, name, col, decimal, told)), told

    data = {}
    for name, (series, told) in zip(columns, _each(typed, list(columns), threads), strict=True):
        data[name] = series
        notes.extend(told)
    frame = pd.DataFrame(data)
    cells.origin().stamp(frame)
    return frame, decimal, notes


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


def _column_names(path: Path, cells: Cells, notes: list[str]) -> tuple[list[str], list[int]]:
    """Names of the columns kept and their positions; refuse a header that does not
    name each column holding data exactly once."""
    names = [_header_text(c) for c in cells.header]
    used = [i for i, name in enumerate(names)
            if name or not Column.of(cells.columns[i], NA_TEXTS, cells.text_only).missing.all()]
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
            re.fullmatch(NUMBER_TEXT.replace(r"\.", "[.,]"), names[i], flags=re.IGNORECASE)
            for i in used):
        raise HeaderError(
            f"{str(path)!r}: the header ({cells.where}) holds numbers, not column names: "
            f"{listing([names[i] for i in used], 5)}",
            hint="add a row of column names at the top of the file, or pass skiprows= to reach it")
    kept = set(used)
    dropped = [cells.position(i) for i in range(len(names)) if i not in kept]
    if dropped:
        listed = ", ".join(dropped[:5]) + (" and more" if len(dropped) > 5 else "")
        dit = ", ".join(p.replace("column", "colonne", 1) for p in dropped[:5]) + (
            " et d'autres" if len(dropped) > 5 else "")
        notes.append(said(f"{listed[0].upper()}{listed[1:]} had "
                          f"neither a name nor data and {'was' if len(dropped) == 1 else 'were'} "
                          "left out.",
                          f"{dit[0].upper()}{dit[1:]} : "
                          + ("ni nom ni données, laissée de côté." if len(dropped) == 1 else
                             "ni nom ni données, laissées de côté.")))
    changed = [(cells.header[i], names[i]) for i in used
               if not (isinstance(cells.header[i], str) and cells.header[i] == names[i])]
    if changed:
        shown = ", ".join(f"{c!r} → {n!r}" for c, n in changed[:5])
        notes.append(said("Column names were taken as text, without surrounding spaces: " + shown
                          + (f" and {len(changed) - 5} more" if len(changed) > 5 else "") + ".",
                          "Les noms de colonnes ont été pris comme texte, sans espaces autour : "
                          + shown + (f" et {len(changed) - 5} de plus" if len(changed) > 5 else "")
                          + "."))
    return [names[i] for i in used], used


def _sniff_decimal(path: Path, columns: Mapping[str, Column], declared: Declared,
                   notes: list[str]) -> str:
    """``","`` when numbers are written with a decimal comma and none with a point;
    ``"."`` otherwise; refuse a file with both, or with only ``1,234``-like numbers.
    Only columns of numbers (with at most a few stray cells) or declared numeric are
    heard: a column of text does not tell the decimal mark."""
    evidence: dict[tuple[str, bool], tuple[str, str, str]] = {}
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
                evidence.setdefault((mark, not outcome),
                                    (name, _data_row(col, row), str(col.text.iloc[row])))

    def example(mark: str, strong: bool, lang: str = "en") -> str:
        name, row, value = evidence[(mark, strong)]
        if lang == "fr":
            return f"{value!r} (colonne {name!r}, {french_rows(row)})"
        return f"{value!r} (column {name!r}, {row})"

    if (".", True) in evidence and (",", True) in evidence:
        raise AmbiguousFormatError(
            f"{str(path)!r}: numbers are written with a decimal point, e.g. "
            f"{example('.', True)}, and with a decimal comma, e.g. {example(',', True)}",
            hint="pass decimal='.' or decimal=',', and correct the cells written otherwise")
    if (",", True) in evidence:
        notes.append(said(f"Decimal mark ',': numbers such as {example(',', True)} are written "
                          "with a comma, and none with a point.",
                          f"Virgule décimale : des nombres comme {example(',', True, 'fr')} sont "
                          "écrits avec une virgule, et aucun avec un point."))
        return ","
    if (",", False) in evidence and (".", True) not in evidence:
        raise AmbiguousFormatError(
            f"{str(path)!r}: the decimal mark cannot be told: numbers such as "
            f"{example(',', False)} may be decimals, or thousands with a separator",
            hint="pass decimal=',' if the comma is the decimal mark; if it separates thousands, "
                 "export the numbers without thousands separators")
    if evidence:
        strong = (".", True) in evidence
        notes.append(said(f"Decimal mark '.': numbers such as {example('.', strong)} "
                          "are written with a point.",
                          f"Point décimal : des nombres comme {example('.', strong, 'fr')} sont "
                          "écrits avec un point."))
    return "."


def _first_matches(col: Column, cells: np.ndarray, pattern: str, outcomes: Sequence[bool]
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


def _data_row(col: Column, position: int) -> str:
    """``"data row 3 (file line 4)"``: one row of a column, for a note or an example."""
    flags = np.zeros(len(col.values), dtype=bool)
    flags[position] = True
    return data_rows(col.values, flags)


def _mostly_numbers(n_ok: int, n_bad: int) -> bool:
    """Whether a column of ``n_ok`` numbers and ``n_bad`` other cells is a column of
    numbers with at most a few stray cells (at least two numbers, and at most one
    cell in five of something else) rather than a column of text."""
    return n_ok >= 2 and n_bad <= max(1, n_ok // 4)


def _as_text(col: Column) -> pd.Series:
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


def _typed(path: Path, name: str, col: Column, decimal: str, notes: list[str]) -> pd.Series:
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
    values = masked(col.values, col.missing)
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


def _is_boolean(col: Column, row: int) -> bool:
    """Whether cell ``row`` is a boolean, or a text read as one (``"true"``, ...)."""
    if col.distinct is not None:
        inner, codes = col.distinct
        return _is_boolean(inner, int(codes[row]))
    return col.text.iloc[row] in _BOOLEANS or isinstance(col.values.iloc[row], (bool, np.bool_))


def _as_python_text(values: pd.Series, name: str) -> pd.Series:
    """The column pandas makes of the cells as Python objects (texts, NA): for Arrow
    text, pandas' Arrow-backed ``str`` column, built from the Arrow strings at once."""
    inferred = pd.Series(np.array(["text"], dtype=object)).dtype
    if arrow_strings(values) is not None and isinstance(inferred, pd.StringDtype) and (
            inferred.storage == "pyarrow"):
        return pd.Series(pd.array(values.array.__arrow_array__(), dtype=inferred), name=name)
    return pd.Series(values.to_numpy(dtype=object), name=name)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _numbers(where: str, name: str, col: Column, decimal: str, notes: list[str]) -> pd.Series:
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
            count, row = int(from_text.sum()), _data_row(col, first)
            notes.append(said(
                f"Column {name!r}: {_plural(count, 'cell')} held numbers "
                f"as text (e.g. {col.text.iloc[first]!r}, {row}), read as numbers.",
                f"Colonne {name!r} : {_plural(count, 'cellule')} "
                f"{'contenait' if count == 1 else 'contenaient'} des nombres écrits comme texte "
                f"(p. ex. {col.text.iloc[first]!r}, {french_rows(row)}), lus comme des nombres."))
    else:
        numbers = col.number(decimal) if present.all() else col.number(decimal)[present]
    large = as_mask(numbers.abs() >= _EXACT_FLOAT)
    if large.any():
        large = large & col.test(lambda text: text.str.fullmatch(_INTEGER_TEXT), present)[present]
    kind = numbers.dtype.kind
    if kind == "O" or (large.any() and (kind == "f" or (kind == "u" and not present.all()))):
        long = col.text[present][large].iloc[0]
        notes.append(said(f"Column {name!r} holds whole numbers too long to be stored exactly as "
                          f"numbers (e.g. {long!r}); it was kept as text.",
                          f"La colonne {name!r} contient des nombres entiers trop longs pour être "
                          f"stockés exactement comme nombres (p. ex. {long!r}) ; elle a été "
                          "gardée comme texte."))
        return pd.Series(col.values.mask(col.missing).to_numpy(dtype=object), name=name)
    stored = np.full(n, np.nan)
    stored[present] = numbers.to_numpy(dtype=float)
    full = pd.Series(stored, name=name, copy=False)
    check_stored(full, col.values, where,
                  text=col.text if col.is_text.all() else col.text.where(col.is_text))
    whole = full.to_numpy() == np.floor(full.to_numpy())
    zeros = col.test(lambda text: text.str.fullmatch(r"[+-]?0\d+"),  # whole numbers only
                     among=col.may_start(["0", "+0", "-0"], among=whole))
    if zeros.any():
        first = int(np.flatnonzero(zeros)[0])
        row = _data_row(col, first)
        notes.append(said(
            f"Column {name!r} holds whole numbers written with leading zeros (e.g. "
            f"{col.text.iloc[first]!r}, {row}), read as numbers; "
            "declare it in a codebook (type categorical or string) to keep them as codes.",
            f"La colonne {name!r} contient des nombres entiers écrits avec des zéros en tête "
            f"(p. ex. {col.text.iloc[first]!r}, {french_rows(row)}), lus comme des nombres ; "
            "déclarez-la dans un livre de codes (type categorical ou string) pour les garder "
            "comme codes."))
    if kind in "iu":
        whole = numbers.to_numpy(dtype="int64" if kind == "i" else "uint64")
        if present.all():
            return pd.Series(whole, name=name)
        if large.any():
            out = pd.Series(pd.array([pd.NA] * n, dtype="Int64"), name=name)
            out[present] = whole
            return out
    return full


def checked_frame(path: Path, raw: Raw) -> Raw:
    """A frame read from a binary file, refused if its columns are not named once each
    by text (non-text names, e.g. numbers, are turned to text and noted) or if it holds
    infinite numbers."""
    df, notes = raw.data, list(raw.notes)
    if isinstance(df.columns, pd.MultiIndex):
        raise HeaderError(f"{str(path)!r} has columns named on {df.columns.nlevels} levels "
                          f"(e.g. {df.columns[0]!r})",
                          hint="join the levels into one text name per column before saving")
    cells = Cells(list(df.columns), [df[c] if not isinstance(df[c], pd.DataFrame) else
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
