"""The report's header in words: when it was made, from which files, and the design.

:func:`about` turns a :class:`~micropop.report.plan.ReportPlan` into the
named facts the page shows under its title (:func:`micropop.report.render.page`),
each in both languages.

Examples
--------
>>> import micropop as mp
>>> from micropop.report.i18n import say
>>> from micropop.report.plan import ReportPlan
>>> workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
>>> rows = about(ReportPlan(workers, files=("workers.csv",)), today="2026-12-04")
>>> [(say(name, "fr"), say(value, "fr")) for name, value in rows][:2]
[('Date', '2026-12-04'), ('Fichiers de données', 'workers.csv')]
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from micropop.design import SurveyDesign
from micropop.report.i18n import Tr
from micropop.report.numbers import localise

if TYPE_CHECKING:
    from micropop.report.plan import ReportPlan

__all__ = ["about", "design_words"]

#: The weighting methods in words.
_METHODS = {"rake": Tr("raked", "calés par raking"),
            "calibrate": Tr("calibrated", "calés (calage)"),
            "poststratify": Tr("post-stratified", "post-stratifiés"),
            "trim": Tr("trimmed", "écrêtés"),
            "adjust_nonresponse": Tr("adjusted for non-response",
                                     "corrigés de la non-réponse")}


def _count(n: int, lang: str) -> str:
    return localise(f"{n:,}", lang)


def design_words(design: SurveyDesign) -> Tr:
    """A survey design in words: rows, strata, primary sampling units, weighting.

    Parameters
    ----------
    design : SurveyDesign

    Returns
    -------
    Tr

    Examples
    --------
    >>> import micropop as mp
    >>> design = mp.SurveyDesign(mp.datasets.load_population_survey(), weights="weight",
    ...                          strata="region", psu=["commune_id", "household_id"],
    ...                          fpc=["fpc1", "fpc2"])
    >>> print(design_words(design).en)
    20,947 respondents; 13 strata; 958 primary sampling units, 2 stages; design weights.
    """
    n, strata, psu = len(design.data), design.n_strata, design.n_psu
    stages = design.n_stages
    en = [f"{_count(n, 'en')} respondents"]
    fr = [f"{_count(n, 'fr')} répondants"]
    if strata > 1:
        en.append(f"{_count(strata, 'en')} strata")
        fr.append(f"{_count(strata, 'fr')} strates")
    else:
        en.append("no strata")
        fr.append("pas de strates")
    if psu == n and stages == 1:
        en.append("each respondent drawn on their own (no clusters)")
        fr.append("chaque répondant tiré individuellement (pas de grappes)")
    else:
        en.append(f"{_count(psu, 'en')} primary sampling units, {stages} stage"
                  + ("s" if stages > 1 else ""))
        fr.append(f"{_count(psu, 'fr')} unités primaires, {stages} degré"
                  + ("s" if stages > 1 else ""))
    methods = [_METHODS.get(step.method, Tr(step.method, step.method))
               for step in design.weighting_steps]
    if design.is_replicate:
        en.append("replicate weights")
        fr.append("poids répliqués")
    elif methods:
        en.append("weights " + ", then ".join(m.en for m in methods))
        fr.append("poids " + ", puis ".join(m.fr for m in methods))
    else:
        en.append("design weights")
        fr.append("poids de sondage")
    return Tr("; ".join(en) + ".", "\u00a0; ".join(fr) + ".")


def about(plan: ReportPlan, today: str | None = None) -> list[tuple[Tr, str | Tr]]:
    """The header's named facts of a report: date, data files, designs, weighting.

    Parameters
    ----------
    plan : ReportPlan
        What the report analyses.
    today : str, optional
        The date shown (ISO 8601); today's (UTC) when omitted.

    Returns
    -------
    list of (Tr, str or Tr)

    Examples
    --------
    >>> from micropop.report.plan import demo_plan
    >>> [name.en for name, _ in about(demo_plan())]  # doctest: +NORMALIZE_WHITESPACE
    ['Date', 'Data files', 'Worker survey', 'General-population survey', 'Weighting shown']
    """
    date = today or datetime.datetime.now(datetime.UTC).date().isoformat()
    rows: list[tuple[Tr, str | Tr]] = [(Tr("Date", "Date"), date)]
    if plan.files:
        rows.append((Tr("Data files", "Fichiers de données"), ", ".join(plan.files)))
    rows.append((Tr("Worker survey", "Enquête auprès des travailleurs"),
                 design_words(plan.workers)))
    if plan.size is not None and plan.size.population is not None:
        rows.append((Tr("General-population survey", "Enquête en population générale"),
                     design_words(plan.size.population)))
    if plan.weighting is not None:
        rows.append((Tr("Weighting shown", "Pondération présentée"),
                     design_words(plan.weighting.after)))
    return rows
