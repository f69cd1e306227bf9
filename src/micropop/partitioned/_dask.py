"""Dask, imported only when asked for: the optional extra ``micropop[dask]``.

``import micropop`` never imports dask; the functions of the Dask engine call
:func:`require_dask` first, which names the extra to install when it is absent.

Examples
--------
>>> import pandas as pd
>>> from micropop.partitioned._dask import is_dask_frame
>>> is_dask_frame(pd.DataFrame({"w": [1.0]}))
False
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from micropop.errors import MissingDependencyError

__all__ = ["is_dask_frame", "require_dask"]

_HINT = "install the extra: pip install 'micropop[dask]' (dask[dataframe] and distributed)"


def require_dask(feature: str = "engine='dask'") -> ModuleType:
    """``dask.dataframe``, or :class:`~micropop.errors.MissingDependencyError` naming the extra.

    Parameters
    ----------
    feature : str
        What needs dask, for the message.

    Returns
    -------
    module
        ``dask.dataframe``.

    Examples
    --------
    >>> require_dask().__name__  # doctest: +SKIP
    'dask.dataframe'
    """
    try:
        import dask.dataframe
    except ImportError as err:
        raise MissingDependencyError(f"{feature} needs dask, which is not installed ({err})",
                                     hint=_HINT) from None
    return dask.dataframe


def is_dask_frame(data: Any) -> bool:
    """True for a ``dask.dataframe.DataFrame``, tested without importing dask.

    Parameters
    ----------
    data : object

    Returns
    -------
    bool

    Examples
    --------
    >>> is_dask_frame([1, 2])
    False
    """
    module = type(data).__module__ or ""
    return module.split(".")[0] in ("dask", "dask_expr") and hasattr(data, "npartitions") and \
        hasattr(data, "columns")
