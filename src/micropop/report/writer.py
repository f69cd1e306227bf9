"""The report's writer: the one module of the report that writes files.

It renders computed sections (:class:`~micropop.report.result.Section`):
each table as CSV, each figure as PNG and SVG (the PNG also embedded in the
page), and the page ``index.html`` with every text from the data escaped.

A report is written by a :class:`ReportFolder`: into a new hidden folder
beside the output folder, then moved into place, so a run that fails leaves
nothing behind (and an earlier report intact). The output may be a new
folder, an empty one, or an earlier micropop report's, which is then replaced
as a whole: the file ``.micropop-report.json`` that every report writes lists
its files. A folder holding anything else is never written into.

Examples
--------
>>> import tempfile, pathlib
>>> from micropop.report.result import Section, Table, Text
>>> import pandas as pd
>>> section = Section("Counts", (Text("{n} rows.", {"n": 2}),),
...                   (Table("counts", pd.DataFrame({"n": [1, 1]})),))
>>> out = pathlib.Path(tempfile.mkdtemp()) / "report"
>>> index = write_sections(out, [section], title="A report")
>>> sorted(p.name for p in out.iterdir())
['.micropop-report.json', 'counts.csv', 'index.html', 'tables.xlsx']
"""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import matplotlib
import pandas as pd
from matplotlib.figure import Figure as MatplotlibFigure

from micropop import __version__
from micropop.errors import OptionError, ReportOutputError, check_option
from micropop.report.glossary import heading
from micropop.report.i18n import Tr, say
from micropop.report.render import RenderedSection, block_html, img_tag, page
from micropop.report.result import Figure, Section, Table

__all__ = ["MARKER", "CSV_FORMATS", "ReportFolder", "write_section", "write_sections",
           "write_table", "write_workbook", "figure_html"]

#: The file a report writes into its folder, listing the files it wrote (and so may replace).
MARKER = ".micropop-report.json"


def figure_html(fig: MatplotlibFigure, out_dir: Path, stem: str) -> str:
    """Save ``fig`` as PNG and SVG in ``out_dir``; return an <img> tag with the PNG embedded.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The drawn figure.
    out_dir : pathlib.Path
        An existing folder; files of the same names are replaced.
    stem : str
        File name without extension.

    Returns
    -------
    str
        The tag, with the file name in its ``data-file`` attribute.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 2))
    >>> _ = fig.subplots().plot([0, 1], [0, 1])
    >>> out = Path(tempfile.mkdtemp())
    >>> tag = figure_html(fig, out, "line")
    >>> tag.startswith('<img src="data:image/png;base64,'), tag.endswith('data-file="line.png">')
    (True, True)
    >>> sorted(p.name for p in out.iterdir())
    ['line.png', 'line.svg']
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    png = buffer.getvalue()
    (out_dir / f"{stem}.png").write_bytes(png)
    with matplotlib.rc_context({"svg.hashsalt": stem}):
        fig.savefig(out_dir / f"{stem}.svg", format="svg", bbox_inches="tight",
                    metadata={"Date": None})
    return img_tag(png, stem)


def _draw(figure: Figure, lang: str) -> MatplotlibFigure:
    """The figure drawn on a new matplotlib figure of its size."""
    fig = MatplotlibFigure(figsize=figure.size, layout="constrained")
    figure(fig.subplots(), lang)
    return fig


#: How the tables' CSV files are written: "plain" (``,``, decimal point, UTF-8, the
#: machine column names) or "excel-fr" (for French Excel: ``;``, decimal comma, UTF-8 with
#: a byte-order mark, the column names in the report's language).
CSV_FORMATS = ("plain", "excel-fr")


def _for_people(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table with its column and index names as the glossary names them in ``lang``."""
    shown = frame.rename(columns=lambda name: heading(name, lang))
    shown.index = shown.index.set_names([None if name is None else heading(name, lang)
                                         for name in shown.index.names])
    return shown


def write_table(folder: Path, table: Table, csv: str = "plain", lang: str = "en") -> Path:
    """Write a table as ``name.csv`` in ``folder``, plain or for French Excel.

    Parameters
    ----------
    folder : pathlib.Path
        An existing folder; a file of the same name is replaced.
    table : Table
        The table.
    csv : {"plain", "excel-fr"}, default "plain"
        See :data:`CSV_FORMATS`.
    lang : {"en", "fr"}, default "en"
        The language of the column names of an ``"excel-fr"`` file.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> table = Table("shares", pd.DataFrame({"estimate": [0.25], "ci_low": [0.2]}),
    ...               index=False)
    >>> path = write_table(Path(tempfile.mkdtemp()), table, csv="excel-fr", lang="fr")
    >>> path.read_bytes().decode("utf-8-sig").splitlines()
    ['estimation;IC 95 % bas', '0,25;0,2']
    """
    check_option("csv", csv, CSV_FORMATS)
    path = folder / f"{table.name}.csv"
    if csv == "excel-fr":
        _for_people(table.frame, lang).to_csv(path, index=table.index, sep=";", decimal=",",
                                              encoding="utf-8-sig", lineterminator="\r\n")
    else:
        table.frame.to_csv(path, index=table.index, lineterminator="\n")
    return path


def write_workbook(path: Path, tables: Sequence[Table], people: str | None = None) -> Path:
    """Write every table into one Excel workbook, one sheet per table (named as its CSV).

    Parameters
    ----------
    path : pathlib.Path
        The ``.xlsx`` file (replaced if it exists).
    tables : sequence of Table
        The tables, in page order.
    people : {"en", "fr"}, optional
        Name the columns in this language (the glossary's names); the
        machine names when omitted.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> counts = Table("counts", pd.DataFrame({"n": [3, 4]}), index=False)
    >>> path = write_workbook(Path(tempfile.mkdtemp()) / "tables.xlsx", [counts])
    >>> pd.read_excel(path, sheet_name=None)["counts"]["n"].tolist()
    [3, 4]
    """
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        for table in tables:
            frame = table.frame if people is None else _for_people(table.frame, people)
            frame.to_excel(book, sheet_name=table.name[:31], index=table.index)
    return path


def write_section(folder: str | Path, section: Section, lang: str = "en",
                  csv: str = "plain") -> RenderedSection:
    """Write a section's tables (CSV) and figures (PNG, SVG) into ``folder``; return its HTML.

    Parameters
    ----------
    folder : str or pathlib.Path
        An existing folder; files of the same names are replaced.
    section : Section
        What a section function computed.
    lang : {"en", "fr"}, default "en"
        Language of micropop's words and of the figure labels.
    csv : {"plain", "excel-fr"}, default "plain"
        How the tables are written (see :data:`CSV_FORMATS`).

    Returns
    -------
    RenderedSection
        The section's title and its body as HTML (figures embedded).

    Examples
    --------
    >>> import tempfile
    >>> import micropop as mp
    >>> from micropop.report import profile_section
    >>> workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> rendered = write_section(tempfile.mkdtemp(), profile_section(workers, ["sex"]))
    >>> rendered.body.startswith("<p>Shares of respondents (1,000)")
    True
    """
    if not isinstance(section, Section):
        raise OptionError(f"section is a {type(section).__name__}, not a Section",
                          hint="pass what a section function returns, e.g. profile_section(...)")
    folder = Path(folder)
    for table in section.tables:
        write_table(folder, table, csv, lang)
    parts = [figure_html(_draw(block, lang), folder, block.name) if isinstance(block, Figure)
             else block_html(block, lang) for block in section.blocks]
    return RenderedSection(say(section.title, lang), "\n".join(parts))


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


class ReportFolder:
    """A report's folder while it is written; use it as a context manager.

    Opening it checks ``out_dir`` (a new folder, an empty one, or an earlier
    report's) and makes a new hidden folder beside it; :meth:`add` writes a
    section's files there; :meth:`finish` writes ``index.html`` and the list
    of files, and moves the folder into place. Leaving the ``with`` block
    without finishing (an error) removes the hidden folder, and the output
    is left as it was. An error of the system (permissions, a full disk) is
    raised as :class:`~micropop.errors.ReportOutputError`.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Folder of the report (created if needed).
    csv : {"plain", "excel-fr"}, default "plain"
        How the tables' CSV files are written (see :data:`CSV_FORMATS`); every
        table is also written into the workbook ``tables.xlsx``, one sheet each.

    Raises
    ------
    OptionError
        ``out_dir`` is not a folder name, or ``csv`` not one of :data:`CSV_FORMATS`.
    ReportOutputError
        ``out_dir`` is a file, holds files that no micropop report wrote, or
        cannot be written (the system's reason is given).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from micropop.report.result import Section, Text
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report"
    >>> with ReportFolder(out) as folder:
    ...     part = folder.add(Section("Hello", (Text("A first section."),)))
    ...     index = folder.finish("Title", [part])
    >>> index.name, "<p>A first section.</p>" in index.read_text(encoding="utf-8")
    ('index.html', True)
    """

    def __init__(self, out_dir: str | Path, csv: str = "plain") -> None:
        check_option("csv", csv, CSV_FORMATS)
        self.csv = csv
        self._tables: list[Table] = []
        self._lang = "en"
        if isinstance(out_dir, bool) or not isinstance(out_dir, (str, os.PathLike)) \
                or not str(out_dir).strip():
            raise OptionError(f"out_dir={out_dir!r} is not a folder name",
                              hint="give the path of the report's folder, e.g. 'report'")
        try:
            self.out = Path(out_dir).resolve()
            _check_target(self.out)
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self.built = _new_folder(self.out)
        except (OSError, ValueError) as err:
            if isinstance(err, ReportOutputError):
                raise
            raise ReportOutputError(f"cannot write the report into {str(out_dir)!r}: {err}",
                                    hint="choose a folder you can write to") from err
        self._names: dict[str, str] = {}

    def __enter__(self) -> ReportFolder:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.built.exists():
            shutil.rmtree(self.built, ignore_errors=True)
        if isinstance(error, OSError) and not isinstance(error, ReportOutputError):
            raise ReportOutputError(f"cannot write the report into {str(self.out)!r}: {error}",
                                    hint="check the folder's permissions and free space"
                                    ) from error

    def add(self, section: Section, lang: str = "en") -> RenderedSection:
        """Write a section's files (see :func:`write_section`); return its HTML.

        Parameters
        ----------
        section : Section
            A computed section whose tables and figures have names no earlier
            section of this folder used.
        lang : {"en", "fr"}, default "en"
            The figures' labels' language.

        Returns
        -------
        RenderedSection
            To hand to :meth:`finish`, in page order.

        Raises
        ------
        ReportOutputError
            A file of this section has the name of one an earlier section wrote.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> import pandas as pd
        >>> from micropop.report.result import Section, Table
        >>> counts = Table("counts", pd.DataFrame({"n": [3]}))
        >>> with ReportFolder(pathlib.Path(tempfile.mkdtemp()) / "report") as folder:
        ...     first = folder.add(Section("Pay", tables=(counts,)))
        ...     folder.add(Section("Hours", tables=(counts,)))
        Traceback (most recent call last):
        ...
        micropop.errors.ReportOutputError: the sections 'Pay' and 'Hours' both write counts.csv. ...
        """
        files = ([f"{t.name}.csv" for t in section.tables]
                 + [f"{f.name}.{ext}" for f in section.figures for ext in ("png", "svg")])
        taken = [name for name in files if name in self._names]
        if taken:
            raise ReportOutputError(f"the sections {self._names[taken[0]]!r} and "
                                    f"{str(section.title)!r} both write {taken[0]}",
                                    hint="give each table and figure its own name")
        self._names.update(dict.fromkeys(files, str(section.title)))
        self._tables.extend(section.tables)
        self._lang = lang
        return write_section(self.built, section, lang, self.csv)

    def finish(self, title: str, sections: Sequence[RenderedSection], provenance: str | Tr = "",
               read_notes: Sequence[str] = (), *, lang: str | None = None,
               about: Sequence[tuple[str | Tr, str | Tr]] = (), config: str = "") -> Path:
        """Write ``index.html``, ``tables.xlsx`` and the list of files, move the folder into place.

        The workbook holds every table the sections wrote (none, no workbook).

        Parameters
        ----------
        title : str
            The page's title.
        sections : sequence of RenderedSection
            What :meth:`add` returned, in page order.
        provenance : str, default ""
            Where the data come from, shown at the top of the page.
        read_notes : sequence of str
            What the reader guessed about the data files.
        lang : {"en", "fr"}, optional
            The page's language; that of the sections added when omitted.
        about : sequence of (str or Tr, str or Tr)
            Named facts shown in the page's header (date, files, design).
        config : str, default ""
            The configuration file's text, shown collapsed.

        Returns
        -------
        pathlib.Path
            The path of ``index.html`` in the output folder.

        Examples
        --------
        >>> from pathlib import Path
        >>> from tempfile import mkdtemp
        >>> from micropop.report.render import RenderedSection
        >>> folder = ReportFolder(Path(mkdtemp()) / "notes")
        >>> index = folder.finish("Micro-work", [RenderedSection("Sample", "<p>1,000.</p>")],
        ...                       provenance="Data: demo survey",
        ...                       read_notes=["workers.csv: separator ';' (guessed)"])
        >>> "How the data were read" in index.read_text(encoding="utf-8")
        True
        >>> sorted(p.name for p in index.parent.iterdir())
        ['.micropop-report.json', 'index.html']
        """
        lang = self._lang if lang is None else lang
        (self.built / "index.html").write_text(
            page(title, sections, provenance, read_notes, lang=lang, about=about, config=config),
            encoding="utf-8")
        if self._tables:
            write_workbook(self.built / "tables.xlsx", self._tables,
                           people=lang if self.csv == "excel-fr" else None)
        files = sorted(p.name for p in self.built.iterdir())
        (self.built / MARKER).write_text(json.dumps(
            {"written_by": f"micropop {__version__}", "files": files}, indent=1) + "\n",
            encoding="utf-8")
        _replace(self.out, self.built)
        return self.out / "index.html"


def write_sections(out_dir: str | Path, sections: Sequence[Section], *, title: str,
                   provenance: str | Tr = "", read_notes: Sequence[str] = (),
                   lang: str = "en", csv: str = "plain") -> Path:
    """Write computed sections as a report in ``out_dir``; return the index page's path.

    As :func:`micropop.report.write_report` does for the sections of a plan
    (see :class:`ReportFolder` for how the folder is written).

    Parameters
    ----------
    out_dir : str or pathlib.Path
    sections : sequence of Section
    title, provenance : str
        The page's title, and where the data come from.
    read_notes : sequence of str
        What the reader guessed about the data files.
    lang : {"en", "fr"}, default "en"
        Language of the page, its tables and its figures.
    csv : {"plain", "excel-fr"}, default "plain"
        How the tables' CSV files are written (see :data:`CSV_FORMATS`).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import micropop as mp
    >>> from micropop.report import profile_section
    >>> workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "profile"
    >>> write_sections(out, [profile_section(workers, ["sex"])], title="Profile").name
    'index.html'
    >>> sorted(p.name for p in out.iterdir())
    ['.micropop-report.json', 'index.html', 'profile.csv', 'tables.xlsx']
    """
    with ReportFolder(out_dir, csv) as folder:
        rendered = [folder.add(section, lang) for section in sections]
        return folder.finish(title, rendered, provenance, read_notes, lang=lang)
