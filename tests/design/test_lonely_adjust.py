"""lonely_psu="adjust" (survey >= 4.4) against its formula on generated designs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micropop.design import SurveyDesign
from micropop.errors import DesignError


@st.composite
def stratified(draw):
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=6))
    strata = np.repeat(np.arange(len(sizes)), sizes)
    n = len(strata)
    y = draw(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=n, max_size=n))
    w = draw(st.lists(st.floats(0.5, 50.0), min_size=n, max_size=n))
    return pd.DataFrame({"h": strata, "y": y, "w": w})


@settings(max_examples=60, deadline=None)
@given(stratified())
def test_total_variance_is_the_formula(df):
    t = (df["w"] * df["y"]).to_numpy()
    centre = t.sum() / len(t)  # every row is a PSU
    expected = 0.0
    for _, rows in df.groupby("h"):
        u = t[rows.index]
        expected += (u[0] - centre) ** 2 if len(u) == 1 else (
            len(u) / (len(u) - 1) * np.sum((u - u.mean()) ** 2))
    des = SurveyDesign(df, weights="w", strata="h", lonely_psu="adjust")
    assert float(des.total("y").se[0] ** 2) == pytest.approx(expected, rel=1e-9, abs=1e-6)
    legacy = SurveyDesign(df, weights="w", strata="h", lonely_psu="adjust_legacy")
    np.testing.assert_allclose(des.mean("y").se, legacy.mean("y").se, rtol=1e-7, atol=1e-9)


@given(st.text(max_size=20))
def test_unknown_policy_is_refused_by_name(policy):
    df = pd.DataFrame({"h": [1, 1, 2], "w": 1.0})
    if policy in ("fail", "remove", "certainty", "adjust", "average", "adjust_legacy"):
        return
    with pytest.raises(DesignError, match="lonely_psu=.*adjust_legacy"):
        SurveyDesign(df, weights="w", strata="h", lonely_psu=policy)
