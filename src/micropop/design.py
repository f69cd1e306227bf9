"""Survey designs: the sample, its weights and how it was drawn.

A :class:`SurveyDesign` is built once from a DataFrame and column names, as R's
``svydesign``; it encodes strata and sampling units as integer codes so that
every estimate afterwards is a handful of group sums (variances by Taylor
linearisation). A :class:`ReplicateDesign` carries replicate weights instead,
shipped with the data (R's ``svrepdesign``) or made by
:meth:`SurveyDesign.replicate` (R's ``as.svrepdesign``). Both offer the same
estimators and :meth:`subset`.

Examples
--------
>>> import pandas as pd
>>> from micropop.design import SurveyDesign
>>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [10, 10, 20, 20],
...                    "region": ["a", "a", "b", "b"]})
>>> des = SurveyDesign(df, weights="w", strata="region")
>>> des
SurveyDesign(4 rows, 2 strata, 4 PSUs, 1 stage, weights='w', lonely_psu='fail')
>>> float(des.total("y").estimate[0])
170.0
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Self

import numpy as np
import pandas as pd

from micropop.errors import (MAX_ROWS_SHOWN, DesignError, EmptyDomainError,
                             MissingColumnError, NotADesignError, OptionError, WeightError,
                             check_number, check_option, data_rows)
from micropop.expressions import evaluate
from micropop.variance.linearization import LONELY_PSU_POLICIES, Stage, unit_totals
from micropop.variance.replicate import replicate_sums
from micropop.variance.replication import (JackknifeRank, bootstrap_factors, brr_factors,
                                           factor_rank, jk1_factors, jkn_factors)

if TYPE_CHECKING:
    from micropop.estimation import ChisqTest, Estimate
    from micropop.weighting import WeightingStep, WeightSummary

__all__ = ["REPLICATE_METHODS", "ReplicateDesign", "SurveyDesign"]

Columns = str | Sequence[str] | None


class _Design:
    """What every design shares: data, weights, subsets and the estimators."""

    __slots__ = ("_data", "_weights", "_scope", "_degf", "_design_columns", "_weighting")

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("designs are immutable; methods return new designs")

    @property
    def data(self) -> pd.DataFrame:
        """The rows of the design (those kept by :meth:`subset`).

        A new DataFrame: changing it leaves the design alone.
        """
        return _protected(self._data) if self._scope is None else self._data[self._scope]

    @property
    def weights(self) -> pd.Series:
        """Sampling weights as a Series aligned with :attr:`data`."""
        w = pd.Series(self._weights, index=self._data.index, name="weights")
        return w if self._scope is None else w[self._scope]

    @property
    def degf(self) -> int:
        """Design degrees of freedom, as R's ``degf``, for t intervals.

        PSUs minus strata among rows with a non-zero weight for a
        :class:`SurveyDesign`; the rank of the replicate weights minus one
        for a :class:`ReplicateDesign`.
        """
        return self._degf

    @property
    def _rows(self) -> np.ndarray:
        """Boolean mask of the rows in the design (all unless subset)."""
        if self._scope is None:
            return np.ones(len(self._data), dtype=bool)
        return self._scope

    # --- new designs --------------------------------------------------------

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
        """

        data = self.data
        # a string is read by the safe grammar, never evaluated, on the whole sample (so its
        # values are checked against every row); the design's own rows are then kept
        mask = evaluate(where, self._data)[self._rows] if isinstance(where, str) else where
        if isinstance(mask, pd.Series) and not mask.index.equals(data.index):
            mask = mask.reindex(data.index)  # align labels; unknown rows become NaN
        mask = np.asarray(mask)
        if mask.shape != (len(data),) or mask.dtype != bool:
            raise DesignError(f"subset needs {len(data)} True/False values without missing "
                              f"ones, one per row of the design (got {mask.dtype}, "
                              f"shape {mask.shape})",
                              hint="compare a column, e.g. des.subset(\"stype == 'E'\")")
        scope = self._rows.copy()
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

    def _replace(self, **slots: object) -> Self:
        """A copy of the design with some slots changed (degf recounted for a new scope)."""
        new = object.__new__(type(self))
        for cls in type(self).__mro__:
            for name in getattr(cls, "__slots__", ()):
                object.__setattr__(new, name, slots[name] if name in slots
                                   else getattr(self, name))
        if "_scope" in slots:
            object.__setattr__(new, "_degf", new._count_degf())
        return new

    # --- estimators -----------------------------------------------------

    def total(self, variables: str | Sequence[str], by: Columns = None,
              deff: bool | str = False, na_rm: bool = False) -> Estimate:
        """Estimated population totals (R's ``svytotal``, ``svyby``).

        See :func:`micropop.estimation.survey_total`.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0], "w": [10.0, 10.0, 20.0]})
        >>> float(SurveyDesign(df, weights="w").total("y").estimate[0])
        90.0
        """
        from micropop.estimation import survey_total
        return survey_total(self, variables, by=by, deff=deff, na_rm=na_rm)

    def mean(self, variables: str | Sequence[str], by: Columns = None,
             deff: bool | str = False, na_rm: bool = False) -> Estimate:
        """Estimated population means (R's ``svymean``, ``svyby``).

        See :func:`micropop.estimation.survey_mean`.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0], "w": [10.0, 10.0, 20.0]})
        >>> float(SurveyDesign(df, weights="w").mean("y").estimate[0])
        2.25
        """
        from micropop.estimation import survey_mean
        return survey_mean(self, variables, by=by, deff=deff, na_rm=na_rm)

    def ratio(self, numerator: str | Sequence[str], denominator: str, by: Columns = None,
              deff: bool | str = False, na_rm: bool = False) -> Estimate:
        """Estimated ratios of population totals (R's ``svyratio``).

        See :func:`micropop.estimation.survey_ratio`.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0], "x": [2.0, 2.0, 2.0],
        ...                    "w": [10.0, 10.0, 20.0]})
        >>> float(SurveyDesign(df, weights="w").ratio("y", "x").estimate[0])
        1.125
        """
        from micropop.estimation import survey_ratio
        return survey_ratio(self, numerator, denominator, by=by, deff=deff, na_rm=na_rm)

    def quantile(self, variables: str | Sequence[str], quantiles: float | Sequence[float],
                 by: Columns = None, qrule: str = "math", conf_level: float = 0.95,
                 df: float | None = None, na_rm: bool = False,
                 interval_type: str = "mean") -> Estimate:
        """Quantiles with their intervals (R's ``svyquantile``: qrule "math", Woodruff).

        ``interval_type`` is R's ``interval.type``: "mean" (Woodruff, the
        default), "xlogit", "asin", "beta", "score" (linearised designs) or
        "quantile" (replicate designs).

        See :func:`micropop.estimation.survey_quantile`.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"y": [float(v) for v in range(1, 41)], "w": 2.0})
        >>> float(SurveyDesign(df, weights="w").quantile("y", 0.5).estimate[0])
        20.0
        """
        from micropop.estimation import survey_quantile
        return survey_quantile(self, variables, quantiles, by=by, qrule=qrule,
                               conf_level=conf_level, df=df, na_rm=na_rm,
                               interval_type=interval_type)

    def proportion(self, variable: str, level: object = None, ci: str = "logit",
                   by: Columns = None, conf_level: float = 0.95, df: float | None = None,
                   na_rm: bool = False) -> Estimate:
        """A proportion with an interval inside [0, 1] (R's ``svyciprop``).

        See :func:`micropop.estimation.survey_proportion`.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"smoker": [True] * 8 + [False] * 32, "w": 2.0})
        >>> float(SurveyDesign(df, weights="w").proportion("smoker", level=True).estimate[0])
        0.2
        """
        from micropop.estimation import survey_proportion
        return survey_proportion(self, variable, level=level, ci=ci, by=by,
                                 conf_level=conf_level, df=df, na_rm=na_rm)

    def chisq(self, rows: str, cols: str, statistic: str = "F",
              na_rm: bool = False) -> ChisqTest:
        """Test of association of two categorical columns (R's ``svychisq``).

        Rao and Scott's second-order F by default; ``statistic`` is one of
        ``"F"``, ``"Chisq"``, ``"Wald"``, ``"adjWald"``, ``"lincom"`` (Pearson's
        X^2 against its exact asymptotic distribution, by Davies' algorithm) and
        ``"saddlepoint"`` (the same by a saddlepoint approximation). See
        :func:`micropop.estimation.survey_chisq`.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"a": list("xxyy") * 10, "b": list("pqpp") * 10, "w": 1.0})
        >>> test = SurveyDesign(df, weights="w").chisq("a", "b")
        >>> test.statistic_name, round(test.p_value, 4)
        ('F', 0.0005)
        """
        from micropop.estimation import survey_chisq
        return survey_chisq(self, rows, cols, statistic=statistic, na_rm=na_rm)

    # --- weighting (micropop.weighting) -------------------------------------

    def adjust_nonresponse(self, responded: str | np.ndarray | pd.Series,
                           by: Columns = None) -> Self:
        """Weighting-class nonresponse adjustment; returns the respondents.

        See :func:`micropop.weighting.adjust_nonresponse`.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"r": [True, False, True, True], "w": 10.0})
        >>> SurveyDesign(df, weights="w").adjust_nonresponse("r").weights.round(4).tolist()
        [13.3333, 13.3333, 13.3333]
        """
        from micropop.weighting import adjust_nonresponse
        return adjust_nonresponse(self, responded, by=by)

    def poststratify(self, strata: str | Sequence[str], population: object,
                     partial: bool = False) -> Self:
        """Post-stratify to population counts (R's ``postStratify``).

        See :func:`micropop.weighting.poststratify`.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"g": ["a", "b", "b"], "w": 1.0})
        >>> SurveyDesign(df, weights="w").poststratify("g", {"a": 5, "b": 8}).weights.tolist()
        [5.0, 4.0, 4.0]
        """
        from micropop.weighting import poststratify
        return poststratify(self, strata, population, partial=partial)

    def rake(self, margins: dict, max_iter: int = 100, epsilon: float = 1e-7) -> Self:
        """Rake the weights to population margins (R's ``rake``).

        See :func:`micropop.weighting.rake`.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"sex": ["f", "m", "m"], "w": 1.0})
        >>> SurveyDesign(df, weights="w").rake({"sex": {"f": 6, "m": 4}}).weights.tolist()
        [6.0, 2.0, 2.0]
        """
        from micropop.weighting import rake
        return rake(self, margins, max_iter=max_iter, epsilon=epsilon)

    def calibrate(self, population: dict, method: str = "linear",
                  bounds: tuple[float, float] | None = None, max_iter: int = 50,
                  epsilon: float = 1e-7) -> Self:
        """Calibrate the weights to population totals (R's ``calibrate``).

        See :func:`micropop.weighting.calibrate`.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"sex": ["f", "m", "m"], "x": [1.0, 1.0, 3.0], "w": 1.0})
        >>> des = SurveyDesign(df, weights="w").calibrate({"sex": {"f": 5, "m": 5}, "x": 15})
        >>> [round(v, 6) for v in des.weights]
        [5.0, 2.5, 2.5]
        """
        from micropop.weighting import calibrate
        return calibrate(self, population, method=method, bounds=bounds, max_iter=max_iter,
                         epsilon=epsilon)

    def trim(self, lower: float = -np.inf, upper: float = np.inf, strict: bool = False) -> Self:
        """Trim extreme weights, spreading the excess (R's ``trimWeights``).

        See :func:`micropop.weighting.trim`.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"w": [1.0, 1.0, 10.0]})
        >>> SurveyDesign(df, weights="w").trim(upper=6).weights.tolist()
        [3.0, 3.0, 6.0]
        """
        from micropop.weighting import trim
        return trim(self, lower=lower, upper=upper, strict=strict)

    def weight_summary(self) -> WeightSummary:
        """Weight diagnostics: spread, Kish deff, margins reached, convergence.

        See :func:`micropop.weighting.weight_summary`.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"w": [1.0, 3.0]})
        >>> float(SurveyDesign(df, weights="w").weight_summary().statistics["deff_kish"])
        1.25
        """
        from micropop.weighting import weight_summary
        return weight_summary(self)

    @property
    def weighting_steps(self) -> tuple[WeightingStep, ...]:
        """The weighting steps that made these weights, oldest first.

        Each is a :class:`micropop.weighting.WeightingStep` (method, margins,
        iterations, final change); empty for design weights.
        """
        return self._weighting


class SurveyDesign(_Design):
    """A probability sample with its design: weights, strata, PSU stages, fpc.

    Follows R ``survey``'s ``svydesign`` (Lumley): the same arguments, the same
    defaults, the same variance (Taylor linearisation, R's ``svyrecvar``).
    The object is immutable; :meth:`subset` returns a new design.

    Parameters
    ----------
    data : DataFrame
        One row per sampled unit (respondent). Later changes to it do not
        reach the design.
    weights : str, optional
        Column of probability (sampling) weights, ``1 / P(selection)``. Zero
        weights are allowed, as in R. Give ``weights`` or ``probs``, or
        neither to derive the weights from ``fpc`` (R does the same); with
        neither and no fpc every weight is 1, with a warning, as in R.
    strata : str or list of str, optional
        Stratum column (one per stage for multistage designs; later stages
        reuse the last one, as R).
    psu : str or list of str, optional
        Sampling-unit columns, one per stage: ``"dnum"`` (one-stage cluster
        sample), ``["dnum", "snum"]`` (two stages). None: each row is its own
        PSU (R's ``id=~1``).
    fpc : str or list of str, optional
        Finite population correction per stage: population sizes (counts of
        PSUs in the stratum) or sampling fractions; as in R, values all
        ``<= 1`` are fractions. Must be constant within a stratum. Without
        fpc, sampling is taken to be with replacement.
    probs : str, optional
        Column of selection probabilities (instead of ``weights``).
    nest : bool, default False
        PSU ids repeat across strata and name different PSUs: relabel them
        within strata (R's ``nest=TRUE``).
    lonely_psu : {"fail", "remove", "certainty", "adjust", "average"}
        What to do with a stratum holding one PSU, as R's
        ``options(survey.lonely.psu=)``: raise (default), contribute nothing
        ("remove", "certainty"), centre it at zero ("adjust") or scale the
        other strata up ("average").
    ultimate_cluster : bool, default False
        Variance from the first stage only, as R's
        ``options(survey.ultimate.cluster=TRUE)``. By default, as in R, later
        stages add their variance when every stage has an fpc.
    adjust_domain_lonely : bool, default False
        As R's ``options(survey.adjust.domain.lonely=TRUE)``: under
        ``lonely_psu="adjust"`` or ``"average"``, a domain (subset, ``by=``
        level) that holds rows of a single PSU of a stratum treats that PSU
        as lonely.

    Raises
    ------
    MissingColumnError
        A named column is not in ``data``.
    WeightError
        Weights missing, NaN, negative, infinite, True/False, not numeric or
        all zero; probabilities at or below 0 or above 1 (naming the data rows).
    DesignError
        Column labels that are not text or that repeat (name the columns
        first: ``df.columns = df.columns.astype(str)``); missing strata or
        PSU ids, PSUs shared by strata without ``nest=True``, an fpc of 0 (or
        missing, negative, infinite), smaller than the PSUs sampled or varying
        within a stratum, a single PSU in the whole design.
    OptionError
        A column argument that is not a name, or a flag that is not True/False.

    See Also
    --------
    SurveyDesign.total, SurveyDesign.mean, SurveyDesign.ratio, SurveyDesign.quantile,
    SurveyDesign.proportion, SurveyDesign.chisq, SurveyDesign.subset, SurveyDesign.assign,
    SurveyDesign.replicate, ReplicateDesign

    Examples
    --------
    A stratified sample of two strata, with population sizes as fpc:

    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"y": [3.0, 5.0, 4.0, 8.0, 9.0],
    ...                    "stratum": ["a", "a", "b", "b", "b"],
    ...                    "N": [20, 20, 30, 30, 30]})
    >>> des = SurveyDesign(df, strata="stratum", fpc="N")
    >>> des.weights.tolist()  # derived from fpc: N_h / n_h
    [10.0, 10.0, 10.0, 10.0, 10.0]
    >>> des.degf  # PSUs minus strata, as R's degf
    3
    """

    __slots__ = ("_stages", "_lonely_psu", "_ultimate_cluster", "_adjust_domain_lonely",
                 "_spec")

    def __init__(self, data: pd.DataFrame, weights: str | None = None, strata: Columns = None,
                 psu: Columns = None, fpc: Columns = None, probs: str | None = None,
                 nest: bool = False, lonely_psu: str = "fail",
                 ultimate_cluster: bool = False, adjust_domain_lonely: bool = False) -> None:
        if not isinstance(data, pd.DataFrame):
            raise DesignError(f"data must be a pandas DataFrame, not {type(data).__name__}",
                              hint="read the file with mp.read_survey or pd.read_csv first")
        if lonely_psu not in LONELY_PSU_POLICIES:
            raise DesignError(f"lonely_psu={lonely_psu!r} is not a policy",
                              hint="use one of " + ", ".join(map(repr, LONELY_PSU_POLICIES)))
        for flag, value in (("nest", nest), ("ultimate_cluster", ultimate_cluster),
                            ("adjust_domain_lonely", adjust_domain_lonely)):
            check_option(flag, value, [True, False])
        check_labels(data)
        psu_cols = as_columns(psu, "psu") or [None]
        strata_cols = as_columns(strata, "strata")
        fpc_cols = as_columns(fpc, "fpc")
        for name, value in (("weights", weights), ("probs", probs)):
            if value is not None:
                as_columns(value, name)
        if len(strata_cols) > len(psu_cols):
            raise DesignError(f"{len(strata_cols)} strata columns for {len(psu_cols)} stage(s)",
                              hint="give at most one strata column per psu column")
        if fpc_cols and len(fpc_cols) != len(psu_cols):
            raise DesignError(f"{len(fpc_cols)} fpc columns for {len(psu_cols)} stage(s)",
                              hint="give one fpc column per psu column (psu=[...], fpc=[...])")
        if weights is not None and probs is not None:
            raise DesignError("both weights and probs were given",
                              hint="give one of them: weights = 1 / probs")
        require_columns(data, [c for c in [weights, probs, *strata_cols, *psu_cols, *fpc_cols]
                               if c is not None])

        frame = _protected(data)  # the caller's later edits do not reach the design
        stages = _encode_stages(frame, strata_cols, psu_cols, fpc_cols, nest)
        w = _weights(frame, weights, probs, stages)
        object.__setattr__(self, "_data", frame)
        object.__setattr__(self, "_weights", w)
        object.__setattr__(self, "_stages", tuple(stages))
        object.__setattr__(self, "_scope", None)
        object.__setattr__(self, "_weighting", ())  # weighting steps (micropop.weighting)
        object.__setattr__(self, "_lonely_psu", lonely_psu)
        object.__setattr__(self, "_ultimate_cluster", bool(ultimate_cluster))
        object.__setattr__(self, "_adjust_domain_lonely", bool(adjust_domain_lonely))
        object.__setattr__(self, "_spec", {"weights": weights, "probs": probs,
                                           "strata": strata, "psu": psu, "fpc": fpc,
                                           "nest": nest})
        object.__setattr__(self, "_design_columns", frozenset(
            c for c in [weights, probs, *strata_cols, *psu_cols, *fpc_cols] if c is not None))
        object.__setattr__(self, "_degf", self._count_degf())

    @property
    def lonely_psu(self) -> str:
        """The lonely-PSU policy (R's ``survey.lonely.psu``)."""
        return self._lonely_psu

    @property
    def ultimate_cluster(self) -> bool:
        """True when the variance uses the first stage only."""
        return self._ultimate_cluster

    @property
    def adjust_domain_lonely(self) -> bool:
        """True to treat a PSU alone in its stratum within a domain as lonely."""
        return self._adjust_domain_lonely

    @property
    def n_stages(self) -> int:
        """Number of sampling stages."""
        return len(self._stages)

    @property
    def n_psu(self) -> int:
        """Number of sampled PSUs (first-stage units) among the design's rows."""
        return _n_distinct(self._stages[0].cluster, self._rows)

    @property
    def n_strata(self) -> int:
        """Number of first-stage strata among the design's rows."""
        return _n_distinct(self._stages[0].strata, self._rows)

    def replicate(self, method: str = "jkn", replicates: int | None = None,
                  seed: int | np.random.SeedSequence | None = None,
                  fay_rho: float | None = None, mse: bool = False) -> ReplicateDesign:
        """Replicate weights for this design, as R's ``as.svrepdesign``.

        Replicates are made from the first stage (PSUs and strata) and stored
        per PSU, as R's compressed weights: 200 replicates of a design with
        40,000 PSUs hold 8 million numbers, whatever the number of rows.

        Parameters
        ----------
        method : {"jkn", "jk1", "brr", "fay", "bootstrap", "subbootstrap"}
            - ``"jk1"``: delete-one-PSU jackknife of an unstratified design
              (scale ``(1 - f) (n - 1) / n``), R's ``type="JK1"``;
            - ``"jkn"``: the stratified jackknife (rscales
              ``(1 - f_h) (n_h - 1) / n_h``); strata with one PSU follow
              :attr:`lonely_psu` as R's ``jknweights``, fully sampled strata
              get no replicate;
            - ``"brr"``: balanced repeated replication with R's Hadamard
              matrix (R's ``brrweights``); every stratum must hold exactly two
              PSUs; the fpc is dropped, with a warning, as in R;
            - ``"fay"``: Fay's BRR with ``fay_rho`` (R's ``type="Fay"``);
            - ``"bootstrap"``: R's ``bootweights``: ``n_h`` PSUs drawn with
              replacement in each stratum (without replacement from the
              stratum repeated to its population size when there is an fpc),
              scale ``nbar / ((nbar - 1)(R - 1))``;
            - ``"subbootstrap"``: Rao and Wu's rescaling bootstrap, ``n_h - 1``
              draws and factors ``n_h / (n_h - 1)`` (R's ``"subbootstrap"``).
        replicates : int, optional
            Bootstrap replicates (default 50, as R). BRR and Fay use as many
            as the Hadamard matrix has columns; the jackknives one per PSU.
        seed : int or SeedSequence, optional
            Seed of numpy's generator for the bootstrap draws (R's draws use
            R's generator, so the replicates differ from R's; the variance they
            estimate does not).
        fay_rho : float, optional
            Fay's rho in (0, 1), for ``method="fay"``.
        mse : bool, default False
            Centre replicates on the full-sample estimate (R's ``mse=TRUE``).

        Returns
        -------
        ReplicateDesign
            A subset design gives the replicates of its full sample, kept to
            the subset's rows. Degrees of freedom are R's: the rank of the
            replicate weights minus one.

        Raises
        ------
        DesignError
            An unknown method; "jk1" on a stratified design; "brr" or "fay"
            on a design without exactly two PSUs per stratum (naming the
            strata); a bootstrap with a single-PSU stratum; "fay" without
            ``fay_rho``.
        OptionError
            ``replicates`` not a whole number from 2 to 100,000 (2.5 is not
            truncated), ``fay_rho`` outside [0, 1), a negative or fractional
            ``seed``.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 5.0], "w": 2.0})
        >>> rep = SurveyDesign(df, weights="w").replicate("jk1")
        >>> round(float(rep.mean("y").se[0]), 6) == round(float(df["y"].sem()), 6)
        True
        >>> pairs = SurveyDesign(df.assign(pair=[1, 1, 2, 2]), weights="w", strata="pair")
        >>> pairs.replicate("brr").replicate_weights.shape
        (4, 4)
        >>> boot = pairs.replicate("bootstrap", replicates=200, seed=1)
        >>> boot.replicate_weights.shape
        (4, 200)
        """
        if self._weighting:
            steps = ", ".join(step.method for step in self._weighting)
            raise DesignError(
                f"this design has been re-weighted ({steps}); replicates made from it would "
                "not repeat the weighting, so their variance would ignore it",
                hint="make the replicate design first, then weight it (R does the same: "
                     "as.svrepdesign, then calibrate), e.g. des.replicate('jkn').rake(...)")
        first = self._stages[0]
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
        if method == "jk1":
            if len(first.n_units) > 1:
                raise DesignError("method='jk1' is for unstratified designs; this one has "
                                  f"{len(first.n_units)} strata",
                                  hint="use method='jkn', the stratified jackknife")
            factors, rscales, scale = jk1_factors(first)
            rank = JackknifeRank(first, factors, None)
        elif method == "jkn":
            factors, rscales, scale = jkn_factors(first, self._lonely_psu)
            rank = JackknifeRank(first, factors, self._lonely_psu)
        elif method in ("brr", "fay"):
            if first.popsize is not None:
                warnings.warn("the finite population correction is dropped for BRR and Fay "
                              "replicates, as in R", UserWarning, stacklevel=2)
            first_row = np.empty(len(first.cluster_stratum), dtype=np.intp)
            first_row[first.cluster[::-1]] = np.arange(len(first.cluster))[::-1]
            factors, rscales, scale = brr_factors(first, first_row, fay_rho or 0.0)
        else:
            factors, rscales, scale = bootstrap_factors(
                first, 50 if replicates is None else int(replicates),
                np.random.default_rng(seed), rescaled=method == "subbootstrap")
        rep = ReplicateDesign._from_factors(self, factors, scale, rscales, mse, method, rank)
        return rep if self._scope is None else rep.subset(self._scope)

    def _count_degf(self) -> int:
        return _psu_degf(self._stages[0], self._rows & (self._weights != 0))

    # --- presentation -----------------------------------------------------

    def __repr__(self) -> str:
        stages = self.n_stages
        spec = self._spec
        source = (f"weights={spec['weights']!r}" if spec["weights"] else
                  f"probs={spec['probs']!r}" if spec["probs"] else
                  f"fpc={spec['fpc']!r}" if spec["fpc"] else "equal weights")
        return (f"SurveyDesign({len(self.data)} rows, {self.n_strata} strata, "
                f"{self.n_psu} PSUs, {stages} stage{'s' if stages > 1 else ''}, "
                f"{source}, lonely_psu={self._lonely_psu!r})")


# --- encoding --------------------------------------------------------------


class ReplicateDesign(_Design):
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
                 "_rank")

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
        frame = _protected(data)
        w = pd.to_numeric(frame[weights], errors="coerce").to_numpy(dtype=float)
        _check_weights(frame, weights, frame[weights], w, "weights")
        replicates = np.empty((len(frame), len(columns)))
        for r, column in enumerate(columns):
            replicates[:, r] = pd.to_numeric(frame[column], errors="coerce").to_numpy(float)
            _check_weights(frame, column, frame[column], replicates[:, r], "replicate weights")
        n_rep = len(columns)
        scale, rscales = _replicate_scales(method, n_rep, scale, rscales, fay_rho)
        w.flags.writeable = False
        replicates.flags.writeable = False
        self._fill(frame, w, replicates, None, scale, rscales, mse, method, tuple(columns),
                   frozenset([weights, *columns]))

    @classmethod
    def _from_factors(cls, design: SurveyDesign, factors: np.ndarray, scale: float,
                      rscales: np.ndarray, mse: bool, method: str,
                      rank: JackknifeRank | None = None) -> ReplicateDesign:
        """Replicates made by micropop from ``design`` (all its rows): row i of
        replicate r weighs ``weights[i] * factors[psu[i], r]`` (R's compressed
        replicate weights), stored per PSU. ``rank`` gives the rank of the
        factors of some PSUs in closed form (jackknives)."""
        new = object.__new__(cls)
        factors.flags.writeable = False
        rscales.flags.writeable = False
        columns = tuple(f"{method}{r + 1}" for r in range(factors.shape[1]))
        new._fill(design._data, design._weights, factors, design._stages[0].cluster, scale,
                  rscales, mse, method, columns, design._design_columns, rank)
        return new

    def _fill(self, frame, weights, replicates, unit, scale, rscales, mse, method,
              columns, design_columns, rank=None) -> None:
        for name, value in (("_data", frame), ("_weights", weights), ("_scope", None),
                            ("_replicates", replicates), ("_unit", unit), ("_scale", scale),
                            ("_rscales", rscales), ("_mse", bool(mse)), ("_method", method),
                            ("_columns", columns), ("_design_columns", design_columns),
                            ("_weighting", ()), ("_rank", rank)):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_degf", self._count_degf())

    @property
    def replicate_weights(self) -> pd.DataFrame:
        """The replicate weights, one column per replicate, aligned with :attr:`data`."""
        full = self._replicates if self._unit is None else \
            self._weights[:, None] * self._replicates[self._unit]
        frame = pd.DataFrame(full, index=self._data.index, columns=list(self._columns))
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

    def _count_degf(self) -> int:
        return self._rank_degf(self._rows)

    def _rank_degf(self, rows: np.ndarray) -> int:
        """R's degf: the rank of the rows' replicate weights minus one
        (``qr(weights(design, "analysis"))$rank - 1``), also for subsets.

        For replicates made per PSU, the rank of the factors of the PSUs
        holding the rows (an (R, R) problem, whatever the rows), in closed
        form for the jackknives.
        """
        if self._unit is None:
            return factor_rank(self._replicates[rows]) - 1
        held = np.bincount(self._unit[rows & (self._weights != 0)],
                           minlength=self._replicates.shape[0]) > 0
        if self._rank is not None:
            return self._rank(held) - 1
        return factor_rank(self._replicates[held]) - 1

    def _replicate_sums(self, values: np.ndarray, row_domain: np.ndarray | None,
                        n_domains: int, shift: np.ndarray | None = None) -> np.ndarray:
        """Replicate-weighted sums of ``values`` (n, p) by domain, shape (R, p * K).

        With ``shift`` (n,), each row's weights are divided by ``2**shift``
        first (the estimators scale the values up to match, so that no sum
        overflows; powers of two scale exactly).
        """
        if self._unit is None:
            replicates = (self._replicates if shift is None
                          else np.ldexp(self._replicates, -shift[:, None]))
            return replicate_sums(replicates, values, row_domain, n_domains)
        weights = self._weights if shift is None else np.ldexp(self._weights, -shift)
        totals = unit_totals(weights[:, None] * values, self._unit,
                             self._replicates.shape[0], row_domain, n_domains)
        return self._replicates.T @ totals

    def __repr__(self) -> str:
        return (f"ReplicateDesign({len(self.data)} rows, {len(self._columns)} "
                f"{self._method} replicates, scale={self._scale:.6g}, mse={self._mse})")


def _psu_degf(stage: Stage, rows: np.ndarray) -> int:
    """PSUs minus strata among ``rows`` (R's degf)."""
    return _n_distinct(stage.cluster, rows) - _n_distinct(stage.strata, rows)


def _n_distinct(codes: np.ndarray, rows: np.ndarray) -> int:
    """How many distinct codes the selected rows hold."""
    return int(np.count_nonzero(np.bincount(codes[rows])))


_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3


def _protected(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose edits stay apart from ``frame`` (cheap under copy-on-write)."""
    return frame.copy(deep=not _COPY_ON_WRITE)


def _aligned(frame: pd.DataFrame, name: str, value: object) -> object:
    """``value`` checked to fit the rows of ``frame`` (a Series is aligned on the index)."""
    if isinstance(value, pd.Series):
        if value.index.equals(frame.index):
            return value
        if not frame.index.isin(value.index).all():
            absent = ~frame.index.isin(value.index)
            raise DesignError(f"the Series given for column {name!r} has no value for "
                              f"{data_rows(frame.index, absent)}",
                              hint="give one value per row of des.data (same index)")
        return value.reindex(frame.index)
    if np.ndim(value) == 0:
        return value
    if len(value) != len(frame):
        raise DesignError(f"column {name!r} has {len(value)} values for {len(frame)} rows "
                          "of the design", hint="give one value per row of des.data")
    return value


def as_columns(columns: Columns, name: str, distinct: bool = False) -> list:
    """Column argument as a list: None -> [], "a" -> ["a"].

    Raises :class:`OptionError` for what is not a column name or a list of
    them (a number, a list holding a number) and, with ``distinct``, for a
    name given twice, naming the argument ``name`` as the user wrote it
    (``strata=5``, ``by=[1]``): every caller passes its argument's name.

    Examples
    --------
    >>> as_columns("age", "by"), as_columns(["age", "sex"], "by"), as_columns(None, "by")
    (['age'], ['age', 'sex'], [])
    >>> as_columns(5, "strata")
    Traceback (most recent call last):
    ...
    micropop.errors.OptionError: strata=5 is not a column name or a list of them. Name columns with text, e.g. 'income' or ['income', 'age'].
    >>> as_columns(["age", "age"], "variables", distinct=True)
    Traceback (most recent call last):
    ...
    micropop.errors.OptionError: variables names column 'age' twice. Name each column once.
    """
    if columns is None:
        return []
    if isinstance(columns, str):
        return [columns]
    hint = "name columns with text, e.g. 'income' or ['income', 'age']"
    if isinstance(columns, (bytes, dict)) or not isinstance(columns, (Sequence, pd.Index,
                                                                     np.ndarray, set)):
        raise OptionError(f"{name}={columns!r} is not a column name or a list of them",
                          hint=hint)
    listed = list(columns)
    wrong = [c for c in listed if not isinstance(c, str)]
    if wrong:
        raise OptionError(f"{name} holds {', '.join(map(repr, wrong[:5]))}, not column names",
                          hint=hint)
    twice = sorted({c for c in listed if listed.count(c) > 1}) if distinct else []
    if twice:
        raise OptionError(f"{name} names column {', '.join(map(repr, twice))} twice",
                          hint="name each column once")
    return listed


def check_labels(frame: pd.DataFrame) -> None:
    """Raise :class:`DesignError` unless every column label of ``frame`` is distinct text.

    Estimators name columns by their labels: a number or a tuple as a label
    (``pd.read_csv(header=None)``, a MultiIndex), or one label for two
    columns, would reach the estimators as the wrong column or none.

    Examples
    --------
    >>> check_labels(pd.DataFrame({"a": [1], "b": [2]}))
    >>> check_labels(pd.DataFrame([[1, 2]]))
    Traceback (most recent call last):
    ...
    micropop.errors.DesignError: column labels 0, 1 are not text. Name the columns with text, e.g. df.columns = df.columns.astype(str), or df.rename(columns={...}).
    """
    labels = list(frame.columns)
    wrong = [label for label in labels if not isinstance(label, str)]
    if wrong:
        shown = ", ".join(map(repr, wrong[:MAX_ROWS_SHOWN]))
        more = f" and {len(wrong) - MAX_ROWS_SHOWN} more" if len(wrong) > MAX_ROWS_SHOWN else ""
        raise DesignError(f"column label{'s' if len(wrong) > 1 else ''} {shown}{more} "
                          f"{'are' if len(wrong) > 1 else 'is'} not text",
                          hint="name the columns with text, e.g. df.columns = "
                               "df.columns.astype(str), or df.rename(columns={...})")
    twice = pd.Index(labels)[pd.Index(labels).duplicated()].unique()
    if len(twice):
        raise DesignError(f"the data have several columns named "
                          f"{', '.join(map(repr, twice[:MAX_ROWS_SHOWN]))}",
                          hint="give each column its own name (df.columns = [...]) or drop "
                               "the copies")


def require_columns(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise MissingColumnError naming the columns absent from ``frame``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingColumnError(f"column(s) {', '.join(map(repr, missing))} not in the data",
                                 hint="check the spelling; columns are: "
                                      + ", ".join(map(str, frame.columns[:20])))


def design_rows(design: _Design, mask: object, values: object = None) -> str:
    """The rows of a design flagged in ``mask``, named as data rows of the user's frame.

    ``mask`` flags either every row of the data the design was built from, or
    only the design's rows (those of :attr:`~_Design.data`, after a
    :meth:`~_Design.subset`); either way the rows are named by their place in
    the whole frame (see :func:`micropop.errors.data_rows`).

    Examples
    --------
    >>> df = pd.DataFrame({"w": [1.0, 2.0, 3.0, 4.0]})
    >>> sub = SurveyDesign(df, weights="w").subset(df["w"] > 2)
    >>> design_rows(sub, np.array([False, True]), [4.0])
    'data row 4 (value: 4.0)'
    """
    flags = np.asarray(mask, dtype=bool)
    frame = design._data
    if len(flags) != len(frame):  # flags over the design's rows only
        full = np.zeros(len(frame), dtype=bool)
        full[np.flatnonzero(design._rows)[flags]] = True
        flags = full
    return data_rows(frame.index, flags, values)


def require_design(obj: object, name: str = "design") -> None:
    """Raise :class:`NotADesignError` unless ``obj`` is a survey design.

    The one check at the entry of every public function that takes a design
    (estimators, inequality, earnings, profile, size, weighting), so that a
    DataFrame, ``None`` or a column name given in its place is refused by
    name instead of failing later with an ``AttributeError``.

    Examples
    --------
    >>> require_design(pd.DataFrame({"y": [1.0]}))
    Traceback (most recent call last):
    ...
    micropop.errors.NotADesignError: design is a DataFrame, not a survey design. Build one with mp.SurveyDesign(data, weights=...) and pass it instead.
    """
    if not isinstance(obj, _Design):
        raise NotADesignError(f"{name} is {_kind(obj)}, not a survey design",
                              hint="build one with mp.SurveyDesign(data, weights=...) and "
                                   "pass it instead")


def _kind(obj: object) -> str:
    """``obj`` described for a message: ``None``, ``a DataFrame``, ``the text 'x'``."""
    if obj is None:
        return "None"
    if isinstance(obj, str):
        return f"the text {obj[:40]!r}"
    name = type(obj).__name__
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name


def _codes(frame: pd.DataFrame, column: str, role: str) -> tuple[np.ndarray, np.ndarray]:
    """Dense integer codes of a strata or PSU column, and its distinct values."""
    values = frame[column]
    missing = values.isna().to_numpy()
    if missing.any():
        raise DesignError(f"{role} column {column!r} has missing values in "
                          f"{data_rows(frame.index, missing)}",
                          hint=f"fill in the {role} or drop those rows before building the design")
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError:  # values that cannot be hashed or ordered (lists, mixed objects)
        kinds = sorted({type(v).__name__ for v in values})
        raise DesignError(f"{role} column {column!r} holds values that cannot be told apart "
                          f"or ordered ({', '.join(kinds)})",
                          hint=f"give the {role} one kind of value, e.g. "
                               f"df[{column!r}].astype(str)") from None
    return codes.astype(np.intp), np.asarray(uniques)


def _combine(*codes: np.ndarray) -> np.ndarray:
    """Dense codes of the combinations of several code arrays."""
    combined = codes[0].astype(np.int64)
    for more in codes[1:]:
        combined = combined * (int(more.max()) + 1) + more
        combined = pd.factorize(combined, sort=True)[0].astype(np.int64)
    return combined.astype(np.intp)


def _first_labels(codes: np.ndarray, labels: np.ndarray) -> list[str]:
    """Label of each code, taken from its first row."""
    first = np.zeros(int(codes.max()) + 1, dtype=np.intp)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    return [str(labels[i]) for i in first]


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
                                      "such as 'repwt[0-9]+'")
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
        rscales = np.ones(n_rep)
    else:
        if isinstance(rscales, (str, bytes)) or np.ndim(rscales) != 1:
            raise OptionError(f"rscales={rscales!r} is not a list of numbers",
                              hint="give one rscale per replicate weight column")
        rscales = np.array([check_number(f"rscales[{r}]", value, low=0)
                            for r, value in enumerate(rscales)], dtype=float)
    if rscales.shape != (n_rep,):
        raise DesignError(f"rscales has {rscales.size} values for {n_rep} replicates",
                          hint="give one rscale per replicate weight column")
    if not np.any(rscales > 0):
        raise DesignError("every rscale is zero: the replicates would carry no variance",
                          hint="give rscales above 0 (for 'jkn', (n_h - 1) / n_h)")
    rscales.flags.writeable = False
    return float(scale), rscales


def _encode_stages(frame: pd.DataFrame, strata_cols: list, psu_cols: list,
                   fpc_cols: list, nest: bool) -> list[Stage]:
    """Encode strata, units and fpc of every stage as R's svydesign does.

    Stage ``s`` units are nested in stage ``s-1`` units (and, with ``nest``,
    in the strata); later-stage strata are the given strata column (or the
    last one) crossed with the previous stage's unit, as in R.
    """
    n = len(frame)
    if n == 0:
        raise DesignError("the data have no rows", hint="check the file that was read")
    has_strata = bool(strata_cols)
    if has_strata:
        strata_codes = [_codes(frame, c, "strata") for c in strata_cols]
    else:
        strata_codes = [(np.zeros(n, dtype=np.intp), np.array(["(all)"], dtype=object))]
    ids = [(_codes(frame, c, "psu")[0] if c is not None else np.arange(n, dtype=np.intp))
           for c in psu_cols]
    if ids[0].max() == 0 and not (nest and has_strata):
        raise DesignError(f"the design has a single PSU (column {psu_cols[0]!r})",
                          hint="a variance needs two PSUs or more; check the psu column")
    if has_strata and not nest:
        _check_nested(frame, psu_cols[0], ids[0], strata_codes[0][0], strata_cols[0])

    stages: list[Stage] = []
    for s in range(len(psu_cols)):
        cluster = _combine(*ids[: s + 1])
        if nest and has_strata:
            cluster = _combine(*[c for c, _ in strata_codes[: s + 1]], cluster)
        codes, uniques = strata_codes[min(s, len(strata_codes) - 1)]
        if s == 0:
            strata, labels, parent = codes, [str(v) for v in uniques], None
        else:
            parent = stages[-1].cluster
            strata = _combine(codes, parent)
            unit = frame[psu_cols[s - 1]].astype(str).to_numpy() if psu_cols[s - 1] else \
                frame.index.astype(str).to_numpy()
            labels = [f"{a} in {psu_cols[s - 1]} {b}" for a, b in zip(
                _first_labels(strata, uniques[codes]), _first_labels(strata, unit))]
        stages.append(Stage.build(strata, cluster, None, labels, parent))
    if fpc_cols:
        raw = [_stratum_fpc(frame, col, s, stage) for s, (col, stage)
               in enumerate(zip(fpc_cols, stages))]
        stages = [stage.with_popsize(pop) for stage, pop
                  in zip(stages, _popsizes(raw, stages, fpc_cols))]
    return stages


def _check_nested(frame: pd.DataFrame, psu_col: str | None, psu: np.ndarray,
                  strata: np.ndarray, strata_col: str) -> None:
    """Raise when a PSU id appears in two strata (R: clusters not nested)."""
    first = np.empty(int(psu.max()) + 1, dtype=np.intp)
    first[psu] = strata
    crossing = first[psu] != strata
    if crossing.any():
        ids = pd.unique(frame[psu_col].to_numpy()[crossing])[:5]
        raise DesignError(
            f"PSU ids of column {psu_col!r} appear in several strata of {strata_col!r} "
            f"(e.g. {', '.join(map(str, ids))}); R says: clusters not nested in strata",
            hint="pass nest=True if equal ids in different strata are different PSUs")


def _stratum_fpc(frame: pd.DataFrame, column: str, stage_index: int,
                 stage: Stage) -> np.ndarray:
    """The fpc value of each stratum at one stage (checked constant within it)."""
    if pd.api.types.is_bool_dtype(frame[column]):
        raise DesignError(f"fpc column {column!r} holds True/False values",
                          hint="give population sizes (or sampling fractions) for every row")
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values <= 0)
    if bad.any():
        raise DesignError(f"fpc column {column!r} has missing, zero, negative, infinite or "
                          f"non-numeric values in "
                          f"{data_rows(frame.index, bad, frame[column][bad])}",
                          hint="give positive population sizes (or sampling fractions) for "
                               "every row; leave fpc out for sampling with replacement")
    n_strata = len(stage.n_units)
    low = np.full(n_strata, np.inf)
    high = np.full(n_strata, -np.inf)
    np.minimum.at(low, stage.strata, values)
    np.maximum.at(high, stage.strata, values)
    varying = np.flatnonzero(low != high)
    if varying.size:
        names = ", ".join(repr(stage.strata_labels[h]) for h in varying[:5])
        raise DesignError(f"fpc column {column!r} varies within stratum {names} at stage "
                          f"{stage_index + 1}",
                          hint="the fpc is the population size of the stratum: one value "
                               "per stratum")
    return low


def _popsizes(raw: list[np.ndarray], stages: list[Stage], fpc_cols: list) -> list[np.ndarray]:
    """Population units per stratum from fpc counts or fractions (R's as.fpc)."""
    every = np.concatenate(raw)
    as_counts = bool(np.any(every > 1))
    if as_counts and np.any(every < 1):
        raise DesignError(f"fpc columns {', '.join(map(repr, fpc_cols))} mix sampling "
                          "fractions (<= 1) and population sizes (> 1)",
                          hint="give all fpc as population sizes or all as fractions")
    out = []
    for stage, column, fpc in zip(stages, fpc_cols, raw):
        with np.errstate(divide="ignore"):
            popsize = fpc if as_counts else stage.n_units / fpc
        short = np.flatnonzero(popsize < stage.n_units)
        if short.size:
            names = ", ".join(f"{stage.strata_labels[h]!r} (fpc {fpc[h]:g}, "
                              f"{stage.n_units[h]} sampled)" for h in short[:5])
            raise DesignError(f"fpc column {column!r} is smaller than the number of sampled "
                              f"units in stratum {names}",
                              hint="the fpc counts the population units of the stratum "
                                   "(or is a fraction <= 1)")
        out.append(popsize)
    return out


def _weights(frame: pd.DataFrame, weights: str | None, probs: str | None,
             stages: list[Stage]) -> np.ndarray:
    """Weights from a column, from probabilities, or from the fpc (as R)."""
    if weights is None and probs is None:
        if stages[0].popsize is None:
            warnings.warn("no weights, probs or fpc given: assuming equal probability "
                          "(every weight is 1), as R's svydesign", UserWarning, stacklevel=3)
            w = np.ones(len(frame))
        else:
            w = np.ones(len(frame))
            for stage in stages:
                w *= (stage.popsize / stage.n_units)[stage.strata]
    else:
        column = weights if weights is not None else probs
        raw = frame[column]
        w = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        if probs is not None:
            _check_probs(frame, column, raw, w)
            w = 1.0 / w
        _check_weights(frame, column, raw, w, "probs" if probs is not None else "weights")
    w.flags.writeable = False
    return w


def _check_probs(frame: pd.DataFrame, column: str, raw: pd.Series, p: np.ndarray) -> None:
    """Selection probabilities are numbers in (0, 1]: refuse the others, naming rows."""
    if pd.api.types.is_bool_dtype(raw):
        raise WeightError(f"probs column {column!r} holds True/False values",
                          hint="give selection probabilities in (0, 1]")
    problems = [(np.isnan(p), "missing or non-numeric values"),
                (p <= 0, "zero or negative values (an infinite weight)"),
                (p > 1, "values above 1 (a probability is at most 1: are these weights?)")]
    for bad, what in problems:
        if bad.any():
            raise WeightError(f"probs column {column!r} has {what} in "
                              f"{data_rows(frame.index, bad, raw[bad])}",
                              hint="give selection probabilities in (0, 1], or the weights "
                                   "as weights=")


def _check_weights(frame: pd.DataFrame, column: str, raw: pd.Series, w: np.ndarray,
                   role: str) -> None:
    """Weights are finite numbers >= 0, not all zero: refuse the others, naming rows."""
    if pd.api.types.is_bool_dtype(raw):
        raise WeightError(f"{role} column {column!r} holds True/False values, not weights",
                          hint="give sampling weights: numbers, 1 / probability of selection")
    problems = [(np.isnan(w), "missing or non-numeric"),
                (np.isinf(w), "infinite"),
                (w < 0, "negative")]
    for bad, what in problems:
        if bad.any():
            raise WeightError(f"{role} column {column!r} has {what} values in "
                              f"{data_rows(frame.index, bad, raw[bad])}",
                              hint="fix or drop those rows; zero weights are allowed")
    if not np.any(w > 0):
        raise WeightError(f"every value of {role} column {column!r} is zero",
                          hint="a zero weight leaves a row out, so no row would be left; "
                               "check that this is the right column")
