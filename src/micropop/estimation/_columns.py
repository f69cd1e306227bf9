"""Reading analysis columns and domains from a design's frame (for :func:`prepare`).

A column becomes numbers (one column) or level indicators (one per level); the
``by`` columns become one domain code per row, labelled as R's ``svyby``.

Examples
--------
>>> import pandas as pd
>>> from micropop.estimation._columns import column_matrix, domains
>>> matrix, names, absent = column_matrix(pd.Series(["b", "a", None]), "g", False)
>>> matrix.tolist(), names, absent.tolist()
([[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]], ['a', 'b'], [False, False, True])
>>> frame = pd.DataFrame({"s": ["E", "H", "E"], "y": ["Yes", "No", "No"]})
>>> row_domain, labels = domains(frame, ["s", "y"], np.ones(3, dtype=bool))
>>> row_domain.tolist(), labels
([2, 1, 0], ['E.No', 'H.No', 'E.Yes'])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from micropop.errors import DesignError, NotNumericVariableError

__all__ = ["column_matrix", "domains", "factorize"]


def column_matrix(series: pd.Series, name: str,
                  numeric_only: bool) -> tuple[np.ndarray, list[str], np.ndarray]:
    """A column as numbers (one column) or level indicators (one per level).

    Also returns which rows are missing.
    """
    if pd.api.types.is_complex_dtype(series):
        raise NotNumericVariableError(f"column {name!r} holds complex numbers",
                                      hint="give real numbers (e.g. the real part or modulus)")
    if pd.api.types.is_bool_dtype(series) or (
            pd.api.types.is_numeric_dtype(series) and not isinstance(series.dtype,
                                                                      pd.CategoricalDtype)):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        # numpy columns: missing is NaN; extension columns have their own mask
        absent = (np.isnan(values) if isinstance(series.dtype, np.dtype)
                  else series.isna().to_numpy())
        return values[:, None], [""], absent
    absent = series.isna().to_numpy()
    categorical = (isinstance(series.dtype, pd.CategoricalDtype)
                   or pd.api.types.infer_dtype(series, skipna=True) == "string")
    if numeric_only or not categorical:
        kind = "categorical" if categorical else str(series.dtype)
        raise NotNumericVariableError(
            f"column {name!r} is {kind}, not numeric",
            hint="convert it to numbers (pd.to_numeric); for the shares of its levels, "
                 "use des.mean on it" if numeric_only else
                 "convert it to numbers or to a categorical")
    levels = (list(series.cat.categories) if isinstance(series.dtype, pd.CategoricalDtype)
              else sorted(series.dropna().unique()))
    names = [str(level) for level in levels]
    if len(set(names)) < len(names):  # e.g. categories 1 and "1": one label for two levels
        twice = sorted({label for label in names if names.count(label) > 1})
        raise NotNumericVariableError(
            f"column {name!r} has distinct levels written alike: {', '.join(twice)}",
            hint="give the levels distinct names (e.g. convert them all to text)")
    codes = pd.Categorical(series, categories=levels).codes
    matrix = (codes[:, None] == np.arange(len(levels))[None, :]).astype(float)
    return matrix, names, absent


def domains(frame: pd.DataFrame, by_cols: list[str],
            observed: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Domain code of each row (-1 if a ``by`` value is missing) and labels.

    As R's ``svyby``: domains are the combinations seen among rows of the
    design with a non-zero weight, in the order of R's ``interaction`` (first
    column varying fastest), labelled like R's row names (``"E.Yes"``).
    """
    combined = np.zeros(len(frame), dtype=np.int64)
    radix, uniques, absent = 1, [], np.zeros(len(frame), dtype=bool)
    for name in by_cols:
        codes, values = factorize(frame[name])
        absent |= codes < 0
        combined += codes.astype(np.int64) * radix
        radix *= max(len(values), 1)
        uniques.append(values)
    combined[absent] = 0
    keys = None
    if radix > len(frame):  # more combinations than rows: number those that occur
        keys, combined = np.unique(combined, return_inverse=True)
        radix = len(keys)
    # a table of the combinations (no sort of the rows): those seen, in code order
    seen = np.flatnonzero(np.bincount(combined[observed & ~absent], minlength=radix))
    code = np.full(radix, -1, dtype=np.intp)
    code[seen] = np.arange(len(seen))
    row_domain = code[combined]
    row_domain[absent] = -1
    if keys is not None:
        seen = keys[seen]
    labels = []
    for value in seen.tolist():  # Python ints: pandas indexes by int
        parts = []
        for values in uniques:
            parts.append(str(values[value % len(values)]))
            value //= len(values)
        labels.append(".".join(parts))
    return row_domain, labels


def factorize(series: pd.Series) -> tuple[np.ndarray, np.ndarray | pd.Index]:
    """``pd.factorize(series, sort=True)``; integers of a short range are tabulated.

    A column of small integer codes (the usual domain) is counted with
    ``bincount`` instead of hashed, several times faster on a million rows.
    """
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "iu" and len(series):
        values = series.to_numpy()
        low, high = int(values.min()), int(values.max())
        if high - low <= len(values):
            shifted = values - low
            present = np.bincount(shifted, minlength=high - low + 1) > 0
            return (np.cumsum(present) - 1)[shifted], np.flatnonzero(present) + low
    try:
        return pd.factorize(series, sort=True)
    except TypeError:  # values that cannot be hashed or ordered (lists, mixed objects)
        kinds = sorted({type(v).__name__ for v in series.dropna()})
        raise DesignError(f"by column {series.name!r} holds values that cannot be told "
                          f"apart or ordered ({', '.join(kinds)})",
                          hint=f"give it one kind of value, e.g. df[{series.name!r}]"
                               ".astype(str)") from None
