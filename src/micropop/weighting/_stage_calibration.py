"""Calibration within the sampled units of a stage, as R's ``calibrate(..., stage = k)``.

Each sampled unit ``c`` of stage ``k`` (e.g. a district of a two-stage
sample of schools) has its own population totals ``T_c``. Within it, the
rows' conditional weights ``cw_i = d_i / s_i`` (``s_i`` the weight of stages 1
to ``k``, from their fpc) are calibrated linearly, with R's working variance:
``g_i = 1 + x_i' lambda_c / sigma2_i`` with ``sum_c cw_i g_i x_i = T_c``; the
weights become ``d_i g_i``. In linearised variances the influence values are
replaced by their residuals within each unit before the variance of the later
stages (R's ``multistage`` with a ``greg_calibration`` at that stage); the
variance of stages 1 to ``k`` is left as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from micropop.design._core import Design
from micropop.design.encode import design_rows
from micropop.errors import OptionError, WeightingError, check_number
from micropop.weighting._calibration_options import working_variance
from micropop.weighting._design import DesignT, WeightingStep, weight_matrix, with_weights
from micropop.weighting._grake import misfit
from micropop.weighting._model import model_matrix, model_targets
from micropop.weighting._projection import solve_gram
from micropop.weighting.margins import MET_RTOL, MarginSpec, check_totals, parse_margins

__all__ = ["StageGregProjection", "calibrate_within"]


@dataclass(frozen=True, eq=False)
class StageGregProjection:
    """R's ``greg_calibration`` at stage ``k``: residuals within each unit, for later stages.

    Its global :meth:`residuals` leave the influence values alone (R applies a
    stage calibration only within its units, in ``multistage``);
    :meth:`within_residuals` gives, per unit ``c``, R's ``qr.resid(qr_c, x /
    w_c) * w_c`` with ``qr_c`` of ``X sqrt(cw) / sqrt(sigma2)`` and ``w = g d
    sqrt(sigma2)``.
    """

    stage: int              # the stage calibrated (1: within the PSUs)
    unit: np.ndarray        # (n,) unit of each calibrated row (-1: none)
    design: np.ndarray      # (n, q) calibration variables (0 outside)
    scale: np.ndarray       # (n,) sqrt(cw / sigma2): the rows of R's QR
    weight: np.ndarray      # (n,) g d sqrt(sigma2): R's w

    def residuals(self, x: np.ndarray) -> np.ndarray:
        """The influence values unchanged (the first stages' variance ignores the step)."""
        return x

    def within_residuals(self, x: np.ndarray) -> np.ndarray:
        """Influence values (n, p) with each unit's calibration regression projected out."""
        out = x.copy()
        for c in np.unique(self.unit[self.unit >= 0]):
            rows = self.unit == c
            a = self.design[rows] * self.scale[rows, None]
            z = x[rows] / self.weight[rows, None]
            beta = solve_gram(a.T @ a, a.T @ z)
            out[rows] = (z - a @ beta) * self.weight[rows, None]
        return out


def calibrate_within(design: DesignT, population: Any, stage: Any, method: str,
                     bounds: Any, bounds_const: bool, aggregate: Any,
                     variance: Any) -> DesignT:
    """Calibrate within each unit of stage ``stage`` to that unit's totals (R's ``stage=``)."""
    stage = check_number("stage", stage, low=1, integer=True)
    if method != "linear" or bounds is not None or bounds_const:
        raise OptionError("stage= calibrates by unbounded linear (GREG) calibration only, as "
                          "R's calibrate (whose other methods and bounds ignore stage)",
                          hint="drop method=, bounds= and bounds_const= with stage=")
    if aggregate is not None:
        raise OptionError("aggregate= cannot be combined with stage= (R: 'aggregate= not "
                          "implemented for calibration within clusters')",
                          hint="give one of them")
    stages = getattr(design, "stages", None)
    if design.is_replicate or stages is None:
        raise OptionError("stage= needs a design with sampling stages; a replicate design has "
                          "none", hint="calibrate the SurveyDesign, then make its replicates")
    if stage >= len(stages):
        raise OptionError(f"stage={stage} needs units sampled within the units of stage "
                          f"{stage}, but the design has {len(stages)} stage(s)",
                          hint=f"give a stage below {len(stages)}, or calibrate the whole "
                               "sample (no stage=)" if len(stages) > 1 else
                               "calibrate the whole sample (no stage=)")
    rows, weights = weight_matrix(design)
    active = rows & (weights[:, 0] > 0)
    d = weights[:, 0]
    conditional = d / _stage_weights(stages[:stage], stage)
    sigma2 = working_variance(design, active, variance)
    s2 = np.ones(len(d)) if sigma2 is None else sigma2
    unit = np.where(active, stages[stage - 1].cluster, -1)
    order = list(dict.fromkeys(unit[active].tolist()))  # R's unique(): first appearance
    specs = _unit_specs(design, population, unit, order, stage)
    g = np.ones(len(d))
    x_rows: np.ndarray | None = None
    for code, spec in zip(order, specs, strict=True):
        in_unit = unit == code
        margins = parse_margins(design.frame, in_unit, spec)
        check_totals(margins)
        cell, x, _ = model_matrix(margins, in_unit)
        x_unit = x[cell[in_unit]]
        if x_rows is None:
            x_rows = np.zeros((len(d), x.shape[1]))
        if x_unit.shape[1] != x_rows.shape[1]:
            raise WeightingError(f"the totals of unit {_name(design, in_unit, stage)} give "
                                 f"{x_unit.shape[1]} calibration variables, those of the first "
                                 f"unit {x_rows.shape[1]}",
                                 hint="give every unit the same margins (R: 'Population "
                                      "totals are not all the same length')")
        x_rows[in_unit] = x_unit
        cw, v = conditional[in_unit], s2[in_unit]
        gram = x_unit.T @ (x_unit * (cw / v)[:, None])
        targets = model_targets(margins)
        lam = solve_gram(gram, targets - x_unit.T @ cw)
        g[in_unit] = 1 + (x_unit @ lam) / v
        if misfit(targets, x_unit.T @ (cw * g[in_unit])) > MET_RTOL:
            raise WeightingError(
                f"calibration within the unit {_name(design, in_unit, stage)} cannot meet its "
                "totals: its calibration variables are collinear in that unit's sample (R "
                "stops on the singular system)",
                hint="give that unit fewer totals, or merge it with a neighbour")
    assert x_rows is not None  # the design has a row of positive weight
    new = weights * g[:, None]
    projection = StageGregProjection(stage, unit, x_rows, np.sqrt(conditional / s2),
                                     g * d * np.sqrt(s2))
    step = WeightingStep(f"calibrate (linear, within stage {stage})", (), 1, 0.0, d,
                         projection)
    return with_weights(design, new, step, rtol=MET_RTOL, negative_ok=True)


def _stage_weights(stages: Sequence[Any], stage: int) -> np.ndarray:
    """``prod_s N_s / n_s`` over stages 1 to ``stage`` for each row (R's ``stageweights``)."""
    out = np.ones(len(stages[0].cluster))
    for s, st in enumerate(stages, 1):
        if st.popsize is None:
            raise OptionError(f"stage={stage} needs the population sizes (fpc) of stages 1 to "
                              f"{stage}, the stage weights the conditional weights come from; "
                              f"stage {s} has none",
                              hint="give fpc= for every stage (psu=[...], fpc=[...])")
        out *= (st.popsize / st.n_units)[st.strata]
    return out


def _name(design: Design, rows: np.ndarray, stage: int) -> str:
    return f"of stage {stage} holding {design_rows(design, rows)}"


def _unit_specs(design: Design, population: Any, unit: np.ndarray, order: list[int],
                stage: int) -> list[Mapping[Any, MarginSpec]]:
    """One population mapping per unit, in R's order (first appearance in the data)."""
    if isinstance(population, (str, bytes, Mapping)) or not isinstance(population, Sequence):
        raise OptionError("with stage=, population is a list with one mapping of totals per "
                          f"sampled unit of stage {stage}, in the order the units first appear "
                          "in the data (R's list of totals per cluster)",
                          hint="e.g. [{'api99': 812345}, {'api99': 290112}, ...]")
    if len(population) != len(order):
        raise OptionError(f"population gives totals for {len(population)} unit(s), but the "
                          f"design has {len(order)} sampled unit(s) of stage {stage}",
                          hint="give one mapping per unit, in the order they first appear in "
                               "the data")
    for k, spec in enumerate(population):
        if not isinstance(spec, Mapping):
            rows = unit == order[k]
            raise OptionError(f"population[{k}] (the unit {_name(design, rows, stage)}) is "
                              f"{type(spec).__name__}, not a mapping of totals",
                              hint="give {'column': total or {level: count}} for each unit")
    return list(population)
