"""The raking centring run on the cells equals R's sweeps over the rows.

``RakingProjection.residuals`` sweeps the per-cell sums (issue #16: an
estimate on a raked design costs one pass over the rows); here it is checked
against the sweeps written row by row, as R's ``svyrecvar`` runs them, with
rows outside every cell, rows of weight zero and a zero raking factor.
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from micropop.weighting._projection import RakingProjection


def _row_sweeps(p: RakingProjection, x: np.ndarray) -> np.ndarray:
    """R's ten sweeps, one row at a time in spirit: ``x -= psw * mean(x / psw)`` per margin."""
    inside = p.cell >= 0
    cell = p.cell[inside]
    xin = x[inside].copy()
    for _ in range(10):
        for m, size in enumerate(p.n_levels):
            codes = p.levels[m][cell]
            psw = p.base[inside] * p.factors[m][cell]
            ratio = np.divide(xin, psw[:, None], out=np.zeros_like(xin),
                              where=psw[:, None] != 0)
            count = np.bincount(codes, minlength=size).astype(float)
            sums = np.stack([np.bincount(codes, weights=ratio[:, j], minlength=size)
                             for j in range(x.shape[1])], axis=1).astype(float)
            means = np.divide(sums, count[:, None], out=np.zeros_like(sums),
                              where=count[:, None] != 0)
            xin -= psw[:, None] * means[codes]
    out = x.copy()
    out[inside] = xin
    return out


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), rows=st.integers(1, 60),
       outside=st.booleans(), zero_weight=st.booleans(), zero_factor=st.booleans())
@example(seed=371, rows=1, outside=True, zero_weight=False, zero_factor=False)  # no row in a cell
def test_cell_sweeps_match_row_sweeps(seed: int, rows: int, outside: bool,
                                      zero_weight: bool, zero_factor: bool) -> None:
    rng = np.random.default_rng(seed)
    n_levels = (3, 2, 4)
    cells = 3 * 2 * 4
    levels = np.array(np.unravel_index(np.arange(cells), n_levels))
    factors = rng.uniform(0.5, 2.0, (3, cells))
    if zero_factor:
        factors[:, rng.integers(cells)] = 0.0
    cell = rng.integers(0, cells, rows)
    if outside:
        cell[rng.random(rows) < 0.2] = -1
    base = rng.uniform(1.0, 50.0, rows)
    if zero_weight:
        base[rng.random(rows) < 0.2] = 0.0
    projection = RakingProjection(cell, levels, factors, base, n_levels)
    x = rng.normal(0.0, 10.0, (rows, 2))
    expected = _row_sweeps(projection, x)
    np.testing.assert_allclose(projection.residuals(x), expected, rtol=1e-9,
                               atol=1e-9 * np.abs(x).max())
