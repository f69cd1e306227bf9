"""Model formulas (``"regular ~ sex + age_group + log(hours_week)"``), read safely and coded as R.

:func:`model_frame` turns a data frame and a formula in the usual R /
statsmodels spelling into the response and the design matrix of a regression,
with R's ``model.matrix`` column names and order. The text is data, never code:
it is parsed with :func:`ast.parse` (which runs nothing) and walked with a
whitelist; no name is looked up and nothing is evaluated.

The grammar:

* ``response ~ terms``; column names bare, in backticks (```âge déclaré```)
  or as ``Q("name with spaces")``; R's dotted names (``sch.wide``) when they
  are columns of the data;
* ``a + b`` (add), ``a - b`` (remove), ``a:b`` (interaction), ``a * b``
  (``a + b + a:b``), ``(a + b + c)^2`` (all interactions up to order 2);
* ``- 1``, ``+ 0`` or ``0 +`` (no intercept), ``1`` (the intercept alone);
* ``C(x)`` (categorical whatever the column's type), ``C(x, treatment)``
  (R's spelling: treatment contrasts, also for an ordered categorical),
  ``C(x, ref='b')``,
  ``C(x, Treatment(reference='b'))`` or R's ``relevel(x, ref = 'b')``
  (the reference level ``b``; the columns are then named
  ``relevel(x, ref = "b")<level>``, as R names them);
* ``log``, ``log1p``, ``log2``, ``log10``, ``sqrt``, ``exp``, ``abs``
  (also written ``np.log``...) and ``I(...)`` of columns and numbers with
  ``+ - * /`` and ``**`` or ``^`` (``log(x + 1)``, ``I(x**2)``), on either
  side of ``~``; named as R deparses them (``I(x^2)``, ``log(x/2)``);
* ``I(x == "level")``, ``I(age >= 25)``: one comparison (``==``, ``!=``,
  ``<``, ``<=``, ``>``, ``>=``) of a column (or a calculation of number
  columns) with a level in quotes or a number, as a term of its own: a logical
  variable, as R's (its column ``I(x == "level")TRUE``; as the response, TRUE
  is 1). A level the column does not have is refused; ``<`` and ``>`` with a
  level only on an ordered categorical (its levels' order, as R's ordered
  factors).

Everything else (attribute access, other calls, indexing, lambdas, R's
``/`` and ``%in%``, a formula longer than 10,000 characters or nested deeper
than 50) is refused with :class:`~micropop.errors.FormulaError` naming the
part and its character position.

Coding follows R's defaults (``options(contrasts = c("contr.treatment",
"contr.poly"))``): a categorical, text or bool column is a factor; its levels
are the categories' order (a categorical), ``FALSE, TRUE`` (a bool), or the
sorted values (text: Python's order of code points, where R sorts in the
locale, so ``"B" < "a"`` here and ``"a" < "B"`` in R: make such a column
categorical to fix the order); levels no used row has are dropped, as R's
``glm`` does. Unordered factors get treatment contrasts (first level is the
reference), ordered categoricals R's polynomial contrasts (``x.L``, ``x.Q``,
``x.C``, ``x^4``...). Without an intercept the first factor gets all its
levels; in an interaction a factor whose margin is not in the model gets all
its levels too (R's rule). Terms are ordered main effects first, then
two-way interactions and so on, each in the order written; an interaction's
variables in the order they first appear in the formula.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from micropop.errors import (
    FormulaError,
    InvalidLevelError,
    MissingValuesError,
    data_rows,
    missing_columns,
)
from micropop.models._formula_coding import (
    Coded,
    code,
    columns,
    is_factor,
    numeric,
    ordinal_response,
)
from micropop.models._formula_parse import Parsed, Variable, read_formula
from micropop.models._irls import RANK_TOL, aliased_columns

__all__ = ["ModelFrame", "model_frame", "model_matrix", "ALIAS_TOLERANCE"]

#: A column is aliased when its distance to the span of the columns before it is at most this
#: fraction of its norm (R's ``lm`` uses 1e-7 in its pivoting QR); the fit's rule.
ALIAS_TOLERANCE = RANK_TOL


@dataclass(frozen=True)
class ModelFrame:
    """A formula's response and design matrix on the rows used, named as R names them.

    Attributes
    ----------
    y : numpy.ndarray
        The response (float); a bool or two-level response is 0/1, the second
        level being 1 (as R's ``glm`` codes a factor response).
    X : pandas.DataFrame
        The design matrix (float), indexed as the rows used, columns named as
        R's ``model.matrix`` (``(Intercept)``, ``sexmale``, ``sexmale:hours``).
    rows : numpy.ndarray
        One bool per row of the data: the rows used.
    terms : dict of str to list of str
        Each term's label as R prints it (``"sex"``, ``"sex:hours"``, and
        ``"(Intercept)"`` when there is one) -> the columns of ``X`` it owns.
    response : str
        The response as R labels it (``"regular"``, ``"log(earnings)"``).
    formula : str
        The formula as written.
    levels : dict of str to list of str
        Each factor variable's label (``"sex"``, ``"C(n)"``) -> its levels on
        the rows used, in coding order (the reference first): what new data
        must be coded with to predict.
    response_levels : tuple of str
        With ``ordinal=True``: the ordered response's levels, all of its
        categories in order (``y`` holds their codes ``0, 1, ...``); empty
        otherwise.

    Examples
    --------
    >>> df = pd.DataFrame({"y": [1.0, 2, 4, 3], "sex": ["f", "m", "m", "f"], "x": [1, 2, 3, 5]})
    >>> mf = model_frame(df, "y ~ sex * x")
    >>> list(mf.X.columns)
    ['(Intercept)', 'sexm', 'x', 'sexm:x']
    >>> mf.terms["sex:x"]
    ['sexm:x']
    >>> mf.levels
    {'sex': ['f', 'm']}
    """

    y: np.ndarray
    X: pd.DataFrame
    rows: np.ndarray
    terms: dict[str, list[str]]
    response: str
    formula: str
    levels: dict[str, list[str]] = field(default_factory=dict)
    response_levels: tuple[str, ...] = ()


def model_frame(data: pd.DataFrame, formula: str, *, na_rm: bool = False,
                ordinal: bool = False) -> ModelFrame:
    """The response and design matrix of ``formula`` on ``data``, as R's ``model.matrix``.

    Parameters
    ----------
    data : pandas.DataFrame
        The data; the formula names its columns.
    formula : str
        ``"response ~ terms"`` in the grammar of :mod:`micropop.models.formula`.
    na_rm : bool, default False
        Leave out the rows with a missing value in a column the formula uses
        (R's ``na.omit``); by default they are refused by column and rows.
    ordinal : bool, default False
        The response is an ordered categorical column (an ordinal model's,
        as R's ``polr``): ``y`` holds its codes ``0, 1, ...`` over all of
        its categories, listed in ``response_levels``.

    Returns
    -------
    ModelFrame

    Raises
    ------
    FormulaError
        The formula is outside the grammar, a factor has one level, a
        response has more than two levels, a transform is not finite, or
        columns of the design matrix are aliased (named, with the columns
        they are a combination of; R would give them NA coefficients).
    MissingColumnError
        A column is not in the data (the closest name is suggested).
    MissingValuesError
        A used column has missing values and ``na_rm`` is False.
    OrdinalResponseError
        With ``ordinal=True``: a response that is not an ordered categorical
        column with 3 or more categories.

    Examples
    --------
    >>> df = pd.DataFrame({"pay": [3.0, 5, 4, 9, 7], "grp": ["b", "a", "c", "a", "b"],
    ...                    "hours": [1.0, 2, 3, 4, 8]})
    >>> mf = model_frame(df, "log(pay) ~ grp + np.log(hours) - 1")
    >>> list(mf.X.columns)
    ['grpa', 'grpb', 'grpc', 'log(hours)']
    >>> mf.response, mf.y.round(3).tolist()
    ('log(pay)', [1.099, 1.609, 1.386, 2.197, 1.946])
    >>> model_frame(df, "pay ~ grp.__class__")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    micropop.errors.FormulaError: formula 'pay ~ grp.__class__': 'grp.__class__' (character 7) ...
    """
    if not isinstance(data, pd.DataFrame):
        raise FormulaError(f"model_frame needs a pandas DataFrame, not {type(data).__name__}",
                           hint="pass the survey data as a DataFrame")
    parsed = read_formula(formula, data.columns)
    everything = [parsed.response, *parsed.variables]
    used_columns = list(dict.fromkeys(c for v in everything for c in v.expr.columns()))
    missing_columns(used_columns, data.columns, "formula")
    rows = _complete_rows(data, used_columns, parsed, na_rm)
    coded = [code(data, v, rows, parsed.text) for v in parsed.variables]
    response_levels: tuple[str, ...] = ()
    if ordinal:
        y, response_levels = ordinal_response(data, parsed.response, rows, parsed.text)
    else:
        y = _response(data, parsed, rows)
    names, values, owned = columns(parsed, coded, parsed.text)
    n = int(rows.sum())
    if parsed.intercept:
        names, values = ["(Intercept)", *names], [np.ones(n), *values]
        owned = {"(Intercept)": ["(Intercept)"], **owned}
    matrix = np.empty((n, len(values)), order="F")  # one block for pandas, no copy
    for k, column in enumerate(values):
        matrix[:, k] = column
    X = pd.DataFrame(matrix, index=data.index[rows], columns=names, copy=False)
    _refuse_aliased(X, owned, parsed.text)
    levels = {c.label: list(c.levels) for c in coded if c.codes is not None}
    return ModelFrame(y=y, X=X, rows=rows, terms=owned, response=parsed.response.label,
                      formula=parsed.text, levels=levels, response_levels=response_levels)


def model_matrix(model: ModelFrame, newdata: pd.DataFrame) -> pd.DataFrame:
    """New data coded as the fitted model's design matrix (R's ``model.matrix`` with ``xlev``).

    The right-hand side of ``model.formula`` is read again on ``newdata``
    and each factor is coded with the levels it had in the fit (its
    reference first), so the columns are exactly ``model.X``'s, in order.
    The response need not be in ``newdata``.

    Parameters
    ----------
    model : ModelFrame
        The model frame of the fit (``GLMResult.model``).
    newdata : pandas.DataFrame
        Rows to code, with the columns the formula's terms use.

    Returns
    -------
    pandas.DataFrame
        One row per row of ``newdata`` (same index), ``model.X``'s columns.

    Raises
    ------
    MissingColumnError
        A column the terms use is absent (the closest name is suggested).
    MissingValuesError
        A used column has missing values (the rows are named).
    InvalidLevelError
        A factor has a level the fit did not see (column and level named).
    FormulaError
        A column is coded differently than in the fit (e.g. text where the
        fit had numbers, an ordered categorical where it had text).

    Examples
    --------
    >>> df = pd.DataFrame({"y": [1.0, 2, 4, 3], "sex": ["f", "m", "m", "f"], "x": [1, 2, 3, 5]})
    >>> mf = model_frame(df, "y ~ sex * x")
    >>> model_matrix(mf, pd.DataFrame({"sex": ["m"], "x": [10.0]})).values.tolist()
    [[1.0, 1.0, 10.0, 10.0]]
    >>> model_matrix(mf, pd.DataFrame({"sex": ["x"], "x": [1.0]}))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    micropop.errors.InvalidLevelError: column 'sex' of the new data has the level 'x', ...
    """
    if not isinstance(newdata, pd.DataFrame):
        raise FormulaError(f"new data must be a pandas DataFrame, not {type(newdata).__name__}",
                           hint="pass the rows to predict as a DataFrame with the model's columns")
    if len(newdata) == 0:
        raise FormulaError("the new data has no rows", hint="pass at least one row")
    parsed = read_formula(model.formula, newdata.columns)
    used = list(dict.fromkeys(c for v in parsed.variables for c in v.expr.columns()))
    missing_columns(used, newdata.columns, "formula", where="the new data")
    holes = {c: m for c in used if (m := newdata[c].isna().to_numpy()).any()}
    if holes:
        parts = [f"column {c!r} at {data_rows(newdata, m)}" for c, m in holes.items()]
        raise MissingValuesError("the new data has missing values in " + "; ".join(parts),
                                 hint="fill them in or leave those rows out")
    every = np.ones(len(newdata), dtype=bool)
    coded = [_recode(newdata, v, model, every, parsed.text) for v in parsed.variables]
    names, values, _ = columns(parsed, coded, parsed.text)
    if parsed.intercept:
        names, values = ["(Intercept)", *names], [np.ones(len(newdata)), *values]
    if names != list(model.X.columns):
        raise FormulaError(f"the new data codes formula {model.formula!r} as the columns "
                           f"{names[:10]}, but the fit had {list(model.X.columns)[:10]}",
                           hint="give each column the type it had in the fit (numbers, text, "
                                "categorical, ordered or not)")
    return pd.DataFrame(np.column_stack(values), index=newdata.index, columns=names)


def _recode(data: pd.DataFrame, variable: Variable, model: ModelFrame, used: np.ndarray,
            formula: str) -> Coded:
    fitted = model.levels.get(variable.label)
    if fitted is None:
        return code(data, variable, used, formula)
    if not is_factor(data, variable):
        raise FormulaError(f"{variable.label} was a factor in the fit of {formula!r} but holds "
                           "numbers in the new data",
                           hint="give it the type it had in the fit (text or categorical)")
    new = code(data, replace(variable, ref=None), used, formula)
    assert new.codes is not None
    position = {level: k for k, level in enumerate(fitted)}
    unseen = [level for level in new.levels if level not in position]
    if unseen:
        raise InvalidLevelError(f"column {variable.expr.name!r} of the new data has the level "
                                f"{unseen[0]!r}, unseen in the fit of {formula!r}",
                                hint="use one of its levels: " + ", ".join(map(repr, fitted[:20])))
    remap = np.array([position[level] for level in new.levels], dtype=np.intp)
    return Coded(new.label, codes=remap[new.codes], levels=tuple(fitted), ordered=new.ordered)


def _complete_rows(data: pd.DataFrame, used: list[str], parsed: Parsed, na_rm: bool
                   ) -> np.ndarray:
    missing = {c: data[c].isna().to_numpy() for c in used}
    holes = {c: m for c, m in missing.items() if m.any()}
    if holes and not na_rm:
        parts = [f"column {c!r} at {data_rows(data, m)}" for c, m in holes.items()]
        raise MissingValuesError(f"formula {parsed.text!r}: missing values in "
                                 + "; ".join(parts),
                                 hint="pass na_rm=True to leave those rows out (as R's na.omit), "
                                      "or fill them in")
    rows = ~np.logical_or.reduce(list(missing.values())) if missing else \
        np.ones(len(data), dtype=bool)
    if not rows.any():
        raise FormulaError(f"formula {parsed.text!r}: no row has a value in every column it "
                           f"uses ({', '.join(map(repr, used))})",
                           hint="check the columns' missing values")
    return np.asarray(rows, dtype=bool)


def _response(data: pd.DataFrame, parsed: Parsed, rows: np.ndarray) -> np.ndarray:
    variable = parsed.response
    if not is_factor(data, variable):
        return numeric(data, variable.expr, variable.label, rows, parsed.text)
    coded = code(data, variable, rows, parsed.text)
    assert coded.codes is not None
    if len(coded.levels) > 2:
        shown = ", ".join(map(repr, coded.levels[:10]))
        raise FormulaError(f"the response {variable.label} of formula {parsed.text!r} has "
                           f"{len(coded.levels)} levels ({shown}); a regression here takes a "
                           "number or two levels (the second one = 1)",
                           hint="make a 0/1 indicator of the level of interest (e.g. "
                                "data['weekly'] = data['frequency'] == 'weekly'), or use the "
                                "ordinal model for ordered levels")
    y: np.ndarray = (coded.codes == 1).astype(float)
    return y


def _refuse_aliased(X: pd.DataFrame, owned: dict[str, list[str]], formula: str) -> None:
    """Refuse columns in the span of the columns before them (R's NA coefficients)."""
    matrix = X.to_numpy()
    n, p = matrix.shape
    if p == 0:
        return
    aliased = aliased_columns(matrix, np.ones(n))
    if not len(aliased):
        return
    norms = np.sqrt(np.einsum("ij,ij->j", matrix, matrix))
    names = list(X.columns)
    term_of = {c: t for t, cols in owned.items() for c in cols}
    details = []
    kept = [k for k in range(p) if k not in aliased]
    for a in aliased[:3]:
        before = [k for k in kept if k < a]
        combo = "0 (a column of zeros)" if norms[a] == 0 else _combination(matrix, a, before,
                                                                          names)
        details.append(f"{names[a]!r} (term {term_of[names[a]]!r}) = {combo}")
    more = f" and {len(aliased) - 3} more" if len(aliased) > 3 else ""
    raise FormulaError(f"formula {formula!r}: the design matrix has aliased columns, each a "
                       "linear combination of the columns before it: " + "; ".join(details)
                       + more + " (R's glm would give them NA coefficients)",
                       hint="remove one of the terms involved, or merge levels that coincide")


def _combination(matrix: np.ndarray, a: int, before: list[int], names: list[str]) -> str:
    if n_cols := len(before):
        coef = np.linalg.lstsq(matrix[:, before], matrix[:, a], rcond=None)[0]
        parts = [f"{c:+.6g}*{names[k]!r}" for c, k in zip(coef, before, strict=True)
                 if abs(c) > 1e-8]
        if parts and n_cols:
            return " ".join(parts).lstrip("+")
    return "0"
