"""R ``survey``'s golden designs and cases, shared by the golden tests.

The numbers come from ``tests/reference/make_refs.R`` (run by hand; see its
header) and live in ``tests/reference/golden.json`` together with the design
each case used, so the suite never calls R. Agreement: relative 1e-8
(absolute 1e-10 where R's value is near zero).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from micropop.design import ReplicateDesign, SurveyDesign
from support.paths import REFERENCE

GOLDEN = json.loads((REFERENCE / "golden.json").read_text())
RTOL, ATOL_NEAR_ZERO = 1e-8, 1e-10


def lonely_policy(r_policy: str, survey_version: str) -> str:
    """micropop's ``lonely_psu`` for R's ``survey.lonely.psu`` under a survey version.

    R's "adjust" centred a lonely PSU on 0 up to survey 4.2 and on the mean of
    all PSU totals from 4.4: goldens made with an older survey (Debian's 4.1.1
    here) hold micropop's ``"adjust_legacy"``. The cases this switches, in
    golden.json: the designs ``lonely_adjust``, ``lonely_adjust_fpc``,
    ``lonely_adjust_domain`` (their totals differ; their means do not) and
    ``asrep_jkn_lonely_adjust`` (same replicates); in golden_degf.json the
    JKn cases with "adjust" (same replicates, so the same degf).

    >>> lonely_policy("adjust", "4.1.1"), lonely_policy("adjust", "4.5")
    ('adjust_legacy', 'adjust')
    """
    major, minor = (int(part) for part in survey_version.split(".")[:2])
    return "adjust_legacy" if r_policy == "adjust" and (major, minor) < (4, 4) else r_policy


@cache
def fixture(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "fixtures" / f"{name}.csv")


def single(value: list[str] | None) -> str | list[str] | None:
    if value is None:
        return None
    return value[0] if len(value) == 1 else value


@cache
def build(name: str, frame: Callable[[str, pd.DataFrame], Any] | None = None) -> Any:
    """The golden design ``name``; ``frame(name, data)`` gives the data it holds (a Dask frame)."""
    spec = GOLDEN["designs"][name]
    if spec["kind"] == "from_design":
        return build(spec["base"], frame).replicate(spec["method"], fay_rho=spec["fay_rho"])
    data = fixture(spec["data"]) if frame is None else frame(name, fixture(spec["data"]))
    if spec["kind"] == "replicate":
        return ReplicateDesign(data, weights=spec["weights"],
                               replicate_weights=spec["replicate_weights"],
                               method=spec["method"], scale=spec["scale"],
                               rscales=spec["rscales"], fay_rho=spec["fay_rho"],
                               mse=spec["mse"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # R's "assuming equal probability" never applies here
        return SurveyDesign(data, weights=single(spec["weights"]), **design_options(spec))


def design_options(spec: dict) -> dict:
    """The design's arguments of a linearised golden design, but its data and weights."""
    return {"strata": single(spec["strata"]), "psu": single(spec["psu"]),
            "fpc": single(spec["fpc"]), "nest": spec["nest"],
            "lonely_psu": lonely_policy(spec["lonely_psu"], GOLDEN["meta"]["survey_version"]),
            "ultimate_cluster": spec["ultimate_cluster"],
            "adjust_domain_lonely": spec["adjust_domain_lonely"]}


def run(case: dict):
    des = build(case["design"])
    if case["subset"]:
        des = des.subset(case["subset"])
    by = single(case["by"])
    if case["fun"] == "ratio":
        return des.ratio(case["vars"], case["denominator"][0], by=by, deff=case["deff"],
                         na_rm=case["na_rm"])
    return getattr(des, case["fun"])(case["vars"], by=by, deff=case["deff"],
                                     na_rm=case["na_rm"])


def r_names(est, case: dict) -> list[str]:
    """Our row labels written as R names them: ``stypeE``, ``E:api00``, ``E.Yes``."""
    index = est.index.to_frame(index=False)
    level = index["level"] if "level" in index else ""
    names = index["variable"] + level
    if not case["by"]:
        return names.tolist()
    if names.nunique() == 1:
        return index["domain"].tolist()
    return (index["domain"] + ":" + names).tolist()


def assert_close(ours, theirs, what: str) -> None:
    ours = np.asarray(ours, dtype=float).ravel()
    theirs = np.asarray(theirs, dtype=float).ravel()
    near_zero = np.abs(theirs) < ATOL_NEAR_ZERO
    np.testing.assert_allclose(ours[~near_zero], theirs[~near_zero], rtol=RTOL, atol=0,
                               err_msg=what)
    np.testing.assert_allclose(ours[near_zero], theirs[near_zero], rtol=0,
                               atol=ATOL_NEAR_ZERO, err_msg=what)


def quantile_r_names(est, by: bool) -> list[str]:
    frame = est.index.to_frame(index=False)
    names = frame["variable"] + "." + frame["level"]
    return (frame["domain"] + ":" + names).tolist() if by else names.tolist()


def assert_quantile_case(est, case: dict) -> None:
    """A quantile estimate as R's case: names, estimates, SEs and interval bounds.

    R's se is the width over 2 t, negative where "shahvaish" (whose step
    function is not monotone) gives a reversed interval; ours is a variance's root.
    """
    assert quantile_r_names(est, bool(case["by"])) == case["names"]
    ci = est.ci()
    close_with_nan(est.estimate, case["estimate"], "quantile")
    close_with_nan(est.se, [None if v is None else abs(v) for v in case["se"]], "se")
    close_with_nan(ci["ci_low"], case["ci_low"], "ci_low")
    close_with_nan(ci["ci_high"], case["ci_high"], "ci_high")


def close_with_nan(ours, theirs, what: str) -> None:
    theirs = np.array([np.nan if v is None else v for v in theirs], dtype=float)
    ours = np.asarray(ours, dtype=float)
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs), err_msg=what)
    keep = ~np.isnan(theirs)
    np.testing.assert_allclose(ours[keep], theirs[keep], rtol=RTOL, atol=ATOL_NEAR_ZERO,
                               err_msg=what)
