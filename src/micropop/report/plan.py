"""What a report analyses: the designs, the columns and the methods, as data.

A :class:`ReportPlan` gathers everything :func:`micropop.report.write_report`
needs: the worker survey's design, the profile variables, the earnings
columns, the inputs of the population-size section and the weighting to
show. :func:`demo_plan` builds the plan of the synthetic demo data;
:func:`micropop.report.config.load_config` builds one from a user's
``analysis.toml``.

Examples
--------
>>> plan = demo_plan()
>>> plan.profile
('sex', 'age_band', 'education', 'employment')
>>> plan.earnings.variable, plan.size.regular
('earnings_month', 'at least monthly')
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from micropop import datasets, size
from micropop.design import SurveyDesign, require_design
from micropop.errors import ConfigError, MicropopError, OptionError
from micropop.report.config_keys import KEYS
from micropop.report.i18n import Tr
from micropop.report.models import DEMO_MODELS, ModelSpec
from micropop.weighting import demo_margins

__all__ = ["PROFILE_VARIABLES", "FRANCE_COLUMNS", "DEMO_PROVENANCE", "EarningsInputs",
           "FranceInputs", "SizeInputs",
           "WeightingInputs", "ReportPlan", "demo_plan", "demo_size_inputs",
           "demo_weighting", "configured_in"]

#: Variables of the worker profile table in the demo report.
PROFILE_VARIABLES = ("sex", "age_band", "education", "employment")

#: Columns the comparison with the French population needs, coded as in the demo codebook.
FRANCE_COLUMNS = ("sex", "age", "age_band", "education")

#: Where the demo report's numbers come from.
DEMO_PROVENANCE = ("Demo data: SYNTHETIC surveys, platform figures and capture lists generated "
                   "by data/scripts/generate.py, calibrated to the DiPLab 2019 published "
                   "figures; not real respondents.")

_DEMO_PROVENANCE_FR = ("Données de démonstration SYNTHÉTIQUES : enquêtes, chiffres "
                       "des plateformes et listes de capture générés par "
                       "data/scripts/generate.py, calés sur les chiffres publiés par DiPLab en "
                       "2019 ; pas de vrais répondants.")


#: The library's advice that a report cannot follow (it has no such options), and instead:
_OPTIONS_ADVISED = re.compile(r"\b(na_rm|zero_hours)=")
REPORT_ADVICE = ("the report uses every row: fix, impute or drop those rows in the data file "
                 "(a codebook can declare its missing-value codes)")
_TABLE = re.compile(r"^\[([\w.]+)\]")


def _report_advice(where: str | None, hint: str) -> str:
    """:data:`REPORT_ADVICE`, naming the key of ``where``'s table that does what ``hint`` says."""
    table = _TABLE.match(where or "")
    name = table.group(1) if table else None
    keys = KEYS.get(name, {}) if name is not None else {}
    if "zero_hours=" in hint and "zero_hours" in keys:
        return (f'the report refuses them unless told otherwise: set zero_hours = "exclude" in '
                f"[{name}] to leave them out of the hourly figures (the report says how many), "
                "or fix the hours in the data file")
    if "na_rm=" in hint and "na_rm" in keys:
        return (f"the report uses every row unless told otherwise: set na_rm = true in [{name}] "
                "to leave those rows out (the report says how many), or fix, impute or drop "
                "them in the data file (a codebook can declare its missing-value codes)")
    return REPORT_ADVICE


@contextmanager
def configured_in(where: str | None) -> Iterator[None]:
    """Name the configuration table behind a computation in the errors it raises.

    A :class:`~micropop.errors.MicropopError` raised inside becomes a
    :class:`~micropop.errors.ConfigError` whose message starts with ``where``
    (e.g. ``"[size.captures] of analysis.toml"``), so that a refusal met
    while the report computes names the table of ``analysis.toml`` to fix;
    when ``where`` is None (a plan built in Python) it keeps its class. A hint
    advising an option the report does not have (``na_rm=True``) is replaced
    by :data:`REPORT_ADVICE`.

    Parameters
    ----------
    where : str or None
        The table and its file (``ConfigTable.where``, e.g.
        ``"[size] of analysis.toml"``); None leaves the errors as they are.

    Yields
    ------
    None
        The computation runs in the ``with`` block.

    Examples
    --------
    >>> from micropop.errors import InvalidCountError
    >>> with configured_in("[size.captures] of analysis.toml"):
    ...     raise InvalidCountError("8 lists", hint="keep at most 7")
    Traceback (most recent call last):
    ...
    micropop.errors.ConfigError: [size.captures] of analysis.toml: 8 lists. Keep at most 7.
    """
    try:
        yield
    except ConfigError:
        raise
    except MicropopError as err:
        hint = (_report_advice(where, err.hint) if err.hint and _OPTIONS_ADVISED.search(err.hint)
                else err.hint)
        if where is not None:
            raise ConfigError(f"{where}: {err.message}", hint=hint) from err
        if hint == err.hint:
            raise
        try:
            again = type(err)(err.message, hint=hint)
        except TypeError:  # a subclass with other arguments: keep it as it is
            raise err from None
        raise again from err


@dataclass(frozen=True)
class EarningsInputs:
    """The columns and reference years of the earnings sections.

    Attributes
    ----------
    variable : str
        Monthly micro-work earnings in euros.
    hours : str, optional
        Weekly hours of micro-work; with it, hourly earnings are compared with
        the SMIC of ``minimum_wage_year``.
    minimum_wage_year : int
    household_income : str, optional
        Monthly disposable household income; with it (and the household's
        size and children under 14), the share below INSEE's poverty line of
        ``poverty_line_year``.
    household_size, children_under14 : str
    poverty_line_year : int
    na_rm : bool, default False
        Leave out the rows with a missing value of the columns each estimate
        uses (the library's ``na_rm=True``); the report says how many.
    zero_hours : {"error", "exclude"}
        Rows with zero hours: refused (default), or left out of the hourly
        figures (the library's ``zero_hours="exclude"``), said in the report.

    Examples
    --------
    >>> import micropop as mp
    >>> workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> inputs = EarningsInputs(hours=None, household_income=None)  # earnings only
    >>> plan = ReportPlan(workers, profile=(), earnings=inputs)
    >>> plan.earnings.variable, plan.earnings.minimum_wage_year
    ('earnings_month', 2019)
    """

    variable: str = "earnings_month"
    hours: str | None = "hours_week"
    minimum_wage_year: int = 2019
    household_income: str | None = "hh_income_month"
    household_size: str = "household_size"
    children_under14: str = "children_under14"
    poverty_line_year: int = 2016
    na_rm: bool = False
    zero_hours: Literal["error", "exclude"] = "error"


@dataclass(frozen=True)
class FranceInputs:
    """The columns and codes of the comparison with the French population.

    Each ``*_levels`` maps the reference's labels to the survey's levels, as
    :func:`micropop.reference.insee_population`'s ``levels`` (several labels
    may map to one level, and are added up); None keeps the reference's
    labels (the demo codebook's). A column set to None leaves its comparison out.

    Attributes
    ----------
    sex : str, optional
        The sex column; ``sex_levels`` maps ``"female"`` and ``"male"`` to its levels.
    age : str, optional
        Age in whole years: education is compared for the respondents aged
        25-64 (left out without it).
    ages : (int, int)
        The survey's age range, over which the census is taken.
    age_band : str, optional
        5-year age bands; ``age_band_levels`` maps INSEE's bands (``"15-19"``, ...)
        to its levels.
    education : str, optional
        Highest diploma; ``education_levels`` maps ``below_bac``, ``bac``,
        ``bac+2``, ``above_bac+2`` to its levels.
    sex_levels, age_band_levels, education_levels : mapping, optional

    Examples
    --------
    >>> france = FranceInputs(sex="sexe", sex_levels={"female": "F", "male": "H"},
    ...                       age_band=None, education=None)
    >>> france.sex, france.age
    ('sexe', 'age')
    """

    sex: str | None = "sex"
    age: str | None = "age"
    ages: tuple[int, int] = (18, 74)
    age_band: str | None = "age_band"
    education: str | None = "education"
    sex_levels: Mapping[str, Any] | None = None
    age_band_levels: Mapping[str, Any] | None = None
    education_levels: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class SizeInputs:
    """What the population-size section estimates from; any part may be missing.

    Attributes
    ----------
    population : SurveyDesign, optional
        A general-population survey with a frequency-of-activity column.
    frequency : str
        That column.
    circles : mapping
        Circle name -> the frequency levels it holds, widest first.
    regular : str, optional
        The circle of ``circles`` set beside the other methods' readings of
        the regular (at least monthly) workers; the second circle when omitted
        (the first when there is only one).
    platforms : DataFrame, optional
        Platform figures (see :func:`micropop.size.platform_circles`).
    workers : SurveyDesign, optional
        Worker survey giving the number of platforms per person.
    multiplicity : str
        That column of ``workers``.
    captures : DataFrame, optional
        0/1 capture histories of the regular (at least monthly) workers.
    truth : mapping, optional
        Known circle sizes (synthetic data only), by circle name.
    published_regular : float, optional
        A published size of the regular circle, marked on the forest plot.
    published_label : str or Tr, default "published" ("publié")
        Its legend label, naming its source (the demo: "published (DiPLab 2019)").
    sources : mapping, optional
        Where each part (``"survey"``, ``"platforms"``, ``"captures"``) was
        configured, named in the errors its computation raises (see
        :func:`configured_in`).
    survey_estimate, platform_estimate : Circles, optional
        The circles already estimated from ``population`` (by
        :func:`micropop.size.survey_circles` with ``frequency`` and
        ``circles``) and from ``platforms`` (by
        :func:`micropop.size.platform_circles` with ``workers`` and
        ``multiplicity``): :func:`~micropop.report.config.load_config`
        estimates them while checking the configuration and hands them on, so
        the report does not estimate them again. Leave them out otherwise.
    na_rm : bool, default False
        Leave out the rows of ``population`` with a missing ``frequency``
        (:func:`micropop.size.survey_circles`' ``na_rm``); the report says how many.

    Examples
    --------
    >>> import micropop as mp
    >>> captures = mp.datasets.load_capture_histories().drop(columns="person_id")
    >>> inputs = SizeInputs(captures=captures, published_regular=52000,
    ...                     published_label="published (DiPLab 2019)")
    >>> inputs.population is None, inputs.captures.shape[1]
    (True, 3)
    >>> SizeInputs(platforms=mp.datasets.load_platforms())
    Traceback (most recent call last):
    ...
    micropop.errors.OptionError: SizeInputs has platforms but no workers to divide them by. ...
    """

    population: SurveyDesign | None = None
    frequency: str = "microwork_freq"
    circles: Mapping[str, Sequence[object]] = field(default_factory=dict)
    regular: str | None = None
    platforms: pd.DataFrame | None = None
    workers: SurveyDesign | None = None
    multiplicity: str = "n_platforms"
    captures: pd.DataFrame | None = None
    truth: Mapping[str, float] = field(default_factory=dict)
    published_regular: float | None = None
    published_label: str | Tr = Tr("published", "publié")
    sources: Mapping[str, str] = field(default_factory=dict)
    survey_estimate: size.Circles | None = None
    platform_estimate: size.Circles | None = None
    na_rm: bool = False

    def __post_init__(self) -> None:
        for name in ("population", "workers"):
            if getattr(self, name) is not None:
                require_design(getattr(self, name), f"SizeInputs {name}")
        for name, inputs in (("survey_estimate", "population"),
                             ("platform_estimate", "platforms")):
            value = getattr(self, name)
            if value is not None and not isinstance(value, size.Circles):
                raise OptionError(f"SizeInputs {name} is a {type(value).__name__}, not Circles",
                                  hint=f"leave {name} out: the report estimates it")
            if value is not None and getattr(self, inputs) is None:
                raise OptionError(f"SizeInputs has a {name} but no {inputs} it was estimated "
                                  "from", hint=f"give {inputs}, or leave {name} out")
        if self.platforms is not None and self.workers is None:
            raise OptionError("SizeInputs has platforms but no workers to divide them by",
                              hint="give workers=SurveyDesign(...) with the multiplicity column")
        if self.regular is not None and self.regular not in self.circles:
            raise OptionError(f"SizeInputs regular={self.regular!r} is not one of the circles",
                              hint="use one of " + ", ".join(map(repr, self.circles)))

    @property
    def regular_circle(self) -> str:
        """The name of the survey circle compared across methods."""
        if self.regular is not None:
            return self.regular
        names = list(self.circles)
        return names[1] if len(names) > 1 else names[0]


@dataclass(frozen=True)
class WeightingInputs:
    """A weighting step to show: the design before and after, and what it changed.

    Attributes
    ----------
    before, after : SurveyDesign
        The design with its initial weights, and re-weighted.
    description : str or Tr
        What was weighted to what, for the report's text.
    indicator : str, optional
        A 0/1 column whose total is shown before and after.
    illustration : SurveyDesign, optional
        A further re-weighted design whose weight statistics are shown as an
        illustration (the demo: the worker survey raked to the census structure).

    Examples
    --------
    >>> import micropop as mp
    >>> from micropop.weighting import demo_margins
    >>> population = mp.SurveyDesign(mp.datasets.load_population_survey(), weights="weight")
    >>> inputs = WeightingInputs(before=population,
    ...                          after=population.rake(demo_margins("population")),
    ...                          description="Design weights raked to the census margins",
    ...                          indicator="microwork_12m")
    >>> bool(inputs.after.weight_summary().largest_residual < 1e-6)
    True
    """

    before: SurveyDesign
    after: SurveyDesign
    description: str | Tr
    indicator: str | None = None
    illustration: SurveyDesign | None = None

    def __post_init__(self) -> None:
        require_design(self.before, "WeightingInputs before")
        require_design(self.after, "WeightingInputs after")
        if self.illustration is not None:
            require_design(self.illustration, "WeightingInputs illustration")


@dataclass(frozen=True)
class ReportPlan:
    """Everything a report analyses.

    Attributes
    ----------
    workers : SurveyDesign
        The worker survey, with its final weights.
    title : str
    provenance : str
        Where the data come from, printed on the page.
    profile : tuple of str
        Categorical variables of the profile table; none, no table.
    compare_with_france : bool
        Add the comparison with the French population (INSEE census and
        education); needs ``sex``, ``age``, ``age_band`` and ``education``
        coded as in the demo codebook.
    earnings : EarningsInputs, optional
        Earnings columns; no earnings sections without them.
    size : SizeInputs, optional
        Inputs of the population-size section; left out without them.
    weighting : WeightingInputs, optional
        A weighting step and its diagnostics; left out without it.
    read_notes : tuple of str
        What the reader guessed about the data files (separator, decimal
        mark, encoding...), shown under "How the data were read".
    sources : mapping, optional
        Where each part (``"profile"``, ``"earnings"``, ``"size"``,
        ``"weighting"``) was configured, named in the errors its computation
        raises (see :func:`configured_in`).
    files : tuple of str
        The data files analysed, named in the page's header.
    configuration : str
        The text of the configuration file used, shown (collapsed) in the
        page's header.
    profile_na_rm : bool, default False
        Leave the rows with a missing value out of the profile and the
        comparison with France (the report says how many).
    france : FranceInputs
        The columns and codes of the comparison with France.
    models : tuple of ModelSpec
        Regression models of the worker survey (:mod:`micropop.report.models`);
        none, no models section.

    Examples
    --------
    >>> import micropop as mp
    >>> workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> plan = ReportPlan(workers, title="Who the workers are", profile=["sex", "education"],
    ...                   earnings=None)
    >>> plan.profile, plan.size is None
    (('sex', 'education'), True)
    >>> import tempfile
    >>> from micropop.report import write_report
    >>> write_report(tempfile.mkdtemp(), plan, progress=False).name
    'index.html'
    """

    workers: SurveyDesign
    title: str = "Micro-workers: how many, who, and what they earn"
    provenance: str | Tr = ""
    profile: tuple[str, ...] = PROFILE_VARIABLES
    compare_with_france: bool = False
    earnings: EarningsInputs | None = EarningsInputs()
    size: SizeInputs | None = None
    weighting: WeightingInputs | None = None
    read_notes: tuple[str, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    configuration: str = ""
    profile_na_rm: bool = False
    france: FranceInputs = FranceInputs()
    models: tuple[ModelSpec, ...] = ()

    def __post_init__(self) -> None:
        require_design(self.workers, "ReportPlan workers")
        if isinstance(self.models, ModelSpec) or not all(isinstance(m, ModelSpec)
                                                          for m in self.models):
            raise OptionError("ReportPlan models is not a sequence of ModelSpec",
                              hint="give e.g. models=(ModelSpec('pay', 'y ~ x'),)")
        object.__setattr__(self, "models", tuple(self.models))
        kinds: dict[str, tuple[type | tuple[type, ...], str]] = {
            "title": (str, "a string"), "provenance": ((str, Tr), "a string"),
            "configuration": (str, "a string"),
            "earnings": ((EarningsInputs, type(None)), "EarningsInputs(...) or None"),
            "size": ((SizeInputs, type(None)), "SizeInputs(...) or None"),
            "weighting": ((WeightingInputs, type(None)), "WeightingInputs(...) or None")}
        for name, (kind, wanted) in kinds.items():
            value = getattr(self, name)
            if not isinstance(value, kind):
                raise OptionError(f"ReportPlan {name} is a {type(value).__name__}",
                                  hint=f"give {name} as {wanted}")
        for name in ("profile", "read_notes", "files"):
            value = getattr(self, name)
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise OptionError(f"ReportPlan {name}={value!r} is not a sequence of strings",
                                  hint=f"give e.g. {name}=('sex', 'age_band')" if name ==
                                  "profile" else "give a tuple of strings")
            object.__setattr__(self, name, tuple(value))


def demo_size_inputs() -> SizeInputs:
    """The synthetic demo data set up for the population-size section.

    Returns
    -------
    SizeInputs

    Examples
    --------
    >>> demo_size_inputs().published_regular
    52337
    """
    pop = datasets.load_population_survey()
    published = datasets.load_population_truth()
    truth = published[published["domain"] == "all"].set_index("quantity")["value"]
    return SizeInputs(
        population=SurveyDesign(pop, weights="weight", strata="region",
                                psu=["commune_id", "household_id"], fpc=["fpc1", "fpc2"]),
        frequency="microwork_freq",
        circles={"last 12 months": ["less_often", "monthly", "weekly"],
                 "at least monthly": ["monthly", "weekly"],
                 "at least weekly": ["weekly"]},
        regular="at least monthly",
        platforms=datasets.load_platforms(),
        workers=SurveyDesign(datasets.load_worker_survey(), weights="weight"),
        captures=datasets.load_capture_histories().drop(columns="person_id"),
        truth={"last 12 months": truth["microwork_12m"],
               "at least monthly": truth["microwork_monthly_plus"],
               "at least weekly": truth["microwork_weekly"]},
        published_regular=size.PUBLISHED_CIRCLES["regular"],
        published_label=Tr("published (DiPLab 2019)", "publié (DiPLab 2019)"),
    )


def demo_weighting(population: SurveyDesign, workers: SurveyDesign) -> WeightingInputs:
    """The demo's weighting: the population survey raked to INSEE RP2018 sex and age margins.

    As an illustration, the worker survey is raked to the census sex and
    age structure scaled to its own weight total (so its count is kept).

    Parameters
    ----------
    population : SurveyDesign
        The demo general-population survey.
    workers : SurveyDesign
        The demo worker survey.

    Returns
    -------
    WeightingInputs

    Examples
    --------
    >>> plan = demo_plan()
    >>> plan.weighting.indicator
    'microwork_12m'
    """
    require_design(population, "population")
    require_design(workers, "workers")
    total = float(workers.weights.sum())
    scaled = {var: {level: count * total / sum(counts.values())
                    for level, count in counts.items()}
              for var, counts in demo_margins("worker").items()}
    return WeightingInputs(
        before=population, after=population.rake(demo_margins("population")),
        description="The general-population survey's design weights raked to the INSEE "
                    "RP2018 sex and age margins",
        indicator="microwork_12m", illustration=workers.rake(scaled))


def demo_plan() -> ReportPlan:
    """The plan of the demo report on the synthetic data.

    Returns
    -------
    ReportPlan

    Examples
    --------
    >>> demo_plan().compare_with_france
    True
    """
    workers = SurveyDesign(datasets.load_worker_survey(), weights="weight")
    size_inputs = demo_size_inputs()
    assert size_inputs.population is not None  # the demo sets up a general-population survey
    return ReportPlan(workers=workers, provenance=Tr(DEMO_PROVENANCE, _DEMO_PROVENANCE_FR),
                      compare_with_france=True, size=size_inputs, models=DEMO_MODELS,
                      files=("worker_survey.csv", "population_survey.csv", "platforms.csv",
                             "capture_histories.csv"),
                      weighting=demo_weighting(size_inputs.population, workers))
