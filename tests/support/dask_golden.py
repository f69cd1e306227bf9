"""golden.json's designs built on Dask frames (uneven partitions, empty ones included).

Shared by the Dask engine's golden tests (tests/partitioned/): the design
``name`` of ``tests/reference/golden.json`` on :func:`support.partitions.dask_frame`
of its data, with the same options as :func:`support.golden.build`.
"""

from __future__ import annotations

import warnings
from functools import cache
from typing import Any

import micropop as mp
from support.golden import GOLDEN, design_options, fixture, single
from support.partitions import dask_frame


@cache
def build_dask(name: str) -> Any:
    """The golden design ``name`` on a Dask frame (replicate-weight columns included)."""
    spec = GOLDEN["designs"][name]
    if spec["kind"] == "from_design":
        return build_dask(spec["base"]).replicate(spec["method"], fay_rho=spec["fay_rho"])
    frame = dask_frame(fixture(spec["data"]), seed=len(name))
    if spec["kind"] == "replicate":
        return mp.ReplicateDesign(frame, weights=spec["weights"],
                                  replicate_weights=spec["replicate_weights"],
                                  method=spec["method"], scale=spec["scale"],
                                  rscales=spec["rscales"], fay_rho=spec["fay_rho"],
                                  mse=spec["mse"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # R's "assuming equal probability" never applies here
        return mp.SurveyDesign(frame, weights=single(spec["weights"]), **design_options(spec))
