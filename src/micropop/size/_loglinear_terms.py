"""Hierarchical log-linear models of capture histories: interaction terms parsed from
text, their design columns and names, and the design of a model on a table.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import numpy as np

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
