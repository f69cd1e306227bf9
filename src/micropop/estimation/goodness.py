"""Goodness of fit of one variable's distribution to known shares, as R's ``svygofchisq``.

Pearson's X^2 of the weighted counts against the reference shares, with Rao
and Scott's first- and second-order corrections computed from the design
covariance of the counts (the same corrections as :func:`survey_chisq` in
:mod:`micropop.estimation.association`, for a one-way table).

Examples
--------
>>> import micropop as mp
>>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
>>> test = goodness_of_fit(des, "sex", {"female": 0.507, "male": 0.493})
>>> round(test.rs1_chisq, 3), test.rs1_p < 0.001
(11.342, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from micropop.design._core import Design
from micropop.design.encode import require_columns, require_design
from micropop.errors import (
    ProfileError,
    ReferenceLevelError,
)
from micropop.estimation.linear import survey_total
from micropop.reference.distribution import Reference, as_reference
from micropop.result import Block, Result

# column_levels, level_mismatch and matched_levels are shared with micropop.profile
__all__ = ["GoodnessOfFit", "goodness_of_fit"]


@dataclass(frozen=True, eq=False, repr=False)
class GoodnessOfFit(Result):
    """Design-based test of a sample distribution against given shares (R's ``svygofchisq``).

    ``pearson`` is Pearson's statistic on the estimated population counts
    ``T_k`` against ``p_k * N`` (``N`` the estimated total), as R's
    ``chisq.test(svytotal(...), p=)``. ``eigenvalues`` are those of the
    linearised covariance of the components ``(T_k - p_k N) / sqrt(p_k N)``
    (R's ``$lambda``): all would be 1 under multinomial sampling, so they are
    generalised design effects. From them:

    - **first-order** Rao-Scott: ``rs1_chisq = pearson / mean(eigenvalues)``
      (the mean over the ``K - 1`` non-null ones), on ``K - 1`` df;
    - **second-order** (Satterthwaite): ``pearson / scale`` on ``df``
      degrees of freedom, ``scale = sum(l^2) / sum(l)``,
      ``df = sum(l)^2 / sum(l^2)`` -- R's ``parameter`` and ``p.value``;
    - the **F** form of the second-order test, as R's ``svychisq``
      (statistic "F"): ``f = pearson / sum(l)`` on ``(df, df * degf)``
      degrees of freedom, ``degf`` the design's.

    :attr:`design_effects` rescales the eigenvalues to the sample size
    (``l * n / N``): about 1 for a simple random sample.

    Attributes
    ----------
    variable : str
    levels : tuple of str
    observed, expected : ndarray
        ``T_k`` and ``p_k * N``, by level.
    pearson, eigenvalues, degf, scale, df, p_value : float, ndarray or int
    rs1_chisq, rs1_df, rs1_p, f, ndf, ddf, f_p, n : float or int
        As above; ``degf`` the design's degrees of freedom, ``n`` the sampled rows.

    Examples
    --------
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> fit = mp.estimation.goodness_of_fit(des, "sex", {"female": 0.507, "male": 0.493})
    >>> fit.levels, fit.rs1_df
    (('female', 'male'), 1)
    """

    variable: str
    levels: tuple[str, ...]
    observed: np.ndarray
    expected: np.ndarray
    pearson: float
    eigenvalues: np.ndarray
    degf: int
    scale: float
    df: float
    p_value: float
    rs1_chisq: float
    rs1_df: int
    rs1_p: float
    f: float
    ndf: float
    ddf: float
    f_p: float
    n: int

    @property
    def design_effects(self) -> np.ndarray:
        """Generalised design effects: the ``K - 1`` largest eigenvalues times ``n / N``."""
        effects: np.ndarray = (self.eigenvalues[: len(self.levels) - 1] * self.n
                               / self.observed.sum())
        return effects

    def to_frame(self) -> pd.DataFrame:
        """The three forms of the test as a small table (statistic, df, p_value).

        Returns
        -------
        DataFrame

        Examples
        --------
        >>> import micropop as mp
        >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
        >>> mp.estimation.goodness_of_fit(des, "sex", {"female": 0.5, "male": 0.5}).to_frame().shape
        (4, 3)
        """
        return pd.DataFrame(
            {"statistic": [self.pearson, self.rs1_chisq, self.pearson / self.scale, self.f],
             "df": [f"{len(self.levels) - 1}", f"{self.rs1_df}", f"{self.df:.4g}",
                    f"{self.ndf:.4g}, {self.ddf:.4g}"],
             "p_value": [np.nan, self.rs1_p, self.p_value, self.f_p]},
            index=pd.Index(["Pearson X2 (population counts)", "Rao-Scott first order",
                            "Rao-Scott second order (Satterthwaite)", "Rao-Scott F"],
                           name="test"))

    def _title(self) -> str:
        return f"Goodness of fit of {self.variable} to the reference shares (R's svygofchisq)"

    def _blocks(self) -> list[Block]:
        """The estimated population counts against the expected ones, then the tests."""
        counts = pd.DataFrame({"observed": self.observed, "expected": self.expected},
                              index=pd.Index(self.levels, name=self.variable))
        return [counts, self.to_frame()]


def goodness_of_fit(design: Design, variable: str,
                    reference: Reference | Mapping[Any, float] | pd.Series,
                    na_rm: bool = False) -> GoodnessOfFit:
    """Test the distribution of ``variable`` against the reference shares.

    Matches R survey's ``svygofchisq(~variable, p, design)`` (statistic,
    ``scale``, ``df``, ``p.value``, ``lambda``), with the first-order and F
    forms added (see :class:`GoodnessOfFit`). R 4.1.1's ``svygofchisq`` gives
    each level the expected count of another when the levels are not in
    alphabetical order (its ``split()`` sorts them); its statistic is right
    but its eigenvalues are not. Here the result does not depend on the
    order of the levels, and agrees with R whenever R's levels are sorted.

    The covariance is the engine's, of the estimated totals of each level
    (:meth:`SurveyDesign.total`, Taylor linearisation or replicate weights),
    carried to the Pearson components by the delta method
    (:meth:`Estimate.contrast`), as R's ``svycontrast``.

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    variable : str
        A categorical column.
    reference : Reference, mapping or Series
        Shares (or counts) by level; every level observed in the design must
        have one, and every reference level must be a level of the column.
    na_rm : bool, default False
        Leave out rows with a missing ``variable`` (R's ``na.rm``).

    Returns
    -------
    GoodnessOfFit

    Raises
    ------
    ReferenceLevelError
        Levels that do not match (named), or a reference share of zero.

    Examples
    --------
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> test = goodness_of_fit(des, "sex", {"female": 0.507, "male": 0.493})
    >>> round(test.rs1_chisq, 3), round(test.df, 3), test.rs1_p < 0.001
    (11.342, 1.0, True)
    """
    require_design(design)
    reference = as_reference(reference)
    name = variable
    levels, values = matched_levels(design, variable, reference)
    if len(levels) < 2:
        raise ProfileError(
            f"goodness of fit of {variable!r} needs two levels or more; the comparison has "
            f"{', '.join(repr(str(v)) for v in levels)} only",
            hint="there is nothing to test: every row and the whole reference are in that "
                 "level")
    p = reference.shares.reindex([str(v) for v in levels]).to_numpy()
    if np.any(p == 0):
        zero = [str(v) for v, share in zip(levels, p, strict=True) if share == 0]
        raise ReferenceLevelError(
            f"reference share of {variable!r} level(s) {', '.join(map(repr, zero))} is zero: "
            "Pearson's statistic divides by it",
            hint="merge the level with another one, or leave it out of the test")
    column = design.data[variable]
    if not isinstance(column.dtype, pd.CategoricalDtype):
        # numbers coding levels (1, 2, ...): totals by level, not the total of the codes
        coded = f"levels of {variable}"
        design = design.assign(**{coded: pd.Categorical(column, categories=values)})
        variable = coded
    totals = survey_total(design, variable, na_rm=na_rm)
    keep = [list(values).index(v) for v in levels]
    observed = totals.estimate[keep]
    n_hat = observed.sum()
    expected = p * n_hat
    with np.errstate(all="ignore"):  # a share of 1e-320 overflows: refused below
        pearson = float(np.sum((observed - expected) ** 2 / expected))
        # delta method for X_k = (T_k - p_k N) / sqrt(p_k N), N = sum_j T_j (R's svycontrast)
        derivative_e = -(observed + expected) / (2 * expected ** 1.5)
        jacobian = np.diag(1 / np.sqrt(expected)) + np.outer(derivative_e * p,
                                                             np.ones(len(p)))
    too_small = ReferenceLevelError(
        f"the reference share of {name!r} level {str(levels[int(np.argmin(p))])!r} "
        f"({np.min(p):.3g}) is too small: Pearson's statistic overflows",
        hint="merge the level with another one, or leave it out of the test")
    if not (np.isfinite(pearson) and np.all(np.isfinite(jacobian))):
        raise too_small
    full = np.zeros((len(p), len(totals.estimate)))
    full[:, keep] = jacobian
    with np.errstate(all="ignore"):
        vcov = totals.contrast(full).vcov
    if not np.all(np.isfinite(vcov)):
        raise too_small
    eigenvalues = np.sort(np.linalg.eigvalsh(vcov))[::-1]
    # moments of vcov / unit, unit rescaling a covariance whose squares would overflow or vanish
    size = float(np.max(np.abs(vcov)))
    unit = size if size > 0 and not 1e-150 < size < 1e150 else 1.0
    trace, trace_sq = float(np.trace(vcov / unit)), float(np.sum((vcov / unit) ** 2))
    if not trace > 0:
        raise ProfileError(
            f"the design gives the counts of {name!r} no variance (every PSU holds the "
            "same shares), so the Rao-Scott corrections are undefined",
            hint="compare the shares without a test (profile(..., reference=) shows them), "
                 "or check the design's PSUs")
    k = len(p)
    scale, df = unit * trace_sq / trace, trace ** 2 / trace_sq
    rs1 = pearson * (k - 1) / (unit * trace)
    f = pearson / (unit * trace)
    counts = totals.n
    assert counts is not None  # survey_total counts the rows of every estimate
    return GoodnessOfFit(
        variable=name, levels=tuple(str(v) for v in levels), observed=observed,
        expected=expected, pearson=pearson, eigenvalues=eigenvalues, degf=design.degf,
        scale=scale, df=df, p_value=float(stats.chi2.sf(pearson / scale, df)),
        rs1_chisq=rs1, rs1_df=k - 1, rs1_p=float(stats.chi2.sf(rs1, k - 1)),
        f=f, ndf=df, ddf=df * design.degf, f_p=float(stats.f.sf(f, df, df * design.degf)),
        n=int(counts[0]))


def column_levels(design: Design, variable: str) -> tuple[list[Any], list[Any]]:
    """All levels of a column (categories, or sorted values) and those observed."""
    require_columns(design.data, [variable])
    column = design.data[variable]
    seen = column[design.weights != 0]
    if isinstance(column.dtype, pd.CategoricalDtype):
        values = list(column.cat.categories)
    else:
        values = sorted(column.dropna().unique())
    observed = [v for v in values if (seen == v).any()]
    return values, observed


def level_mismatch(variable: str, against: str, *groups: tuple[str, list[Any]],
                   hint: str) -> ReferenceLevelError:
    """The error for levels that differ between the data and a reference or standard.

    Each group is ``(what these levels are, the levels)``; empty groups are left out.
    """
    parts = [f"{what}: " + ", ".join(map(repr, levels)) for what, levels in groups if levels]
    return ReferenceLevelError(
        f"levels of {variable!r} do not match {against}: " + "; ".join(parts), hint=hint)


def matched_levels(design: Design, variable: str,
                   reference: Reference) -> tuple[list[Any], list[Any]]:
    """Levels to compare (in the column's order); mismatches raise, naming them.

    A level of the column's categories that no row of the design holds and
    the reference does not name is left out (its share is exactly 0).
    """
    values, observed = column_levels(design, variable)
    names = [str(v) for v in values]
    unknown = [lvl for lvl in reference.values.index if lvl not in names]
    missing = [str(v) for v in observed if str(v) not in reference.values.index]
    if unknown or missing:
        raise level_mismatch(
            variable, f"the reference ({reference.label})",
            ("in the reference but not levels of the data", unknown),
            ("in the data but not in the reference", missing),
            hint="relabel the reference with the survey's levels (levels= of the INSEE "
                 f"helpers), or restrict the design; the data's levels are {names}")
    levels = [v for v in values if str(v) in reference.values.index]
    return levels, values
