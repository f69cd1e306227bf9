"""Hostile formulas and data: never evaluated, always right or refused by name."""

from __future__ import annotations

import builtins
import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from micropop.errors import FormulaError, MicropopError, MissingValuesError
from micropop.models.formula import ModelFrame, model_frame

TOKENS = ["y", "x", "g", "~", "+", "-", "*", ":", "^", "**", "/", "(", ")", "1", "0", "2",
          "log(", "np.log(", "np.", "I(", "C(", "Q('x')", "`x`", "`", ",", "'", '"', ".",
          "__class__", "__import__('os')", "sentinel()", "lambda:", "[0]", "@", "%in%",
          "os.system('x')", "ref='a'", " ", "\n", "#", "\\", "é", "\x00", "{", "}", "=", ";",
          "if", "else", "exec", "eval(", "x.__dict__", "getattr", "()", "Treatment(", "...",
          "relevel(", "sentinel"]
CALLS: list[tuple] = []


def _sentinel(*args: object) -> None:
    CALLS.append(args)


@pytest.fixture(autouse=True)
def _traps(monkeypatch: pytest.MonkeyPatch):
    CALLS.clear()
    monkeypatch.setattr(builtins, "sentinel", _sentinel, raising=False)
    monkeypatch.setattr(os, "system", _sentinel)
    yield
    assert not CALLS, f"something was evaluated: {CALLS}"


DATA = pd.DataFrame({"y": [1.0, 2, 4, 3, 5, 7], "x": [1.0, 2, 3, 5, 4, 6],
                     "g": ["a", "b", "a", "b", "a", "b"]})


SLOW = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
TEXTS = st.one_of(st.lists(st.sampled_from(TOKENS), max_size=25).map("".join),
                  st.text(max_size=60),
                  st.lists(st.sampled_from(TOKENS), max_size=12).map(" ".join).map("y ~ ".__add__))


@settings(max_examples=400, deadline=None, suppress_health_check=SLOW)
@given(TEXTS)
def test_any_text_is_right_or_refused(text: str) -> None:
    try:
        result = model_frame(DATA, text)
    except MicropopError:
        return
    assert isinstance(result, ModelFrame)
    assert result.X.shape[0] == result.y.shape[0] == int(result.rows.sum())
    assert np.isfinite(result.X.to_numpy()).all()


@pytest.mark.parametrize("text", [
    "y ~ " + " * ".join(f"x{i}" for i in range(40)),
    "y ~ (" + " + ".join(f"x{i}" for i in range(30)) + ")^10",
    "y ~ " + ":".join(["x"] * 3000),
    "y ~ " + "-" * 5000 + "x",
    "y ~ " + "+".join(["x"] * 4000),
])
def test_explosive_formulas_refused_quickly(text: str) -> None:
    data = DATA.assign(**{f"x{i}": DATA["x"] for i in range(40)})
    try:
        model_frame(data, text)
    except FormulaError:
        pass


def test_too_many_columns() -> None:
    data = pd.DataFrame({"y": np.arange(200.0), "a": [f"a{i}" for i in range(200)],
                         "b": [f"b{i % 100}" for i in range(200)]})
    with pytest.raises(FormulaError, match="wider than"):
        model_frame(data, "y ~ a:b")


NAMES = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"],
                              exclude_characters="`"), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(NAMES, st.lists(st.floats(-1e6, 1e6), min_size=3, max_size=12))
def test_any_column_name_in_backticks(name: str, values: list[float]) -> None:
    if name == "y":
        return
    data = pd.DataFrame({"y": np.arange(len(values), dtype=float), name: values})
    try:
        mf = model_frame(data, f"y ~ `{name}` - 1")
    except FormulaError as err:
        assert "aliased" in str(err)  # a column of zeros
        return
    assert list(mf.X.columns) in ([name], [f"`{name}`"])
    np.testing.assert_array_equal(mf.X.iloc[:, 0], values)
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    try:
        again = model_frame(data, f'y ~ Q("{quoted}") - 1')
    except FormulaError:
        return
    assert list(again.X.columns) == list(mf.X.columns)


@settings(max_examples=100, deadline=None)
@given(NAMES, st.lists(st.sampled_from(["é", "a b", "1", "Ž", "x:y", "`"]), min_size=4,
                       max_size=12))
def test_any_level_names(name: str, levels: list[str]) -> None:
    if name == "y" or len(set(levels)) < 2:
        return
    data = pd.DataFrame({"y": np.arange(len(levels), dtype=float), name: levels})
    mf = model_frame(data, f"y ~ `{name}` - 1")
    prefix = mf.X.columns[0][: -len(sorted(set(levels))[0])]
    assert list(mf.X.columns) == [prefix + level for level in sorted(set(levels))]
    np.testing.assert_array_equal(mf.X.sum(axis=1), 1.0)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.booleans(), min_size=3, max_size=30))
def test_missing_values_name_exactly_their_rows(holes: list[bool]) -> None:
    n = len(holes)
    data = pd.DataFrame({"y": np.arange(n, dtype=float) % 3, "x": np.arange(n, dtype=float) + 1})
    data.loc[np.array(holes), "x"] = np.nan
    rows = [i + 1 for i, h in enumerate(holes) if h]
    if not rows:
        assert model_frame(data, "y ~ x - 1").rows.all()
        return
    with pytest.raises(MissingValuesError) as err:
        model_frame(data, "y ~ x - 1")
    shown = ", ".join(map(str, rows[:5]))
    word = "data row " if len(rows) == 1 else "data rows "
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    assert f"column 'x' at {word}{shown}{more}" in str(err.value)
    if len(rows) < n:
        mf = model_frame(data, "y ~ x - 1", na_rm=True)
        assert mf.rows.tolist() == [not h for h in holes]
