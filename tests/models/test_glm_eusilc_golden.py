"""Golden tests: svyglm on laeken's eusilc (make_refs_anova.R's ``eusilc_cases``).

Households (db030) in regions (db040), person weights rb050
(:func:`support.models_golden.eusilc_design`): gaussian models of log
equivalised income (one on the domain eqIncome > 0), a quasibinomial model
of being poor (below laeken's arpt) and a quasipoisson model of household
size; rows with a missing value (pl030 of the under-16s) left out, as R's
na.omit. Column names, coefficients, the full vcov, df.residual and the rows
used agree to relative 1e-8; the coefficients are also statsmodels' weighted
GLM's.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from micropop.models import glm
from support.golden import assert_close
from support.models_golden import family_of, golden_design, statsmodels_params
from support.paths import REFERENCE

REFS = json.loads((REFERENCE / "anova_refs.json").read_text())
CASES = {case["id"]: case for case in REFS["eusilc_cases"]}


def _fit(case: dict):
    des = golden_design("eusilc")
    if case["subset"]:
        des = des.subset(case["subset"])
    family, link = family_of(case["family"])
    return glm(des, case["formula"], family=family, link=link, na_rm=True, max_iter=200,
               tol=1e-13)


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_svyglm_on_eusilc(case_id: str) -> None:
    case = CASES[case_id]
    fit = _fit(case)
    assert list(fit.names) == case["columns"]
    assert fit.n == case["n"] and fit.df_resid == case["df_residual"]
    assert_close(fit.params, case["coef"], f"{case_id}: coefficients")
    p = len(fit.names)
    assert_close(fit.vcov, np.array(case["vcov"]).reshape(p, p).T, f"{case_id}: vcov")
    assert_close(fit.se, np.sqrt(np.diag(np.array(case["vcov"]).reshape(p, p))), "se")


@pytest.mark.parametrize("case_id", sorted(CASES))
@pytest.mark.parametrize("kind", ["freq_weights", "var_weights"])
def test_coefficients_are_statsmodels_weighted_glm(case_id: str, kind: str) -> None:
    fit = _fit(CASES[case_id])
    weights = fit.design.full_weights[fit.rows]
    reference = statsmodels_params(fit.y, fit.X, fit.family, fit.link, weights, kind)
    np.testing.assert_allclose(fit.params, reference, rtol=1e-8, err_msg=f"{case_id} {kind}")
