"""Figures of earnings: binned shares, the distribution function, Lorenz curve, hourly pay."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.axes import Axes

from micropop.errors import FigureInputError, check_number
from micropop.plotting._inputs import drawable, interval_table, level_values, one_curve
from micropop.plotting._style import COLOURS, draws, house_style, new_axes, number, translate

if TYPE_CHECKING:
    from micropop.estimation.result import Estimate

__all__ = ["earnings_histogram", "earnings_ecdf", "lorenz_curve", "hourly_vs_minimum_wage"]


@draws
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
    drawable(table.set_index("label"), [column], "the binned earnings", hint)
    ax = new_axes(ax)
    positions = range(len(table))
    ax.bar(positions, 100 * table[column].to_numpy(), color=COLOURS["main"], width=0.8)
    ax.set_xticks(list(positions), table["label"].tolist(), rotation=30, ha="right")
    ax.set_xlabel(translate(lang, "earnings_x"))
    ax.set_ylabel(translate(lang, "share_y"))
    ax.set_title(translate(lang, "earnings_title"))
    house_style(ax)
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


@draws
def earnings_ecdf(estimate: Estimate | pd.DataFrame, zeros: Estimate | pd.DataFrame | None = None,
                  ax: Axes | None = None, lang: str = "en") -> Axes:
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
    table = one_curve(interval_table(estimate, "the quantile estimate", hint),
                      "earnings_ecdf()")
    probs = pd.Series(level_values(table, "the quantile estimate", hint))
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
        zero_row = interval_table(zeros, "zeros", "pass mp.earnings.earnings_shares(des)",
                                  rows=_zero_share).iloc[0]
    ax = new_axes(ax)
    ax.set_xscale("log")
    smallest = min(v for v in (*value[positive], *low[positive & (low > 0)]))
    zero_x = smallest / 6
    cut = smallest / 2.2
    if zero_row is not None:
        ax.bar(zero_x, 100 * zero_row["estimate"], width=zero_x * 0.5, color=COLOURS["main"],
               alpha=0.6, label=translate(lang, "ecdf_zero"))
        ax.vlines(zero_x, 100 * zero_row["ci_low"], 100 * zero_row["ci_high"], color="black",
                  linewidth=1.5)
    ps = 100 * probs.to_numpy()
    xs = value[positive]
    ax.plot(xs, ps[positive], "o", color=COLOURS["main"],
            label=translate(lang, "ecdf_quantiles"), zorder=3)
    ax.step(xs, ps[positive], where="post", color=COLOURS["main"], linewidth=1, alpha=0.6)
    ax.hlines(ps[positive], [max(v, zero_x) for v in low[positive]], high[positive],
              color=COLOURS["main"], linewidth=2, label=translate(lang, "interval"))
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
    ax.set_xlabel(translate(lang, "ecdf_x"))
    ax.set_ylabel(translate(lang, "ecdf_y"))
    ax.set_title(translate(lang, "ecdf_title"))
    ax.legend(loc="lower right", frameon=False)
    house_style(ax, grid="both")
    return ax


@draws
def lorenz_curve(estimate: Estimate | pd.DataFrame, gini: Estimate | pd.DataFrame | None = None,
                 ax: Axes | None = None, lang: str = "en") -> Axes:
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
    table = one_curve(interval_table(estimate, "the Lorenz estimate", hint), "lorenz_curve()")
    shares = 100 * pd.Series(level_values(table, "the Lorenz estimate", hint)).to_numpy()
    label = translate(lang, "lorenz_curve")
    if gini is not None:
        g = interval_table(gini, "the Gini estimate", "pass mp.gini(design, variable)")
        if len(g) != 1:
            raise FigureInputError(f"the Gini estimate has {len(g)} rows, one is drawn",
                                   hint="estimate the Gini without by=")
        row = g.iloc[0]
        label += (f", {translate(lang, 'gini')} = {number(row['estimate'], '.3f', lang)} "
                  f"[{number(row['ci_low'], '.3f', lang)}, "
                  f"{number(row['ci_high'], '.3f', lang)}]")
    ax = new_axes(ax)
    y = 100 * table["estimate"].to_numpy(dtype=float)
    ax.plot(shares, y, "o-", color=COLOURS["main"], label=label, zorder=3)
    ax.plot([0, shares[0]], [0, y[0]], "-", color=COLOURS["main"])
    ax.plot([shares[-1], 100], [y[-1], 100], "-", color=COLOURS["main"])
    ax.fill_between(shares, 100 * table["ci_low"].to_numpy(dtype=float),
                    100 * table["ci_high"].to_numpy(dtype=float), color=COLOURS["main"],
                    alpha=0.25, linewidth=0, label=translate(lang, "interval"))
    ax.plot([0, 100], [0, 100], "--", color=COLOURS["reference"], label=translate(lang, "equality"))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_aspect("equal")
    ax.set_xlabel(translate(lang, "lorenz_x"))
    ax.set_ylabel(translate(lang, "lorenz_y"))
    ax.set_title(translate(lang, "lorenz_title"))
    ax.legend(loc="upper left", frameon=False, fontsize=8.5)
    house_style(ax, grid="both")
    return ax


@draws
def hourly_vs_minimum_wage(estimate: Estimate | pd.DataFrame, minimum_wage: float,
                           ax: Axes | None = None, lang: str = "en") -> Axes:
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
    table = one_curve(interval_table(estimate, "the hourly quantile estimate", hint),
                      "hourly_vs_minimum_wage()")
    probs = level_values(table, "the hourly quantile estimate", hint)
    smic = check_number("minimum_wage", minimum_wage, low=0, low_open=True,
                        hint="pass mp.earnings.minimum_wage(2019)")
    ax = new_axes(ax)
    positions = list(range(len(table)))
    ax.plot(table["estimate"].to_numpy(dtype=float), positions, "o", color=COLOURS["main"],
            zorder=3, label=translate(lang, "workers"))
    ax.hlines(positions, table["ci_low"].to_numpy(dtype=float),
              table["ci_high"].to_numpy(dtype=float), color=COLOURS["main"], linewidth=2,
              label=translate(lang, "interval"))
    ax.axvline(smic, color=COLOURS["reference"], linewidth=2,
               label=f"{translate(lang, 'smic')} ({number(smic, '.2f', lang)} "
                     f"{'€' if lang == 'fr' else 'EUR'})")
    ax.set_yticks(positions, [f"P{100 * p:g}" for p in probs])
    ax.set_ylim(-0.6, len(table) - 0.4)
    ax.set_xlim(min(0.0, float(table["ci_low"].min())),
                max(smic, float(table["ci_high"].max())) * 1.1)
    ax.set_xlabel(translate(lang, "hourly_x"))
    ax.set_ylabel(translate(lang, "hourly_y"))
    ax.set_title(translate(lang, "hourly_title"))
    ax.legend(loc="lower center", frameon=False)
    house_style(ax, grid="x")
    return ax
