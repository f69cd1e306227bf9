"""The lonely-PSU goldens' designs (``golden_lonely.json`` and R's lonely.psu.Rout.save).

Shared by the in-memory tests (tests/golden/test_lonely_golden.py) and the Dask
engine's (tests/partitioned/test_lonely_dask.py): each builder takes ``frame``,
which turns a pandas frame into the data the design is built on (the frame
itself, or a Dask frame cut into partitions).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from micropop.design import SurveyDesign
from support.golden import fixture
from support.paths import REFERENCE

GOLDEN_LONELY = json.loads((REFERENCE / "golden_lonely.json").read_text())

SINGLETON = pd.DataFrame({"Stratum": [1, 1, 2, 2, 3], "PSU": [1, 2, 3, 4, 5],
                          "Design_Weight": [10.5, 10.5, 20, 20, 15],
                          "Sex": ["M", "F", "F", "M", "M"],
                          "Age": [30.5, 40.5, 35, 52, 44]})

#: (design, policy, replicate?, adjust_domain_lonely, printed SE of svymean(~api00)):
#: R's tests/lonely.psu.Rout.save (cran/survey, commit 2f16579f5820d3d0ff1209a9f101c9329ab90a24)
ROUT_SAVE_MEANS = [
    ("clus1", "remove", False, False, 5.8058), ("clus1", "remove", True, False, 5.8058),
    ("clus1", "certainty", False, False, 5.8058), ("clus1", "certainty", True, False, 5.8058),
    ("clus1", "adjust", False, False, 5.8281), ("clus1", "adjust", True, False, 5.8267),
    ("clus1", "average", False, False, 6.0096), ("clus1", "average", True, False, 5.8217),
    ("fpc", "remove", False, False, 5.7344), ("fpc", "remove", True, False, 5.7344),
    ("fpc", "adjust", False, False, 5.7344), ("fpc", "adjust", True, False, 5.7344),
    ("fpc", "average", False, False, 5.7344), ("fpc", "average", True, False, 5.7501),
    ("ds1", "remove", False, False, 5.8909), ("ds1", "adjust", False, False, 5.8909),
    ("ds1", "average", False, False, 5.8909), ("ds1", "remove", False, True, 5.8909),
    ("ds1", "adjust", False, True, 5.9119), ("ds1", "average", False, True, 6.0914),
]

Frame = Callable[[pd.DataFrame], Any]


def _same(frame: pd.DataFrame) -> pd.DataFrame:
    return frame


def singleton(policy: str, frame: Frame = _same, **options: Any) -> Any:
    """R's five-PSU design with a lonely PSU in stratum 3."""
    return SurveyDesign(frame(SINGLETON), weights="Design_Weight", strata="Stratum", psu="PSU",
                        lonely_psu=policy, **options)


def clus1(policy: str, certainty: bool = False, frame: Frame = _same) -> Any:
    """apiclus1 stratified by district (one PSU each); district 413 a certainty PSU."""
    df = fixture("apiclus1").copy()
    fpc = None
    if certainty:
        df["fpc413"] = np.where(df["dnum"] == 413, 1.0, 1000.0)
        fpc = "fpc413"
    return SurveyDesign(frame(df), weights="pw", strata="dnum", fpc=fpc, lonely_psu=policy)


def rout_save_design(design: str, policy: str, replicate: bool, domain_lonely: bool,
                     frame: Frame = _same) -> Any:
    """The design of a :data:`ROUT_SAVE_MEANS` line."""
    if design == "ds1":  # subset(apiclus1, dnum != 413), then its 31st row left out
        df = fixture("apiclus1")
        df = df[df["dnum"] != 413].reset_index(drop=True)
        df["keep"] = np.arange(len(df)) != 30
        des = SurveyDesign(frame(df), weights="pw", strata="dnum", lonely_psu=policy,
                           adjust_domain_lonely=domain_lonely).subset("keep")
    else:
        des = clus1(policy, certainty=design == "fpc", frame=frame)
    return des.replicate("jkn") if replicate else des
