"""Bad inputs to replicate designs: refused by name, or right (issue #11)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from micropop.design import ReplicateDesign, SurveyDesign
from micropop.errors import DesignError, EmptyDomainError, MicropopError, OptionError, WeightError
from support.hostile import design_frames, every_estimator_right_or_refused, weights

FAST = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture
def df() -> pd.DataFrame:
    return pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 6], "w": 2.0,
                         "r1": [0.0, 3, 3, 3, 3, 3], "r2": [3.0, 0, 3, 3, 3, 3],
                         "r3": [3.0, 3, 0, 3, 3, 3], "g": list("aabbcc")})


def build(df, **kwargs) -> ReplicateDesign:
    return ReplicateDesign(df, **{"weights": "w", "replicate_weights": "r[0-9]",
                                  "method": "jk1", **kwargs})


def test_a_single_replicate_column_is_refused(df):
    # the jackknife scale (R - 1) / R was 0, the bootstrap's 1 / (R - 1) a division by zero
    with pytest.raises(DesignError, match=r"single replicate weight column \('r1'\)"):
        build(df, replicate_weights=["r1"])


def test_a_replicate_column_of_zeros_is_refused(df):
    with pytest.raises(WeightError, match="every value of replicate weights column 'r3'"):
        build(df.assign(r3=0.0))


@pytest.mark.parametrize("bad, what", [(np.nan, "missing"), (-1.0, "negative"),
                                       (np.inf, "infinite")])
def test_bad_replicate_weights_name_the_data_row(df, bad, what):
    with pytest.raises(WeightError, match=f"'r2' has {what}.*data row 3"):
        build(df.assign(r2=[3.0, 0, bad, 3, 3, 3]))


@pytest.mark.parametrize("rscales", [[1, np.nan, 1], [1, -1, 1], [1, "a", 1], [0, 0, 0],
                                     [1, 1], "abc", 5])
def test_bad_rscales_are_refused(df, rscales):
    with pytest.raises((OptionError, DesignError), match="rscale"):
        build(df, method="other", scale=1.0, rscales=rscales)


@pytest.mark.parametrize("scale", [np.nan, -1.0, 0.0, np.inf, "1", True])
def test_bad_scales_are_refused(df, scale):
    with pytest.raises(OptionError, match="scale="):
        build(df, method="other", scale=scale)


@pytest.mark.parametrize("rho", [np.nan, 1.0, -0.1, "0.5"])
def test_bad_fay_rho_is_refused(df, rho):
    with pytest.raises(OptionError, match="fay_rho="):
        build(df, method="fay", fay_rho=rho)


def test_weights_among_the_replicates_and_bad_patterns_are_refused(df):
    with pytest.raises(DesignError, match="both the weights and a replicate"):
        build(df, replicate_weights=["w", "r1", "r2"])
    with pytest.raises(OptionError, match="regular expression"):
        build(df, replicate_weights="r[")


@pytest.fixture
def des() -> SurveyDesign:
    return SurveyDesign(pd.DataFrame({"y": np.arange(8.0), "w": 1.0, "g": list("aabbccdd"),
                                      "h": list("xxxxyyyy")}), weights="w")


@pytest.mark.parametrize("replicates", [2.5, 1, 0, -3, np.nan, "50", True, 10**9])
def test_bad_numbers_of_replicates_are_refused(des, replicates):
    # 2.5 was truncated to 2 replicates
    with pytest.raises(OptionError, match="replicates="):
        des.replicate("bootstrap", replicates=replicates, seed=1)


@pytest.mark.parametrize("seed", [-1, 1.5, "a"])
def test_bad_seeds_are_refused(des, seed):
    with pytest.raises(OptionError, match="seed="):
        des.replicate("bootstrap", replicates=10, seed=seed)


def test_a_domain_without_weight_in_a_replicate_is_refused_naming_it(des):
    jk1 = des.replicate("jk1")  # the domain of one row vanishes when its PSU is dropped
    alone = jk1.assign(d=np.where(np.arange(8) == 0, "alone", "crowd"))
    with pytest.raises(EmptyDomainError, match=r"'alone' has no weight under replicate 1 "
                                               r"\('jk11'\)"):
        alone.mean("y", by="d")


def test_replicate_estimates_match_linearised_ones_for_jk1_means(des):
    linear = des.mean("y")
    jk1 = des.replicate("jk1").mean("y")
    assert jk1.estimate[0] == linear.estimate[0]
    assert jk1.se[0] == pytest.approx(linear.se[0], rel=1e-12)  # both s / sqrt(n)


@FAST
@given(design_frames(value_inf=True, extremes=True), st.sampled_from(["jkn", "bootstrap"]),
       st.data())
def test_every_estimator_on_replicate_designs_is_right_or_refused(frame, method, data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            design = SurveyDesign(frame.data, **frame.design_kwargs, lonely_psu="adjust")
            rep = design.replicate(method, **({"replicates": 20, "seed": 1}
                                              if method == "bootstrap" else {}))
        except MicropopError:
            return
    every_estimator_right_or_refused(rep, data.draw)


@FAST
@given(st.lists(st.lists(st.one_of(weights(), st.sampled_from([np.nan, -1.0, np.inf])),
                         min_size=4, max_size=4), min_size=2, max_size=5))
def test_any_shipped_replicates_give_a_design_or_a_named_refusal(columns):
    frame = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": 1.0,
                          **{f"rep{r}": values for r, values in enumerate(columns)}})
    try:
        rep = ReplicateDesign(frame, weights="w", replicate_weights="rep[0-9]",
                              method="bootstrap")
    except WeightError as err:
        assert "data row" in str(err) or "every value" in str(err)
        return
    replicates = np.array(columns, dtype=float).T
    assert np.isfinite(replicates).all() and (replicates >= 0).all()
    assert (replicates.max(axis=0) > 0).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            est = rep.total("y")
        except MicropopError:
            return
    assert np.isfinite(est.estimate).all() and np.isfinite(est.se).all()
