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

    [weighting]                   # optional: re-weight the worker survey
    method = "rake"               # rake | calibrate | poststratify
    margins = "margins.csv"       # columns variable, level, target; or a table:
    # margins = { sex = { female = 56000, male = 44000 } }
    # calibration = "linear"      # calibrate only: linear | raking | logit
    # bounds = [0.3, 3.0]         # calibrate only

    [profile]
    variables = ["sex", "age_band"]
    compare_with_france = false   # INSEE census and education shares

    [earnings]
    variable = "earnings_month"   # monthly micro-work earnings, EUR
    hours = "hours_week"          # optional: hourly earnings vs the SMIC
    minimum_wage_year = 2019
    household_income = "hh_income_month"   # optional: poverty rate, with
    household_size = "household_size"      # household_size and
    children_under14 = "children_under14"  # children_under14
    poverty_line_year = 2016

    [size]                        # optional: how many workers
    published = 52000             # a published figure marked on the forest plot
    [size.survey]                 # a general-population survey (design keys as [survey])
    file = "population.csv"
    weights = "weight"
    frequency = "microwork_freq"
    circles = { "last 12 months" = ["less_often", "monthly", "weekly"],
                "at least monthly" = ["monthly", "weekly"] }
    regular = "at least monthly"
    [size.platforms]              # platform figures divided by the mean multiplicity
    file = "platforms.csv"
    multiplicity = "n_platforms"  # the worker survey's column
    [size.captures]               # 0/1 capture histories of the regular workers
    file = "captures.csv"
    lists = ["list1", "list2", "list3"]

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
micropop.errors.ConfigError: [survey] weight: unknown key in ...bad.toml. Valid keys here: file, codebook, weights, strata, psu, fpc, nest, lonely_psu (closest: 'weights').
"""

from __future__ import annotations

import difflib
import tomllib
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from micropop import size
from micropop.design import SurveyDesign
from micropop.errors import ConfigError, MicropopError, describe_rows
from micropop.io import read_survey
from micropop.report.plan import (
    PROFILE_VARIABLES,
    EarningsInputs,
    ReportPlan,
    SizeInputs,
    WeightingInputs,
)

__all__ = ["load_config", "WEIGHTING_METHODS"]

#: Weighting methods of ``[weighting] method``.
WEIGHTING_METHODS = ("rake", "calibrate", "poststratify")


_SURVEY_KEYS = ("file", "codebook", "weights", "strata", "psu", "fpc", "nest", "lonely_psu")
#: The keys each table of the configuration accepts.
_KEYS = {
    "": ("title", "survey", "weighting", "profile", "earnings", "size"),
    "survey": _SURVEY_KEYS,
    "weighting": ("method", "margins", "calibration", "bounds"),
    "profile": ("variables", "compare_with_france"),
    "earnings": ("variable", "hours", "minimum_wage_year", "household_income",
                 "household_size", "children_under14", "poverty_line_year"),
    "size": ("published", "survey", "platforms", "captures"),
    "size.survey": _SURVEY_KEYS + ("frequency", "circles", "regular"),
    "size.platforms": ("file", "multiplicity"),
    "size.captures": ("file", "codebook", "lists"),
}


class _Table:
    """One table of the configuration: its keys checked, typed access, errors naming them."""

    def __init__(self, values: Any, name: str, config: Path) -> None:
        self.name, self.config = name, config
        if not isinstance(values, dict):
            self.fail(None, f"must be a table, not {values!r}",
                      f"write it as [{name}] followed by its keys")
        self.values = values
        keys = _KEYS[name]
        for key in values:
            if key not in keys:
                close = difflib.get_close_matches(key, keys, n=1)
                self.fail(key, "unknown key", "valid keys here: " + ", ".join(keys)
                          + (f" (closest: {close[0]!r})" if close else ""))

    def fail(self, key: str | None, problem: str, hint: str) -> None:
        where = " ".join(part for part in (f"[{self.name}]" if self.name else "", key) if part)
        raise ConfigError(f"{where}: {problem} in {self.config}", hint=hint)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None,
            required: bool = False, what: str = "") -> Any:
        """The value of ``key``, checked to be of ``kind``; ``default`` when absent."""
        if key not in self.values:
            if required:
                self.fail(key, "is required", f"add {key} = {what or '...'}")
            return default
        value = self.values[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            names = " or ".join(_KIND_NAMES.get(k, k.__name__) for k in kinds)
            self.fail(key, f"should be {names}, not {value!r}", f"write e.g. {key} = {what}"
                      if what else f"give {key} as {names}")
        return value

    def names(self, key: str, default: Any = None) -> list[str] | None:
        """A column name or a list of them, as a list."""
        value = self.get(key, (str, list), default, what='"column"')
        if value is None:
            return None
        value = [value] if isinstance(value, str) else value
        if not value or not all(isinstance(v, str) for v in value):
            self.fail(key, f"should be a column name or a list of them, not {value!r}",
                      f'write e.g. {key} = ["column1", "column2"]')
        return value

    def table(self, key: str) -> _Table | None:
        """A sub-table, or None when absent."""
        if key not in self.values:
            return None
        return _Table(self.values[key], f"{self.name}.{key}" if self.name else key, self.config)

    def path(self, key: str, required: bool = True) -> Path | None:
        """A file path relative to the configuration file, checked to exist."""
        value = self.get(key, str, required=required, what='"file.csv"')
        if value is None:
            return None
        path = (self.config.parent / value).resolve()
        if not path.exists():
            self.fail(key, f"file {value!r} not found (looked for {path})",
                      "paths are relative to the configuration file; fix the name or the "
                      "folder")
        return path

    def columns(self, key: str, names: list[str] | None, data: pd.DataFrame,
                source: Path) -> None:
        """Check that every name is a column of ``data``."""
        missing = [n for n in names or [] if n not in data.columns]
        if missing:
            close = difflib.get_close_matches(missing[0], [str(c) for c in data.columns], n=1)
            self.fail(key, f"column(s) {', '.join(map(repr, missing))} not in {source.name}",
                      (f"did you mean {close[0]!r}? " if close else "")
                      + f"its columns are: {', '.join(map(str, data.columns[:30]))}")


_KIND_NAMES = {str: "a string", list: "a list", dict: "a table", bool: "true or false",
               int: "an integer", float: "a number"}


@contextmanager
def _about(table: _Table):
    """Re-raise the library's errors on data named by ``table`` with the table's name."""
    try:
        yield
    except ConfigError:
        raise
    except MicropopError as err:
        raise ConfigError(f"[{table.name}] of {table.config}: {err.message}",
                          hint=err.hint) from err


def _read(table: _Table) -> tuple[pd.DataFrame, Path]:
    path = table.path("file")
    codebook = table.path("codebook", required=False)
    with _about(table):
        return read_survey(path, codebook=codebook), path


def _design(table: _Table, data: pd.DataFrame, source: Path) -> SurveyDesign:
    """A SurveyDesign from the design keys of ``table``."""
    options: dict[str, Any] = {"weights": table.get("weights", str, what='"weight"')}
    options.update({key: table.names(key) for key in ("strata", "psu", "fpc")})
    for key, names in options.items():
        table.columns(key, [names] if isinstance(names, str) else names, data, source)
    nest = table.get("nest", bool, False)
    lonely = table.get("lonely_psu", str, "fail", what='"fail"')
    with _about(table):
        return SurveyDesign(data, nest=nest, lonely_psu=lonely, **options)


def _margin_values(table: _Table, data: pd.DataFrame) -> dict[str, Any]:
    """``[weighting] margins`` as the weighting functions take them, levels matched to the data."""
    raw = table.get("margins", (str, dict), required=True,
                    what='"margins.csv" or { sex = { female = 560, male = 440 } }')
    if isinstance(raw, str):
        path = table.path("margins")
        with _about(table):
            frame = read_survey(path)
        needed = {"variable", "level", "target"}
        if not needed <= set(frame.columns):
            table.fail("margins", f"{path.name} lacks column(s) "
                       f"{', '.join(sorted(needed - set(frame.columns)))}",
                       "give one row per margin cell with columns variable, level, target")
        targets = pd.to_numeric(frame["target"], errors="coerce")
        bad = targets.isna() | frame["variable"].isna() | frame["level"].isna()
        if bad.any():
            table.fail("margins", f"{path.name} has a missing or non-numeric entry in "
                       f"{describe_rows(list(frame.index[bad] + 1))}",
                       "give every row a variable, a level and a numeric target")
        raw = {}
        for variable, level, target in zip(frame["variable"], frame["level"], targets):
            raw.setdefault(str(variable), {})[str(level)] = float(target)
    margins: dict[str, Any] = {}
    for variable, targets in raw.items():
        if variable not in data.columns:
            table.columns("margins", [variable], data, Path("the worker survey"))
        if isinstance(targets, dict):
            levels = {str(level): level for level in pd.unique(data[variable].dropna())}
            margins[variable] = {levels.get(str(k), k): v for k, v in targets.items()}
        elif isinstance(targets, (int, float)) and not isinstance(targets, bool):
            margins[variable] = float(targets)
        else:
            table.fail("margins", f"the margin of {variable!r} should be a table of level "
                       f"counts or a number, not {targets!r}",
                       f"write e.g. {variable} = {{ level1 = 100, level2 = 200 }}")
    return margins


def _weighting(table: _Table, workers: SurveyDesign) -> WeightingInputs:
    method = table.get("method", str, required=True, what='"rake"')
    if method not in WEIGHTING_METHODS:
        table.fail("method", f"{method!r} is not a weighting method",
                   "use one of " + ", ".join(WEIGHTING_METHODS))
    margins = _margin_values(table, workers.data)
    if method == "calibrate":
        options = {"method": table.get("calibration", str, "linear", what='"linear"')}
        bounds = table.get("bounds", list, what="[0.3, 3.0]")
        if bounds is not None:
            options["bounds"] = tuple(bounds)
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
    return WeightingInputs(before=workers, after=after,
                           description=f"The worker survey re-weighted ({method}) to "
                                       + ", ".join(margins))


def _earnings(table: _Table, data: pd.DataFrame, source: Path) -> EarningsInputs:
    defaults = EarningsInputs()
    variable = table.get("variable", str, required=True, what='"earnings_month"')
    hours = table.get("hours", str)
    income = table.get("household_income", str)
    size = table.get("household_size", str, defaults.household_size)
    children = table.get("children_under14", str, defaults.children_under14)
    for key, name in (("variable", variable), ("hours", hours), ("household_income", income)):
        table.columns(key, [name] if name else None, data, source)
    if income is not None:
        table.columns("household_size", [size], data, source)
        table.columns("children_under14", [children], data, source)
    return EarningsInputs(
        variable=variable, hours=hours,
        minimum_wage_year=table.get("minimum_wage_year", int, defaults.minimum_wage_year),
        household_income=income, household_size=size, children_under14=children,
        poverty_line_year=table.get("poverty_line_year", int, defaults.poverty_line_year))


def _survey_circles(table: _Table) -> dict[str, Any]:
    """``[size.survey]``: a general-population survey and its nested circles, checked."""
    data, source = _read(table)
    population = _design(table, data, source)
    frequency = table.get("frequency", str, required=True, what='"microwork_freq"')
    table.columns("frequency", [frequency], data, source)
    circles = table.get("circles", dict, required=True,
                        what='{ "at least monthly" = ["monthly", "weekly"] }')
    for name, held in circles.items():
        if not isinstance(held, list) or not held:
            table.fail("circles", f"circle {name!r} should list its levels, not {held!r}",
                       f'write e.g. "{name}" = ["monthly", "weekly"]')
    regular = table.get("regular", str)
    if regular is not None and regular not in circles:
        table.fail("regular", f"{regular!r} is not one of the circles",
                   "use one of " + ", ".join(map(repr, circles)))
    levels = {str(level): level for level in pd.unique(data[frequency].dropna())}
    circles = {name: [levels.get(str(v), v) for v in held] for name, held in circles.items()}
    with _about(table):  # levels present, circles nested
        size.survey_circles(population, frequency, circles=circles)
    return {"population": population, "frequency": frequency, "regular": regular,
            "circles": circles}


def _platform_circles(table: _Table, workers: SurveyDesign) -> dict[str, Any]:
    """``[size.platforms]``: platform figures over the workers' mean multiplicity, checked."""
    multiplicity = table.get("multiplicity", str, "n_platforms", what='"n_platforms"')
    table.columns("multiplicity", [multiplicity], workers.data, Path("the worker survey"))
    path = table.path("file")
    with _about(table):  # every figure with its status and source, a valid multiplicity
        platforms = read_survey(path)
        size.platform_circles(platforms, workers, multiplicity=multiplicity)
    return {"platforms": platforms, "workers": workers, "multiplicity": multiplicity}


def _captures(table: _Table) -> dict[str, Any]:
    """``[size.captures]``: 0/1 capture histories, checked."""
    data, source = _read(table)
    lists = table.names("lists")
    table.columns("lists", lists, data, source)
    histories = data[lists] if lists else data
    with _about(table):  # 0/1 values, at least two lists
        size.capture_table(histories)
    return {"captures": histories}


def _size(table: _Table, workers: SurveyDesign) -> SizeInputs:
    """``[size]``: the methods of the population-size section."""
    options: dict[str, Any] = {"published_regular": table.get("published", (int, float))}
    parts = {"survey": _survey_circles, "platforms": lambda t: _platform_circles(t, workers),
             "captures": _captures}
    for key, read in parts.items():
        part = table.table(key)
        if part is not None:
            options.update(read(part))
    if len(options) == 1:
        table.fail(None, "has no method",
                   "add [size.survey], [size.platforms] or [size.captures]")
    return SizeInputs(**options)


def load_config(path: str | Path) -> ReportPlan:
    """Read ``analysis.toml`` and build the plan of the report it asks for.

    Parameters
    ----------
    path : str or pathlib.Path
        The configuration file (TOML; see the module documentation for its keys).

    Returns
    -------
    ReportPlan

    Raises
    ------
    ConfigError
        The file is missing or not TOML, a key is unknown or of the wrong type,
        a file it names is missing, a column is absent from the data, or the
        library refuses the data (the message then says in which table).
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
    top = _Table(values, "", config)
    title = top.get("title", str, ReportPlan.title, what='"My survey"')
    survey = top.table("survey")
    if survey is None:
        top.fail("survey", "is required", 'add a [survey] table with file = "..." and weights')
    data, source = _read(survey)
    workers = _design(survey, data, source)
    plan: dict[str, Any] = {"earnings": None}
    weighting = top.table("weighting")
    if weighting is not None:
        plan["weighting"] = _weighting(weighting, workers)
        workers = plan["weighting"].after
    plan["profile"] = ()
    profile = top.table("profile")
    if profile is not None:
        variables = profile.names("variables", list(PROFILE_VARIABLES))
        profile.columns("variables", variables, workers.data, source)
        plan.update(profile=tuple(variables),
                    compare_with_france=profile.get("compare_with_france", bool, False))
    earnings = top.table("earnings")
    if earnings is not None:
        plan["earnings"] = _earnings(earnings, workers.data, source)
    methods = top.table("size")
    if methods is not None:
        plan["size"] = _size(methods, workers)
    return ReportPlan(workers=workers, title=title,
                      provenance=f"Data: {source.name} ({len(workers.data):,} rows), "
                                 f"analysis {config.name}.", **plan)
