"""Proportions with intervals inside [0, 1], as R's ``svyciprop``."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from micropop.errors import NotNumericVariableError
from micropop.estimation._analysis import Analysis, domain_degf, means, prepare, t_quantile
from micropop.estimation.result import Estimate

if TYPE_CHECKING:
    from micropop.design import SurveyDesign

__all__ = ["PROPORTION_METHODS", "survey_proportion"]

#: Interval methods of :func:`survey_proportion` (R's ``svyciprop``).
PROPORTION_METHODS = ("logit", "xlogit", "mean", "asin", "beta")


def survey_proportion(design: SurveyDesign, variable: str, level: Any = None,
                      ci: str = "logit", by: str | Sequence[str] | None = None,
                      conf_level: float = 0.95, df: float | None = None,
                      na_rm: bool = False) -> Estimate:
    """A population proportion with an interval inside [0, 1], as R's ``svyciprop``.

    The proportion and its standard error are those of :func:`survey_mean`
    of the indicator ``variable == level``; the interval follows R's method:

    - ``"logit"`` / ``"xlogit"``: a t interval for ``log(p / (1 - p))``,
      transformed back; its SE by the delta method (R fits a logistic
      ``svyglm`` for "logit", which agrees to about 1e-11), except "logit"
      on a replicate design, where R's SE is that of the replicate logits;
    - ``"mean"``: ``p +/- t se``, which may leave [0, 1];
    - ``"asin"``: a t interval for ``asin(sqrt(p))``, transformed back as R
      does (``sin(bound)^2``);
    - ``"beta"``: Korn and Graubard's Clopper-Pearson interval with the
      effective sample size ``p (1 - p) / var``, adjusted by
      ``(t_{n-1} / t_df)^2`` as R.

    The t quantile uses the design degrees of freedom (R's default
    ``df = degf(design)``; with ``by=``, each domain's, as svyby's subsets).

    Parameters
    ----------
    design : SurveyDesign
    variable : str
        The column.
    level : optional
        The value counted as a success (a category, or True). Without it, the
        column must hold 0/1 (or booleans).
    ci : {"logit", "xlogit", "mean", "asin", "beta"}
        Interval method.
    by : str or list of str, optional
        Domain columns.
    conf_level : float, default 0.95
        Coverage.
    df : float, optional
        Degrees of freedom for the t quantile (``np.inf``: normal).
    na_rm : bool, default False
        Leave out rows with a missing ``variable`` (then, with ``by=``, the
        domain degrees of freedom count the observed rows; R counts all rows
        of the domain).

    Returns
    -------
    Estimate
        Statistic ``"proportion"``, index ``variable``, ``level`` [, ``domain``];
        :meth:`Estimate.ci` gives the method's interval.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"answer": ["yes"] * 30 + ["no"] * 10, "w": 1.0})
    >>> est = SurveyDesign(df, weights="w").proportion("answer", level="yes")
    >>> float(est.estimate[0])
    0.75
    >>> est.ci().round(3).to_numpy().tolist()
    [[0.587, 0.864]]
    """
    if ci not in PROPORTION_METHODS:
        raise ValueError(f"ci={ci!r} is not a method; use one of "
                         + ", ".join(map(repr, PROPORTION_METHODS)))
    data = prepare(design, [variable], None if by is None else by, na_rm)
    success, label = _success(design._data[variable], variable, level, data)
    data = data.with_columns(success[:, None], [(variable, label)])
    p, vcov = means(data)
    var = np.diag(vcov)
    design_dof = np.array([float(design.degf)]) if by is None else domain_degf(data)
    dof = design_dof if df is None else np.full(data.n_domains, float(df))
    t = t_quantile(conf_level, dof)
    with np.errstate(divide="ignore", invalid="ignore"):
        if ci == "mean":
            low, high = p - t * np.sqrt(var), p + t * np.sqrt(var)
        elif ci in ("logit", "xlogit"):
            centre = _logit(p)
            if ci == "logit" and data.replicated:
                # R refits the logistic model with each replicate weight
                reps = _logit(data.replicate_estimates(data.y, np.ones_like(data.y)))
                if not np.isfinite(reps).all():
                    warnings.warn("a replicate has a proportion of 0 or 1, so its logit "
                                  "is infinite and the 'logit' interval is NaN (R reports "
                                  "an unconverged glm fit); use ci='xlogit' or 'beta'",
                                  UserWarning, stacklevel=3)
                half = t * np.sqrt(np.diag(data.replicate_vcov(reps, centre)))
            else:
                half = t * np.sqrt(var) / (p * (1 - p))
            low, high = _expit(centre - half), _expit(centre + half)
        elif ci == "asin":
            half = t * np.sqrt(var) / (2 * np.sqrt(p * (1 - p)))
            centre = np.arcsin(np.sqrt(p))
            low, high = np.sin(centre - half) ** 2, np.sin(centre + half) ** 2
        else:  # beta
            rows = (np.array([len(design.data)]) if by is None
                    else data.domain_counts().astype(float))
            alpha = 1 - conf_level
            # R adjusts with the design's df here, whatever df= says
            n_eff = p * (1 - p) / var * (stats.t.ppf(alpha / 2, rows - 1)
                                         / stats.t.ppf(alpha / 2, design_dof)) ** 2
            low = stats.beta.ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1)
            high = stats.beta.ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p))
    counts = data.domain_counts().astype(np.int64)
    return Estimate("proportion", data.index(), p, vcov, design.degf, counts,
                    interval=np.column_stack([low, high]), interval_level=conf_level,
                    variance=data.variance_method)


def _success(series: pd.Series, name: str, level: Any,
             data: Analysis) -> tuple[np.ndarray, str]:
    """The 0/1 indicator of success and its label."""
    observed = data.row_domain >= 0
    if level is not None:  # a level never observed has proportion 0, as in R
        values = series.to_numpy()
        return np.where(observed, values == level, False).astype(float), str(level)
    numbers = pd.to_numeric(series.where(observed), errors="coerce").to_numpy(dtype=float)
    if not np.isin(numbers[observed], (0.0, 1.0)).all():
        raise NotNumericVariableError(
            f"column {name!r} is not a 0/1 indicator",
            hint="name the success category: des.proportion(column, level=...)")
    return np.where(observed, numbers, 0.0), "1"


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


def _expit(x: np.ndarray) -> np.ndarray:
    return np.exp(x) / (1 + np.exp(x))
