"""Deriving designs (assign) and making replicate weights (brr, fay, bootstrap)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micropop.design import ReplicateDesign, SurveyDesign
from micropop.errors import DesignError, OptionError
from micropop.variance.replication import bootstrap_factors, factor_rank, hadamard


@pytest.fixture
def df() -> pd.DataFrame:
    """Three strata of two PSUs, two rows per PSU."""
    return pd.DataFrame({
        "y": [1.0, 2.0, 3.0, 4.0, 5.0, 7.0, 6.0, 9.0, 2.0, 8.0, 4.0, 3.0],
        "w": [10.0, 10.0, 12.0, 12.0, 20.0, 20.0, 25.0, 25.0, 5.0, 5.0, 8.0, 8.0],
        "stratum": list("aaaabbbbcccc"),
        "psu": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6],
        "N": [40] * 4 + [50] * 4 + [9] * 4,
        "g": list("xyxyxyxyxyxy"),
    }, index=[f"r{i}" for i in range(12)])


def design(df, **kwargs) -> SurveyDesign:
    return SurveyDesign(df, **{"weights": "w", "strata": "stratum", "psu": "psu", **kwargs})


# --- assign ---------------------------------------------------------------------


def test_assign_adds_columns_and_keeps_the_design(df):
    des = design(df, fpc="N")
    new = des.assign(y2=lambda d: d["y"] * 2, flag=(df["y"] > 4).to_numpy(), one=1.0)
    assert type(new) is SurveyDesign and new.degf == des.degf
    assert new.mean("y2").estimate[0] == pytest.approx(2 * des.mean("y").estimate[0])
    assert new.total("y2").se[0] == pytest.approx(2 * des.total("y").se[0])
    assert new.total("one").estimate[0] == pytest.approx(des.weights.sum())
    assert "y2" not in des.data  # the original design is untouched
    chained = des.assign(a=lambda d: d["y"] + 1, b=lambda d: d["a"] * 10)
    assert chained.data["b"].tolist() == ((df["y"] + 1) * 10).tolist()


def test_assign_on_a_subset_aligns_with_the_subset_rows(df):
    sub = design(df).subset("g == 'x'")
    new = sub.assign(z=np.arange(6.0), cat=pd.Categorical(list("pqpqpq")))
    assert new.data["z"].tolist() == list(range(6))
    assert isinstance(new.data["cat"].dtype, pd.CategoricalDtype)
    assert new.data.index.equals(sub.data.index) and new.degf == sub.degf
    # a Series is aligned on the index, as pandas does
    shuffled = pd.Series(np.arange(12.0), index=df.index)[::-1]
    assert design(df).assign(s=shuffled).data["s"].tolist() == list(range(12))
    assert sub.assign(s=shuffled).mean("s").estimate[0] == pytest.approx(
        design(df).assign(s=shuffled).mean("s", by="g").estimate[0])


def test_assign_on_replicate_designs(df):
    rep = design(df).replicate("brr")
    new = rep.assign(y2=lambda d: d["y"] ** 2)
    assert type(new) is ReplicateDesign and new.method == "brr"
    assert new.mean("y2").se[0] > 0
    assert new.replicate_weights.equals(rep.replicate_weights)


def test_assign_errors(df):
    des = design(df)
    with pytest.raises(DesignError, match="'w' defines the design"):
        des.assign(w=1.0)
    with pytest.raises(DesignError, match="'stratum' defines the design"):
        des.assign(stratum="a")
    with pytest.raises(DesignError, match="column 'z' has 3 values for 12 rows"):
        des.assign(z=[1.0, 2.0, 3.0])
    with pytest.raises(DesignError, match=r"no value for data rows 11 \(id r10\), 12 \(id r11\)"):
        des.assign(z=pd.Series(1.0, index=df.index[:10]))
    rep = ReplicateDesign(design(df).replicate("jkn").replicate_weights.join(df),
                          weights="w", replicate_weights="^jkn", method="jkn",
                          rscales=[0.5] * 6)
    with pytest.raises(DesignError, match="'jkn1' defines the design"):
        rep.assign(jkn1=0.0)


# --- replicate weights made from a design -----------------------------------------


def test_brr_balances_the_stratified_variance_of_totals(df):
    des = design(df)
    rep = des.replicate("brr")
    assert rep.method == "brr" and rep.replicate_weights.shape == (12, 4)
    assert rep.scale == pytest.approx(1 / 4)
    # full orthogonal balance: BRR reproduces the with-replacement variance of totals
    assert rep.total("y").se[0] == pytest.approx(des.total("y").se[0])
    fay = des.replicate("fay", fay_rho=0.5)
    assert fay.scale == pytest.approx(1 / (4 * 0.25))
    assert fay.total("y").se[0] == pytest.approx(des.total("y").se[0])
    assert set(np.unique(fay.replicate_weights.to_numpy() / df[["w"]].to_numpy())) == {0.5, 1.5}


def test_brr_errors_name_the_strata(df):
    uneven = design(df.assign(stratum=list("aaaaaabbbbbb")))
    with pytest.raises(DesignError, match=r"more than two PSUs in stratum 'a' \(3\), 'b' \(3\)"):
        uneven.replicate("brr")
    with pytest.raises(DesignError, match="fay_rho"):
        design(df).replicate("fay")
    with pytest.raises(DesignError, match="fay_rho goes with"):
        design(df).replicate("brr", fay_rho=0.5)
    with pytest.raises(OptionError, match="fay_rho=1.0 is out of range"):
        design(df).replicate("fay", fay_rho=1.0)
    with pytest.raises(DesignError, match="replicates= is for the bootstrap"):
        design(df).replicate("jkn", replicates=10)
    with pytest.warns(UserWarning, match="finite population correction is dropped"):
        design(df, fpc="N").replicate("brr")


def test_bootstrap_is_seeded_and_estimates_the_design_variance(df):
    des = design(df)
    boot = des.replicate("bootstrap", replicates=4000, seed=3)
    again = des.replicate("bootstrap", replicates=4000, seed=3)
    assert boot.replicate_weights.equals(again.replicate_weights)
    assert boot.mean("y").se[0] == pytest.approx(des.mean("y").se[0], rel=0.05)
    factors = boot.replicate_weights.to_numpy() / df[["w"]].to_numpy()
    per_stratum = factors[::2].reshape(3, 2, -1).sum(axis=1)  # n_h draws per stratum
    assert np.all(per_stratum == 2)
    rao_wu = des.replicate("subbootstrap", replicates=4000, seed=3)
    assert rao_wu.scale == pytest.approx(1 / 3999)
    assert rao_wu.mean("y").se[0] == pytest.approx(des.mean("y").se[0], rel=0.05)


def test_bootstrap_with_fpc_draws_without_replacement(df):
    des = design(df, fpc="N")
    boot = des.replicate("bootstrap", replicates=4000, seed=5)
    factors = boot.replicate_weights.to_numpy()[::2] / df["w"].to_numpy()[::2, None]
    assert np.all(factors.reshape(3, 2, -1).sum(axis=1) == 2)
    assert boot.mean("y").se[0] == pytest.approx(des.mean("y").se[0], rel=0.06)
    census = design(df.assign(N=[40] * 4 + [50] * 4 + [2] * 4), fpc="N")
    factors = census.replicate("bootstrap", replicates=50, seed=1).replicate_weights
    assert np.all(factors.to_numpy()[8:] == df["w"].to_numpy()[8:, None])  # no variance


def test_bootstrap_errors(df):
    lonely = design(df.assign(stratum=list("aaaabbbbbbcc"), psu=[1, 1, 2, 2, 3, 3, 4, 4, 5,
                                                                  5, 6, 6]))
    with pytest.raises(DesignError, match="stratum 'c' has only one PSU"):
        lonely.replicate("bootstrap")
    with pytest.raises(OptionError, match="replicates=1"):
        design(df).replicate("bootstrap", replicates=1)


def test_replicates_are_stored_per_psu(df):
    rep = design(df).replicate("bootstrap", replicates=30, seed=1)
    assert rep._replicates.shape == (6, 30)  # PSUs, not rows
    sub = design(df).subset("g == 'x'").replicate("bootstrap", replicates=30, seed=1)
    assert len(sub.data) == 6 and sub.replicate_weights.shape == (6, 30)


def test_replicate_degf_is_the_rank_of_the_factors(df):
    assert design(df).replicate("brr").degf == 3  # four replicates, rank 4
    assert design(df).replicate("jkn").degf == 3  # each pair of columns sums to 2
    # n_h draws per stratum: the two factors of a pair sum to 2, as in R
    assert design(df).replicate("bootstrap", replicates=50, seed=1).degf == 3
    assert factor_rank(np.ones((10, 3))) == 1
    assert factor_rank(np.zeros((0, 3))) == 0


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(2, 6), min_size=1, max_size=6), st.integers(0, 2**32 - 1))
def test_bootstrap_draws_n_h_per_stratum(sizes, seed):
    from micropop.variance.linearization import Stage
    strata = np.repeat(np.arange(len(sizes)), sizes)
    stage = Stage.build(strata, np.arange(len(strata)), None, [str(h) for h in range(len(sizes))])
    counts, rscales, scale = bootstrap_factors(stage, 7, np.random.default_rng(seed))
    sums = np.add.reduceat(counts, np.cumsum([0, *sizes[:-1]]), axis=0)
    assert np.all(sums == np.array(sizes)[:, None]) and scale > 0
    popsize = np.array(sizes) * 3.5
    stage = stage.with_popsize(popsize)
    counts, _, _ = bootstrap_factors(stage, 7, np.random.default_rng(seed))
    sums = np.add.reduceat(counts, np.cumsum([0, *sizes[:-1]]), axis=0)
    assert np.all(sums == np.array(sizes)[:, None]) and counts.max() <= 4


def test_hadamard_rows_are_orthogonal():
    for n in (3, 7, 15, 27, 30, 35, 60, 100):
        h = 2.0 * hadamard(n) - 1
        assert h.shape[0] > n
        assert np.allclose(h @ h.T, h.shape[0] * np.eye(h.shape[0]))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_brr_total_variance_is_the_stratified_one(n_strata, seed):
    """Full orthogonal balance: for totals, BRR equals the linearised variance."""
    rng = np.random.default_rng(seed)
    rows = 4 * n_strata
    df = pd.DataFrame({"stratum": np.repeat(np.arange(n_strata), 4),
                       "psu": np.repeat(np.arange(2 * n_strata), 2),
                       "w": rng.uniform(1, 9, rows), "y": rng.normal(size=rows)})
    des = SurveyDesign(df, weights="w", strata="stratum", psu="psu")
    assert des.replicate("brr").total("y").se[0] == pytest.approx(des.total("y").se[0])
    fay = des.replicate("fay", fay_rho=0.3)
    assert fay.total("y").se[0] == pytest.approx(des.total("y").se[0])
