"""The test suite's own layout: test files by topic, shared code in ``tests/support``.

A test file that imports another test file runs that file's module-level
code and couples two topics' tests; what they share belongs in
``tests/support/`` (paths, R golden designs, hostile input strategies).
"""

from __future__ import annotations

import ast

import pytest

from support.paths import ROOT

TESTS = ROOT / "tests"
TEST_FILES = sorted(TESTS.rglob("test_*.py"))


def _imported_modules(path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_suite_is_found():
    assert len(TEST_FILES) > 50


@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: str(p.relative_to(TESTS)))
def test_no_test_file_imports_another(path):
    own = {p.stem for p in TEST_FILES}
    imported = {name.split(".")[-1] for name in _imported_modules(path)}
    assert not imported & own, f"{path.name} imports test files {sorted(imported & own)}"


@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: str(p.relative_to(TESTS)))
def test_test_files_live_in_a_topic_folder(path):
    folder = path.parent.relative_to(TESTS)
    assert len(folder.parts) == 1 and folder.parts[0] not in ("support", "reference"), (
        f"{path.relative_to(TESTS)}: put test files in a topic folder (tests/design/, "
        "tests/estimation/, tests/golden/, ...), shared code in tests/support/")


def test_test_file_names_are_unique():
    names = [p.name for p in TEST_FILES]
    assert len(names) == len(set(names)), "pytest imports test files by name: keep them unique"


@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: str(p.relative_to(TESTS)))
def test_test_files_find_the_repository_through_support_paths(path):
    """A path counted from the test file breaks when it moves folder; ``support.paths`` does not."""
    text = path.read_text(encoding="utf-8")
    dunder = "__" + "file__"
    assert f"({dunder}).parent" not in text and f"({dunder}).resolve().parent" not in text, (
        f"{path.name}: use support.paths.ROOT / REFERENCE instead of paths relative to the file")
