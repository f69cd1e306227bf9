"""Hierarchical log-linear models of capture histories: interaction terms parsed from
text, their design columns and names, and the design of a model on a table.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from micropop.errors import (
    CaptureRecaptureError,
    UnknownListError,
)
from micropop.size._histories import Table
from micropop.size._poisson_fit import Design, with_heterogeneity


def parse_terms(terms: Iterable[str], lists: tuple[str, ...]) -> list[tuple[int, ...]]:
    """Interaction terms ``"a:b"`` as sorted index tuples, closed under hierarchy."""
    index = {name: j for j, name in enumerate(lists)}
    wanted: set[tuple[int, ...]] = set()
    for term in terms:
        parts = [p.strip() for p in str(term).split(":")]
        unknown = [p for p in parts if p not in index]
        if unknown:
            raise UnknownListError(
                f"model term {term!r} names {', '.join(map(repr, unknown))}, not a list "
                f"of the data", hint=f"the lists are {', '.join(lists)}")
        members = tuple(sorted({index[p] for p in parts}))
        if len(members) < 2:
            continue  # main effects are always in the model
        if len(members) == len(lists):
            raise CaptureRecaptureError(
                f"model term {term!r} is the interaction of all {len(lists)} lists, which the "
                "unobserved cell makes inestimable", hint="use interactions of fewer lists")
        for order in range(2, len(members) + 1):
            wanted.update(itertools.combinations(members, order))
    return sorted(wanted, key=lambda m: (len(m), m))


def _interaction_columns(patterns: np.ndarray,
                         terms: Sequence[tuple[int, ...]]) -> np.ndarray:
    if not terms:
        return np.empty((len(patterns), 0))
    return np.column_stack([patterns[:, list(m)].prod(axis=1) for m in terms])


def term_name(term: tuple[int, ...], lists: tuple[str, ...]) -> str:
    return ":".join(lists[j] for j in term)


def loglinear_design(table: Table, terms: Sequence[tuple[int, ...]],
                     heterogeneity: str | None, theta: float | None) -> Design:
    base = np.column_stack([table.patterns, _interaction_columns(table.patterns, terms)])
    names = [*table.lists, *(term_name(m, table.lists) for m in terms)]
    nbcap = table.patterns.sum(axis=1)
    return with_heterogeneity(table.counts, base, names, np.zeros(len(table.counts)),
                              nbcap, len(table.lists), heterogeneity, theta)


def model_label(terms: Sequence[tuple[int, ...]], lists: tuple[str, ...]) -> str:
    return " + ".join(term_name(m, lists) for m in terms) or "independence"


def recaptured_count(table: Table) -> float:
    """People on more than one list (caught more than once)."""
    return float(table.counts[table.patterns.sum(axis=1) >= 2].sum())


def custom_columns(table: Table, design: object) -> tuple[np.ndarray, list[str]]:
    """A user's design matrix (Rcapture's ``mX``) checked against the table's cells.

    One row per observable history in :func:`~micropop.size.capture_table`'s
    order (Rcapture's ``histpos.t``), finite numbers, no intercept column, and
    with the intercept a full-rank design: anything else is refused by name.
    """
    if isinstance(design, pd.DataFrame):
        names = [str(c) for c in design.columns]
        frame = design
    else:
        array = np.asarray(design, dtype=object)
        if array.ndim == 1:
            array = array.reshape(-1, 1)
        if array.ndim != 2:
            raise CaptureRecaptureError(
                f"design must be a table (2-D), not of shape {array.shape}",
                hint="give one row per capture history (capture_table's order) and one "
                     "column per model term")
        names = [f"x{j + 1}" for j in range(array.shape[1])]
        frame = pd.DataFrame(array, columns=names)
    cells = len(table.counts)
    if frame.shape[0] != cells or frame.shape[1] == 0:
        raise CaptureRecaptureError(
            f"design has {frame.shape[0]} rows and {frame.shape[1]} columns; "
            f"{len(table.lists)} lists need {cells} rows (one per observable history, in "
            "capture_table's order) and at least one column",
            hint="build it from mp.size.capture_table(histories) (as Rcapture's histpos.t)")
    values = frame.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float,
                                                                   na_value=np.nan)
    bad = ~np.isfinite(values) | frame.map(lambda v: isinstance(v, (bool, np.bool_))
                                            ).to_numpy()
    if bad.any():
        rows, cols = np.nonzero(bad)
        where = ", ".join(f"row {r}, column {names[c]!r}" for r, c in
                          list(zip(rows, cols, strict=True))[:5])
        raise CaptureRecaptureError(f"design must hold finite numbers: {where}",
                                    hint="give numbers (e.g. 0/1 indicators) in every cell")
    if len(set(names)) != len(names):
        raise CaptureRecaptureError("design column names must differ",
                                    hint="rename the repeated columns")
    full = np.column_stack([np.ones(cells), values])
    if np.linalg.matrix_rank(full) < full.shape[1]:
        constant = [names[j] for j in range(values.shape[1]) if np.ptp(values[:, j]) == 0]
        raise CaptureRecaptureError(
            "design with the intercept is not of full column rank"
            + (f": column(s) {', '.join(map(repr, constant))} are constant (the intercept "
               "is always added, as in Rcapture)" if constant else
               ": some columns are combinations of the others"),
            hint="drop the redundant columns")
    return values, names
