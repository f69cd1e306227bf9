"""Checks of the arguments every area takes: a coverage level, an option among fixed
values, a finite number in a range, each refused with an :class:`OptionError`
naming the argument.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from micropop.errors._exceptions import OptionError


def check_level(name: str, level: float) -> float:
    """Return ``level`` if it is a coverage strictly in (0, 1), else raise :class:`OptionError`.

    Parameters
    ----------
    name : str
        The argument, as the user wrote it (e.g. ``"conf_level"``).
    level : float
        The coverage to check.

    Returns
    -------
    float
        ``level``, as a float.

    Examples
    --------
    >>> check_level("conf_level", 0.9)
    0.9
    >>> check_level("conf_level", 95)
    Traceback (most recent call last):
    ...
    micropop.errors.OptionError: conf_level=95 is not a coverage. Give a level between 0 and 1, ...
    >>> check_level("conf_level", "0.95")
    Traceback (most recent call last):
    ...
    micropop.errors.OptionError: conf_level='0.95' is not a number. Give a level between 0 and ...
    """
    hint = "give a level between 0 and 1, e.g. 0.95"
    level = check_number(name, level, hint=hint)  # text, True/False and NaN refused by name
    if not 0 < level < 1:
        raise OptionError(f"{name}={level:g} is not a coverage", hint=hint)
    return level


def check_option(name: str, value: Any, choices: Sequence[Any]) -> Any:
    """Return ``value`` if it is one of ``choices``, else raise :class:`OptionError`.

    Parameters
    ----------
    name : str
        The argument, as the user wrote it (e.g. ``"ci"``).
    value : object
    choices : sequence
        The accepted values, listed in the message.

    Returns
    -------
    object
        ``value`` itself.

    Examples
    --------
    >>> check_option("ci", "logit", ["logit", "wilson"])
    'logit'
    >>> check_option("ci", "exact", ["logit", "wilson"])
    Traceback (most recent call last):
    ...
    micropop.errors.OptionError: ci='exact' is not one of the choices. Use one of 'logit', 'wilson'.
    """
    if value not in choices:
        raise OptionError(f"{name}={value!r} is not one of the choices",
                          hint="use one of " + ", ".join(map(repr, choices)))
    return value


def check_number(name: str, value: Any, *, low: float | None = None, high: float | None = None,
                 low_open: bool = False, high_open: bool = False, integer: bool = False,
                 allow_inf: bool = False, hint: str | None = None) -> Any:
    """Return ``value`` as a float (or int) if it is a real number in range, else raise an error.

    The error is an :class:`OptionError` naming the argument.

    The one check of every scalar numeric argument (bounds, scales, counts of
    replicates, poverty lines, tolerances): booleans, text, ``None``, NaN and
    (unless ``allow_inf``) infinities are refused by name instead of being
    silently converted or treated as "no limit".

    Parameters
    ----------
    name : str
        The argument, as the user wrote it (e.g. ``"replicates"``).
    value : object
    low, high : float, optional
        Limits of the accepted range (inclusive unless ``low_open``/``high_open``).
    low_open, high_open : bool, default False
        Exclude the limit itself (``low_open=True``: strictly above ``low``).
    integer : bool, default False
        Require a whole number (``3`` or ``3.0``, not ``2.5``); an int is returned.
    allow_inf : bool, default False
        Accept ``-inf``/``inf`` (still subject to the limits).
    hint : str, optional
        What to do instead; a hint built from the range is used otherwise.

    Returns
    -------
    float or int
        ``value`` as a float, or an int with ``integer=True``.

    Examples
    --------
    >>> check_number("replicates", 50.0, low=2, integer=True)
    50
    >>> check_number("scale", float("nan"), low=0, low_open=True)
    Traceback (most recent call last):
    ...
    micropop.errors.OptionError: scale=nan is not a number. Give a number above 0.
    >>> check_number("replicates", 2.5, low=2, integer=True)
    Traceback (most recent call last):
    ...
    micropop.errors.OptionError: replicates=2.5 is not a whole number. Give a whole number of ...
    """
    if isinstance(value, np.generic):
        value = value.item()  # the message shows 0.5, not np.float64(0.5)
    kind = "whole number" if integer else "number"
    parts = []
    if low is not None:
        parts.append(f"above {low:g}" if low_open else f"of at least {low:g}")
    if high is not None:
        parts.append(f"below {high:g}" if high_open else f"of at most {high:g}")
    advice = hint or (f"give a {kind} " + " and ".join(parts) if parts else f"give a finite {kind}")
    real = (int, float, np.integer, np.floating)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, real):
        raise OptionError(f"{name}={value!r} is not a number", hint=advice)
    try:
        number = float(value)
    except OverflowError:  # an int beyond double range, e.g. 10**400
        raise OptionError(f"{name}={value!r} is too large", hint=advice) from None
    if np.isnan(number) or (np.isinf(number) and not allow_inf):
        raise OptionError(f"{name}={value!r} is not a number" if np.isnan(number)
                          else f"{name}={value!r} is not finite", hint=advice)
    if integer and np.isfinite(number) and number != np.floor(number):
        raise OptionError(f"{name}={value!r} is not a whole number", hint=advice)
    if ((low is not None and (number < low or (low_open and number == low)))
            or (high is not None and (number > high or (high_open and number == high)))):
        raise OptionError(f"{name}={value!r} is out of range", hint=advice)
    return int(number) if integer and np.isfinite(number) else number
