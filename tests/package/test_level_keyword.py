"""One coverage keyword, ``level``; the old ``conf_level=`` still works, with a warning.

``proportion``'s ``level=`` named the category: ``category=`` does now, and ``level=`` keeps
its old meaning, with a warning, until a category is given.
"""

from __future__ import annotations

import inspect
import warnings

import pytest

import micropop as mp
from micropop import earnings
from micropop.errors import OptionError
from micropop.estimation import survey_proportion, survey_quantile
from micropop.profile import profile

RENAMED = {
    "earnings_shares": lambda des, **kw: earnings.earnings_shares(des, **kw),
    "below_minimum_wage": lambda des, **kw: earnings.below_minimum_wage(des, **kw),
    "hourly_quantile": lambda des, **kw: earnings.hourly_quantile(des, **kw),
    "below_poverty_line": lambda des, **kw: earnings.below_poverty_line(des, **kw),
    "profile": lambda des, **kw: profile(des, "sex", **kw),
}


@pytest.fixture(scope="module")
def des() -> mp.SurveyDesign:
    return mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")


@pytest.mark.parametrize("name", RENAMED)
def test_conf_level_is_the_deprecated_name_of_level(des, name) -> None:
    call = RENAMED[name]
    new = call(des, level=0.9).to_frame()
    with pytest.warns(DeprecationWarning, match=r"conf_level=\.\.\.\) is deprecated: use level="):
        old = call(des, conf_level=0.9).to_frame()
    assert old.equals(new)
    assert not new.equals(call(des).to_frame())  # 0.95 by default
    with pytest.raises(OptionError, match="both conf_level= and level="):
        call(des, level=0.9, conf_level=0.9)


@pytest.mark.parametrize("func", [earnings.earnings_shares, earnings.below_minimum_wage,
                                  earnings.hourly_quantile, earnings.below_poverty_line,
                                  profile])
def test_signatures_show_level_only(func) -> None:
    parameters = inspect.signature(func).parameters
    assert parameters["level"].default == 0.95 and "conf_level" not in parameters


# --- the estimation functions and the design methods -----------------------------------

def _replicate(des: mp.SurveyDesign) -> mp.ReplicateDesign:
    return des.replicate("jk1")


ESTIMATORS = {
    "survey_quantile": lambda des, **kw: survey_quantile(des, "hours_week", 0.5, **kw),
    "SurveyDesign.quantile": lambda des, **kw: des.quantile("hours_week", [0.25, 0.5], **kw),
    "ReplicateDesign.quantile": lambda des, **kw: _replicate(des).quantile("hours_week", 0.5,
                                                                           **kw),
    "survey_proportion": lambda des, **kw: survey_proportion(des, "sex", category="female",
                                                             **kw),
    "SurveyDesign.proportion": lambda des, **kw: des.proportion("sex", "female", **kw),
    "ReplicateDesign.proportion": lambda des, **kw: _replicate(des).proportion(
        "has_other_job", category=None, **kw),
}


@pytest.mark.parametrize("name", ESTIMATORS)
def test_estimators_take_level_and_conf_level_is_its_old_name(des, name) -> None:
    call = ESTIMATORS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new spelling warns of nothing
        new = call(des, level=0.9).to_frame()
        default = call(des).to_frame()
    with pytest.warns(DeprecationWarning, match=r"conf_level=\.\.\.\) is deprecated: use level="):
        old = call(des, conf_level=0.9).to_frame()
    assert old.equals(new) and not new.equals(default)
    with pytest.raises(OptionError, match="both conf_level= and level="):
        call(des, level=0.9, conf_level=0.9)


@pytest.mark.parametrize("func", [survey_quantile, survey_proportion,
                                  mp.SurveyDesign.quantile, mp.SurveyDesign.proportion,
                                  mp.ReplicateDesign.quantile, mp.ReplicateDesign.proportion])
def test_estimator_signatures_show_level_only(func) -> None:
    parameters = inspect.signature(func).parameters
    assert parameters["level"].default == 0.95 and "conf_level" not in parameters
    if "proportion" in func.__name__:  # the category stays the argument after the variable
        assert list(parameters)[2] == "category" and parameters["category"].default is None


def test_estimate_ci_asks_for_level(des) -> None:
    with pytest.raises(OptionError, match="Ask the estimator for level=0.9"):
        des.quantile("hours_week", 0.5).ci(level=0.9)


# --- proportion: level= named the category, category= does now ------------------------

CATEGORY_NOTE = (r"proportion\(level=\.\.\.\) names the category here for now: write "
                 r"category=\.\.\.; in a later release level= will be the coverage")


def test_category_given_makes_level_the_coverage(des) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        by_keyword = des.proportion("sex", category="female", level=0.9)
        by_position = des.proportion("sex", "female", level=0.9)
        at_95 = des.proportion("sex", "female")
        zero_one = des.proportion("has_other_job", category=None, level=0.9)
    assert by_keyword.to_frame().equals(by_position.to_frame())
    assert by_keyword.interval_level == 0.9 and at_95.interval_level == 0.95
    assert not by_keyword.ci().equals(at_95.ci())
    assert zero_one.interval_level == 0.9


@pytest.mark.parametrize("category", ["female", 1, 0, 1.0, True])
def test_level_without_category_still_names_the_category(des, category) -> None:
    column = "sex" if category == "female" else "has_other_job"
    with pytest.warns(DeprecationWarning, match=CATEGORY_NOTE):
        old = des.proportion(column, level=category)
    new = des.proportion(column, category=category)
    assert old.to_frame().equals(new.to_frame())  # never read as a coverage, even 0 or 1
    assert old.interval_level == 0.95


def test_old_category_and_conf_level_together_still_work(des) -> None:
    new = des.proportion("sex", category="female", level=0.9).to_frame()
    with pytest.warns(DeprecationWarning) as caught:
        old = des.proportion("sex", level="female", conf_level=0.9).to_frame()
    messages = " | ".join(str(w.message) for w in caught)
    assert "names the category here for now" in messages and "conf_level=" in messages
    assert old.equals(new)


def test_category_with_both_coverages_is_refused(des) -> None:
    with pytest.raises(OptionError, match="both conf_level= and level="):
        des.proportion("sex", category="female", level=0.9, conf_level=0.9)
    with pytest.raises(OptionError, match="both conf_level= and level="):
        survey_proportion(des, "sex", "female", level=0.9, conf_level=0.9)


def test_a_bad_coverage_is_named_as_the_caller_wrote_it(des) -> None:
    with pytest.raises(OptionError, match="conf_level=95 is not a coverage"):
        des.proportion("sex", "female", conf_level=95)
    with pytest.raises(OptionError, match=r"^level=95 is"):
        des.proportion("sex", "female", level=95)


# --- the package itself uses the new spellings -----------------------------------------

def test_the_demo_report_emits_no_deprecation_warning_of_ours() -> None:
    from micropop.report import (
        demo_plan,
        earnings_section,
        france_section,
        living_standards_section,
        profile_section,
        size_section,
        weighting_section,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plan = demo_plan()
        profile_section(plan.workers, plan.profile)
        earnings_section(plan.workers, plan.earnings.variable)
        france_section(plan.workers)
        living_standards_section(plan.workers, plan.earnings)
        size_section(plan.size)
        weighting_section(plan.weighting)
    ours = [f"{w.filename}:{w.lineno}: {w.message}" for w in caught
            if issubclass(w.category, DeprecationWarning)
            and ("micropop" in w.filename or "level=" in str(w.message))]
    assert ours == []
