"""The sections of the report: each computes with the library, draws with
:mod:`micropop.plotting`, writes its tables as CSV and returns rendered HTML.

Examples
--------
>>> import tempfile, pathlib
>>> import micropop as mp
>>> from micropop.report.sections import profile_section
>>> section = profile_section(mp.datasets.load_worker_survey(), pathlib.Path(tempfile.mkdtemp()))
>>> section.title
'Who the workers are'
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from micropop import datasets, size
from micropop.describe import binned, shares
from micropop.design import SurveyDesign
from micropop.plotting import earnings_histogram, size_forest
from micropop.report.html import Section, figure_html, table_html

__all__ = [
    "PROFILE_VARIABLES",
    "EARNINGS_EDGES",
    "EARNINGS_LABELS",
    "SizeInputs",
    "demo_size_inputs",
    "profile_section",
    "earnings_section",
    "size_section",
]

#: Variables of the worker profile table in the demo report.
PROFILE_VARIABLES = ("sex", "age_band", "education", "employment")

#: Left edges (EUR/month) of the earnings bins: exactly zero apart, then widening bins.
EARNINGS_EDGES = (0, 0.01, 5, 10, 20, 50, 100, 200)
#: Labels of the earnings bins, one per left edge.
EARNINGS_LABELS = ("0", "0–5", "5–10", "10–20", "20–50", "50–100", "100–200", "200+")

_SIZE_COLUMNS = ["estimate", "se", "ci_low", "ci_high"]


def profile_section(survey: pd.DataFrame, out: Path, weights: str = "weight",
                    variables: Sequence[str] = PROFILE_VARIABLES) -> Section:
    """Unweighted and weighted shares of the worker profile; writes ``profile.csv``.

    Parameters
    ----------
    survey : pandas.DataFrame
    out : pathlib.Path
        Folder of the report.
    weights : str, default "weight"
    variables : sequence of str
        Categorical variables to tabulate.

    Returns
    -------
    Section
    """
    table = shares(survey, variables, weights=weights)
    table.to_csv(out / "profile.csv", lineterminator="\n")
    shown = table[["n", "share", "weighted_share"]].rename(
        columns={"share": "unweighted %", "weighted_share": "weighted %"})
    return Section("Who the workers are",
                   f"<p>Shares of respondents ({len(survey):,}), unweighted and weighted by "
                   f"<code>{html.escape(weights)}</code>.</p>\n"
                   + table_html(shown, percent=["unweighted %", "weighted %"]))


def earnings_section(survey: pd.DataFrame, out: Path, weights: str = "weight",
                     earnings: str = "earnings_month", lang: str = "en") -> Section:
    """Binned monthly earnings with a figure; writes ``earnings_bins.csv`` and ``earnings.png/svg``.

    Parameters
    ----------
    survey : pandas.DataFrame
    out : pathlib.Path
    weights : str, default "weight"
    earnings : str, default "earnings_month"
        Monthly micro-work earnings in euros.
    lang : {"en", "fr"}, default "en"

    Returns
    -------
    Section
    """
    bins = binned(survey[earnings], EARNINGS_EDGES, weights=survey[weights],
                  labels=EARNINGS_LABELS)
    bins.to_csv(out / "earnings_bins.csv", index=False, lineterminator="\n")
    fig = Figure(figsize=(7, 4), layout="constrained")
    earnings_histogram(bins, ax=fig.subplots(), lang=lang)
    return Section("What micro-work pays",
                   "<p>Weighted share of workers by monthly micro-work earnings; the first bar "
                   "is exactly zero.</p>\n" + figure_html(fig, out, "earnings") + "\n"
                   + table_html(bins[["label", "n", "share", "weighted_share"]].set_index("label"),
                                percent=["share", "weighted_share"]))


@dataclass(frozen=True)
class SizeInputs:
    """What the population-size section estimates from; any part may be missing.

    Attributes
    ----------
    population : SurveyDesign, optional
        A general-population survey with a frequency-of-activity column.
    frequency : str
        That column.
    circles : mapping
        Circle name -> the frequency levels it holds, widest first.
    platforms : DataFrame, optional
        Platform figures (see :func:`micropop.size.platform_circles`).
    workers : SurveyDesign, optional
        Worker survey giving the number of platforms per person.
    captures : DataFrame, optional
        0/1 capture histories of the regular (at least monthly) workers.
    truth : mapping, optional
        Known circle sizes (synthetic data only), by circle name.
    published_regular : float, optional
        A published size of the regular circle, marked on the forest plot.
    """

    population: SurveyDesign | None = None
    frequency: str = "microwork_freq"
    circles: Mapping[str, Sequence[object]] = field(default_factory=dict)
    platforms: pd.DataFrame | None = None
    workers: SurveyDesign | None = None
    captures: pd.DataFrame | None = None
    truth: Mapping[str, float] = field(default_factory=dict)
    published_regular: float | None = None


def demo_size_inputs() -> SizeInputs:
    """The synthetic demo data set up for the population-size section.

    Returns
    -------
    SizeInputs

    Examples
    --------
    >>> demo_size_inputs().published_regular
    52337
    """
    pop = datasets.load_population_survey()
    truth = datasets.load_population_truth().query("domain == 'all'").set_index("quantity")["value"]
    return SizeInputs(
        population=SurveyDesign(pop, weights="weight", strata="region",
                                psu=["commune_id", "household_id"], fpc=["fpc1", "fpc2"]),
        frequency="microwork_freq",
        circles={"last 12 months": ["less_often", "monthly", "weekly"],
                 "at least monthly": ["monthly", "weekly"],
                 "at least weekly": ["weekly"]},
        platforms=datasets.load_platforms(),
        workers=SurveyDesign(datasets.load_worker_survey(), weights="weight"),
        captures=datasets.load_capture_histories().drop(columns="person_id"),
        truth={"last 12 months": truth["microwork_12m"],
               "at least monthly": truth["microwork_monthly_plus"],
               "at least weekly": truth["microwork_weekly"]},
        published_regular=size.PUBLISHED_CIRCLES["regular"],
    )


def size_section(inputs: SizeInputs, out: Path, lang: str = "en") -> Section:
    """How many micro-workers: every available method, then all readings side by side.

    Writes ``size_survey_circles.csv``, ``size_platform_circles.csv``,
    ``size_regular_circle.csv`` and the forest plot ``size_forest.png/svg``.

    Parameters
    ----------
    inputs : SizeInputs
    out : pathlib.Path
    lang : {"en", "fr"}, default "en"

    Returns
    -------
    Section
    """
    parts, regular = [], {}
    if inputs.population is not None:
        circles = size.survey_circles(inputs.population, inputs.frequency,
                                      circles=dict(inputs.circles))
        table = circles.to_frame()[_SIZE_COLUMNS]
        if inputs.truth:
            table = table.assign(truth=pd.Series(dict(inputs.truth)))
        table.to_csv(out / "size_survey_circles.csv", lineterminator="\n")
        parts.append("<h3>From a general-population survey</h3>\n<p>Weighted totals of "
                     "nested indicators with design-based 95 % intervals; the circles are "
                     "nested and must never be added up.</p>\n" + table_html(table, digits=0))
        regular["general-population survey"] = circles.estimates[list(inputs.circles)[1]]
    if inputs.platforms is not None:
        circles = size.platform_circles(inputs.platforms, inputs.workers)
        table = circles.to_frame()[_SIZE_COLUMNS]
        table.to_csv(out / "size_platform_circles.csv", lineterminator="\n")
        parts.append("<h3>From platform figures, corrected for multi-homing</h3>\n<p>Each "
                     "platform total divided by the workers' mean number of platforms, with "
                     "its delta-method interval. The per-platform figures of the demo are "
                     "illustrative.</p>\n" + table_html(table, digits=0))
        regular["platform visitors / multiplicity"] = circles.estimates["regular"]
    if inputs.captures is not None:
        best = size.model_search(inputs.captures).iloc[0]
        regular[f"capture–recapture, log-linear ({best['model']})"] = size.loglinear(
            inputs.captures, terms=best["terms"])
        first, second = inputs.captures.columns[:2]
        pair = inputs.captures[[first, second]]
        regular[f"Chapman, {first} × {second}"] = size.chapman(
            *size.two_list_counts(pair[pair.any(axis=1)]))
    if regular:
        table = size.triangulate(regular)
        table.to_csv(out / "size_regular_circle.csv", lineterminator="\n")
        fig = Figure(figsize=(8, 0.7 * len(table) + 1.5), layout="constrained")
        size_forest(table, ax=fig.subplots(), lang=lang, reference=inputs.published_regular,
                    reference_label="published (DiPLab 2019)")
        parts.append("<h3>The regular circle, every reading side by side</h3>\n<p>Each method "
                     "rests on its own assumption; where they disagree, the assumptions are "
                     "what to discuss.</p>\n" + figure_html(fig, out, "size_forest") + "\n"
                     + table_html(table[["estimate", "ci_low", "ci_high", "key_assumption"]],
                                  digits=0))
    return Section("How many micro-workers", "\n".join(parts))
