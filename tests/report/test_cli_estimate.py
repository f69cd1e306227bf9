"""``micropop estimate``: one estimate from the shell, the same numbers as the API."""

import io
import json

import pandas as pd
import pytest

import micropop as mp
from micropop.cli import main

WORKERS = ["--dataset", "worker_survey", "--weights", "weight"]
POPULATION = ["--dataset", "population_survey", "--weights", "weight", "--strata", "region",
              "--psu", "commune_id", "household_id", "--fpc", "fpc1", "fpc2"]


def _run(capsys, *args):
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_csv_output_equals_the_api(capsys):
    status, out, _ = _run(capsys, "estimate", "mean", "earnings_month", *WORKERS,
                          "--by", "frequency", "--format", "csv")
    assert status == 0
    got = pd.read_csv(io.StringIO(out), index_col=[0, 1])
    des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    want = des.mean("earnings_month", by="frequency").to_frame()
    assert got["estimate"].to_numpy() == pytest.approx(want["estimate"].to_numpy(), rel=1e-12)
    assert got["se"].to_numpy() == pytest.approx(want["se"].to_numpy(), rel=1e-12)


def test_json_output_for_a_two_stage_design(capsys):
    status, out, _ = _run(capsys, "estimate", "total", "microwork_12m", *POPULATION,
                          "--format", "json")
    assert status == 0
    (row,) = json.loads(out)
    pop = mp.datasets.load_population_survey()
    des = mp.SurveyDesign(pop, weights="weight", strata="region",
                          psu=["commune_id", "household_id"], fpc=["fpc1", "fpc2"])
    want = des.total("microwork_12m")
    assert row["variable"] == "microwork_12m"
    assert row["estimate"] == pytest.approx(float(want.estimate[0]), rel=1e-9)
    assert row["se"] == pytest.approx(float(want.se[0]), rel=1e-9)
    assert row["df"] == des.degf


@pytest.mark.parametrize("statistic, extra", [
    ("ratio", ["earnings_month", "hours_week"]),
    ("quantile", ["earnings_month", "--quantiles", "0.25", "0.5"]),
    ("proportion", ["sex", "--level", "female"]),
])
def test_every_statistic_prints_a_table(capsys, statistic, extra):
    status, out, err = _run(capsys, "estimate", statistic, *extra, *WORKERS)
    assert status == 0, err
    assert "estimate" in out and "ci_low" in out


def test_conf_level_widens_the_interval(capsys):
    args = ["estimate", "mean", "hours_week", *WORKERS, "--format", "json"]
    narrow = json.loads(_run(capsys, *args)[1])[0]
    wide = json.loads(_run(capsys, *args, "--conf-level", "0.99")[1])[0]
    assert wide["ci_high"] - wide["ci_low"] > narrow["ci_high"] - narrow["ci_low"]


@pytest.mark.parametrize("args, message", [
    (["estimate", "mean", "nope", *WORKERS], "'nope'"),
    (["estimate", "mean", "x", "--dataset", "no_such_data"], "unknown dataset 'no_such_data'"),
    (["estimate", "ratio", "earnings_month", *WORKERS], "numerator and a denominator"),
    (["estimate", "mean", "x", "--data", "missing.csv"], "missing.csv"),
])
def test_bad_input_is_an_error_message_not_a_traceback(capsys, args, message):
    status, _, err = _run(capsys, *args)
    assert status == 1
    assert err.startswith("micropop: error:") and message in err
