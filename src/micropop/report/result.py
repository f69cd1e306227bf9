"""What a section of the report computed, as data: its text, its tables and its figures.

A section function (:func:`micropop.report.profile_section`, ...) computes
with the library and returns a :class:`Section`; it draws nothing and writes
nothing. The report's writer (:mod:`micropop.report.writer`) then writes each
:class:`Table` as CSV, draws each :class:`Figure` (a callable that draws its
results on the Axes it is given) as PNG and SVG, and renders the blocks in
page order as HTML (:mod:`micropop.report.render`), escaping every value
that comes from the data.

Examples
--------
>>> import pandas as pd
>>> from micropop import plotting
>>> from micropop.describe import binned
>>> bins = binned(pd.Series([0.0, 3.0, 12.0]), [0, 1, 10])
>>> section = Section("Pay", blocks=(
...     Text("Monthly earnings of {n} workers.", {"n": 3}),
...     Figure("pay", plotting.earnings_histogram, (bins,)),
...     TableView(bins.set_index("label")[["share"]], percent=("share",))),
...     tables=(Table("pay_bins", bins, index=False),))
>>> section.table("pay_bins")["label"].tolist()
['0-1', '1-10', '10+']
>>> [figure.name for figure in section.figures]
['pay']
>>> from matplotlib.figure import Figure as Canvas
>>> ax = section.figures[0](Canvas().subplots(), lang="fr")  # drawn only when called
>>> ax.get_ylabel()
'Part des travailleurs (%)'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from micropop.errors import OptionError
from micropop.report.i18n import Tr

__all__ = ["Section", "Text", "Heading", "TableView", "Figure", "Table", "Block",
           "INTERVAL_COLUMNS", "UNDEFINED"]

#: How a table cell shows a number that is not defined (NaN), e.g. the logit interval of a
#: share of 0; the section's text says why.
UNDEFINED = "–"

#: The columns of an estimate that the sections' tables show.
INTERVAL_COLUMNS = ("estimate", "se", "ci_low", "ci_high")

#: A file name the writer accepts for a table or a figure (without its extension).
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*")


def _check_name(kind: str, name: object) -> None:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise OptionError(f"{kind} name {name!r} is not a plain file name",
                          hint="use letters, digits, '_' and '-', e.g. 'earnings_bins'")


@dataclass(frozen=True)
class Text:
    """A paragraph: micropop's own words and markup, with values from the data.

    Attributes
    ----------
    template : str or Tr
        The paragraph as HTML written by micropop (a
        :class:`~micropop.report.i18n.Tr` for both languages) (it may hold ``<code>`` or
        ``<q>``), with ``{name}`` fields (and format specs such as ``{n:,}``).
    values : mapping
        The fields' values. Numbers are formatted as the field says; anything
        else is text from the data and is escaped when the page is written.

    Examples
    --------
    >>> from micropop.report.render import text_html
    >>> text = Text("{n:,} workers answered <q>{question}</q>.",
    ...             {"n": 1200, "question": "hours <per week>"})
    >>> text_html(text)
    '<p>1,200 workers answered <q>hours &lt;per week&gt;</q>.</p>'
    """

    template: str | Tr
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Heading:
    """A sub-heading within a section (escaped when written).

    Parameters
    ----------
    text : str or Tr
        The heading, as plain text (a :class:`~micropop.report.i18n.Tr` for
        both languages).

    Examples
    --------
    >>> from micropop.report.render import block_html
    >>> block_html(Heading("Earnings by sex & age"))
    '<h3>Earnings by sex &amp; age</h3>'
    """

    text: str | Tr


@dataclass(frozen=True)
class TableView:
    """A table shown on the page.

    Attributes
    ----------
    frame : DataFrame
        The rows and columns shown (labels escaped when written).
    percent : tuple of str
        Columns holding shares in [0, 1], shown times 100.
    digits : int
        Decimals of floating-point cells.
    index : bool
        Show the index.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.report.render import block_html
    >>> view = TableView(pd.DataFrame({"share": [0.25, 0.75]}, index=["women", "men"]),
    ...                  percent=("share",))
    >>> "<td>25.0</td>" in block_html(view)
    True
    """

    frame: pd.DataFrame
    percent: tuple[str, ...] = ()
    digits: int = 1
    index: bool = True


@dataclass(frozen=True)
class Figure:
    """A figure, as the plotting call that draws it from the section's results.

    Calling it (``figure(ax, lang)``) draws on the matplotlib Axes it is
    given and returns them; nothing is drawn before.

    Attributes
    ----------
    name : str
        File name of its PNG and SVG (without extension).
    plot : callable
        A :mod:`micropop.plotting` function (or any callable taking ``ax=``
        and ``lang=``).
    args : tuple
        The results it draws, passed first.
    options : mapping
        Further keyword arguments of ``plot``.
    size : (float, float)
        Width and height in inches.

    Examples
    --------
    >>> import pandas as pd
    >>> from matplotlib.figure import Figure as Canvas
    >>> from micropop import plotting
    >>> from micropop.describe import binned
    >>> bins = binned(pd.Series([200.0, 450.0, 1300.0]), [0, 250, 1000])
    >>> figure = Figure("earnings", plotting.earnings_histogram, (bins,))
    >>> ax = figure(Canvas().subplots(), lang="en")
    >>> ax.get_ylabel()
    'Share of workers (%)'
    """

    name: str
    plot: Callable[..., Any]
    args: tuple[Any, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    size: tuple[float, float] = (7, 4)

    def __post_init__(self) -> None:
        _check_name("figure", self.name)

    def __call__(self, ax: Any, lang: str = "en") -> Any:
        """Draw on ``ax`` with labels in ``lang``: ``plot(*args, ax=ax, lang=lang, **options)``."""
        return self.plot(*self.args, ax=ax, lang=lang, **self.options)


@dataclass(frozen=True)
class Table:
    """A table written as ``name.csv``.

    Attributes
    ----------
    name : str
        File name without ``.csv``.
    frame : DataFrame
    index : bool
        Write the index as the first column(s).

    Examples
    --------
    >>> import pandas as pd
    >>> table = Table("hours", pd.DataFrame({"hours": [2.5, 10.0]}), index=False)
    >>> table.frame.to_csv(index=table.index).split()
    ['hours', '2.5', '10.0']
    >>> Table("hours.csv", table.frame)
    Traceback (most recent call last):
    ...
    micropop.errors.OptionError: table name 'hours.csv' is not a plain file name. ...
    """

    name: str
    frame: pd.DataFrame
    index: bool = True

    def __post_init__(self) -> None:
        _check_name("table", self.name)


#: One part of a section's page, in page order.
Block = Heading | Text | TableView | Figure


@dataclass(frozen=True)
class Section:
    """One titled part of the report, as computed: nothing drawn or written yet.

    Attributes
    ----------
    title : str or Tr
        Plain text, or a :class:`~micropop.report.i18n.Tr` for both languages.
    blocks : tuple
        Its page, in order: :class:`Heading`, :class:`Text`,
        :class:`TableView` and :class:`Figure` blocks.
    tables : tuple of Table
        The tables written as CSV files beside the page.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"workers": [12, 30]}, index=["Clickworker", "Foule Factory"])
    >>> section = Section("Platforms", blocks=(
    ...     Heading("Workers by platform"),
    ...     TableView(counts, digits=0)),
    ...     tables=(Table("platforms", counts),))
    >>> section.title, len(section.blocks), section.figures
    ('Platforms', 2, ())
    """

    title: str | Tr
    blocks: tuple[Block, ...] = ()
    tables: tuple[Table, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocks", tuple(self.blocks))
        object.__setattr__(self, "tables", tuple(self.tables))
        odd = [b for b in self.blocks if not isinstance(b, (Heading, Text, TableView, Figure))]
        if odd:
            raise OptionError(f"section {str(self.title)!r} has a block of type "
                              f"{type(odd[0]).__name__}",
                              hint="build it from Heading, Text, TableView and Figure")
        for kind, names in (("table", [t.name for t in self.tables]),
                            ("figure", [f.name for f in self.figures])):
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:
                raise OptionError(f"section {str(self.title)!r} has two {kind}s named {twice[0]!r}",
                                  hint=f"give each {kind} its own file name")

    @property
    def figures(self) -> tuple[Figure, ...]:
        """The figures, in page order."""
        return tuple(b for b in self.blocks if isinstance(b, Figure))

    def table(self, name: str) -> pd.DataFrame:
        """The table written as ``name.csv``.

        Parameters
        ----------
        name : str
            The table's file name, without ``.csv``.

        Returns
        -------
        pandas.DataFrame
            The table as the section computed it (not read back from its
            CSV file).

        Raises
        ------
        KeyError
            The section has no table of that name (``name`` is the key,
            without ``.csv``).

        Examples
        --------
        >>> from pandas import DataFrame
        >>> hours = Table("hours", DataFrame({"hours": [2.5, 10.0]}))
        >>> Section("Hours", tables=(hours,)).table("hours")["hours"].tolist()
        [2.5, 10.0]
        """
        for table in self.tables:
            if table.name == name:
                return table.frame
        raise KeyError(name)
