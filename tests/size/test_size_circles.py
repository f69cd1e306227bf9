"""Activity circles from platform figures, sensitivity, and the DiPLab worked example."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import micropop as mp
from micropop.errors import MultiplicityError, NestingError, PlatformFigureError, SizeInputError
from support.paths import REFERENCE

GOLDEN = json.loads((REFERENCE / "golden_size.json").read_text())
WORK = GOLDEN["worker"]
PUBLISHED = [266_126, 52_337, 14_903]


@pytest.fixture(scope="module")
def des():
    return mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")


@pytest.fixture(scope="module")
def platforms() -> pd.DataFrame:
    return mp.datasets.load_platforms()


def test_known_divisor_gives_the_published_circles(platforms) -> None:
    circles = mp.size.platform_circles(platforms, multiplicity=1.27)
    frame = circles.to_frame()
    assert frame.index.tolist() == ["registered", "regular", "very_active"]
    assert frame["estimate"].to_numpy() == pytest.approx(PUBLISHED, abs=0.2)
    assert "7 platforms" in frame.loc["registered", "definition"]


def test_survey_divisor_carries_its_error(platforms, des) -> None:
    circles = mp.size.platform_circles(platforms, des)
    frame = circles.to_frame()
    relative = WORK["persons_se"] / WORK["persons"]
    assert (frame["se"] / frame["estimate"]).to_numpy() == pytest.approx(relative, rel=1e-8)
    assert ((frame["ci_low"] < PUBLISHED) & (frame["ci_high"] > PUBLISHED)).all()


def test_bootstrap_option_is_passed_on(platforms, des) -> None:
    circles = mp.size.platform_circles(platforms, des, method="bootstrap", replicates=300,
                                       seed=1)
    assert "bootstrap" in circles["regular"].ci_method


def test_figures_that_would_not_nest(platforms) -> None:
    bad = platforms.copy()
    bad.loc[0, "weekly_active_fr"] = 60_000
    with pytest.raises(NestingError, match="'very_active' .* larger than circle 'regular'"):
        mp.size.platform_circles(bad, multiplicity=1.27)


def test_platform_figures_without_source(platforms) -> None:
    with pytest.raises(PlatformFigureError, match="'source'"):
        mp.size.platform_circles(platforms.drop(columns="source"), multiplicity=1.27)


def test_frequency_circles_match_r(des) -> None:
    circles = mp.size.frequency_circles(
        337_980, des, "frequency",
        {"regular": ["monthly", "weekly"], "very_active": ["weekly"]})
    frame = circles.to_frame()
    assert frame["estimate"].to_numpy() == pytest.approx(WORK["frequency_circles"], rel=1e-8)
    assert frame["se"].to_numpy() == pytest.approx(WORK["frequency_circles_se"], rel=1e-8)
    assert frame["estimate"].is_monotonic_decreasing


def test_frequency_circles_that_would_not_nest(des) -> None:
    with pytest.raises(NestingError, match="would not nest"):
        mp.size.frequency_circles(337_980, des, "frequency",
                                  {"weekly": ["weekly"], "regular": ["monthly", "weekly"]})


def test_frequency_circles_bad_inputs(des) -> None:
    with pytest.raises(PlatformFigureError, match="non-negative"):
        mp.size.frequency_circles(-1, des, "frequency", {"weekly": ["weekly"]})
    no_column = mp.SurveyDesign(des.data.drop(columns="n_platforms"), weights="weight")
    with pytest.raises(MultiplicityError, match="n_platforms"):
        mp.size.frequency_circles(10, no_column, "frequency", {"weekly": ["weekly"]})


def test_sensitivity_grid() -> None:
    table = mp.size.circle_sensitivity(337_980, 66_468, 18_927)
    assert len(table) == 27
    assert table.columns.tolist() == ["multiplicity", "dormant_share", "visitors_per_worker",
                                      "registered", "regular", "very_active", "nested"]
    base = table.query("multiplicity == 1.27 and dormant_share == 0 "
                       "and visitors_per_worker == 1")
    assert base[["registered", "regular", "very_active"]].to_numpy()[0] == pytest.approx(
        PUBLISHED, abs=0.2)
    kassi = table.query("multiplicity == 1.83 and dormant_share == 0.5")
    assert kassi["registered"].to_numpy() == pytest.approx(337_980 * 0.5 / 1.83)
    assert table["nested"].all()


def test_sensitivity_flags_circles_that_stop_nesting() -> None:
    table = mp.size.circle_sensitivity(100, 90, 10, multiplicity=[1.0], dormant_share=[0, 0.5],
                                       visitors_per_worker=[1.0])
    assert table["nested"].tolist() == [True, False]


@pytest.mark.parametrize("kwargs, error, words", [
    ({"multiplicity": [0.9]}, MultiplicityError, "below 1"),
    ({"dormant_share": [1.0]}, SizeInputError, "dormant_share"),
    ({"visitors_per_worker": [0]}, SizeInputError, "visitors_per_worker"),
])
def test_sensitivity_bad_assumptions(kwargs, error, words) -> None:
    with pytest.raises(error, match=words):
        mp.size.circle_sensitivity(100, 50, 10, **kwargs)


def test_sensitivity_negative_counts() -> None:
    with pytest.raises(PlatformFigureError, match="monthly_visitors"):
        mp.size.circle_sensitivity(100, -50, 10)


def test_diplab_example() -> None:
    table = mp.size.diplab_example()
    assert table.index.tolist() == ["registered", "regular", "very_active"]
    assert table["published"].tolist() == PUBLISHED
    assert table["derived_sum"].to_numpy() == pytest.approx(np.array(PUBLISHED) * 1.27)
    assert table["reproduced"].to_numpy() == pytest.approx(PUBLISHED, rel=1e-12)
    assert table["demo_sum"].tolist() == [337_980, 66_468, 18_927]
    assert table["demo_estimate"].to_numpy() == pytest.approx(PUBLISHED, abs=0.2)
    assert ((table["demo_ci_low"] < table["published"])
            & (table["published"] < table["demo_ci_high"])).all()
    assert (table["demo_ci_high"] - table["demo_ci_low"] > 0).all()
