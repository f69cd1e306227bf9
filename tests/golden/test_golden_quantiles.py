"""Golden tests: quantiles and their Woodruff intervals against R's svyquantile.

Cases come from ``tests/reference/make_refs.R`` (see test_golden_linearization
for the designs and the tolerance). R's NaN bounds (an interval for the share
reaching beyond [0, 1]) must be NaN here too.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from micropop.design import SurveyDesign
from micropop.estimation import quantiles
from support.golden import GOLDEN, build, close_with_nan, quantile_r_names

CASES = GOLDEN["quantiles"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_quantiles_match_r(case):
    des = build(case["design"])
    by = case["by"][0] if case["by"] else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NaN bounds warn, as checked below
        est = des.quantile(case["vars"], case["probs"], by=by, qrule=case["qrule"],
                           na_rm=case["na_rm"])
    assert quantile_r_names(est, by is not None) == case["names"]
    ci = est.ci()
    close_with_nan(est.estimate, case["estimate"], "quantile")
    close_with_nan(est.se, case["se"], "se")
    close_with_nan(ci["ci_low"], case["ci_low"], "ci_low")
    close_with_nan(ci["ci_high"], case["ci_high"], "ci_high")


def test_nan_bounds_warn():
    with pytest.warns(UserWarning, match="beyond the data"):
        est = build("clus1").quantile("api00", 0.25, by="stype")
    assert np.isnan(est.ci()["ci_low"]).sum() == 2


@pytest.mark.parametrize("seed", range(6))
def test_windows_give_the_full_sort(monkeypatch, seed):
    """Large columns are sorted only near each quantile: the same numbers as the full sort.

    Shrinking the size where windows start (and so the sample that brackets
    each quantile) runs them, widening included, on small data with ties,
    zero weights and probabilities at the ends.
    """
    rng = np.random.default_rng(seed)
    n = 500 + 300 * seed
    x = rng.integers(0, 30, n).astype(float) if seed % 2 else rng.lognormal(3, 1, n)
    w = rng.integers(1, 4, n) * 1.7 if seed % 3 else rng.uniform(0.5, 3, n)
    w[rng.random(n) < 0.05] = 0
    des = SurveyDesign(pd.DataFrame({"x": x, "w": w, "psu": np.arange(n) // 4}),
                       weights="w", psu="psu")
    probs = [0, 0.001, 0.1, 0.5, 0.77, 0.9, 1]
    for rule in quantiles._LOCAL_RULES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            full = des.quantile("x", probs, qrule=rule)
            monkeypatch.setattr(quantiles._WindowedColumn, "MIN_ROWS", 16)
            windowed = des.quantile("x", probs, qrule=rule)
            monkeypatch.undo()
        for ours, theirs in ((windowed.estimate, full.estimate),
                             (windowed.ci().to_numpy(), full.ci().to_numpy())):
            np.testing.assert_allclose(ours, theirs, rtol=1e-14, err_msg=rule)
