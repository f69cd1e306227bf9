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
from micropop.report.plan import WeightingInputs
from micropop.report.result import INTERVAL_COLUMNS, Block, Figure, Section, Table, TableView, Text

__all__ = ["weighting_section"]



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
    """
    summary = inputs.after.weight_summary()
    stats = summary.statistics.to_frame("value")
    tables = [Table("weighting_summary", stats), Table("weighting_margins", summary.margins)]
    blocks: list[Block] = [
        Text("{description}: {count} population counts (largest relative residual "
             "{residual:.1e}). The ratio to the design weights shows how far the weighting "
             "moved them.", {"description": inputs.description, "count": len(summary.margins),
                             "residual": summary.largest_residual}),
        TableView(stats, digits=3),
        Text("Achieved margins against their targets:"),
        Figure("weighting_margins", plotting.weighting_diagnostics, (summary,),
               size=(7, 2 + 0.35 * len(summary.margins))),
        TableView(summary.margins[["target", "achieved"]], digits=0),
    ]
    if inputs.indicator is not None:
        effect = pd.concat({"design weights": inputs.before.total(inputs.indicator).to_frame(),
                            "new weights": inputs.after.total(inputs.indicator).to_frame()}
                           )[list(INTERVAL_COLUMNS)]
        blocks += [
            Text("The total of <code>{indicator}</code> before and after weighting (the standard "
                 "error afterwards uses the calibration residuals, as R's <code>rake</code> and "
                 "<code>calibrate</code>):", {"indicator": inputs.indicator}),
            TableView(effect, digits=0),
        ]
    if inputs.illustration is not None:
        worker_stats = inputs.illustration.weight_summary().statistics.to_frame("value")
        tables.append(Table("weighting_workers", worker_stats))
        blocks += [
            Text("For illustration only, the worker survey raked to the census sex and age "
                 "structure (scaled to its own total): the Kish design effect shows how far the "
                 "workers are from the French age structure. The report does not use these "
                 "weights: micro-workers are not a sample of the French population, and the "
                 "profile above measures exactly that difference."),
            TableView(worker_stats, digits=3),
        ]
    return Section("Weighting and its diagnostics", tuple(blocks), tuple(tables))
