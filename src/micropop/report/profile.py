"""The report's sections on who the workers are: their profile, and against France.

Each function computes with the library and returns a
:class:`~micropop.report.result.Section`; nothing is drawn or written here.

Examples
--------
>>> import micropop as mp
>>> workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
>>> section = profile_section(workers, ["sex"])
>>> str(section.title), [t.name for t in section.tables]
('Who the workers are', ['profile'])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from micropop import datasets, plotting
from micropop.describe import shares
from micropop.design import SurveyDesign, require_design
from micropop.profile import insee_education, insee_population, profile
from micropop.report.i18n import Tr, in_language
from micropop.report.labels import figure_labels, labelled_levels
from micropop.report.missing import left_out, missing_rows
from micropop.report.plan import PROFILE_VARIABLES, FranceInputs
from micropop.report.result import (
    UNDEFINED,
    Block,
    Figure,
    Heading,
    Section,
    Table,
    TableView,
    Text,
)

__all__ = ["profile_section", "france_section"]

#: The tests' names in both languages.
_TESTS = {"goodness of fit": Tr("goodness of fit", "adéquation")}


def profile_section(workers: SurveyDesign,
                    variables: Sequence[str] = PROFILE_VARIABLES, na_rm: bool = False) -> Section:
    """Unweighted and weighted shares of the worker profile (table ``profile``).

    Parameters
    ----------
    workers : SurveyDesign
        The worker survey; its weights give the weighted shares.
    variables : sequence of str
        Categorical variables to tabulate.
    na_rm : bool, default False
        Leave out each variable's missing values (said in the text) instead of
        showing them as a level ``(missing)``.

    Returns
    -------
    Section

    Examples
    --------
    >>> import micropop as mp
    >>> workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> profile_section(workers).table("profile").columns.tolist()[:3]
    ['n', 'share', 'weighted_n']
    """
    require_design(workers, "workers")
    data, weights = workers.data, workers.weights
    said = left_out(data, list(variables), "the profile", "le profil") if na_rm else None
    table = shares(data, variables, weights=weights) if said is None else pd.concat(
        [shares(data[~missing_rows(data, [v])], [v], weights=weights[~missing_rows(data, [v])])
         for v in variables])
    intervals = profile(workers, list(variables), na_rm=na_rm).to_frame().set_index(
        ["variable", "level"])
    table = table.assign(weighted_ci_low=intervals["ci_low"], weighted_ci_high=intervals["ci_high"])
    shown = table[["n", "share", "weighted_share", "weighted_ci_low", "weighted_ci_high"]].rename(
        columns={"share": "unweighted %", "weighted_share": "weighted %"})
    return Section(Tr("Who the workers are", "Qui sont les travailleurs"), (
        Text(Tr("Shares of respondents ({n:,}), unweighted and weighted by the design's weights, "
                "the weighted shares with their 95 % logit intervals (as R's "
                "<code>svyciprop</code>).",
                "Répartition des répondants ({n:,}), brute et pondérée par les poids du plan "
                "de sondage ; les parts pondérées avec leur intervalle de confiance à 95 % "
                "(logit, comme <code>svyciprop</code> de R)."),
             {"n": len(workers.data)}),
        *([said] if said is not None else []),
        TableView(labelled_levels(shown, workers.data),
                  percent=("unweighted %", "weighted %", "weighted_ci_low", "weighted_ci_high")),
    ), (Table("profile", table),))


def _references(france: FranceInputs) -> dict[str, Any]:
    """The census and education references on the survey's columns and levels."""
    ages = france.ages
    references: dict[str, Any] = {}
    if france.sex is not None:
        levels = france.sex_levels
        references[france.sex] = insee_population(
            "sex", ages=ages,
            levels=None if levels is None else {_INSEE_SEX[k]: v for k, v in levels.items()})
    if france.age_band is not None:
        references[france.age_band] = insee_population(
            "age_band", ages=ages, levels=france.age_band_levels)
    return references


#: The census table's labels of the sexes.
_INSEE_SEX = {"female": "women", "male": "men"}


def _pyramid(workers: SurveyDesign, france: FranceInputs) -> tuple[Any, Any]:
    """The workers' age bands by sex (sexes as female/male) and the census's, for the pyramid."""
    assert france.sex is not None and france.age_band is not None
    if france.sex_levels is None and france.age_band_levels is None:
        return (workers.mean(france.age_band, by=france.sex),
                datasets.load_reference("insee_rp2018_sex_age"))
    frame = workers.mean(france.age_band, by=france.sex).to_frame()
    sexes = {str(v): k for k, v in (france.sex_levels or {}).items()}
    table = pd.DataFrame({
        "sex": [sexes.get(str(v), v) for v in frame.index.get_level_values("domain")],
        "age_band": frame.index.get_level_values("level").astype(str),
        "share": frame["estimate"].to_numpy(), "ci_low": frame["ci_low"].to_numpy(),
        "ci_high": frame["ci_high"].to_numpy()})
    reference = {sex: insee_population("age_band", ages=france.ages, sex=insee,
                                       levels=france.age_band_levels)
                 for sex, insee in _INSEE_SEX.items()}
    return table, reference


def france_section(workers: SurveyDesign, france: FranceInputs | None = None, *,
                   na_rm: bool = False) -> Section:
    """Workers against the French population: shares, differences and Rao–Scott tests.

    References: INSEE census RP2018 (sex and age band, ages 18–74 by default)
    and INSEE's educational attainment table (ages 25–64). Tables
    ``profile_france`` and ``profile_tests``; figures ``profile_france`` (the
    shares against the census, leaving out a variable with a share that has no
    interval) and ``age_sex_pyramid`` (with both sex and age bands).

    Parameters
    ----------
    workers : SurveyDesign
        The worker survey (by default needs ``sex``, ``age``, ``age_band``,
        ``education``, coded as in the demo codebook).
    france : FranceInputs, optional
        The survey's own columns and codes for sex, age, age band and
        education, and its age range; the demo's by default.
    na_rm : bool, default False
        Leave out the rows with a missing value of those columns (said in the text).

    Returns
    -------
    Section

    Examples
    --------
    >>> import micropop as mp
    >>> workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> [f.name for f in france_section(workers).figures]
    ['profile_france', 'age_sex_pyramid']
    >>> survey = mp.datasets.load_worker_survey().rename(columns={"sex": "sexe"})
    >>> survey["sexe"] = survey["sexe"].map({"female": "F", "male": "H"})
    >>> france = FranceInputs(sex="sexe", sex_levels={"female": "F", "male": "H"})
    >>> section = france_section(mp.SurveyDesign(survey, weights="weight"), france)
    >>> section.table("profile_france")["level"].tolist()[:2]
    ['F', 'H']
    """
    require_design(workers, "workers")
    france = FranceInputs() if france is None else france
    references = _references(france)
    used = [c for c in (france.sex, france.age, france.age_band, france.education) if c]
    said = left_out(workers.data, used, "the comparison with France",
                    "la comparaison avec la France") if na_rm else None
    parts = []
    if references:
        census = profile(workers, list(references), reference=references, na_rm=na_rm)
        parts.append(census)
    if france.education is not None and france.age is not None:
        age = pd.to_numeric(workers.data[france.age], errors="coerce")
        parts.append(profile(workers.subset(((age >= 25) & (age <= 64)).to_numpy()),
                             [france.education], na_rm=na_rm,
                             reference={france.education: insee_education(
                                 "25-64", levels=france.education_levels)}))
    table = pd.concat([part.to_frame() for part in parts], ignore_index=True)
    tests = pd.concat([part.tests() for part in parts], ignore_index=True)
    blocks: list[Block] = [Text(Tr(
        "Weighted shares with 95 % logit intervals, next to the census (sex, age; RP2018, "
        "ages 18–74) and INSEE's educational attainment (ages 25–64; the survey's respondents "
        "of that age). The reference is taken as known; the test is R's "
        "<code>svygofchisq</code> (Rao–Scott).",
        "Parts pondérées avec leur intervalle de confiance à 95 % (logit), à côté du "
        "recensement (sexe, âge ; RP2018, 18–74 ans) et du niveau de diplôme selon l'Insee "
        "(25–64 ans ; les répondants de cet âge). La référence est tenue pour connue ; le test "
        "est celui de <code>svygofchisq</code> de R (Rao–Scott)."))]
    if tuple(france.ages) != (18, 74):
        blocks.append(Text(Tr("The census is taken over ages {first}–{last}, the survey's own "
                              "range, not 18–74.",
                              "Le recensement est pris sur les âges {first} à {last}, ceux de "
                              "l'enquête, et non 18 à 74 ans."),
                           {"first": france.ages[0], "last": france.ages[1]}))
    if said is not None:
        blocks.append(said)
    if references:
        frame = census.to_frame()
        undefined = frame[["ci_low", "ci_high"]].isna().any(axis=1)
        drawn = [v for v in references if v not in set(frame.loc[undefined, "variable"])]
        if undefined.any():
            levels = ", ".join(f"{v} = {lv}" for v, lv in
                               frame.loc[undefined, ["variable", "level"]].itertuples(index=False))
            blocks.append(Text(Tr(
                "Not in the figure: {left_out}, as the share of {levels} has no interval (a "
                "share of 0 or 1 has no logit interval; {undefined} in the table).",
                "Absent de la figure : {left_out}, car la part de {levels} n'a pas d'intervalle "
                "(une part de 0 ou 1 n'a pas d'intervalle logit ; {undefined} dans le "
                "tableau)."),
                {"left_out": ", ".join(v for v in references if v not in drawn),
                 "levels": levels, "undefined": UNDEFINED}))
        if drawn:
            drawable = census if len(drawn) == len(references) else profile(
                workers, drawn, reference={v: references[v] for v in drawn}, na_rm=na_rm)
            blocks += [Heading(Tr("Shares against the census",
                                  "Les parts face au recensement")),
                       Figure("profile_france", in_language(plotting.profile_dots), (drawable,),
                              {"labels": figure_labels(workers.data, drawn)}, size=(7, 6))]
    if france.sex is not None and france.age_band is not None:
        blocks += [Heading(Tr("Age and sex", "Âge et sexe")),
                   Figure("age_sex_pyramid", plotting.pyramid, _pyramid(workers, france),
                          size=(7, 5.5))]
    shown = table.set_index(["variable", "level"])[
        ["share", "ci_low", "ci_high", "reference_share", "difference", "ratio"]]
    tested = tests[["variable", "test", "f", "ndf", "ddf", "f_p"]].rename(
        columns={"f": "Rao–Scott F", "f_p": "p-value"})
    tested["test"] = tested["test"].map(lambda name: _TESTS.get(name, name))
    blocks += [
        Heading(Tr("The shares and the tests", "Les parts et les tests")),
        TableView(labelled_levels(shown, workers.data),
                  percent=("share", "ci_low", "ci_high", "reference_share", "difference"),
                  digits=1),
        TableView(tested, index=False, digits=3),
    ]
    return Section(Tr("Workers against the French population",
                      "Les travailleurs face à la population française"), tuple(blocks),
                   (Table("profile_france", table, index=False),
                    Table("profile_tests", tests, index=False)))
