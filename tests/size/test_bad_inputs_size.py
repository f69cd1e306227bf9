"""Population size: every hostile input is refused by name, every number is right.

Issue #11 ("Nothing silently wrong") for ``micropop.size``: sizes that the data
do not bound, intervals below the people already seen, platform tables that
double-count or drop platforms, searches that never end, and hostile capture
histories, counts, multiplicities and indicators. Property tests generate
inputs and check that each result is finite, at least the number observed,
inside its own interval, or that a MicropopError is raised.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import micropop as mp
import micropop.size as size
from micropop.errors import (
    CaptureConvergenceError,
    CaptureRecaptureError,
    EmptyCapturePatternError,
    IndicatorError,
    InvalidCountError,
    MicropopError,
    MissingValuesError,
    MultiplicityError,
    NestingError,
    NonBinaryHistoryError,
    NoRecaptureError,
    NotADesignError,
    OptionError,
    PlatformFigureError,
    SizeInputError,
    TooFewListsError,
    UnboundedSizeError,
)
from micropop.size.result import SizeEstimate

FAST = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def histpos(k: int) -> pd.DataFrame:
    """Every history of k lists but the all-zero one, as Rcapture's histpos.t."""
    rows = list(itertools.product((1, 0), repeat=k))[:-1]
    return pd.DataFrame(rows, columns=[f"c{j + 1}" for j in range(k)])


def assert_sound(est: SizeEstimate, observed: float) -> None:
    """A size is finite, at least the people seen, and inside its own interval."""
    slack = 1e-6 * max(observed, 1.0)
    assert math.isfinite(est.estimate) and math.isfinite(est.ci_low)
    assert est.estimate >= observed - slack
    assert est.ci_low >= observed - slack
    assert est.ci_low - slack <= est.estimate <= est.ci_high + slack * est.estimate


# --- sizes the data do not bound ------------------------------------------------------

NO_OVERLAP = pd.DataFrame({"a": [1, 0], "b": [0, 1]})


def test_no_recapture_is_refused_not_estimated_at_1e13() -> None:
    with pytest.raises(UnboundedSizeError, match=r"no upper bound.*0 of the 70 people") as err:
        size.loglinear(NO_OVERLAP, freq=[30, 40])
    assert isinstance(err.value, NoRecaptureError)  # callers catching no recapture catch it
    assert "mp.size.chapman" in str(err.value)
    for model in ("M0", "Mt"):
        with pytest.raises(UnboundedSizeError):
            size.closedp_ci(NO_OVERLAP, freq=[30, 40], model=model)


def test_closedp_marks_models_that_give_no_size() -> None:
    table = size.closedp(NO_OVERLAP, freq=[30, 40])
    assert not table["estimable"].any()
    assert table["estimate"].isna().all() and table["se"].isna().all()
    assert table["info"].str.contains("no upper bound").all()
    assert np.isfinite(table["deviance"]).all()  # the fit itself is reported


def test_interaction_absorbing_the_only_overlap() -> None:
    hist = pd.DataFrame({"a": [1, 0, 0, 1], "b": [0, 1, 0, 1], "c": [0, 0, 1, 0]})
    freq = [30, 40, 20, 5]
    assert_sound(size.loglinear(hist, freq=freq), 95)
    with pytest.raises(UnboundedSizeError, match="'?a:b'? model.*5 of the 95"):
        size.loglinear(hist, terms=["a:b"], freq=freq)
    table = size.model_search(hist, freq=freq).set_index("model")
    assert not table.loc["a:b", "estimable"] and math.isnan(table.loc["a:b", "estimate"])
    assert table["estimable"].iloc[0]  # the first row is the best model that gives a size


def test_behaviour_models_follow_the_removal_condition() -> None:
    # Mb on two occasions without recapture is the removal estimator n1^2 / (n1 - n2):
    # finite when first captures fall (n1 > n2), none otherwise (Rcapture printed -90).
    falling = size.closedp(NO_OVERLAP, freq=[40, 30]).loc["Mb"]
    assert falling["estimable"] and falling["estimate"] == pytest.approx(40 ** 2 / 10)
    rising = size.closedp(NO_OVERLAP, freq=[30, 40]).loc["Mb"]
    assert not rising["estimable"] and math.isnan(rising["estimate"])


def test_everyone_seen_is_n_not_a_fit_stopped_short() -> None:
    everyone = pd.DataFrame({"a": [1], "b": [1]})
    est = size.loglinear(everyone, freq=[10])
    assert (est.estimate, est.se, est.ci_low) == (10.0, 0.0, 10.0)


def test_unreliable_fit_is_refused_by_name() -> None:
    freq = [0, 0, 0, 1_000_000, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 3]
    hist = histpos(4).iloc[::-1].reset_index(drop=True)
    with pytest.raises(CaptureConvergenceError, match="beyond"):
        size.loglinear(hist, freq=freq, heterogeneity="Gamma")


counts_of_k = st.integers(2, 4).flatmap(lambda k: st.tuples(
    st.just(k), st.lists(st.integers(0, 40) | st.sampled_from([0, 0, 1, 10 ** 6]),
                         min_size=2 ** k - 1, max_size=2 ** k - 1)))


@FAST
@given(counts_of_k, st.data())
def test_random_capture_tables_give_sound_sizes_or_named_errors(kc, data) -> None:
    k, freq = kc
    hist, n = histpos(k), sum(freq)
    pairs = [f"c{i}:c{j}" for i, j in itertools.combinations(range(1, k + 1), 2)]
    terms = data.draw(st.lists(st.sampled_from(pairs), max_size=2, unique=True)) if k > 2 else []
    kind = data.draw(st.sampled_from([None, "Chao", "Poisson", "Darroch", "Gamma"])) if k > 2 \
        else None
    try:
        assert_sound(size.loglinear(hist, terms=terms, freq=freq, heterogeneity=kind), n)
    except MicropopError:
        pass
    try:
        table = size.closedp(hist, freq=freq)
    except MicropopError:
        return
    estimable = table[table["estimable"]]
    assert np.isfinite(estimable["estimate"]).all() and (estimable["estimate"] >= n - 1e-6).all()
    assert table.loc[~table["estimable"], "estimate"].isna().all()


@FAST
@given(st.lists(st.integers(0, 60) | st.just(10 ** 6), min_size=2, max_size=6),
       st.sampled_from([2, 3, 6, math.inf]), st.data())
def test_random_frequencies_give_sound_sizes_or_named_errors(f, occasions, data) -> None:
    n = sum(f)
    try:
        table = size.closedp(counts=f, occasions=occasions)
        model = data.draw(st.sampled_from(list(table.index)))
        assert_sound(size.closedp_ci(counts=f, occasions=occasions, model=model), n)
    except MicropopError:
        pass
    for estimator in (size.chao_lower_bound, size.zelterman):
        try:
            assert_sound(estimator(f, ci=data.draw(st.sampled_from(["lognormal", "normal"]))), n)
        except MicropopError:
            pass


# --- intervals never below the people seen ----------------------------------------------


def test_chapman_normal_interval_is_truncated_at_the_people_seen() -> None:
    est = size.chapman(5, 5, 4)  # 6 seen; the normal lower limit was 5.2
    assert est.ci_low == 6.0 and est.estimate < est.ci_high
    assert "truncated below" in size.chapman.__doc__ + size.lincoln_petersen.__doc__


@FAST
@given(st.integers(1, 10 ** 6) | st.sampled_from([1, 10 ** 12]),
       st.integers(1, 10 ** 6) | st.sampled_from([1, 10 ** 12]), st.data())
def test_two_list_intervals_respect_the_people_seen(n1, n2, data) -> None:
    m = data.draw(st.integers(0, min(n1, n2)))
    ci = data.draw(st.sampled_from(["normal", "lognormal", "profile"]))
    for estimator in (size.chapman, size.lincoln_petersen):
        try:  # numpy integers too: no int64 overflow
            assert_sound(estimator(np.int64(n1), np.int64(n2), np.int64(m), ci=ci), n1 + n2 - m)
        except MicropopError:
            pass


def test_schnabel_below_the_people_seen_is_refused() -> None:
    hist = histpos(4).iloc[::-1].reset_index(drop=True)
    freq = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]  # estimate 1.8 for 2 people
    with pytest.raises(CaptureRecaptureError, match="below the 2 people seen"):
        size.schnabel(hist, freq=freq)


def test_empty_list_is_not_a_size_with_no_error() -> None:
    with pytest.raises(NoRecaptureError, match="list 1 is empty"):
        size.chapman(0, 12, 0)


def test_survey_interval_starts_at_the_respondents_with_the_trait() -> None:
    data = pd.DataFrame({"flag": [1, 1, 0, 0, 0], "w": 1.0})
    est = size.survey_count(mp.SurveyDesign(data, weights="w"), "flag")
    assert est.ci_low == 2.0 and est.ci_low <= est.estimate <= est.ci_high


# --- platform tables ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def platforms() -> pd.DataFrame:
    return mp.datasets.load_platforms()


def test_platform_listed_twice_is_named_with_its_rows(platforms) -> None:
    doubled = pd.concat([platforms, platforms.iloc[[3]]], ignore_index=True)
    with pytest.raises(PlatformFigureError, match=r"'appen' is listed more than once.*rows 4, 11"):
        mp.size.platform_total(doubled, "accounts_fr")
    des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    with pytest.raises(PlatformFigureError, match="listed more than once"):
        mp.size.weight_share(doubled, des)  # the same layer
    with pytest.raises(PlatformFigureError, match="listed more than once"):
        mp.size.platform_circles(doubled, multiplicity=1.27)


def test_available_platform_without_figure_is_named(platforms) -> None:
    bad = platforms.copy()
    bad["accounts_fr_status"] = bad["accounts_fr_status"].astype(object)
    bad.loc[8, "accounts_fr_status"] = "published"
    with pytest.raises(PlatformFigureError,
                       match=r"missing but not marked 'not_available'.*fr_get_paid_to_d"):
        mp.size.platform_total(bad, "accounts_fr")


def test_table_without_any_figure_is_not_a_total_of_zero(platforms) -> None:
    empty = platforms.assign(accounts_fr=np.nan, accounts_fr_status="not_available")
    with pytest.raises(PlatformFigureError, match="no platform has a figure"):
        mp.size.platform_total(empty, "accounts_fr")


@pytest.mark.parametrize(("value", "words"), [
    (np.inf, "is above|not finite"), (True, "not a number"), ("12k", "not a number"),
    (5e12, "is above"), (-1, "negative")])
def test_bad_platform_figures(platforms, value, words) -> None:
    bad = platforms.copy()
    bad["accounts_fr"] = bad["accounts_fr"].astype(object)
    bad.loc[1, "accounts_fr"] = value
    with pytest.raises(PlatformFigureError, match=f"({words}).*clickworker"):
        mp.size.platform_total(bad, "accounts_fr")


def test_platform_rows_without_id(platforms) -> None:
    bad = platforms.copy()
    bad.loc[2, "platform_id"] = None
    with pytest.raises(PlatformFigureError, match="without a 'platform_id': data row 3"):
        mp.size.platform_total(bad, "accounts_fr")


platform_row = st.fixed_dictionaries({
    "platform_id": st.sampled_from(["a", "b", "c", "d"]),
    "accounts": st.sampled_from([0, 10, 250.0, -5, np.nan, None, "x", True, np.inf, 1e13]),
    "accounts_status": st.sampled_from(["published", "not_available", None]),
    "source": st.sampled_from(["s", None, " "])})


@settings(max_examples=80, deadline=None)
@given(st.lists(platform_row, max_size=5))
def test_random_platform_tables_add_up_or_are_refused(rows) -> None:
    table = pd.DataFrame(rows, columns=["platform_id", "accounts", "accounts_status", "source"])
    try:
        total, used = size.platform_total(table, "accounts")
    except PlatformFigureError:
        return
    assert len(used) == len(set(used)) == table["accounts"].notna().sum() >= 1
    assert total == pytest.approx(sum(float(v) for v in table["accounts"].dropna()))


# --- bounded searches ------------------------------------------------------------------------


def random_histories(k: int, rows: int = 3000, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    hist = pd.DataFrame((rng.random((rows, k)) < 0.3).astype(int),
                        columns=[f"l{j}" for j in range(k)])
    return hist[hist.sum(axis=1) > 0]


def test_seven_lists_are_searched_stepwise_and_say_so() -> None:
    hist = random_histories(7)
    table = size.model_search(hist)
    assert table.attrs["search"] == "stepwise"
    assert table.attrs["models_fitted"] == len(table) < 2 ** 21
    assert table["estimable"].iloc[0]
    assert table["AIC"][table["estimable"]].is_monotonic_increasing
    with pytest.raises(OptionError, match="2,097,152 models"):
        size.model_search(hist, search="exhaustive")
    with pytest.raises(OptionError, match="search="):
        size.model_search(hist, search="all")


def test_stepwise_finds_what_the_exhaustive_search_finds_on_hiv() -> None:
    hiv = pd.read_csv("tests/reference/rcapture/HIV.csv")
    exhaustive = size.model_search(hiv, freq="freq")
    stepwise = size.model_search(hiv, freq="freq", search="stepwise")
    assert exhaustive.attrs == {"search": "exhaustive", "models_fitted": 64}
    assert stepwise.attrs["models_fitted"] < 64
    assert stepwise["model"].iloc[0] == exhaustive["model"].iloc[0]


def test_too_many_lists_to_search_or_tabulate() -> None:
    with pytest.raises(OptionError, match="at most 10 lists"):
        size.model_search(random_histories(11, rows=500))
    assert len(size.model_search(random_histories(11, rows=500), max_order=1)) == 1
    wide = pd.DataFrame(np.eye(16, dtype=int), columns=[f"l{j}" for j in range(16)])
    with pytest.raises(CaptureRecaptureError, match="at most 15 lists"):
        size.capture_table(wide)


def test_two_lists_have_no_interaction_to_search() -> None:
    table = size.model_search(pd.DataFrame({"a": [1, 1, 0], "b": [1, 0, 1]}), freq=[5, 9, 7])
    assert table["model"].tolist() == ["independence"]


@pytest.mark.parametrize("occasions", [0, 1, 2.5, "3", True, -math.inf, 101, math.nan])
def test_bad_number_of_occasions(occasions) -> None:
    with pytest.raises(MicropopError, match="occasions"):
        size.closedp(counts=[10, 3, 1], occasions=occasions)


# --- hostile capture data ------------------------------------------------------------------

THREE = pd.DataFrame({"a": [1, 0, 1], "b": [0, 1, 1], "c": [1, 1, 0]})


@pytest.mark.parametrize("freq", [[1, 2.5, 3], [1, -2, 3], [1, np.nan, 3], [1, True, 3],
                                  [1, "x", 3], [1, 2 ** 60, 3], [1, np.inf, 3]])
def test_bad_frequencies_are_named(freq) -> None:
    with pytest.raises(InvalidCountError,
                       match=r"freq must be non-negative whole numbers: data row 2 "):
        size.capture_table(THREE, freq=freq)


@pytest.mark.parametrize("value", [2, -1, 0.5, np.nan, "yes"])
def test_histories_other_than_zero_one_are_named(value) -> None:
    hist = THREE.astype(object)
    hist.loc[2, "c"] = value
    with pytest.raises(NonBinaryHistoryError, match=r"'c'.*data row 3 "):
        size.closedp(hist)


def test_numpy_histories_name_one_based_rows() -> None:
    with pytest.raises(NonBinaryHistoryError, match="row 3"):
        size.capture_table(np.array([[1, 0], [0, 1], [2, 1]]))


def test_duplicate_rows_are_added_up_as_rcapture() -> None:
    repeated = pd.DataFrame({"a": [1, 1, 0, 1], "b": [1, 1, 1, 0]})
    grouped = pd.DataFrame({"a": [1, 0, 1], "b": [1, 1, 0]})
    assert size.capture_table(repeated).equals(size.capture_table(grouped, freq=[2, 1, 1]))
    assert "added up" in size.capture_table.__doc__


@pytest.mark.parametrize("data", [
    pd.DataFrame([[1, 0], [0, 1], [1, 1]], columns=["a", "a"]),
    pd.DataFrame([[1, 0], [0, 1], [1, 1]], columns=[1, "1"]),
    {1: [1, 2], "1": [2, 3]}])
def test_lists_with_the_same_name_are_refused(data) -> None:
    with pytest.raises(CaptureRecaptureError, match="more than once"):
        size.capture_table(data)


@pytest.mark.parametrize("data", [{"only": [1, 2]}, {}, pd.DataFrame({"a": [1, 0]})])
def test_a_single_list_is_refused(data) -> None:
    with pytest.raises(TooFewListsError):
        size.capture_table(data)


def test_all_zero_history_with_a_count() -> None:
    hist = pd.DataFrame({"a": [1, 0, 0], "b": [1, 1, 0]})
    with pytest.raises(EmptyCapturePatternError, match="data row 3"):
        size.capture_table(hist, freq=[3, 4, 5])
    assert size.capture_table(hist, freq=[3, 4, 0])["freq"].sum() == 7  # a zero count is fine


def test_nothing_captured_and_missing_ids() -> None:
    with pytest.raises(InvalidCountError, match="no one was captured"):
        size.capture_table(THREE, freq=[0, 0, 0])
    with pytest.raises(CaptureRecaptureError, match="missing ids"):
        size.capture_table({"a": [1, None], "b": [1, 2]})
    with pytest.raises(CaptureRecaptureError, match="not a collection"):
        size.capture_table({"a": "12", "b": [1, 2]})


def test_heterogeneity_and_theta_are_checked() -> None:
    with pytest.raises(CaptureRecaptureError, match="at least 3 lists"):
        size.loglinear(NO_OVERLAP, freq=[5, 4], heterogeneity="Chao")
    for theta in (0, -1, math.nan, "2", 1e300):
        with pytest.raises(OptionError, match="theta"):
            size.loglinear(THREE, heterogeneity="Poisson", theta=theta)


junk = st.sampled_from([0, 1, 1, 0, 2, -1, 0.5, np.nan, None, "x", "1", True, np.inf, 1e15])


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3), st.integers(0, 5), st.data())
def test_junk_histories_raise_micropop_errors_only(k, rows, data) -> None:
    frame = pd.DataFrame([[data.draw(junk) for _ in range(k)] for _ in range(rows)],
                         columns=[f"l{j}" for j in range(k)])
    freq = data.draw(st.sampled_from([None, "list"]))
    if freq == "list":
        freq = [data.draw(junk) for _ in range(rows)]
    name = data.draw(st.sampled_from(["capture_table", "closedp", "schnabel",
                                      "two_list_counts", "model_search"]))
    try:
        getattr(size, name)(frame, freq=freq)
    except MicropopError:
        pass


@settings(max_examples=60, deadline=None)
@given(junk, junk, junk)
def test_junk_two_list_counts_raise_micropop_errors_only(n1, n2, m) -> None:
    for estimator in (size.chapman, size.lincoln_petersen):
        try:
            assert_sound(estimator(n1, n2, m), float(n1) + float(n2) - float(m))
        except MicropopError:
            pass


# --- multiplicity, circles, survey counts ---------------------------------------------------


@pytest.mark.parametrize("divisor", [0.9, math.inf, math.nan, True, "1.3", None, 1e308])
def test_bad_divisors(divisor) -> None:
    with pytest.raises(MultiplicityError, match="multiplicity"):
        size.multiplicity_correction(337_980, multiplicity=divisor)


@pytest.mark.parametrize("accounts", [math.inf, "many", True, 1e13])
def test_bad_account_totals(accounts) -> None:
    with pytest.raises(PlatformFigureError, match="accounts"):
        size.multiplicity_correction(accounts, multiplicity=1.27)


@pytest.fixture(scope="module")
def workers() -> pd.DataFrame:
    return mp.datasets.load_worker_survey()


@pytest.mark.parametrize("value", [1.5, np.inf, 0, 5000])
def test_multiplicity_column_counts_platforms(workers, value) -> None:
    bad = workers.assign(n_platforms=workers["n_platforms"].astype(float))
    bad.loc[6, "n_platforms"] = value
    with pytest.raises(MultiplicityError, match=r"'n_platforms'.*data row 7 "):
        size.multiplicity_correction(337_980, mp.SurveyDesign(bad, weights="weight"))


def test_bootstrap_and_circle_options(workers) -> None:
    des = mp.SurveyDesign(workers.iloc[:200], weights="weight")
    for bad in ({"replicates": 1}, {"replicates": 10 ** 6}, {"replicates": 2.5}, {"seed": "x"}):
        with pytest.raises(OptionError, match="replicates|seed"):
            size.multiplicity_correction(1000, des, method="bootstrap", **bad)
    with pytest.raises(OptionError, match="no option 'bogus'"):
        size.platform_circles(mp.datasets.load_platforms(), multiplicity=1.27, bogus=1)
    text = workers.assign(n_platforms=workers["n_platforms"].astype(object))
    text.loc[2, "n_platforms"] = "two"
    with pytest.raises(MultiplicityError, match=r"'n_platforms'.*data row 3 "):
        size.bootstrap_means(mp.SurveyDesign(text, weights="weight"), "n_platforms",
                             replicates=10, seed=1)


def test_design_must_be_a_design(workers) -> None:
    with pytest.raises(NotADesignError, match="design is a DataFrame, not a survey design"):
        size.multiplicity_correction(337_980, workers)
    with pytest.raises(NotADesignError, match="not a survey design"):
        size.survey_count(workers, "n_platforms")


def test_indicator_columns(workers) -> None:
    data = workers.assign(flag=(workers["frequency"] == "weekly").astype(float))
    data.loc[3, "flag"] = 2
    with pytest.raises(IndicatorError,
                       match=r"'flag'.*data row 4 \(file line 5; id 4; value: 2.0\)"):
        size.survey_count(mp.SurveyDesign(data, weights="weight"), "flag")
    data.loc[3, "flag"] = np.nan
    with pytest.raises(MissingValuesError):
        size.survey_count(mp.SurveyDesign(data, weights="weight"), "flag")
    est = size.survey_count(mp.SurveyDesign(data, weights="weight"), "flag", na_rm=True)
    assert_sound(est, 0)


@pytest.mark.parametrize("total", [True, "38e6", math.inf, 0, -5])
def test_population_total_is_a_positive_number(workers, total) -> None:
    des = mp.SurveyDesign(workers.assign(flag=1.0), weights="weight")
    with pytest.raises(SizeInputError, match="population_total"):
        size.survey_count(des, "flag", ci="logit", population_total=total)


def test_circles_must_nest_and_list_levels(workers) -> None:
    des = mp.SurveyDesign(workers, weights="weight")
    with pytest.raises(NestingError, match="would not nest"):
        size.survey_circles(des, "frequency", circles={"weekly": ["weekly"],
                                                       "monthly": ["monthly"]})
    with pytest.raises(SizeInputError, match="must list"):
        size.survey_circles(des, "frequency", levels_in_order="weekly")
    with pytest.raises(SizeInputError, match="distinct levels"):
        size.survey_circles(des, "frequency", levels_in_order=["monthly", "monthly"])
    with pytest.raises(SizeInputError, match="distinct levels"):
        size.frequency_circles(337_980, des, "frequency", {"regular": []})


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"multiplicity": []}, MultiplicityError, "empty"),
    ({"multiplicity": [math.inf]}, MultiplicityError, "multiplicity"),
    ({"dormant_share": ["x"]}, SizeInputError, "dormant_share"),
    ({"visitors_per_worker": [1e-320]}, SizeInputError, "too large"),
    ({"multiplicity": list(np.linspace(1, 2, 100)), "dormant_share": list(np.linspace(0, .9, 100)),
      "visitors_per_worker": list(np.linspace(1, 2, 100))}, SizeInputError, "1,000,000"),
])
def test_sensitivity_grid_inputs(kwargs, error, words) -> None:
    with pytest.raises(error, match=words):
        size.circle_sensitivity(100, 50, 10, **kwargs)


def test_fte_and_triangulate_inputs(workers) -> None:
    des = mp.SurveyDesign(workers, weights="weight")
    with pytest.raises(SizeInputError, match="full_time_hours"):
        size.fte(des, full_time_hours=math.inf)
    bad = workers.copy()
    bad.loc[5, "hours_week"] = np.inf
    with pytest.raises(SizeInputError, match="infinite hours: data row 6 "):
        size.fte(mp.SurveyDesign(bad, weights="weight"))
    est = size.chapman(60, 50, 20)
    with pytest.raises(SizeInputError, match="same label|label '1'"):
        size.triangulate({1: est, "1": est})
    for bad in (des, None, 3.0, "Chapman"):  # once a bare TypeError from list(...)
        with pytest.raises(SizeInputError, match="not a list or mapping of SizeEstimate"):
            size.triangulate(bad)
        with pytest.raises(SizeInputError, match="not a list or mapping of SizeEstimate"):
            mp.plotting.size_forest(bad)


def test_size_estimate_refuses_numbers_that_are_not() -> None:
    with pytest.raises(MicropopError, match="not a finite number"):
        SizeEstimate(math.nan, 1.0, 0.0, 2.0, 0.95, "normal", "hand-made")
    with pytest.raises(MicropopError, match="below the lower one"):
        SizeEstimate(1.0, 1.0, 2.0, 0.0, 0.95, "normal", "hand-made")
