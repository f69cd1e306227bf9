"""micropop.reference: every figure with its year and source; the old import paths still work."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

import micropop as mp
from micropop import datasets, reference
from micropop.errors import OptionError, ReferenceYearError

# --- every figure carries its year and source ---------------------------------------------


@pytest.mark.parametrize("name", datasets.list_datasets("reference"))
def test_every_reference_table_has_a_year_and_a_source_on_every_row(name):
    table = datasets.load_reference(name)
    assert len(table) > 0
    assert table["year"].notna().all(), name
    assert (table["year"] >= 2000).all() and (table["year"] <= 2100).all(), name
    assert table["source"].notna().all() and (table["source"].str.strip() != "").all(), name
    assert table["status"].str.startswith("published").all(), name


@pytest.mark.parametrize("build", [
    lambda: reference.insee_population("sex", ages=(18, 74)),
    lambda: reference.insee_population("age_band", ages=(18, 64), sex="women"),
    lambda: reference.insee_education("25-64"),
    lambda: reference.insee_education("35-44", sex="male"),
], ids=["population by sex", "population by age", "education", "education by sex"])
def test_every_reference_distribution_has_a_year_a_source_and_a_population(build):
    ref = build()
    assert isinstance(ref, reference.Reference)
    assert isinstance(ref.year, int) and 2000 <= ref.year <= 2100
    assert ref.source and ref.population
    assert str(ref.year) in ref.label and ref.source in ref.label
    assert ref.shares.sum() == pytest.approx(1.0)


def test_the_diplab_figures_carry_their_year_and_source():
    assert reference.DIPLAB_YEAR == 2019 and "arXiv:1901.03889" in reference.DIPLAB_SOURCE
    assert reference.KASSI_YEAR == 2021 and "Kässi" in reference.KASSI_SOURCE
    assert reference.PUBLISHED_CIRCLES == {"registered": 266_126, "regular": 52_337,
                                           "very_active": 14_903}
    assert (reference.PUBLISHED_DIVISOR, reference.KASSI_DIVISOR) == (1.27, 1.83)


# --- figures by year ----------------------------------------------------------------------


@pytest.mark.parametrize(("figure", "year", "value"), [
    (reference.minimum_wage, 2018, 9.88),
    (reference.minimum_wage, 2019, 10.03),
    (reference.poverty_line, 2016, 1026.0),
    (reference.poverty_line, 2019, 1102.0),
    (lambda year: reference.living_standards("median", year), 2016, 1710.0),
    (lambda year: reference.living_standards("poverty_rate", year), 2018, 14.8),
    (lambda year: reference.living_standards("gini", year), 2017, 0.289),
])
def test_yearly_figures_are_read_from_their_table(figure, year, value):
    assert figure(year) == value


@pytest.mark.parametrize(("figure", "year", "years"), [
    (reference.minimum_wage, 2030, "2018, 2019"),
    (reference.poverty_line, 2014, "2015, 2016, 2017, 2018, 2019"),
    (lambda year: reference.living_standards("gini", year), 2018,
     "2016, 2017"),  # a blank cell is no figure
])
def test_a_year_without_a_figure_is_refused_naming_those_with_one(figure, year, years):
    with pytest.raises(ReferenceYearError, match=f"year {year} .*available years: {years}\\."):
        figure(year)


def test_a_year_must_be_a_whole_number():
    with pytest.raises(OptionError, match="year"):
        reference.poverty_line(2016.5)


def test_an_unknown_figure_is_refused_naming_those_known():
    with pytest.raises(OptionError, match="'median'"):
        reference.living_standards("mean", 2016)


def test_labour_market_figures_by_indicator():
    assert reference.labour_market("activity_rate_15_64") == 71.9
    assert reference.labour_market("unemployment_rate", year=2018) == 9.1
    with pytest.raises(OptionError, match="unemployment_rate"):
        reference.labour_market("employment_rate")
    with pytest.raises(ReferenceYearError, match="available years: 2018"):
        reference.labour_market("unemployment_rate", year=2019)


# --- the old import paths -----------------------------------------------------------------

#: (old module, name, new module) of everything that moved.
MOVED = [
    ("micropop.profile", "Reference", "micropop.reference.distribution"),
    ("micropop.profile", "insee_population", "micropop.reference.census"),
    ("micropop.profile", "insee_education", "micropop.reference.education"),
    ("micropop.profile", "goodness_of_fit", "micropop.estimation.association"),
    ("micropop.profile", "GoodnessOfFit", "micropop.estimation.association"),
    ("micropop.earnings", "minimum_wage", "micropop.reference.wages"),
    ("micropop.earnings", "poverty_line", "micropop.reference.income"),
    ("micropop.weighting.margins", "sex_age_margins", "micropop.reference.census"),
    ("micropop.weighting.margins", "demo_margins", "micropop.reference.census"),
    ("micropop.weighting", "sex_age_margins", "micropop.reference.census"),
    ("micropop.weighting", "demo_margins", "micropop.reference.census"),
    ("micropop.size.diplab", "PUBLISHED_CIRCLES", "micropop.reference.diplab"),
    ("micropop.size.diplab", "PUBLISHED_DIVISOR", "micropop.reference.diplab"),
    ("micropop.size.diplab", "KASSI_DIVISOR", "micropop.reference.diplab"),
    ("micropop.size", "PUBLISHED_CIRCLES", "micropop.reference.diplab"),
    ("micropop", "Reference", "micropop.reference"),
    ("micropop.estimation", "goodness_of_fit", "micropop.estimation.association"),
]


@pytest.mark.parametrize(("old", "name", "new"), MOVED,
                         ids=[f"{old}.{name}" for old, name, _ in MOVED])
def test_moved_names_are_the_same_objects_under_their_old_names(old, name, new):
    old_module, new_module = importlib.import_module(old), importlib.import_module(new)
    assert getattr(old_module, name) is getattr(new_module, name)
    if name in getattr(old_module, "__all__", [name]):
        assert name in new_module.__all__


def test_mp_reference_is_the_package():
    assert mp.reference is reference
    assert "reference" in mp.__all__


def test_moved_functions_give_the_same_results_from_old_and_new_paths():
    earnings, profile, association, margins = (
        importlib.import_module(f"micropop.{name}")  # micropop.profile is also a function
        for name in ("earnings", "profile", "estimation.association", "weighting.margins"))

    old = profile.insee_population("age_band", ages=(18, 64), sex="women")
    new = reference.insee_population("age_band", ages=(18, 64), sex="women")
    pd.testing.assert_series_equal(old.values, new.values)
    assert (old.year, old.source, old.population, old.note) == (
        2018, "INSEE RP2018 (POP1B)", "France entière, women, ages 18-64",
        "band 15-19 pro-rated (2 of its 5 years, even spread assumed)")
    assert new.values["15-19"] == pytest.approx(2007360 * 2 / 5)
    pd.testing.assert_series_equal(profile.insee_education("25-64").values,
                                   reference.insee_education("25-64").values)
    assert earnings.minimum_wage(2019) == reference.minimum_wage(2019) == 10.03
    assert earnings.poverty_line(2016) == reference.poverty_line(2016) == 1026.0
    frame = pd.DataFrame({"sex": ["female", "male"], "age_group": ["18-24", "25-44"]})
    assert (margins.sex_age_margins(frame, age="age_group", age_range=(18, 44))
            == reference.sex_age_margins(frame, age="age_group", age_range=(18, 44)))
    assert margins.demo_margins("worker") == reference.demo_margins("worker")
    des = mp.SurveyDesign(datasets.load_worker_survey(), weights="weight")
    shares = {"female": 0.507, "male": 0.493}
    one, two = profile.goodness_of_fit(des, "sex", shares), association.goodness_of_fit(
        des, "sex", shares)
    assert isinstance(one, association.GoodnessOfFit)
    for field in ("pearson", "scale", "df", "p_value", "rs1_chisq", "f", "ddf", "f_p"):
        assert getattr(one, field) == getattr(two, field), field
    np.testing.assert_array_equal(one.eigenvalues, two.eigenvalues)
    assert round(one.rs1_chisq, 3) == 11.342
