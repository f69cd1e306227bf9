"""Demo and reference datasets shipped with micropop.

Two kinds of files live in the package's data folder (see ``data/README.md``
in the source tree for their provenance):

* **synthetic demo data**, made by the seeded generator
  ``data/scripts/generate.py`` and calibrated to published figures -- not
  real survey responses: ``worker_survey``, ``population_survey``,
  ``population_truth``, ``capture_histories``; and the **illustrative**
  ``platforms`` table (per-platform figures were never published; its totals
  match the published aggregates);
* **reference tables** of published facts (INSEE), each row with its year,
  source and status: see :func:`list_datasets` with ``kind="reference"``.

The two surveys are read with :func:`micropop.io.read_survey` and their
codebook, so categorical columns come back as labelled pandas categoricals.

Where the files are found: in a built wheel they are packaged as
``micropop/_data``; in a source checkout (or an editable install) they are
the repository's ``data/`` folder.

Examples
--------
>>> from micropop import datasets
>>> "worker_survey" in datasets.list_datasets()
True
>>> df = datasets.load_worker_survey()
>>> df.shape[0]
1000
>>> str(df["sex"].dtype)
'category'
>>> ref = datasets.load_reference("insee_rp2018_sex_age")
>>> int(ref.loc[ref["age_band"] == "25-29", "women"].iloc[0])
1939465
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from micropop.errors import DatasetNotFoundError, check_option

__all__ = [
    "data_dir",
    "data_path",
    "list_datasets",
    "load",
    "load_worker_survey",
    "load_population_survey",
    "load_population_truth",
    "load_capture_histories",
    "load_platforms",
    "load_reference",
]

#: Dataset name -> (file, codebook or None, one-line description).
_DATASETS: dict[str, tuple[str, str | None, str]] = {
    "worker_survey": (
        "worker_survey.csv", "worker_survey.codebook.yaml",
        "SYNTHETIC survey of 1,000 micro-workers shaped like the DiPLab Foule Factory "
        "survey (2019), calibrated to its published profile figures"),
    "population_survey": (
        "population_survey.csv", "population_survey.codebook.yaml",
        "SYNTHETIC stratified two-stage general-population survey of adults 18-64"),
    "population_truth": (
        "population_truth.csv", None,
        "SYNTHETIC exact counts of the finite population the population survey was drawn from"),
    "capture_histories": (
        "capture_histories.csv", None,
        "SYNTHETIC capture histories of micro-workers on three overlapping lists"),
    "platforms": (
        "platforms.csv", None,
        "ILLUSTRATIVE per-platform registrations, visitors and weekly actives whose totals "
        "match the DiPLab aggregates"),
}

#: Reference table name -> (file under reference/, description).
_REFERENCE: dict[str, tuple[str, str]] = {
    "insee_rp2018_sex_age": (
        "reference/insee_rp2018_sex_age.csv",
        "INSEE census RP2018, France entiere, persons by sex and 5-year age band (POP1B)"),
    "insee_poverty_2015_2019": (
        "reference/insee_poverty_2015_2019.csv",
        "INSEE ERFS 2015-2019: median standard of living, poverty line, poverty rate, Gini"),
    "education_attainment": (
        "reference/education_attainment.csv",
        "INSEE enquete Emploi: highest diploma of the 25-64 by age and sex (2023; 2018 "
        "text figures)"),
    "labour_market_2018": (
        "reference/labour_market_2018.csv",
        "INSEE enquete Emploi 2018: activity rate, unemployment rate, share of CDI"),
    "smic_hourly": (
        "reference/smic_hourly.csv",
        "French gross hourly minimum wage (SMIC) in force on 1 January 2018 and 2019 "
        "(decrees, JORF)"),
}

#: Column dtypes of tables read without a codebook (integers with blanks -> Int64).
_DTYPES: dict[str, dict[str, str]] = {
    "platforms": {"french": "Int64", "accounts_fr": "Int64", "monthly_visitors_fr": "Int64",
                  "weekly_active_fr": "Int64", "accounts_fr_status": "category",
                  "monthly_visitors_fr_status": "category",
                  "weekly_active_fr_status": "category"},
    "insee_rp2018_sex_age": {"age_min": "Int64", "age_max": "Int64", "men": "Int64",
                             "women": "Int64", "total": "Int64"},
    "insee_poverty_2015_2019": {"gini": "Float64"},
    "smic_hourly": {"smic_hourly_gross_eur": "float64"},
}


def _candidate_dirs() -> list[Path]:
    here = Path(__file__).resolve().parent
    return [here / "_data", here.parents[1] / "data"]


def data_dir() -> Path:
    """The folder holding micropop's data files.

    Looks for the folder packaged in a wheel (``micropop/_data``) first, then
    for the ``data/`` folder of a source checkout.

    Returns
    -------
    pathlib.Path
        An existing directory.

    Raises
    ------
    DatasetNotFoundError
        If neither location exists (a broken installation).

    Examples
    --------
    >>> data_dir().is_dir()
    True
    """
    candidates = _candidate_dirs()
    for folder in candidates:
        if (folder / "worker_survey.csv").is_file():
            return folder
    raise DatasetNotFoundError(
        "micropop's data folder was not found; looked in "
        + " and ".join(str(c) for c in candidates),
        hint="reinstall micropop from a wheel (which packages micropop/_data) or run from "
             "a source checkout that has the data/ folder")


def list_datasets(kind: str | None = None) -> list[str]:
    """Names of the datasets that :func:`data_path` and the loaders know.

    Parameters
    ----------
    kind : {None, "dataset", "reference"}, default None
        ``"dataset"`` for the demo data (synthetic or illustrative),
        ``"reference"`` for the tables of published facts, ``None`` for both.

    Returns
    -------
    list of str
        Demo datasets first, then reference tables, each in a fixed order.

    Examples
    --------
    >>> list_datasets("reference")[0]
    'insee_rp2018_sex_age'
    >>> len(list_datasets()) == len(list_datasets("dataset")) + len(list_datasets("reference"))
    True
    """
    check_option("kind", kind, [None, "dataset", "reference"])
    if kind is None:
        return list(_DATASETS) + list(_REFERENCE)
    return list(_DATASETS if kind == "dataset" else _REFERENCE)


def _unknown(name: str, names: list[str], what: str = "dataset") -> DatasetNotFoundError:
    return DatasetNotFoundError(
        f"unknown {what} {name!r}; available: {', '.join(names)}",
        hint="pick one of the names listed (see micropop.datasets.list_datasets())")


def data_path(name: str, codebook: bool = False) -> Path:
    """Path of a dataset's file (or of its codebook).

    Parameters
    ----------
    name : str
        A name from :func:`list_datasets`.
    codebook : bool, default False
        Return the YAML codebook instead of the data file (only the two
        surveys have one).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    DatasetNotFoundError
        For an unknown name, or ``codebook=True`` on a table without one.

    Examples
    --------
    >>> data_path("worker_survey").name
    'worker_survey.csv'
    >>> data_path("worker_survey", codebook=True).name
    'worker_survey.codebook.yaml'
    >>> data_path("insee_rp2018_sex_age").parent.name
    'reference'
    """
    if name in _DATASETS:
        file, book, _ = _DATASETS[name]
        if codebook:
            if book is None:
                raise DatasetNotFoundError(
                    f"dataset {name!r} has no codebook",
                    hint="only " + ", ".join(n for n, v in _DATASETS.items() if v[1])
                         + " have one")
            file = book
    elif name in _REFERENCE:
        if codebook:
            raise DatasetNotFoundError(f"reference table {name!r} has no codebook",
                                       hint="its columns are described in data/README.md")
        file = _REFERENCE[name][0]
    else:
        raise _unknown(name, list_datasets())
    return data_dir() / file


def _read_table(name: str) -> pd.DataFrame:
    return pd.read_csv(data_path(name), dtype=_DTYPES.get(name), encoding="utf-8")


def _read_survey(name: str) -> pd.DataFrame:
    from micropop.io import read_survey  # local import: io imports heavier readers

    return read_survey(data_path(name), codebook=data_path(name, codebook=True))


def load(name: str) -> pd.DataFrame:
    """Load any dataset or reference table by its name.

    Surveys with a codebook are read through it; other tables as CSV.

    Parameters
    ----------
    name : str
        A name from :func:`list_datasets`.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    DatasetNotFoundError
        For an unknown name (the message lists the known ones).

    Examples
    --------
    >>> load("platforms").shape[0] > 0
    True
    """
    if name in _DATASETS and _DATASETS[name][1] is not None:
        return _read_survey(name)
    if name in _DATASETS or name in _REFERENCE:
        return _read_table(name)
    raise _unknown(name, list_datasets())


def load_worker_survey() -> pd.DataFrame:
    """SYNTHETIC survey of 1,000 micro-workers (DiPLab-like, calibrated).

    Shaped like the DiPLab questionnaire run on Foule Factory ("Le
    micro-travail en France", 2019) and calibrated so that, unweighted and
    weighted by ``weight``, it reproduces the published profile: 56.1 %
    women, 63.4 % aged 25-44, 43.5 % above bac+2 among the 25-64, 22 % below
    the 2016 poverty line, 27.9 % without another job, 40 % on a CDI (71 %
    of them full-time), 44.9 % working mainly for the money, mean earnings
    21 EUR/month, 3 h/week, 1.27 platforms. Not real responses.

    Returns
    -------
    pandas.DataFrame
        1,000 rows; categorical columns (``sex``, ``education``, ``region``,
        ...) as pandas categoricals with the codebook's levels; one 0/1 column
        per platform of :func:`load_platforms` (``platform_id``); ``weight``
        is a probability weight summing to 266,126.

    Examples
    --------
    >>> df = load_worker_survey()
    >>> round(float((df["sex"] == "female").mean()), 3)
    0.561
    >>> round(float(df["weight"].sum()))
    266126
    >>> list(df["education"].cat.categories)
    ['below_bac', 'bac', 'bac+2', 'above_bac+2']
    """
    return _read_survey("worker_survey")


def load_population_survey() -> pd.DataFrame:
    """SYNTHETIC general-population survey (stratified two-stage design).

    Adults aged 18-64 in metropolitan France, drawn from a synthetic finite
    population (strata = region; communes, then households). Its design
    columns (``region``, ``commune_id``, ``household_id``, ``fpc1``,
    ``fpc2``, ``weight``) are described in the codebook.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> df = load_population_survey()
    >>> {"weight", "region"} <= set(df.columns)
    True
    """
    return _read_survey("population_survey")


def load_population_truth() -> pd.DataFrame:
    """Exact counts of the SYNTHETIC finite population behind the population survey.

    Returns
    -------
    pandas.DataFrame
        Tidy table (``quantity``, ``domain``, ``value``) to check estimates
        against.

    Examples
    --------
    >>> truth = load_population_truth()
    >>> list(truth.columns)
    ['quantity', 'domain', 'value']
    """
    return _read_table("population_truth")


def load_capture_histories() -> pd.DataFrame:
    """SYNTHETIC capture histories of micro-workers on three overlapping lists.

    Returns
    -------
    pandas.DataFrame
        One row per person captured at least once; one 0/1 column per list.

    Examples
    --------
    >>> ch = load_capture_histories()
    >>> "person_id" in ch.columns
    True
    """
    return _read_table("capture_histories")


def load_platforms() -> pd.DataFrame:
    """ILLUSTRATIVE platform table: registrations, visitors, weekly actives in France.

    DiPLab did not publish its per-platform inputs, only the aggregates. The
    figures here are illustrative, chosen so that column totals divided by
    the multi-homing factor 1.27 give back the published circles (266,126
    registered, 52,337 regular, 14,903 very active); the ``*_status``
    columns say so for each figure (``illustrative`` or ``not_available``).

    Returns
    -------
    pandas.DataFrame
        One row per platform; counts as nullable ``Int64``.

    Examples
    --------
    >>> pf = load_platforms()
    >>> round(int(pf["accounts_fr"].sum()) / 1.27)
    266126
    >>> sorted(pf["accounts_fr_status"].unique())
    ['illustrative', 'not_available']
    """
    return _read_table("platforms")


def load_reference(name: str) -> pd.DataFrame:
    """A reference table of published facts (INSEE), with year and source per row.

    Parameters
    ----------
    name : str
        One of ``list_datasets("reference")``: ``"insee_rp2018_sex_age"``,
        ``"insee_poverty_2015_2019"``, ``"education_attainment"``,
        ``"labour_market_2018"``, ``"smic_hourly"``.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    DatasetNotFoundError
        For a name that is not a reference table; the message lists them.

    Examples
    --------
    >>> pov = load_reference("insee_poverty_2015_2019")
    >>> int(pov.loc[pov["year"] == 2016, "poverty_line_60pct_eur_month"].iloc[0])
    1026
    >>> load_reference("nope")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    micropop.errors.DatasetNotFoundError: unknown reference table 'nope'; available: ...
    """
    if name not in _REFERENCE:
        raise _unknown(name, list(_REFERENCE), what="reference table")
    return _read_table(name)
