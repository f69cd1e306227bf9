"""R's goldens of calibrate's options (``golden_calibrate_options.json``): calls and estimates.

Shared by the in-memory golden tests (tests/weighting/test_calibrate_options_golden.py)
and the Dask engine's (tests/partitioned/test_calibrate_options_dask.py).
"""

from __future__ import annotations

import json
import warnings

import numpy as np

from micropop.errors import MicropopWarning
from support.paths import REFERENCE

GOLDEN = json.loads((REFERENCE / "golden_calibrate_options.json").read_text())
CASES = GOLDEN["cases"]
#: Designs that are replicate designs of a linearised golden design.
REPLICATED = {"strat_jkn": ("strat", "jkn"), "clus1_jk1": ("clus1", "jk1")}
STATISTICS = ["total_api_stu", "mean_api00", "mean_comp_imp", "mean_api00_by_awards",
              "total_api00_by_stype", "mean_api00_awards_yes"]


def unit_bounds(des) -> tuple[np.ndarray, np.ndarray]:
    """The script's per-row bounds: (0.97, 1.02) for elementary schools, (0.9, 1.1) else."""
    elementary = (des.data["stype"] == "E").to_numpy()
    return np.where(elementary, 0.97, 0.9), np.where(elementary, 1.02, 1.1)


def case_design(name: str, build):
    """The design a case's call starts from, ``build(golden design name)`` for either engine."""
    if name in REPLICATED:
        base, method = REPLICATED[name]
        return build(base).replicate(method)
    return build(name)


def weighted(name: str, build):
    """The case's weighting call on its design (``build`` as :func:`case_design`)."""
    call = dict(CASES[name]["call"])
    des = case_design(CASES[name]["design"], build)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MicropopWarning)  # negative weights, as R
        if "margins" in call:
            return des.rake(**call)
        if call.get("bounds") == ["unit_lower", "unit_upper"]:
            call["bounds"] = unit_bounds(des)
        return des.calibrate(**call)


def statistic(des, what: str):
    """One of the script's estimates (the R script's ``estimators``) on ``des``."""
    if what == "mean_api00_awards_yes":
        return des.subset("awards == 'Yes'").mean("api00")
    name, variable, *by = what.replace("api_stu", "api.stu").replace(
        "comp_imp", "comp.imp").split("_by_")[0].split("_", 1) + what.split("_by_")[1:]
    return getattr(des, name)(variable, by=by[0] if by else None)
