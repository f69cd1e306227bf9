"""Golden tests: two-phase designs against R's ``twophase`` (method="full", twophase2).

Cases come from ``tests/reference/make_refs_twophase.R``: R's own examples of
``?twophase`` (pbc, mu284, the nwtco case-cohort and case-control samples) and
api designs with a phase two drawn with a fixed seed. The "strat" case (phase one
stratified with an fpc) is R's code with its phase-one sample sizes read at each
unit (R 4.1.1 and the current cran/survey read them by position, which makes that
case's total variance negative): see the script.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from micropop.design import TwoPhaseDesign
from support.golden import ATOL_NEAR_ZERO, RTOL
from support.paths import REFERENCE

REFS = json.loads((REFERENCE / "twophase_refs.json").read_text(encoding="utf-8"))
STATS = [(name, key) for name, case in REFS["cases"].items() for key in case["stats"]]


def _listed(value: object) -> list:
    return value if isinstance(value, list) else [value]


def _design(name: str) -> TwoPhaseDesign:
    spec = REFS["designs"][name]
    data = pd.read_csv(REFERENCE / "fixtures" / f"twophase_{spec['data']}.csv")
    return TwoPhaseDesign(data, subset=spec["subset"], psu=tuple(spec["psu"]),
                          strata=tuple(spec["strata"]), probs=tuple(spec["probs"]),
                          fpc=tuple(spec["fpc"]), method=spec.get("method", "full"))


DESIGNS = {name: _design(name) for name in REFS["designs"]}


def _close(ours: object, theirs: object, what: str) -> None:
    np.testing.assert_allclose(np.asarray(ours, dtype=float),
                               np.asarray(theirs, dtype=float), rtol=RTOL,
                               atol=ATOL_NEAR_ZERO, err_msg=what)


@pytest.mark.parametrize("name", sorted(REFS["cases"]))
def test_degrees_of_freedom_match_r(name):
    assert DESIGNS[name].degf == REFS["cases"][name]["degf"]


@pytest.mark.parametrize(("name", "key"), STATS, ids=[f"{n}-{k}" for n, k in STATS])
def test_estimates_and_variances_match_r(name, key):
    _check(DESIGNS[name], key, REFS["cases"][name]["stats"][key])


def _calibrated(name: str) -> TwoPhaseDesign:
    spec = REFS["calibrated"][name]
    return DESIGNS[spec["base"]].calibrate_phase2([spec["columns"]], method=spec["calfun"],
                                                  epsilon=1e-12, max_iter=100)


CALIBRATED = [(name, key) for name, case in REFS["calibrated"].items() for key in case["stats"]]


@pytest.mark.parametrize("name", sorted(REFS["calibrated"]))
def test_calibrated_phase_two_weights_match_r(name):
    des = _calibrated(name)
    _close(des.weights, REFS["calibrated"][name]["weights"], "weights")


@pytest.mark.parametrize(("name", "key"), CALIBRATED, ids=[f"{n}-{k}" for n, k in CALIBRATED])
def test_calibrated_estimates_and_variances_match_r(name, key):
    """R's calibrate(des, phase=2, formula=...): twophase2var with phase2$postStrata."""
    _check(_calibrated(name), key, REFS["calibrated"][name]["stats"][key])


def _check(des: TwoPhaseDesign, key: str, ref: dict) -> None:
    kind = ref["kind"]
    if kind == "ratio":
        est = des.ratio(ref["numerator"], ref["denominator"])
        _close(est.estimate, _listed(ref["estimate"]), "ratio")
        _close(est.se ** 2, _listed(ref["var"]), "ratio variance")
        return
    if kind == "glm":  # R's factor(x) is micropop's C(x)
        fit = des.glm(ref["formula"].replace("factor(", "C("), family="quasibinomial")
        _close(fit.params, ref["estimate"], "coefficients")
        _close(fit.vcov, ref["vcov"], "vcov")
        return
    if kind == "deff":
        _close(des.mean(ref["variables"], deff=True).to_frame()["deff"], ref["deff"], "deff")
        return
    if kind == "proportion":
        est = des.proportion(ref["variable"], category=ref["level"], ci="logit")
        _close(est.estimate, [ref["estimate"]], "proportion")
        _close(est.se ** 2, [ref["var"]], "variance")
        _close(est.ci().to_numpy().ravel(), ref["ci"], "logit interval")
        return
    if kind == "quantile":
        est = des.quantile(ref["variable"], ref["p"])
        _close(est.estimate, [ref["estimate"]], "quantile")
        _close(est.se, [ref["se"]], "se")
        _close(est.ci().to_numpy().ravel(), ref["ci"], "interval")
        return
    stat = des.total if kind == "total" else des.mean
    if "by" in ref:
        est = stat(ref["variable"], by=ref["by"])
        assert [str(level) for level in est.index.get_level_values("domain")] == _listed(
            ref["levels"])
        # R's svyby(covmat=TRUE) gets no influence values from a two-phase svymean and
        # leaves the covariances between domains at 0: only the variances compare
        _close(est.estimate, _listed(ref["estimate"]), "estimate")
        _close(np.diag(est.vcov), np.diag(np.atleast_2d(ref["vcov"])), "variances")
        assert not np.any(np.atleast_2d(ref["vcov"]) - np.diag(np.diag(ref["vcov"])))
        return
    est = stat(_listed(ref["variables"]), na_rm=key.endswith("_na"))
    _close(est.estimate, _listed(ref["estimate"]), "estimate")
    _close(est.vcov, np.atleast_2d(ref["vcov"]), "vcov")


@pytest.mark.parametrize("name", sorted(REFS["cases"]))
def test_phase_parts_of_totals_match_r(name):
    """R's attr(vcov, "phases"): the phase-one and phase-two terms of svytotal."""
    des, ref = DESIGNS[name], REFS["cases"][name]["stats"]["total"]
    y = des.frame[_listed(ref["variables"])].to_numpy(dtype=float)
    values = np.where(des.rows[:, None], des.full_weights[:, None] * np.nan_to_num(y), 0.0)
    first, second = des.phase_vcov(values)
    _close(first, np.atleast_2d(ref["phase1"]), "phase one")
    _close(second, np.atleast_2d(ref["phase2"]), "phase two")
    _close(first + second, des.linearized_vcov(values), "sum")


def test_cases_cover_r_examples_and_each_phase_one_kind():
    assert {"pbc", "mu284", "case_cohort", "case_control"} <= set(REFS["cases"])
    kinds = {(s["fpc"][0] is not None, s["probs"][0] is not None, s["strata"][0] is not None)
             for s in REFS["designs"].values()}
    assert len(kinds) >= 4  # cohort, cluster with fpc, probs without fpc, strata with fpc
