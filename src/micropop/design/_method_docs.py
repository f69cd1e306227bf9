"""A design method's docstring, assembled from the function it calls.

``des.total("y")`` is ``survey_total(des, "y")``: the method's parameters,
returns, errors and notes are the function's. So that they are written
once, :func:`documented_as` gives the method the function's numpydoc
sections when the class is defined: its Parameters without ``design``, its
Returns, Yields, Raises, Warns, Notes and References, and its extended
summary after the method's own paragraphs. The method keeps its own summary
line and its own Examples (an example of the method, on the demo data); its
See Also names the function first. ``help(des.total)``, numpydoc and Sphinx
read the assembled ``__doc__``; a section the method writes itself wins.

The functions live in layers above the design (:mod:`micropop.estimation`,
:mod:`micropop.weighting`) that import the design core, so they cannot be
imported while the design is (a cycle whose outcome would depend on which
module Python imports first). Their docstrings are read from their source
files instead, by the tokenizer, which runs none of their code.

:func:`sections_from` does the same within the design package, where the
declaration can be imported: the internal variance API is declared once
(:class:`micropop.design._variance.VarianceAPI`) and each kind of design's
implementation takes its Parameters and Returns from there.

Examples
--------
>>> from micropop.design import SurveyDesign
>>> text = SurveyDesign.total.__doc__
>>> text.splitlines()[0]
"Estimated population totals, as R's ``svytotal`` (``svyby`` with ``by=``)."
>>> "design :" in text, "na_rm : bool, default False" in text
(False, True)
"""

from __future__ import annotations

import ast
import inspect
import io
import re
import tokenize
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

__all__ = ["documented_as", "function_docstring", "method_docstring", "sections_from"]

F = TypeVar("F", bound=Callable[..., object])

#: numpydoc's sections, in their order; the extended summary comes before them.
SECTIONS = ("Parameters", "Returns", "Yields", "Receives", "Other Parameters", "Raises",
            "Warns", "Warnings", "See Also", "Notes", "References", "Examples")
#: The sections a method takes from its function (unless it writes its own).
SHARED = frozenset({"Parameters", "Returns", "Yields", "Other Parameters", "Raises", "Warns",
                    "Warnings", "Notes", "References"})

_PACKAGE = Path(__file__).resolve().parent.parent  # the micropop folder
_HEADER = re.compile(r"^-{3,}$")
#: A function named without its module (``:func:`survey_mean```), which Sphinx resolves
#: in the function's module but not on the method's page.
_SHORT_FUNCTION = re.compile(r":func:`(\w+)`")


def documented_as(function: str) -> Callable[[F], F]:
    """Give the decorated method the docstring sections of ``function``.

    Parameters
    ----------
    function : str
        The function's full name where it is defined, its first parameter
        the design: ``"micropop.estimation.linear.survey_total"``. Its public
        name, in See Also, is its package's: ``micropop.estimation.survey_total``.

    Returns
    -------
    callable
        A decorator that sets the method's ``__doc__`` (by
        :func:`method_docstring`) and returns the method itself. Put it
        nearest the ``def``, so that wrappers (``functools.wraps``) copy the
        assembled text.

    Raises
    ------
    LookupError
        ``function`` is not defined with a docstring in that module's source,
        or its first parameter is not ``design``. An installation without
        the source files (only compiled ones) still imports: the method then
        keeps its own text and names the function in See Also.

    Examples
    --------
    >>> @documented_as("micropop.weighting.trim.trim")
    ... def trim(self, lower=-float("inf"), upper=float("inf"), strict=False):
    ...     '''Trim extreme weights.'''
    >>> print(trim.__doc__.split("Parameters")[1].splitlines()[2])
    lower, upper : float
    """
    module, name = function.rsplit(".", 1)
    public = ".".join(module.split(".")[:2] + [name])

    def decorate(method: F) -> F:
        try:
            source = function_docstring(module, name)
        except FileNotFoundError:  # no source installed: the method's own text, and a pointer
            source = ""
        method.__doc__ = method_docstring(method.__doc__ or "", source, public)
        return method

    return decorate


@cache
def _source(module: str) -> str:
    """The source text of ``module``, a module of micropop."""
    parts = module.split(".")
    if parts[0] != _PACKAGE.name:
        raise LookupError(f"{module} is not a module of {_PACKAGE.name}")
    return _PACKAGE.joinpath(*parts[1:]).with_suffix(".py").read_text(encoding="utf-8")


def _docstring(source: str, name: str) -> str | None:
    """The docstring of top-level function ``name`` in ``source``, or None.

    Read by the tokenizer from the ``def`` to the docstring, without the
    function's body: the first string after the colon that ends the
    signature (outside brackets), when nothing but a line break comes between.
    """
    found = re.search(rf"^def {re.escape(name)}\(", source, re.M)
    if not found:
        return None
    depth = 0
    tokens = tokenize.generate_tokens(io.StringIO(source[found.start():]).readline)
    for token in tokens:
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
        elif token.type == tokenize.OP and token.string == ":" and depth == 0:
            break
    for token in tokens:
        if token.type == tokenize.STRING:
            return inspect.cleandoc(ast.literal_eval(token.string))
        if token.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.INDENT,
                              tokenize.COMMENT):
            return None
    return None


def function_docstring(module: str, name: str) -> str:
    """The docstring of function ``name`` of ``module``, from the module's source.

    Parameters
    ----------
    module : str
        A module of micropop, ``"micropop.estimation.linear"``.
    name : str
        A function defined at its top level.

    Returns
    -------
    str
        The docstring, cleaned as :func:`inspect.cleandoc` does.

    Raises
    ------
    LookupError
        Not a module of the package, or no such function with a docstring.
    FileNotFoundError
        The module's source file is not installed.

    Examples
    --------
    >>> function_docstring("micropop.weighting.trim", "trim").splitlines()[0]
    "Trim weights to ``[lower, upper]``, sharing the excess out (R's ``trimWeights``)."
    """
    doc = _docstring(_source(module), name)
    if not doc:
        raise LookupError(f"no documented function {name!r} in {module}")
    return doc


def _split(doc: str) -> tuple[list[str], dict[str, list[str]]]:
    """A cleaned docstring's lines before the first section, and each section's body."""
    lines = inspect.cleandoc(doc).splitlines()
    head: list[str] = []
    sections: dict[str, list[str]] = {}
    body = head
    for i, line in enumerate(lines):
        if line.strip() in SECTIONS and i + 1 < len(lines) and _HEADER.match(lines[i + 1]):
            body = sections.setdefault(line.strip(), [])
        elif not (_HEADER.match(line) and i and lines[i - 1].strip() in SECTIONS):
            body.append(line)
    return head, {name: _trimmed(lines) for name, lines in sections.items()}


def _trimmed(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    while lines and not lines[0].strip():
        lines = lines[1:]
    return lines


def _without_first_parameter(lines: list[str]) -> list[str]:
    """A Parameters section without its first entry (the design) and its description."""
    starts = [i for i, line in enumerate(lines) if line and not line[0].isspace()]
    if not starts or lines[starts[0]].split(":")[0].strip() != "design":
        raise LookupError(f"the function's first parameter is not the design: {lines[:1]}")
    return lines[starts[1]:] if len(starts) > 1 else []


def method_docstring(method_doc: str, function_doc: str, public: str) -> str:
    """A method's docstring: its own summary and examples, its function's sections.

    Parameters
    ----------
    method_doc : str
        The method's own docstring: a summary line, perhaps paragraphs, and
        its Examples (any section it writes replaces the function's).
    function_doc : str
        The docstring of the function the method calls with the design first.
    public : str
        The function's public name, named first in See Also.

    Returns
    -------
    str
        The method's summary and paragraphs, then the function's extended
        summary, then the sections in numpydoc's order; a function named
        without its module (``:func:`survey_mean```) is named in ``public``'s
        package.

    Examples
    --------
    >>> method = '''Totals.
    ...
    ... Examples
    ... --------
    ... The method on the demo data.
    ... '''
    >>> function = '''Totals of columns.
    ...
    ... Summed by row.
    ...
    ... Parameters
    ... ----------
    ... design : SurveyDesign
    ... y : str
    ...     A column.
    ... '''
    >>> print(method_docstring(method, function, "micropop.estimation.total"))
    Totals.
    <BLANKLINE>
    Summed by row.
    <BLANKLINE>
    Parameters
    ----------
    y : str
        A column.
    <BLANKLINE>
    See Also
    --------
    micropop.estimation.total : The same, as a function of the design.
    <BLANKLINE>
    Examples
    --------
    The method on the demo data.
    """
    own_head, own = _split(method_doc)
    head, sections = _split(function_doc)
    paragraphs = "\n".join(head).split("\n\n", 1)
    parts = ["\n".join(_trimmed(own_head))]
    if len(paragraphs) > 1 and paragraphs[1].strip():
        parts.append(paragraphs[1].strip("\n"))
    sections = {name: body for name, body in sections.items() if name in SHARED}
    if "Parameters" in sections:
        sections["Parameters"] = _without_first_parameter(sections["Parameters"])
    sections["See Also"] = [f"{public} : The same, as a function of the design."]
    sections["See Also"] += own.pop("See Also", [])
    package = public.rsplit(".", 1)[0]
    return _SHORT_FUNCTION.sub(rf":func:`~{package}.\1`",
                               _joined(parts, {**sections, **own}))


def _joined(parts: list[str], sections: dict[str, list[str]]) -> str:
    """The paragraphs ``parts``, then the non-empty ``sections`` in numpydoc's order."""
    for name in SECTIONS:
        if sections.get(name):
            parts.append("\n".join([name, "-" * len(name), *sections[name]]))
    return "\n\n".join(parts)


def sections_from(declared: Callable[..., object], *names: str) -> Callable[[F], F]:
    """Give the decorated method the sections ``names`` of the method it implements.

    An internal method is declared once for every design (its parameters and
    what it returns) and implemented by each kind of design, whose own
    docstring says how and shows it.

    Parameters
    ----------
    declared : callable
        The declaration, e.g. ``VarianceAPI.unit_totals``.
    *names : str
        The sections taken from it ("Parameters", "Returns"), unless the
        decorated method writes its own.

    Returns
    -------
    callable
        A decorator that sets the method's ``__doc__`` and returns the method.

    Examples
    --------
    >>> from micropop.design import SurveyDesign
    >>> from micropop.design._variance import VarianceAPI
    >>> doc = SurveyDesign.unit_totals.__doc__
    >>> doc.splitlines()[0]
    'Sums of influence ``values`` (n, p) per sampled unit of each stage of the variance.'
    >>> part = "Number of domains K; statistic ``j * K + k`` is column j in domain k."
    >>> part in doc, part in VarianceAPI.unit_totals.__doc__, "TypeError" in doc
    (True, True, False)
    """
    def decorate(method: F) -> F:
        own_head, own = _split(method.__doc__ or "")
        shared = {name: body for name, body in _split(declared.__doc__ or "")[1].items()
                  if name in names}
        method.__doc__ = _joined(["\n".join(_trimmed(own_head))], {**shared, **own})
        return method

    return decorate
