"""Golden tests: linearised estimates against R ``survey``.

The numbers come from ``tests/reference/make_refs.R`` (run by hand; see its
header) and live in ``tests/reference/golden.json`` together with the design
each case used, so this file never calls R. Agreement: relative 1e-8 on
estimates, standard errors, covariances, design effects and both confidence
intervals (absolute 1e-10 where R's value is near zero).
"""

from __future__ import annotations

import json
import warnings
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from micropop.design import ReplicateDesign, SurveyDesign
from micropop.errors import DesignError, LonelyPSUError

REFERENCE = Path(__file__).parent / "reference"
GOLDEN = json.loads((REFERENCE / "golden.json").read_text())
RTOL, ATOL_NEAR_ZERO = 1e-8, 1e-10


@cache
def fixture(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "fixtures" / f"{name}.csv")


def _single(value: list[str] | None) -> str | list[str] | None:
    if value is None:
        return None
    return value[0] if len(value) == 1 else value


@cache
def build(name: str) -> SurveyDesign | ReplicateDesign:
    spec = GOLDEN["designs"][name]
    if spec["kind"] == "from_design":
        return build(spec["base"]).replicate(spec["method"], fay_rho=spec["fay_rho"])
    if spec["kind"] == "replicate":
        return ReplicateDesign(fixture(spec["data"]), weights=spec["weights"],
                               replicate_weights=spec["replicate_weights"],
                               method=spec["method"], scale=spec["scale"],
                               rscales=spec["rscales"], fay_rho=spec["fay_rho"],
                               mse=spec["mse"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # R's "assuming equal probability" never applies here
        return SurveyDesign(fixture(spec["data"]), weights=_single(spec["weights"]),
                            strata=_single(spec["strata"]), psu=_single(spec["psu"]),
                            fpc=_single(spec["fpc"]), nest=spec["nest"],
                            lonely_psu=spec["lonely_psu"],
                            ultimate_cluster=spec["ultimate_cluster"],
                            adjust_domain_lonely=spec["adjust_domain_lonely"])


def run(case: dict):
    des = build(case["design"])
    if case["subset"]:
        des = des.subset(case["subset"])
    by = _single(case["by"])
    if case["fun"] == "ratio":
        return des.ratio(case["vars"], case["denominator"][0], by=by, deff=case["deff"],
                         na_rm=case["na_rm"])
    return getattr(des, case["fun"])(case["vars"], by=by, deff=case["deff"],
                                     na_rm=case["na_rm"])


def r_names(est, case: dict) -> list[str]:
    """Our row labels written as R names them: ``stypeE``, ``E:api00``, ``E.Yes``."""
    index = est.index.to_frame(index=False)
    level = index["level"] if "level" in index else ""
    names = index["variable"] + level
    if not case["by"]:
        return names.tolist()
    if names.nunique() == 1:
        return index["domain"].tolist()
    return (index["domain"] + ":" + names).tolist()


def assert_close(ours, theirs, what: str) -> None:
    ours = np.asarray(ours, dtype=float).ravel()
    theirs = np.asarray(theirs, dtype=float).ravel()
    near_zero = np.abs(theirs) < ATOL_NEAR_ZERO
    np.testing.assert_allclose(ours[~near_zero], theirs[~near_zero], rtol=RTOL, atol=0,
                               err_msg=what)
    np.testing.assert_allclose(ours[near_zero], theirs[near_zero], rtol=0,
                               atol=ATOL_NEAR_ZERO, err_msg=what)


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
