"""Golden tests: svychisq's tests of association, and our bootstrap against R's.

Cases come from ``tests/reference/make_refs.R``; designs and tolerance as in
test_golden_linearization. Bootstrap replicates differ from R's (numpy's
generator, not R's), so those SEs are compared loosely: both are Monte Carlo
estimates of the same variance, with 2,000 replicates each.
"""

from __future__ import annotations

import numpy as np
import pytest

from support.golden import ATOL_NEAR_ZERO, GOLDEN, RTOL, build

CHISQ = GOLDEN["chisq"]
BOOTSTRAP = GOLDEN["bootstrap"]


@pytest.mark.parametrize("case", CHISQ, ids=[c["id"] for c in CHISQ])
def test_chisq_matches_svychisq(case):
    des = build(case["design"])
    if case["subset"]:
        des = des.subset(case["subset"])
    test = des.chisq(case["rows"], case["cols"], statistic=case["statistic_name"])
    ddf = np.inf if case["ddf"] is None else case["ddf"]
    ours = [test.statistic, test.ndf, test.ddf, test.p_value]
    np.testing.assert_allclose(ours, [case["statistic"], case["ndf"], ddf, case["p_value"]],
                               rtol=RTOL, atol=ATOL_NEAR_ZERO)


@pytest.mark.parametrize("case", BOOTSTRAP, ids=[c["id"] for c in BOOTSTRAP])
def test_bootstrap_agrees_loosely_with_r(case):
    rep = build(case["design"]).replicate("bootstrap", replicates=int(case["replicates"]),
                                          seed=20240602)
    est = rep.mean(case["vars"])
    assert rep.scale == pytest.approx(case["scale"], rel=1e-12)  # R's scale, exactly
    np.testing.assert_allclose(est.estimate, case["estimate"], rtol=RTOL)
    # Monte Carlo error of an SE from 2,000 replicates is about 1.6%; two of them
    np.testing.assert_allclose(est.se, case["se"], rtol=0.08)
