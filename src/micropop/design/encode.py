"""Reading a design's columns: names, labels, strata, PSUs, fpc and weights.

The checks every layer shares on what the user names (:func:`as_columns`,
:func:`require_columns`, :func:`check_labels`, :func:`require_design`), the one
set of weight checks (:func:`check_weights`, also used by
:mod:`micropop.describe`), and the encoding of the sampling stages as integer
codes, as R's ``svydesign`` reads them (:func:`encode_stages`,
:func:`sampling_weights`). Errors name the column and the data rows
(:func:`micropop.errors.data_rows`; :func:`design_rows` for a design's rows).

Examples
--------
>>> import pandas as pd
>>> from micropop.design.encode import encode_stages
>>> df = pd.DataFrame({"h": ["a", "a", "b", "b"], "psu": [1, 2, 1, 2]})
>>> (stage,) = encode_stages(df, ["h"], ["psu"], [], nest=True)
>>> stage.cluster.tolist(), stage.n_units.tolist()
([0, 1, 2, 3], [2, 2])
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Iterable, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from micropop.design._core import Design
from micropop.errors import (
    MAX_ROWS_SHOWN,
    DesignError,
    InMemoryOnlyError,
    MicropopError,
    NotADesignError,
    OptionError,
    WeightError,
    check_option,
    data_rows,
    missing_columns,
)
from micropop.variance.linearization import LONELY_PSU_POLICIES, Stage

__all__ = ["Columns", "as_columns", "check_design_options", "check_labels", "check_weights",
           "data_rows", "design_rows", "encode_stages", "require_columns", "require_design",
           "sampling_weights"]

#: A column argument: one name, several, or none.
Columns = str | Sequence[str] | None


def as_columns(columns: Columns, name: str, distinct: bool = False) -> list[Any]:
    """Column argument as a list: None -> [], "a" -> ["a"].

    Raises :class:`OptionError` for what is not a column name or a list of
    them (a number, a list holding a number) and, with ``distinct``, for a
    name given twice, naming the argument ``name`` as the user wrote it
    (``strata=5``, ``by=[1]``): every caller passes its argument's name.

    Parameters
    ----------
    columns : str, sequence of str or None
        The argument as the user gave it.
    name : str
        The argument's name, for the message.
    distinct : bool, default False
        Refuse a column named twice.

    Returns
    -------
    list of str
        The column names, in order.

    Examples
    --------
    >>> as_columns("age", "by"), as_columns(["age", "sex"], "by"), as_columns(None, "by")
    (['age'], ['age', 'sex'], [])
    >>> as_columns(5, "strata")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    micropop.errors.OptionError: strata=5 is not a column name or a list of them. Name ...
    >>> as_columns(["age", "age"], "variables", distinct=True)
    Traceback (most recent call last):
    ...
    micropop.errors.OptionError: variables names column 'age' twice. Name each column once.
    """
    if columns is None:
        return []
    if isinstance(columns, str):
        return [columns]
    hint = "name columns with text, e.g. 'income' or ['income', 'age']"
    if isinstance(columns, (bytes, dict)) or not isinstance(columns, (Sequence, pd.Index,
                                                                     np.ndarray, set)):
        raise OptionError(f"{name}={columns!r} is not a column name or a list of them",
                          hint=hint)
    listed = list(columns)
    wrong = [c for c in listed if not isinstance(c, str)]
    if wrong:
        raise OptionError(f"{name} holds {', '.join(map(repr, wrong[:5]))}, not column names",
                          hint=hint)
    twice = sorted({c for c in listed if listed.count(c) > 1}) if distinct else []
    if twice:
        raise OptionError(f"{name} names column {', '.join(map(repr, twice))} twice",
                          hint="name each column once")
    return listed


def check_labels(frame: pd.DataFrame) -> None:
    """Raise :class:`DesignError` unless every column label of ``frame`` is distinct text.

    Estimators name columns by their labels: a number or a tuple as a label
    (``pd.read_csv(header=None)``, a MultiIndex), or one label for two
    columns, would reach the estimators as the wrong column or none.

    Parameters
    ----------
    frame : DataFrame
        The user's data.

    Examples
    --------
    >>> check_labels(pd.DataFrame({"a": [1], "b": [2]}))
    >>> check_labels(pd.DataFrame([[1, 2]]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    micropop.errors.DesignError: column labels 0, 1 are not text. Name the columns with text, ...
    """
    labels = list(frame.columns)
    wrong = [label for label in labels if not isinstance(label, str)]
    if wrong:
        shown = ", ".join(map(repr, wrong[:MAX_ROWS_SHOWN]))
        more = f" and {len(wrong) - MAX_ROWS_SHOWN} more" if len(wrong) > MAX_ROWS_SHOWN else ""
        raise DesignError(f"column label{'s' if len(wrong) > 1 else ''} {shown}{more} "
                          f"{'are' if len(wrong) > 1 else 'is'} not text",
                          hint="name the columns with text, e.g. df.columns = "
                               "df.columns.astype(str), or df.rename(columns={...})")
    twice = pd.Index(labels)[pd.Index(labels).duplicated()].unique()
    if len(twice):
        raise DesignError(f"the data have several columns named "
                          f"{', '.join(map(repr, twice[:MAX_ROWS_SHOWN]))}",
                          hint="give each column its own name (df.columns = [...]) or drop "
                               "the copies")


def require_columns(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise MissingColumnError naming the columns absent from ``frame``.

    Parameters
    ----------
    frame : DataFrame
        The data.
    columns : sequence of str
        The columns the caller needs.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"age": [30]}), ["age"])
    >>> require_columns(pd.DataFrame({"age": [30]}), ["agee"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    micropop.errors.MissingColumnError: column(s) 'agee' not in the data (did you mean 'age'?). ...
    """
    missing_columns(columns, frame.columns)


def design_rows(design: Design, mask: object, values: Iterable[Any] | None = None) -> str:
    """The rows of a design flagged in ``mask``, named as data rows of the user's frame.

    ``mask`` flags either every row of the data the design was built from, or
    only the design's rows (those of :attr:`~Design.data`, after a
    :meth:`~Design.subset`); either way the rows are named by their place in
    the whole frame (see :func:`micropop.errors.data_rows`).

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
        The design whose rows are named.
    mask : array-like of bool
        Flags over :attr:`~Design.frame`, or over the design's rows only.
    values : iterable, optional
        The value of each flagged row, shown beside it.

    Returns
    -------
    str
        ``"data row 4 (value: 4.0)"``, a few rows at the most.

    Examples
    --------
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"w": [1.0, 2.0, 3.0, 4.0]})
    >>> sub = SurveyDesign(df, weights="w").subset(df["w"] > 2)
    >>> design_rows(sub, np.array([False, True]), [4.0])
    'data row 4 (value: 4.0)'
    """
    flags = np.asarray(mask, dtype=bool)
    frame = design.frame
    if len(flags) != len(frame):  # flags over the design's rows only
        full = np.zeros(len(frame), dtype=bool)
        full[np.flatnonzero(design.rows)[flags]] = True
        flags = full
    return data_rows(frame, flags, values)


def check_design_options(lonely_psu: str, nest: bool, ultimate_cluster: bool,
                         adjust_domain_lonely: bool) -> None:
    """Refuse a lonely-PSU policy or a design flag that is not one of R's.

    Shared by the in-memory and the Dask designs.

    Parameters
    ----------
    lonely_psu : str
        One of :data:`~micropop.variance.linearization.LONELY_PSU_POLICIES`.
    nest, ultimate_cluster, adjust_domain_lonely : bool

    Raises
    ------
    DesignError
        An unknown policy.
    OptionError
        A flag that is not True or False.

    Examples
    --------
    >>> check_design_options("adjust", False, False, False)
    >>> check_design_options("ajust", False, False, False)
    Traceback (most recent call last):
    ...
    micropop.errors.DesignError: lonely_psu='ajust' is not a policy. Use one of 'fail', ...
    """
    if lonely_psu not in LONELY_PSU_POLICIES:
        raise DesignError(f"lonely_psu={lonely_psu!r} is not a policy",
                          hint="use one of " + ", ".join(map(repr, LONELY_PSU_POLICIES)))
    for flag, value in (("nest", nest), ("ultimate_cluster", ultimate_cluster),
                        ("adjust_domain_lonely", adjust_domain_lonely)):
        check_option(flag, value, [True, False])


def require_design(obj: object, name: str = "design") -> None:
    """Raise :class:`NotADesignError` unless ``obj`` is a survey design.

    The one check at the entry of every public function that takes a design
    (estimators, inequality, earnings, profile, size, weighting), so that a
    DataFrame, ``None`` or a column name given in its place is refused by
    name instead of failing later with an ``AttributeError``.

    Parameters
    ----------
    obj : object
        What the user passed.
    name : str, default "design"
        The argument's name, for the message.

    Examples
    --------
    >>> require_design(pd.DataFrame({"y": [1.0]}))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    micropop.errors.NotADesignError: design is a DataFrame, not a survey design. Build one ...
    """
    if getattr(type(obj), "engine", None) == "dask":
        frame = inspect.currentframe()
        caller = frame.f_back.f_code.co_name if frame and frame.f_back else "this function"
        raise InMemoryOnlyError(
            f"{caller} needs an in-memory design, and {name} is a design on a Dask DataFrame",
            hint="des.compute() gives the in-memory design when the data fit in memory; "
                 "otherwise select the rows and columns needed on the Dask frame, "
                 "then .compute() them and build an in-memory design")
    if not isinstance(obj, Design):
        raise NotADesignError(f"{name} is {_kind(obj)}, not a survey design",
                              hint="build one with mp.SurveyDesign(data, weights=...) and "
                                   "pass it instead")


def _kind(obj: object) -> str:
    """``obj`` described for a message: ``None``, ``a DataFrame``, ``the text 'x'``."""
    if obj is None:
        return "None"
    if isinstance(obj, str):
        return f"the text {obj[:40]!r}"
    name = type(obj).__name__
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name


def _codes(frame: pd.DataFrame, column: str, role: str) -> tuple[np.ndarray, np.ndarray]:
    """Dense integer codes of a strata or PSU column, and its distinct values."""
    values = frame[column]
    missing = values.isna().to_numpy()
    if missing.any():
        raise DesignError(f"{role} column {column!r} has missing values in "
                          f"{data_rows(frame, missing)}",
                          hint=f"fill in the {role} or drop those rows before building the design")
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError:  # values that cannot be hashed or ordered (lists, mixed objects)
        kinds = sorted({type(v).__name__ for v in values})
        raise DesignError(f"{role} column {column!r} holds values that cannot be told apart "
                          f"or ordered ({', '.join(kinds)})",
                          hint=f"give the {role} one kind of value, e.g. "
                               f"df[{column!r}].astype(str)") from None
    return codes.astype(np.intp), np.asarray(uniques)


def _combine(*codes: np.ndarray) -> np.ndarray:
    """Dense codes of the combinations of several code arrays."""
    combined = codes[0].astype(np.int64)
    for more in codes[1:]:
        combined = combined * (int(more.max()) + 1) + more
        combined = pd.factorize(combined, sort=True)[0].astype(np.int64)
    return combined.astype(np.intp)


def _first_labels(codes: np.ndarray, labels: np.ndarray) -> list[str]:
    """Label of each code, taken from its first row."""
    first = np.zeros(int(codes.max()) + 1, dtype=np.intp)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    return [str(labels[i]) for i in first]


def encode_stages(frame: pd.DataFrame, strata_cols: list[Any], psu_cols: list[Any],
                  fpc_cols: list[Any], nest: bool) -> list[Stage]:
    """Encode strata, units and fpc of every stage as R's svydesign does.

    Stage ``s`` units are nested in stage ``s-1`` units (and, with ``nest``,
    in the strata); later-stage strata are the given strata column (or the
    last one) crossed with the previous stage's unit, as in R.

    Parameters
    ----------
    frame : DataFrame
        The data, one row per observation.
    strata_cols : list of str
        Strata column of each stage (fewer than stages: the last one serves
        the later stages); empty for no strata.
    psu_cols : list of str or None
        Unit column of each stage, first to last (None: each row is a unit).
    fpc_cols : list of str
        Population size (or sampling fraction) column of each stage; empty for none.
    nest : bool
        Units are numbered within strata (R's ``nest=TRUE``).

    Returns
    -------
    list of Stage
        One per entry of ``psu_cols``.

    Raises
    ------
    DesignError
        No row, a single PSU, or PSUs that cross strata without ``nest``.

    Examples
    --------
    >>> df = pd.DataFrame({"school": [1, 1, 2, 2], "pupil": [1, 2, 1, 2]})
    >>> first, second = encode_stages(df, [], ["school", "pupil"], [], nest=False)
    >>> first.n_units.tolist(), second.cluster.tolist(), second.strata_labels[1]
    ([2], [0, 1, 2, 3], '(all) in school 2')
    """
    n = len(frame)
    if n == 0:
        raise DesignError("the data have no rows", hint="check the file that was read")
    has_strata = bool(strata_cols)
    if has_strata:
        strata_codes = [_codes(frame, c, "strata") for c in strata_cols]
    else:
        strata_codes = [(np.zeros(n, dtype=np.intp), np.array(["(all)"], dtype=object))]
    ids = [(_codes(frame, c, "psu")[0] if c is not None else np.arange(n, dtype=np.intp))
           for c in psu_cols]
    if ids[0].max() == 0 and not (nest and has_strata):
        raise DesignError(f"the design has a single PSU (column {psu_cols[0]!r})",
                          hint="a variance needs two PSUs or more; check the psu column")
    if has_strata and not nest:
        _check_nested(frame, psu_cols[0], ids[0], strata_codes[0][0], strata_cols[0])

    stages: list[Stage] = []
    for s in range(len(psu_cols)):
        cluster = _combine(*ids[: s + 1])
        if nest and has_strata:
            cluster = _combine(*[c for c, _ in strata_codes[: s + 1]], cluster)
        codes, uniques = strata_codes[min(s, len(strata_codes) - 1)]
        if s == 0:
            strata, labels, parent = codes, [str(v) for v in uniques], None
        else:
            parent = stages[-1].cluster
            strata = _combine(codes, parent)
            unit = frame[psu_cols[s - 1]].astype(str).to_numpy() if psu_cols[s - 1] else \
                frame.index.astype(str).to_numpy()
            labels = [f"{a} in {psu_cols[s - 1]} {b}" for a, b in zip(
                _first_labels(strata, uniques[codes]), _first_labels(strata, unit), strict=True)]
        stages.append(Stage.build(strata, cluster, None, labels, parent))
    if fpc_cols:
        raw = [_stratum_fpc(frame, col, s, stage) for s, (col, stage)
               in enumerate(zip(fpc_cols, stages, strict=True))]
        stages = [stage.with_popsize(pop) for stage, pop
                  in zip(stages, _popsizes(raw, stages, fpc_cols), strict=True)]
    return stages


def _check_nested(frame: pd.DataFrame, psu_col: str | None, psu: np.ndarray,
                  strata: np.ndarray, strata_col: str) -> None:
    """Raise when a PSU id appears in two strata (R: clusters not nested)."""
    first = np.empty(int(psu.max()) + 1, dtype=np.intp)
    first[psu] = strata
    crossing = first[psu] != strata
    if crossing.any():
        ids = pd.unique(frame[psu_col].to_numpy()[crossing])[:5]
        raise DesignError(
            f"PSU ids of column {psu_col!r} appear in several strata of {strata_col!r} "
            f"(e.g. {', '.join(map(str, ids))}); R says: clusters not nested in strata",
            hint="pass nest=True if equal ids in different strata are different PSUs")


def _stratum_fpc(frame: pd.DataFrame, column: str, stage_index: int,
                 stage: Stage) -> np.ndarray:
    """The fpc value of each stratum at one stage (checked constant within it)."""
    if pd.api.types.is_bool_dtype(frame[column]):
        raise DesignError(f"fpc column {column!r} holds True/False values",
                          hint="give population sizes (or sampling fractions) for every row")
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values <= 0)
    if bad.any():
        raise DesignError(f"fpc column {column!r} has missing, zero, negative, infinite or "
                          f"non-numeric values in "
                          f"{data_rows(frame, bad, frame[column][bad])}",
                          hint="give positive population sizes (or sampling fractions) for "
                               "every row; leave fpc out for sampling with replacement")
    n_strata = len(stage.n_units)
    low = np.full(n_strata, np.inf)
    high = np.full(n_strata, -np.inf)
    np.minimum.at(low, stage.strata, values)
    np.maximum.at(high, stage.strata, values)
    varying = np.flatnonzero(low != high)
    if varying.size:
        names = ", ".join(repr(stage.strata_labels[h]) for h in varying[:5])
        raise DesignError(f"fpc column {column!r} varies within stratum {names} at stage "
                          f"{stage_index + 1}",
                          hint="the fpc is the population size of the stratum: one value "
                               "per stratum")
    return low


def _popsizes(raw: list[np.ndarray], stages: list[Stage],
              fpc_cols: list[Any]) -> list[np.ndarray]:
    """Population units per stratum from fpc counts or fractions (R's as.fpc)."""
    every = np.concatenate(raw)
    as_counts = bool(np.any(every > 1))
    if as_counts and np.any(every < 1):
        raise DesignError(f"fpc columns {', '.join(map(repr, fpc_cols))} mix sampling "
                          "fractions (<= 1) and population sizes (> 1)",
                          hint="give all fpc as population sizes or all as fractions")
    out = []
    for stage, column, fpc in zip(stages, fpc_cols, raw, strict=True):
        with np.errstate(divide="ignore"):
            popsize = fpc if as_counts else stage.n_units / fpc
        short = np.flatnonzero(popsize < stage.n_units)
        if short.size:
            names = ", ".join(f"{stage.strata_labels[h]!r} (fpc {fpc[h]:g}, "
                              f"{stage.n_units[h]} sampled)" for h in short[:5])
            raise DesignError(f"fpc column {column!r} is smaller than the number of sampled "
                              f"units in stratum {names}",
                              hint="the fpc counts the population units of the stratum "
                                   "(or is a fraction <= 1)")
        out.append(popsize)
    return out


def sampling_weights(frame: pd.DataFrame, weights: str | None, probs: str | None,
                     stages: list[Stage]) -> np.ndarray:
    """Weights from a column, from probabilities, or from the fpc (as R), read-only.

    Parameters
    ----------
    frame : DataFrame
        The data.
    weights : str or None
        The weight column.
    probs : str or None
        The column of selection probabilities (weights are their inverse).
    stages : list of Stage
        The encoded stages: without ``weights`` or ``probs``, the weights are
        the product over stages of ``N_h / n_h`` (with an fpc), else 1.

    Returns
    -------
    ndarray of float, shape (n,)
        Read-only.

    Raises
    ------
    WeightError
        Missing, negative, infinite or non-numeric weights, or
        probabilities outside (0, 1].

    Examples
    --------
    >>> df = pd.DataFrame({"p": [0.5, 0.25]})
    >>> (stage,) = encode_stages(df, [], [None], [], nest=False)
    >>> sampling_weights(df, None, "p", [stage]).tolist()
    [2.0, 4.0]
    """
    if weights is None and probs is None:
        if stages[0].popsize is None:
            warnings.warn("no weights, probs or fpc given: assuming equal probability "
                          "(every weight is 1), as R's svydesign", UserWarning, stacklevel=3)
            w = np.ones(len(frame))
        else:
            w = np.ones(len(frame))
            for stage in stages:
                w *= (stage.popsize / stage.n_units)[stage.strata]
    else:
        column = cast(str, weights if weights is not None else probs)
        raw = frame[column]
        w = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        if probs is not None:
            _check_probs(frame, column, raw, w)
            w = 1.0 / w
        role = "probs" if probs is not None else "weights"
        check_weights(raw, f"{role} column {column!r}", w)
    w.flags.writeable = False
    return w


def _check_probs(frame: pd.DataFrame, column: str, raw: pd.Series, p: np.ndarray) -> None:
    """Selection probabilities are numbers in (0, 1]: refuse the others, naming rows."""
    if pd.api.types.is_bool_dtype(raw):
        raise WeightError(f"probs column {column!r} holds True/False values",
                          hint="give selection probabilities in (0, 1]")
    problems = [(np.isnan(p), "missing or non-numeric values"),
                (p <= 0, "zero or negative values (an infinite weight)"),
                (p > 1, "values above 1 (a probability is at most 1: are these weights?)")]
    for bad, what in problems:
        if bad.any():
            raise WeightError(f"probs column {column!r} has {what} in "
                              f"{data_rows(frame, bad, raw[bad])}",
                              hint="give selection probabilities in (0, 1], or the weights "
                                   "as weights=")


def check_weights(raw: pd.Series, label: str, values: np.ndarray | None = None, *,
                  error: type[MicropopError] = WeightError,
                  all_zero: str | None = None) -> np.ndarray:
    """Weights are finite numbers >= 0, not all zero: refuse the others, naming rows.

    The one check of weights, for designs (weights, probabilities, replicate
    weights) and descriptive tables.

    Parameters
    ----------
    raw : Series
        The column as the user gave it (its index names the rows).
    label : str
        How messages name it, e.g. ``"weights column 'w'"``.
    values : ndarray, optional
        The weights read from ``raw`` (default: ``raw`` as numbers, text as NaN).
    error : MicropopError subclass, default WeightError
        What to raise.
    all_zero : str, optional
        The message when every weight is zero (default: "every value of
        <label> is zero").

    Returns
    -------
    ndarray
        The weights as floats.

    Examples
    --------
    >>> import pandas as pd
    >>> check_weights(pd.Series([1, 2.5]), "weights column 'w'").tolist()
    [1.0, 2.5]
    >>> check_weights(pd.Series([1.0, -2.0]), "weights column 'w'")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    micropop.errors.WeightError: weights column 'w' has negative values in data row 2 ...
    """
    if pd.api.types.is_bool_dtype(raw):
        raise error(f"{label} holds True/False values, not weights",
                    hint="give sampling weights: numbers, 1 / probability of selection")
    w = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float) if values is None else values
    problems = [(np.isnan(w), "missing or non-numeric"),
                (np.isinf(w), "infinite"),
                (w < 0, "negative")]
    for bad, what in problems:
        if bad.any():
            raise error(f"{label} has {what} values in "
                        f"{data_rows(raw, bad, raw[bad])}",
                        hint="fix or drop those rows; zero weights are allowed")
    if len(w) and not np.any(w > 0):
        raise error(all_zero or f"every value of {label} is zero",
                    hint="a zero weight leaves a row out, so no row would be left; "
                         "check that this is the right column")
    return w
