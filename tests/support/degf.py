"""The replicate degf goldens (``golden_degf.json``, tests/reference/make_refs_degf.R).

Shared by the in-memory test (tests/golden/test_replicate_degf.py) and the Dask
engine's (tests/partitioned/test_degf_dask.py): ``frame`` turns the pandas frame
into the data the design is built on.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from typing import Any

import pandas as pd

from micropop.design import SurveyDesign
from support.golden import fixture, lonely_policy, single
from support.paths import REFERENCE

GOLDEN_DEGF = json.loads((REFERENCE / "golden_degf.json").read_text())


def replicate_design(case: dict, frame: Callable[[pd.DataFrame], Any] = lambda df: df) -> Any:
    """The case's JK1/JKn replicate design (its subset taken), on ``frame(data)``."""
    df = fixture(case["data"]).copy()
    for column, values in case.get("set", {}).items():
        df[column] = values
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fpc after the first stage dropped, as R warns
        des = SurveyDesign(frame(df), weights=single(case["weights"]),
                           strata=single(case["strata"]), psu=single(case["psu"]),
                           fpc=single(case["fpc"]), nest=case["nest"],
                           lonely_psu=lonely_policy(case["lonely_psu"],
                                                    GOLDEN_DEGF["meta"]["survey_version"]))
        rep = des.replicate(case["type"].lower())
    return rep.subset(case["subset"]) if case["subset"] else rep
