"""One result protocol: every result is shown from its tables and a title.

Every result type of micropop (:class:`~micropop.estimation.Estimate`,
:class:`~micropop.size.SizeEstimate`, :class:`~micropop.size.Circles`,
:class:`~micropop.estimation.ChisqTest`,
:class:`~micropop.estimation.association.GoodnessOfFit`,
:class:`~micropop.weighting.WeightSummary`, :class:`~micropop.profile.Profile`)
is an immutable dataclass deriving from :class:`Result`, and offers:

- ``to_frame()``: a DataFrame indexed by the result's labels, with the
  columns ``estimate``, ``se``, ``ci_low``, ``ci_high`` where they apply;
- :attr:`Result.title`: one line saying what the result is;
- ``summary()``, ``repr()`` and ``_repr_html_()`` (notebooks), all rendered
  by the same two functions, :func:`render_text` and :func:`render_html`,
  from the title and the result's blocks (lines of text and tables). The HTML
  escapes every string: labels are data, never markup.

A result type implements ``to_frame()`` and ``_title()``; it may override
``_blocks()`` (what follows the title; by default the table of ``to_frame()``).
This module imports nothing from the rest of the package.

Examples
--------
>>> from dataclasses import dataclass
>>> import pandas as pd
>>> @dataclass(frozen=True, repr=False)
... class Count(Result):
...     label: str
...     value: float
...     def to_frame(self) -> pd.DataFrame:
...         return pd.DataFrame({"estimate": [self.value]}, index=[self.label])
...     def _title(self) -> str:
...         return "A count"
>>> count = Count("<b>people</b>", 12.0)
>>> print(count.summary())
A count
               estimate
<b>people</b>      12.0
>>> "&lt;b&gt;people&lt;/b&gt;" in count._repr_html_()
True
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

import pandas as pd

__all__ = ["Block", "Result", "Table", "render_html", "render_text"]


@dataclass(frozen=True, eq=False)
class Table:
    """A table to show in a result, with how to format its floats.

    Parameters
    ----------
    frame : DataFrame
        The table (its index is shown).
    float_format : str, optional
        A format for every float, e.g. ``"{:.4f}"``; pandas' default without it.

    Examples
    --------
    >>> import pandas as pd
    >>> print(render_text("Shares", [Table(pd.DataFrame({"share": [1 / 3]}), "{:.2f}")]))
    Shares
       share
    0   0.33
    """

    frame: pd.DataFrame
    float_format: str | None = None

    def _formatter(self) -> Callable[[float], str] | None:
        return None if self.float_format is None else self.float_format.format

    def text(self) -> str:
        """The table as plain text.

        Returns
        -------
        str
            The frame's ``to_string()``, floats in :attr:`float_format`.

        Examples
        --------
        >>> import pandas as pd
        >>> print(Table(pd.DataFrame({"share": [0.25]}, index=["female"]), "{:.1%}").text())
                share
        female  25.0%
        """
        return self.frame.to_string(float_format=self._formatter())

    def html(self) -> str:
        """The table as an HTML ``<table>``, every label and value escaped.

        Returns
        -------
        str
            One ``<table>`` element.

        Examples
        --------
        >>> import pandas as pd
        >>> html = Table(pd.DataFrame({"n": [3]}, index=["<b>A&B</b>"])).html()
        >>> "&lt;b&gt;A&amp;B&lt;/b&gt;" in html and "<b>" not in html
        True
        """
        return self.frame.to_html(float_format=self._formatter(), escape=True)


#: What follows a result's title: a line of text, or a table.
Block: TypeAlias = str | pd.DataFrame | Table


def _table(block: pd.DataFrame | Table) -> Table:
    return block if isinstance(block, Table) else Table(block)


def render_text(title: str, blocks: Sequence[Block]) -> str:
    """A result as plain text: the title, then each line or table.

    Parameters
    ----------
    title : str
        The first line.
    blocks : sequence of str, DataFrame or Table
        Lines of text and tables, in order.

    Returns
    -------
    str

    Examples
    --------
    >>> import pandas as pd
    >>> print(render_text("Test", ["p-value = 0.5", pd.DataFrame({"x": [1]})]))
    Test
    p-value = 0.5
       x
    0  1
    """
    parts = [title]
    parts += [block if isinstance(block, str) else _table(block).text() for block in blocks]
    return "\n".join(parts)


def render_html(title: str, blocks: Sequence[Block]) -> str:
    """A result as HTML: the title, lines of text in ``<pre>``, tables; all escaped.

    Consecutive lines of text share one ``<pre>`` element (they are laid out
    as in :func:`render_text`).

    Parameters
    ----------
    title : str
        Shown in bold.
    blocks : sequence of str, DataFrame or Table
        As for :func:`render_text`.

    Returns
    -------
    str
        One ``<div>``.

    Examples
    --------
    >>> render_html("A & B", ["x < 1"])
    '<div><p><strong>A &amp; B</strong></p><pre>x &lt; 1</pre></div>'
    """
    parts = [f"<p><strong>{html.escape(title)}</strong></p>"]
    lines: list[str] = []
    for block in [*blocks, None]:
        if isinstance(block, str):
            lines.append(block)
            continue
        if lines:
            parts.append(f"<pre>{html.escape(chr(10).join(lines))}</pre>")
            lines = []
        if block is not None:
            parts.append(_table(block).html())
    return "<div>" + "".join(parts) + "</div>"


class Result:
    """The base of every result: ``summary()``, ``repr`` and HTML from tables and a title.

    Subclasses are frozen dataclasses (declared with ``repr=False``, so that
    this class's ``__repr__`` is kept) that implement ``to_frame()`` and
    ``_title()``, and may override ``_blocks()``.

    Examples
    --------
    >>> import micropop as mp
    >>> est = mp.size.chapman(60, 50, 20)
    >>> isinstance(est, Result)
    True
    >>> est.title
    'Population size: Chapman'
    """

    __slots__ = ()

    def to_frame(self) -> pd.DataFrame:
        """The result as a table indexed by its labels.

        Returns
        -------
        DataFrame
            One row per label; the columns ``estimate``, ``se``, ``ci_low``,
            ``ci_high`` where they apply.

        Examples
        --------
        >>> import micropop as mp
        >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
        >>> frame = des.mean(["age", "hours_week"]).to_frame()
        >>> frame[["estimate", "se"]].round(2)  # doctest: +NORMALIZE_WHITESPACE
                    estimate    se
        variable
        age            36.97  0.37
        hours_week      3.00  0.12
        """
        raise NotImplementedError

    def _title(self) -> str:
        raise NotImplementedError

    def _blocks(self) -> list[Block]:
        """What the text and HTML show after the title (default: ``to_frame()``)."""
        return [self.to_frame()]

    @property
    def title(self) -> str:
        """One line saying what the result is (the first line of :meth:`summary`)."""
        return self._title()

    def summary(self) -> str:
        """The result as plain text: its title, then its lines and tables.

        Returns
        -------
        str
            What ``repr()`` shows, too.

        Examples
        --------
        >>> import micropop as mp
        >>> print(mp.size.chapman(60, 50, 20).summary().splitlines()[0])
        Population size: Chapman
        """
        return render_text(self._title(), self._blocks())

    def __repr__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        return render_html(self._title(), self._blocks())
