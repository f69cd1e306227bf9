"""Reading a model formula's text safely into R's terms: variables, terms, intercept.

The text is split on its one ``~``; each side is rewritten for :func:`ast.parse`
(backticked names become placeholders, R's ``:`` and ``^`` become ``**``, whose
precedence is theirs: above ``*`` and unary minus) and the tree is walked with
a whitelist. Nothing is evaluated: the walk only builds :class:`Variable` and
:class:`Expr` descriptions, computed later from the data by the model frame.
Terms follow R's ``terms.formula``: ``+`` unites, ``-`` deletes, ``*`` crosses,
``:`` interacts, ``(a + b)^2`` crosses a list with itself; ``1``, ``0`` and
``- 1`` set the intercept; terms are sorted by order (main effects first),
their variables by first appearance in the formula.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NoReturn

from micropop.errors import FormulaError, suggestions

#: Longest formula read, in characters.
MAX_LENGTH = 10_000
#: Deepest nesting of calls, parentheses and operators read (a long ``a + b + ...`` is flat).
MAX_DEPTH = 50
#: Most terms a formula may expand to (``a * b * c * ...`` doubles them at each factor).
MAX_TERMS = 1_000
#: Numeric functions, by the name written (``np.`` and ``numpy.`` prefixes allowed) -> R's name.
FUNCTIONS = {"log": "log", "log1p": "log1p", "log2": "log2", "log10": "log10", "sqrt": "sqrt",
             "exp": "exp", "abs": "abs", "absolute": "abs"}
#: What the grammar allows, as the hint of every refusal says.
ALLOWED = ("allowed: 'response ~ terms' with column names (in `backticks` or Q(\"...\") when "
           "they hold spaces or symbols), + (add), - (remove), * (crossing), : (interaction), "
           "(a + b)^2, 1 / 0 / - 1 (intercept), C(x), C(x, treatment), C(x, ref='level') "
           "or relevel(x, ref='level') "
           "(categorical), log, log1p, log2, log10, sqrt, exp, abs (also as np.log...) and "
           "I(...) of columns and numbers with + - * / ** or ^, or I(x == \"level\") / "
           "I(x >= 25): one comparison of a column with a level in quotes or a number, "
           "a 0/1 variable")
_R_RESERVED = {"if", "else", "repeat", "while", "function", "for", "next", "break", "TRUE",
               "FALSE", "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_", "NA_character_",
               "in"}
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^"}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "^": 4}
#: Comparisons read inside I(), a term of its own: I(x == "level"), I(age >= 25).
_COMPARE = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
            ast.GtE: ">="}


@dataclass(frozen=True)
class Expr:
    """An expression of columns: ``col``, ``num``, ``neg``, ``op``, ``call``, ``cmp``, ``str``.

    ``cmp`` (``name`` the operator, ``args`` the expression and the ``num`` or
    ``str`` it is compared with) appears only as the argument of a whole-term
    ``I()``: a logical variable, as R's ``I(x == "a")``.
    """

    kind: str
    name: str = ""
    args: tuple[Expr, ...] = ()
    value: float = 0.0

    def columns(self) -> list[str]:
        if self.kind == "col":
            return [self.name]
        return [c for a in self.args for c in a.columns()]

    def label(self) -> str:
        """R's ``deparse`` of the expression (the name R gives a model.matrix column)."""
        if self.kind == "col":
            return r_name(self.name)
        if self.kind == "num":
            return r_number(self.value)
        if self.kind == "str":
            return '"' + self.name.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if self.kind == "cmp":
            return f"{self.args[0].label()} {self.name} {self.args[1].label()}"
        if self.kind == "neg":
            return "-" + _wrapped(self.args[0], _PRECEDENCE["neg"], strict=False)
        if self.kind == "call":
            return f"{self.name}({self.args[0].label()})"
        mine = _PRECEDENCE[self.name]
        right_assoc = self.name == "^"
        left = _wrapped(self.args[0], mine, strict=right_assoc)
        right = _wrapped(self.args[1], mine, strict=not right_assoc)
        sep = self.name if self.name in "/^" else f" {self.name} "
        return left + sep + right


def _wrapped(expr: Expr, outer: int, *, strict: bool) -> str:
    inner = _PRECEDENCE.get(expr.name if expr.kind == "op" else expr.kind, 9)
    text = expr.label()
    return f"({text})" if inner < outer or (strict and inner == outer) else text


@dataclass(frozen=True)
class Variable:
    """One variable of the formula: its R label, its expression, whether it is a factor."""

    label: str
    expr: Expr
    factor: bool = False  # C(x) / relevel(x): categorical whatever the column's type
    ref: str | None = None  # the reference level asked for
    treatment: bool = False  # treatment contrasts even for an ordered categorical
    at: int = 0  # character of the text where it first appears


@dataclass(frozen=True)
class Parsed:
    """A formula read: response, variables (first appearance order), sorted terms, intercept."""

    text: str
    response: Variable
    variables: tuple[Variable, ...]
    terms: tuple[tuple[int, ...], ...]
    intercept: bool


def r_name(name: str) -> str:
    """A column name as R deparses it: bare when syntactic, else in backticks."""
    first = name[:1]
    ok = bool(name) and (first.isalpha() or (first == "." and not name[1:2].isdigit()))
    ok = ok and all(c.isalnum() or c in "._" for c in name) and name not in _R_RESERVED
    return name if ok else "`" + name.replace("`", "\\`") + "`"


def r_number(value: float) -> str:
    """A number as R deparses and prints it (15 significant digits, fixed or scientific)."""
    if value == int(value) and abs(value) < 1e15:
        fixed = str(int(value))
    else:
        fixed = ""
    mantissa, exponent = f"{value:.14e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    exp = int(exponent)
    sci = f"{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if not fixed:
        digits = len(mantissa.replace("-", "").replace(".", ""))
        fixed = f"{value:.{max(0, digits - 1 - exp)}f}"
    return fixed if len(fixed) <= len(sci) else sci


class Reader:
    """Reads one formula against the data's columns (for dotted names such as ``sch.wide``)."""

    def __init__(self, text: object, columns: Iterable[object]) -> None:
        if not isinstance(text, str):
            raise FormulaError(f"the formula must be text, not {type(text).__name__}",
                               hint="write it as \"response ~ x + z\"")
        self.text = text
        self.columns = {str(c) for c in columns}
        self.variables: list[Variable] = []
        self.intercept = True
        self.quoted: dict[str, str] = {}
        self.colons: set[int] = set()
        self.origin: list[int] = []
        self.chars: list[int] = []

    # --- messages ---------------------------------------------------------------
    def fail(self, where: int | ast.AST, problem: str, hint: str = ALLOWED) -> NoReturn:
        start, end = self.span(where) if isinstance(where, ast.AST) else (where, where + 1)
        part = self.text[start:max(end, start + 1)]
        part = part if len(part) <= 40 else part[:37] + "..."
        shown = self.text if len(self.text) <= 80 else self.text[:77] + "..."
        raise FormulaError(f"formula {shown!r}: {part!r} (character {start + 1}) {problem}",
                           hint=hint)

    def span(self, node: ast.AST) -> tuple[int, int]:
        start = getattr(node, "col_offset", 0)
        end = getattr(node, "end_col_offset", None) or start + 1
        return self.at(start), self.at(end - 1) + 1

    def at(self, byte: int) -> int:
        """The text's character at a byte offset of the parsed (rewritten) text."""
        chars = self.chars
        return self.origin[chars[min(max(byte, 0), len(chars) - 1)]] if chars else 0

    # --- reading ------------------------------------------------------------------
    def read(self) -> Parsed:
        if len(self.text) > MAX_LENGTH:
            raise FormulaError(f"the formula is {len(self.text):,} characters long (at most "
                               f"{MAX_LENGTH:,} are read)", hint="write a shorter formula")
        parsed, tildes = self.rewrite()
        if len(tildes) != 1:
            if not tildes:
                self.fail(0, "has no '~' between the response and the terms",
                          hint="write the response, then ~, then the terms, e.g. \"y ~ x + z\"")
            self.fail(self.origin[tildes[1]], "is a second '~' (a formula has one)")
        cut = tildes[0]
        lhs, rhs = parsed[:cut], parsed[cut + 1:]
        if not lhs.strip():
            self.fail(self.origin[cut], "has no response on its left",
                      hint="write the response first, e.g. \"y ~ x + z\"")
        self.chars = _byte_chars(parsed)
        left = self.parse(lhs, 0, 0)
        response = self.leaf(left, depth=0)
        self.variables.append(response)
        if not rhs.strip():
            self.fail(self.origin[cut], "has no terms on its right",
                      hint="write the terms after ~, or 1 for the intercept alone")
        right = self.parse(rhs, cut + 1, len(parsed[:cut + 1].encode("utf-8")))
        terms = self.terms(right, parity=True, depth=0, inner=False)
        if any(0 in t for t in terms):
            self.fail(right, f"uses the response {response.label} as a term")
        order = sorted(range(len(terms)), key=lambda k: len(terms[k]))
        kept = tuple(tuple(sorted(v - 1 for v in terms[k])) for k in order)
        return Parsed(self.text, response, tuple(self.variables[1:]), kept, self.intercept)

    def rewrite(self) -> tuple[str, list[int]]:
        """The text for ``ast.parse``, with ``origin`` (parsed char -> text char) and the ``~``s."""
        text, tildes = self.text, []
        out: list[tuple[str, int]] = []
        base = "_mp_q"
        while base in text:
            base += "_"
        i = 0
        while i < len(text):
            ch = text[i]
            if ch in "'\"":
                end = i + 1
                while end < len(text) and text[end] != ch:
                    end += 2 if text[end] == "\\" else 1
                if end >= len(text):
                    self.fail(i, "opens a text that is never closed", hint=f"close it with {ch}")
                out.extend((text[k], k) for k in range(i, end + 1))
                i = end + 1
            elif ch == "`":
                end = text.find("`", i + 1)
                if end < 0:
                    self.fail(i, "opens a backticked name that is never closed",
                              hint="put the column name between two backticks, e.g. `âge déclaré`")
                if end == i + 1:
                    self.fail(i, "is an empty name", hint="put a column name between the backticks")
                holder = f"{base}{len(self.quoted)}_"
                self.quoted[holder] = text[i + 1:end]
                out.extend((c, i if k < len(holder) - 1 else end) for k, c in enumerate(holder))
                i = end + 1
            elif ch in ":^":
                if ch == ":":
                    self.colons.add(len(out))
                out.extend([("*", i), ("*", i)])
                i += 1
            elif ch == "~":
                tildes.append(len(out))
                out.append(("~", i))
                i += 1
            elif (ch.isalpha() or ch == ".") and not (i and (text[i - 1].isalnum()
                                                          or text[i - 1] in "._")):
                end = i
                while end < len(text) and (text[end].isalnum() or text[end] in "._"):
                    end += 1
                name = text[i:end]
                if "." in name and name in self.columns:  # R's dotted names: acs.46, sch.wide
                    holder = f"{base}{len(self.quoted)}_"
                    self.quoted[holder] = name
                    out.extend((c, i if k < len(holder) - 1 else end - 1)
                               for k, c in enumerate(holder))
                else:
                    out.extend((text[k], k) for k in range(i, end))
                i = end
            else:
                out.append((" " if ch in "\t\r\n" else ch, i))
                i += 1
        self.origin = [k for _, k in out]
        return "".join(c for c, _ in out), tildes

    def parse(self, piece: str, cut: int, shift: int) -> ast.expr:
        """Parse one side; ``cut`` is its first parsed character, ``shift`` its first byte."""
        blank = piece[:len(piece) - len(piece.lstrip())]
        piece, cut, shift = piece[len(blank):], cut + len(blank), shift + len(blank.encode())
        try:
            tree = ast.parse(piece, mode="eval")
        except SyntaxError as err:
            col = max((err.offset or 1) - 1, 0)  # characters of the parsed piece
            self.fail(self.origin[min(cut + col, len(self.origin) - 1)],
                      f"cannot be read ({err.msg})")
        except (RecursionError, MemoryError, ValueError):
            self.fail(self.origin[cut], "is nested too deeply to be read")
        body = tree.body
        if shift:  # the right side's byte offsets, in the whole parsed text
            for node in ast.walk(body):
                if isinstance(node, (ast.expr, ast.keyword)):
                    node.col_offset += shift
                    if node.end_col_offset is not None:
                        node.end_col_offset += shift
        return body

    # --- terms --------------------------------------------------------------------
    def terms(self, node: ast.expr, *, parity: bool, depth: int,
              inner: bool) -> list[frozenset[int]]:
        if depth > MAX_DEPTH:
            self.fail(node, f"is nested more than {MAX_DEPTH} levels deep")
        chain: list[tuple[type | None, ast.expr]] = []
        while isinstance(node, ast.BinOp) and type(node.op) in (ast.Add, ast.Sub):
            chain.append((type(node.op), node.right))  # a + b - c + ...: flat, read in order
            node = node.left
        chain.append((None, node))
        result: list[frozenset[int]] = []
        for op, part in reversed(chain):
            if op is ast.Sub:
                removed = self.term(part, parity=not parity, depth=depth + 1, inner=inner)
                result = [t for t in result if t not in removed]
            else:
                result = _union(result, self.term(part, parity=parity, depth=depth + 1,
                                                  inner=inner))
                self.bounded(part, len(result))
        return result

    def term(self, node: ast.expr, *, parity: bool, depth: int,
             inner: bool) -> list[frozenset[int]]:
        if depth > MAX_DEPTH:
            self.fail(node, f"is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, ast.BinOp) and type(node.op) in (ast.Add, ast.Sub):
            return self.terms(node, parity=parity, depth=depth, inner=inner)
        if isinstance(node, ast.Constant) and type(node.value) in (int, float) \
                and node.value in (0, 1):
            if inner:
                self.fail(node, "cannot be part of an interaction or a power")
            self.intercept = (node.value == 1) == parity
            return []
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            if isinstance(node.op, ast.UAdd):
                return self.term(node.operand, parity=parity, depth=depth + 1, inner=inner)
            self.term(node.operand, parity=not parity, depth=depth + 1, inner=inner)
            return []
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Pow)):
            if isinstance(node.op, ast.Pow) and not self.is_colon(node):
                return self.power(node, depth)
            left = self.term(node.left, parity=parity, depth=depth + 1, inner=True)
            right = self.term(node.right, parity=parity, depth=depth + 1, inner=True)
            if not left or not right:
                self.fail(node, "has no term on one side of its interaction")
            self.bounded(node, len(left) * len(right) + len(left) + len(right))
            both = _union([], [a | b for a in left for b in right])
            return both if isinstance(node.op, ast.Pow) else _union(_union(left, right), both)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            self.fail(node, "is R's nesting operator '/', not read here",
                      hint="write a + a:b for a/b")
        return [frozenset({self.variable(node, depth)})]

    def power(self, node: ast.BinOp, depth: int) -> list[frozenset[int]]:
        n = node.right
        if not (isinstance(n, ast.Constant) and type(n.value) is int and 1 <= n.value <= 10):
            self.fail(n, "is not a whole number from 1 to 10 (the power of (a + b)^n)")
        left = self.term(node.left, parity=True, depth=depth + 1, inner=True)
        result = left
        for _ in range(int(n.value) - 1):
            self.bounded(node, len(left) * len(result))
            result = _union([], [a | b for a in left for b in result])
        return result

    def bounded(self, node: ast.expr, count: int) -> None:
        if count > MAX_TERMS:
            self.fail(node, f"expands to more than {MAX_TERMS:,} terms",
                      hint="write the interactions you need one by one")

    def is_colon(self, node: ast.BinOp) -> bool:
        """Whether a ``**`` of the parsed text was a ``:`` of the formula (else ``^``)."""
        for byte in range(node.left.end_col_offset or 0, node.right.col_offset):
            if self.chars[min(byte, len(self.chars) - 1)] in self.colons:
                return True
        return False

    # --- variables ----------------------------------------------------------------
    def variable(self, node: ast.expr, depth: int) -> int:
        found = self.leaf(node, depth)
        for k, known in enumerate(self.variables):
            if known.label == found.label:
                return k
        self.variables.append(found)
        return len(self.variables) - 1

    def leaf(self, node: ast.expr, depth: int) -> Variable:
        at = self.span(node)[0]
        if isinstance(node, ast.Call) and self.func_name(node.func) in ("C", "relevel"):
            return self.categorical(node, at)
        if isinstance(node, ast.Call) and self.func_name(node.func) == "I" \
                and len(node.args) == 1 and not node.keywords \
                and isinstance(node.args[0], ast.Compare):
            compared = Expr("call", "I", (self.compare(node.args[0], depth + 1),))
            return Variable(compared.label(), compared, at=at)
        expr = self.expr(node, depth + 1, in_i=False)
        return Variable(expr.label(), expr, at=at)

    def categorical(self, node: ast.Call, at: int) -> Variable:
        kind = self.func_name(node.func)
        if not node.args:
            self.fail(node, f"needs a column: {kind}(x)")
        column = self.column(node.args[0])
        ref_nodes = list(node.args[1:]) + [k.value for k in node.keywords]
        names = [k.arg for k in node.keywords]
        if len(ref_nodes) > 1 or any(n not in ("ref", "reference") for n in names):
            self.fail(node, f"takes a column and, at most, its reference level: "
                            f"{kind}(x, ref='level')")
        if kind == "C" and len(node.args) == 2 and isinstance(node.args[1], ast.Name) \
                and node.args[1].id in ("treatment", "Treatment"):
            # R's C(x, treatment): treatment contrasts even for an ordered factor
            return Variable(f"C({r_name(column)}, treatment)", Expr("col", column),
                            factor=True, treatment=True, at=at)
        ref = None
        if ref_nodes:
            ref = self.reference(ref_nodes[0])
        elif kind == "relevel":
            self.fail(node, "needs the reference level: relevel(x, ref='level')")
        label = f"C({r_name(column)})" if ref is None else \
            f"relevel({r_name(column)}, ref = \"{ref}\")"
        return Variable(label, Expr("col", column), factor=True, ref=ref,
                        treatment=ref is not None, at=at)

    def compare(self, node: ast.Compare, depth: int) -> Expr:
        """``x == "level"`` or ``age >= 25``: one comparison with a literal, never evaluated."""
        if len(node.ops) != 1:
            self.fail(node, "chains comparisons (one is read: I(x == \"a\"))")
        op = _COMPARE.get(type(node.ops[0]))
        if op is None:
            self.fail(node, "is not a comparison read inside I() (==, !=, <, <=, >, >=)")
        value = node.comparators[0]
        negative = isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub)
        number = value.operand if negative and isinstance(value, ast.UnaryOp) else value
        if isinstance(number, ast.Constant) and isinstance(number.value, (int, float)) \
                and not isinstance(number.value, bool) and math.isfinite(number.value):
            literal = Expr("num", value=-float(number.value) if negative else float(number.value))
        elif isinstance(value, ast.Constant) and isinstance(value.value, str):
            literal = Expr("str", name=value.value)
        else:
            self.fail(value, "is not a level in quotes or a number (write e.g. "
                             "I(frequency == \"weekly\") or I(age >= 25))")
        return Expr("cmp", op, (self.expr(node.left, depth + 1, in_i=True), literal))

    def reference(self, node: ast.expr) -> str:
        if isinstance(node, ast.Call) and self.func_name(node.func) == "Treatment":
            values = list(node.args) + [k.value for k in node.keywords]
            if len(values) != 1 or any(k.arg != "reference" for k in node.keywords):
                self.fail(node, "takes one reference level: Treatment(reference='level')")
            node = values[0]
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float)) \
                and not isinstance(node.value, bool):
            value = node.value
            return value if isinstance(value, str) else r_number(float(value))
        self.fail(node, "is not a level (write it in quotes, e.g. ref='female')")

    def func_name(self, func: ast.expr) -> str | None:
        if isinstance(func, ast.Name):
            return func.id
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                and func.value.id in ("np", "numpy") and func.attr in FUNCTIONS:
            return func.attr
        return None

    def column(self, node: ast.expr) -> str:
        if isinstance(node, ast.Name):
            return self.quoted.get(node.id, node.id)
        if isinstance(node, ast.Call) and self.func_name(node.func) == "Q":
            first = node.args[0] if len(node.args) == 1 and not node.keywords else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                return first.value
            self.fail(node, "takes one column name in quotes: Q(\"name with spaces\")")
        dotted = _dotted(node)
        if dotted is not None and dotted in self.columns:
            return dotted  # R's names with dots (sch.wide) are columns, not attributes
        if dotted is not None and not dotted.startswith(("np.", "numpy.")) \
                and "._" not in dotted and not dotted.startswith("_"):
            self.fail(node, f"is not a column{suggestions([dotted], self.columns)}",
                      hint="the data's columns are read by name; quote odd names in backticks")
        what = {ast.Attribute: "is an attribute access", ast.Subscript: "is an indexing",
                ast.Call: "is a call of a function the formula does not know",
                ast.Lambda: "is a lambda", ast.Constant: "is a value where a column is expected"}
        self.fail(node, what.get(type(node), f"is not allowed ({type(node).__name__})"))

    def expr(self, node: ast.expr, depth: int, *, in_i: bool) -> Expr:
        if depth > MAX_DEPTH:
            self.fail(node, f"is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, ast.Call):
            name = self.func_name(node.func)
            if name in FUNCTIONS or name == "I":
                if len(node.args) != 1 or node.keywords:
                    self.fail(node, f"takes one argument: {name}(x)")
                if isinstance(node.args[0], ast.Compare):
                    self.fail(node, "compares inside a function or a calculation: a comparison "
                                    "is read as a term of its own, I(x == \"a\")")
                inner = self.expr(node.args[0], depth + 1, in_i=True)
                return Expr("call", "I" if name == "I" else FUNCTIONS[str(name)], (inner,))
            if name == "Q":
                return Expr("col", self.column(node))
            if name in ("C", "relevel"):
                self.fail(node, "cannot be inside a function or I()")
        if in_i and isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool) and math.isfinite(node.value):
            return Expr("num", value=float(node.value))
        if in_i and isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return Expr("neg", args=(self.expr(node.operand, depth + 1, in_i=True),))
        if in_i and isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            if isinstance(node.op, ast.Pow) and self.is_colon(node):
                self.fail(node, "uses ':' inside I(), where only + - * / ** ^ are read")
            parts = (self.expr(node.left, depth + 1, in_i=True),
                     self.expr(node.right, depth + 1, in_i=True))
            return Expr("op", _BINARY[type(node.op)], parts)
        if not in_i and (isinstance(node, (ast.BinOp, ast.UnaryOp)) or (
                isinstance(node, ast.Constant) and type(node.value) in (int, float))):
            self.fail(node, "is arithmetic outside I() or a function (write I(x + 1), "
                            "log(x + 1))")
        return Expr("col", self.column(node))


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not (isinstance(node, ast.Name) and parts):
        return None
    return ".".join([node.id, *reversed(parts)])


def _union(first: list[frozenset[int]], second: list[frozenset[int]]) -> list[frozenset[int]]:
    out = list(first)
    for term in second:
        if term not in out:
            out.append(term)
    return out


def _byte_chars(text: str) -> list[int]:
    """Parsed byte offset -> parsed character (``ast`` positions are UTF-8 byte offsets)."""
    chars: list[int] = []
    for k, ch in enumerate(text):
        chars.extend([k] * len(ch.encode("utf-8")))
    return chars + [max(len(text) - 1, 0)]


def read_formula(text: object, columns: Iterable[object]) -> Parsed:
    """Read a formula's text into its response, variables, sorted terms and intercept."""
    return Reader(text, columns).read()
