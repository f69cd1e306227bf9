"""micropop.earnings: shares below thresholds, hourly earnings, living standards, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import micropop as mp
from micropop import earnings
from micropop.errors import (
    EarningsError,
    MicropopError,
    MissingValuesError,
    NegativeEarningsError,
    ReferenceYearError,
    ZeroHoursError,
)


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return mp.datasets.load_worker_survey()


@pytest.fixture(scope="module")
def des(df) -> mp.SurveyDesign:
    return mp.SurveyDesign(df, weights="weight")


def _weighted_share(df, mask):
    return float((df["weight"] * mask).sum() / df["weight"].sum())


def test_earnings_shares_are_weighted_shares_with_a_joint_covariance(df, des):
    est = earnings.earnings_shares(des)
    assert list(est.index) == ["earnings_month = 0", "earnings_month < 5",
                               "earnings_month < 10", "earnings_month < 20",
                               "earnings_month < 50"]
    expected = [_weighted_share(df, df["earnings_month"] == 0)] + [
        _weighted_share(df, df["earnings_month"] < t) for t in (5, 10, 20, 50)]
    np.testing.assert_allclose(est.estimate, expected, rtol=1e-12)
    assert np.all(np.diff(est.estimate) >= 0)
    assert est.vcov[1, 2] > 0  # nested indicators covary
    ci = est.ci()
    assert (ci["ci_low"] < est.estimate).all() and (ci["ci_high"] > est.estimate).all()
    assert est.interval_level == 0.95


def test_thresholds_are_strict():
    frame = pd.DataFrame({"pay": [0.0, 5.0, 4.99, 10.0], "w": 1.0})
    est = earnings.earnings_shares(mp.SurveyDesign(frame, weights="w"), "pay",
                                   thresholds=[5, 10])
    assert est.estimate.tolist() == [0.25, 0.5, 0.75]


def test_negative_earnings_are_refused_and_counted(df):
    bad = df.assign(earnings_month=df["earnings_month"].where(df.index > 1, -3.0))
    with pytest.raises(NegativeEarningsError, match=r"2 negative value\(s\) in data rows 1, 2"):
        earnings.earnings_shares(mp.SurveyDesign(bad, weights="weight"))


def test_missing_earnings_are_counted_and_need_na_rm(df):
    gaps = df.assign(earnings_month=df["earnings_month"].mask(df.index % 100 == 0))
    des = mp.SurveyDesign(gaps, weights="weight")
    with pytest.raises(MissingValuesError, match=r"10 missing value\(s\)") as err:
        earnings.earnings_shares(des)
    assert "na_rm=True" in str(err.value) and isinstance(err.value, MicropopError)
    est = earnings.earnings_shares(des, na_rm=True)
    kept = gaps[gaps["earnings_month"].notna()]
    assert est.estimate[1] == pytest.approx(_weighted_share(kept, kept["earnings_month"] < 5))
    assert est.n[0] == 990
    # the same as a domain of the full design (R's na.rm keeps the design)
    domain = des.subset(gaps["earnings_month"].notna().to_numpy())
    np.testing.assert_allclose(earnings.earnings_shares(domain).se, est.se, rtol=1e-12)


def test_subsets_and_replicate_designs(df, des):
    weekly = des.subset("frequency == 'weekly'")
    est = earnings.earnings_shares(weekly, thresholds=[5])
    part = df[df["frequency"] == "weekly"]
    assert est.estimate[1] == pytest.approx(_weighted_share(part, part["earnings_month"] < 5))
    by = earnings.earnings_shares(des, thresholds=[5], by="frequency")
    np.testing.assert_allclose(by.se[3], est.se[1], rtol=1e-12)
    rep = des.replicate("jk1")
    est_rep = earnings.below_poverty_line(rep, 2016)
    assert est_rep.estimate[0] == pytest.approx(earnings.below_poverty_line(des).estimate[0])
    assert "jk1" in est_rep.variance


def test_hourly_earnings_convention(des):
    frame = pd.DataFrame({"pay": [1521.22, 10.0], "hours": [35.0, 1.0], "w": 1.0})
    rate = earnings.hourly_earnings(mp.SurveyDesign(frame, weights="w"), "pay", "hours")
    assert rate.iloc[0] == pytest.approx(10.03, abs=1e-4)  # the legal month: 35 h x 52/12
    assert rate.iloc[1] == pytest.approx(10 * 12 / 52)
    assert earnings.WEEKS_PER_MONTH == 52 / 12


def test_zero_hours_are_explicit(df):
    frame = df.assign(hours_week=df["hours_week"].where(df.index >= 3, 0.0))
    des = mp.SurveyDesign(frame, weights="weight")
    with pytest.raises(ZeroHoursError, match=r"0 in 3 row\(s\) \(data rows 1, 2, 3 "
                                                   r"\(file lines 2, 3, 4; id 1, 2, 3\)\)"):
        earnings.below_minimum_wage(des)
    rate = earnings.hourly_earnings(des, zero_hours="exclude")
    assert rate.isna().sum() == 3
    est = earnings.below_minimum_wage(des, zero_hours="exclude")
    assert est.n[0] == 997
    median = earnings.hourly_quantile(des, 0.5, zero_hours="exclude")
    assert np.isfinite(median.estimate[0])
    with pytest.raises(ValueError, match="zero_hours"):
        earnings.hourly_earnings(des, zero_hours="drop")


def test_minimum_wage_share_uses_the_year(des):
    assert earnings.minimum_wage(2018) == 9.88
    est = earnings.below_minimum_wage(des, year=2018)
    assert est.index[0] == "hourly earnings < SMIC 2018 (9.88)"
    with pytest.raises(ReferenceYearError, match="available years: 2018, 2019"):
        earnings.below_minimum_wage(des, year=2017)


def test_consumption_units_follow_the_oecd_modified_scale(df):
    units = earnings.oecd_consumption_units(df["household_size"], df["children_under14"])
    np.testing.assert_allclose(units, df["consumption_units"], atol=1e-9)
    assert earnings.oecd_consumption_units([3], [1]).tolist() == [pytest.approx(1.8)]
    with pytest.raises(EarningsError, match="without a person aged 14 or more"):
        earnings.oecd_consumption_units([2, 1], [0, 1])


def test_poverty_share_reproduces_the_published_22_percent(df, des):
    est = earnings.below_poverty_line(des, year=2016)
    assert est.index[0] == "standard of living < 1026 (INSEE 2016)"
    assert est.estimate[0] == pytest.approx(_weighted_share(df, df["below_poverty_line"]))
    assert round(float(est.estimate[0]), 3) == 0.22
    later = earnings.below_poverty_line(des, year=2019)
    assert later.estimate[0] >= est.estimate[0]  # a higher line


def test_poverty_line_year_not_in_the_table(des):
    with pytest.raises(ReferenceYearError) as err:
        earnings.below_poverty_line(des, year=2021)
    assert "available years: 2015, 2016, 2017, 2018, 2019" in str(err.value)
    assert isinstance(err.value, KeyError) and isinstance(err.value, MicropopError)


def test_missing_incomes_are_counted(df):
    gaps = df.assign(hh_income_month=df["hh_income_month"].mask(df.index < 4))
    des = mp.SurveyDesign(gaps, weights="weight")
    with pytest.raises(MissingValuesError, match=r"'hh_income_month' has 4 missing"):
        earnings.below_poverty_line(des)
    assert earnings.below_poverty_line(des, na_rm=True).n[0] == 996
    assert earnings.standard_of_living(des, na_rm=True).isna().sum() == 4


def test_non_numeric_earnings(des):
    with pytest.raises(MicropopError, match="'sex' is category, not numeric"):
        earnings.earnings_shares(des, "sex")
