"""Golden tests: the interval types of R's svyquantile (``interval_type=``).

Cases come from ``tests/reference/make_refs_quantile_intervals.R`` on the
designs of ``golden.json`` (see test_golden_linearization for the tolerance):
Woodruff intervals ("mean", "beta", "xlogit", "asin"), Francisco and
Fuller's "score" interval, and replicate quantiles ("quantile"). On replicate
designs R's svyquantile ignores "beta", "xlogit" and "asin", so those cases
hold R's ``woodruffCI(..., method=)`` called directly. Where R stops (a score
test without a root), micropop raises. The bounds are compared as R gives
them, even reversed (R's "shahvaish" rule is not monotone in p); the SE as its
absolute value.
"""

from __future__ import annotations

import json
import warnings

import pytest

from micropop.errors import DesignError, OptionError, QuantileIntervalError
from support.golden import assert_quantile_case, build
from support.paths import REFERENCE

GOLDEN = json.loads((REFERENCE / "golden_quantile_intervals.json").read_text())
CASES = GOLDEN["cases"]


def _quantile(case):
    des = build(case["design"])
    by = case["by"][0] if case["by"] else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NaN bounds warn, as test_golden_quantiles checks
        return des.quantile(case["vars"], case["probs"], by=by, qrule=case["qrule"],
                            na_rm=case["na_rm"], interval_type=case["interval_type"])


def test_reference_metadata():
    assert GOLDEN["meta"]["survey_version"] and GOLDEN["meta"]["r_version"]
    kinds = {(c["interval_type"], c["design"].startswith("rep_")) for c in CASES}
    assert kinds >= {(t, False) for t in ("mean", "beta", "xlogit", "asin", "score")}
    assert kinds >= {(t, True) for t in ("mean", "beta", "xlogit", "asin", "quantile")}


@pytest.mark.parametrize("case", [c for c in CASES if c["error"] is None],
                         ids=[c["id"] for c in CASES if c["error"] is None])
def test_quantile_intervals_match_r(case):
    assert_quantile_case(_quantile(case), case)


@pytest.mark.parametrize("case", [c for c in CASES if c["error"] is not None],
                         ids=[c["id"] for c in CASES if c["error"] is not None])
def test_score_without_root_raises_where_r_stops(case):
    assert "opposite sign" in case["error"]
    with pytest.raises(QuantileIntervalError, match="no root"):
        _quantile(case)


@pytest.mark.parametrize("error", GOLDEN["errors"], ids=[e["id"] for e in GOLDEN["errors"]])
def test_interval_types_r_refuses(error):
    with pytest.raises(DesignError, match=f"interval_type='{error['interval_type']}'"):
        build(error["design"]).quantile("api00", 0.5, interval_type=error["interval_type"])


def test_unknown_interval_type():
    with pytest.raises(OptionError, match="interval_type='likelihood' is not one of"):
        build("srs").quantile("api00", 0.5, interval_type="likelihood")
