"""Two-phase samples: R's ``twophase`` (its default ``method="full"``, ``twophase2``).

A phase-one sample (a general-population survey asking whether one did
micro-work) and a phase-two subsample of it (the detailed module, put to
some of the phase-one respondents, e.g. all the micro-workers and a share
of the others): :class:`TwoPhaseDesign` estimates from the phase-two rows
with weights ``1 / (pi1 pi2)`` and the two-phase variance of Sarndal,
Swensson and Wretman (section 9.3) as R writes it (``twophase2var``,
:mod:`micropop.variance.twophase`): the phase-one term plus the phase-two
term.

Examples
--------
>>> import pandas as pd
>>> from micropop.design import TwoPhaseDesign
>>> df = pd.DataFrame({"id": range(8), "worker": [1, 1, 1, 0, 0, 0, 0, 0],
...                    "hours": [5.0, 8.0, 2.0, 0.0, None, 0.0, None, None],
...                    "module": [True, True, True, True, False, True, False, False]})
>>> des = TwoPhaseDesign(df, subset="module", strata=(None, "worker"))
>>> des.total("hours").to_frame()[["estimate", "se"]].round(4)
... # doctest: +NORMALIZE_WHITESPACE
          estimate      se
variable
hours         15.0  9.6437
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from micropop.design._core import Design, protected_copy
from micropop.design._facade import DesignMethods
from micropop.design._method_docs import sections_from
from micropop.design._twophase_build import (
    PHASE2_FPC,
    approx_phase_one,
    pair,
    phase_one_structure,
    phase_structure,
    phase_two_design,
    phase_two_rows,
    same_scale,
)
from micropop.design._twophase_calibrate import INTERCEPT, phase_one_totals
from micropop.design._variance import VarianceAPI
from micropop.design.encode import check_labels
from micropop.design.survey import SurveyDesign
from micropop.errors import DesignError, check_option
from micropop.variance.twophase import ApproxPhaseOne, PhaseStructure, twophase_vcov

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from micropop.design._core import WeightingRecord
    from micropop.variance.linearization import UnitTotals

__all__ = ["TWOPHASE_METHODS", "TwoPhaseDesign"]

#: The variance methods of R's ``twophase`` micropop offers (R's default).
TWOPHASE_METHODS = ("full", "approx", "simple")


class TwoPhaseDesign(DesignMethods):
    """A phase-one sample and a phase-two subsample of it, as R's ``twophase``.

    Estimates (``total``, ``mean``, ``ratio``, ``proportion``, ``quantile``,
    ``glm``..., with ``by=`` domains and :meth:`subset`) use the phase-two
    rows, weighted by ``1 / (pi1 pi2)``; their variances are R's
    ``method="full"`` (its default, ``twophase2``): the Horvitz-Thompson
    form of Sarndal, Swensson and Wretman for two phases (Breslow and
    Chatterjee's for case-control samples), phase-one term plus phase-two
    term (:func:`micropop.variance.twophase.twophase_vcov`).

    Each design argument is a pair ``(phase one, phase two)``, as R's lists
    ``id=list(~id1, ~id2)``; None for a phase leaves it out.

    Parameters
    ----------
    data : DataFrame
        One row per phase-one unit (respondent); the phase-two columns may be
        missing outside phase two (never inside it).
    subset : str or boolean array-like
        The phase-two rows: a column of True/False (or 1/0), or a mask
        aligned with ``data``; missing values are refused.
    psu : pair of str or None, default (None, None)
        Sampling units of each phase (R's ``id``); None: each row.
    strata : pair of str or None, default (None, None)
        Strata of each phase. Phase-two strata must be known on every
        phase-one row unless ``fpc`` or ``probs`` of phase two is given.
    probs : pair of str or None, default (None, None)
        Selection probabilities of each phase (phase two: conditional on
        phase one). Phase one without probs nor fpc is a whole cohort
        (probability 1, as R with its warning); phase two without them
        takes ``n_h / N_h``, with ``N_h`` the phase-one units of its stratum
        (as R).
    fpc : pair of str or None, default (None, None)
        Population sizes or sampling fractions of each phase, as
        :class:`SurveyDesign`'s ``fpc``. Phase one without fpc is drawn with
        replacement (R's ``Dcheck``: only its within-unit term).
    method : {"full", "approx", "simple"}
        ``"full"`` (R's default, ``twophase2``): the Horvitz-Thompson form
        above. ``"approx"`` and ``"simple"`` (one method in R's code): R's
        older ``twophasevar``, the phase-one variance of the phase-one units'
        sums (each unit weighted by the share of its group that phase two
        reached, R's ``usu``) plus the phase-two design's variance; phase-two
        strata must then not split a phase-one unit, and within a domain a
        phase-one unit without a row in it counts with share 1, as R.

    Raises
    ------
    DesignError
        Not a DataFrame; a pair that is not two entries; several stages in a
        phase (R's ``twophase2`` is for one stage per phase here); a subset
        column with missing values or values other than True/False (naming the
        rows); phase-two ids or strata missing in phase-one rows while its fpc
        must be computed; a phase-two stratum with no phase-two row (R's "zero
        sampling fraction"); probabilities that vary within a unit; the errors
        of :class:`SurveyDesign` for each phase.
    EmptyDomainError
        No row in phase two.
    OptionError
        An unknown ``method``.

    See Also
    --------
    SurveyDesign, micropop.variance.twophase.twophase_vcov

    Notes
    -----
    Where micropop and R's ``survey`` (4.1.1, and the current ``R/twophase2.R``)
    differ, on purpose:

    - a stratified phase one with an fpc: R's ``Dcheck_multi_subset`` reads
      the phase-one sample sizes by position among the phase-two units, not
      at each unit's stratum, which can make a total's variance negative;
      micropop uses each stratum's own size (the goldens check it against
      R's code given the sizes it means);
    - ``by=`` domains: R's ``svyby(covmat=TRUE)`` reports 0 covariance
      between domains of a two-phase design (it gets no influence values);
      micropop gives it. In a calibrated design, R's ``subset`` drops the
      pairs of rows outside the domain from the phase-two term, where the
      calibration residuals are not 0; micropop keeps them, as R's one-phase
      designs do;
    - ``deff`` of a total: R's ``svytotal`` on a two-phase design leaves out
      its division by n; micropop's is R's one-phase formula (means agree).

    Examples
    --------
    The screening question of the population survey (phase one) and the
    detailed module (phase two): every declared micro-worker and one
    respondent in five of the others.

    >>> import numpy as np, pandas as pd
    >>> from micropop.design import TwoPhaseDesign
    >>> rng = np.random.default_rng(1)
    >>> n = 400
    >>> df = pd.DataFrame({"id": np.arange(n), "microwork": rng.random(n) < 0.15})
    >>> df["module"] = df["microwork"] | (rng.random(n) < 0.2)
    >>> df["hours"] = np.where(df["module"], df["microwork"] * rng.gamma(2.0, 3.0, n), np.nan)
    >>> des = TwoPhaseDesign(df, subset="module", strata=(None, "microwork"))
    >>> des
    TwoPhaseDesign(400 phase-one rows, 129 in phase two, 2 phase-two strata, method='full')
    >>> des.mean("hours").to_frame()[["estimate", "se"]].round(3)
    ... # doctest: +NORMALIZE_WHITESPACE
              estimate     se
    variable
    hours        0.927  0.135
    """

    __slots__ = ("_phase1", "_phase2", "_in_phase2", "_structure", "_method", "_approx")

    _phase1: SurveyDesign
    _phase2: SurveyDesign
    _in_phase2: np.ndarray
    _structure: tuple[PhaseStructure, PhaseStructure]
    _method: str
    _approx: tuple[ApproxPhaseOne, bool] | None

    def __init__(self, data: pd.DataFrame, subset: str | np.ndarray | pd.Series,
                 psu: Sequence[str | None] = (None, None),
                 strata: Sequence[str | None] = (None, None),
                 probs: Sequence[str | None] = (None, None),
                 fpc: Sequence[str | None] = (None, None), method: str = "full") -> None:
        if not isinstance(data, pd.DataFrame):
            raise DesignError(f"data must be a pandas DataFrame, not {type(data).__name__}",
                              hint="read the file with mp.read_survey or pd.read_csv first")
        check_option("method", method, TWOPHASE_METHODS)
        check_labels(data)
        pairs = {name: pair(value, name) for name, value in
                 (("psu", psu), ("strata", strata), ("probs", probs), ("fpc", fpc))}
        frame = protected_copy(data)
        in_phase2 = phase_two_rows(frame, subset)
        with warnings.catch_warnings():  # a cohort: probability 1, as R (which warns)
            warnings.filterwarnings("ignore", "no weights, probs or fpc given")
            phase1 = SurveyDesign(frame, strata=pairs["strata"][0], psu=pairs["psu"][0],
                                  fpc=pairs["fpc"][0], probs=pairs["probs"][0])
        phase2 = phase_two_design(frame, in_phase2, pairs)
        for phase, design in (("one", phase1), ("two", phase2)):
            if design.n_stages > 1:
                raise DesignError(f"phase {phase} has {design.n_stages} stages",
                                  hint="give one psu column per phase")
        weights = np.zeros(len(frame))
        weights[in_phase2] = phase1.full_weights[in_phase2] * phase2.full_weights
        weights.flags.writeable = False
        in_phase2.flags.writeable = False
        self._set(_data=frame, _weights=weights, _scope=in_phase2, _weighting=(),
                  _phase1=phase1, _phase2=phase2, _in_phase2=in_phase2, _method=method,
                  _structure=(phase_one_structure(phase1, in_phase2),
                              phase_structure(phase2, "two")),
                  _approx=None if method == "full" else (
                      approx_phase_one(frame, phase1, phase2, in_phase2, pairs["strata"][1]),
                      same_scale(phase1, phase2, in_phase2)),
                  _design_columns=phase1.design_columns | phase2.design_columns - {
                      PHASE2_FPC} | ({subset} if isinstance(subset, str) else set()))
        self._set(_degf=self._count_degf())

    # --- the user's view ----------------------------------------------------------

    @property
    def phase_one(self) -> SurveyDesign:
        """The phase-one design over every row (R's ``design$phase1$full``)."""
        return self._phase1

    @property
    def phase_two(self) -> SurveyDesign:
        """The phase-two design over the phase-two rows (R's ``design$phase2``).

        Its weights are ``1 / pi2``, conditional on phase one.
        """
        return self._phase2

    @property
    def method(self) -> str:
        """R's ``twophase`` method of the variance (``"full"``)."""
        return self._method

    @property
    def variance_method(self) -> str:
        """How the design's variances are estimated, for display."""
        return "two-phase linearisation (R's twophase, method='full')"

    @sections_from(VarianceAPI.unit_totals, "Parameters")
    def phase_vcov(self, values: np.ndarray, row_domain: np.ndarray | None = None,
                   n_domains: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """The phase-one and phase-two terms of :meth:`linearized_vcov` (R's ``"phases"``).

        Returns
        -------
        tuple of ndarray, each (p * K, p * K)
            The phase-one term and the phase-two term; they add up to the covariance.

        Examples
        --------
        Phase two is all the micro-workers and one of the two others: only
        the others' count (domain 0) has a phase-two term.

        >>> import numpy as np, pandas as pd
        >>> from micropop.design import TwoPhaseDesign
        >>> df = pd.DataFrame({"worker": [1, 1, 0, 0], "in2": [True, True, True, False]})
        >>> des = TwoPhaseDesign(df, subset="in2", strata=(None, "worker"))
        >>> first, second = des.phase_vcov(des.full_weights[:, None],
        ...                                df["worker"].to_numpy(), 2)
        >>> np.diag(first).tolist(), np.diag(second).tolist()
        ([2.0, 2.0], [2.0, 0.0])
        """
        _, first, second = self._vcov(values, row_domain, n_domains)
        return first, second

    # --- internal API (see micropop.design._core) -----------------------------------

    @sections_from(VarianceAPI.unit_totals, "Parameters")
    def unit_totals(self, values: np.ndarray, row_domain: np.ndarray | None = None,
                    n_domains: int = 1) -> list[UnitTotals]:
        """Refused: a two-phase variance is a sum over pairs, not over units (TypeError).

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from micropop.design import TwoPhaseDesign
        >>> des = TwoPhaseDesign(pd.DataFrame({"in2": [True, True, False]}), subset="in2")
        >>> des.unit_totals(np.ones((3, 1)))
        Traceback (most recent call last):
        TypeError: a TwoPhaseDesign has no unit sums: use its linearized_vcov
        """
        raise self._no_unit_sums()

    @sections_from(VarianceAPI.vcov_from_totals, "Parameters")
    def vcov_from_totals(self, totals: Sequence[UnitTotals], n_domains: int = 1) -> np.ndarray:
        """Refused, as :meth:`unit_totals` (TypeError).

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import TwoPhaseDesign
        >>> des = TwoPhaseDesign(pd.DataFrame({"in2": [True, True, False]}), subset="in2")
        >>> des.vcov_from_totals([])
        Traceback (most recent call last):
        TypeError: a TwoPhaseDesign has no unit sums: use its linearized_vcov
        """
        raise self._no_unit_sums()

    def _no_unit_sums(self) -> TypeError:
        return TypeError("a TwoPhaseDesign has no unit sums: use its linearized_vcov")

    @sections_from(VarianceAPI.unit_totals, "Parameters")
    def linearized_vcov(self, values: np.ndarray, row_domain: np.ndarray | None = None,
                        n_domains: int = 1) -> np.ndarray:
        """The two-phase covariance of the domain totals of ``values`` (R's ``twophase2var``).

        Returns
        -------
        ndarray, shape (p * K, p * K)
            Phase-one plus phase-two term (:meth:`phase_vcov`).

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import TwoPhaseDesign
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "in2": [True, True, True, False]})
        >>> des = TwoPhaseDesign(df, subset="in2")
        >>> z = (des.full_weights * df["y"].to_numpy())[:, None]
        >>> des.linearized_vcov(z).round(4).tolist()  # 18.6667 + 1.3333
        [[20.0]]
        """
        return self._vcov(values, row_domain, n_domains)[0]

    def _vcov(self, values: np.ndarray, row_domain: np.ndarray | None,
              n_domains: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x = np.asarray(values, dtype=float)[self._in_phase2]
        in_domain = None
        if row_domain is not None and n_domains > 0:
            domain = np.asarray(row_domain)[self._in_phase2]
            spread = np.zeros((len(x), x.shape[1] * n_domains))
            held = domain >= 0
            rows = np.flatnonzero(held)
            for j in range(x.shape[1]):
                spread[rows, j * n_domains + domain[held]] = x[held, j]
            x = spread
            in_domain = np.tile(domain[:, None] == np.arange(n_domains), values.shape[1])
        if self._approx is not None:  # R's twophasevar
            approx, samescale = self._approx
            first = approx.vcov(x, in_domain)
            scale = 1.0 if samescale else np.sqrt(
                1.0 / self._phase1.full_weights[self._in_phase2])[:, None]
            second = self._phase2.linearized_vcov(x * scale)
            return first + second, first, second
        # a calibrated phase two: its term reads the calibration residuals (R's
        # phase2$postStrata), the phase-one term the values themselves
        x2 = (self._phase2.calibrated_influence(x)[0]
              if self._phase2.calibration_projections else None)
        return twophase_vcov(x, *self._structure, x2=x2)

    def domain_degf(self, row_domain: np.ndarray, n_domains: int) -> np.ndarray:
        """R's degf of each domain: its phase-two units minus strata (R's ``degf(design$phase2)``).

        Parameters
        ----------
        row_domain : ndarray of int, shape (n,)
            Domain of each row of :attr:`frame` (-1: in none).
        n_domains : int
            Number of domains K.

        Returns
        -------
        ndarray of float, shape (K,)

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from micropop.design import TwoPhaseDesign
        >>> des = TwoPhaseDesign(pd.DataFrame({"in2": [True, True, True, False]}),
        ...                      subset="in2")
        >>> des.degf, des.domain_degf(np.array([0, 1, 1, -1]), 2).tolist()
        (2, [0.0, 1.0])
        """
        degf: np.ndarray = self._phase2.domain_degf(
            np.asarray(row_domain)[self._in_phase2], n_domains)
        return degf

    @sections_from(Design.with_weights, "Parameters")
    def with_weights(self, weights: np.ndarray, step: WeightingRecord) -> Any:
        """Refused: weighting steps of a two-phase design are not offered (DesignError).

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import TwoPhaseDesign
        >>> des = TwoPhaseDesign(pd.DataFrame({"in2": [True, True, False]}), subset="in2")
        >>> des.trim(upper=2.0)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        micropop.errors.DesignError: a TwoPhaseDesign cannot be re-weighted (trim)...
        """
        raise DesignError(f"a TwoPhaseDesign cannot be re-weighted ({step.method}): its "
                          "variance has no term for it",
                          hint="calibrate phase two to phase one with des.calibrate_phase2 "
                               "(R's calibrate(phase=2))")

    def calibrate_phase2(self, columns: Sequence[str] | None = None, method: str = "linear",
                         population: Mapping[Any, Any] | None = None,
                         bounds: tuple[float, float] | None = None, max_iter: int = 50,
                         epsilon: float = 1e-7) -> TwoPhaseDesign:
        """Calibrate phase two to phase one's totals, as R's ``calibrate(des, phase=2, ...)``.

        The phase-two weights ``1 / pi2`` are calibrated
        (:func:`micropop.weighting.calibrate`) so that the phase-two rows
        reproduce the phase-one sample's totals of ``columns`` (R's default
        ``population``: a categorical column counted by level, a numeric one
        summed, the phase-one count as R's intercept when no column is
        categorical). The variance then takes the phase-two term from the
        calibration residuals, the phase-one term from the values, as R's
        ``twophase2var``.

        Parameters
        ----------
        columns : list of str, optional
            Calibration variables, known on every phase-one row (R's ``formula``).
        method : {"linear", "raking", "logit"}
            R's ``calfun`` (its ``"rrz"`` is not offered).
        population : dict, optional
            Other targets, as :func:`micropop.weighting.calibrate` takes them,
            instead of the phase-one totals of ``columns``.
        bounds : (float, float), optional
            Bounds on the g-weights, as :func:`micropop.weighting.calibrate`.
        max_iter : int, default 50
            Newton iterations (R's ``maxit``).
        epsilon : float, default 1e-7
            Tolerance on the totals (R's ``epsilon``).

        Returns
        -------
        TwoPhaseDesign
            The same design with calibrated phase-two weights.

        Raises
        ------
        DesignError
            Neither ``columns`` nor ``population``, or a calibration variable
            missing in phase-one rows; and the errors of
            :func:`micropop.weighting.calibrate`.

        Examples
        --------
        A case-control phase two (every relapse, some of the others),
        calibrated to the phase-one counts of each institution (R's
        ``calibrate(des, phase = 2, formula = ~inst)``):

        >>> from micropop.design import TwoPhaseDesign
        >>> df = pd.DataFrame({"rel": ["0", "0", "0", "1", "1", "0"],
        ...                    "inst": ["a", "b", "a", "b", "a", "b"],
        ...                    "age": [2.0, 5.0, 3.0, 4.0, 6.0, 1.0],
        ...                    "in2": [True, True, False, True, True, True]})
        >>> des = TwoPhaseDesign(df, subset="in2", strata=(None, "rel"))
        >>> cal = des.calibrate_phase2(["inst"])
        >>> cal.phase_two.weights.round(4).tolist()
        [1.7143, 1.0909, 0.8182, 1.2857, 1.0909]
        >>> cal.total("inst").estimate.round(6).tolist()  # phase one's 3 and 3
        [3.0, 3.0]
        """
        from micropop.weighting import calibrate

        if self._approx is not None:
            raise DesignError(f"calibrate_phase2 is for method='full' designs, not "
                              f"{self._method!r}", hint="build the design with method='full'")
        if population is None:
            if columns is None:
                raise DesignError("calibrate_phase2 needs the calibration columns",
                                  hint="e.g. des.calibrate_phase2(['stratum_variable'])")
            population = phase_one_totals(self._phase1.frame, columns)  # not assign's
        phase2 = self._phase2
        if INTERCEPT in population and INTERCEPT not in phase2.frame.columns:
            phase2 = phase2.assign(**{INTERCEPT: "all"})
        phase2 = calibrate(phase2, population, method=method, bounds=bounds,
                           max_iter=max_iter, epsilon=epsilon)
        weights = np.zeros(len(self._data))
        weights[self._in_phase2] = (self._phase1.full_weights[self._in_phase2]
                                    * phase2.full_weights)
        weights.flags.writeable = False
        return self._replace(recount=True, _phase2=phase2, _weights=weights)

    def _count_degf(self) -> int:
        scope = self.rows[self._in_phase2]
        return int(self._phase2.domain_degf(np.where(scope, 0, -1).astype(np.intp), 1)[0])

    def __repr__(self) -> str:
        return (f"TwoPhaseDesign({len(self._data)} phase-one rows, "
                f"{int(self._in_phase2.sum())} in phase two, "
                f"{self._phase2.n_strata} phase-two strata, method={self._method!r})")
