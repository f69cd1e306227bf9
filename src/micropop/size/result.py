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

import itertools
import math
import warnings
from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

from micropop.errors import MicropopError, NestingError, OptionError, check_level, check_number
from micropop.result import Block, Result, Table

__all__ = ["Circles", "SizeEstimate"]


def at_least(low: float, high: float, floor: float) -> tuple[float, float]:
    """An interval with both limits raised to ``floor``, the fewest people there can be.

    Every size interval respects it: at least the people already observed (on
    a list, in a sample) exist, and a count is never negative. Rcapture's
    intervals do the same.

    Examples
    --------
    >>> at_least(-12.0, 40.0, 5.0)
    (5.0, 40.0)
    """
    return max(float(low), float(floor)), max(float(high), float(floor))


def checked_number(error: type[MicropopError], name: str, value: Any, **limits: Any) -> float:
    """:func:`~micropop.errors.check_number`, raising the size area's ``error`` class.

    Examples
    --------
    >>> from micropop.errors import MultiplicityError
    >>> checked_number(MultiplicityError, "multiplicity", 1.27, low=1)
    1.27
    """
    try:
        number: float = check_number(name, value, **limits)  # an int when integer=True
    except OptionError as err:
        raise error(err.message, hint=err.hint) from None
    return number

#: Column order of :meth:`SizeEstimate.to_frame`, stable across estimators.
FRAME_COLUMNS = ("estimate", "se", "ci_low", "ci_high", "ci_level", "method",
                 "ci_method", "assumptions")


def _read_only(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


def _stacked(estimates: Mapping[str, SizeEstimate], name: str | None) -> pd.DataFrame:
    """The rows of several SizeEstimates, indexed by their names."""
    frame = pd.concat([est.to_frame() for est in estimates.values()], ignore_index=True)
    frame.index = pd.Index(list(estimates), name=name)
    return frame


@dataclass(frozen=True, repr=False)
class SizeEstimate(Result):
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
    by : str, optional
        The domain column, for an estimate broken down by domain
        (:func:`~micropop.size.survey_count` with ``by=``).
    domains : mapping of str to SizeEstimate, optional
        With ``by``: the estimate of each domain (read-only); the fields
        above are then those of the whole population, and :meth:`to_frame`
        has one row per domain.

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
    by: str | None = None
    domains: Mapping[str, SizeEstimate] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("estimate", "se", "ci_low", "ci_high", "ci_level"):
            object.__setattr__(self, name, float(getattr(self, name)))
        check_level("ci_level", self.ci_level)
        # last line of defence: estimators refuse bad input by name before getting here
        problems = [what for what, bad in (
            ("the estimate is not a finite number", not math.isfinite(self.estimate)),
            ("the standard error is negative or infinite",
             not (math.isnan(self.se) or 0 <= self.se < math.inf)),
            ("the lower limit is not a finite number", not math.isfinite(self.ci_low)),
            ("the upper limit is missing or below the lower one",
             not self.ci_high >= self.ci_low)) if bad]
        if problems:
            raise MicropopError(
                f"population size by {self.method}: {'; '.join(problems)} (estimate "
                f"{self.estimate}, SE {self.se}, interval [{self.ci_low}, {self.ci_high}])",
                hint="check the inputs of the estimator for extreme or degenerate values")
        object.__setattr__(self, "assumptions", tuple(str(a) for a in self.assumptions))
        object.__setattr__(self, "inputs", _read_only(self.inputs))
        object.__setattr__(self, "extra", _read_only(self.extra))
        object.__setattr__(self, "domains", _read_only(self.domains))
        if bool(self.domains) != (self.by is not None):
            raise OptionError("a SizeEstimate by domain needs both by= and domains=",
                              hint="give the domain column and the estimate of each domain")

    def to_frame(self) -> pd.DataFrame:
        """One tidy row: estimate, se, ci_low, ci_high, ci_level, method, ci_method, assumptions.

        ``assumptions`` are joined into one string with ``" | "``. By domain,
        one such row per domain, indexed by the domains (named :attr:`by`).

        Returns
        -------
        DataFrame
            The columns of ``FRAME_COLUMNS``, one row (or one per domain).

        Examples
        --------
        >>> import micropop as mp
        >>> row = mp.size.lincoln_petersen(60, 50, 20).to_frame()
        >>> row[["estimate", "se", "method"]].round(1)
           estimate    se            method
        0     150.0  21.2  Lincoln-Petersen
        """
        if self.domains:
            return _stacked(self.domains, self.by)
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

    def _title(self) -> str:
        return self._lines()[0]

    def _blocks(self) -> list[Block]:
        """The estimate, interval, domains, inputs and assumptions."""
        head, point, interval = self._lines()
        inputs = ", ".join(f"{k}={v}" for k, v in self.inputs.items())
        blocks: list[Block] = ["  " + point, "  " + interval]
        if self.domains:
            blocks += [f"  by {self.by}:", Table(self.to_frame()[
                ["estimate", "se", "ci_low", "ci_high"]], "{:,.1f}")]
        if inputs:
            blocks.append("  inputs: " + inputs)
        if self.assumptions:
            blocks.append("  assumptions:")
            blocks.extend("  - " + a for a in self.assumptions)
        return blocks

    def __repr__(self) -> str:
        head, point, interval = self._lines()
        domains = f"; by {self.by}: {len(self.domains)} domains" if self.domains else ""
        return f"<SizeEstimate {self.method}: {point}, {interval}{domains}>"

    # --- the mapping of domains that survey_count(by=) returned before 0.x ------------------

    def _domain_mapping(self, use: str) -> Mapping[str, SizeEstimate]:
        if not self.domains:
            raise TypeError(f"this SizeEstimate ({self.method}) has no domains: {use} "
                            "needs an estimate by domain (survey_count(by=...))")
        warnings.warn("survey_count(by=) returns one SizeEstimate, no longer a dict: read "
                      "the domains with .domains[domain] or .to_frame()",
                      DeprecationWarning, stacklevel=3)
        return self.domains

    def __bool__(self) -> bool:
        return True

    def __getitem__(self, domain: str) -> SizeEstimate:
        return self._domain_mapping("indexing")[domain]

    def __iter__(self) -> Iterator[str]:
        return iter(self._domain_mapping("iteration"))

    def __len__(self) -> int:
        return len(self._domain_mapping("len()"))

    def __contains__(self, domain: object) -> bool:
        return domain in self._domain_mapping("'in'")

    def keys(self) -> KeysView[str]:
        """Deprecated: the domains (use ``.domains.keys()``).

        Returns
        -------
        KeysView of str
            The domain labels, with a ``DeprecationWarning``.

        Examples
        --------
        >>> import warnings
        >>> one = SizeEstimate(50.0, 5.0, 40.0, 60.0, 0.95, "normal", "example")
        >>> est = SizeEstimate(100.0, 7.0, 86.0, 114.0, 0.95, "normal", "example",
        ...                    by="sex", domains={"female": one, "male": one})
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     list(est.keys())
        ['female', 'male']
        >>> caught[0].category.__name__, list(est.domains)
        ('DeprecationWarning', ['female', 'male'])
        """
        return self._domain_mapping("keys()").keys()

    def values(self) -> ValuesView[SizeEstimate]:
        """Deprecated: the estimate of each domain (use ``.domains.values()``).

        Returns
        -------
        ValuesView of SizeEstimate
            One estimate per domain, with a ``DeprecationWarning``.

        Examples
        --------
        >>> import micropop as mp
        >>> des = mp.SurveyDesign(mp.datasets.load_population_survey(), weights="weight")
        >>> by_sex = mp.size.survey_count(des, "microwork_12m", by="sex")
        >>> [round(e.estimate, -3) for e in by_sex.domains.values()]  # not .values()
        [161000.0, 135000.0]
        """
        return self._domain_mapping("values()").values()

    def items(self) -> ItemsView[str, SizeEstimate]:
        """Deprecated: domain and estimate pairs (use ``.domains.items()``).

        Returns
        -------
        ItemsView of (str, SizeEstimate)
            ``(domain, estimate)`` pairs, with a ``DeprecationWarning``.

        Examples
        --------
        >>> import micropop as mp
        >>> des = mp.SurveyDesign(mp.datasets.load_population_survey(), weights="weight")
        >>> est = mp.size.survey_count(des, "microwork_12m", by="region")
        >>> region, first = next(iter(est.domains.items()))  # not est.items()
        >>> region, round(first.estimate, -3)
        ('Île-de-France', 74000.0)
        """
        return self._domain_mapping("items()").items()


@dataclass(frozen=True, repr=False)
class Circles(Result):
    """Nested population sizes, widest circle first: never add them up.

    Each circle is a :class:`SizeEstimate`; an inner circle (e.g. weekly
    workers) is part of every circle before it (e.g. everyone registered), so
    the point estimates must not increase from one circle to the next.

    Parameters
    ----------
    estimates : mapping of str to SizeEstimate
        The circles, widest first.
    definitions : mapping of str to str
        Each circle's definition in words (same keys).

    Raises
    ------
    NestingError
        An inner circle's estimate exceeds an outer one's.

    Examples
    --------
    >>> from micropop.size.result import Circles, SizeEstimate
    >>> def size(n):
    ...     return SizeEstimate(n, 10.0, n - 20, n + 20, 0.95, "normal", "example")
    >>> circles = Circles({"registered": size(500.0), "weekly": size(80.0)},
    ...                   {"registered": "on a platform", "weekly": "active weekly"})
    >>> circles.to_frame()[["definition", "estimate"]]  # doctest: +NORMALIZE_WHITESPACE
                   definition  estimate
    circle
    registered  on a platform     500.0
    weekly      active weekly      80.0
    >>> circles["weekly"].estimate
    80.0
    """

    estimates: Mapping[str, SizeEstimate]
    definitions: Mapping[str, str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "estimates", _read_only(self.estimates))
        object.__setattr__(self, "definitions", _read_only(
            {name: self.definitions.get(name, name) for name in self.estimates}))
        names = list(self.estimates)
        for outer, inner in itertools.pairwise(names):
            big, small = self.estimates[outer].estimate, self.estimates[inner].estimate
            if small > big:
                raise NestingError(
                    f"circle {inner!r} ({small:,.0f}) is larger than circle {outer!r} "
                    f"({big:,.0f}) that should contain it",
                    hint="check the figures or definitions of the two circles: an inner "
                         "circle (more frequent activity) must be a part of the outer one")

    def __getitem__(self, name: str) -> SizeEstimate:
        return self.estimates[name]

    def to_frame(self) -> pd.DataFrame:
        """One row per circle (index ``circle``): definition, then the SizeEstimate columns.

        Returns
        -------
        DataFrame
            Widest circle first.

        Examples
        --------
        >>> import micropop as mp
        >>> circles = mp.size.platform_circles(mp.datasets.load_platforms(), multiplicity=1.27)
        >>> circles.to_frame().columns[:3].tolist(), circles.to_frame().index.tolist()
        (['definition', 'estimate', 'se'], ['registered', 'regular', 'very_active'])
        """
        frame = _stacked(self.estimates, "circle")
        frame.insert(0, "definition", list(self.definitions.values()))
        return frame

    def _title(self) -> str:
        return "Nested circles (each contains the next; never add them up)"

    def _blocks(self) -> list[Block]:
        """The circles' definitions, estimates and intervals (rounded to whole people)."""
        columns = ["estimate", "se", "ci_low", "ci_high"]
        return [self.to_frame()[["definition", *columns]].round({c: 0 for c in columns})]
