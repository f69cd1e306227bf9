"""Bad inputs to the ``micropop`` command (#11): --level in the column's type, flags that
do not apply, errors that name flags, and every MicropopError an exit status 1 without a
traceback."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import micropop as mp
from micropop import cli
from micropop.cli import main

WORKERS = ["--dataset", "worker_survey", "--weights", "weight"]


def _run(capsys, *args):
    status = main([str(a) for a in args])
    out = capsys.readouterr()
    return status, out.out, out.err


def _error(capsys, *args) -> str:
    status, out, err = _run(capsys, *args)
    assert status == 1 and out == ""
    # notes on how a file was read may come first; the error is the last line
    assert err.splitlines()[-1].startswith("micropop: error: ") and "Traceback" not in err
    return err


@pytest.fixture(scope="module")
def workers():
    return mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")


# --- --level is a level of the column, in its type ------------------------------------------


@pytest.mark.parametrize("level", ["1", "1.0", "true", " 1"])
def test_level_of_a_0_1_column_is_the_number(capsys, workers, level):
    """``--level 1`` compared as text gave 0.0; the share with another job is 0.72."""
    status, out, err = _run(capsys, "estimate", "proportion", "has_other_job", *WORKERS,
                            "--level", level, "--format", "json")
    assert status == 0, err
    want = workers.proportion("has_other_job", level=1)
    assert json.loads(out)[0]["estimate"] == pytest.approx(float(want.estimate[0]), rel=1e-12)
    assert json.loads(out)[0]["estimate"] == pytest.approx(0.721, abs=1e-3)


def test_level_of_a_category_and_no_level_for_a_0_1_column(capsys, workers):
    status, out, _ = _run(capsys, "estimate", "proportion", "sex", *WORKERS, "--level",
                          "female", "--format", "json")
    assert status == 0
    assert json.loads(out)[0]["estimate"] == pytest.approx(
        float(workers.proportion("sex", level="female").estimate[0]), rel=1e-12)
    status, out, _ = _run(capsys, "estimate", "proportion", "has_other_job", *WORKERS,
                          "--format", "json")
    assert status == 0 and json.loads(out)[0]["estimate"] == pytest.approx(0.721, abs=1e-3)


@pytest.mark.parametrize("column, level, listed", [
    ("has_other_job", "2", "0, 1"),
    ("has_other_job", "yes", "0, 1"),
    ("sex", "Female", "female, male"),
    ("hours_week", "abc", "0.1, 0.2, "),
])
def test_a_level_the_column_does_not_hold_is_refused_with_its_levels(capsys, column, level,
                                                                        listed):
    err = _error(capsys, "estimate", "proportion", column, *WORKERS, "--level", level)
    assert f"--level '{level}' is not a level of column '{column}'" in err
    assert f"Use one of its levels: {listed}" in err


def test_a_proportion_of_a_column_that_is_not_0_1_needs_level(capsys):
    err = _error(capsys, "estimate", "proportion", "sex", *WORKERS)
    assert "column 'sex' is not a 0/1 indicator, so 'proportion' needs --level" in err
    assert "female, male" in err and "level=" not in err


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(codes=st.lists(st.sampled_from([0, 1, 2, 5]), min_size=4, max_size=30),
       as_float=st.booleans(), asked=st.sampled_from(["0", "1", "2", "5", "2.0", "7", "x"]))
def test_any_numeric_level_is_counted_as_the_api_counts_it(tmp_path, capsys, codes, as_float,
                                                          asked):
    values = np.array(codes, dtype=float if as_float else int)
    data = pd.DataFrame({"code": values, "w": 1.0 + np.arange(len(codes)) % 3})
    path = tmp_path / "codes.csv"
    data.to_csv(path, index=False)
    read = mp.read_survey(path)
    status, out, err = _run(capsys, "estimate", "proportion", "code", "--data", path,
                            "--weights", "w", "--level", asked, "--format", "json")
    try:
        number = float(asked)
    except ValueError:
        number = None
    if number is None or number not in set(values):
        assert status == 1 and "is not a level of column 'code'" in err
        return
    assert status == 0, err
    level = read["code"].dtype.type(number)
    want = mp.SurveyDesign(read, weights="w").proportion("code", level=level)
    assert json.loads(out)[0]["estimate"] == pytest.approx(float(want.estimate[0]), rel=1e-12)
    assert json.loads(out)[0]["estimate"] > 0


# --- flags that would be ignored, and numbers, are refused by flag --------------------------


@pytest.mark.parametrize("args, message", [
    (["mean", "hours_week", *WORKERS, "--level", "1"], "--level does not apply to 'mean'"),
    (["mean", "hours_week", *WORKERS, "--quantiles", "0.5"],
     "--quantiles does not apply to 'mean'"),
    (["proportion", "sex", "education", *WORKERS, "--level", "female"],
     "'proportion' takes one column, not 2"),
    (["mean", "hours_week", *WORKERS, "--codebook", "x.yaml"],
     "--codebook applies to --data, not to a packaged --dataset"),
    (["mean", "hours_week", *WORKERS, "--conf-level", "nan"], "--conf-level=nan is not a number"),
    (["mean", "hours_week", *WORKERS, "--conf-level", "95"], "--conf-level=95 is not a coverage"),
    (["quantile", "hours_week", *WORKERS, "--quantiles", "0.5", "inf"],
     "--quantiles=inf is not finite"),
    (["quantile", "hours_week", *WORKERS, "--quantiles", "-0.1"], "--quantiles=-0.1 is out of"),
])
def test_flags_are_checked_and_named(capsys, args, message):
    assert message in _error(capsys, "estimate", *args)


def test_library_errors_name_flags_not_python_keywords(capsys, tmp_path):
    data = mp.datasets.load_worker_survey().head(50).copy()
    data.loc[[3, 7], "hours_week"] = np.nan
    path = tmp_path / "workers.csv"
    data.to_csv(path, index=False)
    err = _error(capsys, "estimate", "mean", "hours_week", "--data", path, "--weights", "weight")
    assert "--na-rm" in err and "na_rm" not in err
    status, out, _ = _run(capsys, "estimate", "mean", "hours_week", "--data", path, "--weights",
                          "weight", "--na-rm", "--format", "json")
    assert status == 0 and json.loads(out)[0]["n"] == 48


def test_json_keeps_every_digit(capsys, workers):
    """pandas' to_json kept 10 decimals: 1e-12 became 0.0."""
    status, out, _ = _run(capsys, "estimate", "mean", "hours_week", *WORKERS, "--format", "json")
    want = workers.mean("hours_week")
    assert status == 0 and json.loads(out)[0]["estimate"] == float(want.estimate[0])
    assert json.loads(out)[0]["deff"] is None
    assert json.loads(cli._json(pd.DataFrame({"se": [1.5e-12]}))) == [{"index": 0, "se": 1.5e-12}]


def test_keywords_are_translated_in_any_message():
    text = cli._as_flags("pass na_rm=True; lonely_psu='adjust'; conf_level=2; weights='w', "
                         "des.proportion(column, level=...); R's na.rm=TRUE")
    assert text == ("pass --na-rm; --lonely-psu 'adjust'; --conf-level=2; --weights 'w', "
                    "des.proportion(column, --level ...); R's na.rm=TRUE")


# --- every MicropopError: status 1, its message on stderr, no traceback ---------------------


def test_report_into_a_file_or_a_folder_of_the_users_files(capsys, tmp_path):
    target = tmp_path / "index.html"
    target.write_text("mine", encoding="utf-8")
    err = _error(capsys, "report", "--out", target)
    assert f"the output '{target}' is a file, not a folder" in err
    (tmp_path / "data.csv").write_text("a\n1\n", encoding="utf-8")
    err = _error(capsys, "report", "--out", tmp_path)
    assert "holds files that no micropop report wrote: data.csv, index.html" in err
    assert target.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("error", [
    mp.errors.ReportOutputError("the output 'x' is a file", hint="give a folder"),
    mp.errors.ConfigError("[size] published: nan", hint="give a number"),
    mp.errors.FigureInputError("the profile: ci_low is nan", hint="leave it out"),
    mp.errors.SurveyFileNotFoundError("no file 'x.csv'", hint="check the path"),
    mp.errors.UnknownLabelError("no label 'x'", hint="use one of ..."),
])
@pytest.mark.parametrize("command", [["report"], ["estimate", "mean", "x", *WORKERS]])
def test_every_micropop_error_is_a_message_and_status_1(capsys, monkeypatch, error, command):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr("micropop.report.write_report", fail)
    monkeypatch.setattr(cli, "_estimate", fail)
    err = _error(capsys, *command)
    assert err == f"micropop: error: {error}\n"


flags = st.lists(st.sampled_from([
    ["--level", "1"], ["--level", "female"], ["--quantiles", "0.5"], ["--quantiles", "2"],
    ["--conf-level", "0.9"], ["--conf-level", "-1"], ["--na-rm"], ["--by", "sex"],
    ["--by", "nope"], ["--weights", "nope"], ["--format", "csv"], ["--strata", "region"],
    ["--psu", "id"], ["--lonely-psu", "adjust"]]), max_size=3)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(statistic=st.sampled_from(["total", "mean", "ratio", "quantile", "proportion"]),
       variables=st.lists(st.sampled_from(["hours_week", "earnings_month", "sex",
                                           "has_other_job", "nope"]), min_size=1, max_size=2),
       extra=flags)
def test_any_command_line_ends_in_a_table_or_an_error_message(capsys, statistic, variables,
                                                             extra):
    args = ["estimate", statistic, *variables, *WORKERS, *[a for pair in extra for a in pair]]
    try:
        status, out, err = _run(capsys, *args)
    except SystemExit as usage:  # argparse: a flag given twice with choices, ...
        assert usage.code == 2
        return
    if status == 0:
        assert "estimate" in out and err == ""
    else:
        assert status == 1 and err.startswith("micropop: error: ") and out == ""
        assert "na_rm" not in err and "conf_level" not in err


def test_help_still_names_the_level_flag(capsys):
    with pytest.raises(SystemExit):
        main(["estimate", "--help"])
    assert "--level LEVEL" in capsys.readouterr().out


def test_what_the_reader_guessed_is_told_on_stderr(capsys, tmp_path, monkeypatch):
    import micropop.io

    read = micropop.io.read_survey

    def noting(path, **kwargs):
        frame = read(path, **kwargs)
        frame.attrs["read_notes"] = ["separator ';' guessed", "decimal mark ',' guessed"]
        return frame

    monkeypatch.setattr(micropop.io, "read_survey", noting)
    path = tmp_path / "w.csv"
    mp.datasets.load_worker_survey().head(30).to_csv(path, index=False)
    status, out, err = _run(capsys, "estimate", "mean", "hours_week", "--data", path,
                            "--weights", "weight", "--format", "csv")
    assert status == 0 and out.startswith("variable,estimate")
    assert err.splitlines() == [f"micropop: note: {path}: separator ';' guessed",
                                f"micropop: note: {path}: decimal mark ',' guessed"]
