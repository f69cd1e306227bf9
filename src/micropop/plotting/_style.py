"""The house style of every figure: colours, the English and French labels, plain text.

Every figure function is decorated with :func:`draws`, which makes all the text
it draws plain: a ``$`` or ``_`` in a label from the data is drawn as written
(mathtext and TeX are off) and a very long label is fitted (:func:`fit`).

Examples
--------
>>> translate("fr", "share_y")
'Part des travailleurs (%)'
"""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Callable
from typing import Literal, ParamSpec

import matplotlib
from matplotlib.axes import Axes
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter, FuncFormatter

from micropop.errors import FigureInputError

__all__ = ["COLOURS", "TEXT", "LABEL_WIDTH", "TICK_WIDTH", "LABEL_LINES", "translate",
           "new_axes", "house_style", "fit", "plain", "draws", "legend_label"]

_P = ParamSpec("_P")

#: One colour for the data, one for references, used by every figure.
COLOURS = {"main": "#1f5a91", "reference": "#c2571a", "grid": "#d9d9d9"}

TEXT = {
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
        "relative_x": "Achieved against target: relative deviation (%)",
        "exact": "exactly on target",
        "weights_title": "Achieved margins against targets",
        "target": "target",
        "achieved": "achieved",
        "ratio": "weights / design weights",
        "mean": "mean",
        "odds_ratio": "Odds ratio",
        "rate_ratio": "Rate ratio",
        "exp_coefficient": "exp(coefficient)",
        "coefficient": "Coefficient",
        "coef_title": "Model coefficients with their {level}% intervals",
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
        "relative_x": "Marge atteinte face à la cible : écart relatif (%)",
        "exact": "cible atteinte exactement",
        "weights_title": "Marges atteintes face aux cibles",
        "target": "cible",
        "achieved": "atteinte",
        "ratio": "poids / poids de sondage",
        "mean": "moyenne",
        "odds_ratio": "Rapport de cotes",
        "rate_ratio": "Rapport de taux",
        "exp_coefficient": "exp(coefficient)",
        "coefficient": "Coefficient",
        "coef_title": "Coefficients du modèle et leurs intervalles à {level} %",
    },
}


#: A number formatted the English way (``1,234.5``), written the French way (``1 234,5``,
#: with a narrow no-break space between thousands).
_FRENCH_NUMBER = str.maketrans({",": "\u202f", ".": ","})


def localise(text: str, lang: str) -> str:
    r"""A number formatted the English way (``1,234.5``), written in ``lang``.

    Parameters
    ----------
    text : str
        The number as Python formats it.
    lang : {"en", "fr"}

    Returns
    -------
    str

    Examples
    --------
    >>> localise("1,234.5", "fr"), localise("1,234.5", "en")
    ('1\u202f234,5', '1,234.5')
    """
    return text.translate(_FRENCH_NUMBER) if lang == "fr" else text


def number(value: float, spec: str, lang: str) -> str:
    """``format(value, spec)`` written in ``lang`` (see :func:`localise`).

    Examples
    --------
    >>> number(0.6791, ".3f", "fr")
    '0,679'
    """
    return localise(format(value, spec), lang)


def translate(lang: str, key: str) -> str:
    try:
        return TEXT[lang][key]
    except KeyError:
        raise FigureInputError(f"unknown figure language {lang!r}",
                               hint=f"use one of {sorted(TEXT)}") from None


def new_axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(7, 4))[1]


def house_style(ax: Axes, grid: Literal["both", "x", "y"] = "y") -> None:
    """The house style: no top or right spine, light grid lines behind the data."""
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis=grid, color=COLOURS["grid"], linewidth=0.8)
    ax.set_axisbelow(True)


#: Longest line of a text drawn from the data (of a tick label), and how many lines it may take.
LABEL_WIDTH, TICK_WIDTH, LABEL_LINES = 80, 40, 3

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def fit(text: object, width: int = LABEL_WIDTH) -> str:
    """A label as a figure can show it: as written, if it is short and printable.

    Control characters (which SVG cannot hold) are shown as U+FFFD, a line
    longer than ``width`` characters is wrapped, and a label longer than
    :data:`LABEL_LINES` lines ends in an ellipsis, so that a very long level
    does not make a figure thousands of pixels wide.

    Examples
    --------
    >>> fit("$5-10 $ per_hour")
    '$5-10 $ per_hour'
    >>> fit("x" * 300).endswith("…"), max(map(len, fit("x" * 300).split("\\n")))
    (True, 80)
    """
    lines = []
    for line in _CONTROL.sub("\ufffd", str(text).replace("\t", " ")).split("\n"):
        lines += textwrap.wrap(line, width) if len(line) > width else [line]
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1][:width - 1] + "…"
    return "\n".join(lines)


def plain(ax: Axes) -> None:
    """Make every text of ``ax`` plain text: no mathtext, no TeX, and fitted by :func:`fit`.

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
                lambda x, pos, inner=formatter: fit(inner(x, pos), TICK_WIDTH)))
    for text in ax.findobj(Text):  # titles, axis and tick labels, legends, annotations
        text.set_text(fit(text.get_text()))
        text.set_parse_math(False)
        text.set_usetex(False)


def draws(draw: Callable[_P, Axes]) -> Callable[_P, Axes]:
    """Decorate every figure function: all the text it draws is plain (see :func:`plain`)."""

    @functools.wraps(draw)
    def drawn(*args: _P.args, **kwargs: _P.kwargs) -> Axes:
        with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
            ax = draw(*args, **kwargs)
            plain(ax)
        return ax

    return drawn


def legend_label(text: object) -> str:
    """A legend label from the user, shown even if it starts with "_" (which matplotlib hides)."""
    text = str(text)
    return "\u200b" + text if text.startswith("_") else text
