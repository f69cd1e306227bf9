"""SurveyDesign: construction, encoding, immutability and every bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from micropop.design import ReplicateDesign, SurveyDesign
from micropop.errors import (
    DesignError,
    EmptyDomainError,
    LonelyPSUError,
    MicropopError,
    MissingColumnError,
    WeightError,
)


@pytest.fixture
def df() -> pd.DataFrame:
    """Two strata, four PSUs, two rows per PSU."""
    return pd.DataFrame({
        "y": [1.0, 2.0, 3.0, 4.0, 5.0, 7.0, 6.0, 9.0],
        "w": [10.0, 10.0, 12.0, 12.0, 20.0, 20.0, 25.0, 25.0],
        "stratum": ["a", "a", "a", "a", "b", "b", "b", "b"],
        "psu": [1, 1, 2, 2, 3, 3, 4, 4],
        "N": [40, 40, 40, 40, 50, 50, 50, 50],
    }, index=[f"r{i}" for i in range(8)])


def design(df, **kwargs) -> SurveyDesign:
    return SurveyDesign(df, **{"weights": "w", "strata": "stratum", "psu": "psu", **kwargs})


# --- construction -------------------------------------------------------------


def test_counts_and_degf(df):
    des = design(df)
    assert (des.n_psu, des.n_strata, des.n_stages, des.degf) == (4, 2, 1, 2)
    assert "4 PSUs" in repr(des) and "2 strata" in repr(des)


def test_weights_series_aligned_with_data(df):
    des = design(df)
    assert des.weights.index.equals(df.index)
    assert des.weights.tolist() == df["w"].tolist()


def test_data_is_copied(df):
    des = design(df)
    df.loc["r0", "y"] = 1000.0
    assert des.data.loc["r0", "y"] == 1.0
    view = des.data
    view.loc["r0", "y"] = 2000.0
    assert des.data.loc["r0", "y"] == 1.0


def test_design_is_immutable(df):
    des = design(df)
    with pytest.raises(AttributeError):
        des.lonely_psu = "remove"
    with pytest.raises(ValueError):
        des._weights[0] = 3.0


def test_probs_are_inverted(df):
    des = SurveyDesign(df.assign(p=1 / df["w"]), probs="p", strata="stratum", psu="psu")
    np.testing.assert_allclose(des.weights, df["w"])


def test_weights_from_fpc_counts_and_fractions(df):
    # stratum a: 2 PSUs of 40, stratum b: 2 of 50
    counts = SurveyDesign(df, strata="stratum", psu="psu", fpc="N")
    fractions = SurveyDesign(df.assign(f=2 / df["N"]), strata="stratum", psu="psu", fpc="f")
    assert counts.weights.tolist() == [20.0] * 4 + [25.0] * 4
    np.testing.assert_allclose(fractions.weights, counts.weights)
    np.testing.assert_allclose(fractions.total("y").se, counts.total("y").se)


def test_equal_weights_warn_as_r(df):
    with pytest.warns(UserWarning, match="equal probability"):
        des = SurveyDesign(df)
    assert (des.weights == 1).all()


def test_zero_weights_are_allowed_and_drop_from_degf(df):
    des = design(df.assign(w=df["w"].where(df["psu"] != 4, 0.0)))
    assert des.degf == 1
    assert np.isfinite(des.mean("y").se).all()


def test_nest_relabels_psus_within_strata(df):
    shared = df.assign(psu=[1, 1, 2, 2, 1, 1, 2, 2])
    with pytest.raises(DesignError, match="nest=True"):
        design(shared)
    nested = design(shared, nest=True)
    assert nested.n_psu == 4
    np.testing.assert_allclose(nested.mean("y").vcov, design(df).mean("y").vcov)


def test_two_stage_units_nested_in_first_stage(df):
    # second-stage ids repeat across PSUs: they are read within their PSU
    two = df.assign(ssu=[1, 2, 1, 2, 1, 2, 1, 2], N2=5)
    des = SurveyDesign(two, strata="stratum", psu=["psu", "ssu"], fpc=["N", "N2"])
    assert des.n_stages == 2 and des.n_psu == 4
    assert des.weights.tolist() == [20.0 * 2.5] * 4 + [25.0 * 2.5] * 4


def test_ultimate_cluster_ignores_later_stages(df):
    two = df.assign(ssu=[1, 2, 1, 2, 1, 2, 1, 2], N2=5)
    full = SurveyDesign(two, strata="stratum", psu=["psu", "ssu"], fpc=["N", "N2"])
    uc = SurveyDesign(two, strata="stratum", psu=["psu", "ssu"], fpc=["N", "N2"],
                      ultimate_cluster=True)
    assert uc.total("y").se[0] < full.total("y").se[0]


# --- subset ------------------------------------------------------------------


def test_subset_by_query_and_mask_agree(df):
    des = design(df)
    by_query = des.subset("y > 2")
    by_mask = des.subset(df["y"] > 2)
    assert len(by_query.data) == 6 and by_query.weights.index.equals(by_query.data.index)
    np.testing.assert_allclose(by_query.mean("y").vcov, by_mask.mean("y").vcov)
    assert len(des.data) == 8  # the original is untouched


def test_subset_of_subset(df):
    des = design(df).subset("y > 2").subset(np.array([True, False, True, True, True, True]))
    assert des.data["y"].tolist() == [3.0, 5.0, 7.0, 6.0, 9.0]


def test_subset_errors(df):
    with pytest.raises(EmptyDomainError, match="y > 100"):
        design(df).subset("y > 100")
    with pytest.raises(DesignError, match="True/False"):
        design(df).subset(df["y"])
    with pytest.raises(DesignError, match="8 True/False"):
        design(df).subset(np.array([True, False]))


# --- bad input ----------------------------------------------------------------


@pytest.mark.parametrize("value, what", [(np.nan, "missing"), (-1.0, "negative"),
                                         (np.inf, "infinite"), ("x", "missing or non-numeric")])
def test_bad_weights(df, value, what):
    bad = df.astype({"w": object})
    bad.loc["r3", "w"] = value
    with pytest.raises(WeightError) as info:
        design(bad)
    text = str(info.value)
    assert what in text and "'w'" in text and "r3" in text and "zero weights" in text


@pytest.mark.parametrize("column, role", [("stratum", "strata"), ("psu", "psu")])
def test_missing_strata_or_psu(df, column, role):
    bad = df.astype({column: object})
    bad.loc["r5", column] = None
    with pytest.raises(DesignError, match=rf"{role} column '{column}' .* r5"):
        design(bad)


def test_missing_column(df):
    with pytest.raises(MissingColumnError, match="'weight'"):
        SurveyDesign(df, weights="weight")


def test_fpc_smaller_than_sample(df):
    with pytest.raises(DesignError, match=r"'N' is smaller .* 'b' \(fpc 1, 2 sampled\)"):
        design(df.assign(N=[40] * 4 + [1] * 4), fpc="N")


def test_fpc_varying_within_stratum(df):
    with pytest.raises(DesignError, match="varies within stratum 'a'"):
        design(df.assign(N=[40, 40, 41, 41, 50, 50, 50, 50]), fpc="N")


def test_fpc_mixing_fractions_and_counts(df):
    with pytest.raises(DesignError, match="mix"):
        design(df.assign(N=[0.5] * 4 + [50] * 4), fpc="N")


def test_fpc_missing_value(df):
    with pytest.raises(DesignError, match="'N' has missing"):
        design(df.assign(N=[40.0] * 7 + [np.nan]), fpc="N")


def test_argument_shapes(df):
    with pytest.raises(DesignError, match="one fpc column per psu"):
        design(df, fpc=["N", "N"])
    with pytest.raises(DesignError, match="both weights and probs"):
        SurveyDesign(df, weights="w", probs="w")
    with pytest.raises(DesignError, match="not a policy"):
        design(df, lonely_psu="drop")
    with pytest.raises(DesignError, match="DataFrame"):
        SurveyDesign(df.to_dict(), weights="w")


def test_single_psu_design(df):
    with pytest.raises(DesignError, match="single PSU"):
        SurveyDesign(df.assign(one=1), weights="w", psu="one")


def test_lonely_psu_fail_names_strata(df):
    lonely = df.assign(stratum=["a", "a", "a", "a", "b", "b", "c", "c"])
    des = design(lonely)
    with pytest.raises(LonelyPSUError, match="stratum 'b', 'c' has only one PSU at stage 1"):
        des.mean("y")
    # a domain that does not reach the lonely strata is fine, as in R
    assert np.isfinite(des.subset("stratum == 'a'").mean("y").se).all()
    # a lonely stratum sampled in full (census) has no variance and no failure, as in R
    census = design(lonely.assign(N=[40] * 4 + [1, 1, 1, 1]), fpc="N")
    assert np.isfinite(census.mean("y").se).all()


def test_lonely_psu_at_second_stage(df):
    two = df.assign(ssu=[1, 2, 1, 2, 1, 2, 1, 1], N2=5)
    des = SurveyDesign(two, strata="stratum", psu=["psu", "ssu"], fpc=["N", "N2"])
    with pytest.raises(LonelyPSUError, match="stage 2") as info:
        des.total("y")
    assert "psu 4" in str(info.value)
    assert SurveyDesign(two, strata="stratum", psu=["psu", "ssu"], fpc=["N", "N2"],
                        lonely_psu="certainty").total("y").se[0] > 0


@pytest.mark.parametrize("policy", ["remove", "certainty", "adjust", "average"])
def test_lonely_policies_give_finite_variances(df, policy):
    lonely = df.assign(stratum=["a", "a", "a", "a", "b", "b", "c", "c"])
    assert np.isfinite(design(lonely, lonely_psu=policy).mean("y").se).all()


def test_errors_are_micropop_errors():
    for error in (DesignError, WeightError, LonelyPSUError, EmptyDomainError):
        assert issubclass(error, MicropopError)


# --- replicate designs ----------------------------------------------------------------


@pytest.fixture
def rep_df() -> pd.DataFrame:
    return pd.DataFrame({"y": [1.0, 2.0, 3.0, 5.0], "g": ["a", "a", "b", "b"], "w": 2.0,
                         "rw1": [0.0, 8 / 3, 8 / 3, 8 / 3], "rw2": [8 / 3, 0.0, 8 / 3, 8 / 3],
                         "rw3": [8 / 3, 8 / 3, 0.0, 8 / 3], "rw4": [8 / 3, 8 / 3, 8 / 3, 0.0]})


def test_replicate_design_basics(rep_df):
    des = ReplicateDesign(rep_df, weights="w", replicate_weights="^rw", method="jk1")
    assert des.scale == pytest.approx(3 / 4) and des.rscales.tolist() == [1.0] * 4
    assert des.degf == 3 and not des.mse and des.method == "jk1"
    assert list(des.replicate_weights.columns) == ["rw1", "rw2", "rw3", "rw4"]
    assert "4 jk1 replicates" in repr(des)
    sub = des.subset("g == 'a'")
    assert isinstance(sub, ReplicateDesign) and len(sub.replicate_weights) == 2
    # the jackknife of a mean from a simple random sample is the textbook SE
    expected = np.sqrt(rep_df["y"].var(ddof=1) / 4)
    assert des.mean("y").se[0] == pytest.approx(expected)


def test_replicate_design_methods_set_scale(rep_df):
    cols = ["rw1", "rw2", "rw3", "rw4"]
    assert ReplicateDesign(rep_df, "w", cols, method="brr").scale == pytest.approx(1 / 4)
    assert ReplicateDesign(rep_df, "w", cols, method="fay", fay_rho=0.5).scale == \
        pytest.approx(1 / (4 * 0.25))
    assert ReplicateDesign(rep_df, "w", cols, method="bootstrap").scale == pytest.approx(1 / 3)
    assert ReplicateDesign(rep_df, "w", cols, method="other", scale=2.0).scale == 2.0


@pytest.mark.parametrize("kwargs, match", [
    ({"method": "jack"}, "not a replication method"),
    ({"method": "jkn"}, "needs rscales"),
    ({"method": "fay"}, "needs fay_rho"),
    ({"method": "other"}, "needs scale"),
    ({"method": "jk1", "rscales": [1.0, 1.0]}, "2 values for 4 replicates"),
])
def test_replicate_design_errors(rep_df, kwargs, match):
    with pytest.raises(DesignError, match=match):
        ReplicateDesign(rep_df, "w", "^rw", **kwargs)


def test_replicate_weight_columns_checked(rep_df):
    with pytest.raises(MissingColumnError, match="repwt"):
        ReplicateDesign(rep_df, "w", "^repwt", method="jk1")
    with pytest.raises(MissingColumnError, match="'rw9'"):
        ReplicateDesign(rep_df, "w", ["rw1", "rw9"], method="jk1")
    bad = rep_df.assign(rw2=[np.nan, 1.0, 1.0, 1.0])
    with pytest.raises(WeightError, match="replicate weights column 'rw2'"):
        ReplicateDesign(bad, "w", "^rw", method="jk1")


def test_replicate_from_design(df):
    rep = design(df).replicate("jkn")
    assert isinstance(rep, ReplicateDesign) and rep.method == "jkn"
    assert rep.rscales.tolist() == [0.5] * 4 and rep.scale == 1.0
    # the stratified jackknife of a total equals the linearised variance here
    assert rep.total("y").se[0] == pytest.approx(design(df).total("y").se[0])
    sub = design(df).subset("y > 1").replicate("jkn")
    assert len(sub.data) == 7


def test_replicate_from_design_errors(df):
    with pytest.raises(DesignError, match="method='jkn'"):
        design(df).replicate("jk1")
    with pytest.raises(DesignError, match="'other' cannot be made"):
        design(df).replicate("other")
    lonely = design(df.assign(stratum=["a", "a", "a", "a", "b", "b", "c", "c"]))
    with pytest.raises(LonelyPSUError, match="'b', 'c'"):
        lonely.replicate("jkn")
    census = design(df.assign(N2=2), fpc="N2")
    with pytest.raises(DesignError, match="sampled in full"):
        census.replicate("jkn")
