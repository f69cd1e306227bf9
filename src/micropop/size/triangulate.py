"""All estimates of one population side by side, and full-time equivalents.

:func:`triangulate` lays several :class:`SizeEstimate` (survey totals,
platform counts, capture–recapture) in one tidy table, each with its
interval, method and key assumption, for
:func:`micropop.plotting.size_forest`. :func:`fte` turns people into
full-time-equivalent jobs (weekly hours / 35).

Examples
--------
>>> import micropop as mp
>>> table = mp.size.triangulate({"Chapman": mp.size.chapman(1278, 1069, 36),
...                              "DiPLab divisor": mp.size.multiplicity_correction(
...                                  66_468, multiplicity=1.27)})
>>> table["estimate"].round().tolist()
[36986.0, 52337.0]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from micropop.design import SurveyDesign, design_rows, require_columns, require_design
from micropop.errors import SizeInputError, check_level
from micropop.size.result import SizeEstimate, at_least, checked_number

__all__ = ["TRIANGULATION_COLUMNS", "triangulate", "fte"]

#: Columns of :func:`triangulate`, in order (index: ``label``).
TRIANGULATION_COLUMNS = ("estimate", "se", "ci_low", "ci_high", "ci_level", "method",
                         "ci_method", "key_assumption", "assumptions")


def triangulate(estimates: Sequence[SizeEstimate] | Mapping[str, SizeEstimate],
                key_assumptions: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One table of estimates of the same population, one row each.

    Parameters
    ----------
    estimates : sequence or mapping of SizeEstimate
        The estimates; a mapping gives each its label (else its method,
        numbered if repeated).
    key_assumptions : mapping of str to str, optional
        Label -> the assumption that matters most for that estimate; by
        default its first stated assumption.

    Returns
    -------
    DataFrame
        Index ``label``; columns :data:`TRIANGULATION_COLUMNS`
        (``assumptions`` joined with ``" | "``).

    Raises
    ------
    SizeInputError
        No estimate, something that is not a SizeEstimate, two estimates
        with the same label, or a key assumption that is not text.

    Examples
    --------
    >>> import micropop as mp
    >>> t = mp.size.triangulate([mp.size.chapman(1278, 1069, 36),
    ...                          mp.size.lincoln_petersen(1278, 1069, 36)])
    >>> t.index.tolist()
    ['Chapman', 'Lincoln-Petersen']
    """
    if isinstance(estimates, SizeEstimate) and estimates.domains:
        estimates = dict(estimates.items())  # survey_count(by=)'s old dict (deprecated)
    if (isinstance(estimates, (str, bytes, SizeEstimate))
            or not isinstance(estimates, (Iterable, Mapping))):
        raise SizeInputError(f"estimates is a {type(estimates).__name__}, not a list or "
                             "mapping of SizeEstimate",
                             hint="pass e.g. [mp.size.chapman(...), mp.size.survey_count(...)]")
    if not isinstance(estimates, Mapping):
        estimates = _labelled(list(estimates))
    if not estimates:
        raise SizeInputError("no estimate to triangulate",
                             hint="pass a list or dict of SizeEstimate objects")
    wrong = [label for label, est in estimates.items() if not isinstance(est, SizeEstimate)]
    if wrong:
        raise SizeInputError(f"not a SizeEstimate: {', '.join(map(str, wrong))}",
                             hint="pass the results of mp.size estimators")
    labels = pd.Index([str(label) for label in estimates])
    if labels.has_duplicates:
        raise SizeInputError(f"two estimates have the label "
                             f"{', '.join(map(repr, sorted(set(labels[labels.duplicated()]))))} "
                             "(labels are compared as text)",
                             hint="give each estimate its own label")
    keys = dict(key_assumptions or {})
    not_text = sorted(str(k) for k, v in keys.items() if not isinstance(v, str))
    if not_text:
        raise SizeInputError(f"key_assumptions for {', '.join(not_text)} are not text",
                             hint="give each key assumption as a sentence")
    unknown = sorted(set(keys) - set(estimates))
    if unknown:
        raise SizeInputError(f"key_assumptions for unknown labels {unknown}",
                             hint=f"labels are {list(estimates)}")
    frame = pd.concat([est.to_frame() for est in estimates.values()], ignore_index=True)
    frame.index = pd.Index([str(label) for label in estimates], name="label")
    frame["key_assumption"] = [keys.get(label, est.assumptions[0] if est.assumptions else "")
                               for label, est in estimates.items()]
    return frame[list(TRIANGULATION_COLUMNS)]


def _labelled(estimates: list[SizeEstimate]) -> dict[str, SizeEstimate]:
    names = [getattr(est, "method", str(est)) for est in estimates]
    return {(name if names.count(name) == 1 else f"{name} ({names[:k + 1].count(name)})"): est
            for k, (name, est) in enumerate(zip(names, estimates, strict=True))}


def fte(design: SurveyDesign, hours: str = "hours_week", count: SizeEstimate | None = None,
        full_time_hours: float = 35.0, level: float = 0.95,
        na_rm: bool = False) -> SizeEstimate:
    """Full-time-equivalent jobs: weekly hours of all workers / ``full_time_hours``.

    Without ``count``, the weekly hours are the survey's weighted total (the
    weights say how many people the respondents stand for). With ``count``
    (a size from another method, e.g. a circle), they are ``count x mean
    hours``; the delta-method SE treats count and survey as independent.

    Parameters
    ----------
    design : SurveyDesign
        Worker survey with weekly hours of micro-work.
    hours : str, default "hours_week"
    count : SizeEstimate, optional
        Number of workers the hours apply to.
    full_time_hours : float, default 35
        Hours of a full-time week (35 in France).
    level : float, default 0.95
    na_rm : bool, default False

    Returns
    -------
    SizeEstimate
        In full-time-equivalent jobs.

    Raises
    ------
    SizeInputError
        Negative or infinite hours (rows named), a full-time week that is not
        between 0 and 168 hours, or a count without a standard error.

    Examples
    --------
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> round(mp.size.fte(des).estimate, -2)
    22800.0
    """
    require_design(design)
    level = check_level("level", level)
    require_columns(design.data, [hours])
    values = pd.to_numeric(design.data[hours], errors="coerce")
    for what, bad in (("negative", values < 0), ("infinite", np.isinf(values))):
        if bad.any():
            raise SizeInputError(f"column {hours!r} has {what} hours: "
                                 f"{design_rows(design, bad.to_numpy(), values[bad])}",
                                 hint="hours per week are 0 or more; fix those rows")
    full_time_hours = checked_number(SizeInputError, "full_time_hours", full_time_hours, low=0,
                                     low_open=True, high=168,
                                     hint="give the hours of a full-time week, e.g. 35 in "
                                          "France")
    if count is not None and not isinstance(count, SizeEstimate):
        raise SizeInputError(f"count is a {type(count).__name__}, not a SizeEstimate",
                             hint="pass the result of an mp.size estimator, e.g. a circle")
    if count is not None and math.isnan(count.se):
        raise SizeInputError(f"the {count.method} count has no standard error, so the "
                             "full-time equivalents would have none",
                             hint="use a count with a standard error")
    assumptions = ["Reported weekly hours of micro-work are accurate and typical of the year.",
                   f"A full-time job is {full_time_hours:g} hours a week."]
    if count is None:
        est = design.total(hours, na_rm=na_rm)
        value, se = est.estimate[0], est.se[0]
        assumptions.insert(0, "The survey weights add up to the number of workers.")
        inputs = {"hours": hours, "full_time_hours": full_time_hours}
    else:
        est = design.mean(hours, na_rm=na_rm)
        mean, se_mean = est.estimate[0], est.se[0]
        value = count.estimate * mean
        se = np.hypot(count.se * mean, count.estimate * se_mean)
        assumptions.insert(0, f"The survey's mean hours hold for the {count.method} count; "
                              "count and survey are independent.")
        inputs = {"hours": hours, "full_time_hours": full_time_hours,
                  "count": count.estimate, "mean_hours": float(mean)}
    value, se = value / full_time_hours, se / full_time_hours
    z = stats.norm.ppf(0.5 + level / 2)
    low, high = at_least(value - z * se, value + z * se, 0.0)
    return SizeEstimate(estimate=value, se=se, ci_low=low, ci_high=high,
                        ci_level=level, ci_method="normal (design-based SE)"
                        if count is None else "normal (delta method)",
                        method="full-time equivalents", assumptions=tuple(assumptions),
                        inputs=inputs)
