"""The immutable result of every population-size estimator.

Examples
--------
>>> from micropop.size.result import SizeEstimate
>>> est = SizeEstimate(estimate=1200.0, se=100.0, ci_low=1004.0, ci_high=1396.0,
...                    ci_level=0.95, ci_method="normal", method="example",
...                    assumptions=("The population is closed.",), inputs={"n": 800})
>>> est.to_frame()[["estimate", "ci_low", "ci_high"]]
   estimate  ci_low  ci_high
0    1200.0  1004.0   1396.0
>>> est.inputs["n"]
800
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

__all__ = ["SizeEstimate"]

#: Column order of :meth:`SizeEstimate.to_frame`, stable across estimators.
FRAME_COLUMNS = ("estimate", "se", "ci_low", "ci_high", "ci_level", "method",
                 "ci_method", "assumptions")


def check_level(level: float) -> float:
    """Return ``level`` if it is a coverage strictly between 0 and 1, else raise ValueError."""
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), not {level}")
    return float(level)


def _read_only(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class SizeEstimate:
    """A population size with its standard error, interval and assumptions.

    Parameters
    ----------
    estimate : float
        The estimated number of people.
    se : float
        Its standard error (NaN when the method gives none).
    ci_low, ci_high : float
        Confidence limits; ``ci_high`` may be ``inf`` when the data put no
        upper bound on the size (e.g. a profile interval with no recapture).
    ci_level : float
        Coverage of the interval, e.g. 0.95.
    ci_method : str
        How the interval was made, e.g. ``"log-normal (Chao 1987)"``.
    method : str
        Short name of the estimator, e.g. ``"Chapman"``.
    assumptions : tuple of str
        The assumptions the estimate rests on, one plain sentence each.
    inputs : mapping
        The inputs used (counts, list names, model terms), read-only.
    extra : mapping, optional
        Anything else worth keeping (model table, coefficients), read-only.

    Examples
    --------
    >>> import micropop as mp
    >>> est = mp.size.chapman(60, 50, 20)
    >>> print(est.summary().splitlines()[0])
    Population size: Chapman
    >>> est.to_frame().columns.tolist()
    ['estimate', 'se', 'ci_low', 'ci_high', 'ci_level', 'method', 'ci_method', 'assumptions']
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    ci_level: float
    ci_method: str
    method: str
    assumptions: tuple[str, ...] = ()
    inputs: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("estimate", "se", "ci_low", "ci_high", "ci_level"):
            object.__setattr__(self, name, float(getattr(self, name)))
        check_level(self.ci_level)
        object.__setattr__(self, "assumptions", tuple(str(a) for a in self.assumptions))
        object.__setattr__(self, "inputs", _read_only(self.inputs))
        object.__setattr__(self, "extra", _read_only(self.extra))

    def to_frame(self) -> pd.DataFrame:
        """One tidy row: estimate, se, ci_low, ci_high, ci_level, method, ci_method, assumptions.

        ``assumptions`` are joined into one string with ``" | "``.
        """
        row = {"estimate": self.estimate, "se": self.se, "ci_low": self.ci_low,
               "ci_high": self.ci_high, "ci_level": self.ci_level, "method": self.method,
               "ci_method": self.ci_method, "assumptions": " | ".join(self.assumptions)}
        return pd.DataFrame([row], columns=list(FRAME_COLUMNS))

    def _lines(self) -> tuple[str, str, str]:
        level = f"{self.ci_level:.0%}"
        se = "" if math.isnan(self.se) else f" (SE {self.se:,.1f})"
        head = f"Population size: {self.method}"
        point = f"estimate {self.estimate:,.1f}{se}"
        interval = (f"{level} interval [{self.ci_low:,.1f}, {self.ci_high:,.1f}]"
                    f" ({self.ci_method})")
        return head, point, interval

    def summary(self) -> str:
        """The estimate, interval, inputs and assumptions as plain text."""
        head, point, interval = self._lines()
        inputs = ", ".join(f"{k}={v}" for k, v in self.inputs.items())
        lines = [head, "  " + point, "  " + interval]
        if inputs:
            lines.append("  inputs: " + inputs)
        if self.assumptions:
            lines.append("  assumptions:")
            lines.extend("  - " + a for a in self.assumptions)
        return "\n".join(lines)

    def __repr__(self) -> str:
        head, point, interval = self._lines()
        return f"<SizeEstimate {self.method}: {point}, {interval}>"

    def _repr_html_(self) -> str:
        head, point, interval = (html.escape(s) for s in self._lines())
        items = "".join(f"<li>{html.escape(a)}</li>" for a in self.assumptions)
        inputs = html.escape(", ".join(f"{k}={v}" for k, v in self.inputs.items()))
        return (f"<div><strong>{head}</strong><br>{point}<br>{interval}"
                f"<br><small>inputs: {inputs}</small><ul>{items}</ul></div>")
