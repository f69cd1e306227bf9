"""Every public class and function is in the documentation's API reference.

The API reference (``docs/api/*.rst``) lists objects in ``autosummary``
directives under a ``currentmodule``; Sphinx writes one page per entry. This
test reads those sources (it does not build Sphinx) and compares the names
listed with the public API (``support.public_api``: every public ``__all__``,
each object under its shortest public path), so that a new public function
without a page fails here, and a listed name that no longer exists fails too.
numpydoc's validation of the same objects' docstrings is in test_docstrings.py.
"""

from __future__ import annotations

import re

from support.paths import ROOT
from support.public_api import public_objects

API = ROOT / "docs" / "api"

_CURRENT = re.compile(r"^\.\. currentmodule:: (\S+)\s*$")
_AUTOSUMMARY = re.compile(r"^\.\. autosummary::\s*$")
_ENTRY = re.compile(r"^ {3}~?([A-Za-z_][\w.]*)\s*$")


def listed_names(source: str) -> list[str]:
    """Fully qualified names of the ``autosummary`` entries of one reST source.

    Examples
    --------
    >>> listed_names(".. currentmodule:: micropop\\n\\n.. autosummary::\\n"
    ...              "   :toctree: generated\\n\\n   gini\\n   SurveyDesign\\n")
    ['micropop.gini', 'micropop.SurveyDesign']
    """
    names: list[str] = []
    module, inside = "", False
    for line in source.splitlines():
        if match := _CURRENT.match(line):
            module, inside = match.group(1), False
        elif _AUTOSUMMARY.match(line):
            inside = True
        elif inside and line.strip() and not line.startswith(" "):
            inside = False
        elif inside and (match := _ENTRY.match(line)):
            names.append(f"{module}.{match.group(1)}" if module else match.group(1))
    return names


def _documented() -> list[str]:
    return [name for page in sorted(API.glob("*.rst"))
            for name in listed_names(page.read_text(encoding="utf-8"))]


def test_the_api_reference_lists_entries() -> None:
    assert {"micropop.SurveyDesign", "micropop.gini", "micropop.size.chapman"} <= set(
        _documented())


def autosummary_blocks(names: list[str]) -> str:
    """reST to paste into a ``docs/api/*.rst`` page: one autosummary per module.

    Examples
    --------
    >>> print(autosummary_blocks(["micropop.size.fte"]))
    .. currentmodule:: micropop.size
    <BLANKLINE>
    .. autosummary::
       :toctree: generated
    <BLANKLINE>
       fte
    <BLANKLINE>
    """
    modules: dict[str, list[str]] = {}
    for name in sorted(names):
        module, short = name.rsplit(".", 1)
        modules.setdefault(module, []).append(short)
    return "\n".join(
        f".. currentmodule:: {module}\n\n.. autosummary::\n   :toctree: generated\n\n"
        + "".join(f"   {short}\n" for short in shorts)
        for module, shorts in modules.items())


def test_every_public_object_is_in_the_api_reference() -> None:
    missing = sorted(set(public_objects()) - set(_documented()))
    assert not missing, (
        "public objects missing from the API reference: add them to the page of their topic "
        "in docs/api/*.rst (under a heading for a new module):\n\n"
        + autosummary_blocks(missing))


def test_every_listed_name_is_public() -> None:
    unknown = sorted(set(_documented()) - set(public_objects()))
    assert not unknown, (
        "docs/api/*.rst lists names that are not public objects under that path (renamed, "
        "removed, or listed under a longer path than their shortest public one):\n  "
        + "\n  ".join(unknown))


def test_no_object_is_listed_twice() -> None:
    names = _documented()
    twice = sorted({name for name in names if names.count(name) > 1})
    assert not twice, f"listed more than once in docs/api/*.rst: {twice}"


def test_every_api_page_is_in_the_api_toctree() -> None:
    index = (API / "index.rst").read_text(encoding="utf-8")
    pages = {page.stem for page in API.glob("*.rst")} - {"index"}
    absent = sorted(page for page in pages if not re.search(rf"^ {{3}}{page}$", index, re.M))
    assert not absent, f"docs/api/index.rst's toctree lacks {absent}"
