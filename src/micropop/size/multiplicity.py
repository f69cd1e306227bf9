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
import pandas as pd
from scipy import stats

from micropop.design import SurveyDesign, require_columns
from micropop.errors import (MultiplicityError, PlatformFigureError, check_level,
                             describe_rows)
from micropop.estimation import Estimate
from micropop.size.result import SizeEstimate
from micropop.size.survey import check_indicator, with_columns

__all__ = ["mean_multiplicity", "multiplicity_correction", "platform_total",
           "bootstrap_means", "weight_share"]

DIVISOR_ASSUMPTIONS = (
    "Each account belongs to one real person (no bots, shared or duplicate accounts "
    "on one platform).",
    "The survey represents the people behind the accounts: their mean number of "
    "platforms is that of all registered people (a survey recruited on one platform "
    "over-represents its users and the more active).",
    "The number of platforms a person reports counts the same platforms as the "
    "account figures.",
)


def platform_total(platforms: pd.DataFrame, column: str, platform_id: str = "platform_id",
                   source: str = "source") -> tuple[float, list[str]]:
    """Sum of one platform figure, checked for a source, a status and signs.

    A figure is used when it is present; its row must then give a status in
    ``<column>_status`` (e.g. ``"published"``, ``"illustrative"``) and a
    source. Missing figures (status ``"not_available"``) are left out.

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
        No status column or no source column, a figure without a status or
        source, a figure whose status says it is not available, a negative
        or non-numeric figure (rows are named).

    Examples
    --------
    >>> import micropop as mp
    >>> total, used = mp.size.platform_total(mp.datasets.load_platforms(), "accounts_fr")
    >>> total, len(used)
    (337980.0, 7)
    """
    status = f"{column}_status"
    missing = [c for c in (column, status, source, platform_id) if c not in platforms.columns]
    if missing:
        raise PlatformFigureError(
            f"platform table has no column {', '.join(map(repr, missing))}",
            hint=f"every figure needs a {status!r} column (e.g. 'published', "
                 f"'illustrative', 'not_available') and a {source!r} column citing it")
    figures = pd.to_numeric(platforms[column], errors="coerce")
    ids = platforms[platform_id].astype(str)
    problems = {
        "is not a number": figures.isna() & platforms[column].notna(),
        "is negative": figures < 0,
        "has no status": figures.notna() & platforms[status].isna(),
        "has no source": figures.notna() & (platforms[source].isna()
                                            | (platforms[source].astype(str).str.strip()
                                               == "")),
        "is marked not_available": figures.notna()
        & (platforms[status].astype(str) == "not_available"),
    }
    for what, bad in problems.items():
        if bad.fillna(False).any():
            bad = bad.fillna(False)
            raise PlatformFigureError(
                f"{column!r} {what} in the platform table: "
                f"{describe_rows(list(ids[bad]), platforms.loc[bad, column])}",
                hint="give every figure a non-negative count, a status and a source "
                     "(or leave it empty with status 'not_available')")
    used = figures.notna()
    return float(figures[used].sum()), ids[used].tolist()


def check_multiplicity(design: SurveyDesign, column: str) -> None:
    """Raise MultiplicityError if the column is absent, non-numeric or below 1."""
    data = design.data
    if column not in data.columns:
        like = [c for c in data.columns if "platform" in str(c).lower()]
        raise MultiplicityError(
            f"the survey has no multiplicity column {column!r}"
            + (f" (columns about platforms: {', '.join(like)})" if like else ""),
            hint="name the column that counts the platforms each respondent uses "
                 "(multiplicity=...), or give a known divisor as a number")
    values = pd.to_numeric(data[column], errors="coerce")
    bad = (values < 1) | (values.isna() & data[column].notna())
    if bad.any():
        raise MultiplicityError(
            f"column {column!r} must count at least 1 platform per person: "
            f"{describe_rows(list(data.index[bad]), data.loc[bad, column])}",
            hint="a registered person is on 1 platform or more; fix those rows or "
                 "leave them out with design.subset(...)")


def mean_multiplicity(design: SurveyDesign, multiplicity: str = "n_platforms",
                      na_rm: bool = False) -> Estimate:
    """Mean number of platforms per person (R's ``svymean``), checked to be at least 1.

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
    if not isinstance(design, SurveyDesign):
        raise MultiplicityError(
            f"the bootstrap check needs a SurveyDesign, not a {type(design).__name__}",
            hint="with replicate weights, method='delta' already takes its SE from them")
    rep = design.replicate("subbootstrap", replicates=replicates, seed=seed)
    y = pd.to_numeric(rep.data[column], errors="coerce").to_numpy(dtype=float)
    observed = ~np.isnan(y)
    weights = rep.replicate_weights.to_numpy()[observed]
    return y[observed] @ weights / weights.sum(axis=0)


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
    method. A number as ``multiplicity`` is a known divisor (no error).

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
    level = check_level("level", level)
    for name, value in (("accounts", accounts), ("accounts_se", accounts_se)):
        if not np.isfinite(value) or value < 0:
            raise PlatformFigureError(f"{name} must be a non-negative number, not {value}",
                                      hint="sum the platforms' figures (platform_total)")
    if isinstance(multiplicity, str):
        if design is None:
            raise MultiplicityError(f"multiplicity={multiplicity!r} names a survey column "
                                    "but no design was given",
                                    hint="pass design=, or a known divisor as a number")
        est = mean_multiplicity(design, multiplicity, na_rm=na_rm)
        m, se_m = float(est.estimate[0]), float(est.se[0])
    else:
        m, se_m = float(multiplicity), 0.0
        if not m >= 1:
            raise MultiplicityError(f"multiplicity {multiplicity} is below 1",
                                    hint="a person is on at least 1 platform: the divisor "
                                         "is 1 or more (DiPLab 1.27, Kassi et al. 1.83)")
    persons = accounts / m
    se = float(np.hypot(accounts_se / m, accounts * se_m / m ** 2))
    z = stats.norm.ppf(0.5 + level / 2)
    low, high, ci_method = persons - z * se, persons + z * se, "normal (delta method)"
    extra = {"multiplicity": m, "multiplicity_se": se_m}
    if method == "bootstrap":
        if not isinstance(multiplicity, str):
            raise MultiplicityError("the bootstrap needs a survey column as multiplicity",
                                    hint="use method='delta' with a known divisor")
        survey_seed, accounts_seed = np.random.SeedSequence(seed).spawn(2)
        reps = bootstrap_means(design, multiplicity, replicates, survey_seed)
        draws = np.random.default_rng(accounts_seed).standard_normal(replicates)
        counts = (accounts + accounts_se * draws) / reps
        se = float(counts.std(ddof=1))
        low, high = np.quantile(counts, [0.5 - level / 2, 0.5 + level / 2])
        ci_method = f"bootstrap percentile ({replicates} replicates, seed {seed})"
        extra["replicates"] = counts
    elif method != "delta":
        raise MultiplicityError(f"method={method!r} is not a method",
                                hint="use 'delta' or 'bootstrap'")
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
    one of them.

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
    level = check_level("level", level)
    _, used = platform_total(platforms, accounts, platform_id)
    require_columns(design.data, used)
    for column in used:
        check_indicator(design, column)
    figures = (pd.to_numeric(platforms[accounts], errors="coerce")
               .set_axis(platforms[platform_id].astype(str))[used].to_numpy(dtype=float))
    member = design._data[used].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    links = member.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(member > 0, member / links[:, None], 0.0)
    shares[np.isnan(member)] = np.nan
    names = [f"{p}/k" for p in used]
    augmented = with_columns(design, dict(zip(names, shares.T)))
    totals = augmented.total(names + used, na_rm=na_rm)
    share_total, users = totals.estimate[:len(used)], totals.estimate[len(used):]
    if np.any(users == 0):
        nobody = [p for p, u in zip(used, users) if u == 0]
        raise PlatformFigureError(
            f"no respondent uses platform {', '.join(nobody)}, so its accounts cannot be "
            "shared out", hint="drop those platforms from the table, or survey their users")
    ratio = share_total / users
    persons = float(figures @ ratio)
    gradient = np.concatenate([figures / users, -figures * share_total / users ** 2])
    se = float(np.sqrt(gradient @ totals.vcov @ gradient))
    z = stats.norm.ppf(0.5 + level / 2)
    table = pd.DataFrame({"accounts": figures, "respondents": member[design._rows].sum(0),
                          "share_per_account": ratio, "persons": figures * ratio},
                         index=pd.Index(used, name=platform_id))
    return SizeEstimate(
        estimate=persons, se=se, ci_low=persons - z * se, ci_high=persons + z * se,
        ci_level=level, ci_method="normal (delta method on the design covariance)",
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
