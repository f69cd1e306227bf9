"""The Dask engine: designs on partitioned data larger than memory.

``mp.SurveyDesign(ddf, ...)`` with a ``dask.dataframe.DataFrame`` gives a
:class:`PartitionedDesign`: the same parameters and results as in memory.
Each estimate is one pass over the partitions that reduces the rows to a
table per sampled unit (sums of weights and weighted values per domain cell),
then the in-memory variance code on that small table.
"""

from __future__ import annotations

from micropop.partitioned._dask import is_dask_frame, require_dask

__all__ = ["is_dask_frame", "require_dask"]
