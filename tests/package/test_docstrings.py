"""Every public object's docstring passes numpydoc's validation (numpydoc.validate).

The public API is what the package exports: ``micropop.__all__`` and the
``__all__`` of every public module and package under ``micropop`` (a module or
package whose name starts with ``_`` is private and skipped), keeping the
classes and functions defined in micropop (constants and type aliases have no
docstring of their own), and the public methods and properties of those
classes, inherited ones included: once, on the class that defines it, when
that class is public; else on each public class that inherits it (a private
base's methods are public under those names only). An object is named by its
shortest public path (``micropop.SurveyDesign``, not
``micropop.design.SurveyDesign``), which the refactorings keep working; a
member by its class's name.

The codes checked (``CHECKED``) are those that say a docstring is wrong,
incomplete or will not render, not those of typography:

- GL05-GL10: tabs, unknown or misordered sections, no docstring at all,
  deprecation notes and directives that do not render;
- SS01-SS04, SS06: a one-line summary that starts with a capital letter and
  ends with a period (it is what API tables and ``help()`` show first);
- PR01-PR04, PR10: every parameter documented, none unknown, in the
  signature's order, each with a type;
- RT01, RT02, YD01: a Returns section when something is returned (Yields for
  a generator), the type on its first line;
- EX01: an Examples section (they run as doctests: ``--doctest-modules``).

And why the others are not:

- GL01-GL03 (where the quotes and blank lines sit), PR05-PR09, RT03-RT05 and
  SA02-SA04 (capitals and periods in descriptions; a parameter or return whose
  name and type say it all, ``design : SurveyDesign``, needs no sentence):
  typography, not content;
- SS05 ("infinitive verb"): its heuristic flags any summary whose first word
  ends in "s". micropop's summaries name what a function gives ("Quantiles of
  hourly earnings...", "Chapman's estimate..."), so it flags plurals and
  possessives, not verbs;
- ES01 (extended summary) and SA01 (See Also): welcome, not required.

Three rules follow what the API is:

- A class's constructor parameters are checked on the class that defines the
  constructor (the error classes share ``MicropopError(message, hint=)``);
  for the immutable results, built by the package and read by users, the
  fields documented under Attributes count as documented.
- Properties are attributes: their class's example shows them, and they need
  no Examples section of their own. Neither do error and warning classes:
  the functions that raise them show them.
- A method documents itself (``test_method_documents_itself``): its
  Parameters list every parameter of its signature, none described by
  sending the reader elsewhere ("as in :func:`survey_total`", "see
  :meth:`...`"), no paragraph is only a pointer to the function that
  documents it ("See :func:`micropop.estimation.survey_mean`."), and it has
  Examples. The R-style methods of the designs (``des.mean``, ``des.rake``)
  carry their function's sections word for word and an example on the demo
  data (``test_r_style_methods``), as do ``subset``, ``assign`` and
  ``replicate`` (R's ``subset``, ``update``, ``as.svrepdesign``).
- ``PENDING`` lists, by name, objects whose docstrings still fail, in modules
  that the #12 restructuring is moving; each is a strict xfail, so it fails
  as soon as its docstring is fixed and must then leave the list. The list is
  written out, never computed, so that a new failure cannot hide in it.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable
from typing import Protocol

import pytest
from numpydoc.docscrape import NumpyDocString, get_doc_object
from numpydoc.validate import Validator, validate

from support.public_api import ours, public_objects

CHECKED = frozenset({
    "GL05", "GL06", "GL07", "GL08", "GL09", "GL10",
    "SS01", "SS02", "SS03", "SS04", "SS06",
    "PR01", "PR02", "PR03", "PR04", "PR10",
    "RT01", "RT02", "YD01",
    "EX01",
})

#: Objects whose docstrings fail, in modules being restructured under #12
#: (strict xfail: remove a name once its docstring passes).
PENDING: frozenset[str] = frozenset()


def _member(raw: object) -> object | None:
    """What to validate for a class attribute: the function or property, else None."""
    if isinstance(raw, (staticmethod, classmethod)):
        return raw.__func__
    if isinstance(raw, property) or inspect.isfunction(raw):
        return raw
    return None


def _members(classes: dict[str, type]) -> dict[str, object]:
    """Public methods and properties: once, on its class, if that class is public;
    else on every public class that inherits it (``SurveyDesign.mean`` and
    ``ReplicateDesign.mean`` from a private base)."""
    members: dict[str, object] = {}
    for name, cls in classes.items():
        for attr in dir(cls):
            owner = next((c for c in cls.__mro__ if attr in vars(c)), None)
            if attr.startswith("_") or owner is None or not ours(owner):
                continue
            if owner is cls or owner not in classes.values():
                member = _member(vars(owner)[attr])
                if member is not None:
                    members[f"{name}.{attr}"] = member
    return members


OBJECTS = public_objects()
OBJECTS.update(_members({name: obj for name, obj in OBJECTS.items() if inspect.isclass(obj)}))


def _names(doc: NumpyDocString, section: str) -> list[str]:
    return [name for names, _, _ in doc[section] for name in names.split(", ")]


def _constructor_errors(cls: type) -> list[tuple[str, str]]:
    """PR01-PR03 for a class, on the class that defines its constructor; the
    Attributes section counts as documentation of the fields."""
    if "__init__" not in vars(cls) and "__new__" not in vars(cls):
        return []
    if Protocol in cls.__bases__:  # typing gives a Protocol an __init__ that takes anything:
        return []  # it is never instantiated, so it has no parameters to document
    doc = NumpyDocString(inspect.getdoc(cls) or "")
    signature = Validator(get_doc_object(cls)).signature_parameters
    params = _names(doc, "Parameters") + _names(doc, "Other Parameters")
    documented = set(params) | set(_names(doc, "Attributes"))
    errors = []
    if missing := [p for p in signature if p not in documented]:
        errors.append(("PR01", f"Parameters {missing} not documented"))
    if unknown := [p for p in params if p not in signature]:
        errors.append(("PR02", f"Unknown parameters {unknown}"))
    elif params != [p for p in signature if p in params]:
        errors.append(("PR03", f"Wrong parameters order. Actual: {signature}. "
                               f"Documented: {params}"))
    return errors


def docstring_errors(obj: object) -> list[tuple[str, str]]:
    """The checked numpydoc errors of one object's docstring, as (code, message)."""
    errors = [(code, message) for code, message in validate(get_doc_object(obj))["errors"]
              if code in CHECKED]
    if inspect.isclass(obj):
        errors = [e for e in errors if e[0] not in ("PR01", "PR02", "PR03")]
        errors += _constructor_errors(obj)
        if issubclass(obj, (BaseException, Warning)):
            errors = [e for e in errors if e[0] != "EX01"]
    elif isinstance(obj, property):
        errors = [e for e in errors if e[0] != "EX01"]
    return errors


def _where(obj: object) -> str:
    target = inspect.unwrap(obj.fget if isinstance(obj, property) else obj)
    try:
        return f"{inspect.getsourcefile(target)}:{inspect.getsourcelines(target)[1]}"
    except (OSError, TypeError):
        return "?"


def test_the_public_api_is_found() -> None:
    assert {"micropop.SurveyDesign", "micropop.SurveyDesign.mean", "micropop.gini",
            "micropop.size.chapman", "micropop.result.Result.summary"} <= set(OBJECTS)
    assert len(OBJECTS) > 250


def test_pending_names_are_public_objects() -> None:
    assert not PENDING - set(OBJECTS), "names no longer collected: drop them from PENDING"


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(
        strict=True, reason="docstring fixed after the #12 restructuring"))
    if name in PENDING else name
    for name in sorted(OBJECTS)
])
def test_docstring(name: str) -> None:
    obj = OBJECTS[name]
    errors = docstring_errors(obj)
    assert not errors, f"{name} ({_where(obj)}):\n" + "\n".join(
        f"  {code}: {message}" for code, message in errors)


#: A description that sends the reader to another function instead of saying what it is.
TWO_HOP = re.compile(r"\b(see|as (in|for)|same as)\s+:(func|meth):`", re.IGNORECASE)
#: A sentence that sends the reader to another function for the documentation.
POINTER = re.compile(r"(?:^|(?<=[.;:]\s))see :(func|meth):`[^`]+`[^.]*\.", re.IGNORECASE)
#: A function named with its module (``:func:`~micropop.estimation.survey_mean```), as a
#: method's docstring names what its function's names without one.
QUALIFIED = re.compile(r":func:`~[\w.]+\.(\w+)`")

METHODS = {name: obj for name, obj in OBJECTS.items()
           if inspect.isfunction(obj) and inspect.isclass(OBJECTS.get(name.rsplit(".", 1)[0]))}


def method_doc_errors(method: Callable[..., object]) -> list[str]:
    """What keeps a method's docstring from documenting the method by itself."""
    doc = NumpyDocString(inspect.getdoc(method) or "")
    signature = Validator(get_doc_object(method)).signature_parameters
    entries = list(doc["Parameters"]) + list(doc["Other Parameters"])
    documented = {name for names, _, _ in entries for name in names.split(", ")}
    errors = [f"parameter {name!r} is not in its Parameters"
              for name in signature if name not in documented]
    errors += [f"parameter {names!r} is documented elsewhere: {' '.join(desc)!r}"
               for names, _, desc in entries if TWO_HOP.search(" ".join(desc))]
    text = " ".join(doc["Summary"] + doc["Extended Summary"])
    errors += [f"it sends the reader elsewhere: {m.group(0)!r}"
               for m in POINTER.finditer(text)]
    if not "".join(doc["Examples"]).strip():
        errors.append("no Examples")
    return errors


def test_the_methods_are_found() -> None:
    assert {"micropop.SurveyDesign.mean", "micropop.ReplicateDesign.rake",
            "micropop.Estimate.ci"} <= set(METHODS)
    assert "micropop.SurveyDesign" not in METHODS and "micropop.gini" not in METHODS


def test_two_hop_docstrings_are_caught() -> None:
    def mean(self: object, variables: str, na_rm: bool = False) -> None:
        """Estimated means.

        See :func:`micropop.estimation.survey_mean`.

        Parameters
        ----------
        variables : str
            As in :func:`micropop.estimation.survey_mean`.

        Examples
        --------
        >>> 1
        1
        """
    assert method_doc_errors(mean) == [
        "parameter 'na_rm' is not in its Parameters",
        "parameter 'variables' is documented elsewhere: "
        "'As in :func:`micropop.estimation.survey_mean`.'",
        "it sends the reader elsewhere: 'See :func:`micropop.estimation.survey_mean`.'",
    ]


@pytest.mark.parametrize("name", sorted(METHODS))
def test_method_documents_itself(name: str) -> None:
    errors = method_doc_errors(METHODS[name])
    assert not errors, f"{name} ({_where(METHODS[name])}):\n  " + "\n  ".join(errors)


#: The R-style methods of the designs (des.mean, des.rake...), each calling a function.
R_STYLE = sorted(name for name, obj in METHODS.items()
                 if name.startswith("micropop.SurveyDesign.")
                 and obj.__module__ == "micropop.design._facade")
#: The design's own R-style methods (R's subset, update, as.svrepdesign).
DESIGN_METHODS = ["micropop.SurveyDesign.assign", "micropop.SurveyDesign.replicate",
                  "micropop.SurveyDesign.subset"]


def test_the_r_style_methods_are_found() -> None:
    assert {"micropop.SurveyDesign.total", "micropop.SurveyDesign.quantile",
            "micropop.SurveyDesign.calibrate", "micropop.SurveyDesign.weight_summary"
            } <= set(R_STYLE)


@pytest.mark.parametrize("name", R_STYLE)
def test_r_style_methods(name: str) -> None:
    """Its function's parameters, word for word, and an example on the demo data."""
    method = NumpyDocString(inspect.getdoc(METHODS[name]) or "")
    target = method["See Also"][0][0][0][0]  # the function, named first
    module, function = target.rsplit(".", 1)
    source = NumpyDocString(inspect.getdoc(getattr(importlib.import_module(module), function))
                            or "")

    def words(entries: list[tuple[str, str, list[str]]]) -> list[tuple[str, str, str]]:
        return [(names, kind, QUALIFIED.sub(r":func:`\1`", "\n".join(desc)))
                for names, kind, desc in entries]
    assert words(method["Parameters"]) == words(source["Parameters"][1:]), (
        f"{name}: not the Parameters of {target}")
    assert source["Parameters"][0].name == "design"
    assert method["Returns"] == source["Returns"] and method["Raises"] == source["Raises"]
    assert "datasets.load_" in "\n".join(method["Examples"]), f"{name}: no demo data"


@pytest.mark.parametrize("name", DESIGN_METHODS)
def test_design_methods_show_the_demo_data(name: str) -> None:
    examples = NumpyDocString(inspect.getdoc(METHODS[name]) or "")["Examples"]
    assert "datasets.load_" in "\n".join(examples), f"{name}: no example on the demo data"
