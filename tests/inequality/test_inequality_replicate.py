"""Replicate-weight SEs of micropop.inequality (R ``withReplicates``/``svrVar``).

Every measure, recomputed with each replicate's weights by the library's
stacked segments, must equal the same measure computed on a design carrying
that replicate's weights as its full-sample weights, combined with the
design's own scale, rscales and mse; overall, by domain and on subsets.
The agreement with R's JK1 ``withReplicates`` on eusilc is in
``tests/golden/test_inequality_golden.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import micropop.inequality as ineq
import micropop.inequality._results as ineq_results
from micropop.design import ReplicateDesign, SurveyDesign
from micropop.variance.replicate import replicate_vcov

MEASURES = {
    "gini": lambda d, by: ineq.gini(d, "income", by=by),
    "lorenz": lambda d, by: ineq.lorenz(d, "income", shares=[0.2, 0.5, 0.9], by=by),
    "top_share": lambda d, by: ineq.top_share(d, "income", by=by),
    "arpt": lambda d, by: ineq.arpt(d, "income", by=by),
    "arpr": lambda d, by: ineq.arpr(d, "income", by=by),
    "rmpg": lambda d, by: ineq.rmpg(d, "income", by=by),
    "qsr": lambda d, by: ineq.qsr(d, "income", by=by),
    "poverty_rate": lambda d, by: ineq.poverty_rate(d, "income", line=800.0, by=by),
}


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    rng = np.random.default_rng(20261128)
    n = 300
    return pd.DataFrame({
        "income": np.round(rng.lognormal(7.0, 0.8, n), 2),
        "w": rng.uniform(50, 150, n),
        "region": rng.choice(["north", "south", "west"], n),
        "stratum": np.repeat(["a", "b"], n // 2),
        "cluster": np.arange(n) // 10,
    })


@pytest.fixture(scope="module")
def des(sample) -> SurveyDesign:
    return SurveyDesign(sample, weights="w", strata="stratum", psu="cluster")


def _by_hand(rep: ReplicateDesign, measure: str, by: str | None) -> np.ndarray:
    """The measure on each replicate's weights, with the design's variance."""
    frame = rep.data.copy()
    weights = rep.replicate_weights
    full = MEASURES[measure](SurveyDesign(frame.assign(w_=rep.weights), weights="w_"), by)
    thetas = np.array([
        MEASURES[measure](SurveyDesign(frame.assign(w_=weights[c].to_numpy()), weights="w_"),
                          by).estimate for c in weights.columns])
    return np.sqrt(np.diag(replicate_vcov(thetas, full.estimate, rep.scale, rep.rscales,
                                          rep.mse)))


@pytest.mark.parametrize("measure", sorted(MEASURES))
@pytest.mark.parametrize("by", [None, "region"])
def test_replicate_se_is_the_replicates_variance(des, measure, by):
    # jkn: per-replicate rscales (n_h - 1) / n_h, as R
    rep = des.replicate("jkn")
    est = MEASURES[measure](rep, by)
    linear = MEASURES[measure](des, by)
    np.testing.assert_allclose(est.estimate, linear.estimate, rtol=1e-12)
    np.testing.assert_allclose(est.se, _by_hand(rep, measure, by), rtol=1e-10)
    assert est.variance == "replicate weights (jkn)"
    assert est.to_frame().index.equals(linear.to_frame().index)


@pytest.mark.parametrize("measure", ["arpr", "rmpg", "lorenz", "qsr"])
def test_replicate_columns_with_mse_and_rscales(sample, measure):
    # replicate weights given as columns (R's svrepdesign), centred on the estimate
    rng = np.random.default_rng(7)
    reps = sample["w"].to_numpy()[:, None] * rng.poisson(1.0, (len(sample), 12))
    frame = sample.join(pd.DataFrame(reps, columns=[f"r{i}" for i in range(12)]))
    rep = ReplicateDesign(frame, weights="w", replicate_weights="r[0-9]+", method="other",
                          scale=0.09, rscales=np.linspace(0.5, 1.5, 12), mse=True)
    est = MEASURES[measure](rep, "region")
    np.testing.assert_allclose(est.se, _by_hand(rep, measure, "region"), rtol=1e-10)


def test_replicate_se_on_a_subset(des):
    rep = des.replicate("jkn").subset("region != 'west'")
    est = ineq.arpr(rep, "income", by="stratum")
    np.testing.assert_allclose(est.se, _by_hand(rep, "arpr", "stratum"), rtol=1e-10)


def test_bootstrap_replicates_agree_with_linearisation(des):
    rep = des.replicate("bootstrap", replicates=200, seed=1)
    for measure in ["gini", "top_share", "arpt", "arpr", "qsr", "rmpg", "lorenz"]:
        boot, linear = MEASURES[measure](rep, "region"), MEASURES[measure](des, "region")
        assert np.all(np.isfinite(boot.se)) and np.all(boot.se > 0), measure
        assert np.all(np.abs(np.log(boot.se / linear.se)) < np.log(2.5)), (
            measure, boot.se, linear.se)
        assert boot.variance == "replicate weights (bootstrap)"


def test_many_replicates_are_computed_in_blocks(des, monkeypatch):
    rep = des.replicate("bootstrap", replicates=50, seed=2)
    whole = ineq.rmpg(rep, "income", by="region").se
    monkeypatch.setattr(ineq_results, "_BLOCK", 1)  # one replicate per pass
    np.testing.assert_allclose(ineq.rmpg(rep, "income", by="region").se, whole, rtol=1e-12)
