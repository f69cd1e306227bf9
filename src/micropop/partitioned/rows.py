"""The rows of a Dask design with their final weights, for estimators that read rows.

Quantiles and inequality measures sort or bracket the values: they read the
rows themselves, each with its weight after the recorded weighting steps.

Examples
--------
>>> import pandas as pd, dask.dataframe as dd
>>> import micropop as mp
>>> df = pd.DataFrame({"w": 2.0, "y": [1.0, 2.0]})
>>> rows, degf = mp.SurveyDesign(dd.from_pandas(df, npartitions=2), weights="w").weighted_rows(
...     ["y"])
>>> rows.compute()["__weight"].tolist(), degf
([2.0, 2.0], 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from micropop.design.encode import require_columns
from micropop.errors import InMemoryOnlyError
from micropop.partitioned.passes import ROW_BASE, ROW_WEIGHT, WEIGHT, empty_partition

if TYPE_CHECKING:
    from micropop.design._core import Design
    from micropop.partitioned.steps import Step

__all__ = ["WeightedRows"]

#: A row's weighting factor; whether it is in the design's subset.
_FACTOR, _IN = "__factor", "__in"
_WEIGHT_COLUMN = ROW_WEIGHT


class WeightedRows:
    """:meth:`weighted_rows` for :class:`~micropop.partitioned.design.PartitionedDesign`.

    Examples
    --------
    >>> from micropop.partitioned.design import PartitionedDesign
    >>> issubclass(PartitionedDesign, WeightedRows)
    True
    """

    __slots__ = ()

    if TYPE_CHECKING:  # what the Dask design gives this mixin
        _ddf: Any
        _steps: tuple[Step, ...]
        _unit_keys: tuple[str, ...]
        @property
        def is_replicate(self) -> bool: ...

        @property
        def degf(self) -> int: ...

        def unit_design(self, *, rows_apart: bool = False) -> Design: ...

    def weighted_rows(self, columns: Sequence[str] = ()) -> tuple[Any, int]:
        """The rows with their final weights, lazily: for estimators that need the rows.

        Quantiles and inequality measures sort or bracket the values, so they
        read the rows themselves: this gives each row its full-sample weight
        after the recorded weighting steps (the g-factor of its cell, from one
        pass) and whether it is in the design's subset.

        Parameters
        ----------
        columns : sequence of str
            The analysis columns to keep.

        Returns
        -------
        tuple of (dask.dataframe.DataFrame, int)
            The rows: ``columns``, the unit and step columns, ``__weight``
            (the final full-sample weight) and ``__in`` (True in the subset);
            and the design's degrees of freedom.

        Raises
        ------
        InMemoryOnlyError
            On a design with replicate weights (their row weights are not offered).

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": 1.0, "sex": ["f", "f", "m"], "y": [1.0, 2.0, 3.0]})
        >>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=2), weights="w")
        >>> rows, _ = des.poststratify("sex", {"f": 4, "m": 1}).subset("y > 1").weighted_rows(["y"])
        >>> rows.compute()[["y", "__weight", "__in"]].to_dict("list")
        {'y': [1.0, 2.0, 3.0], '__weight': [2.0, 2.0, 1.0], '__in': [False, True, True]}
        """
        if self.is_replicate:
            raise InMemoryOnlyError("the rows' weights of a design with replicate weights are "
                                    "not offered on a Dask design",
                                    hint="estimate on the design before replicate()")
        require_columns(empty_partition(self._ddf), list(columns))
        if not self._steps:  # every row in, with its own weight: no pass needed
            keep = list(dict.fromkeys([*columns, *self._unit_keys, _WEIGHT_COLUMN]))
            return self._ddf[keep].assign(**{_IN: True}), self.degf
        step_keys = [k for step in self._steps for k in step.keys]
        keep = list(dict.fromkeys([*columns, *self._unit_keys, *step_keys, _WEIGHT_COLUMN]))
        # a cell's weighting factor does not depend on the rows' own weights
        group = [k for k in dict.fromkeys([*self._unit_keys, *step_keys]) if k != ROW_BASE]
        # a numeric calibration column sets each row's factor: a cell here, not moments
        design = self.unit_design(rows_apart=any(step.moments for step in self._steps))
        table = design.frame[group].copy()
        held = table_weight = design.frame[WEIGHT].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            factor = np.where(held != 0, design.full_weights / table_weight, 1.0)
        table[_FACTOR] = factor
        table[_IN] = design.rows
        rows = self._ddf[keep]
        if group:  # a group's rows of weight 0 (factor 1) after its weighted ones
            table = table.iloc[np.argsort(held == 0, kind="stable")].drop_duplicates(group)
            rows = rows.merge(table, how="left", on=group)
        else:
            rows = rows.assign(**{_FACTOR: float(factor[0]), _IN: bool(design.rows[0])})
        rows = rows.assign(**{_WEIGHT_COLUMN: rows[_WEIGHT_COLUMN] * rows[_FACTOR]})
        return rows.drop(columns=[_FACTOR]), design.degf
