"""The French labour market (INSEE, enquête Emploi): activity, unemployment, CDI.

Each figure is read by indicator and year from
``datasets.load_reference("labour_market_2018")`` (France hors Mayotte, annual
averages; the ``source`` column names the INSEE publication).

Examples
--------
>>> labour_market("unemployment_rate")
9.1
"""

from __future__ import annotations

from micropop import datasets
from micropop.errors import check_option
from micropop.reference.tables import yearly_value

__all__ = ["labour_market"]

#: The enquête Emploi reference table.
_TABLE = "labour_market_2018"


def labour_market(indicator: str, year: int = 2018) -> float:
    """A labour-market rate of ``year``, in percent.

    Parameters
    ----------
    indicator : {"activity_rate_15_64", "unemployment_rate", "employees_permanent_contract"}
        Share of the 15-64 who are active (ILO); ILO unemployment rate; share
        of employees on a permanent contract (CDI).
    year : int, default 2018

    Returns
    -------
    float
        Percent.

    Raises
    ------
    OptionError
        An indicator the table does not have (the message lists them).
    ReferenceYearError
        A year the table does not have for that indicator.

    Examples
    --------
    >>> labour_market("employees_permanent_contract", 2018)
    84.7
    """
    table = datasets.load_reference(_TABLE)
    check_option("indicator", indicator, list(dict.fromkeys(table["indicator"])))
    return yearly_value(_TABLE, "value", year, f"{indicator} figure",
                        frame=table[table["indicator"] == indicator])
