"""Profiles: who the respondents are, against a reference population.

:func:`profile` puts the design-based shares of categorical variables
(sex, age band, education, ...) next to the shares of a reference population
(census, labour-force survey), with the difference and ratio and a design-based
goodness-of-fit test; :func:`standardize` re-weights domain means to a standard
age structure (direct standardisation). A reference is a :class:`Reference`:
counts or shares by level, with its year and source; :func:`insee_population`
and :func:`insee_education` build them from the INSEE tables shipped in
:mod:`micropop.datasets`.

Conventions (R ``survey``):

- shares, SEs and intervals are the engine's (:meth:`SurveyDesign.proportion`,
  R's ``svymean`` / ``svyciprop``; default ``ci="logit"``);
- the reference is taken as fixed and known (a census count has no sampling
  error), so the difference ``share - reference`` has the SE of the share, the
  ratio ``share / reference`` the SE ``se / reference`` (delta method, exact
  here because the ratio is linear in the share), and their intervals are the
  share's interval shifted or rescaled;
- the goodness-of-fit test is R's ``svygofchisq`` (survey >= 4.1): Pearson's
  statistic on the estimated population counts, with Rao-Scott corrections.

Examples
--------
>>> import micropop as mp
>>> from micropop.profile import insee_population, profile
>>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
>>> france = {"sex": insee_population("sex", ages=(18, 74))}
>>> prof = profile(des, ["sex"], reference=france)
>>> prof.to_frame()[["level", "share", "reference_share"]].round(3)
    level  share  reference_share
0  female  0.561            0.512
1    male  0.439            0.488
>>> round(prof.gof["sex"].f, 2), prof.gof["sex"].f_p < 0.01
(9.45, True)
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from micropop import datasets
from micropop.design import as_columns, require_columns, require_design
from micropop.errors import (OptionError, ProfileError, ReferenceLevelError, check_number,
                             check_option)
from micropop.estimation import ChisqTest, Estimate

if TYPE_CHECKING:
    from micropop.design import SurveyDesign

__all__ = ["GoodnessOfFit", "Profile", "Reference", "goodness_of_fit", "insee_education",
           "insee_population", "profile", "standardize"]


# --- reference populations --------------------------------------------------


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


def _as_reference(value: Reference | Mapping[Any, float] | pd.Series) -> Reference:
    return value if isinstance(value, Reference) else Reference(value)


def insee_population(by: str = "sex", ages: tuple[int, int | None] = (18, 64),
                     levels: Mapping[str, str] | None = None,
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
           for label, c, w, f in zip(table["age_band"], covered, width, fraction)
           if 0 < f < 1]
    _check_relabelling(levels, ["men", "women"] if by == "sex" else list(table["age_band"]))
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


def _check_relabelling(levels: Mapping[str, str] | None, labels: list[str]) -> None:
    """``levels`` maps labels of the INSEE table to survey levels (text), nothing else."""
    if levels is None:
        return
    if not isinstance(levels, Mapping):
        raise ProfileError(f"levels is a {type(levels).__name__}, not a mapping",
                           hint="map INSEE labels to survey levels, e.g. {'men': 'male'}")
    unknown = [key for key in levels if key not in labels]
    empty = [key for key, level in levels.items() if not isinstance(level, str) or not level]
    if unknown or empty:
        parts = ([f"labels not in the table: {', '.join(map(repr, unknown))}"] if unknown
                 else []) + ([f"labels mapped to no level: {', '.join(map(repr, empty))}"]
                             if empty else [])
        raise ProfileError("levels= cannot relabel the census: " + "; ".join(parts),
                           hint=f"map some of {', '.join(map(repr, labels))} to survey levels "
                                "(text)")


#: INSEE diploma categories of ``education_attainment`` (all must be present).
_EDUCATION_CATEGORIES = {"no_diploma_or_brevet", "cap_bep", "baccalaureat", "bac_plus_2",
                         "above_bac_plus_2", "not_determined"}


def insee_education(age_group: str = "25-64", sex: str = "all",
                    year: int = 2023) -> Reference:
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
    """
    year = check_number("year", year, integer=True, hint="give a year such as 2023")
    table = datasets.load_reference("education_attainment")
    rows = table[(table["year"] == year) & (table["age_group"] == age_group)
                 & (table["sex"] == sex)]
    if set(rows["category"]) != _EDUCATION_CATEGORIES:
        full = table.groupby(["year", "age_group", "sex"])["category"].agg(set)
        available = sorted({str(y) for (y, _, _), cats in full.items()
                            if cats == _EDUCATION_CATEGORIES})
        raise ReferenceLevelError(
            f"no full diploma distribution for year {year}, age group {age_group!r}, "
            f"sex {sex!r} in education_attainment",
            hint=f"full distributions exist for year(s) {', '.join(available)}, age groups "
                 "25-34, 35-44, 45-54, 55-64, 25-64 and sex all/female/male")
    kept = rows[rows["level"].notna() & (rows["level"] != "")]
    dropped = rows.loc[~rows.index.isin(kept.index), "share_pct"].sum()
    shares = kept.groupby("level", sort=False)["share_pct"].sum()
    return Reference(shares, year=year, source="INSEE enquête Emploi",
                     population=f"France hors Mayotte, ages {age_group}, sex {sex}",
                     note=f"'Non déterminé' ({dropped:.1f} %) left out; shares renormalised")


# --- goodness of fit ----------------------------------------------------------


@dataclass(frozen=True, eq=False)
class GoodnessOfFit:
    """Design-based test of a sample distribution against given shares (R's ``svygofchisq``).

    ``pearson`` is Pearson's statistic on the estimated population counts
    ``T_k`` against ``p_k * N`` (``N`` the estimated total), as R's
    ``chisq.test(svytotal(...), p=)``. ``eigenvalues`` are those of the
    linearised covariance of the components ``(T_k - p_k N) / sqrt(p_k N)``
    (R's ``$lambda``): all would be 1 under multinomial sampling, so they are
    generalised design effects. From them:

    - **first-order** Rao-Scott: ``rs1_chisq = pearson / mean(eigenvalues)``
      (the mean over the ``K - 1`` non-null ones), on ``K - 1`` df;
    - **second-order** (Satterthwaite): ``pearson / scale`` on ``df``
      degrees of freedom, ``scale = sum(l^2) / sum(l)``,
      ``df = sum(l)^2 / sum(l^2)`` -- R's ``parameter`` and ``p.value``;
    - the **F** form of the second-order test, as R's ``svychisq``
      (statistic "F"): ``f = pearson / sum(l)`` on ``(df, df * degf)``
      degrees of freedom, ``degf`` the design's.

    :attr:`design_effects` rescales the eigenvalues to the sample size
    (``l * n / N``): about 1 for a simple random sample.
    """

    variable: str
    levels: tuple[str, ...]
    observed: np.ndarray
    expected: np.ndarray
    pearson: float
    eigenvalues: np.ndarray
    degf: int
    scale: float
    df: float
    p_value: float
    rs1_chisq: float
    rs1_df: int
    rs1_p: float
    f: float
    ndf: float
    ddf: float
    f_p: float
    n: int

    @property
    def design_effects(self) -> np.ndarray:
        """Generalised design effects: the ``K - 1`` largest eigenvalues times ``n / N``."""
        return self.eigenvalues[: len(self.levels) - 1] * self.n / self.observed.sum()

    def to_frame(self) -> pd.DataFrame:
        """The three forms of the test as a small table (statistic, df, p_value)."""
        return pd.DataFrame(
            {"statistic": [self.pearson, self.rs1_chisq, self.pearson / self.scale, self.f],
             "df": [f"{len(self.levels) - 1}", f"{self.rs1_df}", f"{self.df:.4g}",
                    f"{self.ndf:.4g}, {self.ddf:.4g}"],
             "p_value": [np.nan, self.rs1_p, self.p_value, self.f_p]},
            index=pd.Index(["Pearson X2 (population counts)", "Rao-Scott first order",
                            "Rao-Scott second order (Satterthwaite)", "Rao-Scott F"],
                           name="test"))


def goodness_of_fit(design: SurveyDesign, variable: str,
                    reference: Reference | Mapping[Any, float] | pd.Series,
                    na_rm: bool = False) -> GoodnessOfFit:
    """Test the distribution of ``variable`` against the reference shares.

    Matches R survey's ``svygofchisq(~variable, p, design)`` (statistic,
    ``scale``, ``df``, ``p.value``, ``lambda``), with the first-order and F
    forms added (see :class:`GoodnessOfFit`). R 4.1.1's ``svygofchisq`` gives
    each level the expected count of another when the levels are not in
    alphabetical order (its ``split()`` sorts them); its statistic is right
    but its eigenvalues are not. Here the result does not depend on the
    order of the levels, and agrees with R whenever R's levels are sorted.

    The covariance is the engine's, of the estimated totals of each level
    (:meth:`SurveyDesign.total`, Taylor linearisation or replicate weights),
    carried to the Pearson components by the delta method
    (:meth:`Estimate.contrast`), as R's ``svycontrast``.

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    variable : str
        A categorical column.
    reference : Reference, mapping or Series
        Shares (or counts) by level; every level observed in the design must
        have one, and every reference level must be a level of the column.
    na_rm : bool, default False
        Leave out rows with a missing ``variable`` (R's ``na.rm``).

    Returns
    -------
    GoodnessOfFit

    Raises
    ------
    ReferenceLevelError
        Levels that do not match (named), or a reference share of zero.

    Examples
    --------
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> test = goodness_of_fit(des, "sex", {"female": 0.507, "male": 0.493})
    >>> round(test.rs1_chisq, 3), round(test.df, 3), test.rs1_p < 0.001
    (11.342, 1.0, True)
    """
    require_design(design)
    reference = _as_reference(reference)
    name = variable
    levels, values = _matched_levels(design, variable, reference)
    if len(levels) < 2:
        raise ProfileError(
            f"goodness of fit of {variable!r} needs two levels or more; the comparison has "
            f"{', '.join(repr(str(v)) for v in levels)} only",
            hint="there is nothing to test: every row and the whole reference are in that "
                 "level")
    p = reference.shares.reindex([str(v) for v in levels]).to_numpy()
    if np.any(p == 0):
        zero = [str(v) for v, share in zip(levels, p) if share == 0]
        raise ReferenceLevelError(
            f"reference share of {variable!r} level(s) {', '.join(map(repr, zero))} is zero: "
            "Pearson's statistic divides by it",
            hint="merge the level with another one, or leave it out of the test")
    column = design.data[variable]
    if not isinstance(column.dtype, pd.CategoricalDtype):
        # numbers coding levels (1, 2, ...): totals by level, not the total of the codes
        coded = f"levels of {variable}"
        design = design.assign(**{coded: pd.Categorical(column, categories=values)})
        variable = coded
    totals = design.total(variable, na_rm=na_rm)
    keep = [list(values).index(v) for v in levels]
    observed = totals.estimate[keep]
    n_hat = observed.sum()
    expected = p * n_hat
    with np.errstate(all="ignore"):  # a share of 1e-320 overflows: refused below
        pearson = float(np.sum((observed - expected) ** 2 / expected))
        # delta method for X_k = (T_k - p_k N) / sqrt(p_k N), N = sum_j T_j (R's svycontrast)
        derivative_e = -(observed + expected) / (2 * expected ** 1.5)
        jacobian = np.diag(1 / np.sqrt(expected)) + np.outer(derivative_e * p,
                                                             np.ones(len(p)))
        full = np.zeros((len(p), len(totals.estimate)))
        full[:, keep] = jacobian
        vcov = totals.contrast(full).vcov
    if not (np.isfinite(pearson) and np.all(np.isfinite(vcov))):
        smallest = int(np.argmin(p))
        raise ReferenceLevelError(
            f"the reference share of {name!r} level {str(levels[smallest])!r} "
            f"({p[smallest]:.3g}) is too small: Pearson's statistic overflows",
            hint="merge the level with another one, or leave it out of the test")
    eigenvalues = np.sort(np.linalg.eigvalsh(vcov))[::-1]
    trace, trace_sq = float(np.trace(vcov)), float(np.sum(vcov * vcov))
    if not trace > 0:
        raise ProfileError(
            f"the design gives the counts of {name!r} no variance (every PSU holds the "
            "same shares), so the Rao-Scott corrections are undefined",
            hint="compare the shares without a test (profile(..., reference=) shows them), "
                 "or check the design's PSUs")
    k = len(p)
    scale, df = trace_sq / trace, trace ** 2 / trace_sq
    rs1 = pearson * (k - 1) / trace
    f = pearson / trace
    return GoodnessOfFit(
        variable=name, levels=tuple(str(v) for v in levels), observed=observed,
        expected=expected, pearson=pearson, eigenvalues=eigenvalues, degf=design.degf,
        scale=scale, df=df, p_value=float(stats.chi2.sf(pearson / scale, df)),
        rs1_chisq=rs1, rs1_df=k - 1, rs1_p=float(stats.chi2.sf(rs1, k - 1)),
        f=f, ndf=df, ddf=df * design.degf, f_p=float(stats.f.sf(f, df, df * design.degf)),
        n=int(totals.n[0]))


def _column_levels(design: SurveyDesign, variable: str) -> tuple[list, list]:
    """All levels of a column (categories, or sorted values) and those observed."""
    require_columns(design.data, [variable])
    column = design.data[variable]
    seen = column[design.weights != 0]
    if isinstance(column.dtype, pd.CategoricalDtype):
        values = list(column.cat.categories)
    else:
        values = sorted(column.dropna().unique())
    observed = [v for v in values if (seen == v).any()]
    return values, observed



def _level_mismatch(variable: str, against: str, *groups: tuple[str, list],
                    hint: str) -> ReferenceLevelError:
    """The error for levels that differ between the data and a reference or standard.

    Each group is ``(what these levels are, the levels)``; empty groups are left out.
    """
    parts = [f"{what}: " + ", ".join(map(repr, levels)) for what, levels in groups if levels]
    return ReferenceLevelError(
        f"levels of {variable!r} do not match {against}: " + "; ".join(parts), hint=hint)


def _matched_levels(design: SurveyDesign, variable: str,
                    reference: Reference) -> tuple[list, list]:
    """Levels to compare (in the column's order); mismatches raise, naming them.

    A level of the column's categories that no row of the design holds and
    the reference does not name is left out (its share is exactly 0).
    """
    values, observed = _column_levels(design, variable)
    names = [str(v) for v in values]
    unknown = [lvl for lvl in reference.values.index if lvl not in names]
    missing = [str(v) for v in observed if str(v) not in reference.values.index]
    if unknown or missing:
        raise _level_mismatch(
            variable, f"the reference ({reference.label})",
            ("in the reference but not levels of the data", unknown),
            ("in the data but not in the reference", missing),
            hint="relabel the reference with the survey's levels (levels= of the INSEE "
                 f"helpers), or restrict the design; the data's levels are {names}")
    levels = [v for v in values if str(v) in reference.values.index]
    return levels, values


# --- profiles -----------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class Profile:
    """Shares of a sample next to a reference population, with tests (immutable).

    Made by :func:`profile`; read it with :meth:`to_frame`, :meth:`tests`,
    :meth:`summary`, or display it in a notebook.

    Attributes
    ----------
    references : dict
        Variable -> :class:`Reference` used (empty without references).
    gof : dict
        Variable (or ``(variable, domain)`` with ``by=``) ->
        :class:`GoodnessOfFit`.
    independence : dict
        With ``by=``: variable -> :class:`~micropop.estimation.ChisqTest`, the
        Rao-Scott F test of independence of the variable and the domains
        (:meth:`SurveyDesign.chisq`, R's ``svychisq``).
    by : str or None
        The domain column.
    ci : str
        Interval method of the shares (R's ``svyciprop`` method).
    conf_level : float
    """

    table: pd.DataFrame
    references: Mapping[str, Reference]
    gof: Mapping[Any, GoodnessOfFit]
    independence: Mapping[str, ChisqTest]
    by: str | None
    ci: str
    conf_level: float

    def to_frame(self) -> pd.DataFrame:
        """The tidy table, one row per variable, level [and domain].

        Columns: ``variable``, ``level`` [, ``domain``], ``n`` (respondents),
        ``share``, ``se``, ``ci_low``, ``ci_high``, ``reference_share``,
        ``reference_year``, ``difference``, ``difference_ci_low``,
        ``difference_ci_high``, ``ratio``, ``ratio_se``, ``ratio_ci_low``,
        ``ratio_ci_high`` (reference columns are NaN without a reference).
        """
        return self.table.copy()

    def tests(self) -> pd.DataFrame:
        """One row per test.

        Goodness of fit (``test == "goodness of fit"``): first-order
        (``rs1_*``), Satterthwaite (``satterthwaite_*``) and F (``f``,
        ``ndf``, ``ddf``, ``f_p``) forms. With ``by=``, also the Rao-Scott F
        test of independence of each variable and the domains
        (``test == "independence"``, F columns only).
        """
        rows = []
        for key, test in self.gof.items():
            variable, domain = key if isinstance(key, tuple) else (key, None)
            rows.append({"variable": variable, "domain": domain, "test": "goodness of fit",
                         "pearson": test.pearson, "rs1_chisq": test.rs1_chisq,
                         "rs1_df": test.rs1_df, "rs1_p": test.rs1_p,
                         "satterthwaite_scale": test.scale, "satterthwaite_df": test.df,
                         "satterthwaite_p": test.p_value, "f": test.f, "ndf": test.ndf,
                         "ddf": test.ddf, "f_p": test.f_p})
        for variable, test in self.independence.items():
            rows.append({"variable": variable, "domain": None, "test": "independence",
                         "f": test.statistic, "ndf": test.ndf, "ddf": test.ddf,
                         "f_p": test.p_value})
        frame = pd.DataFrame(rows)
        return frame if self.by is not None or frame.empty else frame.drop(columns="domain")

    def summary(self) -> str:
        """The profile as text: one block per variable, its reference and its tests."""
        lines = [self._title()]
        table = self.table
        for variable in dict.fromkeys(table["variable"]):
            block = table[table["variable"] == variable].drop(columns="variable")
            lines += ["", f"{variable}: {self._reference_label(variable)}",
                      block.set_index([c for c in ("level", "domain") if c in block])
                      .drop(columns=["reference_year"]).to_string(float_format="{:.4f}".format)]
            lines += [f"  {text}" for text in self._test_lines(variable)]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        parts = [f"<p><b>{html.escape(self._title())}</b></p>"]
        for variable in dict.fromkeys(self.table["variable"]):
            block = self.table[self.table["variable"] == variable].drop(
                columns=["variable", "reference_year"])
            parts.append(f"<p>{html.escape(variable)}: "
                         f"{html.escape(self._reference_label(variable))}</p>")
            parts.append(block.to_html(index=False, float_format="{:.4f}".format, escape=True))
            parts += [f"<p>{html.escape(t)}</p>" for t in self._test_lines(variable)]
        return "\n".join(parts)

    def _title(self) -> str:
        domain = f" by {self.by}" if self.by else ""
        return (f"Profile{domain}: survey shares ({self.conf_level:.0%} {self.ci} "
                "interval) against the reference (taken as known)")

    def _reference_label(self, variable: str) -> str:
        ref = self.references.get(variable)
        if ref is None:
            return "no reference"
        text = ref.label + (f" -- {ref.population}" if ref.population else "")
        return text + (f" ({ref.note})" if ref.note else "")

    def _test_lines(self, variable: str) -> list[str]:
        lines = []
        for key, test in self.gof.items():
            name, domain = key if isinstance(key, tuple) else (key, None)
            if name != variable:
                continue
            where = "" if domain is None else f" [{self.by} = {domain}]"
            lines.append(f"Goodness of fit{where}: Rao-Scott X2 = {test.rs1_chisq:.3f} on "
                         f"{test.rs1_df} df, p = {test.rs1_p:.3g}; F = {test.f:.3f} on "
                         f"({test.ndf:.3g}, {test.ddf:.4g}) df, p = {test.f_p:.3g}")
        if variable in self.independence:
            test = self.independence[variable]
            lines.append(f"Independence of {variable} and {self.by} (Rao-Scott): F = "
                         f"{test.statistic:.3f} on ({test.ndf:.3g}, {test.ddf:.4g}) df, "
                         f"p = {test.p_value:.3g}")
        return lines


def profile(design: SurveyDesign, variables: str | Sequence[str],
            reference: Mapping[str, Reference | Mapping[Any, float] | pd.Series] | None = None,
            by: str | None = None, ci: str = "logit", conf_level: float = 0.95,
            na_rm: bool = False) -> Profile:
    """Shares of categorical variables, against a reference population, with tests.

    For each variable: the design-based share of each level with its
    interval (:meth:`SurveyDesign.proportion`, R's ``svyciprop``), the
    reference share, the difference and the ratio with their intervals (the
    reference taken as known), and the goodness-of-fit test of
    :func:`goodness_of_fit` (R's ``svygofchisq``). With ``by=``, shares are
    given for each domain (R's ``svyby``), the test is run in each domain (a
    subset keeping the full design), and the domains are tested for
    independence from the variable by the engine's Rao-Scott test
    (:meth:`SurveyDesign.chisq`, R's ``svychisq``, second-order F).

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    variables : str or list of str
        Categorical columns.
    reference : mapping, optional
        Variable -> :class:`Reference` (or a mapping / Series of shares or
        counts by level). Variables without one get shares only.
    by : str, optional
        A domain column (e.g. ``"frequency"``: weekly, monthly, less often).
    ci : {"logit", "xlogit", "mean", "asin", "beta"}
        Interval of the shares, as R's ``svyciprop``.
    conf_level : float, default 0.95
    na_rm : bool, default False
        Leave out rows with a missing value (R's ``na.rm``); by default
        missing values raise :class:`MissingValuesError`.

    Returns
    -------
    Profile

    Raises
    ------
    ReferenceLevelError
        Reference levels that are not the survey's, or observed survey levels
        without a reference share (both named).

    Examples
    --------
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> prof = profile(des, ["frequency"], by="sex")
    >>> prof.to_frame().loc[:1, ["level", "domain", "share"]].round(3)
        level  domain  share
    0  weekly  female  0.311
    1  weekly    male  0.348
    """
    require_design(design)
    check_option("na_rm", na_rm, [True, False])
    variables = _variables(variables, by)
    if reference is not None and not isinstance(reference, Mapping):
        raise ProfileError(f"reference is a {type(reference).__name__}, not a mapping from "
                           "variable to reference",
                           hint="pass reference={'sex': insee_population('sex', ...)}")
    references = {name: _as_reference(value) for name, value in (reference or {}).items()}
    unused = [name for name in references if name not in variables]
    if unused:
        raise ProfileError(f"reference given for {', '.join(map(repr, unused))}, which "
                           "is not among the variables profiled",
                           hint="add it to variables, or drop it from reference")
    blocks, gof, independence = [], {}, {}
    for variable in variables:
        ref = references.get(variable)
        if ref is None:
            levels = _column_levels(design, variable)[0]
        else:
            levels = _matched_levels(design, variable, ref)[0]
        blocks.append(_shares(design, variable, levels, ref, by, ci, conf_level, na_rm))
        if ref is not None and by is None:
            gof[variable] = goodness_of_fit(design, variable, ref, na_rm)
        elif ref is not None:
            for domain, mask in _domain_masks(design, by):
                gof[(variable, domain)] = goodness_of_fit(design.subset(mask), variable,
                                                          ref, na_rm)
        if by is not None:
            independence[variable] = design.chisq(variable, by, statistic="F", na_rm=na_rm)
    return Profile(pd.concat(blocks, ignore_index=True), references, gof, independence,
                   by, ci, conf_level)


def _variables(variables: str | Sequence[str], by: str | None) -> list:
    """The profiled columns: at least one, each once, none of them the domain column."""
    columns = as_columns(variables, "variables")
    if not columns:
        raise ProfileError("no variable to profile", hint="name one categorical column or more")
    repeated = list(dict.fromkeys(c for c in columns if columns.count(c) > 1))
    if repeated:
        raise ProfileError(f"variables lists {', '.join(map(repr, repeated))} more than once",
                           hint="name each variable once")
    if by is not None and by in columns:
        raise ProfileError(f"{by!r} is both a profiled variable and the domain column by=",
                           hint="profile it without by=, or choose another domain column")
    return columns


def _domain_masks(design: SurveyDesign, by: str) -> list[tuple[str, np.ndarray]]:
    column = design.data[by]
    values = (list(column.cat.categories) if isinstance(column.dtype, pd.CategoricalDtype)
              else sorted(column.dropna().unique()))
    return [(str(v), (column == v).to_numpy()) for v in values if (column == v).any()]


def _shares(design: SurveyDesign, variable: str, levels: list, ref: Reference | None,
            by: str | None, ci: str, conf_level: float, na_rm: bool) -> pd.DataFrame:
    """Rows of the profile table for one variable (all levels, all domains)."""
    rows = []
    column = design.data[variable]
    for level in levels:
        est = design.proportion(variable, level=level, ci=ci, by=by, conf_level=conf_level,
                                na_rm=na_rm)
        interval = est.ci()
        domains = [None] if by is None else [label[-1] for label in est.index]
        at_level = column == level
        for k, domain in enumerate(domains):
            inside = at_level if by is None else at_level & (design.data[by].astype(str)
                                                             == domain)
            rows.append({"variable": variable, "level": str(level), "domain": domain,
                         "n": int(inside.sum()), "share": est.estimate[k], "se": est.se[k],
                         "ci_low": interval["ci_low"].iloc[k],
                         "ci_high": interval["ci_high"].iloc[k]})
    frame = pd.DataFrame(rows)
    if by is None:
        frame = frame.drop(columns="domain")
    reference = (np.nan if ref is None
                 else frame["level"].map(ref.shares).to_numpy(dtype=float))
    frame["reference_share"] = reference
    frame["reference_year"] = pd.array([None if ref is None else ref.year] * len(frame),
                                       dtype="Int64")
    frame["difference"] = frame["share"] - reference
    frame["difference_ci_low"] = frame["ci_low"] - reference
    frame["difference_ci_high"] = frame["ci_high"] - reference
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["ratio"] = frame["share"] / reference
        frame["ratio_se"] = frame["se"] / reference
        frame["ratio_ci_low"] = frame["ci_low"] / reference
        frame["ratio_ci_high"] = frame["ci_high"] / reference
    return frame


# --- direct standardisation -------------------------------------------------------


def standardize(design: SurveyDesign, variable: str, by: str = "age_band",
                standard: Reference | Mapping[Any, float] | pd.Series | None = None,
                na_rm: bool = False) -> Estimate:
    """Directly standardised mean (or shares) of ``variable`` over the strata ``by``.

    The standardised mean is ``sum_g s_g * mean_g``: the domain means of
    ``variable`` in each level ``g`` of ``by`` (e.g. age band), weighted by
    the standard population's shares ``s_g`` (e.g. the French age
    structure) -- what the sample would show if it had the standard's
    composition. For a categorical variable, each level's share is
    standardised. The standard is taken as known; the SE is that of a linear
    combination of domain means with their full design covariance
    (:meth:`SurveyDesign.mean` with ``by=``, then :meth:`Estimate.contrast`),
    which is what R's ``svystandardize(design, by=, over=~1, population=)``
    followed by ``svymean`` gives.

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    variable : str
        Numeric or categorical column.
    by : str, default "age_band"
        The standardisation strata.
    standard : Reference, mapping or Series
        Counts or shares of the standard population by level of ``by``
        (e.g. ``insee_population("age_band", ages=(18, 74))``). Its levels must
        be exactly the levels of ``by`` observed in the design.
    na_rm : bool, default False
        Leave out rows with a missing ``variable`` (R's ``na.rm``).

    Returns
    -------
    Estimate
        Statistic ``"standardized mean"``, one row per variable [level].

    Raises
    ------
    ReferenceLevelError
        Standard levels absent from the sample, or sampled levels the
        standard lacks (named); restrict the design to the standard's range.

    Examples
    --------
    >>> import micropop as mp
    >>> df = mp.datasets.load_worker_survey()
    >>> des = mp.SurveyDesign(df, weights="weight").subset("age >= 25 and age <= 64")
    >>> france = insee_population("age_band", ages=(25, 64))
    >>> est = standardize(des, "education", by="age_band", standard=france)
    >>> est.to_frame()["estimate"].round(3).tolist()
    [0.185, 0.201, 0.237, 0.377]
    """
    require_design(design)
    if standard is None:
        raise ProfileError("standardize needs a standard population",
                           hint="pass standard=insee_population('age_band', ages=(...))")
    standard = _as_reference(standard)
    if variable == by:
        raise ProfileError(f"{variable!r} is both the variable and the strata by=",
                           hint="standardise another variable over these strata")
    means = design.mean(variable, by=by, na_rm=na_rm)
    domains = [label[-1] for label in means.index]
    strata = list(dict.fromkeys(domains))
    unknown = [g for g in standard.values.index if g not in strata]
    missing = [g for g in strata if g not in standard.values.index]
    if unknown or missing:
        raise _level_mismatch(
            by, f"the standard ({standard.label})",
            ("in the standard but without sampled rows", unknown),
            ("sampled but not in the standard", missing),
            hint="restrict the design to the standard's range (des.subset(...)) or build "
                 "the standard over the sample's range")
    weights = standard.shares.reindex(strata).to_numpy()
    outputs = list(dict.fromkeys(label[:-1] for label in means.index))
    matrix = np.zeros((len(outputs), len(means.index)))
    for j, label in enumerate(means.index):
        matrix[outputs.index(label[:-1]), j] = weights[strata.index(label[-1])]
    combined = means.contrast(matrix)
    index = (pd.Index([o[0] for o in outputs], name="variable") if len(outputs[0]) == 1
             else pd.MultiIndex.from_tuples(outputs, names=means.index.names[:-1]))
    return Estimate("standardized mean", index, combined.estimate, combined.vcov, means.df,
                    variance=means.variance)
