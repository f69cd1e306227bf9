"""Figures drawn from micropop's result tables (matplotlib only).

Every function takes an optional ``ax=`` and returns the Axes it drew on. The
functions draw numbers they are given; they never compute statistics.

By topic:

- :mod:`~micropop.plotting.size`: :func:`size_forest`, :func:`circles`
- :mod:`~micropop.plotting.profile`: :func:`profile_dots`, :func:`pyramid`
- :mod:`~micropop.plotting.earnings`: :func:`earnings_histogram`, :func:`earnings_ecdf`,
  :func:`lorenz_curve`, :func:`hourly_vs_minimum_wage`
- :mod:`~micropop.plotting.weighting`: :func:`weighting_diagnostics`
- :mod:`~micropop.plotting.models`: :func:`coef_forest`

Numbers are written as each language writes them (:func:`localise`: ``266,126``
in English, ``266 126`` and ``0,679`` in French), for the figures and the report.
The colours (:data:`COLOURS`), the English and French labels and the plain
drawing of text from the data live in ``micropop.plotting._style``.

Examples
--------
>>> import pandas as pd
>>> from matplotlib.figure import Figure
>>> from micropop.describe import binned
>>> from micropop.plotting import earnings_histogram
>>> table = binned(pd.Series([0.0, 0.2, 3.0, 40.0]), [0, 1, 10, 20])
>>> ax = earnings_histogram(table, ax=Figure().subplots())
>>> ax.get_ylabel()
'Share of workers (%)'
"""

from __future__ import annotations

from micropop.plotting._style import COLOURS, LABEL_LINES, LABEL_WIDTH, TICK_WIDTH, localise
from micropop.plotting.earnings import (
    earnings_ecdf,
    earnings_histogram,
    hourly_vs_minimum_wage,
    lorenz_curve,
)
from micropop.plotting.models import coef_forest
from micropop.plotting.profile import profile_dots, pyramid
from micropop.plotting.size import circles, size_forest
from micropop.plotting.weighting import weighting_diagnostics

__all__ = ["circles", "coef_forest", "earnings_ecdf", "earnings_histogram",
           "hourly_vs_minimum_wage", "lorenz_curve", "profile_dots", "pyramid", "size_forest",
           "weighting_diagnostics",
           "COLOURS", "LABEL_WIDTH", "TICK_WIDTH", "LABEL_LINES", "localise"]
