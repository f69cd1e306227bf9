"""The INSEE census (RP2018): population by sex and age, and weighting margins from it.

Both read ``datasets.load_reference("insee_rp2018_sex_age")`` (persons by sex
and 5-year age band, France entière, 2018, table POP1B):

- :func:`insee_population` gives a :class:`~micropop.reference.Reference` (the
  shares to compare a survey with, in :func:`micropop.profile.profile`);
- :func:`sex_age_margins` gives population counts in a survey's own sex and
  age levels, for :meth:`SurveyDesign.rake` or :meth:`SurveyDesign.calibrate`;
  :func:`demo_margins` those of the demo surveys.

An age range that cuts a 5-year band is pro-rated by its share of the band's
years (ages taken as evenly spread within the band), and each says so.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"sex": ["female", "male"], "age_band": ["25-29", "30-34"]})
>>> margins = sex_age_margins(df)
>>> margins["sex"]["female"], margins["age_band"]["25-29"]
(4020276, 3834453)
>>> round(float(insee_population("sex", ages=(25, 34)).shares["female"]), 3)
0.509
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from micropop import datasets
from micropop.design.encode import require_columns
from micropop.errors import (
    LevelNotInMarginError,
    MarginLevelError,
    OptionError,
    ProfileError,
    WeightingError,
    check_number,
)
from micropop.reference.distribution import Reference, check_relabelling

__all__ = ["demo_margins", "insee_population", "sex_age_margins"]


# --- the census as a reference population -------------------------------------


def insee_population(by: str = "sex", ages: tuple[int, int | None] = (18, 64),
                     levels: Mapping[str, Any] | None = None,
                     sex: str | None = None) -> Reference:
    """Census RP2018 population (France entière) by sex or age band, for an age range.

    Built from ``datasets.load_reference("insee_rp2018_sex_age")`` (INSEE,
    POP1B, 5-year bands). The reference population is restricted to
    ``ages`` (both ends included), which should be the survey's own age range
    (18-74 for the demo worker survey) or the range the survey is restricted
    to (e.g. ``des.subset("age <= 64")`` against ``ages=(18, 64)``). A band
    that the range cuts (15-19 for ``ages=(18, ...)``) is **pro-rated** by the
    share of its single years inside the range, assuming people are spread
    evenly within the band (18-19 = 2/5 of 15-19); the :attr:`Reference.note`
    says which bands were cut. Choose band limits (15-64, 20-64, 25-64) to avoid
    pro-rating.

    Parameters
    ----------
    by : {"sex", "age_band"}
        The variable described.
    ages : (int, int or None)
        First and last age (inclusive); ``None`` as the last age keeps 100+.
    levels : mapping, optional
        INSEE labels (``"men"``, ``"women"``, or band labels such as
        ``"25-29"``) -> survey levels; several labels may map to one level
        (``{"25-29": "25-44", ...}``) and are added up. Default: ``men`` ->
        ``male``, ``women`` -> ``female``; bands keep their INSEE labels (those
        of the demo surveys' ``age_band``).
    sex : {None, "men", "women"}
        For ``by="age_band"``: the bands of one sex only (default both).

    Returns
    -------
    Reference
        Counts of persons, year 2018.

    Raises
    ------
    ProfileError
        An unknown ``by`` or ``sex``, a range cutting the open band 100+,
        ``levels`` naming labels the table does not have or mapping one to
        no level.
    OptionError
        ``ages`` that are not two whole numbers ``0 <= first <= last``.

    Examples
    --------
    >>> ref = insee_population("sex", ages=(15, 64))
    >>> round(float(ref.shares["female"]), 3)
    0.507
    >>> bands = insee_population("age_band", ages=(18, 24))
    >>> bands.values.round().tolist()  # 2/5 of 15-19, all of 20-24
    [1651584.0, 3733322.0]
    >>> bands.note
    'band 15-19 pro-rated (2 of its 5 years, even spread assumed)'
    """
    if by not in ("sex", "age_band"):
        raise ProfileError(f"by={by!r} is not in the census table",
                           hint="use by='sex' or by='age_band'")
    if sex not in (None, "men", "women"):
        raise ProfileError(f"sex={sex!r} is not a column of the census table",
                           hint="use None (both), 'men' or 'women'")
    low, high = _age_range(ages)
    table = datasets.load_reference("insee_rp2018_sex_age")
    band_low = table["age_min"].to_numpy(dtype=float)
    band_high = table["age_max"].to_numpy(dtype=float, na_value=np.inf)
    top = np.inf if high is None else float(high)
    covered = np.clip(np.minimum(band_high, top) - np.maximum(band_low, low) + 1, 0, None)
    width = band_high - band_low + 1
    open_band = np.isinf(width)
    whole_open_band = high is None and bool(np.all(low <= band_low[open_band]))
    if np.any(open_band & (covered > 0)) and not whole_open_band:
        raise ProfileError(f"ages {low}-{high} cut the open band 100+, which cannot be "
                           "pro-rated", hint="end the range at 99, or pass ages=(low, None) "
                                             "with low <= 100 to keep the whole band")
    fraction = np.where(open_band, (covered > 0).astype(float),
                        covered / np.where(open_band, 1, width))
    inside = fraction > 0
    cut = [f"band {label} pro-rated ({int(c)} of its {int(w)} years, even spread assumed)"
           for label, c, w, f in zip(table["age_band"], covered, width, fraction, strict=True)
           if 0 < f < 1]
    check_relabelling(levels, ["men", "women"] if by == "sex" else list(table["age_band"]))
    if by == "sex":
        mapping = {"men": "male", "women": "female"} if levels is None else dict(levels)
        counts = pd.Series({label: float((table[label].to_numpy(dtype=float) * fraction).sum())
                            for label in ("men", "women")})
    else:
        mapping = dict(levels) if levels is not None else {}
        column = "total" if sex is None else sex
        counts = pd.Series((table[column].to_numpy(dtype=float) * fraction)[inside],
                           index=table["age_band"][inside].to_numpy())
    counts = counts.groupby(counts.index.map(lambda label: mapping.get(label, label)),
                            sort=False).sum()
    span = f"{low}+" if high is None else f"{low}-{high}"
    who = "" if sex is None or by == "sex" else f"{sex}, "
    return Reference(counts, year=int(table["year"].iloc[0]), source="INSEE RP2018 (POP1B)",
                     population=f"France entière, {who}ages {span}",
                     note="; ".join(cut) or None)


def _age_range(ages: object) -> tuple[int, int | None]:
    """``(first, last)`` ages, whole numbers with ``0 <= first <= last`` (last may be None)."""
    if not isinstance(ages, (tuple, list)) or len(ages) != 2:
        raise OptionError(f"ages={ages!r} is not a pair of ages",
                          hint="give (first, last), e.g. ages=(18, 64), or (18, None)")
    low = check_number("ages[0]", ages[0], low=0, integer=True,
                       hint="give the first age as a whole number of years, e.g. 18")
    if ages[1] is None:
        return low, None
    high = check_number("ages[1]", ages[1], low=low, integer=True,
                        hint=f"give the last age as a whole number of years, at least {low}, "
                             "or None for no upper limit")
    return low, high


# --- the census as weighting margins -------------------------------------------



def sex_age_margins(data: pd.DataFrame, sex: str = "sex", age: str = "age_band",
                    reference: pd.DataFrame | None = None,
                    sex_labels: Mapping[str, str] | None = None,
                    age_range: tuple[int, int] | None = None) -> dict[str, dict[str, float]]:
    """Sex and age margins from the INSEE census (RP2018), in a survey's own labels.

    The reference table (``load_reference("insee_rp2018_sex_age")``: persons
    by sex and 5-year age band, France entière, 2018) is mapped to the levels
    the survey uses: its sex labels through ``sex_labels``, its age levels by
    reading them as ranges (``"25-44"``, ``"75+"``). A survey band made of
    whole census bands gets their exact sum; one that cuts a census band
    takes the share of its years, assuming ages uniform within the 5-year band
    (stated, as it is an approximation). Both margins cover the same ages, so
    their totals agree.

    Parameters
    ----------
    data : DataFrame
        The survey data (or ``design.data``); its levels of ``sex`` and
        ``age`` are the margins' levels.
    sex, age : str
        Columns of the sex and age-band variables.
    reference : DataFrame, optional
        A table shaped like the INSEE one (``age_min``, ``age_max``, ``men``,
        ``women``); default the RP2018 table in ``data/reference``.
    sex_labels : mapping, optional
        Survey sex level -> reference column; default ``{"female": "women",
        "male": "men"}`` (also ``"f"``/``"m"``, ``"femme"``/``"homme"``).
    age_range : (int, int), optional
        Ages the survey covers (e.g. ``(18, 64)``): census counts outside are
        left out, so a band labelled ``"15-19"`` in an adult survey counts
        only ages 18-19.

    Returns
    -------
    dict
        ``{sex: {level: count}, age: {level: count}}``, ready for
        ``des.rake(...)`` or ``des.calibrate(...)``.

    Raises
    ------
    MarginLevelError
        A survey level that cannot be read as an age range (or runs
        backwards, or holds no age of the census and ``age_range``), age
        levels that overlap (their ages would be counted twice), a sex level
        not mapped to a census column, or two mapped to the same one.
    OptionError
        ``age_range`` not a pair of ages, youngest first.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": ["female", "male"], "age_group": ["18-24", "25-44"]})
    >>> m = sex_age_margins(df, age="age_group", age_range=(18, 44))
    >>> round(sum(m["sex"].values())) == round(sum(m["age_group"].values()))
    True
    """
    if reference is None:
        reference = datasets.load_reference("insee_rp2018_sex_age")
    require_columns(data, [sex, age])
    labels = {"female": "women", "male": "men", "f": "women", "m": "men",
              "femme": "women", "homme": "men", "women": "women", "men": "men"}
    if sex_labels is not None:
        if not isinstance(sex_labels, Mapping):
            raise WeightingError(f"sex_labels must map sex levels to census columns, not "
                                 f"{type(sex_labels).__name__}",
                                 hint="e.g. sex_labels={'F': 'women', 'H': 'men'}")
        labels = dict(sex_labels)
        wrong = [f"{k!r}: {v!r}" for k, v in labels.items() if v not in ("women", "men")]
        if wrong:
            raise WeightingError(f"sex_labels maps {', '.join(wrong)} to no census column",
                                 hint="map each sex level to 'women' or 'men'")
    sex_levels = _levels(data[sex])
    unknown = [s for s in sex_levels if str(s).lower() not in labels and s not in labels]
    if unknown:
        raise LevelNotInMarginError(f"sex level(s) {_listed(unknown)} of column {sex!r} have "
                                    "no census column",
                                    hint="pass sex_labels={level: 'women' or 'men'}")
    key = {s: labels[str(s).lower()] if str(s).lower() in labels else labels[s]
           for s in sex_levels}  # every level is in labels (checked above)
    first: dict[str, Any] = {}
    for level in sex_levels:
        if key[level] in first:
            raise MarginLevelError(f"sex levels {first[key[level]]!r} and {level!r} of column "
                                   f"{sex!r} both read as the census's {key[level]!r}, so each "
                                   "would be given all of them",
                                   hint="recode them to one level first")
        first[key[level]] = level
    band_lo = reference["age_min"].to_numpy(dtype=float)
    band_hi = reference["age_max"].fillna(120).to_numpy(dtype=float)
    covered = (float(band_lo.min()), float(band_hi.max()))
    if age_range is not None:
        if isinstance(age_range, (str, bytes)) or not hasattr(age_range, "__len__") or len(
                age_range) != 2:
            raise OptionError(f"age_range={age_range!r} is not a pair (youngest, oldest)",
                              hint="e.g. age_range=(18, 64)")
        youngest = check_number("age_range[0]", age_range[0], low=0)
        covered = (max(covered[0], youngest),
                   min(covered[1], check_number("age_range[1]", age_range[1], low=youngest)))
    ages = _levels(data[age])
    lo_hi = np.array([_band_ages(a, age) for a in ages], dtype=float).reshape(-1, 2)
    lo_hi = np.column_stack([np.maximum(lo_hi[:, 0], covered[0]),
                             np.minimum(lo_hi[:, 1], covered[1])])
    _check_bands(ages, lo_hi, age, covered)
    # years of each survey level inside each census band, over the band's years
    overlap = np.clip(np.minimum(lo_hi[:, 1:2], band_hi) - np.maximum(lo_hi[:, :1], band_lo)
                      + 1, 0, None) / (band_hi - band_lo + 1)
    men = overlap @ reference["men"].to_numpy(dtype=float)
    women = overlap @ reference["women"].to_numpy(dtype=float)
    by_sex = {"women": float(women.sum()), "men": float(men.sum())}
    return {sex: {s: _round(by_sex[key[s]]) for s in sex_levels},
            age: {a: _round(m + w) for a, m, w in zip(ages, men, women, strict=True)}}


def _levels(series: pd.Series) -> list[Any]:
    """The levels a column holds: its categories in order, or its sorted values."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return [c for c in series.cat.categories if (series == c).any()]
    return sorted(series.dropna().unique())


def _check_bands(ages: list[Any], lo_hi: np.ndarray, column: str,
                 covered: tuple[float, float]) -> None:
    """Raise MarginLevelError for an age band with no age covered, or two that overlap."""
    for level, (lo, hi) in zip(ages, lo_hi, strict=True):
        if lo > hi:
            raise MarginLevelError(f"age level {str(level)!r} of column {column!r} holds no age "
                                   f"from {covered[0]:g} to {covered[1]:g} (the census table "
                                   "and age_range)",
                                   hint="recode the age bands, or widen age_range")
    order = np.argsort(lo_hi[:, 0], kind="stable")
    for one, other in itertools.pairwise(order):
        if lo_hi[other, 0] <= lo_hi[one, 1]:
            raise MarginLevelError(f"age levels {str(ages[one])!r} and {str(ages[other])!r} of "
                                   f"column {column!r} overlap (ages {lo_hi[other, 0]:g} to "
                                   f"{min(lo_hi[one, 1], lo_hi[other, 1]):g} would be counted "
                                   "twice)", hint="recode the age bands so that they do not "
                                                  "overlap")


def _band_ages(label: Any, column: str) -> tuple[float, float]:
    """First and last age of a survey's age level (``"25-29"``, ``"75+"`` up to 120)."""
    text = str(label)
    found = re.fullmatch(r"\s*(\d+)\s*(?:-|–|to)\s*(\d+)\s*", text)
    if found and float(found[1]) > float(found[2]):
        raise MarginLevelError(f"age level {text!r} of column {column!r} runs backwards",
                               hint="write age bands as 'lo-hi', e.g. '25-29'")
    if found:
        return float(found[1]), float(found[2])
    found = re.fullmatch(r"\s*(\d+)\s*(?:\+|or over|and over|ou plus)\s*", text)
    if found:
        return float(found[1]), 120.0
    raise LevelNotInMarginError(f"age level {text!r} of column {column!r} is not a range "
                                "such as '25-29' or '75+'",
                                hint="recode the age bands as 'lo-hi' ranges")


def _round(value: float) -> float:
    """Whole persons when the mapping is exact, else the pro-rated count."""
    return int(round(value)) if abs(value - round(value)) < 1e-6 else value


def demo_margins(survey: str = "population") -> dict[str, dict[str, float]]:
    """INSEE RP2018 sex x age margins for a demo survey of :mod:`micropop.datasets`.

    Parameters
    ----------
    survey : {"population", "worker"}
        ``"population"``: the general-population survey (adults 18-64, by
        ``sex`` and 5-year ``age_band``); ``"worker"``: the micro-worker
        survey (ages 18-74, by ``sex`` and ``age_group``).

    Returns
    -------
    dict
        Margins for :meth:`SurveyDesign.rake` or :meth:`SurveyDesign.calibrate`.

    Examples
    --------
    >>> import micropop as mp
    >>> from micropop.design import SurveyDesign
    >>> from micropop.weighting import demo_margins
    >>> df = mp.datasets.load_population_survey()
    >>> des = SurveyDesign(df, weights="weight", strata="region",
    ...                    psu=["commune_id", "household_id"], fpc=["fpc1", "fpc2"])
    >>> raked = des.rake(demo_margins("population"))
    >>> raked.weight_summary().largest_residual < 1e-6
    True
    """
    if survey == "population":
        return sex_age_margins(datasets.load_population_survey(), age="age_band",
                               age_range=(18, 64))
    if survey == "worker":
        return sex_age_margins(datasets.load_worker_survey(), age="age_group",
                               age_range=(18, 74))
    raise WeightingError(f"no demo survey {survey!r}", hint="use 'population' or 'worker'")


def _listed(names: Sequence[Any], limit: int = 8) -> str:
    """Names quoted for a message, the first ``limit`` of them."""
    text = ", ".join(repr(str(n)) for n in names[:limit])
    return text + (f" and {len(names) - limit} more" if len(names) > limit else "")
