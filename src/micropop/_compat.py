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

from micropop.errors import OptionError, check_level

__all__ = ["level_was_category", "renamed_keywords"]

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


def level_was_category(func: F) -> F:
    """Carry ``proportion``'s ``level=`` from the category it named to the coverage.

    ``proportion(variable, level=...)`` named the category counted and
    ``conf_level=`` the coverage; now ``category=`` names the category and
    ``level=`` the coverage. For the transition, ``level=`` keeps its old
    meaning when no category is given (as keyword or as the positional third
    argument, after the design or ``self`` and the variable), with a
    ``DeprecationWarning``; the value's type is never used to guess (0/1 and
    numeric categories exist). ``conf_level=`` goes on to
    :func:`renamed_keywords`, which ``func`` must carry, after a check of the
    coverage that names ``conf_level`` as the caller wrote it.

    Parameters
    ----------
    func : callable
        ``(design, variable, category=None, ..., level=0.95, ...)``, decorated
        with ``renamed_keywords(conf_level="level")``.

    Returns
    -------
    callable
        ``func`` taking the old spelling too.

    Examples
    --------
    >>> import warnings
    >>> @level_was_category
    ... @renamed_keywords(conf_level="level")
    ... def share(design: object, variable: str, category: object = None,
    ...           level: float = 0.95) -> tuple[object, float]:
    ...     return category, level
    >>> share(None, "x", category="yes", level=0.9)
    ('yes', 0.9)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     share(None, "x", level="yes")
    ('yes', 0.95)
    >>> print(caught[0].message)  # doctest: +NORMALIZE_WHITESPACE
    share(level=...) names the category here for now: write category=...; in a later
    release level= will be the coverage
    """
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        category_given = "category" in kwargs or len(args) > 2
        if "level" in kwargs and not category_given:
            warnings.warn(f"{func.__name__}(level=...) names the category here for now: "
                          "write category=...; in a later release level= will be the "
                          "coverage", DeprecationWarning, stacklevel=2)
            kwargs["category"] = kwargs.pop("level")
        if "conf_level" in kwargs:
            check_level("conf_level", kwargs["conf_level"])
        return func(*args, **kwargs)
    return wrapper  # type: ignore[return-value]
