"""``micropop model``: a design-based regression from the shell, the same numbers as the API."""

import io
import json
from pathlib import Path

import pandas as pd
import pytest

import micropop as mp
from micropop.cli import main
from support.paths import ROOT

WORKERS = ["--dataset", "worker_survey", "--weights", "weight"]
POPULATION = ["--dataset", "population_survey", "--weights", "weight", "--strata", "region",
              "--psu", "commune_id", "household_id", "--fpc", "fpc1", "fpc2"]
EXAMPLE = ROOT / "examples" / "enquete_fr"


def _run(capsys, *args):
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_csv_output_equals_the_api_with_odds_ratios(capsys):
    status, out, _ = _run(capsys, "model", "has_other_job ~ sex + hours_week", *WORKERS,
                          "--family", "quasibinomial", "--exp", "--format", "csv")
    assert status == 0
    got = pd.read_csv(io.StringIO(out), index_col=0)
    des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    want = des.glm("has_other_job ~ sex + hours_week", family="quasibinomial").to_frame(exp=True)
    assert list(got.index) == ["(Intercept)", "sexmale", "hours_week"]
    for column in ("estimate", "se", "p", "ci_low", "ci_high"):
        assert got[column].to_numpy() == pytest.approx(want[column].to_numpy(), rel=1e-12)


def test_an_ordinal_model_from_the_shell_equals_olr(capsys):
    status, out, _ = _run(capsys, "model", "frequency ~ sex + hours_week", *WORKERS,
                          "--family", "ordinal", "--link", "probit", "--format", "csv")
    assert status == 0
    got = pd.read_csv(io.StringIO(out), index_col=0)
    des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    want = des.olr("frequency ~ sex + hours_week", method="probit").to_frame()
    assert list(got.index) == ["sexmale", "hours_week", "weekly|monthly", "monthly|less_often"]
    assert got["estimate"].to_numpy() == pytest.approx(want["estimate"].to_numpy(), rel=1e-12)
    status, _, err = _run(capsys, "model", "frequency ~ sex", *WORKERS, "--family", "ordinal",
                          "--link", "log")
    assert status != 0 and "--link 'log' is not a link of an ordinal model" in err


def test_json_output_on_a_two_stage_design_with_its_level(capsys):
    status, out, _ = _run(capsys, "model", "microwork_12m ~ sex", *POPULATION,
                          "--family", "quasibinomial", "--level", "0.9", "--format", "json")
    assert status == 0
    rows = json.loads(out)
    pop = mp.SurveyDesign(mp.datasets.load_population_survey(), weights="weight",
                          strata="region", psu=["commune_id", "household_id"],
                          fpc=["fpc1", "fpc2"])
    want = pop.glm("microwork_12m ~ sex", family="quasibinomial").to_frame(level=0.9)
    assert [row["term"] for row in rows] == list(want.index)
    assert [row["ci_low"] for row in rows] == pytest.approx(want["ci_low"].to_numpy(), rel=1e-12)


def test_a_french_excel_file_with_missing_incomes_needs_na_rm(capsys):
    common = ["model", "gains_mois ~ heures_semaine + sexe + revenu_menage",
              "--data", str(EXAMPLE / "enquete.csv"),
              "--codebook", str(EXAMPLE / "enquete.codebook.yaml"), "--weights", "poids"]
    status, _, err = _run(capsys, *common)
    assert status == 1
    assert "revenu_menage" in err and "--na-rm" in err and "na_rm" not in err
    status, out, _ = _run(capsys, *common, "--na-rm", "--format", "csv")
    assert status == 0
    got = pd.read_csv(io.StringIO(out), index_col=0)
    assert list(got.index) == ["(Intercept)", "heures_semaine", "sexeHomme", "revenu_menage"]


@pytest.mark.parametrize("args, words", [
    (["y ~ x", "--family", "gauss"], "unknown family 'gauss'"),
    (["earnings_month ~ hours_week", "--link", "sqrt"], "sqrt"),
    (["earnings_month ~ hours_wek"], "did you mean 'hours_week'"),
    (["earnings_month ~ __import__('os').system('touch pwned')"], "formula"),
])
def test_bad_models_are_refused_by_name(capsys, tmp_path, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    status, out, err = _run(capsys, "model", *args, *WORKERS)
    assert status == 1 and out == ""
    assert words in err
    assert not Path("pwned").exists()


def test_reading_flags_do_not_apply_to_a_packaged_dataset(capsys):
    status, _, err = _run(capsys, "model", "earnings_month ~ sex", *WORKERS, "--sep", ";")
    assert status == 1 and "--sep applies to --data" in err
