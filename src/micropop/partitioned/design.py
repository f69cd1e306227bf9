"""A survey design on a Dask DataFrame: the Dask engine's :class:`PartitionedDesign`.

``mp.SurveyDesign(ddf, weights=..., strata=..., psu=..., fpc=...)`` with a
``dask.dataframe.DataFrame`` returns one. Building it is one pass that checks
the weights and the design columns and keeps the small table of sampled units
(strata, PSUs, fpc, their sums of weights). Each estimate is one more pass
(:func:`micropop.partitioned.passes.unit_table`): the rows reduced to sums per
sampled unit and cell, on which an in-memory design gives the estimate and its
variance through the same code as in memory. Subsets, replicate weights and
weighting steps are recorded (:mod:`micropop.partitioned.steps`) and replayed
on each per-unit table.

Examples
--------
>>> import pandas as pd, dask.dataframe as dd
>>> import micropop as mp
>>> df = pd.DataFrame({"h": [1, 1, 1, 2, 2, 2], "psu": [1, 1, 2, 3, 4, 4],
...                    "w": [2.0, 2.0, 4.0, 1.0, 3.0, 3.0],
...                    "y": [1.0, 3.0, 2.0, 5.0, 4.0, 6.0]})
>>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=3), weights="w", strata="h",
...                       psu="psu")
>>> des.mean("y").to_frame()[["estimate", "se"]].round(6)  # as in memory
... # doctest: +NORMALIZE_WHITESPACE
          estimate        se
variable
y              3.4  0.533333
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from micropop._compat import renamed_keywords
from micropop.design._core import Design
from micropop.design._method_docs import documented_as
from micropop.design.encode import (
    Columns,
    as_columns,
    check_design_options,
    require_columns,
)
from micropop.errors import DesignError, InMemoryOnlyError, OptionError, WeightError, check_option
from micropop.estimation import ChisqTest, Estimate
from micropop.partitioned._dask import is_dask_frame, require_dask
from micropop.partitioned.checks import (
    check_design_columns,
    check_weights,
    refuse_bad_values,
    refuse_crossing,
    suspect_table,
)
from micropop.partitioned.frozen import FrozenDesign
from micropop.partitioned.moments import bad_moments, moment_sums, spread_moments
from micropop.partitioned.pairs import ZERO, pair_sums, refuse_mixed_zeros, split, zero_counts
from micropop.partitioned.passes import (
    COUNT,
    ROW_BASE,
    ROW_WEIGHT,
    WEIGHT,
    RowFunction,
    empty_partition,
    remember_files,
    remembered_files,
    unit_table,
)
from micropop.partitioned.recorded import RecordedSteps
from micropop.partitioned.rows import WeightedRows
from micropop.partitioned.spread import cell_squares
from micropop.partitioned.spread import spread as spread_cells
from micropop.partitioned.steps import Step, plain_numeric

__all__ = ["PartitionedDesign"]

#: The full-sample weight of a row (1 / probs when probs= is given).
_WEIGHT_COLUMN = ROW_WEIGHT
#: Weights derived from the fpc, before they replace the placeholder.
_DERIVED = "__derived"


class PartitionedDesign(RecordedSteps, WeightedRows, FrozenDesign):
    """A probability sample held in a Dask DataFrame (larger than memory).

    The parameters and results are those of :class:`~micropop.SurveyDesign`
    (R's ``svydesign``): build it with ``mp.SurveyDesign(ddf, ...)``. The
    estimators (:meth:`total`, :meth:`mean`, :meth:`ratio`,
    :meth:`proportion`, :meth:`chisq`) each make one pass over the partitions
    on the active Dask scheduler (a ``dask.distributed.Client`` if one was made,
    threads otherwise) and return the same :class:`~micropop.estimation.Estimate`
    as in memory. What needs the rows themselves in memory (models, variances,
    weight trimming) is refused by :class:`~micropop.errors.InMemoryOnlyError`,
    which says how to get an in-memory design (:meth:`compute`).

    Parameters
    ----------
    data : dask.dataframe.DataFrame
        The rows, lazily (e.g. ``dd.read_parquet("census/*.parquet")`` or
        ``mp.read_survey("census/", engine="dask")``).
    weights : str, optional
        The weight column (or give ``probs``; with neither, the weights come
        from the fpc as R's: the product over stages of ``N_h / n_h``, else 1).
    strata, psu, fpc : str or list of str, optional
        As :class:`~micropop.SurveyDesign`: one column per stage.
    probs : str, optional
        The column of inclusion probabilities, instead of ``weights``.
    nest : bool, default False
        As :class:`~micropop.SurveyDesign`.
    lonely_psu : str, default "fail"
        As :class:`~micropop.SurveyDesign` (R's ``survey.lonely.psu``).
    ultimate_cluster, adjust_domain_lonely : bool, default False
        As :class:`~micropop.SurveyDesign`.
    memory : type
        The in-memory design class each pass's per-unit table is given to
        (``mp.SurveyDesign`` passes itself).

    Raises
    ------
    MissingColumnError
        A design column absent from the frame.
    WeightError
        Missing, negative or infinite weights, naming the file (or partition) and row.
    PartitionError
        A PSU found in two strata (without ``nest=True``), naming the files.
    DesignError
        Missing values in a design column, or arguments of the wrong form.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> import micropop as mp
    >>> from micropop import datasets
    >>> df = datasets.load_population_survey()
    >>> ddf = dd.from_pandas(df, npartitions=4)
    >>> des = mp.SurveyDesign(ddf, weights="weight", strata="region", psu="commune_id")
    >>> des
    PartitionedDesign: 4 partitions, 958 sampled units in strata 'region', weights 'weight'
    """

    __slots__ = ("_ddf", "_spec", "_options", "_unit_keys", "_offsets", "_steps", "_degf",
                 "_n_units", "_source", "_memory", "_derived", "_starts")

    #: Which engine holds the rows (in-memory designs say "pandas").
    engine = "dask"

    _ddf: Any
    _spec: dict[str, Any]
    _options: dict[str, Any]
    _unit_keys: tuple[str, ...]
    _offsets: np.ndarray | None
    _steps: tuple[Step, ...]
    _degf: int
    _n_units: int
    _source: str
    _memory: Any  # the in-memory design class (SurveyDesign), given by it
    _derived: bool  # no weights= nor probs=: weights from the fpc, as R (or 1)
    _starts: np.ndarray  # the first global row of each partition

    def __init__(self, data: Any, weights: str | None = None, strata: Columns = None,
                 psu: Columns = None, fpc: Columns = None, probs: str | None = None,
                 nest: bool = False, lonely_psu: str = "fail", ultimate_cluster: bool = False,
                 adjust_domain_lonely: bool = False, *, memory: type[Design]) -> None:
        require_dask("a design on a Dask DataFrame")
        if not is_dask_frame(data):
            raise DesignError(f"data must be a Dask DataFrame, not {type(data).__name__}",
                              hint="use mp.SurveyDesign for a pandas DataFrame")
        check_design_options(lonely_psu, nest, ultimate_cluster, adjust_domain_lonely)
        if weights is not None and probs is not None:
            raise DesignError("both weights and probs were given",
                              hint="give one of them: weights = 1 / probs")
        strata_cols, psu_cols, fpc_cols = (as_columns(strata, "strata"),
                                           as_columns(psu, "psu"), as_columns(fpc, "fpc"))
        weight_col = weights if weights is not None else probs
        role = "weights" if weights is not None else "probs"
        if weight_col is not None:
            as_columns(weight_col, role)
        given = [] if weight_col is None else [(role, weight_col)]
        empty = empty_partition(data)
        require_columns(empty, [c for _, c in given] + [*strata_cols, *psu_cols, *fpc_cols])
        for role, name in (*given, *(("fpc", c) for c in fpc_cols)):
            if not (pd.api.types.is_numeric_dtype(empty[name])
                    and not pd.api.types.is_bool_dtype(empty[name])):
                raise WeightError(f"{role} column {name!r} is {empty[name].dtype}, not numbers",
                                  hint="convert it to numbers before building the design")
        for reserved in (_WEIGHT_COLUMN, ROW_BASE):
            if reserved in empty.columns:
                raise DesignError(f"column {reserved!r} is reserved by the Dask engine",
                                  hint="rename it")
        source = weight_col or "(from the fpc)"
        inverse = probs is not None
        ddf = data.assign(**{_WEIGHT_COLUMN: 1.0 if weight_col is None
                             else data[weight_col].astype(float)})
        if inverse:
            ddf = ddf.assign(**{_WEIGHT_COLUMN: 1.0 / ddf[_WEIGHT_COLUMN]})
        remember_files(ddf, remembered_files(data) or [])  # read_survey's: errors name them
        spec = {"strata": strata, "psu": psu, "fpc": fpc, "nest": nest}
        options = {"lonely_psu": lonely_psu, "ultimate_cluster": ultimate_cluster,
                   "adjust_domain_lonely": adjust_domain_lonely}
        unit_keys = tuple(dict.fromkeys([*strata_cols, *psu_cols, *fpc_cols]))
        slots: dict[str, object] = {
            "_ddf": ddf, "_spec": spec, "_options": options, "_unit_keys": unit_keys,
            "_steps": (), "_offsets": None, "_degf": 0, "_n_units": 0,
            "_source": f"1 / {source!r}" if inverse else repr(source), "_memory": memory,
            "_derived": weight_col is None, "_starts": np.zeros(0)}
        for slot, content in slots.items():
            object.__setattr__(self, slot, content)
        self._build(source, psu_cols, strata_cols, probs=inverse)

    # --- building -----------------------------------------------------------------

    def _build(self, source: str, psu_cols: list[str], strata_cols: list[str],
               probs: bool = False) -> None:
        """The structure pass: weights and design columns checked, the unit table kept."""
        ddf = self._ddf
        keys = list(self._unit_keys)
        # the checks read only the weight and design columns (a file may hold hundreds)
        named = [source] if source in ddf.columns else []  # the user's column, for messages
        needed = _projected(ddf, [_WEIGHT_COLUMN, *keys, *named])
        counts = check_weights(needed, _WEIGHT_COLUMN, source, probs=probs)
        offsets = np.concatenate([[0], np.cumsum(counts)])[:-1]
        object.__setattr__(self, "_starts", offsets)
        object.__setattr__(self, "_offsets", None if psu_cols else offsets)
        check_design_columns(needed, keys)
        if self._derived:
            self._derive_weights(keys, offsets)
            ddf = self._ddf
        based = ddf.assign(**{ROW_BASE: ddf[_WEIGHT_COLUMN]})  # the key of raked passes
        remember_files(based, remembered_files(ddf) or [])
        ddf = based
        object.__setattr__(self, "_ddf", ddf)
        if psu_cols:
            table = unit_table(_projected(ddf, [_WEIGHT_COLUMN, *keys]), weights=_WEIGHT_COLUMN,
                               keys=keys)
            if strata_cols and not self._spec["nest"]:
                refuse_crossing(ddf, table, psu_cols[0], strata_cols[0])
            structure = self._in_memory(table)
            object.__setattr__(self, "_degf", structure.degf)
            object.__setattr__(self, "_n_units", len(table))
        else:
            held = unit_table(ddf, weights=_WEIGHT_COLUMN, keys=keys,
                              sums={"__held": lambda p: p[_WEIGHT_COLUMN].to_numpy() != 0})
            n_held = int(held["__held"].sum())
            strata_held = int((held.groupby(keys, dropna=False)["__held"].sum() > 0).sum()
                              ) if keys else 1
            object.__setattr__(self, "_degf", n_held - strata_held)
            object.__setattr__(self, "_n_units", int(held[COUNT].sum()))

    def _derive_weights(self, keys: list[str], offsets: np.ndarray) -> None:
        """Weights from the fpc (the product over stages of N_h / n_h, as R), or 1.

        The in-memory design computes them on the table of sampled units (for
        a design without PSUs, a table of rows: built once, here); each row
        then takes the weight of its unit.
        """
        table = unit_table(self._ddf, weights=_WEIGHT_COLUMN, keys=keys,
                           offsets=None if self._spec["psu"] else offsets)
        structure = self._memory(table, weights=None, **self._spec, **self._options)
        if not keys:
            return  # equal probability: every weight is 1, as R (which warns, as in memory)
        weights = table[keys].assign(**{_DERIVED: structure.full_weights})
        weights = weights.drop_duplicates(keys)
        rows = self._ddf.drop(columns=[_WEIGHT_COLUMN]).merge(weights, how="left", on=keys)
        object.__setattr__(self, "_ddf", rows.rename(columns={_DERIVED: _WEIGHT_COLUMN}))

    def _in_memory(self, table: pd.DataFrame) -> Design:
        """The in-memory design on a per-unit table (steps not applied)."""
        design: Design = self._memory(table, weights=WEIGHT, **self._spec, **self._options)
        return design

    # --- the user's view ----------------------------------------------------------

    @property
    def data(self) -> Any:
        """The Dask DataFrame of the design (every row, lazily; a subset is a domain)."""
        return self._ddf.drop(columns=[_WEIGHT_COLUMN, ROW_BASE])

    @property
    def degf(self) -> int:
        """Design degrees of freedom, as R's ``degf``.

        PSUs minus strata; after a subset, replicate weights or a weighting step,
        those of the in-memory design on one pass's per-unit table (for
        replicate weights, the rank of the replicate factors of the units held,
        minus one).
        """
        if not self._steps:
            return int(self._degf)
        return int(self.unit_design().degf)

    @property
    def npartitions(self) -> int:
        """The number of partitions of the data."""
        return int(self._ddf.npartitions)

    @property
    def is_replicate(self) -> bool:
        """True once :meth:`replicate` made replicate weights."""
        return any(step.method == "replicate" for step in self._steps)

    @property
    def steps(self) -> tuple[Step, ...]:
        """The recorded subsets, replicate weights and weighting steps, oldest first."""
        return self._steps

    def __repr__(self) -> str:
        strata = self._spec["strata"]
        return (f"PartitionedDesign: {self.npartitions} partitions, {self._n_units} sampled "
                f"units in {'strata ' + repr(strata) if strata else 'one stratum'}, "
                f"weights {self._source}"
                + "".join(f", {step.method}" for step in self._steps))

    # --- passes ----------------------------------------------------------------------

    def unit_design(self, means: Sequence[str] = (), keys: Sequence[str] = (), *,
                    na_rm: bool = False, check: Sequence[str] = (),
                    sums: Mapping[str, RowFunction] | None = None,
                    derived: Mapping[str, RowFunction] | None = None,
                    uses: Sequence[str] = (), spread: bool = False,
                    order: str | None = None, rows_apart: bool = False) -> Design:
        """One pass: the in-memory design on the per-unit table, steps replayed.

        Parameters
        ----------
        means : sequence of str
            Numeric columns kept as weighted means per unit and cell.
        keys : sequence of str
            Cell columns (domains, levels of categorical variables).
        na_rm : bool, default False
            Keep the cells of rows with missing values (the estimator leaves
            them out); without it they are refused here, naming file and row.
        check : sequence of str
            Columns whose missing values are refused without ``na_rm``.
        sums, derived : mapping of str to function, optional
            As :func:`~micropop.partitioned.passes.unit_table`.
        uses : sequence of str, optional
            The columns ``sums`` and ``derived`` read: given, the pass reads
            only the columns it needs (as it does without ``sums``/``derived``).
        spread : bool, default False
            Keep the rows' weighted variance within each cell too (a second
            pass; :mod:`micropop.partitioned.spread`), for design effects.
        order : str, optional
            A key column to order the table's rows by (stably) before the
            design is built: where their order matters (ties in quantiles).
        rows_apart : bool, default False
            Group the rows by their weight after a raking (by the values of a
            numeric calibration), for row functions not linear in the values.

        Returns
        -------
        SurveyDesign or ReplicateDesign
            In memory, one row per unit and cell, its :attr:`~Design.frequencies`
            the data rows of each.

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"psu": [1, 1, 2, 2], "w": 1.0, "y": [1.0, 3.0, 2.0, 6.0]})
        >>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=3), weights="w", psu="psu")
        >>> table = des.unit_design(["y"])
        >>> table.data[["psu", "y"]].to_dict("list"), table.frequencies.tolist()
        ({'psu': [1, 2], 'y': [2.0, 4.0]}, [2, 2])
        """
        step_keys = [k for step in self._steps for k in step.keys]
        # raked, weights differing within a unit and cell: pairs of rows (partitioned.pairs)
        linear = not (rows_apart or spread or sums)
        paired = ROW_BASE in step_keys and linear
        moments = [m for step in self._steps for m in step.moments]  # (partitioned.moments)
        first = next((i for i, step in enumerate(self._steps) if step.moments), 0)
        momented = bool(moments) and linear and not any(
            s.method == "rake" or (not s.moments and set(s.keys) & set(moments))
            or (s.moments and i != first) for i, s in enumerate(self._steps)) and not any(
                s.method in ("poststratify", "calibrate") for s in self._steps[:first])
        group = [k for k in dict.fromkeys([*self._unit_keys, *keys, *step_keys])
                 if not (momented and k in moments)]
        made = set(derived or {})  # columns the pass computes
        require_columns(empty_partition(self._ddf),
                        [c for c in [*means, *group, *check, *uses] if c not in made])
        cells = [m for m in means if m not in group]  # a cell column is its own mean
        rows = self._ddf
        if not (sums or derived) or uses:  # read only the columns the pass needs
            rows = rows[list(dict.fromkeys([_WEIGHT_COLUMN, *group, *cells, *uses,
                                            *(moments if momented else [])]))]
        extra = None  # rows of weight 0 apart (R's post-stratification gives each psw 1)
        if momented:
            extra = moment_sums(_WEIGHT_COLUMN, cells, moments)
        elif paired or (linear and any(s.method == "poststratify" for s in self._steps)):
            extra = pair_sums(_WEIGHT_COLUMN, cells if paired else [])
        if extra is not None:
            derived, sums = {**(derived or {}), **extra[0]}, extra[1]
            group = [k for k in group if k != ROW_BASE] + [ZERO]
            rows = rows.drop(columns=[ROW_BASE]) if ROW_BASE in rows.columns else rows
        if extra is None and any(s.method == "poststratify" for s in self._steps):
            sums = {**(sums or {}), **zero_counts(_WEIGHT_COLUMN)}  # refused below if mixed
        table = refuse_mixed_zeros(unit_table(rows, weights=_WEIGHT_COLUMN, keys=group,
                                              means=cells, sums=sums, derived=derived,
                                              offsets=self._offsets))
        if suspect_table(table, cells, [c for c in check if c in group], na_rm):
            # the counting pass names the column, the file and the row
            refuse_bad_values(self._ddf, means, [c for c in check if c not in means], na_rm)
        if momented:
            if bad_moments(table, moments):  # names the file and the row
                refuse_bad_values(self._ddf, moments, [], False)
            table = spread_moments(table, cells, moments)
        if paired and cells:  # (a key is the same on every row of a group)
            table = split(table, cells)
        if ZERO in table.columns:
            table = table.drop(columns=[ZERO])
        if spread and cells:
            squares = cell_squares(rows, table, group, cells, self._offsets, _WEIGHT_COLUMN)
            if any(step.method == "rake" for step in self._steps) and squares.any():
                raise InMemoryOnlyError(
                    "design effects after raking are not offered on a Dask design: R's "
                    "raking variance reads each row's weight, which the spread cells change",
                    hint="estimate without deff=, or on an in-memory design (des.compute())")
            table = spread_cells(table, cells, squares)
        if order is not None:
            table = table.sort_values(order, kind="stable").reset_index(drop=True)
        counts = table[COUNT].to_numpy()
        design = self._in_memory(table).with_frequencies(counts)  # rake reads them
        for step in self._steps:
            design = step.apply(design)
        return design.with_frequencies(counts)

    def _split(self, variables: Sequence[str]) -> tuple[list[str], list[str]]:
        """Numeric analysis columns (weighted means) and the others (cells)."""
        empty = empty_partition(self._ddf)
        require_columns(empty, list(variables))
        numeric: list[str] = []
        cells: list[str] = []
        for name in variables:
            (numeric if plain_numeric(empty[name].dtype) else cells).append(name)
        return numeric, cells

    def _linear(self, statistic: str, columns: list[str], by: Columns, na_rm: bool,
                **options: Any) -> Any:
        by_cols = as_columns(by, "by")
        numeric, cells = self._split(columns)
        deff = options.get("deff", False)
        check_option("deff", deff, [True, False, "replace"])
        design = self.unit_design(numeric, [*cells, *by_cols], na_rm=na_rm,
                                  check=[*columns, *by_cols], spread=deff is not False)
        return getattr(design, statistic)(by=by, na_rm=na_rm, **options)

    # --- estimators ------------------------------------------------------------------

    @documented_as("micropop.estimation.linear.survey_total")
    def total(self, variables: str | Sequence[str], by: Columns = None,
              deff: bool | Literal["replace"] = False, na_rm: bool = False) -> Estimate:
        """Population totals, as R's ``svytotal``: one pass (see :meth:`SurveyDesign.total`).

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": [10.0, 10.0, 20.0], "y": [1.0, 2.0, 3.0]})
        >>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=2), weights="w")
        >>> des.total("y").estimate.tolist()
        [90.0]
        """
        variables = as_columns(variables, "variables", distinct=True)
        return self._linear("total", variables, by, na_rm,  # type: ignore
                            variables=variables, deff=deff)

    @documented_as("micropop.estimation.linear.survey_mean")
    def mean(self, variables: str | Sequence[str], by: Columns = None,
             deff: bool | Literal["replace"] = False, na_rm: bool = False) -> Estimate:
        """Population means, as R's ``svymean``: one pass (see :meth:`SurveyDesign.mean`).

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": [1.0, 1.0, 2.0], "sex": ["f", "m", "f"]})
        >>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=2), weights="w")
        >>> des.mean("sex").estimate.tolist()
        [0.75, 0.25]
        """
        variables = as_columns(variables, "variables", distinct=True)
        return self._linear("mean", variables, by, na_rm,  # type: ignore
                            variables=variables, deff=deff)

    @documented_as("micropop.estimation.linear.survey_ratio")
    def ratio(self, numerator: str | Sequence[str], denominator: str, by: Columns = None,
              deff: bool | Literal["replace"] = False, na_rm: bool = False) -> Estimate:
        """Ratios of totals, as R's ``svyratio``: one pass (see :meth:`SurveyDesign.ratio`).

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": 1.0, "spend": [10.0, 20.0, 30.0], "size": [1.0, 2.0, 2.0]})
        >>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=2), weights="w")
        >>> des.ratio("spend", "size").estimate.tolist()
        [12.0]
        """
        numerators = as_columns(numerator, "numerator", distinct=True)
        if not isinstance(denominator, str):
            raise OptionError(f"denominator={denominator!r} is not a column name",
                              hint="name one column, e.g. denominator='enroll'")
        return self._linear("ratio", [*numerators, denominator], by, na_rm,  # type: ignore
                            numerator=numerators, denominator=denominator, deff=deff)

    @documented_as("micropop.estimation.proportions.survey_proportion")
    def proportion(self, variable: str, category: object = None, ci: str = "logit",
                   by: Columns = None, level: float = 0.95, df: float | None = None,
                   na_rm: bool = False) -> Estimate:
        """A proportion with its interval, as R's ``svyciprop``: one pass.

        Every interval method of the in-memory design is offered but
        ``ci="likelihood"`` (refused: R's profile starts from each row's weight).

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"w": 1.0, "weekly": [True, False, False, True]})
        >>> des = mp.SurveyDesign(dd.from_pandas(df, npartitions=2), weights="w")
        >>> des.proportion("weekly").estimate.tolist()
        [0.5]
        """
        if ci == "likelihood":
            raise InMemoryOnlyError(
                "ci='likelihood' is not offered on a Dask design: R's profile likelihood "
                "starts glm from each row's own weight, which the per-unit table does not keep",
                hint="use ci='logit' (the default), 'beta', 'xlogit', 'asin' or 'mean', or the "
                     "in-memory design (des.compute(), or a subset of the rows)")
        by_cols = as_columns(by, "by")
        (name,) = as_columns(variable, "variable")
        design = self.unit_design((), [name, *by_cols], na_rm=na_rm, check=[name, *by_cols])
        return design.proportion(name, category, ci=ci, by=by, level=level, df=df,  # type: ignore
                                 na_rm=na_rm)

    @documented_as("micropop.estimation.association.survey_chisq")
    def chisq(self, rows: str, cols: str, statistic: str = "F",
              na_rm: bool = False) -> ChisqTest:
        """Test of association of two categorical columns, as R's ``svychisq``: one pass.

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> import micropop as mp
        >>> from micropop import datasets
        >>> ddf = dd.from_pandas(datasets.load_worker_survey(), npartitions=3)
        >>> des = mp.SurveyDesign(ddf, weights="weight")
        >>> des.chisq("sex", "frequency").to_frame()[["statistic", "p_value"]].round(4)
        ... # doctest: +NORMALIZE_WHITESPACE
                         statistic  p_value
        test
        sex ~ frequency     0.7353   0.4795
        """
        design = self.unit_design((), [rows, cols], na_rm=na_rm, check=[rows, cols])
        return design.chisq(rows, cols, statistic=statistic, na_rm=na_rm)  # type: ignore

    @renamed_keywords(conf_level="level")
    @documented_as("micropop.estimation.quantiles.survey_quantile")
    def quantile(self, variables: str | Sequence[str], quantiles: float | Sequence[float],
                 by: Columns = None, qrule: str = "math", level: float = 0.95,
                 df: float | None = None, na_rm: bool = False,
                 interval_type: str = "mean") -> Estimate:
        """Quantiles with Woodruff intervals, as R's ``svyquantile``: the in-memory numbers.

        A pass brackets each quantile and its interval; the in-memory estimator
        runs on the per-unit table in which the rows inside the brackets stay
        as they are (:mod:`micropop.partitioned.quantiles`). ``qrule="hf3"``,
        ``"shahvaish"``, the ``"score"`` and ``"quantile"`` intervals, which
        read every row, raise :class:`~micropop.errors.InMemoryOnlyError`.

        Examples
        --------
        >>> import dask.dataframe as dd
        >>> import micropop as mp
        >>> from micropop import datasets
        >>> ddf = dd.from_pandas(datasets.load_worker_survey(), npartitions=3)
        >>> des = mp.SurveyDesign(ddf, weights="weight")
        >>> des.quantile("earnings_month", 0.5).to_frame()[["estimate", "ci_low", "ci_high"]
        ...     ].round(2)  # doctest: +NORMALIZE_WHITESPACE
                              estimate  ci_low  ci_high
        variable       level
        earnings_month 0.5        7.53    6.47     8.61
        """
        from micropop.partitioned.quantiles import numbered, windowed_quantile
        rows = self._replace(_ddf=numbered(self._ddf, self._starts))
        plain = self._replace(_steps=tuple(s for s in self._steps if s.method != "replicate"))
        return windowed_quantile(rows, plain, variables, quantiles, by=by, qrule=qrule,
                                 level=level, df=df, na_rm=na_rm, interval_type=interval_type)

    def _record(self, step: Step) -> PartitionedDesign:
        return self._replace(_steps=self._steps + (step,))


def _projected(ddf: Any, columns: list[str]) -> Any:
    """Some columns of ``ddf``, its partitions' files remembered for messages."""
    projected = ddf[list(dict.fromkeys(columns))]
    remember_files(projected, remembered_files(ddf) or [])
    return projected


