"""Checks that a weighting step met its targets: the margins' totals agree, every
target is reached to tolerance, and no level the population counts lost all its weight.

Internal to :mod:`micropop.weighting` (:mod:`micropop.weighting.margins` re-exports
the names its callers use).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from micropop.errors import ConvergenceError, LevelNotInSampleError, MarginTotalsError

if TYPE_CHECKING:
    from micropop.weighting.margins import Margin

# Categorical margins must agree on the population total to this relative tolerance.
TOTALS_RTOL = 1e-6


def margin_totals(margins: Sequence[Margin]) -> np.ndarray:
    """The population total counted by each categorical margin."""
    return np.array([m.targets.sum() for m in margins if m.categorical])


def check_totals(margins: Sequence[Margin]) -> None:
    """Raise MarginTotalsError if categorical margins count different populations.

    Parameters
    ----------
    margins : sequence of Margin
        The margins of one weighting step; numeric totals are not compared.

    Examples
    --------
    >>> from micropop.weighting.margins import Margin
    >>> sex = Margin(("sex",), ("f", "m"), np.array([6.0, 4.0]), np.array([0, 1, 1]), None)
    >>> age = Margin(("age",), ("young", "old"), np.array([5.0, 6.0]), np.array([0, 1, 1]), None)
    >>> check_totals([sex, age])
    Traceback (most recent call last):
    micropop.errors.MarginTotalsError: the margins add up to different population totals: ...
    """
    totals = margin_totals(margins)
    if len(totals) < 2:
        return
    if np.ptp(totals) > TOTALS_RTOL * totals.max():
        cats = [m for m in margins if m.categorical]
        shown = ", ".join(f"{m.name!r} {t:,.6g}" for m, t in zip(cats, totals, strict=True))
        raise MarginTotalsError(f"the margins add up to different population totals: {shown}",
                                hint="take every margin from the same population (same "
                                     "date, territory and age range), as counts rather than "
                                     "percentages or shares, or rescale them")


@dataclass(frozen=True)
class Miss:
    """The target a set of weights misses most: by how much, and where.

    Attributes
    ----------
    excess : float
        The relative gap ``(|achieved - target| - slack) / (1 + |target|)``.
    margin : str
        The margin's name.
    level : str
        The level missed (``"(total)"`` for a numeric total).
    achieved, target : float
        The weighted count (or total) reached, and its target.
    column : int
        The weight column: 0 the sample's weights, ``r > 0`` replicate ``r``.

    Examples
    --------
    >>> print(Miss(0.2, "sex", "m", 5.0, 4.0, 0))
    margin 'sex' level 'm' reaches 5 against its target 4
    """

    excess: float    # (|achieved - target| - slack) / (1 + |target|)
    margin: str
    level: str
    achieved: float
    target: float
    column: int      # 0 the sample's weights, r > 0 replicate r

    def __str__(self) -> str:
        where = f" in replicate {self.column}" if self.column else ""
        return (f"margin {self.margin!r} level {self.level!r} reaches {self.achieved:,.6g} "
                f"against its target {self.target:,.6g}{where}")


def worst_miss(margins: Sequence[Margin], weights: np.ndarray) -> Miss | None:
    """The level (or numeric total) furthest from its target under ``weights`` (n, k).

    The gap is measured as R's grake does, ``|achieved - target| / (1 +
    |target|)``, after allowing for the disagreement of the categorical
    margins' totals that :func:`check_totals` accepts. Non-finite sums count
    as infinitely far.

    Parameters
    ----------
    margins : sequence of Margin
    weights : ndarray
        Weight columns (n, k): the sample's, then replicates'.

    Returns
    -------
    Miss or None
        The worst miss over every margin, level and column; None without margins.

    Examples
    --------
    >>> from micropop.weighting.margins import Margin
    >>> sex = Margin(("sex",), ("f", "m"), np.array([6.0, 4.0]), np.array([0, 1, 1]), None)
    >>> print(worst_miss([sex], np.array([[5.0], [2.5], [2.5]])))
    margin 'sex' level 'm' reaches 5 against its target 4
    """
    totals = margin_totals(margins)
    slack = float(np.ptp(totals)) if len(totals) > 1 else 0.0
    misses = [furthest(m.name, m.labels(), m.achieved(weights), m.targets, slack)
              for m in margins]
    return max(misses, key=lambda miss: miss.excess, default=None)


def furthest(name: str, labels: Sequence[str], achieved: np.ndarray, targets: np.ndarray,
             slack: float = 0.0) -> Miss:
    """The level of one margin furthest from its target, over every weight column.

    Parameters
    ----------
    name : str
        The margin's name.
    labels : sequence of str
        The K levels' labels (:meth:`Margin.labels`).
    achieved : ndarray
        Weighted counts (K, k), one column per weight column.
    targets : ndarray
        Targets (K,), the same for every weight column, or (K, k).
    slack : float, default 0.0
        Absolute gap allowed (the disagreement of the margins' totals).

    Returns
    -------
    Miss

    Examples
    --------
    >>> furthest("sex", ["f", "m"], np.array([[5.0], [5.0]]), np.array([6.0, 4.0])).level
    'm'
    """
    targets = targets if targets.ndim == 2 else targets[:, None]
    excess = (np.abs(achieved - targets) - slack) / (1 + np.abs(targets))
    excess = np.where(np.isfinite(excess), excess, np.inf)
    k, c = np.unravel_index(int(np.argmax(excess)), excess.shape)
    return Miss(float(excess[k, c]), name, labels[int(k)], float(achieved[k, c]),
                float(targets[k, min(c, targets.shape[1] - 1)]), int(c))


def check_met(misses: Sequence[Miss | None], rtol: float, method: str) -> None:
    """Raise ConvergenceError for the worst of ``misses`` if it is beyond ``rtol``.

    Every weighting step ends with this check, on the sample's weights and on
    every replicate's: a level that a replicate cannot carry (its rows all
    dropped by that replicate) is named here rather than left off its target.

    Parameters
    ----------
    misses : sequence of Miss or None
        The worst miss of each check (:func:`worst_miss`); None counts as met.
    rtol : float
        The tolerance on :attr:`Miss.excess` (:data:`MET_RTOL` for exact steps).
    method : str
        The weighting step, for the message (``"raking"``).

    Examples
    --------
    >>> miss = furthest("sex", ["f", "m"], np.array([[5.0], [5.0]]), np.array([6.0, 4.0]))
    >>> check_met([miss, None], 1e-6, "raking")
    Traceback (most recent call last):
    micropop.errors.ConvergenceError: raking did not meet its targets: margin 'sex' level 'm' ...
    """
    miss = max((m for m in misses if m is not None), key=lambda m: m.excess, default=None)
    if miss is None or miss.excess <= rtol:
        return
    raise ConvergenceError(f"{method} did not meet its targets: {miss} (relative gap "
                           f"{miss.excess:.3g}, tolerance {rtol:.3g})",
                           hint="check that the targets are consistent with each other and "
                                "with the data (a level the sample cannot carry, a total out "
                                "of reach), or raise max_iter")


def check_carried(margins: Sequence[Margin], weights: np.ndarray) -> None:
    """Raise LevelNotInSampleError for a level that a replicate's weights (n, k) leave empty.

    A replicate that drops every unit holding a level cannot be weighted to
    that level's count (R gives it infinite or missing weights, or stops).

    Parameters
    ----------
    margins : sequence of Margin
    weights : ndarray
        Weight columns (n, k): the sample's, then replicates'.

    Examples
    --------
    >>> from micropop.weighting.margins import Margin
    >>> sex = Margin(("sex",), ("f", "m"), np.array([6.0, 4.0]), np.array([0, 1, 1]), None)
    >>> check_carried([sex], np.array([[1.0, 2.0], [1.0, 0.0], [1.0, 0.0]]))
    Traceback (most recent call last):
    micropop.errors.LevelNotInSampleError: replicate 1 keeps no row of margin 'sex' level 'm' ...
    """
    for margin in margins:
        if margin.categorical and weights.shape[1] > 1:
            empty = margin.achieved(weights) <= 0
            if empty.any():
                k, c = np.argwhere(empty)[0]
                raise LevelNotInSampleError(
                    f"replicate {c} keeps no row of margin {margin.name!r} level "
                    f"{margin.level_names[k]!r} (its rows all lie in the units that replicate "
                    "drops), so it cannot be weighted to that level's count",
                    hint="merge the level with a neighbouring one so that every replicate "
                         "keeps some of its rows")
