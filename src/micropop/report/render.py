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

import pandas as pd

from micropop import __version__
from micropop.report.i18n import say
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


def table_html(frame: pd.DataFrame, percent: Sequence[str] = (), index: bool = True,
               digits: int = 1) -> str:
    """Render a table with escaped labels; ``percent`` columns are shown as percentages.

    A cell that is not defined (NaN) shows :data:`UNDEFINED`, never "nan".

    Parameters
    ----------
    frame : pandas.DataFrame
    percent : sequence of str
        Columns holding shares in [0, 1], shown times 100.
    index : bool, default True
        Show the index.
    digits : int, default 1
        Decimals of floating-point cells.

    Returns
    -------
    str
        The ``<table>`` element.

    Examples
    --------
    >>> import pandas as pd
    >>> shares = pd.DataFrame({"share": [0.123, float("nan")]}, index=["<18", "18-24"])
    >>> text = table_html(shares, percent=["share"])
    >>> "<th>&lt;18</th>" in text, "<td>12.3</td>" in text, f"<td>{UNDEFINED}</td>" in text
    (True, True, True)
    """
    shown = frame.copy()
    for col in percent:
        shown[col] = (100 * shown[col]).map(
            lambda v: UNDEFINED if pd.isna(v) else f"{v:.{digits}f}")
    return shown.to_html(escape=True, border=0, classes="table", index=index,
                         float_format=f"{{:,.{digits}f}}".format, na_rep=UNDEFINED)


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
    values = {key: value if isinstance(value, numbers.Number) else html.escape(str(value))
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
    return table_html(block.frame, percent=block.percent, index=block.index, digits=block.digits)


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


def page(title: str, sections: Sequence[RenderedSection], provenance: str,
         read_notes: Sequence[str] = ()) -> str:
    """The whole self-contained HTML page.

    Parameters
    ----------
    title : str
    sections : sequence of RenderedSection
    provenance : str
        Where the data come from, shown at the top.
    read_notes : sequence of str
        What the reader guessed about the data files, listed under the
        provenance as "How the data were read".

    Returns
    -------
    str

    Examples
    --------
    >>> text = page("T", [], "Data: x.csv", ["x.csv: separator ';' <guessed>"])
    >>> "<li>x.csv: separator &#x27;;&#x27; &lt;guessed&gt;</li>" in text
    True
    """
    body = "\n".join(f"<section><h2>{html.escape(s.title)}</h2>\n{s.body}\n</section>"
                     for s in sections)
    notes = ""
    if read_notes:
        notes = ('<div class="read-notes"><h3>How the data were read</h3>\n<ul>\n'
                 + "".join(f"<li>{html.escape(str(note))}</li>\n" for note in read_notes)
                 + "</ul></div>\n")
    return f"""<!DOCTYPE html>
<html lang="en">
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
.read-notes {{ font-size: 0.9em; color: #444; }}
img {{ max-width: 100%; }}
footer {{ margin-top: 3rem; color: #666; font-size: 0.9em; }}
</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<p class="note">{html.escape(provenance)}</p>
{notes}{body}
<footer>Made with micropop {html.escape(__version__)}.</footer>
</body>
</html>
"""
