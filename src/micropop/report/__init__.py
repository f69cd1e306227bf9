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

from collections.abc import Callable
from pathlib import Path

from micropop.errors import OptionError, check_option
from micropop.report.html import Section, page
from micropop.report.plan import (
    PROFILE_VARIABLES,
    EarningsInputs,
    ReportPlan,
    SizeInputs,
    WeightingInputs,
    demo_plan,
)
from micropop.report.progress import Progress
from micropop.report.sections import (
    EARNINGS_EDGES,
    EARNINGS_LABELS,
    earnings_section,
    france_section,
    living_standards_section,
    profile_section,
    size_section,
    weighting_section,
)

__all__ = ["write_report", "ReportPlan", "EarningsInputs", "SizeInputs", "WeightingInputs",
           "demo_plan", "PROFILE_VARIABLES", "EARNINGS_EDGES", "EARNINGS_LABELS"]


def _steps(plan: ReportPlan, out: Path, lang: str) -> list[tuple[str, Callable[[], Section]]]:
    """The report's sections in page order, each as (progress label, builder)."""
    workers = plan.workers
    steps = []
    if plan.profile:
        steps.append(("profile of the workers",
                      lambda: profile_section(workers, out, plan.profile)))
    if plan.earnings is not None:
        steps.append(("earnings distribution",
                      lambda: earnings_section(workers, out, plan.earnings.variable, lang)))
    if plan.compare_with_france:
        steps.append(("workers against the French population",
                      lambda: france_section(workers, out, lang)))
    if plan.earnings is not None:
        steps.append(("earnings, inequality and poverty",
                      lambda: living_standards_section(workers, out, plan.earnings, lang)))
    if plan.size is not None:
        steps.append(("population size (capture-recapture model search included)",
                      lambda: size_section(plan.size, out, lang)))
    if plan.weighting is not None:
        steps.append(("weighting diagnostics",
                      lambda: weighting_section(plan.weighting, out, lang)))
    return steps


def write_report(out_dir: str | Path, plan: ReportPlan | None = None, *, lang: str = "en",
                 progress: bool | None = None) -> Path:
    """Write the report into ``out_dir`` and return the index page's path.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Folder to write into (created if needed): ``index.html``, every
        table as CSV, every figure as PNG and SVG.
    plan : ReportPlan, optional
        What to analyse (see :func:`micropop.report.config.load_config` for a
        plan read from ``analysis.toml``); the synthetic demo analysis
        (:func:`demo_plan`) when omitted.
    lang : {"en", "fr"}, default "en"
        Language of the figure labels.
    progress : bool, optional
        Show each section's progress on standard error; by default only when
        it is a terminal and the ``CI`` environment variable is unset.

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
    check_option("lang", lang, ["en", "fr"])
    if plan is not None and not isinstance(plan, ReportPlan):
        raise OptionError(f"plan is a {type(plan).__name__}, not a ReportPlan",
                          hint="build one with micropop.report.config.load_config(path) or "
                               "ReportPlan(workers=SurveyDesign(...))")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plan = demo_plan() if plan is None else plan
    steps = _steps(plan, out, lang)
    tracker = Progress(len(steps) + 1, enabled=progress)
    sections = []
    for label, build in steps:
        with tracker.step(label):
            sections.append(build())
    index = out / "index.html"
    with tracker.step("writing index.html"):
        index.write_text(page(plan.title, sections, plan.provenance), encoding="utf-8")
    return index
