"""Tests of model terms, as R survey's ``regTermTest``: the design-based Wald test.

:func:`wald_test` tests that every coefficient of some terms of a fitted
:class:`~micropop.models.GLMResult` is zero: ``chisq = b' V^-1 b`` over
those coefficients ``b`` and their design-based covariance ``V``, and the
Wald F ``chisq / q`` on ``q`` (the number of coefficients) and ``ddf``
degrees of freedom, ``ddf`` being the model's residual df by default, as
``regTermTest(model, ~terms)``; ``df=inf`` gives the chi-square form.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from micropop.design import SurveyDesign
>>> from micropop.models import glm
>>> rng = np.random.default_rng(1)
>>> df = pd.DataFrame({"g": rng.choice(["a", "b", "c"], 40), "x": rng.normal(size=40),
...                    "w": 1.0})
>>> df["y"] = df["x"] + (df["g"] == "c") + rng.normal(size=40)
>>> fit = glm(SurveyDesign(df, weights="w"), "y ~ g + x")
>>> test = fit.wald_test("g")
>>> test.df, test.ddf
(2, 36.0)
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from micropop.errors import FormulaError, ModelError, UnknownTermError, check_option, closest_name
from micropop.models._formula_parse import read_formula
from micropop.models.term_lrt import lrt_statistic
from micropop.result import Block, Result, Table

if TYPE_CHECKING:
    from micropop.models.result import GLMResult

__all__ = ["TermTest", "wald_test"]

METHODS = ["Wald", "LRT"]


@dataclass(frozen=True, repr=False, eq=False)
class TermTest(Result):
    """A test that the coefficients of some model terms are all zero (R's ``regTermTest``).

    Attributes
    ----------
    terms : tuple of str
        The terms tested, as the model names them.
    coefficients : tuple of str
        Their coefficients (columns of the model matrix).
    chisq : float
        The Wald statistic ``b' V^-1 b``; with ``method="LRT"`` the working
        likelihood ratio statistic, the difference of the deviances of the
        model without the terms and of the model (R's ``chisq``).
    df : int
        Numerator degrees of freedom: the number of coefficients tested.
    ddf : float
        Denominator degrees of freedom (``inf``: the chi-square form).
    statistic : float
        The Wald F, ``chisq / df``; with ``method="LRT"``, ``chisq``.
    p : float
        Its p-value: ``F(df, ddf)``, or chi-square on ``df`` when ``ddf`` is
        infinite; with ``method="LRT"``, that of a weighted sum of chi-squares
        (R's ``pFsum``/``pchisqsum``, saddlepoint).
    method : str
        ``"Wald"`` or ``"LRT"``.
    lambdas : tuple of float
        With ``method="LRT"``: the weights of that sum, the eigenvalues of
        ``V0^-1 V`` (R's ``lambda``); empty for the Wald test.

    Examples
    --------
    >>> test = TermTest(("sex",), ("sexmale",), chisq=4.0, df=1, ddf=30.0,
    ...                 statistic=4.0, p=0.0546, method="Wald")
    >>> list(test.to_frame().columns)
    ['statistic', 'df', 'ddf', 'chisq', 'p']
    """

    terms: tuple[str, ...]
    coefficients: tuple[str, ...]
    chisq: float
    df: int
    ddf: float
    statistic: float
    p: float
    method: str
    lambdas: tuple[float, ...] = ()

    @property
    def label(self) -> str:
        """The terms tested, as a formula's right-hand side (``"stype + ell"``)."""
        return " + ".join(self.terms)

    def to_frame(self) -> pd.DataFrame:
        """The test as one row indexed by the terms tested.

        Returns
        -------
        DataFrame
            ``statistic`` (the F), ``df``, ``ddf``, ``chisq``, ``p``.

        Examples
        --------
        >>> test = TermTest(("g",), ("gb", "gc"), chisq=6.0, df=2, ddf=math.inf,
        ...                 statistic=3.0, p=0.0498, method="Wald")
        >>> test.to_frame().index.tolist()
        ['g']
        """
        return pd.DataFrame({"statistic": [self.statistic], "df": [self.df],
                             "ddf": [self.ddf], "chisq": [self.chisq], "p": [self.p]},
                            index=pd.Index([self.label], name="terms"))

    def _title(self) -> str:
        if self.method == "LRT":
            return "Working likelihood ratio test of model terms (Rao-Scott)"
        form = "chi-square" if math.isinf(self.ddf) else "F"
        return f"{self.method} test of model terms ({form} form)"

    def _blocks(self) -> list[Block]:
        return [Table(self.to_frame(), "{:.6g}"),
                "Coefficients tested: " + ", ".join(self.coefficients)]


def wald_test(fit: GLMResult, terms: str | Sequence[str], method: str = "Wald",
              df: float | None = None) -> TermTest:
    """Test that the coefficients of ``terms`` are all zero, as R's ``regTermTest``.

    Parameters
    ----------
    fit : GLMResult
        The fitted model.
    terms : str or sequence of str
        A term as the model names it (``"stype"``, ``"ell:meals"``, in any
        order of its factors), a list of them, or a formula's right-hand side
        ``"~ stype + ell"`` (read by the safe formula grammar, never
        evaluated). A fit made from a model matrix has one term per column.
    method : {"Wald", "LRT"}
        The design-based Wald test, or the Rao-Scott working likelihood
        ratio test (the model refitted without the terms; see
        :mod:`micropop.models.term_lrt`).
    df : float, optional
        Denominator degrees of freedom; the model's residual df by default
        (R's ``df = NULL``); ``math.inf`` for the chi-square form.

    Returns
    -------
    TermTest

    Raises
    ------
    UnknownTermError
        A term that is not the model's (the closest one and the model's terms named).
    OptionError
        An unknown method.
    ModelError
        ``df`` not positive, or the covariance of the coefficients singular.
    ModelConvergenceError
        With ``method="LRT"``: the model without the terms not converging.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> from micropop.models import glm
    >>> df = pd.DataFrame({"y": [1.0, 3, 2, 6, 5, 8, 7, 9], "x": [0.0, 1, 1, 3, 2, 4, 3, 5],
    ...                    "w": 1.0})
    >>> fit = glm(SurveyDesign(df, weights="w"), "y ~ x")
    >>> test = wald_test(fit, "~ x", df=math.inf)
    >>> bool(np.isclose(test.chisq, (fit.params[1] / fit.se[1]) ** 2))
    True
    """
    method = check_option("method", method, METHODS)
    owned = _owned_terms(fit)
    wanted = _term_labels(terms, owned)
    by_order = {_canonical(label): label for label in owned}
    chosen: list[str] = []
    for label in wanted:
        found = by_order.get(_canonical(label))
        if found is None:
            close = closest_name(label, owned)
            hint = f"did you mean {close!r}? Name" if close else "name"
            raise UnknownTermError(
                f"{label!r} is not a term of the model; its terms are "
                + ", ".join(repr(t) for t in owned),
                hint=hint + " the terms as the model does (fit.model.terms)")
        if found not in chosen:
            chosen.append(found)
    if not chosen:
        raise UnknownTermError(f"{terms!r} names no term to test",
                               hint="name terms, e.g. " + ", ".join(repr(t) for t in owned))
    columns = {c for label in chosen for c in owned[label]}
    index = [k for k, name in enumerate(fit.names) if name in columns]
    ddf = fit.df_resid if df is None else float(df)
    if not ddf > 0:
        raise ModelError(f"the denominator degrees of freedom must be positive, not {df!r}",
                         hint="leave df=None for the model's residual df, or math.inf")
    q = len(index)
    if method == "LRT":
        chisq, lambdas, p = lrt_statistic(fit, index, ddf)
        return TermTest(tuple(chosen), tuple(fit.names[k] for k in index), chisq=chisq, df=q,
                        ddf=ddf, statistic=chisq, p=p, method=method, lambdas=lambdas)
    beta = fit.params[index]
    try:
        chisq = float(beta @ np.linalg.solve(fit.vcov[np.ix_(index, index)], beta))
    except np.linalg.LinAlgError:
        raise ModelError(f"the covariance of the coefficients of {', '.join(chosen)} is "
                         "singular: the Wald statistic is not defined",
                         hint="test fewer terms, or terms the design identifies") from None
    if math.isinf(ddf):
        p = float(stats.chi2.sf(chisq, q))
    else:
        p = float(stats.f.sf(chisq / q, q, ddf))
    return TermTest(tuple(chosen), tuple(fit.names[k] for k in index), chisq=chisq, df=q,
                    ddf=ddf, statistic=chisq / q, p=p, method=method)


def _owned_terms(fit: GLMResult) -> dict[str, list[str]]:
    """The model's terms and their columns (one term per column without a formula)."""
    if fit.model is not None:
        return {label: list(cols) for label, cols in fit.model.terms.items()}
    return {name: [name] for name in fit.names}


def _canonical(label: str) -> str:
    """R's ``canonicalOrder``: a term's factors sorted, so ``b:a`` is ``a:b``."""
    return ":".join(sorted(label.split(":")))


def _term_labels(terms: str | Sequence[str], owned: dict[str, list[str]]) -> list[str]:
    """The labels asked for: a label, a list of them, or a formula's right-hand side."""
    if isinstance(terms, str):
        if terms.lstrip().startswith("~"):
            return _formula_terms(terms, owned)
        return [terms]
    if isinstance(terms, Sequence) and terms and all(isinstance(t, str) for t in terms):
        return list(terms)
    raise UnknownTermError(f"terms must be a term, a list of terms or '~ a + b', not {terms!r}",
                           hint="its terms are " + ", ".join(repr(t) for t in owned))


def _formula_terms(text: str, owned: dict[str, list[str]]) -> list[str]:
    """The term labels of ``"~ a + b:c"``, read by the package's formula grammar."""
    names = {part for label in owned for part in label.split(":")}
    prefix = "`.response.` "  # the grammar reads whole formulas: a response no term names
    try:
        parsed = read_formula(prefix + text, names | {".response."})
    except FormulaError as error:  # say it of the user's text, at its own characters
        detail = error.message.split("': ", 1)[-1].split('": ', 1)[-1]
        detail = re.sub(r"\(character (\d+)\)",
                        lambda m: f"(character {max(int(m.group(1)) - len(prefix), 1)})", detail)
        raise FormulaError(f"terms {text!r}: {detail}", hint=error.hint) from None
    return [":".join(parsed.variables[v].label for v in term) for term in parsed.terms]
