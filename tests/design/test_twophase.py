"""Two-phase designs (R's twophase): behaviour, identities, and bad inputs refused by name.

The numbers against R are in tests/golden/test_twophase_golden.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import micropop as mp
from micropop.design import SurveyDesign, TwoPhaseDesign
from micropop.errors import (
    DesignError,
    EmptyDomainError,
    MicropopError,
    MissingColumnError,
    MissingValuesError,
    OptionError,
    WeightingError,
)
from support.hostile import design_frames, every_estimator_right_or_refused
from support.paths import REFERENCE

FAST = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture
def screening() -> pd.DataFrame:
    """A screening question (worker) for 12 people; the module for 7 of them."""
    return pd.DataFrame({
        "id": range(12),
        "region": list("aaaaaabbbbbb"),
        "N": [60.0] * 6 + [90.0] * 6,
        "worker": [1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
        "module": [True, True, True, False, True, False, True, True, False, True, False,
                   False],
        "hours": [5.0, 8.0, 0.0, np.nan, 1.0, np.nan, 12.0, 0.0, np.nan, 2.0, np.nan,
                  np.nan],
        "sex": list("fmfmfmfmfmfm"),
    })


def _design(df: pd.DataFrame, **kwargs: object) -> TwoPhaseDesign:
    spec: dict = {"subset": "module", "strata": ("region", "worker"), "fpc": ("N", None)}
    spec.update(kwargs)
    return TwoPhaseDesign(df, **spec)


def test_estimates_use_phase_two_rows_weighted_by_both_phases(screening):
    des = _design(screening)
    assert len(des.data) == 7 and des.data["hours"].notna().all()
    # phase one: 6 of 60 and 6 of 90; phase two: all 3 workers, 4 of the 9 others
    w1 = np.where(screening["region"] == "a", 10.0, 15.0)
    w2 = np.where(screening["worker"] == 1, 1.0, 9 / 4)
    keep = screening["module"].to_numpy()
    expected = np.sum((w1 * w2 * screening["hours"].fillna(0))[keep])
    assert des.total("hours").estimate[0] == pytest.approx(expected, rel=1e-12)
    assert des.weights.to_numpy() == pytest.approx((w1 * w2)[keep])
    assert des.degf == 7 - 2
    assert isinstance(mp.TwoPhaseDesign(screening, subset="module"), TwoPhaseDesign)


def test_the_phase_terms_add_up_and_are_both_positive(screening):
    des = _design(screening)
    z = np.where(des.rows, des.full_weights * screening["hours"].fillna(0).to_numpy(), 0.0)
    first, second = des.phase_vcov(z[:, None])
    assert first[0, 0] > 0 and second[0, 0] > 0
    assert des.total("hours").se[0] ** 2 == pytest.approx(first[0, 0] + second[0, 0])


def test_a_full_phase_two_is_the_one_phase_design():
    """Phase two keeping every row (probability 1) adds nothing: the one-phase variance."""
    df = pd.read_csv(REFERENCE / "fixtures" / "apistrat.csv")
    df = df.assign(all_in=True)
    one = SurveyDesign(df, strata="stype", fpc="fpc")
    two = TwoPhaseDesign(df, subset="all_in", strata=("stype", None), fpc=("fpc", None))
    for stat in ("total", "mean"):
        ours, theirs = getattr(two, stat)("api00"), getattr(one, stat)("api00")
        np.testing.assert_allclose(ours.estimate, theirs.estimate, rtol=1e-12)
        np.testing.assert_allclose(ours.se, theirs.se, rtol=1e-10)


def test_domains_partition_the_total_and_subset_is_a_domain(screening):
    des = _design(screening)
    whole = des.total("hours")
    by = des.total("hours", by="sex")
    assert by.estimate.sum() == pytest.approx(whole.estimate[0])
    assert by.vcov.sum() == pytest.approx(whole.vcov[0, 0])  # covariances included
    women = des.subset("sex == 'f'").mean("hours")
    np.testing.assert_allclose(women.estimate, des.mean("hours", by="sex").estimate[:1])
    np.testing.assert_allclose(women.se, des.mean("hours", by="sex").se[:1])


def test_phase_two_columns_may_be_missing_outside_phase_two_only(screening):
    des = _design(screening)
    assert np.isfinite(des.mean("hours").se).all()
    gap = screening.assign(hours=screening["hours"].where(screening["id"] != 4))
    with pytest.raises(MissingValuesError, match=r"'hours' missing in data row 5"):
        _design(gap).mean("hours")
    assert np.isfinite(_design(gap).mean("hours", na_rm=True).se).all()


def test_the_cohort_phase_one_takes_probability_one_without_warning(screening):
    with __import__("warnings").catch_warnings():
        __import__("warnings").simplefilter("error")
        des = TwoPhaseDesign(screening, subset="module", strata=(None, "worker"))
    assert des.phase_one.full_weights.tolist() == [1.0] * 12
    assert "TwoPhaseDesign(12 phase-one rows, 7 in phase two" in repr(des)


# --- bad inputs --------------------------------------------------------------------------


@pytest.mark.parametrize("subset, error, match", [
    ("nope", MissingColumnError, "nope"),
    (np.ones(5, dtype=bool), DesignError, "12 True/False values"),
    (np.zeros(12, dtype=bool), EmptyDomainError, "no row is in phase two"),
])
def test_a_subset_that_is_not_a_phase_two_of_the_rows_is_refused(screening, subset, error,
                                                                match):
    with pytest.raises(error, match=match):
        TwoPhaseDesign(screening, subset=subset)


def test_subset_values_are_checked_by_row(screening):
    with pytest.raises(DesignError, match=r"missing values in data row 3"):
        TwoPhaseDesign(screening.assign(module=screening["module"].where(
            screening["id"] != 2)), subset="module")
    with pytest.raises(DesignError, match=r"other than True/False .*data row 1 \(value: 2"):
        TwoPhaseDesign(screening.assign(module=[2] + [1] * 11), subset="module")
    with pytest.raises(DesignError, match="not aligned"):
        TwoPhaseDesign(screening, subset=screening["module"].set_axis(range(1, 13)))
    ones = TwoPhaseDesign(screening.assign(module=screening["module"].astype(int)),
                          subset="module")
    assert len(ones.data) == 7


@pytest.mark.parametrize("kwargs, match", [
    ({"psu": "id"}, "not a pair"),
    ({"strata": ("region",)}, "not a pair"),
    ({"fpc": (60, None)}, "holds 60"),
    ({"psu": (["region", "id"], None)}, "not a column name"),
])
def test_design_arguments_must_be_pairs_of_columns(screening, kwargs, match):
    with pytest.raises(DesignError, match=match):
        _design(screening, **kwargs)


def test_methods_are_r_s(screening):
    with pytest.raises(OptionError, match="method"):
        _design(screening, method="exact")
    approx = _design(screening, method="approx")
    simple = _design(screening, method="simple")
    full = _design(screening)
    np.testing.assert_allclose(approx.mean("hours").se, simple.mean("hours").se)
    np.testing.assert_allclose(approx.mean("hours").estimate, full.mean("hours").estimate)
    with pytest.raises(DesignError, match="method='full' designs, not 'approx'"):
        approx.calibrate_phase2(["sex"])


def test_approx_refuses_phase_two_strata_that_split_a_phase_one_unit(screening):
    df = screening.assign(unit=np.arange(12) // 2)
    with pytest.raises(DesignError, match=r"do not split a phase-one unit.*data row"):
        TwoPhaseDesign(df, subset="module", psu=("unit", None), strata=(None, "worker"),
                       method="approx")


def test_phase_two_strata_must_be_known_in_phase_one_to_count_its_fractions(screening):
    gap = screening.assign(worker=screening["worker"].where(screening["id"] != 3))
    with pytest.raises(DesignError, match=r"'worker' is missing in data row 4 of phase one"):
        _design(gap)
    inside = screening.assign(worker=screening["worker"].where(screening["id"] != 0))
    with pytest.raises(DesignError, match=r"'worker' is missing in data row 1, which are in "):
        _design(inside)


def test_a_phase_two_stratum_without_phase_two_rows_is_refused(screening):
    df = screening.assign(worker=np.where(screening["id"] == 3, 2, screening["worker"]))
    with pytest.raises(DesignError, match="strata 2 hold no phase-two row"):
        _design(df)


def test_probabilities_must_be_constant_within_a_unit(screening):
    df = screening.assign(p1=[0.1, 0.2] + [0.1] * 10, unit=[0, 0] + list(range(1, 11)))
    with pytest.raises(DesignError, match=r"phase-one probabilities vary .*data row 2"):
        TwoPhaseDesign(df, subset="module", psu=("unit", None), probs=("p1", None))


def test_reweighting_and_unit_sums_are_refused(screening):
    des = _design(screening)
    with pytest.raises(DesignError, match=r"cannot be re-weighted \(poststratify\)"):
        des.poststratify("sex", {"f": 70, "m": 80})
    with pytest.raises(TypeError, match="no unit sums"):
        des.unit_totals(np.ones((12, 1)))
    with pytest.raises(TypeError, match="no replicate weights"):
        des.replicate_sums(np.ones((12, 1)))
    with pytest.raises(DesignError, match="DataFrame"):
        TwoPhaseDesign([1, 2], subset="module")  # type: ignore[arg-type]


@FAST
@given(frame=design_frames(min_rows=6, max_rows=20), data=st.data())
def test_every_estimator_is_right_or_refused_on_hostile_two_phase_data(frame, data):
    df = frame.data
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=len(df), max_size=len(df))))
    strata2 = data.draw(st.sampled_from([None, "b", "g"]))
    try:
        des = TwoPhaseDesign(df, subset=mask, strata=(frame.design_kwargs.get("strata"),
                                                     strata2),
                             fpc=(frame.design_kwargs.get("fpc"), None),
                             psu=(None, None),
                             method=data.draw(st.sampled_from(["full", "approx"])))
    except MicropopError:
        return
    every_estimator_right_or_refused(des, data.draw)


# --- phase-two calibration ---------------------------------------------------------------


def test_calibrated_phase_two_meets_the_phase_one_totals(screening):
    des = _design(screening).calibrate_phase2(["sex"])
    counts = screening["sex"].value_counts()
    np.testing.assert_allclose(des.phase_two.total("sex").estimate,
                               [counts["f"], counts["m"]])
    assert isinstance(des, TwoPhaseDesign) and des.degf == _design(screening).degf
    numeric = _design(screening).calibrate_phase2(["N"], method="raking")
    assert numeric.phase_two.weights.sum() == pytest.approx(12.0)  # R's intercept


def test_calibrate_phase2_refuses_bad_inputs(screening):
    des = _design(screening)
    with pytest.raises(DesignError, match="needs the calibration columns"):
        des.calibrate_phase2()
    gap = screening.assign(sex=screening["sex"].where(screening["id"] != 5))
    with pytest.raises(DesignError, match=r"'sex' is missing in data row 6 of phase one"):
        _design(gap).calibrate_phase2(["sex"])
    with pytest.raises(MissingColumnError, match="nope"):
        des.calibrate_phase2(["nope"])
    with pytest.raises(WeightingError, match="'rrz' is not a calibration function"):
        des.calibrate_phase2(["sex"], method="rrz")
    with pytest.raises(DesignError, match="calibrate_phase2"):
        des.calibrate({"sex": {"f": 6, "m": 6}})
