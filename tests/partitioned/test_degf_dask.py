"""R's degf of jackknife replicate designs on the Dask engine (``golden_degf.json``).

The cases of tests/golden/test_replicate_degf.py (JK1 and JKn on apiclus1,
apiclus2 and apistrat; single-PSU strata under every lonely-PSU policy, fully
sampled strata, zero weights, subsets) on designs built from Dask frames cut
into uneven partitions: the design's ``degf`` and the df of an estimate are R's.
"""

from __future__ import annotations

import pytest

dd = pytest.importorskip("dask.dataframe")

import dask  # noqa: E402

from support.degf import GOLDEN_DEGF, replicate_design  # noqa: E402
from support.partitions import dask_frame  # noqa: E402

CASES = GOLDEN_DEGF["cases"]


@pytest.fixture(autouse=True, scope="module")
def _sync_scheduler():
    with dask.config.set(scheduler="sync"):
        yield


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_jackknife_degf_matches_r_on_dask(case):
    rep = replicate_design(case, lambda df: dask_frame(df, seed=len(case["id"])))
    assert rep.degf == case["degf"]
    assert rep.mean("api00", na_rm=True).to_frame()["df"].tolist() == [case["degf"]]

