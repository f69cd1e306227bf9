"""Old spellings of keywords, still accepted with a ``DeprecationWarning``.

The coverage of an interval is spelled ``level`` everywhere; functions that
spelled it ``conf_level`` or ``ci_level`` take the old keyword through
:func:`renamed_keywords`, one decorator for every such rename.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from micropop.errors import OptionError

__all__ = ["renamed_keywords"]

F = TypeVar("F", bound=Callable[..., Any])


def renamed_keywords(**renames: str) -> Callable[[F], F]:
    """Let a function take old keyword names, warning that they are deprecated.

    Parameters
    ----------
    **renames : str
        Old name -> new name, e.g. ``conf_level="level"``.

    Returns
    -------
    callable
        A decorator. The decorated function's signature (as
        :func:`inspect.signature` shows it) has only the new names; a call
        with an old name gets a ``DeprecationWarning`` and is passed on with
        the new one; a call with both raises
        :class:`~micropop.errors.OptionError`.

    Examples
    --------
    >>> import warnings
    >>> @renamed_keywords(conf_level="level")
    ... def interval(x: float, level: float = 0.95) -> float:
    ...     return level
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     interval(1.0, conf_level=0.9)
    0.9
    >>> str(caught[0].message)
    'interval(conf_level=...) is deprecated: use level=...'
    """
    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in renames.items():
                if old not in kwargs:
                    continue
                if new in kwargs:
                    raise OptionError(f"{func.__name__}() got both {old}= and {new}=",
                                      hint=f"give only {new}= ({old}= is its old name)")
                warnings.warn(f"{func.__name__}({old}=...) is deprecated: use {new}=...",
                              DeprecationWarning, stacklevel=2)
                kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)
        return wrapper  # type: ignore[return-value]
    return decorate
