"""Golden tests: profiles, goodness of fit, standardisation and earnings shares against R.

Numbers from ``tests/reference/make_refs_profile.R`` (R 4.2.2, survey 4.1.1:
svymean, svyciprop, svygofchisq, svystandardize, svyquantile), which rebuilds
the reference populations from the CSV tables independently of micropop.
Agreement to relative 1e-8.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import micropop as mp
from micropop import earnings
from micropop.profile import (
    Reference,
    goodness_of_fit,
    insee_education,
    insee_population,
    profile,
    standardize,
)
from support.paths import REFERENCE

GOLDEN = json.loads((REFERENCE / "golden_profile.json")
                    .read_text(encoding="utf-8"))
RTOL = 1e-8

REFERENCES = {
    "sex_18_74": lambda: insee_population("sex", ages=(18, 74)),
    "age_band_18_74": lambda: insee_population("age_band", ages=(18, 74)),
    "sex_18_64": lambda: insee_population("sex", ages=(18, 64)),
    "age_band_18_64": lambda: insee_population("age_band", ages=(18, 64)),
    "education_25_64": insee_education,
}


@pytest.fixture(scope="module")
def workers() -> mp.SurveyDesign:
    return mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")


@pytest.fixture(scope="module")
def population() -> mp.SurveyDesign:
    return mp.SurveyDesign(mp.datasets.load_population_survey(), weights="weight",
                           strata="region", psu=["commune_id", "household_id"],
                           fpc=["fpc1", "fpc2"])


def _design(name, workers, population):
    return workers if name == "worker" else population


@pytest.mark.parametrize("survey", ["worker", "population"])
def test_degf(survey, workers, population):
    assert _design(survey, workers, population).degf == GOLDEN[survey]["degf"]


@pytest.mark.parametrize("survey,case", [(s, c) for s in ("worker", "population")
                                         for c in GOLDEN[s]["shares"]],
                         ids=lambda v: v if isinstance(v, str) else v["variable"])
def test_profile_shares_match_svymean(survey, case, workers, population):
    prof = profile(_design(survey, workers, population), case["variable"])
    table = prof.to_frame()
    np.testing.assert_allclose(table["share"], case["estimate"], rtol=RTOL)
    np.testing.assert_allclose(table["se"], case["se"], rtol=RTOL)


def test_share_intervals_match_svyciprop(workers):
    table = profile(workers, "sex").to_frame().set_index("level")
    for case in GOLDEN["worker"]["ciprop"]:
        ours = table.loc[case["level"], ["ci_low", "ci_high"]].to_numpy(dtype=float)
        np.testing.assert_allclose(ours, case["ci"], rtol=RTOL)


@pytest.mark.parametrize("survey,case", [(s, c) for s in ("worker", "population")
                                         for c in GOLDEN[s]["gof"]],
                         ids=lambda v: v if isinstance(v, str) else v["id"])
def test_goodness_of_fit_matches_svygofchisq(survey, case, workers, population):
    design = _design(survey, workers, population)
    if case["subset"] is not None:
        low, high = case["subset"]
        design = design.subset(f"age >= {low} and age <= {high}")
    reference = REFERENCES[case["id"]]()
    shares = reference.shares.reindex(case["levels"]).to_numpy()
    np.testing.assert_allclose(shares, np.array(case["reference"]) / sum(case["reference"]),
                               rtol=1e-12)
    test = goodness_of_fit(design, case["variable"], reference)
    assert test.degf == case["degf"]
    np.testing.assert_allclose(test.pearson, case["statistic"], rtol=RTOL)
    np.testing.assert_allclose(test.scale, case["scale"], rtol=RTOL)
    np.testing.assert_allclose(test.df, case["df"], rtol=RTOL)
    np.testing.assert_allclose(test.p_value, case["p_value"], rtol=RTOL)
    lam = np.sort(case["lambda"])[::-1]
    np.testing.assert_allclose(test.eigenvalues, lam, rtol=RTOL, atol=1e-8 * lam[0])
    # first-order and F forms follow from the same eigenvalues
    k = len(case["levels"])
    total = float(np.sum(case["lambda"]))
    np.testing.assert_allclose(test.rs1_chisq, case["statistic"] * (k - 1) / total, rtol=RTOL)
    np.testing.assert_allclose(test.f, case["statistic"] / total, rtol=RTOL)
    np.testing.assert_allclose(test.ddf, case["df"] * case["degf"], rtol=RTOL)


@pytest.mark.parametrize("survey,case", [(s, c) for s in ("worker", "population")
                                         for c in GOLDEN[s]["standardize"]],
                         ids=lambda v: v if isinstance(v, str) else v["id"])
def test_standardize_matches_svystandardize(survey, case, workers, population):
    design = _design(survey, workers, population)
    standard = Reference(dict(zip(case["levels"], case["population"], strict=True)))
    est = standardize(design, case["variable"], by=case["by"], standard=standard)
    np.testing.assert_allclose(est.estimate, case["estimate"], rtol=RTOL)
    np.testing.assert_allclose(est.se, case["se"], rtol=RTOL)


def test_standardize_with_the_insee_helper_matches(workers):
    case = GOLDEN["worker"]["standardize"][0]
    est = standardize(workers, "education", standard=insee_population("age_band",
                                                                      ages=(18, 74)))
    np.testing.assert_allclose(est.estimate, case["estimate"], rtol=RTOL)


@pytest.fixture(scope="module")
def earnings_estimates(workers):
    parts = [earnings.earnings_shares(workers), earnings.below_minimum_wage(workers, 2019),
             earnings.below_minimum_wage(workers, 2018),
             earnings.below_poverty_line(workers, 2016),
             earnings.below_poverty_line(workers, 2019)]
    out = {}
    for est in parts:
        ci = est.ci()
        for k, name in enumerate(est.index):
            out[name] = (est.estimate[k], est.se[k], ci.iloc[k].to_numpy(dtype=float))
    return out


@pytest.mark.parametrize("case", GOLDEN["worker"]["earnings"], ids=lambda c: c["name"])
def test_earnings_shares_match_r(case, earnings_estimates):
    estimate, se, ci = earnings_estimates[case["name"]]
    np.testing.assert_allclose(estimate, case["estimate"], rtol=RTOL)
    np.testing.assert_allclose(se, case["se"], rtol=RTOL)
    np.testing.assert_allclose(ci, case["ci"], rtol=RTOL)


def test_earnings_by_domain_match_svyby(workers):
    case = GOLDEN["worker"]["earnings_below5_by_frequency"]
    est = earnings.earnings_shares(workers, thresholds=[5], by="frequency")
    below = [k for k, label in enumerate(est.index) if label[0] == "earnings_month < 5"]
    assert [est.index[k][1] for k in below] == case["domain"]
    np.testing.assert_allclose(est.estimate[below], case["estimate"], rtol=RTOL)
    np.testing.assert_allclose(est.se[below], case["se"], rtol=RTOL)


def test_hourly_median_matches_svyquantile(workers):
    case = GOLDEN["worker"]["hourly_median"]
    est = earnings.hourly_quantile(workers, 0.5)
    np.testing.assert_allclose(est.estimate, case["estimate"], rtol=RTOL)
    np.testing.assert_allclose(est.se, case["se"], rtol=RTOL)
    np.testing.assert_allclose(est.ci().to_numpy().ravel(), case["ci"], rtol=RTOL)


def test_profile_by_domain_uses_the_engine_chisq(workers):
    case = GOLDEN["worker"]["chisq_education_frequency"]
    test = profile(workers, "education", by="frequency").independence["education"]
    for name in ("statistic", "ndf", "ddf", "p_value"):
        np.testing.assert_allclose(getattr(test, name), case[name], rtol=RTOL, err_msg=name)
