"""Design-based t-tests, as R's ``svyttest``.

One sample: the design-based mean of ``y`` against ``mu``, with ``degf - 1``
degrees of freedom (R's ``svyttest(y ~ 0)``, ``degf`` that of the design or
subset, counted before missing values are left out, as R). Two samples: the
difference in means between the two levels of ``group``, which R computes as
the coefficient of the group indicator in the design-based linear regression
of ``y`` on it (``svyglm``): here :func:`micropop.models.glm` fits that
regression, with its residual degrees of freedom (``degf - 1`` of the rows
used). A subset design tests within its domain, keeping the whole design for
the variance.

Examples
--------
>>> import pandas as pd
>>> from micropop.design import SurveyDesign
>>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0, 6.0, 7.0], "g": list("aabbab"),
...                    "w": 1.0})
>>> test = SurveyDesign(df, weights="w").ttest("y", "g")
>>> test.estimate_name, round(test.estimate, 4)
('difference in mean', 1.6667)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from micropop.design._core import Design
from micropop.design.encode import require_design
from micropop.errors import (
    ConstantVariableError,
    GroupLevelsError,
    InfiniteValueError,
    OptionError,
    ResidualDfError,
    check_number,
)
from micropop.estimation import survey_mean
from micropop.estimation._analysis import prepare
from micropop.models.glm import glm
from micropop.result import Block, Result

__all__ = ["TTest", "ttest"]


@dataclass(frozen=True, repr=False)
class TTest(Result):
    """The result of :func:`ttest` (immutable), R's ``htest`` of ``svyttest``.

    Attributes
    ----------
    y : str
        The variable tested.
    group : str or None
        The two-level column of a two-sample test.
    levels : tuple of str
        The two levels compared (the difference is the second's mean minus
        the first's); empty for one sample.
    estimate_name : str
        ``"mean"`` or ``"difference in mean"`` (R's names).
    estimate, se : float
        The mean (or difference) and its design-based standard error.
    null_value : float
        The mean (``mu``) or difference (0) under the null hypothesis.
    statistic : float
        ``t = (estimate - null_value) / se``.
    df : float
        Degrees of freedom of the t reference.
    p_value : float
        Two-sided.
    ci_low, ci_high : float
        The interval of the mean (difference) at :attr:`level`, t-based.
    level : float
    method : str
        ``"Design-based one-sample t-test"`` or ``"Design-based t-test"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 4.0, 7.0], "g": ["a", "b"] * 2, "w": 2.0})
    >>> test = SurveyDesign(df, weights="w").ttest("y", "g")
    >>> test.levels, round(test.estimate, 6), test.df
    (('a', 'b'), 2.0, 2.0)
    """

    y: str
    group: str | None
    levels: tuple[str, ...]
    estimate_name: str
    estimate: float
    se: float
    null_value: float
    statistic: float
    df: float
    p_value: float
    ci_low: float
    ci_high: float
    level: float
    method: str

    def to_frame(self) -> pd.DataFrame:
        """One row: estimate, se, ci_low, ci_high, null, t, df, p.

        Returns
        -------
        DataFrame
            Indexed by the variable, or ``"y: second - first"`` for two samples.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 5.0], "g": list("abab"), "w": 1.0})
        >>> SurveyDesign(df, weights="w").ttest("y", "g").to_frame().index.tolist()
        ['y: b - a']
        """
        label = (self.y if self.group is None
                 else f"{self.y}: {self.levels[1]} - {self.levels[0]}")
        return pd.DataFrame({"estimate": [self.estimate], "se": [self.se],
                             "ci_low": [self.ci_low], "ci_high": [self.ci_high],
                             "null": [self.null_value], "t": [self.statistic],
                             "df": [self.df], "p": [self.p_value]},
                            index=pd.Index([label], name="test"))

    def _title(self) -> str:
        return self.method

    def _blocks(self) -> list[Block]:
        """R's ``htest`` lines, then :meth:`to_frame`."""
        against = (f"true {self.estimate_name} is not equal to {self.null_value:.6g}")
        return [f"t = {self.statistic:.6g}, df = {self.df:.6g}, p-value = {self.p_value:.4g}",
                f"alternative hypothesis: {against}", self.to_frame()]


def ttest(design: Design, y: str, group: str | None = None, mu: float = 0.0,
          level: float = 0.95, na_rm: bool = False) -> TTest:
    """A design-based t-test of a mean, or of a difference in means, as R's ``svyttest``.

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
        A subset design tests within its domain.
    y : str
        A numeric column.
    group : str, optional
        A column with exactly two levels (observed, with a non-zero weight,
        in the design's rows): the test of the difference in means, second
        level minus first (in the column's category order, or sorted, as R's
        ``factor``). A numeric group is read as two levels too (R accepts
        0/1 and 1/2 codes, where the difference is the same). Without it, the
        one-sample test of ``mean(y) = mu``.
    mu : float, default 0
        The mean under the null hypothesis (one sample; R's
        ``svyttest(I(y - mu) ~ 0)``).
    level : float, default 0.95
        Coverage of the interval (R's ``conf.int``, 0.95).
    na_rm : bool, default False
        Leave out rows missing ``y`` (or ``group``), as R's ``na.rm`` (one
        sample) and ``svyglm``'s ``na.omit`` (two samples); without it they
        are refused, named.

    Returns
    -------
    TTest

    Raises
    ------
    GroupLevelsError
        A group with fewer or more than two levels in the design's rows,
        naming them.
    OptionError
        ``y`` or ``group`` not one column name, ``mu`` given with a group, or
        an invalid ``level``.
    NotNumericVariableError, MissingValuesError, InfiniteValueError, EmptyDomainError
        As :func:`~micropop.estimation.survey_mean`.
    ResidualDfError
        No degrees of freedom left (a single PSU in the domain).

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": 1.0})
    >>> test = SurveyDesign(df, weights="w").ttest("y", mu=2)
    >>> round(test.estimate, 2), round(test.p_value, 4)
    (2.5, 0.5196)
    """
    require_design(design)
    for name, given in (("y", y), ("group", group)):
        if not (isinstance(given, str) or (name == "group" and given is None)):
            raise OptionError(f"{name}={given!r} is not a column name",
                              hint=f"name one column, e.g. {name}='sex'")
    mu = check_number("mu", mu, hint="give the mean under the null hypothesis, e.g. mu=0")
    check_number("level", level, low=0, high=1, low_open=True, high_open=True,
                  hint="give a level between 0 and 1, e.g. 0.95")
    if group is None:
        mean = survey_mean(design, y, na_rm=na_rm)
        estimate, se, df = float(mean.estimate[0]), float(mean.se[0]), design.degf - 1.0
        if not df > 0:
            raise ResidualDfError(f"the one-sample t-test of {y!r} has {df:g} degrees of "
                                  "freedom (design degrees of freedom minus 1)",
                                  hint="use a design (or subset) with more PSUs")
        return _result(y, None, (), "mean", estimate, se, mu, df, level,
                       "Design-based one-sample t-test")
    if mu != 0:
        raise OptionError(f"mu={mu!r} with group={group!r}: the two-sample test is of a "
                          "difference of 0", hint="leave mu out, or leave group out for a "
                                                  "one-sample test of mean(y) = mu")
    data = prepare(design, [y], group, na_rm, numeric_only=True)
    labels = data.domain_labels or []
    if len(labels) != 2:
        shown = ", ".join(map(repr, labels[:10])) + (" ..." if len(labels) > 10 else "")
        raise GroupLevelsError(
            f"group {group!r} has {len(labels)} level{'s' * (len(labels) != 1)} in the "
            f"design's rows ({shown or 'none'}); a two-sample t-test compares exactly two",
            hint=f"subset the design to two levels of {group!r}, or make a two-level column "
                 "with assign()")
    rows = data.row_domain >= 0
    second = (data.row_domain[rows] == 1).astype(float)
    X = np.column_stack([np.ones(len(second)), second])
    fit = glm(design, data.y[rows, 0], X, names=["(Intercept)", f"{group}{labels[1]}"],
              rows=rows)
    return _result(y, group, (labels[0], labels[1]), "difference in mean",
                   float(fit.params[1]), float(np.sqrt(fit.vcov[1, 1])), 0.0,
                   float(fit.df_resid), level, "Design-based t-test")


def _result(y: str, group: str | None, levels: tuple[str, ...], name: str, estimate: float,
            se: float, null: float, df: float, level: float, method: str) -> TTest:
    if not se > 0:
        raise ConstantVariableError(
            f"{y!r} has a standard error of 0 (a constant value in "
            f"{'each group' if group else 'the design'}), so its t statistic is undefined",
            hint="check the variable and the subset")
    t = (estimate - null) / se
    quantile = float(stats.t.ppf(0.5 + level / 2, df))
    with np.errstate(over="ignore"):
        low, high = estimate - quantile * se, estimate + quantile * se
    if not (np.isfinite(low) and np.isfinite(high) and np.isfinite(t)):
        raise InfiniteValueError(
            f"the t-test of {y!r} reaches beyond double precision (about 1.8e308): its "
            f"estimate is {estimate:.3g} with a standard error of {se:.3g}",
            hint="express the variable in a larger unit (thousands, millions)")
    return TTest(y, group, levels, name, estimate, se, null, float(t), df,
                 float(2 * stats.t.sf(abs(t), df)), low, high, level, method)
