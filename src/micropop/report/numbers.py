r"""Numbers as the report's reader expects them: ``295,985`` and ``0.679`` in English,
``295 985`` and ``0,679`` in French.

Every number the page shows goes through :func:`number` (tables) or
:class:`LocalNumber` (the values of a paragraph, formatted by its template's
``{n:,}`` or ``{x:.1f}``): English keeps Python's format, French writes a
narrow no-break space between thousands and a decimal comma.

Examples
--------
>>> number(295985.2, "fr", 0), number(0.6791, "fr", 3), number(295985.2, "en", 0)
('295\u202f985', '0,679', '295,985')
>>> p_value(3e-40, "fr"), p_value(0.0217, "en")
('< 0,001', '0.022')
"""

from __future__ import annotations

import math
import numbers

from micropop.plotting import localise
from micropop.report.i18n import LANGUAGES
from micropop.report.result import UNDEFINED

__all__ = ["THOUSANDS", "localise", "number", "p_value", "LocalNumber"]

#: The thousands separator of each language (French: the narrow no-break space).
THOUSANDS = {"en": ",", "fr": "\u202f"}


def _undefined(value: object) -> bool:
    return value is None or (isinstance(value, numbers.Real) and math.isnan(float(value)))


def number(value: object, lang: str = "en", digits: int = 1) -> str:
    """A number with ``digits`` decimals and thousands separated, in ``lang``.

    Parameters
    ----------
    value : number
        NaN (not defined) shows :data:`~micropop.report.result.UNDEFINED`.
    lang : {"en", "fr"}, default "en"
    digits : int, default 1
        Decimals; 0 for counts.

    Returns
    -------
    str

    Examples
    --------
    >>> number(10.03, "fr", 2), number(float("nan"))
    ('10,03', '–')
    """
    if _undefined(value):
        return UNDEFINED
    assert isinstance(value, numbers.Real)
    return localise(f"{float(value):,.{digits}f}", lang)


def p_value(value: object, lang: str = "en") -> str:
    """A p-value: three decimals, or ``< 0.001`` (``< 0,001`` in French).

    Parameters
    ----------
    value : number
    lang : {"en", "fr"}, default "en"

    Returns
    -------
    str

    Examples
    --------
    >>> p_value(0.5, "fr")
    '0,500'
    """
    if _undefined(value):
        return UNDEFINED
    assert isinstance(value, numbers.Real)
    return localise("< 0.001" if value < 0.0005 else f"{float(value):.3f}", lang)


class LocalNumber:
    r"""A number that formats itself in a language (``format(LocalNumber(x, "fr"), ",")``).

    The writer hands a paragraph's numbers to its template wrapped in it, so
    that ``{n:,}`` gives ``1,200`` in English and ``1 200`` in French.

    Parameters
    ----------
    value : number
    lang : {"en", "fr"}

    Examples
    --------
    >>> "{n:,} rows, {x:.1f} %".format_map({"n": LocalNumber(1200, "fr"),
    ...                                     "x": LocalNumber(12.34, "fr")})
    '1\u202f200 rows, 12,3 %'
    """

    def __init__(self, value: numbers.Number, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(lang)
        self.value = value
        self.lang = lang

    def __format__(self, spec: str) -> str:
        return localise(format(self.value, spec), self.lang)

    def __str__(self) -> str:
        return format(self, "")
