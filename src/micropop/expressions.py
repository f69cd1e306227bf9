"""Row conditions written as text (``"age >= 25 and sex == 'female'"``), read safely.

:meth:`SurveyDesign.subset <micropop.design.SurveyDesign.subset>` takes a
condition on the columns of the data. The text is data, never code: it is
parsed (:func:`ast.parse` only builds a tree, it runs nothing) and the tree is
walked with a strict whitelist. Nothing else is evaluated, no Python name is
looked up and no method other than the four below is called, so a string can
neither run code nor read variables (pandas' ``DataFrame.eval``/``query`` do
both, through ``@`` names and attribute calls).

The grammar is pandas' ``query`` spelling of a condition:

* column names, bare (``age``) or in backticks when they hold spaces,
  accents or keywords (```âge déclaré` >= 18``, ```class` == 'a'``);
* literal values: numbers (``-1.5``), text in quotes (``'female'``),
  ``True``/``False``, and lists or tuples of them after ``in``/``not in``
  or in ``isin``;
* comparisons ``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=`` of a column with a
  value or with another column of the same kind, chained
  (``18 <= age < 65``); ``in`` / ``not in`` a list;
* ``&``, ``|``, ``~`` and their spellings ``and``, ``or``, ``not`` (as in
  pandas' query, ``&`` and ``|`` bind like ``and``/``or``, so
  ``a == 1 & b == 2`` means ``(a == 1) and (b == 2)``); parentheses;
* the column methods ``.isin([...])``, ``.between(low, high)`` (both bounds
  included, as pandas), ``.isna()`` and ``.notna()`` (``.isnull()``,
  ``.notnull()`` are the same).

Everything else is refused with :class:`~micropop.errors.ExpressionError`
naming the offending part and its position: attribute access, other calls,
``@`` variables, indexing, arithmetic (compute a derived column with
:meth:`~micropop.design.SurveyDesign.assign` first, then compare it), lambdas,
f-strings, assignments, text longer than :data:`MAX_LENGTH` characters or
nested deeper than :data:`MAX_DEPTH`.

Types are checked rather than guessed: a text or categorical column compared
with a number (``sex == 1``), a number column compared with text, a value
that is not one of a categorical column's levels (or never occurs in a text
column: usually a typo), ``<`` on a column without an order (text, unordered
categorical) and ``== None`` are refused by name instead of silently
selecting no row (or every row).

Missing values follow R's ``subset`` (three-valued logic): a comparison
involving a missing value is *unknown*; ``not``/``~`` of unknown is unknown;
``unknown and False`` is False, ``unknown or True`` is True; rows whose
condition is unknown are not kept. So ``age != 30`` and ``~(age > 30)`` keep
no row with a missing age (pandas' query would keep them), and missing rows
are selected only on purpose: ``(age > 30) | age.isna()``. ``isna()`` and
``notna()`` are never unknown. For complete rows the result is pandas'.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"age": [17, 30, None, 70], "sex": ["f", "m", "f", "f"],
...                    "âge déclaré": [18, 30, 40, 70]})
>>> evaluate("age >= 18 and sex == 'f'", df)
array([False, False, False,  True])
>>> evaluate("~(age > 30) | age.isna()", df)
array([ True,  True,  True, False])
>>> evaluate("`âge déclaré`.between(18, 40)", df)
array([ True,  True,  True, False])
>>> evaluate("sex == 1", df)
Traceback (most recent call last):
...
micropop.errors.ExpressionError: subset expression 'sex == 1': column 'sex' holds text, and 1 (character 8) is a number. Write the value in quotes, e.g. sex == 'f'.
>>> evaluate("age.__class__", df)
Traceback (most recent call last):
...
micropop.errors.ExpressionError: subset expression 'age.__class__': attribute access '.__class__' (character 4) is not allowed. Allowed: column names (in `backticks` when they hold spaces), numbers, 'text', True/False, [lists] after in/not in; comparisons ==, !=, <, <=, >, >=, in, not in; & | ~ (and, or, not); parentheses; column.isin([...]), .between(low, high), .isna(), .notna().
"""

from __future__ import annotations

import ast
import difflib
import keyword
import operator
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from micropop.errors import ExpressionError

__all__ = ["evaluate", "MAX_LENGTH", "MAX_DEPTH", "ALLOWED"]

#: Longest expression read, in characters (longer conditions: build a boolean mask).
MAX_LENGTH = 10_000

#: Deepest nesting of the expression's tree (``~~~x``, nested calls) that is read.
MAX_DEPTH = 50

#: What the grammar allows, as the hint of every refusal says.
ALLOWED = ("allowed: column names (in `backticks` when they hold spaces), numbers, 'text', "
           "True/False, [lists] after in/not in; comparisons ==, !=, <, <=, >, >=, in, not in; "
           "& | ~ (and, or, not); parentheses; column.isin([...]), .between(low, high), "
           ".isna(), .notna()")

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

#: Where a message names the offending part (user text never holds a NUL: it cannot be parsed).
_AT = "\x00at\x00"

#: Written values shown as they are in messages (others are quoted).
_LITERAL = re.compile(r"'[^']*'|\"[^\"]*\"|[-+]?\.?[0-9][\w.+-]*")

_OPERATOR_NAMES = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
                   ast.Mod: "%", ast.Pow: "**", ast.MatMult: "@", ast.LShift: "<<",
                   ast.RShift: ">>", ast.BitXor: "^", ast.BitAnd: "&", ast.BitOr: "|"}


def evaluate(expression: str, data: pd.DataFrame, *, what: str = "subset expression") -> np.ndarray:
    """Boolean mask of the rows of ``data`` where ``expression`` holds.

    Parameters
    ----------
    expression : str
        A condition in the grammar of this module (see the module's
        docstring), e.g. ``"age >= 25 and age <= 64"``.
    data : pandas.DataFrame
        The rows to test; every column name in ``expression`` must be one
        of its columns.
    what : str, default "subset expression"
        What the expression is, to start error messages.

    Returns
    -------
    numpy.ndarray
        One bool per row of ``data``; rows whose condition is unknown
        (missing values) are False.

    Raises
    ------
    ExpressionError
        The expression is not in the grammar, names an unknown column,
        compares values of different kinds or a value that is not one of
        a column's levels, or is too long or deeply nested.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"stype": ["E", "M", "H"], "api00": [700, 650, 800]})
    >>> evaluate("stype in ['E', 'H'] & api00 > 750", df)
    array([False, False,  True])
    >>> evaluate("stype == 'e'", df)
    Traceback (most recent call last):
    ...
    micropop.errors.ExpressionError: subset expression "stype == 'e'": 'e' (character 10) is not a value of column 'stype' (closest: 'E'). Values: 'E', 'H', 'M'; to select rows by a value that may be absent, pass a boolean mask instead.
    """
    source = _Source.read(expression, what)
    return _Evaluator(source, data).condition(source.tree).true


# --- reading the text --------------------------------------------------------


@dataclass
class _Source:
    """The text as written, the text given to ``ast.parse`` and how their positions match."""

    text: str
    what: str
    parsed: str = ""
    origin: list[int] = field(default_factory=list)  # parsed character -> text character
    quoted: dict[str, str] = field(default_factory=dict)  # placeholder -> backticked name
    chars: list[int] = field(default_factory=list)  # parsed byte -> parsed character
    tree: ast.AST | None = None

    @classmethod
    def read(cls, text: Any, what: str) -> _Source:
        if not isinstance(text, str):
            raise ExpressionError(f"{what} must be text, not {type(text).__name__}",
                                  hint="write a condition such as \"age >= 18\"")
        source = cls(text, what)
        if len(text) > MAX_LENGTH:
            raise ExpressionError(
                f"{source.label()} is {len(text):,} characters long (at most {MAX_LENGTH:,} "
                "are read)", hint="build a boolean mask in Python instead, e.g. "
                                  "des.subset(des.data['code'].isin(codes))")
        if not text.strip():
            source.fail(0, "is empty", hint="write a condition such as \"age >= 18\"")
        source.rewrite()
        source.parse()
        return source

    def label(self) -> str:
        shown = self.text if len(self.text) <= 80 else self.text[:77] + "..."
        return f"{self.what} {shown!r}"

    def fail(self, where: int | ast.AST, problem: str, hint: str | None = ALLOWED,
             part: str | None = None) -> NoReturn:
        """Raise :class:`ExpressionError` about the part at ``where`` (a node or a position)."""
        start, end = self.span(where) if isinstance(where, ast.AST) else (where, where + 1)
        if part is None:
            part = self.text[start:end]
            part = part if len(part) <= 40 else part[:37] + "..."
            if not (_LITERAL.fullmatch(part) and part.isprintable()):
                part = repr(part)  # numbers and quoted text are shown as written
        at = f"{part} (character {start + 1})" if part else f"(character {start + 1})"
        raise ExpressionError(f"{self.label()}: {problem.replace(_AT, at)}", hint=hint)

    def rewrite(self) -> None:
        """Turn backticked names into placeholders and ``&``/``|`` into ``and``/``or``.

        Strings are skipped; ``@`` names, comments, prefixed and triple-quoted
        strings are refused; ASCII whitespace becomes spaces (one line).
        """
        text, out, origin = self.text, [], []
        base = "_bt"
        while base in text:
            base += "_"

        def emit(piece: str, at: int) -> None:
            out.append(piece)
            origin.extend([at] * len(piece))

        i = 0
        while i < len(text):
            ch = text[i]
            if ch in "'\"":
                if i and (text[i - 1].isalnum() or text[i - 1] == "_"):
                    start = i - 1
                    while start and (text[start - 1].isalnum() or text[start - 1] == "_"):
                        start -= 1
                    self.fail(start, f"a prefixed string {_AT} is not allowed",
                              hint="write text in plain quotes, e.g. 'female' (no f'', r'' or "
                                   "b'' strings)", part=repr(text[start:i + 1] + "..."))
                if text.startswith(ch * 3, i):
                    self.fail(i, f"a triple-quoted string {_AT} is not allowed", part=repr(ch * 3),
                              hint="write text in plain quotes, e.g. 'female'")
                end = i + 1
                while end < len(text) and text[end] != ch and text[end] != "\n":
                    end += 2 if text[end] == "\\" else 1
                if end >= len(text) or text[end] != ch:
                    self.fail(i, f"the text starting with the quote {_AT} has no closing quote",
                              hint=f"close it with {ch}")
                for k in range(i, end + 1):
                    emit(text[k], k)
                i = end + 1
            elif ch == "`":
                end = text.find("`", i + 1)
                name = text[i + 1:end]
                if end < 0 or "\n" in name:
                    self.fail(i, f"the backtick {_AT} has no closing backtick",
                              hint="put a column name between two backticks, e.g. "
                                   "`âge déclaré` >= 18")
                if not name:
                    self.fail(i, f"empty backticks {_AT} name no column",
                              hint="put a column name between the backticks")
                placeholder = f"{base}{len(self.quoted)}_"
                self.quoted[placeholder] = name
                emit(placeholder, i)
                origin[-1] = end  # the placeholder spans the whole `name`
                i = end + 1
            elif ch == "@":
                self.fail(i, f"'@' {_AT} refers to a Python variable, and subset expressions "
                             "cannot read variables",
                          hint="write the value itself in the expression, e.g. age >= 18, or "
                               "pass a boolean mask: des.subset(des.data['age'] >= limit)")
            elif ch == "#":
                self.fail(i, f"a comment {_AT} is not allowed",
                          hint="remove the comment")
            elif ch in "&|":
                emit({"&": " and ", "|": " or "}[ch], i)
                i += 1
            else:
                emit(" " if ch in "\t\n\r\f\v" else ch, i)
                i += 1
        self.parsed, self.origin = "".join(out), origin

    def parse(self) -> None:
        """Parse (never run) the rewritten text; refuse what is not an expression."""
        try:
            with warnings.catch_warnings():  # "invalid escape sequence" and the like: not ours
                warnings.simplefilter("ignore")
                tree = ast.parse(self.parsed, mode="eval")
        except SyntaxError as err:
            offset = err.offset or 0
            at = (self.origin[offset - 1] if 0 < offset <= len(self.origin)
                  else len(self.text) - 1)  # no offset: the text ended too early
            if "too many nested" in str(err.msg):
                self.fail(at, f"is nested too deeply at {_AT}",
                          hint="split it, or build a boolean mask in Python")
            message = str(err.msg).replace(" or ':='", "")
            if message == "invalid syntax" and (not 0 < offset < len(self.parsed.rstrip())):
                last = self.text.rstrip().split()[-1]
                self.fail(len(self.text.rstrip()) - len(last), "ends before the condition is "
                                                               f"complete (after {_AT})",
                          part=repr(last),
                          hint="complete it, e.g. age >= 18 and sex == 'female'")
            self.fail(at, f"cannot be read at {_AT}: {message}",
                      hint="write a condition such as age >= 18 and sex == 'female'; " + ALLOWED)
        except (RecursionError, MemoryError, ValueError):
            self.fail(0, "is nested too deeply to be read",
                      hint="split it, or build a boolean mask in Python")
        # the tree is walked recursively below: refuse deep trees first, without recursion
        stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
        while stack:
            node, depth = stack.pop()
            if depth > MAX_DEPTH:
                self.fail(node, f"is nested more than {MAX_DEPTH} levels deep at {_AT}",
                          hint="simplify it, or build a boolean mask in Python")
            stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
        self.tree = tree.body

    def span(self, node: ast.AST) -> tuple[int, int]:
        """Characters of the written text that ``node`` comes from."""
        if not self.origin:
            return 0, len(self.text)
        if not self.chars:  # ast counts UTF-8 bytes of the (one-line) parsed text
            for k, ch in enumerate(self.parsed):
                self.chars.extend([k] * len(ch.encode("utf-8")))
            self.chars.append(len(self.parsed))
        last = len(self.chars) - 1
        start = self.chars[min(getattr(node, "col_offset", 0), last)]
        end = self.chars[min(getattr(node, "end_col_offset", None) or last, last)]
        start = self.origin[min(start, len(self.origin) - 1)]
        end = self.origin[min(max(end - 1, 0), len(self.origin) - 1)] + 1
        return start, max(end, start + 1)

    def dot(self, node: ast.Attribute) -> int:
        """Where the ``.attr`` of ``node`` is written."""
        start, end = self.span(node)
        return max(self.text.rfind(".", start, end), start)

    def name(self, node: ast.Name) -> str:
        """The column name as written (Python would normalise Unicode identifiers)."""
        if node.id in self.quoted:
            return self.quoted[node.id]
        start, end = self.span(node)
        return self.text[start:end]


# --- evaluating the tree -----------------------------------------------------


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


class _Evaluator:
    def __init__(self, source: _Source, data: pd.DataFrame) -> None:
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
                self.fail(node, f"column {operand.name!r} {_AT} holds {_KIND_WORDS[operand.kind]}, "
                                "not True/False, so it is not a condition by itself",
                          hint=f"compare it, e.g. {operand.written} == "
                               f"{self.example(operand)}", part="")
            return self.truth(operand)
        self.fail(node, f"{_AT} is a value, not a condition on a column",
                  hint="compare a column with it, e.g. age >= 18")

    def truth(self, column: _Column) -> _Cond:
        true = _bools(column.values == True)  # noqa: E712 (element-wise)
        known = column.known
        return _Cond(true & known, ~true & known)

    def compare(self, node: ast.Compare) -> _Cond:
        operands = [node.left, *node.comparators]
        result: _Cond | None = None
        for left, op, right in zip(operands, node.ops, operands[1:]):
            part = self.pair(node, left, op, right)
            result = part if result is None else _Cond(result.true & part.true,
                                                       result.false | part.false)
        assert result is not None
        return result

    def pair(self, node: ast.Compare, left_node: ast.AST, op: ast.cmpop,
             right_node: ast.AST) -> _Cond:
        if isinstance(op, (ast.Is, ast.IsNot)):
            self.fail(node, f"'is' in {_AT} is not allowed",
                      hint="test missing values with column.isna() or column.notna(), and "
                           "values with ==")
        if isinstance(op, (ast.In, ast.NotIn)):
            left = self.operand(left_node)
            if not isinstance(left, _Column):
                self.fail(left_node, f"'in' needs a column on its left, not {_AT}",
                          hint="write column in [values], e.g. sex in ['female', 'male']")
            cond = self.isin(left, right_node, node)
            return cond.negate() if isinstance(op, ast.NotIn) else cond
        left, right = self.operand(left_node), self.operand(right_node)
        if isinstance(left, list) or isinstance(right, list):
            bad = left_node if isinstance(left, list) else right_node
            self.fail(bad, f"a list {_AT} can only follow 'in' or 'not in'",
                      hint="write column in [values], or compare with a single value")
        if isinstance(left, _Value) and isinstance(right, _Value):
            self.fail(node, f"{_AT} compares two values and no column",
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
            self.fail(node, f"comparing column {column.name!r} with {_AT} failed: {err}",
                      hint="compare values of the same kind")
        known = column.known if known is None else known
        return _Cond(result & known, ~result & known)

    def columns(self, left: _Column, symbol: str, function: Callable[[Any, Any], Any],
                right: _Column, node: ast.AST) -> _Cond:
        for column in (left, right):
            self.usable(column)
        if left.kind != right.kind:
            self.fail(node, f"{_AT} compares column {left.name!r} "
                            f"({_KIND_WORDS[left.kind]}) with column {right.name!r} "
                            f"({_KIND_WORDS[right.kind]})",
                      hint="compare columns holding the same kind of values")
        if symbol not in ("==", "!=") and (left.kind not in ("number", "date")
                                           or left.levels is not None
                                           or right.levels is not None):
            self.fail(node, f"'{symbol}' in {_AT} needs ordered values, and columns "
                            f"{left.name!r} and {right.name!r} hold "
                            f"{_KIND_WORDS[left.kind]} without an order between them",
                      hint="compare them with == or != only")
        return self.apply(left, function, _plain(right.values), node,
                          known=left.known & right.known)

    def isin(self, column: _Column, values_node: ast.AST, node: ast.AST) -> _Cond:
        values = self.operand(values_node)
        if not isinstance(values, list):
            self.fail(values_node, f"{_AT} must be a list of values, e.g. ['a', 'b']",
                      hint=f"write {column.written}.isin([...]) or {column.written} in [...]")
        checked = [self.literal(column, value, "in") for value in values]
        try:
            true = _bools(column.values.isin(checked))
        except (TypeError, ValueError) as err:
            self.fail(node, f"{_AT} failed: {err}", hint="compare values of the same kind")
        known = column.known
        return _Cond(true & known, ~true & known)

    def method(self, node: ast.Call) -> _Cond:
        func = node.func
        if not isinstance(func, ast.Attribute):
            self.fail(node, f"calling {_AT} is not allowed")
        if func.attr not in _METHODS:
            self.fail(self.source.dot(func), f"the method {_AT} is not allowed",
                      part=repr(f".{func.attr}()"))
        target = self.operand(func.value)
        if not isinstance(target, _Column):
            self.fail(func.value, f".{func.attr}() applies to a column, not to {_AT}",
                      hint=f"write column.{func.attr}(...), e.g. age.{func.attr}("
                           + {"isin": "[18, 19]", "between": "18, 64"}.get(func.attr, "") + ")")
        if node.keywords:
            self.fail(node.keywords[0], f"the keyword argument {_AT} of .{func.attr}() "
                                        "is not allowed",
                      hint="give values by position; for open bounds use <, > instead of "
                           "between")
        arity = {"isin": 1, "between": 2}.get(func.attr, 0)
        if len(node.args) != arity:
            self.fail(node, f".{func.attr}() takes {arity} value{'s' if arity > 1 else ''} "
                            f"in {_AT}, not {len(node.args)}",
                      hint={"isin": "write column.isin(['a', 'b'])",
                            "between": "write column.between(low, high)"}.get(
                          func.attr, f"write column.{func.attr}()"))
        if func.attr == "isin":
            return self.isin(target, node.args[0], node)
        if func.attr == "between":
            low, high = (self.operand(arg) for arg in node.args)
            for arg, bound in zip(node.args, (low, high)):
                if not isinstance(bound, _Value):
                    self.fail(arg, f"the bounds of .between() must be values, not {_AT}",
                              hint="write column.between(low, high) with numbers, or compare "
                                   "columns with <= and >=")
            assert isinstance(low, _Value) and isinstance(high, _Value)
            lo, hi = self.literal(target, low, ">="), self.literal(target, high, "<=")
            if _above(target, lo, hi):
                self.fail(node, f"{_AT} has its lower bound above its upper bound",
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
                self.fail(node, f"{_AT} ({type(node.value).__name__}) is not a value micropop "
                                "compares",
                          hint="use numbers, 'text' in quotes, True or False")
            return _Value(node.value, node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self.operand(node.operand)
            if not (isinstance(inner, _Value) and _is_number(inner.value)):
                self.fail(node, f"{_AT} is arithmetic: a sign applies to a number only",
                          hint="compute the derived column first with des.assign(...) and "
                               "compare it")
            return _Value(-inner.value if isinstance(node.op, ast.USub) else inner.value, node)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            items = [self.operand(item) for item in node.elts]
            for item, element in zip(items, node.elts):
                if not isinstance(item, _Value):
                    self.fail(element, f"a list holds values only, not {_AT}",
                              hint="write the values, e.g. ['a', 'b'] or [1, 2]")
            return items  # type: ignore[return-value]
        if isinstance(node, ast.Attribute):
            self.fail(self.source.dot(node), f"attribute access {_AT} is not allowed",
                      part=repr("." + node.attr))
        if isinstance(node, ast.Call):
            self.fail(node, f"{_AT} is a condition, and here a column or a value is needed",
                      hint="compare columns with values, e.g. age >= 18, and combine "
                           "conditions with & and |")
        if isinstance(node, (ast.Compare, ast.BoolOp)) or (
                isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.Invert))):
            self.fail(node, f"{_AT} is a condition, and here a column or a value is needed",
                      hint="compare a column with a value, and combine conditions with "
                           "& (and), | (or), ~ (not)")
        name, hint = _REFUSED.get(type(node), (type(node).__name__, None))
        if isinstance(node, ast.BinOp):
            name = f"arithmetic '{_OPERATOR_NAMES.get(type(node.op), '?')}'"
        self.fail(node, f"{name} {_AT} is not allowed",
                  hint=hint + "; " + ALLOWED if hint else ALLOWED)

    def column(self, node: ast.Name) -> _Column:
        name = self.source.name(node)
        found = self.by_name.get(name)
        if found is None:
            names = list(self.by_name)
            self.fail(node, f"unknown column {name!r} {_AT}{_closest(name, names)}", part="",
                hint="use one of the data's columns: " + _listed(names)
                     + "; put names with spaces or accents in `backticks`")
        if len(found) > 1:
            self.fail(node, f"{_AT} names {len(found)} columns of the data", part=repr(name),
                      hint="give the columns distinct names")
        values = self.data[found[0]]
        kind, levels, ordered = _kind(values)
        return _Column(name, values, node, kind, levels, ordered)

    def usable(self, column: _Column) -> None:
        if column.kind in ("missing", "mixed", "other"):
            self.fail(column.node, f"column {column.name!r} {_AT} holds "
                                   f"{_KIND_WORDS[column.kind]}, which cannot be compared",
                      part="", hint="test it with isna()/notna(), or give the column a "
                                    "single type (a codebook declares it)")

    def literal(self, column: _Column, value: _Value, symbol: str) -> Any:
        """The value to compare ``column`` with, after refusing mismatched kinds and levels."""
        self.usable(column)
        v = value.value
        if v is None:
            self.fail(value.node, f"None {_AT} is not a value", part="",
                      hint=f"test missing values with {column.written}.isna() or "
                           f"{column.written}.notna()")
        kind = "bool" if isinstance(v, bool) else "number" if _is_number(v) else "text"
        what = {"bool": "True/False", "number": "a number", "text": "text"}[kind]
        holds = f"column {column.name!r} holds {_KIND_WORDS[column.kind]}, and {_AT} is {what}"
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
                                  f"order (compared with {_AT})",
                      hint="select levels with isin([...]), or declare the column 'type: "
                           "ordered' in the codebook")
        if column.levels is not None or column.kind == "text":
            self.present(column, value, v)
        return v

    def present(self, column: _Column, value: _Value, v: Any) -> None:
        """Refuse a level a categorical column does not have, or text a column never holds."""
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
        self.fail(value.node, f"{_AT} is not a {word} of column {column.name!r}"
                              + _closest(str(v), levels), hint=(
            f"{word.capitalize()}s: " + _listed(levels)
            + ("" if column.levels is not None else
               "; to select rows by a value that may be absent, pass a boolean mask instead")))

    def timestamp(self, column: _Column, value: _Value) -> pd.Timestamp:
        try:
            stamp = pd.Timestamp(value.value)
        except (ValueError, TypeError, OverflowError):
            stamp = pd.NaT
        if stamp is pd.NaT:
            self.fail(value.node, f"{_AT} is not a date (column {column.name!r} holds dates)",
                      hint=f"write a date as 'YYYY-MM-DD', e.g. {column.written} >= '2020-01-31'")
        zone = getattr(column.values.dtype, "tz", None)
        if (zone is None) != (stamp.tz is None):
            self.fail(value.node, f"{_AT} and column {column.name!r} disagree on the time zone",
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
    if dtype == object or pd.api.types.is_string_dtype(dtype):
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
        return bool(column.levels.get_loc(low) > column.levels.get_loc(high))
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
