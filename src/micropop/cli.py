"""The ``micropop`` command line.

``micropop report`` writes the HTML report (the demo analysis, or a user's
from ``--config analysis.toml``); ``micropop estimate`` prints one
design-based estimate from a data file (or a packaged data set) as a table,
CSV or JSON; ``micropop model`` fits a design-based regression (R's
``svyglm``) and prints its coefficients the same ways.

Examples
--------
>>> from micropop.cli import main
>>> main(["--version"])  # doctest: +ELLIPSIS
micropop ...
0
>>> main(["estimate", "mean", "hours_week", "--dataset", "worker_survey",
...       "--weights", "weight", "--format", "csv"])  # doctest: +ELLIPSIS
variable,estimate,se,ci_low,ci_high,df,deff,n
hours_week,2.99...
0
>>> main(["model", "has_other_job ~ sex", "--dataset", "worker_survey", "--weights",
...       "weight", "--family", "quasibinomial", "--exp", "--format", "csv"])
... # doctest: +ELLIPSIS
term,estimate,se,t,p,ci_low,ci_high
(Intercept),2.43...
sexmale,1.1...
0
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from micropop import __version__
from micropop.errors import (
    InMemoryOnlyError,
    MicropopError,
    OptionError,
    check_level,
    check_number,
)
from micropop.models.olr import METHOD_OF_LINK
from micropop.partitioned import is_dask_frame

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``micropop`` command.

    Returns
    -------
    argparse.ArgumentParser

    Examples
    --------
    >>> build_parser().parse_args(["report", "--out", "out"]).out
    'out'
    """
    parser = argparse.ArgumentParser(
        prog="micropop",
        description="Measure hidden workforces with survey statistics: "
                    "profiles, earnings and population size of micro-workers.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    report = commands.add_parser(
        "report", help="write the HTML report (the demo analysis, or yours with --config)",
        description="Write index.html, tables (CSV) and figures (PNG, SVG) into a folder. "
                    "Without --config, the analysis of the synthetic demo data. Progress is "
                    "shown on a terminal, not when the output is piped or CI is set.")
    report.add_argument("--config", metavar="FILE",
                        help="analysis.toml: your data, design, weighting, profile, earnings "
                             "and size methods (see micropop.report.config)")
    report.add_argument("--out", default="report", metavar="DIR",
                        help="output folder (default: report)")
    report.add_argument("--lang", choices=["en", "fr"], default="en",
                        help="language of the report: headings, text, tables, numbers and "
                             "figures (default: en)")
    report.add_argument("--csv", choices=["plain", "excel-fr"], default="plain",
                        help="CSV files of the tables: plain (',', decimal point, UTF-8; the "
                             "default) or excel-fr for French Excel (';', decimal comma, UTF-8 "
                             "with BOM, column names in --lang); tables.xlsx is always written")
    _add_estimate_parser(commands)
    _add_model_parser(commands)
    return parser


def _add_estimate_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]
                         ) -> None:
    estimate = commands.add_parser(
        "estimate", help="print one design-based estimate (table, CSV or JSON)",
        description="Estimate a total, mean, ratio, quantile or proportion with its standard "
                    "error and confidence interval, as R's survey package computes them.")
    estimate.add_argument("statistic", choices=list(_STATISTICS),
                          help="what to estimate")
    estimate.add_argument("variables", nargs="+", metavar="VARIABLE",
                          help="column(s); for 'ratio': numerator then denominator")
    _add_design_options(estimate)
    estimate.add_argument("--by", nargs="+", metavar="COLUMN", help="domain column(s)")
    estimate.add_argument("--quantiles", nargs="+", type=float, metavar="P",
                          help="probabilities for 'quantile' (default: 0.5)")
    estimate.add_argument("--category", metavar="CATEGORY",
                          help="the value counted by 'proportion' (needed unless the column "
                               "holds 0/1)")
    estimate.add_argument("--level", metavar="LEVEL",
                          help="with --category: the coverage of the interval; without it, "
                               "for now, the category counted by 'proportion' (deprecated: "
                               "write --category; --level will be the coverage)")
    estimate.add_argument("--conf-level", type=float,
                          help="coverage of the interval (default: 0.95)")
    estimate.add_argument("--na-rm", action="store_true",
                          help="leave out rows with missing values (R's na.rm=TRUE)")
    estimate.add_argument("--format", choices=["table", "csv", "json"], default="table",
                          help="output format (default: table)")


def _add_model_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    model = commands.add_parser(
        "model", help="fit a design-based regression (R's svyglm) and print its coefficients",
        description="Fit a generalised linear model on the survey design, as R's svyglm: "
                    "coefficients from the design-weighted estimating equations, standard "
                    "errors from the design, t tests on the design's degrees of freedom.")
    model.add_argument("formula", metavar="FORMULA",
                       help="the model in R's spelling, e.g. 'has_other_job ~ sex + hours_week' "
                            "(read safely, never evaluated)")
    _add_design_options(model)
    model.add_argument("--family", default="gaussian",
                       help="gaussian (default), binomial, quasibinomial, poisson, quasipoisson, "
                            "Gamma, or ordinal (proportional odds of an ordered response, as "
                            "R's svyolr)")
    model.add_argument("--link",
                       help="identity, logit, probit, log, cloglog or inverse (default: the "
                            "family's canonical link); logit (default) or probit if ordinal")
    model.add_argument("--exp", action="store_true",
                       help="exponentiated coefficients and limits (odds or rate ratios)")
    model.add_argument("--level", type=float, default=0.95,
                       help="coverage of the intervals (default: 0.95)")
    model.add_argument("--na-rm", action="store_true",
                       help="leave out rows with a missing value in a column of the model")
    model.add_argument("--format", choices=["table", "csv", "json"], default="table",
                       help="output format (default: table)")


def _add_design_options(parser: argparse.ArgumentParser) -> None:
    """The data source and the design's flags, shared by ``estimate`` and ``model``."""
    estimate = parser
    source = estimate.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", metavar="FILE",
                        help="survey file (csv, tsv, parquet, dta, sav, xlsx); with --engine "
                             "dask, a folder or a glob of Parquet or CSV files")
    source.add_argument("--dataset", metavar="NAME",
                        help="a packaged data set, e.g. worker_survey or population_survey")
    estimate.add_argument("--codebook", metavar="FILE", help="codebook (YAML or JSON) for --data")
    estimate.add_argument("--encoding", metavar="NAME",
                          help="encoding of a --data text file, e.g. cp1252 (default: UTF-8, "
                               "or Windows-1252 when the file is not UTF-8)")
    estimate.add_argument("--sep", metavar="CHAR",
                          help="field separator of a --data text file, e.g. ';' (default: "
                               "guessed from the first lines)")
    estimate.add_argument("--decimal", choices=[".", ","],
                          help="decimal mark of a --data text file (default: guessed)")
    estimate.add_argument("--engine", choices=["pandas", "dask"], default="pandas",
                          help="pandas (default) reads --data into memory; dask reads it "
                               "lazily, for data larger than memory: --data is then a folder, "
                               "a glob such as 'census/*.parquet' or a file, of Parquet or text "
                               "files (needs pip install 'micropop[dask]'); progress is shown "
                               "on a terminal")
    estimate.add_argument("--weights", metavar="COLUMN", help="probability weights")
    estimate.add_argument("--strata", nargs="+", metavar="COLUMN", help="strata column(s)")
    estimate.add_argument("--psu", nargs="+", metavar="COLUMN",
                          help="sampling-unit column per stage")
    estimate.add_argument("--fpc", nargs="+", metavar="COLUMN",
                          help="finite population correction per stage")
    estimate.add_argument("--lonely-psu", default="fail",
                          choices=["fail", "remove", "certainty", "adjust", "average",
                                   "adjust_legacy"],
                          help="policy for strata with one PSU (default: fail, as R)")


#: Statistic name -> how to call it on a design with the parsed arguments.
_STATISTICS = {
    "total": lambda des, a: des.total(a.variables, by=a.by, na_rm=a.na_rm),
    "mean": lambda des, a: des.mean(a.variables, by=a.by, na_rm=a.na_rm),
    "ratio": lambda des, a: des.ratio(a.variables[:-1], a.variables[-1], by=a.by,
                                      na_rm=a.na_rm),
    "quantile": lambda des, a: des.quantile(a.variables, a.quantiles or [0.5], by=a.by,
                                            level=a.coverage, na_rm=a.na_rm),
    "proportion": lambda des, a: des.proportion(a.variables[0], category=a.category, by=a.by,
                                                level=a.coverage, na_rm=a.na_rm),
}


#: Python keywords in the library's messages -> the flags of ``micropop estimate``.
_FLAGS = [(re.compile(r"(?<![\w.-])" + keyword), flag) for keyword, flag in [
    (r"na_rm=True\b", "--na-rm"),
    (r"na_rm=False\b", "no --na-rm"),
    (r"na_rm\b", "--na-rm"),
    (r"conf_level\b", "--conf-level"),
    (r"lonely_psu=", "--lonely-psu "),
    (r"lonely_psu\b", "--lonely-psu"),
    (r"(weights|strata|psu|fpc|by|quantiles|level|category|encoding|sep|decimal|engine)=",
     r"--\1 "),
]]


def _as_flags(text: str) -> str:
    """A library message with its Python keywords written as the command's flags.

    Examples
    --------
    >>> _as_flags("'x' missing in rows 3, 7. Pass na_rm=True to leave those rows out.")
    "'x' missing in rows 3, 7. Pass --na-rm to leave those rows out."
    >>> _as_flags("use lonely_psu='adjust' or weights='w'; conf_level=1.5, --conf-level=2")
    "use --lonely-psu 'adjust' or --weights 'w'; --conf-level=1.5, --conf-level=2"
    """
    for pattern, flag in _FLAGS:
        text = pattern.sub(flag, text)
    return text


def _listing(values: Sequence[Any], limit: int = 20) -> str:
    shown = ", ".join(map(str, values[:limit]))
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def _category(values: pd.Series, column: str, text: str | None, flag: str = "--level") -> Any:
    """The value of ``column`` that ``--category`` (or ``flag``) names, in the column's type.

    A categorical or text column takes the level as written; a numeric (or
    boolean) column takes it as a number (``--level 1`` counts the 1s, not the
    text "1"). Without ``--level`` the column must hold 0/1. A level that the
    column does not hold is refused with the column's levels.
    """
    observed = pd.unique(values.dropna())
    if isinstance(values.dtype, pd.CategoricalDtype):
        levels = list(values.cat.categories)
    else:
        levels = sorted(observed, key=str) if values.dtype == object else sorted(observed)
    if text is None:
        numbers = pd.to_numeric(pd.Series(observed), errors="coerce")
        if (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)) \
                and numbers.isin([0, 1]).all():
            return None
        raise OptionError(f"column {column!r} is not a 0/1 indicator, so 'proportion' needs "
                          "--level", hint=f"name the level counted, e.g. --level "
                                          f"{levels[0] if levels else 'LEVEL'}; the levels of "
                                          f"{column!r} are: {_listing(levels)}")
    found = [level for level in levels if str(level) == text]
    if not found and all(isinstance(v, (bool, int, float, np.bool_, np.number)) for v in levels):
        try:  # a number (or true/false) compared as a number: "1" is 1, 1.0 and True
            number = float({"true": 1, "false": 0}.get(text.strip().lower(), text))
        except ValueError:
            number = np.nan
        found = [level for level in levels if float(level) == number]
    if not found:
        raise OptionError(f"{flag} {text!r} is not a level of column {column!r}",
                          hint=f"use one of its levels: {_listing(levels)}")
    return found[0]


def _sort_level(args: argparse.Namespace) -> None:
    """Read ``--level`` as the category or as the coverage, as ``proportion(level=)`` is read.

    With ``--category``, ``--level`` is the coverage; without it, ``--level``
    still names the category (a ``DeprecationWarning``, which :func:`main`
    shows on standard error). ``--conf-level`` is the coverage too; both
    coverages at once are refused. Sets ``args.coverage`` and
    ``args.category_flag`` (the flag that named the category, for messages).
    """
    args.category_flag = "--category"
    if args.level is not None and args.category is None:
        warnings.warn("--level names the category here for now: write --category "
                      f"{args.level}; in a later release --level will be the coverage",
                      DeprecationWarning, stacklevel=1)
        args.category, args.category_flag, args.level = args.level, "--level", None
    if args.conf_level is not None:
        check_level("--conf-level", args.conf_level)
    if args.level is None:
        args.coverage = 0.95 if args.conf_level is None else args.conf_level
        return
    if args.conf_level is not None:
        raise OptionError("--level and --conf-level both give the coverage",
                          hint="give only --level (--conf-level is its old name)")
    try:
        coverage = float(args.level)
    except ValueError:
        raise OptionError(f"--level={args.level!r} is not a number",
                          hint="give a level between 0 and 1, e.g. 0.95") from None
    args.coverage = check_level("--level", coverage)


def _check_flags(args: argparse.Namespace) -> None:
    """Refuse flags that the statistic would ignore, and bad numbers, naming the flag."""
    _sort_level(args)
    for p in args.quantiles or []:
        check_number("--quantiles", p, low=0, high=1, hint="give probabilities between 0 and 1")
    unused = [flag for flag, given, statistic in (
        ("--quantiles", args.quantiles is not None, "quantile"),
        (args.category_flag, args.category is not None, "proportion")) if given
        and args.statistic != statistic]
    if unused:
        raise OptionError(f"{unused[0]} does not apply to '{args.statistic}'",
                          hint=f"remove {unused[0]}")
    _check_source(args)
    if args.statistic == "ratio" and len(args.variables) < 2:
        raise MicropopError("'ratio' needs a numerator and a denominator",
                            hint="e.g. micropop estimate ratio earnings_month hours_week ...")
    if args.statistic == "proportion" and len(args.variables) > 1:
        raise OptionError(f"'proportion' takes one column, not {len(args.variables)}",
                          hint="run micropop estimate proportion once per column")


def _check_source(args: argparse.Namespace) -> None:
    """Refuse the reading flags with a packaged data set, naming the flag."""
    if args.dataset and args.engine != "pandas":
        raise OptionError(f"--engine {args.engine} applies to --data, not to a packaged --dataset",
                          hint="remove --engine (packaged data sets are small and read in "
                               "memory)")
    for flag in ("codebook", "encoding", "sep", "decimal"):
        if getattr(args, flag) is not None and args.dataset:
            raise OptionError(f"--{flag} applies to --data, not to a packaged --dataset",
                              hint=f"remove --{flag} (packaged data sets have "
                                   + ("theirs)" if flag == "codebook" else "no file to read)"))


def _json_value(value: Any) -> Any:
    """A cell as JSON holds it: numbers in full (pandas' to_json wrote 1e-12 as 0.0)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and np.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value if isinstance(value, (bool, int, float, str)) else str(value)


def _json(table: pd.DataFrame) -> str:
    """The table as a JSON list of records, every number as Python writes it (round trip).

    Examples
    --------
    >>> print(_json(pd.DataFrame({"se": [1.2345678901234e-12], "n": [3]},
    ...                          index=pd.Index(["x"], name="variable"))))
    [
     {
      "variable": "x",
      "se": 1.2345678901234e-12,
      "n": 3
     }
    ]
    """
    records = table.reset_index().to_dict(orient="records")
    return json.dumps([{str(k): _json_value(v) for k, v in row.items()} for row in records],
                      indent=1, ensure_ascii=False, allow_nan=False)


def _show_read_notes(data: pd.DataFrame, path: str) -> None:
    """Tell on standard error what the reader guessed about ``path`` (stdout stays the table)."""
    notes = data.attrs.get("read_notes", []) or []
    for note in [notes] if isinstance(notes, str) else notes:
        print(f"micropop: note: {path}: {note}", file=sys.stderr)


def _design(args: argparse.Namespace) -> Any:
    """The data read as the flags say, and the SurveyDesign they declare."""
    from micropop import datasets
    from micropop.design import SurveyDesign
    from micropop.io import read_survey

    if args.dataset:
        data = datasets.load(args.dataset)
    elif args.engine == "dask":  # lazily: no read notes (each file is read when computed)
        data = read_survey(args.data, codebook=args.codebook, encoding=args.encoding,
                           sep=args.sep, decimal=args.decimal, engine="dask")
    else:
        data = read_survey(args.data, codebook=args.codebook, encoding=args.encoding,
                           sep=args.sep, decimal=args.decimal)
        if args.encoding is not None:  # the reader says the encodings it guesses, not these
            print(f"micropop: note: {args.data}: Encoding {args.encoding}, as --encoding says.",
                  file=sys.stderr)
        _show_read_notes(data, args.data)
    return SurveyDesign(data, weights=args.weights, strata=args.strata, psu=args.psu,
                        fpc=args.fpc, lonely_psu=args.lonely_psu)


def _formatted(table: pd.DataFrame, form: str) -> str:
    """The table as ``--format`` asks: a text table, CSV or JSON."""
    if form == "csv":
        return table.to_csv(lineterminator="\n").rstrip("\n")
    if form == "json":
        return _json(table)
    with pd.option_context("display.width", 120, "display.max_columns", None):
        return table.to_string()


def _model(args: argparse.Namespace) -> str:
    """Run ``micropop model`` and return its output text."""
    _check_source(args)
    des = _design(args)
    fit: Any
    if args.family == "ordinal":
        method = METHOD_OF_LINK.get(args.link or "logit")
        if method is None:
            raise OptionError(f"--link {args.link!r} is not a link of an ordinal model",
                              hint="use --link logit (the default) or --link probit")
        fit = des.olr(args.formula, method=method, na_rm=args.na_rm)
    else:
        fit = des.glm(args.formula, family=args.family, link=args.link, na_rm=args.na_rm)
    return _formatted(fit.to_frame(exp=args.exp, level=args.level), args.format)


def _estimate(args: argparse.Namespace) -> str:
    """Run ``micropop estimate`` and return its output text."""
    _check_flags(args)
    with _progress(args.engine):
        des = _design(args)
        data = des.data
        if args.statistic == "proportion" and args.variables[0] in data.columns:
            args.category = _category(_levels_of(data, args.variables[0]), args.variables[0],
                                      args.category, args.category_flag)
        table: pd.DataFrame = _STATISTICS[args.statistic](des, args).to_frame(
            level=args.coverage)
    return _formatted(table, args.format)


def _levels_of(data: Any, column: str) -> pd.Series:
    """The column of an in-memory frame; of a Dask frame, its values without repeats (one
    pass), with the column's type: what :func:`_category` reads of it."""
    if not is_dask_frame(data):
        column_values: pd.Series = data[column]
        return column_values
    dtype = data[column].dtype
    values = data[column].dropna().unique().compute()
    if isinstance(dtype, pd.CategoricalDtype) and "__UNKNOWN_CATEGORIES__" not in list(
            dtype.categories):
        return pd.Series(pd.Categorical(np.asarray(values, dtype=object), dtype=dtype))
    observed: pd.Series = pd.Series(np.asarray(values), dtype=values.dtype)
    return observed


def _progress(engine: str) -> contextlib.AbstractContextManager[Any]:
    """Dask's progress bar on standard error, for the Dask engine on a terminal with a
    local scheduler; nothing otherwise (a distributed Client shows it on its dashboard,
    and piped or captured output has no bar)."""
    if engine != "dask" or not sys.stderr.isatty():
        return contextlib.nullcontext()
    try:
        from distributed import default_client

        default_client()  # type: ignore[no-untyped-call]
        return contextlib.nullcontext()  # a Client is active: its dashboard shows progress
    except (ImportError, ValueError):
        pass
    from dask.diagnostics.progress import ProgressBar

    bar: contextlib.AbstractContextManager[Any] = ProgressBar(  # type: ignore[no-untyped-call]
        out=sys.stderr)
    return bar


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` when omitted.

    Returns
    -------
    int
        0 on success, 1 on a :class:`~micropop.errors.MicropopError`
        (printed to standard error), 2 on a usage error.

    Examples
    --------
    >>> main(["--version"])  # doctest: +ELLIPSIS
    micropop ...
    0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        print(f"micropop {__version__}")
        return 0
    if args.command is None:
        parser.print_help()
        return 2
    with warnings.catch_warnings():
        # the deprecated flags' notes (from this module only) reach standard error
        warnings.filterwarnings("default", category=DeprecationWarning, module=r"micropop\.cli")
        try:
            if args.command == "report":
                from micropop.report import write_report
                from micropop.report.config import load_config

                plan = load_config(args.config) if args.config else None
                path = write_report(args.out, plan, lang=args.lang, csv=args.csv)
                print(f"wrote {path}")
            elif args.command == "model":
                print(_model(args))
            else:
                print(_estimate(args))
        except MicropopError as err:
            text = str(err) if args.command == "report" else _as_flags(str(err))
            if isinstance(err, InMemoryOnlyError):  # the library's hint speaks Python
                text = (f"{err.message} (--engine dask). Use --engine pandas: the data are "
                        "then read into memory.")
            print(f"micropop: error: {text}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through the console script
    sys.exit(main())
