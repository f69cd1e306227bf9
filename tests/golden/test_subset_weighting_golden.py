"""Golden tests: weighting a subset, against R ``survey``, on both engines.

R's subset of a design not yet weighted drops the other rows, so a
post-stratification or raking made on it centres over the subset's rows only;
a subset of a weighted design keeps them at weight 0 (``postStratify``'s
centring then gives each of them ``psw`` 1). The numbers come from
``tests/reference/make_refs_subset_weighting.R`` (R 4.2.2, survey 4.1.1) and
live in ``tests/reference/golden_subset_weighting.json``; relative 1e-8, on
the in-memory engine and on a Dask frame cut into uneven partitions.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from micropop.design import SurveyDesign
from support.golden import fixture
from support.paths import REFERENCE

GOLDEN = json.loads((REFERENCE / "golden_subset_weighting.json").read_text())
STYPE = {"E": 3000, "H": 600, "M": 800}
SUBSET = "`sch.wide` == 'Yes'"

CALLS = {
    "subset_poststratify": lambda d: d.subset(SUBSET).poststratify("stype", STYPE),
    "subset_rake": lambda d: d.subset(SUBSET).rake(
        {"stype": STYPE, "awards": {"No": 1500, "Yes": 2900}}, max_iter=1000, epsilon=1e-10),
    "subset_calibrate": lambda d: d.subset(SUBSET).calibrate({"stype": STYPE}),
    "poststratify_subset_poststratify": lambda d: d.poststratify(
        "awards", {"No": 2000, "Yes": 4194}).subset(SUBSET).poststratify("stype", STYPE),
}
ESTIMATES = {
    "total_enroll": lambda d: d.total("enroll"),
    "mean_api00": lambda d: d.mean("api00"),
    "mean_api00_by_awards": lambda d: d.mean("api00", by="awards"),
}


def design(engine: str):
    data = fixture("apiclus1")
    if engine == "dask":
        pytest.importorskip("dask.dataframe")
        from support.partitions import dask_frame
        data = dask_frame(data, seed=5)
    return SurveyDesign(data, psu="dnum", weights="pw", fpc="fpc")


def test_the_script_made_every_case():
    assert sorted(GOLDEN["cases"]) == sorted(CALLS)
    assert GOLDEN["meta"]["survey"] == "4.1.1"


@pytest.mark.parametrize("engine", ["pandas", "dask"])
@pytest.mark.parametrize("name", sorted(CALLS))
def test_weighting_a_subset_matches_r(name, engine):
    weighted = CALLS[name](design(engine))
    for what, expected in GOLDEN["cases"][name].items():
        got = ESTIMATES[what](weighted)
        np.testing.assert_allclose(got.estimate, expected["estimate"], rtol=1e-8,
                                   err_msg=f"{what} estimate")
        np.testing.assert_allclose(got.se, expected["se"], rtol=1e-8, err_msg=f"{what} se")
