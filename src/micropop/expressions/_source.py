"""Reading a condition's text safely: its length and nesting bounded, backtick-quoted
column names and ``@`` variables made visible to the parser, the tree built by
:func:`ast.parse` (which runs nothing), and the positions of its parts for messages.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass, field
from typing import Any, NoReturn

from micropop.errors import ExpressionError

#: Longest expression read, in characters (longer conditions: build a boolean mask).
MAX_LENGTH = 10_000
#: Deepest nesting of the expression's tree (``~~~x``, nested calls) that is read.
MAX_DEPTH = 50
#: What the grammar allows, as the hint of every refusal says.
ALLOWED = ("allowed: column names (in `backticks` when they hold spaces), numbers, 'text', "
           "True/False, [lists] after in/not in; comparisons ==, !=, <, <=, >, >=, in, not in; "
           "& | ~ (and, or, not); parentheses; column.isin([...]), .between(low, high), "
           ".isna(), .notna()")
#: Where a message names the offending part (user text never holds a NUL: it cannot be parsed).
AT = "\x00at\x00"
#: Written values shown as they are in messages (others are quoted).
_LITERAL = re.compile(r"'[^']*'|\"[^\"]*\"|[-+]?\.?[0-9][\w.+-]*")


@dataclass
class Source:
    """The text as written, the text given to ``ast.parse`` and how their positions match."""

    text: str
    what: str
    parsed: str = ""
    origin: list[int] = field(default_factory=list)  # parsed character -> text character
    quoted: dict[str, str] = field(default_factory=dict)  # placeholder -> backticked name
    chars: list[int] = field(default_factory=list)  # parsed byte -> parsed character
    tree: ast.AST | None = None

    @classmethod
    def read(cls, text: Any, what: str) -> Source:
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
        raise ExpressionError(f"{self.label()}: {problem.replace(AT, at)}", hint=hint)

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
                    self.fail(start, f"a prefixed string {AT} is not allowed",
                              hint="write text in plain quotes, e.g. 'female' (no f'', r'' or "
                                   "b'' strings)", part=repr(text[start:i + 1] + "..."))
                if text.startswith(ch * 3, i):
                    self.fail(i, f"a triple-quoted string {AT} is not allowed", part=repr(ch * 3),
                              hint="write text in plain quotes, e.g. 'female'")
                end = i + 1
                while end < len(text) and text[end] != ch and text[end] != "\n":
                    end += 2 if text[end] == "\\" else 1
                if end >= len(text) or text[end] != ch:
                    self.fail(i, f"the text starting with the quote {AT} has no closing quote",
                              hint=f"close it with {ch}")
                for k in range(i, end + 1):
                    emit(text[k], k)
                i = end + 1
            elif ch == "`":
                end = text.find("`", i + 1)
                name = text[i + 1:end]
                if end < 0 or "\n" in name:
                    self.fail(i, f"the backtick {AT} has no closing backtick",
                              hint="put a column name between two backticks, e.g. "
                                   "`âge déclaré` >= 18")
                if not name:
                    self.fail(i, f"empty backticks {AT} name no column",
                              hint="put a column name between the backticks")
                placeholder = f"{base}{len(self.quoted)}_"
                self.quoted[placeholder] = name
                emit(placeholder, i)
                origin[-1] = end  # the placeholder spans the whole `name`
                i = end + 1
            elif ch == "@":
                self.fail(i, f"'@' {AT} refers to a Python variable, and subset expressions "
                             "cannot read variables",
                          hint="write the value itself in the expression, e.g. age >= 18, or "
                               "pass a boolean mask: des.subset(des.data['age'] >= limit)")
            elif ch == "#":
                self.fail(i, f"a comment {AT} is not allowed",
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
                self.fail(at, f"is nested too deeply at {AT}",
                          hint="split it, or build a boolean mask in Python")
            message = str(err.msg).replace(" or ':='", "")
            if message == "invalid syntax" and (not 0 < offset < len(self.parsed.rstrip())):
                last = self.text.rstrip().split()[-1]
                self.fail(len(self.text.rstrip()) - len(last), "ends before the condition is "
                                                               f"complete (after {AT})",
                          part=repr(last),
                          hint="complete it, e.g. age >= 18 and sex == 'female'")
            self.fail(at, f"cannot be read at {AT}: {message}",
                      hint="write a condition such as age >= 18 and sex == 'female'; " + ALLOWED)
        except (RecursionError, MemoryError, ValueError):
            self.fail(0, "is nested too deeply to be read",
                      hint="split it, or build a boolean mask in Python")
        # the tree is walked recursively below: refuse deep trees first, without recursion
        stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
        while stack:
            node, depth = stack.pop()
            if depth > MAX_DEPTH:
                self.fail(node, f"is nested more than {MAX_DEPTH} levels deep at {AT}",
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
