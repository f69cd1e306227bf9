"""Accounts corrected for multi-homing: divisor, bootstrap check, weight share."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

import micropop as mp
from micropop.errors import (
    IndicatorError,
    MissingValuesError,
    MultiplicityError,
    PlatformFigureError,
)
from support.paths import REFERENCE

GOLDEN = json.loads((REFERENCE / "golden_size.json").read_text())
WORK = GOLDEN["worker"]


def flat(value) -> float:
    return float(np.ravel(value)[0])


@pytest.fixture(scope="module")
def workers() -> pd.DataFrame:
    return mp.datasets.load_worker_survey()


@pytest.fixture(scope="module")
def des(workers):
    return mp.SurveyDesign(workers, weights="weight")


@pytest.fixture(scope="module")
def platforms() -> pd.DataFrame:
    return mp.datasets.load_platforms()


def test_platform_total(platforms) -> None:
    total, used = mp.size.platform_total(platforms, "accounts_fr")
    assert total == 337_980
    assert used == platforms["platform_id"][:7].tolist()
    assert mp.size.platform_total(platforms, "monthly_visitors_fr")[0] == 66_468
    assert mp.size.platform_total(platforms, "weekly_active_fr")[0] == 18_927


def test_mean_multiplicity_matches_r(des) -> None:
    est = mp.size.mean_multiplicity(des)
    assert est.estimate[0] == pytest.approx(WORK["mean_n_platforms"], rel=1e-8)
    assert est.se[0] == pytest.approx(flat(WORK["mean_n_platforms_se"]), rel=1e-8)
    ratio = mp.SurveyDesign(des.data.assign(one=1.0), weights="weight").ratio(
        "n_platforms", "one")
    assert ratio.estimate[0] == pytest.approx(WORK["ratio_n_platforms"], rel=1e-8)
    assert ratio.se[0] == pytest.approx(WORK["ratio_n_platforms_se"], rel=1e-8)


def test_delta_method_matches_r(des) -> None:
    est = mp.size.multiplicity_correction(WORK["accounts"], des)
    assert est.estimate == pytest.approx(WORK["persons"], rel=1e-8)
    assert est.se == pytest.approx(WORK["persons_se"], rel=1e-8)
    assert est.ci_low < est.estimate < est.ci_high
    assert est.extra["multiplicity"] == pytest.approx(1.27, abs=1e-6)
    assert any("represents the people behind the accounts" in a for a in est.assumptions)


def test_bootstrap_agrees_with_delta_method(des) -> None:
    delta = mp.size.multiplicity_correction(337_980, des)
    boot = mp.size.multiplicity_correction(337_980, des, method="bootstrap",
                                           replicates=2000, seed=20190501)
    again = mp.size.multiplicity_correction(337_980, des, method="bootstrap",
                                            replicates=2000, seed=20190501)
    assert boot.se == again.se  # seeded
    assert boot.se == pytest.approx(delta.se, rel=0.06)
    assert boot.ci_low == pytest.approx(delta.ci_low, rel=0.005)
    assert boot.ci_high == pytest.approx(delta.ci_high, rel=0.005)
    assert "bootstrap" in boot.ci_method and len(boot.extra["replicates"]) == 2000


def test_bootstrap_means_on_a_stratified_cluster_design() -> None:
    pop = mp.datasets.load_population_survey()
    des = mp.SurveyDesign(pop, weights="weight", strata="region",
                          psu=["commune_id", "household_id"], fpc=["fpc1", "fpc2"])
    reps = mp.size.bootstrap_means(des, "n_platforms", replicates=400, seed=7)
    linearised = des.mean("n_platforms").se[0]
    assert reps.std(ddof=1) == pytest.approx(linearised, rel=0.12)


def test_replicate_designs(workers) -> None:
    small = mp.SurveyDesign(workers.iloc[:200], weights="weight")
    jackknife = small.replicate("jk1")
    est = mp.size.multiplicity_correction(337_980, jackknife)
    assert est.se == pytest.approx(mp.size.multiplicity_correction(337_980, small).se,
                                   rel=0.01)
    with pytest.raises(MultiplicityError, match="needs a SurveyDesign"):
        mp.size.multiplicity_correction(337_980, jackknife, method="bootstrap")


def test_accounts_se_is_propagated(des) -> None:
    known = mp.size.multiplicity_correction(337_980, des)
    noisy = mp.size.multiplicity_correction(337_980, des, accounts_se=10_000)
    m = known.extra["multiplicity"]
    assert noisy.se == pytest.approx(math.hypot(known.se, 10_000 / m))


def test_known_divisor(platforms) -> None:
    est = mp.size.multiplicity_correction(337_980, multiplicity=1.27)
    assert est.estimate == pytest.approx(337_980 / 1.27)
    assert est.se == 0 and est.ci_low == est.ci_high == est.estimate
    assert "known exactly" in est.summary()


def test_multiplicity_below_one_names_rows(workers) -> None:
    bad = workers.copy()
    bad.loc[[4, 17], "n_platforms"] = 0
    with pytest.raises(MultiplicityError,
                       match=r"'n_platforms' .* data rows 5, 18 "
                             r"\(file lines 6, 19; id 5, 18; values: 0, 0\)"):
        mp.size.multiplicity_correction(337_980, mp.SurveyDesign(bad, weights="weight"))


def test_divisor_below_one() -> None:
    with pytest.raises(MultiplicityError, match="below 1"):
        mp.size.multiplicity_correction(1000, multiplicity=0.8)


def test_survey_without_the_multiplicity_variable(workers) -> None:
    des = mp.SurveyDesign(workers.drop(columns="n_platforms"), weights="weight")
    with pytest.raises(MultiplicityError, match="no multiplicity column 'n_platforms'"):
        mp.size.multiplicity_correction(337_980, des)
    with pytest.raises(MultiplicityError, match="no design"):
        mp.size.multiplicity_correction(337_980)


def test_missing_multiplicity_points_to_na_rm(workers) -> None:
    bad = workers.assign(n_platforms=workers["n_platforms"].astype(float))
    bad.loc[2, "n_platforms"] = np.nan
    des = mp.SurveyDesign(bad, weights="weight")
    with pytest.raises(MissingValuesError, match="na_rm=True"):
        mp.size.multiplicity_correction(337_980, des)
    assert mp.size.multiplicity_correction(337_980, des, na_rm=True).estimate > 0


@pytest.mark.parametrize("accounts, accounts_se", [(-1.0, 0.0), (np.nan, 0.0), (10.0, -1.0)])
def test_negative_or_missing_counts(accounts, accounts_se) -> None:
    with pytest.raises(PlatformFigureError, match="non-negative"):
        mp.size.multiplicity_correction(accounts, multiplicity=1.27, accounts_se=accounts_se)


def test_unknown_method(des) -> None:
    with pytest.raises(MultiplicityError, match="'delta' or 'bootstrap'"):
        mp.size.multiplicity_correction(1000, des, method="jackknife")


def test_platform_figures_without_source_or_status(platforms) -> None:
    with pytest.raises(PlatformFigureError, match="no column 'accounts_fr_status'"):
        mp.size.platform_total(platforms.drop(columns="accounts_fr_status"), "accounts_fr")
    unsourced = platforms.copy()
    unsourced.loc[1, "source"] = None
    with pytest.raises(PlatformFigureError,
                       match=r"has no source in the platform table: data row 2 \(id clickworker\)"):
        mp.size.platform_total(unsourced, "accounts_fr")
    no_status = platforms.copy()
    no_status["accounts_fr_status"] = no_status["accounts_fr_status"].astype(object)
    no_status.loc[2, "accounts_fr_status"] = None
    with pytest.raises(PlatformFigureError, match="has no status .*amazon_mechanical_turk"):
        mp.size.platform_total(no_status, "accounts_fr")


def test_negative_platform_figure(platforms) -> None:
    bad = platforms.copy()
    bad.loc[3, "accounts_fr"] = -25_000
    with pytest.raises(PlatformFigureError,
                       match=r"is negative .*data row 4 \(id appen\) \(value: -25000\)"):
        mp.size.platform_total(bad, "accounts_fr")


def test_figure_marked_not_available(platforms) -> None:
    bad = platforms.copy()
    bad["accounts_fr_status"] = bad["accounts_fr_status"].astype(object)
    bad.loc[0, "accounts_fr_status"] = "not_available"
    with pytest.raises(PlatformFigureError, match="not_available .*foule_factory"):
        mp.size.platform_total(bad, "accounts_fr")


def test_weight_share_matches_r(platforms, des) -> None:
    est = mp.size.weight_share(platforms, des)
    assert est.estimate == pytest.approx(WORK["weight_share"], rel=1e-8)
    assert est.se == pytest.approx(WORK["weight_share_se"], rel=1e-8)
    table = est.extra["platforms"]
    assert table["persons"].sum() == pytest.approx(est.estimate)
    assert table.loc["foule_factory", "respondents"] == 1000


def toy_platforms(accounts: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"platform_id": ["a", "b"], "accounts": accounts,
                         "accounts_status": "published", "source": "toy"})


def test_weight_share_counts_each_account_one_over_k() -> None:
    single = pd.DataFrame({"a": [1, 1, 0, 0], "b": [0, 0, 1, 1], "w": 1.0})
    est = mp.size.weight_share(toy_platforms([300, 500]), mp.SurveyDesign(single, weights="w"),
                               accounts="accounts")
    assert est.estimate == pytest.approx(800)  # nobody on both: every account is a person
    both = pd.DataFrame({"a": [1, 1, 1], "b": [1, 1, 1], "w": 1.0})
    est = mp.size.weight_share(toy_platforms([400, 400]), mp.SurveyDesign(both, weights="w"),
                               accounts="accounts")
    assert est.estimate == pytest.approx(400) and est.se == pytest.approx(0)


def test_weight_share_bad_inputs() -> None:
    nobody = pd.DataFrame({"a": [1, 1, 1], "b": [0, 0, 0], "w": 1.0})
    with pytest.raises(PlatformFigureError, match="no respondent uses platform b"):
        mp.size.weight_share(toy_platforms([10, 20]), mp.SurveyDesign(nobody, weights="w"),
                             accounts="accounts")
    not_binary = pd.DataFrame({"a": [1, 2, 1], "b": [1, 0, 0], "w": 1.0})
    with pytest.raises(IndicatorError, match="'a' is not a 0/1 indicator"):
        mp.size.weight_share(toy_platforms([10, 20]),
                             mp.SurveyDesign(not_binary, weights="w"), accounts="accounts")


def test_weight_share_is_unbiased_and_its_se_honest() -> None:
    """Seeded simulation: persons on 3 platforms, repeated simple random samples."""
    rng = np.random.default_rng(11)
    size = 20_000
    member = (rng.random((size, 3)) < [0.7, 0.35, 0.2]).astype(int)
    member[member.sum(axis=1) == 0, 0] = 1  # everyone is on at least one platform
    population = pd.DataFrame(member, columns=["a", "b", "c"])
    table = pd.DataFrame({"platform_id": ["a", "b", "c"], "accounts": member.sum(axis=0),
                          "accounts_status": "published", "source": "simulation"})
    estimates, ses = [], []
    for _ in range(150):
        sample = population.iloc[rng.choice(size, 400, replace=False)].assign(w=size / 400)
        est = mp.size.weight_share(table, mp.SurveyDesign(sample, weights="w"),
                                   accounts="accounts")
        estimates.append(est.estimate)
        ses.append(est.se)
    assert np.mean(estimates) == pytest.approx(size, rel=0.005)
    assert np.mean(ses) == pytest.approx(np.std(estimates, ddof=1), rel=0.15)
