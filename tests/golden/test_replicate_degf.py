"""Degrees of freedom of jackknife replicate designs: closed form against R.

R's degf of a replicate design is the rank of its replicate weights minus
one; micropop knows the rank of jackknife factors in closed form
(:class:`micropop.variance.replication.JackknifeRank`). The cases come from
``tests/reference/make_refs_degf.R`` (R 4.2.2, survey 4.1.1): JK1 and JKn on
apiclus1, apiclus2 and apistrat, strata with a single PSU under every
lonely-PSU policy, fully sampled strata, zero weights and subsets. Each is
also checked against the numerical rank of the factors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from micropop.design import SurveyDesign
from micropop.estimation._analysis import domain_degf, prepare
from micropop.variance.linearization import Stage
from micropop.variance.replication import JackknifeRank, factor_rank, jk1_factors, jkn_factors
from support.degf import GOLDEN_DEGF, replicate_design

GOLDEN = GOLDEN_DEGF
CASES = GOLDEN["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_jackknife_degf_matches_r(case):
    rep = replicate_design(case)
    assert rep.replicate_weights.shape[1] == case["n_replicates"]
    assert rep.degf == case["degf"]
    # the closed form is the rank of the factors of the PSUs held
    held = np.bincount(rep._unit[rep._rows & (rep._weights != 0)],
                       minlength=rep._replicates.shape[0]) > 0
    assert factor_rank(rep._replicates[held]) - 1 == case["degf"]


def test_reference_metadata():
    assert GOLDEN["meta"] == {"r_version": "4.2.2", "survey_version": "4.1.1"}
    assert len(CASES) >= 25


def test_domain_degf_uses_the_closed_form():
    # a domain's degf is that of the subset holding it (R's svyby)
    full = next(c for c in CASES if c["id"] == "strat_jkn")
    subset = next(c for c in CASES if c["id"] == "strat_jkn_subset")
    rep = replicate_design(full)
    data = prepare(rep, ["api00"], "stype", na_rm=False)
    assert data.domain_labels[0] == "E"
    assert domain_degf(data)[0] == subset["degf"]
    assert domain_degf(data).tolist() == [rep._rank_degf(data.row_domain == d)
                                          for d in range(3)] == [99, 49, 49]


@pytest.mark.parametrize("policy", ["remove", "certainty", "adjust", "average", None])
def test_closed_form_equals_numerical_rank(policy):
    rng = np.random.default_rng(7)
    for _ in range(40):
        sizes = rng.integers(1, 5, rng.integers(1, 6) if policy else 1)
        if policy is None:
            sizes = np.maximum(sizes, 2)
        strata = np.repeat(np.arange(len(sizes)), sizes)
        popsize = np.where(rng.random(len(sizes)) < 0.3, sizes, sizes + 3).astype(float)
        stage = Stage.build(strata=strata, cluster=np.arange(len(strata)), popsize=popsize,
                            strata_labels=[str(h) for h in range(len(sizes))])
        if policy is None:
            factors = jk1_factors(stage)[0]
        elif np.all((sizes < 2) | (popsize == sizes)):
            continue  # every stratum lonely or fully sampled: no replicate to make
        else:
            factors = jkn_factors(stage, policy)[0]
        rank = JackknifeRank(stage, factors, policy)
        for share in (0.4, 0.8, 1.0):
            held = rng.random(len(strata)) < share
            assert rank(held) == factor_rank(factors[held])


def test_jk1_with_thousands_of_psus_builds():
    # one row per PSU: the factors are (n, n); the degf needs no decomposition
    n = 4_000
    df = pd.DataFrame({"y": np.arange(n, dtype=float), "w": 1.0, "psu": np.arange(n)})
    rep = SurveyDesign(df, weights="w", psu="psu").replicate("jk1")
    assert rep.degf == n - 1
    assert rep.subset(df["y"] < 100).degf == 99
