"""The Dask design: the same numbers whatever the partitioning, and its refusals.

A property test cuts generated surveys at random points (empty partitions and
PSUs split across partitions included) and checks every estimator against the
in-memory engine; the refusals name the partition (file) and the row.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

dd = pytest.importorskip("dask.dataframe")

import dask  # noqa: E402

import micropop as mp  # noqa: E402
from micropop.errors import (  # noqa: E402
    DesignError,
    InfiniteValueError,
    InMemoryOnlyError,
    MicropopError,
    MissingDependencyError,
    MissingValuesError,
    PartitionError,
    SchedulerError,
    WeightError,
)
from micropop.estimation import survey_var  # noqa: E402
from micropop.models import glm  # noqa: E402
from micropop.partitioned import require_dask  # noqa: E402
from micropop.partitioned.passes import remember_files  # noqa: E402
from micropop.weighting import weight_summary  # noqa: E402

RTOL = 1e-10


@pytest.fixture(autouse=True, scope="module")
def _sync_scheduler():
    with dask.config.set(scheduler="sync"):
        yield


def survey(seed: int, n: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    stratum = np.sort(rng.integers(0, 4, n))
    psu = stratum * 100 + rng.integers(0, 5, n)
    order = np.lexsort((psu, stratum))
    return pd.DataFrame({
        "h": stratum[order], "psu": psu[order],
        "w": rng.uniform(0.5, 30.0, n),
        "y": rng.normal(10.0, 3.0, n).round(2),
        "x": rng.uniform(1.0, 5.0, n),
        "sex": pd.Categorical(rng.choice(["f", "m"], n)),
        "region": rng.choice(["nord", "sud", "est"], n),
        "weekly": rng.random(n) < 0.3,
    })


def cut(frame: pd.DataFrame, points: list[int]) -> dd.DataFrame:
    bounds = [0, *sorted(min(p, len(frame)) for p in points), len(frame)]
    pieces = [frame.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    return dd.from_map(lambda piece: piece, pieces, meta=frame.iloc[:0], enforce_metadata=False)


def same(ours, memory) -> None:
    a, b = ours.to_frame(), memory.to_frame()
    assert list(a.index) == list(b.index)
    for column in ("estimate", "se", "ci_low", "ci_high", "deff"):
        if column in b:
            np.testing.assert_allclose(a[column], b[column], rtol=RTOL, atol=1e-12,
                                       err_msg=column)
    assert (a["n"] == b["n"]).all() and (a["df"] == b["df"]).all()


CALLS = [
    lambda d: d.mean(["y", "sex"], deff=True),
    lambda d: d.ratio("y", "x", deff="replace"),
    lambda d: d.total("y", by="region"),
    lambda d: d.ratio("y", "x", by="sex"),
    lambda d: d.proportion("weekly", ci="beta", by="sex"),
    lambda d: d.proportion("weekly", ci="xlogit"),
    lambda d: d.subset("region != 'est'").mean("y", by="sex"),
    lambda d: d.poststratify("sex", {"f": 900, "m": 1100}).mean("y"),
    lambda d: d.rake({"sex": {"f": 900, "m": 1100},
                      "region": {"nord": 500, "sud": 700, "est": 800}}).mean("y", by="weekly"),
]


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**16), points=st.lists(st.integers(0, 120), min_size=6,
                                                      max_size=9))
def test_results_do_not_depend_on_the_partitioning(seed, points):
    frame = survey(seed)
    memory = mp.SurveyDesign(frame, weights="w", strata="h", psu="psu")
    design = mp.SurveyDesign(cut(frame, points), weights="w", strata="h", psu="psu")
    assert design.degf == memory.degf
    for step in (lambda d: d.subset("region != 'est'"), lambda d: d.replicate("jkn")):
        assert step(design).degf == step(memory).degf
    for call in CALLS:
        same(call(design), call(memory))


def test_unclustered_and_fpc_derived_weights_match_memory():
    frame = survey(3).assign(N=lambda d: d.groupby("h")["w"].transform("size") * 7,
                             p=lambda d: d["x"] / 10)
    for kwargs in ({"weights": "w", "strata": "h"}, {"strata": "h", "fpc": "N"},
                   {"probs": "p"}):
        memory = mp.SurveyDesign(frame, **kwargs)
        design = mp.SurveyDesign(cut(frame, [0, 10, 10, 55, 90, 120]), **kwargs)
        same(design.mean("y", by="sex"), memory.mean("y", by="sex"))
        same(design.replicate("bootstrap", replicates=30, seed=4).mean("y"),
             memory.replicate("bootstrap", replicates=30, seed=4).mean("y"))


def test_chisq_and_calibration_match_memory():
    frame = survey(5)
    memory = mp.SurveyDesign(frame, weights="w", strata="h", psu="psu")
    design = mp.SurveyDesign(cut(frame, [7, 7, 40, 77, 101, 119]), weights="w", strata="h",
                             psu="psu")
    a, b = design.chisq("sex", "region"), memory.chisq("sex", "region")
    np.testing.assert_allclose(a.to_frame()["statistic"], b.to_frame()["statistic"], rtol=RTOL)
    targets = {"sex": {"f": 1000.0, "m": 1000.0}, "x": 6000.0}
    same(design.calibrate(targets).mean("y", by="region"),
         memory.calibrate(targets).mean("y", by="region"))
    same(design.replicate("jkn").mean("y"), memory.replicate("jkn").mean("y"))
    with pytest.raises(DesignError, match="jk1"):
        design.replicate("jk1")


# --- refusals ------------------------------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(row=st.integers(0, 119), bad=st.sampled_from([np.nan, -1.0, np.inf]),
       points=st.lists(st.integers(0, 120), min_size=6, max_size=8))
def test_bad_weights_are_refused_with_their_partition_and_row(row, bad, points):
    frame = survey(1)
    frame.loc[row, "w"] = bad
    ddf = cut(frame, points)
    bounds = [0, *sorted(min(p, 120) for p in points), 120]
    partition = max(i for i, start in enumerate(bounds[:-1]) if start <= row < bounds[i + 1])
    within = row - bounds[partition] + 1
    with pytest.raises(WeightError) as info:
        mp.SurveyDesign(ddf, weights="w", strata="h", psu="psu")
    assert f"partition {partition + 1}: row {within} " in str(info.value)


def test_probabilities_outside_0_1_are_refused():
    frame = survey(2)
    with pytest.raises(WeightError, match=r"probs column 'x' has 120 .*\(0, 1\]"):
        mp.SurveyDesign(cut(frame, [25, 60]), probs="x")


def test_bad_weights_name_the_file():
    frame = survey(2)
    frame.loc[30, "w"] = -3.0
    ddf = cut(frame, [25, 60])
    remember_files(ddf, ["a.parquet", "b.parquet", "c.parquet"])
    with pytest.raises(WeightError, match=r"partition 2 \(file 'b.parquet'\): row 6"):
        mp.SurveyDesign(ddf, weights="w", psu="psu")


def test_a_psu_in_two_strata_is_refused_naming_the_partitions():
    frame = survey(2)
    frame.loc[100, "psu"] = frame.loc[0, "psu"]  # a PSU of stratum 0 seen in stratum 3
    with pytest.raises(PartitionError, match="pass nest=True") as info:
        mp.SurveyDesign(cut(frame, [50, 90]), weights="w", strata="h", psu="psu")
    assert "in h 0: partition 1: row 1;" in str(info.value)
    assert "in h 3: partition 3: row 11)" in str(info.value)


def test_missing_design_values_and_analysis_values_are_refused():
    frame = survey(6)
    holed = frame.astype({"psu": float})
    holed.loc[17, "psu"] = np.nan
    with pytest.raises(DesignError, match="partition 1: row 18"):
        mp.SurveyDesign(cut(holed, [40]), weights="w", psu="psu")
    frame.loc[70, "y"] = np.nan
    frame.loc[80, "x"] = np.inf
    design = mp.SurveyDesign(cut(frame, [40]), weights="w", psu="psu")
    with pytest.raises(MissingValuesError, match="partition 2: row 31"):
        design.mean("y")
    with pytest.raises(InfiniteValueError, match="partition 2: row 41"):
        design.total("x")
    memory = mp.SurveyDesign(frame, weights="w", psu="psu")
    same(design.mean("y", na_rm=True), memory.mean("y", na_rm=True))


@pytest.mark.parametrize("call", [
    lambda d: d.glm("y ~ x"), lambda d: d.var("y"), lambda d: d.trim(upper=10.0),
    lambda d: glm(d, "y ~ x"),
    lambda d: weight_summary(d), lambda d: survey_var(d, "y"),
])
def test_in_memory_features_are_refused_by_name(call):
    design = mp.SurveyDesign(cut(survey(0), [60]), weights="w")
    with pytest.raises(InMemoryOnlyError) as info:
        call(design)
    assert "compute()" in info.value.hint


def test_design_effects_after_raking():
    """Exact where a cell's rows have their own weights; refused where they share one."""
    margins = {"sex": {"f": 900, "m": 1100}}
    frame = survey(0)
    design = mp.SurveyDesign(cut(frame, [60]), weights="w", psu="psu")
    memory = mp.SurveyDesign(frame, weights="w", psu="psu")
    same(design.rake(margins).mean("y", deff=True), memory.rake(margins).mean("y", deff=True))
    shared = frame.assign(w=frame["psu"] % 7 + 1.0)  # one weight per PSU
    design = mp.SurveyDesign(cut(shared, [60]), weights="w", psu="psu")
    with pytest.raises(InMemoryOnlyError, match="raking"):
        design.rake(margins).mean("y", deff=True)


RAKED = [
    lambda d: d.mean("y", by="region", na_rm=True),
    lambda d: d.ratio("y", "x", na_rm=True),
    lambda d: d.total("x", by="sex"),
    lambda d: d.proportion("weekly", by="region"),
]


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**16), zeros=st.lists(st.integers(0, 599), max_size=6),
       missing=st.lists(st.integers(0, 599), max_size=4))
def test_raked_with_row_weights_each_unit_and_cell_is_at_most_two_rows(seed, zeros, missing):
    """Weights that differ within a PSU and raking cell (some 0): R's numbers, a bounded table."""
    frame = survey(seed, n=600)  # 20 PSUs x 6 raking cells at most: fewer groups than rows
    frame.loc[zeros, "w"] = 0.0
    frame.loc[missing, "y"] = np.nan
    margins = {"sex": {"f": 900, "m": 1100}, "region": {"nord": 500, "sud": 700, "est": 800}}
    memory = mp.SurveyDesign(frame, weights="w", strata="h", psu="psu").rake(margins)
    design = mp.SurveyDesign(cut(frame, [60, 60, 270, 450, 570]), weights="w", strata="h",
                             psu="psu").rake(margins)
    for call in RAKED:
        same(call(design), call(memory))
    groups = frame.assign(zero=frame["w"] == 0).groupby(["psu", "sex", "region", "zero"],
                                                         observed=True).ngroups
    table = design.unit_design(["x"])
    assert len(table.data) <= 2 * groups < len(frame)  # not a row per distinct weight
    np.testing.assert_allclose(table.total("x").estimate, memory.total("x").estimate,
                               rtol=RTOL)


CALIBRATED = [
    lambda d: d.mean("y", na_rm=True),
    lambda d: d.total("x", by="region"),
    lambda d: d.ratio("y", "x", by="sex", na_rm=True),
    lambda d: d.mean(["y", "x"], na_rm=True),
    lambda d: d.proportion("weekly", by="region"),
]


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**16), zeros=st.lists(st.integers(0, 599), max_size=6),
       missing=st.lists(st.integers(0, 599), max_size=4),
       replicates=st.sampled_from([None, "jkn", "bootstrap"]))
def test_numeric_calibration_totals_are_moments_not_cells(seed, zeros, missing, replicates):
    """A numeric total of a linear calibration: R's numbers from a table bounded by the units."""
    frame = survey(seed, n=600)
    frame.loc[zeros, "w"] = 0.0
    frame.loc[missing, "y"] = np.nan
    targets = {"sex": {"f": 1000.0, "m": 1000.0}, "x": 6000.0}
    memory = mp.SurveyDesign(frame, weights="w", strata="h", psu="psu")
    design = mp.SurveyDesign(cut(frame, [60, 60, 270, 450, 570]), weights="w", strata="h",
                             psu="psu")
    if replicates:
        memory, design = (d.replicate(replicates, seed=3) for d in (memory, design))
    memory, design = memory.calibrate(targets), design.calibrate(targets)
    for call in CALIBRATED:
        same(call(design), call(memory))
    groups = frame.assign(zero=frame["w"] == 0, complete=frame["y"].notna()).groupby(
        ["psu", "sex", "zero", "complete"], observed=True).ngroups
    table = design.unit_design(["y"], na_rm=True)  # y, x: each group 4 rows at most
    assert len(table.data) <= 4 * groups < len(frame)


def test_numeric_calibration_with_steps_that_need_cells_matches_memory():
    """Bounds, another numeric calibration, raking, weighting before, quantiles: as cells."""
    frame = survey(8, n=300)
    memory = mp.SurveyDesign(frame, weights="w", strata="h", psu="psu")
    design = mp.SurveyDesign(cut(frame, [30, 30, 150, 290]), weights="w", strata="h", psu="psu")
    total = {"x": 12000.0}  # the sample's weighted total is about 14,000
    sexes = {"f": 2000.0, "m": 2000.0}
    for step in (lambda d: d.calibrate(total, bounds=(0.5, 2.0)),
                 lambda d: d.calibrate(total).calibrate({"y": 40000.0}),
                 lambda d: d.calibrate(total).rake({"sex": sexes}),
                 # weighting before: its residuals would be divided by each row's g-weight
                 lambda d: d.poststratify("sex", sexes).calibrate(total),
                 lambda d: d.calibrate({"sex": sexes}).calibrate(total)):
        same(step(design).mean("y"), step(memory).mean("y"))
    calibrated = design.calibrate(total), memory.calibrate(total)
    same(*(d.quantile("y", 0.5) for d in calibrated))
    same(*(mp.gini(d, "x") for d in calibrated))
    same(*(d.mean("y", deff=True) for d in calibrated))


SEXES = {"f": 2000.0, "m": 2000.0}
STEPS = {
    "poststratify": lambda d: d.poststratify("sex", SEXES),
    "rake": lambda d: d.rake({"sex": SEXES, "region": {"nord": 1300.0, "sud": 1300.0,
                                                       "est": 1400.0}}),
    "calibrate sex": lambda d: d.calibrate({"sex": SEXES}),
    "calibrate x": lambda d: d.calibrate({"x": 12000.0}),
    "calibrate sex + x": lambda d: d.calibrate({"sex": SEXES, "x": 12000.0}),
    "calibrate x bounded": lambda d: d.calibrate({"x": 12000.0}, bounds=(0.3, 3.0)),
    "nonresponse": lambda d: d.adjust_nonresponse("weekly", by="sex"),
    "subset": lambda d: d.subset("region != 'est'"),
    "jkn": lambda d: d.replicate("jkn"),
}


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**16),
       names=st.lists(st.sampled_from(sorted(STEPS)), min_size=1, max_size=3, unique=True))
def test_any_sequence_of_steps_gives_the_in_memory_numbers(seed, names):
    """Weighting, subsets and replicates in any order: the Dask engine's cells, pairs and
    moments give the in-memory numbers, or the same refusal."""
    frame = survey(seed, n=300)
    frame.loc[::37, "w"] = 0.0  # rows of weight 0 among the others of their unit and cell
    designs = [mp.SurveyDesign(data, weights="w", strata="h", psu="psu")
               for data in (cut(frame, [30, 30, 150, 290]), frame)]
    try:
        memory = designs[1]
        for name in names:
            memory = STEPS[name](memory)
    except MicropopError as err:
        with pytest.raises(type(err)):
            design = designs[0]
            for name in names:
                design = STEPS[name](design)
            design.mean("y")
        return
    design = designs[0]
    for name in names:
        design = STEPS[name](design)
    for call in (lambda d: d.mean("y", by="region"), lambda d: d.ratio("y", "x"),
                 lambda d: d.total("weekly", by="sex")):
        ours, theirs = call(design), call(memory)
        np.testing.assert_allclose(ours.estimate, theirs.estimate, rtol=1e-9)
        # an SE that is 0 (a calibrated count) is rounding either side of it
        np.testing.assert_allclose(ours.se, theirs.se, rtol=1e-9,
                                   atol=1e-12 * np.abs(theirs.estimate).max())


def test_rows_of_weight_zero_after_post_stratification_in_quantiles_are_refused():
    """R counts each row of weight 0 in the post-stratification term; a quantile pass cannot."""
    frame = survey(4)
    design = mp.SurveyDesign(cut(frame, [40, 90]), weights="w", psu="psu")
    memory = mp.SurveyDesign(frame, weights="w", psu="psu")
    post = {"f": 1000.0, "m": 1000.0}
    same(design.poststratify("sex", post).quantile("y", 0.5),
         memory.poststratify("sex", post).quantile("y", 0.5))
    frame.loc[[3, 50], "w"] = 0.0
    design = mp.SurveyDesign(cut(frame, [40, 90]), weights="w", psu="psu")
    memory = mp.SurveyDesign(frame, weights="w", psu="psu").poststratify("sex", post)
    same(design.poststratify("sex", post).mean("y", by="region"), memory.mean("y", by="region"))
    for call in (lambda d: d.quantile("y", 0.5), lambda d: mp.gini(d, "y")):
        try:  # right (rows of weight 0 in groups of their own) or refused
            ours = call(design.poststratify("sex", post))
        except InMemoryOnlyError as err:
            assert "weight 0" in str(err)
        else:
            same(ours, call(memory))
    with pytest.raises(InMemoryOnlyError, match="weight 0"):  # mixed in a group: refused
        mp.gini(design.poststratify("sex", post), "y", by="region")


def test_missing_calibration_values_are_refused_naming_the_row():
    frame = survey(2)
    frame.loc[77, "x"] = np.nan
    design = mp.SurveyDesign(cut(frame, [40, 100]), weights="w", psu="psu")
    with pytest.raises(MissingValuesError, match="x") as info:
        design.calibrate({"x": 6000.0})
    assert "38" in str(info.value)  # the 38th row of the second partition


def test_design_effects_with_zero_weights_are_refused():
    frame = survey(0)
    frame.loc[5, "w"] = 0.0
    design = mp.SurveyDesign(cut(frame, [60]), weights="w", psu="psu")
    with pytest.raises(InMemoryOnlyError, match="zero weight"):
        design.mean("y", deff=True)
    same(design.mean("y"), mp.SurveyDesign(frame, weights="w", psu="psu").mean("y"))


def test_a_mask_subset_asks_for_a_condition():
    design = mp.SurveyDesign(cut(survey(0), [60]), weights="w")
    with pytest.raises(InMemoryOnlyError, match="condition in text"):
        design.subset(np.ones(120, dtype=bool))


def test_a_failing_scheduler_is_a_clear_error():
    frame = survey(0)

    def read(i: int) -> pd.DataFrame:
        if i == 2:
            raise OSError("worker lost the file part.2.parquet")
        return frame.iloc[i * 40:(i + 1) * 40]

    ddf = dd.from_map(read, [0, 1, 2], meta=frame.iloc[:0], enforce_metadata=False)
    with pytest.raises(SchedulerError, match="part.2.parquet") as info:
        mp.SurveyDesign(ddf, weights="w")
    assert "nothing was written" in info.value.hint


def test_without_dask_the_extra_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'micropop\[dask\]'"):
        require_dask()
