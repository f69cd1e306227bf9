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

from functools import cache

import numpy as np
import pytest

from micropop.errors import MicropopWarning
from support.calibrate_options import CASES, GOLDEN, STATISTICS, statistic, weighted
from support.golden import build

RTOL = 1e-8


@cache
def result(name: str):
    return weighted(name, build)


def estimate(name: str, what: str):
    """One of the script's estimates on the case's design."""
    return statistic(result(name), what)


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_matches_r(name):
    expected = CASES[name]["results"]
    np.testing.assert_allclose(result(name).weights.to_numpy(), expected["weights"], rtol=RTOL)
    for what in STATISTICS:
        got = estimate(name, what)
        for field in ("estimate", "se"):
            np.testing.assert_allclose(getattr(got, field), expected[what][field], rtol=RTOL,
                                       err_msg=f"{what} {field}")


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
