"""Golden tests: des.var / cov / corr against R's svyvar, des.ttest against svyttest, chisq(lrt).

Cases and numbers from ``tests/reference/make_refs_svyvar.R`` (R 4.2.2, survey 4.1.1;
svyvar and svyttest are unchanged in current survey). Correlations: R has no svycorr; the
script computes them from svyvar's matrix, with the delta method on svyvar's covariance
(linearised designs) or svrVar of the replicate correlations (replicate designs).
chisq(statistic="lrt"): R's G^2 (svyloglin deviances) and svychisq's tr(Delta), d0, ddf.
Domains are R's subsets, one per level, as svyby computes them. Agreement: relative 1e-8
(absolute 1e-10 near zero).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from support.golden import ATOL_NEAR_ZERO, RTOL
from support.models_golden import golden_design
from support.paths import REFERENCE

GOLDEN = json.loads((REFERENCE / "svyvar_refs.json").read_text())
VAR, TTEST = GOLDEN["var"], GOLDEN["ttest"]


def _design(case):
    des = golden_design(case["design"])
    return des.subset(case["subset"]) if case["subset"] else des


def _vector(values):
    return np.atleast_1d(np.asarray(values, dtype=float))


def _matrix(columns):  # R's matrix as a list of columns (a 1 x 1 one unboxed)
    return np.atleast_2d(np.asarray(columns, dtype=float)).T


def _close(ours, theirs):
    np.testing.assert_allclose(np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float),
                               rtol=RTOL, atol=ATOL_NEAR_ZERO)


@pytest.mark.parametrize("case", VAR, ids=[c["id"] for c in VAR])
def test_var_and_cov_match_svyvar(case):
    des, vars_ = _design(case), [str(v) for v in np.atleast_1d(case["vars"])]
    p = len(vars_)
    r_vcov = _matrix(case["vcov"])
    var = des.var(vars_, na_rm=case["na_rm"])
    diagonal = [i * p + i for i in range(p)]  # R's column-major matrix is symmetric
    _close(var.estimate, _vector(case["estimate"])[diagonal])
    _close(var.vcov, r_vcov[np.ix_(diagonal, diagonal)])
    if p > 1:
        cov = des.cov(vars_, na_rm=case["na_rm"])
        _close(cov.estimate, case["estimate"])
        _close(cov.vcov, r_vcov)
        corr = des.corr(vars_, na_rm=case["na_rm"])
        _close(corr.estimate, case["corr"]["estimate"])
        _close(corr.vcov, _matrix(case["corr"]["vcov"]))


BY_CASES = {"clus1": ("stype", ["E", "H", "M"], ["api00", "api99"]),
            "clus2": ("sch.wide", ["No", "Yes"], ["api00", "api99", "meals"])}


@pytest.mark.parametrize("design", sorted(BY_CASES))
def test_by_domains_match_r_subsets(design):
    by, levels, vars_ = BY_CASES[design]
    prefix = f"{design}/E/" if design == "clus1" else f"{design}/by/"
    cases = {c["id"]: c for c in VAR}
    cov = golden_design(design).cov(vars_, by=by)
    corr = golden_design(design).corr(vars_, by=by)
    k = len(levels)
    for d, level in enumerate(levels):
        case = cases[prefix + level]
        rows = np.arange(len(vars_) ** 2) * k + d
        assert [label[-1] for label in cov.index[rows]] == [level] * len(rows)
        _close(cov.estimate[rows], case["estimate"])
        _close(cov.vcov[np.ix_(rows, rows)], _matrix(case["vcov"]))
        pairs = np.arange(len(_vector(case["corr"]["estimate"]))) * k + d
        _close(corr.estimate[pairs], case["corr"]["estimate"])
        _close(corr.se[pairs], np.sqrt(np.diag(_matrix(case["corr"]["vcov"]))))


@pytest.mark.parametrize("case", TTEST, ids=[c["id"] for c in TTEST])
def test_ttest_matches_svyttest(case):
    test = _design(case).ttest(case["y"], case["group"], mu=case["mu"], na_rm=case["na_rm"])
    _close([test.statistic, test.df, test.p_value, test.estimate, test.ci_low, test.ci_high],
           [case["statistic"], case["df"], case["p_value"], case["estimate"], *case["ci"]])
    assert test.estimate_name == ("mean" if case["group"] is None else "difference in mean")


LRT = GOLDEN["lrt"]


@pytest.mark.parametrize("case", LRT, ids=[c["id"] for c in LRT])
def test_chisq_lrt_matches_svyloglin_deviance(case):
    test = _design(case).chisq(case["rows"], case["cols"], statistic="lrt")
    _close([test.likelihood_ratio, test.pearson, float(np.sum(test.design_effects)),
            test.statistic, test.ndf, test.ddf, test.p_value],
           [case["g2"], case["pearson"], case["trace"], case["statistic"], case["ndf"],
            case["ddf"], case["p_value"]])
    assert test.statistic_name == "F"


BY = GOLDEN["by"]


@pytest.mark.parametrize("case", BY, ids=[c["id"] for c in BY])
def test_by_matches_svyby_with_its_covariance_between_domains(case):
    est = golden_design(case["design"]).var(case["var"], by=case["by"])
    assert [label[-1] for label in est.index] == case["domains"]
    _close(est.estimate, case["estimate"])
    _close(est.vcov, _matrix(case["vcov"]))
