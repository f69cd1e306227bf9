"""Where a lonely PSU is centred under ``lonely_psu="adjust"``: two R versions.

A stratum with a single sampled unit (PSU) has no within-stratum variance.
R's ``options(survey.lonely.psu="adjust")`` gives it one by centring the
unit's total ``t_h`` on a value ``c`` other than its own: the stratum adds
``f_h * (t_h - c)**2`` to the variance.

- ``"adjust"`` (survey >= 4.4, its ``onestage``; the rule R's documentation
  has always described): ``c`` is the mean of all unit totals,
  ``sum_h sum_j t_hj / sum_h n_h``, over the strata of the group (the whole
  sample at the first stage, one unit of the previous stage later), ``n_h``
  counting the design's units. In a domain (a subset), the strata that the
  domain reaches. Means do not change (their influence values sum to zero, so
  ``c = 0``); totals do.
- ``"adjust_legacy"`` (survey <= 4.2, e.g. Debian's 4.1.1): ``c = 0``.

Under ``survey.adjust.domain.lonely``, a domain meeting one unit of a
stratum with several centres the stratum's units on the same ``c``.

micropop follows R's R code (``onestage``/``onestrat`` in ``R/multistage.R``);
since survey 4.3 R runs by default a C++ port of it (``options(survey.use_rcpp=TRUE)``),
meant to agree. "fail", "remove", "certainty" and "average" did not change.

R's test ``tests/lonely.psu.R`` (cran/survey, commit 2f16579f) checks the
rule on five PSUs in three strata: the variance of the total of ``Age`` is
127579.8 with "adjust", 126625 with "remove"; survey 4.1.1 gives 562225.

Examples
--------
Unit totals 320.25, 425.25 | 700, 1040 | 660 (stratum 3 lonely): the lonely
unit is centred on their mean 629.1, so it adds ``(660 - 629.1)**2``.

>>> import numpy as np
>>> from micropop.variance.lonely import adjust_centre
>>> totals = np.array([[745.5], [1740.0], [660.0]])  # per stratum
>>> n_units = np.array([2, 2, 1])
>>> group = np.zeros(3, dtype=np.intp)
>>> present = np.ones((3, 1), dtype=bool)
>>> cols = np.zeros(1, dtype=np.intp)
>>> adjust_centre(totals, n_units, present, group, cols, "adjust").ravel().round(6).tolist()
[629.1, 629.1, 629.1]
>>> adjust_centre(totals, n_units, present, group, cols, "adjust_legacy").ravel().tolist()
[0.0, 0.0, 0.0]
"""

from __future__ import annotations

import numpy as np

__all__ = ["ADJUST_POLICIES", "adjust_centre"]

#: The lonely-PSU policies that centre a lonely unit rather than drop it.
ADJUST_POLICIES = ("adjust", "adjust_legacy")


def adjust_centre(stratum_totals: np.ndarray, n_units: np.ndarray, present: np.ndarray,
                  group: np.ndarray, col_domain: np.ndarray, policy: str) -> np.ndarray:
    """The value each stratum's lonely unit is centred on, (H, p * K).

    Parameters
    ----------
    stratum_totals : ndarray, shape (H, p * K)
        Sums of the unit totals per stratum, column ``j * K + k`` for
        statistic j in domain k.
    n_units : ndarray of int, shape (H,)
        Sampled units per stratum in the design (R's ``nPSU``).
    present : ndarray of bool, shape (H, K)
        Whether domain k reaches stratum h (R keeps only those strata in a
        subset).
    group : ndarray of int, shape (H,)
        The group of each stratum (0 at the first stage; the unit of the
        previous stage that holds it later), as one call of R's ``onestage``.
    col_domain : ndarray of int, shape (p * K,)
        Domain of each column.
    policy : {"adjust", "adjust_legacy"}
        Survey >= 4.4 (the mean of all unit totals of the group) or <= 4.2 (0).

    Returns
    -------
    ndarray, shape (H, p * K)
        The centre of stratum h's lonely unit, per column (0 where the domain
        reaches no stratum of the group).

    Examples
    --------
    Two domains: the second reaches only the third stratum.

    >>> import numpy as np
    >>> from micropop.variance.lonely import adjust_centre
    >>> totals = np.array([[4.0, 0.0], [6.0, 0.0], [2.0, 3.0]])
    >>> present = np.array([[True, False], [True, False], [True, True]])
    >>> adjust_centre(totals, np.array([2, 2, 1]), present, np.zeros(3, dtype=np.intp),
    ...               np.array([0, 1]), "adjust").tolist()
    [[2.4, 3.0], [2.4, 3.0], [2.4, 3.0]]
    """
    if policy == "adjust_legacy":
        return np.zeros_like(stratum_totals, dtype=float)
    n_groups = int(group.max()) + 1 if group.size else 0
    sums = np.zeros((n_groups, stratum_totals.shape[1]))
    np.add.at(sums, group, stratum_totals)
    units = np.zeros((n_groups, present.shape[1]))
    np.add.at(units, group, present * n_units[:, None].astype(float))
    denominator = units[:, col_domain]
    centre = np.divide(sums, denominator, out=np.zeros_like(sums), where=denominator > 0)
    result: np.ndarray = centre[group]
    return result
