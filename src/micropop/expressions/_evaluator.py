"""Walking a condition's tree with a whitelist: comparisons, ``in``, the column
methods and the logical operators evaluated on the columns with R's three-valued
logic, and every other node, and every comparison of mismatched kinds, refused
by name.
"""

from __future__ import annotations

import ast
import difflib
import keyword
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn, cast

import numpy as np
import pandas as pd

from micropop.expressions._source import ALLOWED, AT, Source

if TYPE_CHECKING:
    from pandas.api.typing import NaTType

_METHODS = ("isin", "between", "isna", "notna", "isnull", "notnull")
_COMPARE: dict[type, tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Eq: ("==", operator.eq), ast.NotEq: ("!=", operator.ne),
    ast.Lt: ("<", operator.lt), ast.LtE: ("<=", operator.le),
    ast.Gt: (">", operator.gt), ast.GtE: (">=", operator.ge),
}
#: ``value < column`` is ``column > value``.
_FLIPPED = {ast.Eq: ast.Eq, ast.NotEq: ast.NotEq, ast.Lt: ast.Gt, ast.LtE: ast.GtE,
            ast.Gt: ast.Lt, ast.GtE: ast.LtE}
#: What each refused construct is called in messages.
_REFUSED = {
    ast.BinOp: ("arithmetic", "compute the derived column first with des.assign(...) and "
                              "compare it"),
    ast.Subscript: ("indexing [...]", None), ast.Lambda: ("a lambda", None),
    ast.NamedExpr: ("an assignment (:=)", None), ast.JoinedStr: ("an f-string", None),
    ast.FormattedValue: ("an f-string", None), ast.IfExp: ("a conditional (x if c else y)", None),
    ast.Dict: ("a dict", None), ast.ListComp: ("a comprehension", None),
    ast.SetComp: ("a comprehension", None), ast.DictComp: ("a comprehension", None),
    ast.GeneratorExp: ("a generator", None), ast.Starred: ("unpacking (*)", None),
    ast.Slice: ("a slice", None), ast.Await: ("await", None), ast.Yield: ("yield", None),
    ast.YieldFrom: ("yield", None),
}
_OPERATOR_NAMES = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
                   ast.Mod: "%", ast.Pow: "**", ast.MatMult: "@", ast.LShift: "<<",
                   ast.RShift: ">>", ast.BitXor: "^", ast.BitAnd: "&", ast.BitOr: "|"}


@dataclass
class _Cond:
    """A condition in three-valued logic: rows where it is surely true, surely false."""

    true: np.ndarray
    false: np.ndarray

    def negate(self) -> _Cond:
        return _Cond(self.false, self.true)


@dataclass
class _Column:
    name: str
    values: pd.Series
    node: ast.AST
    kind: str  # number, text, bool, date, missing, mixed, other
    levels: pd.Index | None  # categories of a categorical column
    ordered: bool

    @property
    def known(self) -> np.ndarray:
        return ~np.asarray(self.values.isna(), dtype=bool)

    @property
    def written(self) -> str:
        plain = self.name.isidentifier() and not keyword.iskeyword(self.name)
        return self.name if plain else f"`{self.name}`"


@dataclass
class _Value:
    value: Any
    node: ast.AST


class Evaluator:
    def __init__(self, source: Source, data: pd.DataFrame) -> None:
        self.source, self.data = source, data
        self.by_name: dict[str, list[Any]] = {}
        for column in data.columns:
            self.by_name.setdefault(str(column), []).append(column)
        self.observed: dict[str, set[Any]] = {}

    def fail(self, where: int | ast.AST, problem: str, hint: str | None = ALLOWED,
             part: str | None = None) -> NoReturn:
        self.source.fail(where, problem, hint, part)

    # conditions

    def condition(self, node: ast.AST) -> _Cond:
        if isinstance(node, ast.BoolOp):
            parts = [self.condition(value) for value in node.values]
            both = isinstance(node.op, ast.And)
            true, false = parts[0].true, parts[0].false
            for part in parts[1:]:  # and: true if both are, false if either is; or: the reverse
                true = true & part.true if both else true | part.true
                false = false | part.false if both else false & part.false
            return _Cond(true, false)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.Invert)):
            return self.condition(node.operand).negate()
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Call):
            return self.method(node)
        operand = self.operand(node)
        if isinstance(operand, _Column):
            if operand.kind != "bool":
                self.fail(node, f"column {operand.name!r} {AT} holds {_KIND_WORDS[operand.kind]}, "
                                "not True/False, so it is not a condition by itself",
                          hint=f"compare it, e.g. {operand.written} == "
                               f"{self.example(operand)}", part="")
            return self.truth(operand)
        self.fail(node, f"{AT} is a value, not a condition on a column",
                  hint="compare a column with it, e.g. age >= 18")

    def truth(self, column: _Column) -> _Cond:
        true = _bools(column.values == True)  # noqa: E712 (element-wise)
        known = column.known
        return _Cond(true & known, ~true & known)

    def compare(self, node: ast.Compare) -> _Cond:
        operands = [node.left, *node.comparators]
        result: _Cond | None = None
        for left, op, right in zip(operands[:-1], node.ops, operands[1:], strict=True):
            part = self.pair(node, left, op, right)
            result = part if result is None else _Cond(result.true & part.true,
                                                       result.false | part.false)
        assert result is not None
        return result

    def pair(self, node: ast.Compare, left_node: ast.AST, op: ast.cmpop,
             right_node: ast.AST) -> _Cond:
        if isinstance(op, (ast.Is, ast.IsNot)):
            self.fail(node, f"'is' in {AT} is not allowed",
                      hint="test missing values with column.isna() or column.notna(), and "
                           "values with ==")
        if isinstance(op, (ast.In, ast.NotIn)):
            left = self.operand(left_node)
            if not isinstance(left, _Column):
                self.fail(left_node, f"'in' needs a column on its left, not {AT}",
                          hint="write column in [values], e.g. sex in ['female', 'male']")
            cond = self.isin(left, right_node, node)
            return cond.negate() if isinstance(op, ast.NotIn) else cond
        left, right = self.operand(left_node), self.operand(right_node)
        if isinstance(left, list) or isinstance(right, list):
            bad = left_node if isinstance(left, list) else right_node
            self.fail(bad, f"a list {AT} can only follow 'in' or 'not in'",
                      hint="write column in [values], or compare with a single value")
        if isinstance(left, _Value) and isinstance(right, _Value):
            self.fail(node, f"{AT} compares two values and no column",
                      hint="compare a column with a value, e.g. age >= 18")
        if isinstance(left, _Value):
            left, right, op = right, left, _FLIPPED[type(op)]()
        symbol, function = _COMPARE[type(op)]
        assert isinstance(left, _Column)
        if isinstance(right, _Column):
            return self.columns(left, symbol, function, right, node)
        value = self.literal(left, right, symbol)
        return self.apply(left, function, value, right.node)

    def apply(self, column: _Column, function: Callable[[Any, Any], Any], value: Any,
              node: ast.AST, known: np.ndarray | None = None) -> _Cond:
        """Compare, keeping rows with a missing value out of both true and false."""
        try:
            with np.errstate(all="ignore"):
                result = _bools(function(_plain(column.values) if known is not None
                                         else column.values, value))
        except (TypeError, ValueError, OverflowError) as err:
            self.fail(node, f"comparing column {column.name!r} with {AT} failed: {err}",
                      hint="compare values of the same kind")
        known = column.known if known is None else known
        return _Cond(result & known, ~result & known)

    def columns(self, left: _Column, symbol: str, function: Callable[[Any, Any], Any],
                right: _Column, node: ast.AST) -> _Cond:
        for column in (left, right):
            self.usable(column)
        if left.kind != right.kind:
            self.fail(node, f"{AT} compares column {left.name!r} "
                            f"({_KIND_WORDS[left.kind]}) with column {right.name!r} "
                            f"({_KIND_WORDS[right.kind]})",
                      hint="compare columns holding the same kind of values")
        if symbol not in ("==", "!=") and (left.kind not in ("number", "date")
                                           or left.levels is not None
                                           or right.levels is not None):
            self.fail(node, f"'{symbol}' in {AT} needs ordered values, and columns "
                            f"{left.name!r} and {right.name!r} hold "
                            f"{_KIND_WORDS[left.kind]} without an order between them",
                      hint="compare them with == or != only")
        return self.apply(left, function, _plain(right.values), node,
                          known=left.known & right.known)

    def isin(self, column: _Column, values_node: ast.AST, node: ast.AST) -> _Cond:
        values = self.operand(values_node)
        if not isinstance(values, list):
            self.fail(values_node, f"{AT} must be a list of values, e.g. ['a', 'b']",
                      hint=f"write {column.written}.isin([...]) or {column.written} in [...]")
        checked = [self.literal(column, value, "in") for value in values]
        try:
            true = _bools(column.values.isin(checked))
        except (TypeError, ValueError) as err:
            self.fail(node, f"{AT} failed: {err}", hint="compare values of the same kind")
        known = column.known
        return _Cond(true & known, ~true & known)

    def method(self, node: ast.Call) -> _Cond:
        func = node.func
        if not isinstance(func, ast.Attribute):
            self.fail(node, f"calling {AT} is not allowed")
        if func.attr not in _METHODS:
            self.fail(self.source.dot(func), f"the method {AT} is not allowed",
                      part=repr(f".{func.attr}()"))
        target = self.operand(func.value)
        if not isinstance(target, _Column):
            self.fail(func.value, f".{func.attr}() applies to a column, not to {AT}",
                      hint=f"write column.{func.attr}(...), e.g. age.{func.attr}("
                           + {"isin": "[18, 19]", "between": "18, 64"}.get(func.attr, "") + ")")
        if node.keywords:
            self.fail(node.keywords[0], f"the keyword argument {AT} of .{func.attr}() "
                                        "is not allowed",
                      hint="give values by position; for open bounds use <, > instead of "
                           "between")
        arity = {"isin": 1, "between": 2}.get(func.attr, 0)
        if len(node.args) != arity:
            self.fail(node, f".{func.attr}() takes {arity} value{'s' if arity > 1 else ''} "
                            f"in {AT}, not {len(node.args)}",
                      hint={"isin": "write column.isin(['a', 'b'])",
                            "between": "write column.between(low, high)"}.get(
                          func.attr, f"write column.{func.attr}()"))
        if func.attr == "isin":
            return self.isin(target, node.args[0], node)
        if func.attr == "between":
            low, high = (self.operand(arg) for arg in node.args)
            for arg, bound in zip(node.args, (low, high), strict=True):
                if not isinstance(bound, _Value):
                    self.fail(arg, f"the bounds of .between() must be values, not {AT}",
                              hint="write column.between(low, high) with numbers, or compare "
                                   "columns with <= and >=")
            assert isinstance(low, _Value) and isinstance(high, _Value)
            lo, hi = self.literal(target, low, ">="), self.literal(target, high, "<=")
            if _above(target, lo, hi):
                self.fail(node, f"{AT} has its lower bound above its upper bound",
                          hint="write column.between(low, high) with low <= high")
            above = self.apply(target, operator.ge, lo, low.node)
            below = self.apply(target, operator.le, hi, high.node)
            return _Cond(above.true & below.true, above.false | below.false)
        missing = ~target.known
        return _Cond(missing, ~missing) if func.attr in ("isna", "isnull") \
            else _Cond(~missing, missing)

    # operands

    def operand(self, node: ast.AST) -> _Column | _Value | list[_Value]:
        if isinstance(node, ast.Name):
            return self.column(node)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (bytes, complex)) or node.value is Ellipsis:
                self.fail(node, f"{AT} ({type(node.value).__name__}) is not a value micropop "
                                "compares",
                          hint="use numbers, 'text' in quotes, True or False")
            return _Value(node.value, node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self.operand(node.operand)
            if not (isinstance(inner, _Value) and _is_number(inner.value)):
                self.fail(node, f"{AT} is arithmetic: a sign applies to a number only",
                          hint="compute the derived column first with des.assign(...) and "
                               "compare it")
            return _Value(-inner.value if isinstance(node.op, ast.USub) else inner.value, node)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            items = [self.operand(item) for item in node.elts]
            for item, element in zip(items, node.elts, strict=True):
                if not isinstance(item, _Value):
                    self.fail(element, f"a list holds values only, not {AT}",
                              hint="write the values, e.g. ['a', 'b'] or [1, 2]")
            return items  # type: ignore[return-value]
        if isinstance(node, ast.Attribute):
            self.fail(self.source.dot(node), f"attribute access {AT} is not allowed",
                      part=repr("." + node.attr))
        if isinstance(node, ast.Call):
            self.fail(node, f"{AT} is a condition, and here a column or a value is needed",
                      hint="compare columns with values, e.g. age >= 18, and combine "
                           "conditions with & and |")
        if isinstance(node, (ast.Compare, ast.BoolOp)) or (
                isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.Invert))):
            self.fail(node, f"{AT} is a condition, and here a column or a value is needed",
                      hint="compare a column with a value, and combine conditions with "
                           "& (and), | (or), ~ (not)")
        name, hint = _REFUSED.get(type(node), (type(node).__name__, None))
        if isinstance(node, ast.BinOp):
            name = f"arithmetic '{_OPERATOR_NAMES.get(type(node.op), '?')}'"
        self.fail(node, f"{name} {AT} is not allowed",
                  hint=hint + "; " + ALLOWED if hint else ALLOWED)

    def column(self, node: ast.Name) -> _Column:
        name = self.source.name(node)
        found = self.by_name.get(name)
        if found is None:
            names = list(self.by_name)
            self.fail(node, f"unknown column {name!r} {AT}{_closest(name, names)}", part="",
                hint="use one of the data's columns: " + _listed(names)
                     + "; put names with spaces or accents in `backticks`")
        if len(found) > 1:
            self.fail(node, f"{AT} names {len(found)} columns of the data", part=repr(name),
                      hint="give the columns distinct names")
        values = self.data[found[0]]
        kind, levels, ordered = _kind(values)
        return _Column(name, values, node, kind, levels, ordered)

    def usable(self, column: _Column) -> None:
        if column.kind in ("missing", "mixed", "other"):
            self.fail(column.node, f"column {column.name!r} {AT} holds "
                                   f"{_KIND_WORDS[column.kind]}, which cannot be compared",
                      part="", hint="test it with isna()/notna(), or give the column a "
                                    "single type (a codebook declares it)")

    def literal(self, column: _Column, value: _Value, symbol: str) -> Any:
        """The value to compare ``column`` with, after refusing mismatched kinds and levels."""
        self.usable(column)
        v = value.value
        if v is None:
            self.fail(value.node, f"None {AT} is not a value", part="",
                      hint=f"test missing values with {column.written}.isna() or "
                           f"{column.written}.notna()")
        kind = "bool" if isinstance(v, bool) else "number" if _is_number(v) else "text"
        what = {"bool": "True/False", "number": "a number", "text": "text"}[kind]
        holds = f"column {column.name!r} holds {_KIND_WORDS[column.kind]}, and {AT} is {what}"
        if column.kind == "date":
            if kind != "text":
                self.fail(value.node, holds, hint=f"write a date in quotes, e.g. "
                                                  f"{column.written} >= '2020-01-31'")
            v = self.timestamp(column, value)
        elif kind != column.kind:
            self.fail(value.node, holds, hint={
                "number": f"compare it with a number, e.g. {column.written} >= 18",
                "text": f"write the value in quotes, e.g. {column.written} == "
                        f"{self.example(column)}",
                "bool": f"write {column.written} or ~{column.written} (or == True/False)",
            }[column.kind])
        unordered = column.kind == "bool" or (
            (column.kind == "text" or column.levels is not None) and not column.ordered)
        if symbol in ("<", "<=", ">", ">=") and unordered:
            self.fail(value.node, f"'{symbol}' needs ordered values, and column "
                                  f"{column.name!r} holds {_KIND_WORDS[column.kind]} without an "
                                  f"order (compared with {AT})",
                      hint="select levels with isin([...]), or declare the column 'type: "
                           "ordered' in the codebook")
        if column.levels is not None or column.kind == "text":
            self.present(column, value, v)
        return v

    def present(self, column: _Column, value: _Value, v: Any) -> None:
        """Refuse a level a categorical column does not have, or text a column never holds."""
        levels: pd.Index | set[Any]
        if column.levels is not None:
            levels, word = column.levels, "level"
            found = v in levels
        else:
            if column.name not in self.observed:
                self.observed[column.name] = set(column.values.dropna().unique().tolist())
            levels, word = self.observed[column.name], "value"
            found = v in levels
        if found:
            return
        self.fail(value.node, f"{AT} is not a {word} of column {column.name!r}"
                              + _closest(str(v), levels), hint=(
            f"{word.capitalize()}s: " + _listed(levels)
            + ("" if column.levels is not None else
               "; to select rows by a value that may be absent, pass a boolean mask instead")))

    def timestamp(self, column: _Column, value: _Value) -> pd.Timestamp:
        stamp: pd.Timestamp | NaTType
        try:
            stamp = pd.Timestamp(value.value)
        except (ValueError, TypeError, OverflowError):
            stamp = pd.NaT
        if pd.isna(stamp):
            self.fail(value.node, f"{AT} is not a date (column {column.name!r} holds dates)",
                      hint=f"write a date as 'YYYY-MM-DD', e.g. {column.written} >= '2020-01-31'")
        zone = getattr(column.values.dtype, "tz", None)
        if (zone is None) != (stamp.tz is None):
            self.fail(value.node, f"{AT} and column {column.name!r} disagree on the time zone",
                      hint="write the date with the column's time zone" if zone is not None
                      else "write the date without a time zone")
        return stamp

    def example(self, column: _Column) -> str:
        if column.kind == "text":
            values = (list(column.levels) if column.levels is not None
                      else column.values.dropna().head(1).tolist())
            return repr(values[0]) if values else "'value'"
        return {"number": "1", "bool": "True", "date": "'2020-01-31'"}.get(column.kind, "...")


_KIND_WORDS = {"number": "numbers", "text": "text", "bool": "True/False values",
               "date": "dates", "missing": "only missing values",
               "mixed": "values of mixed kinds (e.g. text and numbers)",
               "other": "values of another kind (not numbers, text, True/False or dates)"}
#: pandas' inferred types of object columns, and what micropop compares them as.
_INFERRED = {"string": "text", "integer": "number", "floating": "number",
             "mixed-integer-float": "number", "boolean": "bool", "empty": "missing"}


def _kind(values: pd.Series) -> tuple[str, pd.Index | None, bool]:
    """What a column holds (for type checks), its categories and whether they are ordered."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        levels = dtype.categories
        kind, _, _ = _kind(pd.Series(levels)) if len(levels) else ("missing", None, False)
        return kind, levels, bool(dtype.ordered)
    if pd.api.types.is_bool_dtype(dtype):
        return "bool", None, False
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date", None, True
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return "number", None, True
    if dtype == np.dtype(object) or pd.api.types.is_string_dtype(dtype):
        return _INFERRED.get(pd.api.types.infer_dtype(values, skipna=True), "mixed"), None, False
    return "other", None, False


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _bools(result: Any) -> np.ndarray:
    """A comparison's result as a bool array, missing (pandas' NA) as False."""
    if isinstance(result, pd.Series):
        return result.to_numpy(dtype=bool, na_value=False)
    return np.asarray(result, dtype=bool)


def _plain(values: pd.Series) -> pd.Series:
    """Categoricals as their values (categoricals with other categories cannot be compared)."""
    return values.astype(object) if isinstance(values.dtype, pd.CategoricalDtype) else values


def _above(column: _Column, low: Any, high: Any) -> bool:
    if column.levels is not None:
        # categories are unique: get_loc gives a position (the stubs also allow a slice or mask)
        return bool(cast(int, column.levels.get_loc(low)) > cast(int, column.levels.get_loc(high)))
    return bool(low > high)


def _closest(word: str, candidates: Any) -> str:
    """`` (closest: 'x')`` naming the candidate nearest ``word`` (case first), or nothing."""
    names = {str(c): c for c in candidates}
    close = ([n for n in names if n.lower() == word.lower()]
             or difflib.get_close_matches(word, list(names), n=1))
    return f" (closest: {names[close[0]]!r})" if close else ""


def _listed(values: Any, limit: int = 10) -> str:
    values = list(values)
    shown = ", ".join(repr(v) for v in sorted(values, key=str)[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")
