"""The steps a Dask design records: subsets, replicate weights, weighting.

:class:`RecordedSteps` gives :class:`~micropop.partitioned.design.PartitionedDesign`
its methods that change the design: each records a
:class:`~micropop.partitioned.steps.Step` (the method, its arguments, the
columns it reads), replayed on every pass's per-unit table.

Examples
--------
>>> import pandas as pd, dask.dataframe as dd
>>> import micropop as mp
>>> df = pd.DataFrame({"w": 1.0, "sex": ["f", "f", "m"], "y": [1.0, 2.0, 3.0]})
>>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=2), weights="w")
>>> [step.method for step in des.subset("y > 1").poststratify("sex", {"f": 2, "m": 1}).steps]
['subset', 'poststratify']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any

import numpy as np

from micropop.design._core import Design
from micropop.design._method_docs import documented_as
from micropop.design.encode import Columns, as_columns, require_columns
from micropop.errors import InMemoryOnlyError, OptionError
from micropop.partitioned.frozen import refuse_mask
from micropop.partitioned.passes import (
    COUNT,
    ROW_BASE,
    ROW_WEIGHT,
    WEIGHT,
    compute,
    empty_partition,
    unit_table,
)
from micropop.partitioned.steps import Step, expression_columns, margin_columns, plain_numeric

if TYPE_CHECKING:
    from micropop.partitioned.design import PartitionedDesign

__all__ = ["RecordedSteps"]


class RecordedSteps:
    """The methods of a Dask design that record a step (see the module).

    Examples
    --------
    >>> from micropop.partitioned.design import PartitionedDesign
    >>> issubclass(PartitionedDesign, RecordedSteps)
    True
    """

    __slots__ = ()

    _ddf: Any
    _steps: tuple[Step, ...]
    _unit_keys: tuple[str, ...]
    _offsets: np.ndarray | None
    _memory: Any
    _spec: dict[str, Any]
    _options: dict[str, Any]

    def subset(self, where: str) -> PartitionedDesign:
        """Keep the rows where ``where`` holds, as a domain of the full design (R's ``subset``).

        Parameters
        ----------
        where : str
            A condition in the grammar of :mod:`micropop.expressions` (never
            evaluated as code), checked against the whole sample on the next
            pass; its columns become cells of every later pass.

        Returns
        -------
        PartitionedDesign

        Raises
        ------
        InMemoryOnlyError
            A mask instead of text.
        ExpressionError
            On the next pass: text that is not a condition of the grammar.

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": 1.0, "y": [1.0, 2.0, 3.0, 4.0], "g": list("abab")})
        >>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=2), weights="w")
        >>> des.subset("g == 'a'").mean("y").estimate.tolist()
        [2.0]
        """
        refuse_mask(where)
        keys = expression_columns(where, self._ddf.columns)
        return self._record(Step("subset", {"where": where}, keys))

    def replicate(self, method: str = "jkn", replicates: int | None = None,
                  seed: int | None = None, fay_rho: float | None = None,
                  mse: bool = False) -> PartitionedDesign:
        """Replicate weights from the PSUs, as R's ``as.svrepdesign`` (held per PSU).

        Parameters
        ----------
        method : {"jkn", "jk1", "brr", "fay", "bootstrap", "subbootstrap"}
            As :meth:`micropop.SurveyDesign.replicate`: the same factors, made
            from the table of sampled units (a ``seed`` gives the bootstrap of
            the same design in memory).
        replicates : int, optional
            Bootstrap replicates.
        seed : int, optional
            Seed of the bootstrap.
        fay_rho : float, optional
            Fay's coefficient.
        mse : bool, default False
            Centre the variance on the full-sample estimate.

        Returns
        -------
        PartitionedDesign

        Raises
        ------
        OptionError
            A seed that is not an integer.
        DesignError
            A method the design cannot have (``"jk1"`` with strata, ``"brr"``
            without pairs), as in memory.

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": 1.0, "y": [1.0, 2.0, 6.0]})
        >>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=2), weights="w")
        >>> round(float(des.replicate("jk1").mean("y").se[0]), 6)
        1.527525
        """
        if seed is not None and not isinstance(seed, (int, np.integer)):
            raise OptionError("a Dask design's bootstrap takes an integer seed",
                              hint="pass seed=2024")
        new = self._record(Step("replicate", {"method": method, "replicates": replicates,
                                              "seed": seed, "fay_rho": fay_rho, "mse": mse},
                                ()))
        new.unit_design()  # make them now: refuse a bad method here, not at the first estimate
        return new

    @documented_as("micropop.weighting.rake.poststratify")
    def poststratify(self, strata: str | Sequence[str], population: Any,
                     partial: bool = False) -> PartitionedDesign:
        """Post-stratify to population counts, as R's ``postStratify`` (see the in-memory one).

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": 1.0, "sex": ["f", "f", "m"], "y": [1.0, 2.0, 3.0]})
        >>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=2), weights="w")
        >>> des.poststratify("sex", {"f": 10, "m": 30}).total("y").estimate.tolist()
        [105.0]
        """
        keys = tuple(as_columns(strata, "strata"))
        keys += margin_columns({k: population for k in keys}, self._ddf.columns)
        return self._weighting("poststratify", {"strata": strata, "population": population,
                                                "partial": partial}, keys)

    @documented_as("micropop.weighting.rake.rake")
    def rake(self, margins: Mapping[Any, Any], max_iter: int = 100, epsilon: float = 1e-7,
             *, on_nonconvergence: str = "raise") -> PartitionedDesign:
        """Rake to population margins, as R's ``rake``, on the cross-classification's cells.

        R's raking variance reads each row's weight (the mean of ``x / w`` over
        the rows of a cell): where the design weights differ within a sampled
        unit and raking cell (one pass tells), later passes also group the rows
        by their weight, which keeps the numbers R's and makes the per-unit
        table grow with the distinct weights of each unit and cell.

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": 1.0, "sex": ["f", "f", "m", "m"],
        ...                    "age": ["y", "o", "y", "o"]})
        >>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=2), weights="w")
        >>> raked = des.rake({"sex": {"f": 6, "m": 4}, "age": {"y": 5, "o": 5}})
        >>> raked.total("sex").estimate.round(6).tolist()
        [6.0, 4.0]
        """
        keys = margin_columns(margins, self._ddf.columns)
        require_columns(empty_partition(self._ddf), list(keys))
        if self._weights_vary(keys):  # R's variance reads each row's weight: keep them apart
            keys += (ROW_BASE,)
        return self._weighting("rake", {"margins": margins, "max_iter": max_iter,
                                        "epsilon": epsilon,
                                        "on_nonconvergence": on_nonconvergence}, keys)

    def _weights_vary(self, keys: tuple[str, ...]) -> bool:
        """Whether the design weights differ within a sampled unit and raking cell (one pass)."""
        if self._offsets is not None:  # each row its own unit: one weight per group
            return False
        group = list(dict.fromkeys([*self._unit_keys, *(k for step in self._steps
                                                         for k in step.keys), *keys]))
        table = unit_table(self._ddf[list(dict.fromkeys([*group, ROW_BASE]))], weights=ROW_BASE,
                           keys=group, sums={"__squares": lambda p: p[ROW_BASE] ** 2})
        total, count = table[WEIGHT].to_numpy(), table[COUNT].to_numpy()
        spread = table["__squares"].to_numpy() * count - total**2  # n sum w^2 - (sum w)^2
        return bool(np.any(spread > 1e-12 * total**2))

    @documented_as("micropop.weighting.calibrate.calibrate")
    def calibrate(self, population: Mapping[Any, Any], method: str = "linear",
                  bounds: tuple[Any, Any] | None = None, max_iter: int = 50,
                  epsilon: float = 1e-7, *, variance: Any = None, bounds_const: bool = False,
                  aggregate: int | None = None, stage: int | None = None) -> PartitionedDesign:
        """Calibrate to population totals, as R's ``calibrate`` (see the in-memory one).

        The categorical calibration columns and a ``variance`` column become
        cells of every later pass. A numeric column of a linear calibration
        without bounds, and without raking or weighting before it, is kept as
        per-unit moments by the linear estimators
        (:mod:`micropop.partitioned.moments`: the table does not grow with its
        values); otherwise, and for quantiles and inequality measures, it is a
        cell too (exact, the table growing with its distinct values).

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": 1.0, "sex": ["f", "f", "m"], "hours": [2.0, 4.0, 6.0]})
        >>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=2), weights="w")
        >>> cal = des.calibrate({"sex": {"f": 20, "m": 10}, "hours": 120.0})
        >>> cal.total("hours").estimate.round(6).tolist()
        [120.0]
        """
        per_row = isinstance(bounds, (tuple, list)) and any(np.ndim(b) > 0 for b in bounds)
        for option, given in (("aggregate=", aggregate is not None),
                              ("stage=", stage not in (None, 0)),
                              ("bounds_const=True", bounds_const is True),
                              ("bounds given per row", per_row)):
            if given:  # each reads the rows' own weights or rows of the data in order
                raise InMemoryOnlyError(
                    f"calibrate with {option} is not offered on a Dask design: it reads each "
                    "row's own weight (or values aligned with the rows), which a pass sums "
                    "per sampled unit", hint="calibrate an in-memory design (des.compute(), "
                                             "or a subset of the rows), or drop the option")
        keys = margin_columns(population, self._ddf.columns)
        if isinstance(variance, str):
            keys += (variance,)
        elif variance is not None:
            raise InMemoryOnlyError("a Dask design's calibrate takes variance= as a column "
                                    "name", hint="add the variances as a column and name it")
        moments: tuple[str, ...] = ()
        if (method, bounds, variance, aggregate, stage) == ("linear", None, None, None, None):
            empty = empty_partition(self._ddf)
            moments = tuple(str(key) for key, total in population.items()
                            if key in keys and isinstance(total, Real)
                            and not isinstance(total, bool) and plain_numeric(empty[key].dtype))
        return self._weighting("calibrate", {
            "population": population, "method": method, "bounds": bounds,
            "max_iter": max_iter, "epsilon": epsilon, "variance": variance,
            "bounds_const": bounds_const, "aggregate": aggregate, "stage": stage}, keys,
            moments)

    @documented_as("micropop.weighting.nonresponse.adjust_nonresponse")
    def adjust_nonresponse(self, responded: str, by: Columns = None) -> PartitionedDesign:
        """Weighting-class nonresponse adjustment (respondents kept), on the cells.

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": 1.0, "answered": [True, False, True, True]})
        >>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=2), weights="w")
        >>> des.adjust_nonresponse("answered").total("answered").estimate.tolist()
        [4.0]
        """
        if not isinstance(responded, str):
            raise InMemoryOnlyError("a Dask design's adjust_nonresponse takes the response "
                                    "indicator as a column name",
                                    hint="add it as a column of the Dask frame and name it")
        keys = (responded, *as_columns(by, "by"))
        return self._weighting("adjust_nonresponse", {"responded": responded, "by": by}, keys)

    def _weighting(self, method: str, arguments: dict[str, Any],
                   keys: tuple[str, ...], moments: tuple[str, ...] = ()) -> PartitionedDesign:
        require_columns(empty_partition(self._ddf), list(keys))
        new = self._record(Step(method, arguments, keys, moments))
        new.unit_design()  # weight now: refuse bad margins here, not at the first estimate
        return new

    def _record(self, step: Step) -> PartitionedDesign:
        raise NotImplementedError

    # --- to memory ----------------------------------------------------------------------

    def compute(self) -> Design:
        """The same design in memory: every row read (``ddf.compute()``), the steps replayed.

        For data that fit in memory, or a subset of columns: the in-memory
        design offers everything (models, quantiles of any kind, figures).

        Returns
        -------
        SurveyDesign or ReplicateDesign

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": 1.0, "y": [1.0, 2.0, 6.0]})
        >>> mp.SurveyDesign(dd.from_pandas(df, npartitions=2), weights="w").compute().mean(
        ...     "y").estimate.tolist()
        [3.0]
        """
        (frame,) = compute(self._ddf)
        frame = frame.reset_index(drop=True)
        design: Design = self._memory(frame, weights=ROW_WEIGHT, **self._spec,
                                      **self._options)
        for step in self._steps:
            design = step.apply(design)
        return design
