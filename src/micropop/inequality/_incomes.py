"""Incomes sorted within domains, scaled by powers of two, with their kernel density.

:class:`SortedIncomes` is the sorted-segments kernel
(:class:`~micropop.estimation._sorted.SortedSegments`) on incomes and weights
divided by powers of two (:func:`exponent`), with what the inequality
measures read from it: weight totals, laeken's weighted quantile, and convey's
Gaussian kernel density with its bandwidth ``h = sd / N**0.2``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from micropop.design import SurveyDesign, design_rows
from micropop.errors import InequalityError
from micropop.estimation._sorted import SortedSegments, last_at_most
from micropop.inequality._influence import bandwidth, gaussian_weights

#: float64 values: incomes, weights, per-domain measures, influence values.
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class SortedIncomes(SortedSegments):
    """Rows of each domain sorted by income, domains laid end to end.

    The sorted-segments kernel (:class:`~micropop.estimation._sorted.SortedSegments`:
    ``rows`` gives the position of each sorted row in the design's rows,
    ``segment`` its domain, ``starts``/``ends`` each domain's slice) on
    incomes and weights scaled by powers of two. Measures are computed on
    these arrays and their per-row influence values scattered back with
    :meth:`scatter`.
    """

    income_exp: int = 0
    weight_exp: int = 0

    @classmethod
    def build(cls, x: np.ndarray, w: np.ndarray, row_domain: np.ndarray) -> SortedIncomes:
        """All rows in some domain (``row_domain >= 0``) as one sorted segment.

        Incomes and weights are divided by powers of two (exactly,
        :func:`exponent`): sums of products of incomes and weights of any
        scale (1e-300, 1e300) neither overflow nor underflow.
        ``income_exp`` and ``weight_exp`` record those powers.
        """
        inside = row_domain >= 0
        rows = None if inside.all() else np.flatnonzero(inside)
        # equal incomes in any order: the measures are symmetric in them
        s = SortedSegments.sort(x, w, rows, ties="any")
        income_exp, weight_exp = exponent(s.x), exponent(s.w)
        # s.x and s.w are the sort's own copies: scaled in place
        return cls(**{**s.fields(), "x": np.ldexp(s.x, -income_exp, out=s.x),
                      "w": np.ldexp(s.w, -weight_exp, out=s.w)},
                   income_exp=income_exp, weight_exp=weight_exp)

    def income(self, values: Floats) -> Floats:
        """Values computed in the scaled incomes (a threshold, its influence) in income units."""
        return np.ldexp(values, self.income_exp)

    def stacked(self, weights: Floats) -> SortedIncomes:
        """The segments again for each column of ``weights`` (sorted rows, (n, m)).

        ``weights`` are the design's (replicate) weights, scaled here as in
        :meth:`build`; copy ``j`` holds segments ``j K`` to ``j K + K - 1``
        (:meth:`SortedSegments.stacked`).
        """
        return super().stacked(np.ldexp(weights, -self.weight_exp))

    @cached_property
    def cumulative_weight(self) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`running` sums of the weights (long double, as R's ``cumsum``)."""
        return self.running(self.w)

    @cached_property
    def weight_total(self) -> Floats:
        return self.sums(self.w)

    @cached_property
    def bandwidth(self) -> Floats:
        """convey's ``h_fun`` per domain: weighted population sd over N**0.2.

        ``N`` is the design's weight total (not the scaled one): convey's
        bandwidth, hence the SEs that use it, depend on the scale of the weights.
        """
        n = self.weight_total
        mean = self.sums(self.w * self.x) / n
        variance = self.sums(self.w * (self.x - mean[self.segment]) ** 2) / n
        h: Floats = bandwidth(variance, n) / np.exp2(self.weight_exp / 5)
        return h

    def kernel_sums(self, at: Floats,
                    times: Floats | None = None) -> Floats:
        """``sum w K((at - x) / h) [* times] / h`` per domain, Gaussian K.

        Divided by the weight total, this is convey's ``densfun`` (``"F"``);
        with ``times=x`` it is its ``"big_s"``.
        """
        h = self.bandwidth
        kernel = gaussian_weights(at[self.segment], self.x, self.w, h[self.segment])
        sums: Floats = self.sums(kernel if times is None else kernel * times)
        return sums / h

    def quantile(self, p: float, reached: bool = False) -> Floats:
        """laeken's ``weightedQuantile`` per domain, for p in (0, 1).

        The first value whose cumulative weight share ``cumsum(w) / sum(w)``
        exceeds p (so never an average of two values: laeken's tie branch
        cannot be reached). With ``reached``, the first value whose share
        reaches p (``>= p``: the inverse of the distribution function, R
        convey's ``computeQuantiles`` and survey's ``qrule="math"``); the two
        differ only when a share equals p exactly.
        """
        cum, key = self.cumulative_weight
        total = cum[self.ends - 1]
        share = cum / total[self.segment]
        before = key[self.starts] - self.w[self.starts]
        if reached:  # the last share strictly below p: at most the float just under p
            p = float(np.nextafter(p, -np.inf))
        last = last_at_most(share, np.full(self.n_segments, p), key, before + p * total,
                            self.starts, self.ends)
        q: Floats = self.x[np.minimum(last + 1, self.ends - 1)]
        return q

    def scatter(self, z: Floats) -> Floats:
        """Influence values (sorted rows) as weighted values on the design's rows."""
        out = np.zeros(self.n_rows)
        out[self.rows] = self.w * z
        return out


#: Incomes and weights are scaled so that the largest lies in [2**99, 2**100): products
#: of three of them stay finite, and small values keep their precision.
_TARGET_EXPONENT = 100


def exponent(values: np.ndarray) -> int:
    """The power of two to divide ``values`` by to bring the largest into [2**99, 2**100).

    Always the same target, so that multiplying the values by a power of two
    changes nothing after scaling (the results are the same bit for bit).
    """
    top = float(np.max(np.abs(values), initial=0.0))
    return int(np.frexp(top)[1]) - _TARGET_EXPONENT if top > 0 else 0


def refuse_vanishing(design: SurveyDesign, inside: np.ndarray, values: np.ndarray,
                     what: str, hint: str) -> None:
    """Non-zero values that scaling (:func:`exponent`) would leave subnormal or zero."""
    scaled = np.ldexp(values, -exponent(values[inside]))
    lost = inside & (values != 0) & (np.abs(scaled) < np.finfo(float).tiny)
    if lost.any():
        raise InequalityError(
            f"{int(lost.sum())} {what} are too small next to the largest one "
            f"({np.max(np.abs(values[inside])):.3g}) for double precision, in "
            f"{design_rows(design, lost, values[lost])}", hint=hint)
