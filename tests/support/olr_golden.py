"""The designs of the svyolr goldens (make_refs_olr.R), with their ordered response.

Each case of ``olr_refs.json`` names a golden design (:func:`support.models_golden.golden_design`),
the number column its response is cut from, the breaks and R's labels of the
intervals (right-closed, as R's ``cut``), and an optional subset.
"""

from __future__ import annotations

import json
from functools import cache

import pandas as pd

from micropop.design import ReplicateDesign, SurveyDesign
from support.models_golden import golden_design
from support.paths import REFERENCE


@cache
def olr_refs() -> dict:
    """The parsed ``olr_refs.json``."""
    refs: dict = json.loads((REFERENCE / "olr_refs.json").read_text())
    return refs


def olr_design(case: dict) -> SurveyDesign | ReplicateDesign:
    """The case's design with its ordered response (and its subset, when it has one)."""
    des = golden_design(case["design"])
    labels = case["levels"]
    cut = pd.cut(des.frame[case["from"]], case["breaks"], labels=labels)
    des = des.assign(**{case["response"]: pd.Categorical(cut, categories=labels, ordered=True)})
    return des.subset(case["subset"]) if case["subset"] else des
