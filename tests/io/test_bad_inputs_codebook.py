"""Hostile codebooks: every entry a codebook cannot mean one way is a CodebookError
naming the entry (and the file and line, for a file); a codebook that loads applies
exactly what it says."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import micropop as mp
from micropop.codebook import Variable
from micropop.codebook._cells import code_key
from micropop.errors import (
    CodebookError,
    MicropopError,
    NonIntegerError,
    NonNumericError,
    OutOfRangeError,
)


def _file(tmp_path, text: str | bytes, name: str = "codebook.yaml"):
    """A codebook file holding ``text`` (UTF-8) or these bytes."""
    (tmp_path / name).write_bytes(text if isinstance(text, bytes) else text.encode())
    return tmp_path / name


def _refused(source, *fragments):
    with pytest.raises(CodebookError) as info:
        if isinstance(source, dict):
            mp.Codebook.from_dict(source)
        else:
            mp.Codebook.from_file(source)
    for fragment in fragments:
        assert fragment in str(info.value), f"{fragment!r} not in {str(info.value)!r}"
    assert info.value.hint
    return info.value


# --- files --------------------------------------------------------------------


def test_yaml_key_declared_twice_names_the_key_and_lines(tmp_path):
    path = _file(tmp_path, "variables:\n  age: {type: integer}\n  sex: {type: string}\n"
                           "  age: {type: numeric}\n")
    _refused(path, "codebook.yaml", "key 'age' twice", "lines 2 and 4")


def test_yaml_option_declared_twice_in_a_variable(tmp_path):
    path = _file(tmp_path, "variables:\n  age:\n    type: integer\n    range: [0, 9]\n"
                           "    type: numeric\n")
    _refused(path, "key 'type' twice", "lines 3 and 5")


def test_yaml_merge_keys_may_be_overridden(tmp_path):
    path = _file(tmp_path, "variables:\n  a: &base {type: integer, range: [0, 9]}\n"
                           "  b:\n    <<: *base\n    type: numeric\n")
    cb = mp.Codebook.from_file(path)
    assert cb.variables["b"].type == "numeric" and cb.variables["b"].range == (0, 9)


@pytest.mark.parametrize("text, lines", [
    ('{"variables": {"age": {"type": "integer"},\n  "age": {"type": "numeric"}}}', "1 and 2"),
    ('{"variables": {\n "age": {"type": "integer",\n\n  "type": "numeric"}}}', "2 and 4"),
    ('{"variables": {"a": {"type": "string"}}, "variables": {"b": {"type": "string"}}}',
     "1 and 1"),
])
def test_json_key_declared_twice_names_the_key_and_lines(tmp_path, text, lines):
    _refused(_file(tmp_path, text, "codebook.json"), "codebook.json", "twice", f"lines {lines}")


def test_json_nested_same_keys_are_not_repeats(tmp_path):
    text = json.dumps({"variables": {"a": {"type": "integer"}, "b": {"type": "integer"}}},
                      indent=1)
    assert list(mp.Codebook.from_file(_file(tmp_path, text, "cb.json")).variables) == ["a", "b"]


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16", "cp1252"])
def test_codebook_not_in_utf8_is_refused_by_position(tmp_path, encoding):
    path = _file(tmp_path, "variables:\n  région: {type: string}\n".encode(encoding))
    err = _refused(path, "codebook.yaml", "not valid UTF-8", "at line")
    assert "UTF-8" in err.hint


def test_codebook_with_utf8_bom_is_read(tmp_path):
    path = _file(tmp_path, "\ufeffvariables:\n  région: {type: string}\n")
    assert list(mp.Codebook.from_file(path).variables) == ["région"]


# --- entries ------------------------------------------------------------------

ENTRIES = [
    ({2019: {"type": "numeric"}}, "variable name 2019 is not a text"),
    ({True: {"type": "numeric"}}, "variable name True is not a text"),
    ({None: {"type": "numeric"}}, "variable name None is not a text"),
    ({"x": {"type": ["numeric"]}}, "unknown type ['numeric']"),
    ({"x": {"type": "numeric", "description": 12}}, "`description` 12 is not a text"),
    ({"x": {"type": "date", "format": 2019}}, "`format` 2019 is not a text"),
    ({"x": {"type": "numeric", "range": [0, float("inf")]}}, "inf is not a finite number"),
    ({"x": {"type": "numeric", "range": [float("nan"), 1]}}, "nan is not a finite number"),
    ({"x": {"type": "numeric", "range": [True, 5]}}, "True is not a finite number"),
    ({"x": {"type": "numeric", "range": ["18", 99]}}, "'18' is not a finite number"),
    ({"x": {"type": "numeric", "range": [0, 10 ** 400]}}, "is not a finite number"),
    ({"x": {"type": "date", "range": [5, "2019-01-01"]}}, "5 is not a date"),
    ({"x": {"type": "date", "range": ["2019-13-45", None]}}, "'2019-13-45' is not a date"),
    ({"x": {"type": "numeric", "missing": [float("nan")]}}, "missing code nan is not a finite"),
    ({"x": {"type": "numeric", "missing": [-np.inf]}}, "missing code -inf is not a finite"),
    ({"x": {"type": "numeric", "missing": [None]}}, "missing code None is not a text"),
    ({"x": {"type": "numeric", "missing": [" "]}}, "missing code ' ' is blank"),
    ({"x": {"type": "numeric", "missing": [[1, 2]]}}, "missing code [1, 2] is a list"),
    ({"x": {"type": "categorical", "levels": [["a"], "b"]}}, "label ['a'] is a list"),
    ({"x": {"type": "categorical", "levels": {1: {"a": 1}}}}, "label {'a': 1} is a dict"),
    ({"x": {"type": "categorical", "levels": ["a", ""]}}, "label '' is blank"),
    ({"x": {"type": "categorical", "levels": {float("nan"): "a"}}}, "code nan is not a finite"),
    ({"x": {"type": "categorical", "levels": {1: "a", 2: "1"}}}, "'1' names two levels"),
    ({"x": {"type": "categorical", "levels": {"a": "b", "b": "c"}}}, "'b' names two levels"),
    ({"x": {"type": "categorical", "levels": ["a", "b"], "missing": ["a", "b"]}},
     "every level is declared missing"),
    ({"x": {"type": "categorical", "levels": {1: "a", 2: "b", 3: "2"}, "missing": [2]}},
     "'2' names two levels"),
]


@pytest.mark.parametrize(("variables", "message"), ENTRIES, ids=[m for _, m in ENTRIES])
def test_hostile_entries_are_refused_by_name(variables, message):
    _refused({"variables": variables}, message)


@pytest.mark.parametrize("key", ["levels", "missing"])
def test_repeated_blank_and_text_codes_are_refused_together(key):
    # None and nan are both blank codes, 1 and "1" one text: listing the two
    # repeats once sorted them as None < "1", a bare TypeError.
    codes = {None: "a", float("nan"): "b", 1: "c", "1": "d"}
    _refused({"variables": {"x": {"type": "categorical", key: codes}}},
             f"codes repeated in {key}: None, '1'")


@pytest.mark.parametrize(("key", "value"), [("id", 3), ("dataset", ["a"]), ("description", True)])
def test_top_level_texts_must_be_texts(key, value):
    _refused({key: value, "variables": {"x": {"type": "string"}}}, f"`{key}`")


def test_yaml_spellings_that_are_not_text(tmp_path):
    for text, fragment in [("  yes: {type: numeric}\n", "True"),
                           ("  2019: {type: numeric}\n", "2019"),
                           ("  x: {type: numeric, range: [0, .inf]}\n", "inf"),
                           ("  x: {type: numeric, missing: [.nan]}\n", "nan"),
                           ("  x: {type: categorical, levels: [yes, no]}\n", "True")]:
        err = _refused(_file(tmp_path, "variables:\n" + text), fragment)
        assert "quote" in err.hint.lower() or "null" in err.hint


def test_missing_label_also_makes_its_code_missing():
    var = Variable("q", "categorical", levels={1: "oui", 2: "non", 9: "NSP"}, missing=("NSP",))
    out = var.convert(pd.Series([1, 9, 2, "NSP"]))
    assert out.isna().tolist() == [False, True, False, True]
    assert list(out.cat.categories) == ["oui", "non"]


# --- numbers under a codebook ---------------------------------------------------


def test_whole_numbers_stay_exact_beyond_two_to_the_53():
    var = Variable("id", "integer")
    out = var.convert(pd.Series(["9007199254740993", None, "-9007199254740995"]))
    assert out.tolist() == [9007199254740993, pd.NA, -9007199254740995]


@pytest.mark.parametrize(("cell", "error"), [("1e400", OutOfRangeError),
                                             ("1e-400", OutOfRangeError),
                                             ("-inf", OutOfRangeError),
                                             ("99999999999999999999", OutOfRangeError),
                                             ("1_000", NonNumericError),
                                             ("0x10", NonNumericError),
                                             ("2.5", NonIntegerError)])
def test_integer_cells_that_are_not_whole_numbers(cell, error):
    with pytest.raises(error, match="data row 2"):
        Variable("n", "integer").convert(pd.Series(["1", cell]), source="s.csv")


def test_numeric_column_with_infinity_in_memory_is_refused():
    with pytest.raises(OutOfRangeError, match="data row 2"):
        Variable("w", "numeric").convert(pd.Series([1.0, np.inf]))


def test_decimal_comma_does_not_read_a_point():
    with pytest.raises(NonNumericError, match="'1.5'") as info:
        Variable("x", "numeric").convert(pd.Series(["12,5", "1.5"]), decimal=",")
    assert "decimal='.'" in info.value.hint


# --- generated codebooks ----------------------------------------------------------

_hostile = st.one_of(
    st.none(), st.booleans(), st.integers(-10 ** 20, 10 ** 20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=4),
    st.lists(st.integers(0, 3), max_size=2), st.dates())
_good = st.integers(-5, 99) | st.text("abc1", min_size=1, max_size=3)
_values = st.one_of(_good, _good, _good, _hostile)
_specs = st.fixed_dictionaries(
    {"type": st.sampled_from([*mp.codebook.TYPES, "categorical", "numeric", "intger", 3])},
    optional={"levels": st.lists(_values, max_size=4) | st.dictionaries(_values.filter(
                  lambda v: not isinstance(v, list)), _values, max_size=4),
              "missing": st.lists(_values, max_size=3) | st.dictionaries(_values.filter(
                  lambda v: not isinstance(v, list)), _values, max_size=2),
              "range": st.lists(st.one_of(st.none(), _values), min_size=0, max_size=3),
              "description": st.one_of(st.text(max_size=5), _hostile),
              "format": st.one_of(st.just("%Y"), _hostile)})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(variables=st.dictionaries(st.text(min_size=1, max_size=3) | st.integers(0, 3), _specs,
                                 min_size=1, max_size=2))
def test_generated_codebooks_load_consistently_or_are_refused(variables):
    """Any codebook either raises CodebookError, or loads into declarations whose
    codes and labels are finite numbers or non-blank texts, each naming one level,
    and whose range ends are finite numbers (dates) in order."""
    try:
        cb = mp.Codebook.from_dict({"variables": variables})
    except CodebookError as err:
        assert err.hint
        event("refused")
        return
    event("loaded")
    for name, var in cb.variables.items():
        assert isinstance(name, str)
        texts = {}
        for i, (code, label) in enumerate(var._pairs() if var.levels is not None else []):
            for item in (code, label):
                assert isinstance(item, str) and item.strip() or (
                    isinstance(item, (int, float)) and not isinstance(item, bool)
                    and np.isfinite(item))
                assert texts.setdefault(code_key(item), i) == i
        if var.levels is not None:
            assert var.categories
            kept = var._kept_pairs()  # each code (and label) reads as its label
            for column in ([c for c, _ in kept], [lab for _, lab in kept]):
                out = var.convert(pd.Series(column, dtype=object))
                assert out.tolist() == [lab for _, lab in kept]
        for code in var.missing or ():
            assert not isinstance(code, (bool, list, dict)) and code is not None
        if var.range is not None:
            low, high = var._bounds()
            assert low is None or high is None or low <= high
        # a codebook that loads can be written and read back unchanged
        assert mp.Codebook.from_dict(cb.to_dict()) == cb


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(keys=st.lists(st.sampled_from(["age", "sex", "type", "levels", "x"]), min_size=2,
                     max_size=5))
def test_generated_yaml_with_repeated_keys(tmp_path_factory, keys):
    """A YAML mapping that repeats a key is refused naming it; without repeats, it loads
    (or is refused for its content, never silently losing an entry)."""
    lines = "".join(f"  {key}: {{type: string}}\n" for key in keys)
    path = tmp_path_factory.mktemp("cb") / "cb.yaml"
    path.write_text("variables:\n" + lines, encoding="utf-8")
    repeated = [k for i, k in enumerate(keys) if k in keys[:i]]
    if repeated:
        first = keys.index(repeated[0]) + 2
        second = keys.index(repeated[0], first - 1) + 2
        with pytest.raises(CodebookError, match=f"'{repeated[0]}' twice.*lines {first} and "
                                                f"{second}"):
            mp.Codebook.from_file(path)
    else:
        assert list(mp.Codebook.from_file(path).variables) == keys
    assert yaml.safe_load(path.read_text()) is not None


def test_errors_are_micropop_errors():
    assert issubclass(CodebookError, MicropopError)
