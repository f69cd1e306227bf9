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

from micropop import datasets, earnings, size
from micropop.inequality import gini, lorenz, qsr
from micropop.profile import insee_education, insee_population, profile
from micropop.describe import binned, shares
from micropop.design import SurveyDesign
from micropop import plotting
from micropop.report.html import Section, figure_html, table_html
from micropop.weighting import demo_margins

__all__ = [
    "PROFILE_VARIABLES",
    "EARNINGS_EDGES",
    "EARNINGS_LABELS",
    "SizeInputs",
    "demo_size_inputs",
    "profile_section",
    "earnings_section",
    "size_section",
    "weighting_section",
    "france_section",
    "living_standards_section",
]

#: Variables of the worker profile table in the demo report.
PROFILE_VARIABLES = ("sex", "age_band", "education", "employment")

#: Left edges (EUR/month) of the earnings bins: exactly zero apart, then widening bins.
EARNINGS_EDGES = (0, 0.01, 5, 10, 20, 50, 100, 200)
#: Labels of the earnings bins, one per left edge.
EARNINGS_LABELS = ("0", "0–5", "5–10", "10–20", "20–50", "50–100", "100–200", "200+")

_SIZE_COLUMNS = ["estimate", "se", "ci_low", "ci_high"]

#: Probabilities of the earnings quantiles drawn as a distribution function.
_ECDF_PROBABILITIES = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def _figure(out: Path, stem: str, draw, size: tuple[float, float] = (7, 4)) -> str:
    """Draw with ``draw(ax)`` on a new figure, save it as ``stem``.png/svg, return its <img>."""
    fig = Figure(figsize=size, layout="constrained")
    draw(fig.subplots())
    return figure_html(fig, out, stem)


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
    figure = _figure(out, "earnings",
                     lambda ax: plotting.earnings_histogram(bins, ax=ax, lang=lang))
    return Section("What micro-work pays",
                   "<p>Weighted share of workers by monthly micro-work earnings; the first bar "
                   "is exactly zero.</p>\n" + figure + "\n"
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
        figure = _figure(out, "size_survey_circles", lambda ax: plotting.circles(
            circles, ax=ax, lang=lang, truth=dict(inputs.truth) or None,
            truth_label="true size (synthetic data)"))
        parts.append("<h3>From a general-population survey</h3>\n<p>Weighted totals of "
                     "nested indicators with design-based 95 % intervals; the circles are "
                     "nested and must never be added up.</p>\n" + figure
                     + table_html(table, digits=0))
        regular["general-population survey"] = circles.estimates[list(inputs.circles)[1]]
    if inputs.platforms is not None:
        circles = size.platform_circles(inputs.platforms, inputs.workers)
        table = circles.to_frame()[_SIZE_COLUMNS]
        table.to_csv(out / "size_platform_circles.csv", lineterminator="\n")
        parts.append(_figure(out, "size_platform_circles",
                             lambda ax, c=circles: plotting.circles(c, ax=ax, lang=lang)))
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
        figure = _figure(out, "size_forest", lambda ax: plotting.size_forest(
            table, ax=ax, lang=lang, reference=inputs.published_regular,
            reference_label="published (DiPLab 2019)"), size=(8, 0.7 * len(table) + 1.5))
        parts.append("<h3>The regular circle, every reading side by side</h3>\n<p>Each method "
                     "rests on its own assumption; where they disagree, the assumptions are "
                     "what to discuss.</p>\n" + figure + "\n"
                     + table_html(table[["estimate", "ci_low", "ci_high", "key_assumption"]],
                                  digits=0))
    return Section("How many micro-workers", "\n".join(parts))


def weighting_section(design: SurveyDesign | None, out: Path,
                      margins: Mapping[str, Mapping[object, float]] | None = None,
                      indicator: str = "microwork_12m",
                      workers: SurveyDesign | None = None, lang: str = "en") -> Section:
    """Rake a survey to population margins and show the diagnostics.

    Writes ``weighting_summary.csv`` and ``weighting_margins.csv``. The
    demo rakes the general-population survey to the INSEE RP2018 sex and
    age margins (:func:`micropop.weighting.demo_margins`).

    Parameters
    ----------
    design : SurveyDesign, optional
        The design to weight; the demo general-population survey when omitted.
    out : pathlib.Path
    margins : mapping, optional
        Population margins as :meth:`SurveyDesign.rake` takes them; the demo's
        census margins when omitted.
    indicator : str, default "microwork_12m"
        A 0/1 column whose total is shown before and after raking.
    workers : SurveyDesign, optional
        A worker survey to rake, as an illustration, to the census sex and age
        structure scaled to its own weight total (so the count is kept):
        its Kish design effect measures how far the workers are from that
        structure. Writes ``weighting_workers.csv``.
    lang : {"en", "fr"}, default "en"
        Language of the figure labels.

    Returns
    -------
    Section
    """
    if design is None:
        design = demo_size_inputs().population
    raked = design.rake(demo_margins("population") if margins is None else margins)
    summary = raked.weight_summary()
    stats = summary.statistics.to_frame("value")
    stats.to_csv(out / "weighting_summary.csv", lineterminator="\n")
    summary.margins.to_csv(out / "weighting_margins.csv", lineterminator="\n")
    figure = _figure(out, "weighting_margins",
                     lambda ax: plotting.weighting_diagnostics(summary, ax=ax, lang=lang), size=(7, 6))
    before = design.total(indicator).to_frame()
    after = raked.total(indicator).to_frame()
    effect = pd.concat({"design weights": before, "raked weights": after})[_SIZE_COLUMNS]
    illustration = ""
    if workers is not None:
        total = float(workers.weights.sum())
        scaled = {var: {level: count * total / sum(counts.values())
                        for level, count in counts.items()}
                  for var, counts in demo_margins("worker").items()}
        worker_stats = workers.rake(scaled).weight_summary().statistics.to_frame("value")
        worker_stats.to_csv(out / "weighting_workers.csv", lineterminator="\n")
        illustration = (
            "<p>For illustration only, the worker survey raked to the census sex and age "
            "structure (scaled to its own total): the Kish design effect shows how far the "
            "workers are from the French age structure. The report does not use these weights: "
            "micro-workers are not a sample of the French population, and the profile above "
            "measures exactly that difference.</p>\n" + table_html(worker_stats, digits=3))
    return Section("Weighting to census margins",
                   f"<p>Design weights raked to {len(summary.margins)} population counts "
                   f"(largest relative residual {summary.largest_residual:.1e}). The ratio to the "
                   "design weights shows how far the weighting moved them.</p>\n"
                   + table_html(stats, digits=3)
                   + "<p>Achieved margins against their targets:</p>\n" + figure
                   + table_html(summary.margins[["target", "achieved"]], digits=0)
                   + f"<p>The total of <code>{html.escape(indicator)}</code> before and after "
                   "raking (the standard error after raking uses the calibration residuals, as "
                   "R's <code>rake</code>):</p>\n" + table_html(effect, digits=0)
                   + illustration)


def france_section(workers: SurveyDesign, out: Path, lang: str = "en") -> Section:
    """Workers against the French population: shares, differences and Rao–Scott tests.

    References: INSEE census RP2018 (sex and age band, ages 18–74) and INSEE's
    educational attainment table (ages 25–64). Writes ``profile_france.csv``
    and ``profile_tests.csv``.

    Parameters
    ----------
    workers : SurveyDesign
        The worker survey (needs ``sex``, ``age``, ``age_band``, ``education``).
    out : pathlib.Path
    lang : {"en", "fr"}, default "en"
        Language of the figure labels.

    Returns
    -------
    Section
    """
    census = profile(workers, ["sex", "age_band"],
                     reference={"sex": insee_population("sex", ages=(18, 74)),
                                "age_band": insee_population("age_band", ages=(18, 74))})
    education = profile(workers.subset("age >= 25 and age <= 64"), ["education"],
                        reference={"education": insee_education("25-64")})
    table = pd.concat([census.to_frame(), education.to_frame()], ignore_index=True)
    tests = pd.concat([census.tests(), education.tests()], ignore_index=True)
    table.to_csv(out / "profile_france.csv", index=False, lineterminator="\n")
    tests.to_csv(out / "profile_tests.csv", index=False, lineterminator="\n")
    dots = _figure(out, "profile_france", lambda ax: plotting.profile_dots(census, ax=ax, lang=lang),
                   size=(7, 6))
    pyramid = _figure(out, "age_sex_pyramid", lambda ax: plotting.pyramid(
        workers.mean("age_band", by="sex"), datasets.load_reference("insee_rp2018_sex_age"),
        ax=ax, lang=lang), size=(7, 5.5))
    shown = table.set_index(["variable", "level"])[
        ["share", "ci_low", "ci_high", "reference_share", "difference", "ratio"]]
    return Section("Workers against the French population",
                   "<p>Weighted shares with 95 % logit intervals, next to the census (sex, "
                   "age; RP2018, ages 18–74) and INSEE's educational attainment (ages 25–64; "
                   "the survey's respondents of that age). The reference is taken as known; "
                   "the test is R's <code>svygofchisq</code> (Rao–Scott).</p>\n"
                   + dots + pyramid + table_html(shown, percent=["share", "ci_low", "ci_high", "reference_share",
                                                "difference"], digits=1)
                   + table_html(tests[["variable", "test", "f", "ndf", "ddf", "f_p"]].rename(
                       columns={"f": "Rao–Scott F", "f_p": "p-value"}), index=False, digits=3))


def living_standards_section(workers: SurveyDesign, out: Path, year: int = 2016,
                             lang: str = "en") -> Section:
    """Earnings thresholds, inequality and poverty, each with its interval.

    Writes ``living_standards.csv``.

    Parameters
    ----------
    workers : SurveyDesign
        The worker survey (``earnings_month``, ``hours_week``, household income
        and composition).
    out : pathlib.Path
    year : int, default 2016
        Year of INSEE's poverty line (the DiPLab report used 2016).
    lang : {"en", "fr"}, default "en"
        Language of the figure labels.

    Returns
    -------
    Section
    """
    parts = {
        "monthly earnings below a threshold": earnings.earnings_shares(workers),
        "below the hourly minimum wage (2019)": earnings.below_minimum_wage(workers, year=2019),
        f"below the {year} poverty line": earnings.below_poverty_line(workers, year=year),
        "Gini of monthly earnings": gini(workers, "earnings_month"),
        "S80/S20 of monthly earnings": qsr(workers, "earnings_month"),
    }
    table = pd.concat({name: est.to_frame() for name, est in parts.items()},
                      names=["indicator"])[_SIZE_COLUMNS]
    table.to_csv(out / "living_standards.csv", lineterminator="\n")
    quantiles = workers.quantile("earnings_month", list(_ECDF_PROBABILITIES))
    figures = [
        _figure(out, "earnings_ecdf", lambda ax: plotting.earnings_ecdf(
            quantiles, zeros=parts["monthly earnings below a threshold"], ax=ax, lang=lang)),
        _figure(out, "lorenz", lambda ax: plotting.lorenz_curve(
            lorenz(workers, "earnings_month", shares=[i / 20 for i in range(1, 20)]),
            parts["Gini of monthly earnings"], ax=ax, lang=lang), size=(6, 6)),
        _figure(out, "hourly_vs_smic", lambda ax: plotting.hourly_vs_minimum_wage(
            earnings.hourly_quantile(workers, [0.1, 0.25, 0.5, 0.75, 0.9]),
            earnings.minimum_wage(2019), ax=ax, lang=lang)),
    ]
    return Section("Earnings and living standards",
                   "<p>Design-based estimates with 95 % intervals (proportions: logit "
                   "intervals as R's <code>svyciprop</code>; Gini and S80/S20: linearised, as "
                   "R's <code>convey</code>).</p>\n" + "\n".join(figures)
                   + table_html(table, digits=3))
