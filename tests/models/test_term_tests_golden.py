"""Golden tests: GLMResult.wald_test against R survey's regTermTest (termtests_refs.json).

Made by ``tests/reference/make_refs_termtests.R`` on designs of the model
goldens (rebuilt by :func:`support.models_golden.golden_design`): each
case fits a formula, then tests terms written as R's ``~ a + b``; the Wald F
(or chisq for ``df=Inf``), df, ddf and p agree to relative 1e-8.
"""

from __future__ import annotations

import json
import math

import pytest

from micropop.models import glm
from support.golden import assert_close
from support.models_golden import golden_design
from support.paths import REFERENCE

REFS = json.loads((REFERENCE / "termtests_refs.json").read_text())
TESTS = [(case, k) for case in REFS["cases"] for k in range(len(case["tests"]))]


@pytest.mark.parametrize(("case", "k"), TESTS,
                         ids=[f"{c['id']}:{c['tests'][k]['terms']}:{c['tests'][k]['df_arg']}"
                              for c, k in TESTS])
def test_reg_term_test_wald(case: dict, k: int) -> None:
    ref = case["tests"][k]
    fit = glm(golden_design(case["design"]), case["formula"], family=case["family"])
    assert_close(fit.params, case["coef"], f"{case['id']}: coefficients")
    assert fit.df_resid == case["df_residual"]
    infinite = ref["df_arg"] == "Inf"
    test = fit.wald_test(ref["terms"], df=math.inf if infinite else None)
    where = f"{case['id']} {ref['terms']}"
    assert test.df == ref["df"]
    if infinite:
        assert math.isinf(test.ddf)
        assert_close(test.chisq, ref["chisq"], f"{where}: chisq")
    else:
        assert test.ddf == ref["ddf"]
        assert_close(test.statistic, ref["Ftest"], f"{where}: F")
        assert_close(test.chisq, ref["Ftest"] * ref["df"], f"{where}: chisq")
    assert math.isclose(test.p, ref["p"], rel_tol=1e-8), where  # relative, however small
