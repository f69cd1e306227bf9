"""Figures of a weighting step: achieved margins against their targets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from micropop.errors import FigureInputError, check_number, check_option
from micropop.plotting._inputs import drawable
from micropop.plotting._style import COLOURS, draws, house_style, new_axes, number, translate

if TYPE_CHECKING:
    from micropop.weighting.diagnostics import WeightSummary

__all__ = ["weighting_diagnostics"]


@draws
def weighting_diagnostics(summary: WeightSummary, ax: Axes | None = None, lang: str = "en",
                          scale: str = "count",
                          labels: Mapping[str, Mapping[Any, str]] | None = None) -> Axes:
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
    scale : {"count", "relative"}, default "count"
        ``"count"``: bars to the targets and dots at the totals reached, on
        the population's scale. ``"relative"``: a dot per level at its
        relative deviation from the target, ``100 * (achieved / target - 1)``
        in %, around a line at 0 (the axis spans at least ±1 %, so that an
        exact calibration shows as dots on the line rather than as noise).
    labels : mapping, optional
        Margin variable -> {level: label shown}, e.g. a codebook's value
        labels in ``lang`` (a level without one is shown as it is).

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
    >>> ax = weighting_diagnostics(summary, ax=Figure().subplots(), scale="relative")
    >>> bool(abs(ax.lines[-1].get_xdata()).max() < 1e-6), bool(ax.get_xlim()[1] >= 1)
    (True, True)
    """
    check_option("scale", scale, ("count", "relative"))
    from micropop.weighting.diagnostics import WeightSummary

    if not isinstance(summary, WeightSummary):
        raise FigureInputError(f"weighting_diagnostics() needs a WeightSummary, not "
                               f"{type(summary).__name__}",
                               hint="pass design.rake(...).weight_summary()")
    margins = summary.margins
    if margins.empty:
        raise FigureInputError("the weight summary has no margins: the design was not weighted",
                               hint="summarise a design made by rake, poststratify or calibrate")
    drawable(margins, ["target", "achieved"], "the weight summary's margins",
             "summarise a design made by rake, poststratify or calibrate")
    ax = new_axes(ax)
    positions = list(range(len(margins)))[::-1]
    target = margins["target"].to_numpy(dtype=float)
    achieved = margins["achieved"].to_numpy(dtype=float)
    if scale == "relative":
        with np.errstate(divide="ignore", invalid="ignore"):
            deviation = 100 * (achieved / target - 1)
        ax.axvline(0, color=COLOURS["reference"], linewidth=1.5, label=translate(lang, "exact"))
        ax.plot(deviation, positions, "o", color=COLOURS["main"],
                label=translate(lang, "achieved"), zorder=3)
        finite = deviation[np.isfinite(deviation)]
        reach = max(1.0, 1.1 * float(np.abs(finite).max())) if finite.size else 1.0
        ax.set_xlim(-reach, reach)
    else:
        ax.barh(positions, target, height=0.6, color=COLOURS["reference"], alpha=0.35,
                label=translate(lang, "target"))
        ax.plot(achieved, positions, "o", color=COLOURS["main"],
                label=translate(lang, "achieved"), zorder=3)
    several = margins.index.get_level_values("step").nunique() > 1
    names = labels or {}
    ticks = [(step, margin, names.get(margin, {}).get(level, level))
             for step, margin, level in margins.index]
    ax.set_yticks(positions, [f"{step}. {margin}: {level}" if several else f"{margin}: {level}"
                              for step, margin, level in ticks])
    ax.set_ylim(-0.6, len(margins) - 0.4)
    stats = summary.statistics
    title = translate(lang, "weights_title")
    if all(k in stats.index for k in ("ratio_min", "ratio_max", "ratio_mean")):
        ratio = {}
        for k in ("ratio_min", "ratio_max", "ratio_mean"):
            value = stats[k].item() if isinstance(stats[k], np.generic) else stats[k]
            ratio[k] = check_number(f"the summary's {k}", value,
                                    hint="summarise a design made by rake, poststratify or "
                                         "calibrate from positive weights")
        title += (f"\n{translate(lang, 'ratio')}: min {number(ratio['ratio_min'], '.3f', lang)}, "
                  f"max {number(ratio['ratio_max'], '.3f', lang)}, "
                  f"{translate(lang, 'mean')} {number(ratio['ratio_mean'], '.3f', lang)}")
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(translate(lang, "relative_x" if scale == "relative" else "weights_x"))
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.xaxis.set_major_formatter(lambda x, _: number(x, ",.0f" if scale == "count" else ".1f",
                                                     lang))
    ax.legend(loc="lower right", frameon=False)
    house_style(ax, grid="x")
    return ax
