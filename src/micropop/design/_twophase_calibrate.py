"""Phase-two calibration of a two-phase design: the targets R's ``calibrate(phase=2)`` takes.

R calibrates the phase-two weights ``1 / pi2`` to the phase-one sample's own
totals of the calibration variables (``colSums(model.matrix(formula,
phase1 data))``, its default ``population``): :func:`phase_one_totals` counts
them, as the margins :func:`micropop.weighting.calibrate` reads, with R's
intercept (the phase-one count) as a constant margin when no categorical
column brings it.

Examples
--------
>>> import pandas as pd
>>> from micropop.design._twophase_calibrate import INTERCEPT, phase_one_totals
>>> df = pd.DataFrame({"sex": ["f", "m", "f"], "age": [30.0, 40.0, 50.0]})
>>> phase_one_totals(df, ["sex", "age"])
{'sex': {'f': 2, 'm': 1}, 'age': 120.0}
>>> phase_one_totals(df, ["age"]) == {"age": 120.0, INTERCEPT: {"all": 3}}
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from micropop.design.encode import as_columns, require_columns
from micropop.errors import DesignError, data_rows

__all__ = ["INTERCEPT", "is_categorical", "phase_one_totals"]

#: The constant column that stands for R's intercept in a phase-two calibration.
INTERCEPT = "(Intercept)"


def is_categorical(column: pd.Series) -> bool:
    """Whether a calibration column is counted by level (text, category, True/False).

    Parameters
    ----------
    column : Series

    Returns
    -------
    bool

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design._twophase_calibrate import is_categorical
    >>> is_categorical(pd.Series(["a"])), is_categorical(pd.Series([1.5]))
    (True, False)
    """
    return not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)


def phase_one_totals(frame: pd.DataFrame, columns: Sequence[str]) -> dict[Any, Any]:
    """The phase-one sample's totals of ``columns``, as calibration margins.

    Parameters
    ----------
    frame : DataFrame
        Every phase-one row.
    columns : sequence of str
        The calibration variables: a categorical column is counted by level,
        a numeric one summed (R's model matrix without its intercept); the
        phase-one count is added under :data:`INTERCEPT` when none is
        categorical.

    Returns
    -------
    dict
        Margins for :func:`micropop.weighting.calibrate`.

    Raises
    ------
    MissingColumnError
        A column is not in the data.
    DesignError
        A calibration variable missing in phase-one rows (R's model.frame
        would drop them from the totals).

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design._twophase_calibrate import phase_one_totals
    >>> phase_one_totals(pd.DataFrame({"rel": [0, 1, 1]}).astype({"rel": str}), ["rel"])
    {'rel': {'0': 1, '1': 2}}
    """
    names = as_columns(list(columns), "columns", distinct=True)
    if not names:
        raise DesignError("no calibration variable given",
                          hint="name the phase-one columns phase two is calibrated on")
    require_columns(frame, names)
    totals: dict[Any, Any] = {}
    for name in names:
        column = frame[name]
        missing = column.isna().to_numpy()
        if missing.any():
            raise DesignError(f"calibration variable {name!r} is missing in "
                              f"{data_rows(frame, missing)} of phase one, so its phase-one "
                              "total is unknown", hint="fill it for every phase-one row")
        if is_categorical(column):
            counts = column.value_counts(sort=False)
            totals[name] = {level: int(count) for level, count in
                            sorted(counts.items(), key=lambda item: str(item[0]))}
        else:
            totals[name] = float(np.sum(column.to_numpy(dtype=float)))
    if not any(is_categorical(frame[name]) for name in names):
        totals[INTERCEPT] = {"all": len(frame)}
    return totals
