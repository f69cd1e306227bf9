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

__all__ = ["earnings_histogram", "size_forest"]

#: One colour for the data, one for references, used by every figure.
COLOURS = {"main": "#1f5a91", "reference": "#c2571a", "grid": "#d9d9d9"}

_TEXT = {
    "en": {
        "earnings_x": "Monthly micro-work earnings (EUR)",
        "share_y": "Share of workers (%)",
        "earnings_title": "Monthly earnings from micro-work",
        "size_x": "Number of people",
        "size_title": "Estimates of the same population",
        "size_reference": "reference",
    },
    "fr": {
        "earnings_x": "Revenus mensuels du micro-travail (EUR)",
        "share_y": "Part des travailleurs (%)",
        "earnings_title": "Revenus mensuels tirés du micro-travail",
        "size_x": "Nombre de personnes",
        "size_title": "Estimations d'une même population",
        "size_reference": "référence",
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


def _style(ax: Axes, grid: str = "y") -> None:
    """The house style: no top or right spine, light grid lines behind the data."""
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis=grid, color=COLOURS["grid"], linewidth=0.8)
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


def size_forest(table_or_result, ax: Axes | None = None, lang: str = "en",
                reference: float | None = None, reference_label: str | None = None) -> Axes:
    """Forest plot of population sizes: one point and interval per estimate.

    Draws the ``estimate``, ``ci_low`` and ``ci_high`` it is given, first
    row at the top, labelled by the table's index, on an axis from zero; an
    interval open upwards (``ci_high`` infinite) ends in an arrow at the
    right edge.

    Parameters
    ----------
    table_or_result : DataFrame, Circles, SizeEstimate, or sequence / mapping of them
        Output of :func:`micropop.size.triangulate` (or anything it
        accepts), or a :class:`~micropop.size.Circles`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when omitted.
    lang : {"en", "fr"}, default "en"
        Language of the labels.
    reference : float, optional
        A value to mark with a vertical line (a published figure, a truth).
    reference_label : str, optional
        Its legend label (default "reference").

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import micropop as mp
    >>> table = mp.size.triangulate([mp.size.chapman(1278, 1069, 36),
    ...                              mp.size.lincoln_petersen(1278, 1069, 36)])
    >>> ax = size_forest(table, ax=Figure().subplots(), reference=52_179)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Chapman', 'Lincoln-Petersen']
    """
    from micropop.size import Circles, SizeEstimate, triangulate

    if isinstance(table_or_result, Circles):
        table = table_or_result.to_frame()
    elif isinstance(table_or_result, pd.DataFrame):
        table = table_or_result
    else:
        results = ([table_or_result] if isinstance(table_or_result, SizeEstimate)
                   else table_or_result)
        table = triangulate(results)
    missing = [c for c in ("estimate", "ci_low", "ci_high") if c not in table.columns]
    if missing:
        raise MicropopError(f"the table has no column {', '.join(missing)}",
                            hint="pass the output of mp.size.triangulate")
    ax = _axes(ax)
    estimate = table["estimate"].to_numpy(dtype=float)
    low = table["ci_low"].to_numpy(dtype=float)
    high = table["ci_high"].to_numpy(dtype=float)
    finite = [v for v in (*estimate, *low, *high, reference)
              if v is not None and abs(v) < float("inf")]
    right = max(finite) * 1.08
    open_ended = high == float("inf")
    positions = list(range(len(table)))[::-1]
    ax.hlines(positions, low, [right if o else h for o, h in zip(open_ended, high)],
              color=COLOURS["main"], linewidth=2)
    ax.plot(estimate, positions, "o", color=COLOURS["main"])
    for y, is_open in zip(positions, open_ended):
        if is_open:
            ax.plot(right, y, ">", color=COLOURS["main"])
    if reference is not None:
        ax.axvline(reference, color=COLOURS["reference"], linestyle="--",
                   label=reference_label or _text(lang, "size_reference"))
        ax.set_ylim(-0.5, len(table) + 0.3)  # a free band on top for the legend
        ax.legend(loc="upper right", frameon=False)
    ax.set_yticks(positions, [str(label) for label in table.index])
    ax.set_xlim(min(0.0, *finite), right * 1.02)
    ax.set_xlabel(_text(lang, "size_x"))
    ax.set_title(_text(lang, "size_title"))
    ax.xaxis.set_major_formatter(lambda x, _: f"{x:,.0f}")
    _style(ax, grid="x")
    return ax
