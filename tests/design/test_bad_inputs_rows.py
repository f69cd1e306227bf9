"""Bad inputs are refused naming the user's rows one way, and a design one way.

Issue #11: every refusal that names rows of a user's frame says "data row k",
k counted from 1 as in a spreadsheet (the first row under the header is data
row 1, whatever the index), and adds "(id ...)" when the frame carries an
index of its own; a design's rows are named by their place in the whole frame,
also after a subset. Every public function that takes a design refuses
anything else (a DataFrame, None, text) with :class:`NotADesignError`, and a
column argument that is not a column name is refused under the user's own
argument name (``strata=5``, not ``columns=5``).

The row tests draw frames of several lengths, bad rows anywhere (more than
the five a message lists, too) and four kinds of index, and check one
representative refusal of each module; the expected text is built here from
the positions, not by the function under test.
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import micropop as mp
from micropop import earnings, estimation, inequality, size, weighting
from micropop.describe import shares
from micropop.errors import (
    DataValidationError,
    EarningsError,
    InequalityError,
    InvalidCountError,
    MissingValuesError,
    NonBinaryHistoryError,
    NotADesignError,
    OptionError,
    WeightError,
    WeightingMissingError,
)
from micropop.report import plan as report_plan
from micropop.report import sections as report_sections

profile_module = __import__("micropop.profile", fromlist=["profile"])

FAST = settings(max_examples=15, deadline=None)

INDEXES = ("default", "from one", "labels", "shuffled")


def make_index(kind: str, n: int) -> pd.Index:
    if kind == "default":
        return pd.RangeIndex(n)
    if kind == "from one":
        return pd.RangeIndex(1, n + 1)
    if kind == "labels":
        return pd.Index([f"r{p}" for p in range(n)])
    return pd.Index(list(np.random.default_rng(n).permutation(n) + 100))


def expected_rows(index: pd.Index, positions: list[int]) -> str:
    """The listing a message must hold: "data row(s) k[ (id ...)], ..." (1-based)."""
    own = not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1)
    shown = [f"{p + 1}" + (f" (id {index[p]})" if own else "") for p in positions[:5]]
    return f"data row{'s' if len(positions) > 1 else ''} " + ", ".join(shown)


def assert_names_rows(message: str, index: pd.Index, positions: list[int]) -> None:
    listing = expected_rows(index, positions)
    assert re.search(re.escape(listing) + r"(?![0-9])", message), (listing, message)
    if len(positions) > 5:
        assert f"and {len(positions) - 5} more" in message, message
    else:
        assert " more" not in message, message


@st.composite
def cases(draw):
    """A frame length, the positions of its bad rows (at least 2 good rows kept) and an index."""
    n = draw(st.integers(4, 14))
    bad = sorted(draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n - 2)))
    return n, bad, draw(st.sampled_from(INDEXES))


def frame(n: int, bad: list[int], kind: str) -> pd.DataFrame:
    """A clean frame (two levels of g among the good rows), indexed by ``kind``."""
    good = [p for p in range(n) if p not in bad]
    g = np.array(["a"] * n, dtype=object)
    g[good[1::2]] = "b"
    return pd.DataFrame({"y": np.arange(1.0, n + 1), "w": np.linspace(1.0, 2.0, n), "g": g,
                         "pay": 100.0, "hours": 10.0, "a": 1, "b": np.arange(n) % 2,
                         "n": 1}, index=make_index(kind, n))


def spoiled(n: int, bad: list[int], kind: str, column: str, value: object) -> pd.DataFrame:
    df = frame(n, bad, kind)
    if not isinstance(value, (int, float)) or isinstance(df[column].iloc[0], str):
        df[column] = df[column].astype(object)
    elif isinstance(value, float):
        df[column] = df[column].astype(float)
    df.iloc[bad, df.columns.get_loc(column)] = value
    return df


def design(df: pd.DataFrame) -> mp.SurveyDesign:
    return mp.SurveyDesign(df, weights="w")


# --- one way to name rows: one representative refusal per module ------------------------

REPRESENTATIVES = {
    "design weights": ("w", -1.0, WeightError, lambda df: design(df)),
    "estimation missing values": ("y", np.nan, MissingValuesError,
                                  lambda df: design(df).mean("y")),
    "inequality negative income": ("y", -5.0, InequalityError,
                                   lambda df: mp.gini(design(df), "y")),
    "earnings negative hours": ("hours", -2.0, EarningsError,
                                lambda df: earnings.hourly_earnings(design(df), "pay", "hours")),
    "size history not 0/1": ("a", 2, NonBinaryHistoryError,
                             lambda df: size.capture_table(df[["a", "b"]])),
    "size counts of histories": ("n", -3, InvalidCountError,
                                 lambda df: size.capture_table(df[["a", "b", "n"]], freq="n")),
    "weighting margin variable missing": ("g", None, WeightingMissingError,
                                          lambda df: design(df).rake(
                                              {"g": {"a": 50.0, "b": 50.0}})),
    "profile missing values": ("g", None, MissingValuesError,
                               lambda df: mp.profile(design(df), "g")),
}


@pytest.mark.parametrize("what", list(REPRESENTATIVES))
@FAST
@given(case=cases())
def test_a_refusal_names_one_based_data_rows_and_ids_of_own_indexes(what, case):
    n, bad, kind = case
    column, value, error, call = REPRESENTATIVES[what]
    df = spoiled(n, bad, kind, column, value)
    with pytest.raises(error) as info:
        call(df)
    assert_names_rows(str(info.value), df.index, bad)


@pytest.mark.parametrize("what", list(REPRESENTATIVES))
def test_the_default_index_gives_data_rows_and_an_own_index_adds_ids(what):
    column, value, error, call = REPRESENTATIVES[what]
    with pytest.raises(error, match=r"data row 3(?![0-9])(?! \(id)"):
        call(spoiled(5, [2], "default", column, value))
    with pytest.raises(error, match=r"data row 3 \(id r2\)"):
        call(spoiled(5, [2], "labels", column, value))


# --- a design's rows after a subset: their place in the whole frame -----------------------

SUBSET_REFUSALS = {
    "estimation": ("y", np.nan, lambda des: des.mean("y")),
    "inequality": ("y", np.nan, lambda des: mp.gini(des, "y")),
    "inequality negative": ("y", -1.0, lambda des: mp.qsr(des, "y")),
    "earnings": ("hours", -2.0, lambda des: earnings.hourly_earnings(des, "pay", "hours")),
    "earnings missing": ("pay", np.nan, lambda des: earnings.earnings_shares(des, "pay")),
    "size indicator": ("b", 7, lambda des: size.survey_count(des, "b")),
    "weighting": ("g", None, lambda des: des.poststratify("g", {"a": 50.0, "b": 50.0})),
}


@pytest.mark.parametrize("what", list(SUBSET_REFUSALS))
@FAST
@given(case=cases(), data=st.data())
def test_a_subset_names_rows_by_their_place_in_the_whole_frame(what, case, data):
    n, bad, kind = case
    column, value, call = SUBSET_REFUSALS[what]
    df = spoiled(n, bad, kind, column, value)
    # the subset keeps the bad rows, some good ones, and drops the others
    good = [p for p in range(n) if p not in bad]
    kept = set(bad) | set(data.draw(st.sets(st.sampled_from(good), min_size=2,
                                            max_size=len(good))))
    mask = np.isin(np.arange(n), sorted(kept))
    with pytest.raises(mp.errors.MicropopError) as info:
        call(design(df).subset(mask))
    assert_names_rows(str(info.value), df.index, bad)


def test_data_rows_of_errors_is_the_one_of_design():
    assert mp.design.data_rows is mp.errors.data_rows
    assert mp.errors.data_rows(pd.RangeIndex(3), np.array([False, False, True]), ["x"]) == (
        "data row 3 (value: x)")


# --- one check that a design was given ----------------------------------------------------

PLATFORMS = mp.datasets.load_platforms()

#: Every public function that takes a design, called with ``d`` in the design's place.
CALLS = {
    "estimation.survey_total": lambda d: estimation.survey_total(d, "y"),
    "estimation.survey_mean": lambda d: estimation.survey_mean(d, "y"),
    "estimation.survey_ratio": lambda d: estimation.survey_ratio(d, "y", "w"),
    "estimation.survey_proportion": lambda d: estimation.survey_proportion(d, "g"),
    "estimation.survey_quantile": lambda d: estimation.survey_quantile(d, "y", 0.5),
    "estimation.survey_chisq": lambda d: estimation.survey_chisq(d, "g", "b"),
    "estimation.survey_var": lambda d: estimation.survey_var(d, "y"),
    "estimation.survey_cov": lambda d: estimation.survey_cov(d, ["y", "w"]),
    "estimation.survey_corr": lambda d: estimation.survey_corr(d, ["y", "w"]),
    "estimation.goodness_of_fit": lambda d: estimation.goodness_of_fit(d, "g",
                                                                       {"a": .5, "b": .5}),
    "inequality.gini": lambda d: mp.gini(d, "y"),
    "inequality.lorenz": lambda d: mp.lorenz(d, "y"),
    "inequality.top_share": lambda d: mp.top_share(d, "y"),
    "inequality.arpt": lambda d: mp.arpt(d, "y"),
    "inequality.arpr": lambda d: mp.arpr(d, "y"),
    "inequality.rmpg": lambda d: mp.rmpg(d, "y"),
    "inequality.qsr": lambda d: mp.qsr(d, "y"),
    "inequality.poverty_rate": lambda d: mp.poverty_rate(d, "y", 3.0),
    "inequality.poormed": lambda d: mp.poormed(d, "y"),
    "earnings.hourly_earnings": lambda d: earnings.hourly_earnings(d),
    "earnings.standard_of_living": lambda d: earnings.standard_of_living(d),
    "earnings.earnings_shares": lambda d: earnings.earnings_shares(d),
    "earnings.below_minimum_wage": lambda d: earnings.below_minimum_wage(d),
    "earnings.hourly_quantile": lambda d: earnings.hourly_quantile(d),
    "earnings.below_poverty_line": lambda d: earnings.below_poverty_line(d),
    "profile.profile": lambda d: mp.profile(d, "g"),
    "profile.goodness_of_fit": lambda d: profile_module.goodness_of_fit(d, "g",
                                                                        {"a": .5, "b": .5}),
    "profile.standardize": lambda d: mp.standardize(d, "y", by="g"),
    "size.survey_count": lambda d: size.survey_count(d, "b"),
    "size.survey_circles": lambda d: size.survey_circles(d, "g", levels_in_order=["a", "b"]),
    "size.fte": lambda d: size.fte(d, "hours"),
    "size.mean_multiplicity": lambda d: size.mean_multiplicity(d, "n"),
    "size.bootstrap_means": lambda d: size.bootstrap_means(d, "n", replicates=10, seed=1),
    "size.multiplicity_correction": lambda d: size.multiplicity_correction(1000, d, "n"),
    "size.weight_share": lambda d: size.weight_share(PLATFORMS, d),
    "size.platform_circles": lambda d: size.platform_circles(PLATFORMS, d, "n"),
    "size.frequency_circles": lambda d: size.frequency_circles(1000, d, "g", {"b": ["b"]},
                                                               multiplicity="n"),
    "weighting.adjust_nonresponse": lambda d: weighting.adjust_nonresponse(d, "b"),
    "weighting.poststratify": lambda d: weighting.poststratify(d, "g", {"a": 5, "b": 5}),
    "weighting.rake": lambda d: weighting.rake(d, {"g": {"a": 5, "b": 5}}),
    "weighting.calibrate": lambda d: weighting.calibrate(d, {"g": {"a": 5, "b": 5}}),
    "weighting.trim": lambda d: weighting.trim(d, upper=2.0),
    "weighting.weight_summary": lambda d: weighting.weight_summary(d),
    "report.demo_weighting": lambda d: report_plan.demo_weighting(d, d),
    "report.profile_section": lambda d: report_sections.profile_section(d, None),
    "report.earnings_section": lambda d: report_sections.earnings_section(d, None),
    "report.france_section": lambda d: report_sections.france_section(d, None),
    "report.living_standards_section": lambda d: report_sections.living_standards_section(
        d, None),
}

#: Functions where the design is optional: None means "no survey", refused otherwise.
OPTIONAL = {"size.multiplicity_correction", "size.platform_circles"}

MODULES = {"estimation": estimation, "inequality": inequality, "earnings": earnings,
           "profile": profile_module, "size": size, "weighting": weighting,
           "report": None}


def _takes_a_design(function) -> bool:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "design" or "SurveyDesign" in str(p.annotation) for p in parameters)


def test_every_public_function_that_takes_a_design_is_checked_here():
    public = set()
    for prefix, module in [*[(k, m) for k, m in MODULES.items() if m is not None],
                           ("report", report_plan), ("report", report_sections)]:
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) and _takes_a_design(obj):
                public.add(f"{prefix}.{name}")
    assert public - set(CALLS) == set()


@pytest.mark.parametrize("bad", [pd.DataFrame({"y": [1.0, 2.0]}), None, "survey.csv"],
                         ids=["DataFrame", "None", "text"])
@pytest.mark.parametrize("name", list(CALLS))
def test_anything_but_a_design_is_refused_by_name(name, bad):
    if bad is None and name in OPTIONAL:
        pytest.skip("design=None means no survey here")
    with pytest.raises(NotADesignError) as info:
        CALLS[name](bad)
    message = str(info.value)
    kind = {"DataFrame": "a DataFrame", "NoneType": "None", "str": "the text 'survey.csv'"}
    assert f" is {kind[type(bad).__name__]}, not a survey design" in message
    assert "mp.SurveyDesign(data, weights=...)" in message
    assert isinstance(info.value, (TypeError, mp.errors.DesignError))


def test_a_design_given_to_describe_for_its_data_is_refused():
    des = design(frame(4, [], "default"))
    with pytest.raises(DataValidationError,
                       match=r"df is a SurveyDesign, not a DataFrame.*shares\(des.data"):
        shares(des, ["g"])


# --- column arguments named by their argument ---------------------------------------------

@pytest.mark.parametrize("call, argument", [
    (lambda des: des.poststratify(5, {"a": 1, "b": 1}), "strata=5"),
    (lambda des: des.adjust_nonresponse("b", by=5), "by=5"),
    (lambda des: weighting.poststratify(des, [1.5], {"a": 1, "b": 1}), "strata holds 1.5"),
    (lambda des: des.mean("y", by=5), "by=5"),
    (lambda des: mp.profile(des, 5), "variables=5"),
])
def test_a_column_argument_that_is_no_name_is_refused_under_its_own_name(call, argument):
    des = design(frame(6, [], "default"))
    with pytest.raises(OptionError, match=re.escape(argument)) as info:
        call(des)
    assert "columns=" not in str(info.value)


@pytest.mark.parametrize("index, named", [(None, "data row 2 (value: 120)"),
                                          (["r1", "r2", "r3"], "data row 2 (id r2) (value: 120)")])
def test_codebook_errors_name_rows_as_everywhere_else(index, named):
    book = mp.Codebook.from_dict({"variables": {"age": {"type": "integer", "range": [18, 99]}}})
    frame = pd.DataFrame({"age": [30, 120, 45]}, index=index)
    with pytest.raises(DataValidationError, match=re.escape(named)):
        book.apply(frame)
