"""The calibration term of linearised variances, as R keeps it in ``design$postStrata``.

After weighting, R's ``svyrecvar`` replaces the influence values ``x`` (the
weighted, linearised contributions of the rows) by their residuals from the
weighting model before taking their design variance. Each weighting step that
R records leaves one of these projections; they are applied in order.

- :class:`PostStratProjection` (``postStratify``): ``x`` minus its
  within-post-stratum mean, ``x - psw * sum(x oldw / psw) / sum(oldw)``.
- :class:`RakingProjection` (``rake``): ten sweeps of the same centring over
  the margins, with unweighted means of ``x / psw`` (R's ``"raking"``
  branch, exactly: ten sweeps, whatever the convergence).
- :class:`GregProjection` (``calibrate``): the residual of the regression of
  ``x / g`` on the calibration variables with the pre-calibration weights,
  times ``g d`` (R's ``qr.resid(qr, x / w) * w`` for a ``greg_calibration``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["GregProjection", "PostStratProjection", "RakingProjection", "group_sums",
           "solve_gram"]

# R's svyrecvar runs this many sweeps of the raking centring.
_RAKING_SWEEPS = 10


def _safe_divide(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    out: np.ndarray = np.divide(top, bottom,
                                out=np.zeros(np.broadcast_shapes(top.shape, bottom.shape)),
                                where=bottom != 0)
    return out


def group_sums(codes: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Column sums of ``values`` (n, p) by code (rows with code -1 left out), (size, p)."""
    inside = codes >= 0
    if not inside.all():
        codes, values = codes[inside], values[inside]
    out = np.empty((size, values.shape[1]))
    for j in range(values.shape[1]):
        out[:, j] = np.bincount(codes, weights=values[:, j], minlength=size)
    return out


def solve_gram(gram: np.ndarray, right: np.ndarray, generalised: bool = False) -> np.ndarray:
    """``gram^-1 right`` for a weighted cross-product matrix ``X'DX``.

    Columns are equilibrated first (a numeric total in the hundreds of
    thousands beside level indicators would otherwise square a large
    condition number), then solved by LU as R's ``solve``; a singular matrix
    (redundant margins: ``generalised``, or a singular LU) is solved with the
    pseudo-inverse with ``MASS::ginv``'s tolerance, as R's ``grake``.
    """
    scale = np.sqrt(np.diag(gram))
    scale[scale == 0] = 1.0
    scaled = gram / np.outer(scale, scale)
    right = right / (scale[:, None] if right.ndim == 2 else scale)
    solution = None
    if not generalised:
        try:
            solution = np.linalg.solve(scaled, right)
        except np.linalg.LinAlgError:
            pass
    if solution is None:
        solution = np.linalg.pinv(scaled, rcond=256 * np.finfo(float).eps,
                                  hermitian=True) @ right
    return solution / (scale[:, None] if right.ndim == 2 else scale)


@dataclass(frozen=True, eq=False)
class PostStratProjection:
    """R's post-stratification centring (``postStratify``)."""

    codes: np.ndarray      # post-stratum of each row (-1: none)
    old_weights: np.ndarray
    new_weights: np.ndarray
    n_strata: int
    #: (n,) data rows each row stands for (a design's frequencies), or None: 1. R gives a
    #: row of weight 0 before and after ``psw`` 1: a row of ``f`` such data rows, ``f``
    counts: np.ndarray | None = None

    def residuals(self, x: np.ndarray) -> np.ndarray:
        zero = 1.0 if self.counts is None else self.counts.astype(float)
        psw = np.where((self.new_weights == 0) & (self.old_weights == 0), zero, self.new_weights)
        scaled = _safe_divide(x * self.old_weights[:, None], psw[:, None])
        totals = group_sums(self.codes, scaled, self.n_strata)
        old = np.bincount(self.codes[self.codes >= 0], weights=self.old_weights[self.codes >= 0],
                          minlength=self.n_strata)
        means = _safe_divide(totals, old[:, None])
        inside = self.codes >= 0
        out = x.copy()
        out[inside] -= means[self.codes[inside]] * psw[inside, None]
        return out


@dataclass(frozen=True, eq=False)
class RakingProjection:
    """R's raking centring: ten sweeps over the margins of ``rake``.

    ``psw`` of margin m is the weights just after margin m was fitted in the
    last raking sweep: ``base * factors[m, cell]``.
    """

    cell: np.ndarray          # (n,) cell of each row (-1: none)
    levels: np.ndarray        # (M, C) level of margin m held by cell c
    factors: np.ndarray       # (M, C) cumulative raking factor after margin m
    base: np.ndarray          # (n,) weights before raking
    n_levels: tuple[int, ...]
    #: (n,) data rows each row stands for (a design's frequencies, the Dask engine's
    #: per-unit table: a row of ``f`` data rows of one weight ``base / f``), or None: 1
    counts: np.ndarray | None = None

    def residuals(self, x: np.ndarray) -> np.ndarray:
        # The sweeps run on the cells, not the rows. Every centring subtracts
        # ``base * factor[m, cell] * mean`` from a row, so after any number of
        # sweeps a row holds ``x - base * adjust[cell]``; the sums of
        # ``x / psw`` over a level follow from the per-cell sums of ``x / base``
        # (rows of weight 0 add nothing, as R's division by a zero psw).
        inside = self.cell >= 0
        everyone = bool(inside.all())
        cell = self.cell if everyone else self.cell[inside]
        base = self.base if everyone else self.base[inside]
        n_cells = self.levels.shape[1]
        ratio = _safe_divide(x if everyone else x[inside], base[:, None])
        rows = None  # data rows per row: R sums x / psw and counts over the data rows
        if self.counts is not None:
            rows = (self.counts if everyone else self.counts[inside]).astype(float)
            ratio = ratio * rows[:, None]
        totals = group_sums(cell, ratio, n_cells)
        weighted = np.bincount(cell[base != 0], minlength=n_cells,
                               weights=None if rows is None else rows[base != 0]).astype(float)
        count = np.bincount(cell, minlength=n_cells, weights=rows).astype(float)
        adjust = np.zeros_like(totals)
        margins = []
        for m, size in enumerate(self.n_levels):
            codes = self.levels[m]
            level_count = np.bincount(codes, weights=count, minlength=size)
            margins.append((codes, self.factors[m], level_count, size))
        for _ in range(_RAKING_SWEEPS):
            for codes, factor, level_count, size in margins:
                ratio_sums = _safe_divide(totals - weighted[:, None] * adjust,
                                          factor[:, None])
                means = _safe_divide(group_sums(codes, ratio_sums, size),
                                     level_count[:, None])
                adjust += factor[:, None] * means[codes]
        out = x.copy()
        if everyone:
            out -= base[:, None] * adjust[cell]
        else:
            out[inside] -= base[:, None] * adjust[cell]
        return out


@dataclass(frozen=True, eq=False)
class GregProjection:
    """R's GREG calibration residuals: ``x - g d X b``, ``b = (X'DX)^+ X'(x / g)``.

    Rows sharing a cell share the calibration variables (``X`` is stored per
    cell: C rows, not n), so the projection costs group sums. With a working
    variance ``sigma2`` per cell (R's ``regcalibrate`` with ``variance=``),
    ``b = (X' D Sigma^-1 X)^+ X' (x / (g sigma2))``.
    """

    cell: np.ndarray      # (n,) cell of each row (-1: none)
    design: np.ndarray    # (C, q) calibration variables of each cell
    g: np.ndarray         # (C,) g-weight of each cell
    base: np.ndarray      # (n,) weights before calibration (d)
    generalised: bool = False  # collinear calibration variables: a generalised inverse
    variance: np.ndarray | None = None  # (C,) working variance of each cell

    def residuals(self, x: np.ndarray) -> np.ndarray:
        inside = self.cell >= 0
        cell = self.cell[inside]
        n_cells = self.design.shape[0]
        d_cells = np.bincount(cell, weights=self.base[inside], minlength=n_cells)
        g = self.g if self.variance is None else self.g * self.variance
        if self.variance is not None:
            d_cells = d_cells / self.variance
        gram = self.design.T @ (self.design * d_cells[:, None])
        scaled = _safe_divide(x[inside], g[cell][:, None])
        moments = self.design.T @ group_sums(cell, scaled, n_cells)
        beta = solve_gram(gram, moments, self.generalised)
        out = x.copy()
        out[inside] -= (self.g[cell] * self.base[inside])[:, None] * (self.design @ beta)[cell]
        return out
