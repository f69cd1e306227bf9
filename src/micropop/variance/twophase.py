"""The variance of a two-phase sample: R's ``twophase2var`` without its n x n matrices.

R's ``twophase(method="full")`` writes the variance of a two-phase total in
Sarndal, Swensson and Wretman's Horvitz-Thompson form (their section 9.3;
Breslow and Chatterjee's for case-control studies),

.. math:: V = \\check x^\\top \\check\\Delta^{(1)}\\circ(1 - \\check\\Delta^{(2)})\\,\\check x
          + \\check x^\\top \\check\\Delta^{(2)} \\check x,

with :math:`\\check x` the influence values weighted by ``1 / (pi1 pi2)``
and :math:`\\check\\Delta^{(k)}_{ij}` (R's ``Dcheck``) the covariance of the
inclusion indicators of phase k over their joint probability: for stratified
simple random sampling of units, ``1 - p`` within a unit, ``-(1 - p) / (n_h - 1)``
between two units of a stratum, 0 across strata (and only the within-unit
term when the phase is drawn with replacement). R stores both matrices as
n x n sparse matrices; each is here one term per unit and one per stratum,
``Dcheck_ij = A_i [same unit] + B_i [same stratum]``, so every quadratic form
is a few group sums: memory and time grow with n, not n squared.

Examples
--------
Phase one: the whole cohort of 4 (probability 1); phase two: 2 of the 4 in
one stratum. The phase-one term of a cohort is ``sum x_i^2 (1 - (1 - p2))``.

>>> import numpy as np
>>> from micropop.variance.twophase import PhaseStructure, twophase_vcov
>>> x = np.array([[2.0], [6.0]])
>>> cohort = PhaseStructure.cohort(2)
>>> phase2 = PhaseStructure.build(np.array([0, 1]), np.array([0, 0]),
...                               np.array([0.5, 0.5]), n_units=np.array([2]),
...                               without_replacement=True)
>>> total, phase_one, phase_two = twophase_vcov(x, cohort, phase2)
>>> phase_one.tolist(), phase_two.tolist(), total.tolist()
([[20.0]], [[8.0]], [[28.0]])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ApproxPhaseOne", "PhaseStructure", "twophase_vcov"]


@dataclass(frozen=True, eq=False)
class PhaseStructure:
    """One phase's ``Dcheck`` over the phase-two rows: a unit term and a stratum term.

    ``Dcheck_ij = unit_coef[i] [unit_i == unit_j] + strata_coef[i] [stratum_i == stratum_j]``.

    Attributes
    ----------
    unit : ndarray of intp, shape (m,)
        The sampled unit of each phase-two row at this phase.
    stratum : ndarray of intp, shape (m,)
        Its stratum at this phase.
    unit_coef, strata_coef : ndarray of float, shape (m,)
        The two coefficients of each row (R's ``Dcheck`` reads row i's probability).

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.twophase import PhaseStructure
    >>> s = PhaseStructure.build(np.array([0, 1, 2]), np.array([0, 0, 0]),
    ...                          np.array([0.5, 0.5, 0.5]), np.array([3]), True)
    >>> s.unit_coef.tolist(), s.strata_coef.tolist()
    ([0.75, 0.75, 0.75], [-0.25, -0.25, -0.25])
    """

    unit: np.ndarray
    stratum: np.ndarray
    unit_coef: np.ndarray
    strata_coef: np.ndarray

    @classmethod
    def build(cls, unit: np.ndarray, stratum: np.ndarray, prob: np.ndarray,
              n_units: np.ndarray, without_replacement: bool) -> PhaseStructure:
        """R's ``Dcheck_strat`` for stratified simple random sampling of units.

        Parameters
        ----------
        unit, stratum : ndarray of int, shape (m,)
            Codes of each phase-two row's unit and stratum at this phase.
        prob : ndarray of float, shape (m,)
            The unit's inclusion probability at this phase (conditional on the
            earlier phase).
        n_units : ndarray of int, shape (H,)
            Units sampled at this phase in each stratum (R's ``sampsize``).
        without_replacement : bool
            False: the within-unit term only (R's phase one without fpc).

        Returns
        -------
        PhaseStructure

        Examples
        --------
        >>> import numpy as np
        >>> from micropop.variance.twophase import PhaseStructure
        >>> s = PhaseStructure.build(np.array([0, 1]), np.array([0, 0]),
        ...                          np.array([0.2, 0.2]), np.array([2]), False)
        >>> s.unit_coef.tolist(), s.strata_coef.tolist()
        ([0.8, 0.8], [0.0, 0.0])
        """
        within = 1.0 - prob
        between = np.zeros(len(unit))
        if without_replacement:
            others = n_units[stratum] - 1.0
            shared = others > 0  # a stratum of one unit has no pair of units
            between[shared] = -within[shared] / others[shared]
        return cls(unit, stratum, within - between, between)

    @classmethod
    def cohort(cls, m: int) -> PhaseStructure:
        """Phase one as a whole cohort (every probability 1, no fpc): R's identity ``Dcheck``.

        Parameters
        ----------
        m : int
            Rows of phase two.

        Returns
        -------
        PhaseStructure

        Examples
        --------
        >>> from micropop.variance.twophase import PhaseStructure
        >>> PhaseStructure.cohort(2).unit_coef.tolist()
        [1.0, 1.0]
        """
        rows = np.arange(m, dtype=np.intp)
        return cls(rows, np.zeros(m, dtype=np.intp), np.ones(m), np.zeros(m))

    def terms(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The (coefficient, group code) pairs of the structure; zero terms left out.

        Returns
        -------
        list of tuple of (ndarray, ndarray)
            The unit term, then the stratum term unless it is zero.

        Examples
        --------
        >>> from micropop.variance.twophase import PhaseStructure
        >>> len(PhaseStructure.cohort(3).terms())
        1
        """
        out = [(self.unit_coef, self.unit)]
        if np.any(self.strata_coef):
            out.append((self.strata_coef, self.stratum))
        return out


def _form(x: np.ndarray, coef: np.ndarray, group: np.ndarray) -> np.ndarray:
    """``sum_i coef_i x_i (sum_{j in group(i)} x_j)^T``, (p, p)."""
    codes, inverse = np.unique(group, return_inverse=True)
    sums = np.zeros((len(codes), x.shape[1]))
    np.add.at(sums, inverse, x)
    out: np.ndarray = (coef[:, None] * x).T @ sums[inverse]
    return out


def _joint(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One code per pair (a_i, b_i)."""
    width = np.int64(b.max()) + 1 if b.size else np.int64(1)
    code: np.ndarray = a.astype(np.int64) * width + b.astype(np.int64)
    return code


def quadratic_form(x: np.ndarray, phase: PhaseStructure) -> np.ndarray:
    """``x^T Dcheck x`` of one phase, (p, p), as R's ``htvar.matrix``.

    Parameters
    ----------
    x : ndarray, shape (m, p)
        Weighted influence values of the phase-two rows.
    phase : PhaseStructure

    Returns
    -------
    ndarray, shape (p, p)

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.twophase import PhaseStructure, quadratic_form
    >>> quadratic_form(np.array([[1.0], [3.0]]), PhaseStructure.cohort(2)).tolist()
    [[10.0]]
    """
    total = np.zeros((x.shape[1], x.shape[1]))
    for coef, group in phase.terms():
        total += _form(x, coef, group)
    return total


def twophase_vcov(x: np.ndarray, phase1: PhaseStructure, phase2: PhaseStructure,
                  x2: np.ndarray | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The two-phase covariance of the totals of ``x`` and its two parts (R's ``twophase2var``).

    Parameters
    ----------
    x : ndarray, shape (m, p)
        Influence values of the phase-two rows, weighted by ``1 / (pi1 pi2)``.
    phase1, phase2 : PhaseStructure
        R's ``Dcheck`` of phase one (over the phase-two rows) and of phase two.
    x2 : ndarray, shape (m, p), optional
        The values the phase-two term reads instead of ``x``: their residuals
        after a calibration of phase two (R's ``phase2$postStrata``).

    Returns
    -------
    tuple of ndarray, each (p, p)
        The covariance, its phase-one part and its phase-two part (R's
        ``attr(, "phases")``), laid out as R's (its transpose where a
        stratum's probabilities differ).

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.twophase import PhaseStructure, twophase_vcov
    >>> total, one, two = twophase_vcov(np.array([[1.0], [3.0]]), PhaseStructure.cohort(2),
    ...                                 PhaseStructure.cohort(2))
    >>> total.tolist(), one.tolist()
    ([[10.0]], [[0.0]])
    """
    # phase one: x^T (D1 o (1 - D2)) x = x^T D1 x - x^T (D1 o D2) x
    first = quadratic_form(x, phase1)
    for c1, g1 in phase1.terms():
        for c2, g2 in phase2.terms():
            first -= _form(x, c1 * c2, _joint(g1, g2))
    second = quadratic_form(x if x2 is None else x2, phase2)
    first, second = first.T, second.T  # R's htvar.matrix: entry (a, b) is x_b' D x_a
    return first + second, first, second


@dataclass(frozen=True, eq=False)
class ApproxPhaseOne:
    """Phase one as R's ``twophasevar`` sees it (``method="approx"``, ``"simple"``).

    Attributes
    ----------
    cluster, stratum : ndarray of intp, shape (m,)
        Phase-one unit and stratum of each phase-two row.
    ph2prob : ndarray of float, shape (m,)
        R's ``usu``: the share of the phase-one units of the row's group
        (its phase-two stratum, or its phase-one stratum) that phase two reached.
    n_full : ndarray of float, shape (H,)
        Phase-one units sampled in each phase-one stratum.
    fpc_factor : ndarray of float, shape (H,)
        ``(N_h - n_h) / N_h`` (1 without fpc).

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.twophase import ApproxPhaseOne
    >>> one = ApproxPhaseOne(np.arange(2), np.zeros(2, dtype=np.intp), np.full(2, 0.5),
    ...                      np.array([4.0]), np.array([1.0]))
    >>> one.vcov(np.array([[1.0], [3.0]])).round(6).tolist()  # 4/3 (0.25 + 0.25) / 0.5
    [[1.333333]]
    """

    cluster: np.ndarray
    stratum: np.ndarray
    ph2prob: np.ndarray
    n_full: np.ndarray
    fpc_factor: np.ndarray

    def vcov(self, x: np.ndarray, held: np.ndarray | None = None) -> np.ndarray:
        """R's ``svyrecvar.phase1`` of one stage: the phase-one term, (p, p).

        Parameters
        ----------
        x : ndarray, shape (m, p)
            Weighted influence values of the phase-two rows.
        held : ndarray of bool, shape (m, p), optional
            Whether each row is in the domain of each column. As R, which
            drops a domain's other rows and pads their phase-one units back
            with zeros, a unit with no row in the domain counts with
            ``ph2prob`` 1 in that column.

        Returns
        -------
        ndarray, shape (p, p)

        Raises
        ------
        LonelyPSUError
            A phase-one stratum that phase two reaches in a single unit (R's
            ``survey.lonely.psu="fail"``), unless it was fully sampled.

        Examples
        --------
        >>> import numpy as np
        >>> from micropop.variance.twophase import ApproxPhaseOne
        >>> one = ApproxPhaseOne(np.arange(2), np.zeros(2, dtype=np.intp), np.ones(2),
        ...                      np.array([2.0]), np.array([1.0]))
        >>> one.vcov(np.array([[1.0], [3.0]])).tolist()  # 2 * ((1 - 2)^2 + (3 - 2)^2)
        [[4.0]]
        """
        codes, first, inverse = np.unique(self.cluster, return_index=True,
                                          return_inverse=True)
        sums = np.zeros((len(codes), x.shape[1]))
        np.add.at(sums, inverse, x)
        stratum, ph2 = self.stratum[first], self.ph2prob[first]
        n_strata = len(self.n_full)
        reached = np.bincount(stratum, minlength=n_strata)
        f = self.fpc_factor
        lonely = (reached == 1) & (f >= 1e-7)
        if lonely.any():
            from micropop.errors import LonelyPSUError

            raise LonelyPSUError(
                f"phase two reaches a single phase-one unit in phase-one strata "
                f"{np.flatnonzero(lonely).tolist()[:5]} (by code)",
                hint="R's twophase(method='approx') stops there too: use method='full'")
        centre = np.zeros((n_strata, x.shape[1]))
        np.add.at(centre, stratum, sums)
        centre /= self.n_full[:, None]
        ph2 = np.broadcast_to(ph2[:, None], sums.shape)
        if held is not None:
            reached_by = np.zeros(sums.shape)
            np.add.at(reached_by, inverse, held.astype(float))
            ph2 = np.where(reached_by > 0, ph2, 1.0)
        y = (sums * ph2 - centre[stratum]) / np.sqrt(ph2)
        n = self.n_full[stratum]
        scale = np.where(reached[stratum] > 1, f[stratum] * n / (n - 1), 0.0)
        out: np.ndarray = (y * scale[:, None]).T @ y
        return out
