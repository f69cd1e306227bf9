"""The HTML report: tables as CSV and HTML, figures as PNG and SVG, one index page.

The report is self-contained: figures are embedded in ``index.html`` as PNG
data, and every table and figure is also written beside it as a file. All
text that comes from the data (variable names, level labels) is escaped.

Examples
--------
>>> import tempfile, pathlib
>>> from micropop.report import write_report
>>> out = write_report(pathlib.Path(tempfile.mkdtemp()))
>>> out.name
'index.html'
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from micropop import datasets
from micropop.design import SurveyDesign
from micropop.report.html import page
from micropop.report.sections import (
    EARNINGS_EDGES,
    EARNINGS_LABELS,
    PROFILE_VARIABLES,
    SizeInputs,
    demo_size_inputs,
    earnings_section,
    france_section,
    living_standards_section,
    profile_section,
    size_section,
    weighting_section,
)

__all__ = ["write_report", "SizeInputs", "PROFILE_VARIABLES", "EARNINGS_EDGES",
           "EARNINGS_LABELS"]


def write_report(out_dir: str | Path, survey: pd.DataFrame | None = None, *,
                 weights: str = "weight", profile: Sequence[str] = PROFILE_VARIABLES,
                 earnings: str = "earnings_month", size_inputs: SizeInputs | None = None,
                 lang: str = "en") -> Path:
    """Write the report into ``out_dir`` and return the index page's path.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Folder to write into (created if needed): ``index.html``, every
        table as CSV, every figure as PNG and SVG.
    survey : pandas.DataFrame, optional
        Worker survey data. When omitted, the synthetic demo data are used
        for every section, the population-size section included.
    weights : str, default "weight"
        Column of probability weights.
    profile : sequence of str
        Categorical variables of the profile table.
    earnings : str, default "earnings_month"
        Column of monthly micro-work earnings in euros.
    size_inputs : SizeInputs, optional
        Inputs of the population-size section; without them (and with a
        user survey) the section is left out.
    lang : {"en", "fr"}, default "en"
        Language of the figure labels.

    Returns
    -------
    pathlib.Path
        The path of ``index.html``.

    Examples
    --------
    >>> import tempfile
    >>> path = write_report(tempfile.mkdtemp())
    >>> sorted(p.name for p in path.parent.iterdir() if p.suffix == ".png")[:3]
    ['age_sex_pyramid.png', 'earnings.png', 'earnings_ecdf.png']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    demo = survey is None
    data = datasets.load_worker_survey() if demo else survey
    if demo and size_inputs is None:
        size_inputs = demo_size_inputs()

    sections = [profile_section(data, out, weights, profile),
                earnings_section(data, out, weights, earnings, lang)]
    if demo:
        workers = SurveyDesign(data, weights=weights)
        sections += [france_section(workers, out, lang),
                     living_standards_section(workers, out, lang=lang),
                     size_section(size_inputs, out, lang),
                     weighting_section(size_inputs.population, out, workers=workers, lang=lang)]
    elif size_inputs is not None:
        sections.append(size_section(size_inputs, out, lang))
    provenance = ("Demo data: SYNTHETIC surveys, platform figures and capture lists generated "
                  "by data/scripts/generate.py, calibrated to the DiPLab 2019 published "
                  "figures; not real respondents."
                  if demo else f"Data: user-supplied survey of {len(data):,} rows.")
    index = out / "index.html"
    index.write_text(page("Micro-workers: how many, who, and what they earn", sections,
                          provenance), encoding="utf-8")
    return index
