"""The formula grammar: what it reads (terms, intercept, functions, names) and what it refuses."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from micropop.errors import FormulaError, MissingColumnError
from micropop.models.formula import model_frame


@pytest.fixture
def df() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    n = 40
    return pd.DataFrame({
        "y": rng.normal(size=n) + 5,
        "a": pd.Categorical(rng.choice(["p", "q", "r"], n)),
        "b": rng.choice(["u", "v"], n),
        "x": rng.uniform(1, 9, n),
        "z": rng.uniform(1, 9, n),
        "sch.wide": rng.choice(["No", "Yes"], n),
        "my var": rng.uniform(1, 9, n),
        "âge": rng.uniform(18, 70, n),
    })


def _cols(df: pd.DataFrame, formula: str) -> list[str]:
    return list(model_frame(df, formula).X.columns)


@pytest.mark.parametrize(("formula", "expected"), [
    ("y ~ x", ["(Intercept)", "x"]),
    ("y ~ x - 1", ["x"]),
    ("y ~ 0 + x", ["x"]),
    ("y ~ -1 + x", ["x"]),
    ("y ~ x + 0", ["x"]),
    ("y ~ 1", ["(Intercept)"]),
    ("y ~ x - 1 + 1", ["(Intercept)", "x"]),
    ("y ~ a", ["(Intercept)", "aq", "ar"]),
    ("y ~ a - 1", ["ap", "aq", "ar"]),
    ("y ~ x + a - 1", ["x", "ap", "aq", "ar"]),
    ("y ~ a * x", ["(Intercept)", "aq", "ar", "x", "aq:x", "ar:x"]),
    ("y ~ x:a", ["(Intercept)", "x:ap", "x:aq", "x:ar"]),
    ("y ~ a:x", ["(Intercept)", "ap:x", "aq:x", "ar:x"]),
    ("y ~ b:a + a", ["(Intercept)", "aq", "ar", "bv:ap", "bv:aq", "bv:ar"]),
    ("y ~ a*b - a:b", ["(Intercept)", "aq", "ar", "bv"]),
    ("y ~ a + a + x + x", ["(Intercept)", "aq", "ar", "x"]),
    ("y ~ x:z + x", ["(Intercept)", "x", "x:z"]),
    ("y ~ z:x + x:z", ["(Intercept)", "z:x"]),
    ("y ~ (x + z + b)^2", ["(Intercept)", "x", "z", "bv", "x:z", "x:bv", "z:bv"]),
    ("y ~ sch.wide", ["(Intercept)", "sch.wideYes"]),
    ("y ~ `my var` + Q('my var') + âge", ["(Intercept)", "`my var`", "âge"]),
    ("y ~ log(x) + np.log(x) + numpy.log(x)", ["(Intercept)", "log(x)"]),
    ("y ~ np.log1p(x) + sqrt(z) + np.exp(I(x/10)) + log10(x) + abs(z)",
     ["(Intercept)", "log1p(x)", "sqrt(z)", "exp(I(x/10))", "log10(x)", "abs(z)"]),
    ("y ~ I(x**2) + I(x^3) + I(x*z + 1) + I(-x) + I((x + z)^2) + I(2 - (x - z)^3/z)",
     ["(Intercept)", "I(x^2)", "I(x^3)", "I(x * z + 1)", "I(-x)", "I((x + z)^2)",
      "I(2 - (x - z)^3/z)"]),
    ("y ~ I(x/1e5) + I(z * 0.25) + I(-x^2) + I((-x)^4)",
     ["(Intercept)", "I(x/1e+05)", "I(z * 0.25)", "I(-x^2)", "I((-x)^4)"]),
    ("y ~ C(b)", ["(Intercept)", "C(b)v"]),
    ("y ~ C(b, ref='v')", ["(Intercept)", 'relevel(b, ref = "v")u']),
    ("y ~ C(a, Treatment(reference='q')) - 1",
     ['relevel(a, ref = "q")q', 'relevel(a, ref = "q")p', 'relevel(a, ref = "q")r']),
    ("y ~ relevel(a, ref = 'r')", ["(Intercept)", 'relevel(a, ref = "r")p',
                                   'relevel(a, ref = "r")q']),
    ("y ~\n  x\t+ z", ["(Intercept)", "x", "z"]),
])
def test_columns_named_and_ordered_as_r(df: pd.DataFrame, formula: str,
                                        expected: list[str]) -> None:
    assert _cols(df, formula) == expected


def test_terms_own_their_columns(df: pd.DataFrame) -> None:
    mf = model_frame(df, "log(y) ~ a * x + b")
    assert mf.terms == {"(Intercept)": ["(Intercept)"], "a": ["aq", "ar"], "x": ["x"],
                        "b": ["bv"], "a:x": ["aq:x", "ar:x"]}
    assert mf.response == "log(y)"
    np.testing.assert_allclose(mf.y, np.log(df["y"]))
    assert mf.formula == "log(y) ~ a * x + b"
    assert mf.rows.all() and mf.X.index.equals(df.index)


def test_values(df: pd.DataFrame) -> None:
    mf = model_frame(df, "y ~ a:x + I(x**2)")
    X = mf.X
    np.testing.assert_array_equal(X["ap:x"], np.where(df["a"] == "p", df["x"], 0.0))
    np.testing.assert_allclose(X["I(x^2)"], df["x"] ** 2)


@pytest.mark.parametrize(("formula", "part"), [
    ("y ~ __import__('os').system('echo hi')", "__import__("),
    ("y ~ x.__class__", "'x.__class__'"),
    ("y ~ np.random.seed(1)", "np.random.seed"),
    ("y ~ os.system('x')", "os.system"),
    ("y ~ (lambda: 1)()", "lambda"),
    ("y ~ x[0]", "'x[0]'"),
    ("y ~ eval('x')", "eval"),
    ("y ~ getattr(x, 'y')", "getattr"),
    ("y ~ log(x, 2)", "log(x, 2)"),
    ("y ~ x + 2", "'2'"),
    ("y ~ I(a:b)", "'a:b'"),
    ("y ~ a/b", "'a/b'"),
    ("y ~ x %in% a", "character"),
    ("y ~ x ~ z", "second '~'"),
    ("y x", "no '~'"),
    ("~ x", "no response"),
    ("y ~ ", "no terms"),
    ("y ~ `x", "never closed"),
    ("y ~ ``", "empty name"),
    ("y ~ C(x, Sum)", "Sum"),
    ("y ~ C(x, ref=1, reference=2)", "C(x, ref=1"),
    ("y ~ (x + z)^z", "'z'"),
    ("y ~ x:-z", "'x:-z'"),
    ("y ~ " + "(" * 300 + "x" + ")" * 300, "cannot be read"),
    ("y ~ " + "log(" * 60 + "x" + ")" * 60, "nested"),
    ("y ~ " + "x" * 10_001, "characters long"),
    ("y ~ 'x'", "value where a column"),
    ("y ~ f'{x}'", "not allowed"),
    ("y ~ x if z else a", "not allowed"),
])
def test_refused_by_part_and_position(df: pd.DataFrame, formula: str, part: str) -> None:
    with pytest.raises(FormulaError) as err:
        model_frame(df, formula)
    assert part in str(err.value)


def test_not_text(df: pd.DataFrame) -> None:
    with pytest.raises(FormulaError, match="must be text"):
        model_frame(df, 3)  # type: ignore[arg-type]
    with pytest.raises(FormulaError, match="DataFrame"):
        model_frame([1, 2], "y ~ x")  # type: ignore[arg-type]


def test_position_is_a_character_of_the_text(df: pd.DataFrame) -> None:
    with pytest.raises(FormulaError, match=r"'x\.__class__' \(character 13\)"):
        model_frame(df, "y ~ `âge` + x.__class__")


def test_absent_column_names_the_closest(df: pd.DataFrame) -> None:
    with pytest.raises(MissingColumnError, match="did you mean 'âge'"):
        model_frame(df, "y ~ age + x")
    with pytest.raises(FormulaError, match="did you mean 'sch.wide'"):
        model_frame(df, "y ~ sch.wid")
    with pytest.raises(MissingColumnError, match="'w'"):
        model_frame(df, "y ~ log(w)")
