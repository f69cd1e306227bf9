"""Highest diploma in France (INSEE, enquête Emploi), on the surveys' education levels.

:func:`insee_education` builds a :class:`~micropop.reference.Reference` from
``datasets.load_reference("education_attainment")`` (2023, with a few 2018
figures), whose ``level`` column maps INSEE's diploma categories onto the demo
surveys' ``education`` levels.

Examples
--------
>>> ref = insee_education("25-34", sex="female")
>>> ref.label, ref.population
('INSEE enquête Emploi, 2023', 'France hors Mayotte, ages 25-34, sex female')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from micropop import datasets
from micropop.errors import ReferenceLevelError, check_number
from micropop.reference.distribution import Reference, check_relabelling

__all__ = ["insee_education"]


#: INSEE diploma categories of ``education_attainment`` (all must be present).
_EDUCATION_CATEGORIES = {"no_diploma_or_brevet", "cap_bep", "baccalaureat", "bac_plus_2",
                         "above_bac_plus_2", "not_determined"}


def insee_education(age_group: str = "25-64", sex: str = "all",
                    year: int = 2023, levels: Mapping[str, Any] | None = None) -> Reference:
    """Highest diploma in France (INSEE enquête Emploi), on the survey's education levels.

    From ``datasets.load_reference("education_attainment")``: its ``level``
    column maps INSEE's categories onto ``below_bac`` (no diploma, brevet,
    CAP-BEP), ``bac``, ``bac+2``, ``above_bac+2``. INSEE's "Non déterminé"
    (0.1-0.4 %) has no survey level: it is left out and the other shares are
    renormalised (said in :attr:`Reference.note`). The table covers people aged
    25-64, so compare with the survey restricted to the same ages
    (``des.subset("age >= 25 and age <= 64")``).

    Parameters
    ----------
    age_group : {"25-64", "25-34", "35-44", "45-54", "55-64"}
    sex : {"all", "female", "male"}
    year : int, default 2023
        Only 2023 has the full distribution (2018 has a few text figures).
    levels : mapping, optional
        ``below_bac``, ``bac``, ``bac+2``, ``above_bac+2`` -> the survey's own
        levels (e.g. ``{"below_bac": "1", "bac": "2", ...}``); several may map
        to one level and are added up. Default: those names.

    Returns
    -------
    Reference
        Shares in percent (normalised on use).

    Raises
    ------
    ReferenceLevelError
        No full distribution for that year, age group and sex.

    Examples
    --------
    >>> ref = insee_education()
    >>> ref.shares.round(3).to_dict()
    {'below_bac': 0.387, 'bac': 0.188, 'bac+2': 0.143, 'above_bac+2': 0.281}
    >>> insee_education(levels={"below_bac": "1", "bac": "2", "bac+2": "3",
    ...                         "above_bac+2": "3"}).shares.round(3).to_dict()
    {'1': 0.387, '2': 0.188, '3': 0.424}
    """
    year = check_number("year", year, integer=True, hint="give a year such as 2023")
    table = datasets.load_reference("education_attainment")
    rows = table[(table["year"] == year) & (table["age_group"] == age_group)
                 & (table["sex"] == sex)]
    if set(rows["category"]) != _EDUCATION_CATEGORIES:
        full = table.groupby(["year", "age_group", "sex"])["category"].agg(set)
        available = sorted({str(y) for (y, _, _), cats in zip(full.index, full, strict=True)
                            if cats == _EDUCATION_CATEGORIES})
        raise ReferenceLevelError(
            f"no full diploma distribution for year {year}, age group {age_group!r}, "
            f"sex {sex!r} in education_attainment",
            hint=f"full distributions exist for year(s) {', '.join(available)}, age groups "
                 "25-34, 35-44, 45-54, 55-64, 25-64 and sex all/female/male")
    kept = rows[rows["level"].notna() & (rows["level"] != "")]
    dropped = rows.loc[~rows.index.isin(kept.index), "share_pct"].sum()
    shares = kept.groupby("level", sort=False)["share_pct"].sum()
    if levels is not None:
        check_relabelling(levels, list(shares.index))
        shares = shares.groupby(shares.index.map(lambda label: levels.get(label, label)),
                                sort=False).sum()
    return Reference(shares, year=year, source="INSEE enquête Emploi",
                     population=f"France hors Mayotte, ages {age_group}, sex {sex}",
                     note=f"'Non déterminé' ({dropped:.1f} %) left out; shares renormalised")
