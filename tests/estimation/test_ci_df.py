"""Degrees of freedom of intervals: Estimate.ci(df=) as R's confint(df=), the df shown
by to_frame() for intervals computed per domain, and ci="logit" on replicates."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from micropop.design import SurveyDesign
from micropop.errors import DegenerateReplicateError, InfiniteValueError, OptionError
from micropop.estimation._analysis import domain_degf, prepare
from support.golden import RTOL, fixture
from support.paths import REFERENCE

GOLDEN = json.loads((REFERENCE / "golden_ci_df.json").read_text())


def clus1() -> SurveyDesign:
    return SurveyDesign(fixture("apiclus1"), weights="pw", psu="dnum", fpc="fpc")


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=lambda case: case["id"])
def test_ci_df_matches_r_confint(case):
    est = getattr(clus1(), case["fun"])("api00", by=case["by"])
    ci = est.ci(level=case["level"], df=case["df"])
    np.testing.assert_allclose(ci["ci_low"], case["ci_low"], rtol=RTOL)
    np.testing.assert_allclose(ci["ci_high"], case["ci_high"], rtol=RTOL)


def test_ci_df_per_estimate_and_infinite_is_normal():
    est = clus1().mean("api00", by="stype")
    per = est.ci(df=[2, 5, np.inf])
    half = stats.t.ppf(0.975, [2, 5, np.inf]) * est.se
    np.testing.assert_allclose(per["ci_high"] - est.estimate, half, rtol=1e-12)
    pd.testing.assert_frame_equal(est.ci(df=np.inf), est.ci())


@given(st.one_of(st.text(max_size=5), st.floats(allow_nan=True), st.just(-1),
                 st.lists(st.floats(0.5, 9), min_size=2, max_size=2), st.just(0)))
def test_bad_df_is_refused_by_name(df):
    est = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 4.0], "w": 1.0}), weights="w").mean("y")
    if isinstance(df, float) and df > 0:
        try:
            assert np.isfinite(est.ci(df=df).to_numpy()).all()
        except (OptionError, InfiniteValueError) as err:  # a df so small t is inf or huge
            assert df < 1e-3 and ("df=" in str(err) or "double precision" in str(err)), err
        return
    with pytest.raises(OptionError, match="df"):
        est.ci(df=df)


def test_stored_interval_refuses_df():
    est = clus1().proportion("sch.wide", category="Yes")
    with pytest.raises(OptionError, match="(?i)ask the estimator for df="):
        est.ci(df=3)


@pytest.mark.parametrize("ci", ["logit", "mean", "beta", "xlogit"])
def test_proportion_to_frame_shows_the_domain_df_it_used(ci):
    des = clus1()
    est = des.proportion("sch.wide", category="Yes", by="stype", ci=ci)
    frame = est.to_frame()
    dof = domain_degf(prepare(des, ["api00"], "stype", False))
    assert frame["df"].tolist() == dof.astype(int).tolist() == [14, 7, 11]
    assert est.df == 14  # the design's
    if ci == "mean":  # the interval is p +/- t_{df_k} se
        half = stats.t.ppf(0.975, dof) * est.se
        np.testing.assert_allclose(frame["ci_high"] - est.estimate, half, rtol=1e-12)


def test_proportion_df_argument_is_shown():
    est = clus1().proportion("sch.wide", category="Yes", by="stype", df=np.inf)
    assert np.isinf(est.to_frame()["df"]).all()


def test_quantile_to_frame_shows_the_domain_df():
    assert clus1().quantile("api00", 0.5, by="stype").to_frame()["df"].tolist() == [14, 7, 11]


def test_logit_on_replicates_refuses_a_degenerate_replicate_by_name():
    """Dropping PSU 2 leaves domain b with successes only: its replicate logit is infinite."""
    df = pd.DataFrame({"psu": [1, 2, 3, 4, 5, 6], "g": list("bbaaaa"),
                       "y": [1, 0, 1, 0, 1, 0], "w": 1.0})
    rep = SurveyDesign(df, weights="w", psu="psu").replicate("jk1")
    with pytest.raises(DegenerateReplicateError, match=r"'b'.*replicate\(s\) 1, 2.*xlogit"):
        rep.proportion("y", by="g", ci="logit")
    assert np.isfinite(rep.proportion("y", by="g", ci="xlogit").ci().to_numpy()).all()


def test_a_df_so_small_that_t_is_infinite_is_refused_by_name():
    est = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 4.0], "w": 1.0}), weights="w").mean("y")
    with pytest.raises(OptionError, match=r"df=2\.225073858507203e-309 is too small"):
        est.ci(df=2.225073858507203e-309)
