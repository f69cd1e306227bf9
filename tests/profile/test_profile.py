"""micropop.profile: references, profiles, goodness of fit, standardisation, bad input."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import micropop as mp
from micropop.errors import MicropopError, MissingValuesError, ProfileError, ReferenceLevelError
from micropop.profile import (
    Profile,
    Reference,
    goodness_of_fit,
    insee_education,
    insee_population,
    profile,
    standardize,
)


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return mp.datasets.load_worker_survey()


@pytest.fixture(scope="module")
def des(df) -> mp.SurveyDesign:
    return mp.SurveyDesign(df, weights="weight")


@pytest.fixture(scope="module")
def france() -> dict[str, Reference]:
    return {"sex": insee_population("sex", ages=(18, 74)),
            "age_band": insee_population("age_band", ages=(18, 74))}


# --- references ----------------------------------------------------------------


def test_reference_normalises_counts_and_keeps_its_year():
    ref = Reference(pd.Series({"a": 30, "b": 10}), year=2018, source="INSEE",
                    population="France")
    assert ref.shares.tolist() == [0.75, 0.25]
    assert ref.label == "INSEE, 2018"
    assert Reference({"a": 1}).label == "reference (year not given)"
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.year = 2019


@pytest.mark.parametrize("values,text", [
    ({"a": -1.0, "b": 2.0}, "'a'"),
    ({"a": np.nan, "b": 2.0}, "'a'"),
    ({"a": 0.0, "b": 0.0}, "every value is zero"),
    (pd.Series([1.0, 2.0], index=["a", "a"]), "given twice: 'a'"),
    ({}, "no level given"),
])
def test_bad_reference_values(values, text):
    with pytest.raises(ProfileError, match=text):
        Reference(values)


def test_census_reference_reproduces_the_published_figures():
    # DOMAIN.md: 15-64, 50.7 % women; among the 20-64, the 25-44 are 43.5 %
    assert round(float(insee_population("sex", ages=(15, 64)).shares["female"]), 3) == 0.507
    groups = {"20-24": "20-24", **{b: "25-44" for b in ("25-29", "30-34", "35-39", "40-44")},
              **{b: "45-64" for b in ("45-49", "50-54", "55-59", "60-64")}}
    ref = insee_population("age_band", ages=(20, 64), levels=groups)
    assert list(ref.values.index) == ["20-24", "25-44", "45-64"]
    assert round(float(ref.shares["25-44"]), 3) == 0.435
    assert ref.note is None  # band limits: nothing pro-rated


def test_census_reference_prorates_a_cut_band_and_says_so():
    ref = insee_population("age_band", ages=(18, 64))
    assert ref.values["15-19"] == pytest.approx(4128959 * 2 / 5)
    assert ref.values["60-64"] == 4083391
    assert "15-19 pro-rated (2 of its 5 years" in ref.note
    assert ref.year == 2018 and "18-64" in ref.population
    women = insee_population("age_band", ages=(25, 29), sex="women")
    assert women.values.tolist() == [1939465.0]
    open_ended = insee_population("sex", ages=(95, None))
    assert open_ended.values.sum() == 36409 + 135150 + 3736 + 17392


@pytest.mark.parametrize("kwargs,text", [
    ({"by": "region"}, "by='region'"),
    ({"by": "age_band", "sex": "both"}, "sex='both'"),
    ({"ages": (120, 130)}, "cut the open band 100\\+"),
    ({"ages": (90, 104)}, "cut the open band 100\\+"),
])
def test_census_reference_bad_arguments(kwargs, text):
    with pytest.raises(ProfileError, match=text):
        insee_population(**kwargs)


def test_education_reference():
    ref = insee_education()
    assert list(ref.values.index) == ["below_bac", "bac", "bac+2", "above_bac+2"]
    assert ref.values["below_bac"] == pytest.approx(16.3 + 22.4)
    assert "Non déterminé" in ref.note and ref.year == 2023
    assert insee_education("25-34", "female").values["above_bac+2"] == 43.5
    with pytest.raises(ReferenceLevelError, match=r"year 2018.*year\(s\) 2023"):
        insee_education(year=2018)


# --- profiles ------------------------------------------------------------------


def test_profile_table_columns_and_known_reference(des, france):
    prof = profile(des, ["sex", "age_band", "education"], reference=france)
    table = prof.to_frame()
    assert list(table.columns) == [
        "variable", "level", "n", "share", "se", "ci_low", "ci_high", "reference_share",
        "reference_year", "difference", "difference_ci_low", "difference_ci_high", "ratio",
        "ratio_se", "ratio_ci_low", "ratio_ci_high"]
    assert table.groupby("variable")["share"].sum().round(12).eq(1).all()
    assert table.loc[table["variable"] == "sex", "n"].tolist() == [561, 439]
    with_ref = table[table["variable"] != "education"]
    # reference known: difference and ratio are the share's interval moved or scaled
    np.testing.assert_allclose(with_ref["difference_ci_low"],
                               with_ref["ci_low"] - with_ref["reference_share"])
    np.testing.assert_allclose(with_ref["ratio_se"], with_ref["se"] / with_ref["reference_share"])
    np.testing.assert_allclose(with_ref["ratio_ci_high"],
                               with_ref["ci_high"] / with_ref["reference_share"])
    excludes_zero = (with_ref["difference_ci_low"] > 0) | (with_ref["difference_ci_high"] < 0)
    excludes_one = (with_ref["ratio_ci_low"] > 1) | (with_ref["ratio_ci_high"] < 1)
    assert (excludes_zero == excludes_one).all()
    education = table[table["variable"] == "education"]
    assert education["reference_share"].isna().all()
    assert education["reference_year"].isna().all()
    assert set(prof.gof) == {"sex", "age_band"}
    assert prof.tests()["variable"].tolist() == ["sex", "age_band"]


def test_profile_is_immutable_and_hands_out_copies(des, france):
    prof = profile(des, "sex", reference={"sex": france["sex"]})
    with pytest.raises(dataclasses.FrozenInstanceError):
        prof.by = "x"
    frame = prof.to_frame()
    frame.loc[0, "share"] = 99.0
    assert prof.to_frame().loc[0, "share"] < 1


def test_profile_text_and_html(des, france):
    prof = profile(des, ["sex"], reference={"sex": france["sex"]})
    text = prof.summary()
    assert "INSEE RP2018 (POP1B), 2018" in text and "Rao-Scott X2" in text
    assert repr(prof) == text
    frame = pd.DataFrame({"g": pd.Categorical(["<b>x</b>", "y"] * 20), "w": 1.0})
    html = profile(mp.SurveyDesign(frame, weights="w"), "g",
                   reference={"g": {"<b>x</b>": 1, "y": 1}})._repr_html_()
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


def test_reference_levels_must_match_and_are_named(des):
    with pytest.raises(ReferenceLevelError) as err:
        profile(des, "sex", reference={"sex": {"female": 0.5, "men": 0.5}})
    message = str(err.value)
    assert "not levels of the data: 'men'" in message
    assert "in the data but not in the reference: 'male'" in message
    assert isinstance(err.value, MicropopError)
    # workers aged 65-74 are in the data, not in a 18-64 reference
    with pytest.raises(ReferenceLevelError, match="'65-69', '70-74'"):
        profile(des, "age_band", reference={"age_band": insee_population("age_band",
                                                                         ages=(18, 64))})


def test_unobserved_categories_without_reference_are_left_out(des):
    young = des.subset("age <= 64")  # 65-69 and 70-74 stay categories, without rows
    prof = profile(young, "age_band",
                   reference={"age_band": insee_population("age_band", ages=(18, 64))})
    assert prof.to_frame()["level"].tolist()[-1] == "60-64"
    assert prof.gof["age_band"].levels[-1] == "60-64"


def test_reference_for_a_variable_not_profiled(des, france):
    with pytest.raises(ProfileError, match="'age_band'"):
        profile(des, "sex", reference=france)


def test_missing_values_need_na_rm(df):
    data = df.assign(sex=df["sex"].mask(df.index < 3))
    des = mp.SurveyDesign(data, weights="weight")
    with pytest.raises(MissingValuesError, match="na_rm=True"):
        profile(des, "sex")
    table = profile(des, "sex", na_rm=True).to_frame()
    assert table["n"].sum() == 997


def test_profile_by_domain(des, france):
    prof = profile(des, ["sex"], reference={"sex": france["sex"]}, by="frequency")
    table = prof.to_frame()
    assert list(table.columns[:4]) == ["variable", "level", "domain", "n"]
    assert table.groupby("domain")["share"].sum().round(12).eq(1).all()
    assert table["n"].sum() == 1000
    assert set(prof.gof) == {("sex", "weekly"), ("sex", "monthly"), ("sex", "less_often")}
    weekly = goodness_of_fit(des.subset("frequency == 'weekly'"), "sex", france["sex"])
    assert prof.gof[("sex", "weekly")].pearson == pytest.approx(weekly.pearson, rel=1e-12)
    tests = prof.tests()
    assert tests["test"].tolist() == ["goodness of fit"] * 3 + ["independence"]
    independence = prof.independence["sex"]
    assert (independence.rows, independence.cols) == ("sex", "frequency")
    assert tests["f"].iloc[-1] == independence.statistic
    assert "Independence of sex and frequency (Rao-Scott): F = " in prof.summary()


# --- goodness of fit -------------------------------------------------------------


def test_gof_is_zero_at_the_sample_distribution(des):
    shares = des.mean("frequency")
    test = goodness_of_fit(des, "frequency", dict(zip(["weekly", "monthly", "less_often"],
                                                      shares.estimate, strict=True)))
    assert test.pearson == pytest.approx(0, abs=1e-6)
    assert test.rs1_p == pytest.approx(1) and test.f_p == pytest.approx(1)
    assert test.to_frame().shape == (4, 3)


def test_gof_does_not_depend_on_the_order_of_levels(df):
    reference = insee_education()
    reordered = df.assign(education=df["education"].cat.reorder_categories(
        ["above_bac+2", "bac", "bac+2", "below_bac"]))
    a = goodness_of_fit(mp.SurveyDesign(df, weights="weight"), "education", reference)
    b = goodness_of_fit(mp.SurveyDesign(reordered, weights="weight"), "education", reference)
    for name in ("pearson", "scale", "df", "p_value", "rs1_chisq", "f", "f_p"):
        assert getattr(a, name) == pytest.approx(getattr(b, name), rel=1e-10)


def test_gof_under_equal_weights_gives_unit_design_effects():
    # a simple random sample: first-order Rao-Scott equals Pearson on the counts
    frame = pd.DataFrame({"g": pd.Categorical(["a"] * 50 + ["b"] * 30 + ["c"] * 20),
                          "w": 1.0})
    test = goodness_of_fit(mp.SurveyDesign(frame, weights="w"), "g",
                           {"a": 0.4, "b": 0.4, "c": 0.2})
    pearson = 100 * ((0.5 - 0.4) ** 2 / 0.4 + (0.3 - 0.4) ** 2 / 0.4)
    assert test.pearson == pytest.approx(pearson)
    assert test.rs1_df == 2
    assert test.eigenvalues[-1] == pytest.approx(0, abs=1e-10)
    assert test.design_effects.shape == (2,)
    assert test.n == 100


def test_gof_zero_reference_share(des):
    with pytest.raises(ReferenceLevelError, match="'male'.*is zero"):
        goodness_of_fit(des, "sex", {"female": 1.0, "male": 0.0})


# --- standardisation ---------------------------------------------------------------


def test_standardizing_to_the_sample_structure_gives_the_crude_mean(des):
    own = des.mean("age_band")
    standard = dict(zip([label[-1] for label in own.index], own.estimate, strict=True))
    est = standardize(des, "earnings_month", standard=standard)
    crude = des.mean("earnings_month")
    assert est.estimate[0] == pytest.approx(crude.estimate[0], rel=1e-12)
    assert est.statistic == "standardized mean"
    shares = standardize(des, "education", standard=standard)
    np.testing.assert_allclose(shares.estimate, des.mean("education").estimate, rtol=1e-12)
    assert shares.index.names == ["variable", "level"]


def test_standardize_to_the_french_age_structure_changes_the_profile(des):
    workers = des.subset("age >= 25 and age <= 64")
    est = standardize(workers, "education",
                      standard=insee_population("age_band", ages=(25, 64)))
    crude = workers.mean("education")
    assert est.estimate.sum() == pytest.approx(1)
    above = est.to_frame().loc[("education", "above_bac+2"), "estimate"]
    assert above < crude.estimate[-1]  # France is older; the young are more educated


def test_standardize_bad_input(des):
    with pytest.raises(ReferenceLevelError, match="sampled but not in the standard: "
                                                  "'65-69', '70-74'"):
        standardize(des, "education", standard=insee_population("age_band", ages=(18, 64)))
    with pytest.raises(ReferenceLevelError, match="without sampled rows: '10-14'"):
        standardize(des.subset("age <= 64"), "education",
                    standard=insee_population("age_band", ages=(10, 64)))
    with pytest.raises(ProfileError, match="needs a standard"):
        standardize(des, "education")


def test_profile_class_is_exported():
    assert Profile.__name__ == "Profile"
