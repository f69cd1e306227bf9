"""Golden tests: inequality measures against R laeken and R survey on eusilc.

The numbers come from ``tests/reference/make_refs_inequality.R`` (run by hand)
and live in ``tests/reference/golden_inequality.json``; this file never calls R.

- point estimates equal laeken's ``gini``, ``arpr``, ``arpt``, ``qsr`` and
  ``rmpg``, overall and with ``breakdown = "db040"``, to relative 1e-8;
- linearised SEs equal R ``survey::svyrecvar`` of the same influence functions
  (convey's, written out in the R script) to relative 1e-8, on a cluster and
  a stratified cluster design, overall and by region;
- JK1 replicate SEs: recomputing micropop's estimators on every JK1 replicate
  and applying R's variance reproduces ``survey::withReplicates`` to 1e-8;
  the linearised SE is within 5 % of it for the smooth measures (Gini, top
  share) and within 5 % of R's bootstrap SE (2000 replicates) for the
  others, except rmpg (an open gap, marked xfail).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import micropop.inequality as ineq
from micropop.design import SurveyDesign
from micropop.inequality import _gini, _lorenz, _Sorted

REFERENCE = Path(__file__).parent / "reference"
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


def _replicate_estimates(x: np.ndarray, weights: np.ndarray) -> dict[str, np.ndarray]:
    """micropop's estimators on many weight vectors at once (columns of ``weights``).

    Each replicate is one domain of a stacked sample (incomes sorted once),
    so micropop's per-domain machinery computes all of them in one pass:
    laeken's quantile rule (``_Sorted.quantile``), the Gini and Lorenz
    kernels, and the definitions of the threshold, rates and shares.
    """
    order = np.argsort(x, kind="stable")
    n, reps = weights.shape
    xs = np.tile(x[order], reps)
    ws = weights[order].T.ravel()
    segment = np.repeat(np.arange(reps), n)
    ends = np.arange(1, reps + 1) * n
    s = _Sorted(np.arange(n * reps), xs, ws, segment, ends - n, ends, n * reps)
    income = s.w * s.x
    line = 0.6 * s.quantile(0.5)
    poor = s.x < line[segment]
    low = s.sums(income * (s.x <= s.quantile(0.2)[segment]))
    high = s.sums(income * (s.x > s.quantile(0.8)[segment]))
    median_poor = s.take(poor).quantile(0.5)
    return {"gini": _gini(s)[0],
            "arpt": line,
            "arpr": s.sums(s.w * poor) / s.weight_total,
            "qsr": high / low,
            "rmpg": (line - median_poor) / line,
            "top_share": 1 - _lorenz(s, 0.9)[0]}


@cache
def jk1_se() -> dict[str, float]:
    """JK1 SEs from micropop's estimators, R's replicate weights and variance."""
    data = eusilc()
    x = data[INCOME].to_numpy(float)
    w = data["rb050"].to_numpy(float)
    psu = pd.factorize(data[GOLDEN["designs"][GOLDEN["jk1"]["design"]]["psu"]])[0]
    n_psu = psu.max() + 1
    # JK1: delete one PSU, scale the others by n / (n - 1) (R's jk1weights)
    replicates = []
    for chunk in np.array_split(np.arange(n_psu), 30):
        kept = psu[:, None] != chunk[None, :]
        rep_w = w[:, None] * kept * (n_psu / (n_psu - 1))
        replicates.append(_replicate_estimates(x, rep_w))
    scale = float(GOLDEN["jk1"]["scale"])
    assert GOLDEN["jk1"]["mse"] is False  # R centres at the replicate mean
    out = {}
    for name in replicates[0]:
        theta = np.concatenate([r[name] for r in replicates])
        out[name] = float(np.sqrt(scale * np.sum((theta - theta.mean()) ** 2)))
    return out


@pytest.mark.parametrize("measure", sorted(GOLDEN["jk1"]["se"]))
def test_jk1_replicate_se_matches_r_withreplicates(measure):
    np.testing.assert_allclose(jk1_se()[measure], float(GOLDEN["jk1"]["se"][measure]),
                               rtol=RTOL)


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
# tests/test_inequality_coverage.py. A likely cause (not proven): the median
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
