"""Golden tests: proportions and svyciprop's interval methods against R.

Cases come from ``tests/reference/make_refs.R``; designs and tolerance as in
test_golden_linearization.
"""

from __future__ import annotations

import numpy as np
import pytest

from support.golden import ATOL_NEAR_ZERO, GOLDEN, RTOL, build

CASES = GOLDEN["proportions"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_proportions_match_r(case):
    by = case["by"][0] if case["by"] else None
    est = build(case["design"]).proportion(case["variable"], level=case["level"],
                                           ci=case["method"], by=by,
                                           conf_level=case["conf_level"])
    frame = est.index.to_frame(index=False)
    assert (frame["domain"] if by else frame["level"]).tolist() == case["names"]
    ci = est.ci()
    for ours, key in ((est.estimate, "estimate"), (est.se, "se"),
                      (ci["ci_low"], "ci_low"), (ci["ci_high"], "ci_high")):
        np.testing.assert_allclose(ours, case[key], rtol=RTOL, atol=ATOL_NEAR_ZERO,
                                   err_msg=key)
