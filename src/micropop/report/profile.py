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

import pandas as pd

from micropop import datasets, plotting
from micropop.describe import shares
from micropop.design import SurveyDesign, require_design
from micropop.profile import insee_education, insee_population, profile
from micropop.report.i18n import Tr, in_language
from micropop.report.labels import figure_labels, labelled_levels
from micropop.report.plan import PROFILE_VARIABLES
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
                    variables: Sequence[str] = PROFILE_VARIABLES) -> Section:
    """Unweighted and weighted shares of the worker profile (table ``profile``).

    Parameters
    ----------
    workers : SurveyDesign
        The worker survey; its weights give the weighted shares.
    variables : sequence of str
        Categorical variables to tabulate.

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
    table = shares(workers.data, variables, weights=workers.weights)
    intervals = profile(workers, list(variables)).to_frame().set_index(["variable", "level"])
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
        TableView(labelled_levels(shown, workers.data),
                  percent=("unweighted %", "weighted %", "weighted_ci_low", "weighted_ci_high")),
    ), (Table("profile", table),))


def france_section(workers: SurveyDesign) -> Section:
    """Workers against the French population: shares, differences and Rao–Scott tests.

    References: INSEE census RP2018 (sex and age band, ages 18–74) and INSEE's
    educational attainment table (ages 25–64). Tables ``profile_france`` and
    ``profile_tests``; figures ``profile_france`` (the shares against the
    census, leaving out a variable with a share that has no interval) and
    ``age_sex_pyramid``.

    Parameters
    ----------
    workers : SurveyDesign
        The worker survey (needs ``sex``, ``age``, ``age_band``, ``education``).

    Returns
    -------
    Section

    Examples
    --------
    >>> import micropop as mp
    >>> workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> [f.name for f in france_section(workers).figures]
    ['profile_france', 'age_sex_pyramid']
    """
    require_design(workers, "workers")
    references = {"sex": insee_population("sex", ages=(18, 74)),
                  "age_band": insee_population("age_band", ages=(18, 74))}
    census = profile(workers, list(references), reference=references)
    education = profile(workers.subset("age >= 25 and age <= 64"), ["education"],
                        reference={"education": insee_education("25-64")})
    table = pd.concat([census.to_frame(), education.to_frame()], ignore_index=True)
    tests = pd.concat([census.tests(), education.tests()], ignore_index=True)
    blocks: list[Block] = [Text(Tr(
        "Weighted shares with 95 % logit intervals, next to the census (sex, age; RP2018, "
        "ages 18–74) and INSEE's educational attainment (ages 25–64; the survey's respondents "
        "of that age). The reference is taken as known; the test is R's "
        "<code>svygofchisq</code> (Rao–Scott).",
        "Parts pondérées avec leur intervalle de confiance à 95 % (logit), à côté du "
        "recensement (sexe, âge ; RP2018, 18–74 ans) et du niveau de diplôme selon l'Insee "
        "(25–64 ans ; les répondants de cet âge). La référence est tenue pour connue ; le test "
        "est celui de <code>svygofchisq</code> de R (Rao–Scott)."))]
    frame = census.to_frame()
    undefined = frame[["ci_low", "ci_high"]].isna().any(axis=1)
    drawn = [v for v in references if v not in set(frame.loc[undefined, "variable"])]
    if undefined.any():
        levels = ", ".join(f"{v} = {lv}" for v, lv in frame.loc[undefined, ["variable", "level"]]
                           .itertuples(index=False))
        blocks.append(Text(Tr(
            "Not in the figure: {left_out}, as the share of {levels} has no interval (a share "
            "of 0 or 1 has no logit interval; {undefined} in the table).",
            "Absent de la figure : {left_out}, car la part de {levels} n'a pas d'intervalle "
            "(une part de 0 ou 1 n'a pas d'intervalle logit ; {undefined} dans le tableau)."),
            {"left_out": ", ".join(v for v in references if v not in drawn), "levels": levels,
             "undefined": UNDEFINED}))
    if drawn:
        drawable = census if len(drawn) == len(references) else profile(
            workers, drawn, reference={v: references[v] for v in drawn})
        blocks += [Heading(Tr("Shares against the census", "Les parts face au recensement")),
                   Figure("profile_france", in_language(plotting.profile_dots), (drawable,),
                          {"labels": figure_labels(workers.data, drawn)}, size=(7, 6))]
    blocks += [Heading(Tr("Age and sex", "Âge et sexe")),
               Figure("age_sex_pyramid", plotting.pyramid,
                      (workers.mean("age_band", by="sex"),
                       datasets.load_reference("insee_rp2018_sex_age")), size=(7, 5.5))]
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
