"""The check that a margin's columns hold categories, shared by every weighting step.

Internal to :mod:`micropop.weighting` (:mod:`micropop.weighting.margins`
re-exports :func:`check_categorical`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from micropop.errors import MarginLevelError, NotCategoricalError

__all__ = ["check_categorical"]

_MIXED_KINDS = ("mixed", "mixed-integer")


def check_categorical(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise unless every column holds categories of one kind.

    Parameters
    ----------
    frame : DataFrame
        The design's data.
    columns : sequence of str
        The columns a margin counts by.

    Raises
    ------
    NotCategoricalError
        For a column of continuous numbers (fractions): it has no levels to count.
    MarginLevelError
        For a column mixing text, numbers and True/False: pandas would merge
        ``True`` with ``1``, and ``"1"`` would read as ``1``.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"sex": ["f", "m"], "age": [23.5, 40.0]})
    >>> check_categorical(frame, ["sex"])
    >>> check_categorical(frame, ["age"])
    Traceback (most recent call last):
    ...
    micropop.errors.NotCategoricalError: column 'age' holds continuous numbers (e.g. 23.5), ...
    """
    for column in columns:
        series = frame[column]
        values = (series.cat.categories if isinstance(series.dtype, pd.CategoricalDtype)
                  else series)
        if values.dtype == object and pd.api.types.infer_dtype(values) in _MIXED_KINDS:
            kinds: dict[str, Any] = {}
            for value in pd.unique(values.dropna()):
                kinds.setdefault(type(value).__name__, value)
            shown = ", ".join(f"{v!r} ({k})" for k, v in kinds.items())
            raise MarginLevelError(f"column {column!r} mixes kinds of values ({shown}), so its "
                                   "levels are ambiguous", hint=f"convert it to one type "
                                   f"first, e.g. df[{column!r}].astype(str)")
        if isinstance(series.dtype, pd.CategoricalDtype) or not pd.api.types.is_float_dtype(
                series):
            continue
        numbers = series.dropna().to_numpy(dtype=float)
        fractional = numbers[numbers != np.round(numbers)]
        if fractional.size:
            raise NotCategoricalError(f"column {column!r} holds continuous numbers (e.g. "
                                      f"{fractional[0]:g}), not categories, so it cannot have "
                                      "level counts",
                                      hint="cut it into bands (pd.cut) matching the margin, "
                                           "or give its population total to calibrate()")
