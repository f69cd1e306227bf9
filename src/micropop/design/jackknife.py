"""Jackknife replicate factors held implicitly: O(PSUs) memory, not PSUs x replicates.

A delete-one-PSU jackknife (R's ``jk1weights`` and ``jknweights``) has one
replicate per PSU: replicate ``r`` drops PSU ``d_r`` and rescales the other
PSUs of its stratum ``s_r``. Its (C, R) factor matrix is therefore described
by four numbers per replicate: ``factor[i, r]`` is 0 for ``i == d_r``,
``a_r`` for the other PSUs of stratum ``s_r`` and ``b_r`` for every other
PSU. (The extra replicates of lonely strata under ``lonely_psu="adjust"``
drop a whole stratum: no ``d_r``, ``a_r = 0``, ``b_r = H / (H - 1)``.)
:class:`JackknifeFactors` holds those and gives the replicate sums of
per-PSU totals in O(C + R) time and memory,

``sum_i factor[i, r] T_i = b_r (S - S_{s_r}) + a_r (S_{s_r} - T_{d_r})``,

with ``S_h`` the stratum totals and ``S`` their sum: 40,000 PSUs cost a few
arrays of 40,000 numbers instead of a 12.8 GB matrix. The dense matrix is
made only when asked for (:meth:`JackknifeFactors.dense`, or rows of it by
indexing, as :meth:`~micropop.design.ReplicateDesign.weight_matrix` does).

Examples
--------
>>> import numpy as np
>>> from micropop.variance.linearization import Stage
>>> from micropop.design.jackknife import jackknife_factors
>>> stage = Stage.build(np.zeros(3, dtype=np.intp), np.arange(3), None, ["all"])
>>> factors, rscales, scale = jackknife_factors(stage, None)
>>> factors.shape, factors.sums(np.array([[1.0], [2.0], [6.0]])).ravel().tolist()
((3, 3), [12.0, 10.5, 4.5])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from micropop.errors import DesignError, LonelyPSUError
from micropop.variance.linearization import Stage

__all__ = ["JackknifeFactors", "jackknife_factors"]


class JackknifeFactors:
    """Delete-one-PSU jackknife factors (C, R), held as four numbers per replicate.

    ``factor[i, r]`` is 0 when PSU ``i`` is the replicate's dropped PSU,
    ``inside[r]`` for the PSUs of its stratum, ``outside[r]`` for the others.

    Parameters
    ----------
    unit_stratum : ndarray of int, shape (C,)
        The stratum of each PSU (``0 .. H-1``).
    dropped : ndarray of int, shape (R,)
        The PSU each replicate drops, or -1 when it drops its whole stratum.
    stratum : ndarray of int, shape (R,)
        The stratum each replicate rescales.
    inside, outside : ndarray of float, shape (R,)
        The factors of the other PSUs of that stratum, and of every other PSU.

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.design.jackknife import JackknifeFactors
    >>> jk = JackknifeFactors(np.array([0, 0, 1]), np.array([0, 1]), np.array([0, 0]),
    ...                       np.array([2.0, 2.0]), np.array([1.0, 1.0]))
    >>> jk.dense().tolist()
    [[0.0, 2.0], [2.0, 0.0], [1.0, 1.0]]
    >>> jk.sums(np.array([[1.0], [2.0], [4.0]])).ravel().tolist()
    [8.0, 6.0]
    """

    __slots__ = ("unit_stratum", "dropped", "stratum", "inside", "outside", "shape")

    def __init__(self, unit_stratum: np.ndarray, dropped: np.ndarray, stratum: np.ndarray,
                 inside: np.ndarray, outside: np.ndarray) -> None:
        self.unit_stratum = np.asarray(unit_stratum, dtype=np.intp)
        self.dropped = np.asarray(dropped, dtype=np.intp)
        self.stratum = np.asarray(stratum, dtype=np.intp)
        self.inside = np.asarray(inside, dtype=float)
        self.outside = np.asarray(outside, dtype=float)
        for array in (self.unit_stratum, self.dropped, self.stratum, self.inside,
                      self.outside):
            array.flags.writeable = False
        self.shape = (len(self.unit_stratum), len(self.dropped))

    def sums(self, totals: np.ndarray) -> np.ndarray:
        """``factors.T @ totals`` for per-PSU totals (C, m), shape (R, m), in O(C + R).

        Each replicate's sum is ``outside (S - S_h) + inside (S_h - T_d)``
        from the stratum totals ``S_h``, their sum ``S`` and the dropped
        PSU's totals ``T_d``: every term is a partial sum of the matrix
        product's own terms, so nothing overflows that it would not.

        Parameters
        ----------
        totals : ndarray, shape (C, m)
            Totals per PSU.

        Returns
        -------
        ndarray, shape (R, m)

        Examples
        --------
        >>> import numpy as np
        >>> from micropop.design.jackknife import JackknifeFactors
        >>> jk = JackknifeFactors(np.array([0, 0, 1, 1]), np.array([0, 1, 2, 3]),
        ...                       np.array([0, 0, 1, 1]), np.full(4, 2.0), np.ones(4))
        >>> totals = np.array([[1.0], [2.0], [3.0], [5.0]])
        >>> np.allclose(jk.sums(totals), jk.dense().T @ totals)
        True
        """
        totals = np.asarray(totals, dtype=float)
        n_strata = int(self.unit_stratum.max(initial=-1)) + 1
        by_stratum = np.zeros((n_strata, totals.shape[1]))
        np.add.at(by_stratum, self.unit_stratum, totals)
        grand = by_stratum.sum(axis=0)
        own = by_stratum[self.stratum]  # (R, m)
        kept = own - np.where((self.dropped >= 0)[:, None], totals[self.dropped], 0.0)
        others = grand[None, :] - own
        sums: np.ndarray = self.outside[:, None] * others + self.inside[:, None] * kept
        return sums

    def block(self, units: np.ndarray, replicates: np.ndarray | None = None) -> np.ndarray:
        """The dense factors of some PSUs (and replicates), shape (len(units), R').

        Parameters
        ----------
        units : ndarray of int or bool, shape (k,) or (C,)
            PSUs (positions, repeats allowed, or a mask).
        replicates : ndarray of int, optional
            Replicates (positions); default all.

        Returns
        -------
        ndarray, shape (k, R')

        Examples
        --------
        >>> import numpy as np
        >>> from micropop.design.jackknife import JackknifeFactors
        >>> jk = JackknifeFactors(np.array([0, 0, 0]), np.arange(3), np.zeros(3, int),
        ...                       np.full(3, 1.5), np.ones(3))
        >>> jk.block(np.array([2, 2]), np.array([0, 2])).tolist()
        [[1.5, 0.0], [1.5, 0.0]]
        """
        units = np.arange(self.shape[0])[units] if np.asarray(units).dtype == bool \
            else np.asarray(units, dtype=np.intp)
        cols = slice(None) if replicates is None else np.asarray(replicates, dtype=np.intp)
        stratum, dropped = self.stratum[cols], self.dropped[cols]
        same = self.unit_stratum[units][:, None] == stratum[None, :]
        block: np.ndarray = np.where(same, self.inside[cols][None, :],
                                     self.outside[cols][None, :])
        block[units[:, None] == dropped[None, :]] = 0.0
        return block

    def dense(self) -> np.ndarray:
        """The whole (C, R) factor matrix (R's ``repweights``, compressed).

        Returns
        -------
        ndarray, shape (C, R)
            Made on request: C * R numbers.

        Examples
        --------
        >>> import numpy as np
        >>> from micropop.design.jackknife import JackknifeFactors
        >>> JackknifeFactors(np.zeros(2, int), np.arange(2), np.zeros(2, int),
        ...                  np.full(2, 2.0), np.ones(2)).dense().tolist()
        [[0.0, 2.0], [2.0, 0.0]]
        """
        return self.block(np.arange(self.shape[0]))

    def __getitem__(self, key: Any) -> np.ndarray:
        """Rows of the dense matrix: ``factors[units]`` or ``factors[np.ix_(units, reps)]``."""
        if isinstance(key, tuple):
            units, replicates = key
            return self.block(np.ravel(units), np.ravel(replicates))
        return self.block(key)


def jackknife_factors(stage: Stage, lonely_psu: str | None
                      ) -> tuple[JackknifeFactors, np.ndarray, float]:
    """The factors of R's ``jk1weights`` (``lonely_psu=None``) or ``jknweights``, implicit.

    See :func:`micropop.design.factors.jk1_factors` and
    :func:`micropop.design.factors.jkn_factors` (their dense forms) for the
    rules: JK1 drops each PSU in turn and scales the others by ``n / (n - 1)``
    (scale ``f (n - 1) / n``); JKn drops each PSU of a stratum with two PSUs
    or more that is not sampled in full and scales its stratum by
    ``n_h / (n_h - 1)`` (rscales ``f_h (n_h - 1) / n_h``), with R's
    lonely-PSU rules.

    Parameters
    ----------
    stage : Stage
        The first stage (JK1: unstratified).
    lonely_psu : str or None
        None for JK1; the design's lonely-PSU policy for JKn.

    Returns
    -------
    tuple of (JackknifeFactors, ndarray, float)
        The factors, rscales (R,) and scale.

    Raises
    ------
    LonelyPSUError
        JKn under "fail", naming the strata with one PSU.
    DesignError
        JKn with every stratum sampled in full (no sampling variance).

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.linearization import Stage
    >>> stage = Stage.build(np.array([0, 0, 1, 1]), np.arange(4), None, ["a", "b"])
    >>> factors, rscales, scale = jackknife_factors(stage, "fail")
    >>> factors.dense()[:, 0].tolist(), rscales.tolist(), scale
    ([0.0, 2.0, 1.0, 1.0], [0.5, 0.5, 0.5, 0.5], 1.0)
    """
    unit_stratum = np.asarray(stage.cluster_stratum, dtype=np.intp)
    if lonely_psu is None:
        n = len(unit_stratum)
        dropped = np.arange(n)
        factors = JackknifeFactors(unit_stratum, dropped, unit_stratum[dropped],
                                   np.full(n, n / (n - 1)), np.ones(n))
        return factors, np.ones(n), float(stage.fpc_factor[0] * (n - 1) / n)
    n_h = stage.n_units
    f_h = stage.fpc_factor
    lonely = (n_h == 1) & (f_h != 0)
    if lonely.any() and lonely_psu == "fail":
        names = ", ".join(repr(stage.strata_labels[h]) for h in np.flatnonzero(lonely)[:5])
        raise LonelyPSUError(f"stratum {names} has only one PSU",
                             hint="choose lonely_psu= when building the design")
    # one replicate per PSU of a stratum with several PSUs, not sampled in full
    dropped = np.flatnonzero((n_h[unit_stratum] > 1) & (f_h[unit_stratum] != 0))
    stratum = unit_stratum[dropped]
    inside = (n_h / np.maximum(n_h - 1, 1))[stratum].astype(float)
    outside = np.ones(len(dropped))
    rscales = (f_h * (n_h - 1) / np.maximum(n_h, 1))[stratum]
    scale = 1.0
    if lonely.any() and lonely_psu in ("adjust", "adjust_legacy"):  # same replicates
        n_strata = len(n_h)
        strata = np.flatnonzero(lonely)
        dropped = np.concatenate([dropped, np.full(len(strata), -1)])
        stratum = np.concatenate([stratum, strata])
        inside = np.concatenate([inside, np.zeros(len(strata))])
        outside = np.concatenate([outside, np.full(len(strata), n_strata / (n_strata - 1))])
        rscales = np.concatenate([rscales, np.full(len(strata), (n_strata - 1) / n_strata)])
    elif lonely_psu == "average" and 0 < len(dropped) < len(unit_stratum):
        # as R: #PSUs / #replicates, counting a stratum sampled in full (no
        # replicate) as lonely too
        scale = len(unit_stratum) / len(dropped)
    if len(dropped) == 0:
        raise DesignError("every stratum was sampled in full: there is no sampling variance",
                          hint="check the fpc")
    return JackknifeFactors(unit_stratum, dropped, stratum, inside, outside), rscales, scale
