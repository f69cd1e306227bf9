"""Golden tests: pchisqsum / pFsum and svychisq(statistic="saddlepoint") against R.

Cases come from ``tests/reference/make_refs_chisqsum.R`` (R 4.2.2, survey
4.1.1), which builds its designs with make_refs.R's code and fixtures; the
designs are rebuilt here with test_golden_linearization's helpers. Agreement:
relative 1e-8 (absolute 1e-10 near zero). R cannot run method "integration"
here (no CompQuadForm): test_chisqsum checks it against exact and independent values.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from micropop.estimation.chisqsum import pchisqsum, pfsum
from support.golden import ATOL_NEAR_ZERO, RTOL, build
from support.paths import REFERENCE

GOLDEN = json.loads((REFERENCE / "golden_chisqsum.json").read_text())
DISTRIBUTION = GOLDEN["distribution"]
SVYCHISQ = GOLDEN["svychisq"]


@pytest.mark.parametrize("case", DISTRIBUTION, ids=[c["id"] for c in DISTRIBUTION])
def test_distribution_matches_r(case):
    args = dict(lower_tail=case["lower_tail"], method=case["method"])
    if case["fun"] == "pchisqsum":
        ours = pchisqsum(case["x"], case["df"], case["a"], **args)
    else:
        ours = pfsum(case["x"], case["df"], case["a"], ddf=case["ddf"], **args)
    np.testing.assert_allclose(ours, case["p"], rtol=RTOL, atol=ATOL_NEAR_ZERO)


@pytest.mark.parametrize("case", SVYCHISQ, ids=[c["id"] for c in SVYCHISQ])
def test_svychisq_saddlepoint_matches_r(case):
    des = build(case["design"])
    if case["subset"]:
        des = des.subset(case["subset"])
    test = des.chisq(case["rows"], case["cols"], statistic="saddlepoint")
    np.testing.assert_allclose([test.statistic, test.p_value],
                               [case["statistic"], case["p_value"]],
                               rtol=RTOL, atol=ATOL_NEAR_ZERO)
    assert test.statistic_name == "X-squared"
    assert test.method == "Pearson's X^2: saddlepoint approximation"
