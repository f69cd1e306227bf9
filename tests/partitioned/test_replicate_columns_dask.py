"""Replicate-weight columns on Dask: ``mp.ReplicateDesign(ddf, ...)``.

R's goldens of ``tests/reference/golden.json`` (made by
``tests/reference/make_refs.R``: R's api data with JK1, JKn, BRR, Fay and
bootstrap replicate weights materialised as columns, the ``rep_*`` designs)
run on a Dask design cut into uneven partitions with empty ones: against R at
the goldens' relative 1e-8 and against the in-memory ``ReplicateDesign`` at
relative 1e-10. A synthetic frame with 80 replicate columns checks every
estimator, domains, missing values and subsets against the in-memory engine;
hostile inputs are refused naming the partition and row.
"""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")

import dask  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import micropop as mp  # noqa: E402
from micropop.design import ReplicateDesign  # noqa: E402
from micropop.errors import (  # noqa: E402
    DesignError,
    EmptyDomainError,
    ExpressionError,
    InfiniteValueError,
    InMemoryOnlyError,
    MicropopError,
    MissingColumnError,
    MissingValuesError,
    WeightError,
)
from micropop.partitioned.replicates import PartitionedReplicateDesign  # noqa: E402
from support.golden import ATOL_NEAR_ZERO, GOLDEN, RTOL, assert_close, fixture, single  # noqa: E402

#: Agreement with the in-memory engine on the same data.
PARITY = 1e-10
REPLICATE_DESIGNS = [name for name, spec in GOLDEN["designs"].items()
                     if spec["kind"] == "replicate"]
CASES = [c for c in GOLDEN["cases"] if c["design"] in REPLICATE_DESIGNS]
PROPORTIONS = [c for c in GOLDEN["proportions"] if c["design"] in REPLICATE_DESIGNS]
CHISQ = [c for c in GOLDEN["chisq"] if c["design"] in REPLICATE_DESIGNS]


@pytest.fixture(autouse=True, scope="module")
def _sync_scheduler():
    with dask.config.set(scheduler="sync"):
        yield


def uneven(frame: pd.DataFrame, seed: int = 0, parts: int = 7) -> dd.DataFrame:
    """``frame`` cut at uneven points in ``parts`` pieces, empty pieces first, inside, last."""
    rng = np.random.default_rng(seed)
    cuts = [0, *sorted(rng.choice(np.arange(1, len(frame)), parts - 1, replace=False)),
            len(frame)]
    pieces = [frame.iloc[a:b] for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
    for position in (0, len(pieces) // 2, len(pieces) + 1):
        pieces.insert(position, frame.iloc[:0])
    return dd.from_map(lambda piece: piece, pieces, meta=frame.iloc[:0],
                       enforce_metadata=False)


def _options(spec: dict) -> dict:
    return {"weights": spec["weights"], "replicate_weights": spec["replicate_weights"],
            "method": spec["method"], "scale": spec["scale"], "rscales": spec["rscales"],
            "fay_rho": spec["fay_rho"], "mse": spec["mse"]}


@cache
def designs(name: str) -> tuple[PartitionedReplicateDesign, ReplicateDesign]:
    spec = GOLDEN["designs"][name]
    frame = fixture(spec["data"])
    return (mp.ReplicateDesign(uneven(frame, seed=len(name)), **_options(spec)),
            mp.ReplicateDesign(frame, **_options(spec)))


def assert_same(ours, memory) -> None:
    """The same Estimate as in memory: labels, n, df, estimates and covariance."""
    assert list(ours.index) == list(memory.index)
    assert ours.n.tolist() == memory.n.tolist()
    assert ours.df == memory.df
    np.testing.assert_allclose(ours.estimate, memory.estimate, rtol=PARITY, atol=1e-300)
    scale = np.sqrt(np.outer(np.diag(memory.vcov), np.diag(memory.vcov)))
    np.testing.assert_allclose(ours.vcov, memory.vcov, rtol=0, atol=PARITY * scale.max())
    np.testing.assert_allclose(ours.se, memory.se, rtol=PARITY)


def run(design, case: dict):
    if case["subset"]:
        design = design.subset(case["subset"])
    by = single(case["by"])
    if case["fun"] == "ratio":
        return design.ratio(case["vars"], case["denominator"][0], by=by, na_rm=case["na_rm"])
    return getattr(design, case["fun"])(case["vars"], by=by, na_rm=case["na_rm"])


# --- R's goldens ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_linear_goldens_on_dask(case):
    ours, memory = (run(d, case) for d in designs(case["design"]))
    assert_close(ours.estimate, case["estimate"], f"{case['id']} estimate")
    assert_close(ours.se, case["se"], f"{case['id']} se")
    assert ours.df == case["df"]
    assert_same(ours, memory)


@pytest.mark.parametrize("case", PROPORTIONS, ids=[c["id"] for c in PROPORTIONS])
def test_proportion_goldens_on_dask(case):
    by = case["by"][0] if case["by"] else None
    ours, memory = (d.proportion(case["variable"], case["level"], ci=case["method"], by=by,
                                 level=case["conf_level"]) for d in designs(case["design"]))
    for values, key in ((ours.estimate, "estimate"), (ours.se, "se"),
                        (ours.ci()["ci_low"], "ci_low"), (ours.ci()["ci_high"], "ci_high")):
        np.testing.assert_allclose(values, case[key], rtol=RTOL, atol=ATOL_NEAR_ZERO,
                                   err_msg=key)
    np.testing.assert_allclose(ours.ci().to_numpy(), memory.ci().to_numpy(), rtol=PARITY)
    assert_same(ours, memory)


@pytest.mark.parametrize("case", CHISQ, ids=[c["id"] for c in CHISQ])
def test_chisq_goldens_on_dask(case):
    ours = designs(case["design"])[0].chisq(case["rows"], case["cols"],
                                            statistic=case["statistic_name"])
    ddf = np.inf if case["ddf"] is None else case["ddf"]
    np.testing.assert_allclose([ours.statistic, ours.ndf, ours.ddf, ours.p_value],
                               [case["statistic"], case["ndf"], ddf, case["p_value"]],
                               rtol=RTOL, atol=ATOL_NEAR_ZERO)


# --- 80 replicate columns ------------------------------------------------------------------


def synthetic(rows: int = 400, replicates: int = 80, seed: int = 1) -> pd.DataFrame:
    """Respondents in 40 PSUs with 80 bootstrap-like replicate columns, domains, NaNs."""
    rng = np.random.default_rng(seed)
    psu = rng.integers(0, 40, rows)
    w = rng.uniform(50, 150, rows)
    factors = rng.poisson(1.0, (40, replicates)).astype(float)
    frame = pd.DataFrame({"w": w, "region": rng.choice(["nord", "sud", "est"], rows),
                          "sex": pd.Categorical(rng.choice(["f", "m"], rows),
                                                categories=["f", "m", "x"]),
                          "y": rng.normal(1000, 300, rows), "x": rng.uniform(1, 3, rows),
                          "age": rng.integers(15, 80, rows).astype(float),
                          "weekly": rng.random(rows) < 0.3})
    frame.loc[rng.choice(rows, 25, replace=False), "y"] = np.nan
    for r in range(replicates):
        frame[f"repw{r + 1}"] = w * factors[psu, r]
    return frame


@cache
def synthetic_designs():
    frame = synthetic()
    options = {"weights": "w", "replicate_weights": "^repw[0-9]+$", "method": "bootstrap",
               "mse": True}
    return (mp.ReplicateDesign(uneven(frame, seed=3, parts=9), **options),
            mp.ReplicateDesign(frame, **options))


CALLS = {
    "mean_narm": lambda d: d.mean(["y", "x"], na_rm=True),
    "total_factor_by": lambda d: d.total(["x", "sex"], by="region"),
    "mean_by_two": lambda d: d.mean("x", by=["region", "sex"]),
    "ratio_by": lambda d: d.ratio(["y", "age"], "x", by="region", na_rm=True),
    "subset_mean": lambda d: d.subset("age >= 30 & region != 'est'").mean("y", na_rm=True),
    "subset_by_total": lambda d: d.subset("sex == 'f'").total("x", by="region"),
    "proportion_logit": lambda d: d.proportion("weekly"),
    "proportion_mean_by": lambda d: d.proportion("region", "sud", ci="mean", by="sex"),
    "proportion_beta_subset": lambda d: d.subset("age < 50").proportion("weekly", ci="beta",
                                                                        by="region"),
    "proportion_wilson": lambda d: d.proportion("sex", "f", ci="wilson"),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_eighty_replicate_columns_as_in_memory(name):
    ours, memory = (CALLS[name](d) for d in synthetic_designs())
    assert_same(ours, memory)
    if ours.statistic == "proportion":
        np.testing.assert_allclose(ours.ci().to_numpy(), memory.ci().to_numpy(), rtol=PARITY)


def test_building_reads_the_parameters_as_in_memory():
    des, memory = synthetic_designs()
    assert isinstance(des, PartitionedReplicateDesign) and des.engine == "dask"
    assert des.n_replicates == 80 and des.replicate_names == memory.replicate_names
    assert des.degf == memory.degf == 39  # 40 PSUs: the rank of the replicate weights
    assert des.scale == memory.scale and des.mse and des.method == "bootstrap"
    np.testing.assert_array_equal(des.rscales, memory.rscales)
    assert repr(des).startswith("PartitionedReplicateDesign: 12 partitions, 400 rows, 80")
    sub = des.subset("region == 'nord'")
    assert sub.degf == memory.subset("region == 'nord'").degf
    assert "subset" in repr(sub) and sub.compute().degf == sub.degf


def test_chisq_as_in_memory():
    ours, memory = (d.chisq("region", "sex") for d in synthetic_designs())
    np.testing.assert_allclose([ours.statistic, ours.p_value],
                               [memory.statistic, memory.p_value], rtol=PARITY)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000))
def test_results_do_not_depend_on_the_partitioning(seed):
    frame = synthetic(rows=120, replicates=12, seed=2)
    options = {"weights": "w", "replicate_weights": "^repw", "method": "jk1"}
    cut = mp.ReplicateDesign(uneven(frame, seed=seed, parts=2 + seed % 8), **options)
    whole = mp.ReplicateDesign(dd.from_pandas(frame, npartitions=1), **options)
    assert_same(cut.mean("y", by="region", na_rm=True), whole.mean("y", by="region",
                                                                    na_rm=True))


@pytest.mark.parametrize("size", [1, 7, 64])
def test_partitions_read_in_slices_of_rows_give_the_same_numbers(size, monkeypatch):
    """A partition's replicate weights are converted a slice of rows at a time (memory)."""
    from micropop.partitioned import replicate_passes

    whole = replicate_passes.row_slices
    monkeypatch.setattr(replicate_passes, "row_slices", lambda n: whole(n, size))
    frame = synthetic(rows=200, replicates=12, seed=4)
    frame.loc[::9, "repw3"] = 0.0  # replicate weights that differ within a PSU
    options = {"weights": "w", "replicate_weights": "^repw", "method": "jk1"}
    sliced = mp.ReplicateDesign(uneven(frame, seed=1, parts=3), **options)
    memory = mp.ReplicateDesign(frame, **options)
    assert sliced.degf == memory.degf
    assert sliced.subset("region == 'nord'").degf == memory.subset("region == 'nord'").degf
    for call in (lambda d: d.mean("y", by="region", na_rm=True),
                 lambda d: d.total(["x", "sex"]), lambda d: d.proportion("weekly")):
        assert_same(call(sliced), call(memory))


# --- refusals ------------------------------------------------------------------------------


def small(**changes) -> pd.DataFrame:
    frame = pd.DataFrame({"w": [1.0, 2.0, 1.0, 3.0, 2.0, 1.0],
                          "r1": [2.0, 0.0, 1.0, 3.0, 2.0, 2.0],
                          "r2": [0.0, 4.0, 1.0, 3.0, 2.0, 0.0],
                          "r3": [1.0, 2.0, 2.0, 6.0, 0.0, 1.0],
                          "g": list("abcabc"), "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    return frame.assign(**changes)


def build(frame: pd.DataFrame, **options):
    options = {"weights": "w", "replicate_weights": ["r1", "r2", "r3"], "method": "jk1",
               **options}
    return mp.ReplicateDesign(dd.from_pandas(frame, npartitions=3), **options)


@pytest.mark.parametrize(("column", "value", "shown"), [
    ("r2", np.nan, "nan"), ("r3", -1.0, "-1.0"), ("w", np.inf, "inf")])
def test_bad_replicate_weights_name_the_partition_and_row(column, value, shown):
    frame = small()
    frame.loc[4, column] = value
    with pytest.raises(WeightError, match=rf"column '{column}' has 1 missing, negative or "
                                          rf"infinite value\(s\): partition 3: row 1 "
                                          rf"\(value: {shown}\)"):
        build(frame)


def test_other_bad_columns_are_refused():
    with pytest.raises(MissingColumnError, match="r4"):
        build(small(), replicate_weights=["r1", "r4"])
    with pytest.raises(MissingColumnError, match="pattern"):
        build(small(), replicate_weights="^rep")
    with pytest.raises(WeightError, match="'r2' is (str|string|object)"):
        build(small(r2=list("xyzxyz")))
    with pytest.raises(WeightError, match="True/False"):
        build(small(r2=True))
    with pytest.raises(WeightError, match="every value of replicate weights column 'r3'"):
        build(small(r3=0.0))
    with pytest.raises(DesignError, match="both the weights and a replicate weight"):
        build(small(), replicate_weights=["w", "r1"])
    with pytest.raises(DesignError, match="needs rscales"):
        build(small(), method="jkn")
    with pytest.raises(DesignError, match="must be a Dask DataFrame"):
        PartitionedReplicateDesign(small(), "w", ["r1", "r2"], memory=ReplicateDesign)


def test_analysis_values_are_refused_or_left_out_as_in_memory():
    frame = small(y=[1.0, np.nan, 3.0, 4.0, 5.0, np.nan])
    des = build(frame)
    with pytest.raises(MissingValuesError, match="column 'y' has 2 missing value.*partition 1: "
                                                 "row 2"):
        des.mean("y")
    with pytest.raises(InfiniteValueError, match="partition 2: row 1"):
        build(small(y=[1.0, 2.0, np.inf, 4.0, 5.0, 6.0])).total("y")
    # missing values outside the subset are no matter, as in memory
    memory = build(frame).compute()
    assert_same(des.subset("g != 'b' & g != 'c'").mean("y"),
                memory.subset("g != 'b' & g != 'c'").mean("y"))
    with pytest.raises(MissingValuesError, match="partition 3: row 2"):
        des.subset("g == 'c'").mean("y")
    with pytest.raises(InMemoryOnlyError, match="defines the design"):
        des.mean("r1")
    with pytest.raises(EmptyDomainError, match="keeps no row"):
        des.subset("g == 'a' & y > 100")
    with pytest.raises(ExpressionError):
        des.subset("__import__('os')")
    with pytest.raises(ExpressionError):
        des.subset("zz > 1")
    with pytest.raises(EmptyDomainError, match="zero"):
        build(small(x=0.0)).ratio("y", "x")


@pytest.mark.parametrize("call", [
    lambda d: d.rake({"g": {"a": 1, "b": 1, "c": 1}}),
    lambda d: d.poststratify("g", {"a": 1, "b": 1, "c": 1}),
    lambda d: d.calibrate({"y": 10.0}),
    lambda d: d.trim(upper=2.0),
    lambda d: d.replicate("jk1"),
    lambda d: d.quantile("y", 0.5),
    lambda d: d.mean("y", deff=True),
    lambda d: d.subset(np.ones(6, dtype=bool)),
    lambda d: d.glm("y"),
])
def test_in_memory_features_are_refused_by_name(call):
    with pytest.raises(InMemoryOnlyError, match="compute|deff|text"):
        call(build(small()))


def test_weighting_steps_say_why():
    with pytest.raises(InMemoryOnlyError, match="weighting steps re-weight every replicate"):
        build(small()).rake({"g": {"a": 1, "b": 1, "c": 1}})
    with pytest.raises(AttributeError):
        build(small()).no_such_thing  # noqa: B018


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([0.0, 1e-12, 0.5, 1.0, 3.0, 1e12]), min_size=24, max_size=24),
       st.lists(st.sampled_from([np.nan, -1.0, 0.0, 2.5, 1e100, 1e-100]), min_size=6,
                max_size=6),
       st.sampled_from(["é", "", "1", "日本"]))
def test_hostile_weights_and_values_right_or_refused_as_in_memory(weights, values, label):
    """Zero, tiny and huge weights and values, empty domains: as in memory, or refused alike.

    (Beyond these ranges, weights times values past 1e300 are refused here, see below,
    where memory scales them by powers of two.)
    """
    frame = small(w=weights[:6], r1=weights[6:12], r2=weights[12:18], r3=weights[18:],
                  y=values, g=[label, "b", label, "b", "c", "c"])
    outcomes = []
    for data in (dd.from_pandas(frame, npartitions=3), frame):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                des = mp.ReplicateDesign(data, weights="w", replicate_weights=["r1", "r2", "r3"],
                                         method="jk1")
                outcomes.append(des.mean("y", by="g", na_rm=True))
        except MicropopError as err:
            outcomes.append(type(err))
    ours, memory = outcomes
    if isinstance(memory, type):
        assert ours is memory
        return
    assert list(ours.index) == list(memory.index)
    np.testing.assert_allclose(ours.estimate, memory.estimate, rtol=1e-9)
    # an SE of 0 (equal values) may come out as rounding noise at 1e-16 of the estimate
    size = np.maximum(memory.se, np.abs(memory.estimate))
    assert np.all(np.abs(ours.se - memory.se) <= 1e-9 * size + 1e-300)


def test_sums_beyond_double_precision_are_refused():
    with pytest.raises(InfiniteValueError, match="beyond double precision"):
        build(small(r1=1e300, y=1e200)).mean("y")
