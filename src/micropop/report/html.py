"""HTML building blocks of the report: escaped tables, embedded figures, the page.

Examples
--------
>>> import pandas as pd
>>> from micropop.report.html import table_html
>>> "<td>&lt;b&gt;</td>" in table_html(pd.DataFrame({"level": ["<b>"]}), index=False)
True
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from micropop import __version__

__all__ = ["Section", "table_html", "figure_html", "page", "UNDEFINED"]

#: How a table cell shows a number that is not defined (NaN), e.g. the logit interval of a
#: share of 0; the section's text says why.
UNDEFINED = "–"


@dataclass(frozen=True)
class Section:
    """One titled part of the report, its body already rendered as HTML."""

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
    """
    shown = frame.copy()
    for col in percent:
        shown[col] = (100 * shown[col]).map(
            lambda v: UNDEFINED if pd.isna(v) else f"{v:.{digits}f}")
    return shown.to_html(escape=True, border=0, classes="table", index=index,
                         float_format=f"{{:,.{digits}f}}".format, na_rep=UNDEFINED)


def figure_html(fig: Figure, out_dir: Path, stem: str) -> str:
    """Save ``fig`` as PNG and SVG in ``out_dir``; return an <img> tag with the PNG embedded.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    out_dir : pathlib.Path
    stem : str
        File name without extension.

    Returns
    -------
    str
        The tag, with the file name in its ``data-file`` attribute.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    png = buffer.getvalue()
    (out_dir / f"{stem}.png").write_bytes(png)
    with matplotlib.rc_context({"svg.hashsalt": stem}):
        fig.savefig(out_dir / f"{stem}.svg", format="svg", bbox_inches="tight",
                    metadata={"Date": None})
    data = base64.b64encode(png).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(stem)}" '
            f'data-file="{html.escape(stem)}.png">')


def page(title: str, sections: Sequence[Section], provenance: str,
         read_notes: Sequence[str] = ()) -> str:
    """The whole self-contained HTML page.

    Parameters
    ----------
    title : str
    sections : sequence of Section
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
table.table th, table.table td {{ padding: 0.2rem 0.7rem; border-bottom: 1px solid #ddd; text-align: right; }}
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
