"""The golden designs of the model goldens (make_refs_models.R), rebuilt in Python.

``raked`` is clus1 raked to apipop's margins (recorded in models_refs.json),
``poststratified`` clus1 poststratified on ``stype``; every other name is a
design of golden.json (:func:`support.golden.build`).
"""

from __future__ import annotations

import json
from functools import cache

from micropop.design import ReplicateDesign, SurveyDesign
from support.golden import build
from support.paths import REFERENCE


@cache
def golden_design(name: str) -> SurveyDesign | ReplicateDesign:
    """The design ``name`` of the model goldens."""
    margins = json.loads((REFERENCE / "models_refs.json").read_text())["meta"]["margins"]
    if name == "raked":
        return build("clus1").rake(margins, max_iter=1000, epsilon=1e-10)
    if name == "poststratified":
        return build("clus1").poststratify("stype", margins["stype"])
    return build(name)
