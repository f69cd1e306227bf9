"""Excel workbooks (``.xlsx``): the sheet chosen, empty rows left out, the header row
found, and the cells typed as a text file's are.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from micropop._bilingual import french_listing, french_rows
from micropop._bilingual import note as said
from micropop.codebook._cells import as_mask, listing
from micropop.errors import (
    EmptyFileError,
    SheetNotFoundError,
    describe_rows,
)
from micropop.io._frame import cells_to_frame
from micropop.io._tables import TITLE_ROWS, Cells, Declared, Raw, unreadable


def read_excel(path: Path, declared: Declared, sheet: str | int | None, decimal: str | None,
               skiprows: int) -> Raw:
    """Read a sheet cell by cell (openpyxl, cached values of formulas): error cells such
    as ``#DIV/0!`` stay text, to be refused in a column of numbers, not made missing."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, OSError, ValueError, KeyError,
            TypeError) as err:
        raise unreadable(path, "Excel (.xlsx)", err) from None
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
    notes: list[str] = [] if sheet is not None else [
        said(f"Sheet {chosen!r}, the first of {len(names)}: {listing(names, 5)}.",
             f"Feuille {chosen!r}, la première des {len(names)} : "
             f"{french_listing(listing(names, 5))}.") if len(names) > 1
        else said(f"Sheet {chosen!r}, the only one.", f"Feuille {chosen!r}, la seule.")]
    filled = as_mask(grid.notna().any(axis=1)) if width else np.zeros(len(grid), dtype=bool)
    if not filled.any():
        raise EmptyFileError(f"{str(path)!r}: sheet {chosen!r} has no cells"
                             + (f" below its first {skiprows} rows" if skiprows else ""),
                             hint="choose the sheet with sheet=, or lower skiprows")
    top = int(np.flatnonzero(filled)[0])
    body = grid.iloc[top + 1:]
    empty = np.flatnonzero(~filled[top + 1:])
    if empty.size:
        left = describe_rows([skiprows + top + 2 + i for i in empty])
        notes.append(said(f"Empty rows of the sheet were left out: {left}.",
                          f"Les lignes vides de la feuille ont été laissées de côté : "
                          f"{french_rows(left)}."))
        body = body[filled[top + 1:]]
    where = f"row {skiprows + top + 1} of sheet {chosen!r}"
    notes.append(said(f"Column names read from {where}.",
                      f"Noms de colonnes lus à la ligne {skiprows + top + 1} de la feuille "
                      f"{chosen!r}."))

    def title_hint() -> str | None:
        used = grid.notna().any(axis=0).to_numpy()
        for r in range(top + 1, min(top + TITLE_ROWS, len(grid))):
            if grid.iloc[r].notna().to_numpy()[used].all():
                return (f"rows {skiprows + top + 1} to {skiprows + r} look like a title above "
                        f"the column names: pass skiprows={skiprows + r}")
        return None

    cells = Cells(list(grid.iloc[top]), [body[j].reset_index(drop=True) for j in grid.columns],
                  where, lambda i: f"column {get_column_letter(i + 1)}", notes, title_hint,
                  text_only=False, lines=skiprows + top + 2 + np.flatnonzero(filled[top + 1:]),
                  unit="sheet row")
    df, decimal, notes = cells_to_frame(path, cells, declared, decimal or ".", sniff=False)
    return Raw(df, decimal=decimal, notes=tuple(notes))
