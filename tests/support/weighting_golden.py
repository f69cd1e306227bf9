"""R's weighting goldens (``golden_weighting.json``): the calls and the estimates checked.

Shared by the in-memory golden tests and the Dask engine's.
"""

from __future__ import annotations

import json

from support.paths import REFERENCE

GOLDEN_WEIGHTING = json.loads((REFERENCE / "golden_weighting.json").read_text())


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
