"""The report's sections on earnings: what micro-work pays, inequality and poverty.

Each function computes with the library and returns a
:class:`~micropop.report.result.Section`; nothing is drawn or written here.

Examples
--------
>>> import micropop as mp
>>> workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
>>> earnings_section(workers).table("earnings_bins")["label"].tolist()[:3]
['0', '0–5', '5–10']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from micropop import earnings, plotting
from micropop.describe import binned
from micropop.design import SurveyDesign, require_design
from micropop.inequality import gini, lorenz, qsr
from micropop.report.missing import left_out, missing_rows, zero_hours_text
from micropop.report.plan import EarningsInputs
from micropop.report.result import (
    INTERVAL_COLUMNS,
    UNDEFINED,
    Block,
    Figure,
    Section,
    Table,
    TableView,
    Text,
)

if TYPE_CHECKING:
    from micropop.estimation.result import Estimate

__all__ = ["EARNINGS_EDGES", "EARNINGS_LABELS", "earnings_section", "living_standards_section"]

#: Left edges (EUR/month) of the earnings bins: exactly zero apart, then widening bins.
EARNINGS_EDGES = (0, 0.01, 5, 10, 20, 50, 100, 200)
#: Labels of the earnings bins, one per left edge.
EARNINGS_LABELS = ("0", "0–5", "5–10", "10–20", "20–50", "50–100", "100–200", "200+")

#: Probabilities of the earnings quantiles drawn as a distribution function.
_ECDF_PROBABILITIES = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
#: Probabilities of the hourly earnings drawn against the minimum wage.
_HOURLY_PROBABILITIES = (0.1, 0.25, 0.5, 0.75, 0.9)


def earnings_section(workers: SurveyDesign, earnings: str = "earnings_month",
                     na_rm: bool = False) -> Section:
    """Binned monthly earnings: table ``earnings_bins`` and figure ``earnings``.

    Parameters
    ----------
    workers : SurveyDesign
        The worker survey.
    earnings : str, default "earnings_month"
        Monthly micro-work earnings in euros.
    na_rm : bool, default False
        Leave out the rows where ``earnings`` is missing (said in the text).

    Returns
    -------
    Section
        Its text, the histogram and the table of the bins.

    Examples
    --------
    >>> import micropop as mp
    >>> workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> section = earnings_section(workers)
    >>> section.title, [f.name for f in section.figures]
    ('What micro-work pays', ['earnings'])
    >>> bins = section.table("earnings_bins")
    >>> bins["label"].iloc[-1], round(float(bins["weighted_share"].sum()), 6)
    ('200+', 1.0)
    """
    require_design(workers, "workers")
    said = left_out(workers.data, [earnings], "the earnings", "les gains") if na_rm else None
    kept = ~missing_rows(workers.data, [earnings]) if na_rm else slice(None)
    # the first bin is [0, 0.01): labelled "0" only if it holds nothing but zeros
    pay = pd.to_numeric(workers.data[earnings], errors="coerce")
    cents = int(((pay > 0) & (pay < EARNINGS_EDGES[1])).sum())
    labels = EARNINGS_LABELS if not cents else ("under 0.01", *EARNINGS_LABELS[1:])
    bins = binned(workers.data[earnings][kept], EARNINGS_EDGES, weights=workers.weights[kept],
                  labels=labels)
    first = ("is exactly zero" if not cents else
             "is under one cent ({cents} respondents earn more than 0 but less than 0.01, so it "
             "is not the share at 0)")
    return Section("What micro-work pays", (
        Text("Weighted share of workers by monthly micro-work earnings; the first bar "
             + first + ".", {"cents": cents}),
        *([said] if said is not None else []),
        Figure("earnings", plotting.earnings_histogram, (bins,)),
        TableView(bins[["label", "n", "share", "weighted_share"]].set_index("label"),
                  percent=("share", "weighted_share")),
    ), (Table("earnings_bins", bins, index=False),))


def living_standards_section(workers: SurveyDesign,
                             inputs: EarningsInputs = EarningsInputs()) -> Section:  # noqa: B008
    """Earnings thresholds, inequality and poverty, each with its interval.

    Table ``living_standards``; figures ``earnings_ecdf``, ``lorenz`` and
    (with hours) ``hourly_vs_smic``.

    Parameters
    ----------
    workers : SurveyDesign
        The worker survey.
    inputs : EarningsInputs
        Its earnings columns; the comparison with the SMIC needs ``hours`` and
        the poverty rate ``household_income`` (the DiPLab report used the
        2016 poverty line).

    Returns
    -------
    Section

    Examples
    --------
    >>> import micropop as mp
    >>> workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> [f.name for f in living_standards_section(workers).figures]
    ['earnings_ecdf', 'lorenz', 'hourly_vs_smic']
    """
    require_design(workers, "workers")
    variable, na_rm = inputs.variable, inputs.na_rm
    below = earnings.earnings_shares(workers, variable, na_rm=na_rm)
    parts = {"monthly earnings below a threshold": below}
    if inputs.hours is not None:
        parts[f"below the hourly minimum wage ({inputs.minimum_wage_year})"] = (
            earnings.below_minimum_wage(workers, year=inputs.minimum_wage_year,
                                        earnings=variable, hours=inputs.hours,
                                        zero_hours=inputs.zero_hours, na_rm=na_rm))
    if inputs.household_income is not None:
        parts[f"below the {inputs.poverty_line_year} poverty line"] = earnings.below_poverty_line(
            workers, year=inputs.poverty_line_year, income=inputs.household_income,
            household_size=inputs.household_size, children_under14=inputs.children_under14,
            na_rm=na_rm)
    parts["Gini of monthly earnings"] = gini(workers, variable, na_rm=na_rm)
    parts["S80/S20 of monthly earnings"] = qsr(workers, variable, na_rm=na_rm)
    table = pd.concat({name: est.to_frame() for name, est in parts.items()},
                      names=["indicator"])[list(INTERVAL_COLUMNS)]
    blocks: list[Block] = [Text(
        "Design-based estimates with 95 % intervals (proportions: logit intervals as R's "
        "<code>svyciprop</code>; Gini and S80/S20: linearised, as R's <code>convey</code>).")]
    blocks += _left_out(workers, inputs)
    at_zero = below.to_frame().loc[f"{variable} = 0"]
    zeros: Estimate | None = below
    if at_zero[["ci_low", "ci_high"]].isna().any():  # a share of exactly 0: no logit interval
        zeros = None
        blocks.append(Text(
            "No worker reports zero earnings: the share at 0 is {share:.1f} % and has no logit "
            "interval (shown as {undefined}); the figure has no bar at 0.",
            {"share": 100 * at_zero["estimate"], "undefined": UNDEFINED}))
    blocks += [
        Figure("earnings_ecdf", plotting.earnings_ecdf,
               (workers.quantile(variable, list(_ECDF_PROBABILITIES), na_rm=na_rm),),
               {"zeros": zeros}),
        Figure("lorenz", plotting.lorenz_curve,
               (lorenz(workers, variable, shares=[i / 20 for i in range(1, 20)], na_rm=na_rm),
                parts["Gini of monthly earnings"]), size=(6, 6)),
    ]
    if inputs.hours is not None:
        blocks.append(Figure("hourly_vs_smic", plotting.hourly_vs_minimum_wage, (
            earnings.hourly_quantile(workers, list(_HOURLY_PROBABILITIES), earnings=variable,
                                     hours=inputs.hours, zero_hours=inputs.zero_hours,
                                     na_rm=na_rm),
            earnings.minimum_wage(inputs.minimum_wage_year))))
    blocks.append(TableView(table, digits=3))
    return Section("Earnings and living standards", tuple(blocks),
                   (Table("living_standards", table),))


def _left_out(workers: SurveyDesign, inputs: EarningsInputs) -> list[Block]:
    """What ``na_rm`` and ``zero_hours="exclude"`` left out of each estimate, said."""
    data = workers.data
    said: list[Text | None] = []
    if inputs.na_rm:
        said.append(left_out(data, [inputs.variable], "the monthly earnings",
                             "les gains mensuels"))
        if inputs.hours is not None:
            said.append(left_out(data, [inputs.variable, inputs.hours], "the hourly earnings",
                                 "les gains horaires"))
        if inputs.household_income is not None:
            said.append(left_out(data, [inputs.household_income, inputs.household_size,
                                        inputs.children_under14],
                                 "the poverty rate", "le taux de pauvreté"))
    if inputs.hours is not None and inputs.zero_hours == "exclude":
        said.append(zero_hours_text(data, inputs.variable, inputs.hours))
    return [text for text in said if text is not None]
