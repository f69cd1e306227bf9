"""Seeded simulation: linearised 95 % intervals cover the true Gini and ARPR.

Incomes are lognormal, ``log y = mu + a_cluster + e``, with a cluster effect
``a ~ N(0, tau^2)`` and ``e ~ N(0, sigma^2 - tau^2)``, so that the population
distribution is lognormal(mu, sigma) whatever the clustering, with

- Gini = 2 Phi(sigma / sqrt 2) - 1,
- ARPR = Phi(log(0.6) / sigma)  (threshold 60 % of the median exp(mu)),
- RMPG = 1 - m / (0.6 exp(mu)), with m = exp(mu + sigma Phi^-1(ARPR / 2)) the
  median income of the poor.

Each sample draws 2 strata x 100 clusters of 4 people, with different
weights by stratum (same income distribution), analysed as a stratified
cluster design. Coverage must lie between 92 % and 98 %.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import micropop.inequality as ineq
from micropop.design import SurveyDesign

MU, SIGMA, TAU = 7.0, 0.7, 0.3
TRUE_GINI = 2 * stats.norm.cdf(SIGMA / np.sqrt(2)) - 1
TRUE_ARPR = stats.norm.cdf(np.log(0.6) / SIGMA)
TRUE_RMPG = 1 - np.exp(SIGMA * stats.norm.ppf(TRUE_ARPR / 2)) / 0.6
TRUTH = {"gini": TRUE_GINI, "arpr": TRUE_ARPR, "rmpg": TRUE_RMPG}
REPLICATIONS, CLUSTERS, SIZE = 400, 100, 4


def _sample(rng: np.random.Generator) -> pd.DataFrame:
    n_clusters = 2 * CLUSTERS
    effect = rng.normal(0, TAU, n_clusters).repeat(SIZE)
    noise = rng.normal(0, np.sqrt(SIGMA**2 - TAU**2), n_clusters * SIZE)
    stratum = np.repeat([0, 1], CLUSTERS * SIZE)
    return pd.DataFrame({"income": np.exp(MU + effect + noise), "stratum": stratum,
                         "cluster": np.arange(n_clusters).repeat(SIZE),
                         "w": np.where(stratum == 0, 100.0, 300.0)})


@pytest.fixture(scope="module")
def coverage() -> dict[str, float]:
    rng = np.random.default_rng(6)
    hits = dict.fromkeys(TRUTH, 0)
    for _ in range(REPLICATIONS):
        des = SurveyDesign(_sample(rng), weights="w", strata="stratum", psu="cluster")
        for name, truth in TRUTH.items():
            low, high = getattr(ineq, name)(des, "income").ci().to_numpy()[0]
            hits[name] += low <= truth <= high
    return {name: count / REPLICATIONS for name, count in hits.items()}


@pytest.mark.parametrize("measure", sorted(TRUTH))
def test_95_percent_intervals_cover_the_truth(coverage, measure):
    assert 0.92 <= coverage[measure] <= 0.98, coverage
