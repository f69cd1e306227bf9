"""The report's section on regression models: what goes with regular work and with low pay.

A :class:`ModelSpec` says which model to fit (a formula, a family, an optional
domain); :func:`fit_model` fits it on the worker survey's design (the one
place that chooses the fitting function from the family) and
:func:`model_blocks` shows any fit whose ``to_frame(exp=, level=)`` gives
``term, estimate, se, t, p, ci_low, ci_high``: a table of odds ratios or
coefficients with their intervals, the forest plot of
:func:`micropop.plotting.coef_forest` and a reading note, in both languages.
:func:`models_section` puts the models of a plan together; nothing is drawn
or written here.

Examples
--------
>>> import micropop as mp
>>> workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
>>> section = models_section(workers, DEMO_MODELS)
>>> [t.name for t in section.tables]
['model_weekly', 'model_log_earnings', 'model_frequency']
>>> section.table("model_weekly").loc["sexmale", "estimate"].round(3)
np.float64(1.179)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from micropop import plotting
from micropop.design import SurveyDesign, require_design
from micropop.errors import OptionError, check_option
from micropop.models import glm, olr
from micropop.models.olr import METHOD_OF_LINK
from micropop.report.i18n import Tr, in_language
from micropop.report.labels import level_label
from micropop.report.result import Block, Figure, Heading, Section, Table, TableView, Text

__all__ = ["ModelSpec", "MODEL_FAMILIES", "MODEL_LINKS", "MODEL_NAME", "DEMO_MODELS",
           "VARIABLE_NAMES", "TITLE", "fit_model", "term_labels", "model_blocks", "models_section"]

#: The families a model of the report may have: those of :func:`micropop.models.glm`, and
#: "ordinal" for :func:`micropop.models.olr` (proportional odds, as R's ``svyolr``).
MODEL_FAMILIES = ("gaussian", "binomial", "quasibinomial", "poisson", "quasipoisson", "Gamma",
                  "ordinal")

#: The links a model of the report may name (those of :func:`micropop.models.glm`).
MODEL_LINKS = ("identity", "logit", "probit", "log", "cloglog", "inverse")

#: The links of an ordinal model, and :func:`micropop.models.olr`'s name for each.
ORDINAL_LINKS = METHOD_OF_LINK

#: The demo's variables, named for people in both languages (other columns keep their name).
VARIABLE_NAMES: dict[str, Tr] = {
    "sex": Tr("Sex", "Sexe"),
    "age_group": Tr("Age group", "Tranche d'âge"),
    "age_band": Tr("Age band", "Tranche d'âge quinquennale"),
    "education": Tr("Education", "Diplôme"),
    "employment": Tr("Main situation", "Situation principale"),
    "has_other_job": Tr("Has another job", "Occupe un autre emploi"),
    "hours_week": Tr("Hours per week", "Heures par semaine"),
    "earnings_month": Tr("Monthly earnings", "Gains mensuels"),
    "frequency": Tr("Frequency", "Fréquence"),
    "n_platforms": Tr("Number of platforms", "Nombre de plateformes"),
    "main_motive": Tr("Main motive", "Motivation principale"),
    "working_time": Tr("Working time", "Temps de travail"),
    "region": Tr("Region", "Région"),
}

#: R's polynomial contrasts of an ordered factor, for people.
_POLY = {".L": Tr("linear trend", "tendance linéaire"),
         ".Q": Tr("quadratic trend", "tendance quadratique"),
         ".C": Tr("cubic trend", "tendance cubique")}
_INTERCEPT = Tr("Intercept (reference profile)", "Constante (profil de référence)")
_CATEGORICAL = re.compile(r"^(?:C|relevel)\((?P<column>`[^`]+`|[^,()]+)(?:,.*)?\)$")
#: A model's name: it names its files (``model_<name>.csv``).
MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*")


@dataclass(frozen=True)
class ModelSpec:
    """One model of the report: what to fit, and how to show it.

    Attributes
    ----------
    name : str
        Its files' name: table ``model_<name>.csv``, figure ``model_<name>.png``.
    formula : str
        A formula on the worker survey's columns, as :func:`micropop.models.glm` reads it.
    family : str, default "gaussian"
        One of :data:`MODEL_FAMILIES`.
    link : str, optional
        One of :data:`MODEL_LINKS`; the family's canonical link by default.
    exp : bool, optional
        Show exponentiated coefficients (odds or rate ratios); by default
        under a logit or log link.
    na_rm : bool, default False
        Leave out the rows with a missing value of a column the model uses
        (the report says how many); refused by default.
    subset : str, optional
        A condition on the rows (as :meth:`SurveyDesign.subset` reads it, e.g.
        ``"earnings_month > 0"``): the model describes that domain, the design
        kept whole for the standard errors; the report says how many rows are left out.
    title : str or Tr, optional
        The model's heading; by default its formula.

    Examples
    --------
    >>> spec = ModelSpec("weekly", 'I(frequency == "weekly") ~ sex', family="quasibinomial")
    >>> spec.shows_ratios
    True
    >>> ModelSpec("often", "frequency ~ sex", family="ordinal").shows_ratios
    True
    >>> ModelSpec("pay", "y ~ x", family="gamma")
    Traceback (most recent call last):
    ...
    micropop.errors.OptionError: family='gamma' is not one of ...
    """

    name: str
    formula: str
    family: str = "gaussian"
    link: str | None = None
    exp: bool | None = None
    na_rm: bool = False
    subset: str | None = None
    title: str | Tr | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not MODEL_NAME.fullmatch(self.name):
            raise OptionError(f"model name {self.name!r} is not a plain file name",
                              hint="use letters, digits, '_' and '-', e.g. 'weekly'")
        if not isinstance(self.formula, str) or "~" not in self.formula:
            raise OptionError(f"model {self.name!r}: formula {self.formula!r} is not "
                              "'response ~ terms'", hint='write e.g. "weekly ~ sex + age_group"')
        check_option("family", self.family, MODEL_FAMILIES)
        if self.link is not None:
            check_option("link", self.link, tuple(ORDINAL_LINKS) if self.ordinal else MODEL_LINKS)

    @property
    def ordinal(self) -> bool:
        """Whether the model is an ordinal (proportional odds) model."""
        return self.family == "ordinal"

    @property
    def shows_ratios(self) -> bool:
        """Whether the coefficients are shown exponentiated (odds or rate ratios)."""
        if self.exp is not None:
            return bool(self.exp)
        link = self.link or {"binomial": "logit", "quasibinomial": "logit", "poisson": "log",
                             "quasipoisson": "log", "ordinal": "logit"}.get(self.family, "")
        return link in ("logit", "log")


#: The demo's models: working weekly (logistic), log monthly earnings (gaussian, on the
#: workers who earned something) and how often they work (ordinal).
DEMO_MODELS = (
    ModelSpec("weekly", 'I(frequency == "weekly") ~ sex + C(age_group, treatment) '
              "+ C(education, treatment) + has_other_job", family="quasibinomial",
              title=Tr("Working every week (logistic model)",
                       "Travailler chaque semaine (modèle logistique)")),
    ModelSpec("log_earnings", "log(earnings_month) ~ sex + C(age_group, treatment) "
              "+ C(education, treatment) + has_other_job", family="gaussian",
              subset="earnings_month > 0",
              title=Tr("Log monthly earnings (linear model)",
                       "Logarithme des gains mensuels (modèle linéaire)")),
    ModelSpec("frequency", "frequency ~ sex + C(age_group, treatment) "
              "+ C(education, treatment) + has_other_job", family="ordinal",
              title=Tr("How often they work: weekly, monthly, less often (ordinal model)",
                       "Fréquence du travail : chaque semaine, chaque mois, moins souvent "
                       "(modèle ordinal)")),
)


def _glm(design: Any, spec: ModelSpec) -> Any:
    return glm(design, spec.formula, family=spec.family, link=spec.link, na_rm=spec.na_rm)


def _olr(design: Any, spec: ModelSpec) -> Any:
    return olr(design, spec.formula, method=ORDINAL_LINKS[spec.link or "logit"],
               na_rm=spec.na_rm)


#: Family -> the function fitting a :class:`ModelSpec` on a design (one entry per family).
_FITTERS: dict[str, Callable[[Any, ModelSpec], Any]] = {
    **dict.fromkeys(MODEL_FAMILIES, _glm), "ordinal": _olr}


def fit_model(workers: SurveyDesign, spec: ModelSpec) -> Any:
    """Fit ``spec`` on the worker survey (on its domain when it has a subset).

    Parameters
    ----------
    workers : SurveyDesign
        The worker survey.
    spec : ModelSpec
        The model.

    Returns
    -------
    GLMResult or OLRResult
        The fit (an :class:`~micropop.models.OLRResult` for the "ordinal" family).

    Raises
    ------
    MicropopError
        The library's refusal of the formula, data or fit (a column absent,
        naming the closest one; a response outside the family's support...).

    Examples
    --------
    >>> import micropop as mp
    >>> workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> fit = fit_model(workers, DEMO_MODELS[1])
    >>> fit.n, fit.family
    (879, 'gaussian')
    """
    return _FITTERS[spec.family](_domain(workers, spec), spec)


def _domain(workers: SurveyDesign, spec: ModelSpec) -> SurveyDesign:
    """The design the model is fitted on: its subset taken."""
    require_design(workers, "workers")
    return workers if spec.subset is None else workers.subset(spec.subset)


def _variable(label: str) -> str:
    """The data column behind a formula variable's label (``C(age_group, treatment)``)."""
    found = _CATEGORICAL.match(label)
    column = found.group("column").strip() if found else label
    return column[1:-1] if column.startswith("`") and column.endswith("`") else column


def _named(column: str) -> str | Tr:
    return VARIABLE_NAMES.get(column, column)


def _part(part: str, data: pd.DataFrame, levels: Mapping[str, Sequence[str]]) -> str | Tr:
    """One factor of a column of the model matrix (``sexmale``, ``hours_week``), for people."""
    for label in sorted(levels, key=len, reverse=True):
        if not part.startswith(label):
            continue
        rest = part[len(label):]
        if label.startswith("I(") and rest == "TRUE":  # I(age >= 45): the comparison itself
            return label[2:-1]
        column = _variable(label)
        name = _named(column)
        if rest in [str(level) for level in levels[label]]:
            level = next(v for v in levels[label] if str(v) == rest)
            shown = level_label(data, column, level)
            return Tr(f"{name}: {shown}", f"{_fr(name)} : {_fr(shown)}")
        if rest in _POLY:
            return Tr(f"{name}: {_POLY[rest].en}", f"{_fr(name)} : {_POLY[rest].fr}")
    return _named(_variable(part))


def _fr(text: object) -> str:
    return text.fr if isinstance(text, Tr) else str(text)


def _en(text: object) -> str:
    return text.en if isinstance(text, Tr) else str(text)


def term_labels(result: Any, data: pd.DataFrame) -> dict[str, str | Tr]:
    """Each coefficient's name for people: ``sexmale`` -> "Sex: Men" / "Sexe : Homme".

    A factor's level is labelled with the codebook's value labels
    (:func:`~micropop.report.labels.level_label`), a variable with
    :data:`VARIABLE_NAMES` (its column name otherwise); interactions join
    their parts with " × ".

    Parameters
    ----------
    result : GLMResult
        A fit from a formula (its ``model`` holds the levels of each factor).
    data : pandas.DataFrame
        The data, read through their codebook.

    Returns
    -------
    dict
        Coefficient name -> str or Tr.

    Examples
    --------
    >>> import micropop as mp
    >>> data = mp.datasets.load_worker_survey()
    >>> fit = mp.SurveyDesign(data, weights="weight").glm("hours_week ~ sex")
    >>> term_labels(fit, data)["sexmale"]
    Tr(en='Sex: Men', fr='Sexe : Homme')
    """
    model = getattr(result, "model", None)
    levels = getattr(model, "levels", {}) or {}
    out: dict[str, str | Tr] = {}
    thresholds = set(_thresholds(result))
    for term in result.names:
        if term == "(Intercept)":
            out[term] = _INTERCEPT
            continue
        if term in thresholds:  # an ordinal model's "weekly|monthly"
            column = str(getattr(model, "response", ""))
            below, above = (level_label(data, column, level) for level in term.split("|", 1))
            out[term] = Tr(f"Threshold: {_en(below)} | {_en(above)}",
                           f"Seuil : {_fr(below)} | {_fr(above)}")
            continue
        parts = [_part(p, data, levels) for p in str(term).split(":")]
        out[term] = parts[0] if len(parts) == 1 else Tr(
            " × ".join(map(_en, parts)), " × ".join(map(_fr, parts)))
    return out


def _thresholds(result: Any) -> list[str]:
    """An ordinal model's thresholds (``"weekly|monthly"``), after its coefficients."""
    n_coef = getattr(result, "n_coef", None)
    return [] if n_coef is None else list(result.names[n_coef:])


def _references(result: Any, data: pd.DataFrame) -> Tr | None:
    """The reference level of each factor of the model, for people (None without factors)."""
    levels = getattr(getattr(result, "model", None), "levels", {}) or {}
    names = set(result.names)
    parts = []
    for label, held in levels.items():
        # polynomial contrasts have no reference level, nor a comparison I(x == "a")
        if held and f"{label}.L" not in names and not label.startswith("I("):
            column = _variable(label)
            parts.append((_named(column), level_label(data, column, held[0])))
    if not parts:
        return None
    return Tr("; ".join(f"{_en(name)}: {_en(level)}" for name, level in parts),
              " ; ".join(f"{_fr(name)} : {_fr(level)}" for name, level in parts))


def _note(spec: ModelSpec, result: Any, data: pd.DataFrame,
          counts: Mapping[str, int]) -> list[Block]:
    """The reading note of one model: the scale, the design-based SEs, the rows used."""
    values: dict[str, Any] = {"n": counts["used"], "df": result.df_resid,
                              "formula": spec.formula}
    if spec.ordinal:
        column = str(getattr(getattr(result, "model", None), "response", ""))
        shown = [level_label(data, column, level) for level in getattr(result, "levels", ())]
        values["order"] = Tr(" < ".join(map(_en, shown)), " < ".join(map(_fr, shown)))
        scale = Tr("Proportional-odds model of the ordered levels {order}: "
                   + ("a cumulative odds ratio above 1 (exp of the coefficient)"
                      if spec.shows_ratios else "a positive coefficient")
                   + " means the characteristic goes with the later levels, all else in the "
                   "model being equal; the thresholds place the cuts between the levels.",
                   "Modèle à cotes proportionnelles des modalités ordonnées {order} : "
                   + ("un rapport de cotes cumulées supérieur à 1 (exponentielle du "
                      "coefficient)" if spec.shows_ratios else "un coefficient positif")
                   + " signifie que la caractéristique va avec les modalités placées plus "
                   "loin dans cet ordre, toutes choses égales par ailleurs dans le modèle ; "
                   "les seuils "
                   "placent les coupures entre les modalités.")
    elif spec.shows_ratios:
        scale = Tr("Odds ratios (exp of the coefficients): above 1, the characteristic goes "
                   "with higher odds than its reference level, all else in the model being "
                   "equal; below 1, with lower odds.",
                   "Rapports de cotes (exponentielle des coefficients) : au-dessus de 1, la "
                   "caractéristique va avec une cote plus élevée que sa modalité de référence, "
                   "toutes choses égales par ailleurs dans le modèle ; en dessous de 1, avec "
                   "une cote plus faible.")
    elif str(getattr(getattr(result, "model", None), "response", "")).startswith("log("):
        scale = Tr("Coefficients on the log scale: 100 × coefficient is roughly the "
                   "percentage difference from the reference level, all else in the model "
                   "being equal.",
                   "Coefficients sur l'échelle logarithmique : 100 × coefficient est à peu "
                   "près l'écart en pourcentage à la modalité de référence, toutes choses "
                   "égales par ailleurs dans le modèle.")
    else:
        scale = Tr("Coefficients: the difference from the reference level (or per unit), "
                   "all else in the model being equal.",
                   "Coefficients : l'écart à la modalité de référence (ou par unité), toutes "
                   "choses égales par ailleurs dans le modèle.")
    blocks: list[Block] = [
        Text(Tr("Model <code>{formula}</code> on {n:,} respondents.",
                "Modèle <code>{formula}</code> sur {n:,} répondants."), values),
        Text(scale, values),
        Text(Tr("Standard errors come from the survey design (linearisation, as R's "
                "<code>{r}</code>), not from an independent sample; the intervals and "
                "p-values use Student's t with the design's {df:.0f} residual degrees of "
                "freedom.",
                "Les erreurs types viennent du plan de sondage (linéarisation, comme "
                "<code>{r}</code> de R), non d'un échantillon indépendant ; les intervalles "
                "et les p-valeurs utilisent la loi de Student à {df:.0f} degrés de liberté "
                "résiduels du plan."), {**values, "r": "svyolr" if spec.ordinal else "svyglm"})]
    references = _references(result, data)
    if references:
        blocks.append(Text(Tr("Reference levels: {levels}.", "Modalités de référence : {levels}."),
                           {"levels": references}))
    if spec.subset is not None:
        blocks.append(Text(Tr("Fitted on the domain <code>{subset}</code>: {out:,} of the "
                              "{total:,} respondents are outside it and left out of the fit; "
                              "the whole design is kept for the standard errors (as R's "
                              "<code>subset</code>).",
                              "Ajusté sur le domaine <code>{subset}</code> : {out:,} des "
                              "{total:,} répondants sont en dehors et laissés de côté ; tout "
                              "le plan est gardé pour les erreurs types (comme "
                              "<code>subset</code> de R)."),
                           {"subset": spec.subset, "out": counts["total"] - counts["domain"],
                            "total": counts["total"]}))
    missing = counts["domain"] - counts["used"]
    if missing:
        blocks.append(Text(Tr("{k:,} respondents with a missing value of a column of the "
                              "model are left out (<code>na_rm</code>).",
                              "{k:,} répondants avec une valeur manquante dans une colonne du "
                              "modèle sont laissés de côté (<code>na_rm</code>)."), {"k": missing}))
    return blocks


def model_blocks(spec: ModelSpec, result: Any, data: pd.DataFrame,
                 counts: Mapping[str, int] | None = None) -> tuple[list[Block], Table]:
    """The page of one fitted model: heading, note, coefficient table, forest plot.

    Parameters
    ----------
    spec : ModelSpec
        What was fitted, and how to show it.
    result : object
        The fit: anything whose ``to_frame(exp=, level=)`` gives the columns
        ``estimate, se, t, p, ci_low, ci_high`` indexed by ``term``.
    data : pandas.DataFrame
        The data, for the codebook's labels.
    counts : mapping, optional
        ``total``, ``domain`` and ``used`` rows (the rows fitted by default).

    Returns
    -------
    (list of Block, Table)
        The blocks, and the table written as ``model_<name>.csv``.

    Examples
    --------
    >>> import micropop as mp
    >>> data = mp.datasets.load_worker_survey()
    >>> spec = ModelSpec("hours", "hours_week ~ sex")
    >>> blocks, table = model_blocks(spec, fit_model(mp.SurveyDesign(data, weights="weight"),
    ...                                              spec), data)
    >>> table.name, table.frame.columns.tolist()
    ('model_hours', ['estimate', 'se', 't', 'p', 'ci_low', 'ci_high'])
    """
    frame = result.to_frame(exp=spec.shows_ratios, level=0.95)
    used = int(np.count_nonzero(getattr(result, "rows", np.ones(len(frame), dtype=bool))))
    counts = counts or {"total": used, "domain": used, "used": used}
    labels = term_labels(result, data)
    what = "odds_ratio" if spec.shows_ratios and spec.link in (None, "logit") \
        and spec.family in ("binomial", "quasibinomial", "ordinal") else \
        "exp_coefficient" if spec.shows_ratios else "coefficient"
    shown = frame[["estimate", "ci_low", "ci_high", "p"]].rename(columns={"estimate": what})
    shown.index = pd.Index([labels.get(term, term) for term in frame.index], name="term")
    title = spec.title if spec.title is not None else spec.formula
    blocks: list[Block] = [Heading(title), *_note(spec, result, data, counts),
                           TableView(shown, digits=3)]
    thresholds = _thresholds(result)
    if len(frame.drop(index=["(Intercept)", *thresholds], errors="ignore")):
        drawn = {term: label for term, label in labels.items()
                 if term != "(Intercept)" and term not in thresholds}
        blocks.append(Figure(f"model_{spec.name}", in_language(plotting.coef_forest), (result,),
                             {"exp": spec.shows_ratios, "labels": drawn},
                             size=(7, 1.5 + 0.4 * len(drawn))))
    return blocks, Table(f"model_{spec.name}", frame)


#: The section's title.
TITLE = Tr("What goes with regular work and with low pay",
           "Ce qui va avec le travail régulier et la faible rémunération")


def models_section(workers: SurveyDesign, specs: Sequence[ModelSpec]) -> Section:
    """Regression models on the worker survey, with design-based standard errors.

    Tables ``model_<name>`` (the coefficients, or odds ratios, as
    ``to_frame`` gives them), figures ``model_<name>`` (forest plots).

    Parameters
    ----------
    workers : SurveyDesign
        The worker survey.
    specs : sequence of ModelSpec
        The models, in page order.

    Returns
    -------
    Section

    Examples
    --------
    >>> import micropop as mp
    >>> workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> section = models_section(workers, [ModelSpec("hours", "hours_week ~ sex")])
    >>> section.title.fr
    'Ce qui va avec le travail régulier et la faible rémunération'
    """
    require_design(workers, "workers")
    if not specs:
        raise OptionError("models_section() has no model to fit",
                          hint="give at least one ModelSpec")
    names = [spec.name for spec in specs]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise OptionError(f"two models are named {twice[0]!r}", hint="give each its own name")
    blocks: list[Block] = [Text(Tr(
        "Which characteristics go with working every week and with earning more or less, "
        "all else being equal: regression models fitted on the survey design, as R's "
        "<code>svyglm</code>. They describe associations in these data, not causes.",
        "Quelles caractéristiques vont avec le fait de travailler chaque semaine et de gagner "
        "plus ou moins, toutes choses égales par ailleurs : des modèles de régression ajustés "
        "sur le plan de sondage, comme <code>svyglm</code> de R. Ils décrivent des "
        "associations dans ces données, non des causes."))]
    tables = []
    for spec in specs:
        design = _domain(workers, spec)
        result = _FITTERS[spec.family](design, spec)
        counts = {"total": len(workers.data), "domain": len(design.data),
                  "used": int(np.count_nonzero(result.rows))}
        shown, table = model_blocks(spec, result, workers.data, counts)
        blocks += shown
        tables.append(table)
    return Section(TITLE, tuple(blocks), tuple(tables))
