"""The names of the report's table columns, for people: a closed glossary in both languages.

The tables keep their machine names (``ci_low``, ``weighted_share``) in the
CSV files; the page (and the French Excel files) show the names of
:data:`COLUMNS`. A name not in the glossary is shown as it is (it is the
user's, e.g. a variable name).

Examples
--------
>>> heading("ci_low", "fr"), heading("ci_low", "en"), heading("sexe", "fr")
('IC 95 % bas', '95 % CI low', 'sexe')
>>> is_p_value("p-value"), is_count("weighted_n")
(True, True)
"""

from __future__ import annotations

import pandas as pd

from micropop.report.i18n import Tr, say

__all__ = ["COLUMNS", "P_VALUES", "COUNTS", "heading", "is_p_value", "is_count", "named"]

#: Column and index names of the report's tables, in both languages.
COLUMNS: dict[str, Tr] = {
    "estimate": Tr("estimate", "estimation"),
    "se": Tr("standard error", "erreur type"),
    "ci_low": Tr("95 % CI low", "IC 95 % bas"),
    "ci_high": Tr("95 % CI high", "IC 95 % haut"),
    "n": Tr("n", "effectif"),
    "share": Tr("share %", "part %"),
    "weighted_share": Tr("weighted share %", "part pondérée %"),
    "weighted_n": Tr("weighted n", "effectif pondéré"),
    "unweighted %": Tr("unweighted %", "% non pondéré"),
    "weighted %": Tr("weighted %", "% pondéré"),
    "weighted_ci_low": Tr("weighted %, 95 % CI low", "% pondéré, IC 95 % bas"),
    "weighted_ci_high": Tr("weighted %, 95 % CI high", "% pondéré, IC 95 % haut"),
    "variable": Tr("variable", "variable"),
    "level": Tr("level", "modalité"),
    "label": Tr("label", "libellé"),
    "circle": Tr("circle", "cercle"),
    "indicator": Tr("indicator", "indicateur"),
    "truth": Tr("true size", "taille réelle"),
    "reference_share": Tr("reference %", "référence %"),
    "difference": Tr("difference (points)", "écart (points)"),
    "ratio": Tr("ratio", "rapport"),
    "test": Tr("test", "test"),
    "Rao–Scott F": Tr("Rao–Scott F", "F de Rao–Scott"),
    "f": Tr("Rao–Scott F", "F de Rao–Scott"),
    "ndf": Tr("numerator df", "ddl numérateur"),
    "ddf": Tr("denominator df", "ddl dénominateur"),
    "p-value": Tr("p-value", "p-valeur"),
    "f_p": Tr("p-value", "p-valeur"),
    "key_assumption": Tr("key assumption", "hypothèse principale"),
    "target": Tr("target", "cible"),
    "achieved": Tr("achieved", "atteint"),
    "relative": Tr("relative deviation", "écart relatif"),
    "residual": Tr("residual", "résidu"),
    "step": Tr("step", "étape"),
    "margin": Tr("margin", "marge"),
    "value": Tr("value", "valeur"),
    # regression models (micropop.report.models)
    "term": Tr("term", "terme"),
    "coefficient": Tr("coefficient", "coefficient"),
    "odds_ratio": Tr("odds ratio", "rapport de cotes"),
    "exp_coefficient": Tr("exp(coefficient)", "exp(coefficient)"),
    "t": Tr("t", "t"),
    "p": Tr("p-value", "p-valeur"),
    # the circles of the demo and of the platform figures
    "last 12 months": Tr("last 12 months", "au cours des 12 derniers mois"),
    "at least monthly": Tr("at least monthly", "au moins une fois par mois"),
    "at least weekly": Tr("at least weekly", "au moins une fois par semaine"),
    "registered": Tr("registered", "inscrits"),
    "regular": Tr("regular", "réguliers"),
    "very_active": Tr("very active", "très actifs"),
    # weighting statistics (the rows of the weight summary)
    "sum": Tr("sum of weights", "somme des poids"),
    "min": Tr("smallest weight", "plus petit poids"),
    "max": Tr("largest weight", "plus grand poids"),
    "mean": Tr("mean weight", "poids moyen"),
    "cv": Tr("coefficient of variation", "coefficient de variation"),
    "deff_kish": Tr("Kish design effect", "effet de plan de Kish"),
    "n_effective": Tr("effective sample size", "taille d'échantillon effective"),
    "ratio_min": Tr("smallest ratio to the design weights",
                    "plus petit rapport aux poids de sondage"),
    "ratio_max": Tr("largest ratio to the design weights",
                    "plus grand rapport aux poids de sondage"),
    "ratio_mean": Tr("mean ratio to the design weights", "rapport moyen aux poids de sondage"),
}

#: Columns holding p-values, shown as ``< 0.001`` below a thousandth.
P_VALUES = frozenset({"p-value", "f_p", "rs1_p", "satterthwaite_p", "p"})

#: Columns (or rows) holding counts, shown without decimals.
COUNTS = frozenset({"n", "weighted_n", "sum", "n_effective", "truth"})


def heading(name: object, lang: str) -> str:
    """The name shown for a column or index ``name`` in ``lang`` (as it is when unknown).

    Parameters
    ----------
    name : object
        A column or index name (a :class:`~micropop.report.i18n.Tr` is said in ``lang``).
    lang : {"en", "fr"}

    Returns
    -------
    str

    Examples
    --------
    >>> heading("se", "fr")
    'erreur type'
    """
    if isinstance(name, Tr):
        return say(name, lang)
    known = COLUMNS.get(name) if isinstance(name, str) else None
    return say(known, lang) if known is not None else ("" if name is None else str(name))


def is_p_value(name: object) -> bool:
    """Whether the column ``name`` holds p-values.

    Parameters
    ----------
    name : object
        A column name.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_p_value("f")
    False
    """
    return isinstance(name, str) and name in P_VALUES


def is_count(name: object) -> bool:
    """Whether the column (or row) ``name`` holds counts.

    Parameters
    ----------
    name : object
        A column or row name (its glossary :class:`~micropop.report.i18n.Tr` too).

    Returns
    -------
    bool

    Examples
    --------
    >>> is_count("n"), is_count("mean")
    (True, False)
    """
    return (isinstance(name, str) and name in COUNTS) or (
        isinstance(name, Tr) and any(COLUMNS.get(key) == name for key in COUNTS))


def named(frame: pd.DataFrame) -> pd.DataFrame:
    """A table whose row labels are glossary names (e.g. weight statistics), as :class:`Tr`.

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> named(pd.DataFrame({"value": [1.2]}, index=["cv"])).index[0].fr
    'coefficient de variation'
    """
    return frame.set_axis(pd.Index([COLUMNS.get(label, label) if isinstance(label, str)
                                    else label for label in frame.index],
                                   name=frame.index.name))
