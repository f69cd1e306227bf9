"""Log-linear multiple-systems estimation, as R's ``Rcapture``.

The observed capture histories of ``k`` lists fill the ``2^k - 1`` cells of
an incomplete contingency table (the all-zero cell, people on no list, is
unobserved). A Poisson log-linear model is fitted to the observed cells and
the unobserved count is ``exp(intercept)``, so ``N = n + exp(intercept)``
(Fienberg 1972; Cormack 1989; Rivest & Baillargeon 2007). The standard error
is Rcapture's, ``sqrt(exp(b0) + exp(2 b0) var(b0))``, and the interval the
multinomial profile-likelihood interval of Cormack (1992), as ``closedpCI``.

Models are fitted by iteratively reweighted least squares in numpy (checked
against statsmodels' GLM in the tests), which makes a search over all 1,024
hierarchical models of five lists take well under a second.

Examples
--------
>>> import pandas as pd
>>> import micropop as mp
>>> hist = pd.DataFrame({"a": [1, 1, 0, 1, 0, 0], "b": [1, 0, 1, 1, 1, 0],
...                      "c": [0, 1, 1, 1, 0, 1]})
>>> freq = [30, 20, 25, 10, 60, 50]
>>> est = mp.size.loglinear(hist, freq=freq)
>>> round(est.estimate, 1), est.ci_low < est.estimate < est.ci_high
(250.3, True)
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from micropop.errors import CaptureRecaptureError
from micropop.size._closedp import MAX_OCCASIONS, closedp, closedp_ci
from micropop.size._histories import (
    MAX_COUNT,
    MAX_LISTS,
    CaptureData,
    Counts,
    Freq,
    capture_cells,
    capture_table,
)
from micropop.size._loglinear_terms import (
    custom_columns,
    loglinear_design,
    model_label,
    parse_terms,
    recaptured_count,
    term_name,
)
from micropop.size._model_search import (
    EXHAUSTIVE_LISTS,
    MAX_EXHAUSTIVE_LISTS,
    MAX_SEARCH_LISTS,
    model_search,
)
from micropop.size._normal_mixture import NORMAL_ASSUMPTION, normal_estimate
from micropop.size._poisson_fit import (
    MAX_ITER,
    check_heterogeneity,
    heterogeneity_label,
    with_heterogeneity,
)
from micropop.size._size_interval import CLOSED_ASSUMPTIONS, PROFILE_LIMIT, size_estimate
from micropop.size.result import SizeEstimate

__all__ = ["loglinear", "model_search", "closedp", "closedp_ci", "capture_table"]
#: Public names of this module before its parts moved to their own modules.
_REEXPORTED = (CaptureData, Freq, Counts, CLOSED_ASSUMPTIONS, MAX_LISTS, MAX_COUNT, MAX_ITER,
               PROFILE_LIMIT, EXHAUSTIVE_LISTS, MAX_EXHAUSTIVE_LISTS, MAX_SEARCH_LISTS,
               MAX_OCCASIONS)
_LOGLINEAR_ASSUMPTION = (
    "Dependence between lists is fully described by the interactions in the model; "
    "interactions left out (and the highest-order one, which the data cannot show) are zero."
)


def loglinear(histories: CaptureData, terms: Iterable[str] = (), freq: Freq = None, *,
              design_matrix: object = None, heterogeneity: str | None = None,
              theta: float | None = None, level: float = 0.95) -> SizeEstimate:
    """Population size from a hierarchical log-linear model of k lists.

    The model always holds the main effect of every list (model Mt); add
    interactions with ``terms`` (``"c1:c2"``, using the list names; lower
    order terms are added as the hierarchy requires). As Rcapture's
    ``closedpCI.t(X, mX = ~ . + c1:c2)``.

    Parameters
    ----------
    histories : DataFrame, 2-D array or dict
        Capture histories (see :func:`capture_table` for the accepted forms).
    terms : iterable of str
        Interactions between lists, e.g. ``["wave1:wave2"]``.
    freq : str or array-like, optional
        Count of each history row (column name or array).
    design_matrix : DataFrame or 2-D array, optional
        Instead of ``terms``, the model's own columns, as Rcapture's
        ``closedpCI.t(X, mX=matrix)``: one row per observable history in
        :func:`capture_table`'s order (Rcapture's ``histpos.t``), one column
        per term (named by the DataFrame's columns, else ``x1, x2, ...``),
        without the intercept, which is always added. It replaces the main
        effects too, so include them (e.g. the list columns of
        :func:`capture_table`) unless the model leaves them out on purpose.
    heterogeneity : {"Chao", "LB", "Poisson", "Darroch", "Gamma", "Normal"}, optional
        Add Rcapture's column(s) for heterogeneous catchability, a function of
        the number of captures (Rivest 2011). ``"Normal"`` is the normal
        mixing distribution of Rivest (2011) (Rcapture's ``h="Normal"``): not
        log-linear, it is fitted by minimising the deviance and given Chao's
        (1987) log-normal interval, as Rcapture. Its standard error uses the
        inverse information; Rcapture's, which halves the variance of the
        intercept, is in ``extra["se_rcapture"]`` with its interval in
        ``extra["ci_rcapture"]``, and ``extra["sigma"]`` is the fitted
        standard deviation.
    theta : float, optional
        Parameter of the Poisson (default 2) or Gamma (default 3.5) form.
    level : float, default 0.95
        Coverage of the profile-likelihood interval.

    Returns
    -------
    SizeEstimate
        ``extra`` holds the deviance, df, AIC, BIC, coefficients, fitted
        values and the multinomial profile maximum ``profile_mle``. When the
        fit puts everyone among the people seen (a boundary of the model)
        the estimate is ``n`` with SE 0.

    Raises
    ------
    UnboundedSizeError
        The data put no upper bound on the size under this model (or leave
        it undetermined): no one on two lists, or an interaction absorbing
        the only overlap. Rcapture prints a huge number instead. A
        :class:`~micropop.errors.NoRecaptureError`.
    CaptureConvergenceError
        The fit or its profile interval did not converge, the estimate lies
        outside its own profile interval, or beyond 1e12 (numerically
        unreliable).
    CaptureRecaptureError, OptionError
        Bad histories, terms, design_matrix (wrong number of rows, non-finite
        values, a constant column or one that repeats others, or given with
        ``terms``), heterogeneity (it needs 3 lists) or theta.

    Examples
    --------
    >>> import pandas as pd
    >>> import micropop as mp
    >>> hiv = pd.read_csv("tests/reference/rcapture/HIV.csv")
    >>> est = mp.size.loglinear(hiv, terms=["c1:c2"], freq="freq")
    >>> round(est.estimate, 1), round(est.se, 1)
    (12318.5, 1188.7)
    """
    table = capture_cells(histories, freq)
    theta = check_heterogeneity(heterogeneity, theta, len(table.lists))
    parsed = parse_terms(terms, table.lists)
    nbcap = table.patterns.sum(axis=1)
    normal = heterogeneity == "Normal"
    kind = None if normal else heterogeneity
    if design_matrix is not None:
        if parsed:
            raise CaptureRecaptureError(
                "give terms or design_matrix, not both",
                hint="add the interaction columns to design_matrix, or use terms alone")
        columns, names = custom_columns(table, design_matrix)
        label = "design: " + " + ".join(names)
        inputs_terms: tuple[str, ...] = tuple(names)
        model = with_heterogeneity(table.counts, columns, names, np.zeros(len(table.counts)),
                                   nbcap, len(table.lists), kind, theta)
    else:
        label = model_label(parsed, table.lists)
        inputs_terms = tuple(term_name(m, table.lists) for m in parsed)
        model = loglinear_design(table, parsed, kind, theta)
    hetero = heterogeneity_label(heterogeneity, theta)
    assumptions: tuple[str, ...] = (*CLOSED_ASSUMPTIONS, _LOGLINEAR_ASSUMPTION)
    if normal:
        assumptions += (NORMAL_ASSUMPTION,)
    elif heterogeneity is not None:
        assumptions += (f"Heterogeneous catchability follows the {hetero} form in the "
                        "number of lists a person is on.",)
    inputs = {"lists": table.lists, "terms": inputs_terms,
              "heterogeneity": hetero or None, "n_observed": table.n}
    extra = {"model": label + (f" + h={hetero}" if hetero else "")}
    if normal:
        return normal_estimate(model, nbcap, table.n, level,
                               method="log-linear MSE, normal heterogeneity",
                               assumptions=assumptions, inputs=inputs, extra=extra)
    return size_estimate(model, table.n, level, method="log-linear MSE",
                         assumptions=assumptions, inputs=inputs, extra=extra,
                         recaptured=recaptured_count(table))
