"""The report's section on how many micro-workers there are, by every available method.

:func:`size_section` computes with :mod:`micropop.size` and returns a
:class:`~micropop.report.result.Section`; nothing is drawn or written here.
Circles that :func:`~micropop.report.config.load_config` already estimated
while checking the configuration (``SizeInputs.survey_estimate`` and
``platform_estimate``) are used as they are, not estimated again.

Examples
--------
>>> from micropop.report.plan import SizeInputs
>>> import micropop as mp
>>> captures = mp.datasets.load_capture_histories().drop(columns="person_id")
>>> section = size_section(SizeInputs(captures=captures))
>>> section.table("size_regular_circle").index.tolist()[1]
'Chapman, survey_wave1 × survey_wave2'
"""

from __future__ import annotations

import pandas as pd

from micropop import plotting, size
from micropop.report.missing import left_out
from micropop.report.plan import SizeInputs, configured_in
from micropop.report.result import (
    INTERVAL_COLUMNS,
    Block,
    Figure,
    Heading,
    Section,
    Table,
    TableView,
    Text,
)

__all__ = ["size_section"]


def _left_out(inputs: SizeInputs) -> list[Block]:
    """With ``na_rm``, how many respondents without a frequency the survey left out."""
    if not inputs.na_rm or inputs.population is None:
        return []
    said = left_out(inputs.population.data, [inputs.frequency], "the survey's circles",
                    "les cercles de l'enquête")
    return [] if said is None else [said]


def size_section(inputs: SizeInputs) -> Section:
    """How many micro-workers: every available method, then all readings side by side.

    Tables ``size_survey_circles``, ``size_platform_circles`` and
    ``size_regular_circle``; figures ``size_survey_circles``,
    ``size_platform_circles`` and the forest plot ``size_forest`` (each when
    its inputs are given).

    Parameters
    ----------
    inputs : SizeInputs
        The capture histories, the surveys of the population and of the
        platform, the published figures (any of them may be absent).

    Returns
    -------
    Section
        Its text, tables and figures, for the inputs given.

    Examples
    --------
    >>> import micropop as mp
    >>> from micropop.report.plan import SizeInputs
    >>> captures = mp.datasets.load_capture_histories().drop(columns="person_id")
    >>> section = size_section(SizeInputs(captures=captures))
    >>> [t.name for t in section.tables], [f.name for f in section.figures]
    (['size_regular_circle'], ['size_forest'])
    >>> section.table("size_regular_circle").columns.tolist()[:4]
    ['estimate', 'se', 'ci_low', 'ci_high']
    """
    blocks: list[Block] = []
    tables: list[Table] = []
    regular: dict[str, size.SizeEstimate] = {}
    source = inputs.sources.get
    if inputs.population is not None:
        circles = inputs.survey_estimate
        if circles is None:
            with configured_in(source("survey")):
                circles = size.survey_circles(inputs.population, inputs.frequency,
                                              circles=dict(inputs.circles), na_rm=inputs.na_rm)
        table = circles.to_frame()[list(INTERVAL_COLUMNS)]
        if inputs.truth:
            table = table.assign(truth=pd.Series(dict(inputs.truth)))
        tables.append(Table("size_survey_circles", table))
        blocks += [
            Heading("From a general-population survey"),
            Text("Weighted totals of nested indicators with design-based 95 % intervals; the "
                 "circles are nested and must never be added up."),
            *_left_out(inputs),
            Figure("size_survey_circles", plotting.circles, (circles,),
                   {"truth": dict(inputs.truth) or None,
                    "truth_label": "true size (synthetic data)"}),
            TableView(table, digits=0),
        ]
        regular["general-population survey"] = circles.estimates[inputs.regular_circle]
    if inputs.platforms is not None:
        circles = inputs.platform_estimate
        if circles is None:
            with configured_in(source("platforms")):
                circles = size.platform_circles(inputs.platforms, inputs.workers,
                                                multiplicity=inputs.multiplicity)
        table = circles.to_frame()[list(INTERVAL_COLUMNS)]
        tables.append(Table("size_platform_circles", table))
        blocks += [
            Figure("size_platform_circles", plotting.circles, (circles,)),
            Heading("From platform figures, corrected for multi-homing"),
            Text("Each platform total divided by the workers' mean number of platforms, with "
                 "its delta-method interval."
                 + (" The per-platform figures of the demo are illustrative."
                    if inputs.truth else "")),
            TableView(table, digits=0),
        ]
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
        tables.append(Table("size_regular_circle", table))
        words = ("Each method rests on its own assumption; where they disagree, the "
                "assumptions are what to discuss.")
        if inputs.population is not None:
            words += (" The general-population survey's reading is its "
                     "circle <q>{circle}</q>.")
        said = Text(words, {"circle": inputs.regular_circle} if inputs.population is not None
                    else {})
        blocks += [
            Heading("The regular circle, every reading side by side"),
            said,
            Figure("size_forest", plotting.size_forest, (table,),
                   {"reference": inputs.published_regular,
                    "reference_label": inputs.published_label},
                   size=(8, 0.7 * len(table) + 1.5)),
            TableView(table[["estimate", "ci_low", "ci_high", "key_assumption"]], digits=0),
        ]
    return Section("How many micro-workers", tuple(blocks), tuple(tables))
