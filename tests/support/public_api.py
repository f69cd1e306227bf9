"""The public API, as the docstring and API-reference tests see it.

The public API is what the package exports: ``micropop.__all__`` and the
``__all__`` of every public module and package under ``micropop`` (a module or
package whose name starts with ``_`` is private and skipped), keeping the
classes and functions defined in micropop (constants and type aliases have no
docstring of their own). An object is named by its shortest public path
(``micropop.SurveyDesign``, not ``micropop.design.SurveyDesign``); among paths
of equal length, the one in the object's own package.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from types import ModuleType

import micropop


def public_modules() -> Iterator[ModuleType]:
    """micropop and every module or package under it whose path has no ``_`` part."""
    yield micropop
    for info in pkgutil.walk_packages(micropop.__path__, "micropop."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            yield importlib.import_module(info.name)


def ours(obj: object) -> bool:
    """Whether ``obj`` is defined in micropop (not re-exported from another package)."""
    return str(getattr(obj, "__module__", "")).split(".")[0] == "micropop"


def _preference(obj: object) -> Callable[[str], tuple[int, bool, str]]:
    """Shortest path first; among equals, the one in the object's own package."""
    def key(path: str) -> tuple[int, bool, str]:
        module = path.rsplit(".", 1)[0]
        return path.count("."), not obj.__module__.startswith(module), path
    return key


def public_objects() -> dict[str, object]:
    """Classes and functions of every public ``__all__``, each under its best name."""
    paths: dict[int, list[str]] = {}
    found: dict[int, object] = {}
    for module in public_modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and ours(obj):
                paths.setdefault(id(obj), []).append(f"{module.__name__}.{name}")
                found[id(obj)] = obj
    return {min(paths[key], key=_preference(obj)): obj for key, obj in found.items()}
