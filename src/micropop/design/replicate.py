"""Replicate-weight designs: R's ``svrepdesign`` and ``as.svrepdesign``.

A :class:`ReplicateDesign` carries replicate weights instead of sampling
stages: shipped with the data (R's ``svrepdesign``), or made from a
:class:`~micropop.design.SurveyDesign` by :func:`make_replicates` (its
:meth:`~micropop.design.SurveyDesign.replicate`, R's ``as.svrepdesign``) from
the factors of :mod:`micropop.design.factors`, held per PSU. Every estimate is
recomputed with each replicate weight; its variance is R's ``svrVar``
(:mod:`micropop.variance.replicate`).

Examples
--------
>>> import pandas as pd
>>> from micropop.design import ReplicateDesign
>>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0], "w": 2.0, "r1": [0.0, 3.0, 3.0],
...                    "r2": [3.0, 0.0, 3.0], "r3": [3.0, 3.0, 0.0]})
>>> ReplicateDesign(df, weights="w", replicate_weights=["r1", "r2", "r3"], method="jk1")
ReplicateDesign(3 rows, 3 jk1 replicates, scale=0.666667, mse=False)
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from micropop.design._core import protected_copy
from micropop.design._facade import DesignMethods
from micropop.design._method_docs import sections_from
from micropop.design._variance import VarianceAPI
from micropop.design.encode import as_columns, check_labels, check_weights, require_columns
from micropop.design.factors import (
    JackknifeRank,
    bootstrap_factors,
    brr_factors,
    factor_rank,
)
from micropop.design.jackknife import JackknifeFactors, jackknife_factors
from micropop.errors import (
    DesignError,
    MissingColumnError,
    OptionError,
    check_number,
    check_option,
    columns_listing,
)
from micropop.partitioned import is_dask_frame, partitioned_replicate_design
from micropop.variance.linearization import unit_totals
from micropop.variance.replicate import replicate_sums

if TYPE_CHECKING:
    from micropop.design.survey import SurveyDesign

__all__ = ["REPLICATE_METHODS", "ReplicateDesign", "make_replicates"]


class ReplicateDesign(DesignMethods):
    """A sample described by replicate weights (R's ``svrepdesign``).

    For data sets that ship replicate weights (jackknife, BRR, Fay,
    bootstrap): every estimate is recomputed with each replicate weight
    column and its variance is ``scale * sum_r rscales_r (theta_r -
    centre)^2``, as R's ``svrVar``. The replicate weights are full weights
    (R's ``combined.weights=TRUE``).

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    weights : str
        Column of full-sample probability weights.
    replicate_weights : str or list of str
        The replicate weight columns, or a regular expression matching their
        names (as R's ``repweights="wt[0-9]+"``).
    method : {"jk1", "jkn", "brr", "fay", "bootstrap", "subbootstrap", "other"}
        Sets R's default ``scale`` for the method: (R-1)/R for "jk1", 1/R for
        "brr", 1/(R (1 - rho)^2) for "fay", 1/(R-1) for "bootstrap" and
        "subbootstrap" (R's svrepdesign default; :meth:`SurveyDesign.replicate`
        sets as.svrepdesign's own); "jkn" needs ``rscales``, "other" needs
        ``scale``.
    scale : float, optional
        Overrides the method's scale.
    rscales : sequence of float, optional
        Per-replicate multipliers (default 1; for "jkn", ``(n_h - 1) / n_h``
        of the replicate's stratum).
    fay_rho : float, optional
        Fay's rho, for ``method="fay"``.
    mse : bool, default False
        Centre the replicates on the full-sample estimate (R's ``mse=TRUE``)
        instead of their mean.

    Raises
    ------
    MissingColumnError
        A weight column is absent, or the pattern matches no column.
    WeightError
        Missing, negative, infinite or True/False weights or replicate
        weights, or a column of them all zero (naming the data rows).
    DesignError
        An unknown method, or the scale it needs is missing; a single
        replicate weight column; the weights among the replicate columns;
        non-text or repeated column labels; all ``rscales`` zero.
    OptionError
        ``scale`` not above 0, an ``rscales`` value that is NaN or negative,
        ``fay_rho`` outside [0, 1), a pattern that is not a regular expression.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import ReplicateDesign
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0], "w": 2.0,
    ...                    "r1": [0.0, 3.0, 3.0], "r2": [3.0, 0.0, 3.0],
    ...                    "r3": [3.0, 3.0, 0.0]})
    >>> des = ReplicateDesign(df, weights="w", replicate_weights="r[0-9]", method="jk1")
    >>> est = des.mean("y")
    >>> float(est.estimate[0]), round(float(est.se[0]), 6)
    (2.0, 0.57735)
    """

    __slots__ = ("_replicates", "_unit", "_scale", "_rscales", "_mse", "_method", "_columns",
                 "_rank", "_row_rank")

    _replicates: np.ndarray | JackknifeFactors  # (n, R) per row, or (C, R) per PSU
    _unit: np.ndarray | None
    _scale: float
    _rscales: np.ndarray
    _mse: bool
    _method: str
    _columns: tuple[str, ...]
    _rank: JackknifeRank | None
    _row_rank: Callable[[np.ndarray], int] | None  # see with_rank

    def __new__(cls, data: pd.DataFrame, weights: str,
                replicate_weights: str | Sequence[str], method: str = "other",
                scale: float | None = None, rscales: Sequence[float] | None = None,
                fay_rho: float | None = None, mse: bool = False) -> Any:
        """A Dask DataFrame gives a Dask replicate design (:mod:`micropop.partitioned`)."""
        if is_dask_frame(data):
            return partitioned_replicate_design(data, weights, replicate_weights, method,
                                                scale, rscales, fay_rho, mse, memory=cls)
        return super().__new__(cls)

    def __init__(self, data: pd.DataFrame, weights: str,
                 replicate_weights: str | Sequence[str], method: str = "other",
                 scale: float | None = None, rscales: Sequence[float] | None = None,
                 fay_rho: float | None = None, mse: bool = False) -> None:
        if not isinstance(data, pd.DataFrame):
            raise DesignError(f"data must be a pandas DataFrame, not {type(data).__name__}",
                              hint="read the file with mp.read_survey or pd.read_csv first")
        check_labels(data)
        check_option("mse", mse, [True, False])
        as_columns(weights, "weights")
        columns = _replicate_columns(data, replicate_weights)
        require_columns(data, [weights, *columns])
        if weights in columns:
            raise DesignError(f"column {weights!r} is both the weights and a replicate weight",
                              hint="give the full-sample weights apart from the replicates")
        if len(columns) < 2:
            raise DesignError(f"a single replicate weight column ({columns[0]!r}): a "
                              "replicate variance needs two replicates or more",
                              hint="give every replicate weight column (a list, or a regular "
                                   "expression such as 'repwt[0-9]+')")
        frame = protected_copy(data)
        w = check_weights(frame[weights], f"weights column {weights!r}")
        replicates = np.empty((len(frame), len(columns)))
        for r, column in enumerate(columns):
            replicates[:, r] = check_weights(frame[column],
                                             f"replicate weights column {column!r}")
        n_rep = len(columns)
        full_scale, multipliers = _replicate_scales(method, n_rep, scale, rscales, fay_rho)
        w.flags.writeable = False
        replicates.flags.writeable = False
        self._fill(frame, w, replicates, None, full_scale, multipliers, mse, method,
                   tuple(columns),
                   frozenset([weights, *columns]))

    @classmethod
    def _from_factors(cls, design: SurveyDesign, factors: np.ndarray | JackknifeFactors,
                      scale: float,
                      rscales: np.ndarray, mse: bool, method: str,
                      rank: JackknifeRank | None = None) -> ReplicateDesign:
        """Replicates made by micropop from ``design`` (all its rows): row i of
        replicate r weighs ``weights[i] * factors[psu[i], r]`` (R's compressed
        replicate weights), stored per PSU (the jackknives' implicitly, in
        O(PSUs) memory). ``rank`` gives the rank of the factors of some PSUs in
        closed form (jackknives)."""
        new = object.__new__(cls)
        if isinstance(factors, np.ndarray):
            factors.flags.writeable = False
        rscales.flags.writeable = False
        columns = tuple(f"{method}{r + 1}" for r in range(factors.shape[1]))
        new._fill(design.frame, design.full_weights, factors, design.stages[0].cluster, scale,
                  rscales, mse, method, columns, design.design_columns, rank)
        return new

    def _fill(self, frame: pd.DataFrame, weights: np.ndarray,
              replicates: np.ndarray | JackknifeFactors,
              unit: np.ndarray | None, scale: float, rscales: np.ndarray, mse: bool,
              method: str, columns: tuple[str, ...], design_columns: frozenset[str],
              rank: JackknifeRank | None = None) -> None:
        self._set(_data=frame, _weights=weights, _scope=None, _replicates=replicates,
                  _unit=unit, _scale=scale, _rscales=rscales, _mse=bool(mse), _method=method,
                  _columns=columns, _design_columns=design_columns, _weighting=(),
                  _rank=rank, _row_rank=None)
        self._set(_degf=self._count_degf())

    def with_rank(self, rank: Callable[[np.ndarray], int]) -> ReplicateDesign:
        """The same design whose rows' replicate weights have rank ``rank(rows)`` (R's degf).

        For a table whose rows stand for several data rows (the Dask engine's
        cells, :meth:`with_frequencies`): the rank of the data rows' replicate
        weights, which the table's sums do not keep.

        Parameters
        ----------
        rank : callable
            A boolean mask over :attr:`frame` to the rank of those rows' replicate weights.

        Returns
        -------
        ReplicateDesign

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"w": [2.0], "r1": [1.0], "r2": [3.0], "r3": [2.0]})
        >>> rep = ReplicateDesign(df, weights="w", replicate_weights="r[0-9]", method="jk1")
        >>> rep.degf, rep.with_rank(lambda rows: 3).degf
        (0, 2)
        """
        return self._replace(recount=True, _row_rank=rank)

    @property
    def replicate_weights(self) -> pd.DataFrame:
        """The replicate weights, one column per replicate, aligned with :attr:`data`."""
        frame = pd.DataFrame(self.weight_matrix(), index=self._data.index,
                             columns=list(self._columns))
        return frame if self._scope is None else frame[self._scope]

    @property
    def scale(self) -> float:
        """R's ``scale``: the overall multiplier of the replicate variance."""
        return self._scale

    @property
    def rscales(self) -> np.ndarray:
        """R's ``rscales``: one multiplier per replicate."""
        return self._rscales

    @property
    def mse(self) -> bool:
        """True when replicates are centred on the full-sample estimate."""
        return self._mse

    @property
    def method(self) -> str:
        """The replication method."""
        return self._method

    # --- internal API (see micropop.design._core) -------------------------------

    @property
    def is_replicate(self) -> bool:
        """True: variances come from the replicate weights."""
        return True

    @property
    def variance_method(self) -> str:
        """``"replicate weights (<method>)"``, for display."""
        return f"replicate weights ({self._method})"

    @property
    def n_replicates(self) -> int:
        """How many replicate weights the design has."""
        return int(self._replicates.shape[1])

    @property
    def replicate_names(self) -> tuple[str, ...]:
        """The replicate weight columns (or names such as ``jk1_1`` for made ones)."""
        return self._columns

    @property
    def replicates_per_row(self) -> np.ndarray | None:
        """The replicate weights (n, R) when held row by row; None when held per PSU."""
        return self._per_row()

    def _per_row(self) -> np.ndarray | None:
        """The replicate weights when held per row (n, R), else None."""
        stored = self._replicates
        return stored if isinstance(stored, np.ndarray) and self._unit is None else None

    def _replicate_block(self, rows: np.ndarray | None,
                         replicates: np.ndarray | None) -> np.ndarray:
        """The replicate weights of ``rows`` in ``replicates``: stored, or made from the
        full-sample weights and the factors of the rows' PSUs (the one place
        where implicit jackknife factors are made dense: for these rows only)."""
        stored = self._per_row()
        if stored is not None:
            if rows is None:
                return stored if replicates is None else stored[:, replicates]
            chosen: np.ndarray = (stored[rows] if replicates is None
                                  else stored[np.ix_(rows, replicates)])
            return chosen
        assert self._unit is not None  # held per PSU
        if rows is None:
            weights, units = self._weights, self._unit
        else:
            weights, units = self._weights[rows], self._unit[rows]
        factors = (self._replicates[units] if replicates is None
                   else self._replicates[np.ix_(units, replicates)])
        made: np.ndarray = weights[:, None] * factors
        return made

    def _replicate_slots(self, replicates: np.ndarray) -> dict[str, object]:
        """New replicate weights (n, R), held row by row from now on."""
        stored = np.ascontiguousarray(replicates)
        stored.flags.writeable = False
        return {"_replicates": stored, "_unit": None}

    @sections_from(VarianceAPI.replicate_sums, "Parameters", "Returns")
    def replicate_sums(self, values: np.ndarray, row_domain: np.ndarray | None = None,
                       n_domains: int = 1, shift: np.ndarray | None = None) -> np.ndarray:
        """Replicate-weighted sums of ``values`` (n, p) by domain, shape (R, p * K).

        Replicates held per PSU (made by :meth:`SurveyDesign.replicate`) take
        the weighted sums per PSU, then the factors, ``factors.T @ unit sums``:
        the rows are read once whatever R. Replicates held per row are
        multiplied out. Either way the sums are additive over the rows.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": 1.0})
        >>> rep = SurveyDesign(df, weights="w").replicate("jk1")
        >>> rep.replicate_sums(df[["y"]].to_numpy()).ravel().round(6).tolist()
        [12.0, 10.666667, 9.333333, 8.0]
        """
        stored = self._per_row()
        if stored is not None:
            replicates = stored if shift is None else np.ldexp(stored, -shift[:, None])
            return replicate_sums(replicates, values, row_domain, n_domains)
        assert self._unit is not None  # held per PSU
        weights = self._weights if shift is None else np.ldexp(self._weights, -shift)
        totals = unit_totals(weights[:, None] * values, self._unit,
                             self._replicates.shape[0], row_domain, n_domains)
        if isinstance(self._replicates, JackknifeFactors):  # O(PSUs), no matrix
            return self._replicates.sums(totals)
        sums: np.ndarray = self._replicates.T @ totals
        return sums

    def _replicate_scales(self) -> tuple[float, np.ndarray, bool]:
        return self._scale, self._rscales, self._mse

    def domain_degf(self, row_domain: np.ndarray, n_domains: int) -> np.ndarray:
        """R's degf of each domain: the rank of its replicate weights minus one, (K,).

        For replicates made per PSU, the rank of the factors of the PSUs that
        hold the domain's rows (closed form for the jackknives).

        Parameters
        ----------
        row_domain : ndarray of int, shape (n,)
            The domain (``0 .. n_domains-1``, or -1) of each row of :attr:`frame`.
        n_domains : int
            How many domains.

        Returns
        -------
        ndarray of float, shape (K,)
            ``qr(weights(subset, "analysis"))$rank - 1`` per domain, as R.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> rep = SurveyDesign(pd.DataFrame({"w": [1.0] * 5}), weights="w").replicate("jk1")
        >>> rep.degf, rep.domain_degf(np.array([0, 0, 1, 1, 1]), 2).tolist()
        (4, [1.0, 2.0])
        """
        return np.array([float(self._rank_degf(row_domain == d)) for d in range(n_domains)])

    def _count_degf(self) -> int:
        return self._rank_degf(self.rows)

    def _rank_degf(self, rows: np.ndarray) -> int:
        """R's degf: the rank of the rows' replicate weights minus one
        (``qr(weights(design, "analysis"))$rank - 1``), also for subsets.

        For replicates made per PSU, the rank of the factors of the PSUs
        holding the rows (an (R, R) problem, whatever the rows), in closed
        form for the jackknives.
        """
        stored = self._per_row()
        if self._row_rank is not None:
            return self._row_rank(rows) - 1
        if stored is not None:
            return factor_rank(stored[rows]) - 1
        assert self._unit is not None  # held per PSU
        held = np.bincount(self._unit[rows & (self._weights != 0)],
                           minlength=self._replicates.shape[0]) > 0
        if self._rank is not None:
            return self._rank(held) - 1
        return factor_rank(self._replicates[held]) - 1

    def __repr__(self) -> str:
        return (f"ReplicateDesign({len(self.data)} rows, {len(self._columns)} "
                f"{self._method} replicates, scale={self._scale:.6g}, mse={self._mse})")


def make_replicates(design: SurveyDesign, method: str = "jkn", replicates: int | None = None,
                    seed: int | np.random.SeedSequence | np.random.Generator | None = None,
                    fay_rho: float | None = None, mse: bool = False) -> ReplicateDesign:
    """Replicate weights for ``design``, as R's ``as.svrepdesign``.

    See :meth:`micropop.design.SurveyDesign.replicate`, which calls it.

    Parameters
    ----------
    design : SurveyDesign
        A linearised design.
    method : str, default "jkn"
        "jk1", "jkn", "brr", "fay", "bootstrap" or "subbootstrap".
    replicates : int, optional
        Bootstrap replicates (default 50, as R).
    seed : int, SeedSequence or Generator, optional
        The source of the bootstrap draws.
    fay_rho : float, optional
        Fay's rho ("fay" only).
    mse : bool, default False
        Centre variances on the full-sample estimate.

    Returns
    -------
    ReplicateDesign
        Replicate factors held per PSU; the design's subset kept. The
        jackknives' factors are held implicitly (one dropped PSU and its
        stratum's rescaling per replicate), so ``"jk1"`` on 40,000 PSUs needs
        O(rows + PSUs) memory, not a PSU x PSU matrix; only
        :meth:`~micropop.design.ReplicateDesign.weight_matrix` (quantiles,
        inequality, models, weighting steps) makes rows x replicates weights.

    Raises
    ------
    DesignError
        A re-weighted design (weight the replicate design instead), an
        unknown method, or options that do not go with it.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> des = SurveyDesign(pd.DataFrame({"w": [1.0, 2.0, 3.0]}), weights="w")
    >>> make_replicates(des, "jk1").n_replicates
    3
    """
    if design.weighting_steps:
        steps = ", ".join(step.method for step in design.weighting_steps)
        raise DesignError(
            f"this design has been re-weighted ({steps}); replicates made from it would "
            "not repeat the weighting, so their variance would ignore it",
            hint="make the replicate design first, then weight it (R does the same: "
                 "as.svrepdesign, then calibrate), e.g. des.replicate('jkn').rake(...)")
    first = design.stages[0]
    if method not in _MADE_METHODS:
        raise DesignError(f"method={method!r} cannot be made from a design",
                          hint="use one of " + ", ".join(map(repr, _MADE_METHODS))
                               + "; for replicate weights shipped with the data, use "
                                 "ReplicateDesign")
    if replicates is not None:
        replicates = check_number("replicates", replicates, low=2, high=_MAX_REPLICATES,
                                  integer=True)
    if fay_rho is not None:
        fay_rho = check_number("fay_rho", fay_rho, low=0, high=1, high_open=True,
                               hint="Fay's rho is in [0, 1), usually between 0.3 and 0.5")
    if seed is not None and not isinstance(seed, (np.random.SeedSequence,
                                                  np.random.Generator)):
        seed = check_number("seed", seed, low=0, integer=True)
    check_option("mse", mse, [True, False])
    if replicates is not None and method not in ("bootstrap", "subbootstrap"):
        raise DesignError(f"replicates= is for the bootstrap; {method!r} makes as many "
                          "replicates as its scheme needs", hint="leave replicates out")
    if (fay_rho is not None) != (method == "fay"):
        raise DesignError("fay_rho goes with method='fay' (and method='fay' needs it)",
                          hint="e.g. des.replicate('fay', fay_rho=0.5)")
    rank = None  # the rank of the factors, when known in closed form
    factors: np.ndarray | JackknifeFactors
    if method == "jk1":
        if len(first.n_units) > 1:
            raise DesignError("method='jk1' is for unstratified designs; this one has "
                              f"{len(first.n_units)} strata",
                              hint="use method='jkn', the stratified jackknife")
        factors, rscales, scale = jackknife_factors(first, None)
        rank = JackknifeRank(first, factors, None)
    elif method == "jkn":
        factors, rscales, scale = jackknife_factors(first, design.lonely_psu)
        rank = JackknifeRank(first, factors, design.lonely_psu)
    elif method in ("brr", "fay"):
        if first.popsize is not None:
            warnings.warn("the finite population correction is dropped for BRR and Fay "
                          "replicates, as in R", UserWarning, stacklevel=3)
        first_row = np.empty(len(first.cluster_stratum), dtype=np.intp)
        first_row[first.cluster[::-1]] = np.arange(len(first.cluster))[::-1]
        factors, rscales, scale = brr_factors(first, first_row, fay_rho or 0.0)
    else:
        factors, rscales, scale = bootstrap_factors(
            first, 50 if replicates is None else int(replicates),
            np.random.default_rng(seed), rescaled=method == "subbootstrap")
    rep = ReplicateDesign._from_factors(design, factors, scale, rscales, mse, method, rank)
    return rep if design.scope is None else rep.subset(design.scope)


#: Replication methods of :class:`ReplicateDesign`.
REPLICATE_METHODS = ("jk1", "jkn", "brr", "fay", "bootstrap", "subbootstrap", "other")

#: Most bootstrap replicates :meth:`SurveyDesign.replicate` makes (their factors are
#: held per PSU: a million PSUs by this many replicates would not fit in memory).
_MAX_REPLICATES = 100_000

#: Replication methods :meth:`SurveyDesign.replicate` makes.
_MADE_METHODS = ("jk1", "jkn", "brr", "fay", "bootstrap", "subbootstrap")


def _replicate_columns(data: pd.DataFrame, spec: str | Sequence[str]) -> list[str]:
    """Replicate weight columns from a list or a regular expression."""
    if not isinstance(spec, str):
        return as_columns(spec, "replicate_weights")
    if spec in data.columns:
        return [spec]
    try:
        matched = [c for c in data.columns if re.search(spec, str(c))]
    except re.error as err:
        raise OptionError(f"replicate_weights={spec!r} is neither a column nor a regular "
                          f"expression ({err})",
                          hint="give the column names, or a pattern such as "
                               "'repwt[0-9]+'") from None
    if not matched:
        raise MissingColumnError(f"no column matches the replicate weights pattern {spec!r}",
                                 hint="give the column names, or a regular expression "
                                      "such as 'repwt[0-9]+' (there are "
                                      f"{columns_listing(list(data.columns))})")
    return matched


def _replicate_scales(method: str, n_rep: int, scale: float | None,
                      rscales: Sequence[float] | None,
                      fay_rho: float | None) -> tuple[float, np.ndarray]:
    """R's svrepdesign defaults for ``scale`` and ``rscales``."""
    if method not in REPLICATE_METHODS:
        raise DesignError(f"method={method!r} is not a replication method",
                          hint="use one of " + ", ".join(map(repr, REPLICATE_METHODS)))
    if method == "fay" and fay_rho is None:
        raise DesignError("method='fay' needs fay_rho", hint="pass the rho the data use")
    if fay_rho is not None:
        fay_rho = check_number("fay_rho", fay_rho, low=0, high=1, high_open=True,
                               hint="Fay's rho is in [0, 1), usually between 0.3 and 0.5")
    if method == "jkn" and rscales is None:
        raise DesignError("method='jkn' needs rscales, (n_h - 1) / n_h for each replicate",
                          hint="pass rscales=[...], one per replicate weight column")
    if method == "other" and scale is None:
        raise DesignError("method='other' needs scale", hint="pass scale=...")
    if scale is not None:
        scale = check_number("scale", scale, low=0, low_open=True)
    defaults = {"jk1": (n_rep - 1) / n_rep, "brr": 1 / n_rep, "bootstrap": 1 / (n_rep - 1),
                "subbootstrap": 1 / (n_rep - 1),
                "fay": 1 / (n_rep * (1 - (fay_rho or 0)) ** 2), "jkn": 1.0}
    if method in ("brr", "fay") or scale is None:
        scale = defaults[method]
    if rscales is None:
        multipliers = np.ones(n_rep)
    else:
        if isinstance(rscales, (str, bytes)) or np.ndim(rscales) != 1:
            raise OptionError(f"rscales={rscales!r} is not a list of numbers",
                              hint="give one rscale per replicate weight column")
        multipliers = np.array([check_number(f"rscales[{r}]", value, low=0)
                                for r, value in enumerate(rscales)], dtype=float)
    if multipliers.shape != (n_rep,):
        raise DesignError(f"rscales has {multipliers.size} values for {n_rep} replicates",
                          hint="give one rscale per replicate weight column")
    if not np.any(multipliers > 0):
        raise DesignError("every rscale is zero: the replicates would carry no variance",
                          hint="give rscales above 0 (for 'jkn', (n_h - 1) / n_h)")
    multipliers.flags.writeable = False
    return float(scale), multipliers
