"""micropop.models.anova: sequential and two-model tables, and every refusal.

On the demo worker survey: a sequential table is the tests of each term in
the model refitted with it and the terms before it; two nested fits give the
test of the terms the larger adds; fits that are not nested, on different
designs, rows, responses or families are refused by name. (The numbers are
R's: test_anova_golden.py.)
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import micropop as mp
from micropop.errors import MicropopError, ModelError, NotNestedError, OptionError
from micropop.models import AnovaTable, anova, glm

FORMULA = "has_other_job ~ sex + hours_week + age_group"


@pytest.fixture(scope="module")
def des() -> mp.SurveyDesign:
    return mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")


@pytest.fixture(scope="module")
def fit(des):
    return des.glm(FORMULA, family="quasibinomial")


@pytest.mark.parametrize("method", ["LRT", "Wald"])
@pytest.mark.parametrize("test", ["F", "Chisq"])
def test_sequential_rows_are_the_tests_of_the_nested_fits(des, fit, method, test) -> None:
    table = fit.anova(method=method, test=test)
    assert isinstance(table, AnovaTable) and table.sequential
    assert [t.label for t in table.tests] == ["sex", "hours_week", "age_group"]
    ddf = None if test == "F" else math.inf
    terms = ["sex", "hours_week", "age_group"]
    for i, row in enumerate(table.tests):
        smaller = des.glm("has_other_job ~ " + " + ".join(terms[: i + 1]),
                          family="quasibinomial")
        expected = smaller.wald_test(terms[i], method=method, df=ddf)
        assert row.df == expected.df and row.ddf == expected.ddf
        np.testing.assert_allclose([row.chisq, row.p], [expected.chisq, expected.p],
                                   rtol=1e-7)
    frame = table.to_frame()
    assert list(frame.columns) == (["statistic", "deff", "df", "ddf", "chisq", "p"]
                                   if method == "LRT" else
                                   ["statistic", "df", "ddf", "chisq", "p"])
    if method == "Wald" and test == "F":
        np.testing.assert_allclose(frame["statistic"], frame["chisq"] / frame["df"])
    else:
        np.testing.assert_array_equal(frame["statistic"], frame["chisq"])
    assert table.title in table.summary() and FORMULA in table.summary()


def test_the_default_is_r_s_lrt_with_f(fit) -> None:
    table = anova(fit)
    assert (table.method, table.test) == ("LRT", "F")
    assert table.to_frame()["ddf"].iloc[-1] == fit.df_resid


def test_a_fit_from_a_model_matrix_has_a_term_per_column(des) -> None:
    data = des.data
    X = pd.DataFrame({"(Intercept)": 1.0, "hours_week": data["hours_week"],
                      "male": (data["sex"] == "male").astype(float)})
    matrix_fit = glm(des, data["has_other_job"].astype(float), X, family="quasibinomial")
    table = matrix_fit.anova(method="Wald")
    assert table.to_frame().index.tolist() == ["hours_week", "male"]
    same = des.glm("has_other_job ~ hours_week + sex", family="quasibinomial").anova(
        method="Wald")
    np.testing.assert_allclose(table.to_frame()["p"], same.to_frame()["p"], rtol=1e-9)


def test_one_term_is_its_test_and_no_term_is_refused(des) -> None:
    one = des.glm("has_other_job ~ hours_week", family="quasibinomial")
    (row,) = one.anova().tests
    assert (row.chisq, row.p) == (one.wald_test("hours_week", method="LRT").chisq,
                                  one.wald_test("hours_week", method="LRT").p)
    with pytest.raises(ModelError, match="no term to test besides the intercept"):
        des.glm("has_other_job ~ 1", family="quasibinomial").anova()


def test_two_nested_fits_either_order(des, fit) -> None:
    small = des.glm("has_other_job ~ sex", family="quasibinomial")
    for first, second in ((small, fit), (fit, small)):
        table = anova(first, second, method="Wald")
        assert not table.sequential
        assert table.to_frame().index.tolist() == ["hours_week + age_group"]
        expected = fit.wald_test(["hours_week", "age_group"])
        assert table.tests[0].chisq == expected.chisq and table.tests[0].p == expected.p


def test_interactions_are_matched_in_any_order(des) -> None:
    small = des.glm("has_other_job ~ sex + hours_week", family="quasibinomial")
    big = des.glm("has_other_job ~ sex * hours_week", family="quasibinomial")
    assert big.anova(small).tests[0].terms == ("sex:hours_week",)


@pytest.mark.parametrize(("other", "message"), [
    (lambda d: d.subset("sex == 'male'").glm("has_other_job ~ hours_week",
                                              family="quasibinomial"),
     "different designs"),
    (lambda d: d.glm("has_other_job ~ sex", family="quasipoisson"), "different families"),
    (lambda d: d.glm("below_poverty_line ~ sex", family="quasibinomial"),
     "different responses"),
    (lambda d: d.glm("has_other_job ~ education", family="quasibinomial"),
     "not nested: terms only in the first: education; only in the second: age_group, "
     "hours_week, sex"),
    (lambda d: d.glm(FORMULA, family="quasibinomial"), "the same terms"),
    (lambda d: d.glm("has_other_job ~ sex - 1", family="quasibinomial"),
     r"not nested.*\(Intercept\)"),
    (lambda d: d.glm("has_other_job ~ C(sex, ref='male')", family="quasibinomial"),
     "not nested"),
])
def test_fits_that_are_not_comparable_are_refused(des, fit, other, message) -> None:
    with pytest.raises(NotNestedError, match=message) as caught:
        anova(other(des), fit)
    assert isinstance(caught.value, MicropopError) and caught.value.hint


def test_fits_on_different_rows_are_refused_naming_them(des) -> None:
    data = des.data
    X = pd.DataFrame({"(Intercept)": 1.0, "hours_week": data["hours_week"]})
    y = data["has_other_job"].astype(float)
    keep = np.ones(len(data), dtype=bool)
    keep[[3, 7]] = False
    small = glm(des, y[keep], X[keep][["(Intercept)"]], family="quasibinomial", rows=keep)
    big = glm(des, y, X, family="quasibinomial")
    with pytest.raises(NotNestedError, match=r"2 row\(s\) in one fit only \(rows 3, 7\)"):
        anova(small, big)


@settings(max_examples=40, deadline=None)
@given(method=st.text(max_size=12), test=st.text(max_size=12))
def test_unknown_methods_and_tests_are_refused(fit, method, test) -> None:
    if method in ("LRT", "Wald") and test in ("F", "Chisq"):
        return
    with pytest.raises(OptionError):
        anova(fit, method=method, test=test)
