"""calibrate's variance=, per-row bounds, bounds_const and aggregate=; rake's on_nonconvergence.

Examples of each refusal (a MicropopError naming the argument, rows or unit),
identities the options must keep, and properties over generated samples:
whatever hypothesis draws, calibration with these options either raises a
MicropopError or returns finite weights that meet every target (checked from
the data) within the bounds given. The R goldens are in
test_calibrate_options_golden.py.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from micropop.design import SurveyDesign
from micropop.errors import (
    ConvergenceError,
    InfeasibleBoundsError,
    MicropopError,
    MicropopWarning,
    MissingColumnError,
    OptionError,
    WeightingError,
)
from support.golden import build

POP = {"stype": {"E": 4421, "H": 755, "M": 1018}, "api99": 3914069}
pytestmark = pytest.mark.filterwarnings("ignore:calibration .* negative weight")
PROPERTY = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def small() -> SurveyDesign:
    df = pd.DataFrame({"g": ["a", "a", "b", "b", "b", "a"], "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
                       "psu": [1, 1, 2, 2, 3, 3], "w": [10.0, 10.0, 5.0, 5.0, 8.0, 8.0]})
    return SurveyDesign(df, weights="w", psu="psu")


# --- variance= ------------------------------------------------------------------------------

def test_ratio_estimator_scales_every_weight_by_the_same_ratio(small):
    new = small.calibrate({"x": 150.0}, variance="x")
    ratio = 150.0 / (small.weights @ small.data["x"])
    np.testing.assert_allclose(new.weights, small.weights * ratio, rtol=1e-12)


def test_variance_as_array_or_series_equals_the_column(small):
    by_name = small.calibrate({"g": {"a": 40, "b": 30}, "x": 150.0}, variance="x")
    for given_as in (small.data["x"].to_numpy(), small.data["x"], list(small.data["x"])):
        other = small.calibrate({"g": {"a": 40, "b": 30}, "x": 150.0}, variance=given_as)
        np.testing.assert_allclose(other.weights, by_name.weights, rtol=1e-12)


def test_a_constant_variance_changes_nothing(small):
    plain = small.calibrate({"g": {"a": 40, "b": 30}, "x": 150.0})
    constant = small.calibrate({"g": {"a": 40, "b": 30}, "x": 150.0}, variance=np.full(6, 3.0))
    np.testing.assert_allclose(constant.weights, plain.weights, rtol=1e-12)
    np.testing.assert_allclose(constant.total("x").se, plain.total("x").se, atol=1e-9)


@pytest.mark.parametrize("variance, match", [
    ([1.0, 2.0, 0.0, 1.0, 1.0, 1.0], r"variance must be positive.*data row 3"),
    ([1.0, -2.0, 1.0, 1.0, 1.0, 1.0], r"variance must be positive.*data row 2"),
    ([1.0, np.nan, 1.0, 1.0, 1.0, 1.0], r"not a finite number.*data row 2"),
    ([1.0, np.inf, 1.0, 1.0, 1.0, 1.0], r"not a finite number.*data row 2"),
    (["1", "b", "1", "1", "1", "1"], r"not a finite number.*data row 2"),
    ([1.0, 2.0], r"neither a column name nor one number per row"),
    (2.0, r"variance=2.0 is neither a column name"),
    (np.ones((6, 2)), r"of shape \(6, 2\)"),
])
def test_bad_variances_are_refused_by_name(small, variance, match):
    with pytest.raises(OptionError, match=match):
        small.calibrate({"x": 150.0}, variance=variance)


def test_an_unknown_variance_column_is_refused(small):
    with pytest.raises(MissingColumnError, match="'size'"):
        small.calibrate({"x": 150.0}, variance="size")


def test_a_variance_series_must_cover_the_rows(small):
    with pytest.raises(OptionError, match="index"):
        small.calibrate({"x": 150.0}, variance=pd.Series([1.0, 2.0], index=[0, 1]))


def test_variance_outside_a_subset_is_not_read(small):
    sub = small.subset(small.data["g"] == "a")
    x = small.data["x"].to_numpy().copy()
    x[small.data["g"] == "b"] = -1.0  # rows outside the subset: never checked
    new = sub.calibrate({"x": 100.0}, variance=x)
    assert new.weights @ sub.data["x"] == pytest.approx(100.0)


# --- bounds per row and bounds_const ------------------------------------------------------

def test_bounds_const_bounds_the_weights(small):
    new = small.calibrate({"g": {"a": 40, "b": 30}}, bounds=(4.0, 14.0), bounds_const=True,
                          method="raking")
    assert new.weights.min() >= 4.0 - 1e-9 and new.weights.max() <= 14.0 + 1e-9


def test_per_row_bounds_hold_per_row(small):
    lower = np.array([0.9, 0.9, 0.5, 0.5, 0.5, 0.9])
    upper = np.array([1.5, 1.5, 2.0, 2.0, 2.0, 1.5])
    new = small.calibrate({"g": {"a": 30, "b": 30}}, bounds=(lower, upper), method="logit")
    g = new.weights.to_numpy() / small.weights.to_numpy()
    assert (g >= lower - 1e-12).all() and (g <= upper + 1e-12).all()


def test_a_series_can_give_per_row_bounds(small):
    df = small.data.assign(high=2.0)
    des = SurveyDesign(df, weights="w", psu="psu")
    a = des.calibrate({"g": {"a": 30, "b": 30}}, bounds=(0.5, df["high"]))
    b = des.calibrate({"g": {"a": 30, "b": 30}}, bounds=(0.5, 2.0))
    np.testing.assert_allclose(a.weights, b.weights, rtol=1e-12)


@pytest.mark.parametrize("bounds, const, match", [
    ((5.0, 20.0), True, r"bracket every design weight.*data rows 3, 4 \(values: 5"),
    ((1.0, 9.0), True, r"bracket every design weight.*data rows 1, 2 \(values: 10"),
    (([0.5] * 5 + [1.0], 2.0), False, r"bracket every design weight.*data row 6 \(value: "
                                      r"\(1, 2\)\)"),
    (([0.5] * 6, [2.0] * 5 + [0.9]), False, r"data row 6"),
])
def test_bounds_not_bracketing_the_design_weights_are_refused(small, bounds, const, match):
    with pytest.raises(InfeasibleBoundsError, match=match):
        small.calibrate({"g": {"a": 40, "b": 30}}, bounds=bounds, bounds_const=const)


def test_per_row_bounds_that_no_weights_can_meet_are_refused(small):
    with pytest.raises(InfeasibleBoundsError, match=r"per row are infeasible: margin 'g' level "
                                                    r"'a'.*between 0\.9 and 1\.1"):
        small.calibrate({"g": {"a": 80, "b": 30}}, bounds=([0.9] * 6, [1.1] * 6))


@pytest.mark.parametrize("bounds, match", [
    (("low", 2.0), r"bounds\[0\]='low'"),
    (([0.5, 0.5], 2.0), r"bounds\[0\] \(of shape \(2,\)\) is neither"),
    ((0.5, [2.0, np.nan, 2.0, 2.0, 2.0, 2.0]), r"bounds\[1\] is not a finite number"),
    ((np.nan, 2.0), r"bounds\[0\]=nan"),
])
def test_bad_per_row_bounds_are_refused(small, bounds, match):
    with pytest.raises(MicropopError, match=match):
        small.calibrate({"g": {"a": 40, "b": 30}}, bounds=bounds)


def test_bounds_const_must_be_a_bool(small):
    with pytest.raises(OptionError, match="bounds_const"):
        small.calibrate({"g": {"a": 40, "b": 30}}, bounds=(1, 20), bounds_const="yes")


def test_logit_needs_finite_per_row_bounds(small):
    with pytest.raises(InfeasibleBoundsError, match="finite bounds"):
        small.calibrate({"g": {"a": 40, "b": 30}}, method="logit", bounds=(1.0, np.inf),
                        bounds_const=True)


# --- aggregate= -----------------------------------------------------------------------------

def test_aggregate_gives_one_weight_per_psu():
    des = build("clus1")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MicropopWarning)
        new = des.calibrate(POP, aggregate=1)
    assert new.weights.groupby(des.data["dnum"].to_numpy()).nunique().max() == 1
    assert new.weights @ des.data["api99"] == pytest.approx(POP["api99"])


def test_aggregate_on_a_replicate_design_is_refused():
    with pytest.raises(OptionError, match="replicate design has none"):
        build("clus1").replicate("jk1").calibrate(POP, aggregate=1)


@pytest.mark.parametrize("stage, match", [
    (3, r"aggregate=3 is beyond the design's 2 stage\(s\)"),
    (2, r"units of stage 2 are single rows"),
    (0, r"aggregate=0"),
    (1.5, r"aggregate=1.5 is not a whole number"),
    ("1", r"aggregate='1'"),
])
def test_bad_aggregate_stages_are_refused(stage, match):
    with pytest.raises(OptionError, match=match):
        build("clus2").calibrate(POP, aggregate=stage)


def test_aggregate_on_a_design_without_clusters_is_refused():
    with pytest.raises(OptionError, match="single rows"):
        build("strat").calibrate(POP, aggregate=1)


def test_aggregate_needs_constant_weights_within_units(small):
    df = small.data.assign(w=[10.0, 11.0, 5.0, 5.0, 8.0, 8.0])
    des = SurveyDesign(df, weights="w", psu="psu")
    with pytest.raises(WeightingError, match=r"vary in the unit of data rows? 1"):
        des.calibrate({"g": {"a": 40, "b": 30}}, aggregate=1)


def test_aggregate_refuses_bounds_varying_within_a_unit(small):
    with pytest.raises(OptionError, match="vary within a unit"):
        small.calibrate({"g": {"a": 40, "b": 30}}, aggregate=1,
                        bounds=([0.5, 0.6, 0.5, 0.5, 0.5, 0.5], 3.0))


# --- rake(on_nonconvergence=) ---------------------------------------------------------------

RAKE = {"stype": {"E": 4421, "H": 755, "M": 1018}, "sch.wide": {"No": 1194, "Yes": 5000}}


def test_rake_raises_by_default_and_warns_on_request():
    des = build("clus1")
    with pytest.raises(ConvergenceError, match="did not converge"):
        des.rake(RAKE, max_iter=1, epsilon=1e-12)
    with pytest.warns(MicropopWarning, match=r"the last of 1 sweeps.*margin 'stype'"):
        new = des.rake(RAKE, max_iter=1, epsilon=1e-12, on_nonconvergence="warn")
    assert new.weighting_steps[-1].iterations == 1
    assert new.weights.groupby(des.data["sch.wide"].to_numpy()).sum()["Yes"] == pytest.approx(
        5000)  # the last margin raked is met


def test_rake_converged_under_warn_is_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build("clus1").rake(RAKE, on_nonconvergence="warn")


def test_rake_settled_off_its_margins_warns_under_warn():
    df = pd.DataFrame({"a": ["x", "x", "y"], "b": ["u", "v", "v"], "w": 1.0})
    des = SurveyDesign(df, weights="w")
    margins = {"a": {"x": 10, "y": 10}, "b": {"u": 18, "v": 2}}  # cell (y, u) is empty
    with pytest.raises(ConvergenceError):
        des.rake(margins)
    with pytest.warns(MicropopWarning, match="did not converge"):
        new = des.rake(margins, on_nonconvergence="warn", max_iter=1000)
    assert np.isfinite(new.weights).all()


@pytest.mark.parametrize("value", ["ignore", True, None])
def test_bad_on_nonconvergence_is_refused(value):
    with pytest.raises(OptionError, match="on_nonconvergence"):
        build("clus1").rake(RAKE, on_nonconvergence=value)


# --- properties -----------------------------------------------------------------------------

@st.composite
def clustered(draw) -> pd.DataFrame:
    n_psu = draw(st.integers(2, 6))
    sizes = draw(st.lists(st.integers(1, 4), min_size=n_psu, max_size=n_psu))
    psu = np.repeat(np.arange(n_psu), sizes)
    n = len(psu)
    w = np.array(draw(st.lists(st.floats(0.5, 50.0), min_size=n_psu, max_size=n_psu)))[psu]
    return pd.DataFrame({
        "psu": psu, "w": w,
        "g": draw(st.lists(st.sampled_from(["a", "b"]), min_size=n, max_size=n)),
        "x": draw(st.lists(st.floats(0.1, 20.0), min_size=n, max_size=n)),
        "v": draw(st.lists(st.floats(1e-3, 1e3) | st.sampled_from([0.0, -1.0, np.nan]),
                           min_size=n, max_size=n)),
    })


@PROPERTY
@given(data=st.data(), df=clustered(),
       method=st.sampled_from(["linear", "raking", "logit"]))
def test_calibration_options_meet_the_targets_or_say_why(data, df, method):
    des = SurveyDesign(df, weights="w", psu="psu")
    # targets near the sample's (R's rescaling, past 20 times, would reinterpret the bounds)
    total = df["w"].sum() * data.draw(st.floats(0.5, 3.0))
    share = data.draw(st.floats(0.05, 0.95))
    levels = sorted(set(df["g"]))
    population: dict = {"g": ({levels[0]: total} if len(levels) == 1 else
                              {levels[0]: total * share, levels[1]: total * (1 - share)})}
    if data.draw(st.booleans()):
        population["x"] = df["w"] @ df["x"] * data.draw(st.floats(0.5, 3.0))
    options = {}
    if data.draw(st.booleans()):
        options["variance"] = "v"
    if data.draw(st.booleans()):
        options["aggregate"] = 1
    low, high = data.draw(st.floats(0.0, 0.99)), data.draw(st.floats(1.01, 100.0))
    if method == "logit" or data.draw(st.booleans()):
        const = data.draw(st.booleans())
        options["bounds"] = (low * 50, high * 0.5) if const else (low, high)
        options["bounds_const"] = const
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MicropopWarning)
            new = des.calibrate(population, method=method, **options)
    except MicropopError:
        return
    w = new.weights.to_numpy()
    assert np.isfinite(w).all()
    for level, count in population["g"].items():
        assert w[(df["g"] == level).to_numpy()].sum() == pytest.approx(count, rel=1e-5)
    if "x" in population:
        assert w @ df["x"].to_numpy() == pytest.approx(population["x"], rel=1e-5)
    if "bounds" in options:
        lo, hi = options["bounds"]
        g = w if options["bounds_const"] else w / df["w"].to_numpy()
        assert (g >= lo - 1e-9 * hi).all() and (g <= hi * (1 + 1e-9)).all()
    if "aggregate" in options:
        spread = new.weights.groupby(df["psu"].to_numpy()).agg(np.ptp)
        assert (spread <= 1e-9 * np.abs(w).max()).all()
    assert np.isfinite(new.total("x").se).all()


# --- stage= ---------------------------------------------------------------------------------

def district_totals(des) -> list[dict]:
    """Each district's api99 sum, in the order the districts first appear (R's order)."""
    data = des.data
    return [{"api99": float(data.loc[data["dnum"] == d, "api99"].sum()) * 1.1}
            for d in dict.fromkeys(data["dnum"])]


def test_stage_meets_each_units_totals_with_its_conditional_weights():
    des = build("clus2")
    new = des.calibrate(district_totals(des), stage=1)
    data = des.data
    conditional = new.weights / (data["fpc1"] / 40)  # d / (N1 / n1): the within-district weight
    reached = (conditional * data["api99"]).groupby(data["dnum"]).sum()
    wanted = {d: t["api99"] for d, t in zip(dict.fromkeys(data["dnum"]),
                                            district_totals(des), strict=True)}
    np.testing.assert_allclose(reached.loc[list(wanted)], list(wanted.values()), rtol=1e-10)


@pytest.mark.parametrize("kwargs, match", [
    ({"method": "raking"}, "linear"),
    ({"bounds": (0.5, 2)}, "linear"),
    ({"aggregate": 1}, "aggregate= cannot be combined with stage="),
    ({"stage": 2}, r"stage=2 needs units sampled within.*2 stage\(s\)"),
    ({"stage": -1}, r"stage=-1"),
    ({"stage": 1.5}, r"stage=1.5 is not a whole number"),
])
def test_bad_stage_options_are_refused(kwargs, match):
    des = build("clus2")
    with pytest.raises(OptionError, match=match):
        des.calibrate(district_totals(des), **{"stage": 1, **kwargs})


@pytest.mark.parametrize("population, match", [
    ({"api99": 5.0}, "a list with one mapping of totals per sampled unit"),
    ([{"api99": 5.0}], r"totals for 1 unit\(s\), but the design has 40"),
    ([5.0] * 40, r"population\[0\] \(the unit of stage 1 holding data rows? 1"),
])
def test_stage_population_must_be_one_mapping_per_unit(population, match):
    with pytest.raises(OptionError, match=match):
        build("clus2").calibrate(population, stage=1)


def test_stage_on_a_replicate_or_one_stage_design_is_refused():
    with pytest.raises(OptionError, match="replicate design has none"):
        build("clus2").replicate("jk1").calibrate([{"api99": 1.0}], stage=1)
    with pytest.raises(OptionError, match=r"stage=1 needs units sampled within.*1 stage"):
        build("clus1").calibrate([{"api99": 1.0}], stage=1)


def test_stage_needs_the_fpc_of_the_stages_above():
    des = build("clus2_nofpc")
    with pytest.raises(OptionError, match="population sizes \\(fpc\\) of stages 1 to 1"):
        des.calibrate(district_totals(des), stage=1)


def test_stage_refuses_a_unit_that_cannot_meet_its_totals():
    des = build("clus2")
    totals = [{**t, "api00": 1.0} for t in district_totals(des)]
    data = des.data
    first = data["dnum"] == data["dnum"].iloc[0]
    assert first.sum() == 1  # one school: two totals cannot both be met
    with pytest.raises(WeightingError, match="cannot meet its totals"):
        des.calibrate(totals, stage=1)


def test_stage_zero_is_the_whole_sample():
    des = build("clus1")
    a = des.calibrate(POP, stage=0)
    b = des.calibrate(POP)
    np.testing.assert_allclose(a.weights, b.weights)
