"""Counts from a general-population survey: totals, rare-trait intervals, circles."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import micropop as mp
from micropop.errors import IndicatorError, MissingValuesError, NestingError, SizeInputError
from micropop.size import Circles, SizeEstimate
from support.paths import REFERENCE

GOLDEN = json.loads((REFERENCE / "golden_size.json").read_text())
POP = GOLDEN["population"]
N = POP["population_total"]
LEVELS = ["less_often", "monthly", "weekly"]
TRUTH_NAMES = {"microwork_12m": "microwork_12m", "monthly_plus": "microwork_monthly_plus",
               "weekly": "microwork_weekly"}


def flat(value) -> float:
    return float(np.ravel(value)[0])


@pytest.fixture(scope="module")
def frame():
    pop = mp.datasets.load_population_survey()
    return pop.assign(monthly_plus=pop["microwork_freq"].isin(["monthly", "weekly"]).astype(int),
                      weekly=(pop["microwork_freq"] == "weekly").astype(int))


def design(frame):
    return mp.SurveyDesign(frame, weights="weight", strata="region",
                           psu=["commune_id", "household_id"], fpc=["fpc1", "fpc2"])


@pytest.fixture(scope="module")
def des(frame):
    return design(frame)


@pytest.fixture(scope="module")
def truth():
    t = mp.datasets.load_population_truth()
    return t[t["domain"] == "all"].set_index("quantity")["value"]


@pytest.mark.parametrize("indicator", ["microwork_12m", "monthly_plus", "weekly"])
def test_total_matches_r(des, indicator) -> None:
    ref = POP[indicator]
    est = mp.size.survey_count(des, indicator)
    assert isinstance(est, SizeEstimate)
    assert est.estimate == pytest.approx(ref["total"], rel=1e-8)
    assert est.se == pytest.approx(flat(ref["total_se"]), rel=1e-8)
    assert [est.ci_low, est.ci_high] == pytest.approx(ref["total_ci"], rel=1e-8)


@pytest.mark.parametrize("indicator", ["microwork_12m", "monthly_plus", "weekly"])
@pytest.mark.parametrize("ci", ["logit", "beta"])
def test_rare_trait_interval_matches_r(des, indicator, ci) -> None:
    ref = POP[indicator]
    est = mp.size.survey_count(des, indicator, ci=ci, population_total=N)
    assert est.estimate / N == pytest.approx(ref["share_beta"], rel=1e-8)  # svymean's share
    assert est.se / N == pytest.approx(ref[f"share_se_{ci}"], rel=1e-8)
    # R's "logit" interval comes from a glm fit stopped at its default epsilon 1e-8,
    # so R itself is only that close to the closed form; "beta" is exact
    tolerance = 1e-7 if ci == "logit" else 1e-8
    assert np.array([est.ci_low, est.ci_high]) / N == pytest.approx(ref[f"share_ci_{ci}"],
                                                                     rel=tolerance)
    assert est.ci_low > 0
    assert est.inputs["population_total"] == N
    assert any("known and fixed" in a for a in est.assumptions)


@pytest.mark.parametrize("ci", ["wald", "logit", "beta"])
@pytest.mark.parametrize("indicator", ["microwork_12m", "monthly_plus", "weekly"])
def test_intervals_cover_the_truth(des, truth, indicator, ci) -> None:
    total = None if ci == "wald" else truth["population_18_64"]
    est = mp.size.survey_count(des, indicator, ci=ci, population_total=total)
    assert est.ci_low <= truth[TRUTH_NAMES[indicator]] <= est.ci_high


def test_by_domain_matches_r(des) -> None:
    ref = POP["microwork_12m_by_sex"]
    counts = mp.size.survey_count(des, "microwork_12m", by="sex")
    assert list(counts) == ref["domain"]
    assert [c.estimate for c in counts.values()] == pytest.approx(ref["total"], rel=1e-8)
    assert [c.se for c in counts.values()] == pytest.approx(ref["total_se"], rel=1e-8)


def test_by_domain_with_known_totals(des) -> None:
    totals = {"female": 19_400_000, "male": 18_943_299}
    counts = mp.size.survey_count(des, "microwork_12m", ci="logit", population_total=totals,
                                  by="sex")
    share = des.proportion("microwork_12m", by="sex").estimate
    assert counts["female"].estimate == pytest.approx(share[0] * totals["female"])
    assert counts["male"].inputs["population_total"] == totals["male"]


def test_by_domain_is_one_size_estimate(des) -> None:
    whole = mp.size.survey_count(des, "microwork_12m")
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        counts = mp.size.survey_count(des, "microwork_12m", by="sex")
        frame, female = counts.to_frame(), counts.domains["female"]
    assert isinstance(counts, SizeEstimate) and counts.by == "sex"
    assert frame.index.name == "sex" and frame.index.tolist() == list(counts.domains)
    assert frame.loc["female", "estimate"] == female.estimate
    assert counts.estimate == pytest.approx(whole.estimate, rel=1e-12)
    assert counts.se == pytest.approx(whole.se, rel=1e-9)
    assert counts.ci_low == pytest.approx(whole.ci_low, rel=1e-9)
    with pytest.warns(DeprecationWarning, match=r"\.domains"):
        assert counts["female"] is female
    with pytest.warns(DeprecationWarning):
        assert dict(counts.items()) == dict(counts.domains) and len(counts) == 2
    with pytest.warns(DeprecationWarning):  # the old dict was a mapping of estimates
        assert mp.size.triangulate(counts).index.tolist() == ["female", "male"]
    with pytest.raises(TypeError, match="no domains"):
        whole["female"]
    assert bool(whole) and "sex" in counts.summary()


def test_by_domain_with_known_totals_sums_the_domains(des) -> None:
    totals = {"female": 19_400_000, "male": 18_943_299}
    counts = mp.size.survey_count(des, "microwork_12m", ci="logit", population_total=totals,
                                  by="sex")
    parts = counts.to_frame()["estimate"]
    assert counts.estimate == pytest.approx(parts.sum(), rel=1e-12)
    assert counts.inputs["population_total"] == sum(totals.values())
    assert counts.ci_low < counts.estimate < counts.ci_high


def test_circles_nest_and_match_counts(des) -> None:
    circles = mp.size.survey_circles(des, "microwork_freq", levels_in_order=LEVELS)
    assert isinstance(circles, Circles)
    frame = circles.to_frame()
    assert frame.index.tolist() == ["at least less_often", "at least monthly",
                                    "at least weekly"]
    expected = [POP[k]["total"] for k in ("microwork_12m", "monthly_plus", "weekly")]
    assert frame["estimate"].tolist() == pytest.approx(expected, rel=1e-8)
    assert frame["estimate"].is_monotonic_decreasing
    assert "never add" in circles.summary()
    assert "<table" in circles._repr_html_()


def test_circles_with_beta_intervals(des, truth) -> None:
    circles = mp.size.survey_circles(
        des, "microwork_freq", ci="beta", population_total=truth["population_18_64"],
        circles={"12 months": LEVELS, "monthly": ["monthly", "weekly"], "weekly": ["weekly"]})
    for name, quantity in zip(circles.estimates, TRUTH_NAMES.values(), strict=True):
        assert circles[name].ci_low <= truth[quantity] <= circles[name].ci_high


def test_circles_that_would_not_nest(des) -> None:
    with pytest.raises(NestingError, match="'weekly' holds less_often"):
        mp.size.survey_circles(des, "microwork_freq",
                               circles={"monthly": ["monthly", "weekly"],
                                        "weekly": ["weekly", "less_often"]})


def test_circles_with_unknown_level(des) -> None:
    with pytest.raises(IndicatorError, match="no level daily"):
        mp.size.survey_circles(des, "microwork_freq", levels_in_order=["monthly", "daily"])


def test_circles_need_one_definition(des) -> None:
    with pytest.raises(SizeInputError, match="either levels_in_order"):
        mp.size.survey_circles(des, "microwork_freq")


def test_circles_class_refuses_larger_inner_circle() -> None:
    big = SizeEstimate(10.0, 1.0, 8.0, 12.0, 0.95, "normal", "x")
    small = SizeEstimate(5.0, 1.0, 3.0, 7.0, 0.95, "normal", "x")
    with pytest.raises(NestingError, match="'weekly' .* is larger than circle 'all'"):
        Circles({"all": small, "weekly": big}, {})


def test_indicator_not_zero_one_names_rows(frame) -> None:
    bad = frame.assign(microwork_12m=frame["microwork_12m"].astype(float))
    bad.loc[[3, 8], "microwork_12m"] = [2.0, -1.0]
    with pytest.raises(IndicatorError,
                       match=r"'microwork_12m' .* data rows 4, 9 \(file lines 5, 10; "
                             r"person_id 831, 1186; values: 2.0, -1.0\)"):
        mp.size.survey_count(design(bad), "microwork_12m")


def test_nan_in_indicator_points_to_na_rm(frame) -> None:
    bad = frame.assign(microwork_12m=frame["microwork_12m"].astype(float))
    bad.loc[5, "microwork_12m"] = np.nan
    des = design(bad)
    with pytest.raises(MissingValuesError, match="na_rm=True"):
        mp.size.survey_count(des, "microwork_12m")
    est = mp.size.survey_count(des, "microwork_12m", na_rm=True)
    assert est.estimate == pytest.approx(POP["microwork_12m"]["total"], rel=1e-2)


def test_share_interval_needs_population_total(des) -> None:
    with pytest.raises(SizeInputError, match="population_total="):
        mp.size.survey_count(des, "microwork_12m", ci="beta")


@pytest.mark.parametrize("total, by", [(-5.0, None), ({"female": 1.0}, None), (1e6, "sex"),
                                       ({"female": 1e6}, "sex")])
def test_bad_population_totals(des, total, by) -> None:
    with pytest.raises(SizeInputError):
        mp.size.survey_count(des, "microwork_12m", ci="logit", population_total=total, by=by)


def test_unknown_interval_method(des) -> None:
    with pytest.raises(SizeInputError, match="'wald', 'logit' or 'beta'"):
        mp.size.survey_count(des, "microwork_12m", ci="wilson")


def test_subset_design_is_kept(des) -> None:
    women = des.subset("sex == 'female'")
    est = mp.size.survey_circles(women, "microwork_freq", levels_in_order=LEVELS)
    first = est.to_frame()["estimate"].iloc[0]
    assert first == pytest.approx(POP["microwork_12m_by_sex"]["total"][0], rel=1e-8)


def test_boolean_indicator(frame) -> None:
    des = design(frame.assign(worker=frame["microwork_12m"] == 1))
    assert mp.size.survey_count(des, "worker").estimate == pytest.approx(
        POP["microwork_12m"]["total"], rel=1e-12)
