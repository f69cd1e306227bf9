"""Descriptive tables without variance: category shares and binned distributions.

These are the plain weighted and unweighted tabulations that a report shows
next to the design-based estimates. They take the weights as given and make
no variance claim; for standard errors and intervals use the estimation engine.

Examples
--------
>>> import pandas as pd
>>> from micropop.describe import shares
>>> df = pd.DataFrame({"sex": pd.Categorical(["f", "m", "f"]), "w": [1.0, 2.0, 1.0]})
>>> table = shares(df, ["sex"], weights="w")
>>> table.loc["sex", "n"].tolist(), table.loc["sex", "weighted_share"].tolist()
([2, 1], [0.5, 0.5])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from micropop.design.encode import as_columns, check_weights, require_columns
from micropop.errors import DataValidationError, data_rows

__all__ = ["shares", "binned"]


def _column(df: pd.DataFrame, name: str) -> pd.Series:
    require_columns(df, [name])
    return df[name]


def _weights(weights: pd.Series | None, n: int) -> np.ndarray:
    """Weights as floats, or ones; missing, infinite or negative weights, weights that
    are not one per row, or that are all zero, are an error (the designs' check)."""
    if weights is None:
        return np.ones(n)
    if len(weights) != n:
        raise DataValidationError(f"{len(weights)} weights given for {n} rows",
                                  hint="give one weight per row of the data")
    return check_weights(weights, f"weight column {weights.name!r}", error=DataValidationError,
                         all_zero=f"every weight of {weights.name!r} is zero, so no share "
                                  "can be weighted")


def _scaled(w: np.ndarray) -> tuple[np.ndarray, int]:
    """Weights over a power of two near the largest, and its exponent: sums of them
    stay finite, and shares are the same (powers of two scale exactly)."""
    exponent = int(np.frexp(w.max(initial=0.0))[1])
    return np.ldexp(w, -exponent), exponent


def shares(df: pd.DataFrame, variables: Sequence[str],
           weights: str | pd.Series | None = None) -> pd.DataFrame:
    """Unweighted and weighted shares of the levels of categorical variables.

    Missing values are counted in their own ``"(missing)"`` level so that the
    shares of a variable always add up to one over all rows: nothing is dropped.

    Parameters
    ----------
    df : pandas.DataFrame
        The survey data.
    variables : sequence of str
        Columns to tabulate. Categoricals keep their level order (empty levels
        included); other columns are tabulated in sorted order.
    weights : str or pandas.Series, optional
        Column of probability weights, or the weights aligned with ``df``
        (e.g. a design's :attr:`~micropop.design.SurveyDesign.weights`).
        Without them, the weighted columns equal the unweighted ones.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``(variable, level)`` with columns ``n`` (respondents),
        ``share`` (unweighted), ``weighted_n`` (sum of weights) and
        ``weighted_share``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"motive": ["money", None, "money", "fun"]})
    >>> shares(df, ["motive"])["n"].tolist()
    [1, 2, 1]
    """
    if not isinstance(df, pd.DataFrame):  # a design, where its data are expected
        raise DataValidationError(f"df is a {type(df).__name__}, not a DataFrame",
                                  hint="pass the data, e.g. shares(des.data, [...], "
                                       "weights=des.weights)")
    variables = as_columns(variables, "variables", distinct=True)
    if isinstance(weights, str):
        weights = _column(df, weights)
    if len(df) == 0:
        raise DataValidationError("the data have no rows: there are no shares to tabulate",
                                  hint="check the file that was read")
    w, exponent = _scaled(_weights(weights, len(df)))
    total_w = w.sum()
    parts = []
    for name in variables:
        col = _column(df, name)
        cat = col if isinstance(col.dtype, pd.CategoricalDtype) else col.astype("category")
        codes = cat.cat.codes.to_numpy()
        levels = [str(level) for level in cat.cat.categories]
        k = len(levels)
        has_missing = bool((codes < 0).any())
        if has_missing:
            codes = np.where(codes < 0, k, codes)
            levels.append("(missing)")
        n = np.bincount(codes, minlength=len(levels))
        wn = np.bincount(codes, weights=w, minlength=len(levels))
        parts.append(pd.DataFrame({
            "variable": name,
            "level": levels,
            "n": n,
            "share": n / len(df),
            "weighted_n": _natural(wn, exponent, name),
            "weighted_share": wn / total_w,
        }))
    return pd.concat(parts, ignore_index=True).set_index(["variable", "level"])


def _natural(scaled: np.ndarray, exponent: int, name: str) -> np.ndarray:
    """Sums of scaled weights back in the weights' unit; beyond double precision refused."""
    with np.errstate(over="ignore"):
        natural: np.ndarray = np.ldexp(scaled, exponent)
    if not np.isfinite(natural).all():
        raise DataValidationError(f"the weighted count of a level of {name!r} is beyond "
                                  "double precision (about 1.8e308)",
                                  hint="express the weights in a larger unit")
    return natural


def binned(values: pd.Series, edges: Sequence[float], weights: pd.Series | None = None,
           labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Share of observations in each bin ``[edge_i, edge_{i+1})``, the last bin open.

    Parameters
    ----------
    values : pandas.Series or array-like
        A numeric variable with no missing values.
    edges : sequence of float
        Increasing left edges of the bins; values below the first edge are an error.
    weights : pandas.Series, optional
        Probability weights aligned with ``values``.
    labels : sequence of str, optional
        One label per bin; by default ``"low-high"`` and ``"low+"`` for the last.

    Returns
    -------
    pandas.DataFrame
        Columns ``low``, ``high`` (``inf`` for the last bin), ``label``, ``n``,
        ``share`` and ``weighted_share``.

    Examples
    --------
    >>> import pandas as pd
    >>> out = binned(pd.Series([0.0, 0.0, 3.0, 12.0]), [0, 1, 10])
    >>> out[["label", "n", "share"]]
      label  n  share
    0   0-1  2   0.50
    1  1-10  1   0.25
    2   10+  1   0.25
    """
    try:
        bounds = np.asarray(edges, dtype=float)
    except (TypeError, ValueError):
        raise DataValidationError(f"bin edges {edges!r} are not numbers",
                                  hint="give increasing left edges, e.g. [0, 1, 5, 10]") from None
    if (bounds.ndim != 1 or len(bounds) < 1 or not np.isfinite(bounds).all()
            or np.any(np.diff(bounds) <= 0)):
        raise DataValidationError(f"bin edges {bounds.tolist()} are not finite and strictly "
                                  "increasing",
                                  hint="give increasing left edges, e.g. [0, 1, 5, 10]")
    if not isinstance(values, pd.Series):  # a list or an array: rows numbered from 1
        values = pd.Series(values, name="values")
    if len(values) == 0:
        raise DataValidationError(f"column {values.name!r} has no rows to bin",
                                  hint="check the data")
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(x) | (x < bounds[0])
    if bad.any():
        raise DataValidationError(
            f"column {values.name!r} has missing or infinite values or values below "
            f"{bounds[0]:g} in " + data_rows(values, bad, values.to_numpy()[bad]),
            hint="drop or fix these rows, or lower the first bin edge",
        )
    w = _scaled(_weights(weights, len(x)))[0]
    idx = np.searchsorted(bounds, x, side="right") - 1
    n = np.bincount(idx, minlength=len(bounds))
    wn = np.bincount(idx, weights=w, minlength=len(bounds))
    highs = np.append(bounds[1:], np.inf)
    if labels is None:
        labels = [f"{lo:g}-{hi:g}" if np.isfinite(hi) else f"{lo:g}+"
                  for lo, hi in zip(bounds, highs, strict=True)]
    elif len(labels) != len(bounds):
        raise DataValidationError(f"{len(labels)} bin labels given for {len(bounds)} bins",
                                  hint="give one label per left edge")
    return pd.DataFrame({"low": bounds, "high": highs, "label": labels, "n": n,
                         "share": n / len(x), "weighted_share": wn / w.sum()})
