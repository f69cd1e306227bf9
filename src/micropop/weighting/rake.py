"""Post-stratification and raking (iterative proportional fitting), as R ``survey``.

Both scale weights so that weighted counts hit population counts: once, within
the cells of one (possibly crossed) variable for :func:`poststratify` (R's
``postStratify``); margin after margin, sweep after sweep, for :func:`rake`
(R's ``rake``), starting from the design weights. Rows sharing every margin
level share their factor, so the sweeps run on cells (their weighted counts),
not on rows. On a replicate design each replicate's weights are scaled the
same way, in the same sweeps, as R does for ``svrep`` designs.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from micropop.design.encode import as_columns, require_design
from micropop.errors import ConvergenceError, MicropopWarning, check_number, check_option
from micropop.weighting._design import DesignT, WeightingStep, scaled, weight_matrix, with_weights
from micropop.weighting._projection import PostStratProjection, RakingProjection, group_sums
from micropop.weighting.calibrate import check_consistent
from micropop.weighting.margins import (
    MET_RTOL,
    Margin,
    MarginSpec,
    cells,
    check_carried,
    check_totals,
    furthest,
    parse_margins,
    worst_miss,
)

__all__ = ["poststratify", "rake"]

# After the sweeps stop, a level further than this from its target (relative)
# means the margins cannot all be met (R's rake would return them silently).
_SETTLED_RTOL = 1e-4


def poststratify(design: DesignT, strata: str | Sequence[str], population: MarginSpec,
                 partial: bool = False) -> DesignT:
    """Post-stratify: scale weights so each stratum's weighted count is its population count.

    As R's ``postStratify``: within each post-stratum (a level of ``strata``,
    or of the cross of several columns) every weight is multiplied by
    ``N_h / sum_h w``. Linearised variances then use the residuals from the
    post-stratum means, as R does (``svyrecvar`` with ``postStrata``); on a
    replicate design every replicate is post-stratified the same way.

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    strata : str or list of str
        The post-stratification column(s); several are crossed.
    population : dict, Series or DataFrame
        Population count of every post-stratum: ``{"E": 4421, "H": 755}``; for
        a cross, tuple keys ``{("E", "No"): 12, ...}``, a Series with a
        MultiIndex, or a DataFrame with the strata columns and one count
        column (R's ``data.frame(stype=..., Freq=...)``).
    partial : bool, default False
        Ignore population strata absent from the sample (R's ``partial=TRUE``);
        otherwise they raise.

    Returns
    -------
    SurveyDesign or ReplicateDesign
        A new design; ``design`` is unchanged.

    Raises
    ------
    LevelNotInSampleError
        A population stratum without sampled rows; or a replicate that keeps
        no row of a post-stratum, which cannot be scaled to its count (R gives
        it infinite weights): names the replicate and level.
    LevelNotInMarginError, PopulationCountError, WeightingMissingError,
    NotCategoricalError, MarginLevelError

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"g": ["a", "a", "b", "b"], "y": [1.0, 2.0, 3.0, 4.0], "w": 1.0})
    >>> des = SurveyDesign(df, weights="w").poststratify("g", {"a": 30, "b": 10})
    >>> des.weights.tolist()
    [15.0, 15.0, 5.0, 5.0]
    """
    require_design(design)
    check_option("partial", partial, (False, True))
    rows, weights = weight_matrix(design)
    active = rows & (weights[:, 0] > 0)
    variables = tuple(as_columns(strata, "strata"))
    (margin,) = parse_margins(design.frame, active, {variables: population}, numeric=False,
                              partial=partial)
    check_carried([margin], weights)
    codes = margin.level_codes
    new = scaled(weights, codes, _factors(codes, weights, margin.targets))
    projection = PostStratProjection(_in_scope(design, rows, codes), weights[:, 0], new[:, 0],
                                     len(margin.level_names), counts=design.frequencies)
    step = WeightingStep("poststratify", (margin,), 1, 0.0, weights[:, 0], projection)
    return with_weights(design, new, step)


def rake(design: DesignT, margins: Mapping[Any, MarginSpec], max_iter: int = 100,
         epsilon: float = 1e-7, *, on_nonconvergence: str = "raise") -> DesignT:
    """Rake (iterative proportional fitting) the design weights to population margins.

    As R's ``rake``: each sweep post-stratifies on every margin in turn,
    starting from the design weights; sweeps stop when no cell of the cross of
    the margins changes its weighted count by more than ``epsilon`` between two
    sweeps. Linearised variances then use R's raking residuals; on a replicate
    design every replicate is raked in the same sweeps (R's ``rake`` on an
    ``svrep`` design).

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    margins : dict
        ``{column: {level: population count}}`` (or a Series, or an R-style
        DataFrame of counts), any number of them; a tuple of columns as key
        rakes to their cross. Every margin must count the same population.
    max_iter : int, default 100
        Largest number of sweeps (R's ``maxit``, whose default is 10).
    epsilon : float, default 1e-7
        Convergence tolerance on the change of cell counts between sweeps,
        with R's rule: below 1, a fraction of the total weight; 1 or more, an
        absolute count (R's default is ``epsilon=1``).
    on_nonconvergence : {"raise", "warn"}, default "raise"
        When the sweeps stop without meeting the margins (``max_iter``
        reached, or settled off them): raise a ConvergenceError, or, as R's
        ``rake``, warn (a MicropopWarning naming each margin still off, its
        furthest level and by how much) and return the last sweep's weights,
        with their variances (R's raking residuals of that sweep).

    Returns
    -------
    SurveyDesign or ReplicateDesign
        A new design; sweeps and final change are in ``weight_summary()``.

    Raises
    ------
    ConvergenceError
        Not converged after ``max_iter`` sweeps (R only warns), or settled
        without meeting the margins (as R's ``rake`` would silently), or a
        replicate that misses them: names the margin and level furthest from
        its target and the sweeps run. Unless ``on_nonconvergence="warn"``.
    OptionError
        ``max_iter`` not a whole number of at least 1, ``epsilon`` not a
        positive number, ``on_nonconvergence`` not "raise" or "warn".
    MarginTotalsError
        The margins count different totals.
    LevelNotInSampleError, LevelNotInMarginError, PopulationCountError,
    WeightingMissingError, NotCategoricalError

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"sex": ["f", "f", "m", "m"], "age": ["y", "o", "y", "o"],
    ...                    "w": 10.0})
    >>> des = SurveyDesign(df, weights="w").rake({"sex": {"f": 60, "m": 40},
    ...                                           "age": {"y": 50, "o": 50}})
    >>> [round(v, 6) for v in des.weights]
    [30.0, 30.0, 20.0, 20.0]

    Stopped after one sweep, with a warning, as R's ``rake(control = list(maxit = 1))``:

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     des = SurveyDesign(df.assign(w=[10.0, 20.0, 10.0, 10.0]), weights="w").rake(
    ...         {"sex": {"f": 60, "m": 40}, "age": {"y": 50, "o": 50}}, max_iter=1,
    ...         on_nonconvergence="warn")
    >>> print(caught[0].message)  # doctest: +ELLIPSIS
    raking did not converge: ... margin 'sex' level 'm' reaches ...
    """
    require_design(design)
    check_option("on_nonconvergence", on_nonconvergence, ("raise", "warn"))
    warn = on_nonconvergence == "warn"
    max_iter = check_number("max_iter", max_iter, low=1, integer=True)
    epsilon = check_number("epsilon", epsilon, low=0, low_open=True)
    rows, weights = weight_matrix(design)
    active = rows & (weights[:, 0] > 0)
    parsed = parse_margins(design.frame, active, margins, numeric=False)
    check_totals(parsed)
    check_carried(parsed, weights)
    check_consistent(parsed, active, weights[:, 0])
    cell, levels = cells(parsed)
    n_cells = levels.shape[1]
    start = group_sums(cell, weights, n_cells)
    tolerance = epsilon * start[:, 0].sum() if epsilon < 1 else epsilon
    converged = True
    factor = np.ones_like(start)
    after = np.empty((len(parsed), n_cells))  # full-sample factor after each margin
    previous = start[:, 0]
    for sweep in range(1, max_iter + 1):  # noqa: B007 (after the loop: the sweeps run)
        for m, margin in enumerate(parsed):
            current = start * factor
            factor = factor * _factors(levels[m], current, margin.targets)[levels[m]]
            after[m] = factor[:, 0]
        current = start[:, 0] * factor[:, 0]
        change = float(np.max(np.abs(current - previous)))
        if change < tolerance:
            break
        previous = current
    else:
        if not warn:
            _not_converged(parsed, scaled(weights, cell, factor), sweep, change, settled=False)
        converged = False
    new = scaled(weights, cell, factor)
    # the sample's weights (then, under "warn", every replicate's) off the margins
    miss = worst_miss(parsed, new if warn else new[:, :1])
    assert miss is not None  # parse_margins gives at least one margin
    if warn and (not converged or miss.excess > _SETTLED_RTOL):
        _warn_off(parsed, new, sweep, change, converged)
    elif miss.excess > _SETTLED_RTOL:
        _not_converged(parsed, new, sweep, change, settled=True)
    projection = RakingProjection(_in_scope(design, rows, cell), levels, after,
                                  weights[:, 0], tuple(len(m.level_names) for m in parsed),
                                  counts=design.frequencies)
    step = WeightingStep("rake", tuple(parsed), sweep, change, weights[:, 0], projection)
    return with_weights(design, new, step, rtol=np.inf if warn else _SETTLED_RTOL)


def _factors(codes: np.ndarray, weights: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Per level and weight column, ``target / weighted count`` (1 where nothing to scale)."""
    sums = group_sums(codes, weights, len(targets))
    factors: np.ndarray = np.divide(targets[:, None], sums, out=np.ones_like(sums),
                                    where=sums > 0)
    return factors


def _not_converged(margins: list[Margin], weights: np.ndarray, sweeps: int, change: float,
                   settled: bool) -> None:
    miss = worst_miss(margins, weights[:, :1])
    assert miss is not None  # parse_margins gives at least one margin
    status = (f"the weights settled after {sweeps} sweeps without meeting the margins"
              if settled else f"the last of {sweeps} sweeps still changed a cell by "
                              f"{change:.3g}")
    raise ConvergenceError(
        f"raking did not converge: margin {miss.margin!r} level {miss.level!r} reaches "
        f"{miss.achieved:,.6g} against its target {miss.target:,.6g} (largest residual "
        f"{abs(miss.achieved - miss.target):.3g}); {status}",
        hint="raise max_iter, or check the margins: empty cells of their cross can make "
             "the targets unreachable (collapse sparse levels)")


def _warn_off(margins: list[Margin], weights: np.ndarray, sweeps: int, change: float,
              converged: bool) -> None:
    """Warn, as R's rake, naming every margin still off its targets and by how much."""
    off = []
    for margin in margins:
        miss = furthest(margin.name, margin.labels(), margin.achieved(weights), margin.targets)
        if miss.excess > MET_RTOL:
            off.append(f"{miss} (relative gap {miss.excess:.3g})")
    status = (f"the last of {sweeps} sweeps still changed a cell by {change:.3g}"
              if not converged else f"the weights settled after {sweeps} sweeps")
    warnings.warn(f"raking did not converge: {status}; the weights returned (those of the last "
                  "sweep, as R's rake returns them) miss: " + "; ".join(off) + ". Raise "
                  "max_iter, or check the margins (empty cells of their cross can make the "
                  "targets unreachable)", MicropopWarning, stacklevel=3)


def _in_scope(design: DesignT, rows: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The cells of the variance term: -1 for the rows R's subset drops.

    R's subset of a design not yet weighted drops the other rows
    (``[.survey.design2``), so the centring of a post-stratification or raking
    made on it does not count them; once weighted, R keeps them at weight 0 and
    they count (``psw`` 1 in ``postStratify``'s centring).
    """
    if design.calibration_projections:
        return codes
    scoped: np.ndarray = np.where(rows, codes, -1)
    return scoped
