"""The shape of the package, checked from its source (no import of the package).

- (a) no import cycle among the modules of ``src/micropop``;
- (b) no module reads another object's private attribute, imports a private
  name of another module, or imports a private module of another package;
- (c) every module stays small (at most 600 lines).

Imports are read with :mod:`ast`. An import under ``if TYPE_CHECKING:`` is an
annotation and is not followed; an import inside a function is (it runs when
the function does, so a cycle through it is a cycle). ``from pkg import name``
leads to ``pkg.name`` when that is a module, else to ``pkg`` (its
``__init__``). Importing ``a.b.c`` also runs ``a/__init__`` and ``a/b/__init__``,
but that edge is not drawn: a package ``__init__`` re-exporting its submodules
would otherwise make a cycle of every submodule that imports a sibling.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from support.paths import ROOT

SRC = ROOT / "src"
PACKAGE = "micropop"

#: Every module stays small (lines).
MAX_LINES = 600

#: Private modules other packages may import, with the reason.
SHARED_PRIVATE_MODULES = {
    # the design core is the seam every layer reads a design through (see its docstring):
    # internal to the package (so not re-exported by micropop), stable for its layers
    "micropop.design._core": "the design core's internal API",
    # estimators outside estimation/ (inequality) share its machinery: domains, influence
    # values to variance (Analysis), and the one sorted-segments kernel (issue #12, item 2)
    "micropop.estimation._analysis": "the estimators' shared analysis steps",
    "micropop.estimation._sorted": "the sorted-segments kernel of quantiles and inequality",
    # the reader (io) parses cells and variables as the codebook declares them
    "micropop.codebook._cells": "the codebook's cell parsing, shared with the reader (io)",
    "micropop.codebook._variable": "the codebook's variables, shared with the reader (io)",
    # the one lazy import of dask (the optional extra), for every layer that reads or
    # computes with it (io reads files lazily): imported by path, so that no cycle runs
    # through the partitioned package
    "micropop.partitioned._dask": "the lazy import guard of the optional dask extra",
    # the Dask design offers the in-memory design's methods: their docstrings are assembled
    # from the same functions' (parameters, returns, errors)
    "micropop.design._method_docs": "the design methods' docstrings, shared by the Dask design",
    # the Dask engine's inequality measures use the same formulas, parameter checks and
    # result checks as the in-memory ones (issue #16)
    "micropop.inequality._influence": "the inequality formulas, shared by both engines",
    "micropop.inequality._inputs": "the inequality parameter checks, shared by both engines",
    "micropop.inequality._results": "the inequality results and covariances, both engines",
}

#: Private names read from outside their module on purpose: (module, what) -> reason.
ALLOWED_PRIVATE_READS = {
    ("micropop.cli", "argparse._SubParsersAction"):
        "an annotation: argparse has no public name for what add_subparsers() returns",
}

#: Private attribute names that are public protocols, not private state.
PROTOCOL_NAMES = {"_repr_html_", "_repr_latex_", "_repr_png_", "_repr_svg_",
                  "_ipython_display_", "_repr_mimebundle_"}

#: Known offenders in modules another helper of issue #12 is rewriting (not edited here):
#: (module, what) -> reason. The tests marked xfail(strict=True) list them.
KNOWN_PRIVATE_READS: dict[tuple[str, str], str] = {}
KNOWN_CYCLES: dict[frozenset[str], str] = {}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes under ``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``), and in a
    module-level ``__getattr__`` (PEP 562: it runs once the module has been imported, so a
    submodule it loads on first use may import the package back)."""
    skipped: set[int] = set()
    for node in getattr(tree, "body", []):
        if isinstance(node, ast.FunctionDef) and node.name == "__getattr__":
            skipped.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = (test.id if isinstance(test, ast.Name) else
                    test.attr if isinstance(test, ast.Attribute) else None)
            if name == "TYPE_CHECKING":
                for child in node.body:
                    skipped.update(id(n) for n in ast.walk(child))
    return skipped


def _absolute(module: str, node: ast.ImportFrom) -> str:
    """The module an ``ImportFrom`` reads from, relative imports resolved."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not _is_package(module):
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str) -> Iterator[tuple[str, ast.stmt, list[str]]]:
    """(imported module, node, names imported from it) of ``module``, annotations left out."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node, []
        elif isinstance(node, ast.ImportFrom):
            yield _absolute(module, node), node, [alias.name for alias in node.names]


def _edges(module: str) -> set[str]:
    """The package's modules ``module`` imports (see the module docstring)."""
    targets = set()
    for source, _, names in _imports(module):
        if source != PACKAGE and not source.startswith(PACKAGE + "."):
            continue
        plain = [n for n in names if f"{source}.{n}" not in MODULES]
        targets.update(f"{source}.{n}" for n in names if f"{source}.{n}" in MODULES)
        if plain or not names:
            targets.add(source)
    targets.discard(module)
    return {t for t in targets if t in MODULES}


def _cycles() -> list[list[str]]:
    """One cycle through each strongly connected component of the import graph (Tarjan)."""
    graph = {m: sorted(_edges(m)) for m in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in graph:
        if node not in index:
            visit(node)
    return [_one_cycle(graph, set(component)) for component in components]


def _one_cycle(graph: dict[str, list[str]], component: set[str]) -> list[str]:
    """A shortest cycle through the first module of ``component`` (breadth first)."""
    start = min(component)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in graph[node]:
                if nxt == start:
                    return paths[node] + [start]
                if nxt in component and nxt not in paths:
                    paths[nxt] = paths[node] + [nxt]
                    following.append(nxt)
        frontier = following
    return sorted(component)


def test_the_import_walk_sees_the_package() -> None:
    assert "micropop.design._core" in MODULES and "micropop.design" in MODULES
    assert "micropop.design._core" in _edges("micropop.estimation.linear")
    # a package re-exporting its submodules is an edge from the package to them only
    assert "micropop.design.survey" in _edges("micropop.design")


def test_no_import_cycle() -> None:
    cycles = [c for c in _cycles() if frozenset(c) not in KNOWN_CYCLES]
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


#: What each computing layer may import of the design package: the core and its checks,
#: never the design classes or their facade (which import the layers, lazily, to offer
#: ``des.mean`` and ``des.rake``); the variance engines import no layer above them.
LAYER_RULES = {
    "micropop.estimation": {"micropop.design._core", "micropop.design.encode"},
    "micropop.weighting": {"micropop.design._core", "micropop.design.encode"},
    "micropop.variance": set(),
}
#: Modules kept only so that an old import path still works, re-exporting from a new home.
OLD_PATHS = {"micropop.variance.replication": "micropop.design.factors"}


@pytest.mark.parametrize("layer", sorted(LAYER_RULES))
def test_layers_read_the_design_through_its_core(layer: str) -> None:
    allowed = LAYER_RULES[layer]
    above = ("micropop.design", "micropop.estimation", "micropop.weighting")
    wrong = []
    for module in MODULES:
        if (module != layer and not module.startswith(layer + ".")) or module in OLD_PATHS:
            continue
        for target in _edges(module):
            if target.startswith(layer + ".") or target == layer:
                continue
            if any(target == a or target.startswith(a + ".") for a in above) and (
                    target not in allowed):
                wrong.append(f"{module} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_old_paths_only_re_export() -> None:
    for old, new in OLD_PATHS.items():
        assert _edges(old) == {new}


# --- (b) private attributes --------------------------------------------------------------


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.endswith("__") and name not in PROTOCOL_NAMES


def _defined_names(tree: ast.AST) -> set[str]:
    """Private names a module defines: functions, classes, assigned names and attributes,
    slots, and keyword arguments that fill slots (``self._set(_data=...)``)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.keyword) and node.arg:
            names.add(node.arg)
        elif (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and
                                                   t.id == "__slots__" for t in node.targets)):
            names.update(c.value for c in ast.walk(node.value)
                         if isinstance(c, ast.Constant) and isinstance(c.value, str))
    return {n for n in names if _is_private(n)}


@cache
def _private_reads(module: str) -> list[tuple[str, str]]:
    """(what, where) of each private attribute or name ``module`` reads from elsewhere."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    own = _defined_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_private(node.attr):
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                continue
            if node.attr in own:
                continue
            found.append((f"{ast.unparse(owner)}.{node.attr}", f"line {node.lineno}"))
    package = module if _is_package(module) else module.rpartition(".")[0]
    for source, node, names in _imports(module):
        if not source.startswith(PACKAGE):
            continue
        for name in names:
            full = f"{source}.{name}"
            if full in MODULES:
                source_of_name = full
            elif _is_private(name):
                found.append((f"from {source} import {name}", f"line {node.lineno}"))
                continue
            else:
                source_of_name = source
            private = [i for i, part in enumerate(source_of_name.split(".")) if _is_private(part)]
            if private and source_of_name not in SHARED_PRIVATE_MODULES:
                home = ".".join(source_of_name.split(".")[:private[0]])
                if not (package == home or package.startswith(home + ".")):
                    found.append((f"import of private module {source_of_name}",
                                  f"line {node.lineno}"))
    return found


@cache
def _all_private_reads() -> dict[tuple[str, str], list[str]]:
    reads: dict[tuple[str, str], list[str]] = {}
    for module in MODULES:
        for what, where in _private_reads(module):
            reads.setdefault((module, what), []).append(where)
    return reads


def test_private_read_finder_sees_reads() -> None:
    source = "class A:\n    _x = 1\n    def f(self, other):\n        return other._y + self._z\n"
    tree = ast.parse(source)
    assert _defined_names(tree) == {"_x"}
    assert _is_private("_y") and not _is_private("__init__") and not _is_private("_repr_html_")


def test_no_private_reads() -> None:
    reads = {key: where for key, where in _all_private_reads().items()
             if key not in KNOWN_PRIVATE_READS and key not in ALLOWED_PRIVATE_READS}
    listed = [f"{module}: {what} ({', '.join(where)})"
              for (module, what), where in sorted(reads.items())]
    assert not reads, "private reads:\n" + "\n".join(listed)


@pytest.mark.parametrize("key", [pytest.param(key, marks=pytest.mark.xfail(
    strict=True, reason=reason)) for key, reason in sorted(KNOWN_PRIVATE_READS.items())],
    ids=lambda key: f"{key[0]}:{key[1]}")
def test_known_private_reads_are_gone(key: tuple[str, str]) -> None:
    assert key not in _all_private_reads()


# --- (c) small modules ---------------------------------------------------------------------


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_are_small(module: str) -> None:
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines (at most {MAX_LINES})"
