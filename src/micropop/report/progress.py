"""Progress of the report's long steps, shown on a terminal only.

A :class:`Progress` writes one line per step (``[3/7] Earnings and living
standards ... 1.4 s``) to standard error when it is a terminal, and writes
nothing when the output is piped or redirected, or when the ``CI``
environment variable is set (as continuous-integration services do), so logs
and captured output stay clean.

Examples
--------
>>> import io
>>> stream = io.StringIO()
>>> progress = Progress(2, stream=stream, enabled=True)
>>> with progress.step("profile"):
...     pass
>>> stream.getvalue().startswith("[1/2] profile ... ")
True
>>> quiet = io.StringIO()
>>> with Progress(1, stream=quiet).step("profile"):  # not a terminal: nothing written
...     pass
>>> quiet.getvalue()
''
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = ["Progress", "shows_progress"]


def shows_progress(stream: TextIO) -> bool:
    """Whether progress belongs on ``stream``: a terminal, outside CI.

    Parameters
    ----------
    stream : file-like
        Where progress would be written.

    Returns
    -------
    bool
        True when ``stream`` is an interactive terminal and the ``CI``
        environment variable is unset or empty.

    Examples
    --------
    >>> import io
    >>> shows_progress(io.StringIO())
    False
    """
    if os.environ.get("CI"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Progress:
    """Numbered steps with their durations, written as they finish.

    Parameters
    ----------
    total : int
        How many steps there will be (shown as ``[k/total]``).
    stream : file-like, optional
        Where to write; standard error when omitted.
    enabled : bool, optional
        Force progress on or off; by default :func:`shows_progress` decides.

    Examples
    --------
    >>> import io
    >>> stream = io.StringIO()
    >>> progress = Progress(1, stream=stream, enabled=True)
    >>> with progress.step("model search over 1,024 models"):
    ...     pass
    >>> stream.getvalue().split(" ... ")[0]
    '[1/1] model search over 1,024 models'
    """

    def __init__(self, total: int, stream: TextIO | None = None,
                 enabled: bool | None = None) -> None:
        self.total = total
        self.stream = sys.stderr if stream is None else stream
        self.enabled = shows_progress(self.stream) if enabled is None else enabled
        self.done = 0

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        """Time one step; announce it when it starts and give its duration when it ends.

        Parameters
        ----------
        label : str
            What the step does.

        Yields
        ------
        None
            The step runs in the ``with`` block; if it raises, the line ends
            with "failed" and the error goes on.

        Examples
        --------
        >>> from io import StringIO
        >>> log = StringIO()
        >>> steps = Progress(3, stream=log, enabled=True)
        >>> with steps.step("earnings"):
        ...     raise ValueError("no earnings column")
        Traceback (most recent call last):
        ...
        ValueError: no earnings column
        >>> log.getvalue().strip(), steps.done
        ('[1/3] earnings ... failed', 1)
        """
        self.done += 1
        if self.enabled:
            self.stream.write(f"[{self.done}/{self.total}] {label} ... ")
            self.stream.flush()
        start = time.perf_counter()
        outcome = "failed"
        try:
            yield
            outcome = f"{time.perf_counter() - start:.1f} s"
        finally:
            if self.enabled:
                self.stream.write(outcome + "\n")
                self.stream.flush()
