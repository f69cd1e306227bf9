"""Figures drawn from micropop's result tables (matplotlib only).

Every function takes an optional ``ax=`` and returns the Axes it drew on. The
functions draw numbers they are given; they never compute statistics.

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

import pandas as pd
from matplotlib.axes import Axes

from micropop.errors import MicropopError

__all__ = ["earnings_histogram"]

#: One colour for the data, one for references, used by every figure.
COLOURS = {"main": "#1f5a91", "reference": "#c2571a", "grid": "#d9d9d9"}

_TEXT = {
    "en": {
        "earnings_x": "Monthly micro-work earnings (EUR)",
        "share_y": "Share of workers (%)",
        "earnings_title": "Monthly earnings from micro-work",
    },
    "fr": {
        "earnings_x": "Revenus mensuels du micro-travail (EUR)",
        "share_y": "Part des travailleurs (%)",
        "earnings_title": "Revenus mensuels tirés du micro-travail",
    },
}


def _text(lang: str, key: str) -> str:
    try:
        return _TEXT[lang][key]
    except KeyError:
        raise MicropopError(f"unknown figure language {lang!r}",
                            hint=f"use one of {sorted(_TEXT)}") from None


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(7, 4))[1]


def _style(ax: Axes) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color=COLOURS["grid"], linewidth=0.8)
    ax.set_axisbelow(True)


def earnings_histogram(table: pd.DataFrame, ax: Axes | None = None, lang: str = "en",
                       weighted: bool = True) -> Axes:
    """Bar chart of a binned earnings distribution, one bar per bin.

    Bins are drawn with equal widths and labelled by their range, so a
    zero-heavy, long-tailed distribution stays readable and the zeros are
    shown as they are.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`micropop.describe.binned` (columns ``label``,
        ``share``, ``weighted_share``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when omitted.
    lang : {"en", "fr"}, default "en"
        Language of the labels.
    weighted : bool, default True
        Draw the weighted shares (else the unweighted ones).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from matplotlib.figure import Figure
    >>> from micropop.describe import binned
    >>> t = binned(pd.Series([0.0, 1.5, 7.0]), [0, 1, 5])
    >>> ax = earnings_histogram(t, ax=Figure().subplots(), lang="fr")
    >>> ax.get_xlabel()
    'Revenus mensuels du micro-travail (EUR)'
    """
    ax = _axes(ax)
    column = "weighted_share" if weighted else "share"
    positions = range(len(table))
    ax.bar(positions, 100 * table[column].to_numpy(), color=COLOURS["main"], width=0.8)
    ax.set_xticks(list(positions), table["label"].tolist(), rotation=30, ha="right")
    ax.set_xlabel(_text(lang, "earnings_x"))
    ax.set_ylabel(_text(lang, "share_y"))
    ax.set_title(_text(lang, "earnings_title"))
    _style(ax)
    return ax
