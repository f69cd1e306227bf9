"""Building a two-phase design: its arguments checked, each phase's design and ``Dcheck``.

The pieces :class:`micropop.design.TwoPhaseDesign` is made of: the phase-two
mask (:func:`phase_two_rows`), the phase-two design with its sampling
fractions counted on the phase-one rows as R does (:func:`phase_two_design`),
and each phase's :class:`~micropop.variance.twophase.PhaseStructure` (R's
``Dcheck``) or, for R's ``method="approx"``, the phase-one pieces of
``twophasevar`` (:func:`approx_phase_one`).

Examples
--------
>>> import pandas as pd
>>> from micropop.design._twophase_build import pair, phase_two_rows
>>> pair((None, "rel"), "strata")
(None, 'rel')
>>> phase_two_rows(pd.DataFrame({"in2": [1, 0, 1]}), "in2").tolist()
[True, False, True]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from micropop.design.encode import require_columns
from micropop.design.survey import SurveyDesign
from micropop.errors import DesignError, EmptyDomainError, data_rows
from micropop.variance.twophase import ApproxPhaseOne, PhaseStructure

__all__ = ["PHASE2_FPC", "approx_phase_one", "pair", "phase_one_structure",
           "phase_structure", "phase_two_design", "phase_two_rows", "same_scale",
           "unit_probs"]

#: The fpc column of the phase-two design, when counted on the phase-one rows.
PHASE2_FPC = "phase-one units"


def pair(value: Any, name: str) -> tuple[str | None, str | None]:
    """A pair (phase one, phase two) of column names or None."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)) or len(
            value) != 2:
        raise DesignError(f"{name}={value!r} is not a pair (phase one, phase two)",
                          hint=f"e.g. {name}=(None, 'stratum'): one entry per phase, "
                               "None to leave a phase out")
    for entry in value:
        if entry is not None and not isinstance(entry, str):
            raise DesignError(f"{name} holds {entry!r}, not a column name or None",
                              hint=f"e.g. {name}=(None, 'stratum')")
    return value[0], value[1]


def phase_two_rows(frame: pd.DataFrame, subset: Any) -> np.ndarray:
    """The phase-two mask: a True/False (or 1/0) column or mask, no missing value."""
    if isinstance(subset, str):
        require_columns(frame, [subset])
        column = frame[subset]
    elif isinstance(subset, pd.Series):
        if not subset.index.equals(frame.index):
            raise DesignError("the subset Series is not aligned with the data",
                              hint="give one True/False per row of data, with its index")
        column = subset
    else:
        if np.ndim(subset) != 1 or len(subset) != len(frame):
            raise DesignError(f"subset must be a column name or {len(frame)} True/False "
                              "values, one per row of data",
                              hint="e.g. subset='in_module'")
        column = pd.Series(np.asarray(subset), index=frame.index)
    missing = column.isna().to_numpy()
    if missing.any():
        raise DesignError(f"subset has missing values in {data_rows(frame, missing)}",
                          hint="say for every phase-one row whether it is in phase two")
    values = column.to_numpy()
    if values.dtype != bool:
        bad = ~np.isin(values, [0, 1]) if values.dtype.kind in "iuf" else np.ones(
            len(values), dtype=bool)
        if bad.any():
            raise DesignError(f"subset holds values other than True/False or 1/0 in "
                              f"{data_rows(frame, bad, values[bad])}",
                              hint="mark the phase-two rows with True/False")
        values = values == 1
    if not values.any():
        raise EmptyDomainError("no row is in phase two (subset is False everywhere)",
                               hint="check the subset column")
    return np.array(values, dtype=bool)


def phase_two_design(frame: pd.DataFrame, in_phase2: np.ndarray,
               pairs: dict[str, tuple[str | None, str | None]]) -> SurveyDesign:
    """The phase-two design on the phase-two rows, its fpc computed from phase one as R."""
    psu, strata, probs, fpc = (pairs[k][1] for k in ("psu", "strata", "probs", "fpc"))
    needed = [c for c in (psu, strata, probs, fpc) if c is not None]
    require_columns(frame, needed)
    for column in needed:
        missing = frame[column].isna().to_numpy() & in_phase2
        if missing.any():
            raise DesignError(f"phase-two column {column!r} is missing in "
                              f"{data_rows(frame, missing)}, which are in phase two",
                              hint="every phase-two row needs its design columns")
    sample = frame[in_phase2]
    if probs is None and fpc is None:  # R: N_h = phase-one units of the phase-two stratum
        keys = [c for c in (strata, psu) if c is not None]
        for column in keys:
            missing = frame[column].isna().to_numpy()
            if missing.any():
                raise DesignError(f"phase-two column {column!r} is missing in "
                                  f"{data_rows(frame, missing)} of phase one, so the "
                                  "phase-two sampling fractions cannot be counted",
                                  hint="fill it for every phase-one row, or give the "
                                       "phase-two fpc or probs")
        units = pd.Series(frame[psu] if psu is not None else np.arange(len(frame)),
                          index=frame.index)
        groups = frame[strata] if strata is not None else pd.Series(0, index=frame.index)
        counted = units.groupby(groups.to_numpy()).nunique()
        held = groups[in_phase2].unique()
        empty = [g for g in counted.index if g not in set(held)]
        if empty:
            raise DesignError(f"phase-two strata {', '.join(map(repr, empty[:5]))} hold no "
                              "phase-two row (a zero sampling fraction)",
                              hint="every phase-two stratum needs a phase-two row")
        sample = sample.assign(**{PHASE2_FPC: groups[in_phase2].map(counted).to_numpy(
            dtype=float)})
        fpc = PHASE2_FPC
    return SurveyDesign(sample, strata=strata, psu=psu, fpc=fpc, probs=probs)


def unit_probs(design: SurveyDesign, phase: str) -> np.ndarray:
    """Each row's inclusion probability at its phase, checked constant within a unit."""
    prob = 1.0 / design.full_weights
    unit = design.stages[0].cluster
    first = np.zeros(int(unit.max()) + 1)
    first[unit[::-1]] = prob[::-1]
    varies = ~np.isclose(prob, first[unit], rtol=1e-12, atol=0.0)
    if varies.any():
        raise DesignError(f"phase-{phase} probabilities vary within a sampling unit in "
                          f"{data_rows(design.frame, varies)}",
                          hint="give each unit one probability")
    held: np.ndarray = first[unit]
    return held


def phase_structure(design: SurveyDesign, phase: str,
                     rows: np.ndarray | None = None) -> PhaseStructure:
    """R's ``Dcheck`` of one phase over ``rows`` of its design (default all)."""
    stage = design.stages[0]
    prob = unit_probs(design, phase)
    keep = slice(None) if rows is None else rows
    return PhaseStructure.build(stage.cluster[keep], stage.strata[keep], prob[keep],
                                stage.n_units, stage.popsize is not None or phase == "two")


def phase_one_structure(phase1: SurveyDesign, in_phase2: np.ndarray) -> PhaseStructure:
    """Phase one over the phase-two rows; a cohort (R's identity) when every probability
    is 1 and there is no fpc."""
    if phase1.stages[0].popsize is None and np.all(phase1.full_weights == 1.0):
        return PhaseStructure.cohort(int(in_phase2.sum()))
    return phase_structure(phase1, "one", in_phase2)


def approx_phase_one(frame: pd.DataFrame, phase1: SurveyDesign, phase2: SurveyDesign,
                     in_phase2: np.ndarray, strata2: str | None) -> ApproxPhaseOne:
    """The phase-one pieces of R's ``twophasevar`` (``twophase(method="approx")``).

    R's ``usu``, each phase-two row's chance that its phase-one unit is
    represented at phase two: among the phase-one units of its phase-two
    stratum (or, without phase-two strata, of its phase-one stratum), the
    share that phase two reached.

    Parameters
    ----------
    frame : DataFrame
        Every phase-one row.
    phase1, phase2 : SurveyDesign
        The two phases' designs.
    in_phase2 : ndarray of bool, shape (n,)
        The phase-two rows.
    strata2 : str or None
        The phase-two strata column.

    Returns
    -------
    ApproxPhaseOne

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> from micropop.design._twophase_build import approx_phase_one
    >>> df = pd.DataFrame({"rel": [0, 0, 0, 1], "w": 1.0})
    >>> one, rows = SurveyDesign(df, weights="w"), np.array([True, False, True, True])
    >>> two = SurveyDesign(df[rows], weights="w", strata="rel")
    >>> approx_phase_one(df, one, two, rows, "rel").ph2prob.round(4).tolist()
    [0.6667, 0.6667, 1.0]
    """
    stage = phase1.stages[0]
    unit = stage.cluster
    if strata2 is not None:
        groups = pd.factorize(frame[strata2])[0]
    else:
        groups = stage.strata

    def distinct(rows: np.ndarray) -> np.ndarray:
        pairs = pd.DataFrame({"g": groups[rows], "u": unit[rows]}).drop_duplicates()
        return np.bincount(pairs["g"].to_numpy(), minlength=int(groups.max()) + 1)

    reached = distinct(in_phase2)
    held = distinct(np.ones(len(frame), dtype=bool)) if strata2 is not None else stage.n_units
    ph2 = (reached / held)[groups[in_phase2]]
    first = pd.Series(ph2).groupby(unit[in_phase2]).transform("first").to_numpy()
    split = ph2 != first
    if split.any():
        raise DesignError("method='approx' needs phase-two strata that do not split a "
                          "phase-one unit (R then reads the share of the unit's first row): "
                          f"{data_rows(frame[in_phase2], split)} differ from their unit's "
                          "first row", hint="use method='full' (R's default)")
    return ApproxPhaseOne(unit[in_phase2], stage.strata[in_phase2], ph2,
                          stage.n_units.astype(float), stage.fpc_factor)


def same_scale(phase1: SurveyDesign, phase2: SurveyDesign, in_phase2: np.ndarray) -> bool:
    """R's ``samescale``: every phase-two unit lies in a phase-one unit of its own.

    Parameters
    ----------
    phase1, phase2 : SurveyDesign
        The two phases' designs.
    in_phase2 : ndarray of bool, shape (n,)
        The phase-two rows.

    Returns
    -------
    bool

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> from micropop.design._twophase_build import same_scale
    >>> df = pd.DataFrame({"school": [1, 1, 2], "w": 1.0})
    >>> one = SurveyDesign(df, weights="w", psu="school")
    >>> same_scale(one, SurveyDesign(df, weights="w"), np.ones(3, dtype=bool))
    False
    """
    unit1 = phase1.stages[0].cluster[in_phase2]
    _, first = np.unique(phase2.stages[0].cluster, return_index=True)
    return bool(len(np.unique(unit1[first])) == len(first))
