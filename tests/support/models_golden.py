"""The golden designs of the model goldens (make_refs_models.R), rebuilt in Python.

``raked`` is clus1 raked to apipop's margins (recorded in models_refs.json),
``poststratified`` clus1 poststratified on ``stype``, ``eusilc`` laeken's eusilc
(make_refs_anova.R); every other name is a design of golden.json
(:func:`support.golden.build`). Also: R's family calls read
(:func:`family_of`) and statsmodels' weighted GLM (:func:`statsmodels_params`).
"""

from __future__ import annotations

import json
import re
from functools import cache

import numpy as np
import pandas as pd
import statsmodels.api as sm

from micropop.design import ReplicateDesign, SurveyDesign
from support.golden import build
from support.paths import REFERENCE


@cache
def golden_design(name: str) -> SurveyDesign | ReplicateDesign:
    """The design ``name`` of the model goldens."""
    margins = json.loads((REFERENCE / "models_refs.json").read_text())["meta"]["margins"]
    if name == "raked":
        return build("clus1").rake(margins, max_iter=1000, epsilon=1e-10)
    if name == "eusilc":
        return eusilc_design()
    if name == "poststratified":
        return build("clus1").poststratify("stype", margins["stype"])
    return build(name)


def eusilc_design() -> SurveyDesign:
    """laeken's eusilc as make_refs_anova.R builds it: households in regions.

    fixtures/eusilc.csv (the inequality goldens') and fixtures/eusilc_more.csv
    (age, hsize, pl030, poor) side by side; ``rb090`` in laeken's level order,
    ``pl030`` a factor of its codes.
    """
    fixtures = REFERENCE / "fixtures"
    data = pd.concat([pd.read_csv(fixtures / "eusilc.csv"),
                      pd.read_csv(fixtures / "eusilc_more.csv")], axis=1)
    codes = data["pl030"].astype("Int64").astype(str).replace("<NA>", np.nan)
    data = data.assign(rb090=pd.Categorical(data["rb090"], categories=["male", "female"]),
                       pl030=pd.Categorical(codes, categories=[str(k) for k in range(1, 8)]))
    return SurveyDesign(data, weights="rb050", psu="db030", strata="db040")


def family_of(call: str) -> tuple[str, str | None]:
    """R's family call (``"Gamma(link = 'log')"``) as micropop's family and link."""
    match = re.fullmatch(r"(\w+)\((?:link = '(\w+)')?\)", call)
    assert match, call
    return match.group(1), match.group(2)


STATSMODELS_FAMILIES = {"gaussian": sm.families.Gaussian, "binomial": sm.families.Binomial,
                        "quasibinomial": sm.families.Binomial, "poisson": sm.families.Poisson,
                        "quasipoisson": sm.families.Poisson, "Gamma": sm.families.Gamma}
STATSMODELS_LINKS = {"identity": sm.families.links.Identity, "log": sm.families.links.Log,
                     "logit": sm.families.links.Logit, "probit": sm.families.links.Probit,
                     "inverse": sm.families.links.InversePower}


def statsmodels_params(y: np.ndarray, X: np.ndarray, family: str, link: str,
                       weights: np.ndarray, kind: str = "freq_weights") -> np.ndarray:
    """statsmodels' weighted GLM coefficients (``kind``: freq_weights or var_weights)."""
    model = sm.GLM(y, X, family=STATSMODELS_FAMILIES[family](link=STATSMODELS_LINKS[link]()),
                   **{kind: weights})
    params: np.ndarray = model.fit(tol=1e-13, maxiter=200).params
    return params
