"""Two-list estimators, Schnabel, Chao and Zelterman: hand examples and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import micropop.size as size

Z95 = stats.norm.ppf(0.975)


def test_lincoln_petersen_by_hand() -> None:
    est = size.lincoln_petersen(100, 80, 20)
    assert est.estimate == 400.0
    assert est.se == pytest.approx(math.sqrt(100 * 80 * 80 * 60 / 20 ** 3))
    assert (est.ci_low, est.ci_high) == pytest.approx((400 - Z95 * est.se, 400 + Z95 * est.se))
    assert est.method == "Lincoln-Petersen" and est.ci_method == "normal (Wald)"
    assert dict(est.inputs) == {"n1": 100, "n2": 80, "m": 20, "n_observed": 160}


def test_chapman_by_hand() -> None:
    est = size.chapman(60, 50, 20)
    assert est.estimate == pytest.approx(61 * 51 / 21 - 1)
    assert est.se ** 2 == pytest.approx(61 * 51 * 40 * 30 / (21 ** 2 * 22))


def test_lognormal_interval_is_chao_1987() -> None:
    est = size.chapman(60, 50, 20, ci="lognormal", level=0.9)
    f = 60 + 50 - 20
    c = math.exp(stats.norm.ppf(0.95) * math.sqrt(math.log(1 + est.se ** 2
                                                            / (est.estimate - f) ** 2)))
    assert est.ci_low == pytest.approx(f + (est.estimate - f) / c)
    assert est.ci_high == pytest.approx(f + (est.estimate - f) * c)
    assert est.ci_level == 0.9 and est.ci_method == "log-normal (Chao 1987)"


def test_lognormal_interval_collapses_when_everyone_seen() -> None:
    est = size.chapman(30, 50, 30, ci="lognormal")  # list 1 inside list 2: N = f = 50
    assert (est.estimate, est.se, est.ci_low, est.ci_high) == (50.0, 0.0, 50.0, 50.0)


def test_profile_interval_two_lists() -> None:
    lp = size.lincoln_petersen(100, 80, 20, ci="profile")
    ch = size.chapman(100, 80, 20, ci="profile")
    assert (lp.ci_low, lp.ci_high) == pytest.approx((ch.ci_low, ch.ci_high))
    assert lp.ci_low < lp.estimate < lp.ci_high
    assert lp.ci_high - lp.estimate > lp.estimate - lp.ci_low  # skewed to the right
    assert lp.ci_low > 160
    # same likelihood as the independence log-linear model on two lists
    hist = pd.DataFrame({"a": [1, 1, 0], "b": [1, 0, 1]})
    ll = size.loglinear(hist, freq=[20, 80, 60])
    assert (ll.ci_low, ll.ci_high) == pytest.approx((lp.ci_low, lp.ci_high), rel=1e-6)
    assert ll.estimate == pytest.approx(lp.estimate)


def test_profile_interval_without_recapture_is_unbounded() -> None:
    est = size.chapman(40, 30, 0, ci="profile")
    assert est.ci_high == math.inf and est.ci_low >= 70


def test_two_list_counts_from_each_input_form() -> None:
    ids = {"wave1": [1, 2, 3, 4, 5], "roster": [4, 5, 6]}
    frame = pd.DataFrame({"wave1": [1, 1, 1, 1, 1, 0], "roster": [0, 0, 0, 1, 1, 1]})
    patterns = pd.DataFrame({"wave1": [1, 1, 0], "roster": [1, 0, 1], "n": [2, 3, 1]})
    assert size.two_list_counts(ids) == (5, 3, 2)
    assert size.two_list_counts(frame) == (5, 3, 2)
    assert size.two_list_counts(patterns, freq="n") == (5, 3, 2)
    assert size.two_list_counts(patterns.drop(columns="n"), freq=[2, 3, 1]) == (5, 3, 2)


def test_schnabel_by_hand() -> None:
    # C = 3, 3, 3; M = 0, 3, 5; R = 0, 1, 2: N = 24 / 3 = 8
    hist = pd.DataFrame([[1, 1, 0], [1, 0, 1], [0, 1, 1], [1, 0, 0], [0, 0, 1], [0, 1, 0]],
                        columns=["t1", "t2", "t3"])
    est = size.schnabel(hist)
    assert est.estimate == 8.0
    assert est.se == pytest.approx(64 * math.sqrt(3) / 24)
    assert est.inputs["recaptures"] == [0, 1, 2]
    assert est.ci_high == math.inf  # 1/N - z se(1/N) < 0: three recaptures bound nothing
    big = size.schnabel(hist, freq=[10] * 6)  # C = 30, M = 0, 30, 50, R = 0, 10, 20
    half = Z95 * math.sqrt(30) / 2400
    assert big.estimate == 80.0
    # the inverted normal limit 1 / (30/2400 + half) = 56.7 is below the 60 people seen:
    # the interval is truncated there
    assert (big.ci_low, big.ci_high) == pytest.approx((60, 1 / (30 / 2400 - half)))


def test_schnabel_two_occasions_is_lincoln_petersen() -> None:
    hist = pd.DataFrame({"a": [1, 1, 0], "b": [1, 0, 1]})
    assert size.schnabel(hist, freq=[20, 80, 60]).estimate == pytest.approx(400.0)


def test_chao_lower_bound_forms() -> None:
    f = [40, 10, 5]
    s = 55
    assert size.chao_lower_bound(f).estimate == pytest.approx(s + 40 ** 2 / 20)
    assert size.chao_lower_bound(f, occasions=4).estimate == pytest.approx(
        s + 0.75 * 40 ** 2 / 20)
    bc = size.chao_lower_bound([12, 0, 1], bias_corrected=True)
    assert bc.estimate == pytest.approx(13 + 12 * 11 / 2)
    assert bc.ci_low >= 13 and math.isfinite(bc.se)


def test_zelterman_by_hand() -> None:
    est = size.zelterman([100, 30, 8])
    assert est.estimate == pytest.approx(138 / (1 - math.exp(-0.6)))


def test_zelterman_se_matches_simulation() -> None:
    """Böhning's conditional variance against the spread of simulated estimates."""
    rng = np.random.default_rng(20240501)
    captures = rng.poisson(0.4, size=(400, 8000))
    f = np.stack([(captures == k).sum(axis=1) for k in (1, 2, 3)], axis=1)
    fits = [size.zelterman(row) for row in f]
    spread = np.std([e.estimate for e in fits], ddof=1)
    mean_se = np.mean([e.se for e in fits])
    assert mean_se == pytest.approx(spread, rel=0.15)
    assert np.mean([e.estimate for e in fits]) == pytest.approx(8000, rel=0.02)


def test_estimators_share_the_result_type() -> None:
    results = [size.lincoln_petersen(50, 40, 10), size.chapman(50, 40, 10),
               size.chao_lower_bound([30, 10]), size.zelterman([30, 10])]
    frame = pd.concat([r.to_frame() for r in results], ignore_index=True)
    assert frame["method"].tolist() == ["Lincoln-Petersen", "Chapman", "Chao lower bound",
                                        "Zelterman"]
    assert all(r.assumptions for r in results)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5000), st.integers(1, 5000), st.data())  # an empty list is refused
def test_chapman_at_least_observed(n1: int, n2: int, data) -> None:
    m = data.draw(st.integers(0, min(n1, n2)))
    est = size.chapman(n1, n2, m, ci="lognormal")
    observed = n1 + n2 - m
    assert est.estimate >= observed - 1e-9 * max(observed, 1)
    assert est.ci_low >= observed - 1e-9 * max(observed, 1)
