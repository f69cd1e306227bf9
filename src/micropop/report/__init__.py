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

import json
import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

from micropop import __version__
from micropop.errors import OptionError, ReportOutputError, check_option
from micropop.report.html import Section, page
from micropop.report.plan import (
    PROFILE_VARIABLES,
    EarningsInputs,
    ReportPlan,
    SizeInputs,
    WeightingInputs,
    configured_in,
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


#: The file a report writes into its folder, listing the files it wrote (and so may replace).
MARKER = ".micropop-report.json"


def _steps(plan: ReportPlan, out: Path, lang: str) -> list[tuple[str, str | None,
                                                                  Callable[[], Section]]]:
    """The report's sections in page order, each as (progress label, source, builder).

    The source is the configuration table the section's inputs come from (None
    for a plan built in Python), named in the errors the section meets.
    """
    workers, sources = plan.workers, plan.sources
    steps = []
    if plan.profile:
        steps.append(("profile of the workers", sources.get("profile"),
                      lambda: profile_section(workers, out, plan.profile)))
    if plan.earnings is not None:
        steps.append(("earnings distribution", sources.get("earnings"),
                      lambda: earnings_section(workers, out, plan.earnings.variable, lang)))
    if plan.compare_with_france:
        steps.append(("workers against the French population", sources.get("profile"),
                      lambda: france_section(workers, out, lang)))
    if plan.earnings is not None:
        steps.append(("earnings, inequality and poverty", sources.get("earnings"),
                      lambda: living_standards_section(workers, out, plan.earnings, lang)))
    if plan.size is not None:
        steps.append(("population size (capture-recapture model search included)",
                      sources.get("size"), lambda: size_section(plan.size, out, lang)))
    if plan.weighting is not None:
        steps.append(("weighting diagnostics", sources.get("weighting"),
                      lambda: weighting_section(plan.weighting, out, lang)))
    return steps


def _earlier_files(folder: Path) -> list[str]:
    """Names in ``folder`` that no earlier micropop report wrote (its marker lists the rest)."""
    names = sorted(entry.name for entry in folder.iterdir())
    wrote: set[str] = set()
    try:
        listed = json.loads((folder / MARKER).read_text(encoding="utf-8"))["files"]
        wrote = {MARKER, *(name for name in listed if isinstance(name, str))}
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no marker, or not one micropop wrote: every file is the user's
    return [name for name in names if name not in wrote or (folder / name).is_dir()]


def _check_target(out: Path) -> None:
    """Refuse an output path that is a file, or a folder holding files a report did not write."""
    if out.exists() and not out.is_dir():
        raise ReportOutputError(f"the output {str(out)!r} is a file, not a folder",
                                hint="give the name of a new folder, or of an earlier "
                                     "micropop report's folder (which is replaced)")
    if out.is_dir():
        foreign = _earlier_files(out)
        if foreign:
            shown = ", ".join(foreign[:8]) + (f" and {len(foreign) - 8} more"
                                              if len(foreign) > 8 else "")
            raise ReportOutputError(
                f"the output folder {str(out)!r} holds files that no micropop report wrote: "
                f"{shown}",
                hint="write the report into a new folder (micropop replaces a folder only "
                     "when it holds an earlier report and nothing else), or move those "
                     "files away")


def _beside(out: Path, what: str) -> Path:
    """A hidden name beside ``out`` that nothing uses yet."""
    while True:
        path = out.parent / f".{out.name}.micropop-{what}-{secrets.token_hex(4)}"
        if not path.exists():
            return path


def _new_folder(out: Path) -> Path:
    """A new, empty, hidden folder beside ``out`` (made with the user's umask)."""
    while True:
        try:
            folder = _beside(out, "new")
            folder.mkdir()
            return folder
        except FileExistsError:
            continue


def _replace(out: Path, built: Path) -> None:
    """Move the folder ``built`` to ``out``; an earlier report there is replaced as a whole."""
    if not out.exists():
        built.rename(out)
        return
    _check_target(out)  # again: files may have come in while the report was computed
    old = _beside(out, "old")
    out.rename(old)
    try:
        built.rename(out)
    except OSError:
        old.rename(out)  # put the earlier report back
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_report(out_dir: str | Path, plan: ReportPlan | None = None, *, lang: str = "en",
                 progress: bool | None = None) -> Path:
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
        Language of the figure labels.
    progress : bool, optional
        Show each section's progress on standard error; by default only when
        it is a terminal and the ``CI`` environment variable is unset.

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
    if isinstance(out_dir, bool) or not isinstance(out_dir, (str, os.PathLike)) \
            or not str(out_dir).strip():
        raise OptionError(f"out_dir={out_dir!r} is not a folder name",
                          hint="give the path of the report's folder, e.g. 'report'")
    try:
        out = Path(out_dir).resolve()
        _check_target(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        built = _new_folder(out)
    except (OSError, ValueError) as err:
        if isinstance(err, ReportOutputError):
            raise
        raise ReportOutputError(f"cannot write the report into {str(out_dir)!r}: {err}",
                                hint="choose a folder you can write to") from err
    try:
        plan = demo_plan() if plan is None else plan
        steps = _steps(plan, built, lang)
        tracker = Progress(len(steps) + 1, enabled=progress)
        sections = []
        for label, source, build in steps:
            with tracker.step(label), configured_in(source):
                sections.append(build())
        with tracker.step("writing index.html"):
            (built / "index.html").write_text(
                page(plan.title, sections, plan.provenance, plan.read_notes), encoding="utf-8")
            files = sorted(p.name for p in built.iterdir())
            (built / MARKER).write_text(json.dumps(
                {"written_by": f"micropop {__version__}", "files": files}, indent=1) + "\n",
                encoding="utf-8")
        _replace(out, built)
    except OSError as err:
        if isinstance(err, ReportOutputError):
            raise
        raise ReportOutputError(f"cannot write the report into {str(out)!r}: {err}",
                                hint="check the folder's permissions and free space") from err
    finally:
        if built.exists():
            shutil.rmtree(built, ignore_errors=True)
    return out / "index.html"
