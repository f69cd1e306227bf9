"""Category labels for people: the codebook's value labels instead of raw codes.

A codebook may give a categorical variable labels for people in each
language (``value_labels: {fr: {above_bac+2: "Bac+3 ou plus"}, en: {...}}``);
:meth:`micropop.Codebook.apply` keeps them in ``df.attrs["value_labels"]``.
The report's tables show them (a :class:`~micropop.report.i18n.Tr` per level,
said in the report's language); the CSV files keep the codes.

Examples
--------
>>> import micropop as mp
>>> from micropop.report.i18n import say
>>> data = mp.datasets.load_worker_survey()
>>> say(level_label(data, "education", "above_bac+2"), "fr")
'Bac+3 ou plus'
>>> level_label(data, "age_band", "25-29")
'25-29'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from micropop.report.i18n import Tr

__all__ = ["level_label", "labelled_levels", "figure_labels"]


def level_label(data: pd.DataFrame, variable: str, level: Any) -> Any:
    """The label for people of ``level`` of ``variable``: a Tr, or the level as it is.

    Parameters
    ----------
    data : pandas.DataFrame
        Data read through a codebook (its ``attrs["value_labels"]``).
    variable : str
        The column.
    level : object
        One of its levels.

    Returns
    -------
    Tr or object
        The labels in English and French (the code for a language without
        one), or ``level`` unchanged when the codebook gives no label.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"sexe": ["F"]})
    >>> frame.attrs["value_labels"] = {"sexe": {"fr": {"F": "Femme"}}}
    >>> level_label(frame, "sexe", "F")
    Tr(en='F', fr='Femme')
    """
    labels = getattr(data, "attrs", {}).get("value_labels", {}).get(variable, {})
    en = labels.get("en", {}).get(level)
    fr = labels.get("fr", {}).get(level)
    if en is None and fr is None:
        return level
    return Tr(str(en if en is not None else level), str(fr if fr is not None else level))


def labelled_levels(frame: pd.DataFrame, data: pd.DataFrame) -> pd.DataFrame:
    """A table indexed by (variable, level) with its levels labelled for people.

    Parameters
    ----------
    frame : pandas.DataFrame
        Indexed by ``variable`` and ``level``.
    data : pandas.DataFrame
        The data, with their codebook's value labels.

    Returns
    -------
    pandas.DataFrame
        The same table, its levels :class:`~micropop.report.i18n.Tr` where
        labelled.

    Examples
    --------
    >>> import micropop as mp
    >>> import pandas as pd
    >>> table = pd.DataFrame({"n": [561]}, index=pd.MultiIndex.from_tuples(
    ...     [("sex", "female")], names=["variable", "level"]))
    >>> labelled_levels(table, mp.datasets.load_worker_survey()).index[0][1].fr
    'Femme'
    """
    index = pd.MultiIndex.from_tuples(
        [(variable, level_label(data, variable, level)) for variable, level in frame.index],
        names=frame.index.names)
    return frame.set_axis(index)


def figure_labels(data: pd.DataFrame, variables: Iterable[str]) -> dict[str, dict[Any, Tr]]:
    """The value labels of ``variables`` for a figure's ``labels=`` option, in both languages.

    Parameters
    ----------
    data : pandas.DataFrame
        Data read through a codebook.
    variables : iterable of str
        The columns the figure shows.

    Returns
    -------
    dict
        Variable -> {level: Tr}, only for labelled levels (said in the
        figure's language by :func:`~micropop.report.i18n.in_language`).

    Examples
    --------
    >>> import micropop as mp
    >>> figure_labels(mp.datasets.load_worker_survey(), ["sex"])["sex"]["male"].fr
    'Homme'
    """
    out: dict[str, dict[Any, Tr]] = {}
    attrs = getattr(data, "attrs", {}).get("value_labels", {})
    for variable in variables:
        levels = {level for names in attrs.get(variable, {}).values() for level in names}
        labelled = {level: level_label(data, variable, level) for level in levels}
        if labelled:
            out[variable] = labelled
    return out
