"""What the report leaves out, said in the report: rows with missing values, zero hours.

With ``na_rm = true`` in ``analysis.toml`` (``[profile]``, ``[earnings]``,
``[size.survey]``), a section leaves out the rows with a missing value of the
columns it uses, as the library's ``na_rm=True``; :func:`left_out` writes the
sentence that says how many, column by column, in both languages.

Examples
--------
>>> import pandas as pd
>>> from micropop.report.render import text_html
>>> data = pd.DataFrame({"revenu": [1200.0, None, None], "taille": [2, 3, None]})
>>> text = left_out(data, ["revenu", "taille"], "the poverty rate", "le taux de pauvreté")
>>> text_html(text)[:55]
'<p>2 of the 3 respondents are left out of the poverty r'
>>> text.values["detail"]
'revenu: 2, taille: 1'
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from micropop.report.i18n import Tr
from micropop.report.result import Text

__all__ = ["missing_rows", "left_out", "zero_hours_text"]


def missing_rows(data: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Which rows have a missing value in any of ``columns``.

    Parameters
    ----------
    data : pandas.DataFrame
    columns : sequence of str

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> missing_rows(pd.DataFrame({"a": [1, None], "b": [None, 2]}), ["a"]).tolist()
    [False, True]
    """
    if not columns:
        return np.zeros(len(data), dtype=bool)
    return data[list(columns)].isna().any(axis=1).to_numpy()


def left_out(data: pd.DataFrame, columns: Sequence[str], what_en: str,
             what_fr: str) -> Text | None:
    """The sentence saying how many rows a missing value left out of ``what``; None if none.

    Parameters
    ----------
    data : pandas.DataFrame
        The survey's rows.
    columns : sequence of str
        The columns the estimate uses.
    what_en, what_fr : str
        What they are left out of, in English and French (micropop's own words).

    Returns
    -------
    Text or None

    Examples
    --------
    >>> data = pd.DataFrame({"gains": [3.0, None]})
    >>> left_out(data, ["gains"], "the earnings", "les gains").template.fr[:60]
    '{n:,} des {total:,} répondants sont laissés de côté dans les'
    >>> left_out(data.dropna(), ["gains"], "the earnings", "les gains") is None
    True
    """
    gone = missing_rows(data, columns)
    if not gone.any():
        return None
    detail = ", ".join(f"{name}: {int(data[name].isna().sum()):,}" for name in columns
                       if data[name].isna().any())
    return Text(Tr("{n:,} of the {total:,} respondents are left out of " + what_en
                   + ", as a value is missing ({detail}).",
                   "{n:,} des {total:,} répondants sont laissés de côté dans " + what_fr
                   + ", faute de valeur ({detail})."),
                {"n": int(gone.sum()), "total": len(data), "detail": detail})


def zero_hours_text(data: pd.DataFrame, earnings: str, hours: str) -> Text | None:
    """The sentence saying how many rows with zero hours the hourly figures leave out.

    Parameters
    ----------
    data : pandas.DataFrame
    earnings, hours : str
        The monthly earnings and weekly hours columns.

    Returns
    -------
    Text or None
        None when no row has zero hours.

    Examples
    --------
    >>> data = pd.DataFrame({"gains": [3.0, 0.0, 5.0], "heures": [0.0, 0.0, 2.0]})
    >>> zero_hours_text(data, "gains", "heures").values
    {'n': 2, 'paid': 1, 'hours': 'heures'}
    """
    time = pd.to_numeric(data[hours], errors="coerce")
    zero = (time == 0).to_numpy()
    if not zero.any():
        return None
    paid = int((pd.to_numeric(data[earnings], errors="coerce")[zero] > 0).sum())
    return Text(Tr("{n:,} respondents report zero hours ({hours} = 0), {paid:,} of them with "
                   "earnings above 0: they have no hourly earnings and are left out of the "
                   "hourly figures (zero_hours = \"exclude\").",
                   "{n:,} répondants déclarent zéro heure ({hours} = 0), dont {paid:,} avec des "
                   "gains positifs : ils n'ont pas de gain horaire et sont laissés de côté dans "
                   "les chiffres horaires (zero_hours = \"exclude\")."),
                {"n": int(zero.sum()), "paid": paid, "hours": hours})
