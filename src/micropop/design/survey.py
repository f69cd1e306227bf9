"""Probability samples with their design: R's ``svydesign``.

A :class:`SurveyDesign` is built once from a DataFrame and column names; it
encodes strata and sampling units as integer codes
(:mod:`micropop.design.encode`) so that every estimate afterwards is a
handful of group sums, its variance by Taylor linearisation
(:mod:`micropop.variance.linearization`, reached through the core's
:meth:`~micropop.design._core.Design.linearized_vcov`).

Examples
--------
>>> import pandas as pd
>>> from micropop.design import SurveyDesign
>>> schools = pd.DataFrame({"district": [1, 1, 2, 2, 3, 3], "school": [1, 2, 1, 2, 1, 2],
...                         "w": 40.0})
>>> two_stage = SurveyDesign(schools, weights="w", psu=["district", "school"])
>>> two_stage.n_stages, two_stage.n_psu, two_stage.n_strata, two_stage.degf
(2, 3, 1, 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from micropop.design._core import protected_copy
from micropop.design._facade import DesignMethods
from micropop.design._method_docs import sections_from
from micropop.design._variance import VarianceAPI
from micropop.design.encode import (
    Columns,
    as_columns,
    check_design_options,
    check_labels,
    encode_stages,
    require_columns,
    sampling_weights,
)
from micropop.design.replicate import make_replicates
from micropop.errors import DesignError
from micropop.partitioned import is_dask_frame, partitioned_design
from micropop.variance.calibration import within_stage
from micropop.variance.linearization import (
    Stage,
    linearized_vcov,
    stage_totals,
    variance_stages,
    vcov_from_totals,
)

if TYPE_CHECKING:
    from micropop.design.replicate import ReplicateDesign
    from micropop.variance.linearization import UnitTotals

__all__ = ["SurveyDesign"]


class SurveyDesign(DesignMethods):
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
    lonely_psu : {"fail", "remove", "certainty", "adjust", "average", "adjust_legacy"}
        What to do with a stratum holding one PSU, as R's
        ``options(survey.lonely.psu=)``: raise (default), contribute nothing
        ("remove", "certainty"), centre its total on the mean of all PSU
        totals ("adjust", as R survey >= 4.4) or on zero ("adjust_legacy", as
        survey <= 4.2, e.g. 4.1.1), or scale the other strata up ("average").
        The two "adjust" give the same means (their influence values sum to
        zero) but different totals; "fail", "remove", "certainty" and
        "average" are the same in every version of R. On replicates
        (:meth:`replicate` with ``method="jkn"``) both "adjust" make R's
        ``jknweights`` replicates.
    ultimate_cluster : bool, default False
        Variance from the first stage only, as R's
        ``options(survey.ultimate.cluster=TRUE)``. By default, as in R, later
        stages add their variance when every stage has an fpc.
    adjust_domain_lonely : bool, default False
        As R's ``options(survey.adjust.domain.lonely=TRUE)``: under
        ``lonely_psu="adjust"``, ``"adjust_legacy"`` or ``"average"``, a
        domain (subset, ``by=`` level) that holds rows of a single PSU of a
        stratum treats that PSU as lonely.

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

    _stages: tuple[Stage, ...]
    _lonely_psu: str
    _ultimate_cluster: bool
    _adjust_domain_lonely: bool
    _spec: dict[str, object]

    def __new__(cls, data: pd.DataFrame, weights: str | None = None, strata: Columns = None,
                psu: Columns = None, fpc: Columns = None, probs: str | None = None,
                nest: bool = False, lonely_psu: str = "fail", ultimate_cluster: bool = False,
                adjust_domain_lonely: bool = False) -> Any:
        """A Dask DataFrame gives a :class:`~micropop.partitioned.design.PartitionedDesign`."""
        if is_dask_frame(data):
            return partitioned_design(data, weights, strata, psu, fpc, probs, nest, lonely_psu,
                                      ultimate_cluster, adjust_domain_lonely, memory=cls)
        return super().__new__(cls)

    def __init__(self, data: pd.DataFrame, weights: str | None = None, strata: Columns = None,
                 psu: Columns = None, fpc: Columns = None, probs: str | None = None,
                 nest: bool = False, lonely_psu: str = "fail",
                 ultimate_cluster: bool = False, adjust_domain_lonely: bool = False) -> None:
        if not isinstance(data, pd.DataFrame):
            raise DesignError(f"data must be a pandas DataFrame, not {type(data).__name__}",
                              hint="read the file with mp.read_survey or pd.read_csv first")
        check_design_options(lonely_psu, nest, ultimate_cluster, adjust_domain_lonely)
        check_labels(data)
        psu_cols = as_columns(psu, "psu") or [None]
        strata_cols = as_columns(strata, "strata")
        fpc_cols = as_columns(fpc, "fpc")
        for role, column in (("weights", weights), ("probs", probs)):
            if column is not None:
                as_columns(column, role)
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

        frame = protected_copy(data)  # the caller's later edits do not reach the design
        stages = encode_stages(frame, strata_cols, psu_cols, fpc_cols, nest)
        w = sampling_weights(frame, weights, probs, stages)
        self._set(_data=frame, _weights=w, _stages=tuple(stages), _scope=None,
                  _weighting=(),  # weighting steps (micropop.weighting)
                  _lonely_psu=lonely_psu, _ultimate_cluster=bool(ultimate_cluster),
                  _adjust_domain_lonely=bool(adjust_domain_lonely),
                  _spec={"weights": weights, "probs": probs, "strata": strata, "psu": psu,
                         "fpc": fpc, "nest": nest},
                  _design_columns=frozenset(c for c in [weights, probs, *strata_cols,
                                                        *psu_cols, *fpc_cols] if c is not None))
        self._set(_degf=self._count_degf())

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
        return _n_distinct(self._stages[0].cluster, self.rows)

    @property
    def n_strata(self) -> int:
        """Number of first-stage strata among the design's rows."""
        return _n_distinct(self._stages[0].strata, self.rows)

    def replicate(self, method: str = "jkn", replicates: int | None = None,
                  seed: int | np.random.SeedSequence | np.random.Generator | None = None,
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
              get no replicate; under "average" the scale is, as R,
              ``#PSUs / #replicates`` when PSUs of lonely or fully sampled
              strata have no replicate;
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

        The micro-workers counted by the two-stage population survey, with a
        jackknife (one replicate per commune) instead of linearisation:

        >>> from micropop import datasets
        >>> des = SurveyDesign(datasets.load_population_survey(), weights="weight",
        ...                    strata="region", psu=["commune_id", "household_id"],
        ...                    fpc=["fpc1", "fpc2"])
        >>> rep = des.replicate("jkn")
        >>> rep.n_replicates, rep.total("microwork_12m").to_frame()[["estimate", "se"]].round(0)
        ... # doctest: +NORMALIZE_WHITESPACE
        (958,                estimate       se
        variable
        microwork_12m  295985.0  29617.0)
        """
        return make_replicates(self, method, replicates, seed, fay_rho, mse)

    # --- internal API (see micropop.design._core) -------------------------------

    @property
    def stages(self) -> tuple[Stage, ...]:
        """The sampling stages, first to last: strata, units and fpc as integer codes."""
        return self._stages

    @sections_from(VarianceAPI.unit_totals, "Parameters", "Returns")
    def unit_totals(self, values: np.ndarray, row_domain: np.ndarray | None = None,
                    n_domains: int = 1) -> list[UnitTotals]:
        """Sums of influence ``values`` (n, p) per sampled unit of each stage of the variance.

        The stages are the first only, unless every stage has an fpc and the
        design is not ``ultimate_cluster`` (as R); each table is
        :func:`micropop.variance.linearization.stage_totals` on its stage.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"school": [1, 1, 2, 2], "pupil": [1, 2, 3, 4],
        ...                    "n_schools": 10, "n_pupils": 20, "w": 1.0})
        >>> des = SurveyDesign(df, weights="w", psu=["school", "pupil"],
        ...                    fpc=["n_schools", "n_pupils"])
        >>> [units.totals.ravel().tolist() for units in des.unit_totals(np.ones((4, 1)))]
        [[2.0, 2.0], [1.0, 1.0, 1.0, 1.0]]
        """
        totals = []
        for s, stage in enumerate(variance_stages(self._stages, self._ultimate_cluster)):
            if s:  # calibrations within the units of the stage above (R's multistage)
                values = within_stage(self.calibration_projections, values, s)
            totals.append(stage_totals(values, stage, row_domain, n_domains))
        return totals

    @sections_from(VarianceAPI.vcov_from_totals, "Parameters", "Returns")
    def vcov_from_totals(self, totals: Sequence[UnitTotals], n_domains: int = 1) -> np.ndarray:
        """The design covariance from the unit sums of :meth:`unit_totals`.

        :func:`micropop.variance.linearization.vcov_from_totals` (R's
        ``svyrecvar``) under the design's stages, ``lonely_psu`` and
        ``adjust_domain_lonely``.

        Raises
        ------
        LonelyPSUError
            Under ``lonely_psu="fail"``, for a stratum with a single PSU.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"h": [1, 1, 2, 2], "w": 1.0})
        >>> des = SurveyDesign(df, weights="w", strata="h")
        >>> z = np.array([[1.0], [3.0], [2.0], [6.0]])
        >>> des.vcov_from_totals(des.unit_totals(z)).tolist()  # 2 * (1 + 1) + 2 * (4 + 4)
        [[20.0]]
        """
        return vcov_from_totals(totals, variance_stages(self._stages, self._ultimate_cluster),
                                self._lonely_psu, n_domains, self._adjust_domain_lonely)

    @sections_from(VarianceAPI.linearized_vcov, "Parameters", "Returns")
    def linearized_vcov(self, values: np.ndarray, row_domain: np.ndarray | None = None,
                        n_domains: int = 1) -> np.ndarray:
        """The linearised covariance of the domain totals of influence ``values`` (n, p).

        On a weighted design (post-stratified, raked, calibrated) the values
        are first replaced by their calibration residuals, as R's
        ``svyrecvar`` does with ``design$postStrata``; then the unit sums and
        their covariance, as :meth:`unit_totals` and :meth:`vcov_from_totals`.

        Examples
        --------
        The variance of a weighted total, from its influence values (the
        weighted values): R's ``SE(svytotal(~y, des))**2``.

        >>> import numpy as np, pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 4.0], "w": 2.0}), weights="w")
        >>> z = (des.full_weights * des.frame["y"].to_numpy())[:, None]
        >>> vcov = des.linearized_vcov(z)
        >>> bool(np.isclose(vcov[0, 0], float(des.total("y").se[0]) ** 2))
        True
        """
        values, row_domain, n_domains = self.calibrated_influence(values, row_domain, n_domains)
        if any(hasattr(p, "within_residuals") for p in self.calibration_projections):
            return self.vcov_from_totals(self.unit_totals(values, row_domain, n_domains),
                                         n_domains)
        return linearized_vcov(values, self._stages, self._lonely_psu, self._ultimate_cluster,
                               row_domain, n_domains, self._adjust_domain_lonely)

    def domain_degf(self, row_domain: np.ndarray, n_domains: int) -> np.ndarray:
        """R's degf of each domain as a subset: its PSUs minus its strata, (K,) floats.

        Rows with a zero weight do not count, as R drops them.

        Parameters
        ----------
        row_domain : ndarray of int, shape (n,)
            Domain of each row of :attr:`frame` (-1: in none).
        n_domains : int
            Number of domains K.

        Returns
        -------
        ndarray of float, shape (K,)
            First-stage PSUs holding a row of the domain, minus the strata
            holding one.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"h": [1, 1, 2, 2, 2], "w": 1.0})
        >>> des = SurveyDesign(df, weights="w", strata="h")
        >>> des.degf, des.domain_degf(np.array([0, 1, 0, 1, 1]), 2).tolist()
        (3, [0.0, 1.0])
        """
        k = n_domains
        first = self._stages[0]
        rows = (row_domain >= 0) & (self._weights != 0)

        def distinct(codes: np.ndarray) -> np.ndarray:
            pairs = np.bincount(codes[rows] * k + row_domain[rows],
                                minlength=(int(codes.max()) + 1) * k)
            held: np.ndarray = (pairs.reshape(-1, k) > 0).sum(axis=0)
            return held

        degf: np.ndarray = (distinct(first.cluster) - distinct(first.strata)).astype(float)
        return degf

    def _count_degf(self) -> int:
        first = self._stages[0]
        rows = self.rows & (self._weights != 0)
        return _n_distinct(first.cluster, rows) - _n_distinct(first.strata, rows)

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


def _n_distinct(codes: np.ndarray, rows: np.ndarray) -> int:
    """How many distinct codes the selected rows hold."""
    return int(np.count_nonzero(np.bincount(codes[rows])))
