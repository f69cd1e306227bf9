"""Log-linear engine against statsmodels, input forms, model search, demo data."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import micropop.size as size
from micropop.size._closedp import closedp_designs, frequency_designs
from micropop.size._histories import capture_cells as _table
from micropop.size._loglinear_terms import loglinear_design as _loglinear_design
from micropop.size._loglinear_terms import parse_terms as _parse_terms
from support.paths import ROOT

REF = ROOT / "tests" / "reference" / "rcapture"


def statsmodels_fit(design):
    """Reference: statsmodels' Poisson GLM on the same design (Chao terms as kept)."""
    ours = design.fit()
    keep = [design.names.index(name) for name in ours.names]
    ref = sm.GLM(design.y, design.X[:, keep], family=sm.families.Poisson(),
                 offset=design.offset).fit(tol=1e-14, maxiter=200)
    return ours, ref


def designs():
    hiv = _table(pd.read_csv(REF / "HIV.csv"), "freq")
    hare = _table(pd.read_csv(REF / "hare.csv"))
    pairs = _parse_terms([f"c{i}:c{j}" for i, j in itertools.combinations(range(1, 5), 2)],
                         hiv.lists)
    yield "HIV two-way", _loglinear_design(hiv, pairs, None, None)
    yield "HIV c1:c2 + Poisson2", _loglinear_design(hiv, pairs[:1], "Poisson", 2.0)
    yield from ((f"hare {k}", d) for k, d in closedp_designs(hare).items())
    ill = frequency_designs(np.array([1645, 183, 37, 13, 1, 1.0]), math.inf)
    yield from ((f"ill {k}", d) for k, d in ill.items())
    yield from ((f"ill t=6 {k}", d) for k, d in
                frequency_designs(np.array([1645, 183, 37, 13, 1, 1.0]), 6).items())


@pytest.mark.parametrize(("label", "design"), list(designs()), ids=lambda x: x
                         if isinstance(x, str) else "")
def test_numpy_fit_equals_statsmodels(label, design) -> None:
    ours, ref = statsmodels_fit(design)
    assert ours.converged
    np.testing.assert_allclose(ours.coef, ref.params, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(ours.cov, ref.cov_params(), rtol=1e-7, atol=1e-10)
    assert ours.deviance == pytest.approx(ref.deviance, rel=1e-8, abs=1e-8)
    assert ours.loglik == pytest.approx(ref.llf, rel=1e-10)
    assert ours.criteria(1)[0] == pytest.approx(ref.aic, rel=1e-10)


def test_model_search_rows_equal_statsmodels() -> None:
    hiv = pd.read_csv(REF / "HIV.csv")
    table = size.model_search(hiv, freq="freq")
    assert len(table) == 2 ** 6 and table["AIC"].is_monotonic_increasing
    hist = _table(hiv, "freq")
    for _, row in table.iloc[::9].iterrows():
        design = _loglinear_design(hist, _parse_terms(row["terms"], hist.lists), None, None)
        ref = sm.GLM(design.y, design.X, family=sm.families.Poisson()).fit(tol=1e-14)
        unseen = math.exp(ref.params[0])
        assert row["estimate"] == pytest.approx(hist.n + unseen, rel=1e-8)
        assert row["deviance"] == pytest.approx(ref.deviance, rel=1e-8, abs=1e-8)
        assert row["AIC"] == pytest.approx(ref.aic, rel=1e-10)
        assert row["BIC"] == pytest.approx(ref.aic + (math.log(hist.n) - 2) * design.X.shape[1])


def test_model_search_bic_and_first_order() -> None:
    hiv = pd.read_csv(REF / "HIV.csv")
    by_bic = size.model_search(hiv, freq="freq", criterion="BIC")
    assert by_bic["BIC"].is_monotonic_increasing
    only = size.model_search(hiv, freq="freq", max_order=1)
    assert only["model"].tolist() == ["independence"] and only["terms"].tolist() == [()]


def test_selected_model_feeds_loglinear() -> None:
    hiv = pd.read_csv(REF / "HIV.csv")
    best = size.model_search(hiv, freq="freq").iloc[0]
    est = size.loglinear(hiv, terms=best["terms"], freq="freq")
    assert est.estimate == pytest.approx(best["estimate"])
    assert est.extra["model"] == best["model"]


def test_input_forms_agree() -> None:
    hare = pd.read_csv(REF / "hare.csv")
    patterns = size.capture_table(hare)
    ids = {col: hare.index[hare[col] == 1].tolist() for col in hare.columns}
    reference = size.closedp(hare)
    for data, freq in [(patterns, "freq"), (patterns.drop(columns="freq"), patterns["freq"]),
                       (ids, None), (hare.to_numpy(), None)]:
        table = size.closedp(data, freq=freq)
        pd.testing.assert_frame_equal(table, reference, check_exact=False, rtol=1e-10)


def test_duplicate_patterns_are_summed() -> None:
    hist = pd.DataFrame({"a": [1, 1, 0, 1], "b": [0, 0, 1, 1]})
    table = size.capture_table(hist, freq=[2, 3, 4, 0])
    assert table["freq"].tolist() == [0, 5, 4]


def test_all_zero_pattern_with_zero_count_is_ignored() -> None:
    hist = pd.DataFrame({"a": [1, 0, 0], "b": [1, 1, 0]})
    assert size.capture_table(hist, freq=[3, 4, 0])["freq"].tolist() == [3, 0, 4]


def test_hierarchy_closes_higher_order_terms() -> None:
    hist = _table(pd.read_csv(REF / "HIV.csv"), "freq")
    terms = _parse_terms(["c1:c2:c3"], hist.lists)
    assert terms == [(0, 1), (0, 2), (1, 2), (0, 1, 2)]


def test_profile_interval_contains_estimate_and_is_asymmetric() -> None:
    est = size.loglinear(pd.read_csv(REF / "HIV.csv"), terms=["c1:c2"], freq="freq")
    assert est.ci_low < est.extra["profile_mle"] < est.ci_high
    assert est.ci_low < est.estimate < est.ci_high
    assert est.ci_high - est.estimate > est.estimate - est.ci_low


def test_level_widens_interval() -> None:
    hiv = pd.read_csv(REF / "HIV.csv")
    narrow = size.loglinear(hiv, terms=["c1:c2"], freq="freq", level=0.8)
    wide = size.loglinear(hiv, terms=["c1:c2"], freq="freq", level=0.99)
    assert wide.ci_low < narrow.ci_low < narrow.ci_high < wide.ci_high


def test_demo_capture_histories() -> None:
    """The selected model on the synthetic three lists, with its interval reported.

    The lists were drawn with heterogeneity and a wave1-wave2 dependence
    (data/README.md), so no coverage claim is made for this single sample.
    """
    data = pd.read_csv(ROOT / "data" / "capture_histories.csv")
    truth = pd.read_csv(ROOT / "data" / "population_truth.csv")
    lists = [c for c in data.columns if c != "person_id"]
    table = size.model_search(data[lists])
    assert len(table) == 8
    best = size.loglinear(data[lists], terms=table.loc[0, "terms"])
    n = len(data)
    assert n < best.ci_low < best.estimate < best.ci_high < math.inf
    true_n = truth.query("quantity == 'capture_population_N' and "
                         "domain == 'microwork_monthly_plus'")["value"].item()
    frame = best.to_frame().assign(truth=true_n, covered=best.ci_low <= true_n <= best.ci_high)
    print("\n" + frame[["estimate", "ci_low", "ci_high", "truth", "covered"]].to_string())
    print(best.extra["model"])
    assert true_n > n
