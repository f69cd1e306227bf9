"""Golden tests: micropop.models.glm against R survey's svyglm (tests/reference/models_refs.json).

Made by ``tests/reference/make_refs_models.R``: each case names a design of
``golden.json`` (rebuilt by :func:`support.golden.build`), or ``raked`` /
``poststratified`` (clus1 reweighted to apipop's margins), an optional
subset, the family and link, R's model matrix over every row and the
response (missing values as null: those rows are left out through ``rows=``,
as R's ``na.action``). Coefficients, the full vcov, df.residual and summary()'s
dispersion agree to relative 1e-8.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from micropop.models import glm
from support.golden import assert_close
from support.models_golden import golden_design, statsmodels_params
from support.paths import REFERENCE

REFS = json.loads((REFERENCE / "models_refs.json").read_text())
CASES = {case["id"]: case for case in REFS["cases"]}


def fit(case: dict):
    des = golden_design(case["design"])
    if case["subset"]:
        des = des.subset(case["subset"])
    X = pd.DataFrame(np.array(case["X"], dtype=float).T, columns=case["columns"])
    y = np.array(case["y"], dtype=float)
    rows = ~(np.isnan(y) | X.isna().any(axis=1).to_numpy())  # R's na.omit
    return glm(des, y[rows], X[rows], family=case["family"], link=case["link"], rows=rows)


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_svyglm(case_id: str) -> None:
    case = CASES[case_id]
    result = fit(case)
    assert list(result.names) == case["columns"]
    assert_close(result.params, case["coef"], f"{case_id}: coefficients")
    assert_close(result.vcov, np.array(case["vcov"]).T, f"{case_id}: vcov")
    assert result.df_resid == case["df_residual"]
    assert_close(result.dispersion, case["dispersion"], f"{case_id}: dispersion")


@pytest.mark.parametrize("case_id", ["strat/gaussian", "clus1/quasibinomial",
                                     "strat/quasipoisson", "strat/gamma_log",
                                     "clus1/binomial_probit"])
def test_coefficients_are_statsmodels_weighted_glm(case_id: str) -> None:
    case = CASES[case_id]
    result = fit(case)
    des = golden_design(case["design"])
    for kind in ("freq_weights", "var_weights"):
        reference = statsmodels_params(np.array(case["y"]), np.array(case["X"]).T,
                                       case["family"], case["link"], des.full_weights, kind)
        np.testing.assert_allclose(result.params, reference, rtol=1e-8, err_msg=kind)
