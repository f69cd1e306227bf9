"""The DiPLab worked example: France's three circles of micro-workers.

Le Ludec, Tubaro & Casilli (2019, arXiv:1901.03889) counted 266,126
people registered on micro-work platforms in France, 52,337 active at least
monthly and 14,903 weekly, dividing platform sums by a multi-homing factor
of 1.27. What is **published**: the three circles and the divisor 1.27 (kept, with
their source and year, in :mod:`micropop.reference.diplab`).
What is **derived** here: the platform sums they imply (circle x 1.27, e.g.
about 338,000 accounts); the per-platform inputs were never published.
:func:`diplab_example` runs the derived sums back through the estimator
(the arithmetic reproduces the published circles), then runs the
illustrative demo platform table with the demo worker survey, which gives
circles near the published values with intervals.

Examples
--------
>>> import micropop as mp
>>> table = mp.size.diplab_example()
>>> table[["published", "derived_sum", "reproduced"]].round(2)  # doctest: +NORMALIZE_WHITESPACE
             published  derived_sum  reproduced
circle
registered      266126    337980.02    266126.0
regular          52337     66467.99     52337.0
very_active      14903     18926.81     14903.0
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from micropop import datasets
from micropop.design import SurveyDesign
from micropop.reference.diplab import KASSI_DIVISOR, PUBLISHED_CIRCLES, PUBLISHED_DIVISOR
from micropop.size.circles import DIPLAB_FIGURES, platform_circles
from micropop.size.multiplicity import multiplicity_correction, platform_total

__all__ = ["PUBLISHED_CIRCLES", "PUBLISHED_DIVISOR", "KASSI_DIVISOR", "diplab_example"]


def diplab_example(level: float = 0.95, **options: Any) -> pd.DataFrame:
    """The published circles, the arithmetic behind them, and the demo data's circles.

    Parameters
    ----------
    level : float, default 0.95
        Coverage of the demo intervals.
    **options
        Passed to :func:`platform_circles` for the demo run, e.g.
        ``method="bootstrap", replicates=2000, seed=1``.

    Returns
    -------
    DataFrame
        One row per circle (index ``circle``): ``published`` (the circle,
        published), ``divisor`` (1.27, published), ``derived_sum`` (circle x
        divisor: the platform sum the circle implies, derived, not
        published), ``reproduced`` (derived sum through
        :func:`multiplicity_correction` with the divisor: equals the
        published circle), ``figure`` (the demo platform column),
        ``demo_sum`` (its sum in the illustrative demo table), and the demo
        circle from :func:`platform_circles` with the demo worker survey:
        ``demo_estimate``, ``demo_se``, ``demo_ci_low``, ``demo_ci_high``,
        ``demo_multiplicity``.

    Examples
    --------
    >>> import micropop as mp
    >>> t = mp.size.diplab_example()
    >>> demo = t[["demo_estimate", "demo_ci_low", "demo_ci_high"]].round(-2)
    >>> demo  # doctest: +NORMALIZE_WHITESPACE
                 demo_estimate  demo_ci_low  demo_ci_high
    circle
    registered        266100.0     257700.0      274500.0
    regular            52300.0      50700.0       54000.0
    very_active        14900.0      14400.0       15400.0
    """
    table = pd.DataFrame({"published": pd.Series(PUBLISHED_CIRCLES),
                          "divisor": PUBLISHED_DIVISOR})
    table["derived_sum"] = table["published"] * PUBLISHED_DIVISOR
    table["reproduced"] = [multiplicity_correction(s, multiplicity=PUBLISHED_DIVISOR).estimate
                           for s in table["derived_sum"]]
    platforms = datasets.load_platforms()
    survey = SurveyDesign(datasets.load_worker_survey(), weights="weight")
    demo = platform_circles(platforms, survey, level=level, **options)
    table["figure"] = pd.Series(DIPLAB_FIGURES)
    table["demo_sum"] = [platform_total(platforms, column)[0] for column in table["figure"]]
    frame = demo.to_frame()
    for column in ("estimate", "se", "ci_low", "ci_high"):
        table[f"demo_{column}"] = frame[column]
    table["demo_multiplicity"] = [demo[name].extra["multiplicity"] for name in table.index]
    table.index.name = "circle"
    return table
