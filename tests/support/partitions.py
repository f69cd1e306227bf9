"""Dask frames for the tests: uneven partitions, empty ones, sampled units split across them.

The Dask engine must give the same numbers whatever the partitioning: the
tests split a frame at uneven points (so that rows of one PSU fall in
different partitions) and put empty partitions first, in the middle and last.
"""

from __future__ import annotations

import dask.dataframe as dd
import numpy as np
import pandas as pd


def cut_points(n: int, parts: int = 7, seed: int = 0) -> list[int]:
    """Uneven cut points of ``n`` rows into ``parts`` non-empty-or-not pieces."""
    rng = np.random.default_rng(seed)
    inner = sorted(rng.choice(np.arange(1, max(n, 2)), size=min(parts - 1, max(n - 1, 0)),
                              replace=False).tolist()) if n > 1 else []
    return [0, *inner, n]


def split(frame: pd.DataFrame, parts: int = 7, seed: int = 0, empty: int = 3) -> list[pd.DataFrame]:
    """``frame`` cut in ``parts`` uneven pieces, plus ``empty`` empty ones (first, inside, last)."""
    cuts = cut_points(len(frame), parts, seed)
    pieces = [frame.iloc[a:b] for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
    none = frame.iloc[:0]
    where = [0, len(pieces) // 2 + 1, len(pieces) + 2][:empty]
    for position in where:
        pieces.insert(min(position, len(pieces)), none)
    return pieces


def dask_frame(frame: pd.DataFrame, parts: int = 7, seed: int = 0,
               empty: int = 3) -> dd.DataFrame:
    """A Dask frame of ``frame``'s rows in order, cut unevenly, with empty partitions."""
    # text columns as Dask keeps them (Arrow strings), converted once here rather than
    # by every pass over every partition
    text = [name for name, dtype in frame.dtypes.items()
            if isinstance(dtype, pd.StringDtype) or pd.api.types.is_object_dtype(dtype)]
    frame = frame.astype({name: "string[pyarrow]" for name in text})
    pieces = split(frame, parts, seed, empty)
    return dd.from_map(_piece, pieces, meta=frame.iloc[:0], enforce_metadata=False)


def _piece(piece: pd.DataFrame) -> pd.DataFrame:
    return piece
