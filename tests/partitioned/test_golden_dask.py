"""R's golden cases on the Dask engine: the same numbers as R and as the in-memory engine.

Every linearised and replicate-from-design case of ``tests/reference/golden.json``
(made by ``tests/reference/make_refs.R``) runs on a Dask design whose data are
cut into uneven partitions, empty ones included, PSUs split across them
(:func:`support.partitions.dask_frame`): against R at the goldens' relative
1e-8, and against the in-memory engine at relative 1e-10.
"""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
import pytest

pytest.importorskip("dask.dataframe")

import dask  # noqa: E402

from micropop.design import SurveyDesign  # noqa: E402
from micropop.errors import InMemoryOnlyError  # noqa: E402
from support.golden import (  # noqa: E402
    GOLDEN,
    assert_close,
    build,
    fixture,
    lonely_policy,
    r_names,
    single,
)
from support.partitions import dask_frame  # noqa: E402

CASES = [c for c in GOLDEN["cases"]
         if GOLDEN["designs"][c["design"]]["kind"] in ("linearization", "from_design")]


@pytest.fixture(autouse=True, scope="module")
def _sync_scheduler():
    with dask.config.set(scheduler="sync"):
        yield


@cache
def build_dask(name: str):
    spec = GOLDEN["designs"][name]
    if spec["kind"] == "from_design":
        return build_dask(spec["base"]).replicate(spec["method"], fay_rho=spec["fay_rho"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # R's "assuming equal probability" never applies here
        return SurveyDesign(dask_frame(fixture(spec["data"]), seed=len(name)),
                            weights=single(spec["weights"]), strata=single(spec["strata"]),
                            psu=single(spec["psu"]), fpc=single(spec["fpc"]), nest=spec["nest"],
                            lonely_psu=lonely_policy(spec["lonely_psu"],
                                                     GOLDEN["meta"]["survey_version"]),
                            ultimate_cluster=spec["ultimate_cluster"],
                            adjust_domain_lonely=spec["adjust_domain_lonely"])


def run(case: dict, design, deff: bool):
    if case["subset"]:
        design = design.subset(case["subset"])
    by = single(case["by"])
    if case["fun"] == "ratio":
        return design.ratio(case["vars"], case["denominator"][0], by=by, deff=deff,
                            na_rm=case["na_rm"])
    return getattr(design, case["fun"])(case["vars"], by=by, deff=deff, na_rm=case["na_rm"])


def close(ours, theirs, what: str, rtol: float = 1e-10) -> None:
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    scale = np.maximum(np.abs(theirs), 1e-300)
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs), err_msg=what)
    keep = ~np.isnan(theirs)
    assert np.all(np.abs(ours - theirs)[keep] <= rtol * scale[keep] + 1e-12), what


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_dask_matches_r_and_memory(case):
    est = run(case, build_dask(case["design"]), deff=False)
    assert r_names(est, case) == case["names"]
    assert_close(est.estimate, case["estimate"], "estimate")
    assert_close(est.se, case["se"], "se")
    ci_t = est.ci(dist="t")
    assert_close(ci_t["ci_low"], case["ci_t_low"], "t ci_low")
    assert_close(ci_t["ci_high"], case["ci_t_high"], "t ci_high")
    assert est.df == case["df"]
    memory = run(case, build(case["design"]), deff=False)
    close(est.estimate, memory.estimate, "estimate vs in memory")
    close(est.vcov, memory.vcov, "vcov vs in memory")
    np.testing.assert_array_equal(est.n, memory.n)
    assert list(est.index) == list(memory.index)


DEFF_CASES = [c for c in CASES if c["deff"]][:3]


@pytest.mark.parametrize("case", DEFF_CASES, ids=[c["id"] for c in DEFF_CASES])
def test_design_effects_are_refused_by_name(case):
    """deff needs the rows' own variance, which the per-unit table does not keep."""
    with pytest.raises(InMemoryOnlyError, match="deff") as info:
        run(case, build_dask(case["design"]), deff=case["deff"])
    assert "compute()" in info.value.hint
