"""Figures of regression models: the forest plot of the coefficients (odds or rate ratios)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import LogLocator

from micropop.errors import FigureInputError, check_number
from micropop.plotting._inputs import drawable
from micropop.plotting._style import COLOURS, draws, house_style, new_axes, number, translate

if TYPE_CHECKING:
    from micropop.models import GLMResult, OLRResult

__all__ = ["coef_forest"]

#: The label key of the x axis by the model's link, when the coefficients are exponentiated.
_RATIO_BY_LINK = {"logit": "odds_ratio", "log": "rate_ratio"}


@draws
def coef_forest(result: GLMResult | OLRResult, exp: bool = True, ax: Axes | None = None,
                lang: str = "en", labels: Mapping[str, str] | None = None, level: float = 0.95,
                intercept: bool = False) -> Axes:
    """Forest plot of a model's coefficients: one point and interval per term.

    Draws the ``estimate``, ``ci_low`` and ``ci_high`` of
    ``result.to_frame(exp=exp, level=level)``, first coefficient at the top,
    with a vertical line at no effect (1 for ratios, 0 otherwise). With
    ``exp=True`` the x axis is logarithmic and labelled "Odds ratio" under a
    logit link, "Rate ratio" under a log link, "exp(coefficient)" under any
    other link. An ordinal model (:class:`~micropop.models.OLRResult`) is
    drawn as its coefficients, cumulative odds ratios under the logistic
    link; its thresholds play the intercept's part.

    Parameters
    ----------
    result : micropop.models.GLMResult or micropop.models.OLRResult
        A fitted model, e.g. ``des.glm("y ~ x", family="quasibinomial")`` or
        ``des.olr("frequency ~ sex")``.
    exp : bool, default True
        Draw the exponentiated coefficients (odds or rate ratios).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when omitted.
    lang : {"en", "fr"}, default "en"
        Language of the labels.
    labels : mapping of str to str, optional
        Term (as the model names it, e.g. ``"sexmale"``) -> the label shown.
    level : float, default 0.95
        Confidence level of the intervals.
    intercept : bool, default False
        Also draw the intercept (an ordinal model's thresholds).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    FigureInputError
        ``result`` is not a GLMResult, it has no coefficient to draw, or an
        estimate or limit is not a finite number (naming the terms).

    Examples
    --------
    >>> import pandas as pd
    >>> from matplotlib.figure import Figure
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"y": [0.0, 1, 0, 1, 1, 1, 0, 1], "x": [0.0, 1, 2, 1, 3, 2, 1, 0],
    ...                    "w": 1.0})
    >>> fit = SurveyDesign(df, weights="w").glm("y ~ x", family="quasibinomial")
    >>> ax = coef_forest(fit, ax=Figure().subplots())
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.get_xlabel(), ax.get_xscale()
    (['x'], 'Odds ratio', 'log')
    >>> coef_forest(fit, ax=Figure().subplots(), lang="fr", labels={"x": "âge"}).get_xlabel()
    'Rapport de cotes'
    >>> from micropop import datasets
    >>> workers = SurveyDesign(datasets.load_worker_survey(), weights="weight")
    >>> ax = coef_forest(workers.olr("frequency ~ sex + hours_week"), ax=Figure().subplots())
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.get_xlabel()
    (['sexmale', 'hours_week'], 'Odds ratio')
    """
    from micropop.models import GLMResult, OLRResult

    if not isinstance(result, (GLMResult, OLRResult)):
        raise FigureInputError(f"coef_forest() needs a micropop.models.GLMResult or "
                               f"OLRResult, not {type(result).__name__}",
                               hint="pass a fitted model, e.g. des.glm('y ~ x', family=...)")
    level = check_number("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    table = result.to_frame(exp=bool(exp), level=level)
    if not intercept:  # an ordinal model's thresholds play the intercept's part
        table = table.iloc[:result.n_coef] if isinstance(result, OLRResult) else \
            table.drop(index="(Intercept)", errors="ignore")
    if table.empty:
        raise FigureInputError("the model has no coefficient to draw but its intercept",
                               hint="pass intercept=True, or fit a model with terms")
    hint = "refit the model (a coefficient or its standard error is not finite)"
    drawable(table, ["estimate", "ci_low", "ci_high"], "the model's coefficients", hint)
    if exp:
        key = _RATIO_BY_LINK.get(result.link, "exp_coefficient")
        if (table[["estimate", "ci_low", "ci_high"]] <= 0).to_numpy().any():
            raise FigureInputError("the model's ratios are not positive", hint=hint)
    else:
        key = "coefficient"
    ax = new_axes(ax)
    estimate = table["estimate"].to_numpy(dtype=float)
    low = table["ci_low"].to_numpy(dtype=float)
    high = table["ci_high"].to_numpy(dtype=float)
    positions = list(range(len(table)))[::-1]
    ax.hlines(positions, low, high, color=COLOURS["main"], linewidth=2)
    ax.plot(estimate, positions, "o", color=COLOURS["main"])
    reference = 1.0 if exp else 0.0
    ax.axvline(reference, color=COLOURS["reference"], linestyle="--", linewidth=1)
    shown = dict(labels or {})
    ax.set_yticks(positions, [str(shown.get(term, term)) for term in table.index])
    ax.set_ylim(-0.6, len(table) - 0.4)
    if exp:
        ax.set_xscale("log")
        span = np.log([min(*low, reference), max(*high, reference)])
        margin = 0.05 * max(span[1] - span[0], 0.1)
        ax.set_xlim(float(np.exp(span[0] - margin)), float(np.exp(span[1] + margin)))
        # ratios are read at 0.5, 1, 2 (not only at the powers of ten)
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0), numticks=12))
        ax.xaxis.set_major_formatter(lambda x, _: number(x, ".3g", lang))
        ax.xaxis.set_minor_formatter(lambda x, _: "")
    else:
        ax.xaxis.set_major_formatter(lambda x, _: number(x, ".3g", lang))
    ax.set_xlabel(translate(lang, key))
    ax.set_title(translate(lang, "coef_title").format(level=number(100 * level, ".3g", lang)))
    house_style(ax, grid="x")
    return ax
