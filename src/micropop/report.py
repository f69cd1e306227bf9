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

import base64
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from micropop import __version__, datasets
from micropop.describe import binned, shares
from micropop.plotting import earnings_histogram

__all__ = ["write_report", "PROFILE_VARIABLES", "EARNINGS_EDGES", "EARNINGS_LABELS"]

#: Variables of the worker profile table in the demo report.
PROFILE_VARIABLES = ("sex", "age_band", "education", "employment")

#: Left edges (EUR/month) of the earnings bins: exactly zero apart, then widening bins.
EARNINGS_EDGES = (0, 0.01, 5, 10, 20, 50, 100, 200)
#: Labels of the earnings bins, one per left edge.
EARNINGS_LABELS = ("0", "0–5", "5–10", "10–20", "20–50", "50–100", "100–200", "200+")


@dataclass(frozen=True)
class _Section:
    title: str
    body: str


def _table_html(frame: pd.DataFrame, percent: Sequence[str] = ()) -> str:
    """Render a table with escaped labels; ``percent`` columns are shown as %."""
    shown = frame.copy()
    for col in percent:
        shown[col] = (100 * shown[col]).map("{:.1f}".format)
    return shown.to_html(escape=True, border=0, classes="table", float_format="{:,.1f}".format)


def _figure_files(fig: Figure, out_dir: Path, stem: str) -> str:
    """Save ``fig`` as PNG and SVG in ``out_dir``; return an <img> tag with the PNG embedded."""
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


def _page(title: str, sections: Sequence[_Section], provenance: str) -> str:
    body = "\n".join(f"<section><h2>{html.escape(s.title)}</h2>\n{s.body}\n</section>"
                     for s in sections)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }}
h1 {{ color: #1f5a91; }}
table.table {{ border-collapse: collapse; font-variant-numeric: tabular-nums; }}
table.table th, table.table td {{ padding: 0.2rem 0.7rem; border-bottom: 1px solid #ddd; text-align: right; }}
table.table th {{ text-align: left; }}
.note {{ background: #fff6e5; border-left: 4px solid #c2571a; padding: 0.5rem 1rem; }}
img {{ max-width: 100%; }}
footer {{ margin-top: 3rem; color: #666; font-size: 0.9em; }}
</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<p class="note">{html.escape(provenance)}</p>
{body}
<footer>Made with micropop {html.escape(__version__)}.</footer>
</body>
</html>
"""


def write_report(out_dir: str | Path, survey: pd.DataFrame | None = None, *,
                 weights: str = "weight", profile: Sequence[str] = PROFILE_VARIABLES,
                 earnings: str = "earnings_month", lang: str = "en") -> Path:
    """Write the worker-survey report into ``out_dir`` and return the index page's path.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Folder to write into (created if needed). Files written:
        ``index.html``, ``profile.csv``, ``earnings_bins.csv``,
        ``earnings.png`` and ``earnings.svg``.
    survey : pandas.DataFrame, optional
        Worker survey data; the synthetic demo survey when omitted.
    weights : str, default "weight"
        Column of probability weights.
    profile : sequence of str
        Categorical variables of the profile table.
    earnings : str, default "earnings_month"
        Column of monthly micro-work earnings in euros.
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
    >>> sorted(p.name for p in path.parent.iterdir())  # doctest: +NORMALIZE_WHITESPACE
    ['earnings.png', 'earnings.svg', 'earnings_bins.csv', 'index.html', 'profile.csv']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    demo = survey is None
    data = datasets.load_worker_survey() if demo else survey

    table = shares(data, profile, weights=weights)
    table.to_csv(out / "profile.csv", lineterminator="\n")
    profile_html = _table_html(
        table[["n", "share", "weighted_share"]].rename(
            columns={"share": "unweighted %", "weighted_share": "weighted %"}),
        percent=["unweighted %", "weighted %"],
    )

    bins = binned(data[earnings], EARNINGS_EDGES, weights=data[weights], labels=EARNINGS_LABELS)
    bins.to_csv(out / "earnings_bins.csv", index=False, lineterminator="\n")
    fig = Figure(figsize=(7, 4), layout="constrained")
    earnings_histogram(bins, ax=fig.subplots(), lang=lang)
    figure_html = _figure_files(fig, out, "earnings")

    sections = [
        _Section("Who the workers are",
                 f"<p>Shares of respondents ({len(data):,}), unweighted and weighted by "
                 f"<code>{html.escape(weights)}</code>.</p>\n{profile_html}"),
        _Section("What micro-work pays",
                 "<p>Weighted share of workers by monthly micro-work earnings; the first bar is "
                 f"exactly zero.</p>\n{figure_html}\n"
                 + _table_html(bins[["label", "n", "share", "weighted_share"]].set_index("label"),
                               percent=["share", "weighted_share"])),
    ]
    provenance = ("Demo data: SYNTHETIC worker survey generated by data/scripts/generate.py, "
                  "calibrated to the DiPLab 2019 published figures; not real respondents."
                  if demo else f"Data: user-supplied survey of {len(data):,} rows.")
    index = out / "index.html"
    index.write_text(_page("Micro-workers: profile and earnings", sections, provenance),
                     encoding="utf-8")
    return index
