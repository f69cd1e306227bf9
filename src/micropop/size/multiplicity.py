"""Platform counts corrected for people registered on several platforms.

A person on *k* platforms is counted *k* times when platforms' account
figures are added up. Two corrections:

- :func:`multiplicity_correction`: persons = accounts / mean multiplicity,
  the mean number of platforms per person estimated from a worker survey
  (R's ``svymean``), its error carried to the count by the delta method (or
  a seeded design bootstrap, to check it);
- :func:`weight_share`: Lavallée's generalised weight share. When the survey
  says *which* platforms each person uses, each account counts ``1 / k``:
  persons = sum over platforms of accounts x (mean of ``1 / k`` among the
  platform's users), with a linearised variance.

Platform figures are read with :func:`platform_total`, which insists on a
status and a source for every figure.

Examples
--------
>>> import micropop as mp
>>> est = mp.size.multiplicity_correction(337_980, multiplicity=1.27)
>>> round(est.estimate)
266126
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from micropop.design import SurveyDesign, design_rows, require_columns, require_design
from micropop.errors import (
    MultiplicityError,
    PlatformFigureError,
    check_level,
    check_number,
    columns_listing,
    data_rows,
    suggestions,
)
from micropop.estimation import Estimate
from micropop.size.result import SizeEstimate, at_least, checked_number
from micropop.size.survey import check_indicator, with_columns

__all__ = ["mean_multiplicity", "multiplicity_correction", "platform_total",
           "bootstrap_means", "weight_share"]

#: Largest number of platforms per person accepted (a divisor, or a survey answer).
MAX_MULTIPLICITY = 1000
#: Most bootstrap replicates (each is a column of weights over the survey).
MAX_REPLICATES = 20_000

DIVISOR_ASSUMPTIONS = (
    "Each account belongs to one real person (no bots, shared or duplicate accounts "
    "on one platform).",
    "The survey represents the people behind the accounts: their mean number of "
    "platforms is that of all registered people (a survey recruited on one platform "
    "over-represents its users and the more active).",
    "The number of platforms a person reports counts the same platforms as the "
    "account figures.",
)


#: Largest figure accepted: more than a trillion accounts is a typing error, not a count.
MAX_FIGURE = 1e12


def check_figure(name: str, value: object) -> float:
    """A summed platform figure (or its SE): a number from 0 to :data:`MAX_FIGURE`."""
    return checked_number(PlatformFigureError, name, value, low=0, high=MAX_FIGURE,
                          hint=f"give a non-negative number up to {MAX_FIGURE:,.0f} (sum the "
                               "platforms' figures with platform_total)")


def platform_figures(platforms: pd.DataFrame, column: str, platform_id: str = "platform_id",
                     source: str = "source") -> pd.Series:
    """The available figures of one platform column, indexed by platform id, all checked.

    The one validation of platform tables, behind :func:`platform_total`,
    :func:`weight_share` and the circles. Each platform is listed once; a
    figure is a non-negative finite number with a status in
    ``<column>_status`` and a source; a platform without the figure must say
    so with the status ``"not_available"``; at least one figure is given.

    Raises
    ------
    PlatformFigureError
        Naming the rows (1-based data rows of the table) and their platform ids.
    """
    if not isinstance(platforms, pd.DataFrame):
        raise PlatformFigureError(
            f"the platform table is a {type(platforms).__name__}, not a DataFrame",
            hint="pass a table with one row per platform (mp.datasets.load_platforms())")
    status = f"{column}_status"
    missing = [c for c in dict.fromkeys((column, status, source, platform_id))
               if c not in platforms.columns]
    if missing:
        raise PlatformFigureError(
            f"platform table has no column {', '.join(map(repr, missing))}"
            + suggestions(missing, platforms.columns),
            hint=f"it has {columns_listing(platforms.columns)}; every figure needs a {status!r} "
                 f"column (e.g. 'published', 'illustrative', 'not_available') and a {source!r} "
                 "column citing it")
    raw_ids = platforms[platform_id]
    no_id = raw_ids.isna().to_numpy() | (raw_ids.astype(str).str.strip() == "").to_numpy()
    if no_id.any():
        raise PlatformFigureError(
            f"platform table has rows without a {platform_id!r}: "
            + data_rows(platforms, no_id), hint="give every platform an id")
    ids = raw_ids.astype(str).to_numpy()
    repeated = pd.Series(ids).duplicated(keep=False).to_numpy()
    if repeated.any():
        first = ids[repeated][0]
        raise PlatformFigureError(
            f"platform {first!r} is listed more than once in the platform table "
            f"({data_rows(platforms, ids == first)}); its figures would be counted twice"
            + (f" (also repeated: {', '.join(sorted(set(ids[repeated]) - {first}))})"
               if len(set(ids[repeated])) > 1 else ""),
            hint="keep one row per platform (add up or choose between the figures first)")
    values = platforms[column]
    if pd.api.types.is_bool_dtype(values):
        raise PlatformFigureError(f"{column!r} holds True/False, not figures",
                                  hint="give the number of accounts (or users) per platform")
    figures = pd.to_numeric(  # a stray True is not 1 account
        values.astype(object).map(lambda v: np.nan if isinstance(v, (bool, np.bool_)) else v),
        errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    given = values.notna().to_numpy()
    state = platforms[status].astype(object)
    src = platforms[source].astype(object)
    no_source = src.isna().to_numpy() | (src.astype(str).str.strip() == "").to_numpy()
    unavailable = (state.astype(str) == "not_available").to_numpy()
    with np.errstate(invalid="ignore"):
        problems = {
            "is not a number": given & np.isnan(figures),
            "is not finite": np.isinf(figures),
            "is negative": figures < 0,
            f"is above {MAX_FIGURE:,.0f}": np.isfinite(figures) & (figures > MAX_FIGURE),
            "has no status": given & state.isna().to_numpy(),
            "has no source": given & no_source,
            "is marked not_available": given & unavailable,
            "is missing but not marked 'not_available'": ~given & ~unavailable,
        }
    for what, bad in problems.items():
        if bad.any():
            shown = (values[bad] if given[bad].all()
                     else state[bad].map(lambda v: f"status {v}"))
            raise PlatformFigureError(
                f"{column!r} {what} in the platform table: "
                f"{data_rows(pd.Index(ids), bad, shown)}",
                hint="give every figure a non-negative count, a status and a source "
                     "(or leave it empty with status 'not_available')")
    if not given.any():
        raise PlatformFigureError(
            f"no platform has a figure in {column!r}: every one is 'not_available'",
            hint="a total of nothing is not 0; give at least one figure, or leave this "
                 "figure out")
    return pd.Series(figures[given], index=pd.Index(ids[given], name=platform_id), name=column)


def platform_total(platforms: pd.DataFrame, column: str, platform_id: str = "platform_id",
                   source: str = "source") -> tuple[float, list[str]]:
    """Sum of one platform figure, checked for a source, a status and signs.

    A figure is used when it is present; its row must then give a status in
    ``<column>_status`` (e.g. ``"published"``, ``"illustrative"``) and a
    source. A platform without the figure must be marked ``"not_available"``
    in the status column; it is then left out (and named nowhere else, so
    check the list of platforms used).

    Parameters
    ----------
    platforms : DataFrame
        One row per platform.
    column : str
        The figure, e.g. ``"accounts_fr"``.
    platform_id, source : str
        Columns naming the platform and the source of its figures.

    Returns
    -------
    (float, list of str)
        The total and the ids of the platforms that entered it.

    Raises
    ------
    PlatformFigureError
        No status, source or id column, a platform listed twice (named, with
        its rows), a figure without a status or source, a figure whose status
        says it is not available, a missing figure not marked
        ``"not_available"``, a negative, infinite or non-numeric figure (rows
        are named), or no figure at all.

    Examples
    --------
    >>> import micropop as mp
    >>> total, used = mp.size.platform_total(mp.datasets.load_platforms(), "accounts_fr")
    >>> total, len(used)
    (337980.0, 7)
    """
    figures = platform_figures(platforms, column, platform_id, source)
    return float(figures.sum()), figures.index.tolist()


def check_multiplicity(design: SurveyDesign, column: str) -> None:
    """Raise MultiplicityError unless the column counts platforms: whole numbers of 1 or more.

    Missing values are left to the estimators (an error unless ``na_rm=True``);
    text, True/False, fractions, infinities and values below 1 are refused,
    naming the rows.
    """
    require_design(design)
    data = design.data
    if column not in data.columns:
        like = [c for c in data.columns if "platform" in str(c).lower()]
        raise MultiplicityError(
            f"the survey has no multiplicity column {column!r}"
            + (suggestions([column], data.columns)
               or (f" (columns about platforms: {', '.join(like)})" if like else "")),
            hint=f"the survey has {columns_listing(data.columns)}; name the column that counts "
                 "the platforms each respondent uses (multiplicity=...), or give a known "
                 "divisor as a number")
    raw = data[column]
    if pd.api.types.is_bool_dtype(raw):
        raise MultiplicityError(f"column {column!r} holds True/False, not numbers of platforms",
                                hint="name the column that counts the platforms used")
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    with np.errstate(invalid="ignore"):
        bad = ((values < 1) | (values > MAX_MULTIPLICITY) | (values != np.floor(values))
               | (values.isna() & raw.notna()))
    bad = bad & ~(values.isna() & raw.isna())
    if bad.any():
        raise MultiplicityError(
            f"column {column!r} must count at least 1 platform per person: "
            f"{design_rows(design, bad.to_numpy(), raw[bad])}",
            hint=f"a registered person is on 1, 2, 3... platforms (at most {MAX_MULTIPLICITY}); "
                 "fix those rows or leave them out with design.subset(...)")


def mean_multiplicity(design: SurveyDesign, multiplicity: str = "n_platforms",
                      na_rm: bool = False) -> Estimate:
    """Mean number of platforms per person (R's ``svymean``), checked to be at least 1.

    Parameters
    ----------
    design : SurveyDesign
        Survey of the people behind the accounts.
    multiplicity : str, default "n_platforms"
        Column counting the platforms each respondent uses (whole numbers, at
        least 1).
    na_rm : bool, default False
        Leave out rows where it is missing (otherwise they raise).

    Returns
    -------
    Estimate
        One mean with its standard error.

    Examples
    --------
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> est = mp.size.mean_multiplicity(des)
    >>> round(float(est.estimate[0]), 3), round(float(est.se[0]), 4)
    (1.27, 0.0205)
    """
    check_multiplicity(design, multiplicity)
    return design.mean(multiplicity, na_rm=na_rm)


def bootstrap_means(design: SurveyDesign, column: str, replicates: int = 1000,
                    seed: int | np.random.SeedSequence | None = None) -> np.ndarray:
    """Replicate means of a column from Rao and Wu's rescaling bootstrap.

    The replicates of ``design.replicate("subbootstrap")`` (R's
    ``as.svrepdesign(type="subbootstrap")``): in each replicate, each
    stratum's PSUs are drawn with replacement ``n_h - 1`` times and weights
    are multiplied by ``n_h / (n_h - 1)`` times the number of draws (first
    stage only, fpc ignored). With these factors the spread of the
    replicates is the standard error itself (R's scale ``1 / (R - 1)``), so
    their percentiles make an interval. Rows with a missing value are left
    out.

    Parameters
    ----------
    design : SurveyDesign
        The survey (not a replicate design).
    column : str
        The numeric column whose mean is replicated.
    replicates : int, default 1000
        Number of bootstrap replicates (2 to :data:`MAX_REPLICATES`).
    seed : int or numpy.random.SeedSequence, optional
        Seed of the draws (the same seed gives the same replicates).

    Returns
    -------
    ndarray of shape (replicates,)

    Examples
    --------
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> reps = mp.size.bootstrap_means(des, "n_platforms", replicates=200, seed=1)
    >>> round(float(reps.std(ddof=1)), 2)
    0.02
    """
    require_design(design)
    if not isinstance(design, SurveyDesign):
        raise MultiplicityError(
            f"the bootstrap check needs a SurveyDesign, not a {type(design).__name__}",
            hint="with replicate weights, method='delta' already takes its SE from them")
    replicates = check_number("replicates", replicates, low=2, high=MAX_REPLICATES,
                              integer=True)
    require_columns(design.data, [column])
    raw = design.data[column]
    numbers = pd.to_numeric(raw, errors="coerce")
    bad = (numbers.isna() & raw.notna()) | np.isinf(numbers.astype(float))
    if bad.any():
        raise MultiplicityError(f"column {column!r} holds values that are not finite numbers: "
                                f"{design_rows(design, bad.to_numpy(), raw[bad])}",
                                hint="fix those rows; missing values are left out")
    rep = design.replicate("subbootstrap", replicates=replicates, seed=seed)
    y = pd.to_numeric(rep.data[column], errors="coerce").to_numpy(dtype=float)
    observed = ~np.isnan(y)
    weights = rep.replicate_weights.to_numpy()[observed]
    means: npt.NDArray[np.float64] = y[observed] @ weights / weights.sum(axis=0)
    return means


def multiplicity_correction(accounts: float, design: SurveyDesign | None = None,
                            multiplicity: str | float = "n_platforms",
                            accounts_se: float = 0.0, level: float = 0.95,
                            method: Literal["delta", "bootstrap"] = "delta",
                            replicates: int = 1000, seed: int | None = None,
                            na_rm: bool = False) -> SizeEstimate:
    """Persons behind platform accounts: accounts / mean number of platforms per person.

    With a survey, the mean multiplicity ``m`` is the design-based mean of
    ``multiplicity`` (R's ``svymean``, a ratio of totals) and the count
    ``N = A / m`` gets the delta-method variance
    ``(se_A / m)^2 + (A se_m / m^2)^2``, accounts and survey being
    independent; the interval is normal. ``method="bootstrap"`` replaces it
    by a seeded design bootstrap (percentile interval), to check the delta
    method. A number as ``multiplicity`` is a known divisor (no error). The
    normal interval never goes below 0.

    Parameters
    ----------
    accounts : float
        Accounts (registrations, visitors, active users) summed over platforms.
    design : SurveyDesign, optional
        Survey of the people behind the accounts; needed unless
        ``multiplicity`` is a number.
    multiplicity : str or float, default "n_platforms"
        Column counting the platforms each respondent uses, or a known divisor.
    accounts_se : float, default 0
        Standard error of ``accounts``; 0 treats them as known.
    level : float, default 0.95
    method : {"delta", "bootstrap"}
    replicates : int, default 1000
        Bootstrap replicates.
    seed : int, optional
        Seed of the bootstrap.
    na_rm : bool, default False
        Leave out respondents with a missing multiplicity.

    Returns
    -------
    SizeEstimate
        ``extra`` holds ``multiplicity`` and ``multiplicity_se``.

    Raises
    ------
    MultiplicityError
        No multiplicity column, values (or a divisor) below 1, or neither a
        design nor a number.
    PlatformFigureError
        Negative or missing accounts, or a negative SE.

    Examples
    --------
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> est = mp.size.multiplicity_correction(337_980, des)
    >>> round(est.estimate), round(est.se)
    (266126, 4297)
    """
    if design is not None:
        require_design(design)
    level = check_level("level", level)
    if method not in ("delta", "bootstrap"):
        raise MultiplicityError(f"method={method!r} is not a method",
                                hint="use 'delta' or 'bootstrap'")
    accounts, accounts_se = check_figure("accounts", accounts), check_figure("accounts_se",
                                                                              accounts_se)
    if isinstance(multiplicity, str):
        if design is None:
            raise MultiplicityError(f"multiplicity={multiplicity!r} names a survey column "
                                    "but no design was given",
                                    hint="pass design=, or a known divisor as a number")
        est = mean_multiplicity(design, multiplicity, na_rm=na_rm)
        m, se_m = float(est.estimate[0]), float(est.se[0])
    else:
        m = checked_number(MultiplicityError, "multiplicity", multiplicity, low=1,
                           high=MAX_MULTIPLICITY,
                           hint="a person is on at least 1 platform: a divisor below 1 is "
                                "impossible; give a number from 1 to "
                                f"{MAX_MULTIPLICITY} (DiPLab 1.27, Kassi et al. 1.83)")
        se_m = 0.0
    persons = accounts / m
    se = float(np.hypot(accounts_se / m, accounts * se_m / m ** 2))
    z = stats.norm.ppf(0.5 + level / 2)
    low, high = at_least(persons - z * se, persons + z * se, 0.0)
    ci_method = "normal (delta method)"
    extra = {"multiplicity": m, "multiplicity_se": se_m}
    if method == "bootstrap":
        if not isinstance(multiplicity, str):
            raise MultiplicityError("the bootstrap needs a survey column as multiplicity",
                                    hint="use method='delta' with a known divisor")
        if seed is not None:
            seed = check_number("seed", seed, low=0, integer=True)
        survey_seed, accounts_seed = np.random.SeedSequence(seed).spawn(2)
        assert design is not None  # a column as multiplicity came with a design (see above)
        reps = bootstrap_means(design, multiplicity, replicates, survey_seed)
        draws = np.random.default_rng(accounts_seed).standard_normal(len(reps))
        counts = (accounts + accounts_se * draws) / reps
        se = float(counts.std(ddof=1))
        low, high = np.quantile(counts, [0.5 - level / 2, 0.5 + level / 2])
        ci_method = f"bootstrap percentile ({replicates} replicates, seed {seed})"
        extra["replicates"] = counts
    known = ("The divisor is known exactly (no survey error)." if se_m == 0 else
             "Accounts are known exactly." if accounts_se == 0 else
             "Account figures and survey are independent.")
    return SizeEstimate(
        estimate=persons, se=se, ci_low=low, ci_high=high, ci_level=level,
        ci_method=ci_method, method="accounts / mean multiplicity",
        assumptions=(*DIVISOR_ASSUMPTIONS, known),
        inputs={"accounts": accounts, "accounts_se": accounts_se,
                "multiplicity": multiplicity if isinstance(multiplicity, str) else m},
        extra=extra)


def weight_share(platforms: pd.DataFrame, design: SurveyDesign, accounts: str = "accounts_fr",
                 platform_id: str = "platform_id", level: float = 0.95,
                 na_rm: bool = False) -> SizeEstimate:
    """Persons on at least one platform by the generalised weight share (Lavallée).

    Each account of platform *p* is owned by one person; a person on *k* of
    the platforms with a figure owns *k* such accounts, so each account
    counts ``1 / k``. With ``A_p`` the accounts of platform *p* and ``delta_p``
    the survey's 0/1 column "uses platform *p*",

        N = sum_p A_p * r_p,   r_p = sum w delta_p / k  /  sum w delta_p,

    ``r_p`` being a ratio of survey totals (R's ``svyratio``). Its variance
    is the delta method on the joint covariance of the ``2 P`` totals from
    the design (accounts treated as known). Here *k* counts only the
    platforms with a figure, so ``N`` is the number of people on at least
    one of them; the interval never goes below the largest platform's
    accounts (each is a different person).

    Parameters
    ----------
    platforms : DataFrame
        Platform table (see :func:`platform_total`); platforms without the
        figure are left out.
    design : SurveyDesign
        Survey with one 0/1 column per platform, named by ``platform_id``.
    accounts : str, default "accounts_fr"
    platform_id : str, default "platform_id"
    level : float, default 0.95
    na_rm : bool, default False

    Returns
    -------
    SizeEstimate
        ``extra["platforms"]``: per platform accounts, respondents using it,
        ``r_p`` and persons ``A_p r_p``.

    Raises
    ------
    PlatformFigureError
        Figures without a status or source, negative ones, or a platform no
        respondent uses.
    IndicatorError
        A membership column that is not 0/1.

    Examples
    --------
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> est = mp.size.weight_share(mp.datasets.load_platforms(), des)
    >>> round(est.estimate, -2), round(est.se, -2)
    (168000.0, 3400.0)

    The demo survey was recruited on Foule Factory, so its users of other
    platforms are all on two or more: the survey does not represent those
    platforms' users, and the weight share falls well below the divisor's
    266,126. Use it with a survey that samples every platform's users.
    """
    require_design(design)
    level = check_level("level", level)
    available = platform_figures(platforms, accounts, platform_id)
    used, figures = available.index.tolist(), available.to_numpy()
    require_columns(design.data, used)
    for column in used:
        check_indicator(design, column)
    member = design.frame[used].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    links = member.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(member > 0, member / links[:, None], 0.0)
    shares[np.isnan(member)] = np.nan
    names = [f"{p}/k" for p in used]
    augmented = with_columns(design, dict(zip(names, shares.T, strict=True)))
    totals = augmented.total(names + used, na_rm=na_rm)
    share_total, users = totals.estimate[:len(used)], totals.estimate[len(used):]
    if np.any(users == 0):
        nobody = [p for p, u in zip(used, users, strict=True) if u == 0]
        raise PlatformFigureError(
            f"no respondent uses platform {', '.join(nobody)}, so its accounts cannot be "
            "shared out", hint="drop those platforms from the table, or survey their users")
    ratio = share_total / users
    persons = float(figures @ ratio)
    gradient = np.concatenate([figures / users, -figures * share_total / users ** 2])
    se = float(np.sqrt(max(float(gradient @ totals.vcov @ gradient), 0.0)))
    z = stats.norm.ppf(0.5 + level / 2)
    # under its assumptions everyone behind the largest platform's accounts is counted
    low, high = at_least(persons - z * se, persons + z * se, float(figures.max()))
    table = pd.DataFrame({"accounts": figures, "respondents": member[design.rows].sum(0),
                          "share_per_account": ratio, "persons": figures * ratio},
                         index=pd.Index(used, name=platform_id))
    return SizeEstimate(
        estimate=persons, se=se, ci_low=low, ci_high=high,
        ci_level=level, ci_method="normal (delta method on the design covariance), "
                                  "at least the largest platform's accounts",
        method="generalised weight share (Lavallee)",
        assumptions=(
            "Each account belongs to one real person, and each person has at most one "
            "account per platform.",
            "Among each platform's users, the survey represents the people behind its "
            "accounts (their number of platforms in particular).",
            "Respondents report every platform (of the table) they are registered on.",
            "Account figures are known exactly.",
            "The estimate counts people on at least one platform with a figure.",
        ),
        inputs={"accounts": accounts, "platforms": tuple(used)},
        extra={"platforms": table})
