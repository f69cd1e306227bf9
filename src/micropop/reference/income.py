"""Standard of living in France (INSEE, ERFS): median, poverty line, poverty rate, Gini.

Each figure is read by year from ``datasets.load_reference("insee_poverty_2015_2019")``
(metropolitan France, ordinary households; the ``source`` column names the INSEE
publication of each year). The standard of living is the household's disposable
income divided by its consumption units (OECD-modified scale, see
:func:`micropop.earnings.oecd_consumption_units`); the poverty line is 60 % of its
median.

Examples
--------
>>> poverty_line(2016), living_standards("median", 2016)
(1026.0, 1710.0)
"""

from __future__ import annotations

from micropop.errors import check_option
from micropop.reference.tables import yearly_value

__all__ = ["LIVING_STANDARDS", "living_standards", "poverty_line"]

#: The ERFS reference table.
_TABLE = "insee_poverty_2015_2019"

#: Figure of :func:`living_standards` -> (column of the table, the figure in words).
LIVING_STANDARDS = {
    "median": ("median_standard_of_living_eur_month", "median standard of living"),
    "poverty_line": ("poverty_line_60pct_eur_month", "poverty line"),
    "poverty_rate": ("poverty_rate_pct", "poverty rate"),
    "gini": ("gini", "Gini coefficient"),
}


def living_standards(figure: str, year: int) -> float:
    """A national figure of the standard of living in ``year`` (INSEE, ERFS).

    To set beside a survey's own: :func:`micropop.gini`,
    :func:`micropop.poverty_rate`, :func:`micropop.earnings.below_poverty_line`.

    Parameters
    ----------
    figure : {"median", "poverty_line", "poverty_rate", "gini"}
        The median standard of living and the poverty line (60 % of it), in
        EUR per month and consumption unit; the percent of people below the
        line; the Gini coefficient (0 to 1), published for 2016 and 2017 only.
    year : int
        2015 to 2019 (metropolitan France).

    Returns
    -------
    float

    Raises
    ------
    OptionError
        An unknown figure.
    ReferenceYearError
        A year without that figure in ``insee_poverty_2015_2019``; the message
        lists the years with one.

    Examples
    --------
    >>> living_standards("gini", 2016), living_standards("poverty_rate", 2019)
    (0.288, 14.6)
    """
    check_option("figure", figure, list(LIVING_STANDARDS))
    column, what = LIVING_STANDARDS[figure]
    return yearly_value(_TABLE, column, year, what)


def poverty_line(year: int) -> float:
    """INSEE's poverty line (60 % of the median standard of living), EUR per month.

    Parameters
    ----------
    year : int
        2015 to 2019 (ERFS, metropolitan France).

    Returns
    -------
    float
        EUR per month and consumption unit.

    Raises
    ------
    ReferenceYearError
        A year not in ``insee_poverty_2015_2019``; the message lists those that are.

    Examples
    --------
    >>> poverty_line(2016)
    1026.0
    """
    return living_standards("poverty_line", year)
