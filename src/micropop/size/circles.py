"""Activity circles from platform figures: registered, at least monthly, weekly.

Three nested circles, never to be added up (Le Ludec, Tubaro & Casilli
2019): people registered on at least one platform (casual), active at least
monthly (regular) and at least weekly (very active).

- :func:`platform_circles`: each circle from its own platform figure
  (accounts, monthly unique visitors, weekly actives), divided by the mean
  multiplicity — DiPLab's reading; the circles are checked to nest.
- :func:`frequency_circles`: the registered circle from accounts, the inner
  circles as its shares by frequency of activity in a worker survey — nested
  by construction.
- :func:`circle_sensitivity`: the circles over a grid of assumptions
  (multiplicity, dormant registrations, visitors per worker).

Examples
--------
>>> import micropop as mp
>>> circles = mp.size.platform_circles(mp.datasets.load_platforms(), multiplicity=1.27)
>>> circles.to_frame()["estimate"].round().tolist()
[266126.0, 52337.0, 14903.0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from micropop.design import SurveyDesign, require_design
from micropop.errors import MultiplicityError, OptionError, SizeInputError, check_level
from micropop.size.multiplicity import (
    DIVISOR_ASSUMPTIONS,
    MAX_MULTIPLICITY,
    check_figure,
    check_multiplicity,
    multiplicity_correction,
    platform_total,
)
from micropop.size.result import Circles, SizeEstimate, at_least, checked_number
from micropop.size.survey import circle_levels, with_columns

__all__ = ["DIPLAB_FIGURES", "platform_circles", "frequency_circles", "circle_sensitivity"]

#: Circle name -> platform column, widest first, as in the demo platform table.
DIPLAB_FIGURES = {"registered": "accounts_fr", "regular": "monthly_visitors_fr",
                  "very_active": "weekly_active_fr"}

#: Options :func:`platform_circles` passes on to :func:`multiplicity_correction`.
CIRCLE_OPTIONS = ("method", "replicates", "seed", "na_rm")

_FIGURE_WORDS = {"accounts_fr": "accounts registered in France",
                 "monthly_visitors_fr": "unique monthly visitors from France",
                 "weekly_active_fr": "accounts active every week in France"}


def platform_circles(platforms: pd.DataFrame, design: SurveyDesign | None = None,
                     multiplicity: str | float = "n_platforms",
                     figures: Mapping[str, str] | None = None, level: float = 0.95,
                     platform_id: str = "platform_id", **options: Any) -> Circles:
    """Nested circles, each from a platform figure divided by the mean multiplicity.

    The registered circle is accounts / *m*, the regular circle monthly
    unique visitors / *m*, the very-active circle weekly active accounts /
    *m* (DiPLab's method), each through :func:`multiplicity_correction`.
    The same *m* divides every figure, so the circles' errors are
    correlated; the result is checked to nest.

    Parameters
    ----------
    platforms : DataFrame
        Platform table; every figure used needs a status and a source
        (:func:`platform_total`).
    design : SurveyDesign, optional
        Worker survey giving the multiplicity; not needed for a known divisor.
    multiplicity : str or float, default "n_platforms"
    figures : mapping of str to str, optional
        Circle name -> platform column, widest first; default
        :data:`DIPLAB_FIGURES`.
    level : float, default 0.95
    platform_id : str, default "platform_id"
    **options
        Passed to :func:`multiplicity_correction` (``accounts_se`` excepted):
        ``method``, ``replicates``, ``seed``, ``na_rm``.

    Returns
    -------
    Circles

    Raises
    ------
    NestingError
        A figure gives an inner circle larger than an outer one.
    PlatformFigureError
        Figures without status or source, or negative.
    MultiplicityError
        As :func:`multiplicity_correction`.
    OptionError
        An option other than those of :data:`CIRCLE_OPTIONS`.

    Examples
    --------
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> circles = mp.size.platform_circles(mp.datasets.load_platforms(), des)
    >>> circles.to_frame()[["estimate", "se"]].round()  # doctest: +NORMALIZE_WHITESPACE
                 estimate      se
    circle
    registered   266126.0  4297.0
    regular       52337.0   845.0
    very_active   14903.0   241.0
    """
    if design is not None:
        require_design(design)
    unknown = sorted(set(options) - set(CIRCLE_OPTIONS))
    if unknown:
        raise OptionError(f"platform_circles has no option {', '.join(map(repr, unknown))}",
                          hint="the options are " + ", ".join(CIRCLE_OPTIONS))
    figures = dict(DIPLAB_FIGURES if figures is None else figures)
    estimates, words = {}, {}
    for name, column in figures.items():
        total, used = platform_total(platforms, column, platform_id)
        estimates[name] = multiplicity_correction(total, design, multiplicity, level=level,
                                                  **options)
        words[name] = (f"{_FIGURE_WORDS.get(column, column)}, summed over {len(used)} "
                       "platforms, / mean multiplicity")
    return Circles(estimates, words)


def frequency_circles(accounts: float, design: SurveyDesign, frequency: str,
                      circles: Mapping[str, Sequence[object]],
                      multiplicity: str = "n_platforms", registered: str = "registered",
                      level: float = 0.95, na_rm: bool = False) -> Circles:
    """Registered persons (accounts / *m*) and their shares by frequency of activity.

    Circle *j* is ``A * s_j / m``: ``s_j`` the survey's share of respondents
    whose frequency is one of the circle's levels, ``m`` the mean
    multiplicity, both from one call on the design (R's ``svymean``) so
    their covariance enters the delta-method variance. The circles nest by
    construction (each level set inside the previous one).

    Parameters
    ----------
    accounts : float
        Accounts summed over platforms (:func:`platform_total`).
    design : SurveyDesign
        Worker survey with the multiplicity and frequency columns.
    frequency : str
        Categorical column of activity frequency.
    circles : mapping of str to sequence
        Inner circles, widest first: name -> frequency levels it holds.
    multiplicity : str, default "n_platforms"
    registered : str, default "registered"
        Name of the outer circle.
    level : float, default 0.95
    na_rm : bool, default False

    Returns
    -------
    Circles

    Raises
    ------
    NestingError
        Circles whose levels do not nest.
    MultiplicityError, IndicatorError, PlatformFigureError

    Examples
    --------
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> c = mp.size.frequency_circles(337_980, des, "frequency",
    ...     {"regular": ["monthly", "weekly"], "very_active": ["weekly"]})
    >>> c.to_frame()["estimate"].round(-2).tolist()
    [266100.0, 174900.0, 87100.0]
    """
    require_design(design)
    level = check_level("level", level)
    accounts = check_figure("accounts", accounts)
    check_multiplicity(design, multiplicity)
    definitions = circle_levels(design.data, frequency, None, circles)
    values = design.frame[frequency]
    names = [f"{frequency}: {name}" for name in definitions]
    indicators = {key: values.isin(list(levels)).astype(float).where(values.notna())
                  .to_numpy() for key, levels in zip(names, definitions.values(), strict=True)}
    joint = with_columns(design, indicators).mean([multiplicity, *names], na_rm=na_rm)
    m, shares = joint.estimate[0], np.concatenate([[1.0], joint.estimate[1:]])
    gradients = np.column_stack([-accounts * shares / m ** 2,
                                 np.vstack([np.zeros(len(names)),
                                            np.eye(len(names)) * accounts / m])])
    counts = accounts * shares / m
    ses = np.sqrt(np.einsum("ij,jk,ik->i", gradients, joint.vcov, gradients))
    z = stats.norm.ppf(0.5 + level / 2)
    assumptions = ("The survey's frequency shares hold for every registered person: "
                   "dormant registrations are as likely to answer as active ones.",
                   *DIVISOR_ASSUMPTIONS)
    estimates, words = {}, {registered: "accounts / mean multiplicity"}
    for k, name in enumerate([registered, *definitions]):
        low, high = at_least(counts[k] - z * ses[k], counts[k] + z * ses[k], 0.0)
        estimates[name] = SizeEstimate(
            estimate=counts[k], se=ses[k], ci_low=low,
            ci_high=high, ci_level=level, ci_method="normal (delta method)",
            method="accounts / mean multiplicity x survey share",
            assumptions=assumptions,
            inputs={"accounts": accounts, "multiplicity": multiplicity,
                    "frequency": frequency,
                    "levels": tuple(definitions.get(name, ("(all)",)))})
        if name in definitions:
            words[name] = (f"registered x share with {frequency} in "
                           f"{{{', '.join(map(str, definitions[name]))}}}")
    return Circles(estimates, words)


#: Most combinations of assumptions :func:`circle_sensitivity` tabulates.
MAX_GRID = 100_000


def _grid_values(error: type[SizeInputError], name: str, values: Sequence[float],
                 **limits: Any) -> np.ndarray:
    """A non-empty sequence of checked numbers for one assumption of the grid."""
    if isinstance(values, (str, bytes)) or np.ndim(values) > 1:
        raise error(f"{name} must be a number or a list of numbers, not {values!r}",
                    hint=limits.get("hint"))
    values = list(np.atleast_1d(np.asarray(values, dtype=object)))
    if not values:
        raise error(f"{name} is empty: the grid would have no row",
                    hint="give at least one value")
    return np.array([checked_number(error, f"{name}[{k}]", v, **limits)
                     for k, v in enumerate(values)], dtype=float)


def circle_sensitivity(accounts: float, monthly_visitors: float, weekly_active: float,
                       multiplicity: Sequence[float] = (1.27, 1.5, 1.83),
                       dormant_share: Sequence[float] = (0.0, 0.25, 0.5),
                       visitors_per_worker: Sequence[float] = (1.0, 1.5, 2.0)) -> pd.DataFrame:
    """The three circles over a grid of assumptions, one row per combination.

    registered = accounts x (1 - dormant share) / *m*; regular = monthly
    visitors / (visitors per worker x *m*); very active = weekly active / *m*.
    The multiplicity range runs from DiPLab's 1.27 to the 1.83 of Kässi,
    Lehdonvirta & Stephany (2021); dormant registrations are accounts of
    people who no longer use the platform; visitors per worker allows for
    visitors who are not workers (requesters, curious, several devices).
    The column ``nested`` flags combinations whose circles still nest.

    Parameters
    ----------
    accounts, monthly_visitors, weekly_active : float
        Figures summed over platforms.
    multiplicity, dormant_share, visitors_per_worker : sequence of float
        Values to combine: multiplicity >= 1, dormant share in [0, 1),
        visitors per worker > 0.

    Returns
    -------
    DataFrame
        Columns ``multiplicity``, ``dormant_share``, ``visitors_per_worker``,
        ``registered``, ``regular``, ``very_active``, ``nested``.

    Raises
    ------
    MultiplicityError
        A multiplicity below 1 (or not a finite number).
    PlatformFigureError
        A negative, infinite or missing figure.
    SizeInputError
        A dormant share outside [0, 1), a non-positive visitors ratio, an
        empty list of values, or more than :data:`MAX_GRID` combinations.

    Examples
    --------
    >>> import micropop as mp
    >>> t = mp.size.circle_sensitivity(337_980, 66_468, 18_927, multiplicity=[1.27, 1.83],
    ...                                dormant_share=[0.0], visitors_per_worker=[1.0])
    >>> t[["multiplicity", "registered", "regular", "very_active"]].round(
    ...     {"registered": 0, "regular": 0, "very_active": 0})
       multiplicity  registered  regular  very_active
    0          1.27    266126.0  52337.0      14903.0
    1          1.83    184689.0  36321.0      10343.0
    """
    for name, value in (("accounts", accounts), ("monthly_visitors", monthly_visitors),
                        ("weekly_active", weekly_active)):
        check_figure(name, value)
    m = _grid_values(MultiplicityError, "multiplicity", multiplicity, low=1,
                     high=MAX_MULTIPLICITY,
                     hint="a person is on at least 1 platform, so a multiplicity below 1 "
                          f"is impossible: give values from 1 to {MAX_MULTIPLICITY}")
    d = _grid_values(SizeInputError, "dormant_share", dormant_share, low=0, high=1,
                     high_open=True, hint="give shares in [0, 1) as fractions, e.g. 0.25 "
                                          "for 25 %")
    r = _grid_values(SizeInputError, "visitors_per_worker", visitors_per_worker, low=0,
                     low_open=True, hint="give positive finite ratios, e.g. 1.5 visitors "
                                         "for each worker")
    if len(m) * len(d) * len(r) > MAX_GRID:
        raise SizeInputError(f"{len(m)} x {len(d)} x {len(r)} = {len(m) * len(d) * len(r):,} "
                             f"combinations; at most {MAX_GRID:,} are tabulated",
                             hint="give fewer values of each assumption")
    grid = pd.MultiIndex.from_product(
        [m, d, r], names=["multiplicity", "dormant_share", "visitors_per_worker"]
    ).to_frame(index=False)
    grid["registered"] = accounts * (1 - grid["dormant_share"]) / grid["multiplicity"]
    grid["regular"] = monthly_visitors / (grid["visitors_per_worker"] * grid["multiplicity"])
    grid["very_active"] = weekly_active / grid["multiplicity"]
    if not np.isfinite(grid[["registered", "regular", "very_active"]].to_numpy()).all():
        raise SizeInputError("a combination of assumptions gives circles too large to hold",
                             hint="give visitors_per_worker values that are not vanishingly "
                                  "small")
    grid["nested"] = ((grid["registered"] >= grid["regular"])
                      & (grid["regular"] >= grid["very_active"]))
    return grid
