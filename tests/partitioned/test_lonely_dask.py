"""Lonely PSUs on the Dask engine: R 4.1.1's goldens and R's printed lonely.psu.Rout.save.

The designs of ``tests/golden/test_lonely_golden.py`` (``support.lonely``) built
from Dask frames cut into uneven partitions, empty ones included: every policy
("fail" aside), JKn replicates of a design with a certainty stratum, a domain
with lonely PSUs (``adjust_domain_lonely``), survey >= 4.4's "adjust" and 4.1.1's
("adjust_legacy"): R's numbers, and the in-memory engine's at relative 1e-10.
"""

from __future__ import annotations

import numpy as np
import pytest

dd = pytest.importorskip("dask.dataframe")

import dask  # noqa: E402

from support.golden import RTOL, lonely_policy  # noqa: E402
from support.lonely import (  # noqa: E402
    GOLDEN_LONELY,
    ROUT_SAVE_MEANS,
    clus1,
    rout_save_design,
    singleton,
)
from support.partitions import dask_frame  # noqa: E402

VERSION = GOLDEN_LONELY["meta"]["survey_version"]


@pytest.fixture(autouse=True, scope="module")
def _sync_scheduler():
    with dask.config.set(scheduler="sync"):
        yield


def cut(frame):
    return dask_frame(frame, seed=len(frame))


def both(build):
    return build(cut), build(lambda frame: frame)


def same(ours, memory) -> None:
    np.testing.assert_allclose(ours.estimate, memory.estimate, rtol=1e-10)
    np.testing.assert_allclose(ours.se, memory.se, rtol=1e-10)


@pytest.mark.parametrize("case", GOLDEN_LONELY["cases"], ids=lambda case: case["id"])
def test_matches_r_4_1_1_on_dask(case):
    policy = lonely_policy(case["lonely_psu"], VERSION)
    if case["design"] == "singleton":
        designs = both(lambda frame: singleton(policy, frame))
    else:
        designs = both(lambda frame: clus1(policy, certainty=True, frame=frame).replicate("jkn"))
    ours, memory = (getattr(d, case["fun"])(case["variable"], by=case["by"]) for d in designs)
    np.testing.assert_allclose(ours.estimate, case["estimate"], rtol=RTOL)
    np.testing.assert_allclose(ours.se ** 2, case["variance"], rtol=RTOL)
    same(ours, memory)


def test_rs_svytotal_check_under_current_adjust_on_dask():
    """tests/lonely.psu.R: vcov(svytotal(~Age)) is 127579.8 under survey >= 4.4's "adjust"."""
    variance = float(singleton("adjust", cut).total("Age").se[0] ** 2)
    assert abs(variance - 127579.8) / 127579.8 < 1e-6  # R's own tolerance
    same(singleton("adjust", cut).total("Age", by="Sex"), singleton("adjust").total("Age",
                                                                                 by="Sex"))


@pytest.mark.parametrize("design, policy, replicate, domain_lonely, se", ROUT_SAVE_MEANS)
def test_rout_save_means_on_dask(design, policy, replicate, domain_lonely, se):
    ours, memory = (rout_save_design(design, policy, replicate, domain_lonely, frame).mean(
        "api00") for frame in (cut, lambda frame: frame))
    assert round(float(ours.se[0]), 4) == se
    same(ours, memory)
