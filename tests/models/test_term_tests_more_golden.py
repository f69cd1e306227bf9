"""Golden tests: wald_test (Wald and LRT) on replicate designs and non-quasi families.

R's ``regTermTest`` from ``tests/reference/make_refs_anova.R`` (its
``term_cases``): BRR, Fay, JKn and bootstrap replicate designs, and the
binomial (logit and probit), poisson, gaussian and Gamma (inverse and log)
families, which termtests_refs.json lacks. Each case: the Wald F, the
working likelihood ratio in the F and chi-square forms. Statistics,
eigenvalues and Wald p-values to relative 1e-8, LRT p-values to 1e-6.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from micropop.models import glm
from support.golden import assert_close
from support.models_golden import family_of, golden_design
from support.paths import REFERENCE

REFS = json.loads((REFERENCE / "anova_refs.json").read_text())
TESTS = [(case, k) for case in REFS["term_cases"] for k in range(len(case["tests"]))]


@pytest.mark.parametrize(("case", "k"), TESTS, ids=[
    f"{c['id']}:{c['tests'][k]['terms']}:{c['tests'][k]['method']}:{c['tests'][k]['df_arg']}"
    for c, k in TESTS])
def test_reg_term_test(case: dict, k: int) -> None:
    ref = case["tests"][k]
    family, link = family_of(case["family"])
    fit = glm(golden_design(case["design"]), case["formula"], family=family, link=link,
              na_rm=True, max_iter=200, tol=1e-13)
    assert_close(fit.params, case["coef"], f"{case['id']}: coefficients")
    infinite = ref["df_arg"] == "Inf"
    test = fit.wald_test(ref["terms"], method=ref["method"], df=math.inf if infinite else None)
    where = f"{case['id']} {ref['terms']} {ref['method']}"
    assert test.df == ref["df"], where
    assert math.isinf(test.ddf) if ref["ddf"] is None else test.ddf == ref["ddf"], where
    if ref["method"] == "Wald":
        assert_close(test.statistic, ref["Ftest"], f"{where}: F")
        assert_close(test.p, ref["p"], f"{where}: p")
    else:
        assert_close(test.chisq, ref["chisq"], f"{where}: chisq")
        assert_close(np.sort(test.lambdas), np.sort(np.atleast_1d(ref["lambda"])),
                     f"{where}: lambda")
        assert math.isclose(test.p, ref["p"], rel_tol=1e-6), (where, test.p, ref["p"])
