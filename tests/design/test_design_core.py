"""The design core's internal API (micropop.design._core): the seam every layer reads a
design through, and that a partitioned engine (Dask) would implement a second time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from micropop.design import ReplicateDesign, SurveyDesign
from micropop.variance.linearization import UnitTotals


@pytest.fixture
def sample() -> pd.DataFrame:
    rng = np.random.default_rng(12)
    n = 400
    psu = rng.integers(0, 40, n)
    psu[:40] = np.arange(40)
    return pd.DataFrame({"y": rng.lognormal(3, 1, n), "g": rng.integers(0, 3, n),
                         "w": rng.uniform(1, 5, n), "psu": psu, "h": psu % 4,
                         "fpc": 30.0})


def test_unit_sums_of_partitions_add_up_to_the_whole_variance(sample):
    des = SurveyDesign(sample, weights="w", strata="h", psu="psu", fpc="fpc")
    values = (des.full_weights * sample["y"].to_numpy())[:, None]
    row_domain, n_domains = sample["g"].to_numpy().astype(np.intp), 3
    whole = des.linearized_vcov(values, row_domain, n_domains)
    # two partitions of the rows: each sums its own rows per unit, then the tables add
    first = np.arange(len(sample)) < 150
    parts = [des.unit_totals(np.where(rows[:, None], values, 0.0),
                             np.where(rows, row_domain, -1), n_domains)
             for rows in (first, ~first)]
    reduced = [UnitTotals(a.totals + b.totals, a.held | b.held)
               for a, b in zip(*parts, strict=True)]
    np.testing.assert_allclose(des.vcov_from_totals(reduced, n_domains), whole, rtol=1e-12)
    assert des.degf == des.n_psu - des.n_strata
    counted = [float(sample.loc[sample["g"] == k, "psu"].nunique()
                     - sample.loc[sample["g"] == k, "h"].nunique()) for k in range(3)]
    assert des.domain_degf(row_domain, n_domains).tolist() == counted


def test_replicate_weights_are_materialised_in_one_place(sample):
    des = SurveyDesign(sample, weights="w", strata="h", psu="psu")
    rep = des.replicate("jkn")
    assert rep.is_replicate and not des.is_replicate
    assert rep.replicates_per_row is None  # held per PSU: weights times factors
    full = rep.weight_matrix(full_sample=True)
    assert full.shape == (len(sample), 1 + rep.n_replicates)
    np.testing.assert_array_equal(full[:, 0], des.full_weights)
    np.testing.assert_array_equal(full[:, 1:], rep.replicate_weights.to_numpy())
    rows, cols = np.array([5, 0, 399]), np.array([3, 1])
    np.testing.assert_array_equal(rep.weight_matrix(rows, cols), full[np.ix_(rows, cols + 1)])
    assert des.weight_matrix().shape == (len(sample), 0)


def test_replicate_sums_are_the_same_per_psu_and_per_row(sample):
    rep = SurveyDesign(sample, weights="w", strata="h", psu="psu").replicate("jkn")
    shipped = ReplicateDesign(
        sample.join(rep.replicate_weights.set_axis(rep.replicate_names, axis=1)),
        weights="w", replicate_weights=list(rep.replicate_names), method="jkn",
        rscales=rep.rscales)
    values = sample[["y"]].to_numpy()
    row_domain = sample["g"].to_numpy().astype(np.intp)
    np.testing.assert_allclose(shipped.replicate_sums(values, row_domain, 3),
                               rep.replicate_sums(values, row_domain, 3), rtol=1e-12)
    thetas = rep.replicate_sums(values)
    estimate = np.array([float(rep.full_weights @ values[:, 0])])
    np.testing.assert_allclose(rep.replicate_vcov(thetas, estimate),
                               shipped.replicate_vcov(thetas, estimate))
    with pytest.raises(TypeError, match="replicate weights"):
        rep.linearized_vcov(values)
    with pytest.raises(TypeError, match="no replicate weights"):
        SurveyDesign(sample, weights="w").replicate_sums(values)


def test_with_weights_keeps_rows_outside_the_subset_and_records_the_step(sample):
    des = SurveyDesign(sample, weights="w", psu="psu").subset("g == 1")

    class Step:
        method, projection = "test", None

    doubled = des.with_weights(des.weight_matrix(full_sample=True) * 2, Step())
    inside = des.rows
    np.testing.assert_array_equal(doubled.full_weights[inside], 2 * des.full_weights[inside])
    np.testing.assert_array_equal(doubled.full_weights[~inside], des.full_weights[~inside])
    assert doubled.weighting_steps[-1].method == "test"
    assert doubled.calibration_projections == ()
    assert not doubled.full_weights.flags.writeable
