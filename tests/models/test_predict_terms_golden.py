"""Golden tests: predict(type="terms") against R's predict.svyglm(type = "terms", se.fit = TRUE).

R's ``predterms`` (``tests/reference/make_refs_anova.R``, ``terms_cases``):
each term's contribution on the fitted rows, the columns centred at their
unweighted means when the model has an intercept, with design-based standard
errors, and the constant; to relative 1e-8.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from micropop.errors import ModelError, OptionError
from micropop.models import glm
from micropop.models.predict_terms import TermPredictions
from support.golden import assert_close
from support.models_golden import family_of, golden_design
from support.paths import REFERENCE

REFS = json.loads((REFERENCE / "anova_refs.json").read_text())
CASES = {case["id"]: case for case in REFS["terms_cases"]}


def _fit(case: dict):
    family, link = family_of(case["family"])
    return glm(golden_design(case["design"]), case["formula"], family=family, link=link,
               na_rm=True, max_iter=200, tol=1e-13)


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_predict_terms(case_id: str) -> None:
    case = CASES[case_id]
    fit = _fit(case)
    parts = fit.predict(type="terms")
    assert isinstance(parts, TermPredictions)
    assert list(parts.estimate.columns) == case["terms"]
    shape = (len(case["terms"]), case["rows"])
    assert_close(parts.estimate.to_numpy(), np.array(case["fit"]).reshape(shape).T,
                 f"{case_id}: fit")
    assert parts.se is not None
    assert_close(parts.se.to_numpy(), np.array(case["se"]).reshape(shape).T, f"{case_id}: se")
    assert_close(parts.constant, case["constant"], f"{case_id}: constant")
    np.testing.assert_allclose(parts.estimate.sum(axis=1) + parts.constant,
                               fit.linear_predictor, rtol=1e-10)


def test_new_data_are_centred_at_the_fitted_means() -> None:
    fit = _fit(CASES["strat/gaussian"])
    data = golden_design("strat").data
    again = fit.predict(data.iloc[:5], type="terms")
    pd.testing.assert_frame_equal(again.estimate, fit.predict(type="terms").estimate.iloc[:5])
    frame = again.to_frame()
    assert frame.index.names == ["row", "term"] and len(frame) == 5 * 3
    assert (frame["ci_low"] <= frame["estimate"]).all()
    assert fit.predict(type="terms", se=False).se is None


def test_refusals() -> None:
    fit = _fit(CASES["strat/gaussian"])
    with pytest.raises(OptionError, match="vcov=True"):
        fit.predict(type="terms", vcov=True)
    with pytest.raises(OptionError, match="'terms'"):
        fit.predict(type="term")  # type: ignore[call-overload]
    des = golden_design("strat")
    with pytest.raises(ModelError, match="no term besides the intercept"):
        glm(des, "api00 ~ 1").predict(type="terms")
    X = pd.DataFrame({"(Intercept)": 1.0, "ell": des.data["ell"]})
    with pytest.raises(ModelError, match="model matrix"):
        glm(des, des.data["api00"], X).predict(type="terms")
