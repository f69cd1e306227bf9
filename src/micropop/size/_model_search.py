"""The search over hierarchical log-linear models of a capture table, ranked by AIC
or BIC: every model up to five lists, a stepwise search beyond.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from typing import Any, Literal

import pandas as pd

from micropop.errors import (
    OptionError,
    check_option,
)
from micropop.size._histories import CaptureData, Freq, capture_cells
from micropop.size._loglinear_terms import loglinear_design, model_label, term_name
from micropop.size._size_interval import fit_problem

#: Largest number of lists searched exhaustively by default (1,024 models of 5 lists).
EXHAUSTIVE_LISTS = 5
#: Most lists an exhaustive search accepts on request (32,768 models of 6 lists).
MAX_EXHAUSTIVE_LISTS = 6
#: Most lists any search accepts (a stepwise search of 10 lists fits about 1,000 models).
MAX_SEARCH_LISTS = 10


def model_search(histories: CaptureData, freq: Freq = None, max_order: int = 2,
                 criterion: str = "AIC",
                 search: Literal["auto", "exhaustive", "stepwise"] = "auto") -> pd.DataFrame:
    """Search the hierarchical log-linear models up to two-way interactions.

    For ``k`` lists these are the main-effects model plus every subset of
    the ``k(k-1)/2`` pairwise interactions (1,024 models for 5 lists), as
    Rcapture's ``closedpMS.t(X, maxorder = 2)``. With 2 lists the only
    interaction is that of every list, which the unobserved cell makes
    inestimable: only the independence model is fitted.

    The number of models doubles with each pair (2 million for 7 lists), so
    the search is bounded: ``search="auto"`` fits every model up to
    :data:`EXHAUSTIVE_LISTS` (5) lists and beyond searches stepwise. The
    stepwise search starts from the independence model and, at each step,
    moves to the best model by ``criterion`` among those that add or drop one
    interaction and give a size, until none improves on the current one (at
    most ``k(k-1)`` steps of ``k(k-1)/2`` fits each); it finds a good model,
    not necessarily the best. Rcapture stops instead (``stopiflong``) from 7
    lists.

    Parameters
    ----------
    histories : DataFrame, 2-D array or dict
        Capture histories, one column per list, as :func:`loglinear`.
    freq : str or array-like, optional
        Count of each history row (column name or array), as :func:`loglinear`.
    max_order : {1, 2}
        1 fits the independence model only; 2 adds pairwise interactions.
    criterion : {"AIC", "BIC"}
        Sort key (smallest first). BIC is Rcapture's: ``AIC + (log n - 2) rank``
        with ``n`` the number of people captured.
    search : {"auto", "exhaustive", "stepwise"}, default "auto"
        ``"exhaustive"`` fits every model (refused beyond
        :data:`MAX_EXHAUSTIVE_LISTS`, 6 lists: 32,768 models);
        ``"stepwise"`` as above at any number of lists.

    Returns
    -------
    DataFrame
        One row per model fitted: ``model``, ``terms`` (tuple, to pass to
        :func:`loglinear`), ``estimate``, ``se``, ``deviance``, ``df``,
        ``AIC``, ``BIC``, ``converged``, ``estimable`` and ``info``. A model
        whose size has no finite estimate (the data put no upper bound on
        it, e.g. an interaction absorbing the only overlap between two
        lists) or whose fit did not converge has ``estimable`` False, NaN
        ``estimate`` and ``se`` and the reason in ``info``; Rcapture prints a
        huge number instead. Sorted with the estimable models first, then by
        ``criterion``, so the first row is the best model that gives a size.
        ``attrs["search"]`` says how the models were searched and
        ``attrs["models_fitted"]`` how many were fitted.

    Raises
    ------
    OptionError
        ``search="exhaustive"`` with more than 6 lists, any search of
        interactions with more than :data:`MAX_SEARCH_LISTS` (10) lists, or
        an unknown option.

    Examples
    --------
    >>> import pandas as pd
    >>> import micropop as mp
    >>> hiv = pd.read_csv("tests/reference/rcapture/HIV.csv")
    >>> table = mp.size.model_search(hiv, freq="freq")
    >>> len(table), table["AIC"].is_monotonic_increasing, table.attrs["search"]
    (64, True, 'exhaustive')
    """
    check_option("criterion", criterion, ["AIC", "BIC"])
    check_option("max_order", max_order, [1, 2])
    check_option("search", search, ["auto", "exhaustive", "stepwise"])
    table = capture_cells(histories, freq)
    k = len(table.lists)
    pairs = (list(itertools.combinations(range(k), 2)) if max_order == 2 and k > 2 else [])
    if k > MAX_SEARCH_LISTS and pairs:
        raise OptionError(
            f"a search over the {len(pairs)} interactions of {k} lists is too long to run "
            f"(at most {MAX_SEARCH_LISTS} lists)",
            hint="choose the interactions with mp.size.loglinear(terms=...), merge lists into "
                 "fewer sources, or pass max_order=1")
    if search == "exhaustive" and k > MAX_EXHAUSTIVE_LISTS and pairs:
        raise OptionError(
            f"search='exhaustive' over {k} lists means {2 ** len(pairs):,} models",
            hint=f"use search='stepwise' (or 'auto'), or at most {MAX_EXHAUSTIVE_LISTS} lists")
    if search == "auto":
        search = "exhaustive" if k <= EXHAUSTIVE_LISTS else "stepwise"
    full = loglinear_design(table, pairs, None, None)
    n_main = 1 + k
    rows: dict[frozenset[tuple[int, int]], dict[str, Any]] = {}

    def fit(chosen: frozenset[tuple[int, int]]) -> dict[str, Any]:
        if chosen not in rows:
            ordered = [p for p in pairs if p in chosen]
            columns = list(range(n_main)) + [n_main + pairs.index(p) for p in ordered]
            design = dataclasses.replace(full, X=full.X[:, columns],
                                         names=tuple(full.names[c] for c in columns))
            result = design.fit()
            size, unbounded = design.size(result, table.n)
            problem = fit_problem(unbounded, result, size)
            aic, bic = result.criteria(table.n)
            rows[chosen] = {
                "model": model_label(ordered, table.lists),
                "terms": tuple(term_name(m, table.lists) for m in ordered),
                "estimate": size[0] if problem is None else math.nan,
                "se": size[1] if problem is None else math.nan,
                "deviance": result.deviance, "df": result.df_resid, "AIC": aic, "BIC": bic,
                "converged": result.converged, "estimable": problem is None,
                "info": problem or "OK"}
        return rows[chosen]

    if search == "exhaustive":
        for mask in itertools.product((False, True), repeat=len(pairs)):
            fit(frozenset(p for p, keep in zip(pairs, mask, strict=True) if keep))
    else:
        current: frozenset[tuple[int, int]] = frozenset()
        fit(current)
        for _ in range(2 * len(pairs) + 1):  # each move strictly improves the criterion
            moves = [current ^ {p} for p in pairs]
            better = [m for m in moves if fit(m)["estimable"]
                      and fit(m)[criterion] < fit(current)[criterion] - 1e-9]
            if not better:
                break
            current = min(better, key=lambda m: rows[m][criterion])
    result = pd.DataFrame(list(rows.values()))
    result = result.sort_values(["estimable", criterion], ascending=[False, True],
                                kind="stable").reset_index(drop=True)
    result.attrs["search"] = search
    result.attrs["models_fitted"] = len(result)
    return result
