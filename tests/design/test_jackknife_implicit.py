"""Jackknife factors held implicitly (issue #16): the same numbers as the dense
matrix, in O(rows + PSUs) memory."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micropop.design import SurveyDesign
from micropop.design.jackknife import JackknifeFactors, jackknife_factors
from micropop.variance.linearization import Stage
from micropop.variance.replication import jk1_factors, jkn_factors

POLICIES = ("fail", "adjust", "adjust_legacy", "average", "remove", "certainty")


@st.composite
def stages(draw: st.DrawFn) -> tuple[Stage, np.ndarray]:
    """A first stage of 1-6 strata of 1-5 PSUs (some sampled in full), and totals."""
    sizes = draw(st.lists(st.integers(1, 5), min_size=1, max_size=6))
    if sum(sizes) < 2:
        sizes = [2]
    strata = np.repeat(np.arange(len(sizes)), sizes)
    order = draw(st.permutations(range(len(strata))))  # PSUs in any order
    strata = strata[np.array(order, dtype=np.intp)]
    full = draw(st.lists(st.booleans(), min_size=len(sizes), max_size=len(sizes)))
    finite = draw(st.booleans())
    popsize = None
    if finite:
        counts = np.bincount(strata, minlength=len(sizes))
        extra = np.array([0 if f else 7 for f in full])
        popsize = (counts + extra)[strata].astype(float)
    stage = Stage.build(strata, np.arange(len(strata)), popsize,
                        [f"s{h}" for h in range(len(sizes))])
    columns = draw(st.integers(1, 3))
    values = draw(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=len(strata) * columns,
                           max_size=len(strata) * columns))
    return stage, np.array(values).reshape(len(strata), columns)


def _jkn(stage: Stage, policy: str) -> tuple | None:
    try:
        return jackknife_factors(stage, policy), jkn_factors(stage, policy)
    except Exception as err:  # both refuse alike: checked below
        with pytest.raises(type(err)):
            jkn_factors(stage, policy)
        return None


@settings(max_examples=150, deadline=None)
@given(stages(), st.sampled_from(POLICIES))
def test_implicit_jkn_factors_agree_with_the_dense_matrix(case, policy):
    stage, totals = case
    made = _jkn(stage, policy)
    if made is None:
        return
    (implicit, rscales, scale), (dense, dense_rscales, dense_scale) = made
    assert implicit.shape == dense.shape
    np.testing.assert_array_equal(implicit.dense(), dense)
    np.testing.assert_array_equal(rscales, dense_rscales)
    assert scale == dense_scale
    np.testing.assert_allclose(implicit.sums(totals), dense.T @ totals,
                               rtol=1e-12, atol=1e-9 * max(1.0, np.abs(totals).sum()))
    units = np.array([0, len(dense) - 1, 0])
    reps = np.arange(dense.shape[1])[::-1]
    np.testing.assert_array_equal(implicit[np.ix_(units, reps)], dense[np.ix_(units, reps)])
    held = np.arange(len(dense)) % 2 == 0
    np.testing.assert_array_equal(implicit[held], dense[held])


@settings(max_examples=50, deadline=None)
@given(st.integers(2, 30), st.integers(0, 2**32 - 1))
def test_implicit_jk1_factors_agree_with_the_dense_matrix(n, seed):
    stage = Stage.build(np.zeros(n, dtype=np.intp), np.arange(n), None, ["all"])
    implicit, rscales, scale = jackknife_factors(stage, None)
    dense, _, dense_scale = jk1_factors(stage)
    np.testing.assert_array_equal(implicit.dense(), dense)
    assert scale == dense_scale and rscales.tolist() == [1.0] * n
    totals = np.random.default_rng(seed).normal(size=(n, 2))
    np.testing.assert_allclose(implicit.sums(totals), dense.T @ totals, rtol=1e-12, atol=1e-12)


@st.composite
def surveys(draw: st.DrawFn) -> pd.DataFrame:
    """Every PSU holds rows of every domain and both flags (no replicate empties one)."""
    n_psu = draw(st.integers(4, 12))
    extra = draw(st.integers(0, 30))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    psu = np.concatenate([np.repeat(np.arange(n_psu), 6), rng.integers(0, n_psu, extra)])
    rows = len(psu)
    return pd.DataFrame({
        "psu": psu, "stratum": psu % draw(st.integers(1, 3)),
        "w": rng.uniform(0.5, 20.0, rows), "y": rng.normal(10.0, 3.0, rows),
        "x": rng.uniform(1.0, 5.0, rows), "flag": np.arange(rows) % 2 == 0,
        "g": np.array(list("abc"))[(np.arange(rows) // 2) % 3],
    })


def _dense_copy(rep):
    """The same replicate design with its replicate weights held per row (dense)."""
    return rep._replace(_replicates=np.ascontiguousarray(rep.weight_matrix()), _unit=None)


@settings(max_examples=40, deadline=None)
@given(surveys(), st.sampled_from(["jk1", "jkn"]), st.booleans())
def test_estimates_on_implicit_factors_match_dense_replicate_weights(df, method, mse):
    strata = None if method == "jk1" else "stratum"
    des = SurveyDesign(df, weights="w", psu="psu", strata=strata, lonely_psu="adjust")
    rep = des.replicate(method, mse=mse)
    assert isinstance(rep._replicates, JackknifeFactors)
    dense = _dense_copy(rep)
    for implicit_est, dense_est in [
        (rep.total("y"), dense.total("y")),
        (rep.mean(["y", "x"], by="g"), dense.mean(["y", "x"], by="g")),
        (rep.ratio("y", "x"), dense.ratio("y", "x")),
        (rep.proportion("flag"), dense.proportion("flag")),
    ]:
        np.testing.assert_allclose(implicit_est.estimate, dense_est.estimate, rtol=1e-12)
        np.testing.assert_allclose(implicit_est.se, dense_est.se, rtol=1e-9, atol=1e-12)
    assert rep.degf == dense.degf
    sub = rep.subset(df["g"].to_numpy() == "a")
    np.testing.assert_allclose(sub.mean("y").se, _dense_copy(sub).mean("y").se, rtol=1e-9)


def test_jk1_on_20000_psus_allocates_no_psu_by_psu_matrix():
    n_psu, rows = 20_000, 200_000
    rng = np.random.default_rng(16)
    df = pd.DataFrame({"psu": rng.integers(0, n_psu, rows), "w": rng.uniform(1, 3, rows),
                       "y": rng.normal(size=rows)})
    df.loc[:n_psu - 1, "psu"] = np.arange(n_psu)  # every PSU sampled
    des = SurveyDesign(df, weights="w", psu="psu")
    tracemalloc.start()
    try:
        rep = des.replicate("jk1")
        est = rep.mean("y", by=None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    dense_bytes = n_psu * n_psu * 8  # 3.2 GB
    assert peak < dense_bytes / 50, peak  # well under: a few arrays of rows and PSUs
    assert rep.n_replicates == n_psu and rep.degf == n_psu - 1
    assert np.isfinite(est.se[0]) and est.se[0] > 0
    lin = des.mean("y")
    assert est.se[0] == pytest.approx(lin.se[0], rel=1e-4)  # JK1 of a mean: near the linearised SE
