"""The result of an estimator: :class:`Estimate`.

Examples
--------
>>> import numpy as np
>>> import pandas as pd
>>> from micropop.estimation import Estimate
>>> est = Estimate("mean", pd.Index(["y"], name="variable"), np.array([2.0]),
...                np.array([[0.25]]), df=10)
>>> est.to_frame()[["estimate", "se", "df"]]  # doctest: +NORMALIZE_WHITESPACE
          estimate   se  df
variable
y              2.0  0.5  10
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from micropop.errors import (
    InfiniteValueError,
    OptionError,
    UnknownLabelError,
    check_level,
    check_number,
    check_option,
)
from micropop.result import Block, Result, render_text

__all__ = ["Estimate"]


@dataclass(frozen=True, eq=False, repr=False, init=False)
class Estimate(Result):
    """Estimates with their design-based covariance (immutable).

    Built by the estimators; the other constructor arguments are the
    attributes below (``vcov`` the covariance).

    Parameters
    ----------
    units : ndarray, optional
        Powers of two in which ``vcov`` is given: the covariance is
        ``vcov * outer(units, units)`` (the estimators compute in such units,
        so that no sum overflows). Without it, ``vcov`` is the covariance.

    Attributes
    ----------
    statistic : str
        ``"total"``, ``"mean"``, ``"ratio"``, ``"quantile"``, ``"proportion"``
        or ``"contrast"``.
    index : pandas.Index
        One label per estimate: levels ``variable`` [, ``level``] [, ``domain``].
    estimate : ndarray
        The point estimates.
    vcov : ndarray
        Their covariance matrix (including between domains). Where it is
        beyond double precision (totals with weights near 1e300, whose
        variance is near 1e600), reading it raises
        :class:`~micropop.errors.InfiniteValueError`; :attr:`se` and
        :meth:`ci` still hold.
    df : int
        Design degrees of freedom (PSUs minus strata, R's ``degf``).
    n : ndarray of int or None
        Sampled rows behind each estimate (in its domain, without missing
        values); None where it has no meaning (contrasts).
    deff : ndarray or None
        Design effects, when asked for.
    interval : ndarray of shape (k, 2), or None
        Confidence intervals computed with the estimate, for statistics whose
        interval is not estimate +/- quantile * se (quantiles: Woodruff's
        interval); :meth:`ci` returns them.
    interval_level : float or None
        The coverage of :attr:`interval`.
    interval_df : ndarray or None
        The degrees of freedom of the t quantile behind each stored
        :attr:`interval` (a domain's own with ``by=``, as R's ``svyby``; the
        ``df=`` asked for), shown in the ``df`` column of :meth:`to_frame`;
        None where unknown or without a stored interval.
    variance : str
        How the covariance was estimated (``"Taylor linearisation"`` or
        ``"replicate weights (jk1)"``, ...), for display.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 6.0], "w": [2.0, 2.0, 2.0, 2.0]})
    >>> est = SurveyDesign(df, weights="w").mean("y")
    >>> float(est.estimate[0]), round(float(est.se[0]), 6)
    (3.0, 1.080123)
    >>> est.ci(level=0.9, dist="t").round(4)  # doctest: +NORMALIZE_WHITESPACE
              ci_low  ci_high
    variable
    y         0.4581   5.5419
    """

    statistic: str
    index: pd.Index
    estimate: np.ndarray
    _covariance: np.ndarray
    df: int
    n: np.ndarray | None
    deff: np.ndarray | None
    interval: np.ndarray | None
    interval_level: float | None
    interval_df: np.ndarray | None
    variance: str
    _units: np.ndarray | None

    def __init__(self, statistic: str, index: pd.Index, estimate: np.ndarray,
                 vcov: np.ndarray, df: int, n: np.ndarray | None = None,
                 deff: np.ndarray | None = None, interval: np.ndarray | None = None,
                 interval_level: float | None = None,
                 variance: str = "Taylor linearisation",
                 units: np.ndarray | None = None,
                 interval_df: np.ndarray | None = None) -> None:
        k = len(index)
        given = {"estimate": estimate, "_covariance": vcov, "n": n, "deff": deff,
                 "interval": interval, "_units": units, "interval_df": interval_df}
        shapes = {"estimate": (k,), "_covariance": (k, k), "interval": (k, 2), "n": (k,),
                  "deff": (k,), "_units": (k,), "interval_df": (k,)}
        for name, value in given.items():
            if value is not None:
                value = np.array(value, dtype=np.int64 if name == "n" else float)
                if value.shape != shapes[name]:
                    label = "vcov" if name == "_covariance" else name.lstrip("_")
                    raise ValueError(f"{label} has shape {value.shape}, "
                                     f"expected {shapes[name]}")
                value.flags.writeable = False
            given[name] = value
        units, covariance = given["_units"], given["_covariance"]
        if units is not None and covariance is not None:  # back to plain units when it fits
            with np.errstate(over="ignore", under="ignore", invalid="ignore"):
                plain = np.where(covariance == 0, 0.0, covariance * np.outer(units, units))
            diagonal = np.diag(covariance)
            if (np.isfinite(plain).all()
                    and np.all((diagonal == 0) | (np.diag(plain) >= np.finfo(float).tiny))):
                plain.flags.writeable = False
                given["_covariance"], given["_units"] = plain, None
        for field, setting in {"statistic": statistic, "index": index, "df": df,
                               "interval_level": interval_level, "variance": variance,
                               **given}.items():
            object.__setattr__(self, field, setting)

    @property
    def vcov(self) -> np.ndarray:
        """The covariance matrix of the estimates (read-only)."""
        if self._units is None:
            return self._covariance
        raise InfiniteValueError(
            f"the covariance of these {self.statistic} estimates is beyond double precision "
            f"(standard errors of {np.min(self.se):.3g} to {np.max(self.se):.3g}: their "
            "squares leave the range of doubles, 1e-308 to 1.8e308)",
            hint="use .se, .ci() or .contrast(), which hold; or express the variable or the "
                 "weights in another unit (thousands, millions)")

    @property
    def se(self) -> np.ndarray:
        """Standard errors, the square roots of the diagonal of :attr:`vcov`."""
        se = np.sqrt(np.diag(self._covariance))
        if self._units is not None:
            se = se * self._units
        se.flags.writeable = False
        return se

    def ci(self, level: float | None = None, dist: Literal["normal", "t"] = "normal",
           df: float | Sequence[float] | np.ndarray | None = None) -> pd.DataFrame:
        """Confidence intervals, as R's ``confint`` (normal by default).

        Parameters
        ----------
        level : float, optional
            Coverage; default 0.95, or the level of a stored :attr:`interval`.
        dist : {"normal", "t"}
            Normal quantiles (R's default, ``df=Inf``) or Student t with the
            design degrees of freedom :attr:`df` (R's ``confint(df=degf(des))``).
            Ignored for a stored :attr:`interval`.
        df : float or sequence of float, optional
            Degrees of freedom of a Student t quantile, as R's
            ``confint(object, df=)``: one for every estimate or one per
            estimate (e.g. each domain's); ``np.inf`` gives the normal. Given,
            it is Student t whatever ``dist`` says. A stored :attr:`interval`
            was computed with its own (:attr:`interval_df`): ask the estimator
            for ``df=`` instead.

        Returns
        -------
        DataFrame
            Columns ``ci_low``, ``ci_high``, indexed as :attr:`index`.

        Raises
        ------
        OptionError
            A level other than that of the stored :attr:`interval`, or ``df=``
            with one; a ``df`` that is not positive or not one per estimate.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 6.0], "w": 2.0})
        >>> total = SurveyDesign(df, weights="w").total("y")
        >>> total.ci(level=0.5).round(2)  # doctest: +NORMALIZE_WHITESPACE
                  ci_low  ci_high
        variable
        y          18.17    29.83
        >>> total.ci(df=3).round(2)  # R confint(df=3)  # doctest: +NORMALIZE_WHITESPACE
                  ci_low  ci_high
        variable
        y           -3.5     51.5
        """
        if self.interval is not None:
            if level is not None and level != self.interval_level:
                raise OptionError(f"this {self.statistic} interval was computed at level "
                                  f"{self.interval_level}, not {level}",
                                  hint=f"ask the estimator for level={level}")
            if df is not None:
                raise OptionError(f"this {self.statistic} interval was computed with the "
                                  "estimate, with its own degrees of freedom (the df column "
                                  "of to_frame())", hint="ask the estimator for df=")
            return pd.DataFrame(self.interval, index=self.index, columns=["ci_low", "ci_high"])
        level = 0.95 if level is None else level
        check_number("level", level, low=0, high=1, low_open=True, high_open=True,
                     hint="give a level between 0 and 1, e.g. 0.95")
        check_level("level", level)
        tail = 0.5 + level / 2
        if df is not None:
            q = stats.t.ppf(tail, self._as_df(df))
            if not np.all(np.isfinite(q)):
                raise OptionError(f"df={df!r} is too small: Student's t quantile at level "
                                  f"{level} is infinite",
                                  hint="give the degrees of freedom of the design (des.degf), "
                                       "or np.inf for the normal")
        elif dist == "normal":
            q = stats.norm.ppf(tail)
        elif dist == "t":
            if not self.df > 0:
                raise OptionError(f"dist='t' needs degrees of freedom, and these estimates "
                                  f"have df={self.df} (their rows lie in a single PSU)",
                                  hint="use dist='normal', or a design with more PSUs")
            q = stats.t.ppf(tail, self.df)
        else:
            check_option("dist", dist, ["normal", "t"])
        with np.errstate(over="ignore", invalid="ignore"):
            half = q * self.se
            low, high = self.estimate - half, self.estimate + half
        beyond = np.isfinite(self.estimate) & np.isfinite(self.se) & ~(
            np.isfinite(low) & np.isfinite(high))
        if beyond.any():
            raise InfiniteValueError(
                f"the confidence interval of {', '.join(map(repr, self.index[beyond][:5]))} "
                "reaches beyond double precision (about 1.8e308)",
                hint="express the variable or the weights in a larger unit "
                     "(thousands, millions)")
        return pd.DataFrame({"ci_low": low, "ci_high": high}, index=self.index)

    def _as_df(self, df: float | Sequence[float] | np.ndarray) -> np.ndarray:
        """``df=`` of :meth:`ci` as one positive number (or inf) per estimate."""
        values = np.atleast_1d(np.asarray(df, dtype=object))
        if values.ndim != 1 or len(values) not in (1, len(self.index)):
            raise OptionError(f"df= gives {values.size} values for {len(self.index)} estimates",
                              hint="give one number, or one per estimate")
        checked = [float(check_number("df", value, low=0, low_open=True, allow_inf=True))
                   for value in values]
        return np.broadcast_to(np.array(checked), (len(self.index),))

    def to_frame(self, level: float | None = None,
                 dist: Literal["normal", "t"] = "normal") -> pd.DataFrame:
        """A tidy table: estimate, se, ci_low, ci_high, df, deff, n.

        ``deff`` is NaN where design effects were not asked for. ``df`` is the
        degrees of freedom each interval used where the estimator computed it
        (:attr:`interval_df`: a proportion's or quantile's with ``by=`` uses
        its domain's, as R's ``svyby``), else the design's :attr:`df`.

        Parameters
        ----------
        level : float, optional
            Coverage of ``ci_low`` and ``ci_high``, passed to :meth:`ci`.
        dist : {"normal", "t"}
            Their distribution, passed to :meth:`ci`.

        Returns
        -------
        DataFrame
            One row per estimate, indexed as :attr:`index`.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 6.0], "g": list("aabb"), "w": 2.0})
        >>> des = SurveyDesign(df, weights="w")
        >>> des.mean("y", by="g").to_frame()[["estimate", "n"]]  # doctest: +NORMALIZE_WHITESPACE
                         estimate  n
        variable domain
        y        a            1.5  2
                 b            4.5  2
        """
        ci = self.ci(level, dist)
        k = len(self.index)
        deff = self.deff if self.deff is not None else np.full(k, np.nan)
        n = pd.array(self.n if self.n is not None else [None] * k, dtype="Int64")
        return pd.DataFrame({"estimate": self.estimate, "se": self.se,
                             "ci_low": ci["ci_low"].to_numpy(),
                             "ci_high": ci["ci_high"].to_numpy(), "df": self._shown_df(),
                             "deff": deff, "n": n}, index=self.index)

    def _shown_df(self) -> Any:
        """The df column: those of a stored interval where known, else :attr:`df`."""
        if self.interval is None or self.interval_df is None:
            return self.df
        dfs = self.interval_df
        if np.all(np.isfinite(dfs) & (dfs == np.round(dfs))):
            return dfs.astype(np.int64)
        return dfs

    def contrast(self, coefficients: Mapping[Any, float] | Sequence[float] | np.ndarray,
                 names: Sequence[str] | None = None) -> Estimate:
        """Linear combinations of the estimates, with their SEs (R's ``svycontrast``).

        The covariance between estimates (between domains too) is used, so a
        difference of two domain means gets its correct standard error.

        Parameters
        ----------
        coefficients : mapping, sequence or 2-d array
            One coefficient per estimate (a sequence as long as :attr:`index`,
            or rows of a 2-d array for several contrasts), or a mapping from
            index labels to coefficients (others are 0). A label may be the
            full index label or, when unambiguous, its last part (the domain
            or level).
        names : sequence of str, optional
            Names of the contrasts (default ``"contrast"``, numbered if several).

        Returns
        -------
        Estimate
            Statistic ``"contrast"``; ``n`` is None.

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 6.0], "w": 1.0, "g": ["a", "b", "a", "b"]})
        >>> est = SurveyDesign(df, weights="w").mean("y", by="g")
        >>> diff = est.contrast({"b": 1, "a": -1}, names=["b - a"])
        >>> float(diff.estimate[0])
        2.0
        """
        matrix = np.atleast_2d(self._coefficient_matrix(coefficients))
        if names is None:
            names = (["contrast"] if len(matrix) == 1
                     else [f"contrast{i + 1}" for i in range(len(matrix))])
        if len(names) != len(matrix):
            raise OptionError(f"{len(names)} names for {len(matrix)} contrasts",
                              hint="give one name per row of coefficients")
        if not np.isfinite(matrix).all():
            raise OptionError("contrast coefficients hold NaN or infinite values",
                              hint="give finite coefficients")
        if self._units is None:
            return Estimate("contrast", pd.Index(list(names), name="contrast"),
                            matrix @ self.estimate, matrix @ self.vcov @ matrix.T, self.df,
                            variance=self.variance)
        top = np.max(self._units)  # a power of two: the contrasts' unit
        scaled = matrix * (self._units / top)
        with np.errstate(over="ignore", invalid="ignore"):
            estimate = matrix @ self.estimate
        if not np.isfinite(estimate).all():
            raise InfiniteValueError("a contrast of these estimates is beyond double precision",
                                     hint="express the variable or the weights in another "
                                          "unit (thousands, millions)")
        return Estimate("contrast", pd.Index(list(names), name="contrast"), estimate,
                        scaled @ self._covariance @ scaled.T, self.df, variance=self.variance,
                        units=np.full(len(matrix), top))

    def _coefficient_matrix(self, coefficients: Mapping[Any, float] | Sequence[float]
                            | np.ndarray) -> np.ndarray:
        if not isinstance(coefficients, Mapping):
            matrix = np.asarray(coefficients, dtype=float)
            if matrix.shape[-1] != len(self.index) or matrix.ndim > 2:
                raise OptionError(f"contrast coefficients have shape {matrix.shape}; "
                                  f"expected one per estimate ({len(self.index)})",
                                  hint="give a vector, or a matrix with one row per contrast, "
                                       "or a mapping from labels to coefficients")
            return matrix
        labels = list(self.index)
        last = [label[-1] if isinstance(label, tuple) else label for label in labels]
        vector = np.zeros(len(labels))
        for key, value in coefficients.items():
            value = check_number(f"coefficients[{key!r}]", value)
            if key in labels:
                vector[labels.index(key)] = value
            elif last.count(key) == 1:
                vector[last.index(key)] = value
            else:
                raise UnknownLabelError(f"{key!r} is not one estimate's label",
                                        hint=f"use one of {labels}")
        return vector

    def summary(self, level: float | None = None,
                dist: Literal["normal", "t"] = "normal") -> str:
        """The table as text, with a header naming the statistic and interval.

        Parameters
        ----------
        level : float, optional
            The interval's coverage (default 0.95, as :meth:`ci`).
        dist : {"normal", "t"}
            Normal or Student t quantiles with :attr:`df`.

        Returns
        -------
        str
            A header, then :meth:`to_frame` (without ``deff`` unless asked for).

        Examples
        --------
        >>> import pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 6.0], "w": 2.0})
        >>> print(SurveyDesign(df, weights="w").mean("y").summary().splitlines()[0])
        Survey mean (Taylor linearisation), 95% confidence interval (normal)
        """
        return render_text(self._title(level, dist), self._blocks(level, dist))

    def _blocks(self, level: float | None = None,
                dist: Literal["normal", "t"] = "normal") -> list[Block]:
        return [self._table(level, dist)]

    def _table(self, level: float | None, dist: Literal["normal", "t"]) -> pd.DataFrame:
        frame = self.to_frame(level, dist)
        return frame if self.deff is not None else frame.drop(columns="deff")

    def _title(self, level: float | None = None,
               dist: Literal["normal", "t"] = "normal") -> str:
        if self.interval is not None:
            return (f"Survey {self.statistic}, {self.interval_level:.0%} confidence interval "
                    "computed with the estimate")
        interval = "normal" if dist == "normal" else f"t with {self.df} df"
        coverage = 0.95 if level is None else level
        return (f"Survey {self.statistic} ({self.variance}), {coverage:.0%} "
                f"confidence interval ({interval})")
