"""The HTML report: tables as CSV and HTML, figures as PNG and SVG, one index page.

The report computes, then renders. :func:`write_report` follows its plan
top-down, each layer using only the ones below it:

1. :mod:`~micropop.report.plan`: the :class:`ReportPlan`, what to analyse
   (:func:`demo_plan`, or :func:`~micropop.report.config.load_config` from
   ``analysis.toml``, which hands on what it estimated while checking it).
2. The sections, in page order, each computing with the library and
   returning a :class:`Section` (:mod:`~micropop.report.result`: its text,
   tables and figures as data, nothing drawn or written):
   :func:`profile_section` and :func:`france_section`
   (:mod:`~micropop.report.profile`), :func:`earnings_section` and
   :func:`living_standards_section` (:mod:`~micropop.report.earnings`),
   :func:`size_section` (:mod:`~micropop.report.size`),
   :func:`weighting_section` (:mod:`~micropop.report.weighting`),
   :func:`models_section` (:mod:`~micropop.report.models`).
3. The writer (:mod:`~micropop.report.writer`), the one module that writes
   files: every table as CSV, every figure drawn with
   :mod:`micropop.plotting` as PNG and SVG, and the self-contained
   ``index.html`` rendered by :mod:`~micropop.report.render` (figures
   embedded as PNG data, all text that comes from the data escaped).

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
from micropop.report.earnings import (
    EARNINGS_EDGES,
    EARNINGS_LABELS,
    earnings_section,
    living_standards_section,
)
from micropop.report.header import about
from micropop.report.i18n import Tr, say
from micropop.report.models import ModelSpec, models_section
from micropop.report.plan import (
    PROFILE_VARIABLES,
    EarningsInputs,
    FranceInputs,
    ReportPlan,
    SizeInputs,
    WeightingInputs,
    configured_in,
    demo_plan,
)
from micropop.report.profile import france_section, profile_section
from micropop.report.progress import Progress
from micropop.report.result import Section
from micropop.report.size import size_section
from micropop.report.weighting import weighting_section
from micropop.report.writer import MARKER, ReportFolder

__all__ = ["write_report", "ReportPlan", "EarningsInputs", "FranceInputs", "SizeInputs",
           "WeightingInputs",
           "demo_plan", "PROFILE_VARIABLES", "EARNINGS_EDGES", "EARNINGS_LABELS", "Section",
           "profile_section", "earnings_section", "france_section", "living_standards_section",
           "size_section", "weighting_section", "models_section", "ModelSpec", "MARKER"]


def _steps(plan: ReportPlan) -> list[tuple[str, str | None, Callable[[], Section]]]:
    """The report's sections in page order, each as (progress label, source, computation).

    The source is the configuration table the section's inputs come from (None
    for a plan built in Python), named in the errors the section meets.
    """
    workers, sources = plan.workers, plan.sources
    earnings_inputs, size_inputs = plan.earnings, plan.size
    weighting_inputs = plan.weighting
    steps: list[tuple[str, str | None, Callable[[], Section]]] = []
    if plan.profile:
        steps.append(("profile of the workers", sources.get("profile"),
                      lambda: profile_section(workers, plan.profile, na_rm=plan.profile_na_rm)))
    if earnings_inputs is not None:
        steps.append(("earnings distribution", sources.get("earnings"),
                      lambda: earnings_section(workers, earnings_inputs.variable,
                                               na_rm=earnings_inputs.na_rm)))
    if plan.compare_with_france:
        steps.append(("workers against the French population", sources.get("profile"),
                      lambda: france_section(workers, plan.france, na_rm=plan.profile_na_rm)))
    if earnings_inputs is not None:
        steps.append(("earnings, inequality and poverty", sources.get("earnings"),
                      lambda: living_standards_section(workers, earnings_inputs)))
    if plan.models:
        steps.append(("regression models", sources.get("models"),
                      lambda: models_section(workers, plan.models)))
    if size_inputs is not None:
        steps.append(("population size (capture-recapture model search included)",
                      sources.get("size"), lambda: size_section(size_inputs)))
    if weighting_inputs is not None:
        steps.append(("weighting diagnostics", sources.get("weighting"),
                      lambda: weighting_section(weighting_inputs)))
    return steps


#: The default title of a report, in both languages.
_DEFAULT_TITLE = Tr(ReportPlan.title, "Micro-travailleurs : combien, qui, et ce qu'ils gagnent")


def write_report(out_dir: str | Path, plan: ReportPlan | None = None, *, lang: str = "en",
                 progress: bool | None = None, csv: str = "plain") -> Path:
    """Write the report into ``out_dir`` and return the index page's path.

    The report is written into a new folder beside ``out_dir``, then moved
    into place, so a run that fails leaves nothing behind (and an earlier
    report intact). ``out_dir`` may be a new folder, an empty one, or an
    earlier micropop report's, which is then replaced as a whole: the file
    ``.micropop-report.json`` that every report writes lists its files. A
    folder holding anything else (the user's own ``index.html`` or data) is
    never written into.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Folder of the report (created if needed): ``index.html``, every
        table as CSV, every figure as PNG and SVG.
    plan : ReportPlan, optional
        What to analyse (see :func:`micropop.report.config.load_config` for a
        plan read from ``analysis.toml``); the synthetic demo analysis
        (:func:`demo_plan`) when omitted.
    lang : {"en", "fr"}, default "en"
        Language of the whole report: ``<html lang>``, titles, headings,
        paragraphs, table headers, category labels (the codebook's value
        labels in that language, where given), number formats and figures.
    progress : bool, optional
        Show each section's progress on standard error; by default only when
        it is a terminal and the ``CI`` environment variable is unset.
    csv : {"plain", "excel-fr"}, default "plain"
        How the tables' CSV files are written: plain (``,``, decimal point,
        UTF-8, machine column names), or for French Excel (``;``, decimal
        comma, UTF-8 with a byte-order mark, column names in ``lang``). Every
        table is also written into ``tables.xlsx``, one sheet each.

    Returns
    -------
    pathlib.Path
        The path of ``index.html``.

    Raises
    ------
    ReportOutputError
        ``out_dir`` is a file, holds files that no micropop report wrote, or
        cannot be written (the system's reason is given).
    ConfigError
        A plan read from ``analysis.toml`` that the library refuses while the
        report computes: the message names the table of the configuration.

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
    with ReportFolder(out_dir, csv) as folder:
        plan = demo_plan() if plan is None else plan
        steps = _steps(plan)
        tracker = Progress(len(steps) + 1, enabled=progress)
        rendered = []
        for label, source, compute in steps:
            with tracker.step(label), configured_in(source):
                rendered.append(folder.add(compute(), lang))
        with tracker.step("writing index.html"):
            title = say(_DEFAULT_TITLE, lang) if plan.title == _DEFAULT_TITLE.en else plan.title
            return folder.finish(title, rendered, plan.provenance, plan.read_notes, lang=lang,
                                 about=about(plan), config=plan.configuration)
