"""Bad inputs to the report (#11): its output folder, its configuration, undefined numbers,
and the notes of how the data were read."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import micropop as mp
from micropop.errors import ConfigError, ReportOutputError, TooFewListsError
from micropop.report import (
    MARKER,
    EarningsInputs,
    ReportPlan,
    SizeInputs,
    WeightingInputs,
    write_report,
)
from micropop.report import config as config_module
from micropop.report.config import load_config
from micropop.report.html import UNDEFINED, page, table_html
from micropop.report.sections import earnings_section, france_section, living_standards_section


@pytest.fixture(scope="module")
def small_plan():
    """A plan whose report is quick: the profile table only (no figure)."""
    return ReportPlan(workers=mp.SurveyDesign(mp.datasets.load_worker_survey(),
                                              weights="weight"),
                      profile=("sex",), earnings=None, provenance="test")


def _leftovers(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if ".micropop-" in p.name]


# --- the output folder ------------------------------------------------------------------


def test_a_new_folder_gets_the_report_and_its_list_of_files(tmp_path, small_plan):
    index = write_report(tmp_path / "a" / "report", small_plan)
    folder = index.parent
    assert folder == (tmp_path / "a" / "report").resolve()
    marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    assert sorted(marker["files"]) == sorted(p.name for p in folder.iterdir() if p.name != MARKER)
    assert not _leftovers(folder.parent)


def test_an_earlier_report_is_replaced_as_a_whole(tmp_path, small_plan):
    out = tmp_path / "report"
    write_report(out, small_plan)
    (out / "stale.png").write_bytes(b"old")  # a file an earlier report wrote, listed
    listed = json.loads((out / MARKER).read_text(encoding="utf-8"))
    listed["files"].append("stale.png")
    (out / MARKER).write_text(json.dumps(listed), encoding="utf-8")
    write_report(out, small_plan)
    assert not (out / "stale.png").exists()
    assert (out / "index.html").exists() and not _leftovers(tmp_path)


@pytest.mark.parametrize("foreign", ["index.html", "profile.csv", "notes.txt", "sub/x.csv"])
def test_a_folder_with_the_users_files_is_refused_and_left_alone(tmp_path, small_plan, foreign):
    out = tmp_path / "mine"
    (out / foreign).parent.mkdir(parents=True)
    (out / foreign).write_text("the user's own", encoding="utf-8")
    with pytest.raises(ReportOutputError, match=rf"{out.name}' holds files that no micropop "
                                                rf"report wrote: {foreign.split('/')[0]}"):
        write_report(out, small_plan)
    assert (out / foreign).read_text(encoding="utf-8") == "the user's own"
    assert sorted(p.name for p in out.iterdir()) == [foreign.split("/")[0]]
    assert not _leftovers(tmp_path)


def test_an_earlier_report_with_the_users_files_added_is_refused(tmp_path, small_plan):
    out = tmp_path / "report"
    write_report(out, small_plan)
    (out / "my_notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ReportOutputError, match="my_notes.txt"):
        write_report(out, small_plan)
    (out / "my_notes.txt").unlink()
    (out / MARKER).write_text("{not json", encoding="utf-8")  # a marker micropop did not write
    with pytest.raises(ReportOutputError, match="index.html"):
        write_report(out, small_plan)


def test_a_file_as_the_output_is_refused_by_name(tmp_path, small_plan):
    target = tmp_path / "report.html"
    target.write_text("mine", encoding="utf-8")
    with pytest.raises(ReportOutputError, match=r"report.html' is a file, not a folder"):
        write_report(target, small_plan)
    assert target.read_text(encoding="utf-8") == "mine"
    with pytest.raises(ReportOutputError, match="cannot write the report"):
        write_report(target / "inside", small_plan)  # a file as a parent folder


@pytest.mark.parametrize("out_dir", ["", "  ", None, 3, True, b"report"])
def test_an_output_that_is_not_a_folder_name_is_refused(out_dir, small_plan):
    with pytest.raises(mp.errors.OptionError, match="out_dir="):
        write_report(out_dir, small_plan)


def test_a_failed_run_leaves_the_earlier_report_intact(tmp_path, small_plan, monkeypatch):
    out = tmp_path / "report"
    write_report(out, small_plan)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*args, **kwargs):
        raise mp.errors.EmptyDomainError("no row in the domain", hint="check the subset")

    monkeypatch.setattr("micropop.report.profile_section", broken)
    with pytest.raises(mp.errors.EmptyDomainError):
        write_report(out, small_plan)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not _leftovers(tmp_path)


# --- undefined numbers are said, not drawn or printed as nan --------------------------------


def test_tables_show_undefined_cells_as_a_dash_never_nan():
    frame = pd.DataFrame({"share": [0.0, 0.5], "ci_low": [np.nan, 0.4]}, index=["a", "b"])
    text = table_html(frame, percent=["share", "ci_low"]) + table_html(frame)
    assert "nan" not in text.lower() and f"<td>{UNDEFINED}</td>" in text


def test_earnings_without_zeros_and_an_empty_age_band(tmp_path):
    """The share at 0 and a share of an empty band have no logit interval (as in R): the
    figures leave them out and the text says so, instead of crashing on float(NA)."""
    survey = mp.datasets.load_worker_survey().copy()
    survey["earnings_month"] += 1.0
    survey = survey[survey["age_band"] != "65-69"]
    workers = mp.SurveyDesign(survey, weights="weight")
    living = living_standards_section(workers, tmp_path, EarningsInputs(household_income=None))
    assert "No worker reports zero earnings" in living.body
    text = re.sub(r'src="data:[^"]*"', "", living.body)  # the figures' PNG data
    assert (tmp_path / "earnings_ecdf.png").exists() and "nan" not in text.lower()
    france = france_section(workers, tmp_path)
    assert "Not in the figure: age_band, as the share of age_band = 65-69 has no interval" \
        in france.body
    assert (tmp_path / "profile_france.png").exists()


# --- how the data were read -----------------------------------------------------------------


def _config(folder: Path, text: str = "") -> Path:
    survey = mp.datasets.load_worker_survey()
    survey.to_parquet(folder / "workers.parquet")
    config = folder / "analysis.toml"
    config.write_text('[survey]\nfile = "workers.parquet"\nweights = "weight"\n' + text,
                      encoding="utf-8")
    return config


def test_read_notes_are_kept_by_file_and_shown_escaped(tmp_path, monkeypatch):
    read = config_module.read_survey

    def noting(path, **kwargs):
        frame = read(path, **kwargs)
        frame.attrs["read_notes"] = [f"separator ';' guessed <{Path(path).suffix}>",
                                     "decimal mark ',' guessed"]
        return frame

    monkeypatch.setattr(config_module, "read_survey", noting)
    plan = load_config(_config(tmp_path, '[profile]\nvariables = ["sex"]\n'))
    assert plan.read_notes == ("workers.parquet: separator ';' guessed <.parquet>",
                               "workers.parquet: decimal mark ',' guessed")
    text = write_report(tmp_path / "report", plan).read_text(encoding="utf-8")
    assert "How the data were read" in text
    assert "<li>workers.parquet: separator &#x27;;&#x27; guessed &lt;.parquet&gt;</li>" in text


def test_no_read_notes_no_list(small_plan):
    assert small_plan.read_notes == ()
    assert "How the data were read" not in page("t", [], "p", small_plan.read_notes)


# --- errors met while the report computes name the configuration table ------------------------


def test_an_error_of_the_size_module_names_the_captures_table(tmp_path, monkeypatch):
    mp.datasets.load_capture_histories().to_csv(tmp_path / "captures.csv", index=False)
    config = _config(tmp_path, '[size.captures]\nfile = "captures.csv"\n'
                               'lists = ["survey_wave1", "survey_wave2", "platform_roster"]\n')
    plan = load_config(config)

    def capped(*args, **kwargs):
        raise TooFewListsError("8 lists: the model search stops at 7", hint="keep 7 lists")

    monkeypatch.setattr("micropop.size.model_search", capped)
    with pytest.raises(ConfigError, match=r"^\[size.captures\] of .*analysis.toml: 8 lists: "
                                          r"the model search stops at 7\. Keep 7 lists"):
        write_report(tmp_path / "report", plan)
    assert not (tmp_path / "report").exists() and not _leftovers(tmp_path)


# --- every key of the configuration, hostile values refused by name -------------------------


def _user(folder: Path, **tables: str) -> Path:
    survey = mp.datasets.load_worker_survey()
    survey.to_parquet(folder / "workers.parquet")
    mp.datasets.load_capture_histories().to_csv(folder / "captures.csv", index=False)
    (folder / "subfolder").mkdir(exist_ok=True)
    text = {"survey": '[survey]\nfile = "workers.parquet"\nweights = "weight"\n'}
    text.update(tables)
    config = folder / "analysis.toml"
    config.write_text("".join(text.values()), encoding="utf-8")
    return config


def _margins(folder: Path, rows: str) -> str:
    (folder / "margins.csv").write_text("variable,level,target\n" + rows, encoding="utf-8")
    return '[weighting]\nmethod = "rake"\nmargins = "margins.csv"\n'


SURVEY = '[survey]\nfile = "workers.parquet"\n'
HOSTILE_CONFIGS = [
    ({"survey": 'title = ""\n' + SURVEY}, "title: is empty"),
    ({"survey": SURVEY + 'weights = ""\n'}, "[survey] weights: is empty"),
    ({"survey": '[survey]\nfile = ""\n'}, "[survey] file: is empty"),
    ({"survey": '[survey]\nfile = "subfolder"\n'}, "[survey] file: 'subfolder' is a folder"),
    ({"survey": '[survey]\nfile = "a\\u0000b.csv"\n'}, "[survey] file: 'a\\x00b.csv' is not a "
                                                      "usable file name"),
    ({"survey": '[survey]\nfile = "' + "x" * 5000 + '.csv"\n'}, "[survey] file: "),
    ({"survey": SURVEY + 'weights = "weight"\nstrata = "weight"\n'},
     "[survey] strata: column 'weight' is also given as weights"),
    ({"survey": SURVEY + 'weights = "weight"\npsu = ["region", "region"]\n'},
     "[survey] psu: names 'region' twice"),
    ({"survey": SURVEY + 'weights = "weight"\nstrata = ["region", ""]\n'},
     "[survey] strata: should be a column name or a list of them"),
    ({"profile": '[profile]\nvariables = ["sex", "sex"]\n'},
     "[profile] variables: names 'sex' twice"),
    ({"profile": '[profile]\nvariables = ["sex"]\ncompare_with_france = true\n'
                 '[survey.x]\n'}, "[survey] x: unknown key"),
    ({"earnings": '[earnings]\nvariable = "earnings_month"\nhours = "earnings_month"\n'},
     "[earnings] hours: column 'earnings_month' is also given as variable"),
    ({"earnings": '[earnings]\nvariable = "earnings_month"\nhousehold_size = "household_size"\n'},
     "[earnings] household_size: applies only with household_income"),
    ({"earnings": '[earnings]\nvariable = "earnings_month"\nminimum_wage_year = 2019\n'},
     "[earnings] minimum_wage_year: applies only with hours"),
    ({"earnings": '[earnings]\nvariable = "earnings_month"\nhours = "hours_week"\n'
                  'minimum_wage_year = 1850\n'}, "[earnings] minimum_wage_year: no gross hourly"),
    ({"earnings": '[earnings]\nvariable = "earnings_month"\nhousehold_income = '
                  '"hh_income_month"\npoverty_line_year = -3\n'}, "[earnings] poverty_line_year: "),
    ({"earnings": '[earnings]\nvariable = "earnings_month"\nhours = true\n'},
     "[earnings] hours: should be a string, not True"),
    ({"size": '[size]\npublished = nan\n[size.captures]\nfile = "captures.csv"\n'},
     "[size] published: published=nan is not a number"),
    ({"size": '[size]\npublished = inf\n[size.captures]\nfile = "captures.csv"\n'},
     "[size] published: published=inf is not finite"),
    ({"size": '[size]\npublished = -5\n[size.captures]\nfile = "captures.csv"\n'},
     "[size] published: published=-5 is out of range"),
    ({"size": '[size]\npublished = "52000"\n[size.captures]\nfile = "captures.csv"\n'},
     "[size] published: should be an integer or a number"),
    ({"size": '[size.captures]\nfile = "captures.csv"\nlists = ["survey_wave1", '
              '"survey_wave1", "platform_roster"]\n'}, "[size.captures] lists: names "
                                                      "'survey_wave1' twice"),
    ({"size": '[size.survey]\nfile = "workers.parquet"\nweights = "weight"\n'
              'frequency = "weight"\ncircles = { all = ["weekly"] }\n'},
     "[size.survey] frequency: column 'weight' is also given as weights"),
    ({"size": '[size.survey]\nfile = "workers.parquet"\nweights = "weight"\n'
              'frequency = "frequency"\ncircles = { all = ["weekly", "weekly"] }\n'},
     "[size.survey] circles: circle 'all' lists 'weekly' twice"),
    ({"size": '[size.survey]\nfile = "workers.parquet"\nweights = "weight"\n'
              'frequency = "frequency"\ncircles = { "" = ["weekly"] }\n'},
     "[size.survey] circles: a circle has an empty name"),
    ({"size": '[size.survey]\nfile = "workers.parquet"\nweights = "weight"\n'
              'frequency = "frequency"\ncircles = { all = [["weekly"]] }\n'},
     "[size.survey] circles: circle 'all' lists ['weekly'], not a level"),
    ({"size": '[size.survey]\nfile = "workers.parquet"\nweights = "weight"\n'
              'frequency = "frequency"\ncircles = {}\n'}, "[size.survey] circles: is empty"),
    ({"weighting": '[weighting]\nmethod = "rake"\nmargins = { sex = { female = nan, '
                   'male = 1 } }\n'}, "[weighting] margins: sex.female=nan is not a number"),
    ({"weighting": '[weighting]\nmethod = "rake"\nmargins = { sex = { female = -1, '
                   'male = 1 } }\n'}, "[weighting] margins: sex.female=-1 is out of range"),
    ({"weighting": '[weighting]\nmethod = "rake"\nmargins = { sex = { female = "1", '
                   'male = 1 } }\n'}, "[weighting] margins: sex.female='1' is not a number"),
    ({"weighting": '[weighting]\nmethod = "calibrate"\nmargins = { hours_week = inf }\n'},
     "[weighting] margins: hours_week=inf is not finite"),
    ({"weighting": '[weighting]\nmethod = "rake"\nmargins = {}\n'}, "[weighting] margins: "
                                                                    "is empty"),
    ({"weighting": '[weighting]\nmethod = "calibrate"\ncalibration = "probit"\n'
                   'margins = { sex = { female = 1, male = 1 } }\n'},
     "[weighting] calibration: 'probit' is not a calibration method"),
    ({"weighting": '[weighting]\nmethod = "calibrate"\nbounds = [3, 0.5]\n'
                   'margins = { sex = { female = 1, male = 1 } }\n'},
     "[weighting] bounds: the lower bound 3 is not below the upper bound 0.5"),
    ({"weighting": '[weighting]\nmethod = "calibrate"\nbounds = [0.5]\n'
                   'margins = { sex = { female = 1, male = 1 } }\n'},
     "[weighting] bounds: should be two numbers"),
    ({"weighting": '[weighting]\nmethod = "calibrate"\nbounds = [nan, 2]\n'
                   'margins = { sex = { female = 1, male = 1 } }\n'},
     "[weighting] bounds: lower bound=nan is not a number"),
    ({"weighting": '[weighting]\nmethod = "calibrate"\nbounds = ["a", 2]\n'
                   'margins = { sex = { female = 1, male = 1 } }\n'},
     "[weighting] bounds: lower bound='a' is not a number"),
]


@pytest.mark.parametrize("tables, message", HOSTILE_CONFIGS)
def test_hostile_config_values_are_refused_by_key(tmp_path, tables, message):
    config = _user(tmp_path, **tables)
    with pytest.raises(ConfigError) as err:
        load_config(config)
    assert message in str(err.value)


@pytest.mark.parametrize("rows, message", [
    ("sex,female,100\nsex,male,100\nsex,female,50\n",
     "margins.csv gives sex = female more than once, in data rows 1, 3 (file lines 2, 4)"),
    # the reader refuses the cell before the margins are read
    ("sex,female,inf\nsex,male,100\n", "column 'target' holds 1 number that cannot be stored "
                                      "as a finite number (infinite, or too large or too small): "
                                      "data row 1 (file line 2; value: 'inf')"),
    ("sex,female,-100\nsex,male,100\n", "margins.csv has an infinite or negative target in "
                                       "data row 1 (file line 2; value: -100.0)"),
    ("sex,female,nan\nsex,male,100\n",
     "margins.csv has a missing or non-numeric entry in data row 1 (file line 2"),
])
def test_a_margins_file_that_would_be_read_wrongly_is_refused_by_row(tmp_path, rows, message):
    config = _user(tmp_path, weighting=_margins(tmp_path, rows))
    with pytest.raises(ConfigError, match=r"\[weighting\] margins: "):
        load_config(config)
    with pytest.raises(ConfigError) as err:
        load_config(config)
    assert message in str(err.value)


@pytest.mark.parametrize("missing", ["age", "education"])
def test_comparing_with_france_needs_its_columns(tmp_path, missing):
    config = _user(tmp_path, profile='[profile]\nvariables = ["sex"]\n'
                                     'compare_with_france = true\n')
    survey = mp.datasets.load_worker_survey().drop(columns=missing)
    survey.to_parquet(tmp_path / "workers.parquet")
    with pytest.raises(ConfigError, match=rf"\[profile\] compare_with_france: column\(s\) "
                                          rf"'{missing}' not in workers.parquet"):
        load_config(config)


finite_or_not = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                          st.integers(-10**6, 10**6))


def _toml(value: float) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(published=finite_or_not, female=finite_or_not)
def test_numbers_of_the_config_are_finite_and_in_range_or_refused(tmp_path, published, female):
    config = _user(tmp_path, size=f'[size]\npublished = {_toml(published)}\n'
                                  '[size.captures]\nfile = "captures.csv"\n'
                                  'lists = ["survey_wave1", "survey_wave2", '
                                  '"platform_roster"]\n',
                   weighting='[weighting]\nmethod = "poststratify"\n'
                             f'margins = {{ sex = {{ female = {_toml(female)}, male = 1000 }} }}\n')
    good_female = math.isfinite(female) and female >= 0
    good_published = math.isfinite(published) and published > 0
    try:
        plan = load_config(config)
    except ConfigError as err:
        text = str(err)
        assert (not good_female and "[weighting] margins: sex.female=" in text
                or good_female and "[weighting] of" in text and female == 0
                or good_female and not good_published and "[size] published: " in text), text
        return
    assert good_female and good_published
    assert plan.size.published_regular == published
    assert plan.workers.weights.sum() == pytest.approx(1000 + female)


# --- a plan built in Python ---------------------------------------------------------------


@pytest.mark.parametrize("change, message", [
    ({"profile": "sex"}, "ReportPlan profile='sex' is not a sequence of strings"),
    ({"earnings": "earnings_month"}, "ReportPlan earnings is a str"),
    ({"read_notes": "guessed"}, "ReportPlan read_notes='guessed'"),
])
def test_a_plan_of_the_wrong_kinds_is_refused_by_field(small_plan, change, message):
    fields = {"workers": small_plan.workers, **change}
    with pytest.raises(mp.errors.OptionError, match=message):
        ReportPlan(**fields)


@pytest.mark.parametrize("build", [
    lambda df: ReportPlan(workers=df),
    lambda df: SizeInputs(population=df),
    lambda df: SizeInputs(workers=df),
    lambda df: WeightingInputs(before=df, after=df, description="raked"),
])
def test_a_data_frame_where_a_plan_needs_a_design_is_refused_by_field(build):
    with pytest.raises(mp.errors.NotADesignError,
                       match=r"(ReportPlan|SizeInputs|WeightingInputs) \w+ is a DataFrame, "
                             r"not a survey design"):
        build(mp.datasets.load_worker_survey())


def test_size_inputs_that_cannot_be_computed_are_refused():
    with pytest.raises(mp.errors.OptionError, match="platforms but no workers"):
        SizeInputs(platforms=mp.datasets.load_platforms())
    with pytest.raises(mp.errors.OptionError, match="regular='monthly' is not one of the circles"):
        SizeInputs(circles={"weekly": ["weekly"]}, regular="monthly")


def test_advice_the_report_cannot_follow_is_replaced(small_plan, tmp_path, monkeypatch):
    """'pass na_rm=True' is advice to a library call; the report has no such option."""

    def missing(*args, **kwargs):
        raise mp.errors.MissingValuesError("'sex' missing in row 3",
                                           hint="pass na_rm=True to leave those rows out")

    monkeypatch.setattr("micropop.report.profile_section", missing)
    with pytest.raises(mp.errors.MissingValuesError) as err:
        write_report(tmp_path / "r", small_plan)
    assert "na_rm" not in str(err.value) and "The report uses every row" in str(err.value)
    plan = ReportPlan(workers=small_plan.workers, profile=("sex",), earnings=None,
                      sources={"profile": "[profile] of analysis.toml"})
    with pytest.raises(ConfigError, match=r"^\[profile\] of analysis.toml: 'sex' missing in "
                                          r"row 3\. The report uses every row"):
        write_report(tmp_path / "r", plan)


def test_earnings_under_a_cent_are_not_labelled_zero(tmp_path):
    survey = mp.datasets.load_worker_survey().copy()
    survey.loc[survey.index[:3], "earnings_month"] = 0.004
    section = earnings_section(mp.SurveyDesign(survey, weights="weight"), tmp_path)
    bins = pd.read_csv(tmp_path / "earnings_bins.csv")
    assert bins["label"].iloc[0] == "under 0.01"
    assert "3 respondents earn more than 0 but less than 0.01" in section.body


def test_a_published_figure_is_labelled_with_its_own_source(tmp_path):
    mp.datasets.load_capture_histories().to_csv(tmp_path / "captures.csv", index=False)
    lists = 'lists = ["survey_wave1", "survey_wave2", "platform_roster"]\n'
    plan = load_config(_config(tmp_path, '[size]\npublished = 50000\npublished_source = '
                                         '"Eurofound 2024"\n[size.captures]\n'
                                         'file = "captures.csv"\n' + lists))
    assert plan.size.published_label == "published (Eurofound 2024)"
    plan = load_config(_config(tmp_path, '[size]\npublished = 50000\n[size.captures]\n'
                                         'file = "captures.csv"\n' + lists))
    assert plan.size.published_label == "published"  # not the demo's "DiPLab 2019"
    with pytest.raises(ConfigError, match=r"\[size\] published_source: applies only with "
                                          "published"):
        load_config(_config(tmp_path, '[size]\npublished_source = "x"\n[size.captures]\n'
                                      'file = "captures.csv"\n' + lists))
