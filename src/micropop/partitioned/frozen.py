"""What the Dask designs share: immutability, and the refusals of in-memory-only features.

Examples
--------
>>> refuse_deff(False)
>>> refuse_deff(True)
Traceback (most recent call last):
...
micropop.errors.InMemoryOnlyError: design effects (deff=) are not offered on a Dask design ...
"""

from __future__ import annotations

from typing import Any, Self

from micropop.design._core import Design
from micropop.errors import InMemoryOnlyError, check_option

__all__ = ["IN_MEMORY_ONLY", "FrozenDesign", "refuse_deff", "refuse_mask"]

#: Methods of in-memory designs that a Dask design refuses by name (InMemoryOnlyError),
#: besides every other public name of the in-memory design.
IN_MEMORY_ONLY = frozenset({"quantile", "var", "cov", "corr", "glm", "olr", "ttest", "trim",
                            "weight_summary", "assign", "weights", "frame", "full_weights",
                            "replicate_weights", "weight_matrix"})


class FrozenDesign:
    """The base of the Dask designs: immutable, and refusing what needs the rows in memory.

    A design is copied with some slots changed; a feature of the in-memory
    design is refused by name (:class:`~micropop.errors.InMemoryOnlyError`).

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(dd.from_pandas(pd.DataFrame({"w": [1.0]}), npartitions=1),
    ...                       weights="w")
    >>> isinstance(des, FrozenDesign)
    True
    >>> des.glm("w")
    Traceback (most recent call last):
    ...
    micropop.errors.InMemoryOnlyError: glm is not offered on a Dask design (it needs the rows ...
    """

    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("designs are immutable; methods return new designs")

    def _replace(self, **slots: object) -> Self:
        new = object.__new__(type(self))
        names: tuple[str, ...] = type(self).__slots__
        for name in names:
            object.__setattr__(new, name, slots.get(name, getattr(self, name)))
        return new

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("_") and hasattr(Design, name) or name in IN_MEMORY_ONLY:
            raise InMemoryOnlyError(
                f"{name} is not offered on a Dask design (it needs the rows in memory)",
                hint="des.compute() gives the in-memory design when the data fit in memory; "
                     "otherwise select the rows and columns needed on the Dask frame, "
                     "then .compute() them and build an in-memory design")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


def refuse_deff(deff: object) -> None:
    """Refuse ``deff=`` other than False on a Dask design (checking the option first).

    Parameters
    ----------
    deff : bool or "replace"

    Raises
    ------
    InMemoryOnlyError
        ``deff=True`` or ``"replace"``.

    Examples
    --------
    >>> refuse_deff(False)
    """
    check_option("deff", deff, [True, False, "replace"])
    if deff is not False:
        raise InMemoryOnlyError(
            "design effects (deff=) are not offered on a Dask design with replicate-weight "
            "columns yet: they need the rows' own variance",
            hint="estimate without deff=, or compute the design effect on an in-memory "
                 "design (des.compute(), or a subset of the rows)")


def refuse_mask(where: object) -> None:
    """Refuse a subset given otherwise than as a condition in text.

    Parameters
    ----------
    where : object

    Raises
    ------
    InMemoryOnlyError
        A mask (or anything but text).

    Examples
    --------
    >>> refuse_mask("age >= 18")
    """
    if not isinstance(where, str):
        raise InMemoryOnlyError(
            "a Dask design takes its subset as a condition in text, not a mask",
            hint="write the condition, e.g. des.subset(\"age >= 18\"), or add the mask "
                 "as a column of the Dask frame and test it")
