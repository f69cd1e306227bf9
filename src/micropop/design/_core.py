"""The design core: the immutable container every design shares, and its internal API.

Every estimator of the package is "influence values (or replicate
estimates) per row, then sums per sampled unit, then a variance". This
module holds the container (data, weights, subset, weighting history) and the
small API through which the other layers (estimation, weighting, inequality,
size) read a design, instead of its private slots:

========================  =============================================================
rows                      :attr:`Design.frame` (every row, also those a subset left
                          out), :attr:`~Design.rows` and :attr:`~Design.scope` (the rows
                          in the design), :attr:`~Design.design_columns`
weights                   :attr:`~Design.full_weights` (n,), :meth:`~Design.weight_matrix`
                          (the one place replicate weights are materialised),
                          :attr:`~Design.replicates_per_row`, :meth:`~Design.with_weights`
                          (a re-weighted design)
linearisation             :meth:`~Design.calibrated_influence` (the weighting steps'
                          :attr:`~Design.calibration_projections`),
                          :meth:`~Design.unit_totals` (rows to sums per stage unit),
                          :meth:`~Design.vcov_from_totals` (unit sums to the variance),
                          :meth:`~Design.linearized_vcov` (the three in a row)
replicates                :attr:`~Design.is_replicate`, :attr:`~Design.n_replicates`,
                          :meth:`~Design.replicate_sums` (per PSU when the replicates
                          are), :meth:`~Design.replicate_vcov`
degrees of freedom        :attr:`~Design.degf`, :meth:`~Design.domain_degf`
========================  =============================================================

These names carry no underscore: they are internal (not part of the user's
API, so not re-exported by :mod:`micropop`) but stable, for the package's own
layers and for a second engine (partitioned data, e.g. Dask) that would
compute the unit sums and replicate sums its own way and share the variance
code: :meth:`~Design.unit_totals` and :meth:`~Design.replicate_sums` are its
seam; everything after them works on small per-unit tables. The variance
steps (unit and replicate sums, covariances, domain degrees of freedom) are
declared in :mod:`micropop.design._variance`, whose class ``Design`` inherits.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from micropop.design import SurveyDesign
>>> des = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 3.0, 6.0], "w": 2.0}), weights="w")
>>> values = (des.full_weights * (des.frame["y"].to_numpy() - 3.0))[:, None]
>>> units = des.unit_totals(values)  # one table per stage: here each row is a PSU
>>> float(des.vcov_from_totals(units)[0, 0]) == float(des.linearized_vcov(values)[0, 0])
True
"""

from __future__ import annotations

from typing import Any, Protocol, Self

import numpy as np
import pandas as pd

from micropop.design._method_docs import sections_from
from micropop.design._variance import VarianceAPI
from micropop.errors import DesignError, EmptyDomainError, data_rows
from micropop.expressions import evaluate
from micropop.variance.calibration import Projection, calibrated_influence

__all__ = ["Design", "WeightingRecord", "protected_copy"]


class WeightingRecord(Protocol):
    """What a design keeps of a weighting step (see :class:`micropop.weighting.WeightingStep`)."""

    @property
    def method(self) -> str:
        """The weighting method, for messages."""
        ...

    @property
    def projection(self) -> Projection | None:
        """The step's term in linearised variances (None: it leaves none)."""
        ...


class Design(VarianceAPI):
    """What every design shares: data, weights, subsets, and the internal API.

    The variance steps of the internal API (unit sums, replicate sums, their
    covariances, domain degrees of freedom) are declared in
    :class:`micropop.design._variance.VarianceAPI`, which it inherits.

    Not built directly: :class:`~micropop.design.SurveyDesign` and
    :class:`~micropop.design.ReplicateDesign` are designs.
    """

    __slots__ = ("_data", "_weights", "_scope", "_degf", "_design_columns", "_weighting",
                 "_frequencies")

    _data: pd.DataFrame
    _weights: np.ndarray
    _scope: np.ndarray | None
    _degf: int
    _design_columns: frozenset[str]
    _weighting: tuple[WeightingRecord, ...]
    _frequencies: np.ndarray  # unset: one data row per row of the frame

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("designs are immutable; methods return new designs")

    # --- the user's view ----------------------------------------------------

    @property
    def data(self) -> pd.DataFrame:
        """The rows of the design (those kept by :meth:`subset`).

        A new DataFrame: changing it leaves the design alone.
        """
        return protected_copy(self._data) if self._scope is None else self._data[self._scope]

    @property
    def weights(self) -> pd.Series:
        """Sampling weights as a Series aligned with :attr:`data`."""
        w = pd.Series(self._weights, index=self._data.index, name="weights")
        return w if self._scope is None else w[self._scope]

    @property
    def degf(self) -> int:
        """Design degrees of freedom, as R's ``degf``, for t intervals.

        PSUs minus strata among rows with a non-zero weight for a
        :class:`~micropop.design.SurveyDesign`; the rank of the replicate
        weights minus one for a :class:`~micropop.design.ReplicateDesign`.
        """
        return self._degf

    @property
    def weighting_steps(self) -> tuple[WeightingRecord, ...]:
        """The weighting steps that made these weights, oldest first.

        Each is a :class:`micropop.weighting.WeightingStep` (method, margins,
        iterations, final change); empty for design weights.
        """
        return self._weighting

    def subset(self, where: str | np.ndarray | pd.Series) -> Self:
        """Keep some rows, keeping the full design for variances (R's ``subset``).

        As in R, the PSU counts and fpc of the whole sample still hold: a
        subset is a domain, not a new sample.

        Parameters
        ----------
        where : str or boolean array-like
            A condition on the columns, in pandas' ``query`` spelling
            (``"stype == 'E'"``, ``"age >= 25 and age <= 64"``,
            ``"`âge déclaré`.between(18, 64) & sex.isin(['f', 'm'])"``), or
            a boolean mask aligned with :attr:`data`. The text is read by
            :mod:`micropop.expressions`, a safe grammar that never runs
            code: comparisons, ``in``, ``&``/``|``/``~`` (``and``/``or``/
            ``not``), ``isin``, ``between``, ``isna`` and ``notna`` only. A row
            whose condition involves a missing value is not kept (as R's
            ``subset``; write ``| age.isna()`` to keep those rows). Values
            are checked against the whole sample: text compared with a
            number column, a level a categorical column does not have or a
            text value the column never holds is refused.

        Returns
        -------
        SurveyDesign or ReplicateDesign
            The same kind of design.

        Raises
        ------
        ExpressionError
            The text is not a condition of the grammar (code, an unknown
            column, values of another kind or level).
        EmptyDomainError
            No row is kept.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "g": ["a", "b", "a", "b"]})
        >>> des = SurveyDesign(df.assign(w=1.0), weights="w").subset("g == 'a'")
        >>> len(des.data)
        2

        The women of the worker survey, a domain: the same mean and SE as
        ``des.mean("earnings_month", by="sex")`` gives them.

        >>> from micropop import datasets
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight")
        >>> women = des.subset("sex == 'female'")
        >>> len(women.data), women.mean("earnings_month").to_frame()[["estimate", "se"]].round(3)
        ... # doctest: +NORMALIZE_WHITESPACE
        (561,                 estimate     se
        variable
        earnings_month    19.964  1.469)
        """

        data = self.data
        # a string is read by the safe grammar, never evaluated, on the whole sample (so its
        # values are checked against every row); the design's own rows are then kept
        mask = evaluate(where, self._data)[self.rows] if isinstance(where, str) else where
        if isinstance(mask, pd.Series) and not mask.index.equals(data.index):
            mask = mask.reindex(data.index)  # align labels; unknown rows become NaN
        mask = np.asarray(mask)
        if mask.shape != (len(data),) or mask.dtype != bool:
            raise DesignError(f"subset needs {len(data)} True/False values without missing "
                              f"ones, one per row of the design (got {mask.dtype}, "
                              f"shape {mask.shape})",
                              hint="compare a column, e.g. des.subset(\"stype == 'E'\")")
        scope = self.rows.copy()
        scope[np.flatnonzero(scope)] = mask
        if not scope.any():
            text = where if isinstance(where, str) else "the mask"
            raise EmptyDomainError(f"subset {text!r} keeps no row",
                                   hint="check the condition against the data")
        scope.flags.writeable = False
        return self._replace(_scope=scope)

    def assign(self, **columns: object) -> Self:
        """Add or replace analysis columns, keeping the design (as ``DataFrame.assign``).

        The new design has the same weights, strata, PSUs, fpc (or replicate
        weights) and subset; only its analysis columns change. Use it for
        derived variables (R's ``update`` on a design), instead of building
        the design again.

        Parameters
        ----------
        **columns
            ``name=value``: an array or list with one value per row of
            :attr:`data`, a Series (aligned on the index of :attr:`data`, as
            pandas does), a scalar, or a callable taking :attr:`data` and
            returning one of those. Columns are added in order, so a callable
            sees the columns assigned before it. Rows that a :meth:`subset`
            left out (kept for the variance) hold a placeholder, never read.

        Returns
        -------
        SurveyDesign or ReplicateDesign
            The same kind of design.

        Raises
        ------
        DesignError
            A column defines the design (weights, strata, PSUs, fpc, replicate
            weights): build a new design to change those; or a value has the
            wrong length, or a Series misses rows of the design.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"income": [900.0, 1500.0, 3000.0, 2200.0], "w": 2.0})
        >>> des = SurveyDesign(df, weights="w").assign(
        ...     poor=lambda d: d["income"] < 1000, thousands=lambda d: d["income"] / 1000)
        >>> des.mean("poor").estimate.tolist(), des.total("thousands").estimate.round(6).tolist()
        ([0.25], [15.2])

        Hourly earnings of the micro-workers (monthly earnings over 52 / 12
        weeks of their weekly hours), and their median:

        >>> from micropop import datasets
        >>> des = SurveyDesign(datasets.load_worker_survey(), weights="weight").assign(
        ...     hourly=lambda d: d["earnings_month"] / (d["hours_week"] * 52 / 12))
        >>> des.quantile("hourly", 0.5).to_frame()[["estimate", "ci_low", "ci_high"]].round(2)
        ... # doctest: +NORMALIZE_WHITESPACE
                        estimate  ci_low  ci_high
        variable level
        hourly   0.5        1.16    1.08     1.26
        """
        frame = self.data
        for name, value in columns.items():
            if name in self._design_columns:
                raise DesignError(f"column {name!r} defines the design, so assign cannot "
                                  "change it", hint="build a new design from the changed "
                                                    "data instead")
            frame = frame.assign(**{name: _aligned(frame, name, value(frame) if callable(value)
                                                   else value)})
        added = frame[list(columns)]
        if self._scope is not None:  # rows outside the subset are never read: fill them
            fill = np.cumsum(self._scope) - 1
            added = added.iloc[np.maximum(fill, 0)].set_axis(self._data.index)
        data = self._data.assign(**{name: added[name] for name in columns})
        return self._replace(_data=data)

    # --- internal API: rows ---------------------------------------------------

    @property
    def frame(self) -> pd.DataFrame:
        """Every row the design was built from, a subset's other rows included.

        Not copied: read it, never write to it. Row arrays of the internal
        API (:attr:`rows`, :attr:`full_weights`, ``row_domain``) are aligned
        with it.
        """
        return self._data

    @property
    def rows(self) -> np.ndarray:
        """Boolean mask (n,) of the rows of :attr:`frame` in the design (all unless subset)."""
        if self._scope is None:
            return np.ones(len(self._data), dtype=bool)
        return self._scope

    _rows = rows  # the name the tests of the design read

    @property
    def scope(self) -> np.ndarray | None:
        """The mask of :attr:`rows`, or None when every row is in the design (no copy)."""
        return self._scope

    @property
    def frequencies(self) -> np.ndarray | None:
        """How many data rows each row of :attr:`frame` stands for (n,), or None: one each.

        Set by :meth:`with_frequencies` on a design built from a table of
        sums per sampled unit and cell (the Dask engine's per-unit table), so
        that row counts (an estimate's ``n``, R's ``nrow`` of a domain) count
        the data rows, not the table's rows.
        """
        try:
            return self._frequencies
        except AttributeError:
            return None

    @property
    def row_count(self) -> int:
        """Data rows in the design (:attr:`rows`), counted with :attr:`frequencies`."""
        counts = self.frequencies
        if counts is None:
            return int(self.rows.sum()) if self._scope is not None else len(self._data)
        return int(counts[self.rows].sum())

    def with_frequencies(self, counts: np.ndarray) -> Self:
        """The same design whose rows stand for ``counts`` data rows each (see :attr:`frequencies`).

        Parameters
        ----------
        counts : ndarray of int, shape (n,)
            Data rows per row of :attr:`frame`, each at least 0 (a row that
            only carries weight, as the Dask engine's design effects need).

        Returns
        -------
        SurveyDesign or ReplicateDesign
            The same kind of design.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> cells = pd.DataFrame({"y": [2.0, 5.0], "w": [30.0, 10.0]})  # sums of 3 and 1 rows
        >>> des = SurveyDesign(cells, weights="w").with_frequencies(np.array([3, 1]))
        >>> des.row_count, des.mean("y").n.tolist()
        (4, [4])
        """
        counts = np.asarray(counts, dtype=np.int64)
        if counts.shape != (len(self._data),) or np.any(counts < 0):
            raise DesignError(f"frequencies need one count >= 0 per row of the frame "
                              f"({len(self._data)}), got shape {counts.shape}",
                              hint="give the number of data rows each row stands for")
        counts = counts.copy()
        counts.flags.writeable = False
        return self._replace(_frequencies=counts)

    @property
    def design_columns(self) -> frozenset[str]:
        """The columns that define the design (weights, strata, PSUs, fpc, replicates)."""
        return self._design_columns

    # --- internal API: weights ------------------------------------------------

    @property
    def full_weights(self) -> np.ndarray:
        """The full-sample weight of every row of :attr:`frame` (n,), read-only."""
        return self._weights

    @property
    def is_replicate(self) -> bool:
        """True for a design whose variances come from replicate weights."""
        return False

    @property
    def variance_method(self) -> str:
        """How the design's variances are estimated, for display."""
        return "Taylor linearisation"

    @property
    def n_replicates(self) -> int:
        """How many replicate weights the design has (0 for a linearised design)."""
        return 0

    @property
    def replicate_names(self) -> tuple[str, ...]:
        """The names of the replicate weights (their columns), by position."""
        return ()

    @property
    def replicates_per_row(self) -> np.ndarray | None:
        """The replicate weights when the design holds them row by row, (n, R), read-only.

        So they are when shipped with the data and after a weighting step;
        None for a linearised design and for replicates held per PSU (R's
        compressed weights: a row's replicate weight is its full-sample weight
        times its PSU's factor, see :meth:`weight_matrix`).
        """
        return None

    def weight_matrix(self, rows: np.ndarray | None = None,
                      replicates: np.ndarray | None = None, *,
                      full_sample: bool = False) -> np.ndarray:
        """The replicate weights of some rows, materialised: the one place that does it.

        Parameters
        ----------
        rows : ndarray of int or bool, optional
            Rows of :attr:`frame` (positions or a mask); default every row.
        replicates : ndarray of int, optional
            Replicates (positions); default all of them.
        full_sample : bool, default False
            Put the full-sample weights first, as column 0.

        Returns
        -------
        ndarray, shape (rows, replicates) or (rows, 1 + replicates)
            Without ``full_sample``, a linearised design has no column. The
            stored array itself when nothing is selected from weights held per
            row: read it, never write to it.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"w": [1.0, 2.0, 3.0]})
        >>> rep = SurveyDesign(df, weights="w").replicate("jk1")
        >>> rep.weight_matrix(full_sample=True).tolist()
        [[1.0, 0.0, 1.5, 1.5], [2.0, 3.0, 0.0, 3.0], [3.0, 4.5, 4.5, 0.0]]
        >>> rep.weight_matrix(np.array([2]), np.array([0])).tolist()
        [[4.5]]
        """
        replicated = self._replicate_block(rows, replicates)
        if not full_sample:
            return replicated
        full = self._weights if rows is None else self._weights[rows]
        if replicated.shape[1] == 0:
            return full[:, None]
        return np.hstack([full[:, None], replicated])

    def _replicate_block(self, rows: np.ndarray | None,
                         replicates: np.ndarray | None) -> np.ndarray:
        """The replicate weights of ``rows`` in ``replicates`` (none here)."""
        return np.empty((len(self._weights) if rows is None else len(self._weights[rows]), 0))

    def with_weights(self, weights: np.ndarray, step: WeightingRecord) -> Self:
        """A new design with new weights, ``step`` appended to :attr:`weighting_steps`.

        Parameters
        ----------
        weights : ndarray, shape (n, 1 + R)
            As :meth:`weight_matrix` with ``full_sample=True`` (replicates then held per
            row); rows outside the design's scope keep their weights.
        step : WeightingRecord
            Its ``method``, and its ``projection`` (its variance term) or None.

        Returns
        -------
        SurveyDesign or ReplicateDesign
            The same kind of design (degf recounted; the weighting layer checks weights).

        Examples
        --------
        >>> from micropop.design import SurveyDesign
        >>> from micropop.weighting import WeightingStep
        >>> des = SurveyDesign(pd.DataFrame({"y": [1.0, 3.0], "w": 1.0}), weights="w")
        >>> step = WeightingStep("trim", (), 1, 0.0, des.full_weights)
        >>> float(des.with_weights(np.array([[2.0], [6.0]]), step).mean("y").estimate[0])
        2.5
        """
        if self._scope is not None and not self._scope.all():
            weights = np.where(self._scope[:, None], weights,
                               self.weight_matrix(full_sample=True))
        full = np.ascontiguousarray(weights[:, 0])
        full.flags.writeable = False
        slots: dict[str, object] = {"_weights": full, "_weighting": self._weighting + (step,)}
        slots.update(self._replicate_slots(weights[:, 1:]))
        return self._replace(recount=not np.array_equal(full == 0, self._weights == 0),
                             **slots)

    def _replicate_slots(self, replicates: np.ndarray) -> dict[str, object]:
        """The slots that hold new replicate weights (n, R) (none here)."""
        return {}

    # --- internal API: linearisation ------------------------------------------

    @property
    def calibration_projections(self) -> tuple[Projection, ...]:
        """The weighting steps' terms in linearised variances (R's ``postStrata``), in order."""
        return tuple(step.projection for step in self._weighting
                     if step.projection is not None)

    @sections_from(VarianceAPI.unit_totals, "Parameters")
    def calibrated_influence(self, values: np.ndarray, row_domain: np.ndarray | None = None,
                             n_domains: int = 1
                             ) -> tuple[np.ndarray, np.ndarray | None, int]:
        """Influence ``values`` (n, p) with the :attr:`calibration_projections` projected out.

        Returns
        -------
        tuple of (ndarray, ndarray or None, int)
            ``values, row_domain, n_domains`` for :meth:`unit_totals`: unchanged if not
            weighted, else the residuals (n, p * K), None and 1 (domains spread into
            columns ``j * K + k``, :func:`~micropop.variance.calibration.calibrated_influence`).

        Examples
        --------
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(pd.DataFrame({"sex": ["f", "f", "m"], "w": 1.0}), weights="w")
        >>> des = des.poststratify("sex", {"f": 4, "m": 2})
        >>> des.calibrated_influence(np.array([[1.0], [3.0], [5.0]]))[0].tolist()
        [[-1.0], [1.0], [0.0]]
        """
        projections = self.calibration_projections
        if not projections:
            return values, row_domain, n_domains
        if row_domain is None:
            row_domain = np.zeros(len(values), dtype=np.intp)
        return calibrated_influence(projections, values, row_domain, n_domains)

    # --- building ---------------------------------------------------------------

    def _count_degf(self) -> int:
        raise NotImplementedError

    def _replace(self, recount: bool = False, **slots: object) -> Self:
        """A copy of the design with some slots changed (degf recounted for a new scope,
        or when ``recount``)."""
        new = object.__new__(type(self))
        for cls in type(self).__mro__:
            for name in getattr(cls, "__slots__", ()):
                if name in slots:
                    object.__setattr__(new, name, slots[name])
                elif hasattr(self, name):  # a slot left unset stays unset (_frequencies)
                    object.__setattr__(new, name, getattr(self, name))
        if recount or "_scope" in slots:
            object.__setattr__(new, "_degf", new._count_degf())
        return new

    def _set(self, **slots: object) -> None:
        """Fill the slots of a design being built (designs are immutable afterwards)."""
        for name, value in slots.items():
            object.__setattr__(self, name, value)


_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3


def protected_copy(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose edits stay apart from ``frame`` (cheap under copy-on-write)."""
    return frame.copy(deep=not _COPY_ON_WRITE)


def _aligned(frame: pd.DataFrame, name: str, value: Any) -> Any:
    """``value`` checked to fit the rows of ``frame`` (a Series is aligned on the index)."""
    if isinstance(value, pd.Series):
        if value.index.equals(frame.index):
            return value
        if not frame.index.isin(value.index).all():
            absent = ~frame.index.isin(value.index)
            raise DesignError(f"the Series given for column {name!r} has no value for "
                              f"{data_rows(frame, absent)}",
                              hint="give one value per row of des.data (same index)")
        return value.reindex(frame.index)
    if np.ndim(value) == 0:
        return value
    if len(value) != len(frame):
        raise DesignError(f"column {name!r} has {len(value)} values for {len(frame)} rows "
                          "of the design", hint="give one value per row of des.data")
    return value
