"""One figure of a yearly reference table, or a refusal that lists the years it has.

The reference tables shipped in :mod:`micropop.datasets` (``list_datasets("reference")``)
have a row per year (and per indicator) with its source; :func:`yearly_value` is the
one reading of a figure by year, for the SMIC, the poverty line, the median standard
of living, the national Gini and the labour-market rates.

Examples
--------
>>> yearly_value("smic_hourly", "smic_hourly_gross_eur", 2018, "gross hourly SMIC")
9.88
"""

from __future__ import annotations

import pandas as pd

from micropop import datasets
from micropop.errors import ReferenceYearError, check_number

__all__ = ["yearly_value"]


def yearly_value(table: str, column: str, year: int, what: str,
                 frame: pd.DataFrame | None = None) -> float:
    """The figure ``column`` of ``year`` in the reference table ``table``.

    Parameters
    ----------
    table : str
        A name from ``datasets.list_datasets("reference")`` (also named in
        the error).
    column : str
        The column holding the figure.
    year : int
    what : str
        The figure in words, for the error (``"poverty line"``).
    frame : DataFrame, optional
        The table already read (and restricted, e.g. to one indicator);
        default ``datasets.load_reference(table)``.

    Returns
    -------
    float
        In the unit of ``column`` (EUR, percent, ...).

    Raises
    ------
    ReferenceYearError
        A year for which the table has no figure (a missing cell counts as
        none); the message lists the years that have one.
    OptionError
        A year that is not a whole number.

    Examples
    --------
    >>> yearly_value("insee_poverty_2015_2019", "gini", 2017, "Gini coefficient")
    0.289
    >>> yearly_value("insee_poverty_2015_2019", "gini", 2015, "Gini coefficient")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    micropop.errors.ReferenceYearError: no Gini coefficient for year 2015 ...: 2016, 2017. ...
    """
    year = check_number("year", year, integer=True, hint="give a year such as 2019")
    ref = datasets.load_reference(table) if frame is None else frame
    known = ref[ref[column].notna()]
    rows = known.loc[known["year"] == year, column]
    if rows.empty:
        years = ", ".join(str(y) for y in known["year"].tolist())
        raise ReferenceYearError(f"no {what} for year {year} in reference table {table!r}; "
                                 f"available years: {years}",
                                 hint="pick one of the years listed")
    return float(rows.iloc[0])
