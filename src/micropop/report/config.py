"""Read and check an analysis configuration (``analysis.toml``) into a :class:`ReportPlan`.

``micropop report --config analysis.toml`` runs the report on a user's own
data. The file is TOML; paths are relative to the file itself. Only
``[survey]`` is required; every other table adds a part of the report::

    title = "Micro-workers in Wallonia"

    [survey]                      # the worker survey
    file = "workers.csv"          # csv, tsv, parquet, dta, sav, xlsx
    codebook = "workers.yaml"     # optional: labels, types, missing codes
    weights = "weight"            # design as SurveyDesign takes it:
    strata = "region"             #   weights, strata, psu, fpc (a name or a
    psu = "commune"               #   list per stage), nest, lonely_psu
    fpc = "fpc"
    encoding = "cp1252"           # optional: a text file's encoding, separator and
    sep = ";"                     #   decimal mark (default: guessed, and the report
    decimal = ","                 #   says which encoding was read)
    # engine = "dask"             # optional: file is a folder or a glob of Parquet/CSV
                                  #   files, read with Dask (module config_engine)

    [weighting]                   # optional: re-weight the worker survey
    method = "rake"               # rake | calibrate | poststratify
    margins = "margins.csv"       # columns variable, level, target; or a table:
    # margins = { sex = { female = 56000, male = 44000 } }
    # calibration = "linear"      # calibrate only: linear | raking | logit
    # bounds = [0.3, 3.0]         # calibrate only

    [profile]
    variables = ["sex", "age_band"]
    compare_with_france = false   # INSEE census and education shares
    na_rm = true                  # leave missing values out (the report says how many)
    # [profile.france]            # your columns and codes for the comparison with France
    # sex = "sexe"                #   (module micropop.report.config_france)
    # sex_levels = { F = "female", H = "male" }

    [earnings]
    variable = "earnings_month"   # monthly micro-work earnings, EUR
    hours = "hours_week"          # optional: hourly earnings vs the SMIC
    minimum_wage_year = 2019
    household_income = "hh_income_month"   # optional: poverty rate, with
    household_size = "household_size"      # household_size and
    children_under14 = "children_under14"  # children_under14
    poverty_line_year = 2016
    na_rm = true                  # leave out missing incomes (said in the report)
    zero_hours = "exclude"        # zero hours: out of the hourly figures (said)

    [size]                        # optional: how many workers
    published = 52000             # a published figure marked on the forest plot
    published_source = "DiPLab 2019"   # optional: its source, in the legend
    [size.survey]                 # a general-population survey (design keys as [survey])
    file = "population.csv"
    weights = "weight"
    frequency = "microwork_freq"
    circles = { "last 12 months" = ["less_often", "monthly", "weekly"],
                "at least monthly" = ["monthly", "weekly"] }
    regular = "at least monthly"
    na_rm = true                  # leave out respondents without a frequency
    [size.platforms]              # platform figures divided by the mean multiplicity
    file = "platforms.csv"
    multiplicity = "n_platforms"  # the worker survey's column
    [size.captures]               # 0/1 capture histories of the regular workers
    file = "captures.csv"
    lists = ["list1", "list2", "list3"]

    [models.earnings]             # optional: regression models, one table each
    formula = "log(earnings_month) ~ sex + C(age_group, treatment)"
    family = "gaussian"           # quasibinomial for a 0/1 response (odds ratios)
    subset = "earnings_month > 0" # the domain fitted (the report says how many are out)

Every mistake raises :class:`~micropop.errors.ConfigError` naming the key
(``[earnings] hours``) and what to do: unknown keys (with the closest valid
one), wrong types, missing files, columns absent from the data.

Examples
--------
>>> import pathlib, tempfile
>>> import micropop as mp
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> mp.datasets.load_worker_survey().to_csv(folder / "workers.csv", index=False)
>>> _ = (folder / "analysis.toml").write_text(
...     '[survey]\\nfile = "workers.csv"\\nweights = "weight"\\n'
...     '[profile]\\nvariables = ["sex"]\\n')
>>> plan = load_config(folder / "analysis.toml")
>>> plan.profile, plan.earnings
(('sex',), None)
>>> _ = (folder / "bad.toml").write_text('[survey]\\nfile = "workers.csv"\\nweight = "w"\\n')
>>> load_config(folder / "bad.toml")
Traceback (most recent call last):
...
micropop.errors.ConfigError: [survey] weight: unknown key in ...bad.toml. Valid keys here: ...
"""

from __future__ import annotations

import codecs
import tomllib
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pandas as pd

from micropop import earnings, size
from micropop._bilingual import french, note
from micropop.design import SurveyDesign
from micropop.errors import ConfigError, MicropopError, NonNumericError, OptionError, check_number
from micropop.io import read_survey
from micropop.report.config_engine import read_lazily, survey_engine
from micropop.report.config_france import france_inputs
from micropop.report.config_keys import KEYS
from micropop.report.config_margins import MARGINS_COLUMNS, margin_targets
from micropop.report.config_models import model_specs
from micropop.report.config_table import ConfigTable, repeated
from micropop.report.i18n import Tr
from micropop.report.numbers import localise
from micropop.report.plan import (
    FRANCE_COLUMNS,
    PROFILE_VARIABLES,
    EarningsInputs,
    ReportPlan,
    SizeInputs,
    WeightingInputs,
    configured_in,
)
from micropop.weighting import CALIBRATION_METHODS

__all__ = ["load_config", "WEIGHTING_METHODS"]

#: Weighting methods of ``[weighting] method``.
WEIGHTING_METHODS = ("rake", "calibrate", "poststratify")


#: The keys each table of the configuration accepts (declared, with their meaning, in
#: :mod:`micropop.report.config_keys`).
_KEYS = {table: tuple(keys) for table, keys in KEYS.items()}


def _about(table: ConfigTable) -> AbstractContextManager[None]:
    """Re-raise the library's errors on data named by ``table`` with the table's name."""
    return configured_in(table.where)


def _read_notes(frame: pd.DataFrame, path: Path) -> list[str]:
    """What the reader guessed while reading ``path`` (``frame.attrs["read_notes"]``), by file."""
    notes = getattr(frame, "attrs", {}).get("read_notes", []) or []
    notes = [notes] if isinstance(notes, str) else list(notes)
    return [note(f"{path.name}: {told}", f"{path.name} : {french(told)}") for told in notes]


def _reading(table: ConfigTable) -> dict[str, str | None]:
    """``encoding``, ``sep`` and ``decimal`` of a table that reads a text file, checked."""
    if "encoding" not in table.keys[table.name]:
        return {}
    encoding = table.text("encoding", what='"cp1252"')
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            table.fail("encoding", f"{encoding!r} is not an encoding Python knows",
                       'use e.g. "utf-8", "cp1252" (Windows, Excel in French) or "latin-1"')
    sep = table.text("sep", what='";"')
    if sep is not None and len(sep) != 1:
        table.fail("sep", f"{sep!r} is not one character", 'write e.g. sep = ";"')
    decimal = table.text("decimal", what='","')
    if decimal is not None and decimal not in (".", ","):
        table.fail("decimal", f"{decimal!r} is not a decimal mark",
                   'write decimal = "," (French) or decimal = "."')
    return {"encoding": encoding, "sep": sep, "decimal": decimal}


def _read_file(table: ConfigTable, key: str, codebook: Path | None = None,
               retry_as_text: list[str] | None = None) -> tuple[pd.DataFrame, Path]:
    """Read the file named by ``key``, keeping what the reader guessed in ``table.notes``.

    The table's ``encoding``, ``sep`` and ``decimal`` (for ``key = "file"``) are passed
    to the reader and said in the notes. ``retry_as_text`` columns are returned as
    written (``150 000``, ``150.000``) when the file has them all; the reader's other
    refusals stand.
    """
    path = table.path(key)
    reading = _reading(table) if key == "file" else {}
    encoding, sep, decimal = (reading.get(key) for key in ("encoding", "sep", "decimal"))
    as_text = {"variables": {name: {"type": "string"} for name in retry_as_text or []}}
    try:
        try:
            data = read_survey(path, codebook=codebook, encoding=encoding, sep=sep,
                               decimal=decimal)
        except NonNumericError:
            if retry_as_text is None:
                raise
            data = read_survey(path, codebook=as_text, encoding=encoding, sep=sep,
                               decimal=decimal)
        else:  # read, as numbers: the text of those columns too ('150.000' may be 150)
            if retry_as_text and set(retry_as_text) <= set(data.columns):
                text = read_survey(path, codebook=as_text, encoding=encoding, sep=sep,
                                   decimal=decimal)
                data = data.assign(**{name: text[name] for name in retry_as_text})
    except ConfigError:
        raise
    except MicropopError as err:  # the reader's refusal, named by the key that gave the file
        table.fail(key, err.message, err.hint or "")
    given = {"encoding": ("Encoding {}", "Encodage {}"),
             "sep": ("separator {!r}", "séparateur « {} »"),
             "decimal": ("decimal mark {!r}", "marque décimale « {} »")}
    said = [(en.format(reading[key]), fr.format(reading[key])) for key, (en, fr) in given.items()
            if reading.get(key) is not None]
    if said and path.suffix.lower() not in _BINARY:
        en, fr = (", ".join(words) for words in zip(*said, strict=True))
        table.notes.append(note(f"{path.name}: {en[:1].upper()}{en[1:]}, as [{table.name}] says.",
                                f"{path.name} : {fr[:1].upper()}{fr[1:]}, comme l'indique "
                                f"[{table.name}]."))
    table.notes.extend(_read_notes(data, path))
    return data, path


#: Files whose text encoding is not the reader's to say.
_BINARY = (".parquet", ".xlsx", ".dta", ".sav", ".zsav")


def _read(table: ConfigTable) -> tuple[pd.DataFrame, Path]:
    if table.name == "survey" and survey_engine(table) == "dask":
        return read_lazily(table, _reading(table), table.path("codebook", required=False))
    return _read_file(table, "file", table.path("codebook", required=False))


def _design(table: ConfigTable, data: pd.DataFrame, source: Path,
            others: dict[str, list[str]] | None = None) -> SurveyDesign:
    """A SurveyDesign from the design keys of ``table``; no column in two roles (or ``others``)."""
    options: dict[str, Any] = {"weights": table.text("weights", what='"weight"')}
    options.update({key: table.names(key) for key in ("strata", "psu", "fpc")})
    roles = {key: [names] if isinstance(names, str) else names
             for key, names in options.items()}
    table.distinct({**roles, **(others or {})})
    for key, names in roles.items():
        table.columns(key, names, data, source)
    nest = table.get("nest", bool, False)
    lonely = table.get("lonely_psu", str, "fail", what='"fail"')
    with _about(table):
        return SurveyDesign(data, nest=nest, lonely_psu=lonely, **options)


def _margin_values(table: ConfigTable, data: pd.DataFrame) -> dict[str, Any]:
    """``[weighting] margins`` as the weighting functions take them, levels matched to the data."""
    raw = table.get("margins", (str, dict), required=True,
                    what='"margins.csv" or { sex = { female = 560, male = 440 } }')
    if isinstance(raw, str):
        frame, path = _read_file(table, "margins", retry_as_text=list(MARGINS_COLUMNS))
        raw = margin_targets(table, frame, path)
    if not raw:
        table.fail("margins", "is empty", "give at least one margin: "
                   "margins = { sex = { female = 560, male = 440 } }")
    margins: dict[str, Any] = {}
    for variable, targets in raw.items():
        if variable not in data.columns:
            table.columns("margins", [variable], data, Path("the worker survey"))
        if isinstance(targets, dict) and targets:
            levels = {str(level): level for level in pd.unique(data[variable].dropna())}
            margins[variable] = {levels.get(str(k), k): _target(table, f"{variable}.{k}", v)
                                 for k, v in targets.items()}
        elif isinstance(targets, (int, float)) and not isinstance(targets, bool):
            margins[variable] = _target(table, variable, targets, count=False)
        else:
            table.fail("margins", f"the margin of {variable!r} should be a table of level "
                       f"counts or a number, not {targets!r}",
                       f"write e.g. {variable} = {{ level1 = 100, level2 = 200 }}")
    return margins


def _target(table: ConfigTable, cell: str, value: Any, count: bool = True) -> float:
    """One population target: a finite number, and at least 0 for the count of a level."""
    try:
        target: float = check_number(cell, value, low=0 if count else None,
                                     hint="give a population count, a finite number of at "
                                          "least 0" if count else
                                          "give the population total, a finite number")
    except OptionError as err:
        table.fail("margins", err.message, err.hint or "")
    return target


def _bounds(table: ConfigTable) -> tuple[float, float] | None:
    """``[weighting] bounds``: two numbers, the lower below the upper (which may be inf)."""
    bounds = table.get("bounds", list, what="[0.3, 3.0]")
    if bounds is None:
        return None
    hint = "write e.g. bounds = [0.3, 3.0]: a lower and an upper bound on the weight ratios"
    if len(bounds) != 2:
        table.fail("bounds", f"should be two numbers, not {bounds!r}", hint)
    try:
        low = check_number("lower bound", bounds[0], low=0, hint=hint)
        high = check_number("upper bound", bounds[1], allow_inf=True, hint=hint)
    except OptionError as err:
        table.fail("bounds", err.message, err.hint or hint)
    if not low < high:
        table.fail("bounds", f"the lower bound {low:g} is not below the upper bound {high:g}",
                   hint)
    return low, high


def _weighting(table: ConfigTable, workers: SurveyDesign) -> WeightingInputs:
    method = table.text("method", required=True, what='"rake"')
    if method not in WEIGHTING_METHODS:
        table.fail("method", f"{method!r} is not a weighting method",
                   "use one of " + ", ".join(WEIGHTING_METHODS))
    margins = _margin_values(table, workers.data)
    if method == "calibrate":
        options: dict[str, Any] = {"method": table.text("calibration", "linear",
                                                        what='"linear"')}
        if options["method"] not in CALIBRATION_METHODS:
            table.fail("calibration", f"{options['method']!r} is not a calibration method",
                       "use one of " + ", ".join(CALIBRATION_METHODS))
        bounds = _bounds(table)
        if bounds is not None:
            options["bounds"] = bounds
    else:
        for key in ("calibration", "bounds"):
            if key in table.values:
                table.fail(key, f"applies to method = \"calibrate\", not {method!r}",
                           f"remove {key} or use method = \"calibrate\"")
    with _about(table):
        if method == "rake":
            after = workers.rake(margins)
        elif method == "calibrate":
            after = workers.calibrate(margins, **options)
        else:
            if len(margins) != 1:
                table.fail("margins", f"poststratify takes one variable, not {len(margins)}",
                           "cross the variables into one column of the data, or use "
                           'method = "rake"')
            [(variable, counts)] = margins.items()
            after = workers.poststratify(variable, counts)
    said = {"rake": ("raked", "calée par raking"), "calibrate": ("calibrated", "calée"),
            "poststratify": ("post-stratified", "post-stratifiée")}[method]
    return WeightingInputs(before=workers, after=after, description=Tr(
        f"The worker survey {said[0]} to its margins of " + ", ".join(margins),
        f"L'enquête auprès des travailleurs {said[1]} sur ses marges de " + ", ".join(margins)))


#: Keys of ``[earnings]`` that only apply with another one.
_EARNINGS_NEEDS = {"minimum_wage_year": "hours", "household_size": "household_income",
                   "children_under14": "household_income", "poverty_line_year": "household_income"}


def _earnings(table: ConfigTable, data: pd.DataFrame, source: Path) -> EarningsInputs:
    defaults = EarningsInputs()
    variable = table.text("variable", required=True, what='"earnings_month"')
    hours = table.text("hours", what='"hours_week"')
    income = table.text("household_income", what='"hh_income_month"')
    household = table.text("household_size", defaults.household_size)
    children = table.text("children_under14", defaults.children_under14)
    wage_year = table.get("minimum_wage_year", int, defaults.minimum_wage_year, what="2019")
    poverty_year = table.get("poverty_line_year", int, defaults.poverty_line_year, what="2016")
    for key, needed in _EARNINGS_NEEDS.items():
        if key in table.values and needed not in table.values:
            table.fail(key, f"applies only with {needed}, which is not given",
                       f"add {needed} = \"column\", or remove {key}")
    roles = {"variable": [variable], "hours": [hours] if hours else None,
             "household_income": [income] if income else None}
    if income is not None:
        roles.update(household_size=[household], children_under14=[children])
    table.distinct(roles)
    for key, names in roles.items():
        table.columns(key, names, data, source)
    if hours is not None:
        table.year("minimum_wage_year", wage_year, earnings.minimum_wage)
    if income is not None:
        table.year("poverty_line_year", poverty_year, earnings.poverty_line)
    zero_hours = table.text("zero_hours", "error", what='"exclude"')
    if zero_hours not in ("error", "exclude"):
        table.fail("zero_hours", f"{zero_hours!r} is not a policy for rows with zero hours",
                   'use "exclude" (leave them out of the hourly figures) or "error"')
    if "zero_hours" in table.values and hours is None:
        table.fail("zero_hours", "applies only with hours, which is not given",
                   'add hours = "column", or remove zero_hours')
    return EarningsInputs(
        variable=variable, hours=hours, minimum_wage_year=wage_year,
        household_income=income, household_size=household, children_under14=children,
        poverty_line_year=poverty_year, na_rm=table.get("na_rm", bool, False),
        zero_hours="exclude" if zero_hours == "exclude" else "error")


def _circles(table: ConfigTable) -> dict[str, list[Any]]:
    """``circles``: circle name -> its frequency levels, each a string or a number, once."""
    circles: dict[str, list[Any]] = table.get(
        "circles", dict, required=True, what='{ "at least monthly" = ["monthly", "weekly"] }')
    if not circles:
        table.fail("circles", "is empty",
                   'give at least one circle, e.g. { "at least monthly" = ["monthly", "weekly"] }')
    for name, held in circles.items():
        if not name.strip():
            table.fail("circles", "a circle has an empty name", "name every circle")
        if not isinstance(held, list) or not held:
            table.fail("circles", f"circle {name!r} should list its levels, not {held!r}",
                       f'write e.g. "{name}" = ["monthly", "weekly"]')
        odd = [v for v in held if isinstance(v, bool) or not isinstance(v, (str, int, float))]
        if odd:
            table.fail("circles", f"circle {name!r} lists {odd[0]!r}, not a level",
                       "list the levels of the frequency column as strings or numbers")
        twice = repeated(held)
        if twice:
            table.fail("circles", f"circle {name!r} lists {', '.join(map(repr, twice))} twice",
                       "list each level once")
    return circles


def _survey_circles(table: ConfigTable) -> dict[str, Any]:
    """``[size.survey]``: a general-population survey and its nested circles, checked."""
    data, source = _read(table)
    frequency = table.text("frequency", required=True, what='"microwork_freq"')
    population = _design(table, data, source, others={"frequency": [frequency]})
    table.columns("frequency", [frequency], data, source)
    circles = _circles(table)
    regular = table.text("regular")
    if regular is not None and regular not in circles:
        table.fail("regular", f"{regular!r} is not one of the circles",
                   "use one of " + ", ".join(map(repr, circles)))
    levels = {str(level): level for level in pd.unique(data[frequency].dropna())}
    circles = {name: [levels.get(str(v), v) for v in held] for name, held in circles.items()}
    na_rm = table.get("na_rm", bool, False)
    with _about(table):  # levels present, circles nested
        estimate = size.survey_circles(population, frequency, circles=circles, na_rm=na_rm)
    return {"population": population, "frequency": frequency, "regular": regular,
            "circles": circles, "survey_estimate": estimate, "na_rm": na_rm}


def _platform_circles(table: ConfigTable, workers: SurveyDesign) -> dict[str, Any]:
    """``[size.platforms]``: platform figures over the workers' mean multiplicity, checked."""
    multiplicity = table.text("multiplicity", "n_platforms", what='"n_platforms"')
    table.columns("multiplicity", [multiplicity], workers.data, Path("the worker survey"))
    platforms, _ = _read_file(table, "file")
    with _about(table):  # every figure with its status and source, a valid multiplicity
        estimate = size.platform_circles(platforms, workers, multiplicity=multiplicity)
    return {"platforms": platforms, "workers": workers, "multiplicity": multiplicity,
            "platform_estimate": estimate}


def _captures(table: ConfigTable) -> dict[str, Any]:
    """``[size.captures]``: 0/1 capture histories, checked."""
    data, source = _read(table)
    lists = table.names("lists")
    table.columns("lists", lists, data, source)
    histories = data[lists] if lists else data
    with _about(table):  # 0/1 values, at least two lists
        size.capture_table(histories)
    return {"captures": histories}


def _size(table: ConfigTable, workers: SurveyDesign) -> SizeInputs:
    """``[size]``: the methods of the population-size section."""
    options: dict[str, Any] = {
        "published_regular": table.number("published", what="52000", low=0, low_open=True)}
    source = table.text("published_source", what='"DiPLab 2019"')
    if source is not None:
        if options["published_regular"] is None:
            table.fail("published_source", "applies only with published, which is not given",
                       "add published = ... (the figure), or remove published_source")
        options["published_label"] = Tr(f"published ({source})", f"publié ({source})")
    parts = {"survey": _survey_circles, "platforms": lambda t: _platform_circles(t, workers),
             "captures": _captures}
    sources = {}
    for key, read in parts.items():
        part = table.table(key)
        if part is not None:
            options.update(read(part))
            sources[key] = part.where
    if not sources:
        table.fail(None, "has no method",
                   "add [size.survey], [size.platforms] or [size.captures]")
    return SizeInputs(**options, sources=sources)


def load_config(path: str | Path) -> ReportPlan:
    """Read ``analysis.toml`` and build the plan of the report it asks for.

    Parameters
    ----------
    path : str or pathlib.Path
        The configuration file (TOML; see the module documentation for its keys).

    Returns
    -------
    ReportPlan
        With what the reader guessed about each file in ``read_notes``, and
        the table behind each part in ``sources`` (named by the errors met
        while the report computes).

    Raises
    ------
    ConfigError
        The file is missing or not TOML, a key is unknown, of the wrong type,
        empty, not finite or out of range, a column is given twice or for two
        roles, a file it names is missing, a column is absent from the data,
        or the library refuses the data (the message then says in which table).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import micropop as mp
    >>> folder = Path(tempfile.mkdtemp())
    >>> mp.datasets.load_worker_survey().to_csv(folder / "workers.csv", index=False)
    >>> config = folder / "analysis.toml"
    >>> _ = config.write_text("\\n".join([
    ...     'title = "Micro-workers: earnings"',
    ...     '[survey]', 'file = "workers.csv"', 'weights = "weight"',
    ...     '[earnings]', 'variable = "earnings_month"', 'hours = "hours_week"',
    ...     'household_income = "hh_income_month"']))
    >>> plan = load_config(config)
    >>> plan.title, plan.earnings.hours, plan.sources["earnings"]
    ('Micro-workers: earnings', 'hours_week', '[earnings] of ...analysis.toml')
    >>> len(plan.workers.data)
    1000
    """
    config = Path(path).resolve()
    if not config.is_file():
        raise ConfigError(f"configuration file {str(path)!r} not found",
                          hint="give the path of an analysis.toml")
    try:
        values = tomllib.loads(config.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{config} is not valid TOML: {err}",
                          hint="check the line named above") from err
    top = ConfigTable(values, "", config, _KEYS)
    title = top.text("title", ReportPlan.title, what='"My survey"')
    survey = top.table("survey")
    if survey is None:
        top.fail("survey", "is required", 'add a [survey] table with file = "..." and weights')
    data, source = _read(survey)
    workers = _design(survey, data, source)
    plan: dict[str, Any] = {"earnings": None}
    sources = {}
    weighting = top.table("weighting")
    if weighting is not None:
        plan["weighting"] = _weighting(weighting, workers)
        workers = plan["weighting"].after
        sources["weighting"] = weighting.where
    plan["profile"] = ()
    profile = top.table("profile")
    if profile is not None:
        variables = profile.names("variables", list(PROFILE_VARIABLES))
        profile.columns("variables", variables, workers.data, source)
        compare = profile.get("compare_with_france", bool, False)
        mapping = profile.table("france")
        if mapping is not None and not compare:
            mapping.fail(None, "applies only with compare_with_france = true",
                         "set compare_with_france = true in [profile], or remove "
                         "[profile.france]")
        if compare and mapping is None:
            profile.columns("compare_with_france", list(FRANCE_COLUMNS), workers.data, source)
        elif mapping is not None:
            plan["france"] = france_inputs(mapping, workers.data, source)
        plan.update(profile=tuple(variables), compare_with_france=compare,
                    profile_na_rm=profile.get("na_rm", bool, False))
        sources["profile"] = profile.where
    earnings_table = top.table("earnings")
    if earnings_table is not None:
        plan["earnings"] = _earnings(earnings_table, workers.data, source)
        sources["earnings"] = earnings_table.where
    if "models" in top.values:
        plan["models"] = model_specs(top.values["models"], workers, config, top.notes)
        sources["models"] = f"[models] of {config}"
    methods = top.table("size")
    if methods is not None:
        plan["size"] = _size(methods, workers)
        sources["size"] = methods.where
    rows = len(workers.data)
    return ReportPlan(workers=workers, title=title,
                      provenance=Tr(f"Data: {source.name} ({rows:,} rows), analysis {config.name}.",
                                    f"Données : {source.name} ({localise(f'{rows:,}', 'fr')} "
                                    f"lignes), analyse {config.name}."),
                      read_notes=tuple(top.notes), sources=sources, files=(source.name,),
                      configuration=config.read_text(encoding="utf-8"), **plan)
