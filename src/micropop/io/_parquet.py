"""Parquet files: read by Arrow, the row index pandas may have stored in them made
columns (named levels) or dropped (row labels), as a note says.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from micropop._bilingual import french_listing
from micropop._bilingual import note as said
from micropop.codebook._cells import listing
from micropop.io._tables import Raw, unreadable


def read_parquet(path: Path) -> Raw:
    """The file read, its stored row index handled by :func:`without_index`."""
    try:
        df = pd.read_parquet(path, engine="pyarrow")
    except (pa.ArrowException, OSError, ValueError) as err:
        raise unreadable(path, "Parquet", err) from None
    df, notes = without_index(df)
    return Raw(df, notes=tuple(notes))


def without_index(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``df`` numbered 0, 1, ... with its named index levels made columns, and a note
    saying what became of a stored index (none for the default numbering)."""
    notes: list[str] = []
    index = df.index
    if not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
            and index.name is None):
        kept = [n for n in index.names if n is not None]
        df = df.reset_index(level=[i for i, n in enumerate(index.names) if n is None], drop=True)
        df = df.reset_index() if kept else df
        notes.append(said(f"The row index stored in the file was made column(s) {listing(kept)}.",
                          "L'index des lignes enregistré dans le fichier est devenu la ou les "
                          f"colonnes {french_listing(listing(kept))}.")
                     if kept else said("The row labels stored in the file were dropped; rows are "
                                       "numbered in file order.",
                                       "Les étiquettes de lignes enregistrées dans le fichier ont "
                                       "été abandonnées ; les lignes sont numérotées dans l'ordre "
                                       "du fichier."))
        df = df.reset_index(drop=True)
    return df, notes
