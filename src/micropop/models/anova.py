"""Analysis of deviance tables of survey GLMs, as R survey's ``anova.svyglm``.

:func:`anova` with one fit gives R's sequential table (``anova(fit)``): each
term, in formula order, tested in the model that holds it and the terms
before it (the later terms dropped and the model refitted on the same design
and rows), by :func:`~micropop.models.term_tests.wald_test` (``method="Wald"``:
the design-based Wald test) or the Rao-Scott working likelihood ratio
(``method="LRT"``, R's default: its p-value from a weighted sum of
chi-squares, whose mean weight R prints as ``DEff``). ``test="F"`` refers the
statistics to the F form with the (refitted) model's residual df,
``test="Chisq"`` to the chi-square form.

With two fits, ``anova(small, big)`` tests the terms of ``big`` that
``small`` lacks (R's ``anova(m0, m1)``): the fits must be nested (the terms
and model-matrix columns of one among those of the other), on the same
design object, rows, response, family and link; anything else is refused.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from micropop.design import SurveyDesign
>>> from micropop.models import glm
>>> rng = np.random.default_rng(3)
>>> df = pd.DataFrame({"g": rng.choice(["a", "b", "c"], 60), "x": rng.normal(size=60),
...                    "w": rng.uniform(1, 3, 60)})
>>> df["y"] = df["x"] + (df["g"] == "c") + rng.normal(size=60)
>>> des = SurveyDesign(df, weights="w")
>>> table = anova(glm(des, "y ~ x + g"), method="Wald")
>>> table.to_frame().index.tolist(), table.to_frame()["df"].tolist()
(['x', 'g'], [1, 2])
>>> anova(glm(des, "y ~ x"), glm(des, "y ~ x + g")).to_frame().index.tolist()
['g']
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy as np
import pandas as pd

from micropop.errors import ModelError, NotNestedError, check_option
from micropop.models.term_lrt import MAX_ITER, TOL
from micropop.models.term_tests import TermTest, wald_test
from micropop.result import Block, Result, Table

if TYPE_CHECKING:
    from micropop.models.result import GLMResult

__all__ = ["AnovaTable", "anova"]

METHODS = ["LRT", "Wald"]
TESTS = ["F", "Chisq"]
INTERCEPT = "(Intercept)"


class _Fitting(Protocol):
    """A design that fits models (``des.glm``, the design facade's method)."""

    def glm(self, y: Any, X: Any = None, family: str = "gaussian", link: str | None = None,
            **options: Any) -> GLMResult: ...


@dataclass(frozen=True, repr=False, eq=False)
class AnovaTable(Result):
    """An analysis of deviance table of survey GLMs (R's ``anova.svyglm``).

    Attributes
    ----------
    tests : tuple of TermTest
        One test per row: each term of a sequential table, or the terms one
        model adds to the other.
    method : str
        ``"LRT"`` (Rao-Scott working likelihood ratio) or ``"Wald"``.
    test : str
        ``"F"`` (denominator df: the model's residual df) or ``"Chisq"``.
    model : str
        The (larger) model's formula, or ``"model matrix"``.
    sequential : bool
        True for a sequential table (one fit), False for two nested fits.

    Examples
    --------
    >>> row = TermTest(("g",), ("gb", "gc"), chisq=6.0, df=2, ddf=30.0, statistic=6.0,
    ...                p=0.07, method="LRT", lambdas=(1.5, 0.5))
    >>> frame = AnovaTable((row,), "LRT", "F", "y ~ g", True).to_frame()
    >>> frame.loc["g", ["statistic", "deff", "df", "ddf"]].tolist()
    [6.0, 1.0, 2.0, 30.0]
    """

    tests: tuple[TermTest, ...]
    method: str
    test: str
    model: str
    sequential: bool

    def to_frame(self) -> pd.DataFrame:
        """The table: one row per term (or per set of terms added), as R prints it.

        Returns
        -------
        DataFrame
            Indexed by ``term``: ``statistic`` (the Wald F with
            ``method="Wald", test="F"``, else the chi-square: the Wald
            ``b' V^-1 b`` or the working likelihood ratio), with
            ``method="LRT"`` ``deff`` (R's ``DEff``: the mean of the
            eigenvalues ``lambdas``), then ``df``, ``ddf`` (``inf`` in the
            chi-square form), ``chisq`` and ``p``.

        Examples
        --------
        >>> row = TermTest(("x",), ("x",), chisq=4.0, df=1, ddf=math.inf, statistic=4.0,
        ...                p=0.0455, method="Wald")
        >>> list(AnovaTable((row,), "Wald", "Chisq", "y ~ x", True).to_frame().columns)
        ['statistic', 'df', 'ddf', 'chisq', 'p']
        """
        wald_f = self.method == "Wald" and self.test == "F"
        columns: dict[str, list[float]] = {
            "statistic": [t.statistic if wald_f else t.chisq for t in self.tests]}
        if self.method == "LRT":
            columns["deff"] = [float(np.mean(t.lambdas)) for t in self.tests]
        columns.update(df=[t.df for t in self.tests], ddf=[t.ddf for t in self.tests],
                       chisq=[t.chisq for t in self.tests], p=[t.p for t in self.tests])
        return pd.DataFrame(columns, index=pd.Index([t.label for t in self.tests], name="term"))

    def _title(self) -> str:
        kind = "Rao-Scott working LRT" if self.method == "LRT" else "Wald tests"
        form = "F" if self.test == "F" else "chi-square"
        which = "sequential, terms added in order" if self.sequential else "two nested models"
        return f"Analysis of deviance ({kind}, {form} form; {which})"

    def _blocks(self) -> list[Block]:
        return [f"Model: {self.model}", Table(self.to_frame(), "{:.6g}")]


def anova(fit: GLMResult, other: GLMResult | None = None, *, method: str = "LRT",
          test: str = "F") -> AnovaTable:
    """An analysis of deviance table, as R's ``anova(svyglm_fit)`` or ``anova(m0, m1)``.

    Parameters
    ----------
    fit : GLMResult
        The fitted model.
    other : GLMResult, optional
        A second fit nested in ``fit`` or nesting it, on the same design
        object, rows, response, family and link: the table then tests the
        terms the larger model adds. Without it, the sequential table of
        ``fit``'s terms.
    method : {"LRT", "Wald"}, default "LRT"
        The Rao-Scott working likelihood ratio test (R's default) or the
        design-based Wald test.
    test : {"F", "Chisq"}, default "F"
        Denominator degrees of freedom: the (refitted) model's residual df,
        or infinite (the chi-square form).

    Returns
    -------
    AnovaTable

    Raises
    ------
    OptionError
        An unknown method or test.
    ModelError
        A model with no term besides the intercept.
    NotNestedError
        Two fits that are not nested, or differ in design, rows, response,
        family or link (named).
    ModelConvergenceError
        A refitted smaller model not converging.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> from micropop.models import glm
    >>> df = pd.DataFrame({"y": [1.0, 3, 2, 6, 5, 8, 7, 9, 4, 6],
    ...                    "x": [0.0, 1, 1, 3, 2, 4, 3, 5, 2, 3],
    ...                    "z": [1.0, 0, 2, 1, 0, 2, 1, 0, 1, 2], "w": 1.0})
    >>> table = anova(glm(SurveyDesign(df, weights="w"), "y ~ x + z"), test="Chisq")
    >>> table.to_frame().index.tolist(), bool(np.isinf(table.to_frame()["ddf"]).all())
    (['x', 'z'], True)
    """
    method = check_option("method", method, METHODS)
    test = check_option("test", test, TESTS)
    ddf = None if test == "F" else math.inf
    if other is not None:
        big, added = _nested(fit, other)
        result = wald_test(big, added, method=method, df=ddf)
        return AnovaTable((result,), method, test, _formula(big), sequential=False)
    labels = [label for label in _terms(fit) if label != INTERCEPT]
    if not labels:
        raise ModelError("the model has no term to test besides the intercept",
                         hint="fit a model with terms, e.g. 'y ~ x + g'")
    tests: list[TermTest] = []
    current = fit
    for i in range(len(labels) - 1, -1, -1):  # last term first, as R's seqanova
        tests.append(wald_test(current, [labels[i]], method=method, df=ddf))
        if i:
            current = _without(current, labels[i])
    return AnovaTable(tuple(reversed(tests)), method, test, _formula(fit), sequential=True)


def _terms(fit: GLMResult) -> dict[str, list[str]]:
    """The model's terms and their columns (one term per column without a formula)."""
    if fit.model is not None:
        return {label: list(cols) for label, cols in fit.model.terms.items()}
    return {name: [name] for name in fit.names}


def _formula(fit: GLMResult) -> str:
    return fit.model.formula if fit.model is not None else "model matrix"


def _without(fit: GLMResult, label: str) -> GLMResult:
    """``fit`` refitted without the term ``label``: same design, rows and family (R's update).

    From the family's starting means, as R's ``update``: a warm start from
    the larger fit can leave the link's domain (a Gamma model's inverse link).
    """
    # refitted through the design's own glm (des.glm): this module is imported by the
    # result type, which micropop.models.glm imports
    design = cast(_Fitting, fit.design)
    dropped = set(_terms(fit)[label])
    keep = [k for k, name in enumerate(fit.names) if name not in dropped]
    names = [fit.names[k] for k in keep]
    if fit.model is not None:
        model = replace(fit.model, X=fit.model.X[names],
                        terms={t: c for t, c in fit.model.terms.items() if t != label})
        return design.glm(model, family=fit.family, link=fit.link, max_iter=MAX_ITER,
                   tol=TOL)
    assert fit.X is not None and fit.y is not None  # a fit from glm keeps them
    return design.glm(fit.y, fit.X[:, keep], family=fit.family, link=fit.link,
               names=names, rows=fit.rows, max_iter=MAX_ITER, tol=TOL)


def _nested(first: GLMResult, second: GLMResult) -> tuple[GLMResult, list[str]]:
    """The larger fit and the terms it adds, or NotNestedError saying why not."""
    if first.design is None or first.design is not second.design:
        raise NotNestedError("the two models were fitted on different designs",
                             hint="fit both on the same design object (and subset)")
    if first.family != second.family or first.link != second.link:
        raise NotNestedError(
            f"the models have different families: {first.family} ({first.link} link) and "
            f"{second.family} ({second.link} link)", hint="compare fits of one family and link")
    if not np.array_equal(first.rows, second.rows):
        differ = first.rows != second.rows
        shown = ", ".join(map(repr, first.design.frame.index[differ][:5].tolist()))
        raise NotNestedError(
            f"the models use different rows: {int(differ.sum())} row(s) in one fit only "
            f"(rows {shown}{', ...' if differ.sum() > 5 else ''})",
            hint="fit both on the same rows (e.g. the same na_rm and missing values)")
    if first.y is None or second.y is None or not np.array_equal(first.y, second.y):
        raise NotNestedError("the models have different responses",
                             hint="compare models of the same response")
    terms = [_terms(first), _terms(second)]
    labels = [{_canonical(t) for t in owned} for owned in terms]
    if labels[0] == labels[1]:
        raise NotNestedError("the two models have the same terms: nothing to test",
                             hint="give a model with fewer terms as the first")
    big = 1 if labels[0] <= labels[1] else 0
    small = 1 - big
    if not labels[small] <= labels[big] or (INTERCEPT in labels[0]) != (INTERCEPT in labels[1]):
        only = [sorted(labels[0] - labels[1]), sorted(labels[1] - labels[0])]
        raise NotNestedError(
            "the models are not nested: terms only in the first: "
            f"{', '.join(only[0]) or 'none'}; only in the second: {', '.join(only[1]) or 'none'}",
            hint="compare a model with one whose terms include all of its terms "
                 "(and the same intercept)")
    fits = (first, second)
    _same_columns(fits[small], fits[big])
    added = [t for t in terms[big] if _canonical(t) not in labels[small]]
    return fits[big], added


def _same_columns(small: GLMResult, big: GLMResult) -> None:
    """The small model's columns are columns of the big one (same coding), or refused."""
    position = {name: k for k, name in enumerate(big.names)}
    missing = [name for name in small.names if name not in position]
    if missing or small.X is None or big.X is None:
        raise NotNestedError(
            "the models are not nested: the larger has no column "
            + ", ".join(map(repr, missing)) + " (the terms are coded differently)",
            hint="write the terms of the smaller model as the larger one does")
    index = [position[name] for name in small.names]
    if not np.array_equal(small.X, big.X[:, index]):
        raise NotNestedError("the models are not nested: their shared columns differ",
                             hint="code the shared terms the same way in both formulas")


def _canonical(label: str) -> str:
    """R's ``canonicalOrder``: a term's factors sorted, so ``b:a`` is ``a:b``."""
    return ":".join(sorted(label.split(":")))
