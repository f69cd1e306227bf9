"""``[profile.france]`` of ``analysis.toml``: the user's columns and codes for the comparison
with France, checked and turned into :class:`~micropop.report.plan.FranceInputs`.

The comparison sets the workers against INSEE's census (sex, 5-year age
bands) and INSEE's highest-diploma table (below_bac, bac, bac+2,
above_bac+2). A survey with its own names and codes says which of its
columns and codes stand for those::

    [profile]
    compare_with_france = true
    [profile.france]
    sex = "sexe"
    sex_levels = { Femme = "female", Homme = "male" }     # your code -> female/male
    age = "age"                      # in years: education is compared at 25-64
    ages = [18, 74]                  # the survey's age range (census taken over it)
    age_band = "tranche_age"
    age_band_levels = { "18-24" = ["15-19", "20-24"] }    # your band -> INSEE band(s)
    education = "diplome"
    education_levels = { "Sans diplôme" = "below_bac", Bac = "bac" }  # -> INSEE levels

Every mistake names the key (``[profile.france] sex_levels``): a code the
data do not hold, a level of the data left unmapped, a reference category
mapped twice or not at all.

Examples
--------
>>> from pathlib import Path
>>> import pandas as pd
>>> from micropop.report.config_keys import KEYS
>>> from micropop.report.config_table import ConfigTable
>>> data = pd.DataFrame({"sexe": ["F", "H", "F"]})
>>> table = ConfigTable({"sex": "sexe", "sex_levels": {"F": "female", "H": "male"},
...                      "age_band": False}, "profile.france", Path("analysis.toml"), KEYS)
>>> france_inputs(table, data, Path("enquete.csv"))
Traceback (most recent call last):
...
micropop.errors.ConfigError: [profile.france] age_band: should be a string, not False ...
>>> table = ConfigTable({"sex": "sexe", "sex_levels": {"F": "female", "H": "male"}},
...                     "profile.france", Path("analysis.toml"), KEYS)
>>> france_inputs(table, data, Path("enquete.csv")).sex_levels
{'female': 'F', 'male': 'H'}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from micropop.errors import OptionError, check_number
from micropop.report.config_table import ConfigTable
from micropop.report.plan import FranceInputs

__all__ = ["france_inputs", "SEX_LABELS", "EDUCATION_LABELS", "AGE_BANDS"]

#: The reference's sexes.
SEX_LABELS = ("female", "male")
#: The reference's education levels (INSEE's diplomas grouped as in the demo codebook).
EDUCATION_LABELS = ("below_bac", "bac", "bac+2", "above_bac+2")
#: INSEE's 5-year age bands of the census table.
AGE_BANDS = tuple(f"{low}-{low + 4}" for low in range(0, 100, 5)) + ("100+",)

#: The columns of the comparison, each with its levels key, the reference's labels, and
#: whether every label must be mapped (the census's bands are taken over the ages only).
_PARTS = {"sex": ("sex_levels", SEX_LABELS, True),
          "age_band": ("age_band_levels", AGE_BANDS, False),
          "education": ("education_levels", EDUCATION_LABELS, True)}


def _levels(table: ConfigTable, column: str, key: str, labels: tuple[str, ...],
            complete: bool, data: pd.DataFrame) -> dict[str, Any] | None:
    """``key``: the user's codes -> reference label(s), as reference label -> data level."""
    given: dict[str, Any] | None = table.get(key, dict, what='{ code = "label" }')
    if given is None:
        return None
    observed = {str(level): level.item() if isinstance(level, np.generic) else level
                for level in pd.unique(data[column].dropna())}
    example = f'{{ "{next(iter(observed), "code")}" = "{labels[0]}" }}'
    inverse: dict[str, Any] = {}
    for code, targets in given.items():
        if code not in observed:
            table.fail(key, f"{code!r} is not a level of column {column!r}",
                       f"its levels are {', '.join(map(repr, observed))} (as read, after the "
                       "codebook)")
        names = targets if isinstance(targets, list) else [targets]
        for label in names:
            if not isinstance(label, str) or label not in labels:
                table.fail(key, f"{code!r} is mapped to {label!r}, not a reference label",
                           f"map each code to one of {', '.join(map(repr, labels[:12]))}"
                           + (" ..." if len(labels) > 12 else ""))
            if label in inverse:
                table.fail(key, f"{label!r} is given for both {str(inverse[label])!r} and "
                           f"{code!r}", "give each reference label once; merge those codes "
                                        "into one in the data if they are the same")
            inverse[label] = observed[code]
    unmapped = [level for level in observed if level not in given]
    if unmapped:
        table.fail(key, f"level(s) {', '.join(map(repr, unmapped))} of column {column!r} "
                   "are not mapped", f"map every level, e.g. {key} = {example}")
    absent = [label for label in labels if label not in inverse]
    if complete and absent:
        table.fail(key, f"no level of {column!r} is mapped to {', '.join(map(repr, absent))}",
                   "map every reference label to a level (a list maps several labels to "
                   f'one: "code" = ["{labels[0]}", "{labels[1]}"])')
    return inverse


def _ages(table: ConfigTable) -> tuple[int, int]:
    """``ages``: the survey's age range, two whole numbers, the first at most the last."""
    ages = table.get("ages", list, [18, 74], what="[18, 74]")
    hint = "write e.g. ages = [18, 64]: the first and last age of the survey's respondents"
    if len(ages) != 2:
        table.fail("ages", f"should be two ages, not {ages!r}", hint)
    try:
        first = int(check_number("first age", ages[0], low=0, high=99, integer=True, hint=hint))
        last = int(check_number("last age", ages[1], low=first, high=99, integer=True,
                                hint=hint))
    except OptionError as err:
        table.fail("ages", err.message, err.hint or hint)
    return first, last


def france_inputs(table: ConfigTable, data: pd.DataFrame, source: Path) -> FranceInputs:
    """``[profile.france]``: the comparison's columns and codes, checked against the data.

    Parameters
    ----------
    table : ConfigTable
        The ``[profile.france]`` table.
    data : pandas.DataFrame
        The worker survey.
    source : pathlib.Path
        Its file, named in the errors.

    Returns
    -------
    FranceInputs
        With each ``*_levels`` turned round: reference label -> the data's level.

    Raises
    ------
    ConfigError
        A column absent from the data, a code the column does not hold, a level
        left unmapped, a reference label unknown, given twice or (sex, education)
        not given, education without age, no comparison at all.

    Examples
    --------
    >>> from pathlib import Path
    >>> from micropop.report.config_keys import KEYS
    >>> data = pd.DataFrame({"diplome": [1, 2, 3, 4], "age": [30, 40, 50, 60]})
    >>> table = ConfigTable({"age": "age", "education": "diplome", "education_levels":
    ...                      {"1": "below_bac", "2": "bac", "3": "bac+2", "4": "above_bac+2"}},
    ...                     "profile.france", Path("analysis.toml"), KEYS)
    >>> inputs = france_inputs(table, data, Path("enquete.csv"))
    >>> inputs.sex, inputs.education_levels["bac"]
    (None, 2)
    """
    columns: dict[str, str | None] = {}
    for key in ("sex", "age", "age_band", "education"):
        columns[key] = table.text(key, what=f'"{key}"')
        if columns[key] is not None:
            table.columns(key, [columns[key]], data, source)  # type: ignore[list-item]
    if not any(columns[key] for key in _PARTS):
        table.fail(None, "names no column to compare",
                   'give sex = "...", age_band = "..." or education = "..." (and age)')
    table.distinct({key: [name] if name else None for key, name in columns.items()})
    if columns["education"] is not None and columns["age"] is None:
        table.fail("education", "needs age, which is not given: INSEE's diplomas are those of "
                   "people aged 25-64", 'add age = "column of ages in years"')
    levels: dict[str, Any] = {}
    for key, (levels_key, labels, complete) in _PARTS.items():
        column = columns[key]
        if column is None:
            if levels_key in table.values:
                table.fail(levels_key, f"applies only with {key}, which is not given",
                           f'add {key} = "column", or remove {levels_key}')
            continue
        levels[levels_key] = _levels(table, column, levels_key, labels, complete, data)
    return FranceInputs(sex=columns["sex"], age=columns["age"], ages=_ages(table),
                        age_band=columns["age_band"], education=columns["education"],
                        **levels)
