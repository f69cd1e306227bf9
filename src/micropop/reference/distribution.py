"""The distribution of one variable in a reference population: :class:`Reference`.

A :class:`Reference` holds counts or shares by level with the year, source and
population they describe; the INSEE builders of :mod:`micropop.reference`
(:func:`~micropop.reference.insee_population`,
:func:`~micropop.reference.insee_education`) return one, and
:func:`micropop.profile.profile`, :func:`micropop.profile.standardize` and
:func:`micropop.estimation.goodness_of_fit` compare a survey with one.

Examples
--------
>>> ref = Reference({"female": 0.507, "male": 0.493}, year=2018, source="INSEE RP2018")
>>> ref.label
'INSEE RP2018, 2018'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from micropop.errors import ProfileError, check_number

__all__ = ["Reference", "as_reference", "check_relabelling"]


@dataclass(frozen=True, eq=False)
class Reference:
    """The distribution of one variable in a reference population (immutable).

    Parameters
    ----------
    values : mapping or pandas.Series
        Counts or shares by level, labelled with the survey's levels; they
        are normalised to shares (so counts and percents both work). Values
        that are all at most 1, not all whole, are taken as shares: they must
        add up to 1 (within 0.02, for rounding), so a forgotten level is not
        silently spread over the others.
    year : int, optional
        Year of the reference figures (shown next to every comparison).
    source : str, optional
        Publication the figures come from.
    population : str, optional
        Who the figures describe (``"France, ages 18-74"``).
    note : str, optional
        How the figures were derived (pro-rated age bands, left-out categories).

    Raises
    ------
    ProfileError
        Values not labelled by level (a list, a scalar), missing level
        labels, values that are not numbers (text, booleans), missing,
        infinite, negative or all-zero values, a level given twice (``1``
        and ``"1"`` are the same level), shares not adding up to 1, or a
        year that is not a whole number.

    Examples
    --------
    >>> ref = Reference({"female": 561, "male": 439}, year=2019, source="DiPLab")
    >>> ref.shares.tolist()
    [0.561, 0.439]
    >>> ref.label
    'DiPLab, 2019'
    """

    values: pd.Series
    year: int | None = None
    source: str | None = None
    population: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        raw = self.values
        if isinstance(raw, pd.DataFrame) or not isinstance(raw, (Mapping, pd.Series)):
            raise ProfileError(f"reference values ({type(raw).__name__}) are not labelled "
                               "by level", hint="give a mapping or a Series from level to "
                                                "count or share, e.g. {'female': 0.51, "
                                                "'male': 0.49}")
        given = pd.Series(raw, dtype=object)
        problems = []
        if given.index.isna().any():
            problems.append("a level without a label (None or NaN)")
        given.index = given.index.map(str)
        numbers = given.map(lambda v: isinstance(v, (int, float, np.integer, np.floating))
                            and not isinstance(v, (bool, np.bool_)))
        if not numbers.all():
            problems.append("values that are not numbers for level(s) " + ", ".join(
                f"{level!r} ({value!r})" for level, value in given[~numbers].items()))
        values = pd.Series(np.where(numbers, given, np.nan), index=given.index, dtype=float)
        if values.index.has_duplicates:
            problems.append("levels given twice: " + ", ".join(
                map(repr, values.index[values.index.duplicated()].unique())))
        bad = numbers & (values.isna() | ~np.isfinite(values) | (values < 0))
        if bad.any():
            problems.append("missing, infinite or negative values for level(s) "
                            + ", ".join(map(repr, values.index[bad])))
        if not problems and values.sum() <= 0:
            problems.append("every value is zero")
        if not problems and _unbalanced_shares(values):
            total = float(values.sum())
            problems.append(f"they look like shares (all at most 1) but add up to {total:.4g}, "
                            "not 1" + (" (is a level missing?)" if total < 1 else ""))
        if values.empty:
            problems = ["no level given"]
        if problems:
            raise ProfileError("reference values are unusable: " + "; ".join(problems),
                               hint="give non-negative counts, or shares adding up to 1, "
                                    "one per level")
        values.name = "reference"
        object.__setattr__(self, "values", values)
        if self.year is not None:
            object.__setattr__(self, "year", check_number("year", self.year, integer=True,
                                                          hint="give the reference year, "
                                                               "e.g. 2018"))

    @property
    def shares(self) -> pd.Series:
        """Shares by level (the values divided by their sum)."""
        return self.values / self.values.sum()

    @property
    def label(self) -> str:
        """Source and year, for display (``"INSEE RP2018, 2018"``)."""
        parts = [p for p in (self.source, None if self.year is None else str(self.year)) if p]
        return ", ".join(parts) if parts else "reference (year not given)"


#: Shares given to 2 decimals may add up to 0.98 or 1.02; a missing level takes more.
_SHARE_TOLERANCE = 0.02


def _unbalanced_shares(values: pd.Series) -> bool:
    """Values that read as shares (all at most 1, not all whole) but do not add up to 1."""
    as_shares = bool((values <= 1).all()) and not bool((values == np.floor(values)).all())
    return as_shares and abs(float(values.sum()) - 1) > _SHARE_TOLERANCE


def as_reference(value: Reference | Mapping[Any, float] | pd.Series) -> Reference:
    """``value`` itself if it is a :class:`Reference`, else a Reference of its values.

    Parameters
    ----------
    value : Reference, mapping or Series
        A reference, or counts or shares by level.

    Returns
    -------
    Reference

    Examples
    --------
    >>> as_reference({"a": 3, "b": 1}).shares.tolist()
    [0.75, 0.25]
    """
    if isinstance(value, Reference):
        return value
    # the field is the Series __post_init__ makes; the dataclass's __init__ takes a mapping too
    return Reference(value)  # type: ignore[arg-type]


def check_relabelling(levels: Mapping[str, Any] | None, labels: list[str]) -> None:
    """Check that ``levels`` maps some of a reference table's ``labels`` to survey levels.

    The ``levels=`` of the INSEE builders: each key a label of the table, each
    value a survey level (non-empty text, or a whole number for a coded column).

    Parameters
    ----------
    levels : mapping or None
        Reference label -> survey level; None passes.
    labels : list of str
        The labels of the reference table.

    Raises
    ------
    ProfileError
        ``levels`` is not a mapping, names labels the table does not have, or
        maps one to no level.

    Examples
    --------
    >>> check_relabelling({"men": "H", "women": "F"}, ["men", "women"])
    >>> check_relabelling({"man": "H"}, ["men", "women"])
    Traceback (most recent call last):
    ...
    micropop.errors.ProfileError: levels= cannot relabel the census: labels not in the table: ...
    """
    if levels is None:
        return
    if not isinstance(levels, Mapping):
        raise ProfileError(f"levels is a {type(levels).__name__}, not a mapping",
                           hint="map INSEE labels to survey levels, e.g. {'men': 'male'}")
    unknown = [key for key in levels if key not in labels]
    empty = [key for key, level in levels.items()
             if not (isinstance(level, str) and level or isinstance(level, (int, np.integer))
                     and not isinstance(level, bool))]
    if unknown or empty:
        parts = ([f"labels not in the table: {', '.join(map(repr, unknown))}"] if unknown
                 else []) + ([f"labels mapped to no level: {', '.join(map(repr, empty))}"]
                             if empty else [])
        raise ProfileError("levels= cannot relabel the census: " + "; ".join(parts),
                           hint=f"map some of {', '.join(map(repr, labels))} to survey levels "
                                "(text)")
