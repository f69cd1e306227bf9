"""The French minimum wage (SMIC), from the decrees that set it.

The gross hourly SMIC in force on 1 January of each year, read from
``datasets.load_reference("smic_hourly")`` (one row per year, with the decree
and its JORF reference in ``source``).

Examples
--------
>>> minimum_wage(2018)
9.88
"""

from __future__ import annotations

from micropop.reference.tables import yearly_value

__all__ = ["minimum_wage"]


def minimum_wage(year: int) -> float:
    """Gross hourly minimum wage (SMIC) in force on 1 January of ``year``, EUR.

    Parameters
    ----------
    year : int

    Returns
    -------
    float
        EUR per hour, gross (before social contributions).

    Raises
    ------
    ReferenceYearError
        A year not in ``smic_hourly``; the message lists those that are.

    Examples
    --------
    >>> minimum_wage(2019)
    10.03
    >>> minimum_wage(2030)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    micropop.errors.ReferenceYearError: no gross hourly SMIC for year 2030 ...: 2018, 2019. ...
    """
    return yearly_value("smic_hourly", "smic_hourly_gross_eur", year, "gross hourly SMIC")
