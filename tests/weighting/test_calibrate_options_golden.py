"""Golden tests: calibrate's options and rake stopped early, against R ``survey`` 4.1.1.

The numbers come from ``tests/reference/make_refs_calibrate_options.R`` (run by
hand) and live in ``tests/reference/golden_calibrate_options.json`` with the
call each case made, so this file never calls R:

- ``variance=`` (R's ``calibrate(..., variance = x)``): the ratio estimator
  ``~api99 - 1`` on apistrat and on its JKn replicates, and with ``~stype +
  api99`` by linear (R's ``regcalibrate``), raking and bounded calibration
  (R's ``grake``);
- per-row bounds (R's ``bounds = list(lower = , upper = )``) and
  ``bounds_const`` (R's ``bounds.const = TRUE``), linear and logit;
- ``aggregate=`` (R's ``aggregate.stage``) on apiclus1 and on the two-stage
  apiclus2 with fpc at both stages;
- ``rake(max_iter=2, on_nonconvergence="warn")`` on apiclus1 and its JK1
  replicates (R's ``rake(control = list(maxit = 2))``, which warns and returns).

Each compares the weights, totals, means, a categorical mean, domain estimates
and a subset mean with their standard errors at relative 1e-8.
"""

from __future__ import annotations

import json
import warnings
from functools import cache

import numpy as np
import pytest

from micropop.errors import MicropopWarning
from support.golden import build
from support.paths import REFERENCE

GOLDEN = json.loads((REFERENCE / "golden_calibrate_options.json").read_text())
CASES = GOLDEN["cases"]
RTOL = 1e-8
REPLICATED = {"strat_jkn": ("strat", "jkn"), "clus1_jk1": ("clus1", "jk1")}


def design(name: str):
    if name in REPLICATED:
        base, method = REPLICATED[name]
        return build(base).replicate(method)
    return build(name)


def unit_bounds(des) -> tuple[np.ndarray, np.ndarray]:
    """The script's per-row bounds: (0.97, 1.02) for elementary schools, (0.9, 1.1) else."""
    elementary = (des.data["stype"] == "E").to_numpy()
    return np.where(elementary, 0.97, 0.9), np.where(elementary, 1.02, 1.1)


@cache
def result(name: str):
    case = CASES[name]
    des = design(case["design"])
    call = dict(case["call"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MicropopWarning)  # negative weights, as R
        if "margins" in call:
            return des.rake(**call)
        if call.get("bounds") == ["unit_lower", "unit_upper"]:
            call["bounds"] = unit_bounds(des)
        return des.calibrate(**call)


ESTIMATES = {
    "total_api_stu": lambda d: d.total("api.stu"),
    "mean_api00": lambda d: d.mean("api00"),
    "mean_comp_imp": lambda d: d.mean("comp.imp"),
    "mean_api00_by_awards": lambda d: d.mean("api00", by="awards"),
    "total_api00_by_stype": lambda d: d.total("api00", by="stype"),
    "mean_api00_awards_yes": lambda d: d.subset("awards == 'Yes'").mean("api00"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_weights_match_r(name):
    expected = np.array(CASES[name]["results"]["weights"])
    np.testing.assert_allclose(result(name).weights.to_numpy(), expected, rtol=RTOL)


@pytest.mark.parametrize("estimate", sorted(ESTIMATES))
@pytest.mark.parametrize("name", sorted(CASES))
def test_estimates_and_se_match_r(name, estimate):
    expected = CASES[name]["results"][estimate]
    got = ESTIMATES[estimate](result(name))
    np.testing.assert_allclose(got.estimate, expected["estimate"], rtol=RTOL)
    np.testing.assert_allclose(got.se, expected["se"], rtol=RTOL)


@pytest.mark.parametrize("name", sorted(n for n in CASES if "aggregate" in CASES[n]["call"]))
def test_aggregated_weights_are_constant_within_units(name):
    des = result(name)
    stage = CASES[name]["call"]["aggregate"]
    unit = des.data["dnum"] if stage == 1 else des.data["snum"]
    spread = des.weights.groupby(unit.to_numpy()).agg(np.ptp)
    assert spread.max() <= 1e-9 * des.weights.abs().max()


def test_rake_stopped_early_warns_with_the_margins_off():
    case = CASES["rake_maxit2_clus1"]
    with pytest.warns(MicropopWarning, match=r"did not converge.*2 sweeps.*margin 'stype' "
                                             r"level 'M' reaches 1,022\.28 against its target "
                                             r"1,018 \(relative gap"):
        build("clus1").rake(**case["call"])


def test_golden_covers_every_option():
    calls = [c["call"] for c in CASES.values()]
    assert {"variance", "bounds_const", "aggregate", "on_nonconvergence"} <= {
        k for call in calls for k in call}
    assert {c["design"] for c in CASES.values()} >= {"strat", "strat_jkn", "clus1", "clus2",
                                                      "clus1_jk1"}
    assert GOLDEN["meta"]["survey"] == "4.1.1"
