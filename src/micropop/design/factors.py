"""Replicate weight factors made from a design, as R ``survey``'s ``as.svrepdesign``.

Every function returns the factors per first-stage unit (PSU), shape
(C, R): row ``i`` of replicate ``r`` weighs ``w_i * factors[psu_i, r]`` (R's
compressed replicate weights), so 200 replicates of a million rows cost
200 numbers per PSU, not per row. Each also returns R's ``rscales`` and
``scale``.

- :func:`jk1_factors`, :func:`jkn_factors`: delete-one-PSU jackknives (R's
  ``jk1weights``, ``jknweights``), with :class:`JackknifeRank`, the rank of
  their factors (R's degrees of freedom) in closed form;
- :func:`brr_factors`: balanced repeated replication and Fay's variant (R's
  ``brrweights`` with R's Hadamard matrices, :func:`hadamard`);
- :func:`bootstrap_factors`: R's ``bootweights`` (Canty and Davison's
  with-replacement bootstrap of ``n_h`` PSUs; without replacement from the
  replicated stratum when there is an fpc) and Rao and Wu's rescaling
  bootstrap of ``n_h - 1`` PSUs (R's ``subbootweights``).

Examples
--------
>>> from micropop.design.factors import hadamard
>>> hadamard(3).astype(int).tolist()
[[1, 1, 1, 1], [1, 0, 1, 0], [1, 1, 0, 0], [1, 0, 0, 1]]
"""

from __future__ import annotations

from functools import cache

import numpy as np

from micropop.design.jackknife import JackknifeFactors, jackknife_factors
from micropop.errors import DesignError
from micropop.variance.linearization import Stage

__all__ = ["JackknifeRank", "bootstrap_factors", "brr_factors", "factor_rank", "gram_rank",
           "hadamard", "jk1_factors", "jkn_factors"]

Factors = tuple[np.ndarray, np.ndarray, float]


def jk1_factors(stage: Stage) -> Factors:
    """R's ``jk1weights``: drop one PSU, scale the others by ``n / (n - 1)``.

    Parameters
    ----------
    stage : Stage
        The first stage (unstratified: one stratum).

    Returns
    -------
    tuple of (ndarray, ndarray, float)
        Factors (C, C), one replicate per PSU; rscales of 1; scale
        ``f (n - 1) / n`` with ``f`` the fpc factor.

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.linearization import Stage
    >>> stage = Stage.build(np.zeros(3, dtype=np.intp), np.arange(3), None, ["all"])
    >>> factors, rscales, scale = jk1_factors(stage)
    >>> factors.tolist(), round(scale, 4)
    ([[0.0, 1.5, 1.5], [1.5, 0.0, 1.5], [1.5, 1.5, 0.0]], 0.6667)
    """
    factors, rscales, scale = jackknife_factors(stage, None)
    return factors.dense(), rscales, scale


def jkn_factors(stage: Stage, lonely_psu: str) -> Factors:
    """R's ``jknweights``: within each stratum, drop one PSU and scale its stratum.

    Parameters
    ----------
    stage : Stage
        The first stage.
    lonely_psu : str
        The design's policy: "fail" refuses a stratum with one PSU (not
        sampled in full); "adjust" (and "adjust_legacy": R's ``jknweights``
        did not change) gives it one replicate that drops its stratum and
        scales the others by ``H / (H - 1)``; otherwise it gets no replicate.
        Under "average", as R, the scale is ``#PSUs / #replicates`` whenever
        some PSUs have no replicate: those of lonely strata and of strata
        sampled in full (a certainty stratum: 183/182 on R's ``apiclus1`` with
        ``dnum == 413`` sampled in full).

    Returns
    -------
    tuple of (ndarray, ndarray, float)
        The (C, R) factors, one replicate per PSU of a stratum with two or
        more; rscales ``f_h (n_h - 1) / n_h`` of the dropped PSU's stratum; scale 1
        (but under "average").

    Raises
    ------
    LonelyPSUError
        Under "fail", naming the strata with one PSU.

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.linearization import Stage
    >>> stage = Stage.build(np.array([0, 0, 1, 1]), np.arange(4), None, ["a", "b"])
    >>> factors, rscales, scale = jkn_factors(stage, "fail")
    >>> factors[:, 0].tolist(), rscales.tolist()
    ([0.0, 2.0, 1.0, 1.0], [0.5, 0.5, 0.5, 0.5])
    """
    factors, rscales, scale = jackknife_factors(stage, lonely_psu)
    return factors.dense(), rscales, scale


class JackknifeRank:
    """The rank of jackknife factors restricted to some PSUs, in closed form.

    R's degf of a jackknife design is the rank of its replicate weights minus
    one; the rows of one PSU are multiples of its factor row, so that is the
    rank of the factor rows of the PSUs holding rows with non-zero weight.
    For the factors of :func:`jk1_factors` and :func:`jkn_factors` it is
    known without a matrix decomposition. Write each factor row as ``u + v``,
    ``u`` the row of a PSU in no replicated stratum (1 on every stratum's
    replicates, ``H / (H - 1)`` on the replicates of lonely strata under
    "adjust"). In a replicated stratum with ``n`` PSUs (JK1: the one
    stratum), ``v`` is ``1 / (n - 1) - n / (n - 1) e_i`` on the stratum's
    replicates: ``m < n`` held PSUs give ``m`` independent ``v``, all ``n``
    give ``n - 1`` (they sum to zero); a lonely PSU under "adjust" has
    ``v = -H / (H - 1) e_l`` on its own replicate; ``u`` is outside the span
    of the ``v``. So with ``M`` held PSUs in replicated or adjusted strata,
    ``F`` replicated strata held in full, the rank is ``M - F + 1`` when
    ``F > 0`` or a PSU of another stratum is held, and ``M`` otherwise: JK1
    on ``n`` PSUs has rank ``n`` (degf ``n - 1``), JKn on ``n`` PSUs in
    ``H`` strata rank ``n - H + 1`` (degf ``n - H``).

    This is the exact rank; R's ``qr(tol=1e-5)`` finds the same while the
    factors are not nearly singular (the condition number of a stratum's
    block is ``n_h - 1``). Without a replicated stratum (every stratum lonely
    or fully sampled), the rank is computed from the factors.

    Parameters
    ----------
    stage : Stage
        The first stage the factors were made from.
    factors : ndarray or JackknifeFactors, shape (C, R)
        The factors, for the case without a closed form (the rows of held PSUs
        are made dense there).
    lonely_psu : str or None
        The design's lonely-PSU policy for JKn; None for JK1.

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.linearization import Stage
    >>> from micropop.design.factors import JackknifeRank, jkn_factors
    >>> stage = Stage.build(strata=np.array([0, 0, 1, 1, 1]), cluster=np.arange(5),
    ...                     popsize=None, strata_labels=["a", "b"])
    >>> factors = jkn_factors(stage, "fail")[0]
    >>> rank = JackknifeRank(stage, factors, "fail")
    >>> rank(np.ones(5, dtype=bool)), factor_rank(factors)
    (4, 4)
    >>> held = np.array([True, False, True, True, False])
    >>> rank(held), factor_rank(factors[held])
    (3, 3)
    """

    def __init__(self, stage: Stage, factors: np.ndarray | JackknifeFactors,
                 lonely_psu: str | None) -> None:
        n_h = stage.n_units
        if lonely_psu is None:  # JK1: every PSU has a replicate
            self.replicated = n_h > 1
            adjusted = np.zeros(len(n_h), dtype=bool)
        else:  # as jkn_factors
            sampled = stage.fpc_factor != 0
            self.replicated = (n_h > 1) & sampled
            adjusted = (n_h == 1) & sampled & (lonely_psu in ("adjust", "adjust_legacy"))
        self.counted = self.replicated | adjusted
        self.stage, self.factors = stage, factors

    def __call__(self, held: np.ndarray) -> int:
        """The rank of ``factors[held]``, for a boolean mask of the PSUs."""
        if not self.replicated.any():
            return factor_rank(self.factors[held])
        stage = self.stage
        per_stratum = np.bincount(stage.cluster_stratum[held], minlength=len(stage.n_units))
        held_units = int(per_stratum[self.counted].sum())
        full = int(np.count_nonzero(self.replicated & (per_stratum == stage.n_units)))
        others = bool(per_stratum[~self.counted].any())
        return held_units - full + 1 if full or others else held_units


def brr_factors(stage: Stage, first_row: np.ndarray, fay_rho: float = 0.0) -> Factors:
    """R's ``brrweights`` (``fay.rho=0``: BRR; otherwise Fay's method).

    Strata are taken in the order of their labels as strings (R sorts
    ``as.character(strata)``), and within a stratum the PSU met first in the
    data is R's first of the pair. Replicate ``r`` keeps the half of
    stratum ``s`` chosen by row ``s + 1`` of :func:`hadamard`; its factors
    are ``2 - rho`` for the kept PSU and ``rho`` for the other. Scale
    ``1 / (R (1 - rho)^2)``, rscales 1, as R.

    Parameters
    ----------
    stage : Stage
        The first stage; every stratum must hold exactly two PSUs.
    first_row : ndarray of int, shape (C,)
        The first data row of each PSU (orders the PSUs of a pair).
    fay_rho : float, default 0
        Fay's rho, in [0, 1).

    Returns
    -------
    tuple of (ndarray, ndarray, float)
        The factors (C, R), R the Hadamard order above the number of strata;
        ``rscales`` (R,) of ones; the scale.

    Raises
    ------
    DesignError
        A stratum without exactly two PSUs (naming them), or rho outside [0, 1).

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.linearization import Stage
    >>> stage = Stage.build(np.array([0, 0, 1, 1]), np.arange(4), None, ["a", "b"])
    >>> factors, _, scale = brr_factors(stage, np.arange(4))
    >>> factors.shape, scale
    ((4, 4), 0.25)
    """
    if not 0 <= fay_rho < 1:
        raise DesignError(f"fay_rho={fay_rho} is outside [0, 1)",
                          hint="Fay's rho is usually between 0.3 and 0.5")
    n_h = stage.n_units
    if np.any(n_h != 2):
        parts = [f"{what} in stratum {_names(stage, np.flatnonzero(bad))}"
                 for what, bad in (("one PSU", n_h < 2), ("more than two PSUs", n_h > 2))
                 if bad.any()]
        raise DesignError("BRR needs exactly two PSUs in every stratum; found "
                          + " and ".join(parts), hint="pair the PSUs into strata of two "
                          "(collapse or split strata), or use method='jkn' or 'bootstrap'")
    labels = np.array([str(label) for label in stage.strata_labels], dtype=object)
    rank = np.empty(len(labels), dtype=np.intp)
    rank[np.argsort(labels, kind="stable")] = np.arange(len(labels))
    unit_stratum = stage.cluster_stratum
    order = np.lexsort((first_row, unit_stratum))
    second = np.zeros(len(unit_stratum), dtype=bool)
    second[order[1::2]] = True  # sorted by stratum, two units each
    signs = hadamard(len(labels))[1 + rank[unit_stratum]]  # (C, R)
    kept = np.where(signs == 1, ~second[:, None], second[:, None])
    factors = np.where(kept, 2.0 - fay_rho, fay_rho)
    n_rep = factors.shape[1]
    return factors, np.ones(n_rep), 1.0 / (n_rep * (1.0 - fay_rho) ** 2)


def _names(stage: Stage, strata: np.ndarray, limit: int = 5) -> str:
    """Strata named with their PSU counts, for messages."""
    text = ", ".join(f"{stage.strata_labels[h]!r} ({stage.n_units[h]})" for h in strata[:limit])
    return text + (f" and {len(strata) - limit} more" if len(strata) > limit else "")


def bootstrap_factors(stage: Stage, replicates: int, rng: np.random.Generator,
                      rescaled: bool = False) -> Factors:
    """Bootstrap replicate factors of R's ``bootweights`` or ``subbootweights``.

    ``rescaled=False`` (R's ``as.svrepdesign(type="bootstrap")``): each
    stratum's ``n_h`` PSUs are resampled ``n_h`` times with replacement, the
    factor of a PSU being how often it is drawn; with an fpc, the ``n_h``
    draws are made without replacement from the stratum's PSUs repeated to
    its population size ``N_h`` (R's ``bootstratum``). Scale
    ``nbar / ((nbar - 1)(R - 1))``, ``nbar`` the harmonic mean of PSUs per
    stratum, as R.

    ``rescaled=True`` (Rao and Wu's rescaling bootstrap, R's
    ``type="subbootstrap"``): ``n_h - 1`` draws with replacement, factors
    ``n_h / (n_h - 1)`` times the draws, scale ``1 / (R - 1)``; no fpc.

    The draws use numpy's generator, so they differ from R's for the same
    seed; the variance they estimate is the same.

    Parameters
    ----------
    stage : Stage
        The first stage (with its fpc, if any).
    replicates : int
        How many replicates R, two or more.
    rng : numpy.random.Generator
        The source of the draws.
    rescaled : bool, default False
        Rao and Wu's rescaling bootstrap instead of R's ``bootweights``.

    Returns
    -------
    tuple of (ndarray, ndarray, float)
        ``(C, R)`` factors per PSU, rscales (R,) of ones, and the scale.

    Raises
    ------
    DesignError
        Fewer than two replicates, or a stratum with one PSU.

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.linearization import Stage
    >>> stage = Stage.build(np.zeros(4, dtype=np.intp), np.arange(4), None, ["all"])
    >>> factors, _, _ = bootstrap_factors(stage, 50, np.random.default_rng(1))
    >>> factors.shape, factors.sum(axis=0).tolist() == [4.0] * 50  # n_h draws each
    ((4, 50), True)
    """
    if replicates < 2:
        raise DesignError(f"replicates={replicates}: the bootstrap needs two or more",
                          hint="use replicates=200 or more for stable SEs")
    n_h = stage.n_units
    lonely = np.flatnonzero(n_h < 2)
    if lonely.size:
        names = ", ".join(repr(stage.strata_labels[h]) for h in lonely[:5])
        raise DesignError(f"stratum {names} has only one PSU, which a bootstrap cannot "
                          "resample", hint="merge the stratum with a neighbour, or use "
                                           "method='jkn' with a lonely_psu policy")
    unit_stratum = stage.cluster_stratum
    order = np.argsort(unit_stratum, kind="stable")
    start = np.concatenate([[0], np.cumsum(n_h)[:-1]])
    if rescaled or stage.popsize is None:
        draws = n_h - 1 if rescaled else n_h
        counts = _draw_with_replacement(unit_stratum, order, start, draws, replicates, rng)
    else:
        counts = _draw_from_population(stage, stage.popsize, order, start, replicates, rng)
    if rescaled:
        factors = counts * (n_h / (n_h - 1))[unit_stratum][:, None]
        return factors, np.ones(replicates), 1.0 / (replicates - 1)
    nbar = len(n_h) / np.sum(1.0 / n_h)
    scale = nbar / ((nbar - 1) * (replicates - 1)) if nbar > 1 else np.inf
    return counts.astype(float), np.ones(replicates), float(scale)


def _draw_with_replacement(unit_stratum: np.ndarray, order: np.ndarray, start: np.ndarray,
                           draws: np.ndarray, replicates: int,
                           rng: np.random.Generator) -> np.ndarray:
    """How often each unit is drawn, ``draws[h]`` draws per stratum, shape (C, R)."""
    n_h = np.bincount(unit_stratum, minlength=len(start))
    slot_stratum = np.repeat(np.arange(len(start)), draws)
    n_units = len(unit_stratum)
    counts = np.empty((n_units, replicates))
    chunk = max(1, 2**22 // max(len(slot_stratum), 1))
    for first in range(0, replicates, chunk):  # bounded memory, not a loop over units
        r = min(chunk, replicates - first)
        pick = start[slot_stratum] + (rng.random((r, len(slot_stratum)))
                                      * n_h[slot_stratum]).astype(np.intp)
        index = order[pick] * r + np.arange(r)[:, None]
        counts[:, first:first + r] = np.bincount(index.ravel(), minlength=n_units * r
                                                 ).reshape(n_units, r)
    return counts


def _draw_from_population(stage: Stage, popsize: np.ndarray, order: np.ndarray,
                          start: np.ndarray, replicates: int,
                          rng: np.random.Generator) -> np.ndarray:
    """R's ``bootstratum`` with a population size: counts of a multivariate
    hypergeometric draw of ``n_h`` from the PSUs repeated to ``N_h`` (C, R).

    The copies of each PSU follow R: the stratum's PSUs in random order,
    repeated to length ``floor(N_h)``. The draw is sequential over the
    position within the stratum (conditional hypergeometrics), vectorised over
    strata and replicates.
    """
    n_h = stage.n_units
    pop = np.floor(popsize).astype(np.int64)
    unit_stratum = stage.cluster_stratum
    # random position of each unit within its stratum (R's sample(unique(psu)))
    shuffled = np.lexsort((rng.random(len(unit_stratum)), unit_stratum))
    position = np.empty(len(unit_stratum), dtype=np.intp)
    position[shuffled] = np.arange(len(unit_stratum)) - start[unit_stratum[shuffled]]
    copies = pop[unit_stratum] // n_h[unit_stratum] + (position < (pop % n_h)[unit_stratum])
    counts = np.zeros((len(unit_stratum), replicates))
    left_pop = np.repeat(pop[:, None], replicates, axis=1)
    left_draws = np.repeat(n_h[:, None].astype(np.int64), replicates, axis=1)
    for i in range(int(n_h.max())):  # position within a stratum, all strata at once
        active = np.flatnonzero(n_h > i)
        unit = shuffled[start[active] + i]
        good = np.repeat(copies[unit][:, None], replicates, axis=1)
        got = rng.hypergeometric(good, left_pop[active] - good, left_draws[active])
        counts[unit] = got
        left_pop[active] -= good
        left_draws[active] -= got
    return counts


def factor_rank(factors: np.ndarray) -> int:
    """Numerical rank of a (units, R) replicate factor matrix, for R's degf.

    R takes ``qr(weights)$rank`` of the (rows, R) replicate weights; rows of
    one PSU are multiples of its factor row, so the rank is that of the
    factors of the PSUs in the design. Computed from the (R, R) cross
    product (or the (units, units) one when smaller), whose memory does not
    grow with the PSUs. Singular values below ``1e-5`` of the largest count as
    zero, as R's ``degf`` (``qr(..., tol=1e-5)``).

    Parameters
    ----------
    factors : ndarray, shape (units, R)
        The factors of the PSUs (or the weights of the rows) in the design.

    Returns
    -------
    int
        The rank (0 for an empty matrix).

    Examples
    --------
    >>> import numpy as np
    >>> factor_rank(np.array([[0.0, 2.0], [2.0, 0.0], [1.0, 1.0]]))
    2
    """
    if factors.size == 0:
        return 0
    # over a power of two near the largest, the cross product stays finite (weights of
    # 1e300 would square to inf, of 1e-300 to 0); the rank is the same
    factors = np.ldexp(factors, -np.frexp(np.abs(factors).max())[1])
    gram = factors.T @ factors if factors.shape[1] <= factors.shape[0] else factors @ factors.T
    return gram_rank(gram)


def gram_rank(gram: np.ndarray) -> int:
    """Numerical rank of a matrix from its cross product ``F'F``, as :func:`factor_rank`.

    The cross product is a sum over the rows of ``F``, so it adds up over any
    split of them (the Dask engine sums it over partitions and cells).
    Eigenvalues below ``1e-10`` of the largest (singular values below ``1e-5``)
    count as zero, as R's ``degf``.

    Parameters
    ----------
    gram : ndarray, shape (R, R)
        ``F'F`` (symmetric, positive semi-definite), in any power-of-two units.

    Returns
    -------
    int
        The rank of ``F`` (0 for an empty or all-zero matrix).

    Examples
    --------
    >>> import numpy as np
    >>> f = np.array([[0.0, 2.0], [2.0, 0.0], [1.0, 1.0]])
    >>> gram_rank(f[:2].T @ f[:2] + f[2:].T @ f[2:]), gram_rank(np.zeros((2, 2)))
    (2, 0)
    """
    if gram.size == 0:
        return 0
    eigen = np.linalg.eigvalsh(gram)
    return int(np.count_nonzero(eigen > eigen.max() * 1e-10))


# --- Hadamard matrices (R's survey::hadamard) ---------------------------------

_STORED = {
    28: """1111111111111111111111111111 1001110001110001110001111000 1000001111001101001101111000
1000001110110010111001100110 1001101000001111100011010110 1001010100101100010110101110
1000110011010010001110011110 0101100010101010011111110000 0100010110110101100111010100
0100011011001011110010101100 0101011000010111011101001010 0100101101100100111010011010
0101100101011001101100100110 0010110100011110101011101000 0011011001100110101100110100
0010101100111011010100011100 0011000111010111010010110010 0011001011111000100111001010
0010110011101101011001000110 1110101001010100010111100100 1111000101100011001011001100
1111000010011100111000011100 1110010101001010110101010010 1110011000111001001010110010
1110100010100111100100101010 1101111111111110000000000000 1011111110000001111110000000
0111111110000000000001111110""",
    36: """111111111111111111111111111111111111 010111000111110111001000010101100100
101110001111101110010000101011001000 011100011111011100100001010110010010
111000111110111001000010101100100100 110001111101110010000101011001001010
100011111011100100001010110010010110 000111110111001000010101100100101110
001111101110010000101011001001011100 011111011100100001010110010010111000
111110111001000010101100100101110000 111101110010000101011001001011100010
111011100100001010110010010111000110 110111001000010101100100101110001110
101110010000101011001001011100011110 011100100001010110010010111000111110
111001000010101100100101110001111100 110010000101011001001011100011111010
100100001010110010010111000111110110 001000010101100100101110001111101110
010000101011001001011100011111011100 100001010110010010111000111110111000
000010101100100101110001111101110010 000101011001001011100011111011100100
001010110010010111000111110111001000 010101100100101110001111101110010000
101011001001011100011111011100100000 010110010010111000111110111001000010
101100100101110001111101110010000100 011001001011100011111011100100001010
110010010111000111110111001000010100 100100101110001111101110010000101010
001001011100011111011100100001010110 010010111000111110111001000010101100
100101110001111101110010000101011000 001011100011111011100100001010110010""",
}


def _doubled(h: np.ndarray) -> np.ndarray:
    """R's ``hadamard.doubler``: ``[[H, H], [H, 1 - H]]``."""
    return np.block([[h, h], [h, 1 - h]])


@cache
def _stored(size: int) -> np.ndarray:
    if size == 4:
        return np.array([[1, 1, 1, 1], [1, 0, 1, 0], [1, 1, 0, 0], [1, 0, 0, 1]], dtype=np.int8)
    if size == 16:
        return _doubled(_doubled(_stored(4)))
    rows = _STORED[size].split()
    return np.array([[int(c) for c in row] for row in rows], dtype=np.int8)


_SIZES = np.array([4, 16, 28, 36])


@cache
def _small_primes() -> tuple[int, ...]:
    """Primes ``p = 3 (mod 4)`` up to 7919: R's ``paley`` list."""
    sieve = np.ones(7920, dtype=bool)
    sieve[:2] = False
    for i in range(2, 89):
        if sieve[i]:
            sieve[i * i::i] = False
    return tuple(int(p) for p in np.flatnonzero(sieve) if p % 4 == 3)


def _paley(n: int, nmax: int | None = None) -> np.ndarray | None:
    """R's ``survey:::paley``: a Paley construction of a 0/1 Hadamard matrix."""
    primes = _small_primes()
    nmax = 2 * n if nmax is None else nmax
    nceil = nn = n + 4 - n % 4
    if n % 4 + 4 == n % 8:
        while nn % 8 == 0:
            nn //= 2
        if nn - 1 in primes:
            m = _paley_prime(nn - 1)
            while nn < nceil:
                m = _doubled(m)
                nn *= 2
            return m
    if n > primes[-1]:
        return None
    p = min(q for q in primes if q >= n)
    if p + 1 > nceil + 4 and nceil + 4 < nmax:
        return _paley(nceil + 3)
    if p > nmax:
        return None
    return _paley_prime(p)


def _paley_prime(p: int) -> np.ndarray:
    """R's ``paley(prime=p)``: the Paley matrix of order ``p + 1`` for a prime ``p``."""
    m = np.add.outer(np.arange(p), np.arange(p)) % p
    residues = {0, 1} | {(i * i) % p for i in range(2, (p - 1) // 2 + 1)}
    m = np.where(np.isin(m, list(residues)), 0, 1).astype(np.int8)
    top = np.ones((1, p), dtype=np.int8)
    return np.hstack([np.ones((p + 1, 1), dtype=np.int8), np.vstack([top, m])])


@cache
def hadamard(n: int) -> np.ndarray:
    """R's ``survey::hadamard(n)``: a 0/1 Hadamard matrix with more than n rows.

    The same matrix R returns (its stored matrices of orders 4, 16, 28 and
    36, Sylvester doubling and Paley's construction, chosen as R chooses),
    so BRR and Fay replicates match R's one for one.

    Examples
    --------
    >>> from micropop.design.factors import hadamard
    >>> hadamard(30).shape
    (32, 32)
    """
    m = n - n % 4
    precooked = np.flatnonzero((m < _SIZES) & (m + 4 >= _SIZES))
    if precooked.size:
        return _stored(int(_SIZES[precooked.min()]))
    if np.all(m < _SIZES):
        return _stored(4)
    sizes = _SIZES * 2 ** np.maximum(0, np.ceil(np.log2((n + 1) / _SIZES))).astype(int)
    best = int(np.argmin(sizes - n))
    h = None
    if sizes[best] - n > 4:
        h = _paley(n, int(sizes[best]))
    if h is None:
        h = _stored(int(_SIZES[best]))
        for _ in range(int(np.ceil(np.log2(sizes[best] / _SIZES[best])))):
            h = _doubled(h)
    h.flags.writeable = False
    return h
