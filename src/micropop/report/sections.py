"""The sections of the report: each computes with the library, draws with
:mod:`micropop.plotting`, writes its tables as CSV and returns rendered HTML.

Examples
--------
>>> import tempfile, pathlib
>>> import micropop as mp
>>> from micropop.report.sections import profile_section
>>> workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
>>> section = profile_section(workers, pathlib.Path(tempfile.mkdtemp()))
>>> section.title
'Who the workers are'
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from micropop import datasets, earnings, size
from micropop.report.plan import (
    PROFILE_VARIABLES,
    EarningsInputs,
    SizeInputs,
    WeightingInputs,
    configured_in,
)
from micropop.inequality import gini, lorenz, qsr
from micropop.profile import insee_education, insee_population, profile
from micropop.describe import binned, shares
from micropop.design import SurveyDesign, require_design
from micropop import plotting
from micropop.report.html import UNDEFINED, Section, figure_html, table_html

__all__ = [
    "EARNINGS_EDGES",
    "EARNINGS_LABELS",
    "profile_section",
    "earnings_section",
    "size_section",
    "weighting_section",
    "france_section",
    "living_standards_section",
]

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


def profile_section(workers: SurveyDesign, out: Path,
                    variables: Sequence[str] = PROFILE_VARIABLES) -> Section:
    """Unweighted and weighted shares of the worker profile; writes ``profile.csv``.

    Parameters
    ----------
    workers : SurveyDesign
        The worker survey; its weights give the weighted shares.
    out : pathlib.Path
        Folder of the report.
    variables : sequence of str
        Categorical variables to tabulate.

    Returns
    -------
    Section
    """
    require_design(workers, "workers")
    table = shares(workers.data, variables, weights=workers.weights)
    table.to_csv(out / "profile.csv", lineterminator="\n")
    shown = table[["n", "share", "weighted_share"]].rename(
        columns={"share": "unweighted %", "weighted_share": "weighted %"})
    return Section("Who the workers are",
                   f"<p>Shares of respondents ({len(workers.data):,}), unweighted and weighted "
                   "by the design's weights.</p>\n"
                   + table_html(shown, percent=["unweighted %", "weighted %"]))


def earnings_section(workers: SurveyDesign, out: Path, earnings: str = "earnings_month",
                     lang: str = "en") -> Section:
    """Binned monthly earnings with a figure; writes ``earnings_bins.csv`` and ``earnings.png/svg``.

    Parameters
    ----------
    workers : SurveyDesign
        The worker survey.
    out : pathlib.Path
    earnings : str, default "earnings_month"
        Monthly micro-work earnings in euros.
    lang : {"en", "fr"}, default "en"

    Returns
    -------
    Section
    """
    require_design(workers, "workers")
    # the first bin is [0, 0.01): labelled "0" only if it holds nothing but zeros
    pay = pd.to_numeric(workers.data[earnings], errors="coerce")
    cents = int(((pay > 0) & (pay < EARNINGS_EDGES[1])).sum())
    labels = EARNINGS_LABELS if not cents else ("under 0.01", *EARNINGS_LABELS[1:])
    bins = binned(workers.data[earnings], EARNINGS_EDGES, weights=workers.weights,
                  labels=labels)
    bins.to_csv(out / "earnings_bins.csv", index=False, lineterminator="\n")
    figure = _figure(out, "earnings",
                     lambda ax: plotting.earnings_histogram(bins, ax=ax, lang=lang))
    return Section("What micro-work pays",
                   "<p>Weighted share of workers by monthly micro-work earnings; the first bar "
                   + ("is exactly zero" if not cents else
                      f"is under one cent ({cents} respondents earn more than 0 but less than "
                      "0.01, so it is not the share at 0)") + ".</p>\n" + figure + "\n"
                   + table_html(bins[["label", "n", "share", "weighted_share"]].set_index("label"),
                                percent=["share", "weighted_share"]))


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
    source = inputs.sources.get
    if inputs.population is not None:
        with configured_in(source("survey")):
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
        regular["general-population survey"] = circles.estimates[inputs.regular_circle]
    if inputs.platforms is not None:
        with configured_in(source("platforms")):
            circles = size.platform_circles(inputs.platforms, inputs.workers,
                                            multiplicity=inputs.multiplicity)
        table = circles.to_frame()[_SIZE_COLUMNS]
        table.to_csv(out / "size_platform_circles.csv", lineterminator="\n")
        parts.append(_figure(out, "size_platform_circles",
                             lambda ax, c=circles: plotting.circles(c, ax=ax, lang=lang)))
        parts.append("<h3>From platform figures, corrected for multi-homing</h3>\n<p>Each "
                     "platform total divided by the workers' mean number of platforms, with "
                     "its delta-method interval."
                     + (" The per-platform figures of the demo are illustrative."
                        if inputs.truth else "") + "</p>\n" + table_html(table, digits=0))
        regular["platform visitors / multiplicity"] = circles.estimates["regular"]
    if inputs.captures is not None:
        with configured_in(source("captures")):
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
            reference_label=inputs.published_label), size=(8, 0.7 * len(table) + 1.5))
        survey_circle = (f" The general-population survey's reading is its circle "
                         f"<q>{html.escape(inputs.regular_circle)}</q>."
                         if inputs.population is not None else "")
        parts.append("<h3>The regular circle, every reading side by side</h3>\n<p>Each method "
                     "rests on its own assumption; where they disagree, the assumptions are "
                     f"what to discuss.{survey_circle}</p>\n" + figure + "\n"
                     + table_html(table[["estimate", "ci_low", "ci_high", "key_assumption"]],
                                  digits=0))
    return Section("How many micro-workers", "\n".join(parts))


def weighting_section(inputs: WeightingInputs, out: Path, lang: str = "en") -> Section:
    """A weighting step and its diagnostics: weight statistics, achieved margins.

    Writes ``weighting_summary.csv`` and ``weighting_margins.csv``, the figure
    ``weighting_margins.png/svg``, and with an illustration
    ``weighting_workers.csv``.

    Parameters
    ----------
    inputs : WeightingInputs
        The design before and after weighting (the demo: the general-population
        survey raked to the INSEE RP2018 sex and age margins).
    out : pathlib.Path
    lang : {"en", "fr"}, default "en"
        Language of the figure labels.

    Returns
    -------
    Section
    """
    summary = inputs.after.weight_summary()
    stats = summary.statistics.to_frame("value")
    stats.to_csv(out / "weighting_summary.csv", lineterminator="\n")
    summary.margins.to_csv(out / "weighting_margins.csv", lineterminator="\n")
    figure = _figure(out, "weighting_margins",
                     lambda ax: plotting.weighting_diagnostics(summary, ax=ax, lang=lang),
                     size=(7, 2 + 0.35 * len(summary.margins)))
    body = (f"<p>{html.escape(inputs.description)}: {len(summary.margins)} population counts "
            f"(largest relative residual {summary.largest_residual:.1e}). The ratio to the "
            "design weights shows how far the weighting moved them.</p>\n"
            + table_html(stats, digits=3)
            + "<p>Achieved margins against their targets:</p>\n" + figure
            + table_html(summary.margins[["target", "achieved"]], digits=0))
    if inputs.indicator is not None:
        effect = pd.concat({"design weights": inputs.before.total(inputs.indicator).to_frame(),
                            "new weights": inputs.after.total(inputs.indicator).to_frame()}
                           )[_SIZE_COLUMNS]
        body += (f"<p>The total of <code>{html.escape(inputs.indicator)}</code> before and "
                 "after weighting (the standard error afterwards uses the calibration "
                 "residuals, as R's <code>rake</code> and <code>calibrate</code>):</p>\n"
                 + table_html(effect, digits=0))
    if inputs.illustration is not None:
        worker_stats = inputs.illustration.weight_summary().statistics.to_frame("value")
        worker_stats.to_csv(out / "weighting_workers.csv", lineterminator="\n")
        body += (
            "<p>For illustration only, the worker survey raked to the census sex and age "
            "structure (scaled to its own total): the Kish design effect shows how far the "
            "workers are from the French age structure. The report does not use these weights: "
            "micro-workers are not a sample of the French population, and the profile above "
            "measures exactly that difference.</p>\n" + table_html(worker_stats, digits=3))
    return Section("Weighting and its diagnostics", body)


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
    require_design(workers, "workers")
    references = {"sex": insee_population("sex", ages=(18, 74)),
                  "age_band": insee_population("age_band", ages=(18, 74))}
    census = profile(workers, list(references), reference=references)
    education = profile(workers.subset("age >= 25 and age <= 64"), ["education"],
                        reference={"education": insee_education("25-64")})
    table = pd.concat([census.to_frame(), education.to_frame()], ignore_index=True)
    tests = pd.concat([census.tests(), education.tests()], ignore_index=True)
    table.to_csv(out / "profile_france.csv", index=False, lineterminator="\n")
    tests.to_csv(out / "profile_tests.csv", index=False, lineterminator="\n")
    frame = census.to_frame()
    undefined = frame[["ci_low", "ci_high"]].isna().any(axis=1)
    drawn = [v for v in references if v not in set(frame.loc[undefined, "variable"])]
    dots = ""
    if drawn:
        drawable = census if len(drawn) == len(references) else profile(
            workers, drawn, reference={v: references[v] for v in drawn})
        dots = _figure(out, "profile_france",
                       lambda ax: plotting.profile_dots(drawable, ax=ax, lang=lang), size=(7, 6))
    if undefined.any():
        left_out = ", ".join(v for v in references if v not in drawn)
        levels = ", ".join(f"{v} = {lv}" for v, lv in frame.loc[undefined, ["variable", "level"]]
                           .itertuples(index=False))
        dots = (f"<p>Not in the figure: {html.escape(left_out)}, as the share of "
                f"{html.escape(levels)} has no interval (a share of 0 or 1 has no logit "
                f"interval; {UNDEFINED} in the table).</p>\n" + dots)
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


def living_standards_section(workers: SurveyDesign, out: Path,
                             inputs: EarningsInputs = EarningsInputs(),
                             lang: str = "en") -> Section:
    """Earnings thresholds, inequality and poverty, each with its interval.

    Writes ``living_standards.csv`` and the figures ``earnings_ecdf``,
    ``lorenz`` and (with hours) ``hourly_vs_smic``.

    Parameters
    ----------
    workers : SurveyDesign
        The worker survey.
    out : pathlib.Path
    inputs : EarningsInputs
        Its earnings columns; the comparison with the SMIC needs ``hours`` and
        the poverty rate ``household_income`` (the DiPLab report used the
        2016 poverty line).
    lang : {"en", "fr"}, default "en"
        Language of the figure labels.

    Returns
    -------
    Section
    """
    require_design(workers, "workers")
    variable = inputs.variable
    parts = {"monthly earnings below a threshold": earnings.earnings_shares(workers, variable)}
    if inputs.hours is not None:
        parts[f"below the hourly minimum wage ({inputs.minimum_wage_year})"] = (
            earnings.below_minimum_wage(workers, year=inputs.minimum_wage_year,
                                        earnings=variable, hours=inputs.hours))
    if inputs.household_income is not None:
        parts[f"below the {inputs.poverty_line_year} poverty line"] = earnings.below_poverty_line(
            workers, year=inputs.poverty_line_year, income=inputs.household_income,
            household_size=inputs.household_size, children_under14=inputs.children_under14)
    parts["Gini of monthly earnings"] = gini(workers, variable)
    parts["S80/S20 of monthly earnings"] = qsr(workers, variable)
    table = pd.concat({name: est.to_frame() for name, est in parts.items()},
                      names=["indicator"])[_SIZE_COLUMNS]
    table.to_csv(out / "living_standards.csv", lineterminator="\n")
    quantiles = workers.quantile(variable, list(_ECDF_PROBABILITIES))
    shares_table = parts["monthly earnings below a threshold"].to_frame()
    at_zero = shares_table.loc[f"{variable} = 0"]
    zeros, note = parts["monthly earnings below a threshold"], ""
    if at_zero[["ci_low", "ci_high"]].isna().any():  # a share of exactly 0: no logit interval
        zeros = None
        note = (f"<p>No worker reports zero earnings: the share at 0 is "
                f"{100 * at_zero['estimate']:.1f} % and has no logit interval (shown as "
                f"{UNDEFINED}); the figure has no bar at 0.</p>\n")
    figures = [
        _figure(out, "earnings_ecdf", lambda ax: plotting.earnings_ecdf(
            quantiles, zeros=zeros, ax=ax, lang=lang)),
        _figure(out, "lorenz", lambda ax: plotting.lorenz_curve(
            lorenz(workers, variable, shares=[i / 20 for i in range(1, 20)]),
            parts["Gini of monthly earnings"], ax=ax, lang=lang), size=(6, 6)),
    ]
    if inputs.hours is not None:
        figures.append(_figure(out, "hourly_vs_smic", lambda ax: plotting.hourly_vs_minimum_wage(
            earnings.hourly_quantile(workers, [0.1, 0.25, 0.5, 0.75, 0.9], earnings=variable,
                                     hours=inputs.hours),
            earnings.minimum_wage(inputs.minimum_wage_year), ax=ax, lang=lang)))
    return Section("Earnings and living standards",
                   "<p>Design-based estimates with 95 % intervals (proportions: logit "
                   "intervals as R's <code>svyciprop</code>; Gini and S80/S20: linearised, as "
                   "R's <code>convey</code>).</p>\n" + note + "\n".join(figures)
                   + table_html(table, digits=3))
