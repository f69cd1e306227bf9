"""Lonely PSUs: R 4.1.1 goldens, R's published test numbers and the formula.

- ``golden_lonely.json`` (``tests/reference/make_refs_lonely.R``, R 4.2.2 with
  survey 4.1.1): JKn replicates of apiclus1 with a certainty stratum, where
  R's ``jknweights`` scales "average" by #PSUs / #replicates (183/182), and
  R's five-PSU singleton data under each policy (survey 4.1.1's "adjust" is
  micropop's "adjust_legacy").
- R's own ``tests/lonely.psu.R`` and its printed ``tests/lonely.psu.Rout.save``
  (repository cran/survey, commit 2f16579f5820d3d0ff1209a9f101c9329ab90a24):
  the variance of the total of Age under survey >= 4.4's "adjust" (127579.8,
  R's ``stopifnot`` at relative 1e-6) and the standard errors printed to five
  significant digits; numbers only, copied by hand.
- The survey >= 4.4 rule against its formula, by hand with numpy: a lonely
  PSU total is centred on the mean of all PSU totals of the strata its
  domain reaches.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from micropop.design import SurveyDesign
from support.golden import RTOL, lonely_policy
from support.lonely import GOLDEN_LONELY as GOLDEN
from support.lonely import ROUT_SAVE_MEANS, SINGLETON, clus1, rout_save_design, singleton

VERSION = GOLDEN["meta"]["survey_version"]


def test_reference_metadata():
    assert GOLDEN["meta"]["survey_version"] == "4.1.1"


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=lambda case: case["id"])
def test_matches_r_4_1_1(case):
    policy = lonely_policy(case["lonely_psu"], VERSION)
    if case["design"] == "singleton":
        des = singleton(policy)
    else:
        des = clus1(policy, certainty=True).replicate("jkn")
    est = getattr(des, case["fun"])(case["variable"], by=case["by"])
    np.testing.assert_allclose(est.estimate, case["estimate"], rtol=RTOL)
    np.testing.assert_allclose(est.se ** 2, case["variance"], rtol=RTOL)


def test_jkn_average_scales_by_psus_over_replicates():
    """R's 183/182: the certainty stratum (district 413) has no replicate."""
    remove = clus1("remove", certainty=True).replicate("jkn")
    average = clus1("average", certainty=True).replicate("jkn")
    assert remove.n_replicates == 182
    ratio = float(average.total("api00").se[0] ** 2 / remove.total("api00").se[0] ** 2)
    assert ratio == pytest.approx(183 / 182, rel=1e-12)


# --- current R (survey >= 4.4): R's printed numbers ----------------------------

def test_rs_svytotal_check_under_current_adjust():
    """tests/lonely.psu.R: vcov(svytotal(~Age)) is 127579.8 ("adjust"), 126625 ("remove")."""
    variance = {policy: float(singleton(policy).total("Age").se[0] ** 2)
                for policy in ("remove", "certainty", "adjust", "adjust_legacy")}
    assert variance["remove"] == pytest.approx(126625, rel=1e-12)
    assert variance["certainty"] == pytest.approx(126625, rel=1e-12)
    assert abs(variance["adjust"] - 127579.8) / 127579.8 < 1e-6  # R's own tolerance
    assert variance["adjust_legacy"] == pytest.approx(562225, rel=1e-12)  # survey 4.1.1


@pytest.mark.parametrize("design, policy, replicate, domain_lonely, se", ROUT_SAVE_MEANS)
def test_rout_save_means(design, policy, replicate, domain_lonely, se):
    """The SEs R prints in tests/lonely.psu.Rout.save, to its five digits."""
    est = rout_save_design(design, policy, replicate, domain_lonely).mean("api00")
    assert round(float(est.estimate[0]), 2) == (645.14 if design == "ds1" else 644.17)
    assert round(float(est.se[0]), 4) == se


def test_rout_save_replicate_total_under_average():
    """svytotal(~api00, rs) prints 3989986 and SE 35616 (rs made under "average")."""
    est = clus1("average", certainty=True).replicate("jkn").total("api00")
    # R's print shows 3989986 for 3989985.47 (golden_lonely.json holds the digits)
    assert abs(float(est.estimate[0]) - 3989986) < 1
    assert round(float(est.se[0])) == 35616


# --- current R against the formula ----------------------------------------------

def _strata_variance(unit_totals, unit_stratum, centre_of_lonely):
    """sum_h n_h / (n_h - 1) sum_j (t_hj - mean_h)^2, a lonely unit centred as given."""
    variance = 0.0
    for h in np.unique(unit_stratum):
        t = unit_totals[unit_stratum == h]
        if len(t) == 1:
            variance += (t[0] - centre_of_lonely) ** 2
        else:
            variance += len(t) / (len(t) - 1) * np.sum((t - t.mean()) ** 2)
    return variance


def test_adjust_centres_on_the_mean_of_all_psu_totals():
    t = (SINGLETON["Design_Weight"] * SINGLETON["Age"]).to_numpy()
    strata = SINGLETON["Stratum"].to_numpy()
    expected = _strata_variance(t, strata, t.sum() / 5)
    assert float(singleton("adjust").total("Age").se[0] ** 2) == pytest.approx(expected,
                                                                                rel=1e-12)
    legacy = _strata_variance(t, strata, 0.0)
    assert float(singleton("adjust_legacy").total("Age").se[0] ** 2) == pytest.approx(
        legacy, rel=1e-12)


def test_means_do_not_change():
    new, old = singleton("adjust").mean("Age"), singleton("adjust_legacy").mean("Age")
    np.testing.assert_allclose(new.se, old.se, rtol=1e-12)


def test_domain_centre_counts_the_strata_it_reaches():
    t = (SINGLETON["Design_Weight"] * SINGLETON["Age"]).to_numpy()
    strata = SINGLETON["Stratum"].to_numpy()
    est = singleton("adjust").total("Age", by="Sex")
    male = (SINGLETON["Sex"] == "M").to_numpy()
    # M reaches the three strata (5 PSUs); F reaches strata 1 and 2, no lonely one
    expected_m = _strata_variance(np.where(male, t, 0.0), strata, t[male].sum() / 5)
    expected_f = _strata_variance(np.where(~male, t, 0.0)[:4], strata[:4], np.nan)
    np.testing.assert_allclose(est.se ** 2, [expected_f, expected_m], rtol=1e-12)


def test_domain_lonely_units_share_the_centre():
    """adjust_domain_lonely: a stratum whose domain holds one PSU centres all its PSUs."""
    t = (SINGLETON["Design_Weight"] * SINGLETON["Age"]).to_numpy()
    male = (SINGLETON["Sex"] == "M").to_numpy()
    z = np.where(male, t, 0.0)
    c = z.sum() / 5
    expected = (2 * ((z[0] - c) ** 2 + (z[1] - c) ** 2) + 2 * ((z[2] - c) ** 2 + (z[3] - c) ** 2)
                + (z[4] - c) ** 2)
    est = singleton("adjust", adjust_domain_lonely=True).total("Age", by="Sex")
    assert float(est.se[1] ** 2) == pytest.approx(expected, rel=1e-12)


def test_later_stage_centre_is_the_mean_within_the_parent_unit():
    """At stage 2 each PSU is its own group: a lonely SSU centred on its own total adds 0."""
    df = pd.DataFrame({"psu": [1, 1, 2, 2, 3], "ssu": [1, 2, 3, 4, 5],
                       "N1": 10.0, "N2": [5.0, 5.0, 6.0, 6.0, 4.0],
                       "y": [1.0, 4.0, 2.0, 7.0, 5.0], "w": 3.0})

    def variance(policy):
        des = SurveyDesign(df, weights="w", psu=["psu", "ssu"], fpc=["N1", "N2"],
                           lonely_psu=policy)
        return float(des.total("y").se[0] ** 2)

    assert variance("adjust") == pytest.approx(variance("remove"), rel=1e-12)
    assert variance("adjust_legacy") > variance("adjust")
