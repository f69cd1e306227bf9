"""HTML of the report, as text: escaped tables and paragraphs, embedded figures, the page.

Nothing here draws or writes a file: :mod:`micropop.report.writer` draws the
figures, writes the files and calls these functions for the page.

Examples
--------
>>> import pandas as pd
>>> from micropop.report.render import table_html
>>> "<td>&lt;b&gt;</td>" in table_html(pd.DataFrame({"level": ["<b>"]}), index=False)
True
"""

from __future__ import annotations

import base64
import html
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from micropop import __version__
from micropop.errors import check_option
from micropop.report.glossary import heading, is_count, is_p_value
from micropop.report.i18n import LANGUAGES, Tr, say
from micropop.report.numbers import LocalNumber, number, p_value
from micropop.report.result import UNDEFINED, Heading, TableView, Text

__all__ = ["RenderedSection", "table_html", "text_html", "block_html", "img_tag", "page"]


@dataclass(frozen=True)
class RenderedSection:
    """One titled part of the report, its body rendered as HTML (its files written).

    Parameters
    ----------
    title : str
        The section's title, as plain text (escaped by :func:`page`).
    body : str
        The section's HTML, its data already escaped.

    Examples
    --------
    >>> section = RenderedSection("Hours & pay", "<p>12 workers.</p>")
    >>> "<h2>Hours &amp; pay</h2>" in page("Report", [section], "Data: demo")
    True
    """

    title: str
    body: str


def _cells(values: pd.Series, kind: str, lang: str, digits: int,
           counts: Sequence[bool]) -> list[str]:
    """A column's cells as text: numbers in ``lang``, words said in ``lang``."""
    out = []
    for value, count in zip(values, counts, strict=True):
        if isinstance(value, Tr):
            out.append(say(value, lang))
        elif isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            out.append(UNDEFINED if value is None or value is pd.NA else str(value))
        elif kind == "percent":
            out.append(number(100 * float(value), lang, digits))
        elif kind == "p":
            out.append(p_value(value, lang))
        elif kind == "count" or count or isinstance(value, (numbers.Integral, np.integer)):
            out.append(number(value, lang, 0))
        else:
            out.append(number(value, lang, digits))
    return out


def _index(index: pd.Index, lang: str) -> pd.Index:
    """The index with its names from the glossary and its labels said in ``lang``."""
    names = [heading(name, lang) if name is not None else None for name in index.names]
    if isinstance(index, pd.MultiIndex):
        tuples = [tuple(say(v, lang) if isinstance(v, Tr) else v for v in row) for row in index]
        return pd.MultiIndex.from_tuples(tuples, names=names)
    return pd.Index([say(v, lang) if isinstance(v, Tr) else v for v in index], name=names[0])


def table_html(frame: pd.DataFrame, percent: Sequence[str] = (), index: bool = True,
               digits: int = 1, lang: str = "en") -> str:
    """Render a table for people: escaped labels, names from the glossary, numbers in ``lang``.

    Column and index names are shown as :mod:`~micropop.report.glossary`
    names them; ``percent`` columns are shown times 100, p-values as
    ``< 0.001`` below a thousandth, counts (integers, and the glossary's
    count columns and rows) without decimals, other numbers with ``digits``
    decimals; thousands are separated (``295,985``; ``295 985`` in French,
    with ``0,679``). A cell that is not defined (NaN) shows :data:`UNDEFINED`,
    never "nan"; a column with no defined cell is left out.

    Parameters
    ----------
    frame : pandas.DataFrame
    percent : sequence of str
        Columns holding shares in [0, 1], shown times 100.
    index : bool, default True
        Show the index.
    digits : int, default 1
        Decimals of floating-point cells (and of percentages).
    lang : {"en", "fr"}, default "en"
        The language of the names and numbers.

    Returns
    -------
    str
        The ``<table>`` element.

    Examples
    --------
    >>> import pandas as pd
    >>> shares = pd.DataFrame({"share": [0.123, float("nan")], "n": [1200, 3]},
    ...                       index=["<18", "18-24"])
    >>> text = table_html(shares, percent=["share"])
    >>> "<th>&lt;18</th>" in text, "<td>12.3</td>" in text, f"<td>{UNDEFINED}</td>" in text
    (True, True, True)
    >>> "<td>1,200</td>" in text, "<td>1\u202f200</td>" in table_html(shares, lang="fr")
    (True, True)
    """
    check_option("lang", lang, LANGUAGES)
    defined = [col for col in frame.columns
               if len(frame) == 0 or not frame[col].isna().all()]
    rows = [is_count(label) for label in frame.index]
    cells = {}
    for col in defined:
        kind = ("percent" if col in percent else "p" if is_p_value(col)
                else "count" if is_count(col) else "number")
        cells[heading(col, lang)] = _cells(frame[col], kind, lang, digits, rows)
    shown = pd.DataFrame(cells, index=_index(frame.index, lang), columns=list(cells))
    return shown.to_html(escape=True, border=0, classes="table", index=index, na_rep=UNDEFINED)


def text_html(text: Text, lang: str = "en") -> str:
    """A paragraph: micropop's template with the values from the data escaped.

    Parameters
    ----------
    text : Text
        The paragraph's template and values.
    lang : {"en", "fr"}, default "en"
        The language of the template used.

    Returns
    -------
    str
        The ``<p>`` element.

    Examples
    --------
    >>> text_html(Text("<code>{name}</code> of {n:,} rows", {"name": "<b>", "n": 1200}))
    '<p><code>&lt;b&gt;</code> of 1,200 rows</p>'
    """
    values = {key: LocalNumber(value, lang) if isinstance(value, numbers.Number)
              else html.escape(say(value, lang) if isinstance(value, Tr) else str(value))
              for key, value in text.values.items()}
    return f"<p>{say(text.template, lang).format_map(values)}</p>"


def block_html(block: Heading | Text | TableView, lang: str = "en") -> str:
    """A heading, paragraph or table of a section as HTML (a figure is drawn by the writer).

    Parameters
    ----------
    block : Heading, Text or TableView
        The block.
    lang : {"en", "fr"}, default "en"
        The language of micropop's words.

    Returns
    -------
    str
        Its HTML element, every value from the data escaped.

    Examples
    --------
    >>> block_html(Heading("Sex <and> age"))
    '<h3>Sex &lt;and&gt; age</h3>'
    """
    if isinstance(block, Heading):
        return f"<h3>{html.escape(say(block.text, lang))}</h3>"
    if isinstance(block, Text):
        return text_html(block, lang)
    return table_html(block.frame, percent=block.percent, index=block.index, digits=block.digits,
                      lang=lang)


def img_tag(png: bytes, name: str) -> str:
    """An <img> tag with the PNG embedded, naming its file in ``data-file``.

    Parameters
    ----------
    png : bytes
        The figure's PNG file.
    name : str
        The figure's file name, without ``.png`` (also its ``alt`` text).

    Returns
    -------
    str
        The ``<img>`` element.

    Examples
    --------
    >>> img_tag(b"PNG", "lorenz")
    '<img src="data:image/png;base64,UE5H" alt="lorenz" data-file="lorenz.png">'
    """
    data = base64.b64encode(png).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(name)}" '
            f'data-file="{html.escape(name)}.png">')


#: The page's own words.
_WORDS = {
    "read": Tr("How the data were read", "Comment les données ont été lues"),
    "contents": Tr("Contents", "Sommaire"),
    "config": Tr("The configuration used", "La configuration utilisée"),
    "made": Tr("Made with micropop {version}.", "Réalisé avec micropop {version}."),
}


def _header(rows: Sequence[tuple[str | Tr, str | Tr]], config: str, lang: str) -> str:
    """The page's header: what was analysed, how, and the configuration (collapsed)."""
    parts = []
    if rows:
        parts.append('<dl class="about">\n' + "".join(
            f"<dt>{html.escape(say(name, lang))}</dt><dd>{html.escape(say(value, lang))}</dd>\n"
            for name, value in rows) + "</dl>\n")
    if config:
        parts.append(f"<details><summary>{html.escape(say(_WORDS['config'], lang))}</summary>\n"
                     f"<pre>{html.escape(config)}</pre></details>\n")
    return "".join(parts)


def page(title: str, sections: Sequence[RenderedSection], provenance: str | Tr,
         read_notes: Sequence[str] = (), *, lang: str = "en",
         about: Sequence[tuple[str | Tr, str | Tr]] = (), config: str = "") -> str:
    """The whole self-contained HTML page.

    At the top: the title, the provenance, ``about`` (the date, the data
    files, the design in words...), the configuration used (collapsed), what
    the reader guessed about the data files, and a table of contents linking
    to each section.

    Parameters
    ----------
    title : str
    sections : sequence of RenderedSection
    provenance : str or Tr
        Where the data come from, shown at the top.
    read_notes : sequence of str
        What the reader guessed about the data files, listed under the
        provenance as "How the data were read"; each in ``lang`` when it holds
        its French (``df.attrs["read_notes"]`` does).
    lang : {"en", "fr"}, default "en"
        The page's language (``<html lang>`` and its own words).
    about : sequence of (str or Tr, str or Tr)
        Named facts about the report shown in its header, e.g.
        ``(Tr("Date", "Date"), "2026-12-04")``.
    config : str, default ""
        The text of the configuration file used, shown collapsed (escaped).

    Returns
    -------
    str

    Examples
    --------
    >>> text = page("T", [], "Data: x.csv", ["x.csv: separator ';' <guessed>"])
    >>> "<li>x.csv: separator &#x27;;&#x27; &lt;guessed&gt;</li>" in text
    True
    >>> french = page("T", [RenderedSection("Profil", "")], "", lang="fr",
    ...               config='title = "<b>"')
    >>> '<html lang="fr">' in french, 'href="#section-1">Profil</a>' in french
    (True, True)
    >>> "<pre>title = &quot;&lt;b&gt;&quot;</pre>" in french
    True
    """
    check_option("lang", lang, LANGUAGES)
    body = "\n".join(f'<section id="section-{i}"><h2>{html.escape(s.title)}</h2>\n{s.body}\n'
                     "</section>" for i, s in enumerate(sections, start=1))
    contents = ""
    if sections:
        contents = (f'<nav class="contents"><h3>{html.escape(say(_WORDS["contents"], lang))}</h3>'
                    "\n<ol>\n" + "".join(
                        f'<li><a href="#section-{i}">{html.escape(s.title)}</a></li>\n'
                        for i, s in enumerate(sections, start=1)) + "</ol></nav>\n")
    notes = ""
    if read_notes:
        notes = (f'<div class="read-notes"><h3>{html.escape(say(_WORDS["read"], lang))}</h3>\n'
                 "<ul>\n" + "".join(f"<li>{html.escape(say(note, lang))}</li>\n"
                                     for note in read_notes)
                 + "</ul></div>\n")
    made = say(_WORDS["made"], lang).format(version=html.escape(__version__))
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }}
h1 {{ color: #1f5a91; }}
table.table {{ border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 1rem 0; }}
table.table th, table.table td {{ padding: 0.2rem 0.7rem; border-bottom: 1px solid #ddd;
                                 text-align: right; }}
table.table th {{ text-align: left; }}
.note {{ background: #fff6e5; border-left: 4px solid #c2571a; padding: 0.5rem 1rem; }}
.read-notes, .about, details {{ font-size: 0.9em; color: #444; }}
dl.about {{ display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; }}
dl.about dt {{ font-weight: 600; }}
dl.about dd {{ margin: 0; }}
details pre {{ background: #f6f6f6; padding: 0.5rem; overflow-x: auto; }}
img {{ max-width: 100%; }}
footer {{ margin-top: 3rem; color: #666; font-size: 0.9em; }}
</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<p class="note">{html.escape(say(provenance, lang))}</p>
{_header(about, config, lang)}{notes}{contents}{body}
<footer>{made}</footer>
</body>
</html>
"""
