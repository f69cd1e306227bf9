"""Golden tests: linearised estimates against R ``survey``.

The numbers come from ``tests/reference/make_refs.R`` (run by hand; see its
header) and live in ``tests/reference/golden.json`` together with the design
each case used, so this file never calls R. Agreement: relative 1e-8 on
estimates, standard errors, covariances, design effects and both confidence
intervals (absolute 1e-10 where R's value is near zero).
"""

from __future__ import annotations

import pytest

from micropop.errors import DesignError, LonelyPSUError
from support.golden import GOLDEN, assert_close, build, r_names, run

CASES = GOLDEN["cases"]


def test_reference_metadata():
    meta = GOLDEN["meta"]
    assert meta["survey_version"] and meta["r_version"]
    assert len(CASES) >= 200


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_matches_r(case):
    est = run(case)
    assert r_names(est, case) == case["names"]
    assert_close(est.estimate, case["estimate"], "estimate")
    assert_close(est.se, case["se"], "se")
    ci, ci_t = est.ci(), est.ci(dist="t")
    assert_close(ci["ci_low"], case["ci_low"], "normal ci_low")
    assert_close(ci["ci_high"], case["ci_high"], "normal ci_high")
    assert_close(ci_t["ci_low"], case["ci_t_low"], "t ci_low")
    assert_close(ci_t["ci_high"], case["ci_t_high"], "t ci_high")
    assert est.df == case["df"]
    if case["vcov"] is not None:  # R's svyby covariance is block-diagonal; we compare its SEs
        assert_close(est.vcov, case["vcov"], "vcov")
    if case["deff_value"] is None:
        assert est.deff is None
    else:
        assert_close(est.deff, case["deff_value"], "deff")


ERRORS = {"lonely_fail/mean": (LonelyPSUError, ["'413'", "stage 1", "lonely_psu"]),
          "not_nested/design": (DesignError, ["'dnum'", "'stype'", "nest=True"]),
          "lonely_fail/brr": (DesignError, ["one PSU in stratum '413' (1)", "Pair"])}


@pytest.mark.parametrize("case", GOLDEN["errors"], ids=[c["id"] for c in GOLDEN["errors"]])
def test_r_errors_are_ours(case):
    """Where R stops, we raise a MicropopError naming what and what to do."""
    error, words = ERRORS[case["id"]]
    with pytest.raises(error) as info:
        des = build(case["design"])
        des.replicate("brr") if case["id"].endswith("/brr") else des.mean("api00")
    for word in words:
        assert word in str(info.value)


CONTRASTS = GOLDEN["contrasts"]


@pytest.mark.parametrize("contrast", CONTRASTS, ids=[c["case"] for c in CONTRASTS])
def test_contrasts_match_svycontrast(contrast):
    case = next(c for c in CASES if c["id"] == contrast["case"])
    result = run(case).contrast(contrast["coefficients"])
    assert_close(result.estimate, [contrast["estimate"]], "contrast")
    assert_close(result.se, [contrast["se"]], "contrast se")
