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
from micropop.report.glossary import COLUMNS, named
from micropop.report.i18n import Tr, in_language
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

#: The methods' key assumptions (as :func:`micropop.size.triangulate` states them), in French.
_ASSUMPTIONS = {tr.en: tr for tr in (
    Tr("The survey is a probability sample of the population; the weights are inverse "
       "selection probabilities (adjusted for non-response, if at all, correctly).",
       "L'enquête est un échantillon aléatoire de la population ; les poids sont les inverses "
       "des probabilités de sélection (corrigés de la non-réponse, le cas échéant, "
       "correctement)."),
    Tr("Each account belongs to one real person (no bots, shared or duplicate accounts on one "
       "platform).",
       "Chaque compte appartient à une personne réelle (pas de robots, de comptes partagés ni "
       "de doublons sur une plateforme)."),
    Tr("The population is closed over the capture period: no one enters or leaves.",
       "La population est fermée pendant la période de capture : personne n'entre ni ne "
       "sort."),
)}


def _circle_names(circles: size.Circles) -> dict[str, Tr]:
    """The circles' names the glossary knows, in both languages."""
    return {name: COLUMNS[name] for name in circles.estimates if name in COLUMNS}


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
    names: dict[str, Tr] = {}
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
        shown_survey = named(table)
        blocks += [
            Heading(Tr("From a general-population survey",
                       "D'après une enquête en population générale")),
            Text(Tr("Weighted totals of nested indicators with design-based 95 % intervals; "
                    "the circles are nested and must never be added up.",
                    "Totaux pondérés d'indicateurs emboîtés, avec leur intervalle de confiance "
                    "à 95 % tenant compte du plan de sondage ; les cercles sont emboîtés et ne "
                    "doivent jamais être additionnés.")),
            *_left_out(inputs),
            Figure("size_survey_circles", in_language(plotting.circles), (circles,),
                   {"truth": dict(inputs.truth) or None,
                    "truth_label": Tr("true size (synthetic data)",
                                      "taille réelle (données synthétiques)"),
                    "title": Tr("Circles of a general-population survey",
                                "Les cercles d'après l'enquête en population générale"),
                    "labels": _circle_names(circles)}),
            TableView(shown_survey, digits=0),
        ]
        regular["general-population survey"] = circles.estimates[inputs.regular_circle]
        names["general-population survey"] = Tr("general-population survey",
                                                "enquête en population générale")
    if inputs.platforms is not None:
        circles = inputs.platform_estimate
        if circles is None:
            with configured_in(source("platforms")):
                circles = size.platform_circles(inputs.platforms, inputs.workers,
                                                multiplicity=inputs.multiplicity)
        table = circles.to_frame()[list(INTERVAL_COLUMNS)]
        tables.append(Table("size_platform_circles", table))
        demo = inputs.truth
        blocks += [
            Heading(Tr("From platform figures, corrected for multi-homing",
                       "D'après les chiffres des plateformes, corrigés de la multi-inscription")),
            Text(Tr("Each platform total divided by the workers' mean number of platforms, with "
                    "its delta-method interval."
                    + (" The per-platform figures of the demo are illustrative." if demo else ""),
                    "Chaque total de plateforme divisé par le nombre moyen de plateformes des "
                    "travailleurs, avec son intervalle par la méthode delta."
                    + (" Les chiffres par plateforme de la démonstration sont illustratifs."
                       if demo else ""))),
            Figure("size_platform_circles", in_language(plotting.circles), (circles,),
                   {"title": Tr("Circles from platform figures",
                                "Les cercles d'après les chiffres des plateformes"),
                    "labels": _circle_names(circles)}),
            TableView(named(table), digits=0),
        ]
        regular["platform visitors / multiplicity"] = circles.estimates["regular"]
        names["platform visitors / multiplicity"] = Tr("platform visitors / multiplicity",
                                                       "inscrits des plateformes / "
                                                       "multi-inscription")
    if inputs.captures is not None:
        with configured_in(source("captures")):
            best = size.model_search(inputs.captures).iloc[0]
            name = f"capture–recapture, log-linear ({best['model']})"
            regular[name] = size.loglinear(inputs.captures, terms=best["terms"])
            names[name] = Tr(name, f"capture–recapture, log-linéaire ({best['model']})")
            first, second = inputs.captures.columns[:2]
            pair = inputs.captures[[first, second]]
            regular[f"Chapman, {first} × {second}"] = size.chapman(
                *size.two_list_counts(pair[pair.any(axis=1)]))
    if regular:
        table = size.triangulate(regular)
        tables.append(Table("size_regular_circle", table))
        en = ("Each method rests on its own assumption; where they disagree, the "
              "assumptions are what to discuss.")
        fr = ("Chaque méthode repose sur sa propre hypothèse ; là où elles divergent, ce sont "
              "les hypothèses qu'il faut discuter.")
        if inputs.population is not None:
            en += " The general-population survey's reading is its circle <q>{circle}</q>."
            fr += " La lecture de l'enquête en population générale est son cercle « {circle} »."
        said = Text(Tr(en, fr), {"circle": COLUMNS.get(inputs.regular_circle,
                                                       inputs.regular_circle)}
                    if inputs.population is not None else {})
        shown = table[["estimate", "ci_low", "ci_high", "key_assumption"]]
        shown = shown.assign(key_assumption=shown["key_assumption"].map(
            lambda words: _ASSUMPTIONS.get(words, words)))
        shown = shown.set_axis(pd.Index([names.get(label, label) for label in shown.index],
                                        name=shown.index.name))
        blocks += [
            Heading(Tr("The regular circle, every reading side by side",
                       "Le cercle des réguliers, toutes les lectures côte à côte")),
            said,
            Figure("size_forest", in_language(plotting.size_forest), (table,),
                   {"reference": inputs.published_regular,
                    "reference_label": inputs.published_label, "labels": names},
                   size=(8, 0.7 * len(table) + 1.5)),
            TableView(shown, digits=0),
        ]
    return Section(Tr("How many micro-workers", "Combien de micro-travailleurs"), tuple(blocks),
                   tuple(tables))
