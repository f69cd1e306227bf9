"""Weighting: new designs, margins reached, replicates, diagnostics, reference margins."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import micropop as mp
from micropop.design import ReplicateDesign, SurveyDesign
from micropop.weighting import demo_margins, sex_age_margins, weight_summary


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 600
    return pd.DataFrame({
        "psu": np.repeat(np.arange(60), 10),
        "stratum": np.repeat(np.arange(6), 100),
        "sex": pd.Categorical(rng.choice(["female", "male"], n, p=[0.6, 0.4])),
        "age": rng.choice(["18-34", "35-54", "55-74"], n),
        "region": rng.choice([1, 2, 3, 4], n),
        "income": rng.gamma(2.0, 900.0, n),
        "y": rng.normal(10, 3, n),
        "responded": rng.random(n) < 0.8,
        "w": rng.uniform(50, 150, n),
    })


@pytest.fixture(scope="module")
def des(sample) -> SurveyDesign:
    return SurveyDesign(sample, weights="w", strata="stratum", psu="psu")


MARGINS = {"sex": {"female": 31000, "male": 29000},
           "age": {"18-34": 20000, "35-54": 22000, "55-74": 18000},
           "region": {1: 10000, 2: 20000, 3: 15000, 4: 15000}}


def test_methods_return_new_designs_and_leave_the_old_alone(des):
    before = des.weights.to_numpy().copy()
    for new in (des.rake(MARGINS), des.calibrate(MARGINS), des.poststratify("sex", MARGINS["sex"]),
                des.trim(upper=140), des.adjust_nonresponse("responded")):
        assert new is not des and type(new) is SurveyDesign
        assert not np.array_equal(new.weights.to_numpy()[:5], before[:5]) or len(new.data) < 600
    np.testing.assert_array_equal(des.weights.to_numpy(), before)
    assert des.weighting_steps == ()


@pytest.mark.parametrize("method", ["linear", "raking", "logit"])
def test_calibration_reaches_categorical_and_numeric_totals(des, method):
    population = {**MARGINS, "income": 1.1e8}
    new = des.calibrate(population, method=method,
                        bounds=(0.3, 3.0) if method == "logit" else None)
    w = new.weights.to_numpy()
    data = new.data
    assert w @ data["income"].to_numpy() == pytest.approx(1.1e8, rel=1e-9)
    for column, counts in MARGINS.items():
        for level, count in counts.items():
            assert w[(data[column] == level).to_numpy()].sum() == pytest.approx(count, rel=1e-9)
    assert new.weight_summary().largest_residual < 1e-9
    if method == "logit":
        g = w / des.weights.to_numpy()
        assert g.min() >= 0.3 - 1e-12 and g.max() <= 3.0 + 1e-12


def test_raking_and_calibration_by_raking_agree(des):
    raked = des.rake(MARGINS, epsilon=1e-12, max_iter=1000)
    calibrated = des.calibrate(MARGINS, method="raking", epsilon=1e-13)
    np.testing.assert_allclose(raked.weights, calibrated.weights, rtol=1e-8)
    step = raked.weighting_steps[-1]
    assert step.method == "rake" and step.iterations > 1 and step.change < 1e-12 * 6e4


def test_poststratify_a_cross_given_as_dataframe_or_series(des, sample):
    counts = sample.groupby(["sex", "age"], observed=True).size() * 100.0
    frame = counts.rename("N").reset_index()
    by_frame = des.poststratify(["sex", "age"], frame)
    by_series = des.poststratify(["sex", "age"], counts)
    np.testing.assert_allclose(by_frame.weights, by_series.weights)
    cells = by_frame.data.groupby(["sex", "age"], observed=True).size()
    achieved = by_frame.weights.groupby([sample["sex"], sample["age"]], observed=True).sum()
    np.testing.assert_allclose(achieved, cells * 100.0)


def test_poststratify_partial_ignores_absent_levels_with_a_warning(des):
    with pytest.warns(UserWarning, match="'other'"):
        new = des.poststratify("sex", {"female": 3e4, "male": 2e4, "other": 10}, partial=True)
    assert new.weights.sum() == pytest.approx(5e4)


def test_replicate_designs_reweight_every_replicate(des):
    rep = des.replicate("jkn")
    for new in (rep.rake(MARGINS, epsilon=1e-12, max_iter=500), rep.calibrate(MARGINS),
                rep.poststratify("age", MARGINS["age"])):
        assert isinstance(new, ReplicateDesign)
        reps = new.replicate_weights.to_numpy()
        age = new.data["age"].to_numpy()
        np.testing.assert_allclose(reps[age == "35-54"].sum(axis=0), 22000, rtol=1e-7)
        assert np.isfinite(new.mean("y").se).all()


def test_trim_keeps_the_total_and_the_bounds(des):
    rep = des.replicate("jkn")
    for design in (des, rep):
        trimmed = design.trim(lower=60, upper=140, strict=True)
        w = trimmed.weights.to_numpy()
        assert w.min() >= 60 - 1e-9 and w.max() <= 140 + 1e-9
        assert w.sum() == pytest.approx(design.weights.sum())
    reps = rep.trim(upper=140, strict=True).replicate_weights.to_numpy()
    positive = reps[reps > 0]
    assert positive.max() <= 140 + 1e-9


def test_nonresponse_adjustment_carries_class_totals(des, sample):
    new = des.adjust_nonresponse("responded", by="sex")
    assert len(new.data) == int(sample["responded"].sum())
    before = sample.groupby("sex", observed=True)["w"].sum()
    after = new.weights.groupby(new.data["sex"], observed=True).sum()
    np.testing.assert_allclose(after, before)
    assert np.isfinite(new.mean("y").se).all()
    rep = des.replicate("jkn").adjust_nonresponse(sample["responded"].to_numpy())
    assert rep.weights.sum() == pytest.approx(sample["w"].sum())


def test_calibration_lowers_the_se_of_a_correlated_total(des):
    plain = des.total("income").se[0]
    calibrated = des.calibrate({**MARGINS, "income": 1.1e8}).total("income").se[0]
    assert calibrated < 1e-6 * plain  # a calibration variable's total has no variance left


def test_weighting_a_subset_leaves_the_other_rows_out(des):
    women = des.subset("sex == 'female'")
    raked = women.rake({"age": {"18-34": 100.0, "35-54": 100.0, "55-74": 100.0}})
    assert len(raked.data) == len(women.data)
    assert raked.weights.sum() == pytest.approx(300.0)


def test_weight_summary_statistics(des):
    new = des.calibrate(MARGINS)
    s = new.weight_summary()
    w = new.weights.to_numpy()
    assert s.statistics["deff_kish"] == pytest.approx(len(w) * (w ** 2).sum() / w.sum() ** 2)
    assert s.statistics["n_effective"] == pytest.approx(w.sum() ** 2 / (w ** 2).sum())
    assert s.statistics["cv"] == pytest.approx(w.std() / w.mean())
    assert s.statistics["ratio_mean"] == pytest.approx((w / des.weights.to_numpy()).mean())
    assert list(s.steps["method"]) == ["calibrate (linear)"]
    assert set(s.margins.columns) == {"target", "achieved", "residual", "relative"}
    assert "Kish deff" in repr(s) and "<pre>" in s._repr_html_()
    assert weight_summary(des).margins.empty


def test_trimming_after_calibration_shows_the_margins_it_moved(des):
    s = des.calibrate(MARGINS).trim(upper=120).weight_summary()
    assert list(s.steps["method"]) == ["calibrate (linear)", "trim"]
    assert s.largest_residual > 1e-6


def test_sex_age_margins_map_census_labels_to_survey_levels():
    reference = mp.datasets.load_reference("insee_rp2018_sex_age")
    df = pd.DataFrame({"sexe": ["F", "H"], "age": ["25-29", "30-44"]})
    m = sex_age_margins(df, sex="sexe", age="age", sex_labels={"F": "women", "H": "men"})
    band = reference.set_index("age_band")
    assert m["age"]["25-29"] == band.loc["25-29", "total"]
    assert m["age"]["30-44"] == band.loc[["30-34", "35-39", "40-44"], "total"].sum()
    assert m["sexe"]["F"] == band.loc[["25-29", "30-34", "35-39", "40-44"], "women"].sum()


def test_sex_age_margins_prorate_a_cut_band():
    reference = mp.datasets.load_reference("insee_rp2018_sex_age").set_index("age_band")
    m = sex_age_margins(pd.DataFrame({"sex": ["male"], "age_group": ["18-24"]}),
                        age="age_group")
    expected = 0.4 * reference.loc["15-19", "total"] + reference.loc["20-24", "total"]
    assert m["age_group"]["18-24"] == pytest.approx(expected)


@pytest.mark.parametrize("which", ["population", "worker"])
def test_demo_surveys_weighted_to_insee_margins(which):
    if which == "population":
        df = mp.datasets.load_population_survey()
        des = SurveyDesign(df, weights="weight", strata="region",
                           psu=["commune_id", "household_id"], fpc=["fpc1", "fpc2"])
    else:
        df = mp.datasets.load_worker_survey()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            des = SurveyDesign(df, weights="weight")
    margins = demo_margins(which)
    raked = des.rake(margins)
    assert raked.weight_summary().largest_residual < 1e-6
    calibrated = des.calibrate(margins)
    assert calibrated.weight_summary().largest_residual < 1e-9
    assert np.isfinite(calibrated.mean("n_platforms").se).all()
