"""Tests of association in two-way tables, as R's ``svychisq``.

Pearson's X^2 of the weighted table ignores the design; Rao and Scott's
corrections divide it by the mean generalised design effect (first order,
``"Chisq"``) and refer it to an F distribution with Satterthwaite's degrees
of freedom (second order, ``"F"``, the default); the Wald tests compare the
cell totals with those expected under independence using the design
covariance. ``"lincom"`` and ``"saddlepoint"`` refer X^2 itself to its
asymptotic distribution, a linear combination of chi-squares with the design
effects as coefficients (:mod:`micropop.estimation.chisqsum`).

:func:`~micropop.estimation.goodness.goodness_of_fit` (R's ``svygofchisq``,
in :mod:`micropop.estimation.goodness`) tests one variable's distribution
against known shares (a :class:`~micropop.reference.Reference`) with the same
Rao-Scott corrections.

Examples
--------
>>> import pandas as pd
>>> from micropop.design import SurveyDesign
>>> df = pd.DataFrame({"smoker": ["yes", "no"] * 20,
...                    "sex": ["f"] * 12 + ["m"] * 28, "w": 1.0})
>>> test = SurveyDesign(df, weights="w").chisq("smoker", "sex")
>>> test.statistic_name, round(test.statistic, 4), round(test.p_value, 4)
('F', 0.0, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import linalg, stats

from micropop.design._core import Design
from micropop.design.encode import require_design
from micropop.errors import (
    DesignError,
    EmptyDomainError,
    OptionError,
    check_option,
)
from micropop.estimation._analysis import Analysis, means, prepare
from micropop.estimation.chisqsum import pfsum
from micropop.estimation.goodness import GoodnessOfFit, goodness_of_fit  # kept importable here
from micropop.estimation.likelihood_ratio import rao_scott_lrt
from micropop.result import Block, Result

__all__ = ["CHISQ_STATISTICS", "ChisqTest", "GoodnessOfFit", "goodness_of_fit", "survey_chisq"]

#: Statistics of :func:`survey_chisq` (R's ``svychisq(statistic=)``).
CHISQ_STATISTICS = ("F", "Chisq", "Wald", "adjWald", "lincom", "saddlepoint", "lrt")

_METHODS = {"F": "Pearson's X^2, Rao & Scott second-order adjustment (F)",
            "Chisq": "Pearson's X^2, Rao & Scott first-order adjustment (chi-square)",
            "Wald": "Design-based Wald test of association (F)",
            "adjWald": "Design-based adjusted Wald test of association (F)",
            "lincom": "Pearson's X^2: asymptotic exact distribution",
            "saddlepoint": "Pearson's X^2: saddlepoint approximation",
            "lrt": "Likelihood ratio G^2, Rao & Scott second-order adjustment (F)"}

#: How R's ``svychisq`` computes the tail of the exact distribution.
_SUM_METHODS = {"lincom": "integration", "saddlepoint": "saddlepoint"}


@dataclass(frozen=True, repr=False)
class ChisqTest(Result):
    """The result of :func:`survey_chisq` (immutable).

    Attributes
    ----------
    rows, cols : str
        The two variables.
    statistic_name : str
        ``"F"``, or ``"X-squared"`` for ``"Chisq"``, ``"lincom"`` and
        ``"saddlepoint"`` (R's names).
    statistic : float
        The test statistic, as R reports it (for ``"Chisq"``, ``"lincom"``
        and ``"saddlepoint"``, Pearson's X^2 itself; the p-value of
        ``"Chisq"`` uses ``X^2 / mean(delta)``).
    ndf, ddf : float
        Numerator and denominator degrees of freedom (``ddf`` is ``inf`` for
        the chi-square reference of ``"Chisq"``, whose ``ndf`` is R's ``df``).
        R reports none for ``"lincom"`` and ``"saddlepoint"``: here ``ndf`` is
        the number of design effects (chi-squares with 1 df) and ``ddf`` the
        denominator degrees of freedom of the reference (``d0 * nu``, as
        ``"F"``; ``inf`` for a replicate design, as R).
    p_value : float
    method : str
        Which test, in words.
    pearson : float
        Pearson's X^2 of the weighted table scaled to the sample size.
    design_effects : ndarray
        Eigenvalues of R's ``Delta``, the generalised design effects.
    table : DataFrame
        The weighted table (estimated population counts).
    likelihood_ratio : float or None
        The likelihood-ratio statistic G^2 of the table scaled to the sample
        size (``statistic="lrt"`` only).

    Examples
    --------
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"a": list("xxyy") * 10, "b": list("pqpp") * 10, "w": 1.0})
    >>> SurveyDesign(df, weights="w").chisq("a", "b").statistic_name
    'F'
    """

    rows: str
    cols: str
    statistic_name: str
    statistic: float
    ndf: float
    ddf: float
    p_value: float
    method: str
    pearson: float
    design_effects: np.ndarray
    table: pd.DataFrame
    likelihood_ratio: float | None = None

    def to_frame(self) -> pd.DataFrame:
        """One row: statistic, ndf, ddf, p_value, method (indexed by ``rows ~ cols``).

        Returns
        -------
        DataFrame

        Examples
        --------
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"a": list("xxyy") * 10, "b": list("pqpp") * 10, "w": 1.0})
        >>> SurveyDesign(df, weights="w").chisq("a", "b").to_frame().index.tolist()
        ['a ~ b']
        """
        return pd.DataFrame({"statistic": [self.statistic], "ndf": [self.ndf],
                             "ddf": [self.ddf], "p_value": [self.p_value],
                             "method": [self.method]},
                            index=pd.Index([f"{self.rows} ~ {self.cols}"], name="test"))

    def _title(self) -> str:
        return self.method

    def _blocks(self) -> list[Block]:
        """The test as R prints it, then :meth:`to_frame` (the method is the title)."""
        df = (f"df = {self.ndf:.6g}" if np.isinf(self.ddf)
              else f"ndf = {self.ndf:.6g}, ddf = {self.ddf:.6g}")
        g2 = ("" if self.likelihood_ratio is None
              else f" (G^2 = {self.likelihood_ratio:.6g})")
        return [f"{self.rows} by {self.cols}: {self.statistic_name} = "
                f"{self.statistic:.6g}, {df}, p-value = {self.p_value:.4g}{g2}",
                self.to_frame().drop(columns="method")]


def survey_chisq(design: Design, rows: str, cols: str, statistic: str = "F",
                 na_rm: bool = False) -> ChisqTest:
    """Test of association between two categorical columns, as R's ``svychisq``.

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    rows, cols : str
        The two columns (any type; their observed values are the levels, in
        the order of a categorical's categories or sorted, as R's ``factor``).
    statistic : {"F", "Chisq", "Wald", "adjWald", "lincom", "saddlepoint", "lrt"}
        - ``"F"`` (default, as R): Rao and Scott's second-order correction,
          ``X^2 / tr(Delta)`` against F with ``d0 = tr(Delta)^2 /
          tr(Delta^2)`` and ``d0 * nu`` degrees of freedom;
        - ``"Chisq"``: the first-order correction, ``X^2 / mean(delta)``
          against chi-square with ``(r - 1)(c - 1)`` df;
        - ``"Wald"``: the Wald statistic of the cell totals' departure from
          independence, divided by ``(r - 1)(c - 1)``, against F with ``nu``
          denominator df;
        - ``"adjWald"``: the same times ``(nu - ndf + 1) / nu``, against F
          with ``nu - ndf + 1`` df;
        - ``"lincom"``: X^2 against its asymptotic distribution ``sum_j
          delta_j chi2_1``, each ``delta_j`` an eigenvalue of ``Delta``, over
          ``chi2_{d0 nu} / (d0 nu)`` (:func:`~micropop.estimation.chisqsum.pfsum`,
          Davies' algorithm as R's ``method="integration"``); a replicate
          design uses the chi-square sum alone
          (:func:`~micropop.estimation.chisqsum.pchisqsum`), as R;
        - ``"saddlepoint"``: the same distribution by Kuonen's saddlepoint
          approximation;
        - ``"lrt"``: the likelihood-ratio statistic G^2 with the second-order
          correction of ``"F"``, ``G^2 / tr(Delta)`` against F with ``d0`` and
          ``d0 * nu`` df (Stata's ``svy: tabulate`` "Likelihood ratio"
          design-based F; R's deviance of ``svyloglin``:
          :mod:`micropop.estimation.likelihood_ratio`).

        ``nu`` is the design degrees of freedom (:attr:`SurveyDesign.degf`),
        X^2 Pearson's statistic of the weighted table scaled to the number of
        rows, and ``Delta`` R's matrix of generalised design effects.
    na_rm : bool, default False
        Leave out rows missing either column, as R (whose default is
        ``na.rm=TRUE``; here missing values raise unless asked for). As in R,
        the table is then still scaled to all rows of the design.

    Returns
    -------
    ChisqTest

    Raises
    ------
    MissingValuesError
        Missing values without ``na_rm=True``.
    EmptyDomainError
        A column with a single observed value (no table to test).

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"a": list("xxyy") * 10, "b": list("pqpp") * 10,
    ...                    "w": [1.0, 2.0] * 20})
    >>> test = SurveyDesign(df, weights="w").chisq("a", "b", statistic="Chisq")
    >>> round(test.statistic, 4), test.ndf
    (20.0, 1.0)
    """
    require_design(design)
    check_option("statistic", statistic, CHISQ_STATISTICS)
    for name, given in (("rows", rows), ("cols", cols)):
        if not isinstance(given, str):
            raise OptionError(f"{name}={given!r} is not a column name",
                              hint="name one column, e.g. rows='sex'")
    data = prepare(design, [rows, cols], None, na_rm)
    # a level held only by rows of zero weight is not observed (its share would be 0)
    kept = (data.row_domain >= 0) & (data.weights > 0)
    frame = design.frame
    row_code, row_levels = _levels(frame[rows], kept, rows)
    col_code, col_levels = _levels(frame[cols], kept, cols)
    nr, nc = len(row_levels), len(col_levels)
    cell = np.where(kept, row_code + nr * col_code, -1)  # R's interaction: rows fastest
    cells = (cell[:, None] == np.arange(nr * nc)[None, :]).astype(float)
    n_rows = design.row_count  # R's nrow(mm): every row of the design
    nu = float(design.degf)
    share, share_vcov = means(data.with_columns(cells, _labels(rows, nr * nc)))
    table = n_rows * share.reshape(nc, nr).T
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n_rows
    pearson = float(np.sum((table - expected) ** 2 / expected))
    try:
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            delta = _rao_scott_delta(share, share_vcov, nr, nc, n_rows)
    except (linalg.LinAlgError, ValueError):  # singular, or shares too small to invert
        raise EmptyDomainError(f"the weighted table of {rows!r} by {cols!r} is degenerate "
                               "(its cells leave the design effects undefined)",
                               hint="merge sparse levels, or test other columns") from None
    effects = np.sort(np.linalg.eigvals(delta).real)[::-1]
    trace, trace2 = np.trace(delta), np.trace(delta @ delta)
    if not (np.isfinite(trace) and trace > 0 and trace2 > 0):
        raise DesignError(f"the table of {rows!r} by {cols!r} has no sampling variance (a "
                          "census, or cells fixed by the design): there is nothing to test",
                          hint="check the fpc and the subset; the table itself is exact")
    if nu <= 0:
        raise DesignError("the design has 0 degrees of freedom (PSUs minus strata), so the "
                          "test has no reference distribution",
                          hint="a test needs two PSUs or more in a stratum")
    d0 = trace**2 / trace2
    g2 = None
    if statistic == "F":
        value, ndf, ddf = pearson / trace, d0, d0 * nu
        p_value = stats.f.sf(value, ndf, ddf)
    elif statistic in _SUM_METHODS:
        value, ndf = pearson, float(len(effects))
        ddf = np.inf if data.replicated else d0 * nu  # R: pchisqsum, or pFsum
        p_value = pfsum(pearson, 1, effects, ddf=ddf, lower_tail=False,
                        method=_SUM_METHODS[statistic])
    elif statistic == "Chisq":
        value, ndf, ddf = pearson, float(delta.shape[1]), np.inf
        p_value = stats.chi2.sf(pearson / np.mean(np.diag(delta)), ndf)
    elif statistic == "lrt":
        value, ndf, ddf, p_value, g2 = rao_scott_lrt(table, trace, trace2, nu)
    else:
        try:
            wald = _wald(data, cells, row_code, col_code, kept, nr, nc)
        except linalg.LinAlgError:
            raise DesignError(f"the covariance of the table of {rows!r} by {cols!r} is "
                              "singular, so the Wald test is undefined",
                              hint="use statistic='F' (Rao and Scott), or merge sparse "
                                   "levels") from None
        ndf = float((nr - 1) * (nc - 1))
        if statistic == "Wald":
            value, ddf = wald / ndf, nu
        else:
            ddf = nu - ndf + 1
            value = wald * ddf / (ndf * nu)
        p_value = stats.f.sf(value, ndf, ddf)
    if not (np.isfinite(value) and np.isfinite(p_value) and ndf > 0 and ddf > 0):
        raise DesignError(f"the {statistic} test of {rows!r} by {cols!r} is undefined here "
                          f"(statistic {value:.3g}, ndf {ndf:.3g}, ddf {ddf:.3g})",
                          hint="the design has too few degrees of freedom for this test: "
                               "use statistic='Chisq', or merge strata or levels")
    counts = pd.DataFrame(table, index=pd.Index(row_levels, name=rows),
                          columns=pd.Index(col_levels, name=cols))
    effects.flags.writeable = False
    name = "F" if statistic in ("F", "Wald", "adjWald", "lrt") else "X-squared"
    return ChisqTest(rows, cols, name, float(value),
                     float(ndf), float(ddf), float(p_value), _METHODS[statistic], pearson,
                     effects, counts, g2)


def _levels(series: pd.Series, kept: np.ndarray, name: str) -> tuple[np.ndarray, list[Any]]:
    """Codes of a column's observed values among ``kept`` rows, and those values."""
    categorical = pd.Categorical(series)
    used = np.unique(categorical.codes[kept & (categorical.codes >= 0)])
    if len(used) < 2:
        raise EmptyDomainError(f"column {name!r} has {len(used)} observed value(s) in the "
                               "design: there is no association to test",
                               hint="check the subset, or test another column")
    code = np.searchsorted(used, categorical.codes)
    return np.where(kept, code, 0), list(categorical.categories[used])


def _labels(name: str, k: int) -> list[tuple[str, str]]:
    return [(name, str(j)) for j in range(k)]


def _rao_scott_delta(share: np.ndarray, vcov: np.ndarray, nr: int, nc: int,
                     n_rows: int) -> np.ndarray:
    """R's ``Delta``: the design effects of the interaction contrasts of the cells."""
    grid_rows, grid_cols = np.meshgrid(np.arange(nr), np.arange(nc), indexing="ij")
    rows, cols = grid_rows.T.ravel(), grid_cols.T.ravel()  # rows vary fastest, as expand.grid
    main = np.column_stack([np.ones(nr * nc)] + [rows == i for i in range(1, nr)]
                           + [cols == j for j in range(1, nc)]).astype(float)
    inter = np.column_stack([(rows == i) & (cols == j) for j in range(1, nc)
                             for i in range(1, nr)]).astype(float)
    contrasts = inter - main @ np.linalg.lstsq(main, inter, rcond=None)[0]
    inverse = np.where(share == 0, 0.0, 1.0 / np.where(share == 0, 1.0, share))
    scaled = contrasts * inverse[:, None]
    denominator = contrasts.T @ scaled / n_rows
    numerator = scaled.T @ vcov @ scaled
    delta: np.ndarray = linalg.solve(denominator, numerator)  # scipy is untyped
    return delta


def _wald(data: Analysis, cells: np.ndarray, row_code: np.ndarray, col_code: np.ndarray,
          kept: np.ndarray, nr: int, nc: int) -> float:
    """R's Wald statistic: cell totals minus row x column totals over the total."""
    margins = np.column_stack([cells, row_code[:, None] == np.arange(nr),
                               col_code[:, None] == np.arange(nc), kept]).astype(float)
    totals, vcov, units = data.with_columns(margins, _labels("cells", margins.shape[1])) \
        .ratio_of_sums(margins)
    if units is not None:  # the statistic is free of the totals' unit: take the largest
        relative = units / units.max()
        totals, vcov = totals / units.max(), vcov * np.outer(relative, relative)
    k = nr * nc
    row_t, col_t, total = totals[k:k + nr], totals[k + nr:k + nr + nc], totals[-1]
    cell_row = np.tile(np.arange(nr), nc)
    cell_col = np.repeat(np.arange(nc), nr)
    jacobian = np.hstack([
        np.eye(k),
        (cell_row[:, None] == np.arange(nr)) * -(col_t[cell_col] / total)[:, None],
        (cell_col[:, None] == np.arange(nc)) * -(row_t[cell_row] / total)[:, None],
        (row_t[cell_row] * col_t[cell_col] / total**2)[:, None]])
    departure = totals[:k] - row_t[cell_row] * col_t[cell_col] / total
    cov = jacobian @ vcov @ jacobian.T
    use = (cell_row > 0) & (cell_col > 0)
    return float(departure[use] @ linalg.solve(cov[np.ix_(use, use)], departure[use]))


# --- goodness of fit ----------------------------------------------------------
