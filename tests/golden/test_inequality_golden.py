"""Golden tests: inequality measures against R laeken and R survey on eusilc.

The numbers come from ``tests/reference/make_refs_inequality.R`` (run by hand)
and live in ``tests/reference/golden_inequality.json``; this file never calls R.

- point estimates equal laeken's ``gini``, ``arpr``, ``arpt``, ``qsr`` and
  ``rmpg``, overall and with ``breakdown = "db040"``, to relative 1e-8;
- linearised SEs equal R ``survey::svyrecvar`` of the same influence functions
  (convey's, written out in the R script) to relative 1e-8, on a cluster and
  a stratified cluster design, overall and by region;
- JK1 replicate SEs: micropop's replicate-design SEs (every estimator
  recomputed on each JK1 replicate, R's variance) reproduce
  ``survey::withReplicates`` to 1e-8;
  the linearised SE is within 5 % of it for the smooth measures (Gini, top
  share) and within 5 % of R's bootstrap SE (2000 replicates) for the
  others, except rmpg (an open gap, marked xfail).
"""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pandas as pd
import pytest

import micropop.inequality as ineq
from micropop.design import ReplicateDesign, SurveyDesign
from support.paths import REFERENCE

GOLDEN = json.loads((REFERENCE / "golden_inequality.json").read_text())
RTOL = 1e-8
INCOME = "eqIncome"

# laeken reports these in percent; micropop in fractions
LAEKEN_SCALE = {"gini": 100.0, "arpr": 100.0, "rmpg": 100.0, "qsr": 1.0, "arpt": 1.0}

MEASURES = {
    "gini": lambda d, by: ineq.gini(d, INCOME, by=by),
    "arpt": lambda d, by: ineq.arpt(d, INCOME, by=by),
    "arpr": lambda d, by: ineq.arpr(d, INCOME, by=by),
    "qsr": lambda d, by: ineq.qsr(d, INCOME, by=by),
    "rmpg": lambda d, by: ineq.rmpg(d, INCOME, by=by),
    "top_share": lambda d, by: ineq.top_share(d, INCOME, by=by),
    "poverty_rate": lambda d, by: ineq.poverty_rate(d, INCOME, line=10000, by=by),
    "lorenz_0.1": lambda d, by: ineq.lorenz(d, INCOME, shares=[0.1], by=by),
    "lorenz_0.5": lambda d, by: ineq.lorenz(d, INCOME, shares=[0.5], by=by),
    "lorenz_0.9": lambda d, by: ineq.lorenz(d, INCOME, shares=[0.9], by=by),
}


@cache
def eusilc() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "fixtures" / "eusilc.csv")


@cache
def design(name: str) -> SurveyDesign:
    spec = GOLDEN["designs"][name]
    return SurveyDesign(eusilc(), weights=spec["weights"], psu=spec["psu"],
                        strata=spec["strata"])


@cache
def computed(name: str, measure: str, by: str | None) -> pd.DataFrame:
    return MEASURES[measure](design(name), by).to_frame()


def test_reference_records_versions():
    meta = GOLDEN["meta"]
    assert meta["laeken_version"] and meta["survey_version"] and meta["r_version"]


def test_headline_values_are_laekens():
    # the figures laeken prints for eusilc (and the issue quotes)
    d = design("cluster")
    assert ineq.gini(d, INCOME).estimate[0] * 100 == pytest.approx(26.48962, abs=5e-6)
    assert ineq.arpr(d, INCOME).estimate[0] * 100 == pytest.approx(14.44422, abs=5e-6)
    assert ineq.qsr(d, INCOME).estimate[0] == pytest.approx(3.970004, abs=5e-7)
    assert ineq.arpt(d, INCOME).estimate[0] == pytest.approx(10859.24, abs=5e-3)


@pytest.mark.parametrize("measure", sorted(GOLDEN["laeken"]))
def test_point_estimates_match_laeken(measure):
    reference = GOLDEN["laeken"][measure]
    scale = LAEKEN_SCALE[measure]
    overall = computed("cluster", measure, None)["estimate"].iloc[0]
    np.testing.assert_allclose(overall * scale, float(reference["overall"]), rtol=RTOL)
    if "by_db040" in reference:
        ours = computed("cluster", measure, "db040")["estimate"].droplevel("variable")
        for region, value in reference["by_db040"].items():
            np.testing.assert_allclose(ours[region] * scale, float(value), rtol=RTOL,
                                       err_msg=f"{measure} in {region}")


LINEARIZED = [(name, measure) for name, cases in GOLDEN["linearized"].items()
              for measure in cases]


@pytest.mark.parametrize("name, measure", LINEARIZED)
def test_linearized_se_matches_r(name, measure):
    reference = GOLDEN["linearized"][name][measure]
    overall = computed(name, measure, None).iloc[0]
    np.testing.assert_allclose(overall["estimate"], float(reference["overall"]["estimate"]),
                               rtol=RTOL)
    np.testing.assert_allclose(overall["se"], float(reference["overall"]["se"]), rtol=RTOL)
    by = computed(name, measure, "db040")
    by = by.reset_index().set_index("domain")
    for region, ref in reference["by_db040"].items():
        np.testing.assert_allclose(by.loc[region, ["estimate", "se"]].astype(float),
                                   [float(ref["estimate"]), float(ref["se"])], rtol=RTOL,
                                   err_msg=f"{name} {measure} in {region}")


# --- JK1 replicates ------------------------------------------------------------------


@cache
def jk1_design() -> ReplicateDesign:
    """R's JK1 replicates of the cluster design (``as.svrepdesign(type = "JK1")``).

    The design's degrees of freedom (the rank of 6000 x 6000 replicate
    factors, about a minute) do not enter any SE, so the rank is replaced by
    R's value for a delete-one jackknife, the number of PSUs minus one.
    """
    spec = GOLDEN["designs"][GOLDEN["jk1"]["design"]]
    n_psu = eusilc()[spec["psu"]].nunique()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ReplicateDesign, "_count_degf", lambda self: n_psu - 1)
        rep = design(GOLDEN["jk1"]["design"]).replicate("jk1")
    np.testing.assert_allclose(rep.scale, float(GOLDEN["jk1"]["scale"]), rtol=1e-14)
    assert rep.mse is GOLDEN["jk1"]["mse"]  # R centres at the replicate mean
    return rep


@pytest.mark.parametrize("measure", sorted(GOLDEN["jk1"]["se"]))
def test_jk1_replicate_se_matches_r_withreplicates(measure):
    # the library's replicate SE (every measure recomputed on each of R's 6000 JK1
    # replicates) is survey::withReplicates's
    est = MEASURES[measure](jk1_design(), None)
    assert est.variance == "replicate weights (jk1)"
    np.testing.assert_allclose(est.estimate[0], float(GOLDEN["jk1"]["estimate"][measure]),
                               rtol=RTOL)
    np.testing.assert_allclose(est.se[0], float(GOLDEN["jk1"]["se"][measure]), rtol=RTOL)


# The delete-one jackknife is consistent for smooth statistics only: for the
# Gini and the top share (Lorenz ordinate) it agrees with the linearised SE;
# for measures built on a quantile (arpt, arpr, qsr, rmpg) it is known to be
# inconsistent (Efron 1982, ch. 3) and overstates the SE on eusilc by 20-90 %,
# so those are checked against R's bootstrap replicates instead.
SMOOTH = ["gini", "top_share"]


@pytest.mark.parametrize("measure", SMOOTH)
def test_linearized_se_within_5_percent_of_jk1(measure):
    ours = computed(GOLDEN["jk1"]["design"], measure, None)["se"].iloc[0]
    replicate = float(GOLDEN["jk1"]["se"][measure])
    assert abs(ours / replicate - 1) < 0.05, (measure, ours, replicate)


# rmpg's linearised SE is 12 % below the bootstrap's on eusilc, although it
# matches the Monte Carlo SD and covers at 95 % in the simulation of
# tests/inequality/test_inequality_coverage.py. A likely cause (not proven): the median
# of the poor sits where eusilc's household-level incomes, shared by all
# members, are sparse, and ties inflate the bootstrap of such a quantile.
RMPG_GAP = pytest.mark.xfail(
    strict=True, reason="open: the linearised SE of rmpg (median of the poor) is 12 % "
                        "below R's bootstrap SE on eusilc")


@pytest.mark.parametrize("measure", [pytest.param(m, marks=RMPG_GAP) if m == "rmpg" else m
                                     for m in sorted(GOLDEN["bootstrap"]["se"])])
def test_linearized_se_within_5_percent_of_bootstrap(measure):
    ours = computed(GOLDEN["bootstrap"]["design"], measure, None)["se"].iloc[0]
    replicate = float(GOLDEN["bootstrap"]["se"][measure])
    assert abs(ours / replicate - 1) < 0.05, (measure, ours, replicate)
