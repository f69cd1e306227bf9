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

import re
from typing import TYPE_CHECKING

import pandas as pd

from micropop import earnings, plotting
from micropop.describe import binned
from micropop.design import SurveyDesign, require_design
from micropop.inequality import gini, lorenz, qsr
from micropop.report.i18n import Tr
from micropop.report.missing import left_out, missing_rows, zero_hours_text
from micropop.report.numbers import localise
from micropop.report.plan import EarningsInputs
from micropop.report.result import (
    INTERVAL_COLUMNS,
    UNDEFINED,
    Block,
    Figure,
    Heading,
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


#: The library's labels of the thresholds, their French, and which field is an amount (EUR).
_THRESHOLDS = (
    (re.compile(r"hourly earnings < SMIC (\d+) \(([\d.]+)\)"),
     "revenu horaire < SMIC {0} ({1} €)", 1),
    (re.compile(r"standard of living < ([\d.]+) \(INSEE (\d+)\)"),
     "niveau de vie < {0} € (Insee {1})", 0),
)


def _threshold(label: object) -> object:
    """A threshold's label in both languages, when the library's wording is known.

    >>> _threshold("hourly earnings < SMIC 2019 (10.03)").fr
    'revenu horaire < SMIC 2019 (10,03 €)'
    >>> _threshold("standard of living < 1026 (INSEE 2016)").fr
    'niveau de vie < 1\u202f026 € (Insee 2016)'
    """
    for pattern, french, amount in _THRESHOLDS:
        found = pattern.fullmatch(str(label))
        if found:
            fields = list(found.groups())
            value = float(fields[amount])
            fields[amount] = localise(f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}",
                                      "fr")
            return Tr(str(label), french.format(*fields))
    return label


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
    >>> str(section.title), [f.name for f in section.figures]
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
    first = (Tr("is exactly zero", "correspond à zéro exactement") if not cents else
             Tr("is under one cent ({cents} respondents earn more than 0 but less than 0.01, so "
                "it is not the share at 0)",
                "est sous un centime ({cents} répondants gagnent plus de 0 mais moins de 0,01 : "
                "ce n'est donc pas la part à 0)"))
    return Section(Tr("What micro-work pays", "Ce que rapporte le micro-travail"), (
        Text(Tr("Weighted share of workers by monthly micro-work earnings; the first bar "
                + first.en + ".",
                "Part pondérée des travailleurs selon leurs revenus mensuels du micro-travail "
                "(en euros) ; la première barre " + first.fr + "."), {"cents": cents}),
        *([said] if said is not None else []),
        Heading(Tr("Monthly earnings", "Revenus mensuels")),
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
    wage, line = inputs.minimum_wage_year, inputs.poverty_line_year
    parts = {"monthly earnings below a threshold": below}
    words = {"monthly earnings below a threshold": Tr(
        "monthly earnings below a threshold", "revenus mensuels sous un seuil")}
    if inputs.hours is not None:
        name = f"below the hourly minimum wage ({wage})"
        words[name] = Tr(name, f"sous le SMIC horaire ({wage})")
        parts[name] = earnings.below_minimum_wage(workers, year=wage, earnings=variable,
                                                  hours=inputs.hours,
                                                  zero_hours=inputs.zero_hours, na_rm=na_rm)
    if inputs.household_income is not None:
        name = f"below the {line} poverty line"
        words[name] = Tr(name, f"sous le seuil de pauvreté de {line}")
        parts[name] = earnings.below_poverty_line(
            workers, year=line, income=inputs.household_income,
            household_size=inputs.household_size, children_under14=inputs.children_under14,
            na_rm=na_rm)
    parts["Gini of monthly earnings"] = gini(workers, variable, na_rm=na_rm)
    parts["S80/S20 of monthly earnings"] = qsr(workers, variable, na_rm=na_rm)
    words["Gini of monthly earnings"] = Tr("Gini of monthly earnings",
                                           "Gini des revenus mensuels")
    words["S80/S20 of monthly earnings"] = Tr("S80/S20 of monthly earnings",
                                              "S80/S20 des revenus mensuels")
    table = pd.concat({name: est.to_frame() for name, est in parts.items()},
                      names=["indicator"])[list(INTERVAL_COLUMNS)]
    blocks: list[Block] = [Text(Tr(
        "Design-based estimates with 95 % intervals (proportions: logit intervals as R's "
        "<code>svyciprop</code>; Gini and S80/S20: linearised, as R's <code>convey</code>).",
        "Estimations tenant compte du plan de sondage, avec leur intervalle de confiance à "
        "95 % (proportions : intervalles logit comme <code>svyciprop</code> de R ; Gini et "
        "S80/S20 : linéarisés, comme <code>convey</code> de R)."))]
    blocks += _left_out(workers, inputs)
    at_zero = below.to_frame().loc[f"{variable} = 0"]
    zeros: Estimate | None = below
    if at_zero[["ci_low", "ci_high"]].isna().any():  # a share of exactly 0: no logit interval
        zeros = None
        blocks.append(Text(Tr(
            "No worker reports zero earnings: the share at 0 is {share:.1f} % and has no logit "
            "interval (shown as {undefined}); the figure has no bar at 0.",
            "Aucun travailleur ne déclare un revenu nul : la part à 0 est de {share:.1f} % et "
            "n'a pas d'intervalle logit (noté {undefined}) ; la figure n'a pas de barre à 0."),
            {"share": 100 * at_zero["estimate"], "undefined": UNDEFINED}))
    blocks += [
        Heading(Tr("Distribution of monthly earnings", "Distribution des revenus mensuels")),
        Figure("earnings_ecdf", plotting.earnings_ecdf,
               (workers.quantile(variable, list(_ECDF_PROBABILITIES), na_rm=na_rm),),
               {"zeros": zeros}),
        Heading(Tr("Lorenz curve", "Courbe de Lorenz")),
        Figure("lorenz", plotting.lorenz_curve,
               (lorenz(workers, variable, shares=[i / 20 for i in range(1, 20)], na_rm=na_rm),
                parts["Gini of monthly earnings"]), size=(6, 6)),
    ]
    if inputs.hours is not None:
        blocks.append(Heading(Tr("Hourly earnings against the minimum wage (SMIC)",
                                 "Revenus horaires face au SMIC")))
        blocks.append(Figure("hourly_vs_smic", plotting.hourly_vs_minimum_wage, (
            earnings.hourly_quantile(workers, list(_HOURLY_PROBABILITIES), earnings=variable,
                                     hours=inputs.hours, zero_hours=inputs.zero_hours,
                                     na_rm=na_rm),
            earnings.minimum_wage(inputs.minimum_wage_year))))
    shown = table.set_axis(pd.MultiIndex.from_tuples(
        [(words.get(name, name), _threshold(level)) for name, level in table.index],
        names=table.index.names))
    blocks += [Heading(Tr("Indicators", "Indicateurs")), TableView(shown, digits=3)]
    return Section(Tr("Earnings and living standards", "Revenus et niveau de vie"), tuple(blocks),
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
