"""Concentration of incomes: the Gini coefficient, the Lorenz curve and the top income share.

See :mod:`micropop.inequality` for the conventions (laeken's estimators,
convey's linearisation, replicate weights, scaling).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from micropop.design import SurveyDesign, require_design
from micropop.errors import InequalityParameterError
from micropop.estimation import Estimate
from micropop.estimation._sorted import last_at_most
from micropop.estimation.quantiles import probability_label
from micropop.inequality._incomes import Floats, SortedIncomes
from micropop.inequality._influence import gini_influence, gini_value
from micropop.inequality._inputs import By, fraction, require_positive_total, setup
from micropop.inequality._results import guarded, replicate_result, result

__all__ = ["gini", "lorenz", "top_share"]


@guarded
def gini(design: SurveyDesign, variable: str, by: By = None,
         na_rm: bool = False) -> Estimate:
    """Gini coefficient, as R laeken's ``gini`` (a fraction, not percent).

    ``G = (2 sum w_i x_i C_i - sum w_i^2 x_i) / (N X) - 1`` with incomes
    sorted, ``C_i`` the cumulative weight, ``N`` the weight total and ``X``
    the income total (laeken's ``giniCoeff``). The linearised SE uses the
    exact derivative of that estimator in each weight (the influence
    function of convey's ``svygini``, adapted to laeken's formula).

    Parameters
    ----------
    design : SurveyDesign
    variable : str
        Numeric income column; incomes must be non-negative.
    by : str or list of str, optional
        Domain columns: one Gini per domain, keeping the full design.
    na_rm : bool, default False
        Leave out rows with a missing income (as R's ``na.rm``); without it,
        missing incomes raise :class:`~micropop.errors.MissingValuesError`.

    Returns
    -------
    Estimate
        Statistic ``"gini"``.

    Raises
    ------
    NegativeIncomeError
        Negative incomes (counted and listed).
    ZeroIncomeError
        Incomes all zero in a domain.
    InequalityError
        Infinite incomes, or incomes or weights too far apart for double
        precision (rows named).

    Notes
    -----
    Equal incomes, or a domain of one row, give a Gini of 0 with an SE of 0:
    the linearised variance, like every replicate, sees no inequality to vary.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"income": [1.0, 2.0, 3.0, 4.0, 10.0, 20.0],
    ...                    "sex": ["f", "m", "f", "m", "f", "m"]})
    >>> des = SurveyDesign(df.assign(w=1.0), weights="w")
    >>> gini(des, "income", by="sex").to_frame()[["estimate", "se"]].round(4)
    ... # doctest: +NORMALIZE_WHITESPACE
                     estimate      se
    variable domain
    income   f         0.4286  0.1242
             m         0.4615  0.1088
    """
    if getattr(type(design), "engine", None) == "dask":
        from micropop.partitioned import inequality as partitioned
        return partitioned.gini(design, variable, by=by, na_rm=na_rm)
    require_design(design)
    data, everyone, s = setup(design, variable, by, na_rm, "the Gini coefficient", True)
    require_positive_total(data, s, variable, "the Gini coefficient")
    value, z = _gini(s)
    if data.replicated:
        return replicate_result(data, "gini", value, everyone, s,
                                lambda r, _: [_gini(r, False)[0]])
    return result(data, "gini", value, s.scatter(z))


@guarded
def lorenz(design: SurveyDesign, variable: str,
           shares: Sequence[float] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
           by: By = None, na_rm: bool = False) -> Estimate:
    """Lorenz curve ordinates: the income share of the poorest ``p`` of people.

    As R convey's ``svylorenz``: the ordinate at ``p`` sums the incomes of
    the poorest units up to a weight ``p N``, taking the fraction needed of
    the unit that crosses it; the linearised SE is Kovacevic and Binder's
    (1997), as convey.

    Parameters
    ----------
    design : SurveyDesign
    variable : str
        Numeric income column; incomes must be non-negative.
    shares : sequence of float, default 0.1, ..., 0.9
        Population shares, each strictly between 0 and 1.
    by : str or list of str, optional
        Domain columns, as for :func:`gini`.
    na_rm : bool, default False
        Leave out rows with a missing income, as for :func:`gini`.

    Returns
    -------
    Estimate
        Statistic ``"lorenz"``, index ``variable``, ``level`` (the share)
        [, ``domain``]; :meth:`Estimate.ci` gives the intervals.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"income": [1.0, 2.0, 3.0, 4.0], "w": 1.0})
    >>> est = lorenz(SurveyDesign(df, weights="w"), "income", shares=[0.25, 0.5])
    >>> est.estimate.round(4).tolist()
    [0.1, 0.3]
    """
    require_design(design)
    probs = _shares(shares)
    data, everyone, s = setup(design, variable, by, na_rm, "the Lorenz curve", True)
    require_positive_total(data, s, variable, "the Lorenz curve")
    labels = [(variable, probability_label(p)) for p in probs]
    if data.replicated:
        return replicate_result(
            data.with_columns(np.zeros((len(data.y), len(probs))), labels), "lorenz",
            np.concatenate([_lorenz(s, p, False)[0] for p in probs]), everyone, s,
            lambda r, _: [_lorenz(r, p, False)[0] for p in probs])
    fits = [_lorenz(s, p) for p in probs]
    values = np.column_stack([s.scatter(z) for _, z in fits])
    return result(data.with_columns(values, labels), "lorenz",
                  np.concatenate([value for value, _ in fits]), values)


@guarded
def top_share(design: SurveyDesign, variable: str, share: float = 0.1, by: By = None,
              na_rm: bool = False) -> Estimate:
    """Income share of the richest ``share`` of people (top 10 % by default).

    Defined as ``1 - L(1 - share)`` with the Lorenz ordinate of
    :func:`lorenz` (R convey's ``svylorenz``), so both agree; linearised as
    that ordinate.

    Parameters
    ----------
    design : SurveyDesign
    variable : str
        Numeric income column; incomes must be non-negative.
    share : float, default 0.1
        Share of the population at the top, strictly between 0 and 1.
    by : str or list of str, optional
        Domain columns, as for :func:`gini`.
    na_rm : bool, default False
        Leave out rows with a missing income, as for :func:`gini`.

    Returns
    -------
    Estimate
        Statistic ``"top_share"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"income": [1.0, 1.0, 1.0, 1.0, 6.0], "w": 1.0})
    >>> float(top_share(SurveyDesign(df, weights="w"), "income", 0.2).estimate[0])
    0.6
    """
    require_design(design)
    share = fraction("share", share, closed_top=False)
    data, everyone, s = setup(design, variable, by, na_rm, "the top income share", True)
    require_positive_total(data, s, variable, "the top income share")
    if data.replicated:
        return replicate_result(data, "top_share", 1.0 - _lorenz(s, 1.0 - share, False)[0],
                                everyone, s,
                                lambda r, _: [1.0 - _lorenz(r, 1.0 - share, False)[0]])
    value, z = _lorenz(s, 1.0 - share)
    return result(data, "top_share", 1.0 - value, -s.scatter(z))


# --- the measures on sorted incomes: (estimate per domain, influence per sorted row) ----


@overload
def _gini(s: SortedIncomes, influence: Literal[True] = True) -> tuple[Floats, Floats]: ...


@overload
def _gini(s: SortedIncomes, influence: Literal[False]) -> tuple[Floats, None]: ...


def _gini(s: SortedIncomes, influence: bool = True) -> tuple[Floats, Floats | None]:
    """laeken's ``giniCoeff`` and (if ``influence``) its derivative in each weight."""
    wx = s.w * s.x
    n, total = s.weight_total, s.sums(wx)
    cum_w = s.running_double(s.w)
    value = gini_value(n, total, s.sums(wx * cum_w), s.sums(s.w * wx))
    if not influence:
        return value, None
    cum_wx = s.running(wx, float)[0]
    del wx
    z = gini_influence(s.x, cum_w, cum_wx, s.spread(n), s.spread(total), s.spread(value))
    return value, z


@overload
def _lorenz(s: SortedIncomes, p: float, influence: Literal[True] = True,
            ) -> tuple[Floats, Floats]: ...


@overload
def _lorenz(s: SortedIncomes, p: float,
            influence: Literal[False]) -> tuple[Floats, None]: ...


def _lorenz(s: SortedIncomes, p: float, influence: bool = True,
            ) -> tuple[Floats, Floats | None]:
    """convey's ``svylorenz`` ordinate at p and its influence (Kovacevic-Binder)."""
    wx = s.w * s.x
    n, total = s.weight_total, s.sums(wx)
    cum, key = s.cumulative_weight
    before = s.previous(cum)                         # weight of the poorer rows
    target = p * n
    # the crossing row: the last whose poorer rows weigh less than p N
    k = last_at_most(before, np.nextafter(target, -np.inf), key - s.w,
                     key[s.starts] - s.w[s.starts] + target, s.starts, s.ends)
    taken = target - before[k]
    value = (s.previous(s.running(wx, float)[0])[k] + taken * s.x[k]) / total
    if not influence:
        return value, None
    lower = np.where(k > s.starts, s.x[np.maximum(k - 1, 0)], 0.0)
    q = lower + (s.x[k] - lower) * taken / s.w[k]
    seg = s.segment
    z = ((s.x - q[seg]) * (s.x <= q[seg]) + p * q[seg] - s.x * value[seg]) / total[seg]
    return value, z


def _shares(shares: npt.ArrayLike) -> Floats:
    """Lorenz shares: a non-empty list of distinct fractions in (0, 1)."""
    items = list(shares) if np.ndim(shares) > 0 and isinstance(shares, Iterable) else [shares]
    probs = np.array([fraction("shares", p, closed_top=False) for p in items])
    if len(probs) == 0:
        raise InequalityParameterError("shares is empty",
                                       hint="give one population share or more, e.g. [0.5]")
    repeated = pd.unique(probs[pd.Series(probs).duplicated().to_numpy()])
    if len(repeated):
        raise InequalityParameterError(
            f"shares lists {', '.join(f'{p:g}' for p in repeated)} more than once",
            hint="give each population share once")
    return probs
