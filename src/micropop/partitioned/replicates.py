"""Replicate-weight columns on Dask: R's ``svrepdesign`` on data larger than memory.

``mp.ReplicateDesign(ddf, weights="w", replicate_weights=[...])`` with a
``dask.dataframe.DataFrame`` (EU-SILC or ACS-style files with 80 to 200
replicate columns) gives a :class:`PartitionedReplicateDesign`. Building it is
one pass (weights checked, rows counted, the rank of the replicate weights for
R's degrees of freedom). Each estimate is one more pass
(:mod:`micropop.partitioned.replicate_passes`) that reduces the rows to sums
per domain cell of every replicate weight and of every replicate weight times
every numeric variable; the full-sample and replicate estimates come from
those sums and their covariance from the in-memory design's
:meth:`~micropop.design.ReplicateDesign.replicate_vcov` (R's ``svrVar``, with
the design's scale, rscales and mse). Proportions and tests of association,
whose variables are constant within a cell, run the in-memory code itself on
the table of cells.

Examples
--------
>>> import pandas as pd, dask.dataframe as dd
>>> import micropop as mp
>>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0], "w": 2.0, "r1": [0.0, 3.0, 3.0],
...                    "r2": [3.0, 0.0, 3.0], "r3": [3.0, 3.0, 0.0]})
>>> des = mp.ReplicateDesign(dd.from_pandas(df, npartitions=2), weights="w",
...                          replicate_weights="r[0-9]", method="jk1")
>>> est = des.mean("y")
>>> float(est.estimate[0]), round(float(est.se[0]), 6)
(2.0, 0.57735)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from micropop.design._core import Design
from micropop.design._method_docs import documented_as
from micropop.design.encode import Columns, as_columns, require_columns
from micropop.design.factors import gram_rank
from micropop.errors import (
    DesignError,
    EmptyDomainError,
    InMemoryOnlyError,
    OptionError,
    WeightError,
    check_option,
)
from micropop.estimation import ChisqTest, Estimate
from micropop.estimation._analysis import prepare
from micropop.expressions import evaluate
from micropop.partitioned._dask import is_dask_frame, require_dask
from micropop.partitioned.checks import refuse_bad_values
from micropop.partitioned.frozen import FrozenDesign, refuse_deff, refuse_mask
from micropop.partitioned.passes import compute, empty_partition, unit_table
from micropop.partitioned.replicate_estimates import CellRank, linear_estimate
from micropop.partitioned.replicate_passes import (
    COUNT,
    IN,
    KEEP,
    CellPlan,
    cell_grams,
    cell_sums,
    cell_table,
    replicate_structure,
)
from micropop.partitioned.steps import expression_columns

__all__ = ["PartitionedReplicateDesign"]

#: Weighting steps: refused on a Dask replicate design (InMemoryOnlyError).
_WEIGHTING = frozenset({"poststratify", "rake", "calibrate", "adjust_nonresponse", "trim",
                        "replicate", "with_weights"})


class PartitionedReplicateDesign(FrozenDesign):
    """Replicate weights shipped as columns of a Dask DataFrame (R's ``svrepdesign``).

    Built by ``mp.ReplicateDesign(ddf, ...)`` with the parameters of
    :class:`~micropop.design.ReplicateDesign`. The estimators (:meth:`total`,
    :meth:`mean`, :meth:`ratio`, :meth:`proportion`, :meth:`chisq`) each make
    one pass over the partitions and return the same
    :class:`~micropop.estimation.Estimate` as in memory (same labels, ``n``
    the data rows, ``df`` R's rank of the replicate weights minus one, of the
    subset when there is one and of each domain for a proportion's ``by=``).
    Weighting steps and what needs the rows in memory are refused by
    :class:`~micropop.errors.InMemoryOnlyError`, which says how to get an
    in-memory design (:meth:`compute`).

    Parameters
    ----------
    data : dask.dataframe.DataFrame
        One row per respondent, lazily (e.g. ``dd.read_parquet("silc/*.parquet")``).
    weights : str
        Column of full-sample weights.
    replicate_weights : str or list of str
        The replicate weight columns, or a regular expression matching their names.
    method : str, default "other"
        As :class:`~micropop.design.ReplicateDesign`: sets R's default scale.
    scale : float, optional
        Overrides the method's scale.
    rscales : sequence of float, optional
        Per-replicate multipliers.
    fay_rho : float, optional
        Fay's rho, for ``method="fay"``.
    mse : bool, default False
        Centre the replicates on the full-sample estimate.
    memory : type
        The in-memory design class (``mp.ReplicateDesign`` passes itself).

    Raises
    ------
    MissingColumnError
        A weight or replicate weight column absent from the frame.
    WeightError
        Weights or replicate weights missing, negative, infinite or not
        numbers, naming the partition (file) and row; a column of them all zero.
    DesignError, OptionError
        As :class:`~micropop.design.ReplicateDesign` (method, scale, rscales).

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> import micropop as mp
    >>> df = pd.DataFrame({"w": 1.0, "r1": [2.0, 0.0, 1.0], "r2": [0.0, 2.0, 1.0],
    ...                    "y": [1.0, 2.0, 4.0]})
    >>> mp.ReplicateDesign(dd.from_pandas(df, npartitions=2), weights="w",
    ...                    replicate_weights=["r1", "r2"], method="brr")
    PartitionedReplicateDesign: 2 partitions, 3 rows, 2 brr replicates, scale=0.5, mse=False
    """

    __slots__ = ("_ddf", "_weights", "_template", "_options", "_subsets", "_known", "_rows",
                 "_exponent", "_memory")

    #: Which engine holds the rows (in-memory designs say "pandas").
    engine = "dask"

    _ddf: Any
    _weights: str
    _template: Any  # the in-memory ReplicateDesign on no rows: the parameters, checked
    _options: dict[str, Any]
    _subsets: tuple[tuple[str, tuple[str, ...], pd.DataFrame], ...]
    _known: tuple[tuple[str, int], ...]  # ("all" or "in", rank of the replicate weights)
    _rows: int
    _exponent: int
    _memory: Any

    def __init__(self, data: Any, weights: str, replicate_weights: str | Sequence[str],
                 method: str = "other", scale: float | None = None,
                 rscales: Sequence[float] | None = None, fay_rho: float | None = None,
                 mse: bool = False, *, memory: Any) -> None:
        require_dask("a replicate design on a Dask DataFrame")
        if not is_dask_frame(data):
            raise DesignError(f"data must be a Dask DataFrame, not {type(data).__name__}",
                              hint="use mp.ReplicateDesign for a pandas DataFrame")
        options = {"method": method, "scale": scale, "rscales": rscales, "fay_rho": fay_rho,
                   "mse": mse}
        empty = empty_partition(data)
        template = memory(empty, weights=weights, replicate_weights=replicate_weights,
                          **options)  # the in-memory checks of columns and parameters
        columns = (weights, *template.replicate_names)
        for name in columns:
            dtype = empty[name].dtype
            if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
                role = "weights" if name == weights else "replicate weights"
                raise WeightError(f"{role} column {name!r} is {dtype}, not numbers",
                                  hint="convert it to numbers before building the design")
        structure = replicate_structure(data, weights, template.replicate_names)
        options["rscales"] = None if rscales is None else list(template.rscales)
        slots: dict[str, object] = {
            "_ddf": data, "_weights": weights, "_template": template, "_options": options,
            "_subsets": (), "_known": (("all", gram_rank(structure.gram)),),
            "_rows": int(structure.rows.sum()), "_exponent": structure.exponent,
            "_memory": memory}
        for slot, content in slots.items():
            object.__setattr__(self, slot, content)

    # --- the user's view ----------------------------------------------------------

    @property
    def data(self) -> Any:
        """The Dask DataFrame of the design (every row, lazily; a subset is a domain)."""
        return self._ddf

    @property
    def npartitions(self) -> int:
        """The number of partitions of the data."""
        return int(self._ddf.npartitions)

    @property
    def degf(self) -> int:
        """R's degf: the rank of the replicate weights (of the subset's rows) minus one."""
        return dict(self._known)["in" if self._subsets else "all"] - 1

    @property
    def is_replicate(self) -> bool:
        """True: variances come from the replicate weights."""
        return True

    @property
    def n_replicates(self) -> int:
        """How many replicate weights the design has."""
        return len(self._template.replicate_names)

    @property
    def replicate_names(self) -> tuple[str, ...]:
        """The replicate weight columns."""
        return tuple(self._template.replicate_names)

    @property
    def scale(self) -> float:
        """R's ``scale``: the overall multiplier of the replicate variance."""
        return float(self._template.scale)

    @property
    def rscales(self) -> np.ndarray:
        """R's ``rscales``: one multiplier per replicate."""
        rscales: np.ndarray = self._template.rscales
        return rscales

    @property
    def mse(self) -> bool:
        """True when replicates are centred on the full-sample estimate."""
        return bool(self._options["mse"])

    @property
    def method(self) -> str:
        """The replication method."""
        return str(self._options["method"])

    def __repr__(self) -> str:
        return (f"PartitionedReplicateDesign: {self.npartitions} partitions, {self._rows} rows, "
                f"{self.n_replicates} {self.method} replicates, scale={self.scale:.6g}, "
                f"mse={self.mse}" + "".join(f", subset {w!r}" for w, _, _ in self._subsets))

    # --- subsets ----------------------------------------------------------------------

    def subset(self, where: str) -> PartitionedReplicateDesign:
        """Keep the rows where ``where`` holds, as a domain of the full design (R's ``subset``).

        Two passes now: the combinations of the columns ``where`` reads
        (the condition is checked against them as against the whole sample in
        memory), then the rank of the kept rows' replicate weights (R's degf of
        the subset). Later passes find each row's combination in that table.

        Parameters
        ----------
        where : str
            A condition in the grammar of :mod:`micropop.expressions` (never
            evaluated as code).

        Returns
        -------
        PartitionedReplicateDesign

        Raises
        ------
        InMemoryOnlyError
            A mask instead of text.
        ExpressionError
            Text that is not a condition of the grammar.
        EmptyDomainError
            No row is kept.

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": 1.0, "r1": [2.0, 0.0, 1.0, 1.0], "r2": [0.0, 2.0, 1.0, 1.0],
        ...                    "g": list("abab"), "y": [1.0, 2.0, 3.0, 4.0]})
        >>> des = mp.ReplicateDesign(dd.from_pandas(df, npartitions=2), weights="w",
        ...                          replicate_weights=["r1", "r2"], method="brr")
        >>> des.subset("g == 'a'").mean("y").estimate.tolist()
        [2.0]
        """
        refuse_mask(where)
        columns = expression_columns(where, self._ddf.columns)
        if not columns:  # a condition names a column: the grammar says which is wrong
            evaluate(where, empty_partition(self._ddf))
            raise DesignError(f"subset {where!r} reads no column of the data",
                              hint="compare a column, e.g. des.subset(\"age >= 18\")")
        combos = unit_table(self._ddf, weights=self._weights, keys=list(columns))
        combos = combos[list(columns)].drop_duplicates(ignore_index=True)
        combos[KEEP] = np.asarray(evaluate(where, combos), dtype=bool)
        subsets = self._subsets + ((where, columns, combos),)
        new = self._replace(_subsets=subsets)
        table = cell_table(new._ddf, new._plan((), (), grams=True))
        inside = table[IN].to_numpy(dtype=bool)
        if not inside.any():
            raise EmptyDomainError(f"subset {where!r} keeps no row",
                                   hint="check the condition against the data")
        grams = cell_grams(table, new._plan((), (), grams=True))
        rank = gram_rank(grams[inside].sum(axis=0))
        return self._replace(_subsets=subsets, _known=(self._known[0], ("in", rank)))

    # --- passes ------------------------------------------------------------------------

    def _plan(self, keys: Sequence[str], numeric: Sequence[str], grams: bool = False
              ) -> CellPlan:
        return CellPlan(weights=(self._weights, *self._template.replicate_names),
                        keys=tuple(keys), numeric=tuple(numeric),
                        subsets=tuple((c, t) for _, c, t in self._subsets),
                        grams=grams, exponent=self._exponent)

    def cells(self, variables: Sequence[str], by: Sequence[str] = (), na_rm: bool = False,
              keys: Sequence[str] = (), grams: bool = False
              ) -> tuple[Design, np.ndarray, list[str]]:
        """One pass: the in-memory replicate design on the table of cells, and its sums.

        Parameters
        ----------
        variables : sequence of str
            Analysis columns: numeric ones are summed times each weight,
            the others (categorical, boolean) are cells.
        by : sequence of str
            Domain columns (cells).
        na_rm : bool, default False
            Keep the cells of rows with missing values (the estimator leaves
            them out); without it they are refused here, naming file and row.
        keys : sequence of str
            More cell columns.
        grams : bool, default False
            Sum the replicate weights' cross product per cell (R's degf of
            each domain); otherwise the design's and its subset's are known.

        Returns
        -------
        tuple of (ReplicateDesign, ndarray, list of str)
            The design on the cells (full-sample and replicate weights the
            cells' sums, ``frequencies`` their data rows, the subset applied),
            the sums (cells, 1 + R, 1 + p) of each weight times 1 and times
            each numeric variable, and the numeric variables.

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": 1.0, "r1": [2.0, 0.0, 1.0], "r2": [0.0, 2.0, 1.0],
        ...                    "g": ["a", "b", "a"], "y": [1.0, 2.0, 4.0]})
        >>> des = mp.ReplicateDesign(dd.from_pandas(df, npartitions=2), weights="w",
        ...                          replicate_weights=["r1", "r2"], method="brr")
        >>> table, sums, numeric = des.cells(["y"], by=["g"])
        >>> table.frame["g"].tolist(), table.frequencies.tolist(), sums[:, :, 1].tolist()
        (['a', 'b'], [2, 1], [[5.0, 6.0, 4.0], [2.0, 0.0, 4.0]])
        """
        empty = empty_partition(self._ddf)
        require_columns(empty, [*variables, *by, *keys])
        design_columns = {self._weights, *self._template.replicate_names}
        used = [c for c in (*variables, *by, *keys) if c in design_columns]
        if used:
            raise InMemoryOnlyError(f"column {used[0]!r} defines the design (weights or "
                                    "replicate weights): it is not analysed on a Dask design",
                                    hint="copy it to a column of another name first")
        numeric = [v for v in dict.fromkeys(variables) if _is_numeric(empty[v].dtype)
                   and v not in by and v not in keys]
        cell_keys = list(dict.fromkeys([*(v for v in variables if v not in numeric), *by,
                                        *keys]))
        plan = self._plan(cell_keys, numeric, grams)
        refuse_bad_values(self._ddf, numeric, cell_keys, na_rm,
                          within=plan.inside if self._subsets else None)
        table = cell_table(self._ddf, plan)
        sums = cell_sums(table, plan)
        frame = table[cell_keys].copy()
        frame[self._weights] = sums[:, 0, 0]
        for r, name in enumerate(self._template.replicate_names):
            frame[name] = sums[:, 1 + r, 0]
        complete = table["__complete"].to_numpy(dtype=bool)
        for name in numeric:  # present or missing; the sums hold the values
            frame[name] = np.where(complete, 0.0, np.nan)
        inside = table[IN].to_numpy(dtype=bool)
        if grams:
            rank = CellRank(cell_grams(table, plan))
        else:
            rank = CellRank(known=[(np.ones(len(table), dtype=bool), dict(self._known)["all"])]
                            + ([(inside, dict(self._known)["in"])] if self._subsets else []))
        design = self._memory(frame, weights=self._weights,
                              replicate_weights=list(self._template.replicate_names),
                              **self._options)
        design = design.with_rank(rank).with_frequencies(table[COUNT].to_numpy())
        if self._subsets:
            design = design.subset(inside)
        return design, sums, numeric

    def _linear(self, statistic: str, variables: list[str], by: Columns, na_rm: bool,
                denominator: str | None = None) -> Estimate:
        by_cols = as_columns(by, "by", distinct=True)
        check_option("na_rm", na_rm, [True, False])
        design, sums, numeric = self.cells(variables, by_cols, na_rm)
        data = prepare(design, variables, by, na_rm, numeric_only=denominator is not None)
        return linear_estimate(statistic, data, sums, numeric, denominator)

    # --- estimators ------------------------------------------------------------------

    @documented_as("micropop.estimation.linear.survey_total")
    def total(self, variables: str | Sequence[str], by: Columns = None,
              deff: bool | str = False, na_rm: bool = False) -> Estimate:
        """Population totals, as R's ``svytotal`` on replicate weights: one pass.

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": 10.0, "r1": [20.0, 0.0], "r2": [0.0, 20.0], "y": [1.0, 2.0]})
        >>> des = mp.ReplicateDesign(dd.from_pandas(df, npartitions=2), weights="w",
        ...                          replicate_weights=["r1", "r2"], method="brr")
        >>> des.total("y").to_frame()[["estimate", "se"]].values.tolist()
        [[30.0, 10.0]]
        """
        refuse_deff(deff)
        return self._linear("total", as_columns(variables, "variables", distinct=True), by,
                            na_rm)

    @documented_as("micropop.estimation.linear.survey_mean")
    def mean(self, variables: str | Sequence[str], by: Columns = None,
             deff: bool | str = False, na_rm: bool = False) -> Estimate:
        """Population means (shares of levels), as R's ``svymean`` on replicate weights.

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": 1.0, "r1": [2.0, 0.0], "r2": [0.0, 2.0],
        ...                    "sex": ["f", "m"]})
        >>> des = mp.ReplicateDesign(dd.from_pandas(df, npartitions=2), weights="w",
        ...                          replicate_weights=["r1", "r2"], method="brr")
        >>> des.mean("sex").estimate.tolist()
        [0.5, 0.5]
        """
        refuse_deff(deff)
        return self._linear("mean", as_columns(variables, "variables", distinct=True), by,
                            na_rm)

    @documented_as("micropop.estimation.linear.survey_ratio")
    def ratio(self, numerator: str | Sequence[str], denominator: str, by: Columns = None,
              deff: bool | str = False, na_rm: bool = False) -> Estimate:
        """Ratios of totals, as R's ``svyratio`` on replicate weights: one pass.

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": 1.0, "r1": [2.0, 0.0, 1.0], "r2": [0.0, 2.0, 1.0],
        ...                    "spend": [10.0, 20.0, 30.0], "size": [1.0, 2.0, 2.0]})
        >>> des = mp.ReplicateDesign(dd.from_pandas(df, npartitions=2), weights="w",
        ...                          replicate_weights=["r1", "r2"], method="brr")
        >>> des.ratio("spend", "size").estimate.tolist()
        [12.0]
        """
        refuse_deff(deff)
        numerators = as_columns(numerator, "numerator", distinct=True)
        if not isinstance(denominator, str):
            raise OptionError(f"denominator={denominator!r} is not a column name",
                              hint="name one column, e.g. denominator='enroll'")
        return self._linear("ratio", [*numerators, denominator], by, na_rm, denominator)

    @documented_as("micropop.estimation.proportions.survey_proportion")
    def proportion(self, variable: str, category: object = None, ci: str = "logit",
                   by: Columns = None, level: float = 0.95, df: float | None = None,
                   na_rm: bool = False) -> Estimate:
        """A proportion with its interval, as R's ``svyciprop``: one pass, every method.

        The variable is a cell of the pass, so the in-memory code runs on the
        table of cells; with ``by=`` each domain's degrees of freedom come from
        the cross products of its rows' replicate weights.

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": 1.0, "r1": [2.0, 0.0, 1.0, 1.0],
        ...                    "r2": [0.0, 2.0, 1.0, 1.0], "weekly": [True, False, False, True]})
        >>> des = mp.ReplicateDesign(dd.from_pandas(df, npartitions=2), weights="w",
        ...                          replicate_weights=["r1", "r2"], method="brr")
        >>> des.proportion("weekly", ci="mean").estimate.tolist()
        [0.5]
        """
        (name,) = as_columns(variable, "variable")
        by_cols = as_columns(by, "by", distinct=True)
        check_option("na_rm", na_rm, [True, False])
        design, _, _ = self.cells((), by_cols, na_rm, keys=[name], grams=bool(by_cols))
        return design.proportion(name, category, ci=ci, by=by, level=level,  # type: ignore
                                 df=df, na_rm=na_rm)

    @documented_as("micropop.estimation.association.survey_chisq")
    def chisq(self, rows: str, cols: str, statistic: str = "F",
              na_rm: bool = False) -> ChisqTest:
        """Test of association of two categorical columns, as R's ``svychisq``: one pass.

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": 1.0, "r1": [2.0, 0.0, 1.0, 1.0, 1.0, 1.0],
        ...                    "r2": [0.0, 2.0, 1.0, 1.0, 1.0, 1.0],
        ...                    "a": list("xxyyxy"), "b": list("pqpqqq")})
        >>> des = mp.ReplicateDesign(dd.from_pandas(df, npartitions=2), weights="w",
        ...                          replicate_weights=["r1", "r2"], method="brr")
        >>> des.chisq("a", "b").to_frame()["statistic"].round(4).tolist()
        [0.0]
        """
        check_option("na_rm", na_rm, [True, False])
        design, _, _ = self.cells((), (), na_rm, keys=[rows, cols])
        return design.chisq(rows, cols, statistic=statistic, na_rm=na_rm)  # type: ignore

    # --- to memory ----------------------------------------------------------------------

    def compute(self) -> Design:
        """The same design in memory: every row read (``ddf.compute()``), the subsets replayed.

        Returns
        -------
        ReplicateDesign

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": 1.0, "r1": [2.0, 0.0], "r2": [0.0, 2.0], "y": [1.0, 3.0]})
        >>> des = mp.ReplicateDesign(dd.from_pandas(df, npartitions=2), weights="w",
        ...                          replicate_weights=["r1", "r2"], method="brr")
        >>> des.compute().mean("y").estimate.tolist()
        [2.0]
        """
        (frame,) = compute(self._ddf)
        design: Design = self._memory(frame.reset_index(drop=True), weights=self._weights,
                                      replicate_weights=list(self._template.replicate_names),
                                      **self._options)
        for where, _, _ in self._subsets:
            design = design.subset(where)
        return design

    def __getattr__(self, name: str) -> Any:
        if name in _WEIGHTING:
            raise InMemoryOnlyError(
                f"{name} is not offered on a Dask replicate design: weighting steps re-weight "
                "every replicate row by row",
                hint="des.compute() gives the in-memory ReplicateDesign when the data fit in "
                     "memory; otherwise weight the replicate columns before writing the files")
        return super().__getattr__(name)


def _is_numeric(dtype: Any) -> bool:
    return bool(pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
                and not isinstance(dtype, pd.CategoricalDtype))
