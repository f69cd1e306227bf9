"""The working likelihood ratio test of model terms, as R's ``regTermTest(method="LRT")``.

:func:`lrt_statistic` refits the model without the tested coefficients (same
design, same rows, same prior weights: the design weights over their mean),
takes the difference of the two deviances (R's ``deviance(model0) -
deviance(model)``), and refers it, as Rao and Scott, to a weighted sum of
chi-squares: the weights are the eigenvalues of ``V0^-1 V`` over the tested
coefficients, ``V`` their design-based covariance and ``V0`` R's
``naive.cov`` (the inverse information ignoring the design); the p-value is
R's ``pFsum(chisq, 1, lambda, ddf, method="saddlepoint")`` (``pchisqsum``
when ``ddf`` is infinite).

Examples
--------
>>> import numpy as np, pandas as pd
>>> from micropop.design import SurveyDesign
>>> from micropop.models import glm
>>> rng = np.random.default_rng(2)
>>> df = pd.DataFrame({"h": np.repeat([1, 2], 30), "x": rng.normal(size=60),
...                    "k": rng.choice(["u", "v"], 60), "w": rng.uniform(1, 2, 60)})
>>> df["n"] = rng.poisson(np.exp(0.5 + 0.3 * df["x"]))
>>> fit = glm(SurveyDesign(df, weights="w", strata="h"), "n ~ x + k", family="quasipoisson")
>>> test = fit.wald_test("~ x + k", method="LRT")
>>> test.method, test.df, len(test.lambdas), bool(0 <= test.p <= 1)
('LRT', 2, 2, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from micropop.errors import ModelConvergenceError, ModelError
from micropop.estimation.chisqsum import pchisqsum, pfsum
from micropop.models._families import family_spec
from micropop.models._irls import deviance, irls

if TYPE_CHECKING:
    from micropop.models.result import GLMResult

__all__ = ["lrt_statistic"]

#: IRLS of the smaller model: iterations allowed and relative tolerance (as tight as the fit's).
MAX_ITER = 200
TOL = 1e-12


def lrt_statistic(fit: GLMResult, index: Sequence[int],
                  ddf: float) -> tuple[float, tuple[float, ...], float]:
    """The working likelihood ratio of the coefficients ``index``: statistic, eigenvalues, p.

    Parameters
    ----------
    fit : GLMResult
        The fitted model (it keeps its design, response, model matrix and
        prior weights).
    index : sequence of int
        Positions of the coefficients tested.
    ddf : float
        Denominator degrees of freedom (``inf``: the chi-square form).

    Returns
    -------
    chisq : float
        ``deviance(model0) - deviance(model)``, R's ``chisq``.
    lambdas : tuple of float
        The eigenvalues of ``V0^-1 V`` (R's ``lambda``), largest first.
    p : float
        Its p-value by the saddlepoint approximation.

    Raises
    ------
    ModelError
        A fit that does not keep its inputs, or a singular ``V0``.
    ModelConvergenceError
        The smaller model not converging.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> from micropop.models import glm
    >>> df = pd.DataFrame({"y": [1.0, 3, 2, 6, 5, 8, 7, 9], "x": [0.0, 1, 1, 3, 2, 4, 3, 5],
    ...                    "w": 1.0})
    >>> chisq, lambdas, p = lrt_statistic(glm(SurveyDesign(df, weights="w"), "y ~ x"),
    ...                                   [1], math.inf)
    >>> chisq > 0, len(lambdas)
    (True, 1)
    """
    if fit.X is None or fit.y is None or fit.prior_weights is None or fit.naive_cov is None:
        raise ModelError("this fit does not keep the data it was fitted from: the likelihood "
                         "ratio test needs them", hint="refit with micropop.models.glm")
    chosen = list(index)
    keep = [k for k in range(len(fit.names)) if k not in set(chosen)]
    spec = family_spec(fit.family, fit.link)
    full = deviance(spec, fit.y, fit.fitted, fit.prior_weights)
    if keep:
        small = irls(fit.X[:, keep], fit.y, fit.prior_weights, spec, max_iter=MAX_ITER, tol=TOL,
                     start=fit.params[keep])
        if not small.converged:  # a warm start can leave the link's domain: R's default start
            small = irls(fit.X[:, keep], fit.y, fit.prior_weights, spec, max_iter=MAX_ITER,
                         tol=TOL)
        if not small.converged:
            raise ModelConvergenceError(
                f"the model without {', '.join(fit.names[k] for k in chosen)} did not converge "
                f"in {MAX_ITER} iterations", hint="use method='Wald'")
        mu0 = small.mu
    else:  # no coefficient left: the null model's means are the link's inverse at 0
        mu0 = spec.family.link.inverse(np.zeros(len(fit.y)))
    chisq = deviance(spec, fit.y, mu0, fit.prior_weights) - full
    V0 = fit.naive_cov[np.ix_(chosen, chosen)]
    V = fit.vcov[np.ix_(chosen, chosen)]
    try:
        lambdas = np.linalg.eigvals(np.linalg.solve(V0, V))
    except np.linalg.LinAlgError:
        raise ModelError("the model-based covariance of the coefficients tested is singular",
                         hint="test fewer terms, or use method='Wald'") from None
    lambdas = np.sort(np.real(lambdas))[::-1]
    ones = np.ones(len(lambdas))
    if math.isinf(ddf):
        p = pchisqsum(chisq, ones, lambdas, lower_tail=False, method="saddlepoint")
    else:
        p = pfsum(chisq, ones, lambdas, ddf=ddf, lower_tail=False, method="saddlepoint")
    return float(chisq), tuple(float(v) for v in lambdas), float(np.asarray(p).ravel()[0])
