"""The calibration variables of margins: R's model matrix, per cell of the margins' cross."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from micropop.weighting.margins import Margin, cells

__all__ = ["model_matrix", "model_targets"]


def model_targets(margins: list[Margin]) -> np.ndarray:
    """The totals of the calibration variables of :func:`model_matrix`, in its column order."""
    return np.concatenate([m.targets if k == 0 or not m.categorical else m.targets[1:]
                           for k, m in _indexed(margins)])


def _indexed(margins: list[Margin]) -> Iterator[tuple[int, Margin]]:
    """Margins with the rank of each among the categorical ones (-1 for numeric)."""
    k = 0
    for margin in margins:
        yield (k if margin.categorical else -1), margin
        k += margin.categorical


def model_matrix(margins: list[Margin],
                 active: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[tuple[str, str]]]:
    """Cell of each row, calibration variables per cell (C, q) and column labels.

    The first categorical margin gives one indicator per level (it spans R's
    intercept); later ones drop their first level (R's treatment contrasts),
    so the columns are linearly independent when the margins are.
    """
    categorical = [m for m in margins if m.categorical]
    per_margin: np.ndarray | list[np.ndarray]
    if len(categorical) == len(margins):
        cell, levels = cells(margins)
        per_margin = levels
    else:
        cell = np.where(active, np.arange(len(active)), -1).astype(np.intp)
        per_margin = [m.level_codes for m in categorical]
    blocks: list[np.ndarray] = []
    labels: list[tuple[str, str]] = []
    k = 0
    for rank, margin in _indexed(margins):
        if margin.values is None:  # categorical
            codes = per_margin[k]
            k += 1
            names = margin.level_names
            keep = range(len(names)) if rank == 0 else range(1, len(names))
            blocks += [(codes == level).astype(float) for level in keep]
            labels += [(margin.name, names[level]) for level in keep]
        else:
            blocks.append(margin.values)
            labels.append((margin.name, "(total)"))
    return cell, np.column_stack(blocks), labels
