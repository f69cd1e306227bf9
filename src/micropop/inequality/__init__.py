"""Inequality and poverty measures with design-based standard errors.

Point estimates follow R ``laeken`` (Alfons & Templ), the reference of
Eurostat's EU-SILC indicators: the same weighted quantile rule
(``weightedQuantile``: the first value whose cumulative weight share
*exceeds* p), the same Gini formula (``giniCoeff``), "poor" meaning strictly
below the threshold (``weightedRate``), and, with ``by=``, the threshold of
the whole design for the poverty rate and gap (laeken's ``breakdown``).
laeken reports Gini, poverty rate and gap in percent; micropop returns
fractions (0.2649, not 26.49).

Standard errors are Taylor-linearised, as R ``convey`` (Osier 2009; Deville
1999): each measure's influence value for every row is handed to the design
variance engine (:mod:`micropop.variance`), so strata, clusters, fpc,
lonely-PSU policies and domains all work. Where a quantile enters a measure,
its derivative uses convey's Gaussian kernel density with convey's bandwidth
``h = sd / N**0.2`` (``h_fun``: the weighted population standard deviation of
the domain over its weight total to the power 1/5). Because ``N`` is the
weight total, not the sample size, those SEs (arpt, arpr, qsr, rmpg) move
if every weight is multiplied by a constant ``c`` (the bandwidth by
``c**-0.2``: slightly for a factor 7, 1e60-fold for 1e300, as in convey); the
Gini, Lorenz, top-share and fixed-line poverty-rate SEs do not.

Incomes must be finite (infinite ones are refused, naming the rows). Incomes
and weights are divided by powers of two (exactly) before any sum, the
largest of each brought near ``2**100``, so every estimate, and the SEs
without a kernel, are the same for weights of any scale (1e-300 or 1e300)
and incomes of any size. What double precision cannot hold is refused,
naming it: values more than about 1e330 times smaller than the largest of
their column, a variance beyond its range (a threshold in incomes near 1e300).
A poverty threshold must be a positive income (``arpr``, ``rmpg``, ``poormed``).
``rmpg`` and ``poormed`` (the median income of the poor, convey's
``svypoormed``) take ``rule="convey"`` for R convey's definitions: poor at or
below the threshold, and quantiles as the first income whose cumulative share
*reaches* p (convey's ``computeQuantiles``).

On a replicate-weight design (:class:`~micropop.design.ReplicateDesign`, or
:meth:`SurveyDesign.replicate`) every measure is recomputed with each
replicate's weights (R ``survey``'s ``withReplicates``) and the variance is
the design's own (scale, rscales, mse: R's ``svrVar``). The replicates are
stacked as extra sorted segments, so the incomes are sorted once and a block
of replicates is computed in one vectorised pass.

Each function sorts the incomes once and then works on sorted segments (one
per domain), with no loop over rows or domains.

Examples
--------
>>> import pandas as pd
>>> from micropop.design import SurveyDesign
>>> from micropop.inequality import gini
>>> df = pd.DataFrame({"income": [0.0, 10.0, 20.0, 30.0, 40.0, 100.0],
...                    "w": [2.0, 1.0, 1.0, 1.0, 1.0, 1.0]})
>>> round(float(gini(SurveyDesign(df, weights="w"), "income").estimate[0]), 6)
0.571429
"""

from __future__ import annotations

from micropop.inequality._inputs import By as By  # the type of by=, as before the split
from micropop.inequality.concentration import gini, lorenz, top_share
from micropop.inequality.poverty import arpr, arpt, poormed, poverty_rate, qsr, rmpg

__all__ = ["gini", "lorenz", "arpt", "arpr", "qsr", "top_share", "rmpg", "poormed", "poverty_rate"]
