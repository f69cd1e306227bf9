"""Totals, means and ratios, as R's ``svytotal``, ``svymean``, ``svyratio``."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np

from micropop.design._core import Design
from micropop.design.encode import as_columns, require_design
from micropop.errors import EmptyDomainError, MicropopWarning, OptionError, check_option
from micropop.estimation._analysis import Analysis, prepare, scaled_means
from micropop.estimation.result import Estimate

__all__ = ["survey_mean", "survey_ratio", "survey_total"]

Deff = bool | Literal["replace"]


def survey_total(design: Design, variables: str | Sequence[str],
                 by: str | Sequence[str] | None = None, deff: Deff = False,
                 na_rm: bool = False) -> Estimate:
    """Population totals, as R's ``svytotal`` (and ``svyby`` with ``by=``).

    Parameters
    ----------
    design : SurveyDesign
    variables : str or list of str
        Numeric columns, or categorical ones (one total per level, as R's
        factor columns).
    by : str or list of str, optional
        Domain columns: one estimate per observed combination, keeping the
        full design (R's ``svyby``).
    deff : bool or "replace", default False
        Add the design effect against simple random sampling without
        replacement (True) or with replacement ("replace"), as R's ``deff=``.
    na_rm : bool, default False
        Leave out rows with a missing value in any of ``variables`` (or
        ``by``), keeping the full design as R's ``na.rm=TRUE``. Without it,
        missing values raise :class:`MissingValuesError`.

    Returns
    -------
    Estimate

    Raises
    ------
    MissingValuesError, InfiniteValueError, NotNumericVariableError
        A variable with missing values (without ``na_rm``), infinite values,
        or values that are not numbers nor levels, naming the data rows.
    EmptyDomainError
        A domain whose rows all have zero weight.
    InfiniteValueError
        A total (or its SE) beyond double precision, about 1.8e308. Weights
        and values are scaled by powers of two before summing, so weights of
        1e-300 or 1e300 give the same means and proportionally scaled totals.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [10.0] * 4,
    ...                    "sex": ["f", "m", "f", "m"]})
    >>> des = SurveyDesign(df, weights="w")
    >>> des.total("sex").estimate.tolist()
    [20.0, 20.0]
    """
    require_design(design)
    check_option("deff", deff, [True, False, "replace"])
    data = prepare(design, as_columns(variables, "variables", distinct=True), by, na_rm)
    estimate, vcov, units = data.ratio_of_sums(data.y)
    deffs = _deff(data, data.y, vcov, units, deff, kind="total")
    return data.result("total", estimate, vcov, deffs, units)


def survey_mean(design: Design, variables: str | Sequence[str],
                by: str | Sequence[str] | None = None, deff: Deff = False,
                na_rm: bool = False) -> Estimate:
    """Population means (proportions for categorical levels), as R's ``svymean``.

    The linearised variance is that of ``sum w (y - ybar) / sum w``, as R.

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    variables : str or list of str
        Numeric columns, or categorical ones (the share of each level).
    by : str or list of str, optional
        Domain columns (R's ``svyby``): one mean per observed combination.
    deff : bool or "replace", default False
        Add the design effect against simple random sampling without
        replacement (True) or with replacement ("replace"), as R's ``deff=``.
    na_rm : bool, default False
        Leave out rows missing a value, keeping the full design for the
        variance; without it missing values are refused.

    Returns
    -------
    Estimate

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [1.0, 1.0, 1.0, 3.0]})
    >>> float(SurveyDesign(df, weights="w").mean("y").estimate[0])
    3.0
    """
    require_design(design)
    check_option("deff", deff, [True, False, "replace"])
    data = prepare(design, as_columns(variables, "variables", distinct=True), by, na_rm)
    mean, vcov, units = scaled_means(data)
    deffs = _deff(data, data.y, vcov, units, deff, kind="mean")
    return data.result("mean", mean, vcov, deffs, units)


def survey_ratio(design: Design, numerator: str | Sequence[str], denominator: str,
                 by: str | Sequence[str] | None = None, deff: Deff = False,
                 na_rm: bool = False) -> Estimate:
    """Ratios of population totals ``Y / X``, as R's ``svyratio``.

    Linearised with influence ``w (y - R x) / X``, as R.

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    numerator : str or list of str
        Numeric columns Y (one ratio each).
    denominator : str
        The numeric column X.
    by : str or list of str, optional
        Domain columns: one ratio per domain.
    deff : bool or "replace", default False
        Add the design effect against simple random sampling without
        replacement (True) or with replacement ("replace"), as R's ``deff=``.
    na_rm : bool, default False
        Leave out together the rows missing either variable.

    Returns
    -------
    Estimate
        Indexed by ``"numerator/denominator"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"spend": [10.0, 20.0, 30.0], "size": [1.0, 2.0, 2.0],
    ...                    "w": [1.0, 1.0, 1.0]})
    >>> float(SurveyDesign(df, weights="w").ratio("spend", "size").estimate[0])
    12.0
    """
    require_design(design)
    check_option("deff", deff, [True, False, "replace"])
    numerators = as_columns(numerator, "numerator", distinct=True)
    if not isinstance(denominator, str):
        raise OptionError(f"denominator={denominator!r} is not a column name",
                          hint="name one column, e.g. denominator='enroll'")
    data = prepare(design, numerators + [denominator], by, na_rm, numeric_only=True)
    y, x = data.y[:, :-1], data.y[:, -1:]  # x: one column shared by every numerator
    data = data.with_columns(y, [(f"{name}/{denominator}", "") for name in numerators])
    x_mean = data.point_means(x)
    if np.any(x_mean == 0):
        zero = [data.domain_name(k) for k in np.flatnonzero(x_mean == 0)]
        raise EmptyDomainError(f"the total of {denominator!r} is zero in domain "
                               f"{', '.join(zero[:5])}",
                               hint="a ratio needs a non-zero denominator total")
    ratio, vcov, units = data.ratio_of_sums(y, x)
    deffs = None
    if deff is not False:  # the influence w (y - R x) / X, scaled by W, as R's svyratio
        with np.errstate(over="ignore", invalid="ignore"):
            residual = (y - data.per_row(ratio) * x) / data.per_row(data.expand(x_mean))
        deffs = _deff(data, residual, vcov, units, deff, kind="ratio")
    return data.result("ratio", ratio, vcov, deffs, units)


def _deff(data: Analysis, u: np.ndarray, vcov: np.ndarray, units: np.ndarray | None,
          deff: Deff, kind: Literal["total", "mean", "ratio"]) -> np.ndarray | None:
    """Design effects: variance over the SRS variance, as R's svytotal/svymean.

    The SRS variance uses the weighted variance of ``u`` in the domain with
    R's ``n / (n - 1)`` (R's ``svyvar``), ``n`` the rows with non-zero weight.
    For a total it is that of ``W`` times a mean; for a ratio, ``u`` is the
    residual ``y - R x`` over the domain's mean of ``x`` (R's influence
    ``(y - R x) / X`` times ``W``), and no factor ``W`` enters.
    ``vcov`` is in ``units`` (see :class:`~micropop.estimation._analysis.Scaled`);
    weights and ``u`` are scaled by powers of two as the estimates were.
    """
    if deff is False:
        return None
    check_option("deff", deff, [True, False, "replace"])
    scale = data.domain_scale()  # one power of two per domain: the weights' proportions
    weights, u, exponent = data.scaled(u, scale)  # u in units 2**(weight + value exponent)
    per_domain = np.zeros(data.n_domains, dtype=np.int64)
    if scale is not None:
        present = data.row_domain >= 0
        per_domain[data.row_domain[present]] = scale[present]
    weight_exp = data.expand(per_domain)
    value_exp = exponent - weight_exp
    w_dom = data.expand(data.by_domain(weights))
    nobs = data.expand(data.domain_counts(weights != 0)).astype(float)
    wu = weights[:, None] * u
    mean_u = data.domain_sums(wu) / w_dom
    centred = u - data.per_row(mean_u)
    s2 = data.domain_sums(weights[:, None] * centred**2) / w_dom * nobs / (nobs - 1)
    n_scaled = np.ldexp(nobs, -weight_exp)  # n in the units of the weights
    if deff == "replace":
        srs = s2 / nobs
    else:
        if kind == "mean" and np.any(w_dom < n_scaled):
            warnings.warn("sum of weights below the sample size: are the weights scaled "
                          "to the population? Design effects set to NaN, as R",
                          UserWarning, stacklevel=3)
            srs = np.where(w_dom < n_scaled, np.nan,
                           s2 * (w_dom - n_scaled) / (w_dom * n_scaled))
        else:
            srs = s2 * (w_dom - n_scaled) / (w_dom * n_scaled)
        srs = np.ldexp(srs, -weight_exp)  # (W - n) / (W n) in natural units
    if kind == "total":
        srs = srs * w_dom**2
    power = -2 * value_exp - (2 * weight_exp if kind == "total" else 0)
    if units is not None:
        power = power + 2 * (np.frexp(units)[1] - 1)
    with np.errstate(invalid="ignore", divide="ignore"):  # 0/0 for an unobserved level, as R
        deffs: np.ndarray = np.ldexp(np.diag(vcov) / srs, power)
    undefined = ~np.isfinite(deffs)
    if undefined.any() and not (kind == "mean" and np.any(w_dom < n_scaled)):
        labels = list(data.index()[undefined])
        warnings.warn(MicropopWarning(
            f"the design effect of {', '.join(map(repr, labels[:5]))}"
            f"{f' and {len(labels) - 5} more' if len(labels) > 5 else ''} is NaN, as in R: "
            "its simple-random-sampling variance is 0 (a level in no row of the domain, a "
            "constant value, or a domain of one row)"), stacklevel=4)
    return deffs
