"""The report's section on a weighting step and its diagnostics.

:func:`weighting_section` computes and returns a
:class:`~micropop.report.result.Section`; nothing is drawn or written here.

Examples
--------
>>> from micropop.report.plan import demo_plan
>>> section = weighting_section(demo_plan().weighting)
>>> [t.name for t in section.tables]
['weighting_summary', 'weighting_margins', 'weighting_workers']
"""

from __future__ import annotations

import pandas as pd

from micropop import plotting
from micropop.report.glossary import named
from micropop.report.i18n import Tr, in_language
from micropop.report.labels import figure_labels, level_label
from micropop.report.plan import WeightingInputs
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

__all__ = ["weighting_section"]

#: The weights compared, in both languages.
_WEIGHTS = {"design weights": Tr("design weights", "poids de sondage"),
            "new weights": Tr("new weights", "nouveaux poids")}


def _labelled(margins: pd.DataFrame, data: pd.DataFrame) -> pd.DataFrame:
    """The margins (step, margin, level) with their levels labelled as the codebook says."""
    return margins.set_axis(pd.MultiIndex.from_tuples(
        [(step, margin, level_label(data, margin, level)) for step, margin, level
         in margins.index], names=margins.index.names))


def _describe(description: str | Tr) -> str | Tr:
    """The demo's description of its weighting in both languages (others as given)."""
    return _DEMO.get(description, description) if isinstance(description, str) else description


#: The demo's weighting (:func:`micropop.report.plan.demo_weighting`) in both languages.
_DEMO = {tr.en: tr for tr in (Tr(
    "The general-population survey's design weights raked to the INSEE RP2018 sex and age "
    "margins",
    "Les poids de sondage de l'enquête en population générale calés (raking) sur les marges "
    "par sexe et âge du recensement RP2018 de l'Insee"),)}


def weighting_section(inputs: WeightingInputs) -> Section:
    """A weighting step and its diagnostics: weight statistics, achieved margins.

    Tables ``weighting_summary``, ``weighting_margins`` and, with an
    illustration, ``weighting_workers``; figure ``weighting_margins``.

    Parameters
    ----------
    inputs : WeightingInputs
        The design before and after weighting (the demo: the general-population
        survey raked to the INSEE RP2018 sex and age margins).

    Returns
    -------
    Section
        Its text, tables and figure.

    Examples
    --------
    >>> from micropop.report.plan import demo_plan
    >>> section = weighting_section(demo_plan().weighting)
    >>> str(section.title), [f.name for f in section.figures]
    ('Weighting and its diagnostics', ['weighting_margins'])
    >>> section.table("weighting_margins").columns.tolist()[:2]
    ['target', 'achieved']
    """
    summary = inputs.after.weight_summary()
    stats = summary.statistics.to_frame("value")
    tables = [Table("weighting_summary", stats), Table("weighting_margins", summary.margins)]
    blocks: list[Block] = [
        Text(Tr("{description}: {count} population counts (largest relative residual "
                "{residual:.1e}). The ratio to the design weights shows how far the weighting "
                "moved them.",
                "{description} : {count} effectifs de population (plus grand résidu relatif "
                "{residual:.1e}). Le rapport aux poids de sondage montre de combien la "
                "pondération les a déplacés."),
             {"description": _describe(inputs.description), "count": len(summary.margins),
              "residual": summary.largest_residual}),
        TableView(named(stats), digits=3),
        Heading(Tr("Achieved margins against their targets",
                   "Marges atteintes face à leurs cibles")),
        Text(Tr("Each margin's relative deviation from its target (achieved / target − 1):",
                "L'écart relatif de chaque marge à sa cible (atteint / cible − 1) :")),
        Figure("weighting_margins", in_language(plotting.weighting_diagnostics), (summary,),
               {"scale": "relative", "labels": figure_labels(
                   inputs.after.data, summary.margins.index.get_level_values("margin"))},
               size=(7, 2 + 0.35 * len(summary.margins))),
        TableView(_labelled(summary.margins[["target", "achieved"]], inputs.after.data),
                  digits=0),
    ]
    if inputs.indicator is not None:
        effect = pd.concat({"design weights": inputs.before.total(inputs.indicator).to_frame(),
                            "new weights": inputs.after.total(inputs.indicator).to_frame()}
                           )[list(INTERVAL_COLUMNS)]
        effect = effect.set_axis(pd.MultiIndex.from_tuples(
            [(_WEIGHTS.get(which, which), *rest) for which, *rest in effect.index],
            names=effect.index.names))
        blocks += [
            Heading(Tr("What the weighting changed", "Ce que la pondération a changé")),
            Text(Tr("The total of <code>{indicator}</code> before and after weighting (the "
                    "standard error afterwards uses the calibration residuals, as R's "
                    "<code>rake</code> and <code>calibrate</code>):",
                    "Le total de <code>{indicator}</code> avant et après pondération (l'erreur "
                    "type après pondération utilise les résidus du calage, comme "
                    "<code>rake</code> et <code>calibrate</code> de R) :"),
                 {"indicator": inputs.indicator}),
            TableView(effect, digits=0),
        ]
    if inputs.illustration is not None:
        worker_stats = inputs.illustration.weight_summary().statistics.to_frame("value")
        tables.append(Table("weighting_workers", worker_stats))
        blocks += [
            Heading(Tr("An illustration: the workers raked to the census",
                       "Une illustration : les travailleurs calés sur le recensement")),
            Text(Tr("For illustration only, the worker survey raked to the census sex and age "
                    "structure (scaled to its own total): the Kish design effect shows how far "
                    "the workers are from the French age structure. The report does not use "
                    "these weights: micro-workers are not a sample of the French population, "
                    "and the profile above measures exactly that difference.",
                    "À titre d'illustration seulement, l'enquête auprès des travailleurs calée "
                    "sur la structure par sexe et âge du recensement (ramenée à son propre "
                    "total) : l'effet de plan de Kish montre à quel point les travailleurs "
                    "s'écartent de la structure par âge française. Le rapport n'utilise pas ces "
                    "poids : les micro-travailleurs ne sont pas un échantillon de la population "
                    "française, et le profil ci-dessus mesure précisément cet écart.")),
            TableView(named(worker_stats), digits=3),
        ]
    return Section(Tr("Weighting and its diagnostics", "La pondération et ses diagnostics"),
                   tuple(blocks), tuple(tables))
