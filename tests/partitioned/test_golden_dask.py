"""R's golden cases on the Dask engine: the same numbers as R and as the in-memory engine.

Every linearised and replicate-from-design case of ``tests/reference/golden.json``
(made by ``tests/reference/make_refs.R``) runs on a Dask design whose data are
cut into uneven partitions, empty ones included, PSUs split across them
(:func:`support.partitions.dask_frame`): against R at the goldens' relative
1e-8, and against the in-memory engine at relative 1e-10 (design effects
included: their second pass keeps each cell's weighted variance).
"""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pytest

pytest.importorskip("dask.dataframe")

import dask  # noqa: E402

from micropop.errors import InMemoryOnlyError  # noqa: E402
from support.dask_golden import build_dask  # noqa: E402
from support.golden import (  # noqa: E402
    ATOL_NEAR_ZERO,
    GOLDEN,
    RTOL,
    assert_close,
    build,
    r_names,
    single,
)
from support.partitions import dask_frame  # noqa: E402
from support.paths import REFERENCE  # noqa: E402
from support.weighting_golden import (  # noqa: E402
    ESTIMATES,
    GOLDEN_WEIGHTING,
    golden_design,
    golden_frame,
    weighted,
)

CASES = [c for c in GOLDEN["cases"]
         if GOLDEN["designs"][c["design"]]["kind"] in ("linearization", "from_design")]


@pytest.fixture(autouse=True, scope="module")
def _sync_scheduler():
    with dask.config.set(scheduler="sync"):
        yield


def run(case: dict, design, deff: bool):
    if case["subset"]:
        design = design.subset(case["subset"])
    by = single(case["by"])
    if case["fun"] == "ratio":
        return design.ratio(case["vars"], case["denominator"][0], by=by, deff=deff,
                            na_rm=case["na_rm"])
    return getattr(design, case["fun"])(case["vars"], by=by, deff=deff, na_rm=case["na_rm"])


def close(ours, theirs, what: str, rtol: float = 1e-10) -> None:
    np.testing.assert_allclose(np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float),
                               rtol=rtol, atol=1e-12, err_msg=what)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_dask_matches_r_and_memory(case):
    est = run(case, build_dask(case["design"]), deff=case["deff"])
    assert r_names(est, case) == case["names"]
    assert_close(est.estimate, case["estimate"], "estimate")
    assert_close(est.se, case["se"], "se")
    ci_t = est.ci(dist="t")
    assert_close(ci_t["ci_low"], case["ci_t_low"], "t ci_low")
    assert_close(ci_t["ci_high"], case["ci_t_high"], "t ci_high")
    assert est.df == case["df"]
    if case["deff_value"] is None:
        assert est.deff is None
    else:
        assert_close(est.deff, case["deff_value"], "deff")
    memory = run(case, build(case["design"]), deff=case["deff"])
    close(est.estimate, memory.estimate, "estimate vs in memory")
    if memory.deff is not None:
        close(est.deff, memory.deff, "deff vs in memory")
    close(est.vcov, memory.vcov, "vcov vs in memory")
    np.testing.assert_array_equal(est.n, memory.n)
    assert list(est.index) == list(memory.index)



def _linearised(cases: list[dict]) -> list[dict]:
    return [c for c in cases
            if GOLDEN["designs"][c["design"]]["kind"] in ("linearization", "from_design")]


PROPORTIONS = _linearised(GOLDEN["proportions"])


@pytest.mark.parametrize("case", PROPORTIONS, ids=[c["id"] for c in PROPORTIONS])
def test_proportions_on_dask_match_r_and_memory(case):
    by = case["by"][0] if case["by"] else None
    args = {"category": case["level"], "ci": case["method"], "by": by,
            "level": case["conf_level"]}
    if case["method"] == "likelihood":  # R starts glm from each row's weight: refused
        with pytest.raises(InMemoryOnlyError, match="likelihood"):
            build_dask(case["design"]).proportion(case["variable"], **args)
        return
    est = build_dask(case["design"]).proportion(case["variable"], **args)
    memory = build(case["design"]).proportion(case["variable"], **args)
    ci, ci_memory = est.ci(), memory.ci()
    for ours, key in ((est.estimate, "estimate"), (est.se, "se"),
                      (ci["ci_low"], "ci_low"), (ci["ci_high"], "ci_high")):
        np.testing.assert_allclose(ours, case[key], rtol=1e-8, atol=1e-10, err_msg=key)
    for column in ("ci_low", "ci_high"):
        close(ci[column], ci_memory[column], column)
    close(est.se, memory.se, "se vs in memory")


CHISQ = _linearised(GOLDEN["chisq"])


@pytest.mark.parametrize("case", CHISQ, ids=[c["id"] for c in CHISQ])
def test_chisq_on_dask_matches_r_and_memory(case):
    tests = []
    for design in (build_dask(case["design"]), build(case["design"])):
        if case["subset"]:
            design = design.subset(case["subset"])
        tests.append(design.chisq(case["rows"], case["cols"],
                                  statistic=case["statistic_name"]))
    ours, memory = ([t.statistic, t.ndf, t.ddf, t.p_value] for t in tests)
    ddf = np.inf if case["ddf"] is None else case["ddf"]
    np.testing.assert_allclose(ours, [case["statistic"], case["ndf"], ddf, case["p_value"]],
                               rtol=1e-8, atol=1e-10)
    close(ours, memory, "chisq vs in memory")


CONTRASTS = GOLDEN["contrasts"]


@pytest.mark.parametrize("contrast", CONTRASTS, ids=[c["case"] for c in CONTRASTS])
def test_contrasts_on_dask_match_svycontrast(contrast):
    case = next(c for c in GOLDEN["cases"] if c["id"] == contrast["case"])
    result = run(case, build_dask(case["design"]), deff=False).contrast(contrast["coefficients"])
    assert_close(result.estimate, [contrast["estimate"]], "contrast")
    assert_close(result.se, [contrast["se"]], "contrast se")


WEIGHTING = GOLDEN_WEIGHTING["cases"]


@cache
def weighting_design(kind: str, engine: str):
    data = golden_frame()
    return golden_design(kind, dask_frame(data, seed=3) if engine == "dask" else data)


@pytest.mark.parametrize("name", sorted(WEIGHTING))
def test_weighting_on_dask_matches_r_and_memory(name):
    case = WEIGHTING[name]
    if case["call"]["method"] == "trim":  # trimming reads each row's weight
        with pytest.raises(InMemoryOnlyError, match="trim"):
            weighted(case["call"], weighting_design(case["design"], "dask"))
        return
    dask_design = weighted(case["call"], weighting_design(case["design"], "dask"))
    memory = weighted(case["call"], weighting_design(case["design"], "pandas"))
    # iterative methods stop at their epsilon: sums in another order move the last digits
    rtol = 1e-10 if case["call"]["method"] == "poststratify" else 1e-9
    for estimate, call in ESTIMATES.items():
        got, expected = call(dask_design), case["results"][estimate]
        np.testing.assert_allclose(got.estimate, expected["estimate"], rtol=1e-8)
        np.testing.assert_allclose(got.se, expected["se"], rtol=1e-8)
        reference = call(memory)
        close(got.estimate, reference.estimate, f"{estimate} vs in memory", rtol)
        close(got.se, reference.se, f"{estimate} se vs in memory", rtol)


CHISQSUM = json.loads((REFERENCE / "golden_chisqsum.json").read_text())["svychisq"]


@pytest.mark.parametrize("case", CHISQSUM, ids=[c["id"] for c in CHISQSUM])
def test_svychisq_saddlepoint_on_dask_matches_r(case):
    """tests/reference/make_refs_chisqsum.R's svychisq(statistic="saddlepoint") cases."""
    des = build_dask(case["design"])  # replicate-weight columns too
    if case["subset"]:
        des = des.subset(case["subset"])
    test = des.chisq(case["rows"], case["cols"], statistic="saddlepoint")
    np.testing.assert_allclose([test.statistic, test.p_value],
                               [case["statistic"], case["p_value"]],
                               rtol=RTOL, atol=ATOL_NEAR_ZERO)
