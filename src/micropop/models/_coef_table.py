"""The coefficient table of a fitted model: estimates, t tests and t intervals.

Examples
--------
>>> import numpy as np
>>> table = coefficient_table(np.array([1.0, -0.5]), np.array([0.5, 0.25]), ("a", "b"),
...                           df_resid=30.0)
>>> table["t"].tolist()
[2.0, -2.0]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from micropop.errors import check_number

__all__ = ["coefficient_table"]


def coefficient_table(params: np.ndarray, se: np.ndarray, names: Sequence[str],
                      df_resid: float, exp: bool = False, level: float = 0.95) -> pd.DataFrame:
    """``estimate``, ``se``, ``t``, ``p``, ``ci_low``, ``ci_high`` indexed by ``term``.

    t statistics and intervals on ``df_resid`` degrees of freedom (NaN p and
    limits without any); ``exp=True`` exponentiates the estimates and the
    limits, ``se`` becoming the delta-method ``exp(b) * se``.
    """
    level = check_number("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = params / se
    if df_resid > 0:
        p = 2 * stats.t.sf(np.abs(t), df_resid)
        half = stats.t.ppf((1 + level) / 2, df_resid) * se
    else:
        p = np.full_like(t, np.nan)
        half = np.full_like(t, np.nan)
    low, high = params - half, params + half
    estimate = params
    if exp:
        estimate, se, low, high = (np.exp(params), np.exp(params) * se, np.exp(low),
                                   np.exp(high))
    index = pd.Index(list(names), name="term")
    return pd.DataFrame({"estimate": estimate, "se": se, "t": t, "p": p,
                         "ci_low": low, "ci_high": high}, index=index)
