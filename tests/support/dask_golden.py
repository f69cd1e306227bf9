"""golden.json's designs built on Dask frames (uneven partitions, empty ones included).

Shared by the Dask engine's golden tests (tests/partitioned/): the design
``name`` of ``tests/reference/golden.json`` on :func:`support.partitions.dask_frame`
of its data, with the same options as :func:`support.golden.build`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from support.golden import build
from support.partitions import dask_frame


def _cut(name: str, data: pd.DataFrame) -> Any:
    return dask_frame(data, seed=len(name))


def build_dask(name: str) -> Any:
    """The golden design ``name`` on a Dask frame (replicate-weight columns included)."""
    return build(name, _cut)
