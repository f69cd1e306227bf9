"""Profiles: who the respondents are, against a reference population.

:func:`profile` puts the design-based shares of categorical variables
(sex, age band, education, ...) next to the shares of a reference population
(census, labour-force survey), with the difference and ratio and a design-based
goodness-of-fit test; :func:`standardize` re-weights domain means to a standard
age structure (direct standardisation). A reference is a :class:`Reference`:
counts or shares by level, with its year and source; :func:`insee_population`
and :func:`insee_education` build them from the INSEE tables shipped in
:mod:`micropop.datasets`. These three live in :mod:`micropop.reference` and the
test, :func:`goodness_of_fit`, in :mod:`micropop.estimation.association`; all
four are importable from here too.

Conventions (R ``survey``):

- shares, SEs and intervals are the engine's (:meth:`SurveyDesign.proportion`,
  R's ``svymean`` / ``svyciprop``; default ``ci="logit"``);
- the reference is taken as fixed and known (a census count has no sampling
  error), so the difference ``share - reference`` has the SE of the share, the
  ratio ``share / reference`` the SE ``se / reference`` (delta method, exact
  here because the ratio is linear in the share), and their intervals are the
  share's interval shifted or rescaled;
- the goodness-of-fit test is R's ``svygofchisq`` (survey >= 4.1): Pearson's
  statistic on the estimated population counts, with Rao-Scott corrections.

Examples
--------
>>> import micropop as mp
>>> from micropop.profile import insee_population, profile
>>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
>>> france = {"sex": insee_population("sex", ages=(18, 74))}
>>> prof = profile(des, ["sex"], reference=france)
>>> prof.to_frame()[["level", "share", "reference_share"]].round(3)
    level  share  reference_share
0  female  0.561            0.512
1    male  0.439            0.488
>>> round(prof.gof["sex"].f, 2), prof.gof["sex"].f_p < 0.01
(9.45, True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from micropop._compat import renamed_keywords
from micropop.design import as_columns, require_design
from micropop.errors import ProfileError, check_option
from micropop.estimation import ChisqTest, Estimate
from micropop.estimation.goodness import (
    GoodnessOfFit,
    column_levels,
    goodness_of_fit,
    level_mismatch,
    matched_levels,
)
from micropop.reference.census import insee_population
from micropop.reference.distribution import Reference, as_reference
from micropop.reference.education import insee_education
from micropop.result import Block, Result, Table

if TYPE_CHECKING:
    from micropop.design import SurveyDesign

__all__ = ["GoodnessOfFit", "Profile", "Reference", "goodness_of_fit", "insee_education",
           "insee_population", "profile", "standardize"]


# --- profiles -----------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class Profile(Result):
    """Shares of a sample next to a reference population, with tests (immutable).

    Made by :func:`profile`; read it with :meth:`to_frame`, :meth:`tests`,
    :meth:`summary`, or display it in a notebook.

    Attributes
    ----------
    table : DataFrame
        The shares, references and differences (see :meth:`to_frame`).
    references : dict
        Variable -> :class:`Reference` used (empty without references).
    gof : dict
        Variable (or ``(variable, domain)`` with ``by=``) ->
        :class:`GoodnessOfFit`.
    independence : dict
        With ``by=``: variable -> :class:`~micropop.estimation.ChisqTest`, the
        Rao-Scott F test of independence of the variable and the domains
        (:meth:`SurveyDesign.chisq`, R's ``svychisq``).
    by : str or None
        The domain column.
    ci : str
        Interval method of the shares (R's ``svyciprop`` method).
    conf_level : float
        Coverage of the intervals.

    Examples
    --------
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> prof = mp.profile(des, "sex", reference={"sex": mp.reference.insee_population("sex")})
    >>> prof.title
    'Profile: survey shares (95% logit interval) against the reference (taken as known)'
    >>> prof.references["sex"].source, prof.conf_level
    ('INSEE RP2018 (POP1B)', 0.95)
    """

    table: pd.DataFrame
    references: Mapping[str, Reference]
    gof: Mapping[Any, GoodnessOfFit]
    independence: Mapping[str, ChisqTest]
    by: str | None
    ci: str
    conf_level: float

    def to_frame(self) -> pd.DataFrame:
        """The tidy table, one row per variable, level [and domain].

        Columns: ``variable``, ``level`` [, ``domain``], ``n`` (respondents),
        ``share``, ``se``, ``ci_low``, ``ci_high``, ``reference_share``,
        ``reference_year``, ``difference``, ``difference_ci_low``,
        ``difference_ci_high``, ``ratio``, ``ratio_se``, ``ratio_ci_low``,
        ``ratio_ci_high`` (reference columns are NaN without a reference).

        Returns
        -------
        DataFrame
            A copy: changing it leaves the profile alone.

        Examples
        --------
        >>> import micropop as mp
        >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
        >>> ref = mp.reference.insee_population("sex", ages=(18, 64))
        >>> table = mp.profile(des, "sex", reference={"sex": ref}).to_frame()
        >>> table[["level", "share", "reference_share"]].round(3)
            level  share  reference_share
        0  female  0.561            0.508
        1    male  0.439            0.492
        """
        return self.table.copy()

    def tests(self) -> pd.DataFrame:
        """One row per test.

        Goodness of fit (``test == "goodness of fit"``): first-order
        (``rs1_*``), Satterthwaite (``satterthwaite_*``) and F (``f``,
        ``ndf``, ``ddf``, ``f_p``) forms. With ``by=``, also the Rao-Scott F
        test of independence of each variable and the domains
        (``test == "independence"``, F columns only).

        Returns
        -------
        DataFrame
            One row per test, with the columns ``variable`` [, ``domain``],
            ``test`` and the statistics above.

        Examples
        --------
        >>> import micropop as mp
        >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
        >>> tests = mp.profile(des, "sex", by="frequency").tests()
        >>> tests[["variable", "test", "f_p"]].round(3)
          variable          test    f_p
        0      sex  independence  0.479
        """
        rows = []
        for key, test in self.gof.items():
            variable, domain = key if isinstance(key, tuple) else (key, None)
            rows.append({"variable": variable, "domain": domain, "test": "goodness of fit",
                         "pearson": test.pearson, "rs1_chisq": test.rs1_chisq,
                         "rs1_df": test.rs1_df, "rs1_p": test.rs1_p,
                         "satterthwaite_scale": test.scale, "satterthwaite_df": test.df,
                         "satterthwaite_p": test.p_value, "f": test.f, "ndf": test.ndf,
                         "ddf": test.ddf, "f_p": test.f_p})
        for variable, chisq in self.independence.items():
            rows.append({"variable": variable, "domain": None, "test": "independence",
                         "f": chisq.statistic, "ndf": chisq.ndf, "ddf": chisq.ddf,
                         "f_p": chisq.p_value})
        frame = pd.DataFrame(rows)
        return frame if self.by is not None or frame.empty else frame.drop(columns="domain")

    def _blocks(self) -> list[Block]:
        """One block per variable: its reference, its shares and its tests."""
        blocks: list[Block] = []
        table = self.table
        for variable in dict.fromkeys(table["variable"]):
            block = table[table["variable"] == variable].drop(columns="variable")
            blocks += ["", f"{variable}: {self._reference_label(variable)}",
                       Table(block.set_index([c for c in ("level", "domain") if c in block])
                             .drop(columns=["reference_year"]), "{:.4f}")]
            blocks += [f"  {text}" for text in self._test_lines(variable)]
        return blocks

    def _title(self) -> str:
        domain = f" by {self.by}" if self.by else ""
        return (f"Profile{domain}: survey shares ({self.conf_level:.0%} {self.ci} "
                "interval) against the reference (taken as known)")

    def _reference_label(self, variable: str) -> str:
        ref = self.references.get(variable)
        if ref is None:
            return "no reference"
        text = ref.label + (f" -- {ref.population}" if ref.population else "")
        return text + (f" ({ref.note})" if ref.note else "")

    def _test_lines(self, variable: str) -> list[str]:
        lines = []
        for key, test in self.gof.items():
            name, domain = key if isinstance(key, tuple) else (key, None)
            if name != variable:
                continue
            where = "" if domain is None else f" [{self.by} = {domain}]"
            lines.append(f"Goodness of fit{where}: Rao-Scott X2 = {test.rs1_chisq:.3f} on "
                         f"{test.rs1_df} df, p = {test.rs1_p:.3g}; F = {test.f:.3f} on "
                         f"({test.ndf:.3g}, {test.ddf:.4g}) df, p = {test.f_p:.3g}")
        if variable in self.independence:
            chisq = self.independence[variable]
            lines.append(f"Independence of {variable} and {self.by} (Rao-Scott): F = "
                         f"{chisq.statistic:.3f} on ({chisq.ndf:.3g}, {chisq.ddf:.4g}) df, "
                         f"p = {chisq.p_value:.3g}")
        return lines


@renamed_keywords(conf_level="level")
def profile(design: SurveyDesign, variables: str | Sequence[str],
            reference: Mapping[str, Reference | Mapping[Any, float] | pd.Series] | None = None,
            by: str | None = None, ci: str = "logit", level: float = 0.95,
            na_rm: bool = False) -> Profile:
    """Shares of categorical variables, against a reference population, with tests.

    For each variable: the design-based share of each level with its
    interval (:meth:`SurveyDesign.proportion`, R's ``svyciprop``), the
    reference share, the difference and the ratio with their intervals (the
    reference taken as known), and the goodness-of-fit test of
    :func:`goodness_of_fit` (R's ``svygofchisq``). With ``by=``, shares are
    given for each domain (R's ``svyby``), the test is run in each domain (a
    subset keeping the full design), and the domains are tested for
    independence from the variable by the engine's Rao-Scott test
    (:meth:`SurveyDesign.chisq`, R's ``svychisq``, second-order F).

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    variables : str or list of str
        Categorical columns.
    reference : mapping, optional
        Variable -> :class:`Reference` (or a mapping / Series of shares or
        counts by level). Variables without one get shares only.
    by : str, optional
        A domain column (e.g. ``"frequency"``: weekly, monthly, less often).
    ci : {"logit", "xlogit", "mean", "asin", "beta"}
        Interval of the shares, as R's ``svyciprop``.
    level : float, default 0.95
        Coverage of the intervals (``conf_level=`` is its deprecated old name;
        the result keeps it as :attr:`Profile.conf_level`).
    na_rm : bool, default False
        Leave out rows with a missing value (R's ``na.rm``); by default
        missing values raise :class:`MissingValuesError`.

    Returns
    -------
    Profile

    Raises
    ------
    ReferenceLevelError
        Reference levels that are not the survey's, or observed survey levels
        without a reference share (both named).

    Examples
    --------
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> prof = profile(des, ["frequency"], by="sex")
    >>> prof.to_frame().loc[:1, ["level", "domain", "share"]].round(3)
        level  domain  share
    0  weekly  female  0.311
    1  weekly    male  0.348
    """
    require_design(design)
    check_option("na_rm", na_rm, [True, False])
    variables = _variables(variables, by)
    if reference is not None and not isinstance(reference, Mapping):
        raise ProfileError(f"reference is a {type(reference).__name__}, not a mapping from "
                           "variable to reference",
                           hint="pass reference={'sex': insee_population('sex', ...)}")
    references = {name: as_reference(value) for name, value in (reference or {}).items()}
    unused = [name for name in references if name not in variables]
    if unused:
        raise ProfileError(f"reference given for {', '.join(map(repr, unused))}, which "
                           "is not among the variables profiled",
                           hint="add it to variables, or drop it from reference")
    blocks: list[pd.DataFrame] = []
    gof: dict[str | tuple[str, str], GoodnessOfFit] = {}  # (variable, domain) with by=
    independence: dict[str, ChisqTest] = {}
    for variable in variables:
        ref = references.get(variable)
        if ref is None:
            levels = column_levels(design, variable)[0]
        else:
            levels = matched_levels(design, variable, ref)[0]
        blocks.append(_shares(design, variable, levels, ref, by, ci, level, na_rm))
        if ref is not None and by is None:
            gof[variable] = goodness_of_fit(design, variable, ref, na_rm)
        elif ref is not None and by is not None:
            for domain, mask in _domain_masks(design, by):
                gof[(variable, domain)] = goodness_of_fit(design.subset(mask), variable,
                                                          ref, na_rm)
        if by is not None:
            independence[variable] = design.chisq(variable, by, statistic="F", na_rm=na_rm)
    return Profile(pd.concat(blocks, ignore_index=True), references, gof, independence,
                   by, ci, level)


def _variables(variables: str | Sequence[str], by: str | None) -> list[str]:
    """The profiled columns: at least one, each once, none of them the domain column."""
    columns = as_columns(variables, "variables")
    if not columns:
        raise ProfileError("no variable to profile", hint="name one categorical column or more")
    repeated = list(dict.fromkeys(c for c in columns if columns.count(c) > 1))
    if repeated:
        raise ProfileError(f"variables lists {', '.join(map(repr, repeated))} more than once",
                           hint="name each variable once")
    if by is not None and by in columns:
        raise ProfileError(f"{by!r} is both a profiled variable and the domain column by=",
                           hint="profile it without by=, or choose another domain column")
    return columns


def _domain_masks(design: SurveyDesign, by: str) -> list[tuple[str, np.ndarray]]:
    column = design.data[by]
    values = (list(column.cat.categories) if isinstance(column.dtype, pd.CategoricalDtype)
              else sorted(column.dropna().unique()))
    return [(str(v), (column == v).to_numpy()) for v in values if (column == v).any()]


def _shares(design: SurveyDesign, variable: str, levels: list[Any], ref: Reference | None,
            by: str | None, ci: str, conf_level: float, na_rm: bool) -> pd.DataFrame:
    """Rows of the profile table for one variable (all levels, all domains)."""
    rows = []
    column = design.data[variable]
    for level in levels:
        est = design.proportion(variable, category=level, ci=ci, by=by, level=conf_level,
                                na_rm=na_rm)
        interval = est.ci()
        domains = [None] if by is None else [label[-1] for label in est.index]
        at_level = column == level
        for k, domain in enumerate(domains):
            inside = at_level if by is None else at_level & (design.data[by].astype(str)
                                                             == domain)
            rows.append({"variable": variable, "level": str(level), "domain": domain,
                         "n": int(inside.sum()), "share": est.estimate[k], "se": est.se[k],
                         "ci_low": interval["ci_low"].iloc[k],
                         "ci_high": interval["ci_high"].iloc[k]})
    frame = pd.DataFrame(rows)
    if by is None:
        frame = frame.drop(columns="domain")
    reference = (np.nan if ref is None
                 else frame["level"].map(ref.shares).to_numpy(dtype=float))
    frame["reference_share"] = reference
    frame["reference_year"] = pd.array([None if ref is None else ref.year] * len(frame),
                                       dtype="Int64")
    frame["difference"] = frame["share"] - reference
    frame["difference_ci_low"] = frame["ci_low"] - reference
    frame["difference_ci_high"] = frame["ci_high"] - reference
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["ratio"] = frame["share"] / reference
        frame["ratio_se"] = frame["se"] / reference
        frame["ratio_ci_low"] = frame["ci_low"] / reference
        frame["ratio_ci_high"] = frame["ci_high"] / reference
    return frame


# --- direct standardisation -------------------------------------------------------


def standardize(design: SurveyDesign, variable: str, by: str = "age_band",
                standard: Reference | Mapping[Any, float] | pd.Series | None = None,
                na_rm: bool = False) -> Estimate:
    """Directly standardised mean (or shares) of ``variable`` over the strata ``by``.

    The standardised mean is ``sum_g s_g * mean_g``: the domain means of
    ``variable`` in each level ``g`` of ``by`` (e.g. age band), weighted by
    the standard population's shares ``s_g`` (e.g. the French age
    structure) -- what the sample would show if it had the standard's
    composition. For a categorical variable, each level's share is
    standardised. The standard is taken as known; the SE is that of a linear
    combination of domain means with their full design covariance
    (:meth:`SurveyDesign.mean` with ``by=``, then :meth:`Estimate.contrast`),
    which is what R's ``svystandardize(design, by=, over=~1, population=)``
    followed by ``svymean`` gives.

    Parameters
    ----------
    design : SurveyDesign or ReplicateDesign
    variable : str
        Numeric or categorical column.
    by : str, default "age_band"
        The standardisation strata.
    standard : Reference, mapping or Series
        Counts or shares of the standard population by level of ``by``
        (e.g. ``insee_population("age_band", ages=(18, 74))``). Its levels must
        be exactly the levels of ``by`` observed in the design.
    na_rm : bool, default False
        Leave out rows with a missing ``variable`` (R's ``na.rm``).

    Returns
    -------
    Estimate
        Statistic ``"standardized mean"``, one row per variable [level].

    Raises
    ------
    ReferenceLevelError
        Standard levels absent from the sample, or sampled levels the
        standard lacks (named); restrict the design to the standard's range.

    Examples
    --------
    >>> import micropop as mp
    >>> df = mp.datasets.load_worker_survey()
    >>> des = mp.SurveyDesign(df, weights="weight").subset("age >= 25 and age <= 64")
    >>> france = insee_population("age_band", ages=(25, 64))
    >>> est = standardize(des, "education", by="age_band", standard=france)
    >>> est.to_frame()["estimate"].round(3).tolist()
    [0.185, 0.201, 0.237, 0.377]
    """
    require_design(design)
    if standard is None:
        raise ProfileError("standardize needs a standard population",
                           hint="pass standard=insee_population('age_band', ages=(...))")
    standard = as_reference(standard)
    if variable == by:
        raise ProfileError(f"{variable!r} is both the variable and the strata by=",
                           hint="standardise another variable over these strata")
    means = design.mean(variable, by=by, na_rm=na_rm)
    domains = [label[-1] for label in means.index]
    strata = list(dict.fromkeys(domains))
    unknown = [g for g in standard.values.index if g not in strata]
    missing = [g for g in strata if g not in standard.values.index]
    if unknown or missing:
        raise level_mismatch(
            by, f"the standard ({standard.label})",
            ("in the standard but without sampled rows", unknown),
            ("sampled but not in the standard", missing),
            hint="restrict the design to the standard's range (des.subset(...)) or build "
                 "the standard over the sample's range")
    weights = standard.shares.reindex(strata).to_numpy()
    outputs = list(dict.fromkeys(label[:-1] for label in means.index))
    matrix = np.zeros((len(outputs), len(means.index)))
    for j, label in enumerate(means.index):
        matrix[outputs.index(label[:-1]), j] = weights[strata.index(label[-1])]
    combined = means.contrast(matrix)
    index = (pd.Index([o[0] for o in outputs], name="variable") if len(outputs[0]) == 1
             else pd.MultiIndex.from_tuples(outputs, names=means.index.names[:-1]))
    return Estimate("standardized mean", index, combined.estimate, combined.vcov, means.df,
                    variance=means.variance)
