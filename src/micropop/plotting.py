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

import functools
import re
import textwrap
from collections.abc import Callable, Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter, FuncFormatter, MaxNLocator

from micropop.errors import FigureInputError, check_number, describe_rows

__all__ = ["circles", "earnings_ecdf", "earnings_histogram", "hourly_vs_minimum_wage",
           "lorenz_curve", "profile_dots", "pyramid", "size_forest", "weighting_diagnostics"]

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
        "circles_title": "Nested circles of micro-workers",
        "circles_truth": "published figure",
        "interval": "95% interval",
        "profile_x": "Share (%)",
        "profile_title": "Workers against the French population",
        "workers": "workers",
        "france": "France (census)",
        "pyramid_x": "Share of the sex group (%)",
        "pyramid_y": "Age band",
        "pyramid_title": "Age and sex of workers against France",
        "male": "men",
        "female": "women",
        "ecdf_x": "Monthly micro-work earnings (EUR, log scale)",
        "ecdf_y": "Share earning at most this (%)",
        "ecdf_title": "Distribution of monthly earnings",
        "ecdf_zero": "share at 0",
        "ecdf_quantiles": "quantiles",
        "lorenz_x": "Share of workers, poorest first (%)",
        "lorenz_y": "Share of total earnings (%)",
        "lorenz_title": "Lorenz curve of monthly earnings",
        "lorenz_curve": "Lorenz curve",
        "equality": "equality",
        "gini": "Gini",
        "hourly_x": "Hourly micro-work earnings (EUR)",
        "hourly_y": "Quantile",
        "hourly_title": "Hourly earnings against the minimum wage",
        "smic": "SMIC",
        "weights_x": "Population count",
        "weights_title": "Achieved margins against targets",
        "target": "target",
        "achieved": "achieved",
        "ratio": "weights / design weights",
        "mean": "mean",
    },
    "fr": {
        "earnings_x": "Revenus mensuels du micro-travail (EUR)",
        "share_y": "Part des travailleurs (%)",
        "earnings_title": "Revenus mensuels tirés du micro-travail",
        "size_x": "Nombre de personnes",
        "size_title": "Estimations d'une même population",
        "size_reference": "référence",
        "circles_title": "Cercles emboîtés des micro-travailleurs",
        "circles_truth": "chiffre publié",
        "interval": "intervalle à 95 %",
        "profile_x": "Part (%)",
        "profile_title": "Les travailleurs face à la population française",
        "workers": "travailleurs",
        "france": "France (recensement)",
        "pyramid_x": "Part au sein du sexe (%)",
        "pyramid_y": "Tranche d'âge",
        "pyramid_title": "Âge et sexe des travailleurs face à la France",
        "male": "hommes",
        "female": "femmes",
        "ecdf_x": "Revenus mensuels du micro-travail (EUR, échelle log)",
        "ecdf_y": "Part gagnant au plus ce montant (%)",
        "ecdf_title": "Distribution des revenus mensuels",
        "ecdf_zero": "part à 0",
        "ecdf_quantiles": "quantiles",
        "lorenz_x": "Part des travailleurs, des plus pauvres aux plus riches (%)",
        "lorenz_y": "Part du total des revenus (%)",
        "lorenz_title": "Courbe de Lorenz des revenus mensuels",
        "lorenz_curve": "courbe de Lorenz",
        "equality": "égalité",
        "gini": "Gini",
        "hourly_x": "Revenus horaires du micro-travail (EUR)",
        "hourly_y": "Quantile",
        "hourly_title": "Revenus horaires face au salaire minimum",
        "smic": "SMIC",
        "weights_x": "Effectif de population",
        "weights_title": "Marges atteintes face aux cibles",
        "target": "cible",
        "achieved": "atteinte",
        "ratio": "poids / poids de sondage",
        "mean": "moyenne",
    },
}


def _text(lang: str, key: str) -> str:
    try:
        return _TEXT[lang][key]
    except KeyError:
        raise FigureInputError(f"unknown figure language {lang!r}",
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


#: Longest line of a text drawn from the data (of a tick label), and how many lines it may take.
LABEL_WIDTH, TICK_WIDTH, LABEL_LINES = 80, 40, 3

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _fit(text: object, width: int = LABEL_WIDTH) -> str:
    """A label as a figure can show it: as written, if it is short and printable.

    Control characters (which SVG cannot hold) are shown as U+FFFD, a line
    longer than ``width`` characters is wrapped, and a label longer than
    :data:`LABEL_LINES` lines ends in an ellipsis, so that a very long level
    does not make a figure thousands of pixels wide.

    Examples
    --------
    >>> _fit("$5-10 $ per_hour")
    '$5-10 $ per_hour'
    >>> _fit("x" * 300).endswith("…"), max(map(len, _fit("x" * 300).split("\\n")))
    (True, 80)
    """
    lines = []
    for line in _CONTROL.sub("\ufffd", str(text).replace("\t", " ")).split("\n"):
        lines += textwrap.wrap(line, width) if len(line) > width else [line]
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1][:width - 1] + "…"
    return "\n".join(lines)


def _plain(ax: Axes) -> None:
    """Make every text of ``ax`` plain text: no mathtext, no TeX, and fitted by :func:`_fit`.

    Levels, variable names, circle names and legend labels come from the data:
    a ``$`` in them must be a dollar sign, not the start of matplotlib's
    mathtext (which fails on ``$x^$``), and ``text.usetex`` must not send
    ``%``, ``_`` or ``{}`` to LaTeX. Tick labels, made by the axis when it is
    drawn, are fitted (to :data:`TICK_WIDTH`) by their formatter.
    """
    for axis in (ax.xaxis, ax.yaxis):
        formatter = axis.get_major_formatter()
        if isinstance(formatter, (FixedFormatter, FuncFormatter)):  # labels given as a list
            axis.set_major_formatter(FuncFormatter(
                lambda x, pos, inner=formatter: _fit(inner(x, pos), TICK_WIDTH)))
    for text in ax.findobj(Text):  # titles, axis and tick labels, legends, annotations
        text.set_text(_fit(text.get_text()))
        text.set_parse_math(False)
        text.set_usetex(False)


def _draws(draw: Callable[..., Axes]) -> Callable[..., Axes]:
    """Decorate every figure function: all the text it draws is plain (see :func:`_plain`)."""

    @functools.wraps(draw)
    def drawn(*args, **kwargs) -> Axes:
        with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
            ax = draw(*args, **kwargs)
            _plain(ax)
        return ax

    return drawn


def _legend_label(text: object) -> str:
    """A legend label from the user, shown even if it starts with "_" (which matplotlib hides)."""
    text = str(text)
    return "\u200b" + text if text.startswith("_") else text


def _row_name(key: object) -> str:
    return repr(" / ".join(map(str, key)) if isinstance(key, tuple) else str(key))


def _drawable(table: pd.DataFrame, columns: Sequence[str], what: str, hint: str,
              open_above: Sequence[str] = ()) -> pd.DataFrame:
    """``table`` if it has rows and every value of ``columns`` is a finite number.

    The one check of the numbers a figure draws: a missing column, no rows,
    text, NaN or an infinity raise :class:`FigureInputError` naming the column
    and the rows (by label), instead of a point silently left out. Columns
    in ``open_above`` may hold ``+inf`` (an interval open upwards, drawn as an
    arrow).
    """
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise FigureInputError(f"{what} has no column {', '.join(missing)}", hint=hint)
    if table.empty:
        raise FigureInputError(f"{what} has no rows", hint=hint)
    for column in columns:
        values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float,
                                                                         na_value=np.nan)
        bad = ~np.isfinite(values)
        if column in open_above:
            bad &= values != np.inf
        if bad.any():
            rows = describe_rows([_row_name(k) for k in table.index[bad]],
                                 table[column][bad].tolist())
            raise FigureInputError(f"{what}: {column} is not a finite number in {rows}",
                                   hint="a figure draws finite numbers only: leave those rows "
                                        "out or fix them (" + hint + ")")
    return table


@_draws
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
    column = "weighted_share" if weighted else "share"
    hint = "pass the output of micropop.describe.binned"
    if not isinstance(table, pd.DataFrame) or "label" not in table.columns:
        raise FigureInputError("earnings_histogram() needs a table with a column label, not "
                               f"{type(table).__name__}", hint=hint)
    _drawable(table.set_index("label"), [column], "the binned earnings", hint)
    ax = _axes(ax)
    positions = range(len(table))
    ax.bar(positions, 100 * table[column].to_numpy(), color=COLOURS["main"], width=0.8)
    ax.set_xticks(list(positions), table["label"].tolist(), rotation=30, ha="right")
    ax.set_xlabel(_text(lang, "earnings_x"))
    ax.set_ylabel(_text(lang, "share_y"))
    ax.set_title(_text(lang, "earnings_title"))
    _style(ax)
    return ax


@_draws
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
    _drawable(table, ["estimate", "ci_low", "ci_high"], "the table of sizes",
              "pass the output of mp.size.triangulate", open_above=["ci_high"])
    if reference is not None:
        reference = check_number("reference", reference)
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
                   label=_legend_label(reference_label or _text(lang, "size_reference")))
        ax.set_ylim(-0.5, len(table) + 0.3)  # a free band on top for the legend
        ax.legend(loc="upper right", frameon=False)
    ax.set_yticks(positions, [str(label) for label in table.index])
    ax.set_xlim(min(0.0, *finite), right * 1.02)
    ax.set_xlabel(_text(lang, "size_x"))
    ax.set_title(_text(lang, "size_title"))
    ax.xaxis.set_major_formatter(lambda x, _: f"{x:,.0f}")
    _style(ax, grid="x")
    return ax


def _interval_table(estimate, what: str, hint: str,
                    rows: Callable[[pd.DataFrame], pd.DataFrame] | None = None) -> pd.DataFrame:
    """``estimate``, ``ci_low``, ``ci_high`` of an Estimate (or a table that has them).

    Only the rows ``rows(table)`` picks (all by default) are drawn, so only
    they are checked to be finite.
    """
    table = estimate if isinstance(estimate, pd.DataFrame) else getattr(
        estimate, "to_frame", lambda: None)()
    if not isinstance(table, pd.DataFrame):
        raise FigureInputError(f"{what} must be an Estimate or a table, not "
                               f"{type(estimate).__name__}", hint=hint)
    if rows is not None:
        table = rows(_drawable(table, [], what, hint))
    return _drawable(table, ["estimate", "ci_low", "ci_high"], what, hint)


def _levels(table: pd.DataFrame, what: str, hint: str) -> list[float]:
    """The probabilities (or shares) in the ``level`` of an Estimate's index, as floats."""
    names = list(table.index.names)
    if "level" not in names:
        raise FigureInputError(f"{what} has no 'level' in its index (the probabilities)",
                               hint=hint)
    try:
        levels = [float(v) for v in table.index.get_level_values("level")]
    except (TypeError, ValueError):
        levels = [np.nan]
    if not all(0 <= v <= 1 for v in levels):
        raise FigureInputError(f"{what} has levels that are not probabilities", hint=hint)
    return levels


def _one_curve(table: pd.DataFrame, function: str) -> pd.DataFrame:
    """``table`` if it has no domains (one curve, one row per probability)."""
    if "domain" in table.index.names:
        raise FigureInputError(f"{function} draws one curve, the estimate has domains",
                               hint="estimate it without by=, or draw one figure per domain "
                                    "with design.subset(...)")
    return table


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) < float("inf") else "∞"


@_draws
def circles(result, ax: Axes | None = None, lang: str = "en",
            truth=None, truth_label: str | None = None) -> Axes:
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
    table = _drawable(result.to_frame(), ["estimate", "ci_low", "ci_high"], "the circles",
                      "pass e.g. mp.size.platform_circles(...)", open_above=["ci_high"])
    ax = _axes(ax)
    estimate = table["estimate"].to_numpy(dtype=float)
    low = table["ci_low"].to_numpy(dtype=float)
    high = table["ci_high"].to_numpy(dtype=float)
    finite = [v for v in (*estimate, *low, *high, *truth.values()) if abs(v) < float("inf")]
    right = max(finite) * 1.35  # room for the labels
    positions = list(range(len(table)))[::-1]
    shades = [0.35 + 0.65 * k / max(len(table) - 1, 1) for k in range(len(table))]
    for y, value, alpha in zip(positions, estimate, shades):
        ax.barh(y, value, height=0.6, color=COLOURS["main"], alpha=alpha)
    open_ended = high == float("inf")
    ends = [max(finite) * 1.08 if o else h for o, h in zip(open_ended, high)]
    ax.hlines(positions, low, ends, color="black", linewidth=1.5, label=_text(lang, "interval"))
    ax.vlines(low, [y - 0.12 for y in positions], [y + 0.12 for y in positions],
              color="black", linewidth=1.5)
    for y, end, is_open in zip(positions, ends, open_ended):
        if is_open:
            ax.plot(end, y, ">", color="black")
        else:
            ax.vlines(end, y - 0.12, y + 0.12, color="black", linewidth=1.5)
    for y, value, lo, hi, end in zip(positions, estimate, low, high, ends):
        ax.annotate(f"{_number(value)}\n[{_number(lo)} – {_number(hi)}]", (end, y),
                    xytext=(6, 0), textcoords="offset points", va="center", fontsize=8.5)
    if truth:
        ys = [positions[list(result.estimates).index(name)] for name in truth]
        ax.plot(list(truth.values()), ys, "D", color=COLOURS["reference"], markersize=7,
                label=_legend_label(truth_label or _text(lang, "circles_truth")),
                linestyle="none")
    ax.legend(loc="lower right", frameon=False, fontsize=8.5)
    ax.set_yticks(positions, [str(name) for name in table.index])
    ax.set_ylim(-0.6, len(table) - 0.4)
    ax.set_xlim(0, right)
    ax.set_xlabel(_text(lang, "size_x"))
    ax.set_title(_text(lang, "circles_title"))
    ax.xaxis.set_major_formatter(lambda x, _: f"{x:,.0f}")
    _style(ax, grid="x")
    return ax


@_draws
def profile_dots(profile, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Dot plot of the workers' shares with intervals, against the reference shares.

    One row per variable and level (first at the top): a dot at the share,
    a line for its interval, and a hollow diamond at the reference share; all
    in percent.

    Parameters
    ----------
    profile : micropop.profile.Profile
        Made by :func:`micropop.profile` *with* references and without
        ``by=`` (``to_frame()`` columns ``share``, ``ci_low``, ``ci_high``,
        ``reference_share``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when omitted.
    lang : {"en", "fr"}, default "en"
        Language of the labels.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    FigureInputError
        Not a Profile, a profile with domains (``by=``), or a variable
        without reference shares (named).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import micropop as mp
    >>> from micropop.profile import insee_population
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> prof = mp.profile(des, ["sex"], reference={"sex": insee_population("sex", ages=(18, 74))})
    >>> ax = profile_dots(prof, ax=Figure().subplots())
    >>> [round(float(x), 1) for x in ax.lines[0].get_xdata()]
    [56.1, 43.9]
    """
    from micropop.profile import Profile

    if not isinstance(profile, Profile):
        raise FigureInputError(f"profile_dots() needs a Profile, not {type(profile).__name__}",
                               hint="pass the result of mp.profile(design, ..., reference=...)")
    table = profile.to_frame()
    if "domain" in table.columns:
        raise FigureInputError("profile_dots() draws a profile without domains (by=)",
                               hint="make the profile without by=, or one per domain with "
                                 "design.subset(...)")
    lacking = list(dict.fromkeys(table.loc[table["reference_share"].isna(), "variable"]))
    if lacking:
        raise FigureInputError(f"the profile has no reference shares for "
                               f"{', '.join(map(repr, lacking))}",
                               hint="pass reference={variable: insee_population(...)} to "
                                 "mp.profile")
    _drawable(table.set_index(["variable", "level"]),
              ["share", "ci_low", "ci_high", "reference_share"], "the profile",
              "pass the result of mp.profile(design, ..., reference=...)")
    ax = _axes(ax)
    positions = list(range(len(table)))[::-1]
    share = 100 * table["share"].to_numpy(dtype=float)
    ax.plot(share, positions, "o", color=COLOURS["main"], label=_text(lang, "workers"),
            zorder=3)
    ax.hlines(positions, 100 * table["ci_low"].to_numpy(dtype=float),
              100 * table["ci_high"].to_numpy(dtype=float), color=COLOURS["main"],
              linewidth=2, label=_text(lang, "interval"))
    ax.plot(100 * table["reference_share"].to_numpy(dtype=float), positions, "D",
            markerfacecolor="white", markeredgecolor=COLOURS["reference"], markeredgewidth=1.5,
            color=COLOURS["reference"], label=_text(lang, "france"), zorder=4)
    several = table["variable"].nunique() > 1
    labels = [f"{v}: {lv}" if several else str(lv)
              for v, lv in zip(table["variable"], table["level"])]
    ax.set_yticks(positions, labels)
    for k in range(1, len(table)):
        if table["variable"].iloc[k] != table["variable"].iloc[k - 1]:
            ax.axhline(positions[k] + 0.5, color=COLOURS["grid"], linewidth=1.2)
    ax.set_xlim(left=0)
    ax.set_xlabel(_text(lang, "profile_x"))
    ax.set_title(_text(lang, "profile_title"))
    ax.legend(loc="lower right", frameon=False)
    _style(ax, grid="x")
    return ax


_SEXES = {"male": ("male", "men", "m", "hommes", "homme"),
          "female": ("female", "women", "f", "femmes", "femme")}


def _sex_key(value) -> str | None:
    text = str(value).strip().lower()
    return next((key for key, names in _SEXES.items() if text in names), None)


def _pyramid_workers(workers) -> pd.DataFrame:
    """Tidy workers table: columns sex (male/female), age_band, share, ci_low, ci_high."""
    hint = ("pass des.mean('age_band', by='sex') or a table with columns sex, age_band, "
            "share[, ci_low, ci_high]")
    if isinstance(workers, pd.DataFrame):
        table = workers.copy()
        missing = [c for c in ("sex", "age_band", "share") if c not in table.columns]
        if missing:
            raise FigureInputError(f"the workers table has no column {', '.join(missing)}",
                                   hint=hint)
        given = [c for c in ("ci_low", "ci_high") if c in table.columns]
        if len(given) == 1:
            raise FigureInputError(f"the workers table has {given[0]} without its other end",
                                   hint="give both ci_low and ci_high, or neither")
    else:
        frame = _interval_table(workers, "the workers estimate", hint)
        names = list(frame.index.names)
        if "level" not in names or "domain" not in names:
            raise FigureInputError("the workers estimate needs age bands as levels and sex as "
                                   "the domain", hint=hint)
        table = pd.DataFrame({"age_band": frame.index.get_level_values("level").astype(str),
                              "sex": frame.index.get_level_values("domain").astype(str),
                              "share": frame["estimate"].to_numpy(dtype=float),
                              "ci_low": frame["ci_low"].to_numpy(dtype=float),
                              "ci_high": frame["ci_high"].to_numpy(dtype=float)})
    sexes = [_sex_key(v) for v in table["sex"]]
    unknown = [v for v, key in zip(table["sex"], sexes) if key is None]
    if unknown:
        raise FigureInputError(f"the workers' sex levels {', '.join(map(repr, unknown[:5]))} "
                               "are not male/female", hint=hint)
    table["sex"] = sexes
    table["age_band"] = table["age_band"].astype(str)
    table = table.set_index(["sex", "age_band"])
    twice = table.index.duplicated()
    if twice.any():
        rows = describe_rows([_row_name(key) for key in table.index[twice]])
        raise FigureInputError(f"the workers table has {rows} twice",
                               hint="give one row per sex and age band")
    _drawable(table, ["share"] + [c for c in ("ci_low", "ci_high") if c in table.columns],
              "the workers table", hint)
    return table.reset_index()


def _pyramid_reference(reference, bands: list[str]) -> dict[str, pd.Series]:
    """Reference shares by band within each sex, over the workers' bands."""
    hint = ("pass datasets.load_reference('insee_rp2018_sex_age') or a mapping "
            "{'male': shares, 'female': shares} (Series or Reference by age band)")
    if isinstance(reference, pd.DataFrame):
        missing = [c for c in ("age_band", "men", "women") if c not in reference.columns]
        if missing:
            raise FigureInputError(f"the reference table has no column {', '.join(missing)}",
                                   hint=hint)
        indexed = reference.set_index(reference["age_band"].astype(str))
        counts = {"male": indexed["men"], "female": indexed["women"]}
        names = {"male": "men", "female": "women"}
    elif hasattr(reference, "items"):
        counts, names = {}, {}
        for key, value in reference.items():
            sex = _sex_key(key)
            if sex is None:
                raise FigureInputError(f"reference key {key!r} is not a sex", hint=hint)
            counts[sex] = pd.Series(getattr(value, "shares", value)).rename(index=str)
            names[sex] = repr(key)
    else:
        raise FigureInputError(f"the reference must be a table or a mapping, not "
                               f"{type(reference).__name__}", hint=hint)
    shares = {}
    for sex in ("male", "female"):
        if sex not in counts:
            raise FigureInputError(f"the reference has no {sex} counts", hint=hint)
        absent = [b for b in bands if b not in counts[sex].index]
        if absent:
            raise FigureInputError(f"the reference has no age band {', '.join(absent)}",
                                   hint=hint)
        twice = counts[sex].index.duplicated()
        if twice.any():
            raise FigureInputError(f"the reference has age band(s) "
                                   f"{', '.join(counts[sex].index[twice])} twice", hint=hint)
        kept = _drawable(counts[sex].reindex(bands).to_frame(names[sex]), [names[sex]],
                         "the reference", hint)[names[sex]].astype(float)
        if (kept < 0).any() or not kept.sum() > 0:
            raise FigureInputError(f"the reference counts of {names[sex]} are negative or "
                                   "add up to 0 over the workers' age bands", hint=hint)
        shares[sex] = kept / kept.sum()
    return shares


@_draws
def pyramid(workers, reference, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Age-sex pyramid of workers drawn over the French one.

    Men to the left, women to the right, youngest band at the bottom. The
    workers' shares are filled bars with their intervals; the French shares
    are outlined steps on top. Both sides show **shares of each sex** (the
    bands of one sex add up to 100 %), the denominator of
    ``des.mean("age_band", by="sex")``.

    Input contract:

    - ``workers``: an Estimate whose index has ``level`` = age band and
      ``domain`` = sex (``des.mean("age_band", by="sex")``), or a tidy
      DataFrame with columns ``sex``, ``age_band``, ``share`` and optionally
      ``ci_low``, ``ci_high``. Drawn as given.
    - ``reference``: the INSEE table
      ``datasets.load_reference("insee_rp2018_sex_age")`` (columns
      ``age_band``, ``men``, ``women``: counts), or a mapping
      ``{"male": ..., "female": ...}`` of Series or
      :class:`~micropop.profile.Reference` (e.g.
      ``insee_population("age_band", ages=(18, 74), sex="men")``, which
      pro-rates a band cut by the age range). As a presentation step only, the
      reference is restricted to the workers' bands and each sex's counts are
      divided by that sex's total over those bands. With the raw INSEE table a
      band such as 15-19 counts all its years; pass ``insee_population``
      references when the survey covers part of a band.

    Sex levels may be ``male``/``female`` or ``men``/``women``.

    Parameters
    ----------
    workers : Estimate or DataFrame
    reference : DataFrame or mapping
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when omitted.
    lang : {"en", "fr"}, default "en"
        Language of the labels.

    Returns
    -------
    matplotlib.axes.Axes
        Bar widths are the workers' shares in percent, negative for men.

    Raises
    ------
    FigureInputError
        A missing column, sex or age band (named).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> est = des.mean("age_band", by="sex")
    >>> france = mp.datasets.load_reference("insee_rp2018_sex_age")
    >>> ax = pyramid(est, france, ax=Figure().subplots())
    >>> ax.get_yticklabels()[0].get_text()
    '15-19'
    >>> round(float(ax.patches[0].get_width()), 2)  # men aged 15-19 (18-19), in %
    -3.54
    """
    table = _pyramid_workers(workers)
    bands = list(dict.fromkeys(table["age_band"]))
    ref = _pyramid_reference(reference, bands)
    ax = _axes(ax)
    y = {band: k for k, band in enumerate(bands)}
    edges = [k - 0.5 for k in range(len(bands) + 1)]
    for sex, sign in (("male", -1), ("female", 1)):
        part = table[table["sex"] == sex]
        ys = [y[b] for b in part["age_band"]]
        share = 100 * part["share"].to_numpy(dtype=float)
        ax.barh(ys, sign * share, height=0.8, color=COLOURS["main"],
                alpha=1.0 if sex == "female" else 0.7,
                label=f"{_text(lang, 'workers')} ({_text(lang, sex)})")
        if "ci_low" in part.columns:
            ax.hlines(ys, sign * 100 * part["ci_low"].to_numpy(dtype=float),
                      sign * 100 * part["ci_high"].to_numpy(dtype=float), color="black",
                      linewidth=1.2)
        values = 100 * ref[sex].to_numpy()
        ax.stairs(sign * values, edges, orientation="horizontal", baseline=None,
                  color=COLOURS["reference"], linewidth=2,
                  label=_text(lang, "france") if sex == "female" else None)
    drawn = [c for c in ("share", "ci_high") if c in table.columns]
    widest = max(100 * table[drawn].to_numpy(dtype=float).max(),
                 *(100 * s.max() for s in ref.values()))
    limit = widest * 1.15
    ax.set_xlim(-limit, limit)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.text(0.02, 1.0, _text(lang, "male"), transform=ax.transAxes, ha="left", va="top",
            fontweight="bold")
    ax.text(0.98, 1.0, _text(lang, "female"), transform=ax.transAxes, ha="right", va="top",
            fontweight="bold")
    ax.set_yticks(list(range(len(bands))), bands)
    ax.set_ylim(-0.6, len(bands) + 0.6)
    ax.xaxis.set_major_formatter(lambda x, _: f"{abs(x):g}")
    ax.set_xlabel(_text(lang, "pyramid_x"))
    ax.set_ylabel(_text(lang, "pyramid_y"))
    ax.set_title(_text(lang, "pyramid_title"))
    ax.legend(loc="lower right", frameon=False, fontsize=8.5)
    _style(ax, grid="x")
    return ax


def _zero_share(shares: pd.DataFrame) -> pd.DataFrame:
    """The row of ``shares`` that is the share at 0: the only row, or the one ending in "= 0"."""
    if len(shares) == 1:
        return shares
    labels = [str(k[0] if isinstance(k, tuple) else k) for k in shares.index]
    rows = [k for k, label in enumerate(labels) if label.endswith("= 0")]
    if not rows:
        raise FigureInputError("zeros has no share at 0 (a row ending in '= 0')",
                               hint="pass mp.earnings.earnings_shares(des)")
    return shares.iloc[rows[:1]]


@_draws
def earnings_ecdf(estimate, zeros=None, ax: Axes | None = None, lang: str = "en") -> Axes:
    """ECDF of monthly earnings on a log axis, with the zeros shown apart.

    A log axis cannot show 0, so the share earning exactly nothing is drawn
    as its own bar, with its interval, left of a break in the axis (tick
    "0"). The positive part of the ECDF is the quantiles given: at each
    probability ``p``, a dot at the ``p``-quantile and a horizontal line for
    its interval, joined by steps. Quantiles equal to 0 are drawn at the "0"
    position (they say that at least ``p`` earn nothing).

    Parameters
    ----------
    estimate : Estimate
        Quantiles at a grid of probabilities,
        ``des.quantile("earnings_month", [0.05, ..., 0.95])`` (index level =
        the probability).
    zeros : Estimate, optional
        :func:`micropop.earnings.earnings_shares` (its row ending in
        ``"= 0"`` is the share at zero), or a one-row Estimate of that share.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when omitted.
    lang : {"en", "fr"}, default "en"
        Language of the labels.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    FigureInputError
        Not an Estimate of quantiles, no positive quantile, or ``zeros``
        without a share at 0.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> q = des.quantile("earnings_month", [0.05, 0.25, 0.5, 0.75, 0.95])
    >>> ax = earnings_ecdf(q, zeros=mp.earnings.earnings_shares(des), ax=Figure().subplots())
    >>> ax.get_xscale(), round(float(ax.patches[0].get_height()), 1)  # % earning nothing
    ('log', 12.0)
    >>> [float(x) for x in ax.lines[0].get_xdata()]  # the positive quantiles
    [2.05, 7.53, 24.47, 87.07]
    """
    hint = "pass des.quantile('earnings_month', [0.05, 0.1, ..., 0.95])"
    table = _one_curve(_interval_table(estimate, "the quantile estimate", hint),
                       "earnings_ecdf()")
    probs = pd.Series(_levels(table, "the quantile estimate", hint))
    value = table["estimate"].to_numpy(dtype=float)
    low = table["ci_low"].to_numpy(dtype=float)
    high = table["ci_high"].to_numpy(dtype=float)
    if (value < 0).any() or (low < 0).any():
        raise FigureInputError("the quantile estimate has negative amounts, which a log axis "
                               "with the zeros apart cannot show", hint=hint)
    positive = value > 0
    if not positive.any():
        raise FigureInputError("the quantile estimate has no positive quantile to draw on a "
                               "log axis", hint="ask for higher probabilities")
    zero_row = None
    if zeros is not None:
        zero_row = _interval_table(zeros, "zeros", "pass mp.earnings.earnings_shares(des)",
                                   rows=_zero_share).iloc[0]
    ax = _axes(ax)
    ax.set_xscale("log")
    smallest = min(v for v in (*value[positive], *low[positive & (low > 0)]))
    zero_x = smallest / 6
    cut = smallest / 2.2
    if zero_row is not None:
        ax.bar(zero_x, 100 * zero_row["estimate"], width=zero_x * 0.5, color=COLOURS["main"],
               alpha=0.6, label=_text(lang, "ecdf_zero"))
        ax.vlines(zero_x, 100 * zero_row["ci_low"], 100 * zero_row["ci_high"], color="black",
                  linewidth=1.5)
    ps = 100 * probs.to_numpy()
    xs = value[positive]
    ax.plot(xs, ps[positive], "o", color=COLOURS["main"], label=_text(lang, "ecdf_quantiles"),
            zorder=3)
    ax.step(xs, ps[positive], where="post", color=COLOURS["main"], linewidth=1, alpha=0.6)
    ax.hlines(ps[positive], [max(v, zero_x) for v in low[positive]], high[positive],
              color=COLOURS["main"], linewidth=2, label=_text(lang, "interval"))
    if (~positive).any():
        ax.plot([zero_x] * int((~positive).sum()), ps[~positive], "o", color=COLOURS["main"],
                zorder=3)
    ax.axvline(cut, color="grey", linewidth=0.8, linestyle=(0, (2, 2)))
    right = max(high[positive].max(), xs.max()) * 1.5
    ax.set_xlim(zero_x / 2, right)
    ax.set_ylim(0, 100)
    ticks = [t for t in (0.1, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
             if cut < t < right]
    ax.set_xticks([zero_x, *ticks], ["0", *[f"{t:g}" for t in ticks]])
    ax.minorticks_off()
    ax.set_xlabel(_text(lang, "ecdf_x"))
    ax.set_ylabel(_text(lang, "ecdf_y"))
    ax.set_title(_text(lang, "ecdf_title"))
    ax.legend(loc="lower right", frameon=False)
    _style(ax, grid="both")
    return ax


@_draws
def lorenz_curve(estimate, gini=None, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Lorenz curve with its pointwise intervals, and the Gini in the legend.

    The ordinates given are drawn as dots joined by a line from (0, 0) to
    (100, 100) (the curve's fixed ends), with a band for the pointwise
    intervals and the line of equality; in percent.

    Parameters
    ----------
    estimate : Estimate
        :func:`micropop.lorenz` (index level = the population share).
    gini : Estimate, optional
        :func:`micropop.gini`; its estimate and interval go in the legend.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when omitted.
    lang : {"en", "fr"}, default "en"
        Language of the labels.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    FigureInputError
        Not an Estimate of Lorenz ordinates, or a Gini with several rows.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> ax = lorenz_curve(mp.lorenz(des, "earnings_month"), mp.gini(des, "earnings_month"),
    ...                   ax=Figure().subplots())
    >>> ax.get_legend().get_texts()[0].get_text()
    'Lorenz curve, Gini = 0.679 [0.657, 0.701]'
    """
    hint = "pass mp.lorenz(design, variable, shares=[...])"
    table = _one_curve(_interval_table(estimate, "the Lorenz estimate", hint), "lorenz_curve()")
    shares = 100 * pd.Series(_levels(table, "the Lorenz estimate", hint)).to_numpy()
    label = _text(lang, "lorenz_curve")
    if gini is not None:
        g = _interval_table(gini, "the Gini estimate", "pass mp.gini(design, variable)")
        if len(g) != 1:
            raise FigureInputError(f"the Gini estimate has {len(g)} rows, one is drawn",
                                   hint="estimate the Gini without by=")
        row = g.iloc[0]
        label += (f", {_text(lang, 'gini')} = {row['estimate']:.3f} "
                  f"[{row['ci_low']:.3f}, {row['ci_high']:.3f}]")
    ax = _axes(ax)
    y = 100 * table["estimate"].to_numpy(dtype=float)
    ax.plot(shares, y, "o-", color=COLOURS["main"], label=label, zorder=3)
    ax.plot([0, shares[0]], [0, y[0]], "-", color=COLOURS["main"])
    ax.plot([shares[-1], 100], [y[-1], 100], "-", color=COLOURS["main"])
    ax.fill_between(shares, 100 * table["ci_low"].to_numpy(dtype=float),
                    100 * table["ci_high"].to_numpy(dtype=float), color=COLOURS["main"],
                    alpha=0.25, linewidth=0, label=_text(lang, "interval"))
    ax.plot([0, 100], [0, 100], "--", color=COLOURS["reference"], label=_text(lang, "equality"))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_aspect("equal")
    ax.set_xlabel(_text(lang, "lorenz_x"))
    ax.set_ylabel(_text(lang, "lorenz_y"))
    ax.set_title(_text(lang, "lorenz_title"))
    ax.legend(loc="upper left", frameon=False, fontsize=8.5)
    _style(ax, grid="both")
    return ax


@_draws
def hourly_vs_minimum_wage(estimate, minimum_wage: float, ax: Axes | None = None,
                           lang: str = "en") -> Axes:
    """Quantiles of hourly earnings with their intervals, against the SMIC line.

    One row per quantile (lowest at the bottom): a dot at the estimate, a line
    for its interval, and a vertical line at the hourly minimum wage.

    Parameters
    ----------
    estimate : Estimate
        :func:`micropop.earnings.hourly_quantile` (index level = the probability).
    minimum_wage : float
        Gross hourly SMIC, e.g. :func:`micropop.earnings.minimum_wage` ``(2019)``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when omitted.
    lang : {"en", "fr"}, default "en"
        Language of the labels.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    FigureInputError
        Not an Estimate of quantiles, or a minimum wage that is not a positive number.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> q = mp.earnings.hourly_quantile(des, [0.25, 0.5, 0.75])
    >>> ax = hourly_vs_minimum_wage(q, mp.earnings.minimum_wage(2019), ax=Figure().subplots())
    >>> [round(float(x), 2) for x in ax.lines[0].get_xdata()]
    [0.63, 1.16, 2.0]
    """
    hint = "pass mp.earnings.hourly_quantile(design, [0.1, 0.25, 0.5, 0.75, 0.9])"
    table = _one_curve(_interval_table(estimate, "the hourly quantile estimate", hint),
                       "hourly_vs_minimum_wage()")
    probs = _levels(table, "the hourly quantile estimate", hint)
    smic = check_number("minimum_wage", minimum_wage, low=0, low_open=True,
                        hint="pass mp.earnings.minimum_wage(2019)")
    ax = _axes(ax)
    positions = list(range(len(table)))
    ax.plot(table["estimate"].to_numpy(dtype=float), positions, "o", color=COLOURS["main"],
            zorder=3, label=_text(lang, "workers"))
    ax.hlines(positions, table["ci_low"].to_numpy(dtype=float),
              table["ci_high"].to_numpy(dtype=float), color=COLOURS["main"], linewidth=2,
              label=_text(lang, "interval"))
    ax.axvline(smic, color=COLOURS["reference"], linewidth=2,
               label=f"{_text(lang, 'smic')} ({smic:.2f} EUR)")
    ax.set_yticks(positions, [f"P{100 * p:g}" for p in probs])
    ax.set_ylim(-0.6, len(table) - 0.4)
    ax.set_xlim(min(0.0, float(table["ci_low"].min())),
                max(smic, float(table["ci_high"].max())) * 1.1)
    ax.set_xlabel(_text(lang, "hourly_x"))
    ax.set_ylabel(_text(lang, "hourly_y"))
    ax.set_title(_text(lang, "hourly_title"))
    ax.legend(loc="lower center", frameon=False)
    _style(ax, grid="x")
    return ax


@_draws
def weighting_diagnostics(summary, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Achieved margins against their targets, with the ratio to the design weights.

    One row per margin level (every step's margins, first at the top): a bar
    to the target, and a dot at the total reached under the final weights.
    When the summary has them, the range and mean of the ratio of the final
    weights to the design weights are written under the title.

    Parameters
    ----------
    summary : micropop.weighting.WeightSummary
        ``design.rake(...).weight_summary()`` (or any weighting step's).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when omitted.
    lang : {"en", "fr"}, default "en"
        Language of the labels.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    FigureInputError
        Not a WeightSummary, or a summary without margins (no weighting step).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_population_survey(), weights="weight",
    ...                       strata="region", psu=["commune_id", "household_id"],
    ...                       fpc=["fpc1", "fpc2"])
    >>> summary = des.rake(mp.weighting.demo_margins("population")).weight_summary()
    >>> ax = weighting_diagnostics(summary, ax=Figure().subplots())
    >>> ax.get_yticklabels()[0].get_text(), float(ax.patches[0].get_width())
    ('sex: female', 19840648.0)
    """
    from micropop.weighting.diagnostics import WeightSummary

    if not isinstance(summary, WeightSummary):
        raise FigureInputError(f"weighting_diagnostics() needs a WeightSummary, not "
                               f"{type(summary).__name__}",
                               hint="pass design.rake(...).weight_summary()")
    margins = summary.margins
    if margins.empty:
        raise FigureInputError("the weight summary has no margins: the design was not weighted",
                               hint="summarise a design made by rake, poststratify or calibrate")
    _drawable(margins, ["target", "achieved"], "the weight summary's margins",
              "summarise a design made by rake, poststratify or calibrate")
    ax = _axes(ax)
    positions = list(range(len(margins)))[::-1]
    ax.barh(positions, margins["target"].to_numpy(dtype=float), height=0.6,
            color=COLOURS["reference"], alpha=0.35, label=_text(lang, "target"))
    ax.plot(margins["achieved"].to_numpy(dtype=float), positions, "o", color=COLOURS["main"],
            label=_text(lang, "achieved"), zorder=3)
    several = margins.index.get_level_values("step").nunique() > 1
    labels = [f"{step}. {margin}: {level}" if several else f"{margin}: {level}"
              for step, margin, level in margins.index]
    ax.set_yticks(positions, labels)
    ax.set_ylim(-0.6, len(margins) - 0.4)
    stats = summary.statistics
    title = _text(lang, "weights_title")
    if all(k in stats.index for k in ("ratio_min", "ratio_max", "ratio_mean")):
        ratio = {}
        for k in ("ratio_min", "ratio_max", "ratio_mean"):
            value = stats[k].item() if isinstance(stats[k], np.generic) else stats[k]
            ratio[k] = check_number(f"the summary's {k}", value,
                                    hint="summarise a design made by rake, poststratify or "
                                         "calibrate from positive weights")
        title += (f"\n{_text(lang, 'ratio')}: min {ratio['ratio_min']:.3f}, "
                  f"max {ratio['ratio_max']:.3f}, {_text(lang, 'mean')} {ratio['ratio_mean']:.3f}")
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(_text(lang, "weights_x"))
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.xaxis.set_major_formatter(lambda x, _: f"{x:,.0f}")
    ax.legend(loc="lower right", frameon=False)
    _style(ax, grid="x")
    return ax
