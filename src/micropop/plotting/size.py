"""Figures of population sizes: the forest plot of every reading, the nested circles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.axes import Axes

from micropop.errors import FigureInputError, check_number
from micropop.plotting._inputs import drawable
from micropop.plotting._style import (
    COLOURS,
    draws,
    house_style,
    legend_label,
    new_axes,
    number,
    translate,
)

if TYPE_CHECKING:
    from micropop.size.result import Circles, SizeEstimate

__all__ = ["size_forest", "circles"]


@draws
def size_forest(table_or_result: pd.DataFrame | Circles | SizeEstimate | Sequence[SizeEstimate]
                | Mapping[str, SizeEstimate], ax: Axes | None = None, lang: str = "en",
                reference: float | None = None, reference_label: str | None = None,
                labels: Mapping[str, str] | None = None) -> Axes:
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
    labels : mapping of str to str, optional
        The label shown for a row of the table (by its index), e.g. the
        method's name in ``lang``; other rows are labelled by their index.

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
    >>> ax = size_forest(table, ax=Figure().subplots(), lang="fr",
    ...                  labels={"Lincoln-Petersen": "Lincoln–Petersen (sans correction)"})
    >>> ax.get_yticklabels()[1].get_text()
    'Lincoln–Petersen (sans correction)'
    """
    from micropop.size import Circles, SizeEstimate, triangulate

    if isinstance(table_or_result, Circles):
        table = table_or_result.to_frame()
    elif isinstance(table_or_result, pd.DataFrame):
        table = table_or_result
    elif isinstance(table_or_result, SizeEstimate) and table_or_result.domains:
        table = triangulate(dict(table_or_result.domains))  # one row per domain, as before
    else:
        results = ([table_or_result] if isinstance(table_or_result, SizeEstimate)
                   else table_or_result)
        table = triangulate(results)
    drawable(table, ["estimate", "ci_low", "ci_high"], "the table of sizes",
             "pass the output of mp.size.triangulate", open_above=["ci_high"])
    if reference is not None:
        reference = check_number("reference", reference)
    ax = new_axes(ax)
    estimate = table["estimate"].to_numpy(dtype=float)
    low = table["ci_low"].to_numpy(dtype=float)
    high = table["ci_high"].to_numpy(dtype=float)
    finite = [v for v in (*estimate, *low, *high, reference)
              if v is not None and abs(v) < float("inf")]
    right = max(finite) * 1.08
    open_ended = high == float("inf")
    positions = list(range(len(table)))[::-1]
    ax.hlines(positions, low,
              [right if o else h for o, h in zip(open_ended, high, strict=True)],
              color=COLOURS["main"], linewidth=2)
    ax.plot(estimate, positions, "o", color=COLOURS["main"])
    for y, is_open in zip(positions, open_ended, strict=True):
        if is_open:
            ax.plot(right, y, ">", color=COLOURS["main"])
    if reference is not None:
        ax.axvline(reference, color=COLOURS["reference"], linestyle="--",
                   label=legend_label(reference_label or translate(lang, "size_reference")))
        ax.set_ylim(-0.5, len(table) + 0.3)  # a free band on top for the legend
        ax.legend(loc="upper right", frameon=False)
    shown = dict(labels or {})
    ax.set_yticks(positions, [str(shown.get(label, label)) for label in table.index])
    ax.set_xlim(min(0.0, *finite), right * 1.02)
    ax.set_xlabel(translate(lang, "size_x"))
    ax.set_title(translate(lang, "size_title"))
    ax.xaxis.set_major_formatter(lambda x, _: number(x, ",.0f", lang))
    house_style(ax, grid="x")
    return ax


def _number(value: float, lang: str = "en") -> str:
    return number(value, ",.0f", lang) if abs(value) < float("inf") else "∞"


@draws
def circles(result: Circles, ax: Axes | None = None, lang: str = "en",
            truth: Mapping[str, float] | None = None, truth_label: str | None = None,
            title: str | None = None, labels: Mapping[str, str] | None = None) -> Axes:
    """Nested population circles as nested bars, each with its interval and count.

    One horizontal bar per circle, widest circle on top; the length of each
    bar is the circle's estimate, the black line its interval (an arrow when
    the interval is open upwards), and the count with its interval is written
    at the end of the bar. Inner circles are parts of the outer ones: the bars
    are stacked from the same origin so that they read as nested, never added.

    Parameters
    ----------
    result : micropop.size.Circles
        E.g. :func:`micropop.size.platform_circles`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when omitted.
    lang : {"en", "fr"}, default "en"
        Language of the labels.
    truth : mapping of str to float, optional
        Circle name -> a published or true count, marked with a diamond.
    truth_label : str, optional
        Legend label of those marks (default "published figure", in ``lang``).
    title : str, optional
        The figure's title (default: "Population circles", in ``lang``), e.g.
        to tell the circles of a survey from those of platform figures.
    labels : mapping of str to str, optional
        Circle name -> the label shown for it (the name when absent).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    FigureInputError
        ``result`` is not a Circles, or ``truth`` names an unknown circle.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> result = mp.size.platform_circles(mp.datasets.load_platforms(), des)
    >>> ax = circles(result, ax=Figure().subplots())
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['registered', 'regular', 'very_active']
    >>> [p.get_width() for p in ax.patches] == result.to_frame()["estimate"].tolist()
    True
    >>> ax = circles(result, ax=Figure().subplots(), title="Platforms",
    ...              labels={"regular": "regular workers"})
    >>> ax.get_title(), ax.get_yticklabels()[1].get_text()
    ('Platforms', 'regular workers')
    """
    from micropop.size import Circles

    if not isinstance(result, Circles):
        raise FigureInputError(f"circles() needs a micropop.size.Circles, not "
                               f"{type(result).__name__}",
                               hint="pass e.g. mp.size.platform_circles(...)")
    truth = dict(truth or {})
    unknown = [name for name in truth if name not in result.estimates]
    if unknown:
        raise FigureInputError(f"truth names no circle {', '.join(map(repr, unknown))}",
                               hint=f"use circle names among {list(result.estimates)}")
    truth = {name: check_number(f"truth[{name!r}]", value) for name, value in truth.items()}
    table = drawable(result.to_frame(), ["estimate", "ci_low", "ci_high"], "the circles",
                     "pass e.g. mp.size.platform_circles(...)", open_above=["ci_high"])
    ax = new_axes(ax)
    estimate = table["estimate"].to_numpy(dtype=float)
    low = table["ci_low"].to_numpy(dtype=float)
    high = table["ci_high"].to_numpy(dtype=float)
    finite = [v for v in (*estimate, *low, *high, *truth.values()) if abs(v) < float("inf")]
    right = max(finite) * 1.35  # room for the labels
    positions = list(range(len(table)))[::-1]
    shades = [0.35 + 0.65 * k / max(len(table) - 1, 1) for k in range(len(table))]
    for y, value, alpha in zip(positions, estimate, shades, strict=True):
        ax.barh(y, value, height=0.6, color=COLOURS["main"], alpha=alpha)
    open_ended = high == float("inf")
    ends = [max(finite) * 1.08 if o else h for o, h in zip(open_ended, high, strict=True)]
    ax.hlines(positions, low, ends, color="black", linewidth=1.5, label=translate(lang, "interval"))
    ax.vlines(low, [y - 0.12 for y in positions], [y + 0.12 for y in positions],
              color="black", linewidth=1.5)
    for y, end, is_open in zip(positions, ends, open_ended, strict=True):
        if is_open:
            ax.plot(end, y, ">", color="black")
        else:
            ax.vlines(end, y - 0.12, y + 0.12, color="black", linewidth=1.5)
    for y, value, lo, hi, end in zip(positions, estimate, low, high, ends, strict=True):
        ax.annotate(f"{_number(value, lang)}\n[{_number(lo, lang)} – {_number(hi, lang)}]",
                    (end, y),
                    xytext=(6, 0), textcoords="offset points", va="center", fontsize=8.5)
    if truth:
        ys = [positions[list(result.estimates).index(name)] for name in truth]
        ax.plot(list(truth.values()), ys, "D", color=COLOURS["reference"], markersize=7,
                label=legend_label(truth_label or translate(lang, "circles_truth")),
                linestyle="none")
    ax.legend(loc="lower right", frameon=False, fontsize=8.5)
    shown = dict(labels or {})
    ax.set_yticks(positions, [str(shown.get(name, name)) for name in table.index])
    ax.set_ylim(-0.6, len(table) - 0.4)
    ax.set_xlim(0, right)
    ax.set_xlabel(translate(lang, "size_x"))
    ax.set_title(translate(lang, "circles_title") if title is None else str(title))
    ax.xaxis.set_major_formatter(lambda x, _: number(x, ",.0f", lang))
    house_style(ax, grid="x")
    return ax
