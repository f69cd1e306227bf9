"""Golden tests: GLMResult.wald_test(method="LRT") against R's regTermTest(method="LRT").

Made by ``tests/reference/make_refs_termtests.R`` (its ``lrt_cases``) on
designs of the model goldens (:func:`support.models_golden.golden_design`),
whole or a domain (a ``subset``):
the working likelihood ratio (R's ``chisq``, a difference of deviances with
the prior weights over their mean) and the eigenvalues ``lambda`` agree to
relative 1e-8, the saddlepoint p-value to relative 1e-6.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from micropop.models import glm
from support.golden import assert_close
from support.models_golden import golden_design
from support.paths import REFERENCE

REFS = json.loads((REFERENCE / "termtests_refs.json").read_text())
TESTS = [(case, k) for case in REFS["lrt_cases"] for k in range(len(case["tests"]))]


@pytest.mark.parametrize(("case", "k"), TESTS,
                         ids=[f"{c['id']}:{c['tests'][k]['terms']}:{c['tests'][k]['df_arg']}"
                              for c, k in TESTS])
def test_reg_term_test_lrt(case: dict, k: int) -> None:
    ref = case["tests"][k]
    des = golden_design(case["design"])
    if case["subset"]:
        des = des.subset(case["subset"])  # a domain: the whole design kept, as R's subset()
    fit = glm(des, case["formula"], family=case["family"])
    assert_close(fit.params, case["coef"], f"{case['id']}: coefficients")
    infinite = ref["df_arg"] == "Inf"
    test = fit.wald_test(ref["terms"], method="LRT", df=math.inf if infinite else None)
    where = f"{case['id']} {ref['terms']}"
    assert test.method == "LRT" and test.df == ref["df"]
    assert math.isinf(test.ddf) if infinite else test.ddf == ref["ddf"]
    assert_close(test.chisq, ref["chisq"], f"{where}: chisq")
    assert_close(np.array(test.lambdas), np.atleast_1d(ref["lambda"]), f"{where}: lambda")
    assert math.isclose(test.p, ref["p"], rel_tol=1e-6), (where, test.p, ref["p"])
