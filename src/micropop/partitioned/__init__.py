"""The Dask engine: designs on partitioned data larger than memory.

``mp.SurveyDesign(ddf, ...)`` with a ``dask.dataframe.DataFrame`` gives a
:class:`PartitionedDesign`: the same parameters and results as in memory.
Each estimate is one pass over the partitions that reduces the rows to a
table per sampled unit (sums of weights and weighted values per domain cell),
then the in-memory variance code on that small table.
"""

from __future__ import annotations

from typing import Any

from micropop.partitioned._dask import is_dask_frame, require_dask

__all__ = ["is_dask_frame", "partitioned_design", "partitioned_replicate_design", "require_dask"]


def partitioned_design(data: Any, *args: Any, **kwargs: Any) -> Any:
    """:class:`~micropop.partitioned.design.PartitionedDesign` (imported when first asked for).

    ``mp.SurveyDesign(ddf, ...)`` calls it with the design class to use in
    memory (``memory=``); users call ``mp.SurveyDesign``.

    Parameters
    ----------
    data : dask.dataframe.DataFrame
    *args, **kwargs
        As :class:`~micropop.SurveyDesign`, and ``memory=``.

    Returns
    -------
    PartitionedDesign

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> from micropop.design import SurveyDesign
    >>> ddf = dd.from_pandas(pd.DataFrame({"w": [1.0, 2.0]}), npartitions=2)
    >>> partitioned_design(ddf, weights="w", memory=SurveyDesign).degf
    1
    """
    from micropop.partitioned.design import PartitionedDesign
    return PartitionedDesign(data, *args, **kwargs)


def partitioned_replicate_design(data: Any, *args: Any, **kwargs: Any) -> Any:
    """:class:`~micropop.partitioned.replicates.PartitionedReplicateDesign` (imported when asked).

    ``mp.ReplicateDesign(ddf, ...)`` calls it with the in-memory design class
    (``memory=``); users call ``mp.ReplicateDesign``.

    Parameters
    ----------
    data : dask.dataframe.DataFrame
    *args, **kwargs
        As :class:`~micropop.ReplicateDesign`, and ``memory=``.

    Returns
    -------
    PartitionedReplicateDesign

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> from micropop.design import ReplicateDesign
    >>> df = pd.DataFrame({"w": 1.0, "r1": [2.0, 0.0], "r2": [0.0, 2.0]})
    >>> partitioned_replicate_design(dd.from_pandas(df, npartitions=2), "w", ["r1", "r2"],
    ...                              "brr", memory=ReplicateDesign).degf
    1
    """
    from micropop.partitioned.replicates import PartitionedReplicateDesign
    return PartitionedReplicateDesign(data, *args, **kwargs)
