"""Computing a formula's variables on the rows used and coding them as R's ``model.matrix``.

A variable is numeric (a number column, or a function / ``I()`` of number
columns, computed here from its :class:`~micropop.models._formula_parse.Expr`
without evaluating any text) or a factor (a categorical, text or bool column,
or ``C(x)``). Factors are coded with R's default contrasts: treatment contrasts
for unordered factors (the first level is the reference), polynomial contrasts
(``contr.poly``: ``.L``, ``.Q``, ``.C``, ``^4``...) for ordered ones, and full
indicator columns where R's rule (``TermCode`` in R's ``model.c``) asks for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from micropop.errors import FormulaError, InfiniteValueError, OrdinalResponseError, data_rows
from micropop.models._formula_parse import Expr, Parsed, Variable, r_number

#: Widest design matrix built (columns).
MAX_COLUMNS = 5_000
_UNARY = {"log": np.log, "log1p": np.log1p, "log2": np.log2, "log10": np.log10, "sqrt": np.sqrt,
          "exp": np.exp, "abs": np.abs}


@dataclass(frozen=True)
class Coded:
    """A variable on the rows used: numeric ``values``, or factor ``codes`` into ``levels``."""

    label: str
    values: np.ndarray | None = None
    codes: np.ndarray | None = None
    levels: tuple[str, ...] = ()
    ordered: bool = False


def is_factor(data: pd.DataFrame, variable: Variable) -> bool:
    """Whether a variable is coded as a factor: ``C()``, or a categorical, text or bool column."""
    if variable.factor or is_comparison(variable.expr):
        return True
    if variable.expr.kind != "col":
        return False
    column = data[variable.expr.name]
    return not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)


def is_comparison(expr: Expr) -> bool:
    """Whether ``expr`` is ``I(x == "a")``: a logical variable (a factor FALSE, TRUE in R)."""
    return expr.kind == "call" and expr.name == "I" and expr.args[0].kind == "cmp"


_COMPARE = {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
            ">": np.greater, ">=": np.greater_equal}


def _compared(data: pd.DataFrame, variable: Variable, used: np.ndarray,
              formula: str) -> np.ndarray:
    """``I(x == "a")`` on the used rows, as bools: text against a level, numbers against one."""
    compare = variable.expr.args[0]
    left, literal = compare.args
    op = _COMPARE[compare.name]
    if literal.kind == "num":
        values = numeric(data, left, variable.label, used, formula)
        return np.asarray(op(values, literal.value), dtype=bool)
    column = data[left.name] if left.kind == "col" else None
    if column is None or pd.api.types.is_numeric_dtype(column) \
            or pd.api.types.is_bool_dtype(column):
        raise FormulaError(f"{variable.label} of formula {formula!r} compares "
                           f"{left.label()} with the text {literal.name!r}",
                           hint="compare a text or categorical column with one of its levels, "
                                "or a number column with a number (I(age >= 25))")
    if isinstance(column.dtype, pd.CategoricalDtype):
        levels = [_level_name(c) for c in column.cat.categories]
        ordered = bool(column.cat.ordered)
    else:
        levels = sorted({str(v) for v in column.dropna()})
        ordered = False
    if literal.name not in levels:
        raise FormulaError(f"{variable.label} of formula {formula!r}: {literal.name!r} is not a "
                           f"level of column {left.name!r}",
                           hint="compare with one of " + ", ".join(map(repr, levels[:20])))
    if compare.name not in ("==", "!=") and not ordered:
        raise FormulaError(f"{variable.label} of formula {formula!r} orders the levels of "
                           f"column {left.name!r}, which has no order",
                           hint="use == or != with a level, or make the column an ordered "
                                "categorical (a codebook's type: ordered)")
    kept = column[used] if not used.all() else column
    if ordered:
        return np.asarray(op(kept.cat.codes.to_numpy(), levels.index(literal.name)), dtype=bool)
    text = kept.astype(object).map(lambda v: _level_name(v)).to_numpy(dtype=object)
    return np.asarray(op(text, literal.name), dtype=bool)


def code(data: pd.DataFrame, variable: Variable, used: np.ndarray, formula: str) -> Coded:
    """The variable's values (or factor codes and levels) on the rows flagged in ``used``."""
    if is_factor(data, variable):
        return _factor(data, variable, used, formula)
    return Coded(variable.label, values=numeric(data, variable.expr, variable.label, used,
                                                formula))


def numeric(data: pd.DataFrame, expr: Expr, label: str, used: np.ndarray,
            formula: str) -> np.ndarray:
    """A numeric variable computed on the used rows, refusing values that are not finite."""
    with np.errstate(all="ignore"):
        values = np.asarray(_compute(data, expr, label, used, formula), dtype=float)
    values = np.broadcast_to(values, (int(used.sum()),)).astype(float)
    bad = ~np.isfinite(values)
    if bad.any():
        mask = np.zeros(len(data), dtype=bool)
        mask[np.flatnonzero(used)[bad]] = True
        names = expr.columns()
        shown = data.loc[mask, names[0]].tolist() if len(set(names)) == 1 else None
        where = data_rows(data, mask, shown)
        if expr.kind == "col":
            raise InfiniteValueError(f"column {expr.name!r} of formula {formula!r} is infinite "
                                     f"at {where}", hint="remove or recode those rows")
        raise FormulaError(f"{label} of formula {formula!r} is not a finite number at {where} "
                           "(e.g. the log of 0 or of a negative number)",
                           hint="transform a column where it is defined (log(x + 1), log1p(x)) "
                                "or leave those rows out")
    return values


def _compute(data: pd.DataFrame, expr: Expr, label: str, used: np.ndarray,
             formula: str) -> np.ndarray | float:
    if expr.kind == "num":
        return expr.value
    if expr.kind in ("cmp", "str"):  # the parser keeps comparisons to whole-term I()
        raise FormulaError(f"{label} of formula {formula!r} holds a comparison where a number "
                           "is needed", hint="write the comparison as a term: I(x == \"a\")")
    if expr.kind == "col":
        column = data[expr.name]
        if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
            raise FormulaError(f"{label} in formula {formula!r} needs numbers, but column "
                               f"{expr.name!r} holds {column.dtype} values",
                               hint="use the column as a term of its own (a factor), or convert it "
                                    "to numbers first")
        values: np.ndarray = column.to_numpy(dtype=float, na_value=np.nan)[used]
        return values
    args = [_compute(data, a, label, used, formula) for a in expr.args]
    if expr.kind == "neg":
        return -np.asarray(args[0])
    if expr.kind == "call":
        out: np.ndarray = np.asarray(args[0] if expr.name == "I" else _UNARY[expr.name](args[0]),
                                     dtype=float)
        return out
    left, right = np.asarray(args[0], dtype=float), np.asarray(args[1], dtype=float)
    ops = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "^": np.power}
    result: np.ndarray = np.asarray(ops[expr.name](left, right), dtype=float)
    return result


def _factor(data: pd.DataFrame, variable: Variable, used: np.ndarray, formula: str) -> Coded:
    if is_comparison(variable.expr):  # R codes a logical as factor(x, c(FALSE, TRUE))
        logical = _compared(data, variable, used, formula).astype(np.intp)
        return Coded(variable.label, codes=logical, levels=("FALSE", "TRUE"))
    column = data[variable.expr.name]
    column = column if used.all() else column[used]
    ordered = False
    codes: np.ndarray
    if pd.api.types.is_bool_dtype(column):
        names = ["FALSE", "TRUE"]  # R codes a logical as factor(x, c(FALSE, TRUE))
        codes = column.to_numpy(dtype=bool).astype(np.intp)
    elif isinstance(column.dtype, pd.CategoricalDtype):
        raw = column.cat.codes.to_numpy()
        present = np.bincount(raw, minlength=len(column.cat.categories)) > 0
        codes = (np.cumsum(present) - 1)[raw]  # R's glm drops the levels no used row has
        names = [_level_name(c) for c in column.cat.categories[present]]
        ordered = bool(column.cat.ordered) and not variable.treatment
    else:
        if not pd.api.types.is_numeric_dtype(column) and \
                pd.api.types.infer_dtype(column, skipna=False) != "string":
            odd = next(v for v in column.tolist() if not isinstance(v, str))
            raise FormulaError(f"column {variable.expr.name!r} of formula {formula!r} mixes "
                               f"text with {type(odd).__name__} values (e.g. {odd!r})",
                               hint="make it text (astype(str)) or categorical first")
        # sorted: Python's order of code points for text, not R's locale collation
        found, uniques = pd.factorize(column, sort=True)
        codes = np.asarray(found, dtype=np.intp)
        names = [_level_name(v) for v in uniques]
    if variable.ref is not None:
        if variable.ref not in names:
            raise FormulaError(f"the reference level {variable.ref!r} of {variable.label} is not "
                               f"a level of column {variable.expr.name!r} among the rows used",
                               hint="choose one of " + ", ".join(map(repr, names[:20])))
        first = names.index(variable.ref)  # R's relevel: the reference first, others in order
        order = [first] + [k for k in range(len(names)) if k != first]
        names = [names[k] for k in order]
        codes = np.argsort(order)[codes]
    return Coded(variable.label, codes=codes, levels=tuple(names), ordered=ordered)


def ordinal_response(data: pd.DataFrame, variable: Variable, used: np.ndarray,
                     formula: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """An ordinal model's response: the codes (0, 1, ...) of an ordered categorical column.

    All of the column's categories are kept, in order (R's ``polr`` keeps a
    factor's levels); a response that is not an ordered categorical column
    with 3 or more categories is refused, naming it and the fix.
    """
    fix = ("make it an ordered categorical, e.g. data[{0!r}] = pd.Categorical(data[{0!r}], "
           "categories=[<levels from lowest to highest>], ordered=True), or give it "
           "'type: ordered' in the codebook")
    name = variable.expr.name if variable.expr.kind == "col" else variable.label
    if variable.expr.kind != "col" or variable.factor:
        raise OrdinalResponseError(f"the response {variable.label} of the ordinal model "
                                   f"{formula!r} must be a column, not an expression",
                                   hint=fix.format(name))
    column = data[name]
    if not (isinstance(column.dtype, pd.CategoricalDtype) and column.cat.ordered):
        kind = "an unordered categorical" if isinstance(column.dtype, pd.CategoricalDtype) \
            else f"of dtype {column.dtype}"
        shown = ", ".join(map(repr, pd.unique(column.dropna())[:6].tolist()))
        raise OrdinalResponseError(f"the response {name!r} of the ordinal model {formula!r} is "
                                   f"{kind} (values {shown}), not an ordered categorical",
                                   hint=fix.format(name))
    levels = tuple(_level_name(c) for c in column.cat.categories)
    if len(levels) < 3:
        raise OrdinalResponseError(f"the response {name!r} of the ordinal model {formula!r} "
                                   f"has {len(levels)} categories ({', '.join(map(repr, levels))}"
                                   "); an ordinal model needs 3 or more, as R's polr",
                                   hint="use glm(family='quasibinomial') for two levels")
    codes = column.cat.codes.to_numpy()[used].astype(float)
    return codes, levels


def _level_name(value: object) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return r_number(float(value))
    return str(value)


def contr_poly(n: int) -> np.ndarray:
    """R's ``contr.poly(n)``: orthonormal polynomial contrasts on the scores 1..n.

    Examples
    --------
    >>> (contr_poly(3).round(6) + 0.0).tolist()
    [[-0.707107, 0.408248], [0.0, -0.816497], [0.707107, 0.408248]]
    """
    scores = np.arange(1, n + 1, dtype=float)
    centred = scores - scores.mean()
    raw = np.vander(centred, n, increasing=True)
    q, r = np.linalg.qr(raw)
    z = q * np.diag(r)
    z = z / np.sqrt((z**2).sum(axis=0))
    contrasts: np.ndarray = z[:, 1:]
    return contrasts


def _poly_names(n: int) -> list[str]:
    return [".L", ".Q", ".C", *[f"^{k}" for k in range(4, n)]][:n - 1]


def columns(parsed: Parsed, coded: list[Coded], formula: str
            ) -> tuple[list[str], list[np.ndarray], dict[str, list[str]]]:
    """The design matrix's columns (names, values) and each term's columns, as R orders them."""
    indicator = _indicators(parsed, coded)
    names: list[str] = []
    values: list[np.ndarray] = []
    owned: dict[str, list[str]] = {}
    for j, term in enumerate(parsed.terms):
        parts: list[tuple[str, np.ndarray]] = [("", np.ones(0))]
        label = ":".join(coded[v].label for v in term)
        for v in term:
            mine = _variable_columns(coded[v], (j, v) in indicator, formula)
            if len(mine) * len(parts) + len(names) > MAX_COLUMNS:
                raise FormulaError(f"the term {label} of formula {formula!r} makes the design "
                                   f"matrix wider than {MAX_COLUMNS:,} columns",
                                   hint="merge levels or drop the interaction")
            parts = [(f"{n1}:{n2}" if n1 else n2, v2 if not n1 else v1 * v2)
                     for n2, v2 in mine for n1, v1 in parts]
        owned[label] = [n for n, _ in parts]
        names.extend(owned[label])
        values.extend(v for _, v in parts)
    return names, values, owned


def _variable_columns(var: Coded, indicator: bool, formula: str
                      ) -> list[tuple[str, np.ndarray]]:
    if var.values is not None:
        return [(var.label, var.values)]
    assert var.codes is not None
    k = len(var.levels)
    if k < 2:
        raise FormulaError(f"{var.label} in formula {formula!r} has a single level "
                           f"({var.levels[0] if var.levels else 'none'!r}) among the rows used, "
                           "so it cannot be a term",
                           hint="remove the term, or use rows where it takes two levels or more")
    if indicator:
        matrix, suffixes = np.eye(k), list(var.levels)
    elif var.ordered:
        matrix, suffixes = contr_poly(k), _poly_names(k)
    else:
        matrix, suffixes = np.eye(k)[:, 1:], list(var.levels[1:])
    return [(var.label + s, matrix[var.codes, c]) for c, s in enumerate(suffixes)]


def _indicators(parsed: Parsed, coded: list[Coded]) -> set[tuple[int, int]]:
    """(term, variable) pairs R codes by indicators (all levels) rather than contrasts."""
    factors = {v for v, c in enumerate(coded) if c.codes is not None}
    terms = [set(t) for t in parsed.terms]
    found = set()
    for j, term in enumerate(terms):
        for v in term & factors:
            margin = term - {v}
            if margin and not any(margin <= t for t in terms[:j]):
                found.add((j, v))
    if not parsed.intercept:  # R: the first factor of the first term holding one, all levels
        for j, ordered_term in enumerate(parsed.terms):
            first = [v for v in ordered_term if v in factors]
            if first:
                found.add((j, first[0]))
                break
    return found
