"""Gini, poverty threshold and rate on the Dask engine: the in-memory numbers, R's goldens.

Each measure on a :class:`~micropop.partitioned.design.PartitionedDesign`
(rows cut into uneven partitions, empty ones first, inside and last, sampled
units split across partitions) must equal the same measure on the in-memory
design of the same rows (``des.compute()``) to relative 1e-10, estimate and
SE, and R's numbers (``tests/reference/golden_inequality.json``, made by
``tests/reference/make_refs_inequality.R``: laeken's estimates, ``svyrecvar``
of convey's influence functions) to 1e-8.
"""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import micropop as mp
from micropop.errors import (
    InequalityError,
    InMemoryOnlyError,
    MissingValuesError,
    NegativeIncomeError,
    ZeroIncomeError,
)
from micropop.inequality import arpr, arpt, gini, poverty_rate
from support.paths import REFERENCE

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")

RTOL = 1e-10
MEASURES = {"gini": gini, "arpt": arpt, "arpr": arpr}


@pytest.fixture(autouse=True, scope="module")
def _synchronous():
    with dask.config.set(scheduler="sync"):
        yield


def uneven(frame: pd.DataFrame, cuts: tuple[int, ...] = (0, 0, 3, 41, 41, 200, 555, 556),
           ) -> object:
    """``frame`` in order, cut at ``cuts`` (and at its end): empty pieces included."""
    frame = frame.copy()
    frame.attrs = {}  # as read from Parquet: no codebook to copy at every step
    ends = [0, *sorted(c for c in cuts if c < len(frame)), len(frame), len(frame)]
    pieces = [frame.iloc[a:b] for a, b in zip(ends[:-1], ends[1:], strict=True)]
    return dd.from_map(lambda piece: piece, pieces, meta=frame.iloc[:0],
                       enforce_metadata=False)


def same(dask_result: mp.Estimate, memory_result: mp.Estimate, rtol: float = RTOL,
         atol: float = 0.0) -> None:
    ours, theirs = dask_result.to_frame(), memory_result.to_frame()
    assert ours.index.equals(theirs.index)
    assert ours.columns.equals(theirs.columns)
    numbers = [c for c in ours.columns if c != "n"]
    np.testing.assert_allclose(ours[numbers].to_numpy(float), theirs[numbers].to_numpy(float),
                               rtol=rtol, atol=atol)
    assert ours["n"].tolist() == theirs["n"].tolist()  # data rows per domain


def parity(des: object, variable: str, measures: tuple[str, ...] = ("gini", "arpt", "arpr"),
           **options: object) -> None:
    memory = des.compute()  # type: ignore[attr-defined]
    for name in measures:
        measure = MEASURES[name]
        same(measure(des, variable, **options), measure(memory, variable, **options))


# --- the demo data --------------------------------------------------------------------


@cache
def workers() -> pd.DataFrame:
    return mp.datasets.load_worker_survey()


@cache
def population() -> pd.DataFrame:
    return mp.datasets.load_population_survey()


def test_earnings_of_the_workers_as_in_memory():
    des = mp.SurveyDesign(uneven(workers()), weights="weight")  # rows are their own units
    assert des.npartitions >= 7
    parity(des, "earnings_month", by=["sex", "region"])


def test_other_percent_and_order_as_in_memory():
    des = mp.SurveyDesign(uneven(workers()), weights="weight")
    memory = des.compute()
    for measure in (arpt, arpr):
        same(measure(des, "earnings_month", percent=0.5, order=0.4, by="sex"),
             measure(memory, "earnings_month", percent=0.5, order=0.4, by="sex"))


def test_stratified_two_stage_design_with_fpc_and_ties():
    # age as the "income": many ties, some across partition boundaries; PSUs
    # (communes) cut by the partitions
    frame = population()[population()["region_code"].isin(population()["region_code"].unique()[:2])]
    des = mp.SurveyDesign(uneven(frame, (0, 0, 5, 1001, 1001, 2000, 3500, 3501)),
                          weights="weight", strata="region",
                          psu=["commune_id", "household_id"], fpc=["fpc1", "fpc2"])
    parity(des.subset("age > 30"), "age", by="sex")


def test_subset_as_in_memory():
    parity(mp.SurveyDesign(uneven(workers()), weights="weight").subset("sex == 'female'"),
           "earnings_month", by="age_group")


def test_after_poststratify_and_rake_as_in_memory():
    des = mp.SurveyDesign(uneven(workers()), weights="weight")
    sex = {"female": 480.0, "male": 520.0}
    parity(des.poststratify("sex", sex), "earnings_month", ("gini", "arpr"), by="region")
    band = workers()["age_group"].value_counts().astype(float)
    parity(des.rake({"sex": sex, "age_group": band.to_dict()}), "earnings_month",
           ("arpt", "gini"))


def test_missing_incomes_left_out_with_na_rm():
    frame = workers().assign(earnings_month=workers()["earnings_month"].mask(
        workers()["id"] % 9 == 0))
    des = mp.SurveyDesign(uneven(frame), weights="weight")
    parity(des, "earnings_month", ("gini", "arpr"), na_rm=True, by="sex")
    with pytest.raises(MissingValuesError, match=r"partition \d+: row"):
        gini(des, "earnings_month")


def test_fixed_line_poverty_rate_as_in_memory():
    des = mp.SurveyDesign(uneven(workers()), weights="weight").poststratify(
        "sex", {"female": 480.0, "male": 520.0})
    memory = des.compute()
    for by in (None, "region"):
        same(poverty_rate(des, "income_per_cu", line=1100, by=by),
             poverty_rate(memory, "income_per_cu", line=1100, by=by))


# --- R's goldens on eusilc -----------------------------------------------------------

GOLDEN = json.loads((REFERENCE / "golden_inequality.json").read_text())
LAEKEN_SCALE = {"gini": 100.0, "arpr": 100.0, "arpt": 1.0}


@cache
def eusilc(name: str) -> tuple[object, object]:
    spec = GOLDEN["designs"][name]
    frame = pd.read_csv(REFERENCE / "fixtures" / "eusilc.csv")
    des = mp.SurveyDesign(uneven(frame, (0, 0, 17, 4000, 4000, 4001, 9000, 12345)),
                          weights=spec["weights"], psu=spec["psu"], strata=spec["strata"])
    return des, des.compute()


@pytest.mark.parametrize("name, by", [("cluster", None), ("strat_cluster", "db040")])
@pytest.mark.parametrize("measure", sorted(MEASURES))
def test_eusilc_goldens_on_dask(name, by, measure):
    des, memory = eusilc(name)
    ours = MEASURES[measure](des, "eqIncome", by=by)
    same(ours, MEASURES[measure](memory, "eqIncome", by=by))
    frame = ours.to_frame().droplevel("variable") if by else ours.to_frame()
    reference = GOLDEN["linearized"][name][measure]  # convey's SE through R's svyrecvar
    cases = ([(frame.iloc[0], reference["overall"])] if by is None else
             [(frame.loc[k], v) for k, v in reference["by_db040"].items()])
    assert len(cases) == len(frame)
    for row, ref in cases:
        np.testing.assert_allclose(row[["estimate", "se"]].astype(float),
                                   [float(ref["estimate"]), float(ref["se"])], rtol=1e-8)
    laeken = GOLDEN["laeken"][measure]  # laeken's estimates (percent for gini and arpr)
    scale = LAEKEN_SCALE[measure]
    if by is None:
        np.testing.assert_allclose(frame["estimate"].iloc[0] * scale,
                                   float(laeken["overall"]), rtol=1e-8)
    else:  # laeken gives no arpt by region
        for region, value in laeken.get("by_db040", {}).items():
            np.testing.assert_allclose(frame.loc[region, "estimate"] * scale, float(value),
                                       rtol=1e-8)


@pytest.mark.parametrize("name", sorted(GOLDEN["designs"]))
def test_eusilc_fixed_line_poverty_rate_on_dask(name):
    des, memory = eusilc(name)
    ours = poverty_rate(des, "eqIncome", line=10000)
    same(ours, poverty_rate(memory, "eqIncome", line=10000))
    reference = GOLDEN["linearized"][name]["poverty_rate"]["overall"]
    np.testing.assert_allclose([ours.estimate[0], ours.se[0]],
                               [float(reference["estimate"]), float(reference["se"])],
                               rtol=1e-8)


# --- partitioning does not matter -----------------------------------------------------


@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(incomes=st.lists(st.sampled_from([0.0, 1.0, 2.5, 2.5, 7.0, 100.0, 1e6]),
                        min_size=6, max_size=40),
       cuts=st.lists(st.integers(0, 40), max_size=8),
       weights=st.sampled_from([1.0, 0.5, 3.0]))
def test_any_partitioning_gives_the_in_memory_numbers(incomes, cuts, weights):
    n = len(incomes)
    frame = pd.DataFrame({"x": incomes, "w": weights * (1 + np.arange(n) % 3),
                          "psu": np.arange(n) // 3, "g": np.where(np.arange(n) % 2, "a", "b")})
    if frame["x"].nunique() < 2 or frame.groupby("g")["x"].nunique().min() < 2:
        return  # the kernel density needs incomes that differ in each domain
    des = mp.SurveyDesign(uneven(frame, tuple(sorted(cuts))), weights="w", psu="psu")
    memory = des.compute()
    for by in (None, "g"):
        for measure in (gini, arpt) if by else (arpr,):
            try:
                expected = measure(memory, "x", by=by)
            except (ZeroIncomeError, InequalityError) as err:
                with pytest.raises(type(err)):
                    measure(des, "x", by=by)
                continue
            # an SE of zero comes out as 0 or as rounding noise (1e-16) on either engine
            same(measure(des, "x", by=by), expected, rtol=1e-9, atol=1e-12)


# --- refused -------------------------------------------------------------------------


def test_negative_incomes_refused_naming_partition_and_row():
    frame = workers().assign(earnings_month=workers()["earnings_month"].astype(float))
    frame.loc[300, "earnings_month"] = -5.0
    des = mp.SurveyDesign(uneven(frame), weights="weight")
    with pytest.raises(NegativeIncomeError, match=r"1 negative values.*partition 7: row 101"):
        gini(des, "earnings_month")
    # out of the subset, a negative income is no one's concern; arpr takes negatives
    gini(des.subset("earnings_month >= 0"), "earnings_month")
    same(arpr(des, "earnings_month"), arpr(des.compute(), "earnings_month"))


def test_what_the_in_memory_engine_refuses_is_refused():
    frame = pd.DataFrame({"x": [0.0, 0.0, 5.0, 5.0], "g": ["a", "a", "b", "b"], "w": 1.0})
    des = mp.SurveyDesign(uneven(frame, (0, 1, 1, 3)), weights="w")
    with pytest.raises(ZeroIncomeError, match="'a'"):
        gini(des, "x", by="g")
    with pytest.raises(InequalityError, match="single value"):
        arpt(des, "x", by="g")
    with pytest.raises(InequalityError, match="not a positive income"):
        arpr(mp.SurveyDesign(uneven(frame.assign(x=[0.0, 0.0, 0.0, 5.0])), weights="w"), "x")


def test_replicate_weights_refused_with_the_way_out():
    des = mp.SurveyDesign(uneven(population()), weights="weight", strata="region",
                          psu="commune_id").replicate("jkn")
    with pytest.raises(InMemoryOnlyError, match="replicate"):
        gini(des, "age")
