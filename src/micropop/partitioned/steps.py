"""The steps a Dask design records, replayed on each pass's per-unit table.

A Dask design never changes its rows: a subset, replicate weights or a
weighting step is recorded with the columns it reads; every pass groups the
rows by those columns too, so that replaying the step on the per-unit table
gives the same weights, the same domains and the same variance terms as on
the rows (each step's result depends on a row only through those columns).

Examples
--------
>>> step = Step("rake", {"margins": {"sex": {"f": 5, "m": 5}}}, ("sex",))
>>> step.keys
('sex',)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from micropop.design._core import Design

__all__ = ["Step", "expression_columns", "margin_columns", "plain_numeric"]


@dataclass(frozen=True)
class Step:
    """One recorded step: the design method, its keyword arguments, the columns it reads.

    Parameters
    ----------
    method : str
        The in-memory design's method (``"rake"``, ``"subset"``...).
    arguments : mapping
        Its keyword arguments.
    keys : tuple of str
        The columns it reads, cells of every later pass.
    moments : tuple of str, optional
        Numeric columns of a linear calibration, which a pass of a linear
        estimator may keep as per-unit moments instead of cells
        (:mod:`micropop.partitioned.moments`).

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> des = SurveyDesign(pd.DataFrame({"w": 1.0, "g": ["a", "b"]}), weights="w")
    >>> len(Step("subset", {"where": "g == 'a'"}, ("g",)).apply(des).data)
    1
    """

    method: str
    arguments: Mapping[str, Any]
    keys: tuple[str, ...]
    moments: tuple[str, ...] = ()

    def apply(self, design: Design) -> Design:
        """The step on an in-memory design (the per-unit table's).

        Parameters
        ----------
        design : SurveyDesign or ReplicateDesign

        Returns
        -------
        SurveyDesign or ReplicateDesign

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(pd.DataFrame({"w": 1.0, "g": ["a", "b"]}), weights="w")
        >>> Step("poststratify", {"strata": "g", "population": {"a": 3, "b": 1}},
        ...      ("g",)).apply(des).full_weights.tolist()
        [3.0, 1.0]
        """
        result: Design = getattr(design, self.method)(**self.arguments)
        return result


def expression_columns(expression: str, columns: Iterable[Any]) -> tuple[str, ...]:
    """The columns a subset expression names (bare names and `backquoted` ones).

    Parameters
    ----------
    expression : str
    columns : iterable
        The frame's columns.

    Returns
    -------
    tuple of str
        Those of ``columns`` the text names (a word inside a quoted value
        counts too: one more cell column, never a wrong one).

    Examples
    --------
    >>> expression_columns("age >= 25 & `âge déclaré` < 3", ["age", "âge déclaré", "w"])
    ('age', 'âge déclaré')
    """
    words = set(re.findall(r"[^\W\d]\w*", expression)) | set(re.findall(r"`([^`]*)`",
                                                                          expression))
    return tuple(str(c) for c in columns if str(c) in words)


def margin_columns(margins: Mapping[Any, Any], columns: Iterable[Any]) -> tuple[str, ...]:
    """The columns weighting margins read (their keys, a DataFrame margin's columns).

    Parameters
    ----------
    margins : mapping
        Margins keyed by a column name or a tuple of names.
    columns : iterable
        The frame's columns.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> margin_columns({"sex": {"f": 1}, ("age", "region"): {}}, ["sex", "age", "region", "w"])
    ('sex', 'age', 'region')
    """
    known = [str(c) for c in columns]
    found: list[str] = []
    for key, spec in margins.items():
        names = list(key) if isinstance(key, tuple) else [key]
        if isinstance(spec, pd.DataFrame):
            names += list(spec.columns)
        found += [str(n) for n in names if str(n) in known and str(n) not in found]
    return tuple(found)


def plain_numeric(dtype: Any) -> bool:
    """Whether a column of ``dtype`` holds numbers (not True/False, not categories).

    Parameters
    ----------
    dtype : dtype

    Returns
    -------
    bool

    Examples
    --------
    >>> plain_numeric(pd.Series([1.5]).dtype), plain_numeric(pd.Series([True]).dtype)
    (True, False)
    """
    return bool(pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
                and not isinstance(dtype, pd.CategoricalDtype))
