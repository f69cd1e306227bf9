"""Weighting diagnostics: the spread of the weights and the margins they reach."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from micropop.design._core import Design
from micropop.design.encode import require_design
from micropop.result import Block, Result
from micropop.weighting._design import WeightingStep, require_positive

__all__ = ["WeightSummary", "weight_summary"]


@dataclass(frozen=True, eq=False, repr=False)
class WeightSummary(Result):
    """What weighting did to a design.

    Attributes
    ----------
    statistics : Series
        Over the design's rows with a non-zero weight (negative ones, which
        linear calibration can give, included): ``n``, ``sum``,
        ``min``, ``max``, ``mean``, ``cv`` (standard deviation over mean,
        population sd), ``deff_kish`` (Kish's design effect of unequal
        weights, ``n sum w^2 / (sum w)^2 = 1 + cv^2``), ``n_effective``
        (``(sum w)^2 / sum w^2``), and the ratio of the weights to the design
        weights (before any weighting step): ``ratio_min``, ``ratio_max``,
        ``ratio_mean``.
    margins : DataFrame
        Every margin of every step, level by level: ``target``,
        ``achieved`` (under the current weights), ``residual`` (achieved minus
        target) and ``relative`` (residual over target). Index: step,
        margin, level.
    steps : DataFrame
        One row per weighting step: ``method``, ``iterations`` and final
        ``change`` (see :class:`micropop.weighting.WeightingStep`).

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"sex": ["f", "m", "m"], "w": 1.0})
    >>> summary = SurveyDesign(df, weights="w").rake({"sex": {"f": 6, "m": 4}}).weight_summary()
    >>> summary.statistics[["n", "sum", "deff_kish"]].round(3).tolist()
    [3.0, 10.0, 1.32]
    >>> summary.steps["method"].tolist()
    ['rake']
    """

    statistics: pd.Series
    margins: pd.DataFrame
    steps: pd.DataFrame

    @property
    def largest_residual(self) -> float:
        """The largest ``|achieved - target| / target`` over all margins (0 if none)."""
        return float(self.margins["relative"].abs().max()) if len(self.margins) else 0.0

    def to_frame(self) -> pd.DataFrame:
        """The margins table (achieved against targets).

        Returns
        -------
        DataFrame
            A copy of :attr:`margins`: columns ``target``, ``achieved``,
            ``residual``, ``relative``; index step, margin, level.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"sex": ["f", "m", "m"], "w": 1.0})
        >>> des = SurveyDesign(df, weights="w").poststratify("sex", {"f": 6, "m": 4})
        >>> des.weight_summary().to_frame()["achieved"].tolist()
        [6.0, 4.0]
        """
        return self.margins.copy()

    def _title(self) -> str:
        return "Weighting diagnostics"

    def _blocks(self) -> list[Block]:
        """The weights' spread, the steps, and the margins against their targets."""
        stats = self.statistics
        blocks: list[Block] = [
            f"Weights: n={int(stats['n'])}, sum={stats['sum']:,.6g}, "
            f"min={stats['min']:.6g}, max={stats['max']:.6g}, cv={stats['cv']:.4f}, "
            f"Kish deff={stats['deff_kish']:.4f}, effective n={stats['n_effective']:.1f}",
            f"Ratio to design weights: min={stats['ratio_min']:.4g}, "
            f"max={stats['ratio_max']:.4g}, mean={stats['ratio_mean']:.4g}"]
        if len(self.steps):
            blocks += ["Steps:", self.steps]
        if len(self.margins):
            blocks += [f"Largest relative margin residual: {self.largest_residual:.3g}",
                       "Margins:", self.margins]
        return blocks


def weight_summary(design: Design) -> WeightSummary:
    """Diagnostics of a design's weights and of the weighting steps that made them.

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign

    Returns
    -------
    WeightSummary

    Raises
    ------
    WeightingError
        No row of the design (in its scope) has a positive weight.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"g": ["a", "a", "b", "b"], "w": 1.0})
    >>> s = SurveyDesign(df, weights="w").poststratify("g", {"a": 30, "b": 10}).weight_summary()
    >>> float(s.statistics["deff_kish"]), float(s.statistics["n_effective"])
    (1.25, 3.2)
    >>> s.largest_residual
    0.0
    """
    require_design(design)
    rows = design.rows
    steps = _steps(design)
    w = design.full_weights
    require_positive(design, rows & (w > 0))
    weighted = rows & (w != 0)  # negative weights (linear calibration) count too
    values = w[weighted]
    total = values.sum()
    base = steps[0].before if steps else w
    ratio = values / base[weighted]
    cv = values.std() / values.mean()
    statistics = pd.Series({
        "n": float(values.size), "sum": total, "min": values.min(), "max": values.max(),
        "mean": values.mean(), "cv": cv,
        "deff_kish": values.size * (values ** 2).sum() / total ** 2,
        "n_effective": total ** 2 / (values ** 2).sum(), "ratio_min": ratio.min(),
        "ratio_max": ratio.max(), "ratio_mean": ratio.mean()}, name="weights")
    full = np.where(rows, w, 0.0)
    records = []
    for k, step in enumerate(steps, start=1):
        for margin in step.margins:
            achieved = margin.achieved(full)
            for level, target, value in zip(margin.labels(), margin.targets, achieved,
                                            strict=True):
                records.append((k, margin.name, level, target, value))
    margins = pd.DataFrame(records, columns=["step", "margin", "level", "target", "achieved"])
    margins["residual"] = margins["achieved"] - margins["target"]
    margins["relative"] = margins["residual"] / margins["target"].abs()
    margins = margins.set_index(["step", "margin", "level"])
    table = pd.DataFrame([(s.method, s.iterations, s.change) for s in steps],
                         columns=["method", "iterations", "change"],
                         index=pd.RangeIndex(1, len(steps) + 1, name="step"))
    return WeightSummary(statistics, margins, table)


def _steps(design: Design) -> list[WeightingStep]:
    """The design's weighting steps, each a :class:`WeightingStep` (the only kind recorded)."""
    steps: list[WeightingStep] = []
    for step in design.weighting_steps:
        assert isinstance(step, WeightingStep)  # only micropop.weighting records steps
        steps.append(step)
    return steps
