"""Golden tests: micropop.models.anova against R survey's anova.svyglm.

Made by ``tests/reference/make_refs_anova.R`` (``seq_cases``: R's sequential
table ``anova(fit, method=, test=)``; ``two_cases``: ``anova(m0, m1)`` of two
nested fits) on the api designs (apistrat, apiclus1, apiclus2 with fpc),
replicate designs and eusilc (:func:`support.models_golden.golden_design`).
Term labels, df and ddf exactly; the statistics (Wald F or chi-square, the
working likelihood ratio), the eigenvalues ``lambda`` and the Wald p-values
to relative 1e-8; the LRT's saddlepoint p-values to relative 1e-6.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from micropop.models import anova, glm
from support.golden import assert_close
from support.models_golden import family_of, golden_design
from support.paths import REFERENCE

REFS = json.loads((REFERENCE / "anova_refs.json").read_text())
SEQ = [(case, k) for case in REFS["seq_cases"] for k in range(len(case["tables"]))]
TWO = [(case, k) for case in REFS["two_cases"] for k in range(len(case["tables"]))]


def _fit(design: str, formula: str, family: str, subset: str | None = None):
    name, link = family_of(family)
    des = golden_design(design)
    if subset:
        des = des.subset(subset)  # a domain: the whole design kept, as R's subset()
    return glm(des, formula, family=name, link=link, na_rm=True,  # R's na.omit
               max_iter=200, tol=1e-13)  # R's fits run to epsilon = 1e-300


def _check_row(row, ref: dict, method: str, test: str, where: str) -> None:
    assert row.df == ref["df"], where
    if ref["ddf"] is None:
        assert math.isinf(row.ddf), where
    else:
        assert row.ddf == ref["ddf"], where
    if method == "Wald" and test == "F":
        assert_close(row.statistic, ref["Ftest"], f"{where}: F")
    else:
        assert_close(row.chisq, ref["chisq"], f"{where}: chisq")
    if method == "LRT":
        assert_close(np.sort(row.lambdas), np.sort(np.atleast_1d(ref["lambda"])),
                     f"{where}: lambda")
        assert math.isclose(row.p, ref["p"], rel_tol=1e-6), (where, row.p, ref["p"])
    else:
        assert_close(row.p, ref["p"], f"{where}: p")


@pytest.mark.parametrize(("case", "k"), SEQ, ids=[
    f"{c['id']}:{c['tables'][k]['method']}:{c['tables'][k]['test']}" for c, k in SEQ])
def test_sequential_anova(case: dict, k: int) -> None:
    ref = case["tables"][k]
    fit = _fit(case["design"], case["formula"], case["family"], case["subset"])
    assert_close(fit.params, case["coef"], f"{case['id']}: coefficients")
    table = fit.anova(method=ref["method"], test=ref["test"])
    assert table.sequential and table.method == ref["method"] and table.test == ref["test"]
    frame = table.to_frame()
    assert list(frame.index) == ref["terms"]
    assert ("deff" in frame.columns) == (ref["method"] == "LRT")
    for row, row_ref, label in zip(table.tests, ref["rows"], ref["terms"], strict=True):
        _check_row(row, row_ref, ref["method"], ref["test"], f"{case['id']} {label}")
    if ref["method"] == "LRT":  # R prints DEff, the mean of the eigenvalues
        assert_close(frame["deff"], [np.mean(r["lambda"]) for r in ref["rows"]], "DEff")


@pytest.mark.parametrize(("case", "k"), TWO, ids=[
    f"{c['id']}:{c['tables'][k]['method']}:{c['tables'][k]['test']}" for c, k in TWO])
@pytest.mark.parametrize("order", ["small_first", "big_first"])
def test_two_nested_models(case: dict, k: int, order: str) -> None:
    ref = case["tables"][k]
    small = _fit(case["design"], case["formula0"], case["family"])
    big = glm(small.design, case["formula1"], family=small.family, link=small.link, na_rm=True,
              max_iter=200, tol=1e-13)
    first, second = (small, big) if order == "small_first" else (big, small)
    table = anova(first, second, method=ref["method"], test=ref["test"])
    assert not table.sequential and len(table.tests) == 1
    assert list(table.tests[0].terms) == list(np.atleast_1d(ref["terms"]))
    _check_row(table.tests[0], ref, ref["method"], ref["test"], case["id"])
    same = first.anova(second, method=ref["method"], test=ref["test"])  # the method delegates
    assert same.to_frame().equals(table.to_frame())
