"""R's goldens of calibrate's options and of a raking stopped early, on the Dask engine.

The cases of ``tests/reference/golden_calibrate_options.json`` (made by
``tests/reference/make_refs_calibrate_options.R``; see
``tests/weighting/test_calibrate_options_golden.py``) on the same designs built
from a Dask frame cut into uneven partitions: R's estimates and standard errors
at relative 1e-8 and the in-memory engine's at 1e-9 (iterative fits stop at
their epsilon; sums in another order move the last digits). Per-row bounds
given as arrays, ``bounds_const``, ``aggregate`` and ``stage`` are refused by
name (``InMemoryOnlyError``): they read each row's own weight, or values aligned
with rows the Dask design has not read.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

dd = pytest.importorskip("dask.dataframe")

import dask  # noqa: E402

from micropop.errors import InMemoryOnlyError  # noqa: E402
from support.calibrate_options import CASES, STATISTICS, statistic, weighted  # noqa: E402
from support.dask_golden import build_dask  # noqa: E402
from support.golden import build  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def _sync_scheduler():
    with dask.config.set(scheduler="sync"):
        yield


@cache
def in_memory(name: str):
    return weighted(name, build)


def refused(call: dict) -> str | None:
    """The option a Dask design refuses in ``call`` (it reads each row's own weight)."""
    if call.get("bounds") == ["unit_lower", "unit_upper"]:
        return "bounds given per row"
    for option in ("aggregate", "stage", "bounds_const"):
        if call.get(option):
            return option
    return None


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_matches_r_and_memory_on_dask(name):
    option = refused(CASES[name]["call"])
    if option is not None:
        call = dict(CASES[name]["call"], bounds=(np.full(3, 0.5), 2.0)
                    if option.startswith("bounds given") else CASES[name]["call"].get("bounds"))
        if "margins" in call:
            call.pop("bounds")
        des = build_dask(CASES[name]["design"].removesuffix("_jkn").removesuffix("_jk1"))
        with pytest.raises(InMemoryOnlyError, match=option) as info:
            des.calibrate(**call)
        assert "des.compute()" in info.value.hint
        return
    des = weighted(name, build_dask)
    expected = CASES[name]["results"]
    for what in STATISTICS:
        got, memory = statistic(des, what), statistic(in_memory(name), what)
        for field in ("estimate", "se"):
            np.testing.assert_allclose(getattr(got, field), expected[what][field], rtol=1e-8,
                                       err_msg=f"{what} {field} vs R")
            np.testing.assert_allclose(getattr(got, field), getattr(memory, field), rtol=1e-9,
                                       err_msg=f"{what} {field} vs in memory")
