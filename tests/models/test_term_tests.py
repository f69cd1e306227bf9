"""GLMResult.wald_test: the terms it reads (labels, lists, '~ a + b'), what it refuses."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from micropop.design import SurveyDesign
from micropop.errors import FormulaError, MicropopError, ModelError, OptionError, UnknownTermError
from micropop.models import glm
from micropop.models.term_tests import TermTest, wald_test


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"grp": rng.choice(["a", "b", "c"], 60), "x": rng.normal(size=60),
                       "sch.wide": rng.normal(size=60), "w": rng.uniform(1, 3, 60),
                       "s": np.repeat([1, 2], 30)})
    df["y"] = df["x"] + (df["grp"] == "c") + rng.normal(size=60)
    return df


@pytest.fixture(scope="module")
def fit(data):
    return glm(SurveyDesign(data, weights="w", strata="s"), "y ~ grp * x + sch.wide")


def _by_hand(fit, columns: list[str]) -> float:
    k = [fit.names.index(c) for c in columns]
    b = fit.params[k]
    return float(b @ np.linalg.inv(fit.vcov[np.ix_(k, k)]) @ b)


def test_a_factor_term_tests_its_columns(fit) -> None:
    test = fit.wald_test("grp")
    assert isinstance(test, TermTest)
    assert test.terms == ("grp",) and test.coefficients == ("grpb", "grpc")
    assert test.df == 2 and test.ddf == fit.df_resid
    assert test.chisq == pytest.approx(_by_hand(fit, ["grpb", "grpc"]), rel=1e-12)
    assert test.statistic == pytest.approx(test.chisq / 2, rel=1e-14)
    assert test.p == pytest.approx(float(
        __import__("scipy").stats.f.sf(test.statistic, 2, fit.df_resid)), rel=1e-12)


@pytest.mark.parametrize("terms", [["grp", "grp:x"], "~ grp + grp:x", "~ grp + x:grp",
                                   ["x:grp", "grp"], "~grp+grp:x"])
def test_the_spellings_of_the_same_terms_agree(fit, terms) -> None:
    test = fit.wald_test(terms)
    assert set(test.terms) == {"grp", "grp:x"} and test.df == 4
    assert test.chisq == pytest.approx(_by_hand(fit, ["grpb", "grpc", "grpb:x", "grpc:x"]),
                                       rel=1e-12)


def test_a_dotted_column_and_the_chi_square_form(fit) -> None:
    test = fit.wald_test("~ sch.wide", df=math.inf)
    assert test.terms == ("sch.wide",) and math.isinf(test.ddf)
    assert test.p == pytest.approx(float(
        __import__("scipy").stats.chi2.sf(test.chisq, 1)), rel=1e-12)
    assert "chi-square" in test.title


def test_the_method_and_the_function_agree(fit) -> None:
    assert wald_test(fit, "x").p == fit.wald_test("x").p


def test_a_fit_from_a_model_matrix_has_one_term_per_column(data) -> None:
    X = pd.DataFrame({"(Intercept)": 1.0, "x": data["x"], "z": data["sch.wide"]})
    fit = glm(SurveyDesign(data, weights="w"), data["y"], X)
    assert fit.wald_test(["x", "z"]).coefficients == ("x", "z")


def test_an_unknown_term_names_the_closest_and_the_terms(fit) -> None:
    with pytest.raises(UnknownTermError, match=r"'grps' is not a term.*'grp:x'.*'grp'\?"):
        fit.wald_test("grps")
    with pytest.raises(UnknownTermError, match="not a term"):
        fit.wald_test("~ grp + y")


@pytest.mark.parametrize("terms", [[], 3, ["grp", 2], None])
def test_terms_of_the_wrong_kind_are_refused(fit, terms) -> None:
    with pytest.raises(UnknownTermError, match="terms must be"):
        fit.wald_test(terms)


@pytest.mark.parametrize("terms", ["~ 0", "~ 1", "~ -1"])
def test_a_formula_without_terms_is_refused(fit, terms) -> None:
    with pytest.raises(UnknownTermError, match="names no term"):
        fit.wald_test(terms)


def test_bad_method_and_df_are_refused(fit) -> None:
    with pytest.raises(OptionError, match="'Wald', 'LRT'"):
        fit.wald_test("grp", method="Rao")
    for df in (0, -1.0, float("nan")):
        with pytest.raises(ModelError, match="positive"):
            fit.wald_test("grp", df=df)


@pytest.mark.parametrize("text", ["~ __import__('os').system('x')", "~ grp.__class__",
                                  "~ open('f')", "~ grp ~ x", "~ (lambda: 1)()"])
def test_code_in_a_formula_is_refused_not_run(fit, text) -> None:
    with pytest.raises(FormulaError, match=r"^terms ") as caught:
        fit.wald_test(text)
    assert ".response." not in str(caught.value)


def test_a_formula_error_points_at_the_users_characters(fit) -> None:
    with pytest.raises(FormulaError, match=r"'grp.__class__' \(character 3\)"):
        fit.wald_test("~ grp.__class__")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_any_text_is_a_result_or_a_micropop_error(fit, text) -> None:
    for terms in (text, "~ " + text, [text]):
        try:
            result = fit.wald_test(terms)
        except MicropopError:
            continue
        assert isinstance(result, TermTest) and result.df >= 1
