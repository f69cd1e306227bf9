"""Hypothesis strategies for hostile survey inputs, reusable by every estimator's tests.

Not a test module: import the strategies from a test file
(``from support.hostile import design_frames, numbers, ...``; ``tests/`` is on the path
when pytest runs). They generate what users' files really hold and what breaks
numerical code: NaN, infinities, values near the limits of double precision
(1e308, 1e-300, subnormals), zero and huge weights, domains of one row or none,
labels in any script, column labels that are not text or that repeat.

Each strategy is small (a few to a few dozen rows), so that a property test with
``max_examples`` of 20 to 50 runs in a few seconds.

- :func:`numbers`: one float, finite or not, from the hostile corners.
- :func:`weights`: one weight: 0, tiny, ordinary, huge (finite, >= 0).
- :func:`level_names`: a category label: unicode, blank, numeric-looking text.
- :func:`column_labels`: labels for a DataFrame's columns, text or not, repeated or not.
- :func:`design_frames`: a survey DataFrame with its design columns and a spec
  (``HostileFrame``) saying which columns hold what.
- :func:`scaled`: the same frame with every weight multiplied by a factor.
- :func:`every_estimator_right_or_refused`: runs every design estimator (total,
  mean, ratio, quantile, proportion, chisq; with ``by=`` and subset masks drawn
  at random) on a design of :func:`design_frames` and checks each result is
  finite or a :class:`~micropop.errors.MicropopError`, NaN intervals only where
  a :class:`~micropop.errors.MicropopWarning` named them.

Examples
--------
>>> from hypothesis import given, settings
>>> from support.hostile import design_frames
>>> @settings(max_examples=5)
... @given(design_frames())
... def check(frame):
...     assert len(frame.data) == frame.n_rows
>>> check()
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from micropop import inequality
from micropop.errors import InfiniteValueError, MicropopError, MicropopWarning

__all__ = ["HostileFrame", "column_labels", "design_frames", "every_estimator_right_or_refused",
           "level_names", "numbers", "scaled", "weights"]

#: Values where sums, squares and products of doubles overflow or underflow.
EXTREMES = [1e308, -1e308, 1.7976931348623157e308, 1e-300, -1e-300, 5e-324, 1e154, 1e-154]


def numbers(allow_nan: bool = True, allow_infinity: bool = True,
            extremes: bool = True) -> st.SearchStrategy[float]:
    """One float: ordinary values, zeros and, optionally, NaN, infinities and extremes."""
    ordinary = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
    choices = [ordinary, st.sampled_from([0.0, -0.0, 1.0, 0.5])]
    if extremes:
        choices.append(st.sampled_from(EXTREMES))
    if allow_nan:
        choices.append(st.just(float("nan")))
    if allow_infinity:
        choices.append(st.sampled_from([float("inf"), float("-inf")]))
    return st.one_of(*choices)


def weights(zero: bool = True, extremes: bool = True) -> st.SearchStrategy[float]:
    """One sampling weight: finite and >= 0 (zero, tiny, ordinary or huge)."""
    choices = [st.floats(0.5, 1e4, allow_nan=False, allow_infinity=False)]
    if zero:
        choices.append(st.just(0.0))
    if extremes:
        choices.append(st.sampled_from([1e-300, 5e-324, 1e300, 1e308, 1e-20, 1e20]))
    return st.one_of(*choices)


def level_names() -> st.SearchStrategy[str]:
    """A category label: unicode (accents, CJK, RTL, emoji), blank, or number-like text."""
    return st.one_of(
        st.sampled_from(["é", "Ž", "中文", "עברית", "🙂", " ", "", "1", "1.0", "nan", "None",
                         "a.b", "E", "e"]),
        st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1,
                max_size=4))


def column_labels(n: int, text_only: bool = False,
                  distinct: bool = False) -> st.SearchStrategy[list]:
    """``n`` column labels: text (unicode) or, unless ``text_only``, numbers, None,
    tuples; repeated unless ``distinct``."""
    label = level_names() if text_only else st.one_of(
        level_names(), st.integers(-3, 3), st.just(None), st.tuples(st.just("a"), st.just(1)),
        st.floats(allow_nan=True))
    return st.lists(label, min_size=n, max_size=n, unique_by=(repr if distinct else None))


@dataclass(frozen=True)
class HostileFrame:
    """A generated survey frame and the columns it holds.

    ``data`` has columns ``y`` (analysis values), ``x`` (positive values, a
    ratio's denominator), ``b`` (a 0/1 indicator), ``g`` (domain labels, some
    of one row), ``w`` (weights), ``h`` (strata), ``psu`` (clusters nested in
    strata) and ``N`` (population PSUs per stratum, an fpc). ``design_kwargs``
    builds the design they describe.
    """

    data: pd.DataFrame
    stratified: bool
    clustered: bool
    with_fpc: bool
    design_kwargs: dict = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        return len(self.data)


@st.composite
def design_frames(draw, min_rows: int = 4, max_rows: int = 24, value_nan: bool = False,
                  value_inf: bool = False, extremes: bool = True, zero_weights: bool = True,
                  design: bool = True) -> HostileFrame:
    """A survey DataFrame with a design (strata, clusters, fpc) drawn at random.

    Analysis values may hold NaN (``value_nan``), infinities (``value_inf``),
    and values near the limits of double precision (``extremes``); weights may
    be zero (never all) and tiny or huge (``extremes``). Domains (``g``) use
    unicode labels, and some hold a single row. With ``design``, strata and
    clusters are drawn so that every stratum has two PSUs or more.
    """
    n = draw(st.integers(min_rows, max_rows))
    y = draw(st.lists(numbers(value_nan, value_inf, extremes), min_size=n, max_size=n))
    x = draw(st.lists(st.one_of(st.floats(0.5, 1e3), st.sampled_from([1e-300, 1e300]))
                      if extremes else st.floats(0.5, 1e3), min_size=n, max_size=n))
    b = draw(st.lists(st.sampled_from([0, 1]), min_size=n, max_size=n))
    names = draw(st.lists(level_names(), min_size=1, max_size=4, unique=True))
    g = draw(st.lists(st.sampled_from(names), min_size=n, max_size=n))
    w = draw(st.lists(weights(zero_weights, extremes), min_size=n, max_size=n))
    if not any(v > 0 for v in w):
        w[0] = 1.0
    stratified = design and draw(st.booleans())
    clustered = design and draw(st.booleans())
    with_fpc = design and draw(st.booleans())
    n_strata = 2 if stratified and n >= 8 else 1
    h = np.repeat(np.arange(n_strata), -(-n // n_strata))[:n]
    if clustered:  # two rows per PSU, PSUs numbered within strata (nest=True)
        psu = np.concatenate([np.arange(np.sum(h == s)) // 2 for s in range(n_strata)])
    else:
        psu = np.concatenate([np.arange(np.sum(h == s)) for s in range(n_strata)])
    sampled = np.array([len(np.unique(psu[h == s])) for s in range(n_strata)])
    population = sampled[h] * draw(st.sampled_from([1, 2, 10, 1000]))
    data = pd.DataFrame({"y": y, "x": x, "b": b, "g": g, "w": w, "h": [f"s{v}" for v in h],
                         "psu": psu, "N": population.astype(float)})
    kwargs: dict = {"weights": "w"}
    if stratified and n_strata > 1:
        kwargs["strata"] = "h"
    if clustered:
        kwargs["psu"] = "psu"
        kwargs["nest"] = True
    if with_fpc:
        kwargs["fpc"] = "N"
    return HostileFrame(data, stratified and n_strata > 1, clustered, with_fpc, kwargs)


def scaled(frame: HostileFrame, factor: float) -> HostileFrame:
    """The frame with every weight multiplied by ``factor``."""
    data = frame.data.assign(w=frame.data["w"] * factor)
    return HostileFrame(data, frame.stratified, frame.clustered, frame.with_fpc,
                        frame.design_kwargs)


def _assert_finite(est, warned: bool) -> None:
    """Estimates and SEs finite; a quantile's SE (read off its interval) may be NaN
    only where a warning named its interval."""
    assert np.isfinite(est.estimate).all(), est
    se = est.se
    if est.statistic == "quantile" and warned:
        se = se[np.isfinite(se)]
    assert np.isfinite(se).all() and (se >= 0).all(), est


def every_estimator_right_or_refused(design, draw: Callable) -> None:
    """Run every estimator on ``design`` (a design of :func:`design_frames`' columns).

    ``draw`` is hypothesis' ``data.draw``: it picks a subset mask, the ``by=``
    columns and the options. Each call returns finite estimates and SEs or
    raises a :class:`MicropopError`; an interval bound may be NaN only if a
    :class:`MicropopWarning` named it.
    """
    rows = len(design.data)
    mask = draw(st.lists(st.booleans(), min_size=rows, max_size=rows))
    if any(mask) and draw(st.booleans()):
        design = design.subset(np.array(mask))
    by = draw(st.sampled_from([None, "g", ["g", "b"]]))
    calls = {
        "total": lambda d: d.total(["y", "b"], by=by, deff=draw(st.booleans())),
        "mean": lambda d: d.mean(["y", "g"], by=by),
        "ratio": lambda d: d.ratio("y", "x", by=by),
        "quantile": lambda d: d.quantile("y", [0.0, 0.5, 1.0], by=by, qrule=draw(
            st.sampled_from(["math", "school", "hf7"]))),
        "proportion": lambda d: d.proportion("b", by=by, ci=draw(
            st.sampled_from(["logit", "beta", "mean", "xlogit"]))),
        "chisq": lambda d: d.chisq("g", "b"),
        # the inequality and poverty measures take the same designs (y may be negative,
        # tiny or huge: refused by name or answered)
        "gini": lambda d: inequality.gini(d, "y", by=by),
        "lorenz": lambda d: inequality.lorenz(d, "y", by=by),
        "top_share": lambda d: inequality.top_share(d, "y", by=by),
        "arpt": lambda d: inequality.arpt(d, "y", by=by),
        "arpr": lambda d: inequality.arpr(d, "y", by=by),
        "rmpg": lambda d: inequality.rmpg(d, "y", by=by),
        "qsr": lambda d: inequality.qsr(d, "y", by=by),
        "poverty_rate": lambda d: inequality.poverty_rate(d, "y", line=1.0, by=by),
    }
    for name, call in calls.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                est = call(design)
            except MicropopError:
                continue
        if name == "chisq":
            assert np.isfinite([est.statistic, est.p_value]).all(), est
            continue
        named = [w for w in caught if issubclass(w.category, MicropopWarning)
                 and "interval of" in str(w.message)]
        _assert_finite(est, bool(named))
        try:
            bounds = est.ci().to_numpy()
        except InfiniteValueError:  # an interval beyond 1.8e308: refused by name
            continue
        assert np.isfinite(bounds).all() or named, (name, est)
