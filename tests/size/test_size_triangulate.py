"""Triangulation table, forest plot and full-time equivalents."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from matplotlib.figure import Figure

import micropop as mp
from micropop.errors import MicropopError, SizeInputError
from micropop.plotting import size_forest
from micropop.size import SizeEstimate
from support.paths import REFERENCE

GOLDEN = json.loads((REFERENCE / "golden_size.json").read_text())
WORK = GOLDEN["worker"]


@pytest.fixture(scope="module")
def des():
    return mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")


@pytest.fixture(scope="module")
def estimates(des):
    circles = mp.size.platform_circles(mp.datasets.load_platforms(), des)
    return {"traffic / 1.27": circles["regular"],
            "Chapman (waves)": mp.size.chapman(1278, 1069, 36),
            "Lincoln-Petersen": mp.size.lincoln_petersen(1278, 1069, 36)}


def test_table(estimates) -> None:
    table = mp.size.triangulate(estimates)
    assert table.index.name == "label"
    assert table.index.tolist() == list(estimates)
    assert table.columns.tolist() == ["estimate", "se", "ci_low", "ci_high", "ci_level",
                                      "method", "ci_method", "key_assumption", "assumptions"]
    assert table.loc["Chapman (waves)", "estimate"] == pytest.approx(36_986.3, abs=0.05)
    assert table.loc["traffic / 1.27", "key_assumption"].startswith("Each account")


def test_labels_and_key_assumptions(estimates) -> None:
    same = [estimates["Chapman (waves)"], estimates["Chapman (waves)"]]
    assert mp.size.triangulate(same).index.tolist() == ["Chapman (1)", "Chapman (2)"]
    table = mp.size.triangulate(estimates, key_assumptions={"Chapman (waves)": "Independent."})
    assert table.loc["Chapman (waves)", "key_assumption"] == "Independent."


def test_bad_triangulation(estimates) -> None:
    with pytest.raises(SizeInputError, match="no estimate"):
        mp.size.triangulate([])
    with pytest.raises(SizeInputError, match="not a SizeEstimate"):
        mp.size.triangulate({"x": 3.0})
    with pytest.raises(SizeInputError, match="unknown labels"):
        mp.size.triangulate(estimates, key_assumptions={"nope": "x"})


def test_forest_plot(estimates) -> None:
    table = mp.size.triangulate(estimates)
    ax = size_forest(table, ax=Figure().subplots(), reference=52_179, reference_label="truth")
    assert [t.get_text() for t in ax.get_yticklabels()] == list(estimates)
    assert ax.get_xlabel() == "Number of people"
    assert ax.get_legend().get_texts()[0].get_text() == "truth"
    points = ax.lines[0].get_xdata()
    assert np.asarray(points) == pytest.approx(table["estimate"].to_numpy())


def test_forest_plot_french_and_inputs(estimates, des) -> None:
    ax = size_forest(list(estimates.values()), ax=Figure().subplots(), lang="fr")
    assert ax.get_xlabel() == "Nombre de personnes"
    circles = mp.size.platform_circles(mp.datasets.load_platforms(), des)
    ax = size_forest(circles, ax=Figure().subplots())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["registered", "regular",
                                                            "very_active"]
    ax = size_forest(estimates["Chapman (waves)"], ax=Figure().subplots())
    assert len(ax.get_yticklabels()) == 1


def test_forest_plot_of_a_count_by_domain_has_one_row_per_domain(des) -> None:
    by_sex = mp.size.survey_count(des, "has_other_job", by="sex")  # one result since #12
    ax = size_forest(by_sex, ax=Figure().subplots())
    assert [t.get_text() for t in ax.get_yticklabels()] == [str(k) for k in by_sex.domains]
    points = ax.lines[0].get_xdata()
    assert np.asarray(points) == pytest.approx([e.estimate for e in by_sex.domains.values()])


def test_forest_plot_open_interval() -> None:
    open_ended = SizeEstimate(100.0, math.nan, 50.0, math.inf, 0.95, "profile", "no recapture")
    ax = size_forest({"open": open_ended}, ax=Figure().subplots())
    assert math.isfinite(ax.get_xlim()[1])


def test_forest_plot_bad_table() -> None:
    import pandas as pd
    with pytest.raises(MicropopError, match="ci_low"):
        size_forest(pd.DataFrame({"estimate": [1.0]}), ax=Figure().subplots())


def test_fte_from_survey_total(des) -> None:
    est = mp.size.fte(des)
    assert est.estimate == pytest.approx(WORK["hours_total"] / 35, rel=1e-8)
    assert est.se == pytest.approx(float(np.ravel(WORK["hours_total_se"])[0]) / 35, rel=1e-8)
    assert est.method == "full-time equivalents"


def test_fte_from_a_count(des) -> None:
    regular = mp.size.multiplicity_correction(52_337 * 1.27, multiplicity=1.27)
    est = mp.size.fte(des, count=regular)
    mean_hours = des.mean("hours_week").estimate[0]
    assert est.estimate == pytest.approx(regular.estimate * mean_hours / 35)
    assert est.se == pytest.approx(regular.estimate * des.mean("hours_week").se[0] / 35)
    assert 4_000 < est.estimate < 5_000  # DOMAIN.md: about 5,000 jobs


def test_fte_bad_inputs(des) -> None:
    data = des.data.copy()
    data.loc[7, "hours_week"] = -2.0
    with pytest.raises(SizeInputError, match=r"negative hours: data row 8 "
                                                       r"\(file line 9; id 8; value: -2.0\)"):
        mp.size.fte(mp.SurveyDesign(data, weights="weight"))
    with pytest.raises(SizeInputError, match="full_time_hours"):
        mp.size.fte(des, full_time_hours=0)
