"""The committed demo data: reproducible bit for bit, calibrated, sourced.

These tests read the files with plain pandas/yaml (not micropop.io), so they
check the data themselves, independently of the readers.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from support.paths import ROOT

REPO = ROOT
DATA = REPO / "data"
GENERATOR = DATA / "scripts" / "generate.py"

EXPECTED_FILES = [
    "worker_survey.csv",
    "worker_survey.codebook.yaml",
    "platforms.csv",
    "population_survey.csv",
    "population_survey.codebook.yaml",
    "population_truth.csv",
    "capture_histories.csv",
    "reference/insee_rp2018_sex_age.csv",
    "reference/insee_poverty_2015_2019.csv",
    "reference/education_attainment.csv",
    "reference/labour_market_2018.csv",
    "reference/smic_hourly.csv",
]

MULTIHOMING = 1.27


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("regenerated")
    proc = subprocess.run([sys.executable, str(GENERATOR), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def ws() -> pd.DataFrame:
    return pd.read_csv(DATA / "worker_survey.csv", encoding="utf-8")


@pytest.fixture(scope="module")
def platforms() -> pd.DataFrame:
    return pd.read_csv(DATA / "platforms.csv", encoding="utf-8")


# --- reproducibility --------------------------------------------------------


def test_generator_writes_every_expected_file(regenerated):
    written = sorted(p.relative_to(regenerated).as_posix()
                     for p in regenerated.rglob("*") if p.is_file())
    assert sorted(EXPECTED_FILES) == written


@pytest.mark.parametrize("rel", EXPECTED_FILES)
def test_regenerated_file_is_byte_identical(regenerated, rel):
    committed = DATA / rel
    assert committed.is_file(), f"{rel} is not committed in data/"
    new = (regenerated / rel).read_bytes()
    old = committed.read_bytes()
    assert new == old, (f"{rel} differs from the committed file; run "
                        "`python data/scripts/generate.py` and commit the result")


@pytest.mark.parametrize("rel", EXPECTED_FILES)
def test_files_are_small_and_utf8_with_unix_newlines(rel):
    raw = (DATA / rel).read_bytes()
    assert len(raw) < 5 * 1024 * 1024
    raw.decode("utf-8")
    assert b"\r\n" not in raw


def test_seeds_are_derived_from_one_master_seed():
    sys.path.insert(0, str(GENERATOR.parent))
    try:
        import generate
    finally:
        sys.path.remove(str(GENERATOR.parent))
    seeds = generate.module_seeds()
    assert seeds == generate.module_seeds(generate.MASTER_SEED)
    assert len(set(seeds.values())) == len(seeds)
    assert seeds != generate.module_seeds(generate.MASTER_SEED + 1)


# --- worker survey calibration ---------------------------------------------

def _share(ws, numerator, denominator=None, weighted=False):
    den = np.ones(len(ws), dtype=bool) if denominator is None else np.asarray(denominator)
    num = np.asarray(numerator, dtype=float)
    w = ws["weight"].to_numpy() if weighted else np.ones(len(ws))
    return float((w * num * den).sum() / (w * den).sum())


SHARES = {  # name: (target, numerator, denominator)
    "women": (0.561, lambda d: d["sex"] == "female", None),
    "aged 25-44": (0.634, lambda d: d["age"].between(25, 44), None),
    "above bac+2 (25-64)": (0.435, lambda d: d["education"] == "above_bac+2",
                            lambda d: d["age"].between(25, 64)),
    "below 2016 poverty line": (0.22, lambda d: d["income_per_cu"] < 1026, None),
    "no other job": (0.279, lambda d: d["has_other_job"] == 0, None),
    "CDI": (0.40, lambda d: d["employment"] == "cdi", None),
    "full-time among CDI": (0.71, lambda d: d["working_time"] == "full_time",
                            lambda d: d["employment"] == "cdi"),
    "money motive": (0.449, lambda d: d["main_motive"] == "money", None),
}
MEANS = {"earnings_month": 21.0, "hours_week": 3.0, "n_platforms": 1.27}


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("name", list(SHARES))
def test_worker_survey_share_on_target(ws, name, weighted):
    target, num, den = SHARES[name]
    value = _share(ws, num(ws), None if den is None else den(ws), weighted)
    assert abs(value - target) <= 0.01, f"{name}: {value:.4f} vs {target}"


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("column", list(MEANS))
def test_worker_survey_mean_on_target(ws, column, weighted):
    w = ws["weight"] if weighted else None
    value = float(np.average(ws[column], weights=w))
    target = MEANS[column]
    assert abs(value - target) <= 0.10 * target, f"{column}: {value:.3f} vs {target}"


def test_worker_survey_shape_and_weights(ws):
    assert len(ws) == 1000
    assert ws["id"].is_unique
    w = ws["weight"]
    assert (w > 0).all()
    assert round(float(w.sum())) == 266126
    assert w.std() / w.mean() > 0.1, "the base weight should vary"
    # weights vary by region and sex (non-response style), not only by noise
    by_cell = w.groupby([ws["region"], ws["sex"]]).mean()
    assert by_cell.max() / by_cell.min() > 1.3


def test_worker_survey_internal_consistency(ws, platforms):
    pf_cols = list(platforms["platform_id"])
    assert set(pf_cols) <= set(ws.columns)
    assert ws[pf_cols].isin([0, 1]).all().all()
    assert (ws[pf_cols].sum(axis=1) == ws["n_platforms"]).all()
    assert (ws["foule_factory"] == 1).all()  # recruited on Foule Factory
    # OECD-modified consumption units
    adults = ws["household_size"] - ws["children_under14"]
    assert (adults >= 1).all()
    cu = 1 + 0.5 * (adults - 1) + 0.3 * ws["children_under14"]
    np.testing.assert_allclose(ws["consumption_units"], cu, atol=0.005)
    np.testing.assert_allclose(ws["income_per_cu"], ws["hh_income_month"] / cu, atol=0.006)
    assert ((ws["income_per_cu"] < 1026).astype(int) == ws["below_poverty_line"]).all()
    # age bands
    lo = ws["age_band"].str.split("-").str[0].astype(int)
    assert ((ws["age"] >= lo) & (ws["age"] <= lo + 4)).all()
    # employment, other job and working time agree
    not_emp = ws["employment"].isin(["unemployed", "student", "retired", "inactive"])
    assert ((ws["has_other_job"] == 0) == not_emp).all()
    assert ((ws["working_time"] == "not_applicable") == not_emp).all()
    assert (ws["earnings_month"] >= 0).all() and (ws["hours_week"] >= 0).all()


def test_worker_survey_plausible_correlations(ws):
    by_freq = ws.groupby("frequency")[["hours_week", "earnings_month"]].mean()
    assert by_freq.loc["weekly", "hours_week"] > by_freq.loc["monthly", "hours_week"] \
        > by_freq.loc["less_often", "hours_week"]
    assert by_freq.loc["weekly", "earnings_month"] > by_freq.loc["monthly", "earnings_month"] \
        > by_freq.loc["less_often", "earnings_month"]
    # earnings very unequal: median well below the mean
    assert ws["earnings_month"].median() < 0.6 * ws["earnings_month"].mean()
    # the poor work more often for the money
    poor = ws["below_poverty_line"] == 1
    assert (ws.loc[poor, "main_motive"] == "money").mean() > \
        (ws.loc[~poor, "main_motive"] == "money").mean()
    # median hourly earnings at most 1.77 EUR (DiPLab report)
    worked = ws["hours_week"] > 0
    hourly = ws.loc[worked, "earnings_month"] / (ws.loc[worked, "hours_week"] * 52 / 12)
    assert hourly.median() <= 1.77


def test_worker_survey_codebook_matches_csv(ws):
    book = yaml.safe_load((DATA / "worker_survey.codebook.yaml").read_text("utf-8"))
    assert book["dataset"] == "worker_survey"
    assert "SYNTHETIC" in book["description"]
    assert book["id"] == "id"
    variables = book["variables"]
    assert list(variables) == list(ws.columns)
    for name, spec in variables.items():
        assert spec.get("description"), name
        if spec["type"] in ("categorical", "ordered"):
            assert set(ws[name].unique()) <= set(spec["levels"]), name
        if "range" in spec:
            low, high = spec["range"]
            assert low is None or ws[name].min() >= low, name
            assert high is None or ws[name].max() <= high, name


# --- platform table ---------------------------------------------------------


def test_platform_totals_match_published_aggregates(platforms):
    declared = platforms["accounts_fr"].dropna()
    assert len(declared) == 7  # seven platforms declared their registrations
    assert round(declared.sum() / MULTIHOMING) == 266126
    assert round(platforms["monthly_visitors_fr"].sum() / MULTIHOMING) == 52337
    assert round(platforms["weekly_active_fr"].dropna().sum() / MULTIHOMING) == 14903
    # nested: weekly <= monthly visitors where both known
    both = platforms.dropna(subset=["weekly_active_fr"])
    assert (both["weekly_active_fr"] <= both["monthly_visitors_fr"]).all()


def test_every_platform_figure_is_labelled(platforms):
    for col in ["accounts_fr", "monthly_visitors_fr", "weekly_active_fr"]:
        status = platforms[f"{col}_status"]
        assert set(status) <= {"illustrative", "not_available"}
        assert (status.eq("not_available") == platforms[col].isna()).all()
    assert platforms["source"].str.startswith("illustrative").all()
    assert platforms["source"].str.contains("1901.03889").all()
    assert platforms["platform_id"].str.fullmatch(r"[a-z0-9_]+").all()


# --- reference tables ---------------------------------------------------------


@pytest.mark.parametrize("rel", [r for r in EXPECTED_FILES if r.startswith("reference/")])
def test_reference_rows_have_year_source_status(rel):
    ref = pd.read_csv(DATA / rel, encoding="utf-8")
    for col in ("year", "source", "status"):
        assert col in ref.columns
        assert ref[col].notna().all()
    assert ref["status"].str.startswith(("published", "approximation")).all()


def test_rp2018_matches_published_figures():
    ref = pd.read_csv(DATA / "reference/insee_rp2018_sex_age.csv")
    row = ref.set_index("age_band").loc["25-29"]
    assert (row["men"], row["women"]) == (1894988, 1939465)
    # band rows add up to the published totals, up to INSEE's rounding
    assert abs(ref["men"].sum() - 32280580) <= 5
    assert abs(ref["women"].sum() - 34451958) <= 5
    assert abs(ref["total"].sum() - 66732538) <= 5
    assert (abs(ref["men"] + ref["women"] - ref["total"]) <= 1).all()
    working = ref[ref["age_min"].between(15, 60)]
    assert abs(working["total"].sum() - 41519100) <= 5
    assert round(working["women"].sum() / working["total"].sum(), 3) == 0.507
    adults = ref[ref["age_min"].between(20, 60)]
    core = ref[ref["age_min"].between(25, 40)]
    assert round(core["total"].sum() / adults["total"].sum(), 3) == 0.435


def test_poverty_table_matches_domain():
    pov = pd.read_csv(DATA / "reference/insee_poverty_2015_2019.csv").set_index("year")
    assert list(pov.index) == [2015, 2016, 2017, 2018, 2019]
    assert list(pov["poverty_line_60pct_eur_month"]) == [1015, 1026, 1041, 1063, 1102]
    assert list(pov["median_standard_of_living_eur_month"]) == [1692, 1710, 1735, 1771, 1837]
    assert pov.loc[2016, "gini"] == pytest.approx(0.288)
    assert pov.loc[2016, "poverty_rate_pct"] == pytest.approx(14.0)
    # the line is 60 % of the median (to the euro)
    assert (abs(0.6 * pov["median_standard_of_living_eur_month"]
                - pov["poverty_line_60pct_eur_month"]) <= 1).all()


def test_education_table_rows_sum_to_100():
    edu = pd.read_csv(DATA / "reference/education_attainment.csv")
    full = edu[edu["year"] == 2023]
    sums = full.groupby(["age_group", "sex"])["share_pct"].sum()
    assert len(sums) == 15
    # six shares each rounded to 0.1 by INSEE: the sum is 100 within 0.3
    assert (abs(sums - 100) <= 0.3 + 1e-9).all()
    levels = set(full["level"].dropna())
    assert levels == {"below_bac", "bac", "bac+2", "above_bac+2"}
