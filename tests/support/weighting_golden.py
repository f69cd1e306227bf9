"""R's weighting goldens (``golden_weighting.json``): the calls and the estimates checked.

Shared by the in-memory golden tests and the Dask engine's.
"""

from __future__ import annotations

import json

import pandas as pd

from support.paths import REFERENCE

GOLDEN_WEIGHTING = json.loads((REFERENCE / "golden_weighting.json").read_text())


def golden_frame() -> pd.DataFrame:
    """apiclus1 with the weights of the "clus1_varying" cases, as the R script makes them."""
    data = pd.read_csv(REFERENCE / "fixtures" / "apiclus1.csv")
    # R: apiclus1$pw * (1 + (apiclus1$snum %% 5) / 10), the same double operations
    return data.assign(pw_varying=data["pw"] * (1 + (data["snum"] % 5) / 10))


def golden_design(kind: str, frame):
    """A case's design ("clus1", "clus1_jk1", "clus1_varying") on ``frame`` (either engine)."""
    from micropop.design import SurveyDesign

    weights = "pw_varying" if kind == "clus1_varying" else "pw"
    des = SurveyDesign(frame, psu="dnum", weights=weights, fpc="fpc")
    return des.replicate("jk1") if kind == "clus1_jk1" else des


def weighted(call: dict, des):
    """Run one case's weighting call, as the JSON spells it."""
    method = call["method"]
    if method == "poststratify":
        population = call["population"]
        if isinstance(population, list):  # a cross: [level, level, count] rows
            population = {(a, b): count for a, b, count in population}
        return des.poststratify(call["strata"], population)
    if method == "rake":
        return des.rake(call["margins"], max_iter=call["max_iter"], epsilon=call["epsilon"])
    if method == "calibrate":
        return des.calibrate(call["population"], method=call["calfun"],
                             bounds=call.get("bounds"), epsilon=call.get("epsilon", 1e-7))
    assert method == "trim"
    return weighted(GOLDEN_WEIGHTING["cases"][call["after"]]["call"], des).trim(
        lower=call["lower"], upper=call["upper"], strict=call["strict"])



ESTIMATES = {
    "total_enroll": lambda d: d.total("enroll"),
    "mean_api00": lambda d: d.mean("api00"),
    "mean_comp_imp": lambda d: d.mean("comp.imp"),
    "mean_api00_by_awards": lambda d: d.mean("api00", by="awards"),
    "total_api00_by_stype": lambda d: d.total("api00", by="stype"),
    "mean_api00_awards_yes": lambda d: d.subset("awards == 'Yes'").mean("api00"),
}
