"""Weighting-class nonresponse adjustment."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from micropop.design._core import Design
from micropop.design.encode import as_columns, design_rows, require_columns, require_design
from micropop.errors import WeightingError, WeightingMissingError
from micropop.weighting._design import DesignT, WeightingStep, weight_matrix, with_weights
from micropop.weighting._projection import group_sums
from micropop.weighting.margins import check_observed, class_codes

__all__ = ["adjust_nonresponse"]


def adjust_nonresponse(design: DesignT, responded: str | np.ndarray | pd.Series,
                       by: str | Sequence[str] | None = None) -> DesignT:
    """Weighting-class adjustment for unit nonresponse; non-respondents are dropped.

    Within each class (a level, or combination of levels, of ``by``; the whole
    sample without ``by``), respondents' weights are multiplied by ``sum of
    weights of the class / sum of weights of its respondents``, so that they
    carry the weight of the non-respondents of their class. The result is the
    respondents as a subset of the design (R's ``subset``): the full design's
    PSUs and strata still make the variance, and the adjustment factors are
    treated as fixed, as when weights are adjusted by hand in R; weighting to
    population margins afterwards adds its own calibration term. On a
    replicate design every replicate is adjusted within the same classes.

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    responded : str or boolean array-like
        Column (bool or 0/1) or mask, True for respondents.
    by : str or list of str, optional
        The weighting-class columns.

    Returns
    -------
    SurveyDesign or ReplicateDesign
        The respondents, with adjusted weights.

    Raises
    ------
    WeightingMissingError
        The response indicator or a class column is missing (how many rows).
    WeightingError
        A class without respondents (in the sample, or in a replicate that
        drops all of them), or an indicator that is not True/False.
    MarginLevelError, NotCategoricalError
        A class column mixing kinds of values (``1`` and ``"1"``, ``True`` and
        ``1``), or holding continuous numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"r": [True, True, False, True], "g": ["a", "a", "a", "b"],
    ...                    "w": 10.0})
    >>> des = SurveyDesign(df, weights="w").adjust_nonresponse("r", by="g")
    >>> des.weights.tolist()
    [15.0, 15.0, 10.0]
    """
    require_design(design)
    frame = design.frame
    rows, weights = weight_matrix(design)
    responded = _indicator(design, rows, responded)
    classes = as_columns(by, "by")
    require_columns(frame, classes)
    check_observed(frame, rows, classes, what="weighting class column",
                   hint="give those rows a class (e.g. a level 'unknown') or drop them")
    if classes:
        codes, labels = class_codes(frame, classes)
    else:
        codes, labels = np.zeros(len(frame), dtype=np.intp), ["(all)"]
    codes = np.where(rows, codes, -1)
    n_classes = len(labels)
    everyone = group_sums(codes, weights, n_classes)
    respondents = group_sums(np.where(responded, codes, -1), weights, n_classes)
    empty = (respondents == 0) & (everyone > 0)
    if empty.any():
        column = int(np.flatnonzero(empty.any(axis=0))[0])
        names = ", ".join(repr(labels[k]) for k in np.flatnonzero(empty[:, column])[:5])
        where = (f" in replicate {column} (which drops the units of its respondents)"
                 if column else "")
        raise WeightingError(f"weighting class {names} has no respondent (with a positive "
                             f"weight){where} to carry its weight",
                             hint="merge it with a neighbouring class")
    factors = np.divide(everyone, respondents, out=np.ones_like(everyone),
                        where=respondents > 0)
    kept = rows & responded
    new = np.where(kept[:, None], weights * factors[np.maximum(codes, 0)], 0.0)
    step = WeightingStep("nonresponse", (), 1, 0.0, weights[:, 0], None)
    adjusted = with_weights(design, new, step, preserved=("weighting class", codes, labels))
    return adjusted.subset(responded[rows])


def _indicator(design: Design, rows: np.ndarray,
               responded: str | np.ndarray | pd.Series) -> np.ndarray:
    """The response indicator over all rows of the data (False outside the scope).

    A column name; a Series, aligned on the data's index (a missing label is
    refused, never filled by position); or an array with one value per row of
    the data or per row of the design's scope. Rows are named as data rows.
    """
    frame = design.frame
    scope = frame.index[rows]
    if isinstance(responded, str):
        require_columns(frame, [responded])
        values, name = frame[responded][rows], repr(responded)
    elif isinstance(responded, pd.Series):
        name = "responded"
        if not responded.index.is_unique:
            repeated = responded.index[responded.index.duplicated()].unique()
            raise WeightingError(f"response indicator {name} repeats index label(s) "
                                 f"{', '.join(map(repr, repeated[:5]))}",
                                 hint="give one value per row of des.data (same index)")
        absent = ~scope.isin(responded.index)
        if absent.any():
            raise WeightingError(f"response indicator {name} has no value for "
                                 f"{design_rows(design, absent)} of the design",
                                 hint="give a Series with the index of des.data (or an "
                                      "array in its row order)")
        values = responded.reindex(scope)
    elif np.ndim(responded) != 1:
        given = (f"={responded!r}" if np.ndim(responded) == 0 else
                 f" (of shape {np.shape(responded)})")
        raise WeightingError(f"responded{given} is neither a column nor one value per row",
                             hint="give a column name, or a boolean array or Series")
    else:
        values, name = pd.Series(np.asarray(responded, dtype=object)), "responded"
        if len(values) not in (len(frame), len(scope)):
            raise WeightingError(f"response indicator {name} has {len(values)} values for "
                                 f"{len(frame)} rows of data ({len(scope)} in the design)",
                                 hint="give one value per row of des.data")
        values = (values[rows] if len(values) == len(frame) else values).set_axis(scope)
    missing = values.isna().to_numpy()
    if missing.any():
        raise WeightingMissingError(f"response indicator {name} is missing in "
                                    f"{int(missing.sum())} row(s): "
                                    f"{design_rows(design, missing)}",
                                    hint="code every sampled unit as respondent or not")
    other = ~values.isin([True, False, 0, 1]).to_numpy()
    if other.any():
        raise WeightingError(f"response indicator {name} must hold True/False (or 1/0), not "
                             f"{design_rows(design, other, values[other])}",
                             hint="e.g. df['status'] == 'complete'")
    out = np.zeros(len(frame), dtype=bool)
    out[rows] = values.to_numpy().astype(bool)
    return out
