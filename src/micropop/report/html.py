"""The report's HTML helpers under their earlier names, for code written against them.

The report now computes, then renders: the HTML text is made in
:mod:`micropop.report.render` (which writes nothing), and the files by
:mod:`micropop.report.writer`. This module keeps the names it had:
:class:`Section` (a rendered section, now
:class:`~micropop.report.render.RenderedSection`), :func:`table_html`,
:func:`figure_html`, :func:`page` and :data:`UNDEFINED`.

Examples
--------
>>> import pandas as pd
>>> from micropop.report.html import table_html
>>> "<td>&lt;b&gt;</td>" in table_html(pd.DataFrame({"level": ["<b>"]}), index=False)
True
"""

from __future__ import annotations

from micropop.report.render import RenderedSection, page, table_html
from micropop.report.result import UNDEFINED
from micropop.report.writer import figure_html

__all__ = ["Section", "table_html", "figure_html", "page", "UNDEFINED"]

#: A section of the report with its body rendered as HTML (the earlier name of
#: :class:`~micropop.report.render.RenderedSection`).
Section = RenderedSection
